"""Mutation testing of the modules that decide published figures: do the tests notice a changed line?

``make mutate [MODULES="validate/bounds.py metrics/stats.py"]`` (``python -m scwres mutate``) runs mutmut
(pinned in constraints.txt) over the modules listed once, in ``[tool.mutmut] only_mutate`` of pyproject.toml,
with the fast unit tests listed there (per module in ``[tool.mutmut.test_selection_by_module]``: a run
over some modules uses only their tests), and prints a table per module: mutants killed, survived, with no
test, and argued equivalent, with the kill rate over the non-equivalent ones, then every survivor by name
(``mutmut show NAME``, run in build/mutation, prints its diff).

mutmut puts only ``./``, ``src/`` or ``source/`` of its copy of the tree on ``sys.path`` and names a
mutant after its file's path, so the code in ``lib/scwres`` is staged, without moving it, in
``build/mutation`` as a link ``scwres -> lib/scwres`` (with a link to tests/ and a copy of pyproject.toml
holding only the chosen modules): mutmut's
copy is then importable as ``scwres`` and its mutants are named ``scwres.metrics.stats.x_...``.
``SCWRES_ROOT`` and links in ``mutants/`` keep the shipped data where the code and the tests look for it.

Equivalent mutants (no input can change any output) are listed, each with a one-line argument, in
``tests/mutation_equivalents.toml``; an entry that no longer names a surviving mutant is reported as stale.
It is a measurement for developers, not part of ``make test``: a run takes many minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

from ..paths import ROOT

WORK = ROOT / "build" / "mutation"
EQUIVALENTS = ROOT / "tests" / "mutation_equivalents.toml"
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
SHARED = ("data", "params", "docs", "notebooks", "constraints.txt")  # read, never written, by the unit tests
COLUMNS = ("killed", "survived", "no tests", "equivalent", "other", "not run")


def targets(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The modules under mutation (``scwres/...py``), from the one list in pyproject.toml."""
    return list(tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["mutmut"]["only_mutate"])


def module_name(target: str) -> str:
    """``scwres/metrics/stats.py`` -> ``scwres.metrics.stats``, the prefix of its mutants' names."""
    return target.removesuffix(".py").replace("/", ".")


def pick(modules: str, listed: list[str]) -> list[str]:
    """The targets named in ``modules`` (``metrics/stats.py`` or ``scwres/metrics/stats.py``), or all of them."""
    wanted = [m if m.startswith("scwres/") else f"scwres/{m}" for m in modules.split()]
    unknown = [m for m in wanted if m not in listed]
    if unknown:
        raise SystemExit(f"not in [tool.mutmut] only_mutate of pyproject.toml: {', '.join(unknown)}")
    return wanted or listed


def selection(chosen: list[str], text: str) -> list[str]:
    """The test files for the chosen modules: the union of their ``[tool.mutmut.test_selection_by_module]``
    lists, in order, or the whole ``pytest_add_cli_args_test_selection`` if a chosen module has none.

    mutmut runs, for each mutant, the selected tests that called its function; a survivor runs them all, so
    leaving out other modules' test files (which reach this module only through the pipeline) is what makes a
    one-module run fast."""
    mutmut = tomllib.loads(text)["tool"]["mutmut"]
    by_module = mutmut.get("test_selection_by_module", {})
    if any(t not in by_module for t in chosen):
        return list(mutmut["pytest_add_cli_args_test_selection"])
    return list(dict.fromkeys(f for t in chosen for f in by_module[t]))


def _set_list(text: str, key: str, values: list[str]) -> str:
    """pyproject text with the multi-line list ``key = [...]`` of [tool.mutmut] replaced by ``values``."""
    found = re.search(rf"^{key} = \[.*?^\]", text, re.MULTILINE | re.DOTALL)
    assert found is not None, f"pyproject.toml: [tool.mutmut] {key} = [...] not found"
    return text[:found.start()] + f"{key} = [" + ", ".join(f'"{v}"' for v in values) + "]" + text[found.end():]


def stage(chosen: list[str], work: Path = WORK) -> None:
    """A fresh build/mutation whose ``scwres`` and ``tests`` link to the real ones, and a pyproject.toml
    whose ``only_mutate`` holds the chosen modules only (the others' trampolines would slow every test) and
    whose test selection is theirs (see ``selection``)."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for name, real in (("scwres", ROOT / "lib" / "scwres"), ("tests", ROOT / "tests")):
        (work / name).symlink_to(real)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    text = _set_list(text, "only_mutate", chosen)
    text = _set_list(text, "pytest_add_cli_args_test_selection", selection(chosen, text))
    (work / "pyproject.toml").write_text(text, encoding="utf-8")
    # The tests find the shipped inputs beside their own folder, which mutmut copies to mutants/tests.
    (work / "mutants").mkdir()
    for name in SHARED:
        (work / "mutants" / name).symlink_to(ROOT / name)


def run_mutmut(chosen: list[str], jobs: int | None, work: Path = WORK) -> int:
    """``mutmut run`` on the chosen modules' mutants, in ``work``; its exit code."""
    names = [f"{module_name(t)}.*" for t in chosen]
    env = {**os.environ, "SCWRES_ROOT": str(ROOT), "PYTHONHASHSEED": "0"}
    cmd = [sys.executable, "-m", "mutmut", "run", *(["--max-children", str(jobs)] if jobs else []), *names]
    return subprocess.run(cmd, cwd=work, env=env).returncode


