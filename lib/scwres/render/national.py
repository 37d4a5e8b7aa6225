"""The national (or regional) roll-up: ``python -m scwres national --period 2024``.

Skills for Care publishes a national picture and regional groups compare
their councils, so this report pools every council's return for one period:

- pooled figures: each metric's counts summed over the councils and passed
  through the very same ``stats.relative_likelihood`` / ``assess`` / ``wilson``
  as a council's report (``all`` is the sum of both services, as always);
- a random-effects summary of the councils' log RLs (``metrics.meta``, Paule-Mandel) with its interval
  and how much councils differ (I-squared, tau-squared) in words, beside the pooled ratio: the pooled
  ratio describes all staff in these councils, the summary a typical council;
- how many councils are adverse, favourable, show no significant difference, or are withheld;
- Skills for Care's own national figure for the measure, named as its source says (``NationalFigure``);
- a funnel plot per metric (method in ``funnel``) so an outlier stands out
  fairly, whatever the council's size, with a table of the same numbers.

Its inputs are each council's ``build/<la>/<period>/metrics.csv`` from a
successful run (the published report exists), so only returns that passed
validation count. The command (``pipeline.national``) runs the batch for the
period first, which is a no-op for reports already up to date.

Disclosure: a pooled RL with its interval, at 2 decimal places and with
bases a reader can add up from the councils' reports, gives the pooled counts
back, so pooled figures are cells of a councils x services x groups table like
any other: ``publication.RollupPlan`` decides every pooled row of the national
page and of every regional page together (the same councils sit in both),
with each council's published plan fixed. A council whose row its own public
report hides is ``[c]`` here too, not drawn, and counted apart as "too few
cases to publish". A funnel plot's centre line and limits carry the pooled
rates at full precision, so it is drawn only when the pooled figure for all
staff is published; otherwise the page says why, and neither the sentence,
the alt text nor the table's comparable size and position quote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import paths
from ..catalogue import ADVERSE_BELOW_ONE, DEFAULT_THRESHOLD, RL_METRICS, suppression_threshold
from ..disclosure import rollup_requests
from ..disclosure.metrics_table import read_metrics_csv
from ..disclosure.publication import RollupPlan, rollup_plan
from ..disclosure.rollup_summary import rollup_random_effects
from ..disclosure.suppression import Plan, read_plan, report_plan
from ..intake.params import list_councils, load_params
from ..intake.signoff import read_state
from ..metrics.meta import RandomEffects
from ..metrics.stats import assess, relative_likelihood, wilson
from . import funnel, pages
from .pages import Figure, Row, Table
from .report.context import NationalFigure, national_figures
from .words import ASSESSMENT_SHORT, METRIC_TITLES, SERVICE_WORDS, WITHHELD, interval, ratio, rl_value

SUPPRESSED = "[c]"
POOLED_THRESHOLD = DEFAULT_THRESHOLD  # the default suppression threshold, applied to pooled and left-over counts
ASSESSMENTS = ("adverse", "favourable", "no_significant_difference", "insufficient_data")
POSITION_WORDS = {
    funnel.WITHIN: "Inside the 95% limits",
    funnel.BEYOND_95: "Outside the 95% limits",
    funnel.BEYOND_998: "Outside the 99.8% limits",
    "": "Not placed (no events in one group)",
}
COUNT_COLUMNS = ["events_me", "base_me", "events_white", "base_white"]


@dataclass
class Council:
    """One council in the roll-up: its name and the metrics table of the period."""

    la: str
    name: str
    region: str
    illustrative: bool
    metrics: pd.DataFrame
    plan: Plan | None = None
    threshold: int = POOLED_THRESHOLD


@dataclass
class RollUp:
    """Everything the national page shows, computed before any HTML is written."""

    period: str
    region: str | None
    councils: list[Council]
    excluded: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    decisions: RollupPlan | None = None  # which pooled rows may be shown (set by ``decide``)

    @property
    def key(self) -> str:
        """This roll-up's name in the joint plan: "" for England, the region (lower case) otherwise."""
        return (self.region or "").lower()

    @property
    def title(self) -> str:
        where = f"{self.region} region" if self.region else "England"
        return f"Social Care Workforce Race Equality Standard {self.period}: {where}, every council"


