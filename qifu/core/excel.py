"""Excel in and out, with no domain knowledge: column specs, reading an uploaded workbook into rows with a
row-by-row error report, templates, and streamed export.

Imports are all or nothing: the domain's import service reads every row (``stream_rows``, one row at a time,
or ``read_rows``, a list), validates every row, and writes only when the ``ImportReport`` has no errors and
the file-level checks, some of which only the last row settles, have passed. Header labels are display strings (translated);
on read a header matches a column by its key, its English label, its label in any configured language, or
one of its aliases, ignoring case, spaces, underscores and the "*" that marks required columns in templates.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

DEFAULT_MAX_ROWS = 20_000
# How many rows from the top of a sheet may precede the header row (a title, a note).
HEADER_SCAN_ROWS = 10
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy .xls format
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_WRAP = Alignment(wrap_text=True, vertical="top")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """One column of an import/export sheet.

    ``label`` is the display header (gettext_lazy, English msgid). ``aliases`` are further headers accepted
    on read, e.g. the Chinese headers offices already use ("统一社会信用代码"); they are data, not display.
    ``importable=False`` marks columns written on export for people to read (a region's name next to its
    code) that are recognised and ignored on import, so an export re-imports cleanly.
    ``text=True`` keeps the column as text: numbers read from it become strings (an account name typed as
    digits), and templates format it as text so Excel does not turn an 18-digit code into 9.15E+17.
    """

    key: str
    label: Any
    aliases: tuple[str, ...] = ()
    required: bool = False
    example: Any = ""
    help_text: Any = ""
    text: bool = False
    importable: bool = True
    width: int = 16


@dataclass(frozen=True)
class Row:
    """One data row: its Excel row number (as Excel shows it) and its values by column key."""

    number: int
    values: dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


@dataclass(frozen=True)
class RowError:
    """A problem found in the file: ``row`` is the Excel row number (None for the whole file) and
    ``column`` the column key ("" when it is about the whole row or file)."""

    row: int | None
    column: str
    message: str
    value: Any = None


@dataclass
class ImportReport:
    """The outcome of an all-or-nothing import: counts when it was written, every row error when not."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    columns: Sequence[Column] = field(default=(), repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, row: int | None, column: str, message: str, value: Any = None) -> None:
        self.errors.append(RowError(row, column, str(message), value))

    def sorted_errors(self) -> list[RowError]:
        order = {c.key: i for i, c in enumerate(self.columns)}
        return sorted(
            self.errors, key=lambda e: (e.row if e.row is not None else -1, order.get(e.column, len(order)))
        )

    def column_label(self, key: str) -> str:
        for c in self.columns:
            if c.key == key:
                return str(c.label)
        return key

    def to_dict(self) -> dict[str, Any]:
        """The report for the API (JSON-serialisable; messages in the active language)."""
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [
                {
                    "row": e.row,
                    "column": e.column,
                    "column_label": self.column_label(e.column) if e.column else "",
                    "value": _json_value(e.value),
                    "message": e.message,
                }
                for e in self.sorted_errors()
            ],
        }

    def as_workbook(self) -> bytes:
        """The errors as an .xlsx the user can work through next to their file."""
        columns = [
            Column("row", gettext_lazy("Row"), width=8),
            Column("column", gettext_lazy("Column"), width=22),
            Column("value", gettext_lazy("Value"), text=True, width=30),
            Column("message", gettext_lazy("Problem"), width=70),
        ]
        rows = (
            {
                "row": e.row,
                "column": self.column_label(e.column) if e.column else "",
                "value": _display(e.value),
                "message": e.message,
            }
            for e in self.sorted_errors()
        )
        return write_workbook(columns, rows, _("Errors")) or b""


class ExcelError(Exception):
    """The file as a whole cannot be read (not a workbook, no data…)."""


# --- reading ------------------------------------------------------------------------------------------


