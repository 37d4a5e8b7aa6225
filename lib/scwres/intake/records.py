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
from ..schema import DETAILED_CODES, RECORD_TABLES, SERVICES, STAFF_STATUSES, TABLES, YES_NO
from .ethnicity_labels import (
    BLANK,
    BROAD_ONLY,
    DETAILED_ONLY,
    LabelMap,
    broad_group,
    is_blank,
    nearest_code,
    unknown_sentence,
)
from .record_ids import id_problems

LINE = "__line__"  # same as scwres.intake.raw_return.LINE (kept apart so this module stands alone)


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
    checked: list[str] = []
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
        out += id_problems(raw, name, frame, record.id_column)
        for col, allowed in codes_of(name, pay_bands).items():
            out += _value_problems(raw, name, frame, col, allowed)
        checked.append(name)
        if name == "staff":
            wrong = frame[(frame["ftp"] == "yes") & (frame["regulated"] == "no")]
            out += _grouped(raw, name, wrong, "ftp", lambda v, n, first: (
                f"ftp is yes but regulated is no in {n} row{'s' if n != 1 else ''} (first line {first}); "
                "fitness to practise applies only to regulated professionals: correct ftp or regulated."),
                by_value=False)
    return out + _ethnicity(raw, checked, labels)


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


def _ethnicity(raw: Any, names: list[str], labels: LabelMap) -> list[Problem]:
    """Map the ethnicity columns of the checked extracts to codes in place.

    A blank cell is ``not_stated`` (staff who did not declare are counted in neither group), reported as one
    warning per file with the number of rows. An unrecognised value is one problem per distinct value, with
    a suggestion that is accepted beside the extracts' other values; broad groups among detailed categories
    are reported here, at the extract's own line, not later on a counted table the analyst never wrote.
    """
    out: list[Problem] = []
    resolved: dict[str, tuple[pd.Series, pd.Series]] = {}
    for name in names:
        frame = raw.records[name]
        blank = frame["ethnicity"].isin([v for v in pd.unique(frame["ethnicity"]) if is_blank(v)])  # distinct only
        codes, sets = labels.resolve(frame["ethnicity"])
        codes = codes.where(~blank, "not_stated")
        sets = sets.where(~blank, BLANK)
        raw.label_sets.update(s for s in sets.dropna().unique())
        resolved[name] = (codes, sets)
        if blank.any():
            n, first = int(blank.sum()), int(frame.loc[blank, LINE].min())
            out.append(raw.problem(name, first, "ethnicity", "", (
                f"ethnicity is blank in {n:,} row{'s' if n != 1 else ''} (first line {first}); "
                f"{'they are' if n != 1 else 'it is'} counted as not stated (in neither group), as staff who did "
                "not declare their ethnicity are. Fill in the ethnicity where it is known."), severity="warning"))
    known = pd.concat([c.dropna() for c, _ in resolved.values()]) if resolved else pd.Series(dtype=object)
    broad = bool(known.isin(BROAD_ONLY).any()) and not known.isin(DETAILED_ONLY).any()
    for name in names:
        frame, (codes, _) = raw.records[name], resolved[name]
        unknown = frame[codes.isna()]
        out += _grouped(raw, name, unknown, "ethnicity", lambda v, n, first: unknown_sentence(
            v, n, first, nearest_code(v, labels, broad), broad=broad))
    out += _mixed_styles(raw, names, resolved, known)
    for name in names:
        frame, (codes, _) = raw.records[name], resolved[name]
        frame["ethnicity"] = codes.where(codes.notna(), frame["ethnicity"])
    return out


def _mixed_styles(raw: Any, names: list[str], resolved: dict[str, tuple[pd.Series, pd.Series]],
                  known: pd.Series) -> list[Problem]:
    """Broad groups ("Asian") among detailed categories ("Asian or Asian British - Indian") across the extracts:
    one problem per distinct value written in the less used style, at its first line."""
    broad_rows, detailed_rows = int(known.isin(BROAD_ONLY).sum()), int(known.isin(DETAILED_ONLY).sum())
    if not (broad_rows and detailed_rows):
        return []
    odd = BROAD_ONLY if broad_rows <= detailed_rows else DETAILED_ONLY
    out = []
    for name in names:
        frame, (codes, _) = raw.records[name], resolved[name]
        rows = frame[codes.isin(odd)].assign(__code__=codes[codes.isin(odd)])
        if odd is BROAD_ONLY:
            def sentence(v: str, n: int, first: int, rows: pd.DataFrame = rows) -> str:
                code = rows.loc[rows["ethnicity"] == v, "__code__"].iloc[0]
                return (f"'{v}' is the broad group {code} ({n} row{'s' if n != 1 else ''}, first line {first}), but "
                        "the other ethnicity values of the extracts are detailed census categories, and the counts "
                        "cannot mix the two; write the detailed category (such as "
                        f"{', '.join(c for c in DETAILED_ONLY_BY_GROUP[code][:2])}), or not_stated if unknown.")
        else:
            def sentence(v: str, n: int, first: int, rows: pd.DataFrame = rows) -> str:
                code = rows.loc[rows["ethnicity"] == v, "__code__"].iloc[0]
                return (f"'{v}' is the detailed category {code} ({n} row{'s' if n != 1 else ''}, first line "
                        f"{first}), but the other ethnicity values of the extracts are the five broad groups, and "
                        f"the counts cannot mix the two; write it as {broad_group(code)}.")
        out += _grouped(raw, name, rows, "ethnicity", sentence)
    return out


DETAILED_ONLY_BY_GROUP: dict[str, list[str]] = {
    group: [c for c in DETAILED_CODES if c in DETAILED_ONLY and broad_group(c) == group] for group in BROAD_ONLY}


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
