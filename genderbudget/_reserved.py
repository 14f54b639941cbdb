"""Column names a caller's breakdown cannot have: the columns of the output tables.

A breakdown column (``by=``) becomes a column of every output table, next to the table's own
columns; a table cannot hold two columns of one name, so a breakdown named like one of them
(``estimate``, ``share``, ``n``, ...) is refused with a message that says how to rename it.
A justified factor or a cluster is a column of the cell statistics behind the tables, so it
cannot take the name of one of their columns. Every other name works: the pass over the rows
names its temporary columns so that they cannot collide with the caller's.

The reserved names are derived from the modules that build each table, never copied.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

__all__ = [
    "RESERVED_BREAKDOWN",
    "RESERVED_FACTOR",
    "check_breakdowns",
    "check_factors",
    "output_columns",
]

RESERVED_BREAKDOWN = (
    "Column {column!r} ({role}) has the name of a column of the output tables, and a table "
    "cannot hold two columns of one name. Rename it, e.g. data = data.rename(columns="
    "{{{column!r}: {renamed!r}}}) (pandas), and use {renamed!r} instead. Reserved names: "
    "{names}."
)
RESERVED_FACTOR = (
    "Column {column!r} ({role}) has the name of a column of the cell statistics the analysis "
    "builds, and a table cannot hold two columns of one name. Rename it, e.g. data = "
    "data.rename(columns={{{column!r}: {renamed!r}}}) (pandas), and use {renamed!r} instead. "
    "Reserved names for this role: {names}."
)


@cache
def output_columns() -> frozenset[str]:
    """Return every column name of the public output tables, the breakdowns left out.

    The modules that build the tables are imported here, when first needed, because several
    of them check their own breakdowns with this module.
    """
    from genderbudget import (
        _allocate,
        _analyse,
        _cells,
        _decompose,
        _equalize,
        _estimate,
        _flags,
        _follow_up,
        _notes,
        _phase_in,
        _representation,
    )

    time = "\x00time"
    tables: list[Sequence[str]] = [
        _estimate.estimate_columns([]),
        _estimate.comparison_columns([]),
        _representation.representation_columns([]),
        _flags.RESOURCE_ACCESS_COLUMNS,
        _analyse.ACCOUNTING_COLUMNS,
        _cells.EXCLUSION_COLUMNS,
        _cells.CODING_COLUMNS,
        _equalize.equalize_columns([]),
        _phase_in.PHASE_IN_COLUMNS,
        [c for c in _follow_up.follow_up_columns([], time) if c != time],
        ["measure", *_decompose.OUTPUT_COLUMNS],
        _allocate.allocation_columns([]),
        _allocate.SENSITIVITY_COLUMNS,
        _allocate.OVERHEAD_COLUMNS,
        [_notes.NOTE_CODES_COLUMN],
    ]
    return frozenset(name for table in tables for name in table)


@cache
def _cell_columns() -> frozenset[str]:
    from genderbudget import _cells

    return frozenset(_cells.CELL_COLUMNS)


def _renamed(column: str, taken: frozenset[str]) -> str:
    candidate = f"{column}_group"
    while candidate in taken:
        candidate += "_"
    return candidate


def check_breakdowns(columns: Sequence[str], role: str) -> None:
    """Refuse a breakdown column named like a column of an output table or the cells.

    Parameters
    ----------
    columns : sequence of str
        The breakdown columns of the call.
    role : str
        The argument, for the message (e.g. ``"a breakdown column, by="``).

    Raises
    ------
    ValueError
        A column has a reserved name; the message names it, says how to rename it and
        lists the reserved names.

    Examples
    --------
    >>> check_breakdowns(["ar", "anstalt"], "a breakdown column, by=")
    """
    taken = output_columns() | _cell_columns()
    for column in columns:
        if column in taken:
            raise ValueError(
                RESERVED_BREAKDOWN.format(
                    column=column,
                    role=role,
                    renamed=_renamed(column, taken),
                    names=", ".join(sorted(taken)),
                )
            )


def check_factors(columns: Sequence[str], role: str) -> None:
    """Refuse a justified factor or cluster column named like a column of the cell statistics.

    Raises
    ------
    ValueError
        A column has a reserved name; the message names it, says how to rename it and
        lists the reserved names.

    Examples
    --------
    >>> check_factors(["sakerhetsklass"], "a justified factor, justified=")
    """
    taken = _cell_columns()
    for column in columns:
        if column in taken:
            raise ValueError(
                RESERVED_FACTOR.format(
                    column=column,
                    role=role,
                    renamed=_renamed(column, taken),
                    names=", ".join(sorted(taken)),
                )
            )
