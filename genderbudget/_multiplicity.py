"""Intervals that agree with the multiplicity-corrected verdict.

A comparison is "supported after correction" when its adjusted p-value (Holm by default,
across all comparisons of a call) is below the rule's level ``alpha``. The ordinary 95 %
interval is not corrected, so it can exclude 0 for a gap that is not supported — the first
question in a lecture room. Next to it the library therefore gives the interval at the
*corrected level* of each comparison,

    alpha_i = alpha * p_i / p_i_adjusted,

the level at which the comparison's own test would reject exactly when its adjusted p-value
is below ``alpha``. The interval at confidence ``1 - alpha_i`` excludes 0 if and only if
``p_i < alpha_i``, that is if and only if ``p_i_adjusted < alpha``: it can never contradict
the verdict. For Bonferroni ``alpha_i = alpha / m``, the Bonferroni simultaneous interval;
for Holm the step-down level ``alpha / (m - k + 1)`` of the comparison's rank k (smaller
where Holm's monotonicity binds), so the intervals are never wider than Bonferroni's and
never narrower than the uncorrected ones. The construction is the usual "adjusted
confidence interval" obtained by inverting the adjusted test (Westfall & Young 1993,
ch. 2; for Holm's procedure see Strassburger & Bretz 2008, who show that simultaneous
intervals compatible with Holm's rejections exist only in a weaker form — these intervals
promise agreement with the verdict, not simultaneous coverage beyond Bonferroni's).

Where the interval family is not the exact inverse of the test (Newcombe's interval next to
the pooled z-test or Fisher's exact test for a rate; the Greenland–Robins interval next to
the Cochran–Mantel–Haenszel test), ``p_i`` in the formula is the p-value of the test the
interval inverts (the level at which the interval just touches 0), so agreement still holds
by construction.

References
----------
Westfall, P. H. & Young, S. S. (1993). Resampling-Based Multiple Testing. Wiley.

Strassburger, K. & Bretz, F. (2008). Compatible simultaneous lower confidence bounds for the
Holm procedure and other Bonferroni-based closed tests. Statistics in Medicine 27(24),
4914–4927.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from genderbudget import _intervals as iv
from genderbudget._columns import Columns, column

__all__ = [
    "CORRECTED_COLUMNS",
    "corrected_intervals",
    "corrected_level",
    "newcombe_at",
    "newcombe_pvalue",
    "t_interval_at",
    "wald_pvalue",
]

FloatArray = NDArray[np.float64]

# The smallest tail probability searched for when inverting Newcombe's interval.
SMALLEST_ALPHA = 1e-15


def corrected_level(
    p_dual: ArrayLike, p_adjusted: ArrayLike, alpha: float, tests: int
) -> FloatArray:
    """Return the per-comparison level ``alpha * p_dual / p_adjusted``, NaN where untested.

    Parameters
    ----------
    p_dual : array_like
        p-value of the test the interval inverts.
    p_adjusted : array_like
        The multiplicity-adjusted p-value of the verdict.
    alpha : float
        The rule's level.
    tests : int
        Number of tests in the family (Bonferroni's ``alpha / m`` is used where both
        p-values are 0 after rounding).

    Returns
    -------
    numpy.ndarray
        The tail probability of the corrected interval (confidence ``1 - level``).
    """
    dual = np.asarray(p_dual, dtype=np.float64)
    adjusted = np.asarray(p_adjusted, dtype=np.float64)
    level = np.full(dual.shape, np.nan)
    ok = np.isfinite(dual) & np.isfinite(adjusted)
    positive = ok & (adjusted > 0)
    level[positive] = alpha * dual[positive] / adjusted[positive]
    zero = ok & (adjusted == 0)
    level[zero] = alpha / max(int(tests), 1)
    return np.minimum(level, 1.0)


def t_interval_at(
    estimate: ArrayLike, se: ArrayLike, df: ArrayLike, level: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """``estimate ± q se`` with ``q`` the ``1 - level/2`` quantile of t(df) (inf df: normal)."""
    est = np.asarray(estimate, dtype=np.float64)
    se_ = np.asarray(se, dtype=np.float64)
    df_ = np.broadcast_to(np.asarray(df, dtype=np.float64), est.shape)
    level_ = np.broadcast_to(np.asarray(level, dtype=np.float64), est.shape)
    q = np.full(est.shape, np.nan)
    ok = np.isfinite(est) & np.isfinite(se_) & (df_ > 0) & (level_ > 0) & (level_ <= 1)
    q[ok] = iv.t_isf(level_[ok] / 2.0, df_[ok])
    return est - q * se_, est + q * se_


def wald_pvalue(estimate: ArrayLike, se: ArrayLike, df: ArrayLike) -> FloatArray:
    """Two-sided p-value of ``estimate / se`` on t(df) (inf df: normal); NaN if undefined."""
    est = np.asarray(estimate, dtype=np.float64)
    se_ = np.asarray(se, dtype=np.float64)
    df_ = np.broadcast_to(np.asarray(df, dtype=np.float64), est.shape)
    p = np.full(est.shape, np.nan)
    ok = np.isfinite(est) & np.isfinite(se_) & (se_ > 0) & (df_ > 0)
    p[ok] = 2.0 * iv.t_sf(np.abs(est[ok] / se_[ok]), df_[ok])
    return p


def newcombe_pvalue(
    x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike, *, iterations: int = 80
) -> FloatArray:
    """Return the tail probability at which Newcombe's hybrid score interval touches 0.

    Bisection on ``log(alpha)``: the interval widens as the confidence grows, so it
    excludes 0 for every ``alpha`` above the returned value. 1 where the proportions are
    equal, NaN where a group is empty, and :data:`SMALLEST_ALPHA` where the interval
    excludes 0 even at ``1 - SMALLEST_ALPHA``.
    """
    x1_, n1_ = np.asarray(x1, dtype=np.float64), np.asarray(n1, dtype=np.float64)
    x2_, n2_ = np.asarray(x2, dtype=np.float64), np.asarray(n2, dtype=np.float64)
    size = x1_.shape
    p = np.full(size, np.nan)
    ok = (n1_ > 0) & (n2_ > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        equal = ok & (x1_ / n1_ == x2_ / n2_)
    p[equal] = 1.0
    todo = ok & ~equal
    if not todo.any():
        return p
    excludes = _excludes_zero(x1_[todo], n1_[todo], x2_[todo], n2_[todo])

    size_todo = int(todo.sum())
    low_log = np.full(size_todo, np.log(SMALLEST_ALPHA))
    high_log = np.zeros(size_todo)
    at_floor = excludes(np.exp(low_log))
    for _ in range(iterations):
        middle = (low_log + high_log) / 2.0
        hit = excludes(np.exp(middle))
        new_high = np.where(hit, middle, high_log)
        new_low = np.where(hit, low_log, middle)
        if np.array_equal(new_high, high_log) and np.array_equal(new_low, low_log):
            break  # every bracket is down to adjacent floats: more steps change nothing
        high_log, low_log = new_high, new_low
    result = np.exp(high_log)
    result[at_floor] = SMALLEST_ALPHA
    p[todo] = result
    return p


def _excludes_zero(
    x1: FloatArray, n1: FloatArray, x2: FloatArray, n2: FloatArray
) -> Callable[[FloatArray], NDArray[np.bool_]]:
    """Return whether Newcombe's interval excludes 0 at each tail probability ``alpha``.

    The bounds are those of :func:`_newcombe_at`, from the same Wilson parts
    (:func:`_wilson_centre`, so the same bits), but only the one bound that can exclude 0 is
    computed: the lower when the first rate is the larger, else the upper.
    """
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    sign = np.where(d > 0, 1.0, -1.0)

    def excludes(alpha: FloatArray) -> NDArray[np.bool_]:
        z = iv.normal_isf(alpha / 2.0)
        centre1, half1 = _wilson_centre(p1, n1, z)
        centre2, half2 = _wilson_centre(p2, n2, z)
        # d > 0: the lower bound uses the first's lower and the second's upper Wilson bound.
        bound1 = np.clip(centre1 - sign * half1, 0.0, 1.0)
        bound2 = np.clip(centre2 + sign * half2, 0.0, 1.0)
        reach = np.sqrt((p1 - bound1) ** 2 + (bound2 - p2) ** 2)
        return np.where(d > 0, d - reach > 0, d + reach < 0)

    return excludes


def _newcombe_at(
    x1: FloatArray, n1: FloatArray, x2: FloatArray, n2: FloatArray, alpha: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Newcombe's interval with a tail probability per element."""
    z = iv.normal_isf(alpha / 2.0)
    low1, high1 = _wilson_z(x1, n1, z)
    low2, high2 = _wilson_z(x2, n2, z)
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    return (
        d - np.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2),
        d + np.sqrt((high1 - p1) ** 2 + (p2 - low2) ** 2),
    )


