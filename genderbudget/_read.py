"""Reading an agency's files: CSV, Excel, Parquet and DuckDB queries, with what was detected.

Controllers start from the files their systems export. :func:`read_table` reads such a file
into a frame and reports what it detected and converted (:class:`ReadReport`), so the
reading is part of the provenance of a result.

The rules of reading
--------------------
- **Encoding** (CSV): a byte order mark means UTF-8 with BOM; else UTF-8 if the bytes are
  valid UTF-8; else Windows-1252 (cp1252), the encoding of a Swedish Excel's "CSV
  (semikolonavgränsad)". A given ``encoding=`` that does not fit the bytes is an error
  naming the line and the byte, never a silent misreading (å read as ``Ã¥``).
- **Delimiter** (CSV): the one of ``;``, ``,``, TAB and ``|`` that splits each of the first
  lines (quotes respected) into the same number of fields, at least two. None or two such
  candidates is an error asking for ``sep=``.
- **Numbers**: a text column becomes numeric only when every non-blank value is a number in
  one format: an optional sign (``-``, ``+`` or the minus sign U+2212), digits, optionally
  grouped in threes by a thousands separator (space, no-break space U+00A0, narrow no-break
  space U+202F, ``.`` or ``,``), and optionally a decimal part after ``,`` or ``.``. The
  format is detected per column from all its values. When two formats fit every value and
  give different numbers (``1.234`` is 1.234 with a decimal point and 1234 with ``.``
  between thousands) the column is an error with examples; ``decimal=`` or ``thousands=``
  settles it. Values with a leading zero (``0180``) or more than 15 digits are codes, not
  numbers: such a column stays text. A column where most values are numbers but some are
  not stays text, and the report says which values (the analysis then names the rows).
- **Blanks**: empty and whitespace-only cells are missing values, counted per column; rows
  and unnamed columns with nothing in them are skipped and counted.
- **Text is left as text**: ``Ja``/``Nej``, ``Kvinna``/``Man`` and the like are coded by the
  analysis (:mod:`genderbudget._yes_no`, :mod:`genderbudget._sex`), not here.
- **Excel**: numbers stay numbers and dates stay dates; a text cell holding a number in a
  Swedish format is converted as in a CSV file. The header is the first row, among the
  first 30 rows of the sheet, whose filled cells are all text and that has the most filled
  cells of those rows (at least two when the table has two columns or more); rows above it
  (titles, empty rows) are left out. ``header_row=`` gives it instead.
- **Parquet and DuckDB** files carry their own types, so nothing is converted.

Every message names the file by its name only, never its folder, and quotes values through
:func:`genderbudget._options.quoted`, which masks personal identity numbers.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime
import difflib
import hashlib
import importlib
import io
import numbers
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from genderbudget._options import check_choice, counted, listed_counts, masked, quoted
from genderbudget._texts import Lang, language

__all__ = [
    "MissingFileError",
    "ReadError",
    "ReadReport",
    "Reading",
    "read_table",
]

Output = Literal["pandas", "polars", "duckdb"]
OUTPUTS: tuple[str, ...] = ("pandas", "polars", "duckdb")
Kind = Literal["csv", "excel", "parquet", "duckdb"]

EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".parquet": "parquet",
    ".duckdb": "duckdb",
}
SUPPORTED = (
    ".csv, .txt, .tsv (text with delimiters), .xlsx, .xlsm (Excel), .parquet (Parquet), "
    ".duckdb (a DuckDB database, with query=)"
)
DELIMITERS: tuple[str, ...] = (";", ",", "\t", "|")
DECIMALS: tuple[str, ...] = (",", ".")
SPACES = " \u00a0\u202f"
THOUSANDS: tuple[str, ...] = (" ", "\u00a0", "\u202f", ".", ",", "")
MINUS = "\u2212"
# The lines the delimiter is detected on, and the rows the Excel header is looked for in.
SNIFFED_LINES = 50
HEADER_SEARCH_ROWS = 30
# Digits beyond which a whole number is a code (a float holds 15 significant digits exactly).
MAX_DIGITS = 15
# How many example values a message shows.
EXAMPLES = 3

# --- messages ------------------------------------------------------------------------------

NO_SOURCE = "read_table needs a file (source=) or a DuckDB query over files (query=), got neither."
FILE_NOT_FOUND = (
    "File {name!r} was not found.{hint} Check the file name and its folder (a name without a "
    "folder is looked for in the current working folder)."
)
NOT_A_FILE = "{name!r} is a folder, not a file. Give the path of a file in it."
UNKNOWN_EXTENSION = (
    "File {name!r} has the extension {extension!r}, which read_table cannot read. "
    "Supported: {supported}. Save the data in one of these formats, e.g. as CSV or .xlsx."
)
OLD_EXCEL = (
    "File {name!r} is in the old Excel format (.xls), which read_table cannot read. Open it "
    "in Excel and save it as an Excel workbook (.xlsx), then read that file."
)
EMPTY_FILE = "File {name!r} is empty: it has no header and no rows. Check that the export worked."
NO_ROWS = (
    "File {name!r} has a header ({columns}) but no rows of data. Check that the export "
    "selected any rows{header_hint}."
)
BLANK_NAMES = (
    "File {name!r}: the header (row {row}) has no name for {positions}, which {verb} data. "
    "Every column needs a name: write one in the file's header{header_hint}."
)
DUPLICATE_NAMES = (
    "File {name!r}: the header (row {row}) names {duplicates}. Each column needs its own "
    "name: rename the columns in the file, e.g. {example}."
)
BAD_ENCODING = (
    "File {name!r} cannot be read as {encoding}: byte {byte} at line {line}, position "
    "{position}, is not valid there. {advice}"
)
UTF8_ADVICE = (
    "A Swedish Excel saves CSV in Windows-1252: try encoding='cp1252', or leave encoding out "
    "to detect it."
)
OTHER_ADVICE = "Give the file's encoding with encoding=, or leave encoding out to detect it."
NEITHER_ENCODING = (
    "File {name!r} is neither UTF-8 nor Windows-1252: byte {byte} at line {line}, position "
    "{position}, is not valid in either. Give its encoding with encoding=, e.g. "
    "encoding='latin-1' or encoding='utf-16'."
)
MISREAD_UTF8 = (
    "File {name!r} is UTF-8 (line {line} holds {example!r} as UTF-8), but encoding={encoding!r} "
    "would read it as {misread!r}. Leave encoding out, or give encoding='utf-8'."
)
UNKNOWN_ENCODING = (
    "encoding={value!r} is not an encoding Python knows. Use e.g. 'utf-8', 'utf-8-sig' or "
    "'cp1252' (Windows-1252), or leave encoding out to detect it."
)
NO_DELIMITER = (
    "File {name!r}: the delimiter could not be detected. In its first {lines} lines none of "
    "';', ',', TAB and '|' splits every line into the same number of fields (at least two). "
    "Give it with sep=, e.g. sep=';', or check the lines above the header (header_row=)."
)
TWO_DELIMITERS = (
    "File {name!r}: the delimiter could not be detected: both {first!r} and {second!r} split "
    "each of the first {lines} lines into {fields} fields. Give the one meant with "
    "sep={first!r} or sep={second!r}."
)
BAD_SEP = "sep must be a single character such as ';', ',', '\\t' or '|', got {value!r}."
FIELDS_PER_LINE = (
    "File {name!r}: line {line} has {found} fields where the header has {expected} (the "
    "delimiter is {sep!r}). A value holding the delimiter must be in double quotes; check "
    "that line, or give sep= if the delimiter is another."
)
UNREADABLE_TEXT = "File {name!r} could not be read as delimited text: {problem}."
SAME_SEPARATORS = (
    "decimal={decimal!r} and thousands={thousands!r} are the same character; a number "
    "cannot use one character for both."
)
AMBIGUOUS = (
    "Column {column!r} of file {name!r} can be read as numbers in two ways that give "
    "different numbers: {examples}. Say which with {option_a} (reading {read_a}) or "
    "{option_b} (reading {read_b})."
)
SHEET_NOT_FOUND = (
    "File {name!r} has no sheet {sheet!r}. Its sheets: {sheets}. Give sheet= one of these "
    "names, or its number counted from 0."
)
BAD_SHEET = "sheet must be a sheet's name (str) or its number counted from 0 (int), got {value!r}."
BAD_HEADER_ROW = (
    "header_row must be the header's row number as Excel shows it (1 for the first row), "
    "got {value!r}."
)
HEADER_ROW_BEYOND = "File {name!r}{where} has {rows}, so header_row={row} is past its end."
NO_HEADER = (
    "File {name!r}, sheet {sheet!r}: no header row found in the first {rows} rows (a row of "
    "column names: every filled cell text, and the most filled cells). Give the header's row "
    "number as Excel shows it with header_row=, e.g. header_row=3."
)
NOT_FOR_KIND = (
    "{options} {verb} not used for {kind} files such as {name!r}; leave {pronoun} out. ({usage})"
)
USAGE = (
    "sep=, encoding= are for CSV; sheet= for Excel; header_row=, decimal=, thousands= for "
    "CSV and Excel; query= for DuckDB."
)
QUERY_NEEDED = (
    "File {name!r} is a DuckDB database: say what to read with query=, e.g. "
    "query='select * from my_table'. Its tables: {tables}."
)
QUERY_WITH_FILE = (
    "query= runs in DuckDB over a database file (.duckdb) or, with no file given, over the "
    "files the query names; {name!r} is a {kind} file. Leave query= out, or name the file "
    "in the query and leave the file out: query=\"select * from '{name}'\"."
)
QUERY_FAILED = "The DuckDB query could not be run: {problem}"
CODES = (
    "values with a leading zero or more than 15 digits, such as {example}, are codes, not "
    "numbers; kept as text"
)
MOSTLY_NUMBERS = "{count} of {total} values are not numbers: {values}; kept as text"
BAD_QUERY = "query must be an SQL text such as \"select * from 'data.parquet'\", got {value!r}."
NOT_A_SELECT = "it returns no table; give a query that does, such as a select."
MISSING_PACKAGE = (
    "Reading {what} needs the Python package {package}, which is not installed. Install it "
    "with: pip install {package} (or pip install 'genderbudget[files]' for every file "
    "format)."
)


class ReadError(ValueError):
    """A file that cannot be read as a table; the message says why and what to do."""


class MissingFileError(FileNotFoundError, ValueError):
    """A file that does not exist (both a ``FileNotFoundError`` and a ``ValueError``)."""


# --- the report ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ReadReport:
    r"""What :func:`read_table` read, detected and converted.

    Attributes
    ----------
    source : str
        The file's name, never its folder; for a query over files, the names of the files it
        reads (``", "``-joined), or ``"query"`` when it names none.
    kind : {"csv", "excel", "parquet", "duckdb"}
        How the file was read.
    encoding : str or None
        CSV: ``"utf-8-sig"`` (UTF-8 with a byte order mark), ``"utf-8"``, ``"cp1252"`` or
        the encoding given.
    sep : str or None
        CSV: the delimiter.
    decimal : str or None
        The decimal separator of the columns converted from text, when they agree; None when
        no value had one (or, rarely, when columns differ: see ``converted``).
    thousands : str or None
        The thousands separators seen in the converted columns (each character once, e.g.
        ``" \u00a0"`` for space and no-break space); None when none was seen.
    sheet : str or None
        Excel: the sheet's name.
    header_row : int or None
        CSV and Excel: the header's row number, 1-based as Excel shows it (for CSV, the line).
    rows : int
        Rows of data read (empty rows not counted).
    columns : tuple of str
        The columns' names, in order.
    converted : mapping of str to str
        Column -> what was converted, e.g. ``"text with decimal comma -> number"``.
    blanks : mapping of str to int
        Column -> blank or whitespace-only cells read as missing (columns with none left out).
    kept_as_text : mapping of str to str
        Column -> why a column whose values look mostly like numbers stayed text.
    skipped_rows : int
        Empty rows left out (all cells blank), within the table.
    skipped_columns : int
        Columns without a name and without any value, left out.
    fingerprint : str
        SHA-256 (hex) of the file's bytes; for a query, of the query text and the bytes of
        the database or of each file the query names that exists.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_bytes("kön,belopp\nK,12.5\n".encode("cp1252"))
    >>> report = read_table(folder / "a.csv").report
    >>> report.encoding, report.sep, report.decimal, report.rows, report.columns
    ('cp1252', ',', '.', 1, ('kön', 'belopp'))
    """

    source: str
    kind: Kind
    encoding: str | None
    sep: str | None
    decimal: str | None
    thousands: str | None
    sheet: str | None
    header_row: int | None
    rows: int
    columns: tuple[str, ...]
    converted: Mapping[str, str]
    blanks: Mapping[str, int]
    kept_as_text: Mapping[str, str]
    skipped_rows: int
    skipped_columns: int
    fingerprint: str

    def as_dict(self) -> dict[str, object]:
        r"""Return the report as a JSON-able dict with sorted keys, for provenance.

        Examples
        --------
        >>> import json, tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "a.csv").write_text("kon;kostnad\nK;1,5\nM;2\n", encoding="utf-8")
        >>> report = read_table(folder / "a.csv").report
        >>> json.loads(json.dumps(report.as_dict()))["converted"]
        {'kostnad': 'text with decimal comma -> number'}
        """
        out: dict[str, object] = {}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Mapping):
                value = dict(sorted(value.items()))
            elif isinstance(value, tuple):
                value = list(value)
            out[item.name] = value
        return dict(sorted(out.items()))

    def text(self, lang: Lang = "sv") -> str:
        r"""Say in a short paragraph what was read, detected and converted.

        Parameters
        ----------
        lang : {"sv", "en"}, default "sv"

        Examples
        --------
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "a.csv").write_text("kon;kostnad\nK;1,5\nM;\n", encoding="utf-8")
        >>> print(read_table(folder / "a.csv").report.text("en"))
        Read a.csv (CSV file): 2 rows and 2 columns. Read with encoding UTF-8, delimiter ';',
        decimal separator ',', header on row 1. Converted from text to numbers: kostnad. Blank
        cells read as missing: kostnad (1).
        """
        words = language(lang)["read"]
        sentences = [
            words["summary"].format(
                source=self.source,
                kind=words["kinds"][self.kind],
                rows=_integer(self.rows, lang),
                columns=_integer(len(self.columns), lang),
            )
        ]
        settings = self._settings(words)
        if settings:
            sentences.append(words["settings"].format(items=", ".join(settings)))
        if self.converted:
            sentences.append(words["converted"].format(columns=", ".join(self.converted)))
        if self.blanks:
            listed = ", ".join(f"{c} ({_integer(n, lang)})" for c, n in self.blanks.items())
            sentences.append(words["blanks"].format(columns=listed))
        if self.kept_as_text:
            sentences.append(words["kept_as_text"].format(columns=", ".join(self.kept_as_text)))
        if self.skipped_rows:
            sentences.append(words["skipped_rows"].format(count=_integer(self.skipped_rows, lang)))
        if self.skipped_columns:
            count = _integer(self.skipped_columns, lang)
            sentences.append(words["skipped_columns"].format(count=count))
        return " ".join(sentences)

    def _settings(self, words: Mapping[str, Any]) -> list[str]:
        """Word the detected or given settings, (``encoding UTF-8``, ...)."""
        items = []
        if self.encoding is not None:
            encoding = {"utf-8-sig": words["utf_8_sig"], "utf-8": "UTF-8", "cp1252": "Windows-1252"}
            items.append(words["encoding"].format(value=encoding.get(self.encoding, self.encoding)))
        if self.sep is not None:
            items.append(words["sep"].format(value=_character(self.sep, words)))
        if self.sheet is not None:
            items.append(words["sheet"].format(value=repr(self.sheet)))
        if self.decimal is not None:
            items.append(words["decimal"].format(value=_character(self.decimal, words)))
        if self.thousands:
            value = words["and"].join(_character(c, words) for c in self.thousands)
            items.append(words["thousands"].format(value=value))
        if self.header_row is not None:
            items.append(words["header_row"].format(value=self.header_row))
        return items

    def __str__(self) -> str:
        return self.text("sv")


@dataclasses.dataclass(frozen=True, eq=False)
class Reading:
    r"""A table read from a file: the data and the report of how it was read.

    Unpacks as ``frame, report = gb.read_table(...)``. Two readings compare by identity
    (frames have no single truth value); compare their frames and reports instead.

    Attributes
    ----------
    frame : pandas.DataFrame, polars.DataFrame or duckdb.DuckDBPyRelation
        The data, in the engine asked for with ``output=``.
    report : ReadReport
        What was read, detected and converted.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text("kon;n\nK;1\n", encoding="utf-8")
    >>> frame, report = read_table(folder / "a.csv")
    >>> frame["n"].tolist(), report.kind
    ([1], 'csv')
    """

    frame: Any
    report: ReadReport

    def __iter__(self) -> Any:
        return iter((self.frame, self.report))


def _integer(value: int, lang: Lang) -> str:
    """Write a count with the language's thousands separator."""
    return f"{value:,}".replace(",", language(lang)["numbers"]["thousands"])


