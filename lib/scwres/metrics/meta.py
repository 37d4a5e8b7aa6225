"""A random-effects summary of councils' log relative likelihoods (national and regional pages).

The pooled ratio (every council's counts added, then one RL) answers "what is the
ratio across all staff in these councils"; its interval ignores that councils
differ. The random-effects summary estimates the typical council instead, and
its interval widens by how much they differ (docs/methods.md, "National and
regional figures"): statsmodels ``combine_effects`` with the Paule-Mandel
estimate of the between-council variance (``method_re="pm"``), on each council's
log RL with its Katz variance ``1/a - 1/n1 + 1/c - 1/n2`` - the same standard
error the trend test uses. A council with a zero count has no log RL and no
variance, so it is left out (and the page says how many were).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from statsmodels.stats.meta_analysis import combine_effects

# I-squared in words: the share of the spread between councils that chance alone does not explain.
HETEROGENEITY_WORDS = ((0.40, "a little"), (0.75, "moderately"), (1.01, "a lot"))


@dataclass(frozen=True)
class RandomEffects:
    """The summary RL, its 95% interval, I-squared (0-1), tau-squared (log scale) and councils used/left out."""

    value: float
    ci_low: float
    ci_high: float
    i2: float
    tau2: float
    councils: int
    left_out: int

    @property
    def differ(self) -> str:
        """'a little', 'moderately' or 'a lot': how much councils differ beyond chance (from I-squared)."""
        return next(words for limit, words in HETEROGENEITY_WORDS if self.i2 < limit)

    @property
    def spread(self) -> tuple[float, float]:
        """Where most councils' own ratios would lie: the summary times and divided by exp(1.96 tau)."""
        reach = 1.959964 * math.sqrt(self.tau2)
        return math.exp(math.log(self.value) - reach), math.exp(math.log(self.value) + reach)


def katz_log(a: int, n1: int, c: int, n2: int) -> tuple[float, float] | None:
    """(log RL, Katz variance), or None when a count is 0 and the log ratio is undefined."""
    if min(a, n1, c, n2) <= 0:
        return None
    return math.log((a / n1) / (c / n2)), max(1 / a - 1 / n1 + 1 / c - 1 / n2, 0.0)


def random_effects(counts: Sequence[tuple[int, int, int, int]]) -> RandomEffects | None:
    """The Paule-Mandel random-effects summary of the councils' RLs; None with fewer than two usable councils."""
    usable = [x for x in (katz_log(*c) for c in counts) if x is not None and x[1] > 0]
    return summarise([u[0] for u in usable], [u[1] for u in usable], len(counts) - len(usable))


def summarise(log_rls: Sequence[float], variances: Sequence[float], left_out: int = 0) -> RandomEffects | None:
    """``random_effects`` on log RLs and their variances; None with fewer than two."""
    if len(log_rls) < 2:
        return None
    effects, variances = np.asarray(log_rls, dtype=float), np.asarray(variances, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the iteration may warn on a tau-squared of exactly 0
        res = combine_effects(effects, variances, method_re="pm")
    low, high = res.conf_int()[1]  # (fixed, random, fixed wls, random wls): the random-effects interval
    # I-squared = (Q - df) / Q, 0 when Q <= df; statsmodels' own i2 divides by Q = 0 when councils agree exactly.
    q, df = float(res.q), float(res.df)
    i2 = (q - df) / q if q > df else 0.0
    return RandomEffects(math.exp(res.mean_effect_re), math.exp(low), math.exp(high), i2,
                         max(float(res.tau2), 0.0), len(effects), left_out)
