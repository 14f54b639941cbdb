"""The model toolkit (``genderbudget._models``) against independent references.

Every reference is named beside the number: statsmodels ``WLS`` and ``GLM`` on the person
(or unit) rows that the pattern rows collapse, statsmodels ``Logit.get_margeff``, numpy's
``lstsq`` and ``pinv``, and hand computations written out in the test with Python loops.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from genderbudget import _models as models
from genderbudget._models import (
    coincides_with_sex,
    degenerate_rows,
    fit_logistic,
    fit_logistic_patterns,
    gram_pinv,
    other_sex_target,
    predict_as,
    set_aside_degenerate,
    sex_design,
    standardised_difference,
    standardised_differences,
    varying_factors,
    wls,
    wls_min_norm,
)
from genderbudget._sandwich import hc1_units_stacked

TOL = 1e-8


def _persons(seed: int, size: int = 2000) -> pd.DataFrame:
    """Persons with a sex, a three-level factor and a 0/1 outcome from a logistic model."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["women", "men"], size, p=[0.35, 0.65])
    klass = rng.choice(["a", "b", "c"], size, p=[0.3, 0.5, 0.2])
    logit = -0.3 + 0.5 * (sex == "women") + 0.7 * (klass == "b") - 0.4 * (klass == "c")
    got = (rng.uniform(size=size) < 1.0 / (1.0 + np.exp(-logit))).astype(float)
    return pd.DataFrame({"sex": sex, "klass": klass, "got": got})


def _patterns(persons: pd.DataFrame) -> pd.DataFrame:
    """One row per factor pattern x sex with its persons ``n`` and successes ``sy``."""
    grouped = persons.groupby(["klass", "sex"], sort=True)["got"].agg(["size", "sum"])
    return grouped.rename(columns={"size": "n", "sum": "sy"}).reset_index()


def _row_design(persons: pd.DataFrame) -> np.ndarray:
    """The person-level design written out by hand: 1, women, klass == b, klass == c."""
    return np.column_stack(
        [
            np.ones(len(persons)),
            (persons["sex"] == "women").to_numpy(float),
            (persons["klass"] == "b").to_numpy(float),
            (persons["klass"] == "c").to_numpy(float),
        ]
    )


# --------------------------------------------------------------------------------------------
# Degenerate factors and the design
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("women", "men", "numeric", "expected"),
    [
        (["a", "a"], ["b", "c"], False, True),  # no category shared by the sexes
        (["a", "b"], ["b", "c"], False, False),  # "b" holds both
        ([1.0, 1.0], [2.0], True, True),  # one value per sex: women = 2 - x
        ([1.0, 3.0], [2.0], True, False),  # varies among women: not a function of x
        ([1.0], [1.0], True, False),  # the same value: constant, not sex
    ],
)
def test_a_factor_coincides_with_sex_when_it_tells_women_from_men(
    women: list[object], men: list[object], numeric: bool, expected: bool
) -> None:
    assert coincides_with_sex(women, men, numeric=numeric) is expected


def test_varying_factors_keeps_the_factors_with_more_than_one_value() -> None:
    cell = pd.DataFrame({"a": [1, 1, 1], "b": [1, 2, 1], "c": [None, 1, 1]})
    assert varying_factors(cell, ["a", "b", "c"]) == ["b", "c"]


def test_sex_design_has_intercept_women_and_dummies_but_the_first_level() -> None:
    cell = pd.DataFrame(
        {"sex": ["women", "men", "women", "men"], "k": ["b", "a", "c", "b"], "one": [1] * 4}
    )
    design = sex_design(cell, ["k", "one"])
    # Hand: levels a < b < c, dummies for b and c.
    expected = [[1, 1, 1, 0], [1, 0, 0, 0], [1, 1, 0, 1], [1, 0, 1, 0]]
    np.testing.assert_array_equal(design.matrix, np.asarray(expected, dtype=float))
    assert design.one_level == ["one"]
    assert design.identified


