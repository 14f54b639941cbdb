"""The bad-input corpus: awkward inputs a controller's export really holds, each with its outcome.

Every case is an input that once gave, or could give, a traceback from inside a dependency, a
silent wrong number, a lost row or krona, or an identity number in a message. Each is run by
``test_corpus.py`` under the test suite's rule that any warning is an error, and checked for:

- an error case: a ``ValueError`` or ``TypeError`` raised by the library itself (not from inside
  pandas, numpy or narwhals) whose message holds the expected words;
- a handled case: a result, checked by the case's own check, with every input row accounted for
  (``rows_in = rows_used + rows_excluded``);
- every case: no identity number in any message, table or repr.

``docs/bad-input.md`` lists every case and what it gets; a test checks that the page and this
corpus agree. Print the table with ``python tests/corpus.py``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import genderbudget as gb

# Valid personal identity numbers (Skatteverket's published test numbers and numbers with a
# correct check digit), in the forms an export holds them. None may reach any output.
IDENTITY_NUMBERS = ["19121212-1212", "198112189876", "811218-9876", "191212121212"]


@dataclass(frozen=True)
class Case:
    """One awkward input and what it gets.

    Attributes
    ----------
    id : str
        A stable name (the docs table and test ids use it).
    area : str
        What the input exercises: sex coding, identity numbers, measures, analyse, allocate,
        equalize, follow_up, decompositions, reading files.
    given : str
        The input, in words.
    gets : str
        What the user gets, in words (the docs table's last column).
    run : callable
        Runs the case; returns the result or raises.
    raises : str or None
        For an error case, words the message must hold.
    check : callable or None
        For a handled case, more checks on the result.
    warns : str or None
        For a handled case that warns, words the library's own warning must hold (no other
        warning may escape).
    """

    id: str
    area: str
    given: str
    gets: str
    run: Callable[[], Any]
    raises: str | None = None
    check: Callable[[Any], None] | None = None
    warns: str | None = None


CASES: list[Case] = []


def case(
    area: str,
    given: str,
    gets: str,
    *,
    raises: str | None = None,
    check: Callable[[Any], None] | None = None,
    warns: str | None = None,
) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register the decorated function as a case of the corpus."""

    def register(run: Callable[[], Any]) -> Callable[[], Any]:
        name = run.__name__.replace("_", "-")
        CASES.append(Case(name, area, given, gets, run, raises, check, warns))
        return run

    return register


def people(rows: int = 8, **columns: Any) -> pd.DataFrame:
    """A small person table with every kind of column; ``columns`` replace or add columns."""
    frame = pd.DataFrame(
        {
            "kon": (["K", "M"] * rows)[:rows],
            "ar": ([2020, 2021] * rows)[:rows],
            "enhet": (["A", "A", "B", "B"] * rows)[:rows],
            "arbete": ([1, 0, 1, 1, 0, 1, 0, 0] * rows)[:rows],
            "kostnad": [100.0 + 10 * i for i in range(rows)],
            "varddygn": [10 + i for i in range(rows)],
            "sakerhet": (["hog", "lag", "lag", "hog"] * rows)[:rows],
        }
    )
    for name, values in columns.items():
        frame[name] = values
    return frame


def allocation(costs: dict[str, list[Any]], drivers: dict[str, list[Any]], **options: Any) -> Any:
    """``gb.allocate`` on small cost and driver tables (cost object ``o``, amount ``k``)."""
    return gb.allocate(
        pd.DataFrame(costs),
        pd.DataFrame(drivers),
        cost_object="o",
        amount="k",
        sex="kon",
        driver="d",
        **options,
    )


def _flags(*expected: str) -> Callable[[Any], None]:
    def check(result: gb.Result) -> None:
        assert result.comparisons["flag"].tolist() == list(expected)

    return check


def _excluded(column: str, reason: str, rows: int) -> Callable[[Any], None]:
    def check(result: gb.Result) -> None:
        found = result.exclusions.set_index(["column", "reason"])["rows"]
        assert found.get((column, reason)) == rows, result.exclusions

    return check


def _persons(**expected: int) -> Callable[[Any], None]:
    def check(result: gb.Result) -> None:
        counts = result.estimates.set_index("sex")["n"].to_dict()
        assert counts == expected, counts

    return check


def _notes(code: str) -> Callable[[Any], None]:
    def check(result: gb.Result) -> None:
        assert result.comparisons["note_codes"].str.contains(code).all(), result.comparisons

    return check


def _sexes(*expected: str) -> Callable[[Any], None]:
    def check(values: pd.Series) -> None:
        assert values.tolist() == list(expected)

    return check


# --- sex coding ----------------------------------------------------------------------------

SEX = "sex coding"


@case(
    SEX,
    "codes that are not sex codes (X, okänd)",
    "error listing each code with its row count and how to map it",
    raises="not a recognised sex code: 'X' (2 rows), 'okänd' (1 row)",
)
def sex_unknown_codes() -> Any:
    return gb.analyse(people(4, kon=["K", "X", "X", "okänd"]), gb.count(), sex="kon")


@case(
    SEX,
    "unknown codes mapped to unknown with mapping=",
    "persons of unknown sex are a category of their own, not dropped",
    check=_persons(women=1, men=0, unknown=3),
)
def sex_mapped_to_unknown() -> Any:
    data = people(4, kon=["K", "X", "X", "okänd"])
    return gb.analyse(data, gb.count(), sex="kon", mapping={"X": "unknown", "okänd": "unknown"})


@case(
    SEX,
    "a mapping to something other than women, men or unknown",
    "error naming the bad target and the allowed ones",
    raises="mapping has targets that are not sex categories: 'annat' (for 'X')",
)
def sex_mapping_bad_target() -> Any:
    data = people(4, kon=["K", "X", "M", "X"])
    return gb.analyse(data, gb.count(), sex="kon", mapping={"X": "annat"})


@case(
    SEX,
    "missing sex values",
    "counted as unknown, kept in the totals",
    check=_persons(women=2, men=1, unknown=1),
)
def sex_missing() -> Any:
    return gb.analyse(people(4, kon=["K", None, "K", "M"]), gb.count(), sex="kon")


@case(
    SEX,
    "every sex value missing",
    "every person counted as unknown; no comparison can be made (not assessed)",
    check=_persons(women=0, men=0, unknown=4),
)
def sex_all_missing() -> Any:
    return gb.analyse(people(4, kon=[None] * 4), gb.count(), sex="kon")


@case(
    SEX,
    "codes with stray spaces and mixed case (' kvinna', 'MAN ')",
    "recognised: case and surrounding spaces do not matter",
    check=_persons(women=2, men=2),
)
def sex_spaces_and_case() -> Any:
    data = people(4, kon=[" kvinna", "MAN ", "Kvinna", "man"])
    return gb.analyse(data, gb.count(), sex="kon")


