"""A seeded generator for the illustrative returns shipped with the workbook.

The three example councils (Norfolk, Leeds, Bexley) are sized on their
published facts (see README) but every count is simulated: staff are drawn one
by one with probabilities that differ by ethnic group roughly as the national
SC-WRES figures do, then counted into the return's tables. Every period is
marked ``illustrative: true`` so every report page says so. Run
``python -m scwres data`` (``make data``) to re-create ``data/raw`` and ``params``
byte for byte.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .. import paths
from ..schema import DETAILED_CODES, SERVICES, TABLES

PERIODS = ("2022", "2023", "2024")
BANDS = ("under_25k", "25k_to_35k", "35k_to_50k", "50k_to_70k", "70k_plus")
BAND_LABELS = {
    "under_25k": "Under £25,000", "25k_to_35k": "£25,000 to £34,999", "35k_to_50k": "£35,000 to £49,999",
    "50k_to_70k": "£50,000 to £69,999", "70k_plus": "£70,000 and over",
}
BAND_WEIGHTS = np.array([0.22, 0.33, 0.27, 0.13, 0.05])
ME_BAND_TILT = np.array([1.30, 1.15, 0.95, 0.70, 0.45])  # minority ethnic staff sit lower (m1)

# Event probabilities for white staff and the minority ethnic multiplier (the "true" RL).
BASE_RATES = {
    "appointed": 0.30, "disciplinary": 0.015, "ftp": 0.012, "cpd": 0.35, "leavers": 0.12,
    "hba_public": 0.24, "hba_colleagues": 0.12, "hba_managers": 0.07, "respond": 0.45,
}
NATIONAL_RL = {
    "appointed": 0.52, "disciplinary": 1.37, "ftp": 1.5, "cpd": 1.0, "leavers": 1.21,
    "hba_public": 1.2, "hba_colleagues": 1.3, "hba_managers": 1.9, "senior": 0.8,
}

DETAILED_WHITE = ("white_british", "white_irish", "white_gypsy_traveller", "white_roma", "white_other")
DETAILED_ME = tuple(c for c, v in DETAILED_CODES.items() if v[1] == "minority_ethnic")
BROAD_WHITE = ("white",)
BROAD_ME = ("mixed", "asian", "black", "other")


@dataclass(frozen=True)
class Council:
    """What the generator needs to know about one example council."""

    slug: str
    name: str
    ons_code: str
    region: str
    staff: dict[str, int]  # period -> headcount (before noise)
    me_share: dict[str, float]  # period -> minority ethnic share of staff
    unknown_share: dict[str, float]
    white_weights: tuple[float, ...]
    me_weights: tuple[float, ...]
    population: int
    population_me_share: float
    broad_codes: bool = False
    adults_share: float = 0.6
    # period -> {rate name: multiplier on the national RL}, for year-to-year change
    drift: dict[str, dict[str, float]] = field(default_factory=dict)
    declared_offset: dict[str, float] = field(default_factory=dict)  # direct_employees vs headcount
    extra_params: dict[str, Any] = field(default_factory=dict)
    records_periods: tuple[str, ...] = ()  # periods shipped as record-level extracts instead of count tables


COUNCILS: tuple[Council, ...] = (
    Council(
        slug="norfolk", name="Norfolk County Council", ons_code="E10000020", region="East of England",
        staff={"2022": 4380, "2023": 4417, "2024": 4460},
        me_share={"2022": 0.085, "2023": 0.092, "2024": 0.10},
        unknown_share={"2022": 0.05, "2023": 0.045, "2024": 0.04},
        white_weights=(0.86, 0.01, 0.002, 0.003, 0.125),
        me_weights=(0.08, 0.06, 0.07, 0.04, 0.14, 0.03, 0.02, 0.04, 0.10, 0.25, 0.05, 0.02, 0.02, 0.08),
        population=916_000, population_me_share=0.046,
        drift={"2022": {"appointed": 0.85, "cpd": 1.1}, "2023": {"appointed": 1.0, "cpd": 1.15},
               "2024": {"appointed": 1.45, "cpd": 1.2, "hba_public": 1.3}},
        declared_offset={"2022": 0.0, "2023": 0.0, "2024": 0.0},
    ),
    Council(
        slug="leeds", name="Leeds City Council", ons_code="E08000035", region="Yorkshire and The Humber",
        staff={"2022": 5600, "2023": 5750, "2024": 5820},
        me_share={"2022": 0.24, "2023": 0.25, "2024": 0.26},
        unknown_share={"2022": 0.06, "2023": 0.05, "2024": 0.05},
        white_weights=(0.88, 0.015, 0.005, 0.01, 0.09),
        me_weights=(0.08, 0.03, 0.04, 0.03, 0.10, 0.22, 0.02, 0.02, 0.06, 0.17, 0.12, 0.04, 0.02, 0.05),
        population=812_000, population_me_share=0.19,
        drift={"2022": {"disciplinary": 1.3, "senior": 0.8}, "2023": {"disciplinary": 1.1, "senior": 0.9},
               "2024": {"disciplinary": 0.75, "senior": 1.05, "leavers": 1.1}},
        declared_offset={"2022": 0.0, "2023": 0.035, "2024": 0.0},
        extra_params={"group_label": "Black, Asian and minority ethnic",
                      "ethnicity_labels": {"Prefer not to say": "not_stated"}},
        records_periods=("2024",),
    ),
    Council(
        slug="bexley", name="London Borough of Bexley", ons_code="E09000004", region="London",
        staff={"2022": 425, "2023": 418, "2024": 410},
        me_share={"2022": 0.33, "2023": 0.35, "2024": 0.36},
        unknown_share={"2022": 0.12, "2023": 0.06, "2024": 0.05},
        white_weights=(1.0,),
        me_weights=(0.12, 0.15, 0.63, 0.10),
        population=246_000, population_me_share=0.28, broad_codes=True, adults_share=0.55,
        drift={"2022": {"senior": 0.5}, "2023": {"senior": 0.6}, "2024": {"senior": 0.8}},
        declared_offset={"2022": 0.0, "2023": 0.0, "2024": 0.0},
        extra_params={"group_label": "Global Majority", "leaver_base": "snapshot_plus_leavers"},
    ),
)


REGIONS = ("North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
           "East of England", "London", "South East", "South West")


def random_council(number: int, seed: int = 0, periods: tuple[str, ...] = PERIODS) -> Council:
    """A generated council with seeded random size, diversity and drift, for scale tests.

    Uses the same simulation as the shipped examples, so a thousand generated
    councils behave like real returns (and like each other) without anyone
    having to invent their numbers. Named "Synthetic council NNN" so nobody
    mistakes one for a real council; every period is marked illustrative.
    """
    rng = np.random.default_rng(seed_for("synthetic", str(seed), str(number)))
    size = int(np.clip(rng.lognormal(np.log(1500), 0.9), 120, 12000))
    me = float(rng.uniform(0.03, 0.45))
    unknown = float(rng.uniform(0.02, 0.12))
    staff, me_share, unknown_share, drift = {}, {}, {}, {}
    for i, period in enumerate(periods):
        staff[period] = int(size * (1 + 0.01 * i))
        me_share[period] = min(0.9, me * (1 + 0.03 * i))
        unknown_share[period] = unknown
        drift[period] = {name: float(rng.lognormal(0, 0.25)) for name in NATIONAL_RL}
    return Council(
        slug=f"synthetic-{number:03d}", name=f"Synthetic council {number:03d}", ons_code=f"E99{number:06d}",
        region=REGIONS[int(rng.integers(len(REGIONS)))], staff=staff, me_share=me_share,
        unknown_share=unknown_share, white_weights=tuple(rng.dirichlet(np.ones(len(DETAILED_WHITE)) * 0.5)),
        me_weights=tuple(rng.dirichlet(np.ones(len(DETAILED_ME)))),
        population=int(size * rng.uniform(80, 250)), population_me_share=float(me * rng.uniform(0.6, 1.1)),
        adults_share=float(rng.uniform(0.45, 0.7)), drift=drift,
        declared_offset={p: 0.0 for p in periods},
    )


def seed_for(*parts: str) -> int:
    """A stable seed from names, so each council and period has its own stream."""
    return int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:8], "little")


def codes(council: Council) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(white codes, minority ethnic codes) the council's HR system records."""
    return (BROAD_WHITE, BROAD_ME) if council.broad_codes else (DETAILED_WHITE, DETAILED_ME)


