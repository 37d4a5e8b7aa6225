"""``make bench``: how fast the batch is on this machine, as ratios that travel between machines.

Absolute seconds depend on the machine; ratios much less, so the targets are
ratios:

(a) ``make reports`` over every illustrative council and period, against the
    naive way: the papermill and nbconvert command lines one after another,
    as an analyst would type them (target <= 0.5);
(b) a second ``make reports`` with nothing changed (a no-op) as a share of the
    full build (target <= 5%);
(c) time per report with 150 generated councils against 10 (one period each),
    so nothing in the batch grows faster than the number of councils
    (target <= 1.2).

Every run goes into its own folder under ``build/bench/`` so nothing published
is touched, and each batch is a fresh process, as ``make reports`` is. (c)
builds 160 reports, which takes a long time; ``--scale N`` changes the 150.
Not part of ``make test``: timings belong in a benchmark, not in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import paths
from .batch import discover
from .publish import REMOVE_TAGS, TEMPLATE_DIR, TEMPLATE_NAME
from .run import NOTEBOOKS, kernel_name
from .synthetic import write_synthetic

TARGETS = {"a": 0.5, "b": 0.05, "c": 1.2}
BIN = Path(sys.executable).parent


def snapshot(root: Path) -> Path:
    """A frozen copy of the code, notebooks, pinned versions and illustrative data to time.

    A long benchmark must not be skewed by someone editing the working tree
    meanwhile (an edit to lib/ would, rightly, make the "no-op" rebuild
    everything). Runs see the copy through ``SCWRES_ROOT`` and ``PYTHONPATH``.
    """
    project = root / "project"
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    shutil.copytree(Path(__file__).resolve().parent, project / "lib" / "scwres", ignore=ignore)
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


def _timed(commands: list[list[str]], env: dict[str, str], check: bool = True) -> float:
    """Seconds to run the commands one after another (output discarded; failures raise)."""
    start = time.perf_counter()
    for command in commands:
        proc = subprocess.run(command, env=env, cwd=paths.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return time.perf_counter() - start


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
    command = [sys.executable, "-m", "scwres.batch", "--quiet", *extra]
    return command + (["--jobs", str(jobs)] if jobs else [])


def measure_a_b(root: Path, project: Path, jobs: int) -> dict[str, float]:
    """(a) batch against naive over the illustrative councils; (b) no-op against full batch."""
    pairs = [(j.la, j.period) for j in discover(raw_dir=project / "data" / "raw")]
    naive = root / "naive"
    for la, period in pairs:
        (naive / "build" / la / period).mkdir(parents=True, exist_ok=True)
    print(f"(a) naive: {len(pairs)} reports, papermill x3 + nbconvert each, one after another ...", flush=True)
    t_naive = _timed([c for la, period in pairs for c in naive_commands(la, period, naive, project)],
                     _env(naive, project))
    print(f"    {t_naive:.1f} s\n(a) make reports over the same {len(pairs)} reports ...", flush=True)
    work = root / "batch"
    t_batch = _timed([batch_command(jobs)], _env(work, project))
    print(f"    {t_batch:.1f} s\n(b) make reports again, nothing changed ...", flush=True)
    t_noop = _timed([batch_command(jobs)], _env(work, project))
    print(f"    {t_noop:.2f} s", flush=True)
    return {"reports": len(pairs), "naive_s": t_naive, "batch_s": t_batch, "noop_s": t_noop,
            "a": t_batch / t_naive, "b": t_noop / t_batch}


def measure_c(root: Path, project: Path, jobs: int, small: int, large: int) -> dict[str, float]:
    """(c) seconds per report at ``large`` generated councils against ``small``, one period each."""
    raw, params = write_synthetic(root / "synthetic", large, ("2024",), seed=0)
    inputs = {"SCWRES_RAW_DIR": str(raw), "SCWRES_PARAMS_DIR": str(params),
              "SCWRES_COMMENTARY_DIR": str(root / "synthetic" / "commentary")}
    first = " ".join(f"synthetic-{i:03d}" for i in range(1, small + 1))
    print(f"(c) make reports over {small} generated councils ...", flush=True)
    t_small = _timed([batch_command(jobs, "--las", first)], _env(root / f"scale-{small}", project, **inputs))
    print(f"    {t_small:.1f} s ({t_small / small:.2f} s per report)\n"
          f"(c) make reports over {large} generated councils (this takes a while) ...", flush=True)
    t_large = _timed([batch_command(jobs)], _env(root / f"scale-{large}", project, **inputs))
    print(f"    {t_large:.1f} s ({t_large / large:.2f} s per report)", flush=True)
    return {"small": small, "large": large, "small_s": t_small, "large_s": t_large,
            "c": (t_large / large) / (t_small / small)}


def report(results: dict) -> str:
    """The figures as plain text, with each ratio against its target."""
    lines = [f"Benchmark on this machine ({os.cpu_count()} cores):"]

    def verdict(key: str) -> str:
        return "meets" if results[key] <= TARGETS[key] else "MISSES"

    if "a" in results:
        lines.append(f"  (a) make reports / naive papermill+nbconvert ({results['reports']} reports): "
                     f"{results['batch_s']:.1f} s / {results['naive_s']:.1f} s = {results['a']:.2f} "
                     f"(target <= {TARGETS['a']}: {verdict('a')})")
        lines.append(f"  (b) no-op rebuild / full build: {results['noop_s']:.2f} s / {results['batch_s']:.1f} s = "
                     f"{results['b']:.1%} (target <= {TARGETS['b']:.0%}: {verdict('b')})")
    if "c" in results:
        lines.append(f"  (c) time per report, {results['large']} / {results['small']} councils: "
                     f"{results['large_s'] / results['large']:.2f} s / {results['small_s'] / results['small']:.2f} s"
                     f" = {results['c']:.2f} (target <= {TARGETS['c']}: {verdict('c')})")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres bench`` (``make bench``)."""
    parser.add_argument("--jobs", type=int, default=0, help="batch workers (default: one per core)")
    parser.add_argument("--small", type=int, default=10, help="councils in the small scale run (default 10)")
    parser.add_argument("--scale", type=int, default=150, help="councils in the large scale run (default 150)")
    parser.add_argument("--only", choices=("ab", "c"), default=None, help="run only (a)+(b) or only (c)")
    parser.add_argument("--out", type=Path, default=paths.BUILD_DIR / "bench")


def command(args: argparse.Namespace) -> int:
    """Run the measurements, print the ratios; 1 when a target is missed."""
    args.out = args.out.resolve()  # runs change directory: every path they are given must be absolute
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    project = snapshot(args.out)
    results: dict = {}
    if args.only in (None, "ab"):
        results.update(measure_a_b(args.out, project, args.jobs))
    if args.only in (None, "c"):
        results.update(measure_c(args.out, project, args.jobs, args.small, args.scale))
    (args.out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(report(results))
    return 0 if all(results[k] <= TARGETS[k] for k in TARGETS if k in results) else 1


def main(argv: list[str] | None = None) -> int:
    """``python -m scwres.bench ...``: kept as an alias of ``python -m scwres bench``."""
    from .cli import main as cli_main

    return cli_main(["bench", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    raise SystemExit(main())
