"""Interval and test formulas, vectorised over cells.

Every function takes numpy arrays of sufficient statistics (one element per cell) and returns
arrays; undefined results are NaN, never a warning. The formulas are the textbook ones named
in each docstring, and the tests check them against statsmodels and scipy.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

__all__ = [
    "katz_ratio",
    "log_ratio_interval",
    "newcombe_difference",
    "normal_quantile",
    "proportion_test",
    "t_interval",
    "t_pvalue",
    "welch_df",
    "wilson",
]

Array = NDArray[np.float64]


def _f(values: ArrayLike) -> Array:
    return np.asarray(values, dtype=np.float64)


@functools.lru_cache(maxsize=64)
def normal_quantile(confidence: float) -> float:
    """Two-sided standard-normal critical value for a confidence level."""
    return float(stats.norm.isf((1.0 - confidence) / 2.0))


def normal_isf(q: ArrayLike) -> Array:
    """Upper quantiles of the standard normal: ``norm.isf(q)``, elementwise.

    Through :func:`scipy.special.ndtri`, as ``scipy.stats.norm.isf`` computes it, without
    the distribution machinery's overhead (called in loops, e.g. a bisection).
    """
    return np.asarray(-special.ndtri(np.asarray(q, dtype=np.float64)))


def normal_two_sided_p(z: ArrayLike) -> Array:
    """Two-sided p-value of standard-normal statistics: ``2 * norm.sf(|z|)``, elementwise.

    Through :func:`scipy.special.ndtr`, which ``scipy.stats.norm.sf`` calls itself, without
    the distribution machinery's overhead on each call.
    """
    return np.asarray(2.0 * special.ndtr(-np.abs(np.asarray(z, dtype=np.float64))))


def t_isf(q: ArrayLike, df: ArrayLike) -> Array:
    """Upper quantiles of Student's t: ``t.isf(q, df)`` for ``0 < q < 1`` and ``df > 0``.

    Through :func:`scipy.special.stdtrit`, as ``scipy.stats.t.isf`` computes it inside
    its argument checks (an infinite ``df`` gives the normal quantile); the callers have
    checked the arguments already.
    """
    return np.asarray(-special.stdtrit(_f(df), _f(q)))


def t_sf(x: ArrayLike, df: ArrayLike) -> Array:
    """Upper tail of Student's t: ``t.sf(x, df)`` for ``df > 0``, through ``stdtr``."""
    return np.asarray(special.stdtr(_f(df), -_f(x)))


def wilson(successes: ArrayLike, n: ArrayLike, confidence: float) -> tuple[Array, Array]:
    """Wilson score interval for a proportion (Wilson 1927).

    NaN where ``n == 0``.
    """
    x, n_ = _f(successes), _f(n)
    z = normal_quantile(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n_
        denom = 1.0 + z * z / n_
        centre = (p + z * z / (2.0 * n_)) / denom
        half = z * np.sqrt(p * (1.0 - p) / n_ + z * z / (4.0 * n_ * n_)) / denom
    low, high = centre - half, centre + half
    bad = ~(n_ > 0)
    low[bad] = np.nan
    high[bad] = np.nan
    return np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)


def newcombe_difference(
    x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike, confidence: float
) -> tuple[Array, Array]:
    """Newcombe's hybrid score interval for p1 - p2 (Newcombe 1998, method 10).

    Combines the two Wilson intervals: ``d - sqrt((p1-l1)^2 + (u2-p2)^2)`` and
    ``d + sqrt((u1-p1)^2 + (p2-l2)^2)``.
    """
    x1_, n1_, x2_, n2_ = _f(x1), _f(n1), _f(x2), _f(n2)
    l1, u1 = wilson(x1_, n1_, confidence)
    l2, u2 = wilson(x2_, n2_, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = x1_ / n1_, x2_ / n2_
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return low, high


def katz_ratio(
    x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike, confidence: float
) -> tuple[Array, Array]:
    """Katz log interval for the ratio p1 / p2 (Katz et al. 1978).

    ``exp(log(p1/p2) ± z sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2))``; NaN when either count of
    successes is zero.
    """
    x1_, n1_, x2_, n2_ = _f(x1), _f(n1), _f(x2), _f(n2)
    z = normal_quantile(confidence)
    ok = (x1_ > 0) & (x2_ > 0) & (n1_ > 0) & (n2_ > 0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_r = np.log((x1_ / n1_) / (x2_ / n2_))
        se = np.sqrt(1.0 / x1_ - 1.0 / n1_ + 1.0 / x2_ - 1.0 / n2_)
        low, high = np.exp(log_r - z * se), np.exp(log_r + z * se)
    low[~ok] = np.nan
    high[~ok] = np.nan
    return low, high


def proportion_test(
    x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike, *, min_expected: float = 5.0
) -> tuple[Array, NDArray[np.object_]]:
    """Two-sided test of equal proportions, and the name of the test used per cell.

    The pooled two-proportion z-test (equivalent to Pearson's chi-square test without
    continuity correction); Fisher's exact test when any expected count of the 2x2 table is
    below ``min_expected``. NaN where a group is empty; 1.0 where both groups have the same
    proportion of 0 or 1.
    """
    x1_, n1_, x2_, n2_ = _f(x1), _f(n1), _f(x2), _f(n2)
    size = x1_.shape[0]
    p_values = np.full(size, np.nan)
    methods = np.full(size, "", dtype=object)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (x1_ + x2_) / (n1_ + n2_)
        se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1_ + 1.0 / n2_))
        z = (x1_ / n1_ - x2_ / n2_) / se
        expected = np.minimum.reduce(
            [n1_ * pooled, n1_ * (1 - pooled), n2_ * pooled, n2_ * (1 - pooled)]
        )
    for i in range(size):
        if not (n1_[i] > 0 and n2_[i] > 0):
            continue
        if expected[i] < min_expected:
            table = [[x1_[i], n1_[i] - x1_[i]], [x2_[i], n2_[i] - x2_[i]]]
            p_values[i] = float(stats.fisher_exact(np.asarray(table).round()).pvalue)
            methods[i] = "fisher_exact"
        else:
            p_values[i] = float(normal_two_sided_p(z[i]))
            methods[i] = "two_proportion_z_pooled"
    return p_values, methods


