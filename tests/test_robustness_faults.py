"""Faults of the machine and of text inputs (issue 27): a plain sentence, no read blocks, nothing half-published.

In process and fast: the one text reader (``limits.read_text``), commentary,
the all-or-nothing publish (``export.write_atomic_many``) under a folder in the
way, a failing swap, a full disk and a read-only folder, the environment check,
chunked fingerprints, control characters on their way into a page, and an
earlier period whose return fails its checks. The same faults through
``make report`` are in ``test_robustness_faults_e2e.py``.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bad_returns import good
from scwres import limits, memo, paths
from scwres.intake import commentary
from scwres.problems import ReturnError, os_error_message
from scwres.render import export


@pytest.fixture
def no_hang():
    """Fail (not stall) a test whose read blocks: a named pipe read for ever is the fault under test."""
    def alarm(signum, frame):  # noqa: ARG001
        raise AssertionError("the read blocked")
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------ the one text reader

def refused(path: Path, limit: int = 1000) -> limits.TextRefused:
    with pytest.raises(limits.TextRefused) as caught:
        limits.read_text(path, limit)
    return caught.value


def test_text_in_utf8_with_or_without_a_bom_is_read(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes("\ufeffCafé\n".encode())
    (tmp_path / "b.md").write_bytes("Café\n".encode())
    assert limits.read_text(tmp_path / "a.md", 100) == limits.read_text(tmp_path / "b.md", 100) == "Café\n"


def test_latin1_and_utf16_are_refused_by_name_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_bytes("first\nCafé\n".encode("latin-1"))
    fault = refused(tmp_path / "notes.md")
    assert fault.line == 2 and "notes.md is not UTF-8" in fault.message and "latin-1" in fault.message
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        (tmp_path / "notes.md").write_bytes("## m2\nCafé\n".encode(encoding))
        assert "notes.md is UTF-16 text, not UTF-8; save it as UTF-8" in refused(tmp_path / "notes.md").message


def test_a_folder_a_pipe_a_device_and_a_large_file_are_refused_before_any_read(tmp_path: Path, no_hang) -> None:
    (tmp_path / "folder.md").mkdir()
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    with open(tmp_path / "big.md", "wb") as handle:
        handle.truncate(10 ** 10)  # sparse: 10 GB that cost nothing, unless read
    assert "folder.md is a folder" in refused(tmp_path / "folder.md").message
    assert "pipe.md is not an ordinary file (it is a named pipe)" in refused(tmp_path / "pipe.md").message
    assert "zero.md is not an ordinary file (it is a device)" in refused(tmp_path / "zero.md").message
    assert "big.md is too large" in refused(tmp_path / "big.md").message


# ------------------------------------------------------------------ commentary

def commentary_at(tmp_path: Path, make) -> Path:
    path = commentary.commentary_file(good.LA, good.PERIOD, tmp_path)
    path.parent.mkdir(parents=True)
    make(path)
    return path


@pytest.mark.parametrize("make, words", [
    (lambda p: p.write_bytes("## m2\nCafé panels\n".encode("latin-1")), "is not UTF-8 text"),
    (lambda p: p.write_bytes("## m2\nCafé panels\n".encode("utf-16")), "is UTF-16 text"),
    (lambda p: p.mkdir(), "is a folder"),
    (lambda p: os.mkfifo(p), "named pipe"),
    (lambda p: p.symlink_to(p.parent / "nowhere.md"), "cannot be read"),
])
def test_commentary_that_cannot_be_read_is_one_error_naming_the_file(tmp_path: Path, make, words, no_hang) -> None:
    commentary_at(tmp_path, make)
    [problem] = commentary.commentary_problems(good.LA, good.PERIOD, tmp_path)
    assert problem.severity == "error" and problem.file.endswith(f"{good.LA}/{good.PERIOD}.md")
    assert words in problem.message and "The commentary cannot be used" in problem.message
    with pytest.raises(ReturnError):
        commentary.load_commentary(good.LA, good.PERIOD, tmp_path)
    assert commentary.unknown_sections(good.LA, good.PERIOD, tmp_path) == []


def test_good_commentary_still_reads_and_warns_about_unknown_sections(tmp_path: Path) -> None:
    commentary_at(tmp_path, lambda p: p.write_text("## m2\nPanels.\n## m99\nx\n", encoding="utf-8"))
    assert "<p>Panels.</p>" in commentary.load_commentary(good.LA, good.PERIOD, tmp_path)["m2"]
    [problem] = commentary.commentary_problems(good.LA, good.PERIOD, tmp_path)
    assert problem.severity == "warning" and problem.line == 3


# ------------------------------------------------------------------ publishing a set: all or nothing

def last_good(folder: Path) -> dict[Path, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    old = {folder / "report.html": b"old page", folder / "x.csv": b"old csv", folder / "x.xlsx": b"old book"}
    for path, data in old.items():
        path.write_bytes(data)
    return old


NEW = {"report.html": "new page", "x.csv": b"new csv", "x.xlsx": b"new book"}


def unchanged(folder: Path, old: dict[Path, bytes], extra: tuple[str, ...] = ()) -> None:
    assert {p: p.read_bytes() for p in old if p.is_file()} == {p: v for p, v in old.items() if p.is_file()}
    assert sorted(p.name for p in folder.iterdir()) == sorted({*(p.name for p in old), *extra})  # no temporaries


def test_a_folder_where_the_spreadsheet_goes_changes_nothing(tmp_path: Path) -> None:
    old = last_good(tmp_path)
    (tmp_path / "x.xlsx").unlink()
    (tmp_path / "x.xlsx").mkdir()
    with pytest.raises(export.PublishFailed) as caught:
        export.write_atomic_many({tmp_path / k: v for k, v in NEW.items()})
    assert "x.xlsx: a folder is where the file should go" in str(caught.value)
    unchanged(tmp_path, {k: v for k, v in old.items() if k.name != "x.xlsx"}, ("x.xlsx",))


def test_a_swap_that_fails_half_way_puts_back_the_files_already_swapped(tmp_path: Path, monkeypatch) -> None:
    old = last_good(tmp_path)
    real = os.replace
    calls = []

    def replace(src, dst):
        calls.append((Path(dst).name, Path(src).read_bytes() if Path(src).is_file() else None))
        if Path(dst).name == "x.csv" and str(src).endswith(".tmp") and Path(src).read_bytes() == b"new csv":
            raise OSError(errno.EIO, "Input/output error", str(dst))
        return real(src, dst)

    monkeypatch.setattr(export.os, "replace", replace)
    with pytest.raises(export.PublishFailed) as caught:
        export.write_atomic_many({tmp_path / k: v for k, v in NEW.items()})
    assert "x.csv" in str(caught.value)
    # the new page had gone out (a mixed set for a moment), then the old one was put back
    assert calls[0] == ("report.html", b"new page") and calls[-1] == ("report.html", b"old page")
    monkeypatch.setattr(export.os, "replace", real)
    unchanged(tmp_path, old)  # report.html, swapped first, is the old page again
    export.write_atomic_many({tmp_path / k: v for k, v in NEW.items()})
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "new page"


def test_a_read_only_folder_is_named_with_what_to_do(tmp_path: Path, monkeypatch) -> None:
    old = last_good(tmp_path)

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".x.tmp"))

    monkeypatch.setattr(export.tempfile, "mkstemp", refuse)
    with pytest.raises(export.PublishFailed) as caught:
        export.write_atomic_many({tmp_path / k: v for k, v in NEW.items()})
    assert f"cannot use {tmp_path} while writing report.html: permission denied" in str(caught.value)
    assert "SCWRES_REPORTS_DIR" in str(caught.value)
    unchanged(tmp_path, old)


FULL_DISK = """
import resource, sys
from pathlib import Path
from scwres.render import export
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
folder = Path(sys.argv[1])
try:
    export.write_atomic_many({folder / "report.html": "p" * 100, folder / "x.csv": b"c" * 100,
                              folder / "x.xlsx": b"b" * 100_000})
