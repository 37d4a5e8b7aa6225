"""The package tree mirrors the data flow: one-way imports between stages, no cycles, small modules.

Why a test: a layout only stays readable while nothing drifts back. A module that
imports a later stage (the metrics calling the disclosure rules, a page calling the
batch runner) or joins an import cycle makes every stage depend on every other, so a
change to one can break any. The stages, lowest first, are the order the data flow
through (README, "How it is laid out"):

    scwres/*.py   shared facts and tools: paths, problems, the return's schema, limits
    intake/       reading what comes in: params, the return, records, labels, commentary
    validate/     checking the return: rules, great-expectations, warnings
    metrics/      the statistics and the nine metrics
    disclosure/   what a public page may show: suppression, the publication layer
    render/       pages, words, charts, the report, open data
    actions/      action plans: register, status, measures and their pages
    pipeline/     running it: one report, the batch, kernels, the national command
    dev/          illustrative and synthetic data, benchmarks
    cli           the command line, on top of everything

A module may import its own stage or any lower one, never a higher one. Imports
inside functions count too: deferring an import hides a dependency, it does not
remove it.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "lib"
PACKAGE = LIB / "scwres"

STAGES = ("shared", "intake", "validate", "metrics", "disclosure", "render", "actions", "pipeline", "dev", "entry")
# Modules directly under scwres/; a new one must be given a stage here (or, better, go into a stage's package).
ROOT_MODULES = {
    "scwres": "shared", "paths": "shared", "problems": "shared", "schema": "shared", "limits": "shared",
    "safe_yaml": "shared", "locks": "shared", "catalogue": "shared", "memo": "shared",
    "cli": "entry", "__main__": "entry",
}
MAX_LINES = 400
# Modules still over MAX_LINES, each with the split it waits for (issue 13 is open for them). Nothing
# else may be over the limit, and an entry that is no longer over fails the test, so the list only shrinks.
OVER_LIMIT: dict[str, str] = {}
# HTML is written by the templates (templates/pages/, render/pages.py), never by Python. What may still hold a
# tag: regexes reading the exported page (render/export.py, render/pdf.py) and the PDF's empty header
# (render/pdf.py). The cap only goes down.
MAX_HTML_LITERALS = 3
HTML_TAGS = ("a abbr article aside b body br caption code col colgroup dd details div dl dt em figcaption figure "
             "footer form h1 h2 h3 h4 h5 h6 head header hr html i img input li link main meta nav ol p pre script "
             "section small span strong style sub summary sup table tbody td tfoot th thead title tr u ul").split()
# A tag: "<p", "</td>", "<br>" - but not a placeholder in a message such as "make report LA=<la>".
HTML_TAG = re.compile(rf"</?(?:{'|'.join(HTML_TAGS)})(?=[\s>/])", re.IGNORECASE)
# Imports that still point up the flow, each with what removes it. Empty is the goal.
KNOWN_UPWARD: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(LIB).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def lib_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(tree: ast.Module) -> set[int]:
    """ids of import nodes under ``if TYPE_CHECKING:`` (annotations only: no import at run time)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            out.update(id(sub) for stmt in node.body for sub in ast.walk(stmt))
    return out


def imports_of(name: str, source: str, is_package: bool, known: set[str]) -> set[str]:
    """The lib modules ``name`` imports anywhere in ``source`` (top level or inside functions)."""
    tree = ast.parse(source)
    skip = _type_checking_only(tree)
    here = name.split(".") if is_package else name.split(".")[:-1]
    out: set[str] = set()

    def add(target: str) -> None:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            out.add(target)

    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "scwres":
                    add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module.split(".")[0] != "scwres":
                continue
            for alias in node.names:
                full = f"{module}.{alias.name}"
                add(full if full in known else module)
    return out


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(name: str, source: str, is_package: bool, known: set[str]) -> list[str]:
    """Another lib module's private (``_name``) names that ``name`` uses: imported by name, or read off a
    module it imported (``national._num``). A helper two modules need is public, in the lower one."""
    tree = ast.parse(source)
    here = name.split(".") if is_package else name.split(".")[:-1]
    modules: dict[str, str] = {}  # local name -> the lib module it is bound to
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known and alias.asname:
                    modules[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            if module.split(".")[0] != "scwres" or module == name:
                continue
            for alias in node.names:
                if f"{module}.{alias.name}" in known:
                    modules[alias.asname or alias.name] = f"{module}.{alias.name}"
                elif _private(alias.name):
                    found.append(f"{name} imports {module}.{alias.name}")
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                and _private(node.attr) and modules[node.value.id] != name):
            found.append(f"{name} uses {modules[node.value.id]}.{node.attr}")
    return sorted(set(found))


