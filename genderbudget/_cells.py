"""The one pass over the rows: input checks and a group-by to sufficient statistics.

This module (with :mod:`genderbudget._facts`, whose one query of column reductions comes
first, :mod:`genderbudget._proof`, which on a lazy frame proves those facts from the
group-by's own sums instead, and the reader) is the only one that touches the user's
dataframe engine. It goes through narwhals, so pandas, polars, DuckDB and other supported
engines give identical results. Everything after :func:`collect_cells` works on the small
pandas table it returns: one row per measure x breakdown cell x sex with the counts and sums
each estimator needs.
"""

from __future__ import annotations

import difflib
import functools
import math
import operator
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from genderbudget._columns import Columns, objects
from genderbudget._facts import NO_FACTS, Facts, column_facts
from genderbudget._facts import is_float as _is_float
from genderbudget._facts import missing as _missing
from genderbudget._measures import Measure
from genderbudget._options import (
    TEMPORARY,
    check_not_temporary,
    counted,
    listed_counts,
    quoted,
    word_for,
)
from genderbudget._privacy import identity_numbers_among, masked
from genderbudget._proof import trusted_facts
from genderbudget._sex import code_sex_values, normalize_sex
from genderbudget._sums import (
    STAT_COLUMNS,
    cell_groups,
    first_codes,
    measure_sums,
    missing_mask,
    python_values,
    stats_table,
)
from genderbudget._sums import is_missing as _is_missing
from genderbudget._sums import python_value as _python
from genderbudget._yes_no import YesNoCoding, code_yes_no_values

__all__ = [
    "LARGEST_COUNT",
    "LARGEST_VALUE",
    "NEGATIVE_VALUE",
    "NOT_FINITE",
    "TOO_LARGE",
    "CellStats",
    "ColumnNotFoundError",
    "breakdown_cells",
    "check_numbers",
    "collect_cells",
    "in_cell",
    "small_table",
]

CODING_COLUMNS: tuple[str, ...] = ("column", "value", "coded_as", "rows")
"""The columns of the coding report (:attr:`CellStats.coding`)."""
EXCLUSION_COLUMNS: tuple[str, ...] = ("measure", "column", "reason", "rows")
"""The columns of the exclusions table."""
CELL_COLUMNS: tuple[str, ...] = ("measure", "sex", "cluster", *STAT_COLUMNS)
"""The columns of the cells tables next to the breakdowns: a breakdown cannot have these names."""

# The pass's temporary columns start with this prefix; no column of the data may (checked).
_T = TEMPORARY

MISSING_COLUMN = (
    "Column {column!r} ({role}) is not in the data.{hint} Available columns: {available}."
)
NOT_NUMERIC = "Column {column!r} ({role}) must be numeric but has type {dtype}; {values}. {fix}"
ALL_VALUES = "values: {values}"
NOT_NUMBERS = "{count}: {values}"
PLAIN_NUMBERS_FIX = (
    "It holds numbers stored as text; convert them first, e.g. "
    "data[{column!r}] = pandas.to_numeric(data[{column!r}])."
)
SWEDISH_NUMBERS_FIX = (
    "It holds Swedish-formatted numbers (spaces, also non-breaking ones, between thousands "
    "and a decimal comma), which pandas.to_numeric cannot read; remove the spaces and "
    "replace the comma with a point first, e.g. data[{column!r}] = pandas.to_numeric("
    "data[{column!r}].str.replace(r'\\s', '', regex=True).str.replace(',', '.'))."
)
OTHER_VALUES_FIX = (
    "Correct those values, or set them to missing to leave their rows out (they are then "
    "reported as excluded){conversion}."
)
COERCE_PLAIN = ", e.g. data[{column!r}] = pandas.to_numeric(data[{column!r}], errors='coerce')"
COERCE_SWEDISH = (
    "; the other values are Swedish-formatted numbers, e.g. data[{column!r}] = "
    "pandas.to_numeric(data[{column!r}].str.replace(r'\\s', '', regex=True)"
    ".str.replace(',', '.'), errors='coerce')"
)
YES_NO_FIX = (
    "If it says yes or no for each person, compare the share who got it with "
    "gb.rate({column!r}) instead; otherwise convert it to numbers first."
)
CONVERT_FIX = "Convert it to numbers first."
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_SWEDISH_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:\s\d{3})+|\d+)(?:,\d+)?")
NOT_BINARY = (
    "Column {column!r} (used by rate({column!r})) must hold 0/1 or True/False, one row per "
    "person, but has other values: {values}. Recode it to 0/1, or, if the table holds "
    "counts per group, pass n='<column with the number of persons>' so the column is read "
    "as the number of persons who got it."
)
NEGATIVE_COUNT = (
    "Column {column!r} ({role}) holds counts of persons, but has negative or non-integer "
    "values in {rows}: {values}, at {positions}. Counts must be whole numbers >= 0; correct "
    "or remove those rows."
)
TOO_MANY_SUCCESSES = (
    "Column {column!r} (used by rate({column!r})) counts persons who got it, but in {rows} "
    "it exceeds the number of persons in column {n!r} (e.g. {examples}). Each row's count "
    "must lie between 0 and its number of persons; check that the columns are not swapped."
)
# The policy for the numbers in the rows, the same for every public function:
# - infinite values (inf, -inf) are refused in every number column: they cannot be summed;
# - finite values beyond LARGEST_VALUE (LARGEST_COUNT for counts of persons) are refused:
#   their squares or sums would overflow float64 (or lose whole persons);
# - negative values are refused in columns that count or divide (counts of persons, a
#   ratio's denominator, need scores, care-days, sums of squares, allocation volumes) and
#   allowed in amounts that are summed or averaged (the numerator of a mean, total or ratio:
#   corrections and refunds can be negative);
# - NaN and null are missing values: the rows are left out and counted as excluded.
LARGEST_VALUE = 1e50
LARGEST_COUNT = 2.0**53
NOT_FINITE = (
    "Column {column!r} ({role}) has infinite values in {rows}{where}: {values}, at "
    "{positions}. An infinite number cannot be summed or compared (it usually comes from a "
    "division by zero). {fix}"
)
TOO_LARGE = (
    "Column {column!r} ({role}) has values beyond +/-{limit:.4g} in {rows}{where}: {values}, "
    "at {positions}. Numbers this large cannot be computed with exactly (their squares or "
    "sums overflow, or whole persons or öre are lost); they are usually a code for a missing "
    "value or a unit error. {fix}"
)
NEGATIVE_VALUE = (
    "Column {column!r} ({role}) must be >= 0, but {rows} {have} negative values{where}: "
    "{values}, at {positions}. {what} cannot be negative. {fix}"
)
FIX_MISSING = (
    "Correct those rows, or set them to missing (NaN) to leave them out (they are then "
    "reported as excluded)."
)
COUNTS_OVERFLOW = (
    "Column {column!r} (the count column, n=) sums to {total:,.0f} persons, more than "
    "{limit:,.0f} (2**53), which cannot be counted exactly. Check that the column holds "
    "numbers of persons, not amounts."
)
WHAT_NEGATIVE_SUM_SQ = "A sum of squares"
WHAT_NEGATIVE_DENOMINATOR = "A denominator (care-days, a need score, a number of persons)"
NOT_A_FRAME = (
    "data must be a dataframe (pandas, polars, DuckDB, or another engine narwhals "
    "supports), got {type}."
)
DUPLICATE_COLUMNS = (
    "The data have several columns with the same name: {names}. Each column needs a name of "
    "its own; rename them, e.g. data.columns = [...], or drop the copies."
)
WEIGHT_AGGREGATED = (
    "Measure {name!r} multiplies {need!r} by {days!r} row by row, which is wrong on "
    "pre-aggregated input (n={n!r}): a sum of needs times a sum of days is not the sum of "
    "need x days. Give a column with the summed need x days per row instead, e.g. "
    "gb.per_need({resource!r}, 'behovsdygn'), and leave days= out."
)
IDENTITY_NUMBERS_AS_LABELS = (
    "Column {column!r} ({role}) has {values} looking like personal identity numbers "
    "(personnummer or samordningsnummer), in {rows}. Its values would be shown as labels in "
    "the results, and identity numbers are personal data, so they are refused (and not shown "
    "here). Replace them with a code that identifies no one, e.g. "
    "data[{column!r}] = pandas.factorize(data[{column!r}])[0]."
)
TWO_MARKS = (
    "Column {column!r} is read by two rates with different marks (marked={first!r} and "
    "marked={second!r}); a column's cells mean one thing. Give both rates the same marked=."
)
SUM_SQ_MICRO = (
    "mean({column!r}, sum_sq={sum_sq!r}) declares a column of summed squares, which only "
    "applies to pre-aggregated input. Pass n='<column with the number of persons>' too, or "
    "drop sum_sq for one row per person."
)


