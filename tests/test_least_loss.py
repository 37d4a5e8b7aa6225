"""Least loss across pages (issue 23): one more council cell hidden rather than a national figure.

The council side: a count a roll-up asks a council to hide (``forced``) is hidden and protected like a
small one - its feasible range at least as wide - or it would cover nothing. The roll-up side: the
search (``least_loss.search``) takes a trade only when the whole weighted loss goes down and the
roll-up's own rules pass, so a trade that would expose a withheld count is never taken.
"""

from __future__ import annotations

import small_return
from scwres.disclosure import audit, least_loss, rollup_requests
from scwres.disclosure.metrics_table import metrics_table
from scwres.disclosure.suppression import COUNT_COLUMNS, Plan, report_plan, row_key

KEY = row_key("m6", "all", "overall", "base_white")  # 80 white survey respondents: far from small


def _tiny():
    params, tables = small_return.params(), small_return.tables()
    return metrics_table("tiny", "2024", tables, params), params, tables


def test_a_count_the_roll_up_asks_for_is_hidden_and_protected_like_a_small_one():
    frame, params, tables = _tiny()
    alone = report_plan(frame, params, tables)
    assert not alone.hidden(KEY) and alone.values[KEY] >= 50  # shown without the request: the test can fail
    asked = report_plan(frame, params, tables, {KEY})
    assert asked.hidden(KEY)
    low, high = asked.ranges[KEY]
    assert low <= asked.values[KEY] <= high
    assert high - low >= audit.need(1, 10), f"{KEY} narrowed to {low}..{high}: it would cover no small count"
    # all staff = adults + children: with both services shown the hidden total would be worked out again
    services = [row_key("m6", s, "overall", "base_white") for s in ("adults", "children")]
    assert any(asked.hidden(k) for k in services)


def test_a_requested_count_must_be_as_wide_as_a_small_one():
    """The rule itself: a large hidden count proven only two values wide is protected enough on its own
    (it is not small), but not when it was hidden to cover another council's small count - the small count
    would then lie in a range just as narrow. (The tiny return above is wide anyway, so the rule is tested
    here, where switching it off changes the answer.)"""
    big = frozenset({("a",)})
    found, value_of = {big: (119, 121)}, {big: 120}
    assert audit.failing(found, value_of, 10) == []
    assert audit.failing(found, value_of, 10, forced={big}) == [big]
    assert audit.failing({big: (118, 121)}, value_of, 10, forced={big}) == []  # four values: enough


def test_a_request_for_a_key_the_report_does_not_have_changes_nothing():
    frame, params, tables = _tiny()
    assert report_plan(frame, params, tables, {"m99|all|overall|events_me"}).hidden_keys == \
        report_plan(frame, params, tables).hidden_keys


def _plan(counts: tuple[int, int, int, int], hidden: tuple[str, ...] = (), spread: int = 50) -> Plan:
    """One m3 all-staff row; ``hidden`` columns withheld with a feasible range of +-``spread`` (0: pinned)."""
    keys = {c: row_key("m3", "all", "overall", c) for c in COUNT_COLUMNS}
    values = {keys[c]: v for c, v in zip(COUNT_COLUMNS, counts, strict=True)}
    hidden_keys = {keys[c] for c in hidden}
    ranges = {k: (max(1, values[k] - spread), values[k] + spread) for k in hidden_keys}
    return Plan(values, hidden_keys, {k for k, v in values.items() if 0 < v < 10}, ranges=ranges)


def _replan(plans: dict[str, Plan], spread: int):
    def replan(la: str, keys: frozenset[str]) -> Plan:
        base = plans[la]
        columns = tuple(c for c in COUNT_COLUMNS if row_key("m3", "all", "overall", c) in keys | base.hidden_keys)
        return _plan(tuple(base.values[row_key("m3", "all", "overall", c)] for c in COUNT_COLUMNS), columns, spread)
    return replan


# A small council withholds its 3 minority ethnic disciplinary cases; two large ones show theirs. The
# national total minus the two shown counts is exactly the small council's 3: the national row hides.
PLANS = {"small": _plan((3, 40, 12, 90), ("events_me",), spread=4),
         "big": _plan((60, 900, 200, 4000)), "other": _plan((40, 700, 150, 3000))}
ROLLUPS = {"": ["big", "other", "small"]}


def test_the_search_trades_one_council_cell_for_the_national_figure():
    outcome = least_loss.search(ROLLUPS, PLANS, _replan(PLANS, spread=20), threshold=10)
    assert outcome.before.hidden("", "m3", "all"), "without a trade the national row must be hidden"
    assert not outcome.rollup.hidden("", "m3", "all")
    assert outcome.requests == {"big": {row_key("m3", "all", "overall", "events_me")}}  # the largest count first
    assert outcome.loss_after < outcome.loss_before
    assert ("", "m3", "all") in outcome.shown and outcome.published(outcome.rollup) == (1, 0)


def test_a_trade_that_would_expose_the_small_count_is_not_taken():
    """If the big council's own report pinned the count it hides (range of one value), the national total
    minus it would still give the small council's 3: the roll-up's rules refuse, so no trade is made."""
    outcome = least_loss.search(ROLLUPS, PLANS, _replan(PLANS, spread=0), threshold=10)
    assert outcome.rollup.hidden("", "m3", "all")
    assert outcome.requests == {} and outcome.loss_after == outcome.loss_before


