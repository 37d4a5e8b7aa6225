"""Council params: reading ``params/<la>.yml``, choosing a period, applying defaults.

Kept apart from the return loader because params change rarely and are read by
every stage (labels, pay bands, thresholds), while a return is per period.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from . import paths
from .problems import Problem, ReturnError, UnknownCouncilError, UnknownPeriodError
from .schema import LEAVER_BASES, PARAMS_DEFAULTS, PARAMS_KEYS, PEOPLE_KEYS, PERIOD_KEYS

LA_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,40}$")
PERIOD_PATTERN = re.compile(r"^[0-9]{4}$")


def list_councils(params_dir: Path | None = None) -> list[str]:
    """Slugs of every council that has a params file."""
    folder = params_dir or paths.PARAMS_DIR
    return sorted(p.stem for p in folder.glob("*.yml") if LA_PATTERN.match(p.stem))


def read_params_file(la: str, params_dir: Path | None = None) -> dict[str, Any]:
    """Parse the YAML as written (no defaults), refusing an unknown council plainly."""
    if not LA_PATTERN.match(la or ""):
        raise UnknownCouncilError(
            f"'{la}' is not a council name: use a lower-case slug such as norfolk. "
            f"Councils available: {', '.join(list_councils(params_dir)) or 'none'}."
        )
    path = paths.params_file(la, params_dir)
    if not path.exists():
        raise UnknownCouncilError(
            f"There is no council called '{la}' (no {path.name} in {path.parent}). "
            f"Councils available: {', '.join(list_councils(params_dir)) or 'none'}."
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ReturnError(
            [Problem("error", path.name, line, None, None, f"The params file cannot be read as YAML: {exc}")]
        ) from None
    if not isinstance(data, dict):
        raise ReturnError([Problem("error", path.name, None, None, None, "The params file must be a YAML mapping.")])
    return data


def check_params(data: dict[str, Any], filename: str) -> list[Problem]:
    """Missing, unknown or ill-typed keys in a params mapping."""
    out: list[Problem] = []

    def bad(key: str, value: object, message: str) -> None:
        out.append(Problem("error", filename, None, key, None if value is None else str(value), message))

    for key, required in PARAMS_KEYS.items():
        if required and key not in data:
            bad(key, None, f"The key '{key}' is missing; add it (see data-return.md for the shape).")
    for key in data:
        if key not in PARAMS_KEYS:
            bad(key, key, f"'{key}' is not a params key; check the spelling or remove it.")
    bands = data.get("pay_bands")
    if "pay_bands" in data and (not isinstance(bands, list) or not bands or len(set(map(str, bands))) != len(bands)):
        bad("pay_bands", bands, "pay_bands must be a list of distinct pay band codes, lowest first.")
    labels = data.get("pay_band_labels", {})
    if not isinstance(labels, dict):
        bad("pay_band_labels", labels, "pay_band_labels must map pay band codes to labels.")
    elif isinstance(bands, list):
        for code in labels:
            if code not in bands:
                bad("pay_band_labels", code, f"pay_band_labels names '{code}', which is not in pay_bands.")
    people = data.get("people")
    if "people" in data:
        if not isinstance(people, dict):
            bad("people", people, "people must be a mapping of roles (sponsors, programme_lead, ...).")
        else:
            for key in people:
                if key not in PEOPLE_KEYS:
                    bad(f"people.{key}", key, f"'{key}' is not a people key; use {', '.join(PEOPLE_KEYS)}.")
    threshold = data.get("suppression_threshold", 10)
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        bad("suppression_threshold", threshold, "suppression_threshold must be a whole number of at least 1.")
    share = data.get("unknown_share_warning", 0.1)
    if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 <= share <= 1:
        bad("unknown_share_warning", share, "unknown_share_warning must be a share between 0 and 1, e.g. 0.10.")
    if data.get("leaver_base", "snapshot") not in LEAVER_BASES:
        bad("leaver_base", data.get("leaver_base"), f"leaver_base must be one of {', '.join(LEAVER_BASES)}.")
    flag = data.get("white_minorities_as_minority_ethnic", False)
    if not isinstance(flag, bool):
        bad("white_minorities_as_minority_ethnic", flag, "white_minorities_as_minority_ethnic must be true or false.")
    periods = data.get("periods")
    if "periods" in data:
        if not isinstance(periods, dict) or not periods:
            bad("periods", periods, "periods must map each period (e.g. \"2023\") to its dates and sources.")
        else:
            for period, spec in periods.items():
                out.extend(_check_period(str(period), spec, filename))
    return out


def _check_period(period: str, spec: object, filename: str) -> list[Problem]:
    out: list[Problem] = []
    col = f"periods.{period}"
    if not PERIOD_PATTERN.match(period):
        out.append(Problem("error", filename, None, col, period, f"Period '{period}' must be a four-digit year."))
    if not isinstance(spec, dict):
        return out + [Problem("error", filename, None, col, None, "Each period needs its dates and sources.")]
    for key, required in PERIOD_KEYS.items():
        if required and key not in spec:
            out.append(Problem("error", filename, None, f"{col}.{key}", None, f"The key '{key}' is missing."))
    for key in spec:
        if key not in PERIOD_KEYS:
            out.append(
                Problem("error", filename, None, f"{col}.{key}", str(key), f"'{key}' is not a period key; remove it.")
            )
    for key in ("snapshot_date", "window_start", "window_end"):
        if key in spec and not isinstance(spec[key], dt.date):
            out.append(
                Problem("error", filename, None, f"{col}.{key}", str(spec[key]), f"{key} must be a date (yyyy-mm-dd).")
            )
    dates = [spec.get(k) for k in ("window_start", "window_end")]
    if all(isinstance(d, dt.date) for d in dates) and dates[0] > dates[1]:
        out.append(
            Problem("error", filename, None, f"{col}.window_start", str(dates[0]), "window_start is after window_end.")
        )
    employees = spec.get("direct_employees")
    if "direct_employees" in spec and (not isinstance(employees, int) or isinstance(employees, bool) or employees < 0):
        out.append(
            Problem(
                "error", filename, None, f"{col}.direct_employees", str(employees), "direct_employees must be a whole number."
            )
        )
    if "sources" in spec and not isinstance(spec["sources"], list):
        out.append(Problem("error", filename, None, f"{col}.sources", str(spec["sources"]), "sources must be a list."))
    if not isinstance(spec.get("illustrative", False), bool):
        out.append(
            Problem("error", filename, None, f"{col}.illustrative", str(spec["illustrative"]), "illustrative must be true or false.")
        )
    return out


def load_params(la: str, params_dir: Path | None = None) -> dict[str, Any]:
    """Params with defaults applied and periods keyed by string; raises on any problem."""
    data = read_params_file(la, params_dir)
    problems = check_params(data, paths.params_file(la, params_dir).name)
    if problems:
        raise ReturnError(problems)
    merged = {**PARAMS_DEFAULTS, **data}
    merged["la"] = la
    merged["pay_bands"] = [str(b) for b in merged["pay_bands"]]
    merged["periods"] = {str(k): v for k, v in data["periods"].items()}
    return merged


def period_list(params: dict[str, Any]) -> list[str]:
    """Periods in params, oldest first."""
    return sorted(params["periods"])


def resolve_period(params: dict[str, Any], period: str | int | None) -> str:
    """The period asked for, or the latest one when none is given."""
    periods = period_list(params)
    if period in (None, ""):
        return periods[-1]
    period = str(period)
    if period not in periods:
        raise UnknownPeriodError(
            f"{params['name']} has no period '{period}'. Periods available: {', '.join(periods)}."
        )
    return period


def previous_period(params: dict[str, Any], period: str) -> str | None:
    """The period before ``period`` in the workbook, used for trends."""
    earlier = [p for p in period_list(params) if p < str(period)]
    return earlier[-1] if earlier else None


def pay_band_label(params: dict[str, Any], band: str) -> str:
    return str(params.get("pay_band_labels", {}).get(band, band))
