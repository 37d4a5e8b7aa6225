"""The small rules behind a roll-up's figures, each against a value worked out by hand or by a second method:
the random-effects summary (``metrics.meta``) and when it is published (``disclosure.rollup_summary``),
the Benjamini-Hochberg check (``metrics.multiplicity``), the weights that decide which figure is lost
(``disclosure.weights``) and the requests file that carries a roll-up's trades (``disclosure.rollup_requests``).
"""

from __future__ import annotations

import json
import math

import pytest
from scipy.optimize import brentq

from scwres.disclosure import rollup_requests, weights
from scwres.disclosure.publication import RollupCouncil, RollupPlan
from scwres.disclosure.rollup_summary import rollup_random_effects
from scwres.disclosure.suppression import COUNT_COLUMNS, Plan, row_key
from scwres.metrics.meta import RandomEffects, katz_log, random_effects, summarise
from scwres.metrics.multiplicity import bh_survivors

# --- random effects -----------------------------------------------------------------------------------------


def paule_mandel(y: list[float], v: list[float]) -> tuple[float, float, float]:
    """A second method: solve sum w (y - m)^2 = k - 1 for tau2 with w = 1/(v + tau2) (0 if it cannot be met);
    the summary m = sum w y / sum w and its standard error 1 / sqrt(sum w)."""
    def excess(tau2: float) -> float:
        w = [1 / (vi + tau2) for vi in v]
        m = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sum(w)
        return sum(wi * (yi - m) ** 2 for wi, yi in zip(w, y, strict=True)) - (len(y) - 1)
    tau2 = 0.0 if excess(0.0) <= 0 else brentq(excess, 0.0, 100.0, xtol=1e-14)
    w = [1 / (vi + tau2) for vi in v]
    return sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sum(w), 1 / math.sqrt(sum(w)), tau2


def test_katz_log_ratio_and_variance():
    log_rl, var = katz_log(10, 100, 20, 400)
    assert log_rl == pytest.approx(math.log(0.1 / 0.05)) and var == pytest.approx(1 / 10 - 1 / 100 + 1 / 20 - 1 / 400)
    assert katz_log(0, 100, 20, 400) is None and katz_log(10, 100, 20, 0) is None
    assert katz_log(5, 5, 10, 10) == (0.0, 0.0)  # everyone had the event in both groups: no spread
    assert katz_log(10, 100, 0, 400) is None  # no white event: no log ratio
    assert katz_log(1, 10, 1, 40) == pytest.approx((math.log(4.0), 1 - 1 / 10 + 1 - 1 / 40))  # ones are counts


def test_three_councils_agree_with_a_second_method():
    counts = [(10, 100, 20, 400), (5, 50, 10, 100), (30, 120, 25, 300)]
    y, v = zip(*(katz_log(*c) for c in counts), strict=True)
    mean, se, tau2 = paule_mandel(list(y), list(v))
    got = random_effects(counts)
    assert got.councils == 3 and got.left_out == 0
    assert math.log(got.value) == pytest.approx(mean, rel=1e-6) and got.tau2 == pytest.approx(tau2, rel=1e-5)
    assert (math.log(got.ci_low), math.log(got.ci_high)) == pytest.approx((mean - 1.959964 * se,
                                                                           mean + 1.959964 * se), rel=1e-5)
    fixed_w = [1 / vi for vi in v]
    fixed_m = sum(w * yi for w, yi in zip(fixed_w, y, strict=True)) / sum(fixed_w)
    q = sum(w * (yi - fixed_m) ** 2 for w, yi in zip(fixed_w, y, strict=True))
    assert got.i2 == pytest.approx((q - 2) / q if q > 2 else 0.0, rel=1e-9)


