"""RollupPlan's rules one at a time, on hand-made councils small enough to work out on paper.

The roll-up decision stacks four protections (small pooled counts and left-overs, differences of nested
roll-ups, the span test, the bounds audit); on a toy, a later one often hides the same row an earlier one
should have, so a broken rule would go unseen in a test of the whole. Here each rule is asked directly
(``_primary``, ``_parts``, ``_upper``, ``_range``, ``_narrowed``, ``_groups``, ``_known``, ``_nested``) or
with the later rules switched off, and the expected answer is argued in each test from docs/methods.md
("Disclosure control"), not read off the code.
"""

from __future__ import annotations

import pytest

from scwres.disclosure import audit, publication
from scwres.disclosure.publication import Publication, RollupPlan, rollup_plan
from scwres.disclosure.suppression import COUNT_COLUMNS, Plan, row_key

SERVICES = ("all", "adults", "children")


def key(column: str, metric: str = "m3", service: str = "all") -> str:
    return row_key(metric, service, "overall", column)


def council(events_me: int, hide: bool = False, base_me: int = 1000, hide_base: bool = False, metric: str = "m3",
            services: tuple[str, ...] = ("all",), ranges: tuple[int, int] | None = None) -> Plan:
    """One council's plan: the metric's row for each of ``services`` (events_me as given, base_me, and a
    white group of 100 in 2,000, shown); ``hide`` hides events_me, ``hide_base`` base_me."""
    values, hidden, bounds = {}, set(), {}
    for service in services:
        for column, value in zip(COUNT_COLUMNS, (events_me, base_me, 100, 2000), strict=True):
            values[key(column, metric, service)] = value
        if hide:
            hidden.add(key("events_me", metric, service))
            if ranges:
                bounds[key("events_me", metric, service)] = ranges
        if hide_base:
            hidden.add(key("base_me", metric, service))
    return Plan(values, hidden, {k for k in hidden if values[k] < 10}, ranges=bounds)


def plan_of(rollups: dict[str, list[str]], plans: dict[str, Plan], threshold: int = 10) -> RollupPlan:
    """A RollupPlan not yet decided, to ask one rule at a time."""
    return RollupPlan({k: sorted(v) for k, v in rollups.items()},
                      {la: publication.RollupCouncil(la, p) for la, p in plans.items()}, threshold)


ME = ("events_me",)


# --- the parts of a pooled count ------------------------------------------------------------------------------

def test_parts_are_the_pooled_sum_the_hidden_councils_and_their_left_over():
    """a hides 30, b shows 40, c has no such count (counted as hidden, value 0): pooled 70, left-over 30."""
    p = plan_of({"": ["a", "b", "c"]}, {"a": council(30, hide=True), "b": council(40),
                                       "c": council(5, metric="m5")})
    assert p._parts("", "m3", "all", "events_me") == (70, ["a", "c"], 30)
    assert p._parts("", "m3", "all", "base_me") == (2000, ["c"], 0)


def test_upper_bound_of_a_hidden_event_count_is_its_base_only_when_the_base_is_shown():
    p = plan_of({"": ["a", "b"]}, {"a": council(5, hide=True, base_me=7), "b": council(5, hide=True, base_me=7,
                                                                                       hide_base=True)})
    assert p._upper("a", "m3", "all", "events_me") == 7.0
    assert p._upper("b", "m3", "all", "events_me") == float("inf")  # its base is hidden too
    assert p._upper("a", "m3", "all", "base_me") == float("inf")  # a base has no upper bound here
    assert p._upper("a", "m3", "adults", "events_me") == float("inf")  # no adults row in a's plan


def test_range_of_a_hidden_count_is_the_audited_one_else_at_least_one_or_zero():
    p = plan_of({"": ["a", "b", "c"]}, {"a": council(5, hide=True, ranges=(3, 9)), "b": council(1, hide=True),
                                       "c": council(0, hide=True)})
    assert p._range("a", key("events_me")) == (3.0, 9.0)
    assert p._range("b", key("events_me")) == (1.0, float("inf"))  # 1 is not 0, and 0 would be shown
    assert p._range("c", key("events_me")) == (0.0, float("inf"))
    assert p._range("c", key("events_me", "m9")) == (0.0, float("inf"))  # a count the plan does not hold


# --- rule 1-3: small pooled counts, small left-overs, counts pinned by bounds ------------------------------

