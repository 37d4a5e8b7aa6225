"""Least loss across pages: hide one more council cell rather than a national or regional pooled figure.

Why: the roll-up plan (``publication.RollupPlan``) takes every council's plan
as given, so when one council withholds a count of a pooled row, and every
other council shows theirs, the only way to protect it is to hide the pooled
row - the figure readers want most (``weights``: a national figure costs 1,000,
a regional one 500, a council's all-staff count 8). Hiding the same count in
one more council too (the one with the largest count, so the left-over is
wide) often lets the pooled row show again, at the cost of a few council
cells. This module searches for such trades and keeps one only when the
whole loss - pooled rows hidden plus council counts hidden, each at its
weight - goes down. Safety is never traded: every trial is decided by the
same roll-up plan and the council's own audited plan, so a trade that would
let a withheld count be worked out is simply not taken.

The search is greedy and bounded (``MAX_TRIALS``): rows in order of weight,
at most ``PARTNERS`` candidate councils per row. It starts from the plans
without any request, so the requests it returns depend only on the data. It
runs only for roll-ups of at most ``MAX_COUNCILS`` councils: each trial
decides the whole roll-up again, which for all of England costs minutes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .publication import RollupPlan, rollup_plan
from .span import is_small
from .suppression import Plan, row_key
from .weights import count_weight, rollup_weight

PARTNERS = 2  # councils tried per hidden pooled row, largest count first
MAX_TRIALS = 80  # re-plans per period at most (each re-plans one council and the roll-up)
# Each trial decides the whole roll-up again: about 150 s of CPU for the 153 councils of England
# (``make bench``'s (n)), against well under a second for a few councils. Until a trial can re-decide
# only the rows it touches, the search runs only where that is affordable.
MAX_COUNCILS = 30

Replan = Callable[[str, frozenset[str]], Plan]  # (council, keys to hide) -> its plan with them hidden


@dataclass
class Outcome:
    """The requests kept (council -> keys), the plans with them, the roll-up decided on those plans,
    and the loss before and after (for ``make national``'s message and the benchmark)."""

    requests: dict[str, set[str]]
    plans: dict[str, Plan]
    rollup: RollupPlan
    before: RollupPlan  # the roll-up on the plans without requests
    loss_before: float
    loss_after: float
    trials: int = 0
    shown: list[tuple[str, str, str]] = field(default_factory=list)  # pooled rows the requests let show

    def published(self, rollup: RollupPlan) -> tuple[int, int]:
        """(national, regional) pooled rows shown under ``rollup``."""
        shown = [name for name, las in rollup.rollups.items() if las
                 for m, s, _ in rollup.rows() if not rollup.hidden(name, m, s)]
        return shown.count(""), len(shown) - shown.count("")


def loss(rollup: RollupPlan, plans: dict[str, Plan]) -> float:
    """What readers lose: each hidden pooled row of a roll-up that has councils, and each hidden council
    count, at its weight (``weights``)."""
    pooled = sum(rollup_weight(name) for name, _, _ in rollup.hidden_rows if rollup.rollups.get(name))
    council = sum(count_weight(key) for plan in plans.values() for key in plan.hidden_keys)
    return pooled + council


def _columns(metric: str) -> tuple[str, ...]:
    return next(cols for m, _, cols in RollupPlan.rows() if m == metric)


def _candidates(rollup: RollupPlan, plans: dict[str, Plan], name: str, metric: str, service: str
                ) -> tuple[list[str], list[str]]:
    """(the row's counts some council withholds, up to ``PARTNERS`` councils showing all of them, largest
    total first); nothing when a pooled count itself is small: no council cell makes a small total publishable."""
    keys = [row_key(metric, service, "overall", c) for c in _columns(metric)]
    las = rollup.rollups[name]
    if any(is_small(sum(int(plans[la].values.get(k, 0)) for la in las), rollup.threshold) for k in keys):
        return [], []
    withheld = [k for k in keys if any(plans[la].hidden(k) or k not in plans[la].values for la in las)]
    if not withheld:
        return [], []
    showing = [la for la in las if all(k in plans[la].values and not plans[la].hidden(k) for k in withheld)]
    showing.sort(key=lambda la: (-sum(int(plans[la].values[k]) for k in withheld), la))
    return withheld, showing[:PARTNERS]


def affordable(rollups: dict[str, list[str]]) -> bool:
    """Is a search affordable (``MAX_COUNCILS``)? Ask before deciding anything: one decision of the whole
    roll-up is already minutes for all of England."""
    return len(rollups.get("", [])) <= MAX_COUNCILS


def search(rollups: dict[str, list[str]], plans: dict[str, Plan], replan: Replan, threshold: int) -> Outcome:
    """Trade council cells for pooled rows while the whole loss goes down.

    ``plans``: every council's plan with nothing requested; ``replan`` gives a council's plan with some
    counts hidden at a roll-up's request (``suppression.plan``'s ``forced``).
    """
    current = dict(plans)
    best = start = rollup_plan(rollups, current, threshold)
    best_loss = before = loss(best, current)
    requests: dict[str, set[str]] = {}
    trials, first = 0, set(best.hidden_rows)
    if not affordable(rollups):  # too costly to search: no trade
        return Outcome(requests, current, best, start, before, best_loss, trials, [])
    # One row at a time, then each metric's rows of a roll-up together: all staff = adults + children, so
    # a service row often stays hidden until the other two can show as well.
    rows = sorted(best.hidden_rows, key=lambda r: (-rollup_weight(r[0]), r))
    bundles = [[row] for row in rows]
    bundles += [[r for r in rows if r[:2] == key] for key in sorted({r[:2] for r in rows}, key=lambda k: (
        -rollup_weight(k[0]), k)) if sum(r[:2] == key for r in rows) > 1]
    for bundle in bundles:
        bundle = [r for r in bundle if len(rollups.get(r[0], [])) > 1 and best.hidden(*r)]
        if not bundle:
            continue  # a region of one council shows what that council shows; or an earlier trade freed it
        withheld: set[str] = set()
        partners: list[str] = []
        for row in bundle:
            keys, las = _candidates(best, current, *row)
            withheld |= set(keys)
            partners += [la for la in las if la not in partners]
        for la in partners[:PARTNERS]:
            if trials >= MAX_TRIALS:
                break
            trials += 1
            asked = requests.get(la, set()) | withheld
            trial_plans = {**current, la: replan(la, frozenset(asked))}
            trial = rollup_plan(rollups, trial_plans, threshold)
            trial_loss = loss(trial, trial_plans)
            if trial_loss < best_loss:
                requests[la], current, best, best_loss = asked, trial_plans, trial, trial_loss
                break
    shown = sorted(r for r in first if not best.hidden(*r) and rollups.get(r[0]))
    return Outcome(requests, current, best, start, before, best_loss, trials, shown)
