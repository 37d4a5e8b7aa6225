"""The project's docs (docs/*.md) against the code: they must not drift apart.

Each check is a function from texts (and the code's own lists) to a list of
disagreements, so the same function is run on the real files (must find none)
and on a doctored copy (must find the planted fault): a check that cannot
fail would prove nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from scwres import schema
from scwres.actions.measures import METRIC_IDS
from scwres.catalogue import METRICS
from scwres.intake import params as params_module

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
OLD_NAMES = ("data-return", "metrics", "report", "action-plan", "action-plans", "methods", "params")


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The body of the Markdown section whose heading starts with ``heading`` (up to the next of its level)."""
    match = re.search(rf"^(#+) {re.escape(heading)}.*$", text, re.MULTILINE)
    assert match, f"no section '{heading}'"
    level = len(match.group(1))
    rest = text[match.end():]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest


def table_rows(text: str) -> list[list[str]]:
    """Cells of every Markdown table row in ``text``, header and rule rows left out."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-+:?", c) for c in cells):
            continue
        rows.append(cells)
    return [r for r in rows if r and r[0] not in ("key", "id", "code", "column", "page", "path", "status",
                                                     "audience")]


def untick(cell: str) -> str:
    return cell.strip().strip("`")


# --- params -------------------------------------------------------------------------------------------


def code_params_keys() -> set[str]:
    """Every params key the code knows, as dotted paths the way docs/params.md writes them."""
    return ({*params_module.PARAMS_KEYS}
            | {f"people.{k}" for k in params_module.PEOPLE_KEYS}
            | {f"periods.<yyyy>.{k}" for k in params_module.PERIOD_KEYS})


def params_doc_problems(doc: str) -> list[str]:
    """Keys missing from or extra in docs/params.md, and required/default cells that disagree with the code."""
    rows = {untick(r[0]): r for r in table_rows(doc) if len(r) >= 4 and r[0].startswith("`")}
    code = code_params_keys()
    out = [f"params key '{k}' is in the code but not in docs/params.md" for k in sorted(code - set(rows))]
    out += [f"docs/params.md documents '{k}', which the code does not know" for k in sorted(set(rows) - code)]
    required = {k: r for k, r in params_module.PARAMS_KEYS.items()}
    required |= {f"people.{k}": True for k in params_module.PEOPLE_KEYS}
    required |= {f"periods.<yyyy>.{k}": r for k, r in params_module.PERIOD_KEYS.items()}
    defaults = {**schema.PARAMS_DEFAULTS, "periods.<yyyy>.illustrative": False}
    for key, cells in rows.items():
        if key not in code:
            continue
        shown = cells[2]
        if required[key]:
            if shown != "required":
                out.append(f"docs/params.md: '{key}' is required in the code but its default says '{shown}'")
        elif key not in defaults:
            out.append(f"'{key}' is optional but the code has no default for it")
        elif yaml.safe_load(untick(shown)) != defaults[key]:
            out.append(f"docs/params.md: default of '{key}' is '{shown}', the code's is {defaults[key]!r}")
    return out


def test_params_doc_matches_code():
    assert params_doc_problems(read(DOCS / "params.md")) == []


def test_params_check_catches_a_removed_key_an_invented_key_and_a_wrong_default():
    doc = read(DOCS / "params.md")
    removed = "\n".join(line for line in doc.splitlines() if not line.startswith("| `leaver_base`"))
    assert params_doc_problems(removed) == ["params key 'leaver_base' is in the code but not in docs/params.md"]
    invented = doc + "\n| `colour_scheme` | text | `blue` | invented |\n"
    assert params_doc_problems(invented) == ["docs/params.md documents 'colour_scheme', which the code does not know"]
    wrong = doc.replace("| whole number, 1 or more | `10` |", "| whole number, 1 or more | `5` |")
    assert wrong != doc
    assert params_doc_problems(wrong) == ["docs/params.md: default of 'suppression_threshold' is '`5`', "
                                          "the code's is 10"]


# --- metric ids ---------------------------------------------------------------------------------------


def code_metric_ids() -> set[str]:
    return {*METRIC_IDS, *METRICS}


def methods_doc_problems(doc: str) -> list[str]:
    """docs/methods.md's measures table against the catalogue: ids, source tables and adverse side."""
    rows = {untick(r[0]): r for r in table_rows(section(doc, "The nine measures"))}
    code = code_metric_ids()
    out = [f"metric '{m}' is in the code but not in the measures table of docs/methods.md"
           for m in sorted(code - set(rows))]
    out += [f"docs/methods.md lists metric '{m}', which the code does not have" for m in sorted(set(rows) - code)]
    for m, row in sorted(rows.items()):
        if m not in METRICS:
            continue
        spec, tables = METRICS[m], {t.strip() for t in row[4].split(",")}
        if tables != set(spec.tables):
            out.append(f"docs/methods.md: {m} reads {sorted(tables)}, the catalogue says {sorted(spec.tables)}")
        side = ("RL below 1" if spec.adverse_below_one else "RL above 1") if spec.relative_likelihood else None
        if side and row[5] != side:
            out.append(f"docs/methods.md: {m}'s adverse side is '{row[5]}', the catalogue's is '{side}'")
    return out


