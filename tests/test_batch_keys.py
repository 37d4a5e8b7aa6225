"""`make report` and `make reports` agree on what is up to date, and a failed run never
leaves a report looking current."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, pipeline_env, run_cli


def batch(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scwres", "reports", "--quiet", "--no-index", "--jobs", "1",
                           "--las", "bexley", "--periods", "2024"], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_failed_run_forgets_the_key_and_a_good_run_records_it(scratch_tree):
    env = pipeline_env(scratch_tree)
    env.update({"SCWRES_RAW_DIR": str(scratch_tree / "raw"), "SCWRES_PARAMS_DIR": str(scratch_tree / "params")})
    key = scratch_tree / "build" / "bexley" / "2024" / "inputs.sha256"

    run_cli(["report", "--la", "bexley", "--period", "2024"], env)
    assert key.is_file()
    assert "Nothing to do" in batch(env).stdout  # make report's build counts for make reports

    recruitment = scratch_tree / "raw" / "bexley" / "2024" / "recruitment.csv"
    good = recruitment.read_text(encoding="utf-8")
    recruitment.write_text(good.replace("\nadults,asian,", "\nadults,asian,-", 1), encoding="utf-8")
    assert run_cli(["report", "--la", "bexley", "--period", "2024"], env, check=False).returncode != 0
    assert not key.exists()

    recruitment.write_text(good, encoding="utf-8")  # fixed: the data are as before the failure
    rebuilt = batch(env)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "Nothing to do" not in rebuilt.stdout
    assert key.is_file()
