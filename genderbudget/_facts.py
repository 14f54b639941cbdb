"""What one pass of column reductions shows of the number columns, before the group-by.

:func:`genderbudget._cells.collect_cells` sums, per cell, each measure's values over the rows
where none of its columns is missing, and checks every value against the policy (finite, not
too large, not negative, 0/1 for a rate). Written as row expressions, those rules cost more
than the group-by itself: on 10 million rows in pandas, the flags and checks of a rate and a
mean doubled its time. One pass of plain column reductions (rows, missing values, smallest
and largest value, rows that are not whole numbers) settles most of them at once: a column
with no missing value needs no flag, and a check its range proves passes need not be
evaluated on every row. What the facts cannot prove stays a row expression, exactly as
without them, so the results and the errors are the same either way.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import narwhals as nw

from genderbudget._options import TEMPORARY

__all__ = ["ColumnFacts", "Facts", "column_facts", "is_float", "missing", "whole_number_type"]

_T = TEMPORARY
EXACT_SUM = 2.0**53
"""Below this, a sum of whole numbers is exact both as an integer and as a float."""


def is_float(dtype: Any) -> bool:
    """Whether ``dtype`` is a floating-point type (which can hold NaN as well as null)."""
    return dtype in (nw.Float32, nw.Float64) or isinstance(dtype, nw.Float32 | nw.Float64)


def missing(column: str, dtype: Any) -> nw.Expr:
    """Return the rows where ``column`` is missing: null, or NaN in a float column."""
    expr = nw.col(column).is_null()
    if is_float(dtype):
        expr = expr | nw.col(column).is_nan()
    return expr


def whole_number_type(dtype: Any) -> bool:
    """Whether ``dtype`` holds whole numbers only (an integer or a boolean type)."""
    return bool(dtype.is_integer()) or dtype == nw.Boolean


@dataclass(frozen=True)
class ColumnFacts:
    """One column's missing values, range and whole-number status over all rows.

    ``low`` and ``high`` are NaN when the column has no value; ``fractional`` (rows that are
    present but not whole numbers) is None when it was not counted. ``assumed`` marks a
    range taken on trust, to be proven by the group-by's sums (:mod:`genderbudget._proof`).
    """

    missing: int
    low: float
    high: float
    whole_type: bool
    fractional: int | None = None
    assumed: bool = False

    @property
    def complete(self) -> bool:
        """No row is missing, so the range covers every row."""
        return self.missing == 0

    def within(self, low: float, high: float, *, whole: bool = False) -> bool:
        """Prove that every row lies in ``[low, high]`` (and is a whole number if ``whole``).

        False means not proven: a missing value, an empty column (NaN range), a value out of
        range, or a fractional count that was not taken.
        """
        if not self.complete or not (low <= self.low and self.high <= high):
            return False
        return not whole or self.whole_type or self.fractional == 0


@dataclass(frozen=True)
class Facts:
    """The facts of the number columns a call reads, and the rows of the data."""

    rows: int
    columns: Mapping[str, ColumnFacts]

    def complete(self, column: str) -> bool:
        """Whether ``column`` is known to have no missing value."""
        facts = self.columns.get(column)
        return facts is not None and facts.complete

    def within(self, column: str, low: float, high: float, *, whole: bool = False) -> bool:
        """See :meth:`ColumnFacts.within`; False for a column without facts."""
        facts = self.columns.get(column)
        return facts is not None and facts.within(low, high, whole=whole)

    def at_most(self, column: str, other: str) -> bool:
        """Prove that ``column`` is at most ``other`` on every row (both complete)."""
        upper, bound = self.columns.get(column), self.columns.get(other)
        if upper is None or bound is None or not (upper.complete and bound.complete):
            return False
        return upper.high <= bound.low

    def finite(self, column: str) -> bool:
        """Prove that ``column`` has no missing and no infinite value."""
        return self.within(column, -sys.float_info.max, sys.float_info.max)

    def exact_integer_sum(self, column: str) -> bool:
        """Whether summing ``column`` as integers is exact and equals the float sum.

        True for a complete integer (or boolean) column whose largest absolute value times
        the rows stays below 2**53: no partial sum can overflow or lose a unit. Never for a
        range taken on trust: until the sums prove it, the values may overflow an integer
        sum, which some engines raise (Spark in its default ANSI mode) where a float sum
        only grows.
        """
        facts = self.columns.get(column)
        if facts is None or not facts.complete or not facts.whole_type or facts.assumed:
            return False
        largest = max(abs(facts.low), abs(facts.high))
        return math.isfinite(largest) and largest * max(self.rows, 1) < EXACT_SUM


NO_FACTS = Facts(rows=0, columns={})
"""Nothing known: every flag and check stays a row expression."""


def column_facts(
    frame: Any, schema: Mapping[str, Any], columns: Sequence[str], whole: Collection[str] = ()
) -> Facts:
    """Reduce ``columns`` of ``frame`` in one query: missing values, range, fractional rows.

    Parameters
    ----------
    frame : narwhals DataFrame or LazyFrame
        The data, in its own engine.
    schema : mapping
        Its column types.
    columns : sequence of str
        Number (or boolean) columns.
    whole : collection of str
        Columns whose rows that are not whole numbers are counted (float columns only; an
        integer column is whole by its type).

    Returns
    -------
    Facts
    """
    if not columns:
        return NO_FACTS
    exprs = [nw.len().alias(_T + "len")]
    for k, column in enumerate(columns):
        dtype = schema[column]
        value = nw.col(column).cast(nw.Int8) if dtype == nw.Boolean else nw.col(column)
        exprs += [
            missing(column, dtype).cast(nw.Int8).sum().alias(f"{_T}missing{k}"),
            value.min().alias(f"{_T}low{k}"),
            value.max().alias(f"{_T}high{k}"),
        ]
        if column in whole and is_float(dtype):
            # NaN is counted too, but then the column is not complete and nothing is proven.
            as_float = nw.col(column).cast(nw.Float64)
            not_whole = (as_float != as_float.round(0)).cast(nw.Int8).sum()
            exprs.append(not_whole.alias(f"{_T}fractional{k}"))
    result = frame.select(*exprs)
    if isinstance(result, nw.LazyFrame):
        result = result.collect()
    row = dict(zip(result.columns, result.row(0), strict=True))
    facts: dict[str, ColumnFacts] = {}
    for k, column in enumerate(columns):
        fractional = row.get(f"{_T}fractional{k}")
        facts[column] = ColumnFacts(
            missing=int(row[f"{_T}missing{k}"] or 0),
            low=_number(row[f"{_T}low{k}"]),
            high=_number(row[f"{_T}high{k}"]),
            whole_type=whole_number_type(schema[column]),
            fractional=None if fractional is None else int(fractional),
        )
    return Facts(rows=int(row[_T + "len"] or 0), columns=facts)


def _number(value: Any) -> float:
    """Return a reduced value as a float; NaN when there was none."""
    if value is None:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan
