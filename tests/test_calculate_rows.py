"""metrics.calculate on the tiny return, row by row, against a second count written out here.

Fast on purpose, so ``make mutate`` can run these for every mutant of calculate.py: each test computes
what it reads with the narrowest function (``m1_rows`` and ``m9_share_rows`` take 0.02 s, ``rl_rows``
0.3 s, with no suppression or file writing), and in the test itself - a shared fixture would tie the
calculation to whichever test ran first, and mutmut picks the tests to run for a mutant by which ones
called the changed function. The expected counts come from a
plain loop over the tiny return's rows with the catalogue's definitions spelt out below - not from
the module's own helpers; intervals come from the independent Koopman root-finding and the Wilson
formula written out.
"""

from __future__ import annotations

import pandas as pd
import pytest

from koopman_reference import koopman_interval, wilson_interval
from scwres.metrics.calculate import add_trends, m1_rows, m9_share_rows, metric_rows, rl_rows, subgroups_in_use
from small_return import params, tables

# (table, column, filters) of each relative-likelihood metric's events and base (docs/methods.md).
EVENTS = {
    "m2": ("recruitment", "appointed", {}), "m3": ("events", "disciplinary", {}), "m4": ("events", "ftp", {}),
    "m5": ("events", "cpd", {}), "m6": ("survey", "hba_public", {}),
    "m7_colleagues": ("survey", "hba_colleagues", {}), "m7_managers": ("survey", "hba_managers", {}),
    "m8": ("events", "leavers", {}), "m9": ("workforce", "headcount", {"senior_manager": "yes"}),
}
BASES = {
    "m2": ("recruitment", "shortlisted", {}), "m3": ("workforce", "headcount", {}),
    "m4": ("workforce", "headcount", {"regulated": "yes"}), "m5": ("workforce", "headcount", {}),
    "m6": ("survey", "respondents", {}), "m7_colleagues": ("survey", "respondents", {}),
    "m7_managers": ("survey", "respondents", {}), "m8": ("workforce", "headcount", {}),
    "m9": ("workforce", "headcount", {}),
}
# The tiny return's codes: (group, sub-group); white Irish is a white minority.
CODES = {"black_african": ("me", "black"), "asian_indian": ("me", "asian"), "mixed_other": ("me", "mixed"),
         "white_british": ("white", None), "white_irish": ("white", "white_minorities"),
         "not_stated": ("unknown", None)}
RECORDS = {name: frame.to_dict("records") for name, frame in tables().items()}


def group_of(code: str, wm: bool) -> tuple[str, str | None]:
    group, sub = CODES[code]
    if sub == "white_minorities":
        return ("me", sub) if wm else ("white", None)
    return group, sub


def hand_count(spec: tuple[str, str, dict], service: str, who: str, wm: bool = False) -> int:
    """Sum a column over the rows of ``service`` ("all": both) whose code is in ``who`` (me, white or a sub-group)."""
    table, column, where = spec
    total = 0
    for record in RECORDS[table]:
        if service != "all" and record["service"] != service:
            continue
        if any(record[k] != v for k, v in where.items()):
            continue
        group, sub = group_of(record["ethnicity"], wm)
        if who in (group, sub):
            total += int(record[column])
    return total


def find(rows: list[dict], service: str, metric: str, breakdown: str = "overall") -> dict:
    found = [r for r in rows if (r["service"], r["metric"], r["breakdown"]) == (service, metric, breakdown)]
    assert len(found) == 1, (service, metric, breakdown, len(found))
    return found[0]


def test_every_overall_count_matches_a_count_by_hand():
    rows = rl_rows(tables(), params())
    for metric in EVENTS:
        for service in ("adults", "children", "all"):
            r = find(rows, service, metric)
            expected = tuple(hand_count(spec, service, who) for who in ("me", "white")
                             for spec in (EVENTS[metric], BASES[metric]))
            assert (r["events_me"], r["base_me"], r["events_white"], r["base_white"]) == expected, (metric, service)