def test_a_small_pooled_count_is_hidden_even_when_every_council_shows_its_own():
    p = plan_of({"": ["a", "b"]}, {"a": council(2), "b": council(3)})
    assert p._primary("", "m3", "all", ME)  # 5 pooled; the left-over is 0
    assert not plan_of({"": ["a", "b"]}, {"a": council(0), "b": council(0)})._primary("", "m3", "all", ME)


def test_a_small_left_over_is_hidden():
    """a hides 3; b shows 40: the pooled 43 minus b's 40 gives a's 3."""
    assert plan_of({"": ["a", "b"]}, {"a": council(3, hide=True), "b": council(40)})._primary("", "m3", "all", ME)
    assert not plan_of({"": ["a", "b"]}, {"a": council(30, hide=True), "b": council(40)})._primary(
        "", "m3", "all", ME)


def test_a_hidden_count_pinned_by_the_others_bases_is_hidden():
    """a hides 5 of a shown base 5, b hides 10 of a shown base 10: left-over 15, so a is at least 15 - 10
    = 5 and at most its base 5 - pinned, and small. With b's base hidden, a lies anywhere in 0..5."""
    pinned = plan_of({"": ["a", "b"]}, {"a": council(5, hide=True, base_me=5), "b": council(10, hide=True,
                                                                                         base_me=10)})
    assert pinned._primary("", "m3", "all", ME)
    loose = plan_of({"": ["a", "b"]}, {"a": council(5, hide=True, base_me=5),
                                       "b": council(10, hide=True, base_me=10, hide_base=True)})
    assert not loose._primary("", "m3", "all", ME)


def test_a_count_bounded_to_nought_or_one_is_not_pinned():
    """a hides 1 of a shown base 1, b hides 10 of a shown base 20: left-over 11, so a lies in
    max(0, 11 - 20) = 0 .. min(11, 1) = 1 - two values, not pinned (the lower end is 0, not 1)."""
    p = plan_of({"": ["a", "b"]}, {"a": council(1, hide=True, base_me=1), "b": council(10, hide=True, base_me=20)})
    assert not p._primary("", "m3", "all", ME)


def test_the_councils_threshold_decides_what_is_small():
    p = plan_of({"": ["a", "b"]}, {"a": council(12, hide=True), "b": council(40)}, threshold=20)
    assert p._primary("", "m3", "all", ME)
    assert not plan_of({"": ["a", "b"]}, {"a": council(12, hide=True), "b": council(40)})._primary(
        "", "m3", "all", ME)


# --- differences of nested roll-ups ---------------------------------------------------------------------------

def test_nested_pairs_are_proper_subsets_only():
    p = plan_of({"": ["a", "b", "c"], "n": ["a", "b"], "twin": ["a", "b"], "s": ["c"]},
                {la: council(50) for la in "abc"})
    assert p._nested() == [("n", ""), ("s", ""), ("twin", "")]


def test_national_minus_a_region_that_leaves_a_small_count_hides_the_region(monkeypatch):
    """England = a, b, c; region n = a, b. a hides 30 and c hides 4 (each council's own plan); b shows 40.
    The national left-over 34 minus the region's 30 gives c's 4: the region's row is hidden, England's
    kept. The region's m2 row is hidden first (a's m2 left-over is 3), which must not stop the m3 check.
    The bounds audit is switched off: it would hide the region too, for its own reason."""
    monkeypatch.setattr(RollupPlan, "_audit", lambda self, rows: None)
    plans = {"a": council(30, hide=True), "b": council(40), "c": council(4, hide=True)}
    for la, value, hide in (("a", 3, True), ("b", 40, False), ("c", 50, False)):
        extra = council(value, hide=hide, metric="m2")
        plans[la].values.update(extra.values)
        plans[la].hidden_keys |= extra.hidden_keys
    decided = rollup_plan({"": ["a", "b", "c"], "n": ["a", "b"]}, plans)
    assert decided.hidden("n", "m2", "all") and decided.hidden("n", "m3", "all")
    assert not decided.hidden("", "m3", "all")  # (England's m2 goes too: a's 3 is its only hidden count)
    fine = dict(plans, c=council(40, hide=True))  # 34 -> 70 - 30 = 40 left: nothing small
    fine["c"].values.update(council(50, metric="m2").values)
    assert not rollup_plan({"": ["a", "b", "c"], "n": ["a", "b"]}, fine).hidden("n", "m3", "all")


