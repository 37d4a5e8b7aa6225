"""Property tests: a good return mutated at random never crashes validation or reaches the metrics broken.

For any mutation, ``validate_return`` returns problems (never raises), the
data quality page renders with every value escaped, and either the return
has errors (so ``raise_on_errors`` stops the run before metrics and report)
or its metrics can be calculated. Python functions only, no papermill, so
it stays quick; ``max_examples`` is kept modest for the same reason.
"""

from __future__ import annotations

import datetime as dt
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


def assert_safe(root: Path) -> None:
    """No exception; the page escapes; errors stop the run, else the metrics can be made."""
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


@SETTINGS
@given(edits=st.lists(cell_edit(), min_size=1, max_size=4),
       byte_cut=st.none() | st.tuples(st.sampled_from(TABLES), st.integers(0, 400)))
def test_random_csv_mutations_are_reported_not_raised(edits, byte_cut) -> None:
    with tempfile.TemporaryDirectory(prefix="scwres-prop-") as tmp:
        assert_safe(mutated_csv(Path(tmp), edits, byte_cut))


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
        assert_safe(root)
