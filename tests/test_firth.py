"""Firth's penalised logistic regression: published values, closed forms and equivalences.

References: the Firth estimates and standard errors for the endometrial cancer data of
Heinze & Schemper (2002) as printed in the README of the R package brglm2 (for the logit link
its mean bias reduction is Firth's method); the closed form of a saturated model, the
empirical logit with 1/2 added to successes and failures (Firth 1993, section 3; Heinze &
Schemper 2002, section 2), written out by hand here; statsmodels GLM for the
maximum-likelihood estimate; scipy.optimize on the penalised log-likelihood written out here.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import optimize
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from genderbudget import _firth
from genderbudget._firth import firth_logit

TOL = 1e-8
REFERENCE = Path(__file__).parent / "reference"


def _endometrial() -> tuple[np.ndarray, np.ndarray]:
    data = pd.read_csv(REFERENCE / "endometrial.csv", comment="#")
    design = np.column_stack([np.ones(len(data)), data["NV"], data["PI"], data["EH"]])
    return design, data["HG"].to_numpy(dtype=float)


def test_endometrial_data_as_published() -> None:
    data = pd.read_csv(REFERENCE / "endometrial.csv", comment="#")
    # Heinze & Schemper (2002), section 5: 79 patients, 30 of high histology grade; the 13
    # patients with neovasculization all have a high grade (the quasi-separation).
    assert len(data) == 79
    assert data["HG"].sum() == 30
    assert (data["NV"] == 1).sum() == 13
    assert data.loc[data["NV"] == 1, "HG"].eq(1).all()


def test_endometrial_matches_published_firth_estimates() -> None:
    design, grade = _endometrial()
    fit = firth_logit(design, grade, np.ones(len(grade)))
    # brglm2 README, summary(update(glm(HG ~ NV + PI + EH, family = binomial("logit"),
    # data = endometrial), method = "brglm_fit")): Estimate and Std. Error columns.
    published = {
        "(Intercept)": (3.77456, 1.48869),
        "NV": (2.92927, 1.55076),
        "PI": (-0.03475, 0.03958),
        "EH": (-2.60416, 0.77602),
    }
    estimates = np.array([value[0] for value in published.values()])
    errors = np.array([value[1] for value in published.values()])
    assert fit.converged
    # Printed to 5 decimals: agree to half a unit in the last place.
    np.testing.assert_allclose(fit.params, estimates, rtol=0, atol=5e-6)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.cov)), errors, rtol=0, atol=5e-6)


@pytest.mark.parametrize(
    ("men", "women"),
    [
        ((3.0, 10.0), (7.0, 12.0)),  # no separation
        ((0.0, 3.0), (3.0, 3.0)),  # complete separation
        ((0.0, 25.0), (4.0, 9.0)),  # quasi-complete: no man got it
        ((40.0, 40.0), (1.0, 55.0)),  # quasi-complete: every man got it
        ((2.5, 7.25), (6.0, 6.5)),  # trials that are not whole numbers
    ],
)
def test_saturated_two_by_two_is_logit_with_half_added(
    men: tuple[float, float], women: tuple[float, float]
) -> None:
    (y0, n0), (y1, n1) = men, women
    design = np.array([[1.0, 0.0], [1.0, 1.0]])  # intercept, women
    fit = firth_logit(design, np.array([y0, y1]), np.array([n0, n1]))
    # Hand computation: in a saturated model every hat value is 1, so the modified score
    # y - n mu + (1/2 - mu) = 0 gives mu = (y + 1/2) / (n + 1) in each cell.
    logit0 = np.log((y0 + 0.5) / (n0 - y0 + 0.5))
    logit1 = np.log((y1 + 0.5) / (n1 - y1 + 0.5))
    mu0, mu1 = (y0 + 0.5) / (n0 + 1.0), (y1 + 0.5) / (n1 + 1.0)
    w0, w1 = n0 * mu0 * (1.0 - mu0), n1 * mu1 * (1.0 - mu1)
    # Inverse of [[w0 + w1, w1], [w1, w1]], written out.
    cov = np.array([[1.0 / w0, -1.0 / w0], [-1.0 / w0, 1.0 / w0 + 1.0 / w1]])
    # Binomial log-likelihood without binomial coefficients plus half the log determinant
    # of the information, whose determinant is w0 * w1.
    loglik = y0 * np.log(mu0) + (n0 - y0) * np.log(1 - mu0)
    loglik += y1 * np.log(mu1) + (n1 - y1) * np.log(1 - mu1)
    assert fit.converged
    np.testing.assert_allclose(fit.params, [logit0, logit1 - logit0], rtol=0, atol=TOL)
    np.testing.assert_allclose(fit.cov, cov, rtol=TOL, atol=0)
    assert fit.penalised_loglik == pytest.approx(loglik + 0.5 * np.log(w0 * w1), abs=TOL)


def _cells(seed: int, separated: bool) -> pd.DataFrame:
    """Collapsed cells: one row per level of a 3-level factor x sex, with counts."""
    rng = np.random.default_rng(seed)
    rows = []
    for level in range(3):
        for women in (0, 1):
            n = int(rng.integers(4, 15))
            p = 1 / (1 + np.exp(-(-0.4 + 0.6 * women + 0.5 * level)))
            rows.append({"level": level, "women": women, "n": n, "sy": int(rng.binomial(n, p))})
    cells = pd.DataFrame(rows)
    if separated:
        # Everybody of the women at level 0 got it, none of the men at levels 1 and 2:
        # quasi-complete separation along b = (0, 1, -1, -1), so the maximum-likelihood
        # estimate does not exist.
        first = (cells["level"] == 0) & (cells["women"] == 1)
        cells.loc[first, "sy"] = cells.loc[first, "n"]
        rest = (cells["level"] > 0) & (cells["women"] == 0)
        cells.loc[rest, "sy"] = 0
    return cells


def _design(cells: pd.DataFrame) -> np.ndarray:
    level = cells["level"].to_numpy()
    return np.column_stack([np.ones(len(cells)), cells["women"], level == 1, level == 2]).astype(
        float
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("separated", [False, True])
def test_grouped_cells_equal_rows_expanded_one_per_trial(seed: int, separated: bool) -> None:
    cells = _cells(seed, separated)
    design = _design(cells)
    n, sy = cells["n"].to_numpy(), cells["sy"].to_numpy()
    grouped = firth_logit(design, sy.astype(float), n.astype(float))
    # The same data, one row per person: sy rows with outcome 1 and n - sy with outcome 0.
    expanded_design = np.repeat(design, n, axis=0)
    within = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)  # position inside its cell
    outcome = (within < np.repeat(sy, n)).astype(float)
    rows = firth_logit(expanded_design, outcome, np.ones(len(outcome)))
    assert grouped.converged and rows.converged
    np.testing.assert_allclose(grouped.params, rows.params, rtol=0, atol=TOL)
    np.testing.assert_allclose(grouped.cov, rows.cov, rtol=0, atol=TOL)
    assert grouped.penalised_loglik == pytest.approx(rows.penalised_loglik, abs=TOL)


def _penalised_loglik(beta: np.ndarray, x: np.ndarray, y: np.ndarray, n: np.ndarray) -> float:
    """Firth (1993), eq. (2) for the logit link: l(b) + log det(X' W X) / 2."""
    mu = 1.0 / (1.0 + np.exp(-(x @ beta)))
    information = x.T @ np.diag(n * mu * (1.0 - mu)) @ x
    sign, log_det = np.linalg.slogdet(information)
    loglik = np.sum(y * np.log(mu) + (n - y) * np.log(1.0 - mu))
    return float(loglik + 0.5 * log_det) if sign > 0 else -np.inf


@pytest.mark.parametrize("seed", [3, 4])
def test_separated_cells_give_the_maximum_of_the_penalised_likelihood(seed: int) -> None:
    cells = _cells(seed, separated=True)
    x = _design(cells)
    y, n = cells["sy"].to_numpy(float), cells["n"].to_numpy(float)
    fit = firth_logit(x, y, n)
    assert fit.converged
    assert np.all(np.isfinite(fit.params)) and np.all(np.isfinite(fit.cov))
    # The reported value is the penalised log-likelihood written out above.
    assert fit.penalised_loglik == pytest.approx(_penalised_loglik(fit.params, x, y, n), abs=TOL)
    # scipy: a general-purpose optimiser on that function finds the same maximum.
    best = optimize.minimize(
        lambda b: -_penalised_loglik(b, x, y, n),
        np.zeros(x.shape[1]),
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 40_000, "maxfev": 40_000},
    )
    assert -best.fun <= fit.penalised_loglik + 1e-10
    np.testing.assert_allclose(fit.params, best.x, rtol=0, atol=1e-5)