def test_a_difference_with_a_hidden_roll_up_reveals_nothing(monkeypatch):
    """England = a, b, c with c hiding 4: England's own left-over is 4, so England's row is hidden (rule 1).
    Region n = a, b shows everything. England minus n would give c's 4 - but England is not shown, so n
    keeps its row."""
    monkeypatch.setattr(RollupPlan, "_audit", lambda self, rows: None)
    decided = rollup_plan({"": ["a", "b", "c"], "n": ["a", "b"]},
                          {"a": council(30), "b": council(40), "c": council(4, hide=True)})
    assert decided.hidden("", "m3", "all") and not decided.hidden("n", "m3", "all")


# --- the bounds audit ---------------------------------------------------------------------------------------

def test_narrowed_uses_each_councils_audited_range():
    """a hides 5 (range 4..7), b hides 40 (range 38..41): left-over 45, so a lies in max(4, 45 - 41) = 4 ..
    min(7, 45 - 38) = 7 - three values apart, just enough for a small count. With b's range 39..41, a
    lies in 4..6: narrowed. Without ranges each lies in 1..44: wide."""
    def narrowed(b_range: tuple[int, int] | None, a_range: tuple[int, int] | None = (4, 7)) -> bool:
        p = plan_of({"": ["a", "b"]}, {"a": council(5, hide=True, ranges=a_range),
                                      "b": council(40, hide=True, ranges=b_range)})
        return p._narrowed(["a", "b"], key("events_me"))
    assert not narrowed((38, 41))
    assert narrowed((39, 41))
    assert not narrowed(None, None)
    assert not plan_of({"": ["a"]}, {"a": council(40)})._narrowed(["a"], key("events_me"))  # nothing hidden


def test_a_lone_hidden_count_is_pinned_by_its_roll_up():
    p = plan_of({"": ["a", "b"]}, {"a": council(12, hide=True), "b": council(40)})
    assert p._narrowed(["a", "b"], key("events_me"))  # 52 - 40: a's 12 exactly, though 12 is not small
    assert not p._narrowed(["b"], key("events_me"))


def test_known_counts_a_row_worked_out_from_the_other_two_services():
    p = plan_of({"": ["a"]}, {"a": council(50)})
    assert p._known("", "m3", "all")
    p.hidden_rows.add(("", "m3", "all"))
    assert p._known("", "m3", "all")  # adults + children still shown
    p.hidden_rows.add(("", "m3", "children"))
    assert not p._known("", "m3", "all") and not p._known("", "m3", "children") and p._known("", "m3", "adults")


def test_groups_are_the_shown_roll_ups_and_the_national_sum_minus_the_shown_regions():
    rollups = {"": ["a", "b", "c", "d"], "n": ["a", "b"], "s": ["c"], "w": ["d"]}
    p = plan_of(rollups, {la: council(50) for la in "abcd"})
    assert p._groups("m3", "all") == [("", ["a", "b", "c", "d"]), ("n", ["a", "b"]), ("s", ["c"]), ("w", ["d"])]
    for service in SERVICES:
        p.hidden_rows.add(("w", "m3", service))
    assert p._groups("m3", "all") == [("", ["a", "b", "c", "d"]), ("n", ["a", "b"]), ("s", ["c"]), ("", ["d"])]
    only = plan_of({"": ["a", "b"]}, {la: council(50) for la in "ab"})
    assert only._groups("m3", "all") == [("", ["a", "b"])]  # no region: nothing to take away
    for service in SERVICES:
        p.hidden_rows.add(("", "m3", service))
    assert p._groups("m3", "all") == [("n", ["a", "b"]), ("s", ["c"])]


def test_audit_hides_a_region_rather_than_england_and_its_service_rows_too():
    """England = a..e; regions n = a, b; s = c, d; w = e. a, b and e hide 30, 40 and 12 (not small, so the
    first rules pass), in every service row. Region w alone gives e's 12: w's row is hidden - and, since
    all = adults + children, a second service row of w. Then England minus n and s gives e's 12 again:
    the region with most hidden councils, n, is hidden instead of England (a region's figure costs
    readers less), with a second service row of n. England and s keep every row."""
    rollups = {"": list("abcde"), "n": ["a", "b"], "s": ["c", "d"], "w": ["e"]}
    plans = {"a": council(30, hide=True, services=SERVICES), "b": council(40, hide=True, services=SERVICES),
             "c": council(50, services=SERVICES), "d": council(60, services=SERVICES),
             "e": council(12, hide=True, services=SERVICES)}
    p = plan_of(rollups, plans)
    p._audit([("m3", s, COUNT_COLUMNS) for s in SERVICES])
    assert {(r, s) for r, m, s in p.hidden_rows if m == "m3"} == {(r, s) for r in ("n", "w") for s in SERVICES}