def welch_df(v1: ArrayLike, n1: ArrayLike, v2: ArrayLike, n2: ArrayLike) -> Array:
    """Welch-Satterthwaite degrees of freedom from variances ``v`` and sizes ``n``.

    ``(v1/n1 + v2/n2)^2 / ((v1/n1)^2/(n1-1) + (v2/n2)^2/(n2-1))``.
    """
    v1_, n1_, v2_, n2_ = _f(v1), _f(n1), _f(v2), _f(n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        a, b = v1_ / n1_, v2_ / n2_
        return (a + b) ** 2 / (a * a / (n1_ - 1.0) + b * b / (n2_ - 1.0))


def t_interval(
    estimate: ArrayLike, se: ArrayLike, df: ArrayLike, confidence: float
) -> tuple[Array, Array]:
    """Interval ``estimate ± t_{df} se``; an infinite ``df`` gives the normal interval."""
    est, se_, df_ = _f(estimate), _f(se), _f(df)
    ok = np.isfinite(est) & np.isfinite(se_) & (df_ > 0)
    q = np.full(est.shape, np.nan)
    q[ok] = t_isf((1.0 - confidence) / 2.0, df_[ok])
    return est - q * se_, est + q * se_


def t_pvalue(estimate: ArrayLike, se: ArrayLike, df: ArrayLike) -> Array:
    """Two-sided p-value of ``estimate / se`` against a t distribution with ``df``."""
    est, se_, df_ = _f(estimate), _f(se), _f(df)
    ok = np.isfinite(est) & (se_ > 0) & np.isfinite(se_) & (df_ > 0)
    p = np.full(est.shape, np.nan)
    p[ok] = 2.0 * t_sf(np.abs(est[ok] / se_[ok]), df_[ok])
    return p


def log_ratio_interval(
    a: ArrayLike,
    var_a: ArrayLike,
    b: ArrayLike,
    var_b: ArrayLike,
    confidence: float,
    *,
    df: ArrayLike | None = None,
) -> tuple[Array, Array]:
    """Delta-method interval for ``a / b`` on the log scale.

    ``exp(log(a/b) ± q sqrt(var_a/a^2 + var_b/b^2))`` with ``q`` the normal quantile, or the
    t quantile with ``df`` degrees of freedom (the same as the difference's test, so the two
    intervals rest on one reference distribution); NaN unless both are positive. A bound
    beyond the largest float (a log-scale interval so wide that its exponential overflows)
    is ``inf``: the data put no upper limit on the ratio.
    """
    a_, va, b_, vb = _f(a), _f(var_a), _f(b), _f(var_b)
    ok = (a_ > 0) & (b_ > 0) & np.isfinite(va) & np.isfinite(vb)
    q = np.full(a_.shape, normal_quantile(confidence))
    if df is not None:
        df_ = np.broadcast_to(_f(df), a_.shape)
        ok &= df_ > 0
        q[ok] = t_isf((1.0 - confidence) / 2.0, df_[ok])
    low = np.full(a_.shape, np.nan)
    high = np.full(a_.shape, np.nan)
    log_r = np.log(a_[ok] / b_[ok])
    se = np.sqrt(va[ok] / a_[ok] ** 2 + vb[ok] / b_[ok] ** 2)
    with np.errstate(over="ignore"):
        low[ok] = np.exp(log_r - q[ok] * se)
        high[ok] = np.exp(log_r + q[ok] * se)
    return low, high
