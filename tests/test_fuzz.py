"""The fuzzer in the test suite: every saved reproducer replays cleanly, and a short seeded campaign finds nothing.

The long campaign is ``make fuzz N=10000`` (tests/fuzz/fuzz.py); this runs a
couple of hundred cases (few of them returns, which run great-expectations at
about a second each) so a new crash in a parser shows up in ``make test``.
"""

from __future__ import annotations

import signal
import tempfile
from pathlib import Path

import pytest

from fuzz.fuzz import CORPUS, LAST_MESSAGES, Tree, base_tree, campaign, run_case

CASES = sorted(p for p in CORPUS.iterdir() if (p / "case.json").exists()) if CORPUS.is_dir() else []


class _Hang(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001 - the signal handler's signature
    raise _Hang()


@pytest.mark.parametrize("folder", CASES, ids=[p.name for p in CASES])
def test_corpus_case_is_refused_or_accepted_as_recorded(folder: Path) -> None:
    tree, case = Tree.load(folder)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(120)  # a hang fails the test instead of stalling the suite
    try:
        with tempfile.TemporaryDirectory(prefix="scwres-corpus-") as tmp:
            tree.write(Path(tmp))
            outcome = run_case(Path(tmp), tree.kind)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    # "verified" is accepted and agreeing with the independent count: it meets an older case's "accepted"
    accepted = outcome == "verified" and case["expect"] == "accepted"
    assert accepted or outcome == case["expect"], f"{folder.name}: {outcome}, expected {case['expect']} " \
                                                  f"({case.get('found')})"
    if case.get("words"):  # the problem the case is about is the one reported, not some other refusal
        assert any(case["words"] in m for m in LAST_MESSAGES), LAST_MESSAGES[:5]


def test_corpus_is_not_empty() -> None:
    assert len(CASES) >= 20


def test_a_short_seeded_campaign_finds_no_crash_and_no_hang(tmp_path: Path) -> None:
    result = campaign(150, seed=20261201, jobs=1, timeout=120, memory_mb=4096, quick=True, save_to=tmp_path)
    assert sum(sum(c.values()) for c in result.counts.values()) == 150
    assert result.failures == 0, "\n".join(f"{o} {c.cls} #{c.index}: {d}" for c, o, d in result.crashes)


def test_the_replay_catches_a_crash_when_a_guard_is_off(monkeypatch) -> None:
    """Switch one guard off (the YAML depth limit) and the same case crashes, so the harness can fail."""
    from fuzz.fuzz import PARAMS, base_tree, crash_summary

    tree = base_tree("params")
    tree.files[PARAMS] += b"deep: " + b"[" * 5000 + b"]" * 5000 + b"\n"
    with tempfile.TemporaryDirectory() as tmp:
        tree.write(Path(tmp))
        assert run_case(Path(tmp), "params") == "refused"
        monkeypatch.setattr("scwres.safe_yaml.MAX_DEPTH", 10 ** 9)
        with pytest.raises(RecursionError) as caught:
            run_case(Path(tmp), "params")
    assert crash_summary(caught.value).startswith("RecursionError")


def test_a_case_over_its_cpu_limit_is_stopped_as_a_time_out() -> None:
    """The limit is the worker's CPU time (a loaded machine does not make a slow case a hang, a loop still is).

    The case spins for ever, so it cannot end within any limit whatever the worker imported before; the
    clock limit is set out of reach so that only the CPU limit can stop it, however loaded the machine.
    """
    from fuzz.fuzz import Pool, cpu_seconds, spinning_worker

    assert cpu_seconds(__import__("os").getpid()) > 0
    pool = Pool(1, timeout=0.5, memory_mb=4096, worker=spinning_worker, wall_slack=10 ** 6)
    [(key, outcome, detail, seconds)] = list(pool.run([("spin", lambda: base_tree("params"))]))
    assert (key, outcome, detail) == ("spin", "timed out", "over 0.5 s of CPU")
    assert seconds >= 0.5  # CPU time cannot run ahead of the clock in one thread

def test_the_independent_count_catches_figures_that_disagree_with_the_file(monkeypatch) -> None:
    """An accepted return is verified against a count made anew; a wrong count is caught as silently wrong."""
    from fuzz.fuzz import SilentlyWrong, records_tree

    tree = records_tree()
    with tempfile.TemporaryDirectory() as tmp:
        tree.write(Path(tmp))
        assert run_case(Path(tmp), "return") == "verified"
        real = __import__("scwres.intake.records", fromlist=["count_records"]).count_records

        def off_by_one(records):  # a counting slip: one applicant fewer in every group
            out = real(records)
            out["recruitment"]["shortlisted"] = out["recruitment"]["shortlisted"] + 1
            return out

        monkeypatch.setattr("scwres.intake.load.count_records", off_by_one, raising=False)
        monkeypatch.setattr("scwres.intake.records.count_records", off_by_one)
        from scwres import memo

        memo._CACHE.clear()
        with pytest.raises(SilentlyWrong, match="m2 all services"):
            run_case(Path(tmp), "return")
    memo._CACHE.clear()


def test_the_faults_class_catches_a_mixed_set_when_publishing_is_not_all_or_nothing(monkeypatch) -> None:
    """Switch the all-or-nothing publish for a file-by-file one and a folder in the way leaves a mixed set."""
    from fuzz.fuzz import SilentlyWrong, faults_tree
    from scwres.render import export

    tree = faults_tree()
    tree.remove("reports/sc-wres-tiny-2024.csv")
    tree.dirs.add("reports/sc-wres-tiny-2024.csv")
    with tempfile.TemporaryDirectory() as tmp:
        tree.write(Path(tmp))
        assert run_case(Path(tmp), "faults") == "refused"

        def one_by_one(files):
            for path, data in files.items():
                try:
                    path.write_bytes(data.encode() if isinstance(data, str) else data)
                except OSError as exc:
                    raise export.PublishFailed(str(exc)) from None

        monkeypatch.setattr(export, "write_atomic_many", one_by_one)
        with pytest.raises(SilentlyWrong, match="a failed publish changed"):
            run_case(Path(tmp), "faults")


def test_commentary_with_controls_would_reach_the_page_without_the_finalize(monkeypatch) -> None:
    from fuzz.fuzz import NOTES, SilentlyWrong, commentary_tree
    from scwres.render import pages

    tree = commentary_tree()
    tree.files[NOTES] = "## m2\nPanels \u202eevil \x1b[31mred\n".encode()
    with tempfile.TemporaryDirectory() as tmp:
        tree.write(Path(tmp))
        assert run_case(Path(tmp), "commentary") == "accepted"
        monkeypatch.setattr(pages, "without_controls", lambda value: value)
        pages.environment.cache_clear()
        try:
            monkeypatch.setattr(pages.environment(), "finalize", None)
            with pytest.raises(SilentlyWrong, match="reached the page"):
                run_case(Path(tmp), "commentary")
        finally:
            pages.environment.cache_clear()


def test_a_case_blocked_without_working_is_stopped_by_the_clock() -> None:
    """A case that sleeps uses no CPU: the clock limit (the CPU limit times the slack) stops it."""
    from fuzz.fuzz import Pool, sleeping_worker

    pool = Pool(1, timeout=0.2, memory_mb=4096, worker=sleeping_worker, wall_slack=5)
    [(key, outcome, detail, seconds)] = list(pool.run([("sleep", lambda: base_tree("params"))]))
    assert (key, outcome, detail) == ("sleep", "timed out", "over 1 s on the clock")
    assert seconds >= 1