def test_separated_cells_where_maximum_likelihood_diverges() -> None:
    cells = _cells(5, separated=True)
    x = _design(cells)
    y, n = cells["sy"].to_numpy(float), cells["n"].to_numpy(float)
    # statsmodels: the maximum-likelihood iterations run off towards infinity.
    glm = sm.GLM(np.column_stack([y, n - y]), x, family=sm.families.Binomial())
    with pytest.warns(PerfectSeparationWarning):
        mle = glm.fit(maxiter=100)
    fit = firth_logit(x, y, n)
    assert fit.converged
    assert np.max(np.abs(mle.params)) > 15
    assert np.max(np.abs(fit.params)) < 10
    assert np.all(np.diag(fit.cov) > 0)


def _open_cells() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells with no separation: intercept, women, a two-level factor, some 70 persons."""
    x = np.array([[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1]], dtype=float)
    y = np.array([4.0, 9.0, 7.0, 12.0])
    n = np.array([15.0, 17.0, 19.0, 18.0])
    return x, y, n


def _mle(x: np.ndarray, y: np.ndarray, n: np.ndarray) -> np.ndarray:
    fit = sm.GLM(np.column_stack([y, n - y]), x, family=sm.families.Binomial()).fit(tol=1e-14)
    return np.asarray(fit.params)


def test_firth_is_near_but_not_equal_to_maximum_likelihood() -> None:
    x, y, n = _open_cells()
    mle = _mle(x, y, n)  # statsmodels GLM Binomial
    fit = firth_logit(x, y, n)
    difference = np.abs(fit.params - mle)
    assert fit.converged
    assert difference.max() > 1e-3  # not the maximum-likelihood estimate ...
    assert difference.max() < 0.5 * np.sqrt(np.diag(fit.cov)).min()  # ... but close to it
    # Firth (1993): the penalty pulls the estimates towards zero (here, every coefficient).
    assert np.all(np.abs(fit.params) < np.abs(mle))


def test_difference_from_maximum_likelihood_shrinks_with_sample_size() -> None:
    x, y, n = _open_cells()
    mle = _mle(x, y, n)  # statsmodels; the same rates at every multiple of the counts
    gaps = []
    for multiple in (1, 10, 100):
        np.testing.assert_allclose(_mle(x, multiple * y, multiple * n), mle, atol=1e-9)
        fit = firth_logit(x, multiple * y, multiple * n)
        gaps.append(np.abs(fit.params - mle).max())
    # The bias removed is of order 1/n (Firth 1993): ten times the data, about a tenth.
    assert gaps[0] > gaps[1] > gaps[2] > 0
    assert 5 < gaps[0] / gaps[1] < 20
    assert 5 < gaps[1] / gaps[2] < 20


def test_no_convergence_is_reported_not_hidden() -> None:
    design, grade = _endometrial()
    fit = firth_logit(design, grade, np.ones(len(grade)), max_iter=2)
    assert fit.iterations == 2
    assert not fit.converged
    assert np.all(np.isfinite(fit.params))


def _message(template: str, **values: object) -> str:
    return re.escape(template.format(**values))


GOOD_X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 1.0]])
GOOD_Y = np.array([1.0, 2.0, 0.0])
GOOD_N = np.array([3.0, 4.0, 2.0])


@pytest.mark.parametrize(
    ("design", "successes", "trials", "match"),
    [
        (np.ones(3), GOOD_Y, GOOD_N, _message(_firth.ERROR_DESIGN_SHAPE, shape=(3,))),
        (
            GOOD_X,
            GOOD_Y[:2],
            GOOD_N,
            _message(_firth.ERROR_COUNT_SHAPE, name="successes", rows=3, shape=(2,)),
        ),
        (
            GOOD_X,
            GOOD_Y,
            GOOD_N[:, None],
            _message(_firth.ERROR_COUNT_SHAPE, name="trials", rows=3, shape=(3, 1)),
        ),
        (
            np.array([[1.0, 0.0], [1.0, np.inf], [1.0, 1.0]]),
            GOOD_Y,
            GOOD_N,
            _message(_firth.ERROR_NOT_FINITE, name="design", rows="1", values="inf"),
        ),
        (
            GOOD_X,
            np.array([1.0, np.nan, 0.0]),
            GOOD_N,
            _message(_firth.ERROR_NOT_FINITE, name="successes", rows="1", values="nan"),
        ),
        (
            GOOD_X,
            np.array([-1.0, 2.0, 0.0]),
            GOOD_N,
            _message(_firth.ERROR_NEGATIVE_SUCCESSES, rows="0", values="-1"),
        ),
        (
            GOOD_X,
            np.array([0.0, 2.0, 0.0]),
            np.array([3.0, 4.0, 0.0]),
            _message(_firth.ERROR_TRIALS_NOT_POSITIVE, rows="2", values="0"),
        ),
        (
            GOOD_X,
            np.array([1.0, 5.0, 3.0]),
            GOOD_N,
            _message(_firth.ERROR_SUCCESSES_EXCEED, rows="1, 2", successes="5, 3", trials="4, 2"),
        ),
        (
            np.array([[1.0, 0.0, 1.0], [1.0, 1.0, 0.0], [1.0, 1.0, 0.0]]),
            GOOD_Y,
            GOOD_N,
            _message(_firth.ERROR_RANK, rank=2, columns=3),
        ),
    ],
    ids=[
        "design-1d",
        "successes-length",
        "trials-2d",
        "design-inf",
        "successes-nan",
        "successes-negative",
        "trials-zero",
        "successes-exceed",
        "rank-deficient",
    ],
)
def test_bad_input_is_refused_with_the_fix(
    design: np.ndarray, successes: np.ndarray, trials: np.ndarray, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        firth_logit(design, successes, trials)


def test_design_too_badly_scaled_for_the_information_matrix_is_refused() -> None:
    x = np.array([[1.0, 0.0], [1.0, 1e160], [1.0, 2e160]])  # X' W X overflows to infinity
    with pytest.raises(ValueError, match=_message(_firth.ERROR_ILL_CONDITIONED, columns=2)):
        firth_logit(x, GOOD_Y, GOOD_N)


def test_many_offending_rows_are_counted_not_all_listed() -> None:
    x = np.column_stack([np.ones(8), np.arange(8.0)])
    with pytest.raises(ValueError, match=re.escape("rows 0, 1, 2, 3, 4 and 3 more have")):
        firth_logit(x, np.zeros(8), np.zeros(8))


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"tol": 0.0}, _message(_firth.ERROR_TOL, value=0.0)),
        ({"tol": float("nan")}, _message(_firth.ERROR_TOL, value=float("nan"))),
        ({"max_iter": 0}, _message(_firth.ERROR_MAX_ITER, value=0)),
        ({"max_iter": 2.5}, _message(_firth.ERROR_MAX_ITER, value=2.5)),
    ],
)
def test_bad_options_are_refused(options: dict[str, float], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        firth_logit(GOOD_X, GOOD_Y, GOOD_N, **options)
