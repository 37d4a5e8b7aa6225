"""Everything one report needs, loaded once: params, metrics, disclosure plan, history.

Why one object: every section needs the same facts (who the council is, what
may be shown, what the national figure is), and loading them in one place
keeps the notebook to one call per section.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ... import paths
from ...disclosure import rollup_requests
from ...disclosure.metrics_table import calculate, read_metrics_csv
from ...disclosure.publication import Publication
from ...disclosure.suppression import Plan, read_plan, report_plan
from ...intake.commentary import load_commentary, unknown_sections
from ...intake.load import read_return
from ...intake.params import load_params, period_list, previous_period
from ...intake.signoff import Status
from ...intake.signoff import status as signoff_status
from ...problems import ReturnError
from ...validate.validation import PUBLIC_REFUSAL, earlier_return_errors, load_return, trend_refusal


@dataclass(frozen=True)
class NationalFigure:
    """A published national figure (Skills for Care) to show beside a council's value."""

    metric: str
    value: float
    kind: str
    source: str
    year: str
    councils: str
    url: str
    via: str = ""  # set when ``url`` is a secondary report of the figure (a news article), not Skills for Care's

    @property
    def citation(self) -> str:
        """'Skills for Care SC-WRES report 2024', or '..., as reported by Community Care' when known via a
        news report: the figure is Skills for Care's, the page linked is not."""
        name = f"{self.source} {self.year}"
        if not self.via:
            return name
        return f"{name}, as reported by {self.via.split(' news report')[0]}"


@dataclass
class PeriodData:
    """One period's metrics with its own disclosure plan (for the trend section)."""

    period: str
    metrics: pd.DataFrame
    plan: Plan


@dataclass
class ReportContext:
    """The facts behind one report for one council, period and audience."""

    la: str
    period: str
    audience: str
    params: dict[str, Any]
    metrics: pd.DataFrame
    plan: Plan
    tables: dict[str, pd.DataFrame]
    national: dict[str, NationalFigure] = field(default_factory=dict)
    commentary: dict[str, str] = field(default_factory=dict)
    commentary_unknown: list[str] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    history: list[PeriodData] = field(default_factory=list)
    intake: dict[str, Any] = field(default_factory=dict)  # form of the return and ethnicity label sets used
    signoff: Status | None = None  # the sign-off state (intake.signoff): a public report without one is a draft
    # (previous period, why its return cannot be used) when it fails its checks: no trend is assessed
    trend_refused: tuple[str, str] | None = None
    _index: Any = field(default=None, init=False, repr=False, compare=False)  # see _positions

    @property
    def public(self) -> bool:
        return self.audience != "internal"

    @property
    def draft(self) -> bool:
        """A public report with no sign-off matching its inputs: it says "DRAFT - not signed off" everywhere."""
        return self.public and not (self.signoff is not None and self.signoff.signed)

    @property
    def group(self) -> str:
        return str(self.params.get("group_label") or "minority ethnic")

    @property
    def spec(self) -> dict[str, Any]:
        return self.params["periods"][self.period]

    @property
    def previous(self) -> str | None:
        if self.trend_refused:  # the period the trend would compare with, though its return failed
            return self.trend_refused[0]
        earlier = [p.period for p in self.history if p.period < self.period]
        return earlier[-1] if earlier else None

    @property
    def pub(self) -> Publication:
        """The publication layer for this report: this period's plan and every earlier period's."""
        plans = {p.period: p.plan for p in self.history}
        plans[self.period] = self.plan
        return Publication(self.period, plans, self.public)

    def hidden(self, key: str) -> bool:
        """May this count not be shown? Always False for the internal audience."""
        return self.pub.hidden(key)

    def row_hidden(self, metric: str, service: str, breakdown: str = "overall") -> bool:
        return self.pub.row_hidden(metric, service, breakdown)

    def trend_hidden(self, metric: str, service: str, breakdown: str = "overall") -> bool:
        """The trend rests on this period's and the previous period's counts: hidden if either row is.

        With no earlier period held, the trend says so in words and rests on this period alone; so does
        a trend not assessed because the earlier return failed its checks (it rests on no count).
        """
        if self.trend_refused:
            return False
        return self.pub.trend(metric, service, breakdown, self.previous, "x").hidden

    def _positions(self) -> dict[tuple[str, str, str], int]:
        """(metric, service, breakdown) -> position of its first row, built once per metrics table.

        Why: a report looks rows up a few hundred times; filtering the whole table each time was a
        noticeable share of rendering it (``python -m scwres profile``).
        """
        frame = self.metrics
        if self._index is None or self._index[0] is not frame:
            positions: dict[tuple[str, str, str], int] = {}
            for i, key in enumerate(zip(frame["metric"], frame["service"], frame["breakdown"], strict=True)):
                positions.setdefault(key, i)
            self._index = (frame, positions)
        return self._index[1]

    def row(self, metric: str, service: str, breakdown: str = "overall") -> pd.Series:
        position = self._positions().get((metric, service, breakdown))
        if position is None:
            raise IndexError(f"no metrics row for {metric} / {service} / {breakdown}")
        return self.metrics.iloc[position]

    def has_row(self, metric: str, service: str, breakdown: str) -> bool:
        return (metric, service, breakdown) in self._positions()


