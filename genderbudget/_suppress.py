"""Small-cell suppression of tables meant for publication (disclosure control).

A published table must not reveal an individual. :func:`suppress` hides every cell with
fewer persons than a threshold (primary suppression) and then further cells (secondary
suppression) so that no hidden count can be recovered from the published cells and the
totals of the table, which a reader may know or derive: the total of the sexes of a cell,
and the total over each breakdown with the others fixed (all persons of a year over the
units, and so on).

The cells form a grid: the breakdown cells present in the table times the sexes; a grid
cell without a row is empty. A *line* is a set of grid cells that differ in one dimension
only (the sexes of one breakdown cell; the values of one breakdown with the other breakdowns
and the sex fixed). The total of every line with two or more non-empty cells counts as
known. A line with a single non-empty cell has that cell as its total: such a "total" (the
persons of an age group in a women's prison, say) is the cell itself, is hidden with it and
must not be published on its own. Empty cells are published and never hidden.

Secondary suppression runs in two steps, repeated until nothing changes:

1. a line with exactly one hidden cell gets a second one: of its non-empty cells, the one
   that completes more of its other lines than it opens (closing a cycle of hidden cells),
   then the smallest;
2. an exact check: the hidden counts are the unknowns of the linear system "each line sums
   to its total". A hidden count can be derived exactly when every solution of the
   homogeneous system is zero in it (read from the reduced row echelon form of the
   system). Otherwise some solution moves it, and since every hidden count
   is positive, it can move both ways without any count turning negative. A cell that can
   still be derived gets a further hidden cell on one of its lines. Cells linked by no line
   form independent systems, each solved on its own.

3. where a cell can still be derived and every other cell of its lines is hidden, a
   total is withheld: of the totals over a breakdown through such cells (never the total
   over the sexes of a cell, which every table shows), the one that leaves the fewest
   cells derivable, then the one with the fewest cells; a total that follows from the
   others frees nothing alone, so totals are withheld one by one until the cells are free,
   and then every withheld total whose return exposes nothing is given back. Steps 1-2
   run again after each.

A hidden cell that neither hidden cells nor withheld totals can protect is reported as not
protected.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from genderbudget._cells import small_table
from genderbudget._options import (
    TEMPORARY,
    check_column,
    check_columns,
    check_number,
    check_roles,
    counted,
)
from genderbudget._result import Result

__all__ = ["DEFAULT_MIN_N", "FLAG", "MARKER", "Publication", "suppress"]

DEFAULT_MIN_N = 3
"""The default threshold: a cell with fewer than 3 persons is hidden."""
MARKER = ".."
"""How a display shows a hidden value: SCB's sign for "uppgift inte tillgänglig eller för
osäker för att anges" (not available or too uncertain to be given)."""
FLAG = "suppressed"
"""The ``flag`` of a comparison that is hidden."""
PRIMARY, SECONDARY = "primary", "secondary"
TABLES = ("estimates", "comparisons", "representation", "resource_access")
SUPPRESSED_COLUMN = "suppressed"
OVER_COLUMN = "over"
WITHHELD_ATTR = "withheld_totals"

BAD_MIN_N = (
    "min_n must be a whole number >= 1 (3 by default; 5 as Danmarks Statistik), got {value!r}."
)
NOT_A_TABLE = (
    "suppress takes a Result of gb.analyse or a pandas DataFrame of counts, got {kind}. "
    "Convert the table to pandas first (e.g. frame.to_pandas())."
)
NEEDS_COLUMNS = (
    "To suppress a dataframe, name its count column and its sex column{missing}, e.g. "
    "gb.suppress(table, count='antal', sex='kon', by=['ar', 'anstalt'])."
)
RESULT_TAKES_NO_COLUMNS = (
    "A Result knows its columns: give only min_n, e.g. gb.suppress(result, min_n=5); "
    "count=, sex= and by= are for a dataframe."
)
COUNT_IS_KEY = (
    "The count column {column!r} cannot also be the sex column or a breakdown (by=); name "
    "the column with the number of persons per cell."
)
BAD_COUNTS = (
    "Column {column!r} (count=) must hold the number of persons per cell, whole numbers "
    ">= 0, but {rows} have other values: {values}. Correct or remove those rows."
)
DUPLICATE_CELLS = (
    "Columns {keys} must identify one cell per row, but {rows} share a cell with another "
    "row, e.g. {examples}. Sum them first: "
    "table.groupby({keys}, as_index=False, dropna=False)[{count!r}].sum()."
)
COLUMN_TAKEN = (
    "The table already has a column {column!r}; suppress adds one of that name to mark the "
    "hidden rows. Rename it first."
)
UNPROTECTED = (
    "{cells} hidden by suppress can still be derived exactly from the totals of the table, "
    "and every other cell of their lines is hidden already: {examples}. Do not publish the "
    "totals of their lines, or use a coarser breakdown; they are listed with "
    "protected=False."
)

