"""Independent score intervals for the tests: Koopman (1984) for a ratio of two proportions, Wilson for one.

It shares no code with lib/ (which calls statsmodels): Koopman's chi-square
statistic is written out here and inverted with ``scipy.optimize.brentq``, so
the tests can check the library's bounds, zero cells and rates of 1 included.
"""

from __future__ import annotations

import math

from scipy.optimize import brentq

Z = 1.959963984540054  # the 97.5% normal point (alpha = 0.05, as the contract's statsmodels call uses)


def koopman_statistic(x: int, m: int, y: int, n: int, theta: float) -> float:
    """Koopman's chi-square statistic U(theta) for H0: p1 / p2 = theta (x of m against y of n).

    The restricted maximum likelihood estimate of p2 under p1 = theta p2 is the smaller root of
    (m + n) theta p2^2 - (m theta + x + n + y theta) p2 + (x + y) = 0 (Koopman 1984, eq. 2).
    """
    qa = (m + n) * theta
    qb = -(m * theta + x + n + y * theta)
    qc = x + y
    p2 = 2 * qc / (-qb + math.sqrt(max(qb * qb - 4 * qa * qc, 0.0)))  # the smaller root, without cancellation
    p1 = theta * p2
    terms = 0.0
    for observed, size, p in ((x, m, p1), (y, n, p2)):
        if (observed - size * p) ** 2 == 0:
            continue
        if p * (1 - p) == 0:  # an estimate of 0 or 1 that the data contradict: rejected outright
            return math.inf
        terms += (observed - size * p) ** 2 / (size * p * (1 - p))
    return terms


def koopman_interval(x: int, m: int, y: int, n: int) -> tuple[float, float]:
    """{theta : U(theta) <= z^2}, found with brentq on log theta; inf when there is no upper bound."""
    def f(t: float) -> float:
        return koopman_statistic(x, m, y, n, math.exp(t)) - Z * Z

    if x > 0 and y > 0:
        centre = math.log((x / m) / (y / n))
    else:  # any ratio the test accepts will do as a starting point
        centre = 0.0
        while f(centre) > 0:
            centre += 1 if y == 0 else -1
    if x == 0:
        low = 0.0
        assert f(-40) < 0  # no lower bound above 0: tiny ratios are accepted
    else:
        t = centre - 1
        while f(t) < 0:
            t -= 1
        low = math.exp(brentq(f, t, centre, xtol=1e-14, rtol=1e-14))
    if y == 0:
        high = math.inf
        assert f(40) < 0  # ... and no upper bound
    else:
        t = centre + 1
        while f(t) < 0:
            t += 1
        high = math.exp(brentq(f, centre, t, xtol=1e-14, rtol=1e-14))
    return low, high


def wilson_interval(x: int, n: int) -> tuple[float, float]:
    """Wilson's score interval for x of n, from its closed form (the library calls statsmodels)."""
    p = x / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half
