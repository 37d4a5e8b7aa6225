"""Generated councils for scale runs: seeded, clearly marked, kept out of data/raw."""

from __future__ import annotations

import pytest

from scwres import paths
from scwres.dev.illustrative import random_council
from scwres.dev.synthetic import write_synthetic
from scwres.disclosure.metrics_table import calculate
from scwres.intake.params import load_params


def test_random_council_is_seeded_and_varies_by_number_and_seed():
    assert random_council(7, seed=1) == random_council(7, seed=1)
    assert random_council(7, seed=1) != random_council(8, seed=1)
    assert random_council(7, seed=1) != random_council(7, seed=2)
    council = random_council(12, periods=("2024",))
    assert (council.slug, council.name) == ("synthetic-012", "Synthetic council 012")
    assert set(council.staff) == {"2024"}


def test_write_synthetic_writes_exactly_n_illustrative_councils_that_compute(tmp_path):
    write_synthetic(tmp_path, 5, ("2023", "2024"), seed=3)
    raw, params = write_synthetic(tmp_path, 3, ("2024",), seed=3)  # fewer after more: no stragglers
    assert sorted(p.name for p in raw.iterdir()) == ["synthetic-001", "synthetic-002", "synthetic-003"]
    assert sorted(p.stem for p in params.glob("*.yml")) == ["synthetic-001", "synthetic-002", "synthetic-003"]
    for i in range(1, 4):
        la = f"synthetic-{i:03d}"
        data = load_params(la, params)
        assert data["name"] == f"Synthetic council {i:03d}"
        assert list(data["periods"]) == ["2024"] and data["periods"]["2024"]["illustrative"] is True
        metrics = calculate(la, "2024", data, raw)
        assert set(metrics["metric"]) >= {"m1", "m2", "m9"}
    sizes = {int(load_params(f"synthetic-{i:03d}", params)["periods"]["2024"]["direct_employees"]) for i in (1, 2, 3)}
    assert len(sizes) == 3


def test_refuses_to_write_over_the_shipped_data():
    with pytest.raises(ValueError):
        write_synthetic(paths.ROOT / "data", 1)
    with pytest.raises(ValueError):
        write_synthetic(paths.ROOT, 1)


def test_make_data_says_what_it_wrote(tmp_path, capsys):
    """`make data` used to print nothing: now every file it wrote is named, folder by folder."""
    import argparse

    from scwres.dev import illustrative

    assert illustrative.command(argparse.Namespace(raw_dir=tmp_path / "raw", params_dir=tmp_path / "params")) == 0
    out = capsys.readouterr().out
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert out.startswith(f"Wrote {len(files)} files of illustrative data (generated, not any council's real data):")
    lines = out.splitlines()[1:]
    for path in files:
        assert any(line.startswith(f"  {path.parent}/:") and path.name in line.split(": ", 1)[1].split(", ")
                   for line in lines), path
