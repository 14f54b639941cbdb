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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from genderbudget._firth import firth_logit

__all__ = [
    "Design",
    "LogisticFit",
    "PatternFit",
    "Prediction",
    "PreparedPatterns",
    "coincides_with_sex",
    "degenerate_rows",
    "design_of",
    "fit_logistic",
    "fit_logistic_patterns",
    "fit_logistic_stacked",
    "gram_pinv",
    "level_codes",
    "other_sex_target",
    "predict_as",
    "prepare_patterns",
    "row_quadratic",
    "set_aside_degenerate",
    "sex_design",
    "standardised_difference",
    "standardised_differences",
    "varying_codes",
    "varying_factors",
    "weighted_gram",
    "wls",
    "wls_min_norm",
    "wls_stacked",
]

FloatArray = NDArray[np.float64]

# Relative tolerance of the rank decisions, on a design whose columns are scaled to norm 1.
RANK_TOL = 1e-9
# A logistic fit whose rates reach 0 or 1 this closely, or whose coefficients exceed this,
# has separated data: the maximum-likelihood estimate does not exist.
SEPARATED_RATE = 1e-9
SEPARATED_COEF = 25.0
# The maximum-likelihood steps stop when the deviance changes by at most this times the
# larger of 1 and the size of its terms (see _irls), or after this many steps (statsmodels'
# GLM fit with tol=1e-13, maxiter=200, when the terms add up to at most 1).
LOGISTIC_TOL = 1e-13
LOGISTIC_MAXITER = 200

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
    return varying_codes({f: pd.factorize(cell[f], use_na_sentinel=False)[0] for f in factors})


def varying_codes(codes: Mapping[str, NDArray[np.int64]]) -> list[str]:
    """:func:`varying_factors` from each factor's integer codes."""
    return [f for f, code in codes.items() if len(code) and bool(np.any(code != code[0]))]


