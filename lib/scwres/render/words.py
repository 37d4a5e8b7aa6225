"""Plain-English words and number formats for the report, in one place.

Readers are boards, staff networks and the public, not statisticians: every
figure gets a sentence, ratios are phrased as "0.52 times as likely (48% less
likely)" and never "times more likely" below 2 (docs/methods.md). Everything here
is plain text: the templates (``render/pages.py``) escape it where it lands.
"""

from __future__ import annotations

import math
from typing import Any

from ..catalogue import CATALOGUE

SUPPRESSED = "[c]"
DASH = "–"
# The GSS key for [c]: it covers cells hidden to protect other cells too, so never "too few cases" alone.
WITHHELD = "withheld so that no one can be identified"
C_KEY = f"{SUPPRESSED} means {WITHHELD}."

# The metric words come from the catalogue (one record per metric); these views keep the report's names.
METRIC_TITLES = {m.id: m.title for m in CATALOGUE}
METRIC_SHORT = {m.id: m.short for m in CATALOGUE}
# Who is compared, and what happened to them, per relative likelihood.
SUBJECT = {m.id: m.subject for m in CATALOGUE if m.relative_likelihood}
EVENT_PHRASE = {m.id: m.event_phrase for m in CATALOGUE if m.relative_likelihood}
EVENT_DONE = {m.id: m.event_done for m in CATALOGUE if m.relative_likelihood}
EVENT_NOUN = {m.id: (m.event_noun, m.base_noun) for m in CATALOGUE if m.relative_likelihood}
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
    "closer_to_equality": "Closer to equality (significant)",
    "further_from_equality": "Further from equality (significant)",
    "no_significant_change": "No significant change", "no_previous_period": "No earlier period",
    "not_assessed": "Not assessed (a group had no cases)", "": "Cannot be compared",
}
TREND_MOVES = {"closer_to_equality": "moved closer to equality",
               "further_from_equality": "moved further from equality"}
FEW_CASES = "too few cases to tell (a group has fewer than 5, and Fisher's exact test does not confirm it)"
SERVICE_WORDS = {"adults": "Adults' services", "children": "Children's services", "all": "All staff"}
SUBGROUP_WORDS = {"asian": "Asian", "black": "Black", "mixed": "Mixed or multiple", "other": "Other ethnic group",
                  "white_minorities": "White minorities"}
ROUGH = ((0.25, "about a quarter as likely"), (1 / 3, "about a third as likely"), (0.5, "about half as likely"),
         (2 / 3, "about two-thirds as likely"), (0.75, "about three-quarters as likely"),
         (2.0, "about twice as likely"), (3.0, "about three times as likely"), (4.0, "about four times as likely"))


def missing(value: Any) -> bool:
    """None or NaN of any float type (numpy's float32 is not a Python float, and NaN is the one value
    not equal to itself)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:  # pandas' NA, whose comparisons are NA too: missing as well
        return True


def ratio(value: float | None, places: int = 2) -> str:
    """A relative likelihood to 2 decimal places; exactly 0 (no cases in the group) is shown as 0."""
    if missing(value):
        return DASH
    return "0" if value == 0 else f"{value:.{places}f}"


def percent(value: float | None) -> str:
    return DASH if missing(value) else f"{value * 100:.1f}%"


def count(value: Any) -> str:
    return DASH if missing(value) else f"{int(value):,}"


def ratio_places(*bounds: float | None) -> int:
    """2 decimal places, or 3 (more only if 3 is not enough) when rounding would show a bound that is
    not 1 as "1.00": "1.00 to 1.17" beside "significant" reads as a contradiction (docs/methods.md)."""
    for places in (2, 3, 4, 5, 6):
        if all(missing(b) or b == 1 or f"{b:.{places}f}" != f"{1:.{places}f}" for b in bounds):
            return places
    return 6


def interval(low: float | None, high: float | None, fmt=ratio) -> str:
    """'0.41 to 0.66'; 'from 4.37, no upper limit' when there is no upper bound; a dash when undefined."""
    if missing(low):
        return DASH
    if fmt is ratio:
        places = ratio_places(low, high)
        if missing(high):
            return f"from {ratio(low, places)}, no upper limit"
        return f"{ratio(low, places)} to {ratio(high, places)}"
    return f"from {fmt(low)}, no upper limit" if missing(high) else f"{fmt(low)} to {fmt(high)}"


def rl_value(value: float | None, low: float | None) -> str:
    """The RL for a table cell: 'not defined' when no white staff had the event (an interval exists)."""
    return "not defined" if missing(value) and not missing(low) else ratio(value)


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
    return ASSESSMENT_WORDS.get(assessment, "").format(group=group)


def fisher_overruled(row: Any) -> bool:
    """The interval lies on one side of 1 but the row is not significant: Fisher's exact test, used for
    small counts, did not agree (docs/methods.md), so the words must say there are too few cases to tell."""
    if row["assessment"] != "no_significant_difference" or missing(row["ci_low"]):
        return False
    return bool(row["ci_low"] > 1 or (not missing(row["ci_high"]) and row["ci_high"] < 1))


def verdict_words(row: Any, group: str) -> str:
    """The assessment in words; "no statistically significant difference: too few cases to tell" where
    the interval alone would have called it."""
    if fisher_overruled(row):
        return f"{ASSESSMENT_WORDS['no_significant_difference']}: {FEW_CASES}"
    return assessment_words(row["assessment"], group)


def side_of_one(value: float) -> str:
    """'more likely', 'less likely' or 'as likely', as the ratio is shown (2 decimal places)."""
    if ratio(value) == ratio(1.0):
        return "as likely"
    return "more likely" if value > 1 else "less likely"


def trend_phrase(metric: str, before: float, now: float, group: str) -> str:
    """A change read against equality with both values and the side of each (docs/methods.md):
    'fell from 1.13 to 1.00: minority ethnic staff were more likely than white staff to access funded
    non-mandatory training, and are now as likely'. A move across 1 is called a crossing."""
    subject, event = SUBJECT[metric], EVENT_PHRASE[metric]
    was, is_now = side_of_one(before), side_of_one(now)
    verb = "rose" if now > before else "fell" if now < before else "changed"
    crossing = was != "as likely" and is_now != "as likely" and was != is_now
    than = f"as white {subject}" if was == "as likely" else f"than white {subject}"
    head = f"{verb} from {ratio(before)} to {ratio(now)}{', crossing 1' if crossing else ''}"
    tail = "and still are" if was == is_now else f"and are now {is_now}"
    return f"{head}: {group} {subject} were {was} {than} {event}, {tail}"


