"""``make pdf``: the built report printed on A4 with page numbers, its title in the footer and bookmarks."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from browser import PHONE, browser_session, open_page, require_browser
from conftest import ROOT

A4 = (595.28, 841.89)  # points


def outline_titles(outline) -> list[str]:
    out = []
    for item in outline:
        out += outline_titles(item) if isinstance(item, list) else [item.title]
    return out


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.browser
@pytest.mark.xdist_group("pipeline")
def test_pdf_is_a4_with_page_numbers_title_and_bookmarks(built, tmp_path):
    require_browser()
    from pypdf import PdfReader

    from scwres.render.pdf import page_title, print_pdf

    source = built.report("norfolk", "2024")
    pdf = print_pdf(source, tmp_path / "report.pdf")
    reader = PdfReader(pdf)
    pages = len(reader.pages)
    assert pages > 5
    title = page_title(source.read_text(encoding="utf-8"))
    assert title.startswith("Norfolk County Council: Social Care Workforce Race Equality Standard report")
    for number, page in enumerate(reader.pages, 1):
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) < 2 and abs(float(box.height) - A4[1]) < 2, (number, box)
        text = squash(page.extract_text())
        assert f"Page{number}of{pages}" in text, f"page {number} has no page number"
        assert squash(title) in text, f"page {number} has no title in its footer"
        # the running header: the shipped returns are illustrative and not signed off, so every page says both
        assert "Illustrative data" in page.extract_text(), f"page {number} has no illustrative banner"
        assert "DRAFT - not signed off" in page.extract_text(), f"page {number} does not say DRAFT"
    bookmarks = outline_titles(reader.outline)
    soup = BeautifulSoup(source.read_text(encoding="utf-8"), "html.parser")
    for h2 in soup.find_all("h2"):  # the heading's own words, spaces and all (not "Social CareWorkforce")
        assert " ".join(h2.get_text().split()) in bookmarks, f"no bookmark for {h2.get_text()!r}"
    assert "Appointment from shortlisting" in bookmarks, "measures are bookmarked too"
    assert any("their relatives" in b for b in bookmarks), "a heading that wraps keeps its spaces"


@pytest.mark.browser
@pytest.mark.xdist_group("pipeline")
def test_every_page_of_the_internal_pdf_says_internal(built, tmp_path):
    """INTERNAL is in every page's running header, not only in the banner on page 1; a public report's
    PDF never says it (so the check can fail)."""
    require_browser()
    from pypdf import PdfReader

    from scwres.render.pdf import print_pdf

    reader = PdfReader(print_pdf(built.report("bexley", "2024", "internal"), tmp_path / "internal.pdf"))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) > 5
    missing = [n for n, text in enumerate(texts, 1) if "INTERNAL - not for publication" not in text]
    assert not missing, f"pages without INTERNAL: {missing}"
    assert not [n for n, text in enumerate(texts, 1) if "DRAFT" in text], "the internal report is not a draft"


def test_running_header_marks_come_from_the_title_block():
    """The header says the banners the page's title block carries, each once, and escapes them."""
    from scwres.render.pdf import header, running_marks

    title = ('<header><h1>X</h1><p class="banner">Illustrative data: made up.</p>'
             '<p class="banner draft">DRAFT - not signed off. Later.</p></header><p class="banner internal">x</p>')
    assert running_marks(title) == ["Illustrative data - not real figures", "DRAFT - not signed off"]
    assert running_marks('<header><p class="banner internal">INTERNAL</p></header>') == [
        "INTERNAL - not for publication"]
    assert running_marks("<header><h1>X</h1></header>") == []
    assert running_marks('<header><p class="signed-off">Signed off by A, Director on 1 May 2025.</p></header>') == [
        "Signed off by A, Director on 1 May 2025"]
    assert "<script>" not in header(["<script>"]) and "&lt;script&gt;" in header(["<script>"])


@pytest.mark.browser
@pytest.mark.xdist_group("pipeline")
def test_printed_tables_keep_each_row_on_one_page(built):
    """The print stylesheet: no row is split across pages, headers repeat, nothing sticks or scrolls."""
    with browser_session() as browser:
        page = open_page(browser, built.report("bexley", "2024"), PHONE)
        try:
            page.emulate_media(media="print")
            styles = page.evaluate("""() => ({
              rows: [...new Set([...document.querySelectorAll('tr')].map(r => getComputedStyle(r).breakInside))],
              sticky: [...document.querySelectorAll('th, td')].filter(c => getComputedStyle(c).position === 'sticky')
                        .length,
              heads: [...new Set([...document.querySelectorAll('thead')].map(h => getComputedStyle(h).display))],
            })""")
        finally:
            page.close()
    assert styles == {"rows": ["avoid"], "sticky": 0, "heads": ["table-header-group"]}, styles


def test_make_pdf_without_a_built_report_says_how_to_build_it(tmp_path):
    """No rebuild and no traceback: a clear message naming the command to run first."""
    env = {"SCWRES_REPORTS_DIR": str(tmp_path / "reports"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "scwres", "pdf", "--la", "bexley", "--period", "2023"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "There is no report to print" in proc.stderr and "make report LA=bexley PERIOD=2023" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "reports").exists(), "printing never builds"


def test_the_footer_is_a_template_that_escapes_the_title():
    """The footer comes from templates/pages/ through the pages' environment: a report title (a council name
    from params) is text in it, never markup, and the page numbers are Chromium's to fill in."""
    from markupsafe import Markup

    from scwres.render import pages, pdf

    title = 'Bexley <script>alert("x")</script> & Co'
    footer = BeautifulSoup(pdf.footer(title), "html.parser")
    assert footer.find("script") is None and footer.find("span").get_text() == title
    assert footer.find(class_="pageNumber") is not None and footer.find(class_="totalPages") is not None
    # it can fail: the same template given the title as markup does put a script in the footer
    raw = BeautifulSoup(str(pages.render(pdf.FOOTER, title=Markup(title))), "html.parser")
    assert raw.find("script") is not None


@pytest.mark.browser
@pytest.mark.xdist_group("pipeline")
def test_what_a_phone_folds_is_printed_open(built, tmp_path):
    """Every table the report folds into <details> on screen is in the PDF, caption and all."""
    require_browser()
    from pypdf import PdfReader

    from scwres.render.pdf import print_pdf

    source = built.report("norfolk", "2024")
    soup = BeautifulSoup(source.read_text(encoding="utf-8"), "html.parser")
    folded = [c.get_text() for d in soup.find_all("details") for c in d.find_all("caption")]
    assert len(folded) >= 10, "the report folds its detail tables"
    text = squash(" ".join(page.extract_text() for page in PdfReader(print_pdf(source, tmp_path / "r.pdf")).pages))
    missing = [c for c in folded if squash(c) not in text]
    assert not missing, f"folded tables missing from the PDF: {missing[:3]}"