def normalise_header(value: Any) -> str:
    """Headers compare without case, spaces, underscores, hyphens or the required marker "*"."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    return re.sub(r"[\s_\-*]+", "", text)


def accepted_headers(column: Column) -> set[str]:
    """Every normalised header that names ``column``: key, English label, translated labels, aliases."""
    names = {column.key, *column.aliases}
    with translation.override(None):
        names.add(str(column.label))
    names.add(str(column.label))
    for code, _name in getattr(settings, "LANGUAGES", ()):
        with translation.override(code):
            names.add(str(column.label))
    return {normalise_header(n) for n in names if normalise_header(n)}


def header_conflicts(columns: Sequence[Column]) -> list[tuple[str, str, str]]:
    """(header, column key, other column key) for every header two columns accept; should be empty
    (a test per spec, since a translation can create a clash)."""
    owner: dict[str, str] = {}
    clashes = []
    for column in columns:
        for name in sorted(accepted_headers(column)):
            other = owner.setdefault(name, column.key)
            if other != column.key:
                clashes.append((name, column.key, other))
    return clashes


def _header_index(columns: Sequence[Column]) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in columns:
        for name in accepted_headers(column):
            # The first column claiming a name wins, so specs decide ambiguity by their order.
            index.setdefault(name, column)
    return index


def _open_source(file: Any) -> IO[bytes]:
    """A seekable binary stream from bytes, a path, an UploadedFile or any file-like object."""
    if isinstance(file, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(file))
    if isinstance(file, str | Path):
        return io.BytesIO(Path(file).read_bytes())
    stream = getattr(file, "file", file)  # Django's UploadedFile wraps the real stream
    try:
        stream.seek(0)
        return stream
    except (AttributeError, OSError, ValueError):
        return io.BytesIO(file.read())


class _CalamineSheet:
    """One sheet read by calamine, shaped like the openpyxl read-only worksheet ``_read_workbook`` uses."""

    def __init__(self, sheet: Any) -> None:
        self._sheet = sheet

    def reset_dimensions(self) -> None:
        return None

    def iter_rows(self, values_only: bool = True) -> Iterator[tuple[Any, ...]]:
        from python_calamine import CalamineError

        try:
            for row in self._sheet.iter_rows():
                yield tuple(_calamine_value(v) for v in row)
        except CalamineError as exc:  # a damaged sheet: reported like openpyxl's parse errors
            raise ValueError(str(exc)) from exc


def _calamine_value(value: Any) -> Any:
    """Calamine gives "" for empty cells, floats for every number and dates for date cells; openpyxl gives
    None, ints and datetimes (at midnight), which the imports are written against."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if value.__class__ is date:
        return datetime(value.year, value.month, value.day)  # noqa: DTZ001 - a cell's wall-clock value
    return value


class _CalamineWorkbook:
    def __init__(self, stream: IO[bytes]) -> None:
        from python_calamine import CalamineWorkbook

        self._book = book = CalamineWorkbook.from_filelike(stream)
        # Sheets are parsed one by one as the header search reaches them (calamine holds a parsed sheet whole,
        # in compact Rust values; the stream turns one row at a time into Python values).
        self.worksheets = (_CalamineSheet(book.get_sheet_by_index(i)) for i in range(len(book.sheet_names)))

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None


def _load(file: Any, engine: str = "openpyxl") -> Any:
    stream = _open_source(file)
    head = stream.read(8)
    stream.seek(0)
    if not head:
        raise ExcelError(_("The file is empty."))
    if head.startswith(_OLE2_MAGIC):
        raise ExcelError(
            _("This is an old Excel 97-2003 (.xls) file; save it as an Excel workbook (.xlsx) and upload again.")
        )
    if not head.startswith(_ZIP_MAGIC):
        raise ExcelError(_("The file is not an Excel workbook (.xlsx)."))
    if engine == "calamine":
        from python_calamine import CalamineError

        try:
            return _CalamineWorkbook(stream)
        except (CalamineError, OSError, ValueError, TypeError):
            raise ExcelError(_("The file is not an Excel workbook (.xlsx).")) from None
    try:
        return load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise ExcelError(_("The file is not an Excel workbook (.xlsx).")) from None


