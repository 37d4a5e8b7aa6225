"""Validation of one return against its params: every problem, errors and warnings.

The notebooks and the batch runner call ``validate_return``; how the checks
are done (pandas checks, great-expectations suites) stays behind this module.
Errors come first from reading and the rules; warnings are only worked out
for a return without errors, because they need its figures as numbers.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from .. import paths
from ..intake.load import read_return, typed_tables
from ..intake.params import check_period_folders, previous_period
from ..intake.raw_return import LINE, RawReturn
from ..intake.records import write_counted
from ..problems import Problem, ReturnError
from ..schema import RECORD_TABLES, TABLES
from .bounds import COUNT_PATTERN
from .checks import allowed_codes, check_return
from .stored import checks_key, stored_checks
from .warnings import return_warnings

_FILE_ORDER = {name: i for i, name in enumerate([*(t.filename for t in TABLES.values()),
                                                   *(t.filename for t in RECORD_TABLES.values())])}
INTAKE = "intake.json"


def validate_return(la: str, period: str, params: dict[str, Any], raw_dir: Path | None = None,
                    build: Path | None = None) -> list[Problem]:
    """Every problem in the return for ``la`` and ``period`` (and in the periods params list).

    ``build`` (the run's build folder): when given, a return handed in as records has its counted
    tables written to ``build/return/`` and ``build/intake.json`` says what came in and what it became,
    and the checks' result is stored there by content (``stored``): an unchanged return is read again
    but not checked again.
    """
    period = str(period)
    problems = check_period_folders(la, params, raw_dir)
    raw = read_return(la, period, raw_dir, params)
    earlier = earlier_period_warnings(la, period, params, raw_dir)

    def checks() -> list[Problem]:
        return _checks(raw, params, raw_dir, problems)

    if build is None:
        return collapse(sort_problems(problems + checks())) + earlier
    write_intake(raw, build)
    # an unchanged return (and params and code) is not checked again: see ``stored``
    return collapse(sort_problems(problems + stored_checks(checks_key(la, period, params, raw_dir), build,
                                                           checks))) + earlier


def _checks(raw: RawReturn, params: dict[str, Any], raw_dir: Path | None, problems: list[Problem]) -> list[Problem]:
    """The checks of one return: errors, and warnings when there are none (what ``stored`` keeps)."""
    found = check_return(raw, pay_bands=params["pay_bands"], params=params)
    if not any(p.severity == "error" for p in [*problems, *found]):
        found += return_warnings(raw, typed_tables(raw), params, raw_dir)
    return found


TREND_REFUSED = "No change since"  # how the warning about a refused earlier return begins (the console prints it)


def earlier_return_errors(la: str, period: str, params: dict[str, Any], raw_dir: Path | None = None
                          ) -> list[Problem]:
    """The errors of an earlier period's return, checked exactly as that period's own run checks it.

    Why: a trend compares this period with the previous one, so the previous return must pass the same
    checks (appointed <= shortlisted and the rest), not only be typeable. The result is kept where that
    period's own run keeps it (``stored``, under the same key), so it is checked once.
    """
    problems = check_period_folders(la, params, raw_dir)
    raw = read_return(la, str(period), raw_dir, params)
    if raw_dir is None:
        found = stored_checks(checks_key(la, str(period), params, raw_dir), paths.build_dir(la, str(period)),
                              lambda: _checks(raw, params, raw_dir, problems))
    else:
        found = _checks(raw, params, raw_dir, problems)
    return [p for p in found if p.severity == "error"]


def has_return(la: str, period: str, raw_dir: Path | None = None) -> bool:
    """Whether the period has a return handed in at all (its folder, or its workbook)."""
    folder = paths.return_dir(la, str(period), raw_dir)
    return folder.is_dir() or folder.with_suffix(".xlsx").is_file()


PUBLIC_REFUSAL = "the {period} return did not pass its checks"  # a reader's words: no count of the analyst's errors


def trend_refusal(la: str, period: str, params: dict[str, Any], raw_dir: Path | None = None) -> str | None:
    """Why there is no trend against the previous period's return (it has errors), or None when it can be used.

    A phrase for the report and the console: "the 2023 return has 38 errors".
    """
    before = previous_period(params, str(period))
    if before is None or not has_return(la, before, raw_dir):
        return None  # no earlier return at all: the trend is "no previous period", not a refusal
    errors = earlier_return_errors(la, before, params, raw_dir)
    if not errors:
        return None
    return f"the {before} return has {len(errors)} error{'s' if len(errors) != 1 else ''}"


def earlier_period_warnings(la: str, period: str, params: dict[str, Any], raw_dir: Path | None = None
                            ) -> list[Problem]:
    """A warning on this period's data-quality page when the previous return cannot be used for trends."""
    why = trend_refusal(la, period, params, raw_dir)
    if why is None:
        return []
    before = previous_period(params, str(period))
    return [Problem("warning", f"data/raw/{la}/{before}", None, None, None,
                    f"{TREND_REFUSED} {before} is assessed: {why}. Fix that return (make report PERIOD={before} "
                    "lists its errors); until then every trend is 'not assessed'.")]


def write_intake(raw: RawReturn, build: Path) -> Path:
    """``intake.json`` (form, records in, rows out, label sets) and, for records, the counted tables."""
    build.mkdir(parents=True, exist_ok=True)
    folder = build / "return"
    if folder.is_dir():
        for old in folder.glob("*.csv"):
            old.unlink()
    if raw.counted:
        write_counted(raw.counted, folder)
    path = build / INTAKE
    path.write_text(json.dumps(raw.intake(), indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def read_intake(build: Path) -> dict[str, Any] | None:
    """What ``write_intake`` wrote, or None when validation did not get that far."""
    path = build / INTAKE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def collapse(problems: list[Problem], shown: int = 8) -> list[Problem]:
    """Identical problems on different lines become one, at the first line, with a count of the rest.

    A slip repeated down a column (an empty cell, 'Yes' for yes) is one thing to fix; listing it 3,000
    times buries everything else on the page.
    """
    groups: dict[tuple[Any, ...], list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.severity, p.file, p.sheet, p.column, p.value, p.message), []).append(p)
    out = []
    for p in problems:
        group = groups[(p.severity, p.file, p.sheet, p.column, p.value, p.message)]
        if group[0] is not p:
            continue
        lines = sorted({q.line for q in group if q.line is not None and q.line != p.line})
        if not lines:
            out.append(p)
            continue
        word = "rows" if p.sheet else "lines"
        listed = ", ".join(str(n) for n in lines[:shown]) + (", ..." if len(lines) > shown else "")
        out.append(replace(p, message=f"{p.message} The same in {len(lines)} more {word} ({listed})."))
    return out


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Params first, then the tables in contract order, each by line: the order an analyst fixes them."""
    def key(p: Problem) -> tuple[int, str, str, int, str]:
        rank = -1 if p.file.startswith("params/") else _FILE_ORDER.get(p.file, len(_FILE_ORDER))
        sheet_rank = str(list(TABLES).index(p.sheet)) if p.sheet in TABLES else (p.sheet or "")
        return (rank, p.file, sheet_rank, p.line or 0, p.column or "")

    return sorted(problems, key=key)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table for the notebook and the data quality page."""
    columns = ["severity", "file", "sheet", "line", "column", "value", "message"]
    return pd.DataFrame([p.as_dict() for p in problems], columns=columns)


ANALYST = "analyst"  # problems.json's "source" for the commentary's and action plan's problems


def write_problems(problems: list[Problem], build: Path, analyst: list[Problem] | None = None) -> Path:
    """problems.json in the build folder, read by the command line to explain a failure.

    ``analyst``: the commentary's and action plan's problems, written after the return's with
    ``"source": "analyst"``, so the file lists what the data-quality page lists while a rebuild can
    still tell the return's own apart (``read_problems``).
    """
    build.mkdir(parents=True, exist_ok=True)
    path = build / "problems.json"
    data = [{**p.as_dict(), "where": p.where(), "source": "return"} for p in problems]
    data += [{**p.as_dict(), "where": p.where(), "source": ANALYST} for p in analyst or []]
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def read_problems(build: Path) -> list[Problem] | None:
    """The return's problems a run wrote (not the commentary's or action plan's, which each run finds
    afresh), or None when validation did not get that far."""
    path = build / "problems.json"
    if not path.exists():
        return None
    fields = Problem.__dataclass_fields__
    return [Problem(**{k: v for k, v in item.items() if k in fields})
            for item in json.loads(path.read_text(encoding="utf-8")) if item.get("source") != ANALYST]


def raise_on_errors(problems: list[Problem]) -> None:
    """Stop the run (and papermill) when the return has errors."""
    if any(p.severity == "error" for p in problems):
        raise ReturnError(problems)


def load_return(la: str, period: str, raw_dir: Path | None = None,
                pay_bands: list[str] | None = None, params: dict[str, Any] | None = None) -> dict[str, pd.DataFrame]:
    """Read a return that validation passed and type it; raise ReturnError if it cannot be typed.

    Full validation (``validate_return``) runs once, in the validate step; this only guards the
    typing, so later steps do not pay for validation again. It lives here, not in ``intake.load``,
    because the guard is a check: reading must not depend on checking.
    """
    from .. import memo

    if params is not None and pay_bands is None:
        pay_bands = params["pay_bands"]
    # The same return is read by several steps of one report (and by later periods' trends): in a warm
    # kernel it is read once while its files and params are unchanged (``memo``).
    folder = paths.return_dir(la, str(period), raw_dir)
    key = ("load_return", la, str(period), str(folder.resolve()),
           memo.files_digest([folder, folder.with_suffix(".xlsx")]), memo.canonical(params), memo.canonical(pay_bands))
    return memo.cached(key, lambda: _load_return(la, period, raw_dir, pay_bands, params))


def _load_return(la: str, period: str, raw_dir: Path | None, pay_bands: list[str] | None,
                 params: dict[str, Any] | None) -> dict[str, pd.DataFrame]:
    """``load_return`` without the cache."""
    raw = read_return(la, period, raw_dir, params if params is not None else {"pay_bands": pay_bands})
    problems = typing_problems(raw, pay_bands=pay_bands)
    if problems:
        raise ReturnError(problems)
    return typed_tables(raw)


def typing_problems(raw: RawReturn, pay_bands: list[str] | None = None) -> list[Problem]:
    """A quick pandas-only guard that the tables can be typed (used after validation passed).

    The metrics step reloads the return; re-running the full GX validation
    there would cost seconds for nothing, but typing must never meet a bad cell.
    """
    out = [p for p in raw.problems if p.severity == "error"]
    allowed = allowed_codes(pay_bands)
    for name, frame in raw.tables.items():
        table = TABLES[name]
        for col in table.columns:
            if col not in frame:
                out.append(raw.problem(name, None, col, None, f"The column '{col}' is missing."))
            elif col in table.counts:
                for line in frame.loc[~frame[col].astype(str).str.match(COUNT_PATTERN), LINE]:
                    out.append(raw.problem(name, int(line), col, None, "This count is not a whole number."))
            elif col in allowed:
                for line in frame.loc[~frame[col].isin(allowed[col]), LINE]:
                    out.append(raw.problem(name, int(line), col, None, "This code is not allowed."))
    return out
