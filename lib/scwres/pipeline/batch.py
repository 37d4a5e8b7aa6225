"""Every council at once: ``python -m scwres reports`` (``make reports``).

Builds the report for every council and period in the raw-data folder (or a
chosen set) in parallel worker processes, one per core by default. Each run
goes through ``run.build_report``, exactly as ``make report`` does, so the
batch follows the notebooks wherever they go. What the batch adds:

- isolation: a run that fails (a bad return, a crashing notebook) is recorded
  with its reason and the others carry on; the summary lists every failure
  and the exit code is 1 when anything failed;
- incremental builds: a report whose inputs have not changed since its last
  successful build is skipped. "Unchanged" is decided by a content hash of
  the inputs (see ``inputs.inputs_key``), stored next to the build as
  ``inputs.sha256`` only after success; file times are never trusted, since
  a checkout or a copy changes them without changing anything else;
- speed: workers are long-lived, so papermill and nbconvert are imported once
  per worker rather than once per notebook, and kernel starts go through
  ``kernel_guard`` so parallel starts do not race for ports;
- ``reports/index.html``, rewritten after every batch (only when it changed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import re
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import paths
from .inputs import Job, code_inputs, digest_lines, inputs_key, key_path, outputs_present
from .signoff import signoff_lines

PERIOD_DIR = re.compile(r"^[0-9]{4}$")
LA_DIR = re.compile(r"^[a-z][a-z0-9-]{1,40}$")
@dataclass
class Result:
    """What happened to one job: built, skipped (up to date) or failed, and why."""

    job: Job
    status: str  # "built", "skipped", "failed"
    seconds: float = 0.0
    reason: str = ""
    log: str = ""


@dataclass
class Summary:
    """Every job's result, in job order."""

    results: list[Result] = field(default_factory=list)

    def of(self, status: str) -> list[Result]:
        return [r for r in self.results if r.status == status]

    @property
    def failed(self) -> bool:
        return bool(self.of("failed"))


# --- which reports -------------------------------------------------------------------------------------------


def discover(las: Iterable[str] | None = None, periods: Iterable[str] | None = None,
             audience: str = "public", raw_dir: Path | None = None) -> list[Job]:
    """Every council and period folder under the raw-data folder, optionally filtered.

    A council or period asked for that has no folder is still returned as a
    job, so the run fails for it with the pipeline's own plain message rather
    than being silently left out.
    """
    root = raw_dir or paths.RAW_DIR
    wanted_las = sorted(set(las)) if las else None
    wanted_periods = sorted(set(periods)) if periods else None
    found: set[tuple[str, str]] = set()
    if root.is_dir():
        for la_dir in root.iterdir():
            if not la_dir.is_dir() or not LA_DIR.match(la_dir.name):
                continue
            if wanted_las is not None and la_dir.name not in wanted_las:
                continue
            for period_dir in la_dir.iterdir():
                if period_dir.is_dir() and PERIOD_DIR.match(period_dir.name):
                    if wanted_periods is None or period_dir.name in wanted_periods:
                        found.add((la_dir.name, period_dir.name))
    for la in wanted_las or []:
        if not any(la == f[0] for f in found):
            for period in wanted_periods or [""]:
                found.add((la, period))
    return [Job(la, period, audience) for la, period in sorted(found)]


# --- incremental builds: is the stored key of a report's inputs (``inputs``) still current? ------------------


def up_to_date(job: Job, key: str) -> bool:
    """The stored key matches and every output is still there (one deleted by hand is built again)."""
    stored = key_path(job)
    return stored.is_file() and stored.read_text(encoding="utf-8").strip() == key and outputs_present(job)


# --- running one job in a worker ------------------------------------------------------------------------------


def _warm_up() -> None:
    """Import the heavy pipeline modules once per worker, not once per report.

    The worker's own output (and that of its long-lived kernel) goes to
    ``build/batch-workers.log`` so it cannot tear the progress bar apart;
    each report's output goes to its own log (``_output_to``).
    """
    paths.BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with open(paths.BUILD_DIR / "batch-workers.log", "a", encoding="utf-8") as handle:
        os.dup2(handle.fileno(), 1)
        os.dup2(handle.fileno(), 2)
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401

    from . import run  # noqa: F401


