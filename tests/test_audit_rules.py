"""The protection audit (``disclosure.audit``) on councils of a few counts, each range worked out by hand.

Atoms are (source, service, group) cells; a source the return's validation limits do not name ("x") has
no limits, so only the counts and "a [c] is at least 1" constrain it. Each expected range is argued in the
test from those rules (docs/methods.md, "Disclosure control"), not read off the solver.
"""

from __future__ import annotations

import pytest

from scwres.disclosure import audit
from scwres.limits import MAX_COUNT

WF = "workforce.headcount"


def x(letter: str) -> tuple[str, str, str]:
    return ("x", "adults", letter)


def q(*letters: str) -> frozenset:
    return frozenset(x(letter) for letter in letters)


def found_ranges(counts: dict[frozenset, int], hidden: set[frozenset], threshold: int = 10,
                 lims: list | None = None, lowest: set | None = None, forced: set | None = None) -> dict:
    quantities = list(counts)
    out = {}
    for part in audit.parts(quantities, lims or []):
        out.update(audit.ranges(part, quantities, counts, hidden, threshold, None, lowest, forced))
    return out


def test_need_and_width_needed():
    assert [audit.need(v, 10) for v in (0, 1, 9, 10, 50)] == [1, 3, 3, 1, 1]
    value_of = {q("a"): 40, q("b"): 4}
    assert audit.width_needed(q("a"), value_of, 10) == 1 and audit.width_needed(q("b"), value_of, 10) == 3
    assert audit.width_needed(q("a"), value_of, 10, forced={q("a")}) == 3  # a request covers a small count
    assert audit.width_needed(q("a"), value_of, 50) == 3


def test_failing_lists_the_counts_narrower_than_they_need():
    value_of = {q("a"): 4, q("b"): 40, q("c"): 5}
    found = {q("a"): (3, 5), q("b"): (40, 40), q("c"): (2, 5)}
    assert audit.failing(found, value_of, 10) == [q("a"), q("b")]
    assert audit.failing({q("b"): (39, 40)}, value_of, 10) == []
    assert audit.failing({q("b"): (39, 40)}, value_of, 10, forced={q("b")}) == [q("b")]


def test_limits_come_from_the_returns_validation_bounds():
    """appointed <= shortlisted; fitness to practise <= regulated headcount plus leavers (who can have been
    referred before they left); leavers <= headcount (unless the leavers join the leaver base) - per
    service and group."""
    ftp, app, short = ("events.ftp", "adults", "black"), ("recruitment.appointed", "adults", "black"), (
        "recruitment.shortlisted", "adults", "black")
    reg, unreg = (WF, "adults", "black", "low", "no", "yes"), (WF, "adults", "black", "low", "no", "no")
    leave = ("events.leavers", "adults", "black")
    other = ("recruitment.shortlisted", "adults", "asian")
    got = audit.limits({ftp, app, short, reg, unreg, leave, other}, plus_leavers=False)
    assert ([app], [short]) in got and ([ftp], sorted([reg, leave], key=str)) in got
    assert ([leave], sorted([reg, unreg], key=str)) in got
    assert len(got) == 3
    assert ([leave], sorted([reg, unreg], key=str)) not in audit.limits({ftp, reg, unreg, leave}, plus_leavers=True)
    assert audit._matches(reg, {"regulated": "yes"}) and not audit._matches(unreg, {"regulated": "yes"})
    assert audit._matches(reg, {"senior_manager": "no", "regulated": "yes"})
    assert not audit._matches(("events.ftp", "adults", "black"), {"regulated": "yes"})  # no flags to match


def test_parts_are_atoms_linked_by_a_count_or_a_limit():
    quantities = [q("a"), q("a", "b"), q("c"), q("d")]
    plain = audit.parts(quantities, [])
    assert sorted(p.counts for p in plain) == [[0, 1], [2], [3]]
    linked = audit.parts(quantities, [([x("c")], [x("d")])])
    assert sorted(p.counts for p in linked) == [[0, 1], [2, 3]]
    part = next(p for p in linked if p.counts == [2, 3])
    assert part.atoms == [x("c"), x("d")] and part.limits == [([x("c")], [x("d")])]
    outside = audit.parts([q("a")], [([x("y")], [x("z")])])  # a limit over atoms no count has: no part of it
    assert [p.counts for p in outside] == [[0]] and outside[0].limits == []


