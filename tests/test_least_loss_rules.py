"""least_loss's pieces on hand-made plans: the loss it weighs, the councils it tries, when it searches at all.

The plans are those of ``test_least_loss`` (a small council withholding its 3 cases; two large ones
showing theirs); every expected value is worked out from the weights (``weights``: a national row 1,000,
a region's 500, a council's all-staff count 8, a service count 4, a detail 1).
"""

from __future__ import annotations

from scwres.disclosure import least_loss
from scwres.disclosure.publication import RollupPlan, rollup_plan
from scwres.disclosure.suppression import COUNT_COLUMNS, Plan, row_key
from test_least_loss import PLANS, ROLLUPS, _plan, _replan

EVENTS_ME = row_key("m3", "all", "overall", "events_me")


def test_loss_is_the_hidden_pooled_rows_and_council_counts_at_their_weights():
    plans = {"a": Plan({EVENTS_ME: 3, "m3|adults|subgroup:black|events_me": 2},
                       {EVENTS_ME, "m3|adults|subgroup:black|events_me"}), "b": Plan({EVENTS_ME: 50})}
    rollup = RollupPlan({"": ["a", "b"], "r": ["a"], "empty": []}, {},
                        hidden_rows={("", "m3", "all"), ("r", "m3", "all"), ("empty", "m3", "all")})
    assert least_loss.loss(rollup, plans) == 1000 + 500 + 8 + 1  # a roll-up with no councils costs nothing
    assert least_loss.loss(RollupPlan({"": ["a"]}, {}), {"b": plans["b"]}) == 0


def test_published_counts_the_shown_national_and_regional_rows():
    rollup = RollupPlan({"": ["a", "b"], "r": ["a"], "s": ["b"], "empty": []}, {},
                        hidden_rows={("", "m3", "all"), ("r", "m3", "all"), ("r", "m5", "all")})
    rows = len(RollupPlan.rows())
    outcome = least_loss.Outcome({}, {}, rollup, rollup, 0.0, 0.0)
    assert outcome.published(rollup) == (rows - 1, 2 * rows - 2)


def test_columns_of_a_metric():
    assert least_loss._columns("m3") == COUNT_COLUMNS
    assert least_loss._columns("m1") == ("events_me", "events_white")


def test_candidates_are_the_withheld_counts_and_the_councils_showing_them_largest_first(monkeypatch):
    decided = rollup_plan(ROLLUPS, PLANS)
    assert least_loss._candidates(decided, PLANS, "", "m3", "all") == ([EVENTS_ME], ["big", "other"])
    monkeypatch.setattr(least_loss, "PARTNERS", 1)
    assert least_loss._candidates(decided, PLANS, "", "m3", "all") == ([EVENTS_ME], ["big"])
    monkeypatch.undo()
    tie = {**PLANS, "other": _plan((60, 700, 150, 3000))}
    assert least_loss._candidates(decided, tie, "", "m3", "all")[1] == ["big", "other"]  # a tie: by name
    missing = {**PLANS, "other": Plan({})}  # a council without the row withholds all of it
    every = [row_key("m3", "all", "overall", c) for c in COUNT_COLUMNS]
    assert least_loss._candidates(decided, missing, "", "m3", "all") == (every, ["big"])


def test_no_candidates_when_nothing_is_withheld_or_a_pooled_count_is_small():
    shown = {la: _plan(tuple(p.values[row_key("m3", "all", "overall", c)] for c in COUNT_COLUMNS))
             for la, p in PLANS.items()}
    assert least_loss._candidates(rollup_plan(ROLLUPS, shown), shown, "", "m3", "all") == ([], [])
    tiny = {"small": _plan((3, 40, 12, 90), ("events_me",)), "big": _plan((2, 900, 200, 4000)),
            "other": _plan((1, 700, 150, 3000))}  # pooled 6: no council cell makes it publishable
    assert least_loss._candidates(rollup_plan(ROLLUPS, tiny), tiny, "", "m3", "all") == ([], [])


def test_affordable_up_to_max_councils():
    limit = least_loss.MAX_COUNCILS
    assert least_loss.affordable({"": [str(i) for i in range(limit)]})
    assert not least_loss.affordable({"": [str(i) for i in range(limit + 1)]})
    assert least_loss.affordable({"r": [str(i) for i in range(limit + 5)]})  # no national page: the regions are small


