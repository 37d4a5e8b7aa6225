"""Chart layout, measured with matplotlib's own renderer: no two labels overlap, no mark covers a label,
every value axis has at least two labelled ticks and fits the figures, and text is phone-sized.

Each generated case is one a real report meets: a national figure right on 1 (whose label used to sit
on "equally likely"), many long pay bands, hidden points, a trend with a withheld period and a huge
interval, an estimate of 0 at the axis floor, a narrow interval around 1, survey answers of a few per
cent. The shipped councils' own charts are checked too. Bounding boxes come from
``Text.get_window_extent`` after a draw, so what is tested is where matplotlib actually put each label.
"""

from __future__ import annotations

import itertools
import math
import re

import matplotlib.pyplot as plt
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator
from matplotlib.transforms import Bbox

from scwres.render import chart_axes, charts

SHIPPED = ("norfolk", "leeds", "bexley")

ALL = {"label": "All staff", "service": "all", "value": 0.52, "low": 0.41, "high": 0.66}
HIDDEN = {"label": "Children", "service": "children", "value": None, "low": None, "high": None}
ADULTS = {"label": "Adults", "service": "adults", "value": 1.02, "low": 0.2, "high": 9.5}
BANDS = [f"Band {i}: £{i * 10},000 to £{i * 10 + 9},999" for i in range(1, 10)]
TREND_TITLES = ["Appointment", "Disciplinary", "Fitness to practise", "CPD", "Abuse from the public",
                "Abuse from colleagues", "Abuse from managers", "Leaving", "Senior managers"]


def cases():
    """(name, a function drawing the figure): each test draws its own."""
    title = "Appointment from shortlisting: a significant gap, unfavourable to minority ethnic staff"
    sub = "Relative likelihood, minority ethnic ÷ white, by service, 2024"
    yield "forest-national-on-1", lambda: charts.draw_forest([ADULTS, HIDDEN, ALL], title, sub, True, 1.0)
    yield "forest-national-near-1", lambda: charts.draw_forest([ALL], "Leaving", sub, False, 1.04)
    wide = [{**ALL, "low": 0.011, "high": 95.0}, ADULTS]
    yield "forest-wide-range", lambda: charts.draw_forest(wide, title, sub, False, 0.3)
    shares = [0.2, 0.21, 0.19, None, 0.15, 0.1, 0.08, 0.05, 0.02]
    yield "bands-nine-long", lambda: charts.draw_band_shares(
        BANDS, shares, 0.15, 0.149, "Minority ethnic staff are 2.0% of the top pay band, 15.0% of all staff", sub)
    letters = "Global Majority share of each pay band, WWW MMM"
    yield "bands-wide-letters", lambda: charts.draw_band_shares(["Under £25,000", "£70,000 and over"], [0.39, None],
                                                                0.34, 0.28, letters, letters + " " + letters)
    yield "bands-equal", lambda: charts.draw_band_shares(["A", "B", "C"], [0.5, 0.5, 0.5], 0.5, 0.5, "Title", sub)
    pairs = [{"label": "Adults", "me": (0.2, 0.15, 0.25), "white": None},
             {"label": "Children", "me": None, "white": None},
             {"label": "All staff", "me": (0.25, 0.2, 0.3), "white": (0.2, 0.18, 0.22)}]
    yield "pairs", lambda: charts.draw_percent_pairs(
        pairs, "20.0% of minority ethnic and 25.0% of white respondents said yes", "Survey, 2024", "Minority ethnic")
    points = [("2022", 0.5, 0.3, 0.8), ("2023", None, None, None), ("2024", 2.0, 0.06, 15.0)]
    nine = [{"title": t, "adverse_below_one": i % 2 == 0, "points": points} for i, t in enumerate(TREND_TITLES)]
    yield "trend-nine", lambda: charts.draw_trend_grid(nine, "Relative likelihoods for all staff, 2022 to 2024",
                                                       "Minority ethnic ÷ white; dashed: equally likely")
    many = [(str(2016 + i), 1.0 + i / 10, 0.5, 3.0) for i in range(8)]
    three = [{"title": t, "adverse_below_one": False, "points": many} for t in TREND_TITLES[:3]]
    yield "trend-many-periods", lambda: charts.draw_trend_grid(three, "Title", "Sub")
    # Norfolk's senior-management chart: the children's estimate is 0, a square on the left edge
    zero = [{**HIDDEN, "label": "Adults", "service": "adults"}, {**HIDDEN, "value": 0.0, "low": 0.0, "high": 0.66},
            {**ALL, "value": None, "low": None, "high": None}]
    yield "forest-zero-at-floor", lambda: charts.draw_forest(zero, title, sub, True, 0.55)
    narrow = [{**ADULTS, "value": 1.1, "low": 0.95, "high": 1.3}, {**ALL, "value": 1.05, "low": 0.98, "high": 1.12}]
    yield "forest-narrow-around-1", lambda: charts.draw_forest(narrow, "CPD", sub, False, None)
    survey = [{"label": "Adults", "me": None, "white": (0.067, 0.05, 0.085)},
              {"label": "Children", "me": None, "white": (0.06, 0.045, 0.08)},
              {"label": "All staff", "me": (0.169, 0.12, 0.22), "white": (0.067, 0.055, 0.08)}]
    yield "pairs-few-percent", lambda: charts.draw_percent_pairs(survey, "16.9% and 6.7% said yes", "Survey, 2024",
                                                                 "Minority ethnic")
    flat = [("2022", 1.0, 0.9, 1.1), ("2023", 1.02, 0.95, 1.1)]
    yield "trend-flat", lambda: charts.draw_trend_grid([{"title": "CPD", "adverse_below_one": True, "points": flat}],
                                                       "Title", "Sub")
    zeros = [("2022", 0.0, 0.0, 0.7), ("2023", 0.5, 0.2, None)]
    yield "trend-zero-and-arrow", lambda: charts.draw_trend_grid(
        [{"title": t, "adverse_below_one": True, "points": zeros} for t in TREND_TITLES[:2]], "Title", "Sub")


