"""No personal identity number reaches an output: errors, warnings, tables, texts, reprs.

Identity numbers (personnummer, samordningsnummer) are fed through every public function in
every role a column can have; everything the call produces is captured as text and scanned
for any 10 digits in a row of one of the numbers, with or without separators between them.
The check digits are computed here with an independent Luhn implementation, itself checked
against Skatteverket's published example 640823-3234.
"""

from __future__ import annotations

import datetime
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest

import genderbudget as gb
from genderbudget._privacy import (
    PLACEHOLDER,
    check_identity_numbers,
    looks_like_identity_number,
    mask_identity_numbers,
    parse_identity_numbers,
)


def _luhn(nine_digits: str) -> str:
    """Luhn check digit: weights 2, 1, 2, ... from the left, digit sums of the products."""
    total = 0
    for i, char in enumerate(nine_digits):
        product = int(char) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def _number(date: str, serial: str) -> str:
    """YYMMDDNNNC from a six-digit date and a three-digit serial."""
    return date + serial + _luhn(date + serial)


def test_the_check_digit_helper_gives_skatteverkets_example() -> None:
    # Skatteverket: 640823-323C, products 12 4 0 8 4 3 6 2 6, digit sum 36, C = 4.
    assert _number("640823", "323") == "6408233234"


# Each person a number of its own, in every accepted layout (and some with spaces).
_TEN = {
    "dash": _number("640823", "323"),  # 640823-3234
    "twelve": _number("721105", "238"),  # as 19721105NNNC
    "twelve_dash": _number("850317", "146"),  # as 19850317-NNNC
    "plain": _number("910930", "552"),  # as YYMMDDNNNC
    "plus": _number("130517", "457"),  # as YYMMDD+NNNC (born 1913)
    "coordination": _number("780884", "261"),  # day 24 + 60
    "coordination_twelve": _number("590171", "903"),  # day 11 + 60, as 12 digits
    "spaces": _number("680402", "411"),  # as "680402 - NNNC"
    "integer": _number("930614", "782"),  # as an integer
    "integer_twelve": _number("011129", "245"),  # as 20011129NNNC, an integer
    "integer_nine": _number("050607", "334"),  # as an integer: the leading zero is lost
}
_WRITTEN: dict[str, object] = {
    "dash": f"{_TEN['dash'][:6]}-{_TEN['dash'][6:]}",
    "twelve": "19" + _TEN["twelve"],
    "twelve_dash": f"19{_TEN['twelve_dash'][:6]}-{_TEN['twelve_dash'][6:]}",
    "plain": _TEN["plain"],
    "plus": f"{_TEN['plus'][:6]}+{_TEN['plus'][6:]}",
    "coordination": f"{_TEN['coordination'][:6]}-{_TEN['coordination'][6:]}",
    "coordination_twelve": "19" + _TEN["coordination_twelve"],
    "spaces": f"{_TEN['spaces'][:6]} - {_TEN['spaces'][6:]}",
    "integer": int(_TEN["integer"]),
    "integer_twelve": int("20" + _TEN["integer_twelve"]),
    "integer_nine": int(_TEN["integer_nine"]),
}
_AS_TEXT = [str(v) for v in _WRITTEN.values()]
_AS_INTEGERS = [int(n) for n in _TEN.values()]


def _digit_runs(number: str) -> list[str]:
    """The runs whose appearance counts as a leak: every 10 digits in a row of the number.

    A number that lost its leading zero has 9 digits; then those 9 count.
    """
    digits = re.sub(r"\D", "", number)
    if len(digits) < 10:
        return [digits]
    return [digits[i : i + 10] for i in range(len(digits) - 9)]


_RUNS = sorted({run for n in [*_TEN.values(), *_AS_TEXT] for run in _digit_runs(n)})
# Digits stay together across a dash, a plus, a space (also the narrow and no-break spaces of
# Swedish number formats), a comma or a point, so "640823 - 3234" and "6,408,233,234" count.
_SEPARATORS = re.compile(r"(?<=\d)[-+ ,.\u00a0\u202f]+(?=\d)")