@contextlib.contextmanager
def _output_to(log: Path):
    """Send this process's stdout and stderr (and its kernels') to ``log`` while a job runs.

    Kernel start-up chatter would otherwise tear the progress bar apart; the
    log stays next to the build for whoever needs it.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log, "w", encoding="utf-8") as handle:
        os.dup2(handle.fileno(), 1)
        os.dup2(handle.fileno(), 2)
        try:
            with contextlib.redirect_stdout(handle), contextlib.redirect_stderr(handle):
                yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def _reason(job: Job, exc: BaseException) -> str:
    """A short, plain reason for the summary (``run.failure_reason``)."""
    from .run import failure_reason

    return failure_reason(job.la, job.period, exc)


_WORKER: dict[str, Any] = {}  # this worker process's warm kernel manager, under "km"


def warm_kernel() -> Any:
    """This worker's kernel, started on first use (and again after a failure dropped it).

    Why: starting a kernel per notebook means importing pandas, matplotlib and
    great-expectations again three times per report; most of a report's time
    went there (see the README's profile). One kernel per worker keeps those
    modules loaded while each report still starts from an empty namespace
    (``reset_kernel``), and any failure gets a brand new kernel.
    """
    from jupyter_core.utils import run_sync

    from .kernel_guard import GuardedKernelManager
    from .run import kernel_name

    km = _WORKER.get("km")
    if km is not None and run_sync(km.is_alive)():
        return km
    km = GuardedKernelManager(kernel_name=kernel_name())
    run_sync(km.start_kernel)(cwd=str(paths.NOTEBOOKS_DIR))
    _WORKER["km"] = km
    return km


def has_warm_kernel() -> bool:
    """This process already holds a kernel (the preview then says "rebuilding", not "starting Python")."""
    return "km" in _WORKER


# ``%reset -f`` empties the namespace and the output cache, then runs two full garbage collections over
# everything the kernel holds (pandas, matplotlib, great-expectations: about a second per report in the
# profile). ``gc.freeze()`` afterwards moves what survives (modules, caches) out of the collector's sight,
# so the next reset's collections, and the automatic ones during a report, only walk that report's objects.
# Memory is still freed by reference counting, so it stays flat (``make bench`` prints it).
RESET_CODE = "get_ipython().run_line_magic('reset', '-f'); __import__('gc').freeze()"


def kernel_exec(km: Any, code: str, timeout: float = 60) -> None:
    """Run ``code`` in the worker's kernel on a fresh client and wait; a failure raises.

    Spent clients are closed first and after, so a long-lived kernel does not
    collect open channels (the reset, and the profiler in ``dev``, use this).
    """
    from jupyter_core.utils import run_sync

    km.close_clients()
    kc = km.client()
    try:
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=60)
        reply = run_sync(kc.execute_interactive)(code, timeout=timeout, output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the kernel could not run: {code}")
    finally:
        kc.stop_channels()
        km.close_clients()


def reset_kernel(km: Any) -> None:
    """Empty the kernel's namespace between reports (modules stay imported) and close spent clients."""
    kernel_exec(km, RESET_CODE)


def drop_kernel() -> None:
    """Shut this worker's kernel down, so the next report starts a fresh one."""
    from jupyter_core.utils import run_sync

    km = _WORKER.pop("km", None)
    if km is not None:
        km.close_clients()
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # already dead: nothing left to stop
            pass


def _rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux /proc), 0 where it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def log_memory(job: Job, km: Any) -> None:
    """With ``SCWRES_MEMORY_LOG`` set, append this worker's and its kernel's memory after a report (JSON line).

    ``make bench`` reads it to show that a worker's memory stays flat over many councils.
    """
    target = os.environ.get("SCWRES_MEMORY_LOG")
    if not target:
        return
    import resource

    kernel_pid = getattr(getattr(getattr(km, "provisioner", None), "process", None), "pid", None)
    entry = {"worker": os.getpid(), "job": job.label, "worker_rss_mb": round(_rss_mb(os.getpid()), 1),
             "worker_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
             "kernel_rss_mb": round(_rss_mb(kernel_pid), 1) if kernel_pid else None}
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def build_one(job: Job, reuse_kernel: bool = True) -> Result:
    """Build one report (in a worker); never raises, so one failure cannot stop the batch."""
    from . import run

    start = time.perf_counter()
    log = (paths.build_dir(job.la, job.period) if job.period else paths.BUILD_DIR / job.la) / "batch.log"
    try:
        km = warm_kernel() if reuse_kernel else None
        with _output_to(log):
            try:
                run.build_report(job.la, job.period or None, job.audience, km=km)
                if km is not None:
                    reset_kernel(km)
                    log_memory(job, km)
            except BaseException:
                drop_kernel()
                raise
        # run.build_report removed the stored key at its start and writes it again on success
        return Result(job, "built", time.perf_counter() - start, log=str(log))
    except Exception as exc:  # isolation: any failure is this job's alone
        return Result(job, "failed", time.perf_counter() - start, _reason(job, exc), str(log))