def test_sex_design_says_which_factor_coincides_with_sex_and_which_is_collinear() -> None:
    cell = pd.DataFrame({"sex": ["women", "women", "men"], "unit": ["w1", "w2", "m1"]})
    design = sex_design(cell, ["unit"])
    assert design.coincide == ["unit"]
    assert not design.identified
    assert design.matrix.shape == (3, 0)

    cell = pd.DataFrame(
        {
            "sex": ["women", "men", "women", "men"],
            "k": ["a", "a", "b", "b"],
            "same": ["x", "x", "y", "y"],  # another coding of k
        }
    )
    design = sex_design(cell, ["k", "same"])
    assert design.collinear == ["same"]
    assert design.matrix.shape == (4, 3)
    assert design.identified


def test_sex_design_leaves_out_a_factor_that_with_the_others_adds_nothing() -> None:
    cell = pd.DataFrame(
        {
            "sex": ["women", "women", "men", "men"],
            "k": ["a", "b", "a", "b"],
            "m": ["x", "y", "y", "z"],
        }
    )
    # Hand: columns 1, women, k == b have rank 3 on the four rows; adding m == y and
    # m == z (rows (0, 1, 1, 0) and (0, 0, 0, 1)) would give 5 columns on 4 rows, so m is
    # left out and the women column stays identified.
    design = sex_design(cell, ["k", "m"])
    assert design.coincide == []
    assert design.collinear == ["m"]
    assert design.identified
    np.testing.assert_array_equal(design.matrix[:, 2], [0.0, 1.0, 0.0, 1.0])


def test_set_aside_degenerate_takes_out_levels_where_all_or_none_got_it() -> None:
    cell = pd.DataFrame(
        {
            "sex": ["women", "men", "women", "men", "women", "men"],
            "k": ["a", "a", "b", "b", "c", "c"],
            "n": [10, 20, 5, 5, 8, 12],
            "sy": [4, 9, 0, 0, 8, 12],  # nobody in b, everybody in c
        }
    )
    aside = set_aside_degenerate(cell, ["k"])
    assert aside.tolist() == [False, False, True, True, True, True]


@pytest.mark.parametrize("seed", range(20))
def test_degenerate_rows_of_many_fits_are_each_fits_own(seed: int) -> None:
    # Reference: each fit's rows alone, set aside by a plain loop written here (levels where
    # all or none got it, factor by factor, until nothing changes; a factor whose levels
    # are all degenerate sets nothing aside). Small counts make such levels common, and
    # some fits need more than one round.
    def alone(n: np.ndarray, sy: np.ndarray, codes: list[np.ndarray]) -> np.ndarray:
        aside = np.zeros(len(n), dtype=bool)
        changed = True
        while changed:
            changed = False
            for code in codes:
                levels = sorted(set(code[~aside].tolist()))
                totals = {
                    v: (n[~aside & (code == v)].sum(), sy[~aside & (code == v)].sum())
                    for v in levels
                }
                bad = [v for v in levels if totals[v][1] in (0.0, totals[v][0])]
                if bad and len(bad) < len(levels):
                    hit = np.isin(code, bad) & ~aside
                    if hit.any():
                        aside |= hit
                        changed = True
        return aside

    rng = np.random.default_rng(seed)
    fits = int(rng.integers(1, 8))
    group = np.sort(rng.integers(0, fits, 60))
    n = rng.integers(1, 4, 60).astype(float)
    sy = np.minimum(n, rng.choice([0.0, 1.0, 3.0], 60))
    codes = [rng.integers(0, 3, 60), rng.integers(0, 4, 60)]
    together = degenerate_rows(n, sy, codes, group)
    for fit in range(fits):
        rows = group == fit
        expected = alone(n[rows], sy[rows], [c[rows] for c in codes])
        np.testing.assert_array_equal(together[rows], expected)


# --------------------------------------------------------------------------------------------
# Weighted least squares
# --------------------------------------------------------------------------------------------


