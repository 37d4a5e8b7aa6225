"""The shape of a return: tables, columns, keys, codes and upper bounds.

This is the single source that loading, validation, the blank-template writer
and the metrics all read, so the contract in ``docs/data-return.md`` lives in one
place and the parts cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SERVICES: tuple[str, ...] = ("adults", "children")
ALL_SERVICES: tuple[str, ...] = ("adults", "children", "all")
YES_NO: tuple[str, ...] = ("yes", "no")

# ONS 2021 Census categories (England): code -> (census label, default group, broad group)
DETAILED_CODES: dict[str, tuple[str, str, str]] = {
    "white_british": ("White: English, Welsh, Scottish, Northern Irish or British", "white", "white"),
    "white_irish": ("White: Irish", "white", "white_minorities"),
    "white_gypsy_traveller": ("White: Gypsy or Irish Traveller", "white", "white_minorities"),
    "white_roma": ("White: Roma", "white", "white_minorities"),
    "white_other": ("White: Any other White background", "white", "white_minorities"),
    "mixed_white_black_caribbean": ("Mixed: White and Black Caribbean", "minority_ethnic", "mixed"),
    "mixed_white_black_african": ("Mixed: White and Black African", "minority_ethnic", "mixed"),
    "mixed_white_asian": ("Mixed: White and Asian", "minority_ethnic", "mixed"),
    "mixed_other": ("Mixed: Any other Mixed or multiple background", "minority_ethnic", "mixed"),
    "asian_indian": ("Asian: Indian", "minority_ethnic", "asian"),
    "asian_pakistani": ("Asian: Pakistani", "minority_ethnic", "asian"),
    "asian_bangladeshi": ("Asian: Bangladeshi", "minority_ethnic", "asian"),
    "asian_chinese": ("Asian: Chinese", "minority_ethnic", "asian"),
    "asian_other": ("Asian: Any other Asian background", "minority_ethnic", "asian"),
    "black_african": ("Black: African", "minority_ethnic", "black"),
    "black_caribbean": ("Black: Caribbean", "minority_ethnic", "black"),
    "black_other": (
        "Black: Any other Black, Black British or Caribbean background",
        "minority_ethnic",
        "black",
    ),
    "other_arab": ("Other: Arab", "minority_ethnic", "other"),
    "other_any": ("Other: Any other ethnic group", "minority_ethnic", "other"),
    "not_stated": ("Not stated, prefer not to say, or not recorded", "unknown", "unknown"),
}

# The five broad groups a council may use instead (plus not_stated).
BROAD_CODES: dict[str, tuple[str, str, str]] = {
    "white": ("White", "white", "white"),
    "mixed": ("Mixed or multiple ethnic groups", "minority_ethnic", "mixed"),
    "asian": ("Asian or Asian British", "minority_ethnic", "asian"),
    "black": ("Black, Black British, Caribbean or African", "minority_ethnic", "black"),
    "other": ("Other ethnic group", "minority_ethnic", "other"),
    "not_stated": DETAILED_CODES["not_stated"],
}

ETHNICITY_CODES: tuple[str, ...] = tuple(dict.fromkeys([*DETAILED_CODES, *BROAD_CODES]))
SUBGROUPS: tuple[str, ...] = ("asian", "black", "mixed", "other", "white_minorities")


def code_label(code: str) -> str:
    """Census wording for an ethnicity code, for readers."""
    return {**BROAD_CODES, **DETAILED_CODES}[code][0]


def ethnic_group(code: str, white_minorities_as_me: bool = False) -> str:
    """Map a code to ``white``, ``minority_ethnic`` or ``unknown`` (docs/methods.md, Groups)."""
    _, group, broad = {**BROAD_CODES, **DETAILED_CODES}[code]
    if white_minorities_as_me and broad == "white_minorities":
        return "minority_ethnic"
    return group


def subgroup(code: str, white_minorities_as_me: bool = False) -> str | None:
    """Broad minority ethnic sub-group of a code, or None when it is not minority ethnic."""
    if ethnic_group(code, white_minorities_as_me) != "minority_ethnic":
        return None
    return {**BROAD_CODES, **DETAILED_CODES}[code][2]


@dataclass(frozen=True)
class Bound:
    """An upper bound on a count: ``column`` must not exceed ``other_table.other_column``
    summed to the same key (``where`` selects rows of the other table first), plus this row's own
    ``plus`` column when it is set: people who left during the window can have had events too."""

    column: str
    other_table: str
    other_column: str
    where: tuple[tuple[str, str], ...] = ()
    description: str = ""
    plus: str | None = None


@dataclass(frozen=True)
class Table:
    """One table of a return: its columns in order, which are keys, which are counts."""

    name: str
    columns: tuple[str, ...]
    keys: tuple[str, ...]
    counts: tuple[str, ...]
    required: bool = True
    description: str = ""
    bounds: tuple[Bound, ...] = field(default_factory=tuple)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


TABLES: dict[str, Table] = {
    "workforce": Table(
        name="workforce",
        columns=("service", "pay_band", "senior_manager", "regulated", "ethnicity", "headcount"),
        keys=("service", "pay_band", "senior_manager", "regulated", "ethnicity"),
        counts=("headcount",),
        description="Headcount of directly employed staff at the snapshot date",
    ),
    "recruitment": Table(
        name="recruitment",
        columns=("service", "ethnicity", "shortlisted", "appointed"),
        keys=("service", "ethnicity"),
        counts=("shortlisted", "appointed"),
        description="Shortlisting and appointments in the last 12 months",
        bounds=(Bound("appointed", "recruitment", "shortlisted", description="shortlisted"),),
    ),
    "events": Table(
        name="events",
        columns=("service", "ethnicity", "disciplinary", "ftp", "cpd", "leavers"),
        keys=("service", "ethnicity"),
        counts=("disciplinary", "ftp", "cpd", "leavers"),
        description="Disciplinary, fitness to practise, CPD and leavers in the last 12 months",
        bounds=(
            Bound("disciplinary", "workforce", "headcount", description="headcount", plus="leavers"),
            Bound("ftp", "workforce", "headcount", (("regulated", "yes"),), "regulated headcount", plus="leavers"),
            Bound("cpd", "workforce", "headcount", description="headcount", plus="leavers"),
            Bound("leavers", "workforce", "headcount", description="headcount"),
        ),
    ),
    "survey": Table(
        name="survey",
        columns=("service", "ethnicity", "respondents", "hba_public", "hba_colleagues", "hba_managers"),
        keys=("service", "ethnicity"),
        counts=("respondents", "hba_public", "hba_colleagues", "hba_managers"),
        description="Staff survey: respondents and harassment, bullying or abuse in the last 12 months",
        bounds=(
            Bound("respondents", "workforce", "headcount", description="headcount"),
            Bound("hba_public", "survey", "respondents", description="respondents"),
            Bound("hba_colleagues", "survey", "respondents", description="respondents"),
            Bound("hba_managers", "survey", "respondents", description="respondents"),
        ),
    ),
    "population": Table(
        name="population",
        columns=("ethnicity", "population"),
        keys=("ethnicity",),
        counts=("population",),
        required=False,
        description="Census 2021 usual residents of the council area",
    ),
}

# Params file keys: name -> (required, type description)
PARAMS_KEYS: dict[str, bool] = {
    "name": True,
    "ons_code": True,
    "region": True,
    "people": True,
    "pay_bands": True,
    "pay_band_labels": False,
    "senior_manager_definition": True,
    "group_label": False,
    "white_minorities_as_minority_ethnic": False,
    "suppression_threshold": False,
    "unknown_share_warning": False,
    "leaver_base": False,
    "ethnicity_labels": False,
    "periods": True,
}
PEOPLE_KEYS: tuple[str, ...] = ("sponsors", "programme_lead", "staff_voice_lead", "principal_social_workers")
PERIOD_KEYS: dict[str, bool] = {
    "snapshot_date": True,
    "window_start": True,
    "window_end": True,
    "direct_employees": True,
    "sources": True,
    "illustrative": False,
}
PARAMS_DEFAULTS: dict[str, object] = {
    "group_label": "minority ethnic",
    "white_minorities_as_minority_ethnic": False,
    "suppression_threshold": 10,
    "unknown_share_warning": 0.10,
    "leaver_base": "snapshot",
    "pay_band_labels": {},
    "ethnicity_labels": {},
}
LEAVER_BASES: tuple[str, ...] = ("snapshot", "snapshot_plus_leavers")


@dataclass(frozen=True)
class RecordTable:
    """A record-level extract (one row per person, applicant or response) that is counted into count tables.

    ``flags`` are yes/no columns; ``codes`` are the other columns with a fixed list of values.
    """

    name: str
    columns: tuple[str, ...]
    id_column: str
    flags: tuple[str, ...]
    feeds: tuple[str, ...]  # the count tables it is counted into
    description: str = ""

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


STAFF_STATUSES: tuple[str, ...] = ("in_post", "left")
RECORD_TABLES: dict[str, RecordTable] = {
    "staff": RecordTable(
        name="staff",
        columns=("staff_id", "service", "pay_band", "senior_manager", "regulated", "ethnicity", "status",
                 "disciplinary", "ftp", "cpd"),
        id_column="staff_id", flags=("senior_manager", "regulated", "disciplinary", "ftp", "cpd"),
        feeds=("workforce", "events"),
        description="One row per member of staff in post at the snapshot date or who left during the window",
    ),
    "applicants": RecordTable(
        name="applicants", columns=("applicant_id", "service", "ethnicity", "appointed"),
        id_column="applicant_id", flags=("appointed",), feeds=("recruitment",),
        description="One row per shortlisted applicant in the window",
    ),
    "survey_responses": RecordTable(
        name="survey_responses",
        columns=("response_id", "service", "ethnicity", "hba_public", "hba_colleagues", "hba_managers"),
        id_column="response_id", flags=("hba_public", "hba_colleagues", "hba_managers"), feeds=("survey",),
        description="One row per staff survey response in the window",
    ),
}
