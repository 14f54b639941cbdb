"""Judgement: whether a gap is unexplained, explained, absent, or not assessable.

A gap is flagged ``unexplained_gap`` only when it is statistically supported after
adjustment for the justified factors and after multiple-testing correction, material by
the thresholds of the :class:`FlagRule`, and both sexes have at least ``min_n`` persons. It
is ``explained_gap`` when the raw gap is supported and material but the adjusted gap is not.
The shape follows the Swiss equal-pay tool logib (significance *and* materiality *and* a
minimum n, each an explicit level).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from genderbudget._columns import Columns, column, objects
from genderbudget._notes import as_texts, note
from genderbudget._privacy import masked
from genderbudget._sums import cell_numbers

__all__ = ["FLAGS", "RESOURCE_ACCESS_COLUMNS", "FlagRule", "assign_flags", "resource_access"]

Flag = Literal["unexplained_gap", "explained_gap", "no_gap", "insufficient_data", "not_assessed"]
FLAGS: tuple[str, ...] = get_args(Flag)
PAdjust = Literal["holm", "bonferroni", "fdr_bh", "none"]

BAD_RULE = "FlagRule.{name} must be {what}, got {value!r}."


@dataclass(frozen=True)
class FlagRule:
    """Thresholds that turn a comparison into a flag.

    Parameters
    ----------
    alpha : float, default 0.05
        Significance level for the multiple-testing-adjusted p-values.
    p_adjust : {"holm", "bonferroni", "fdr_bh", "none"}, default "holm"
        Multiple-testing method used by :func:`analyse` when it is given this rule and no
        ``p_adjust`` of its own; applied to raw and adjusted p-values alike.
    min_n : int, default 20
        Minimum number of persons of each sex; below it the flag is ``insufficient_data``.
    min_units : int, default 3
        Minimum number of units (clusters: prisons, youth-home units) of each sex for a
        measure with ``cluster=``; below it the flag is ``insufficient_data``, whatever the
        number of persons, because the variance of a ratio over units is estimated from the
        units alone. With 2 units a sex's variance rests on a single degree of freedom.
    min_relative : float, default 0.05
        Materiality: the gap must be at least this share of men's value
        (``|difference| / |men| >= min_relative``).
    min_difference : float or dict, default 0.0
        Materiality in the measure's own unit (a rate's in proportions: 0.02 = 2 percentage
        points); a dict gives one threshold per measure name (missing names: 0).

    Notes
    -----
    Defaults and their sources: the 5 % relative threshold is the limit used by equal-pay
    audit tools, logib (Swiss Federal Office for Gender Equality: 5 % tolerance, 2.5 % target)
    and the EHRC equal pay audit guidance (5 %, or 3 % for a consistent pattern); the
    four-fifths rule of the US Uniform Guidelines (a selection rate below 80 % of the other
    group's) is a stricter relative threshold of 0.2 for access rates. ``min_n = 20`` keeps the
    normal approximations of the intervals and tests reasonable and mirrors logib's minimum
    head-count requirement (logib asks for 50 employees with at least one woman and one man).
    ``min_units = 3``: clustered comparisons use the CR2 variance with Bell–McCaffrey
    degrees of freedom, whose calibration the simulation in ``benchmarks/calibration.py``
    shows from 3 units per sex (see the README's methods section); with 2 units the
    Satterthwaite degrees of freedom fall to about 1 and the verdict would rest on one
    unit's deviation from the other.

    Examples
    --------
    >>> import genderbudget as gb
    >>> gb.FlagRule(min_relative=0.2).min_relative
    0.2
    """

    alpha: float = 0.05
    p_adjust: PAdjust = "holm"
    min_n: int = 20
    min_relative: float = 0.05
    min_difference: float | Mapping[str, float] = field(default=0.0)
    min_units: int = 3

    def __post_init__(self) -> None:
        if not (isinstance(self.alpha, int | float) and 0.0 < self.alpha < 1.0):
            raise ValueError(
                BAD_RULE.format(name="alpha", what="between 0 and 1", value=masked(self.alpha))
            )
        if self.p_adjust not in get_args(PAdjust):
            raise ValueError(
                BAD_RULE.format(
                    name="p_adjust", what=f"one of {get_args(PAdjust)}", value=masked(self.p_adjust)
                )
            )
        if isinstance(self.min_n, bool) or not isinstance(self.min_n, int) or self.min_n < 0:
            raise ValueError(
                BAD_RULE.format(name="min_n", what="an integer >= 0", value=masked(self.min_n))
            )
        if (
            isinstance(self.min_units, bool)
            or not isinstance(self.min_units, int)
            or self.min_units < 2
        ):
            raise ValueError(
                BAD_RULE.format(
                    name="min_units", what="an integer >= 2", value=masked(self.min_units)
                )
            )
        if not (isinstance(self.min_relative, int | float) and self.min_relative >= 0):
            raise ValueError(
                BAD_RULE.format(
                    name="min_relative", what="a number >= 0", value=masked(self.min_relative)
                )
            )
        thresholds = (
            self.min_difference.values()
            if isinstance(self.min_difference, Mapping)
            else [self.min_difference]
        )
        for value in thresholds:
            if not (isinstance(value, int | float) and value >= 0):
                raise ValueError(
                    BAD_RULE.format(
                        name="min_difference",
                        what="a number >= 0 or a dict of them",
                        value=masked(value),
                    )
                )

    def difference_threshold(self, measure: str) -> float:
        """Return the absolute materiality threshold for one measure."""
        if isinstance(self.min_difference, Mapping):
            return float(self.min_difference.get(measure, 0.0))
        return float(self.min_difference)


def _material(
    difference: np.ndarray, men: np.ndarray, absolute: np.ndarray, rule: FlagRule
) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.abs(difference) / np.abs(men)
    relative = np.where(men == 0, np.where(difference == 0, 0.0, np.inf), relative)
    return (
        np.isfinite(difference)
        & (np.abs(difference) >= absolute)
        & (relative >= rule.min_relative)
        & (difference != 0)
    )


def _per_measure(names: np.ndarray, value: Callable[[str], object]) -> np.ndarray:
    """``value`` of each row's measure, asked once per measure (as objects)."""
    known = {name: value(name) for name in dict.fromkeys(names.tolist())}
    return objects(known[name] for name in names.tolist())


def assign_flags(
    comparisons: Columns,
    kinds: Mapping[str, str],
    directions: Mapping[str, str],
    rule: FlagRule,
    *,
    adjusted: bool,
    clustered_measures: Collection[str] = (),
) -> Columns:
    """Add ``flag`` and ``disadvantaged`` to a comparisons table.

    Parameters
    ----------
    comparisons : Columns
        The comparisons of :func:`analyse`, with the adjusted columns.
    kinds, directions : mapping
        Measure name to kind and to direction.
    rule : FlagRule
        The thresholds.
    adjusted : bool
        Whether justified factors were given (else the raw gap is the adjusted gap).
    clustered_measures : collection of str
        Measures with clusters, for which ``units_women`` and ``units_men`` must reach the
        rule's ``min_units``.

    Returns
    -------
    Columns
        The same table with ``flag`` and ``disadvantaged`` (``"women"``, ``"men"`` or None,
        never NaN) added as Python objects, and the note of too few units in ``note``.
    """
    out = comparisons
    measure = column(out, "measure", object)
    absolute = _per_measure(measure, rule.difference_threshold).astype(float)
    men = column(out, "men", float)
    difference = column(out, "difference", float)
    raw_material = _material(difference, men, absolute, rule)
    raw_supported = column(out, "p_adjusted", float) < rule.alpha
    if adjusted:
        adj_difference = column(out, "adjusted_difference", float)
        adj_material = _material(adj_difference, men, absolute, rule)
        adj_supported = column(out, "adjusted_p_adjusted", float) < rule.alpha
        adj_missing = ~np.isfinite(column(out, "adjusted_p_adjusted", float))
    else:
        adj_difference, adj_material, adj_supported = difference, raw_material, raw_supported
        adj_missing = np.zeros(len(out), dtype=bool)
    enough = (column(out, "n_women") >= rule.min_n) & (column(out, "n_men") >= rule.min_n)
    clustered = np.isin(measure, list(clustered_measures))
    few_units = clustered & (
        (column(out, "units_women") < rule.min_units) | (column(out, "units_men") < rule.min_units)
    )
    enough &= ~few_units
    testable = np.isfinite(column(out, "p_adjusted", float))
    untested_kind = np.isin(_per_measure(measure, kinds.get), ["count", "total"])

    raw_gap = raw_supported & raw_material
    # The adjusted gap must point the same way: a gap that reverses within the strata of
    # the justified factors is explained by them (the aggregation paradox).
    same_way = np.sign(adj_difference) == np.sign(difference)
    adjusted_gap = adj_supported & adj_material
    flag = np.full(len(out), "no_gap", dtype=object)
    flag[raw_gap & adjusted_gap & same_way] = "unexplained_gap"
    flag[raw_gap & ~(adjusted_gap & same_way)] = "explained_gap"
    # A supported raw gap whose adjustment could not be made cannot be called explained.
    flag[raw_gap & adj_missing] = "insufficient_data"
    # An adjusted gap can appear where the raw one hid it (an aggregation paradox).
    flag[~raw_gap & adjusted_gap & ~adj_missing] = "unexplained_gap"
    flag[~enough | ~testable] = "insufficient_data"
    flag[untested_kind] = "not_assessed"

    direction = _per_measure(measure, directions.get)
    behind = np.where(adj_difference < 0, "women", "men")
    ahead = np.where(adj_difference > 0, "women", "men")
    disadvantaged = np.full(len(out), None, dtype=object)
    unexplained = flag == "unexplained_gap"
    disadvantaged[unexplained & (direction == "higher_is_better")] = behind[
        unexplained & (direction == "higher_is_better")
    ]
    disadvantaged[unexplained & (direction == "lower_is_better")] = ahead[
        unexplained & (direction == "lower_is_better")
    ]
    added: dict[str, Any] = {"flag": flag, "disadvantaged": disadvantaged}
    if few_units.any():
        notes = objects(as_texts(column(out, "note", object)))
        units_w, units_m = column(out, "units_women"), column(out, "units_men")
        for i in np.flatnonzero(few_units):
            text = note(
                "too_few_units_for_verdict",
                women=int(units_w[i]),
                men=int(units_m[i]),
                min_units=rule.min_units,
            )
            notes[i] = f"{notes[i]}; {text}" if notes[i] else text
        added["note"] = notes
    comparisons.update(added)
    return comparisons


RESOURCE_ACCESS_COLUMNS: tuple[str, ...] = (
    "resource_measure",
    "access_measure",
    "sex",
    "resource_women",
    "resource_men",
    "access_women",
    "access_men",
    "access_flag",
)
"""The columns of the resource-vs-access table after the breakdowns."""


def resource_access(
    comparisons: pd.DataFrame,
    directions: Mapping[str, str],
    by: list[str],
    rule: FlagRule,
) -> pd.DataFrame:
    """Cells where one sex gets more of a resource but less of an access measure.

    A resource measure counts when its gap is material (by the rule's relative threshold);
    an access measure (``higher_is_better``) when its flag is ``unexplained_gap`` or
    ``explained_gap``. Returns ``<by...>, resource_measure, access_measure, sex,
    resource_women, resource_men, access_women, access_men, access_flag``.
    """
    columns = [*by, *RESOURCE_ACCESS_COLUMNS]
    measure = comparisons["measure"].to_numpy(dtype=object)
    direction = _per_measure(measure, directions.get)
    flag = comparisons["flag"].to_numpy(dtype=object)
    women = comparisons["women"].to_numpy(dtype=float)
    men = comparisons["men"].to_numpy(dtype=float)
    difference = comparisons["difference"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        material = (
            np.isfinite(difference)
            & (men != 0)
            & ~(np.abs(difference) / np.abs(men) < rule.min_relative)
        )
    resources = np.flatnonzero((direction == "resource") & material)
    access = np.flatnonzero(
        (direction == "higher_is_better") & np.isin(flag, ["unexplained_gap", "explained_gap"])
    )
    # Each material resource gap with every access gap of its cell (a missing value is one
    # value), in the order of the resource rows and then of the access rows.
    cell = cell_numbers(comparisons, by)
    in_cell: dict[int, list[int]] = {}
    for row in access.tolist():
        in_cell.setdefault(int(cell[row]), []).append(row)
    pairs = [
        (r, a)
        for r in resources.tolist()
        for a in in_cell.get(int(cell[r]), [])
        if (difference[r] > 0) == (difference[a] < 0)  # more of one, less of the other
    ]
    if not pairs:
        return pd.DataFrame([], columns=columns)
    r_rows = np.array([r for r, _ in pairs], dtype=np.intp)
    a_rows = np.array([a for _, a in pairs], dtype=np.intp)
    found = {
        **{b: comparisons[b].to_numpy()[r_rows] for b in by},
        "resource_measure": measure[r_rows],
        "access_measure": measure[a_rows],
        "sex": np.where(difference[r_rows] > 0, "women", "men"),
        "resource_women": women[r_rows],
        "resource_men": men[r_rows],
        "access_women": women[a_rows],
        "access_men": men[a_rows],
        "access_flag": flag[a_rows],
    }
    return pd.DataFrame(found, columns=columns)