def _wls_data(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.column_stack([np.ones(30), rng.normal(size=30), rng.integers(0, 2, 30)])
    w = rng.uniform(0.5, 20.0, 30)
    y = x @ np.array([2.0, -0.5, 1.5]) + rng.normal(size=30)
    return x, w, y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_wls_gives_the_statsmodels_coefficients_and_unscaled_covariance(seed: int) -> None:
    x, w, y = _wls_data(seed)
    params, bread = wls(x, w, w * y)
    reference = sm.WLS(y, x, weights=w).fit()  # statsmodels WLS
    np.testing.assert_allclose(params, reference.params, rtol=0, atol=TOL)
    # statsmodels: normalized_cov_params = (X'WX)^-1
    np.testing.assert_allclose(bread, reference.normalized_cov_params, rtol=TOL, atol=0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_wls_min_norm_matches_lstsq_and_reports_the_null_space(seed: int) -> None:
    x, w, y = _wls_data(seed)
    coef, null, _ = wls_min_norm(x, y, w)
    root = np.sqrt(w)
    expected = np.linalg.lstsq(x * root[:, None], y * root, rcond=None)[0]  # numpy lstsq
    np.testing.assert_allclose(coef, expected, rtol=0, atol=TOL)
    assert null.shape == (3, 0)
    # A column that repeats another: one direction not determined, same fitted values.
    doubled = np.column_stack([x, 2.0 * x[:, 2]])
    coef, null, scale = wls_min_norm(doubled, y, w)
    assert null.shape == (4, 1)
    np.testing.assert_allclose(doubled @ coef, x @ expected, rtol=0, atol=1e-7)
    # The undetermined direction (in scaled coefficients) trades column 2 against column 3.
    direction = null[:, 0] / scale
    assert direction[2] + 2.0 * direction[3] == pytest.approx(0.0, abs=TOL)


@pytest.mark.parametrize("seed", [0, 1])
def test_gram_pinv_is_the_pseudo_inverse_of_the_weighted_gram_matrix(seed: int) -> None:
    x, w, _ = _wls_data(seed)
    inverse, rank = gram_pinv(x, w)
    np.testing.assert_allclose(inverse, np.linalg.pinv((x.T * w) @ x), rtol=1e-7, atol=0)
    assert rank == 3
    doubled = np.column_stack([x, 2.0 * x[:, 2]])
    inverse, rank = gram_pinv(doubled, w)
    gram = (doubled.T * w) @ doubled
    assert rank == 3
    # numpy pinv of the Gram matrix: the same Moore-Penrose inverse up to the column scaling;
    # check the defining identity G G+ G = G instead of the entries.
    np.testing.assert_allclose(gram @ inverse @ gram, gram, rtol=1e-7, atol=1e-6)


def test_hc1_units_stacked_matches_statsmodels_wls_hc1_on_the_unit_rows() -> None:
    rng = np.random.default_rng(5)
    units = pd.DataFrame(
        {
            "sex": rng.choice(["women", "men"], 40),
            "k": rng.choice(["a", "b"], 40),
            "days": rng.uniform(100.0, 3000.0, 40),
        }
    )
    units["cost"] = units["days"] * rng.normal(2500.0, 300.0, 40)
    units["cost"] += 200.0 * units["days"] * (units["sex"] == "women")
    units = units.assign(
        sy=units["cost"],
        sx=units["days"],
        syy=units["cost"] ** 2,
        sxx=units["days"] ** 2,
        sxy=units["cost"] * units["days"],
    )
    patterns = units.groupby(["k", "sex"], sort=True)[["sy", "sx", "syy", "sxx", "sxy"]].sum()
    patterns = patterns.reset_index()
    design = sex_design(patterns, ["k"]).matrix
    sums = [patterns[c].to_numpy()[None, :] for c in ("sx", "sy", "syy", "sxx", "sxy")]
    fit = hc1_units_stacked(design[None, :, :], *sums, np.array([float(len(units))])).fit(0)
    rows = np.column_stack(
        [
            np.ones(len(units)),
            (units["sex"] == "women").to_numpy(float),
            (units["k"] == "b").to_numpy(float),
        ]
    )
    # statsmodels: WLS(cost / days, X, weights=days).fit(cov_type="HC1") on the unit rows.
    reference = sm.WLS(units["cost"] / units["days"], rows, weights=units["days"]).fit(
        cov_type="HC1"
    )
    np.testing.assert_allclose(fit.params, reference.params, rtol=TOL, atol=0)
    np.testing.assert_allclose(fit.cov, reference.cov_params(), rtol=TOL, atol=0)
    assert fit.df[0] == len(units) - 3


# --------------------------------------------------------------------------------------------
# The logistic fit
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_logistic_fit_on_patterns_equals_statsmodels_glm_on_the_persons(seed: int) -> None:
    persons = _persons(seed)
    fit = fit_logistic_patterns(_patterns(persons), ["klass"])
    assert fit.failure is None
    assert fit.logistic is not None
    assert fit.logistic.params is not None
    assert fit.logistic.cov is not None
    assert not fit.logistic.firth
    # statsmodels: GLM(got, X, family=Binomial()) on one row per person.
    reference = sm.GLM(persons["got"], _row_design(persons), family=sm.families.Binomial()).fit(
        tol=1e-13
    )
    np.testing.assert_allclose(fit.logistic.params, reference.params, rtol=0, atol=TOL)
    np.testing.assert_allclose(fit.logistic.cov, reference.cov_params(), rtol=0, atol=TOL)


def test_logistic_fit_with_many_persons_stops_at_the_deviances_rounding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 24 patterns of 20,000-60,000 persons: once converged the deviance moves by a few
    # 1e-12 from rounding alone, so statsmodels' absolute tol=1e-13 is met only by chance
    # (67 steps here). The fit stops at a change of 1e-13 times the size of the deviance's
    # terms instead, a few steps in, at statsmodels' estimate and covariance.
    rng = np.random.default_rng(3)
    sex = np.repeat([0.0, 1.0], 12)
    level = np.tile(np.arange(12), 2)
    design = np.column_stack(
        [np.ones(24), sex, *((level == k).astype(float) for k in range(1, 12))]
    )
    trials = rng.integers(20_000, 60_000, 24).astype(float)
    rate = 1.0 / (1.0 + np.exp(-(-0.3 + 0.2 * sex + 0.05 * level)))
    successes = rng.binomial(trials.astype(np.int64), rate).astype(float)
    # statsmodels: GLM([successes, failures], X, family=Binomial()).fit(tol=1e-13).
    reference = sm.GLM(
        np.column_stack([successes, trials - successes]), design, family=sm.families.Binomial()
    ).fit(tol=1e-13)
    assert reference.fit_history["iteration"] > 20
    evaluations = []
    deviance = models._logistic_deviance

    def counted(*args: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        evaluations.append(1)
        return deviance(*args)

    monkeypatch.setattr(models, "_logistic_deviance", counted)
    fit = fit_logistic(design, successes, trials)
    assert len(evaluations) - 1 <= 6  # the start's deviance, then one a step
    assert fit.params is not None and fit.cov is not None and not fit.firth
    np.testing.assert_allclose(fit.params, reference.params, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fit.cov, reference.cov_params(), rtol=1e-12, atol=0)


@pytest.mark.parametrize("persons", [50.0, 20_000.0])
def test_separation_is_found_with_many_persons_too(persons: float) -> None:
    # Quasi-complete separation no set-aside removes: women of level a all got it, men of
    # level b none, the other two rows mixed (intercept -1, women +1, level a +1 separates).
    # The stop relative to the deviance's size must not end the diverging steps before
    # the separation shows: Firth's fit, as with few persons.
    design = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0], [1.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    trials = np.full(4, persons)
    successes = np.array([persons, 0.4 * persons, 0.6 * persons, 0.0])
    fit = fit_logistic(design, successes, trials)
    assert fit.firth
    assert fit.params is not None


def test_separated_patterns_get_firths_fit() -> None:
    # All 3 women and none of 3 men got it: no maximum-likelihood estimate. Firth's estimate
    # of a saturated 2 x 2 table is the empirical log odds ratio with 1/2 added to each cell
    # (hand: log(3.5 * 3.5 / (0.5 * 0.5)) = log 49).
    design = np.array([[1.0, 0.0], [1.0, 1.0]])
    fit = fit_logistic(design, np.array([0.0, 3.0]), np.array([3.0, 3.0]))
    assert fit.firth
    assert fit.params is not None
    assert fit.params[1] == pytest.approx(math.log(49.0), rel=TOL)


def test_patterns_with_one_sex_left_are_not_fitted() -> None:
    cell = pd.DataFrame(
        {"sex": ["women", "men"], "k": ["a", "b"], "n": [10.0, 10.0], "sy": [3.0, 10.0]}
    )
    fit = fit_logistic_patterns(cell, ["k"])
    assert fit.failure == "one_sex"
    assert fit.set_aside == 10
    assert fit.set_aside_rows == 1


# --------------------------------------------------------------------------------------------
# As a woman, as a man, as the other sex
# --------------------------------------------------------------------------------------------

PARAMS = np.array([-0.2, 0.6, 0.9])
DESIGN = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0], [1.0, 1.0, 1.0], [1.0, 0.0, 1.0]])
COUNTS = np.array([40.0, 60.0, 25.0, 75.0])


