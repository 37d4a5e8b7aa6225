"""The edges of stats.py that `make mutate` found untested: the Katz pieces of a trend, the exact boundaries of
the rules in docs/methods.md, and which bound of the library is kept.

Every expected value is worked by hand from the formulas in docs/methods.md (Katz SE, Wilson, Fisher's exact
test as a hypergeometric sum, the trend z) or read from the library the code is documented to call.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from koopman_reference import koopman_interval
from scwres.metrics import stats
from scwres.metrics.stats import (
    _bound_ok,
    _inside,
    _invert,
    assess,
    interval_side,
    katz,
    p_value,
    relative_likelihood,
    score_interval,
    small_counts,
    trend,
    trend_p,
    trend_z,
    wilson,
)


def katz_se(a: int, n1: int, c: int, n2: int) -> float:
    return math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)


# --- katz: the log RL and its SE from two metrics rows ------------------------------------------------------

def test_katz_hand_worked():
    rl = katz(10, 100, 20, 400)  # 10% against 5%: RL 2, SE sqrt(1/10 - 1/100 + 1/20 - 1/400) = sqrt(0.1375)
    assert rl.value == 2.0 and rl.log_rl == pytest.approx(math.log(2), rel=1e-15)
    assert rl.se == pytest.approx(math.sqrt(0.1375), rel=1e-12)
    assert rl.ci_low is None and rl.ci_high is None  # no interval: katz is for the trend only
    assert rl.insufficient is False and rl.counts == (10, 100, 20, 400)
    # a = n1 and c = n2 are still proportions (a rate of 1), and 1/a - 1/n1 = 0 there
    full = katz(3, 3, 4, 8)
    assert full.value == 2.0 and full.se == pytest.approx(math.sqrt(1 / 4 - 1 / 8), rel=1e-12)
    assert not full.insufficient
    assert katz(4, 8, 3, 3).value == 0.5 and katz(4, 8, 3, 3).se == pytest.approx(math.sqrt(1 / 8), rel=1e-12)
    ones = katz(1, 2, 1, 4)  # counts of 1 are not zero cells
    assert ones.value == 2.0 and ones.se == pytest.approx(math.sqrt(1 - 1 / 2 + 1 - 1 / 4), rel=1e-12)


def test_katz_with_no_sampling_error_has_se_zero_not_one():
    exact = katz(10, 10, 20, 20)  # everyone in both groups had the event: 1/a - 1/n1 + 1/c - 1/n2 = 0
    assert exact.value == 1.0 and exact.log_rl == 0.0 and exact.se == 0.0


@pytest.mark.parametrize(("counts", "insufficient"), [
    ((0, 100, 20, 400), False),  # a zero cell: no log ratio, but there are data
    ((10, 100, 0, 400), False),
    ((1, 100, 0, 400), False),  # one event in all
    ((0, 1, 20, 400), False),  # bases of 1
    ((10, 100, 0, 1), False),
    ((10, 10, 0, 400), False),  # a = n1 and c = n2 are proportions
    ((0, 100, 20, 20), False),
    ((0, 100, 0, 400), True),  # no events at all
    ((0, 0, 20, 400), True),  # a base of 0
    ((10, 100, 0, 0), True),
    ((11, 10, 3, 10), True),  # more events than base: no proportion
    ((3, 10, 11, 10), True),
])
def test_katz_without_a_log_ratio(counts, insufficient):
    rl = katz(*counts)
    assert rl.value is None and rl.log_rl is None and rl.se is None and rl.ci_low is None
    assert rl.insufficient is insufficient and rl.counts == counts
    assert trend("m3", rl, katz(10, 100, 20, 400)) == "not_assessed"


def test_katz_agrees_with_the_full_relative_likelihood():
    for counts in [(10, 100, 20, 400), (37, 200, 60, 200), (4, 9, 2, 30)]:
        full, alone = relative_likelihood(*counts), katz(*counts)
        assert (alone.value, alone.log_rl, alone.se) == pytest.approx((full.value, full.log_rl, full.se), rel=1e-15)
        assert alone.se == pytest.approx(katz_se(*counts), rel=1e-12)


# --- relative_likelihood: the fields a caller reads ---------------------------------------------------------

def test_counts_of_one_have_a_log_ratio_and_a_katz_se():
    one_me = relative_likelihood(1, 10, 2, 20)  # 10% against 10%
    assert one_me.log_rl == pytest.approx(0.0, abs=1e-15) and one_me.se == pytest.approx(katz_se(1, 10, 2, 20))
    one_white = relative_likelihood(2, 20, 1, 10)
    assert one_white.log_rl == pytest.approx(0.0, abs=1e-15) and one_white.se == pytest.approx(katz_se(2, 20, 1, 10))


def test_a_white_group_of_one_is_still_a_ratio():
    rl = relative_likelihood(3, 10, 1, 1)  # 30% against 100%
    assert not rl.insufficient and rl.value == pytest.approx(0.3, rel=1e-15)
    low, high = koopman_interval(3, 10, 1, 1)
    assert rl.ci_low == pytest.approx(low, rel=1e-7) and rl.ci_high == pytest.approx(high, rel=1e-7)


def test_insufficient_is_a_boolean_and_counts_are_kept_either_way():
    assert relative_likelihood(10, 100, 20, 400).insufficient is False
    none = relative_likelihood(0, 10, 0, 12)
    assert none.insufficient is True and none.counts == (0, 10, 0, 12)


# --- the boundaries of the rules ----------------------------------------------------------------------------

def test_a_count_of_exactly_5_is_not_small():
    assert not small_counts(relative_likelihood(5, 50, 5, 50))
    for counts in [(4, 50, 5, 50), (5, 4, 3, 50), (5, 50, 4, 50), (5, 50, 5, 4)]:
        assert small_counts(relative_likelihood(*counts))


def test_fisher_p_of_exactly_0_05_is_not_significant():
    # 1 of 1 against 0 of 19: one event among 20 people. Fisher's two-sided p: the observed table (the event in
    # the group of 1) has probability 1/20, the other possible table 19/20, so p = 1/20 = 0.05, not below it.
    rl = relative_likelihood(1, 1, 0, 19)
    assert interval_side("m3", rl) == "adverse"  # the score interval alone excludes 1
    assert p_value(rl) == 0.05
    assert assess("m3", rl) == "no_significant_difference"


def test_fisher_also_guards_a_favourable_finding():
    # 19 of 100 against 1 of 1, the mirror of test_stats' example: the interval lies below 1 (favourable for
    # disciplinary cases), Fisher's p = 20/101 (the one white person is among the 20 with the event).
    rl = relative_likelihood(19, 100, 1, 1)
    assert interval_side("m3", rl) == "favourable" and interval_side("m2", rl) == "adverse"
    assert p_value(rl) == pytest.approx(20 / 101, rel=1e-12)
    assert assess("m3", rl) == "no_significant_difference" and assess("m2", rl) == "no_significant_difference"


def test_a_ratio_with_no_interval_has_no_side():
    assert interval_side("m3", katz(30, 100, 10, 400)) == "insufficient_data"  # RL 12, but no interval


def test_p_value_when_everyone_had_the_event_is_1():
    # 10 of 10 against 20 of 20: the rates are equal and there is no variation, so nothing is rejected
    assert p_value(relative_likelihood(10, 10, 20, 20)) == 1.0


def test_wilson_hand_worked_at_the_edges():
    z = 1.959963984540054  # statsmodels' z for alpha 0.05
    # one of one: p = 1, the lower bound is 1 / (1 + z^2)
    low, high = wilson(1, 1)
    assert low == pytest.approx(1 / (1 + z * z), rel=1e-12) and high == 1.0
    # one of 40: the lower bound is above 0
    n, p = 40, 1 / 40
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert wilson(1, 40) == pytest.approx((centre - half, centre + half), rel=1e-10)
    # none or all of 7: the library's float noise (it gives 1e-17 and 1 - 1e-16 there) is made exact
    assert wilson(0, 7)[0] == 0.0 and wilson(7, 7)[1] == 1.0


def test_trend_z_hand_worked_between_1_96_and_3():
    before, now = relative_likelihood(20, 200, 60, 200), relative_likelihood(37, 200, 60, 200)
    z = (math.log(37 / 60) - math.log(20 / 60)) / math.sqrt(katz_se(37, 200, 60, 200) ** 2
                                                             + katz_se(20, 200, 60, 200) ** 2)
    assert 1.96 < z < 2.5
    assert trend_z(now, before) == pytest.approx(z, rel=1e-12)
    assert trend("m3", now, before) == "closer_to_equality"  # 0.33 -> 0.62: significant at 1.96


def test_a_small_change_is_no_significant_change():
    before, now = relative_likelihood(20, 200, 60, 200), relative_likelihood(22, 200, 60, 200)
    assert abs(trend_z(now, before)) < 1.96
    assert trend("m3", now, before) == "no_significant_change"


def test_a_z_exactly_at_the_critical_value_is_significant():
    # docs/methods.md: |z| < 1.96 is no significant change, so |z| equal to the critical value is a change
    before, now = relative_likelihood(20, 200, 60, 200), relative_likelihood(37, 200, 60, 200)
    stat = abs(trend_z(now, before))
    assert trend("m3", now, before, z=stat) == "closer_to_equality"
    assert trend("m3", now, before, z=math.nextafter(stat, math.inf)) == "no_significant_change"


def test_the_same_distance_from_equality_on_the_other_side_is_not_closer():
    # 0.5 -> 2.0: |ln 2| = |ln 0.5|; docs/methods.md: closer only when |ln RL_now| < |ln RL_before|
    before, now = relative_likelihood(50, 1000, 100, 1000), relative_likelihood(200, 1000, 100, 1000)
    assert abs(now.log_rl) == abs(before.log_rl)
    assert trend("m3", now, before) == "further_from_equality"


def test_a_row_with_more_events_than_base_has_no_trend():
    odd, normal = relative_likelihood(6, 3, 10, 100), relative_likelihood(10, 200, 30, 200)
    assert not odd.zero_cell and odd.log_rl is None  # no zero count, but no log ratio either
    assert trend("m3", odd, normal) == "not_assessed" and trend("m3", normal, odd) == "not_assessed"
    assert trend_z(odd, normal) is None and trend_z(normal, odd) is None
    assert trend_p(odd, normal) is None


def test_trend_p_is_none_with_a_zero_cell():
    assert trend_p(relative_likelihood(0, 200, 30, 200), relative_likelihood(10, 200, 30, 200)) is None


# --- which bound is kept ------------------------------------------------------------------------------------

@pytest.mark.parametrize("cells", [(36, 40, 16, 80), (20, 200, 60, 200), (17, 41, 21, 109)])
def test_a_library_bound_that_passes_the_check_is_kept_as_the_library_gave_it(cells):
    """The module docstring: statsmodels' score interval is used; only a bound that fails the check is solved
    again. So where the library is right (rates below 1) the interval is the library's, to the last bit."""
    with np.errstate(all="ignore"):
        low, high = confint_proportions_2indep(*cells, compare="ratio", method="score", correction=False, alpha=0.05)
    assert score_interval(*cells) == (float(low), float(high))


