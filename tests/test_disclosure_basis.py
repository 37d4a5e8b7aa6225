"""Suppression in a block's own basis decides exactly what it decides on the 0/1 matrix, zeros included.

With many pay bands a block of counts has far more unknowns than counts, and
``span.block_rows`` then gives the counts - and the unit rows a shown 0
implies for every cell it adds up - as coordinates in one orthonormal basis of
their span. These tests run the plain and the transformed path side by side
on generated councils whose zeros fall inside the transformed block, and
compare what each hides, the roll-up coordinates each keeps, and what a
national and a regional page built on each hide.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scwres.dev.bench_scale import bench_params
from scwres.disclosure import publication, span
from scwres.disclosure import suppression as disclosure
from scwres.metrics.calculate import metric_rows

CODES = ("white_british", "white_irish", "black_african", "asian_indian", "mixed_other", "other_arab", "not_stated")
SERVICES = ("adults", "children")
THRESHOLD = 10


def generated_council(seed: int, bands: int) -> tuple[pd.DataFrame, dict, dict[str, pd.DataFrame]]:
    """A made-up council: small counts and many zeros; minority groups absent from every third pay band."""
    rng = np.random.default_rng(seed)
    params = bench_params(bands)

    def small() -> int:
        return int(rng.choice([0, 0, 0, 1, 2, 3, 6, 15, 30]))

    present = {(s, b, c): rng.random() < (0.2 if c in CODES[2:6] and b % 3 == 0 else 0.7)
               for s in SERVICES for b in range(bands) for c in CODES}
    workforce = [(s, f"band_{b:04d}", senior, regulated, c, small() if present[s, b, c] else 0)
                 for s in SERVICES for b in range(bands) for senior in ("yes", "no") for regulated in ("yes", "no")
                 for c in CODES]
    headcount = {(s, c): sum(row[5] for row in workforce if row[0] == s and row[4] == c)
                 for s in SERVICES for c in CODES}
    events = [(s, c, *(min(small(), headcount[s, c]) for _ in range(4))) for s in SERVICES for c in CODES]
    recruitment, survey = [], []
    for s in SERVICES:
        for c in CODES:
            shortlisted, respondents = small() + 10, small() + 30
            recruitment.append((s, c, shortlisted, min(small(), shortlisted)))
            survey.append((s, c, respondents, *(min(small(), respondents) for _ in range(3))))
    tables = {
        "workforce": pd.DataFrame(workforce, columns=["service", "pay_band", "senior_manager", "regulated",
                                                      "ethnicity", "headcount"]),
        "recruitment": pd.DataFrame(recruitment, columns=["service", "ethnicity", "shortlisted", "appointed"]),
        "events": pd.DataFrame(events, columns=["service", "ethnicity", "disciplinary", "ftp", "cpd", "leavers"]),
        "survey": pd.DataFrame(survey, columns=["service", "ethnicity", "respondents", "hba_public",
                                                "hba_colleagues", "hba_managers"]),
        "population": pd.DataFrame([(c, 1000) for c in CODES], columns=["ethnicity", "population"]),
    }
    frame = pd.DataFrame(metric_rows(tables, params)).drop(columns="_rl")
    return frame, params, tables


def blocks_of(seed: int, bands: int) -> tuple[list[list[frozenset]], dict, dict, set]:
    """A generated council's independent blocks, as ``disclosure.plan`` forms them."""
    frame, params, tables = generated_council(seed, bands)
    entries = disclosure.catalogue(frame, disclosure.structure_from_params(params),
                                   disclosure.extra_counts(tables, params))
    value_of, label = {}, {}
    for key, (atoms, value) in sorted(entries.items()):
        value_of.setdefault(atoms, value)
        label.setdefault(atoms, key)
    wanted = {entries[k][0] for k in disclosure.rollup_keys() if k in entries}
    return span.components(sorted(value_of, key=lambda q: label[q])), value_of, label, wanted


def zero_blind(rows: span.BlockRows) -> span.BlockRows:
    """The same rows with the knowledge a shown 0 gives taken away (to show that the tests can fail)."""
    return span.BlockRows(rows.counts, rows.units[:0], {i: [] for i in rows.inside})