_TOLERANCE = 1e-9  # below it an entry of the eliminated 0/1 system counts as zero


@dataclass(frozen=True, repr=False)
class Publication:
    """The tables of a :class:`~genderbudget.Result` with small cells hidden.

    Built by :func:`suppress`. Every table attribute returns a fresh copy. In a hidden row
    every value except the keys (``measure``, the breakdowns, ``sex``) is missing (NaN in
    number columns, ``pd.NA`` in integer columns, None in text columns), a hidden
    comparison's ``flag`` is ``"suppressed"``, and the last column, ``suppressed``, is True.
    A display shows a hidden value as :data:`MARKER` (``..``).

    Attributes
    ----------
    estimates : pandas.DataFrame
        The result's estimates with the ``suppressed`` column.
    comparisons : pandas.DataFrame
        The result's comparisons with the ``suppressed`` column; a comparison is hidden when
        the women's or the men's cell is.
    representation : pandas.DataFrame
        The result's representation table with the ``suppressed`` column.
    resource_access : pandas.DataFrame
        The result's cells where one sex gets more of a resource but less access, with the
        ``suppressed`` column: hidden when a women's or men's cell of either measure is.
    suppressed : pandas.DataFrame
        One row per hidden cell: ``measure, <by...>, sex, n, reason, protected``. ``reason``
        is ``primary`` (fewer than ``min_n`` persons) or ``secondary`` (hidden to protect
        another); ``protected`` is False for a cell that the totals still reveal. This table
        is for the publisher's review, not for publication: it tells which hidden cells are
        small.
    withheld : pandas.DataFrame
        The totals that must not be published with these tables, one row each:
        ``measure, <by...>, sex, over``. ``over`` names the breakdown the total sums over
        (its value in the row is missing): ``over="anstalt"`` with ``ar=2020`` and
        ``sex="unknown"`` is the number of persons of unknown sex in all prisons in 2020.
        Hiding cells inside a table cannot always protect a cell: in a closed block (the
        women's prisons, with no men) the totals pin the only person of unknown sex in the
        only women's prison that has one. Such a total is withheld instead; the totals over
        the sexes of a cell (shown in every table and by its shares) never are. Empty when
        nothing is withheld.
    min_n : int
        The threshold used.

    Examples
    --------
    >>> import genderbudget as gb
    >>> data = gb.datasets.load_kriminalvarden()
    >>> womens = data.loc[data["anstalt_for"] == "kvinnor"]
    >>> result = gb.analyse(womens, gb.count(), sex="kon", by=["ar", "anstalt"])
    >>> publication = gb.suppress(result)
    >>> publication
    Publication(min_n=3, primary=3, secondary=6, withheld totals=1, estimates=75 rows)
    >>> publication.suppressed.head(3)
      measure    ar anstalt      sex   n     reason  protected
    0   count  2016     A32    women  27  secondary       True
    1   count  2016     A32  unknown   1    primary       True
    2   count  2016     A40    women  77  secondary       True
    """

    _estimates: pd.DataFrame
    _comparisons: pd.DataFrame
    _representation: pd.DataFrame
    _resource_access: pd.DataFrame
    _suppressed: pd.DataFrame
    _withheld: pd.DataFrame
    min_n: int

    @property
    def estimates(self) -> pd.DataFrame:
        """Per-sex estimates with hidden cells (a copy)."""
        return self._estimates.copy()

    @property
    def comparisons(self) -> pd.DataFrame:
        """Women-vs-men comparisons with hidden cells (a copy)."""
        return self._comparisons.copy()

    @property
    def representation(self) -> pd.DataFrame:
        """Shares of persons and of the resource with hidden cells (a copy)."""
        return self._representation.copy()

    @property
    def resource_access(self) -> pd.DataFrame:
        """Cells with more resource but less access for one sex, hidden ones marked (a copy)."""
        return self._resource_access.copy()

    @property
    def suppressed(self) -> pd.DataFrame:
        """Every hidden cell with its count and reason (a copy; not for publication)."""
        return self._suppressed.copy()

    @property
    def withheld(self) -> pd.DataFrame:
        """The totals that must not be published with these tables (a copy)."""
        return self._withheld.copy()

    def __repr__(self) -> str:
        reasons = self._suppressed["reason"]
        withheld = f", withheld totals={len(self._withheld)}" if len(self._withheld) else ""
        return (
            f"Publication(min_n={self.min_n}, primary={int((reasons == PRIMARY).sum())}, "
            f"secondary={int((reasons == SECONDARY).sum())}{withheld}, "
            f"estimates={len(self._estimates)} rows)"
        )


