"""``allocate``: costs to women and men by volume drivers, conserved to the öre.

References: hand computation with the largest-remainder rule (written beside the numbers), and
exact integer sums in öre on random inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import genderbudget as gb


def _costs() -> pd.DataFrame:
    return pd.DataFrame({"objekt": ["A", "B"], "kostnad": [1000.00, 100.00]})


def _drivers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "objekt": ["A", "A", "B", "B", "B"],
            "kon": ["K", "M", "K", "M", None],
            "mottagare": [3, 1, 1, 1, 1],
            "arenden": [1, 1, 2, 0, 0],
        }
    )


def _amounts(result: gb.Allocation, driver: str = "mottagare") -> dict[tuple[str, str], float]:
    table = result.table.loc[result.table["driver"] == driver]
    return {
        (o, s): a
        for o, s, a in zip(table["cost_object"], table["sex"], table["amount"], strict=True)
    }


def _call(costs: Any, drivers: Any, **kwargs: Any) -> gb.Allocation:
    options: dict[str, Any] = {
        "cost_object": "objekt",
        "amount": "kostnad",
        "sex": "kon",
        "driver": "mottagare",
    }
    options.update(kwargs)
    return gb.allocate(costs, drivers, **options)


def test_hand_computed_split() -> None:
    result = _call(_costs(), _drivers(), persons="mottagare")
    # A: 1000 kr by 3:1 -> 750.00 and 250.00. B: 10000 öre in three equal parts: 3333 each
    # and the one öre left to the first (women): 33.34, 33.33, 33.33 (unknown sex kept).
    assert _amounts(result) == {
        ("A", "women"): 750.00,
        ("A", "men"): 250.00,
        ("B", "women"): 33.34,
        ("B", "men"): 33.33,
        ("B", "unknown"): 33.33,
    }
    table = result.table.set_index(["cost_object", "sex"])
    assert table.loc[("A", "women"), "share"] == pytest.approx(0.75)
    assert table.loc[("A", "women"), "per_capita"] == pytest.approx(250.0)  # 750 / 3
    totals = result.totals.set_index("sex")
    assert totals.loc["women", "amount"] == pytest.approx(783.34)
    assert totals.loc["women", "share"] == pytest.approx(783.34 / 1100)


def test_hand_computed_two_stage_chain() -> None:
    overhead = pd.DataFrame({"objekt": ["IT"], "kostnad": [200.00]})
    result = _call(_costs(), _drivers(), overhead=overhead, overhead_key="cost")
    # Stage one: 20000 öre by cost 1000:100 -> quotas 18181.82 and 1818.18 -> 18182 and 1818.
    stage = result.overhead.set_index("cost_object")["amount"]
    assert stage.to_dict() == {"A": 181.82, "B": 18.18}
    # Stage two: A has 118182 öre by 3:1 -> quotas 88636.5 and 29545.5, the öre left to the
    # first on a tie: 886.37 and 295.45. B has 11818 öre in thirds -> 39.40, 39.39, 39.39.
    assert _amounts(result) == {
        ("A", "women"): 886.37,
        ("A", "men"): 295.45,
        ("B", "women"): 39.40,
        ("B", "men"): 39.39,
        ("B", "unknown"): 39.39,
    }
    assert result.table["amount"].sum() == pytest.approx(1300.00, abs=1e-9)


def test_overhead_key_driver_follows_each_driver() -> None:
    overhead = pd.DataFrame({"objekt": ["IT"], "kostnad": [100.00]})
    result = _call(
        _costs(),
        _drivers(),
        driver=["mottagare", "arenden"],
        overhead=overhead,
        overhead_key="driver",
    )
    stage = result.overhead.pivot_table(index="cost_object", columns="driver", values="amount")
    # By recipients A:B = 4:3 -> 57.14 and 42.86; by cases 2:2 -> 50 and 50.
    assert stage["mottagare"].to_dict() == {"A": 57.14, "B": 42.86}
    assert stage["arenden"].to_dict() == {"A": 50.0, "B": 50.0}
    # By cases all of B goes to women (2 cases, men and unknown 0).
    cases = _amounts(result, "arenden")
    assert cases[("B", "women")] == 150.0
    assert cases[("B", "men")] == 0.0


@pytest.mark.parametrize("seed", range(25))
def test_money_is_conserved_to_the_ore_on_random_input(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_objects = int(rng.integers(1, 12))
    years = [2020, 2021]
    costs = pd.DataFrame(
        {
            "ar": np.repeat(years, n_objects),
            "objekt": [f"O{i}" for i in range(n_objects)] * 2,
            "kostnad": rng.integers(0, 10**9, 2 * n_objects) / 100,  # whole öre
        }
    )
    rows = []
    for year in years:
        for i in range(n_objects):
            for sex in ("K", "M", None):
                rows.append(
                    {
                        "ar": year,
                        "objekt": f"O{i}",
                        "kon": sex,
                        "v1": int(rng.integers(1, 10**6)),
                        "v2": float(rng.uniform(0.01, 50)),
                    }
                )
    drivers = pd.DataFrame(rows)
    overhead = pd.DataFrame(
        {
            "ar": years * 2,
            "objekt": ["P1", "P1", "P2", "P2"],
            "kostnad": [1234.57, 0.01, 99.99, 5e6],
        }
    )
    result = _call(
        costs,
        drivers,
        by="ar",
        driver=["v1", "v2"],
        overhead=overhead,
        overhead_key={"P1": "cost", "P2": "v2"},
        round_to=1000,
    )
    ore_in = (costs["kostnad"] * 100).round().astype(np.int64)
    pool_in = (overhead["kostnad"] * 100).round().astype(np.int64)
    table = result.table.assign(ore=(result.table["amount"] * 100).round().astype(np.int64))
    for driver, part in table.groupby("driver"):
        # Every öre in is an öre out, per year and in total.
        assert part["ore"].sum() == ore_in.sum() + pool_in.sum(), driver
        for year in years:
            in_year = ore_in[costs["ar"] == year].sum() + pool_in[overhead["ar"] == year].sum()
            assert part.loc[part["ar"] == year, "ore"].sum() == in_year
        # Per cost object: direct cost plus its stage-one overhead.
        stage = result.overhead.loc[result.overhead["driver"] == driver]
        stage_ore = (stage["amount"] * 100).round().astype(np.int64)
        per_object = part.groupby(["ar", "cost_object"])["ore"].sum()
        expected = costs.set_index(["ar", "objekt"])["kostnad"].mul(100).round().astype(np.int64)
        expected = expected.add(
            stage_ore.groupby([stage["ar"], stage["cost_object"].rename("objekt")]).sum(),
            fill_value=0,
        )
        expected.index = expected.index.set_names(["ar", "cost_object"])
        pd.testing.assert_series_equal(
            per_object.sort_index(), expected.sort_index().astype(np.int64), check_names=False
        )
        # Rounded parts sum to the cost object's rounded cost.
        rounded = part.groupby(["ar", "cost_object"])["amount_rounded"].sum()
        exact = part.groupby(["ar", "cost_object"])["amount"].sum()
        assert (rounded == np.floor(exact / 1000 + 0.5) * 1000).all()
        assert (np.round(part["amount_rounded"] / 1000) == part["amount_rounded"] / 1000).all()


def test_driver_choice_changes_womens_share_on_pension_data() -> None:
    costs = gb.datasets.load_pension_costs()
    result = gb.allocate(
        costs.query("typ == 'förmån'"),
        gb.datasets.load_pension_drivers(),
        cost_object="kostnadsobjekt",
        amount="kostnad",
        sex="kon",
        by="ar",
        driver=["mottagare", "arenden", "kontakter"],
        overhead=costs.query("typ == 'gemensam'"),
        overhead_key={"kundservice": "kontakter", "IT och ledning": "driver"},
    )
    total = result.sensitivity.query("cost_object == 'total'").set_index(["ar", "driver"])
    for year in (2019, 2020, 2021):
        by_recipients = total.loc[(year, "mottagare"), "women_share"]
        by_cases = total.loc[(year, "arenden"), "women_share"]
        # Calibration proposal: women 56-60 % by recipients, more by cases (bostadstillägg
        # and garantipension, mostly women, are case-heavy).
        assert 0.55 < by_recipients < 0.61
        assert by_cases - by_recipients > 0.02
        assert total.loc[(year, "mottagare"), "spread"] > 0.02
    # Each year's allocation sums to that year's cost exactly.
    sums = result.totals.groupby(["ar", "driver"])["amount"].sum().round(2)
    assert set(sums.loc[2020]) == {1_423_000_000.0}


def test_every_engine_gives_identical_allocations(constructor: Callable[..., Any]) -> None:
    options: dict[str, Any] = {"driver": ["mottagare", "arenden"], "persons": "mottagare"}
    overhead = pd.DataFrame({"objekt": ["IT"], "kostnad": [200.0]})
    a = _call(_costs(), _drivers(), overhead=overhead, **options)
    b = _call(
        constructor(_costs()), constructor(_drivers()), overhead=constructor(overhead), **options
    )
    for name in ("table", "totals", "sensitivity", "overhead"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_cost_object_with_no_cost_has_zero_parts() -> None:
    costs = pd.DataFrame({"objekt": ["A", "B"], "kostnad": [10.0, 0.0]})
    result = _call(costs, _drivers(), driver="arenden")
    b = result.table.loc[result.table["cost_object"] == "B", "amount"]
    assert (b == 0).all()


def test_missing_column_suggests_the_closest() -> None:
    with pytest.raises(ValueError, match=r"Column 'motagare' .* Did you mean 'mottagare'"):
        _call(_costs(), _drivers(), driver="motagare")


def test_text_amount_is_named() -> None:
    costs = _costs().astype({"kostnad": object})
    costs.loc[1, "kostnad"] = "1 000"
    with pytest.raises(ValueError, match=r"Column 'kostnad' of costs must hold numbers.*'1 000'"):
        _call(costs, _drivers())


def test_numbers_written_as_text_are_refused_not_converted() -> None:
    drivers = _drivers().astype({"mottagare": str})
    with pytest.raises(
        ValueError, match=r"Column 'mottagare' of drivers must hold numbers, but 5 rows do not"
    ):
        _call(_costs(), drivers)


def test_missing_driver_value_is_named() -> None:
    drivers = _drivers().astype({"mottagare": float})
    drivers.loc[0, "mottagare"] = np.nan
    with pytest.raises(
        ValueError,
        match=r"Column 'mottagare' of drivers has missing values in 1 row \(objekt='A'\)",
    ):
        _call(_costs(), drivers)


def test_negative_amount_names_the_cost_object() -> None:
    costs = _costs()
    costs.loc[1, "kostnad"] = -5.0
    with pytest.raises(
        ValueError,
        match=r"'kostnad' \(in costs\) must be >= 0, but 1 row has negative values \(objekt='B'\): "
        r"-5\.0 \(1 row\), at row 1 \(counted from 0\)\. Costs cannot be negative",
    ):
        _call(costs, _drivers())


def test_negative_driver_names_the_cost_object() -> None:
    drivers = _drivers()
    drivers.loc[0, "mottagare"] = -1
    with pytest.raises(ValueError, match=r"'mottagare' \(in drivers\) must be >= 0.*objekt='A'"):
        _call(_costs(), drivers)


def test_cost_object_without_drivers_is_an_error() -> None:
    costs = pd.concat([_costs(), pd.DataFrame({"objekt": ["C"], "kostnad": [5.0]})])
    with pytest.raises(ValueError, match=r"Cost object\(s\) objekt='C' in costs have no rows"):
        _call(costs, _drivers())


def test_driver_for_unknown_cost_object_is_an_error() -> None:
    drivers = pd.concat(
        [
            _drivers(),
            pd.DataFrame({"objekt": ["Z"], "kon": ["K"], "mottagare": [1], "arenden": [1]}),
        ]
    )
    with pytest.raises(ValueError, match=r"cost object\(s\) objekt='Z' that are not in costs"):
        _call(_costs(), drivers)


def test_zero_volume_is_an_error_naming_object_and_money() -> None:
    drivers = _drivers()
    drivers.loc[drivers["objekt"] == "B", "arenden"] = 0
    with pytest.raises(
        ValueError,
        match=r"Driver 'arenden' is 0 for every sex of cost object\(s\) objekt='B'.* 100\.00 kr",
    ):
        _call(_costs(), drivers, driver="arenden")


def test_fractions_of_an_ore_are_rounded_keeping_the_total_and_reported() -> None:
    costs = pd.DataFrame({"objekt": ["A", "B", "C"], "kostnad": [100.004, 200.003, 300.003]})
    drivers = pd.DataFrame(
        {"objekt": ["A", "B", "C"], "kon": ["K", "K", "M"], "mottagare": [1, 1, 1]}
    )
    result = _call(costs, drivers)
    # Hand: 10000.4, 20000.3 and 20000.3 öre sum to 60001 öre; floors 10000, 20000, 30000
    # leave 1 öre, which goes to the largest remainder (A's 0.4).
    assert result.table.set_index("cost_object")["amount"].to_dict() == {
        "A": 100.01,
        "B": 200.00,
        "C": 300.00,
    }
    assert result.notes == (
        "3 amounts in column 'kostnad' of costs had fractions of an öre; they were rounded to "
        "whole öre by the largest-remainder rule, so the total is kept to the nearest öre (the "
        "largest change to one amount: 0.60 öre).",
    )
    assert _call(_costs(), _drivers()).notes == ()


@pytest.mark.parametrize("seed", range(10))
def test_float_amounts_are_conserved_to_the_ore(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    costs = pd.DataFrame(
        {
            "ar": rng.choice([2020, 2021], n),
            "objekt": [f"o{i}" for i in range(n)],
            "kostnad": rng.uniform(0, 1e7, n),  # fractions of an öre
        }
    )
    drivers = pd.DataFrame(
        {
            "ar": np.repeat(costs["ar"].to_numpy(), 2),
            "objekt": np.repeat(costs["objekt"].to_numpy(), 2),
            "kon": np.tile(["K", "M"], n),
            "mottagare": rng.integers(1, 500, 2 * n),
        }
    )
    overhead = (
        costs.groupby("ar", as_index=False)
        .size()
        .assign(objekt="IT", kostnad=lambda f: rng.uniform(0, 1e6, len(f)))
    )
    result = _call(costs, drivers, by="ar", overhead=overhead[["ar", "objekt", "kostnad"]])
    direct = costs.groupby(["ar", "objekt"])["kostnad"].sum()
    added = result.overhead.groupby(["ar", "cost_object"])["amount"].sum()
    allocated = result.table.groupby(["ar", "cost_object"])["amount"].sum()
    per_object = allocated - added.reindex(allocated.index, fill_value=0.0)
    assert (per_object - direct.to_numpy()).abs().max() < 0.01  # within one öre
    money_in = costs.groupby("ar")["kostnad"].sum() + overhead.set_index("ar")["kostnad"]
    money_out = result.table.groupby("ar")["amount"].sum()
    assert (money_out - money_in).abs().max() <= 0.01  # each year's total to the öre


def test_bad_overhead_key_is_named() -> None:
    overhead = pd.DataFrame({"objekt": ["IT"], "kostnad": [1.0]})
    with pytest.raises(
        ValueError, match=r"Column 'personal' \(an overhead key, overhead_key=\) is not in"
    ):
        _call(_costs(), _drivers(), overhead=overhead, overhead_key={"IT": "personal"})


def test_unknown_sex_code_is_named() -> None:
    drivers = _drivers()
    drivers.loc[0, "kon"] = "X"
    with pytest.raises(ValueError, match=r"'X'"):
        _call(_costs(), drivers)


@pytest.mark.parametrize("value", [0, -10, float("nan"), "1000"])
def test_bad_round_to(value: Any) -> None:
    with pytest.raises(ValueError, match="round_to must be a positive number"):
        _call(_costs(), _drivers(), round_to=value)


def test_allocation_is_immutable() -> None:
    costs = pd.DataFrame({"objekt": ["a"], "kostnad": [300.0]})
    drivers = pd.DataFrame({"objekt": ["a", "a"], "kon": ["K", "M"], "antal": [1, 2]})
    split = gb.allocate(
        costs, drivers, cost_object="objekt", amount="kostnad", sex="kon", driver="antal"
    )
    for name in ("table", "totals", "sensitivity", "overhead"):
        before = getattr(split, name)
        frame = getattr(split, name)
        frame["changed"] = 1
        frame.iloc[:, 0] = None
        pd.testing.assert_frame_equal(getattr(split, name), before)
    assert split.totals["amount"].sum() == 300.0
    with pytest.raises(AttributeError):
        split.table = pd.DataFrame()  # type: ignore[misc]


def test_allocation_settings_are_typed() -> None:
    costs = pd.DataFrame({"objekt": ["a"], "kostnad": [300.0]})
    drivers = pd.DataFrame({"objekt": ["a", "a"], "kon": ["K", "M"], "antal": [1, 2]})
    split = gb.allocate(
        costs, drivers, cost_object="objekt", amount="kostnad", sex="kon", driver="antal"
    )
    assert split.settings.driver == ("antal",)
    assert split.settings.round_to is None
    with pytest.raises(AttributeError):
        split.settings.sex = "x"  # type: ignore[misc]