def national_figures(path: Path | None = None, year: str | None = None) -> dict[str, NationalFigure]:
    """The latest national figure per metric (all services), from the project's copy of the file;
    with ``year``, the latest from a report of that year or before."""
    path = path or paths.NATIONAL_FIGURES
    if not path.exists():
        return {}
    out: dict[str, NationalFigure] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("service") != "all":
                continue
            figure = NationalFigure(row["metric"], float(row["value"]), row["kind"], row["source"],
                                    row["report_year"], row["councils"], row["url"], (row.get("via") or "").strip())
            if year is not None and figure.year > str(year):
                continue
            held = out.get(row["metric"])
            if held is None or figure.year >= held.year:
                out[row["metric"]] = figure
    return out


def read_problems(la: str, period: str) -> list[dict[str, Any]]:
    """Validation problems written by notebook 1 (empty when there are none or no file)."""
    path = paths.build_dir(la, period) / "problems.json"
    if not path.exists():
        return []
    return list(json.loads(path.read_text(encoding="utf-8")))


def period_data(la: str, period: str, params: dict[str, Any], metrics: pd.DataFrame | None = None
                ) -> tuple[PeriodData, dict[str, pd.DataFrame]] | None:
    """A period's metrics and disclosure plan (None when its return cannot be read).

    The plan is the one the period's report was published with (``disclosure-plan.json`` beside its
    metrics.csv), so a later report hides what that report hid; without one it is worked out again
    from the return by the same rule.
    """
    try:
        tables = load_return(la, period, params=params)
        frame = metrics if metrics is not None else calculate(la, period, params)
    except ReturnError:
        return None
    stored = read_plan(paths.build_dir(la, period))
    if stored is None or stored.values != report_plan_values(frame, params, tables, stored):
        stored = report_plan(frame, params, tables, rollup_requests.read(la, str(period)))
    return PeriodData(period, frame, stored), tables


def report_plan_values(frame: pd.DataFrame, params: dict[str, Any], tables: dict[str, pd.DataFrame],
                       stored: Plan) -> dict[str, int]:
    """The counts the stored plan must describe: a plan for another version of the return is not used."""
    from ...disclosure.suppression import catalogue, extra_counts, structure_from_params

    entries = catalogue(frame, structure_from_params(params), extra_counts(tables, params))
    return {k: v for k, (_, v) in entries.items()}


def load_context(la: str, period: str, audience: str = "public") -> ReportContext:
    """Load params, this period's metrics.csv and every earlier period's metrics for the trend."""
    params = load_params(la)
    period = str(period)
    metrics = read_metrics_csv(paths.build_dir(la, period) / "metrics.csv")
    current = period_data(la, period, params, metrics)
    if current is None:
        raise ReturnError([])
    now, tables = current
    history = []
    for earlier in period_list(params):
        if earlier < period and not earlier_return_errors(la, earlier, params):  # a failed return draws no trend
            got = period_data(la, earlier, params)
            if got is not None:
                history.append(got[0])
    history.append(now)
    why = trend_refusal(la, period, params)
    if why and audience == "public":  # the error count is the data team's, on the console and data-quality page
        why = PUBLIC_REFUSAL.format(period=previous_period(params, period))
    return ReportContext(
        trend_refused=(str(previous_period(params, period)), why) if why else None,
        la=la, period=period, audience=audience, params=params, metrics=metrics, plan=now.plan, tables=tables,
        national=national_figures(), commentary=load_commentary(la, period),
        commentary_unknown=unknown_sections(la, period), problems=read_problems(la, period), history=history,
        intake=read_return(la, period, params=params).intake(), signoff=signoff_status(la, period),
    )
