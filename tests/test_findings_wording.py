"""The key findings read back as a board member reads them: true of everything, withheld measures included.

docs/report.md ("Findings must be true of everything, not only of what is shown"): every count is of what
can be published and says how many are withheld; a key finding gives its numbers; one resting on few cases
or not surviving the check for many comparisons says so and never leads ahead of a sturdier one; changes are
read against equality with both values and the side. Each test builds a small report context by hand (the
figures below are chosen, not computed by the code) and reads the finished sentences back as text; each rule
is also switched off once to show the reading-back catches it.
"""

from __future__ import annotations

import re
from html import unescape

import pandas as pd
import pytest

from scwres.disclosure.suppression import Plan, row_key
from scwres.render.pages import environment
from scwres.render.report import evidence as evidence_module
from scwres.render.report import glance
from scwres.render.report.context import PeriodData, ReportContext

COUNTS = ("events_me", "base_me", "events_white", "base_white")
# metric -> (counts for all staff, value, ci_low, ci_high, assessment, p_value). Chosen by hand:
# m2 40/200 against 120/300 is 0.2 / 0.4 = 0.50; m6 3 of 4 against 20 of 100 is 0.75 / 0.2 = 3.75;
# m7_colleagues 130/500 against 200/1000 is 0.26 / 0.2 = 1.30.
ALL = {
    "m2": ((40, 200, 120, 300), 0.5, 0.38, 0.66, "adverse", 1e-6),
    "m3": ((30, 300, 40, 2000), 6.37, 2.43, 16.4, "adverse", 1e-5),  # withheld below: adverse, never counted
    "m4": ((20, 400, 30, 700), 1.17, 0.6, 2.1, "no_significant_difference", 0.6),  # withheld below
    "m5": ((100, 400, 260, 1000), 0.96, 0.8, 1.15, "no_significant_difference", 0.5),
    "m6": ((3, 4, 20, 100), 3.75, 1.9, 5.9, "adverse", 0.02),
    "m7_colleagues": ((130, 500, 200, 1000), 1.3, 1.02, 1.6, "adverse", 0.04),
    "m7_managers": ((40, 500, 100, 1000), 0.8, 0.65, 0.97, "favourable", 0.001),
    "m8": ((50, 400, 110, 1000), 1.14, 0.8, 1.5, "no_significant_difference", 0.4),
    "m9": ((0, 400, 0, 1000), float("nan"), float("nan"), float("nan"), "insufficient_data", float("nan")),
}
WITHHELD = ("m3", "m4")


def frame_for(figures: dict, trend: dict[str, str] | None = None) -> pd.DataFrame:
    rows = []
    for metric, (counts, value, low, high, assessment, p) in figures.items():
        for service in ("adults", "children", "all"):
            same = service == "all"
            rows.append({"metric": metric, "service": service, "breakdown": "overall",
                         **dict(zip(COUNTS, counts, strict=True)),
                         "rate_me": counts[0] / counts[1], "rate_white": counts[2] / counts[3],
                         "value": value, "ci_low": low, "ci_high": high,
                         "assessment": assessment if same or assessment == "insufficient_data"
                         else "no_significant_difference",
                         "p_value": p if same or p != p else 0.5,
                         "trend": (trend or {}).get(metric, "no_significant_change") if trend is not None
                         else "no_previous_period"})
    for band, (me, white) in (("overall", (400, 1600)), ("top", (10, 90))):
        rows.append({"metric": "m1", "service": "all", "breakdown": band, "events_me": me, "base_me": 400,
                     "events_white": white, "base_white": 1600, "rate_me": me / 400, "rate_white": white / 1600,
                     "value": me / (me + white), "ci_low": 0.05, "ci_high": 0.17 if band == "top" else 0.22,
                     "assessment": "", "p_value": float("nan"), "trend": ""})
    return pd.DataFrame(rows)


def plan_for(frame: pd.DataFrame, hidden: tuple[str, ...]) -> Plan:
    values = {row_key(r.metric, r.service, r.breakdown, c): int(getattr(r, c)) for r in frame.itertuples()
              for c in COUNTS}
    return Plan(values, hidden_keys={row_key(m, s, "overall", "events_me") for m in hidden
                                     for s in ("adults", "children", "all")})