except export.PublishFailed as exc:
    print(exc)
"""


def test_a_full_disk_changes_nothing_and_says_so(tmp_path: Path) -> None:
    """RLIMIT_FSIZE (``ulimit -f``) makes the third file fail as a full disk would, after two were written."""
    old = last_good(tmp_path)
    proc = subprocess.run([sys.executable, "-c", FULL_DISK, str(tmp_path)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(paths.PACKAGE_DIR.parent)})
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "while writing x.xlsx" in proc.stdout and "size limit" in proc.stdout
    unchanged(tmp_path, old)


def test_os_errors_become_sentences_naming_the_path() -> None:
    for code, words in ((errno.ENOSPC, "the disk is full"), (errno.EACCES, "permission denied"),
                        (errno.ENOTDIR, "part of the path is a file"), (errno.EROFS, "read-only")):
        text = os_error_message(OSError(code, os.strerror(code), "/some/where\x1b[31m"), "writing it")
        assert text.startswith("cannot use /some/where\\u001b[31m while writing it: ") and words in text


# ------------------------------------------------------------------ the environment, checked at start

def test_folders_the_environment_names_are_checked(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path / "afile")
    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path / "afile" / "build")
    monkeypatch.setenv("SCWRES_REPORTS_DIR", str(tmp_path / "afile"))
    found = paths.environment_problems()
    assert any(m.startswith("SCWRES_REPORTS_DIR is set to") and "not a folder" in m for m in found)
    assert any("BUILD" in m and "its parent" in m for m in found)
    monkeypatch.setattr(paths, "REPORTS_DIR", tmp_path / "reports")  # not there yet: a run makes it
    monkeypatch.setattr(paths, "BUILD_DIR", tmp_path / "build")
    assert paths.environment_problems() == []


@pytest.mark.parametrize("env", [{"SCWRES_ROOT": "/nonexistent/scwres"}, {"SCWRES_REPORTS_DIR": "__FILE__"},
                                 {"SCWRES_BUILD_DIR": "__FILE__/build"}])
def test_a_bad_folder_in_the_environment_is_one_line_and_exit_2(tmp_path: Path, env: dict[str, str]) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    env = {k: v.replace("__FILE__", str(tmp_path / "afile")) for k, v in env.items()}
    proc = subprocess.run([sys.executable, "-m", "scwres", "report", "--la", "bexley"], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env}, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"error: {next(iter(env))} is set to")


# ------------------------------------------------------------------ fingerprints

def test_fingerprints_read_in_chunks_and_never_block(tmp_path: Path, monkeypatch, no_hang) -> None:
    data = os.urandom(3 * memo.CHUNK + 17)
    (tmp_path / "a.csv").write_bytes(data)
    asked = []
    real = os.read
    monkeypatch.setattr(memo.os, "read", lambda fd, n: asked.append(n) or real(fd, n))
    import hashlib

    assert memo.file_sha256(tmp_path / "a.csv") == hashlib.sha256(data).hexdigest()
    assert asked and max(asked) <= memo.CHUNK
    os.mkfifo(tmp_path / "pipe.csv")
    assert memo.file_sha256(tmp_path / "pipe.csv") != memo.file_sha256(tmp_path / "a.csv")


def test_a_stray_file_too_large_for_a_return_is_counted_by_its_size(tmp_path: Path, monkeypatch) -> None:
    with open(tmp_path / "stray.bin", "wb") as handle:
        handle.truncate(memo.RETURN_FILE_LIMIT + 1)
    monkeypatch.setattr(memo.os, "read", lambda fd, n: pytest.fail("a file over the limit was read"))
    first = memo.files_digest([tmp_path])
    with open(tmp_path / "stray.bin", "r+b") as handle:
        handle.truncate(memo.RETURN_FILE_LIMIT + 2)
    assert memo.files_digest([tmp_path]) != first


# ------------------------------------------------------------------ control characters on their way into a page

def test_control_and_bidi_characters_never_reach_a_page() -> None:
    from markupsafe import Markup

    from scwres.render import pages

    template = pages.environment().from_string("{{ a }}|{{ b }}")
    html = template.render(a="Bexley\x1b[31m <b>\u202eevil", b=Markup("<p>ok\u2066z</p>"))
    assert html == "Bexley[31m &lt;b&gt;evil|<p>okz</p>"
    assert limits.printable("2024\x1b[31m") == "2024\\u001b[31m"


def test_without_the_finalize_the_characters_would_be_published() -> None:
    from jinja2 import Environment

    raw = Environment(autoescape=True).from_string("{{ a }}").render(a="x\x1b\u202e")
    assert "\x1b" in raw and "\u202e" in raw  # what pages.without_controls removes


# ------------------------------------------------------------------ an earlier period that fails its checks

def two_periods(tmp_path: Path, appointed_over_shortlisted: bool) -> tuple[dict, Path]:
    from fuzz.fuzz import EARLIER, base_tree
    from scwres.intake.params import load_params

    tree = base_tree("actions")
    if appointed_over_shortlisted:
        path = f"raw/{good.LA}/{EARLIER}/recruitment.csv"
        lines = tree.files[path].decode().splitlines()
        lines = [lines[0], *(",".join([*line.split(",")[:2], "3", "9"]) for line in lines[1:])]
        tree.files[path] = ("\n".join(lines) + "\n").encode()
    tree.write(tmp_path)
    return load_params(good.LA, tmp_path / "params"), tmp_path / "raw"


def test_an_earlier_return_that_fails_its_checks_gives_no_trend_and_says_why(tmp_path: Path) -> None:
    from scwres.disclosure.metrics_table import calculate
    from scwres.validate.validation import earlier_period_warnings, trend_refusal

    params, raw = two_periods(tmp_path / "bad", True)
    frame = calculate(good.LA, good.PERIOD, params, raw)
    rl = frame[frame["trend"] != ""]
    assert len(rl) and set(rl["trend"]) == {"not_assessed"}
    assert trend_refusal(good.LA, good.PERIOD, params, raw) == "the 2023 return has 6 errors"
    [warning] = earlier_period_warnings(good.LA, good.PERIOD, params, raw)
    assert warning.severity == "warning" and warning.message.startswith("No change since 2023 is assessed")

    params, raw = two_periods(tmp_path / "good", False)  # the same return, passing: trends are assessed
    frame = calculate(good.LA, good.PERIOD, params, raw)
    assert "no_significant_change" in set(frame["trend"]) and trend_refusal(good.LA, good.PERIOD, params, raw) is None


def test_an_earlier_period_with_no_return_at_all_is_no_previous_period_not_a_refusal(tmp_path: Path) -> None:
    """A period listed in params whose return was never handed in is not a failed return: no trend is refused
    with an error count, the trend is simply 'no previous period'."""
    import shutil

    from fuzz.fuzz import EARLIER
    from scwres.disclosure.metrics_table import calculate
    from scwres.validate.validation import trend_refusal

    params, raw = two_periods(tmp_path / "missing", False)
    shutil.rmtree(raw / good.LA / EARLIER)
    assert trend_refusal(good.LA, good.PERIOD, params, raw) is None
    frame = calculate(good.LA, good.PERIOD, params, raw)
    trends = set(frame[frame["trend"] != ""]["trend"])
    assert trends and "not_assessed" not in trends, trends
