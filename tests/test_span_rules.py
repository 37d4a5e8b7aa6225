"""span.py on catalogues of a few counts, worked out on paper.

Atoms here are single letters: a count is the set of letters it adds up. A hidden count can be worked out
exactly when its set's 0/1 vector is a sum and difference of the shown ones' vectors (docs/methods.md,
"Disclosure control"); each expected answer below is argued that way in the test, not read off the code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from scwres.disclosure import span

A, B, C = frozenset("a"), frozenset("b"), frozenset("c")


def q(letters: str) -> frozenset:
    return frozenset(letters)


def rounds(counts: dict[str, int], threshold: int = 10, cost: dict[str, float] | None = None,
           forced: tuple[str, ...] = ()) -> set[str]:
    """The letters-sets ``suppress_rounds`` hides, for counts given as {letters: value}."""
    block = [q(k) for k in counts]
    value_of = {q(k): v for k, v in counts.items()}
    label = {q(k): k for k in counts}
    hidden = span.suppress_rounds(block, value_of, label, threshold, None,
                                  {q(k): w for k, w in (cost or {}).items()}, {q(k) for k in forced})
    return {"".join(sorted(h)) for h in hidden}


def test_small_is_one_to_threshold_minus_one():
    assert [span.is_small(v, 10) for v in (0, 1, 9, 10, 11)] == [False, True, True, False, False]
    assert span.is_small(19, 20) and not span.is_small(20, 20)


def test_components_join_counts_that_share_an_atom_even_through_a_third():
    quantities = [q("ab"), q("c"), q("bd"), q("e"), q("ce")]
    blocks = sorted(sorted("".join(sorted(x)) for x in b) for b in span.components(quantities))
    assert blocks == [["ab", "bd"], ["c", "ce", "e"]]
    assert span.components([q("a"), q("b")]) == [[q("a")], [q("b")]]
    assert span.components([q("ab"), q("c"), q("bd")]) == [[q("ab"), q("bd")], [q("c")]]  # in the order given


def test_atoms_always_counted_together_are_one_unknown():
    # a and b only ever appear together (in counts 0 and 1); c only in count 1
    assert span._block_columns([q("ab"), q("abc")]) == [(0, 1), (1,)]
    assert span._block_columns([q("a"), q("b"), q("ab")]) == [(0, 2), (1, 2)]


def test_block_rows_and_the_unknowns_inside_a_shown_zero():
    block = [q("a"), q("b"), q("ab"), q("bc")]  # unknowns: a (0, 2), b (1, 2, 3), c (3,)
    rows = span.block_rows(block, zero={1})
    assert rows.counts.tolist() == [[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 1, 1]]
    assert rows.units.tolist() == [[0, 1, 0]] and rows.inside == {1: [0]}
    both = span.block_rows(block, zero={1, 3})  # count 3 (b + c) is 0: b and c are each 0
    assert both.units.tolist() == [[0, 1, 0], [0, 0, 1]] and both.inside == {1: [0], 3: [0, 1]}
    known = span._known(both, [0, 3], {1, 3})
    assert known.tolist() == [[1, 0, 0], [0, 1, 1], [0, 1, 0], [0, 0, 1]]
    assert span._known(both, [0], {1, 3}).tolist() == [[1, 0, 0]]
    assert span._known(both, [], set()).shape == (0, 3)


def test_the_own_basis_keeps_every_inner_product():
    block = [q("a"), q("b"), q("ab"), q("bc"), q("abc")]
    plain, turned = span.block_rows(block, {1}), span.block_rows(block, {1}, transform=True)
    both = np.vstack([plain.counts, plain.units])
    other = np.vstack([turned.counts, turned.units])
    assert np.allclose(both @ both.T, other @ other.T)
    assert turned.counts.shape[1] <= plain.counts.shape[0] + plain.units.shape[0]


def test_row_basis_drops_the_null_directions():
    u, s, vt = span.row_basis(np.array([[1.0, 0, 0], [0, 1, 0], [1, 1, 0]]))
    assert vt.shape == (2, 3) and s.shape == (2,) and u.shape == (3, 2)
    assert np.allclose(vt @ vt.T, np.eye(2))
    assert np.allclose((u * s) @ vt, [[1, 0, 0], [0, 1, 0], [1, 1, 0]])
    u0, s0, vt0 = span.row_basis(np.zeros((0, 4)))
    assert vt0.shape == (0, 4) and s0.size == 0
    assert span.row_basis(np.zeros((2, 3)))[2].shape == (0, 3)  # rows of zeros span nothing


def test_the_qr_fallback_gives_the_same_row_space():
    m = np.array([[1.0, 0, 1, 0], [0, 1, 1, 0], [1, 1, 2, 0], [0, 0, 0, 1]])
    u, s, vt = span._svd_by_qr(m)
    assert vt.shape[0] == 3 and np.allclose((u * s) @ vt, m)
    assert np.allclose(vt @ vt.T, np.eye(3))


def test_a_small_count_is_hidden_with_its_cheapest_partner():
    """adults 3, children 50, all 53: adults = all - children, so one of those two is hidden too - the
    smaller, children (50); when all staff is cheaper to lose (weights), all staff."""
    assert rounds({"a": 3, "b": 50, "ab": 53}) == {"a", "b"}
    assert rounds({"a": 3, "b": 50, "ab": 53}, cost={"b": 4.0, "ab": 1.0}) == {"a", "ab"}


def test_a_shown_zero_gives_away_its_cells():
    """b is 0 and shown, so all staff (a + b) equals a's 3: all staff is hidden, never the zero."""
    assert rounds({"a": 3, "b": 0, "ab": 3}) == {"a", "ab"}


