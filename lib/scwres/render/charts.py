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
from matplotlib.ticker import FuncFormatter  # noqa: E402
from matplotlib.transforms import blended_transform_factory  # noqa: E402

from .chart_axes import fitted_percent_limits, log_limits, log_ticks  # noqa: E402

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



WIDTH = 4.0  # inches: drawn for a phone. At 390 px wide every label is >= 12 px (tests/test_accessibility.py).
SMALLEST = 11  # points: the smallest text any chart draws
RC = {
    "svg.hashsalt": "scwres", "svg.fonttype": "none", "font.size": 12, "axes.titlesize": 12,
    "axes.titleweight": "bold", "axes.labelsize": SMALLEST, "axes.titlelocation": "left",
    "xtick.labelsize": SMALLEST, "ytick.labelsize": SMALLEST, "legend.fontsize": SMALLEST,
    "font.sans-serif": ["Arial", "Helvetica", "DejaVu Sans", "sans-serif"],
    "text.parse_math": False,  # labels come from params and returns: '$' is a character, never maths
}
MARKER_CLEARANCE = 9.0  # points between an axis and its labels where a mark may sit on the axis line
LABEL_BOX = {"facecolor": "white", "edgecolor": "none", "pad": 1.0}  # a label stays readable over a line


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


def _svg(kind: str, draw, *args) -> str:
    """A chart's SVG text, drawn once per distinct set of arguments while the process lives.

    Why: a chart is a pure function of its arguments (fixed style, hash salt and no date), and drawing
    one costs a fifth of a second of text layout. ``make preview`` rebuilds the report after each
    commentary edit with the same figures, so its charts come from here; ``scwres.memo`` keeps the cache
    bounded. The key is the arguments as canonical JSON, so any changed figure or label draws anew. Across
    processes the SVG is kept on disk (``memo.on_disk``), keyed also by the code, the pinned versions and
    the fonts found here.
    """
    from .. import memo

    def drawn() -> str:  # a new process (``make report``) finds the SVG of an unchanged chart on disk
        svg = memo.on_disk("charts", [kind, _fonts(), args], lambda: to_svg(draw(*args)).encode("utf-8"))
        return svg.decode("utf-8")

    return memo.cached(("chart", kind, memo.canonical(args)), drawn, copy_result=False)


def _fonts() -> list[str]:
    """The font files the house style resolves to here: the text layout, so the SVG, depends on them."""
    from matplotlib import font_manager

    with plt.rc_context(RC):
        return [Path(font_manager.findfont(font_manager.FontProperties(weight=w))).name for w in ("normal", "bold")]


def data_uri(svg: str) -> str:
    """An SVG as a ``data:`` URI for an ``<img src>``."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _titles(fig, ax, title: str, subtitle: str) -> None:
    """Active headline title and a subtitle that states the data, left-aligned above the plot."""
    # Wrapped short enough that even wide letters keep the drawing within WIDTH (a wider SVG is scaled
    # down on a phone, and its text with it).
    sub = ax.set_title(textwrap.fill(subtitle, 42), loc="left", fontsize=SMALLEST, color=TEXT_GREY,
                       fontweight="normal", pad=8)
    # from the figure's left edge, like the title, not the axes' (after the y labels): x in figure
    # units, y above the axes as any title
    sub.set_transform(blended_transform_factory(fig.transFigure, ax.transAxes) + ax.titleOffsetTrans)
    sub.set_x(0.01)
    fig.suptitle(textwrap.fill(title, 32), x=0.01, ha="left", fontsize=12.5, fontweight="bold", color="#0B0C0C")


def _legend(fig, handles: list) -> None:
    """A key under the plot, outside it, so the layout leaves room and it never covers a mark or label."""
    fig.legend(handles=handles, loc="outside lower left", ncol=1, frameon=False)


def drawable(points: list[dict]) -> bool:
    """Has a forest chart anything to draw? (An empty chart becomes a sentence in the report.)
    An interval with no upper bound (``high`` None) is drawn, as an arrow."""
    return any(p["low"] is not None for p in points)


def forest_notes(points: list[dict], edge: str = "left") -> str:
    """Caption sentences for the marks a zero cell adds, so the key says what every mark means."""
    notes = []
    if any(p.get("low") is not None and p.get("value") == 0 for p in points):
        notes.append(f" A dot at the {edge} edge marked 0: no cases in the group, so the estimate is 0 (the log "
                     "scale cannot show 0) and the interval starts at 0.")
    if any(p.get("low") is not None and p.get("high") is None for p in points):
        notes.append(" An arrow: no white staff had the event, so the relative likelihood is not defined (no dot) "
                     "and the interval has no upper limit.")
    return "".join(notes)


def _marks_key(points: list[dict]) -> str:
    """The axis label's key: dots and lines, plus the zero and arrow marks when the chart has them."""
    parts = ["dots: estimate", "lines: 95% interval"]
    if any(p.get("low") is not None and p.get("value") == 0 for p in points):
        parts.append("0: none in the group")
    if any(p.get("low") is not None and p.get("high") is None for p in points):
        parts.append("arrow: no upper limit")
    return "; ".join(parts)