def _norm(weights: np.ndarray) -> np.ndarray:
    return weights / weights.sum()


def simulate_staff(council: Council, period: str, rng: np.random.Generator) -> pd.DataFrame:
    """One row per member of staff with service, ethnicity, band, flags and events."""
    n = int(rng.normal(council.staff[period], council.staff[period] * 0.005))
    white_codes, me_codes = codes(council)
    unknown, me = council.unknown_share[period], council.me_share[period]
    group = rng.choice(["white", "me", "unknown"], size=n, p=[(1 - unknown) * (1 - me), (1 - unknown) * me, unknown])
    ethnicity = np.empty(n, dtype=object)
    for name, pool, weights in (("white", white_codes, council.white_weights), ("me", me_codes, council.me_weights)):
        mask = group == name
        ethnicity[mask] = rng.choice(pool, size=mask.sum(), p=_norm(np.array(weights)))
    ethnicity[group == "unknown"] = "not_stated"
    service = rng.choice(SERVICES, size=n, p=[council.adults_share, 1 - council.adults_share])
    is_me = group == "me"
    band_idx = np.where(is_me, rng.choice(5, size=n, p=_norm(BAND_WEIGHTS * ME_BAND_TILT)),
                        rng.choice(5, size=n, p=BAND_WEIGHTS))
    drift = council.drift.get(period, {})

    def rl(name: str) -> float:
        return NATIONAL_RL.get(name, 1.0) * drift.get(name, 1.0) * float(rng.lognormal(0, 0.08))

    def draw(name: str, base: np.ndarray | float, eligible: np.ndarray | None = None) -> np.ndarray:
        p = np.where(is_me, np.minimum(base * rl(name), 0.95), base)
        hit = rng.random(n) < p
        return hit if eligible is None else hit & eligible

    senior_p = np.array([0, 0, 0.004, 0.06, 0.45])[band_idx]
    senior = draw("senior", senior_p)
    regulated = rng.random(n) < np.array([0.03, 0.15, 0.55, 0.5, 0.25])[band_idx]
    respond = rng.random(n) < np.where(is_me, BASE_RATES["respond"] * 0.9, BASE_RATES["respond"])
    frame = pd.DataFrame({
        "service": service, "ethnicity": ethnicity, "pay_band": np.array(BANDS)[band_idx],
        "senior_manager": np.where(senior, "yes", "no"), "regulated": np.where(regulated, "yes", "no"),
        "disciplinary": draw("disciplinary", BASE_RATES["disciplinary"]),
        "ftp": draw("ftp", BASE_RATES["ftp"], regulated),
        "cpd": draw("cpd", BASE_RATES["cpd"]),
        "leavers": draw("leavers", BASE_RATES["leavers"]),
        "respondents": respond,
        "hba_public": draw("hba_public", BASE_RATES["hba_public"], respond),
        "hba_colleagues": draw("hba_colleagues", BASE_RATES["hba_colleagues"], respond),
        "hba_managers": draw("hba_managers", BASE_RATES["hba_managers"], respond),
    })
    return frame


