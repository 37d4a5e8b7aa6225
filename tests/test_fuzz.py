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
    assert outcome == case["expect"], f"{folder.name}: {outcome}, expected {case['expect']} ({case.get('found')})"
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


def test_a_case_blocked_without_working_is_stopped_by_the_clock() -> None:
    """A case that sleeps uses no CPU: the clock limit (the CPU limit times the slack) stops it."""
    from fuzz.fuzz import Pool, sleeping_worker

    pool = Pool(1, timeout=0.2, memory_mb=4096, worker=sleeping_worker, wall_slack=5)
    [(key, outcome, detail, seconds)] = list(pool.run([("sleep", lambda: base_tree("params"))]))
    assert (key, outcome, detail) == ("sleep", "timed out", "over 1 s on the clock")
    assert seconds >= 1