def _leaks(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        joined = _SEPARATORS.sub("", text)
        found += [run for run in _RUNS if run in joined]
    return found


def test_the_scan_finds_a_number_written_in_any_layout() -> None:
    assert _leaks([f"got {_WRITTEN['dash']}"])
    assert _leaks([f"got {_WRITTEN['spaces']}"])
    assert _leaks(["got 6 408 233 234 kr"])
    assert _leaks([f"got {float(_TEN['integer'])!r}"])
    assert _leaks([f"got {_WRITTEN['integer_nine']}"])
    assert not _leaks([f"got {PLACEHOLDER}, 12,345 rows, 2020"])


# --------------------------------------------------------------------------------------------
# Capturing everything a call produces
# --------------------------------------------------------------------------------------------


def _frame_texts(frame: pd.DataFrame | pd.Series) -> Iterator[str]:
    yield frame.to_string()
    yield repr(frame)
    frame = frame.to_frame() if isinstance(frame, pd.Series) else frame
    yield " ".join(str(c) for c in frame.columns)
    yield " ".join(str(i) for i in frame.index)
    for column in frame.columns:
        yield " ".join(str(value) for value in frame[column].tolist())


def _result_texts(result: gb.Result) -> Iterator[str]:
    yield repr(result)
    yield repr(result.settings)
    for name in (
        "estimates",
        "comparisons",
        "exclusions",
        "accounting",
        "resource_access",
        "representation",
    ):
        yield from _frame_texts(getattr(result, name))
    for lang in ("sv", "en"):
        for table in ("estimates", "comparisons", "representation"):
            yield from _frame_texts(result.notes(table, lang=lang))  # type: ignore[arg-type]
        yield from _frame_texts(result.explain(lang))  # type: ignore[arg-type]


def _allocation_texts(allocation: gb.Allocation) -> Iterator[str]:
    yield repr(allocation)
    for name in ("table", "totals", "sensitivity", "overhead"):
        yield from _frame_texts(getattr(allocation, name))


def _texts_of(output: object) -> Iterator[str]:
    if isinstance(output, gb.Result):
        yield from _result_texts(output)
    elif isinstance(output, gb.Allocation):
        yield from _allocation_texts(output)
    elif isinstance(output, pd.DataFrame | pd.Series):
        yield from _frame_texts(output)
    else:
        yield repr(output)
        yield str(output)


class Captured:
    """Everything a call produced: its output or error, and its warnings, as text."""

    def __init__(self, call: Callable[[], object]) -> None:
        self.error: BaseException | None = None
        self.texts: list[str] = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                output = call()
            except (ValueError, TypeError) as error:
                self.error = error
                self.texts += [str(error), repr(error)]
            else:
                self.texts += list(_texts_of(output))
        self.texts += [str(w.message) for w in caught]

    @property
    def message(self) -> str:
        return str(self.error)


def _captured(call: Callable[[], object]) -> Captured:
    captured = Captured(call)
    assert _leaks(captured.texts) == [], captured.texts
    return captured


# --------------------------------------------------------------------------------------------
# Data with identity numbers in every column role
# --------------------------------------------------------------------------------------------


def _data() -> pd.DataFrame:
    n = len(_WRITTEN)
    pnr_text = pd.Series(_AS_TEXT * 2, dtype=object)
    return pd.DataFrame(
        {
            "kon": ["K", "M"] * n,
            "kostnad": np.linspace(1000.0, 5000.0, 2 * n),
            "dagar": np.arange(1, 2 * n + 1, dtype=np.float64),
            "fick": [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0] * 2,
            "ar": [2020] * n + [2021] * n,
            "avd": ["A", "B"] * n,
            "pnr": pnr_text,  # strings in every layout, each person twice (one per sex)
            "pnr_int": _AS_INTEGERS * 2,
            "pnr_mixed": pd.Series(list(_WRITTEN.values()) * 2, dtype=object),
        }
    )


_IDENTITY_COLUMNS = ["pnr", "pnr_int", "pnr_mixed"]


def _assert_hidden(captured: Captured) -> None:
    """The error says identity numbers were there without showing them."""
    assert captured.error is not None
    assert "like personal identity number" in captured.message


# --------------------------------------------------------------------------------------------
# The masking rule
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", [*_WRITTEN.values(), float(_TEN["integer"]), np.int64(6408233234)]
)
def test_every_layout_is_recognised(value: object) -> None:
    assert looks_like_identity_number(value)


