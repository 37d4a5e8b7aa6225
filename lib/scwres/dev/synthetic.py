"""Generated councils for scale tests: ``python -m scwres synthetic --n 150``.

The benchmark and the batch tests need many councils, and real returns never
go into the project, so this writes N generated ones (``Synthetic council
001`` ...) with the same simulation as the shipped examples
(``illustrative.random_council``). They go to a folder outside ``data/raw``
(default ``build/synthetic/raw`` and ``build/synthetic/params``) so they can
never be mistaken for, or mixed with, the shipped data; point the pipeline at
them with ``SCWRES_RAW_DIR`` and ``SCWRES_PARAMS_DIR``.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from .. import paths
from .illustrative import PERIODS, generate, random_council

DEFAULT_OUT = paths.BUILD_DIR / "synthetic"


def write_synthetic(out: Path, n: int, periods: tuple[str, ...] = PERIODS, seed: int = 0) -> tuple[Path, Path]:
    """Write ``n`` generated councils under ``out``; return (raw dir, params dir).

    The two folders are emptied first, so the tree holds exactly the councils
    asked for (a smaller N after a bigger one leaves no stragglers).
    """
    out = out.resolve()
    for protected in (paths.RAW_DIR, paths.PARAMS_DIR, paths.ROOT / "data"):
        if out == protected.resolve() or protected.resolve().is_relative_to(out):
            raise ValueError(f"Refusing to write generated councils over {protected}: choose a folder under build/.")
    raw, params = out / "raw", out / "params"
    for folder in (raw, params):
        shutil.rmtree(folder, ignore_errors=True)
    councils = tuple(random_council(i, seed, periods) for i in range(1, n + 1))
    generate(raw, params, councils, periods)
    return raw, params


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres synthetic`` (``make synthetic``)."""
    parser.add_argument("--n", type=int, default=150, help="how many councils (default 150)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for raw/ and params/")
    parser.add_argument("--periods", default=" ".join(PERIODS), help="periods, space separated")
    parser.add_argument("--seed", type=int, default=0)


def command(args: argparse.Namespace) -> int:
    """Write the councils and say how to use them."""
    periods = tuple(sorted(args.periods.split()))
    raw, params = write_synthetic(args.out, args.n, periods, args.seed)
    print(f"Wrote {args.n} synthetic councils ({', '.join(periods)}) to {raw} and {params}.")
    print(f"Use them with: SCWRES_RAW_DIR={raw} SCWRES_PARAMS_DIR={params}")
    return 0
