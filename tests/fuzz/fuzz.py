"""The fuzzer: mutated returns, params and action plans through the entry points `make report` and `make update` use.

Why it lives in the repository: every guard in ``scwres.limits``,
``scwres.safe_yaml``, the loaders and the action plan parser was written
because a campaign like this found a traceback or a hang. Keeping the campaign
here means a new guard can be tried against the same thousands of inputs, and
anything it finds becomes a regression case in ``tests/fuzz/corpus/``.

How it works:

- A case starts from a good file tree (the small return of
  ``tests/bad_returns/good.py``, its params, and for action plans a second
  period and a register) and applies one to three edits of one mutation class:
  ``cells``, ``headers``, ``encodings``, ``files`` (folders, links, sparse
  giant files, missing files), ``xlsx`` (cell types, sheets, the zip and XML
  inside), ``params`` (YAML) and ``actions`` (the register and its success
  measures). Cases are seeded: the same seed and index give the same case.
- Each case runs in a worker process (``run_case``), in-process exactly as the
  pipeline does: ``load_params`` + ``validate_return`` (+ ``workbook.calculate``
  when it passes) for a return, ``load_params`` (+ its consumers) for params,
  ``update_html`` and ``action_plan_section`` for an action plan. The outcome is
  *refused cleanly* (the documented errors, every problem printable and the
  data-quality page renders and encodes), *accepted correctly* (no error, and
  the figures obey their invariants), *crashed* (anything else) or *timed out*
  (the worker is killed after ``--timeout`` seconds of its own CPU time, or ten times that on the
  clock, and replaced).
- A crash is shrunk to the single edit that still crashes, if one does, and
  saved as a folder (``case.json`` and ``tree/``) under ``tests/fuzz/crashes/``;
  move it to ``tests/fuzz/corpus/`` once fixed, and ``tests/test_fuzz.py``
  replays it on every ``make test``.

Run: ``make fuzz N=10000`` (``python tests/fuzz/fuzz.py --n 10000``).
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing as mp
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from bad_returns import good  # noqa: E402

LA, PERIOD, EARLIER = good.LA, good.PERIOD, "2023"
CLASSES: tuple[str, ...] = ("cells", "headers", "encodings", "files", "xlsx", "params", "actions", "records",
                            "workbook_records", "commentary", "labels", "faults")
KIND = {"cells": "return", "headers": "return", "encodings": "return", "files": "return", "xlsx": "return",
        "params": "params", "actions": "actions", "records": "return", "workbook_records": "return",
        "commentary": "commentary", "labels": "return", "faults": "faults"}
# Shares of a long run: issue 17's classes (most of them the cheap params and action plans), then issue 27's
# record extracts, workbooks with records, commentary, ethnicity labels and faults of the file system.
WEIGHTS = {"cells": 8, "headers": 5, "encodings": 5, "files": 5, "xlsx": 5, "params": 18, "actions": 18,
           "records": 9, "workbook_records": 6, "commentary": 8, "labels": 6, "faults": 7}
CORPUS = HERE / "corpus"
CRASHES = HERE / "crashes"
# "verified": accepted, and the figures agree with a count of the same file made independently (plain csv);
# "silently wrong": accepted with figures that disagree with that count, or a publish that left a mixed set.
OUTCOMES = ("refused", "accepted", "verified", "crashed", "timed out", "silently wrong")


# ---------------------------------------------------------------- the file tree a case is made of

@dataclass
class Tree:
    """Files (path -> bytes), folders that must exist, and special entries (sparse files, links)."""

    kind: str
    files: dict[str, bytes] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=set)
    special: dict[str, dict] = field(default_factory=dict)

    def copy(self) -> Tree:
        return Tree(self.kind, dict(self.files), set(self.dirs), {k: dict(v) for k, v in self.special.items()})

    def remove(self, path: str) -> None:
        self.files.pop(path, None)
        self.special.pop(path, None)
        self.dirs.discard(path)

    def write(self, root: Path) -> None:
        """Make the tree under ``root`` (which must be empty)."""
        for rel in sorted(self.dirs):
            (root / rel).mkdir(parents=True, exist_ok=True)
        for rel, data in self.files.items():
            path = root / rel
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            except OSError:  # two edits disagree (a folder and a file of one name): the first one made wins
                continue
        for rel, spec in self.special.items():
            path = root / rel
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                continue
            if path.exists() or path.is_symlink():
                continue
            if "sparse" in spec:
                with open(path, "wb") as handle:
                    handle.truncate(int(spec["sparse"]))
            elif "symlink" in spec:
                os.symlink(spec["symlink"], path)
            elif "fifo" in spec:
                os.mkfifo(path)

    def save(self, folder: Path, meta: dict) -> None:
        """A reproducer: ``case.json`` (kind, folders, special entries, what happened) and ``tree/``."""
        if folder.exists():
            shutil.rmtree(folder)
        (folder / "tree").mkdir(parents=True)
        for rel, data in self.files.items():
            path = folder / "tree" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if len(data) > 64 * 1024:  # big reproducers are kept small in git; load() unpacks them
                import gzip
                path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, mtime=0))
            else:
                path.write_bytes(data)
        case = {"kind": self.kind, "dirs": sorted(self.dirs), "special": self.special, **meta}
        (folder / "case.json").write_text(json.dumps(case, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> tuple[Tree, dict]:
        case = json.loads((folder / "case.json").read_text(encoding="utf-8"))
        import gzip

        files = {}
        for p in sorted((folder / "tree").rglob("*")):
            if p.is_file():
                rel = p.relative_to(folder / "tree").as_posix()
                files[rel.removesuffix(".gz")] = gzip.decompress(p.read_bytes()) if rel.endswith(".gz") else \
                    p.read_bytes()
        return cls(case["kind"], files, set(case.get("dirs", [])), case.get("special", {})), case


PARAMS = f"params/{LA}.yml"
RAW = f"raw/{LA}"
PLAN = f"{RAW}/action_plan.csv"


def csv_text(rows: list[list[str]], newline: str = "\n") -> str:
    """Rows as CSV, quoting only what needs it; written by hand so any character can be planted."""
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\r\n') else value
    return "".join(",".join(cell(c) for c in row) + newline for row in rows)


ACTION_COLUMNS = ["id", "objective", "action", "metrics", "theme", "service", "lead", "plan_period", "start", "due",
                  "status", "completed_on", "success_measure", "last_update", "updated_on"]
ACTION_ROWS = [
    ["A1", "Fair recruitment", "Diverse interview panels", "m2", "recruitment_retention", "all", "Head of HR",
     EARLIER, "2023-10-01", "2024-03-31", "in_progress", "", "m2 >= 0.8", "Panels trained.", "2024-01-15"],
    ["A2", "Fair recruitment", "Anonymised shortlisting", "m2;m1", "recruitment_retention", "adults",
     "Head of HR", EARLIER, "2023-10-01", "2023-12-31", "complete", "2023-12-20", "m2 >= 0.8 and m1 >= 6%", "", ""],
    ["A3", "Safe workplaces", "Report and support", "m6;m7_colleagues", "culture", "children",
     "Principal Social Worker (Children)", EARLIER, "2023-11-01", "2024-11-30", "not_started", "",
     "m6 <= 1.25 and m7_colleagues ≤ 1.5", "", ""],
    ["A4", "Progression", "Mentoring", "m1", "progression", "all", "Workforce Development Lead", EARLIER,
     "2023-10-01", "2025-09-30", "in_progress", "", "m1[low] > .1", "Cohort one started.", "2024-02-01"],
]


def actions_params_yaml() -> str:
    """The good params with a second, earlier period (so success measures have newer data to be judged on)."""
    earlier = ('  "2023":\n    snapshot_date: 2023-09-30\n    window_start: 2022-10-01\n    window_end: 2023-09-30\n'
               '    direct_employees: 138\n    sources: [HR system]\n    illustrative: true\n')
    return good.PARAMS_YAML.replace("periods:\n", "periods:\n" + earlier, 1)


def base_tree(kind: str, fmt: str = "csv") -> Tree:
    """The good tree a class mutates: params and the return as CSVs (or one workbook)."""
    tree = Tree(kind)
    tree.files[PARAMS] = good.PARAMS_YAML.encode("utf-8")
    periods = [PERIOD]
    if kind == "actions":
        tree.files[PARAMS] = actions_params_yaml().encode("utf-8")
        periods = [EARLIER, PERIOD]
        tree.files[PLAN] = csv_text([ACTION_COLUMNS, *ACTION_ROWS]).encode("utf-8")
    for period in periods:
        if fmt == "xlsx":
            tree.files[f"{RAW}/{period}/return.xlsx"] = xlsx_bytes(good.tables())
        else:
            for name, rows in good.tables().items():
                tree.files[f"{RAW}/{period}/{name}.csv"] = csv_text(rows).encode("utf-8")
    return tree


def xlsx_bytes(tables: dict[str, list[list[object]]], numbers: bool = True) -> bytes:
    """A workbook with one sheet per table; digit cells stored as numbers as Excel would."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(str(name)[:31] or "x")
        for row in rows:
            sheet.append([int(c) if numbers and isinstance(c, str) and c.isascii() and c.isdigit() else c
                          for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(data: bytes) -> list[list[str]]:
    import csv

    text = data.decode("utf-8", "surrogateescape")
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error:
        rows = [line.split(",") for line in text.split("\n")]
    return [r for r in rows if r] or [[""]]


# ---------------------------------------------------------------- values that have broken parsers before

def nasty_values(rng: random.Random) -> str:
    """One hostile cell value: huge or odd numbers, control and bidi characters, long text, lookalikes."""
    pool = [
        "", " ", "0", "-0", "00", "007", "12.0", "12.", ".5", "1e3", "1e400", "-1e400", "inf", "-inf", "nan",
        "NaN", "Infinity", "9223372036854775807", "9223372036854775808", "18446744073709551616",
        "-9223372036854775809", "10000000", "10000001", "99999999", "1_000", "1,000", "1 000", "0x10", "0b1",
        "１２", "١٢", "²", "12\u00a0", "\u200b12", "12\u202e", "=1+1", "@SUM(A1)", "+12", "-1", "TRUE", "None",
        "null", "#N/A", "'12", '"12"', "12\n", "a,b", "\t", "white_british ", "WHITE_BRITISH", "adults\x00",
        "\x1b[31m", "\x7f", "\x85", "\ufeff", "\ufffe", "\U0001f4a5", "\U0001d7d9\U0001d7da", "e\u0301",
        "<script>alert(1)</script>", "{{ 7*7 }}", "%s%s%n", "../../etc/passwd", "\\", "'", "2024-02-30",
        "2023-09-30T00:00:00", "white", "not_stated", "adults", "children", "yes", "no", "low", "high",
        "\u2028", "a\rb", "0" * 20 + "5", "5." + "0" * 50,
    ]
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(pool)
    if roll < 0.75:
        digits = rng.choice([8, 9, 19, 20, 309, 400, 4301, 5000, 10001])
        return rng.choice(["9", "1", "0"]) * digits if rng.random() < 0.5 else "1" + "0" * digits
    if roll < 0.85:
        return rng.choice(["x", "9", " ", "é", "\U0001f4a5", "m2 >= 0.8 and "]) * rng.choice([100, 1000, 10001,
                                                                                               200_000])
    return "".join(chr(rng.choice([rng.randrange(0x20, 0x7f), rng.randrange(0, 0x20), rng.randrange(0x80, 0x800),
                                   rng.randrange(0x800, 0xD800), rng.randrange(0xE000, 0x110000)]))
                   for _ in range(rng.randrange(1, 40)))


def encode_text(text: str) -> bytes:
    """UTF-8, keeping lone surrogates as the (invalid) bytes a broken exporter writes."""
    return text.encode("utf-8", "surrogatepass")


# ---------------------------------------------------------------- mutations, one class at a time

Edit = Callable[[Tree, random.Random], str]


def _csv_paths(tree: Tree, period: str | None = None) -> list[str]:
    return sorted(p for p in tree.files if p.endswith(".csv") and (period is None or f"/{period}/" in p))


def _return_csvs(tree: Tree) -> list[str]:
    return [p for p in _csv_paths(tree, PERIOD) if p.startswith(f"{RAW}/{PERIOD}/")]


def _edit_rows(tree: Tree, path: str, change: Callable[[list[list[str]]], str]) -> str:
    rows = read_rows(tree.files[path])
    what = change(rows)
    tree.files[path] = encode_text(csv_text(rows))
    return f"{path}: {what}"


def _copies(wanted: int, row: list[str], budget: int = 16 * 1024 * 1024) -> int:
    """How many copies of ``row`` to add: ``wanted``, fewer when the row is long (a case stays under 16 MB)."""
    return max(1, min(wanted, budget // (len(",".join(row)) + 1)))


def cell_edit(tree: Tree, rng: random.Random) -> str:
    if not _return_csvs(tree):
        return "no CSV left to edit"
    path = rng.choice(_return_csvs(tree))

    def change(rows: list[list[str]]) -> str:
        kind = rng.random()
        if kind < 0.6 and len(rows) > 1:
            line = rng.randrange(1, len(rows))
            col = rng.randrange(len(rows[line]))
            value = nasty_values(rng)
            rows[line][col] = value
            return f"line {line + 1} column {col + 1} = {value[:40]!r}"
        if kind < 0.75 and len(rows) > 1:  # many rows: duplicates, bad counts (validation must stay linear)
            line = rng.randrange(1, len(rows))
            copies = _copies(rng.choice([2, 50, 2000, 20000]), rows[line])
            bad = rng.random() < 0.5
            for i in range(copies):
                row = list(rows[line])
                if bad:
                    row[-1] = rng.choice(["-1", "x", "1.5", str(i)])
                rows.append(row)
            return f"{copies} copies of line {line + 1}{' with bad counts' if bad else ''}"
        if kind < 0.85 and len(rows) > 1:
            line = rng.randrange(1, len(rows))
            if rng.random() < 0.5:
                rows[line].append(nasty_values(rng))
            else:
                del rows[line][rng.randrange(len(rows[line])):]
            return f"line {line + 1} ragged"
        if kind < 0.92:  # two large counts whose sum wraps in int64
            for row in rows[1:3]:
                row[-1] = rng.choice(["9223372036854775807", "9999999", "10000000", "4611686018427387904"])
            return "large counts in lines 2-3"
        rows.insert(rng.randrange(len(rows) + 1), [""] * rng.randrange(0, 4))
        return "blank line"
    return _edit_rows(tree, path, change)


def header_edit(tree: Tree, rng: random.Random) -> str:
    if not _return_csvs(tree):
        return "no CSV left to edit"
    path = rng.choice(_return_csvs(tree))

    def change(rows: list[list[str]]) -> str:
        if not rows or not rows[0]:
            return "no header to edit"
        header = rows[0]
        kind = rng.randrange(9)
        col = rng.randrange(len(header))
        if kind == 0:
            header[col] = nasty_values(rng)
        elif kind == 1:
            header[col] = header[col].upper() if rng.random() < 0.5 else f" {header[col]} "
        elif kind == 2:
            for row in rows:
                del row[col:col + 1]
        elif kind == 3:
            header.append(header[col])
            for row in rows[1:]:
                row.append("1")
        elif kind == 4:
            for row in rows[:50]:
                row.extend([""] * rng.choice([1, 150, 5000]))
            header[-1] = "extra"
        elif kind == 5:
            rows[0] = [";".join(header)]
        elif kind == 6:
            rows[:] = rows[:1]
        elif kind == 7:
            header[col] = "__line__"
        else:
            rows.insert(0, [])
            rows.insert(0, ["a title above the table"])
        return f"header change {kind} at column {col + 1}"
    return _edit_rows(tree, path, change)


def encoding_edit(tree: Tree, rng: random.Random) -> str:
    choices = _return_csvs(tree) if tree.kind != "actions" else [p for p in (PLAN,) if p in tree.files]
    if not choices:
        return "no CSV left to edit"
    path = rng.choice(choices)
    text = tree.files[path].decode("utf-8", "surrogatepass")
    if rng.random() < 0.5:  # put a non-ASCII character in, so re-encoding changes bytes
        rows = text.split("\n")
        line = rng.randrange(1, max(2, len(rows) - 1))
        rows[line] = rows[line].replace(",", ",é" if rng.random() < 0.5 else ",£", 1)
        text = "\n".join(rows)
    data = text.encode("utf-8", "surrogatepass")
    kind = rng.randrange(14)
    if kind == 0:
        data = text.encode(rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32"]), "surrogatepass")
    elif kind == 1:
        data = text.encode(rng.choice(["latin-1", "cp1252"]), "replace")
    elif kind == 2:
        pos = rng.randrange(len(data) + 1)
        data = data[:pos] + rng.choice([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82", b"\x80"]) + data[pos:]
    elif kind == 3:
        data = b"\xef\xbb\xbf" * rng.choice([1, 2]) + data
    elif kind == 4:
        pos = rng.randrange(len(data) + 1)
        data = data[:pos] + b"\x00" * rng.choice([1, 3]) + data[pos:]
    elif kind == 5:
        data = data.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\r", b"\x0b", b"\x0c", b"\x1c", b"\x85"]))
    elif kind == 6:
        data = data[: rng.randrange(len(data) + 1)]
    elif kind == 7:
        data = bytearray(data)
        for _ in range(rng.choice([1, 3, 10])):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        data = bytes(data)
    elif kind == 8:
        import gzip
        data = gzip.compress(data, mtime=0)
    elif kind == 9:
        data = xlsx_bytes(good.tables())
    elif kind == 10:
        data = b""
    elif kind == 11:
        pos = rng.randrange(len(data) + 1)
        data = data[:pos] + rng.choice(["\x1a", "\x1b", "\u202e", "\u2028", "\ud800", "\udfff", "\x85"]).encode(
            "utf-8", "surrogatepass") + data[pos:]
    elif kind == 12:
        data = b"\n" * rng.choice([10, 100_000]) + data
    else:
        data = data + b"," * rng.choice([1000, 300_000])
    tree.files[path] = data
    return f"{path}: encoding change {kind}"


def file_edit(tree: Tree, rng: random.Random) -> str:
    folder = f"{RAW}/{PERIOD}"
    target = rng.choice(_return_csvs(tree) or [f"{folder}/workforce.csv"])
    kind = rng.randrange(16)
    if kind == 0:
        tree.remove(target)
    elif kind == 1:
        tree.remove(target)
        tree.dirs.add(target)
    elif kind == 2:
        tree.remove(target)
        tree.files[f"{target}/inner.csv"] = b"service\n"
    elif kind == 3:
        tree.remove(target)
        tree.special[target] = {"symlink": rng.choice(["/dev/zero", "/dev/null", "/proc/self/mem", "/nonexistent"])}
    elif kind == 4:
        tree.remove(target)
        tree.special[target] = {"symlink": Path(target).name}  # a link to itself: a loop
    elif kind == 5:
        tree.remove(target)
        tree.special[target] = {"sparse": rng.choice([64 * 1024 * 1024 + 1, 2 * 1024 ** 3])}
    elif kind == 6:
        tree.files[target] = b""
    elif kind == 7:
        tree.files[target] = b" \n\t\n" * rng.choice([1, 1000])
    elif kind == 8:
        tree.files[f"{folder}/{rng.choice(['notes.csv', 'Workforce.csv', '.hidden.csv', 'x.CSV'])}"] = b"a,b\n1,2\n"
    elif kind == 9:
        tree.files[f"{folder}/return.xlsx"] = xlsx_bytes(good.tables())
    elif kind == 10:
        for path in list(tree.files):
            if path.startswith(folder + "/"):
                tree.remove(path)
        if rng.random() < 0.5:
            tree.files[folder] = b"not a folder"
    elif kind == 11:
        tree.dirs.add(f"{RAW}/{rng.choice(['2025', '2024 ', '99999', 'abcd'])}")
    elif kind == 12:
        tree.files[f"{RAW}/{rng.choice(['2025.xlsx', '2024.xlsx'])}"] = rng.choice([b"junk", xlsx_bytes(good.tables())])
    elif kind == 13:
        tree.dirs.add(f"{folder}/{rng.choice(['return.xlsx', 'more.csv'])}")
    elif kind == 14:
        tree.files[target] = b"\n" * 1_000_001
    else:
        rows = read_rows(tree.files[target])
        rows.extend([list(rows[-1]) for _ in range(200_000)])
        tree.files[target] = csv_text(rows).encode("utf-8")
    return f"{target}: file change {kind}"


def _rezip(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    change(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def xlsx_edit(tree: Tree, rng: random.Random) -> str:
    import datetime as dt

    path = f"{RAW}/{PERIOD}/return.xlsx"
    tables: dict[str, list[list[object]]] = {k: [list(r) for r in v] for k, v in good.tables().items()}
    kind = rng.randrange(12)
    data: bytes
    if kind <= 3:  # odd cell types
        name = rng.choice(list(tables))
        line = rng.randrange(1, len(tables[name]))
        col = rng.randrange(len(tables[name][line]))
        tables[name][line][col] = rng.choice([
            12.5, 1e308, -1, -0.0, True, False, 10 ** 18, 2 ** 63, dt.datetime(2024, 1, 1, 10, 0), dt.date(1900, 1, 1),
            dt.time(12, 30), dt.timedelta(days=3), "=1/0", "=A1", nasty_values(rng)[:32000], None, 12.0, 1e-300])
        try:
            data = xlsx_bytes(tables)
        except Exception:  # openpyxl refuses some values (control characters): plant them in the XML below
            tables[name][line][col] = "PLANT"
            data = _rezip(xlsx_bytes(tables), lambda parts: parts.update({
                k: v.replace(b"PLANT", b"a&#x1b;b" if rng.random() < 0.5 else b"_x001B_\xe2\x80\xae")
                for k, v in parts.items() if k.endswith(".xml")}))
        what = f"{name} line {line + 1} column {col + 1} typed"
    elif kind == 4:
        name = rng.choice(list(tables))
        new = rng.choice([name.upper(), f" {name}", "lists", "actions", "Sheet1", ""])
        tables[new or "x"] = tables.pop(name)
        data = xlsx_bytes(tables)
        what = f"sheet {name} renamed {new!r}"
    elif kind == 5:
        tables["actions"] = [["id", "objective"], ["A1", nasty_values(rng)[:1000]]]
        data = xlsx_bytes(tables)
        what = "actions sheet"
    elif kind == 6:  # claims to span the whole sheet
        data = _rezip(xlsx_bytes(tables), lambda parts: parts.update({
            k: v.replace(b'<dimension ref="A1:F8"/>', b'<dimension ref="A1:XFD1048576"/>')
            for k, v in parts.items() if k.startswith("xl/worksheets/")}))
        what = "huge dimension"
    elif kind == 7:  # a value far to the right or far down
        where = rng.choice([b"EZ2", b"XFD3", b"A1048576", b"CV2", b"CW2"])
        data = _rezip(xlsx_bytes(tables), lambda parts: parts.update({
            k: v.replace(b"</sheetData>", b'<row r="' + bytes(str(int(''.join(chr(c) for c in where if 48 <= c <= 57))),
                                                                   "ascii") + b'"><c r="' + where
                         + b'" t="inlineStr"><is><t>x</t></is></c></row></sheetData>', 1)
            for k, v in parts.items() if k == "xl/worksheets/sheet1.xml"}))
        what = f"a value at {where.decode()}"
    elif kind == 8:
        data = bytearray(xlsx_bytes(tables))
        cut = rng.random()
        if cut < 0.4:
            data = data[: rng.randrange(len(data))]
        else:
            for _ in range(rng.choice([1, 5, 50])):
                data[rng.randrange(len(data))] = rng.randrange(256)
        data = bytes(data)
        what = "damaged bytes"
    elif kind == 9:
        victim = rng.choice(["xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml", "[Content_Types].xml",
                             "xl/worksheets/sheet1.xml", "xl/_rels/workbook.xml.rels"])
        data = _rezip(xlsx_bytes(tables), lambda parts: parts.pop(victim, None) if rng.random() < 0.5
                      else parts.update({victim: rng.choice([b"", b"<x>", b"garbage", b'<?xml version="1.0"?>'
                                                             b'<!DOCTYPE a [<!ENTITY b "bbbbbbbb">]><a>&b;</a>'])}))
        what = f"{victim} removed or garbled"
    elif kind == 10:  # a zip bomb: a sheet that unpacks to hundreds of megabytes
        big = b" " * (600 * 1024 * 1024) if rng.random() < 0.2 else b" " * (5 * 1024 * 1024)
        data = _rezip(xlsx_bytes(tables), lambda parts: parts.update({"xl/worksheets/sheet1.xml": big}))
        what = f"sheet unpacks to {len(big) // 1048576} MB"
    else:
        data = rng.choice([b"", b"PK\x03\x04", good.csv_bytes(good.tables()["workforce"]), b"\xd0\xcf\x11\xe0" * 100])
        what = "not a workbook"
    tree.files[path] = data
    return f"{path}: {what}"


YAML_SCALARS = [
    "~", "null", "[]", "{}", "[a, b]", "{a: 1}", "-1", "0", "1e400", ".inf", "-.inf", ".nan", "9" * 5000,
    "0x7fffffffffffffff", "0o777", "1_000", "1:30:00", "190:20:30:" * 50 + "1", "yes", "on", "true", "2024-02-30",
    "2024-13-01", "0000-01-01", "9999-12-31", "2024-01-01 10:00:00", "2024-01-01T10:00:00+25:00",
    "2024-01-01T10:00:00.1234567890123", '"\\ud800"', '"\\x1b[31m"', '"\\0"', '"\\uFFFE"', '"\\N"',
    "!!binary aGVsbG8=", "!!binary ###", "!!python/object:os.system", "!!set {a}", "!!omap [a: 1]", '!!float "x"',
    '!!int "1e3"', '!!timestamp "x"', "*undefined", "&a x", "'unterminated", "|", ">", "@reserved", "`tick",
    "%TAG", '"' + "x" * 300_000 + '"', "x" * 5000, "<script>alert(1)</script>", "[" * 30 + "]" * 30,
]


def params_edit(tree: Tree, rng: random.Random) -> str:
    if PARAMS not in tree.files:
        return "no params file left to edit"
    text = tree.files[PARAMS].decode("utf-8", "surrogateescape")
    lines = text.split("\n")
    kind = rng.randrange(16)
    if not text:
        kind = 13
    if kind <= 3:  # a key's value swapped for something odd
        keyed = [i for i, line in enumerate(lines) if ":" in line and not line.strip().startswith("#")] or [0]
        i = rng.choice(keyed)
        key = lines[i].split(":", 1)[0]
        value = rng.choice(YAML_SCALARS)
        lines[i] = f"{key}: {value}"
        what = f"line {i + 1} value {value[:30]!r}"
    elif kind == 4:
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
        what = f"line {i + 1} repeated"
    elif kind == 5:
        lines = [line.replace('"2024":', rng.choice(['2024:', '"2024":\n  2024:', "'2024':"])) for line in lines]
        if rng.random() < 0.7:
            block = [line for line in text.split("\n") if line.startswith("    ")]
            lines += ["  2024:", *block]
        what = "2024 and '2024'"
    elif kind == 6:
        depth = rng.choice([25, 1000, 100_000])
        lines.append("deep: " + rng.choice(["[" * depth + "]" * depth, "{a: " * depth + "1" + "}" * depth]))
        what = f"nested {depth} deep"
    elif kind == 7:
        laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        for n in range(1, rng.choice([4, 9, 20])):
            laughs.append(f"{chr(97 + n)}: &{chr(97 + n)} [" + ",".join([f"*{chr(96 + n)}"] * 9) + "]")
        lines += laughs
        what = "billion laughs"
    elif kind == 8:
        lines.append(rng.choice(["loop: &x [*x]", "loop: &x {b: *x}", "m: &m {a: 1}\nn:\n  <<: *m\n  a: 2",
                                 "? [a, b]\n: c", "? {a: 1}\n: c", "1: x", "null: x", "true: x"]))
        what = "anchors and odd keys"
    elif kind == 9:
        i = rng.randrange(len(lines))
        del lines[i]
        what = f"line {i + 1} deleted"
    elif kind == 10:
        i = rng.randrange(len(lines))
        lines[i] = rng.choice(["\t", "  ", "   ", "- "]) + lines[i]
        what = f"line {i + 1} re-indented"
    elif kind == 11:
        data = bytearray(text.encode("utf-8", "surrogateescape")) or bytearray(b" ")
        for _ in range(rng.choice([1, 3, 10])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        tree.files[PARAMS] = bytes(data)
        return "params: random bytes"
    elif kind == 12:
        extra = rng.choice([1000, 20_000])
        if rng.random() < 0.5:
            lines = [line if not line.startswith("pay_bands:") else
                     "pay_bands: [" + ", ".join(["low", "high"] + [f"b{i}" for i in range(extra)]) + "]"
                     for line in lines]
        else:
            lines += [f'  "{3000 + i}":\n    snapshot_date: 2024-09-30' for i in range(extra // 10)]
        what = f"{extra} pay bands or periods"
    elif kind == 13:
        data = rng.choice([b"", b"---\n", b"---\na: 1\n---\nb: 2\n", b"- a\n- b\n", b"just text\n", b"\xef\xbb\xbf" +
                           encode_text(text), encode_text(text).decode("utf-8", "replace").encode("utf-16"),
                           encode_text(text).replace(b"\n", b"\r\n"), encode_text(text) + b"\x00",
                           b"# only a comment\n"])
        tree.files[PARAMS] = data
        return "params: whole file replaced"
    elif kind == 14:
        tree.remove(PARAMS)
        choice = rng.randrange(3)
        if choice == 0:
            tree.dirs.add(PARAMS)
        elif choice == 1:
            tree.special[PARAMS] = {"sparse": 300 * 1024 * 1024}
        else:
            tree.special[PARAMS] = {"symlink": "/dev/zero"}
        return "params: not a file"
    else:
        i = rng.randrange(len(lines))
        pos = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:pos] + nasty_values(rng)[:2000] + lines[i][pos:]
        what = f"line {i + 1} text inserted"
    tree.files[PARAMS] = encode_text("\n".join(lines))
    return f"params: {what}"


MEASURES = [
    "m2 >= 0.8 and " * 10 + "m2 <= 1", "m2 >= 0.8 and " * 9000 + "m2 <= 1", "m1[" + "x" * 5000, "m1[high] >= 1e400",
    "m2 >= 1" + "0" * 5000, "m2 >= .", "m2 >= 1..2", "m2 >= -1", "m2 ≥ ∞", "m2 >= 0.8 && m3 < 1", "m2 >= ٠.٨",
    "M2 >= 0.8", "m2 >= 0.8%", "m1 >= 600%", "m1[high] >= 6%", "m1[] >= 1", "m1[[high]] >= 1", "m2 >=\t0.8",
    "m2 >= 0.8\u00a0and m2 <= 1", "and", "m2", ">= 0.8", "m2 >= 0.8 and", "m2 " + " " * 100_000 + ">= 1",
    "m1[high]" * 1000, "m2 >= 0.8 and m2 <= 1.25", "m9 < 0", "m2 >= 0.0000000000000000000001", "m2 >= 1e-400",
]
DATES = ["2023-02-30", "0000-01-01", "0001-01-01", "9999-12-31", "2023-1-1", "2023/01/01", "20230101",
         "2023-01-01T00:00", " 2023-01-01", "２０２３-０１-０１", "2023-01-01\x00", "2024-02-29", "1900-02-29"]


def actions_edit(tree: Tree, rng: random.Random) -> str:
    kind = rng.randrange(10)
    if kind == 0:
        return encoding_edit(tree, rng)
    if kind == 1:
        choice = rng.randrange(5)
        tree.remove(PLAN)
        if choice == 0:
            tree.dirs.add(PLAN)
        elif choice == 1:
            tree.special[PLAN] = {"sparse": 65 * 1024 * 1024}
        elif choice == 2:
            tree.special[PLAN] = {"symlink": "/dev/zero"}
        elif choice == 3:
            tree.files[PLAN] = b""
        return f"action plan: not a file ({choice})"
    if PLAN not in tree.files or not tree.files[PLAN]:
        return "no action plan left to edit"
    rows = read_rows(tree.files[PLAN])
    if len(rows) < 2 or not rows[0]:
        return "action plan too short to edit"
    if kind <= 6:
        line = rng.randrange(1, len(rows))
        col = rng.randrange(len(ACTION_COLUMNS))
        name = ACTION_COLUMNS[col]
        value = (rng.choice(MEASURES) if name == "success_measure" and rng.random() < 0.7 else
                 rng.choice(DATES) if name in ("start", "due", "completed_on", "updated_on") and rng.random() < 0.6
                 else rng.choice(["m1;" * 5000, "m2;m2;m2", ";", "m10", "m1;x" * 3000]) if name == "metrics"
                 and rng.random() < 0.5 else nasty_values(rng))
        rows[line] += [""] * (len(ACTION_COLUMNS) - len(rows[line]))
        rows[line][col] = value
        what = f"line {line + 1} {name} = {value[:40]!r}"
    elif kind == 7:
        copies = _copies(rng.choice([10, 2000, 20000]), max(rows[1:], key=lambda r: len(",".join(r))))
        bad = rng.random() < 0.6
        for i in range(copies):
            row = list(rows[1 + i % (len(rows) - 1)])
            row[0] = f"B{i}"
            if bad:
                row[9] = "2023-02-30"
            rows.append(row)
        what = f"{copies} more rows{' with errors' if bad else ''}"
    elif kind == 8:
        col = rng.randrange(len(rows[0]))
        rows[0][col] = rng.choice([nasty_values(rng), rows[0][col].upper(), "", rows[0][(col + 1) % len(rows[0])]])
        what = f"header column {col + 1}"
    else:
        line = rng.randrange(1, len(rows))
        rows[line] = rows[line][: rng.randrange(len(rows[line]))] if rng.random() < 0.5 else rows[line] + ["x"]
        what = f"line {line + 1} ragged"
    tree.files[PLAN] = encode_text(csv_text(rows))
    return f"action plan: {what}"


EDITS: dict[str, Edit] = {"cells": cell_edit, "headers": header_edit, "encodings": encoding_edit,
                          "files": file_edit, "xlsx": xlsx_edit, "params": params_edit, "actions": actions_edit}


# ---------------------------------------------------------------- issue 27: records, commentary, labels, faults

STAFF = f"{RAW}/{PERIOD}/staff.csv"
APPLICANTS = f"{RAW}/{PERIOD}/applicants.csv"
RESPONSES = f"{RAW}/{PERIOD}/survey_responses.csv"
BOOK = f"{RAW}/{PERIOD}/return.xlsx"
NOTES = f"params/commentary/{LA}/{PERIOD}.md"
CODES = ("white_british", "black_african", "asian_indian", "white_irish", "not_stated")


def record_tables() -> dict[str, list[list[str]]]:
    """Valid record extracts (seeded): about 60 staff, 30 applicants and 40 survey responses."""
    rng = random.Random(27)
    staff = [["staff_id", "service", "pay_band", "senior_manager", "regulated", "ethnicity", "status", "disciplinary",
              "ftp", "cpd"]]
    for i in range(60):
        regulated = rng.choice(["yes", "no"])
        staff.append([f"S{i:04d}", rng.choice(["adults", "children"]), rng.choice(["low", "high"]),
                      rng.choice(["yes", "no", "no", "no"]), regulated, rng.choice(CODES),
                      rng.choice(["in_post"] * 5 + ["left"]), rng.choice(["no"] * 9 + ["yes"]),
                      rng.choice(["no"] * 9 + ["yes"]) if regulated == "yes" else "no", rng.choice(["yes", "no"])])
    applicants = [["applicant_id", "service", "ethnicity", "appointed"]]
    for i in range(30):
        applicants.append([f"A{i:04d}", rng.choice(["adults", "children"]), rng.choice(CODES),
                           rng.choice(["yes", "no", "no"])])
    responses = [["response_id", "service", "ethnicity", "hba_public", "hba_colleagues", "hba_managers"]]
    in_post = [row for row in staff[1:] if row[6] == "in_post"]
    for i, person in enumerate(rng.sample(in_post, len(in_post) * 2 // 3)):  # no more responses than staff
        responses.append([f"R{i:04d}", person[1], person[5], *(rng.choice(["yes", "no", "no"]) for _ in range(3))])
    return {"staff": staff, "applicants": applicants, "survey_responses": responses}


def records_tree(xlsx: bool = False) -> Tree:
    """The good params and the return as record extracts (three CSVs, or one workbook of three sheets)."""
    tree = Tree("return")
    tree.files[PARAMS] = good.PARAMS_YAML.encode("utf-8")
    tables = record_tables()
    if xlsx:
        tree.files[BOOK] = xlsx_bytes(tables, numbers=False)
    else:
        for name, rows in tables.items():
            tree.files[f"{RAW}/{PERIOD}/{name}.csv"] = csv_text(rows).encode("utf-8")
    return tree


LOOKALIKE_IDS = ["S0001 ", " S0001", "s0001", "S0001\u200b", "\u0405\u00030001", "S０００1", "S0001\u00a0", "S00001",
                 "S0001.0", "S0001\t", "S0001\ufeff", "S-0001", "S0001\u0301"]
FLAGS = ["Yes", "YES", "y", "Y", "1", "0", "true", "TRUE", "no ", " yes", "n/a", "", "yes\u200b", "ｙｅｓ"]


def record_edit(tree: Tree, rng: random.Random) -> str:
    """A fault of a record extract: lookalike and repeated ids, flags as Excel writes them, statuses, volume."""
    roll = rng.random()
    if roll < 0.35:
        return rng.choice([cell_edit, header_edit, encoding_edit, file_edit])(tree, rng)
    path = rng.choice([p for p in (STAFF, APPLICANTS, RESPONSES) if p in tree.files] or [STAFF])
    if path not in tree.files:
        return "no extract left to edit"
    rows = read_rows(tree.files[path])
    if len(rows) < 3:
        return "extract too short to edit"
    kind = rng.randrange(7)
    line = rng.randrange(1, len(rows))
    if kind == 0:  # an id that looks like another
        rows[line][0] = rng.choice(LOOKALIKE_IDS)
        rows[rng.randrange(1, len(rows))][0] = "S0001" if path == STAFF else rows[line][0].strip()
        what = f"line {line + 1} lookalike id"
    elif kind == 1:  # the same person twice
        rows.append(list(rows[line]))
        what = f"line {line + 1} repeated"
    elif kind == 2:
        col = rng.randrange(3, len(rows[0]))
        rows[line][col] = rng.choice(FLAGS)
        what = f"line {line + 1} column {col + 1} flag {rows[line][col]!r}"
    elif kind == 3 and path == STAFF:
        rows[line][6] = rng.choice(["In post", "in post", "left ", "LEFT", "leaver", "", "in_post\x1b", "retired"])
        what = f"line {line + 1} status {rows[line][6]!r}"
    elif kind == 4:
        copies = _copies(rng.choice([100, 5000, 50_000]), rows[line])
        rows.extend([[f"X{i}", *rows[line][1:]] for i in range(copies)])
        what = f"{copies} more records"
    elif kind == 5:  # the ethnicity as a label, a letter or a census name
        col = rows[0].index("ethnicity") if "ethnicity" in rows[0] else 2
        rows[line][col] = rng.choice(["A", "N", "Z", "White: British", "Black or Black British: African",
                                      "WHITE BRITISH",
                                      "white-british", "White - British", "B ", "black_african\u202e", "Asian"])
        what = f"line {line + 1} ethnicity {rows[line][col]!r}"
    else:
        del rows[line][rng.randrange(len(rows[line])):]
        what = f"line {line + 1} ragged"
    tree.files[path] = encode_text(csv_text(rows))
    return f"{path}: {what}"


def workbook_records_edit(tree: Tree, rng: random.Random) -> str:
    """A workbook of record extracts: typed cells, renamed or extra sheets, both forms at once."""
    import datetime as dt

    tables: dict[str, list[list[object]]] = {k: [list(r) for r in v] for k, v in record_tables().items()}
    kind = rng.randrange(6)
    if kind <= 2:
        name = rng.choice(list(tables))
        line = rng.randrange(1, len(tables[name]))
        col = rng.randrange(len(tables[name][line]))
        tables[name][line][col] = rng.choice([1, 1.0, 12.5, True, False, None, dt.date(2024, 1, 1), "=A1", 10 ** 18,
                                              rng.choice(LOOKALIKE_IDS), rng.choice(FLAGS), nasty_values(rng)[:200]])
        what = f"{name} row {line + 1} column {col + 1} typed"
    elif kind == 3:
        name = rng.choice(list(tables))
        tables[rng.choice([name.upper(), f"{name} ", "Staff", "survey responses"])] = tables.pop(name)
        what = f"sheet {name} renamed"
    elif kind == 4:
        tables["workforce"] = [list(r) for r in good.tables()["workforce"]]
        what = "a count table beside the extracts"
    else:
        name = rng.choice(list(tables))
        line = rng.randrange(1, len(tables[name]))
        tables[name].extend([list(tables[name][line]) for _ in range(rng.choice([1, 100]))])
        what = f"{name} row {line + 1} repeated"
    try:
        tree.files[BOOK] = xlsx_bytes(tables, numbers=False)
    except Exception:  # openpyxl refuses the value (a control character): the generator's limit, not a case
        return "edit skipped (openpyxl refused the value)"
    return f"{BOOK}: {what}"


COMMENTARY = "## overview\nWe publish this report with our staff networks.\n\n## m2\nPanels were trained in 2024.\n"


def commentary_tree() -> Tree:
    tree = base_tree("commentary")
    tree.kind = "commentary"
    tree.files[NOTES] = COMMENTARY.encode("utf-8")
    return tree


CONTROLS = ["\x1b[31m", "\x1b]0;owned\x07", "\u202e", "\u2066", "\u2069", "\x00", "\x85", "\x7f", "\x0c", "\u200f",
            "\u2028", "\ufeff", "\ud800", "\r"]


def commentary_edit(tree: Tree, rng: random.Random) -> str:
    text = tree.files.get(NOTES, COMMENTARY.encode()).decode("utf-8", "surrogatepass")
    kind = rng.randrange(12)
    if kind == 0:
        tree.files[NOTES] = text.replace("staff", "café staff").encode(rng.choice(["latin-1", "cp1252"]), "replace")
    elif kind == 1:
        tree.files[NOTES] = text.encode(rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32"]), "surrogatepass")
    elif kind <= 4:  # control and direction characters in the words or a heading
        pos = rng.randrange(len(text) + 1)
        tree.files[NOTES] = encode_text(text[:pos] + rng.choice(CONTROLS) * rng.choice([1, 3]) + text[pos:])
    elif kind == 5:
        tree.remove(NOTES)
        choice = rng.randrange(5)
        if choice == 0:
            tree.dirs.add(NOTES)
        elif choice == 1:
            tree.special[NOTES] = {"fifo": True}
        elif choice == 2:
            tree.special[NOTES] = {"symlink": rng.choice(["/dev/zero", "/dev/null", "/nonexistent", f"{PERIOD}.md"])}
        elif choice == 3:
            tree.special[NOTES] = {"sparse": rng.choice([2 * 1024 * 1024, 3 * 1024 ** 3])}
        else:
            tree.files[NOTES] = b""
        return f"commentary: not a file ({choice})"
    elif kind == 6:
        data = bytearray(encode_text(text))
        for _ in range(rng.choice([1, 5, 20])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        tree.files[NOTES] = bytes(data)
    elif kind == 7:
        tree.files[NOTES] = encode_text(text + "\n## " + rng.choice(["m99", "M2", "m2\x1b", "overview ", "m2\u202e",
                                                                     "x" * 5000, "m2 extra"]) + "\nwords\n")
    elif kind == 8:
        tree.files[NOTES] = encode_text(text + "\n## m3\n" + rng.choice([
            "<script>alert(1)</script>", "[x](javascript:alert(1))", "![img](http://example.com/a.png)", "# heading",
            "<img src=x onerror=alert(1)>", "> " * 500 + "deep", "*" * 10000, "[" * 5000, "`" * 3000,
            "{{ 7*7 }}"]) + "\n")
    elif kind == 9:
        tree.files[NOTES] = encode_text(text + ("\n## m4\n" + "word " * 2000) * rng.choice([1, 100]))
    elif kind == 10:
        tree.files[NOTES] = b"\xef\xbb\xbf" + encode_text(text).replace(b"\n", rng.choice([b"\r\n", b"\r"]))
    else:
        tree.files[NOTES] = encode_text(nasty_values(rng))
    return f"commentary: change {kind}"


def labels_tree() -> Tree:
    """The good return with local ethnicity labels in place of codes, mapped in params."""
    tree = base_tree("return")
    labels = {"White - British": "white_british", "Black - African": "black_african", "Asian - Indian": "asian_indian"}
    tree.files[PARAMS] += ("ethnicity_labels:\n" + "".join(f'  "{k}": {v}\n' for k, v in labels.items())).encode()
    for path in _return_csvs(tree):
        text = tree.files[path].decode()
        for label, code in labels.items():
            text = text.replace(f",{code},", f",{label},").replace(f"\n{code},", f"\n{label},")
        tree.files[path] = text.encode()
    return tree


def labels_edit(tree: Tree, rng: random.Random) -> str:
    """Labels that collide with codes, differ only by case or spaces, look alike, or hold controls."""
    kind = rng.randrange(8)
    extra = rng.choice([
        ('"white_british"', "black_african"), ('"White - british"', "asian_indian"),
        ('"White  - British"', "not_stated"),
        ('"A"', "black_african"), ('"Whіte - British"', "white_british"), ('"White - British\\u202e"', "white_british"),
        ('"Black - African"', "white_british"), ('"x"', "not_a_code"), ('""', "white_british"),
        ('"' + "x" * 5000 + '"', "white_british"), ('"White: British"', "black_african"), ("~", "white_british"),
        ('"White - British "', "asian_indian"), ('"not_stated"', "white_british")])
    if kind <= 3:
        tree.files[PARAMS] += f"  {extra[0]}: {extra[1]}\n".encode()
        what = f"label {extra[0][:30]} -> {extra[1]}"
    elif kind == 4:
        many = "".join(f'  "L{i}": white_british\n' for i in range(rng.choice([100, 20000])))
        tree.files[PARAMS] += many.encode()
        what = "many labels"
    elif kind == 5:  # a cell written with a label the params do not map, or map only after normalising
        path = rng.choice(_return_csvs(tree))
        rows = read_rows(tree.files[path])
        if "ethnicity" in rows[0] and len(rows) > 1:
            line = rng.randrange(1, len(rows))
            rows[line][rows[0].index("ethnicity")] = rng.choice(["white - british", "WHITE - BRITISH",
                                                                 " White - British",
                                                                 "White – British", "White-British", "Black - Afrícan",
                                                                 "Whіte - British", "White - British\u00a0"])
            tree.files[path] = encode_text(csv_text(rows))
        what = f"{path}: a label written another way"
    elif kind == 6:
        odd = rng.choice([b"[]", b"x", b"~", b"{a: [1]}"])
        tree.files[PARAMS] = tree.files[PARAMS].replace(b"ethnicity_labels:\n",
                                                        b"ethnicity_labels: " + odd + b"\nunused_labels:\n")
        what = "labels not a mapping"
    else:
        return cell_edit(tree, rng)
    return what


def faults_tree() -> Tree:
    """A published set (the last good report) and the new set a run would publish over it, with one fault."""
    tree = Tree("faults")
    for name in ("report.html", "sc-wres-tiny-2024.xlsx", "sc-wres-tiny-2024.csv"):
        tree.files[f"reports/{name}"] = f"the last good {name}".encode()
    tree.files["fault.json"] = json.dumps({"sizes": [300_000, 20_000, 5_000]}).encode()
    return tree


def faults_edit(tree: Tree, rng: random.Random) -> str:
    spec = json.loads(tree.files["fault.json"])
    names = ["report.html", "sc-wres-tiny-2024.xlsx", "sc-wres-tiny-2024.csv"]
    kind = rng.randrange(7)
    target = f"reports/{rng.choice(names)}"
    if kind == 0:
        tree.remove(target)
        tree.dirs.add(target)
        tree.files[f"{target}/inside"] = b"x"
    elif kind == 1:
        spec["fsize"] = rng.choice([1024, 50_000, 250_000, 400_000])  # RLIMIT_FSIZE: a disk that fills part way
    elif kind == 2:
        spec["readonly"] = True
    elif kind == 3:
        tree.remove(target)
        tree.special[target] = {"fifo": True}
    elif kind == 4:
        tree.remove(target)
        tree.special[target] = {"symlink": rng.choice(["/nonexistent/x", "../elsewhere.html", "/dev/null"])}
    elif kind == 5:
        tree.files[f"reports/.{Path(target).name}.abc123.tmp"] = b"left by a killed run"
    else:
        spec["sizes"] = [rng.choice([0, 1, 10 ** 6, 5 * 10 ** 6]) for _ in names]
    tree.files["fault.json"] = json.dumps(spec).encode()
    return f"fault {kind} at {target}"


EDITS.update({"records": record_edit, "workbook_records": workbook_records_edit, "commentary": commentary_edit,
              "labels": labels_edit, "faults": faults_edit})
BASES: dict[str, Callable[[], Tree]] = {"records": records_tree, "workbook_records": lambda: records_tree(True),
                                        "commentary": commentary_tree, "labels": labels_tree, "faults": faults_tree}


@dataclass
class Case:
    """One generated case: its class, its edits (each with its own seed, so any subset can be replayed)."""

    index: int
    cls: str
    seeds: list[int]

    def tree(self, only: list[int] | None = None) -> tuple[Tree, list[str]]:
        fmt = "xlsx" if self.cls == "xlsx" else "csv"
        tree = BASES[self.cls]() if self.cls in BASES else base_tree(KIND[self.cls], fmt)
        notes = []
        for i, seed in enumerate(self.seeds):
            if only is None or i in only:
                try:
                    notes.append(EDITS[self.cls](tree, random.Random(seed)))
                except Exception as exc:  # the generator, not the code under test: an edit that does not fit
                    notes.append(f"edit skipped ({type(exc).__name__})")
        return tree, notes


def plan_cases(n: int, seed: int, quick: bool = False) -> list[Case]:
    """``n`` cases in the long-run shares (``quick``: the return classes, which run GX, get a few each)."""
    if quick:
        per_return = max(1, min(4, n // 40))
        counts = {c: per_return for c in CLASSES if KIND[c] == "return"}
        rest = n - sum(counts.values())
        cheap = [c for c in CLASSES if KIND[c] != "return"]
        for i, c in enumerate(cheap):
            counts[c] = rest // len(cheap) + (1 if i < rest % len(cheap) else 0)
    else:
        total = sum(WEIGHTS.values())
        counts = {c: n * w // total for c, w in WEIGHTS.items()}
        counts["actions"] += n - sum(counts.values())
    order = [c for c in CLASSES for _ in range(counts[c])]
    random.Random(seed).shuffle(order)
    cases = []
    for index, cls in enumerate(order):
        rng = random.Random(f"{seed}:{index}")
        cases.append(Case(index, cls, [rng.randrange(2 ** 32) for _ in range(rng.choice([1, 1, 1, 2, 3]))]))
    return cases


# ---------------------------------------------------------------- running one case, in a worker

class Unclean(AssertionError):
    """A refusal or acceptance that broke a promise (an unprintable problem, a wrong figure)."""


def check_problems(problems: list, params: dict | None, period: str) -> None:
    """Every problem names its file and says something printable; the data-quality page renders and saves."""
    import json as _json

    from scwres.limits import bad_character
    from scwres.render import quality_page

    for p in problems:
        if not p.file or not p.message:
            raise Unclean(f"a problem without file or message: {p!r}")
        for name in ("file", "sheet", "column", "value", "message"):
            text = getattr(p, name)
            if text is not None and (not isinstance(text, str) or bad_character(text)):
                raise Unclean(f"problem {name} is not printable text: {text!r:.80}")
    html = quality_page.render(problems, la=LA, period=period, council=(params or {}).get("name"))
    html.encode("utf-8")
    _json.dumps([{**p.as_dict(), "where": p.where()} for p in problems], ensure_ascii=False).encode("utf-8")


def check_metrics(frame) -> None:
    """Counts are whole, 0 to MAX_TOTAL, and no count of events exceeds its base."""
    from scwres.limits import MAX_TOTAL

    for col in ("events_me", "base_me", "events_white", "base_white"):
        values = frame[col].dropna()
        if ((values < 0) | (values > MAX_TOTAL)).any():
            raise Unclean(f"{col} out of range: {values.min()} .. {values.max()}")
    rows = frame[frame["breakdown"] != "population_share"]
    for group in ("me", "white"):
        over = rows[rows[f"events_{group}"] > rows[f"base_{group}"]]
        if len(over):
            raise Unclean(f"events_{group} above base_{group}: {over.iloc[0].to_dict()}")


LAST_MESSAGES: list[str] = []  # the problems of the last case run, for tests that check the words


def run_case(root: Path, kind: str) -> str:
    """Run one materialised case through its entry point: 'refused' or 'accepted'; anything else raises."""
    LAST_MESSAGES.clear()
    if kind == "return":
        return _run_return(root)
    if kind == "params":
        return _run_params(root)
    if kind == "commentary":
        return _run_commentary(root)
    if kind == "faults":
        return _run_faults(root)
    return _run_actions(root)


def _run_return(root: Path) -> str:
    from scwres.disclosure.metrics_table import calculate
    from scwres.intake.params import load_params
    from scwres.problems import ReturnError
    from scwres.validate.validation import validate_return

    try:
        params = load_params(LA, root / "params")
    except ReturnError as exc:  # the labels class edits params too: refused there, as make report would say
        LAST_MESSAGES.extend(p.message for p in exc.problems)
        check_problems(exc.problems, None, PERIOD)
        return "refused"
    problems = validate_return(LA, PERIOD, params, root / "raw")
    LAST_MESSAGES.extend(p.message for p in problems)
    check_problems(problems, params, PERIOD)
    if any(p.severity == "error" for p in problems):
        str(ReturnError(problems)).encode("utf-8")
        return "refused"
    frame = calculate(LA, PERIOD, params, root / "raw")
    check_metrics(frame)
    return check_independently(root, frame)


def _run_params(root: Path) -> str:
    from scwres.disclosure.metrics_table import calculate
    from scwres.disclosure.suppression import structure_from_params
    from scwres.intake.params import check_period_folders, load_params, pay_band_label, previous_period, resolve_period
    from scwres.problems import ReturnError, UnknownCouncilError
    from scwres.render import quality_page

    try:
        params = load_params(LA, root / "params")
    except ReturnError as exc:
        LAST_MESSAGES.extend(p.message for p in exc.problems)
        check_problems(exc.problems, None, PERIOD)
        str(exc).encode("utf-8")
        return "refused"
    except UnknownCouncilError as exc:
        str(exc).encode("utf-8")
        return "refused"
    period = resolve_period(params, None)
    previous_period(params, period)
    structure_from_params(params)
    labels = [pay_band_label(params, band) for band in params["pay_bands"]]
    "".join(labels).encode("utf-8")
    check_problems(check_period_folders(LA, params, root / "raw"), params, period)
    spec = params["periods"][period]
    quality_page.render([], la=LA, period=period, council=params["name"],
                        illustrative=spec.get("illustrative") is True).encode("utf-8")
    if period == PERIOD:
        try:
            check_metrics(calculate(LA, period, params, root / "raw"))
        except ReturnError as exc:  # params the good return does not fit (other pay bands): refused by the return
            check_problems(exc.problems, params, period)
    return "accepted"


def _run_actions(root: Path) -> str:
    import datetime as dt

    from scwres.actions.progress import clear_cache
    from scwres.actions.register import ActionPlanError, NoActionPlanError, read_register
    from scwres.actions.report_html import action_plan_section
    from scwres.actions.update_page import update_html
    from scwres.intake.params import load_params

    clear_cache()
    params = load_params(LA, root / "params")
    raw = root / "raw"
    action_plan_section(LA, PERIOD, params, raw_dir=raw).encode("utf-8")
    register = read_register(LA, params, raw)
    LAST_MESSAGES.extend(p.message for p in register.problems)
    check_problems(register.problems, params, PERIOD)
    outcome = "refused" if register.errors or not register.exists else "accepted"
    for day in (dt.date(2024, 12, 31), dt.date(2023, 12, 1)):
        try:
            update_html(LA, day, params, raw).encode("utf-8")
        except (ActionPlanError, NoActionPlanError) as exc:
            str(exc).encode("utf-8")
            if outcome == "accepted":
                raise Unclean(f"the update refused a register that read without errors: {exc}") from None
    return outcome


class SilentlyWrong(AssertionError):
    """Accepted, but wrong: figures that disagree with an independent count, a page with a control character,
    or a failed publish that changed the published set."""


# The independent count: plain csv (or pandas for a workbook) and a small table of its own, sharing nothing with
# the code under test, so an input the pipeline accepts is checked against what the file says.
OWN_GROUPS = {"white_british": "white", "white_irish": "white", "white": "white", "black_african": "me",
              "asian_indian": "me", "black": "me", "asian": "me", "mixed": "me", "other": "me", "not_stated": "unknown"}
NHS_LETTERS = {**dict.fromkeys("ABC", "white"), **dict.fromkeys("DEFGHJKLMNPRS", "me"), "Z": "unknown"}


class Unverified(Exception):
    """The independent count cannot read this input the simple way: the case counts as accepted, not verified."""


def _own_tables(root: Path) -> dict[str, list[dict[str, str]]]:
    import csv as _csv

    folder = root / "raw" / LA / PERIOD
    raw: dict[str, list[list[str]]] = {}
    book = folder / "return.xlsx"
    csvs = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    if book.is_file() and not csvs:
        import pandas as pd

        for name, frame in pd.read_excel(book, sheet_name=None, header=None, dtype=str).items():
            raw[str(name).strip().lower()] = [["" if v != v else str(v) for v in row] for row in frame.values.tolist()]
    elif csvs and not book.exists():
        for path in csvs:
            if not path.is_file():
                raise Unverified(path.name)
            text = path.read_bytes().decode("utf-8-sig")
            raw[path.stem.strip().lower()] = list(_csv.reader(io.StringIO(text, newline="")))
    else:
        raise Unverified("the form of the return")
    out = {}
    for name, rows in raw.items():
        rows = [r for r in rows if any(c.strip() for c in r)]
        if not rows:
            continue
        header = [h.strip().lower() for h in rows[0]]
        if any(len(r) != len(header) for r in rows[1:]):
            raise Unverified(f"{name}: ragged rows")
        out[name] = [dict(zip(header, (c.strip() for c in r), strict=True)) for r in rows[1:]]
    return out


def _own_group(value: str, labels: dict[str, str]) -> str:
    if value in labels:
        value = labels[value]
    if value in OWN_GROUPS:
        return OWN_GROUPS[value]
    if value.upper() in NHS_LETTERS and len(value) == 1:
        return NHS_LETTERS[value.upper()]
    raise Unverified(f"ethnicity {value!r}")


def _own_count(value: str) -> int:
    import re as _re

    if not _re.fullmatch(r"[0-9]+(\.0*)?", value):
        raise Unverified(f"count {value!r}")
    return int(value.split(".")[0])


def _own_flag(value: str) -> int:
    if value.lower() in ("yes", "no"):
        return int(value.lower() == "yes")
    raise Unverified(f"flag {value!r}")


def independent_counts(root: Path) -> dict[str, tuple[int, int, int, int]]:
    """m2 (appointed of shortlisted) and m1 (headcount) for all services, minority ethnic and white, counted anew."""
    import yaml

    params = yaml.safe_load((root / PARAMS).read_text(encoding="utf-8")) or {}
    labels = params.get("ethnicity_labels") or {}
    if params.get("white_minorities_as_minority_ethnic") or not isinstance(labels, dict):
        raise Unverified("params")
    labels = {str(k): str(v) for k, v in labels.items()}
    tables = _own_tables(root)
    m2 = {"me": [0, 0], "white": [0, 0], "unknown": [0, 0]}
    m1 = {"me": 0, "white": 0, "unknown": 0}
    if "applicants" in tables:
        for row in tables["applicants"]:
            group = _own_group(row["ethnicity"], labels)
            m2[group][0] += _own_flag(row["appointed"])
            m2[group][1] += 1
        for row in tables["staff"]:
            status = row["status"].lower()
            if status not in ("in_post", "left"):
                raise Unverified(f"status {status!r}")
            m1[_own_group(row["ethnicity"], labels)] += status == "in_post"
    else:
        for row in tables["recruitment"]:
            group = _own_group(row["ethnicity"], labels)
            m2[group][0] += _own_count(row["appointed"])
            m2[group][1] += _own_count(row["shortlisted"])
        for row in tables["workforce"]:
            m1[_own_group(row["ethnicity"], labels)] += _own_count(row["headcount"])
    return {"m2": (m2["me"][0], m2["me"][1], m2["white"][0], m2["white"][1]),
            "m1": (m1["me"], m1["me"], m1["white"], m1["white"])}


def check_independently(root: Path, frame) -> str:
    """'verified' when metrics.csv (as written) agrees with the independent count; 'accepted' when that count
    cannot read the input the simple way; SilentlyWrong when they disagree."""
    import csv as _csv

    from scwres.disclosure.metrics_table import write_metrics_csv

    try:
        own = independent_counts(root)
    except (Unverified, KeyError, UnicodeDecodeError, ValueError, OSError):
        return "accepted"
    with tempfile.TemporaryDirectory(prefix="scwres-fuzz-metrics-") as tmp:
        write_metrics_csv(frame, Path(tmp) / "metrics.csv", with_plan=False)
        with open(Path(tmp) / "metrics.csv", encoding="utf-8", newline="") as handle:
            rows = {(r["metric"], r["service"], r["breakdown"]): r for r in _csv.DictReader(handle)}
    for metric, counted in own.items():
        row = rows[(metric, "all", "overall")]
        published = tuple(int(float(row[c])) for c in ("events_me", "base_me", "events_white", "base_white"))
        if published != counted:
            raise SilentlyWrong(f"{metric} all services: metrics.csv has {published}, the file counts {counted}")
    return "verified"


def _run_commentary(root: Path) -> str:
    import re as _re

    from markupsafe import Markup

    from scwres.intake.commentary import commentary_problems, load_commentary
    from scwres.limits import bad_character
    from scwres.problems import ReturnError
    from scwres.render import pages

    folder = root / "params" / "commentary"
    problems = commentary_problems(LA, PERIOD, folder)
    LAST_MESSAGES.extend(p.message for p in problems)
    check_problems(problems, None, PERIOD)
    if any(p.severity == "error" for p in problems):
        try:
            load_commentary(LA, PERIOD, folder)
        except ReturnError:
            return "refused"
        raise Unclean("the commentary was refused, yet it loads")
    sections = load_commentary(LA, PERIOD, folder)
    html = pages.environment().from_string("{% for v in s %}{{ v }}{% endfor %}").render(
        s=[Markup(v) for v in sections.values()])
    html.encode("utf-8")
    found = bad_character(html)
    if found:
        raise SilentlyWrong(f"U+{ord(found[1]):04X} reached the page")
    if _re.search(r"<(script|img|iframe|h[1-6])\b", html):
        raise SilentlyWrong("raw HTML, an image or a heading reached the page")
    return "accepted"


def _publish_state(folder: Path) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for path in sorted(folder.iterdir()):
        info = path.lstat()
        import stat as _stat

        if _stat.S_ISREG(info.st_mode):
            out[path.name] = ("file", path.read_bytes())
        elif _stat.S_ISLNK(info.st_mode):
            out[path.name] = ("link", os.readlink(path))
        else:
            out[path.name] = ("other", _stat.S_IFMT(info.st_mode))
    return out


def _run_faults(root: Path) -> str:
    """write_atomic_many over the last good set with one fault: all new, or (a message and) nothing changed."""
    import resource

    from scwres.limits import bad_character
    from scwres.render.export import PublishFailed, write_atomic_many

    spec = json.loads((root / "fault.json").read_text(encoding="utf-8"))
    folder = root / "reports"
    names = ["report.html", "sc-wres-tiny-2024.xlsx", "sc-wres-tiny-2024.csv"]
    new = {folder / name: (b"N" if i else b"P") * size for i, (name, size) in enumerate(zip(names, spec["sizes"],
                                                                                              strict=True))}
    new[folder / names[0]] = new[folder / names[0]].decode()
    before = _publish_state(folder)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    if spec.get("readonly"):
        os.chmod(folder, 0o555)
    try:
        if spec.get("fsize"):
            resource.setrlimit(resource.RLIMIT_FSIZE, (spec["fsize"], hard))
        try:
            write_atomic_many(new)
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
            os.chmod(folder, 0o755)
    except PublishFailed as exc:
        message = str(exc)
        LAST_MESSAGES.append(message)
        if not message or bad_character(message):
            raise Unclean(f"an unprintable message: {message!r:.80}") from None
        after = _publish_state(folder)
        if after != before:
            changed = sorted(k for k in {*before, *after} if before.get(k) != after.get(k))
            raise SilentlyWrong(f"a failed publish changed {changed}") from None
        return "refused"
    after = _publish_state(folder)
    for path, data in new.items():
        want = data.encode() if isinstance(data, str) else data
        if after.get(path.name) != ("file", want):
            raise SilentlyWrong(f"a publish that succeeded left {path.name} old: a mixed set")
    left = sorted(k for k in after if k.endswith(".tmp") and k not in before)
    if left:
        raise SilentlyWrong(f"temporary files left: {left}")
    return "verified"


def crash_summary(exc: BaseException) -> str:
    """``Type: message`` and the innermost project frame, to group crashes."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/scwres/" in f.filename] or frames
    where = f" at {Path(ours[-1].filename).name}:{ours[-1].lineno} ({ours[-1].name})" if ours else ""
    message = str(exc).replace("\n", " ")[:200]
    return f"{type(exc).__name__}: {message}{where}"


def _worker(conn, memory_mb: int) -> None:
    """Run cases sent over ``conn`` until told to stop; memory is capped so a bomb fails here, not the machine."""
    import resource
    import warnings

    warnings.simplefilter("ignore")
    if memory_mb:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024, memory_mb * 1024 * 1024))
    with tempfile.TemporaryDirectory(prefix="scwres-fuzz-warm-") as tmp:  # import GX etc. before the clock starts
        base_tree("return").write(Path(tmp))
        run_case(Path(tmp), "return")
    conn.send(("ready", "", 0.0))
    while True:
        job = conn.recv()
        if job is None:
            return
        folder, kind = job
        start = time.monotonic()
        try:
            outcome = run_case(Path(folder), kind)
            conn.send((outcome, "", time.monotonic() - start))
        except SilentlyWrong as exc:  # accepted, but the figures (or the published set) are wrong
            conn.send(("silently wrong", str(exc)[:300], time.monotonic() - start))
        except BaseException as exc:  # the point of the fuzzer: report any exception as a crash
            conn.send(("crashed", crash_summary(exc), time.monotonic() - start))


def spinning_worker(conn, memory_mb: int) -> None:  # noqa: ARG001 - a worker's signature
    """A worker whose every case spins on the CPU for ever: what the time limit is for (tests/test_fuzz.py)."""
    conn.send(("ready", "", 0.0))
    while conn.recv() is not None:
        while True:
            pass


def sleeping_worker(conn, memory_mb: int) -> None:  # noqa: ARG001 - a worker's signature
    """A worker whose every case blocks for ever without working: what the clock limit is for."""
    conn.send(("ready", "", 0.0))
    while conn.recv() is not None:
        time.sleep(10 ** 6)


WALL_SLACK = 10  # a case may take this many times its CPU limit on the clock (a worker blocked, not working)


def cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used, from ``/proc``; None where there is no ``/proc``."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Pool:
    """Worker processes with a time limit per case: a case that overruns is reported and its worker replaced.

    The limit is on the worker's own CPU time, so a campaign on a shared, loaded machine does not count a
    slow case as a hang while a loop or a blow-up still is one; a case blocked without working is stopped
    after ``WALL_SLACK`` times the limit on the clock. Where there is no ``/proc``, the clock alone counts.
    """

    def __init__(self, jobs: int, timeout: float, memory_mb: int, worker: Callable = _worker,
                 wall_slack: float = WALL_SLACK):
        self.jobs, self.timeout, self.memory_mb = jobs, timeout, memory_mb
        self.worker, self.wall_slack = worker, wall_slack  # other workers: the tests of the limits
        self.ctx = mp.get_context("spawn")

    def _start(self, attempts: int = 3):
        """A warmed-up worker; a start that fails (the machine out of memory, a kill) is tried again."""
        for _ in range(attempts):
            parent, child = self.ctx.Pipe()
            proc = self.ctx.Process(target=self.worker, args=(child, self.memory_mb), daemon=True)
            proc.start()
            child.close()
            try:
                if parent.poll(600):
                    parent.recv()
                    return proc, parent
            except (EOFError, OSError):
                pass
            proc.kill()
            proc.join()
        raise RuntimeError(f"a fuzz worker did not start in {attempts} attempts")

    def run(self, jobs: list[tuple[object, Callable[[], Tree]]]) -> Iterator[tuple[object, str, str, float]]:
        """Yield (key, outcome, detail, seconds) for each (key, make_tree), as they finish.

        Trees are made when a worker is free, so 10,000 cases never sit in memory at once.
        """
        pending = list(reversed(jobs))
        workers = [self._start() for _ in range(min(self.jobs, len(jobs)))]
        busy: dict[int, tuple[object, float, tempfile.TemporaryDirectory]] = {}
        try:
            while pending or busy:
                for i, (_proc, conn) in enumerate(workers):
                    if i not in busy and pending:
                        key, make_tree = pending.pop()
                        tree = make_tree()
                        tmp = tempfile.TemporaryDirectory(prefix="scwres-fuzz-")
                        tree.write(Path(tmp.name))
                        conn.send((tmp.name, tree.kind))
                        busy[i] = (key, time.monotonic(), tmp, cpu_seconds(workers[i][0].pid))
                if not busy:
                    continue
                ready = wait([workers[i][1] for i in busy], timeout=1.0)  # look at the workers' CPU each second
                now = time.monotonic()
                for i in list(busy):
                    key, started, tmp, cpu_start = busy[i]
                    proc, conn = workers[i]
                    cpu_now = cpu_seconds(proc.pid) if cpu_start is not None else None
                    cpu = cpu_now - cpu_start if cpu_now is not None else now - started
                    if conn in ready:
                        try:
                            outcome, detail, seconds = conn.recv()
                        except EOFError:  # the worker died (killed by the kernel, a segfault)
                            outcome, detail, seconds = "crashed", f"worker died (exit {proc.exitcode})", now - started
                            workers[i] = self._start()
                    elif cpu >= self.timeout or now - started >= self.timeout * self.wall_slack:
                        proc.kill()
                        proc.join()
                        detail = (f"over {self.timeout:g} s of CPU" if cpu >= self.timeout
                                  else f"over {self.timeout * self.wall_slack:g} s on the clock")
                        outcome, seconds = "timed out", now - started
                        workers[i] = self._start()
                    else:
                        continue
                    del busy[i]
                    tmp.cleanup()
                    yield key, outcome, detail, seconds
        finally:
            for proc, conn in workers:
                try:
                    conn.send(None)
                except OSError:
                    pass
                proc.join(5)
                if proc.is_alive():
                    proc.kill()


# ---------------------------------------------------------------- the campaign

@dataclass
class Result:
    counts: dict[str, dict[str, int]]
    crashes: list[tuple[Case, str, str]]  # case, outcome, detail
    seconds: float
    slowest: tuple[float, str] = (0.0, "")

    @property
    def failures(self) -> int:
        return sum(c["crashed"] + c["timed out"] + c["silently wrong"] for c in self.counts.values())

    def table(self) -> str:
        lines = ["| class | tried | refused cleanly | accepted correctly | of which counted independently | crashed "
                 "| timed out | silently wrong |", "|---|---|---|---|---|---|---|---|"]
        total = dict.fromkeys(("tried", *OUTCOMES), 0)
        for cls in CLASSES:
            c = self.counts[cls]
            tried = sum(c.values())
            total["tried"] += tried
            for o in OUTCOMES:
                total[o] += c[o]
            lines.append(f"| {cls} | {tried} | {c['refused']} | {c['accepted'] + c['verified']} | {c['verified']} | "
                         f"{c['crashed']} | {c['timed out']} | {c['silently wrong']} |")
        accepted = total["accepted"] + total["verified"]
        lines.append(f"| **all** | **{total['tried']}** | **{total['refused']}** | **{accepted}**"
                     f" | **{total['verified']}** | **{total['crashed']}** | **{total['timed out']}** | "
                     f"**{total['silently wrong']}** |")
        return "\n".join(lines)


def campaign(n: int, seed: int, jobs: int = 1, timeout: float = 60.0, memory_mb: int = 6144, quick: bool = False,
             save_to: Path | None = CRASHES, progress: bool = False) -> Result:
    """Generate and run ``n`` cases; shrink and save every crash and time-out."""
    start = time.monotonic()
    cases = plan_cases(n, seed, quick)
    counts = {cls: dict.fromkeys(OUTCOMES, 0) for cls in CLASSES}
    crashes: list[tuple[Case, str, str]] = []
    slowest = (0.0, "")
    pool = Pool(jobs, timeout, memory_mb)
    done = 0
    results = pool.run([(c, lambda c=c: c.tree()[0]) for c in cases])
    while True:
        try:
            case, outcome, detail, seconds = next(results)
        except StopIteration:
            break
        except KeyboardInterrupt:  # Ctrl-C (or kill -INT): stop, and report the cases that finished
            print(f"  interrupted after {done} cases", file=sys.stderr, flush=True)
            results.close()
            break
        counts[case.cls][outcome] += 1
        if seconds > slowest[0]:
            slowest = (seconds, f"{case.cls} #{case.index}")
        if outcome in ("crashed", "timed out", "silently wrong"):
            crashes.append((case, outcome, detail))
            if progress:
                print(f"  {outcome.upper()} {case.cls} #{case.index}: {detail}", file=sys.stderr, flush=True)
        done += 1
        if progress and (done % 25 == 0 or done == len(cases)):
            bad = sum(c["crashed"] + c["timed out"] + c["silently wrong"] for c in counts.values())
            print(f"  {done}/{len(cases)} cases, {bad} crashed, timed out or silently wrong, "
                  f"{time.monotonic() - start:.0f} s",
                  file=sys.stderr, flush=True)
    if crashes and save_to is not None:
        for case, outcome, detail in crashes:
            shrink_and_save(pool, case, outcome, detail, save_to, seed)
    return Result(counts, crashes, time.monotonic() - start, slowest)


def shrink_and_save(pool: Pool, case: Case, outcome: str, detail: str, folder: Path, seed: int) -> Path:
    """Keep the one edit that still fails the same way, when there is one, and save the case as a reproducer."""
    keep: list[int] | None = None
    if len(case.seeds) > 1:
        singles = [(i, lambda i=i: case.tree([i])[0]) for i in range(len(case.seeds))]
        for i, got, got_detail, _ in pool.run(singles):
            if got == outcome and got_detail.split(" at ")[-1] == detail.split(" at ")[-1] and keep is None:
                keep = [i]
    tree, notes = case.tree(keep)
    target = folder / f"{case.cls}-{seed}-{case.index}"
    tree.save(target, {"class": case.cls, "edits": notes, "found": f"{outcome}: {detail}",
                       "expect": None, "seed": seed, "index": case.index})
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="how many cases")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    parser.add_argument("--timeout", type=float, default=60.0, help="CPU seconds per case before it counts as a hang")
    parser.add_argument("--memory-mb", type=int, default=6144, help="address-space cap per worker (0: none)")
    parser.add_argument("--quick", action="store_true", help="only a few return cases (they run GX, ~1 s each)")
    parser.add_argument("--out", type=Path, default=CRASHES, help="where crashes are saved")
    args = parser.parse_args(argv)
    import signal

    def stop(signum, frame):  # noqa: ARG001 - kill (TERM) or Ctrl-C: report what finished
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # a background job starts with SIGINT ignored
    print(f"Fuzzing {args.n} cases (seed {args.seed}, {args.jobs} worker(s), {args.timeout:.0f} s of CPU per case)...",
          file=sys.stderr, flush=True)
    result = campaign(args.n, args.seed, args.jobs, args.timeout, args.memory_mb, args.quick, args.out,
                      progress=True)
    print(result.table())
    tried = sum(sum(c.values()) for c in result.counts.values())
    print(f"\n{tried} cases in {result.seconds:.0f} s; slowest case {result.slowest[0]:.1f} s ({result.slowest[1]}).")
    for case, outcome, detail in result.crashes:
        print(f"{outcome.upper()} {case.cls} #{case.index}: {detail}")
    if result.crashes:
        print(f"Reproducers saved under {args.out}; fix, then move them to {CORPUS} as regression cases.")
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