def test_a_hidden_pair_with_a_shown_total_ranges_from_one_to_total_minus_one():
    """a (3) and b (7) hidden, a + b = 10 shown, each at least 1: a lies in 1..9."""
    counts = {q("a"): 3, q("b"): 7, q("a", "b"): 10}
    got = found_ranges(counts, {q("a"), q("b")})
    assert got[q("a")] == (1, 9) and got[q("b")] == (1, 9) and q("a", "b") not in got


def test_without_the_at_least_one_bound_a_hidden_count_reaches_zero(monkeypatch):
    """(Ranges are proven only as wide as they need to be: the low end is what differs.)"""
    counts = {q("a"): 3, q("b"): 7, q("a", "b"): 10}
    assert found_ranges(counts, {q("a"), q("b")}, lowest={q("a")})[q("a")][0] == 1
    monkeypatch.setattr(audit, "AT_LEAST_ONE", False)
    assert found_ranges(counts, {q("a"), q("b")}, lowest={q("a")})[q("a")][0] == 0


def test_a_limit_narrows_the_range():
    """As above, with a <= c and c = 4 shown: a in 1..4 (four values: protected); with c = 3, a in 1..3 and
    b = 10 - a in 7..9 - both small, both too narrow."""
    lims = [([x("a")], [x("c")])]
    counts = {q("a"): 3, q("b"): 7, q("a", "b"): 10, q("c"): 4}
    assert found_ranges(counts, {q("a"), q("b")}, lims=lims)[q("a")] == (1, 4)
    counts[q("c")] = 3
    got = found_ranges(counts, {q("a"), q("b")}, lims=lims)
    assert got[q("a")] == (1, 3) and got[q("b")] == (7, 9)
    assert sorted(audit.failing(got, counts, 10), key=str) == [q("a"), q("b")]


def test_a_wide_count_is_not_solved_further_unless_its_lowest_value_is_wanted():
    """b (40) is hidden with a; with ``lowest`` its range starts at its true lowest value (1)."""
    counts = {q("a"): 3, q("b"): 40, q("a", "b"): 43}
    plain = found_ranges(counts, {q("a"), q("b")})
    assert plain[q("a")] == (1, 42) and plain[q("b")][1] == 42
    assert found_ranges(counts, {q("a"), q("b")}, lowest={q("b")})[q("b")] == (1, 42)
    zero = {q("a"): 0, q("b"): 40, q("a", "b"): 40}
    # a hidden 0 gets no "at least 1" (b, 40, does): a in 0..39
    assert found_ranges(zero, {q("a"), q("b")}, lowest={q("a")})[q("a")] == (0, 39)


def test_seen_values_carry_over_between_calls():
    counts = {q("a"): 3, q("b"): 7, q("a", "b"): 10}
    quantities = list(counts)
    part = audit.parts(quantities, [])[0]
    seen: dict = {}
    audit.ranges(part, quantities, counts, {q("a"), q("b")}, 10, seen)
    assert seen[q("a")] == [1, 9]
    seen[q("a")] = [0, 50]  # already proven wide: not solved again
    assert audit.ranges(part, quantities, counts, {q("a"), q("b")}, 10, seen)[q("a")] == (0, 50)


def test_protect_hides_the_shown_count_that_pins_a_small_one():
    """a = 3 hidden (small); a + b = 10 and b = 7 shown pin it: the cheapest shown count next to a, the
    total (the only one touching a), is hidden too; then nothing but "at least 1" and the largest count
    a return may hold bound a."""
    counts = {q("a"): 3, q("a", "b"): 10, q("b"): 7}
    label = {k: "".join(sorted(a[2] for a in k)) for k in counts}
    hidden, ranges = audit.protect(list(counts), counts, {q("a")}, 10, False, {}, label)
    assert hidden == {q("a"), q("a", "b")}
    assert ranges[q("a")] == (1, MAX_COUNT) and ranges[q("a", "b")][0] <= 10 <= ranges[q("a", "b")][1]