def _clean_value(value: Any, column: Column) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if column.text and isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)
    return value


def _is_empty(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _find_header(
    buffered: list[tuple[int, tuple[Any, ...]]], index: dict[str, Column]
) -> tuple[int, tuple[Any, ...]] | None:
    """The row among the first few that names the most known columns."""
    best: tuple[int, tuple[Any, ...]] | None = None
    best_hits = 0
    for number, values in buffered:
        hits = len({index[n].key for n in (normalise_header(v) for v in values) if n in index})
        if hits > best_hits:
            best, best_hits = (number, values), hits
    return best


def read_rows(
    file: Any,
    columns: Sequence[Column],
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    allow_unknown: bool = False,
    engine: str = "openpyxl",
) -> tuple[list[Row], list[RowError]]:
    """Read the data rows of the first sheet that has a header row naming ``columns``.

    Returns the rows (values by column key, strings stripped, empty cells None, fully empty rows skipped,
    non-importable columns left out) and the file-level errors: empty or non-Excel file, no header row,
    missing required or unknown or repeated columns, no data rows, more than ``max_rows`` rows.
    When there are errors the rows should not be used.

    ``engine="calamine"`` reads with python-calamine (Rust): about ten times faster than openpyxl's read-only
    mode, for the imports that take sheets of tens of thousands of rows (the equipment ledger). Imports of
    that many rows use ``stream_rows`` instead, which holds one row at a time.
    """
    with stream_rows(file, columns, max_rows=max_rows, allow_unknown=allow_unknown, engine=engine) as stream:
        rows = list(stream)
    if stream.errors:
        return [], stream.errors
    return rows, []


def stream_rows(
    file: Any,
    columns: Sequence[Column],
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    allow_unknown: bool = False,
    engine: str = "openpyxl",
) -> RowStream:
    """The data rows of ``file`` as ``read_rows`` reads them, one at a time: iterate the stream once,
    validating each row as it comes, then look at ``stream.errors``; use it as a context manager so the
    workbook is closed however the loop ends. See ``RowStream``."""
    try:
        workbook = _load(file, engine)
    except ExcelError as exc:
        return RowStream(None, [RowError(None, "", str(exc))])
    try:
        return _open_rows(workbook, columns, max_rows=max_rows, allow_unknown=allow_unknown)
    except _DAMAGED:
        # A damaged workbook can fail while its sheets are parsed, not only when it is opened.
        workbook.close()
        return RowStream(None, [_damaged_error()])


# What openpyxl and calamine raise on a damaged workbook while its sheets are parsed.
_DAMAGED = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, AttributeError)


def _damaged_error() -> RowError:
    return RowError(None, "", _("The file is not an Excel workbook (.xlsx)."))


