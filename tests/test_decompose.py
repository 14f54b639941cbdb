"""Oaxaca–Blinder decompositions against independent computations, and every bad input.

References: statsmodels ``OaxacaBlinder`` (women as the first group, ``swap=False``) for the
totals, and a hand computation for the detailed parts: statsmodels ``OLS``/``WLS`` fitted on
the rows, with a different omitted category than the code under test, Yun's normalisation
and the decomposition formulas written out below. Tolerance 1e-8 unless said otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from builders import to_counts
from scipy import stats
from statsmodels.stats.oaxaca import OaxacaBlinder

import genderbudget as gb
from genderbudget._cells import NEGATIVE_VALUE, NOT_FINITE
from genderbudget._decompose import (
    BAD_REFERENCE,
    COLLINEAR,
    COST_WITHOUT_DAYS,
    FACTOR_IN_BY,
    FACTOR_IS_SEX_COLUMN,
    OUTPUT_COLUMNS,
    Reference,
    decompose_cost,
    oaxaca,
)
from genderbudget._options import BAD_CONFIDENCE
from genderbudget.datasets import load_kriminalvarden

# The English of two notes, as the note column holds it.
NOTE_NO_CLUSTER = gb.note_label("decomposition_no_cluster", lang="en")
NOTE_NO_SUM_SQ = gb.note_label("decomposition_no_sum_sq", lang="en")

TOL = 1e-8
SEEDS = [0, 1, 2]
REFERENCES: list[Reference] = ["pooled", "men", "women"]
LEVELS = ["a", "b", "c", "d"]


def _people(seed: int, n_women: int = 300, n_men: int = 500) -> pd.DataFrame:
    """Persons with a numeric factor, a categorical one, an outcome, cost and care-days.

    Women and men differ in their factors and in the effects of the factors, and every
    category occurs for both sexes, so that every reference identifies every part.
    """
    rng = np.random.default_rng(seed)
    n = n_women + n_men
    women = np.r_[np.ones(n_women, dtype=bool), np.zeros(n_men, dtype=bool)]
    size = np.where(
        women,
        rng.choice([20.0, 35.0, 60.0, 120.0], n, p=[0.3, 0.3, 0.3, 0.1]),
        rng.choice([20.0, 60.0, 120.0, 250.0], n, p=[0.1, 0.2, 0.4, 0.3]),
    )
    group = np.where(
        women,
        rng.choice(LEVELS, n, p=[0.4, 0.3, 0.2, 0.1]),
        rng.choice(LEVELS, n, p=[0.1, 0.2, 0.3, 0.4]),
    )
    effect = pd.Series(group).map({"a": 0.0, "b": 150.0, "c": -80.0, "d": 40.0}).to_numpy()
    age = rng.integers(20, 60, n).astype(float)
    outcome = (
        500.0
        + np.where(women, 4.0, 2.5) * age
        + effect * np.where(women, 1.3, 1.0)
        + 9000.0 / size
        + np.where(women, 60.0, 0.0)
        + rng.normal(0.0, 120.0, n)
    )
    days = rng.integers(1, 40, n)
    per_day = (2000.0 + 90_000.0 / size + effect + np.where(women, 80.0, 0.0)) * np.exp(
        rng.normal(0.0, 0.05, n)
    )
    return pd.DataFrame(
        {
            "kon": np.where(women, "K", "M"),
            "ar": rng.choice([2020, 2021], n),
            "storlek": size,
            "storlek_inv": 1.0 / size,
            "grupp": group,
            "alder": age,
            "utfall": outcome,
            "varddygn": days,
            "kostnad": np.round(per_day * days, 2),
            "enhet": [f"E{int(s)}{'k' if w else 'm'}" for s, w in zip(size, women, strict=True)],
        }
    )


def _hand(
    rows: pd.DataFrame,
    *,
    y: np.ndarray,
    weight: np.ndarray | None,
    numeric: Sequence[str],
    categorical: Sequence[str],
    omit: dict[str, str],
    reference: str,
) -> dict[tuple[str, str], float]:
    """Twofold decomposition by hand from the rows (statsmodels for the coefficients).

    Coefficients: statsmodels WLS (OLS when ``weight`` is None) on the rows, with the
    category ``omit[f]`` left out of each categorical factor ``f``. Yun (2005): the full
    coefficients of a categorical factor (0 for the omitted one) minus their mean over the
    categories; the intercept plus that mean. Decomposition (Jann 2008):
    explained = (xw - xm)' b*, unexplained = xw'(bw - b*) + xm'(b* - bm) (Jann 2008).
    """
    w = np.ones(len(rows)) if weight is None else np.asarray(weight, dtype=float)
    levels = {f: sorted(rows[f].unique()) for f in categorical}
    is_woman = (rows["kon"] == "K").to_numpy()

    def reduced(frame: pd.DataFrame) -> pd.DataFrame:
        x = pd.DataFrame({"const": 1.0}, index=frame.index)
        for f in numeric:
            x[f] = frame[f].astype(float)
        for f in categorical:
            for level in levels[f]:
                if level != omit[f]:
                    x[f"{f}={level}"] = (frame[f] == level).astype(float)
        return x

    def full(frame: pd.DataFrame) -> pd.DataFrame:
        x = pd.DataFrame({"const": 1.0}, index=frame.index)
        for f in numeric:
            x[f] = frame[f].astype(float)
        for f in categorical:
            for level in levels[f]:
                x[f"{f}={level}"] = (frame[f] == level).astype(float)
        return x

    def normalised(params: pd.Series) -> pd.Series:
        out = params.copy()
        for f in categorical:
            out[f"{f}={omit[f]}"] = 0.0
            names = [f"{f}={level}" for level in levels[f]]
            centre = out[names].mean()
            out[names] -= centre
            out["const"] += centre
        return out

    x_rows = reduced(rows)
    fits = {}
    for name, mask in (("women", is_woman), ("men", ~is_woman)):
        model = sm.WLS(y[mask], x_rows.loc[mask], weights=w[mask])
        fits[name] = normalised(model.fit().params)
    pooled_x = x_rows.assign(kvinna=is_woman.astype(float))
    pooled = sm.WLS(y, pooled_x, weights=w).fit().params.drop("kvinna")
    fits["pooled"] = normalised(pooled)
    star = fits[reference]

    x_full = full(rows)
    xw = (x_full[is_woman].mul(w[is_woman], axis=0)).sum() / w[is_woman].sum()
    xm = (x_full[~is_woman].mul(w[~is_woman], axis=0)).sum() / w[~is_woman].sum()
    bw, bm = fits["women"][x_full.columns], fits["men"][x_full.columns]
    star = star[x_full.columns]
    out = {("gap", "(total)"): float(xw @ bw - xm @ bm)}
    out[("explained", "(total)")] = float((xw - xm) @ star)
    out[("unexplained", "(total)")] = float(xw @ (bw - star) + xm @ (star - bm))
    for f in [*numeric, *categorical]:
        cols = [c for c in x_full.columns if c == f or c.startswith(f"{f}=")]
        out[("explained", f)] = float((xw[cols] - xm[cols]) @ star[cols])
        out[("unexplained", f)] = float(
            xw[cols] @ (bw[cols] - star[cols]) + xm[cols] @ (star[cols] - bm[cols])
        )
    out[("unexplained", "(intercept)")] = float(bw["const"] - bm["const"])
    return out


def _estimates(table: pd.DataFrame) -> dict[tuple[str, str], float]:
    return {
        (str(c), str(f)): float(e)
        for c, f, e in zip(table["component"], table["factor"], table["estimate"], strict=True)
    }


def _raises(match: str) -> Any:
    return pytest.raises(ValueError, match=re.escape(match))


# --------------------------------------------------------------------------------------------
# Against statsmodels OaxacaBlinder and a hand computation
# --------------------------------------------------------------------------------------------


def _statsmodels_two_fold(
    y: np.ndarray, x: np.ndarray, is_woman: np.ndarray, reference: Reference
) -> tuple[float, float, float]:
    """statsmodels OaxacaBlinder with women as the first group and no swapping.

    It sorts the values of the group column and makes the smaller one the first group, so
    women are coded 0 and men 1; ``swap=False`` keeps the gap as first - second even when
    it is negative. ``two_fold("pooled")`` uses the regression on all rows with the group
    column (Jann 2008); ``"self_submitted"`` with weight 1 gives the first group's
    (women's) coefficients, with weight 0 the second group's (men's).
    """
    exog = np.column_stack([np.ones(len(y)), x, (~is_woman).astype(float)])
    model = OaxacaBlinder(y, exog, exog.shape[1] - 1, hasconst=True, swap=False)
    if reference == "pooled":
        result = model.two_fold(two_fold_type="pooled")
    else:
        weight = 1.0 if reference == "women" else 0.0
        result = model.two_fold(two_fold_type="self_submitted", submitted_weight=weight)
    unexplained, explained, gap = result.params
    return float(gap), float(explained), float(unexplained)


def _reference_coded(rows: pd.DataFrame) -> np.ndarray:
    dummies = [(rows["grupp"] == level).to_numpy(float) for level in LEVELS[1:]]
    return np.column_stack([rows["alder"], rows["storlek_inv"], *dummies])


@pytest.mark.parametrize("reference", REFERENCES)
@pytest.mark.parametrize("seed", SEEDS)
def test_oaxaca_totals_match_statsmodels(seed: int, reference: Reference) -> None:
    rows = _people(seed)
    table = oaxaca(
        rows,
        "utfall",
        sex="kon",
        justified=["alder", "storlek_inv", "grupp"],
        reference=reference,
    )
    is_woman = (rows["kon"] == "K").to_numpy()
    y = rows["utfall"].to_numpy()
    gap, explained, unexplained = _statsmodels_two_fold(
        y, _reference_coded(rows), is_woman, reference
    )
    assert gap == pytest.approx(y[is_woman].mean() - y[~is_woman].mean(), rel=1e-12)
    got = _estimates(table)
    assert got[("gap", "(total)")] == pytest.approx(gap, rel=TOL)
    assert got[("explained", "(total)")] == pytest.approx(explained, rel=TOL)
    assert got[("unexplained", "(total)")] == pytest.approx(unexplained, rel=TOL)
    assert set(table["order"]) == {"women - men"}
    assert set(table["reference"]) == {reference}


@pytest.mark.parametrize("reference", REFERENCES)
@pytest.mark.parametrize("seed", SEEDS)
def test_oaxaca_detailed_parts_match_hand_computation(seed: int, reference: Reference) -> None:
    rows = _people(seed)
    table = oaxaca(
        rows,
        "utfall",
        sex="kon",
        justified=["alder", "storlek_inv", "grupp"],
        reference=reference,
    )
    # The hand computation omits category "d"; the code under test another one.
    expected = _hand(
        rows,
        y=rows["utfall"].to_numpy(),
        weight=None,
        numeric=["alder", "storlek_inv"],
        categorical=["grupp"],
        omit={"grupp": "d"},
        reference=reference,
    )
    got = _estimates(table)
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=TOL, abs=TOL), key


@pytest.mark.parametrize("reference", REFERENCES)
@pytest.mark.parametrize("seed", SEEDS)
def test_cost_decomposition_matches_wls_on_rows(seed: int, reference: Reference) -> None:
    rows = _people(seed)
    table = decompose_cost(
        rows,
        "kostnad",
        "varddygn",
        sex="kon",
        justified=["storlek_inv", "grupp"],
        reference=reference,
    )
    days = rows["varddygn"].to_numpy(float)
    expected = _hand(
        rows,
        y=rows["kostnad"].to_numpy() / days,
        weight=days,
        numeric=["storlek_inv"],
        categorical=["grupp"],
        omit={"grupp": "b"},
        reference=reference,
    )
    got = _estimates(table)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=TOL, abs=TOL), key
    # The group means are each sex's total cost over total care-days.
    women, men = rows[rows["kon"] == "K"], rows[rows["kon"] == "M"]
    first = table.iloc[0]
    assert first["women_mean"] == pytest.approx(
        women["kostnad"].sum() / women["varddygn"].sum(), rel=1e-12
    )
    assert first["men_mean"] == pytest.approx(
        men["kostnad"].sum() / men["varddygn"].sum(), rel=1e-12
    )


@pytest.mark.parametrize("reference", REFERENCES)
def test_cost_decomposition_matches_statsmodels_on_one_row_per_care_day(
    reference: Reference,
) -> None:
    # WLS of cost/days with weights days = OLS on the rows repeated once per care-day.
    rows = _people(4, n_women=60, n_men=90)
    table = decompose_cost(
        rows,
        "kostnad",
        "varddygn",
        sex="kon",
        justified=["storlek_inv", "grupp"],
        reference=reference,
    )
    expanded = rows.loc[rows.index.repeat(rows["varddygn"])]
    is_woman = (expanded["kon"] == "K").to_numpy()
    y = (expanded["kostnad"] / expanded["varddygn"]).to_numpy()
    dummies = [(expanded["grupp"] == level).to_numpy(float) for level in LEVELS[1:]]
    x = np.column_stack([expanded["storlek_inv"], *dummies])
    gap, explained, unexplained = _statsmodels_two_fold(y, x, is_woman, reference)
    got = _estimates(table)
    assert got[("gap", "(total)")] == pytest.approx(gap, rel=TOL)
    assert got[("explained", "(total)")] == pytest.approx(explained, rel=TOL)
    assert got[("unexplained", "(total)")] == pytest.approx(unexplained, rel=TOL)


def test_categorical_option_matches_string_categories() -> None:
    rows = _people(5)
    codes = {level: i + 1 for i, level in enumerate(LEVELS)}
    coded = rows.assign(grupp=rows["grupp"].map(codes))
    as_strings = oaxaca(rows, "utfall", sex="kon", justified=["alder", "grupp"])
    as_numbers = oaxaca(coded, "utfall", sex="kon", justified=["alder", "grupp"])
    as_codes = oaxaca(
        coded, "utfall", sex="kon", justified=["alder", "grupp"], categorical=["grupp"]
    )
    np.testing.assert_allclose(as_codes["estimate"], as_strings["estimate"], rtol=1e-10)
    # Entered as a number, the code is one linear term: another model, another split.
    assert not np.allclose(as_numbers["estimate"], as_strings["estimate"], rtol=1e-3)


# --------------------------------------------------------------------------------------------
# Identities and invariances
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reference", REFERENCES)
@pytest.mark.parametrize("seed", SEEDS)
def test_gap_is_explained_plus_unexplained_and_details_sum_to_totals(
    seed: int, reference: Reference
) -> None:
    rows = _people(seed)
    table = decompose_cost(
        rows,
        "kostnad",
        "varddygn",
        sex="kon",
        justified=["storlek_inv", "alder", "grupp"],
        by="ar",
        reference=reference,
    )
    for _, cell in table.groupby("ar"):
        got = _estimates(cell)
        gap = got[("gap", "(total)")]
        explained, unexplained = got[("explained", "(total)")], got[("unexplained", "(total)")]
        assert abs(gap - (explained + unexplained)) <= 1e-10 * abs(gap)
        for component, total in (("explained", explained), ("unexplained", unexplained)):
            details = cell.loc[(cell["component"] == component) & (cell["factor"] != "(total)")]
            assert details["estimate"].sum() == pytest.approx(total, rel=1e-9, abs=1e-9)
        shares = cell.set_index(["component", "factor"])["share_of_gap"]
        assert shares[("gap", "(total)")] == 1.0
        assert shares[("explained", "(total)")] == pytest.approx(explained / gap, rel=1e-12)


@pytest.mark.parametrize("reference", REFERENCES)
@pytest.mark.parametrize("relabel", [{"a": "z"}, {"a": "z", "b": "y"}, {"d": "0"}])
def test_detailed_parts_do_not_depend_on_the_omitted_category(
    relabel: dict[str, str], reference: Reference
) -> None:
    # The code leaves out the first category in sort order; renaming "a" to "z" makes "b"
    # (then "c", or "0") the omitted one. The normalised parts must not move.
    rows = _people(6)
    renamed = rows.assign(grupp=rows["grupp"].replace(relabel))
    options: dict[str, Any] = {"sex": "kon", "factors": ["alder", "grupp"]}
    before = _estimates(oaxaca(rows, "utfall", reference=reference, **options))
    after = _estimates(oaxaca(renamed, "utfall", reference=reference, **options))
    for key, value in before.items():
        assert after[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
    # Without the normalisation the detailed unexplained part would move (hand computation
    # with the plain reference-coded coefficients), so the check above is not empty.
    plain = {}
    for omitted in ("a", "b"):
        y = rows["utfall"].to_numpy()
        is_woman = (rows["kon"] == "K").to_numpy()
        dummies = pd.get_dummies(rows["grupp"], dtype=float).drop(columns=omitted)
        one = pd.Series(1.0, index=rows.index, name="const")
        x = pd.concat([one, rows["alder"], dummies], axis=1)
        bw = sm.OLS(y[is_woman], x[is_woman]).fit().params
        bm = sm.OLS(y[~is_woman], x[~is_woman]).fit().params
        cols = list(dummies.columns)
        # reference men: xw'(bw - bm) over the categories of "grupp"
        plain[omitted] = float(x[is_woman][cols].mean() @ (bw[cols] - bm[cols]))
    assert abs(plain["a"] - plain["b"]) > 1.0


def test_micro_rows_and_preaggregated_table_agree() -> None:
    rows = _people(7)
    grouped = to_counts(
        rows, ["kon", "ar", "alder", "grupp"], sums=["utfall"], squares={"utfall": "kvadrat"}
    ).rename(columns={"utfall": "summa"})
    options: dict[str, Any] = {"sex": "kon", "factors": ["alder", "grupp"], "by": "ar"}
    micro = oaxaca(rows, "utfall", **options)
    macro = oaxaca(grouped, "summa", n="antal", sum_sq="kvadrat", **options)
    pd.testing.assert_frame_equal(
        micro.drop(columns="measure"), macro.drop(columns="measure"), rtol=1e-10
    )


def test_person_rows_and_unit_rows_give_the_same_cost_decomposition() -> None:
    rows = _people(8)
    units = to_counts(
        rows, ["enhet", "kon", "ar", "storlek_inv", "grupp"], sums=["kostnad", "varddygn"]
    ).drop(columns="antal")
    options: dict[str, Any] = {
        "sex": "kon",
        "factors": ["storlek_inv", "grupp"],
        "by": "ar",
        "cluster": "enhet",
    }
    people = decompose_cost(rows, "kostnad", "varddygn", **options)
    per_unit = decompose_cost(units, "kostnad", "varddygn", **options)
    compared = ["ar", "component", "factor", "estimate", "se", "ci_low", "ci_high"]
    compared += ["women_mean", "men_mean"]
    pd.testing.assert_frame_equal(people[compared], per_unit[compared], rtol=1e-10)
    pd.testing.assert_frame_equal(
        people[["units_women", "units_men"]], per_unit[["units_women", "units_men"]]
    )
    expected_units = rows.groupby(["ar", "kon"])["enhet"].nunique()
    first = people.groupby("ar").first()
    for year in (2020, 2021):
        assert first.loc[year, "units_women"] == expected_units[(year, "K")]
        assert first.loc[year, "units_men"] == expected_units[(year, "M")]
        assert first.loc[year, "n_women"] == ((rows["ar"] == year) & (rows["kon"] == "K")).sum()


def test_every_engine_gives_the_same_table(constructor: Callable[..., Any]) -> None:
    rows = _people(9, n_women=80, n_men=120)
    rows.loc[[3, 100], "kon"] = None
    options: dict[str, Any] = {"sex": "kon", "factors": ["storlek_inv", "grupp"], "by": "ar"}
    expected = decompose_cost(rows, "kostnad", "varddygn", **options)
    got = decompose_cost(constructor(rows), "kostnad", "varddygn", **options)
    pd.testing.assert_frame_equal(got, expected, rtol=1e-12)
    expected = oaxaca(rows, "utfall", **options)
    got = oaxaca(constructor(rows), "utfall", **options)
    pd.testing.assert_frame_equal(got, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"reference": "men"},
        {"reference": "women", "by": "ar"},
        {"categorical": "alder", "by": "ar", "cluster": "enhet"},
    ],
)
def test_columns_do_not_change_with_the_options(options: dict[str, Any]) -> None:
    rows = _people(10)
    table = decompose_cost(
        rows, "kostnad", "varddygn", sex="kon", justified=["alder", "grupp"], **options
    )
    by = [options["by"]] if "by" in options else []
    assert list(table.columns) == ["measure", *by, *OUTPUT_COLUMNS]
    per_cell = 2 * 2 + 4
    assert len(table) == per_cell * (2 if by else 1)
    assert list(table["component"][:per_cell]) == [
        "gap",
        "explained",
        "explained",
        "explained",
        "unexplained",
        "unexplained",
        "unexplained",
        "unexplained",
    ]
    assert list(table["factor"][:per_cell]) == [
        "(total)",
        "(total)",
        "alder",
        "grupp",
        "(total)",
        "alder",
        "grupp",
        "(intercept)",
    ]


# --------------------------------------------------------------------------------------------
# Kriminalvården: the acceptance criterion
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reference", ["pooled", "men"])
def test_unit_size_explains_most_of_the_cost_per_care_day_gap(reference: Reference) -> None:
    data = load_kriminalvarden()
    data["platser_inv"] = 1 / data["platser"]
    table = decompose_cost(
        data,
        "kostnad",
        "varddygn",
        sex="kon",
        justified=["platser_inv", "sakerhetsklass"],
        categorical="sakerhetsklass",
        by="ar",
        cluster="anstalt",
        reference=reference,
    )
    explained = table[(table["component"] == "explained") & (table["factor"] == "(total)")]
    # Measured: pooled 0.964, 0.910, 0.946, 1.037, 1.025, 0.987 for 2016-2021;
    # men 0.960, 0.901, 0.938, 1.003, 1.002, 0.954. The generator's cost per care-day falls
    # like 1 / places, and security class moves it by 5 % only.
    assert explained["ar"].tolist() == [2016, 2017, 2018, 2019, 2020, 2021]
    assert (explained["share_of_gap"] > 0.85).all()
    assert (explained["share_of_gap"] < 1.1).all()
    size = table[(table["component"] == "explained") & (table["factor"] == "platser_inv")]
    assert (size["share_of_gap"] > 0.8).all()
    gap = table[table["component"] == "gap"]
    assert (gap["estimate"] > 800).all()
    assert (gap["units_women"] == 6).all()
    assert (gap["units_men"] == 39).all()


def test_work_gap_before_2020_is_mostly_unexplained() -> None:
    # The generator adds -0.15, -0.13, -0.11, -0.06, 0, 0 to women's chance of work beyond
    # security class and sentence length; the unexplained part recovers it.
    data = load_kriminalvarden()
    table = oaxaca(
        data,
        "arbetsdrift",
        sex="kon",
        justified=["sakerhetsklass", "strafflangd"],
        categorical="sakerhetsklass",
        by="ar",
    )
    unexplained = table[(table["component"] == "unexplained") & (table["factor"] == "(total)")]
    truth = [-0.15, -0.13, -0.11, -0.06, 0.0, 0.0]
    np.testing.assert_allclose(unexplained["estimate"], truth, atol=0.04)


def _nan_parts_with_note(table: pd.DataFrame, note: str) -> None:
    """The explained and unexplained rows are NaN (estimate, se, interval) and say why."""
    parts = table[table["component"] != "gap"]
    for column in ("estimate", "se", "ci_low", "ci_high", "share_of_gap"):
        assert parts[column].isna().all(), column
    assert all(note in text for text in table["note"])


def test_factor_identical_to_sex_gives_nan_parts_with_a_note() -> None:
    data = load_kriminalvarden()
    table = decompose_cost(
        data, "kostnad", "varddygn", sex="kon", justified=["anstalt_for"], by="ar"
    )
    _nan_parts_with_note(
        table,
        "justified factor 'anstalt_for' coincides with sex: the gap cannot be separated from "
        "it ('kvinnor' occur only for women and 'män' only for men), so the explained and "
        "unexplained parts are NaN",
    )
    # The gap itself is still the difference of the two costs per care-day.
    gap = table[table["component"] == "gap"]
    np.testing.assert_allclose(gap["estimate"], gap["women_mean"] - gap["men_mean"], rtol=1e-12)
    assert (gap["share_of_gap"] == 1.0).all()
    # A prison is for women or for men: the prison itself tells the sexes apart too.
    table = decompose_cost(data, "kostnad", "varddygn", sex="kon", justified=["anstalt"])
    _nan_parts_with_note(table, "justified factor 'anstalt' coincides with sex")


def test_numeric_factor_identical_to_sex_gives_nan_parts_with_a_note() -> None:
    rows = _people(11).assign(kvinnoanstalt=lambda d: (d["kon"] == "K").astype(float))
    rows.loc[rows["ar"] == 2021, "kvinnoanstalt"] = 0.0
    table = oaxaca(rows, "utfall", sex="kon", justified=["alder", "kvinnoanstalt"], by="ar")
    _nan_parts_with_note(
        table[table["ar"] == 2020],
        "justified factor 'kvinnoanstalt' coincides with sex: the gap cannot be separated "
        "from it (it is 1 for every woman and 0 for every man)",
    )
    # Only the cell where it coincides: in 2021 the factor is constant and left out.
    other = table[table["ar"] == 2021]
    assert other["estimate"].notna().all()
    assert other["se"].notna().all()


def test_factors_that_together_tell_the_sexes_apart_give_nan_parts_with_a_note() -> None:
    rows = _people(12)
    women = rows["kon"] == "K"
    rows["x1"] = np.where(women, rows["alder"], 0.0)
    rows["x2"] = np.where(women, 1.0 - rows["alder"], rows["alder"] / 10)
    rows["x3"] = np.where(women, 0.0, rows["alder"])
    # x1 + x2 - x3 / 10 is 1 for women and 0 for men, though no factor alone tells them apart.
    table = oaxaca(rows, "utfall", sex="kon", justified=["x1", "x2", "x3"])
    _nan_parts_with_note(table, "justified factors 'x1', 'x2' and 'x3' together coincide with sex")


# --------------------------------------------------------------------------------------------
# Special cells
# --------------------------------------------------------------------------------------------


def test_factor_with_one_value_in_a_cell_is_left_out_with_a_note() -> None:
    rows = _people(13)
    rows.loc[rows["ar"] == 2021, "storlek_inv"] = 0.01
    table = oaxaca(rows, "utfall", sex="kon", justified=["storlek_inv", "grupp"], by="ar")
    cell = table[table["ar"] == 2021]
    size = cell[cell["factor"] == "storlek_inv"]
    assert size["estimate"].tolist() == [0.0, 0.0]
    assert (
        "factor 'storlek_inv' has one value (0.01) for everyone in this cell"
        in cell["note"].iloc[0]
    )
    # The same as the decomposition without the factor.
    alone = oaxaca(rows[rows["ar"] == 2021], "utfall", sex="kon", justified=["grupp"])
    got, expected = _estimates(cell), _estimates(alone)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-10), key
    other = table[table["ar"] == 2020]
    assert "one value" not in other["note"].iloc[0]


def test_cell_with_one_sex_gives_nan_rows_with_a_note() -> None:
    rows = _people(14)
    rows = rows[~((rows["ar"] == 2021) & (rows["kon"] == "K"))]
    table = decompose_cost(rows, "kostnad", "varddygn", sex="kon", justified=["grupp"], by="ar")
    cell = table[table["ar"] == 2021]
    assert cell["estimate"].isna().all()
    assert cell["women_mean"].isna().all()
    assert cell["men_mean"].notna().all()
    assert (cell["n_women"] == 0).all()
    assert set(cell["note"]) == {"no women in this cell: nothing to decompose"}
    assert table.loc[table["ar"] == 2020, "estimate"].notna().all()


def test_unknown_sex_is_left_out_and_counted() -> None:
    rows = _people(15)
    rows.loc[rows.index[:7], "kon"] = None
    table = oaxaca(rows, "utfall", sex="kon", justified=["grupp"])
    assert set(table["n_unknown"]) == {7}
    assert "7 persons of unknown sex left out" in table["note"].iloc[0]
    known = oaxaca(rows[rows["kon"].notna()], "utfall", sex="kon", justified=["grupp"])
    np.testing.assert_allclose(table["estimate"], known["estimate"], rtol=1e-12)


def test_rows_with_a_missing_factor_are_reported() -> None:
    rows = _people(16)
    rows.loc[rows.index[:5], "grupp"] = None
    table = oaxaca(rows, "utfall", sex="kon", justified=["alder", "grupp"])
    assert (
        "left out before the decomposition (whole table): 5 rows with a missing 'grupp' "
        "(a factor)" in table["note"].iloc[0]
    )
    assert table["n_women"].iloc[0] + table["n_men"].iloc[0] == len(rows) - 5


def test_category_of_one_sex_only_is_normalised_over_the_shared_ones() -> None:
    rows = _people(17)
    rows.loc[(rows["kon"] == "K") & (rows["grupp"] == "d"), "grupp"] = "c"
    table = oaxaca(rows, "utfall", sex="kon", justified=["alder", "grupp"], reference="pooled")
    note = table["note"].iloc[0]
    assert "category 'd' of 'grupp' occurs only for men in this cell" in note
    assert "normalised over the categories both sexes have ('a', 'b' and 'c')" in note
    assert table["estimate"].notna().all()
    # Hand computation: men's and the pooled coefficients normalised over a, b, c; women's
    # coefficient on d is not identified but multiplies women's share of d, which is 0.
    y = rows["utfall"].to_numpy()
    is_woman = (rows["kon"] == "K").to_numpy()
    dummies = pd.get_dummies(rows["grupp"], dtype=float)
    x = pd.concat([pd.Series(1.0, index=rows.index, name="const"), rows["alder"], dummies], axis=1)
    shared = ["a", "b", "c"]

    def normalised(params: pd.Series) -> pd.Series:
        full = params.reindex(x.columns, fill_value=0.0)
        centre = full[shared].mean()
        full[["a", "b", "c", "d"]] -= centre
        full["const"] += centre
        return full

    bw = normalised(sm.OLS(y[is_woman], x[is_woman].drop(columns=["a", "d"])).fit().params)
    bm = normalised(sm.OLS(y[~is_woman], x[~is_woman].drop(columns="a")).fit().params)
    pooled_x = x.drop(columns="a").assign(kvinna=is_woman.astype(float))
    bp = normalised(sm.OLS(y, pooled_x).fit().params.drop("kvinna"))
    xw, xm = x[is_woman].mean(), x[~is_woman].mean()
    cols = ["a", "b", "c", "d"]
    expected = xw[cols] @ (bw[cols] - bp[cols]) + xm[cols] @ (bp[cols] - bm[cols])
    got = _estimates(table)
    assert got[("unexplained", "grupp")] == pytest.approx(expected, rel=TOL)
    assert got[("unexplained", "(intercept)")] == pytest.approx(bw["const"] - bm["const"], rel=TOL)


def test_reference_sex_without_a_category_gives_nan_totals_with_a_note() -> None:
    rows = _people(18)
    rows.loc[(rows["kon"] == "K") & (rows["grupp"] == "d"), "grupp"] = "c"
    table = oaxaca(rows, "utfall", sex="kon", justified=["alder", "grupp"], reference="women")
    got = _estimates(table)
    assert np.isnan(got[("explained", "(total)")])
    assert np.isnan(got[("unexplained", "(total)")])
    assert not np.isnan(got[("gap", "(total)")])
    assert not np.isnan(got[("explained", "alder")])
    assert (
        "with reference='women' the explained part is not identified (category 'd' of 'grupp' "
        "does not occur among women)" in table["note"].iloc[0]
    )


def test_factor_constant_within_one_sex_leaves_its_unexplained_part_unidentified() -> None:
    rows = _people(19)
    rows.loc[rows["kon"] == "K", "storlek_inv"] = 0.05
    table = oaxaca(rows, "utfall", sex="kon", justified=["storlek_inv", "grupp"])
    got = _estimates(table)
    assert np.isnan(got[("unexplained", "storlek_inv")])
    assert np.isnan(got[("unexplained", "(intercept)")])
    assert not np.isnan(got[("unexplained", "grupp")])
    assert not np.isnan(got[("explained", "(total)")])
    assert (
        "not identified, so NaN: the unexplained part of 'storlek_inv' and the unexplained part "
        "of the intercept (among women, 'storlek_inv' cannot be separated from the intercept)"
        in table["note"].iloc[0]
    )


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


def test_unknown_reference_lists_the_allowed_values() -> None:
    with _raises(BAD_REFERENCE.format(value="kvinnor")):
        oaxaca(_people(0), "utfall", sex="kon", justified="grupp", reference="kvinnor")  # type: ignore[arg-type]
    with _raises("Allowed values: 'pooled' (the coefficients of one regression"):
        decompose_cost(
            _people(0),
            "kostnad",
            "varddygn",
            sex="kon",
            justified="grupp",
            reference="both",  # type: ignore[arg-type]
        )


def test_collinear_factors_are_named() -> None:
    rows = _people(20).assign(storlek_dubbel=lambda d: 2 * d["storlek_inv"] + 1)
    with _raises(COLLINEAR.format(factors="'storlek_inv' and 'storlek_dubbel'", where="")):
        oaxaca(rows, "utfall", sex="kon", justified=["storlek_inv", "grupp", "storlek_dubbel"])
    rows["grupp2"] = rows["grupp"].map({"a": "x", "b": "x", "c": "y", "d": "y"})
    rows["grupp3"] = rows["grupp"].map({"a": "p", "b": "q", "c": "p", "d": "q"})
    with _raises("Factors 'grupp', 'grupp2' and 'grupp3' are collinear in the cell ar=2020"):
        oaxaca(rows, "utfall", sex="kon", justified=["grupp", "grupp2", "grupp3"], by="ar")


def test_factor_that_is_the_sex_column_or_a_breakdown_is_refused() -> None:
    rows = _people(21)
    with _raises(FACTOR_IS_SEX_COLUMN.format(factor="kon")):
        oaxaca(rows, "utfall", sex="kon", justified=["grupp", "kon"])
    with _raises(FACTOR_IN_BY.format(factor="ar")):
        oaxaca(rows, "utfall", sex="kon", justified=["ar"], by="ar")
    with _raises("categorical= names 'storlek', which is not in justified=['grupp']"):
        oaxaca(rows, "utfall", sex="kon", justified="grupp", categorical="storlek")
    with _raises("justified lists a column twice"):
        oaxaca(rows, "utfall", sex="kon", justified=["grupp", "grupp"])
    with _raises("justified= must name at least one column"):
        oaxaca(rows, "utfall", sex="kon", justified=[])


def test_missing_factor_column_is_named_as_a_factor(constructor: Callable[..., Any]) -> None:
    rows = _people(22, n_women=10, n_men=10)
    with _raises("Column 'grp' (a justified factor, justified=) is not in the data. Did you mean"):
        oaxaca(constructor(rows), "utfall", sex="kon", justified=["grp"])
    with _raises("Column 'prison' (the unit column, cluster=) is not in the data."):
        decompose_cost(
            constructor(rows), "kostnad", "varddygn", sex="kon", justified="grupp", cluster="prison"
        )


def test_infinite_factor_values_are_refused(constructor: Callable[..., Any]) -> None:
    rows = _people(23)
    rows.loc[rows.index[:3], "storlek"] = 0.0
    with np.errstate(divide="ignore"):
        rows["storlek_inv"] = 1 / rows["storlek"]
    # The shared policy for numbers (collect_cells), not a check of the decomposition's own.
    expected = NOT_FINITE.split("{values}")[0].format(
        column="storlek_inv", role="a justified factor", rows="3 rows", where=""
    )
    with _raises(expected + "inf (3 rows), at rows 0, 1 and 2 (counted from 0)"):
        decompose_cost(
            constructor(rows), "kostnad", "varddygn", sex="kon", justified=["storlek_inv"]
        )
    with _raises(expected):
        oaxaca(constructor(rows), "utfall", sex="kon", justified=["storlek_inv", "grupp"])


def test_infinite_or_huge_outcomes_are_refused(constructor: Callable[..., Any]) -> None:
    rows = _people(26)
    rows.loc[rows.index[4], "kostnad"] = np.inf
    with _raises("Column 'kostnad' (used by measure 'kostnad/varddygn') has infinite values"):
        decompose_cost(constructor(rows), "kostnad", "varddygn", sex="kon", justified="grupp")
    rows = _people(26)
    rows.loc[rows.index[7], "utfall"] = 1e300
    with _raises("Column 'utfall' (used by measure 'utfall') has values beyond +/-1e+50 in 1 row"):
        oaxaca(constructor(rows), "utfall", sex="kon", justified="grupp")


def test_cost_without_care_days_is_refused() -> None:
    rows = _people(24)
    rows.loc[rows["grupp"] == "a", "varddygn"] = 0
    before, after = COST_WITHOUT_DAYS.split("{value!r}")
    message = (
        re.escape(before.format(cost="kostnad"))
        + r"[0-9.]+"
        + re.escape(after.format(sex="women", pattern="grupp='a'", where="", days="varddygn"))
    )
    with pytest.raises(ValueError, match=message):
        decompose_cost(rows, "kostnad", "varddygn", sex="kon", justified=["grupp"])


def test_negative_care_days_are_refused_by_row(constructor: Callable[..., Any]) -> None:
    rows = _people(24)
    rows.loc[rows.index[[2, 5]], "varddygn"] = -1
    expected = NEGATIVE_VALUE.split("{values}")[0].format(
        column="varddygn",
        role="used by measure 'kostnad/varddygn'",
        rows="2 rows",
        have="have",
        where="",
    )
    with _raises(expected + "-1 (2 rows), at rows 2 and 5 (counted from 0)"):
        decompose_cost(constructor(rows), "kostnad", "varddygn", sex="kon", justified=["grupp"])


def test_summed_squares_need_a_count_column() -> None:
    rows = _people(25).assign(kvadrat=lambda d: d["utfall"] ** 2)
    with _raises("declares a column of summed squares, which only applies to pre-aggregated"):
        oaxaca(rows, "utfall", sex="kon", justified="grupp", sum_sq="kvadrat")


# --------------------------------------------------------------------------------------------
# Standard errors and intervals
# --------------------------------------------------------------------------------------------


def _matrices(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Reduced and full designs for ``alder``, ``storlek_inv`` and ``grupp``.

    ``grupp`` is categorical with category "d" left out (the code under test leaves out
    "a"); ``norm`` is Yun's normalisation as a matrix, full normalised coefficients =
    ``norm @`` reduced ones; ``owner`` names the factor of each full column.
    """
    numbers = [np.ones(len(rows)), rows["alder"].to_numpy(), rows["storlek_inv"].to_numpy()]
    dummies = [(rows["grupp"] == level).to_numpy(float) for level in LEVELS]
    x_red = np.column_stack(numbers + dummies[:3])
    x_full = np.column_stack(numbers + dummies)
    norm = np.zeros((7, 6))
    norm[:6, :6] = np.eye(6)
    norm[3:7, 3:6] -= 1.0 / 4.0
    norm[0, 3:6] += 1.0 / 4.0
    owner = ["const", "alder", "storlek_inv"] + ["grupp"] * 4
    return x_red, x_full, norm, owner


def _rows(
    xw: np.ndarray, xm: np.ndarray, bw: np.ndarray, bm: np.ndarray, bs: np.ndarray, owner: list[str]
) -> np.ndarray:
    """The decomposition's rows in the table's order (Jann 2008, eq. 6 and 7, detailed)."""
    masks = {f: np.array([o == f for o in owner], dtype=float) for f in FACTORS}
    return np.array(
        [xw @ bw - xm @ bm, (xw - xm) @ bs]
        + [((xw - xm) * masks[f]) @ bs for f in FACTORS]
        + [xw @ (bw - bs) + xm @ (bs - bm)]
        + [(xw * masks[f]) @ (bw - bs) + (xm * masks[f]) @ (bs - bm) for f in FACTORS]
        + [bw[0] - bm[0]]
    )


def _decompose_numpy(
    y: np.ndarray, is_woman: np.ndarray, matrices: tuple[Any, ...], reference: str
) -> np.ndarray:
    """The decomposition's rows (in the table's order) by numpy least squares (Jann 2008)."""
    x_red, x_full, norm, owner = matrices
    fits = {}
    for name, mask in (("women", is_woman), ("men", ~is_woman)):
        fits[name] = norm @ np.linalg.lstsq(x_red[mask], y[mask], rcond=None)[0]
    pooled_x = np.column_stack([x_red, is_woman.astype(float)])
    fits["pooled"] = norm @ np.linalg.lstsq(pooled_x, y, rcond=None)[0][:-1]
    xw, xm = x_full[is_woman].mean(axis=0), x_full[~is_woman].mean(axis=0)
    return _rows(xw, xm, fits["women"], fits["men"], fits[reference], owner)


FACTORS = ["alder", "storlek_inv", "grupp"]


def _delta_by_hand(rows: pd.DataFrame, reference: str) -> dict[tuple[str, str], float]:
    """Delta-method standard errors with random factors (Jann 2008), written out.

    Coefficient part: coefficients and residual variance ``scale`` (RSS / (n - k)) from
    statsmodels OLS; every regression written as a linear map of the outcomes, ``b =
    pinv(X) y``, so that the variance of a sum of ``c' b`` terms is ``sum_i a_i^2
    sigma^2_{sex(i)}`` with ``a`` the combined weights of the outcomes (this also gives the
    covariance between the pooled and the sex-specific coefficients).

    Factor part, independent of the coefficient part (Jann 2008: coefficients and means are
    asymptotically uncorrelated): with ``reference="men"`` or ``"women"``, ``g' cov(X) g /
    n`` per sex from ``np.cov``. With ``"pooled"`` the pooled coefficients move with the
    sexes' factor mix too; that part is computed numerically, as an infinitesimal
    jackknife: each person's weight is moved by -/+ 1e-4, the means and the pooled WLS of
    the sexes' fitted values (outcomes held at their fitted values, so that only the
    factors vary) recomputed, the row's derivative ``phi_i`` taken by central differences,
    and ``n_s / (n_s - 1) * sum_i (phi_i - mean phi)^2`` added up per sex.
    """
    y = rows["utfall"].to_numpy()
    is_woman = (rows["kon"] == "K").to_numpy()
    x_red, x_full, norm, owner = _matrices(rows)
    k, p = x_red.shape[1], x_full.shape[1]

    ops: dict[str, np.ndarray] = {}
    coef: dict[str, np.ndarray] = {}
    sigma2: dict[str, float] = {}
    fitted = np.empty(len(y))
    for name, mask in (("women", is_woman), ("men", ~is_woman)):
        fit = sm.OLS(y[mask], x_red[mask]).fit()
        op = np.zeros((k, len(y)))
        op[:, mask] = np.linalg.pinv(x_red[mask])
        ops[name] = norm @ op
        coef[name] = norm @ fit.params
        sigma2[name] = float(fit.scale)
        fitted[mask] = fit.fittedvalues
    pooled_x = np.column_stack([x_red, is_woman.astype(float)])
    ops["pooled"] = norm @ np.linalg.pinv(pooled_x)[:k]
    coef["pooled"] = norm @ sm.OLS(y, pooled_x).fit().params[:k]
    xw, xm = x_full[is_woman].mean(axis=0), x_full[~is_woman].mean(axis=0)
    noise = np.where(is_woman, sigma2["women"], sigma2["men"])
    bw, bm, bs = coef["women"], coef["men"], coef[reference]
    d = xw - xm

    def coefficient_part(terms: list[tuple[str, np.ndarray]]) -> float:
        a = sum(c @ ops[group] for group, c in terms)
        return float(np.sum(np.asarray(a) ** 2 * noise))

    e0 = np.eye(p)[0]
    terms = {
        ("gap", "(total)"): [("women", xw), ("men", -xm)],
        ("explained", "(total)"): [(reference, d)],
        ("unexplained", "(total)"): [("women", xw), ("men", -xm), (reference, -d)],
        ("unexplained", "(intercept)"): [("women", e0), ("men", -e0)],
    }
    for factor in FACTORS:
        m = np.array([o == factor for o in owner], dtype=float)
        terms[("explained", factor)] = [(reference, d * m)]
        terms[("unexplained", factor)] = [("women", xw * m), ("men", -xm * m), (reference, -d * m)]
    order = [("gap", "(total)"), ("explained", "(total)")]
    order += [("explained", f) for f in FACTORS] + [("unexplained", "(total)")]
    order += [("unexplained", f) for f in FACTORS] + [("unexplained", "(intercept)")]

    def factors_only(weight: np.ndarray) -> np.ndarray:
        means = [
            (weight[mask] @ x_full[mask]) / weight[mask].sum() for mask in (is_woman, ~is_woman)
        ]
        root = np.sqrt(weight)
        pooled = np.linalg.lstsq(pooled_x * root[:, None], fitted * root, rcond=None)[0]
        star = norm @ pooled[:k] if reference == "pooled" else bs
        return _rows(means[0], means[1], bw, bm, star, owner)

    step = 1e-4
    phi = np.empty((len(y), len(order)))
    for i in range(len(y)):
        up, down = np.ones(len(y)), np.ones(len(y))
        up[i] += step
        down[i] -= step
        phi[i] = (factors_only(up) - factors_only(down)) / (2 * step)
    factor_part = np.zeros(len(order))
    for mask in (is_woman, ~is_woman):
        n = mask.sum()
        factor_part += n / (n - 1) * ((phi[mask] - phi[mask].mean(axis=0)) ** 2).sum(axis=0)
    if reference != "pooled":
        # The same by the closed form g' cov(X) g / n (Jann 2008), from np.cov.
        gradients = {
            ("gap", "(total)"): (bw, -bm),
            ("explained", "(total)"): (bs, -bs),
            ("unexplained", "(total)"): (bw - bs, bs - bm),
            ("unexplained", "(intercept)"): (0 * bw, 0 * bm),
        }
        for factor in FACTORS:
            m = np.array([o == factor for o in owner], dtype=float)
            gradients[("explained", factor)] = (bs * m, -bs * m)
            gradients[("unexplained", factor)] = ((bw - bs) * m, (bs - bm) * m)
        for j, key in enumerate(order):
            closed = sum(
                float(g @ np.cov(x_full[mask], rowvar=False) @ g) / mask.sum()
                for g, mask in zip(gradients[key], (is_woman, ~is_woman), strict=True)
            )
            assert factor_part[j] == pytest.approx(closed, rel=1e-7, abs=1e-12), key
    return {
        key: float(np.sqrt(coefficient_part(terms[key]) + factor_part[j]))
        for j, key in enumerate(order)
    }


def _column(table: pd.DataFrame, column: str) -> dict[tuple[str, str], float]:
    return {
        (str(c), str(f)): float(v)
        for c, f, v in zip(table["component"], table["factor"], table[column], strict=True)
    }


@pytest.mark.parametrize("reference", REFERENCES)
@pytest.mark.parametrize("seed", SEEDS)
def test_oaxaca_standard_errors_match_the_delta_method_by_hand(
    seed: int, reference: Reference
) -> None:
    rows = _people(seed)
    table = oaxaca(
        rows,
        "utfall",
        sex="kon",
        justified=["alder", "storlek_inv", "grupp"],
        reference=reference,
    )
    got = _column(table, "se")
    expected = _delta_by_hand(rows, reference)
    assert set(got) == set(expected)
    for key, value in expected.items():
        # 1e-7: the factor part is differentiated numerically (central differences).
        assert got[key] == pytest.approx(value, rel=1e-7), key
    # Normal intervals: estimate -/+ z_0.975 se, z from scipy.
    z = stats.norm.ppf(0.975)
    np.testing.assert_allclose(table["ci_low"], table["estimate"] - z * table["se"], rtol=TOL)
    np.testing.assert_allclose(table["ci_high"], table["estimate"] + z * table["se"], rtol=TOL)
    assert set(table["confidence"]) == {0.95}
    assert set(table["ci_method"]) == {"delta_jann_normal"}


@pytest.mark.parametrize("reference", REFERENCES)
def test_oaxaca_standard_errors_agree_with_a_bootstrap(reference: Reference) -> None:
    # Bootstrap over persons, resampled within each sex (the two samples are independent,
    # as the delta method assumes), 2,000 replicates: the bootstrap standard error is itself
    # uncertain by about 1 / sqrt(2 * 2000) = 1.6 %. Measured ratios se / bootstrap se, over
    # the ten rows: "men" 0.975-1.034, "women" 0.975-1.044, "pooled" 0.955-1.034 (0.897 for
    # the unexplained part of "grupp" when the pooled coefficients' dependence on the
    # sexes' factor mix was left out).
    rows = _people(30, n_women=400, n_men=600)
    table = oaxaca(rows, "utfall", sex="kon", justified=FACTORS, reference=reference)
    y = rows["utfall"].to_numpy()
    is_woman = (rows["kon"] == "K").to_numpy()
    matrices = x_red, x_full, norm, owner = _matrices(rows)
    # The numpy decomposition is the one under test, so its replicates can stand for it.
    np.testing.assert_allclose(
        _decompose_numpy(y, is_woman, matrices, reference), table["estimate"], rtol=1e-8
    )
    rng = np.random.default_rng(31)
    women, men = np.flatnonzero(is_woman), np.flatnonzero(~is_woman)
    draws = []
    for _ in range(2000):
        pick = np.r_[rng.choice(women, len(women)), rng.choice(men, len(men))]
        picked = (x_red[pick], x_full[pick], norm, owner)
        draws.append(_decompose_numpy(y[pick], is_woman[pick], picked, reference))
    spread = np.std(np.array(draws), axis=0, ddof=1)
    np.testing.assert_allclose(table["se"], spread, rtol=0.08)


def _jackknife_by_hand(
    rows: pd.DataFrame, reference: str, confidence: float
) -> tuple[dict[tuple[str, str], float], int]:
    """Leave each unit ('enhet') out in turn and decompose by hand (statsmodels WLS).

    Variance (G - 1) / G * sum_j (theta_(j) - mean theta)^2 (MacKinnon, Nielsen and Webb
    2023, the CV3 jackknife), G the number of units.
    """
    units = sorted(rows["enhet"].unique())
    replicates = []
    for unit in units:
        rest = rows[rows["enhet"] != unit]
        replicates.append(
            _hand(
                rest,
                y=(rest["kostnad"] / rest["varddygn"]).to_numpy(),
                weight=rest["varddygn"].to_numpy(),
                numeric=["storlek_inv"],
                categorical=["grupp"],
                omit={"grupp": "c"},
                reference=reference,
            )
        )
    g = len(units)
    out = {}
    for key in replicates[0]:
        values = np.array([r[key] for r in replicates])
        out[key] = float(np.sqrt((g - 1) / g * np.sum((values - values.mean()) ** 2)))
    del confidence
    return out, g


@pytest.mark.parametrize("reference", REFERENCES)
def test_cost_standard_errors_match_a_leave_one_unit_out_loop(reference: Reference) -> None:
    rows = _people(32)
    table = decompose_cost(
        rows,
        "kostnad",
        "varddygn",
        sex="kon",
        justified=["storlek_inv", "grupp"],
        cluster="enhet",
        reference=reference,
        confidence=0.9,
    )
    expected, g = _jackknife_by_hand(rows, reference, 0.9)
    assert g == 8  # four unit sizes per sex
    got = _column(table, "se")
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=TOL), key
    # t intervals on G - 1 = 7 degrees of freedom, quantile from scipy.
    t = stats.t.ppf(0.95, 7)
    np.testing.assert_allclose(table["ci_low"], table["estimate"] - t * table["se"], rtol=TOL)
    np.testing.assert_allclose(table["ci_high"], table["estimate"] + t * table["se"], rtol=TOL)
    assert set(table["confidence"]) == {0.9}
    assert set(table["ci_method"]) == {"jackknife_units_t"}


def test_cost_standard_errors_need_the_units() -> None:
    table = decompose_cost(
        _people(33), "kostnad", "varddygn", sex="kon", justified=["storlek_inv", "grupp"]
    )
    assert table["estimate"].notna().all()
    assert table[["se", "ci_low", "ci_high"]].isna().all().all()
    assert all(NOTE_NO_CLUSTER in note for note in table["note"])


def test_cost_standard_errors_with_one_unit_of_a_sex_are_nan_with_a_note() -> None:
    # Leaving out women's only unit leaves no women: the jackknife is not defined.
    rows = _people(34)
    rows.loc[rows["kon"] == "K", "enhet"] = "Ek"
    rows.loc[rows["kon"] == "K", "storlek_inv"] = 0.05
    table = decompose_cost(
        rows, "kostnad", "varddygn", sex="kon", justified=["grupp"], cluster="enhet"
    )
    assert table["estimate"].notna().all()
    assert table["se"].isna().all()
    assert (
        "leaving out unit 'Ek' makes gap (total), explained (total), explained grupp, "
        "unexplained (total), unexplained grupp, unexplained (intercept) not estimable (no "
        "women in this cell: nothing to decompose)" in table["note"].iloc[0]
    )


def test_preaggregated_means_without_summed_squares_have_no_standard_errors() -> None:
    rows = _people(35)
    grouped = to_counts(rows, ["kon", "alder", "grupp"], sums=["utfall"]).rename(
        columns={"utfall": "summa"}
    )
    table = oaxaca(grouped, "summa", n="antal", sex="kon", justified=["alder", "grupp"])
    assert table["estimate"].notna().all()
    assert table[["se", "ci_low", "ci_high"]].isna().all().all()
    assert all(NOTE_NO_SUM_SQ in note for note in table["note"])


def test_confidence_sets_the_width_of_the_intervals() -> None:
    rows = _people(36)
    options: dict[str, Any] = {"sex": "kon", "factors": ["alder", "grupp"]}
    wide = oaxaca(rows, "utfall", confidence=0.99, **options)
    narrow = oaxaca(rows, "utfall", confidence=0.8, **options)
    np.testing.assert_allclose(wide["se"], narrow["se"], rtol=1e-12)
    # scipy: norm.ppf(0.995) / norm.ppf(0.9)
    ratio = stats.norm.ppf(0.995) / stats.norm.ppf(0.9)
    np.testing.assert_allclose(
        (wide["ci_high"] - wide["estimate"]) / (narrow["ci_high"] - narrow["estimate"]),
        ratio,
        rtol=1e-10,
    )


@pytest.mark.parametrize("value", [0, 1, 1.5, -0.1, "0.95", True, None])
def test_confidence_must_be_strictly_between_0_and_1(value: Any) -> None:
    rows = _people(37, n_women=20, n_men=20)
    with _raises(BAD_CONFIDENCE.format(value=value)):
        oaxaca(rows, "utfall", sex="kon", justified="grupp", confidence=value)
    with _raises(BAD_CONFIDENCE.format(value=value)):
        decompose_cost(rows, "kostnad", "varddygn", sex="kon", justified="grupp", confidence=value)


def test_factors_is_the_former_name_of_justified() -> None:
    data = load_kriminalvarden().query("ar == 2016")
    new = oaxaca(data, "kostnad", sex="kon", justified="sakerhetsklass")
    old = oaxaca(data, "kostnad", sex="kon", factors="sakerhetsklass")
    pd.testing.assert_frame_equal(new, old)
    with _raises("factors= is the former name of justified="):
        oaxaca(data, "kostnad", sex="kon", justified="sakerhetsklass", factors="anstalt")
