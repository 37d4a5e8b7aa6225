"""Success measures ("how we will know") such as ``m2 >= 0.8``: parsing and evaluation.

A plan's success measure is only useful if the workbook can check it against
the next year's metrics, so it is a tiny, strict language rather than free
text: one or more comparisons joined by ``and``, each ``<metric> <op> <number>``
(``m8 <= 1.25``, ``m2 >= 0.8 and m2 <= 1.25``). ``m1`` means the minority
ethnic share of the top pay band (the last band in params): the SC-WRES asks
about representation at the top, and one number keeps the measure checkable;
``m1[<band>]`` picks another band, and a share may be written as a percentage
(``m1 >= 6%``). Anything else is a validation error with the character where
parsing stopped, so the analyst can find the typo in the cell.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from ..stats import RL_METRICS

METRIC_IDS: tuple[str, ...] = ("m1", *RL_METRICS)
OPERATORS: dict[str, str] = {">=": ">=", "<=": "<=", ">": ">", "<": "<", "≥": ">=", "≤": "<="}
OPERATOR_WORDS: dict[str, str] = {">=": "at least", "<=": "at most", ">": "above", "<": "below"}

MET, NOT_MET, NOT_MEASURABLE = "met", "not_met", "not_measurable"
RESULT_WORDS: dict[str, str] = {MET: "met", NOT_MET: "not met", NOT_MEASURABLE: "not yet measurable"}

_TOKEN = re.compile(r"\s*(?:(?P<metric>m[0-9a-z_]*)(?:\[(?P<band>[^\]]*)\])?|(?P<op>>=|<=|≥|≤|>|<|=+|!=)"
                    r"|(?P<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?P<percent>%)?|(?P<and>and\b|&&?))", re.IGNORECASE)


class MeasureSyntaxError(ValueError):
    """A success measure that does not parse; ``position`` is the 1-based character."""

    def __init__(self, message: str, position: int):
        self.position = position
        super().__init__(f"{message} (at character {position})")


@dataclass(frozen=True)
class Comparison:
    """One target: ``metric[breakdown] op target``."""

    metric: str
    breakdown: str | None  # an m1 pay band; None means the default (top band for m1, overall otherwise)
    op: str
    target: float

    def holds(self, value: float) -> bool:
        return {">=": value >= self.target, "<=": value <= self.target,
                ">": value > self.target, "<": value < self.target}[self.op]


@dataclass(frozen=True)
class Measure:
    """A parsed success measure; ``text`` is what the council typed."""

    text: str
    comparisons: tuple[Comparison, ...]

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.metric for c in self.comparisons))


def parse_measure(text: str, pay_bands: list[str] | None = None) -> Measure:
    """Parse ``m2 >= 0.8 and m8 <= 1.25``; raise MeasureSyntaxError saying where it went wrong."""
    source = text.strip()
    if not source:
        raise MeasureSyntaxError("The success measure is empty", 1)
    offset = len(text) - len(text.lstrip())
    pos = 0
    comparisons: list[Comparison] = []

    def token(expected: str) -> re.Match[str]:
        nonlocal pos
        match = _TOKEN.match(source, pos)
        at = pos + offset + 1 + (len(source[pos:]) - len(source[pos:].lstrip()))
        if match is None or match.end() == pos or match.group(expected) is None:
            got = source[pos:].strip()
            raise MeasureSyntaxError(
                f"Expected {_EXPECTED[expected]} but found {('“' + got[:12] + '”') if got else 'the end'}", at)
        pos = match.end()
        return match

    while True:
        start = pos + offset + 1 + (len(source[pos:]) - len(source[pos:].lstrip()))
        m = token("metric")
        metric = m.group("metric").lower()
        if metric not in METRIC_IDS:
            raise MeasureSyntaxError(f"“{m.group('metric')}” is not a metric id; use one of {', '.join(METRIC_IDS)}",
                                     start)
        band = m.group("band")
        if band is not None:
            band = band.strip()
            if metric != "m1":
                raise MeasureSyntaxError(f"Only m1 takes a pay band in brackets, not {metric}", start)
            if pay_bands is not None and band not in pay_bands:
                raise MeasureSyntaxError(f"“{band}” is not a pay band in params ({', '.join(pay_bands)})", start)
        op_at = pos + offset + 1 + (len(source[pos:]) - len(source[pos:].lstrip()))
        op_text = token("op").group("op")
        if op_text not in OPERATORS:
            raise MeasureSyntaxError(f"“{op_text}” is not a comparison; use >=, <=, > or <", op_at)
        number = token("number")
        target = float(number.group("number"))
        if number.group("percent"):
            if metric != "m1":
                raise MeasureSyntaxError(f"A percentage only makes sense for the m1 share, not {metric}", op_at)
            target /= 100
        comparisons.append(Comparison(metric, band, OPERATORS[op_text], target))
        if not source[pos:].strip():
            break
        token("and")
    return Measure(text.strip(), tuple(comparisons))


_EXPECTED = {"metric": "a metric id such as m2", "op": "a comparison (>=, <=, > or <)",
             "number": "a number such as 0.8", "and": "“and” or the end of the measure"}


@dataclass(frozen=True)
class MetricValue:
    """One metric's value for a service and period, and whether a public report may show it."""

    metric: str
    breakdown: str
    period: str
    value: float | None
    suppressed: bool
    why_missing: str = ""  # why ``value`` is None, in words, when the metrics row says

    @property
    def publishable(self) -> bool:
        return self.value is not None and not self.suppressed