def test_protection_goes_as_many_rounds_as_it_takes():
    """a = 3 (small). Shown: ab 20, b 17, bc 30, c 13. a = ab - b: hide b (17 < 20). Then b = bc - c,
    so a = ab - bc + c: hide c (13, the smallest of ab, bc, c). Then ab and bc do not give a."""
    assert rounds({"a": 3, "ab": 20, "b": 17, "bc": 30, "c": 13}) == {"a", "b", "c"}


def test_a_count_asked_for_is_hidden_and_protected_like_a_small_one():
    assert rounds({"a": 30, "b": 50, "ab": 80}) == set()
    assert rounds({"a": 30, "b": 50, "ab": 80}, forced=("a",)) == {"a", "b"}


def test_nothing_shown_nothing_to_do():
    assert rounds({"a": 3}) == {"a"}
    assert rounds({"a": 3, "b": 4, "ab": 7}) == {"a", "b", "ab"}


def test_the_threshold_is_the_councils():
    assert rounds({"a": 12, "b": 50, "ab": 62}) == set()
    assert rounds({"a": 12, "b": 50, "ab": 62}, threshold=20) == {"a", "b"}


def test_a_hidden_count_the_reader_can_work_out_anyway_is_shown_again():
    """a = 3 is protected by ab; c (10) was hidden too, but c = bc - b from shown counts: shown again.
    A hidden zero stays hidden (showing it would give away its cells)."""
    block = [q("a"), q("b"), q("ab"), q("bc"), q("c")]
    rows = span.block_rows(block, set())
    kept = span.hidden_needlessly_removed(rows, {0, 2, 4}, {0}, block)
    assert kept == {q("a"), q("ab")}
    zero_rows = span.block_rows(block, {4})
    assert span.hidden_needlessly_removed(zero_rows, {0, 2, 4}, {0}, block, {4}) == {q("a"), q("ab"), q("c")}
    assert span.hidden_needlessly_removed(rows, {0, 1, 2, 3, 4}, {0}, block) == set(block)  # nothing shown


def test_rollup_coordinates_of_two_hidden_counts_tied_by_a_shown_total():
    """a (3) and b (50) hidden, ab (53) shown. A reader of the council knows a + b; what a roll-up could
    tell is a - b, so both live on one axis, at plus and minus 1/sqrt(2)."""
    block = [q("a"), q("b"), q("ab")]
    value_of = {q("a"): 3, q("b"): 50, q("ab"): 53}
    basis, coords = span.rollup_coordinates(block, {q("a"), q("b")}, value_of, {q("a"), q("b")}, 10)
    assert basis.shape == (1, 2)
    assert coords[q("a")] == pytest.approx(-coords[q("b")]) and abs(coords[q("a")][0]) == pytest.approx(
        1 / math.sqrt(2))
    # only b is a roll-up count; a (small) sits on b's axis, so a roll-up of b could rebuild it
    basis, coords = span.rollup_coordinates(block, {q("a"), q("b")}, value_of, {q("b")}, 10)
    assert set(coords) == {q("a"), q("b")} and coords[q("a")] == pytest.approx(-coords[q("b")])
    # nothing a roll-up adds up is hidden: no coordinates
    basis, coords = span.rollup_coordinates(block, {q("a"), q("b")}, value_of, {q("ab")}, 10)
    assert basis.shape == (0, 2) and coords == {}