def context(hidden: tuple[str, ...] = WITHHELD, audience: str = "public", before: dict | None = None,
            trend: dict[str, str] | None = None) -> ReportContext:
    frame = frame_for(ALL, trend if before is not None else None)
    plan = plan_for(frame, hidden)
    history = []
    if before is not None:
        old = frame_for(before)
        history.append(PeriodData("2023", old, plan_for(old, hidden)))
    history.append(PeriodData("2024", frame, plan))
    params = {"group_label": "minority ethnic", "pay_bands": ["low", "top"]}
    return ReportContext("x", "2024", audience, params, frame, plan, {}, history=history)


def text(item) -> str:
    """One finding as the reader sees it: rendered by the report's own macro, tags stripped."""
    html = str(environment().get_template("macros.html.j2").module.inline(item))
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


def findings(ctx: ReportContext) -> list[str]:
    return [text(item) for item in glance.key_findings(ctx)]


def count_claim(lines: list[str]) -> tuple[int, int, int]:
    """(measures counted, unfavourable among them, withheld) as the count sentence states them."""
    line = next(x for x in lines if x.startswith("Of the "))
    m = re.match(r"Of the (\d+) measures?(?: that can be published)? for all staff, (\d+|none) shows?", line)
    assert m, line
    withheld = re.search(r"; (\d+) (?:is|are) withheld so that no one can be identified", line)
    return int(m.group(1)), 0 if m.group(2) == "none" else int(m.group(2)), int(withheld.group(1)) if withheld else 0


def check_counts(lines: list[str], shown_adverse: int, shown: int, withheld: int) -> None:
    """The count sentence against the hand-made truth, and no other sentence counting out of 9."""
    assert count_claim(lines) == (shown, shown_adverse, withheld)
    assert not any(re.search(r"\bof (9|nine) measures\b", x) for x in lines)
    assert not any(x.startswith("No measure shows") for x in lines)


def test_count_sentence_counts_only_published_measures_and_says_how_many_are_withheld():
    lines = findings(context())
    # Shown: m2, m5, m6, m7 x2, m8, m9 = 7; adverse among them: m2, m6, m7_colleagues = 3; m3 and m4 withheld.
    check_counts(lines, shown_adverse=3, shown=7, withheld=2)
    line = next(x for x in lines if x.startswith("Of the "))
    assert line == ("Of the 7 measures that can be published for all staff, 3 show a statistically significant "
                    "difference unfavourable to minority ethnic staff (appointment, abuse from the public and abuse "
                    "from colleagues); 2 are withheld so that no one can be identified (disciplinary and fitness "
                    "to practise).")
    # Nothing hints at the withheld results: their figures appear nowhere.
    joined = " ".join(lines)
    assert "6.37" not in joined and "16.4" not in joined and "1.17" not in joined


def test_internal_report_counts_every_measure_and_withholds_nothing():
    lines = findings(context(audience="internal"))
    check_counts(lines, shown_adverse=4, shown=9, withheld=0)  # m3 is adverse too when nothing is withheld
    assert "withheld" not in " ".join(lines)


def test_counting_withheld_measures_is_caught():
    """The rule switched off: count every measure as published (the old "4 of 9"). The check must fail."""
    ctx = context()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ReportContext, "row_hidden", lambda self, *a, **k: False)
        wrong = findings(ctx)
    with pytest.raises(AssertionError):
        check_counts(wrong, shown_adverse=3, shown=7, withheld=2)


def test_no_adverse_measure_is_said_without_hiding_a_withheld_one():
    calm = {m: ((v[0]), 1.0, 0.8, 1.2, "no_significant_difference", 0.7) for m, v in ALL.items()}
    ctx = context()
    frame = frame_for(calm)
    frame.loc[frame.metric == "m3", ["value", "ci_low", "ci_high", "assessment"]] = [3.0, 2.0, 4.0, "adverse"]
    ctx.metrics, ctx.history[-1].metrics = frame, frame
    ctx.plan = ctx.history[-1].plan = plan_for(frame, WITHHELD)
    lines = findings(ctx)
    line = next(x for x in lines if x.startswith("Of the "))
    assert line.startswith("Of the 7 measures that can be published for all staff, none shows a statistically "
                           "significant difference unfavourable to minority ethnic staff; 2 are withheld")
    assert not lines[0].startswith("Disciplinary")


def test_lead_finding_is_the_sturdiest_and_gives_its_numbers():
    lines = findings(context())
    # m2 survives the check and rests on many cases; m6 rests on 3 of 4; m7_colleagues does not survive.
    assert lines[0] == ("Appointment: Minority ethnic applicants were about half as likely as white applicants to be "
                        "appointed from shortlisting (0.50): a statistically significant difference, unfavourable "
                        "to minority ethnic staff. In numbers: 40 of 200 minority ethnic applicants (20.0%) against "
                        "120 of 300 white applicants (40.0%); relative likelihood 0.50, 95% interval 0.38 to 0.66.")


