"""Ethnicity labels: the values an HR or survey system writes, mapped to the return's codes.

Councils' systems do not write ``white_british``: they write "White - British"
(the NHS Data Dictionary label ESR-style HR systems print), "Asian/Asian
British: Indian" (the 2011 Census form of a survey tool), the 2021 wording, the
NHS letter ``A``, or "Prefer not to say". Refusing those once per row made the
first run of a real extract a wall of errors, so every ``ethnicity`` column
(count tables and record extracts alike) is read through one map built here:
the codes, the ONS 2021 names, the NHS letters, the published NHS and census
labels (``label_table``), the not-stated wordings, and the council's own labels
from params (``ethnicity_labels``), which win over the built-in sets. Matching
ignores case, spacing, punctuation and Unicode lookalikes (NFKC), so
"White - British", "white_british" and "WHITE BRITISH" are the same label.

An unrecognised value is one problem per distinct value (with how many rows
carry it, and the nearest code that would be accepted there), never one per row.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..schema import BROAD_CODES, DETAILED_CODES, ETHNICITY_CODES
from .label_table import CATEGORY_NAMES, GROUP_NAMES, NHS_LABELS, NOT_STATED_WORDS

if TYPE_CHECKING:  # pandas is only handed in; params validation imports this module without it
    import pandas as pd

# Names of the label sets, as the data-quality page says them (in the order a clash is settled).
CODES = "ethnicity codes"
ONS = "ONS 2021 Census category names"
NHS = "NHS Data Dictionary ethnic category letters"
NAMES = "NHS Data Dictionary and ONS 2011/2021 Census labels as HR systems and surveys write them"
NOT_STATED = "wordings for an ethnicity nobody gave ('Prefer not to say', 'Unknown', ...)"
BLANK = "blank ethnicity cells (read as not_stated)"
COUNCIL = "the council's own labels (params ethnicity_labels)"
LABEL_SETS: tuple[str, ...] = (CODES, ONS, NHS, NAMES, NOT_STATED, BLANK, COUNCIL)
# The same sets in words for a public report (no params keys or file names there).
PUBLIC_NAMES: dict[str, str] = {
    CODES: "the workbook's ethnicity codes", ONS: "the ONS 2021 Census category names",
    NHS: "the NHS Data Dictionary ethnic category letters",
    NAMES: "the NHS Data Dictionary and ONS Census category labels that HR systems and surveys print",
    NOT_STATED: "wordings such as 'prefer not to say'",
    BLANK: "blank entries",
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
BROAD_ONLY = frozenset(BROAD_CODES) - frozenset(DETAILED_CODES)  # white, mixed, asian, black, other
DETAILED_ONLY = frozenset(DETAILED_CODES) - frozenset(BROAD_CODES)

# Characters that are there but cannot be seen: zero-width space, joiners, direction marks, word joiner, BOM,
# soft hyphen.
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")


def normalise(value: object) -> str:
    """A label as it is matched: NFKC, lower case, letters and digits only ("White - British" -> "whitebritish")."""
    return re.sub(r"[^0-9a-z]", "", unicodedata.normalize("NFKC", str(value)).casefold())


def is_blank(value: object) -> bool:
    """Whether a cell holds nothing a reader could see (spaces and invisible characters only)."""
    return INVISIBLE.sub("", str(value)).strip() == ""


def broad_group(code: str) -> str:
    """The broad code a detailed code falls in (white_irish -> white), for advice in a broad table."""
    if code in BROAD_CODES:
        return code
    broad = DETAILED_CODES[code][2]
    return "white" if broad == "white_minorities" else broad


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


def _published_names() -> dict[str, str]:
    """The NHS and census labels (label_table): group x category, the names safe alone, NHS labels with letters."""
    out: dict[str, str] = {}
    for code, (groups, names, alone) in CATEGORY_NAMES.items():
        for group in groups:
            for prefix in GROUP_NAMES[group]:
                for name in names:
                    out.setdefault(f"{prefix}: {name}", code)
        for name in alone:
            out.setdefault(name, code)
    for letter, labels in NHS_LABELS.items():
        for label in labels:
            out.setdefault(label, NHS_LETTERS[letter])
            out.setdefault(f"{letter} - {label}", NHS_LETTERS[letter])
    return out


ONS_NAMES: dict[str, str] = _ons_names()
PUBLISHED_NAMES: dict[str, str] = _published_names()


def builtin_sets() -> dict[str, dict[str, str]]:
    """The built-in label sets, each as label -> code (in the order a clash is settled: codes first)."""
    return {CODES: {code: code for code in ETHNICITY_CODES}, ONS: ONS_NAMES, NHS: NHS_LETTERS,
            NAMES: PUBLISHED_NAMES, NOT_STATED: dict.fromkeys(NOT_STATED_WORDS, "not_stated")}


def builtin_clashes() -> list[tuple[str, str, str]]:
    """(normalised label, code kept, code dropped) where two built-in labels read the same but mean different
    codes; the table is written so that there are none (a test holds it to that)."""
    seen: dict[str, str] = {}
    out = []
    for labels in builtin_sets().values():
        for label, code in labels.items():
            key = normalise(label)
            if key in seen and seen[key] != code:
                out.append((key, seen[key], code))
            seen.setdefault(key, code)
    return out


@dataclass
class LabelMap:
    """Normalised label -> (code, label set); built once per return from params."""

    lookup: dict[str, tuple[str, str]] = field(default_factory=dict)
    _suggest: dict[bool, list[str]] = field(default_factory=dict, repr=False)

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

    def candidates(self, broad: bool) -> list[str]:
        """Labels a suggestion may come from: detailed ones (or, in a broad table, broad ones too)."""
        if broad not in self._suggest:
            self._suggest[broad] = [k for k, (code, _) in self.lookup.items()
                                    if len(k) > 1 and (broad or code not in BROAD_ONLY)]
        return self._suggest[broad]


def nearest_code(value: str, labels: LabelMap | None = None, broad: bool = False) -> str | None:
    """The code whose label is closest to ``value`` (difflib), for "did you mean" advice.

    The advice must itself be accepted where it is given: a detailed code in a table of detailed codes
    (never the broad ``asian`` for "Asian or Asian British - Indain", which would then mix the styles),
    and the broad group of the nearest label in a table of the five broad groups.
    """
    labels = labels or LabelMap.build()
    key = normalise(str(value)[:200])
    if not key:
        return None
    best = difflib.get_close_matches(key, labels.candidates(broad), n=1, cutoff=0.5)
    if not best:
        return None
    code = labels.lookup[best[0]][0]
    return broad_group(code) if broad else code


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
    return (f"{head}{hint} Use a code, an NHS Data Dictionary or ONS Census category label (docs/data-return.md "
            "lists those recognised), or map the council's own label to a code under ethnicity_labels in params.")


def check_council_labels(labels: object) -> list[tuple[str, str]]:
    """Faults in params' ``ethnicity_labels``: (value, sentence) pairs; [] when it is fine.

    Two labels that read the same once case, spacing and punctuation are ignored ("White British" and
    "white-british") but map to different codes are an error naming both: silently letting the later
    one win once turned every White British member of staff into minority ethnic.
    """
    if not isinstance(labels, dict):
        return [(str(labels), "ethnicity_labels must map the council's labels to ethnicity codes, such as "
                              "{\"White - British\": white_british}.")]
    out = []
    seen: dict[str, tuple[str, object]] = {}
    for label, code in labels.items():
        if not isinstance(label, str) or not normalise(label):
            out.append((str(label), "each label in ethnicity_labels must be text with at least one letter or digit."))
            continue
        if not isinstance(code, str) or code not in ETHNICITY_CODES:
            near = difflib.get_close_matches(str(code), ETHNICITY_CODES, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            out.append((str(code), f"ethnicity_labels maps '{label}' to '{code}', which is not an ethnicity "
                                   f"code{hint}; map it to a code such as white_british or not_stated."))
        key = normalise(label)
        if key in seen and seen[key][1] != code:
            first, first_code = seen[key]
            out.append((label, f"ethnicity_labels has '{first}' (-> {first_code}) and '{label}' (-> {code}), which "
                               "are the same label once case, spaces and punctuation are ignored; keep one of "
                               "them, mapped to the right code."))
        seen.setdefault(key, (label, code))
    return out