class RowStream:
    """The data rows of an upload, read one at a time, and the file-level errors.

    Errors about the header (no header row, missing, unknown or repeated columns) are known when the stream
    is opened, and the stream then yields no rows. The others are only known once every row has been read:
    no data rows, more than ``max_rows`` rows (the stream stops at the first row too many), a code Excel
    stored as a number, a sheet damaged half-way. So an import iterates the whole stream, validating each
    row, and writes nothing before the end: ``errors`` raises if read earlier. When ``errors`` is not empty
    the rows read describe no valid file, and the import reports only these errors (as ``read_rows`` does).
    ``count`` is the number of data rows read.
    """

    def __init__(self, workbook: Any, errors: list[RowError], rows: Iterator[Row] | None = None) -> None:
        self._workbook = workbook
        self._errors = errors
        self._rows = rows
        self._finished = rows is None
        self.count = 0

    def __iter__(self) -> Iterator[Row]:
        if self._rows is None:
            return
        rows, self._rows = self._rows, None  # one pass: the rows are not kept
        try:
            for row in rows:
                self.count += 1
                yield row
            self._finished = True
        finally:
            self.close()

    def batches(self, size: int = 1_000) -> Iterator[list[Row]]:
        """The rows in lists of at most ``size`` (the last one possibly empty), for imports that check a batch
        with one query; like iterating, one pass."""
        batch: list[Row] = []
        for row in self:
            batch.append(row)
            if len(batch) == size:
                yield batch
                batch = []
        yield batch

    @property
    def errors(self) -> list[RowError]:
        if not self._finished:
            raise RuntimeError("The file-level errors are known only once every row has been read.")
        return self._errors

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def __enter__(self) -> RowStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _open_rows(workbook: Any, columns: Sequence[Column], *, max_rows: int, allow_unknown: bool) -> RowStream:
    index = _header_index(columns)
    sheet = None
    header: tuple[int, tuple[Any, ...]] | None = None
    rows_iter: Iterator[tuple[Any, ...]] = iter(())
    buffered: list[tuple[int, tuple[Any, ...]]] = []
    for candidate in workbook.worksheets:
        if not hasattr(candidate, "reset_dimensions"):
            continue  # a chart sheet
        # Some producers write a wrong <dimension>; read what is really there.
        candidate.reset_dimensions()
        rows_iter = candidate.iter_rows(values_only=True)
        buffered = []
        for number, values in enumerate(rows_iter, start=1):
            buffered.append((number, tuple(values)))
            if number >= HEADER_SCAN_ROWS:
                break
        header = _find_header(buffered, index)
        if header is not None:
            sheet = candidate
            break
    if sheet is None or header is None:
        workbook.close()
        if all(_is_empty(v) for _n, v in buffered):
            return RowStream(None, [RowError(None, "", _("The workbook contains no data."))])
        expected = ", ".join(str(c.label) for c in columns if c.importable)
        return RowStream(None, [
            RowError(
                None,
                "",
                _("No header row found: the first rows name none of the expected columns (%(columns)s).")
                % {"columns": expected},
            )
        ])

    header_number, header_values = header
    positions, errors = _header_positions(header_number, header_values, columns, index, allow_unknown)
    if errors:
        workbook.close()
        return RowStream(None, errors)
    wanted = {p: c for p, c in positions.items() if c.importable}

    first_unread = len(buffered) + 1

    def data_rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
        for number, values in buffered:
            if number > header_number:
                yield number, values
        buffered.clear()
        for number, values in enumerate(rows_iter, start=first_unread):
            yield number, tuple(values)

    file_errors: list[RowError] = []
    return RowStream(workbook, file_errors, _rows(data_rows(), wanted, max_rows, file_errors))


def _header_positions(
    header_number: int,
    header_values: tuple[Any, ...],
    columns: Sequence[Column],
    index: dict[str, Column],
    allow_unknown: bool,
) -> tuple[dict[int, Column], list[RowError]]:
    """The column at each position of the header row, and the errors about the header."""
    errors: list[RowError] = []
    positions: dict[int, Column] = {}
    seen: dict[str, int] = {}
    for position, raw in enumerate(header_values):
        name = normalise_header(raw)
        if not name:
            continue
        column = index.get(name)
        letter = get_column_letter(position + 1)
        if column is None:
            if not allow_unknown:
                errors.append(
                    RowError(
                        header_number,
                        "",
                        _("Unknown column “%(header)s” (column %(letter)s); rename it or remove it.")
                        % {"header": str(raw).strip(), "letter": letter},
                        raw,
                    )
                )
            continue
        if column.key in seen:
            errors.append(
                RowError(
                    header_number,
                    column.key,
                    _("The column “%(label)s” appears twice (columns %(first)s and %(second)s).")
                    % {"label": column.label, "first": get_column_letter(seen[column.key] + 1), "second": letter},
                    raw,
                )
            )
            continue
        seen[column.key] = position
        positions[position] = column
    for column in columns:
        if column.required and column.importable and column.key not in seen:
            errors.append(
                RowError(
                    header_number,
                    column.key,
                    _("The required column “%(label)s” is missing.") % {"label": column.label},
                )
            )
    return positions, errors


