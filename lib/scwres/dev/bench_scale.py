"""How validation and disclosure control scale: time and peak memory on returns far larger than any council's.

``make bench-scale`` (``python -m scwres bench-scale``) prints, each measured in
a fresh process so its peak memory is its own:

- validation of a 200,000-row return (a workforce table with 1,250 pay bands,
  every row valid), through ``validate.validate_return`` as ``make report`` runs it;
- validation of a return with 20,000 bad rows (one error each), which used to
  take time growing with the square of the number of errors;
- secondary suppression (``disclosure.report_plan``) with 100 and 200 pay bands (params allow at most 200).

It is a measurement, not a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..schema import DETAILED_CODES, SERVICES

LA, PERIOD = "bench", "2024"


def bench_params(bands: int) -> dict[str, Any]:
    """Params of a made-up council with ``bands`` pay bands (applied defaults, as load_params gives)."""
    from ..schema import PARAMS_DEFAULTS

    return {**PARAMS_DEFAULTS, "la": LA, "name": "Benchmark council", "ons_code": "E00000000", "region": "Nowhere",
            "pay_bands": [f"band_{i:04d}" for i in range(bands)], "senior_manager_definition": "Directors",
            "people": {}, "periods": {PERIOD: {"snapshot_date": None, "window_start": None, "window_end": None,
                                               "direct_employees": 0, "sources": ["HR system"]}}}


def write_return(raw: Path, bands: int, bad_rows: int = 0) -> int:
    """A valid return with a row for every workforce key (160 per band); the first ``bad_rows`` counts broken.

    Returns the number of workforce rows written.
    """
    folder = raw / LA / PERIOD
    folder.mkdir(parents=True, exist_ok=True)
    codes = [c for c in DETAILED_CODES]
    lines = ["service,pay_band,senior_manager,regulated,ethnicity,headcount"]
    for service in SERVICES:
        for b in range(bands):
            for senior in ("yes", "no"):
                for regulated in ("yes", "no"):
                    for code in codes:
                        bad = len(lines) <= bad_rows
                        lines.append(f"{service},band_{b:04d},{senior},{regulated},{code},{'x' if bad else 1}")
    (folder / "workforce.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    per_group = 4 * bands  # headcount of each service and ethnicity
    small = min(per_group, 10)
    tables = {
        "recruitment": ["service,ethnicity,shortlisted,appointed"]
        + [f"{s},{c},20,5" for s in SERVICES for c in codes],
        "events": ["service,ethnicity,disciplinary,ftp,cpd,leavers"]
        + [f"{s},{c},1,1,{small},1" for s in SERVICES for c in codes],
        "survey": ["service,ethnicity,respondents,hba_public,hba_colleagues,hba_managers"]
        + [f"{s},{c},{small},1,1,1" for s in SERVICES for c in codes],
        "population": ["ethnicity,population"] + [f"{c},1000" for c in codes],
    }
    for name, rows in tables.items():
        (folder / f"{name}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(lines) - 1


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(what: str, bands: int, bad_rows: int = 0) -> dict[str, Any]:
    """One measurement in this process: seconds and peak resident memory (MB)."""
    from ..validate.validation import validate_return

    params = bench_params(bands)
    with tempfile.TemporaryDirectory(prefix="scwres-bench-") as tmp:
        raw = Path(tmp)
        rows = write_return(raw, bands, bad_rows)
        if what == "validate":
            from ..validate.gx_checks import run_rules

            run_rules({})  # GX is imported once per run anyway; not part of the figure
            validate_return(LA, PERIOD, params, raw)  # a warm-up on the same data would double the memory figure
            before = _peak_mb()
            start, cpu = time.perf_counter(), time.process_time()
            problems = validate_return(LA, PERIOD, params, raw)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            errors = sum(p.severity == "error" for p in problems)
            return {"what": f"validate {rows:,} rows ({errors:,} errors)", "seconds": seconds, "cpu": cpu,
                    "peak_mb": _peak_mb(), "before_mb": before}
        import pandas as pd

        from ..disclosure.suppression import report_plan
        from ..metrics.calculate import metric_rows
        from ..validate.validation import load_return

        tables = load_return(LA, PERIOD, raw, pay_bands=params["pay_bands"])
        frame = pd.DataFrame(metric_rows(tables, params)).drop(columns="_rl")
        before = _peak_mb()
        start, cpu = time.perf_counter(), time.process_time()
        result = report_plan(frame, params, tables)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        return {"what": f"suppression, {bands:,} pay bands ({len(result.values):,} counts, "
                        f"{len(result.hidden_keys):,} hidden)", "seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb(),
                "before_mb": before}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres bench-scale`` (``make bench-scale``)."""
    parser.add_argument("--one", nargs=3, metavar=("WHAT", "BANDS", "BAD_ROWS"), help=argparse.SUPPRESS)


def command(args: argparse.Namespace) -> int:
    """Each measurement in a fresh process (so its peak memory is its own), printed as a table."""
    if args.one:
        print(json.dumps(measure(args.one[0], int(args.one[1]), int(args.one[2]))))
        return 0
    runs = [("validate", 1250, 0), ("validate", 1250, 20_000), ("suppress", 100, 0), ("suppress", 200, 0)]
    print("| measure | seconds (wall) | seconds (CPU) | peak memory of the process |\n|---|---|---|---|")
    for what, bands, bad in runs:
        proc = subprocess.run([sys.executable, "-m", "scwres", "bench-scale", "--one", what, str(bands), str(bad)],
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(f"| {what} {bands} bands | failed: {proc.stderr.strip().splitlines()[-1:]} | | |")
            continue
        got = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"| {got['what']} | {got['seconds']:.1f} | {got['cpu']:.1f} | {got['peak_mb']:,.0f} MB |", flush=True)
    return 0
