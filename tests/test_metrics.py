"""The nine metrics on a tiny return worked out by hand, and properties of the table."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koopman_reference import koopman_interval
from scwres.disclosure.metrics_table import metrics_table, write_metrics_csv
from scwres.metrics.calculate import COLUMNS, metric_rows
from small_return import params, tables


def row(frame: pd.DataFrame, service: str, metric: str, breakdown: str = "overall") -> pd.Series:
    found = frame[(frame.service == service) & (frame.metric == metric) & (frame.breakdown == breakdown)]
    assert len(found) == 1, (service, metric, breakdown)
    return found.iloc[0]


@pytest.fixture
def frame() -> pd.DataFrame:
    return metrics_table("tiny", "2024", tables(), params())


def test_columns_and_sorting(frame):
    assert list(frame.columns) == COLUMNS
    keys = list(zip(frame.service, frame.metric, frame.breakdown, strict=True))
    assert keys == sorted(keys)
    assert set(frame.metric) == {"m1", "m2", "m3", "m4", "m5", "m6", "m7_colleagues", "m7_managers", "m8", "m9"}


def test_m2_adults_by_hand(frame):
    # ME: appointed 4 + 2 = 6 of 40 + 10 = 50; white: 15 + 3 = 18 of 50 + 10 = 60; unknown excluded.
    r = row(frame, "adults", "m2")
    assert (r.events_me, r.base_me, r.events_white, r.base_white) == (6, 50, 18, 60)
    assert r.value == pytest.approx((6 / 50) / (18 / 60), rel=1e-15)
    assert r.rate_me == 6 / 50


def test_all_is_pooled_counts_not_averaged(frame):
    r = row(frame, "all", "m2")
    assert (r.events_me, r.base_me, r.events_white, r.base_white) == (11, 70, 28, 90)
    assert r.value == pytest.approx((11 / 70) / (28 / 90), rel=1e-15)
    # the interval by the independent Koopman root-finding, not the code's own relative_likelihood
    assert (r.ci_low, r.ci_high) == pytest.approx(koopman_interval(11, 70, 28, 90), rel=1e-7)


def test_m4_uses_regulated_headcount(frame):
    # adults regulated: ME 8 + 2 = 10, white 30 + 10 = 40; FtP ME 0 + 1, white 1 + 0
    r = row(frame, "adults", "m4")
    assert (r.events_me, r.base_me, r.events_white, r.base_white) == (1, 10, 1, 40)


def test_m1_band_shares(frame):
    high = row(frame, "adults", "m1", "high")
    # high band: ME 10, white 40 -> share 0.2; bases are group totals (ME 40, white 100)
    assert (high.events_me, high.base_me, high.events_white, high.base_white) == (10, 40, 40, 100)
    assert high.value == 0.2
    # Wilson (1927) by hand, z = 1.959964: (x + z^2/2 +- z sqrt(x (n - x) / n + z^2 / 4)) / (n + z^2)
    z = 1.959964
    half = z * math.sqrt(10 * 40 / 50 + z * z / 4)
    assert (high.ci_low, high.ci_high) == pytest.approx(((10 + z * z / 2 - half) / (50 + z * z),
                                                         (10 + z * z / 2 + half) / (50 + z * z)), rel=1e-6)
    assert high.rate_me == 10 / 40 and high.rate_white == 40 / 100
    overall = row(frame, "all", "m1")
    assert overall.value == pytest.approx(60 / 210)
    assert overall.assessment == "" and overall.trend == ""


def test_m9_parts(frame):
    senior = row(frame, "adults", "m9", "senior_share")
    assert (senior.events_me, senior.events_white) == (2, 10)
    assert senior.value == pytest.approx(2 / 12)
    assert row(frame, "adults", "m9", "workforce_share").value == pytest.approx(40 / 140)
    assert row(frame, "adults", "m9", "population_share").value == pytest.approx(0.1)
    rl = row(frame, "adults", "m9")
    assert rl.value == pytest.approx((2 / 40) / (10 / 100))


def test_subgroups_add_up_to_overall(frame):
    for metric in ("m2", "m3", "m8"):
        subs = frame[(frame.service == "all") & (frame.metric == metric) & frame.breakdown.str.startswith("subgroup:")]
        assert subs.events_me.sum() == row(frame, "all", metric).events_me
        assert subs.base_me.sum() == row(frame, "all", metric).base_me


def test_white_minorities_flag_moves_white_irish():
    flagged = metrics_table("tiny", "2024", tables(), params(white_minorities_as_minority_ethnic=True))
    r = row(flagged, "adults", "m2")
    assert (r.events_me, r.base_me, r.events_white, r.base_white) == (9, 60, 15, 50)
    sub = row(flagged, "adults", "m2", "subgroup:white_minorities")
    assert (sub.events_me, sub.base_me) == (3, 10)


def test_white_minorities_are_a_sub_group_only_where_they_count_as_minority_ethnic(frame):
    """Without the flag the white Irish are white: a 'white minorities' RL would compare white with white."""
    rl_rows = frame[frame.metric != "m1"]
    unflagged = {b for b in rl_rows.breakdown if b.startswith("subgroup:")}
    assert unflagged == {"subgroup:asian", "subgroup:black", "subgroup:mixed", "subgroup:other"}
    flagged = metrics_table("tiny", "2024", tables(), params(white_minorities_as_minority_ethnic=True))
    assert {b for b in flagged.breakdown if b.startswith("subgroup:")} == unflagged | {"subgroup:white_minorities"}


def test_leaver_base_snapshot_plus_leavers():
    plus = metrics_table("tiny", "2024", tables(), params(leaver_base="snapshot_plus_leavers"))
    r = row(plus, "adults", "m8")
    # ME headcount 40 + leavers 8; white 100 + 10
    assert (r.events_me, r.base_me, r.events_white, r.base_white) == (8, 48, 10, 110)


def test_trend_against_previous_period():
    before = tables()
    before["recruitment"].loc[before["recruitment"].ethnicity == "black_african", "appointed"] = 1
    now = tables()
    now["recruitment"].loc[now["recruitment"].ethnicity == "black_african", "appointed"] = 30
    frame = metrics_table("tiny", "2024", now, params(), before)
    # RL 3/50 / 18/60 = 0.2 before, 32/50 / 18/60 = 2.13 now: it crossed 1 and |ln 2.13| = 0.76 < |ln 0.2| = 1.61
    assert row(frame, "adults", "m2").trend == "closer_to_equality"
    first = metrics_table("tiny", "2023", before, params())
    assert row(first, "adults", "m2").trend == "no_previous_period"


def test_suppression_flag_primary_and_secondary(frame):
    # adults m4: ME 1 FtP referral -> primary; children m4 must then be hidden too, or all - adults reveals it
    assert row(frame, "adults", "m4").suppressed
    assert row(frame, "children", "m4").suppressed


def test_csv_is_byte_stable_and_full_precision(frame):
    first, second = io.StringIO(), io.StringIO()
    write_metrics_csv(frame, first)
    write_metrics_csv(metrics_table("tiny", "2024", tables(), params()), second)
    assert first.getvalue() == second.getvalue()
    back = pd.read_csv(io.StringIO(first.getvalue()))
    assert back.loc[0, "value"] == frame.loc[0, "value"]  # repr round-trips exactly
    assert first.getvalue().splitlines()[0] == ",".join(COLUMNS)


small = st.integers(min_value=0, max_value=60)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(small, small, small, small), min_size=4, max_size=4))
def test_all_equals_pooled_counts(cells):
    """For random counts, every `all` row's counts are adults + children, for every metric."""
    t = tables()
    codes = [("adults", "black_african"), ("adults", "white_british"), ("children", "mixed_other"),
             ("children", "white_british")]
    rec = pd.DataFrame([(s, e, a + b, a) for (s, e), (a, b, _, _) in zip(codes, cells, strict=True)],
                       columns=["service", "ethnicity", "shortlisted", "appointed"])
    t["recruitment"] = rec
    # The calculation alone (no suppression: it does not change counts, and its audit made this 114 s)
    frame = pd.DataFrame(metric_rows(t, params()))
    for (metric, breakdown), group in frame.groupby(["metric", "breakdown"]):
        if breakdown in ("population_share",):
            continue
        by = group.set_index("service")
        for col in ("events_me", "base_me", "events_white", "base_white"):
            assert by.loc["all", col] == by.loc["adults", col] + by.loc["children", col], (metric, breakdown, col)


