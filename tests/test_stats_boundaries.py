"""The edges of the statistics: an interval ending exactly at 1, and the backup root-finding of stats.py.

Expected values come from the contract's rule (docs/methods.md: significant only when the whole interval
lies on one side of 1) and from the independent Koopman root-finding in tests/koopman_reference.py.
"""

from __future__ import annotations

import math

import pytest

from koopman_reference import koopman_interval
from scwres.metrics.stats import ALPHA, RelativeLikelihood, _inside, _invert, _pvalue, assess

LARGE = (100, 1000, 100, 1000)  # counts well above any small-count rule: the interval alone decides


def interval(low: float, high: float | None) -> RelativeLikelihood:
    """An RL whose interval is exactly [low, high], to put a bound on 1 exactly."""
    return RelativeLikelihood(value=1.0, ci_low=low, ci_high=high, log_rl=0.0, se=0.1, insufficient=False,
                              counts=LARGE)


@pytest.mark.parametrize(("low", "high", "m3", "m2"), [
    (0.5, 1.0, "no_significant_difference", "no_significant_difference"),  # ends at 1: contains 1
    (0.5, math.nextafter(1.0, 0.0), "favourable", "adverse"),  # ends just below 1
    (1.0, 2.0, "no_significant_difference", "no_significant_difference"),  # starts at 1: contains 1
    (math.nextafter(1.0, 2.0), 2.0, "adverse", "favourable"),  # starts just above 1
    (1.0, None, "no_significant_difference", "no_significant_difference"),  # unbounded from 1
])
def test_an_interval_touching_1_contains_1(low, high, m3, m2):
    """m3 (disciplinary) is adverse above 1, m2 (appointment) below 1."""
    assert assess("m3", interval(low, high)) == m3
    assert assess("m2", interval(low, high)) == m2


@pytest.mark.parametrize("cells", [(0, 100, 50, 100), (0, 50, 25, 100)])
def test_backup_search_with_no_minority_cases_steps_down_from_1(cells):
    """With a = 0 the RL is 0 and the interval [0, U] lies below 1 here: the search must step down."""
    upper = koopman_interval(*cells)[1]
    assert upper < 1  # ratio 1 is rejected, so 1 is no starting point
    t = _inside(*cells)
    assert _pvalue(*cells, math.exp(t)) > ALPHA and math.exp(t) < upper
    assert _invert(*cells, t, upward=True) == pytest.approx(upper, rel=1e-7)


@pytest.mark.parametrize("cells", [(50, 100, 0, 100), (25, 100, 0, 50)])
def test_backup_search_with_no_white_cases_steps_up_from_1(cells):
    """With c = 0 the interval is [L, inf) with L above 1 here: the search must step up."""
    lower = koopman_interval(*cells)[0]
    assert lower > 1
    t = _inside(*cells)
    assert _pvalue(*cells, math.exp(t)) > ALPHA and math.exp(t) > lower
    assert _invert(*cells, t, upward=False) == pytest.approx(lower, rel=1e-7)


@pytest.mark.parametrize("cells", [(10, 50, 20, 50), (45, 60, 3, 90)])
def test_backup_root_finding_gives_koopmans_bounds_on_both_sides(cells):
    """Started from the estimate, the search finds each bound of the independent Koopman interval."""
    low, high = koopman_interval(*cells)
    start = math.log((cells[0] / cells[1]) / (cells[2] / cells[3]))
    assert _inside(*cells) == start
    assert _invert(*cells, start, upward=False) == pytest.approx(low, rel=1e-7)
    assert _invert(*cells, start, upward=True) == pytest.approx(high, rel=1e-7)