def _span(ax, x0: float, x1: float, y: float, colour: str, open_ended: bool, vertical: bool = False) -> None:
    """An interval as a line, or as an arrow running off the axis when it has no upper bound."""
    start, end = ((y, x0), (y, x1)) if vertical else ((x0, y), (x1, y))
    if open_ended:
        ax.annotate("", xy=end, xytext=start, annotation_clip=False,
                    arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 2.2, "shrinkA": 0, "shrinkB": 0,
                                "mutation_scale": 14})
    else:
        xs, ys = zip(start, end, strict=True)
        ax.plot(xs, ys, color=colour, linewidth=2 if vertical else 2.2, solid_capstyle="butt")


def forest(points: list[dict], title: str, subtitle: str, adverse_below_one: bool,
           national: float | None = None) -> str:
    """Dot-and-interval chart of relative likelihoods on a log axis, a dashed line at 1 (SVG text)."""
    points = [{**p, **{k: _at(p.get(k), 2) for k in ("value", "low", "high")}} for p in points]
    return _svg("forest", draw_forest, points, title, subtitle, adverse_below_one, _at(national, 2))


def _at(value: float | None, places: int) -> float | None:
    """A figure at the precision the page prints it (RLs at 2 dp, shares at 0.1%): an SVG carries its
    coordinates at full precision, so a chart drawn from unrounded values would publish more than the
    page says (docs/methods.md, "Disclosure control")."""
    return None if value is None else round(float(value), places)


def draw_forest(points: list[dict], title: str, subtitle: str, adverse_below_one: bool,
                national: float | None = None):
    """The forest chart as a figure. ``points``: dicts with ``label``, ``service``, ``value``, ``low``,
    ``high``. ``low`` None: not drawn (suppressed or too little data; the caption says so). ``value`` 0
    (no cases in the group): the dot sits at the axis floor, labelled 0, since a log axis has no 0.
    ``high`` None (no white cases): no dot, and the interval is an arrow running off the right edge.

    Reference lines are named in a legend under the plot, never by text beside the line, so a
    national figure near 1 cannot put its label on top of "equally likely".
    """
    fig, axes = _figure(WIDTH, 0.6 * max(len(points), 2) + 3.4)
    ax = axes[0][0]
    ax.grid(False)
    ax.grid(True, axis="x", color="0.85", linewidth=0.6)
    shown = [p for p in points if p["low"] is not None]
    ax.set_xscale("log")
    values = [v for p in shown for v in (p["low"], p["high"], p["value"])] + [1.0] + ([national] if national else [])
    values = [v for v in values if v and v > 0]
    low, high = log_limits(values, 0.01, 100)
    ax.set_xlim(low, high)
    for y, p in enumerate(reversed(points)):
        if p["low"] is None:
            ax.text(0.02, y, "not shown", va="center", fontsize=SMALLEST, color=TEXT_GREY,
                    transform=ax.get_yaxis_transform(), bbox=LABEL_BOX)
            continue
        colour, marker = SERVICE_STYLE.get(p["service"], (CATEGORICAL[4], "o"))
        start = max(p["low"], low)  # an interval from 0 starts at the axis floor
        _span(ax, start, high if p["high"] is None else p["high"], y, colour, p["high"] is None)
        if p["high"] is None:
            ax.text(high, y + 0.2, "no upper limit", ha="right", va="bottom", fontsize=SMALLEST, color=TEXT_GREY)
        if p["value"] is not None:
            at = low if p["value"] == 0 else p["value"]
            ax.plot([at], [y], marker=marker, color=colour, markersize=9, linestyle="none", clip_on=False,
                    markeredgecolor="white", markeredgewidth=0.8)
            if p["value"] == 0:
                ax.text(low, y + 0.2, " 0", ha="left", va="bottom", fontsize=SMALLEST, color=TEXT_GREY)
    ax.set_yticks(range(len(points)), [p["label"] for p in reversed(points)])
    log_ticks(ax, low, high, most=5)
    handles = [ax.axvline(1, color=TEXT_GREY, linestyle="--", linewidth=1.2, label="1: equally likely")]
    side = (low, 1) if adverse_below_one else (1, high)
    handles.append(ax.axvspan(*side, color=ORANGE, alpha=0.12, linewidth=0,
                              label=f"shaded: worse for the group ({'below' if adverse_below_one else 'above'} 1)"))
    if national:
        handles.append(ax.axvline(national, color=TEXT_GREY, linestyle=":", linewidth=1.5,
                                  label=f"national figure {national:.2f}"))
    ax.set_ylim(-0.6, len(points) - 0.4)
    ax.set_xlabel("Relative likelihood (log scale)\n" + textwrap.fill(_marks_key(points), 40))
    _legend(fig, handles)
    # a dot at the axis floor (an estimate of 0) is centred on the left edge: the service labels stand
    # further off than its radius, so the mark never covers the end of "Children"
    ax.tick_params(axis="y", length=0, pad=MARKER_CLEARANCE)
    _titles(fig, ax, title, subtitle)
    return fig


