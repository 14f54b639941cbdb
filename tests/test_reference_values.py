"""Every interval and test of ``analyse`` against an independent implementation.

References: statsmodels (``proportion_confint``, ``confint_proportions_2indep``,
``proportions_ztest``, ``DescrStatsW``, ``WLS`` with HC1 covariance), scipy
(``ttest_ind(equal_var=False)``, ``fisher_exact``), the row-level CR2 / Bell-McCaffrey
reference in ``tests/reference`` (itself checked against clubSandwich and Stata output) and
hand computation. Tolerance 1e-10.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from reference import cr2_reference as ref
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)
from statsmodels.stats.weightstats import DescrStatsW

import genderbudget as gb

TOL = 1e-10
SEEDS = [0, 1, 2, 3, 4]


def _people(seed: int, n_women: int = 150, n_men: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_women + n_men
    sex = np.array(["K"] * n_women + ["M"] * n_men)
    p = np.where(sex == "K", rng.uniform(0.2, 0.5), rng.uniform(0.4, 0.7))
    return pd.DataFrame(
        {
            "kon": sex,
            "arbetsdrift": (rng.uniform(size=n) < p).astype(int),
            "kostnad": rng.gamma(2.0, 1500.0, n) + np.where(sex == "K", 300.0, 0.0),
            "varddygn": rng.integers(1, 366, n),
            "anstalt": rng.choice([f"A{i:02d}" for i in range(12)], n),
        }
    )


def _row(table: pd.DataFrame, **where: object) -> pd.Series:
    mask = np.ones(len(table), dtype=bool)
    for column, value in where.items():
        mask &= (table[column] == value).to_numpy()
    assert mask.sum() == 1
    return table.loc[mask].iloc[0]


@pytest.mark.parametrize("confidence", [0.95, 0.9])
@pytest.mark.parametrize("seed", SEEDS)
def test_rate_matches_statsmodels(seed: int, confidence: float) -> None:
    data = _people(seed)
    result = gb.analyse(data, gb.rate("arbetsdrift"), sex="kon", confidence=confidence)
    alpha = 1 - confidence
    xw = int(data.loc[data.kon == "K", "arbetsdrift"].sum())
    xm = int(data.loc[data.kon == "M", "arbetsdrift"].sum())
    nw, nm = 150, 400
    for sex, x, n in (("women", xw, nw), ("men", xm, nm)):
        row = _row(result.estimates, sex=sex)
        # statsmodels: proportion_confint(x, n, alpha, method="wilson")
        low, high = proportion_confint(x, n, alpha=alpha, method="wilson")
        assert row["estimate"] == pytest.approx(x / n, abs=TOL)
        assert row["ci_low"] == pytest.approx(low, abs=TOL)
        assert row["ci_high"] == pytest.approx(high, abs=TOL)
    cmp = result.comparisons.iloc[0]
    # statsmodels: confint_proportions_2indep(..., method="newcomb", compare="diff")
    low, high = confint_proportions_2indep(
        xw, nw, xm, nm, method="newcomb", compare="diff", alpha=alpha
    )
    assert cmp["difference"] == pytest.approx(xw / nw - xm / nm, abs=TOL)
    assert cmp["difference_ci_low"] == pytest.approx(low, abs=TOL)
    assert cmp["difference_ci_high"] == pytest.approx(high, abs=TOL)
    # statsmodels: confint_proportions_2indep(..., method="log", compare="ratio") (Katz)
    low, high = confint_proportions_2indep(
        xw, nw, xm, nm, method="log", compare="ratio", alpha=alpha
    )
    assert cmp["ratio"] == pytest.approx((xw / nw) / (xm / nm), abs=TOL)
    assert cmp["ratio_ci_low"] == pytest.approx(low, abs=TOL)
    assert cmp["ratio_ci_high"] == pytest.approx(high, abs=TOL)
    # statsmodels: proportions_ztest([xw, xm], [nw, nm]) (pooled variance)
    _, p = proportions_ztest([xw, xm], [nw, nm])
    assert cmp["test_method"] == "two_proportion_z_pooled"
    assert cmp["p_value"] == pytest.approx(p, abs=TOL)


def test_small_rate_uses_fisher_exact() -> None:
    data = pd.DataFrame({"kon": ["K"] * 6 + ["M"] * 9, "a": [1, 0, 0, 0, 0, 0] + [1] * 6 + [0] * 3})
    cmp = gb.analyse(data, gb.rate("a"), sex="kon").comparisons.iloc[0]
    # scipy: fisher_exact([[1, 5], [6, 3]]) two-sided
    assert cmp["test_method"] == "fisher_exact"
    assert cmp["p_value"] == pytest.approx(stats.fisher_exact([[1, 5], [6, 3]]).pvalue, abs=TOL)


def test_wilson_by_hand() -> None:
    # Hand computation for 12 of 40, z = 1.959963984540054:
    # centre = (0.3 + z^2/80) / (1 + z^2/40) = 0.3234718...
    # half = z * sqrt(0.3*0.7/40 + z^2/6400) / (1 + z^2/40) = 0.1443718...
    z = 1.959963984540054
    centre = (0.3 + z**2 / 80) / (1 + z**2 / 40)
    half = z * np.sqrt(0.3 * 0.7 / 40 + z**2 / 6400) / (1 + z**2 / 40)
    data = pd.DataFrame({"kon": ["K"] * 40 + ["M"] * 10, "a": [1] * 12 + [0] * 28 + [1] * 10})
    row = _row(gb.analyse(data, gb.rate("a"), sex="kon").estimates, sex="women")
    assert row["ci_low"] == pytest.approx(centre - half, abs=TOL)
    assert row["ci_high"] == pytest.approx(centre + half, abs=TOL)


def test_wilson_published_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table II: 81/263 -> 0.2553, 0.3662.
    data = pd.DataFrame({"kon": ["K"] * 263 + ["M"] * 5, "a": [1] * 81 + [0] * 182 + [1] * 5})
    row = _row(gb.analyse(data, gb.rate("a"), sex="kon").estimates, sex="women")
    assert round(row["ci_low"], 4) == 0.2553
    assert round(row["ci_high"], 4) == 0.3662


@pytest.mark.parametrize(
    ("women", "men", "published"),
    [
        # Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10:
        ((56, 70), (48, 80), (0.0524, 0.3339)),
        ((9, 10), (3, 10), (0.1705, 0.8090)),
    ],
)
def test_newcombe_published_examples(
    women: tuple[int, int], men: tuple[int, int], published: tuple[float, float]
) -> None:
    (xw, nw), (xm, nm) = women, men
    data = pd.DataFrame(
        {
            "kon": ["K"] * nw + ["M"] * nm,
            "a": [1] * xw + [0] * (nw - xw) + [1] * xm + [0] * (nm - xm),
        }
    )
    cmp = gb.analyse(data, gb.rate("a"), sex="kon").comparisons.iloc[0]
    assert (round(cmp["difference_ci_low"], 4), round(cmp["difference_ci_high"], 4)) == published


@pytest.mark.parametrize("seed", SEEDS)
def test_mean_matches_scipy_welch(seed: int) -> None:
    data = _people(seed)
    result = gb.analyse(data, gb.mean("kostnad"), sex="kon")
    women = data.loc[data.kon == "K", "kostnad"].to_numpy()
    men = data.loc[data.kon == "M", "kostnad"].to_numpy()
    for sex, values in (("women", women), ("men", men)):
        row = _row(result.estimates, sex=sex)
        # statsmodels: DescrStatsW(values).tconfint_mean(alpha=0.05)
        low, high = DescrStatsW(values).tconfint_mean(alpha=0.05)
        assert row["estimate"] == pytest.approx(values.mean(), rel=TOL)
        assert row["ci_low"] == pytest.approx(low, rel=TOL)
        assert row["ci_high"] == pytest.approx(high, rel=TOL)
    cmp = result.comparisons.iloc[0]
    # scipy: ttest_ind(women, men, equal_var=False) and its confidence_interval(0.95)
    welch = stats.ttest_ind(women, men, equal_var=False)
    ci = welch.confidence_interval(0.95)
    assert cmp["difference"] == pytest.approx(women.mean() - men.mean(), rel=TOL)
    assert cmp["p_value"] == pytest.approx(welch.pvalue, rel=1e-8, abs=TOL)
    assert cmp["difference_ci_low"] == pytest.approx(ci.low, rel=TOL)
    assert cmp["difference_ci_high"] == pytest.approx(ci.high, rel=TOL)
    assert cmp["test_method"] == "welch_t"


def test_ratio_of_means_delta_log_by_hand() -> None:
    data = _people(7)
    cmp = gb.analyse(data, gb.mean("kostnad"), sex="kon").comparisons.iloc[0]
    women = data.loc[data.kon == "K", "kostnad"]
    men = data.loc[data.kon == "M", "kostnad"]
    # Hand computation: var(log r) = s_w^2/(n_w m_w^2) + s_m^2/(n_m m_m^2), with the t
    # quantile of the difference's Welch-Satterthwaite df (one reference distribution).
    a, b = women.var() / len(women), men.var() / len(men)
    df = (a + b) ** 2 / (a**2 / (len(women) - 1) + b**2 / (len(men) - 1))
    v = women.var() / (len(women) * women.mean() ** 2) + men.var() / (len(men) * men.mean() ** 2)
    q = stats.t.isf(0.025, df)
    r = women.mean() / men.mean()
    assert cmp["ratio"] == pytest.approx(r, rel=TOL)
    assert cmp["ratio_ci_low"] == pytest.approx(r * np.exp(-q * np.sqrt(v)), rel=TOL)
    assert cmp["ratio_ci_high"] == pytest.approx(r * np.exp(q * np.sqrt(v)), rel=TOL)


def _wls_ratio(y: np.ndarray, x: np.ndarray) -> tuple[float, float, float, float]:
    """statsmodels: WLS(y/x ~ 1, weights=x) with HC1 covariance and t(m - 1)."""
    fit = sm.WLS(y / x, np.ones_like(x), weights=x).fit(cov_type="HC1", use_t=True)
    low, high = fit.conf_int(alpha=0.05)[0]
    return float(fit.params[0]), float(fit.bse[0]), float(low), float(high)


def _cr2_ratio(y: np.ndarray, x: np.ndarray) -> tuple[float, float, float]:
    """Reference: WLS(y/x ~ 1, weights=x) over units with the row-level CR2 and BM df."""
    ones = np.ones((len(x), 1))
    cov = ref.cr2_vcov(ones, y / x, x, np.arange(len(x)), target=np.ones(len(x)))
    df = ref.bm_df(ones, y / x, x, np.arange(len(x)), np.ones(1), target=np.ones(len(x)))
    return float(y.sum() / x.sum()), float(np.sqrt(cov[0, 0])), float(df)


@pytest.mark.parametrize("seed", SEEDS)
def test_ratio_of_sums_per_row_matches_hc1_wls_and_per_unit_matches_cr2(seed: int) -> None:
    data = _people(seed)
    measures = [
        gb.ratio("kostnad", "varddygn", name="per_row"),
        gb.ratio("kostnad", "varddygn", cluster="anstalt", name="per_unit"),
    ]
    result = gb.analyse(data, measures, sex="kon")
    for sex, code in (("women", "K"), ("men", "M")):
        rows = data.loc[data.kon == code]
        estimate, _, low, high = _wls_ratio(
            rows["kostnad"].to_numpy(), rows["varddygn"].to_numpy(dtype=float)
        )
        row = _row(result.estimates, sex=sex, measure="per_row")
        assert row["estimate"] == pytest.approx(estimate, rel=TOL)
        assert row["ci_low"] == pytest.approx(low, rel=TOL)
        assert row["ci_high"] == pytest.approx(high, rel=TOL)
        units = rows.groupby("anstalt")[["kostnad", "varddygn"]].sum()
        estimate, se, df = _cr2_ratio(
            units["kostnad"].to_numpy(dtype=float), units["varddygn"].to_numpy(dtype=float)
        )
        q = stats.t.isf(0.025, df)
        row = _row(result.estimates, sex=sex, measure="per_unit")
        assert row["units"] == len(units)
        assert row["estimate"] == pytest.approx(estimate, rel=TOL)
        assert row["ci_low"] == pytest.approx(estimate - q * se, rel=1e-9)
        assert row["ci_high"] == pytest.approx(estimate + q * se, rel=1e-9)


def test_clustered_ratio_difference_matches_the_cr2_reference() -> None:
    data = _people(11)
    result = gb.analyse(data, gb.ratio("kostnad", "varddygn", cluster="anstalt"), sex="kon")
    units = data.groupby(["kon", "anstalt"])[["kostnad", "varddygn"]].sum().reset_index()
    x = np.column_stack([np.ones(len(units)), (units["kon"] == "K").to_numpy(float)])
    days = units["varddygn"].to_numpy(float)
    response = units["kostnad"].to_numpy(float) / days
    clusters = units["anstalt"].to_numpy()  # a prison with women and men is one cluster
    target = np.ones(len(units))
    # Pustejovsky & Tipton (2018): CR2 and Satterthwaite df of the women coefficient, from
    # the row-level reference with the identity working model over the units.
    se = np.sqrt(ref.cr2_vcov(x, response, days, clusters, target=target)[1, 1])
    df = ref.bm_df(x, response, days, clusters, np.array([0.0, 1.0]), target=target)
    cmp = result.comparisons.iloc[0]
    difference = cmp["women"] - cmp["men"]
    q = stats.t.isf(0.025, df)
    assert cmp["difference"] == pytest.approx(difference, rel=TOL)
    assert cmp["difference_ci_low"] == pytest.approx(difference - q * se, rel=1e-9)
    assert cmp["difference_ci_high"] == pytest.approx(difference + q * se, rel=1e-9)
    assert cmp["p_value"] == pytest.approx(2 * stats.t.sf(abs(difference) / se, df), rel=1e-8)


def test_holm_adjustment_by_hand() -> None:
    rng = np.random.default_rng(5)
    frames = []
    for year, (pw, pm) in zip(
        range(2016, 2020), [(0.3, 0.6), (0.45, 0.5), (0.5, 0.52), (0.4, 0.55)], strict=True
    ):
        frames.append(
            pd.DataFrame(
                {
                    "ar": year,
                    "kon": ["K"] * 200 + ["M"] * 300,
                    "a": np.r_[rng.uniform(size=200) < pw, rng.uniform(size=300) < pm].astype(int),
                }
            )
        )
    data = pd.concat(frames, ignore_index=True)
    cmp = gb.analyse(data, gb.rate("a"), sex="kon", by="ar").comparisons
    p = cmp["p_value"].to_numpy()
    # Hand computation of Holm: sort ascending, multiply the i-th smallest by (m - i),
    # take the running maximum, cap at 1.
    order = np.argsort(p)
    m = len(p)
    stepped = np.maximum.accumulate(p[order] * (m - np.arange(m)))
    expected = np.empty(m)
    expected[order] = np.minimum(stepped, 1.0)
    np.testing.assert_allclose(cmp["p_adjusted"].to_numpy(), expected, rtol=TOL)
    assert set(cmp["p_adjust_method"]) == {"holm"}
    for method in ("holm", "bonferroni", "fdr_bh"):
        adjusted = gb.analyse(data, gb.rate("a"), sex="kon", by="ar", p_adjust=method).comparisons
        # statsmodels: multipletests(p, method=method)[1]
        np.testing.assert_allclose(adjusted["p_adjusted"], multipletests(p, method=method)[1])
    none = gb.analyse(data, gb.rate("a"), sex="kon", by="ar", p_adjust="none").comparisons
    np.testing.assert_allclose(none["p_adjusted"], none["p_value"], rtol=0)


def _difference_over_units(data: pd.DataFrame, column: str) -> tuple[pd.DataFrame, float, float]:
    """Reference for a clustered mean or rate: women - men over the prisons.

    WLS of the units' means (or shares) with the persons as weights, and the row-level CR2
    reference (identity working model over the unit rows) with its Satterthwaite df.
    """
    units = data.groupby(["kon", "anstalt"])[column].agg(["sum", "size"]).reset_index()
    x = np.column_stack([np.ones(len(units)), (units["kon"] == "K").to_numpy(float)])
    persons = units["size"].to_numpy(float)
    means = units["sum"].to_numpy(float) / persons
    clusters = units["anstalt"].to_numpy()
    target = np.ones(len(units))
    se = np.sqrt(ref.cr2_vcov(x, means, persons, clusters, target=target)[1, 1])
    df = ref.bm_df(x, means, persons, clusters, np.array([0.0, 1.0]), target=target)
    return units, float(se), float(df)


def test_clustered_mean_matches_the_cr2_reference_over_unit_means() -> None:
    data = _people(12)
    result = gb.analyse(data, gb.mean("kostnad", cluster="anstalt"), sex="kon")
    units, se, df = _difference_over_units(data, "kostnad")
    cmp = result.comparisons.iloc[0]
    women = data.loc[data.kon == "K", "kostnad"].mean()
    men = data.loc[data.kon == "M", "kostnad"].mean()
    q = stats.t.isf(0.025, df)
    assert cmp["difference"] == pytest.approx(women - men, rel=TOL)
    assert cmp["difference_ci_low"] == pytest.approx(women - men - q * se, rel=1e-9)
    assert cmp["difference_df"] == pytest.approx(df, rel=1e-9)
    assert (cmp["units_women"], cmp["units_men"]) == (12, 12)
    # Each sex on its own: the intercept over that sex's units.
    for sex, code in (("women", "K"), ("men", "M")):
        part = units.loc[units["kon"] == code]
        ones = np.ones((len(part), 1))
        w, y = part["size"].to_numpy(float), part["sum"].to_numpy(float) / part["size"]
        se1 = np.sqrt(
            ref.cr2_vcov(ones, y, w, np.arange(len(part)), target=np.ones(len(part)))[0, 0]
        )
        df1 = ref.bm_df(ones, y, w, np.arange(len(part)), np.ones(1), target=np.ones(len(part)))
        row = _row(result.estimates, sex=sex)
        assert row["ci_high"] == pytest.approx(
            row["estimate"] + stats.t.isf(0.025, df1) * se1, rel=1e-9
        )


def test_clustered_mean_from_counts_equals_the_rows() -> None:
    data = _people(13)
    rows = gb.analyse(data, gb.mean("kostnad", cluster="anstalt"), sex="kon")
    counts = (
        data.groupby(["kon", "anstalt"]).agg(n=("kostnad", "size"), kostnad=("kostnad", "sum"))
    ).reset_index()
    aggregated = gb.analyse(counts, gb.mean("kostnad", cluster="anstalt"), sex="kon", n="n")
    columns = ["difference", "difference_ci_low", "difference_ci_high", "p_value"]
    pd.testing.assert_frame_equal(
        aggregated.comparisons[columns], rows.comparisons[columns], rtol=1e-10
    )


def test_clustered_rate_matches_the_cr2_reference_over_unit_shares() -> None:
    data = _people(14)
    result = gb.analyse(data, gb.rate("arbetsdrift", cluster="anstalt"), sex="kon")
    _, se, df = _difference_over_units(data, "arbetsdrift")
    cmp = result.comparisons.iloc[0]
    q = stats.t.isf(0.025, df)
    assert cmp["difference_ci_low"] == pytest.approx(cmp["difference"] - q * se, rel=1e-9)
    assert cmp["p_value"] == pytest.approx(
        2 * stats.t.sf(abs(cmp["difference"]) / se, df), rel=1e-8
    )
    estimates = result.estimates
    assert (estimates["ci_low"] >= 0).all() and (estimates["ci_high"] <= 1).all()


def test_two_sided_normal_p_is_scipys_to_the_last_bit() -> None:
    # Reference: scipy.stats.norm.sf, which the shortcut (scipy.special.ndtr) is inside of.
    from genderbudget._intervals import normal_two_sided_p

    z = np.concatenate([np.linspace(-40, 40, 2001), [0.0, np.inf, -np.inf, np.nan]])
    expected = 2.0 * stats.norm.sf(np.abs(z))
    np.testing.assert_array_equal(normal_two_sided_p(z), expected)
    assert float(normal_two_sided_p(1.959963984540054)) == pytest.approx(0.05, abs=1e-15)


def test_normal_upper_quantile_is_scipys_to_the_last_bit() -> None:
    # Reference: scipy.stats.norm.isf, which computes -scipy.special.ndtri itself.
    from genderbudget._intervals import normal_isf

    q = np.concatenate([np.geomspace(1e-300, 1.0, 3001), [0.0, 1.0, 0.5, np.nan]])
    np.testing.assert_array_equal(normal_isf(q), stats.norm.isf(q))
    assert float(normal_isf(0.025)) == pytest.approx(1.959963984540054, abs=1e-15)
