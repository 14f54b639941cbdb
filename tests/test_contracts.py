"""Output contracts: the exact columns of every public table, whatever the options.

A table's columns are part of the public interface: notebooks, pipelines and reports select
them by name. The lists below are the contract. Each table has the same columns, in the same
order, for every combination of options; only the breakdown columns the caller names
(``by``, ``within``, the other breakdowns of a follow-up) are inserted where the list says
``BY``. A statistic that does not apply is a missing value, never a missing column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import to_counts, yearly_rates

import genderbudget as gb
from genderbudget._reserved import output_columns

BY = "<by>"  # where the caller's breakdown columns go, in the order given

ESTIMATES = [
    "measure",
    BY,
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
COMPARISONS = [
    "measure",
    BY,
    "n_women",
    "n_men",
    "units_women",
    "units_men",
    "women",
    "men",
    "difference",
    "difference_ci_low",
    "difference_ci_high",
    "difference_se",
    "difference_df",
    "ratio",
    "ratio_ci_low",
    "ratio_ci_high",
    "ci_method",
    "confidence",
    "p_value",
    "test_method",
    "p_adjusted",
    "p_adjust_method",
    "corrected_confidence",
    "difference_corrected_ci_low",
    "difference_corrected_ci_high",
    "ratio_corrected_ci_low",
    "ratio_corrected_ci_high",
    "adjusted_difference",
    "adjusted_ci_low",
    "adjusted_ci_high",
    "adjusted_se",
    "adjusted_df",
    "adjusted_p_value",
    "adjusted_p_adjusted",
    "adjusted_corrected_confidence",
    "adjusted_corrected_ci_low",
    "adjusted_corrected_ci_high",
    "adjustment_method",
    "e_value",
    "e_value_ci",
    "detectable_difference",
    "flag",
    "disadvantaged",
    "note",
    "note_codes",
]
EXCLUSIONS = ["measure", "column", "reason", "rows"]
ACCOUNTING = ["measure", "rows_in", "rows_used", "rows_excluded"]
RESOURCE_ACCESS = [
    BY,
    "resource_measure",
    "access_measure",
    "sex",
    "resource_women",
    "resource_men",
    "access_women",
    "access_men",
    "access_flag",
]
REPRESENTATION = [
    "measure",
    BY,
    "sex",
    "persons",
    "persons_share",
    "resource",
    "resource_share",
    "share_difference",
    "ci_low",
    "ci_high",
    "confidence",
    "ci_method",
    "note",
    "note_codes",
]
EQUALIZE = [
    "measure",
    BY,  # the breakdowns, then the unit of ``within``
    "sex",
    "n",
    "base",
    "current",
    "current_rate",
    "target_rate",
    "target_basis",
    "needed",
    "needed_ci_low",
    "needed_ci_high",
    "change",
    "new_rate",
    "unit_cost",
    "cost",
    "confidence",
    "method",
    "note",
    "note_codes",
]
PHASE_IN = ["measure", BY, "sex", "year", "added", "cumulative", "unit_cost", "cost_in_year"]
FOLLOW_UP = [
    "measure",
    BY,  # the other breakdowns, then the time column
    "women",
    "men",
    "gap",
    "gap_ci_low",
    "gap_ci_high",
    "gap_basis",
    "flag",
    "target",
    "tolerance",
    "distance",
    "met",
    "met_with_confidence",
    "first_met",
    "target_year",
    "met_by_target_year",
    "trend_per_year",
    "trend_ci_low",
    "trend_ci_high",
]
DECOMPOSITION = [  # oaxaca and decompose_cost
    "measure",
    BY,
    "component",
    "factor",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "confidence",
    "ci_method",
    "share_of_gap",
    "women_mean",
    "men_mean",
    "n_women",
    "n_men",
    "n_unknown",
    "units_women",
    "units_men",
    "reference",
    "order",
    "note",
    "note_codes",
]
ALLOCATION = [  # Allocation.table and Allocation.totals
    BY,
    "cost_object",
    "driver",
    "sex",
    "amount",
    "share",
    "per_capita",
    "amount_rounded",
]
ALLOCATION_SENSITIVITY = [
    BY,
    "cost_object",
    "driver",
    "women_share",
    "men_share",
    "unknown_share",
    "spread",
]
ALLOCATION_OVERHEAD = [BY, "driver", "pool", "cost_object", "key", "amount"]


def expected(contract: Sequence[str], by: Sequence[str]) -> list[str]:
    """The contract with the caller's breakdown columns in place of ``BY``."""
    out: list[str] = []
    for column in contract:
        out.extend(by if column == BY else [column])
    return out


# --- analyse -------------------------------------------------------------------------------