@overload
def suppress(obj: Result, *, min_n: int = DEFAULT_MIN_N) -> Publication: ...


@overload
def suppress(
    obj: pd.DataFrame,
    *,
    count: str,
    sex: str,
    by: str | Sequence[str] = (),
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame: ...


def suppress(
    obj: Result | pd.DataFrame,
    *,
    count: str | None = None,
    sex: str | None = None,
    by: str | Sequence[str] = (),
    min_n: int = DEFAULT_MIN_N,
) -> Publication | pd.DataFrame:
    """Hide the small cells of tables meant for publication, and the cells that reveal them.

    **Primary suppression** hides every cell with ``0 < n < min_n`` persons. Empty cells
    (``n = 0``) are published: an empty cell tells nothing about an individual. The default
    ``min_n=3`` hides cells of one or two persons, as Statistics Norway's example of cells
    "basert på få observasjoner, for eksempel færre enn 3"; ``min_n=5`` follows Danmarks
    Statistik ("celler med antal < 5 er blændet"). The R package sdcTable's frequency rule
    hides counts up to its ``maxN`` (default 3), which is ``min_n=4`` here. SCB publishes no
    fixed minimum and moves to the cell key method (random noise on every count) for
    population statistics from reference year 2025; that method is outside the scope of
    this function.

    **Secondary suppression** hides further cells so that no hidden count can be derived
    exactly from the published cells and the totals over the sexes and over each breakdown
    (which count as known): no total has exactly one hidden cell, and an exact check of the
    linear system of the totals confirms that every hidden count can take more than one
    value. Where no further hidden cell can protect a cell (a closed block of units, such
    as women's prisons without men), a total over a breakdown is withheld instead: it is
    listed in :attr:`Publication.withheld` and must not be published with the tables. A
    hidden cell hides every number computed from it: its count, estimate, interval and
    share, and each comparison in which one side is hidden.

    The numbers in the :class:`~genderbudget.Result` are never changed.

    Parameters
    ----------
    obj : Result or pandas.DataFrame
        A result of :func:`genderbudget.analyse` (the counts are the ``n`` of its
        estimates, per measure), or a table with one row per cell and its number of persons.
    count : str
        For a dataframe: the column with the number of persons per cell.
    sex : str
        For a dataframe: the sex column (any codes; each value is one category).
    by : str or sequence of str, optional
        For a dataframe: the breakdown columns (year, unit, age group, ...).
    min_n : int, default 3
        A cell with fewer persons than this (and at least one) is hidden.

    Returns
    -------
    Publication or pandas.DataFrame
        For a result, a :class:`Publication` with the estimates, comparisons and
        representation tables, the list of hidden cells and the totals withheld. For a
        dataframe, a copy with a boolean column ``suppressed`` (True in a hidden row) in
        which every other value of a hidden row, except the sex and breakdown columns, is
        missing; the totals that must not be published with it are in its
        ``attrs["withheld_totals"]`` (as :attr:`Publication.withheld`, without
        ``measure``). A display shows a hidden value as ``..`` (:data:`MARKER`), SCB's
        sign for a value that is not available or too uncertain to be given.

    Raises
    ------
    ValueError
        ``min_n`` is not a whole number >= 1, a column is missing, the counts are not whole
        numbers >= 0, or two rows share a cell.
    TypeError
        ``obj`` is neither a result nor a pandas DataFrame, or a dataframe comes without
        ``count=`` and ``sex=``.

    Warns
    -----
    UserWarning
        A hidden cell can still be derived from the totals although every other cell of its
        lines is hidden and withholding totals over the breakdowns does not help either
        (the totals over the sexes pin it); it is listed with ``protected=False``, and the
        totals of its lines must not be published.

    Notes
    -----
    Each measure of a result is protected on its own persons' counts; measures that use the
    same persons get the same hidden cells. The counts of persons who got a rate (its
    numerator) and the amounts of the other measures are hidden with their cells but not
    tested against the threshold themselves.

    Examples
    --------
    >>> import pandas as pd
    >>> import genderbudget as gb
    >>> table = pd.DataFrame({
    ...     "anstalt": ["A", "A", "B", "B", "C", "C"],
    ...     "kon": ["kvinna", "man", "kvinna", "man", "kvinna", "man"],
    ...     "antal": [2, 40, 12, 35, 9, 50],
    ... })
    >>> gb.suppress(table, count="antal", sex="kon", by="anstalt")
      anstalt     kon  antal  suppressed
    0       A  kvinna   <NA>        True
    1       A     man   <NA>        True
    2       B  kvinna     12       False
    3       B     man     35       False
    4       C  kvinna   <NA>        True
    5       C     man   <NA>        True
    """
    threshold = _check_min_n(min_n)
    if isinstance(obj, Result):
        if count is not None or sex is not None or by != ():
            raise TypeError(RESULT_TAKES_NO_COLUMNS)
        return _suppress_result(obj, threshold)
    if not isinstance(obj, pd.DataFrame):
        raise TypeError(NOT_A_TABLE.format(kind=type(obj).__name__))
    return _suppress_frame(obj, count, sex, by, threshold)


def _check_min_n(value: object) -> int:
    number = check_number(value, "min_n", low=1.0, message=BAD_MIN_N)
    if not number.is_integer():
        raise ValueError(BAD_MIN_N.format(value=value))
    return int(number)


# --- a dataframe of counts -------------------------------------------------------------------


def _suppress_frame(
    frame: pd.DataFrame,
    count: str | None,
    sex: str | None,
    by: str | Sequence[str],
    min_n: int,
) -> pd.DataFrame:
    count_column, sex_column, breakdowns = _check_frame_columns(frame, count, sex, by)
    keys = [*breakdowns, sex_column]
    table = small_table(
        frame,
        {
            **{b: "breakdown (by=)" for b in breakdowns},
            sex_column: "sex=",
            count_column: "count=",
        },
        argument="table",
    )
    counts = _counts(table[count_column], count_column)
    _check_one_row_per_cell(table[keys], keys, count_column)
    pattern = suppression_pattern(table[keys], counts, min_n)
    hidden = pattern.reason != None  # noqa: E711 (elementwise on an object array)
    _warn_unprotected(table[keys], hidden & ~pattern.protected)
    out = blank_rows(frame, hidden, keep=keys)
    out[SUPPRESSED_COLUMN] = hidden
    out.attrs[WITHHELD_ATTR] = _withheld_totals(table[keys], pattern, breakdowns)
    return out


def _check_frame_columns(
    frame: pd.DataFrame, count: str | None, sex: str | None, by: str | Sequence[str]
) -> tuple[str, str, list[str]]:
    missing = [name for name, value in (("count=", count), ("sex=", sex)) if value is None]
    if missing:
        raise TypeError(NEEDS_COLUMNS.format(missing=f" ({' and '.join(missing)} not given)"))
    count_column = check_column(count, "count")
    sex_column = check_column(sex, "sex")
    breakdowns = check_columns(by, "by")
    check_roles(sex_column, breakdowns)
    if count_column == sex_column or count_column in breakdowns:
        raise ValueError(COUNT_IS_KEY.format(column=count_column))
    if SUPPRESSED_COLUMN in frame.columns:
        raise ValueError(COLUMN_TAKEN.format(column=SUPPRESSED_COLUMN))
    return count_column, sex_column, breakdowns


def _counts(column: pd.Series, name: str) -> np.ndarray:
    numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(numbers) | (numbers < 0)
    bad[~bad] = numbers[~bad] != np.floor(numbers[~bad])
    if bad.any():
        shown = ", ".join(repr(v) for v in list(dict.fromkeys(column[bad].tolist()))[:5])
        raise ValueError(BAD_COUNTS.format(column=name, rows=counted(int(bad.sum())), values=shown))
    return numbers


def _check_one_row_per_cell(keys: pd.DataFrame, names: list[str], count: str) -> None:
    twice = keys.duplicated(keep=False).to_numpy()
    if twice.any():
        examples = keys.loc[twice].drop_duplicates().head(3)
        shown = "; ".join(
            ", ".join(f"{k}={v!r}" for k, v in row.items()) for row in examples.to_dict("records")
        )
        raise ValueError(
            DUPLICATE_CELLS.format(
                keys=names, rows=counted(int(twice.sum())), examples=shown, count=count
            )
        )


def _warn_unprotected(keys: pd.DataFrame, unprotected: np.ndarray) -> None:
    exposed = np.flatnonzero(unprotected)
    if len(exposed) == 0:
        return
    shown = "; ".join(
        ", ".join(f"{k}={v!r}" for k, v in row.items())
        for row in keys.iloc[exposed[:5]].to_dict("records")
    )
    warnings.warn(
        UNPROTECTED.format(cells=counted(len(exposed), "cell"), examples=shown),
        UserWarning,
        stacklevel=3,
    )


def blank_rows(frame: pd.DataFrame, hidden: np.ndarray, keep: Sequence[str]) -> pd.DataFrame:
    """Return a copy of ``frame`` with every value of the ``hidden`` rows missing.

    The ``keep`` columns are left as they are. Integer and boolean columns become their
    nullable types (missing is ``pd.NA``), text columns hold None, number columns NaN.
    """
    out = frame.copy()
    if not hidden.any():
        return out
    for column in out.columns:
        if column in keep:
            continue
        out[column] = _blank(out[column], hidden)
    return out


def _blank(values: pd.Series, hidden: np.ndarray) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean").mask(hidden)
    if pd.api.types.is_integer_dtype(values):
        return values.astype("Int64").mask(hidden)
    if pd.api.types.is_float_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return values.mask(hidden)
    blanked = values.to_numpy(dtype=object, copy=True)
    blanked[hidden] = None
    return pd.Series(blanked, index=values.index, dtype=object, name=values.name)


# --- a result ----------------------------------------------------------------------------------


def _suppress_result(result: Result, min_n: int) -> Publication:
    by = list(result.settings.by)
    estimates = result.estimates
    keys = ["measure", *by, "sex"]
    reason = np.full(len(estimates), None, dtype=object)
    protected = np.ones(len(estimates), dtype=bool)
    withheld = []
    for _, rows in estimates.groupby("measure", sort=False):
        positions = estimates.index.get_indexer(rows.index)
        pattern = suppression_pattern(
            rows[[*by, "sex"]], rows["n"].to_numpy(dtype=float), min_n, unknown="unknown"
        )
        reason[positions] = pattern.reason
        protected[positions] = pattern.protected
        withheld.append(_withheld_totals(rows[keys], pattern, by))
    hidden = reason != None  # noqa: E711
    listed = estimates.loc[hidden, [*keys, "n"]].reset_index(drop=True)
    listed["reason"] = reason[hidden]
    listed["protected"] = protected[hidden]
    _warn_unprotected(listed[keys], ~listed["protected"].to_numpy(dtype=bool))
    hidden_cells = listed[keys]
    published_estimates = _mark(estimates, hidden, keys)
    comparisons = result.comparisons
    published_comparisons = _mark(
        comparisons, _hidden_comparisons(comparisons, hidden_cells, by), ["measure", *by]
    )
    representation = result.representation
    published_representation = _mark(
        representation, _hidden_rows(representation, hidden_cells, keys), keys
    )
    pairs = result.resource_access
    published_pairs = _mark(
        pairs, _hidden_pairs(pairs, hidden_cells, by), [*by, "resource_measure", "access_measure"]
    )
    return Publication(
        published_estimates,
        published_comparisons,
        published_representation,
        published_pairs,
        listed,
        pd.concat(withheld, ignore_index=True) if withheld else _no_totals(keys),
        min_n,
    )


def _no_totals(keys: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in [*keys, OVER_COLUMN]})