@case(
    SEX,
    "SCB's numeric codes 1 (man) and 2 (woman), with a missing value as a float column",
    "recognised; the missing value is unknown",
    check=_persons(women=1, men=2, unknown=1),
)
def sex_scb_codes_as_floats() -> Any:
    return gb.analyse(people(4, kon=[1.0, 2.0, np.nan, 1.0]), gb.count(), sex="kon")


@case(
    SEX,
    "a categorical sex column with an unused category",
    "the unused category plays no part",
    check=_persons(women=2, men=2),
)
def sex_unused_category() -> Any:
    codes = pd.Categorical(["K", "M", "K", "M"], categories=["K", "M", "X"])
    return gb.analyse(people(4, kon=codes), gb.count(), sex="kon")


@case(
    SEX,
    "the sex column misspelt",
    "error naming the column, the closest existing name and the available ones",
    raises="Column 'kön' (the sex column, sex=) is not in the data. Did you mean 'kon'?",
)
def sex_column_misspelt() -> Any:
    return gb.analyse(people(), gb.count(), sex="kön")


@case(
    SEX,
    "the sex column also given as a breakdown",
    "error: the results are always split by sex",
    raises="The sex column 'kon' cannot also be a breakdown (by=)",
)
def sex_column_also_breakdown() -> Any:
    return gb.analyse(people(), gb.count(), sex="kon", by="kon")


@case(
    SEX,
    "only women in the data",
    "estimates for women; the comparison is not assessed (no men), with a note",
    check=_notes("no_men"),
)
def sex_only_women() -> Any:
    return gb.analyse(people(4, kon=["K"] * 4), gb.mean("kostnad"), sex="kon")


@case(
    SEX,
    "a sex column of booleans (True/False)",
    "error: True and False say nothing about sex; map them explicitly if they do",
    raises="not a recognised sex code: False (2 rows), True (2 rows)",
)
def sex_booleans() -> Any:
    return gb.analyse(people(4, kon=[True, False, True, False]), gb.count(), sex="kon")


@case(
    SEX,
    "an object column holding both 1 (SCB's code for a man) and True",
    "error naming True; 1 is not mistaken for True nor True for a man",
    raises="not a recognised sex code: True (1 row)",
)
def sex_one_and_true() -> Any:
    codes = pd.Series([1, True, 2, "K"], dtype=object)
    return gb.analyse(people(4, kon=codes), gb.count(), sex="kon")


@case(
    SEX,
    "a column of identity numbers given as the sex column",
    "error counting the values that look like identity numbers, none shown",
    raises="4 values that look like personal identity numbers (4 rows; not shown",
)
def sex_identity_numbers() -> Any:
    return gb.analyse(people(4, kon=IDENTITY_NUMBERS), gb.count(), sex="kon")


@case(
    SEX,
    "the sex column named 'sex' (the name of an output column)",
    "works: the column is read, the output keeps its own 'sex' column",
    check=_persons(women=4, men=4),
)
def sex_column_named_sex() -> Any:
    return gb.analyse(people().rename(columns={"kon": "sex"}), gb.mean("kostnad"), sex="sex")


# --- identity numbers ----------------------------------------------------------------------

PNR = "identity numbers"


@case(
    PNR,
    "an identity number with a wrong check digit",
    "error giving the row position and the fix, never the number",
    raises="1 wrong check digit (position 0)",
)
def pnr_wrong_check_digit() -> Any:
    return gb.sex_from_personnummer(["19121212-1213"])


@case(
    PNR,
    "a wrong check digit with invalid='unknown'",
    "that person's sex is unknown, with a warning giving the position; the others are read",
    check=_sexes("unknown", "men"),
    warns="1 value coded as 'unknown' because it was not a valid personal identity number",
)
def pnr_wrong_check_digit_as_unknown() -> Any:
    return gb.sex_from_personnummer(["19121212-1213", "19121212-1212"], invalid="unknown")


@case(
    PNR,
    "identity numbers in 12- and 10-digit forms, with and without separator, and as integers",
    "sex read from the second-to-last digit of each",
    check=_sexes("men", "men", "men", "men", "men"),
)
def pnr_forms() -> Any:
    return gb.sex_from_personnummer([*IDENTITY_NUMBERS, 191212121212])


@case(
    PNR,
    "a missing identity number",
    "unknown sex",
    check=_sexes("men", "unknown"),
)
def pnr_missing() -> Any:
    return gb.sex_from_personnummer(["19121212-1212", None])


@case(
    PNR,
    "an impossible date in an identity number (000229+1235: 29 February 1900)",
    "error giving the reason and the position, never the number",
    raises="1 impossible date (position 0)",
)
def pnr_impossible_date() -> Any:
    return gb.sex_from_personnummer(["000229+1235"])


@case(
    PNR,
    "identity numbers as a breakdown (by=)",
    "error: they would be labels of the results; counted, not shown, with a fix",
    raises="Column 'ar' (a breakdown column, by=) has 4 distinct values looking like personal",
)
def pnr_as_breakdown() -> Any:
    return gb.analyse(people(4, ar=IDENTITY_NUMBERS), gb.count(), sex="kon", by="ar")


@case(
    PNR,
    "identity numbers as a justified factor",
    "error: refused as labels; counted, not shown",
    raises="Column 'f' (a justified factor, justified=) has 4 distinct values looking like",
)
def pnr_as_justified_factor() -> Any:
    data = people(4, f=IDENTITY_NUMBERS)
    return gb.analyse(data, gb.mean("kostnad"), sex="kon", justified="f")


@case(
    PNR,
    "identity numbers as the units of a measure (cluster=)",
    "error: refused as labels; counted, not shown",
    raises="Column 'enhet' (the cluster of measure 'kostnad') has 4 distinct values looking",
)
def pnr_as_cluster() -> Any:
    data = people(4, enhet=IDENTITY_NUMBERS)
    return gb.analyse(data, gb.mean("kostnad", cluster="enhet"), sex="kon")


@case(
    PNR,
    "identity numbers in a cost column",
    "error: not numbers; counted, not shown",
    raises="2 values that look like personal identity numbers (2 rows; not shown",
)
def pnr_as_cost() -> Any:
    return gb.analyse(people(4, kostnad=IDENTITY_NUMBERS), gb.mean("kostnad"), sex="kon")


@case(
    PNR,
    "an identity number as a cost object of allocate",
    "error: refused as a label; counted, not shown",
    raises="Column 'o' (the cost object, cost_object=) has 1 distinct value looking like",
)
def pnr_as_cost_object() -> Any:
    number = IDENTITY_NUMBERS[0]
    drivers = {"o": [number, number], "kon": ["K", "M"], "d": [1.0, 1.0]}
    return allocation({"o": [number], "k": [5.0]}, drivers)


