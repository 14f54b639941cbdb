"""The model toolkit: designs, fits and "as the other sex" predictions on collapsed patterns.

Every adjusted gap of the library is a regression on one row per factor pattern x sex (x
unit) with its counts and sums, never on the person rows. This module holds, once, what
those regressions share:

- the one policy for degenerate factors (:func:`varying_factors`,
  :func:`coincides_with_sex`, :func:`set_aside_degenerate`);
- the design with an intercept, an indicator for women and factor dummies
  (:func:`sex_design`);
- weighted least squares, full rank (:func:`wls`, the bread of the sandwich covariances
  of :mod:`genderbudget._sandwich`) and rank revealing (:func:`wls_min_norm`,
  :func:`gram_pinv`, for the decompositions that must say what the data do not identify);
- the logistic fit on binomial patterns with Firth's penalised likelihood under
  separation (:func:`fit_logistic_patterns`);
- predictions of each pattern's rate as a woman, as a man or as the other sex
  (:func:`predict_as`), the marginally standardised gap (:func:`standardised_difference`)
  and a group's count as the other sex with its variance (:func:`other_sex_target`).

The functions return facts (which factors were left out and why, whether Firth's fit was
needed); the callers put them into words.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from numpy.typing import NDArray
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from genderbudget._firth import firth_logit

__all__ = [
    "Design",
    "LogisticFit",
    "PatternFit",
    "Prediction",
    "coincides_with_sex",
    "fit_logistic",
    "fit_logistic_patterns",
    "gram_pinv",
    "other_sex_target",
    "predict_as",
    "set_aside_degenerate",
    "sex_design",
    "standardised_difference",
    "varying_factors",
    "wls",
    "wls_min_norm",
]

FloatArray = NDArray[np.float64]

# Relative tolerance of the rank decisions, on a design whose columns are scaled to norm 1.
RANK_TOL = 1e-9
# A logistic fit whose rates reach 0 or 1 this closely, or whose coefficients exceed this,
# has separated data: the maximum-likelihood estimate does not exist.
SEPARATED_RATE = 1e-9
SEPARATED_COEF = 25.0

Failure = Literal["one_sex", "not_identified", "error", "no_convergence"]


# --------------------------------------------------------------------------------------------
# Degenerate factors: the one policy
# --------------------------------------------------------------------------------------------


def varying_factors(cell: pd.DataFrame, factors: Sequence[str]) -> list[str]:
    """Return the factors that take more than one value among the women and men of a cell.

    The one policy for degenerate factors: a factor constant within a cell cannot explain
    anything there and is left out (with a note); when none is left, the adjusted comparison
    is the raw one. A factor that coincides with sex is kept here and makes the adjusted gap
    not estimable (see :func:`coincides_with_sex`).
    """
    return [f for f in factors if cell[f].nunique(dropna=False) > 1]


def coincides_with_sex(
    women_values: Sequence[object], men_values: Sequence[object], *, numeric: bool = False
) -> bool:
    """Whether a factor on its own tells women from men exactly.

    A categorical factor does when no value occurs for both sexes (so also when one sex is
    absent); a numeric factor (which enters linearly) when it has one value for all women
    and another for all men. Either way the indicator for women is a function of the
    factor's columns and the intercept, so the gap cannot be separated from the factor.

    Parameters
    ----------
    women_values, men_values : sequence
        The factor's values among the women and among the men (repeats allowed).
    numeric : bool, default False
        Whether the factor enters as a number rather than as categories.

    Returns
    -------
    bool
    """
    in_women = list(dict.fromkeys(women_values))
    in_men = list(dict.fromkeys(men_values))
    if numeric:
        return len(in_women) == 1 and len(in_men) == 1 and in_women[0] != in_men[0]
    return not any(v in in_men for v in in_women)


def set_aside_degenerate(cell: pd.DataFrame, factors: Sequence[str]) -> pd.Series:
    """Rows in factor levels where everybody or nobody (both sexes together) got it.

    Their predicted difference is 0 (the limit of the maximum-likelihood fit), so a rate
    model is fitted without them; repeated until no level of any factor is degenerate.
    """
    aside = pd.Series(False, index=cell.index)
    changed = True
    while changed:
        changed = False
        for factor in factors:
            live = cell.loc[~aside]
            totals = live.groupby(factor, dropna=False, sort=False)[["n", "sy"]].sum()
            degenerate = totals.index[(totals["sy"] == 0) | (totals["sy"] == totals["n"])]
            if len(degenerate) and len(degenerate) < len(totals):
                hit = cell[factor].isin(degenerate) & ~aside
                if hit.any():
                    aside |= hit
                    changed = True
    return aside


# --------------------------------------------------------------------------------------------
# Design: intercept, women, factor dummies
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Design:
    """The design of a gap model on pattern rows, and what happened to each factor.

    Attributes
    ----------
    matrix : numpy.ndarray
        Rows: pattern x sex; columns: intercept, women, one dummy per level but the first of
        each factor kept. No columns when a factor coincides with sex.
    one_level : list of str
        Factors with one level among the rows, left out.
    coincide : list of str
        Factors that on their own tell women from men (the gap is not identified).
    collinear : list of str
        Factors collinear with the factors before them, left out.
    identified : bool
        Whether the women column is identified (False when a factor, or the factors
        together, coincide with sex).
    """

    matrix: FloatArray
    one_level: list[str] = field(default_factory=list)
    coincide: list[str] = field(default_factory=list)
    collinear: list[str] = field(default_factory=list)
    identified: bool = True


def _levels(values: pd.Series) -> list[object]:
    return sorted(pd.unique(values), key=lambda v: (str(type(v)), v))


def sex_design(cell: pd.DataFrame, factors: Sequence[str]) -> Design:
    """Build ``[1, women, dummies]`` for the rows of ``cell`` (columns ``sex`` and factors).

    Factors enter as categories, one dummy per level but the first (levels sorted). A factor
    with one level is left out, a factor that coincides with sex makes the gap not
    identified, a factor collinear with those before it is left out; when the factors
    together tell women from men the gap is not identified either.
    """
    women = (cell["sex"] == "women").to_numpy(dtype=float)
    is_woman = women.astype(bool)
    one_level: list[str] = []
    blocks: list[tuple[str, FloatArray]] = []
    for factor in factors:
        levels = _levels(cell[factor])
        if len(levels) < 2:
            one_level.append(factor)
            continue
        values = cell[factor].to_numpy()
        dummies = np.column_stack([(values == level).astype(float) for level in levels[1:]])
        blocks.append((factor, dummies))
    coincide = [
        factor
        for factor, _ in blocks
        if coincides_with_sex(cell.loc[is_woman, factor], cell.loc[~is_woman, factor])
    ]
    if coincide:
        return Design(np.empty((len(cell), 0)), one_level, coincide, [], identified=False)
    matrix = np.column_stack([np.ones(len(cell)), women])
    collinear = []
    for factor, dummies in blocks:
        candidate = np.column_stack([matrix, dummies])
        if np.linalg.matrix_rank(candidate) == matrix.shape[1] + dummies.shape[1]:
            matrix = candidate
        else:
            collinear.append(factor)
    full = np.asarray(matrix, dtype=float)
    reduced = np.asarray(np.delete(matrix, 1, axis=1), dtype=float)
    identified = bool(np.linalg.matrix_rank(full) > np.linalg.matrix_rank(reduced))
    return Design(full, one_level, [], collinear, identified)


# --------------------------------------------------------------------------------------------
# Weighted least squares
# --------------------------------------------------------------------------------------------


def wls(
    design: FloatArray, weights: FloatArray, weighted_sums: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Weighted least squares of full column rank on rows of sums.

    Parameters
    ----------
    design : numpy.ndarray
        (k, p) design, one row per pattern (x unit).
    weights : numpy.ndarray
        The rows' weights ``w`` (persons, or the summed denominator of a ratio).
    weighted_sums : numpy.ndarray
        The rows' weighted responses ``w * y`` (the summed outcome).

    Returns
    -------
    params : numpy.ndarray
        ``(X'WX)^-1 X'Wy``.
    bread : numpy.ndarray
        ``(X'WX)^-1``, the model-based covariance up to a scale and the bread of a sandwich.
    """
    x = np.asarray(design, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    bread = np.asarray(np.linalg.inv((x.T * w) @ x), dtype=np.float64)
    params = bread @ (x.T @ np.asarray(weighted_sums, dtype=np.float64))
    return params, bread


def _scaled_svd(
    a: FloatArray, *, full_matrices: bool
) -> tuple[FloatArray, FloatArray, FloatArray, int, FloatArray]:
    """SVD of ``a`` with its columns scaled to norm 1: ``u, s, vt``, rank and the scale."""
    scale = np.sqrt((a**2).sum(axis=0))
    scale[scale == 0.0] = 1.0
    u, s, vt = np.linalg.svd(a / scale, full_matrices=full_matrices)
    rank = int((s > RANK_TOL * s[0]).sum()) if s.size and s[0] > 0 else 0
    return u, s, vt, rank, scale


def wls_min_norm(
    x: FloatArray, y: FloatArray, w: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Weighted least squares that reveals what the data do not determine.

    Solved by SVD on columns scaled to norm 1, so a rank-deficient design gets the
    minimum-norm solution (in the scaled coefficients) instead of an error.

    Returns
    -------
    coef : numpy.ndarray
        The coefficients.
    null : numpy.ndarray
        A basis of the directions of the scaled coefficients that the data do not determine
        (no columns at full rank).
    scale : numpy.ndarray
        The column scale: the scaled coefficients are ``coef * scale``.
    """
    root = np.sqrt(w / w.sum())
    a = x * root[:, np.newaxis]
    u, s, vt, rank, scale = _scaled_svd(a, full_matrices=a.shape[0] < a.shape[1])
    delta = vt[:rank].T @ ((u[:, :rank].T @ (y * root)) / s[:rank])
    return delta / scale, vt[rank:].T, scale


def gram_pinv(x: FloatArray, w: FloatArray) -> tuple[FloatArray, int]:
    """Pseudo-inverse of ``x' W x`` (by SVD on norm-1 columns) and the rank of ``x``."""
    a = x * np.sqrt(w)[:, np.newaxis]
    _, s, vt, rank, scale = _scaled_svd(a, full_matrices=False)
    inner = vt[:rank].T @ np.diag(1.0 / s[:rank] ** 2) @ vt[:rank]
    return inner / np.outer(scale, scale), rank


# --------------------------------------------------------------------------------------------
# Logistic fit on binomial patterns, with Firth's penalised likelihood under separation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogisticFit:
    """Coefficients and covariance of a logistic fit, or why there are none.

    ``failure`` is None for a fit, ``"error"`` when the fit raised (the message in
    ``error``) and ``"no_convergence"`` when neither maximum likelihood nor Firth's
    penalised likelihood converged. ``firth`` says the data were separated and the fit is
    Firth's.
    """

    params: FloatArray | None
    cov: FloatArray | None
    firth: bool = False
    failure: Failure | None = None
    error: str = ""


def fit_logistic(design: FloatArray, successes: FloatArray, trials: FloatArray) -> LogisticFit:
    """Fit ``logit p = X b`` on binomial rows; Firth's penalised likelihood under separation.

    statsmodels warns of "perfect prediction" (and divides by zero while checking) whenever
    collapsed cells are fitted exactly (a saturated fit), so separation is judged here
    instead: fitted rates at 0 or 1, diverging coefficients, or no convergence. Then the
    maximum-likelihood estimate does not exist and Firth's penalised likelihood, which always
    has a finite maximum, gives the fit (Heinze & Schemper 2002).
    """
    response = np.column_stack([successes, trials - successes])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = sm.GLM(response, design, family=sm.families.Binomial()).fit(
                tol=1e-13, maxiter=200
            )
        except (np.linalg.LinAlgError, ValueError) as error:
            return LogisticFit(None, None, failure="error", error=str(error))
    problems = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    fitted = np.asarray(fit.fittedvalues)
    params = np.asarray(fit.params)
    separated = bool(
        np.any((fitted < SEPARATED_RATE) | (fitted > 1 - SEPARATED_RATE))
        or np.any(np.abs(params) > SEPARATED_COEF)
    )
    if not (problems or separated or not np.all(np.isfinite(params))):
        return LogisticFit(params, np.asarray(fit.cov_params()))
    firth = firth_logit(design, successes, trials)
    if not firth.converged or not np.all(np.isfinite(firth.params)):
        return LogisticFit(None, None, firth=True, failure="no_convergence")
    return LogisticFit(np.asarray(firth.params), np.asarray(firth.cov), firth=True)


@dataclass(frozen=True)
class PatternFit:
    """A logistic gap model fitted on pattern x sex rows (see :func:`fit_logistic_patterns`).

    Attributes
    ----------
    logistic : LogisticFit or None
        The fit; None when it was not attempted (``failure`` says why).
    design : Design or None
        The design of the fitted rows; None when one sex is missing after the set-aside.
    counts : numpy.ndarray or None
        Persons per fitted row.
    set_aside : int
        Persons in levels where everybody or nobody got it, left out of the fit.
    set_aside_rows : int
        Pattern rows left out for that reason.
    fitted_index : pandas.Index or None
        The rows of the input behind the design rows.
    failure : str or None
        ``"one_sex"``, ``"not_identified"``, or the logistic fit's failure.
    """

    logistic: LogisticFit | None
    design: Design | None
    counts: FloatArray | None
    set_aside: int
    set_aside_rows: int
    fitted_index: pd.Index | None
    failure: Failure | None


def fit_logistic_patterns(cell: pd.DataFrame, factors: Sequence[str]) -> PatternFit:
    """Fit ``logit p = a + b * women + factor dummies`` on pattern x sex rows.

    ``cell`` has one row per factor pattern x sex with ``n`` persons and ``sy`` who got it.
    Levels where everybody or nobody got it are set aside first
    (:func:`set_aside_degenerate`); the design is :func:`sex_design`; the fit
    :func:`fit_logistic`. The same coefficients as a logistic regression on the person
    rows.
    """
    aside = set_aside_degenerate(cell, factors)
    set_aside = int(cell.loc[aside, "n"].sum())
    rows_aside = int(aside.sum())
    fit_cells = cell.loc[~aside]
    if set(fit_cells["sex"]) != {"women", "men"}:
        return PatternFit(None, None, None, set_aside, rows_aside, None, "one_sex")
    design = sex_design(fit_cells, factors)
    if not design.identified:
        return PatternFit(None, design, None, set_aside, rows_aside, None, "not_identified")
    n = fit_cells["n"].to_numpy(dtype=float)
    successes = fit_cells["sy"].to_numpy(dtype=float)
    logistic = fit_logistic(design.matrix, successes, n)
    return PatternFit(logistic, design, n, set_aside, rows_aside, fit_cells.index, logistic.failure)


# --------------------------------------------------------------------------------------------
# As a woman, as a man, as the other sex
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    """Each design row's predicted rate with the women column set to a given value.

    ``design`` is the changed design, ``rate`` the logistic rate ``1 / (1 + exp(-x'b))``
    and ``slope`` its derivative along ``x'b``, ``rate * (1 - rate)``.
    """

    design: FloatArray
    rate: FloatArray
    slope: FloatArray


def predict_as(design: FloatArray, params: FloatArray, women: float | FloatArray) -> Prediction:
    """Predict each row's rate as a woman (``women=1``), a man (0) or per row.

    ``women=1 - design[:, 1]`` predicts every row as the other sex, ``design[:, 1]`` as its
    own.
    """
    changed = np.array(design, dtype=np.float64)
    changed[:, 1] = women
    with np.errstate(over="ignore"):  # exp overflows to inf where the rate is 0 to the last digit
        rate = 1.0 / (1.0 + np.exp(-(changed @ params)))
    return Prediction(changed, rate, rate * (1.0 - rate))


def standardised_difference(
    design: FloatArray, params: FloatArray, cov: FloatArray, counts: FloatArray, total: float
) -> tuple[float, float]:
    """Marginally standardised gap ``mean_i[p(i as a woman)] - mean_i[p(i as a man)]``.

    Parameters
    ----------
    design, params, cov : numpy.ndarray
        A logistic fit on pattern rows (column 1 the women indicator).
    counts : numpy.ndarray
        Persons per row.
    total : float
        Persons the mean is over (those of the rows, and any set aside, whose predicted
        difference is 0).

    Returns
    -------
    estimate, se : float
        The gap and its delta-method standard error, the same quantity and standard error
        as statsmodels ``Logit.get_margeff(at="overall", dummy=True)`` on the person rows.
    """
    woman = predict_as(design, params, 1.0)
    man = predict_as(design, params, 0.0)
    estimate = float(np.sum(counts * (woman.rate - man.rate)) / total)
    gradient = (
        (counts * woman.rate * (1 - woman.rate)) @ woman.design
        - (counts * man.rate * (1 - man.rate)) @ man.design
    ) / total
    # A variance is >= 0; rounding can make a tiny one negative.
    return estimate, float(np.sqrt(max(float(gradient @ cov @ gradient), 0.0)))


def other_sex_target(
    own: Prediction, other: Prediction, cov: FloatArray, rows: NDArray[np.int64], counts: FloatArray
) -> tuple[float, float]:
    r"""Count a group as the other sex, ``sum_k n_k p_k(as the other sex)``, with its variance.

    Parameters
    ----------
    own, other : Prediction
        The fitted rows predicted as their own sex and as the other sex
        (:func:`predict_as`).
    cov : numpy.ndarray
        The model covariance ``V``.
    rows : numpy.ndarray of int
        The group's fitted rows (a row may appear more than once, e.g. per unit).
    counts : numpy.ndarray
        Persons of the group in each of ``rows``.

    Returns
    -------
    count, variance : float
        With ``a = sum n_k w_k^{other} x_k^{other}`` the gradient of the count and ``c = sum
        n_k w_k x_k`` that of the group's own fitted count, the variance of the shortfall
        ``count - observed`` is ``a'Va - 2 a'Vc + sum n_k w_k`` (see
        :func:`genderbudget.equalize`).
    """
    count = float(np.sum(counts * other.rate[rows]))
    a = (counts * other.slope[rows]) @ other.design[rows]
    c = (counts * own.slope[rows]) @ own.design[rows]
    own_variance = float(np.sum(counts * own.slope[rows]))
    return count, float(a @ cov @ a - 2.0 * a @ cov @ c) + own_variance