# --- the batch --------------------------------------------------------------------------------------------------


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def plan(jobs: list[Job], force: bool = False) -> tuple[list[tuple[Job, str]], list[Result]]:
    """Split jobs into (to build with their keys, skipped as up to date)."""
    shared = digest_lines(code_inputs())
    todo, skipped = [], []
    for job in jobs:
        key = inputs_key(job, shared)
        if not force and job.period and up_to_date(job, key):
            skipped.append(Result(job, "skipped", reason="inputs unchanged"))
        else:
            todo.append((job, key))
    return todo, skipped


def run_batch(jobs: list[Job], workers: int | None = None, force: bool = False, progress: bool = True,
              reuse_kernels: bool = True) -> Summary:
    """Build every job that needs it, in parallel worker processes; never raises for a failed job."""
    from tqdm import tqdm

    todo, skipped = plan(jobs, force)
    results = {r.job: r for r in skipped}
    if todo:
        workers = max(1, min(workers or default_jobs(), len(todo)))
        # spawn, not fork: workers must not inherit the parent's threads or ZeroMQ state.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_up) as pool, \
                tqdm(total=len(todo), unit="report", desc="Building reports", disable=not progress,
                     file=sys.stderr, dynamic_ncols=True) as bar:
            futures = {pool.submit(build_one, job, reuse_kernels): job for job, _ in todo}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # the worker process itself died
                    result = Result(job, "failed", reason=f"the worker process died: {type(exc).__name__}: {exc}")
                results[job] = result
                bar.set_postfix_str(f"{job.label} {result.status}", refresh=False)
                bar.update(1)
    return Summary([results[job] for job in sorted(results)])


def format_summary(summary: Summary) -> str:
    """The plain-text summary printed at the end of a batch (with the drafts built: ``signoff_lines``)."""
    built, skipped, failed = summary.of("built"), summary.of("skipped"), summary.of("failed")
    if not built and not failed:
        return f"Nothing to do: all {len(skipped)} report(s) are up to date (FORCE=1 rebuilds)."
    lines = [f"{len(built)} built, {len(skipped)} up to date, {len(failed)} failed.", *signoff_lines(summary.results)]
    if failed:
        lines.append("Failed:")
        for r in failed:
            lines.append(f"  - {r.job.label}: " + r.reason.replace("\n", "\n      "))
            if r.log:
                lines.append(f"      (log: {r.log})")
    return "\n".join(lines)


def write_index_page() -> Path | None:
    """Rewrite reports/index.html; None when it was already current."""
    from ..render.index_page import write_index

    return write_index()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres reports`` (``make reports``)."""
    parser.add_argument("--las", default="", help='councils, space separated, e.g. "norfolk leeds" (default: all)')
    parser.add_argument("--periods", default="", help="periods, space separated (default: every period)")
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (default: one per core)")
    parser.add_argument("--force", action="store_true", help="rebuild even when the inputs have not changed")
    parser.add_argument("--audience", default="public", choices=("public", "internal"))
    parser.add_argument("--no-index", action="store_true", help="do not rewrite reports/index.html")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--fresh-kernels", action="store_true",
                        help="a new kernel for every notebook, as `make report` does (slower)")


def command(args: argparse.Namespace) -> int:
    """Build what changed, print the summary, rewrite the index; 1 when any report failed."""
    jobs = discover(args.las.split() or None, args.periods.split() or None, args.audience)
    if not jobs:
        print(f"No council returns found in {paths.RAW_DIR}.", file=sys.stderr)
        return 1
    summary = run_batch(jobs, args.jobs or None, args.force, progress=not args.quiet,
                        reuse_kernels=not args.fresh_kernels)
    print(format_summary(summary))
    if not args.no_index:
        index = write_index_page()
        if index is not None:
            print(f"Index written to {index}")
    return 1 if summary.failed else 0
