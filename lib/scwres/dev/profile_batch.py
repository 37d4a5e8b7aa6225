"""``python -m scwres profile``: where a warm batch worker's time goes, from cProfile.

A batch worker (``scwres.pipeline.batch``) keeps one kernel for all its reports, so a
report's time is split between two processes: the worker (papermill driving
the notebooks, the nbconvert export, publishing) and the kernel (validating,
calculating, rendering). This profiles both over the same reports, exactly as
a worker builds them (``run.build_report`` with the warm kernel, the kernel
reset between reports), and prints each side's heaviest functions. The
kernel's profiler is switched on and off by code sent to it; ``%reset -f``
between reports leaves it alone, since it is kept on the ``sys`` module.

Outputs go to their own folder (``build/profile`` by default), never to the
published reports. ``make bench`` prints the same table (``--profile``).
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import time
from pathlib import Path
from typing import Any

from .. import paths

SIDES = ("kernel", "worker")


def profile_reports(jobs: list[tuple[str, str]], out: Path) -> dict[str, Any]:
    """Build ``jobs`` (council, period) in this process with one warm kernel, cProfile on both sides.

    Writes ``kernel.prof`` and ``worker.prof`` under ``out``; returns seconds and file paths.
    """
    import cProfile

    from ..pipeline import batch, run

    out.mkdir(parents=True, exist_ok=True)
    km = batch.warm_kernel()
    try:
        batch.kernel_exec(km, "import cProfile as _c, sys as _s, time as _t\n"
                         "_s._scwres_profile = _c.Profile(_t.process_time)\n_s._scwres_profile.enable()")
        worker = cProfile.Profile(time.process_time)
        start = time.perf_counter()
        worker.enable()
        for la, period in jobs:
            run.build_report(la, period, "public", km=km)
            batch.reset_kernel(km)
        worker.disable()
        seconds = time.perf_counter() - start
        kernel_file = out / "kernel.prof"
        batch.kernel_exec(km, f"import sys as _s\n_s._scwres_profile.disable()\n"
                         f"_s._scwres_profile.dump_stats({str(kernel_file)!r})")
    finally:
        batch.drop_kernel()
    worker_file = out / "worker.prof"
    worker.dump_stats(str(worker_file))
    return {"reports": len(jobs), "seconds": seconds, "kernel": str(kernel_file), "worker": str(worker_file)}


def _short(filename: str, line: int, name: str) -> str:
    """A function as ``module.py:line(name)``, relative to site-packages or the project."""
    for marker in ("site-packages/", "lib/scwres/", "lib/python3"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({name})" if filename != "~" else name


def top_lines(prof_file: str | Path, reports: int, limit: int = 15, own: bool = False) -> list[str]:
    """The heaviest functions of a profile, per report: cumulative seconds (own seconds with ``own``).

    Cumulative lists only the project's functions (``scwres``): they say which step costs what; own time
    lists every function, which says what the machine actually spends the time in.
    """
    stats = pstats.Stats(str(prof_file), stream=io.StringIO())
    rows = []
    for (filename, line, name), (_, ncalls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        if own:
            rows.append((tottime, ncalls, _short(filename, line, name)))
        elif "scwres" in filename and "profile_batch" not in filename:
            rows.append((cumtime, ncalls, _short(filename, line, name)))
    rows.sort(key=lambda r: (-r[0], r[2]))
    return [f"{seconds / reports:8.2f} s {calls / reports:9.0f}  {where}" for seconds, calls, where in rows[:limit]]


def format_profile(result: dict[str, Any], limit: int = 15) -> str:
    """The profile as text: per report, each side's heaviest steps and where the CPU goes."""
    n = result["reports"]
    lines = [f"Profile of a warm batch worker over {n} reports ({result['seconds'] / n:.2f} s per report on the "
             f"clock, profiler included; {os.cpu_count()} cores, shared). Figures are CPU seconds, which the "
             "machine's other work does not inflate:"]
    for side in SIDES:
        lines.append(f"  {side}: heaviest steps (cumulative seconds and calls per report)")
        lines += ["    " + line for line in top_lines(result[side], n, limit)]
        lines.append(f"  {side}: where the time is spent (own seconds and calls per report)")
        lines += ["    " + line for line in top_lines(result[side], n, max(5, limit // 2), own=True)]
    return "\n".join(lines)


def default_jobs(count: int) -> list[tuple[str, str]]:
    """``count`` reports from the councils and periods under the raw-data folder, repeated in turn."""
    from ..pipeline.batch import discover

    found = [(j.la, j.period) for j in discover()]
    if not found:
        raise SystemExit(f"No council returns found in {paths.RAW_DIR}.")
    return [found[i % len(found)] for i in range(count)]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres profile``."""
    parser.add_argument("--reports", type=int, default=10, help="how many reports to build (default 10)")
    parser.add_argument("--top", type=int, default=15, help="functions listed per table (default 15)")
    parser.add_argument("--out", type=Path, default=paths.BUILD_DIR / "profile",
                        help="folder for the builds, the reports and the .prof files (default build/profile)")


def command(args: argparse.Namespace) -> int:
    """Profile, print the tables; the .prof files stay for ``python -m pstats`` or snakeviz."""
    out = args.out.resolve()
    # The kernel reads these when it imports scwres; this process's paths module is pointed there too.
    for env, attr, sub in (("SCWRES_BUILD_DIR", "BUILD_DIR", "build"),
                           ("SCWRES_REPORTS_DIR", "REPORTS_DIR", "reports")):
        os.environ[env] = str(out / sub)
        setattr(paths, attr, out / sub)
    result = profile_reports(default_jobs(args.reports), out)
    print(format_profile(result, args.top))
    print(f"(profiles: {result['kernel']}, {result['worker']})")
    return 0