def test_the_first_trade_that_lowers_the_loss_is_kept_and_no_more_partners_are_tried():
    outcome = least_loss.search(ROLLUPS, PLANS, _replan(PLANS, spread=20), threshold=10)
    assert outcome.trials == 1 and outcome.requests == {"big": {EVENTS_ME}}
    # England's m3 row (1,000) for big's all-staff count (8); the toy's other rows, all zeros, stay hidden
    assert outcome.loss_before - outcome.loss_after == 1000 - 8
    assert outcome.plans["big"].hidden(EVENTS_ME) and not PLANS["big"].hidden(EVENTS_ME)  # the caller's plans kept


def test_no_trial_beyond_max_trials(monkeypatch):
    monkeypatch.setattr(least_loss, "MAX_TRIALS", 0)
    outcome = least_loss.search(ROLLUPS, PLANS, _replan(PLANS, spread=20), threshold=10)
    assert outcome.trials == 0 and outcome.requests == {} and outcome.rollup.hidden("", "m3", "all")


def test_a_region_of_one_council_is_not_searched():
    """Region s holds only the small council: its row shows exactly what that council withholds, so no trade
    can free it; only England's row is tried (once, successfully)."""
    rollups = {**ROLLUPS, "s": ["small"]}
    calls = []

    def replan(la, keys):
        calls.append(la)
        return _replan(PLANS, spread=20)(la, keys)

    outcome = least_loss.search(rollups, PLANS, replan, threshold=10)
    assert outcome.rollup.hidden("s", "m3", "all") and not outcome.rollup.hidden("", "m3", "all")
    assert calls == ["big"] and outcome.shown == [("", "m3", "all")]


def test_a_roll_up_too_large_keeps_everything_as_it_was(monkeypatch):
    monkeypatch.setattr(least_loss, "MAX_COUNCILS", 2)
    outcome = least_loss.search(ROLLUPS, PLANS, _replan(PLANS, spread=20), threshold=10)
    assert outcome.plans == PLANS and outcome.rollup.hidden_rows == outcome.before.hidden_rows
    assert outcome.loss_before == outcome.loss_after == least_loss.loss(outcome.before, PLANS)
    assert outcome.shown == [] and outcome.requests == {} and outcome.trials == 0


def test_a_trade_refused_by_the_rules_is_counted_and_the_next_partner_tried():
    """big's own report would pin the count it is asked to hide (its plan's range is one value), so the
    roll-up refuses that trade; other's does not: two trials, other asked."""
    def replan(la, keys):
        return _replan(PLANS, spread=0 if la == "big" else 20)(la, keys)

    outcome = least_loss.search(ROLLUPS, PLANS, replan, threshold=10)
    assert outcome.trials == 2 and outcome.requests == {"other": {EVENTS_ME}}
    assert not outcome.rollup.hidden("", "m3", "all")


def test_england_is_tried_before_a_region(monkeypatch):
    """England = big, other, small; region r = other, small. Both rows hide small's 3. With one trial
    allowed, England's row (1,000) is tried first - with its largest council, big."""
    monkeypatch.setattr(least_loss, "MAX_TRIALS", 1)
    outcome = least_loss.search({**ROLLUPS, "r": ["other", "small"]}, PLANS, _replan(PLANS, spread=20),
                                threshold=10)
    assert outcome.requests == {"big": {EVENTS_ME}} and not outcome.rollup.hidden("", "m3", "all")


def test_the_councils_threshold_decides_every_roll_up_the_search_makes():
    outcome = least_loss.search(ROLLUPS, PLANS, _replan(PLANS, spread=20), threshold=20)
    assert outcome.before.threshold == 20 and outcome.rollup.threshold == 20


def test_a_trade_that_loses_nothing_is_not_made():
    """A council whose report would not change (its plan as it was) gains the roll-up nothing: no request."""
    outcome = least_loss.search(ROLLUPS, PLANS, lambda la, keys: PLANS[la], threshold=10)
    assert outcome.requests == {} and outcome.trials >= 1 and outcome.loss_after == outcome.loss_before


def test_partners_are_tried_largest_count_first_not_by_name():
    larger_other = {**PLANS, "other": _plan((90, 700, 150, 3000))}
    decided = rollup_plan(ROLLUPS, larger_other)
    assert least_loss._candidates(decided, larger_other, "", "m3", "all") == ([EVENTS_ME], ["other", "big"])


