"""The CR2 / Bell–McCaffrey computation on rows of sums, against independent references.

References: clubSandwich's printed output in its panel-data vignette (values and where they
are printed: ``tests/reference/README.md``), the row-level reference implementation of
Pustejovsky & Tipton (2018) in ``tests/reference/cr2_reference.py`` (full N x N matrices,
identity working model — clubSandwich's default for a weighted ``lm``), and statsmodels'
HC2 covariance.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from reference import cr2_reference as ref

from genderbudget._sandwich import (
    cr2_clusters,
    cr2_stacked,
    hc1_units_stacked,
    hc2_persons,
    hc2_persons_stacked,
)

REFERENCE = Path(__file__).parent / "reference"
TOL = 1e-10


def _rows(seed: int) -> tuple[np.ndarray, ...]:
    """Rows of sums (cluster x pattern x sex): weights (care-days) and weighted sums (cost)."""
    rng = np.random.default_rng(seed)
    clusters = np.repeat(np.arange(9), rng.integers(1, 5, 9))
    n = clusters.size
    women = (clusters < 4).astype(float)  # sex constant within each cluster
    factor = rng.integers(0, 3, n)
    x = np.column_stack([np.ones(n), women, factor == 1, factor == 2]).astype(float)
    weight = rng.uniform(200.0, 9000.0, n)
    ratio = 3000 + 400 * women + 300 * (factor == 2) + rng.normal(0, 500, 9)[clusters]
    return x, weight, ratio * weight, clusters


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_cr2_and_df_match_the_row_level_reference(seed: int) -> None:
    x, weight, sums, clusters = _rows(seed)
    contrasts = np.eye(x.shape[1])
    fit = cr2_clusters(x, weight, sums, clusters, contrasts)
    response = sums / weight
    identity = np.ones(len(weight))
    # Pustejovsky & Tipton (2018) eq. 4, 7-8, identity working model, full matrices.
    expected = ref.cr2_vcov(x, response, weight, clusters, target=identity)
    np.testing.assert_allclose(fit.cov, expected, rtol=TOL, atol=0)
    for k in range(x.shape[1]):
        df = ref.bm_df(x, response, weight, clusters, contrasts[k], target=identity)
        assert fit.df[k] == pytest.approx(df, rel=1e-9)
    # The coefficients are those of WLS (statsmodels).
    wls = sm.WLS(response, x, weights=weight).fit()
    np.testing.assert_allclose(fit.params, wls.params, rtol=TOL)


def test_clubsandwich_vignette_weighted_cr2_and_satterthwaite_df() -> None:
    data = pd.read_csv(REFERENCE / "mortality_motor_vehicle_1970_1983.csv")
    states = pd.get_dummies(data["state"], dtype=float).to_numpy()
    years = pd.get_dummies(data["year"], dtype=float).to_numpy()[:, 1:]
    x = np.column_stack([data["legal"], data["beertaxa"], states, years])
    weight = data["pop"].to_numpy(dtype=float)
    codes = pd.factorize(data["state"])[0].astype(np.int64)
    fit = cr2_clusters(x, weight, data["mrate"].to_numpy() * weight, codes, np.eye(x.shape[1])[:2])
    # clubSandwich vignette "panel-data-CRVE", coef_test(lm(..., weights = pop), vcov = "CR2",
    # cluster = state, test = "Satterthwaite"): SE 2.13 (legal), 4.37 (beertaxa);
    # d.f. 8.52, 6.85 (tests/reference/README.md gives the lines).
    np.testing.assert_array_equal(np.round(np.sqrt(np.diag(fit.cov)[:2]), 2), [2.13, 4.37])
    np.testing.assert_array_equal(np.round(fit.df, 2), [8.52, 6.85])


def test_clubsandwich_vignette_unweighted_cr2() -> None:
    data = pd.read_csv(REFERENCE / "mortality_motor_vehicle_1970_1983.csv")
    states = pd.get_dummies(data["state"], dtype=float).to_numpy()
    years = pd.get_dummies(data["year"], dtype=float).to_numpy()[:, 1:]
    x = np.column_stack([data["legal"], data["beertaxa"], states, years])
    codes = pd.factorize(data["state"])[0].astype(np.int64)
    ones = np.ones(len(data))
    fit = cr2_clusters(x, ones, data["mrate"].to_numpy(), codes, np.eye(x.shape[1])[:2])
    # clubSandwich vignette, unweighted lm, CR2, Satterthwaite: SE 2.51, 5.27; d.f. 24.58, 5.77
    np.testing.assert_array_equal(np.round(np.sqrt(np.diag(fit.cov)[:2]), 2), [2.51, 5.27])
    np.testing.assert_array_equal(np.round(fit.df, 2), [24.58, 5.77])


@pytest.mark.parametrize("seed", [0, 1])
def test_persons_form_is_hc2_with_bell_mccaffrey_df(seed: int) -> None:
    rng = np.random.default_rng(seed)
    patterns = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1], [0, 1, 0, 0, 1, 0]])
    counts = rng.integers(3, 9, 6)
    rows = np.repeat(np.arange(6), counts)
    x = patterns[rows]
    y = rng.lognormal(7, 0.6, rows.size) + 300 * x[:, 1]
    fit = hc2_persons(
        patterns,
        counts,
        np.bincount(rows, y),
        np.bincount(rows, y * y),
        np.array([[0.0, 1.0, 0.0]]),
    )
    # statsmodels OLS on the persons, cov_type="HC2".
    np.testing.assert_allclose(fit.cov, sm.OLS(y, x).fit(cov_type="HC2").cov_params(), rtol=TOL)
    # Every person its own cluster: the row-level reference with the identity working model.
    persons = np.arange(rows.size)
    df = ref.bm_df(x, y, None, persons, np.array([0.0, 1.0, 0.0]))
    assert fit.df[0] == pytest.approx(df, rel=1e-9)


def test_two_groups_persons_form_is_welch_variance_and_equal_variance_satterthwaite_df() -> None:
    y1 = np.array([3.0, 5.0, 9.0, 4.0, 7.0])
    y0 = np.array([1.0, 2.0, 8.0, 3.0, 2.0, 6.0, 4.0])
    patterns = np.array([[1.0, 1.0], [1.0, 0.0]])
    fit = hc2_persons(
        patterns,
        np.array([5.0, 7.0]),
        np.array([y1.sum(), y0.sum()]),
        np.array([(y1**2).sum(), (y0**2).sum()]),
        np.array([[0.0, 1.0]]),
    )
    # Hand computation: Welch's variance s1^2/n1 + s0^2/n0 ...
    assert fit.cov[1, 1] == pytest.approx(y1.var(ddof=1) / 5 + y0.var(ddof=1) / 7, rel=TOL)
    # ... and the Satterthwaite df with equal variances (Imbens & Kolesar 2016, two samples):
    # (1/n1 + 1/n0)^2 / (1/(n1^2 (n1-1)) + 1/(n0^2 (n0-1)))
    expected = (1 / 5 + 1 / 7) ** 2 / (1 / (25 * 4) + 1 / (49 * 6))
    assert fit.df[0] == pytest.approx(expected, rel=TOL)


def test_intercept_with_equal_clusters_is_the_linearisation_variance_on_g_minus_one_df() -> None:
    weight = np.full(5, 100.0)
    sums = np.array([310.0, 290.0, 350.0, 270.0, 330.0]) * 100.0
    fit = cr2_clusters(np.ones((5, 1)), weight, sums, np.arange(5), np.ones((1, 1)))
    ratio = sums.sum() / weight.sum()
    # Hand computation: m/(m-1) sum (y_j - R x_j)^2 / (sum x)^2, and m - 1 = 4 df.
    expected = 5 / 4 * np.sum((sums - ratio * weight) ** 2) / weight.sum() ** 2
    assert fit.cov[0, 0] == pytest.approx(expected, rel=TOL)
    assert fit.df[0] == pytest.approx(4.0, rel=TOL)


def test_stacked_fits_each_match_the_row_level_reference() -> None:
    # Four fits of different sizes in one call, rows interleaved, cluster codes reused across
    # fits: each fit's CR2 covariance and df are those of the row-level reference on its own
    # rows (Pustejovsky & Tipton 2018, identity working model).
    problems = [_rows(seed) for seed in range(4)]
    contrasts = np.eye(4)[:2]
    x = np.vstack([p[0] for p in problems])
    weight = np.concatenate([p[1] for p in problems])
    sums = np.concatenate([p[2] for p in problems])
    clusters = np.concatenate([p[3] for p in problems])
    fits = np.concatenate([np.full(len(p[1]), i) for i, p in enumerate(problems)])
    shuffle = np.random.default_rng(5).permutation(len(fits))
    stacked = cr2_stacked(
        x[shuffle], weight[shuffle], sums[shuffle], clusters[shuffle], fits[shuffle], 4, contrasts
    )
    for i, (xi, wi, si, ci) in enumerate(problems):
        expected = ref.cr2_vcov(xi, si / wi, wi, ci, target=np.ones(len(wi)))
        np.testing.assert_allclose(stacked.cov[i], expected, rtol=TOL, atol=0)
        for k in range(2):
            df = ref.bm_df(xi, si / wi, wi, ci, contrasts[k], target=np.ones(len(wi)))
            assert stacked.df[i, k] == pytest.approx(df, rel=1e-9)
        assert stacked.clusters[i] == len(np.unique(ci))
        single = cr2_clusters(xi, wi, si, ci, contrasts)
        np.testing.assert_allclose(stacked.params[i], single.params, rtol=TOL)


def test_stacked_hc2_fits_are_the_fits_made_one_by_one() -> None:
    # Reference: hc2_persons fit by fit, each design alone with no padding (checked above
    # against statsmodels' HC2, a row-level Bell-McCaffrey df and a hand computation); the
    # stacked fits pad the designs with empty rows, which must change nothing.
    rng = np.random.default_rng(3)
    rows, width, count = 12, 5, 40
    design = np.zeros((count, rows, width))
    numbers = np.zeros((3, count, rows))
    fits = []
    while len(fits) < count:
        size = int(rng.integers(width + 1, rows + 1))
        x = np.column_stack(
            [np.ones(size), rng.integers(0, 2, size), rng.integers(0, 2, (size, width - 2))]
        ).astype(float)
        if np.linalg.matrix_rank(x) < width:
            continue
        n = rng.integers(1, 20, size).astype(float)
        sy = rng.normal(size=size) * n + 3.0 * n
        syy = sy * sy / n + rng.uniform(1.0, 50.0, size)
        f = len(fits)
        design[f, :size] = x
        numbers[:, f, :size] = (n, sy, syy)
        fits.append((x, n, sy, syy))
    contrast = np.zeros(width)
    contrast[1] = 1.0
    stacked = hc2_persons_stacked(design, numbers[0], numbers[1], numbers[2], contrast)
    for f, (x, n, sy, syy) in enumerate(fits):
        alone = hc2_persons(x, n, sy, syy, contrast[None, :])
        np.testing.assert_allclose(stacked.params[f], alone.params, rtol=1e-12)
        np.testing.assert_allclose(stacked.cov[f], alone.cov, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(stacked.df[f], alone.df, rtol=1e-10)


def _ratio_units(seed: int) -> tuple[np.ndarray, pd.DataFrame]:
    """Units (cost and days) with a sex and a 3-level factor: the unit rows and their design."""
    rng = np.random.default_rng(seed)
    size = int(rng.integers(12, 40))
    units = pd.DataFrame(
        {
            "women": rng.integers(0, 2, size).astype(float),
            "k": rng.integers(0, 3, size),
            "days": rng.uniform(50.0, 2000.0, size),
        }
    )
    units["cost"] = units["days"] * rng.normal(2000.0 + 150.0 * units["women"], 300.0)
    rows = np.column_stack(
        [np.ones(size), units["women"], units["k"] == 1, units["k"] == 2]
    ).astype(float)
    return rows, units


def test_stacked_hc1_fits_each_match_statsmodels_on_the_unit_rows() -> None:
    # Reference: statsmodels WLS(cost / days, X, weights=days).fit(cov_type="HC1") on each
    # fit's unit rows. The stacked fits take the rows collapsed to patterns (sex x factor),
    # padded with empty rows to a common length, which must change nothing.
    problems = [_ratio_units(seed) for seed in range(6)]
    collapsed = []
    for rows, units in problems:
        keys, inverse = np.unique(rows, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        days, cost = units["days"].to_numpy(), units["cost"].to_numpy()

        def summed(values: np.ndarray, keys: np.ndarray = keys, inverse: np.ndarray = inverse):
            return np.bincount(inverse, values, len(keys))

        sums = [summed(v) for v in (days, cost, cost * cost, days * days, cost * days)]
        collapsed.append((keys, sums, len(units)))
    rows = max(len(keys) for keys, _, _ in collapsed)
    design = np.zeros((len(collapsed), rows, 4))
    numbers = np.zeros((5, len(collapsed), rows))
    for f, (keys, sums, _) in enumerate(collapsed):
        design[f, : len(keys)] = keys
        numbers[:, f, : len(keys)] = sums
    units_per_fit = np.array([n for _, _, n in collapsed], dtype=float)
    stacked = hc1_units_stacked(design, *numbers, units_per_fit)
    for f, (rows_f, units) in enumerate(problems):
        reference = sm.WLS(units["cost"] / units["days"], rows_f, weights=units["days"]).fit(
            cov_type="HC1"
        )
        np.testing.assert_allclose(stacked.params[f], reference.params, rtol=TOL, atol=0)
        np.testing.assert_allclose(stacked.cov[f], reference.cov_params(), rtol=1e-9, atol=0)
        assert stacked.df[f, 0] == len(units) - 4


def test_a_stacked_hc1_fit_with_too_few_units_has_no_covariance() -> None:
    design = np.array([[[1.0, 0.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]])
    numbers = np.array([[[2.0, 3.0]] * 2, [[4.0, 9.0]] * 2, [[9.0, 30.0]] * 2])
    squares = np.array([[[2.5, 3.5]] * 2, [[4.2, 9.1]] * 2])
    stacked = hc1_units_stacked(design, *numbers, *squares, np.array([2.0, 9.0]))
    assert np.isnan(stacked.cov[0]).all() and np.isfinite(stacked.cov[1]).all()
    assert list(stacked.df[:, 0]) == [0.0, 7.0]
