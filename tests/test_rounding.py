"""The largest-remainder rule, one group and many groups at once.

Reference: Hamilton's method by hand (the floor of each quota, the units left over to the
largest remainders), and, for the grouped version, the one-group version applied group by
group.
"""

from __future__ import annotations

import numpy as np
import pytest

from genderbudget._rounding import grouped_largest_remainder, largest_remainder, round_within


def test_hand_example() -> None:
    # Quotas 100 * (3, 2, 2) / 7 = 42.857, 28.571, 28.571: floors 42, 28, 28 leave 2 units,
    # which go to the largest remainder (0.857) and then to the earlier of the tied 0.571s.
    assert largest_remainder(100, [3, 2, 2]).tolist() == [43, 29, 28]


def test_negative_total_mirrors_the_positive() -> None:
    assert largest_remainder(-100, [3, 2, 2]).tolist() == [-43, -29, -28]


@pytest.mark.parametrize("seed", range(20))
def test_grouped_equals_one_group_at_a_time(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 30))
    group = rng.permutation(np.repeat(np.arange(k), rng.integers(1, 6, k)))
    weights = rng.integers(0, 5, group.size).astype(float) if seed % 2 else rng.random(group.size)
    totals = rng.integers(0, 10 ** int(rng.integers(1, 13)), k)
    sums = np.bincount(group, weights=weights, minlength=k)
    totals[sums == 0] = 0
    got = grouped_largest_remainder(totals, group, weights)
    for j in range(k):
        rows = group == j
        expected = (
            largest_remainder(int(totals[j]), weights[rows])
            if sums[j] > 0
            else np.zeros(rows.sum(), dtype=np.int64)
        )
        assert got[rows].tolist() == expected.tolist()
        assert got[rows].sum() == totals[j]


def test_grouped_refuses_a_total_without_weight() -> None:
    with pytest.raises(ValueError, match="no weight"):
        grouped_largest_remainder([5], [0, 0], [0.0, 0.0])


def test_grouped_refuses_negative_totals() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        grouped_largest_remainder([-5], [0], [1.0])


def test_round_within_keeps_each_group_sum_by_hand() -> None:
    # Group 0: 1400 + 1400 + 1200 = 4000 -> 4 thousands; floors 1, 1, 1 leave one, which goes
    # to the first of the tied remainders 0.4. Group 1: 2600 -> 3 thousands (2.6 rounds up);
    # quotas 3 * 2600 / 2600 = 3.
    steps = round_within([1400, 1400, 1200, 2600], [0, 0, 0, 1], 1000)
    assert steps.tolist() == [2, 1, 1, 3]