MEASURES = [
    gb.count(),
    gb.rate("arbete"),
    gb.mean("kostnad"),
    gb.ratio("kostnad", "varddygn"),
    gb.total("kostnad"),
]
CLUSTERED = [
    gb.rate("arbete", cluster="enhet", name="arbete_per_enhet"),
    gb.mean("kostnad", cluster="enhet", name="kostnad_per_enhet"),
    gb.ratio("kostnad", "varddygn", cluster="enhet", name="per_dygn_per_enhet"),
]
AGGREGATED = [
    gb.count(),
    gb.rate("arbete"),
    gb.mean("kostnad", sum_sq="kostnad_kvadrat"),
    gb.ratio("kostnad", "varddygn"),
    gb.total("kostnad"),
]

ANALYSES: dict[str, tuple[list[gb.Measure], dict[str, Any]]] = {
    "plain": (MEASURES, {}),
    "by_year": (MEASURES, {"by": "ar"}),
    "by_year_and_unit": (MEASURES, {"by": ["ar", "enhet"]}),
    "justified": (MEASURES, {"justified": "klass"}),
    "by_year_justified": (MEASURES, {"by": "ar", "justified": "klass"}),
    "clustered": (CLUSTERED, {}),
    "clustered_by_year_justified": (CLUSTERED, {"by": "ar", "justified": "klass"}),
    "one_rate": ([gb.rate("arbete")], {"by": "ar"}),
    "confidence_and_rule": (
        MEASURES,
        {"by": "ar", "confidence": 0.9, "rule": gb.FlagRule(min_n=5, p_adjust="bonferroni")},
    ),
}


def _by(options: dict[str, Any]) -> list[str]:
    by = options.get("by", [])
    return [by] if isinstance(by, str) else list(by)


def _check_result(result: gb.Result, by: list[str]) -> None:
    assert list(result.estimates.columns) == expected(ESTIMATES, by)
    assert list(result.comparisons.columns) == expected(COMPARISONS, by)
    assert list(result.exclusions.columns) == EXCLUSIONS
    assert list(result.accounting.columns) == ACCOUNTING
    assert list(result.resource_access.columns) == expected(RESOURCE_ACCESS, by)
    assert list(result.representation.columns) == expected(REPRESENTATION, by)


@pytest.mark.parametrize("case", list(ANALYSES))
def test_result_tables_have_the_contract_columns(persons: pd.DataFrame, case: str) -> None:
    measures, options = ANALYSES[case]
    result = gb.analyse(persons, measures, sex="kon", **options)
    _check_result(result, _by(options))


@pytest.mark.parametrize("by", [[], ["ar"]])
def test_pre_aggregated_input_gives_the_same_columns(
    person_counts: pd.DataFrame, by: list[str]
) -> None:
    result = gb.analyse(person_counts, AGGREGATED, sex="kon", by=by, n="antal")
    _check_result(result, by)


def test_exclusions_keep_their_columns_when_rows_are_left_out(persons: pd.DataFrame) -> None:
    data = persons.assign(kostnad=persons["kostnad"].mask(persons.index % 7 == 0))
    result = gb.analyse(data, MEASURES, sex="kon", by="ar")
    assert len(result.exclusions) > 0
    _check_result(result, ["ar"])


def test_disadvantaged_is_a_sex_or_none_never_nan(persons: pd.DataFrame) -> None:
    # A mix of verdicts: an unexplained gap in one year and none in the other (two groups).
    data = pd.concat(
        [
            pd.DataFrame({"ar": 2020, "kon": ["K"] * 400 + ["M"] * 400}).assign(
                a=[1] * 120 + [0] * 280 + [1] * 200 + [0] * 200
            ),
            pd.DataFrame({"ar": 2021, "kon": ["K"] * 400 + ["M"] * 400}).assign(
                a=[1] * 200 + [0] * 200 + [1] * 200 + [0] * 200
            ),
        ],
        ignore_index=True,
    )
    comparisons = gb.analyse(data, [gb.count(), gb.rate("a")], sex="kon", by="ar").comparisons
    values = comparisons.set_index(["measure", "ar"])["disadvantaged"]
    assert values[("a", 2020)] == "women"
    assert values[("a", 2021)] is None
    assert values[("count", 2020)] is None
    assert all(value is None or value in ("women", "men") for value in values)
    assert comparisons["disadvantaged"].dtype == object


# --- equalize, phase_in, follow_up ---------------------------------------------------------

EQUALIZE_OPTIONS: dict[str, dict[str, Any]] = {
    "plain": {},
    "by_year": {"by": "ar"},
    "within": {"within": "enhet"},
    "by_year_within": {"by": "ar", "within": "enhet"},
    "justified": {"justified": "klass"},
    "by_year_justified_unit_cost": {"by": "ar", "justified": "klass", "unit_cost": 100.0},
    "budget_neutral": {"budget_neutral": True},
    "by_year_budget_neutral": {"by": "ar", "budget_neutral": True},
    "numeric_target": {"target": 0.6, "unit_cost": 250.0},
}