def test_rollup_coordinates_leave_out_a_small_count_no_roll_up_can_rebuild():
    """a (3) and c (40) hidden, b (50) shown, nothing ties them: a roll-up of c tells nothing of a."""
    block = [q("a"), q("ab"), q("bc"), q("b")]
    value_of = {q("a"): 3, q("ab"): 53, q("bc"): 90, q("b"): 50}
    basis, coords = span.rollup_coordinates(block, {q("a"), q("ab"), q("bc")}, value_of, {q("bc")}, 10)
    # shown: b only. bc's residual is c; a's residual is a: not on c's axis
    assert basis.shape[0] == 1 and set(coords) == {q("bc")}


def test_rollup_coordinates_with_nothing_shown_are_the_counts_themselves():
    block = [q("a"), q("b")]
    value_of = {q("a"): 3, q("b"): 4}
    basis, coords = span.rollup_coordinates(block, set(block), value_of, set(block), 10)
    assert basis.shape == (2, 2)
    assert np.allclose(np.vstack([coords[q("a")], coords[q("b")]]) @ basis, np.eye(2))


def test_the_last_fallback_basis_still_spans_the_rows(monkeypatch):
    """If even the QR route's SVD (gesvd) failed, the triangle's rows, orthonormalised, are the basis:
    the same row space and rank, with singular values of 1."""
    import scipy.linalg

    def failing(*args, **kwargs):
        raise np.linalg.LinAlgError("SVD did not converge")

    monkeypatch.setattr(scipy.linalg, "svd", failing)
    m = np.array([[1.0, 0, 1, 0], [0, 1, 1, 0], [1, 1, 2, 0], [0, 0, 0, 1]])
    u, s, vt = span._svd_by_qr(m)
    assert vt.shape == (3, 4) and s.tolist() == [1.0, 1.0, 1.0]
    assert np.allclose(vt @ vt.T, np.eye(3))
    assert np.allclose((u * s) @ vt, m)  # u s vt still rebuilds the matrix


def test_the_own_basis_of_a_block_wider_than_one_chunk_keeps_every_inner_product():
    """700 atoms over 10 counts, each atom in a different set of counts: 700 unknowns, more than one
    chunk (512) of the tall-skinny QR. The rows in their own basis keep every inner product."""
    block = [frozenset(i for i in range(700) if ((i % 1023) + 1) >> k & 1) for k in range(10)]
    plain, turned = span.block_rows(block, set(), transform=False), span.block_rows(block, set(), transform=True)
    assert plain.counts.shape[1] == 700
    assert np.allclose(plain.counts @ plain.counts.T, turned.counts @ turned.counts.T)


def test_rollup_coordinates_are_kept_only_for_roll_up_counts_and_small_ones():
    """b (50) shown; b + c (90, a roll-up count) and c (40) hidden. c lies on b + c's axis (c = (b + c) - b),
    but it is neither a roll-up count nor small: no coordinates for it."""
    block = [q("b"), q("bc"), q("c")]
    value_of = {q("b"): 50, q("bc"): 90, q("c"): 40}
    basis, coords = span.rollup_coordinates(block, {q("bc"), q("c")}, value_of, {q("bc")}, 10)
    assert basis.shape[0] == 1 and set(coords) == {q("bc")}
    value_of[q("c")] = 4  # small now: a roll-up of b + c could rebuild it, so it gets coordinates
    assert set(span.rollup_coordinates(block, {q("bc"), q("c")}, value_of, {q("bc")}, 10)[1]) == {q("bc"), q("c")}


def test_a_count_without_a_weight_weighs_one():
    """adults 3 is protected by children (no weight given: 1) or all staff (weight 1.5): children goes."""
    assert rounds({"a": 3, "b": 50, "ab": 53}, cost={"ab": 1.5}) == {"a", "b"}
    assert rounds({"a": 3, "b": 50, "ab": 53}, cost={"ab": 0.5}) == {"a", "ab"}


def test_rollup_coordinates_know_that_a_shown_zero_is_zero_in_each_cell():
    """x = a + c (30) hidden, a roll-up count; z = c + d shown as 0, so c = d = 0. What a roll-up could tell
    of x is then a alone: one unit along its axis (without the zero's cells it would be a + (c - d) / 2)."""
    block = [q("ac"), q("cd"), q("a")]
    value_of = {q("ac"): 30, q("cd"): 0, q("a"): 30}
    basis, coords = span.rollup_coordinates(block, {q("ac"), q("a")}, value_of, {q("ac")}, 10)
    assert basis.shape[0] == 1 and abs(coords[q("ac")][0]) == pytest.approx(1.0)