def simulate_recruitment(council: Council, period: str, staff: pd.DataFrame,
                         rng: np.random.Generator) -> pd.DataFrame:
    """Shortlisted candidates (more diverse than the workforce) and who was appointed."""
    rows = []
    drift = council.drift.get(period, {}).get("appointed", 1.0)
    me_rl = NATIONAL_RL["appointed"] * drift * float(rng.lognormal(0, 0.06))
    white_codes, me_codes = codes(council)
    me_share = min(0.85, council.me_share[period] * 1.7)
    for service in SERVICES:
        size = int((staff["service"] == service).sum() * 0.45)
        unknown = council.unknown_share[period] * 0.6
        pool = list(white_codes) + list(me_codes) + ["not_stated"]
        p = np.concatenate([_norm(np.array(council.white_weights)) * (1 - unknown) * (1 - me_share),
                            _norm(np.array(council.me_weights)) * (1 - unknown) * me_share, [unknown]])
        shortlisted = rng.multinomial(size, p)
        for code, short in zip(pool, shortlisted, strict=True):
            rate = BASE_RATES["appointed"] * (me_rl if code in me_codes else 1.0)
            rows.append({"service": service, "ethnicity": code, "shortlisted": int(short),
                         "appointed": int(rng.binomial(short, min(rate, 0.95)))})
    return pd.DataFrame(rows)


