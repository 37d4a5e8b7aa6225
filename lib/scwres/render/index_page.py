"""``reports/index.html``: every published council and period on one page.

A reader (a regional group, Skills for Care, a council's own staff) lands
here first, so it shows each report's headline assessments for all staff and
links to the report and the council's progress updates where they exist. It
never links a data-quality page: those quote the return's raw figures and are
for the council's data team. ``reports/index-internal.html`` lists them too,
under an "INTERNAL - not for publication" banner. It is built from what is on disk (published HTML
and ``build/<la>/<period>/metrics.csv``), not from a batch's memory, so it is
right whichever command wrote the reports. Suppressed rows are shown as
``[c]`` exactly as in the public reports.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import yaml

from .. import paths, safe_yaml
from ..catalogue import RL_METRICS
from ..intake import signoff
from . import pages
from .changes_page import PAGE as CHANGES_PAGE
from .export import write_atomic
from .open_data import council_stem, file_names, rollup_stem
from .pages import Link
from .words import ASSESSMENT_SHORT, METRIC_SHORT

LA_DIR_EXCLUDED = {"national", "regional"}
SUPPRESSED = "[c]"


@dataclass
class Entry:
    """One council and period that has a published report."""

    la: str
    period: str
    name: str
    illustrative: bool
    assessments: dict[str, str] = field(default_factory=dict)  # metric -> word, [c] or blank
    data_quality: bool = False
    downloads: list[tuple[str, str]] = field(default_factory=list)  # (file name, link words)
    signed_off: str = ""  # "Signed off by ... on ..." or the draft mark (intake.signoff.state_words)
    changes: bool = False  # a page of changes since sign-off exists (internal index only)


def downloads(folder: Path, stem: str, words: str) -> list[tuple[str, str]]:
    """The published spreadsheet and CSV beside a report, with link text that makes sense alone."""
    xlsx, csv_name = file_names(stem)
    found = []
    if (folder / xlsx).is_file():
        found.append((xlsx, f"{words} tables as a spreadsheet (.xlsx)"))
    if (folder / csv_name).is_file():
        found.append((csv_name, f"{words} figures as open data (.csv)"))
    return found


def council_facts(la: str) -> tuple[str, dict[str, bool]]:
    """(name, period -> illustrative) from the params file, falling back to the slug.

    Read with plain YAML rather than the full params check: the index must
    still list a council whose params were broken after its report was built.
    """
    try:
        data = safe_yaml.load(paths.params_file(la).read_text(encoding="utf-8"))
        periods = {str(k): bool((v or {}).get("illustrative", False)) for k, v in (data.get("periods") or {}).items()}
        return str(data.get("name") or la), periods
    except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError):
        return la, {}


def headline_assessments(la: str, period: str) -> dict[str, str]:
    """Each RL metric's assessment for all staff, ``[c]`` where the public report hides it."""
    path = paths.build_dir(la, period) / "metrics.csv"
    out: dict[str, str] = {}
    if not path.is_file():
        return out
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("service") == "all" and row.get("breakdown") == "overall" and row.get("metric") in RL_METRICS:
                hidden = row.get("suppressed") == "true"
                out[row["metric"]] = SUPPRESSED if hidden else ASSESSMENT_SHORT.get(row.get("assessment", ""), "")
    return out


def collect(reports_dir: Path | None = None) -> tuple[list[Entry], dict[str, list[str]]]:
    """Published council reports, and each council's progress update pages (file stems)."""
    root = reports_dir or paths.REPORTS_DIR
    entries: list[Entry] = []
    updates: dict[str, list[str]] = {}
    if not root.is_dir():
        return entries, updates
    for la_dir in sorted(p for p in root.iterdir() if p.is_dir() and p.name not in LA_DIR_EXCLUDED):
        name, illustrative = council_facts(la_dir.name)
        for period_dir in sorted(p for p in la_dir.iterdir() if p.is_dir() and p.name.isdigit()):
            if (period_dir / "report.html").is_file():
                state = signoff.read_state(la_dir.name, period_dir.name)
                entries.append(Entry(la_dir.name, period_dir.name, name, illustrative.get(period_dir.name, False),
                                     headline_assessments(la_dir.name, period_dir.name),
                                     (period_dir / "data-quality.html").is_file(),
                                     downloads(period_dir, council_stem(la_dir.name, period_dir.name),
                                               f"{name} {period_dir.name}"),
                                     signoff.state_words(state), (period_dir / CHANGES_PAGE).is_file()))
        stems = sorted(p.stem for p in (la_dir / "updates").glob("*.html")) if (la_dir / "updates").is_dir() else []
        if stems:
            updates[la_dir.name] = stems
    return entries, updates


