"""One command line: ``python -m scwres <command>``, one parser, used by the Makefile.

The commands themselves are tested where their modules are (reports, national,
update, ...); here: every command is listed and answers ``--help``, the
options are defined in one place, the old ``python -m scwres.<module>`` entry
points are aliases of the same parser, and the Makefile calls the commands.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from scwres import cli

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "lib" / "scwres"
# The commands issue #13 asks for; more may be added, none of these may go.
REQUIRED = ("report", "reports", "national", "update", "template", "data", "bench", "synthetic")


def python(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def listed_commands(help_text: str) -> set[str]:
    """Command names in the top-level help's command list."""
    return set(re.findall(r"^    ([a-z][a-z-]*)\b", help_text, re.MULTILINE))


def test_top_level_help_lists_every_command():
    proc = python("-m", "scwres", "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: python -m scwres")
    listed = listed_commands(proc.stdout)
    assert {c.name for c in cli.COMMANDS} <= listed
    assert set(REQUIRED) <= listed


def test_listing_check_would_notice_a_missing_command():
    text = python("-m", "scwres", "--help").stdout
    without = "\n".join(line for line in text.splitlines() if not line.startswith("    bench"))
    assert "bench" not in listed_commands(without)


def test_top_level_help_imports_no_command_module():
    """Listing the commands must not import pandas, matplotlib or papermill (it stays instant)."""
    proc = python("-c", "import sys\nfrom scwres import cli\ncli.build_parser(load=[])\n"
                        "print(sorted(m for m in ('pandas', 'matplotlib', 'papermill', 'scwres.pipeline.run') "
                        "if m in sys.modules))")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# What each command's help must say it does, written here from the docs rather than taken from cli.COMMANDS
# (the text the help is built from): a command added without an entry, or a description that no longer
# says what the command does, fails below.
SAYS = {
    "report": "one council's report", "reports": "every council and period in parallel",
    "national": "national or regional roll-up", "signoff": "signed off, by whom and when", "pdf": "A4 PDF",
    "update": "progress update",
    "template": "blank return workbook", "index": "reports/index.html", "data": "illustrative returns",
    "synthetic": "generated councils", "bench-scale": "200,000 rows", "bench": "the naive way",
    "preview": "while you edit its commentary", "profile": "cProfile", "bench-records": "200,000 staff records",
    "mutate": "mutation testing", "bench-national": "protection audit",
}


def test_every_command_has_an_expected_description():
    assert set(SAYS) == {c.name for c in cli.COMMANDS}


@pytest.mark.parametrize("command", sorted(SAYS))
def test_each_command_has_working_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: python -m scwres {command}")
    described = " ".join(out.split())  # argparse wraps lines
    assert SAYS[command].casefold() in described.casefold()
    assert "-h, --help" in out


def test_a_command_help_in_a_fresh_process():
    proc = python("-m", "scwres", "report", "--help")
    assert proc.returncode == 0, proc.stderr
    for option in ("--la", "--period", "--audience"):
        assert option in proc.stdout


def test_every_option_of_every_command_is_parsed_by_the_one_parser():
    parser = cli.build_parser()  # every module's options loaded
    args = parser.parse_args(["reports", "--las", "norfolk leeds", "--periods", "2024", "--jobs", "2", "--force",
                              "--quiet", "--no-index", "--fresh-kernels"])
    assert (args.las, args.periods, args.jobs, args.force, args.fresh_kernels) == ("norfolk leeds", "2024", 2,
                                                                                   True, True)
    args = parser.parse_args(["national", "--period", "2024", "--region", "London", "--no-build"])
    assert (args.period, args.region, args.no_build) == ("2024", "London", True)
    args = parser.parse_args(["update", "--la", "norfolk", "--as-of", "2023-02-28"])
    assert (args.la, args.as_of) == ("norfolk", "2023-02-28")
    args = parser.parse_args(["synthetic", "--n", "3"])
    assert args.n == 3


def test_only_the_command_line_module_builds_a_parser():
    """One parser: no module but cli.py makes an ArgumentParser (options live in add_arguments)."""
    makers = sorted(str(p.relative_to(LIB)) for p in LIB.rglob("*.py")
                    if "ArgumentParser(" in p.read_text(encoding="utf-8"))
    assert makers == ["cli.py"]


def test_report_dispatches_and_explains_an_unknown_council(capsys):
    assert cli.main(["report", "--la", "nowhere"]) == 2
    err = capsys.readouterr().err
    assert "no council called 'nowhere'" in err and "Traceback" not in err


def test_template_dispatches_to_the_workbook_writer(tmp_path, capsys):
    target = tmp_path / "blank.xlsx"
    assert cli.main(["template", "--la", "norfolk", "--out", str(target)]) == 0
    assert target.is_file() and "Blank return written" in capsys.readouterr().out


def makefile_calls(text: str) -> list[str]:
    """What each Makefile recipe runs after ``$(PY) -m``."""
    return re.findall(r"\$\(PY\) -m (\S+)(?: ([a-z-]+))?", text)


def test_makefile_calls_the_one_command_line():
    calls = makefile_calls((ROOT / "Makefile").read_text(encoding="utf-8"))
    ours = [(module, command) for module, command in calls if module.startswith("scwres")]
    assert len(ours) >= 8
    assert [m for m, _ in ours if m != "scwres"] == []  # no python -m scwres.<module>
    assert {c for _, c in ours} <= {c.name for c in cli.COMMANDS}
    assert {"report", "reports", "national", "update", "template", "data", "bench", "synthetic"} <= {
        c for _, c in ours}


def test_makefile_check_would_notice_an_old_entry_point():
    calls = makefile_calls('report:\n\t$(PY) -m scwres.pipeline.run report --la "$(LA)"\n')
    assert calls == [("scwres.pipeline.run", "report")]