@pytest.mark.parametrize(
    "value",
    [
        "640823-3235",  # wrong check digit
        "641323-3237",  # month 13 (right check digit)
        "000229+1235",  # 29 February 1900 (the + marks 100 years or more)
        1234567890.5,  # an amount with öre
        2291243,  # a short integer: too common as an amount to be masked
        1_000_000,
        2020,
        "K",
        None,
        True,
        "556016-0680",  # an organisation number: month 60 is no month
    ],
)
def test_other_values_are_not_masked(value: object) -> None:
    assert not looks_like_identity_number(value)


def test_numbers_inside_a_text_are_masked_and_the_rest_kept() -> None:
    text = f"rows {_WRITTEN['spaces']} and {_WRITTEN['twelve']}; 1234567890 kr, 640823-3235"
    assert mask_identity_numbers(text) == (
        f"rows {PLACEHOLDER} and {PLACEHOLDER}; 1234567890 kr, 640823-3235"
    )


def test_quoted_values_are_masked() -> None:
    from genderbudget._options import quoted

    assert quoted(["K", _WRITTEN["dash"], _WRITTEN["integer"]]) == (
        f"'K', {PLACEHOLDER}, {PLACEHOLDER}"
    )


# --------------------------------------------------------------------------------------------
# The + separator fixes the century (Skatteverket: + from the year a person turns 100)
# --------------------------------------------------------------------------------------------


def _bad_dates(values: list[str], today: datetime.date) -> list[bool]:
    parsed = parse_identity_numbers(pd.Series(values, dtype=object))
    return check_identity_numbers(parsed, today=today)[0].tolist()


def test_a_plus_puts_the_birth_year_a_century_back() -> None:
    # 000229-123C and 000229+123C have check digit 5 (products 0 0 0 2 4 9 2 2 6, sum 25).
    # In 2026: with - the year is 2000 (a leap year), with + it is 1900 (not a leap year).
    today = datetime.date(2026, 11, 30)
    assert _bad_dates(["000229-1235", "000229+1235"], today) == [False, True]
    # 040229+123C (products 0 4 0 2 4 9 2 2 6, sum 29, C = 1): 1904 is a leap year.
    assert _bad_dates(["040229+1231"], today) == [False]
    # In 2101, 000229-1235 would be someone born in 2100, which is not a leap year.
    assert _bad_dates(["000229-1235"], datetime.date(2101, 1, 1)) == [True]


def test_sex_from_personnummer_refuses_29_february_1900() -> None:
    with pytest.raises(ValueError, match="1 impossible date"):
        gb.sex_from_personnummer(["000229+1235"])
    assert gb.sex_from_personnummer(["000229-1235"]).tolist() == ["men"]


# --------------------------------------------------------------------------------------------
# Every output path
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("column", _IDENTITY_COLUMNS)
def test_sex_column_of_identity_numbers(column: str) -> None:
    captured = _captured(lambda: gb.analyse(_data(), gb.mean("kostnad"), sex=column))
    _assert_hidden(captured)
    assert "gb.sex_from_personnummer" in captured.message
    assert f"{len(_WRITTEN)} values" in captured.message
    assert f"({2 * len(_WRITTEN)} rows;" in captured.message


