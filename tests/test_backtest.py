"""Backtest: the whole pipeline (papermill, every notebook) on every illustrative return
gives exactly the frozen metrics, and those agree with an independent calculation."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from scipy.stats import norm

from conftest import COUNCILS, PERIODS
from koopman_reference import koopman_interval, wilson_interval

ROOT = Path(__file__).resolve().parents[1]
TRUTH = Path(__file__).resolve().parent / "ground_truth"
CASES = [(la, period) for la in COUNCILS for period in PERIODS]

pytestmark = pytest.mark.xdist_group("pipeline")


@pytest.mark.parametrize(("la", "period"), CASES)
def test_metrics_csv_matches_ground_truth(built, la, period):
    produced = built.metrics(la, period).read_bytes()
    frozen = (TRUTH / la / period / "metrics.csv").read_bytes()
    if produced != frozen:  # show which figures moved, not just that bytes differ
        pd.testing.assert_frame_equal(pd.read_csv(built.metrics(la, period)),
                                      pd.read_csv(TRUTH / la / period / "metrics.csv"))
    assert produced == frozen


# An independent reading of docs/methods.md, sharing no code with lib/: groups by code prefix.
WHITE = {"white_british", "white_irish", "white_gypsy_traveller", "white_roma", "white_other", "white"}


def group_of(code: str) -> str:
    return "unknown" if code == "not_stated" else ("white" if code in WHITE else "me")


def counts_from_records(raw: Path) -> tuple[pd.DataFrame, ...]:
    """A record-level return counted by hand (data-return.md's rules), sharing no code with lib/.

    Only the labels the shipped extracts use are read: census names in staff.csv ("White: ..." is white,
    "Not stated, ..." unknown, any other name minority ethnic) and "Prefer not to say" in the survey.
    """
    staff = pd.read_csv(raw / "staff.csv", keep_default_na=False)
    staff["ethnicity"] = staff.ethnicity.map(
        lambda v: "white" if v.startswith("White") else ("not_stated" if v.startswith("Not stated") else "me"))
    wf = (staff[staff.status == "in_post"].groupby(["service", "pay_band", "senior_manager", "regulated",
                                                      "ethnicity"]).size().rename("headcount").reset_index())
    ev = staff.assign(disciplinary=staff.disciplinary == "yes", ftp=staff.ftp == "yes", cpd=staff.cpd == "yes",
                      leavers=staff.status == "left")[["service", "ethnicity", "disciplinary", "ftp", "cpd", "leavers"]]
    apps = pd.read_csv(raw / "applicants.csv", keep_default_na=False)
    rec = apps.assign(shortlisted=1, appointed=apps.appointed == "yes")[["service", "ethnicity", "shortlisted",
                                                                         "appointed"]]
    resp = pd.read_csv(raw / "survey_responses.csv", keep_default_na=False)
    resp["ethnicity"] = resp.ethnicity.replace({"Prefer not to say": "not_stated"})
    sv = resp.assign(respondents=1, **{c: resp[c] == "yes" for c in ("hba_public", "hba_colleagues", "hba_managers")})
    return wf, ev, rec, sv


def independent(la: str, period: str) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    raw = ROOT / "data" / "raw" / la / period
    if (raw / "staff.csv").exists():
        wf, ev, rec, sv = counts_from_records(raw)
    else:
        wf = pd.read_csv(raw / "workforce.csv")
        ev = pd.read_csv(raw / "events.csv")
        rec = pd.read_csv(raw / "recruitment.csv")
        sv = pd.read_csv(raw / "survey.csv")
    plus_leavers = "snapshot_plus_leavers" in (ROOT / "params" / f"{la}.yml").read_text()
    out = {}
    for service in ("adults", "children", "all"):
        def pick(frame, service=service):
            frame = frame if service == "all" else frame[frame.service == service]
            return frame.assign(g=frame.ethnicity.map(group_of))

        w, e, r, s = pick(wf), pick(ev), pick(rec), pick(sv)
        head = w.groupby("g").headcount.sum()
        reg = w[w.regulated == "yes"].groupby("g").headcount.sum()
        senior = w[w.senior_manager == "yes"].groupby("g").headcount.sum()
        evs = e.groupby("g")[["disciplinary", "ftp", "cpd", "leavers"]].sum()
        recs = r.groupby("g")[["shortlisted", "appointed"]].sum()
        svs = s.groupby("g")[["respondents", "hba_public", "hba_colleagues", "hba_managers"]].sum()
        leaver_base = head + evs.leavers if plus_leavers else head
        spec = {
            "m2": (recs.appointed, recs.shortlisted), "m3": (evs.disciplinary, head), "m4": (evs.ftp, reg),
            "m5": (evs.cpd, head), "m6": (svs.hba_public, svs.respondents),
            "m7_colleagues": (svs.hba_colleagues, svs.respondents), "m7_managers": (svs.hba_managers, svs.respondents),
            "m8": (evs.leavers, leaver_base), "m9": (senior, head),
        }
        for metric, (events, base) in spec.items():
            out[(service, metric)] = tuple(int(x.get(g, 0)) for x, g in
                                           ((events, "me"), (base, "me"), (events, "white"), (base, "white")))
    return out


ADVERSE_BELOW_ONE = {"m2", "m5", "m9"}


def expected_rl(metric: str, a: int, n1: int, c: int, n2: int) -> tuple[float | None, float | None, float | None, str]:
    """(value, ci_low, ci_high, assessment) by docs/methods.md's rules, with the test's own Koopman interval."""
    if min(n1, n2) == 0 or a + c == 0:
        return None, None, None, "insufficient_data"
    value = (a / n1) / (c / n2) if c else None
    low, high = koopman_interval(a, n1, c, n2)
    above, below = ("favourable", "adverse") if metric in ADVERSE_BELOW_ONE else ("adverse", "favourable")
    verdict = above if low > 1 else below if high < 1 else "no_significant_difference"
    if min(a, n1, c, n2) < 5 and hand_fisher(a, n1, c, n2) >= 0.05:  # small counts: Fisher must agree
        verdict = "no_significant_difference"
    return value, low, (None if math.isinf(high) else high), verdict


def hand_fisher(a: int, n1: int, c: int, n2: int) -> float:
    """Fisher's exact two-sided p from the hypergeometric probabilities (tables no likelier than the one seen)."""
    events, total = a + c, n1 + n2

    def prob(x: int) -> float:
        return math.comb(n1, x) * math.comb(n2, events - x) / math.comb(total, events)

    seen = prob(a)
    return min(1.0, sum(q for x in range(max(0, events - n2), min(n1, events) + 1)
                        if (q := prob(x)) <= seen * (1 + 1e-7)))


def expected_p(a: int, n1: int, c: int, n2: int) -> float | None:
    """Fisher's p with a count below 5, else the score test of RL = 1: the pooled z for two proportions."""
    if min(n1, n2) == 0 or a + c == 0:
        return None
    if min(a, n1, c, n2) < 5:
        return hand_fisher(a, n1, c, n2)
    pooled = (a + c) / (n1 + n2)
    if pooled == 1:  # everyone had the event: nothing to test
        return 1.0
    zed = (a / n1 - c / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return 2 * norm.sf(abs(zed))


def expected_trend(metric: str, now: tuple[int, ...], before: tuple[int, ...] | None) -> str:
    """The z-test on Katz log RLs; not_assessed with any zero count or base in either period."""
    if before is None:
        return "no_previous_period"
    if 0 in now or 0 in before:
        return "not_assessed"

    def log_se(a: int, n1: int, c: int, n2: int) -> tuple[float, float]:
        return math.log((a / n1) / (c / n2)), math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)

    (l1, s1), (l0, s0) = log_se(*now), log_se(*before)
    spread = math.hypot(s1, s0)
    direction = "closer_to_equality" if abs(l1) < abs(l0) else "further_from_equality"
    if spread == 0:  # every member of both groups had the event in both periods
        return "no_significant_change" if l1 == l0 else direction
    return "no_significant_change" if abs(l1 - l0) / spread < 1.96 else direction


def blank(v) -> bool:
    return v == "" or v is None


@pytest.mark.parametrize(("la", "period"), CASES)
def test_pipeline_agrees_with_independent_calculation(built, la, period):
    """metrics.csv against an independent reading of docs/methods.md: zero cells, assessment and trend included."""
    frame = pd.read_csv(built.metrics(la, period), keep_default_na=False)
    expected = independent(la, period)
    earlier = [p for p in PERIODS if p < period and (ROOT / "data" / "raw" / la / p).is_dir()]
    previous = independent(la, earlier[-1]) if earlier else None
    for (service, metric), (a, n1, c, n2) in expected.items():
        row = frame[(frame.service == service) & (frame.metric == metric) & (frame.breakdown == "overall")].iloc[0]
        assert (row.events_me, row.base_me, row.events_white, row.base_white) == (a, n1, c, n2), (service, metric)
        value, low, high, verdict = expected_rl(metric, a, n1, c, n2)
        where = (la, period, service, metric, (a, n1, c, n2))
        for got, want in ((row.value, value), (row.ci_low, low), (row.ci_high, high)):
            if want is None:
                assert blank(got), where
            else:
                assert float(got) == pytest.approx(want, rel=1e-7, abs=1e-12), where
        assert row.assessment == verdict, where
        want_p = expected_p(a, n1, c, n2)
        if want_p is None:
            assert blank(row.p_value), where
        else:
            assert float(row.p_value) == pytest.approx(want_p, rel=1e-6, abs=1e-12), where
        assert row.trend == expected_trend(metric, (a, n1, c, n2), previous[(service, metric)] if previous else None)
    bands = frame[(frame.metric == "m1") & (frame.breakdown != "overall")]
    for row in bands.itertuples():
        n = row.events_me + row.events_white
        if n:
            low, high = wilson_interval(row.events_me, n)
            assert float(row.value) == pytest.approx(row.events_me / n, rel=1e-12)
            assert math.isclose(float(row.ci_low), low, abs_tol=1e-9)
            assert math.isclose(float(row.ci_high), high, abs_tol=1e-9)
    rl = frame[frame.assessment != ""]
    defined = rl[rl.ci_low != ""]
    lows = defined.ci_low.astype(float)
    highs = defined.ci_high.replace("", "inf").astype(float)
    points = defined.value.replace("", "inf").astype(float)  # a blank RL (no white cases) is unbounded above
    assert ((lows <= points) & (points <= highs)).all(), "a point lies outside its own interval"
    tested = rl.trend.isin(["closer_to_equality", "further_from_equality", "no_significant_change"])
    assert not (tested & (rl.value == "")).any(), "an undefined RL has a trend"
    zero = (rl[["events_me", "base_me", "events_white", "base_white"]] == 0).any(axis=1)
    assert not (tested & zero).any(), "a trend was tested on a zero cell"
