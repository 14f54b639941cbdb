"""Behaviour of ``analyse``: engines, pre-aggregated input, schema, accounting, edge cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import to_counts

import genderbudget as gb

SMALL = pd.DataFrame(
    {
        "kon": ["K", "K", "K", "K", "M", "M", "M", "M", "M", None],
        "ar": [2019, 2019, 2020, 2020, 2019, 2019, 2019, 2020, 2020, 2020],
        "arbete": [1, 0, 1, 1, 1, 1, 0, 0, 1, 1],
        "kostnad": [10.0, 20.0, 30.0, 50.0, 5.0, 15.0, 10.0, 20.0, 40.0, 7.0],
        "dagar": [1, 1, 2, 3, 1, 1, 1, 2, 2, 1],
    }
)


def test_hand_computed_small_table_on_every_engine(constructor: Callable[..., Any]) -> None:
    measures = [gb.rate("arbete"), gb.mean("kostnad"), gb.ratio("kostnad", "dagar")]
    result = gb.analyse(constructor(SMALL), measures, sex="kon", by="ar")
    est = result.estimates.set_index(["measure", "ar", "sex"])
    # By hand: women 2019 work 1 of 2, men 2019 work 2 of 3; women 2020 mean (30+50)/2 = 40;
    # men 2020 cost per day (20+40)/(2+2) = 15; the unknown-sex row (2020) kept on its own.
    expected = {
        ("arbete", 2019, "women"): (2, 0.5),
        ("arbete", 2019, "men"): (3, 2 / 3),
        ("arbete", 2020, "women"): (2, 1.0),
        ("arbete", 2020, "men"): (2, 0.5),
        ("arbete", 2020, "unknown"): (1, 1.0),
        ("kostnad", 2020, "women"): (2, 40.0),
        ("kostnad", 2019, "men"): (3, 10.0),
        ("kostnad/dagar", 2020, "men"): (2, 15.0),
        ("kostnad/dagar", 2020, "women"): (2, 16.0),
    }
    for key, (n, value) in expected.items():
        assert est.loc[key, "n"] == n
        assert est.loc[key, "estimate"] == pytest.approx(value, rel=1e-12)
    cmp = result.comparisons.set_index(["measure", "ar"])
    assert cmp.loc[("arbete", 2019), "difference"] == pytest.approx(0.5 - 2 / 3)
    assert cmp.loc[("kostnad", 2020), "ratio"] == pytest.approx(40.0 / 30.0)
    assert len(result.comparisons) == 6


def test_every_engine_gives_identical_tables(constructor: Callable[..., Any]) -> None:
    rng = np.random.default_rng(3)
    size = 3000
    data = pd.DataFrame(
        {
            "kon": rng.choice(["kvinna", "man", "okänd"], size, p=[0.3, 0.69, 0.01]),
            "enhet": rng.choice(["A", "B", "C", "D"], size),
            "ar": rng.choice([2020, 2021], size),
            "arbete": rng.integers(0, 2, size).astype(bool),
            "kostnad": rng.gamma(2.0, 100.0, size),
            "dagar": rng.integers(1, 100, size).astype(float),
        }
    )
    data.loc[rng.choice(size, 25, replace=False), "kostnad"] = np.nan
    measures = [
        gb.count(),
        gb.rate("arbete"),
        gb.mean("kostnad"),
        gb.ratio("kostnad", "dagar", cluster="enhet"),
        gb.total("kostnad"),
    ]
    options = {"sex": "kon", "by": "ar", "mapping": {"okänd": "unknown"}}
    reference = gb.analyse(data, measures, **options)
    result = gb.analyse(constructor(data), measures, **options)
    pd.testing.assert_frame_equal(result.estimates, reference.estimates)
    pd.testing.assert_frame_equal(result.comparisons, reference.comparisons)
    pd.testing.assert_frame_equal(result.exclusions, reference.exclusions)
    pd.testing.assert_frame_equal(result.accounting, reference.accounting)


def _micro(seed: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    size = 4000
    sex = rng.choice(["K", "M"], size, p=[0.35, 0.65])
    return pd.DataFrame(
        {
            "kon": sex,
            "ar": rng.choice([2019, 2020, 2021], size),
            "anstalt": rng.choice([f"A{i}" for i in range(9)], size),
            "arbetsdrift": (rng.uniform(size=size) < np.where(sex == "K", 0.4, 0.55)).astype(int),
            "kostnad": rng.gamma(2.0, 2000.0, size).round(),
            "varddygn": rng.integers(1, 366, size),
        }
    )


def _aggregate(data: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return to_counts(
        data,
        keys,
        sums=["arbetsdrift", "kostnad", "varddygn"],
        squares={"kostnad": "kostnad_sq"},
    )


@pytest.mark.parametrize("engine", ["pandas", "polars"])
def test_pre_aggregated_input_gives_the_same_tables(engine: str) -> None:
    micro = _micro()
    aggregated = _aggregate(micro, ["kon", "ar", "anstalt"])
    if engine == "polars":
        pl = pytest.importorskip("polars")
        aggregated = pl.from_pandas(aggregated)
    from_rows = gb.analyse(
        micro,
        [
            gb.count(),
            gb.rate("arbetsdrift"),
            gb.mean("kostnad"),
            gb.ratio("kostnad", "varddygn", cluster="anstalt"),
            gb.total("kostnad"),
        ],
        sex="kon",
        by="ar",
    )
    from_counts = gb.analyse(
        aggregated,
        [
            gb.count(),
            gb.rate("arbetsdrift"),
            gb.mean("kostnad", sum_sq="kostnad_sq"),
            gb.ratio("kostnad", "varddygn", cluster="anstalt"),
            gb.total("kostnad"),
        ],
        sex="kon",
        by="ar",
        n="antal",
    )
    pd.testing.assert_frame_equal(from_counts.estimates, from_rows.estimates, rtol=1e-9)
    pd.testing.assert_frame_equal(from_counts.comparisons, from_rows.comparisons, rtol=1e-9)


def test_pre_aggregated_mean_without_sum_sq_has_no_interval() -> None:
    aggregated = _aggregate(_micro(), ["kon", "ar"])
    result = gb.analyse(aggregated, gb.mean("kostnad"), sex="kon", n="antal")
    assert result.estimates["ci_low"].isna().all()
    assert result.estimates["estimate"].notna().all()
    assert result.estimates["note"].str.contains("sum_sq").all()


def test_columns_never_change_with_options() -> None:
    data = _micro()
    plain = gb.analyse(data, gb.rate("arbetsdrift"), sex="kon")
    rich = gb.analyse(
        data,
        [gb.rate("arbetsdrift"), gb.mean("kostnad"), gb.count()],
        sex="kon",
        confidence=0.9,
        p_adjust="none",
    )
    assert list(plain.estimates.columns) == list(rich.estimates.columns)
    assert list(plain.comparisons.columns) == list(rich.comparisons.columns)
    assert list(plain.estimates.columns) == [
        "measure",
        "sex",
        "n",
        "units",
        "estimate",
        "ci_low",
        "ci_high",
        "ci_method",
        "confidence",
        "share",
        "note",
        "note_codes",
    ]
    by = gb.analyse(data, gb.rate("arbetsdrift"), sex="kon", by=["ar", "anstalt"])
    assert list(by.comparisons.columns[:3]) == ["measure", "ar", "anstalt"]
    assert list(by.exclusions.columns) == ["measure", "column", "reason", "rows"]


def test_rows_in_equals_used_plus_excluded() -> None:
    data = _micro().astype({"kostnad": float, "ar": float})
    data.loc[[1, 2, 3], "kostnad"] = np.nan
    data.loc[[3, 4], "ar"] = np.nan
    data.loc[[5], "varddygn"] = 0
    result = gb.analyse(
        data,
        [gb.mean("kostnad"), gb.ratio("kostnad", "varddygn"), gb.rate("arbetsdrift")],
        sex="kon",
        by="ar",
    )
    accounting = result.accounting
    assert (accounting["rows_in"] == len(data)).all()
    assert (accounting["rows_in"] == accounting["rows_used"] + accounting["rows_excluded"]).all()
    excl = result.exclusions
    mean_rows = excl.loc[excl["measure"] == "kostnad"].set_index("reason")["rows"]
    # Row 3 misses both year and cost: counted once, under the breakdown.
    assert mean_rows.to_dict() == {"missing_breakdown": 2, "missing_value": 2}
    used = result.estimates.groupby("measure")["n"].sum()
    assert used["arbetsdrift"] == len(data) - 2


def test_unknown_sex_is_kept_not_dropped() -> None:
    result = gb.analyse(SMALL, gb.count(), sex="kon")
    est = result.estimates.set_index("sex")
    assert est.loc["unknown", "n"] == 1
    assert est["n"].sum() == len(SMALL)
    assert est.loc["women", "share"] == pytest.approx(0.4)


def test_cell_with_one_sex_gives_nan_and_reason_without_warnings() -> None:
    data = pd.DataFrame(
        {
            "kon": ["M", "M", "K", "M"],
            "enhet": ["A", "A", "B", "B"],
            "a": [1, 0, 0, 1],
            "y": [1.0, 2.0, 3.0, 4.0],
        }
    )
    result = gb.analyse(data, [gb.rate("a"), gb.mean("y")], sex="kon", by="enhet")
    cmp = result.comparisons.set_index(["measure", "enhet"])
    assert np.isnan(cmp.loc[("a", "A"), "difference"])
    assert cmp.loc[("a", "A"), "note"] == "no women in this cell"
    assert cmp.loc[("y", "B"), "note"].startswith("")
    est = result.estimates.set_index(["measure", "enhet", "sex"])
    assert est.loc[("a", "A", "women"), "n"] == 0
    assert est.loc[("a", "A", "women"), "note"] == "no persons in this cell"
    assert est.loc[("y", "B", "women"), "note"] == "fewer than 2 persons: no interval"
    assert np.isnan(cmp.loc[("y", "B"), "p_value"])


def test_zero_successes_give_nan_ratio_interval_with_reason() -> None:
    data = pd.DataFrame({"kon": ["K"] * 30 + ["M"] * 30, "a": [0] * 30 + [1] * 5 + [0] * 25})
    cmp = gb.analyse(data, gb.rate("a"), sex="kon").comparisons.iloc[0]
    assert cmp["ratio"] == 0.0
    assert np.isnan(cmp["ratio_ci_low"])
    assert "ratio interval undefined" in cmp["note"]
    assert np.isfinite(cmp["difference_ci_low"])


def test_result_is_immutable() -> None:
    result = gb.analyse(SMALL, gb.rate("arbete"), sex="kon")
    table = result.estimates
    table.loc[:, "estimate"] = -1.0
    assert (result.estimates["estimate"] >= 0).all()
    with pytest.raises(AttributeError):
        result.rows_in = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        result.settings.sex = "x"  # type: ignore[misc]
    assert result.settings.sex == "kon"
    assert result.settings.measure("arbete").kind == "rate"


def test_exclusion_of_missing_cluster_is_reported() -> None:
    data = _micro().astype({"anstalt": object})
    data.loc[[0, 1], "anstalt"] = None
    result = gb.analyse(data, gb.ratio("kostnad", "varddygn", cluster="anstalt"), sex="kon")
    excl = result.exclusions
    assert excl.to_dict("records") == [
        {"measure": "kostnad/varddygn", "column": "anstalt", "reason": "missing_cluster", "rows": 2}
    ]
    assert result.accounting.loc[0, "rows_used"] == len(data) - 2


def test_scb_numeric_codes_and_mapping() -> None:
    data = pd.DataFrame({"kon": [1, 2, 2, 9], "a": [1, 0, 1, 1]})
    result = gb.analyse(data, gb.count(), sex="kon", mapping={9: "unknown"})
    assert result.estimates.set_index("sex")["n"].to_dict() == {"women": 2, "men": 1, "unknown": 1}


ALL_KINDS = [gb.count(), gb.rate("a"), gb.mean("y"), gb.ratio("y", "x"), gb.total("y")]


def test_empty_input_gives_empty_cells_not_a_crash() -> None:
    data = pd.DataFrame(
        {"kon": pd.Series([], dtype=object), "a": [], "y": [], "x": []}, dtype=float
    ).astype({"kon": object})
    result = gb.analyse(data, ALL_KINDS, sex="kon")
    assert (result.estimates["n"] == 0).all()
    assert (result.estimates["note"] == "no persons in this cell").all()
    assert result.comparisons["note"].eq("no women in this cell; no men in this cell").all()
    assert (result.accounting["rows_in"] == 0).all()


def test_outcome_missing_everywhere_is_reported_and_gives_nan() -> None:
    data = pd.DataFrame(
        {"kon": ["K", "M", "K"], "a": [1, 0, 1], "y": [np.nan] * 3, "x": [1.0, 2.0, 3.0]}
    )
    result = gb.analyse(data, ALL_KINDS, sex="kon")
    cmp = result.comparisons.set_index("measure")
    assert np.isnan(cmp.loc["y", "difference"])
    assert cmp.loc["y", "note"] == "no women in this cell; no men in this cell"
    accounting = result.accounting.set_index("measure")
    assert accounting.loc["y", "rows_excluded"] == 3
    assert accounting.loc["a", "rows_used"] == 3


def test_only_unknown_sex_is_estimated_but_not_compared() -> None:
    data = pd.DataFrame({"kon": [None, None], "a": [1, 0], "y": [1.0, 2.0], "x": [1.0, 1.0]})
    result = gb.analyse(data, ALL_KINDS, sex="kon")
    unknown = result.estimates.loc[result.estimates["sex"] == "unknown"].set_index("measure")
    assert unknown.loc["a", "estimate"] == 0.5
    assert unknown.loc["y", "n"] == 2
    cmp = result.comparisons.set_index("measure")["difference"]
    assert cmp[["a", "y", "y/x"]].isna().all()
    # Head-counts and totals are recorded in full: 0 women and 0 men differ by 0.
    assert cmp[["count", "total_y"]].eq(0).all()


@pytest.mark.parametrize("seed", range(6))
def test_tables_are_sorted_as_pandas_sorts_them(seed: int) -> None:
    # Reference: pandas' stable sort_values with the measures and sexes in their own order
    # and the breakdown values as they are, missing last.
    from genderbudget._analyse import _order, _sorted
    from genderbudget._columns import Columns

    rng = np.random.default_rng(seed)
    size = 200
    years = rng.choice(np.array([2024, 2016, 2020, None], dtype=object), size)
    units = rng.choice(np.array(["Ö", "a", "B", "b", np.nan], dtype=object), size)
    table = pd.DataFrame(
        {
            "measure": pd.Series(rng.choice(["z", "a", "m"], size), dtype=object),
            "ar": pd.Series(years, dtype=object),
            "enhet": pd.Series(units, dtype=object),
            "sex": pd.Series(rng.choice(["unknown", "men", "women"], size), dtype=object),
            "row": np.arange(size),
        }
    )
    orders = {"measure": ["z", "a", "m"], "sex": ["women", "men", "unknown"]}

    def in_order(column: pd.Series) -> pd.Series:
        if column.name not in orders:
            return column
        codes = pd.Categorical(column, categories=orders[str(column.name)], ordered=True).codes
        return pd.Series(codes, index=column.index)

    keys = ["measure", "ar", "enhet", "sex"]
    expected = table.sort_values(keys, kind="stable", key=in_order)["row"].tolist()
    order = _order(table, ["z", "a", "m"], ["ar", "enhet"], with_sex=True)
    assert table["row"].to_numpy()[order].tolist() == expected
    got = _sorted(Columns.of(table), ["z", "a", "m"], ["ar", "enhet"], with_sex=True)
    assert got["row"].tolist() == expected
