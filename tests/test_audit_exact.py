"""The audit's ranges against a second method, and what the audit costs.

A second method: on councils of three or four cells, every whole-number solution of what a reader knows
(each shown count, "a [c] is at least 1", the limits) is listed outright - every cell lies between 0 and the
smallest shown count that holds it - so each hidden count's true feasible range is known exactly. The
audit proves a range only as wide as it needs to be (docs/methods.md, "The protection rule"), so what is
checked is the rule itself:

- every end of a returned range is a value some solution gives the count (nothing found that is not there);
- a count whose true range is narrower than it needs is given exactly that range (the audit sees the leak);
- any other count is given a range at least as wide as it needs (no false alarm hides more);
- a count whose lowest value is asked for gets its true lowest value (the roll-up audit adds these up).

And the cost: the module says two solves per part push every hidden count down and up at once, and only
counts those leave narrow are solved one by one. The solver is counted on councils where the count does
not depend on which optimal solution HiGHS reports (argued in each test), so it is argued, not observed.
"""

from __future__ import annotations

import itertools
import random
import warnings

import numpy as np
import pytest

from scwres.disclosure import audit
from scwres.limits import MAX_COUNT


def x(letter: str) -> tuple[str, str, str]:
    return ("x", "adults", letter)


def q(*letters: str) -> frozenset:
    return frozenset(x(letter) for letter in letters)


def true_ranges(counts: dict[frozenset, int], hidden: set, lims: list, free: int | None = None
                ) -> dict[frozenset, tuple[int, int]]:
    """Every hidden count's (lowest, highest) over every whole-number solution, listed outright.

    ``free``: where a cell is in no shown count, list it only from 0 to ``free``. Without limits that still
    gives every count's exact lowest value when ``free`` >= 1 - such a cell enters only hidden counts,
    whose one bound is "at least 1", so lowering it to 1 keeps every bound and lowers every sum - but not
    the highest (up to MAX_COUNT).
    """
    atoms = sorted({a for k in counts for a in k})
    cap = {a: min((v for k, v in counts.items() if k not in hidden and a in k), default=free) for a in atoms}
    assert None not in cap.values() and (free is None or not lims)
    grid = np.array(list(itertools.product(*(range(cap[a] + 1) for a in atoms))), dtype=int)
    sums = {k: grid[:, [atoms.index(a) for a in k]].sum(axis=1) for k in counts}
    ok = np.ones(len(grid), dtype=bool)
    for k, v in counts.items():
        if k not in hidden:
            ok &= sums[k] == v
        elif v > 0:
            ok &= sums[k] >= 1
    for lhs, rhs in lims:
        ok &= grid[:, [atoms.index(a) for a in lhs]].sum(axis=1) <= grid[:, [atoms.index(a) for a in rhs]].sum(axis=1)
    return {k: (int(sums[k][ok].min()), int(sums[k][ok].max())) for k in counts if k in hidden}


def random_council(seed: int):
    """Three or four cells of 0-4 people; their total shown (it bounds every cell); three to six other counts
    over fewer cells than all, each hidden half the time; sometimes a limit one cell <= one or two others."""
    rng = random.Random(seed)
    letters = "abcd"[:rng.choice([3, 4])]
    true = {letter: rng.randint(0, 4) for letter in letters}
    counts = {q(*letters): sum(true.values())}
    for _ in range(rng.randint(3, 6)):
        cells = rng.sample(letters, rng.randint(1, len(letters) - 1))
        counts.setdefault(q(*cells), sum(true[c] for c in cells))
    hidden = {k for k in counts if len(k) < len(letters) and rng.random() < 0.5}
    if not hidden:
        hidden = {next(k for k in counts if len(k) < len(letters))}
    lims = []
    if rng.random() < 0.5:
        lhs, *rhs = rng.sample(letters, rng.randint(2, 3))
        if true[lhs] <= sum(true[c] for c in rhs):
            lims.append(([x(lhs)], [x(c) for c in rhs]))
    threshold = rng.choice([3, 5, 10])
    lowest = {k for k in hidden if rng.random() < 0.4}
    forced = {k for k in hidden if rng.random() < 0.2}
    return counts, hidden, lims, threshold, lowest, forced


