"""Open data: the spreadsheet and CSV published with every report show what the report shows, and no more.

Read back as a reader would (openpyxl, csv), every figure is compared with the
published HTML's own tables; no public file holds a count from 1 to
threshold-1 (and the check is shown to catch one, on a variant built with
disclosure control switched off); the attacker of ``test_disclosure`` also
reads the CSV and still cannot work out a hidden count; the spreadsheet keeps
the GSS layout (cover, contents, notes, one table per sheet, title in A1, no
merged cells); the same inputs give byte-identical files.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from bs4 import BeautifulSoup

from conftest import COUNCILS, INTERNAL, PERIODS
from scwres import paths
from scwres.intake.params import load_params
from scwres.render import index_page, open_data, open_data_files
from scwres.render.words import ASSESSMENT_SHORT, TREND_WORDS
from scwres.validate.validation import load_return
from test_disclosure import RawCells, in_span, span_basis

pytestmark = pytest.mark.xdist_group("pipeline")
TREND = dict(TREND_WORDS)
DASHES = ("–", "")
CSV_COUNTS = ("events_me", "base_me", "events_white", "base_white", "records_not_known", "records_all")


def names(la: str, period: str, audience: str = "public") -> tuple[str, str]:
    return open_data.file_names(open_data.council_stem(la, period), audience)


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def files_of(built, la: str, period: str, audience: str = "public") -> tuple[bytes, bytes]:
    xlsx, csv_name = names(la, period, audience)
    folder = built.reports / la / period
    return (folder / xlsx).read_bytes(), (folder / csv_name).read_bytes()


def count_key(row: dict[str, str], column: str) -> str:
    """The report's ``data-count`` key of one CSV count."""
    if row["measure"] == "ethnicity_not_known":
        source = {v: k for k, v in open_data.UNKNOWN_BREAKDOWN.items()}[row["breakdown"]]
        return f"{'unknown' if column == 'records_not_known' else 'total'}|{source}|{row['service']}"
    return f"{row['measure']}|{row['service']}|{row['breakdown']}|{column}"


# --- what a leak check looks for ------------------------------------------------------------------------------


def small_counts_in_csv(data: bytes, threshold: int) -> list[str]:
    """Every count cell of the CSV holding 1 to threshold-1."""
    found = []
    for row in read_csv(data):
        for column in CSV_COUNTS:
            value = row[column]
            if value not in ("", open_data.SUPPRESSED) and 0 < int(value) < threshold:
                found.append(f"{row['measure']}|{row['service']}|{row['breakdown']}|{column}={value}")
    return found


def table_cells(ws) -> tuple[list[str], list[list]]:
    """The header and body of the one Excel table on a sheet."""
    (name, ref), = ws.tables.items()
    rows = [list(r) for r in ws[ref]]
    return [c.value for c in rows[0]], [[c.value for c in r] for r in rows[1:]]