def roll_ups(reports_dir: Path | None = None) -> list[tuple[str, str]]:
    """(href, link text) for national and regional reports that exist."""
    root = reports_dir or paths.REPORTS_DIR
    out = []
    for report in sorted((root / "national").glob("*/report.html")):
        period = report.parent.name
        out.append((f"national/{period}/report.html", f"National report {period}"))
        out += [(f"national/{period}/{name}", words)
                for name, words in downloads(report.parent, rollup_stem(period), f"National {period}")]
    for report in sorted((root / "regional").glob("*/*/report.html")):
        region, period = report.parent.parent.name, report.parent.name
        label = region.replace("-", " ").capitalize()
        out.append((f"regional/{region}/{period}/report.html", f"Regional report for {label}, {period}"))
        out += [(f"regional/{region}/{period}/{name}", words)
                for name, words in downloads(report.parent, rollup_stem(period, region), f"{label} {period}")]
    return out


def href(*parts: str) -> str:
    """A relative link, each part URL-quoted (the template escapes it for HTML)."""
    return "/".join(quote(p) for p in parts)


INTERNAL_NAME = "index-internal.html"


@dataclass(frozen=True)
class IndexRow:
    """One council and period on the index: its links and each relative likelihood's assessment."""

    period: str
    signed_off: str  # "Signed off by ... on ..." or the draft mark
    links: list[Link]
    assessments: list[tuple[str, str]]  # (measure's short name, assessment word or [c])


def council_rows(entries: list[Entry], internal: bool) -> list[tuple[str, list[IndexRow]]]:
    """(council name, its periods) in the order collected: one table row group, and on a phone one card,
    per council. The links are a list, so on a phone they stand apart rather than run together."""
    grouped: dict[str, tuple[str, list[IndexRow]]] = {}
    for e in entries:
        links = [Link(f"{e.name} {e.period} report", href(e.la, e.period, "report.html"))]
        links += [Link(words, href(e.la, e.period, name)) for name, words in e.downloads]
        if internal and e.data_quality:
            links.append(Link(f"{e.name} {e.period} data quality (data team only)",
                              href(e.la, e.period, "data-quality.html")))
        if internal and e.changes:  # for the reviewers only: never linked from the public index
            links.append(Link(f"{e.name} {e.period} changes since sign-off (reviewers only)",
                              href(e.la, e.period, CHANGES_PAGE)))
        cells = [(METRIC_SHORT[m], e.assessments.get(m, "") or "Not available") for m in RL_METRICS]
        grouped.setdefault(e.la, (e.name, []))[1].append(
            IndexRow(e.period, e.signed_off or signoff.DRAFT_MARK, links, cells))
    return list(grouped.values())


def counted(number: int, noun: str, nouns: str | None = None) -> str:
    """'1 report', '4 reports': the plural written out, never 'report(s)'."""
    return f"{number} {noun if number == 1 else nouns or noun + 's'}"


def render(entries: list[Entry], updates: dict[str, list[str]], rollups: list[tuple[str, str]],
           internal: bool = False) -> str:
    """The index page's HTML; ``internal`` adds the data-quality links under the internal banner."""
    names = {e.la: e.name for e in entries}
    progress = [(href(la, "updates", stem + ".html"), f"{names.get(la, la)} progress update {stem}")
                for la, stems in updates.items() for stem in stems]
    title = "SC-WRES reports and data quality pages (internal)" if internal else "SC-WRES published reports"
    return pages.render("reports-index.html.j2", title=title, internal=internal,
                        illustrative=any(e.illustrative for e in entries), reports=counted(len(entries), "report"),
                        councils=counted(len({e.la for e in entries}), "council"), suppressed=SUPPRESSED,
                        n_reports=len(entries),
                        n_drafts=sum(not e.signed_off.startswith("Signed off") for e in entries),
                        rollups=rollups, rows=council_rows(entries, internal),
                        measures=[METRIC_SHORT[m] for m in RL_METRICS], updates=progress)


def write_index(reports_dir: Path | None = None) -> Path | None:
    """Write ``reports/index.html`` (and the internal index); None when the public one is already current."""
    root = reports_dir or paths.REPORTS_DIR
    entries, updates = collect(root)
    written = None
    for name, internal in (("index.html", False), (INTERNAL_NAME, True)):
        text = render(entries, updates, roll_ups(root), internal)
        target = root / name
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        write_atomic(target, text)
        written = written or (target if not internal else None)
    return written