# mutmut 3.8.1's exit codes (mutmut/stats.py, status_by_exit_code), kept here so reading the results
# needs no import of mutmut; any other code is 'suspicious'.
STATUS_BY_EXIT_CODE: dict[int | None, str] = {
    1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 2: "check was interrupted by user",
    None: "not checked", 34: "skipped", 35: "suspicious", 36: "timeout", 37: "caught by type check",
    -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", -11: "segfault", -9: "segfault",
}


def statuses(target: str, work: Path = WORK) -> dict[str, str]:
    """Mutant name -> mutmut's status ('killed', 'survived', 'no tests', ...) for one module."""
    meta = work / "mutants" / f"{target}.meta"
    if not meta.exists():
        return {}
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return {name: STATUS_BY_EXIT_CODE.get(code, "suspicious") for name, code in codes.items()}


def equivalents(path: Path = EQUIVALENTS) -> dict[str, str]:
    """Mutant name -> the one-line argument that it cannot change any output."""
    if not path.exists():
        return {}
    return {name: str(why) for name, why in tomllib.loads(path.read_text(encoding="utf-8")).items()}


def tally(found: dict[str, str], argued: dict[str, str]) -> Counter:
    """Counts per column; a surviving mutant argued equivalent counts as equivalent, not survived."""
    counts: Counter = Counter()
    for name, status in found.items():
        if status in KILLED:
            counts["killed"] += 1
        elif status in ("survived", "no tests") and name in argued:
            counts["equivalent"] += 1
        elif status in ("survived", "no tests"):
            counts[status] += 1
        elif status == "not checked":  # a run stopped early: left out of the rate, shown apart
            counts["not run"] += 1
        else:
            counts["other"] += 1
    return counts


def kill_rate(counts: Counter) -> float | None:
    """Killed over all mutants tested but the equivalent ones (None when there are none)."""
    judged = sum(counts[c] for c in COLUMNS if c not in ("equivalent", "not run"))
    return counts["killed"] / judged if judged else None


def report(chosen: list[str], work: Path = WORK, argued: dict[str, str] | None = None) -> str:
    """The per-module table, then the survivors and stale equivalence entries, as text."""
    argued = equivalents() if argued is None else argued
    lines = [f"{'module':30} " + " ".join(f"{c:>10}" for c in COLUMNS) + "  kill rate"]
    survivors, seen = [], set()
    for target in chosen:
        found = statuses(target, work)
        seen |= set(found)
        counts = tally(found, argued)
        rate = kill_rate(counts)
        lines.append(f"{target.removeprefix('scwres/'):30} " + " ".join(f"{counts[c]:>10}" for c in COLUMNS)
                     + (f"  {rate:9.1%}" if rate is not None else "  (not run)"))
        survivors += [f"  {name}  ({status})" for name, status in sorted(found.items())
                      if status not in KILLED and status != "not checked" and name not in argued]
    lines += ["", "Not killed (see one with `mutmut show NAME` in build/mutation):", *survivors] if survivors else []
    prefixes = tuple(f"{module_name(t)}." for t in chosen)
    stale = [name for name in argued if name.startswith(prefixes) and name not in seen]
    stale += [name for name in argued if name in seen and statuses_of(name, chosen, work) in KILLED]
    lines += ["", "Stale entries in tests/mutation_equivalents.toml (no such mutant, or killed):",
              *(f"  {name}" for name in stale)] if stale else []
    return "\n".join(lines)


def statuses_of(name: str, chosen: list[str], work: Path) -> str | None:
    """One mutant's status, looked up in its module's results."""
    for target in chosen:
        if name.startswith(module_name(target) + "."):
            return statuses(target, work).get(name)
    return None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m scwres mutate`` (``make mutate``)."""
    parser.add_argument("--modules", default="", help="space-separated, e.g. 'validate/bounds.py' (default: all)")
    parser.add_argument("--jobs", type=int, default=None, help="mutants tested at once (default: mutmut's)")
    parser.add_argument("--table-only", action="store_true", help="print the table of the last run again")


def command(args: argparse.Namespace) -> int:
    """Stage, run mutmut on the chosen modules, print the table; mutmut's exit code if it failed."""
    chosen = pick(args.modules, targets())
    if not args.table_only:
        stage(chosen)
        start = time.monotonic()
        code = run_mutmut(chosen, args.jobs)
        print(f"\nmutmut run: exit {code}, {time.monotonic() - start:.0f} s wall clock")
        if code:
            return code
    print(report(chosen))
    return 0
