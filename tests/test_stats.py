"""The interval, assessment and trend rules of docs/methods.md.

The score interval comes from statsmodels, so the checks here are independent of
it: Koopman's published example, a root-finding of Koopman's score statistic
in tests/koopman_reference.py (sharing no code with lib/), and the Wilson formula by hand.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import confint_proportions_2indep

from koopman_reference import koopman_interval
from scwres.metrics import stats
from scwres.metrics.stats import (
    TRENDS,
    ZERO_CLAMP,
    assess,
    interval_side,
    p_value,
    relative_likelihood,
    score_interval,
    trend,
    trend_p,
    wilson,
)


def upper(rl_high: float | None) -> float:
    return math.inf if rl_high is None else rl_high


def test_koopman_published_example():
    # Koopman (1984): 36 of 40 diseased and 16 of 80 non-diseased test positive; ratio 4.5,
    # 95% interval 2.94 to 7.15 (Stata's koopmani, STB-58, prints 2.939633 to 7.152252 by bisection).
    rl = relative_likelihood(36, 40, 16, 80)
    assert rl.value == pytest.approx(4.5, rel=1e-15)
    assert rl.ci_low == pytest.approx(2.939633, abs=1e-4)
    assert rl.ci_high == pytest.approx(7.152252, abs=1e-4)
    assert (round(rl.ci_low, 2), round(rl.ci_high, 2)) == (2.94, 7.15)


cells = st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60), st.integers(0, 60))


@settings(max_examples=150, deadline=None)
@given(cells)
def test_score_interval_matches_independent_root_finding(c4):
    """Every bound agrees with the root-finding above, zero cells and rates of 1 included."""
    a, extra1, c, extra2 = c4
    n1, n2 = a + extra1, c + extra2
    if min(n1, n2) == 0 or a + c == 0:
        assert relative_likelihood(a, n1, c, n2).insufficient
        return
    low, high = koopman_interval(a, n1, c, n2)
    rl = relative_likelihood(a, n1, c, n2)
    assert rl.ci_low == pytest.approx(low, rel=1e-7, abs=1e-12)
    assert upper(rl.ci_high) == pytest.approx(high, rel=1e-7)


@pytest.mark.parametrize("cells", [(10, 10, 20, 20), (3, 3, 5, 5), (0, 5, 1, 1), (1, 1, 0, 3), (0, 1, 2, 2),
                                   (1, 1, 0, 1), (1, 1, 1, 4)])
def test_rates_of_one_where_the_library_cubic_picks_the_wrong_root(cells):
    """statsmodels' closed form fails when a group's rate is 1; the checked bounds do not."""
    with np.errstate(all="ignore"):
        raw = confint_proportions_2indep(*cells, compare="ratio", method="score", correction=False, alpha=0.05)
    low, high = koopman_interval(*cells)

    def agrees(got, want: float) -> bool:
        if isinstance(got, complex) or getattr(got, "imag", 0):
            return False
        got = float(got)
        if want == 0 or math.isinf(want):
            return abs(got) < ZERO_CLAMP if want == 0 else math.isinf(got)
        return math.isclose(got, want, rel_tol=1e-6)

    raw_ok = agrees(raw[0], low) and agrees(raw[1], high)
    assert not raw_ok, "the library now gets this case right: the fallback may no longer be needed"
    got = score_interval(*cells)
    assert got[0] == pytest.approx(low, rel=1e-7, abs=1e-12)
    assert upper(got[1]) == pytest.approx(high, rel=1e-7)


def test_no_minority_ethnic_cases_gives_zero_with_an_interval_from_zero():
    rl = relative_likelihood(0, 162, 20, 800)
    assert rl.value == 0.0 and rl.ci_low == 0.0
    assert rl.ci_high == pytest.approx(koopman_interval(0, 162, 20, 800)[1], rel=1e-9)
    assert rl.log_rl is None and rl.se is None  # no Katz SE: the trend is not assessed
    raw_low = confint_proportions_2indep(0, 162, 20, 800, compare="ratio", method="score", correction=False)[0]
    assert raw_low != 0 and abs(raw_low) < ZERO_CLAMP  # the library's float noise, clamped to 0
    assert rl.ci_high < 1 and assess("m3", rl) == "favourable"  # 0 to 0.93: significant
    small = relative_likelihood(0, 20, 20, 800)  # none of 20 against 20 of 800: 0 to 3.2
    assert small.ci_low == 0 and small.ci_high > 1 and assess("m3", small) == "no_significant_difference"


def test_zero_minority_cases_can_be_significant():
    rl = relative_likelihood(0, 300, 40, 300)  # none of 300 against 40 of 300
    assert rl.ci_low == 0 and rl.ci_high < 1
    assert assess("m3", rl) == "favourable" and assess("m5", rl) == "adverse"


def test_no_white_cases_gives_a_lower_bound_only():
    rl = relative_likelihood(5, 50, 0, 200)
    assert rl.value is None and rl.ci_high is None and rl.unbounded
    assert rl.ci_low == pytest.approx(koopman_interval(5, 50, 0, 200)[0], rel=1e-9)
    assert rl.ci_low > 1
    assert assess("m3", rl) == "adverse"  # at least 5.3 times as likely: a finding
    assert assess("m2", rl) == "favourable"
    weak = relative_likelihood(1, 200, 0, 50)
    assert weak.ci_low < 1 and assess("m3", weak) == "no_significant_difference"


@pytest.mark.parametrize("cells", [(0, 10, 0, 10), (3, 0, 2, 10), (3, 10, 2, 0), (0, 0, 0, 0)])
def test_insufficient_data(cells):
    rl = relative_likelihood(*cells)
    assert rl.insufficient and rl.ci_low is None and rl.ci_high is None and rl.value is None
    assert assess("m2", rl) == "insufficient_data"


def test_wilson_hand_worked_with_the_contract_constant():
    # 12 of 40, z = 1.959964: centre (0.3 + z²/80) / (1 + z²/40), half-width z/(1 + z²/40) sqrt(p q/n + z²/4n²)
    z, n, p = 1.959964, 40, 0.3
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low, high = wilson(12, 40)
    assert low == pytest.approx(centre - half, abs=1e-8)  # statsmodels' z differs from 1.959964 by 1.5e-8
    assert high == pytest.approx(centre + half, abs=1e-8)
    assert (round(low, 4), round(high, 4)) == (0.1807, 0.4543)
    assert wilson(0, 0) is None
    assert wilson(0, 25)[0] == 0.0 and wilson(25, 25)[1] == 1.0


@given(x=st.integers(0, 3000), extra=st.integers(0, 3000))
def test_wilson_contains_the_share(x, extra):
    n = x + extra
    if n == 0:
        return
    low, high = wilson(x, n)
    assert 0 <= low <= x / n <= high <= 1


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


def test_katz_se_for_the_trend_hand_worked():
    # a=10 of 100, c=20 of 400: SE = sqrt(1/10 - 1/100 + 1/20 - 1/400) = sqrt(0.1375)
    rl = relative_likelihood(10, 100, 20, 400)
    assert rl.value == 2.0
    assert rl.log_rl == pytest.approx(math.log(2), rel=1e-15)
    assert rl.se == pytest.approx(math.sqrt(0.1375), rel=1e-12)


def test_trend_is_read_against_equality():
    before = relative_likelihood(20, 200, 60, 200)  # RL 0.33
    after = relative_likelihood(55, 200, 60, 200)  # RL 0.92
    # Towards 1 is closer to equality whichever side of 1 is adverse for the metric.
    assert trend("m2", after, before) == "closer_to_equality"
    assert trend("m3", after, before) == "closer_to_equality"
    assert trend("m2", before, after) == "further_from_equality"
    assert trend("m2", after, after) == "no_significant_change"
    assert trend("m2", after, None) == "no_previous_period"
    z = (math.log(55 / 60) - math.log(20 / 60)) / math.sqrt(
        (1 / 55 - 1 / 200 + 1 / 60 - 1 / 200) + (1 / 20 - 1 / 200 + 1 / 60 - 1 / 200))
    assert abs(z) >= 1.96
    assert trend_p(after, before) == pytest.approx(2 * (1 - NormalDist().cdf(abs(z))), rel=1e-9)
    assert trend_p(after, None) is None


def test_trend_from_the_favourable_side_towards_one_is_closer_not_worse():
    # CPD (m5, adverse below 1): 1.50 -> 1.00 moves from the favourable side to equality. The old rule
    # ("down is worse for m5") called it worsened; against equality it is closer.
    before = relative_likelihood(300, 1000, 200, 1000)  # RL 1.5
    after = relative_likelihood(200, 1000, 200, 1000)  # RL 1.0
    assert trend("m5", after, before) == "closer_to_equality"
    # A crossing: 0.5 -> 2.5, |ln 2.5| > |ln 0.5|, further from equality on the other side.
    low, high = relative_likelihood(50, 1000, 100, 1000), relative_likelihood(250, 1000, 100, 1000)
    assert trend("m3", high, low) == "further_from_equality"
    assert trend("m3", low, high) == "closer_to_equality"


def test_trend_values_stay_in_the_vocabulary():
    cases = [(5, 50, 10, 50), (10, 50, 5, 50), (0, 50, 5, 50), (25, 50, 25, 50), (40, 50, 5, 50)]
    for a in cases:
        for b in cases:
            assert trend("m2", relative_likelihood(*a), relative_likelihood(*b)) in TRENDS


def test_fisher_must_agree_for_small_counts():
    # 1 of 1 against 19 of 100: the score interval excludes 1 (score test p = 0.043), but Fisher's exact
    # test on [[1, 0], [19, 81]] gives p = P(the one person is among the 20 with the event) = 20/101.
    rl = relative_likelihood(1, 1, 19, 100)
    assert interval_side("m3", rl) == "adverse"
    assert p_value(rl) == pytest.approx(20 / 101, rel=1e-12)
    assert assess("m3", rl) == "no_significant_difference"
    # Switch the rule off (no count counts as small) and the same row is called adverse: the rule is what
    # stops it.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(stats, "SMALL_COUNT", 0)
        assert assess("m3", rl) == "adverse"
    # Small but clear: 4 of 4 against 0 of 100 -> Fisher p = 1 / C(104, 4), far below 0.05: still adverse.
    clear = relative_likelihood(4, 4, 1, 100)
    assert assess("m3", clear) == "adverse"
    assert p_value(clear) < 0.05


def test_p_value_is_the_score_test_of_equality_hand_worked():
    # With RL = 1 under the null, the score test's restricted estimate is the pooled rate, so its statistic
    # is the pooled z: (p1 - p2) / sqrt(p(1 - p)(1/n1 + 1/n2)). 17 of 41 against 21 of 109:
    p1, p2, pooled = 17 / 41, 21 / 109, 38 / 150
    zed = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / 41 + 1 / 109))
    assert p_value(relative_likelihood(17, 41, 21, 109)) == pytest.approx(2 * (1 - NormalDist().cdf(zed)), rel=1e-9)
    assert p_value(relative_likelihood(0, 10, 0, 10)) is None  # insufficient data: no test


@pytest.mark.parametrize(("now", "before"), [
    ((0, 200, 30, 200), (10, 200, 30, 200)),  # no minority ethnic cases now
    ((10, 200, 30, 200), (0, 200, 30, 200)),  # ... or before
    ((10, 200, 0, 200), (10, 200, 30, 200)),  # no white cases: the RL itself is undefined
    ((10, 200, 30, 200), (0, 200, 0, 200)),  # insufficient data before
    ((10, 0, 30, 200), (10, 200, 30, 200)),  # a base of 0
])
def test_trend_not_assessed_with_a_zero_cell(now, before):
    assert trend("m3", relative_likelihood(*now), relative_likelihood(*before)) == "not_assessed"


def test_trend_with_no_sampling_error_does_not_divide_by_zero():
    exact = relative_likelihood(10, 10, 20, 20)  # everyone in both groups: RL 1, SE 0
    assert exact.se == 0
    assert trend("m3", exact, exact) == "no_significant_change"


# --- properties ------------------------------------------------------------------------------------------

group = st.tuples(st.integers(0, 400), st.integers(0, 400))  # (events, non-events)


@settings(max_examples=150, deadline=None)
@given(me=group, white=group)
def test_point_lies_in_its_interval(me, white):
    a, n1, c, n2 = me[0], sum(me), white[0], sum(white)
    rl = relative_likelihood(a, n1, c, n2)
    if rl.insufficient:
        return
    point = rl.value if rl.value is not None else math.inf  # c = 0: the ratio is unbounded above
    assert rl.ci_low <= point <= upper(rl.ci_high)
    assert (rl.value == 0) == (a == 0) and (rl.ci_low == 0) == (a == 0)
    assert (rl.ci_high is None) == (c == 0)


@settings(max_examples=150, deadline=None)
@given(me=group, white=group)
def test_swapping_groups_inverts_rl_and_interval(me, white):
    a, n1, c, n2 = me[0], sum(me), white[0], sum(white)
    fwd, rev = relative_likelihood(a, n1, c, n2), relative_likelihood(c, n2, a, n1)
    assert fwd.insufficient == rev.insufficient
    if fwd.insufficient:
        return
    # rel 1e-7: the library's cubic roots (numpy.roots) are good to about 1e-9, not to the last bit
    assert fwd.ci_low == pytest.approx(0.0 if rev.ci_high is None else 1 / rev.ci_high, rel=1e-7, abs=1e-12)
    assert upper(fwd.ci_high) == pytest.approx(math.inf if rev.ci_low == 0 else 1 / rev.ci_low, rel=1e-7)
    if fwd.value and rev.value:
        assert fwd.value == pytest.approx(1 / rev.value, rel=1e-12)
    assert (fwd.value is None) == (rev.value == 0)


@settings(max_examples=100, deadline=None)
@given(me=group, white=group, which=st.sampled_from(["a", "c", "n1", "n2"]))
def test_intervals_are_monotone_in_the_counts(me, white, which):
    """One more minority ethnic case (same base) moves both bounds up, one more white case moves them
    down; a larger base with the same cases moves them the other way."""
    a, n1, c, n2 = me[0], sum(me), white[0], sum(white)
    if (which == "a" and a == n1) or (which == "c" and c == n2):
        return
    bumped = {"a": (a + 1, n1, c, n2), "c": (a, n1, c + 1, n2),
              "n1": (a, n1 + 1, c, n2), "n2": (a, n1, c, n2 + 1)}[which]
    first, second = relative_likelihood(a, n1, c, n2), relative_likelihood(*bumped)
    if first.insufficient or second.insufficient:
        return
    up = which in ("a", "n2")
    lo1, lo2, hi1, hi2 = first.ci_low, second.ci_low, upper(first.ci_high), upper(second.ci_high)
    if up:
        assert lo2 >= lo1 * (1 - 1e-7) and hi2 >= hi1 * (1 - 1e-7)
    else:
        assert lo2 <= lo1 * (1 + 1e-7) + 1e-12 and hi2 <= hi1 * (1 + 1e-7)


def test_more_events_than_base_is_insufficient_data_not_a_crash_or_a_rate_above_one() -> None:
    """A valid return can hold more disciplinary cases than the snapshot headcount (leavers' cases count too).

    That is no proportion: Fisher's table would have a negative cell (a ValueError) and the score interval a
    rate of 150%. The row is insufficient data, with no ratio, interval or p-value.
    """
    from scwres.metrics.stats import assess, katz, p_value, relative_likelihood

    for counts in [(6, 3, 10, 100), (30, 20, 100, 1000), (3, 10, 12, 11)]:
        rl = relative_likelihood(*counts)
        assert rl.insufficient and rl.value is None and rl.ci_low is None, counts
        assert p_value(rl) is None
        assert assess("m3", rl) == "insufficient_data"
        assert katz(*counts).log_rl is None
    assert not relative_likelihood(3, 3, 10, 100).insufficient  # every one of the group: still a proportion
