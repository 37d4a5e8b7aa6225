"""One way to build every HTML page: Jinja2 with autoescaping, one base layout and a few macros.

Why: a public page quotes strings from returns, params, commentary and action
plans, so escaping must never depend on a caller remembering it. Python builds
plain view data - strings, numbers and the small types below, with every
``[c]`` already decided by the publication layer (``publication.py``) - and
the templates in ``templates/pages/`` only lay it out. The engine escapes
every value; nothing in Python writes a tag or escapes by hand.

- ``base.html.j2``: the page shell (``<html lang>``, the report stylesheet
  inlined, one ``<main>`` landmark) and the one illustrative banner;
- ``macros.html.j2``: ``inline`` (text with the small types below), ``table``,
  ``figure``, ``section`` and ``count``;
- one template per page or report section (the report's in ``report/``, with
  ``report/blocks.html.j2`` for a chart, the sentence that stands in for one,
  and a paragraph).

The report's sections are built the same way (``render/report/``): each
notebook cell of notebook 3 displays the HTML its section's template renders,
and nbconvert (``templates/scwres/``) exports the notebook as one page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar

from markupsafe import Markup

from .. import paths
from ..limits import BAD_CHARACTER

TEMPLATES = paths.TEMPLATES_DIR / "pages"
CSS = paths.TEMPLATES_DIR / "scwres" / "scwres.css"
WIDE = 5  # columns: a table this wide scrolls sideways on a phone, so it says so there


@dataclass(frozen=True)
class Piece:
    """Part of a sentence or cell that the templates show as more than text (see ``macros.inline``)."""

    kind: ClassVar[str] = ""
    text: Inline = ""


@dataclass(frozen=True)
class Derived(Piece):
    """A figure derived from counts (rate, ratio, interval, words), marked for the disclosure test.

    ``row``: the metrics row it comes from, when not the row of the table line it sits in.
    """

    kind: ClassVar[str] = "derived"
    row: str = ""


@dataclass(frozen=True)
class Count(Piece):
    """A published count (or ``[c]``), keyed for readers' tools and tests."""

    kind: ClassVar[str] = "count"
    key: str = ""


@dataclass(frozen=True)
class Link(Piece):
    kind: ClassVar[str] = "link"
    href: str = ""


@dataclass(frozen=True)
class Strong(Piece):
    kind: ClassVar[str] = "strong"


@dataclass(frozen=True)
class Code(Piece):
    kind: ClassVar[str] = "code"


@dataclass(frozen=True)
class Meta(Piece):
    """A quiet aside (lead, service, where a warning is)."""

    kind: ClassVar[str] = "meta"


@dataclass(frozen=True)
class Break(Piece):
    """A line break inside a cell."""

    kind: ClassVar[str] = "br"


BR = Break()
# Text, one of the pieces above, or a sequence of them (shown one after another).
Inline = str | Piece | Markup | Sequence["Inline"]


@dataclass(frozen=True)
class Row:
    """A table row: its cells (the first is the row header) and, for the disclosure test, its metrics row."""

    cells: Sequence[Inline]
    key: str = ""


@dataclass(frozen=True)
class Table:
    """A captioned table in a scrolling region.

    ``numeric``: column numbers (0 = the row header) aligned as numbers. ``groups``: (label, number of
    rows) to split the body into labelled row groups. ``region``: False for a short page-level table that
    needs no keyboard-scrollable region. ``hint``: the "wide table" line, by default for 5 columns or more.
    """

    caption: str
    headers: Sequence[str]
    rows: Sequence[Row]
    numeric: Sequence[int] = ()
    groups: Sequence[tuple[str, int]] | None = None
    region: bool = True
    hint: bool | None = None

    @property
    def wide(self) -> bool:
        return len(self.headers) >= WIDE if self.hint is None else self.hint

    def grouped(self) -> list[tuple[str | None, Sequence[Row]]]:
        """(label, rows) per body; one unlabelled body when there are no groups."""
        if not self.groups:
            return [(None, self.rows)]
        out, start = [], 0
        for label, size in self.groups:
            out.append((label, self.rows[start:start + size]))
            start += size
        return out


@dataclass(frozen=True)
class Figure:
    """A chart: an SVG as a data URI, its alt text and its caption."""

    src: str
    alt: str
    caption: str


@cache
def stylesheet() -> Markup:
    """The report stylesheet (our own file, not outside text), so every page looks like the reports."""
    return Markup(CSS.read_text(encoding="utf-8"))


def without_controls(value: Any) -> Any:
    """Text as a page may hold it: control and bidirectional characters (ESC, U+202E ...) removed.

    The one place on the way into the pages (every ``{{ }}`` passes through it, as Jinja's
    ``finalize``): commentary, a council's name, an action's words. A right-to-left override would show
    text in another order than it is read; an ESC means nothing on a page. Tabs and line breaks stay.
    Safe HTML (commentary rendered by markdown-it) stays safe: removing a character cannot make a tag.
    """
    if isinstance(value, Markup):
        return Markup(BAD_CHARACTER.sub("", str(value))) if BAD_CHARACTER.search(value) else value
    if isinstance(value, str):
        return BAD_CHARACTER.sub("", value)
    return value


@cache
def environment():
    """The one Jinja environment: autoescape on for every template, block tags take their own line, and
    control characters removed from every value (``without_controls``)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined,
                      finalize=without_controls)
    env.globals["stylesheet"] = stylesheet
    return env


def render(template: str, **view: Any) -> Markup:
    """``template`` filled with ``view``; the result is safe HTML, so another template may embed it."""
    return Markup(environment().get_template(template).render(**view))


def illustrative_banner() -> Markup:
    """The one illustrative banner (``macros.html.j2``), for the report's notebook cells."""
    return Markup(environment().get_template("macros.html.j2").module.illustrative_banner())


def join(parts: Sequence[Inline], sep: str = ", ", last: str = " and ") -> list[Inline]:
    """'a, b and c' as a list of pieces, so links and figures inside stay pieces."""
    items = list(parts)
    if len(items) <= 1:
        return items
    out: list[Inline] = []
    for i, item in enumerate(items):
        if i:
            out.append(last if i == len(items) - 1 else sep)
        out.append(item)
    return out