def _rows(
    data: Iterator[tuple[int, tuple[Any, ...]]], wanted: dict[int, Column], max_rows: int, errors: list[RowError]
) -> Iterator[Row]:
    """The data rows as ``Row``s; the file-level errors found on the way go into ``errors``."""
    count = 0
    cell_errors: list[RowError] = []
    try:
        for number, values in data:
            if _is_empty(values):
                continue
            if count >= max_rows:
                errors.append(
                    RowError(
                        None,
                        "",
                        _("The file has more than %(max)d data rows; split it into smaller files.")
                        % {"max": max_rows},
                    )
                )
                return
            record = {c.key: None for c in wanted.values()}
            for position, column in wanted.items():
                if position < len(values):
                    value = values[position]
                    if column.text and _lost_digits(value):
                        cell_errors.append(
                            RowError(
                                number,
                                column.key,
                                _(
                                    "This code was stored as a number and Excel kept only its first 15 digits; "
                                    "format the column as text and type the code again."
                                ),
                                value,
                            )
                        )
                    record[column.key] = _clean_value(value, column)
            if all(v is None for v in record.values()):
                continue  # only ignored columns are filled in
            count += 1
            yield Row(number, record)
    except _DAMAGED:
        errors.append(_damaged_error())
        return
    if cell_errors:
        errors.extend(cell_errors)
    elif not count:
        errors.append(RowError(None, "", _("The workbook has a header row but no data rows.")))


def _lost_digits(value: Any) -> bool:
    """A number too long for Excel's 15 significant digits (an 18-character credit code typed as digits)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 10**15


# Yes/no as offices type them (data accepted on read, like header aliases); the translated "Yes"/"No"
# that exports write are accepted too, so an export re-imports in any language.
_TRUE_WORDS = {"1", "true", "yes", "y", "t", "是", "√", "✓", "✔", "x", "有"}
_FALSE_WORDS = {"0", "false", "no", "n", "f", "否", "×", "✗", "✘", "-", "无", "不是"}


def parse_bool(value: Any) -> bool:
    """A yes/no cell: empty is no; an unrecognised word raises ValueError (never silently "no")."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise ValueError(value)
    word = normalise_header(value)
    if not word:
        return False
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    for code, _name in getattr(settings, "LANGUAGES", ()):
        with translation.override(code):
            if word == normalise_header(_("Yes")):
                return True
            if word == normalise_header(_("No")):
                return False
    raise ValueError(value)


def bool_label(value: bool) -> str:
    """How exports and templates write a yes/no cell."""
    return _("Yes") if value else _("No")


# --- writing ------------------------------------------------------------------------------------------


