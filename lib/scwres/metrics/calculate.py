"""The nine SC-WRES metrics, computed exactly as docs/methods.md defines them.

Where each metric's events and base come from is the catalogue's (``catalogue.METRICS``); this
module only adds them up by group and turns them into rates, ratios and intervals.

Input: the typed tables of one return and the council's params. Output: the
metrics table (one row per service, metric and breakdown) whose columns are
the pipeline's contract. ``all`` is always computed from summed counts.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..catalogue import METRICS, RL_METRICS, Count, Metric, adds_leavers
from ..schema import SUBGROUPS, ethnic_group
from ..schema import subgroup as subgroup_of
from .stats import RelativeLikelihood, assess, p_value, relative_likelihood, trend, wilson

COLUMNS = [
    "la", "period", "service", "metric", "breakdown",
    "events_me", "base_me", "events_white", "base_white",
    "rate_me", "rate_white", "value", "ci_low", "ci_high",
    "assessment", "trend", "p_value", "suppressed",
]
SERVICE_ROWS = ("adults", "children", "all")


def counted(count: Count, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """A catalogue count as a (service, ethnicity, n) frame, filtered on its ``where``."""
    frame = tables[count.table]
    for key, value in count.where:
        frame = frame[frame[key] == value]
    return frame[["service", "ethnicity"]].assign(n=frame[count.column].to_numpy())


def events_frame(metric: Metric, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The metric's events as a (service, ethnicity, n) frame."""
    return counted(metric.events, tables)


def base_frame(metric: Metric, tables: dict[str, pd.DataFrame], params: dict[str, Any]) -> pd.DataFrame:
    """The base's counts stacked (the leaver base may add the leavers: ``Metric.base_counts``)."""
    parts = [counted(c, tables) for c in metric.base_counts(adds_leavers(params))]
    return parts[0] if len(parts) == 1 else pd.concat(parts)


def group_totals(frame: pd.DataFrame, service: str, white_minorities_as_me: bool) -> dict[str, int]:
    """Sum ``n`` for one service (or both for ``all``) by group and by sub-group.

    Keys: ``me``, ``white``, ``unknown`` and ``subgroup:<name>``.
    """
    if service != "all":
        frame = frame[frame["service"] == service]
    return _totals(frame.groupby("ethnicity")["n"].sum().items(), white_minorities_as_me)


def _totals(counts, white_minorities_as_me: bool) -> dict[str, int]:
    """``group_totals`` from (ethnicity code, count) pairs."""
    out = {"me": 0, "white": 0, "unknown": 0, **{f"subgroup:{s}": 0 for s in SUBGROUPS}}
    for code, n in counts:
        group = ethnic_group(code, white_minorities_as_me)
        out[{"minority_ethnic": "me", "white": "white", "unknown": "unknown"}[group]] += int(n)
        sub = subgroup_of(code, white_minorities_as_me)
        if sub:
            out[f"subgroup:{sub}"] += int(n)
    return out


def subgroups_in_use(params: dict[str, Any]) -> tuple[str, ...]:
    """White minorities are a sub-group only when they are counted as minority ethnic."""
    if params.get("white_minorities_as_minority_ethnic"):
        return SUBGROUPS
    return tuple(s for s in SUBGROUPS if s != "white_minorities")


def _rate(events: int, base: int) -> float | None:
    return events / base if base > 0 else None


def _rl_row(service: str, metric: str, breakdown: str, a: int, n1: int, c: int, n2: int) -> dict[str, Any]:
    rl = relative_likelihood(a, n1, c, n2)
    return {
        "service": service, "metric": metric, "breakdown": breakdown,
        "events_me": a, "base_me": n1, "events_white": c, "base_white": n2,
        "rate_me": _rate(a, n1), "rate_white": _rate(c, n2),
        "value": rl.value, "ci_low": rl.ci_low, "ci_high": rl.ci_high,
        "assessment": assess(metric, rl), "p_value": p_value(rl), "_rl": rl,
    }


def _share_row(service: str, metric: str, breakdown: str, a: int, n1: int, c: int, n2: int) -> dict[str, Any]:
    """A minority ethnic share row: value = a / (a + c) with a Wilson interval."""
    interval = wilson(a, a + c)
    return {
        "service": service, "metric": metric, "breakdown": breakdown,
        "events_me": a, "base_me": n1, "events_white": c, "base_white": n2,
        "rate_me": _rate(a, n1), "rate_white": _rate(c, n2),
        "value": _rate(a, a + c),
        "ci_low": interval[0] if interval else None, "ci_high": interval[1] if interval else None,
        "assessment": "", "p_value": None, "_rl": None,
    }


