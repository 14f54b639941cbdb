"""E-values and minimum detectable differences.

References, named beside each number:

* the R package EValue (Mathur, Smith, Ding & VanderWeele), version 4.1.3: its testthat file
  (``tests/testthat/testthat.R``, blocks "Annals case #1", "Annals case #1, preventive
  version", "Annals, Further Examples #1", which encode the worked examples of VanderWeele &
  Ding 2017 as closed forms) and its vignette "unmeasured-confounding" (printed output of
  ``evalues.RR(est = 10.73, lo = 8.02, hi = 14.36)``);
* Ding (2024), A First Course in Causal Inference, Example 17.1 (the same smoking example,
  E-values 20.95 and 15.52);
* the bounding factor of Ding & VanderWeele (2016) with equal associations, by hand algebra;
* statsmodels ``TTestPower``, ``TTestIndPower``, ``power_proportions_2indep`` and
  ``samplesize_proportions_2indep_onetail``; scipy ``norm`` and ``nct``;
* standard normal and t quantiles as printed by R (``qnorm``, ``qt``) and in t tables.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.power import TTestIndPower, TTestPower
from statsmodels.stats.proportion import (
    power_proportions_2indep,
    samplesize_proportions_2indep_onetail,
)

from genderbudget._sensitivity import (
    detectable_difference,
    detectable_rate_difference,
    e_value,
    e_value_limit,
    ratio_from_smd,
)

# R: qnorm(0.975) and qnorm(0.8).
Z_975 = 1.959963984540054
Z_80 = 0.8416212335729143

# --- E-value -------------------------------------------------------------------------------


def test_annals_case_1_point_and_lower_limit() -> None:
    # EValue testthat "Annals case #1": evalues.RR(3.9, 1.8, 8.7) gives
    # 3.9 + sqrt(3.9 * (3.9 - 1)) for the point and 1.8 + sqrt(1.8 * (1.8 - 1)) for the limit.
    assert e_value(3.9) == pytest.approx(3.9 + math.sqrt(3.9 * 2.9), abs=1e-12)
    assert e_value_limit(3.9, 1.8, 8.7) == pytest.approx(1.8 + math.sqrt(1.8 * 0.8), abs=1e-12)
    # By hand: sqrt(3.9 * 2.9) = sqrt(11.31) = 3.36303..., so 7.26; sqrt(1.44) = 1.2, so 3.0.
    assert round(float(e_value(3.9)), 2) == 7.26
    assert float(e_value_limit(3.9, 1.8, 8.7)) == pytest.approx(3.0, abs=1e-12)


def test_annals_case_1_preventive_version_is_symmetric() -> None:
    # EValue testthat "Annals case #1, preventive version": evalues.RR(1/3.9, 1/8.7, 1/1.8)
    # has the same point E-value, and its upper limit 1/1.8 the E-value of 1.8.
    assert e_value(1 / 3.9) == pytest.approx(3.9 + math.sqrt(3.9 * 2.9), abs=1e-12)
    assert e_value_limit(1 / 3.9, 1 / 8.7, 1 / 1.8) == pytest.approx(
        1.8 + math.sqrt(1.8 * 0.8), abs=1e-12
    )


def test_annals_further_example_leukemia() -> None:
    # EValue testthat "Annals, Further Examples #1": evalues.RR(0.80, 0.71, 0.91).
    point = 1 / 0.8 + math.sqrt(1 / 0.8 * (1 / 0.8 - 1))
    upper = 1 / 0.91 + math.sqrt(1 / 0.91 * (1 / 0.91 - 1))
    assert e_value(0.80) == pytest.approx(point, abs=1e-12)
    assert e_value_limit(0.80, 0.71, 0.91) == pytest.approx(upper, abs=1e-12)


def test_smoking_example_printed_by_the_evalue_vignette() -> None:
    # EValue vignette "unmeasured-confounding", evalues.RR(est = 10.73, lo = 8.02, hi = 14.36)
    # prints E-values 20.94777 (point) and 15.52336 (lower); Ding (2024), Example 17.1: 20.95
    # and 15.52.
    assert e_value(10.73) == pytest.approx(20.94777, abs=5e-6)
    assert e_value_limit(10.73, 8.02, 14.36) == pytest.approx(15.52336, abs=5e-6)
    assert round(float(e_value(10.73)), 2) == 20.95
    assert round(float(e_value_limit(10.73, 8.02, 14.36)), 2) == 15.52


def test_e_value_is_where_the_bounding_factor_reaches_the_ratio() -> None:
    # Ding & VanderWeele (2016): B = a b / (a + b - 1); with a = b = E, B = E**2 / (2E - 1).
    # Setting B = RR and solving E**2 - 2 RR E + RR = 0 gives the larger root, so B(E) = RR.
    rr = np.random.default_rng(1).uniform(1.0, 30.0, 200)
    e = e_value(rr)
    assert np.allclose(e * e / (2.0 * e - 1.0), rr, rtol=1e-12, atol=0)
    assert np.all(e >= rr)


def test_e_value_is_one_at_a_ratio_of_one() -> None:
    assert e_value([1.0]).tolist() == [1.0]


@pytest.mark.parametrize("bad", [0.0, -2.0, np.inf, -np.inf, np.nan])
def test_e_value_is_nan_for_a_ratio_that_is_not_positive_and_finite(bad: float) -> None:
    assert np.isnan(e_value([bad, 2.0])[0])


def test_e_value_keeps_the_shape_of_its_input() -> None:
    ratios = np.array([[2.0, 0.5], [1.0, np.nan]])
    out = e_value(ratios)
    assert out.shape == (2, 2)
    assert out[0, 0] == pytest.approx(2.0 + math.sqrt(2.0), abs=1e-12)  # by hand
    assert out[0, 1] == out[0, 0]


def test_e_value_limit_is_one_when_the_interval_covers_one() -> None:
    # VanderWeele & Ding (2017); EValue testthat "True value = lower CI limit": limit E-value 1.
    out = e_value_limit([1.3, 0.8, 1.0, 1.5], [0.9, 0.5, 0.7, 1.0], [1.9, 1.0, 1.4, 2.0])
    assert out.tolist() == [1.0, 1.0, 1.0, 1.0]


def test_e_value_limit_accepts_open_ended_intervals() -> None:
    # By hand: E(2) = 2 + sqrt(2); E(0.5) = E(2).
    expected = 2.0 + math.sqrt(2.0)
    out = e_value_limit([4.0, 0.25], [2.0, 0.0], [np.inf, 0.5])
    assert out == pytest.approx([expected, expected], abs=1e-12)


@pytest.mark.parametrize(
    ("ratio", "low", "high"),
    [(1.2, 1.3, 1.4), (1.5, 1.3, 1.4), (0.6, 0.7, 1.1), (np.nan, 1.1, 1.4), (2.0, np.nan, 3.0)],
)
def test_e_value_limit_is_nan_for_a_point_outside_its_interval(
    ratio: float, low: float, high: float
) -> None:
    # EValue errors on the first three ("Point estimate should be inside confidence interval").
    assert np.isnan(e_value_limit(ratio, low, high))


def test_ratio_from_smd_is_exp_of_0_91_d() -> None:
    # VanderWeele & Ding (2017), as used in EValue testthat "SMD, causative":
    # RR = exp(0.91 * d); with d = 0.5, exp(0.455) = 1.576173...
    d = np.array([-1.0, 0.0, 0.5])
    assert ratio_from_smd(d) == pytest.approx([math.exp(-0.91), 1.0, math.exp(0.455)], abs=1e-12)
    rr = math.exp(0.91 * 0.5)
    assert e_value(ratio_from_smd(0.5)) == pytest.approx(rr + math.sqrt(rr * (rr - 1)), abs=1e-12)


def test_ratio_from_smd_passes_nan_and_overflows_quietly() -> None:
    out = ratio_from_smd([np.nan, 1e4])
    assert np.isnan(out[0])
    assert out[1] == np.inf


# --- detectable difference of a t test -------------------------------------------------------


def test_normal_case_by_hand() -> None:
    # (z_0.975 + z_0.80) se = (1.959963984540054 + 0.8416212335729143) se = 2.8015852181 se.
    se = np.array([0.5, 1.0, 2.0])
    got = detectable_difference(se, np.inf, 0.05, 0.8)
    assert got == pytest.approx((Z_975 + Z_80) * se, abs=1e-12)
    assert got[1] == pytest.approx(2.8015852181129683, abs=1e-8)


def test_t_approximation_with_a_t_table() -> None:
    # t table: t_{0.975, 10} = 2.228, t_{0.80, 10} = 0.879 (R: qt(0.975, 10) = 2.228139,
    # qt(0.8, 10) = 0.8790578).
    got = float(detectable_difference(1.0, 10, 0.05))
    assert got == pytest.approx(2.228139 + 0.8790578, abs=1e-6)
    assert got == pytest.approx(stats.t.isf(0.025, 10) + stats.t.ppf(0.8, 10), abs=1e-12)


def test_exact_normal_case_solves_the_two_sided_power_equation() -> None:
    # scipy.stats.norm: the power of the two-sided z test at shift k (in se units) is
    # P(Z > z - k) + P(Z > z + k); at the exact answer it is 0.8.
    k = float(detectable_difference(1.0, np.inf, 0.05, 0.8, exact=True))
    power = stats.norm.sf(Z_975 - k) + stats.norm.sf(Z_975 + k)
    assert power == pytest.approx(0.8, abs=1e-12)
    # The far tail Phi(-z - k) ~ 1e-6 is what the approximation leaves out, so it is a little
    # larger than the exact answer.
    approx = Z_975 + Z_80
    assert 0.0 < approx - k < 1e-5


@pytest.mark.parametrize("n", [2, 3, 5, 10, 40, 200])
def test_exact_one_sample_against_statsmodels(n: int) -> None:
    # statsmodels TTestPower: one-sample t test with sd 1, so se = 1 / sqrt(n), df = n - 1 and
    # the effect size equals the detectable difference.
    effect = float(detectable_difference(1 / math.sqrt(n), n - 1, 0.05, 0.8, exact=True))
    power = TTestPower().power(effect_size=effect, nobs=n, alpha=0.05, alternative="two-sided")
    assert power == pytest.approx(0.8, abs=1e-9)
    solved = TTestPower().solve_power(nobs=n, alpha=0.05, power=0.8, alternative="two-sided")
    assert effect == pytest.approx(solved, rel=1e-5)  # statsmodels solves with brentq


@pytest.mark.parametrize(("n1", "n2", "alpha", "power"), [(6, 4, 0.05, 0.8), (30, 90, 0.01, 0.9)])
def test_exact_two_sample_against_statsmodels(n1: int, n2: int, alpha: float, power: float) -> None:
    # statsmodels TTestIndPower: pooled two-sample t test with sd 1, se = sqrt(1/n1 + 1/n2),
    # df = n1 + n2 - 2.
    se = math.sqrt(1 / n1 + 1 / n2)
    effect = float(detectable_difference(se, n1 + n2 - 2, alpha, power, exact=True))
    got = TTestIndPower().power(effect_size=effect, nobs1=n1, alpha=alpha, ratio=n2 / n1)
    assert got == pytest.approx(power, abs=1e-9)


def test_approximation_and_exact_value_agree_as_df_grows() -> None:
    df = np.array([1.0, 5.0, 10.0, 30.0, 100.0, 1000.0, np.inf])
    approx = detectable_difference(1.0, df, 0.05)
    exact = detectable_difference(1.0, df, 0.05, exact=True)
    # Few degrees of freedom: the shifted central t falls short of the noncentral t.
    assert np.all(approx[:3] < exact[:3])
    # Many: they agree to 0.03 % (the ignored far tail).
    assert np.allclose(approx[3:], exact[3:], rtol=3e-4, atol=0)
    assert np.all(np.abs(approx - exact)[1:] <= np.abs(approx - exact)[:-1])


def test_detectable_difference_is_vectorised_with_nan_where_undefined() -> None:
    se = np.array([1.0, np.nan, -1.0, np.inf, 0.0, 1.0, 2.0])
    df = np.array([5.0, 5.0, 5.0, 5.0, 5.0, 0.0, np.inf])
    for exact in (False, True):
        got = detectable_difference(se, df, 0.05, exact=exact)
        assert np.isnan(got[[1, 2, 3, 5]]).all()
        assert got[4] == 0.0
        one = detectable_difference(1.0, 5.0, 0.05, exact=exact)
        two = detectable_difference(2.0, np.inf, 0.05, exact=exact)
        assert got[0] == pytest.approx(float(one), abs=1e-12)
        assert got[6] == pytest.approx(float(two), abs=1e-12)


@pytest.mark.parametrize(
    ("alpha", "power", "match"),
    [
        (0.0, 0.8, "alpha must lie"),
        (1.0, 0.8, "alpha must lie"),
        (0.05, 0.05, "power must lie"),
        (0.05, 1.0, "power must lie"),
    ],
)
def test_levels_out_of_range_are_refused(alpha: float, power: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        detectable_difference(1.0, 10, alpha, power)
    with pytest.raises(ValueError, match=match):
        detectable_rate_difference(0.5, 10, 10, alpha, power)


# --- detectable difference of two proportions ---------------------------------------------


def test_rate_difference_equal_groups_by_hand() -> None:
    # n1 = n2 = 100, pooled 0.5: p1 = 0.5 + d/2, p2 = 0.5 - d/2, and d must satisfy
    # d = z_0.975 * sqrt(0.25 * (1/100 + 1/100)) + z_0.80 * sqrt(p1 q1 / 100 + p2 q2 / 100).
    d = float(detectable_rate_difference(0.5, 100, 100, 0.05, 0.8))
    p1, p2 = 0.5 + d / 2, 0.5 - d / 2
    rhs = Z_975 * math.sqrt(0.25 * 0.02) + Z_80 * math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / 100)
    assert d == pytest.approx(rhs, abs=1e-12)
    assert d == pytest.approx(0.19693652951928617, abs=1e-8)  # the root of that equation


@pytest.mark.parametrize(
    ("p", "n1", "n2", "alpha", "power"),
    [
        (0.5, 100, 100, 0.05, 0.8),
        (0.2, 30, 170, 0.05, 0.8),
        (0.7, 500, 60, 0.05, 0.8),
        (0.35, 1200, 800, 0.01, 0.9),
        (0.1, 250, 250, 0.05, 0.8),
    ],
)
def test_rate_difference_against_statsmodels(
    p: float, n1: int, n2: int, alpha: float, power: float
) -> None:
    d = float(detectable_rate_difference(p, n1, n2, alpha, power))
    total = n1 + n2
    sample_sizes = []
    for sign in (1.0, -1.0):
        p1, p2 = p + sign * d * n2 / total, p - sign * d * n1 / total
        assert (n1 * p1 + n2 * p2) / total == pytest.approx(p, abs=1e-12)  # pooled rate kept
        # statsmodels: sample size for the one-tail approximation at alpha (two-sided).
        sample_sizes.append(
            samplesize_proportions_2indep_onetail(p1 - p2, p2, power, ratio=n2 / n1, alpha=alpha)
        )
        # statsmodels: the two-sided power of the pooled z test is at least the target ...
        two_sided = power_proportions_2indep(p1 - p2, p2, n1, ratio=n2 / n1, alpha=alpha)
        assert two_sided.power >= power - 1e-12
        assert two_sided.p_pooled == pytest.approx(p, abs=1e-12)
    # ... and in the harder direction the answer is exactly what n1 women and n2 men buy.
    assert max(sample_sizes) == pytest.approx(n1, rel=1e-8)
    binding = int(np.argmax(sample_sizes))
    sign = 1.0 if binding == 0 else -1.0
    p1, p2 = p + sign * d * n2 / total, p - sign * d * n1 / total
    one_tail = power_proportions_2indep(
        p1 - p2,
        p2,
        n1,
        ratio=n2 / n1,
        alpha=alpha / 2,
        alternative="larger" if sign > 0 else "smaller",
    )
    assert one_tail.power == pytest.approx(power, abs=1e-10)


def test_rate_difference_does_not_depend_on_which_group_is_first() -> None:
    a = detectable_rate_difference(0.2, 30, 170, 0.05)
    b = detectable_rate_difference(0.2, 170, 30, 0.05)
    assert float(a) == pytest.approx(float(b), abs=1e-12)


def test_rate_difference_is_nan_where_undefined() -> None:
    # p = 0.05 with 40 + 40: the answer (0.1345) would need p2 = 0.05 - 0.067 < 0, so no pair of
    # proportions with this pooled rate is detectable with 80 % power.
    got = detectable_rate_difference(
        [0.0, 1.0, np.nan, 0.5, 0.5, 0.05, 0.5],
        [10, 10, 10, 0, 10, 40, 10],
        [10, 10, 10, 10, np.nan, 40, 10],
        0.05,
    )
    assert np.isnan(got[:6]).all()
    assert np.isfinite(got[6])
