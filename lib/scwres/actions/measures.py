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
import weakref
from dataclasses import dataclass

import pandas as pd

from ..catalogue import METRIC_IDS  # noqa: F401  (the ids an action's measure may name; re-exported)

OPERATORS: dict[str, str] = {">=": ">=", "<=": "<=", ">": ">", "<": "<", "≥": ">=", "≤": "<="}
OPERATOR_WORDS: dict[str, str] = {">=": "at least", "<=": "at most", ">": "above", "<": "below"}

MET, NOT_MET, NOT_MEASURABLE = "met", "not_met", "not_measurable"
RESULT_WORDS: dict[str, str] = {MET: "met", NOT_MET: "not met", NOT_MEASURABLE: "not yet measurable"}

MAX_MEASURE_CHARS = 300  # a measure is a line of a table cell, not a program
MAX_COMPARISONS = 10
_OP_CHARS = "<>=!≥≤"


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
    """Parse ``m2 >= 0.8 and m8 <= 1.25``; raise MeasureSyntaxError saying where it went wrong.

    A small hand-written scanner for the grammar
    ``measure := comparison ("and" comparison)*``,
    ``comparison := metric ["[" band "]"] op number ["%"]``: it reads each
    character once, so its time grows with the text and no input can make it
    backtrack, and the text is refused past MAX_MEASURE_CHARS before any of it is read.
    """
    source = text.strip()
    if not source:
        raise MeasureSyntaxError("The success measure is empty", 1)
    offset = len(text) - len(text.lstrip())
    if len(source) > MAX_MEASURE_CHARS:
        raise MeasureSyntaxError(f"The success measure is {len(source):,} characters long; keep it under "
                                 f"{MAX_MEASURE_CHARS} (at most {MAX_COMPARISONS} comparisons joined by “and”)",
                                 MAX_MEASURE_CHARS + offset + 1)
    scan = _Scanner(source, offset)
    comparisons: list[Comparison] = []
    while True:
        start = scan.skip_space()
        name = scan.metric()
        metric = name.lower()
        if metric not in METRIC_IDS:
            raise MeasureSyntaxError(f"“{name}” is not a metric id; use one of {', '.join(METRIC_IDS)}", start)
        band = scan.band()
        if band is not None:
            band = band.strip()
            if metric != "m1":
                raise MeasureSyntaxError(f"Only m1 takes a pay band in brackets, not {metric}", start)
            if pay_bands is not None and band not in pay_bands:
                raise MeasureSyntaxError(f"“{band}” is not a pay band in params ({', '.join(pay_bands)})", start)
        op_at = scan.skip_space()
        op_text = scan.operator()
        if op_text not in OPERATORS:
            raise MeasureSyntaxError(f"“{op_text}” is not a comparison; use >=, <=, > or <", op_at)
        digits, percent = scan.number()
        target = float(digits)
        if percent:
            if metric != "m1":
                raise MeasureSyntaxError(f"A percentage only makes sense for the m1 share, not {metric}", op_at)
            target /= 100
        comparisons.append(Comparison(metric, band, OPERATORS[op_text], target))
        scan.skip_space()
        if scan.at_end():
            break
        scan.conjunction()
        if len(comparisons) >= MAX_COMPARISONS:
            raise MeasureSyntaxError(f"A success measure has at most {MAX_COMPARISONS} comparisons",
                                     scan.skip_space())
    return Measure(source, tuple(comparisons))