CASES = list(cases())


def shipped_cases():
    """(name, draw) for every chart in the shipped councils' latest reports, drawn from their own figures.

    The report's figure functions run as notebook 3 runs them, with ``charts._svg`` recording each
    chart's drawing function and arguments instead of drawing (the metrics are worked out into a
    temporary build folder, as ``tests/published.py`` does).
    """
    import tempfile

    from scwres import paths
    from scwres.disclosure.metrics_table import calculate, write_metrics_csv
    from scwres.intake.params import load_params, resolve_period
    from scwres.render import report

    drawers = {"forest": charts.draw_forest, "band_shares": charts.draw_band_shares,
               "percent_pairs": charts.draw_percent_pairs, "trend_grid": charts.draw_trend_grid}
    found: list = []
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setattr(paths, "BUILD_DIR", paths.Path(tmp))
        mp.setattr(charts, "_svg", lambda kind, draw, *args: found.append((kind, args)) or "<svg/>")
        for la in SHIPPED:
            params = load_params(la)
            period = resolve_period(params, None)
            for earlier in sorted(str(p) for p in params["periods"]):
                if earlier <= period:
                    build = paths.build_dir(la, earlier)
                    build.mkdir(parents=True, exist_ok=True)
                    write_metrics_csv(calculate(la, earlier, params), build / "metrics.csv")
            before = len(found)
            ctx = report.load_context(la, period)
            report.findings_sections(ctx)
            report.trend_section(ctx)
            for index, (kind, args) in enumerate(found[before:]):
                yield f"{la}-{index}-{kind}", (lambda draw=drawers[kind], args=args: draw(*args))


SHIPPED_CASES = list(shipped_cases())
EVERY = CASES + SHIPPED_CASES


