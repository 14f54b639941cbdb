"""The immutable result of :func:`genderbudget.analyse`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pandas as pd

__all__ = ["Result"]


@dataclass(frozen=True, repr=False)
class Result:
    """Full-precision tidy tables from one call of :func:`genderbudget.analyse`.

    The object is immutable: every table attribute returns a fresh copy, so changing a
    returned frame never changes the result. Numbers are never rounded or formatted here.

    Attributes
    ----------
    estimates : pandas.DataFrame
        One row per measure x breakdown cell x sex (``unknown`` included when present).
        Columns: ``measure, <by...>, sex, n, units, estimate, ci_low, ci_high, ci_method,
        confidence, share, note``.
    comparisons : pandas.DataFrame
        One row per measure x breakdown cell, women vs men. Columns: ``measure, <by...>,
        n_women, n_men, women, men, difference, difference_ci_low, difference_ci_high, ratio,
        ratio_ci_low, ratio_ci_high, ci_method, confidence, p_value, test_method, p_adjusted,
        p_adjust_method, adjusted_difference, adjusted_ci_low, adjusted_ci_high,
        adjusted_p_value, adjusted_p_adjusted, adjustment_method, flag, disadvantaged,
        note``. ``difference`` is women − men, ``ratio`` is women / men; the adjusted
        columns hold the gap with the justified factors held equal (NaN, with the reason in
        ``adjustment_method`` or ``note``, when none are given or the model cannot be
        fitted); ``flag`` is one of ``unexplained_gap, explained_gap, no_gap,
        insufficient_data, not_assessed`` and ``disadvantaged`` is ``women``, ``men`` or
        None.
    exclusions : pandas.DataFrame
        ``measure, column, reason, rows``: every input row a measure did not use.
    accounting : pandas.DataFrame
        ``measure, rows_in, rows_used, rows_excluded``; always rows_in = rows_used +
        rows_excluded.
    resource_access : pandas.DataFrame
        Cells where one sex has more of a resource measure and less of an access measure.
    rows_in : int
        Number of input rows.
    settings : Mapping
        The options of the call (sex, by, n, confidence, p_adjust, measures).

    Examples
    --------
    >>> import genderbudget as gb
    >>> data = gb.datasets.load_kriminalvarden()
    >>> result = gb.analyse(data, [gb.count(), gb.rate("arbetsdrift")], sex="kon")
    >>> result.accounting  # doctest: +NORMALIZE_WHITESPACE
           measure  rows_in  rows_used  rows_excluded
    0        count    27207      27207              0
    1  arbetsdrift    27207      27207              0
    """

    _estimates: pd.DataFrame
    _comparisons: pd.DataFrame
    _exclusions: pd.DataFrame
    _accounting: pd.DataFrame
    _resource_access: pd.DataFrame
    rows_in: int
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))

    @property
    def estimates(self) -> pd.DataFrame:
        """Per-sex estimates (a copy)."""
        return self._estimates.copy()

    @property
    def comparisons(self) -> pd.DataFrame:
        """Women-vs-men comparisons (a copy)."""
        return self._comparisons.copy()

    @property
    def exclusions(self) -> pd.DataFrame:
        """Rows not used, by measure, column and reason (a copy)."""
        return self._exclusions.copy()

    @property
    def accounting(self) -> pd.DataFrame:
        """Rows in, used and excluded per measure (a copy)."""
        return self._accounting.copy()

    @property
    def resource_access(self) -> pd.DataFrame:
        """Cells where one sex gets more of a resource but less access (a copy).

        Columns ``<by...>, resource_measure, access_measure, sex, resource_women,
        resource_men, access_women, access_men, access_flag``: ``sex`` has the higher value of
        the resource measure (e.g. cost per care-day) and the lower value of the access
        measure (e.g. share in work operations), whose gap is flagged.
        """
        return self._resource_access.copy()

    def __repr__(self) -> str:
        measures = ", ".join(dict.fromkeys(self._estimates["measure"]))
        by = list(self.settings.get("by", ()))
        return (
            f"Result(measures=[{measures}], by={by}, rows_in={self.rows_in:,}, "
            f"estimates={len(self._estimates)} rows, comparisons={len(self._comparisons)} rows, "
            f"exclusions={int(self._exclusions['rows'].sum()):,} rows)"
        )
