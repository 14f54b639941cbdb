"""Codes as agencies export them: yes/no columns of rates, sex columns with booleans, hints.

A rate accepts the yes/no codes of agency exports (ja/nej, j/n, sant/falskt, true/false,
booleans, 1/0 as numbers or text), in every engine, and gives exactly the numbers of the same
column coded 0/1; :attr:`Result.coding` says how each distinct value was read. A sex column
never takes a boolean for SCB's 1 (man). A text column in a numeric measure gets a hint that
works for the values it holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import genderbudget as gb

SEX = ["K", "M"] * 6
# Women: 4 of 6 got it; men: 1 of 6 (hand count of the pattern below).
GOT_IT = [1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0]


def _raises(match: str) -> Any:
    return pytest.raises(ValueError, match=re.escape(match))


def _coded(yes: object, no: object) -> list[object]:
    return [yes if got else no for got in GOT_IT]


def _numbers(result: gb.Result) -> pd.DataFrame:
    columns = ["sex", "n", "estimate", "ci_low", "ci_high"]
    return result.estimates[columns].reset_index(drop=True)


REFERENCE = gb.analyse(pd.DataFrame({"kon": SEX, "a": GOT_IT}), gb.rate("a"), sex="kon")

CODE_PAIRS = [
    ("ja", "nej"),
    ("Ja", "Nej"),
    (" JA ", "nej "),
    ("j", "n"),
    ("J", "N"),
    ("Sant", "Falskt"),
    ("TRUE", "false"),
    ("1", "0"),
]


@pytest.mark.parametrize(("yes", "no"), CODE_PAIRS)
def test_a_rate_reads_yes_no_text_like_0_1(
    constructor: Callable[..., Any], yes: str, no: str
) -> None:
    data = pd.DataFrame({"kon": SEX, "a": _coded(yes, no)})
    result = gb.analyse(constructor(data), gb.rate("a"), sex="kon")
    pd.testing.assert_frame_equal(_numbers(result), _numbers(REFERENCE))
    # Hand count: women 4 of 6, men 1 of 6.
    assert result.estimates.set_index("sex")["estimate"].to_dict() == {
        "women": pytest.approx(4 / 6),
        "men": pytest.approx(1 / 6),
    }
    pd.testing.assert_frame_equal(
        result.comparisons.drop(columns=["note", "note_codes"]),
        REFERENCE.comparisons.drop(columns=["note", "note_codes"]),
    )


def test_a_rate_reads_booleans_numbers_and_text_mixed_in_one_column() -> None:
    raw = [True, 0, "ja", 1.0, "Sant", False, "1", "nej", np.False_, 0, "n", "0"]
    data = pd.DataFrame({"kon": SEX, "a": pd.Series(raw, dtype=object)})
    result = gb.analyse(data, gb.rate("a"), sex="kon")
    pd.testing.assert_frame_equal(_numbers(result), _numbers(REFERENCE))


def test_missing_and_empty_cells_of_a_yes_no_column_are_excluded(
    constructor: Callable[..., Any],
) -> None:
    codes = ["ja", "nej", None, "", "  ", "ja", "nej", "nej", "ja", "nej", "ja", "nej"]
    data = pd.DataFrame({"kon": SEX, "a": codes})
    result = gb.analyse(constructor(data), gb.rate("a"), sex="kon")
    # Hand count: women rows 0, 2, 4, 6, 8, 10 -> ja, None, "  ", nej, ja, ja: 3 of 4;
    # men rows 1, 3, 5, 7, 9, 11 -> nej, "", ja, nej, nej, nej: 1 of 5.
    estimates = result.estimates.set_index("sex")
    assert estimates["n"].to_dict() == {"women": 4, "men": 5}
    assert estimates["estimate"].to_dict() == {
        "women": pytest.approx(3 / 4),
        "men": pytest.approx(1 / 5),
    }
    assert result.exclusions.to_dict("records") == [
        {"measure": "a", "column": "a", "reason": "missing_value", "rows": 3}
    ]
    assert result.accounting["rows_excluded"].tolist() == [3]


def test_a_marked_column_reads_the_mark_as_yes_and_empty_cells_as_no(
    constructor: Callable[..., Any],
) -> None:
    marks = ["x", "", "X ", "x", "x", None, "x", "", None, None, None, " "]
    data = pd.DataFrame({"kon": SEX, "a": marks})
    result = gb.analyse(constructor(data), gb.rate("a", marked="x"), sex="kon")
    pd.testing.assert_frame_equal(_numbers(result), _numbers(REFERENCE))
    assert result.exclusions.empty
    with _raises("has values that are not a yes/no code: 'x' (4 rows), 'X ' (1 row)."):
        gb.analyse(constructor(data), gb.rate("a"), sex="kon")
    with _raises("If a mark such as 'x' means yes and an empty cell means no, say so with "):
        gb.analyse(constructor(data), gb.rate("a"), sex="kon")


def test_the_coding_report_counts_every_value() -> None:
    codes = ["ja", "Nej", "ja", None, "ja", "Nej", "JA", "Nej", "ja", "Nej", "ja", "Nej"]
    data = pd.DataFrame({"kon": SEX, "a": codes})
    coding = gb.analyse(data, gb.rate("a"), sex="kon").coding
    assert list(coding.columns) == ["column", "value", "coded_as", "rows"]
    rows = {(r.column, r.value, r.coded_as): r.rows for r in coding.itertuples()}
    assert rows == {
        ("kon", "K", "women"): 6,
        ("kon", "M", "men"): 6,
        ("a", "ja", "yes"): 5,
        ("a", "Nej", "no"): 5,
        ("a", "JA", "yes"): 1,
        ("a", None, "missing"): 1,
    }
    assert coding.loc[coding["column"] == "a", "rows"].sum() == len(data)


def test_a_numeric_rate_column_needs_no_coding() -> None:
    assert REFERENCE.coding["column"].tolist() == ["kon", "kon"]


def test_unrecognised_yes_no_values_are_named_with_their_rows(
    constructor: Callable[..., Any],
) -> None:
    codes = ["ja", "nej", "kanske", "ja", "vet ej", "kanske", "ja", "nej"] + ["nej"] * 4
    data = pd.DataFrame({"kon": SEX, "a": codes})
    with _raises(
        "Column 'a' (used by rate('a')) must say yes or no for each person, but has values "
        "that are not a yes/no code: 'kanske' (2 rows), 'vet ej' (1 row). Recognised, "
        "ignoring case and surrounding spaces: ja/nej, j/n, sant/falskt, true/false, 1/0 "
        "(numbers or text) and booleans; empty and missing cells are missing. If a mark "
        "such as 'x' means yes and an empty cell means no, say so with rate('a', "
        "marked='x'). Recode the other values, e.g. data['a'] = data['a'].replace("
        "{'kanske': 'nej'}), or set them to missing"
    ):
        gb.analyse(constructor(data), gb.rate("a"), sex="kon")


def test_a_number_other_than_0_or_1_among_yes_no_text_is_named() -> None:
    data = pd.DataFrame({"kon": SEX, "a": pd.Series(["ja", 2] + ["nej"] * 10, dtype=object)})
    with _raises("that are not a yes/no code: 2 (1 row)."):
        gb.analyse(data, gb.rate("a"), sex="kon")


def test_marks_are_checked() -> None:
    with _raises("marked must be the text that marks a yes, e.g. marked='x', got ''"):
        gb.rate("a", marked="")
    with _raises("got 'Ja'; it cannot be empty or one of the codes"):
        gb.rate("a", marked="Ja")
    data = pd.DataFrame({"kon": SEX, "a": ["x"] * 12})
    with _raises("Column 'a' is read by two rates with different marks (marked='x' and "):
        gb.analyse(data, [gb.rate("a", marked="x"), gb.rate("a", name="b")], sex="kon")


def test_equalize_reads_yes_no_text_like_0_1(constructor: Callable[..., Any]) -> None:
    data = pd.DataFrame({"kon": SEX, "a": _coded("Ja", "Nej")})
    plan = gb.equalize(constructor(data), gb.rate("a"), sex="kon")
    reference = gb.equalize(pd.DataFrame({"kon": SEX, "a": GOT_IT}), gb.rate("a"), sex="kon")
    pd.testing.assert_frame_equal(plan, reference)


def test_counts_of_pre_aggregated_input_must_still_be_numbers() -> None:
    data = pd.DataFrame({"kon": ["K", "M"], "antal": [10, 10], "a": ["ja", "nej"]})
    with _raises("Column 'a' (used by measure 'a') must be numeric but has type String"):
        gb.analyse(data, gb.rate("a"), sex="kon", n="antal")


# --- sex codes that are booleans ------------------------------------------------------------

MIXED_SEX = pd.Series([1, True, 2, 2, 1, True, 2, 1], dtype=object, name="kon")


def _sex_message() -> str:
    with pytest.raises(ValueError) as caught:
        gb.normalize_sex(MIXED_SEX)
    return str(caught.value)


def test_a_boolean_among_scb_codes_is_refused_like_normalize_sex() -> None:
    message = _sex_message()
    assert "True (2 rows)" in message
    data = pd.DataFrame({"kon": MIXED_SEX, "a": [1, 0, 1, 0, 1, 0, 1, 0]})
    calls: list[Callable[[], object]] = [
        lambda: gb.analyse(data, gb.rate("a"), sex="kon"),
        lambda: gb.equalize(data, gb.rate("a"), sex="kon"),
        lambda: gb.oaxaca(data.assign(f=[1, 2] * 4), "a", sex="kon", factors="f"),
        lambda: gb.decompose_cost(
            data.assign(f=[1, 2] * 4, d=1.0), "a", "d", sex="kon", justified="f"
        ),
    ]
    for call in calls:
        with _raises(message):
            call()


def test_a_boolean_sex_column_is_refused_in_every_engine(
    constructor: Callable[..., Any],
) -> None:
    data = pd.DataFrame({"kon": [True, False] * 4, "a": [1, 0] * 4})
    with _raises("Column 'kon' has values that are not a recognised sex code: False (4 rows)"):
        gb.analyse(constructor(data), gb.rate("a"), sex="kon")


def test_mapped_booleans_are_kept_apart_from_scb_codes() -> None:
    data = pd.DataFrame({"kon": MIXED_SEX, "a": [1, 0, 1, 0, 1, 0, 1, 0]})
    result = gb.analyse(data, gb.count(), sex="kon", mapping={True: "unknown"})
    # Hand count: 1 (men) x3, 2 (women) x3, True x2 -> unknown.
    assert result.estimates.set_index("sex")["n"].to_dict() == {
        "women": 3,
        "men": 3,
        "unknown": 2,
    }
    expected = gb.normalize_sex(MIXED_SEX, mapping={True: "unknown"}).value_counts()
    assert expected.to_dict() == {"women": 3, "men": 3, "unknown": 2}


# --- hints for text in a numeric measure ----------------------------------------------------


def _mean_error(values: list[object]) -> str:
    data = pd.DataFrame({"kon": ["K", "M"] * 3, "kostnad": pd.Series(values, dtype=object)})
    with pytest.raises(ValueError) as caught:
        gb.analyse(data, gb.mean("kostnad"), sex="kon")
    return str(caught.value)


SWEDISH = ["1 234,50", "2\u00a0345,00", "12,5", "7", "-3\u202f000", "0,25"]


def test_swedish_formatted_numbers_get_a_conversion_that_reads_them() -> None:
    message = _mean_error(SWEDISH)
    assert "It holds Swedish-formatted numbers" in message
    conversion = (
        "data['kostnad'] = pandas.to_numeric(data['kostnad'].str.replace(r'\\s', '', "
        "regex=True).str.replace(',', '.'))"
    )
    assert conversion in message
    assert "pandas.to_numeric(data['kostnad'])" not in message
    # The conversion of the message, run: every value read as the number it shows.
    data = pd.DataFrame({"kostnad": SWEDISH})
    data["kostnad"] = pd.to_numeric(
        data["kostnad"].str.replace(r"\s", "", regex=True).str.replace(",", ".")
    )
    assert data["kostnad"].tolist() == [1234.5, 2345.0, 12.5, 7.0, -3000.0, 0.25]


def test_numbers_stored_as_text_get_to_numeric() -> None:
    message = _mean_error(["1", "2.5", "3", "4", "1e3", "-2"])
    assert message.endswith(
        "It holds numbers stored as text; convert them first, e.g. "
        "data['kostnad'] = pandas.to_numeric(data['kostnad'])."
    )


def test_one_bad_value_among_numbers_is_named_not_the_good_ones() -> None:
    message = _mean_error([1.0, 2.0, "saknas", 3.0, 4.0, 5.0])
    assert "1 value is not a number: 'saknas' (1 row)." in message
    assert "1.0" not in message
    assert "errors='coerce'" in message
    swedish = _mean_error(["1 234,5", "uppgift saknas", "2", "3", "uppgift saknas", "4"])
    assert "1 value is not a number: 'uppgift saknas' (2 rows)." in swedish
    assert "the other values are Swedish-formatted numbers" in swedish