@pytest.mark.parametrize("wm", [False, True])
def test_every_subgroup_count_matches_a_count_by_hand(wm):
    got = rl_rows(tables(), params(white_minorities_as_minority_ethnic=wm))
    subs = ["asian", "black", "mixed", "other"] + (["white_minorities"] if wm else [])
    for metric in EVENTS:
        for service in ("adults", "children", "all"):
            for sub in subs:
                r = find(got, service, metric, f"subgroup:{sub}")
                expected = (hand_count(EVENTS[metric], service, sub, wm), hand_count(BASES[metric], service, sub, wm),
                            hand_count(EVENTS[metric], service, "white", wm),
                            hand_count(BASES[metric], service, "white", wm))
                assert (r["events_me"], r["base_me"], r["events_white"], r["base_white"]) == expected, (metric, sub)
    if not wm:  # no white-minorities row when they are not counted as minority ethnic
        assert not [r for r in got if r["breakdown"] == "subgroup:white_minorities"]


def test_the_flag_moves_white_irish_from_white_to_minority_ethnic():
    rows, rows_wm = rl_rows(tables(), params()), rl_rows(tables(), params(white_minorities_as_minority_ethnic=True))
    before, after = find(rows, "adults", "m3"), find(rows_wm, "adults", "m3")
    # white Irish: headcount 10 (low band), disciplinary 0
    assert (after["base_me"], after["base_white"]) == (before["base_me"] + 10, before["base_white"] - 10)
    assert (before["base_me"], before["base_white"]) == (40, 100)


def test_subgroups_in_use_follow_the_flag():
    assert subgroups_in_use(params()) == ("asian", "black", "mixed", "other")
    assert subgroups_in_use(params(white_minorities_as_minority_ethnic=True)) == (
        "asian", "black", "mixed", "other", "white_minorities")
    assert subgroups_in_use({}) == ("asian", "black", "mixed", "other")


def test_rates_ratio_and_interval_of_each_overall_row():
    for r in rl_rows(tables(), params()):
        if r["breakdown"] != "overall" or r["metric"] == "m1":
            continue
        a, n1, c, n2 = r["events_me"], r["base_me"], r["events_white"], r["base_white"]
        assert r["rate_me"] == (a / n1 if n1 else None)
        assert r["rate_white"] == (c / n2 if n2 else None)
        if a and c:
            assert r["value"] == pytest.approx((a / n1) / (c / n2), rel=1e-12)
            assert (r["ci_low"], r["ci_high"]) == pytest.approx(koopman_interval(a, n1, c, n2), rel=1e-6)
        assert r["assessment"] in {"adverse", "favourable", "no_significant_difference", "insufficient_data"}
        assert r["_rl"] is not None
        assert (r["p_value"] is None) == (r["assessment"] == "insufficient_data")


def test_an_empty_group_has_no_rate_and_insufficient_data():
    r = find(rl_rows(tables(), params()), "adults", "m2", "subgroup:other")  # nobody is in the Other group
    assert (r["events_me"], r["base_me"]) == (0, 0)
    assert r["rate_me"] is None and r["value"] is None and r["assessment"] == "insufficient_data"
    assert r["rate_white"] == pytest.approx(18 / 60)


def test_assessment_and_p_value_agree_on_the_tiny_return():
    """m2 adults: 6 of 50 against 18 of 60 - fewer minority ethnic applicants appointed (adverse below one)."""
    rows = rl_rows(tables(), params())
    r = find(rows, "adults", "m2")
    assert r["assessment"] == "adverse" and r["p_value"] < 0.05
    same = find(rows, "adults", "m5")  # CPD 14 of 40 against 33 of 100: no significant difference
    assert (same["events_me"], same["base_me"], same["events_white"], same["base_white"]) == (14, 40, 33, 100)
    assert same["assessment"] == "no_significant_difference" and same["p_value"] >= 0.05


@pytest.mark.parametrize("service,me,white", [("adults", (30, 10), (60, 40)), ("children", (20, 0), (50, 0)),
                                              ("all", (50, 10), (110, 40))])