def test_protect_prefers_the_cheaper_of_two_neighbours():
    """a = 3 is pinned by two equations: a + b = 10 with b = 7, and a + c = 12 with c = 9. Hiding a + b
    leaves a = 12 - 9; hiding both totals frees it. The lighter one goes first each round."""
    counts = {q("a"): 3, q("a", "b"): 10, q("b"): 7, q("a", "c"): 12, q("c"): 9}
    label = {k: "".join(sorted(a[2] for a in k)) for k in counts}
    hidden, _ = audit.protect(list(counts), counts, {q("a")}, 10, False, {q("a", "b"): 8.0, q("a", "c"): 1.0},
                              label)
    assert q("a", "c") in hidden and q("a") in hidden
    assert hidden - {q("a")} <= {q("a", "b"), q("a", "c"), q("b"), q("c")}
    _, ranges = audit.protect(list(counts), counts, hidden, 10, False, {}, label)
    assert ranges[q("a")][1] - ranges[q("a")][0] >= 3


def test_protect_leaves_a_part_without_hidden_counts_alone():
    counts = {q("a"): 3, q("a", "b"): 10, q("c"): 40}
    label = {k: str(sorted(k)) for k in counts}
    hidden, ranges = audit.protect(list(counts), counts, {q("a"), q("a", "b")}, 10, False, {}, label)
    assert hidden == {q("a"), q("a", "b")} and q("c") not in ranges


def test_a_forced_count_is_protected_as_widely_as_a_small_one():
    """b = 40 hidden at a roll-up's request; b + c = 42 shown with c hidden (2, small): b in 40..41 would
    do for an ordinary count (two values) but a request needs four, so more is hidden."""
    counts = {q("b"): 40, q("c"): 2, q("b", "c"): 42}
    label = {k: "".join(sorted(a[2] for a in k)) for k in counts}
    plain, _ = audit.protect(list(counts), counts, {q("b"), q("c")}, 10, False, {}, label)
    assert plain == {q("b"), q("c")}  # c in 1..41 and b in 1..41: wide already
    lims = [([x("c")], [x("d")])]  # c <= d, d = 2 shown: c in 1..2, b in 40..41
    counts2 = {**counts, q("d"): 2}
    quantities = list(counts2)
    found = {}
    for part in audit.parts(quantities, lims):
        found.update(audit.ranges(part, quantities, counts2, {q("b"), q("c")}, 10, None, None, {q("b")}))
    assert found[q("b")] == (40, 41) and found[q("c")] == (1, 2)
    assert audit.failing(found, counts2, 10, forced={q("b")}) == [q("b"), q("c")]
    assert audit.failing(found, counts2, 10) == [q("c")]


@pytest.mark.parametrize("cost_b", [1.0, 8.0])
def test_candidate_is_the_cheapest_shown_neighbour_looking_further_out_when_none_is_next(cost_b):
    """a is hidden; next to it only a + b (shown); further out (through a + b), b. With a + c (weight 4)
    shown next to a as well, the lighter of a + b and a + c goes."""
    counts = {q("a"): 3, q("a", "b"): 10, q("b"): 7}
    quantities = list(counts)
    part = audit.parts(quantities, [])[0]
    label = {k: "".join(sorted(a[2] for a in k)) for k in counts}
    assert audit._candidate(q("a"), part, quantities, counts, {q("a")}, {}, label) == q("a", "b")
    # a + b hidden too: nothing shown touches a; b (through a + b) is the next one out
    assert audit._candidate(q("a"), part, quantities, counts, {q("a"), q("a", "b")}, {}, label) == q("b")
    assert audit._candidate(q("a"), part, quantities, counts, set(quantities), {}, label) is None
    two = {q("a"): 3, q("a", "b"): 10, q("b"): 7, q("a", "c"): 9}
    quantities = list(two)
    part = audit.parts(quantities, [])[0]
    label = {k: "".join(sorted(a[2] for a in k)) for k in two}
    got = audit._candidate(q("a"), part, quantities, two, {q("a")}, {q("a", "b"): cost_b, q("a", "c"): 4.0}, label)
    assert "".join(sorted(a[2] for a in got)) == ("ab" if cost_b == 1.0 else "ac")


