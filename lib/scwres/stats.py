"""The statistics of docs/methods.md: Wilson intervals, Katz log intervals for
relative likelihoods, the assessment rule and the trend test.

Written out rather than called from scipy/statsmodels so that the constant
(z = 1.959964, as the contract states) and the zero-cell rule are exactly the
contract's; the tests cross-check every function against
``scipy.stats.contingency.relative_risk`` and
``statsmodels.stats.proportion.proportion_confint(method="wilson")``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959964  # docs/methods.md: CI = exp(ln RL ± 1.959964 × SE)

# Which side of 1 is adverse for each RL metric (docs/methods.md table).
ADVERSE_BELOW_ONE = frozenset({"m2", "m5", "m9"})
RL_METRICS = ("m2", "m3", "m4", "m5", "m6", "m7_colleagues", "m7_managers", "m8", "m9")


def wilson(events: int, base: int, z: float = Z95) -> tuple[float, float] | None:
    """95% Wilson score interval for events/base; None when the base is 0."""
    if base <= 0:
        return None
    p = events / base
    denom = 1 + z * z / base
    centre = (p + z * z / (2 * base)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / base + z * z / (4 * base * base))
    # The bounds are exactly 0 (x = 0) and 1 (x = n); say so rather than keep float noise.
    low = 0.0 if events == 0 else centre - half
    high = 1.0 if events == base else centre + half
    return low, high


@dataclass(frozen=True)
class RelativeLikelihood:
    """RL = (a/n1) / (c/n2), its Katz interval and the pieces the trend test needs."""

    value: float | None  # raw ratio; None when undefined (c = 0 or a base is 0)
    ci_low: float | None
    ci_high: float | None
    log_rl: float | None  # ln RL used for interval and trend (corrected when a cell is 0)
    se: float | None
    insufficient: bool


def relative_likelihood(a: int, n1: int, c: int, n2: int, z: float = Z95) -> RelativeLikelihood:
    """Katz log interval with the Haldane-Anscombe correction when a or c is 0.

    ``a, n1``: minority ethnic events and base; ``c, n2``: white.
    """
    if n1 <= 0 or n2 <= 0 or (a == 0 and c == 0):
        return RelativeLikelihood(None, None, None, None, None, True)
    value = (a / n1) / (c / n2) if c > 0 else None
    if a == 0 or c == 0:
        a_, n1_, c_, n2_ = a + 0.5, n1 + 1, c + 0.5, n2 + 1
    else:
        a_, n1_, c_, n2_ = a, n1, c, n2
    log_rl = math.log((a_ / n1_) / (c_ / n2_))
    se = math.sqrt(1 / a_ - 1 / n1_ + 1 / c_ - 1 / n2_)
    return RelativeLikelihood(value, math.exp(log_rl - z * se), math.exp(log_rl + z * se), log_rl, se, False)


def assess(metric: str, rl: RelativeLikelihood) -> str:
    """adverse / favourable / no_significant_difference / insufficient_data (docs/methods.md)."""
    if rl.insufficient or rl.ci_low is None or rl.ci_high is None:
        return "insufficient_data"
    if rl.ci_low > 1:
        above = "adverse" if metric not in ADVERSE_BELOW_ONE else "favourable"
        return above
    if rl.ci_high < 1:
        return "favourable" if metric not in ADVERSE_BELOW_ONE else "adverse"
    return "no_significant_difference"


def trend(metric: str, now: RelativeLikelihood, before: RelativeLikelihood | None, z: float = 1.96) -> str:
    """Change against the previous period; blank when either period has insufficient data."""
    if before is None:
        return "no_previous_period"
    if now.insufficient or before.insufficient or now.se is None or before.se is None:
        return ""
    spread = math.sqrt(now.se**2 + before.se**2)
    if spread == 0:  # both periods exact (every member of both groups had the event): nothing to test
        return "no_significant_change" if now.log_rl == before.log_rl else ("improved" if (
            (now.log_rl > before.log_rl) == (metric in ADVERSE_BELOW_ONE)) else "worsened")
    stat = (now.log_rl - before.log_rl) / spread
    if abs(stat) < z:
        return "no_significant_change"
    went_up = stat > 0
    improved = went_up if metric in ADVERSE_BELOW_ONE else not went_up
    return "improved" if improved else "worsened"
