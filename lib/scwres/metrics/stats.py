"""The statistics of docs/methods.md: score intervals, the assessment rule and the trend test.

- A relative likelihood (RL) gets the Koopman (1984) asymptotic score
  interval for a ratio of two independent proportions, from statsmodels
  (``confint_proportions_2indep(..., compare="ratio", method="score",
  correction=False)``). Fagerland, Lydersen and Laake (2015) recommend it for
  small and moderate samples, and it needs no ad hoc correction for a zero
  cell: with no minority ethnic cases the RL is 0 and the interval starts at
  0; with no white cases the RL is undefined and the interval has a finite
  lower bound and no upper bound.
- A share or percentage gets the Wilson (1927) score interval, from
  statsmodels' ``proportion_confint(method="wilson")``.
- The Katz log standard error is kept for the trend test only, and the trend
  is ``not_assessed`` when a zero count makes the log ratio undefined. A
  significant change is read against equality (RL = 1), which is what the
  standard aims at: ``closer_to_equality`` or ``further_from_equality``.
- Small counts: when any of the four counts behind an RL is below 5 the score
  interval alone is not trusted; Fisher's exact test (scipy, two-sided) must
  also give p < 0.05 before the RL is adverse or favourable.
- Every assessment carries its p-value (``p_value`` in metrics.csv): the score
  test the interval inverts (statsmodels ``test_proportions_2indep``,
  ``compare="ratio"``, ``method="score"``, ``correction=False``), or Fisher's
  where that decided; a trend carries its z-test's.

statsmodels solves the score interval for a ratio as a cubic (Nam 1995); when
every member of a group had the event (a rate of 1) it picks the wrong root
and returns the point estimate, NaN or even a complex number as a bound. So
each bound it returns is checked against the definition of the interval - the
library's own score test, with the same settings, must give p = 0.05 there -
and a bound that fails is found instead by inverting that score test with
``scipy.optimize.brentq``. The tests compare every bound with an
independent root-finding of Koopman's statistic and with Koopman's published
example.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.stats import fisher_exact, norm
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    score_test_proportions_2indep,
    test_proportions_2indep,
)

from ..catalogue import ADVERSE_BELOW_ONE  # which side of 1 is adverse for each RL metric

ALPHA = 0.05  # 95% intervals; statsmodels turns it into z = 1.959963985 (docs/methods.md: 1.959964)
Z95 = 1.959964  # docs/methods.md's constant, used by the trend test and the funnel limits
ZERO_CLAMP = 1e-9  # a lower bound this close to 0 is 0 (float noise from the cubic)
_CHECK = 1e-9  # a returned bound whose score-test p-value is further than this from ALPHA is rejected
SMALL_COUNT = 5  # any of the four counts below this: Fisher's exact test must agree (docs/methods.md)
TRENDS = ("closer_to_equality", "further_from_equality", "no_significant_change", "no_previous_period",
          "not_assessed")


def wilson(events: int, base: int) -> tuple[float, float] | None:
    """95% Wilson score interval for events/base (statsmodels); None when the base is 0."""
    if base <= 0:
        return None
    low, high = proportion_confint(events, base, alpha=ALPHA, method="wilson")
    # The bounds are exactly 0 (x = 0) and 1 (x = n); say so rather than keep float noise.
    return (0.0 if events == 0 else float(low)), (1.0 if events == base else float(high))


@dataclass(frozen=True)
class RelativeLikelihood:
    """RL = (a/n1) / (c/n2) with its score interval, and the Katz pieces the trend test needs.

    ``ci_high`` is None when the interval has no upper bound (no white cases);
    ``log_rl`` and ``se`` are None when a count is 0 (the log ratio is undefined).
    """

    value: float | None  # None when undefined: no white cases, or insufficient data
    ci_low: float | None
    ci_high: float | None
    log_rl: float | None
    se: float | None
    insufficient: bool
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)

    @property
    def unbounded(self) -> bool:
        """The interval has a lower bound but no upper bound (c = 0, a > 0)."""
        return not self.insufficient and self.ci_high is None

    @property
    def zero_cell(self) -> bool:
        """Some event count or base is 0: the log ratio or its Katz SE is undefined."""
        return 0 in self.counts


def _pvalue(a: int, n1: int, c: int, n2: int, ratio: float) -> float:
    """Two-sided p-value of the library's score test of RL = ratio (the same test the interval inverts)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        res = score_test_proportions_2indep(a, n1, c, n2, value=ratio, compare="ratio", correction=False)
    p = float(res.pvalue)
    return 1.0 if math.isnan(p) else p  # 0/0 at the exact estimate: nothing to reject


