"""The shell of a self-contained, accessible HTML page written straight from Python.

The index of reports and the national report are not notebooks, but they must
look and behave like the reports: ``<html lang="en">``, a ``<main>``
landmark, the report stylesheet inlined (no network, no scripts) and the
illustrative banner when any figure on the page is simulated. Callers pass
body HTML that they have already escaped; the title is escaped here.
"""

from __future__ import annotations

import html
from functools import cache

from .. import paths

CSS = paths.TEMPLATES_DIR / "scwres" / "scwres.css"
ILLUSTRATIVE_BANNER = ('<p class="banner" role="note">Illustrative data: these figures were generated for '
                       'demonstration and are not any council\'s real workforce data.</p>')


def esc(value: object) -> str:
    """Escape any text for HTML, quotes included: the one gate for strings from returns, params,
    commentary and action plans (the report, the action plan pages and these pages all use it)."""
    return html.escape("" if value is None else str(value), quote=True)


@cache
def stylesheet() -> str:
    """The report stylesheet, so a page looks like the reports it sits beside."""
    return CSS.read_text(encoding="utf-8")


def page(title: str, body: str, illustrative: bool = False) -> str:
    """A whole HTML document: ``body`` must start with the page's one ``<h1>``."""
    banner = ILLUSTRATIVE_BANNER + "\n" if illustrative else ""
    h1_end = body.find("</h1>")
    if h1_end >= 0:
        body = body[: h1_end + 5] + "\n" + banner + body[h1_end + 5:]
    else:
        body = banner + body
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{esc(title)}</title>\n<style>\n{stylesheet()}</style>\n</head>\n<body>\n"
        f"<main id=\"main\" class=\"report\">\n{body}\n</main>\n</body>\n</html>\n"
    )
