"""Charts for the report: matplotlib in the Analysis Function style, as SVG images.

Why SVG embedded as an ``<img>`` data URI: the image is self-contained (no
network), scales on a phone, prints sharply, its ids cannot clash with other
charts on the page, and an ``<img>`` carries real alt text. Output is
deterministic (fixed hash salt, no dates, no creator), so two builds from the
same inputs are byte-identical. Colour is never the only cue: services differ
by marker shape too, and reference lines by dash style and a text label.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator  # noqa: E402

DARK_BLUE, ORANGE = "#12436D", "#F46A25"
CATEGORICAL = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
TEXT_GREY = "#3D3D3D"
SERVICE_STYLE = {"adults": (CATEGORICAL[0], "o"), "children": (CATEGORICAL[1], "s"), "all": (CATEGORICAL[2], "D")}
ADVERSE_TEXT = "#8A3A10"  # dark orange: 4.5:1 on white for the "adverse side" label

try:  # the Analysis Function style from afcharts, when installed
    import afcharts

    _STYLE: str | dict = str(Path(afcharts.__file__).parent / "afcharts.mplstyle")
except ImportError:  # pragma: no cover - afcharts is in requirements.txt
    _STYLE = {}

RC = {
    "svg.hashsalt": "scwres", "svg.fonttype": "none", "font.size": 12, "axes.titlesize": 11,
    "axes.titleweight": "bold", "axes.labelsize": 10, "axes.titlelocation": "left",
    "font.sans-serif": ["Arial", "Helvetica", "DejaVu Sans", "sans-serif"],
    "text.parse_math": False,  # labels come from params and returns: '$' is a character, never maths
}


def _figure(width: float, height: float, ncols: int = 1, nrows: int = 1):
    """A new figure in the house style (applied here, not at import, so importing has no side effects)."""
    plt.style.use(_STYLE)
    plt.rcParams.update(RC)
    return plt.subplots(nrows, ncols, figsize=(width, height), squeeze=False, layout="constrained")


def to_svg(fig) -> str:
    """Serialise a figure to SVG text with no date or creator, then close it."""
    buffer = io.StringIO()
    with plt.rc_context(RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def data_uri(svg: str) -> str:
    """An SVG as a ``data:`` URI for an ``<img src>``."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _titles(fig, ax, title: str, subtitle: str) -> None:
    """Active headline title and a subtitle that states the data, left-aligned above the plot."""
    ax.set_title(textwrap.fill(subtitle, 50), loc="left", fontsize=11, color=TEXT_GREY, fontweight="normal", pad=8)
    fig.suptitle(textwrap.fill(title, 44), x=0.01, ha="left", fontsize=13, fontweight="bold", color="#0B0C0C")


def _log_ticks(ax, low: float, high: float) -> None:
    """Readable ticks on a log axis: 0.25, 0.5, 1, 2, 4 ... within the range."""
    candidates = [0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 10, 20, 50, 100]
    ticks = [t for t in candidates if low <= t <= high]
    if len(ticks) > 7:
        ticks = [t for t in ticks if t in (0.01, 0.1, 0.25, 0.5, 1, 2, 4, 10, 100)]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))


