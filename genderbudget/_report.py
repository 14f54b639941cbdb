"""Report files of a result: an Excel workbook, one self-contained HTML page, CSV files.

Everything here writes files from the tables, words and charts that the other modules make;
no number is computed here except the fingerprint of the provenance.

Choices
-------
Numbers stay numbers
    The workbook's cells hold the result's numbers as numeric cells (16 significant digits,
    more than the 15 Excel keeps), shown with Excel number formats. The codes are written
    in Excel's own, locale-neutral syntax (``#,##0``, ``#,##0.00``, ``0.0 %``): the
    separators in a code are placeholders that Excel shows in the reader's locale, so a
    Swedish Excel shows ``27 207``, ``3 986,25`` and ``42,2 %`` (space between thousands,
    decimal comma) and an English one ``27,207``, ``3,986.25`` and ``42.2 %``.
    Writing ``# ##0`` or ``0,0`` into the file would instead be read as literal characters
    or a scaling comma by every Excel.
Hidden values
    With ``suppress=True`` the tables are those of :func:`genderbudget.suppress`; every
    value of a hidden row other than its keys is written as ``..`` (SCB's sign), its
    explanation too, and the charts of a measure with a hidden cell are left out (a chart
    would show the hidden value).
Formula injection
    A text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return could be
    run as a formula by a spreadsheet. In the workbook every text is written as an explicit
    string cell (``data_type = "s"``), which Excel never evaluates, so the text stays as it
    was. A CSV file has no cell types: such a text is written with a leading ``'``
    (:func:`neutralised`), which a spreadsheet shows as text.
CSV
    UTF-8 with a byte order mark, so that Excel reads å, ä and ö right. In Swedish the
    separator is ``;`` and the decimal sign ``,`` (what a Swedish Excel expects); in English
    ``,`` and ``.``.
Fingerprint
    The SHA-256 of the tables of estimates and comparisons as published (after suppression
    when applied), every value at full precision, with the count of input rows
    (:func:`fingerprint`). It identifies the data and settings a file came from, whatever
    its language (the same data and settings give the same fingerprint; any change in a
    cell's sums changes it), and is computed from aggregates only, never from a person's
    row. The hidden cells are not part of it: a hash over them would let anyone test
    guesses of their small counts.
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import hashlib
import html
import io
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from genderbudget._explain import Persons
from genderbudget._format import format_number
from genderbudget._options import check_choice
from genderbudget._texts import LANGS, Lang, flag_label, language

if TYPE_CHECKING:
    from genderbudget._allocate import Allocation
    from genderbudget._result import Result

Created = datetime | Literal["now"] | None
"""The time a report records: a given time, the time of writing, or none."""

__all__ = ["neutralised", "report", "to_csv", "to_excel", "to_html"]

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet read a text as a formula."""
MARKER = ".."
"""A hidden value (SCB's sign for a value not available or too uncertain to be given)."""
COUNT_FORMAT = "#,##0"
AMOUNT_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0 %"
P_FORMAT = "0.0000"
RATIO_FORMAT = "0.000"
EXPLANATION_WIDTH = 90

NOT_A_RESULT = (
    "report takes pairs (title, Result or Allocation), got {kind} at position {position}."
)
NO_RESULTS = "report needs at least one (title, result) pair, e.g. [('Kriminalvården', result)]."
NOT_A_FOLDER = "to_csv writes one file per table into a folder; {path!r} is a file."
BAD_CREATED = "created must be a datetime, 'now' or None, got a {kind}."
BAD_PROVENANCE = "provenance must be a dict of label -> text, got a {kind}."

KEYS_ESTIMATES = ("n", "units", "estimate", "ci_low", "ci_high", "share", "note")
KEYS_COMPARISONS = (
    "n_women",
    "n_men",
    "women",
    "men",
    "difference",
    "ci_low",
    "ci_high",
    "corrected_ci_low",
    "corrected_ci_high",
    "ratio",
    "p_value",
    "p_adjusted",
    "adjusted_difference",
    "flag",
    "note",
    "explanation",
)
SOURCE_COLUMNS = {
    "ci_low": "difference_ci_low",
    "ci_high": "difference_ci_high",
    "corrected_ci_low": "difference_corrected_ci_low",
    "corrected_ci_high": "difference_corrected_ci_high",
}
"""The comparisons' columns behind the keys whose name differs from the column."""
EXCLUSION_KEYS = ("measure", "column", "reason", "rows")
COUNTS = {"n", "units", "n_women", "n_men", "rows"}
SHARES = {"share"}
LEVELS = {"estimate", "ci_low", "ci_high", "women", "men"}
GAPS = {"difference", "corrected_ci_low", "corrected_ci_high", "adjusted_difference"}


