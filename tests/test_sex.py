"""Tests for coding sex from sex codes and from personal identity numbers.

The personal identity numbers below are synthetic: their check digits are worked out by hand
in the comments (Luhn over YYMMDDNNN, weights 2, 1, 2, 1, ... from the left, digits of the
products summed, C = (10 - sum mod 10) mod 10), independently of the code under test.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from genderbudget._sex import (
    SEX_CATEGORIES,
    code_sex_values,
    normalize_sex,
    sex_from_personnummer,
)

SEX_DTYPE = pd.CategoricalDtype(["women", "men", "unknown"], ordered=False)
RECOGNISED = (
    "Recognised: K/M, kvinna/man, kvinnor/män, flicka/pojke, F/M, female/male, woman/man, "
    "SCB 1 (man)/2 (kvinna); missing values become 'unknown'."
)


def unrecognised(column: str, listed: str, example: str) -> str:
    """The full expected error text, escaped for ``pytest.raises(match=...)``."""
    return re.escape(
        f"Column '{column}' has values that are not a recognised sex code: {listed}. "
        f"{RECOGNISED} Map other codes with mapping={{{example}: 'women' | 'men' | 'unknown', "
        "...}."
    )


# --------------------------------------------------------------------------------------------
# Sex codes
# --------------------------------------------------------------------------------------------

WOMEN_CODES = [
    "K",
    "k",
    " K ",
    "kvinna",
    "KVINNA",
    "Kvinnor",
    "flicka",
    "Flickor",
    "F",
    "f\t",
    "female",
    "Females",
    "woman",
    "Women",
    "girl",
    "GIRLS",
    "women",
    2,
    2.0,
    "2",
    " 2 ",
    np.int64(2),
    np.int32(2),
    np.uint8(2),
    np.float64(2.0),
]
MEN_CODES = [
    "M",
    "m",
    "  m",
    "man",
    "Man",
    "män",
    "MÄN",
    "ma\u0308n",  # "män" written with a combining diaeresis
    "pojke",
    "Pojkar",
    "male",
    "MALES",
    "men",
    "boy",
    "Boys",
    1,
    1.0,
    "1",
    np.int64(1),
    np.int16(1),
    np.float32(1.0),
]
MISSING_CODES = [None, float("nan"), np.nan, pd.NA, pd.NaT, "", "   ", "\n", "unknown", "Unknown"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(code, "women") for code in WOMEN_CODES]
    + [(code, "men") for code in MEN_CODES]
    + [(code, "unknown") for code in MISSING_CODES],
)
def test_each_recognised_code_is_coded(raw: object, expected: str) -> None:
    assert code_sex_values([raw], [1], column="kon") == [expected]
    assert normalize_sex([raw]).tolist() == [expected]


def test_coding_is_idempotent() -> None:
    coded = normalize_sex(pd.Series(["K", "M", None], name="kon"))
    assert normalize_sex(coded).equals(coded)
    assert code_sex_values(list(SEX_CATEGORIES), [1, 1, 1], column="kon") == list(SEX_CATEGORIES)


@pytest.mark.parametrize("raw", [True, False, np.True_, np.False_])
def test_booleans_are_not_sex_codes(raw: object) -> None:
    with pytest.raises(ValueError, match=f"sex code: {raw!s} \\(3 rows\\)"):
        code_sex_values([raw], [3], column="kon")


def test_booleans_are_kept_apart_from_scb_codes_in_an_object_column() -> None:
    values = pd.Series([1, True, 1, 2, True, False], dtype=object, name="kon")
    listed = "True (2 rows), False (1 row)"
    with pytest.raises(ValueError, match=unrecognised("kon", listed, "True")):
        normalize_sex(values)
    coded = normalize_sex(values, mapping={True: "unknown", False: "unknown"})
    assert coded.tolist() == ["men", "unknown", "men", "women", "unknown", "unknown"]


def test_boolean_column_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"sex code: False \(2 rows\), True \(1 row\)\."):
        normalize_sex(pd.Series([True, False, False], name="kon"))


@pytest.mark.parametrize("raw", [3, 0, 1.5, float("inf"), "kvinnlig", "X", "2.0", b"K"])
def test_other_values_are_not_sex_codes(raw: object) -> None:
    with pytest.raises(ValueError, match="not a recognised sex code"):
        code_sex_values([raw], [1], column="kon")


# --------------------------------------------------------------------------------------------
# The error for unrecognised codes
# --------------------------------------------------------------------------------------------


def test_unrecognised_codes_are_listed_with_row_counts() -> None:
    values = ["X"] * 12 + ["okänd"] * 3 + ["K", "M", None]
    listed = "'X' (12 rows), 'okänd' (3 rows)"
    with pytest.raises(ValueError, match=unrecognised("kon", listed, "'X'")):
        normalize_sex(pd.Series(values, name="kon"))


def test_one_row_is_singular_and_ties_are_ordered_by_value() -> None:
    listed = "'Y' (2 rows), 'Q' (1 row), 'Z' (1 row)"
    with pytest.raises(ValueError, match=unrecognised("kon", listed, "'Y'")):
        code_sex_values(["Z", "Y", "K", "Q"], [1, 2, 5, 1], column="kon")


def test_numpy_scalars_are_shown_as_plain_numbers() -> None:
    listed = "3 (2 rows), 9.5 (1 row)"
    with pytest.raises(ValueError, match=unrecognised("kod", listed, "3")):
        code_sex_values([np.int64(3), np.float64(9.5)], [2, 1], column="kod")


def test_unnamed_input_is_called_values_in_the_error() -> None:
    with pytest.raises(ValueError, match=unrecognised("values", "'X' (1 row)", "'X'")):
        normalize_sex(["K", "X"])


def test_more_than_twenty_unrecognised_codes_are_truncated() -> None:
    # 25 distinct codes; code c{i} is on 30 - i rows, so c00 .. c19 are the 20 most frequent.
    codes = [f"c{i:02d}" for i in range(25)]
    counts = [30 - i for i in range(25)]
    listed = ", ".join(f"'c{i:02d}' ({30 - i} rows)" for i in range(20))
    listed += ", and 5 more distinct values"
    with pytest.raises(ValueError, match=unrecognised("kon", listed, "'c00'")):
        code_sex_values(codes, counts, column="kon")


def test_one_more_distinct_value_is_singular() -> None:
    codes = [f"c{i:02d}" for i in range(21)]
    with pytest.raises(ValueError, match=r"'c19' \(1 row\), and 1 more distinct value\. "):
        code_sex_values(codes, [1] * 21, column="kon")


def test_values_and_counts_must_have_the_same_length() -> None:
    with pytest.raises(ValueError, match="same length, got 2 values and 1 counts"):
        code_sex_values(["K", "M"], [1], column="kon")


# --------------------------------------------------------------------------------------------
# mapping
# --------------------------------------------------------------------------------------------


def test_mapping_codes_extra_values_exactly_and_case_insensitively() -> None:
    mapping = {"X": "unknown", "okänd": "unknown", "Kv": "women", 9: "unknown"}
    values = ["X", " OKÄND ", "kv", "KV", 9, "M"]
    expected = ["unknown", "unknown", "women", "women", "unknown", "men"]
    assert code_sex_values(values, [1] * 6, column="kon", mapping=mapping) == expected
    assert normalize_sex(values, mapping=mapping).tolist() == expected


def test_mapping_is_consulted_before_the_built_in_codes() -> None:
    assert normalize_sex(["M", "m"], mapping={"M": "unknown"}).tolist() == ["unknown"] * 2


def test_a_boolean_key_does_not_match_the_number_one() -> None:
    coded = normalize_sex(pd.Series([1, 2], dtype=object), mapping={True: "women"})
    assert coded.tolist() == ["men", "women"]


def test_mapping_targets_must_be_sex_categories() -> None:
    message = re.escape(
        "mapping has targets that are not sex categories: 'kvinna' (for 'Kv'), None (for 'X'). "
        "Allowed targets: 'women', 'men', 'unknown'."
    )
    with pytest.raises(ValueError, match=message):
        normalize_sex(["Kv"], mapping={"Kv": "kvinna", "X": None, "M": "men"})  # type: ignore[dict-item]


def test_mapping_keys_differing_only_in_case_must_agree() -> None:
    with pytest.raises(ValueError, match=r"differ only in case .* targets: 'Kv', 'KV'\."):
        normalize_sex(["Kv"], mapping={"Kv": "women", "KV": "men"})


# --------------------------------------------------------------------------------------------
# Input and output kinds for normalize_sex
# --------------------------------------------------------------------------------------------


def test_pandas_series_keeps_index_and_name() -> None:
    values = pd.Series(["K", "M", None, "1"], index=[10, 20, 30, 40], name="kon")
    coded = normalize_sex(values)
    expected = pd.Series(
        ["women", "men", "unknown", "men"], index=[10, 20, 30, 40], name="kon", dtype=SEX_DTYPE
    )
    pd.testing.assert_series_equal(coded, expected)
    assert coded.dtype == SEX_DTYPE
    assert list(coded.cat.categories) == list(SEX_CATEGORIES)
    assert not coded.cat.ordered


@pytest.mark.parametrize(
    "values",
    [
        pd.Series([2, 1, None], dtype="Int64"),
        pd.Series([2.0, 1.0, np.nan]),
        pd.Series(["K", "M", None], dtype="category"),
        pd.Series(["K", "M", None], dtype="str"),
        pd.Series(["K", "M", None], dtype=object),
        pd.Series(["kvinna", "man", pd.NA], dtype="string"),
    ],
    ids=["Int64", "float64", "category", "str", "object", "string"],
)
def test_pandas_dtypes_are_supported(values: pd.Series) -> None:
    assert normalize_sex(values).tolist() == ["women", "men", "unknown"]


@pytest.mark.parametrize(
    "values",
    [["K", "m", None], ("K", "m", None), np.array(["K", "m", ""]), np.array([2, 1, 0.0])[:2]],
    ids=["list", "tuple", "numpy str", "numpy float"],
)
def test_sequences_give_an_unnamed_pandas_series(values: object) -> None:
    coded = normalize_sex(values)  # type: ignore[call-overload]
    assert isinstance(coded, pd.Series)
    assert coded.name is None
    assert coded.dtype == SEX_DTYPE
    pd.testing.assert_index_equal(coded.index, pd.RangeIndex(len(coded)))
    assert coded.tolist() == ["women", "men", "unknown"][: len(coded)]


def test_empty_input_gives_an_empty_series() -> None:
    coded = normalize_sex([])
    assert coded.dtype == SEX_DTYPE
    assert len(coded) == 0


@pytest.mark.parametrize(
    "values",
    [pd.DataFrame({"kon": ["K"]}), "K", {"kon": "K"}, np.array([["K"], ["M"]]), 2],
    ids=["data frame", "string", "mapping", "2-d array", "number"],
)
def test_a_single_column_is_required(values: object) -> None:
    with pytest.raises(TypeError, match=r"takes one column .* Pass a column, e\.g\. data\['kon'\]"):
        normalize_sex(values)  # type: ignore[call-overload]


def test_polars_string_series_gives_an_enum_series() -> None:
    pl = pytest.importorskip("polars")
    values = pl.Series("kon", ["K", None, "m", "", "2", "Flicka"])
    coded = normalize_sex(values)
    assert isinstance(coded, pl.Series)
    assert coded.name == "kon"
    assert coded.dtype == pl.Enum(["women", "men", "unknown"])
    assert coded.to_list() == ["women", "unknown", "men", "unknown", "women", "women"]


@pytest.mark.parametrize(
    ("values", "dtype"),
    [
        ([2, None, 1], "Int64"),
        ([2.0, None, 1.0], "Float64"),
        (["K", None, "M"], "Categorical"),
    ],
)
def test_polars_dtypes_are_supported(values: list[object], dtype: str) -> None:
    pl = pytest.importorskip("polars")
    coded = normalize_sex(pl.Series("kon", values, dtype=getattr(pl, dtype)))
    assert coded.to_list() == ["women", "unknown", "men"]


def test_polars_float_nan_is_unknown() -> None:
    pl = pytest.importorskip("polars")
    coded = normalize_sex(pl.Series("kon", [float("nan"), None, 1.0]))
    assert coded.to_list() == ["unknown", "unknown", "men"]


def test_polars_all_missing_is_unknown() -> None:
    pl = pytest.importorskip("polars")
    coded = normalize_sex(pl.Series("kon", [None, None], dtype=pl.String))
    assert coded.to_list() == ["unknown", "unknown"]
    assert coded.dtype == pl.Enum(["women", "men", "unknown"])


def test_polars_errors_and_mapping_work_like_pandas() -> None:
    pl = pytest.importorskip("polars")
    values = pl.Series("kon", ["X", "X", "K", "okänd"])
    listed = "'X' (2 rows), 'okänd' (1 row)"
    with pytest.raises(ValueError, match=unrecognised("kon", listed, "'X'")):
        normalize_sex(values)
    with pytest.raises(ValueError, match=unrecognised("values", "True (1 row)", "True")):
        normalize_sex(pl.Series([True, None]))
    coded = normalize_sex(values, mapping={"x": "unknown", "OKÄND": "unknown"})
    assert coded.to_list() == ["unknown", "unknown", "women", "unknown"]


def test_bulk_coding_matches_coding_one_value_at_a_time() -> None:
    rng = np.random.default_rng(20220315)
    pool = np.array(["K", "m", " Kvinna", "MAN", "2", "1", "", "flickor"], dtype=object)
    values = pd.Series(rng.choice(pool, size=10_000), name="kon")
    values[rng.random(10_000) < 0.05] = None
    one_by_one = [code_sex_values([value], [1], column="kon")[0] for value in values]
    assert normalize_sex(values).tolist() == one_by_one


# --------------------------------------------------------------------------------------------
# Personal identity numbers
# --------------------------------------------------------------------------------------------

# Skatteverket's worked example, a man: 640823-323C
#   digits    6  4  0  8  2  3  3  2  3
#   weights   2  1  2  1  2  1  2  1  2
#   products 12  4  0  8  4  3  6  2  6 -> digit sums 1+2, 4, 0, 8, 4, 3, 6, 2, 6 = 36
#   C = (10 - 6) mod 10 = 4  ->  640823-3234; second-to-last digit 3 is odd: man
MAN = "640823-3234"
# A woman: 640823-324C
#   products 12  4  0  8  4  3  6  2  8 -> 3 + 4 + 0 + 8 + 4 + 3 + 6 + 2 + 8 = 38
#   C = (10 - 8) mod 10 = 2  ->  640823-3242; second-to-last digit 4 is even: woman
WOMAN = "640823-3242"
# Coordination numbers: day 23 + 60 = 83.
#   640883-323C: products 12 4 0 8 16 3 6 2 6 -> 3 + 4 + 0 + 8 + 7 + 3 + 6 + 2 + 6 = 39, C = 1
COORDINATION_MAN = "640883-3231"
#   640883-324C: products 12 4 0 8 16 3 6 2 8 -> 3 + 4 + 0 + 8 + 7 + 3 + 6 + 2 + 8 = 41, C = 9
COORDINATION_WOMAN = "640883-3249"
# 29 February: 000229-123C: products 0 0 0 2 4 9 2 2 6 -> 25, C = 5 (man, 3 is odd)
LEAP_DAY = "000229-1235"
# 000229-124C: products 0 0 0 2 4 9 2 2 8 -> 27, C = 3 (woman, 4 is even)
LEAP_DAY_WOMAN = "000229-1243"
# 010229-123C: products 0 1 0 2 4 9 2 2 6 -> 26, C = 4; right check digit, but 2001 and
# 1901 are not leap years.
NOT_A_LEAP_DAY = "010229-1234"
# 641323-323C: products 12 4 2 3 4 3 6 2 6 -> 33, C = 7; right check digit, month 13.
MONTH_13 = "641323-3237"
# 640832-323C: products 12 4 0 8 6 2 6 2 6 -> 37, C = 3; right check digit, day 32.
DAY_32 = "640832-3233"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (MAN, "men"),
        (WOMAN, "women"),
        ("640823+3234", "men"),  # YYMMDD+NNNC
        ("6408233234", "men"),  # YYMMDDNNNC
        ("196408233242", "women"),  # YYYYMMDDNNNC
        ("19640823-3242", "women"),  # YYYYMMDD-NNNC
        ("  640823-3234\t", "men"),
        (COORDINATION_MAN, "men"),
        (COORDINATION_WOMAN, "women"),
        ("19640883-3249", "women"),
        (LEAP_DAY, "men"),
        ("20000229-1235", "men"),  # 2000 is a leap year
        (LEAP_DAY_WOMAN, "women"),
        (6408233234, "men"),  # an integer with 10 digits
        (196408233242, "women"),  # an integer with 12 digits
        (2291243, "women"),  # 000229-1243 as an integer: padded with zeros to 10 digits
        (6408233242.0, "women"),  # a whole float, as in an integer column with missing values
        (np.int64(6408233234), "men"),
    ],
)
def test_sex_is_read_from_valid_numbers(raw: object, expected: str) -> None:
    assert sex_from_personnummer([raw]).tolist() == [expected]


@pytest.mark.parametrize("raw", [None, float("nan"), pd.NA, "", "   "])
def test_missing_numbers_are_unknown(raw: object) -> None:
    assert sex_from_personnummer([raw, MAN]).tolist() == ["unknown", "men"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("640823-32345", "not in a recognised format"),
        ("640823_3234", "not in a recognised format"),
        ("64082-33234", "not in a recognised format"),
        ("19640823+3234", "not in a recognised format"),
        ("640823 - 3234", "not in a recognised format"),
        ("6408233234X", "not in a recognised format"),
        ("٦٤٠٨٢٣٣٢٣٤", "not in a recognised format"),  # Arabic-Indic digits
        ("okänd", "not in a recognised format"),
        (12.5, "not in a recognised format"),
        (-6408233234, "not in a recognised format"),
        (16408233234, "not in a recognised format"),  # an integer with 11 digits
        (True, "not in a recognised format"),
        (MONTH_13, "impossible date"),
        (DAY_32, "impossible date"),
        (NOT_A_LEAP_DAY, "impossible date"),
        ("19000229-1235", "impossible date"),  # 1900 is not a leap year
        ("640231-3234", "impossible date"),
        ("640431-3234", "impossible date"),
        ("640860-3234", "impossible date"),  # coordination day 0 + 60
        ("640892-3234", "impossible date"),  # coordination day 32 + 60
        ("640800-3234", "impossible date"),
        ("640823-3235", "wrong check digit"),
        ("640823-3243", "wrong check digit"),
        (6408233235, "wrong check digit"),
    ],
)
def test_each_invalid_number_is_reported_with_its_reason(raw: object, reason: str) -> None:
    with pytest.raises(ValueError, match=f": 1 {reason} \\(position 1\\)\\. ") as caught:
        sex_from_personnummer(pd.Series([MAN, raw], name="pnr"))
    assert_no_digits_from(["640823-3234", raw], str(caught.value))


def assert_no_digits_from(values: Sequence[object], text: str) -> None:
    """No run of three or more digits from any input value appears in the text."""
    for value in values:
        for run in re.findall(r"\d{3,}", str(value)):
            assert run not in text


def test_the_invalid_number_error_is_pinned() -> None:
    values = pd.Series(
        ["abc", MONTH_13, MAN, "640823-3235", "123", WOMAN, DAY_32],
        index=list("abcdefg"),
        name="pnr",
    )
    expected = re.escape(
        "Column 'pnr' has 5 values that are not a valid personal identity number (personnummer) "
        "or coordination number (samordningsnummer): 2 not in a recognised format (positions "
        "0, 4); 2 impossible date (positions 1, 6); 1 wrong check digit (position 3). The "
        "numbers themselves are not shown because they are personal data; positions are "
        "0-based. Correct them, or pass invalid=\"unknown\" to code them as 'unknown'."
    )
    with pytest.raises(ValueError, match=f"^{expected}$") as caught:
        sex_from_personnummer(values)
    assert_no_digits_from(values.tolist(), str(caught.value))


def test_one_invalid_number_is_singular() -> None:
    with pytest.raises(ValueError, match=r"^Column 'values' has 1 value that is not a valid "):
        sex_from_personnummer(["640823-3235"])


def test_only_the_first_ten_positions_are_listed() -> None:
    values = ["640823-3235"] * 13 + [MAN] + ["x"] * 2
    message = (
        r": 2 not in a recognised format \(positions 14, 15\); 13 wrong check digit "
        r"\(positions 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 … and 3 more\)\. "
    )
    with pytest.raises(ValueError, match=message) as caught:
        sex_from_personnummer(values)
    assert_no_digits_from(values, str(caught.value))


def test_invalid_unknown_codes_invalid_numbers_as_unknown_and_warns() -> None:
    values = pd.Series([MAN, "640823-3235", None, "x", WOMAN], name="pnr")
    expected = re.escape(
        "Column 'pnr': 2 values coded as 'unknown' because they were not a valid personal "
        "identity number (personnummer) or coordination number (samordningsnummer): 1 not in "
        "a recognised format (position 3); 1 wrong check digit (position 1). The numbers "
        "themselves are not shown because they are personal data; positions are 0-based."
    )
    with pytest.warns(UserWarning, match=f"^{expected}$") as caught:
        coded = sex_from_personnummer(values, invalid="unknown")
    assert coded.tolist() == ["men", "unknown", "unknown", "unknown", "women"]
    assert len(caught) == 1
    assert_no_digits_from(values.tolist(), str(caught[0].message))


def test_valid_numbers_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        coded = sex_from_personnummer([MAN, None], invalid="unknown")
    assert coded.tolist() == ["men", "unknown"]


def test_invalid_option_is_rejected() -> None:
    message = re.escape("invalid='ignore' is not supported. Allowed values: 'raise', 'unknown'.")
    with pytest.raises(ValueError, match=message):
        sex_from_personnummer([MAN], invalid="ignore")  # type: ignore[call-overload]


def test_personnummer_pandas_series_keeps_index_and_name() -> None:
    values = pd.Series([MAN, WOMAN, None], index=["x", "y", "z"], name="pnr")
    expected = pd.Series(
        ["men", "women", "unknown"], index=["x", "y", "z"], name="pnr", dtype=SEX_DTYPE
    )
    pd.testing.assert_series_equal(sex_from_personnummer(values), expected)


@pytest.mark.parametrize(
    "values",
    [
        pd.Series([6408233234, 196408233242, None], dtype="Int64"),
        pd.Series([6408233234, 196408233242, np.nan]),
        pd.Series([MAN, "196408233242", None], dtype="str"),
        pd.Series([MAN, "196408233242", None], dtype="category"),
        pd.Series([MAN, "196408233242", None], dtype="string"),
        pd.Series([6408233234, "196408233242", None], dtype=object),
        np.array([MAN, "196408233242", ""]),
        np.array([6408233234, 196408233242, 0])[:2],
    ],
    ids=[
        "Int64",
        "float64",
        "str",
        "category",
        "string",
        "mixed object",
        "numpy str",
        "numpy int",
    ],
)
def test_personnummer_input_kinds(values: object) -> None:
    coded = sex_from_personnummer(values)  # type: ignore[call-overload]
    assert coded.dtype == SEX_DTYPE
    assert coded.tolist() == ["men", "women", "unknown"][: len(coded)]


def test_personnummer_list_gives_an_unnamed_pandas_series() -> None:
    coded = sex_from_personnummer([MAN, WOMAN])
    assert coded.name is None
    pd.testing.assert_index_equal(coded.index, pd.RangeIndex(2))


def test_personnummer_polars_series_gives_an_enum_series() -> None:
    pl = pytest.importorskip("polars")
    for values in (
        pl.Series("pnr", [MAN, None, WOMAN, COORDINATION_WOMAN]),
        pl.Series("pnr", [6408233234, None, 6408233242, 6408833249]),
    ):
        coded = sex_from_personnummer(values)
        assert isinstance(coded, pl.Series)
        assert coded.name == "pnr"
        assert coded.dtype == pl.Enum(["women", "men", "unknown"])
        assert coded.to_list() == ["men", "unknown", "women", "women"]


def test_personnummer_polars_errors_name_the_column() -> None:
    pl = pytest.importorskip("polars")
    with pytest.raises(ValueError, match=r"^Column 'pnr' has 1 value .*\(position 1\)\."):
        sex_from_personnummer(pl.Series("pnr", [MAN, "640823-3235"]))


def test_a_boolean_column_is_not_personnummer() -> None:
    with pytest.raises(ValueError, match=r": 2 not in a recognised format \(positions 0, 1\)\."):
        sex_from_personnummer(pd.Series([True, False]))


def test_personnummer_rejects_a_data_frame() -> None:
    with pytest.raises(TypeError, match="sex_from_personnummer takes one column"):
        sex_from_personnummer(pd.DataFrame({"pnr": [MAN]}))  # type: ignore[call-overload]


def test_vectorised_personnummer_agrees_with_a_reference_loop() -> None:
    """A larger random sample, checked against a plain per-value implementation."""
    rng = np.random.default_rng(1947)
    n = 5_000
    year = rng.integers(0, 100, size=n)
    month = rng.integers(0, 14, size=n)  # 0 and 13 are impossible
    day = rng.integers(0, 93, size=n)  # 32 to 60 and 92 are impossible
    serial = rng.integers(0, 1000, size=n)
    nine = [
        f"{y:02d}{m:02d}{d:02d}{s:03d}" for y, m, d, s in zip(year, month, day, serial, strict=True)
    ]
    # About half get the right check digit, the rest a random one.
    text = [
        digits + str(reference_check_digit(digits) if i % 2 else rng.integers(0, 10))
        for i, digits in enumerate(nine)
    ]
    with pytest.warns(UserWarning, match="coded as 'unknown'"):
        coded = sex_from_personnummer(text, invalid="unknown")
    expected = [reference_sex(value) for value in text]
    assert coded.tolist() == expected
    assert 1_000 < expected.count("unknown") < 4_000


def reference_check_digit(nine: str) -> int:
    total = 0
    for position, char in enumerate(nine):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def reference_sex(ten: str) -> str:
    year, month, day = int(ten[0:2]), int(ten[2:4]), int(ten[4:6])
    day = day - 60 if day > 60 else day
    month_days = [31, 29 if year % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    if not (1 <= month <= 12 and 1 <= day <= month_days[month - 1]):
        return "unknown"
    if reference_check_digit(ten[:9]) != int(ten[9]):
        return "unknown"
    return "men" if int(ten[8]) % 2 == 1 else "women"