def coincides_with_sex(
    women_values: Sequence[object] | np.ndarray,
    men_values: Sequence[object] | np.ndarray,
    *,
    numeric: bool = False,
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
    if (
        not numeric
        and isinstance(women_values, np.ndarray)
        and isinstance(men_values, np.ndarray)
        and women_values.dtype.kind in "biu"
        and men_values.dtype.kind in "biu"
    ):  # integer codes: no value shared
        return np.intersect1d(women_values, men_values).size == 0
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
    codes = [pd.factorize(cell[f], use_na_sentinel=False)[0] for f in factors]
    n = cell["n"].to_numpy(dtype=float)
    sy = cell["sy"].to_numpy(dtype=float)
    return pd.Series(degenerate_rows(n, sy, codes), index=cell.index)


def degenerate_rows(
    n: FloatArray,
    sy: FloatArray,
    codes: Sequence[NDArray[np.int64]],
    group: NDArray[np.int64] | None = None,
) -> NDArray[np.bool_]:
    """Find the rows :func:`set_aside_degenerate` sets aside, from arrays.

    ``codes`` holds each factor's level as an integer code (0, 1, ...) per row. With
    ``group`` (each row's fit, from 0) the rows of many fits are looked at together, each
    fit's levels on their own: every fit gets the rows it would get alone. A factor with one
    level in a fit sets nothing aside there, so it may be passed for every fit.
    """
    aside = np.zeros(len(n), dtype=bool)
    if not len(n):
        return aside
    if group is None:
        group = np.zeros(len(n), dtype=np.int64)
    groups = int(group.max()) + 1
    changed = True
    while changed:
        changed = False
        for code in codes:
            live = ~aside
            size = int(code.max()) + 1
            key = group * size + code
            cells = groups * size
            present = np.bincount(key[live], minlength=cells) > 0
            total_n = np.bincount(key[live], weights=n[live], minlength=cells)
            total_sy = np.bincount(key[live], weights=sy[live], minlength=cells)
            degenerate = present & ((total_sy == 0) | (total_sy == total_n))
            found = degenerate.reshape(groups, size).sum(axis=1)
            levels = present.reshape(groups, size).sum(axis=1)
            acting = (found > 0) & (found < levels)
            hit = degenerate[key] & live & acting[group]
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


def _levels(values: FloatArray | pd.Series) -> list[object]:
    array = np.asarray(values)
    if array.dtype.kind in "iu" and array.size and 0 <= array.min() and array.max() < 4096:
        # Small non-negative integers (level codes): the levels present, in order.
        return list(np.flatnonzero(np.bincount(array)).astype(array.dtype))
    if array.dtype.kind in "biu":  # one type, so sorted by value alone
        return list(np.unique(array))
    return sorted(pd.unique(array), key=lambda v: (str(type(v)), v))


def level_codes(values: np.ndarray) -> NDArray[np.int64]:
    """Each value's position among the sorted levels of ``values``.

    A design built from these codes (:func:`design_of`) is the design of the values, in any
    subset of the rows.
    """
    index = pd.Index(_levels(values), dtype=object)
    return np.asarray(index.get_indexer(pd.Index(values, dtype=object)), dtype=np.int64)


def sex_design(cell: pd.DataFrame, factors: Sequence[str]) -> Design:
    """Build ``[1, women, dummies]`` for the rows of ``cell`` (columns ``sex`` and factors).

    Factors enter as categories, one dummy per level but the first (levels sorted). A factor
    with one level is left out, a factor that coincides with sex makes the gap not
    identified, a factor collinear with those before it is left out; when the factors
    together tell women from men the gap is not identified either. The same design as
    :func:`design_of` on the columns as arrays.
    """
    women = cell["sex"].to_numpy() == "women"
    return design_of(women, {f: cell[f].to_numpy() for f in factors})


_DESIGNS: dict[tuple[object, ...], Design] = {}
_DESIGNS_KEPT = 2048  # designs remembered (a few kB each); forgotten all at once beyond


def design_of(women: NDArray[np.bool_], factors: Mapping[str, np.ndarray]) -> Design:
    """Build the design of :func:`sex_design` from who is a woman and each factor's values.

    Integer codes that follow the sorted levels give the same design as the values. The
    cells of a breakdown often have the same patterns: a design of numeric values is
    remembered by the values' bytes and built once (its matrix is read-only).
    """
    is_woman = np.asarray(women, dtype=bool)
    key = _design_key(is_woman, factors)
    if key is not None:
        found = _DESIGNS.get(key)
        if found is not None:
            return found
    design = _build_design(is_woman, factors)
    if key is not None:
        design.matrix.setflags(write=False)
        if len(_DESIGNS) >= _DESIGNS_KEPT:
            _DESIGNS.clear()
        _DESIGNS[key] = design
    return design


def _design_key(
    is_woman: NDArray[np.bool_], factors: Mapping[str, np.ndarray]
) -> tuple[object, ...] | None:
    """Identify a design by the bytes of its inputs; None when a factor is not numeric."""
    parts: list[object] = [is_woman.tobytes()]
    for name, values in factors.items():
        array = np.asarray(values)
        if array.dtype.kind not in "biuf":
            return None
        parts.append((name, array.dtype.str, array.shape, array.tobytes()))
    return tuple(parts)


def _build_design(is_woman: NDArray[np.bool_], factors: Mapping[str, np.ndarray]) -> Design:
    """Build the design of :func:`design_of` (not remembered)."""
    one_level: list[str] = []
    blocks: list[tuple[str, FloatArray]] = []
    for factor, values in factors.items():
        levels = _levels(values)
        if len(levels) < 2:
            one_level.append(factor)
            continue
        array = np.asarray(values)
        if array.dtype.kind in "biu":  # one comparison for all levels
            wanted = np.asarray(levels[1:], dtype=array.dtype)
            dummies = (array[:, None] == wanted[None, :]).astype(float)
        else:
            dummies = np.column_stack([(values == level).astype(float) for level in levels[1:]])
        blocks.append((factor, dummies))
    coincide = [
        factor
        for factor, _ in blocks
        if coincides_with_sex(factors[factor][is_woman], factors[factor][~is_woman])
    ]
    if coincide:
        return Design(np.empty((len(is_woman), 0)), one_level, coincide, [], identified=False)
    matrix = np.column_stack([np.ones(len(is_woman)), is_woman.astype(float)])
    both = bool(is_woman.any() and (~is_woman).any())
    if both:
        # The usual case in one SVD: when all the columns together have full rank, so has
        # every prefix of them and the design without the women column (each a column
        # subset, whose smallest singular value is no smaller and whose tolerance is no
        # larger), so every factor is kept and the gap is identified, as the steps below
        # would find one by one.
        whole = np.column_stack([matrix, *(dummies for _, dummies in blocks)])
        if _rank(whole) == whole.shape[1]:
            return Design(np.asarray(whole, dtype=float), one_level, [], [], identified=True)
    collinear = []
    for factor, dummies in blocks:
        candidate = np.column_stack([matrix, dummies])
        if _rank(candidate) == matrix.shape[1] + dummies.shape[1]:
            matrix = candidate
        else:
            collinear.append(factor)
    full = np.asarray(matrix, dtype=float)
    reduced = np.asarray(np.delete(matrix, 1, axis=1), dtype=float)
    # With both sexes the intercept and the women column are independent, and every block
    # was kept only if the columns stayed independent: the design has full column rank.
    full_rank = full.shape[1] if both else _rank(full)
    identified = bool(full_rank > _rank(reduced))
    return Design(full, one_level, [], collinear, identified)


def _rank(matrix: FloatArray) -> int:
    """Return the rank as :func:`numpy.linalg.matrix_rank` finds it, with its tolerance.

    Singular values above ``max(singular values) * max(shape) * eps``; without the checks
    and broadcasting of the numpy function, which cost more than the SVD of a design here.
    """
    if matrix.size == 0:
        return 0
    values = np.linalg.svd(matrix, compute_uv=False)
    return int(np.count_nonzero(values > values.max() * max(matrix.shape) * np.finfo(float).eps))


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


def weighted_gram(design: FloatArray, weights: FloatArray | None = None) -> FloatArray:
    """``X' diag(w) X`` of every stacked design, by batched matrix products.

    ``design`` is (..., rows, p) and ``weights`` (..., rows) (all ones when None); returns
    (..., p, p). The same as ``einsum("frk,fr,frl->fkl", ...)``, many times faster.
    """
    transposed = np.swapaxes(design, -1, -2)
    if weights is not None:
        transposed = transposed * weights[..., np.newaxis, :]
    return np.asarray(transposed @ design, dtype=np.float64)


def row_quadratic(design: FloatArray, matrix: FloatArray) -> FloatArray:
    """``x_r' M x_r`` of every row of every stacked design: (..., rows, p) -> (..., rows)."""
    return np.asarray(np.sum((design @ matrix) * design, axis=-1), dtype=np.float64)


def wls_stacked(
    design: FloatArray, weights: FloatArray, weighted_sums: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Many weighted least-squares fits at once, each as :func:`wls` would do it.

    Parameters
    ----------
    design : numpy.ndarray
        (fits, rows, p): each fit's design, padded with rows of weight 0 to a common length.
    weights, weighted_sums : numpy.ndarray
        (fits, rows): the rows' weights and weighted responses (0 in the padding).

    Returns
    -------
    params : numpy.ndarray
        (fits, p).
    bread : numpy.ndarray
        (fits, p, p), each fit's ``(X'WX)^-1``.

    Raises
    ------
    numpy.linalg.LinAlgError
        When a fit's weighted cross-product is singular (as :func:`wls` raises).
    """
    x = np.asarray(design, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    gram = weighted_gram(x, w)
    bread = np.asarray(np.linalg.inv(gram), dtype=np.float64)
    moment = np.einsum("frk,fr->fk", x, np.asarray(weighted_sums, dtype=np.float64))
    return np.einsum("fkl,fl->fk", bread, moment), bread


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


def _logistic_deviance(
    rate: FloatArray, fitted: FloatArray, trials: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Binomial deviance of each stacked fit (the last axis holds the rows), and its size.

    Ratios are floored at machine epsilon as statsmodels' ``Binomial`` family does, so the
    deviance, and with it the stopping rule, is theirs. The size is the sum of the absolute
    values of the deviance's terms, which bounds its rounding error (a few machine epsilons
    of it in practice).
    """
    eps = np.finfo(float).eps
    own = rate * np.log(np.clip(rate / (fitted + 1e-20), eps, np.inf))
    other = (1.0 - rate) * np.log(np.clip((1.0 - rate) / (1.0 - fitted + 1e-20), eps, np.inf))
    deviance = np.sum(2.0 * trials * (own + other), axis=-1)
    size = np.sum(2.0 * trials * (np.abs(own) + np.abs(other)), axis=-1)
    return np.asarray(deviance), np.asarray(size)


def _irls(
    design: FloatArray, successes: FloatArray, trials: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Maximum likelihood of stacked logistic fits by iteratively reweighted least squares.

    ``design`` is (cells, rows, p), ``successes`` and ``trials`` (cells, rows); rows with no
    trials (padding) weigh nothing. Each fit follows statsmodels' ``GLM(...).fit(tol=1e-13,
    maxiter=200)`` step for step: the start ``(y + 1/2) / 2``, weighted least squares on the
    working response, and a stop when the deviance changes by at most ``LOGISTIC_TOL``; a
    fit that has stopped is not moved by the others. The covariance is ``(X'WX)^-1`` with the
    weights of the last step, as statsmodels reports it.

    One difference: when the deviance's terms add up to more than 1 in absolute value, the
    stop is at a change of ``LOGISTIC_TOL`` times that size. The rounding error of the
    deviance is then above 1e-13 (with tens of thousands of persons a cell, a few 1e-12
    once converged), so a change under 1e-13 comes by chance: statsmodels steps on, up to
    ``maxiter``, without moving the estimate. Near the maximum the change in deviance is
    the squared distance to it in standard errors, so the stop is at most
    ``sqrt(1e-13 * size)`` standard errors out, and the step taken then squares that.

    Returns
    -------
    params, cov, fitted : numpy.ndarray
        (cells, p), (cells, p, p) and the fitted rates (cells, rows).

    Raises
    ------
    numpy.linalg.LinAlgError
        When a step's weighted cross-product is singular.
    """
    eps = np.finfo(float).eps
    cells, _, p = design.shape
    rate = np.divide(successes, trials, out=np.zeros_like(successes), where=trials > 0)
    start = np.clip((rate + 0.5) / 2.0, eps, 1.0 - eps)
    fitted = (rate + 0.5) / 2.0
    linear = np.log(start / (1.0 - start))
    deviance, _ = _logistic_deviance(rate, fitted, trials)
    params = np.zeros((cells, p))
    cov = np.zeros((cells, p, p))
    active = np.ones(cells, dtype=bool)
    for _ in range(LOGISTIC_MAXITER):
        at = np.flatnonzero(active)
        if not at.size:
            break
        x = design[at]
        clipped = np.clip(fitted[at], eps, 1.0 - eps)
        variance = clipped * (1.0 - clipped)
        slope = 1.0 / variance  # d logit(p) / dp
        weight = trials[at] * (1.0 / (slope**2 * variance))
        working = linear[at] + slope * (rate[at] - fitted[at])
        gram = weighted_gram(x, weight)
        inverse = np.linalg.inv(gram)
        step = np.einsum("ckl,cl->ck", inverse, np.einsum("crk,cr->ck", x, weight * working))
        new_linear = np.einsum("crk,ck->cr", x, step)
        new_fitted = 1.0 / (1.0 + np.exp(-new_linear))
        new_deviance, size = _logistic_deviance(rate[at], new_fitted, trials[at])
        done = np.abs(new_deviance - deviance[at]) <= LOGISTIC_TOL * np.maximum(size, 1.0)
        params[at], cov[at], linear[at], fitted[at] = step, inverse, new_linear, new_fitted
        deviance[at] = new_deviance
        active[at[done]] = False
    return params, cov, fitted


def _separated(params: FloatArray, fitted: FloatArray) -> NDArray[np.bool_]:
    """Whether each stacked maximum-likelihood fit shows separation (see :func:`fit_logistic`).

    ``params`` is (fits, p) and ``fitted`` (fits, rows), padding rows set to a rate of 1/2.
    """
    extreme = np.any((fitted < SEPARATED_RATE) | (fitted > 1 - SEPARATED_RATE), axis=1)
    diverging = np.any(np.abs(params) > SEPARATED_COEF, axis=1)
    return np.asarray(extreme | diverging | ~np.all(np.isfinite(params), axis=1), dtype=bool)


def _firth_fit(design: FloatArray, successes: FloatArray, trials: FloatArray) -> LogisticFit:
    firth = firth_logit(design, successes, trials)
    if not firth.converged or not np.all(np.isfinite(firth.params)):
        return LogisticFit(None, None, firth=True, failure="no_convergence")
    return LogisticFit(np.asarray(firth.params), np.asarray(firth.cov), firth=True)


def fit_logistic(design: FloatArray, successes: FloatArray, trials: FloatArray) -> LogisticFit:
    """Fit ``logit p = X b`` on binomial rows; Firth's penalised likelihood under separation.

    Collapsed cells are often fitted exactly (a saturated fit), so separation is judged
    from the fit: fitted rates at 0 or 1, or diverging coefficients. Then the
    maximum-likelihood estimate does not exist and Firth's penalised likelihood, which always
    has a finite maximum, gives the fit (Heinze & Schemper 2002). The same fit as
    :func:`fit_logistic_stacked` with one fit in the stack.
    """
    rows = np.array([len(trials)])
    return fit_logistic_stacked(
        design[np.newaxis], successes[np.newaxis], trials[np.newaxis], rows
    )[0]


def fit_logistic_stacked(
    design: FloatArray, successes: FloatArray, trials: FloatArray, rows: NDArray[np.int64]
) -> list[LogisticFit]:
    """Fit many logistic models at once, each as :func:`fit_logistic` would.

    Parameters
    ----------
    design : numpy.ndarray
        (fits, rows, p): each fit's design, padded with zero rows to a common length.
    successes, trials : numpy.ndarray
        (fits, rows): each row's successes and trials (0 in the padding).
    rows : numpy.ndarray of int
        The number of real rows of each fit (the padding comes after them).

    Returns
    -------
    list of LogisticFit
        One per fit. Maximum likelihood runs for all fits together
        (:func:`_irls`); a fit with separation gets Firth's fit on its own rows, and when
        the joint steps meet a singular matrix each fit is done on its own, so one fit's
        failure is reported for it alone.
    """
    x = np.asarray(design, dtype=np.float64)
    y = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    try:
        with np.errstate(all="ignore"):
            params, cov, fitted = _irls(x, y, n)
    except np.linalg.LinAlgError as error:
        if len(x) == 1:
            return [LogisticFit(None, None, failure="error", error=str(error))]
        return [
            fit_logistic_stacked(x[i : i + 1], y[i : i + 1], n[i : i + 1], rows[i : i + 1])[0]
            for i in range(len(x))
        ]
    real = np.arange(x.shape[1])[np.newaxis, :] < np.asarray(rows)[:, np.newaxis]
    separated = _separated(params, np.where(real, fitted, 0.5))
    fits = []
    for i, size in enumerate(rows):
        if not separated[i]:
            fits.append(LogisticFit(params[i], cov[i]))
        else:
            fits.append(_firth_fit(x[i, :size], y[i, :size], n[i, :size]))
    return fits


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
    n = cell["n"].to_numpy(dtype=float)
    sy = cell["sy"].to_numpy(dtype=float)
    codes = {f: pd.factorize(cell[f], use_na_sentinel=False)[0] for f in factors}
    values = {f: cell[f].to_numpy() for f in factors}
    prepared = prepare_patterns(cell["sex"].to_numpy(), n, sy, codes, values)
    if prepared.design is None or not prepared.design.identified:
        return prepared.unfitted()
    keep = ~prepared.aside
    logistic = fit_logistic(prepared.design.matrix, sy[keep], n[keep])
    return prepared.fitted(logistic, cell.index[keep])


@dataclass(frozen=True)
class PreparedPatterns:
    """The rows of a logistic gap model before the fit (see :func:`prepare_patterns`)."""

    aside: NDArray[np.bool_]
    design: Design | None
    counts: FloatArray
    set_aside: int

    def unfitted(self) -> PatternFit:
        """Report rows that cannot be fitted (one sex, not identified) as a PatternFit."""
        failure: Failure = "one_sex" if self.design is None else "not_identified"
        return PatternFit(
            None, self.design, None, self.set_aside, int(self.aside.sum()), None, failure
        )

    def fitted(self, logistic: LogisticFit, index: pd.Index | None) -> PatternFit:
        """Report these rows with their fit as a :class:`PatternFit`."""
        return PatternFit(
            logistic,
            self.design,
            self.counts[~self.aside],
            self.set_aside,
            int(self.aside.sum()),
            index,
            logistic.failure,
        )


def prepare_patterns(
    sex: np.ndarray,
    n: FloatArray,
    sy: FloatArray,
    codes: Mapping[str, NDArray[np.int64]],
    values: Mapping[str, np.ndarray],
    aside: NDArray[np.bool_] | None = None,
) -> PreparedPatterns:
    """Set aside degenerate levels and build the design of :func:`fit_logistic_patterns`.

    ``codes`` holds each factor's levels as integers (for the set-aside), ``values`` the
    values the design is built from (integer codes in the order of the sorted levels do).
    ``aside`` gives the rows set aside when they are known (:func:`degenerate_rows` of
    many fits at once).
    """
    if aside is None:
        aside = degenerate_rows(n, sy, list(codes.values()))
    set_aside = int(n[aside].sum())
    keep = ~aside
    if set(sex[keep].tolist()) != {"women", "men"}:
        return PreparedPatterns(aside, None, n, set_aside)
    design = design_of(sex[keep] == "women", {f: v[keep] for f, v in values.items()})
    return PreparedPatterns(aside, design, n, set_aside)


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
    estimate, se = standardised_differences(
        design[np.newaxis],
        params[np.newaxis],
        cov[np.newaxis],
        counts[np.newaxis],
        np.array([total], dtype=np.float64),
    )
    return float(estimate[0]), float(se[0])


def standardised_differences(
    design: FloatArray, params: FloatArray, cov: FloatArray, counts: FloatArray, total: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """:func:`standardised_difference` of many fits at once.

    ``design`` is (fits, rows, p), padded with rows of no persons; ``params`` (fits, p),
    ``cov`` (fits, p, p), ``counts`` (fits, rows) and ``total`` (fits). Returns each fit's
    gap and standard error.
    """
    woman = np.array(design, dtype=np.float64)
    woman[..., 1] = 1.0
    man = np.array(design, dtype=np.float64)
    man[..., 1] = 0.0
    with np.errstate(over="ignore"):  # exp overflows to inf where the rate is 0 to the last digit
        as_woman = 1.0 / (1.0 + np.exp(-np.einsum("crk,ck->cr", woman, params)))
        as_man = 1.0 / (1.0 + np.exp(-np.einsum("crk,ck->cr", man, params)))
    estimate = np.sum(counts * (as_woman - as_man), axis=1) / total
    gradient = (
        np.einsum("cr,crk->ck", counts * as_woman * (1 - as_woman), woman)
        - np.einsum("cr,crk->ck", counts * as_man * (1 - as_man), man)
    ) / total[:, np.newaxis]
    variance = np.einsum("ck,ckl,cl->c", gradient, cov, gradient)
    # A variance is >= 0; rounding can make a tiny one negative.
    return estimate, np.sqrt(np.maximum(variance, 0.0))


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