def small_counts_in_xlsx(data: bytes, threshold: int) -> list[str]:
    """Every cell of a count column (unit 'number') in any table of the workbook holding 1 to threshold-1."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    found, count_columns = [], 0
    for ws in book.worksheets:
        if not ws.tables:
            continue
        header, body = table_cells(ws)
        for j, head in enumerate(header):
            if not str(head).endswith("(number)"):
                continue
            count_columns += 1
            found += [f"{ws.title}!{head}={r[j]}" for r in body
                      if isinstance(r[j], (int, float)) and 0 < r[j] < threshold]
    assert count_columns > 10, "the workbook's count columns are not marked with the unit 'number'"
    return found


# --- the files exist, are linked and are bannered -------------------------------------------------------------


def test_every_report_publishes_a_spreadsheet_and_a_csv(built):
    for la in COUNCILS:
        for period in PERIODS:
            for name in names(la, period):
                assert (built.reports / la / period / name).is_file(), (la, period, name)
    for la, period in INTERNAL:
        for name in names(la, period, "internal"):
            assert (built.reports / la / period / name).is_file(), (la, period, name)


def test_the_index_links_each_reports_files(built, monkeypatch):
    monkeypatch.setattr(paths, "BUILD_DIR", built.build)
    entries, updates = index_page.collect(built.reports)
    html = index_page.render(entries, updates, index_page.roll_ups(built.reports))
    for la in COUNCILS:
        for period in PERIODS:
            xlsx, csv_name = names(la, period)
            assert f'<a href="{la}/{period}/{xlsx}">' in html and f'<a href="{la}/{period}/{csv_name}">' in html
    assert "-internal." not in html  # the internal files are never linked from a public page


def test_internal_files_are_bannered_and_hide_nothing(built):
    xlsx, data = files_of(built, "bexley", "2024", "internal")
    rows = read_csv(data)
    assert {r["publication"] for r in rows} == {open_data.INTERNAL_MARK}
    assert not [r for r in rows if open_data.SUPPRESSED in r.values()]
    cover = openpyxl.load_workbook(io.BytesIO(xlsx))["Cover"]
    assert cover["A1"].value.startswith("INTERNAL - not for publication")
    public_xlsx, public_csv = files_of(built, "bexley", "2024")
    public = read_csv(public_csv)
    # the shipped reports are not signed off: their open data say DRAFT, like the page (tests/test_signoff.py)
    assert {r["publication"] for r in public} == {open_data.DRAFT_MARK} and {r["illustrative"] for r in public} == {
        "true"}
    assert openpyxl.load_workbook(io.BytesIO(public_xlsx))["Cover"]["A1"].value.startswith("DRAFT - not signed off")


# --- every figure equals the report's own -----------------------------------------------------------------------


def same(text: str, value: str) -> bool:
    """A figure as the report prints it against the CSV's cell."""
    text = text.strip()
    if text == open_data.SUPPRESSED or value == open_data.SUPPRESSED:
        return text == value
    if text in DASHES or text == "not defined":  # "not defined": an RL with no white cases (blank in the CSV)
        return value == ""
    return value != "" and float(text.replace(",", "").rstrip("%")) == float(value)


def same_interval(text: str, low: str, high: str) -> bool:
    text = text.strip()
    if text.startswith("from ") and text.endswith(", no upper limit"):  # no white cases: a lower bound only
        return same(text[5:-len(", no upper limit")], low) and high == ""
    if " to " not in text:
        return same(text, low) and same(text, high)
    a, b = text.split(" to ")
    return same(a, low) and same(b, high)


def same_words(text: str, code: str, words: dict[str, str]) -> bool:
    return text.strip() == (code if code == open_data.SUPPRESSED else words.get(code, "–"))


def compare_report_and_csv(report_html: str, rows: list[dict[str, str]]) -> int:
    """Check every count and every derived figure of the report's tables against the CSV; return how many."""
    soup = BeautifulSoup(report_html, "html.parser")
    by_key = {f"{r['measure']}|{r['service']}|{r['breakdown']}": r for r in rows}
    counts = {count_key(r, c): r[c] for r in rows
              for c in (CSV_COUNTS[4:] if r["measure"] == "ethnicity_not_known" else CSV_COUNTS[:4])}
    checked = 0
    for span in soup.select("span[data-count]"):
        assert same(span.get_text(), counts[span["data-count"]]), (span["data-count"], span.get_text())
        checked += 1
    for table in soup.select("table"):
        caption = table.caption.get_text()
        for tr in table.select("tr[data-row]"):
            key = tr["data-row"]
            r = by_key[key]
            cells = [td.get_text() for td in tr.find_all("td")]
            if caption.startswith("At a glance"):
                assert same(cells[1], r["value"]) and same_interval(cells[2], r["ci_low"], r["ci_high"]), key
                if not key.startswith("m1|"):
                    assert same_words(cells[3], r["assessment"], ASSESSMENT_SHORT), key
                    assert same_words(cells[4], r["trend"], TREND), key
            elif "figures by service" in caption:
                for cell, group in ((cells[0], "me"), (cells[1], "white")):
                    assert same(re.search(r"\((.*)\)", cell).group(1), r[f"rate_{group}"]), (key, group)
                assert same(cells[2], r["value"]) and same_interval(cells[3], r["ci_low"], r["ci_high"]), key
                assert same_words(cells[4], r["assessment"], ASSESSMENT_SHORT), key
                assert same_words(cells[5], r["trend"], TREND), key
            elif "in each pay band" in caption:
                assert same(cells[2], r["value"]) and same_interval(cells[3], r["ci_low"], r["ci_high"]), key
                assert same(cells[4], r["rate_me"]) and same(cells[5], r["rate_white"]), key
            elif caption.startswith("Each ethnic sub-group"):
                assert same(re.search(r"\((.*)\)", cells[0]).group(1), r["rate_me"]), key
                assert same(cells[1], r["value"]) and same_interval(cells[2], r["ci_low"], r["ci_high"]), key
                assert same_words(cells[3], r["assessment"], ASSESSMENT_SHORT), key
            elif "percentage answering yes" in caption:
                assert same(cells[1], r["rate_me"]) and same_interval(cells[2], r["rate_me_ci_low"],
                                                                      r["rate_me_ci_high"]), key
                assert same(cells[4], r["rate_white"]) and same_interval(cells[5], r["rate_white_ci_low"],
                                                                         r["rate_white_ci_high"]), key
            else:
                continue
            checked += 1
    return checked


