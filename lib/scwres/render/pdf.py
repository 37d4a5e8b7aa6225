"""``make pdf``: print an already-built report to an A4 PDF with Debian's chromium.

Why print the built file rather than rebuild: the PDF must be the report that
was published, byte for byte the same HTML, and printing takes seconds where a
build takes a minute. The PDF is A4 (the UK's paper), has the report's title and
"Page n of N" in every footer, the banners that apply (INTERNAL, illustrative
data, DRAFT - not signed off) in every page's running header, not only on page
1, bookmarks from the headings in their own words (so a reader can jump to a
measure in a PDF viewer), and is tagged for screen readers. Tables keep each
row on one page (the print stylesheet in ``scwres.css``). What the report folds
for a phone (``<details>``) is opened before printing, so the PDF has every table.

    python -m scwres pdf --la norfolk [--period 2024] [--audience internal] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from .. import paths
from ..intake.params import load_params, resolve_period
from ..problems import ReturnError, UnknownCouncilError, UnknownPeriodError
from . import pages

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
MARGIN = {"top": "15mm", "bottom": "20mm", "left": "15mm", "right": "15mm"}
OPEN_FOLDS = "document.querySelectorAll('details').forEach(d => { d.open = true; })"
FOOTER = "pdf-footer.html.j2"  # the title and "Page n of N" on every page (templates/pages/)
HEADER = "pdf-header.html.j2"  # the banners that apply, on every page
# The title block's banners (templates/pages/report/title.html.j2) and what the running header says for each.
MARKS = (("banner internal", None, "INTERNAL - not for publication"),
         ("banner", "Illustrative data", "Illustrative data - not real figures"),
         ("banner draft", None, "DRAFT - not signed off"))


class NoReport(Exception):
    """The report to print has not been built."""


def report_file(la: str, period: str | None, audience: str = "public") -> Path:
    """Where ``make report`` wrote the report for this council, period (latest when blank) and audience."""
    resolved = resolve_period(load_params(la), period or None)
    name = "report.html" if audience == "public" else "report-internal.html"
    return paths.report_dir(la, resolved) / name


def page_title(text: str) -> str:
    """The report's ``<title>`` (what the footer shows)."""
    found = re.search(r"<title>(.*?)</title>", text, re.S)
    return html.unescape(found.group(1)).strip() if found else "SC-WRES report"


def running_marks(text: str) -> list[str]:
    """The banners of the report's title block, as the running header says them (in a fixed order), and
    the sign-off line of a signed-off report.

    Read from the printed page itself, so the PDF carries exactly the banners the HTML does.
    """
    from bs4 import BeautifulSoup  # nbconvert's own dependency

    block = BeautifulSoup(text, "html.parser").find("header")
    found = [(" ".join(p.get("class") or []), p.get_text().strip())
             for p in (block.find_all("p", class_="banner") if block else [])]
    marks = [words for cls, start, words in MARKS
             if any(c == cls and (start is None or body.startswith(start)) for c, body in found)]
    signed = block.find("p", class_="signed-off") if block else None  # who signed it off, on every page too
    return marks + ([" ".join(signed.get_text().split()).rstrip(".")] if signed else [])


def header(marks: list[str]) -> str:
    """Chromium's header template: the banners that apply (text, autoescaped), or an empty line."""
    return str(pages.render(HEADER, marks=marks))


def heading_words(text: str) -> dict[str, str]:
    """Every heading's words keyed by the same words without spaces: Chromium's bookmarks lose the space
    where a heading wraps ("Social CareWorkforce"), so each is put back from the heading it came from."""
    from bs4 import BeautifulSoup

    out: dict[str, str] = {}
    for node in BeautifulSoup(text, "html.parser").find_all(re.compile(r"^h[1-6]$")):
        words = " ".join(node.get_text().split())
        out.setdefault(re.sub(r"\s+", "", words), words)
    return out


def fix_bookmarks(pdf: str, text: str) -> None:
    """Rewrite the PDF's bookmark titles in the headings' own words (in place, with pypdf)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    words = heading_words(text)
    writer = PdfWriter(clone_from=PdfReader(pdf))
    outlines = writer.root_object.get("/Outlines")
    stack = [outlines.get_object().get("/First")] if outlines is not None else []
    while stack:
        node = stack.pop()
        if node is None:
            continue
        item = node.get_object()
        title = str(item.get("/Title", ""))
        better = words.get(re.sub(r"\s+", "", title))
        if better and better != title:
            item[NameObject("/Title")] = TextStringObject(better)
        stack += [item.get("/Next"), item.get("/First")]
    with open(pdf, "wb") as handle:
        writer.write(handle)


def footer(title: str) -> str:
    """Chromium's footer template: the report's title (autoescaped by the template) and the page numbers."""
    return str(pages.render(FOOTER, title=title))


def print_pdf(source: Path, target: Path, chromium: str = CHROMIUM) -> Path:
    """Print ``source`` (an HTML file) to ``target``; written to a temporary file first, then moved."""
    from playwright.sync_api import sync_playwright

    text = source.read_text(encoding="utf-8")
    title, marks = page_title(text), running_marks(text)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page()
                # a report is self-contained: nothing may be fetched while printing it
                page.route("**/*", lambda route: route.continue_()
                           if route.request.url.startswith(("file:", "data:")) else route.abort())
                page.goto(source.resolve().as_uri())
                # folded detail (<details>) is printed open: on paper there is nothing to tap
                page.evaluate(OPEN_FOLDS)
                page.pdf(path=tmp, format="A4", margin=MARGIN, display_header_footer=True,
                         header_template=header(marks), footer_template=footer(title),
                         print_background=True, outline=True, tagged=True)
            finally:
                browser.close()
        fix_bookmarks(tmp, text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def find_chromium(name: str) -> str:
    """A path to chromium: the argument as given when it is a file, else looked up on PATH."""
    if Path(name).is_file():
        return name
    found = shutil.which(name)
    if not found:
        raise NoReport(f"Chromium was not found ('{name}'): install Debian's chromium (apt-get install chromium) "
                       "or give its path with CHROMIUM=/path/to/chromium.")
    return found


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres pdf`` (``make pdf``)."""
    parser.add_argument("--la", required=True, help="council slug, e.g. norfolk")
    parser.add_argument("--period", default="", help="data collection year (default: the latest in params)")
    parser.add_argument("--audience", default="public", choices=("public", "internal"),
                        help="which built report to print")
    parser.add_argument("--chromium", default=CHROMIUM, help=f"the chromium to print with (default {CHROMIUM})")


def command(args: argparse.Namespace) -> int:
    """Print the built report; without one, say which ``make report`` to run (never build it here)."""
    try:
        source = report_file(args.la, args.period, args.audience)
        if not source.exists():
            audience = "" if args.audience == "public" else f" AUDIENCE={args.audience}"
            period = source.parent.name
            raise NoReport(f"There is no report to print: {shown(source)} has not been built. Build it first with "
                           f"make report LA={args.la} PERIOD={period}{audience}, then run make pdf again.")
        target = print_pdf(source, source.with_suffix(".pdf"), find_chromium(args.chromium))
    except (NoReport, UnknownCouncilError, UnknownPeriodError, ReturnError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"PDF written to {shown(target)}")
    return 0


def shown(path: Path) -> Path:
    """A path as the user should see it: relative to the project when inside it."""
    return path.relative_to(paths.ROOT) if path.is_relative_to(paths.ROOT) else path
