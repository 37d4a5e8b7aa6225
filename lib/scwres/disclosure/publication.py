"""The publication layer: every number a public page shows, and whether it may be shown.

Why one layer: a reader holds every public page at once - each council's
reports for every period, the national and regional pages - and can combine
them (docs/methods.md, "Disclosure control"). Checking each
page's finished text afterwards cannot see that; deciding each figure once,
from the counts it rests on, can. So:

- a ``Figure`` is a formatted number plus the counts (``period:key``) it rests
  on; it prints ``[c]`` when any of them is hidden, and its text is never even
  formatted then;
- ``Publication`` answers "is this count hidden?" for a council from the
  disclosure plans of the report's period *and of every earlier period it
  quotes* (the plans the published reports were built with, read from
  ``build/<la>/<period>/disclosure-plan.json``), so a figure hidden in 2023
  stays hidden in 2024's trend table and warnings; a count the plans do not
  know is hidden;
- the report's data-quality notes ask it too: a share or a change whose
  counts are hidden (now or in the earlier period) is not mentioned at all,
  so no finished text is ever masked afterwards;
- ``RollupPlan`` decides the national and regional pooled figures together:
  primary and secondary suppression over the councils x services x groups
  table, with each council's own plan fixed (see its docstring).

Pages, wording and charts take their numbers from here and never decide
``[c]`` on their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..catalogue import DEFAULT_THRESHOLD, RL_METRICS
from .audit import add_rollup_seconds
from .audit import need as audit_need
from .span import is_small, row_basis
from .suppression import COUNT_COLUMNS, Plan, row_key
from .weights import rollup_weight

SUPPRESSED = "[c]"
RL_SERVICES = ("all", "adults", "children")


@dataclass(frozen=True)
class Figure:
    """A number as a page shows it, with the counts it rests on; ``[c]`` when any of them is hidden."""

    text: str
    rests_on: tuple[str, ...]
    hidden: bool

    @property
    def shown(self) -> bool:
        return not self.hidden

    def __str__(self) -> str:
        return SUPPRESSED if self.hidden else self.text


def row_keys(metric: str, service: str, breakdown: str = "overall") -> list[str]:
    return [row_key(metric, service, breakdown, c) for c in COUNT_COLUMNS]


def group_keys(metric: str, service: str, breakdown: str, group: str) -> list[str]:
    """A group's rate rests only on its own two counts."""
    return [row_key(metric, service, breakdown, f"{kind}_{group}") for kind in ("events", "base")]


@dataclass
class Publication:
    """One council's published figures: the plans of its periods and the audience."""

    period: str
    plans: dict[str, Plan]
    public: bool = True

    def hidden(self, key: str, period: str | None = None) -> bool:
        """May this count not be shown? Unknown periods and keys are hidden; internal shows everything."""
        if not self.public:
            return False
        plan = self.plans.get(str(period or self.period))
        if plan is None or key not in plan.values:
            return not key.startswith(POPULATION)  # census population figures are public data
        return plan.hidden(key)

    def figure(self, text: str | Callable[[], str], keys: Iterable[str], period: str | None = None) -> Figure:
        """A figure resting on ``keys`` (of ``period``); ``text`` may be a function, called only when shown."""
        when = str(period or self.period)
        keys = tuple(keys)
        hidden = any(self.hidden(k, when) for k in keys)
        shown = "" if hidden else (text() if callable(text) else text)
        return Figure(shown, tuple(f"{when}:{k}" for k in keys), hidden)

    def count(self, key: str, period: str | None = None, fmt: Callable[[int], str] = lambda v: f"{v:,}") -> Figure:
        """A published count, from the plan's own value."""
        plan = self.plans.get(str(period or self.period))
        return self.figure(lambda: fmt(int(plan.values[key])), (key,), period)

    def value(self, key: str, period: str | None = None) -> int | None:
        """A count's value for computing a shown figure (the caller passes it to ``figure``)."""
        plan = self.plans.get(str(period or self.period))
        return None if plan is None or key not in plan.values else int(plan.values[key])

    def row(self, metric: str, service: str, breakdown: str = "overall", text: str | Callable[[], str] = "",
            period: str | None = None) -> Figure:
        """A rate ratio, interval, assessment or share: rests on all four counts of its row."""
        if breakdown == "population_share":
            return self.figure(text, (), period)
        return self.figure(text, row_keys(metric, service, breakdown), period)

    def group(self, metric: str, service: str, breakdown: str, group: str,
              text: str | Callable[[], str] = "") -> Figure:
        return self.figure(text, group_keys(metric, service, breakdown, group))

    def trend(self, metric: str, service: str, breakdown: str, previous: str | None,
              text: str | Callable[[], str] = "") -> Figure:
        """A change since the previous period rests on both periods' rows."""
        now = self.row(metric, service, breakdown, text)
        if previous is None or now.hidden:
            return now
        before = self.row(metric, service, breakdown, "x", previous)
        return Figure("" if before.hidden else now.text, now.rests_on + before.rests_on, before.hidden)

    def row_hidden(self, metric: str, service: str, breakdown: str = "overall", period: str | None = None) -> bool:
        return self.row(metric, service, breakdown, "", period).hidden


