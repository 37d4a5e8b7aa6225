"""The metric catalogue is the one place a metric is defined, and everything reads it.

- it covers exactly the metrics the calculation produces, and docs/methods.md lists each;
- no module but the catalogue writes a table keyed by metric id, or its own default threshold
  (a source scan, shown to catch a planted copy);
- the leaver base is built once: the calculation and disclosure control's atoms agree on it;
- importing the catalogue and the report's words does not load matplotlib (in a fresh interpreter,
  which is also shown to notice matplotlib when the charts are imported).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

from scwres import catalogue
from scwres.catalogue import CATALOGUE, METRIC_IDS, METRICS, RL_METRICS, adds_leavers, suppression_threshold
from scwres.disclosure.suppression import structure_from_params
from scwres.metrics.calculate import metric_rows
from small_return import params, tables

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "lib" / "scwres"


def test_catalogue_covers_every_metric_the_calculation_produces():
    for extra in ({}, {"leaver_base": "snapshot_plus_leavers", "white_minorities_as_minority_ethnic": True}):
        rows = metric_rows(tables(), params(**extra))
        assert {r["metric"] for r in rows} == set(METRIC_IDS)
        assert {r["metric"] for r in rows if r["_rl"] is not None} == set(RL_METRICS)
    assert [m.id for m in CATALOGUE] == list(METRIC_IDS) and len(set(METRIC_IDS)) == len(METRIC_IDS)


def test_every_metric_has_its_words_and_a_methods_entry():
    methods = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    for m in CATALOGUE:
        assert re.search(rf"^\| {re.escape(m.id)} \|", methods, re.MULTILINE), f"docs/methods.md lacks {m.id}"
        assert m.title and m.short and m.topic and m.base.who, m.id
        if m.relative_likelihood:
            words = (m.subject, m.event_phrase, m.event_done, m.event_noun, m.base_noun)
            assert all(words), m.id


# --- nothing keyed by metric id written twice -------------------------------------------------------


def duplicates(source: str, name: str) -> list[str]:
    """Dict literals with two or more metric ids as keys, and ``suppression_threshold`` defaults written out."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Dict):
            ids = [k.value for k in node.keys if isinstance(k, ast.Constant) and k.value in METRICS]
            if len(ids) >= 2:
                found.append(f"{name}:{node.lineno} a table keyed by metric id ({', '.join(ids)})")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                and len(node.args) == 2 and isinstance(node.args[0], ast.Constant)
                and node.args[0].value == "suppression_threshold" and isinstance(node.args[1], ast.Constant)):
            found.append(f"{name}:{node.lineno} the default threshold written out")
    return found


def test_no_module_but_the_catalogue_keys_a_table_by_metric_id():
    found = []
    for path in sorted(LIB.rglob("*.py")):
        if path.name != "catalogue.py":
            found += duplicates(path.read_text(encoding="utf-8"), str(path.relative_to(LIB)))
    assert found == []


def test_the_scan_catches_a_planted_copy():
    planted = 'TITLES = {"m2": "Appointment", "m3": "Disciplinary"}\nt = params.get("suppression_threshold", 10)\n'
    assert duplicates(planted, "x.py") == ["x.py:1 a table keyed by metric id (m2, m3)",
                                           "x.py:2 the default threshold written out"]
    assert duplicates((LIB / "catalogue.py").read_text(encoding="utf-8"), "catalogue.py") == []  # records, not dicts


def test_default_threshold_is_the_params_default():
    from scwres.schema import PARAMS_DEFAULTS

    assert catalogue.DEFAULT_THRESHOLD == PARAMS_DEFAULTS["suppression_threshold"] == 10
    assert suppression_threshold({}) == 10 and suppression_threshold({"suppression_threshold": 5}) == 5


# --- the leaver base, once ------------------------------------------------------------------------------


def test_leaver_base_joins_only_m8_and_only_when_params_say_so():
    assert adds_leavers({"leaver_base": "snapshot_plus_leavers"}) and adds_leavers("snapshot_plus_leavers")
    assert not adds_leavers({}) and not adds_leavers({"leaver_base": "snapshot"}) and not adds_leavers(None)
    for m in CATALOGUE:
        assert m.base_counts(False) == (m.base,)
        assert m.base_counts(True) == ((m.base, catalogue.LEAVERS) if m.id == "m8" else (m.base,))


def test_calculation_and_disclosure_read_the_same_leaver_base():
    """Under either leaver base, m8's base atoms hold the leavers exactly when its calculated base does."""
    for base in ("snapshot", "snapshot_plus_leavers"):
        p = params(leaver_base=base)
        rows = {(r["metric"], r["service"]): r for r in metric_rows(tables(), p) if r["breakdown"] == "overall"}
        headcount = rows[("m3", "adults")]["base_me"]  # m3's base is the plain headcount
        structure = structure_from_params(p)
        atoms = structure.row_atoms("m8", "adults", "overall")["base_me"]
        has_leavers = any(a[0] == "events.leavers" for a in atoms)
        assert has_leavers == (rows[("m8", "adults")]["base_me"] > headcount) == (base == "snapshot_plus_leavers")


def test_the_small_base_warning_adds_up_the_bases_the_calculation_uses():
    """Validation reads each base from the catalogue (it comes before the metrics): for every metric and
    service, under either leaver base and either white-minorities rule, its sizes are the calculated bases."""
    from scwres.validate.warnings import base_sizes

    for extra in ({}, {"leaver_base": "snapshot_plus_leavers", "white_minorities_as_minority_ethnic": True}):
        p = params(**extra)
        calculated = {(r["metric"], r["service"]): (r["base_me"], r["base_white"])
                      for r in metric_rows(tables(), p) if r["breakdown"] == "overall"}
        read = {(m.id, service): sizes for m in CATALOGUE
                for service, sizes in base_sizes(m, tables(), adds_leavers(p), bool(extra)).items()}
        assert read == calculated, extra
    # the comparison can fail: m8's base without the leavers is not the calculated one under the leaver base
    p = params(leaver_base="snapshot_plus_leavers")
    calculated = {r["service"]: (r["base_me"], r["base_white"]) for r in metric_rows(tables(), p)
                  if r["metric"] == "m8" and r["breakdown"] == "overall"}
    assert base_sizes(METRICS["m8"], tables(), False, False) != calculated == base_sizes(
        METRICS["m8"], tables(), True, False)


# --- importing the words stays light ---------------------------------------------------------------------


PROBE = """
import json, sys
import {modules}
light = 'matplotlib' not in sys.modules
import scwres.render.charts
print(json.dumps([light, 'matplotlib' in sys.modules]))
"""


def test_importing_the_catalogue_and_words_does_not_load_matplotlib():
    modules = "scwres.catalogue, scwres.render.words, scwres.render.index_page"
    proc = subprocess.run([sys.executable, "-c", PROBE.format(modules=modules)], capture_output=True, text=True,
                          timeout=120, check=True)
    light, heavy = json.loads(proc.stdout)
    assert light, "importing the catalogue or the words loaded matplotlib"
    assert heavy  # the probe does see matplotlib once the charts are imported: it can fail