def region_slug(region: str) -> str:
    """``East of England`` -> ``east-of-england`` for the output folder."""
    return re.sub(r"[^a-z0-9]+", "-", region.lower()).strip("-")


def output_path(period: str, region: str | None = None) -> Path:
    if region:
        return paths.REPORTS_DIR / "regional" / region_slug(region) / str(period) / "report.html"
    return paths.REPORTS_DIR / "national" / str(period) / "report.html"


def collect(period: str, region: str | None = None) -> RollUp:
    """Councils with a successful build for ``period`` (and in ``region``), and those left out, with why."""
    councils, excluded = [], []
    for la in list_councils():
        try:
            params = load_params(la)
        except Exception as exc:  # a broken params file leaves that council out, with the reason
            excluded.append((la, f"its params file cannot be read ({type(exc).__name__})"))
            continue
        if str(period) not in params["periods"]:
            continue
        if region and str(params.get("region", "")).lower() != region.lower():
            continue
        metrics = paths.build_dir(la, period) / "metrics.csv"
        report = paths.report_dir(la, period) / "report.html"
        if not (metrics.is_file() and report.is_file()):
            excluded.append((params["name"], "no report was built for this period (the return has errors or "
                                             "has not been run)"))
            continue
        frame = read_metrics_csv(metrics)
        councils.append(Council(la, params["name"], str(params.get("region", "")),
                                bool(params["periods"][str(period)].get("illustrative")), frame,
                                council_plan(la, str(period), params, frame),
                                suppression_threshold(params)))
    councils.sort(key=lambda c: (c.name, c.la))
    excluded.sort()
    return RollUp(str(period), region, councils, excluded)


def council_plan(la: str, period: str, params: dict, frame: pd.DataFrame) -> Plan | None:
    """The plan the council's published report used (stored beside metrics.csv), else worked out again."""
    stored = read_plan(paths.build_dir(la, period))
    if stored is not None:
        return stored
    from ..problems import ReturnError
    from ..validate.validation import load_return

    try:
        return report_plan(frame, params, load_return(la, period, pay_bands=params["pay_bands"]),
                           rollup_requests.read(la, period))
    except ReturnError:
        return None


def groups(everyone: RollUp) -> tuple[dict[str, list[str]], dict[str, Plan], int]:
    """Roll-ups ("": national) with their councils, each council's plan, the strictest threshold."""
    rollups: dict[str, list[str]] = {"": [c.la for c in everyone.councils]}
    for council in everyone.councils:
        if council.region:
            rollups.setdefault(council.region.lower(), []).append(council.la)
    plans = {}
    for council in everyone.councils:
        plan = council.plan
        if plan is None:  # no plan to build on: treat every count as hidden, so nothing pooled over it shows
            plan = Plan({}, set(), set())
        plans[council.la] = plan
    threshold = max([c.threshold for c in everyone.councils] or [POOLED_THRESHOLD])
    return rollups, plans, threshold


def decide(period: str) -> RollupPlan:
    return rollup_plan(*groups(collect(period)))  # every pooled row of every roll-up page, decided together


def overall_row(council: Council, metric: str, service: str = "all") -> pd.Series | None:
    frame = council.metrics
    rows = frame[(frame["metric"] == metric) & (frame["service"] == service) & (frame["breakdown"] == "overall")]
    return None if rows.empty else rows.iloc[0]