def forest(points: list[dict], title: str, subtitle: str, adverse_below_one: bool,
           national: float | None = None) -> str:
    """Dot-and-interval chart of relative likelihoods on a log axis, a dashed line at 1.

    ``points``: dicts with ``label``, ``service``, ``value``, ``low``, ``high``
    (None: not drawn - suppressed or too little data; the caption says so).
    """
    fig, axes = _figure(5.0, 0.65 * max(len(points), 2) + 2.8)
    ax = axes[0][0]
    ax.grid(False)
    ax.grid(True, axis="x", color="0.85", linewidth=0.6)
    shown = [p for p in points if p["low"] is not None and p["high"] is not None]
    for y, p in enumerate(reversed(points)):
        if p["low"] is None or p["high"] is None:
            ax.text(0.02, y, "not shown", va="center", fontsize=10.5, color=TEXT_GREY,
                    transform=ax.get_yaxis_transform())
            continue
        colour, marker = SERVICE_STYLE.get(p["service"], (CATEGORICAL[4], "o"))
        ax.plot([p["low"], p["high"]], [y, y], color=colour, linewidth=2.2, solid_capstyle="butt")
        if p["value"] is not None and p["value"] > 0:
            ax.plot([p["value"]], [y], marker=marker, color=colour, markersize=9, linestyle="none",
                    markeredgecolor="white", markeredgewidth=0.8)
    ax.set_yticks(range(len(points)), [p["label"] for p in reversed(points)])
    ax.set_xscale("log")
    values = [v for p in shown for v in (p["low"], p["high"])] + [1.0] + ([national] if national else [])
    values = [v for v in values if v and v > 0]
    low, high = max(min(values) / 1.4, 0.01), min(max(values) * 1.4, 100)
    low, high = min(low, 1 / 1.6), max(high, 1.6)
    ax.set_xlim(low, high)
    _log_ticks(ax, low, high)
    ax.axvline(1, color=TEXT_GREY, linestyle="--", linewidth=1.2)
    top = len(points) - 0.35
    ax.text(1, top, "equally likely", color=TEXT_GREY, va="bottom", ha="center", fontsize=10.5)
    side = (low, 1) if adverse_below_one else (1, high)
    ax.axvspan(*side, color=ORANGE, alpha=0.07, linewidth=0)
    middle = math.sqrt(side[0] * side[1])
    ax.text(middle, -0.95, f"worse for the group ({'below' if adverse_below_one else 'above'} 1)",
            color=ADVERSE_TEXT, fontsize=10.5, va="center", ha="center")
    if national:
        ax.axvline(national, color=TEXT_GREY, linestyle=":", linewidth=1.5)
        ax.text(national, top + 0.45, f"national {national:.2f}", color=TEXT_GREY, fontsize=10.5, va="bottom",
                ha="center")
    ax.set_ylim(-1.4, len(points) + 0.35)
    ax.set_xlabel("Relative likelihood (log scale)\ndots: estimate; lines: 95% interval")
    ax.tick_params(axis="y", length=0)
    _titles(fig, ax, title, subtitle)
    return to_svg(fig)


def band_shares(bands: list[str], shares: list[float | None], overall: float | None,
                population: float | None, title: str, subtitle: str) -> str:
    """m1: minority ethnic share by pay band (low to high) with workforce and population lines."""
    fig, axes = _figure(5.0, 4.6)
    ax = axes[0][0]
    xs = list(range(len(bands)))
    heights = [s * 100 if s is not None else 0 for s in shares]
    bars = ax.bar(xs, heights, color=DARK_BLUE, width=0.65)
    for x, s, bar in zip(xs, shares, bars, strict=True):
        label = f"{s * 100:.1f}%" if s is not None else "[c]"
        ax.text(x, bar.get_height() + 0.6, label, ha="center", va="bottom", fontsize=10.5, color="#0B0C0C")
    handles = []
    if overall is not None:
        handles.append(ax.axhline(overall * 100, color=ORANGE, linestyle="--", linewidth=1.8,
                                  label=f"Whole workforce {overall * 100:.1f}%"))
    if population is not None:
        handles.append(ax.axhline(population * 100, color=TEXT_GREY, linestyle=":", linewidth=1.8,
                                  label=f"Local population {population * 100:.1f}%"))
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.2), ncol=1, fontsize=10.5, frameon=False)
    ax.set_xticks(xs, [textwrap.fill(b, 9) for b in bands], fontsize=10)
    ax.set_ylabel("Share of staff in the band (%)")
    tops = heights + [v * 100 for v in (overall, population) if v is not None]
    ax.set_ylim(0, max(tops + [1]) * 1.2)
    _titles(fig, ax, title, subtitle)
    return to_svg(fig)