def tables_from_staff(council: Council, staff: pd.DataFrame, recruitment: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Count simulated staff into the return's tables, in the schema's column order."""
    keys = list(TABLES["workforce"].keys)
    workforce = staff.groupby(keys).size().rename("headcount").reset_index()
    flows = staff.groupby(["service", "ethnicity"])[
        ["disciplinary", "ftp", "cpd", "leavers", "respondents", "hba_public", "hba_colleagues", "hba_managers"]
    ].sum().astype(int).reset_index()
    out = {
        "workforce": workforce,
        "recruitment": recruitment[recruitment["shortlisted"] > 0],
        "events": flows[list(TABLES["events"].columns)],
        "survey": flows[list(TABLES["survey"].columns)],
    }
    return {k: v.sort_values(list(TABLES[k].keys)).reset_index(drop=True) for k, v in out.items()}


def yes_no(flags: pd.Series | np.ndarray) -> np.ndarray:
    return np.where(np.asarray(flags, dtype=bool), "yes", "no")


def records_from_staff(council: Council, period: str, staff: pd.DataFrame,
                       recruitment: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The same simulated people as record-level extracts that count back to exactly ``tables_from_staff``.

    Every simulated member of staff is an ``in_post`` row; each one the simulation marks as a leaver
    also gives a ``left`` row (same service, band, flags and ethnicity, no events), so headcount,
    leavers and events count as before. Applicants are the recruitment table row by row, responses
    the respondents. To show the labels an HR system writes, staff.csv carries the ONS 2021 category
    names and the survey writes not_stated as "Prefer not to say" (mapped in params); applicants.csv
    uses the codes. Rows are shuffled, as an extract would be, from a stream of their own, so the
    counts are untouched.
    """
    rng = np.random.default_rng(seed_for(council.slug, period, "records"))
    ons = {code: label for code, (label, _, _) in DETAILED_CODES.items()}
    ons.update({"white": "White", "mixed": "Mixed or Multiple ethnic groups", "other": "Other ethnic group",
                "asian": "Asian, Asian British or Asian Welsh",
                "black": "Black, Black British, Black Welsh, Caribbean or African"})
    common = {"service": staff["service"].to_numpy(), "pay_band": staff["pay_band"].to_numpy(),
              "senior_manager": staff["senior_manager"].to_numpy(), "regulated": staff["regulated"].to_numpy(),
              "ethnicity": staff["ethnicity"].map(ons).to_numpy()}
    in_post = pd.DataFrame({**common, "status": "in_post", "disciplinary": yes_no(staff["disciplinary"]),
                            "ftp": yes_no(staff["ftp"]), "cpd": yes_no(staff["cpd"])})
    left = pd.DataFrame({**common, "status": "left", "disciplinary": "no", "ftp": "no", "cpd": "no"})
    left = left[staff["leavers"].to_numpy()]
    people = pd.concat([in_post, left], ignore_index=True)
    people = people.iloc[rng.permutation(len(people))].reset_index(drop=True)
    people.insert(0, "staff_id", [f"S{n:06d}" for n in rng.permutation(len(people)) + 1])
    rows = recruitment.loc[recruitment.index.repeat(recruitment["shortlisted"])].copy()
    rows["appointed"] = rows.groupby(level=0).cumcount() < rows["appointed"]
    applicants = pd.DataFrame({"service": rows["service"].to_numpy(), "ethnicity": rows["ethnicity"].to_numpy(),
                               "appointed": yes_no(rows["appointed"])})
    applicants = applicants.iloc[rng.permutation(len(applicants))].reset_index(drop=True)
    applicants.insert(0, "applicant_id", [f"A{n:06d}" for n in range(1, len(applicants) + 1)])
    answered = staff[staff["respondents"].to_numpy(dtype=bool)]
    responses = pd.DataFrame({
        "service": answered["service"].to_numpy(),
        "ethnicity": answered["ethnicity"].replace({"not_stated": "Prefer not to say"}).to_numpy(),
        **{c: yes_no(answered[c]) for c in ("hba_public", "hba_colleagues", "hba_managers")}})
    responses = responses.iloc[rng.permutation(len(responses))].reset_index(drop=True)
    responses.insert(0, "response_id", [f"R{n:06d}" for n in range(1, len(responses) + 1)])
    return {"staff": people, "applicants": applicants, "survey_responses": responses}


def population_table(council: Council) -> pd.DataFrame:
    """Illustrative census counts for the council area (not the real census figures)."""
    white_codes, me_codes = codes(council)
    me = council.population * council.population_me_share
    white = council.population - me - council.population * 0.01
    counts = np.concatenate([_norm(np.array(council.white_weights)) * white,
                             _norm(np.array(council.me_weights)) * me, [council.population * 0.01]])
    return pd.DataFrame({"ethnicity": [*white_codes, *me_codes, "not_stated"],
                         "population": np.round(counts).astype(int)})


def period_params(council: Council, period: str, headcount: int) -> dict[str, Any]:
    year = int(period)
    declared = int(round(headcount * (1 + council.declared_offset.get(period, 0.0))))
    return {
        "snapshot_date": dt.date(year, 9, 30), "window_start": dt.date(year - 1, 10, 1),
        "window_end": dt.date(year, 9, 30), "direct_employees": declared,
        "sources": ["HR system (illustrative)", f"Staff survey {year} (illustrative)"],
        "illustrative": True,
    }


def council_params(council: Council, headcounts: dict[str, int]) -> dict[str, Any]:
    """The params file in the exact shape of docs/params.md."""
    params: dict[str, Any] = {
        "name": council.name, "ons_code": council.ons_code, "region": council.region,
        "people": {
            "sponsors": ["Executive Director of Adult Social Services", "Executive Director of Children's Services"],
            "programme_lead": "Equality, Diversity and Inclusion Lead",
            "staff_voice_lead": "Chair of the Race Equality Staff Network",
            "principal_social_workers": ["Principal Social Worker (Adults)", "Principal Social Worker (Children)"],
        },
        "pay_bands": list(BANDS), "pay_band_labels": dict(BAND_LABELS),
        "senior_manager_definition": "Heads of service, assistant directors and directors",
        **council.extra_params,
        "periods": {p: period_params(council, p, headcounts[p]) for p in headcounts},
    }
    return params


def generate(raw_dir: Path, params_dir: Path, councils: tuple[Council, ...] = COUNCILS,
             periods: tuple[str, ...] = PERIODS, records: bool = True) -> list[Path]:
    """Write every council's returns and params file; return the files written, in order.

    ``records=False`` writes every period as count tables, even those a council ships as records (the
    test that both forms give identical metrics compares the two).
    """
    params_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for council in councils:
        headcounts = {}
        for period in periods:
            rng = np.random.default_rng(seed_for(council.slug, period))
            staff = simulate_staff(council, period, rng)
            recruitment = simulate_recruitment(council, period, staff, rng)
            tables = tables_from_staff(council, staff, recruitment)
            files = dict(tables)
            if records and period in council.records_periods:
                files = records_from_staff(council, period, staff, recruitment)
            files["population"] = population_table(council)
            folder = raw_dir / council.slug / period
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.glob("*.csv"):
                old.unlink()
            for name, frame in files.items():
                frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
                written.append(folder / f"{name}.csv")
            headcounts[period] = int(tables["workforce"]["headcount"].sum())
        text = "# Illustrative params written by `python -m scwres data` (make data): not real council data.\n"
        text += yaml.safe_dump(council_params(council, headcounts), sort_keys=False, allow_unicode=True, width=100)
        (params_dir / f"{council.slug}.yml").write_text(text, encoding="utf-8")
        written.append(params_dir / f"{council.slug}.yml")
    return written


def written_summary(written: list[Path]) -> str:
    """What ``make data`` wrote, one line per folder: a person sees which files changed under them."""
    folders: dict[Path, list[str]] = {}
    for path in written:
        folders.setdefault(path.parent, []).append(path.name)
    lines = [f"Wrote {len(written)} files of illustrative data (generated, not any council's real data):"]
    for folder, names in folders.items():
        shown = folder.relative_to(paths.ROOT) if folder.is_relative_to(paths.ROOT) else folder
        lines.append(f"  {shown}/: {', '.join(names)}")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres data`` (``make data``)."""
    parser.add_argument("--raw-dir", type=Path, default=paths.RAW_DIR)
    parser.add_argument("--params-dir", type=Path, default=paths.PARAMS_DIR)


def command(args: argparse.Namespace) -> int:
    """Re-create every illustrative return and params file, and say which."""
    print(written_summary(generate(args.raw_dir, args.params_dir)))
    return 0
