"""What it costs readers to lose a figure: the one place secondary suppression takes its weights from.

Why weights: when a hidden count must be protected, several shown counts could
be hidden instead, and they are not worth the same. The figure readers want
most is the national one, then a region's, then a council's all-staff row,
then its service rows, and least its sub-groups, pay bands and
unknown-ethnicity counts. Secondary suppression (``span.suppress_rounds``,
``audit.protect``, ``publication.RollupPlan``) hides the cheapest candidate
first, by (weight, value): one more small council cell rather than a pooled
figure. docs/methods.md ("Which figures are hidden to protect others") quotes
these numbers; change them here only.
"""

from __future__ import annotations

NATIONAL = 1000.0  # a pooled figure of the national page
REGIONAL = 500.0  # a pooled figure of a regional page
ALL_STAFF = 8.0  # a council's all-staff row (service "all")
SERVICE = 4.0  # a council's adults' or children's row
DETAIL = 1.0  # a sub-group, a pay band, an unknown-ethnicity count


def count_weight(key: str) -> float:
    """The weight of a council count from its plan key (``metric|service|breakdown|column`` or
    ``unknown|source|service`` / ``total|source|service``)."""
    parts = key.split("|")
    if len(parts) < 3:  # not a report's key (hand-made catalogues in tests): the lowest weight
        return DETAIL
    if parts[0] == "unknown":
        return DETAIL
    if parts[0] == "total":
        return ALL_STAFF if parts[2] == "all" else SERVICE
    metric, service, breakdown = parts[0], parts[1], parts[2]
    if breakdown.startswith("subgroup:") or (metric == "m1" and breakdown != "overall"):
        return DETAIL
    return ALL_STAFF if service == "all" else SERVICE


def rollup_weight(rollup: str) -> float:
    """The weight of a pooled row: ``rollup`` is "" for the national page, else a region."""
    return NATIONAL if rollup == "" else REGIONAL