@dataclass(frozen=True)
class Sheet:
    """One table of a report: headers in words, values (numbers or text), number formats."""

    name: str
    headers: list[str]
    rows: list[list[Any]]
    formats: list[list[str | None]]


def neutralised(text: str) -> str:
    """Return a text that a spreadsheet will not run as a formula.

    A text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading apostrophe, which makes a spreadsheet show it as text; any other text is
    returned as it is.

    Parameters
    ----------
    text : str
        A text from the data (a breakdown value, a measure's label).

    Returns
    -------
    str
        The text, with ``'`` in front when it could start a formula.

    Examples
    --------
    >>> neutralised("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> neutralised("Kriminalvården")
    'Kriminalvården'
    """
    return "'" + text if text.startswith(DANGEROUS_STARTS) else text


def _texts(lang: Lang) -> dict[str, Any]:
    texts: dict[str, Any] = language(lang)["report"]
    return texts


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _plain(value: Any) -> Any:
    """Return a cell value: a Python number or a text; missing values as None."""
    if _missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        number = float(value)
        return number if math.isfinite(number) else str(number)
    if isinstance(value, int):
        return value
    return str(value)


def _sex_word(sex: Any, lang: Lang) -> str:
    texts = language(lang)
    if sex in ("women", "men"):
        word: str = texts["persons"]["adults"][sex]["capitalised"]
        return word
    unknown: str = texts["table"]["unknown"]
    return unknown


def _number_format(key: str, kind: str) -> str | None:
    """Return the Excel number format of one column for a measure of one kind."""
    if key in COUNTS:
        return COUNT_FORMAT
    if key in SHARES:
        return SHARE_FORMAT
    if key in ("p_value", "p_adjusted"):
        return P_FORMAT
    if key == "ratio":
        return RATIO_FORMAT
    if key in LEVELS or key in GAPS:
        return SHARE_FORMAT if kind == "rate" else AMOUNT_FORMAT
    return None


@dataclass(frozen=True)
class _Tables:
    """The tables of one result to write, hidden rows marked."""

    estimates: pd.DataFrame
    comparisons: pd.DataFrame
    exclusions: pd.DataFrame
    hidden_estimates: pd.Series
    hidden_comparisons: pd.Series
    estimate_notes: pd.Series
    comparison_notes: pd.Series
    explanations: pd.Series
    withheld: pd.DataFrame  # totals not to be published with the tables


def _tables(result: Result, lang: Lang, about: Provenance) -> _Tables:
    """Collect the estimates, comparisons and exclusions to write, suppressed when asked."""
    from genderbudget._suppress import suppress as hide  # _suppress reads Result

    estimates, comparisons = result.estimates, result.comparisons
    hidden_e = pd.Series(False, index=estimates.index)
    hidden_c = pd.Series(False, index=comparisons.index)
    withheld = pd.DataFrame()
    if about.suppress:
        publication = hide(result, min_n=about.min_n)
        withheld = publication.withheld
        estimates = publication.estimates.drop(columns="suppressed")
        comparisons = publication.comparisons.drop(columns="suppressed")
        hidden_e = publication.estimates["suppressed"].astype(bool)
        hidden_c = publication.comparisons["suppressed"].astype(bool)
    explanations = result.explain(lang=lang, labels=about.labels, words=about.words)["text"]
    explanations.index = comparisons.index
    return _Tables(
        estimates=estimates,
        comparisons=comparisons,
        exclusions=result.exclusions,
        hidden_estimates=hidden_e,
        hidden_comparisons=hidden_c,
        withheld=withheld,
        estimate_notes=result.notes("estimates", lang=lang),
        comparison_notes=result.notes("comparisons", lang=lang),
        explanations=explanations,
    )


def _estimates_sheet(result: Result, tables: _Tables, lang: Lang, name: str) -> Sheet:
    words = _texts(lang)["columns"]
    by = list(result.settings.by)
    kinds = {m.name: m.kind for m in result.settings.measures}
    headers = [words["measure"], *by, words["sex"], *(words[k] for k in KEYS_ESTIMATES)]
    rows, formats = [], []
    index: Any
    for index, record in tables.estimates.iterrows():
        hidden = bool(tables.hidden_estimates.loc[index])
        kind = kinds.get(record["measure"], "")
        row: list[Any] = [record["measure"], *(_plain(record[b]) for b in by)]
        row.append(_sex_word(record["sex"], lang))
        fmt: list[str | None] = [None] * len(row)
        for key in KEYS_ESTIMATES:
            value = tables.estimate_notes.loc[index] or None if key == "note" else record[key]
            row.append(MARKER if hidden else _plain(value))
            fmt.append(_number_format(key, kind))
        rows.append(row)
        formats.append(fmt)
    return Sheet(name, headers, rows, formats)