def rl_rows(tables: dict[str, pd.DataFrame], params: dict[str, Any]) -> list[dict[str, Any]]:
    """m2-m9 relative likelihoods, overall and by sub-group, for each service."""
    wm = bool(params.get("white_minorities_as_minority_ethnic"))
    rows = []
    for spec in (METRICS[m] for m in RL_METRICS):
        events, base = events_frame(spec, tables), base_frame(spec, tables, params)
        for service in SERVICE_ROWS:
            ev, bs = group_totals(events, service, wm), group_totals(base, service, wm)
            rows.append(_rl_row(service, spec.id, "overall", ev["me"], bs["me"], ev["white"], bs["white"]))
            for sub in subgroups_in_use(params):
                key = f"subgroup:{sub}"
                rows.append(_rl_row(service, spec.id, key, ev[key], bs[key], ev["white"], bs["white"]))
    return rows


def m1_rows(tables: dict[str, pd.DataFrame], params: dict[str, Any]) -> list[dict[str, Any]]:
    """m1: minority ethnic share of each pay band, and the share of the whole workforce."""
    wm = bool(params.get("white_minorities_as_minority_ethnic"))
    staff = base_frame(METRICS["m1"], tables, params)
    # One pass over the workforce for every band (a mask per band made this band count x row count).
    per_band: dict[tuple[str, str], list[tuple[str, int]]] = {}
    sums = staff.assign(_band=tables["workforce"]["pay_band"].to_numpy()).groupby(
        ["_band", "service", "ethnicity"], sort=False)["n"].sum()
    for (band, service, code), n in sums.items():
        per_band.setdefault((band, service), []).append((code, n))
        per_band.setdefault((band, "all"), []).append((code, n))
    rows = []
    for service in SERVICE_ROWS:
        total = group_totals(staff, service, wm)
        rows.append(_share_row(service, "m1", "overall", total["me"], total["me"], total["white"], total["white"]))
        for band in params["pay_bands"]:
            inband = _totals(per_band.get((band, service), []), wm)
            rows.append(_share_row(service, "m1", band, inband["me"], total["me"], inband["white"], total["white"]))
    return rows


def m9_share_rows(tables: dict[str, pd.DataFrame], params: dict[str, Any]) -> list[dict[str, Any]]:
    """m9 (b) and (c): minority ethnic share of senior managers, the workforce and the population."""
    wm = bool(params.get("white_minorities_as_minority_ethnic"))
    m9 = METRICS["m9"]
    staff, senior = base_frame(m9, tables, params), events_frame(m9, tables)
    population = tables.get("population")
    rows = []
    for service in SERVICE_ROWS:
        total, top = group_totals(staff, service, wm), group_totals(senior, service, wm)
        rows.append(_share_row(service, "m9", "senior_share", top["me"], total["me"], top["white"], total["white"]))
        rows.append(_share_row(service, "m9", "workforce_share", total["me"], total["me"], total["white"],
                               total["white"]))
        if population is not None and not population.empty:
            pop = group_totals(population.assign(service=service, n=population["population"]), service, wm)
            rows.append(_share_row(service, "m9", "population_share", pop["me"], pop["me"], pop["white"],
                                   pop["white"]))
    return rows


def metric_rows(tables: dict[str, pd.DataFrame], params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every row of the metrics table for one return, before trends and suppression."""
    return m1_rows(tables, params) + rl_rows(tables, params) + m9_share_rows(tables, params)


def add_trends(rows: list[dict[str, Any]], previous: list[dict[str, Any]] | None) -> None:
    """Set ``trend`` on RL rows by comparing with the same row of the previous period."""
    before: dict[tuple[str, str, str], RelativeLikelihood] = {
        (r["service"], r["metric"], r["breakdown"]): r["_rl"] for r in previous or [] if r["_rl"] is not None
    }
    for row in rows:
        if row["_rl"] is None:
            row["trend"] = ""
            continue
        key = (row["service"], row["metric"], row["breakdown"])
        old = before.get(key) if previous is not None else None
        row["trend"] = trend(row["metric"], row["_rl"], old) if (previous is None or old) else "no_previous_period"