POPULATION = "population|"

# --- roll-ups ------------------------------------------------------------------------------------------------

ROLLUP_COLUMNS = {"rl": COUNT_COLUMNS, "share": ("events_me", "events_white")}


@dataclass
class RollupCouncil:
    """What a roll-up needs of one council: its published plan (values, hidden keys, coordinates)."""

    la: str
    plan: Plan


@dataclass
class RollupPlan:
    """Which national and regional pooled figures may be published, decided together.

    Pooled figures are cells of a councils x services x groups table: a pooled
    count is the sum of the same count over a roll-up's councils. Each council's
    own plan is fixed (its report is already published), so the only choices
    are which pooled rows to show. A pooled row (RL, interval and assessment,
    or the workforce share) is treated as publishing its pooled counts exactly
    (at 2 decimal places, with the bases, they often are), and is shown only if:

    1. no pooled count is small (1 to threshold-1);
    2. taking away every council whose own count is shown leaves 0 or at least
       the threshold - for the roll-up and for the difference of any two
       roll-ups one inside the other (national minus a region), i.e. for every
       set of hidden councils a reader can isolate;
    3. no hidden council count is pinned by bounds: the left-over sum with the
       other hidden councils at their upper bounds (their bases, when shown);
    4. secondary: no primary count of any council lies in the span of every
       council's shown counts plus the shown pooled counts (a left-over of 0 is
       taken to reveal each of its councils' counts, since counts are >= 0).
       The span test runs on each council's residual coordinates (see
       ``span.rollup_coordinates``); while some primary is exposed, a
       pooled row taking part is hidden, regional rows before national ones.
    """

    rollups: dict[str, list[str]]  # roll-up name -> council slugs ("" is the national page)
    councils: dict[str, RollupCouncil]
    threshold: int = DEFAULT_THRESHOLD
    hidden_rows: set[tuple[str, str, str]] = field(default_factory=set)

    @staticmethod
    def rows() -> list[tuple[str, str, tuple[str, ...]]]:
        """(metric, service, columns) of every pooled row a roll-up page shows."""
        out = [(m, s, COUNT_COLUMNS) for m in RL_METRICS for s in RL_SERVICES]
        out += [("m1", s, ROLLUP_COLUMNS["share"]) for s in RL_SERVICES]
        return out

    def hidden(self, rollup: str, metric: str, service: str) -> bool:
        return (rollup, metric, service) in self.hidden_rows

    def _parts(self, rollup: str, metric: str, service: str, column: str) -> tuple[int, list[str], int]:
        """(pooled value, councils whose count is hidden, left-over after taking the shown ones away)."""
        key = row_key(metric, service, "overall", column)
        pooled, hidden, left = 0, [], 0
        for la in self.rollups[rollup]:
            plan = self.councils[la].plan
            value = int(plan.values.get(key, 0))
            pooled += value
            if plan.hidden(key) or key not in plan.values:
                hidden.append(la)
                left += value
        return pooled, hidden, left

    def _upper(self, la: str, metric: str, service: str, column: str) -> float:
        """The tightest upper bound a reader has on a hidden council count: its base when that is shown."""
        plan = self.councils[la].plan
        if column.startswith("events_"):
            base = row_key(metric, service, "overall", column.replace("events_", "base_"))
            if base in plan.values and not plan.hidden(base):
                return float(plan.values[base])
        return float("inf")

    def _primary(self, rollup: str, metric: str, service: str, columns: Sequence[str]) -> bool:
        for column in columns:
            pooled, hidden, left = self._parts(rollup, metric, service, column)
            if is_small(pooled, self.threshold) or is_small(left, self.threshold):
                return True
            uppers = {la: self._upper(la, metric, service, column) for la in hidden}
            for la in hidden:
                others = sum(u for other, u in uppers.items() if other != la)
                low, high = max(0.0, left - others), min(float(left), uppers[la])
                if low == high and is_small(int(low), self.threshold):
                    return True
        return False

    def _nested(self) -> list[tuple[str, str]]:
        """(inner, outer) pairs of roll-ups whose councils are a proper subset of another's."""
        sets = {name: set(las) for name, las in self.rollups.items()}
        return sorted((a, b) for a in sets for b in sets if a != b and sets[a] < sets[b])

    def decide(self) -> RollupPlan:
        rows = self.rows()
        for name in sorted(self.rollups):
            for metric, service, columns in rows:
                if not self.rollups[name] or self._primary(name, metric, service, columns):
                    self.hidden_rows.add((name, metric, service))
        changed = True
        while changed:  # a left-over that only the difference of two shown roll-ups isolates
            changed = False
            for inner, outer in self._nested():
                for metric, service, columns in rows:
                    if self.hidden(inner, metric, service) or self.hidden(outer, metric, service):
                        continue
                    for column in columns:
                        left = self._parts(outer, metric, service, column)[2] - self._parts(
                            inner, metric, service, column)[2]
                        if is_small(left, self.threshold):
                            self.hidden_rows.add((inner, metric, service))
                            changed = True
                            break
        self._secondary(rows)
        started = time.process_time()
        self._audit(rows)
        add_rollup_seconds(time.process_time() - started, reset=True)
        return self

    def _range(self, la: str, key: str) -> tuple[float, float]:
        """What a reader of a council's own report can tell of a hidden count: its audited range, else
        at least 1 (zero is shown) and no upper bound."""
        plan = self.councils[la].plan
        if key in plan.ranges:
            return tuple(map(float, plan.ranges[key]))
        return (1.0 if int(plan.values.get(key, 0)) > 0 else 0.0), float("inf")

    def _known(self, name: str, metric: str, service: str) -> bool:
        """Can a reader tell this pooled row's counts? Shown, or worked out from the other services' rows
        (all staff = adults + children, so any two of the three give the third)."""
        shown = {s: not self.hidden(name, metric, s) for s in RL_SERVICES}
        if shown[service]:
            return True
        others = [s for s in RL_SERVICES if s != service]
        return all(shown[s] for s in others)

    def _groups(self, metric: str, service: str) -> list[tuple[str, list[str]]]:
        """The sets of councils whose sum a reader can isolate from the shown pooled rows, each named by the
        roll-up whose row would be hidden to stop it: every shown roll-up, and - regions being disjoint
        parts of England - the national sum minus every shown region (the councils of the hidden regions)."""
        shown = [name for name in sorted(self.rollups) if self._known(name, metric, service)]
        out = [(name, list(self.rollups[name])) for name in shown]
        if "" in shown:
            regions = [name for name in shown if name != ""]
            inside = {la for name in regions for la in self.rollups[name]}
            rest = [la for la in self.rollups[""] if la not in inside]
            if regions and rest:
                out.append(("", rest))
        return out

    def _narrowed(self, las: list[str], key: str) -> bool:
        """Does the pooled sum over ``las``, with what each council's report tells, pin a hidden count or
        narrow a small one below four values? Interval bounds: each hidden council count lies between
        the sum's left-over minus the others' highest and minus the others' lowest values."""
        hidden = [la for la in las if self.councils[la].plan.hidden(key) or key not in self.councils[la].plan.values]
        if not hidden:
            return False
        left = float(sum(int(self.councils[la].plan.values.get(key, 0)) for la in hidden))
        bounds = {la: self._range(la, key) for la in hidden}
        for la in hidden:
            others_low = sum(lo for other, (lo, _) in bounds.items() if other != la)
            others_high = sum(hi for other, (_, hi) in bounds.items() if other != la)
            low, high = max(bounds[la][0], left - others_high), min(bounds[la][1], left - others_low)
            value = int(self.councils[la].plan.values.get(key, 0))
            if high - low < audit_need(value, self.threshold):
                return True
        return False

    def _audit(self, rows: list[tuple[str, str, tuple[str, ...]]]) -> None:
        """Bounds as well as sums (``audit``): hide pooled rows until no hidden council count is pinned and
        none from 1 to threshold-1 is narrowed below four values. A region of one council, or whose other
        councils are all shown, therefore never shows what that council hides. When the national sum
        minus the shown regions is what narrows, a region's row is hidden rather than the national one
        (``weights``): the one with most hidden councils, which widens the left-over most. A row a reader can
        still work out from the other two services (all = adults + children) counts as shown, and is
        stopped by hiding one of those service rows - of the region still, not of the national page."""
        for metric, service, columns in sorted(rows, key=lambda r: (r[0], r[1] == "all")):
            while True:
                culprit = None
                for name, las in self._groups(metric, service):
                    if any(self._narrowed(las, row_key(metric, service, "overall", c)) for c in columns):
                        culprit = (name, las)
                        break
                if culprit is None:
                    break
                name, las = culprit
                if name == "" and set(las) != set(self.rollups[""]):  # the national sum minus the known regions
                    regions = [r for r in sorted(self.rollups) if r and self._known(r, metric, service)]
                    hidden_in = {r: sum(self.councils[la].plan.hidden(row_key(metric, service, "overall", c))
                                        for la in self.rollups[r] for c in columns) for r in regions}
                    best = max(regions, key=lambda r: (hidden_in[r], r), default=None)
                    if best is not None and hidden_in[best] > 0 and rollup_weight(best) < rollup_weight(""):
                        name = best
                if self.hidden(name, metric, service):  # worked out from the other services: hide a service row
                    name_rows = [s for s in ("adults", "children") if s != service and not self.hidden(name, metric, s)]
                    self.hidden_rows.add((name, metric, name_rows[0] if name_rows else "all"))
                    continue
                self.hidden_rows.add((name, metric, service))

    def _secondary(self, rows: list[tuple[str, str, tuple[str, ...]]]) -> None:
        offsets, dim = {}, 0
        for la in sorted(self.councils):
            offsets[la] = dim
            dim += self.councils[la].plan.rollup_dim
        if dim == 0:
            return

        def embed(la: str, key: str) -> np.ndarray | None:
            coords = self.councils[la].plan.rollup_coords.get(key)
            if coords is None:
                return None
            v = np.zeros(dim)
            v[offsets[la]:offsets[la] + len(coords)] = coords
            return v

        targets = []
        for la in sorted(self.councils):
            plan = self.councils[la].plan
            for key in sorted(plan.primary_keys):
                v = embed(la, key) if plan.hidden(key) else None
                if v is not None and np.abs(v).max() > 0:
                    targets.append(v)
        if not targets:
            return
        target_matrix = np.array(targets)
        while True:
            vectors, owners = [], []
            for name in sorted(self.rollups):
                for metric, service, columns in rows:
                    if self.hidden(name, metric, service):
                        continue
                    for column in columns:
                        _, hidden, left = self._parts(name, metric, service, column)
                        key = row_key(metric, service, "overall", column)
                        parts = [v for la in hidden if (v := embed(la, key)) is not None]
                        if not parts:
                            continue
                        for v in (parts if left == 0 else [np.sum(parts, axis=0)]):
                            vectors.append(v)
                            owners.append((name, metric, service))
            if not vectors:
                return
            matrix = np.array(vectors)
            u, s, vt = row_basis(matrix)
            residual = target_matrix - (target_matrix @ vt.T) @ vt
            exposed = [i for i, r in enumerate(np.abs(residual).max(axis=1)) if r < 1e-7]
            if not exposed:
                return
            coef = u @ ((vt @ target_matrix[exposed[0]]) / s)
            used = sorted({owners[j] for j, c in enumerate(coef) if abs(c) > 1e-7},
                          key=lambda row: (rollup_weight(row[0]), row))  # the cheapest pooled row first (weights)
            self.hidden_rows.add(used[0])


def rollup_plan(rollups: dict[str, list[str]], plans: dict[str, Plan],
                threshold: int = DEFAULT_THRESHOLD) -> RollupPlan:
    """Decide every pooled row of the national page and each regional page at once."""
    councils = {la: RollupCouncil(la, plan) for la, plan in plans.items()}
    return RollupPlan({k: sorted(v) for k, v in rollups.items()}, councils, threshold).decide()

