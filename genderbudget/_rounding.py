"""Integer shares that add up: the largest-remainder rule (Hamilton's method)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["grouped_largest_remainder", "largest_remainder", "round_within"]


def largest_remainder(total: int, weights: ArrayLike) -> NDArray[np.int64]:
    """Share out the integer ``total`` in proportion to ``weights`` as integers.

    Each part gets the whole number below its exact quota; the units left over go one each
    to the parts with the largest fractional remainders (ties to the earlier part). The
    parts always sum to ``total``.

    Parameters
    ----------
    total : int
        The integer amount to share out (may be negative: the parts are then negative).
    weights : array_like
        Non-negative weights with a positive sum.

    Returns
    -------
    numpy.ndarray of int64
        One integer per weight.

    Examples
    --------
    >>> largest_remainder(10, [1, 1, 1]).tolist()
    [4, 3, 3]
    """
    w = np.asarray(weights, dtype=np.float64)
    if total < 0:
        return -largest_remainder(-total, w)
    quotas = total * w / w.sum()
    counts = np.floor(quotas).astype(np.int64)
    left = total - int(counts.sum())
    order = np.argsort(-(quotas - counts), kind="stable")
    counts[order[:left]] += 1
    return counts


def grouped_largest_remainder(
    totals: ArrayLike, group: ArrayLike, weights: ArrayLike
) -> NDArray[np.int64]:
    """:func:`largest_remainder` for many groups at once, without a loop over the groups.

    Parameters
    ----------
    totals : array_like of int
        The non-negative integer total of each group, indexed by group number.
    group : array_like of int
        The group number (``0 .. len(totals) - 1``) of each part.
    weights : array_like
        Non-negative weight of each part. A group whose weights sum to 0 must have total 0
        (its parts are then 0).

    Returns
    -------
    numpy.ndarray of int64
        One integer per part; the parts of a group sum to its total. Within a group the
        result equals ``largest_remainder(total, weights_of_the_group)`` with the parts in
        the order they appear, so ties go to the earlier part there too.

    Examples
    --------
    >>> grouped_largest_remainder([10, 5], [0, 0, 0, 1, 1], [1, 1, 1, 2, 1]).tolist()
    [4, 3, 3, 3, 2]
    """
    total = np.asarray(totals, dtype=np.int64)
    g = np.asarray(group, dtype=np.int64)
    w = np.asarray(weights, dtype=np.float64)
    if (total < 0).any():
        raise ValueError("grouped_largest_remainder needs non-negative totals.")
    sums = np.bincount(g, weights=w, minlength=total.size)
    if ((sums <= 0) & (total != 0)).any():
        raise ValueError("A group with a positive total has no weight to share it by.")
    safe = np.where(sums > 0, sums, 1.0)
    quotas = total[g] * w / safe[g]
    counts = np.floor(quotas).astype(np.int64)
    left = total - np.bincount(g, weights=counts, minlength=total.size).astype(np.int64)
    # Rank the remainders within each group: largest first, ties to the earlier part.
    position = np.arange(g.size)
    order = np.lexsort((position, -(quotas - counts), g))
    starts = np.searchsorted(g[order], np.arange(total.size), side="left")
    rank = np.empty(g.size, dtype=np.int64)
    rank[order] = position - starts[g[order]]
    return counts + (rank < left[g]).astype(np.int64)


def round_within(values: ArrayLike, group: ArrayLike, step: float = 1.0) -> NDArray[np.int64]:
    """Round non-negative values to whole steps so each group keeps its rounded sum.

    Each group's sum is rounded to the nearest whole number of ``step`` (halves up); those
    steps are then shared out over the group's values by the largest-remainder rule in
    proportion to the values. Used to round money for publication, or to whole öre, without
    creating or losing any.

    Parameters
    ----------
    values : array_like
        Non-negative values.
    group : array_like of int
        Group number of each value, ``0 .. groups - 1``.
    step : float, default 1.0
        The rounding unit.

    Returns
    -------
    numpy.ndarray of int64
        The number of steps of each value (multiply by ``step`` for the rounded value).

    Examples
    --------
    >>> round_within([1.4, 1.4, 1.2], [0, 0, 0]).tolist()
    [2, 1, 1]
    """
    v = np.asarray(values, dtype=np.float64)
    g = np.asarray(group, dtype=np.int64)
    sums = np.bincount(g, weights=v)
    whole = np.floor(sums / step + 0.5).astype(np.int64)
    return grouped_largest_remainder(whole, g, v)
