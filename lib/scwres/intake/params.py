"""Council params: reading ``params/<la>.yml``, choosing a period, applying defaults.

Kept apart from the return loader because params change rarely and are read by
every stage (labels, pay bands, thresholds), while a return is per period.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from .. import paths, safe_yaml
from ..limits import MAX_COUNT, MAX_YAML_BYTES, TextRefused, read_text
from ..limits import shown as shown_value
from ..problems import Problem, ReturnError, UnknownCouncilError, UnknownPeriodError
from ..schema import LEAVER_BASES, PARAMS_DEFAULTS, PARAMS_KEYS, PEOPLE_KEYS, PERIOD_KEYS
from .ethnicity_labels import check_council_labels, normalise

LA_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,40}$")
PERIOD_PATTERN = re.compile(r"^[0-9]{4}$")
MAX_PAY_BANDS = 200  # real councils have 5 to 20; disclosure control's work grows with the square of this
MAX_PERIODS = 100


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
    shown = params_display_name(la)
    try:
        data = safe_yaml.load(read_params_text(path, shown))
    except safe_yaml.LimitError as exc:
        mark = exc.problem_mark
        raise ReturnError([Problem("error", shown, mark.line + 1 if mark else None, None, None,
                                   f"The params file cannot be used: {exc.problem}.")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or type(exc).__name__
        raise ReturnError(
            [Problem("error", shown, line, None, None,
                     f"The params file cannot be read as YAML ({reason}); check the indentation and quotes "
                     "near this line, and save it as UTF-8.")]
        ) from None
    if not isinstance(data, dict):
        raise ReturnError([Problem("error", shown, None, None, None,
                                   "The params file must be a YAML mapping of keys such as name: and periods:.")])
    return data


def read_params_text(path: Path, shown: str) -> str:
    """The params file as text, refused plainly when it is a folder, too large or not UTF-8."""
    try:
        return read_text(path, MAX_YAML_BYTES)
    except TextRefused as exc:
        raise ReturnError([Problem("error", shown, exc.line, None, None, exc.message)]) from None


def params_display_name(la: str) -> str:
    """How problems name a params file: ``params/<la>.yml``, as the council sees it in the repository."""
    return f"params/{la}.yml"


def key_lines(text: str) -> dict[str, int]:
    """Line of every key in a YAML mapping, by dotted path (``periods.2023.snapshot_date``).

    Lets a params problem point at the line to change; unparseable text gives {}.
    """
    try:
        root = safe_yaml.compose(text)
    except yaml.YAMLError:
        return {}
    out: dict[str, int] = {}

    def walk(node: yaml.Node, prefix: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                path = f"{prefix}{key.value}"
                out.setdefault(path, key.start_mark.line + 1)
                walk(value, path + ".")

    if root is not None:
        walk(root, "")
    return out


def locate(problems: list[Problem], lines: dict[str, int]) -> list[Problem]:
    """Give each params problem the line of its key (or of the nearest enclosing key)."""
    out = []
    for problem in problems:
        key, line = problem.column or "", None
        while key and line is None:
            line = lines.get(key)
            key = key.rpartition(".")[0]
        out.append(replace(problem, line=line) if problem.line is None and line is not None else problem)
    return out


def label_clashes(labels: dict[Any, Any]) -> list[tuple[str, str, str]]:
    """(first band, later band, later label) for pay band labels that read alike (``normalise``), which
    ``load.band_codes`` could not tell apart: the later one used to win silently."""
    seen: dict[str, str] = {}
    out = []
    for code, label in labels.items():
        key = normalise(label)
        if key and key in seen:
            out.append((seen[key], str(code), str(label)))
        seen.setdefault(key, str(code))
    return out


def check_params(data: dict[str, Any], filename: str) -> list[Problem]:
    """Missing, unknown or ill-typed keys in a params mapping."""
    out: list[Problem] = []

    def bad(key: object, value: object, message: str) -> None:
        out.append(Problem("error", filename, None, str(key), None if value is None else shown_value(value), message))

    for key, required in PARAMS_KEYS.items():
        if required and key not in data:
            bad(key, None, f"The key '{key}' is missing; add it (see docs/params.md for the shape).")
    for key in data:
        if key not in PARAMS_KEYS:
            bad(key, key, f"'{key}' is not a params key; check the spelling or remove it.")
    for key in ("name", "ons_code", "region", "senior_manager_definition", "group_label"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            bad(key, data[key], f"{key} must be text, such as the examples in docs/params.md.")
    bands = data.get("pay_bands")
    if "pay_bands" in data and (not isinstance(bands, list) or not bands or len(set(map(str, bands))) != len(bands)):
        bad("pay_bands", bands, "pay_bands must be a list of distinct pay band codes, lowest first.")
    elif isinstance(bands, list) and len(bands) > MAX_PAY_BANDS:  # every band multiplies what a report must check
        bad("pay_bands", f"{len(bands)} bands", f"pay_bands lists {len(bands):,} bands; a council has at most "
                                                f"{MAX_PAY_BANDS} (group finer grades into bands).")
    labels = data.get("pay_band_labels", {})
    if not isinstance(labels, dict):
        bad("pay_band_labels", labels, "pay_band_labels must map pay band codes to labels.")
    elif isinstance(bands, list):
        for code in labels:
            if code not in bands:
                bad("pay_band_labels", code, f"pay_band_labels names '{code}', which is not in pay_bands.")
        for first, code, label in label_clashes(labels):
            bad("pay_band_labels", label, f"pay_band_labels gives '{first}' and '{code}' the same label "
                                          f"('{labels[first]}' and '{label}' read alike once case, spaces and "
                                          "punctuation are ignored), so a row with that label could be either "
                                          "band; give each band its own label.")
    people = data.get("people")
    if "people" in data:
        if not isinstance(people, dict):
            bad("people", people, "people must be a mapping of roles (sponsors, programme_lead, ...).")
        else:
            for key in people:
                if key not in PEOPLE_KEYS:
                    bad(f"people.{key}", key, f"'{key}' is not a people key; use {', '.join(PEOPLE_KEYS)}.")
            for key in PEOPLE_KEYS:
                value = people.get(key)
                if key not in people:
                    bad(f"people.{key}", None, f"The key 'people.{key}' is missing; add the role (not a name).")
                elif not (isinstance(value, str) or (isinstance(value, list)
                                                     and all(isinstance(v, str) for v in value))):
                    bad(f"people.{key}", value, f"people.{key} must be a role, or a list of roles, as text.")
    threshold = data.get("suppression_threshold", PARAMS_DEFAULTS["suppression_threshold"])
    if not isinstance(threshold, int) or isinstance(threshold, bool) or not 1 <= threshold <= MAX_COUNT:
        bad("suppression_threshold", threshold, "suppression_threshold must be a whole number of at least 1.")
    share = data.get("unknown_share_warning", 0.1)
    if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 <= share <= 1:
        bad("unknown_share_warning", share, "unknown_share_warning must be a share between 0 and 1, e.g. 0.10.")
    if data.get("leaver_base", "snapshot") not in LEAVER_BASES:
        bad("leaver_base", data.get("leaver_base"), f"leaver_base must be one of {', '.join(LEAVER_BASES)}.")
    for value, sentence in check_council_labels(data.get("ethnicity_labels", {})):
        bad("ethnicity_labels", value, sentence)
    flag = data.get("white_minorities_as_minority_ethnic", False)
    if not isinstance(flag, bool):
        bad("white_minorities_as_minority_ethnic", flag, "white_minorities_as_minority_ethnic must be true or false.")
    periods = data.get("periods")
    if "periods" in data:
        if not isinstance(periods, dict) or not periods:
            bad("periods", periods, "periods must map each period (e.g. \"2023\") to its dates and sources.")
        elif len(periods) > MAX_PERIODS:
            bad("periods", f"{len(periods)} periods", f"periods lists {len(periods):,} periods; at most {MAX_PERIODS} "
                                                      "(one a year) can be reported on.")
        else:
            for period, spec in periods.items():
                out.extend(_check_period(str(period), spec, filename))
    return out


def _check_period(period: str, spec: object, filename: str) -> list[Problem]:
    """One entry under ``periods:``: keys exactly, real dates in order, whole direct_employees."""
    out: list[Problem] = []
    col = f"periods.{period}"

    def bad(key: str, value: object, message: str) -> None:
        out.append(Problem("error", filename, None, f"{col}.{key}" if key else col,
                           None if value is None else shown_value(value), message))

    if not PERIOD_PATTERN.match(period):
        bad("", period, f"Period '{period}' must be a four-digit year in quotes, such as \"2023\".")
    if not isinstance(spec, dict):
        bad("", None, "Each period needs snapshot_date, window_start, window_end, direct_employees and sources.")
        return out
    for key, required in PERIOD_KEYS.items():
        if required and key not in spec:
            bad(key, None, f"The key '{key}' is missing from period {period}; add it.")
    for key in spec:
        if key not in PERIOD_KEYS:
            bad(str(key), key, f"'{key}' is not a period key; check the spelling or remove it "
                               f"(keys are {', '.join(PERIOD_KEYS)}).")
    for key in ("snapshot_date", "window_start", "window_end"):
        if key in spec and not _is_day(spec[key]):
            bad(key, spec[key], f"{key} must be a date written yyyy-mm-dd, such as 2023-09-30.")
    # Only days are compared: a timestamp (2023-10-01 10:00) is reported above, and comparing it
    # with a day would raise TypeError.
    start, end, snap = (spec.get(k) if _is_day(spec.get(k)) else None
                        for k in ("window_start", "window_end", "snapshot_date"))
    if start is not None and end is not None and start >= end:
        bad("window_start", start, f"window_start ({start}) must be before window_end ({end}); swap or correct them.")
    if start is not None and snap is not None and snap < start:
        bad("snapshot_date", snap, f"snapshot_date ({snap}) is before window_start ({start}); the snapshot is "
                                   "taken at the end of the 12-month window.")
    employees = spec.get("direct_employees")
    if "direct_employees" in spec and (not isinstance(employees, int) or isinstance(employees, bool)
                                       or not 0 <= employees <= MAX_COUNT):
        bad("direct_employees", employees, "direct_employees must be a whole number of staff, such as 4417.")
    sources = spec.get("sources")
    if "sources" in spec and (not isinstance(sources, list) or not all(isinstance(x, str) for x in sources)):
        bad("sources", sources, "sources must be a list of the data sources, such as [HR system, Staff survey 2023].")
    if not isinstance(spec.get("illustrative", False), bool):
        bad("illustrative", spec.get("illustrative"), "illustrative must be true or false.")
    return out


def _is_day(value: object) -> bool:
    """A calendar day (``datetime.date``), not a timestamp (``datetime`` is a subclass of ``date``)."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def check_period_folders(la: str, params: dict[str, Any], raw_dir: Path | None = None) -> list[Problem]:
    """Periods that the returns on disk and params disagree on, both ways.

    Only period folders (and ``<period>.xlsx`` workbooks) count: other files
    beside them, such as the council's ``action_plan.csv``, are not returns.
    """
    folder = (raw_dir or paths.RAW_DIR) / la
    listed = {str(p) for p in params.get("periods", {})}
    on_disk: set[str] = set()
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.is_dir() and PERIOD_PATTERN.match(entry.name):
                on_disk.add(entry.name)
            elif entry.is_file() and entry.suffix == ".xlsx" and PERIOD_PATTERN.match(entry.stem):
                on_disk.add(entry.stem)
    shown = params_display_name(la)
    out = [Problem("error", shown, None, "periods", period,
                   f"There is a return for {period} (data/raw/{la}/{period}) but {shown} does not list period "
                   f"{period}; add it under periods: or move the folder out of data/raw/{la}/.")
           for period in sorted(on_disk - listed)]
    # A period listed before its data arrive is normal mid-cycle: a warning, so the council's other
    # periods still build; building that period itself fails on its missing return.
    out += [Problem("warning", shown, None, f"periods.{period}", period,
                    f"{shown} lists period {period} but there is no return in data/raw/{la}/{period} yet; that "
                    f"period cannot be built until its return is added.")
            for period in sorted(listed - on_disk)]
    return out


def load_params(la: str, params_dir: Path | None = None) -> dict[str, Any]:
    """Params with defaults applied and periods keyed by string; raises on any problem."""
    data = read_params_file(la, params_dir)
    path = paths.params_file(la, params_dir)
    problems = check_params(data, params_display_name(la))
    if problems:
        raise ReturnError(locate(problems, key_lines(read_params_text(path, params_display_name(la)))))
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