@dataclass(frozen=True)
class CellStats:
    """Sufficient statistics per measure x cell x sex, and the row accounting.

    Attributes
    ----------
    stats : pandas.DataFrame
        Columns ``measure, <by...>, sex`` then ``n`` (persons), ``rows`` (input rows used),
        ``units`` (independent units: persons, or clusters/rows for a ratio), the sums ``sy,
        syy, sx, sxx, sxy`` over units, and ``has_syy`` (whether ``syy`` is known).
    exclusions : pandas.DataFrame
        ``measure, column, reason, rows``: every input row not used by a measure.
    rows_in : int
        Number of input rows.
    patterns : pandas.DataFrame or None
        With ``justified`` factors: the same statistics per measure x cell x factor pattern
        x sex (rows with a missing factor value left out), for adjusted comparisons.
    pattern_exclusions : pandas.DataFrame or None
        ``measure, column, reason, rows``: rows used for the estimates but left out of the
        adjusted comparison because a justified factor is missing.
    pattern_units : pandas.DataFrame or None
        For ratios with a cluster: ``measure, <by...>, <factors...>, sex, cluster, rows, sy,
        sx`` per cluster within each pattern, for cluster-robust adjusted intervals.
    units : pandas.DataFrame or None
        For ratios with a cluster: ``measure, <by...>, sex, cluster, rows, sy, sx`` per
        cluster, for the small-sample (CR2) intervals of the estimates and comparisons.
    coding : pandas.DataFrame
        ``column, value, coded_as, rows``: how the sex column and the text of the rate
        columns were read, each distinct raw value with its code and its rows.
    """

    stats: pd.DataFrame
    exclusions: pd.DataFrame
    rows_in: int
    patterns: pd.DataFrame | None = None
    pattern_exclusions: pd.DataFrame | None = None
    pattern_units: pd.DataFrame | None = None
    units: pd.DataFrame | None = None
    coding: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(CODING_COLUMNS)))


def _plural(count: int, word: str = "row") -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def _offending_values(
    frame: Any, column: str, mask: nw.Expr | None = None
) -> list[tuple[Any, int]]:
    """Distinct values of ``column`` (where ``mask``) with row counts, most frequent first."""
    sub = frame if mask is None else frame.filter(mask)
    counted = sub.group_by(column).agg(nw.len().alias(_T + "count"))
    table = _to_pandas(counted)
    table = table.sort_values([_T + "count", column], ascending=[False, True], kind="stable")
    return [(_python(v), int(c)) for v, c in zip(table[column], table[_T + "count"], strict=True)]


def _to_pandas(frame: Any, numbers: str | None = None) -> pd.DataFrame:
    """Narwhals frame (eager or lazy) to pandas object columns, the same way for every engine.

    Column by column through numpy, which is much faster than going through Python lists.
    Columns whose names start with ``numbers`` (the sums of the group-by) come as floats.
    """
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    if numbers is not None:
        # Whole-number sums come back from some engines as 38-digit decimals (DuckDB's sum
        # of small integers), which numpy would read one Python object at a time: they are
        # cast on the collected table, at once. They are counts of rows or sums proven
        # below 2**53 (see genderbudget._facts), so a float holds them exactly.
        decimals = [
            name
            for name, dtype in frame.schema.items()
            if name.startswith(numbers) and dtype.is_decimal()
        ]
        if decimals:
            frame = frame.with_columns(nw.col(*decimals).cast(nw.Float64))
    columns: dict[str, Any] = {}
    for name in frame.columns:
        values = frame.get_column(name).to_numpy()
        if numbers is not None and name.startswith(numbers):
            columns[name] = np.asarray(values, dtype=np.float64)
        else:
            columns[name] = pd.Series(values.astype(object), dtype=object)
    return pd.DataFrame(columns)


