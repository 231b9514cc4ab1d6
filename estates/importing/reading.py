"""Reading an office spreadsheet (XLSX or CSV) into header-labelled rows.

Office files are untidy: a title row merged across the top, headers merged over
two rows, full-width digits and spaces typed with a Chinese input method, blank
rows between blocks, CSV saved by Excel as GBK or as UTF-8 with a byte-order
mark. This module turns any of those into plain rows of text, and refuses
(whole, with a reason) what it cannot read safely: a file too large, too many
rows, or not what its name says.

Memory stays bounded: openpyxl reads XLSX in ``read_only`` mode, row by row
(https://openpyxl.readthedocs.io/en/stable/optimized.html), and a zip whose
parts would unpack beyond a limit is refused before it is opened.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import decimal
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
# A web request imports at most this many rows: gunicorn gives a request 30 s
# (deploy/gunicorn.conf.py), and applying 20,000 compounds took 15 s on
# PostgreSQL on a busy 2-core machine (preview 2.3-3.0 s; bench/import_bench.py,
# BENCHMARKS.md), so 15,000 rows take about 11 s: well inside the 30 s on a
# slower day. The office's whole register goes through
# ``manage.py import_spreadsheet``, which has no limit.
MAX_ROWS = 15_000
# An XLSX is a zip; this caps what its parts may unpack to (a "zip bomb").
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Headers are looked for in the first rows only (a title row or two above them).
HEADER_SCAN_ROWS = 10
OOXML_PARTS = {"[Content_Types].xml", "xl/workbook.xml"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportFileError(Exception):
    """The whole file is refused; ``str(error)`` says why, in the user's language."""


def normalize_text(value: str) -> str:
    """Full-width digits, letters and spaces → half-width; each line trimmed,
    runs of spaces made one; blank lines dropped, the line breaks of a cell
    kept as "\n" (a column of one value per line, the aliases, needs them;
    the others read them as spaces: see ``parsing``).

    NFKC folds "１２０" to "120" and the ideographic space U+3000 to a plain
    space, and leaves Chinese characters alone.
    https://unicode.org/reports/tr15/#Norm_Forms
    """
    text = unicodedata.normalize("NFKC", value)
    if not _UNTIDY.search(text) and text[:1] != " " and text[-1:] != " ":
        return text  # most cells: nothing to trim or fold
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


# Whitespace other than a single space: what normalize_text has to tidy (every
# character that ends a line is whitespace too).
_UNTIDY = re.compile(r"[^\S ]| {2}")


def cell_text(value: object) -> str:
    """A cell of any type as normalised text ("" for empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, decimal.Decimal | int):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return normalize_text(str(value))


def header_key(text: str) -> str:
    """A header reduced for matching: "改造面积（㎡）*" → "改造面积"."""
    text = _BRACKETED.sub("", normalize_text(text).lower())
    return _HEADER_MARKS.sub("", text)


_BRACKETED = re.compile(r"\(.*?\)|\[.*?\]")
_HEADER_MARKS = re.compile(r"[\s*:_\-/]")


@dataclass
class Table:
    """The labelled columns and the data rows, each with its spreadsheet row
    number. ``rows`` is read as it is used (a generator), so a large file is
    never held as Python objects at once."""

    columns: list[str | None]  # the field each column fills, None if unknown
    rows: Iterator[tuple[int, list[str]]]


def _sniff_xlsx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ImportFileError(_("The file is damaged: it cannot be opened.")) from error
    with archive:
        names = set(archive.namelist())
        if not names >= OOXML_PARTS:
            raise ImportFileError(
                _("This is not an Excel workbook (.xlsx). Save it as .xlsx or CSV.")
            )
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise ImportFileError(_("The workbook is too large once unpacked."))


def _xlsx_rows(data: bytes) -> Iterable[Sequence[object]]:
    from openpyxl import load_workbook

    _sniff_xlsx(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken file
        raise ImportFileError(_("The file is damaged: it cannot be opened.")) from error
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def csv_encoding(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else GB18030 (a superset of
    GBK and GB2312, what Excel on a Chinese Windows saves).

    Tried piece by piece, so that a large file is not copied as text whole."""
    piece = 1024 * 1024
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), piece):
                decoder.decode(data[start : start + piece])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportFileError(
        _("The text encoding of this CSV file is not recognised. Save it as UTF-8.")
    )


