"""``make bench``: how fast the workbook is on this machine, as ratios that travel between machines.

Absolute seconds depend on the machine and, on a shared one, on what else runs;
ratios measured in the same run much less. Every ratio is against the naive
way: the papermill and nbconvert command lines one after another, as an
analyst would type them (three kernels and three imports of everything per
report). Printed in one run, each against its goal:

(a) ``make reports`` over every illustrative council and period: time per
    report / naive time per report (goal <= 0.08);
(b) a second ``make reports`` with nothing changed, as a share of the full
    build (goal <= 5%);
(r) a warm ``make report`` (environment set up, files cached) / naive, for the
    same report (goal <= 0.4);
(p) ``make preview``: the rebuild after a commentary edit / naive (goal <= 0.1);
(s) ``make reports`` over N generated councils: time per report, and the time
    for all 153 English councils extrapolated from it (goal <= 120 s);
(m) each batch worker's memory (the worker and its kernel) after its first
    reports and after its last: flat means no growth per report;
(n) the cost of disclosure control on a national roll-up of 153 generated
    councils, in CPU seconds: every council's plan (of which the protection
    audit) and the national page (of which the roll-up audit); see
    ``bench_national``.

Every run goes into its own folder under ``build/bench/`` so nothing published
is touched, and each command is a fresh process, as ``make`` starts it. With
``--profile`` it also prints the profile of a warm batch worker
(``scwres.dev.profile_batch``). Not part of ``make test``: timings belong in a
benchmark, not in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .. import paths
from ..pipeline.batch import discover
from ..pipeline.run import NOTEBOOKS, kernel_name
from ..render.export import REMOVE_TAGS, TEMPLATE_DIR, TEMPLATE_NAME
from . import bench_national
from .synthetic import write_synthetic

TARGETS = {"a": 0.08, "b": 0.05, "r": 0.4, "p": 0.1, "s": 120.0}
ENGLISH_COUNCILS = 153
BIN = Path(sys.executable).parent


def snapshot(root: Path) -> Path:
    """A frozen copy of the code, notebooks, pinned versions and illustrative data to time.

    A long benchmark must not be skewed by someone editing the working tree
    meanwhile (an edit to lib/ would, rightly, make the "no-op" rebuild
    everything). Runs see the copy through ``SCWRES_ROOT`` and ``PYTHONPATH``.
    """
    project = root / "project"
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    shutil.copytree(paths.PACKAGE_DIR, project / "lib" / "scwres", ignore=ignore)
    shutil.copytree(paths.NOTEBOOKS_DIR, project / "notebooks", ignore=ignore)
    for name in ("data/raw", "data/reference", "params"):
        if (paths.ROOT / name).is_dir():
            shutil.copytree(paths.ROOT / name, project / name, ignore=ignore)
    shutil.copy(paths.ROOT / "constraints.txt", project / "constraints.txt")
    return project


def _env(work: Path, project: Path, **extra: str) -> dict[str, str]:
    """The environment of one timed run: the snapshot's code and data, outputs under ``work``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCWRES_")}
    env.update({"SCWRES_ROOT": str(project), "PYTHONPATH": str(project / "lib"),
                "SCWRES_BUILD_DIR": str(work / "build"), "SCWRES_REPORTS_DIR": str(work / "reports"),
                "PYTHONHASHSEED": "0", **extra})
    return env