def test_roll_up_seconds_add_up_until_reset():
    audit.add_rollup_seconds(2.5, reset=True)
    audit.add_rollup_seconds(1.0)
    assert audit.last_rollup_seconds() == pytest.approx(3.5)
    audit.add_rollup_seconds(1.25, reset=True)
    assert audit.last_rollup_seconds() == pytest.approx(1.25)


def _labels(counts: dict) -> dict:
    return {k: "".join(sorted(a[2] for a in k)) for k in counts}


def test_candidate_puts_a_shown_zero_last_and_weighs_an_unweighted_count_one():
    """a (3) and a + c (3, small) hidden; further out, c (0) and c + d (20) are shown. The zero is never
    the first choice: c + d goes. With c + d weighing 1.5 and b + c (25) no weight (1), b + c goes."""
    counts = {q("a"): 3, q("a", "c"): 3, q("c"): 0, q("c", "d"): 20}
    quantities = list(counts)
    part = audit.parts(quantities, [])[0]
    hidden = {q("a"), q("a", "c")}
    assert audit._candidate(q("a"), part, quantities, counts, hidden, {}, _labels(counts)) == q("c", "d")
    counts[q("b", "c")] = 25
    quantities = list(counts)
    part = audit.parts(quantities, [])[0]
    got = audit._candidate(q("a"), part, quantities, counts, hidden, {q("c", "d"): 1.5}, _labels(counts))
    assert got == q("b", "c")


def test_candidate_looks_out_through_every_hidden_neighbour_and_through_limits():
    """a's neighbours a + b and a + c are both hidden; further out b + x (20) and c + y (30) are shown:
    the ring holds both, and the smaller goes. Through a limit (a <= d) alone, d (40) is next out."""
    counts = {q("a"): 3, q("a", "b"): 10, q("a", "c"): 12, q("b", "x"): 20, q("c", "y"): 30}
    quantities = list(counts)
    part = audit.parts(quantities, [])[0]
    hidden = {q("a"), q("a", "b"), q("a", "c")}
    assert audit._candidate(q("a"), part, quantities, counts, hidden, {}, _labels(counts)) == q("b", "x")
    limited = {q("a"): 3, q("d"): 40}
    quantities = list(limited)
    part = audit.parts(quantities, [([x("a")], [x("d")])])[0]
    assert audit._candidate(q("a"), part, quantities, limited, {q("a")}, {}, _labels(limited)) == q("d")


def test_protect_drops_the_leavers_limit_when_the_leavers_join_the_base():
    """3 leavers hidden (small), 3 staff shown for the same service and group: leavers <= staff pins them
    to 1..3, so the staff count is hidden too - unless the leavers join the base, when that limit is gone."""
    leave = frozenset({("events.leavers", "adults", "black")})
    staff = frozenset({(WF, "adults", "black", "low", "no", "no")})
    counts = {leave: 3, staff: 3}
    labels = {leave: "leavers", staff: "staff"}
    assert audit.protect(list(counts), counts, {leave}, 10, False, {}, labels)[0] == {leave, staff}
    assert audit.protect(list(counts), counts, {leave}, 10, True, {}, labels)[0] == {leave}