# --- measures ------------------------------------------------------------------------------

MEASURES = "measures"


@case(
    MEASURES,
    "a rate column with values other than 0/1 (2, 7)",
    "error listing the values with counts; recode, or pass n= for counts per group",
    raises="must hold 0/1 or True/False, one row per person, but has other values: 2 (1 row)",
)
def rate_other_values() -> Any:
    return gb.analyse(people(4, arbete=[1, 2, 0, 1]), gb.rate("arbete"), sex="kon")


@case(
    MEASURES,
    "a rate column of True/False",
    "read as 1/0",
    check=lambda result: np.testing.assert_allclose(result.estimates["estimate"], [1.0, 0.5]),
)
def rate_booleans() -> Any:
    return gb.analyse(people(4, arbete=[True, False, True, True]), gb.rate("arbete"), sex="kon")


@case(
    MEASURES,
    "a measure column that is not in the data",
    "error naming the column and the measure that uses it",
    raises="Column 'arbetsdrfit' (used by measure 'arbetsdrfit') is not in the data.",
)
def measure_column_missing() -> Any:
    return gb.analyse(people(), gb.rate("arbetsdrfit"), sex="kon")


@case(
    MEASURES,
    "two measures with the same name",
    "error: give one of them another name",
    raises="Two measures have the same name 'kostnad'",
)
def measure_names_clash() -> Any:
    return gb.analyse(people(), [gb.mean("kostnad"), gb.mean("kostnad")], sex="kon")


@case(
    MEASURES,
    "no measures at all",
    "error showing how to make a measure",
    raises="measures must be a measure or a list of measures",
)
def measure_none() -> Any:
    return gb.analyse(people(), [], sex="kon")


@case(
    MEASURES,
    "a column name where a measure is expected",
    "error showing how to make a measure",
    raises="measures must be a measure or a list of measures",
)
def measure_as_string() -> Any:
    return gb.analyse(people(), "kostnad", sex="kon")


@case(
    MEASURES,
    "a ratio whose denominator is 0 for everyone",
    "no cost per day (NaN) with a note; no verdict",
    check=_flags("insufficient_data"),
)
def ratio_zero_denominator() -> Any:
    data = people(4, varddygn=[0, 0, 0, 0])
    return gb.analyse(data, gb.ratio("kostnad", "varddygn"), sex="kon")


@case(
    MEASURES,
    "a negative need score in per_need",
    "error naming the column and rows; set to missing to leave them out",
    raises="Column 'behov' (used by measure 'kostnad/behov') must be >= 0",
)
def per_need_negative() -> Any:
    data = people(behov=[-1.0] + [1.0] * 7)
    return gb.analyse(data, gb.per_need("kostnad", "behov"), sex="kon")


@case(
    MEASURES,
    "counts per group (n=) with a negative or fractional count",
    "error naming the count column and the values",
    raises="holds counts of persons, but has negative or non-integer values in 1 row",
)
def counts_negative() -> Any:
    data = pd.DataFrame({"kon": ["K", "M"], "antal": [-1, 3]})
    return gb.analyse(data, gb.count(), sex="kon", n="antal")


@case(
    MEASURES,
    "counts per group (n=) with a missing count",
    "the row is left out and reported as excluded",
    check=_excluded("antal", "missing_count", 1),
)
def counts_missing() -> Any:
    data = pd.DataFrame({"kon": ["K", "M"], "antal": [None, 3]})
    return gb.analyse(data, gb.count(), sex="kon", n="antal")


@case(
    MEASURES,
    "counts per group where more got it than there are persons",
    "error: the columns may be swapped",
    raises="in 1 row it exceeds the number of persons in column 'antal' (e.g. 5 of 3)",
)
def rate_count_above_persons() -> Any:
    data = pd.DataFrame({"kon": ["K", "M"], "antal": [3, 3], "i": [5, 1]})
    return gb.analyse(data, gb.rate("i"), sex="kon", n="antal")


@case(
    MEASURES,
    "a rate column that is missing on every row",
    "every row reported as excluded; no estimate, no verdict",
    check=_excluded("arbete", "missing_value", 4),
)
def rate_all_missing() -> Any:
    return gb.analyse(people(4, arbete=[np.nan] * 4), gb.rate("arbete"), sex="kon")


@case(
    MEASURES,
    "an unknown direction for a measure ('up')",
    "error listing the directions and what each means",
    raises="direction='up' is not allowed. Allowed values: 'higher_is_better'",
)
def measure_unknown_direction() -> Any:
    return gb.rate("arbete", direction="up")


@case(
    MEASURES,
    "counts per group whose summed squares are below sum² / n (a variance given as sum_sq)",
    "error naming the column and an impossible group, and what sum_sq must hold",
    raises="Column 'q' (the summed squares of measure 's') is smaller than the sums allow",
)
def mean_impossible_sum_of_squares() -> Any:
    data = pd.DataFrame(
        {"kon": ["K", "M", "K", "M"], "antal": [3, 3, 2, 2], "s": [30.0, 30, 20, 20], "q": 1.0}
    )
    return gb.analyse(data, gb.mean("s", sum_sq="q"), sex="kon", n="antal")


def _rates(*expected: float) -> Callable[[Any], None]:
    def check(result: gb.Result) -> None:
        np.testing.assert_allclose(result.estimates["estimate"], expected)

    return check


@case(
    MEASURES,
    "a rate column of Ja/Nej with stray spaces and mixed case",
    "read as yes/no; the coding is reported in result.coding",
    check=_rates(1.0, 0.0),
)
def rate_ja_nej() -> Any:
    data = people(4, arbete=["Ja", "Nej", " ja", "NEJ"])
    return gb.analyse(data, gb.rate("arbete"), sex="kon")


@case(
    MEASURES,
    "a rate column of marks ('x') and blanks, declared with marked='x'",
    "x is yes and a blank is no",
    check=_rates(1.0, 0.0),
)
def rate_marks_declared() -> Any:
    data = people(4, arbete=["x", "", "x", None])
    return gb.analyse(data, gb.rate("arbete", marked="x"), sex="kon")


@case(
    MEASURES,
    "a rate column of marks ('x') and blanks, not declared",
    "error listing the values and pointing to marked='x'",
    raises="If a mark such as 'x' means yes and an empty cell means no, say so with",
)
def rate_marks_undeclared() -> Any:
    data = people(4, arbete=["x", "", "x", None])
    return gb.analyse(data, gb.rate("arbete"), sex="kon")


