"""``python -m scwres national`` (``make national``): bring a period's reports up to date, then the roll-up.

The roll-up itself (pooled figures, funnel plots, the page) is ``render.national``;
this module is the command: it runs the batch for the period's councils first
(a no-op for reports already up to date), then writes the page with its open
data, and the index.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from .. import paths
from ..disclosure import least_loss, rollup_requests
from ..disclosure.suppression import Plan, report_plan
from ..intake.params import list_councils, load_params
from ..problems import ReturnError
from ..render import open_data, open_data_files
from ..render.export import write_atomic_many
from ..render.national import collect, groups, output_path, render
from ..validate.validation import load_return


def build_national(period: str, region: str | None = None) -> Path:
    """Collect, render and publish the roll-up; returns the path written."""
    rollup = collect(period, region)
    if region and not rollup.councils and not rollup.excluded:
        raise ValueError(f"No council in params has region '{region}' and period {period}.")
    target = output_path(period, region)
    # The page's figures as a spreadsheet and a tidy CSV, published together with the page.
    data = open_data_files.files(open_data.published_rollup(rollup))
    write_atomic_many({target: render(rollup), **{target.parent / name: blob for name, blob in data.items()}})
    return target


def request_protection(period: str) -> tuple[list[str], least_loss.Outcome | None]:
    """Decide which council counts to hide so that more pooled figures can show (``least_loss``), write
    them down (``rollup_requests``), and return the councils whose requests changed (to rebuild).

    Starts from each council's plan without any request (worked out again for a council that has
    some), so the requests follow from the data alone, not from earlier runs.
    """
    everyone = collect(period)
    rollups, plans, threshold = groups(everyone)
    if not least_loss.affordable(rollups):  # no search (too many councils): withdraw any earlier request
        return rollup_requests.write(period, {}, plans), None
    frames = {c.la: c.metrics for c in everyone.councils if c.plan is not None}
    made: dict[tuple[str, frozenset[str]], Plan] = {}

    def replan(la: str, keys: frozenset[str]) -> Plan:
        if la not in frames:
            return plans[la]
        if (la, keys) not in made:
            params = load_params(la)
            try:
                tables = load_return(la, period, pay_bands=params["pay_bands"])
            except ReturnError:  # cannot be planned again: no trade with this council
                return plans[la]
            made[(la, keys)] = report_plan(frames[la], params, tables, keys)
        return made[(la, keys)]

    base = {la: replan(la, frozenset()) if rollup_requests.read(la, period) else plan for la, plan in plans.items()}
    outcome = least_loss.search(rollups, base, replan, threshold)
    return rollup_requests.write(period, outcome.requests, plans), outcome


def protection_message(period: str, changed: list[str], outcome: least_loss.Outcome | None) -> str:
    """What the trade did, for the console: which reports now hide more, and how many pooled figures show."""
    if outcome is None:
        return (f"{period}: too many councils to search for trades, so the roll-up asks nothing of any council; "
                f"these reports no longer hide counts at its request and are rebuilt: {', '.join(changed)}.")
    (n0, r0), (n1, r1) = outcome.published(outcome.before), outcome.published(outcome.rollup)
    counts = {la: len(outcome.requests.get(la, ())) for la in changed}
    asked = ", ".join(f"{la} ({n} count{'s' if n != 1 else ''})" for la, n in counts.items())
    return (f"{period}: so that another council's withheld counts stay protected without hiding the pooled "
            f"figures, these councils' public reports hide counts at the roll-up's request: {asked}. "
            f"The national page shows {n1} pooled figure{'' if n1 == 1 else 's'} instead of {n0}, the regional "
            f"pages {r1} instead of {r0}. The reports are rebuilt now; the requests are kept in "
            f"{paths.rollup_requests_file('<council>', period)}.")


def councils_in_region(region: str) -> list[str]:
    """Slugs of the councils whose params name ``region`` (case ignored), so a regional run builds only those."""
    out = []
    for la in list_councils():
        try:
            if str(load_params(la).get("region", "")).lower() == region.lower():
                out.append(la)
        except Exception:  # a broken params file: collect() lists it as left out
            continue
    return out


def latest_period() -> str | None:
    """The most recent period any council's raw data holds."""
    found = sorted(p.name for p in paths.RAW_DIR.glob("*/*") if p.is_dir() and re.fullmatch(r"[0-9]{4}", p.name))
    return found[-1] if found else None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres national`` (``make national``)."""
    parser.add_argument("--period", default="", help="period (default: the latest in the raw data)")
    parser.add_argument("--region", default="", help="a region as written in params, e.g. London")
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--no-build", action="store_true", help="use the builds on disk; do not run the batch first")


def command(args: argparse.Namespace) -> int:
    """Bring the period's reports up to date (unless --no-build), then write the roll-up."""
    from . import batch

    period = args.period or latest_period()
    if not period:
        print(f"No council returns found in {paths.RAW_DIR}.", file=sys.stderr)
        return 1
    if not args.no_build:
        las = councils_in_region(args.region) if args.region else None
        if las == []:
            print(f"error: no council's params name the region '{args.region}'.", file=sys.stderr)
            return 2
        summary = batch.run_batch(batch.discover(las, [period]), args.jobs or None)
        print(batch.format_summary(summary))
        if summary.failed:
            print("Councils whose run failed are left out of the roll-up.")
        changed, outcome = request_protection(period)
        if changed:  # their public reports hide more (or less) now: build them again before the roll-up
            print(protection_message(period, changed, outcome))
            later = [job for job in batch.discover(changed) if job.period >= period]  # later ones quote this plan
            print(batch.format_summary(batch.run_batch(later, args.jobs or None)))
    try:
        target = build_national(period, args.region or None)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Roll-up written to {target}")
    if not args.no_build:
        batch.write_index_page()
    return 0