def default_breakdown(metric: str, pay_bands: list[str]) -> str:
    """m1 is read at the top pay band; every other metric at its overall row."""
    return pay_bands[-1] if metric == "m1" else "overall"


def metric_value(metrics: pd.DataFrame, metric: str, service: str, pay_bands: list[str],
                 breakdown: str | None = None, audience: str = "public") -> MetricValue:
    """Look up one value in a metrics table; NaN or a missing row gives ``value=None``."""
    breakdown = breakdown or default_breakdown(metric, pay_bands)
    rows = metrics[(metrics["metric"] == metric) & (metrics["service"] == service)
                   & (metrics["breakdown"] == breakdown)]
    period = str(rows["period"].iloc[0]) if len(rows) else str(metrics["period"].iloc[0]) if len(metrics) else ""
    if rows.empty:
        return MetricValue(metric, breakdown, period, None, False)
    value = float(rows["value"].iloc[0])
    suppressed = bool(rows["suppressed"].iloc[0]) and audience == "public"
    why = ""
    if math.isnan(value) and metric != "m1" and "events_white" in rows and int(rows["events_white"].iloc[0]) == 0 \
            and int(rows["events_me"].iloc[0]) > 0:
        # docs/methods.md: no white cases leaves the RL undefined (blank); a blank can meet no target
        why = "the relative likelihood is not defined, because no white staff had the event"
    return MetricValue(metric, breakdown, period, None if math.isnan(value) else value, suppressed, why)


@dataclass(frozen=True)
class MeasureResult:
    """``met`` / ``not_met`` / ``not_measurable`` with the values it was judged on and why."""

    state: str
    values: tuple[MetricValue, ...]
    reason: str = ""

    @property
    def words(self) -> str:
        return RESULT_WORDS[self.state]


def evaluate(measure: Measure, metrics: pd.DataFrame | None, service: str, pay_bands: list[str],
             audience: str = "public") -> MeasureResult:
    """Judge every comparison; one unknown or unpublishable value makes the whole measure not measurable.

    A value that public disclosure control hides (``[c]``) cannot be used to say
    met / not met either, or the verdict would leak it.
    """
    if metrics is None or metrics.empty:
        return MeasureResult(NOT_MEASURABLE, (), "no metrics for that period")
    values = tuple(metric_value(metrics, c.metric, service, pay_bands, c.breakdown, audience)
                   for c in measure.comparisons)
    if any(v.suppressed for v in values):
        return MeasureResult(NOT_MEASURABLE, values, "withheld so that no one can be identified")
    if any(v.value is None for v in values):
        why = next((v.why_missing for v in values if v.value is None and v.why_missing), "")
        return MeasureResult(NOT_MEASURABLE, values, why or "too little data to calculate the metric")
    met = all(c.holds(v.value) for c, v in zip(measure.comparisons, values, strict=True)
              if v.value is not None)
    return MeasureResult(MET if met else NOT_MET, values)


def format_value(metric: str, value: MetricValue | None) -> str:
    """2 d.p. for ratios, 1 d.p. percentage for the m1 share; ``[c]`` when suppressed."""
    if value is None or value.value is None:
        return "–"
    if value.suppressed:
        return "[c]"
    return f"{value.value * 100:.1f}%" if metric == "m1" else f"{value.value:.2f}"