def pooled_counts(councils: list[Council], metric: str, service: str) -> tuple[int, int, int, int]:
    """(events_me, base_me, events_white, base_white) summed over the councils."""
    totals = [0, 0, 0, 0]
    for council in councils:
        row = overall_row(council, metric, service)
        if row is not None:
            for i, col in enumerate(COUNT_COLUMNS):
                totals[i] += int(row[col])
    return totals[0], totals[1], totals[2], totals[3]


def pooled_hidden(rollup: RollUp, metric: str, service: str) -> bool:
    """Whether a pooled figure must be [c] (see ``publication.RollupPlan`` for the rule)."""
    decisions = rollup.decisions or decide(rollup.period)
    rollup.decisions = decisions
    return rollup.key not in decisions.rollups or decisions.hidden(rollup.key, metric, service)


def pooled(rollup: RollUp, metric: str, service: str) -> dict:
    """The pooled RL, its interval and assessment, by the same functions as a council's report."""
    a, n1, c, n2 = pooled_counts(rollup.councils, metric, service)
    rl = relative_likelihood(a, n1, c, n2)
    return {"metric": metric, "service": service, "value": rl.value, "ci_low": rl.ci_low, "ci_high": rl.ci_high,
            "assessment": assess(metric, rl), "counts": (a, n1, c, n2),
            "hidden": pooled_hidden(rollup, metric, service)}


def random_effects(rollup: RollUp, metric: str, service: str = "all") -> RandomEffects | None:
    """The random-effects summary from the publication layer: None where the pooled figure is hidden."""
    pooled_hidden(rollup, metric, service)  # decides the joint plan once
    assert rollup.decisions is not None
    return rollup_random_effects(rollup.decisions, rollup.key, metric, service)


def summary_words(rollup: RollUp, metric: str, figure: NationalFigure | None) -> list:
    """Pooled ratio, typical council and Skills for Care's figure for one measure, all staff, in words."""
    out: list = []
    if pooled_hidden(rollup, metric, "all"):
        out.append(f"The pooled figure and the summary across councils for all staff are {WITHHELD} ([c]). ")
    else:
        p = pooled(rollup, metric, "all")
        if p["value"] is not None:
            out.append(f"All staff in these councils together: relative likelihood {rl_value(p['value'], p['ci_low'])}"
                       f" (95% interval {_interval(p['ci_low'], p['ci_high'])}). ")
        summary = random_effects(rollup, metric, "all")
        if summary is None:
            out.append("Too few councils have cases in both groups to summarise a typical council. ")
        else:
            # Neither how many councils were used nor how many were left out is said: a council left out has a
            # zero count, and its own report may withhold that row.
            low, high = summary.spread
            spread = (f"so most councils' own ratios would lie between {ratio(low)} and {ratio(high)}"
                      if ratio(low) != ratio(high) else "so the differences are no more than chance would explain")
            out.append(f"A typical council (random-effects summary of the councils' own ratios): "
                       f"{ratio(summary.value)} (95% interval {_interval(summary.ci_low, summary.ci_high)}). "
                       f"Councils differ {summary.differ}: I-squared {summary.i2 * 100:.0f}% (the share of the "
                       f"differences between councils that chance alone does not explain), tau-squared "
                       f"{summary.tau2:.3f}, {spread}. ")
    if figure is None:
        out.append("Skills for Care has published no national figure for this measure.")
    else:
        name = figure.citation
        link = pages.Link(name, href=figure.url) if figure.url.startswith("https://") else name
        out += ["Skills for Care's national figure: ", ratio(figure.value), " (", link,
                f", {figure.councils} councils; a different set of councils, so context rather than a target)."]
    return out


def pooled_share(councils: list[Council], service: str = "all") -> tuple[float | None, tuple[float, float] | None]:
    """The minority ethnic share of the pooled workforce (m1 overall) with its Wilson interval."""
    me = white = 0
    for council in councils:
        row = overall_row(council, "m1", service)
        if row is not None:
            me, white = me + int(row["events_me"]), white + int(row["events_white"])
    return (me / (me + white) if me + white else None), wilson(me, me + white)


