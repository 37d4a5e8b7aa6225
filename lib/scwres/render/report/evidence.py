"""How sturdy each finding of a report is: the comparisons it makes, and which survive the check for many.

docs/methods.md ("How many comparisons"): the report counts the comparisons it
actually assesses - every relative likelihood's assessment it shows (each
measure and service, and each ethnic sub-group for all staff) and every change
since the previous period it tests and shows - and says that number. Every
significant finding is also checked with Benjamini-Hochberg over exactly those
comparisons, on the p-values of the same tests (``metrics.csv``'s ``p_value``
for an assessment, the z-test's for a change). A finding withheld from a
public report is not shown, so it is not a comparison the report makes: the
number and the check rest only on what the reader can see.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...catalogue import RL_METRICS
from ...metrics.multiplicity import bh_survivors
from ...metrics.stats import SMALL_COUNT, katz, trend_p
from ..words import missing
from .common import SERVICES
from .context import ReportContext

SIGNIFICANT = ("adverse", "favourable")
TESTED_TRENDS = ("closer_to_equality", "further_from_equality", "no_significant_change")
Key = tuple[str, str, str, str]  # (kind: "assessment" or "trend", metric, service, breakdown)


@dataclass(frozen=True)
class Evidence:
    """The report's comparisons (key -> p-value) and which of them survive Benjamini-Hochberg."""

    pvalues: dict[Key, float]
    survives: dict[Key, bool]

    @property
    def count(self) -> int:
        return len(self.pvalues)

    def survives_check(self, metric: str, service: str = "all", breakdown: str = "overall",
                       kind: str = "assessment") -> bool:
        """Does this finding survive the check? A comparison the report does not make does not."""
        return self.survives.get((kind, metric, service, breakdown), False)


def few_cases(row) -> bool:
    """Does the row rest on few cases (any of its four counts below 5)?"""
    return any(int(row[c]) < SMALL_COUNT for c in ("events_me", "base_me", "events_white", "base_white"))


def _previous_row(ctx: ReportContext, metric: str, service: str, breakdown: str):
    data = next((p for p in ctx.history if p.period == ctx.previous), None)
    if data is None:
        return None
    frame = data.metrics
    hit = frame[(frame["metric"] == metric) & (frame["service"] == service) & (frame["breakdown"] == breakdown)]
    return None if hit.empty else hit.iloc[0]


def previous_value(ctx: ReportContext, metric: str, service: str = "all", breakdown: str = "overall"):
    """The previous period's RL for the row (None when there is none); shown only where the trend is."""
    row = _previous_row(ctx, metric, service, breakdown)
    return None if row is None or missing(row["value"]) else float(row["value"])


def _trend_p(ctx: ReportContext, metric: str, service: str) -> float | None:
    now, before = ctx.row(metric, service), _previous_row(ctx, metric, service, "overall")
    if before is None:
        return None

    def counts(r):
        return katz(*(int(r[c]) for c in ("events_me", "base_me", "events_white", "base_white")))

    return trend_p(counts(now), counts(before))


def comparisons(ctx: ReportContext) -> dict[Key, float]:
    """Every comparison the report shows, with its p-value."""
    out: dict[Key, float] = {}
    subs = sorted({b for b in ctx.metrics["breakdown"] if str(b).startswith("subgroup:")})
    for metric in RL_METRICS:
        rows = [(s, "overall") for s in SERVICES] + [("all", b) for b in subs]
        for service, breakdown in rows:
            if not ctx.has_row(metric, service, breakdown) or ctx.row_hidden(metric, service, breakdown):
                continue
            r = ctx.row(metric, service, breakdown)
            if r["assessment"] in ("", "insufficient_data") or missing(r["p_value"]):
                continue
            out[("assessment", metric, service, breakdown)] = float(r["p_value"])
        if ctx.previous is None:
            continue
        for service in SERVICES:
            r = ctx.row(metric, service)
            if r["trend"] not in TESTED_TRENDS or ctx.trend_hidden(metric, service):
                continue
            p = _trend_p(ctx, metric, service)
            if p is not None:
                out[("trend", metric, service, "overall")] = p
    return out


def significant_keys(ctx: ReportContext, ev: Evidence) -> list[Key]:
    """The comparisons the report calls significant (an adverse or favourable assessment, or a change)."""
    out = []
    for key in ev.pvalues:
        kind, metric, service, breakdown = key
        r = ctx.row(metric, service, breakdown)
        if (kind == "assessment" and r["assessment"] in SIGNIFICANT) or (kind == "trend" and r["trend"] in
                                                                           TESTED_TRENDS[:2]):
            out.append(key)
    return out


def evidence(ctx: ReportContext) -> Evidence:
    """The report's comparisons and the Benjamini-Hochberg check over them (kept on the context)."""
    held = getattr(ctx, "_evidence", None)
    if held is not None and held[0] is ctx.metrics:
        return held[1]
    pvalues = comparisons(ctx)
    keys = sorted(pvalues)
    survives = dict(zip(keys, bh_survivors([pvalues[k] for k in keys]), strict=True))
    result = Evidence(pvalues, survives)
    object.__setattr__(ctx, "_evidence", (ctx.metrics, result))
    return result
