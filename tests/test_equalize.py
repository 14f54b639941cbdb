"""``equalize`` and ``phase_in``: places and cost to close an access gap.

References: hand arithmetic (written beside each number); statsmodels
``confint_proportions_2indep(method="newcomb")`` times the base for the parity interval and
``proportion_confint(method="wilson")`` for a given rate; statsmodels ``Logit`` fitted on the
rows (``predict`` as the other sex, a finite-difference delta method on its ``cov_params``,
and the variance summed person by person from the linearised estimate) for the adjusted
target; for ratios a hand computation from the per-sex estimates table of ``analyse`` (its
interval half-width and t quantiles from scipy); and the generator's own count of missing
work places.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from builders import to_rows
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

import genderbudget as gb
from genderbudget._equalize import equalize_columns
from genderbudget.datasets import _kriminalvarden as kv

JUSTIFIED = ["sakerhetsklass", "strafflangd"]


def _table() -> pd.DataFrame:
    # Pre-aggregated: women 10 of 40 in work (25 %), men 30 of 60 (50 %).
    return pd.DataFrame({"kon": ["K", "M"], "personer": [40, 60], "i_arbete": [10, 30]})


def _rows(table: pd.DataFrame) -> pd.DataFrame:
    return to_rows(table, n="personer", outcome="i_arbete", keys=["kon"])


def _row(plan: pd.DataFrame, sex: str) -> pd.Series:
    return plan.loc[plan["sex"] == sex].iloc[0]


def test_parity_by_hand_on_every_engine(constructor: Callable[..., Any]) -> None:
    data = constructor(_rows(_table()))
    plan = gb.equalize(data, "i_arbete", sex="kon", unit_cost=200_000)
    assert list(plan.columns) == equalize_columns([])
    women, men = _row(plan, "women"), _row(plan, "men")
    # Target: men's rate 30/60 = 0.5; women need 40 * 0.5 - 10 = 10 more, at 200,000 each.
    assert women["target_rate"] == pytest.approx(0.5, abs=1e-12)
    assert women["needed"] == pytest.approx(10.0, abs=1e-12)
    assert women["change"] == 10
    assert women["new_rate"] == pytest.approx(0.5, abs=1e-12)
    assert women["cost"] == pytest.approx(2_000_000.0, abs=1e-6)
    # Interval: 40 * Newcombe interval of men's minus women's rate, both sides uncertain
    # (statsmodels confint_proportions_2indep(30, 60, 10, 40, method="newcomb")).
    low, high = confint_proportions_2indep(30, 60, 10, 40, method="newcomb")
    assert women["needed_ci_low"] == pytest.approx(40 * low, abs=1e-10)
    assert women["needed_ci_high"] == pytest.approx(40 * high, abs=1e-10)
    # Men are above women's rate 0.25 (needed 60 * 0.25 - 30 = -15): nothing to add.
    assert men["needed"] == pytest.approx(-15.0, abs=1e-12)
    low, high = confint_proportions_2indep(10, 40, 30, 60, method="newcomb")
    assert men["needed_ci_low"] == pytest.approx(60 * low, abs=1e-10)
    assert men["needed_ci_high"] == pytest.approx(60 * high, abs=1e-10)
    assert women["method"] == "other_rate_newcombe"
    assert men["change"] == 0
    assert men["cost"] == 0.0
    assert "disadvantaged" in men["note"]


def test_micro_and_pre_aggregated_input_give_the_same_plan() -> None:
    micro = gb.equalize(_rows(_table()), "i_arbete", sex="kon", unit_cost=1.0)
    aggregated = gb.equalize(_table(), "i_arbete", sex="kon", n="personer", unit_cost=1.0)
    pd.testing.assert_frame_equal(micro, aggregated)


def test_places_are_rounded_up_to_whole_places() -> None:
    table = pd.DataFrame({"kon": ["K", "M"], "personer": [30, 70], "i_arbete": [10, 40]})
    plan = gb.equalize(table, "i_arbete", sex="kon", n="personer", unit_cost=250_000)
    women = _row(plan, "women")
    # 30 * 40/70 - 10 = 7.142857...: 8 whole places, 18/30 = 0.6 afterwards, 8 * 250,000.
    assert women["needed"] == pytest.approx(30 * 40 / 70 - 10, abs=1e-12)
    assert women["change"] == 8
    assert women["new_rate"] == pytest.approx(0.6, abs=1e-12)
    assert women["cost"] == pytest.approx(2_000_000.0)


def test_given_target_rate_for_each_sex() -> None:
    plan = gb.equalize(_table(), "i_arbete", sex="kon", n="personer", target=0.6, unit_cost=10)
    women, men = _row(plan, "women"), _row(plan, "men")
    # Women 40 * 0.6 - 10 = 14, men 60 * 0.6 - 30 = 6.
    assert (women["change"], men["change"]) == (14, 6)
    # The target is given, the own rate is not: 40 * (0.6 - Wilson(10, 40)) (statsmodels
    # proportion_confint(10, 40, method="wilson")).
    low, high = proportion_confint(10, 40, alpha=0.05, method="wilson")
    assert women["needed_ci_low"] == pytest.approx(40 * (0.6 - high), abs=1e-10)
    assert women["needed_ci_high"] == pytest.approx(40 * (0.6 - low), abs=1e-10)
    assert plan["cost"].sum() == pytest.approx(200.0)
    assert set(plan["target_basis"]) == {"rate"}


def test_budget_neutral_moves_places_and_costs_nothing() -> None:
    plan = gb.equalize(
        _table(), "i_arbete", sex="kon", n="personer", budget_neutral=True, unit_cost=10
    )
    women, men = _row(plan, "women"), _row(plan, "men")
    # Pooled rate 40/100 = 0.4: women gain 40 * 0.4 - 10 = 6, men give up the same 6.
    assert women["target_rate"] == men["target_rate"] == pytest.approx(0.4)
    assert (women["change"], men["change"]) == (6, -6)
    assert plan["change"].sum() == 0
    assert plan["cost"].sum() == 0.0
    assert women["new_rate"] == pytest.approx(16 / 40)
    assert men["new_rate"] == pytest.approx(24 / 60)
    # Hand: needed = 40 * (0.4 - 0.25) = 40 * 60 / 100 * (0.5 - 0.25), so its interval is
    # 24 times the Newcombe interval of 0.5 - 0.25 (statsmodels, method="newcomb").
    low, high = confint_proportions_2indep(30, 60, 10, 40, method="newcomb")
    assert women["needed_ci_low"] == pytest.approx(24 * low, abs=1e-10)
    assert women["needed_ci_high"] == pytest.approx(24 * high, abs=1e-10)


def test_lower_is_better_lowers_the_higher_rate() -> None:
    incidents = gb.rate("i_arbete", name="incident", direction="lower_is_better")
    plan = gb.equalize(_table(), incidents, sex="kon", n="personer", unit_cost=1000)
    women, men = _row(plan, "women"), _row(plan, "men")
    # Men have the higher (worse) rate 0.5; at women's 0.25 they have 60 * 0.25 - 30 = -15.
    assert men["needed"] == pytest.approx(-15.0)
    assert men["change"] == -15
    assert men["cost"] == pytest.approx(15_000.0)
    assert women["change"] == 0


def _people(seed: int, size: int = 4000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["K", "M"], size, p=[0.3, 0.7])
    klass = rng.choice([1, 2, 3], size, p=[0.3, 0.5, 0.2])
    band = rng.choice(["kort", "lång"], size)
    logit = 0.1 - 0.6 * (klass == 1) + 0.3 * (band == "lång") - 0.5 * (sex == "K")
    work = (rng.uniform(size=size) < 1 / (1 + np.exp(-logit))).astype(int)
    unit = np.where(sex == "K", rng.choice(["K1", "K2", "K3"], size), "M1")
    return pd.DataFrame({"kon": sex, "klass": klass, "band": band, "arbete": work, "enhet": unit})


def _logit_on_rows(data: pd.DataFrame) -> tuple[Any, pd.DataFrame]:
    design = pd.get_dummies(data[["klass", "band"]].astype(str), drop_first=True, dtype=float)
    design.insert(0, "women", (data["kon"] == "K").astype(float))
    design.insert(0, "const", 1.0)
    return sm.Logit(data["arbete"], design).fit(disp=0, tol=1e-12), design


def _gradient(function: Callable[[np.ndarray], float], beta: np.ndarray) -> np.ndarray:
    # Central finite differences, step 1e-6.
    gradient = np.empty_like(beta)
    for j in range(beta.size):
        up, down = beta.copy(), beta.copy()
        up[j] += 1e-6
        down[j] -= 1e-6
        gradient[j] = (function(up) - function(down)) / 2e-6
    return gradient


def _expit(values: np.ndarray) -> np.ndarray:
    return np.asarray(1 / (1 + np.exp(-values)))


@pytest.mark.parametrize("seed", [3, 4])
def test_adjusted_target_matches_logit_on_rows(seed: int) -> None:
    data = _people(seed)
    plan = gb.equalize(data, "arbete", sex="kon", justified=["klass", "band"], confidence=0.9)
    women = _row(plan, "women")

    # Reference: statsmodels Logit on the rows, predicted for the women as if men.
    fit, design = _logit_on_rows(data)
    as_men = design.loc[data["kon"] == "K"].assign(women=0.0).to_numpy()
    as_women = design.loc[data["kon"] == "K"].to_numpy()
    target = float(fit.predict(as_men).sum())
    current = int(data.loc[data["kon"] == "K", "arbete"].sum())
    assert women["needed"] == pytest.approx(target - current, abs=1e-6)

    # The women's count equals their fitted count (score equation of the sex column), so
    # needed = sum_women [p(as men) - p(as women)] is a function of the coefficients alone:
    # its delta-method variance (finite differences on cov_params) holds their outcomes too.
    def shortfall(beta: np.ndarray) -> float:
        return float((_expit(as_men @ beta) - _expit(as_women @ beta)).sum())

    beta = fit.params.to_numpy()
    assert shortfall(beta) == pytest.approx(target - current, abs=1e-6)
    gradient = _gradient(shortfall, beta)
    se = float(np.sqrt(gradient @ fit.cov_params().to_numpy() @ gradient))
    z = 1.6448536269514722  # scipy.stats.norm.isf(0.05)
    assert women["needed_ci_low"] == pytest.approx(target - current - z * se, abs=1e-4)
    assert women["needed_ci_high"] == pytest.approx(target - current + z * se, abs=1e-4)
    assert women["target_basis"] == "adjusted_parity"


def test_adjusted_unit_interval_sums_the_linearised_estimate_over_persons() -> None:
    data = _people(8)
    plan = gb.equalize(data, "arbete", sex="kon", justified=["klass", "band"], cluster="enhet")
    fit, design = _logit_on_rows(data)
    x = design.to_numpy()
    beta = fit.params.to_numpy()
    cov = fit.cov_params().to_numpy()
    fitted = _expit(x @ beta)
    for unit in ("K1", "K2", "K3"):
        in_unit = (data["enhet"] == unit).to_numpy()
        as_men = design.loc[in_unit].assign(women=0.0).to_numpy()
        needed = float(_expit(as_men @ beta).sum()) - float(data.loc[in_unit, "arbete"].sum())
        # needed = sum_unit p(as men; beta_hat) - Y_unit. To first order beta_hat - beta =
        # cov sum_i x_i e_i, so needed - E = sum_i (a' cov x_i - 1[i in unit]) e_i, each
        # e_i with variance p_i (1 - p_i): summed here person by person.
        a = _gradient(lambda b, m=as_men: float(_expit(m @ b).sum()), beta)
        influence = x @ (cov @ a) - in_unit
        se = float(np.sqrt(np.sum(fitted * (1 - fitted) * influence**2)))
        row = plan.loc[(plan["sex"] == "women") & (plan["enhet"] == unit)].iloc[0]
        z = 1.959963984540054  # scipy.stats.norm.isf(0.025)
        assert row["needed"] == pytest.approx(needed, abs=1e-6), unit
        assert row["needed_ci_low"] == pytest.approx(needed - z * se, abs=1e-4), unit
        assert row["needed_ci_high"] == pytest.approx(needed + z * se, abs=1e-4), unit


def test_units_add_up_to_the_cell_and_each_is_rounded_up() -> None:
    data = _people(5)
    cell = gb.equalize(data, "arbete", sex="kon", justified=["klass", "band"])
    units = gb.equalize(data, "arbete", sex="kon", justified=["klass", "band"], cluster="enhet")
    assert list(units.columns) == equalize_columns([], "enhet")
    women_units = units.loc[units["sex"] == "women"]
    assert set(women_units["enhet"]) == {"K1", "K2", "K3"}
    # The unit targets are the cell's target split by the units' own factor mix.
    assert women_units["needed"].sum() == pytest.approx(_row(cell, "women")["needed"], abs=1e-8)
    assert women_units["n"].sum() == _row(cell, "women")["n"]
    short = women_units["needed"] > 0
    assert (women_units.loc[short, "change"] == np.ceil(women_units.loc[short, "needed"])).all()
    assert (units.loc[units["sex"] == "men", "change"] == 0).all()


def test_kriminalvarden_reproduces_the_missing_work_places() -> None:
    data = gb.datasets.load_kriminalvarden()
    plan = gb.equalize(data, "arbetsdrift", sex="kon", by="ar", justified=JUSTIFIED)
    women = plan.loc[plan["sex"] == "women"].set_index("ar")
    for year, missing in kv.WOMEN_WORK_PLACES_MISSING.items():
        row = women.loc[year]
        # The generator took WOMEN_WORK_PLACES_MISSING places away from the women's prisons
        # (38, 35, 31, 27 in 2016-2019; none from 2020).
        assert row["needed_ci_low"] <= missing <= row["needed_ci_high"], year
        assert abs(row["needed"] - missing) < 3, year
    assert (women.loc[[2016, 2017, 2018, 2019], "change"] > 20).all()
    assert (women.loc[[2020, 2021], "change"] <= 2).all()


def test_every_person_is_in_the_plan_including_unknown_sex() -> None:
    data = gb.datasets.load_kriminalvarden()
    plan = gb.equalize(data, "arbetsdrift", sex="kon", by="ar")
    assert plan["n"].sum() == len(data)
    unknown = plan.loc[plan["sex"] == "unknown"]
    assert len(unknown) == 6
    assert unknown["target_rate"].isna().all()
    assert (unknown["change"] == 0).all()
    assert unknown["note"].str.contains("unknown").all()


def test_cell_with_one_sex_has_no_parity_target() -> None:
    table = pd.DataFrame({"kon": ["K", "K"], "ar": [2020, 2021], "n": [10, 12], "y": [3, 4]})
    plan = gb.equalize(table, "y", sex="kon", by="ar", n="n")
    assert plan["target_rate"].isna().all()
    assert (plan["change"] == 0).all()
    assert plan["note"].str.contains("not both present").all()


def test_model_that_cannot_be_fitted_gives_a_reason() -> None:
    data = _people(6)
    data["kopia"] = data["kon"]  # a factor identical to sex
    plan = gb.equalize(data, "arbete", sex="kon", justified=["kopia"])
    women = _row(plan, "women")
    assert np.isnan(women["needed"])
    assert "coincides with sex" in women["note"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"measure": gb.mean("arbete")}, "equalize works on a rate"),
        ({"measure": gb.rate("arbete", direction="neutral")}, "no disadvantaged side"),
        ({"target": "equal"}, "target must be 'parity' or a rate between 0 and 1"),
        ({"target": 1.5}, "target must be 'parity' or a rate between 0 and 1"),
        ({"unit_cost": -5}, "unit_cost must be a non-negative number"),
        ({"unit_cost": "dyr"}, "unit_cost must be a non-negative number"),
        ({"budget_neutral": True, "justified": ["klass"]}, "cannot be combined with justified="),
        ({"budget_neutral": True, "target": 0.5}, "cannot be combined with a numeric target="),
        ({"cluster": "klass", "justified": ["klass"]}, "cluster='klass' is also a justified"),
        ({"confidence": 95}, "confidence must be a number strictly between 0 and 1"),
        ({"measure": "arbte"}, "Did you mean 'arbete'"),
    ],
)
def test_bad_input_is_named(kwargs: dict[str, Any], message: str) -> None:
    options: dict[str, Any] = {"measure": "arbete", "sex": "kon", **kwargs}
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        gb.equalize(_people(7, 200), **options)


def _plan() -> pd.DataFrame:
    return gb.equalize(_table(), "i_arbete", sex="kon", n="personer", unit_cost=100.0)


def test_phase_in_spreads_places_that_add_up() -> None:
    steps = gb.phase_in(_plan(), years=[2017, 2018, 2019])
    # 10 places over 3 years: quotas 3.33 each, the leftover 1 to the first year: 4, 3, 3.
    assert steps["added"].tolist() == [4, 3, 3]
    assert steps["cumulative"].tolist() == [4, 7, 10]
    # A place costs every year it exists: 4 * 100, 7 * 100, 10 * 100.
    assert steps["cost_in_year"].tolist() == [400.0, 700.0, 1000.0]
    assert set(steps["sex"]) == {"women"}


def test_phase_in_with_weights_and_budget_neutral_plan() -> None:
    plan = gb.equalize(_table(), "i_arbete", sex="kon", n="personer", budget_neutral=True)
    steps = gb.phase_in(plan, years=[2020, 2021], weights=[1, 2])
    # +6 and -6 split 1:2 -> 2 and 4 each way.
    assert steps.loc[steps["sex"] == "women", "added"].tolist() == [2, 4]
    assert steps.loc[steps["sex"] == "men", "added"].tolist() == [-2, -4]
    assert steps["cost_in_year"].isna().all()  # no unit cost given


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"years": []}, "years must be a non-empty list of distinct years"),
        ({"years": [2020, 2020]}, "years must be a non-empty list of distinct years"),
        ({"years": [2020, 2021], "weights": [1]}, "weights must be one non-negative number"),
        ({"years": [2020, 2021], "weights": [1, -1]}, "weights must be one non-negative number"),
    ],
)
def test_phase_in_bad_input(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        gb.phase_in(_plan(), **kwargs)


def test_phase_in_needs_an_equalize_table() -> None:
    with pytest.raises(ValueError, match=r"needs the table returned by gb\.equalize"):
        gb.phase_in(pd.DataFrame({"sex": ["women"]}), years=[2020])


# --- resources against a target: a ratio with a better side ------------------------------------


def _hours() -> pd.DataFrame:
    # Women: 80 hours for 100 need-days (0.8); men: 100 hours for 100 need-days (1.0).
    return pd.DataFrame(
        {
            "kon": ["K", "K", "M", "M"],
            "timmar": [30.0, 50.0, 66.0, 34.0],
            "behov": [5.0, 10.0, 6.0, 4.0],
            "dygn": [10, 5, 10, 10],
        }
    )


NEED = gb.per_need("timmar", "behov", days="dygn")


def test_ratio_parity_by_hand_on_every_engine(constructor: Callable[..., Any]) -> None:
    plan = gb.equalize(constructor(_hours()), NEED, sex="kon", unit_cost=450)
    assert list(plan.columns) == equalize_columns([])
    women, men = _row(plan, "women"), _row(plan, "men")
    # Hand: need-days women 5*10 + 10*5 = 100, men 6*10 + 4*10 = 100; men's ratio 1.0, so
    # women need 1.0 * 100 - 80 = 20 more hours, at 450 kr an hour 9,000 kr.
    assert women["base"] == pytest.approx(100.0)
    assert women["current"] == pytest.approx(80.0)
    assert women["target_rate"] == pytest.approx(1.0)
    assert women["needed"] == pytest.approx(20.0, abs=1e-12)
    assert women["change"] == 20
    assert women["cost"] == pytest.approx(9_000.0)
    assert women["new_rate"] == pytest.approx(1.0)
    assert men["change"] == 0
    # Interval: both ratios are uncertain. Hand computation from the estimates table of
    # analyse: each sex's standard error is its interval half-width over t(0.975, units - 1)
    # (its ci_method "delta_t_units"); needed = 100 * (R_men - R_women) with
    # variance se_w^2 + se_m^2 and Welch-Satterthwaite df.
    assert_ratio_interval_from_estimates(plan, _hours(), NEED, sex="women", factor=100.0)
    assert_ratio_interval_from_estimates(plan, _hours(), NEED, sex="men", factor=100.0)
    assert women["method"] == "other_ratio_t"


def assert_ratio_interval_from_estimates(
    plan: pd.DataFrame, data: pd.DataFrame, measure: gb.Measure, *, sex: str, factor: float
) -> None:
    """Compare one row's interval with the hand computation from analyse's estimates."""
    estimates = gb.analyse(data, measure, sex="kon").estimates.set_index("sex")
    other = "men" if sex == "women" else "women"
    variance, df = {}, {}
    for s in (sex, other):
        row = estimates.loc[s]
        df[s] = row["units"] - 1
        half = row["ci_high"] - row["estimate"]
        variance[s] = (half / stats.t.isf(0.025, df[s])) ** 2
    welch = (variance[sex] + variance[other]) ** 2 / (
        variance[sex] ** 2 / df[sex] + variance[other] ** 2 / df[other]
    )
    difference = estimates.loc[other, "estimate"] - estimates.loc[sex, "estimate"]
    half = stats.t.isf(0.025, welch) * np.sqrt(variance[sex] + variance[other])
    row = _row(plan, sex)
    assert row["needed"] == pytest.approx(factor * difference, rel=1e-12)
    assert row["needed_ci_low"] == pytest.approx(factor * (difference - half), rel=1e-10)
    assert row["needed_ci_high"] == pytest.approx(factor * (difference + half), rel=1e-10)


def test_ratio_by_hand_from_the_rows() -> None:
    plan = gb.equalize(_hours(), NEED, sex="kon")
    women = _row(plan, "women")
    # Hand, from the rows (units = rows, 2 per sex): the delta-method variance of a ratio of
    # sums m / (m - 1) * sum (y - R x)^2 / (sum x)^2. Women: R = 0.8, residuals 30 - 40 and
    # 50 - 40, variance 2 * 200 / 100^2 = 0.04; men: R = 1.0, residuals 66 - 60 and 34 - 40,
    # variance 2 * 72 / 100^2 = 0.0144. Welch-Satterthwaite df 0.0544^2 / (0.04^2 / 1 +
    # 0.0144^2 / 1) = 1.637427...; needed 100 * (0.2 +- t(0.975, df) * sqrt(0.0544)).
    df = 0.0544**2 / (0.04**2 + 0.0144**2)
    half = 100 * stats.t.isf(0.025, df) * np.sqrt(0.0544)
    assert women["needed_ci_low"] == pytest.approx(20 - half, rel=1e-10)
    assert women["needed_ci_high"] == pytest.approx(20 + half, rel=1e-10)


def test_ratio_numeric_target_and_budget_neutral_by_hand() -> None:
    given = gb.equalize(_hours(), NEED, sex="kon", target=1.2)
    # Hand: 1.2 * 100 - 80 = 40 hours for women, 1.2 * 100 - 100 = 20 for men.
    assert _row(given, "women")["change"] == 40
    assert _row(given, "men")["change"] == 20
    # Only the own ratio is uncertain: 100 * (1.2 - its interval in analyse's estimates).
    estimates = gb.analyse(_hours(), NEED, sex="kon").estimates.set_index("sex")
    for sex in ("women", "men"):
        row, own = _row(given, sex), estimates.loc[sex]
        assert row["needed_ci_low"] == pytest.approx(100 * (1.2 - own["ci_high"]), rel=1e-12)
        assert row["needed_ci_high"] == pytest.approx(100 * (1.2 - own["ci_low"]), rel=1e-12)
    neutral = gb.equalize(_hours(), NEED, sex="kon", budget_neutral=True)
    # Hand: pooled 180 / 200 = 0.9; women gain 0.9 * 100 - 80 = 10 hours, men give them up.
    assert _row(neutral, "women")["change"] == 10
    assert _row(neutral, "men")["change"] == -10
    assert _row(neutral, "women")["cost"] == 0.0
    # Hand: 100 * (0.9 - 0.8) = 100 * 100 / 200 * (1.0 - 0.8): half the parity interval.
    assert_ratio_interval_from_estimates(neutral, _hours(), NEED, sex="women", factor=50.0)


def test_ratio_pre_aggregated_equals_rows() -> None:
    rows = _hours().assign(behovsdygn=lambda f: f["behov"] * f["dygn"])
    table = rows.groupby("kon", as_index=False)[["timmar", "behovsdygn"]].sum().assign(antal=2)
    plan = gb.equalize(table, gb.per_need("timmar", "behovsdygn"), sex="kon", n="antal", target=1.2)
    expected = gb.equalize(rows, gb.per_need("timmar", "behovsdygn"), sex="kon", target=1.2)
    interval = ["needed_ci_low", "needed_ci_high", "note", "note_codes"]
    pd.testing.assert_frame_equal(plan.drop(columns=interval), expected.drop(columns=interval))
    # One row of sums per sex holds no spread of the own ratio: no interval, and it says so.
    assert expected[interval[:2]].notna().all().all()
    assert plan[interval[:2]].isna().all().all()
    assert (plan["note"] == "no interval for needed (fewer than 2 units: no interval)").all()


def test_sis_hours_missing_for_younger_girls_match_the_hand_sum() -> None:
    sis = gb.datasets.load_sis().query("ar == 2018 and aldersgrupp == '12-14'")
    measure = gb.per_need("personaltimmar", "behov", days="varddygn", cluster="avdelning")
    plan = gb.equalize(sis, measure, sex="kon", unit_cost=450)
    sums = sis.assign(x=sis["behov"] * sis["varddygn"]).groupby("kon")[["personaltimmar", "x"]]
    totals = sums.sum()
    boys_rate = totals.loc["pojke", "personaltimmar"] / totals.loc["pojke", "x"]
    hand = boys_rate * totals.loc["flicka", "x"] - totals.loc["flicka", "personaltimmar"]
    girls = _row(plan, "women")
    assert girls["needed"] == pytest.approx(hand, rel=1e-12)
    assert girls["needed_ci_low"] > 0  # the shortfall is supported in 2018
    assert girls["cost"] == pytest.approx(np.ceil(hand) * 450)


@pytest.mark.parametrize(
    ("measure", "kwargs", "message"),
    [
        (NEED, {"justified": ["behov"]}, "equalize with justified factors works for rates"),
        (NEED, {"target": -1.0}, "a non-negative number in the measure's unit"),
        (gb.ratio("timmar", "dygn"), {}, "direction='resource'"),
        (gb.mean("timmar"), {}, "or a ratio with a better side"),
    ],
)
def test_ratio_bad_input_is_named(measure: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        gb.equalize(_hours(), measure, sex="kon", **kwargs)


def test_rows_left_out_are_reported_and_every_row_is_accounted_for() -> None:
    data = gb.datasets.load_kriminalvarden().astype({"arbetsdrift": float, "ar": float})
    data.loc[data.index[:30], "arbetsdrift"] = np.nan
    data.loc[data.index[30:40], "ar"] = np.nan
    plan = gb.equalize(data, "arbetsdrift", sex="kon", by="ar")
    expected = (
        "40 input rows not counted in the plan (a missing breakdown value in 'ar': 10; a "
        "missing value in 'arbetsdrift': 30)"
    )
    assert all(note.endswith(expected) for note in plan["note"])
    # Rows in = rows in the plan (every sex, unknown included) + rows not counted.
    assert plan["n"].sum() + 40 == len(data)
    clean = gb.equalize(gb.datasets.load_kriminalvarden(), "arbetsdrift", sex="kon", by="ar")
    assert not clean["note"].str.contains("not counted").any()


def test_ratio_within_units_adds_up_to_the_cell() -> None:
    sis = gb.datasets.load_sis().query("ar == 2018 and aldersgrupp == '12-14'")
    measure = gb.per_need("personaltimmar", "behov", days="varddygn", cluster="avdelning")
    cell = gb.equalize(sis, measure, sex="kon")
    units = gb.equalize(sis, measure, sex="kon", cluster="avdelning")
    girls = units.loc[units["sex"] == "women"]
    # Hand: each unit's need-days times boys' ratio minus its hours; they sum to the cell's.
    assert girls["needed"].sum() == pytest.approx(_row(cell, "women")["needed"], rel=1e-10)
    assert girls["base"].sum() == pytest.approx(_row(cell, "women")["base"], rel=1e-12)
    assert np.allclose(girls["target_rate"], _row(cell, "women")["target_rate"], rtol=1e-12)


def test_sis_shortfall_interval_covers_0_exactly_when_analyse_does() -> None:
    # The per_need measure of the SiS notebook: need scaled by the middle of its scale.
    sis = gb.datasets.load_sis().assign(behov_rel=lambda f: f["behov"] / 50)
    need = gb.per_need("personaltimmar", "behov_rel", days="varddygn", cluster="avdelning")
    by = ["ar", "aldersgrupp"]
    plan = gb.equalize(sis, need, sex="kon", by=by)
    girls = plan.loc[plan["sex"] == "women"].set_index(by)
    comparisons = gb.analyse(sis, need, sex="kon", by=by).comparisons.set_index(by)
    covers_plan = (girls["needed_ci_low"] <= 0) & (girls["needed_ci_high"] >= 0)
    covers_analyse = (comparisons["difference_ci_low"] <= 0) & (
        comparisons["difference_ci_high"] >= 0
    )
    pd.testing.assert_series_equal(
        covers_plan, covers_analyse.loc[covers_plan.index], check_names=False
    )
    # Girls 12-14 in 2022: the gap of analyse is not supported, and the shortfall of
    # equalize is not either (its interval is base times analyse's, mirrored: men - women).
    row, gap = girls.loc[(2022, "12-14")], comparisons.loc[(2022, "12-14")]
    assert covers_plan.loc[(2022, "12-14")] == covers_analyse.loc[(2022, "12-14")]
    assert row["needed_ci_low"] == pytest.approx(-row["base"] * gap["difference_ci_high"], rel=1e-9)
    assert row["needed_ci_high"] == pytest.approx(-row["base"] * gap["difference_ci_low"], rel=1e-9)


def test_ratio_unit_that_is_the_only_cluster_has_no_interval() -> None:
    sis = gb.datasets.load_sis().query("ar == 2018 and aldersgrupp == '12-14'")
    clustered = gb.per_need("personaltimmar", "behov", days="varddygn", cluster="avdelning")
    units = gb.equalize(sis, clustered, sex="kon", cluster="avdelning")
    girls = units.loc[units["sex"] == "women"]
    # A unit's own ratio has one cluster: its spread is unknown, and the note says why.
    assert girls["needed"].notna().all()
    assert girls["needed_ci_low"].isna().all()
    assert (
        girls["note"].str.contains("no interval for needed (fewer than 2 units", regex=False).all()
    )
    # Without a cluster the rows of each unit are its units: every unit gets an interval.
    rows = gb.per_need("personaltimmar", "behov", days="varddygn")
    plain = gb.equalize(sis, rows, sex="kon", cluster="avdelning")
    several = plain.loc[(plain["sex"] == "women") & (plain["n"] > 1)]
    assert (several["needed_ci_low"] < several["needed"]).all()
    assert (several["needed"] < several["needed_ci_high"]).all()
    # Hand, from the estimates tables of analyse for the unit's girls and for all boys: each
    # standard error is the half-width over t(0.975, units - 1); Welch-Satterthwaite df.
    boys = gb.analyse(sis, rows, sex="kon").estimates.set_index("sex").loc["men"]
    for unit in several["avdelning"].iloc[:3]:
        girls = gb.analyse(sis.loc[sis["avdelning"] == unit], rows, sex="kon").estimates
        own = girls.set_index("sex").loc["women"]
        v, df = [], []
        for row in (boys, own):
            df.append(row["units"] - 1)
            v.append(((row["ci_high"] - row["estimate"]) / stats.t.isf(0.025, df[-1])) ** 2)
        welch = (v[0] + v[1]) ** 2 / (v[0] ** 2 / df[0] + v[1] ** 2 / df[1])
        half = stats.t.isf(0.025, welch) * np.sqrt(v[0] + v[1])
        plan_row = several.loc[several["avdelning"] == unit].iloc[0]
        difference = boys["estimate"] - own["estimate"]
        base = plan_row["base"]
        assert plan_row["needed"] == pytest.approx(base * difference, rel=1e-10)
        assert plan_row["needed_ci_low"] == pytest.approx(base * (difference - half), rel=1e-9)
        assert plan_row["needed_ci_high"] == pytest.approx(base * (difference + half), rel=1e-9)
