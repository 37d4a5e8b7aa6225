"""Disclosure control: which published counts a public report must show as ``[c]``.

Why linear algebra rather than a list of table families: the report shows the
same underlying numbers in many places (a headcount is the base of m1, m3, m5,
m9 and part of the total headcount; unknown ethnicity is the total minus the
two groups; sub-groups add up to the minority ethnic figure; adults plus
children make all). A hand-written list of "these add up" families always
misses one. Instead every count the report can show is described as the set of
underlying cells ("atoms": source column x service x ethnic group, and for the
workforce also pay band, senior and regulated flags) it sums. A hidden count is
recoverable exactly when its atom vector lies in the linear span of the shown
counts' vectors, whatever combination of additions and subtractions a reader
tries. So:

1. primary: hide every count from 1 to threshold-1 (zero is shown);
2. secondary: while some primary count is recoverable from the shown counts,
   hide the smallest non-zero shown count that takes part in a recovery;
3. a secondary [c] that could be worked out from the shown counts anyway is
   shown again (it protects nothing);
4. a metric row (rate, value, interval, assessment, trend) is shown only when
   all four of its counts are shown, because any of them with the rest of the
   row gives back a hidden count.

Identical atom vectors are one quantity with one status, so a number is never
hidden in one table and shown in another. Population figures are public census
data and are not controlled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from ..catalogue import METRICS, RL_METRICS, Count, adds_leavers, suppression_threshold

COUNT_COLUMNS = ("events_me", "base_me", "events_white", "base_white")
SUBGROUPS_ALL = ("asian", "black", "mixed", "other", "white_minorities")
SERVICE_SETS = {"adults": ("adults",), "children": ("children",), "all": ("adults", "children")}

# Counts shown outside the metrics table: per source, unknown ethnicity and the total of all groups.
EXTRA_SOURCES = ("workforce.headcount", "recruitment.shortlisted", "survey.respondents")
# A catalogue count's workforce filter (column of the return) -> the flag ``Structure.atoms`` takes.
WHERE_FLAGS = {"senior_manager": "senior", "regulated": "regulated"}

Atoms = frozenset


def is_small(value: int, threshold: int) -> bool:
    """A count that must not be published: 1 to threshold-1 (0 is shown)."""
    return 0 < int(value) < threshold


@dataclass
class Structure:
    """What the atoms are for one council: its pay bands, sub-groups and leaver base."""

    bands: tuple[str, ...]
    subgroups: tuple[str, ...]
    plus_leavers: bool = False
    # atoms() results: with many pay bands the same large sets (a base over every band) are asked
    # for once per band row, and building them again each time was most of suppression's time.
    _made: dict[tuple, Atoms] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def groups(self) -> tuple[str, ...]:
        return ("white", *self.subgroups, "unknown")

    def atoms(self, source: str, service: str, groups: Iterable[str], band: str | None = None,
              senior: str | None = None, regulated: str | None = None) -> Atoms:
        """Atom set of ``source`` summed over ``service`` and ``groups`` (and workforce filters)."""
        groups = tuple(groups)
        key = (source, service, groups, band, senior, regulated)
        if key not in self._made:
            self._made[key] = self._build(source, service, groups, band, senior, regulated)
        return self._made[key]

    def _build(self, source: str, service: str, groups: tuple[str, ...], band: str | None, senior: str | None,
               regulated: str | None) -> Atoms:
        out = set()
        for svc in SERVICE_SETS[service]:
            for g in groups:
                if source != "workforce.headcount":
                    out.add((source, svc, g))
                    continue
                for b in ([band] if band else self.bands):
                    for s in ([senior] if senior else ("yes", "no")):
                        for r in ([regulated] if regulated else ("yes", "no")):
                            out.add((source, svc, g, b, s, r))
        return frozenset(out)

    def row_atoms(self, metric: str, service: str, breakdown: str) -> dict[str, Atoms] | None:
        """The four counts of a metrics-table row as atom sets (None: not controlled)."""
        me = self.subgroups if not breakdown.startswith("subgroup:") else (breakdown.split(":", 1)[1],)
        white = ("white",)
        wf = "workforce.headcount"
        if metric == "m1":
            band = None if breakdown == "overall" else breakdown
            return {"events_me": self.atoms(wf, service, me, band=band), "base_me": self.atoms(wf, service, me),
                    "events_white": self.atoms(wf, service, white, band=band),
                    "base_white": self.atoms(wf, service, white)}
        if metric == "m9" and breakdown in ("senior_share", "workforce_share"):
            senior = "yes" if breakdown == "senior_share" else None
            return {"events_me": self.atoms(wf, service, me, senior=senior), "base_me": self.atoms(wf, service, me),
                    "events_white": self.atoms(wf, service, white, senior=senior),
                    "base_white": self.atoms(wf, service, white)}
        if metric == "m9" and breakdown == "population_share":
            return None
        spec = METRICS[metric]
        out = {}
        for group_key, groups in (("me", me), ("white", white)):
            out[f"events_{group_key}"] = self.count_atoms(spec.events, service, groups)
            out[f"base_{group_key}"] = frozenset().union(
                *(self.count_atoms(c, service, groups) for c in spec.base_counts(self.plus_leavers)))
        return out

    def count_atoms(self, count: Count, service: str, groups: Iterable[str]) -> Atoms:
        """Atom set of a catalogue count (its workforce filters become the atoms' flags)."""
        flags = {WHERE_FLAGS[column]: value for column, value in count.where}
        return self.atoms(count.source, service, groups, **flags)


def structure_from_params(params: dict[str, Any]) -> Structure:
    wm = bool(params.get("white_minorities_as_minority_ethnic"))
    subs = SUBGROUPS_ALL if wm else tuple(s for s in SUBGROUPS_ALL if s != "white_minorities")
    return Structure(tuple(str(b) for b in params["pay_bands"]), subs, adds_leavers(params))


@dataclass
class Plan:
    """The outcome: for every catalogue key, whether a public report may show it."""

    values: dict[str, int]
    hidden_keys: set[str] = field(default_factory=set)
    primary_keys: set[str] = field(default_factory=set)
    # What roll-ups need (see ``rollup_coordinates``): hidden roll-up counts and the primary counts they
    # could reveal, as coordinates in the space the council's shown counts leave unknown.
    rollup_dim: int = 0
    rollup_coords: dict[str, list[float]] = field(default_factory=dict)

    def hidden(self, key: str) -> bool:
        return key in self.hidden_keys

    def to_json(self) -> dict[str, Any]:
        return {"values": dict(sorted(self.values.items())), "hidden": sorted(self.hidden_keys),
                "primary": sorted(self.primary_keys), "rollup_dim": self.rollup_dim,
                "rollup_coords": dict(sorted(self.rollup_coords.items()))}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        return cls({k: int(v) for k, v in data["values"].items()}, set(data["hidden"]), set(data["primary"]),
                   int(data.get("rollup_dim", 0)), {k: list(v) for k, v in data.get("rollup_coords", {}).items()})

    def row_hidden(self, metric: str, service: str, breakdown: str) -> bool:
        """A row's derived figures are hidden when any of its counts is."""
        return any(self.hidden(row_key(metric, service, breakdown, c)) for c in COUNT_COLUMNS)


class PlanRef:
    """A plan carried in a DataFrame's ``attrs``: pandas deep-copies attrs on every operation, so this
    hands the same plan on instead of copying hundreds of keys each time."""

    __slots__ = ("plan",)

    def __init__(self, plan: Plan):
        self.plan = plan

    def __deepcopy__(self, memo: dict) -> PlanRef:
        return self


def row_key(metric: str, service: str, breakdown: str, column: str) -> str:
    return f"{metric}|{service}|{breakdown}|{column}"


def extra_key(kind: str, source: str, service: str) -> str:
    """``kind``: ``unknown`` or ``total``."""
    return f"{kind}|{source}|{service}"


def catalogue(frame: pd.DataFrame, structure: Structure,
              extras: dict[str, int] | None = None) -> dict[str, tuple[Atoms, int]]:
    """Every count a report may show: key -> (atom set, value)."""
    out: dict[str, tuple[Atoms, int]] = {}
    for row in frame.itertuples(index=False):
        parts = structure.row_atoms(row.metric, row.service, row.breakdown)
        if parts is None:
            continue
        for col in COUNT_COLUMNS:
            out[row_key(row.metric, row.service, row.breakdown, col)] = (parts[col], int(getattr(row, col)))
    for key, value in (extras or {}).items():
        kind, source, service = key.split("|")
        groups = ("unknown",) if kind == "unknown" else structure.groups
        out[key] = (structure.atoms(source, service, groups), int(value))
    return out


def extra_counts(tables: dict[str, pd.DataFrame], params: dict[str, Any]) -> dict[str, int]:
    """Unknown-ethnicity counts and totals per source and service, from the return's tables."""
    from ..schema import ethnic_group

    wm = bool(params.get("white_minorities_as_minority_ethnic"))
    out: dict[str, int] = {}
    for source in EXTRA_SOURCES:
        table, column = source.split(".")
        frame = tables[table]
        unknown = frame["ethnicity"].map(lambda c: ethnic_group(c, wm) == "unknown")
        for service, services in SERVICE_SETS.items():
            inside = frame["service"].isin(services)
            out[extra_key("unknown", source, service)] = int(frame.loc[inside & unknown, column].sum())
            out[extra_key("total", source, service)] = int(frame.loc[inside, column].sum())
    return out


def _components(quantities: list[Atoms]) -> list[list[Atoms]]:
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


def _basis(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(u, s, vt) of the row space of ``matrix`` with the null directions dropped (the span test's SVD)."""
    if matrix.shape[0] == 0:
        return np.zeros((0, 0)), np.zeros(0), np.zeros((0, matrix.shape[1]))
    u, s, vt = np.linalg.svd(matrix, full_matrices=False)
    keep = s > 1e-9 * max(1.0, s[0])
    return u[:, keep], s[keep], vt[keep]


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


def _suppress_rounds(block: list[Atoms], value_of: dict[Atoms, int], label: dict[Atoms, str],
                     threshold: int, rows: BlockRows | None = None) -> set[Atoms]:
    """The rounds of primary and secondary suppression over one block (run under ``one_blas_thread``)."""
    zero = {i for i, q in enumerate(block) if value_of[q] == 0}
    if rows is None:
        rows = block_rows(block, zero)
    matrix_all = rows.counts
    sensitive = [i for i, q in enumerate(block) if is_small(value_of[q], threshold)]
    hidden = set(sensitive)
    while sensitive:
        shown = [i for i in range(len(block)) if i not in hidden]
        if not shown:
            break
        # One SVD per round: its row-space basis tells which hidden counts are exposed, and its
        # pseudo-inverse gives, for each, a combination of shown counts that recovers it.
        known = _known(rows, shown, zero)
        u, s, vt = _basis(known)
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
                # Hide the smallest count taking part; zeros last (a hidden 0 puzzles readers).
                hidden.add(min(used, key=lambda j: (value_of[block[j]] == 0, value_of[block[j]], label[block[j]])))
    return hidden_needlessly_removed(rows, hidden, set(sensitive), block, zero)


def hidden_needlessly_removed(rows: BlockRows, hidden: set[int], sensitive: set[int],
                              block: list[Atoms], zero: set[int] | None = None) -> set[Atoms]:
    """Show again any secondary [c] that readers could work out anyway: it protects nothing.

    Showing a count that is already in the span of the shown ones does not change that span, so
    this never exposes a sensitive count; it only stops the report from hiding numbers for nothing.
    """
    shown = [i for i in range(len(block)) if i not in hidden]
    if shown:
        _, _, vt = _basis(_known(rows, shown, zero or set()))
        for i in sorted(hidden - sensitive - (zero or set())):  # a shown 0 would reveal its cells
            target = rows.counts[i]
            if np.abs(target - (target @ vt.T) @ vt).max(initial=0.0) < 1e-7:
                hidden.discard(i)
    return {block[i] for i in hidden}


def rollup_keys() -> list[str]:
    """The council counts a national or regional page adds up: every RL row's four counts, and the
    two headcounts of the workforce share, for each service."""
    keys = [row_key(m, s, "overall", c) for m in RL_METRICS for s in SERVICE_SETS for c in COUNT_COLUMNS]
    keys += [row_key("m1", s, "overall", c) for s in SERVICE_SETS for c in ("events_me", "events_white")]
    return keys


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
    _, _, vt = _basis(_known(rows, shown, zero))

    def residual(i: int) -> np.ndarray:
        r = matrix_all[i]
        return r - (r @ vt.T) @ vt if vt.shape[0] else r

    reach = [i for i, q in enumerate(block) if q in hidden and q in wanted]
    if not reach:
        return np.zeros((0, matrix_all.shape[1])), {}
    _, _, basis = _basis(np.array([residual(i) for i in reach]))
    coords = {block[i]: residual(i) @ basis.T for i in reach}
    for i, q in enumerate(block):
        if q in hidden and is_small(value_of[q], threshold) and q not in coords:
            r = residual(i)
            inside = r @ basis.T
            if np.abs(r - inside @ basis).max(initial=0.0) < 1e-7:  # a roll-up could rebuild it
                coords[q] = inside
    return basis, coords


def plan(entries: dict[str, tuple[Atoms, int]], threshold: int) -> Plan:
    """Primary and secondary suppression over a catalogue of counts (with roll-up coordinates)."""
    value_of: dict[Atoms, int] = {}
    label: dict[Atoms, str] = {}
    for key, (atoms, value) in sorted(entries.items()):
        value_of.setdefault(atoms, value)
        label.setdefault(atoms, key)
    quantities = sorted(value_of, key=lambda q: label[q])
    wanted = {entries[k][0] for k in rollup_keys() if k in entries}
    hidden: set[Atoms] = set()
    dim, coords = 0, {}
    with one_blas_thread():
        for block in _components(quantities):
            rows = block_rows(block, {i for i, q in enumerate(block) if value_of[q] == 0})
            block_hidden = _suppress_rounds(block, value_of, label, threshold, rows)
            hidden |= block_hidden
            basis, block_coords = rollup_coordinates(block, block_hidden, value_of, wanted, threshold, rows)
            for q, c in block_coords.items():  # each block gets its own coordinates (blocks share no atoms)
                coords[q] = (dim, c)
            dim += basis.shape[0]

    def padded(q: Atoms) -> list[float]:
        start, c = coords[q]
        out = [0.0] * dim
        out[start:start + len(c)] = [round(float(x), 12) for x in c]
        return out

    return Plan({k: v for k, (_, v) in entries.items()},
                {k for k, (a, _) in entries.items() if a in hidden},
                {k for k, (a, v) in entries.items() if is_small(v, threshold)},
                dim, {k: padded(a) for k, (a, _) in entries.items() if a in coords})


def report_plan(frame: pd.DataFrame, params: dict[str, Any], tables: dict[str, pd.DataFrame] | None) -> Plan:
    """The plan a report uses: the metrics table plus unknown counts and totals."""
    extras = extra_counts(tables, params) if tables is not None else None
    entries = catalogue(frame, structure_from_params(params), extras)
    return plan(entries, suppression_threshold(params))


def flag_suppressed(frame: pd.DataFrame, params: dict[str, Any],
                    tables: dict[str, pd.DataFrame] | None = None) -> pd.Series:
    """Row flags for the metrics table: true when a public report must show the row's figures as [c].

    The same plan the report renders with (unknown counts and totals included
    when the return's tables are given), so every consumer of metrics.csv - the
    action plan notes, the index, the national roll-up - hides exactly what the
    council's own public report hides.
    """
    return row_flags(frame, report_plan(frame, params, tables))


def row_flags(frame: pd.DataFrame, result: Plan) -> pd.Series:
    """``suppressed`` for each metrics row under ``result`` (population shares are public census data)."""
    flags = [result.row_hidden(r.metric, r.service, r.breakdown) if r.breakdown != "population_share" else False
             for r in frame.itertuples(index=False)]
    return pd.Series(flags, index=frame.index, dtype=bool)


from ..paths import PLAN_FILE  # noqa: E402  (kept with the functions that use it)


def write_plan(result: Plan, folder: Any) -> None:
    """The plan beside metrics.csv, so later periods and roll-ups use exactly what was published."""
    import json
    from pathlib import Path

    Path(folder, PLAN_FILE).write_text(json.dumps(result.to_json(), sort_keys=True) + "\n", encoding="utf-8")


def read_plan(folder: Any) -> Plan | None:
    import json
    from pathlib import Path

    path = Path(folder, PLAN_FILE)
    if not path.is_file():
        return None
    try:
        return Plan.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError):
        return None