def _character(char: str, words: Mapping[str, Any]) -> str:
    """Show a separator as a reader sees it: quoted, or named when it is invisible."""
    names = {" ": "space", "\u00a0": "nbsp", "\u202f": "nnbsp", "\t": "tab"}
    return words["chars"][names[char]] if char in names else repr(char)


# --- the public function -------------------------------------------------------------------


def read_table(
    source: str | os.PathLike[str] | None = None,
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    encoding: str | None = None,
    query: str | None = None,
    output: Output = "pandas",
) -> Reading:
    r"""Read an agency's file (CSV, Excel, Parquet, DuckDB) into a frame, and say how.

    Parameters
    ----------
    source : str or path-like, optional
        The file: ``.csv``, ``.txt``, ``.tsv``, ``.xlsx``, ``.xlsm``, ``.parquet`` or
        ``.duckdb`` (the latter with ``query=``). Leave it out to run ``query=`` over the
        files the query names.
    sheet : str or int, optional
        Excel: the sheet's name, or its number counted from 0; default the first sheet.
    header_row : int, optional
        CSV and Excel: the header's row number as Excel shows it (1 for the first row);
        default the first line of a CSV file, and detected in Excel (see the module notes).
    sep : str, optional
        CSV: the delimiter; default detected among ``;``, ``,``, TAB and ``|``.
    decimal : {",", "."}, optional
        The decimal separator of numbers written as text; default detected per column. Give
        it when a column could be read two ways (the error says so).
    thousands : {" ", "\u00a0", "\u202f", ".", ",", ""}, optional
        The thousands separator of numbers written as text (``""``: none); default detected
        per column. The three spaces are one separator: each of them is accepted.
    encoding : str, optional
        CSV: the file's encoding; default detected among UTF-8 with BOM, UTF-8 and
        Windows-1252 (``"cp1252"``).
    query : str, optional
        SQL run by DuckDB: over the ``.duckdb`` file given as ``source``, or, with no
        ``source``, over the files it names (``select * from 'data.parquet'``).
    output : {"pandas", "polars", "duckdb"}, default "pandas"
        The engine of the frame returned (polars or DuckDB for large files); the numbers
        are the same.

    Returns
    -------
    Reading
        ``frame`` and ``report`` (:class:`ReadReport`); unpacks as ``frame, report``.

    Raises
    ------
    MissingFileError
        The file does not exist (a ``FileNotFoundError`` and a ``ValueError``).
    ReadError
        (a ``ValueError``) An unknown extension, an empty file, a header with a blank or
        repeated name, an encoding or delimiter that does not fit, a column whose numbers
        depend on the choice of separators, a missing sheet, a package needed for the format
        not installed, a query that fails.
    ValueError
        An option with a value not allowed, or not used for this kind of file.

    Notes
    -----
    The rules of detection and conversion are in the module's notes
    (:mod:`genderbudget._read`). Text stays text: ``Ja``/``Nej`` and ``Kvinna``/``Man`` are
    coded by :func:`genderbudget.analyse`, which reports the coding. Reading Parquet needs
    pyarrow (or polars or duckdb), a query needs duckdb, ``output="polars"`` polars:
    ``pip install 'genderbudget[files]'`` installs them.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> text = "Kön;Kostnad;Arbete\nKvinna;1 234,50;Ja\nMan;987;Nej\n"
    >>> _ = (folder / "export.csv").write_bytes(text.encode("cp1252"))
    >>> frame, report = read_table(folder / "export.csv")
    >>> frame
          Kön  Kostnad Arbete
    0  Kvinna   1234.5     Ja
    1     Man    987.0    Nej
    >>> report.encoding, report.sep, report.decimal, report.thousands
    ('cp1252', ';', ',', ' ')
    """
    check_choice(output, "output", OUTPUTS)
    _check_separators(sep, decimal, thousands)
    _check_sheet_and_header_row(sheet, header_row)
    if encoding is not None:
        _check_encoding(encoding)
    if source is None:
        if query is None:
            raise ValueError(NO_SOURCE)
        return _read_query(None, query, output)
    path = _existing_file(source)
    kind = _kind(path)
    _check_options_for_kind(path.name, kind, sheet, header_row, sep, decimal, thousands, encoding)
    if kind == "duckdb":
        return _read_query(path, query, output)
    if query is not None:
        raise ValueError(QUERY_WITH_FILE.format(name=path.name, kind=kind))
    if kind == "parquet":
        return _read_parquet(path, output)
    options = _NumberOptions(decimal=decimal, thousands=thousands)
    if kind == "excel":
        frame, report = _read_excel(path, sheet, header_row, options)
    else:
        frame, report = _read_csv(path, header_row, sep, encoding, options)
    return Reading(_to_output(frame, output), report)


