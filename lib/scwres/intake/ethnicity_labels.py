"""Ethnicity labels: the values an HR or survey system writes, mapped to the return's codes.

Councils' systems do not write ``white_british``: they write "White British",
the census wording, or the NHS Data Dictionary letter ``A``. Refusing those
once per row made the first run of a real extract a wall of errors, so every
``ethnicity`` column (count tables and record extracts alike) is read through
one map built here: the codes, the ONS 2021 category names, the NHS letters,
and the council's own labels from params (``ethnicity_labels``), which win over
the built-in sets. Matching ignores case, spacing and punctuation, so
"White - British", "white_british" and "WHITE BRITISH" are the same label.

An unrecognised value is one problem per distinct value (with how many rows
carry it, and the nearest code), never one per row.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..schema import BROAD_CODES, DETAILED_CODES, ETHNICITY_CODES

# Names of the label sets, as the report's methods section and the data-quality page say them.
if TYPE_CHECKING:  # pandas is only handed in; params validation imports this module without it
    import pandas as pd

CODES = "ethnicity codes"
ONS = "ONS 2021 Census category names"
NHS = "NHS Data Dictionary ethnic category letters"
COUNCIL = "the council's own labels (params ethnicity_labels)"
LABEL_SETS: tuple[str, ...] = (CODES, ONS, NHS, COUNCIL)
# The same sets in words for a public report (no params keys or file names there).
PUBLIC_NAMES: dict[str, str] = {
    CODES: "the workbook's ethnicity codes", ONS: "the ONS 2021 Census category names",
    NHS: "the NHS Data Dictionary ethnic category letters",
    COUNCIL: "the council's own labels, each mapped to a census category",
}

# NHS Data Dictionary "ethnic category" (2001 census based) letters, as docs/data-return.md lists them.
NHS_LETTERS: dict[str, str] = {
    "A": "white_british", "B": "white_irish", "C": "white_other", "D": "mixed_white_black_caribbean",
    "E": "mixed_white_black_african", "F": "mixed_white_asian", "G": "mixed_other", "H": "asian_indian",
    "J": "asian_pakistani", "K": "asian_bangladeshi", "L": "asian_other", "M": "black_caribbean",
    "N": "black_african", "P": "black_other", "R": "asian_chinese", "S": "other_any", "Z": "not_stated",
}

# The ONS 2021 names of the five high-level groups (the broad codes), beside the schema's own wording.
ONS_BROAD_NAMES: dict[str, str] = {
    "White": "white",
    "Mixed or Multiple ethnic groups": "mixed",
    "Asian, Asian British or Asian Welsh": "asian",
    "Black, Black British, Black Welsh, Caribbean or African": "black",
    "Other ethnic group": "other",
}
# The census prefixes "Asian: Indian" stands for, so the full ONS wording is recognised too.
ONS_GROUP_PREFIXES: dict[str, str] = {
    "White": "White", "Mixed": "Mixed or Multiple ethnic groups", "Asian": "Asian, Asian British or Asian Welsh",
    "Black": "Black, Black British, Black Welsh, Caribbean or African", "Other": "Other ethnic group",
}


def normalise(value: object) -> str:
    """A label as it is matched: lower case, letters and digits only ("White - British" -> "whitebritish")."""
    return re.sub(r"[^0-9a-z]", "", str(value).casefold())


def _ons_names() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, (label, _, _) in DETAILED_CODES.items():
        out[label] = code
        group, _, rest = label.partition(": ")
        if rest and group in ONS_GROUP_PREFIXES:
            out[f"{ONS_GROUP_PREFIXES[group]}: {rest}"] = code
    for code, (label, _, _) in BROAD_CODES.items():
        out.setdefault(label, code)
    out.update(ONS_BROAD_NAMES)
    return out


ONS_NAMES: dict[str, str] = _ons_names()


def builtin_sets() -> dict[str, dict[str, str]]:
    """The built-in label sets, each as label -> code (in the order a clash is settled: codes first)."""
    return {CODES: {code: code for code in ETHNICITY_CODES}, ONS: ONS_NAMES, NHS: NHS_LETTERS}


@dataclass
class LabelMap:
    """Normalised label -> (code, label set); built once per return from params."""

    lookup: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def build(cls, council_labels: Mapping[str, str] | None = None) -> LabelMap:
        lookup: dict[str, tuple[str, str]] = {}
        for name, labels in builtin_sets().items():
            for label, code in labels.items():
                lookup.setdefault(normalise(label), (code, name))
        for label, code in (council_labels or {}).items():  # params win over the built-in sets
            if str(code) in ETHNICITY_CODES:
                lookup[normalise(label)] = (str(code), COUNCIL)
        return cls(lookup)

    def resolve(self, values: pd.Series) -> tuple[pd.Series, pd.Series]:
        """(codes, label set) for each value; both null where the value is not recognised.

        Works on the distinct values only, so 200,000 rows cost a few hundred look-ups.
        """
        text = values.astype(str)
        found = {v: self.lookup.get(normalise(v)) for v in text.unique()}
        codes = text.map({v: hit[0] for v, hit in found.items() if hit})
        sets = text.map({v: hit[1] for v, hit in found.items() if hit})
        return codes, sets


def nearest_code(value: str, labels: LabelMap | None = None) -> str | None:
    """The code whose label or name is closest to ``value`` (difflib), for "did you mean" advice."""
    labels = labels or LabelMap.build()
    key = normalise(value)
    if not key:
        return None
    candidates = [k for k in labels.lookup if len(k) > 1]  # single NHS letters are no useful suggestion
    best = difflib.get_close_matches(key, candidates, n=1, cutoff=0.5)
    if best:
        return labels.lookup[best[0]][0]
    return None


def unknown_sentence(value: str, rows: int, first_line: int, suggestion: str | None, where: str = "",
                     broad: bool = False) -> str:
    """One sentence for one unrecognised value, however many rows carry it (``broad``: the table uses the
    five broad groups, so the advice names those)."""
    count = f"{rows} row{'s' if rows != 1 else ''}"
    place = f"{where} " if where else ""
    if value.strip() == "":
        head = f"ethnicity is empty in {count} (first {place}line {first_line})"
    else:
        head = f"'{value}' is not a recognised ethnicity code or label ({count}, first {place}line {first_line})"
    hint = f"; did you mean {suggestion}?" if suggestion else ""
    if broad:
        return (f"{head}{hint} This table uses the broad groups white, mixed, asian, black, other (or not_stated); "
                "use one of them, or map the council's own label under ethnicity_labels in params.")
    return (f"{head}{hint} Use a code, an ONS 2021 category name or an NHS ethnic category letter, or map the "
            "council's own label to a code under ethnicity_labels in params.")


def check_council_labels(labels: object) -> list[tuple[str, str]]:
    """Faults in params' ``ethnicity_labels``: (value, sentence) pairs; [] when it is fine."""
    if not isinstance(labels, dict):
        return [(str(labels), "ethnicity_labels must map the council's labels to ethnicity codes, such as "
                              "{\"White - British\": white_british}.")]
    out = []
    for label, code in labels.items():
        if not isinstance(label, str) or not normalise(label):
            out.append((str(label), "each label in ethnicity_labels must be text with at least one letter or digit."))
        elif not isinstance(code, str) or code not in ETHNICITY_CODES:
            near = difflib.get_close_matches(str(code), ETHNICITY_CODES, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            out.append((str(code), f"ethnicity_labels maps '{label}' to '{code}', which is not an ethnicity "
                                   f"code{hint}; map it to a code such as white_british or not_stated."))
    return out