@pytest.mark.parametrize("la, period, audience", [("bexley", "2024", "public"), ("norfolk", "2024", "public"),
                                                  ("leeds", "2023", "public"), ("bexley", "2024", "internal")])
def test_every_csv_figure_equals_the_reports(built, la, period, audience):
    rows = read_csv(files_of(built, la, period, audience)[1])
    checked = compare_report_and_csv(built.report(la, period, audience).read_text(encoding="utf-8"), rows)
    assert checked > 250, f"only {checked} figures compared: the report's tables were not found"
    if la == "bexley" and audience == "public":
        assert sum(open_data.SUPPRESSED in r.values() for r in rows) > 30, "bexley's CSV must show many [c]"


def test_spreadsheet_figures_equal_the_csv(built):
    xlsx, data = files_of(built, "bexley", "2024")
    rows = {(r["measure"], r["service"], r["breakdown"]): r for r in read_csv(data)}
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    service = {"Adults' services": "adults", "Children's services": "children", "All staff": "all"}
    checked = 0
    for ws in book.worksheets:
        if not str(ws["A1"].value).split("[note")[0].endswith("figures by service, 2024"):
            continue
        header, body = table_cells(ws)
        metric = next(m for (m, _, _), r in rows.items() if ws["A1"].value.startswith(r["measure_name"] + ":"))
        columns = ["events_me", "base_me", "rate_me"] + (["rate_me_ci_low", "rate_me_ci_high"] if len(header) > 12
                                                         else [])
        columns += [c.replace("_me", "_white") for c in columns] + ["value", "ci_low", "ci_high"]
        for cells in body:
            r = rows[(metric, service[cells[0]], "overall")]
            for value, column in zip(cells[1:], columns, strict=False):
                expected = r[column]
                assert (str(value) == expected if expected == open_data.SUPPRESSED else
                        value == "[x]" if expected == "" else float(value) == float(expected)), (metric, column)
                checked += 1
    assert checked > 200


# --- disclosure ------------------------------------------------------------------------------------------------


def test_no_public_file_holds_a_small_count(built):
    for la in COUNCILS:
        for period in PERIODS:
            threshold = int(load_params(la).get("suppression_threshold", 10))
            xlsx, data = files_of(built, la, period)
            assert not small_counts_in_csv(data, threshold), (la, period)
            assert not small_counts_in_xlsx(xlsx, threshold), (la, period)


def test_the_small_count_check_catches_a_leak(built, monkeypatch):
    """Switch disclosure control off inside the test: the same check must find bexley's small counts."""
    from scwres.render.report import load_context

    monkeypatch.setattr(paths, "BUILD_DIR", built.build)
    ctx = load_context("bexley", "2024", "public")
    published = open_data_files.files(open_data.published_figures(ctx))
    xlsx_name, csv_name = names("bexley", "2024")
    assert published == dict(zip(names("bexley", "2024"), files_of(built, "bexley", "2024"), strict=True)), \
        "the files built here differ from the published ones: not the same figures, or not deterministic"
    for data in (ctx.plan, *(p.plan for p in ctx.history)):
        data.hidden_keys = set()
    leaky = open_data_files.files(open_data.published_figures(ctx))
    assert small_counts_in_csv(leaky[csv_name], 10)
    assert small_counts_in_xlsx(leaky[xlsx_name], 10)