def zero_cell_tables() -> dict[str, pd.DataFrame]:
    """The tiny return with zero cells both ways: no minority ethnic adults disciplined (m3), no white
    adults referred to fitness to practise (m4), and no one in children's services on CPD (m5)."""
    t = tables()
    ev = t["events"]
    adults_me = (ev.service == "adults") & ev.ethnicity.isin(["black_african", "asian_indian"])
    ev.loc[adults_me, "disciplinary"] = 0
    ev.loc[(ev.service == "adults") & ev.ethnicity.str.startswith("white"), "ftp"] = 0
    ev.loc[ev.service == "children", "cpd"] = 0
    return t


def test_zero_cells_both_ways_match_an_independent_calculation():
    """metrics.csv for a return with zero cells, against values worked out here (koopman_reference shares
    no code with lib/) and rounded figures checked by hand."""
    frame = metrics_table("tiny", "2024", zero_cell_tables(), params(), tables())
    out = io.StringIO()
    write_metrics_csv(frame, out)
    csv = pd.read_csv(io.StringIO(out.getvalue()), keep_default_na=False)

    # m3 adults: 0 of 40 minority ethnic, 2 of 100 white (black_african 3 -> 0, asian_indian 1 -> 0)
    m3 = row(csv, "adults", "m3")
    assert (m3.events_me, m3.base_me, m3.events_white, m3.base_white) == (0, 40, 2, 100)
    low, high = koopman_interval(0, 40, 2, 100)
    assert (m3.value, m3.ci_low) == ("0.0", "0.0")  # the point lies in its interval, which starts at 0
    assert float(m3.ci_high) == pytest.approx(high, rel=1e-8) and round(high, 2) == 4.65
    assert m3.assessment == "no_significant_difference" and m3.trend == "not_assessed"

    # m4 adults: 1 of 10 regulated minority ethnic staff referred, 0 of 40 white: RL undefined
    m4 = row(csv, "adults", "m4")
    assert (m4.events_me, m4.base_me, m4.events_white, m4.base_white) == (1, 10, 0, 40)
    low, high = koopman_interval(1, 10, 0, 40)
    assert m4.value == "" and m4.ci_high == "" and math.isinf(high)
    assert float(m4.ci_low) == pytest.approx(low, rel=1e-8) and round(low, 3) == 1.062
    # The interval lies above 1 (at least 1.06 times as likely), but 1 of 10 and 0 of 40 are small counts:
    # Fisher's exact test must agree. One event among 50 people lands in the group of 10 with p = 10/50 = 0.2.
    assert m4.assessment == "no_significant_difference"
    assert float(m4.p_value) == pytest.approx(0.2, rel=1e-12)
    assert m4.trend == "not_assessed"

    # m5 children: nobody on CPD in either group: insufficient data, no interval, no trend
    m5 = row(csv, "children", "m5")
    assert (m5.events_me, m5.events_white) == (0, 0)
    assert (m5.value, m5.ci_low, m5.ci_high, m5.assessment, m5.trend) == ("", "", "", "insufficient_data",
                                                                          "not_assessed")

    # m2 adults has no zero cell and the same counts as the previous period: a trend is tested
    m2 = row(csv, "adults", "m2")
    low, high = koopman_interval(6, 50, 18, 60)
    assert (float(m2.ci_low), float(m2.ci_high)) == (pytest.approx(low, rel=1e-8), pytest.approx(high, rel=1e-8))
    assert m2.trend == "no_significant_change"


def test_no_point_outside_its_interval_on_generated_returns(tmp_path):
    """Generated councils (the synthetic generator, as for scale runs): every RL row keeps its point inside
    its interval, and no undefined RL or zero cell gets a tested trend."""
    from scwres.dev.synthetic import write_synthetic
    from scwres.disclosure.metrics_table import calculate
    from scwres.intake.params import load_params

    raw, folder = write_synthetic(tmp_path, 3, ("2023", "2024"), seed=12)
    frames = []
    for la in sorted(p.stem for p in folder.glob("*.yml")):
        frames.append(calculate(la, "2024", load_params(la, folder), raw))
    rl = pd.concat(frames)
    rl = rl[rl.assessment != ""]
    defined = rl[rl.ci_low.notna()]
    points = defined.value.fillna(math.inf)
    assert ((defined.ci_low <= points) & (points <= defined.ci_high.fillna(math.inf))).all()
    tested = rl.trend.isin(["closer_to_equality", "further_from_equality", "no_significant_change"])
    zero = (rl[["events_me", "base_me", "events_white", "base_white"]] == 0).any(axis=1)
    assert not (tested & (rl.value.isna() | zero)).any()
    assert zero.any() and rl.value.isna().sum() < len(rl)  # the generated returns do hold zero cells
