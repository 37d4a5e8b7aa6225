"""The publication layer on hand-made plans: what a council's page and a roll-up page may show.

Each plan here is small enough to work out by hand; the expected answer is argued in the test from the
rules of docs/methods.md ("Disclosure control"), not copied from the code's output.
"""

from __future__ import annotations

from scwres.disclosure.publication import SUPPRESSED, Publication, RollupPlan, rollup_plan
from scwres.disclosure.suppression import COUNT_COLUMNS, Plan, row_key


def key(column: str, metric: str = "m3", service: str = "all", breakdown: str = "overall") -> str:
    return row_key(metric, service, breakdown, column)


def one_row_plan(counts: tuple[int, int, int, int], hidden: tuple[str, ...] = (), primary: tuple[str, ...] = (),
                 **rollup) -> Plan:
    """A plan holding one m3 (all staff) row; ``hidden``/``primary`` name its columns."""
    values = {key(c): v for c, v in zip(COUNT_COLUMNS, counts, strict=True)}
    return Plan(values, {key(c) for c in hidden}, {key(c) for c in primary}, **rollup)


# --- Publication: one council's figures --------------------------------------------------------------------

def council() -> Publication:
    """2024: events_me 4 (hidden, primary), the rest shown; 2023: everything shown."""
    now = one_row_plan((4, 1234, 50, 5000), hidden=("events_me", "events_white"), primary=("events_me",))
    before = one_row_plan((12, 1100, 40, 4800))
    return Publication("2024", {"2024": now, "2023": before})


def test_count_prints_the_plans_value_with_thousands_separators_or_c_when_hidden():
    pub = council()
    assert str(pub.count(key("base_me"))) == "1,234"
    assert pub.count(key("base_me")).rests_on == ("2024:m3|all|overall|base_me",)
    assert str(pub.count(key("base_me"), fmt=lambda v: f"{v} people")) == "1234 people"
    assert str(pub.count(key("events_me"))) == SUPPRESSED and pub.count(key("events_me")).text == ""
    assert str(pub.count(key("events_me"), period="2023")) == "12"  # the earlier period's own plan
    assert str(pub.count("m9|all|overall|base_me")) == SUPPRESSED  # a key no plan knows is hidden


def test_count_of_a_hidden_key_never_formats_its_value():
    calls = []
    figure = council().count(key("events_me"), fmt=lambda v: calls.append(v) or str(v))
    assert figure.hidden and calls == []


def test_value_is_the_plans_count_or_none_when_unknown():
    pub = council()
    assert pub.value(key("base_white")) == 5000 and pub.value(key("events_me")) == 4  # for computing, not showing
    assert pub.value(key("events_me"), period="2023") == 12
    assert pub.value("m9|all|overall|base_me") is None and pub.value(key("base_me"), period="2019") is None


def test_group_rests_on_its_own_two_counts_only():
    """A group's rate is events/base of that group: hidden exactly when one of those two is hidden."""
    pub = council()
    white = pub.group("m3", "all", "overall", "white", "1.0%")
    assert white.rests_on == ("2024:m3|all|overall|events_white", "2024:m3|all|overall|base_white")
    assert white.hidden and str(white) == SUPPRESSED
    shown = Publication("2024", {"2024": one_row_plan((4, 1234, 50, 5000), hidden=("events_me",))})
    assert str(shown.group("m3", "all", "overall", "white", "1.0%")) == "1.0%"  # me hidden: white's rate stays
    assert shown.group("m3", "all", "overall", "me", "0.3%").hidden


def test_internal_audience_shows_everything():
    pub = council()
    pub.public = False
    assert str(pub.count(key("events_me"))) == "4" and not pub.group("m3", "all", "overall", "me", "x").hidden


# --- Roll-ups --------------------------------------------------------------------------------------------------

def test_pooled_count_under_a_stricter_councils_threshold_is_not_published():
    """Two councils with threshold 20 each hide their events_me (7 and 8); pooled, that is 15.

    15 is not small under the default 10 but is under the councils' 20: the pooled row must be hidden when
    the councils' threshold is passed, and (the same plans) shown under 10, so the threshold is what decides.
    """
    plans = {"a": one_row_plan((7, 200, 100, 900), hidden=("events_me",), primary=("events_me",)),
             "b": one_row_plan((8, 300, 120, 800), hidden=("events_me",), primary=("events_me",))}
    rollups = {"": ["a", "b"]}
    assert rollup_plan(rollups, plans, threshold=20).hidden("", "m3", "all")
    assert not rollup_plan(rollups, plans, threshold=10).hidden("", "m3", "all")
    assert rollup_plan(rollups, plans, threshold=20).threshold == 20


def test_secondary_check_runs_when_the_councils_leftover_space_has_one_dimension(monkeypatch):
    """Council a's report hides its events_white (25) only because, with its shown counts, 25 would give
    away a primary count (4): in a's leftover space (one dimension) both are the same vector [1].

    Published pooled, with b's count shown, the pooled events_white minus b's gives a's 25, hence the
    primary: the pooled row must be hidden. Without a's coordinates (dimension 0) nothing links them.

    The protection audit would hide the row in both cases for another reason (b's count shown pins
    a's hidden 25 exactly), so it is switched off here: only the span test decides.
    """
    monkeypatch.setattr(RollupPlan, "_audit", lambda self, rows: None)
    primary = key("events_me", service="adults")
    a = one_row_plan((60, 600, 25, 500), hidden=("events_white",))
    a.values[primary] = 4
    a.hidden_keys |= {primary}
    a.primary_keys |= {primary}
    b = one_row_plan((50, 500, 300, 3000))
    linked = Plan(a.values, a.hidden_keys, a.primary_keys, rollup_dim=1,
                  rollup_coords={key("events_white"): [1.0], primary: [1.0]})
    assert rollup_plan({"": ["a", "b"]}, {"a": linked, "b": b}).hidden("", "m3", "all")
    assert not rollup_plan({"": ["a", "b"]}, {"a": a, "b": b}).hidden("", "m3", "all")
    monkeypatch.undo()  # with the audit on, a's pinned 25 hides the row whatever the span test says
    assert rollup_plan({"": ["a", "b"]}, {"a": a, "b": b}).hidden("", "m3", "all")


def test_rollup_rows_cover_every_rl_metric_and_service_and_the_workforce_share():
    rows = RollupPlan.rows()
    # nine RLs (m2-m6, m7 for colleagues and for managers, m8, m9) by all, adults, children; m1's share by the three
    assert len(rows) == 9 * 3 + 3
    assert ("m1", "children", ("events_me", "events_white")) in rows and ("m9", "adults", COUNT_COLUMNS) in rows
