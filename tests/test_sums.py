"""The sums of the grouped rows per measure, cell and sex (``genderbudget._sums``).

The reference is a pandas group-by of the same table (independent of the integer codes and
``numpy.bincount`` the module uses); the values are whole numbers, so sums in any order
are exact and compared exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import genderbudget as gb
from genderbudget._options import TEMPORARY as T
from genderbudget._sums import (
    STAT_COLUMNS,
    by_measure,
    cell_groups,
    cell_totals,
    measure_sums,
    sorted_codes,
)


def _grouped(seed: int = 0, rows: int = 60) -> pd.DataFrame:
    """A table shaped like the one group-by's output: sex, breakdowns, a unit, sums."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["women", "men", "unknown"], rows, p=[0.45, 0.45, 0.1])
    year = rng.choice([2023, 2024, None], rows, p=[0.45, 0.45, 0.1])
    unit = rng.choice(["A", "B", "C", "D", None], rows)
    ok = rng.integers(0, 5, rows).astype(float)
    return pd.DataFrame(
        {
            T + "sex": pd.Series(sex, dtype=object),
            "ar": pd.Series(year, dtype=object),
            "enhet": pd.Series(unit, dtype=object),
            f"{T}ok0": ok,
            f"{T}y0": ok * rng.integers(0, 3, rows),
            f"{T}x0": ok * rng.integers(1, 4, rows),
            f"{T}xx0": ok * 9.0,
            f"{T}xy0": ok * 2.0,
            f"{T}yy0": ok * 4.0,
            f"{T}miss0_kostnad": rng.integers(0, 2, rows).astype(float),
            f"{T}miss0_dagar": np.zeros(rows),
        }
    )