def _bound_ok(a: int, n1: int, c: int, n2: int, bound: complex | float) -> bool:
    """Is this a real, positive bound at which the score test gives exactly p = ALPHA?"""
    if isinstance(bound, complex) or np.iscomplexobj(bound):
        return False
    bound = float(bound)
    if not math.isfinite(bound) or bound <= 0:
        return False
    return abs(_pvalue(a, n1, c, n2, bound) - ALPHA) < _CHECK


def _invert(a: int, n1: int, c: int, n2: int, start: float, upward: bool) -> float:
    """The bound on one side of ``start`` (a log RL inside the interval), by root-finding on the score test."""
    def gap(t: float) -> float:
        return _pvalue(a, n1, c, n2, math.exp(t)) - ALPHA

    step = 1.0 if upward else -1.0
    inner, outer = start, start + step
    while gap(outer) > 0:  # still inside the interval: step out until the test rejects
        inner, outer = outer, outer + step
        if abs(outer) > 700:
            raise ArithmeticError(f"score interval bound not found for {(a, n1, c, n2)}")
    return math.exp(brentq(gap, min(inner, outer), max(inner, outer), xtol=1e-13, rtol=1e-13))


def _inside(a: int, n1: int, c: int, n2: int) -> float:
    """A log RL inside the interval: the estimate, or (with a zero count) any value the test does not reject."""
    if a > 0 and c > 0:
        return math.log((a / n1) / (c / n2))
    t = 0.0
    step = 1.0 if c == 0 else -1.0
    while _pvalue(a, n1, c, n2, math.exp(t)) <= ALPHA:
        t += step
        if abs(t) > 700:
            raise ArithmeticError(f"no ratio inside the score interval for {(a, n1, c, n2)}")
    return t