def audited(counts, hidden, lims, threshold, lowest=None, forced=None) -> dict:
    quantities = list(counts)
    out = {}
    for part in audit.parts(quantities, lims):
        out.update(audit.ranges(part, quantities, counts, hidden, threshold, None, lowest, forced))
    return out


@pytest.mark.parametrize("block", range(6))
def test_every_range_keeps_the_protection_rule_against_every_solution_listed(block):
    """60 tiny councils a block (seeded, so the same councils every run)."""
    for seed in range(block * 60, block * 60 + 60):
        counts, hidden, lims, threshold, lowest, forced = random_council(seed)
        truth = true_ranges(counts, hidden, lims)
        got = audited(counts, hidden, lims, threshold, lowest, forced)
        assert set(got) == set(truth), seed
        for k, (lo, hi) in got.items():
            t_lo, t_hi = truth[k]
            need = audit.width_needed(k, counts, threshold, forced)
            assert t_lo <= lo <= counts[k] <= hi <= t_hi, (seed, k, (lo, hi), truth[k])
            if t_hi - t_lo < need:
                assert (lo, hi) == (t_lo, t_hi), (seed, k)
            else:
                assert hi - lo >= need, (seed, k, (lo, hi), truth[k], need)
            if k in lowest:
                assert lo == t_lo, (seed, k)


def test_the_listing_finds_what_a_hand_finds():
    """The second method checked on the hand-worked case of test_audit_rules: a (3) and b (7) hidden, a + b
    = 10 shown, each at least 1: a and b each lie in 1..9."""
    counts = {q("a"): 3, q("b"): 7, q("a", "b"): 10}
    assert true_ranges(counts, {q("a"), q("b")}, []) == {q("a"): (1, 9), q("b"): (1, 9)}
    assert true_ranges(counts, {q("a"), q("b")}, [([x("a")], [x("b")])])[q("a")] == (1, 5)  # a <= b: a <= 5


def test_a_count_nothing_bounds_reaches_the_largest_count_a_return_may_hold():
    """a = 1 hidden and in no other count: it is at least 1 and at most MAX_COUNT (validation refuses more).
    Its range is 1..MAX_COUNT; without that bound the programme has no maximum and the audit would see 1..1."""
    assert audited({q("a"): 1}, {q("a")}, [], 10) == {q("a"): (1, MAX_COUNT)}


def test_a_hidden_zero_alone_gets_no_floor_and_no_equation():
    """z = 0 hidden alone (a hidden 0 gets no "at least 1"), y + w = 0 hidden alone: no equation holds them,
    so z lies in 0..MAX_COUNT and y + w in 0..2 x MAX_COUNT (each cell at most MAX_COUNT); the programme
    has columns that no row touches."""
    got = audited({q("z"): 0, q("y", "w"): 0, q("a"): 5}, {q("z"), q("y", "w")}, [], 10)
    assert got == {q("z"): (0, MAX_COUNT), q("y", "w"): (0, 2 * MAX_COUNT)}


class Solves:
    """Counts ``milp`` calls and keeps what each was given."""

    def __init__(self, monkeypatch):
        self.calls: list[dict] = []
        real = audit.milp

        def spy(objective, **kwargs):
            res = real(objective, **kwargs)
            self.calls.append({"objective": np.array(objective), "x": res.x, **kwargs})
            return res

        monkeypatch.setattr(audit, "milp", spy)

    def __len__(self) -> int:
        return len(self.calls)


def three_free(a: int = 2) -> dict:
    """a, b and c hidden (a, 3 and 2: small at threshold 10, each needs four values); a + p = 10, b + r = 10
    and c + s = 4 shown, and p + r + s + t = 30 (it links them into one part and binds nothing: p, r and s
    are at most 9, 9 and 3). So a and b lie in 1..10 and c in 1..4 (exactly four values), and minimising
    a + b + c has one solution (1, 1, 1), maximising it one too (10, 10, 4): two solves settle all three."""
    return {q("a"): a, q("b"): 3, q("c"): 2, q("a", "p"): 10, q("b", "r"): 10, q("c", "s"): 4,
            q("p", "r", "s", "t"): 30}