def test_sex_column_in_other_engines(constructor: Callable[[pd.DataFrame], Any]) -> None:
    data = constructor(_data()[["kon", "kostnad", "pnr", "pnr_int"]])
    for column in ("pnr", "pnr_int"):
        _assert_hidden(_captured(lambda c=column: gb.analyse(data, gb.mean("kostnad"), sex=c)))


def test_normalize_sex_lists_other_codes_but_hides_identity_numbers() -> None:
    values = pd.Series(["K", "X", "X", *_AS_TEXT], name="kon")
    captured = _captured(lambda: gb.normalize_sex(values))
    assert "'X' (2 rows)" in captured.message
    _assert_hidden(captured)


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(list(_WRITTEN.values()), dtype=object),
        pd.Series(_AS_INTEGERS),
        pd.Series(_AS_INTEGERS, dtype=np.float64),
        list(_WRITTEN.values()),
        np.array(_AS_TEXT),
    ],
)
def test_normalize_sex_of_identity_numbers(values: Any) -> None:
    _assert_hidden(_captured(lambda: gb.normalize_sex(values)))


def test_normalize_sex_of_a_polars_series() -> None:
    pl = pytest.importorskip("polars")
    _assert_hidden(_captured(lambda: gb.normalize_sex(pl.Series("pnr", _AS_TEXT))))
    _assert_hidden(_captured(lambda: gb.normalize_sex(pl.Series("pnr", _AS_INTEGERS))))


def test_mapping_keys_are_masked() -> None:
    captured = _captured(
        lambda: gb.normalize_sex(["K"], mapping={_WRITTEN["dash"]: "kvinna"})  # type: ignore[dict-item]
    )
    assert PLACEHOLDER in captured.message


def test_sex_from_personnummer_shows_positions_only() -> None:
    bad = [f"{v}9" if isinstance(v, str) else v for v in _WRITTEN.values()]
    captured = _captured(lambda: gb.sex_from_personnummer(bad + _AS_TEXT))
    assert captured.error is not None
    coded = _captured(lambda: gb.sex_from_personnummer(bad + _AS_TEXT, invalid="unknown"))
    assert coded.texts


@pytest.mark.parametrize("column", ["pnr", "pnr_mixed"])
@pytest.mark.parametrize("measure", [gb.mean, gb.total, gb.rate], ids=["mean", "total", "rate"])
def test_identity_numbers_as_text_in_a_measure_column(
    column: str, measure: Callable[[str], gb.Measure]
) -> None:
    _assert_hidden(_captured(lambda: gb.analyse(_data(), measure(column), sex="kon")))


def test_identity_numbers_as_counts_of_a_rate() -> None:
    data = _data().assign(n=1)
    captured = _captured(lambda: gb.analyse(data, gb.rate("pnr_int"), sex="kon", n="n"))
    assert f"{PLACEHOLDER} of 1" in captured.message


def test_identity_numbers_as_a_rate_without_counts() -> None:
    captured = _captured(lambda: gb.analyse(_data(), gb.rate("pnr_int"), sex="kon"))
    _assert_hidden(captured)


def test_identity_numbers_as_numbers_of_a_mean_over_several_persons() -> None:
    # Each cell has many persons, so no estimate equals one person's number.
    captured = _captured(
        lambda: gb.analyse(_data(), [gb.mean("pnr_int"), gb.total("pnr_int")], sex="kon")
    )
    assert captured.error is None


@pytest.mark.parametrize("column", _IDENTITY_COLUMNS)
def test_breakdown_of_identity_numbers_is_refused(column: str) -> None:
    captured = _captured(lambda: gb.analyse(_data(), gb.mean("kostnad"), sex="kon", by=column))
    _assert_hidden(captured)
    assert f"Column '{column}' (a breakdown column, by=)" in captured.message
    assert f"{len(_WRITTEN)} distinct values" in captured.message


