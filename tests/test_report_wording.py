"""Plain-English wording, commentary rendering and chart determinism (fast unit tests)."""

from __future__ import annotations

import math
import re
from html import unescape

import pandas as pd
import pytest

from scwres.intake.commentary import load_commentary, render, split_sections, unknown_sections
from scwres.render import charts
from scwres.render.pages import environment
from scwres.render.words import TREND_WORDS, interval, likelihood_phrase, rl_headline, rough_phrase


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


def inline(value) -> str:
    """``value`` as the report's templates place it (autoescaped)."""
    return str(environment().get_template("macros.html.j2").module.inline(value))


def test_headline_hides_everything_when_suppressed_and_escapes_the_label():
    text = inline(rl_headline("m3", row(value=1.8), "<b>x</b>", hidden=True))
    assert "withheld so that no one can be identified" in text and "too few cases" not in text
    assert "1.8" not in text and "<b>" not in text and "&lt;b&gt;" in text


def test_headline_with_no_minority_ethnic_cases_gives_the_counts_and_an_interval_from_zero():
    text = rl_headline("m3", row(value=0.0, ci_low=0.0, ci_high=1.2, assessment="no_significant_difference",
                                 events_me=0, base_me=162, events_white=20, base_white=800),
                       "minority ethnic", hidden=False)
    assert text.startswith("0 of 162 minority ethnic staff were recorded as entering the formal disciplinary "
                           "process, against 20 of 800 white staff")
    assert "relative likelihood 0; the 95% interval runs from 0 to 1.20" in text
    assert "0.01" not in text and "0.00" not in text  # the Haldane-corrected interval started above the point


def test_headline_with_no_white_cases_says_the_ratio_is_not_defined_and_gives_the_lower_bound():
    text = rl_headline("m3", row(value=math.nan, ci_low=4.37, ci_high=math.nan, assessment="adverse",
                                 events_me=12, base_me=90, events_white=0, base_white=1200),
                       "minority ethnic", hidden=False)
    assert text.startswith("No white staff (0 of 1,200) were recorded as entering the formal disciplinary process, "
                           "so the relative likelihood is not defined; minority ethnic staff were at least 4.37 times "
                           "as likely to enter the formal disciplinary process")
    assert "no upper limit" in text and "unfavourable to minority ethnic staff" in text
    weak = rl_headline("m8", row(value=math.nan, ci_low=0.41, ci_high=math.nan, assessment="no_significant_difference"),
                       "minority ethnic", hidden=False)
    assert "not defined" in weak and "at least" not in weak and "may even have been less likely" in weak


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.41, 0.66, "0.41 to 0.66"),
    (1.003, 1.17, "1.003 to 1.170"),  # "1.00 to 1.17" beside "significant" would contradict the words
    (0.83, 0.996, "0.830 to 0.996"),
    (1.0004, 1.2, "1.0004 to 1.2000"),  # 3 places still show 1.000: one more
    (0.0, 1.2, "0 to 1.20"),
    (4.37, math.nan, "from 4.37, no upper limit"),
    (1.002, None, "from 1.002, no upper limit"),
    (math.nan, math.nan, "–"),
])
def test_interval_rounding_never_lands_on_one_and_says_when_unbounded(low, high, expected):
    assert interval(low, high) == expected


def test_headline_uses_three_places_when_two_would_show_one():
    text = rl_headline("m3", row(value=1.08, ci_low=1.003, ci_high=1.17), "minority ethnic", hidden=False)
    assert "95% interval 1.003 to 1.170" in text


def test_trend_words_cover_every_trend_in_the_contract():
    from scwres.metrics.stats import TRENDS

    for code in ("closer_to_equality", "further_from_equality", "no_significant_change", "no_previous_period",
                 "not_assessed"):
        assert code in TREND_WORDS and code in TRENDS
    assert not {"improved", "worsened"} & set(TREND_WORDS)  # the old reading against the favourable side


def test_forest_draws_a_zero_at_the_floor_and_an_unbounded_interval_as_an_arrow():
    points = [{"label": "Adults", "service": "adults", "value": 0.0, "low": 0.0, "high": 1.2},
              {"label": "Children", "service": "children", "value": None, "low": 4.37, "high": None},
              {"label": "All staff", "service": "all", "value": 1.5, "low": 0.9, "high": 2.5}]
    svg = charts.forest(points, "Title", "Subtitle", False)
    assert "no upper limit" in svg and "arrow:" in svg and "none in the group" in svg  # the key may wrap
    plain = charts.forest(points[2:], "Title", "Subtitle", False)
    assert "arrow" not in plain and "none in the group" not in plain  # the legend names only marks it draws
    notes = charts.forest_notes(points)
    assert "marked 0" in notes and "arrow" in notes.lower() and charts.forest_notes(points[2:]) == ""