def gram(matrix: np.ndarray) -> np.ndarray:
    return matrix @ matrix.T


def test_a_shown_zero_protects_in_either_basis():
    """A published 0 over cells a and b says a = 0, so a + c (small) follows from c: c must be hidden too."""
    z, t, c = frozenset({"a", "b"}), frozenset({"a", "c"}), frozenset({"c"})
    block = [z, t, c]
    value_of, label = {z: 0, t: 5, c: 50}, {z: "zero", t: "small", c: "large"}
    for transform in (False, True):
        rows = span.block_rows(block, {0}, transform=transform)
        assert span.suppress_rounds(block, value_of, label, THRESHOLD, rows) == {t, c}, transform
        # without what the 0 tells, "large" would stay shown and give "small" away (small = large + a)
        assert span.suppress_rounds(block, value_of, label, THRESHOLD, zero_blind(rows)) == {t}, transform


def same_decisions(block: list[frozenset], value_of: dict, label: dict, wanted: set) -> bool:
    """Assert that both paths decide the same for ``block``; true if it is a block the transform is for
    (more unknowns than rows) and its shown zeros change what is hidden."""
    zero = {i for i, q in enumerate(block) if value_of[q] == 0}
    plain = span.block_rows(block, zero, transform=False)
    moved = span.block_rows(block, zero, transform=True)
    # the change of basis keeps every inner product, between counts, unit rows and the two
    assert np.allclose(gram(np.vstack([plain.counts, plain.units])), gram(np.vstack([moved.counts, moved.units])),
                       atol=1e-9)
    hidden = span.suppress_rounds(block, value_of, label, THRESHOLD, plain)
    assert span.suppress_rounds(block, value_of, label, THRESHOLD, moved) == hidden
    dims, coords = [], []
    for rows in (plain, moved):
        basis, by_count = span.rollup_coordinates(block, hidden, value_of, wanted, THRESHOLD, rows)
        dims.append(basis.shape[0])
        coords.append((sorted(by_count, key=lambda q: label[q]), by_count))
    assert dims[0] == dims[1] and coords[0][0] == coords[1][0]
    if coords[0][0]:  # the same coordinates up to a rotation of the roll-up space
        a, b = (np.array([by_count[q] for q in keys]) for keys, by_count in coords)
        assert np.allclose(gram(a), gram(b), atol=1e-9)
    blind = span.suppress_rounds(block, value_of, label, THRESHOLD, zero_blind(plain))
    return plain.counts.shape[1] > plain.counts.shape[0] + plain.units.shape[0] and blind != hidden


@pytest.mark.parametrize("seed", [1, 6])
def test_blocks_decide_the_same_in_either_basis_where_shown_zeros_matter(seed):
    blocks, value_of, label, wanted = blocks_of(seed, bands=6)
    with span.one_blas_thread():  # as disclosure.plan runs them (many threads: slow on a busy machine)
        covered = [same_decisions(block, value_of, label, wanted) for block in blocks]
    # the comparison covered a block the transform is for, whose shown zeros change what is hidden
    assert any(covered)


def span_only(monkeypatch) -> None:
    """Plans without the council's protection audit (``audited=False``): these tests compare what the span
    tests decide on two paths; the audit, which runs after them on what they hid, is tested on its own in
    test_protection.py, and with it these plans took minutes each."""
    full = disclosure.plan
    monkeypatch.setattr(disclosure, "plan", lambda *a, **k: full(*a, **{**k, "audited": False}))