@case(
    MEASURES,
    "costs as Swedish-formatted text ('1 234,50', non-breaking spaces)",
    "error saying they are Swedish-formatted numbers, with a conversion that works",
    raises="It holds Swedish-formatted numbers",
)
def mean_swedish_formatted_numbers() -> Any:
    costs = ["1 234,50", "2 000", "3\u00a0000,25", "12"]
    return gb.analyse(people(4, kostnad=costs), gb.mean("kostnad"), sex="kon")


@case(
    MEASURES,
    "one word among numbers in a cost column ('saknas')",
    "error listing only the value that is not a number",
    raises="1 value is not a number: 'saknas' (1 row)",
)
def mean_one_word_among_numbers() -> Any:
    costs = [str(i) for i in range(11)] + ["saknas"]
    return gb.analyse(people(12, kostnad=costs), gb.mean("kostnad"), sex="kon")


@case(
    MEASURES,
    "an infinite cost",
    "error naming the column, the value and its row; set it to NaN to leave it out",
    raises="Column 'kostnad' (used by measure 'kostnad') has infinite values in 1 row: inf",
)
def mean_infinite_cost() -> Any:
    data = people(4, kostnad=[1.0, np.inf, 2.0, 3.0])
    return gb.analyse(data, gb.mean("kostnad"), sex="kon")


@case(
    MEASURES,
    "an infinite cost in a polars frame",
    "the same error as on pandas",
    raises="Column 'kostnad' (used by measure 'kostnad') has infinite values in 1 row: inf",
)
def mean_infinite_cost_polars() -> Any:
    import polars as pl

    data = pl.from_pandas(people(4, kostnad=[1.0, np.inf, 2.0, 3.0]))
    return gb.analyse(data, gb.mean("kostnad"), sex="kon")


@case(
    MEASURES,
    "costs of 1e300 (their squares overflow)",
    "error: values this large are usually a code for a missing value or a unit error",
    raises="has values beyond +/-1e+50 in 4 rows",
)
def mean_huge_costs() -> Any:
    data = people(4, kostnad=[1e300, 2e300, 1e300, 3e300])
    return gb.analyse(data, gb.mean("kostnad"), sex="kon")


@case(
    MEASURES,
    "an infinite care-day count in a ratio's denominator",
    "error (never a cost per day of 0)",
    raises="Column 'varddygn' (used by measure 'kostnad/varddygn') has infinite values",
)
def ratio_infinite_denominator() -> Any:
    data = people(4, varddygn=[1.0, np.inf, 2, 3])
    return gb.analyse(data, gb.ratio("kostnad", "varddygn"), sex="kon")


@case(
    MEASURES,
    "a negative care-day count",
    "error: a denominator cannot be negative",
    raises="Column 'varddygn' (used by measure 'kostnad/varddygn') must be >= 0",
)
def ratio_negative_denominator() -> Any:
    data = people(4, varddygn=[1, -3, 2, 3])
    return gb.analyse(data, gb.ratio("kostnad", "varddygn"), sex="kon")


@case(
    MEASURES,
    "a negative cost (a correction or refund)",
    "used as it is: amounts may be negative",
    check=lambda result: np.testing.assert_allclose(result.estimates["estimate"], [1.5, -1.0]),
)
def mean_negative_amount() -> Any:
    data = people(4, kostnad=[1.0, -5.0, 2.0, 3.0])
    return gb.analyse(data, gb.mean("kostnad"), sex="kon")


@case(
    MEASURES,
    "counts per group (n=) of 2**62 per row",
    "error (never a negative number of persons from an overflowing sum)",
    raises="Column 'antal' (the count column, n=) has values beyond",
)
def counts_too_large() -> Any:
    data = pd.DataFrame({"kon": ["K", "K", "M", "M"], "antal": [2**62] * 4})
    return gb.analyse(data, gb.count(), sex="kon", n="antal")


# --- analyse -------------------------------------------------------------------------------

ANALYSE = "analyse"


@case(
    ANALYSE,
    "a list instead of a dataframe",
    "error naming the engines accepted",
    raises="data must be a dataframe",
)
def analyse_not_a_frame() -> Any:
    return gb.analyse([1, 2, 3], gb.count(), sex="kon")


@case(
    ANALYSE,
    "a table with no rows",
    "an empty result, nothing assessed",
    check=_flags("not_assessed"),
)
def analyse_no_rows() -> Any:
    return gb.analyse(people(0), gb.count(), sex="kon")


@case(
    ANALYSE,
    "confidence given in percent (95)",
    "error: a number between 0 and 1",
    raises="confidence must be a number strictly between 0 and 1 (e.g. 0.95), got 95.",
)
def analyse_confidence_in_percent() -> Any:
    return gb.analyse(people(), gb.count(), sex="kon", confidence=95)


@case(
    ANALYSE,
    "an unknown correction for many tests (p_adjust='bonf')",
    "error listing the allowed values",
    raises="p_adjust='bonf' is not allowed. Allowed values: 'holm', 'bonferroni'",
)
def analyse_unknown_correction() -> Any:
    return gb.analyse(people(), gb.count(), sex="kon", p_adjust="bonf")


@case(
    ANALYSE,
    "a breakdown with missing values",
    "those rows are left out of the breakdown and reported as excluded",
    check=_excluded("ar", "missing_breakdown", 4),
)
def analyse_breakdown_missing() -> Any:
    return gb.analyse(people(ar=[2020, None] * 4), gb.count(), sex="kon", by="ar")


@case(
    ANALYSE,
    "a unit (cluster=) with missing values",
    "those rows are left out and reported as excluded",
    check=_excluded("enhet", "missing_cluster", 4),
)
def analyse_cluster_missing() -> Any:
    data = people(enhet=["A", None] * 4)
    return gb.analyse(data, gb.mean("kostnad", cluster="enhet"), sex="kon")


@case(
    ANALYSE,
    "a justified factor that is not in the data",
    "error naming the column and the closest existing name",
    raises="Column 'sakerhetsklass' (a justified factor, justified=) is not in the data.",
)
def analyse_justified_missing() -> Any:
    return gb.analyse(people(), gb.mean("kostnad"), sex="kon", justified="sakerhetsklass")


@case(
    ANALYSE,
    "the sex column as a justified factor",
    "error: sex cannot explain the gap between the sexes",
    raises="The sex column 'kon' cannot be a justified factor",
)
def analyse_justified_is_sex() -> Any:
    return gb.analyse(people(), gb.mean("kostnad"), sex="kon", justified="kon")


