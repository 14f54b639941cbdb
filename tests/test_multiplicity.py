"""Intervals at the corrected level: the pieces, against statsmodels and hand computation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from genderbudget import _intervals as iv
from genderbudget._multiplicity import (
    corrected_level,
    newcombe_at,
    newcombe_pvalue,
    t_interval_at,
    wald_pvalue,
)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2"), [(30, 80, 60, 100), (5, 40, 12, 45), (70, 90, 20, 60)]
)
def test_newcombe_pvalue_is_where_statsmodels_newcombe_interval_touches_zero(
    x1: int, n1: int, x2: int, n2: int
) -> None:
    p = float(newcombe_pvalue(np.array([x1]), np.array([n1]), np.array([x2]), np.array([n2]))[0])
    # statsmodels: confint_proportions_2indep(..., method="newcomb", compare="diff") at
    # alpha = p has a bound at 0 (to the bisection's precision).
    low, high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", alpha=p)
    assert min(abs(low), abs(high)) == pytest.approx(0.0, abs=1e-9)
    mine = newcombe_at(np.array([x1]), np.array([n1]), np.array([x2]), np.array([n2]), p)
    assert mine[0][0] == pytest.approx(low, abs=1e-12)
    assert mine[1][0] == pytest.approx(high, abs=1e-12)


def test_equal_rates_have_newcombe_pvalue_one() -> None:
    p = newcombe_pvalue(np.array([10.0]), np.array([40.0]), np.array([20.0]), np.array([80.0]))
    assert p[0] == 1.0


def test_corrected_level_by_hand() -> None:
    # Hand computation: alpha * p / p_adjusted; Bonferroni's alpha / m where both are 0.
    level = corrected_level(
        np.array([0.01, 0.2, 0.0, np.nan]), np.array([0.04, 0.6, 0.0, 0.5]), 0.05, 5
    )
    np.testing.assert_allclose(level[:3], [0.0125, 0.05 / 3, 0.01], rtol=1e-12)
    assert np.isnan(level[3])


def test_t_interval_and_its_p_value_are_dual() -> None:
    estimate, se, df = np.array([1.3, -0.4]), np.array([0.5, 0.3]), np.array([7.0, np.inf])
    p = wald_pvalue(estimate, se, df)
    low, high = t_interval_at(estimate, se, df, p)
    # At the level of its own p-value the interval just touches 0.
    np.testing.assert_allclose(np.minimum(abs(low), abs(high)), 0.0, atol=1e-12)


def test_the_t_quantiles_and_tails_are_scipys() -> None:
    # Reference: scipy.stats.t.isf and t.sf, which wrap the same special functions in
    # argument checks; equal to the bit, an infinite df giving the normal's.
    rng = np.random.default_rng(0)
    df = np.r_[rng.uniform(0.05, 1e4, 400), np.inf, 1.0, 2.0]
    q = rng.uniform(1e-12, 0.5, df.size)
    x = np.r_[rng.normal(0.0, 20.0, df.size - 1), 1e300]
    np.testing.assert_array_equal(iv.t_isf(q, df), stats.t.isf(q, df))
    np.testing.assert_array_equal(iv.t_sf(x, df), stats.t.sf(x, df))
    assert iv.t_isf(0.025, np.inf) == pytest.approx(1.959963984540054, rel=1e-15)


def _bisection_of_fixed_length(
    x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray, steps: int = 80
) -> np.ndarray:
    """Where Newcombe's interval touches 0, by bisection on log(alpha) for a fixed number of
    steps, deciding on both bounds of the interval (rates assumed unequal, groups filled)."""
    from genderbudget._multiplicity import SMALLEST_ALPHA, _newcombe_at

    low_log = np.full(len(x1), np.log(SMALLEST_ALPHA))
    high_log = np.zeros(len(x1))
    floor_low, floor_high = _newcombe_at(x1, n1, x2, n2, np.exp(low_log))
    at_floor = (floor_low > 0) | (floor_high < 0)
    for _ in range(steps):
        middle = (low_log + high_log) / 2.0
        low, high = _newcombe_at(x1, n1, x2, n2, np.exp(middle))
        hit = (low > 0) | (high < 0)
        high_log = np.where(hit, middle, high_log)
        low_log = np.where(hit, low_log, middle)
    result = np.exp(high_log)
    result[at_floor] = SMALLEST_ALPHA
    return result


def test_newcombe_pvalue_stops_where_more_steps_change_nothing() -> None:
    # Reference: a plain bisection of 80 steps on both bounds of the interval, with no early
    # stop; the library stops once no bracket changes and reads one bound, the same bits.
    rng = np.random.default_rng(1)
    n1, n2 = rng.integers(1, 3000, 300).astype(float), rng.integers(1, 3000, 300).astype(float)
    x1, x2 = np.floor(n1 * rng.uniform(size=300)), np.floor(n2 * rng.uniform(size=300))
    keep = x1 / n1 != x2 / n2
    x1, n1, x2, n2 = x1[keep], n1[keep], x2[keep], n2[keep]
    np.testing.assert_array_equal(
        newcombe_pvalue(x1, n1, x2, n2), _bisection_of_fixed_length(x1, n1, x2, n2)
    )


def test_the_bisection_reads_the_same_bound_as_the_interval() -> None:
    # Reference: Newcombe's interval itself (both bounds); the bisection computes only the
    # bound that can exclude 0 and must decide the same to the bit.
    from genderbudget._multiplicity import _excludes_zero, _newcombe_at

    rng = np.random.default_rng(2)
    n1, n2 = rng.integers(1, 500, 400).astype(float), rng.integers(1, 500, 400).astype(float)
    x1, x2 = np.floor(n1 * rng.uniform(size=400)), np.floor(n2 * rng.uniform(size=400))
    x1[:40], x2[40:80] = 0.0, n2[40:80]
    keep = x1 / n1 != x2 / n2
    x1, n1, x2, n2 = x1[keep], n1[keep], x2[keep], n2[keep]
    excludes = _excludes_zero(x1, n1, x2, n2)
    for alpha in (1e-15, 1e-6, 0.01, 0.05, 0.3, 0.9, 1.0):
        level = np.full(len(x1), alpha)
        low, high = _newcombe_at(x1, n1, x2, n2, level)
        np.testing.assert_array_equal(excludes(level), (low > 0) | (high < 0))
