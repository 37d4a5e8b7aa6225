"""Warnings about a return that passed validation: it can be used, but a reader should know.

Each warning is something the council may want to fix or explain (a service
with no rows, too much unknown ethnicity, a headcount that disagrees with
params or jumps from last year, bases too small to publish), so each sentence
says what to check. They never stop the run; the report and the data quality
page list them, so they never quote a count that disclosure control hides:
small bases are "fewer than" the threshold, unknown ethnicity is a share.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..catalogue import CATALOGUE, Metric, adds_leavers, suppression_threshold
from ..intake.load import read_return
from ..intake.params import params_display_name, previous_period
from ..intake.raw_return import RawReturn
from ..problems import Problem
from ..schema import SERVICES, TABLES, ethnic_group
from .bounds import numbers

# The count that is the "base" of each table, for the unknown-ethnicity share.
UNKNOWN_BASES: dict[str, tuple[tuple[str, ...], str]] = {
    "workforce": (("headcount",), "staff"),
    "recruitment": (("shortlisted",), "shortlisted candidates"),
    "events": (("disciplinary", "ftp", "cpd", "leavers"), "recorded events"),
    "survey": (("respondents",), "survey respondents"),
}
HEADCOUNT_TOLERANCE = 0.02
YEAR_ON_YEAR_LIMIT = 0.25


def return_warnings(raw: RawReturn, typed: dict[str, pd.DataFrame], params: dict[str, Any],
                    raw_dir: Any = None) -> list[Problem]:
    """Every warning for a valid return (``typed`` are its typed tables)."""
    return [
        *missing_services(raw, typed),
        *unknown_shares(raw, typed, float(params.get("unknown_share_warning", 0.10))),
        *headcount_vs_declared(raw, typed, params),
        *small_bases(raw, typed, params),
        *year_on_year(raw, typed, params, raw_dir),
    ]


def missing_services(raw: RawReturn, typed: dict[str, pd.DataFrame]) -> list[Problem]:
    """A required table with no rows for adults or children."""
    out = []
    for name, frame in typed.items():
        if "service" not in frame or not TABLES[name].required:
            continue
        for service in SERVICES:
            if not (frame["service"] == service).any():
                out.append(raw.problem(name, None, "service", service,
                                       f"There are no rows for {service}; add them if the council has {service} "
                                       f"staff in this table, otherwise this figure will be missing from the report.",
                                       severity="warning"))
    return out


def unknown_shares(raw: RawReturn, typed: dict[str, pd.DataFrame], limit: float) -> list[Problem]:
    """Share of not_stated ethnicity above ``unknown_share_warning``, per table and service."""
    out = []
    for name, (columns, what) in UNKNOWN_BASES.items():
        frame = typed.get(name)
        if frame is None:
            continue
        counts = frame[list(columns)].sum(axis=1)
        for service in SERVICES:
            mine = frame["service"] == service
            total = int(counts[mine].sum())
            unknown = int(counts[mine & (frame["ethnicity"] == "not_stated")].sum())
            if total and unknown / total > limit:
                # The share only, not the counts: this page sits beside the public report.
                out.append(raw.problem(
                    name, None, "ethnicity", f"{unknown / total:.0%}",
                    f"{unknown / total:.0%} of {what} in {service} have ethnicity not_stated, above the "
                    f"{limit:.0%} set by unknown_share_warning; improve ethnicity recording so the figures are "
                    f"reliable.", severity="warning"))
    return out


def headcount_vs_declared(raw: RawReturn, typed: dict[str, pd.DataFrame], params: dict[str, Any]) -> list[Problem]:
    """Total headcount more than 2% away from ``direct_employees`` in params."""
    declared = params.get("periods", {}).get(raw.period, {}).get("direct_employees")
    if "workforce" not in typed or not isinstance(declared, int) or declared <= 0:
        return []
    total = int(typed["workforce"]["headcount"].sum())
    gap = abs(total - declared) / declared
    if gap <= HEADCOUNT_TOLERANCE:
        return []
    return [raw.problem("workforce", None, "headcount", str(total),
                        f"The total headcount ({total}) differs from direct_employees ({declared}) in "
                        f"{params_display_name(raw.la)} by {gap:.1%}, more than 2%; check that no staff are missing "
                        f"from the return, or correct direct_employees.", severity="warning")]


def small_bases(raw: RawReturn, typed: dict[str, pd.DataFrame], params: dict[str, Any]) -> list[Problem]:
    """Headline metrics whose minority ethnic or white base is below the suppression threshold."""
    threshold = suppression_threshold(params)
    label = str(params.get("group_label", "minority ethnic"))
    if not {"workforce", "recruitment", "events", "survey"} <= set(typed):
        return []
    wm = bool(params.get("white_minorities_as_minority_ethnic"))
    out = []
    for spec in CATALOGUE:
        # The catalogue's base names the table to look at, in words a reader knows.
        table, column, who, topic = spec.base.table, spec.base.column, spec.base.who, spec.topic
        for service, (base_me, base_white) in base_sizes(spec, typed, adds_leavers(params), wm).items():
            where = "all staff" if service == "all" else service
            for group, base in ((label, base_me), ("white", base_white)):
                if 0 < base < threshold:
                    # "fewer than", never the count: the page is linked from the public report.
                    out.append(raw.problem(
                        table, None, column, f"< {threshold}",
                        f"{topic[:1].upper()}{topic[1:]} ({spec.id}), {where}: fewer than {threshold} {group} "
                        f"{who} (the suppression threshold), so the public report will not show this figure.",
                        severity="warning"))
    return out


def base_sizes(spec: Metric, typed: dict[str, pd.DataFrame], plus_leavers: bool,
               white_minorities_as_me: bool) -> dict[str, tuple[int, int]]:
    """A metric's base for each service and in all, as (minority ethnic, white): the catalogue's base counts
    added up here, so a warning about a return needs no metric calculated (validation comes first)."""
    totals = {service: [0, 0] for service in (*SERVICES, "all")}
    for count in spec.base_counts(plus_leavers):
        frame = typed[count.table]
        for key, value in count.where:
            frame = frame[frame[key] == value]
        for service, code, n in zip(frame["service"], frame["ethnicity"], frame[count.column], strict=True):
            group = ethnic_group(code, white_minorities_as_me)
            if group == "unknown":
                continue
            side = 0 if group == "minority_ethnic" else 1
            totals["all"][side] += int(n)
            if service in SERVICES:
                totals[service][side] += int(n)
    return {service: (me, white) for service, (me, white) in totals.items()}


def year_on_year(raw: RawReturn, typed: dict[str, pd.DataFrame], params: dict[str, Any],
                 raw_dir: Any = None) -> list[Problem]:
    """Headcount per service (and in all) changed by more than 25% since the previous period."""
    before = previous_period(params, raw.period)
    if before is None or "workforce" not in typed:
        return []
    old_raw = read_return(raw.la, before, raw_dir, params)
    old = old_raw.tables.get("workforce")
    if old is None or not {"service", "headcount"} <= set(old.columns):
        return []
    old_counts = numbers(old["headcount"]).fillna(0)
    now = typed["workforce"]
    out = []
    for service in (*SERVICES, "all"):
        new_total = int(now["headcount"][now["service"] == service].sum() if service != "all"
                        else now["headcount"].sum())
        old_total = int(old_counts[old["service"] == service].sum() if service != "all" else old_counts.sum())
        if old_total and abs(new_total - old_total) / old_total > YEAR_ON_YEAR_LIMIT:
            change = (new_total - old_total) / old_total
            out.append(raw.problem(
                "workforce", None, "headcount", str(new_total),
                f"Headcount for {service} changed by {change:+.0%} since {before} ({old_total} to {new_total}), "
                f"more than 25%; check that the return is complete, or explain the change in the commentary.",
                severity="warning"))
    return out