def _wilson_z(x: FloatArray, n: FloatArray, z: FloatArray) -> tuple[FloatArray, FloatArray]:
    centre, half = _wilson_centre(x / n, n, z)
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def _wilson_centre(p: FloatArray, n: FloatArray, z: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return the centre and half-width of Wilson's interval for a rate ``p`` of ``n`` at ``z``."""
    zz = z * z
    denom = 1.0 + zz / n
    centre = (p + zz / (2.0 * n)) / denom
    half = z * np.sqrt(p * (1.0 - p) / n + zz / (4.0 * n * n)) / denom
    return centre, half


def newcombe_at(
    x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike, level: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Newcombe's hybrid score interval at tail probability ``level`` per comparison."""
    x1_, n1_ = np.asarray(x1, dtype=np.float64), np.asarray(n1, dtype=np.float64)
    x2_, n2_ = np.asarray(x2, dtype=np.float64), np.asarray(n2, dtype=np.float64)
    level_ = np.broadcast_to(np.asarray(level, dtype=np.float64), x1_.shape)
    low = np.full(x1_.shape, np.nan)
    high = np.full(x1_.shape, np.nan)
    ok = (n1_ > 0) & (n2_ > 0) & np.isfinite(level_) & (level_ > 0) & (level_ <= 1)
    if ok.any():
        lo, hi = _newcombe_at(x1_[ok], n1_[ok], x2_[ok], n2_[ok], level_[ok])
        low[ok], high[ok] = lo, hi
    return low, high


CORRECTED_COLUMNS = (
    "corrected_confidence",
    "difference_corrected_ci_low",
    "difference_corrected_ci_high",
    "ratio_corrected_ci_low",
    "ratio_corrected_ci_high",
    "adjusted_corrected_confidence",
    "adjusted_corrected_ci_low",
    "adjusted_corrected_ci_high",
)


def _not_narrower(
    level: FloatArray,
    plain_low: FloatArray,
    plain_high: FloatArray,
    p_values: tuple[FloatArray, FloatArray],
    alpha: float,
    confidence: float,
) -> FloatArray:
    """Keep the plain level where it already agrees with the verdict and nothing is corrected.

    Where the interval is not the exact inverse of the test (a rate's Newcombe interval next
    to the z-test), the matched level differs a little from ``1 - confidence`` even when
    nothing is corrected; the plain interval is kept then, and wherever the matched level
    would make the interval narrower than the plain one, as long as the plain one agrees
    with the verdict.
    """
    raw, adjusted = p_values
    out = level.copy()
    with np.errstate(invalid="ignore"):
        plain_excludes = (plain_low > 0) | (plain_high < 0)
        agrees = np.isfinite(plain_low) & (plain_excludes == (adjusted < alpha))
        uncorrected = np.isclose(adjusted, raw, rtol=1e-12, atol=0)
        narrower = np.isfinite(level) & (level > 1.0 - confidence)
    out[agrees & (narrower | uncorrected)] = 1.0 - confidence
    return out


def corrected_intervals(comparisons: Columns, alpha: float) -> Columns:
    """Add the intervals at the corrected level to a comparisons table.

    Parameters
    ----------
    comparisons : Columns
        The comparisons of :func:`genderbudget.analyse` with ``p_adjusted`` and
        ``adjusted_p_adjusted`` and the internal columns ``_kind, _dse, _ddf, _xw, _xm,
        _log_se, _adjusted_se, _adjusted_df, _same_as_raw``.
    alpha : float
        The rule's level.

    Returns
    -------
    Columns
        The same table with :data:`CORRECTED_COLUMNS` added: ``corrected_confidence`` and
        the difference's interval at it; the ratio's interval at the level where its own
        (log-scale) test agrees with the verdict; and the same for the adjusted gap.
    """
    out = comparisons  # read only: the new columns are added in one concatenation
    added: dict[str, FloatArray] = {}
    kind = column(out, "_kind")
    rate = kind == "rate"
    difference = column(out, "difference", float)
    p_raw = column(out, "p_value", float)
    p_adj = column(out, "p_adjusted", float)
    tests = int(np.isfinite(p_raw).sum())
    xw, xm = column(out, "_xw", float), column(out, "_xm", float)
    nw, nm = column(out, "n_women", float), column(out, "n_men", float)
    dse, ddf = column(out, "_dse", float), column(out, "_ddf", float)

    dual = np.where(rate, np.nan, p_raw)
    if rate.any():
        dual[rate] = newcombe_pvalue(xw[rate], nw[rate], xm[rate], nm[rate])
    confidence = float(column(out, "confidence", float)[0]) if len(out) else 0.95
    level = corrected_level(dual, p_adj, alpha, tests)
    level = _not_narrower(
        level,
        column(out, "difference_ci_low", float),
        column(out, "difference_ci_high", float),
        (p_raw, p_adj),
        alpha,
        confidence,
    )
    low, high = t_interval_at(difference, dse, ddf, level)
    if rate.any():
        low[rate], high[rate] = newcombe_at(xw[rate], nw[rate], xm[rate], nm[rate], level[rate])
    added["corrected_confidence"] = 1.0 - level
    added["difference_corrected_ci_low"] = low
    added["difference_corrected_ci_high"] = high

    ratio = column(out, "ratio", float)
    log_se = column(out, "_log_se", float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.where(ratio > 0, np.log(ratio), np.nan)
    ratio_dual = wald_pvalue(log_ratio, log_se, ddf)
    ratio_level = corrected_level(ratio_dual, p_adj, alpha, tests)
    with np.errstate(divide="ignore", invalid="ignore"):
        plain_log = (
            np.log(column(out, "ratio_ci_low", float)),
            np.log(column(out, "ratio_ci_high", float)),
        )
    ratio_level = _not_narrower(ratio_level, *plain_log, (p_raw, p_adj), alpha, confidence)
    log_low, log_high = t_interval_at(log_ratio, log_se, ddf, ratio_level)
    with np.errstate(over="ignore"):  # a bound beyond the largest float is inf
        added["ratio_corrected_ci_low"] = np.exp(log_low)
        added["ratio_corrected_ci_high"] = np.exp(log_high)

    adjusted = column(out, "adjusted_difference", float)
    a_se = column(out, "_adjusted_se", float)
    a_df = column(out, "_adjusted_df", float)
    a_p = column(out, "adjusted_p_adjusted", float)
    a_tests = int(np.isfinite(column(out, "adjusted_p_value", float)).sum())
    same = column(out, "_same_as_raw", bool)
    a_dual = wald_pvalue(adjusted, a_se, a_df)
    raw_rate = same & rate
    a_dual[raw_rate] = dual[raw_rate]
    a_level = corrected_level(a_dual, a_p, alpha, a_tests)
    a_level = _not_narrower(
        a_level,
        column(out, "adjusted_ci_low", float),
        column(out, "adjusted_ci_high", float),
        (column(out, "adjusted_p_value", float), a_p),
        alpha,
        confidence,
    )
    a_low, a_high = t_interval_at(adjusted, a_se, a_df, a_level)
    if raw_rate.any():
        a_low[raw_rate], a_high[raw_rate] = newcombe_at(
            xw[raw_rate], nw[raw_rate], xm[raw_rate], nm[raw_rate], a_level[raw_rate]
        )
    added["adjusted_corrected_confidence"] = 1.0 - a_level
    added["adjusted_corrected_ci_low"] = a_low
    added["adjusted_corrected_ci_high"] = a_high
    comparisons.update(added)
    return comparisons