@case(
    ANALYSE,
    "a justified factor that coincides with sex",
    "the adjusted gap is not estimable, with the reason; no verdict",
    check=_notes("factor_coincides_with_sex"),
)
def analyse_justified_coincides_with_sex() -> Any:
    data = people(kod=["x", "y"] * 4)
    return gb.analyse(data, gb.mean("kostnad"), sex="kon", justified="kod")


@case(
    ANALYSE,
    "a breakdown of dates",
    "one cell per date",
    check=_persons(women=4, men=4),
)
def analyse_breakdown_dates() -> Any:
    data = people(datum=pd.to_datetime(["2020-01-01"] * 8))
    return gb.analyse(data, gb.count(), sex="kon", by="datum")


@case(
    ANALYSE,
    "a count column (n=) that is not in the data",
    "error naming the column and the columns there are",
    raises="Column 'antal' (the count column, n=) is not in the data.",
)
def analyse_count_column_missing() -> Any:
    return gb.analyse(people(), gb.count(), sex="kon", n="antal")


@case(
    ANALYSE,
    "a breakdown that is missing on every row",
    "every row reported as excluded; empty tables, no error",
    check=_excluded("ar", "missing_breakdown", 8),
)
def analyse_breakdown_all_missing() -> Any:
    return gb.analyse(people(ar=[None] * 8), gb.count(), sex="kon", by="ar")


@case(
    ANALYSE,
    "a lazy polars frame",
    "read in one pass, as any other engine",
    check=_persons(women=4, men=4),
)
def analyse_lazy_polars() -> Any:
    import polars as pl

    return gb.analyse(pl.from_pandas(people()).lazy(), gb.mean("kostnad"), sex="kon")


@case(
    ANALYSE,
    "a significance level above 1 in the flag rule",
    "error: between 0 and 1",
    raises="FlagRule.alpha must be between 0 and 1, got 5.",
)
def analyse_rule_alpha_above_one() -> Any:
    return gb.analyse(people(), gb.mean("kostnad"), sex="kon", rule=gb.FlagRule(alpha=5))


@case(
    ANALYSE,
    "an unknown adjustment method ('ols')",
    "error listing the allowed methods",
    raises="adjustment='ols' is not allowed. Allowed values: 'model'",
)
def analyse_unknown_adjustment() -> Any:
    return gb.analyse(
        people(),
        gb.mean("kostnad"),
        sex="kon",
        justified="sakerhet",
        adjustment="ols",
    )


@case(
    ANALYSE,
    "units (cluster=) that are the sex column itself",
    "each sex is one unit: too few units for a verdict, said in a note",
    check=_notes("too_few_units_for_verdict"),
)
def analyse_cluster_is_sex() -> Any:
    return gb.analyse(people(), gb.mean("kostnad", cluster="kon"), sex="kon")


@case(
    ANALYSE,
    "a unit column (cluster=) that is not in the data",
    "error naming the column and the measure",
    raises="Column 'anstalt' (the cluster of measure 'kostnad') is not in the data.",
)
def analyse_cluster_column_missing() -> Any:
    return gb.analyse(people(), gb.mean("kostnad", cluster="anstalt"), sex="kon")


@case(
    ANALYSE,
    "a language the texts do not have (lang='de')",
    "error listing the languages",
    raises="lang='de' is not allowed. Allowed values: 'sv', 'en'.",
)
def analyse_explain_unknown_language() -> Any:
    return gb.analyse(people(), gb.mean("kostnad"), sex="kon").explain(lang="de")


@case(
    ANALYSE,
    "two columns with the same name",
    "error naming the duplicated column and how often it occurs",
    raises="several columns with the same name: 'kostnad' (2 times)",
)
def analyse_duplicate_column_names() -> Any:
    data = people()
    data.columns = ["kon", "ar", "enhet", "arbete", "kostnad", "kostnad", "sakerhet"]
    return gb.analyse(data, gb.mean("kostnad"), sex="kon")


@case(
    ANALYSE,
    "a breakdown named like an output column ('estimate')",
    "error saying the name is reserved, with a rename and the reserved names",
    raises="Column 'estimate' (a breakdown column, by=) has the name of a column of the output",
)
def analyse_breakdown_named_estimate() -> Any:
    return gb.analyse(people(estimate=[1, 2] * 4), gb.mean("kostnad"), sex="kon", by="estimate")


@case(
    ANALYSE,
    "a breakdown named like an internal temporary column ('__gb_sex')",
    "works: the library's temporaries cannot collide with a user's name",
    check=_persons(women=4, men=4),
)
def analyse_breakdown_named_like_a_temporary() -> Any:
    data = people(**{"__gb_sex": [1, 1] * 4})
    return gb.analyse(data, gb.mean("kostnad"), sex="kon", by="__gb_sex")


@case(
    ANALYSE,
    "a measure column named 'estimate'",
    "works: measure columns may have any name",
    check=_persons(women=4, men=4),
)
def analyse_measure_named_estimate() -> Any:
    data = people().rename(columns={"kostnad": "estimate"})
    return gb.analyse(data, gb.mean("estimate"), sex="kon")


# --- allocate ------------------------------------------------------------------------------

ALLOCATE = "allocate"


@case(
    ALLOCATE,
    "a negative cost",
    "error naming the column, the cost object, the value and its row; net reversals first",
    raises="Column 'k' (in costs) must be >= 0, but 1 row has negative values (o='a'): -5.0",
)
def allocate_negative_cost() -> Any:
    return allocation(
        {"o": ["a"], "k": [-5.0]}, {"o": ["a", "a"], "kon": ["K", "M"], "d": [1.0, 1.0]}
    )


@case(
    ALLOCATE,
    "a cost object with a cost but no driver rows",
    "error: its cost would disappear; add its volumes or report it apart",
    raises="Cost object(s) o='a' in costs have no rows in drivers",
)
def allocate_cost_without_drivers() -> Any:
    return allocation(
        {"o": ["a", "b"], "k": [5.0, 10.0]},
        {"o": ["b", "b"], "kon": ["K", "M"], "d": [1.0, 1.0]},
    )


@case(
    ALLOCATE,
    "a driver that is 0 for every sex of a cost object",
    "error naming the cost object and its cost; give a volume or use a pool",
    raises="Driver 'd' is 0 for every sex of cost object(s) o='a'",
)
def allocate_zero_volume() -> Any:
    return allocation(
        {"o": ["a"], "k": [5.0]}, {"o": ["a", "a"], "kon": ["K", "M"], "d": [0.0, 0.0]}
    )


@case(
    ALLOCATE,
    "a driver column that is not in the drivers table",
    "error naming the column and the columns there are",
    raises="Column 'd' (a driver) is not in the data. Available columns: 'o', 'kon', 'volym'.",
)
def allocate_driver_missing() -> Any:
    return allocation({"o": ["a"], "k": [5.0]}, {"o": ["a"], "kon": ["K"], "volym": [1.0]})


