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

This module says what the counts are and holds the plan; the span tests that
decide it (the rounds above, over one block of counts at a time) are in
``span``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..catalogue import METRICS, RL_METRICS, Count, adds_leavers, suppression_threshold
from . import audit
from .span import Atoms, block_rows, components, is_small, one_blas_thread, rollup_coordinates, suppress_rounds
from .weights import count_weight

COUNT_COLUMNS = ("events_me", "base_me", "events_white", "base_white")
SUBGROUPS_ALL = ("asian", "black", "mixed", "other", "white_minorities")
SERVICE_SETS = {"adults": ("adults",), "children": ("children",), "all": ("adults", "children")}

# Counts shown outside the metrics table: per source, unknown ethnicity and the total of all groups.
EXTRA_SOURCES = ("workforce.headcount", "recruitment.shortlisted", "survey.respondents")
# A catalogue count's workforce filter (column of the return) -> the flag ``Structure.atoms`` takes.
WHERE_FLAGS = {"senior_manager": "senior", "regulated": "regulated"}


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
    # The protection audit's feasible range (low, high) of each hidden count a roll-up adds up: what a
    # reader of the council's report can tell of it, for the roll-up audit (``publication.RollupPlan``).
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)

    def hidden(self, key: str) -> bool:
        return key in self.hidden_keys

    def to_json(self) -> dict[str, Any]:
        return {"values": dict(sorted(self.values.items())), "hidden": sorted(self.hidden_keys),
                "primary": sorted(self.primary_keys), "rollup_dim": self.rollup_dim,
                "rollup_coords": dict(sorted(self.rollup_coords.items())),
                "ranges": {k: list(v) for k, v in sorted(self.ranges.items())}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        return cls({k: int(v) for k, v in data["values"].items()}, set(data["hidden"]), set(data["primary"]),
                   int(data.get("rollup_dim", 0)), {k: list(v) for k, v in data.get("rollup_coords", {}).items()},
                   {k: (int(v[0]), int(v[1])) for k, v in data.get("ranges", {}).items()})

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


def rollup_keys() -> list[str]:
    """The council counts a national or regional page adds up: every RL row's four counts, and the
    two headcounts of the workforce share, for each service."""
    keys = [row_key(m, s, "overall", c) for m in RL_METRICS for s in SERVICE_SETS for c in COUNT_COLUMNS]
    keys += [row_key("m1", s, "overall", c) for s in SERVICE_SETS for c in ("events_me", "events_white")]
    return keys


def plan(entries: dict[str, tuple[Atoms, int]], threshold: int, plus_leavers: bool = False,
         audited: bool = True, forced: Iterable[str] = ()) -> Plan:
    """Primary and secondary suppression over a catalogue of counts (with roll-up coordinates).

    Three steps: the span rounds per block (``span.suppress_rounds``), then the protection audit
    over the whole council (``audit.protect``: bounds as well as sums), then the roll-up
    coordinates of what is finally hidden. ``audited=False`` skips the audit (tests show what it adds).
    ``forced``: keys hidden although not small, and protected as if they were (a roll-up's request,
    ``least_loss``); a key not in the catalogue is ignored.
    """
    value_of: dict[Atoms, int] = {}
    label: dict[Atoms, str] = {}
    cost: dict[Atoms, float] = {}
    for key, (atoms, value) in sorted(entries.items()):
        value_of.setdefault(atoms, value)
        label.setdefault(atoms, key)
        cost[atoms] = max(cost.get(atoms, 0.0), count_weight(key))  # hiding it hides every place it is shown
    quantities = sorted(value_of, key=lambda q: label[q])
    wanted = {entries[k][0] for k in rollup_keys() if k in entries}
    forced_atoms = {entries[k][0] for k in forced if k in entries}
    hidden: set[Atoms] = set()
    dim, coords = 0, {}
    blocks = []
    with one_blas_thread():
        for block in components(quantities):
            rows = block_rows(block, {i for i, q in enumerate(block) if value_of[q] == 0})
            hidden |= suppress_rounds(block, value_of, label, threshold, rows, cost, forced_atoms)
            blocks.append((block, rows))
        found: dict[Atoms, tuple[int, int]] = {}
        if audited:
            hidden, found = audit.protect(quantities, value_of, hidden, threshold, plus_leavers, cost, label,
                                          lowest=wanted, forced=forced_atoms)
        for block, rows in blocks:
            block_hidden = {q for q in block if q in hidden}
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
                dim, {k: padded(a) for k, (a, _) in entries.items() if a in coords},
                {k: found[a] for k in rollup_keys() if k in entries and (a := entries[k][0]) in found})


def report_plan(frame: pd.DataFrame, params: dict[str, Any], tables: dict[str, pd.DataFrame] | None,
                forced: Iterable[str] = ()) -> Plan:
    """The plan a report uses: the metrics table plus unknown counts and totals (``forced``: the keys a
    roll-up asked this council to hide, ``rollup_requests``)."""
    extras = extra_counts(tables, params) if tables is not None else None
    structure = structure_from_params(params)
    entries = catalogue(frame, structure, extras)
    return plan(entries, suppression_threshold(params), structure.plus_leavers, forced=forced)


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