def test_councils_closer_than_chance_alone_gives_i_squared_zero():
    """Log RLs 0.10, 0.12 and 0.11, each with variance 0.1: Q is far below its 2 degrees of freedom, so
    I-squared is 0 (not negative), tau-squared 0, and the summary the inverse-variance mean, 0.11."""
    got = summarise([0.10, 0.12, 0.11], [0.1, 0.1, 0.1])
    assert got.i2 == 0.0 and got.tau2 == pytest.approx(0.0, abs=1e-12)
    assert math.log(got.value) == pytest.approx(0.11)


def test_a_council_with_no_variance_or_no_log_ratio_is_left_out():
    got = random_effects([(10, 100, 20, 400), (5, 50, 10, 100), (5, 5, 10, 10), (0, 30, 4, 100)])
    assert (got.councils, got.left_out) == (2, 2)
    assert random_effects([(10, 100, 20, 400), (0, 30, 4, 100)]) is None  # one usable council: no summary
    assert summarise([], []) is None


@pytest.mark.parametrize("i2,words", [(0.0, "a little"), (0.399, "a little"), (0.40, "moderately"),
                                      (0.749, "moderately"), (0.75, "a lot"), (1.0, "a lot")])
def test_how_much_councils_differ_in_words(i2, words):
    assert RandomEffects(1.2, 1.0, 1.4, i2, 0.0, 3, 0).differ == words


def test_spread_is_the_summary_times_and_divided_by_exp_of_196_tau():
    got = RandomEffects(2.0, 1.5, 2.5, 0.5, 0.04, 5, 0).spread
    assert got == pytest.approx((2.0 / math.exp(1.959964 * 0.2), 2.0 * math.exp(1.959964 * 0.2)))
    assert RandomEffects(2.0, 1.5, 2.5, 0.0, 0.0, 5, 0).spread == pytest.approx((2.0, 2.0))


def _council(counts: tuple[int, int, int, int], hidden: tuple[str, ...] = ()) -> RollupCouncil:
    keys = [row_key("m3", "all", "overall", c) for c in COUNT_COLUMNS]
    return RollupCouncil("x", Plan(dict(zip(keys, counts, strict=True)), {row_key("m3", "all", "overall", c)
                                                                        for c in hidden}))


def test_the_summary_is_published_only_with_its_pooled_row_and_every_councils_row():
    councils = {"a": _council((10, 100, 20, 400)), "b": _council((5, 50, 10, 100)),
                "c": _council((30, 120, 25, 300))}
    plan = RollupPlan({"": ["a", "b", "c"], "r": ["a", "b"]}, councils)
    got = rollup_random_effects(plan, "", "m3", "all")
    counts = [(10, 100, 20, 400), (5, 50, 10, 100), (30, 120, 25, 300)]  # the three councils' rows, by hand
    y = [math.log((a / n1) / (c / n2)) for a, n1, c, n2 in counts]
    v = [1 / a - 1 / n1 + 1 / c - 1 / n2 for a, n1, c, n2 in counts]
    assert got.councils == 3 and math.log(got.value) == pytest.approx(paule_mandel(y, v)[0], rel=1e-6)
    assert rollup_random_effects(plan, "r", "m3", "all").councils == 2
    assert rollup_random_effects(plan, "elsewhere", "m3", "all") is None
    assert rollup_random_effects(plan, "", "m3", "adults") is None  # no council has that row
    plan.hidden_rows.add(("r", "m3", "all"))
    assert rollup_random_effects(plan, "r", "m3", "all") is None and rollup_random_effects(plan, "", "m3", "all")
    councils["b"] = _council((5, 50, 10, 100), hidden=("base_white",))
    assert rollup_random_effects(plan, "", "m3", "all") is None  # one council's row withheld


# --- Benjamini-Hochberg -----------------------------------------------------------------------------------------