@case(
    ALLOCATE,
    "a negative rounding step (round_to=-5)",
    "error: a positive number of kronor",
    raises="round_to must be a positive number of kronor (e.g. 1000), got -5.",
)
def allocate_negative_rounding() -> Any:
    drivers = {"o": ["a", "a"], "kon": ["K", "M"], "d": [1.0, 1.0]}
    return allocation({"o": ["a"], "k": [5.0]}, drivers, round_to=-5)


def _amounts(**expected: float) -> Callable[[Any], None]:
    def check(result: gb.Allocation) -> None:
        amounts = result.totals.set_index("sex")["amount"].to_dict()
        assert amounts == expected, amounts

    return check


@case(
    ALLOCATE,
    "driver rows of unknown sex",
    "their share goes to the category unknown; the money sums back to what went in",
    check=_amounts(women=2.0, men=2.0, unknown=2.0),
)
def allocate_unknown_sex() -> Any:
    drivers = {"o": ["a", "a", "a"], "kon": ["K", "M", None], "d": [1.0, 1.0, 1.0]}
    return allocation({"o": ["a"], "k": [6.0]}, drivers)


@case(
    ALLOCATE,
    "a missing driver volume",
    "error naming the column and cost object; fill in 0 or drop the row",
    raises="Column 'd' of drivers has missing values in 1 row (o='a')",
)
def allocate_driver_missing_value() -> Any:
    drivers = {"o": ["a", "a", "a"], "kon": ["K", "M", "K"], "d": [1.0, 1.0, None]}
    return allocation({"o": ["a"], "k": [6.0]}, drivers)


@case(
    ALLOCATE,
    "a missing cost",
    "error naming the column and cost object",
    raises="Column 'k' of costs has missing values in 1 row (o='b')",
)
def allocate_cost_missing_value() -> Any:
    drivers = {"o": ["a", "a", "b"], "kon": ["K", "M", "K"], "d": [1.0, 1.0, 1.0]}
    return allocation({"o": ["a", "b"], "k": [6.0, None]}, drivers)


@case(
    ALLOCATE,
    "driver volumes as text ('1', '2')",
    "error naming the column and values, with a conversion",
    raises="Column 'd' of drivers must hold numbers, but 2 rows do not",
)
def allocate_driver_as_text() -> Any:
    drivers = {"o": ["a", "a"], "kon": ["K", "M"], "d": ["1", "2"]}
    return allocation({"o": ["a"], "k": [6.0]}, drivers)


@case(
    ALLOCATE,
    "driver rows for a cost object that is not in the costs",
    "error naming the cost object; check the spelling in both tables",
    raises="drivers has rows for cost object(s) o='b' that are not in costs",
)
def allocate_driver_for_unknown_object() -> Any:
    drivers = {"o": ["a", "b"], "kon": ["K", "M"], "d": [1.0, 2.0]}
    return allocation({"o": ["a"], "k": [6.0]}, drivers)


@case(
    ALLOCATE,
    "one cost object booked on several rows of the costs",
    "its rows are summed; the money sums back to what went in",
    check=_amounts(women=7.5, men=7.5),
)
def allocate_cost_object_on_several_rows() -> Any:
    drivers = {"o": ["a", "a"], "kon": ["K", "M"], "d": [1.0, 1.0]}
    return allocation({"o": ["a", "a"], "k": [5.0, 10.0]}, drivers)


@case(
    ALLOCATE,
    "an infinite driver volume",
    "error naming the column, cost object and row (never -9.2e16 kr)",
    raises="Column 'd' (in drivers) has infinite values in 1 row (o='a')",
)
def allocate_infinite_volume() -> Any:
    drivers = {"o": ["a", "a"], "kon": ["K", "M"], "d": [np.inf, 1.0]}
    return allocation({"o": ["a"], "k": [3500.0]}, drivers)


@case(
    ALLOCATE,
    "an infinite cost",
    "error naming the column, cost object and row",
    raises="Column 'k' (in costs) has infinite values in 1 row (o='a')",
)
def allocate_infinite_cost() -> Any:
    drivers = {"o": ["a", "a"], "kon": ["K", "M"], "d": [1.0, 1.0]}
    return allocation({"o": ["a"], "k": [np.inf]}, drivers)


@case(
    ALLOCATE,
    "a cost of 1e300 kr",
    "error: beyond what whole öre can carry exactly",
    raises="Column 'k' (in costs) has values beyond",
)
def allocate_huge_cost() -> Any:
    drivers = {"o": ["a", "a"], "kon": ["K", "M"], "d": [1.0, 1.0]}
    return allocation({"o": ["a"], "k": [1e300]}, drivers)


def _zero_cost_left_out(result: gb.Allocation) -> None:
    assert result.note_codes == ("cost_object_zero_cost_no_drivers",)
    assert set(result.table["cost_object"]) == {"b"}


@case(
    ALLOCATE,
    "a cost object with cost 0 and no driver rows",
    "nothing to allocate: left out, and a note names it",
    check=_zero_cost_left_out,
)
def allocate_zero_cost_without_drivers() -> Any:
    drivers = {"o": ["b", "b"], "kon": ["K", "M"], "d": [1.0, 1.0]}
    return allocation({"o": ["a", "b"], "k": [0.0, 10.0]}, drivers)


# --- equalize ------------------------------------------------------------------------------

EQUALIZE = "equalize"


def _work_result() -> gb.Result:
    return gb.analyse(people(), gb.rate("arbete"), sex="kon", by="ar")


@case(
    EQUALIZE,
    "a mean (not a rate) to equalize",
    "error: equalize works on a rate or a ratio with a better side",
    raises="equalize works on a rate",
)
def equalize_a_mean() -> Any:
    return gb.equalize(gb.analyse(people(), gb.mean("kostnad"), sex="kon"), "kostnad")


@case(
    EQUALIZE,
    "a target given in percent (60)",
    "error: a rate between 0 and 1",
    raises="target must be 'parity' or a rate between 0 and 1 (e.g. 0.6 for 60 %), got 60.",
)
def equalize_target_in_percent() -> Any:
    return gb.equalize(_work_result(), "arbete", target=60)


@case(
    EQUALIZE,
    "a measure the result does not have",
    "error listing the result's measures",
    raises="The result has no measure 'arbet'; its measures are ['arbete'].",
)
def equalize_unknown_measure() -> Any:
    return gb.equalize(_work_result(), "arbet")


@case(
    EQUALIZE,
    "a negative unit cost",
    "error: the cost of one place per year cannot be negative",
    raises="unit_cost must be a non-negative number",
)
def equalize_negative_unit_cost() -> Any:
    return gb.equalize(_work_result(), "arbete", unit_cost=-5)