# --- option checks -------------------------------------------------------------------------


def _check_separators(sep: object, decimal: object, thousands: object) -> None:
    if sep is not None and not (isinstance(sep, str) and len(sep) == 1):
        raise ValueError(BAD_SEP.format(value=masked(sep)))
    if decimal is not None:
        check_choice(decimal, "decimal", DECIMALS)
    if thousands is not None:
        check_choice(thousands, "thousands", THOUSANDS)
    if decimal is not None and decimal == thousands:
        raise ValueError(SAME_SEPARATORS.format(decimal=decimal, thousands=thousands))


def _check_sheet_and_header_row(sheet: object, header_row: object) -> None:
    if sheet is not None and (
        isinstance(sheet, bool)
        or not isinstance(sheet, str | int)
        or (isinstance(sheet, int) and sheet < 0)
    ):
        raise ValueError(BAD_SHEET.format(value=masked(sheet)))
    if header_row is not None and (
        isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1
    ):
        raise ValueError(BAD_HEADER_ROW.format(value=masked(header_row)))


def _check_encoding(encoding: object) -> None:
    if not isinstance(encoding, str):
        raise ValueError(UNKNOWN_ENCODING.format(value=masked(encoding)))
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ValueError(UNKNOWN_ENCODING.format(value=masked(encoding))) from None