def score_interval(a: int, n1: int, c: int, n2: int) -> tuple[float, float | None]:
    """Koopman's 95% score interval for (a/n1)/(c/n2); the upper bound is None when c = 0 (unbounded).

    Needs n1, n2 > 0 and a + c > 0. Calls statsmodels, then checks each bound (see the module docstring).
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # c = 0 divides by zero inside the library: the upper bound is inf
        low, high = confint_proportions_2indep(a, n1, c, n2, compare="ratio", method="score", correction=False,
                                               alpha=ALPHA)
    if a == 0:
        lower: float = 0.0
    elif not isinstance(low, complex) and not np.iscomplexobj(low) and abs(float(low)) < ZERO_CLAMP:
        lower = 0.0
    elif _bound_ok(a, n1, c, n2, low):
        lower = float(low)
    else:
        lower = _invert(a, n1, c, n2, _inside(a, n1, c, n2), upward=False)
    if c == 0:
        upper: float | None = None
    elif _bound_ok(a, n1, c, n2, high):
        upper = float(high)
    else:
        upper = _invert(a, n1, c, n2, _inside(a, n1, c, n2), upward=True)
    return lower, upper


def relative_likelihood(a: int, n1: int, c: int, n2: int) -> RelativeLikelihood:
    """RL of minority ethnic (``a`` events of ``n1``) against white (``c`` of ``n2``), per docs/methods.md.

    - a base of 0, no events in either group, or more events than base in a group (leavers' events can
      take a group past its snapshot headcount): insufficient data, no interval;
    - ``a = 0``: RL 0, interval from 0;  ``c = 0``: RL undefined, lower bound only;
    - the Katz log SE (for the trend test) only when every count is above 0.
    """
    counts = (int(a), int(n1), int(c), int(n2))
    if n1 <= 0 or n2 <= 0 or (a == 0 and c == 0) or a > n1 or c > n2:
        # more events than base: a valid return can hold it (leavers' events against the snapshot headcount),
        # but it is no proportion, so there is no ratio to give rather than a rate above 100%
        return RelativeLikelihood(None, None, None, None, None, True, counts)
    value = (a / n1) / (c / n2) if c > 0 else None
    low, high = score_interval(a, n1, c, n2)
    if a > 0 and c > 0:
        log_rl: float | None = math.log(value)  # type: ignore[arg-type]
        se: float | None = math.sqrt(max(1 / a - 1 / n1 + 1 / c - 1 / n2, 0.0))
    else:
        log_rl = se = None
    return RelativeLikelihood(value, low, high, log_rl, se, False, counts)


def small_counts(rl: RelativeLikelihood) -> bool:
    """Is any of the four counts behind the RL below 5 (so Fisher's exact test must agree)?"""
    return any(n < SMALL_COUNT for n in rl.counts)


def fisher_p(rl: RelativeLikelihood) -> float:
    """Two-sided p-value of Fisher's exact test on the 2x2 table (events and non-events by group)."""
    a, n1, c, n2 = rl.counts
    return float(fisher_exact([[a, n1 - a], [c, n2 - c]], alternative="two-sided").pvalue)


def score_p(rl: RelativeLikelihood) -> float:
    """Two-sided p-value of the score test of RL = 1 (the test the Koopman interval inverts)."""
    a, n1, c, n2 = rl.counts
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # c = 0 divides by zero in the library's odds ratio (not used here)
        p = float(test_proportions_2indep(a, n1, c, n2, compare="ratio", method="score", correction=False).pvalue)
    return 1.0 if math.isnan(p) else p


def p_value(rl: RelativeLikelihood) -> float | None:
    """The p-value behind the assessment: Fisher's with small counts, else the score test's; None without data."""
    if rl.insufficient:
        return None
    return fisher_p(rl) if small_counts(rl) else score_p(rl)


def interval_side(metric: str, rl: RelativeLikelihood) -> str:
    """adverse / favourable / no_significant_difference / insufficient_data from the interval alone.

    An interval with no upper bound lies above 1 when its lower bound does.
    """
    if rl.insufficient or rl.ci_low is None:
        return "insufficient_data"
    if rl.ci_low > 1:
        return "adverse" if metric not in ADVERSE_BELOW_ONE else "favourable"
    if rl.ci_high is not None and rl.ci_high < 1:
        return "favourable" if metric not in ADVERSE_BELOW_ONE else "adverse"
    return "no_significant_difference"


def assess(metric: str, rl: RelativeLikelihood) -> str:
    """adverse / favourable / no_significant_difference / insufficient_data (docs/methods.md).

    From the interval; with any count below 5 a significant side stands only when Fisher's exact test
    also gives p < 0.05 (1 of 1 against 19 of 100 is not a finding).
    """
    side = interval_side(metric, rl)
    if side in ("adverse", "favourable") and small_counts(rl) and fisher_p(rl) >= ALPHA:
        return "no_significant_difference"
    return side


def katz(a: int, n1: int, c: int, n2: int) -> RelativeLikelihood:
    """The log RL and its Katz SE alone (no interval), for testing a trend shown from two metrics rows."""
    counts = (int(a), int(n1), int(c), int(n2))
    if 0 in counts or a > n1 or c > n2:
        return RelativeLikelihood(None, None, None, None, None, n1 <= 0 or n2 <= 0 or a + c == 0 or a > n1 or c > n2,
                                  counts)
    value = (a / n1) / (c / n2)
    return RelativeLikelihood(value, None, None, math.log(value),
                              math.sqrt(max(1 / a - 1 / n1 + 1 / c - 1 / n2, 0.0)), False, counts)


def trend_z(now: RelativeLikelihood, before: RelativeLikelihood) -> float | None:
    """z of the change in log RL (Katz SEs); None when either log RL is undefined or both are exact."""
    if now.zero_cell or before.zero_cell or now.log_rl is None or before.log_rl is None:
        return None
    assert now.se is not None and before.se is not None
    spread = math.sqrt(now.se**2 + before.se**2)
    if spread == 0:
        return None
    return (now.log_rl - before.log_rl) / spread


def trend_p(now: RelativeLikelihood, before: RelativeLikelihood | None) -> float | None:
    """Two-sided p-value of the trend's z-test, or None when the trend is not tested."""
    if before is None:
        return None
    z = trend_z(now, before)
    return None if z is None else float(2 * norm.sf(abs(z)))


def trend(metric: str, now: RelativeLikelihood, before: RelativeLikelihood | None, z: float = 1.96) -> str:
    """Change against the previous period: a z-test on the Katz log RLs, read against equality.

    ``no_previous_period`` without an earlier period; ``not_assessed`` when either
    period has a zero event count or base in either group (the log RL or its SE
    is undefined there, and a corrected value would test a figure nobody sees).
    A significant change is ``closer_to_equality`` when ``|ln RL|`` fell, else
    ``further_from_equality``, whichever side of 1 is adverse for the metric: a
    ratio moving from the favourable side towards 1 is not "worse".
    """
    if before is None:
        return "no_previous_period"
    if now.zero_cell or before.zero_cell or now.log_rl is None or before.log_rl is None:
        return "not_assessed"
    stat = trend_z(now, before)
    if stat is None:  # both periods exact (every member of both groups had the event): nothing to test
        if now.log_rl == before.log_rl:
            return "no_significant_change"
    elif abs(stat) < z:
        return "no_significant_change"
    return "closer_to_equality" if abs(now.log_rl) < abs(before.log_rl) else "further_from_equality"
