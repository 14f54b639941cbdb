"""``follow_up``: the gap year by year against a target.

References: statsmodels ``WLS(...).fit(cov_type="fixed scale")`` for the trend with known
variances; hand arithmetic for tolerance, met and first_met.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from builders import yearly_rates
from scipy import stats

import genderbudget as gb
from genderbudget._follow_up import follow_up_columns


def _result(table: pd.DataFrame, **kwargs: Any) -> gb.Result:
    return gb.analyse(table, gb.rate("y", name="andel"), sex="kon", by="ar", n="n", **kwargs)


def test_met_first_met_and_target_year_by_hand() -> None:
    # Gaps -0.20, 0.00, -0.20, 0.00, 0.00: met in 2017, relapse in 2018, held from 2019.
    table = yearly_rates([0.3, 0.5, 0.3, 0.5, 0.5], [0.5] * 5)
    out = gb.follow_up(_result(table), time="ar", tolerance=0.01, target_year=2018)
    assert list(out.columns) == follow_up_columns(["ar"], "ar")
    assert out["gap"].tolist() == pytest.approx([-0.2, 0.0, -0.2, 0.0, 0.0], abs=1e-12)
    assert out["met"].tolist() == [False, True, False, True, True]
    assert (out["first_met"] == 2019).all()
    assert not out["met_by_target_year"].any()  # not met in 2018
    assert (out["distance"] == out["gap"]).all()  # target 0


def test_default_tolerance_is_the_materiality_threshold() -> None:
    table = yearly_rates([0.48, 0.40], [0.50, 0.50])
    rule = gb.FlagRule(min_relative=0.05, min_difference=0.01)
    out = gb.follow_up(_result(table, rule=rule), time="ar")
    # max(0.01, 0.05 * 0.50) = 0.025: a gap of -0.02 is met, -0.10 is not.
    assert out["tolerance"].tolist() == pytest.approx([0.025, 0.025])
    assert out["met"].tolist() == [True, False]
    assert out["first_met"].isna().all()  # not met in the last year


def test_met_with_confidence_needs_the_whole_interval_within_tolerance() -> None:
    table = yearly_rates([0.50, 0.50], [0.50, 0.50], n=100_000)
    narrow = gb.follow_up(_result(table), time="ar", tolerance=0.02)
    assert narrow["met_with_confidence"].all()
    small = yearly_rates([0.50, 0.50], [0.50, 0.50], n=50)
    wide = gb.follow_up(_result(small), time="ar", tolerance=0.02)
    assert wide["met"].all()
    assert not wide["met_with_confidence"].any()


def test_trend_matches_weighted_least_squares_with_fixed_scale() -> None:
    table = yearly_rates([0.30, 0.36, 0.38, 0.45, 0.49, 0.50], [0.52, 0.51, 0.53, 0.50, 0.52, 0.51])
    result = _result(table)
    out = gb.follow_up(result, time="ar")
    comparisons = result.comparisons
    z = stats.norm.isf(0.025)
    se = (comparisons["difference_ci_high"] - comparisons["difference_ci_low"]) / (2 * z)
    x = sm.add_constant(comparisons["ar"].astype(float).to_numpy())
    fit = sm.WLS(comparisons["difference"].to_numpy(), x, weights=1 / se.to_numpy() ** 2).fit(
        cov_type="fixed scale"
    )
    low, high = fit.conf_int(alpha=0.05)[1]
    assert out["trend_per_year"].iloc[0] == pytest.approx(fit.params[1], abs=1e-12)
    assert out["trend_ci_low"].iloc[0] == pytest.approx(low, abs=1e-12)
    assert out["trend_ci_high"].iloc[0] == pytest.approx(high, abs=1e-12)
    assert out["trend_per_year"].nunique() == 1


def test_series_are_followed_separately_per_other_breakdown() -> None:
    a = yearly_rates([0.3, 0.5], [0.5, 0.5]).assign(region="A")
    b = yearly_rates([0.5, 0.3], [0.5, 0.5]).assign(region="B")
    result = gb.analyse(pd.concat([a, b]), gb.rate("y"), sex="kon", by=["region", "ar"], n="n")
    out = gb.follow_up(result, time="ar", tolerance=0.01)
    assert list(out.columns) == follow_up_columns(["region", "ar"], "ar")
    first = out.groupby("region")["first_met"].first()
    assert first["A"] == 2017
    assert pd.isna(first["B"])
    assert out.groupby("region")["trend_per_year"].first().to_numpy() == pytest.approx(
        [0.2, -0.2], abs=1e-12
    )


def test_kriminalvarden_gap_closed_by_2020() -> None:
    data = gb.datasets.load_kriminalvarden()
    result = gb.analyse(
        data,
        gb.rate("arbetsdrift"),
        sex="kon",
        by="ar",
        justified=["sakerhetsklass", "strafflangd"],
    )
    out = gb.follow_up(result, gap="adjusted", target_year=2020)
    assert out["met"].tolist() == [False, False, False, False, True, True]
    assert (out["first_met"] == 2020).all()
    assert out["met_by_target_year"].all()
    assert out["trend_ci_low"].iloc[0] > 0  # the gap narrowed, with confidence


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time": "year"}, "time='year' is not a breakdown of this result"),
        ({"gap": "adjusted"}, "gap='adjusted' needs a result with justified factors"),
        (
            {"gap": "ratio"},
            "gap='ratio' is not allowed. Allowed values: 'difference', 'adjusted'.",
        ),
        ({"measure": "andl"}, "The result has no measure 'andl'"),
        ({"tolerance": -1.0}, "tolerance must be a finite number >= 0"),
        ({"target": float("nan")}, "target must be a finite number"),
    ],
)
def test_bad_input_is_named(kwargs: dict[str, Any], message: str) -> None:
    result = _result(yearly_rates([0.3, 0.5], [0.5, 0.5]))
    with pytest.raises(ValueError, match=message):
        gb.follow_up(result, **kwargs)


def test_not_a_result() -> None:
    with pytest.raises(TypeError, match=r"needs the Result of gb\.analyse"):
        gb.follow_up(pd.DataFrame(), time="ar")  # type: ignore[arg-type]


def test_missing_gap_gives_na_not_false() -> None:
    table = yearly_rates([0.3, 0.5], [0.5, 0.5])
    table = table.loc[~((table["ar"] == 2017) & (table["kon"] == "M"))]
    out = gb.follow_up(_result(table), time="ar", tolerance=0.01)
    assert out["met"].isna().tolist() == [False, True]
    assert np.isnan(out["trend_per_year"]).all()  # fewer than two years with a gap


def test_trend_uses_the_standard_errors_behind_t_intervals() -> None:
    data = gb.datasets.load_kriminalvarden()
    cost = gb.ratio("kostnad", "varddygn", cluster="anstalt")
    result = gb.analyse(data, cost, sex="kon", by="ar")
    follow = gb.follow_up(result)
    cmp = result.comparisons
    # Hand computation: each year's standard error is the half-width of its CR2 t interval
    # over the t quantile of its degrees of freedom; the trend is the WLS slope of the gaps
    # on the years with weights 1 / se^2, and its interval is normal.
    se = (cmp["difference_ci_high"] - cmp["difference_ci_low"]) / (
        2 * stats.t.isf(0.025, cmp["difference_df"])
    )
    x = cmp["ar"].to_numpy(dtype=float)
    w = 1 / se.to_numpy() ** 2
    xc = x - np.average(x, weights=w)
    slope = np.sum(w * xc * cmp["difference"].to_numpy()) / np.sum(w * xc**2)
    half = stats.norm.isf(0.025) * np.sqrt(1 / np.sum(w * xc**2))
    assert follow["trend_per_year"].iloc[0] == pytest.approx(slope, rel=1e-9)
    assert follow["trend_ci_low"].iloc[0] == pytest.approx(slope - half, rel=1e-9)