def council_points(councils: list[Council], metric: str, basis: funnel.Basis | None) -> list[dict]:
    """Each council's RL row for all staff, hidden where its public report hides it, placed on the funnel."""
    out = []
    for council in councils:
        row = overall_row(council, metric)
        if row is None:
            continue
        hidden = bool(row["suppressed"])
        value = None if row["value"] != row["value"] else float(row["value"])
        n1, n2 = int(row["base_me"]), int(row["base_white"])
        point = {"la": council.la, "label": council.name, "hidden": hidden, "rl": value,
                 "ci_low": row["ci_low"], "ci_high": row["ci_high"], "assessment": row["assessment"],
                 "base": n1 + n2, "n_eff": None, "position": "", "side": ""}
        if not hidden and basis is not None and value:
            point["n_eff"] = funnel.effective_base(basis, n1, n2)
            point["position"], point["side"] = funnel.position(basis, value, n1, n2)
        out.append(point)
    return out


def tally(points: list[dict]) -> dict[str, int]:
    """How many councils fall under each assessment; hidden councils counted apart."""
    counts = dict.fromkeys((*ASSESSMENTS, "hidden"), 0)
    for p in points:
        counts["hidden" if p["hidden"] else p["assessment"]] += 1
    return counts


# --- view data for templates/pages/national.html.j2 ---------------------------------------------------------


def _interval(low: float | None, high: float | None) -> str:
    """As in a council's report: 3 places where 2 would show 1.00, and no upper limit when there is none."""
    return interval(low, high)


def pooled_view(rollup: RollUp) -> dict:
    """The pooled table and the pooled workforce share, ``[c]`` where the joint roll-up plan hides them."""
    rows = []
    for metric in RL_METRICS:
        for service in ("all", "adults", "children"):
            p = pooled(rollup, metric, service)
            label = f"{METRIC_TITLES[metric]}: {SERVICE_WORDS[service]}"
            if p["hidden"]:
                rows.append(Row([label, SUPPRESSED, SUPPRESSED, SUPPRESSED]))
                continue
            rows.append(Row([label, rl_value(p["value"], p["ci_low"]), _interval(p["ci_low"], p["ci_high"]),
                             ASSESSMENT_SHORT[p["assessment"]]]))
    share, interval = pooled_share(rollup.councils)
    share_text = (SUPPRESSED if pooled_hidden(rollup, "m1", "all") else "–" if share is None else
                  f"{share * 100:.1f}% (95% interval {interval[0] * 100:.1f}% to {interval[1] * 100:.1f}%)")
    return {"share": share_text, "table": Table(
        "Pooled relative likelihood of every metric, by service",
        ["Metric and service", "Relative likelihood", "95% interval", "Assessment"], rows, (1, 2), hint=False)}


def tally_table(tallies: dict[str, dict[str, int]]) -> Table:
    rows = [Row([METRIC_TITLES[m], *(str(tallies[m][k]) for k in (*ASSESSMENTS, "hidden"))]) for m in RL_METRICS]
    return Table("Number of councils by assessment, all staff",
                 ["Metric", "Unfavourable (significant)", "Favourable (significant)", "No significant difference",
                  "Too little data", "Withheld ([c])"], rows, (1, 2, 3, 4, 5), hint=False)


