"""core.excel: reading uploads into rows with precise errors, reports, templates and streamed export."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook

from qifu.core import excel
from qifu.core.excel import Column, ImportReport, RowError

COLUMNS = (
    Column("code", _("Credit code"), aliases=("统一社会信用代码", "信用代码"), required=True, text=True, example="X1"),
    Column("name", _("Enterprise name"), aliases=("企业名称",), required=True, example="ACME", help_text=_("The name.")),
    Column("headcount", _("Headcount"), aliases=("员工人数",), example=3),
    Column("region_name", _("Region name"), aliases=("区域名称",), importable=False),
)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def xlsx(*rows: list[Any], title: str = "Sheet") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def only_error(errors: list[RowError]) -> RowError:
    assert len(errors) == 1, errors
    return errors[0]


def test_reads_rows_with_chinese_headers_title_row_and_blank_rows() -> None:
    content = xlsx(
        ["企业名录"],  # a title above the header
        [" 统一社会信用代码 ", "企业名称", "员工人数", "区域名称"],
        ["91510112000000001X", " ACME ", 12, "四川省成都市龙泉驿区"],
        [None, None, None, None],
        [510112, "Beta", None, None],  # digits typed as a number in a text column come back as text
        [None, None, None, "only an export-only cell"],
    )
    rows, errors = excel.read_rows(content, COLUMNS)
    assert errors == []
    assert [r.number for r in rows] == [3, 5]
    assert rows[0].values == {"code": "91510112000000001X", "name": "ACME", "headcount": 12}
    assert rows[1]["code"] == "510112"
    assert rows[1].get("headcount") is None
    assert "region_name" not in rows[0].values  # export-only columns are recognised and dropped


def test_columns_absent_from_the_file_are_absent_from_the_rows() -> None:
    rows, errors = excel.read_rows(xlsx(["Credit code", "Enterprise name"], ["C1", "N1"]), COLUMNS)
    assert errors == []
    assert rows[0].values == {"code": "C1", "name": "N1"}


def test_a_credit_code_stored_as_a_number_is_reported() -> None:
    rows, errors = excel.read_rows(xlsx(["Credit code", "Enterprise name"], [915101120000000013, "N"]), COLUMNS)
    err = only_error(errors)
    assert (err.row, err.column) == (2, "code")
    assert "15 digits" in err.message


@pytest.mark.parametrize(
    "headers",
    [
        ["Credit code", "Enterprise name"],
        ["CREDIT CODE *", "enterprise  name"],
        ["credit_code", "name"],
        ["信用代码", "企业名称"],
    ],
)
def test_headers_match_without_case_spaces_or_required_marker(headers: list[str]) -> None:
    rows, errors = excel.read_rows(xlsx(headers, ["C1", "N1"]), COLUMNS)
    assert errors == []
    assert rows[0].values == {"code": "C1", "name": "N1"}


def test_missing_required_column_is_reported_with_its_key() -> None:
    rows, errors = excel.read_rows(xlsx(["Enterprise name", "Headcount"], ["N", 1]), COLUMNS)
    err = only_error(errors)
    assert rows == []
    assert (err.row, err.column) == (1, "code")
    assert "Credit code" in err.message and "missing" in err.message


def test_unknown_and_repeated_columns_are_reported() -> None:
    rows, errors = excel.read_rows(
        xlsx(["Credit code", "Enterprise name", "Colour", "信用代码"], ["C", "N", "red", "C"]), COLUMNS
    )
    assert rows == []
    messages = sorted(e.message for e in errors)
    assert any("Unknown column" in m and "Colour" in m and "(column C)" in m for m in messages)
    assert any("appears twice" in m and "A and D" in m for m in messages)
    rows, errors = excel.read_rows(xlsx(["Credit code", "Enterprise name", "Colour"], ["C", "N", "red"]), COLUMNS,
                                   allow_unknown=True)
    assert errors == [] and rows[0].values["code"] == "C"


def test_no_header_row_found() -> None:
    rows, errors = excel.read_rows(xlsx(["a", "b"], ["1", "2"]), COLUMNS)
    assert rows == []
    assert "No header row found" in only_error(errors).message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "The file is empty."),
        ("统一社会信用代码,企业名称\n91510112000000001X,ACME\n".encode("utf-8-sig"), "not an Excel workbook"),
        (bytes(range(256)) * 4, "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, ".xls"),
    ],
    ids=["empty", "csv", "random", "xls"],
)
def test_files_that_are_not_workbooks(content: bytes, expected: str) -> None:
    rows, errors = excel.read_rows(content, COLUMNS)
    assert rows == []
    err = only_error(errors)
    assert err.row is None and expected in err.message


def test_a_zip_that_is_not_a_workbook() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    rows, errors = excel.read_rows(buf.getvalue(), COLUMNS)
    assert "not an Excel workbook" in only_error(errors).message


def test_workbook_without_data_rows() -> None:
    assert "contains no data" in only_error(excel.read_rows(xlsx(), COLUMNS)[1]).message
    rows, errors = excel.read_rows(xlsx(["Credit code", "Enterprise name"], [None, None]), COLUMNS)
    assert rows == [] and "no data rows" in only_error(errors).message


def test_too_many_rows() -> None:
    content = xlsx(["Credit code", "Enterprise name"], *[[f"C{i}", "N"] for i in range(4)])
    assert len(excel.read_rows(content, COLUMNS, max_rows=4)[0]) == 4
    rows, errors = excel.read_rows(content, COLUMNS, max_rows=3)
    assert rows == [] and "more than 3 data rows" in only_error(errors).message


def test_reads_from_file_objects_and_paths(tmp_path: Any) -> None:
    content = xlsx(["Credit code", "Enterprise name"], ["C", "N"])
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content)
    assert excel.read_rows(path, COLUMNS)[0][0]["code"] == "C"
    with path.open("rb") as fh:
        fh.read(3)  # a stream that is not at the start
        assert excel.read_rows(fh, COLUMNS)[0][0]["code"] == "C"


def test_parse_bool() -> None:
    for word in ("是", "Yes", " y ", "TRUE", 1, "√", True):
        assert excel.parse_bool(word) is True
    for word in ("否", "no", "", None, 0, "False", False):
        assert excel.parse_bool(word) is False
    for word in ("maybe", 2):
        with pytest.raises(ValueError):
            excel.parse_bool(word)
    assert excel.parse_bool(excel.bool_label(True)) is True
    assert excel.parse_bool(excel.bool_label(False)) is False


def test_import_report_dict_and_workbook() -> None:
    report = ImportReport(columns=COLUMNS, rows=2)
    assert report.ok
    report.add_error(3, "name", "The name is required.")
    report.add_error(2, "code", "Bad check character.", "91510112000000001Y")
    report.add_error(None, "", "Whole file")
    assert not report.ok
    data = report.to_dict()
    assert data["ok"] is False and data["rows"] == 2
    assert [(e["row"], e["column"]) for e in data["errors"]] == [(None, ""), (2, "code"), (3, "name")]
    assert data["errors"][1]["column_label"] == "Credit code"
    assert data["errors"][1]["value"] == "91510112000000001Y"
    values = excel.read_workbook_values(report.as_workbook())
    assert values[0] == ("Row", "Column", "Value", "Problem")
    assert values[2] == (2, "Credit code", "91510112000000001Y", "Bad check character.")
    assert values[3] == (3, "Enterprise name", None, "The name is required.")


def test_template_lists_every_column_with_instructions() -> None:
    content = excel.template_workbook(COLUMNS, "Enterprises", [{"code": "91510112000000001X", "name": "ACME"}])
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["Enterprises", "Instructions"]
    data = wb["Enterprises"]
    assert [c.value for c in data[1]] == ["Credit code *", "Enterprise name *", "Headcount"]
    assert data.max_row == 1  # no example row that could be imported by mistake
    assert data.freeze_panes == "A2"
    assert data["A1"].font.bold
    notes = [tuple(c.value for c in row) for row in wb["Instructions"].iter_rows()]
    assert notes[0] == ("Column", "Required", "Example", "Description")
    assert notes[1] == ("Credit code", "Yes", "X1", None)
    assert notes[2] == ("Enterprise name", "Yes", "ACME", "The name.")
    assert notes[3][:2] == ("Headcount", "No")
    assert ("91510112000000001X", "ACME", None, None) in notes
    # The template reads back as a valid, empty import.
    assert "no data rows" in only_error(excel.read_rows(content, COLUMNS)[1]).message


def test_write_workbook_keeps_formulas_and_control_characters_out() -> None:
    rows = [{"code": "=HYPERLINK(\"http://x\")", "name": "=1+1", "headcount": 5, "region_name": "a\x07b"}]
    content = excel.write_workbook(COLUMNS, rows, "Export: [all]")
    assert content is not None
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    assert ws.title == "Export   all"
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["Credit code", "Enterprise name", "Headcount", "Region name"]
    assert [c.data_type for c in ws[2]][:2] == ["s", "s"]
    assert [c.value for c in ws[2]] == ["=HYPERLINK(\"http://x\")", "=1+1", 5, "ab"]


def test_write_workbook_streams_rows_without_holding_them(tmp_path: Any) -> None:
    count = 4_000

    def rows() -> Iterator[dict[str, Any]]:
        for i in range(count):
            yield {"code": f"C{i:08d}", "name": f"Enterprise {i}", "headcount": i}

    path = tmp_path / "big.xlsx"
    tracemalloc.start()
    try:
        with path.open("wb") as fh:
            assert excel.write_workbook(COLUMNS, rows(), "Big", out=fh) is None
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Holding the 12,000 cells in a normal workbook peaks above 2.5 MB; streaming stays near 0.5 MB
    # however many rows (100,000 rows measured the same way).
    assert peak < 1_500_000, peak
    read, errors = excel.read_rows(path, COLUMNS, max_rows=count)
    assert errors == []
    assert len(read) == count
    assert read[-1].number == count + 1 and read[-1]["code"] == f"C{count - 1:08d}"


# --- streaming ------------------------------------------------------------------------------------------

ENGINES = ["openpyxl", "calamine"]


def mixed_workbook() -> bytes:
    from datetime import date, datetime, time

    return xlsx(
        ["企业名录"],
        ["Credit code", "Enterprise name", "Headcount", "Region name"],
        ["91510112000000001X", " ACME ", 12, "x"],
        [None, None, None, None],
        [510112, "", 2.5, None],
        [" C3 ", "Gamma", date(2020, 3, 1), None],
        ["C4", datetime(2020, 3, 2, 8, 30), time(8, 15), None],
        ["C5", True, -7, None],
        [None, None, None, "only an export-only cell"],
    )


def test_both_engines_read_the_same_rows() -> None:
    content = mixed_workbook()
    (plain, errors), (fast, fast_errors) = (excel.read_rows(content, COLUMNS, engine=e) for e in ENGINES)
    assert errors == fast_errors == []
    assert [(r.number, r.values) for r in plain] == [(r.number, r.values) for r in fast]
    assert [r.number for r in plain] == [3, 5, 6, 7, 8]
    assert plain[1].values == {"code": "510112", "name": None, "headcount": 2.5}
    assert plain[2]["headcount"].isoformat() == "2020-03-01T00:00:00"  # a date cell: a datetime from both


@pytest.mark.parametrize("engine", ENGINES)
def test_a_stream_gives_the_rows_of_read_rows_then_the_file_errors(engine: str) -> None:
    content = mixed_workbook()
    with excel.stream_rows(content, COLUMNS, engine=engine) as stream:
        rows = []
        for row in stream:
            with pytest.raises(RuntimeError):  # not known before the last row has been read
                stream.errors  # noqa: B018
            rows.append(row)
    assert stream.errors == [] and stream.count == 5
    assert rows == excel.read_rows(content, COLUMNS, engine=engine)[0]
    assert list(stream) == []  # one pass


@pytest.mark.parametrize("engine", ENGINES)
def test_a_stream_reports_header_errors_at_once_and_yields_nothing(engine: str) -> None:
    stream = excel.stream_rows(xlsx(["Enterprise name", "Colour"], ["N", "red"]), COLUMNS, engine=engine)
    assert {e.column for e in stream.errors} == {"code", ""}
    assert list(stream) == [] and stream.count == 0
    assert "The file is empty." in only_error(excel.stream_rows(b"", COLUMNS, engine=engine).errors).message


@pytest.mark.parametrize("engine", ENGINES)
def test_a_stream_stops_at_the_first_row_too_many(engine: str) -> None:
    content = xlsx(["Credit code", "Enterprise name"], *[[f"C{i}", "N"] for i in range(6)])
    with excel.stream_rows(content, COLUMNS, max_rows=3, engine=engine) as stream:
        numbers = [row.number for row in stream]
    assert numbers == [2, 3, 4]
    assert "more than 3 data rows" in only_error(stream.errors).message
    with excel.stream_rows(content, COLUMNS, max_rows=6, engine=engine) as stream:
        assert len(list(stream)) == 6
    assert stream.errors == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_stream_finds_no_data_rows_and_lost_digits_at_the_end(engine: str) -> None:
    with excel.stream_rows(xlsx(["Credit code", "Enterprise name"], [None, None]), COLUMNS, engine=engine) as s:
        assert list(s) == []
    assert "no data rows" in only_error(s.errors).message
    content = xlsx(["Credit code", "Enterprise name"], ["C1", "N"], [915101120000000013, "N"], ["C3", "N"])
    with excel.stream_rows(content, COLUMNS, engine=engine) as s:
        assert [r.number for r in s] == [2, 3, 4]  # the rows still come, to be validated
    err = only_error(s.errors)
    assert (err.row, err.column) == (3, "code") and "15 digits" in err.message


def test_a_stream_left_early_has_no_verdict_and_is_closed() -> None:
    content = xlsx(["Credit code", "Enterprise name"], ["C1", "N"], ["C2", "N"])
    with excel.stream_rows(content, COLUMNS) as stream:
        for _row in stream:
            break
    with pytest.raises(RuntimeError):
        stream.errors  # noqa: B018
    assert stream._workbook is None


def test_a_stream_holds_one_row_at_a_time(tmp_path: Any) -> None:
    count = 4_000
    # Numbers and one repeated name, so the workbook has no table of shared strings to load.
    rows = ({"code": 10_000_000 + i, "name": "Enterprise", "headcount": i} for i in range(count))
    path = tmp_path / "big.xlsx"
    with path.open("wb") as fh:
        excel.write_workbook(COLUMNS, rows, "Big", out=fh)

    def peak(read: Any) -> int:
        tracemalloc.start()
        try:
            read()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    def stream() -> None:
        with excel.stream_rows(path, COLUMNS, max_rows=count) as s:
            assert sum(1 for _row in s) == count
        assert s.errors == []

    # What openpyxl needs is the same both ways (about 1.3 MB); the list of 4,000 rows adds 1.4 MB.
    assert peak(stream) < peak(lambda: excel.read_rows(path, COLUMNS, max_rows=count)) - 1_000_000