def test_plans_and_roll_ups_are_the_same_in_either_basis(monkeypatch):
    """Whole plans, and a national page and a regional page over four councils, on each path."""
    span_only(monkeypatch)
    councils = {str(seed): generated_council(seed, bands=6) for seed in range(1, 5)}
    moved_blocks = []
    coordinates = span._coordinates
    monkeypatch.setattr(span, "_coordinates", lambda *a: moved_blocks.append(a[1]) or coordinates(*a))
    plans = {}
    for path, start in (("plain", 10**9), ("moved", 0)):
        monkeypatch.setattr(span, "TRANSFORM_FROM", start)
        plans[path] = {la: disclosure.report_plan(*council) for la, council in councils.items()}
    assert len(moved_blocks) == len(councils)  # each council's workforce block took the transformed path
    for la in councils:
        plain, moved = plans["plain"][la], plans["moved"][la]
        assert moved.hidden_keys == plain.hidden_keys and moved.primary_keys == plain.primary_keys
        assert moved.rollup_dim == plain.rollup_dim and sorted(moved.rollup_coords) == sorted(plain.rollup_coords)
        keys = sorted(plain.rollup_coords)
        assert np.allclose(gram(np.array([plain.rollup_coords[k] for k in keys])),
                           gram(np.array([moved.rollup_coords[k] for k in keys])), atol=1e-9)
    rollups = {"": sorted(councils), "region": ["1", "2", "3"]}
    decided = {path: publication.rollup_plan(rollups, plans[path], THRESHOLD).hidden_rows for path in plans}
    assert decided["moved"] == decided["plain"]
    # the roll-up's later checks - the span test that reads the coordinates, and the roll-up audit, which
    # now hides the same rows on its own - hide rows here, so what they decide was compared
    monkeypatch.setattr(publication.RollupPlan, "_secondary", lambda self, rows: None)
    monkeypatch.setattr(publication.RollupPlan, "_audit", lambda self, rows: None)
    assert publication.rollup_plan(rollups, plans["moved"], THRESHOLD).hidden_rows != decided["moved"]


def test_ordinary_councils_keep_the_plain_path(monkeypatch):
    """Below TRANSFORM_FROM unknowns nothing changes basis, so such councils' plans are unchanged."""
    monkeypatch.setattr(span, "_coordinates", lambda *a: pytest.fail("changed basis"))
    blocks, value_of, _, _ = blocks_of(1, bands=20)  # 20 pay bands: 802 unknowns in the workforce block
    widest = max(len(span._block_columns(block)) for block in blocks)
    assert 700 < widest <= span.TRANSFORM_FROM
    for block in blocks:
        span.block_rows(block, {i for i, q in enumerate(block) if value_of[q] == 0})


def test_suppression_survives_an_svd_that_does_not_converge(monkeypatch):
    """Issue 27: ``LinAlgError: SVD did not converge`` in ``_basis`` left a valid council without a report.

    LAPACK's divide-and-conquer SVD can fail on valid input; the span tests then fall back to a pivoted QR
    (``span._svd_by_qr``), which has no iteration to fail. Forced to fail on every call here, the plans
    must come out exactly as with the SVD; and without the fallback the failure must surface.
    """
    span_only(monkeypatch)
    councils = {str(seed): generated_council(seed, bands=4) for seed in (1, 2)}
    expected = {la: disclosure.report_plan(*council) for la, council in councils.items()}
    calls = []

    def broken(matrix):
        calls.append(matrix.shape)
        raise np.linalg.LinAlgError("SVD did not converge")

    monkeypatch.setattr(span, "_svd", broken)
    for la, council in councils.items():
        got = disclosure.report_plan(*council)
        assert got.hidden_keys == expected[la].hidden_keys and got.primary_keys == expected[la].primary_keys
        assert sorted(got.rollup_coords) == sorted(expected[la].rollup_coords)
    assert calls, "the forced failure was never reached"
    monkeypatch.setattr(span, "_svd_by_qr", broken)  # no fallback: the failure is not hidden
    with pytest.raises(np.linalg.LinAlgError):
        disclosure.report_plan(*councils["1"])


def test_the_fallback_basis_spans_the_same_rows():
    """The QR fallback's (u, s, vt) rebuild the matrix and give the same row space and rank as the SVD."""
    rng = np.random.default_rng(3)
    matrix = (rng.random((40, 25)) < 0.2).astype(float)
    matrix[10] = matrix[3] + matrix[4]  # rank-deficient, as count matrices are
    u, s, vt = span._svd_by_qr(matrix)
    assert np.allclose(u @ np.diag(s) @ vt, matrix, atol=1e-9)
    _, s_ref, vt_ref = np.linalg.svd(matrix, full_matrices=False)
    rank = int(np.sum(s_ref > 1e-9 * s_ref[0]))
    assert vt.shape[0] == rank
    assert np.allclose(vt.T @ vt, vt_ref[:rank].T @ vt_ref[:rank], atol=1e-8)
