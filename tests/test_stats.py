"""The interval, assessment and trend formulas of metrics.md, against hand-worked
examples and against scipy / statsmodels."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats.contingency import relative_risk
from statsmodels.stats.proportion import proportion_confint

from scwres.stats import Z95, assess, relative_likelihood, trend, wilson


def test_katz_hand_worked():
    # a=10 of 100 minority ethnic, c=20 of 400 white: RL = 0.1 / 0.05 = 2
    # SE = sqrt(1/10 - 1/100 + 1/20 - 1/400) = sqrt(0.1375) = 0.370810
    # CI = exp(ln 2 ± 1.959964 × 0.370810) = (0.9669, 4.1368)
    rl = relative_likelihood(10, 100, 20, 400)
    assert rl.value == 2.0
    assert rl.se == pytest.approx(math.sqrt(0.1375), rel=1e-12)
    assert rl.ci_low == pytest.approx(0.9669, abs=5e-5)
    assert rl.ci_high == pytest.approx(4.1368, abs=5e-5)
    assert assess("m3", rl) == "no_significant_difference"


def test_wilson_hand_worked():
    # 12 of 40: p = 0.3; centre (0.3 + z²/80) / (1 + z²/40) = 0.317524; half-width 0.136777
    low, high = wilson(12, 40)
    assert low == pytest.approx(0.1807, abs=5e-5)
    assert high == pytest.approx(0.4543, abs=5e-5)
    assert wilson(0, 0) is None


def test_zero_cell_uses_haldane_anscombe_for_interval_only():
    rl = relative_likelihood(0, 50, 10, 200)
    assert rl.value == 0.0  # the point RL stays the raw ratio
    a, n1, c, n2 = 0.5, 51, 10.5, 201
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    centre = math.log((a / n1) / (c / n2))
    assert rl.ci_low == pytest.approx(math.exp(centre - Z95 * se), rel=1e-12)
    assert rl.ci_high == pytest.approx(math.exp(centre + Z95 * se), rel=1e-12)


def test_white_zero_leaves_rl_undefined_but_interval_defined():
    rl = relative_likelihood(4, 50, 0, 200)
    assert rl.value is None
    assert rl.ci_low is not None and rl.ci_low > 0


@pytest.mark.parametrize("cells", [(0, 10, 0, 10), (3, 0, 2, 10), (3, 10, 2, 0)])
def test_insufficient_data(cells):
    rl = relative_likelihood(*cells)
    assert rl.insufficient
    assert assess("m2", rl) == "insufficient_data"


@pytest.mark.parametrize(
    ("metric", "cells", "expected"),
    [
        ("m2", (20, 200, 60, 200), "adverse"),  # less likely to be appointed: adverse below 1
        ("m3", (20, 200, 60, 200), "favourable"),  # less likely to be disciplined: favourable
        ("m3", (60, 200, 20, 200), "adverse"),
        ("m5", (60, 200, 20, 200), "favourable"),
        ("m9", (5, 500, 30, 500), "adverse"),
        ("m8", (30, 300, 31, 300), "no_significant_difference"),
    ],
)
def test_assessment_direction(metric, cells, expected):
    assert assess(metric, relative_likelihood(*cells)) == expected


def test_trend_improved_and_worsened():
    before = relative_likelihood(20, 200, 60, 200)  # m2 RL 0.33
    after = relative_likelihood(55, 200, 60, 200)  # m2 RL 0.92
    assert trend("m2", after, before) == "improved"
    assert trend("m3", after, before) == "worsened"  # for m3 up is worse
    assert trend("m2", after, after) == "no_significant_change"
    assert trend("m2", after, None) == "no_previous_period"
    z = (after.log_rl - before.log_rl) / math.sqrt(after.se**2 + before.se**2)
    assert abs(z) >= 1.96


counts = st.integers(min_value=1, max_value=5000)


@given(a=counts, extra1=st.integers(0, 5000), c=counts, extra2=st.integers(0, 5000))
def test_matches_scipy_relative_risk(a, extra1, c, extra2):
    n1, n2 = a + extra1, c + extra2
    rl = relative_likelihood(a, n1, c, n2)
    ref = relative_risk(a, n1, c, n2)
    ci = ref.confidence_interval(0.95)
    assert rl.value == pytest.approx(ref.relative_risk, rel=1e-12)
    # scipy uses z = 1.959963985; the contract's constant is 1.959964
    assert rl.ci_low == pytest.approx(ci.low, rel=1e-6)
    assert rl.ci_high == pytest.approx(ci.high, rel=1e-6)


@given(x=st.integers(0, 3000), extra=st.integers(0, 3000))
def test_wilson_matches_statsmodels(x, extra):
    n = x + extra
    if n == 0:
        return
    low, high = wilson(x, n)
    ref_low, ref_high = proportion_confint(x, n, alpha=0.05, method="wilson")
    assert low == pytest.approx(ref_low, abs=1e-7)
    assert high == pytest.approx(ref_high, abs=1e-7)
    assert 0 <= low <= x / n <= high <= 1


@given(a=st.integers(0, 500), e1=st.integers(1, 500), c=st.integers(0, 500), e2=st.integers(1, 500))
def test_swapping_groups_inverts_rl_and_interval(a, e1, c, e2):
    fwd = relative_likelihood(a, a + e1, c, c + e2)
    rev = relative_likelihood(c, c + e2, a, a + e1)
    assert fwd.insufficient == rev.insufficient
    if fwd.insufficient:
        return
    assert fwd.ci_low == pytest.approx(1 / rev.ci_high, rel=1e-9)
    assert fwd.ci_high == pytest.approx(1 / rev.ci_low, rel=1e-9)
    if fwd.value and rev.value:
        assert fwd.value == pytest.approx(1 / rev.value, rel=1e-12)


def test_trend_with_no_sampling_error_does_not_divide_by_zero():
    exact = relative_likelihood(10, 10, 20, 20)  # everyone in both groups: RL 1, SE 0
    assert exact.se == 0
    assert trend("m3", exact, exact) == "no_significant_change"