def _equalize_by(options: dict[str, Any]) -> list[str]:
    return _by(options) + ([options["within"]] if "within" in options else [])


@pytest.mark.parametrize("case", list(EQUALIZE_OPTIONS))
def test_equalize_has_the_contract_columns(persons: pd.DataFrame, case: str) -> None:
    options = EQUALIZE_OPTIONS[case]
    plan = gb.equalize(persons, gb.rate("arbete"), sex="kon", **options)
    assert list(plan.columns) == expected(EQUALIZE, _equalize_by(options))


def test_equalize_of_a_ratio_and_of_counts_has_the_same_columns(persons: pd.DataFrame) -> None:
    per_day = gb.per_need("kostnad", "varddygn")
    assert list(gb.equalize(persons, per_day, sex="kon", by="ar").columns) == expected(
        EQUALIZE, ["ar"]
    )
    counts = to_counts(persons, ["ar", "kon"], sums=["arbete"], dropna=False)
    plan = gb.equalize(counts, gb.rate("arbete"), sex="kon", by="ar", n="antal")
    assert list(plan.columns) == expected(EQUALIZE, ["ar"])


@pytest.mark.parametrize("case", ["by_year", "within", "by_year_within"])
@pytest.mark.parametrize("weights", [None, [1.0, 2.0, 1.0]])
def test_phase_in_has_the_contract_columns(
    persons: pd.DataFrame, case: str, weights: list[float] | None
) -> None:
    options = {**EQUALIZE_OPTIONS[case], "unit_cost": 1000.0}
    plan = gb.equalize(persons, gb.rate("arbete"), sex="kon", **options)
    steps = gb.phase_in(plan, years=[2022, 2023, 2024], weights=weights)
    assert len(steps) > 0
    assert list(steps.columns) == expected(PHASE_IN, _equalize_by(options))


FOLLOW_UP_OPTIONS: dict[str, dict[str, Any]] = {
    "default": {},
    "target_year": {"target_year": 2017, "tolerance": 0.01},
    "target": {"target": -0.05},
}


@pytest.mark.parametrize("case", list(FOLLOW_UP_OPTIONS))
@pytest.mark.parametrize("regions", [False, True])
def test_follow_up_has_the_contract_columns(case: str, regions: bool) -> None:
    table = yearly_rates([0.3, 0.4, 0.5], [0.5, 0.5, 0.5])
    by = ["ar"]
    if regions:
        table = pd.concat([table.assign(region="A"), table.assign(region="B")])
        by = ["region", "ar"]
    result = gb.analyse(table, gb.rate("y", name="andel"), sex="kon", by=by, n="n")
    out = gb.follow_up(result, time="ar", **FOLLOW_UP_OPTIONS[case])
    assert list(out.columns) == expected(FOLLOW_UP, by)


def test_follow_up_of_the_adjusted_gap_has_the_same_columns(persons: pd.DataFrame) -> None:
    result = gb.analyse(persons, gb.rate("arbete"), sex="kon", by="ar", justified="klass")
    out = gb.follow_up(result, time="ar", gap="adjusted")
    assert list(out.columns) == expected(FOLLOW_UP, ["ar"])


# --- oaxaca, decompose_cost ----------------------------------------------------------------

DECOMPOSITIONS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "oaxaca": lambda d: gb.oaxaca(d, "kostnad", sex="kon", factors="klass"),
    "oaxaca_by_categorical_men": lambda d: gb.oaxaca(
        d,
        "kostnad",
        sex="kon",
        factors=["klass", "varddygn"],
        categorical="klass",
        by="ar",
        reference="men",
    ),
    "oaxaca_pre_aggregated": lambda d: gb.oaxaca(
        to_counts(d, ["ar", "klass", "kon"], sums=["kostnad"], squares={"kostnad": "kv"}),
        "kostnad",
        sex="kon",
        factors="klass",
        by="ar",
        n="antal",
        sum_sq="kv",
    ),
    "decompose_cost": lambda d: gb.decompose_cost(
        d, "kostnad", "varddygn", sex="kon", factors="klass"
    ),
    "decompose_cost_by_cluster_women": lambda d: gb.decompose_cost(
        d,
        "kostnad",
        "varddygn",
        sex="kon",
        factors="klass",
        by="ar",
        cluster="enhet",
        reference="women",
    ),
}


@pytest.mark.parametrize("case", list(DECOMPOSITIONS))
def test_decompositions_have_the_contract_columns(persons: pd.DataFrame, case: str) -> None:
    table = DECOMPOSITIONS[case](persons.dropna(subset=["kon"]))
    by = ["ar"] if "by" in case or "aggregated" in case else []
    assert list(table.columns) == expected(DECOMPOSITION, by)


