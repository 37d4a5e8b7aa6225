"""``make signoff``: record that a council's public report for a period was signed off, and what it said.

    python -m scwres signoff --la norfolk --period 2024 --by "A. Person, Director of Adult Social Services"
        [--on 2025-01-31]

The sign-off is of the public report as built from today's inputs: if the
published report is not up to date with them, it is built first. The record
(``params/signoff/<la>/<period>.yml``: who, the date, the fingerprint) and what
the report said (``<period>.signed-off.json``: its figures, sentences,
commentary paragraphs and actions, ``render.review``) go beside the params, to
be committed with them. The report itself says "signed off" from its next
build (``make report`` or ``make reports``).

The build's side (the changes page, the state the index and batch read) is
``render.changes_page.publish_extras``, called by ``run.build_report``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from .. import paths
from ..intake import signoff
from ..intake.params import load_params, resolve_period
from ..limits import shown
from ..problems import ReturnError, UnknownCouncilError, UnknownPeriodError
from ..render.changes_page import snapshot_text
from ..render.export import write_atomic_many
from .run import RunFailed, build_report


def build_is_current(la: str, period: str, print_: str) -> bool:
    """The published public report was built from the inputs as they are now."""
    state = signoff.read_state(la, period)
    return state.get("fingerprint") == print_ and (paths.report_dir(la, period) / "report.html").is_file()


def parse_day(text: str) -> dt.date:
    """The sign-off date: blank is today (the only clock read, and only here: the report shows the stored date)."""
    if not text.strip():
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise SignOffError(f"ON must be a date written yyyy-mm-dd, not '{shown(text)}'.") from None


class SignOffError(Exception):
    """A sign-off that cannot be recorded, said plainly."""


def sign_off(la: str, period: str | None, by: str, on: str = "") -> Path:
    """Record the sign-off; build the public report first when it is not up to date with the inputs."""
    if not by.strip():
        raise SignOffError('say who signs off: make signoff LA=<la> PERIOD=<yyyy> BY="<name, role>"')
    day = parse_day(on)
    params = load_params(la)
    period = resolve_period(params, period)
    print_ = signoff.fingerprint(la, period)
    if not build_is_current(la, period, print_):
        print(f"Building the public report for {la} {period} first, so the sign-off is of what it says now ...")
        build_report(la, period, "public")
        print_ = signoff.fingerprint(la, period)
        if not build_is_current(la, period, print_):
            raise SignOffError("an input changed while the report was being built; run make signoff again.")
    html = (paths.report_dir(la, period) / "report.html").read_text(encoding="utf-8")
    record = signoff.record_file(la, period)
    write_atomic_many({record: signoff.record_text(la, period, by.strip(), day, print_),
                       signoff.snapshot_file(la, period): snapshot_text(la, period, html, print_)})
    return record


def signoff_lines(results: list[Any]) -> list[str]:
    """For the batch summary (``make reports``): how many public reports it built are drafts, and which
    reports are signed off. ``results``: the batch's results (``batch.Result``: job and status)."""
    reports = [(r.job.label, r.job.la, r.job.period, r.status == "built") for r in results
               if r.job.audience == "public" and r.status in ("built", "skipped")]
    if not reports:
        return []
    states = {(la, period): signoff.read_state(la, period) for _, la, period, _ in reports}
    built = [r for r in reports if r[3]]
    drafts = [r for r in built if not states[r[1], r[2]].get("signed")]
    signed = [f"  - {label}: {signoff.state_words(states[la, period])}" for label, la, period, _ in reports
              if states[la, period].get("signed")]
    lines = [f"{len(drafts)} of the {len(built)} public report{'s' if len(built) != 1 else ''} built "
             f"{'is a draft' if len(drafts) == 1 else 'are drafts'} (DRAFT - not signed off; make signoff "
             "records a sign-off)."] if built else []
    return [*lines, "Signed off:" if signed else "No report is signed off.", *signed]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres signoff`` (``make signoff``)."""
    parser.add_argument("--la", required=True, help="council slug, e.g. norfolk")
    parser.add_argument("--period", default="", help="data collection year (default: the latest in params)")
    parser.add_argument("--by", default="", help='who signs off: "<name, role>"')
    parser.add_argument("--on", default="", help="date of the sign-off, yyyy-mm-dd (default: today)")


def command(args: argparse.Namespace) -> int:
    """Record a sign-off; a problem a person can fix is one plain line and a non-zero exit."""
    try:
        record = sign_off(args.la, args.period or None, args.by, args.on)
    except (SignOffError, UnknownCouncilError, UnknownPeriodError, ReturnError, RunFailed) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1 if not isinstance(exc, (UnknownCouncilError, UnknownPeriodError)) else 2
    shown_path = record.relative_to(paths.ROOT) if record.is_relative_to(paths.ROOT) else record
    print(f"Signed off: {shown_path} (commit it with the params). Rebuild the report to publish it without the "
          f"DRAFT mark: make report LA={args.la} PERIOD={record.stem} (or make reports).")
    return 0
