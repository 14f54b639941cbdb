"""The one policy for the numbers in the rows: infinite, too large and negative values.

Each case runs on every engine of the ``constructor`` fixture (pandas, polars, lazy polars,
DuckDB). The test configuration turns warnings into errors, so a numpy RuntimeWarning
(overflow, invalid value) escaping from any of these calls fails the test. Reference
numbers are hand computations, written out beside them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import genderbudget as gb
from genderbudget._cells import (
    COUNTS_OVERFLOW,
    LARGEST_COUNT,
    LARGEST_VALUE,
    NEGATIVE_VALUE,
    NOT_FINITE,
    TOO_LARGE,
)

Constructor = Callable[[pd.DataFrame], Any]


def _persons() -> pd.DataFrame:
    """Three women (rows 0-2) and three men (rows 3-5) with a cost and care-days."""
    return pd.DataFrame(
        {
            "kon": ["K", "K", "K", "M", "M", "M"],
            "kostnad": [100.0, 200.0, 300.0, 100.0, 150.0, 200.0],
            "dagar": [1.0, 2.0, 3.0, 1.0, 2.0, 2.0],
            "grupp": [1.0, 2.0, 1.0, 2.0, 1.0, 2.0],
        }
    )


def _start(template: str, **fields: Any) -> str:
    """The fixed start of a message: the template up to its ``{values}`` field."""
    return template.split("{values}")[0].format(**fields)


def _raises(text: str) -> Any:
    return pytest.raises(ValueError, match=re.escape(text))


def _estimates(result: gb.Result) -> dict[str, float]:
    table = result.estimates
    return dict(zip(table["sex"], table["estimate"].astype(float), strict=True))


# --------------------------------------------------------------------------------------------
# Infinite values
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "measure",
    [gb.mean("kostnad"), gb.total("kostnad"), gb.ratio("kostnad", "dagar")],
    ids=["mean", "total", "ratio"],
)
def test_an_infinite_amount_is_an_error_naming_column_rows_and_positions(
    constructor: Constructor, measure: gb.Measure
) -> None:
    data = _persons()
    data.loc[2, "kostnad"] = np.inf
    start = _start(
        NOT_FINITE,
        column="kostnad",
        role=f"used by measure {measure.name!r}",
        rows="1 row",
        where="",
    )
    with _raises(start + "inf (1 row), at row 2 (counted from 0). An infinite number") as error:
        gb.analyse(constructor(data), [measure], sex="kon")
    assert "set them to missing (NaN) to leave them out" in str(error.value)


def test_an_infinite_denominator_is_an_error_not_a_ratio_of_zero(
    constructor: Constructor,
) -> None:
    data = _persons()
    data.loc[[1, 4], "dagar"] = [np.inf, -np.inf]
    start = _start(
        NOT_FINITE,
        column="dagar",
        role="used by measure 'kostnad/dagar'",
        rows="2 rows",
        where="",
    )
    with _raises(start + "-inf (1 row), inf (1 row), at rows 1 and 4 (counted from 0)"):
        gb.analyse(constructor(data), [gb.ratio("kostnad", "dagar")], sex="kon")


def test_an_infinite_justified_factor_is_an_error(constructor: Constructor) -> None:
    data = _persons()
    data.loc[5, "grupp"] = np.inf
    start = _start(NOT_FINITE, column="grupp", role="a justified factor", rows="1 row", where="")
    with _raises(start + "inf (1 row), at row 5 (counted from 0)"):
        gb.analyse(constructor(data), [gb.mean("kostnad")], sex="kon", justified="grupp")


def test_nan_stays_a_missing_value(constructor: Constructor) -> None:
    data = _persons()
    data.loc[2, "kostnad"] = np.nan
    result = gb.analyse(constructor(data), [gb.mean("kostnad")], sex="kon")
    # Women: (100 + 200) / 2 = 150 with the row left out; men: (100 + 150 + 200) / 3 = 150.
    assert _estimates(result)["women"] == pytest.approx(150.0)
    assert _estimates(result)["men"] == pytest.approx(150.0)
    excluded = result.exclusions
    assert excluded[["column", "reason", "rows"]].to_dict("records") == [
        {"column": "kostnad", "reason": "missing_value", "rows": 1}
    ]


# --------------------------------------------------------------------------------------------
# Overflow
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1e300, -1e200, 2e50])
def test_values_whose_squares_overflow_are_an_error_without_warnings(
    constructor: Constructor, value: float
) -> None:
    data = _persons()
    data.loc[3, "kostnad"] = value
    start = _start(
        TOO_LARGE,
        column="kostnad",
        role="used by measure 'kostnad'",
        rows="1 row",
        where="",
        limit=LARGEST_VALUE,
    )
    with _raises(start + f"{value!r} (1 row), at row 3 (counted from 0)"):
        gb.analyse(constructor(data), [gb.mean("kostnad")], sex="kon")


def test_values_up_to_the_limit_give_finite_intervals(constructor: Constructor) -> None:
    data = _persons().assign(kostnad=lambda d: d["kostnad"] * 1e47)  # up to 3e49 < 1e50
    table = gb.analyse(constructor(data), [gb.mean("kostnad")], sex="kon").estimates
    # Women: mean 200e47 = 2e49, the interval finite on both sides.
    women = table.set_index("sex").loc["women"]
    assert women["estimate"] == pytest.approx(2e49)
    assert np.isfinite(women[["ci_low", "ci_high"]].to_numpy(dtype=float)).all()


def test_a_count_beyond_2_53_is_an_error_not_a_negative_n(constructor: Constructor) -> None:
    counts = pd.DataFrame(
        {"kon": ["K", "K", "M", "M"], "antal": [2**62, 2**62, 5, 5], "kostnad": [1.0, 2, 3, 4]}
    )
    start = _start(
        TOO_LARGE,
        column="antal",
        role="the count column, n=",
        rows="2 rows",
        where="",
        limit=LARGEST_COUNT,
    )
    with _raises(start + "4611686018427387904 (2 rows), at rows 0 and 1 (counted from 0)"):
        gb.analyse(constructor(counts), [gb.mean("kostnad")], sex="kon", n="antal")


def test_counts_that_sum_beyond_2_53_are_an_error(constructor: Constructor) -> None:
    counts = pd.DataFrame(
        {"kon": ["K", "K", "M"], "antal": [2**53, 2**53, 5], "kostnad": [1.0, 2.0, 3.0]}
    )
    total = float(2**54 + 5)
    message = COUNTS_OVERFLOW.format(column="antal", total=total, limit=LARGEST_COUNT)
    with _raises(message):
        gb.analyse(constructor(counts), [gb.mean("kostnad")], sex="kon", n="antal")


# --------------------------------------------------------------------------------------------
# Negative values: amounts allowed, counts and denominators refused
# --------------------------------------------------------------------------------------------


def test_negative_amounts_are_allowed_in_means_totals_and_numerators(
    constructor: Constructor,
) -> None:
    data = _persons()
    data.loc[0, "kostnad"] = -5.0  # a correction
    measures = [gb.mean("kostnad"), gb.total("kostnad"), gb.ratio("kostnad", "dagar")]
    table = gb.analyse(constructor(data), measures, sex="kon").estimates
    women = table.loc[table["sex"] == "women"].set_index("measure")["estimate"]
    assert women["kostnad"] == pytest.approx((-5.0 + 200.0 + 300.0) / 3)  # 165
    assert women["total_kostnad"] == pytest.approx(495.0)
    assert women["kostnad/dagar"] == pytest.approx(495.0 / 6.0)  # sum / sum = 82.5


def test_a_negative_denominator_is_an_error_naming_the_rows(constructor: Constructor) -> None:
    data = _persons()
    data.loc[0, "dagar"] = -3.0
    start = _start(
        NEGATIVE_VALUE,
        column="dagar",
        role="used by measure 'kostnad/dagar'",
        rows="1 row",
        have="has",
        where="",
    )
    with _raises(start + "-3.0 (1 row), at row 0 (counted from 0). A denominator") as error:
        gb.analyse(constructor(data), [gb.ratio("kostnad", "dagar")], sex="kon")
    assert "cannot be negative" in str(error.value)


def test_a_negative_sum_of_squares_is_an_error(constructor: Constructor) -> None:
    counts = pd.DataFrame(
        {
            "kon": ["K", "K", "M", "M"],
            "antal": [2, 3, 2, 3],
            "kostnad": [10.0, 20.0, 30.0, 40.0],
            "kvadrat": [60.0, -1.0, 500.0, 600.0],
        }
    )
    start = _start(
        NEGATIVE_VALUE,
        column="kvadrat",
        role="used by measure 'kostnad'",
        rows="1 row",
        have="has",
        where="",
    )
    with _raises(start + "-1.0 (1 row), at row 1 (counted from 0). A sum of squares"):
        gb.analyse(
            constructor(counts), [gb.mean("kostnad", sum_sq="kvadrat")], sex="kon", n="antal"
        )


def test_checks_also_apply_to_equalize_on_data(constructor: Constructor) -> None:
    data = _persons().assign(plats=[1, 0, 1, 1, 1, 0])
    data.loc[4, "dagar"] = np.inf
    with _raises("Column 'dagar' (used by measure 'plats/dagar') has infinite values"):
        gb.equalize(constructor(data), gb.per_need("plats", "dagar"), sex="kon")


# --------------------------------------------------------------------------------------------
# equalize on a ratio whose denominator sums to 0 for one sex
# --------------------------------------------------------------------------------------------


def test_equalize_says_the_denominator_is_zero_not_that_a_sex_is_absent() -> None:
    data = pd.DataFrame(
        {
            "kon": ["K"] * 4 + ["M"] * 4,
            "timmar": [1.0, 2.0, 3.0, 4.0, 2.0, 3.0, 4.0, 5.0],
            "behov": [0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 1.0, 2.0],
        }
    )
    measure = gb.per_need("timmar", "behov")
    plan = gb.equalize(gb.analyse(data, [measure], sex="kon"), measure.name)
    assert set(plan["note"]) == {
        "the denominator sums to 0 for women: no ratio and no parity target"
    }
    women = plan.set_index("sex").loc["women"]
    # No silent infinity: 10 hours per 0 need is undefined, not inf.
    assert np.isnan(women["current_rate"])
    assert np.isnan(women["new_rate"])
    men = plan.set_index("sex").loc["men"]
    assert men["current_rate"] == pytest.approx(14.0 / 6.0)


# --------------------------------------------------------------------------------------------
# allocate: money conserved, or a clear error
# --------------------------------------------------------------------------------------------


def _costs() -> pd.DataFrame:
    return pd.DataFrame({"objekt": ["A", "B"], "kostnad": [1500.0, 2000.0]})


def _drivers() -> pd.DataFrame:
    return pd.DataFrame(
        {"objekt": ["A", "A", "B", "B"], "kon": ["K", "M", "K", "M"], "volym": [1.0, 2.0, 2.0, 3.0]}
    )


def _allocate(costs: Any, drivers: Any) -> gb.Allocation:
    return gb.allocate(
        costs, drivers, cost_object="objekt", amount="kostnad", sex="kon", driver="volym"
    )


def _ore(values: pd.Series) -> int:
    return int(np.round(values.to_numpy(dtype=float) * 100).sum())


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_an_infinite_driver_volume_is_an_error_not_lost_money(
    constructor: Constructor, value: float
) -> None:
    drivers = _drivers()
    drivers.loc[0, "volym"] = value
    start = _start(NOT_FINITE, column="volym", role="in drivers", rows="1 row", where="")
    start = start.replace(": ", " (objekt='A'): ")
    with _raises(start + f"{value!r} (1 row), at row 0 (counted from 0)"):
        _allocate(constructor(_costs()), constructor(drivers))


@pytest.mark.parametrize("value", [np.inf, 1e300])
def test_an_infinite_or_huge_cost_is_an_error_naming_the_column(
    constructor: Constructor, value: float
) -> None:
    costs = _costs()
    costs.loc[1, "kostnad"] = value
    kind = "has infinite values" if np.isinf(value) else "has values beyond +/-9.007e+13"
    with _raises(f"Column 'kostnad' (in costs) {kind} in 1 row (objekt='B'): {value!r} (1 row)"):
        _allocate(constructor(costs), constructor(_drivers()))


def test_costs_that_sum_beyond_the_ore_limit_are_an_error() -> None:
    costs = pd.DataFrame({"objekt": ["A", "B"], "kostnad": [8e13, 8e13]})  # each below 9.007e13
    with _raises("Column 'kostnad' of costs sums to 160,000,000,000,000 kr in absolute value"):
        _allocate(costs, _drivers())


def test_a_cost_object_with_zero_cost_and_no_drivers_allocates_nothing(
    constructor: Constructor,
) -> None:
    costs = pd.concat([_costs(), pd.DataFrame({"objekt": ["C"], "kostnad": [0.0]})])
    result = _allocate(constructor(costs), constructor(_drivers()))
    assert result.notes == (
        "1 cost object in costs had cost 0 and no rows in drivers (objekt='C'); nothing was "
        "allocated to it and it is left out of the tables.",
    )
    assert result.note_codes == ("cost_object_zero_cost_no_drivers",)
    assert "kostnaden 0" in result.word_notes(lang="sv")[0]
    assert "C" not in set(result.table["cost_object"])
    # Money in = money out, to the öre: 3,500.00 kr. A: 1500 by 1:2 -> 500 and 1000;
    # B: 2000 by 2:3 -> 800 and 1200. Women 1300, men 2200.
    assert _ore(result.totals["amount"]) == _ore(costs["kostnad"]) == 350_000
    totals = result.totals.set_index("sex")["amount"]
    assert totals.to_dict() == {"women": 1300.0, "men": 2200.0}


def test_a_cost_object_with_a_cost_and_no_drivers_is_still_an_error() -> None:
    costs = pd.concat([_costs(), pd.DataFrame({"objekt": ["C"], "kostnad": [5.0]})])
    with _raises("Cost object(s) objekt='C' in costs have no rows in drivers, so their cost "):
        _allocate(costs, _drivers())


@pytest.mark.parametrize("seed", range(5))
def test_money_is_conserved_to_the_ore_on_every_engine(constructor: Constructor, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 7
    costs = pd.DataFrame(
        {"objekt": [f"o{i}" for i in range(n)], "kostnad": rng.integers(0, 10**8, n) / 100}
    )
    drivers = pd.DataFrame(
        {
            "objekt": np.repeat(costs["objekt"].to_numpy(), 2),
            "kon": np.tile(["K", "M"], n),
            "volym": rng.integers(1, 50, 2 * n).astype(float),
        }
    )
    result = _allocate(constructor(costs), constructor(drivers))
    assert _ore(result.table["amount"]) == _ore(costs["kostnad"])
    assert _ore(result.totals["amount"]) == _ore(costs["kostnad"])
    assert (result.table["amount"] >= 0).all()