def metric_view(rollup: RollUp, metric: str, points: list[dict], basis: funnel.Basis | None,
                withheld: bool = False) -> dict:
    """One metric: why there is no funnel plot, or a sentence and the plot; then the table of its numbers."""
    from .charts import data_uri

    title = METRIC_TITLES[metric]
    adverse_side = "below" if metric in ADVERSE_BELOW_ONE else "above"
    view: dict = {"id": metric, "title": title, "state": "drawn", "sentence": "", "figure": None,
                  "summary": summary_words(rollup, metric, national_figures(year=rollup.period).get(metric))}
    placed = [p for p in points if p["n_eff"]]
    if withheld:
        view["state"] = "withheld"
    elif basis is None or not placed:
        view["state"] = "too_little"
    else:
        outside = [p for p in placed if p["position"] == funnel.BEYOND_998]
        worse = [p for p in outside if p["side"] == adverse_side]
        view["sentence"] = (f"The pooled relative likelihood is {basis.centre:.2f}. {len(outside)} of {len(placed)} "
                            f"councils shown lie outside the 99.8% limits, {len(worse)} of them on the side "
                            f"unfavourable to minority ethnic staff ({adverse_side} the centre line).")
        svg = funnel.draw([{"label": p["label"], "n_eff": p["n_eff"], "rl": p["rl"], "position": p["position"]}
                           for p in placed], basis, f"{title}: councils against the pooled figure",
                          "Relative likelihood by effective base size, with 95% and 99.8% limits")
        alt = (f"Funnel plot of {len(placed)} councils' relative likelihoods against base size: pooled "
               f"{basis.centre:.2f}, {len(outside)} outside the 99.8% limits.")
        not_drawn = len(points) - len(placed)
        caption = ("Each marker is a council; solid line: pooled relative likelihood; dashed: 95% limits; dotted: "
                   "99.8% limits. Councils outside the 99.8% limits are named.")
        if not_drawn:
            caption += (f" {not_drawn} council(s) not drawn: too few cases to publish, or no events in one group.")
        view["figure"] = Figure(data_uri(svg), alt, caption)
    rows = []
    for p in points:
        if p["hidden"]:
            rows.append(Row([p["label"], *([SUPPRESSED] * 6)]))
            continue
        where = POSITION_WORDS[p["position"]] + (f", {p['side']}" if p["side"] else "")
        rows.append(Row([p["label"], f"{p['base']:,}", "–" if not p["n_eff"] else f"{p['n_eff']:,.0f}",
                         rl_value(p["rl"], p["ci_low"]), _interval(p["ci_low"], p["ci_high"]),
                         ASSESSMENT_SHORT.get(p["assessment"], p["assessment"]), where]))
    view["table"] = Table(f"{title}: every council, all staff",
                          ["Council", "People compared (both groups)", "Comparable size (see methods)",
                           "Relative likelihood", "95% interval", "Assessment", "Funnel position"], rows,
                          (1, 2, 3, 4), hint=False)
    return view


def signoff_view(rollup: RollUp) -> dict[str, list[str]]:
    """Which councils' public reports are signed off and which are drafts (``make signoff``): the page may
    pool drafts, and says so."""
    signed, drafts = [], []
    for council in rollup.councils:
        state = read_state(council.la, rollup.period)
        (signed if state.get("signed") else drafts).append(council.name)
    return {"signed": signed, "drafts": drafts}


def render(rollup: RollUp) -> str:
    """The whole roll-up page."""
    view = {"title": rollup.title, "rollup": rollup, "suppressed": SUPPRESSED,
            "scope": f"the {rollup.region} region" if rollup.region else "England", **signoff_view(rollup)}
    if not rollup.councils:
        return pages.render("national.html.j2", **view, illustrative=False)
    metrics, tallies = [], {}
    for metric in RL_METRICS:
        withheld = pooled_hidden(rollup, metric, "all")
        # The funnel's centre and limits carry the pooled rates at full precision: only for a shown pooled figure.
        basis = None if withheld else funnel.basis(*pooled_counts(rollup.councils, metric, "all"))
        points = council_points(rollup.councils, metric, basis)
        tallies[metric] = tally(points)
        metrics.append(metric_view(rollup, metric, points, basis, withheld))
    return pages.render("national.html.j2", **view, pooled=pooled_view(rollup), tally=tally_table(tallies),
                        metrics=metrics, illustrative=any(c.illustrative for c in rollup.councils))

