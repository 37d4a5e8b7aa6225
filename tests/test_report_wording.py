"""Plain-English wording, commentary rendering and chart determinism (fast unit tests)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from scwres import charts
from scwres.commentary import load_commentary, render, split_sections, unknown_sections
from scwres.report.wording import esc, likelihood_phrase, rl_headline, rough_phrase


@pytest.mark.parametrize(("value", "expected"), [
    (0.52, "0.52 times as likely (48% less likely)"),
    (1.37, "1.37 times as likely (37% more likely)"),
    (2.4, "2.40 times as likely"),
])
def test_likelihood_phrase_never_says_times_more_likely_below_two(value, expected):
    assert likelihood_phrase(value) == expected


def test_rough_phrase_names_simple_fractions_only_when_close():
    assert rough_phrase(0.51) == "about half as likely"
    assert rough_phrase(2.02) == "about twice as likely"
    assert rough_phrase(0.62) == likelihood_phrase(0.62)


def row(**kw) -> pd.Series:
    base = {"value": 0.52, "ci_low": 0.41, "ci_high": 0.66, "assessment": "adverse"}
    return pd.Series({**base, **kw})


def test_headline_states_the_finding_with_the_group_label():
    text = rl_headline("m2", row(), "Global Majority", hidden=False)
    assert text.startswith("Global Majority applicants were about half as likely as white applicants to be "
                           "appointed from shortlisting")
    assert "0.52, 95% interval 0.41 to 0.66" in text
    assert "statistically significant difference, unfavourable to Global Majority staff" in text


def test_headline_hides_everything_when_suppressed_and_escapes_the_label():
    text = rl_headline("m3", row(value=1.8), "<b>x</b>", hidden=True)
    assert "too few cases" in text and "1.8" not in text and "<b>" not in text and "&lt;b&gt;" in text


def test_headline_handles_zero_and_undefined_ratios():
    assert "No minority ethnic staff were recorded as entering the formal" in rl_headline(
        "m3", row(value=0.0, assessment="no_significant_difference"), "minority ethnic", hidden=False)
    assert "cannot be calculated" in rl_headline(
        "m8", row(value=math.nan, assessment="no_significant_difference"), "minority ethnic", hidden=False)


def test_esc_escapes_quotes_too():
    assert esc('"<x>\'') == "&quot;&lt;x&gt;&#x27;"


def test_commentary_sections_and_escaping(tmp_path):
    folder = tmp_path / "norfolk"
    folder.mkdir()
    (folder / "2024.md").write_text("intro not shown\n## m2\nHello <script>x</script> **bold**\n"
                                    "![img](http://example.org/a.png)\n## m10\nstray\n", encoding="utf-8")
    out = load_commentary("norfolk", "2024", tmp_path)
    assert set(out) == {"m2", "m10"}
    assert "&lt;script&gt;" in out["m2"] and "<strong>bold</strong>" in out["m2"]
    assert "<img" not in out["m2"] and "intro" not in "".join(out.values())
    assert unknown_sections("norfolk", "2024", tmp_path) == ["m10"]
    assert load_commentary("leeds", "2024", tmp_path) == {}


def test_commentary_headings_cannot_break_the_report_outline():
    assert "<h1" not in render("# Big heading") and "<h2" not in render("Title\n=====")
    assert split_sections("## m2\n\n### sub\ntext") == {"m2": "### sub\ntext"}


def test_charts_are_deterministic_and_carry_no_date():
    points = [{"label": "All staff", "service": "all", "value": 0.52, "low": 0.41, "high": 0.66}]
    first = charts.forest(points, "Title", "Subtitle", True, 0.5)
    assert first == charts.forest(points, "Title", "Subtitle", True, 0.5)
    assert "<dc:date>" not in first and first.startswith("<svg")
    assert charts.data_uri(first).startswith("data:image/svg+xml;base64,")


def test_band_chart_marks_suppressed_bands_instead_of_drawing_them():
    svg = charts.band_shares(["Low", "High"], [0.2, None], 0.15, 0.1, "Title", "Subtitle")
    assert "[c]" in svg and "Whole workforce 15.0%" in svg and "Local population 10.0%" in svg


def test_public_validation_messages_do_not_leak_hidden_counts():
    from types import SimpleNamespace

    from scwres.disclosure import Plan
    from scwres.report.sections import _mask

    plan = Plan({"unknown": 5, "total": 40}, hidden_keys={"unknown"})
    public = SimpleNamespace(public=True, plan=plan)
    message = "12% of shortlisted in adults (5 of 40) have ethnicity not_stated, above the 10% set"
    expected = "[c] of shortlisted in adults ([c] of 40) have ethnicity not_stated, above the [c] set"
    assert _mask(public, message) == expected
    assert _mask(public, "Headcount changed by +30% (400 to 520)") == "Headcount changed by +30% (400 to 520)"
    assert _mask(SimpleNamespace(public=False, plan=plan), message) == message


def test_dollar_signs_in_labels_are_text_not_maths():
    """Pay band labels and titles come from params: '$\\foo$' must be drawn as written, not crash mathtext."""
    svg = charts.band_shares(["$\\foo$", "High"], [0.2, 0.3], 0.15, None, "Bands $x^2$", "Subtitle")
    assert "$\\foo$" in svg or "\\foo" in svg


def test_unknown_share_is_masked_when_its_count_is_hidden():
    """Bexley 2022: '13% of staff in adults' beside a shown total gave back a hidden unknown count."""
    from types import SimpleNamespace

    from scwres.disclosure import Plan, extra_key
    from scwres.report.sections import _mask

    hidden = extra_key("unknown", "workforce.headcount", "adults")
    shown = extra_key("unknown", "workforce.headcount", "children")
    public = SimpleNamespace(public=True, plan=Plan({hidden: 30, shown: 40}, hidden_keys={hidden}))
    problem = {"file": "workforce.csv", "column": "ethnicity", "severity": "warning"}
    adults = "13% of staff in adults have ethnicity not_stated, above the 10% set by unknown_share_warning."
    children = "17% of staff in children have ethnicity not_stated, above the 10% set by unknown_share_warning."
    assert _mask(public, adults, problem) == adults.replace("13%", "[c]").replace("10%", "[c]")
    assert _mask(public, children, problem) == children


def test_trend_is_hidden_when_the_previous_periods_row_was():
    """metrics.md: a trend derived from a suppressed count is [c] too, whichever period it was in."""
    import pandas as pd

    from scwres.disclosure import Plan, row_key
    from scwres.report.context import PeriodData, ReportContext

    key = row_key("m7_colleagues", "adults", "overall", "events_me")
    shown, hidden = Plan({key: 40}), Plan({key: 4}, hidden_keys={key})
    empty = pd.DataFrame()

    def ctx(audience: str) -> ReportContext:
        return ReportContext("x", "2024", audience, {}, empty, shown, {},
                             history=[PeriodData("2023", empty, hidden), PeriodData("2024", empty, shown)])

    assert ctx("public").trend_hidden("m7_colleagues", "adults")
    assert not ctx("public").trend_hidden("m7_colleagues", "children")
    assert not ctx("internal").trend_hidden("m7_colleagues", "adults")
