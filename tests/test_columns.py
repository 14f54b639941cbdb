"""The internal tables as arrays (``_columns``) and the steps that read either kind of table.

References: pandas itself (a frame built from the same lists, ``take``, ``concat``, a
boolean selection). The estimates and comparisons computed from arrays are checked against
the same computed from frames: one formula serves both, so that test checks the reading of
the columns (:func:`column`, :meth:`Columns.of`), not the arithmetic, which is tested
against statsmodels and scipy in ``test_analyse`` and ``test_reference_values``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import genderbudget as gb
from genderbudget._columns import Columns, column, flags
from genderbudget._estimate import compare, compared, estimate, estimated
from genderbudget._sums import by_measure


def _table() -> Columns:
    return Columns(
        {
            "measure": np.array(["a", "a", "b"], dtype=object),
            "year": np.array([2020, 2021, None], dtype=object),
            "n": np.array([3.0, 4.0, 5.0]),
            "ok": np.array([True, False, True]),
        }
    )


def test_a_table_of_arrays_has_rows_columns_and_lookups_as_a_frame_has() -> None:
    table = _table()
    assert len(table) == 3
    assert table.columns == ["measure", "year", "n", "ok"]
    assert "n" in table and "missing" not in table
    assert list(table) == table.columns
    table["n"] = table["n"] * 2  # a replaced column keeps its place
    assert table.columns == ["measure", "year", "n", "ok"]
    np.testing.assert_array_equal(table["n"], [6.0, 8.0, 10.0])
    assert len(Columns(rows=0)) == 0


def test_a_column_of_the_wrong_length_or_shape_is_refused_with_its_name() -> None:
    table = _table()
    with pytest.raises(ValueError, match="'x' has 2 rows, the table 3"):
        table["x"] = np.zeros(2)
    with pytest.raises(ValueError, match="'y' must be one-dimensional"):
        table["y"] = np.zeros((3, 2))


def test_take_and_concat_match_pandas() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": pd.Series(["x", "y", None], dtype=object)})
    table = Columns.of(frame)
    taken = table.take(np.array([2, 0]))
    expected = frame.take([2, 0]).reset_index(drop=True)
    np.testing.assert_array_equal(taken["a"], expected["a"].to_numpy())
    assert taken["b"].tolist() == [None, "x"]
    both = Columns.concat([table, taken])
    assert len(both) == 5
    assert both["b"].tolist() == ["x", "y", None, None, "x"]
    assert len(Columns.concat([])) == 0


def test_a_frame_gets_the_types_pandas_infers_only_where_asked() -> None:
    table = _table()
    built = table.frame(["measure", "year", "n", "ok"], infer=["measure"])
    # The reference: pandas' own inference from lists, for the columns asked to infer.
    reference = pd.DataFrame({"measure": ["a", "a", "b"]})
    assert built["measure"].dtype == reference["measure"].dtype
    pd.testing.assert_series_equal(built["measure"], reference["measure"])
    assert built["year"].dtype == object  # not asked: Python objects, None kept
    assert built["year"].tolist()[2] is None
    assert built["n"].dtype == np.float64 and built["ok"].dtype == bool
    numbers = Columns({"k": np.array([1, 2], dtype=object)}).frame(["k"], infer=["k"])
    assert numbers["k"].dtype == np.int64
    assert list(table.frame(["n", "measure"]).columns) == ["n", "measure"]


def test_columns_read_the_same_from_a_frame_and_from_arrays() -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    table = Columns.of(frame)
    for name, dtype in (("a", float), ("a", None), ("b", object)):
        np.testing.assert_array_equal(column(frame, name, dtype), column(table, name, dtype))
    assert column(table, "a", float).dtype == np.float64
    assert table["b"].dtype == object  # text is read as Python objects


def test_flags_read_missing_as_false() -> None:
    table = Columns({"f": np.array([True, np.nan, False, np.True_, None], dtype=object)})
    np.testing.assert_array_equal(flags(table, "f"), [True, False, False, True, False])
    plain = Columns({"f": np.array([True, False])})
    assert flags(plain, "f") is plain["f"]


def test_by_measure_splits_arrays_as_a_boolean_selection_splits_a_frame() -> None:
    frame = pd.DataFrame(
        {"measure": ["b", "a", "b", "a"], "n": [1.0, 2.0, 3.0, 4.0]}, index=[10, 11, 12, 13]
    )
    split = by_measure(Columns.of(frame), ["a", "b", "c"])
    for name in ("a", "b", "c"):
        reference = frame.loc[frame["measure"] == name, "n"].to_numpy()
        np.testing.assert_array_equal(split[name]["n"], reference)
    assert len(split["c"]) == 0


@pytest.mark.parametrize("kind", ["rate", "mean", "ratio", "count", "total"])
def test_estimates_and_comparisons_on_arrays_equal_those_on_frames(kind: str) -> None:
    data = gb.datasets.load_kriminalvarden()
    measure = {
        "rate": gb.rate("arbetsdrift"),
        "mean": gb.mean("kostnad"),
        "ratio": gb.ratio("kostnad", "varddygn"),
        "count": gb.count(),
        "total": gb.total("kostnad"),
    }[kind]
    result = gb.analyse(data, measure, sex="kon", by=["ar", "anstalt"])
    assert result._cells is not None
    stats = result._cells.stats
    on_frame = estimate(stats, kind, ["ar", "anstalt"], 0.9)
    on_arrays = estimated(Columns.of(stats), kind, ["ar", "anstalt"], 0.9)
    for name, values in on_arrays.items():
        expected = on_frame[name].to_numpy(dtype=object if values.dtype == object else float)
        np.testing.assert_array_equal(values, expected, err_msg=name)
    compared_frame = compare(on_frame, kind, ["ar", "anstalt"], 0.9)
    compared_arrays = compared(Columns.of(on_frame), kind, ["ar", "anstalt"], 0.9)
    assert list(compared_arrays) == list(compared_frame.columns)
    for name, values in compared_arrays.items():
        expected = compared_frame[name].to_numpy(dtype=object if values.dtype == object else float)
        np.testing.assert_array_equal(values, expected, err_msg=name)
