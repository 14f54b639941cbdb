"""Every bad-input error of ``analyse`` is pinned: what, where, how many, and the fix."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

import genderbudget as gb

DATA = pd.DataFrame(
    {
        "kön": ["K", "M", "K", "M", "K", "M"],
        "ar": [2020] * 6,
        "arbetsdrift": [1, 0, 1, 1, 0, 1],
        "kostnad": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    }
)


def _raises(match: str) -> Any:
    return pytest.raises(ValueError, match=re.escape(match))


def test_unknown_sex_codes_are_named_with_row_counts(constructor: Callable[..., Any]) -> None:
    data = DATA.assign(kön=["K", "X", "X", "okänd", "M", "X"])
    with _raises(
        "Column 'kön' has values that are not a recognised sex code: 'X' (3 rows), "
        "'okänd' (1 row). Recognised: K/M, kvinna/man"
    ):
        gb.analyse(constructor(data), gb.count(), sex="kön")


def test_unknown_sex_codes_can_be_mapped() -> None:
    data = DATA.assign(kön=["K", "X", "X", "okänd", "M", "X"])
    result = gb.analyse(data, gb.count(), sex="kön", mapping={"X": "unknown", "okänd": "unknown"})
    assert result.estimates.set_index("sex")["n"].to_dict() == {"women": 1, "men": 1, "unknown": 4}


def test_missing_column_suggests_the_closest_name(constructor: Callable[..., Any]) -> None:
    with _raises(
        "Column 'kon' (the sex column, sex=) is not in the data. Did you mean 'kön'? "
        "Available columns: 'kön', 'ar', 'arbetsdrift', 'kostnad'."
    ):
        gb.analyse(constructor(DATA), gb.count(), sex="kon")
    with _raises("Column 'arbetsdrfit' (used by measure 'arbetsdrfit') is not in the data. "):
        gb.analyse(constructor(DATA), gb.rate("arbetsdrfit"), sex="kön")
    with _raises("Column 'år' (a breakdown column, by=) is not in the data. Did you mean 'ar'?"):
        gb.analyse(constructor(DATA), gb.count(), sex="kön", by="år")


def test_non_numeric_outcome_names_values_and_fix(constructor: Callable[..., Any]) -> None:
    data = DATA.assign(kostnad=["ja", "nej", "ja", "ja", "nej", "ja"])
    with _raises(
        "Column 'kostnad' (used by measure 'kostnad') must be numeric but has type "
        "String; values: 'ja' (4 rows), 'nej' (2 rows). If it says yes or no for each "
        "person, compare the share who got it with gb.rate('kostnad') instead; otherwise "
        "convert it to numbers first."
    ):
        gb.analyse(constructor(data), gb.mean("kostnad"), sex="kön")


def test_rate_with_values_other_than_0_1(constructor: Callable[..., Any]) -> None:
    data = DATA.assign(arbetsdrift=[1, 0, 2, 2, 7, 1])
    with _raises(
        "Column 'arbetsdrift' (used by rate('arbetsdrift')) must hold 0/1 or True/False, one "
        "row per person, but has other values: 2 (2 rows), 7 (1 row). Recode it to 0/1, or, "
        "if the table holds counts per group, pass n='<column with the number of persons>'"
    ):
        gb.analyse(constructor(data), gb.rate("arbetsdrift"), sex="kön")


AGGREGATED = pd.DataFrame(
    {
        "kon": ["K", "M", "K", "M"],
        "anstalt": ["A", "A", "B", "B"],
        "antal": [10, 40, 5, 30],
        "i_arbete": [4, 30, 2, 20],
    }
)


def test_negative_counts(constructor: Callable[..., Any]) -> None:
    data = AGGREGATED.assign(antal=[10, -40, 5, -1])
    with _raises(
        "Column 'antal' (the count column, n=) holds counts of persons, but has negative or "
    ):
        gb.analyse(constructor(data), gb.rate("i_arbete"), sex="kon", n="antal")
    with _raises(
        "non-integer values in 2 rows: -40 (1 row), -1 (1 row), at rows 1 and 3 (counted from 0). "
        "Counts must be whole numbers >= 0"
    ):
        gb.analyse(constructor(data), gb.rate("i_arbete"), sex="kon", n="antal")


def test_negative_successes(constructor: Callable[..., Any]) -> None:
    data = AGGREGATED.assign(i_arbete=[4, -3, 2, 20])
    with _raises("Column 'i_arbete' (used by rate('i_arbete') on pre-aggregated input) holds"):
        gb.analyse(constructor(data), gb.rate("i_arbete"), sex="kon", n="antal")


def test_more_successes_than_persons(constructor: Callable[..., Any]) -> None:
    data = AGGREGATED.assign(i_arbete=[14, 30, 2, 31])
    with _raises(
        "Column 'i_arbete' (used by rate('i_arbete')) counts persons who got it, but in 2 rows "
        "it exceeds the number of persons in column 'antal' (e.g. 14 of 10, 31 of 30). Each row's "
        "count must lie between 0 and its number of persons"
    ):
        gb.analyse(constructor(data), gb.rate("i_arbete"), sex="kon", n="antal")


def test_sum_sq_without_n() -> None:
    with _raises("mean('kostnad', sum_sq='kostnad_sq') declares a column of summed squares"):
        gb.analyse(DATA, gb.mean("kostnad", sum_sq="kostnad_sq"), sex="kön")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"confidence": 95}, "confidence must be a number strictly between 0 and 1"),
        ({"confidence": "0.95"}, "confidence must be a number strictly between 0 and 1"),
        ({"p_adjust": "BH"}, "p_adjust='BH' is not allowed. Allowed values: 'holm',"),
        ({"by": ["kön"]}, "The sex column 'kön' cannot also be a breakdown"),
        ({"by": ["ar", "ar"]}, "by lists a column twice"),
    ],
)
def test_bad_options(options: dict[str, Any], message: str) -> None:
    with _raises(message):
        gb.analyse(DATA, gb.count(), sex="kön", **options)


def test_duplicate_measure_names() -> None:
    with _raises("Two measures have the same name 'kostnad'"):
        gb.analyse(DATA, [gb.mean("kostnad"), gb.mean("kostnad")], sex="kön")


def test_not_a_measure_or_not_a_frame() -> None:
    with pytest.raises(TypeError, match="measures must be a measure or a list of measures"):
        gb.analyse(DATA, ["kostnad"], sex="kön")  # type: ignore[list-item]
    with pytest.raises(TypeError, match="data must be a dataframe"):
        gb.analyse({"kön": ["K"]}, gb.count(), sex="kön")
    with pytest.raises(TypeError, match=re.escape("rate() expects the column name as a string")):
        gb.rate(3)  # type: ignore[arg-type]