def test_breakdown_refused_in_other_engines(constructor: Callable[[pd.DataFrame], Any]) -> None:
    data = constructor(_data()[["kon", "kostnad", "pnr", "pnr_int"]])
    for column in ("pnr", "pnr_int"):
        captured = _captured(lambda c=column: gb.analyse(data, gb.mean("kostnad"), sex="kon", by=c))
        _assert_hidden(captured)


def test_one_identity_number_among_ordinary_labels_is_refused() -> None:
    data = _data().assign(enhet=["A"] * (2 * len(_WRITTEN) - 1) + [_WRITTEN["dash"]])
    captured = _captured(lambda: gb.analyse(data, gb.mean("kostnad"), sex="kon", by="enhet"))
    _assert_hidden(captured)
    assert "has 1 distinct value looking like personal identity numbers" in captured.message
    assert "in 1 row." in captured.message


@pytest.mark.parametrize("column", _IDENTITY_COLUMNS)
def test_cluster_of_identity_numbers_is_refused(column: str) -> None:
    for measure in (
        gb.mean("kostnad", cluster=column),
        gb.ratio("kostnad", "dagar", cluster=column),
        gb.rate("fick", cluster=column),
    ):
        captured = _captured(lambda m=measure: gb.analyse(_data(), m, sex="kon"))
        _assert_hidden(captured)
        assert f"Column '{column}' (the cluster of measure" in captured.message


@pytest.mark.parametrize("column", _IDENTITY_COLUMNS)
def test_identity_numbers_as_a_justified_factor(column: str) -> None:
    _captured(lambda: gb.analyse(_data(), gb.rate("fick"), sex="kon", justified=column))
    _captured(lambda: gb.analyse(_data(), gb.mean("kostnad"), sex="kon", justified=column))


@pytest.mark.parametrize("column", _IDENTITY_COLUMNS)
def test_equalize(column: str) -> None:
    data = _data()
    _assert_hidden(_captured(lambda: gb.equalize(data, gb.rate("fick"), sex=column)))
    _assert_hidden(_captured(lambda: gb.equalize(data, gb.rate("fick"), sex="kon", by=column)))
    _assert_hidden(_captured(lambda: gb.equalize(data, gb.rate("fick"), sex="kon", cluster=column)))
    _captured(lambda: gb.equalize(data, gb.rate("fick"), sex="kon", justified=column))
    _captured(lambda: gb.equalize(data, gb.mean("kostnad"), sex="kon", justified=column))


def test_equalize_options() -> None:
    data = _data()
    for target in (_WRITTEN["dash"], _WRITTEN["integer"]):
        captured = _captured(
            lambda t=target: gb.equalize(data, gb.rate("fick"), sex="kon", target=t)
        )
        assert PLACEHOLDER in captured.message
    captured = _captured(
        lambda: gb.equalize(data, gb.rate("fick"), sex="kon", unit_cost=_WRITTEN["dash"])
    )
    assert PLACEHOLDER in captured.message
    result = gb.analyse(data, gb.rate("fick"), sex="kon", by="ar")
    captured = _captured(lambda: gb.equalize(result, "fick", sex=_WRITTEN["dash"]))
    assert PLACEHOLDER in captured.message


def test_follow_up() -> None:
    result = gb.analyse(_data(), gb.mean("kostnad"), sex="kon", by=["ar", "avd"])
    captured = _captured(lambda: gb.follow_up(result, "kostnad", time=_WRITTEN["dash"]))
    assert PLACEHOLDER in captured.message
    captured = _captured(
        lambda: gb.follow_up(result, "kostnad", time="ar", target_year=_WRITTEN["dash"])
    )
    assert PLACEHOLDER in captured.message
    captured = _captured(lambda: gb.follow_up(result, "kostnad", time="ar"))
    assert captured.error is None