def test_protect_audits_every_part_with_a_hidden_count_whatever_comes_first():
    """Three parts: b (shown alone, first in order), m + n with m hidden, and z hidden alone: both parts with
    a hidden count get their ranges; the part with none is left alone."""
    counts = {q("b"): 40, q("m"): 30, q("m", "n"): 70, q("n"): 40, q("z"): 25}
    hidden, ranges = audit.protect(list(counts), counts, {q("m"), q("n"), q("z")}, 10, False, {}, _labels(counts))
    assert set(ranges) == {q("m"), q("n"), q("z")} and q("b") not in hidden
    assert ranges[q("z")][0] == 1


def test_protect_widens_a_requested_count_as_far_as_a_small_one():
    """Threshold 2, so nothing here is small. b (40) is hidden at a roll-up's request; b + c (42) is shown
    and c (2, hidden) is at most the 2 shortlisted: b lies in 40..41. An ordinary hidden count needs two
    values, a requested one four: so for the request, b + c is hidden too."""
    app = {g: ("recruitment.appointed", "adults", g) for g in ("black", "asian")}
    b, c = frozenset({app["black"]}), frozenset({app["asian"]})
    short = frozenset({("recruitment.shortlisted", "adults", "asian")})
    short_b = frozenset({("recruitment.shortlisted", "adults", "black")})  # b's own limit, far away: 100
    counts = {b: 40, b | c: 42, c: 2, short: 2, short_b: 100}
    labels = {b: "b", b | c: "bc", c: "c", short: "short", short_b: "short b"}
    plain, _ = audit.protect(list(counts), counts, {b, c}, 2, False, {}, labels)
    assert plain == {b, c}
    asked, _ = audit.protect(list(counts), counts, {b, c}, 2, False, {}, labels, forced={b})
    assert asked == {b, c, b | c}


def test_limits_keep_the_other_bounds_when_the_leavers_join_the_base_and_an_absent_other_side_is_empty():
    ftp, leave = ("events.ftp", "adults", "black"), ("events.leavers", "adults", "black")
    reg = (WF, "adults", "black", "low", "no", "yes")
    assert audit.limits({ftp, reg, leave}, plus_leavers=True) == [([ftp], sorted([leave, reg], key=str))]
    app = ("recruitment.appointed", "adults", "black")
    assert audit.limits({app}, plus_leavers=False) == [([app], [])]  # no shortlisted cell: appointed <= 0


def test_protect_reports_the_cpu_seconds_it_took(monkeypatch):
    ticks = iter([5.0, 7.5])
    monkeypatch.setattr(audit.time, "process_time", lambda: next(ticks))
    monkeypatch.setitem(audit._TIMES, "council", -1.0)  # not what an earlier call in this process left
    counts = {q("a"): 40}
    audit.protect(list(counts), counts, set(), 10, False, {}, {q("a"): "a"})
    assert audit.last_seconds() == pytest.approx(2.5)


def test_ranges_stay_whole_numbers_where_the_linear_relaxation_is_fractional():
    """a + b, b + c and a + c all hidden (values 1, 1, 2: a = 1, b = 0, c = 1), each at least 1. Pushing all
    three down at once, the linear relaxation's optimum is a = b = c = 1/2 - no count of people - so the
    audit must solve the integer programme: every count it reports is a whole number, at least 1. Asked for
    their lowest values, it finds 1 for each (a + b = 1 when a = 1, b = 0, c = 1, and so on)."""
    counts = {q("a", "b"): 1, q("b", "c"): 1, q("a", "c"): 2}
    got = found_ranges(counts, set(counts))
    assert all(low >= 1 for low, _ in got.values())
    lowest = found_ranges(counts, set(counts), lowest=set(counts))
    assert {k: low for k, (low, _) in lowest.items()} == {k: 1 for k in counts}


def test_limits_are_the_same_whatever_order_the_cells_come_in():
    """The cells come from a set, whose order changes from run to run: the limits (and so the programme and
    the counts hidden) must not."""
    cells = [("recruitment.appointed", "adults", g) for g in ("black", "asian", "mixed")]
    cells += [("recruitment.shortlisted", "adults", g) for g in ("black", "asian", "mixed")]
    cells += [("events.cpd", "children", "black"), (WF, "children", "black", "low", "no", "no")]
    forward = audit.limits(cells, plus_leavers=False)
    assert len(forward) == 4 and audit.limits(cells[::-1], plus_leavers=False) == forward


