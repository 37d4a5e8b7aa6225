"""Charts as inline SVG, drawn deterministically (fixed hash salt, no dates).

Each function returns SVG text; the report wraps it in a ``<figure>`` with alt
text and a caption, followed by a table of the same numbers.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402

DARK_BLUE, ORANGE = "#12436D", "#F46A25"
CATEGORICAL = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
SERVICE_STYLE = {"adults": (CATEGORICAL[0], "o"), "children": (CATEGORICAL[1], "s"), "all": (CATEGORICAL[2], "D")}

plt.rcParams.update({
    "svg.hashsalt": "scwres", "svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 10,
    "axes.spines.top": False, "axes.spines.right": False,
})


def to_svg(fig) -> str:
    """Serialise a figure to SVG text with no date and fixed ids, then close it."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def forest(points: list[dict], title: str, adverse_below_one: bool, national: float | None = None) -> str:
    """Dot-and-interval chart of RLs on a log axis with a dashed line at 1.

    ``points``: dicts with ``label``, ``service``, ``value``, ``low``, ``high`` (None to skip).
    """
    fig, ax = plt.subplots(figsize=(7, 0.55 * max(len(points), 2) + 1.3))
    shown = [p for p in points if p["low"] is not None and p["high"] is not None]
    for y, p in enumerate(reversed(points)):
        if p["low"] is None or p["high"] is None:
            continue
        colour, marker = SERVICE_STYLE.get(p["service"], (CATEGORICAL[4], "o"))
        ax.plot([p["low"], p["high"]], [y, y], color=colour, linewidth=2)
        if p["value"] is not None and p["value"] > 0:
            ax.plot([p["value"]], [y], marker=marker, color=colour, markersize=8, linestyle="none")
    ax.set_yticks(range(len(points)), [p["label"] for p in reversed(points)])
    ax.set_xscale("log")
    values = [v for p in shown for v in (p["low"], p["high"])] + [1.0] + ([national] if national else [])
    low, high = max(min(values) / 1.3, 0.01), min(max(values) * 1.3, 100)
    ax.set_xlim(low, high)
    ax.axvline(1, color="#3D3D3D", linestyle="--", linewidth=1)
    ax.text(1, len(points) - 0.4, " equally likely", color="#3D3D3D", va="bottom", fontsize=9)
    side = (low, 1) if adverse_below_one else (1, high)
    ax.axvspan(*side, color="#F46A25", alpha=0.08, linewidth=0)
    ax.text(side[0] * 1.05 if not adverse_below_one else side[0] * 1.05, -0.9,
            "adverse side", color="#8a3a10", fontsize=9, va="top")
    if national:
        ax.axvline(national, color=CATEGORICAL[4], linestyle=":", linewidth=1.2)
        ax.text(national, -0.9, f" national {national:g}", color=CATEGORICAL[4], fontsize=9, va="top")
    ax.set_ylim(-1.4, len(points) - 0.2)
    ax.set_xlabel("Relative likelihood, minority ethnic ÷ white (log scale)")
    ax.set_title(title, loc="left", fontsize=11)
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
    return to_svg(fig)


def band_shares(bands: list[str], shares: list[float | None], overall: float | None,
                population: float | None, title: str) -> str:
    """m1: minority ethnic share by pay band (low to high) with reference lines."""
    fig, ax = plt.subplots(figsize=(7, 3.6))
    xs = range(len(bands))
    heights = [s * 100 if s is not None else 0 for s in shares]
    bars = ax.bar(xs, heights, color=DARK_BLUE)
    for x, s, bar in zip(xs, shares, bars):
        label = f"{s * 100:.1f}%" if s is not None else "[c]"
        ax.text(x, bar.get_height() + 0.5, label, ha="center", va="bottom", fontsize=9)
    if overall is not None:
        ax.axhline(overall * 100, color=ORANGE, linestyle="--", linewidth=1.5)
        ax.text(len(bands) - 0.5, overall * 100, f" workforce {overall * 100:.1f}%", color="#8a3a10", va="bottom",
                ha="right", fontsize=9)
    if population is not None:
        ax.axhline(population * 100, color=CATEGORICAL[4], linestyle=":", linewidth=1.5)
        ax.text(-0.5, population * 100, f"population {population * 100:.1f}% ", color=CATEGORICAL[4],
                va="bottom", fontsize=9)
    ax.set_xticks(list(xs), bands, rotation=0, fontsize=8)
    ax.set_ylabel("Minority ethnic share (%)")
    ax.set_title(title, loc="left", fontsize=11)
    return to_svg(fig)