@case(
    EQUALIZE,
    "a target rate above 1 (1.5)",
    "error: a rate between 0 and 1",
    raises="target must be 'parity' or a rate between 0 and 1 (e.g. 0.6 for 60 %), got 1.5.",
)
def equalize_target_above_one() -> Any:
    return gb.equalize(_work_result(), "arbete", target=1.5)


@case(
    EQUALIZE,
    "a dataframe without sex=",
    "error: name the sex column, or pass the result of analyse",
    raises="equalize needs sex='...', the column with the sex codes",
)
def equalize_data_without_sex() -> Any:
    return gb.equalize(people(), gb.rate("arbete"))


@case(
    EQUALIZE,
    "phase_in with one weight for two years",
    "error: one non-negative weight per year",
    raises="weights must be one non-negative number per year (2 years)",
)
def phase_in_weights_do_not_match() -> Any:
    plan = gb.equalize(_work_result(), "arbete", unit_cost=100)
    return gb.phase_in(plan, years=[2025, 2026], weights=[1.0])


@case(
    EQUALIZE,
    "phase_in with no years",
    "error: a non-empty list of distinct years",
    raises="years must be a non-empty list of distinct years",
)
def phase_in_no_years() -> Any:
    return gb.phase_in(gb.equalize(_work_result(), "arbete", unit_cost=100), years=[])


def _zero_need_note(plan: pd.DataFrame) -> None:
    codes = plan.loc[plan["ar"] == 2020, "note_codes"]
    assert (codes == "denominator_zero_both_no_target").all(), plan


@case(
    EQUALIZE,
    "need per care-day (per_need) where the need is 0 for everyone in a year",
    "no target that year, with a note that says the need sums to 0 (not that a sex is absent)",
    check=_zero_need_note,
)
def equalize_zero_need() -> Any:
    data = people(behov=[0.0] * 4 + [1.0] * 4, ar=[2020] * 4 + [2021] * 4)
    result = gb.analyse(data, gb.per_need("kostnad", "behov"), sex="kon", by="ar")
    return gb.equalize(result, "kostnad/behov")


# --- follow_up -----------------------------------------------------------------------------

FOLLOW_UP = "follow_up"


@case(
    FOLLOW_UP,
    "a dataframe instead of a result",
    "error: follow_up reads the result of analyse",
    raises="follow_up needs the Result of gb.analyse(...), got 'DataFrame'.",
)
def follow_up_not_a_result() -> Any:
    return gb.follow_up(people(), "arbete")


@case(
    FOLLOW_UP,
    "a result with two breakdowns and no time=",
    "error: name the breakdown that holds the year",
    raises="follow_up needs the breakdown that holds the year: time='...'",
)
def follow_up_which_time() -> Any:
    result = gb.analyse(people(), gb.rate("arbete"), sex="kon", by=["ar", "enhet"])
    return gb.follow_up(result, "arbete")


@case(
    FOLLOW_UP,
    "a target year given as text ('2025')",
    "error: a year is an integer",
    raises="target_year must be a year (an integer), got '2025'.",
)
def follow_up_year_as_text() -> Any:
    return gb.follow_up(_work_result(), "arbete", target_year="2025")


@case(
    FOLLOW_UP,
    "the adjusted gap of a result without justified factors",
    "error: analyse with justified= first",
    raises="gap='adjusted' needs a result with justified factors",
)
def follow_up_adjusted_without_factors() -> Any:
    return gb.follow_up(_work_result(), "arbete", gap="adjusted")


@case(
    FOLLOW_UP,
    "a negative tolerance",
    "error: a finite number >= 0",
    raises="tolerance must be a finite number >= 0, got -1.",
)
def follow_up_negative_tolerance() -> Any:
    return gb.follow_up(_work_result(), "arbete", tolerance=-1)


# --- decompositions ------------------------------------------------------------------------

DECOMPOSE = "decompositions"


@case(
    DECOMPOSE,
    "oaxaca without justified factors",
    "error: name at least one factor",
    raises="justified= must name at least one column",
)
def oaxaca_without_factors() -> Any:
    return gb.oaxaca(people(), "kostnad", sex="kon")


@case(
    DECOMPOSE,
    "decompose_cost where a group's care-days sum to 0",
    "error naming the group and the columns; correct the care-days",
    raises="'varddygn' sums to 0 there, so the cost per care-day is undefined",
)
def decompose_cost_zero_days() -> Any:
    return gb.decompose_cost(
        people(varddygn=[0] * 8),
        "kostnad",
        "varddygn",
        sex="kon",
        justified="sakerhet",
        categorical="sakerhet",
    )


@case(
    DECOMPOSE,
    "oaxaca with only women",
    "a table of missing values with a note: nothing to decompose",
    check=lambda table: (
        None if table["estimate"].isna().all() else pytest_fail("oaxaca gave numbers for one sex")
    ),
)
def oaxaca_one_sex() -> Any:
    return gb.oaxaca(people(kon=["K"] * 8), "kostnad", sex="kon", justified="varddygn")


@case(
    DECOMPOSE,
    "oaxaca with a reference named in Swedish (reference='kvinnor')",
    "error listing the allowed references with what each means",
    raises="reference='kvinnor' is not allowed. Allowed values: 'pooled'",
)
def oaxaca_unknown_reference() -> Any:
    return gb.oaxaca(people(), "kostnad", sex="kon", justified="varddygn", reference="kvinnor")


@case(
    DECOMPOSE,
    "decompose_cost with a care-day column that is not in the data",
    "error naming the column and the closest existing name",
    raises="Column 'dygn' (used by measure 'kostnad/dygn') is not in the data. Did you mean",
)
def decompose_cost_days_missing() -> Any:
    return gb.decompose_cost(people(), "kostnad", "dygn", sex="kon", justified="sakerhet")


@case(
    DECOMPOSE,
    "oaxaca with an infinite outcome",
    "the same error as every other function (one policy for numbers)",
    raises="Column 'kostnad' (used by measure 'kostnad') has infinite values in 1 row",
)
def oaxaca_infinite_outcome() -> Any:
    data = people(kostnad=[np.inf] + [1.0] * 7)
    return gb.oaxaca(data, "kostnad", sex="kon", justified="varddygn")


@case(
    DECOMPOSE,
    "decompose_cost with a negative care-day count",
    "error: a denominator cannot be negative",
    raises="Column 'varddygn' (used by measure 'kostnad/varddygn') must be >= 0",
)
def decompose_cost_negative_days() -> Any:
    return gb.decompose_cost(
        people(varddygn=[-1] + [3] * 7),
        "kostnad",
        "varddygn",
        sex="kon",
        justified="sakerhet",
        categorical="sakerhet",
    )