def band_shares(bands: list[str], shares: list[float | None], overall: float | None,
                population: float | None, title: str, subtitle: str) -> str:
    """m1: minority ethnic share by pay band (low to high) with workforce and population lines (SVG text)."""
    return _svg("band_shares", draw_band_shares, bands, [_at(v, 3) for v in shares], _at(overall, 3),
                _at(population, 3), title, subtitle)


def draw_band_shares(bands: list[str], shares: list[float | None], overall: float | None,
                     population: float | None, title: str, subtitle: str):
    """Horizontal bars, lowest band at the top, each labelled at its end: any number of bands fits a
    phone and no two labels can meet (each sits on its own row)."""
    fig, axes = _figure(WIDTH, 0.42 * len(bands) + 3.0)
    ax = axes[0][0]
    ax.grid(False)
    ys = list(range(len(bands)))
    widths = [s * 100 if s is not None else 0 for s in shares]
    ax.barh(ys, widths, color=DARK_BLUE, height=0.62)
    refs = [v * 100 for v in (overall, population) if v is not None]
    right = max(widths + refs + [1]) * 1.3
    for y, s, w in zip(ys, shares, widths, strict=True):
        label = f"{s * 100:.1f}%" if s is not None else "[c]"
        ax.text(w + right * 0.015, y, label, ha="left", va="center", fontsize=SMALLEST, color="#0B0C0C",
                bbox=LABEL_BOX)
    handles = []
    if overall is not None:
        handles.append(ax.axvline(overall * 100, color=ORANGE, linestyle="--", linewidth=1.8,
                                  label=f"Whole workforce {overall * 100:.1f}%"))
    if population is not None:
        handles.append(ax.axvline(population * 100, color=TEXT_GREY, linestyle=":", linewidth=1.8,
                                  label=f"Local population {population * 100:.1f}%"))
    if handles:
        _legend(fig, handles)
    ax.set_yticks(ys, [textwrap.fill(b, 16) for b in bands])
    ax.set_ylim(len(bands) - 0.4, -0.6)  # lowest band at the top
    ax.set_xlim(0, right)
    ax.set_xlabel("Share of staff in the band (%)")
    ax.tick_params(axis="y", length=0)
    _titles(fig, ax, title, subtitle)
    return fig


def percent_pairs(rows: list[dict], title: str, subtitle: str, group_label: str) -> str:
    """m6/m7: white and minority ethnic percentages side by side, with Wilson intervals (SVG text)."""
    rows = [{**row, **{k: tuple(_at(v, 3) for v in row[k]) for k in ("me", "white") if row.get(k) is not None}}
            for row in rows]
    return _svg("percent_pairs", draw_percent_pairs, rows, title, subtitle, group_label)


def pairs_drawable(rows: list[dict]) -> bool:
    return any(row.get(key) is not None for row in rows for key in ("me", "white"))


