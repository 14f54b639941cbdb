"""The column facts taken before the group-by (``genderbudget._facts``).

Two things are checked. The facts themselves, on every in-process engine, against a pandas
computation of the same quantities written here (missing values, smallest and largest
value, rows that are not whole numbers). And that they change nothing but the work: every
cell statistic, exclusion and error is the same with the facts as with none, because the
group-by then evaluates every flag and check row by row as it did before the facts.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import assert_same_cells, every_kind

import genderbudget as gb
from genderbudget import _cells
from genderbudget._facts import NO_FACTS, ColumnFacts, Facts, column_facts
from genderbudget._options import TEMPORARY as T


def _numbers() -> pd.DataFrame:
    """Columns with each thing the facts look for: nulls, NaN, infinity, fractions, booleans."""
    return pd.DataFrame(
        {
            "whole": np.array([3, -2, 7, 0, 5], dtype=np.int64),
            "small": np.array([0, 1, 1, 0, 1], dtype=np.int8),
            "flag": [True, False, True, True, False],
            "cost": [1.5, np.nan, -4.25, 10.0, 2.0],
            "count": [1.0, 2.0, 3.0, 4.0, 2.5],
            "big": [1.0, math.inf, 2.0, 3.0, 4.0],
            "gaps": pd.array([1, None, 3, None, 5], dtype="Int64"),
        }
    )


def _reference(frame: pd.DataFrame, column: str) -> tuple[int, float, float, int]:
    """Missing rows, smallest and largest present value, present rows not whole numbers."""
    values = frame[column].astype("Float64").astype(float)
    present = values[values.notna()]
    return (
        int(values.isna().sum()),
        float(present.min()),
        float(present.max()),
        int((present != np.round(present)).sum()),
    )


def test_facts_match_a_pandas_computation_on_every_engine(constructor: Any) -> None:
    data = _numbers()
    frame = _cells._narwhals_frame(constructor(data))
    schema = dict(frame.collect_schema())
    facts = column_facts(frame, schema, list(data.columns), whole=["count", "cost"])
    assert facts.rows == 5
    for column in data.columns:
        got = facts.columns[column]
        expected = _reference(data, column)
        assert got.missing == expected[0], column
        if got.missing == 0:  # the range of a column with missing values is not relied on
            assert (got.low, got.high) == expected[1:3], column
    assert facts.columns["count"].fractional == 1  # 2.5
    assert facts.columns["whole"].fractional is None  # an integer type is whole by its type
    assert facts.columns["whole"].whole_type and facts.columns["flag"].whole_type
    assert not facts.columns["cost"].whole_type


def test_what_the_facts_prove() -> None:
    complete = ColumnFacts(missing=0, low=0.0, high=1.0, whole_type=False, fractional=0)
    assert complete.within(0.0, 1.0, whole=True)
    assert not complete.within(0.5, 1.0)  # the smallest value is below
    assert not replace_missing(complete, 1).within(0.0, 1.0)  # a missing value proves nothing
    assert not ColumnFacts(0, 0.0, 1.0, False, None).within(0.0, 1.0, whole=True)  # not counted
    assert not ColumnFacts(0, 0.0, 1.0, False, 2).within(0.0, 1.0, whole=True)  # fractions
    assert ColumnFacts(0, 0.0, 1.0, True).within(0.0, 1.0, whole=True)  # an integer type
    assert not ColumnFacts(0, math.nan, math.nan, True).within(0.0, 1.0)  # no rows at all
    facts = Facts(
        rows=10,
        columns={
            "y": ColumnFacts(0, 0.0, 3.0, True),
            "n": ColumnFacts(0, 3.0, 9.0, True),
            "huge": ColumnFacts(0, -(2.0**50), 2.0**50, True),
            "inf": ColumnFacts(0, 1.0, math.inf, False),
        },
    )
    assert facts.at_most("y", "n") and not facts.at_most("n", "y")
    assert not facts.at_most("y", "absent")
    assert facts.finite("y") and not facts.finite("inf") and not facts.finite("absent")
    # 10 rows of at most 3 sum exactly as integers; 10 rows of 2**50 could pass 2**53.
    assert facts.exact_integer_sum("y") and not facts.exact_integer_sum("huge")
    assert not facts.exact_integer_sum("inf")


def replace_missing(facts: ColumnFacts, missing: int) -> ColumnFacts:
    return ColumnFacts(missing, facts.low, facts.high, facts.whole_type, facts.fractional)


def test_complete_columns_leave_no_flag_or_check_in_the_group_by() -> None:
    # The point of the facts: with no missing value and every check proven, the group-by sums
    # the measure columns as they are (a 0/1 integer column with no float copy), plus the
    # squares a mean needs.
    data = pd.DataFrame({"y": np.array([0, 1, 1], dtype=np.int8), "cost": [1.0, 2.0, 3.5]})
    frame = _cells._narwhals_frame(data)
    schema = dict(frame.collect_schema())
    measures = [gb.rate("y"), gb.mean("cost"), gb.count()]
    facts = column_facts(frame, schema, ["y", "cost"], whole=["y"])
    sums = _cells._row_statistics(measures, schema, None, facts)
    assert sorted(sums.derived) == [T + "y0", T + "y1", T + "yy1"]
    assert sums.checks  # every check is still there, to count one by one should one fail
    without = _cells._row_statistics(measures, schema, None, NO_FACTS).derived
    assert {T + "ok0", T + "ok1", T + "bad"} <= set(without)


def _random_rows(seed: int) -> pd.DataFrame:
    """Persons or pre-aggregated rows with missing values in some columns, none in others."""
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 80))
    frame = pd.DataFrame(
        {
            "kon": rng.choice(np.array(["K", "M", None], dtype=object), size),
            "ar": rng.choice([2023, 2024], size),
            "enhet": rng.choice(["A", "B", "C"], size),
            "klass": rng.integers(1, 3, size),
            "y": rng.integers(0, 2, size).astype(rng.choice(["int8", "int64", "float64", "bool"])),
            "cost": np.round(rng.gamma(2.0, 500.0, size), 2),
            "days": rng.integers(1, 30, size),
            "n": rng.integers(1, 6, size).astype(float),
        }
    )
    frame["hits"] = np.floor(frame["n"] * rng.uniform(size=size))
    for column in ("cost", "days", "n", "hits"):
        if rng.uniform() < 0.4:
            frame[column] = frame[column].astype(float)
            frame.loc[rng.uniform(size=size) < 0.2, column] = np.nan
    # One value in three tables that the policy or a measure refuses.
    refused = rng.choice(["none", "none", "y", "cost", "days", "n", "hits"])
    row = frame.index[int(rng.integers(0, size))]
    if refused == "y":
        frame["y"] = frame["y"].astype(float)
        frame.loc[row, "y"] = 2.0
    elif refused != "none":
        frame[refused] = frame[refused].astype(float)
        value = {"cost": math.inf, "days": -1.0, "n": 2.5, "hits": 99.0}[str(refused)]
        frame.loc[row, refused] = value
    return frame


@pytest.mark.parametrize("seed", range(40))
def test_the_facts_change_no_cell_statistic(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _same_with_and_without_facts(_random_rows(seed), monkeypatch, exact=True)


@pytest.mark.parametrize("seed", range(8))
def test_the_facts_change_nothing_on_any_engine(
    seed: int, constructor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each engine reduces the columns itself (DuckDB's max of a column with NaN is NaN, for
    # one): the same cells with the facts as without, up to the engines' own last bits.
    data = _random_rows(100 + seed)
    _same_with_and_without_facts(data, monkeypatch, exact=False, make=constructor)


def test_an_empty_table_gives_the_same_with_and_without_facts(
    constructor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _random_rows(0).iloc[:0]
    _same_with_and_without_facts(data, monkeypatch, exact=True, make=constructor)


def _same_with_and_without_facts(
    data: pd.DataFrame, monkeypatch: pytest.MonkeyPatch, *, exact: bool, make: Any = None
) -> None:
    """Collect the cells of ``data`` with and without the facts; the same, or the same error."""
    make = make or (lambda frame: frame)
    persons = every_kind(yes_no="y", rate="y", amount="cost", days="days", need="n", unit="enhet")
    aggregated = [gb.count(), gb.rate("hits"), gb.mean("cost"), gb.total("days")]
    runs = {"persons": (persons, None), "aggregated": (aggregated, "n")}
    for measures, n in runs.values():
        options: dict[str, Any] = {"sex": "kon", "by": ["ar"], "n": n, "mapping": None}
        options["justified"] = ["klass"]
        try:
            with_facts: Any = _cells.collect_cells(make(data), measures, **options)
        except ValueError as error:  # refused data: the same refusal without the facts
            with_facts = str(error)
        with monkeypatch.context() as patched:
            patched.setattr(_cells, "column_facts", lambda *args, **kwargs: NO_FACTS)
            patched.setattr(_cells, "trusted_facts", lambda *args, **kwargs: None)
            try:
                without: Any = _cells.collect_cells(make(data), measures, **options)
            except ValueError as error:
                without = str(error)
        if isinstance(without, str):
            assert with_facts == without
            continue
        assert_same_cells(with_facts, without, exact=exact)
        assert with_facts.rows_in == len(data)


def test_large_integers_are_summed_as_floats_without_wrapping() -> None:
    # Three costs of 4e18 kronor fit an int64 each, but their sum (1.2e19) does not: summed
    # as 64-bit integers it would wrap to a negative number. The facts see that the sum could
    # pass 2**53 and leave the column to the float sum, as without facts.
    value = 4 * 10**18
    data = pd.DataFrame(
        {"kon": ["K", "K", "K", "M"], "cost": np.array([value] * 3 + [1], dtype=np.int64)}
    )
    result = gb.analyse(data, gb.mean("cost"), sex="kon")
    women = result.estimates.set_index("sex").loc["women", "estimate"]
    assert women == pytest.approx(4e18, rel=1e-15)  # hand computation: 3 x 4e18 / 3


def test_refused_values_are_still_found_where_the_facts_cannot_prove_anything() -> None:
    # A rate column with a 2 among missing values: its range is not relied on (missing
    # values), so the check is evaluated row by row and the usual error names the value.
    data = pd.DataFrame({"kon": ["K", "M", "K"], "y": [0.0, np.nan, 2.0]})
    with pytest.raises(ValueError, match="'y'"):
        gb.analyse(data, gb.rate("y"), sex="kon")


def test_counts_of_missing_values_pass_an_8_bit_integer(constructor: Any) -> None:
    # The flags are summed as 8-bit integers; every engine sums them in a wider type.
    data = pd.DataFrame({"cost": [np.nan] * 300 + [1.0, 2.5]})
    frame = _cells._narwhals_frame(constructor(data))
    facts = column_facts(frame, dict(frame.collect_schema()), ["cost"], whole=["cost"])
    assert facts.columns["cost"].missing == 300
    assert facts.rows == 302


def test_pandas_is_grouped_in_longer_chunks() -> None:
    pl = pytest.importorskip("polars")

    data = pd.DataFrame({"a": [1]})
    assert _cells._chunk_rows(_cells._narwhals_frame(data)) == 4 * _cells.CHUNK_ROWS
    assert _cells._chunk_rows(_cells._narwhals_frame(pl.from_pandas(data))) == _cells.CHUNK_ROWS


def test_engine_types_give_the_same_result_with_and_without_facts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # DuckDB's DECIMAL, TINYINT, HUGEINT, UBIGINT and BOOLEAN, reduced by DuckDB itself.
    duckdb = pytest.importorskip("duckdb")
    relation = duckdb.connect().sql(
        "select case when i % 3 = 0 then 'K' when i % 3 = 1 then 'M' end as kon,"
        " (2020 + i % 3)::integer as ar, (i % 2)::tinyint as y,"
        " (i * 1.25)::decimal(18, 2) as cost, (i % 7 + 1)::hugeint as days,"
        " (i % 2 = 0) as flag, (i * 3)::ubigint as big from range(200) t(i)"
    )
    measures = [
        gb.rate("y"),
        gb.mean("cost"),
        gb.ratio("cost", "days"),
        gb.rate("flag"),
        gb.mean("big"),
        gb.total("big"),
    ]
    with_facts = gb.analyse(relation, measures, sex="kon", by="ar").estimates
    monkeypatch.setattr(_cells, "column_facts", lambda *args, **kwargs: NO_FACTS)
    monkeypatch.setattr(_cells, "trusted_facts", lambda *args, **kwargs: None)
    without = gb.analyse(relation, measures, sex="kon", by="ar").estimates
    pd.testing.assert_frame_equal(with_facts, without, check_exact=True)
    assert len(with_facts) == 6 * 3 * 2 + 6  # women and men in 3 years, unknown sex in 1
