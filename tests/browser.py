"""Headless Chromium and axe-core for the page tests (report, action plan, national pages).

Uses Debian's /usr/bin/chromium through Playwright (no browser download) and
axe-playwright-python's bundled axe-core. Reuse:

    from browser import AXE_TAGS, axe_violations, browser_session, placeholder_alts

    @pytest.fixture(scope="session")
    def chromium():
        with browser_session() as browser:
            yield browser

Without the browser a test is skipped with the reason, unless
SCWRES_REQUIRE_BROWSER=1 (set by .ci/run), when it fails instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("SCWRES_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PLACEHOLDER_ALT = "No description has been provided for this image"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def require_browser() -> None:
    """Skip (or, in CI, fail) when Debian's chromium is not installed."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run browser tests"
    if os.environ.get("SCWRES_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " (SCWRES_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@contextmanager
def browser_session() -> Iterator[Any]:
    """One headless Chromium for a whole test session."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser: Any, path: Path, viewport: dict[str, int] | None = None) -> Any:
    """A new page showing a local HTML file; network requests other than file: are refused."""
    page = browser.new_page(viewport=viewport or DESKTOP)
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
               else route.abort())
    page.goto(path.resolve().as_uri())
    return page


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core violations for the WCAG 2.x A/AA and best-practice rules."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                      "resultTypes": ["violations"]})
    return list(result.response["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    """Readable summary of violations for an assertion message."""
    lines = []
    for v in violations:
        targets = [n.get("target") for n in v.get("nodes", [])[:3]]
        nodes = len(v.get("nodes", []))
        lines.append(f"{v['id']} ({v.get('impact')}): {v.get('help')} - {nodes} node(s), e.g. {targets}")
    return "\n".join(lines)


def placeholder_alts(page: Any) -> int:
    """How many images carry nbconvert's placeholder alt text."""
    return int(page.evaluate("(t) => [...document.images].filter(i => (i.alt || '').includes(t)).length",
                             PLACEHOLDER_ALT))


def overflow(page: Any) -> dict[str, Any]:
    """Horizontal overflow at the current viewport: the page's and any element wider than the viewport
    that is not inside its own scrolling wrapper."""
    return page.evaluate("""() => {
      const vw = document.documentElement.clientWidth;
      const bad = [];
      for (const el of document.querySelectorAll('main *')) {
        const r = el.getBoundingClientRect();
        if (r.right <= vw + 1 || r.width === 0) continue;
        let p = el.parentElement, scrolled = false;
        while (p && p !== document.body) {
          const s = getComputedStyle(p);
          const scrolls = s.overflowX === 'auto' || s.overflowX === 'scroll';
          if (scrolls && p.clientWidth <= vw + 1) { scrolled = true; break; }
          p = p.parentElement;
        }
        if (!scrolled) bad.push(el.tagName + (el.className ? '.' + el.className : ''));
      }
      return {scrollWidth: document.documentElement.scrollWidth, viewport: vw, unwrapped: bad.slice(0, 10)};
    }""")


def chart_text(browser: Any, page: Any) -> list[dict[str, Any]]:
    """For every chart image on ``page``: its smallest text as rendered (px) and any labels that overlap.

    A chart is an SVG in an ``<img>``, whose text the page's DOM cannot reach, so every SVG is drawn
    again inline, at exactly the width its image has on ``page``, in one scratch page; there each
    ``<text>``'s font size times the SVG's scale on screen is its rendered size, and the boxes of
    any two texts must not intersect (with the browser's own font, not matplotlib's).
    """
    import base64

    images = page.evaluate("""() => [...document.querySelectorAll('figure img')].map(i => ({
        src: i.getAttribute('src'), width: i.getBoundingClientRect().width, alt: i.alt.slice(0, 60)}))""")
    svgs = []
    for image in images:
        assert image["src"].startswith("data:image/svg+xml;base64,"), image["src"][:40]
        svgs.append(f"<div>{base64.b64decode(image['src'].split(',', 1)[1]).decode('utf-8')}</div>")
    scratch = browser.new_page(viewport={"width": 1000, "height": 800})
    try:
        scratch.set_content(f'<!DOCTYPE html><html><body style="margin:0">{"".join(svgs)}</body></html>')
        results = scratch.evaluate("""(widths) => [...document.querySelectorAll('body > div > svg')].map((svg, k) => {
          const box = svg.viewBox.baseVal;
          svg.setAttribute('width', widths[k] + 'px');
          svg.setAttribute('height', (widths[k] * box.height / box.width) + 'px');
          const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
          const sizes = texts.map(t => {
            const m = t.getScreenCTM();
            return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
          });
          const rects = texts.map(t => t.getBoundingClientRect());
          const overlaps = [];
          for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
            const a = rects[i], b = rects[j];
            const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (w > 1 && h > 1) overlaps.push([texts[i].textContent, texts[j].textContent]);
          }
          return {count: texts.length, smallest: Math.min(...sizes), overlaps};
        })""", [image["width"] for image in images])
    finally:
        scratch.close()
    return [{**result, "alt": image["alt"], "width": image["width"]}
            for result, image in zip(results, images, strict=True)]


def contents_gaps(page: Any) -> dict[str, list[str]]:
    """Headings the report's contents list (<nav>) does not link to: every <h2>, and every measure's <h3>."""
    return page.evaluate("""() => {
      const links = [...document.querySelectorAll('nav a[href^="#"]')];
      const linked = new Set(links.map(a => a.getAttribute('href').slice(1)));
      const h2 = [...document.querySelectorAll('main h2')].filter(h => !h.closest('nav'));
      const measures = [...document.querySelectorAll('main h3[id^="m"]')];
      return {
        h2: h2.filter(h => !h.id || !linked.has(h.id)).map(h => h.textContent),
        measures: measures.filter(h => !linked.has(h.id)).map(h => h.textContent),
        dangling: [...linked].filter(id => !document.getElementById(id)),
      };
    }""")