def test_the_attacker_reading_report_and_csv_still_recovers_no_hidden_count(built):
    """test_disclosure's attack, with every count the CSV shows added to what the reader knows."""
    la, period = "bexley", "2024"
    params = load_params(la)
    cells = RawCells(load_return(la, period, pay_bands=params["pay_bands"]), params)
    soup = BeautifulSoup(built.report(la, period).read_text(encoding="utf-8"), "html.parser")
    shown = [cells.count(s["data-count"]) for s in soup.select("span[data-count]") if s.get_text() != "[c]"]
    report_basis = span_basis(shown, len(cells.index))
    hidden = []
    for row in read_csv(files_of(built, la, period)[1]):
        for column in CSV_COUNTS:
            if row[column] == "" or row["breakdown"] == "population_share":
                continue
            vector = cells.count(count_key(row, column))
            if row[column] == open_data.SUPPRESSED:
                hidden.append(vector)
            else:
                assert cells.value(vector) == int(row[column])
                assert in_span(vector, report_basis), f"the CSV shows {count_key(row, column)}, the report does not"
                shown.append(vector)
    basis = span_basis(shown, len(cells.index))
    assert len(hidden) > 20 and not [v for v in hidden if in_span(v, basis)]


# --- the spreadsheet's layout -----------------------------------------------------------------------------------


def test_spreadsheet_has_cover_contents_notes_and_one_titled_table_per_sheet(built):
    book = openpyxl.load_workbook(io.BytesIO(files_of(built, "bexley", "2024")[0]))
    assert book.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    cover = " ".join(str(c.value) for row in book["Cover"].iter_rows() for c in row if c.value)
    assert "London Borough of Bexley" in cover and "2024" in cover and "30 September 2024" in cover
    assert "Illustrative data" in cover and "Programme lead" in cover and "Source:" in cover
    notes = " ".join(str(c.value) for row in book["Notes"].iter_rows() for c in row if c.value)
    assert "withheld so that no one can be identified" in notes and "How ethnicity was grouped" in notes
    _, contents = table_cells(book["Contents"])
    tables = [ws for ws in book.worksheets[3:]]
    assert [c[0] for c in contents] == [ws.title for ws in tables] and len(tables) >= 15
    for ws in book.worksheets:
        assert not ws.merged_cells.ranges, ws.title
    for ws in [book["Contents"], book["Notes"], *tables]:
        assert isinstance(ws["A1"].value, str) and ws["A1"].value, ws.title  # the title is in A1
        ((_, ref),) = ws.tables.items()
        assert ref.startswith("A"), ws.title  # the table starts in column A, below its title rows
        header, body = table_cells(ws)
        assert body and all(h for h in header), ws.title
        assert not [v for r in body for v in r if v is None], f"{ws.title}: an empty cell ([x] expected)"


# --- determinism ----------------------------------------------------------------------------------------------


def test_spreadsheet_has_fixed_timestamps_and_metadata(built):
    xlsx, _ = files_of(built, "norfolk", "2024")
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2024-09-30T00:00:00Z</dcterms:created>" in core


def test_text_a_spreadsheet_would_run_is_kept_as_text():
    meta = open_data.Meta(title="t", area="=HYPERLINK(\"x\")", period="2024", audience="public",
                          illustrative=True, threshold=10)
    row = dict.fromkeys(open_data.CSV_COLUMNS)
    row.update(council="=HYPERLINK(\"x\")", measure="@SUM(A1)", value=1.5, events_me=0)
    text = open_data.csv_bytes(open_data.Published(meta, [row])).decode("utf-8")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text and ",1.5," in text and ",0," in text


def test_a_failed_publish_leaves_the_previous_files(tmp_path):
    """The HTML, spreadsheet and CSV are replaced together or not at all."""
    from scwres.render.export import write_atomic_many

    folder = tmp_path / "reports"
    folder.mkdir()
    old = {folder / "report.html": b"old page", folder / "sc-wres-x-2024.csv": b"old csv"}
    for path, data in old.items():
        path.write_bytes(data)
    (folder / "blocked").write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(OSError):
        write_atomic_many({folder / "report.html": "new page", folder / "sc-wres-x-2024.csv": b"new csv",
                           folder / "blocked" / "sc-wres-x-2024.xlsx": b"new book"})
    assert {p: p.read_bytes() for p in old} == old
    assert sorted(p.name for p in folder.iterdir()) == ["blocked", "report.html", "sc-wres-x-2024.csv"]
    write_atomic_many({folder / "report.html": "new page", folder / "sc-wres-x-2024.csv": b"new csv"})
    assert (folder / "report.html").read_text(encoding="utf-8") == "new page"
