"""Record-level extracts: check them as records, then count them into the four count tables.

Councils hold an HR extract (one row per member of staff), a recruitment
extract (one row per shortlisted applicant) and the survey's responses, not
SC-WRES counts; pivoting them by hand was the slowest and most error-prone
step of the cycle. This module takes those files as read by ``load.py`` (text
cells with their line numbers), reports every record-level fault with file,
line, column and value, and counts valid records into exactly the tables of
``docs/data-return.md`` - which validation then checks again by the usual rules.

Everything is vectorised pandas, and faults are grouped by distinct value (one
problem for 'Yes' in 30,000 rows, not 30,000), so 200,000 staff records load
in about a second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..problems import Problem
from ..schema import RECORD_TABLES, SERVICES, STAFF_STATUSES, TABLES, YES_NO
from .ethnicity_labels import LabelMap, nearest_code, unknown_sentence

LINE = "__line__"  # same as scwres.intake.raw_return.LINE (kept apart so this module stands alone)
MAX_LISTED = 50  # distinct repeated ids listed one by one before the rest are summed up in one problem


def codes_of(name: str, pay_bands: list[str] | None) -> dict[str, tuple[str, ...]]:
    """Allowed values of each fixed-list column of a record table (ids and ethnicity apart)."""
    record = RECORD_TABLES[name]
    out: dict[str, tuple[str, ...]] = {"service": SERVICES}
    out.update({flag: YES_NO for flag in record.flags})
    if name == "staff":
        out["status"] = STAFF_STATUSES
        if pay_bands is not None:
            out["pay_band"] = tuple(str(b) for b in pay_bands)
    return out


def check_records(raw: Any, labels: LabelMap, pay_bands: list[str] | None) -> list[Problem]:
    """Every fault in the record frames of ``raw`` (a ``load.RawReturn``); maps ethnicity labels to codes in place.

    A file with a missing column is not checked cell by cell (its cells cannot be trusted to be in the
    right columns); the other files still are, so one run lists as much as it can.
    """
    out: list[Problem] = []
    for name, frame in raw.records.items():
        record = RECORD_TABLES[name]
        header_line = int(frame.attrs.get("header_line", 1))
        present = [c for c in frame.columns if c != LINE]
        missing = [c for c in record.columns if c not in present]
        for col in missing:
            out.append(raw.problem(name, header_line, col, None,
                                   f"The column '{col}' is missing; add it to the header (the columns of "
                                   f"{record.filename} are {', '.join(record.columns)})."))
        for col in present:
            if col not in record.columns:
                lower = col.strip().lower()
                sentence = (f"'{col}' should be written '{lower}' (column names are exact and lower case)."
                            if lower in record.columns else
                            f"'{col}' is not a column of {record.filename}; check the spelling or remove it "
                            f"(columns are {', '.join(record.columns)}).")
                out.append(raw.problem(name, header_line, col, col, sentence))
        if frame.empty:
            out.append(raw.problem(name, None, None, None,
                                   f"{record.filename} has no rows; it is required for a record-level return."))
        if missing or frame.empty:
            continue
        out += _id_problems(raw, name, frame, record.id_column)
        for col, allowed in codes_of(name, pay_bands).items():
            out += _value_problems(raw, name, frame, col, allowed)
        out += _ethnicity(raw, name, frame, labels)
        if name == "staff":
            wrong = frame[(frame["ftp"] == "yes") & (frame["regulated"] == "no")]
            out += _grouped(raw, name, wrong, "ftp", lambda v, n, first: (
                f"ftp is yes but regulated is no in {n} row{'s' if n != 1 else ''} (first line {first}); "
                "fitness to practise applies only to regulated professionals: correct ftp or regulated."),
                by_value=False)
    return out


def _grouped(raw: Any, name: str, rows: pd.DataFrame, col: str, sentence: Any, by_value: bool = True
             ) -> list[Problem]:
    """One problem per distinct value of ``col`` among ``rows`` (or one for all rows), at its first line."""
    if rows.empty:
        return []
    out = []
    groups = rows.groupby(col, sort=True) if by_value else [(rows[col].iloc[0], rows)]
    for value, group in groups:
        first = int(group[LINE].min())
        out.append(raw.problem(name, first, col, value, sentence(str(value), len(group), first)))
    return out


def _value_problems(raw: Any, name: str, frame: pd.DataFrame, col: str, allowed: tuple[str, ...]) -> list[Problem]:
    bad = frame[~frame[col].isin(allowed)]

    def sentence(value: str, n: int, first: int) -> str:
        rows = f"{n} row{'s' if n != 1 else ''}, first line {first}"
        if value == "":
            return f"{col} is empty ({rows}); fill it in with one of {', '.join(allowed)}."
        if value.strip().lower() in allowed:
            return f"'{value}' should be written '{value.strip().lower()}' ({rows}; values are exact and lower case)."
        if col == "pay_band":
            return (f"'{value}' is not one of the council's pay bands ({', '.join(allowed)}) in params ({rows}); "
                    "use one of them.")
        return f"'{value}' is not allowed in {col} ({rows}); use one of {', '.join(allowed)}."

    return _grouped(raw, name, bad, col, sentence)


def _id_problems(raw: Any, name: str, frame: pd.DataFrame, col: str) -> list[Problem]:
    """Empty ids, and each repeated id once (pointing at its first line)."""
    out = _grouped(raw, name, frame[frame[col] == ""], col, lambda v, n, first: (
        f"{col} is empty in {n} row{'s' if n != 1 else ''} (first line {first}); every row needs its own "
        "pseudonymised id."), by_value=False)
    given = frame[frame[col] != ""]
    repeated = given[given[col].duplicated(keep=False)]
    if repeated.empty:
        return out
    groups = sorted(repeated.groupby(col, sort=False), key=lambda g: int(g[1][LINE].min()))
    for value, group in groups[:MAX_LISTED]:
        lines = sorted(int(x) for x in group[LINE])
        again = ", ".join(str(x) for x in lines[1:6]) + (" ..." if len(lines) > 6 else "")
        out.append(raw.problem(name, lines[0], col, value,
                               f"{col} '{value}' is on {len(lines)} rows (line {lines[0]}, again on line {again}); "
                               "each record must appear once: remove the copies or give each its own id."))
    if len(groups) > MAX_LISTED:
        rest = groups[MAX_LISTED:]
        first = min(int(g[LINE].min()) for _, g in rest)
        out.append(raw.problem(name, first, col, None,
                               f"{len(rest)} more {col} values repeat (first at line {first}); each record must "
                               "appear once."))
    return out


def _ethnicity(raw: Any, name: str, frame: pd.DataFrame, labels: LabelMap) -> list[Problem]:
    """Map the ethnicity column to codes in place; one problem per unrecognised distinct value."""
    codes, sets = labels.resolve(frame["ethnicity"])
    raw.label_sets.update(s for s in sets.dropna().unique())
    unknown = frame[codes.isna()]
    frame["ethnicity"] = codes.where(codes.notna(), frame["ethnicity"])
    return _grouped(raw, name, unknown, "ethnicity", lambda v, n, first: unknown_sentence(
        v, n, first, nearest_code(v, labels)))


# --- counting -----------------------------------------------------------------------------------------------


def count_records(records: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Valid records -> the four count tables (typed, schema column order, sorted by key).

    Rules (docs/data-return.md): headcount counts ``in_post`` staff by service, pay band, senior manager,
    regulated and ethnicity; leavers count ``left`` staff; disciplinary, ftp and cpd count ``yes``
    among all staff rows, by service and ethnicity; shortlisted counts applicants and appointed their
    ``yes``; respondents counts responses and each hba_* its ``yes``. events has a row for every
    service and ethnicity among the staff records; survey for every one among the staff records or
    the responses (zero rows included, so a group with staff but no responses says 0, as the count
    tables of the same data would); recruitment for every one among the applicants.
    """
    staff, applicants, responses = records["staff"], records["applicants"], records["survey_responses"]
    pair = ["service", "ethnicity"]
    in_post = staff[staff["status"] == "in_post"]
    keys = list(TABLES["workforce"].keys)
    workforce = in_post.groupby(keys, sort=True).size().rename("headcount").reset_index()
    flags = pd.DataFrame({
        "service": staff["service"], "ethnicity": staff["ethnicity"],
        "disciplinary": staff["disciplinary"] == "yes", "ftp": staff["ftp"] == "yes",
        "cpd": staff["cpd"] == "yes", "leavers": staff["status"] == "left",
    })
    events = flags.groupby(pair, sort=True).sum().astype("int64").reset_index()
    appointed = pd.DataFrame({"service": applicants["service"], "ethnicity": applicants["ethnicity"],
                              "shortlisted": 1, "appointed": applicants["appointed"] == "yes"})
    recruitment = appointed.groupby(pair, sort=True).sum().astype("int64").reset_index()
    answers = pd.DataFrame({"service": responses["service"], "ethnicity": responses["ethnicity"], "respondents": 1,
                            **{c: responses[c] == "yes" for c in ("hba_public", "hba_colleagues", "hba_managers")}})
    survey = answers.groupby(pair, sort=True).sum().astype("int64")
    groups = survey.index.union(pd.MultiIndex.from_frame(events[pair]))
    survey = survey.reindex(groups, fill_value=0).reset_index()
    out = {"workforce": workforce, "events": events, "recruitment": recruitment, "survey": survey}
    return {name: frame[list(TABLES[name].columns)].sort_values(list(TABLES[name].keys)).reset_index(drop=True)
            for name, frame in out.items()}


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A counted table as ``load`` would read it from its written CSV: text cells, line 2 onwards."""
    text = frame.astype(str)
    text[LINE] = range(2, len(frame) + 2)
    text = text.astype({LINE: "int64"})
    text.attrs["header_line"] = 1
    return text


def write_counted(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write the counted tables as CSVs (the analyst can check them or send them on)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("workforce", "recruitment", "events", "survey"):
        if name in tables:
            path = folder / f"{name}.csv"
            tables[name][list(TABLES[name].columns)].to_csv(path, index=False, lineterminator="\n")
            written.append(path)
    return written