def import_graph() -> dict[str, set[str]]:
    modules = lib_modules()
    known = set(modules)
    return {name: imports_of(name, path.read_text(encoding="utf-8"), path.name == "__init__.py", known)
            for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def stage_of(module: str) -> str | None:
    """A module's stage: its package under scwres, or ROOT_MODULES for one directly under it."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in STAGES:
        return parts[1]
    return ROOT_MODULES.get(parts[-1]) if len(parts) <= 2 else None


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    out = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            if (module, target) in KNOWN_UPWARD:
                continue
            if STAGES.index(stage_of(target)) > STAGES.index(stage_of(module)):
                out.append(f"{module} ({stage_of(module)}) imports {target} ({stage_of(target)})")
    return out


# --- the tree as it is ---------------------------------------------------------------------------


def test_every_module_has_a_stage():
    assert [m for m in lib_modules() if stage_of(m) is None] == []


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_imports_point_down_the_flow():
    assert upward_imports(import_graph()) == []


def test_no_module_uses_another_modules_private_names():
    modules = lib_modules()
    known = set(modules)
    found = [use for name, path in modules.items()
             for use in private_uses(name, path.read_text(encoding="utf-8"), path.name == "__init__.py", known)]
    assert found == []


def test_known_upward_imports_still_exist():
    """An entry whose import is gone must leave the list, so the list only ever shrinks."""
    graph = import_graph()
    assert [pair for pair in KNOWN_UPWARD if pair[1] not in graph.get(pair[0], set())] == []


def test_no_module_over_the_line_limit():
    too_long = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and rel not in OVER_LIMIT:
            too_long[rel] = lines
    assert too_long == {}


def test_over_limit_list_only_holds_modules_over_the_limit():
    """A module split below the limit leaves the list, so the list only ever shrinks."""
    assert [rel for rel in OVER_LIMIT if not (PACKAGE / rel).is_file()
            or len((PACKAGE / rel).read_text(encoding="utf-8").splitlines()) <= MAX_LINES] == []


def html_literals(source: str, name: str) -> list[str]:
    """Every string constant in ``source`` (f-string parts included, docstrings not) holding an HTML tag."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [f"{name}:{node.lineno} {node.value[:60]!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and HTML_TAG.search(node.value)]


def test_python_writes_a_handful_of_html_literals_at_most():
    found = [hit for path in sorted(PACKAGE.rglob("*.py"))
             for hit in html_literals(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE).as_posix())]
    assert len(found) <= MAX_HTML_LITERALS, "\n".join(found)


def test_every_stage_package_says_what_it_holds():
    missing = [stage for stage in STAGES if (PACKAGE / stage).is_dir()
               and not ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))]
    assert missing == []


def test_importing_the_words_does_not_import_matplotlib():
    """The index page and the open data want the words, not the charting stack (seconds to import)."""
    code = "import sys, scwres.render.words; print('matplotlib' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "False"


def test_cited_code_paths_exist():
    """README and docs name lib/scwres/... files; after a move every such path must still be real."""
    import re

    texts = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
             for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]}
    missing = [f"{name}: {cited}" for name, text in texts.items()
               for cited in sorted(set(re.findall(r"lib/scwres/[\w/.-]*\w", text)))
               if not (ROOT / cited).exists()]
    assert missing == []


# --- the checks can fail ----------------------------------------------------------------------------


def test_cycle_finder_finds_a_cycle_through_a_deferred_import():
    known = {"scwres.intake.load", "scwres.validate.checks", "scwres.schema"}
    load = imports_of("scwres.intake.load", "from ..schema import X\n\ndef f():\n    from ..validate import checks\n",
                      False, known)
    checks = imports_of("scwres.validate.checks", "from ..intake.load import RawReturn\n", False, known)
    graph = {"scwres.intake.load": load, "scwres.validate.checks": checks, "scwres.schema": set()}
    assert load == {"scwres.schema", "scwres.validate.checks"}
    assert cycles(graph) == [["scwres.intake.load", "scwres.validate.checks"]]


def test_type_checking_imports_are_not_dependencies():
    known = {"scwres.intake.load", "scwres.render.charts"}
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..render.charts import Chart\n"
    assert imports_of("scwres.intake.load", source, False, known) == set()


def test_html_literal_scan_catches_a_planted_tag(tmp_path):
    """A tag in a plain string or an f-string part is found; a docstring or a message placeholder is not."""
    planted = tmp_path / "planted.py"
    planted.write_text('"""Builds <p> tags."""\n\ndef f(x):\n    """Returns <td>."""\n'
                       '    hint = "make report LA=<la> or a < b"\n'
                       '    return f\'<span class="x">{x}</span>\' + "<br>" + hint\n', encoding="utf-8")
    found = html_literals(planted.read_text(encoding="utf-8"), "planted.py")
    assert sorted(found) == ["planted.py:6 '</span>'", "planted.py:6 '<br>'", "planted.py:6 '<span class=\"x\">'"]


def test_upward_import_is_caught():
    graph = {"scwres.metrics.calculate": {"scwres.disclosure.suppression", "scwres.schema"},
             "scwres.disclosure.suppression": set(), "scwres.schema": set()}
    assert upward_imports(graph) == [
        "scwres.metrics.calculate (metrics) imports scwres.disclosure.suppression (disclosure)"]


def test_a_private_name_from_another_module_is_caught():
    known = {"scwres.render.open_data", "scwres.render.national", "scwres.render.words", "scwres.render"}
    source = ("from . import national\nfrom .words import _counts, ratio\nimport scwres.render.words as w\n"
              "def f(p):\n    return national._num(p), national.pooled(p), w._counts, national.__name__\n")
    assert private_uses("scwres.render.open_data", source, False, known) == [
        "scwres.render.open_data imports scwres.render.words._counts",
        "scwres.render.open_data uses scwres.render.national._num",
        "scwres.render.open_data uses scwres.render.words._counts",
    ]
    # a module's own private names, and dunders such as a module's __name__, are fine
    assert private_uses("scwres.render.national", "def _num(v):\n    return v\nx = _num(1)\n", False, known) == []


@pytest.mark.parametrize("module, stage", [
    ("scwres.paths", "shared"), ("scwres.cli", "entry"), ("scwres.actions", "actions"),
    ("scwres.render.report.sections", "render"), ("scwres.pipeline.run", "pipeline"), ("scwres.newthing", None),
    ("scwres.misc.thing", None),
])
def test_stage_of(module, stage):
    assert stage_of(module) == stage