def _withheld_totals(keys: pd.DataFrame, pattern: Pattern, by: Sequence[str]) -> pd.DataFrame:
    """One row per withheld total: the keys of one of its cells, the summed one missing."""
    rows = keys.iloc[[row for _, row in pattern.withheld]].reset_index(drop=True)
    over = [by[position] for position, _ in pattern.withheld]
    rows = rows.astype(object)
    for i, name in enumerate(over):
        rows.loc[i, name] = None
    rows[OVER_COLUMN] = pd.Series(over, dtype=object)
    return rows


def _mark(table: pd.DataFrame, hidden: np.ndarray, keys: list[str]) -> pd.DataFrame:
    out = blank_rows(table, hidden, keep=keys)
    if "flag" in out.columns:
        out.loc[hidden, "flag"] = FLAG
    out[SUPPRESSED_COLUMN] = hidden
    return out


def _hidden_rows(table: pd.DataFrame, cells: pd.DataFrame, keys: list[str]) -> np.ndarray:
    if table.empty:
        return np.zeros(len(table), dtype=bool)
    flag = TEMPORARY + "hidden"
    marked = table[keys].merge(cells.assign(**{flag: True}), on=keys, how="left")
    return marked[flag].eq(True).to_numpy()


def _hidden_pairs(table: pd.DataFrame, cells: pd.DataFrame, by: list[str]) -> np.ndarray:
    """Resource-access rows with a hidden women's or men's cell of either measure."""
    hidden = np.zeros(len(table), dtype=bool)
    for role in ("resource_measure", "access_measure"):
        hidden |= _hidden_comparisons(table.rename(columns={role: "measure"}), cells, by)
    return hidden