def label_boxes(fig):
    """(text, bbox in pixels) of every visible, non-empty text the figure draws, legend and ticks included."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    out = []
    for artist in fig.findobj(Text):
        if not artist.get_visible() or not artist.get_text().strip():
            continue
        if artist.axes is not None and not artist.axes.get_visible():
            continue
        out.append((artist.get_text(), artist.get_window_extent(renderer)))
    return out


@pytest.mark.parametrize(("name", "draw"), EVERY, ids=[c[0] for c in EVERY])
def test_no_two_chart_labels_overlap(name, draw):
    fig = draw()
    boxes = label_boxes(fig)
    plt.close(fig)
    assert len(boxes) >= 5, name
    clashes = [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
               if box_a.width and box_b.width and box_a.overlaps(box_b)
               and min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0) > 0.5
               and min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0) > 0.5]
    assert not clashes, f"{name}: overlapping labels {clashes[:5]}"


def test_the_overlap_check_can_fail():
    """The old forest chart wrote "national 1.00" beside its line: on 1 it sat on "equally likely"."""
    fig = charts.draw_forest([ALL], "Title", "Sub", True, None)
    ax = fig.axes[0]
    ax.text(1, 0.4, "equally likely", ha="center")
    ax.text(1.02, 0.45, "national 1.00", ha="center")
    boxes = label_boxes(fig)
    hits = [(a, b) for (a, x), (b, y) in itertools.combinations(boxes, 2) if x.overlaps(y)]
    plt.close(fig)
    assert ("equally likely", "national 1.00") in hits


@pytest.mark.parametrize(("name", "draw"), CASES, ids=[c[0] for c in CASES])
def test_chart_text_is_phone_sized(name, draw):
    """At 390 px a chart is drawn about 366 px wide: text of SMALLEST points in an SVG at most 335 pt
    wide renders at 12 px or more (the browser test measures the real reports)."""
    svg = charts.to_svg(draw())
    width = float(re.search(r'width="([\d.]+)pt"', svg).group(1))
    sizes = [float(x) for x in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert sizes and min(sizes) >= charts.SMALLEST, (name, sorted(set(sizes)))
    assert min(sizes) * 366 / width >= 12, (name, width, min(sizes))


def test_the_shipped_councils_charts_are_all_checked():
    """Every shipped council's report draws its pay-band, forest, survey and trend charts."""
    kinds = {name.split("-", 1)[0]: set() for name, _ in SHIPPED_CASES}
    for name, _ in SHIPPED_CASES:
        kinds[name.split("-", 1)[0]].add(name.rsplit("-", 1)[1])
    assert set(kinds) == set(SHIPPED)
    assert all(found >= {"forest", "percent_pairs", "band_shares", "trend_grid"} for found in kinds.values()), kinds


def mark_boxes(fig, renderer):
    """(description, bbox in pixels) of every marker the plot areas draw (dots, squares, diamonds)."""
    out = []
    for ax in fig.axes:
        for line in ax.get_lines():
            if not line.get_visible() or line.get_marker() in (None, "None", "", " "):
                continue
            half = line.get_markersize() * fig.dpi / 72 / 2 + line.get_markeredgewidth() * fig.dpi / 72 / 2
            for x, y in ax.transData.transform(line.get_xydata()):
                if math.isfinite(x) and math.isfinite(y):
                    out.append((f"marker {line.get_marker()} at {x:.0f},{y:.0f}",
                                Bbox.from_extents(x - half, y - half, x + half, y + half)))
    return out


def marks_over_labels(fig):
    """(mark, label) pairs whose boxes overlap by more than half a pixel each way."""
    boxes = label_boxes(fig)
    renderer = fig.canvas.get_renderer()
    return [(m, text) for m, mbox in mark_boxes(fig, renderer) for text, tbox in boxes
            if tbox.width and min(mbox.x1, tbox.x1) - max(mbox.x0, tbox.x0) > 0.5
            and min(mbox.y1, tbox.y1) - max(mbox.y0, tbox.y0) > 0.5]


@pytest.mark.parametrize(("name", "draw"), EVERY, ids=[c[0] for c in EVERY])
def test_no_mark_covers_a_label(name, draw):
    fig = draw()
    hits = marks_over_labels(fig)
    plt.close(fig)
    assert not hits, f"{name}: marks over labels {hits[:5]}"


def test_the_mark_check_can_fail():
    """With the service labels back at matplotlib's usual distance, the square at the axis floor covers
    the end of "Children" (as it did in Norfolk's senior-management chart)."""
    draw = dict(CASES)["forest-zero-at-floor"]
    fig = draw()
    fig.axes[0].tick_params(axis="y", pad=2)
    hits = marks_over_labels(fig)
    plt.close(fig)
    assert any(text == "Children" for _, text in hits), hits


