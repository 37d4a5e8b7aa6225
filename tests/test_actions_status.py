"""Computed status at boundary dates, and success measures parsed and judged."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from scwres.actions.measures import MeasureSyntaxError, evaluate, parse_measure
from scwres.actions.register import Action
from scwres.actions.status import is_stale, status

D = dt.date.fromisoformat
BANDS = ["low", "mid", "top"]


def action(**change) -> Action:
    base = dict(id="A1", objective="O", action="Do", metrics=("m2",), theme="culture", service="all", lead="Lead",
                plan_period="2022", start=D("2023-01-01"), due=D("2023-06-30"), status="in_progress",
                completed_on=None, success_measure=None, last_update="", updated_on=None, line=2)
    return Action(**{**base, **change})


@pytest.mark.parametrize("as_of,expected", [
    ("2022-12-31", "not_started"),  # the day before start
    ("2023-01-01", "on_track"),  # start day, far from due
    ("2023-05-30", "on_track"),  # 31 days before due
    ("2023-05-31", "due_soon"),  # 30 days before due
    ("2023-06-30", "due_soon"),  # the due day itself is not overdue
    ("2023-07-01", "overdue"),  # the day after
])
def test_status_boundaries(as_of, expected):
    assert status(action(), D(as_of)) == expected


def test_complete_only_from_its_completion_date():
    done = action(status="complete", completed_on=D("2023-07-10"))
    assert status(done, D("2023-07-09")) == "overdue"
    assert status(done, D("2023-07-10")) == "complete"


def test_dropped_from_the_note_that_dropped_it():
    dropped = action(status="dropped", last_update="Merged into A2", updated_on=D("2023-03-01"))
    assert status(dropped, D("2023-02-28")) == "on_track"
    assert status(dropped, D("2023-03-01")) == "dropped"
    assert status(dropped, D("2024-01-01")) == "dropped"  # never overdue


@pytest.mark.parametrize("updated_on,as_of,stale", [
    ("2023-04-01", "2023-06-30", False),  # due day: not overdue yet
    ("2023-04-03", "2023-07-02", False),  # overdue, note exactly 90 days old
    ("2023-04-02", "2023-07-02", True),  # 91 days
    (None, "2023-07-01", True),  # overdue and never updated
    ("2023-07-05", "2023-07-02", True),  # a note dated later is not known yet
])
def test_stale_after_90_days_without_a_note(updated_on, as_of, stale):
    a = action(last_update="note" if updated_on else "", updated_on=D(updated_on) if updated_on else None)
    assert is_stale(a, D(as_of)) is stale


@pytest.mark.parametrize("text,count,first", [
    ("m2 >= 0.8", 1, ("m2", None, ">=", 0.8)),
    ("M8<=1.25", 1, ("m8", None, "<=", 1.25)),
    ("m2 >= 0.8 and m2 <= 1.25", 2, ("m2", None, ">=", 0.8)),
    ("m1 >= 6%", 1, ("m1", None, ">=", 0.06)),
    ("m1[mid] > .1", 1, ("m1", "mid", ">", 0.1)),
    ("m7_managers ≤ 1.5", 1, ("m7_managers", None, "<=", 1.5)),
])
def test_measures_parse(text, count, first):
    measure = parse_measure(text, BANDS)
    assert len(measure.comparisons) == count
    c = measure.comparisons[0]
    assert (c.metric, c.breakdown, c.op) == first[:3] and math.isclose(c.target, first[3])


@pytest.mark.parametrize("text,position,words", [
    ("", 1, "empty"),
    ("m10 >= 1", 1, "not a metric id"),
    ("x2 >= 1", 1, "Expected a metric id"),
    ("m2 => 0.8", 4, "not a comparison"),
    ("m2 = 0.8", 4, "not a comparison"),
    ("m2 >= ", 6, "Expected a number"),
    ("m2 >= high", 7, "Expected a number"),
    ("m2 >= 0.8 m3 < 1", 11, "Expected “and”"),
    ("m2 >= 0.8 and", 14, "Expected a metric id"),
    ("m5 >= 10%", 4, "percentage"),
    ("m2[top] >= 1", 1, "Only m1"),
    ("m1[senior] >= 0.1", 1, "not a pay band"),
])
def test_bad_measures_say_where(text, position, words):
    with pytest.raises(MeasureSyntaxError) as info:
        parse_measure(text, BANDS)
    assert info.value.position == position
    assert words in str(info.value)


def metrics(rows: list[tuple[str, str, str, float, bool]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["service", "metric", "breakdown", "value", "suppressed"]).assign(period="2023")


TABLE = metrics([
    ("all", "m2", "overall", 0.8, False), ("adults", "m2", "overall", 0.79, False),
    ("all", "m8", "overall", 1.25, False), ("all", "m3", "overall", 1.1, True),
    ("all", "m9", "overall", float("nan"), False),
    ("all", "m1", "top", 0.05, False), ("all", "m1", "mid", 0.12, False), ("all", "m1", "overall", 0.2, False),
])


@pytest.mark.parametrize("text,service,audience,state", [
    ("m2 >= 0.8", "all", "public", "met"),  # equal to the target counts
    ("m2 > 0.8", "all", "public", "not_met"),
    ("m2 >= 0.8", "adults", "public", "not_met"),  # the action's service is used
    ("m8 <= 1.25", "all", "public", "met"),
    ("m2 >= 0.8 and m8 < 1.25", "all", "public", "not_met"),  # every comparison must hold
    ("m3 <= 1.25", "all", "public", "not_measurable"),  # suppressed: a verdict would leak it
    ("m3 <= 1.25", "all", "internal", "met"),
    ("m9 >= 0.8", "all", "public", "not_measurable"),  # no value
    ("m2 >= 0.8", "children", "public", "not_measurable"),  # no row
    ("m1 >= 6%", "all", "public", "not_met"),  # m1 = the top band, not the overall share
    ("m1[mid] >= 10%", "all", "public", "met"),
])
def test_measures_evaluate(text, service, audience, state):
    assert evaluate(parse_measure(text, BANDS), TABLE, service, BANDS, audience).state == state


def test_no_metrics_is_not_measurable():
    assert evaluate(parse_measure("m2 >= 0.8"), None, "all", BANDS).state == "not_measurable"


def test_a_blank_relative_likelihood_cannot_meet_a_target():
    """No white cases leave the RL undefined (docs/methods.md): even a generous target is not measurable, and the
    reason says why rather than 'too little data'."""
    table = pd.DataFrame([("all", "m2", "overall", float("nan"), False, 12, 40, 0, 55),
                          ("all", "m8", "overall", float("nan"), False, 0, 40, 0, 55)],
                         columns=["service", "metric", "breakdown", "value", "suppressed", "events_me", "base_me",
                                  "events_white", "base_white"]).assign(period="2024")
    result = evaluate(parse_measure("m2 >= 0.8"), table, "all", BANDS)
    assert result.state == "not_measurable"
    assert "not defined" in result.reason and "no white staff" in result.reason
    both_zero = evaluate(parse_measure("m8 <= 1.25"), table, "all", BANDS)
    assert both_zero.state == "not_measurable" and both_zero.reason == "too little data to calculate the metric"