def _hidden_comparisons(table: pd.DataFrame, cells: pd.DataFrame, by: list[str]) -> np.ndarray:
    sides = cells.loc[cells["sex"].isin(["women", "men"]), ["measure", *by]].drop_duplicates()
    return _hidden_rows(table, sides, ["measure", *by])


# --- the pattern -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """Which rows of a count table are hidden, why, and whether the totals still reveal them.

    Attributes
    ----------
    reason : numpy.ndarray
        Per row ``"primary"``, ``"secondary"`` or None (published).
    protected : numpy.ndarray
        Per row False for a hidden cell the totals of the table still reveal, else True.
    withheld : list of tuple of (int, int)
        The totals that must not be published: per total the position of the breakdown it
        sums over (its index in the breakdown columns) and a table row of one of its cells
        (which gives the values of the other breakdowns and the sex).
    """

    reason: np.ndarray
    protected: np.ndarray
    withheld: list[tuple[int, int]]


@dataclass(frozen=True)
class _Grid:
    """The cells of a table with persons, and the lines (totals) through them."""

    values: np.ndarray  # count per cell
    row: np.ndarray  # the table row of each cell
    lines: list[np.ndarray]  # the cells of each line with at least two of them
    over: np.ndarray  # per line the breakdown it sums over, -1 for the sexes of a cell
    through: list[list[int]]  # the lines through each cell
    active: np.ndarray  # per line False once its total is withheld


def suppression_pattern(
    keys: pd.DataFrame, counts: np.ndarray, min_n: int, unknown: object = None
) -> Pattern:
    """Choose the hidden cells of one table of counts.

    Parameters
    ----------
    keys : pandas.DataFrame
        One row per cell: the breakdown columns, then the sex column (last). Each row is a
        different cell.
    counts : numpy.ndarray
        The number of persons of each row.
    min_n : int
        Cells with ``0 < n < min_n`` are hidden first.
    unknown : object, optional
        The code of unknown sex in the sex column (missing values count as unknown too).
        The totals of the persons of unknown sex over a breakdown are withheld where that
        spares hidden cells: see the notes of :func:`suppress`.

    Returns
    -------
    Pattern
    """
    reason = np.full(len(counts), None, dtype=object)
    protected = np.ones(len(counts), dtype=bool)
    grid = _grid(keys, counts)
    hidden = grid.values < min_n
    primary = hidden.copy()
    withheld = _unknown_totals(grid, keys.iloc[:, -1], unknown)
    grid.active[withheld] = False
    while True:
        exposed = _protect(grid, hidden)
        line = _total_to_withhold(grid, hidden, exposed)
        if line is None:
            break
        grid.active[line] = False
        withheld.append(line)
    withheld = _restore(grid, hidden, withheld)
    exposed = _derivable(grid, hidden)
    cells = np.flatnonzero(hidden)
    reason[grid.row[cells]] = np.where(primary[cells], PRIMARY, SECONDARY)
    protected[grid.row[cells]] = ~exposed[cells]
    described = [(int(grid.over[n]), int(grid.row[grid.lines[n][0]])) for n in withheld]
    return Pattern(reason, protected, described)


def _unknown_totals(grid: _Grid, sex: pd.Series, unknown: object) -> list[int]:
    """List the lines over a breakdown of the persons of unknown sex."""
    values = sex.to_numpy(dtype=object)[grid.row]
    is_unknown = pd.isna(values) | (values == unknown if unknown is not None else False)
    return [
        number
        for number, line in enumerate(grid.lines)
        if grid.over[number] >= 0 and bool(is_unknown[line[0]])
    ]


def _protect(grid: _Grid, hidden: np.ndarray) -> np.ndarray:
    """Hide further cells until no hidden count can be derived or nothing more helps.

    Returns the hidden cells that can still be derived (every other cell of their lines is
    hidden already).
    """
    hopeless = np.zeros(len(grid.values), dtype=bool)
    while True:
        _complete_lines(grid, hidden)
        exposed = _derivable(grid, hidden)
        todo = np.flatnonzero(exposed & ~hopeless)
        if len(todo) == 0:
            return exposed
        changed: set[int] = set()  # lines that got a hidden cell in this round
        for cell in todo.tolist():
            lines = _active_lines(grid, cell)
            if changed.intersection(lines):
                continue  # check it again first
            partner = _partner(grid, hidden, lines)
            if partner is None:
                hopeless[cell] = True
            else:
                hidden[partner] = True
                changed.update(grid.through[partner])


def _active_lines(grid: _Grid, cell: int) -> list[int]:
    return [n for n in grid.through[cell] if grid.active[n]]


def _total_to_withhold(grid: _Grid, hidden: np.ndarray, exposed: np.ndarray) -> int | None:
    """Choose a total over a breakdown to withhold, to free exposed cells.

    When hiding cells cannot protect a cell (a closed block, such as the women's prisons,
    whose totals pin the persons of unknown sex in the only one that has any), the last
    resort is a total that the table itself does not show: a sum over a breakdown (all
    prisons of a year, for one sex). The total over the sexes of a breakdown cell is shown
    by every table (and its shares) and is never withheld. Preferred: the total whose
    withholding leaves the fewest exposed cells, then the line with the fewest cells. A
    total that follows from the others frees nothing on its own but may with the next one;
    :func:`_restore` gives back the totals that turn out not to be needed.
    """
    cells = np.flatnonzero(exposed)
    if len(cells) == 0:
        return None
    candidates = sorted(
        {n for c in cells.tolist() for n in _active_lines(grid, c) if grid.over[n] >= 0}
    )
    block = _blocks(grid, hidden)
    best: tuple[int, int, int] | None = None
    for line in candidates:
        # a total links only the cells of its block: count the change there
        members = hidden & (block == block[grid.lines[line][hidden[grid.lines[line]]][0]])
        before = int(exposed[members].sum())
        grid.active[line] = False
        left = len(cells) - before + int(_derivable(grid, members).sum())
        grid.active[line] = True
        key = (left, len(grid.lines[line]), line)
        if best is None or key < best:
            best = key
    return None if best is None else best[2]


def _restore(grid: _Grid, hidden: np.ndarray, withheld: list[int]) -> list[int]:
    """Give back every withheld total whose return exposes no further cell, last first."""
    exposed = int(_derivable(grid, hidden).sum())
    kept = list(withheld)
    for line in reversed(withheld):
        grid.active[line] = True
        if int(_derivable(grid, hidden).sum()) > exposed:
            grid.active[line] = False
        else:
            kept.remove(line)
    return kept


def _grid(keys: pd.DataFrame, counts: np.ndarray) -> _Grid:
    """Collect the cells with persons and the lines through them.

    The full grid is the breakdown cells present in the table times the sexes; a grid cell
    without a row is empty. Only cells with persons take part: an empty cell is published
    and never hidden, so it adds nothing to a line but a known zero.
    """
    columns = list(keys.columns)
    by, sex = columns[:-1], columns[-1]
    sex_code = pd.factorize(keys[sex], use_na_sentinel=False)[0]
    codes = np.column_stack(
        [pd.factorize(keys[b], use_na_sentinel=False)[0] for b in by]
        or [np.zeros(len(keys), dtype=np.int64)]
    )
    nonzero = np.flatnonzero(counts > 0)
    # one line per sex-line (breakdown cell) and per breakdown with the others and sex fixed
    line_keys = [codes[nonzero]]
    for j in range(len(by)):
        line_keys.append(np.column_stack([np.delete(codes[nonzero], j, axis=1), sex_code[nonzero]]))
    lines: list[np.ndarray] = []
    over: list[int] = []
    for kind, key in enumerate(line_keys, start=-1):
        _, group = np.unique(key, axis=0, return_inverse=True)
        group = group.reshape(-1)
        order = np.argsort(group, kind="stable")
        bounds = np.flatnonzero(np.diff(group[order])) + 1
        parts = [part for part in np.split(order, bounds) if len(part) > 1]
        lines.extend(parts)
        over.extend([kind] * len(parts))
    through: list[list[int]] = [[] for _ in nonzero]
    for number, line in enumerate(lines):
        for cell in line:
            through[int(cell)].append(number)
    return _Grid(
        counts[nonzero].astype(float),
        nonzero,
        lines,
        np.array(over, dtype=np.int64),
        through,
        np.ones(len(lines), dtype=bool),
    )


def _complete_lines(grid: _Grid, hidden: np.ndarray) -> None:
    """Give every line with exactly one hidden cell a second one, until none is left."""
    changed = True
    while changed:
        changed = False
        for number, line in enumerate(grid.lines):
            if grid.active[number] and hidden[line].sum() == 1:
                partner = _partner(grid, hidden, [number])
                if partner is not None:
                    hidden[partner] = True
                    changed = True


def _partner(grid: _Grid, hidden: np.ndarray, numbers: Sequence[int]) -> int | None:
    """Choose the cell to hide next on one of the lines ``numbers``; None if none is left.

    Preferred, in order: the cell whose other lines it completes (lines holding one hidden
    cell) more than it opens (lines holding none), so that hidden cells close cycles
    instead of spreading, then the smallest count.
    """
    best: tuple[int, float, int] | None = None
    for number in numbers:
        line = grid.lines[number]
        for candidate in line[~hidden[line]]:
            c = int(candidate)
            balance = 0
            for other in grid.through[c]:
                if other != number and grid.active[other]:
                    already = int(hidden[grid.lines[other]].sum())
                    balance += (already == 1) - (already == 0)
            key = (-balance, float(grid.values[c]), c)
            if best is None or key < best:
                best = key
    return None if best is None else best[2]


def _system(grid: _Grid, hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Build the 0/1 matrix of "each known total sums its hidden cells"; give the cells."""
    cells = np.flatnonzero(hidden)
    column = np.full(len(grid.values), -1)
    column[cells] = np.arange(len(cells))
    rows = [
        line[hidden[line]]
        for line, active in zip(grid.lines, grid.active, strict=True)
        if active and hidden[line].any()
    ]
    matrix = np.zeros((len(rows), len(cells)))
    for i, members in enumerate(rows):
        matrix[i, column[members]] = 1.0
    return matrix, cells


