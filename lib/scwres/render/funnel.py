"""Funnel plots: is a council's relative likelihood unusual, given how many staff it has?

Why a funnel and not a league table: a small council's RL swings widely by
chance, so ranking councils by RL puts the smallest at both ends. A funnel
plot draws each council's RL against its base size with control limits that
narrow as the base grows; a council outside the limits is unusual for its
size, whatever its size (Spiegelhalter, "Funnel plots for comparing
institutional performance", Statistics in Medicine 2005).

The method, on the log scale where the RL's sampling distribution is close to
normal (the scale of the Katz standard error that ``stats`` uses for the trend test):

- centre: the pooled RL of all councils, ``theta0 = ln RL0`` with
  ``RL0 = (A / N1) / (C / N2)`` from the summed counts; ``p1 = A / N1`` and
  ``p2 = C / N2`` are the pooled minority ethnic and white rates;
- a council with bases ``n1`` (minority ethnic) and ``n2`` (white) whose true
  RL were RL0 would have a log-RL standard error of
  ``SE0 = sqrt((1 - p1) / (n1 p1) + (1 - p2) / (n2 p2))`` (the delta method;
  the same quantity the Katz formula estimates from the council's own counts);
- limits: ``exp(theta0 ± z SE0)`` with z = 1.959964 (95%) and 3.090232
  (99.8%); a council is outside them when ``|ln RL - theta0| > z SE0``;
- x-axis: councils differ in their minority ethnic share as well as size, so
  each is placed at its *effective base*, ``n_eff = K / SE0²`` with
  ``K = (1 - p1) / (s p1) + (1 - p2) / ((1 - s) p2)`` and ``s = N1 / (N1 + N2)``
  the pooled minority ethnic share: the total base a council with the pooled
  share would need to be as precise. Then the limit curves are simply
  ``exp(theta0 ± z sqrt(K / n))`` and a point lies outside a curve exactly
  when the test above says so; for a council with the pooled share
  ``n_eff`` is its actual base ``n1 + n2``.

No allowance is made for over-dispersion (real differences between councils
beyond chance), so with many councils more than 5% will sit outside the 95%
limits; the 99.8% limits are the ones to act on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..metrics.stats import Z95

Z998 = 3.090232  # two-sided 99.8%: the conventional "alarm" limits of a funnel plot
WITHIN, BEYOND_95, BEYOND_998 = "within", "beyond_95", "beyond_998"


@dataclass(frozen=True)
class Basis:
    """What the limits rest on: the pooled log RL, pooled rates and the variance constant K."""

    log_centre: float
    p_me: float
    p_white: float
    share_me: float
    k: float

    @property
    def centre(self) -> float:
        return math.exp(self.log_centre)


def basis(events_me: int, base_me: int, events_white: int, base_white: int) -> Basis | None:
    """The funnel's centre and spread from pooled counts; None when a pooled rate is 0 or 1."""
    if min(base_me, base_white) <= 0:
        return None
    p1, p2 = events_me / base_me, events_white / base_white
    if not (0 < p1 < 1 and 0 < p2 < 1):
        return None
    share = base_me / (base_me + base_white)
    k = (1 - p1) / (share * p1) + (1 - p2) / ((1 - share) * p2)
    return Basis(math.log(p1 / p2), p1, p2, share, k)


def null_se(b: Basis, base_me: int, base_white: int) -> float | None:
    """SE of ln RL for a council of these bases if its true RL were the pooled one."""
    if base_me <= 0 or base_white <= 0:
        return None
    return math.sqrt((1 - b.p_me) / (base_me * b.p_me) + (1 - b.p_white) / (base_white * b.p_white))


def effective_base(b: Basis, base_me: int, base_white: int) -> float | None:
    """The total base a council with the pooled minority ethnic share would need for the same SE0."""
    se = null_se(b, base_me, base_white)
    return None if se is None else b.k / (se * se)


def limits(b: Basis, n: float, z: float) -> tuple[float, float]:
    """Lower and upper control limits on the RL scale at effective base ``n``."""
    half = z * math.sqrt(b.k / n)
    return math.exp(b.log_centre - half), math.exp(b.log_centre + half)


def position(b: Basis, rl: float, base_me: int, base_white: int) -> tuple[str, str]:
    """(within / beyond_95 / beyond_998, above / below / '') for a council's RL."""
    se = null_se(b, base_me, base_white)
    if se is None or rl <= 0:
        return "", ""
    z = (math.log(rl) - b.log_centre) / se
    side = "above" if z > 0 else "below"
    if abs(z) > Z998:
        return BEYOND_998, side
    if abs(z) > Z95:
        return BEYOND_95, side
    return WITHIN, ""


