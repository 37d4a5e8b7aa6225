"""Property tests: a good return mutated at random never crashes validation or reaches the metrics broken,
and a bad count is reported where it is.

For any mutation, ``validate_return`` returns problems (never raises), the
data quality page renders with every value escaped, and either the return
has errors (so ``raise_on_errors`` stops the run before metrics and report)
or its metrics can be calculated. Python functions only, no papermill, so
it stays quick; ``max_examples`` is kept modest for the same reason.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bad_returns import good
from scwres.disclosure.metrics_table import calculate
from scwres.problems import ReturnError
from scwres.render.quality_page import render
from scwres.validate.validation import raise_on_errors, validate_return

NASTY = ["", "-1", "1.5", "1e3", "NaN", "inf", " ", "0x10", "1,000", "٣", "12.0", "<script>alert(1)</script>",
         "adults", "children", "yes", "no", "not_stated", "white", "black", "low", "high", "999999999999", '"', "\t",
         "__line__", "service"]
TABLES = list(good.GOOD)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    derandomize=True)


@st.composite
def cell_edit(draw: st.DrawFn) -> tuple[str, int, int, str]:
    table = draw(st.sampled_from(TABLES))
    rows = good.GOOD[table]
    line = draw(st.integers(1, len(rows)))
    column = draw(st.integers(0, len(rows[0]) - 1))
    value = draw(st.one_of(st.sampled_from(NASTY), st.text(max_size=6)))
    return table, line, column, value


def mutated_csv(root: Path, edits: list[tuple[str, int, int, str]], byte_cut: tuple[str, int] | None) -> Path:
    tables = good.tables()
    for table, line, column, value in edits:
        tables[table][line - 1][column] = value
    folder = good.write_csv_return(root, tables)
    if byte_cut is not None:
        path = folder / f"{byte_cut[0]}.csv"
        data = path.read_bytes()
        path.write_bytes(data[: byte_cut[1] % (len(data) + 1)] + b"\xff\x00"[: byte_cut[1] % 3])
    return root


def assert_safe(root: Path) -> list:
    """No exception; the page escapes; errors stop the run, else the metrics can be made. The problems."""
    params = good.params()
    problems = validate_return(good.LA, good.PERIOD, params, root)
    page = render(problems, la=good.LA, period=good.PERIOD, council=params["name"])
    assert "<script>alert" not in page
    if any(p.severity == "error" for p in problems):
        with pytest.raises(ReturnError):
            raise_on_errors(problems)
    else:
        raise_on_errors(problems)
        assert not calculate(good.LA, good.PERIOD, params, root).empty
    return problems


NOT_COUNTS = ["-1", "1.5", "NaN", "inf", "0x10", "1e3", "<script>alert(1)</script>", "abc", "one"]


def is_count_cell(table: str, line: int, column: int) -> bool:
    """A data cell (not the header) of a column holding whole numbers in the good return."""
    return line > 1 and good.GOOD[table][1][column].isdigit()


def expected_reports(edits: list[tuple[str, int, int, str]], byte_cut: tuple[str, int] | None) -> set[tuple]:
    """(file, line, column, value) that must be reported: a non-count written alone in its row into a count
    cell of a table whose header and bytes are untouched (elsewhere one fault may hide another)."""
    rows = [(t, ln) for t, ln, _, _ in edits]
    spoilt = {t for t, ln, _, _ in edits if ln == 1} | ({byte_cut[0]} if byte_cut else set())
    return {(f"{t}.csv", ln, good.GOOD[t][0][col], v) for t, ln, col, v in edits
            if v in NOT_COUNTS and is_count_cell(t, ln, col) and rows.count((t, ln)) == 1 and t not in spoilt}


@st.composite
def count_edit(draw: st.DrawFn) -> tuple[str, int, int, str]:
    table = draw(st.sampled_from(TABLES))
    rows = good.GOOD[table]
    column = draw(st.sampled_from([c for c in range(len(rows[0])) if rows[1][c].isdigit()]))
    return table, draw(st.integers(2, len(rows))), column, draw(st.sampled_from(NOT_COUNTS))


@SETTINGS
@given(edits=st.lists(cell_edit() | count_edit(), min_size=1, max_size=4),
       byte_cut=st.none() | st.tuples(st.sampled_from(TABLES), st.integers(0, 400)))
def test_random_csv_mutations_are_reported_not_raised(edits, byte_cut) -> None:
    """Besides raising nothing: a non-count in a count cell is an error at its own file, line and column."""
    with tempfile.TemporaryDirectory(prefix="scwres-prop-") as tmp:
        problems = assert_safe(mutated_csv(Path(tmp), edits, byte_cut))
    reported = {(p.file, p.line, p.column, p.value) for p in problems if p.severity == "error"}
    assert expected_reports(edits, byte_cut) <= reported


def test_the_property_would_notice_a_bad_count_that_is_not_reported():
    edits = [("events", 4, 2, "1.5")]
    assert expected_reports(edits, None) == {("events.csv", 4, "disciplinary", "1.5")}
    assert expected_reports(edits, ("events", 10)) == set() and expected_reports([("events", 4, 1, "x")], None) == set()


CELL_VALUES = st.one_of(st.none(), st.integers(-5, 10**6), st.floats(allow_nan=True, allow_infinity=True),
                        st.booleans(), st.sampled_from(NASTY), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(table=st.sampled_from(TABLES), line=st.integers(1, 7), column=st.integers(0, 5), value=CELL_VALUES)
def test_random_xlsx_cells_are_reported_not_raised(table: str, line: int, column: int, value: object) -> None:
    from openpyxl import load_workbook

    with tempfile.TemporaryDirectory(prefix="scwres-prop-") as tmp:
        root = Path(tmp)
        path = good.write_xlsx_return(root, good.tables())
        book = load_workbook(path)
        book[table].cell(row=line, column=column + 1, value=value)
        book.save(path)
        problems = assert_safe(root)
    header = good.GOOD[table][0]
    if column < len(header) and line <= len(good.GOOD[table]) and is_count_cell(table, line, column) \
            and not_a_count(value):  # then reported at its own sheet, row and column
        assert (table, line, header[column]) in {(p.sheet, p.line, p.column) for p in problems
                                                 if p.severity == "error"}


def not_a_count(value: object) -> bool:
    """A cell value that is plainly no count of people: negative, fractional, not finite, true/false, words."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return value < 0
    if isinstance(value, float):
        return not math.isfinite(value) or value < 0 or value != int(value)
    return isinstance(value, str) and value in NOT_COUNTS


def test_what_counts_as_plainly_no_count():
    assert all(not_a_count(v) for v in (-1, 1.5, math.nan, math.inf, True, "abc", "-1"))
    assert not any(not_a_count(v) for v in (0, 10, 12.0, None, "12", dt.date(2024, 1, 1)))