def decode_csv(data: bytes) -> str:
    return data.decode(csv_encoding(data))


def _csv_rows(data: bytes) -> Iterable[Sequence[object]]:
    if b"\x00" in data[:4096]:
        raise ImportFileError(
            _("This is not a CSV text file. Upload an .xlsx workbook or a CSV file.")
        )
    encoding = csv_encoding(data)
    start = data[:4096].decode(encoding, errors="ignore")
    try:
        dialect = csv.Sniffer().sniff(start, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    try:
        yield from csv.reader(stream, dialect)
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from error


def raw_rows(
    data: bytes, filename: str, *, max_bytes: int | None = MAX_BYTES
) -> Iterable[Sequence[object]]:
    """The file's rows as read, after checking what the file really is."""
    if max_bytes is not None and len(data) > max_bytes:
        raise ImportFileError(
            _("The file is larger than %(size)d MB.") % {"size": max_bytes // 2**20}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    name = filename.lower()
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data)
    if data.startswith(OLE_MAGIC) or name.endswith((".xls", ".xlsx", ".xlsm")):
        raise ImportFileError(
            _(
                "This is not an .xlsx workbook (perhaps an old .xls). Open it in "
                "Excel or WPS and save it as .xlsx or CSV."
            )
        )
    return _csv_rows(data)


def read_table(
    data: bytes,
    filename: str,
    aliases: dict[str, str],
    required: dict[str, str],
    *,
    max_rows: int | None = MAX_ROWS,
    max_bytes: int | None = MAX_BYTES,
) -> Table:
    """Read the file and label its columns; the rows follow as they are used.

    A file with more than ``max_rows`` data rows (None: no limit) is refused
    when the row past the limit is reached.

    ``aliases`` maps a :func:`header_key` to the field it names; ``required``
    maps the fields that must have a column to their header. The header row
    is the one of the first rows that names the most known columns; a column
    whose header cell is empty there takes its name from the row above or below
    (headers merged over two rows, or grouped under a merged title), and the
    data starts after the lowest header row used.
    """
    rows = iter(raw_rows(data, filename, max_bytes=max_bytes))
    head: list[list[str]] = []
    for row in rows:
        head.append([cell_text(value) for value in row])
        if len(head) == HEADER_SCAN_ROWS:
            break

    def known(cells: list[str]) -> list[str | None]:
        return [aliases.get(header_key(cell)) if cell else None for cell in cells]

    labelled = [known(cells) for cells in head]
    scores = [sum(1 for field in fields if field) for fields in labelled]
    if not scores or max(scores) == 0:
        raise ImportFileError(
            _("No known column headers were found. Use the template.")
        )
    at = scores.index(max(scores))
    width = max(len(cells) for cells in head)
    columns: list[str | None] = [None] * width
    data_start = at + 1
    for c in range(width):
        for r in (at, at - 1, at + 1):
            if 0 <= r < len(labelled) and c < len(labelled[r]) and labelled[r][c]:
                columns[c] = labelled[r][c]
                if r == at + 1:
                    data_start = at + 2
                break
    missing = [str(label) for field, label in required.items() if field not in columns]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s. Use the template.")
            % {"columns": ", ".join(missing)}
        )

    return Table(columns=columns, rows=_body(head, data_start, rows, max_rows))


def _body(
    head: list[list[str]],
    data_start: int,
    rows: Iterator[Sequence[object]],
    max_rows: int | None,
) -> Iterator[tuple[int, list[str]]]:
    """The data rows after the header, blank rows (and rows of spaces) skipped."""
    count = 0

    def numbered() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(head, start=1):
            if number > data_start:
                yield number, cells
        for number, row in enumerate(rows, start=len(head) + 1):
            yield number, [cell_text(value) for value in row]

    for number, cells in numbered():
        if not any(cells):
            continue
        count += 1
        if max_rows is not None and count > max_rows:
            raise ImportFileError(
                _("The file has more than %(count)d rows. Split it into parts.")
                % {"count": max_rows}
            )
        yield number, cells
