"""``follow_up``: the gap per year against a target — whether and when it was met, and the trend."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

import numpy as np
import pandas as pd

from genderbudget import _intervals as iv
from genderbudget._measures import Measure
from genderbudget._models import wls
from genderbudget._options import check_choice, check_number, masked
from genderbudget._result import Result

__all__ = ["follow_up", "follow_up_columns"]

Gap = Literal["difference", "adjusted"]

NOT_A_RESULT = "follow_up needs the Result of gb.analyse(...), got {value!r}."
TIME_NOT_BY = (
    "time={time!r} is not a breakdown of this result (by={by!r}). Run gb.analyse(..., "
    "by=[{time!r}, ...]) so there is one comparison per year."
)
NO_ADJUSTED = (
    "gap='adjusted' needs a result with justified factors: gb.analyse(..., justified=[...])."
)
BAD_YEAR = "target_year must be a year (an integer), got {value!r}."

NO_TIME = (
    "follow_up needs the breakdown that holds the year: time='...' (one of the result's "
    "breakdowns {by!r})."
)

_GAP_COLUMNS: Final[dict[str, tuple[str, str, str, str]]] = {
    "difference": ("difference", "difference_ci_low", "difference_ci_high", "difference_se"),
    "adjusted": ("adjusted_difference", "adjusted_ci_low", "adjusted_ci_high", "adjusted_se"),
}


def follow_up_columns(by: Sequence[str], time: str) -> list[str]:
    """Return the columns of :func:`follow_up`'s table, in order."""
    others = [b for b in by if b != time]
    return [
        "measure",
        *others,
        time,
        "women",
        "men",
        "gap",
        "gap_ci_low",
        "gap_ci_high",
        "gap_basis",
        "flag",
        "target",
        "tolerance",
        "distance",
        "met",
        "met_with_confidence",
        "first_met",
        "target_year",
        "met_by_target_year",
        "trend_per_year",
        "trend_ci_low",
        "trend_ci_high",
    ]