def check_fragile_bullet(line: str, comparisons: int) -> None:
    assert "few cases" in line or f"does not survive the check for the {comparisons} comparisons" in line, line


def test_a_fragile_finding_says_so_in_its_own_bullet_and_never_leads():
    ctx = context(hidden=WITHHELD + ("m2",))  # the sturdy finding withheld: only fragile ones are left
    lines = findings(ctx)
    # Comparisons shown: m5, m6, m7 x2 and m8 in 3 services = 15 (m9 has too little data; m2-m4 withheld).
    assert glance.evidence(ctx).count == 15
    # BH over 15 p-values: sorted 0.001 (0.05 x 1/15 = 0.0033: kept), 0.02 (x 2/15 = 0.0067: not), 0.04, ...
    # so only m7_managers survives; m6 (Fisher p 0.02, 3 of 4) and m7_colleagues (p 0.04) do not.
    assert lines[0].startswith("Abuse from the public: ")  # the larger of the two fragile findings
    check_fragile_bullet(lines[0], 15)
    assert "It rests on few cases (fewer than 5 in a group)" in lines[0]
    assert "This could be chance: it does not survive the check for the 15 comparisons this report makes" in lines[0]


def test_a_fragile_finding_never_leads_ahead_of_a_sturdier_one():
    lines = findings(context())
    assert lines[0].startswith("Appointment: ") and "could be chance" not in lines[0] and "few cases" not in lines[0]


def test_switching_the_multiple_comparisons_check_off_is_caught():
    """The rule switched off (every finding survives): the fragile bullet no longer warns, and the check sees it."""
    ctx = context(hidden=WITHHELD + ("m2",))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(evidence_module, "bh_survivors", lambda ps: [True] * len(ps))
        mp.setattr(evidence_module, "few_cases", lambda row: False)
        mp.setattr(glance, "few_cases", lambda row: False)
        wrong = findings(ctx)
    with pytest.raises(AssertionError):
        check_fragile_bullet(wrong[0], 15)


def test_changes_are_read_against_equality_with_both_values_and_the_side():
    before = {**ALL, "m5": ((130, 400, 260, 1000), 1.25, 1.05, 1.5, "favourable", 0.01),
              "m2": ((20, 200, 120, 300), 0.25, 0.16, 0.39, "adverse", 1e-9)}
    ctx = context(before=before, trend={"m5": "closer_to_equality", "m2": "closer_to_equality",
                                        "m9": "not_assessed", "m6": "not_assessed"})
    line = next(x for x in findings(ctx) if x.startswith("Since 2023"))
    # CPD 1.25 -> 0.96: from the favourable side to about equal, shown at 2 places; closer, never "worse".
    assert ("CPD moved closer to equality (fell from 1.25 to 0.96, crossing 1: minority ethnic staff were more "
            "likely than white staff to access funded non-mandatory training, and are now less likely") in line
    assert ("appointment moved closer to equality (rose from 0.25 to 0.50: minority ethnic applicants were less "
            "likely than white applicants to be appointed from shortlisting, and still are") in line
    # Compared: m2, m5, m7 x2, m8 (m6 and m9 not assessed; m3, m4 withheld) = 5; 3 showed no significant change.
    assert line.startswith("Since 2023: of the 5 measures that can be compared for all staff, ")
    assert "the other 3 show no statistically significant change" in line
    assert "the changes on 2 measures are withheld so that no one can be identified" in line
    assert "2 measures cannot be compared" in line
    assert "worse" not in line and "improv" not in line


def test_first_period_says_there_is_nothing_to_compare():
    assert findings(context())[-1] == ("This is the first period held for the council, so there is no earlier "
                                       "period to compare with.")


