"""The protection audit: feasible ranges of every hidden count under every bound a reader knows.

Why, after the span tests: ``span`` stops exact linear recovery, but a reader
also knows bounds - counts are whole numbers from 0 up, the return's
validation limits (appointed <= shortlisted, events <= headcount + leavers, answers <=
respondents), and, because zero is shown, that a ``[c]`` is at least 1. With
them a hidden count can still be pinned, or a small one narrowed to "1 to 2".
So after the plan's rounds, each council's counts are audited with integer
programming (``scipy.optimize.milp``, HiGHS): the unknowns are the council's
atoms (``suppression``), every shown count is an equation, every hidden count
that is not 0 is at least 1, and every validation limit is a row. For each
hidden count the audit minimises and maximises it. A count is protected when

- it is not pinned: its feasible range holds at least two values;
- and, if it is from 1 to threshold-1, the range holds at least four.

While some count is not, the cheapest shown count next to it (``weights``;
zeros last) is hidden too, and its part of the council is audited again.

Kept fast: the atoms split into independent parts (atoms linked by no count or
limit cannot constrain each other), each a small integer programme; two solves
per part push every hidden count down and up at once, and only counts those
leave narrow are minimised and maximised one by one.

The ranges of the counts a roll-up adds up are kept in the plan (``Plan.ranges``)
for ``publication.RollupPlan``, which audits the pooled figures with them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from ..limits import MAX_COUNT
from ..schema import TABLES
from .span import Atoms, is_small

# Zero is shown, so a reader knows a [c] is at least 1. The audit gives every hidden count that is not 0 this
# bound (a hidden 0 - the span rounds hide one only when nothing else takes part - gets none). Off only in
# the test that shows the bound matters.
AT_LEAST_ONE = True
SOLVE_SECONDS = 10.0  # one solve's time limit; a solve that stops early still gives a feasible solution
_TIMES = {"council": 0.0, "rollup": 0.0}


def last_seconds() -> float:
    """CPU seconds the last ``protect`` call spent auditing (for ``make bench``)."""
    return _TIMES["council"]


def last_rollup_seconds() -> float:
    """CPU seconds the roll-up audit of the last ``RollupPlan.decide`` took (for ``make bench``)."""
    return _TIMES["rollup"]


def add_rollup_seconds(seconds: float, reset: bool = False) -> None:
    _TIMES["rollup"] = (0.0 if reset else _TIMES["rollup"]) + seconds


def need(value: int, threshold: int) -> int:
    """How wide a hidden count's feasible range must be (max - min): 3 for a small count, else 1."""
    return 3 if is_small(value, threshold) else 1


def limits(atoms: Iterable[Atoms], plus_leavers: bool) -> list[tuple[list, list]]:
    """The return's validation limits over these atoms, as (lhs atoms, rhs atoms): sum(lhs) <= sum(rhs).

    Taken from the schema's bounds (``schema.TABLES``), per service and ethnic group: a limit that
    holds on every row of the return holds on their sums. A bound with a ``plus`` column is the
    headcount plus that column of the same row (people who left during the year can have had a
    disciplinary or CPD too), so its cell joins the right-hand side: validation allows, and a reader
    knows, no tighter limit - a tighter one can leave the true value outside the programme (the ranges
    then miss it, or the programme is infeasible when every cell of the limit is shown). The
    leavers' limit is left out when the leavers join the leaver base (validation does the same).
    """
    by_key: dict[tuple[str, str, str], list] = {}
    for atom in atoms:
        by_key.setdefault(atom[:3], []).append(atom)
    out = []
    for table in TABLES.values():
        for bound in table.bounds:
            column, other = f"{table.name}.{bound.column}", f"{bound.other_table}.{bound.other_column}"
            if plus_leavers and column == "events.leavers":
                continue
            where = dict(bound.where)
            for (source, service, group), lhs in sorted(by_key.items(), key=lambda kv: str(kv[0])):
                if source != column:
                    continue
                rhs = [a for a in by_key.get((other, service, group), []) if _matches(a, where)]
                if bound.plus is not None:
                    rhs += by_key.get((f"{table.name}.{bound.plus}", service, group), [])
                out.append((sorted(lhs, key=str), sorted(rhs, key=str)))
    return out


def _matches(atom: tuple, where: dict[str, str]) -> bool:
    """A workforce atom (source, service, group, band, senior, regulated) against a bound's row filter."""
    position = {"senior_manager": 4, "regulated": 5}
    return all(len(atom) > position[c] and atom[position[c]] == v for c, v in where.items())


