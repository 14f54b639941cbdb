"""How robust a gap is, and how large a gap the data could have shown.

Two questions follow a verdict. After ``unexplained_gap``: how strong would a factor that was
not taken into account have to be to explain the gap away? That is the E-value. After
``no_gap``: was there enough data to see a gap had there been one? That is the minimum
detectable difference. Both are computed here as vectorised functions of numbers the analysis
already has (a ratio and its interval, a standard error and its degrees of freedom, a pooled
rate and two counts). Arrays go in and arrays come out; a result that is not defined is NaN,
never a warning.

E-value
-------
VanderWeele & Ding (2017) define the E-value of an observed risk ratio RR >= 1 as
``RR + sqrt(RR * (RR - 1))`` (for RR < 1, of 1 / RR): the smallest strength, on the risk-ratio
scale, that an unmeasured factor would need in its association with *both* the exposure (here:
sex) and the outcome, conditional on the factors already adjusted for, to move the true ratio
to 1. It follows from the bounding factor of Ding & VanderWeele (2016),
``B = RR_EU * RR_UD / (RR_EU + RR_UD - 1)``, which bounds the ratio an unmeasured factor U can
produce when its association with the exposure is at most RR_EU and with the outcome at most
RR_UD; with ``RR_EU = RR_UD = E`` the bound equals RR exactly at the E-value.

Which outcome scales the bound covers
-------------------------------------
* **Risk ratios** of a binary outcome (an access rate: the share of women and of men who got
  a service). This is the scale the bound is proved on and the E-value is defined for
  (Ding & VanderWeele 2016; VanderWeele & Ding 2017). Rate ratios are treated the same way by
  the reference implementation (R package EValue, ``evalues.RR``: "Compute E-value for a risk
  ratio or rate ratio").
* **Standardised mean differences** of a continuous outcome: VanderWeele & Ding (2017) give
  the approximate conversion ``RR ~ exp(0.91 d)`` (:func:`ratio_from_smd`), which rests on a
  distributional assumption (Chinn 2000; VanderWeele 2017): the resulting E-value reads as the
  strength needed to explain away the association with a dichotomised outcome, and is an
  approximation, not a bound.
* **Ratios of means of a non-negative outcome** (cost per client, staff hours per client, cost
  per care-day read as the mean cost of a care-day): Ding (2024), *A First Course in Causal
  Inference*, Section 17.1, writes that the Cornfield-type bound "works the best for a binary
  outcome Y although it can be extended to other non-negative outcomes (Ding and VanderWeele,
  2016)", and Section 17.5.3 that Ding & VanderWeele (2016) "also proposed sensitivity
  analysis methods for other causal parameters, but they are not as elegant as the E-value for
  binary outcome based on the risk ratio". So the bound is stated to extend to a ratio of means
  of a non-negative outcome, but then the outcome-side parameter RR_UD is a ratio of *mean
  outcomes* across levels of U, not a ratio of risks, and the E-value must be read on that
  scale. The section of Ding & VanderWeele (2016) that carries the extension is not cited
  here, so an E-value of a ratio of means (which :func:`verdict_sensitivity` reports for
  amounts) is to be read with that caveat; a difference of means needs the conversion above
  first.

The bound says nothing about a factor that is a *consequence* of sex (a mediator): adjusting
for such a factor is a choice of estimand (the ``justified`` factors of the analysis), not
confounding.

Minimum detectable difference
-----------------------------
For a t test of a difference ``D`` with standard error ``se`` and ``df`` degrees of freedom,
the smallest true difference that a two-sided test at level ``alpha`` detects with
probability ``power`` is approximately ``(t_{1-alpha/2,df} + t_{power,df}) * se`` (the far
rejection tail ignored and the noncentral t replaced by a shifted central t), or
exactly the ``delta`` at which the noncentral-t power function
``P(|T'| > t_{1-alpha/2,df})``, ``T' ~ t'(df, delta / se)``, equals ``power``
(:func:`detectable_difference`). For two proportions the pooled z test is used, with the
true proportions placed around the pooled rate (:func:`detectable_rate_difference`).

References
----------
Chinn S (2000). A simple method for converting an odds ratio to effect size for use in
meta-analysis. Statistics in Medicine 19(22):3127-3131.

Ding P (2024). A First Course in Causal Inference. CRC Press. Chapter 17 (E-value).

Ding P, VanderWeele TJ (2016). Sensitivity analysis without assumptions. Epidemiology
27(3):368-377.

Fleiss JL, Levin B, Paik MC (2003). Statistical Methods for Rates and Proportions, 3rd ed.
Wiley. Chapter 4.

VanderWeele TJ (2017). On a square-root transformation of the odds ratio for a common
outcome. Epidemiology 28(6):e58.

VanderWeele TJ, Ding P (2017). Sensitivity analysis in observational research: introducing
the E-value. Annals of Internal Medicine 167(4):268-274.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from genderbudget._columns import Columns, column
from genderbudget._privacy import masked

__all__ = [
    "SENSITIVITY_COLUMNS",
    "detectable_difference",
    "detectable_rate_difference",
    "e_value",
    "e_value_limit",
    "ratio_from_smd",
    "verdict_sensitivity",
]

Array = NDArray[np.float64]

# Coefficient of the conversion RR ~ exp(0.91 d) of VanderWeele & Ding (2017).
SMD_TO_LOG_RR = 0.91
# Bisection steps for the exact noncentral-t solution: the bracket is at most a few times
# the approximate answer, and 2**-80 of it is far below double precision.
_BISECTION_STEPS = 80

_ALPHA_MESSAGE = "alpha must lie strictly between 0 and 1; got {alpha!r}."
_POWER_MESSAGE = (
    "power must lie strictly between alpha ({alpha!r}) and 1; got {power!r}. "
    "At power <= alpha every difference, including none, is 'detected'."
)


def _f(values: ArrayLike) -> Array:
    return np.asarray(values, dtype=np.float64)


def _check_levels(alpha: float, power: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError(_ALPHA_MESSAGE.format(alpha=masked(alpha)))
    if not alpha < power < 1.0:
        raise ValueError(_POWER_MESSAGE.format(alpha=masked(alpha), power=masked(power)))


def e_value(ratio: ArrayLike) -> Array:
    """Compute the E-value of an observed ratio (VanderWeele & Ding 2017).

    Parameters
    ----------
    ratio : array_like
        Observed ratios (women / men), on the risk-ratio scale; see the module docstring for
        which other scales the bound covers.

    Returns
    -------
    numpy.ndarray
        The E-value of each ratio, ``>= 1``, with the shape of ``ratio``. NaN where the ratio
        is not a positive finite number (an empty group gives a ratio of 0 or infinity, for
        which the bound says nothing useful).

    Notes
    -----
    For ``RR >= 1``, ``E = RR + sqrt(RR (RR - 1))``; for ``RR < 1`` the same with ``1 / RR``,
    so a ratio and its reciprocal have the same E-value, and ``E = 1`` at ``RR = 1``
    (VanderWeele & Ding 2017). It is the value at which the bounding factor of
    Ding & VanderWeele (2016) with equal associations, ``E**2 / (2 E - 1)``, equals the
    observed ratio. Validated against the worked examples of VanderWeele & Ding (2017) and
    the tests and vignette output of the R package EValue (``evalues.RR``).

    References
    ----------
    VanderWeele TJ, Ding P (2017). Sensitivity analysis in observational research:
    introducing the E-value. Annals of Internal Medicine 167(4):268-274.

    Examples
    --------
    >>> from genderbudget._sensitivity import e_value
    >>> e_value([3.9, 1 / 3.9, 1.0]).round(2)
    array([7.26, 7.26, 1.  ])
    """
    r = _f(ratio)
    ok = np.isfinite(r) & (r > 0.0)
    safe = np.where(ok, r, 1.0)
    rr = np.where(safe >= 1.0, safe, 1.0 / safe)
    e = rr + np.sqrt(rr * (rr - 1.0))
    return np.where(ok, e, np.nan)


def e_value_limit(ratio: ArrayLike, ci_low: ArrayLike, ci_high: ArrayLike) -> Array:
    """Compute the E-value of the confidence limit closest to 1 (VanderWeele & Ding 2017).

    Parameters
    ----------
    ratio : array_like
        Observed ratios; used to check that each lies inside its interval.
    ci_low, ci_high : array_like
        Confidence limits of the ratios. ``ci_low`` may be 0 and ``ci_high`` infinite.

    Returns
    -------
    numpy.ndarray
        1 where the interval covers 1; otherwise the E-value of ``ci_low`` when the whole
        interval lies above 1, or of ``ci_high`` when it lies below 1. NaN where any input is
        missing, the ratio is not positive and finite, or the ratio lies outside its interval.

    Notes
    -----
    The E-value of the limit is the smallest strength of an unmeasured factor, on the
    risk-ratio scale and with both sex and the outcome, that could move the confidence
    interval to include 1 (VanderWeele & Ding 2017: for RR > 1 it is 1 if the lower limit is
    at most 1; for RR < 1 the same with the upper limit). A value of 1 means that no
    unmeasured factor is needed: the interval already covers 1.

    References
    ----------
    VanderWeele TJ, Ding P (2017). Sensitivity analysis in observational research:
    introducing the E-value. Annals of Internal Medicine 167(4):268-274.

    Examples
    --------
    >>> from genderbudget._sensitivity import e_value_limit
    >>> e_value_limit([3.9, 0.80, 1.2], [1.8, 0.71, 0.9], [8.7, 0.91, 1.6]).round(2)
    array([3.  , 1.43, 1.  ])
    """
    r, low, high = np.broadcast_arrays(_f(ratio), _f(ci_low), _f(ci_high))
    ok = (
        np.isfinite(r)
        & (r > 0.0)
        & ~np.isnan(low)
        & ~np.isnan(high)
        & (low >= 0.0)
        & (low <= r)
        & (r <= high)
    )
    limit = np.where(low > 1.0, low, np.where(high < 1.0, high, 1.0))
    return np.where(ok, e_value(np.where(ok, limit, 1.0)), np.nan)


def ratio_from_smd(d: ArrayLike) -> Array:
    """Approximate risk ratio of a standardised mean difference (VanderWeele & Ding 2017).

    Parameters
    ----------
    d : array_like
        Standardised mean differences (women - men, divided by the standard deviation of the
        outcome).

    Returns
    -------
    numpy.ndarray
        ``exp(0.91 d)``, with the shape of ``d``; NaN where ``d`` is NaN.

    Notes
    -----
    VanderWeele & Ding (2017) convert a standardised mean difference ``d`` of a
    continuous outcome to an approximate risk ratio ``RR ~ exp(0.91 d)``, and its confidence
    limits to ``exp(0.91 d -/+ 1.78 se_d)``. The factor 0.91 is about half of
    ``pi / sqrt(3) = 1.81``, the logistic conversion of ``d`` to a log odds ratio (Chinn
    2000), the halving being the square-root transformation of an odds ratio into a risk
    ratio for a common outcome (VanderWeele 2017). It rests on the outcome being roughly
    normal within groups; the E-value of the converted ratio reads as the strength needed to
    explain away the association with an outcome dichotomised at an arbitrary cut-off. Apply
    it to the interval by converting its limits.

    References
    ----------
    VanderWeele TJ, Ding P (2017). Sensitivity analysis in observational research:
    introducing the E-value. Annals of Internal Medicine 167(4):268-274.

    Examples
    --------
    >>> from genderbudget._sensitivity import ratio_from_smd
    >>> ratio_from_smd([0.0, 0.5, -0.5]).round(4)
    array([1.    , 1.5762, 0.6344])
    """
    x = _f(d)
    with np.errstate(over="ignore"):
        return np.exp(SMD_TO_LOG_RR * x)


def _two_sided_power(nc: Array, crit: Array, df: Array) -> Array:
    """Power of the two-sided t test (normal where ``df`` is infinite) at noncentrality nc."""
    finite = np.isfinite(df)
    df_t = np.where(finite, df, 1.0)
    # The far tail as the upper tail at -nc: scipy's lower-tail cdf of nct can return NaN
    # where it underflows, its upper tail does not.
    t_power = stats.nct.sf(crit, df_t, nc) + stats.nct.sf(crit, df_t, -nc)
    z_power = stats.norm.sf(crit - nc) + stats.norm.sf(crit + nc)
    return np.asarray(np.where(finite, t_power, z_power), dtype=np.float64)


def detectable_difference(
    se: ArrayLike,
    df: ArrayLike,
    alpha: float,
    power: float = 0.8,
    *,
    exact: bool = False,
) -> Array:
    """Smallest true difference a two-sided t test would detect with the given power.

    Parameters
    ----------
    se : array_like
        Standard errors of the estimated differences.
    df : array_like
        Degrees of freedom of the t test; ``numpy.inf`` for the normal (z) test.
    alpha : float
        Two-sided significance level, in (0, 1).
    power : float, default 0.8
        Required probability of rejecting, in (alpha, 1).
    exact : bool, default False
        Solve the noncentral-t power function instead of using the approximation.

    Returns
    -------
    numpy.ndarray
        The detectable difference, on the scale of ``se``, broadcast over ``se`` and ``df``.
        0 where ``se`` is 0; NaN where ``se`` is negative or not finite or ``df`` is not
        positive.

    Raises
    ------
    ValueError
        If ``alpha`` is not in (0, 1) or ``power`` not in (alpha, 1).

    Notes
    -----
    Approximation (default): ``(t_{1-alpha/2,df} + t_{power,df}) * se``. It ignores the far
    rejection tail and replaces the noncentral t by a central t shifted by ``delta / se``, so
    that ``P(T + delta / se > t_{1-alpha/2,df}) = power`` solves in closed form. With
    ``df = inf`` it is ``(z_{1-alpha/2} + z_{power}) se``, 2.8016 se at the conventional 5 %
    level and 80 % power.

    Exact (``exact=True``): the ``delta >= 0`` at which
    ``P(T' > c) + P(T' < -c) = power`` with ``c = t_{1-alpha/2,df}`` and ``T'`` noncentral t
    with ``df`` degrees of freedom and noncentrality ``delta / se`` (normal with mean
    ``delta / se`` when ``df`` is infinite), found by bisection. This is the power function of
    ``statsmodels.stats.power.TTestPower`` written for a general standard error, and the tests
    check it against that class and against ``TTestIndPower``. The approximation falls short
    of the exact value for few degrees of freedom (by 14 % at ``df = 1``, 0.7 % at ``df = 5``,
    0.09 % at ``df = 10``) and exceeds it by less than 0.03 % from ``df = 30`` on, where the
    ignored far tail is what separates them; use ``exact=True`` when ``df`` is small.

    The answer is on the scale of the test: a difference of means for Welch's t test, a
    log-ratio for a test on the log scale.

    Examples
    --------
    >>> import numpy as np
    >>> from genderbudget._sensitivity import detectable_difference
    >>> detectable_difference([1.0, 1.0], [np.inf, 10], 0.05).round(4)
    array([2.8016, 3.1072])
    """
    _check_levels(alpha, power)
    se_, df_ = np.broadcast_arrays(_f(se), _f(df))
    ok = np.isfinite(se_) & (se_ >= 0.0) & (df_ > 0.0)
    df_ok = np.where(ok, df_, np.inf)
    crit = np.asarray(stats.t.isf(alpha / 2.0, df_ok), dtype=np.float64)
    approx = crit + np.asarray(stats.t.ppf(power, df_ok), dtype=np.float64)
    if not exact:
        return np.where(ok, approx * se_, np.nan)

    # The power is alpha at nc = 0 and increases with nc; find an upper end of the bracket
    # by doubling from the approximation, then bisect.
    low = np.zeros(se_.shape)
    high = np.maximum(2.0 * approx, 1.0)
    short = _two_sided_power(high, crit, df_ok) < power
    while np.any(short):
        low = np.where(short, high, low)
        high = np.where(short, 2.0 * high, high)
        short = _two_sided_power(high, crit, df_ok) < power
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (low + high)
        below = _two_sided_power(mid, crit, df_ok) < power
        low = np.where(below, mid, low)
        high = np.where(below, high, mid)
    return np.where(ok, 0.5 * (low + high) * se_, np.nan)


def _one_direction_rate_difference(
    p: Array, n1: Array, n2: Array, z_alpha: float, z_power: float, sign: float
) -> Array:
    """Solve ``d = z_alpha * s0 + z_power * s1(d)`` for a shift of size d in one direction.

    Group 1 moves by ``sign * d * n2 / N`` and group 2 by ``-sign * d * n1 / N``, so the pooled
    rate stays ``p``. Squaring gives a quadratic in d; its root on the side of ``z_alpha * s0``
    that matches the sign of ``z_power`` is the answer.
    """
    total = n1 + n2
    var_null = p * (1.0 - p) * (1.0 / n1 + 1.0 / n2)  # s0**2, also the constant of s1(d)**2
    linear = sign * (1.0 - 2.0 * p) * (n2 * n2 - n1 * n1) / (total * n1 * n2)
    quadratic = (n1**3 + n2**3) / (total * total * n1 * n2)
    c = z_alpha * np.sqrt(var_null)
    zz = z_power * z_power
    a = 1.0 + zz * quadratic
    b = 2.0 * c + zz * linear
    const = c * c - zz * var_null
    disc = np.maximum(b * b - 4.0 * a * const, 0.0)
    return (b + np.sign(z_power) * np.sqrt(disc)) / (2.0 * a)


def detectable_rate_difference(
    p_pooled: ArrayLike,
    n1: ArrayLike,
    n2: ArrayLike,
    alpha: float,
    power: float = 0.8,
) -> Array:
    """Smallest difference of two proportions the pooled z test would detect with the power.

    Parameters
    ----------
    p_pooled : array_like
        Pooled proportion of the two groups (all successes / all persons).
    n1, n2 : array_like
        Group sizes (women, men).
    alpha : float
        Two-sided significance level, in (0, 1).
    power : float, default 0.8
        Required probability of rejecting, in (alpha, 1).

    Returns
    -------
    numpy.ndarray
        The detectable difference ``|p1 - p2|`` as a proportion (0.05 is 5 percentage
        points), broadcast over the inputs: the larger of the two directions, so a true
        difference of this size either way is detected with at least ``power``. NaN where
        ``p_pooled`` is not in (0, 1), a group size is not positive, or no pair of
        proportions with this pooled rate differs by that much (the answer would put a
        proportion outside [0, 1]).

    Raises
    ------
    ValueError
        If ``alpha`` is not in (0, 1) or ``power`` not in (alpha, 1).

    Notes
    -----
    The test is the two-sample z test with the pooled variance under the null,
    ``Z = (p1_hat - p2_hat) / s0`` with ``s0**2 = p (1 - p) (1/n1 + 1/n2)``, and the
    unpooled variance ``s1**2 = p1 (1 - p1) / n1 + p2 (1 - p2) / n2`` under the alternative
    (Fleiss, Levin & Paik 2003, ch. 4). The true proportions are placed around the pooled rate
    ``p`` so that it is unchanged: ``p1 = p + d n2 / N``, ``p2 = p - d n1 / N`` with
    ``N = n1 + n2`` (and the mirror image for a shift the other way). Ignoring the far
    rejection tail, power ``1 - beta`` is reached when

    ``d = z_{1-alpha/2} s0 + z_{1-beta} s1(d)``,

    the usual sample-size equation solved for ``d`` instead of ``n``. Since ``s1(d)**2`` is
    quadratic in ``d``, squaring gives a quadratic equation, solved in closed form. The far
    tail adds less than ``alpha / 2`` to the power, so the two-sided power at the answer is at
    least ``power``. Checked against ``statsmodels.stats.proportion``:
    ``samplesize_proportions_2indep_onetail`` at the answer returns ``n1`` (relative
    tolerance 1e-8), and ``power_proportions_2indep`` at the answer returns ``power`` one-sided
    at ``alpha / 2`` (1e-10) and slightly more two-sided.

    References
    ----------
    Fleiss JL, Levin B, Paik MC (2003). Statistical Methods for Rates and Proportions, 3rd
    ed. Wiley. Chapter 4.

    Examples
    --------
    >>> from genderbudget._sensitivity import detectable_rate_difference
    >>> detectable_rate_difference([0.5, 0.2], [100, 30], [100, 170], 0.05).round(4)
    array([0.1969, 0.2342])
    """
    _check_levels(alpha, power)
    p, m1, m2 = np.broadcast_arrays(_f(p_pooled), _f(n1), _f(n2))
    ok = (p > 0.0) & (p < 1.0) & (m1 > 0.0) & (m2 > 0.0) & np.isfinite(m1) & np.isfinite(m2)
    p_ok = np.where(ok, p, 0.5)
    m1_ok = np.where(ok, m1, 1.0)
    m2_ok = np.where(ok, m2, 1.0)
    z_alpha = float(stats.norm.isf(alpha / 2.0))
    z_power = float(stats.norm.ppf(power))
    total = m1_ok + m2_ok
    best = np.zeros(p.shape)
    for sign in (1.0, -1.0):
        d = _one_direction_rate_difference(p_ok, m1_ok, m2_ok, z_alpha, z_power, sign)
        p1 = p_ok + sign * d * m2_ok / total
        p2 = p_ok - sign * d * m1_ok / total
        inside = (p1 >= 0.0) & (p1 <= 1.0) & (p2 >= 0.0) & (p2 <= 1.0)
        best = np.where(inside, np.maximum(best, d), np.nan)
    return np.where(ok, best, np.nan)


SENSITIVITY_COLUMNS = ("e_value", "e_value_ci", "detectable_difference")
"""Columns :func:`verdict_sensitivity` adds to the comparisons of :func:`analyse`."""

POWER = 0.8
"""Power of the minimum detectable difference reported next to every verdict."""


def verdict_sensitivity(comparisons: Columns, alpha: float) -> Columns:
    """Add the E-value and the minimum detectable difference of the gap a verdict rests on.

    Parameters
    ----------
    comparisons : Columns
        The comparisons of :func:`genderbudget.analyse`, with the internal columns ``_kind,
        _dse, _ddf, _xw, _xm, _adjusted_se, _adjusted_df`` and the corrected intervals.
    alpha : float
        The rule's level.

    Returns
    -------
    Columns
        The same table, with ``e_value``, ``e_value_ci`` and ``detectable_difference``
        added.

    Notes
    -----
    The gap a verdict rests on is the adjusted one when justified factors were given and it
    could be estimated, else the raw one. On the ratio scale it is ``(men + gap) / men``; the
    E-value of that ratio, and of its multiplicity-corrected confidence limit closest to 1
    (``e_value_ci``, 1 when the corrected interval covers no gap), follow VanderWeele & Ding
    (2017); for amounts the ratio is a ratio of means of a non-negative outcome (see the
    module notes for how far the bound is established there).

    ``detectable_difference`` is the smallest gap that the same test detects with 80 % power
    at level ``alpha / m``, ``m`` the number of tested comparisons of the call: the level at
    which Holm's and Bonferroni's procedures test a single real gap among ``m`` (with
    ``p_adjust="none"``, ``alpha``). Rates without adjustment use the pooled two-proportion
    z test, everything else the t (or normal) test of the verdict with its standard error.
    """
    out = comparisons
    p_raw = column(out, "p_value", float)
    p_adjusted = column(out, "p_adjusted", float)
    tests = int(np.isfinite(p_raw).sum())
    corrected = bool(np.any(np.isfinite(p_adjusted) & (np.abs(p_adjusted - p_raw) > 0)))
    level = alpha / max(tests, 1) if corrected else alpha
    men = column(out, "men", float)
    adjusted = column(out, "adjusted_difference", float)
    use_adjusted = np.isfinite(adjusted)
    gap = np.where(use_adjusted, adjusted, column(out, "difference", float))
    low = np.where(
        use_adjusted,
        column(out, "adjusted_corrected_ci_low", float),
        column(out, "difference_corrected_ci_low", float),
    )
    high = np.where(
        use_adjusted,
        column(out, "adjusted_corrected_ci_high", float),
        column(out, "difference_corrected_ci_high", float),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        base = np.where(men > 0, men, np.nan)
        ratio = (base + gap) / base
        ratio_low, ratio_high = (base + low) / base, (base + high) / base
    added = {"e_value": e_value(ratio), "e_value_ci": e_value_limit(ratio, ratio_low, ratio_high)}

    kind = column(out, "_kind")
    se = np.where(use_adjusted, column(out, "_adjusted_se", float), column(out, "_dse", float))
    df = np.where(use_adjusted, column(out, "_adjusted_df", float), column(out, "_ddf", float))
    detectable = detectable_difference(se.astype(float), df.astype(float), level, POWER)
    raw_rate = (kind == "rate") & ~use_adjusted
    if raw_rate.any():
        xw, xm = column(out, "_xw", float), column(out, "_xm", float)
        nw, nm = column(out, "n_women", float), column(out, "n_men", float)
        with np.errstate(divide="ignore", invalid="ignore"):
            pooled = (xw + xm) / (nw + nm)
        detectable[raw_rate] = detectable_rate_difference(
            pooled[raw_rate], nw[raw_rate], nm[raw_rate], level, POWER
        )
    added["detectable_difference"] = detectable
    comparisons.update(added)
    return comparisons
