"""The span tests of disclosure control: which hidden counts a reader can work out from the shown ones.

Why a module of its own: ``suppression`` decides *what* a report may show (the
threshold, the counts a report can show as sets of atoms, the plan and its
file); this module holds the linear algebra that answers, for one block of
counts, "is this hidden count in the span of the shown ones?". A block's
counts become rows over its unknowns (``block_rows``, in their own orthonormal
basis when the block is wide), the rounds of primary and secondary suppression
run on one SVD per round (``suppress_rounds``), a secondary ``[c]`` that
protects nothing is shown again (``hidden_needlessly_removed``), and the
hidden counts a roll-up adds up are kept as coordinates in the space the shown
counts leave unknown (``rollup_coordinates``), for ``publication.RollupPlan``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

Atoms = frozenset


def is_small(value: int, threshold: int) -> bool:
    """A count that must not be published: 1 to threshold-1 (0 is shown)."""
    return 0 < int(value) < threshold


def components(quantities: list[Atoms]) -> list[list[Atoms]]:
    """Quantities that share no atoms cannot reveal each other: solve each block on its own."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for q in quantities:
        first = next(iter(q))
        for atom in q:
            parent[find(atom)] = find(first)
    blocks: dict = {}
    for q in quantities:
        blocks.setdefault(find(next(iter(q))), []).append(q)
    return list(blocks.values())


@dataclass
class BlockRows:
    """One block's counts as rows, with a unit row for every unknown inside a zero count.

    ``counts[i]`` is count i; ``units[k]`` is the unit vector of the k-th unknown that some zero
    count adds up (in increasing column order), and ``inside[i]`` lists the units of zero count i.
    Either the plain 0/1 matrix and unit vectors, or all of them in one orthonormal basis of their
    common span (see ``_coordinates``): span tests and least-squares coefficients depend only on
    inner products, which that change of basis keeps.
    """

    counts: np.ndarray
    units: np.ndarray
    inside: dict[int, list[int]]


def _known(rows: BlockRows, shown: list[int], zero: set[int]) -> np.ndarray:
    """The rows a reader knows: the shown counts, plus every unknown inside a shown zero.

    Counts are never negative, so a published 0 tells the reader that every cell it adds up is 0 -
    something no linear combination of the shown counts says, but a reader using bounds sees at once.
    """
    parts = [rows.counts[shown]] if shown else [np.zeros((0, rows.counts.shape[1]))]
    units = sorted({k for i in shown if i in zero for k in rows.inside[i]})
    if units:
        parts.append(rows.units[units])
    return np.vstack(parts)