def _check_options_for_kind(
    name: str,
    kind: str,
    sheet: object,
    header_row: object,
    sep: object,
    decimal: object,
    thousands: object,
    encoding: object,
) -> None:
    """Refuse an option that the kind of file does not use (it would be silently ignored)."""
    allowed = {
        "csv": {"header_row", "sep", "decimal", "thousands", "encoding"},
        "excel": {"sheet", "header_row", "decimal", "thousands"},
        "parquet": set(),
        "duckdb": set(),
    }[kind]
    given = {
        "sheet": sheet,
        "header_row": header_row,
        "sep": sep,
        "decimal": decimal,
        "thousands": thousands,
        "encoding": encoding,
    }
    unused = [f"{key}=" for key, value in given.items() if value is not None and key not in allowed]
    if unused:
        many = len(unused) > 1
        raise ValueError(
            NOT_FOR_KIND.format(
                options=", ".join(unused),
                verb="are" if many else "is",
                kind=kind,
                name=name,
                pronoun="them" if many else "it",
                usage=USAGE,
            )
        )


# --- files ---------------------------------------------------------------------------------


def _existing_file(source: str | os.PathLike[str]) -> Path:
    """Return the path of an existing file; else raise an error naming the file only."""
    path = Path(source)
    if path.is_dir():
        raise ReadError(NOT_A_FILE.format(name=path.name))
    if not path.is_file():
        raise MissingFileError(FILE_NOT_FOUND.format(name=path.name, hint=_close_name(path)))
    return path


def _close_name(path: Path) -> str:
    """Say ``" Did you mean 'x.csv'?"`` when a file in the same folder has a close name."""
    folder = path.parent
    if not folder.is_dir():
        return ""
    try:
        names = [p.name for p in folder.iterdir() if p.is_file()]
    except OSError:
        return ""
    close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.75)
    return f" Did you mean {close[0]!r}?" if close else ""


def _kind(path: Path) -> str:
    """Tell the kind of file from its extension; refuse one that cannot be read."""
    extension = path.suffix.lower()
    if extension == ".xls":
        raise ReadError(OLD_EXCEL.format(name=path.name))
    if extension not in EXTENSIONS:
        raise ReadError(
            UNKNOWN_EXTENSION.format(
                name=path.name, extension=extension or "(none)", supported=SUPPORTED
            )
        )
    return EXTENSIONS[extension]