HIDE3 = {q("a"), q("b"), q("c")}


def test_two_solves_settle_three_counts_pushed_down_and_up_at_once(monkeypatch):
    solves = Solves(monkeypatch)
    got = audited(three_free(), HIDE3, [], 10)
    assert got == {q("a"): (1, 10), q("b"): (1, 10), q("c"): (1, 4)}
    assert len(solves) == 2
    assert solves.calls[0]["objective"] @ solves.calls[1]["objective"] < 0  # down, then up
    assert "integrality" not in solves.calls[0]  # the relaxation's optimum is whole: no integer solve


def test_lowest_values_already_reached_cost_no_solve(monkeypatch):
    """The same three asked for their lowest values: the first solve already put each at 1, its floor (a = 1
    too, a count of 1 cannot go below 1): nothing more is solved."""
    solves = Solves(monkeypatch)
    got = audited(three_free(a=1), HIDE3, [], 10, lowest=HIDE3)
    assert got == {q("a"): (1, 10), q("b"): (1, 10), q("c"): (1, 4)}
    assert len(solves) == 2


def test_counts_left_pinned_are_solved_one_by_one(monkeypatch):
    """a, b (settled by the two joint solves as above) and d, e, f each pinned (d + u = 5 with u = 3 shown,
    and so on): three of five stay narrow - more than half - so the joint solves stop and each pinned count
    is minimised and maximised alone: 2 + 3 x 2 solves."""
    counts = {q("a"): 2, q("b"): 3, q("a", "p"): 10, q("b", "r"): 10, q("p", "r", "d", "e", "f", "t"): 40}
    for cell, other in (("d", "u"), ("e", "v"), ("f", "w")):
        counts.update({q(cell): 2, q(cell, other): 5, q(other): 3})
    hide = {q("a"), q("b"), q("d"), q("e"), q("f")}
    solves = Solves(monkeypatch)
    got = audited(counts, hide, [], 10)
    assert got[q("a")] == (1, 10) and got[q("d")] == got[q("e")] == got[q("f")] == (2, 2)
    assert len(solves) == 2 + 3 * 2


def test_a_range_proven_wide_is_not_solved_again(monkeypatch):
    """Ranges carried in ``seen`` already wide, nothing asked lowest: no solve at all. Asked for b's lowest
    value (seen from 3), one solve finds it: 1."""
    counts = three_free()
    quantities = list(counts)
    part = audit.parts(quantities, [])[0]
    solves = Solves(monkeypatch)
    seen = {q("a"): [2, 10], q("b"): [3, 10], q("c"): [1, 4]}
    got = audit.ranges(part, quantities, counts, HIDE3, 10, seen)
    assert got == {q("a"): (2, 10), q("b"): (3, 10), q("c"): (1, 4)} and len(solves) == 0
    got = audit.ranges(part, quantities, counts, HIDE3, 10, seen, lowest={q("b")})
    assert got[q("b")] == (1, 10) and len(solves) == 1


def test_lowest_values_are_pushed_down_together_first(monkeypatch):
    """a and b wide (seen from 2 and 3), both asked lowest: one joint solve puts both at 1 (their only
    minimum), so neither is solved alone."""
    counts = three_free()
    quantities = list(counts)
    part = audit.parts(quantities, [])[0]
    solves = Solves(monkeypatch)
    seen = {q("a"): [2, 10], q("b"): [3, 10], q("c"): [1, 4]}
    got = audit.ranges(part, quantities, counts, HIDE3, 10, seen, lowest={q("a"), q("b")})
    assert got[q("a")] == (1, 10) and got[q("b")] == (1, 10) and len(solves) == 1