def test_methods_give_the_real_number_of_comparisons(monkeypatch):
    from scwres.render.report import methods

    monkeypatch.setattr(methods, "fingerprint", lambda la, period: "0" * 64)  # the fake council has no files
    ctx = context()
    # Shown and tested: m2, m5, m6, m7 x2, m8 in 3 services = 18 (m9: too little data; m3, m4 withheld).
    # Significant (all staff): m2, m6, m7_colleagues, m7_managers = 4. BH over 18: sorted p 1e-6 (<= 0.05/18),
    # 0.001 (<= 0.1/18 = 0.0056), 0.02 (> 0.15/18 = 0.0083), 0.04: 2 pass.
    assert methods.comparison_facts(ctx) == {"comparisons": 18, "significant": 4, "survivors": 2}
    page = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", str(methods.methods_section(ctx)))))
    assert ("This report makes 18 comparisons (every assessment that it shows; withheld figures are not counted)"
            in page)
    assert "2 of the 4 significant findings pass it" in page
    assert "about thirty" not in page and "Katz's interval" not in page


@pytest.mark.parametrize(("metric", "before", "now", "expected"), [
    ("m5", 1.13, 1.0, "fell from 1.13 to 1.00: minority ethnic staff were more likely than white staff to access "
                      "funded non-mandatory training, and are now as likely"),
    ("m2", 0.45, 0.8, "rose from 0.45 to 0.80: minority ethnic applicants were less likely than white applicants "
                      "to be appointed from shortlisting, and still are"),
    ("m3", 0.8, 1.3, "rose from 0.80 to 1.30, crossing 1: minority ethnic staff were less likely than white staff "
                     "to enter the formal disciplinary process, and are now more likely"),
    ("m8", 1.0, 1.4, "rose from 1.00 to 1.40: minority ethnic staff were as likely as white staff to leave the "
                     "organisation, and are now more likely"),
])
def test_trend_phrase_gives_both_values_and_the_side(metric, before, now, expected):
    from scwres.render.words import trend_phrase

    assert trend_phrase(metric, before, now, "minority ethnic") == expected


def test_a_small_count_row_fisher_did_not_confirm_says_too_few_cases_to_tell():
    from scwres.render.words import rl_headline, rl_summary

    # 1 of 1 against 19 of 100: the interval lies above 1, but the row is not significant (Fisher p = 0.198).
    row = pd.Series({"value": 5.26, "ci_low": 1.02, "ci_high": 6.1, "assessment": "no_significant_difference",
                     "events_me": 1, "base_me": 1, "events_white": 19, "base_white": 100})
    for sentence in (rl_headline("m3", row, "minority ethnic", False), rl_summary("m3", row, "minority ethnic")):
        assert sentence.endswith(": no statistically significant difference: too few cases to tell (a group has "
                                 "fewer than 5, and Fisher's exact test does not confirm it).")
        assert "unfavourable" not in sentence
    plain = row.copy()
    plain[["ci_low", "ci_high"]] = [0.8, 6.1]  # an interval containing 1 is the ordinary wording
    assert rl_headline("m3", plain, "minority ethnic", False).endswith(": no statistically significant difference.")


def test_count_sentence_in_the_singular():
    ctx = context(hidden=tuple(m for m in ALL if m != "m2"))
    line = next(x for x in findings(ctx) if x.startswith("Of the "))
    assert line == ("Of the 1 measure that can be published for all staff, 1 shows a statistically significant "
                    "difference unfavourable to minority ethnic staff (appointment); 8 are withheld so that no one "
                    "can be identified (disciplinary, fitness to practise, CPD, abuse from the public, abuse from "
                    "colleagues, abuse from managers, leaving and senior managers).")
    nothing = context(hidden=tuple(ALL))
    assert findings(nothing)[0] == "No measure for all staff can be published: all 9 are withheld so that no one " \
                                   "can be identified."


def test_methods_say_why_larger_counts_are_hidden_only_when_a_roll_up_asked(monkeypatch, tmp_path):
    """Read back: the sentence about counts hidden for the national and regional pages appears exactly when
    this council's report holds such a request, and names no count, file or other council."""
    from scwres import paths
    from scwres.disclosure import rollup_requests
    from scwres.render.report import methods

    monkeypatch.setattr(methods, "fingerprint", lambda la, period: "0" * 64)
    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path)
    ctx = context()

    def page() -> str:
        return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", str(methods.methods_section(ctx)))))

    sentence = ("Some larger counts are hidden for another reason. The national and regional pages add this "
                "council's counts to other councils'. Where another council hides a small count, hiding this "
                "council's count as well lets the pooled total still be published without revealing the small one.")
    assert sentence not in page()
    rollup_requests.write(ctx.period, {ctx.la: {"m2|all|overall|events_me"}}, [ctx.la])
    shown = page()
    assert sentence in shown
    assert "m2|" not in shown and "rollup-requests" not in shown and ".json" not in shown
