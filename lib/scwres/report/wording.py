"""Plain-English words and number formats for the report, in one place.

Readers are boards, staff networks and the public, not statisticians: every
figure gets a sentence, ratios are phrased as "0.52 times as likely (48% less
likely)" and never "times more likely" below 2 (docs/methods.md), and every string
that came from outside the code goes through ``esc``.
"""

from __future__ import annotations

import math
from typing import Any

from ..standalone_page import esc  # noqa: F401  (the one escape for outside strings; re-exported)

SUPPRESSED = "[c]"
DASH = "–"
# The GSS key for [c]: it covers cells hidden to protect other cells too, so never "too few cases" alone.
WITHHELD = "withheld so that no one can be identified"
C_KEY = f"{SUPPRESSED} means {WITHHELD}."

METRIC_TITLES = {
    "m1": "Staff in each pay band",
    "m2": "Appointment from shortlisting",
    "m3": "Entering the formal disciplinary process",
    "m4": "Referral into fitness to practise",
    "m5": "Access to funded non-mandatory training (CPD)",
    "m6": "Harassment, bullying or abuse from people who use services, their relatives or the public",
    "m7_colleagues": "Harassment, bullying or abuse from colleagues",
    "m7_managers": "Harassment, bullying or abuse from managers",
    "m8": "Leaving the organisation",
    "m9": "Senior management",
}
METRIC_SHORT = {
    "m1": "Pay bands", "m2": "Appointment", "m3": "Disciplinary", "m4": "Fitness to practise", "m5": "CPD",
    "m6": "Abuse from the public", "m7_colleagues": "Abuse from colleagues", "m7_managers": "Abuse from managers",
    "m8": "Leaving", "m9": "Senior managers",
}
# Who is compared, and what happened to them, per metric.
SUBJECT = {
    "m2": "applicants", "m3": "staff", "m4": "registered professionals", "m5": "staff", "m6": "survey respondents",
    "m7_colleagues": "survey respondents", "m7_managers": "survey respondents", "m8": "staff", "m9": "staff",
}
EVENT_PHRASE = {
    "m2": "to be appointed from shortlisting",
    "m3": "to enter the formal disciplinary process",
    "m4": "to be referred into fitness to practise",
    "m5": "to access funded non-mandatory training",
    "m6": "to report harassment, bullying or abuse from people who use services, their relatives or the public",
    "m7_colleagues": "to report harassment, bullying or abuse from colleagues",
    "m7_managers": "to report harassment, bullying or abuse from managers",
    "m8": "to leave the organisation",
    "m9": "to be senior managers",
}
EVENT_DONE = {
    "m2": "appointed from shortlisting", "m3": "entering the formal disciplinary process",
    "m4": "referred into fitness to practise", "m5": "accessing funded non-mandatory training",
    "m6": "reporting harassment, bullying or abuse from the public",
    "m7_colleagues": "reporting harassment, bullying or abuse from colleagues",
    "m7_managers": "reporting harassment, bullying or abuse from managers", "m8": "leaving",
    "m9": "senior managers",
}
EVENT_NOUN = {
    "m2": ("appointed", "shortlisted"), "m3": ("entered the disciplinary process", "staff"),
    "m4": ("referred", "registered professionals"), "m5": ("accessed CPD", "staff"),
    "m6": ("said yes", "respondents"), "m7_colleagues": ("said yes", "respondents"),
    "m7_managers": ("said yes", "respondents"), "m8": ("left", "staff"), "m9": ("senior managers", "staff"),
}
ASSESSMENT_WORDS = {
    "adverse": "a statistically significant difference, unfavourable to {group} staff",
    "favourable": "a statistically significant difference, favourable to {group} staff",
    "no_significant_difference": "no statistically significant difference",
    "insufficient_data": "too little data to say",
}
ASSESSMENT_SHORT = {
    "adverse": "Unfavourable (significant)", "favourable": "Favourable (significant)",
    "no_significant_difference": "No significant difference", "insufficient_data": "Too little data",
}
TREND_WORDS = {
    "improved": "Improved (significant)", "worsened": "Worsened (significant)",
    "no_significant_change": "No significant change", "no_previous_period": "No earlier period",
    "": "Cannot be compared",
}
SERVICE_WORDS = {"adults": "Adults' services", "children": "Children's services", "all": "All staff"}
SUBGROUP_WORDS = {"asian": "Asian", "black": "Black", "mixed": "Mixed or multiple", "other": "Other ethnic group",
                  "white_minorities": "White minorities"}
