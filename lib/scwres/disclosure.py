"""Disclosure control: which metric rows a public report must show as ``[c]``.

Primary suppression hides any row resting on a count from 1 to threshold-1.
Secondary suppression then closes the ways a hidden count could be recovered
by subtraction from figures that add up: adults + children = all (per metric
and breakdown), the sub-groups add up to the minority ethnic total, and the
pay bands add up to the whole workforce. In each such family, if exactly one
member is hidden while the total is shown, the next smallest member is hidden
too; this repeats until nothing changes.
"""

from __future__ import annotations

import pandas as pd

COUNT_COLUMNS = ("events_me", "base_me", "events_white", "base_white")


def is_small(value: int, threshold: int) -> bool:
    """A count that must not be published: 1 to threshold-1 (0 is shown)."""
    return 0 < int(value) < threshold


def primary(frame: pd.DataFrame, threshold: int) -> pd.Series:
    """Rows resting directly on a small count (population figures are public census data)."""
    flags = []
    for row in frame.itertuples(index=False):
        if row.breakdown == "population_share":
            flags.append(False)
            continue
        flags.append(any(is_small(getattr(row, c), threshold) for c in COUNT_COLUMNS))
    return pd.Series(flags, index=frame.index)


def families(frame: pd.DataFrame) -> list[tuple[int, list[int]]]:
    """(total row, member rows) groups whose member counts add up to the total's."""
    out: list[tuple[int, list[int]]] = []
    index = {(r.service, r.metric, r.breakdown): i for i, r in zip(frame.index, frame.itertuples(index=False))}
    for (service, metric, breakdown), i in index.items():
        if service == "all" and (("adults", metric, breakdown) in index) and (("children", metric, breakdown) in index):
            out.append((i, [index[("adults", metric, breakdown)], index[("children", metric, breakdown)]]))
        if breakdown == "overall":
            members = [j for (s, m, b), j in index.items() if s == service and m == metric and b.startswith("subgroup:")]
            if metric == "m1":
                members = [j for (s, m, b), j in index.items() if s == service and m == "m1" and b != "overall"]
            if members:
                out.append((i, members))
    return out


def flag_suppressed(frame: pd.DataFrame, threshold: int) -> pd.Series:
    """Primary plus secondary suppression flags for every row of a metrics table."""
    flags = primary(frame, threshold)
    size = frame[list(COUNT_COLUMNS)].min(axis=1)
    groups = families(frame)
    changed = True
    while changed:
        changed = False
        for total, members in groups:
            hidden = [m for m in members if flags[m]]
            shown = [m for m in members if not flags[m]]
            if flags[total] or len(hidden) != 1 or not shown:
                continue
            smallest = min(shown, key=lambda m: (size[m], m))
            flags[smallest] = True
            changed = True
    return flags.astype(bool)