def test_m1_overall_and_band_shares(service, me, white):
    rows = m1_rows(tables(), params())
    total_me, total_white = sum(me), sum(white)
    overall = find(rows, service, "m1")
    assert (overall["events_me"], overall["base_me"], overall["events_white"], overall["base_white"]) == (
        total_me, total_me, total_white, total_white)
    assert overall["value"] == pytest.approx(total_me / (total_me + total_white), rel=1e-15)
    for band, a, c in zip(["low", "high"], me, white, strict=True):
        r = find(rows, service, "m1", band)
        assert (r["events_me"], r["base_me"], r["events_white"], r["base_white"]) == (a, total_me, c, total_white)
        assert r["rate_me"] == pytest.approx(a / total_me) and r["rate_white"] == pytest.approx(c / total_white)
        assert r["assessment"] == "" and r["p_value"] is None and r["_rl"] is None
        if a + c:
            assert r["value"] == pytest.approx(a / (a + c), rel=1e-15)
            low, high = wilson_interval(a, a + c)
            assert r["ci_low"] == (0.0 if a == 0 else pytest.approx(low, rel=1e-9))
            assert r["ci_high"] == pytest.approx(high, rel=1e-9)
        else:
            assert r["value"] is None and r["ci_low"] is None and r["ci_high"] is None


def test_m9_shares_of_senior_managers_workforce_and_population():
    rows = m9_share_rows(tables(), params())
    senior = find(rows, "adults", "m9", "senior_share")
    assert (senior["events_me"], senior["base_me"], senior["events_white"], senior["base_white"]) == (2, 40, 10, 100)
    assert senior["value"] == pytest.approx(2 / 12)
    low, high = wilson_interval(2, 12)
    assert (senior["ci_low"], senior["ci_high"]) == pytest.approx((low, high), rel=1e-9)
    work = find(rows, "all", "m9", "workforce_share")
    assert (work["events_me"], work["base_me"], work["events_white"], work["base_white"]) == (60, 60, 150, 150)
    for service in ("adults", "children", "all"):
        pop = find(rows, service, "m9", "population_share")
        assert (pop["events_me"], pop["events_white"]) == (1000, 9000)
        assert pop["value"] == pytest.approx(0.1)


@pytest.mark.parametrize("population", [None, "empty"])
def test_no_population_row_without_population_figures(population):
    t = tables()
    if population is None:
        del t["population"]
    else:
        t["population"] = t["population"].iloc[0:0]
    got = m9_share_rows(t, params())
    assert not [r for r in got if r["breakdown"] == "population_share"]
    assert len([r for r in got if r["breakdown"] == "senior_share"]) == 3


def test_leaver_base_adds_the_leavers_only_when_asked():
    rows, plus = rl_rows(tables(), params()), rl_rows(tables(), params(leaver_base="snapshot_plus_leavers"))
    for service in ("adults", "children", "all"):
        left_me, left_white = hand_count(EVENTS["m8"], service, "me"), hand_count(EVENTS["m8"], service, "white")
        a, b = find(rows, service, "m8"), find(plus, service, "m8")
        assert (b["base_me"], b["base_white"]) == (a["base_me"] + left_me, a["base_white"] + left_white)
        assert (b["events_me"], b["events_white"]) == (a["events_me"], a["events_white"])
        assert find(plus, service, "m3")["base_me"] == find(rows, service, "m3")["base_me"]
    assert find(plus, "adults", "m8")["base_me"] == 40 + 8


def test_rows_are_one_per_service_metric_and_breakdown():
    rows = metric_rows(tables(), params())
    keys = [(r["service"], r["metric"], r["breakdown"]) for r in rows]
    assert len(keys) == len(set(keys))
    # m1: overall + 2 bands; m2-m9: overall + 4 sub-groups; m9: 3 shares - each for 3 services
    assert len(rows) == 3 * (3 + 9 * 5 + 3)


def _copy(rows: list[dict]) -> list[dict]:
    return [dict(r) for r in rows]


def test_trends_without_an_earlier_period():
    now = metric_rows(tables(), params())
    add_trends(now, None)
    for r in now:
        assert r["trend"] == ("" if r["_rl"] is None else "no_previous_period")


def test_trends_against_the_same_figures_are_no_change_or_not_assessed():
    rows = metric_rows(tables(), params())
    now = _copy(rows)
    add_trends(now, _copy(rows))
    for r in now:
        if r["_rl"] is None:
            assert r["trend"] == ""
        elif 0 in (r["events_me"], r["base_me"], r["events_white"], r["base_white"]):
            assert r["trend"] == "not_assessed", (r["service"], r["metric"], r["breakdown"])
        else:
            assert r["trend"] == "no_significant_change", (r["service"], r["metric"], r["breakdown"])


