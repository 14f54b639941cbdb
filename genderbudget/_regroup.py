"""Sufficient statistics of one measure, summed from the cells of a result to coarser cells.

Counts and sums add up, so the statistics of a breakdown cell are the sums over the finer
cells inside it: a later analysis (:func:`genderbudget.equalize`) can work from the cells
that :func:`genderbudget.analyse` already computed, for any subset of its breakdowns,
without a second pass over the rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from genderbudget._cells import STAT_COLUMNS, CellStats

__all__ = ["regroup"]

_SUMS = [c for c in STAT_COLUMNS if c not in ("units", "has_syy")]


def regroup(
    cells: CellStats, measure: str, keys: Sequence[str], justified: Sequence[str] = ()
) -> CellStats:
    """Sum the statistics of ``measure`` from finer cells to ``keys`` x sex.

    Parameters
    ----------
    cells : CellStats
        From the one pass over the rows, broken down by a superset of ``keys``.
    measure : str
        The measure's name.
    keys : sequence of str
        The breakdown of the new cells; each must be a breakdown of ``cells``.
    justified : sequence of str, optional
        Factors whose patterns to keep (they must be the factors of ``cells``).

    Returns
    -------
    CellStats
        ``stats`` per ``measure, <keys...>, sex``; the patterns per ``<keys...>, <factors...>,
        sex`` when ``justified`` is given; the per-cluster sums per ``<keys...>, sex,
        cluster`` when the measure has a cluster; the exclusions of the measure. ``units``
        of a clustered measure counts the distinct clusters of the new cell (a unit in
        several finer cells counts once); otherwise it is summed.
    """
    keys = list(keys)
    own_stats = cells.stats.loc[cells.stats["measure"] == measure]
    stats = _summed(own_stats, ["measure", *keys, "sex"], [*_SUMS, "units"])
    known = own_stats.groupby([*keys, "sex"], sort=True, dropna=False, observed=True)["has_syy"]
    stats["has_syy"] = known.all().to_numpy(dtype=bool)

    units = None
    if cells.units is not None:
        own = cells.units.loc[cells.units["measure"] == measure]
        if len(own):
            units = _summed(own, ["measure", *keys, "sex", "cluster"], ["rows", "sy", "sx"])
            distinct = units.groupby([*keys, "sex"], sort=True, dropna=False)["cluster"].size()
            stats["units"] = distinct.reindex(
                pd.MultiIndex.from_frame(stats[[*keys, "sex"]]) if keys else stats["sex"]
            ).to_numpy()

    patterns = None
    if justified and cells.patterns is not None:
        own = cells.patterns.loc[cells.patterns["measure"] == measure]
        patterns = _summed(
            own, ["measure", *keys, *justified, "sex"], [c for c in own.columns if c in _SUMS]
        )

    exclusions = cells.exclusions.loc[cells.exclusions["measure"] == measure]
    return CellStats(
        stats=stats[["measure", *keys, "sex", *STAT_COLUMNS]],
        exclusions=exclusions.reset_index(drop=True),
        rows_in=cells.rows_in,
        patterns=patterns,
        units=units,
    )


def _summed(frame: pd.DataFrame, keys: list[str], sums: list[str]) -> pd.DataFrame:
    """Sum ``sums`` per ``keys`` (missing key values kept as their own group)."""
    grouped = frame.groupby(keys, sort=True, dropna=False, observed=True)[sums].sum()
    return grouped.reset_index()