def test_methods_doc_lists_every_metric_id():
    assert methods_doc_problems(read(DOCS / "methods.md")) == []


def test_methods_check_catches_a_missing_and_an_unknown_metric():
    doc = read(DOCS / "methods.md")
    missing = "\n".join(line for line in doc.splitlines() if not line.startswith("| m7_managers |"))
    assert methods_doc_problems(missing) == [
        "metric 'm7_managers' is in the code but not in the measures table of docs/methods.md"]
    extra = doc.replace("| m9 |", "| m10 | invented | a | b | c | d |\n| m9 |", 1)
    assert methods_doc_problems(extra) == ["docs/methods.md lists metric 'm10', which the code does not have"]


def test_methods_check_catches_a_wrong_source_table_and_a_wrong_adverse_side():
    doc = read(DOCS / "methods.md")
    moved = doc.replace("| `cpd` | headcount | events, workforce | RL below 1 |",
                        "| `cpd` | headcount | events | RL above 1 |")
    assert moved != doc
    assert methods_doc_problems(moved) == [
        "docs/methods.md: m5 reads ['events'], the catalogue says ['events', 'workforce']",
        "docs/methods.md: m5's adverse side is 'RL above 1', the catalogue's is 'RL below 1'"]


# --- ethnicity codes ----------------------------------------------------------------------------------


def ethnicity_doc_problems(doc: str) -> list[str]:
    """Codes (with census category and default group) in docs/data-return.md against schema.py."""
    rows = [r for r in table_rows(section(doc, "Ethnicity codes")) if len(r) == 3]
    listed = {untick(r[0]): (r[1], r[2]) for r in rows}
    code = {**schema.DETAILED_CODES, **schema.BROAD_CODES}
    out = [f"ethnicity code '{c}' is in schema.py but not in docs/data-return.md"
           for c in schema.ETHNICITY_CODES if c not in listed]
    out += [f"docs/data-return.md lists ethnicity code '{c}', which schema.py does not have"
            for c in listed if c not in code]
    for c, (label, group) in listed.items():
        if c in code and (label, group) != code[c][:2]:
            out.append(f"docs/data-return.md: '{c}' is '{label}' / {group}; schema.py says "
                       f"'{code[c][0]}' / {code[c][1]}")
    return out


def test_data_return_doc_lists_every_ethnicity_code_with_its_category_and_group():
    assert ethnicity_doc_problems(read(DOCS / "data-return.md")) == []


