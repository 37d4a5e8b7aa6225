"""End to end: the nastiest inputs through the command lines `make report` and `make update` run.

Each run must exit non-zero with the problem named (file, line, column, value),
print no traceback, write the data-quality page and leave the last good report
byte-identical. Also here: make variables cannot run commands, one run per
council and period at a time, and a run killed at any moment leaves no
half-written page (and the next run removes what it left).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import ROOT, pipeline_env, run_cli

LA, PERIOD = "bexley", "2024"


@pytest.fixture
def env(scratch_tree: Path) -> dict[str, str]:
    out = pipeline_env(scratch_tree)
    out.update(SCWRES_RAW_DIR=str(scratch_tree / "raw"), SCWRES_PARAMS_DIR=str(scratch_tree / "params"))
    return out


def set_cells(path: Path, changes: dict[tuple[int, str], str]) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    for (line, column), value in changes.items():
        cells = lines[line - 1].split(",")
        cells[header.index(column)] = value
        lines[line - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.xdist_group("pipeline")
def test_nasty_return_is_refused_plainly_and_the_last_good_report_stays(built, scratch_tree: Path,
                                                                        env: dict[str, str]) -> None:
    reports = scratch_tree / "reports" / LA / PERIOD
    shutil.copytree(built.reports / LA / PERIOD, reports)  # the last good report, built from the same inputs
    published = (reports / "report.html").read_bytes()
    stale = reports / ".report.html.k1ll3d.tmp"
    stale.write_text("<html><body>half a page", encoding="utf-8")  # what a SIGKILL mid-write leaves
    folder = scratch_tree / "raw" / LA / PERIOD
    set_cells(folder / "workforce.csv", {(2, "headcount"): "9" * 5000, (3, "headcount"): "9223372036854775807"})
    set_cells(folder / "survey.csv", {(2, "ethnicity"): "white_british\x1b[31m"})
    set_cells(folder / "recruitment.csv", {(2, "shortlisted"): "1e400"})
    (folder / "events.csv").unlink()
    (folder / "events.csv").mkdir()

    proc = run_cli(["report", "--la", LA, "--period", PERIOD], env, check=False)

    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    for where in ("workforce.csv line 2, column headcount", "workforce.csv line 3, column headcount, value "
                  "'9223372036854775807'", "survey.csv line 2, column ethnicity", "recruitment.csv line 2, column "
                  "shortlisted, value '1e400'", "events.csv is a folder"):
        assert where in proc.stderr, where
    assert "U+001B" in proc.stderr and "9" * 100 not in proc.stderr  # named, not pasted whole
    assert (reports / "report.html").read_bytes() == published
    page = (reports / "data-quality.html").read_text(encoding="utf-8")
    assert "more than 10,000,000" in page and "events.csv is a folder" in page
    assert not stale.exists()


def test_params_that_would_exhaust_memory_are_refused_with_the_page_written(scratch_tree: Path,
                                                                            env: dict[str, str]) -> None:
    params = scratch_tree / "params" / f"{LA}.yml"
    laughs = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    laughs += [f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 9)]
    params.write_text(params.read_text(encoding="utf-8") + "\n".join(laughs) + "\n", encoding="utf-8")
    start = time.perf_counter()
    proc = run_cli(["report", "--la", LA, "--period", PERIOD], env, check=False)
    assert time.perf_counter() - start < 120
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"params/{LA}.yml line" in proc.stderr and "expand to more than 20,000 values" in proc.stderr
    page = (scratch_tree / "reports" / LA / PERIOD / "data-quality.html").read_text(encoding="utf-8")
    assert "expand to more than" in page


def run_update(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scwres", "update", "--la", "norfolk", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_make_update_refuses_a_folder_or_a_runaway_measure_by_column_and_value(scratch_tree: Path,
                                                                                env: dict[str, str]) -> None:
    plan = scratch_tree / "raw" / "norfolk" / "action_plan.csv"
    text = plan.read_text(encoding="utf-8")
    measure = "m2 >= 0.8 and " * 600 + "m2 <= 1.25"  # under the cell limit, over the measure limit
    plan.write_text(text.replace("m6 <= 1.1", measure, 1), encoding="utf-8")
    proc = run_update(env, "--as-of", "2023-02-28")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "action_plan.csv line 3, column success_measure, value 'm2 >= 0.8 and m2" in proc.stderr
    assert "keep it under 300" in proc.stderr
    plan.unlink()
    plan.mkdir()
    proc = run_update(env, "--as-of", "2023-02-28")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "action_plan.csv is a folder" in proc.stderr
    assert not (scratch_tree / "reports" / "norfolk" / "updates").exists() or not any(
        (scratch_tree / "reports" / "norfolk" / "updates").iterdir())


# ------------------------------------------------------------------ make variables

EVIL = ['x"; touch {p}; echo "', "$(shell touch {p})", "`touch {p}`", "$$(touch {p})", "x'; touch {p}; echo '"]


def make(*args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(extra_env or {})})


@pytest.mark.parametrize("template", EVIL)
def test_a_malicious_council_name_is_refused_not_run(template: str) -> None:
    planted = Path(f"/tmp/PWNED-{uuid.uuid4().hex}")
    proc = make("report", f"LA={template.format(p=planted)}")
    assert not planted.exists(), "a make variable ran a command"
    assert proc.returncode != 0 and "is not a council name" in proc.stderr and "Traceback" not in proc.stderr


def test_no_target_pastes_a_variable_into_shell_or_python() -> None:
    """`make -n` prints every recipe: no user value may appear in one, and none may be expanded by make."""
    planted = Path(f"/tmp/PWNED-{uuid.uuid4().hex}")
    marker = f"MARK{uuid.uuid4().hex[:8]}$(shell touch {planted})"
    values = {v: marker for v in ("LA", "PERIOD", "AUDIENCE", "AS_OF", "LAS", "PERIODS", "JOBS", "REGION", "N",
                                   "CHROMIUM", "FORCE")}
    for target in ("report", "preview", "pdf", "update", "template", "reports", "national", "bench", "synthetic",
                   "fuzz"):
        proc = make("-n", target, *(f"{k}={v}" for k, v in values.items()))
        assert proc.returncode == 0, proc.stderr
        assert "MARK" not in proc.stdout, f"make {target} pastes a variable into its recipe:\n{proc.stdout}"
    assert not planted.exists()


def test_the_injection_test_catches_the_old_recipe(tmp_path: Path) -> None:
    """Switch the protection off (the recipe as it was) and the same input runs a command."""
    planted = tmp_path / "PWNED"
    (tmp_path / "Makefile").write_text('LA ?= norfolk\nreport:\n\t@echo --la "$(LA)"\n', encoding="utf-8")
    subprocess.run(["make", "-s", "-C", str(tmp_path), "report", f'LA=x"; touch {planted}; echo "'],
                   capture_output=True, text=True, timeout=60)
    assert planted.exists()


# ------------------------------------------------------------------ locks and killed runs

HOLD = """
import sys, time
from pathlib import Path
from scwres.locks import run_lock
with run_lock(Path(sys.argv[1]), "test"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
print("released", flush=True)
"""


def test_two_runs_for_one_council_and_period_take_turns(tmp_path: Path) -> None:
    first = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), "3"], stdout=subprocess.PIPE, text=True)
    assert first.stdout.readline().strip() == "held"
    start = time.monotonic()
    second = subprocess.run([sys.executable, "-c", HOLD, str(tmp_path), "0"], capture_output=True, text=True,
                            timeout=120)
    first.wait(60)
    assert "waiting for it to finish" in second.stderr
    assert second.stdout.split() == ["held", "released"] and time.monotonic() - start > 1.5


def test_a_killed_holder_does_not_block_the_next_run(tmp_path: Path) -> None:
    first = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), "600"], stdout=subprocess.PIPE, text=True)
    assert first.stdout.readline().strip() == "held"
    first.send_signal(signal.SIGKILL)
    first.wait(60)
    second = subprocess.run([sys.executable, "-c", HOLD, str(tmp_path), "0"], capture_output=True, text=True,
                            timeout=60)
    assert second.stdout.split() == ["held", "released"]


WRITER = """
import sys
from pathlib import Path
from scwres.render.export import write_atomic
target = Path(sys.argv[1])
i = 0
print("writing", flush=True)
while True:
    i += 1
    write_atomic(target, f"<html>{i}" + "x" * 2_000_000 + "</html>")
"""


def test_a_page_killed_while_written_is_old_or_new_never_half(tmp_path: Path) -> None:
    from scwres.locks import remove_stale_temporaries

    target = tmp_path / "report.html"
    target.write_text("<html>0" + "x" * 2_000_000 + "</html>", encoding="utf-8")
    for delay in (0.05, 0.2, 0.37, 0.6, 1.1):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "writing"
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        writer.wait(60)
        text = target.read_text(encoding="utf-8")
        assert text.startswith("<html>") and text.endswith("x" * 1000 + "</html>") and len(text) > 2_000_000
    remove_stale_temporaries(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