def _display(value: Any) -> Any:
    """A value for a cell or JSON: lazy strings resolved, decimals and dates kept, others as text."""
    if value is None or isinstance(value, bool | int | float | Decimal | datetime | date | time):
        return value
    return str(value)


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _cell_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Excel has no time zones: write the wall-clock time people expect (Asia/Shanghai).
        value = timezone.localtime(value).replace(tzinfo=None)
    value = _display(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _safe_sheet_title(title: Any) -> str:
    cleaned = _SHEET_TITLE_BAD.sub(" ", str(title)).strip().strip("'")
    return (cleaned or "Sheet")[:31]


def _text_cell(sheet: Any, value: str, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    # A user-typed value starting with "=" must stay text, never become a formula.
    cell.data_type = "s"
    for name, val in style.items():
        setattr(cell, name, val)
    return cell


def _header_cells(sheet: Any, columns: Sequence[Column], *, mark_required: bool) -> list[WriteOnlyCell]:
    cells = []
    for column in columns:
        label = str(column.label) + (" *" if mark_required and column.required else "")
        font = _REQUIRED_FONT if mark_required and column.required else _HEADER_FONT
        cells.append(_text_cell(sheet, label, font=font, fill=_HEADER_FILL, alignment=_WRAP))
    return cells


def _row_cells(sheet: Any, columns: Sequence[Column], record: Mapping[str, Any]) -> list[Any]:
    out: list[Any] = []
    for column in columns:
        value = _cell_value(record.get(column.key))
        out.append(_text_cell(sheet, value) if isinstance(value, str) and value.startswith("=") else value)
    return out


def _setup_columns(sheet: Any, columns: Sequence[Column]) -> None:
    for position, column in enumerate(columns, start=1):
        dim = sheet.column_dimensions[get_column_letter(position)]
        dim.width = column.width
        if column.text:
            dim.number_format = "@"


def write_workbook(
    columns: Sequence[Column],
    rows: Iterable[Mapping[str, Any]],
    sheet_title: Any,
    *,
    out: IO[bytes] | None = None,
) -> bytes | None:
    """Stream ``rows`` (mappings by column key) into an .xlsx with one styled, frozen header row.

    Uses openpyxl's write-only mode, so memory stays flat however many rows there are. Returns the bytes,
    or writes to ``out`` (a file-like object, e.g. a temporary file or an HttpResponse) and returns None.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_safe_sheet_title(sheet_title))
    _setup_columns(sheet, columns)
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, columns, mark_required=False))
    for record in rows:
        sheet.append(_row_cells(sheet, columns, record))
    return _save(workbook, out)


def _save(workbook: Workbook, out: IO[bytes] | None) -> bytes | None:
    if out is not None:
        workbook.save(out)
        return None
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_workbook(
    columns: Sequence[Column],
    sheet_title: Any,
    example_rows: Iterable[Mapping[str, Any]] | None = None,
) -> bytes:
    """An import template: the data sheet with the importable columns' headers (required ones marked "*",
    styled, frozen) and a second sheet "Instructions" listing each column, whether it is required, an
    example and its help, followed by example rows laid out like the data sheet.

    The examples live on the instructions sheet on purpose: an example row left on the data sheet would be
    imported as a real enterprise.
    """
    importable = [c for c in columns if c.importable]
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet(_safe_sheet_title(sheet_title))
    _setup_columns(data, importable)
    data.freeze_panes = "A2"
    data.append(_header_cells(data, importable, mark_required=True))

    notes = workbook.create_sheet(_safe_sheet_title(_("Instructions")))
    note_columns = [
        Column("label", gettext_lazy("Column"), width=24),
        Column("required", gettext_lazy("Required"), width=10),
        Column("example", gettext_lazy("Example"), text=True, width=28),
        Column("help", gettext_lazy("Description"), width=80),
    ]
    _setup_columns(notes, note_columns)
    notes.freeze_panes = "A2"
    notes.append(_header_cells(notes, note_columns, mark_required=False))
    yes, no = _("Yes"), _("No")
    for column in importable:
        notes.append(
            [
                _text_cell(notes, str(column.label), font=_REQUIRED_FONT if column.required else _HEADER_FONT),
                yes if column.required else no,
                _text_cell(notes, str(_display(column.example) or "")),
                _text_cell(notes, str(column.help_text or ""), alignment=_WRAP),
            ]
        )
    notes.append([])
    notes.append([_text_cell(notes, _("Columns marked * are required. Fill in the first sheet from row 2."))])
    notes.append([_text_cell(notes, _("Example rows (do not copy them into the first sheet unchanged):"))])
    notes.append(_header_cells(notes, importable, mark_required=True))
    examples = list(example_rows) if example_rows is not None else [{c.key: c.example for c in importable}]
    for record in examples:
        notes.append(_row_cells(notes, importable, record))
    return _save(workbook, None) or b""


def read_workbook_values(content: bytes, sheet: int | str = 0) -> list[tuple[Any, ...]]:
    """All cell values of one sheet (for tests and small previews)."""
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        ws = workbook.worksheets[sheet] if isinstance(sheet, int) else workbook[sheet]
        ws.reset_dimensions()
        return [tuple(r) for r in ws.iter_rows(values_only=True)]
    finally:
        workbook.close()
