"""Every generated report, public and internal, in headless Chromium: axe-core and phone width.

Also the structure report.md asks for, read from the HTML: lang, one h1,
headings in order, a main landmark, each chart a figure with real alt text and
a caption followed by a table with a caption, and nothing fetched from the
network.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from browser import PHONE, axe_violations, browser_session, describe, open_page, overflow, placeholder_alts
from conftest import COUNCILS, INTERNAL, PERIODS

REPORTS = [(la, period, "public") for la in COUNCILS for period in PERIODS] + [
    (la, period, "internal") for la, period in INTERNAL]
IDS = [f"{la}-{period}-{audience}" for la, period, audience in REPORTS]


@pytest.fixture(scope="module")
def chromium():
    with browser_session() as browser:
        yield browser


@pytest.mark.browser
@pytest.mark.xdist_group("pipeline")
@pytest.mark.parametrize(("la", "period", "audience"), REPORTS, ids=IDS)
def test_report_has_no_axe_violations_and_fits_a_phone(built, chromium, la, period, audience, tmp_path):
    path = built.report(la, period, audience)
    page = open_page(chromium, path)
    try:
        violations = axe_violations(page)
        assert not violations, describe(violations)
        assert placeholder_alts(page) == 0
    finally:
        page.close()
    phone = open_page(chromium, path, PHONE)
    try:
        phone.screenshot(path=str(tmp_path / "phone.png"), full_page=False)
        fit = overflow(phone)
        assert fit["scrollWidth"] <= fit["viewport"], fit
        assert not fit["unwrapped"], f"wider than the phone and not in a scrolling wrapper: {fit['unwrapped']}"
        widths = phone.evaluate("[...document.querySelectorAll('figure img')]"
                                ".map(i => i.getBoundingClientRect().width)")
        assert widths and max(widths) <= PHONE["width"], widths
    finally:
        phone.close()


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
    for tag in soup.find_all(src=True):
        assert tag["src"].startswith("data:"), tag["src"][:80]
    assert not soup.find_all("link", rel="stylesheet")
    figures = soup.find_all("figure")
    assert len(figures) >= 10
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
    assert "Illustrative data" in soup.get_text()