def _reference(table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sum the same columns with a pandas group-by (missing breakdowns as their own value)."""
    renamed = table.rename(
        columns={
            T + "sex": "sex",
            f"{T}ok0": "rows",
            f"{T}y0": "sy",
            f"{T}yy0": "syy",
            f"{T}x0": "sx",
            f"{T}xx0": "sxx",
            f"{T}xy0": "sxy",
        }
    )
    renamed["n"] = renamed["rows"]
    sums = ["n", "rows", "sy", "syy", "sx", "sxx", "sxy"]
    return renamed.groupby(["sex", *by], dropna=False)[sums].sum().reset_index()


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    key = frame[keys].astype(str).agg("|".join, axis=1)
    return frame.iloc[np.argsort(key.to_numpy(), kind="stable")].reset_index(drop=True)


def test_sums_match_a_pandas_group_by_and_add_the_absent_sex() -> None:
    table = _grouped()
    measure = gb.ratio("kostnad", "dagar")
    got = measure_sums(table, cell_groups(table, ["ar"]), 0, measure, n=None)
    stats = got.stats
    assert list(stats.columns) == ["measure", "sex", "ar", *STAT_COLUMNS]
    reference = _reference(table, ["ar"])
    present = stats.merge(reference, on=["sex", "ar"], suffixes=("", "_ref"))
    assert len(present) == len(reference)  # every group of the reference is there
    for column in ["n", "rows", "sy", "syy", "sx", "sxx", "sxy"]:
        np.testing.assert_array_equal(present[column], present[column + "_ref"])
    # A ratio's units are its rows; every cell has a women and a men row.
    np.testing.assert_array_equal(stats["units"], stats["rows"])
    years = table["ar"].drop_duplicates().tolist()
    for year in years:
        in_year = stats.loc[
            stats["ar"].map(lambda v, y=year: (pd.isna(v) and pd.isna(y)) or v == y)
        ]
        assert {"women", "men"} <= set(in_year["sex"])
    assert got.excluded == [
        {
            "measure": measure.name,
            "column": "kostnad",
            "reason": "missing_value",
            "rows": int(table[f"{T}miss0_kostnad"].sum()),
        }
    ]


def test_sums_do_not_depend_on_the_order_of_the_grouped_rows() -> None:
    # An engine's group-by returns its rows in an order of its own; the cells must come out
    # in the same order, with the same sums, whatever it is.
    table = _grouped(seed=1)
    measure = gb.ratio("kostnad", "dagar", cluster="enhet")
    first = measure_sums(table, cell_groups(table, ["ar"]), 0, measure, n=None)
    shuffled = table.sample(frac=1.0, random_state=7).reset_index(drop=True)
    second = measure_sums(shuffled, cell_groups(shuffled, ["ar"]), 0, measure, n=None)
    pd.testing.assert_frame_equal(first.stats, second.stats, check_exact=True)
    assert first.units is not None and second.units is not None
    pd.testing.assert_frame_equal(first.units, second.units, check_exact=True)
    # The same with about fifteen cells (year x unit), whose first appearances differ.
    fine = gb.ratio("kostnad", "dagar")
    first = measure_sums(table, cell_groups(table, ["ar", "enhet"]), 0, fine, n=None)
    second = measure_sums(shuffled, cell_groups(shuffled, ["ar", "enhet"]), 0, fine, n=None)
    pd.testing.assert_frame_equal(first.stats, second.stats, check_exact=True)


def test_clustered_sums_go_through_the_units() -> None:
    table = _grouped(seed=2)
    measure = gb.ratio("kostnad", "dagar", cluster="enhet")
    got = measure_sums(table, cell_groups(table, ["ar"]), 0, measure, n=None)
    # The units by hand: rows with a unit, summed per sex x year x unit.
    known = table.loc[table["enhet"].notna()]
    per_unit = (
        known.groupby([T + "sex", "ar", "enhet"], dropna=False)[[f"{T}ok0", f"{T}y0", f"{T}x0"]]
        .sum()
        .reset_index()
    )
    per_unit = per_unit.loc[per_unit[f"{T}ok0"] > 0]
    assert got.units is not None
    assert len(got.units) == len(per_unit)
    assert got.units["rows"].sum() == per_unit[f"{T}ok0"].sum()
    # A clustered ratio's squares are those of the units' sums.
    women_2023 = per_unit.loc[(per_unit[T + "sex"] == "women") & (per_unit["ar"] == 2023)]
    row = got.stats.loc[(got.stats["sex"] == "women") & (got.stats["ar"] == 2023)].iloc[0]
    assert row["syy"] == (women_2023[f"{T}y0"] ** 2).sum()
    assert row["sxy"] == (women_2023[f"{T}y0"] * women_2023[f"{T}x0"]).sum()
    assert row["units"] == len(women_2023)
    lost = table.loc[table["enhet"].isna(), f"{T}ok0"].sum()
    reasons = {e["reason"]: e["rows"] for e in got.excluded}
    assert reasons.get("missing_cluster", 0) == lost


def test_without_breakdowns_there_is_one_cell_even_with_no_rows() -> None:
    table = _grouped().iloc[:0]
    measure = gb.ratio("kostnad", "dagar")
    got = measure_sums(table, cell_groups(table, []), 0, measure, n=None)
    assert got.stats["sex"].tolist() == ["women", "men"]
    assert got.stats[["n", "rows", "sy"]].to_numpy().sum() == 0


@pytest.mark.parametrize(
    "values",
    [
        [3, 1, None, 2, 1, 3],
        ["b", "a", None, 1, "a", 1.5],
    ],
)
def test_codes_are_the_same_for_any_order_of_the_rows(values: list[object]) -> None:
    column = np.array(values, dtype=object)
    codes, first, _ = sorted_codes([column], len(column))
    order = np.random.default_rng(0).permutation(len(column))
    codes_shuffled, first_shuffled, _ = sorted_codes([column[order]], len(column))
    np.testing.assert_array_equal(codes[order], codes_shuffled)
    assert len(first) == len(first_shuffled) == len({str(v) for v in values})


def test_missing_mask_is_is_missing_on_every_value() -> None:
    # pandas.isna finds more than is_missing (a decimal NaN): the mask keeps the narrower
    # rule, value by value, on the Python value a numpy scalar holds (a numpy NaT is None,
    # a float32 NaN a float NaN).
    from decimal import Decimal

    from genderbudget._sums import is_missing, missing_mask, python_value

    values = [
        None,
        float("nan"),
        pd.NA,
        pd.NaT,
        np.datetime64("NaT"),
        np.float32("nan"),
        Decimal("NaN"),
        0,
        "",
        "x",
        1.5,
    ]
    column = pd.Series(values, dtype=object)
    assert missing_mask(column).tolist() == [is_missing(python_value(v)) for v in values]
    assert missing_mask(column).tolist() == [True] * 6 + [False] * 5
    assert bool(pd.isna(Decimal("NaN")))  # so the narrower rule is what is tested here


def test_the_chunks_sums_are_added_up_per_key() -> None:
    # The group-bys of the chunks of an eager frame repeat keys; adding them up leaves one
    # row per key with the sums of its rows, None and NaN apart (engines keep a null and a
    # NaN of a float column apart), the values of its first row kept.
    from genderbudget._cells import _add_up

    table = pd.DataFrame(
        {
            "k": pd.Series([1.0, None, np.nan, 1.0, None, 2.0], dtype=object),
            "s": pd.Series(["a", "a", "a", "a", "a", "b"], dtype=object),
            T + "rows": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    got = _add_up(table, ["k", "s"])
    assert len(got) == 4
    assert got[T + "rows"].tolist() == [5.0, 7.0, 3.0, 6.0]
    assert got["k"].iloc[1] is None
    assert np.isnan(got["k"].iloc[2])


def test_cell_totals_match_a_pandas_group_by() -> None:
    # Reference: pandas' group-by transform, missing breakdown values kept as one cell.
    table = _grouped(seed=4)
    values = table[f"{T}y0"].to_numpy()
    expected = table.assign(v=values).groupby(["ar", "enhet"], dropna=False)["v"].transform("sum")
    got = cell_totals(table, values, ["ar", "enhet"])
    np.testing.assert_array_equal(got, expected.to_numpy(dtype=float))
    np.testing.assert_array_equal(cell_totals(table, values, []), np.full(len(table), values.sum()))


def test_by_measure_gives_each_measures_rows_as_a_boolean_selection_does() -> None:
    # Reference: a boolean selection per measure, which keeps the rows' order and index.
    table = pd.DataFrame(
        {"measure": ["b", "a", "b", "c", "a"], "v": [1.0, 2.0, 3.0, 4.0, 5.0]},
        index=[10, 11, 12, 13, 14],
    )
    names = ["c", "a", "b", "none"]
    split = by_measure(table, names)
    assert list(split) == names
    for name, part in split.items():
        pd.testing.assert_frame_equal(part, table.loc[table["measure"] == name])
    assert by_measure(None, names) == {}
    assert all(part.empty for part in by_measure(table.iloc[:0], names).values())


@pytest.mark.parametrize(("columns", "distinct"), [(3, 4), (5, 20_000)])
def test_sorted_codes_number_the_combinations_in_order(columns: int, distinct: int) -> None:
    # Reference: Python's sort of each row's tuple of (type name, text) per column. The
    # second case has more combinations than an int64 holds, so the codes are renumbered
    # on the way.
    rng = np.random.default_rng(columns)
    size = 3_000
    values = [rng.integers(0, distinct, size).astype(object) for _ in range(columns)]
    values[0][::7] = "x"  # text among the numbers
    codes, first, taken = sorted_codes(values, size)

    def key(row: int) -> tuple[tuple[str, str], ...]:
        return tuple((type(v[row]).__name__, str(v[row])) for v in values)

    order = sorted({key(row) for row in range(size)})
    expected = np.array([order.index(key(row)) for row in range(size)])
    np.testing.assert_array_equal(codes, expected)
    assert [key(row) for row in first] == order
    for column, v in zip(taken, values, strict=True):
        np.testing.assert_array_equal(column, v[first])
