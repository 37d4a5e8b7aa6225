"""The public report on a phone (390 x 844) and a desktop, in headless Chromium.

On a phone the first screens answer "how are we doing" and detail folds into
``<details>``: the whole public Norfolk report must fit in 20 phone screens, the
at-a-glance summary (key findings and the cards the table becomes below 40rem)
must need no sideways scrolling, and axe-core must find nothing at either width.
Folds open when printed (the print stylesheet; ``make pdf`` also opens them) and
when a link targets something inside one. Shares the session's built reports
(``built`` in conftest.py) with test_accessibility.py.
"""

from __future__ import annotations

import pytest

from browser import DESKTOP, PHONE, axe_violations, browser_session, describe, open_page

SCREENS = 20
BUDGET = SCREENS * PHONE["height"]  # 16,880 px at 390 x 844

HEIGHT = "document.documentElement.scrollHeight"
OPEN_ALL = "document.querySelectorAll('details').forEach(d => { d.open = true; })"

# Elements of the summary wider than their box, or reaching past the screen's right edge. A visually
# hidden element (the cards' header row, kept for screen readers, clipped to 1 px) is not seen, so not counted.
SIDEWAYS = """() => {
  const vw = document.documentElement.clientWidth;
  const section = document.getElementById('at-a-glance').closest('section');
  const bad = [];
  for (const el of [section, ...section.querySelectorAll('*')]) {
    if (el.closest('thead') && getComputedStyle(el.closest('thead')).clipPath !== 'none') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1 || r.right > vw + 1)
      bad.push(`${el.tagName}.${el.className} ${el.scrollWidth}/${el.clientWidth} right ${Math.round(r.right)}`);
  }
  return bad;
}"""


@pytest.fixture(scope="module")
def chromium():
    with browser_session() as browser:
        yield browser


@pytest.fixture
def norfolk(built):
    return built.report("norfolk", "2024")


@pytest.mark.browser
@pytest.mark.xdist_group("pipeline")
def test_the_report_fits_twenty_phone_screens(norfolk, chromium):
    """At most 16,880 px tall at 390 x 844; opening every fold makes it far longer, so the folds are what
    keep it short (and the measure can fail)."""
    page = open_page(chromium, norfolk, PHONE)
    try:
        folded = page.evaluate(HEIGHT)
        assert folded <= BUDGET, f"{folded} px at 390 px wide: {folded / PHONE['height']:.1f} screens"
        assert page.evaluate("document.querySelectorAll('details.fold:not([open])').length") >= 10
        page.evaluate(OPEN_ALL)
        assert page.evaluate(HEIGHT) > BUDGET, "with every fold open the report no longer fits"
    finally:
        page.close()


FIRST_FINDING = """() => {
  const item = document.querySelector('#key-findings + ul.findings > li');
  return item ? item.getBoundingClientRect().top : null;
}"""
CONTENTS_LINK_SHOWN = """() => {
  const a = document.querySelector('nav.contents a[href="#at-a-glance"]');
  return a.checkVisibility({visibilityProperty: true});  // false inside a closed <details>
}"""


@pytest.mark.browser
@pytest.mark.xdist_group("pipeline")
def test_the_first_phone_screen_reaches_the_key_findings(norfolk, chromium):
    """On a phone the first screen answers "how are we doing": the title, the banners and the contents (one
    folded line) leave room for the first key finding. On a desktop the contents list is shown open."""
    page = open_page(chromium, norfolk, PHONE)
    try:
        top = page.evaluate(FIRST_FINDING)
        assert top is not None, "no key finding in the report"
        assert top < PHONE["height"] - 60, f"the first key finding starts at {top:.0f} px, below the first screen"
        assert not page.evaluate(CONTENTS_LINK_SHOWN), "the contents list is not folded on a phone"
    finally:
        page.close()
    page = open_page(chromium, norfolk, DESKTOP)
    try:
        assert page.evaluate(CONTENTS_LINK_SHOWN), "the contents list is folded on a desktop"
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.xdist_group("pipeline")
def test_the_summary_needs_no_sideways_scrolling_on_a_phone(norfolk, chromium):
    """The at-a-glance cards fit 390 px; at 1280 px the same markup is a table with its header row."""
    page = open_page(chromium, norfolk, PHONE)
    try:
        assert page.evaluate(SIDEWAYS) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # the key findings come first, on the first screens
        assert page.evaluate("document.querySelector('ul.findings').getBoundingClientRect().top") < 2 * PHONE["height"]
        # the check can fail: the cards' stylesheet switched off, the seven-column table overflows
        page.evaluate("document.querySelector('.glance-cards').className = ''")
        assert page.evaluate(SIDEWAYS), "the plain table at 390 px should need sideways scrolling"
    finally:
        page.close()
    page = open_page(chromium, norfolk, DESKTOP)
    try:
        shown = page.evaluate("""() => { const t = document.querySelector('.glance-cards table');
            return [getComputedStyle(t).display, t.querySelector('thead').getBoundingClientRect().height]; }""")
        assert shown[0] == "table" and shown[1] > 10, shown
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.xdist_group("pipeline")
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_the_folded_report_is_axe_clean(norfolk, chromium, viewport):
    page = open_page(chromium, norfolk, viewport)
    try:
        violations = axe_violations(page)
        assert not violations, describe(violations)
        page.evaluate(OPEN_ALL)  # and with every fold open
        violations = axe_violations(page)
        assert not violations, describe(violations)
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.xdist_group("pipeline")
def test_folds_open_when_printed_and_when_a_link_targets_them(norfolk, chromium):
    page = open_page(chromium, norfolk, PHONE)
    try:
        # how much taller than its summary each closed fold is: nothing on screen, its content in print
        below = "() => [...document.querySelectorAll('details.fold')].filter(d => !d.open).map(d => " \
                "d.getBoundingClientRect().height - d.querySelector('summary').getBoundingClientRect().height)"
        assert max(page.evaluate(below)) < 10, "on screen a fold starts closed"
        page.emulate_media(media="print")
        assert min(page.evaluate(below)) > 20, "printed, every fold shows its content"
        page.emulate_media(media="screen")
        # every in-page link lands on something a reader can see, or on a fold chromium opens for it
        inside = page.evaluate("""() => [...document.querySelectorAll('a[href^="#"]')]
            .map(a => document.getElementById(a.getAttribute('href').slice(1)))
            .filter(t => t && t.closest('details')).length""")
        page.evaluate("document.querySelector('details.fold table').id = 'probe'")
        page.goto(page.url.split("#")[0] + "#probe")
        assert page.evaluate("document.getElementById('probe').closest('details').open"), \
            "a link into a fold opens it"
        assert inside == 0, "the contents list and measure links point at headings outside the folds"
    finally:
        page.close()