def test_audit_never_hides_england_for_a_region_with_no_hidden_council():
    """England = a, b, c; region n = a, b (both shown); region w = c, hidden. England's sum minus a's and b's
    shown counts gives c's hidden 12, so England's row goes; hiding n instead would not help (n hides
    nothing, so England minus n would still be c's count), and n keeps its row."""
    rollups = {"": ["a", "b", "c"], "n": ["a", "b"], "w": ["c"]}
    p = plan_of(rollups, {"a": council(30), "b": council(40), "c": council(12, hide=True)})
    p.hidden_rows |= {("w", "m3", s) for s in SERVICES}
    p._audit([("m3", "all", COUNT_COLUMNS)])
    assert p.hidden("", "m3", "all") and not p.hidden("n", "m3", "all")


def test_audit_seconds_are_those_of_the_last_roll_up_decided(monkeypatch):
    """``bench-national`` reports the roll-up audit's CPU time: each decision replaces the last one's."""
    ticks = iter([10.0, 12.5, 20.0, 21.0])
    monkeypatch.setattr(publication.time, "process_time", lambda: next(ticks))
    rollup_plan({"": ["a"]}, {"a": council(50)})
    assert audit.last_rollup_seconds() == pytest.approx(2.5)
    rollup_plan({"": ["a"]}, {"a": council(50)})
    assert audit.last_rollup_seconds() == pytest.approx(1.0)


def test_rollup_plan_keeps_each_councils_name():
    decided = rollup_plan({"": ["b", "a"]}, {"a": council(50), "b": council(60)})
    assert decided.rollups == {"": ["a", "b"]}
    assert {la: c.la for la, c in decided.councils.items()} == {"a": "a", "b": "b"}


# --- one council's figures: rows, trends ----------------------------------------------------------------------

def two_periods() -> Publication:
    """2024: m3 all shown; m3 adults' events_me hidden. 2023: m3 all's events_white hidden."""
    now = council(50, services=("all", "adults"))
    now.hidden_keys.add(key("events_me", service="adults"))
    before = council(45, services=("all", "adults"))
    before.hidden_keys.add(key("events_white"))
    return Publication("2024", {"2024": now, "2023": before})


def test_row_rests_on_its_four_counts_and_a_population_share_on_none():
    pub = two_periods()
    shown = pub.row("m3", "all", text="1.25")
    assert str(shown) == "1.25" and shown.rests_on == tuple(f"2024:{key(c)}" for c in COUNT_COLUMNS)
    assert str(pub.row("m3", "adults", text="0.8")) == "[c]"
    assert str(pub.row("m3", "all", text="1.10", period="2023")) == "[c]"
    population = pub.row("m9", "all", "population_share", text="12%")  # census figures: public
    assert str(population) == "12%" and population.rests_on == ()
    assert str(pub.row("m9", "all", "senior_share", text="12%")) == "[c]"  # a row the plan does not hold
    assert pub.row("m3", "all", text=lambda: "made").text == "made"


def test_row_hidden_reads_the_period_asked():
    pub = two_periods()
    assert not pub.row_hidden("m3", "all") and pub.row_hidden("m3", "all", period="2023")
    assert pub.row_hidden("m3", "adults") and not pub.row_hidden("m3", "adults", period="2023")


def test_a_trend_rests_on_both_periods_and_is_hidden_when_either_is():
    pub = two_periods()
    no_before = pub.trend("m3", "all", "overall", None, "up")
    assert str(no_before) == "up" and len(no_before.rests_on) == 4
    hidden_before = pub.trend("m3", "all", "overall", "2023", "up")
    assert str(hidden_before) == "[c]" and hidden_before.text == ""
    assert hidden_before.rests_on == tuple(f"{p}:{key(c)}" for p in ("2024", "2023") for c in COUNT_COLUMNS)
    hidden_now = pub.trend("m3", "adults", "overall", "2023", "up")
    assert hidden_now.hidden and hidden_now.rests_on == tuple(f"2024:{key(c, service='adults')}"
                                                              for c in COUNT_COLUMNS)
    both = Publication("2024", {"2024": council(50), "2023": council(45)}).trend("m3", "all", "overall", "2023",
                                                                                 "down")
    assert str(both) == "down" and both.shown


def test_a_group_figure_without_text_prints_nothing_when_shown():
    pub = Publication("2024", {"2024": council(50)})
    assert pub.group("m3", "all", "overall", "me").text == ""
    assert str(pub.row("m3", "all")) == ""