def _comparisons_sheet(result: Result, tables: _Tables, lang: Lang, name: str) -> Sheet:
    words = _texts(lang)["columns"]
    by = list(result.settings.by)
    kinds = {m.name: m.kind for m in result.settings.measures}
    headers = [words["measure"], *by, *(words[k] for k in KEYS_COMPARISONS)]
    rows, formats = [], []
    index: Any
    for index, record in tables.comparisons.iterrows():
        hidden = bool(tables.hidden_comparisons.loc[index])
        kind = kinds.get(record["measure"], "")
        row: list[Any] = [record["measure"], *(_plain(record[b]) for b in by)]
        fmt: list[str | None] = [None] * len(row)
        for key in KEYS_COMPARISONS:
            row.append(MARKER if hidden else _comparison_value(record, key, tables, index, lang))
            fmt.append(_number_format(key, kind))
        rows.append(row)
        formats.append(fmt)
    return Sheet(name, headers, rows, formats)


def _comparison_value(record: pd.Series, key: str, tables: _Tables, index: Any, lang: Lang) -> Any:
    if key == "flag":
        return flag_label(str(record["flag"]), lang=lang)
    if key == "note":
        return tables.comparison_notes.loc[index] or None
    if key == "explanation":
        return tables.explanations.loc[index]
    return _plain(record[SOURCE_COLUMNS.get(key, key)])


def _exclusions_sheet(tables: _Tables, lang: Lang, name: str) -> Sheet:
    words = _texts(lang)["columns"]
    frame = tables.exclusions
    rows = [[_plain(record[k]) for k in EXCLUSION_KEYS] for _, record in frame.iterrows()]
    formats = [[_number_format(k, "") for k in EXCLUSION_KEYS] for _ in rows]
    return Sheet(name, [words[k] for k in EXCLUSION_KEYS], rows, formats)


def fingerprint(tables: Sequence[pd.DataFrame], rows_in: int) -> str:
    """Return the SHA-256 of tables of aggregates, every value at full precision.

    Parameters
    ----------
    tables : sequence of pandas.DataFrame
        The tables as published: a result's estimates and comparisons (after suppression
        when applied), or an allocation's totals and sensitivity.
    rows_in : int
        The number of input rows (0 for an allocation).

    Returns
    -------
    str
        64 hexadecimal digits: the hash of ``rows_in=<n>``, then of each table's column
        names and of each row's values (a list of plain Python values, missing ones None,
        in ``repr``), one line each.
    """
    digest = hashlib.sha256(f"rows_in={rows_in}\n".encode())
    for table in tables:
        digest.update(repr([str(c) for c in table.columns]).encode("utf-8") + b"\n")
        for values in table.itertuples(index=False):
            digest.update(repr([_canonical(v) for v in values]).encode("utf-8") + b"\n")
    return digest.hexdigest()