def test_a_complex_or_non_positive_bound_is_refused():
    a, n1, c, n2 = 36, 40, 16, 80
    low = float(confint_proportions_2indep(a, n1, c, n2, compare="ratio", method="score", correction=False)[0])
    assert _bound_ok(a, n1, c, n2, low)
    assert not _bound_ok(a, n1, c, n2, complex(low, 0.0))
    assert not _bound_ok(a, n1, c, n2, np.array(complex(low, 0.0)))  # a numpy complex, imaginary part 0
    assert not _bound_ok(a, n1, c, n2, -low) and not _bound_ok(a, n1, c, n2, math.inf)


def test_the_search_gives_up_with_a_message_naming_the_counts(monkeypatch):
    monkeypatch.setattr(stats, "_pvalue", lambda *args: 0.0)  # every ratio rejected: nothing inside
    with pytest.raises(ArithmeticError, match=r"no ratio inside the score interval for \(0, 5, 3, 9\)"):
        _inside(0, 5, 3, 9)
    monkeypatch.setattr(stats, "_pvalue", lambda *args: 1.0)  # nothing rejected: no bound
    with pytest.raises(ArithmeticError, match=r"score interval bound not found for \(2, 5, 3, 9\)"):
        _invert(2, 5, 3, 9, 0.0, upward=True)