def percent_pairs(rows: list[dict], title: str, subtitle: str, group_label: str) -> str:
    """m6/m7: white and minority ethnic percentages side by side, with Wilson intervals.

    ``rows``: dicts with ``label`` and, per group ``me``/``white``, a (value, low, high) or None.
    """
    fig, axes = _figure(5.0, 0.9 * max(len(rows), 2) + 2.8)
    ax = axes[0][0]
    ax.grid(False)
    ax.grid(True, axis="x", color="0.85", linewidth=0.6)
    styles = {"white": (DARK_BLUE, "o", 0.15, "White"), "me": (ORANGE, "s", -0.15, group_label)}
    for y, row in enumerate(reversed(rows)):
        for key, (colour, marker, offset, _) in styles.items():
            figure = row.get(key)
            if figure is None:
                ax.text(0.5, y + offset, "not shown", va="center", fontsize=10, color=TEXT_GREY)
                continue
            value, low, high = figure
            ax.plot([low * 100, high * 100], [y + offset] * 2, color=colour, linewidth=2.2)
            ax.plot([value * 100], [y + offset], marker=marker, color=colour, markersize=8, linestyle="none",
                    markeredgecolor="white", markeredgewidth=0.8)
    ax.set_yticks(range(len(rows)), [r["label"] for r in reversed(rows)])
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("Percentage of survey respondents\nlines: 95% interval")
    handles = [plt.Line2D([], [], color=c, marker=m, linestyle="-", label=lbl) for c, m, _, lbl in styles.values()]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.2), ncol=1, fontsize=10.5, frameon=False)
    ax.tick_params(axis="y", length=0)
    _titles(fig, ax, title, subtitle)
    return to_svg(fig)


def trend_grid(series: list[dict], title: str, subtitle: str) -> str:
    """Small multiples, one per metric: the RL for all staff in each period, with intervals.

    ``series``: dicts with ``title``, ``adverse_below_one`` and ``points`` - a list of
    (period, value, low, high), value None when not shown.
    """
    ncols = 2
    nrows = math.ceil(len(series) / ncols)
    fig, axes = _figure(5.0, 1.9 * nrows + 1.2, ncols=ncols, nrows=nrows)
    for index, ax in enumerate(ax for row in axes for ax in row):
        if index >= len(series):
            ax.axis("off")
            continue
        item = series[index]
        periods = [p[0] for p in item["points"]]
        ax.grid(False)
        ax.set_yscale("log")
        values = [v for p in item["points"] for v in p[1:] if v is not None and v > 0] + [1.0]
        low, high = max(min(values) / 1.3, 0.05), min(max(values) * 1.3, 20)
        low, high = min(low, 0.6), max(high, 1.7)
        ax.set_ylim(low, high)
        ax.axhspan(*((low, 1) if item["adverse_below_one"] else (1, high)), color=ORANGE, alpha=0.07, linewidth=0)
        ax.axhline(1, color=TEXT_GREY, linestyle="--", linewidth=1)
        for x, (_, value, lo, hi) in enumerate(item["points"]):
            if value is None or lo is None or hi is None:
                ax.text(x, 1, "not\nshown", ha="center", va="center", fontsize=7.5, color=TEXT_GREY,
                        backgroundcolor="white")
                continue
            ax.plot([x, x], [lo, hi], color=DARK_BLUE, linewidth=2)
            if value > 0:
                ax.plot([x], [value], marker="o", color=DARK_BLUE, markersize=6, markeredgecolor="white")
        ax.set_xticks(range(len(periods)), periods, fontsize=10)
        ax.set_xlim(-0.6, len(periods) - 0.4)
        ticks = [t for t in (0.1, 0.25, 0.5, 1, 2, 4, 10) if low <= t <= high]
        ax.yaxis.set_major_locator(FixedLocator(ticks))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.tick_params(labelsize=10)
        ax.set_title(item["title"], fontsize=11, loc="left", fontweight="bold")
    fig.suptitle(textwrap.fill(title, 48) + "\n" + textwrap.fill(subtitle, 60), x=0.01, ha="left", fontsize=11.5)
    return to_svg(fig)
