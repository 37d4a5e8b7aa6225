"""The data quality page (accessible, escaped, grouped by file) and the warnings it lists."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from bad_returns import good
from scwres.problems import Problem
from scwres.render.quality_page import publish, render
from scwres.validate.validation import TREND_REFUSED, validate_return


class Outline(HTMLParser):
    """Collects what the accessibility rules are about: headings, landmarks, tables."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


PROBLEMS = [
    Problem("error", "recruitment.csv", 7, "appointed", "12",
            "appointed (12) is more than shortlisted (9) for children / black_african; correct whichever figure is "
            "wrong."),
    Problem("error", "return.xlsx", 3, "ethnicity", "<script>alert(1)</script>", "'<b>x</b>' is not a code.",
            "workforce"),
    Problem("warning", "workforce.csv", None, "service", "children", "There are no rows for children."),
]


def test_page_is_accessible_and_escaped() -> None:
    html = render(PROBLEMS, la="tiny", period="2024", council="Tiny & <Co>", illustrative=True)
    page = outline(html)
    tags = [t for t, _ in page.tags]
    assert html.startswith("<!DOCTYPE html>") and ("html", {"lang": "en"}) in page.tags
    assert tags.count("h1") == 1 and tags.count("main") == 1
    levels = [int(t[1]) for t in tags if t in ("h1", "h2", "h3", "h4")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert tags.count("table") == tags.count("caption") >= 1
    assert all(attrs.get("scope") in ("col", "row") for tag, attrs in page.tags if tag == "th")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>x</b>" not in html
    assert "Tiny &amp; &lt;Co&gt;" in html
    assert any("Illustrative data" in t for t in page.text)
    assert "2 errors and 1 warning" in html
    assert "return.xlsx sheet workforce" in html and "recruitment.csv line 7" in html
    assert "<link" not in html and "src=" not in html  # self-contained: no external CSS, scripts or images


def test_no_banner_for_real_data_and_a_pass_says_so() -> None:
    html = render([], la="tiny", period="2024", council="Tiny", illustrative=False)
    assert "Illustrative data" not in html and "passed with no errors or warnings" in html


def test_publish_writes_beside_the_report(tmp_path: Path) -> None:
    target = publish("tiny", "2024", None, good.params(), reports_root=tmp_path)
    assert target == tmp_path / "tiny" / "2024" / "data-quality.html"
    assert "did not finish" in target.read_text(encoding="utf-8")
    assert [p.name for p in target.parent.iterdir()] == ["data-quality.html"]  # no temporary file left


def _warnings(tmp_path: Path, tables, params=None) -> list[Problem]:
    good.write_csv_return(tmp_path, tables)
    problems = validate_return(good.LA, good.PERIOD, params or good.params(), tmp_path)
    assert all(p.severity == "warning" for p in problems)
    return problems


def test_unknown_share_and_headcount_warnings(tmp_path: Path) -> None:
    tables = good.tables()
    tables["workforce"].append(["children", "low", "no", "no", "not_stated", "20"])
    found = {(p.file, p.column, p.value) for p in _warnings(tmp_path, tables)}
    assert found == {("workforce.csv", "ethnicity", "26%"), ("workforce.csv", "headcount", "158")}


def test_missing_service_warning(tmp_path: Path) -> None:
    tables = good.tables()
    tables["survey"] = [r for r in tables["survey"] if r[0] != "children"]
    [warning] = _warnings(tmp_path, tables)
    assert (warning.file, warning.column, warning.value) == ("survey.csv", "service", "children")


def test_small_base_warnings(tmp_path: Path) -> None:
    # The smallest base is the 12 white children shortlisted (m2); minority ethnic children shortlisted are 13.
    params = {**good.params(), "suppression_threshold": 13}
    [warning] = _warnings(tmp_path, good.tables(), params)
    assert (warning.file, warning.column, warning.value) == ("recruitment.csv", "shortlisted", "< 13")
    assert warning.message.startswith("Appointment from shortlisting (m2), children: fewer than 13 white shortlisted")
    assert "12" not in warning.message  # the page sits beside the public report: no small counts


def test_year_on_year_warning(tmp_path: Path) -> None:
    before = good.tables()
    for row in before["workforce"][1:]:
        row[-1] = str(int(row[-1]) // 2)
    for row in before["survey"][1:]:  # halved with the staff, so the 2023 return passes its own checks
        row[2:] = [str(int(n) // 2) for n in row[2:]]
    good.write_csv_return(tmp_path, before, period="2023")
    params = good.params()
    params["periods"]["2023"] = dict(params["periods"]["2024"])
    warnings = _warnings(tmp_path, good.tables(), params)
    assert not [p for p in warnings if p.message.startswith(TREND_REFUSED)]  # 2023 is sound: trends are assessed
    found = [p for p in warnings if "since 2023" in p.message]
    assert {p.value for p in found} == {"82", "56", "138"}
    assert all(p.message.startswith("Headcount for") for p in found)


@pytest.mark.browser
def test_page_has_no_axe_violations_at_phone_and_desktop_width(tmp_path: Path) -> None:
    from browser import PHONE, axe_violations, browser_session, describe, open_page, overflow

    path = tmp_path / "data-quality.html"
    path.write_text(render(PROBLEMS, la="tiny", period="2024", council="Tiny", illustrative=True), encoding="utf-8")
    with browser_session() as browser:
        for viewport in (None, PHONE):
            page = open_page(browser, path, viewport)
            violations = axe_violations(page)
            assert violations == [], describe(violations)
            assert overflow(page)["unwrapped"] == []
            page.close()


def test_small_base_warnings_keep_the_topics_capitals(tmp_path: Path) -> None:
    # Every base is small under a huge threshold; "CPD" must not become "Cpd" at the start of a sentence.
    from scwres.catalogue import METRICS

    params = {**good.params(), "suppression_threshold": 1_000_000}
    found = _warnings(tmp_path, good.tables(), params)
    cpd = [w.message for w in found if "(m5)" in w.message]
    assert cpd and all(m.startswith(METRICS["m5"].topic[:1].upper() + METRICS["m5"].topic[1:]) for m in cpd)
    assert all(m.startswith("CPD") for m in cpd), cpd[:1]
