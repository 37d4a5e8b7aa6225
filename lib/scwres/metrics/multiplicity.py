"""How many comparisons, and which significant findings survive the Benjamini-Hochberg check.

Each comparison a report shows has about a one in twenty chance of coming out
"significant" when there is no real difference, so the more it shows, the more
chance findings it holds. docs/methods.md: every significant finding is also
checked with the Benjamini-Hochberg procedure at 5% over the comparisons the
report actually makes (statsmodels ``multipletests(method="fdr_bh")``, on the
p-values of the same tests that decided them).
"""

from __future__ import annotations

from collections.abc import Sequence

from statsmodels.stats.multitest import multipletests

FDR = 0.05  # the false discovery rate the check controls


def bh_survivors(pvalues: Sequence[float], alpha: float = FDR) -> list[bool]:
    """For each p-value, does it stay significant under Benjamini-Hochberg at ``alpha``? Empty in, empty out."""
    if not pvalues:
        return []
    reject = multipletests(list(pvalues), alpha=alpha, method="fdr_bh")[0]
    return [bool(r) for r in reject]