def test_ethnicity_check_catches_missing_invented_and_regrouped_codes():
    doc = read(DOCS / "data-return.md")
    missing = "\n".join(line for line in doc.splitlines() if not line.startswith("| white_roma |"))
    assert ethnicity_doc_problems(missing) == ["ethnicity code 'white_roma' is in schema.py but not in "
                                               "docs/data-return.md"]
    extra = doc.replace("| other_arab |", "| other_martian | Other: Martian | minority_ethnic |\n| other_arab |")
    assert ethnicity_doc_problems(extra) == ["docs/data-return.md lists ethnicity code 'other_martian', which "
                                             "schema.py does not have"]
    regrouped = doc.replace("| White: Irish | white |", "| White: Irish | minority_ethnic |")
    assert ethnicity_doc_problems(regrouped) == ["docs/data-return.md: 'white_irish' is 'White: Irish' / "
                                                 "minority_ethnic; schema.py says 'White: Irish' / white"]


# --- make targets -------------------------------------------------------------------------------------


def make_targets(makefile: str) -> list[str]:
    """The targets ``make help`` lists: those with a ``## what it does`` comment."""
    return re.findall(r"^([a-zA-Z_-]+):.*?## ", makefile, re.MULTILINE)


def undocumented_targets(makefile: str, texts: list[str]) -> list[str]:
    joined = "\n".join(texts)
    return [t for t in make_targets(makefile) if not re.search(rf"\bmake {re.escape(t)}\b", joined)]


def user_texts() -> list[str]:
    return [read(ROOT / "README.md"), *(read(p) for p in sorted(DOCS.glob("*.md")))]


def test_every_make_target_is_described_in_the_readme_or_docs():
    makefile = read(ROOT / "Makefile")
    assert len(make_targets(makefile)) >= 10
    assert undocumented_targets(makefile, user_texts()) == []


def test_target_check_catches_an_undocumented_target():
    makefile = read(ROOT / "Makefile") + "\nfrobnicate: ## a target nobody wrote about\n\ttrue\n"
    assert undocumented_targets(makefile, user_texts()) == ["frobnicate"]


# --- cited documents ----------------------------------------------------------------------------------


def citing_files() -> list[Path]:
    """Where users meet references to documents: README, Makefile, the code and its templates, notebooks."""
    lib = ROOT / "lib" / "scwres"
    return [ROOT / "README.md", ROOT / "Makefile", *sorted(lib.rglob("*.py")), *sorted(lib.rglob("*.j2")),
            *sorted((ROOT / "notebooks").glob("*.ipynb"))]


def citation_problems(files: dict[str, str], exists=lambda rel: (ROOT / rel).is_file()) -> list[str]:
    """``docs/<page>.md`` citations that do not exist, and bare page names (``metrics.md``) not under docs/.

    A bare ``data-return.md`` once meant a file outside this repository; every citation must now name
    the docs/ page, so a reader can open it.
    """
    out = []
    bare = re.compile(rf"(?<![\w/.-])((?:{'|'.join(OLD_NAMES)})\.md)\b")
    for name, text in files.items():
        for cited in sorted(set(re.findall(r"\bdocs/[\w.-]+\.md\b", text))):
            if not exists(cited):
                out.append(f"{name} cites {cited}, which does not exist")
        for cited in sorted(set(bare.findall(text))):
            out.append(f"{name} cites {cited} without its folder: write docs/<page>.md")
    return out


def test_every_cited_document_is_in_the_repository():
    files = {str(p.relative_to(ROOT)): read(p) for p in citing_files()}
    assert citation_problems(files) == []


def test_docs_cross_links_resolve():
    broken = []
    for page in sorted(DOCS.glob("*.md")):
        for target in re.findall(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)", read(page)):
            if not (page.parent / target).resolve().is_file():
                broken.append(f"{page.name} -> {target}")
    assert broken == []


@pytest.mark.parametrize(("text", "expected"), [
    ("see docs/data-return.md for the shape", []),
    ("see docs/no-such-page.md", ["x.py cites docs/no-such-page.md, which does not exist"]),
    ("see data-return.md for the shape", ["x.py cites data-return.md without its folder: write docs/<page>.md"]),
    ("exactly as metrics.md defines them", ["x.py cites metrics.md without its folder: write docs/<page>.md"]),
    ("params/commentary/<la>/<period>.md and README.md", []),
])
def test_citation_check_catches_missing_and_bare_citations(text, expected):
    assert citation_problems({"x.py": text}) == expected
