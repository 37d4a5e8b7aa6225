"""Chart axes fitted to the figures: limits and labelled ticks for the report's log and percentage axes.

Why apart from the drawing (``charts.py``): what an axis spans and which ticks carry numbers are rules
a reader relies on - the figures fill the axis, reference lines stay in view, and every value axis has
at least two labelled ticks - and ``tests/test_chart_layout.py`` checks them on every chart.
"""

from __future__ import annotations

import math

from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

__all__ = ["LOG_NARROWEST", "LOG_PAD", "fitted_percent_limits", "log_limits", "log_tick_values", "log_ticks"]

LOG_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 0.75, 0.8, 1, 1.25, 1.5, 2, 4, 5, 10, 20, 50, 100)


def log_tick_values(low: float, high: float, most: int = 6) -> list[float]:
    """Readable ticks for a log axis from ``low`` to ``high``: 1 first, then outwards, far enough apart
    that labels never touch, and never fewer than two (a narrow axis, 0.6 to 1.7, gets 0.8, 1 and 1.25:
    a lone "1" tells the reader nothing about the scale)."""
    ticks = [t for t in LOG_TICKS if low <= t <= high]
    gap = (math.log(high) - math.log(low)) / most
    kept: list[float] = []
    for t in sorted(ticks, key=lambda t: (t != 1, abs(math.log(t)))):  # keep 1 first, then outwards
        if all(abs(math.log(t) - math.log(k)) >= gap for k in kept):
            kept.append(t)
    for t in sorted(ticks, key=lambda t: -min((abs(math.log(t) - math.log(k)) for k in kept), default=0)):
        if len(kept) >= 2:
            break
        if t not in kept:  # the candidate farthest from those kept
            kept.append(t)
    return sorted(kept)


LOG_PAD = 1.25  # at most this much room either side of the outermost figures on a log axis, as a factor
LOG_NARROWEST = (0.75, 1.34)  # a log axis always spans at least this: "equally likely" with room either side


def log_limits(values: list[float], floor: float, ceiling: float) -> tuple[float, float]:
    """A log axis fitted to ``values`` (1 and any reference line among them) with a little room, at least
    ``LOG_NARROWEST`` wide and within ``floor`` to ``ceiling``. The room is at most half the figures'
    own span each side, so they fill at least half the axis unless it is at its narrowest."""
    span = math.log(max(values) / min(values))
    pad = math.exp(min(math.log(LOG_PAD), max(span / 2, math.log(1.05))))
    low, high = max(min(values) / pad, floor), min(max(values) * pad, ceiling)
    return min(low, LOG_NARROWEST[0]), max(high, LOG_NARROWEST[1])


def log_ticks(ax, low: float, high: float, axis: str = "x", most: int = 6) -> None:
    """Labelled major ticks on a log axis (``log_tick_values``); no unlabelled minor ticks."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(FixedLocator(log_tick_values(low, high, most)))
    target.set_minor_locator(NullLocator())
    target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))


def fitted_percent_limits(values: list[float]) -> tuple[float, float]:
    """Percentage axis limits that fit the figures, on round ticks within 0 to 100.

    Why: on a 0-100% axis, survey answers of 6-17% sat in the left fifth and their intervals could not
    be told apart. The axis now spans the figures with a little room, snapped outwards to at most five round ticks
    (more crowd each other at 390 px)."""
    shown = [v for v in values if v is not None and not math.isnan(v)]
    if not shown:
        return 0.0, 100.0
    low, high = min(shown), max(shown)
    pad = max(2.0, 0.1 * (high - low))
    ticks = MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]).tick_values(max(0.0, low - pad), min(100.0, high + pad))
    return max(0.0, float(ticks[0])), min(100.0, float(ticks[-1]))