ROUGH = ((0.25, "about a quarter as likely"), (1 / 3, "about a third as likely"), (0.5, "about half as likely"),
         (2 / 3, "about two-thirds as likely"), (0.75, "about three-quarters as likely"),
         (2.0, "about twice as likely"), (3.0, "about three times as likely"), (4.0, "about four times as likely"))


def missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def ratio(value: float | None) -> str:
    return DASH if missing(value) else f"{value:.2f}"


def percent(value: float | None) -> str:
    return DASH if missing(value) else f"{value * 100:.1f}%"


def count(value: Any) -> str:
    return DASH if missing(value) else f"{int(value):,}"


def interval(low: float | None, high: float | None, fmt=ratio) -> str:
    return DASH if missing(low) or missing(high) else f"{fmt(low)} to {fmt(high)}"


def capital(text: str) -> str:
    """First letter upper-cased, the rest kept ("Global Majority", "Minority ethnic")."""
    return text[:1].upper() + text[1:]


def likelihood_phrase(value: float) -> str:
    """'0.52 times as likely (48% less likely)' - never 'times more likely' below 2."""
    if value < 1:
        return f"{value:.2f} times as likely ({(1 - value) * 100:.0f}% less likely)"
    if value < 2:
        return f"{value:.2f} times as likely ({(value - 1) * 100:.0f}% more likely)"
    return f"{value:.2f} times as likely"


def rough_phrase(value: float) -> str:
    """'about half as likely' when the ratio is close to a simple fraction, else the exact phrase."""
    for target, words in ROUGH:
        if abs(math.log(value / target)) < 0.06:
            return words
    if 0.95 <= value <= 1.05:
        return "about as likely"
    return likelihood_phrase(value)


def assessment_words(assessment: str, group: str) -> str:
    return ASSESSMENT_WORDS.get(assessment, "").format(group=esc(group))


def rl_headline(metric: str, row: Any, group: str, hidden: bool) -> str:
    """One plain-English sentence stating a relative-likelihood finding for all staff (HTML)."""
    subject = SUBJECT[metric]
    who = f"{esc(capital(group))} {subject}"
    if hidden:
        return f"The comparison between {esc(group)} and white {subject} is {WITHHELD}; it is shown as [c]."
    if row["assessment"] == "insufficient_data":
        return f"There is too little data to compare {esc(group)} and white {subject} {EVENT_PHRASE[metric]}."
    words = assessment_words(row["assessment"], group)
    span = f"95% interval {interval(row['ci_low'], row['ci_high'])}"
    if missing(row["value"]):
        return (f"No white {subject} were recorded as {EVENT_DONE[metric]}, so the relative "
                f"likelihood cannot be calculated ({span}): {words}.")
    if row["value"] == 0:
        return (f"No {esc(group)} {subject} were recorded as {EVENT_DONE[metric]} "
                f"(relative likelihood 0, {span}): {words}.")
    return (f"{who} were {rough_phrase(row['value'])} as white {subject} {EVENT_PHRASE[metric]} "
            f"(relative likelihood {ratio(row['value'])}, {span}): {words}.")


def share_relation(low: float | None, high: float | None, reference: float | None) -> str:
    """'lower', 'higher' or 'similar': a share differs from a reference only when its interval excludes it.

    docs/methods.md: a pay band's share is called higher or lower than the whole workforce's only when the
    band's 95% interval lies wholly on one side of the workforce share; otherwise the shares are similar.
    """
    if missing(low) or missing(high) or missing(reference):
        return "similar"
    if high < reference:
        return "lower"
    if low > reference:
        return "higher"
    return "similar"


def rl_summary(metric: str, row: Any, group: str) -> str:
    """A key finding in one short sentence (HTML): the headline without the interval, which the table gives."""
    subject = SUBJECT[metric]
    if missing(row["value"]) or row["value"] == 0:
        return rl_headline(metric, row, group, False)
    phrase = rough_phrase(row["value"])
    exact = "" if any(c.isdigit() for c in phrase) else f" ({ratio(row['value'])})"  # "about half": give the value
    return (f"{esc(capital(group))} {subject} were {phrase} as white {subject} {EVENT_PHRASE[metric]}{exact}: "
            f"{assessment_words(row['assessment'], group)}.")
