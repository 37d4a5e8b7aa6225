"""The data quality page: ``reports/<la>/<period>/data-quality.html``, written on every run.

The council needs to know what to fix whether or not the report was
published, so this page is written pass or fail (and even when params are
broken). It is built like every page (``pages``): a Jinja template with
autoescaping on, since every value in it comes from a return or params file,
on the same base layout and stylesheet as the reports.
"""

from __future__ import annotations

from itertools import groupby
from pathlib import Path
from typing import Any

from .. import paths
from ..intake.params import PERIOD_PATTERN
from ..intake.provenance import WORKBOOK_VERSION, fingerprint, git_commit, input_files, versions
from ..problems import Problem
from . import pages
from .export import write_atomic
from .pages import Code, Row, Table

PAGE = "data-quality.html"


def render(problems: list[Problem] | None, *, la: str, period: str, council: str | None = None,
           illustrative: bool = False, others: list[Problem] | None = None,
           intake: dict[str, Any] | None = None) -> str:
    """The page as HTML; ``problems`` None means validation never ran (the run stopped earlier).

    ``others``: problems in the files around the return (commentary, action plan), which never stop
    a report and are never quoted in it, so they are listed here for the analyst.
    ``intake`` (from ``validate.write_intake``): the form the return came in, how many records became
    how many rows of the count tables, and which ethnicity label sets its values were read from.
    """
    items = problems or []

    def place(p: Problem) -> str:
        return f"{p.file} sheet {p.sheet}" if p.sheet else p.file

    groups = [(name, list(group)) for name, group in groupby(items, key=place)]
    other_groups = [(name, list(group)) for name, group in groupby(others or [], key=place)]
    council = council or la
    return pages.render(
        "data-quality.html.j2", title=f"Data quality: {council}, {period}", la=la, period=period, council=council,
        illustrative=illustrative, problems=problems, groups=groups, other_groups=other_groups,
        n_other=len(others or []), intake=intake_lines(la, period, intake),
        n_errors=sum(p.severity == "error" for p in items), n_warnings=sum(p.severity == "warning" for p in items),
        fingerprint=fingerprint(la, str(period)), version=WORKBOOK_VERSION, files=files_table(la, period),
        software=software_table(),
    )


def files_table(la: str, period: str) -> Table:
    """Each input file and its SHA-256: for the data team (this page and the internal report), never public."""
    return Table("Input files and their SHA-256 fingerprints", ["File", "SHA-256"],
                 [Row([f.name, Code(f.sha256)]) for f in input_files(la, str(period))])


def software_table() -> Table:
    """The git commit and library versions (this page and the internal report)."""
    soft: list[Row] = [Row(["Project version (git commit)", Code(git_commit())])]
    soft += [Row([str(k), str(v)]) for k, v in versions().items()]
    return Table("Code and software versions used", ["Component", "Version"], soft)


def intake_lines(la: str, period: str, intake: dict[str, Any] | None) -> list[str]:
    """Sentences on how the return came in (plain text; the template escapes them)."""
    if not intake:
        return []
    out = []
    if intake.get("form") == "records":
        records = ", ".join(f"{n:,} in {name}" for name, n in intake.get("records", {}).items())
        rows = ", ".join(f"{n:,} rows of {name}.csv" for name, n in intake.get("rows", {}).items())
        total = sum(intake.get("records", {}).values())
        out.append(f"The return was handed in as record-level extracts: {total:,} records ({records}).")
        if rows:
            out.append(f"They were counted into {rows}, written to build/{la}/{period}/return/ so you can check "
                       "them or send them on, and those tables were checked by the same rules as any return.")
        else:
            out.append("They were not counted into the count tables, because the records have errors (below).")
    else:
        out.append("The return was handed in as count tables.")
    sets = intake.get("label_sets") or []
    if sets:
        out.append(f"Ethnicity values were recognised from: {'; '.join(sets)}.")
    return out


def publish(la: str, period: str, problems: list[Problem] | None, params: dict[str, Any] | None = None,
            reports_root: Path | None = None, others: list[Problem] | None = None,
            intake: dict[str, Any] | None = None) -> Path:
    """Write the page atomically next to the report and return its path."""
    spec = (params or {}).get("periods", {}).get(str(period), {})
    html = render(problems, la=la, period=str(period), council=(params or {}).get("name"),
                  illustrative=bool(isinstance(spec, dict) and spec.get("illustrative") is True), others=others,
                  intake=intake)
    target = paths.report_dir(la, str(period), reports_root) / PAGE
    write_atomic(target, html)
    return target


def summary_line(problems: list[Problem], page: Path) -> str:
    """The console's last line: "2 errors, 3 warnings: see reports/x/2024/data-quality.html"."""
    n_errors = sum(p.severity == "error" for p in problems)
    n_warnings = sum(p.severity != "error" for p in problems)
    return (f"{n_errors} error{'s' if n_errors != 1 else ''}, {n_warnings} warning{'s' if n_warnings != 1 else ''}: "
            f"see {page}")


def guess_period(la: str, period: str | None, raw_dir: Path | None = None) -> str | None:
    """The period a run was for when params could not say: the one asked for, else the latest return."""
    if period:
        return str(period) if PERIOD_PATTERN.match(str(period)) else None
    folder = (raw_dir or paths.RAW_DIR) / la
    found = sorted(p.name for p in folder.iterdir() if p.is_dir() and PERIOD_PATTERN.match(p.name)) \
        if folder.is_dir() else []
    return found[-1] if found else None
