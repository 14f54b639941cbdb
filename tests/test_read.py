"""Reading agency files (``genderbudget._read``): CSV, Excel, Parquet and DuckDB.

Each file is written here from one clean frame, in the shape a Swedish agency's systems
export it, and must read back to that frame exactly and give the same numbers through
``gb.analyse`` to full precision.
"""

from __future__ import annotations

import codecs
import datetime
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import genderbudget as gb
from genderbudget import _read
from genderbudget._read import MissingFileError, ReadError

NBSP, NNBSP, MINUS = "\u00a0", "\u202f", "\u2212"
ROWS = 40
HEADER = ["Kön", "Enhet", "Arbete", "Kostnad", "Vårddygn"]


def clean() -> pd.DataFrame:
    """The data every file below holds: Swedish words, blanks, amounts with öre."""
    rng = np.random.default_rng(14)
    work = rng.choice(["Ja", "Nej"], ROWS).astype(object)
    work[[3, 17, 30]] = None
    cents = rng.integers(-90_000, 350_000_000, ROWS)
    cost = cents / 100
    cost[[5, 22]] = np.nan
    return pd.DataFrame(
        {
            "Kön": ["Kvinna" if i % 3 else "Man" for i in range(ROWS)],
            "Enhet": rng.choice(
                ["Göteborg", "Malmö", "Örebro", "Västerås", "Skåne"], ROWS
            ).tolist(),
            "Arbete": work.tolist(),
            "Kostnad": cost,
            "Vårddygn": rng.integers(1, 4_000, ROWS).tolist(),
        }
    )


def swedish(value: float, row: int, *, unicode_signs: bool = False) -> str:
    """A number as a Swedish Excel writes it: decimal comma, spaces between thousands."""
    if np.isnan(value):
        return ""
    spaces = [" ", NBSP, NNBSP] if unicode_signs else [" ", NBSP]
    whole, cents = divmod(round(abs(value) * 100), 100)
    grouped = f"{whole:,}".replace(",", spaces[row % len(spaces)])
    sign = (MINUS if unicode_signs and row % 2 else "-") if value < 0 else ""
    return f"{sign}{grouped},{cents:02d}"


def swedish_csv(frame: pd.DataFrame, *, unicode_signs: bool = False) -> str:
    """The frame as Excel's 'CSV (semikolonavgränsad)': ';', CRLF, blanks, an empty row."""
    lines = [";".join(frame.columns)]
    for row, record in enumerate(frame.itertuples(index=False)):
        sex, unit, work, cost, days = record
        cells = [
            sex,
            unit,
            ("  " if row % 2 else "") if pd.isna(work) else work,
            swedish(cost, row, unicode_signs=unicode_signs),
            f"{days:,}".replace(",", NBSP),
        ]
        lines.append(";".join(cells))
        if row == 10:
            lines.append(";;;;")
    return "\r\n".join(lines) + "\r\n"


def write(folder: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def cp1252_file(folder: Path) -> Path:
    return write(folder, "kostnader.csv", swedish_csv(clean()), "cp1252")


def bom_file(folder: Path) -> Path:
    text = swedish_csv(clean(), unicode_signs=True)
    return write(folder, "kostnader_bom.csv", codecs.BOM_UTF8 + text.encode("utf-8"))


def excel_file(folder: Path, frame: pd.DataFrame | None = None) -> Path:
    """A workbook as an agency sends it: a title row and an empty row above the header."""
    frame = clean() if frame is None else frame
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Kostnader"
    sheet.append(["Kostnad per klient 2025 (syntetiska data)"])
    sheet.append([])
    sheet.append(list(frame.columns))
    for record in frame.itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in record])
    other = workbook.create_sheet("Anteckningar")
    other.append(["Källa", "Uttag"])
    other.append(["Ekonomisystemet", "2025-03-01"])
    path = folder / "kostnader.xlsx"
    workbook.save(path)
    return path


def parquet_file(folder: Path) -> Path:
    path = folder / "kostnader.parquet"
    clean().to_parquet(path)
    return path


def duckdb_file(folder: Path) -> Path:
    duckdb = pytest.importorskip("duckdb")
    path = folder / "kostnader.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.register("clean_frame", clean())
        connection.execute("create table kostnader as select * from clean_frame")
    return path