# --- reading files -------------------------------------------------------------------------

READ = "reading files"


def exported(name: str, text: str, encoding: str = "utf-8") -> Path:
    """A file with ``text`` in a fresh temporary folder, as an agency's system exports it."""
    path = Path(tempfile.mkdtemp(prefix="corpus-")) / name
    path.write_bytes(text.encode(encoding))
    return path


def _read_report(**expected: Any) -> Callable[[Any], None]:
    def check(report: gb.ReadReport) -> None:
        found = {key: getattr(report, key) for key in expected}
        assert found == expected, found

    return check


@case(
    READ,
    "a CSV column of numbers like 1.234 and 2.500 (decimal point or thousands separator?)",
    "error showing both readings of the values and the option that settles each",
    raises="Say which with decimal='.' (reading '.' as the decimal separator) or thousands='.'",
)
def read_ambiguous_decimal() -> Any:
    return gb.read_table(exported("kostnad.csv", "kon;belopp\nK;1.234\nM;2.500\n"))


@case(
    READ,
    "a Windows-1252 file read with encoding='utf-8'",
    "error giving the line and byte, suggesting encoding='cp1252'; never å read as mojibake",
    raises="byte 0xE5 at line 2, position 4, is not valid there. A Swedish Excel saves CSV in "
    "Windows-1252: try encoding='cp1252'",
)
def read_cp1252_declared_utf8() -> Any:
    path = exported("a.csv", "kon;enhet\nK;Håga\n", "cp1252")
    return gb.read_table(path, encoding="utf-8")


@case(
    READ,
    "a UTF-8 file read with encoding='cp1252'",
    "error: the bytes are UTF-8, and cp1252 would turn å into mojibake",
    raises="would read it as 'HÃ¥ga'. Leave encoding out, or give encoding='utf-8'.",
)
def read_utf8_declared_cp1252() -> Any:
    return gb.read_table(exported("a.csv", "kon;enhet\nK;Håga\n"), encoding="cp1252")


@case(
    READ,
    "a file with an extension read_table does not know (.json)",
    "error listing the supported formats",
    raises="has the extension '.json', which read_table cannot read. Supported: .csv",
)
def read_unknown_extension() -> Any:
    return gb.read_table(exported("data.json", "{}"))


@case(
    READ,
    "a file name that does not exist (a typo)",
    "error naming the file, never its folder, with the closest existing name",
    raises="File 'kostnder.csv' was not found. Did you mean 'kostnader.csv'?",
)
def read_missing_file() -> Any:
    path = exported("kostnader.csv", "kon;x\nK;1\n")
    return gb.read_table(path.with_name("kostnder.csv"))


@case(
    READ,
    "a header with the same column name twice",
    "error naming the column and its places, with a rename",
    raises="the header (row 1) names 'belopp' 2 times (column 2, column 3)",
)
def read_duplicate_header() -> Any:
    return gb.read_table(exported("a.csv", "kon;belopp;belopp\nK;1;2\n"))


@case(
    READ,
    "a header with a blank name over a column of data",
    "error naming the column's place",
    raises="has no name for column 2, which holds data",
)
def read_blank_header() -> Any:
    return gb.read_table(exported("a.csv", "kon;;x\nK;1;2\n"))


@case(
    READ,
    "an empty file",
    "error: no header and no rows",
    raises="File 'a.csv' is empty: it has no header and no rows.",
)
def read_empty_file() -> Any:
    return gb.read_table(exported("a.csv", ""))


@case(
    READ,
    "a cost column of Swedish numbers with one 'saknas' among them",
    "kept as text, and the report names the value that is not a number",
    check=_read_report(
        kept_as_text={"kostnad": "1 of 3 values are not numbers: 'saknas' (1 row); kept as text"}
    ),
)
def read_mostly_numbers() -> Any:
    text = "kon;kostnad\nK;1 200,50\nM;saknas\nK;800\n"
    return gb.read_table(exported("a.csv", text)).report


@case(
    READ,
    "an identity number among the numbers of a column",
    "kept as text; the report counts the value, never shows it",
    check=lambda report: (
        None
        if "look like personal identity" in report.kept_as_text["x"]
        or "looks like personal identity" in report.kept_as_text["x"]
        else pytest_fail(report.kept_as_text["x"])
    ),
)
def read_identity_number_among_numbers() -> Any:
    text = f"kon;x\nK;{IDENTITY_NUMBERS[0]}\nM;1\nK;2\n"
    return gb.read_table(exported("a.csv", text)).report


@case(
    READ,
    "municipality codes with a leading zero (0180)",
    "kept as text: codes, not numbers",
    check=lambda report: (
        None
        if "are codes, not numbers" in report.kept_as_text["kommun"]
        else pytest_fail(str(report.kept_as_text))
    ),
)
def read_leading_zero_codes() -> Any:
    return gb.read_table(exported("a.csv", "kon;kommun\nK;0180\nM;1480\n")).report


@case(
    READ,
    "a Swedish Excel CSV export: ';', Windows-1252, decimal comma, spaces and no-break spaces "
    "between thousands, Kvinna/Man, Ja/Nej, blanks",
    "read and analysed: numbers converted, words left for the analysis to code, every row "
    "accounted for",
    check=lambda result: (
        None
        if result.estimates[["measure", "sex", "n", "estimate"]].values.tolist()
        == [
            ["Arbete", "women", 2, 1.0],
            ["Arbete", "men", 1, 0.0],
            ["Kostnad", "women", 1, 1234.5],
            ["Kostnad", "men", 2, (2345.0 - 12.25) / 2],
        ]
        else pytest_fail(str(result.estimates))
    ),
)
def read_swedish_export() -> Any:
    text = (
        "Kön;Kostnad;Arbete\r\n"
        "Kvinna;1 234,50;Ja\r\n"
        "Man;2\u00a0345,00;Nej\r\n"
        "Kvinna;;Ja\r\n"
        "Man;-12,25;\r\n"
    )
    frame, _ = gb.read_table(exported("export.csv", text, "cp1252"))
    return gb.analyse(frame, [gb.rate("Arbete"), gb.mean("Kostnad")], sex="Kön")


def pytest_fail(message: str) -> None:
    """Fail a check with a message (kept free of pytest so the module imports without it)."""
    raise AssertionError(message)


def table() -> str:
    """The corpus as the markdown table of ``docs/bad-input.md``."""
    lines = ["| case | area | input | outcome |", "|---|---|---|---|"]
    for item in CASES:
        kind = "error" if item.raises is not None else "handled"
        lines.append(f"| `{item.id}` | {item.area} | {item.given} | {kind}: {item.gets} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(table(), end="")