# --- allocate ------------------------------------------------------------------------------


def _costs() -> pd.DataFrame:
    return pd.DataFrame(
        {"ar": [2021, 2021, 2022], "objekt": ["A", "B", "A"], "kostnad": [1000.0, 100.0, 700.0]}
    )


def _drivers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ar": [2021, 2021, 2021, 2021, 2021, 2022, 2022],
            "objekt": ["A", "A", "B", "B", "B", "A", "A"],
            "kon": ["K", "M", "K", "M", None, "K", "M"],
            "mottagare": [3, 1, 1, 1, 1, 2, 2],
            "arenden": [1, 1, 2, 1, 1, 1, 3],
        }
    )


ALLOCATIONS: dict[str, dict[str, Any]] = {
    "plain": {},
    "by_year": {"by": "ar"},
    "round_to": {"round_to": 100},
    "by_year_round_to_persons": {"by": "ar", "round_to": 10, "persons": "mottagare"},
    "two_drivers": {"driver": ["mottagare", "arenden"]},
    "overhead": {"by": "ar", "overhead": "pools"},
    "overhead_round_to": {"by": "ar", "overhead": "pools", "round_to": 100},
}


@pytest.mark.parametrize("case", list(ALLOCATIONS))
def test_allocation_tables_have_the_contract_columns(case: str) -> None:
    options: dict[str, Any] = {"driver": "mottagare", **ALLOCATIONS[case]}
    costs = _costs()
    if "by" not in options:
        costs = costs.loc[costs["ar"] == 2021].drop(columns="ar")
    drivers = _drivers().loc[lambda d: d["ar"] == 2021] if "by" not in options else _drivers()
    if options.get("overhead") == "pools":
        options["overhead"] = pd.DataFrame(
            {"ar": [2021, 2022], "objekt": ["IT", "IT"], "kostnad": [50.0, 30.0]}
        )
    result = gb.allocate(
        costs, drivers, cost_object="objekt", amount="kostnad", sex="kon", **options
    )
    by = _by(options)
    assert list(result.table.columns) == expected(ALLOCATION, by)
    assert list(result.totals.columns) == expected(ALLOCATION, by)
    assert list(result.sensitivity.columns) == expected(ALLOCATION_SENSITIVITY, by)
    assert list(result.overhead.columns) == expected(ALLOCATION_OVERHEAD, by)


def test_amount_rounded_is_missing_without_round_to_and_filled_with_it() -> None:
    costs = _costs().loc[lambda d: d["ar"] == 2021]
    drivers = _drivers().loc[lambda d: d["ar"] == 2021]
    options: dict[str, Any] = {
        "cost_object": "objekt",
        "amount": "kostnad",
        "sex": "kon",
        "driver": "mottagare",
        "by": "ar",
    }
    plain = gb.allocate(costs, drivers, **options)
    assert plain.table["amount_rounded"].isna().all()
    assert plain.totals["amount_rounded"].isna().all()
    assert plain.table["amount_rounded"].dtype == np.float64
    rounded = gb.allocate(costs, drivers, round_to=100, **options)
    assert rounded.table["amount_rounded"].notna().all()
    # A: 1000 kr by 3:1 -> 750 / 250; B: 100 kr by 1:1:1 -> 100 to one sex after rounding.
    assert rounded.table["amount_rounded"].sum() == 1100.0
    assert rounded.totals["amount_rounded"].sum() == 1100.0
    pd.testing.assert_frame_equal(
        plain.table.drop(columns="amount_rounded"), rounded.table.drop(columns="amount_rounded")
    )


# --- the coding report and the reserved names ----------------------------------------------

CODING = ["column", "value", "coded_as", "rows"]


def test_the_coding_report_has_the_contract_columns(persons: pd.DataFrame) -> None:
    for measures in (MEASURES, [gb.count()]):
        result = gb.analyse(persons, measures, sex="kon", by="ar")
        assert list(result.coding.columns) == CODING


def test_the_reserved_names_are_the_columns_of_every_output_table() -> None:
    contracts = [
        ESTIMATES,
        COMPARISONS,
        EXCLUSIONS,
        ACCOUNTING,
        RESOURCE_ACCESS,
        REPRESENTATION,
        CODING,
        EQUALIZE,
        PHASE_IN,
        FOLLOW_UP,
        DECOMPOSITION,
        ALLOCATION,
        ALLOCATION_SENSITIVITY,
        ALLOCATION_OVERHEAD,
    ]
    pinned = {column for contract in contracts for column in contract if column != BY}
    assert output_columns() == pinned
