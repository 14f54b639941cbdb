"""Adjusted gaps: collapsed-cell fits against statsmodels on the rows, and their fallbacks.

References: statsmodels ``Logit`` (coefficients, ``get_margeff(at="overall", dummy=True)``),
``OLS``/``WLS`` with HC1 and cluster covariance, ``StratifiedTable.test_null_odds`` on the
rows or their 2x2 tables; the Mantel-Haenszel risk difference by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from reference import cr2_reference as ref
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable

import genderbudget as gb
from genderbudget._adjust import fit_rate_model

TOL = 1e-8


def _people(seed: int, size: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["K", "M"], size, p=[0.4, 0.6])
    klass = rng.choice([1, 2, 3], size, p=[0.3, 0.5, 0.2])
    band = rng.choice(["kort", "medel", "lång"], size)
    logit = -0.2 + 0.4 * (klass == 3) - 0.5 * (klass == 1) + 0.3 * (band == "lång")
    logit = logit - 0.45 * (sex == "K")
    work = (rng.uniform(size=size) < 1 / (1 + np.exp(-logit))).astype(int)
    cost = 3000 + 400 * (klass == 1) + 250 * (sex == "K") + rng.normal(0, 500, size)
    days = rng.integers(1, 366, size).astype(float)
    return pd.DataFrame(
        {
            "kon": sex,
            "klass": klass,
            "band": band,
            "arbete": work,
            "kostnad": cost,
            "dagar": days,
            "belopp": cost * days / 100,
            "enhet": rng.choice([f"E{i}" for i in range(25)], size),
        }
    )


def _row_design(data: pd.DataFrame) -> pd.DataFrame:
    # Same parametrisation as the library: intercept, women, dummies but the first level.
    design = pd.get_dummies(data[["klass", "band"]].astype(str), drop_first=True, dtype=float)
    design.insert(0, "women", (data["kon"] == "K").astype(float))
    design.insert(0, "const", 1.0)
    return design


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rate_model_on_cells_equals_logit_on_rows(seed: int) -> None:
    data = _people(seed)
    cells = (
        data.assign(sex=np.where(data["kon"] == "K", "women", "men"))
        .groupby(["klass", "band", "sex"])
        .agg(n=("arbete", "size"), sy=("arbete", "sum"))
        .reset_index()
    )
    fit = fit_rate_model(cells, ["klass", "band"])
    # statsmodels: Logit(y, X) on the rows, same design columns in the same order.
    rows = _row_design(data)
    reference = sm.Logit(data["arbete"], rows).fit(disp=0, method="newton", tol=1e-12)
    assert fit.params is not None
    np.testing.assert_allclose(fit.params, reference.params.to_numpy(), rtol=0, atol=TOL)

    result = gb.analyse(data, gb.rate("arbete"), sex="kon", justified=["klass", "band"])
    cmp = result.comparisons.iloc[0]
    # statsmodels: Logit(...).get_margeff(at="overall", dummy=True) for the women column.
    margeff = reference.get_margeff(at="overall", dummy=True)
    women = list(rows.columns[1:]).index("women")
    assert cmp["adjusted_difference"] == pytest.approx(margeff.margeff[women], abs=TOL)
    low, high = margeff.conf_int(alpha=0.05)[women]
    assert cmp["adjusted_ci_low"] == pytest.approx(low, abs=1e-7)
    assert cmp["adjusted_ci_high"] == pytest.approx(high, abs=1e-7)
    assert cmp["adjusted_p_value"] == pytest.approx(margeff.pvalues[women], abs=1e-7)
    assert cmp["adjustment_method"] == "logistic_standardised_delta"


@pytest.mark.slow
def test_mean_adjustment_equals_ols_hc2_with_bell_mccaffrey_df_on_rows() -> None:
    data = _people(4)
    result = gb.analyse(data, gb.mean("kostnad"), sex="kon", justified=["klass", "band"])
    cmp = result.comparisons.iloc[0]
    design = _row_design(data)
    # statsmodels: OLS(y, X).fit(cov_type="HC2") on the rows.
    fit = sm.OLS(data["kostnad"], design).fit(cov_type="HC2")
    se = fit.bse["women"]
    # Bell-McCaffrey df, every person a cluster: the row-level reference of Pustejovsky &
    # Tipton (2018) in tests/reference (identity working model).
    contrast = (design.columns == "women").astype(float)
    df = ref.bm_df(
        design.to_numpy(), data["kostnad"].to_numpy(), None, np.arange(len(data)), contrast
    )
    q = stats.t.isf(0.025, df)
    assert cmp["adjusted_difference"] == pytest.approx(fit.params["women"], rel=TOL)
    assert cmp["adjusted_ci_low"] == pytest.approx(fit.params["women"] - q * se, rel=TOL)
    assert cmp["adjusted_ci_high"] == pytest.approx(fit.params["women"] + q * se, rel=TOL)
    p = 2 * stats.t.sf(abs(fit.params["women"]) / se, df)
    assert cmp["adjusted_p_value"] == pytest.approx(p, rel=1e-6)
    assert cmp["adjustment_method"] == "ols_hc2_bm"


def test_ratio_adjustment_equals_wls_on_rows_and_cr2_over_clusters() -> None:
    data = _people(5)
    measures = [
        gb.ratio("belopp", "dagar", name="rows"),
        gb.ratio("belopp", "dagar", cluster="enhet", name="clusters"),
    ]
    result = gb.analyse(data, measures, sex="kon", justified=["klass", "band"])
    cmp = result.comparisons.set_index("measure")
    design = _row_design(data)
    model = sm.WLS(data["belopp"] / data["dagar"], design, weights=data["dagar"])
    # statsmodels: WLS(y/x, X, weights=x).fit(cov_type="HC1") — every row a unit — with a t
    # reference on N - k degrees of freedom.
    hc1 = model.fit(cov_type="HC1")
    df = len(data) - design.shape[1]
    q = stats.t.isf(0.025, df)
    estimate, se = hc1.params["women"], hc1.bse["women"]
    assert cmp.loc["rows", "adjusted_difference"] == pytest.approx(estimate, rel=TOL)
    assert cmp.loc["rows", "adjusted_ci_low"] == pytest.approx(estimate - q * se, rel=TOL)
    assert cmp.loc["rows", "adjusted_ci_high"] == pytest.approx(estimate + q * se, rel=TOL)
    # Clusters: the rows summed per unit x pattern x sex, then the row-level CR2 reference
    # (Pustejovsky & Tipton 2018, identity working model over those rows) and its df.
    keys = ["enhet", "klass", "band", "kon"]
    units = data.groupby(keys)[["belopp", "dagar"]].sum().reset_index()
    x = _row_design(units).to_numpy()
    days = units["dagar"].to_numpy(float)
    response = units["belopp"].to_numpy(float) / days
    target = np.ones(len(units))
    contrast = (_row_design(units).columns == "women").astype(float)
    cov = ref.cr2_vcov(x, response, days, units["enhet"].to_numpy(), target=target)
    df = ref.bm_df(x, response, days, units["enhet"].to_numpy(), contrast, target=target)
    se = np.sqrt(contrast @ cov @ contrast)
    q = stats.t.isf(0.025, df)
    assert cmp.loc["clusters", "adjusted_difference"] == pytest.approx(estimate, rel=TOL)
    assert cmp.loc["clusters", "adjusted_ci_low"] == pytest.approx(estimate - q * se, rel=1e-9)
    assert cmp.loc["clusters", "adjusted_ci_high"] == pytest.approx(estimate + q * se, rel=1e-9)
    assert cmp.loc["clusters", "adjustment_method"] == "wls_ratio_cr2_bm"
    assert cmp.loc["rows", "adjustment_method"] == "wls_ratio_hc1_units"


def test_mantel_haenszel_cross_check() -> None:
    data = _people(6)
    result = gb.analyse(
        data, gb.rate("arbete"), sex="kon", justified=["klass"], adjustment="mantel-haenszel"
    )
    cmp = result.comparisons.iloc[0]
    tables, numerator, denominator = [], 0.0, 0.0
    for _, stratum in data.groupby("klass"):
        women, men = stratum[stratum.kon == "K"], stratum[stratum.kon == "M"]
        a, n1 = women.arbete.sum(), len(women)
        c, n0 = men.arbete.sum(), len(men)
        tables.append([[a, n1 - a], [c, n0 - c]])
        # Hand computation: RD_MH = sum((a n0 - c n1) / N) / sum(n1 n0 / N).
        numerator += (a * n0 - c * n1) / (n1 + n0)
        denominator += n1 * n0 / (n1 + n0)
    assert cmp["adjusted_difference"] == pytest.approx(numerator / denominator, rel=1e-12)
    # statsmodels: StratifiedTable(tables).test_null_odds(correction=False)
    reference = StratifiedTable([np.asarray(t, dtype=float) for t in tables]).test_null_odds()
    assert cmp["adjusted_p_value"] == pytest.approx(reference.pvalue, rel=1e-10)
    model = gb.analyse(data, gb.rate("arbete"), sex="kon", justified=["klass"]).comparisons
    assert cmp["adjusted_difference"] == pytest.approx(model["adjusted_difference"][0], abs=0.01)


def _paradox() -> pd.DataFrame:
    # Two units: women mostly in unit A where few get the service, men mostly in unit B
    # where most do. Within each unit women and men get it equally often.
    parts = []
    for unit, women, men, share in (("A", 400, 100, 0.2), ("B", 100, 400, 0.7)):
        for sex, count in (("K", women), ("M", men)):
            got = round(count * share)
            parts.append(
                pd.DataFrame({"kon": sex, "enhet": unit, "insats": [1] * got + [0] * (count - got)})
            )
    return pd.concat(parts, ignore_index=True)


def test_aggregation_paradox_is_explained_by_the_declared_factor() -> None:
    data = _paradox()
    plain = gb.analyse(data, gb.rate("insats"), sex="kon").comparisons.iloc[0]
    assert plain["difference"] == pytest.approx(0.3 - 0.6)
    assert plain["flag"] == "unexplained_gap"
    assert plain["disadvantaged"] == "women"
    declared = gb.analyse(data, gb.rate("insats"), sex="kon", justified="enhet").comparisons
    row = declared.iloc[0]
    assert abs(row["adjusted_difference"]) < 1e-8
    assert row["flag"] == "explained_gap"
    assert row["disadvantaged"] is None


def test_reversal_within_strata_is_explained_not_unexplained() -> None:
    data = _paradox()
    # Within the units women now get it slightly more often than men; the raw gap still
    # disadvantages women.
    data.loc[(data.kon == "K") & (data.enhet == "A") & (data.insats == 0), "insats"] = [1] * 20 + [
        0
    ] * 300
    row = gb.analyse(data, gb.rate("insats"), sex="kon", justified="enhet").comparisons.iloc[0]
    assert row["difference"] < 0 < row["adjusted_difference"]
    assert row["flag"] == "explained_gap"


def test_factor_with_one_level_is_left_out_with_a_note() -> None:
    data = _people(7).assign(konstant="x")
    row = gb.analyse(
        data, gb.rate("arbete"), sex="kon", justified=["konstant", "klass"]
    ).comparisons.iloc[0]
    assert "factor 'konstant' has one level here and is left out" in row["note"]
    assert np.isfinite(row["adjusted_difference"])


def test_factor_identical_to_sex_gives_nan_and_reason() -> None:
    data = _paradox()
    data["anstalt_for"] = np.where(data.kon == "K", "kvinnor", "män")
    row = gb.analyse(data, gb.rate("insats"), sex="kon", justified="anstalt_for").comparisons
    row = row.iloc[0]
    assert np.isnan(row["adjusted_difference"])
    assert "justified factor 'anstalt_for' coincides with sex" in row["note"]
    assert row["flag"] == "insufficient_data"


def test_levels_where_nobody_got_it_are_set_aside() -> None:
    data = _people(8)
    data.loc[data["klass"] == 1, "arbete"] = 0
    row = gb.analyse(data, gb.rate("arbete"), sex="kon", justified=["klass"]).comparisons
    row = row.iloc[0]
    n_aside = int((data["klass"] == 1).sum())
    assert f"{n_aside:,} persons in levels where all or none got it are set aside" in row["note"]
    # Their predicted difference is 0; the rest is the AME of the fit without them.
    rest = data.loc[data["klass"] != 1]
    without = gb.analyse(rest, gb.rate("arbete"), sex="kon", justified=["klass"]).comparisons
    share = len(rest) / len(data)
    assert row["adjusted_difference"] == pytest.approx(
        without["adjusted_difference"][0] * share, rel=1e-9
    )


def test_separation_by_sex_is_fitted_by_firth_not_reported_as_nan() -> None:
    data = pd.DataFrame(
        {
            "kon": ["K"] * 40 + ["M"] * 40,
            "klass": [1, 2] * 40,
            "a": [0] * 40 + [1, 0] * 20,
        }
    )
    data.loc[(data.kon == "M") & (data.klass == 1), "a"] = 1
    data.loc[(data.kon == "M") & (data.klass == 2), "a"] = [1, 0] * 10
    row = gb.analyse(data, gb.rate("a"), sex="kon", justified="klass").comparisons.iloc[0]
    # No woman got it: the maximum-likelihood estimate does not exist, Firth's does.
    assert np.isfinite(row["adjusted_difference"])
    assert row["adjusted_difference"] < -0.5
    assert row["adjusted_p_adjusted"] < 0.05
    assert "Firth" in row["note"]
    assert row["flag"] == "unexplained_gap"


def test_stratum_with_one_sex_is_harmless() -> None:
    data = _people(9)
    data.loc[data["klass"] == 3, "kon"] = "M"
    for adjustment in ("model", "mantel-haenszel"):
        row = gb.analyse(
            data, gb.rate("arbete"), sex="kon", justified="klass", adjustment=adjustment
        ).comparisons.iloc[0]
        assert np.isfinite(row["adjusted_difference"])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"justified": "kon"}, "The sex column 'kon' cannot be a justified factor"),
        ({"justified": "klass", "by": "klass"}, "Column 'klass' is both a breakdown"),
        ({"justified": "klas"}, "Column 'klas' (a justified factor, justified=) is not in"),
        ({"adjustment": "mh"}, "adjustment='mh' is not allowed"),
    ],
)
def test_bad_justified_options(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        gb.analyse(_people(1, 200), gb.rate("arbete"), sex="kon", **options)  # type: ignore[arg-type]


def test_missing_justified_factor_is_reported_for_the_adjusted_gap_only() -> None:
    data = _people(10).astype({"klass": float})
    data.loc[:9, "klass"] = np.nan
    result = gb.analyse(data, gb.rate("arbete"), sex="kon", justified="klass")
    assert result.accounting.loc[0, "rows_used"] == len(data)
    assert (
        "adjusted gap leaves out 10 rows with a missing justified factor"
        in (result.comparisons.loc[0, "note"])
    )


def test_clustered_mean_adjustment_is_cr2_over_units() -> None:
    data = _people(7)
    measure = gb.mean("kostnad", cluster="enhet")
    row = gb.analyse(data, measure, sex="kon", justified=["klass"]).comparisons.iloc[0]
    # The persons summed per unit x pattern x sex, then WLS of the cell means with the persons
    # as weights and the row-level CR2 reference with its df (identity working model).
    keys = ["enhet", "klass", "kon"]
    units = data.groupby(keys)["kostnad"].agg(["sum", "size"]).reset_index()
    design = pd.get_dummies(units[["klass"]].astype(str), drop_first=True, dtype=float)
    design.insert(0, "women", (units["kon"] == "K").astype(float))
    design.insert(0, "const", 1.0)
    x = design.to_numpy()
    persons = units["size"].to_numpy(float)
    means = units["sum"].to_numpy(float) / persons
    target = np.ones(len(units))
    contrast = (design.columns == "women").astype(float)
    fit = sm.WLS(means, x, weights=persons).fit()
    cov = ref.cr2_vcov(x, means, persons, units["enhet"].to_numpy(), target=target)
    df = ref.bm_df(x, means, persons, units["enhet"].to_numpy(), contrast, target=target)
    se = np.sqrt(contrast @ cov @ contrast)
    q = stats.t.isf(0.025, df)
    estimate = fit.params[list(design.columns).index("women")]
    assert row["adjusted_difference"] == pytest.approx(estimate, rel=TOL)
    assert row["adjusted_ci_low"] == pytest.approx(estimate - q * se, rel=1e-9)
    assert row["adjusted_df"] == pytest.approx(df, rel=1e-9)
    assert row["adjustment_method"] == "ols_cr2_bm"


def test_clustered_rate_adjustment_is_a_linear_probability_model_with_cr2() -> None:
    data = _people(8)
    row = gb.analyse(
        data, gb.rate("arbete", cluster="enhet"), sex="kon", justified=["klass"]
    ).comparisons.iloc[0]
    keys = ["enhet", "klass", "kon"]
    units = data.groupby(keys)["arbete"].agg(["sum", "size"]).reset_index()
    design = pd.get_dummies(units[["klass"]].astype(str), drop_first=True, dtype=float)
    design.insert(0, "women", (units["kon"] == "K").astype(float))
    design.insert(0, "const", 1.0)
    persons = units["size"].to_numpy(float)
    shares = units["sum"].to_numpy(float) / persons
    contrast = (design.columns == "women").astype(float)
    target = np.ones(len(units))
    # statsmodels WLS of the cell shares with the persons as weights (the linear probability
    # model on the persons) and the row-level CR2 reference over the units.
    fit = sm.WLS(shares, design.to_numpy(), weights=persons).fit()
    cov = ref.cr2_vcov(design.to_numpy(), shares, persons, units["enhet"].to_numpy(), target=target)
    df = ref.bm_df(
        design.to_numpy(), shares, persons, units["enhet"].to_numpy(), contrast, target=target
    )
    estimate = fit.params[list(design.columns).index("women")]
    se = np.sqrt(contrast @ cov @ contrast)
    assert row["adjusted_difference"] == pytest.approx(estimate, rel=TOL)
    assert row["adjusted_ci_high"] == pytest.approx(
        estimate + stats.t.isf(0.025, df) * se, rel=1e-9
    )
    assert row["adjustment_method"] == "lpm_cr2_bm"