def _canonical(value: Any) -> Any:
    """Return a value as the plain Python value it stands for (None when missing)."""
    if _missing(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _setting_text(value: Any) -> str:
    if isinstance(value, Mapping):
        return repr(dict(value))
    return repr(value)


def _settings_items(settings: Any) -> list[tuple[str, str]]:
    """Every setting of a call, the flag rule's fields and the measures one by one, as text."""
    items: list[tuple[str, str]] = []
    for item in dataclasses.fields(settings):
        value = getattr(settings, item.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            for inner in dataclasses.fields(value):
                text = _setting_text(getattr(value, inner.name))
                items.append((f"{item.name}.{inner.name}", text))
        elif item.name == "measures":
            for number, measure in enumerate(value, start=1):
                items.append((f"measures[{number}]", repr(measure)))
        else:
            items.append((item.name, _setting_text(value)))
    return items


@dataclass(frozen=True)
class Provenance:
    """Where a report's numbers come from, written into each file."""

    title: str | None
    source: str | None
    synthetic: bool
    suppress: bool
    min_n: int
    created: datetime | None
    words: Persons = "adults"
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    extra: tuple[tuple[str, str], ...] = ()


def _provenance_items(
    obj: Result | Allocation,
    tables: Sequence[pd.DataFrame],
    about: Provenance,
    lang: Lang,
    withheld: pd.DataFrame | None = None,
) -> list[tuple[str, str]]:
    """List the provenance of a result or allocation: version, time, data, settings."""
    words = _texts(lang)["provenance"]
    items: list[tuple[str, str]] = []
    if about.title is not None:
        items.append((words["title"], about.title))
    items.append((words["version"], version("genderbudget")))
    if about.created is None:
        items.append((words["created"], words["created_not_recorded"]))
    else:
        items.append((words["created"], about.created.strftime("%Y-%m-%d %H:%M:%S")))
    if about.source is not None:
        items.append((words["source"], about.source))
    if about.synthetic:
        items.append((words["data"], words["synthetic"]))
    rows_in = getattr(obj, "rows_in", None)
    if rows_in is not None:
        items.append((words["rows_in"], format_number(float(rows_in), lang=lang, decimals=0)))
    if _is_allocation(obj):
        shown = words["suppression_not_applicable"]
    elif about.suppress:
        shown = words["suppression_applied"].format(min_n=about.min_n)
    else:
        shown = words["suppression_none"]
    items.append((words["suppression"], shown))
    if withheld is not None and len(withheld):
        items.append((words["withheld"], _withheld_words(withheld, words, lang)))
    items.append((words["fingerprint"], fingerprint(tables, int(rows_in or 0))))
    items.append(("", words["fingerprint_basis"]))
    items += about.extra
    return items + _settings_items(obj.settings)


def _withheld_words(withheld: pd.DataFrame, words: Mapping[str, str], lang: Lang) -> str:
    """Word the totals withheld by suppression, once each whatever the measures."""
    keys = [c for c in withheld.columns if c not in ("measure", "over")]
    shown: list[str] = []
    for record in withheld[[*keys, "over"]].to_dict("records"):
        cell = ", ".join(f"{k} {record[k]}" for k in keys if k != "sex" and not _missing(record[k]))
        text = words["withheld_total"].format(
            sex=_sex_word(record["sex"], lang), cell=cell, over=record["over"]
        )
        if text not in shown:
            shown.append(text)
    return "; ".join(shown)


def _is_allocation(obj: Any) -> bool:
    from genderbudget._allocate import Allocation

    return isinstance(obj, Allocation)


def _provenance_sheet(items: Sequence[tuple[str, str]], lang: Lang, name: str) -> Sheet:
    words = _texts(lang)["columns"]
    rows = [[label, value] for label, value in items]
    return Sheet(name, [words["item"], words["value"]], rows, [[None, None] for _ in rows])


ALLOCATION_KEYS = ("cost_object", "driver", "sex", "amount", "share", "per_capita")
SENSITIVITY_KEYS = ("cost_object", "driver", "women_share", "men_share", "unknown_share", "spread")
ALLOCATION_FORMATS = {
    "amount": AMOUNT_FORMAT,
    "per_capita": AMOUNT_FORMAT,
    "share": SHARE_FORMAT,
    "women_share": SHARE_FORMAT,
    "men_share": SHARE_FORMAT,
    "unknown_share": SHARE_FORMAT,
    "spread": SHARE_FORMAT,
}


def _frame_sheet(
    frame: pd.DataFrame, by: Sequence[str], keys: Sequence[str], lang: Lang, name: str
) -> Sheet:
    """Build a sheet of an allocation's table: the breakdowns, then the keys."""
    words = _texts(lang)["columns"]
    headers = [*by, *(words[k] for k in keys)]
    rows, formats = [], []
    for _, record in frame.iterrows():
        row = [_plain(record[b]) for b in by]
        row += [_sex_word(record[k], lang) if k == "sex" else _plain(record[k]) for k in keys]
        rows.append(row)
        fmt: list[str | None] = [None] * len(by)
        formats.append(fmt + [ALLOCATION_FORMATS.get(k) for k in keys])
    return Sheet(name, headers, rows, formats)


def _allocation_sheets(
    allocation: Allocation, lang: Lang, about: Provenance, prefix: str = ""
) -> tuple[list[Sheet], list[tuple[str, str]]]:
    """Build the sheets of an allocation: totals per driver and sex, sensitivity, provenance."""
    names = _texts(lang)["sheets"]
    by = list(allocation.settings.by)
    totals = _frame_sheet(
        allocation.totals, by, ALLOCATION_KEYS, lang, prefix + names["allocation"]
    )
    sensitivity = _frame_sheet(
        allocation.sensitivity, by, SENSITIVITY_KEYS, lang, prefix + names["sensitivity"]
    )
    published = [allocation.totals, allocation.sensitivity]
    items = _provenance_items(allocation, published, about, lang)
    provenance = _provenance_sheet(items, lang, prefix + names["provenance"])
    return [totals, sensitivity, provenance], items


def _sheets(
    result: Result, lang: Lang, about: Provenance, prefix: str = ""
) -> tuple[list[Sheet], list[tuple[str, str]], _Tables]:
    """Build the four sheets of one result, and its provenance items."""
    names = _texts(lang)["sheets"]
    tables = _tables(result, lang, about)
    estimates = _estimates_sheet(result, tables, lang, prefix + names["estimates"])
    comparisons = _comparisons_sheet(result, tables, lang, prefix + names["comparisons"])
    exclusions = _exclusions_sheet(tables, lang, prefix + names["exclusions"])
    items = _provenance_items(
        result, [tables.estimates, tables.comparisons], about, lang, tables.withheld
    )
    provenance = _provenance_sheet(items, lang, prefix + names["provenance"])
    return [estimates, comparisons, exclusions, provenance], items, tables


def _about(
    title: str | None,
    source: str | None,
    synthetic: bool,
    suppress: bool,
    min_n: int,
    words: Persons = "adults",
    labels: Mapping[str, str] | None = None,
    created: Created = "now",
    extra: Mapping[str, str] | None = None,
) -> Provenance:
    return Provenance(
        words=words,
        labels=dict(labels or {}),
        title=title,
        source=source,
        synthetic=bool(synthetic),
        suppress=bool(suppress),
        min_n=min_n,
        created=_moment(created),
        extra=_extra_items(extra),
    )


def _moment(created: Created) -> datetime | None:
    """Return the time a report records: now, a given time (in UTC), or none."""
    if isinstance(created, str):
        check_choice(created, "created", ("now",))
        return datetime.now(UTC).replace(microsecond=0)
    if created is None:
        return None
    if not isinstance(created, datetime):
        raise TypeError(BAD_CREATED.format(kind=type(created).__name__))
    if created.tzinfo is None:
        return created.replace(tzinfo=UTC, microsecond=0)
    return created.astimezone(UTC).replace(microsecond=0)


def _extra_items(extra: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    """Return the caller's own provenance items as (label, text) pairs, in their order."""
    if extra is None:
        return ()
    if not isinstance(extra, Mapping):
        raise TypeError(BAD_PROVENANCE.format(kind=type(extra).__name__))
    return tuple((str(label), str(text)) for label, text in extra.items())


ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)
"""The earliest time a zip file can hold; the workbook's time when none is recorded."""
CORE_TIMES = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def _fix_workbook_times(path: Path, moment: datetime | None) -> None:
    """Write the report's own time into a saved workbook instead of the time of saving.

    openpyxl writes the time of saving into the document properties (``docProps/core.xml``)
    and into every entry of the zip file, so two saves of the same sheets differ. Here
    both become the report's time (``moment``), and without one the properties' times are
    left out and the entries get the zip format's earliest time: the same sheets and
    provenance then give the same bytes.
    """
    stamp = ZIP_EPOCH if moment is None else max(moment, ZIP_EPOCH)
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = CORE_TIMES.sub(_core_time(moment), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            archive.writestr(fixed, data)


def _core_time(moment: datetime | None) -> Any:
    """Return the replacement of a time element of the document properties."""
    if moment is None:
        return b""
    text = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")

    def replace(match: re.Match[bytes]) -> bytes:
        name = match.group(1)
        return (
            b"<dcterms:"
            + name
            + b' xsi:type="dcterms:W3CDTF">'
            + text
            + b"</dcterms:"
            + name
            + b">"
        )

    return replace


def _write_workbook(sheets: Sequence[Sheet], path: Path, moment: datetime | None) -> Path:
    """Write sheets to an .xlsx file: numbers as numbers, every text as a string cell."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name[:31])
        for column, header in enumerate(sheet.headers, start=1):
            cell = ws.cell(row=1, column=column)
            _set_text(cell, header)
            cell.font = bold
        for number, (row, formats) in enumerate(zip(sheet.rows, sheet.formats, strict=True)):
            for column, (value, fmt) in enumerate(zip(row, formats, strict=True), start=1):
                cell = ws.cell(row=number + 2, column=column)
                if isinstance(value, str):
                    _set_text(cell, value)
                elif value is not None:
                    cell.value = value
                    if fmt is not None:
                        cell.number_format = fmt
        for column, header in enumerate(sheet.headers, start=1):
            width = max([len(str(header)), *(len(str(r[column - 1] or "")) for r in sheet.rows)])
            letter = ws.cell(row=1, column=column).column_letter
            ws.column_dimensions[letter].width = min(max(width + 2, 8), EXPLANATION_WIDTH)
            if width > EXPLANATION_WIDTH:
                for row_cells in ws.iter_rows(min_row=2, min_col=column, max_col=column):
                    row_cells[0].alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    book.save(path)
    _fix_workbook_times(path, moment)
    return path


def _set_text(cell: Any, text: str) -> None:
    """Write a text as a string cell, which a spreadsheet never runs as a formula."""
    cell.value = text
    cell.data_type = "s"


def to_excel(
    result: Result,
    path: str | Path,
    *,
    lang: Lang = "sv",
    suppress: bool = True,
    min_n: int = 3,
    source: str | None = None,
    synthetic: bool = False,
    title: str | None = None,
    created: Created = "now",
    provenance: Mapping[str, str] | None = None,
) -> Path:
    """Write a result to an Excel workbook; see :meth:`genderbudget.Result.to_excel`.

    ``created`` and ``provenance`` are those of :func:`report`.
    """
    check_choice(lang, "lang", LANGS)
    about = _about(title, source, synthetic, suppress, min_n, created=created, extra=provenance)
    sheets, _, _ = _sheets(result, lang, about)
    return _write_workbook(sheets, Path(path), about.created)


def _csv_value(value: Any, lang: Lang) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralised(value)
    text = repr(value)
    return text.replace(".", ",") if lang == "sv" and isinstance(value, float) else text


def _write_csv(sheet: Sheet, path: Path, lang: Lang) -> Path:
    delimiter = ";" if lang == "sv" else ","
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow([neutralised(h) for h in sheet.headers])
        for row in sheet.rows:
            writer.writerow([_csv_value(v, lang) for v in row])
    return path


CSV_NAMES = ("estimates", "comparisons", "exclusions", "provenance")


def to_csv(
    result: Result,
    folder: str | Path,
    *,
    lang: Lang = "sv",
    suppress: bool = True,
    min_n: int = 3,
    source: str | None = None,
    synthetic: bool = False,
    created: Created = "now",
    provenance: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write a result's tables as CSV files; see :meth:`genderbudget.Result.to_csv`.

    ``created`` and ``provenance`` are those of :func:`report`.
    """
    check_choice(lang, "lang", LANGS)
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise ValueError(NOT_A_FOLDER.format(path=str(target)))
    target.mkdir(parents=True, exist_ok=True)
    about = _about(None, source, synthetic, suppress, min_n, created=created, extra=provenance)
    sheets, _, _ = _sheets(result, lang, about)
    return [
        _write_csv(sheet, target / f"{name}.csv", lang)
        for sheet, name in zip(sheets, CSV_NAMES, strict=True)
    ]


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a;
       line-height: 1.5; }
h1 { font-size: 1.8rem; border-bottom: 3px solid #0072B2; padding-bottom: .3rem; }
h2 { font-size: 1.4rem; margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.1rem; margin-top: 1.5rem; }
p.verdict { margin: .4rem 0; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
table.provenance { border-collapse: collapse; font-size: .9rem; }
table.provenance td { border-top: 1px solid #ddd; padding: .2rem .6rem; vertical-align: top; }
.note { color: #555; font-style: italic; }
"""


def _chart_png(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<figure><img alt="" src="data:image/png;base64,{data}"></figure>'


def _charts(result: Result, tables: _Tables, lang: Lang, about: Provenance) -> list[str]:
    """Draw each measure's charts as embedded images; none for a measure with hidden cells."""
    words = _texts(lang)["html"]
    parts = []
    hidden = set(tables.estimates.loc[tables.hidden_estimates.to_numpy(), "measure"])
    for measure in result.settings.measures:
        if measure.kind == "count":
            continue
        if measure.name in hidden:
            label = html.escape(measure.label or measure.name)
            parts.append(f'<p class="note">{words["chart_left_out"].format(measure=label)}</p>')
            continue
        for kind in ("estimates", "gaps"):
            figure, _ = result.plot(
                kind,
                measure=measure,
                lang=lang,
                words=about.words,
                source=about.source,
                synthetic=about.synthetic,
            )
            parts.append(_chart_png(figure))
    return parts


def _section(
    result: Result,
    heading: str | None,
    lang: Lang,
    about: Provenance,
    charts: bool,
    level: int,
) -> str:
    """Write the HTML of one result: verdicts, tables, charts and provenance."""
    words = _texts(lang)
    _, items, tables = _sheets(result, lang, about)
    parts = []
    if heading is not None:
        parts.append(f"<h{level}>{html.escape(heading)}</h{level}>")
    sub = level + 1
    parts.append(f"<h{sub}>{html.escape(words['html']['verdicts'])}</h{sub}>")
    by = list(result.settings.by)
    index: Any
    for index, text in tables.explanations.items():
        shown = MARKER if bool(tables.hidden_comparisons.loc[index]) else text
        cell = " · ".join(str(tables.comparisons.at[index, b]) for b in by)
        lead = f"<strong>{html.escape(cell)}:</strong> " if cell else ""
        parts.append(f'<p class="verdict">{lead}{html.escape(str(shown))}</p>')
    parts.append(f"<h{sub}>{html.escape(words['html']['tables'])}</h{sub}>")
    kinds: tuple[Literal["comparisons", "estimates"], ...] = ("comparisons", "estimates")
    for kind in kinds:
        mask = _mask(tables, kind, result)
        gt = result.table(
            kind,
            lang=lang,
            source=about.source,
            synthetic=about.synthetic,
            words=about.words,
            suppressed=mask,
        )
        parts.append(gt.as_raw_html())
    if charts:
        parts.append(f"<h{sub}>{html.escape(words['html']['charts'])}</h{sub}>")
        parts += _charts(result, tables, lang, about)
    parts.append(f"<h{sub}>{html.escape(words['sheets']['provenance'])}</h{sub}>")
    parts.append(_provenance_html(items))
    return "\n".join(parts)


def _mask(tables: _Tables, kind: str, result: Result) -> pd.DataFrame | None:
    """Mark every column of a hidden row of the result's table, for the display."""
    hidden = tables.hidden_comparisons if kind == "comparisons" else tables.hidden_estimates
    if not hidden.any():
        return None
    frame = getattr(result, kind)
    return pd.DataFrame({c: hidden.to_numpy() for c in frame.columns}, index=frame.index)


def _page(title: str, body: Sequence[str], lang: Lang) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def to_html(
    result: Result,
    path: str | Path,
    *,
    lang: Lang = "sv",
    suppress: bool = True,
    min_n: int = 3,
    source: str | None = None,
    synthetic: bool = False,
    charts: bool = True,
    title: str | None = None,
    created: Created = "now",
    provenance: Mapping[str, str] | None = None,
) -> Path:
    """Write a result to one self-contained HTML file; see :meth:`genderbudget.Result.to_html`.

    ``created`` and ``provenance`` are those of :func:`report`.
    """
    check_choice(lang, "lang", LANGS)
    heading = title if title is not None else _texts(lang)["html"]["title"]
    about = _about(heading, source, synthetic, suppress, min_n, created=created, extra=provenance)
    body = _section(result, None, lang, about, charts, level=1)
    target = Path(path)
    target.write_text(_page(heading, [body], lang), encoding="utf-8")
    return target


def _pairs(results: Sequence[tuple[str, Result | Allocation]]) -> list[tuple[str, Any]]:
    from genderbudget._result import Result

    pairs = list(results)
    if not pairs:
        raise ValueError(NO_RESULTS)
    for position, pair in enumerate(pairs):
        if not (
            isinstance(pair, tuple)
            and len(pair) == 2
            and (isinstance(pair[1], Result) or _is_allocation(pair[1]))
        ):
            raise TypeError(NOT_A_RESULT.format(kind=type(pair).__name__, position=position))
    return [(str(title), obj) for title, obj in pairs]


def _allocation_section(
    allocation: Allocation, heading: str, lang: Lang, about: Provenance, charts: bool
) -> str:
    """Write the HTML of one allocation: its tables, its chart and its provenance."""
    from genderbudget._plot import plot_allocation
    from genderbudget._table import table

    words = _texts(lang)
    _, items = _allocation_sheets(allocation, lang, about)
    parts = [f"<h2>{html.escape(heading)}</h2>"]
    parts.append(f"<h3>{html.escape(words['html']['tables'])}</h3>")
    for kind in ("totals", "sensitivity"):
        gt = table(
            allocation,
            kind,
            lang=lang,
            words=about.words,
            source=about.source,
            synthetic=about.synthetic,
        )
        parts.append(gt.as_raw_html())
    if charts:
        parts.append(f"<h3>{html.escape(words['html']['charts'])}</h3>")
        figure, _ = plot_allocation(
            allocation,
            lang=lang,
            words=about.words,
            source=about.source,
            synthetic=about.synthetic,
        )
        parts.append(_chart_png(figure))
    parts.append(f"<h3>{html.escape(words['sheets']['provenance'])}</h3>")
    parts.append(_provenance_html(items))
    return "\n".join(parts)


def _provenance_html(items: Sequence[tuple[str, str]]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(label)}</td><td>{html.escape(value)}</td></tr>"
        for label, value in items
    )
    return f'<table class="provenance">{rows}</table>'


def report(
    results: Sequence[tuple[str, Result | Allocation]],
    html_path: str | Path,
    excel_path: str | Path | None = None,
    *,
    title: str | None = None,
    lang: Lang = "sv",
    suppress: bool = True,
    min_n: int = 3,
    sources: Mapping[str, str] | None = None,
    synthetic: bool = False,
    charts: bool = True,
    words: Mapping[str, Persons] | None = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
    created: Created = "now",
    provenance: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write several results to one HTML report and, optionally, one workbook.

    Parameters
    ----------
    results : sequence of (str, Result or Allocation)
        Each result of :func:`genderbudget.analyse` or allocation of
        :func:`genderbudget.allocate` with its title, in the order of the report.
    html_path : str or Path
        The HTML file to write (one self-contained page: tables, charts, provenance).
    excel_path : str or Path, optional
        The workbook to write: four sheets per result (estimates, comparisons, excluded
        rows, provenance) and three per allocation (the totals per driver and sex, the
        sensitivity to the driver, provenance), numbered in the order of ``results``.
    title : str, optional
        The report's title; by default *Jämställdhetsanalys* (*Gender analysis*).
    lang : {"sv", "en"}, default "sv"
        Language of every word and header.
    suppress : bool, default True
        Hide small cells of each result (:func:`genderbudget.suppress`) and show them as
        ``..``. An allocation's tables hold amounts, not counts of persons, and are
        written as they are.
    min_n : int, default 3
        The threshold of the suppression.
    sources : dict, optional
        The source of each result's data by its title (``{"SiS": "Statens
        institutionsstyrelse"}``).
    synthetic : bool, default False
        Say in every table, chart and provenance that the data are synthetic.
    charts : bool, default True
        Draw the charts of each measure into the HTML report.
    words : dict, optional
        The words for the sexes of a result by its title: ``"children"`` for girls and
        boys (*flickor och pojkar*); by default ``"adults"``.
    labels : dict, optional
        Words for a result's justified factors and measures in its explanations, by its
        title: ``{"Kriminalvården": {"sakerhetsklass": "säkerhetsklass"}}``.
    created : datetime, "now" or None, default "now"
        The time the provenance records (in UTC; a time without a zone is taken as UTC),
        also written as the workbook's creation and modification time. ``"now"``: the time
        of writing. None: no time is recorded, so that the same results give the same
        bytes of every data file whenever they are written.
    provenance : dict, optional
        More provenance items, label -> text, written after the fingerprint into every
        result's and allocation's provenance (e.g. the hash of the settings file and of
        the input file).

    Returns
    -------
    list of Path
        The files written: the HTML file, then the workbook when asked.

    Raises
    ------
    ValueError
        No results, an unknown language or a ``min_n`` below 1.
    TypeError
        An item of ``results`` is not a pair of a title and a Result or Allocation, or
        ``created`` is not a time.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import genderbudget as gb
    >>> data = gb.datasets.load_kriminalvarden()
    >>> work = gb.analyse(data, gb.rate("arbetsdrift"), sex="kon", by="ar")
    >>> cost = gb.analyse(data, gb.ratio("kostnad", "varddygn", cluster="anstalt"),
    ...                   sex="kon", by="ar")
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> written = gb.report([("Arbetsdrift", work), ("Kostnad", cost)],
    ...                     folder / "rapport.html", folder / "rapport.xlsx",
    ...                     synthetic=True, charts=False)
    >>> [path.name for path in written]
    ['rapport.html', 'rapport.xlsx']
    """
    check_choice(lang, "lang", LANGS)
    pairs = _pairs(results)
    sources = dict(sources or {})
    words = dict(words or {})
    labels = dict(labels or {})
    heading = title if title is not None else _texts(lang)["html"]["title"]
    moment = _moment(created)
    sections: list[str] = []
    sheets: list[Sheet] = []
    for number, (name, obj) in enumerate(pairs, start=1):
        about = _about(
            name,
            sources.get(name),
            synthetic,
            suppress,
            min_n,
            words=words.get(name, "adults"),
            labels=labels.get(name),
            created=moment,
            extra=provenance,
        )
        prefix = f"{number} "
        if _is_allocation(obj):
            sections.append(_allocation_section(obj, name, lang, about, charts))
            sheets += _allocation_sheets(obj, lang, about, prefix)[0]
        else:
            sections.append(_section(obj, name, lang, about, charts, level=2))
            sheets += _sheets(obj, lang, about, prefix)[0]
    target = Path(html_path)
    target.write_text(_page(heading, sections, lang), encoding="utf-8")
    written = [target]
    if excel_path is not None:
        written.append(_write_workbook(sheets, Path(excel_path), moment))
    return written
