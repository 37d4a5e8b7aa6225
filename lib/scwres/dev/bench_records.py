"""``make bench-records``: how long a large record-level return takes to load, check and count.

A big council's HR extract has tens of thousands of rows; the target is that
200,000 staff records (with applicants and survey responses in proportion)
load in seconds, not minutes. The records are made by the seeded generator's
simulation (a generated council scaled up), written to ``build/bench/records``,
then read exactly as a run reads them: ``read_return`` (read, check as records,
map ethnicity labels, count into the four tables), then the count tables are
validated by the usual rules. Timings belong in a benchmark, not in tests, so
this is not part of ``make test``.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

import numpy as np

from .. import paths
from .illustrative import random_council, records_from_staff, seed_for, simulate_recruitment, simulate_staff

PERIOD = "2024"


def write_records(root: Path, staff: int) -> tuple[Path, dict[str, int]]:
    """A generated council with about ``staff`` staff records as a record-level return under ``root``."""
    council = random_council(1, seed=14, periods=(PERIOD,))
    council = type(council)(**{**council.__dict__, "staff": {PERIOD: staff}})
    rng = np.random.default_rng(seed_for(council.slug, PERIOD))
    people = simulate_staff(council, PERIOD, rng)
    files = records_from_staff(council, PERIOD, people, simulate_recruitment(council, PERIOD, people, rng))
    folder = root / council.slug / PERIOD
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, frame in files.items():
        frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    return folder, {name: len(frame) for name, frame in files.items()}


def measure(staff: int, root: Path) -> dict[str, float]:
    """Seconds to read + check + count the records, and to validate the counted tables."""
    from ..intake.load import read_return
    from ..validate.checks import check_return

    folder, sizes = write_records(root, staff)
    la = folder.parent.name
    params = {"pay_bands": ["under_25k", "25k_to_35k", "35k_to_50k", "50k_to_70k", "70k_plus"],
              "ethnicity_labels": {"Prefer not to say": "not_stated"}, "leaver_base": "snapshot"}
    started, cpu = time.perf_counter(), time.process_time()
    raw = read_return(la, PERIOD, root, params)
    t_read, c_read = time.perf_counter() - started, time.process_time() - cpu
    errors = [p for p in raw.problems if p.severity == "error"]
    if errors:
        raise SystemExit(f"the generated records have errors: {errors[:3]}")
    started = time.perf_counter()
    problems = [p for p in check_return(raw, params["pay_bands"], params) if p.severity == "error"]
    t_check = time.perf_counter() - started
    if problems:
        raise SystemExit(f"the counted tables have errors: {problems[:3]}")
    print(f"records: {', '.join(f'{n} {k}' for k, n in sizes.items())}")
    print(f"counted into: {', '.join(f'{n} {k} rows' for k, n in raw.intake()['rows'].items())}")
    print(f"read, check and count the records: {t_read:.2f} s ({c_read:.2f} s of CPU; the difference is other "
          "work on the machine)")
    print(f"validate the counted tables (great-expectations, first run includes its import): {t_check:.2f} s")
    return {"read_check_count": t_read, "read_check_count_cpu": c_read, "validate_counts": t_check}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres bench-records`` (``make bench-records``)."""
    parser.add_argument("--staff", type=int, default=200_000, help="staff records to generate (default 200000)")
    parser.add_argument("--out", type=Path, default=paths.BUILD_DIR / "bench" / "records")


def command(args: argparse.Namespace) -> int:
    """Generate the records, then time reading, checking and counting them."""
    measure(args.staff, args.out)
    return 0