def _cpu() -> float:
    """CPU seconds (user + system) of every finished child process and theirs (kernels, workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(commands: list[list[str]], env: dict[str, str], check: bool = True) -> tuple[float, float]:
    """Seconds on the clock and of CPU to run the commands one after another (output discarded; failures raise).

    Why CPU too: on a shared machine the clock counts other people's work; the CPU seconds of the
    commands and every process they waited for do not. Only processes that were waited for count:
    ``make report``'s kernel is, a batch worker's kernels are not, so only (r) and the naive way are
    given in CPU seconds.
    """
    start, cpu = time.perf_counter(), _cpu()
    for command in commands:
        proc = subprocess.run(command, env=env, cwd=paths.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return time.perf_counter() - start, _cpu() - cpu


def naive_commands(la: str, period: str, work: Path, project: Path) -> list[list[str]]:
    """The command lines a person would run for one report: three papermill runs and one nbconvert."""
    build = work / "build" / la / period
    notebooks = project / "notebooks"
    out = []
    for name in NOTEBOOKS:
        out.append([str(BIN / "papermill"), str(notebooks / f"{name}.ipynb"), str(build / f"{name}.ipynb"),
                    "-k", kernel_name(), "--cwd", str(notebooks), "--no-progress-bar",
                    "-p", "la", la, "-r", "period", period, "-p", "audience", "public"])
    tags = "[" + ",".join(f"'{t}'" for t in REMOVE_TAGS) + "]"
    out.append([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", "--no-prompt",
                "--TagRemovePreprocessor.enabled=True", f"--TagRemovePreprocessor.remove_cell_tags={tags}",
                f"--TemplateExporter.extra_template_basedirs={project / 'lib/scwres' / TEMPLATE_DIR.name}",
                "--template", TEMPLATE_NAME,
                "--output-dir", str(work / "reports" / la / period), "--output", "report",
                str(build / f"{NOTEBOOKS[-1]}.ipynb")])
    return out


def batch_command(jobs: int, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "scwres", "reports", "--quiet", *extra]
    return command + (["--jobs", str(jobs)] if jobs else [])


NAIVE = (("norfolk", "2024"), ("leeds", "2024"), ("bexley", "2024"))  # one of each size and form (leeds: records)


def measure_naive(root: Path, project: Path, pairs: tuple[tuple[str, str], ...]) -> dict[str, float]:
    """Seconds per report the naive way, each report timed on its own (the ratios divide by these)."""
    naive = root / "naive"
    out: dict[str, float] = {}
    for la, period in pairs:
        (naive / "build" / la / period).mkdir(parents=True, exist_ok=True)
        print(f"naive: {la} {period}, papermill x3 + nbconvert ...", flush=True)
        out[f"{la}/{period}"], out[f"cpu {la}/{period}"] = _timed(naive_commands(la, period, naive, project),
                                                                  _env(naive, project))
        print(f"    {out[f'{la}/{period}']:.1f} s ({out[f'cpu {la}/{period}']:.1f} s of CPU)", flush=True)
    return out


def measure_a_b(root: Path, project: Path, jobs: int, naive_per_report: float) -> dict[str, float]:
    """(a) batch per report against naive per report over the illustrative councils; (b) no-op against full."""
    count = len(discover(raw_dir=project / "data" / "raw"))
    print(f"(a) make reports over the {count} illustrative reports ...", flush=True)
    work = root / "batch"
    t_batch, _ = _timed([batch_command(jobs)], _env(work, project))
    print(f"    {t_batch:.1f} s\n(b) make reports again, nothing changed ...", flush=True)
    t_noop, _ = _timed([batch_command(jobs)], _env(work, project))
    print(f"    {t_noop:.2f} s", flush=True)
    # no CPU ratio here: a batch worker's kernels are not waited for by a process this one waits for,
    # so the CPU seconds of the children would leave most of the work out
    return {"reports": count, "batch_s": t_batch, "noop_s": t_noop,
            "a": t_batch / count / naive_per_report, "b": t_noop / t_batch}


def measure_report(root: Path, project: Path, la: str, period: str, naive_s: float,
                   naive_cpu_s: float) -> dict[str, float]:
    """(r) ``make report`` for one council, the second of two runs (warm: files cached), against naive."""
    work = root / "report"
    command = [sys.executable, "-m", "scwres", "report", "--la", la, "--period", period]
    print(f"(r) make report {la} {period}, twice (the second is timed) ...", flush=True)
    _timed([command], _env(work, project))
    seconds, cpu = _timed([command], _env(work, project))
    print(f"    {seconds:.1f} s ({cpu:.1f} s of CPU)", flush=True)
    return {"report_s": seconds, "report_cpu_s": cpu, "r": seconds / naive_s, "r_cpu": cpu / naive_cpu_s}


def measure_preview(root: Path, project: Path, la: str, period: str, naive_s: float) -> dict[str, float]:
    """(p) the preview's rebuild after a commentary edit, in a fresh process (``--probe-preview``)."""
    work = root / "preview"
    commentary = work / "commentary"
    shutil.copytree(project / "params" / "commentary", commentary)
    env = _env(work, project, SCWRES_COMMENTARY_DIR=str(commentary))
    print(f"(p) make preview {la} {period}: first build, then a commentary edit ...", flush=True)
    proc = subprocess.run([sys.executable, "-m", "scwres", "bench", "--probe-preview", la, period], env=env,
                          cwd=paths.ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"the preview probe failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    seconds = json.loads(proc.stdout.strip().splitlines()[-1])["rebuild_s"]
    print(f"    {seconds:.2f} s", flush=True)
    return {"preview_s": seconds, "p": seconds / naive_s}


def probe_preview(la: str, period: str) -> dict[str, float]:
    """Inside the probe process: build once as ``make preview`` does, edit the commentary, time the rebuild."""
    from ..pipeline.preview import Previewer, Rebuild, changed_labels, rebuild_plan, snapshot

    previewer = Previewer(la, period)
    try:
        if not previewer.build(Rebuild(0, False, ("start",))):
            raise RuntimeError("the first preview build failed")
        before = snapshot(la, period)
        note = paths.COMMENTARY_DIR / la / f"{period}.md"
        note.parent.mkdir(parents=True, exist_ok=True)
        with note.open("a", encoding="utf-8") as handle:
            handle.write("\n## overview\n\nOne more sentence from the analyst.\n")
        start = time.perf_counter()
        plan = rebuild_plan(changed_labels(before, snapshot(la, period)), previewer.last_ok)
        if plan is None or not previewer.build(plan):
            raise RuntimeError("the preview did not rebuild after the commentary edit")
        return {"rebuild_s": time.perf_counter() - start, "start": plan.start}
    finally:
        from ..pipeline.batch import drop_kernel

        drop_kernel()


def memory_summary(log: Path) -> dict[str, float]:
    """Per worker, its memory (worker + kernel) after its first reports and after its last, from the log."""
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_worker: dict[int, list[float]] = {}
    for row in rows:
        by_worker.setdefault(row["worker"], []).append(row["worker_rss_mb"] + (row["kernel_rss_mb"] or 0))
    firsts, lasts, growth = [], [], []
    for series in by_worker.values():
        head = series[min(2, len(series) - 1)]  # after a couple of reports: imports and caches are in
        tail = series[-1]
        firsts.append(head)
        lasts.append(tail)
        growth.append((tail - head) / max(1, len(series) - 3))
    return {"workers": len(by_worker), "rss_first_mb": max(firsts), "rss_last_mb": max(lasts),
            "rss_peak_mb": max(max(s) for s in by_worker.values()), "growth_mb_per_report": max(growth)}


def measure_scale(root: Path, project: Path, jobs: int, count: int) -> dict[str, float]:
    """(s) time per report over ``count`` generated councils, extrapolated to 153; (m) workers' memory."""
    raw, params = write_synthetic(root / "synthetic", count, ("2024",), seed=0)
    log = root / "memory.jsonl"
    inputs = {"SCWRES_RAW_DIR": str(raw), "SCWRES_PARAMS_DIR": str(params),
              "SCWRES_COMMENTARY_DIR": str(root / "synthetic" / "commentary"), "SCWRES_MEMORY_LOG": str(log)}
    print(f"(s) make reports over {count} generated councils (one period each) ...", flush=True)
    seconds, _ = _timed([batch_command(jobs)], _env(root / f"scale-{count}", project, **inputs))
    per_report = seconds / count
    print(f"    {seconds:.1f} s ({per_report:.2f} s per report)", flush=True)
    return {"councils": count, "scale_s": seconds, "per_report_s": per_report,
            "s": per_report * ENGLISH_COUNCILS, **memory_summary(log)}


def report(results: dict) -> str:
    """The figures as plain text, with each ratio against its goal."""
    lines = [f"Benchmark on this machine ({os.cpu_count()} cores; load average {results.get('load', '?')} at the "
             "start, so read the ratios rather than the seconds):"]

    def verdict(key: str) -> str:
        return "meets" if results[key] <= TARGETS[key] else "MISSES"

    naive = results.get("naive_per_report_s")
    if naive:
        lines.append(f"  naive papermill x3 + nbconvert: {naive:.1f} s per report, "
                     f"{results['naive_cpu_per_report_s']:.1f} s of CPU "
                     f"({', '.join(f'{k} {v:.1f} s' for k, v in results['naive'].items())})")
    if "a" in results:
        lines.append(f"  (a) make reports per report / naive per report ({results['reports']} reports): "
                     f"{results['batch_s'] / results['reports']:.2f} s / {naive:.1f} s = {results['a']:.3f} "
                     f"(goal <= {TARGETS['a']}: {verdict('a')})")
        lines.append(f"  (b) no-op rebuild / full build: {results['noop_s']:.2f} s / {results['batch_s']:.1f} s = "
                     f"{results['b']:.1%} (goal <= {TARGETS['b']:.0%}: {verdict('b')})")
    if "r" in results:
        lines.append(f"  (r) warm make report / naive, {results['report_la']}: {results['report_s']:.1f} s / "
                     f"{results['report_naive_s']:.1f} s = {results['r']:.2f} (goal <= {TARGETS['r']}: "
                     f"{verdict('r')}); in CPU seconds {results['r_cpu']:.2f}")
    if "p" in results:
        lines.append(f"  (p) preview rebuild after a commentary edit / naive: {results['preview_s']:.2f} s / "
                     f"{results['report_naive_s']:.1f} s = {results['p']:.3f} (goal <= {TARGETS['p']}: "
                     f"{verdict('p')})")
    if "s" in results:
        lines.append(f"  (s) {results['councils']} generated councils: {results['scale_s']:.1f} s, "
                     f"{results['per_report_s']:.2f} s per report; {ENGLISH_COUNCILS} councils extrapolated: "
                     f"{results['s']:.0f} s (goal <= {TARGETS['s']:.0f} s: {verdict('s')})")
        lines.append(f"  (m) batch worker memory (worker + its kernel), {results['workers']} worker(s): "
                     f"{results['rss_first_mb']:.0f} MB after 3 reports, {results['rss_last_mb']:.0f} MB after the "
                     f"last, peak {results['rss_peak_mb']:.0f} MB; growth {results['growth_mb_per_report']:+.2f} "
                     "MB per report")
    if "national" in results:
        lines.append(bench_national.describe(results["national"]))
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres bench`` (``make bench``)."""
    parser.add_argument("--jobs", type=int, default=0, help="batch workers (default: one per core)")
    parser.add_argument("--scale", type=int, default=150, help="generated councils in the scale run (default 150)")
    parser.add_argument("--only", default="", help="letters of the measures to run, e.g. 'ar' (default: all)")
    parser.add_argument("--profile", action="store_true", help="also profile a warm batch worker (10 reports)")
    parser.add_argument("--out", type=Path, default=paths.BUILD_DIR / "bench")
    parser.add_argument("--probe-preview", nargs=2, metavar=("LA", "PERIOD"), help=argparse.SUPPRESS)


def command(args: argparse.Namespace) -> int:
    """Run the measurements, print the ratios; 1 when a goal is missed."""
    if args.probe_preview:  # the preview measurement's own process (see measure_preview)
        print(json.dumps(probe_preview(*args.probe_preview)))
        return 0
    args.out = args.out.resolve()  # runs change directory: every path they are given must be absolute
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    project = snapshot(args.out)
    wanted = set(args.only) if args.only else set("abrpsmn")
    results: dict = {"load": f"{os.getloadavg()[0]:.1f}"}
    if wanted & set("abrp"):
        results["naive"] = measure_naive(args.out, project, NAIVE)
        walls = [v for k, v in results["naive"].items() if not k.startswith("cpu ")]
        cpus = [v for k, v in results["naive"].items() if k.startswith("cpu ")]
        results["naive_per_report_s"] = sum(walls) / len(walls)
        results["naive_cpu_per_report_s"] = sum(cpus) / len(cpus)
        la, period = NAIVE[0]
        results.update(report_la=f"{la} {period}", report_naive_s=results["naive"][f"{la}/{period}"],
                       report_naive_cpu_s=results["naive"][f"cpu {la}/{period}"])
    if wanted & set("ab"):
        results.update(measure_a_b(args.out, project, args.jobs, results["naive_per_report_s"]))
    if "r" in wanted:
        results.update(measure_report(args.out, project, *NAIVE[0], results["report_naive_s"],
                                      results["report_naive_cpu_s"]))
    if "p" in wanted:
        results.update(measure_preview(args.out, project, *NAIVE[0], results["report_naive_s"]))
    if wanted & set("sm"):
        results.update(measure_scale(args.out, project, args.jobs, args.scale))
    if "n" in wanted:
        print(f"(n) disclosure control, national roll-up of {ENGLISH_COUNCILS} generated councils ...", flush=True)
        results["national"] = bench_national.measure(args.out / "national", ENGLISH_COUNCILS, lib=project / "lib")
    (args.out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(report(results))
    if args.profile:
        proc = subprocess.run([sys.executable, "-m", "scwres", "profile", "--out", str(args.out / "profile")],
                              env=_env(args.out / "profile", project), cwd=paths.ROOT, capture_output=True, text=True)
        print(proc.stdout)
    return 0 if all(results[k] <= TARGETS[k] for k in TARGETS if k in results) else 1
