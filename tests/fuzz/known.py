"""The reproducers of issue 17's campaign, rebuilt as corpus cases (``python tests/fuzz/known.py`` writes them).

Each is the smallest tree that showed one class of crash, hang or silent wrong
answer before the guards; ``tests/test_fuzz.py`` replays every folder of the
corpus, these and any the fuzzer saves later, and checks the outcome recorded
in its ``case.json`` (``refused`` with the words of the problem, or ``accepted``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from bad_returns import good  # noqa: E402
from fuzz.fuzz import BASES, CORPUS, NOTES, PARAMS, PERIOD, PLAN, RAW, Tree, base_tree, csv_text, read_rows, xlsx_bytes  # noqa: E402


def set_cell(path: str, line: int, column: str, value: str) -> Callable[[Tree], None]:
    def edit(tree: Tree) -> None:
        rows = read_rows(tree.files[path])
        rows[line - 1][rows[0].index(column)] = value
        tree.files[path] = csv_text(rows).encode("utf-8", "surrogatepass")
    return edit


def params_text(change: Callable[[str], str]) -> Callable[[Tree], None]:
    def edit(tree: Tree) -> None:
        tree.files[PARAMS] = change(tree.files[PARAMS].decode("utf-8")).encode("utf-8")
    return edit


def folder_instead(path: str) -> Callable[[Tree], None]:
    def edit(tree: Tree) -> None:
        tree.remove(path)
        tree.dirs.add(path)
    return edit


def both(*edits: Callable[[Tree], None]) -> Callable[[Tree], None]:
    def edit(tree: Tree) -> None:
        for e in edits:
            e(tree)
    return edit


def xlsx_dimension(tree: Tree) -> None:
    from fuzz.fuzz import _rezip

    tree.files[f"{RAW}/{PERIOD}/return.xlsx"] = _rezip(xlsx_bytes(good.tables()), lambda parts: parts.update({
        k: v.replace(b'<dimension ref="A1:F8"/>', b'<dimension ref="A1:XFD1048576"/>')
        for k, v in parts.items() if k.startswith("xl/worksheets/")}))


def xlsx_control_character(tree: Tree) -> None:
    from fuzz.fuzz import _rezip

    tables = good.tables()
    tables["workforce"][2][4] = "PLANT"
    tree.files[f"{RAW}/{PERIOD}/return.xlsx"] = _rezip(xlsx_bytes(tables), lambda parts: parts.update({
        k: v.replace(b"PLANT", b"black_african\xe2\x80\xae") for k, v in parts.items() if k.endswith(".xml")}))


def many_bad_rows(tree: Tree) -> None:
    path = f"{RAW}/{PERIOD}/workforce.csv"
    rows = read_rows(tree.files[path])
    rows += [[*rows[1][:5], "x"] for _ in range(20_000)]  # stored gzipped in the corpus
    tree.files[path] = csv_text(rows).encode("utf-8")


def many_actions(tree: Tree) -> None:
    rows = read_rows(tree.files[PLAN])
    for i in range(2000):
        row = list(rows[1 + i % 4])
        row[0] = f"B{i}"
        rows.append(row)
    tree.files[PLAN] = csv_text(rows).encode("utf-8")


WF = f"{RAW}/{PERIOD}/workforce.csv"
LAUGHS = "\n".join(['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
                   + [f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 9)])
TWO_2024 = "  2024:\n" + good.PARAMS_YAML.split('"2024":\n', 1)[1]

def notes(data: bytes) -> Callable[[Tree], None]:
    def edit(tree: Tree) -> None:
        tree.files[NOTES] = data
    return edit


def notes_special(spec: dict) -> Callable[[Tree], None]:
    def edit(tree: Tree) -> None:
        tree.remove(NOTES)
        tree.special[NOTES] = spec
    return edit


def folder_for_the_spreadsheet(tree: Tree) -> None:
    folder_instead("reports/sc-wres-tiny-2024.xlsx")(tree)
    tree.files["reports/sc-wres-tiny-2024.xlsx/inside"] = b"x"


def disk_fills_part_way(tree: Tree) -> None:
    import json

    tree.files["fault.json"] = json.dumps({"sizes": [300_000, 20_000, 5_000], "fsize": 250_000}).encode()


COMMENTARY_TEXT = "## m2\nPanels were trained by our café staff.\n"

# name: (kind or class, format, edit, expected outcome, words the problems must contain); a class of issue 27
# (commentary, faults, records) starts from that class's own tree
KNOWN: dict[str, tuple[str, str, Callable[[Tree], None], str, str]] = {
    "count-5000-digits": ("return", "csv", set_cell(WF, 3, "headcount", "9" * 5000), "refused",
                          "more than 10,000,000"),
    "count-10-to-the-400": ("return", "csv", set_cell(WF, 3, "headcount", "1" + "0" * 400), "refused",
                            "more than 10,000,000"),
    "count-1e400": ("return", "csv", set_cell(f"{RAW}/{PERIOD}/recruitment.csv", 2, "shortlisted", "1e400"),
                    "refused", "is not a number"),
    "count-infinity": ("return", "csv", set_cell(f"{RAW}/{PERIOD}/events.csv", 2, "cpd", "inf"), "refused",
                       "is not a number"),
    "counts-int64-wrap": ("return", "csv", both(set_cell(WF, 2, "headcount", "9223372036854775807"),
                                                set_cell(WF, 3, "headcount", "9223372036854775807")),
                          "refused", "more than 10,000,000"),
    "control-character-in-a-code": ("return", "csv", set_cell(WF, 4, "ethnicity", "asian_indian\x1b[0m"),
                                    "refused", "U+001B"),
    "recruitment-is-a-folder": ("return", "csv", folder_instead(f"{RAW}/{PERIOD}/recruitment.csv"), "refused",
                                "recruitment.csv is a folder"),
    "events-is-a-folder": ("return", "csv", folder_instead(f"{RAW}/{PERIOD}/events.csv"), "refused",
                           "events.csv is a folder"),
    "population-is-a-folder": ("return", "csv", folder_instead(f"{RAW}/{PERIOD}/population.csv"), "refused",
                               "population.csv is a folder"),
    "twenty-thousand-bad-rows": ("return", "csv", many_bad_rows, "refused", "is not a number"),
    "xlsx-claims-the-whole-sheet": ("return", "xlsx", xlsx_dimension, "accepted", ""),
    "xlsx-bidi-override-in-a-cell": ("return", "xlsx", xlsx_control_character, "refused",
                                     "U+202E (a control of text direction)"),
    "params-lone-surrogate": ("params", "csv", params_text(lambda t: t.replace("region: Nowhere", 'region: "\\ud800"')),
                              "refused", "lone surrogate"),
    "params-nested-deeply": ("params", "csv", params_text(lambda t: t + "deep: " + "[" * 5000 + "]" * 5000 + "\n"),
                             "refused", "nested more than 20 levels"),
    "params-billion-laughs": ("params", "csv", params_text(lambda t: t + LAUGHS + "\n"), "refused",
                              "expand to more than"),
    "params-duplicate-key": ("params", "csv", params_text(lambda t: t + "region: Elsewhere\n"), "refused",
                             "appears twice"),
    "params-2024-beside-quoted-2024": ("params", "csv", params_text(lambda t: t + TWO_2024), "refused",
                                       "'2024' appears twice"),
    "params-datetime-beside-date": ("params", "csv", params_text(lambda t: t.replace(
        "window_start: 2023-10-01", "window_start: 2023-10-01 10:00:00")), "refused", "yyyy-mm-dd"),
    "params-huge-integer": ("params", "csv", params_text(lambda t: re.sub(
        r"suppression_threshold: [0-9]+", "suppression_threshold: " + "9" * 5000, t)), "refused", "far too large"),
    "params-not-a-float": ("params", "csv", params_text(lambda t: t + 'unknown_share_warning: !!float "x"\n'),
                           "refused", "is not a number"),
    "params-is-a-folder": ("params", "csv", folder_instead(PARAMS), "refused", "is a folder"),
    "action-plan-is-a-folder": ("actions", "csv", folder_instead(PLAN), "refused", "action_plan.csv is a folder"),
    "action-plan-long-measure": ("actions", "csv", set_cell(PLAN, 2, "success_measure",
                                                            "m2 >= 0.8 and " * 600 + "m2 <= 1"), "refused",
                                 "keep it under 300"),
    "action-plan-cell-too-long": ("actions", "csv", set_cell(PLAN, 2, "action", "x" * 20_000), "refused",
                                  "the limit is 10,000"),
    "action-plan-cell-past-the-csv-limit": ("actions", "csv", set_cell(PLAN, 2, "action", "x" * 200_000), "refused",
                                            "A cell holds more than 131,072 characters"),
    "action-plan-thousands-of-metrics": ("actions", "csv", set_cell(PLAN, 2, "metrics", "m1;x" * 2000), "refused",
                                         "not a metric id"),
    "action-plan-impossible-date": ("actions", "csv", set_cell(PLAN, 3, "due", "2023-02-30"), "refused",
                                    "is not a date"),
    "action-plan-thousands-of-actions": ("actions", "csv", many_actions, "refused", "at most 1,000"),
    # issue 27's campaign
    "commentary-latin-1": ("commentary", "csv", notes(COMMENTARY_TEXT.encode("latin-1")), "refused",
                           "is not UTF-8 text"),
    "commentary-utf-16": ("commentary", "csv", notes(COMMENTARY_TEXT.encode("utf-16")), "refused", "is UTF-16 text"),
    "commentary-is-a-folder": ("commentary", "csv", folder_instead(NOTES), "refused", "is a folder"),
    "commentary-is-a-named-pipe": ("commentary", "csv", notes_special({"fifo": True}), "refused", "named pipe"),
    "commentary-is-a-device": ("commentary", "csv", notes_special({"symlink": "/dev/zero"}), "refused",
                               "it is a device"),
    "commentary-escape-and-bidi-override": ("commentary", "csv", notes("## m2\nPanels \u202eevil\x1b[31m red\n"
                                                                       .encode()), "accepted", ""),
    "publish-folder-where-the-spreadsheet-goes": ("faults", "csv", folder_for_the_spreadsheet, "refused",
                                                  "a folder is where the file should go"),
    "publish-disk-fills-part-way": ("faults", "csv", disk_fills_part_way, "refused", "size limit"),
    "records-counted-as-the-file-says": ("records", "csv", lambda tree: None, "verified", ""),
}


def write_corpus(folder: Path = CORPUS) -> list[Path]:
    out = []
    for name, (kind, fmt, edit, expect, words) in KNOWN.items():
        tree = BASES[kind]() if kind in BASES else base_tree(kind, fmt)
        edit(tree)
        target = folder / name
        found = "issue 27 campaign" if kind in BASES else "issue 17 campaign"
        tree.save(target, {"class": "known", "edits": [name], "found": found, "expect": expect,
                           "words": words})
        out.append(target)
    return out


if __name__ == "__main__":
    for path in write_corpus():
        print(path.relative_to(HERE.parent.parent))
