"""The cost of disclosure control on a national roll-up of N generated councils (``make bench``, measure (n)).

Why on its own: the national page over every English council is where the
protection audit (``disclosure.audit``) costs most - once per council, when its
plan is made, and once over the pooled figures. This builds, for N generated
councils of one period, every council's metrics table and plan (the batch's
share of the work, without rendering 153 reports), then the national page from
those plans, and reports CPU seconds (which other work on a shared machine
does not inflate): the plans, the audit's part of them, the least-loss trades
(``disclosure.least_loss``, with the councils asked planned again) and the page.

Run it on its own with ``python -m scwres bench-national --n 153``: it
generates the councils under ``--out`` and points the pipeline at them. The
timed part runs in a fresh process (``measure_inside``), so the ``SCWRES_*``
folders and ``--lib`` (the code to time) take effect before anything is imported.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .synthetic import write_synthetic


def measure_inside(period: str) -> dict[str, float]:
    """In a process whose ``SCWRES_*`` folders point at the generated councils: plans, then the page."""
    from .. import paths
    from ..disclosure import metrics_table as mt
    from ..intake.params import list_councils, load_params
    from ..pipeline.national import build_national
    from ..validate.validation import load_return

    audit_cpu = 0.0
    try:
        from ..disclosure import audit
    except ImportError:  # the code before the audit existed (for today's baseline)
        audit = None
    plans_cpu, councils = 0.0, 0
    for la in list_councils():
        params = load_params(la)
        tables = load_return(la, period, pay_bands=params["pay_bands"], params=params)
        start = time.process_time()
        frame = mt.metrics_table(la, period, tables, params)
        plans_cpu += time.process_time() - start
        if audit is not None:
            audit_cpu += audit.last_seconds()
        folder = paths.build_dir(la, period)
        folder.mkdir(parents=True, exist_ok=True)
        mt.write_metrics_csv(frame, folder / "metrics.csv")
        report = paths.report_dir(la, period)
        report.mkdir(parents=True, exist_ok=True)
        (report / "report.html").write_text("placeholder: only the roll-up is timed\n", encoding="utf-8")
        councils += 1
    trade_cpu, asked = 0.0, 0
    try:
        from ..pipeline.national import request_protection
    except ImportError:  # the code before least loss existed (for the baseline)
        request_protection = None
    if request_protection is not None:  # as make national does: trades, then the councils asked planned again
        start = time.process_time()
        changed, _ = request_protection(period)
        for la in changed:
            params = load_params(la)
            tables = load_return(la, period, pay_bands=params["pay_bands"], params=params)
            mt.write_metrics_csv(mt.metrics_table(la, period, tables, params),
                                 paths.build_dir(la, period) / "metrics.csv")
        trade_cpu, asked = time.process_time() - start, len(changed)
    start = time.process_time()
    build_national(period)
    national_cpu = time.process_time() - start
    rollup_audit = audit.last_rollup_seconds() if audit is not None else 0.0
    return {"councils": councils, "plans_cpu_s": plans_cpu, "audit_cpu_s": audit_cpu,
            "least_loss_cpu_s": trade_cpu, "councils_asked": asked,
            "national_cpu_s": national_cpu, "rollup_audit_cpu_s": rollup_audit}


def measure(out: Path, n: int, period: str = "2024", lib: Path | None = None) -> dict[str, float]:
    """Generate ``n`` councils under ``out`` and time them in a fresh process (``lib``: the code to time)."""
    raw, params = write_synthetic(out / "synthetic", n, (period,), seed=0)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCWRES_")}
    env.update({"SCWRES_RAW_DIR": str(raw), "SCWRES_PARAMS_DIR": str(params),
                "SCWRES_BUILD_DIR": str(out / "build"), "SCWRES_REPORTS_DIR": str(out / "reports"),
                "PYTHONHASHSEED": "0"})
    if lib is not None:
        env["PYTHONPATH"] = str(lib)
    inside = ("import json, sys\nfrom scwres.dev.bench_national import measure_inside\n"
              "print(json.dumps(measure_inside(sys.argv[1])))")
    proc = subprocess.run([sys.executable, "-c", inside, period], env=env,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench_national failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def describe(result: dict[str, float]) -> str:
    return (f"  (n) national roll-up of {result['councils']} generated councils, CPU seconds: plans "
            f"{result['plans_cpu_s']:.1f} s (of which the protection audit {result['audit_cpu_s']:.1f} s), "
            f"least loss {result.get('least_loss_cpu_s', 0.0):.1f} s ({result.get('councils_asked', 0)} councils "
            f"asked to hide more), national page {result['national_cpu_s']:.1f} s (of which the roll-up audit "
            f"{result['rollup_audit_cpu_s']:.1f} s)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres bench-national``."""
    parser.add_argument("--n", type=int, default=153, help="generated councils (default 153, every English council)")
    parser.add_argument("--out", type=Path, default=Path("build/bench-national"))
    parser.add_argument("--lib", type=Path, default=None, help="time this copy of lib/ (e.g. an older commit's)")


def command(args: argparse.Namespace) -> int:
    """Generate the councils, time their plans and the national page in a fresh process, print the result."""
    result = measure(args.out.resolve(), args.n, lib=args.lib)
    print(json.dumps(result))
    print(describe(result))
    return 0