def follow_up(
    result: Result,
    measure: Measure | str | None = None,
    *,
    time: str | None = None,
    target: float = 0.0,
    target_year: int | None = None,
    tolerance: float | None = None,
    gap: Gap = "difference",
) -> pd.DataFrame:
    """Follow a gap year by year against a target: met or not, since when, and the trend.

    Parameters
    ----------
    result : Result
        From :func:`analyse` with the time column among the breakdowns (``by``).
    measure : Measure or str, optional
        The measure to follow; default every measure of the result.
    time : str, optional
        The breakdown column holding the year; may be left out when the result has one
        breakdown only.
    target : float, default 0.0
        The target gap women - men in the measure's unit (0: equal; for a rate in
        proportions).
    target_year : int, optional
        The year by which the target should be met (e.g. 2020).
    tolerance : float, optional
        How close to the target counts as met, in the measure's unit. Default: the
        materiality threshold of the result's :class:`FlagRule` in each year,
        ``max(min_difference, min_relative * |men|)`` — a gap smaller than that is not
        material, so the target is met.
    gap : {"difference", "adjusted"}, default "difference"
        Follow the raw gap or the gap adjusted for the justified factors.

    Returns
    -------
    pandas.DataFrame
        One row per measure x other breakdowns x year, sorted by year, with the columns
        ``measure, <other breakdowns>, <time>, women, men, gap, gap_ci_low, gap_ci_high,
        gap_basis, flag, target, tolerance, distance, met, met_with_confidence, first_met,
        target_year, met_by_target_year, trend_per_year, trend_ci_low, trend_ci_high``:

        - ``gap_basis``: ``"difference"`` or ``"adjusted"``, the ``gap`` option (a method
          code, see :func:`genderbudget.method_label`);
        - ``distance = gap - target``; ``met``: ``|distance| <= tolerance``;
          ``met_with_confidence``: the whole interval of the gap within
          ``target +- tolerance``;
        - ``first_met`` (per series): the first year from which the target was met in every
          later year with a gap (a single good year followed by a relapse does not count);
          NA if not met in the last year;
        - ``met_by_target_year``: met in ``target_year`` (NA without one, or if the year is
          not in the data);
        - ``trend_per_year`` (per series): the weighted least-squares slope of the gap on the
          year, weights ``1 / se**2`` with ``se`` from each year's interval, and its interval.

    Raises
    ------
    ValueError
        The time column is not a breakdown, the measure is unknown, ``gap="adjusted"``
        without justified factors, or a non-finite target or tolerance.

    Notes
    -----
    The trend treats the yearly gaps as independent estimates with known variances, the
    squared standard errors the result holds for them (``difference_se`` or
    ``adjusted_se``: the ``se`` of each t or normal interval; for the score interval of a
    rate difference the half-width over the normal quantile, an approximation):
    ``slope = (X'WX)^-1 X'W y`` with covariance ``(X'WX)^-1``, the same as statsmodels
    ``WLS(...).fit(cov_type="fixed scale")``. It needs at least two years with an interval.

    Examples
    --------
    >>> import genderbudget as gb
    >>> data = gb.datasets.load_kriminalvarden()
    >>> result = gb.analyse(
    ...     data, gb.rate("arbetsdrift"), sex="kon", by="ar",
    ...     justified=["sakerhetsklass", "strafflangd"],
    ... )
    >>> table = gb.follow_up(result, gap="adjusted", target_year=2020)
    >>> table[["ar", "met", "first_met", "met_by_target_year"]]
         ar    met  first_met  met_by_target_year
    0  2016  False       2020                True
    1  2017  False       2020                True
    2  2018  False       2020                True
    3  2019  False       2020                True
    4  2020   True       2020                True
    5  2021   True       2020                True
    """
    if not isinstance(result, Result):
        raise TypeError(NOT_A_RESULT.format(value=type(result).__name__))
    by = list(result.settings.by)
    if time is None:
        if len(by) != 1:
            raise ValueError(NO_TIME.format(by=by))
        time = by[0]
    if time not in by:
        raise ValueError(TIME_NOT_BY.format(time=masked(time), by=by))
    check_choice(gap, "gap", tuple(_GAP_COLUMNS))
    if gap == "adjusted" and not result.settings.justified:
        raise ValueError(NO_ADJUSTED)
    target = check_number(target, "target")
    if tolerance is not None:
        tolerance = check_number(tolerance, "tolerance", low=0.0)
    if target_year is not None and (
        isinstance(target_year, bool) or not isinstance(target_year, int | np.integer)
    ):
        raise ValueError(BAD_YEAR.format(value=masked(target_year)))

    comparisons = result.comparisons
    names = list(dict.fromkeys(comparisons["measure"]))
    if measure is not None:
        name = result.settings.measure(measure).name
        comparisons = comparisons.loc[comparisons["measure"] == name]

    rule = result.settings.rule
    z = iv.normal_quantile(result.settings.confidence)
    estimate, low, high, se = _GAP_COLUMNS[gap]
    others = [b for b in by if b != time]

    table = pd.DataFrame(
        {
            "measure": comparisons["measure"].to_numpy(),
            **{b: comparisons[b].to_numpy() for b in by},
            "women": comparisons["women"].to_numpy(dtype=float),
            "men": comparisons["men"].to_numpy(dtype=float),
            "gap": comparisons[estimate].to_numpy(dtype=float),
            "gap_ci_low": comparisons[low].to_numpy(dtype=float),
            "gap_ci_high": comparisons[high].to_numpy(dtype=float),
            "_se": comparisons[se].to_numpy(dtype=float),
            "flag": comparisons["flag"].to_numpy(),
        }
    )
    table["gap_basis"] = gap
    table["target"] = target
    if tolerance is None:
        threshold = table["measure"].map(rule.difference_threshold).to_numpy(dtype=float)
        table["tolerance"] = np.maximum(threshold, rule.min_relative * table["men"].abs())
    else:
        table["tolerance"] = tolerance
    table["distance"] = table["gap"] - target
    known = np.isfinite(table["distance"].to_numpy(dtype=float))
    met = np.abs(table["distance"]) <= table["tolerance"]
    table["met"] = _with_na(met.to_numpy(dtype=bool), known)
    interval_known = known & np.isfinite(table[["gap_ci_low", "gap_ci_high"]]).all(axis=1)
    within = (table["gap_ci_low"] >= target - table["tolerance"]) & (
        table["gap_ci_high"] <= target + table["tolerance"]
    )
    table["met_with_confidence"] = _with_na(within.to_numpy(dtype=bool), interval_known)
    table["target_year"] = target_year if target_year is not None else pd.NA

    table = table.sort_values(["measure", *others, time], kind="stable").reset_index(drop=True)
    keys = ["measure", *others]
    series_parts = []
    for _, series in table.groupby(keys, sort=False, dropna=False):
        series_parts.append(_series_summary(series, time, target_year, z))
    summary = pd.concat(series_parts)
    table = table.join(summary)
    order = {name: i for i, name in enumerate(names)}
    table = table.assign(__m=table["measure"].map(order))
    table = table.sort_values(["__m", *others, time], kind="stable").reset_index(drop=True)
    return table[follow_up_columns(by, time)]