def _expit(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def test_predict_as_the_other_sex_flips_the_women_column() -> None:
    other = predict_as(DESIGN, PARAMS, 1.0 - DESIGN[:, 1])
    # Hand: row 0 is a woman with no factor, as a man her logit is -0.2; row 3 is a man with
    # the factor, as a woman his logit is -0.2 + 0.6 + 0.9 = 1.3.
    assert other.rate[0] == pytest.approx(_expit(-0.2), rel=1e-12)
    assert other.rate[3] == pytest.approx(_expit(1.3), rel=1e-12)
    assert other.slope[3] == pytest.approx(_expit(1.3) * (1 - _expit(1.3)), rel=1e-12)
    np.testing.assert_array_equal(other.design[:, 1], [0.0, 1.0, 0.0, 1.0])


def test_standardised_difference_by_hand() -> None:
    cov = np.diag([0.04, 0.09, 0.01])
    estimate, se = standardised_difference(DESIGN, PARAMS, cov, COUNTS, 200.0)
    # Hand: each row's persons as women minus as men, averaged over 200 persons.
    by_hand = 0.0
    gradient = [0.0, 0.0, 0.0]
    for row, n in zip(DESIGN.tolist(), COUNTS.tolist(), strict=True):
        factor = row[2]
        p_w = _expit(-0.2 + 0.6 + 0.9 * factor)
        p_m = _expit(-0.2 + 0.9 * factor)
        by_hand += n * (p_w - p_m) / 200.0
        for j, (xw, xm) in enumerate(zip([1.0, 1.0, factor], [1.0, 0.0, factor], strict=True)):
            gradient[j] += n * (p_w * (1 - p_w) * xw - p_m * (1 - p_m) * xm) / 200.0
    variance = sum(g * g * v for g, v in zip(gradient, [0.04, 0.09, 0.01], strict=True))
    assert estimate == pytest.approx(by_hand, rel=1e-12)
    assert se == pytest.approx(math.sqrt(variance), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_standardised_difference_equals_statsmodels_margeff(seed: int) -> None:
    persons = _persons(seed)
    fit = fit_logistic_patterns(_patterns(persons), ["klass"])
    assert fit.logistic is not None and fit.design is not None and fit.counts is not None
    assert fit.logistic.params is not None and fit.logistic.cov is not None
    estimate, se = standardised_difference(
        fit.design.matrix, fit.logistic.params, fit.logistic.cov, fit.counts, len(persons)
    )
    # statsmodels: Logit(...).get_margeff(at="overall", dummy=True) for the women column.
    reference = sm.Logit(persons["got"], _row_design(persons)).fit(disp=0, tol=1e-12)
    margeff = reference.get_margeff(at="overall", dummy=True)
    assert estimate == pytest.approx(margeff.margeff[0], abs=TOL)
    assert se == pytest.approx(margeff.margeff_se[0], abs=TOL)


def test_standardised_differences_of_padded_fits_are_each_fits_own() -> None:
    # Reference: the hand-checked single fit above, each fit with rows of no persons added.
    rng = np.random.default_rng(3)
    fits, size = 4, 7
    design = np.zeros((fits, size, 3))
    counts = np.zeros((fits, size))
    params = rng.normal(0.0, 0.5, (fits, 3))
    cov = np.stack([np.diag(rng.uniform(0.01, 0.1, 3)) for _ in range(fits)])
    totals = np.zeros(fits)
    expected = []
    for i, rows in enumerate([4, 7, 5, 6]):
        design[i, :rows] = np.column_stack(
            [np.ones(rows), rng.integers(0, 2, rows), rng.integers(0, 2, rows)]
        )
        counts[i, :rows] = rng.integers(1, 50, rows)
        totals[i] = counts[i].sum() + 3.0  # three persons set aside
        expected.append(
            standardised_difference(
                design[i, :rows], params[i], cov[i], counts[i, :rows], totals[i]
            )
        )
    estimates, ses = standardised_differences(design, params, cov, counts, totals)
    np.testing.assert_allclose(estimates, [e for e, _ in expected], rtol=1e-13)
    np.testing.assert_allclose(ses, [s for _, s in expected], rtol=1e-13)


def test_other_sex_target_by_hand() -> None:
    cov = np.array([[0.04, 0.01, 0.0], [0.01, 0.09, -0.01], [0.0, -0.01, 0.02]])
    own = predict_as(DESIGN, PARAMS, DESIGN[:, 1])
    other = predict_as(DESIGN, PARAMS, 1.0 - DESIGN[:, 1])
    rows = np.array([0, 2], dtype=np.int64)  # the women's two patterns
    count, variance = other_sex_target(own, other, cov, rows, COUNTS[rows])
    # Hand: the women as men: 40 * expit(-0.2) + 25 * expit(0.7); a and c the gradients of
    # that count and of their own fitted count, Var = a'Va - 2 a'Vc + sum n p (1 - p).
    p_other = [_expit(-0.2), _expit(0.7)]
    p_own = [_expit(0.4), _expit(1.3)]
    x_other = [[1.0, 0.0, 0.0], [1.0, 0.0, 1.0]]
    x_own = [[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]]
    n = [40.0, 25.0]
    a = [
        sum(n[k] * p_other[k] * (1 - p_other[k]) * x_other[k][j] for k in range(2))
        for j in range(3)
    ]
    c = [sum(n[k] * p_own[k] * (1 - p_own[k]) * x_own[k][j] for k in range(2)) for j in range(3)]

    def quad(u: list[float], v: list[float]) -> float:
        return sum(u[i] * cov[i, j] * v[j] for i in range(3) for j in range(3))

    own_binomial = sum(n[k] * p_own[k] * (1 - p_own[k]) for k in range(2))
    assert count == pytest.approx(40 * p_other[0] + 25 * p_other[1], rel=1e-12)
    assert variance == pytest.approx(quad(a, a) - 2 * quad(a, c) + own_binomial, rel=1e-12)


def test_other_sex_target_of_a_whole_sex_is_the_delta_method_of_the_coefficients() -> None:
    # At the maximum-likelihood fit the sex column's score equation makes V c the unit
    # vector of that column, so sum_S w - c'Vc = 0 and Var = (a - c)' V (a - c).
    persons = _persons(3)
    fit = fit_logistic_patterns(_patterns(persons), ["klass"])
    assert fit.logistic is not None and fit.design is not None and fit.counts is not None
    params, cov = fit.logistic.params, fit.logistic.cov
    assert params is not None and cov is not None
    x = fit.design.matrix
    own = predict_as(x, params, x[:, 1])
    other = predict_as(x, params, 1.0 - x[:, 1])
    rows = np.flatnonzero(x[:, 1] == 1.0)
    _, variance = other_sex_target(own, other, cov, rows, fit.counts[rows])
    a = (fit.counts[rows] * other.slope[rows]) @ other.design[rows]
    c = (fit.counts[rows] * own.slope[rows]) @ own.design[rows]
    assert variance == pytest.approx(float((a - c) @ cov @ (a - c)), rel=1e-7)


def test_a_remembered_design_is_the_design_built_afresh() -> None:
    # design_of remembers designs of numeric codes by their bytes; the remembered one must
    # be the one a fresh build gives, and read-only, for any codes.
    from genderbudget._models import _build_design, design_of

    rng = np.random.default_rng(5)
    for _ in range(20):
        rows = int(rng.integers(4, 12))
        women = rng.integers(0, 2, rows).astype(bool)
        factors = {"a": rng.integers(0, 3, rows), "b": rng.integers(0, 2, rows)}
        first = design_of(women, factors)
        again = design_of(women.copy(), {k: v.copy() for k, v in factors.items()})
        fresh = _build_design(women, factors)
        assert again is first
        np.testing.assert_array_equal(first.matrix, fresh.matrix)
        assert (first.one_level, first.coincide, first.collinear, first.identified) == (
            fresh.one_level,
            fresh.coincide,
            fresh.collinear,
            fresh.identified,
        )
        assert not first.matrix.flags.writeable
    # Text values are not remembered (their bytes are pointers), but give the same design.
    women = np.array([True, False, True, False])
    text = {"a": np.array(["x", "y", "y", "x"], dtype=object)}
    assert design_of(women, text) is not design_of(women, text)


def _design_step_by_step(
    women: np.ndarray, factors: dict[str, np.ndarray]
) -> tuple[np.ndarray, list[str], list[str], list[str], bool]:
    """The design policy written out with numpy.linalg.matrix_rank, one factor at a time.

    The reference for the library's design, which reaches the same answer in fewer SVDs.
    """
    one_level, blocks = [], []
    for name, values in factors.items():
        levels = sorted(set(values.tolist()))
        if len(levels) < 2:
            one_level.append(name)
            continue
        blocks.append((name, np.column_stack([(values == v).astype(float) for v in levels[1:]])))
    coincide = [
        name for name, _ in blocks if not set(factors[name][women]) & set(factors[name][~women])
    ]
    if coincide:
        return np.empty((len(women), 0)), one_level, coincide, [], False
    matrix = np.column_stack([np.ones(len(women)), women.astype(float)])
    collinear = []
    for name, dummies in blocks:
        candidate = np.column_stack([matrix, dummies])
        if np.linalg.matrix_rank(candidate) == candidate.shape[1]:
            matrix = candidate
        else:
            collinear.append(name)
    reduced = np.delete(matrix, 1, axis=1)
    identified = np.linalg.matrix_rank(matrix) > np.linalg.matrix_rank(reduced)
    return matrix, one_level, [], collinear, bool(identified)


def test_the_design_is_the_one_built_factor_by_factor_with_numpys_rank() -> None:
    # Random small designs, many of them collinear (a factor that copies another, levels
    # that follow the pattern of another factor) or with one sex only.
    from genderbudget._models import _build_design

    rng = np.random.default_rng(11)
    kinds = {"full": 0, "collinear": 0, "one sex": 0, "coincide": 0}
    for _ in range(400):
        rows = int(rng.integers(2, 10))
        women = rng.integers(0, 2, rows).astype(bool)
        a = rng.integers(0, 3, rows)
        b = rng.integers(0, 2, rows) if rng.uniform() < 0.5 else a % 2
        factors = {"a": a, "b": b}
        got = _build_design(women, factors)
        matrix, one_level, coincide, collinear, identified = _design_step_by_step(women, factors)
        np.testing.assert_array_equal(got.matrix, matrix)
        assert (got.one_level, got.coincide, got.collinear, got.identified) == (
            one_level,
            coincide,
            collinear,
            identified,
        )
        if coincide:
            kinds["coincide"] += 1
        elif women.all() or not women.any():
            kinds["one sex"] += 1
        elif collinear:
            kinds["collinear"] += 1
        else:
            kinds["full"] += 1
    # Every kind of design was met (one sex alone mostly ends as "coincide": no level is
    # shared by women and men).
    assert min(kinds["full"], kinds["collinear"], kinds["coincide"]) >= 10, kinds
