"""Analyst commentary: one Markdown file per council and period, one section per metric.

Why a Markdown file: an analyst can add words to the report without touching a
notebook or code. ``params/commentary/<la>/<period>.md`` holds sections headed
``## m2`` (any metric id, or ``## overview`` for the whole report). Text is
rendered with markdown-it-py with raw HTML switched off, so anything that looks
like HTML is shown as text; images (which would fetch from the network) and
headings (which would break the report's heading order) are switched off too.
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt

from .. import paths
from ..problems import Problem

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


def load_commentary(la: str, period: str, commentary_dir: Path | None = None) -> dict[str, str]:
    """Rendered HTML per section id; empty when the council has no commentary for the period."""
    path = commentary_file(la, period, commentary_dir)
    if not path.exists():
        return {}
    sections = split_sections(path.read_text(encoding="utf-8"))
    return {key: render(body) for key, body in sections.items() if body}


def unknown_sections(la: str, period: str, commentary_dir: Path | None = None) -> list[str]:
    """Section ids that match no metric, so the data quality section can point them out."""
    path = commentary_file(la, period, commentary_dir)
    if not path.exists():
        return []
    return [key for key in split_sections(path.read_text(encoding="utf-8")) if key not in KNOWN_SECTIONS]


def commentary_problems(la: str, period: str, commentary_dir: Path | None = None) -> list[Problem]:
    """A warning, with file and line, for each section that matches no measure (it is not shown).

    For the analyst: it goes to the data-quality page and the console, never into the report.
    """
    path = commentary_file(la, period, commentary_dir)
    if not path.exists():
        return []
    shown = str(path.relative_to(paths.ROOT) if path.is_relative_to(paths.ROOT) else path)
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        found = SECTION.match(line)
        if found and found.group(1) not in KNOWN_SECTIONS:
            out.append(Problem("warning", shown, number, None, found.group(1),
                               f'The commentary section "## {found.group(1)}" matches no measure, so it is not '
                               f"shown in the report; use one of {', '.join(KNOWN_SECTIONS)}.", None))
    return out