def draw_percent_pairs(rows: list[dict], title: str, subtitle: str, group_label: str):
    """``rows``: dicts with ``label`` and, per group ``me``/``white``, a (value, low, high) or None."""
    fig, axes = _figure(WIDTH, 0.9 * max(len(rows), 2) + 3.0)
    ax = axes[0][0]
    ax.grid(False)
    ax.grid(True, axis="x", color="0.85", linewidth=0.6)
    styles = {"white": (DARK_BLUE, "o", 0.18, "White"), "me": (ORANGE, "s", -0.18, group_label)}
    for y, row in enumerate(reversed(rows)):
        for key, (colour, marker, offset, _) in styles.items():
            figure = row.get(key)
            if figure is None:
                ax.text(0.02, y + offset, "not shown", va="center", fontsize=SMALLEST, color=TEXT_GREY,
                        transform=ax.get_yaxis_transform(), bbox=LABEL_BOX)
                continue
            value, low, high = figure
            ax.plot([low * 100, high * 100], [y + offset] * 2, color=colour, linewidth=2.2)
            ax.plot([value * 100], [y + offset], marker=marker, color=colour, markersize=8, linestyle="none",
                    markeredgecolor="white", markeredgewidth=0.8)
    ax.set_yticks(range(len(rows)), [r["label"] for r in reversed(rows)])
    ax.set_xlim(*fitted_percent_limits([v * 100 for row in rows for key in styles if row.get(key)
                                        for v in row[key]]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}%"))
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("Percentage of survey respondents\nlines: 95% interval")
    handles = [plt.Line2D([], [], color=c, marker=m, linestyle="-", label=lbl) for c, m, _, lbl in styles.values()]
    _legend(fig, handles)
    ax.tick_params(axis="y", length=0)
    _titles(fig, ax, title, subtitle)
    return fig


def trend_drawable(item: dict) -> bool:
    """Has a trend panel at least one period to draw?"""
    return any(lo is not None for _, v, lo, hi in item["points"])


def trend_grid(series: list[dict], title: str, subtitle: str) -> str:
    """Small multiples, one per metric: the RL for all staff in each period (SVG text)."""
    return _svg("trend_grid", draw_trend_grid, series, title, subtitle)


def draw_trend_grid(series: list[dict], title: str, subtitle: str):
    """``series``: dicts with ``title``, ``adverse_below_one`` and ``points`` - a list of
    (period, value, low, high): low None when not shown; value 0 at the axis floor, labelled; high
    None (no upper bound) as an arrow; value None with an interval: no dot (RL not defined). Two
    panels per row (one when there are many periods), so each panel's text stays as large as the
    other charts' on a phone.
    """
    periods = max(len(item["points"]) for item in series)
    ncols = 2 if periods <= 4 and len(series) > 1 else 1
    nrows = math.ceil(len(series) / ncols)
    fig, axes = _figure(WIDTH, 2.0 * nrows + 1.3, ncols=ncols, nrows=nrows)
    for index, ax in enumerate(ax for row in axes for ax in row):
        if index >= len(series):
            ax.axis("off")
            continue
        item = series[index]
        labels = [p[0] for p in item["points"]]
        ax.grid(False)
        ax.set_yscale("log")
        values = [v for p in item["points"] for v in p[1:] if v is not None and v > 0] + [1.0]
        low, high = log_limits(values, 0.05, 20)
        ax.set_ylim(low, high)
        ax.axhspan(*((low, 1) if item["adverse_below_one"] else (1, high)), color=ORANGE, alpha=0.12, linewidth=0)
        ax.axhline(1, color=TEXT_GREY, linestyle="--", linewidth=1)
        for x, (_, value, lo, hi) in enumerate(item["points"]):
            if lo is None:
                mark = (item.get("marks") or {}).get(x, "[c]")  # "[c]" withheld; "–" too little data
                ax.text(x, 1, mark, ha="center", va="center", fontsize=SMALLEST, color=TEXT_GREY, bbox=LABEL_BOX)
                continue
            _span(ax, max(lo, low), high if hi is None else hi, x, DARK_BLUE, hi is None, vertical=True)
            if value is not None:
                ax.plot([x], [low if value == 0 else value], marker="o", color=DARK_BLUE, markersize=6,
                        markeredgecolor="white", clip_on=False)
                if value == 0:
                    ax.text(x + 0.12, low, "0", ha="left", va="bottom", fontsize=SMALLEST, color=TEXT_GREY)
        ax.set_xticks(range(len(labels)), labels)
        ax.set_xlim(-0.6, len(labels) - 0.4)
        log_ticks(ax, low, high, axis="y", most=4)
        ax.set_title(textwrap.fill(item["title"], 17 if ncols == 2 else 36), fontsize=SMALLEST, loc="left",
                     fontweight="bold")
    fig.suptitle(textwrap.fill(title, 40) + "\n" + textwrap.fill(subtitle, 40), x=0.01, ha="left",
                 fontsize=SMALLEST)
    return fig