def test_requests_are_written_exactly_and_read_back(tmp_path):
    asked = {"big": {"m3|all|overall|events_me"}}
    assert rollup_requests.write("2024", asked, ["big", "other"], tmp_path) == ["big"]
    assert rollup_requests.read("big", "2024", tmp_path) == {"m3|all|overall|events_me"}
    assert rollup_requests.write("2024", asked, ["big", "other"], tmp_path) == []  # unchanged: nothing to rebuild
    assert rollup_requests.write("2024", {}, ["big", "other"], tmp_path) == ["big"]  # withdrawn: file removed
    assert rollup_requests.read("big", "2024", tmp_path) == set()
    broken = tmp_path / "rollup-requests" / "other" / "2024.json"
    broken.parent.mkdir(parents=True)
    broken.write_text("{not json", encoding="utf-8")
    assert rollup_requests.read("other", "2024", tmp_path) == set()


def test_no_search_over_a_roll_up_too_large_to_afford(monkeypatch):
    """Each trial decides the whole roll-up again (minutes for all of England): above MAX_COUNCILS the
    national row stays hidden rather than the run taking hours."""
    monkeypatch.setattr(least_loss, "MAX_COUNCILS", len(ROLLUPS[""]) - 1)
    outcome = least_loss.search(ROLLUPS, PLANS, _replan(PLANS, spread=20), threshold=10)
    assert outcome.rollup.hidden("", "m3", "all") and outcome.requests == {} and outcome.trials == 0


def test_a_roll_up_too_large_to_search_withdraws_earlier_requests(tmp_path, monkeypatch):
    """No search over all of England, and what an earlier, smaller run asked is withdrawn (its reports are
    rebuilt without it), so no council keeps hiding counts for a trade nobody made."""
    from scwres import paths
    from scwres.pipeline import national as run

    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path)
    monkeypatch.setattr(least_loss, "MAX_COUNCILS", 2)
    rollup_requests.write("2024", {"big": {"m3|all|overall|events_me"}}, ["big"])
    monkeypatch.setattr(run, "collect", lambda period: None)
    monkeypatch.setattr(run, "groups", lambda everyone: (ROLLUPS, PLANS, 10))
    changed, outcome = run.request_protection("2024")
    assert (changed, outcome) == (["big"], None)
    assert rollup_requests.read("big", "2024") == set()
    assert "too many councils" in run.protection_message("2024", changed, outcome)


def test_a_request_is_an_input_of_that_report_and_of_later_periods_only(tmp_path, monkeypatch):
    """The batch rebuilds a report whose requests changed (its inputs key moves), and the later periods that
    quote its plan; an earlier period's report does not depend on a later period's request."""
    from scwres import paths
    from scwres.pipeline.inputs import Job, inputs_key

    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path / "build")
    monkeypatch.setattr(paths, "RAW_DIR", tmp_path / "raw")
    keys = {p: inputs_key(Job("big", p), shared=[]) for p in ("2023", "2024")}
    rollup_requests.write("2024", {"big": {"m3|all|overall|events_me"}}, ["big"])
    assert inputs_key(Job("big", "2024"), shared=[]) != keys["2024"]
    assert inputs_key(Job("big", "2023"), shared=[]) == keys["2023"]
    rollup_requests.write("2023", {"big": {"m3|all|overall|events_me"}}, ["big"])
    assert inputs_key(Job("big", "2023"), shared=[]) != keys["2023"]


def test_make_national_rebuilds_the_councils_asked_and_their_later_periods_before_the_roll_up(
        tmp_path, monkeypatch, capsys):
    """The command's order: build the period, decide the trades, rebuild the councils whose requests changed
    (this period and later ones, which quote its plan - not earlier ones), then write the roll-up."""
    import argparse

    from scwres import paths
    from scwres.pipeline import batch
    from scwres.pipeline import national as run

    for la, period in (("big", "2023"), ("big", "2024"), ("big", "2025"), ("other", "2024")):
        (tmp_path / la / period).mkdir(parents=True)
    monkeypatch.setattr(paths, "RAW_DIR", tmp_path)
    steps: list = []
    monkeypatch.setattr(batch, "run_batch", lambda jobs, workers=None: steps.append(
        ("build", sorted(j.label for j in jobs))) or batch.Summary())
    monkeypatch.setattr(run, "request_protection", lambda period: steps.append(("trade", period)) or (
        ["big"], least_loss.search(ROLLUPS, PLANS, _replan(PLANS, spread=20), threshold=10)))
    monkeypatch.setattr(run, "build_national", lambda period, region: steps.append(("roll-up", period)) or tmp_path)
    monkeypatch.setattr(batch, "write_index_page", lambda: None)
    args = argparse.Namespace(period="2024", region="", jobs=0, no_build=False)
    assert run.command(args) == 0
    assert steps == [("build", ["big 2024", "other 2024"]), ("trade", "2024"), ("build", ["big 2024", "big 2025"]),
                     ("roll-up", "2024")]
    said = capsys.readouterr().out
    assert "big (1 count)" in said and "The national page shows 1 pooled figure instead of 0" in said