# --- the span test across councils (``_secondary``) ------------------------------------------------------------

PRIMARY = key("events_me", service="adults")


def linked(events_white: int, coords: list[float], primary_coords: list[float] | None = None,
           extra: dict[str, list[float]] | None = None) -> Plan:
    """A council hiding its all-staff events_white, which in its leftover space (``rollup_coords``) lies on
    ``coords``; its adults' events_me (4, primary) lies on ``primary_coords`` (default: the same)."""
    p = council(50)
    p.values[key("events_white")] = events_white
    p.values[PRIMARY] = 4
    p.hidden_keys |= {key("events_white"), PRIMARY}
    p.primary_keys |= {PRIMARY}
    p.rollup_coords = {key("events_white"): coords, PRIMARY: primary_coords or coords, **(extra or {})}
    p.rollup_dim = len(coords)
    return p


def spans(plans: dict[str, Plan], rollups: dict[str, list[str]], monkeypatch) -> RollupPlan:
    """The roll-up decided with the bounds audit switched off: only the span test (and rules 1-2) decide."""
    monkeypatch.setattr(RollupPlan, "_audit", lambda self, rows: None)
    return rollup_plan(rollups, plans)


def test_a_pooled_sum_of_two_hidden_counts_reveals_neither(monkeypatch):
    """a and c hide events_white (25, 30), each tied to its own primary. England shows their sum, 55: in the
    joint space that is the row (1, 1), and neither primary, (1, 0) or (0, 1), is on it - the row shows.
    (a's space has two dimensions here, c's one; b has a primary with no coordinates and one at 0: a
    roll-up can rebuild neither, so neither is a target.)"""
    b = council(50)
    b.values[PRIMARY] = 3
    b.values[key("base_me", service="adults")] = 7
    b.hidden_keys |= {PRIMARY, key("base_me", service="adults")}
    b.primary_keys |= {PRIMARY, key("base_me", service="adults")}
    b.rollup_coords = {key("base_me", service="adults"): [0.0]}
    b.rollup_dim = 1
    plans = {"a": linked(25, [1.0, 1.0], [1.0, 0.0]), "b": b, "c": linked(30, [1.0])}
    decided = spans(plans, {"": ["a", "b", "c"]}, monkeypatch)
    assert not decided.hidden("", "m3", "all")


def test_a_pooled_zero_reveals_every_hidden_count_in_it(monkeypatch):
    """The same, with a and c hiding 0 each: a pooled 0 tells the reader each of them is 0, so each row
    counts on its own and each primary is exposed - England's row is hidden. (Its events_me column,
    first, has nothing hidden: the check must go on to events_white.)"""
    plans = {"a": linked(0, [1.0]), "b": council(50), "c": linked(0, [1.0])}
    assert spans(plans, {"": ["a", "b", "c"]}, monkeypatch).hidden("", "m3", "all")
    # an earlier row (m2) hidden for its own reason (b's 3 cases) must not end the check of the later ones
    b = plans["b"]
    b.values.update(council(3, hide=True, metric="m2").values)
    b.hidden_keys |= {key("events_me", "m2")}
    decided = spans(plans, {"": ["a", "b", "c"]}, monkeypatch)
    assert decided.hidden("", "m2", "all") and decided.hidden("", "m3", "all")


def test_the_span_test_hides_the_cheaper_region_first(monkeypatch):
    """England = a, b, c; region r = b, c. a and c hide events_white, each tied to its own primary. England
    minus r gives a's: both rows take part, and the region's (weight 500) is hidden, not England's (1,000).
    England alone, (1, 1), then reveals neither, so it shows."""
    plans = {"a": linked(25, [1.0]), "b": council(50), "c": linked(30, [1.0])}
    decided = spans(plans, {"": ["a", "b", "c"], "r": ["b", "c"]}, monkeypatch)
    assert decided.hidden("r", "m3", "all") and not decided.hidden("", "m3", "all")


def test_a_row_of_another_breakdown_rests_on_its_own_counts():
    pub = Publication("2024", {"2024": council(50)})
    figure = pub.row("m3", "all", "subgroup:black", text="1.1")
    assert figure.rests_on == tuple(f"2024:m3|all|subgroup:black|{c}" for c in COUNT_COLUMNS)
    assert figure.hidden  # the plan holds no sub-group row
    assert pub.trend("m3", "all", "overall", None).text == ""  # no text given: none printed