class _Scanner:
    """The cursor of ``parse_measure``: each method reads one token or raises with its position."""

    def __init__(self, source: str, offset: int):
        self.source, self.offset, self.pos = source, offset, 0

    def at_end(self) -> bool:
        return self.pos >= len(self.source)

    def skip_space(self) -> int:
        """Skip white space; the 1-based position of the next character in the text as typed."""
        while self.pos < len(self.source) and self.source[self.pos].isspace():
            self.pos += 1
        return self.pos + self.offset + 1

    def fail(self, expected: str) -> MeasureSyntaxError:
        at = self.skip_space()
        got = self.source[self.pos:self.pos + 12].strip()
        return MeasureSyntaxError(f"Expected {_EXPECTED[expected]} but found {('“' + got + '”') if got else 'the end'}",
                                  at)

    def _run(self, allowed) -> str:
        start = self.pos
        while self.pos < len(self.source) and allowed(self.source[self.pos]):
            self.pos += 1
        return self.source[start:self.pos]

    def metric(self) -> str:
        self.skip_space()
        if self.at_end() or self.source[self.pos] not in "mM":
            raise self.fail("metric")
        self.pos += 1
        return self.source[self.pos - 1] + self._run(lambda c: c.isascii() and (c.isalnum() or c == "_"))

    def band(self) -> str | None:
        if self.at_end() or self.source[self.pos] != "[":
            return None
        close = self.source.find("]", self.pos)
        if close < 0:
            raise self.fail("op")
        inside = self.source[self.pos + 1:close]
        self.pos = close + 1
        return inside

    def operator(self) -> str:
        self.skip_space()
        rest = self.source[self.pos:self.pos + 2]
        for op in (">=", "<=", "!="):
            if rest.startswith(op):
                self.pos += 2
                return op
        if rest[:1] in ("≥", "≤", ">", "<"):
            self.pos += 1
            return rest[:1]
        if rest[:1] == "=":
            return self._run(lambda c: c == "=")
        raise self.fail("op")

    def number(self) -> tuple[str, bool]:
        self.skip_space()
        whole = self._run(lambda c: "0" <= c <= "9")
        point = self.pos
        fraction = ""
        if self.source[self.pos:self.pos + 1] == ".":
            self.pos += 1
            fraction = self._run(lambda c: "0" <= c <= "9")
            if not fraction:
                self.pos = point  # "1." is not a number; leave the point to be reported next
        if not whole and not fraction:
            raise self.fail("number")
        percent = self.source[self.pos:self.pos + 1] == "%"
        self.pos += percent
        return f"{whole or '0'}.{fraction or '0'}", percent

    def conjunction(self) -> None:
        self.skip_space()
        word = self.source[self.pos:self.pos + 3]
        after = self.source[self.pos + 3:self.pos + 4]
        if word.lower() == "and" and not (after.isalnum() or after == "_"):
            self.pos += 3
        elif self.source[self.pos:self.pos + 2] == "&&":
            self.pos += 2
        elif self.source[self.pos:self.pos + 1] == "&":
            self.pos += 1
        else:
            raise self.fail("and")


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
    index, first_period = _lookup(metrics)
    found = index.get((metric, service, breakdown))
    if found is None:
        return MetricValue(metric, breakdown, first_period, None, False)
    period, value, suppressed, white_none_me_some = found
    why = ""
    if math.isnan(value) and metric != "m1" and white_none_me_some:
        # docs/methods.md: no white cases leaves the RL undefined (blank); a blank can meet no target
        why = "the relative likelihood is not defined, because no white staff had the event"
    return MetricValue(metric, breakdown, period, None if math.isnan(value) else value,
                       suppressed and audience == "public", why)


_Found = tuple[str, float, bool, bool]
_LOOKUPS: dict[int, tuple[weakref.ref, dict[tuple[str, str, str], _Found], str]] = {}


def _lookup(metrics: pd.DataFrame) -> tuple[dict[tuple[str, str, str], _Found], str]:
    """(metric, service, breakdown) -> (period, value, suppressed, no white but some ME events), built once per table.

    A page judges every action on the same one or two tables; filtering the
    table once per value made a register of thousands of actions take minutes.
    The first row of a repeated key wins, as the filter did.
    """
    cached = _LOOKUPS.get(id(metrics))
    if cached is not None and cached[0]() is metrics:
        return cached[1], cached[2]
    index: dict[tuple[str, str, str], _Found] = {}
    has_events = "events_white" in metrics and "events_me" in metrics
    columns = ["metric", "service", "breakdown", "period", "value", "suppressed"]
    for row in metrics[columns + (["events_white", "events_me"] if has_events else [])].itertuples(index=False):
        white_none_me_some = bool(has_events and _count(row.events_white) == 0 and _count(row.events_me) > 0)
        index.setdefault((row.metric, row.service, row.breakdown),
                         (str(row.period), float(row.value), bool(row.suppressed), white_none_me_some))
    first_period = str(metrics["period"].iloc[0]) if len(metrics) else ""
    for key in [k for k, (ref, _, _) in _LOOKUPS.items() if ref() is None]:
        del _LOOKUPS[key]
    _LOOKUPS[id(metrics)] = (weakref.ref(metrics), index, first_period)
    return index, first_period


def _count(value: object) -> float:
    """A count cell as a number; a blank (NaN) is neither zero nor positive."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


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