@dataclass
class Part:
    """One independent part of a council: its atoms and the counts (indices into the plan's list) over them."""

    atoms: list
    counts: list[int]
    limits: list[tuple[list, list]]


def parts(quantities: list[Atoms], lims: list[tuple[list, list]]) -> list[Part]:
    """Atoms linked by a count or a limit are in one part."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def link(group: Iterable) -> None:
        group = list(group)
        for atom in group[1:]:
            parent[find(atom)] = find(group[0])

    for q in quantities:
        link(q)
    for lhs, rhs in lims:
        link(lhs + rhs)
    found: dict = {}
    for i, q in enumerate(quantities):
        found.setdefault(find(next(iter(q))), Part([], [], [])).counts.append(i)
    for lhs, rhs in lims:
        root = find((lhs + rhs)[0])
        if root in found:
            found[root].limits.append((lhs, rhs))
    for part in found.values():
        part.atoms = sorted({a for i in part.counts for a in quantities[i]}
                            | {a for lhs, rhs in part.limits for a in lhs + rhs}, key=str)
    return [found[k] for k in sorted(found, key=str)]


def ranges(part: Part, quantities: list[Atoms], value_of: dict[Atoms, int], hidden: set[Atoms],
           threshold: int, seen: dict[Atoms, list[float]] | None = None,
           lowest: set[Atoms] | None = None, forced: set[Atoms] | None = None) -> dict[Atoms, tuple[int, int]]:
    """Each hidden count's feasible range in ``part`` (as far as needed to tell whether it is protected).

    A range is proven only as wide as the solutions found: a count whose range is already wide enough
    is not solved further, so its (low, high) may lie inside the true range. ``seen`` carries the
    values found so far from one call to the next: hiding one more count only removes an equation
    (a hidden count keeps only "at least 1", which its shown value met), so every solution found
    before is still feasible and a range proven wide stays wide. Counts in ``lowest`` are minimised to
    the end (the roll-up audit needs their lowest values, and "at least 1" is often it at once).
    """
    index = {a: j for j, a in enumerate(part.atoms)}
    n = len(index)
    targets = [quantities[i] for i in part.counts if quantities[i] in hidden]
    seen = {} if seen is None else seen
    for q in targets:
        seen.setdefault(q, [value_of[q], value_of[q]])

    def wide(q: Atoms) -> bool:
        return seen[q][1] - seen[q][0] >= width_needed(q, value_of, threshold, forced)

    def floor(q: Atoms) -> float:
        return 1.0 if value_of[q] > 0 and AT_LEAST_ONE else 0.0

    narrow = [q for q in targets if not wide(q)]
    low = [q for q in targets if q in (lowest or set()) and seen[q][0] > floor(q)]
    if not narrow and not low:
        return {q: (int(seen[q][0]), int(seen[q][1])) for q in targets}
    rows: list[tuple[list[int], float, float]] = []
    for i in part.counts:
        q = quantities[i]
        cols = [index[a] for a in q]
        if q not in hidden:
            rows.append((cols, value_of[q], value_of[q]))
        elif value_of[q] > 0 and AT_LEAST_ONE:
            rows.append((cols, 1.0, np.inf))  # zero is shown, so a [c] is at least 1
    for lhs, rhs in part.limits:
        rows.append(([index[a] for a in lhs] + [-(index[a] + 1) for a in rhs], -np.inf, 0.0))
    data, ri, ci = [], [], []
    for r, (cols, _, _) in enumerate(rows):
        for c in cols:
            ri.append(r)
            ci.append(c if c >= 0 else -c - 1)
            data.append(1.0 if c >= 0 else -1.0)
    matrix = csr_matrix((data, (ri, ci)), shape=(len(rows), n))
    constraint = LinearConstraint(matrix, [r[1] for r in rows], [r[2] for r in rows])
    bounds = Bounds(np.zeros(n), np.full(n, float(MAX_COUNT)))
    vectors = {}
    for q in targets:
        v = np.zeros(n)
        v[[index[a] for a in q]] = 1.0
        vectors[q] = v

    def solve(objective: np.ndarray) -> None:
        # The linear relaxation first: these matrices are nearly all 0/1 sums, so its optimum is usually
        # whole already - and then it is the integer optimum too, found several times faster.
        res = milp(objective, constraints=constraint, bounds=bounds, options={"time_limit": SOLVE_SECONDS})
        if res.x is None or np.abs(res.x - np.round(res.x)).max(initial=0.0) > 1e-6:
            res = milp(objective, constraints=constraint, bounds=bounds, integrality=np.ones(n),
                       options={"time_limit": SOLVE_SECONDS, "presolve": True})
        if res.x is None:
            return
        x = np.round(res.x)
        for q in targets:
            v = float(vectors[q] @ x)
            seen[q][0], seen[q][1] = min(seen[q][0], v), max(seen[q][1], v)

    # Push every narrow count down, then up, at once: most ranges are settled by these solves; again
    # over those left while that settles enough of them to be worth it.
    while len(narrow) > 2:
        total = np.sum([vectors[q] for q in narrow], axis=0)
        solve(total)
        solve(-total)
        left = [q for q in narrow if not wide(q)]
        if len(left) > 0.5 * len(narrow):
            break
        narrow = left
    for q in narrow:  # the rest one by one, to the end
        if not wide(q):
            solve(vectors[q])
        if not wide(q):
            solve(-vectors[q])
    low = [q for q in low if seen[q][0] > floor(q)]
    if low:
        solve(np.sum([vectors[q] for q in low], axis=0))
    for q in low:
        if seen[q][0] > floor(q):
            solve(vectors[q])
    return {q: (int(seen[q][0]), int(seen[q][1])) for q in targets}


def width_needed(q: Atoms, value_of: dict[Atoms, int], threshold: int, forced: set[Atoms] | None = None) -> int:
    """``need`` for one hidden count; a ``forced`` one (hidden at a roll-up's request to cover another
    council's small count) must be as wide as a small count, or it covers nothing."""
    return need(1, threshold) if forced and q in forced else need(value_of[q], threshold)


def failing(found: dict[Atoms, tuple[int, int]], value_of: dict[Atoms, int], threshold: int,
            forced: set[Atoms] | None = None) -> list[Atoms]:
    return [q for q, (lo, hi) in found.items() if hi - lo < width_needed(q, value_of, threshold, forced)]


def _candidate(q: Atoms, part: Part, quantities: list[Atoms], value_of: dict[Atoms, int], hidden: set[Atoms],
               cost: dict[Atoms, float], label: dict[Atoms, str]) -> Atoms | None:
    """The shown count to hide for ``q``: the cheapest next to it, looking further out when none is."""
    near = set(q)
    while True:
        shown = [quantities[i] for i in part.counts if quantities[i] not in hidden and near & quantities[i]]
        if shown:
            return min(shown, key=lambda s: (value_of[s] == 0, cost.get(s, 1.0), value_of[s], label[s]))
        wider = set(near)
        for i in part.counts:
            if quantities[i] & near:
                wider |= quantities[i]
        for lhs, rhs in part.limits:
            if near.intersection(lhs) or near.intersection(rhs):
                wider |= set(lhs) | set(rhs)
        if wider == near:
            return None
        near = wider


def protect(quantities: list[Atoms], value_of: dict[Atoms, int], hidden: set[Atoms], threshold: int,
            plus_leavers: bool, cost: dict[Atoms, float], label: dict[Atoms, str],
            lowest: set[Atoms] | None = None, forced: set[Atoms] | None = None
            ) -> tuple[set[Atoms], dict[Atoms, tuple[int, int]]]:
    """Hide more until every hidden count is protected; returns (hidden, the hidden counts' ranges).

    ``lowest``: counts whose lowest possible value must be exact in the ranges returned (a roll-up's).
    ``forced``: counts a roll-up asked to hide; each needs a range as wide as a small count's.
    """
    started = time.process_time()
    hidden = set(hidden)
    out: dict[Atoms, tuple[int, int]] = {}
    for part in parts(quantities, limits({a for q in quantities for a in q}, plus_leavers)):
        if not any(quantities[i] in hidden for i in part.counts):
            continue
        seen: dict[Atoms, list[float]] = {}
        while True:
            found = ranges(part, quantities, value_of, hidden, threshold, seen, forced=forced)
            bad = failing(found, value_of, threshold, forced)
            if not bad:
                out.update(ranges(part, quantities, value_of, hidden, threshold, seen, lowest, forced))
                break
            added: set[Atoms] = set()
            for q in bad:  # one more count per narrow count, unless this round already hid one next to it
                if any(q & a for a in added):
                    continue
                c = _candidate(q, part, quantities, value_of, hidden, cost, label)
                if c is not None:
                    added.add(c)
            if not added:  # nothing left to hide next to them: hide the whole part
                added = {quantities[i] for i in part.counts} - hidden
                if not added:
                    out.update(found)
                    break
            hidden |= added
    _TIMES["council"] = time.process_time() - started
    return hidden, out