def published(b: Basis) -> Basis:
    """The basis rebuilt from the figures at the precision a page publishes them: the pooled RL at 2 dp,
    the pooled rates and the minority ethnic share at 0.1%.

    Why: an SVG carries its coordinates at full precision, so a centre line drawn at the unrounded pooled
    RL - or limit curves from the unrounded rates - would publish those figures exactly, more than the
    page says (docs/methods.md, "Disclosure control"). The chart is drawn from this; which council is
    outside the limits is still decided on the exact figures (``position``).
    """
    p1, p2, share = (min(max(round(v, 3), 0.0005), 0.9995) for v in (b.p_me, b.p_white, b.share_me))
    k = (1 - p1) / (share * p1) + (1 - p2) / ((1 - share) * p2)
    return Basis(math.log(max(round(b.centre, 2), 0.005)), p1, p2, share, k)


def drawn_point(point: dict) -> dict:
    """A council's marker at published precision: its RL at 2 dp, its comparable size at 3 significant figures."""
    return {**point, "rl": round(float(point["rl"]), 2), "n_eff": float(f"{float(point['n_eff']):.3g}")}


def draw(points: list[dict], b: Basis, title: str, subtitle: str, precise: bool = False) -> str:
    """The funnel plot as SVG text, from the figures at their published precision (``published``).

    ``precise``: draw the unrounded figures instead (only for the test that shows the rounding matters).

    ``points``: dicts with ``label``, ``n_eff``, ``rl`` and ``position``
    (from ``position``). Points beyond the 99.8% limits are labelled with
    the council's name; each position has its own colour *and* marker.
    """
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    from .charts import CATEGORICAL, RC, to_svg

    styles = {WITHIN: (CATEGORICAL[0], "o", "inside the 95% limits"),
              BEYOND_95: (CATEGORICAL[3], "^", "outside the 95% limits"),
              BEYOND_998: (CATEGORICAL[2], "D", "outside the 99.8% limits")}
    grey = CATEGORICAL[4]
    if not precise:
        b, points = published(b), [drawn_point(p) for p in points]
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(7.2, 4.6))
        xs = [p["n_eff"] for p in points] or [100.0]
        low, high = min(xs) / 1.6, max(xs) * 1.6
        grid = [low * (high / low) ** (i / 200) for i in range(201)]
        for z, style, label in ((Z95, "--", "95% limits"), (Z998, ":", "99.8% limits")):
            lower, upper = zip(*(limits(b, n, z) for n in grid), strict=True)
            ax.plot(grid, upper, color=grey, linestyle=style, linewidth=1.3, label=label)
            ax.plot(grid, lower, color=grey, linestyle=style, linewidth=1.3)
        ax.axhline(b.centre, color=grey, linewidth=1.2, label=f"pooled relative likelihood {b.centre:.2f}")
        ax.axhline(1, color="#b1b4b6", linewidth=0.8)
        for key, (colour, marker, label) in styles.items():
            chosen = [p for p in points if p["position"] == key]
            if chosen:
                ax.plot([p["n_eff"] for p in chosen], [p["rl"] for p in chosen], linestyle="none", marker=marker,
                        color=colour, markersize=7, markeredgecolor="white", markeredgewidth=0.6,
                        label=f"council {label}")
        for p in points:
            if p["position"] == BEYOND_998:
                ax.annotate(p["label"], (p["n_eff"], p["rl"]), xytext=(5, 3), textcoords="offset points",
                            fontsize=8, color="#0B0C0C")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ys = [p["rl"] for p in points] + [v for n in (low, high) for v in limits(b, n, Z998)] + [1.0]
        ax.set_ylim(max(min(ys) / 1.15, 0.01), min(max(ys) * 1.15, 100))
        ax.set_xlim(low, high)
        x_ticks = [t for t in (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000,
                               200_000, 500_000, 1_000_000) if low <= t <= high]
        y_low, y_high = ax.get_ylim()
        y_ticks = [t for t in (0.05, 0.1, 0.2, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 10, 20) if y_low <= t <= y_high]
        for axis, ticks in ((ax.xaxis, x_ticks), (ax.yaxis, y_ticks)):
            axis.set_major_locator(FixedLocator(ticks))
            axis.set_minor_locator(NullLocator())
            axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 10 else f"{v:g}"))
        ax.set_xlabel("Comparable size: people compared, adjusted for the group mix (log scale)")
        ax.set_ylabel("Relative likelihood (log scale)")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8, frameon=False)
        ax.set_title(subtitle, loc="left", fontsize=9.5, color=grey, fontweight="normal", pad=8)
        fig.suptitle(title, x=0.01, ha="left", fontsize=11.5, fontweight="bold", color="#0B0C0C")
        return to_svg(fig)
