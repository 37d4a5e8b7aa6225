"""Analyst commentary: one Markdown file per council and period, one section per metric.

Why a Markdown file: an analyst can add words to the report without touching a
notebook or code. ``params/commentary/<la>/<period>.md`` holds sections headed
``## m2`` (any metric id, or ``## overview`` for the whole report). Text is
rendered with markdown-it-py with raw HTML switched off, so anything that looks
like HTML is shown as text; images (which would fetch from the network) and
headings (which would break the report's heading order) are switched off too.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from markdown_it import MarkdownIt

from .. import paths
from ..limits import MAX_COMMENTARY_BYTES, TextRefused, read_text
from ..problems import Problem, ReturnError

SECTION = re.compile(r"^##[ \t]+([A-Za-z0-9_]+)[ \t]*$", re.MULTILINE)
KNOWN_SECTIONS = ("overview", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m7_colleagues", "m7_managers", "m8", "m9")


def commentary_file(la: str, period: str, commentary_dir: Path | None = None) -> Path:
    return (commentary_dir or paths.COMMENTARY_DIR) / la / f"{period}.md"


def renderer() -> MarkdownIt:
    """CommonMark with raw HTML escaped, no images, no headings, no link-ified bare URLs."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "heading", "lheading", "html_block", "html_inline"])
    return md


def split_sections(text: str) -> dict[str, str]:
    """``{"m2": "markdown...", ...}`` from a file of ``## id`` sections; text before the first is ignored."""
    parts = SECTION.split(text)
    return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def render(markdown: str) -> str:
    """Markdown to safe HTML (every raw HTML tag appears as text)."""
    return renderer().render(markdown)


def shown_path(path: Path) -> str:
    """The commentary file as problems name it: relative to the project when inside it."""
    return str(path.relative_to(paths.ROOT) if path.is_relative_to(paths.ROOT) else path)


def read_commentary(path: Path) -> str | None:
    """The file's text, None when there is none; ``ReturnError`` (one error) when it cannot be read as text.

    Through ``limits.read_text`` like every text input: a folder, a named pipe, a file too large or
    not UTF-8 (latin-1, UTF-16) is a sentence naming the file, never a traceback or a read that blocks.
    ``lexists``, not ``exists``: a link to nowhere is there, and is refused rather than ignored.
    """
    if not os.path.lexists(path):
        return None
    try:
        return read_text(path, MAX_COMMENTARY_BYTES)
    except TextRefused as exc:
        raise ReturnError([Problem("error", shown_path(path), exc.line, None, None,
                                   f"The commentary cannot be used: {exc.message}")]) from None


def load_commentary(la: str, period: str, commentary_dir: Path | None = None) -> dict[str, str]:
    """Rendered HTML per section id; empty when the council has no commentary for the period."""
    text = read_commentary(commentary_file(la, period, commentary_dir))
    if text is None:
        return {}
    return {key: render(body) for key, body in split_sections(text).items() if body}


def unknown_sections(la: str, period: str, commentary_dir: Path | None = None) -> list[str]:
    """Section ids that match no metric, so the data quality section can point them out."""
    try:
        text = read_commentary(commentary_file(la, period, commentary_dir))
    except ReturnError:  # said by commentary_problems
        return []
    return [key for key in split_sections(text or "") if key not in KNOWN_SECTIONS]


def commentary_problems(la: str, period: str, commentary_dir: Path | None = None) -> list[Problem]:
    """A warning, with file and line, for each section that matches no measure (it is not shown).

    For the analyst: it goes to the data-quality page and the console, never into the report. A file
    that cannot be read is one error instead, which stops the run (``pipeline.run``): a report must not
    go out without the words the analyst wrote for it.
    """
    path = commentary_file(la, period, commentary_dir)
    try:
        text = read_commentary(path)
    except ReturnError as exc:  # an error: the run stops before anything is published
        return list(exc.problems)
    if text is None:
        return []
    shown = shown_path(path)
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        found = SECTION.match(line)
        if found and found.group(1) not in KNOWN_SECTIONS:
            out.append(Problem("warning", shown, number, None, found.group(1),
                               f'The commentary section "## {found.group(1)}" matches no measure, so it is not '
                               f"shown in the report; use one of {', '.join(KNOWN_SECTIONS)}.", None))
    return out