def _fold(name: str) -> str:
    """Casefold and strip accents, so 'År' is close to 'ar' and 'Kön' to 'kon'."""
    decomposed = unicodedata.normalize("NFKD", str(name).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _check_columns(names: Sequence[str], required: Mapping[str, str]) -> None:
    available = list(names)
    folded = {_fold(c): c for c in available}
    for column, role in required.items():
        if column in available:
            continue
        close = difflib.get_close_matches(_fold(column), list(folded), n=1, cutoff=0.6)
        hint = f" Did you mean {masked(folded[close[0]])!r}?" if close else ""
        shown = quoted(available[:30])
        if len(available) > 30:
            shown += f", … ({len(available)} in all)"
        raise ColumnNotFoundError(
            MISSING_COLUMN.format(column=masked(column), role=role, hint=hint, available=shown)
        )


class ColumnNotFoundError(ValueError):
    """A column named in the call is not in the data."""


def _narwhals_frame(data: Any, prefix: str = "") -> Any:
    """Wrap a dataframe of any supported engine, or say that ``data`` is not one."""
    # Only pandas lets two columns share a name; the other engines refuse it themselves.
    if isinstance(data, pd.DataFrame) and data.columns.has_duplicates:
        times = data.columns.value_counts(sort=False)
        names = ", ".join(f"{name!r} ({k} times)" for name, k in times[times > 1].items())
        raise ValueError(prefix + DUPLICATE_COLUMNS.format(names=names))
    try:
        frame = nw.from_native(data)
    except TypeError:
        raise TypeError(prefix + NOT_A_FRAME.format(type=type(data).__name__)) from None
    if not isinstance(frame, nw.DataFrame | nw.LazyFrame):
        raise TypeError(prefix + NOT_A_FRAME.format(type=type(data).__name__))
    return frame


def small_table(
    data: Any, required: Mapping[str, str], *, argument: str, labels: Sequence[str] = ()
) -> pd.DataFrame:
    """Check the columns of a small table and return them as a pandas frame of objects.

    For tables that are small by nature (cost pools, drivers per cost object), which are
    read whole rather than grouped: any narwhals-supported frame, eager or lazy, gives the
    same pandas frame with the ``required`` columns as object columns.

    Parameters
    ----------
    data : dataframe
        pandas, polars, DuckDB, ...
    required : mapping of str to str
        Column name -> its role, for the message when it is missing.
    argument : str
        The argument's name, for the message when ``data`` is not a dataframe.
    labels : sequence of str, optional
        Columns of ``required`` whose values label the results (breakdowns, cost objects);
        values that look like personal identity numbers are refused there.

    Returns
    -------
    pandas.DataFrame
    """
    frame = _narwhals_frame(data, f"{argument}: ")
    _check_columns(list(frame.collect_schema()), required)
    table = _to_pandas(frame.select(list(dict.fromkeys(required))))
    _refuse_identity_numbers(table, {column: required[column] for column in labels})
    return table


def collect_cells(
    data: Any,
    measures: Sequence[Measure],
    *,
    sex: str,
    by: Sequence[str],
    n: str | None,
    mapping: Mapping[object, str] | None,
    justified: Sequence[str] = (),
    factors: Sequence[str] = (),
) -> CellStats:
    """Check the input and compute sufficient statistics per measure, cell and sex.

    Parameters
    ----------
    data : dataframe
        Any dataframe narwhals supports (pandas, polars, DuckDB, ...), eager or lazy.
    measures : sequence of Measure
        The measures to compute.
    sex : str
        Column with the sex codes (coded with :func:`genderbudget.normalize_sex` rules).
    by : sequence of str
        Breakdown columns.
    n : str or None
        For pre-aggregated input, the column with the number of persons per row.
    mapping : mapping, optional
        Extra sex codes, passed to the sex coding.
    justified : sequence of str, optional
        Factors to keep apart in :attr:`CellStats.patterns` (the same group-by, finer keys).
    factors : sequence of str, optional
        Columns of ``by`` that are factors of a model (read as numbers when numeric): like
        ``justified``, refused when they hold infinite values.

    Returns
    -------
    CellStats
    """
    frame = _narwhals_frame(data)
    schema = dict(frame.collect_schema())
    by = list(by)
    justified = [j for j in justified if j not in by]
    _check_request(schema, measures, sex=sex, by=by, justified=justified, n=n)
    frame, mapping = _sex_without_booleans(frame, schema, sex, mapping)
    frame, schema, coding = _coded_yes_no(frame, schema, measures, n)
    _check_numeric(frame, schema, measures, n)
    clusters = [m.cluster for m in measures if m.cluster]
    keys = list(dict.fromkeys([sex, *by, *justified, *clusters]))
    grouped, checks = _grouped_rows(frame, schema, measures, n, keys)
    cells = _completed(grouped, measures, n)
    rows_in = int(cells[_T + "rows"].sum())
    _refuse_identity_numbers(cells, _label_roles(measures, by, justified))
    if _T + "bad" in cells and cells[_T + "bad"].sum() > 0:
        _raise_on_bad_values(frame, _count_checks(frame, checks), measures, schema, n)
    if n is not None:
        _check_count_totals(cells, measures, n)
    _raise_on_infinite_factors(frame, cells, schema, [*justified, *factors])
    cells[_T + "sex"], sex_coding = _coded_sex(cells, sex, mapping)
    cells, exclusions = _drop_missing_breakdowns(cells, measures, by)

    groups = cell_groups(cells, by)
    sums = [measure_sums(cells, groups, i, m, n=n) for i, m in enumerate(measures)]
    unit_tables = [s.units for s in sums if s.units is not None]
    for s in sums:
        exclusions.extend(s.excluded)
    stats = stats_table(sums)
    units_table = pd.concat(unit_tables, ignore_index=True) if unit_tables else None
    result = CellStats(
        stats=stats,
        exclusions=_exclusion_frame(exclusions),
        rows_in=rows_in,
        units=units_table,
        coding=pd.concat([sex_coding, *coding], ignore_index=True),
    )
    if not justified:
        return result
    return _with_patterns(result, cells, measures, by=by, justified=justified, n=n)


def _check_request(
    schema: Mapping[str, Any],
    measures: Sequence[Measure],
    *,
    sex: str,
    by: Sequence[str],
    justified: Sequence[str],
    n: str | None,
) -> None:
    """Check that every column the call names is there and that the options fit the input."""
    required: dict[str, str] = {sex: "the sex column, sex="}
    for b in by:
        required.setdefault(b, "a breakdown column, by=")
    for j in justified:
        required.setdefault(j, "a justified factor, justified=")
    if n is not None:
        required.setdefault(n, "the count column, n=")
    for m in measures:
        if n is not None and m.weight is not None:
            raise ValueError(
                WEIGHT_AGGREGATED.format(
                    name=m.name, need=m.denominator, days=m.weight, n=n, resource=m.column
                )
            )
        for c in m.columns:
            required.setdefault(c, f"used by measure {masked(m.name)!r}")
        if m.cluster is not None:
            required.setdefault(m.cluster, f"the cluster of measure {masked(m.name)!r}")
        if m.sum_sq is not None:
            if n is None:
                raise ValueError(SUM_SQ_MICRO.format(column=m.column, sum_sq=m.sum_sq))
            required.setdefault(m.sum_sq, f"the summed squares of measure {masked(m.name)!r}")
    _check_columns(list(schema), required)
    check_not_temporary(required)


def _label_roles(
    measures: Sequence[Measure], by: Sequence[str], justified: Sequence[str]
) -> dict[str, str]:
    """Name the columns that group the rows (breakdowns, factors, clusters), with roles."""
    roles = {b: "a breakdown column, by=" for b in by}
    roles.update({j: "a justified factor, justified=" for j in justified})
    for m in measures:
        if m.cluster is not None:
            roles.setdefault(m.cluster, f"the cluster of measure {masked(m.name)!r}")
    return roles


def _refuse_identity_numbers(cells: pd.DataFrame, roles: Mapping[str, str]) -> None:
    """Refuse a label column with values that look like personal identity numbers.

    Works on the grouped cells (with their ``__rows``) or on a small table (one row each), so
    each distinct value is checked once.
    """
    weights = cells[_T + "rows"] if _T + "rows" in cells else pd.Series(1, index=cells.index)
    for column, role in roles.items():
        codes, distinct = pd.factorize(cells[column].to_numpy(dtype=object))  # -1: missing
        known = codes >= 0
        rows = np.bincount(codes[known], weights=weights.to_numpy()[known], minlength=len(distinct))
        found = identity_numbers_among(python_values(np.asarray(distinct, dtype=object)).tolist())
        if found.any():
            raise ValueError(
                IDENTITY_NUMBERS_AS_LABELS.format(
                    column=masked(column),
                    role=role,
                    values=_plural(int(found.sum()), "distinct value"),
                    rows=_plural(int(rows[found].sum())),
                )
            )


def _check_numeric(
    frame: Any, schema: Mapping[str, Any], measures: Sequence[Measure], n: str | None
) -> None:
    """Refuse a count or value column that is not numeric, quoting its values."""
    numeric_roles: dict[str, str] = {}
    if n is not None:
        numeric_roles[n] = "the count column, n="
    for m in measures:
        for c in (*m.columns, *([m.sum_sq] if m.sum_sq else [])):
            numeric_roles.setdefault(c, f"used by measure {masked(m.name)!r}")
    for column, role in numeric_roles.items():
        dtype = schema[column]
        if dtype.is_numeric() or dtype == nw.Boolean:
            continue
        values = [(v, c) for v, c in _offending_values(frame, column) if not _is_missing(v)]
        raise ValueError(_not_numeric_message(column, role, dtype, values))


def _number_kind(value: Any) -> str:
    """Say whether a value is a number, a number as text, a Swedish-formatted one, or other."""
    if isinstance(value, bool | np.bool_):
        return "other"
    if isinstance(value, int | float | np.integer | np.floating):
        return "number"
    if not isinstance(value, str):
        return "other"
    text = value.strip()
    if _PLAIN_NUMBER.fullmatch(text):
        return "number"
    if _SWEDISH_NUMBER.fullmatch(text):
        return "swedish"
    return "other"


def _not_numeric_message(column: str, role: str, dtype: Any, values: list[tuple[Any, int]]) -> str:
    """Name the values that are not numbers and the conversion that reads the others."""
    kinds = [_number_kind(value) for value, _ in values]
    other = [item for item, kind in zip(values, kinds, strict=True) if kind == "other"]
    swedish = "swedish" in kinds
    if not other:
        fix = SWEDISH_NUMBERS_FIX if swedish else PLAIN_NUMBERS_FIX
        shown = ALL_VALUES.format(values=listed_counts(values))
    elif len(other) < len(values):
        conversion = COERCE_SWEDISH if swedish else COERCE_PLAIN
        fix = OTHER_VALUES_FIX.format(conversion=conversion.format(column=column))
        count = counted(len(other), "value is not a number", "values are not numbers")
        shown = NOT_NUMBERS.format(count=count, values=listed_counts(other))
    else:
        fix = YES_NO_FIX if _reads_as_yes_no(column, values) else CONVERT_FIX
        shown = ALL_VALUES.format(values=listed_counts(values))
    return NOT_NUMERIC.format(
        column=column, role=role, dtype=dtype, values=shown, fix=fix.format(column=column)
    )


def _reads_as_yes_no(column: str, values: list[tuple[Any, int]]) -> bool:
    try:
        code_yes_no_values([v for v, _ in values], [c for _, c in values], column=column)
    except ValueError:
        return False
    return True


def _value(column: str) -> nw.Expr:
    return nw.col(column).cast(nw.Float64)


@dataclass(frozen=True)
class _Checked:
    """A number column and what the policy asks of its values (see :data:`LARGEST_VALUE`)."""

    column: str
    role: str
    limit: float = LARGEST_VALUE
    negative: str | None = None  # words for the values when they cannot be negative


def _checked_columns(measures: Sequence[Measure], n: str | None) -> list[_Checked]:
    """Every number column the measures read, each once, with its role in the policy.

    The count column ``n`` is checked against :data:`LARGEST_COUNT` (its own check refuses
    negative and fractional counts); the columns a measure declares ``nonnegative`` (a
    ratio's denominator, need scores, care-days) and sums of squares cannot be negative;
    the amounts a measure sums or averages can.
    """
    checked: dict[str, _Checked] = {}
    if n is not None:
        checked[n] = _Checked(n, "the count column, n=", limit=LARGEST_COUNT)
    for m in measures:
        role = f"used by measure {m.name!r}"
        for c in m.columns:
            what = WHAT_NEGATIVE_DENOMINATOR if c in m.nonnegative else None
            _add_checked(checked, _Checked(c, role, negative=what))
        if m.sum_sq is not None:
            _add_checked(checked, _Checked(m.sum_sq, role, negative=WHAT_NEGATIVE_SUM_SQ))
    return list(checked.values())


def _add_checked(checked: dict[str, _Checked], new: _Checked) -> None:
    """Add a column's check; a column read by several measures keeps its strictest one."""
    old = checked.get(new.column)
    if old is None:
        checked[new.column] = new
    elif old.negative is None and new.negative is not None:
        checked[new.column] = replace(old, negative=new.negative)


def _value_checks(sums: _RowSums, checked: Sequence[_Checked]) -> None:
    """Add the per-row 0/1 expressions of the policy: infinite, too large, negative."""
    facts = sums.facts
    for j, spec in enumerate(checked):
        passes = {
            "inf": facts.finite(spec.column),
            "big": facts.within(spec.column, -spec.limit, spec.limit),
            "neg": facts.within(spec.column, 0.0, math.inf),
        }
        for kind in ("inf", "big", "neg"):
            expr = _problem(spec, sums.schema[spec.column], kind)
            if expr is not None:
                sums.check(f"{_T}bad_{kind}{j}", expr, proven=passes[kind])


def _problem(spec: _Checked, dtype: Any, kind: str) -> nw.Expr | None:
    """Return the rows of ``spec.column`` with problem ``kind`` (None: it cannot occur)."""
    if dtype == nw.Boolean:
        return None
    value = _value(spec.column)
    present = ~_missing(spec.column, dtype)
    finite = value.abs() < float("inf")
    if kind == "inf":
        return (present & ~finite) if _is_float(dtype) else None
    if kind == "big":
        if not _is_float(dtype) and spec.limit >= 2.0**64:
            return None  # an integer column cannot reach the limit
        return present & finite & (value.abs() > spec.limit)
    if spec.negative is None:
        return None
    return present & (value < 0)


@dataclass
class _RowSums:
    """The row expressions of the group-by, and the checks it needs to sum."""

    schema: Mapping[str, Any]
    facts: Facts
    derived: dict[str, nw.Expr] = field(default_factory=dict)
    checks: dict[str, nw.Expr] = field(default_factory=dict)
    proven: set[str] = field(default_factory=set)
    values: dict[str, str] = field(default_factory=dict)
    squares: dict[str, str] = field(default_factory=dict)

    def plain(self, column: str, name: str, *, square: bool = False) -> None:
        """Record that ``name`` sums ``column`` (or its square) over every row, as it is."""
        (self.squares if square else self.values).setdefault(column, name)

    def used(self, columns: Sequence[str]) -> nw.Expr | None:
        """Return the rows where none of ``columns`` is missing; None: every row (the facts say)."""
        parts = [_missing(c, self.schema[c]) for c in columns if not self.facts.complete(c)]
        if not parts:
            return None
        return ~functools.reduce(operator.or_, parts[1:], parts[0])

    def summand(self, column: str, ok: nw.Expr | None) -> nw.Expr:
        """``column`` as summed over the used rows: 0 where not used.

        A complete integer column whose sum is exact as an integer (:meth:`Facts.exact_
        integer_sum`) is summed as it is, without a float copy; otherwise as floats.
        """
        if ok is None:  # the column is one of those found complete
            if self.schema[column] == nw.Boolean:
                return nw.col(column).cast(nw.Int8)
            if self.facts.exact_integer_sum(column):
                return nw.col(column)
        return _kept(ok, _value(column))

    def check(self, name: str, expr: nw.Expr, *, proven: bool) -> None:
        """Add a check; one the facts prove never true is not summed row by row."""
        self.checks[name] = expr
        if proven:
            self.proven.add(name)


def _kept(ok: nw.Expr | None, value: nw.Expr) -> nw.Expr:
    """``value`` where ``ok``, else 0 (``ok`` None: every row)."""
    return value if ok is None else nw.when(ok).then(value).otherwise(0.0)


def _only(ok: nw.Expr | None, condition: nw.Expr) -> nw.Expr:
    """``condition`` on the used rows only (``ok`` None: every row)."""
    return condition if ok is None else ok & condition


def _row_statistics(
    measures: Sequence[Measure], schema: Mapping[str, Any], n: str | None, facts: Facts = NO_FACTS
) -> _RowSums:
    """Per-row expressions to sum (use flags, missing-value attribution, the sums) and checks.

    The checks (``bad``, ``over`` temporaries) find rows with values the policy or a
    measure refuses. The group-by sums them as one flag, ``bad``: only when it counts a
    row are they counted one by one (:func:`_count_checks`), to word the error. Columns
    that follow from others are left to :func:`_completed`: a count's use flag without a
    count column (every row), and the last missing-value count of each measure.

    The column ``facts`` (:func:`genderbudget._facts.column_facts`) leave out what they
    settle: the use flag and missing-value counts of columns with no missing value (filled
    in by :func:`_completed`), and the checks their ranges prove pass (``bad`` sums the
    others, and is left out when none is left). The returned checks are all of them, to
    count one by one. The returned sums also name the derived sums that are a column's
    values or squares over every row (:attr:`_RowSums.values`, :attr:`_RowSums.squares`),
    which :mod:`genderbudget._proof` reads.
    """
    sums = _RowSums(schema, facts)
    _value_checks(sums, _checked_columns(measures, n))
    if n is not None:
        proven = facts.within(n, 0.0, math.inf, whole=True)
        sums.check(_T + "bad_n", _refused_count(n, schema[n]), proven=proven)
    for i, m in enumerate(measures):
        counted = ([n] if n is not None else []) + list(m.columns)
        ok = sums.used(counted)
        if ok is not None:
            sums.derived[f"{_T}ok{i}"] = ok
        # Attribute each excluded row to its first missing column (count column first).
        previous: nw.Expr | None = None
        for c in counted[:-1]:
            if facts.complete(c):
                continue
            now = _missing(c, schema[c])
            sums.derived[f"{_T}miss{i}_{c}"] = now if previous is None else (~previous) & now
            previous = now if previous is None else previous | now
        if n is not None:
            sums.derived[f"{_T}w{i}"] = sums.summand(n, ok)
        if m.kind != "count":
            _measure_sums(sums, i, m, ok, n)
    unproven = [expr for name, expr in sums.checks.items() if name not in sums.proven]
    if unproven:
        sums.derived[_T + "bad"] = functools.reduce(operator.or_, unproven[1:], unproven[0])
    return sums


def _grouped_rows(
    frame: Any,
    schema: Mapping[str, Any],
    measures: Sequence[Measure],
    n: str | None,
    keys: list[str],
) -> tuple[pd.DataFrame, dict[str, nw.Expr]]:
    """Group the rows once, on the column facts or on facts the group-by proves; with checks.

    A lazy frame without missing values is grouped on facts taken on trust, which the
    group-by's own sums then prove (:mod:`genderbudget._proof`); when they do not, and on
    every other frame, the column facts are taken first (:func:`genderbudget._facts.
    column_facts`) and the rows grouped on them. Either way the table and the checks are
    those of the facts.
    """
    checked = _checked_columns(measures, n)
    rates = [m.column for m in measures if m.kind == "rate" and m.column is not None]
    # Counts of persons (pre-aggregated input) must be whole, not negative and at least a
    # rate's count: the sums do not prove that, so such a call takes the facts.
    proof = None
    if n is None:
        proof = trusted_facts(
            frame,
            schema,
            {spec.column: spec.limit for spec in checked},
            zero_one=rates,
            nonnegative=[spec.column for spec in checked if spec.negative is not None],
        )
    if proof is not None:
        sums = _row_statistics(measures, schema, n, proof.facts)
        derived = {**sums.derived, **proof.sums(sums.values, sums.squares)}
        grouped = _group_rows(frame, derived, keys)
        if proof.holds(grouped):
            return proof.drop(grouped), sums.checks
    numbers = [spec.column for spec in checked]
    facts = column_facts(frame, schema, numbers, whole=[*rates, *([n] if n else [])])
    sums = _row_statistics(measures, schema, n, facts)
    return _group_rows(frame, sums.derived, keys), sums.checks


def _completed(cells: pd.DataFrame, measures: Sequence[Measure], n: str | None) -> pd.DataFrame:
    """Add the columns that follow from the grouped ones (see :func:`_row_statistics`).

    A measure's rows are used or excluded for their first missing column, so its last
    column's missing rows are the rows not used and not missing before; a measure without
    a use flag (no column, or none with a missing value) uses every row, and a column with
    no missing-value count has none.
    """
    rows = cells[_T + "rows"].to_numpy(dtype=np.float64)
    added: dict[str, np.ndarray] = {}  # put in at once: each column set rebuilds the index
    for i, m in enumerate(measures):
        counted = ([n] if n is not None else []) + list(m.columns)
        if f"{_T}ok{i}" in cells:
            used = cells[f"{_T}ok{i}"].to_numpy(dtype=np.float64)
        else:
            used = added[f"{_T}ok{i}"] = rows
        if not counted:
            continue
        rest = rows - used
        for c in counted[:-1]:
            name = f"{_T}miss{i}_{c}"
            if name in cells:
                rest = rest - cells[name].to_numpy(dtype=np.float64)
            else:
                added[name] = np.zeros(len(cells))
        added[f"{_T}miss{i}_{counted[-1]}"] = rest
    if not added:
        return cells
    return pd.concat([cells, pd.DataFrame(added, index=cells.index)], axis=1)


def _count_checks(frame: Any, checks: Mapping[str, nw.Expr]) -> pd.DataFrame:
    """Count the rows of each check over the whole frame (one row; to word an error)."""
    counts = frame.select(*(expr.cast(nw.Int64).sum().alias(name) for name, expr in checks.items()))
    return _to_pandas(counts, numbers=_T)


def _measure_sums(sums: _RowSums, i: int, m: Measure, ok: nw.Expr | None, n: str | None) -> None:
    """Add the sums of measure ``i`` (the ``y``, ``yy``, ``x``, ... temporaries) and its checks."""
    cols = list(m.columns)
    facts, derived = sums.facts, sums.derived
    y = _value(cols[0])
    derived[f"{_T}y{i}"] = sums.summand(cols[0], ok)
    every_row = ok is None and n is None  # the sums below are then of the values themselves
    if every_row:
        sums.plain(cols[0], f"{_T}y{i}")
    if m.kind == "rate":
        if n is None:
            proven = facts.within(cols[0], 0.0, 1.0, whole=True)
            sums.check(f"{_T}bad{i}", _only(ok, (y != 0) & (y != 1)), proven=proven)
        else:
            proven = facts.within(cols[0], 0.0, math.inf, whole=True)
            sums.check(f"{_T}bad{i}", _only(ok, (y < 0) | (y != y.round(0))), proven=proven)
            sums.check(f"{_T}over{i}", _only(ok, y > _value(n)), proven=facts.at_most(cols[0], n))
    if m.kind in ("mean", "ratio", "total"):
        if n is None or m.kind == "ratio":
            derived[f"{_T}yy{i}"] = _kept(ok, y * y)
            if every_row:
                sums.plain(cols[0], f"{_T}yy{i}", square=True)
        elif m.sum_sq is not None:
            derived[f"{_T}yy{i}"] = _kept(ok, _value(m.sum_sq))
    if m.kind in ("mean", "rate") and m.cluster is not None:
        # A clustered mean or rate is the ratio of sums sum(y) / n over the units.
        derived[f"{_T}x{i}"] = sums.summand(n, ok) if n is not None else _kept(ok, nw.lit(1.0))
    if m.kind == "ratio":
        x = _value(cols[1]) if m.weight is None else _value(cols[1]) * _value(cols[2])
        derived[f"{_T}x{i}"] = _kept(ok, x)
        derived[f"{_T}xx{i}"] = _kept(ok, x * x)
        derived[f"{_T}xy{i}"] = _kept(ok, x * y)
        if every_row and m.weight is None:
            sums.plain(cols[1], f"{_T}x{i}")
            sums.plain(cols[1], f"{_T}xx{i}", square=True)


CHUNK_ROWS = 500_000
"""Rows of an eager frame grouped at a time: the derived row columns of one chunk are the
only copy the pass makes, so memory beyond the input stays bounded whatever its size.
pandas takes :data:`PANDAS_CHUNKS` times as many rows a chunk."""

PANDAS_CHUNKS = 4
"""pandas spends about 10 ms a group-by on factorizing the keys and building the result's
index whatever the rows; at 10 million rows, chunks of 2 million took 0.69 s and chunks
of half a million 1.0 s (polars: 0.66 s and 0.54 s), for a peak of 1.2-1.3 times the
input instead of 1.1 (``benchmarks/README.md``)."""


def _chunk_rows(frame: Any) -> int:
    """Return the rows of ``frame`` to group at a time (see :data:`CHUNK_ROWS`)."""
    pandas_like = nw.get_native_namespace(frame) is pd
    return CHUNK_ROWS * PANDAS_CHUNKS if pandas_like else CHUNK_ROWS


_FLAGS = (_T + "ok", _T + "miss", _T + "bad", _T + "over")


def _group_rows(frame: Any, derived: dict[str, nw.Expr], keys: list[str]) -> pd.DataFrame:
    """Sum the row expressions per key combination: the one group-by, in the user's engine.

    The 0/1 flags (used, missing, refused) are summed as 8-bit integers (every engine sums
    them into 64-bit or wider integers), the values as floats. Only the keys and the derived
    columns go into the group-by. An eager frame (pandas, polars) longer than
    :func:`_chunk_rows` is grouped a chunk at a time and the chunks' sums added up; a lazy
    frame (polars, DuckDB, Spark) is left to its engine, which streams, spills or
    distributes as it does for its own queries. (polars' streaming engine would use less
    memory still, but adds up a group's rows in an order that changes from run to run.)
    """
    # The rows are counted as a sum of ones with the other sums: pandas computes a group
    # size apart, with a grouping of its own.
    columns = {
        _T + "rows": nw.lit(1, dtype=nw.Int8()),
        **{
            name: expr.cast(nw.Int8) if name.startswith(_FLAGS) else expr
            for name, expr in derived.items()
        },
    }
    aggregates = [nw.col(*columns).sum()]  # one aggregation: pandas sums them in one pass

    def grouped(part: Any) -> pd.DataFrame:
        chosen = part.select(*keys, **columns)
        return _to_pandas(chosen.group_by(keys, drop_null_keys=False).agg(*aggregates), numbers=_T)

    step = _chunk_rows(frame) if isinstance(frame, nw.DataFrame) else 0
    if not step or len(frame) <= step:
        return grouped(frame)
    parts = [grouped(frame[start : start + step]) for start in range(0, len(frame), step)]
    return _add_up(pd.concat(parts, ignore_index=True), keys)


_NONE = object()  # None as a key of its own (a float column's NaN is another)


def _add_up(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Add up the sums of the rows of ``table`` with the same keys (the chunks' group-bys).

    A key combination keeps the values of its first row; None and NaN stay apart, as the
    engines keep a null and a NaN apart.
    """
    coded = []
    for key in keys:
        values = table[key].to_numpy(dtype=object).copy()
        values[[value is None for value in values]] = _NONE
        coded.append(values)
    codes, first = first_codes(coded, len(table))
    out = table.iloc[first][keys].reset_index(drop=True)
    for name in table.columns:
        if name.startswith(_T):
            out[name] = np.bincount(codes, table[name].to_numpy(dtype=np.float64), len(first))
    return out


def _coded_sex(
    cells: pd.DataFrame, sex: str, mapping: Mapping[object, str] | None
) -> tuple[np.ndarray, pd.DataFrame]:
    """Code the few distinct raw sex values, with their row counts for the error message.

    Returns the code of every cell and the coding report of the column.
    """
    codes, distinct = pd.factorize(cells[sex].to_numpy(dtype=object), use_na_sentinel=False)
    counts = np.bincount(codes, weights=cells[_T + "rows"].to_numpy(), minlength=len(distinct))
    values = [_python(v) for v in distinct]
    rows = [int(c) for c in counts]
    coded = code_sex_values(values, rows, column=sex, mapping=mapping)
    return np.asarray(coded, dtype=object)[codes], _coding_frame(sex, values, coded, rows)


def _coding_frame(
    column: str, values: Sequence[object], coded: Sequence[str], rows: Sequence[int]
) -> pd.DataFrame:
    """Report the coding of one column: each distinct value, its code and its rows."""
    raw = objects(None if _is_missing(value) else value for value in values)
    counts = np.asarray(rows, dtype=np.int64)
    # Most rows first; values with as many rows in a fixed order, not the order in which the
    # engine's group-by happened to return them (which differs between engines).
    tie = objects((value is None, type(value).__name__, str(value)) for value in raw)
    fixed = np.argsort(tie, kind="stable")
    order = fixed[np.argsort(-counts[fixed], kind="stable")]
    names = objects([column] * len(raw))
    table = Columns({"column": names, "value": raw, "coded_as": objects(coded), "rows": counts})
    return table.take(order).frame(list(CODING_COLUMNS))


def _sex_without_booleans(
    frame: Any, schema: Mapping[str, Any], sex: str, mapping: Mapping[object, str] | None
) -> tuple[Any, Mapping[object, str] | None]:
    """Code a sex column of mixed Python objects before the group-by, keeping booleans apart.

    An engine groups ``True`` with ``1`` in a column of objects, so a boolean would be coded
    as SCB's 1 (man). Such a column is coded row by row with :func:`normalize_sex`, which
    refuses booleans (unless ``mapping`` names them) with the message of every sex column;
    the frame then carries the coded values, which need no mapping any more.
    """
    if schema[sex] != nw.Object or not isinstance(frame, nw.DataFrame):
        return frame, mapping
    column = frame.get_column(sex)
    raw = pd.Series(column.to_numpy().astype(object), name=sex, dtype=object)
    coded = normalize_sex(raw, mapping=mapping).astype(object).to_numpy()
    replaced = nw.new_series(sex, coded, nw.String(), backend=nw.get_native_namespace(frame))
    return frame.with_columns(replaced), None


def _coded_yes_no(
    frame: Any, schema: Mapping[str, Any], measures: Sequence[Measure], n: str | None
) -> tuple[Any, dict[str, Any], list[pd.DataFrame]]:
    """Recode the text of every rate column (one row per person) to 1.0, 0.0 or missing.

    The distinct values of each such column are found with one small group-by and coded by
    :func:`code_yes_no_values`; the column is then recoded in the engine. Returns the frame,
    its schema with the recoded columns as numbers, and the coding report of each column.
    """
    schema = dict(schema)
    marks: dict[str, str | None] = {}
    reports: list[pd.DataFrame] = []
    for m in measures:
        column = m.column
        if m.kind != "rate" or n is not None or column is None:
            continue
        if column in marks:
            if marks[column] != m.marked:
                raise ValueError(
                    TWO_MARKS.format(column=column, first=marks[column], second=m.marked)
                )
            continue
        marks[column] = m.marked
        dtype = schema[column]
        if dtype.is_numeric() or dtype == nw.Boolean:
            continue
        counted_values = _offending_values(frame, column)
        values = [value for value, _ in counted_values]
        rows = [count for _, count in counted_values]
        coding = code_yes_no_values(values, rows, column=column, marked=m.marked)
        frame = frame.with_columns(_yes_no_expression(column, coding))
        schema[column] = nw.Float64()
        reports.append(_coding_frame(column, values, coding.codes, rows))
    return frame, schema, reports


def _yes_no_expression(column: str, coding: YesNoCoding) -> nw.Expr:
    """1.0 for the values coded yes, 0.0 for those coded no, missing for the others."""
    raw = nw.col(column)
    no = raw.is_in(coding.having("no")) if coding.having("no") else nw.lit(value=False)
    if coding.missing_is_no:
        no = no | raw.is_null()
    yes = raw.is_in(coding.having("yes")) if coding.having("yes") else nw.lit(value=False)
    missing = nw.lit(None, dtype=nw.Float64())
    return (
        nw.when(yes).then(nw.lit(1.0)).otherwise(nw.when(no).then(nw.lit(0.0)).otherwise(missing))
    ).alias(column)


def _drop_missing_breakdowns(
    cells: pd.DataFrame, measures: Sequence[Measure], by: Sequence[str]
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Leave out rows whose breakdown value is missing, reported for every measure."""
    exclusions: list[dict[str, Any]] = []
    by_missing = np.zeros(len(cells), dtype=bool)
    counts = cells[_T + "rows"].to_numpy(dtype=np.float64)
    for b in by:
        now = missing_mask(cells[b].to_numpy(dtype=object)) & ~by_missing
        rows = int(counts[now].sum())
        for m in measures:
            if rows:
                exclusions.append(
                    {"measure": m.name, "column": b, "reason": "missing_breakdown", "rows": rows}
                )
        by_missing = by_missing | now
    return (cells.loc[~by_missing] if by_missing.any() else cells), exclusions


def _with_patterns(
    result: CellStats,
    cells: pd.DataFrame,
    measures: Sequence[Measure],
    *,
    by: list[str],
    justified: list[str],
    n: str | None,
) -> CellStats:
    """Add the same cells, finer: by factor pattern, for the adjusted comparisons only."""
    factor_missing = np.zeros(len(cells), dtype=bool)
    pattern_excluded: list[dict[str, Any]] = []
    used = [cells[f"{_T}ok{i}"].to_numpy(dtype=np.float64) for i in range(len(measures))]
    for j in justified:
        now = missing_mask(cells[j].to_numpy(dtype=object)) & ~factor_missing
        if not now.any():
            continue
        for m, ok in zip(measures, used, strict=True):
            rows = int(ok[now].sum())
            if rows:
                pattern_excluded.append(
                    {"measure": m.name, "column": j, "reason": "missing_factor", "rows": rows}
                )
        factor_missing = factor_missing | now
    complete = cells.loc[~factor_missing] if factor_missing.any() else cells
    groups = cell_groups(complete, [*by, *justified])
    sums = [measure_sums(complete, groups, i, m, n=n) for i, m in enumerate(measures)]
    unit_frames = [s.units for s in sums if s.units is not None]
    return replace(
        result,
        patterns=stats_table(sums),
        pattern_exclusions=_exclusion_frame(pattern_excluded),
        pattern_units=pd.concat(unit_frames, ignore_index=True) if unit_frames else None,
    )


def _exclusion_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Return the exclusions as a table, typed as pandas types one built from the records."""
    table = Columns(rows=len(records))
    for name in EXCLUSION_COLUMNS[:-1]:
        table[name] = objects(record[name] for record in records)
    table["rows"] = np.array([record["rows"] for record in records], dtype=np.int64)
    return table.frame(list(EXCLUSION_COLUMNS), infer=EXCLUSION_COLUMNS[:-1])


def _raise_on_bad_values(
    frame: Any,
    cells: pd.DataFrame,
    measures: Sequence[Measure],
    schema: Mapping[str, Any],
    n: str | None,
) -> None:
    """Raise on the first refused value counted, naming column, rows and fix.

    ``cells`` holds the count of rows of each check (:func:`_count_checks`).
    """
    for j, spec in enumerate(_checked_columns(measures, n)):
        for kind in ("inf", "big", "neg"):
            rows = int(cells[f"{_T}bad_{kind}{j}"].sum()) if f"{_T}bad_{kind}{j}" in cells else 0
            if rows:
                mask = _problem(spec, schema[spec.column], kind)
                assert mask is not None  # counted above, so the expression exists
                values = _offending_values(frame, spec.column, mask)
                raise ValueError(
                    _value_problem(
                        kind, spec, rows, values, _positions(frame, mask), where="", fix=FIX_MISSING
                    )
                )
    if n is not None:
        _check_counts(frame, cells, schema, n)
    for i, m in enumerate(measures):
        if m.kind == "rate" and m.column is not None:
            _check_rate(frame, cells, i, m.column, schema, n)


def _raise_on_infinite_factors(
    frame: Any, cells: pd.DataFrame, schema: Mapping[str, Any], factors: Sequence[str]
) -> None:
    """Refuse infinite values of a numeric factor, found among the few grouped values."""
    for factor in dict.fromkeys(factors):
        if not _is_float(schema[factor]):
            continue
        infinite = cells[factor].map(lambda v: isinstance(v, float) and math.isinf(v))
        rows = int(cells.loc[infinite.to_numpy(dtype=bool), _T + "rows"].sum())
        if rows:
            spec = _Checked(factor, "a justified factor")
            mask = _problem(spec, schema[factor], "inf")
            assert mask is not None  # a float column
            values = _offending_values(frame, factor, mask)
            raise ValueError(
                _value_problem(
                    "inf", spec, rows, values, _positions(frame, mask), where="", fix=FIX_MISSING
                )
            )


def _refused_count(n: str, dtype: Any) -> nw.Expr:
    """Return the rows whose count of persons is present but negative or not whole."""
    persons = _value(n)
    return (~_missing(n, dtype)) & ((persons < 0) | (persons != persons.round(0)))


def _check_counts(frame: Any, cells: pd.DataFrame, schema: Mapping[str, Any], n: str) -> None:
    """Refuse negative or fractional counts of persons (``cells``: the checks' counts)."""
    if cells[_T + "bad_n"].sum() > 0:
        rows = int(cells[_T + "bad_n"].sum())
        bad = _refused_count(n, schema[n])
        values = _offending_values(frame, n, bad)
        raise ValueError(
            NEGATIVE_COUNT.format(
                column=n,
                role="the count column, n=",
                rows=_plural(rows),
                values=listed_counts(values),
                positions=_positions_text(_positions(frame, bad), rows),
            )
        )


def _check_count_totals(cells: pd.DataFrame, measures: Sequence[Measure], n: str) -> None:
    """Refuse counts of persons that sum beyond 2**53 (no longer exact as floats)."""
    for i in range(len(measures)):
        total = float(cells[f"{_T}w{i}"].sum())
        if total > LARGEST_COUNT:
            raise ValueError(COUNTS_OVERFLOW.format(column=n, total=total, limit=LARGEST_COUNT))


def _check_rate(
    frame: Any, cells: pd.DataFrame, i: int, column: str, schema: Mapping[str, Any], n: str | None
) -> None:
    """Refuse a rate's values that are not 0/1 (or counts between 0 and ``n``)."""
    bad_rows = int(cells[f"{_T}bad{i}"].sum())
    if bad_rows:
        y = nw.col(column).cast(nw.Float64)
        missing = _missing(column, schema[column])
        if n is None:
            values = _offending_values(frame, column, (~missing) & (y != 0) & (y != 1))
            raise ValueError(NOT_BINARY.format(column=column, values=listed_counts(values)))
        mask = (~missing) & ((y < 0) | (y != y.round(0)))
        values = _offending_values(frame, column, mask)
        raise ValueError(
            NEGATIVE_COUNT.format(
                column=column,
                role=f"used by rate({column!r}) on pre-aggregated input",
                rows=_plural(bad_rows),
                values=listed_counts(values),
                positions=_positions_text(_positions(frame, mask), bad_rows),
            )
        )
    if n is not None and cells[f"{_T}over{i}"].sum() > 0:
        over = int(cells[f"{_T}over{i}"].sum())
        mask = nw.col(column).cast(nw.Float64) > nw.col(n).cast(nw.Float64)
        sample = _to_pandas(frame.filter(mask).select(column, n).head(3))
        examples = ", ".join(
            f"{masked(a)!r} of {masked(b)!r}"
            for a, b in zip(sample[column], sample[n], strict=True)
        )
        raise ValueError(
            TOO_MANY_SUCCESSES.format(column=column, rows=_plural(over), n=n, examples=examples)
        )


def _positions(frame: Any, mask: nw.Expr, limit: int = 5) -> list[int]:
    """Positions (from 0) of the first rows where ``mask`` holds, for a message.

    Only called to word an error: the mask column alone is read once more, in the engine's
    row order (lazy engines have no row index of their own).
    """
    flags = frame.select(mask.fill_null(value=False).alias(_T + "flag"))
    if isinstance(flags, nw.LazyFrame):
        flags = flags.collect()
    values = np.asarray(flags.get_column(_T + "flag").to_numpy(), dtype=bool)
    return [int(p) for p in np.flatnonzero(values)[:limit]]


def _positions_text(positions: Sequence[int], rows: int) -> str:
    """``row 3`` or ``rows 3, 8 and 9`` or ``rows 3, 8, ... and 12 more`` (counted from 0)."""
    shown = [str(p) for p in positions]
    if rows > len(shown):
        listed = ", ".join(shown) + f" and {rows - len(shown):,} more"
    elif len(shown) > 1:
        listed = ", ".join(shown[:-1]) + " and " + shown[-1]
    else:
        listed = "".join(shown)
    word = "row" if rows == 1 else "rows"
    return f"{word} {listed} (counted from 0)"


def _value_problem(
    kind: str,
    spec: Any,
    rows: int,
    values: Sequence[tuple[Any, int]],
    positions: Sequence[int],
    *,
    where: str,
    fix: str,
) -> str:
    """Word a value the policy refuses: the column, its role, the rows, examples, the fix.

    Parameters
    ----------
    kind : {"inf", "big", "neg"}
        Infinite, beyond the limit, or negative where the column cannot be.
    spec : object
        With ``column``, ``role``, ``limit`` and ``negative`` (words for the values).
    rows : int
        The number of rows with the problem.
    values : sequence of (value, rows)
        The distinct offending values with their row counts.
    positions : sequence of int
        Positions (from 0) of the first offending rows.
    where, fix : str
        Where the rows are (e.g. the cost objects; may be empty) and how to fix them.
    """
    common = {
        "column": spec.column,
        "role": spec.role,
        "rows": counted(rows),
        "where": where,
        "values": listed_counts(values),
        "positions": _positions_text(positions, rows),
        "fix": fix,
    }
    if kind == "inf":
        return NOT_FINITE.format(**common)
    if kind == "big":
        return TOO_LARGE.format(limit=spec.limit, **common)
    return NEGATIVE_VALUE.format(what=spec.negative, have=word_for(rows, "has", "have"), **common)


def check_numbers(
    values: np.ndarray,
    column: str,
    role: str,
    *,
    negative: str | None,
    limit: float = LARGEST_VALUE,
    where: Callable[[np.ndarray], str] | None = None,
    fix: str = FIX_MISSING,
) -> None:
    """Apply the policy for numbers to a column of a small table already read whole.

    The same policy and messages as the pass over the rows of :func:`collect_cells`:
    infinite values and values beyond ``limit`` are refused, and negative values where
    ``negative`` gives words for the column's values (None: negative values are allowed).
    Missing values (NaN) are left to the caller.

    Parameters
    ----------
    values : numpy.ndarray
        The column as floats.
    column, role : str
        The column's name and role, for the message.
    negative : str or None
        E.g. ``"Volumes"``: the column cannot be negative; None: it can.
    limit : float, default LARGEST_VALUE
        The largest magnitude allowed.
    where : callable, optional
        Given the mask of the offending rows, words for where they are (e.g. the cost
        objects), put after the number of rows.
    fix : str
        How to fix the rows.

    Raises
    ------
    ValueError
        On the first problem found (infinite, too large, negative), naming the column, the
        number of rows, the values and the first row positions.

    Examples
    --------
    >>> check_numbers(np.array([1.0, 2.0]), "kostnad", "the amount", negative="Costs")
    >>> check_numbers(np.array([-1.0]), "kostnad", "the amount", negative=None)
    >>> check_numbers(np.array([1.0, np.inf]), "kostnad", "the amount", negative=None)
    Traceback (most recent call last):
    ...
    ValueError: Column 'kostnad' (the amount) has infinite values in 1 row: inf (1 row), ...
    """
    spec = _Checked(column, role, limit=limit, negative=negative)
    present = ~np.isnan(values)
    with np.errstate(invalid="ignore"):
        masks = {
            "inf": present & np.isinf(values),
            "big": present & np.isfinite(values) & (np.abs(values) > limit),
            "neg": present & (values < 0) if negative is not None else np.zeros_like(present),
        }
    for kind, mask in masks.items():
        if mask.any():
            distinct = pd.Series(values[mask]).value_counts(sort=True)
            pairs = [(_python(v), int(c)) for v, c in distinct.items()]
            raise ValueError(
                _value_problem(
                    kind,
                    spec,
                    int(mask.sum()),
                    pairs,
                    np.flatnonzero(mask)[:5].tolist(),
                    where=f" ({where(mask)})" if where is not None else "",
                    fix=fix,
                )
            )


def breakdown_cells(
    table: pd.DataFrame, by: Sequence[str]
) -> Iterator[tuple[dict[str, Any], pd.DataFrame]]:
    """Yield each breakdown cell of a small table: its ``{column: value}`` and its rows.

    Cells come in order of first appearance, a missing breakdown value is a cell of its own,
    and without breakdowns the whole table is the one cell.
    """
    if not by:
        yield {}, table
        return
    for key, cell in table.groupby(list(by), sort=False, dropna=False):
        values = key if isinstance(key, tuple) else (key,)
        yield dict(zip(by, values, strict=True)), cell


def in_cell(table: pd.DataFrame, keys: Mapping[str, Any]) -> pd.DataFrame:
    """Select the rows of ``table`` in the breakdown cell ``{column: value}``."""
    mask = np.ones(len(table), dtype=bool)
    for column, value in keys.items():
        mask &= (table[column] == value).to_numpy()
    return table.loc[mask]
