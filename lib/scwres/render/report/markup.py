"""Small HTML builders for the report: tables, figures, counts that respect disclosure.

Why here and not in a template: each chart must be a ``<figure>`` with real alt
text and a caption, followed by a ``<table>`` with the same numbers, and each
count must go through the disclosure plan. Building them in one place makes
that true everywhere. Callers pass already-escaped HTML for cells; captions,
alt text and headers are escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..charts import data_uri
from ..words import count, esc


def count_span(ctx: Any, key: str, value: Any) -> str:
    """A published count, or ``[c]`` when the publication layer hides it; keyed for readers' tools and tests."""
    return f'<span data-count="{esc(key)}">{ctx.pub.figure(lambda: count(value), [key])}</span>'


def figure(svg: str, alt: str, caption: str) -> str:
    """A chart as a figure: an SVG image with alt text, and a caption (both escaped here)."""
    return (f'<figure class="chart"><img src="{data_uri(svg)}" alt="{esc(alt)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def table(caption: str, headers: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]],
          numeric: Sequence[int] = (), groups: Sequence[tuple[str, int]] | None = None) -> str:
    """A captioned table in a scrolling wrapper (so a phone can pan it without the page overflowing).

    ``rows``: (data-row key or "", cells as HTML); the first cell is the row header.
    ``groups``: optional (label, number of rows) to split the body into labelled row groups.
    """
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if i in numeric else ""}>{esc(h)}</th>' for i, h in enumerate(headers))

    def line(key: str, cells: Sequence[str]) -> str:
        attr = f' data-row="{esc(key)}"' if key else ""
        body = f'<th scope="row">{cells[0]}</th>' + "".join(
            f'<td class="num">{c}</td>' if i + 1 in numeric else f"<td>{c}</td>" for i, c in enumerate(cells[1:]))
        return f"<tr{attr}>{body}</tr>"

    if groups:
        bodies, start = [], 0
        for label, size in groups:
            lines = "".join(line(k, c) for k, c in rows[start:start + size])
            bodies.append(f'<tbody><tr><th scope="rowgroup" colspan="{len(headers)}" class="group">{esc(label)}'
                          f"</th></tr>{lines}</tbody>")
            start += size
        body = "".join(bodies)
    else:
        body = "<tbody>" + "".join(line(k, c) for k, c in rows) + "</tbody>"
    return (f'<div class="table-wrap" tabindex="0" role="region" aria-label="{esc(caption)}">'
            f"{scroll_hint(len(headers))}<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"{body}</table></div>")


WIDE = 5  # columns: a table this wide scrolls sideways on a phone, so it says so there


def scroll_hint(columns: int) -> str:
    """A line above a wide table, shown on narrow screens only (CSS), saying the table scrolls.

    It sits in the scrolling region, before the table, held at the left (CSS ``sticky``), so it never
    scrolls out of view itself.
    """
    if columns < WIDE:
        return ""
    return ('<p class="scroll-hint">Wide table: scroll it sideways to see every column (the first column stays '
            "in view).</p>")



def derived(text: str, row: str = "") -> str:
    """A figure derived from counts (rate, ratio, interval, words), marked for the disclosure test.

    ``row``: the metrics row it comes from, when not the row of the table line it sits in.
    """
    attr = f' data-row="{esc(row)}"' if row else ""
    return f'<span class="derived"{attr}>{text}</span>'
