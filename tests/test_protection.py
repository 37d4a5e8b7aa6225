"""How much protection (issue 23): the attacker, with bounds, against small councils in regions of 1, 2 and 3.

Every public page of six small generated councils over two periods is read
together - each council's reports, the national page and each regional page -
by ``attacker.Attacker`` with every bound a reader knows (whole counts from 0,
the return's validation limits, shown totals, "a [c] is at least 1"). No
withheld count may be pinned and no count from 1 to 9 narrowed below four
values. Then each protection is switched off in turn - the protection audit,
its "at least 1" bound, the roll-up audit, charts at published precision - and
the attacker (or, for charts, the drawn geometry) must win.
"""

from __future__ import annotations

import functools
import re

import pytest

import published
from attacker import Leak
from conftest import world_paths
from scwres import paths
from scwres.disclosure import audit, publication, suppression
from scwres.render import funnel, national
from test_attacker import attacker_for, read_all

# London: 2 councils, North East: 1, North West: 3.
SHAPES = published.SHAPES + (({"2023": 60, "2024": 75}, "North West"), ({"2023": 110, "2024": 90}, "North West"))
REGIONS = ("London", "North East", "North West")


def _build(root, **options) -> published.World:
    with world_paths(root):
        return published.build_world(root, shapes=SHAPES, **options)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("regions-1-2-3")
    return _build(root)


def _describe(leaks: list[Leak]) -> list[str]:
    return [f"{leak.la} {leak.period} {leak.key}: {leak.value} in {leak.low}..{leak.high}" for leak in leaks[:10]]


def test_no_withheld_count_is_pinned_or_narrowed_in_regions_of_one_two_and_three(world):
    with world_paths(world.root):
        regions = {r: len(national.collect("2024", r).councils) for r in REGIONS}
        assert sorted(regions.values()) == [1, 2, 3]
        attacker, names = attacker_for(world.las, world.periods)
        pages = read_all(attacker, names, world.las, world.periods, REGIONS)
        assert len(pages) == 6 * 2 + 2 * 4
        small = [k for k, c in attacker.targets.items() if 0 < attacker.value(c) < 10]
        assert len(small) > 300
        leaks = attacker.attack()
        traded = sorted(p.relative_to(paths.BUILD_DIR).as_posix()
                        for p in paths.BUILD_DIR.glob("rollup-requests/*/*.json"))
    widths = attacker.widths()
    print(f"feasible ranges of the hidden counts 1-9 (values they can take): {widths}; roll-up requests: {traded}")
    assert traded, "no council was asked to hide more for the pooled figures: the trades are not exercised here"
    assert not leaks, _describe(leaks)
    assert set(widths) == {"4 or more"}


# --- each protection switched off: the attacker wins ----------------------------------------------------------


def _leaks_of_one_period(root, target: object, name: str, value: object) -> list[Leak]:
    """Build the small councils for 2024 (no roll-ups) with ``target.name`` set to ``value``, then attack."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(target, name, value)
        world = _build(root, periods=("2024",), rollups=False)
    with world_paths(world.root):
        attacker, names = attacker_for(world.las, ("2024",))
        read_all(attacker, names, world.las, ("2024",), ())
        return attacker.attack(first=True)


def test_without_the_protection_audit_the_attacker_narrows_a_small_count(tmp_path):
    """The span rounds alone (the plan before this issue) leave counts the bounds narrow or pin."""
    leaks = _leaks_of_one_period(tmp_path, suppression, "plan", functools.partial(suppression.plan, audited=False))
    assert leaks, "with the audit off the span rounds alone should leave a count narrowed by bounds"


def test_without_the_at_least_one_bound_in_the_audit_the_attacker_narrows_a_small_count(tmp_path):
    """An audit that forgets that a [c] is at least 1 (zero being shown) protects too little."""
    leaks = _leaks_of_one_period(tmp_path, audit, "AT_LEAST_ONE", False)
    assert leaks, "an audit without the 'at least 1' bound should leave a count the attacker narrows"


def test_without_the_roll_up_audit_a_region_shows_what_its_councils_hide(world):
    """The pooled rows of a region of one council, or whose other councils are shown, pin a hidden count."""
    with world_paths(world.root):
        attacker, names = attacker_for(world.las, ("2024",))
        for la in world.las:
            attacker.read_report(la, "2024", (paths.report_dir(la, "2024") / "report.html").read_text("utf-8"))
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(publication.RollupPlan, "_audit", lambda self, rows: None)
            for region in (None, *REGIONS):
                attacker.read_rollup("2024", national.render(national.collect("2024", region)), names)
        leaks = attacker.attack()
    assert leaks, "with the roll-up audit off a pooled row should pin or narrow a council's hidden count"


def test_funnel_geometry_carries_only_the_published_figures():
    """Two sets of pooled counts whose published figures agree draw the same funnel; unrounded, they do not."""
    first, second = funnel.basis(130, 2000, 500, 9000), funnel.basis(130, 2001, 500, 9000)
    assert f"{first.centre:.2f}" == f"{second.centre:.2f}" and first.centre != second.centre
    points = [{"label": "A", "n_eff": 812.3456, "rl": 1.23456, "position": funnel.WITHIN}]

    def geometry(svg: str) -> str:
        return re.sub(r'id="[^"]*"|clip-path="[^"]*"|xlink:href="[^"]*"|<metadata>.*?</metadata>', "", svg,
                      flags=re.S)

    assert geometry(funnel.draw(points, first, "t", "s")) == geometry(funnel.draw(points, second, "t", "s"))
    assert geometry(funnel.draw(points, first, "t", "s", precise=True)) != geometry(
        funnel.draw(points, second, "t", "s", precise=True))