@pytest.mark.parametrize("column", _IDENTITY_COLUMNS)
def test_oaxaca_and_decompose_cost(column: str) -> None:
    data = _data()
    _assert_hidden(_captured(lambda: gb.oaxaca(data, "kostnad", sex=column, justified="dagar")))
    _assert_hidden(
        _captured(lambda: gb.oaxaca(data, "kostnad", sex="kon", justified="dagar", by=column))
    )
    _captured(lambda: gb.oaxaca(data, "kostnad", sex="kon", justified=column))
    _captured(lambda: gb.oaxaca(data, "kostnad", sex="kon", justified=column, categorical=column))
    _assert_hidden(
        _captured(lambda: gb.decompose_cost(data, "kostnad", "dagar", sex=column, justified="avd"))
    )
    _assert_hidden(
        _captured(
            lambda: gb.decompose_cost(
                data, "kostnad", "dagar", sex="kon", justified="avd", cluster=column
            )
        )
    )
    _captured(
        lambda: gb.decompose_cost(
            data, "kostnad", "dagar", sex="kon", justified=column, categorical=column
        )
    )


def test_a_factor_of_identity_numbers_is_refused_by_its_role() -> None:
    captured = _captured(
        lambda: gb.oaxaca(_data(), "kostnad", sex="kon", justified="pnr", categorical="pnr")
    )
    _assert_hidden(captured)
    assert "Column 'pnr' (a justified factor, justified=)" in captured.message
    captured = _captured(
        lambda: gb.decompose_cost(
            _data(), "kostnad", "dagar", sex="kon", justified="avd", cluster="pnr_int"
        )
    )
    assert "Column 'pnr_int' (the unit column, cluster=)" in captured.message


def _allocation_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    costs = pd.DataFrame({"objekt": ["A", "B"], "kostnad": [1000.0, 100.0], "ar": [2020, 2020]})
    drivers = pd.DataFrame(
        {
            "objekt": ["A", "A", "B", "B"],
            "kon": ["K", "M", "K", "M"],
            "mottagare": [3, 1, 1, 1],
            "ar": [2020] * 4,
        }
    )
    return costs, drivers


def _allocate(costs: pd.DataFrame, drivers: pd.DataFrame, **options: Any) -> gb.Allocation:
    arguments: dict[str, Any] = {
        "cost_object": "objekt",
        "amount": "kostnad",
        "sex": "kon",
        "driver": "mottagare",
    }
    arguments.update(options)
    return gb.allocate(costs, drivers, **arguments)


@pytest.mark.parametrize("number", [_WRITTEN["dash"], _WRITTEN["integer"], _WRITTEN["spaces"]])
def test_allocate(number: object) -> None:
    costs, drivers = _allocation_inputs()
    assert _captured(lambda: _allocate(costs, drivers)).error is None
    as_object = (
        costs.assign(objekt=["A", number]),
        drivers.assign(objekt=["A", "A", number, number]),
    )
    _assert_hidden(_captured(lambda: _allocate(*as_object)))
    as_by = (costs.assign(ar=number), drivers.assign(ar=number))
    _assert_hidden(_captured(lambda: _allocate(*as_by, by="ar")))
    as_sex = drivers.assign(kon=["K", number, "K", "M"])
    _assert_hidden(_captured(lambda: _allocate(costs, as_sex)))
    as_amount = costs.assign(kostnad=pd.Series([1000.0, str(number)], dtype=object))
    assert PLACEHOLDER in _captured(lambda: _allocate(as_amount, drivers)).message
    as_driver = drivers.assign(mottagare=pd.Series([3, 1, str(number), 1], dtype=object))
    assert PLACEHOLDER in _captured(lambda: _allocate(costs, as_driver)).message
    assert (
        PLACEHOLDER
        in _captured(lambda: _allocate(costs, drivers, round_to=-int(_TEN["integer"]))).message
    )