def test_a_row_missing_from_the_earlier_period_has_no_previous_period():
    rows = rl_rows(tables(), params())
    now = _copy(rows)
    earlier = [r for r in _copy(rows) if (r["service"], r["metric"]) != ("adults", "m2")]
    add_trends(now, earlier)
    assert find(now, "adults", "m2")["trend"] == "no_previous_period"
    assert find(now, "children", "m2")["trend"] == "no_significant_change"


def test_a_large_change_is_closer_to_or_further_from_equality():
    """2024 m2 adults: 6 of 50 against 18 of 60 (RL 0.4). The other year: 42 of 50 appointed (RL 2.8)."""
    t = tables()
    rec = t["recruitment"]
    rec.loc[(rec.service == "adults") & (rec.ethnicity == "black_african"), "appointed"] = 40
    changed, tiny = metric_rows(t, params()), metric_rows(tables(), params())
    assert find(changed, "adults", "m2")["value"] == pytest.approx((42 / 50) / (18 / 60))
    now, before = _copy(tiny), _copy(changed)
    add_trends(now, before)
    assert find(now, "adults", "m2")["trend"] == "closer_to_equality"  # |ln 0.4| < |ln 2.8|
    now, before = _copy(changed), _copy(tiny)
    add_trends(now, before)
    assert find(now, "adults", "m2")["trend"] == "further_from_equality"


def test_the_tiny_return_tables_are_not_changed():
    """The calculation reads the tables; it never writes to them (the caller reuses them)."""
    t = tables()
    kept = {k: v.copy() for k, v in t.items()}
    metric_rows(t, params(leaver_base="snapshot_plus_leavers"))
    for k, v in kept.items():
        pd.testing.assert_frame_equal(t[k], v)


def test_the_flag_moves_white_irish_in_the_pay_band_and_senior_shares_too():
    """White Irish: 10 adults, low band, not senior. Counted as minority ethnic, adults' minority ethnic
    staff are 40 + 10 = 50 (40 in the low band) and white staff 100 - 10 = 90 (50 low); the population's
    500 white Irish join the 1,000 Black African."""
    t = tables()
    t["population"] = pd.concat([t["population"], pd.DataFrame([("white_irish", 500)],
                                                                columns=["ethnicity", "population"])])
    wm = params(white_minorities_as_minority_ethnic=True)
    low = find(m1_rows(t, wm), "adults", "m1", "low")
    assert (low["events_me"], low["base_me"], low["events_white"], low["base_white"]) == (40, 50, 50, 90)
    shares = m9_share_rows(t, wm)
    senior = find(shares, "adults", "m9", "senior_share")
    assert (senior["events_me"], senior["base_me"], senior["events_white"], senior["base_white"]) == (2, 50, 10, 90)
    work = find(shares, "all", "m9", "workforce_share")
    assert (work["events_me"], work["events_white"]) == (70, 140)
    pop = find(shares, "children", "m9", "population_share")
    assert (pop["events_me"], pop["events_white"]) == (1500, 9000)
    plain = find(m9_share_rows(t, params()), "children", "m9", "population_share")
    assert (plain["events_me"], plain["events_white"]) == (1000, 9500)


def test_a_rate_needs_a_base():
    from scwres.metrics.calculate import _rate

    assert _rate(1, 1) == 1.0 and _rate(3, 4) == 0.75 and _rate(0, 5) == 0.0
    assert _rate(0, 0) is None


def test_codes_of_one_sub_group_add_up_and_senior_white_minorities_move_too():
    """Add 6 Pakistani (Asian) adults in the low band and 3 senior White Irish adults: the Asian sub-group's
    headcount is 10 Indian + 6 Pakistani = 16; with the flag, senior minority ethnic adults are 2 + 3 = 5 of
    40 + 6 + 10 + 3 = 59, senior white adults 10 of 100 - 10 = 90."""
    t = tables()
    t["workforce"] = pd.concat([t["workforce"], pd.DataFrame(
        [("adults", "low", "no", "no", "asian_pakistani", 6), ("adults", "high", "yes", "no", "white_irish", 3)],
        columns=t["workforce"].columns)], ignore_index=True)
    asian = find(rl_rows(t, params()), "adults", "m3", "subgroup:asian")
    assert asian["base_me"] == 16
    senior = find(m9_share_rows(t, params(white_minorities_as_minority_ethnic=True)), "adults", "m9", "senior_share")
    assert (senior["events_me"], senior["base_me"], senior["events_white"], senior["base_white"]) == (5, 59, 10, 90)