def row_basis(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(u, s, vt) of the row space of ``matrix`` with the null directions dropped (the span test's SVD)."""
    if matrix.shape[0] == 0:
        return np.zeros((0, 0)), np.zeros(0), np.zeros((0, matrix.shape[1]))
    try:
        u, s, vt = _svd(matrix)
    except np.linalg.LinAlgError:
        u, s, vt = _svd_by_qr(matrix)
    keep = s > 1e-9 * max(1.0, s[0]) if s.size else np.zeros(0, dtype=bool)
    return u[:, keep], s[keep], vt[keep]


def _svd(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """LAPACK's divide-and-conquer SVD (``gesdd``): fast, but it can fail to converge on valid input."""
    return np.linalg.svd(matrix, full_matrices=False)


def _svd_by_qr(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same (u, s, vt) when ``gesdd`` fails ("SVD did not converge", issue 27): a rank-revealing QR first.

    QR with column pivoting (Householder reflections, ``scipy.linalg.qr``) has no iteration that
    can fail to converge. It reduces the matrix to its small triangle R (rank x columns), whose SVD
    is then taken with the slower but more robust ``gesvd`` driver; if even that failed, R's rows,
    orthonormalised, are still a basis of the row space, which is all the span tests need (s = 1).
    """
    import scipy.linalg

    q, r, perm = scipy.linalg.qr(matrix, mode="economic", pivoting=True)
    diag = np.abs(np.diag(r))
    rank = int(np.sum(diag > 1e-9 * max(1.0, diag[0] if diag.size else 0.0)))
    q, r = q[:, :rank], r[:rank]
    rp = np.zeros_like(r)
    rp[:, perm] = r  # undo the column pivoting: matrix = q @ rp
    try:
        ur, s, vt = scipy.linalg.svd(rp, full_matrices=False, lapack_driver="gesvd")
    except (np.linalg.LinAlgError, ValueError):
        vt_t, tri = np.linalg.qr(rp.T)  # rp = tri^T vt: orthonormal rows spanning the same space
        ur, s, vt = tri.T, np.ones(rank), vt_t.T
        return q @ ur, s, vt
    return q @ ur, s, vt


def _block_columns(block: list[Atoms]) -> list[tuple[int, ...]]:
    """The unknowns of a block: atoms that always occur together are one unknown (keeps matrices small).

    Each unknown is given as the sorted indices of the counts that add it up.
    """
    signature: dict = {}
    for i, q in enumerate(block):
        for atom in q:
            signature.setdefault(atom, []).append(i)
    return sorted({tuple(v) for v in signature.values()})


ROW_CHUNK = 512  # unknowns made dense at a time in the tall-skinny QR (memory: chunk x rows x 8 bytes)
# Blocks with more unknowns than this (and than rows) work in their own basis (``block_rows``). Below it
# every SVD takes milliseconds; the shipped councils' largest block has about 200 unknowns, 25 pay bands
# about 1,000.
TRANSFORM_FROM = 1000


def block_rows(block: list[Atoms], zero: set[int], transform: bool | None = None) -> BlockRows:
    """The block's counts and the unit rows its zero counts imply, as ``BlockRows``.

    ``transform`` gives them in their own orthonormal basis rather than as 0/1 rows over the
    unknowns. By default that is done for a block with more than ``TRANSFORM_FROM`` unknowns
    and more unknowns than rows: with many pay bands the workforce block has far more
    unknowns than counts (100 bands: 660 counts over 4,000 unknowns), and every SVD then
    works on a matrix no wider than its number of rows. Smaller blocks - every ordinary
    council's - keep the 0/1 matrix, so their plans are unchanged to the last bit.
    """
    columns = _block_columns(block)
    n = len(block)
    zero_columns = sorted({j for j, members in enumerate(columns) if zero.intersection(members)})
    unit_of = {j: k for k, j in enumerate(zero_columns)}
    inside: dict[int, list[int]] = {i: [] for i in sorted(zero)}
    for j in zero_columns:
        for i in columns[j]:
            if i in inside:
                inside[i].append(unit_of[j])
    width = n + len(zero_columns)
    if transform is None:
        transform = len(columns) > max(width, TRANSFORM_FROM)
    if not transform:
        matrix_all = np.zeros((n, len(columns)))
        for j, members in enumerate(columns):
            matrix_all[list(members), j] = 1.0
        units = np.zeros((len(zero_columns), len(columns)))
        units[np.arange(len(zero_columns)), zero_columns] = 1.0
        return BlockRows(matrix_all, units, inside)
    coordinates = _coordinates(columns, n, unit_of, width)
    return BlockRows(coordinates[:n], coordinates[n:], inside)


def _coordinates(columns: list[tuple[int, ...]], n: int, unit_of: dict[int, int], width: int) -> np.ndarray:
    """The rows of S = [counts; units] in an orthonormal basis of their span: R^T, where S^T = QR.

    S = R^T Q^T with Q's columns orthonormal, so the rows of R^T have exactly the inner products
    of the rows of S. R comes from a tall-skinny QR of S^T, a chunk of unknowns at a time, so the
    dense 0/1 matrix never exists whole.
    """
    chunk_size = max(ROW_CHUNK, 2 * width)  # each step refactors the triangle so far: keep steps few
    r = np.zeros((0, width))
    for start in range(0, len(columns), chunk_size):
        part = range(start, min(start + chunk_size, len(columns)))
        chunk = np.zeros((len(part), width))
        for k, j in enumerate(part):
            chunk[k, list(columns[j])] = 1.0
            if j in unit_of:
                chunk[k, n + unit_of[j]] = 1.0
        r = np.linalg.qr(np.vstack([r, chunk]), mode="r")
    return np.ascontiguousarray(r.T)


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    """The process's BLAS libraries, found once: finding them reads every loaded library's path
    (about 30 ms), which done for each of a council's hundred blocks cost seconds."""
    return ThreadpoolController()


def one_blas_thread() -> Any:
    """A context in which the SVDs run on one BLAS thread: on a busy two-core machine OpenBLAS's
    threads made one large SVD many times slower than a single thread (145 s instead of 9 s)."""
    return _blas().limit(limits=1, user_api="blas")


def suppress_rounds(block: list[Atoms], value_of: dict[Atoms, int], label: dict[Atoms, str],
                     threshold: int, rows: BlockRows | None = None,
                     cost: dict[Atoms, float] | None = None, forced: set[Atoms] | None = None) -> set[Atoms]:
    """The rounds of primary and secondary suppression over one block (run under ``one_blas_thread``).

    ``cost``: each count's weight (``weights``); the cheapest count taking part in a recovery is hidden.
    ``forced``: counts hidden and protected like small ones although they are not small - those a
    national or regional page asked this council to hide (``least_loss``) so that a pooled figure can show.
    """
    cost = cost or {}
    forced = forced or set()
    zero = {i for i, q in enumerate(block) if value_of[q] == 0}
    if rows is None:
        rows = block_rows(block, zero)
    matrix_all = rows.counts
    sensitive = [i for i, q in enumerate(block) if is_small(value_of[q], threshold) or q in forced]
    hidden = set(sensitive)
    while sensitive:
        shown = [i for i in range(len(block)) if i not in hidden]
        if not shown:
            break
        # One SVD per round: its row-space basis tells which hidden counts are exposed, and its
        # pseudo-inverse gives, for each, a combination of shown counts that recovers it.
        known = _known(rows, shown, zero)
        u, s, vt = row_basis(known)
        targets = matrix_all[sensitive]
        residual = targets - (targets @ vt.T) @ vt
        exposed = [i for i, r in zip(sensitive, np.abs(residual).max(axis=1), strict=True) if r < 1e-7]
        if not exposed:
            break
        owner = shown + [None] * (known.shape[0] - len(shown))  # unit rows belong to the shown zeros
        zero_shown = [j for j in shown if j in zero]
        for i in exposed:
            coef = u @ ((vt @ matrix_all[i]) / s)
            used = {j for j, c in zip(owner, coef, strict=True) if abs(c) > 1e-7 and j is not None}
            if any(abs(c) > 1e-7 for j, c in zip(owner, coef, strict=True) if j is None):
                used |= set(zero_shown)
            used -= hidden
            if used:
                # Hide the cheapest count taking part (weight, then value); zeros last (a hidden 0 puzzles
                # readers, and the "a [c] is at least 1" bound then fails for it).
                hidden.add(min(used, key=lambda j: (value_of[block[j]] == 0, cost.get(block[j], 1.0),
                                                    value_of[block[j]], label[block[j]])))
    return hidden_needlessly_removed(rows, hidden, set(sensitive), block, zero)


def hidden_needlessly_removed(rows: BlockRows, hidden: set[int], sensitive: set[int],
                              block: list[Atoms], zero: set[int] | None = None) -> set[Atoms]:
    """Show again any secondary [c] that readers could work out anyway: it protects nothing.

    Showing a count that is already in the span of the shown ones does not change that span, so
    this never exposes a sensitive count; it only stops the report from hiding numbers for nothing.
    """
    shown = [i for i in range(len(block)) if i not in hidden]
    if shown:
        _, _, vt = row_basis(_known(rows, shown, zero or set()))
        for i in sorted(hidden - sensitive - (zero or set())):  # a shown 0 would reveal its cells
            target = rows.counts[i]
            if np.abs(target - (target @ vt.T) @ vt).max(initial=0.0) < 1e-7:
                hidden.discard(i)
    return {block[i] for i in hidden}


def rollup_coordinates(block: list[Atoms], hidden: set[Atoms], value_of: dict[Atoms, int], wanted: set[Atoms],
                       threshold: int, rows: BlockRows | None = None) -> tuple[np.ndarray, dict[Atoms, np.ndarray]]:
    """Where a block's hidden roll-up counts sit in the space its shown counts leave unknown.

    A roll-up publishes sums of the same count over councils. Subtracting every council whose count
    is shown, a reader learns a sum of hidden counts; what that tells about one council is exactly
    the part of its count outside the span of the council's shown counts (its residual). So each
    hidden roll-up count, and each primary count that such residuals could rebuild, is kept as
    coordinates in an orthonormal basis of those residuals; ``publication.RollupPlan`` then does
    the span test across councils with these small vectors instead of every council's whole report.
    """
    zero = {i for i, q in enumerate(block) if value_of[q] == 0}
    if rows is None:
        rows = block_rows(block, zero)
    matrix_all = rows.counts
    shown = [i for i, q in enumerate(block) if q not in hidden]
    _, _, vt = row_basis(_known(rows, shown, zero))

    def residual(i: int) -> np.ndarray:
        r = matrix_all[i]
        return r - (r @ vt.T) @ vt if vt.shape[0] else r

    reach = [i for i, q in enumerate(block) if q in hidden and q in wanted]
    if not reach:
        return np.zeros((0, matrix_all.shape[1])), {}
    _, _, basis = row_basis(np.array([residual(i) for i in reach]))
    coords = {block[i]: residual(i) @ basis.T for i in reach}
    for i, q in enumerate(block):
        if q in hidden and is_small(value_of[q], threshold) and q not in coords:
            r = residual(i)
            inside = r @ basis.T
            if np.abs(r - inside @ basis).max(initial=0.0) < 1e-7:  # a roll-up could rebuild it
                coords[q] = inside
    return basis, coords