def test_a_limit_with_nothing_on_its_other_side_still_joins_its_part():
    """appointed (black) with no shortlisted cell: appointed <= 0 (validation's sum of nothing). Its part
    holds the count and the limit."""
    app = ("recruitment.appointed", "adults", "black")
    got = audit.parts([frozenset({app})], [([app], [])])
    assert len(got) == 1 and got[0].counts == [0] and got[0].limits == [([app], [])]


def test_a_disciplinary_count_above_the_headcount_is_valid_when_leavers_make_it_up():
    """Validation allows disciplinary <= headcount + leavers (people disciplined who then left). 3 entering
    the process (hidden, small) with 2 staff and 2 leavers shown: a reader knows it lies in 1..4 - four
    values, protected; nothing more need be hidden. A limit of the headcount alone would narrow it to 1..2
    (the true 3 left out) and hide the staff count too."""
    disc = frozenset({("events.disciplinary", "adults", "black")})
    staff = frozenset({(WF, "adults", "black", "low", "no", "no")})
    leave = frozenset({("events.leavers", "adults", "black")})
    counts = {disc: 3, staff: 2, leave: 2}
    labels = {disc: "disciplinary", staff: "staff", leave: "leavers"}
    hidden, got = audit.protect(list(counts), counts, {disc}, 10, False, {}, labels)
    assert hidden == {disc} and got[disc] == (1, 4)


def test_candidate_looks_out_through_counts_and_limits_together():
    """a and a + b hidden; a <= d (a limit); shown further out: d (40) through the limit and b + e (5)
    through a + b. The ring out from a holds both - b + e, the smaller, goes."""
    counts = {q("a"): 3, q("a", "b"): 10, q("d"): 40, q("b", "e"): 5}
    quantities = list(counts)
    part = audit.parts(quantities, [([x("a")], [x("d")])])[0]
    got = audit._candidate(q("a"), part, quantities, counts, {q("a"), q("a", "b")}, {}, _labels(counts))
    assert got == q("b", "e")


def test_protect_gives_up_on_a_part_nothing_can_protect_and_goes_on_to_the_next():
    """Part one: 0 appointed (hidden) with no shortlisted cell - appointed <= 0 pins it at 0 whatever is
    hidden, and there is nothing else to hide; the audit returns its range (0..0) and moves on. Part two
    (after it in order): a = 3 pinned by a + b = 10 and b = 7, so a + b is hidden as ever."""
    app = frozenset({("recruitment.appointed", "adults", "black")})
    counts = {app: 0, q("a"): 3, q("a", "b"): 10, q("b"): 7}
    labels = {**_labels({k: v for k, v in counts.items() if k != app}), app: "appointed"}
    assert [p.counts for p in audit.parts(list(counts), audit.limits({a for k in counts for a in k}, False))
            ] == [[0], [1, 2, 3]]  # the appointed part comes first
    hidden, got = audit.protect(list(counts), counts, {app, q("a")}, 10, False, {}, labels)
    assert hidden == {app, q("a"), q("a", "b")}
    assert got[app] == (0, 0) and got[q("a")] == (1, MAX_COUNT)


def test_candidate_looks_out_one_ring_at_a_time():
    """a and a + b hidden; one ring out (through a + b), b + e (20) is shown; two rings out, past e + f
    (hidden), f + g (5) is shown and cheaper. The nearer one goes: hiding next to the pinned count is what
    frees it."""
    counts = {q("a"): 3, q("a", "b"): 10, q("b", "e"): 20, q("e", "f"): 9, q("f", "g"): 5}
    quantities = list(counts)
    part = audit.parts(quantities, [])[0]
    hidden = {q("a"), q("a", "b"), q("e", "f")}
    assert audit._candidate(q("a"), part, quantities, counts, hidden, {}, _labels(counts)) == q("b", "e")