# A stand-in for the roll-up's rules, so that what frees a row is stated outright. "small" withholds its
# minority ethnic cases in m3 (adults and all staff), m5 and m6 (all staff). The national m3 adults and
# all-staff rows are hidden together until one council hides both of those counts too (say either row
# alone would still give small's count away through all = adults + children); the national m5 row until
# "big" hides its m5 count; the national m6 row always. Region "r" (small alone) hides its m5 row: a region
# of one council is never searched.
M3 = {s: row_key("m3", s, "overall", "events_me") for s in ("adults", "all")}
M5, M6 = row_key("m5", "all", "overall", "events_me"), row_key("m6", "all", "overall", "events_me")
BUNDLE_ROLLUPS = {"": ["big", "other", "small"], "r": ["small"]}


def _stand_in(rollups, plans, threshold):
    hidden_rows = {("r", "m5", "all"), ("", "m6", "all")}
    if not any(set(M3.values()) <= plans[la].hidden_keys for la in ("big", "other")):
        hidden_rows |= {("", "m3", s) for s in M3}
    if M5 not in plans["big"].hidden_keys:
        hidden_rows.add(("", "m5", "all"))
    return RollupPlan({k: sorted(v) for k, v in rollups.items()}, {}, threshold, hidden_rows)


def _bundle_plans() -> dict[str, Plan]:
    """Every count of the m3, m5 and m6 rows; the minority ethnic cases: small 3 (withheld), big 60, other
    40 - except other's all-staff m3 count, 80, the largest; the other columns 500 everywhere."""
    rows = [("m3", "adults"), ("m3", "children"), ("m3", "all"), ("m5", "all"), ("m6", "all")]
    every = {row_key(m, s, "overall", c): 500 for m, s in rows for c in least_loss._columns(m)}
    withheld = {*M3.values(), M5, M6}
    return {"small": Plan({**every, **{k: 3 for k in withheld}}, set(withheld)),
            "big": Plan({**every, **{k: 60 for k in withheld}}),
            "other": Plan({**every, **{k: 40 for k in withheld}, M3["all"]: 80})}


def _bundle_replan(plans):
    def replan(la: str, keys: frozenset[str]) -> Plan:
        return Plan(dict(plans[la].values), plans[la].hidden_keys | set(keys))
    return replan


def test_a_metrics_service_rows_are_traded_together_when_no_one_of_them_frees_anything(monkeypatch):
    """Rows one at a time, national first: m3 adults (asked of big, the largest, then other) and m3 all
    staff (other, then big): four trials, none lowers the loss (the rows stay hidden, a council count more
    lost); m5 asked of big: freed (-1,000 + 8), kept (trials stop at the first that lowers the loss); m6
    asked of big and other: stays hidden. Region r's m5 row: one council, not tried. Then each metric with
    more than one row hidden, its rows together: m3 adults and all staff, the partners in the rows' order -
    big first: both show (-2,000 + 4 + 8), kept, and big's earlier m5 request stands with them. A metric
    with one row hidden (m6) is not tried again. Eight trials."""
    monkeypatch.setattr(least_loss, "rollup_plan", _stand_in)
    plans = _bundle_plans()
    outcome = least_loss.search(BUNDLE_ROLLUPS, plans, _bundle_replan(plans), threshold=10)
    assert outcome.requests == {"big": {*M3.values(), M5}}
    assert outcome.rollup.hidden_rows == {("r", "m5", "all"), ("", "m6", "all")}
    assert outcome.trials == 8
    assert outcome.loss_before == 4 * 1000 + 500 + 4 + 3 * 8  # small's service count and three all-staff
    assert outcome.loss_after == 1000 + 500 + (4 + 3 * 8) + (4 + 2 * 8)  # and big's three


def test_a_roll_up_of_two_councils_is_searched():
    """Two councils: the national count minus big's shown count gives small's 3. Big hiding its count too
    leaves 63 to be split between them: the national row shows."""
    plans = {la: PLANS[la] for la in ("big", "small")}
    outcome = least_loss.search({"": ["big", "small"]}, plans, _replan(plans, spread=20), threshold=10)
    assert outcome.before.hidden("", "m3", "all") and not outcome.rollup.hidden("", "m3", "all")
    assert outcome.requests == {"big": {EVENTS_ME}}