def _series_summary(
    series: pd.DataFrame, time: str, target_year: int | None, z: float
) -> pd.DataFrame:
    """first_met, met_by_target_year and the trend of one series, on each of its rows."""
    met = series["met"]
    observed = met.dropna()
    first_met: object = pd.NA
    if len(observed) and bool(observed.iloc[-1]):
        failed = observed.index[~observed.to_numpy(dtype=bool)]
        held = observed.loc[observed.index > failed[-1]] if len(failed) else observed
        first_met = series.loc[held.index[0], time]
    by_target: object = pd.NA
    if target_year is not None:
        at = series.loc[series[time] == target_year, "met"]
        if len(at) == 1 and not pd.isna(at.iloc[0]):
            by_target = bool(at.iloc[0])
    slope, slope_low, slope_high = _trend(series, time, z)
    return pd.DataFrame(
        {
            "first_met": _repeat(first_met, len(series)).array,
            "met_by_target_year": _with_na(
                np.full(len(series), by_target is True),
                np.full(len(series), by_target is not pd.NA),
            ),
            "trend_per_year": slope,
            "trend_ci_low": slope_low,
            "trend_ci_high": slope_high,
        },
        index=series.index,
    )


def _with_na(values: np.ndarray, known: np.ndarray) -> pd.arrays.BooleanArray:
    """Return a nullable boolean column, NA where the value is not known."""
    return pd.arrays.BooleanArray(values.astype(bool), ~np.asarray(known, dtype=bool))


def _repeat(value: object, size: int) -> pd.Series:
    """Repeat ``value`` on ``size`` rows; nullable integers for a year number or NA."""
    column = pd.Series([value] * size, dtype=object)
    if value is pd.NA or isinstance(value, int | np.integer):
        return column.astype("Int64")
    return column


def _trend(series: pd.DataFrame, time: str, z: float) -> tuple[float, float, float]:
    """Weighted least-squares slope of the gap on time with known variances."""
    try:
        x = pd.to_numeric(series[time]).to_numpy(dtype=float)
    except (TypeError, ValueError):
        return np.nan, np.nan, np.nan
    y = series["gap"].to_numpy(dtype=float)
    se = series["_se"].to_numpy(dtype=float)
    ok = np.isfinite(x) & np.isfinite(y) & np.isfinite(se) & (se > 0)
    if ok.sum() < 2 or np.unique(x[ok]).size < 2:
        return np.nan, np.nan, np.nan
    weight = 1.0 / se[ok] ** 2
    # Centring the years at their weighted mean leaves the slope and its variance unchanged
    # and keeps the normal equations well conditioned.
    centred = x[ok] - np.average(x[ok], weights=weight)
    design = np.column_stack([np.ones(ok.sum()), centred])
    coefficients, covariance = wls(design, weight, weight * y[ok])
    slope = float(coefficients[1])
    half = z * float(np.sqrt(covariance[1, 1]))
    return slope, slope - half, slope + half
