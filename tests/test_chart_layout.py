"""Chart layout, measured with matplotlib's own renderer: no two labels overlap, and text is phone-sized.

Each case is one a real report meets: a national figure right on 1 (whose label used to sit on
"equally likely"), many long pay bands, hidden points, a trend with a withheld period and a huge
interval. Bounding boxes come from ``Text.get_window_extent`` after a draw, so what is tested is
where matplotlib actually put each label.
"""

from __future__ import annotations

import itertools
import re

import matplotlib.pyplot as plt
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from scwres.render import charts

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


CASES = list(cases())


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


@pytest.mark.parametrize(("name", "draw"), CASES, ids=[c[0] for c in CASES])
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
