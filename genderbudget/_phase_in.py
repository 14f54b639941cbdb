"""``phase_in``: spread the places of an :func:`equalize` plan over the years to a target."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from genderbudget._privacy import masked
from genderbudget._rounding import largest_remainder

__all__ = ["PHASE_IN_COLUMNS", "phase_in"]

PHASE_IN_COLUMNS: tuple[str, ...] = ("year", "added", "cumulative", "unit_cost", "cost_in_year")
"""The columns of :func:`phase_in`'s table after the breakdowns."""

NOT_A_PLAN = (
    "phase_in needs the table returned by gb.equalize(...); it lacks the column(s) {missing}."
)
BAD_YEARS = (
    "years must be a non-empty list of distinct years (e.g. range(2017, 2021) to reach the "
    "target in 2020), got {value!r}."
)
BAD_WEIGHTS = (
    "weights must be one non-negative number per year ({years} years) with a positive sum, "
    "e.g. [1, 2, 2, 1]; got {value!r}."
)
BAD_CHANGE = (
    "Column 'change' of the plan must hold whole numbers of places; {rows} row(s) do not "
    "(e.g. {example!r}). Use the plan as gb.equalize returns it."
)


def phase_in(
    plan: pd.DataFrame,
    *,
    years: Sequence[int],
    weights: Sequence[float] | None = None,
) -> pd.DataFrame:
    """Spread the places of an :func:`equalize` plan over the years up to a target year.

    Parameters
    ----------
    plan : pandas.DataFrame
        The table from :func:`equalize` (usually for one base year).
    years : sequence of int
        The years in which places are added, in order; the last is the target year.
    weights : sequence of float, optional
        How much of the change to add in each year (e.g. ``[1, 2, 2, 1]``); default equal
        steps.

    Returns
    -------
    pandas.DataFrame
        One row per plan row with a non-zero ``change`` and year, with the plan's key
        columns (``measure``, the breakdowns, the unit, ``sex``) and ``year, added,
        cumulative, unit_cost, cost_in_year``. ``added`` are whole places, shared out by the
        largest-remainder rule so that they sum exactly to the plan's ``change``;
        ``cumulative`` is the running total; ``cost_in_year = |cumulative| * unit_cost``
        (a place added in one year costs in every later year).

    Raises
    ------
    ValueError
        The plan is not an :func:`equalize` table, the years are empty or repeat, or the
        weights do not match the years.

    Examples
    --------
    >>> import genderbudget as gb
    >>> data = gb.datasets.load_kriminalvarden()
    >>> plan = gb.equalize(
    ...     data.query("ar == 2016"), "arbetsdrift", sex="kon",
    ...     justified=["sakerhetsklass", "strafflangd"], unit_cost=250_000,
    ... )
    >>> gb.phase_in(plan, years=[2017, 2018, 2019, 2020])[["year", "added", "cumulative"]]
       year  added  cumulative
    0  2017     10          10
    1  2018     10          20
    2  2019     10          30
    3  2020      9          39
    """
    if not isinstance(plan, pd.DataFrame):
        raise TypeError(NOT_A_PLAN.format(missing="(it is not a pandas DataFrame)"))
    required = ["measure", "sex", "change", "unit_cost"]
    missing = [c for c in required if c not in plan.columns]
    if missing:
        raise ValueError(NOT_A_PLAN.format(missing=", ".join(repr(c) for c in missing)))
    if isinstance(years, str | bytes) or not isinstance(years, Sequence | range):
        raise ValueError(BAD_YEARS.format(value=masked(years)))
    year_list = list(years)
    if not year_list or len(set(year_list)) != len(year_list):
        raise ValueError(BAD_YEARS.format(value=masked(years)))
    if weights is None:
        shares = np.ones(len(year_list))
    else:
        try:
            shares = np.asarray(list(weights), dtype=float)
        except (TypeError, ValueError):
            raise ValueError(
                BAD_WEIGHTS.format(years=len(year_list), value=masked(weights))
            ) from None
        ok = (
            shares.shape == (len(year_list),)
            and bool(np.all(np.isfinite(shares)))
            and bool(np.all(shares >= 0))
            and shares.sum() > 0
        )
        if not ok:
            raise ValueError(BAD_WEIGHTS.format(years=len(year_list), value=masked(weights)))
    change = pd.to_numeric(plan["change"], errors="coerce").to_numpy(dtype=float)
    whole = np.isfinite(change) & (change == np.round(change))
    if not whole.all():
        bad = plan.loc[~whole, "change"]
        raise ValueError(BAD_CHANGE.format(rows=len(bad), example=masked(bad.iloc[0])))

    keys = list(plan.columns[: list(plan.columns).index("sex") + 1])
    records = []
    for position in np.flatnonzero(change != 0):
        row = plan.iloc[position]
        added = largest_remainder(int(change[position]), shares)
        cumulative = np.cumsum(added)
        unit_cost = float(row["unit_cost"])
        for year, a, c in zip(year_list, added, cumulative, strict=True):
            record = {k: row[k] for k in keys}
            record.update(
                year=year,
                added=int(a),
                cumulative=int(c),
                unit_cost=unit_cost,
                cost_in_year=abs(int(c)) * unit_cost if not math.isnan(unit_cost) else np.nan,
            )
            records.append(record)
    columns = [*keys, *PHASE_IN_COLUMNS]
    out = pd.DataFrame.from_records(records, columns=columns)
    for column in ("added", "cumulative"):
        out[column] = out[column].astype(np.int64)
    return out