def test_bh_by_hand():
    """m = 4 at 5%: sorted p 0.01, 0.03, 0.04, 0.2 against 0.0125, 0.025, 0.0375, 0.05 - only the first is under
    its line, so only 0.01 survives. 0.01, 0.02, 0.03, 0.04: the last is under 0.05, so all four survive."""
    assert bh_survivors([0.04, 0.01, 0.2, 0.03]) == [False, True, False, False]
    assert bh_survivors([0.04, 0.01, 0.02, 0.03]) == [True, True, True, True]
    assert bh_survivors([0.04, 0.01, 0.2, 0.03], alpha=0.2) == [True, True, True, True]
    assert bh_survivors([0.05]) == [True] and bh_survivors([0.051]) == [False]
    assert bh_survivors([]) == []
    assert all(type(x) is bool for x in bh_survivors([0.01, 0.5]))


# --- weights ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key,weight", [
    ("m3|all|overall|events_me", 8.0), ("m3|adults|overall|base_white", 4.0), ("m3|children|overall|events_me", 4.0),
    ("m3|all|subgroup:black|events_me", 1.0), ("m1|all|high|events_me", 1.0), ("m1|all|overall|events_me", 8.0),
    ("m9|adults|senior_share|events_me", 4.0), ("unknown|workforce.headcount|all", 1.0),
    ("total|workforce.headcount|all", 8.0), ("total|survey.respondents|children", 4.0), ("adults", 1.0),
    ("a|b", 1.0)])
def test_count_weights(key, weight):
    assert weights.count_weight(key) == weight


def test_rollup_weights_put_england_above_a_region_above_any_council_cell():
    assert weights.rollup_weight("") == 1000.0 and weights.rollup_weight("London") == 500.0
    assert weights.rollup_weight("London") > weights.ALL_STAFF > weights.SERVICE > weights.DETAIL


# --- the requests file ------------------------------------------------------------------------------------------

def test_requests_are_read_as_written_and_a_bad_file_asks_for_nothing(tmp_path):
    path = tmp_path / "rollup-requests" / "a" / "2024.json"
    assert rollup_requests.read("a", "2024", tmp_path) == set()
    assert rollup_requests.write("2024", {"a": {"k2", "k1"}}, ["a", "b"], tmp_path) == ["a"]
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == {"why": rollup_requests.WHY, "period": "2024", "hide": ["k1", "k2"]}
    assert text.startswith('{\n "why": ') and text.endswith("]\n}\n")  # one key a line, for a reader
    assert rollup_requests.read("a", "2024", tmp_path) == {"k1", "k2"}
    assert not (tmp_path / "rollup-requests" / "b").exists()  # nothing asked of b: no file
    assert not list(path.parent.glob(".*.part"))
    for text in ("{not json", '{"period": "2024"}', '{"hide": 5}', "[]"):
        path.write_text(text, encoding="utf-8")
        assert rollup_requests.read("a", "2024", tmp_path) == set()


def test_writing_returns_only_the_councils_whose_requests_changed(tmp_path):
    assert rollup_requests.write("2024", {"a": {"k1"}, "b": {"k2"}}, ["b", "a", "a"], tmp_path) == ["a", "b"]
    assert rollup_requests.write("2024", {"a": {"k1"}, "b": {"k2"}}, ["a", "b"], tmp_path) == []
    assert rollup_requests.write("2024", {"a": {"k1", "k3"}}, ["a", "b"], tmp_path) == ["a", "b"]
    assert rollup_requests.read("a", "2024", tmp_path) == {"k1", "k3"}
    assert not (tmp_path / "rollup-requests" / "b" / "2024.json").exists()  # b's request withdrawn
    assert rollup_requests.write("2025", {}, ["a"], tmp_path) == []  # nothing asked, no file: no change
    # a council whose request is unchanged does not stop the others from being written
    assert rollup_requests.write("2024", {"a": {"k1", "k3"}, "b": {"k4"}}, ["a", "b"], tmp_path) == ["b"]
    assert rollup_requests.read("b", "2024", tmp_path) == {"k4"}
    assert rollup_requests.read("a", "2024", tmp_path) == {"k1", "k3"}  # another period's file untouched