def _blocks(grid: _Grid, hidden: np.ndarray) -> np.ndarray:
    """Label each hidden cell with its block (cells linked by known totals); -1 elsewhere."""
    matrix, cells = _system(grid, hidden)
    label = np.full(len(grid.values), -1)
    if len(cells):
        linked = csr_matrix(matrix)
        _, block = connected_components(linked.T @ linked, directed=False)
        label[cells] = block
    return label


def _derivable(grid: _Grid, hidden: np.ndarray) -> np.ndarray:
    """Hidden cells whose count follows exactly from the published cells and the totals.

    The hidden counts are the unknowns of "each line sums to its total". A count is fixed
    when every solution of the homogeneous system is zero in it; otherwise a solution moves
    it, and since every hidden count is positive it can move both ways a little with no
    count turning negative.
    """
    derived = np.zeros(len(grid.values), dtype=bool)
    matrix, cells = _system(grid, hidden)
    if len(cells) == 0 or len(matrix) == 0:
        return derived
    # cells linked by no line form independent systems: solve each on its own
    linked = csr_matrix(matrix)
    _, block = connected_components(linked.T @ linked, directed=False)
    for label in np.unique(block):
        members = np.flatnonzero(block == label)
        part = matrix[:, members]
        part = part[part.any(axis=1)]
        derived[cells[members[_fixed_columns(part)]]] = True
    return derived


