"""The random-effects summary of a roll-up's councils, published only where it gives nothing away.

Why a module of its own: the summary is not one of the pooled sums ``publication.RollupPlan`` decides
but a figure computed from them once they are decided, with a rule of its own (every council's own row
must be published too); keeping it apart keeps ``publication`` within the line limit and the sums-based
plan free of the meta-analysis.
"""

from __future__ import annotations

from ..metrics.meta import RandomEffects, random_effects
from .publication import RollupPlan, row_keys


def rollup_random_effects(plan: RollupPlan, rollup: str, metric: str, service: str) -> RandomEffects | None:
    """The random-effects summary of a roll-up's councils for one measure and service, or None when hidden.

    It rests on every council's counts, so it is published only where the plan publishes the pooled figure
    for that measure and service, and only when every council's own row is published too: unlike the
    pooled sums the summary (its estimate, interval, I-squared and tau-squared) is a non-linear mix of each
    council's own ratio and variance, so with one council withheld and the others shown it could be
    solved for the withheld council's ratio, which sums-based protection does not see. Computed here,
    from the councils' plans, never on a page.
    """
    if rollup not in plan.rollups or plan.hidden(rollup, metric, service):
        return None
    counts = []
    keys = row_keys(metric, service)
    for la in plan.rollups[rollup]:
        council = plan.councils[la].plan
        if any(council.hidden(k) or k not in council.values for k in keys):
            return None  # a council's hidden ratio must not be recoverable from the summary
        counts.append(tuple(int(council.values[k]) for k in keys))
    return random_effects(counts)
