"""``make preview LA=<la> [PERIOD=..]``: a live report for an analyst who is writing.

Keeps one warm kernel, watches the council's inputs and rebuilds what changed:

- the commentary (``params/commentary/<la>/<period>.md``) or the action plan
  (``data/raw/<la>/action_plan.csv``): only the report notebook and the
  export, since neither changes a figure (the kernel still holds the return
  and metrics, and every chart with unchanged figures, ``scwres.memo``);
- the return (any file under ``data/raw/<la>/``, every period, since trends
  read them) or ``params/<la>.yml``: the three notebooks;
- the notebooks or the package's code: a fresh kernel (it must import the new
  code), then the three notebooks.

A progress line shows the step under way and a line says when the page is
ready; a failed build says why and the last good page stays. A change is
found by content (SHA-256, as ``make reports`` decides what to rebuild),
polled twice a second: an editor that saves twice, or a file touched
without a change, rebuilds nothing. Ctrl-C stops it.

The decision is ``rebuild_plan``, a pure function unit-tested on its own.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ACTION_PLAN = "action_plan.csv"
PUBLISH_STEP = 2  # index in run.NOTEBOOKS of the report notebook


def classify(label: str) -> str:
    """What an input label (from ``watched``) is: commentary, action_plan, signoff, return, params or code."""
    if label == "commentary.md":
        return "commentary"
    if label in ("signoff.yml", "signed-off.json"):  # make signoff: only the report's words change
        return "signoff"
    if label == "params.yml":
        return "params"
    if label.startswith("raw/"):
        return "action_plan" if label == f"raw/{ACTION_PLAN}" else "return"
    return "code"


@dataclass(frozen=True)
class Rebuild:
    """What to redo: from which notebook (0 validate, 1 calculate, 2 report), and whether with a new kernel."""

    start: int
    new_kernel: bool
    why: tuple[str, ...]  # the kinds of input that changed, for the message


def rebuild_plan(changed: set[str] | frozenset[str], last_ok: bool) -> Rebuild | None:
    """The least work that brings the report up to date after ``changed`` (labels of changed inputs).

    ``last_ok``: the last build succeeded, so the earlier notebooks' outputs (problems, metrics.csv,
    disclosure plan) are current; after a failure everything runs again, since a partial rebuild
    would start from outputs that are missing or stale.
    """
    if not changed:
        return None
    kinds = {classify(label) for label in changed}
    why = tuple(sorted(kinds))
    if "code" in kinds:
        return Rebuild(0, True, why)
    if kinds <= {"commentary", "action_plan", "signoff"} and last_ok:
        return Rebuild(PUBLISH_STEP, False, why)
    return Rebuild(0, False, why)


def watched(la: str, period: str) -> list[tuple[str, Path]]:
    """Every input of the report, labelled: the council's own (``batch.council_inputs``) and the code."""
    from .inputs import code_inputs, council_inputs

    return council_inputs(la, period) + code_inputs()


def snapshot(la: str, period: str) -> dict[str, str]:
    """label -> content digest ('missing' for a file that is not there) for every watched input."""
    from .inputs import digest_lines

    files = watched(la, period)
    return dict(line.split("\t", 1) for line in digest_lines(files))


def changed_labels(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """Labels whose digest differs, or that appeared or went."""
    return {label for label in before.keys() | after.keys() if before.get(label) != after.get(label)}


class Previewer:
    """The warm kernel and what was last built; ``build`` runs one plan and reports on the console."""

    def __init__(self, la: str, period: str, audience: str = "public", stream: Any = None) -> None:
        self.la, self.period, self.audience = la, period, audience
        self.stream = stream or sys.stderr
        self.last_ok = False

    def build(self, plan: Rebuild) -> bool:
        """Rebuild per ``plan``; print a progress line, then "ready" or the reason it failed."""
        from ..problems import ReturnError, UnknownCouncilError, UnknownPeriodError
        from . import batch, run

        began = time.perf_counter()

        def progress(phrase: str) -> None:
            self.stream.write(f"\r\033[K  ... {phrase} ({time.perf_counter() - began:.1f} s)")
            self.stream.flush()

        if plan.new_kernel:
            batch.drop_kernel()
        try:
            progress("starting Python" if plan.new_kernel or not batch.has_warm_kernel() else "rebuilding")
            km = batch.warm_kernel()
            record: dict[str, Any] = {}
            target = run.build_report(self.la, self.period, self.audience, km=km, start=plan.start,
                                      progress=progress, record=record)
            batch.reset_kernel(km)
        except Exception as exc:  # whatever went wrong, the preview keeps watching
            self.last_ok = False
            if not isinstance(exc, (run.RunFailed, ReturnError, UnknownCouncilError, UnknownPeriodError)):
                exc = RuntimeError(f"{type(exc).__name__}: {exc}")
            batch.drop_kernel()
            self.stream.write(f"\r\033[K{time.strftime('%H:%M:%S')} not rebuilt ({time.perf_counter() - began:.1f}"
                              f" s): {exc}\n  the last good page stays; fix it and save again.\n")
            self.stream.flush()
            return False
        self.last_ok = True
        self.stream.write(f"\r\033[K{time.strftime('%H:%M:%S')} ready in {time.perf_counter() - began:.1f} s: "
                          f"{target}\n")
        run.print_analyst_problems(record, self.stream)  # e.g. a misnamed commentary section, left out
        self.stream.flush()
        return True


def watch(la: str, period: str, audience: str = "public", interval: float = 0.5,
          rounds: int | None = None) -> int:
    """Build once, then poll the inputs and rebuild what changed until Ctrl-C (or ``rounds`` polls)."""
    from . import batch

    previewer = Previewer(la, period, audience)
    seen = snapshot(la, period)
    print(f"Previewing {la} {period}: building once, then rebuilding on every saved change "
          "(commentary, action plan, return, params). Ctrl-C stops.", file=sys.stderr, flush=True)
    previewer.build(Rebuild(0, False, ("start",)))
    done = 0
    try:
        while rounds is None or done < rounds:
            time.sleep(interval)
            done += 1
            now = snapshot(la, period)
            plan = rebuild_plan(changed_labels(seen, now), previewer.last_ok)
            seen = now
            if plan is not None:
                print(f"\r\033[K{time.strftime('%H:%M:%S')} changed: {', '.join(plan.why)}", file=sys.stderr,
                      flush=True)
                previewer.build(plan)
    except KeyboardInterrupt:
        print("\nPreview stopped.", file=sys.stderr)
    finally:
        batch.drop_kernel()
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres preview`` (``make preview``)."""
    parser.add_argument("--la", required=True, help="council slug, e.g. norfolk")
    parser.add_argument("--period", default="", help="data collection year (default: the latest in params)")
    parser.add_argument("--audience", default="public", choices=("public", "internal"))
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between looks at the files")


def command(args: argparse.Namespace) -> int:
    """Resolve the council and period (a plain error if unknown), then watch."""
    from ..intake.params import load_params, resolve_period
    from ..problems import ReturnError, UnknownCouncilError, UnknownPeriodError

    try:
        period = resolve_period(load_params(args.la), args.period or None)
    except (UnknownCouncilError, UnknownPeriodError, ReturnError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return watch(args.la, period, args.audience, args.interval)
