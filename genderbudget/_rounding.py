"""Integer shares that add up: the largest-remainder rule (Hamilton's method)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["largest_remainder"]


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