def _fixed_columns(matrix: np.ndarray) -> np.ndarray:
    """Flag the unknowns that every solution of ``matrix @ x = b`` gives the same value.

    Gauss-Jordan elimination to the reduced row echelon form: a column without a pivot is
    free, and a pivot column is fixed when its row has no entry in a free column. (Plain
    numpy rather than LAPACK: small systems, and no thread pool to wait for on a busy
    machine.)
    """
    reduced = matrix.astype(float, copy=True)
    rows, columns = reduced.shape
    pivots: list[int] = []
    for column in range(columns):
        top = len(pivots)
        if top == rows:
            break
        best = top + int(np.argmax(np.abs(reduced[top:, column])))
        if abs(reduced[best, column]) <= _TOLERANCE:
            continue
        reduced[[top, best]] = reduced[[best, top]]
        reduced[top] /= reduced[top, column]
        factors = reduced[:, column].copy()
        factors[top] = 0.0
        touched = np.flatnonzero(np.abs(factors) > _TOLERANCE)  # the system is sparse
        reduced[touched] -= np.outer(factors[touched], reduced[top])
        pivots.append(column)
    free = np.ones(columns, dtype=bool)
    free[pivots] = False
    fixed = np.zeros(columns, dtype=bool)
    for row, column in enumerate(pivots):
        fixed[column] = not (np.abs(reduced[row, free]) > _TOLERANCE).any()
    return fixed