def _counts(row: Any, group: str) -> str:
    """'12 of 340' for one group's events and base, or '' when the row does not carry them."""
    events, base = (row.get(f"events_{group}"), row.get(f"base_{group}")) if hasattr(row, "get") else (None, None)
    return "" if missing(events) or missing(base) else f"{count(events)} of {count(base)}"


def rl_headline(metric: str, row: Any, group: str, hidden: bool) -> str:
    """One plain-English sentence stating a relative-likelihood finding for all staff.

    With no white cases the ratio is not defined, but the interval's lower bound is a finding
    ("at least 4.37 times as likely"); with no minority ethnic cases the ratio is 0 and the interval
    runs from 0. Either way the sentence says which group had no cases.
    """
    subject = SUBJECT[metric]
    who = f"{capital(group)} {subject}"
    if hidden:
        return f"The comparison between {group} and white {subject} is {WITHHELD}; it is shown as [c]."
    if row["assessment"] == "insufficient_data":
        return f"There is too little data to compare {group} and white {subject} {EVENT_PHRASE[metric]}."
    words = verdict_words(row, group)
    low, high = row["ci_low"], row["ci_high"]
    if missing(row["value"]):
        places = ratio_places(low)
        if low > 1:
            reach = f"{group} {subject} were at least {ratio(low, places)} times as likely {EVENT_PHRASE[metric]}"
        else:
            reach = f"{group} {subject} may even have been less likely {EVENT_PHRASE[metric]}"
        white = _counts(row, "white")
        return (f"No white {subject}{f' ({white})' if white else ''} were recorded as {EVENT_DONE[metric]}, so the "
                f"relative likelihood is not defined; {reach} (the 95% interval starts at {ratio(low, places)} and "
                f"has no upper limit): {words}.")
    if row["value"] == 0:
        me, white = _counts(row, "me"), _counts(row, "white")
        lead = f"{me} {group} {subject}" if me else f"No {group} {subject}"
        against = f", against {white} white {subject}" if white else ""
        return (f"{lead} were recorded as {EVENT_DONE[metric]}{against} (relative likelihood 0; the 95% interval "
                f"runs from 0 to {ratio(high, ratio_places(high))}): {words}.")
    span = f"95% interval {interval(low, high)}"
    return (f"{who} were {rough_phrase(row['value'])} as white {subject} {EVENT_PHRASE[metric]} "
            f"(relative likelihood {ratio(row['value'], ratio_places(low, high))}, {span}): {words}.")


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
    """A key finding in one short sentence: the headline without the interval, which the table gives."""
    subject = SUBJECT[metric]
    if missing(row["value"]) or row["value"] == 0:
        return rl_headline(metric, row, group, False)
    phrase = rough_phrase(row["value"])
    exact = "" if any(c.isdigit() for c in phrase) else f" ({ratio(row['value'])})"  # "about half": give the value
    return (f"{capital(group)} {subject} were {phrase} as white {subject} {EVENT_PHRASE[metric]}{exact}: "
            f"{verdict_words(row, group)}.")