def value_axes(fig):
    """(axes, axis, name) of every numeric axis: the x axis of forest, band and survey charts, the y axis
    of each trend panel (the other axis names services, bands or periods)."""
    out = []
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison:
            continue
        which = "y" if ax.get_yscale() == "log" else "x"
        out.append((ax, ax.yaxis if which == "y" else ax.xaxis, which))
    return out


def labelled_ticks(ax, axis) -> list[str]:
    """The tick labels matplotlib draws inside the axis' view limits."""
    low, high = sorted(axis.get_view_interval())
    return [t.label1.get_text() for t in axis.get_major_ticks()
            if t.label1.get_visible() and t.label1.get_text().strip() and low <= t.get_loc() <= high]


@pytest.mark.parametrize(("name", "draw"), EVERY, ids=[c[0] for c in EVERY])
def test_every_value_axis_has_two_labelled_ticks(name, draw):
    fig = draw()
    FigureCanvasAgg(fig).draw()
    found = [(which, labelled_ticks(ax, axis)) for ax, axis, which in value_axes(fig)]
    plt.close(fig)
    assert found and all(len(labels) >= 2 for _, labels in found), (name, found)


def test_the_tick_check_can_fail():
    """A narrow log axis with only the old tick candidates labels "1" alone (Norfolk's CPD chart)."""
    fig = dict(CASES)["forest-narrow-around-1"]()
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    ax.xaxis.set_major_locator(FixedLocator([t for t in (0.25, 0.5, 1, 2, 4) if low <= t <= high]))
    FigureCanvasAgg(fig).draw()
    labels = labelled_ticks(ax, ax.xaxis)
    plt.close(fig)
    assert labels == ["1"]


def data_span(fig):
    """Per value axis: (fraction of the axis the marks, bars and reference lines span, all in view, width
    of the axis in log units or None when linear)."""
    out = []
    for ax, _, which in value_axes(fig):
        values = []
        for line in ax.get_lines():
            data = line.get_xdata() if which == "x" else line.get_ydata()
            values += [float(v) for v in data if v is not None and math.isfinite(float(v))]
        for bars in ax.containers:  # a bar runs from 0 to its length
            values += [0.0, *(float(b.get_width()) for b in bars)]
        low, high = sorted(ax.get_xlim() if which == "x" else ax.get_ylim())
        log = (ax.get_xscale() if which == "x" else ax.get_yscale()) == "log"
        scale = math.log if log else float
        values = [v for v in values if v > 0] if log else values
        if not values:
            continue
        inside = all(low - 1e-9 <= v <= high + 1e-9 for v in values)
        out.append(((scale(max(values)) - scale(min(values))) / (scale(high) - scale(low)), inside,
                    math.log(high / low) if log else None))
    return out


@pytest.mark.parametrize(("name", "draw"), EVERY, ids=[c[0] for c in EVERY])
def test_axes_fit_the_figures(name, draw):
    """The marks, bars and reference lines are all in view and span at least a third of the value axis,
    unless a log axis is at its narrowest (``chart_axes.LOG_NARROWEST``: a tiny interval is not stretched
    across the chart to look larger than it is)."""
    fig = draw()
    spans = data_span(fig)
    plt.close(fig)
    narrowest = math.log(chart_axes.LOG_NARROWEST[1] / chart_axes.LOG_NARROWEST[0]) + 1e-9
    assert spans and all(inside for _, inside, _ in spans), (name, spans)
    assert all(fraction >= 1 / 3 or (width is not None and width <= narrowest) for fraction, _, width in spans), \
        (name, spans)


def test_the_fit_check_can_fail():
    """On the old 0-100% axis, survey answers of 6-17% fill under a fifth of it."""
    fig = dict(CASES)["pairs-few-percent"]()
    fig.axes[0].set_xlim(0, 100)
    spans = data_span(fig)
    plt.close(fig)
    assert spans and spans[0][0] < 1 / 5