def test_templates_escape_quotes_too():
    assert inline('"<x>\'') == "&#34;&lt;x&gt;&#39;"


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


def quality_context(audience: str, hidden: set[str], headcount: int = 400, before: int | None = None):
    """A report context with just what the data quality section reads."""
    from scwres.disclosure.suppression import Plan, extra_key
    from scwres.render.report.context import PeriodData, ReportContext

    values = {}
    for service, unknown, total in (("adults", 30, 200), ("children", 50, 200), ("all", 80, 400)):
        values[extra_key("unknown", "survey.respondents", service)] = unknown
        values[extra_key("total", "survey.respondents", service)] = total
        values[extra_key("total", "workforce.headcount", service)] = headcount // (1 if service == "all" else 2)
    plan = Plan(values, hidden_keys=hidden)
    params = {"unknown_share_warning": 0.1, "periods": {"2024": {"direct_employees": 470}}}
    workforce = pd.DataFrame({"service": ["adults", "children"], "headcount": [headcount // 2] * 2})
    history = [PeriodData("2024", pd.DataFrame(), plan)]
    if before is not None:
        old = {k: (before // (1 if k.endswith("|all") else 2) if "workforce" in k else v) for k, v in values.items()}
        history.insert(0, PeriodData("2023", pd.DataFrame(), Plan(old)))
    return ReportContext("testshire", "2024", audience, params, pd.DataFrame(), plan,
                         {"workforce": workforce, "recruitment": pd.DataFrame({"service": ["adults"]})},
                         history=history)


def test_data_quality_section_speaks_to_readers_not_analysts():
    """Issue 11: plain words; no file names, params keys, codes or counts a reader cannot use."""
    from scwres.render.report.quality import data_quality_section

    html = unescape(data_quality_section(quality_context("public", set(), headcount=400, before=200)))
    text = html.lower()
    for word in ("not_stated", "unknown_share_warning", "direct_employees", ".csv", ".yml", "params", "line ",
                 "column ethnicity", "fix "):
        assert word not in text, word
    assert "ethnicity is not known for" in text and "15.0%" in html and "25.0%" in html
    # Read back: the group is named once, after the first share, and each share says where it is.
    sentence = re.sub(r"<[^>]+>", "", html).split("Ethnicity is not known for ")[1].split(" may change")[0]
    assert sentence.startswith("15.0% of survey respondents in adults' services, 25.0% in children's services and "
                               "20.0% in all services together, so the figures")
    assert "services of" not in sentence
    assert "differs by more than 2%" in html  # 400 staff against 470 declared
    assert "no recruitment figures were provided for children's services" in text
    assert "changed by more than a quarter since 2023" in html


def test_data_quality_section_says_nothing_about_a_hidden_unknown_count():
    """A share beside its shown total would give a hidden count back; even "above 10%" bounds it."""
    from scwres.disclosure.suppression import extra_key
    from scwres.render.report.quality import data_quality_section

    hidden = {extra_key("unknown", "survey.respondents", "adults")}
    html = unescape(data_quality_section(quality_context("public", hidden)))
    assert "15.0%" not in html and "adults' services" not in html.split("Ethnicity is not known")[1].split("</li>")[0]
    assert "25.0%" in html and "withheld so that no one can be identified" in html
    internal = data_quality_section(quality_context("internal", hidden))
    assert "15.0%" in internal and "[c]" not in internal


def test_dollar_signs_in_labels_are_text_not_maths():
    """Pay band labels and titles come from params: '$\\foo$' must be drawn as written, not crash mathtext."""
    svg = charts.band_shares(["$\\foo$", "High"], [0.2, 0.3], 0.15, None, "Bands $x^2$", "Subtitle")
    assert "$\\foo$" in svg or "\\foo" in svg


def test_trend_is_hidden_when_the_previous_periods_row_was():
    """metrics.md: a trend derived from a suppressed count is [c] too, whichever period it was in."""
    import pandas as pd

    from scwres.disclosure.suppression import Plan, row_key
    from scwres.render.report.context import PeriodData, ReportContext

    keys = [row_key("m7_colleagues", s, "overall", c) for s in ("adults", "children")
            for c in ("events_me", "base_me", "events_white", "base_white")]
    key = keys[0]
    shown, hidden = Plan(dict.fromkeys(keys, 40)), Plan(dict.fromkeys(keys, 40) | {key: 4}, hidden_keys={key})
    empty = pd.DataFrame()

    def ctx(audience: str) -> ReportContext:
        return ReportContext("x", "2024", audience, {}, empty, shown, {},
                             history=[PeriodData("2023", empty, hidden), PeriodData("2024", empty, shown)])

    assert ctx("public").trend_hidden("m7_colleagues", "adults")
    assert not ctx("public").trend_hidden("m7_colleagues", "children")
    assert not ctx("internal").trend_hidden("m7_colleagues", "adults")


def rl_context(hidden_services: tuple[str, ...], audience: str = "public", previous: bool = True):
    """A context holding one RL metric (m9) by service, with the given services' rows hidden."""
    from scwres.disclosure.suppression import Plan, row_key
    from scwres.render.report.context import PeriodData, ReportContext

    rows = []
    for service, value in (("adults", 0.4), ("children", 0.6), ("all", 0.5)):
        rows.append({"metric": "m9", "service": service, "breakdown": "overall", "value": value, "ci_low": 0.3,
                     "ci_high": 0.8, "assessment": "adverse",
                     "trend": "no_significant_change" if previous else "no_previous_period",
                     "events_me": 5, "base_me": 50, "events_white": 20, "base_white": 100})
    frame = pd.DataFrame(rows)
    values = {row_key("m9", r["service"], "overall", c): r[c] for r in rows
              for c in ("events_me", "base_me", "events_white", "base_white")}
    plan = Plan(values, hidden_keys={row_key("m9", s, "overall", "events_me") for s in hidden_services})
    history = [PeriodData("2023", frame, Plan(values))] if previous else []
    history.append(PeriodData("2024", frame, plan))
    return ReportContext("x", "2024", audience, {"group_label": "minority ethnic"}, frame, plan, {},
                         history=history)


def test_headline_agrees_with_the_rows_shown():
    """Issue 11: "withheld" for all staff must not hide a children's row printed just below it."""
    from scwres.render.report.findings import metric_headline

    text = metric_headline(rl_context(("adults", "all")), "m9")
    assert "The figure for all staff is withheld so that no one can be identified" in text
    assert "Children's services: Minority ethnic staff were 0.60 times as likely" in text
    assert "Adults'" not in text
    every = metric_headline(rl_context(("adults", "children", "all")), "m9")
    assert "withheld" in every and "0.60" not in every and "Children" not in every
    shown = metric_headline(rl_context(()), "m9")
    assert "withheld" not in shown and "about half as likely" in shown


def test_change_says_no_earlier_period_wherever_there_is_none():
    """The first period: "No earlier period" on every row, hidden or not (nothing is derived from counts)."""
    from scwres.render.report.common import change_cell

    first = rl_context(("adults",), previous=False)
    cells = [change_cell(first, first.row("m9", s), "m9", s) for s in ("adults", "children", "all")]
    assert cells == ["No earlier period"] * 3
    later = rl_context(("adults",))
    assert "[c]" in change_cell(later, later.row("m9", "adults"), "m9", "adults").text
    assert "No significant change" in change_cell(later, later.row("m9", "children"), "m9", "children").text


@pytest.mark.parametrize(("low", "high", "reference", "expected"), [
    (0.02, 0.09, 0.15, "lower"), (0.20, 0.30, 0.15, "higher"), (0.05, 0.20, 0.15, "similar"),
    (0.14, 0.20, 0.145, "similar"), (math.nan, 0.2, 0.15, "similar"),
])
def test_top_band_is_called_lower_or_higher_only_when_its_interval_excludes_the_workforce_share(
        low, high, reference, expected):
    from scwres.render.words import share_relation

    assert share_relation(low, high, reference) == expected


def test_a_missing_figure_of_any_float_type_is_a_dash() -> None:
    """numpy's float32 NaN is not a Python float; it must read as missing, never as 'nan'."""
    import numpy as np

    from scwres.render.words import DASH, missing, ratio

    assert [missing(v) for v in (None, float("nan"), np.float32("nan"), 0.0, np.float64(1.5))] == [
        True, True, True, False, False]
    assert ratio(np.float32("nan")) == DASH


def test_the_escape_checks_catch_markup_when_autoescape_is_off():
    """The checks above can fail: the same macro in an environment without autoescape lets the tag through."""
    unsafe = environment().overlay(autoescape=False)
    text = str(unsafe.get_template("macros.html.j2").module.inline("<b>x</b>"))
    assert "<b>" in text and "&lt;b&gt;" not in text
    assert "<b>" not in inline("<b>x</b>")  # and with the project's environment it does not