def test_protect_carries_what_it_found_from_round_to_round(monkeypatch):
    """a = 3 hidden, pinned by a + b = 10 and b = 7 (test_audit_rules): round one minimises and maximises a
    (2 solves: 3..3), hides a + b; round two, a min and max again (2: 1..MAX_COUNT, and a + b goes with it
    from 8 up). The last call, to return the ranges, has everything it needs from the rounds: no solve."""
    counts = {q("a"): 3, q("a", "b"): 10, q("b"): 7}
    label = {k: "".join(sorted(a[2] for a in k)) for k in counts}
    solves = Solves(monkeypatch)
    hidden, got = audit.protect(list(counts), counts, {q("a")}, 10, False, {}, label, lowest={q("a")})
    assert hidden == {q("a"), q("a", "b")} and got[q("a")] == (1, MAX_COUNT)
    assert len(solves) == 4


@pytest.mark.parametrize("block", range(3))
def test_protect_ends_with_every_hidden_count_protected_and_the_lowest_values_exact(block):
    """The random councils above through ``protect``, every hidden count asked for its lowest value (as a
    roll-up asks), the total made the dearest to hide: against the listing with
    the hidden counts ``protect`` settled on, each range keeps the rule and each low end is exact."""
    for seed in range(block * 40, block * 40 + 40):
        counts, hidden, _, threshold, _, forced = random_council(seed)
        label = {k: "".join(sorted(a[2] for a in k)) for k in counts}
        total = max(counts, key=len)
        final, got = audit.protect(list(counts), counts, hidden, threshold, False, {total: 1e9}, label,
                                   lowest=set(counts), forced=forced)
        assert final >= hidden and set(got) == final, seed
        truth = true_ranges(counts, final, [], free=2)  # protect takes its limits from the schema: x has none
        shown_cells = {a for k in counts if k not in final for a in k}
        for k, (lo, hi) in got.items():
            assert lo == truth[k][0] and lo <= counts[k] <= hi, (seed, k)
            if k <= shown_cells:  # every cell of k listed in full: the highest value is known too
                assert hi <= truth[k][1], (seed, k)
            assert hi - lo >= audit.width_needed(k, counts, threshold, forced), (seed, k)


def test_protect_hides_a_neighbour_for_each_narrow_count_in_one_round(monkeypatch):
    """a = 3 pinned by a + b = 10 and b = 7; c = 4 pinned by c + d = 12 and d = 8; b + d + t = 50 links
    them (and binds nothing). Round one: a and c each minimised and maximised alone (4 solves), both
    narrow, their neighbours a + b and c + d hidden in the same round - they share no cell. Round two:
    four narrow counts pushed down (a = c = 1) and up (a = c = MAX_COUNT) together: 2 solves settle all.
    Six in all; a neighbour a round would take three rounds and more solves."""
    counts = {q("a"): 3, q("a", "b"): 10, q("b"): 7, q("c"): 4, q("c", "d"): 12, q("d"): 8, q("b", "d", "t"): 50}
    label = {k: "".join(sorted(a[2] for a in k)) for k in counts}
    solves = Solves(monkeypatch)
    hidden, got = audit.protect(list(counts), counts, {q("a"), q("c")}, 10, False, {}, label)
    assert hidden == {q("a"), q("c"), q("a", "b"), q("c", "d")}
    assert got[q("a")] == got[q("c")] == (1, MAX_COUNT)
    assert len(solves) == 6


def test_a_count_asked_for_by_a_roll_up_is_solved_as_far_as_a_small_one_before_more_is_hidden():
    """b = 40, hidden at a roll-up's request (so it needs four values, not two); c = 60 hidden; b + c = 100
    and c + d = 61 shown (d in nothing else, so c <= 61 and b >= 39). b comes first: minimised, it reaches
    39 - two values, enough for a plain count, not for a requested one - so it is maximised too (99) and
    protected without hiding anything more. Solving it only as far as a plain count needs would see
    39..40 and hide b + c for nothing."""
    b, c = q("b"), q("c")
    counts = {b: 40, c: 60, q("b", "c"): 100, q("c", "d"): 61}
    label = {k: "".join(sorted(a[2] for a in k)) for k in counts}
    assert true_ranges(counts, {b, c}, [])[b] == (39, 99)
    hidden, got = audit.protect(list(counts), counts, {b, c}, 10, False, {}, label, forced={b})
    assert hidden == {b, c} and got[b] == (39, 99)