def in_engine(frame: pd.DataFrame, output: str) -> Any:
    """The clean frame handed to polars or DuckDB directly, not through a file."""
    if output == "polars":
        return pytest.importorskip("polars").from_pandas(frame)
    connection = pytest.importorskip("duckdb").connect()
    connection.register("clean_frame", frame)
    return connection.sql("select * from clean_frame")


def numbers(frame: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A rate of the Ja/Nej column and a mean of the cost by sex, as gb.analyse gives them."""
    result = gb.analyse(frame, [gb.rate("Arbete"), gb.mean("Kostnad")], sex="Kön")
    return result.estimates, result.comparisons


READERS: dict[str, Any] = {
    "csv_cp1252": lambda folder: gb.read_table(cp1252_file(folder)),
    "csv_utf8_bom": lambda folder: gb.read_table(bom_file(folder)),
    "excel": lambda folder: gb.read_table(excel_file(folder)),
    "parquet": lambda folder: gb.read_table(parquet_file(folder)),
    "duckdb_file": lambda folder: gb.read_table(
        duckdb_file(folder), query="select * from kostnader"
    ),
    "duckdb_over_parquet": lambda folder: gb.read_table(
        query=f"select * from '{parquet_file(folder)}'"
    ),
}


@pytest.mark.parametrize("kind", list(READERS))
def test_each_file_reads_to_the_clean_frame_and_the_same_numbers(kind: str, tmp_path: Path) -> None:
    frame, report = READERS[kind](tmp_path)
    expected = clean()
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    assert report.rows == ROWS
    assert report.columns == tuple(HEADER)
    for got, want in zip(numbers(frame), numbers(expected), strict=True):
        pd.testing.assert_frame_equal(got, want, check_exact=True)


@pytest.mark.parametrize("output", ["polars", "duckdb"])
@pytest.mark.parametrize("kind", ["csv_cp1252", "excel", "parquet", "duckdb_file"])
def test_polars_and_duckdb_output_give_the_same_numbers(
    kind: str, output: str, tmp_path: Path
) -> None:
    pytest.importorskip(output)
    path = {
        "csv_cp1252": cp1252_file,
        "excel": excel_file,
        "parquet": parquet_file,
        "duckdb_file": duckdb_file,
    }[kind](tmp_path)
    query = "select * from kostnader" if kind == "duckdb_file" else None
    frame, report = gb.read_table(path, query=query, output=output)
    module = type(frame).__module__
    assert module.startswith(output), module
    assert report.rows == ROWS
    as_pandas = frame.to_pandas() if output == "polars" else frame.df()
    pd.testing.assert_frame_equal(as_pandas, clean(), check_exact=True)
    # The same numbers as the clean frame handed to the same engine (DuckDB sums in its own
    # order, so its means may differ from pandas' in the last bit: 2e-16 relative here).
    engine = in_engine(clean(), output)
    for got, want in zip(numbers(frame), numbers(engine), strict=True):
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    for got, want in zip(numbers(frame), numbers(clean()), strict=True):
        pd.testing.assert_frame_equal(got, want, rtol=1e-14)


# --- the report ----------------------------------------------------------------------------


def test_the_cp1252_report_says_what_was_detected_and_converted(tmp_path: Path) -> None:
    path = cp1252_file(tmp_path)
    reading = gb.read_table(path)
    frame, report = reading  # unpacks
    assert reading.frame is frame
    assert (report.source, report.kind, report.encoding, report.sep) == (
        "kostnader.csv",
        "csv",
        "cp1252",
        ";",
    )
    assert (report.decimal, report.thousands, report.header_row, report.sheet) == (
        ",",
        " " + NBSP,
        1,
        None,
    )
    assert report.converted == {
        "Kostnad": "text with decimal comma and thousands separator ' ' or '\\xa0' -> number",
        "Vårddygn": "text with thousands separator '\\xa0' -> number",
    }
    # Arbete: 3 missing (one of them whitespace only); Kostnad: 2; the ';;;;' row skipped.
    assert report.blanks == {"Arbete": 3, "Kostnad": 2}
    assert (report.skipped_rows, report.skipped_columns, report.kept_as_text) == (0 + 1, 0, {})
    assert report.fingerprint == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_bom_file_is_detected_with_narrow_spaces_and_minus_signs(tmp_path: Path) -> None:
    report = gb.read_table(bom_file(tmp_path)).report
    assert report.encoding == "utf-8-sig"
    assert report.thousands == " " + NBSP + NNBSP
    assert report.columns[0] == "Kön"  # no byte order mark in the first name


def test_as_dict_is_json_with_sorted_keys_and_no_folder(tmp_path: Path) -> None:
    report = gb.read_table(cp1252_file(tmp_path)).report
    as_dict = report.as_dict()
    assert list(as_dict) == sorted(as_dict)
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert as_dict["columns"] == HEADER
    assert str(tmp_path) not in json.dumps(as_dict) + report.text("sv") + report.text("en")


def test_the_report_in_swedish_and_english(tmp_path: Path) -> None:
    report = gb.read_table(cp1252_file(tmp_path)).report
    assert str(report) == report.text("sv") == report.text()
    assert report.text("sv") == (
        "Läste kostnader.csv (CSV-fil): 40 rader och 5 kolumner. Läst med teckenkodning "
        "Windows-1252, avgränsare ';', decimaltecken ',', tusentalsavgränsare mellanslag och "
        "hårt mellanslag, rubriker på rad 1. Omvandlat från text till tal: Kostnad, Vårddygn. "
        "Tomma celler lästa som saknade värden: Arbete (3), Kostnad (2). Tomma rader som "
        "hoppades över: 1."
    )
    assert report.text("en") == (
        "Read kostnader.csv (CSV file): 40 rows and 5 columns. Read with encoding "
        "Windows-1252, delimiter ';', decimal separator ',', thousands separator space and "
        "no-break space, header on row 1. Converted from text to numbers: Kostnad, Vårddygn. "
        "Blank cells read as missing: Arbete (3), Kostnad (2). Empty rows skipped: 1."
    )
    with pytest.raises(ValueError, match="lang='de' is not allowed"):
        report.text("de")  # type: ignore[arg-type]


def test_the_excel_report_names_sheet_and_header_row(tmp_path: Path) -> None:
    report = gb.read_table(excel_file(tmp_path)).report
    assert (report.kind, report.sheet, report.header_row, report.encoding) == (
        "excel",
        "Kostnader",
        3,
        None,
    )
    assert report.converted == {}  # numbers were numbers already
    assert "blad 'Kostnader'" in report.text("sv")
    assert "header on row 3" in report.text("en")


def test_a_query_is_fingerprinted_with_the_files_it_reads(tmp_path: Path) -> None:
    path = parquet_file(tmp_path)
    query = f"select * from '{path}'"
    report = gb.read_table(query=query).report
    assert (report.source, report.kind) == ("kostnader.parquet", "duckdb")
    first = gb.read_table(query=query).report.fingerprint
    assert report.fingerprint == first
    other = gb.read_table(query=query + " where Vårddygn > 0").report.fingerprint
    assert other != first
    path.write_bytes(path.read_bytes())  # same bytes, same fingerprint
    assert gb.read_table(query=query).report.fingerprint == first


# --- CSV: delimiters, encodings and numbers ------------------------------------------------


@pytest.mark.parametrize(
    ("sep", "decimal"), [(",", "."), ("\t", ","), ("|", ","), (";", ".")], ids=repr
)
def test_the_delimiter_is_detected(sep: str, decimal: str, tmp_path: Path) -> None:
    text = sep.join(["kon", "belopp", "namn"]) + "\n"
    text += sep.join(["K", f"12{decimal}5", '"Ek, Åsa"']) + "\n"
    text += sep.join(["M", "3", "Berg"]) + "\n"
    frame, report = gb.read_table(write(tmp_path, "a.txt", text))
    assert report.sep == sep
    assert frame["belopp"].tolist() == [12.5, 3.0]
    assert frame["namn"].tolist() == ["Ek, Åsa", "Berg"]


def test_a_single_column_file_needs_no_delimiter(tmp_path: Path) -> None:
    frame, report = gb.read_table(write(tmp_path, "a.csv", 'kon\nK\n"M, man"\n'))
    assert frame["kon"].tolist() == ["K", "M, man"]
    assert report.sep is None


def test_header_row_skips_title_lines_of_a_csv_file(tmp_path: Path) -> None:
    text = "Rapport 2025\n\nkon;belopp\nK;1 000\n"
    frame, report = gb.read_table(write(tmp_path, "a.csv", text), header_row=3)
    assert frame.to_dict("list") == {"kon": ["K"], "belopp": [1000]}
    assert report.header_row == 3


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (["1 234,5", "−7", "+3", "0,25"], [1234.5, -7.0, 3.0, 0.25]),
        (["1" + NBSP + "234" + NBSP + "567", "12"], [1234567, 12]),
        (["1.234.567,89", "2,5"], [1234567.89, 2.5]),
        (["1,234,567.89", "2.5"], [1234567.89, 2.5]),
        (["1,5E+03", "2"], [1500, 2]),
        (["1.234", "0.5"], [1.234, 0.5]),  # 0.5 rules out '.' between thousands
        (["12,5", "1,234"], [12.5, 1.234]),  # 12,5 rules out ',' between thousands
    ],
)
def test_numbers_in_each_format_are_read(
    written: list[str], expected: list[float], tmp_path: Path
) -> None:
    text = "x\n" + "\n".join(f'"{v}"' for v in written) + "\n"
    frame, report = gb.read_table(write(tmp_path, "a.csv", text))
    assert frame["x"].tolist() == expected
    assert report.converted["x"].endswith("-> number")


def test_whole_numbers_are_integers_and_blanks_make_floats(tmp_path: Path) -> None:
    frame, _ = gb.read_table(write(tmp_path, "a.csv", "a;b\n1;1\n2;\n"))
    assert (frame["a"].dtype, frame["b"].dtype) == (np.dtype("int64"), np.dtype("float64"))


@pytest.mark.parametrize(
    ("values", "char"),
    [(["1.234", "2.500"], "."), (["1,234", "12"], ",")],
)
def test_an_ambiguous_column_is_an_error_with_examples_and_the_options(
    values: list[str], char: str, tmp_path: Path
) -> None:
    text = "kon;belopp\n" + "".join(f'K;"{v}"\n' for v in values)
    path = write(tmp_path, "belopp.csv", text)
    with pytest.raises(ReadError) as caught:
        gb.read_table(path)
    message = str(caught.value)
    assert message.startswith(
        "Column 'belopp' of file 'belopp.csv' can be read as numbers in two ways"
    )
    first = values[0]
    shown = f"{first!r} is {first.replace(char, '.')} or {first.replace(char, '')}"
    assert shown in message
    assert f"decimal={char!r}" in message
    assert f"thousands={char!r}" in message
    assert str(tmp_path) not in message


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"decimal": "."}, [1.234, 2.5]),
        ({"decimal": ","}, [1234, 2500]),
        ({"thousands": "."}, [1234, 2500]),
        ({"thousands": ""}, [1.234, 2.5]),
    ],
    ids=repr,
)
def test_the_option_settles_an_ambiguous_column(
    options: dict[str, str], expected: list[float], tmp_path: Path
) -> None:
    path = write(tmp_path, "a.csv", "kon;belopp\nK;1.234\nM;2.500\n")
    frame, report = gb.read_table(path, **options)  # type: ignore[arg-type]
    assert frame["belopp"].tolist() == expected
    assert report.decimal == (None if expected[0] == 1234 else ".")


def test_a_given_decimal_keeps_a_column_in_another_format_as_text(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "kon;belopp\nK;12.5\nM;3.75\n")
    frame, report = gb.read_table(path, decimal=",")
    assert frame["belopp"].tolist() == ["12.5", "3.75"]
    assert "belopp" not in report.converted


def test_a_column_of_mostly_numbers_stays_text_and_the_report_says_so(tmp_path: Path) -> None:
    text = "kon;kostnad\nK;1 200,50\nM;800\nK;saknas\nM;950\nK;saknas\n"
    frame, report = gb.read_table(write(tmp_path, "a.csv", text))
    assert frame["kostnad"].tolist() == ["1 200,50", "800", "saknas", "950", "saknas"]
    assert report.kept_as_text == {
        "kostnad": "2 of 5 values are not numbers: 'saknas' (2 rows); kept as text"
    }
    assert "Behållet som text fast värdena liknar tal: kostnad" in report.text("sv")
    # The analysis then names the values that are not numbers.
    with pytest.raises(ValueError, match=r"1 value is not a number: 'saknas' \(2 rows\)"):
        gb.analyse(frame, gb.mean("kostnad"), sex="kon")


def test_an_identity_number_in_a_mostly_numeric_column_is_not_shown(tmp_path: Path) -> None:
    text = "kon;x\nK;19121212-1212\nM;1\nK;2\n"
    report = gb.read_table(write(tmp_path, "a.csv", text)).report
    assert "1212" not in report.kept_as_text["x"]
    assert (
        "look" in report.kept_as_text["x"]
        and "personal identity number" in report.kept_as_text["x"]
    )


@pytest.mark.parametrize("code", ["0180", "1234567890123456"])
def test_codes_with_leading_zeros_or_many_digits_stay_text(code: str, tmp_path: Path) -> None:
    frame, report = gb.read_table(write(tmp_path, "a.csv", f"kon;kod\nK;{code}\nM;1480\n"))
    assert frame["kod"].tolist() == [code, "1480"]
    assert "are codes, not numbers" in report.kept_as_text["kod"]


def test_text_stays_text(tmp_path: Path) -> None:
    text = "kon;arbete;datum\nKvinna;Ja;2025-01-31\nMan;Nej;2025-02-01\n"
    frame, report = gb.read_table(write(tmp_path, "a.csv", text))
    assert frame.to_dict("list") == {
        "kon": ["Kvinna", "Man"],
        "arbete": ["Ja", "Nej"],
        "datum": ["2025-01-31", "2025-02-01"],
    }
    assert report.converted == {}


def test_empty_unnamed_columns_and_empty_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    text = "kon;x;\nK;1;\n;;\nM;2;\n\n"
    frame, report = gb.read_table(write(tmp_path, "a.csv", text))
    assert frame.to_dict("list") == {"kon": ["K", "M"], "x": [1, 2]}
    assert (report.skipped_rows, report.skipped_columns) == (2, 1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_subnormal=False),
        min_size=1,
        max_size=30,
    )
)
def test_swedish_formatted_numbers_read_back_to_the_same_floats(values: list[float]) -> None:
    """Any float written with a decimal comma and no-break spaces reads back exactly."""
    import tempfile

    def written(value: float) -> str:
        text = repr(value)
        if "e" in text or "E" in text:
            mantissa, exponent = text.lower().split("e")
            return mantissa.replace(".", ",") + "E" + exponent
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        whole, _, fraction = digits.partition(".")
        grouped = f"{int(whole):,}".replace(",", NBSP)
        return sign.replace("-", MINUS) + grouped + ("," + fraction if fraction else "")

    folder = Path(tempfile.mkdtemp())
    # A decimal part in the first value rules out ',' between thousands in every reading.
    lines = ["kon;belopp", "K;0,5"] + [f"M;{written(v)}" for v in values]
    path = write(folder, "tal.csv", "\n".join(lines) + "\n")
    frame, _ = gb.read_table(path)
    assert frame["belopp"].tolist()[1:] == [v + 0.0 for v in values]


# --- CSV: encodings ------------------------------------------------------------------------


def test_a_cp1252_file_declared_utf8_is_an_error_naming_line_and_byte(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "kon;enhet\nK;Malmö\n", "cp1252")
    with pytest.raises(ReadError) as caught:
        gb.read_table(path, encoding="utf-8")
    assert str(caught.value) == (
        "File 'a.csv' cannot be read as utf-8: byte 0xF6 at line 2, position 7, is not valid "
        "there. A Swedish Excel saves CSV in Windows-1252: try encoding='cp1252', or leave "
        "encoding out to detect it."
    )
    frame, report = gb.read_table(path, encoding="cp1252")
    assert (frame["enhet"].tolist(), report.encoding) == (["Malmö"], "cp1252")


def test_a_utf8_file_declared_cp1252_is_an_error_not_mojibake(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "kon;enhet\nK;Malmö\n")
    with pytest.raises(ReadError, match=r"would read it as 'MalmÃ¶'. Leave encoding out"):
        gb.read_table(path, encoding="cp1252")


def test_a_file_in_neither_encoding_is_an_error_asking_for_it(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", b"kon;x\nK;\x81\n")
    with pytest.raises(ReadError, match=r"is neither UTF-8 nor Windows-1252: byte 0x81 at line 2"):
        gb.read_table(path)
    frame, _ = gb.read_table(path, encoding="latin-1")
    assert frame["x"].tolist() == ["\x81"]


# --- Excel ---------------------------------------------------------------------------------


def test_excel_sheet_by_name_or_index_and_header_row_given(tmp_path: Path) -> None:
    path = excel_file(tmp_path)
    by_index = gb.read_table(path, sheet=0).frame
    by_name = gb.read_table(path, sheet="Kostnader", header_row=3).frame
    pd.testing.assert_frame_equal(by_index, by_name)
    notes, report = gb.read_table(path, sheet=1)
    assert notes.to_dict("list") == {"Källa": ["Ekonomisystemet"], "Uttag": ["2025-03-01"]}
    assert report.sheet == "Anteckningar"


def test_excel_text_numbers_are_converted_and_dates_stay_dates(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "kon": ["K", "M", "K"],
            "belopp": ["1 234,50", 99, "−2,5"],
            "datum": [datetime.datetime(2025, 1, 31), datetime.datetime(2025, 2, 1), None],
            "svar": [True, False, True],
        }
    )
    read, report = gb.read_table(excel_file(tmp_path, frame))
    assert read["belopp"].tolist() == [1234.5, 99.0, -2.5]
    assert report.converted == {
        "belopp": "text numbers with decimal comma and thousands separator ' ' -> number"
    }
    assert read["datum"].tolist()[:2] == [pd.Timestamp(2025, 1, 31), pd.Timestamp(2025, 2, 1)]
    assert pd.isna(read["datum"].iloc[2])
    assert read["svar"].tolist() == [True, False, True]


def test_excel_header_detection_skips_titles_and_notes_above(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Myndigheten för vård"])
    sheet.append(["Utdrag", "2025-03-01"])
    sheet.append([])
    sheet.append([None, "kon", "belopp", "enhet"])  # the table starts in column B
    sheet.append([None, "K", 10, "A"])
    sheet.append([None, "M", 20, "B"])
    sheet.append([])
    path = tmp_path / "b.xlsx"
    workbook.save(path)
    frame, report = gb.read_table(path)
    assert report.header_row == 4
    assert frame.to_dict("list") == {"kon": ["K", "M"], "belopp": [10, 20], "enhet": ["A", "B"]}


# --- errors --------------------------------------------------------------------------------


def test_a_missing_file_is_a_file_not_found_error_naming_the_file_only(tmp_path: Path) -> None:
    cp1252_file(tmp_path)
    with pytest.raises(MissingFileError) as caught:
        gb.read_table(tmp_path / "kostnder.csv")
    assert isinstance(caught.value, FileNotFoundError) and isinstance(caught.value, ValueError)
    assert str(caught.value) == (
        "File 'kostnder.csv' was not found. Did you mean 'kostnader.csv'? Check the file name "
        "and its folder (a name without a folder is looked for in the current working folder)."
    )
    with pytest.raises(FileNotFoundError, match=r"^File 'nowhere.csv' was not found. Check"):
        gb.read_table(tmp_path / "no_folder" / "nowhere.csv")


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r"is a folder, not a file"):
        gb.read_table(tmp_path)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("data.json", "File 'data.json' has the extension '.json', which read_table cannot read. "
         "Supported: .csv, .txt, .tsv (text with delimiters), .xlsx, .xlsm (Excel), .parquet"),
        ("data", "File 'data' has the extension '(none)'"),
        ("data.xls", "File 'data.xls' is in the old Excel format (.xls), which read_table cannot "
         "read. Open it in Excel and save it as an Excel workbook (.xlsx)"),
    ],
)  # fmt: skip
def test_an_unknown_extension_says_what_is_supported(
    name: str, expected: str, tmp_path: Path
) -> None:
    with pytest.raises(ReadError, match=re.escape(expected)):
        gb.read_table(write(tmp_path, name, "a;b\n1;2\n"))


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.csv", "", "File 'a.csv' is empty: it has no header and no rows."),
        ("a.csv", "\r\n \r\n", "File 'a.csv' is empty"),
        ("a.csv", "kon;x\n", "File 'a.csv' has a header ('kon', 'x') but no rows of data."),
        ("a.xlsx", "", "File 'a.xlsx' is empty"),
        ("a.parquet", "", "File 'a.parquet' is empty"),
    ],
)
def test_an_empty_file_is_an_error(name: str, data: str, expected: str, tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=re.escape(expected)):
        gb.read_table(write(tmp_path, name, data))


def test_an_empty_sheet_and_a_header_only_sheet_are_errors(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["kon", "x"])
    workbook.create_sheet("Tom")
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    with pytest.raises(ReadError, match=r"has a header \('kon', 'x'\) but no rows of data"):
        gb.read_table(path)
    with pytest.raises(ReadError, match=r"File 'a.xlsx' is empty"):
        gb.read_table(path, sheet="Tom")


def test_a_repeated_column_name_is_named_with_its_places(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "kon;belopp;belopp\nK;1;2\n")
    with pytest.raises(ReadError) as caught:
        gb.read_table(path)
    assert str(caught.value) == (
        "File 'a.csv': the header (row 1) names 'belopp' 2 times (column 2, column 3). Each "
        "column needs its own name: rename the columns in the file, e.g. 'belopp' and "
        "'belopp_2'."
    )


def test_a_repeated_name_in_excel_gives_the_column_letters(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["kon", "belopp", "belopp"])
    workbook.active.append(["K", 1, 2])
    workbook.save(tmp_path / "a.xlsx")
    with pytest.raises(ReadError, match=r"names 'belopp' 2 times \(column B, column C\)"):
        gb.read_table(tmp_path / "a.xlsx")


def test_a_blank_column_name_over_data_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as caught:
        gb.read_table(write(tmp_path, "a.csv", "kon;;x\nK;1;2\n"))
    assert str(caught.value) == (
        "File 'a.csv': the header (row 1) has no name for column 2, which holds data. Every "
        "column needs a name: write one in the file's header."
    )


def test_a_line_with_too_many_fields_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "kon;x\nK;1\nM;2;3\n")
    with pytest.raises(ReadError) as caught:
        gb.read_table(path, sep=";")
    assert str(caught.value) == (
        "File 'a.csv': line 3 has 3 fields where the header has 2 (the delimiter is ';'). A "
        "value holding the delimiter must be in double quotes; check that line, or give sep= "
        "if the delimiter is another."
    )


def test_an_undetectable_delimiter_asks_for_sep(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "a;b\n1;2;3\n4\n")
    with pytest.raises(ReadError, match=r"the delimiter could not be detected.*sep=';'"):
        gb.read_table(path)


def test_two_possible_delimiters_ask_for_sep(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "a;b,c\n1;2,3\n")
    with pytest.raises(ReadError, match=r"both ';' and ',' split each .* sep=';' or sep=','"):
        gb.read_table(path)


def test_a_missing_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = excel_file(tmp_path)
    with pytest.raises(ReadError) as caught:
        gb.read_table(path, sheet="Blad1")
    assert str(caught.value) == (
        "File 'kostnader.xlsx' has no sheet 'Blad1'. Its sheets: 0: 'Kostnader', "
        "1: 'Anteckningar'. Give sheet= one of these names, or its number counted from 0."
    )
    with pytest.raises(ReadError, match=r"has no sheet 2\."):
        gb.read_table(path, sheet=2)


def test_a_header_row_past_the_end_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r"has 6 rows, so header_row=9 is past its end"):
        gb.read_table(excel_file(tmp_path, clean().head(3)), header_row=9)


def test_a_sheet_without_a_text_header_asks_for_header_row(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append([1, 2])
    workbook.active.append([3, 4])
    workbook.save(tmp_path / "a.xlsx")
    with pytest.raises(ReadError, match=r"no header row found in the first 2 rows.*header_row="):
        gb.read_table(tmp_path / "a.xlsx")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"decimal": ";"}, "decimal=';' is not allowed. Allowed values: ',', '.'"),
        ({"thousands": "'"}, 'thousands="\'" is not allowed'),
        ({"decimal": ",", "thousands": ","}, "are the same character"),
        ({"sep": ";;"}, "sep must be a single character"),
        ({"header_row": 0}, "header_row must be the header's row number as Excel shows it"),
        ({"sheet": -1}, "sheet must be a sheet's name (str) or its number counted from 0"),
        ({"encoding": "svenska"}, "encoding='svenska' is not an encoding Python knows"),
        ({"output": "arrow"}, "output='arrow' is not allowed"),
        ({"sheet": "Blad1"}, "sheet= is not used for csv files such as 'a.csv'; leave it out."),
        ({"query": "select 1"}, "'a.csv' is a csv file. Leave query= out"),
    ],
    ids=repr,
)
def test_bad_options_are_errors_naming_the_option(
    options: dict[str, Any], expected: str, tmp_path: Path
) -> None:
    path = write(tmp_path, "a.csv", "kon;x\nK;1\n")
    with pytest.raises(ValueError, match=re.escape(expected)):
        gb.read_table(path, **options)


def test_options_not_used_for_parquet_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"decimal=, encoding= are not used for parquet files"):
        gb.read_table(parquet_file(tmp_path), decimal=",", encoding="utf-8")


def test_neither_file_nor_query_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"needs a file \(source=\) or a DuckDB query"):
        gb.read_table()


def test_a_database_without_a_query_lists_its_tables(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as caught:
        gb.read_table(duckdb_file(tmp_path))
    assert str(caught.value) == (
        "File 'kostnader.duckdb' is a DuckDB database: say what to read with query=, e.g. "
        "query='select * from my_table'. Its tables: 'kostnader'."
    )


def test_a_failing_query_gives_duckdbs_reason_without_folders(tmp_path: Path) -> None:
    missing = tmp_path / "saknas.parquet"
    with pytest.raises(ReadError) as caught:
        gb.read_table(query=f"select * from '{missing}'")
    message = str(caught.value)
    assert message.startswith("The DuckDB query could not be run: ")
    assert "saknas.parquet" in message
    assert str(tmp_path) not in message
    with pytest.raises(ReadError, match=r"Table with name tabell does not exist"):
        gb.read_table(duckdb_file(tmp_path), query="select * from tabell")


@pytest.mark.parametrize(
    ("hidden", "call", "package"),
    [
        (["duckdb"], lambda folder: gb.read_table(query="select 1 as a"), "duckdb"),
        (
            ["pyarrow", "pyarrow.parquet", "duckdb", "polars"],
            lambda folder: gb.read_table(folder / "kostnader.parquet"),
            "pyarrow",
        ),
        (["polars"], lambda folder: gb.read_table(cp1252_file(folder), output="polars"), "polars"),
    ],
    ids=["duckdb", "pyarrow", "polars"],
)
def test_a_missing_package_says_which_to_install(
    hidden: list[str], call: Any, package: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parquet_file(tmp_path)  # written before the packages are hidden
    for module in hidden:
        monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ReadError) as caught:
        call(tmp_path)
    assert f"needs the Python package {package}, which is not installed" in str(caught.value)
    assert f"pip install {package} (or pip install 'genderbudget[files]'" in str(caught.value)


def test_parquet_falls_back_to_duckdb_without_pyarrow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = parquet_file(tmp_path)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    frame = _read.read_table(path).frame
    pd.testing.assert_frame_equal(frame, clean(), check_exact=True)


def test_an_identity_number_as_a_repeated_column_name_is_masked(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "kon;19121212-1212;19121212-1212\nK;1;2\n")
    with pytest.raises(ReadError) as caught:
        gb.read_table(path)
    assert "<personal identity number>" in str(caught.value)
    assert "1212-1212" not in str(caught.value)


@pytest.mark.parametrize("thousands", [" ", NBSP, NNBSP])
def test_a_given_space_separator_accepts_every_kind_of_space(
    thousands: str, tmp_path: Path
) -> None:
    text = f"kon;x\nK;1 000,5\nM;2{NBSP}000\nK;3{NNBSP}000\n"
    frame, report = gb.read_table(write(tmp_path, "a.csv", text), thousands=thousands)
    assert frame["x"].tolist() == [1000.5, 2000.0, 3000.0]
    assert report.thousands == " " + NBSP + NNBSP


def test_an_excel_column_of_numbers_with_a_text_cell_stays_text(tmp_path: Path) -> None:
    frame = pd.DataFrame({"kon": ["K", "M", "K"], "belopp": [100, "saknas", 250.5]})
    read, report = gb.read_table(excel_file(tmp_path, frame))
    assert read["belopp"].tolist() == [100, "saknas", 250.5]
    assert report.kept_as_text == {
        "belopp": "1 of 3 values are not numbers: 'saknas' (1 row); kept as text"
    }
    assert "belopp" not in report.converted


def test_readings_compare_by_identity_and_reports_by_value(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "kon;x\nK;1\n")
    first, second = gb.read_table(path), gb.read_table(path)
    assert first == first and first != second  # no 'truth value of a DataFrame' error
    assert first.report == second.report