def test_options_of_every_function() -> None:
    data = _data()
    number = _WRITTEN["dash"]
    calls: list[Callable[[], object]] = [
        lambda: gb.analyse(data, gb.mean("kostnad"), sex="kon", confidence=number),  # type: ignore[arg-type]
        lambda: gb.analyse(data, gb.mean("kostnad"), sex="kon", p_adjust=number),  # type: ignore[arg-type]
        lambda: gb.analyse(data, gb.mean("kostnad"), sex=_WRITTEN["integer"]),  # type: ignore[arg-type]
        lambda: gb.analyse(data, gb.mean("kostnad"), sex="kon", by=[number, number]),  # type: ignore[list-item]
        lambda: gb.analyse(data, gb.mean(number), sex="kon"),  # type: ignore[arg-type]
        lambda: gb.analyse(data, number, sex="kon"),  # type: ignore[arg-type]
        lambda: gb.mean(_WRITTEN["integer"]),  # type: ignore[arg-type]
        lambda: gb.mean("kostnad", direction=number),  # type: ignore[arg-type]
        lambda: gb.FlagRule(alpha=_WRITTEN["integer"]),  # type: ignore[arg-type]
        lambda: gb.FlagRule(min_n=-_WRITTEN["integer"]),  # type: ignore[operator]
        lambda: gb.oaxaca(data, "kostnad", sex="kon", justified="dagar", reference=number),  # type: ignore[arg-type]
        lambda: gb.phase_in(pd.DataFrame(), years=number),  # type: ignore[arg-type]
        lambda: gb.method_label(number, "sv"),
    ]
    for call in calls:
        captured = _captured(call)
        assert captured.error is not None


def test_explain_with_labels_and_a_result_repr() -> None:
    result = gb.analyse(_data(), gb.rate("fick"), sex="kon", justified="avd", by="ar")
    captured = _captured(lambda: result.explain("en", labels={"avd": _WRITTEN["integer"]}))  # type: ignore[dict-item]
    assert PLACEHOLDER in captured.message
    assert _captured(lambda: result).error is None


def test_exported_files_hold_no_identity_number(tmp_path: Path) -> None:
    # The rows carry identity numbers next to the columns analysed; the Excel, HTML and CSV
    # files (with and without suppression) are read back as text and scanned.
    result = gb.analyse(
        _data(),
        [gb.mean("kostnad"), gb.rate("fick"), gb.ratio("kostnad", "dagar")],
        sex="kon",
        by="ar",
        justified="avd",
    )
    texts: list[str] = []
    for suppress in (True, False):
        workbook = tmp_path / f"rapport_{suppress}.xlsx"
        result.to_excel(workbook, suppress=suppress)
        sheets = openpyxl.load_workbook(workbook, read_only=True)
        for sheet in sheets.worksheets:
            texts += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v]
        page = tmp_path / f"rapport_{suppress}.html"
        result.to_html(page, suppress=suppress)
        texts.append(page.read_text(encoding="utf-8"))
        folder = tmp_path / f"csv_{suppress}"
        result.to_csv(folder, suppress=suppress)
        texts += [p.read_text(encoding="utf-8-sig") for p in sorted(folder.rglob("*.csv"))]
    assert len(texts) > 10
    assert _leaks(texts) == []


@pytest.mark.parametrize(
    "args",
    [
        ["--sex", "pnr", "--count"],  # identity numbers as the sex column
        ["--sex", "kon", "--count", "--by", "pnr"],  # as a breakdown: refused
        ["--sex", "kon", "--rate", "pnr"],  # as a yes/no column
        ["--sex", "kon", "--mean", "kostnad", "--by", "ar", "--justified", "avd"],  # alongside
    ],
)
def test_the_command_line_prints_no_identity_number(tmp_path: Path, args: list[str]) -> None:
    # A file with identity numbers in a column through `genderbudget analyse`: what it prints
    # on stdout and stderr, whether it succeeds or fails, holds none of them.
    from click.testing import CliRunner

    from genderbudget._cli import cli

    path = tmp_path / "personer.csv"
    _data().drop(columns=["pnr_int"]).to_csv(path, sep=";", index=False)
    result = CliRunner().invoke(cli, ["analyse", str(path), *args, "--no-suppress"])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert _leaks([result.stdout, result.stderr]) == []
    assert len(result.stdout + result.stderr) > 20