def test_protect_skips_only_the_narrow_counts_next_to_what_this_round_hides(monkeypatch):
    """a = 3 pinned (a + b = 10, b = 7 shown); a + y = 5 pinned through a (y = 2 shown); c = 4 pinned
    (c + d = 12, d = 8 shown); b + d + t = 50 links them. Round one: a's neighbour a + b is hidden; a + y
    touches it, so nothing more for a + y this round (hiding a + b frees it); c's neighbour c + d is hidden
    all the same. Round two: everything wide. So ``ranges`` is called three times (two rounds and the last
    call that returns the ranges); stopping at a + y would leave c for a third round."""
    counts = {q("a"): 3, q("a", "b"): 10, q("b"): 7, q("a", "y"): 5, q("y"): 2, q("c"): 4, q("c", "d"): 12,
              q("d"): 8, q("b", "d", "t"): 50}
    label = {k: "".join(sorted(a[2] for a in k)) for k in counts}
    calls = []
    real = audit.ranges
    monkeypatch.setattr(audit, "ranges", lambda *args, **kw: calls.append(1) or real(*args, **kw))
    hidden, got = audit.protect(list(counts), counts, {q("a"), q("a", "y"), q("c")}, 10, False, {}, label)
    assert hidden == {q("a"), q("a", "y"), q("c"), q("a", "b"), q("c", "d")}
    assert len(calls) == 3


def test_every_solve_is_bounded_and_time_limited_with_options_the_solver_knows(monkeypatch):
    """The odd cycle of test_audit_rules (a + b, b + c, a + c hidden) makes the relaxation fractional, so both
    the relaxation and the integer programme are solved. Each is given the time limit (a solve that stops
    early still gives a feasible solution) and cells between 0 and MAX_COUNT; an option HiGHS does not know
    would be a warning, which here is an error."""
    monkeypatch.setattr(audit, "SOLVE_SECONDS", 7.5)
    solves = Solves(monkeypatch)
    counts = {q("a", "b"): 1, q("b", "c"): 1, q("a", "c"): 2}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        audited(counts, set(counts), [], 10, lowest=set(counts))
    assert any("integrality" in c for c in solves.calls) and any("integrality" not in c for c in solves.calls)
    for call in solves.calls:
        assert call["options"]["time_limit"] == 7.5
        assert list(call["bounds"].lb) == [0, 0, 0] and list(call["bounds"].ub) == [MAX_COUNT] * 3


def test_an_integer_solve_only_where_the_relaxation_is_fractional(monkeypatch):
    """As above: an integer solve follows each relaxation whose optimum has a fractional cell, with the same
    objective, and no other. (Which optimum HiGHS reports decides how many there are, so that is not
    counted; pushed down together the relaxation's only optimum is a = b = c = 1/2, so there is one.)"""
    solves = Solves(monkeypatch)
    counts = {q("a", "b"): 1, q("b", "c"): 1, q("a", "c"): 2}
    audited(counts, set(counts), [], 10, lowest=set(counts))
    calls = solves.calls
    assert np.allclose(calls[0]["x"], 0.5) and "integrality" in calls[1]
    for i, call in enumerate(calls):
        if "integrality" in call:
            continue
        fractional = np.abs(call["x"] - np.round(call["x"])).max() > 1e-6
        follows = i + 1 < len(calls) and "integrality" in calls[i + 1]
        assert follows == fractional, i
        if follows:
            assert np.array_equal(calls[i + 1]["objective"], call["objective"])


def test_without_the_at_least_one_bound_a_count_asked_lowest_is_pushed_to_zero(monkeypatch):
    """With the bound off (the test that shows it matters), a count of 3 proven wide from 1 and asked for its
    lowest value is pushed on: a and b hidden with a + b = 10 shown, a can be 0."""
    monkeypatch.setattr(audit, "AT_LEAST_ONE", False)
    counts = {q("a"): 3, q("b"): 7, q("a", "b"): 10}
    quantities = list(counts)
    part = audit.parts(quantities, [])[0]
    seen = {q("a"): [1, 9], q("b"): [1, 9]}
    got = audit.ranges(part, quantities, counts, {q("a"), q("b")}, 10, seen, lowest={q("a")})
    assert got[q("a")] == (0, 9)