def _fingerprint(*parts: bytes) -> str:
    """SHA-256 of a file's bytes; of several parts (a query, its files), of their digests."""
    if len(parts) == 1:
        return hashlib.sha256(parts[0]).hexdigest()
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _package(name: str, what: str) -> Any:
    """Import an optional package, or say which one to install."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ReadError(MISSING_PACKAGE.format(what=what, package=name)) from None


# --- numbers written as text ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _NumberOptions:
    decimal: str | None
    thousands: str | None


@dataclasses.dataclass(frozen=True)
class _Format:
    """One way to read numbers: a decimal separator and a class of thousands separators."""

    decimal: str
    thousands: str  # the characters accepted between groups of three; "" for none

    def pattern(self) -> str:
        sign = f"[+\\-{MINUS}]?"
        d = re.escape(self.decimal)
        exponent = "(?:[eE][+\\-]?[0-9]+)?"
        plain = f"(?:[0-9]+(?:{d}[0-9]+)?|{d}[0-9]+){exponent}"
        if not self.thousands:
            return f"{sign}{plain}"
        t = "[" + re.escape(self.thousands) + "]"
        grouped = f"[0-9]{{1,3}}(?:{t}[0-9]{{3}})+(?:{d}[0-9]+)?"
        return f"{sign}(?:{grouped}|{plain})"

    def numbers(self, values: pd.Series) -> pd.Series:
        text = values.str.replace(MINUS, "-", regex=False)
        for char in self.thousands:
            text = text.str.replace(char, "", regex=False)
        if self.decimal != ".":
            text = text.str.replace(self.decimal, ".", regex=False)
        return pd.to_numeric(text)


def _formats(options: _NumberOptions) -> list[_Format]:
    """List the formats the options allow, in order of preference."""
    out = []
    for decimal in DECIMALS:
        if options.decimal is not None and decimal != options.decimal:
            continue
        for thousands in (SPACES, ".", ",", ""):
            if thousands == decimal:
                continue
            if options.thousands is not None:
                given = SPACES if options.thousands in SPACES and options.thousands else ""
                wanted = given or options.thousands
                if thousands != wanted:
                    continue
            out.append(_Format(decimal, thousands))
    return out


@dataclasses.dataclass(frozen=True)
class _Column:
    """A column converted (or not) from text: its values and what the report says of it."""

    values: pd.Series
    converted: str | None = None
    kept_as_text: str | None = None
    decimal: str | None = None
    thousands: str = ""


def _is_code(text: pd.Series) -> pd.Series:
    """Mark whole numbers with a leading zero, or more digits than a float holds: codes."""
    digits = text.str.lstrip("+-" + MINUS)
    return digits.str.fullmatch(r"0[0-9]+") | digits.str.fullmatch(f"[0-9]{{{MAX_DIGITS + 1},}}")


def _numbers_from_text(
    column: str, name: str, stripped: pd.Series, options: _NumberOptions, numeric_cells: int = 0
) -> tuple[pd.Series | None, str | None, _Format | None]:
    """Read a series of non-blank strings as numbers, if every one is a number in one format.

    Returns the numbers (aligned with ``stripped``) and the format used, or None and, when
    most values are numbers (counting ``numeric_cells``, a sheet's number cells beside the
    text) or the values are codes, why the column stays text. The distinct values are read
    once each.
    """
    unique = pd.Series(pd.unique(stripped.to_numpy(dtype=object)), dtype="str")
    fits: list[tuple[_Format, pd.Series]] = []
    best: tuple[int, _Format | None] = (0, None)
    for number_format in _formats(options):
        matches = unique.str.fullmatch(number_format.pattern())
        if bool(matches.all()):
            fits.append((number_format, number_format.numbers(unique)))
        if int(matches.sum()) > best[0]:
            best = (int(matches.sum()), number_format)
    if not fits:
        return None, _mostly_numbers(stripped, best[1], numeric_cells), None
    codes = _is_code(unique)
    if bool(codes.any()):
        return None, CODES.format(example=quoted([unique[codes].iloc[0]])), None
    chosen, numbers = fits[0]
    for other, other_numbers in fits[1:]:
        if not np.array_equal(numbers.to_numpy(), other_numbers.to_numpy(), equal_nan=True):
            _raise_ambiguous(column, name, unique, (chosen, numbers), (other, other_numbers))
    lookup = pd.Series(numbers.to_numpy(dtype=np.float64), index=unique.to_numpy(dtype=object))
    values = lookup.reindex(stripped.to_numpy(dtype=object)).to_numpy()
    return pd.Series(values, index=stripped.index), None, _used_format(unique, chosen)


def _mostly_numbers(
    stripped: pd.Series, number_format: _Format | None, numeric_cells: int
) -> str | None:
    """Say why a column stays text although most of its values are numbers."""
    text = stripped.astype("str")
    if number_format is None:
        not_numbers = text
    else:
        not_numbers = text[~text.str.fullmatch(number_format.pattern())]
    total = len(stripped) + numeric_cells
    if len(not_numbers) * 2 >= total:
        return None
    counts = list(not_numbers.value_counts(sort=True).items())
    return MOSTLY_NUMBERS.format(
        count=len(not_numbers), total=total, values=listed_counts(counts, EXAMPLES)
    )


def _used_format(unique: pd.Series, chosen: _Format) -> _Format:
    """Return the separators the values hold (whole numbers have no decimal separator)."""
    decimal = chosen.decimal if bool(unique.str.contains(chosen.decimal, regex=False).any()) else ""
    seen = "".join(c for c in chosen.thousands if bool(unique.str.contains(c, regex=False).any()))
    if decimal and chosen.decimal in seen:
        seen = seen.replace(chosen.decimal, "")
    return _Format(decimal, seen)


def _raise_ambiguous(
    column: str,
    name: str,
    unique: pd.Series,
    first: tuple[_Format, pd.Series],
    second: tuple[_Format, pd.Series],
) -> None:
    (format_a, numbers_a), (format_b, numbers_b) = first, second
    differ = ~np.isclose(numbers_a.to_numpy(), numbers_b.to_numpy(), rtol=0, atol=0)
    shown = list(unique[differ].iloc[:EXAMPLES])
    a = [numbers_a[differ].iloc[i] for i in range(len(shown))]
    b = [numbers_b[differ].iloc[i] for i in range(len(shown))]
    # The character read two ways: a decimal separator in one reading, thousands in the other.
    char = format_a.decimal if format_a.decimal in format_b.thousands else format_b.decimal
    decimal_first = format_a.decimal == char
    as_decimal, as_thousands = (a, b) if decimal_first else (b, a)
    examples = ", ".join(
        f"{masked(v)!r} is {_plain(x)} or {_plain(y)}"
        for v, x, y in zip(shown, as_decimal, as_thousands, strict=True)
    )
    raise ReadError(
        AMBIGUOUS.format(
            column=masked(column),
            name=name,
            examples=examples,
            option_a=f"decimal={char!r}",
            read_a=f"{char!r} as the decimal separator",
            option_b=f"thousands={char!r}",
            read_b=f"{char!r} between thousands",
        )
    )


def _plain(number: float) -> str:
    """Show a number in a message: whole numbers without '.0'."""
    value = float(number)
    return str(int(value)) if value.is_integer() else repr(value)


def _describe(used: _Format, excel: bool) -> str:
    """Say what was converted, for ``ReadReport.converted``."""
    what = "text numbers" if excel else "text"
    parts = []
    if used.decimal:
        parts.append("decimal comma" if used.decimal == "," else "decimal point")
    if used.thousands:
        parts.append("thousands separator " + quoted(list(used.thousands)).replace(", ", " or "))
    return f"{what} with {' and '.join(parts)} -> number" if parts else f"{what} -> number"


# --- building columns ----------------------------------------------------------------------


def _all_text(values: pd.Series) -> bool:
    """Whether every non-missing cell is a string (a CSV column, or a sheet's text column)."""
    if pd.api.types.is_string_dtype(values.dtype) and not pd.api.types.is_object_dtype(
        values.dtype
    ):
        return True
    return pd.api.types.infer_dtype(values, skipna=True) in {"string", "empty"}


def _blank_cells(values: pd.Series) -> NDArray[np.bool_]:
    """Mark missing cells and text cells that are empty or only whitespace."""
    missing = values.isna().to_numpy(dtype=bool)
    if _all_text(values):
        empty = values.astype("str").str.strip().eq("").to_numpy(dtype=bool, na_value=False)
        return missing | empty
    texts = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    empty = np.zeros(len(values), dtype=bool)
    if texts.any():
        empty[texts] = values[texts].astype("str").str.strip().eq("").to_numpy(dtype=bool)
    return missing | empty


def _converted_column(
    column: str, name: str, values: pd.Series, options: _NumberOptions, excel: bool
) -> _Column:
    """Convert a column of a CSV file (all text) or of a sheet (cells of any type)."""
    values = values.reset_index(drop=True)
    blank = _blank_cells(values)
    if blank.all():
        return _Column(pd.Series([None] * len(values), dtype=object))
    if _all_text(values):
        texts = values.astype("str")
        stripped = texts[~blank].str.strip()
        numbers, why, used = _numbers_from_text(column, name, stripped, options)
        if numbers is None or used is None:
            return _Column(texts.where(~blank), kept_as_text=why)
        merged = np.full(len(values), np.nan)
        merged[~blank] = numbers.to_numpy(dtype=np.float64)
        return _Column(
            _numeric(merged),
            converted=_describe(used, excel=excel),
            decimal=used.decimal or None,
            thousands=used.thousands,
        )
    return _mixed_column(column, name, values.astype(object), blank, options)


def _mixed_column(
    column: str, name: str, values: pd.Series, blank: NDArray[np.bool_], options: _NumberOptions
) -> _Column:
    """Convert a sheet's column holding text and other cells (numbers, dates, booleans)."""
    cleaned = values.where(~blank, None)
    filled = cleaned[~blank]
    is_text = filled.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    others = filled[~is_text]
    if not is_text.any():
        return _Column(_typed(cleaned, others))
    if not all(_is_real(v) for v in others):
        return _Column(_text(cleaned))
    stripped = filled[is_text].astype("str").str.strip()
    numbers, why, used = _numbers_from_text(column, name, stripped, options, len(others))
    if numbers is None or used is None:
        return _Column(_text(cleaned), kept_as_text=why)
    merged = np.full(len(values), np.nan)
    merged[np.flatnonzero(~blank)[is_text]] = numbers.to_numpy(dtype=np.float64)
    merged[np.flatnonzero(~blank)[~is_text]] = others.to_numpy(dtype=np.float64)
    return _Column(
        _numeric(merged),
        converted=_describe(used, excel=True),
        decimal=used.decimal or None,
        thousands=used.thousands,
    )


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _text(values: pd.Series) -> pd.Series:
    """Keep a column as the file has it, with None for the blank cells."""
    return pd.Series(values.tolist())


def _numeric(values: NDArray[np.float64]) -> pd.Series:
    """Whole numbers without blanks as int64, else float64 (blanks NaN)."""
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(values).all() and bool(
            (np.floor(values) == values).all() and (np.abs(values) < 2**53).all()
        )
    if whole:
        return pd.Series(values.astype(np.int64))
    return pd.Series(values, dtype=np.float64)


def _typed(values: pd.Series, filled: pd.Series) -> pd.Series:
    """Cells of one type keep it: numbers, dates and times, booleans; else as they are."""
    if all(_is_real(v) for v in filled):
        return _numeric(values.to_numpy(dtype=np.float64, na_value=np.nan))
    if all(isinstance(v, datetime.datetime | datetime.date) for v in filled):
        return pd.to_datetime(values)
    if all(isinstance(v, bool) for v in filled) and len(filled) == len(values):
        return pd.Series(values.tolist(), dtype=bool)
    return _text(values)


@dataclasses.dataclass
class _Table:
    """The cells of a file's table before conversion: a header and a column per position."""

    header: list[Any]
    columns: list[pd.Series]
    header_row: int
    skipped_rows: int = 0


def _frame_from_table(
    table: _Table, name: str, options: _NumberOptions, sheet: str | None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Check the header, convert each column, and count what the report needs."""
    width = len(table.columns)
    header = [*table.header, *[None] * (width - len(table.header))]
    blanks = [_blank_cells(values) for values in table.columns]
    kept = [i for i in range(width) if not _is_blank(header[i]) or not blanks[i].all()]
    names = _checked_names([header[i] for i in kept], kept, name, table.header_row, sheet)
    rows = len(table.columns[0]) if table.columns else 0
    if rows == 0:
        header_hint = "" if sheet is None else ", and that the header row is the right one"
        raise ReadError(NO_ROWS.format(name=name, columns=quoted(names), header_hint=header_hint))
    data: dict[str, pd.Series] = {}
    report: dict[str, Any] = {
        "converted": {},
        "blanks": {},
        "kept_as_text": {},
        "decimals": set(),
        "thousands": set(),
        "skipped_columns": width - len(kept),
        "skipped_rows": table.skipped_rows,
    }
    for title, i in zip(names, kept, strict=True):
        column = _converted_column(title, name, table.columns[i], options, sheet is not None)
        data[title] = column.values
        if blanks[i].any():
            report["blanks"][title] = int(blanks[i].sum())
        if column.converted:
            report["converted"][title] = column.converted
            if column.decimal:
                report["decimals"].add(column.decimal)
            report["thousands"].update(column.thousands)
        if column.kept_as_text:
            report["kept_as_text"][title] = column.kept_as_text
    return pd.DataFrame(data), report


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _checked_names(
    titles: list[Any], positions: list[int], name: str, row: int, sheet: str | None
) -> list[str]:
    """Return the header's names, stripped; refuse a blank or repeated name."""
    names = ["" if _is_blank(t) else str(t).strip() for t in titles]
    blank = [p for t, p in zip(names, positions, strict=True) if not t]
    header_hint = "" if sheet is None else ", or give the header's row with header_row="
    if blank:
        where = [_position(p, sheet) for p in blank]
        raise ReadError(
            BLANK_NAMES.format(
                name=name,
                row=row,
                positions=", ".join(where),
                verb="holds" if len(where) == 1 else "hold",
                header_hint=header_hint,
            )
        )
    seen: dict[str, list[int]] = {}
    for title, p in zip(names, positions, strict=True):
        seen.setdefault(title, []).append(p)
    repeated = {t: ps for t, ps in seen.items() if len(ps) > 1}
    if repeated:
        listed = "; ".join(
            f"{masked(t)!r} {len(ps)} times ({', '.join(_position(p, sheet) for p in ps)})"
            for t, ps in repeated.items()
        )
        title = next(iter(repeated))
        example = f"{masked(title)!r} and {masked(title + '_2')!r}"
        raise ReadError(
            DUPLICATE_NAMES.format(name=name, row=row, duplicates=listed, example=example)
        )
    return names


def _position(index: int, sheet: str | None) -> str:
    """Name a column's place as the user sees it: Excel's letter, or its number."""
    if sheet is None:
        return f"column {index + 1}"
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"column {letters}"


def _report(
    path_name: str,
    kind: Kind,
    frame: pd.DataFrame,
    details: Mapping[str, Any],
    fingerprint: str,
    **settings: Any,
) -> ReadReport:
    decimals = details.get("decimals", set())
    thousands = "".join(c for c in (*SPACES, ".", ",") if c in details.get("thousands", set()))
    return ReadReport(
        source=path_name,
        kind=kind,
        encoding=settings.get("encoding"),
        sep=settings.get("sep"),
        decimal=next(iter(decimals)) if len(decimals) == 1 else None,
        thousands=thousands or None,
        sheet=settings.get("sheet"),
        header_row=settings.get("header_row"),
        rows=len(frame),
        columns=tuple(str(c) for c in frame.columns),
        converted=dict(details.get("converted", {})),
        blanks=dict(details.get("blanks", {})),
        kept_as_text=dict(details.get("kept_as_text", {})),
        skipped_rows=int(details.get("skipped_rows", 0)),
        skipped_columns=int(details.get("skipped_columns", 0)),
        fingerprint=fingerprint,
    )


# --- CSV -----------------------------------------------------------------------------------


def _read_csv(
    path: Path,
    header_row: int | None,
    sep: str | None,
    encoding: str | None,
    options: _NumberOptions,
) -> tuple[pd.DataFrame, ReadReport]:
    raw = path.read_bytes()
    if not raw.strip():
        raise ReadError(EMPTY_FILE.format(name=path.name))
    text, used_encoding = _decoded(raw, path.name, encoding)
    lines = text.splitlines(keepends=True)
    row = header_row or 1
    if row > len(lines):
        raise ReadError(
            HEADER_ROW_BEYOND.format(
                name=path.name, where="", rows=counted(len(lines), "line", "lines"), row=row
            )
        )
    body = "".join(lines[row - 1 :])
    if not body.strip():
        raise ReadError(EMPTY_FILE.format(name=path.name))
    delimiter = sep or _detected_delimiter(body, path.name)
    table = _csv_table(body, delimiter or DELIMITERS[0], path.name, row)
    frame, details = _frame_from_table(table, path.name, options, sheet=None)
    report = _report(
        path.name,
        "csv",
        frame,
        details,
        _fingerprint(raw),
        encoding=used_encoding,
        sep=delimiter,
        header_row=row,
    )
    return frame, report


def _decoded(raw: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    """Decode the file: as given, or detected among UTF-8 with BOM, UTF-8, cp1252."""
    if encoding is not None:
        return _decoded_as(raw, name, encoding), encoding
    if raw.startswith(codecs.BOM_UTF8):
        return _decoded_as(raw, name, "utf-8-sig"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        line, position = _where(raw, error.start)
        raise ReadError(
            NEITHER_ENCODING.format(
                name=name, byte=f"0x{raw[error.start]:02X}", line=line, position=position
            )
        ) from None


def _decoded_as(raw: bytes, name: str, encoding: str) -> str:
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        line, position = _where(raw, error.start)
        utf8 = codecs.lookup(encoding).name in {"utf-8", "utf-8-sig"}
        raise ReadError(
            BAD_ENCODING.format(
                name=name,
                encoding=encoding,
                byte=f"0x{raw[error.start]:02X}",
                line=line,
                position=position,
                advice=UTF8_ADVICE if utf8 else OTHER_ADVICE,
            )
        ) from None
    if codecs.lookup(encoding).name not in {"utf-8", "utf-8-sig"}:
        _check_not_utf8(raw, text, name, encoding)
    return text.removeprefix("\ufeff")


def _check_not_utf8(raw: bytes, text: str, name: str, encoding: str) -> None:
    """Refuse a given single-byte encoding for a file whose non-ASCII bytes are UTF-8."""
    if raw.isascii():
        return
    try:
        as_utf8 = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return
    if codecs.lookup(encoding).name.startswith("utf"):
        return
    for number, line in enumerate(as_utf8.splitlines(), start=1):
        word = next((w for w in re.split(r"[\s;,|\t]+", line) if not w.isascii()), None)
        if word is not None:
            misread = word.encode("utf-8").decode(encoding, errors="replace")
            raise ReadError(
                MISREAD_UTF8.format(
                    name=name, line=number, example=word, encoding=encoding, misread=misread
                )
            )


def _where(raw: bytes, offset: int) -> tuple[int, int]:
    """Line (1-based) and position in the line (1-based) of a byte offset."""
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def _detected_delimiter(text: str, name: str) -> str | None:
    """Find the one delimiter that splits each first line into the same number of fields.

    None when no candidate splits any line: a file of one column.
    """
    lines = [line for line in text.splitlines() if line.strip()][:SNIFFED_LINES]
    fields_per_line = {
        candidate: {len(fields) for fields in csv.reader(lines, delimiter=candidate)}
        for candidate in DELIMITERS
    }
    if all(counts == {1} for counts in fields_per_line.values()):
        return None
    consistent = {
        candidate: next(iter(counts))
        for candidate, counts in fields_per_line.items()
        if len(counts) == 1 and next(iter(counts)) >= 2
    }
    if not consistent:
        raise ReadError(NO_DELIMITER.format(name=name, lines=len(lines)))
    most = max(consistent.values())
    best = [d for d, fields in consistent.items() if fields == most]
    if len(best) > 1:
        raise ReadError(
            TWO_DELIMITERS.format(
                name=name, first=best[0], second=best[1], lines=len(lines), fields=most
            )
        )
    return best[0]


def _csv_table(text: str, delimiter: str, name: str, header_row: int) -> _Table:
    """Split delimited text into header and columns; refuse a line with too many fields."""
    try:
        cells = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype="str",
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as error:
        raise _parser_error(str(error), name, delimiter, header_row) from None
    except (pd.errors.EmptyDataError, UnicodeError) as error:
        raise ReadError(UNREADABLE_TEXT.format(name=name, problem=error)) from None
    header = cells.iloc[0].tolist()
    body = cells.iloc[1:].reset_index(drop=True)
    empty = np.column_stack([_blank_cells(body[c]) for c in body.columns]).all(axis=1)
    body = body.iloc[np.flatnonzero(~empty)]
    columns = [body[c].reset_index(drop=True) for c in body.columns]
    return _Table(header, columns, header_row, int(empty.sum()))


_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _parser_error(problem: str, name: str, delimiter: str, header_row: int) -> ReadError:
    """Word the parser's complaint of a line with more fields than the header."""
    found = _FIELDS.search(problem)
    if found is None:
        return ReadError(UNREADABLE_TEXT.format(name=name, problem=problem))
    expected, line, fields = (int(g) for g in found.groups())
    return ReadError(
        FIELDS_PER_LINE.format(
            name=name,
            line=header_row + line - 1,
            found=fields,
            expected=expected,
            sep=delimiter,
        )
    )


# --- Excel ---------------------------------------------------------------------------------


def _read_excel(
    path: Path, sheet: str | int | None, header_row: int | None, options: _NumberOptions
) -> tuple[pd.DataFrame, ReadReport]:
    raw = path.read_bytes()
    if not raw:
        raise ReadError(EMPTY_FILE.format(name=path.name))
    openpyxl = importlib.import_module("openpyxl")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ReadError(
            UNREADABLE_TEXT.format(name=path.name, problem=type(error).__name__).replace(
                "delimited text", "an Excel workbook"
            )
        ) from None
    try:
        worksheet = _worksheet(workbook, sheet, path.name)
        cells = [list(row) for row in worksheet.iter_rows(values_only=True)]
        title = str(worksheet.title)
    finally:
        workbook.close()
    table = _sheet_table(cells, header_row, path.name, title)
    frame, details = _frame_from_table(table, path.name, options, sheet=title)
    report = _report(
        path.name,
        "excel",
        frame,
        details,
        _fingerprint(raw),
        sheet=title,
        header_row=table.header_row,
    )
    return frame, report


def _worksheet(workbook: Any, sheet: str | int | None, name: str) -> Any:
    names = list(workbook.sheetnames)
    if sheet is None:
        return workbook[names[0]]
    if isinstance(sheet, int):
        if sheet < len(names):
            return workbook[names[sheet]]
    elif sheet in names:
        return workbook[sheet]
    listed = ", ".join(f"{i}: {n!r}" for i, n in enumerate(names))
    raise ReadError(SHEET_NOT_FOUND.format(name=name, sheet=masked(sheet), sheets=listed))


def _filled(row: Sequence[Any]) -> list[Any]:
    return [v for v in row if not _is_blank(v)]


def _sheet_table(cells: list[list[Any]], header_row: int | None, name: str, sheet: str) -> _Table:
    """Find the header (given, or detected past title rows) and the columns below it."""
    if not any(_filled(row) for row in cells):
        raise ReadError(EMPTY_FILE.format(name=name))
    if header_row is not None:
        if header_row > len(cells):
            size = counted(len(cells), "row", "rows")
            raise ReadError(
                HEADER_ROW_BEYOND.format(
                    name=name, where=f", sheet {sheet!r},", rows=size, row=header_row
                )
            )
        index = header_row - 1
    else:
        index = _detected_header(cells, name, sheet)
    body = cells[index + 1 :]
    while body and not _filled(body[-1]):
        body.pop()
    rows = [list(r) for r in body if _filled(r)]
    used = [i for row in [cells[index], *rows] for i, v in enumerate(row) if not _is_blank(v)]
    first, last = min(used, default=0), max(used, default=-1)
    header = cells[index][first : last + 1]
    padded = [[*r, *[None] * (last + 1 - len(r))][first : last + 1] for r in rows]
    columns = [pd.Series(list(column), dtype=object) for column in zip(*padded, strict=True)]
    if not rows:
        columns = [pd.Series([], dtype=object) for _ in header]
    return _Table(header, columns, index + 1, len(body) - len(rows))


def _detected_header(cells: list[list[Any]], name: str, sheet: str) -> int:
    """Find the first row with only text in its filled cells and the most filled cells."""
    search = cells[:HEADER_SEARCH_ROWS]
    widest = max(len(_filled(row)) for row in search)
    candidates = [
        (len(_filled(row)), i)
        for i, row in enumerate(search)
        if _filled(row) and all(isinstance(v, str) for v in _filled(row))
    ]
    needed = 2 if widest >= 2 else 1
    candidates = [(n, i) for n, i in candidates if n >= needed]
    if not candidates:
        raise ReadError(NO_HEADER.format(name=name, sheet=sheet, rows=len(search)))
    most = max(n for n, _ in candidates)
    return min(i for n, i in candidates if n == most)


# --- Parquet and DuckDB ------------------------------------------------------------------


def _read_parquet(path: Path, output: str) -> Reading:
    raw = path.read_bytes()
    if not raw:
        raise ReadError(EMPTY_FILE.format(name=path.name))
    frame: Any
    try:
        if output == "polars":
            frame = _package("polars", "Parquet as polars").read_parquet(path)
        elif output == "duckdb":
            connection = _package("duckdb", "Parquet as DuckDB").connect()
            frame = connection.read_parquet(str(path))
        else:
            frame = _parquet_as_pandas(path)
    except ReadError:
        raise
    except Exception as error:  # the engines raise their own kinds for a damaged file
        raise ReadError(
            UNREADABLE_TEXT.format(name=path.name, problem=type(error).__name__).replace(
                "delimited text", "Parquet"
            )
        ) from None
    return Reading(frame, _untouched_report(path.name, "parquet", frame, _fingerprint(raw)))


def _parquet_as_pandas(path: Path) -> pd.DataFrame:
    """Parquet to pandas with pyarrow, else through duckdb or polars, whichever is installed."""
    for package in ("pyarrow.parquet", "duckdb", "polars"):
        try:
            module = importlib.import_module(package)
        except ImportError:
            continue
        if package == "pyarrow.parquet":
            frame: pd.DataFrame = module.read_table(path).to_pandas()
        elif package == "duckdb":
            frame = module.connect().read_parquet(str(path)).df()
        else:
            frame = module.read_parquet(path).to_pandas()
        return frame
    raise ReadError(MISSING_PACKAGE.format(what="Parquet", package="pyarrow"))


def _shape(frame: Any) -> tuple[int, tuple[str, ...]]:
    if isinstance(frame, pd.DataFrame):
        return len(frame), tuple(str(c) for c in frame.columns)
    if hasattr(frame, "height"):
        return int(frame.height), tuple(str(c) for c in frame.columns)
    return int(frame.shape[0]), tuple(str(c) for c in frame.columns)


_QUOTED_FILE = re.compile(r"'((?:[^']|'')+)'")


def _files_in_query(query: str) -> list[Path]:
    """List the existing files a query names in single quotes (``from 'x.parquet'``)."""
    found = []
    for match in _QUOTED_FILE.finditer(query):
        path = Path(match.group(1).replace("''", "'"))
        if path.suffix and path.is_file():
            found.append(path)
    return sorted(set(found), key=str)


def _read_query(path: Path | None, query: str | None, output: str) -> Reading:
    duckdb = _package("duckdb", "a DuckDB database or query")
    if path is not None and query is None:
        raise ReadError(QUERY_NEEDED.format(name=path.name, tables=_tables(duckdb, path)))
    if not isinstance(query, str) or not query.strip():
        raise ValueError(BAD_QUERY.format(value=masked(query)))
    files = [path] if path is not None else _files_in_query(query)
    source = ", ".join(p.name for p in files) or "query"
    try:
        connection = duckdb.connect(str(path), read_only=True) if path else duckdb.connect()
        frame = _run(connection, query, output)
    except duckdb.Error as error:
        problem = " ".join(_without_folders(str(error)).split())
        raise ReadError(QUERY_FAILED.format(problem=problem)) from None
    fingerprint = _fingerprint(query.encode("utf-8"), *(p.read_bytes() for p in files))
    return Reading(frame, _untouched_report(source, "duckdb", frame, fingerprint))


def _tables(duckdb: Any, path: Path) -> str:
    """List the tables of a DuckDB database, for the message asking for a query."""
    try:
        with duckdb.connect(str(path), read_only=True) as connection:
            tables = [row[0] for row in connection.sql("show tables").fetchall()]
    except duckdb.Error:
        return "none could be listed"
    return quoted(tables) if tables else "none"


def _run(connection: Any, query: str, output: str) -> Any:
    """Run a query; the connection stays open only for a DuckDB relation returned."""
    try:
        relation = connection.sql(query)
        if relation is None:
            raise ReadError(QUERY_FAILED.format(problem=NOT_A_SELECT))
        if output == "duckdb":
            return relation
        if output == "polars":
            _package("polars", "a query as polars")
            return relation.pl()
        return relation.df()
    finally:
        if output != "duckdb":
            connection.close()


def _untouched_report(source: str, kind: Kind, frame: Any, fingerprint: str) -> ReadReport:
    """Report on a file that carries its own types (Parquet, DuckDB): nothing converted."""
    rows, columns = _shape(frame)
    return ReadReport(
        source=source,
        kind=kind,
        encoding=None,
        sep=None,
        decimal=None,
        thousands=None,
        sheet=None,
        header_row=None,
        rows=rows,
        columns=columns,
        converted={},
        blanks={},
        kept_as_text={},
        skipped_rows=0,
        skipped_columns=0,
        fingerprint=fingerprint,
    )


def _without_folders(text: str) -> str:
    """Cut each absolute path in a message of DuckDB's to its file name."""
    return re.sub(r"(?:[A-Za-z]:)?[\\/](?:[^\s\"'\\/]+[\\/])+([^\s\"'\\/]+)", r"\1", text)


def _to_output(frame: pd.DataFrame, output: str) -> Any:
    if output == "polars":
        return _package("polars", "into a polars frame").from_pandas(frame)
    if output == "duckdb":
        connection = _package("duckdb", "into a DuckDB relation").connect()
        return connection.from_df(frame)
    return frame
