"""Every generated report, public and internal, in headless Chromium at 390 px and 1280 px.

At each width: axe-core finds nothing, nothing overflows sideways, every <h2>
and every measure is reachable from the contents list, every chart's text is
at least 12 px as rendered, and no two chart labels overlap. Also the structure
report.md asks for, read from the HTML: lang, one h1, headings in order, a main
landmark, a skip link, each chart a figure with real alt text and a caption
followed by a table with a caption, and nothing fetched from the network.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from browser import (
    DESKTOP,
    PHONE,
    axe_violations,
    browser_session,
    chart_text,
    contents_gaps,
    describe,
    open_page,
    overflow,
    placeholder_alts,
)
from conftest import COUNCILS, INTERNAL, PERIODS

REPORTS = [(la, period, "public") for la in COUNCILS for period in PERIODS] + [
    (la, period, "internal") for la, period in INTERNAL]
IDS = [f"{la}-{period}-{audience}" for la, period, audience in REPORTS]


@pytest.fixture(scope="module")
def chromium():
    with browser_session() as browser:
        yield browser


SMALLEST_PX = 12


@pytest.mark.browser
@pytest.mark.xdist_group("pipeline")
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
@pytest.mark.parametrize(("la", "period", "audience"), REPORTS, ids=IDS)
def test_report_in_a_browser(built, chromium, la, period, audience, viewport):
    """axe-clean, no sideways overflow, every section one tap away, chart text >= 12 px, no label clashes."""
    path = built.report(la, period, audience)
    page = open_page(chromium, path, viewport)
    try:
        violations = axe_violations(page)
        assert not violations, describe(violations)
        assert placeholder_alts(page) == 0
        fit = overflow(page)
        assert fit["scrollWidth"] <= fit["viewport"], fit
        assert not fit["unwrapped"], f"wider than the screen and not in a scrolling wrapper: {fit['unwrapped']}"
        gaps = contents_gaps(page)
        assert gaps == {"h2": [], "measures": [], "dangling": []}, gaps
        widths = page.evaluate("[...document.querySelectorAll('figure img')].map(i => i.getBoundingClientRect().width)")
        assert widths and max(widths) <= viewport["width"], widths
        charts = chart_text(chromium, page)
        small = [(c["alt"], round(c["smallest"], 1)) for c in charts if c["smallest"] < SMALLEST_PX]
        assert not small, f"chart text under {SMALLEST_PX} px at {viewport['width']} px wide: {small}"
        clashes = [(c["alt"], c["overlaps"][:3]) for c in charts if c["overlaps"]]
        assert not clashes, f"overlapping chart labels: {clashes}"
        # the summary comes first: the key findings start on the first screen of a desktop
        top = page.evaluate("document.querySelector('ul.findings').getBoundingClientRect().top")
        if viewport is DESKTOP:
            assert top < viewport["height"], top
    finally:
        page.close()


@pytest.mark.browser
def test_chart_measure_can_fail(chromium, tmp_path):
    """The chart text check sees a label drawn at 8 px and two labels drawn on top of each other."""
    import base64

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="400pt" height="100pt" viewBox="0 0 400 100">'
           '<text x="10" y="50" style="font-size: 8px">national 1.00</text>'
           '<text x="12" y="52" style="font-size: 8px">equally likely</text></svg>')
    html = tmp_path / "chart.html"
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    html.write_text(f'<!DOCTYPE html><html lang="en"><body><main><figure><img src="{uri}" alt="x" '
                    'style="width:366px"></figure></main></body></html>', encoding="utf-8")
    page = open_page(chromium, html, PHONE)
    try:
        (found,) = chart_text(chromium, page)
    finally:
        page.close()
    assert found["smallest"] < SMALLEST_PX and found["overlaps"] == [["national 1.00", "equally likely"]]


@pytest.mark.xdist_group("pipeline")
@pytest.mark.parametrize(("la", "period", "audience"), REPORTS, ids=IDS)
def test_report_structure(built, la, period, audience):
    soup = BeautifulSoup(built.report(la, period, audience).read_text(encoding="utf-8"), "html.parser")
    assert soup.html.get("lang") == "en"
    assert len(soup.find_all("h1")) == 1
    assert len(soup.find_all("main")) == 1
    levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), "a heading level is skipped"
    assert not soup.find_all("script"), "no scripts at all (and so none from a CDN)"
    skip = soup.find("a", class_="skip-link")
    assert skip is not None and soup.find(id=skip["href"][1:]) is not None, "a skip link to the summary"
    nav = soup.find("nav")
    assert nav is not None and nav.find_previous("h1") is not None and nav.find_next("h2")["id"] == "at-a-glance"
    glance = soup.find(id="at-a-glance").find_parent("section")
    assert 3 <= len(glance.select("ul.findings > li")) <= 5
    for row in glance.select("tbody tr[data-row]"):
        link = row.find("th").find("a")
        assert link is not None and soup.find(id=link["href"][1:]) is not None, "each glance row links its measure"
    for tag in soup.find_all(src=True):
        assert tag["src"].startswith("data:"), tag["src"][:80]
    assert not soup.find_all("link", rel="stylesheet")
    figures = soup.find_all("figure")
    assert len(figures) + len(soup.select("p.no-chart")) >= 11, "every chart is drawn or replaced by a sentence"
    for fig in figures:
        img = fig.find("img")
        assert img is not None and len(img.get("alt", "")) >= 30, img
        assert "No description has been provided" not in img["alt"]
        assert fig.find("figcaption").get_text(strip=True)
        following = fig.find_next_sibling()
        assert following is not None and following.find("table") is not None, "a chart must be followed by its table"
        assert following.find("table").find("caption").get_text(strip=True)
    assert "injected-parameters" not in str(soup)
    assert "HTML(report." not in soup.get_text() and "load_context" not in soup.get_text(), "code leaked"
    banner = "INTERNAL - not for publication" in soup.get_text()
    assert banner == (audience == "internal")
    text = soup.get_text(" ")
    if audience == "public":
        seen = text + " ".join(str(t.get(a, "")) for t in soup.find_all(True) for a in ("alt", "aria-label"))
        assert not re.search(r"\bm[1-9]\b|m7_(colleagues|managers)", seen), "metric codes are for analysts"
        assert "[c] means withheld so that no one can be identified" in text
        # [c] also hides cells that protect others, so it is never explained as "too few cases" (those words
        # are kept for a shown comparison whose small counts Fisher's test cannot tell apart)
        explained = re.search(r"(\[c\]|withheld)[^.]*too few cases|too few cases[^.]*(\[c\]|withheld)", text)
        assert explained is None, explained
    else:  # nothing is hidden, so the page never explains [c] or speaks of hiding
        assert "[c]" not in text and "withheld" not in text
    assert "Illustrative data" in soup.get_text()
