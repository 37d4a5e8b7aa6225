"""Issue 27's faults through ``python -m scwres report`` (``make report``), as a user meets them.

Each run ends with a plain message (or a correct report): no traceback, no hang,
no mixed set, and the last good report as it was. The last good report here is
a set of marked files put in place before the run, so any file the run changes
is seen.
"""

from __future__ import annotations

import csv
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, pipeline_env

LA, PERIOD = "bexley", "2024"
NAMES = ("report.html", f"sc-wres-{LA}-{PERIOD}.xlsx", f"sc-wres-{LA}-{PERIOD}.csv")


@pytest.fixture
def env(scratch_tree: Path) -> dict[str, str]:
    out = pipeline_env(scratch_tree)
    out.update(SCWRES_RAW_DIR=str(scratch_tree / "raw"), SCWRES_PARAMS_DIR=str(scratch_tree / "params"))
    return out


def last_good(scratch_tree: Path) -> dict[Path, bytes]:
    folder = scratch_tree / "reports" / LA / PERIOD
    folder.mkdir(parents=True)
    old = {folder / name: f"the last good {name}".encode() for name in NAMES}
    for path, data in old.items():
        path.write_bytes(data)
    (folder / "data-quality.html").write_text("<p>0 errors, 0 warnings</p>", encoding="utf-8")
    return old


def report(env: dict[str, str], *args: str, limit_bytes: int | None = None) -> subprocess.CompletedProcess:
    def limit() -> None:
        if limit_bytes:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return subprocess.run([sys.executable, "-m", "scwres", "report", "--la", LA, *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=900, preexec_fn=limit)


def plain_failure(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    for word in words:
        assert word in proc.stderr, (word, proc.stderr)


def intact(old: dict[Path, bytes]) -> None:
    assert {p: p.read_bytes() if p.is_file() else None for p in old} == old
    assert not [p for p in next(iter(old)).parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("make, words", [
    (lambda p: p.write_bytes("## m2\nCafé panels\n".encode("latin-1")), "is not UTF-8 text"),
    (lambda p: p.write_bytes("## m2\nCafé panels\n".encode("utf-16")), "is UTF-16 text"),
    (lambda p: p.mkdir(), "is a folder"),
    (lambda p: os.mkfifo(p), "is not an ordinary file (it is a named pipe)"),
])
def test_unreadable_commentary_stops_the_run_and_the_quality_page_says_so(scratch_tree: Path, env, make,
                                                                           words) -> None:
    old = last_good(scratch_tree)
    notes = scratch_tree / "params" / "commentary" / LA / f"{PERIOD}.md"
    notes.parent.mkdir(parents=True, exist_ok=True)
    notes.unlink(missing_ok=True)
    make(notes)
    start = time.monotonic()
    proc = report(env, "--period", PERIOD)
    assert time.monotonic() - start < 300  # a named pipe used to block for ever
    plain_failure(proc, f"{PERIOD}.md", words, "Nothing was published", "1 error")
    intact(old)
    page = (scratch_tree / "reports" / LA / PERIOD / "data-quality.html").read_text(encoding="utf-8")
    assert words.replace("(", "").split()[-1] in page and "0 errors, 0 warnings" not in page


def test_an_escape_in_the_period_is_not_echoed_raw(env) -> None:
    proc = report(env, "--period", "2024\x1b[31m")
    assert proc.returncode == 2 and "\x1b" not in proc.stderr and "2024\\u001b[31m" in proc.stderr


@pytest.mark.xdist_group("pipeline")
def test_a_folder_where_the_spreadsheet_goes_publishes_nothing(scratch_tree: Path, env) -> None:
    old = last_good(scratch_tree)
    book = scratch_tree / "reports" / LA / PERIOD / NAMES[1]
    book.unlink()
    book.mkdir()
    old[book] = None
    proc = report(env, "--period", PERIOD)
    plain_failure(proc, f"{NAMES[1]}: a folder is where the file should go", "the last good report is as it was")
    del old[book]
    intact(old)
    assert not (scratch_tree / "build" / LA / PERIOD / "metrics.csv").exists()  # not released, not left


@pytest.mark.xdist_group("pipeline")
def test_a_full_disk_is_a_sentence_and_the_last_good_report_stays(scratch_tree: Path, env) -> None:
    old = last_good(scratch_tree)
    proc = report(env, "--period", PERIOD, limit_bytes=200 * 1024)  # ulimit -f 200
    plain_failure(proc, "size limit", "the last good report is as it was")
    intact(old)


@pytest.mark.xdist_group("pipeline")
def test_an_earlier_return_that_fails_its_checks_gives_no_trend_and_says_why(scratch_tree: Path, env) -> None:
    recruitment = scratch_tree / "raw" / LA / "2023" / "recruitment.csv"
    lines = recruitment.read_text(encoding="utf-8").splitlines()
    broken = [lines[0]]
    for line in lines[1:]:  # appointed above shortlisted on every line
        cells = line.split(",")
        broken.append(",".join([*cells[:3], str(int(cells[2]) + 5)]))
    recruitment.write_text("\n".join(broken) + "\n", encoding="utf-8")
    proc = report(env, "--period", PERIOD)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert f"warning: No change since 2023 is assessed: the 2023 return has {len(lines) - 1} errors" in proc.stderr
    assert "0 errors, 1 warning" in proc.stdout
    html = (scratch_tree / "reports" / LA / PERIOD / "report.html").read_text(encoding="utf-8")
    assert "No change since 2023 is assessed" in html and "Not assessed (the 2023 return did not pass its" in html
    assert "the 2023 return has" not in html  # the error count is the data team's, not the public's
    assert "Since 2023:" not in html  # no trend from a return that failed
    with open(scratch_tree / "build" / LA / PERIOD / "metrics.csv", newline="", encoding="utf-8") as handle:
        trends = {row["trend"] for row in csv.DictReader(handle)}
    assert trends <= {"not_assessed", ""}, trends  # every RL row refused, none read from the failed return
