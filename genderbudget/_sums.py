"""Sums of the grouped rows per measure, breakdown cell and sex, in numpy.

The one group-by of :func:`genderbudget._cells.collect_cells` returns a row per distinct
combination of sex, breakdowns, factors and clusters, with the sums of every measure. This
module adds those rows up to the cells of each measure (for a clustered measure, to its units
first) through integer codes and :func:`numpy.bincount`: the same on every engine, and a few
milliseconds whatever the number of measures and cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from genderbudget._columns import Columns, column
from genderbudget._measures import Measure
from genderbudget._options import TEMPORARY
from genderbudget._sex import SEX_CATEGORIES

__all__ = [
    "STAT_COLUMNS",
    "CellGroups",
    "MeasureSums",
    "by_measure",
    "cell_groups",
    "cell_numbers",
    "cell_totals",
    "key_positions",
    "measure_sums",
    "positions",
    "stats_table",
]

STAT_COLUMNS = ("n", "rows", "units", "sy", "syy", "sx", "sxx", "sxy", "has_syy")
"""The statistics of each measure x cell x sex (see :class:`genderbudget._cells.CellStats`)."""
_SUMS = STAT_COLUMNS[:-1]
_T = TEMPORARY
_SEXES = len(SEX_CATEGORIES)
_BOTH = [SEX_CATEGORIES.index("women"), SEX_CATEGORIES.index("men")]

SUM_SQ_TOO_SMALL = (
    "Column {sum_sq!r} (the summed squares of measure {name!r}) is smaller than the sums "
    "allow in {groups}: the summed squares of a group of persons are at least sum² / n (e.g. "
    "a sum of {sy:g} over {n:g} persons needs at least {need:g}, but the summed squares are "
    "{syy:g}). Check that {sum_sq!r} holds each row's sum of the squared values of {column!r} "
    "(Σy²), not a variance, a standard deviation or the square of the mean."
)


Table = pd.DataFrame | Columns
"""A table of cell statistics: a pandas frame or its columns as arrays."""
T = TypeVar("T", pd.DataFrame, Columns)


def python_value(value: Any) -> Any:
    """Return a numpy scalar as the Python value it holds, anything else as it is."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def python_values(values: np.ndarray) -> np.ndarray:
    """Return an array of Python objects (numpy scalars as the Python values they hold).

    Meant for the few distinct values of a column or the first rows of its groups: the
    codes of :func:`first_codes` and :func:`sorted_codes` are found on the values as they
    are (a numpy scalar and the Python value it holds are one value there).
    """
    out = np.empty(len(values), dtype=object)
    out[:] = [python_value(value) for value in values]
    return out


def is_missing(value: Any) -> bool:
    """Say whether one value is missing: None, ``pd.NA``, ``pd.NaT`` or a float NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and np.isnan(value)


def missing_mask(values: pd.Series | np.ndarray) -> np.ndarray:
    """Apply :func:`is_missing` to every value of a column of objects, as a boolean array.

    :func:`pandas.isna` finds the candidates at C speed (every value :func:`is_missing`
    calls missing is among them); only those are looked at one by one.
    """
    array = np.asarray(values, dtype=object)
    mask = np.asarray(pd.isna(array), dtype=bool).copy()
    if mask.any():
        mask[mask] = [is_missing(python_value(value)) for value in array[mask]]
    return mask


_MISSING = object()  # stands for every missing key value, so that missing matches missing


def _key_tuples(columns: Sequence[np.ndarray]) -> list[tuple[object, ...]]:
    """Each row's values of the key ``columns`` as a tuple, missing values as one marker."""
    out = []
    for values in columns:
        values = np.asarray(values, dtype=object)
        missing = np.asarray(pd.isna(values), dtype=bool)
        if missing.any():
            values = values.copy()
            values[missing] = _MISSING
        out.append(values.tolist())
    return list(zip(*out, strict=True))


def positions(frame: Table, table: Table, keys: Sequence[str]) -> np.ndarray:
    """Find the row of ``table`` with the same ``keys`` as each row of ``frame`` (-1: none).

    The first such row when several have the same keys; a missing value matches a missing
    value. Small tables: a dictionary of the key tuples, no index is built.
    """
    return key_positions(
        [column(frame, key, object) for key in keys],
        [column(table, key, object) for key in keys],
    )


def key_positions(wanted: Sequence[np.ndarray], table: Sequence[np.ndarray]) -> np.ndarray:
    """:func:`positions` on the key columns as arrays (one array per key, in the same order)."""
    found: dict[tuple[object, ...], int] = {}
    for i, key in enumerate(_key_tuples(table)):
        found.setdefault(key, i)
    rows = _key_tuples(wanted)
    return np.fromiter((found.get(key, -1) for key in rows), dtype=np.intp, count=len(rows))


def by_measure(table: T | None, names: Sequence[str]) -> dict[str, T]:
    """Split a table of many measures (its ``measure`` column) into each measure's rows.

    Every one of ``names`` gets its rows, in their order (a frame keeps their index; none:
    an empty table with the columns); None gives an empty dict. A pandas frame or a
    :class:`~genderbudget._columns.Columns`, given back as it came.
    """
    if table is None:
        return {}
    rows: dict[object, list[int]] = {}
    if len(table):
        for i, name in enumerate(column(table, "measure", object).tolist()):
            rows.setdefault(name, []).append(i)
    return {name: table.take(np.asarray(rows.get(name, []), dtype=np.intp)) for name in names}


def first_codes(columns: Sequence[np.ndarray], size: int) -> tuple[np.ndarray, np.ndarray]:
    """Code the distinct combinations of ``columns`` in the order they first appear.

    Missing values (None, NaN) make one value of their own, as in a group-by that keeps them.

    Returns
    -------
    codes : numpy.ndarray
        The combination of each row, from 0.
    first : numpy.ndarray
        The row where each combination first appears.
    """
    codes = np.zeros(size, dtype=np.int64)
    for values in columns:
        part, distinct = pd.factorize(values, use_na_sentinel=False)
        codes, _ = pd.factorize(codes * max(len(distinct), 1) + part)
    codes = np.asarray(codes, dtype=np.int64)
    _, first = np.unique(codes, return_index=True)
    return codes, first


def cell_totals(
    table: Table, values: np.ndarray, by: Sequence[str], cells: np.ndarray | None = None
) -> np.ndarray:
    """Sum ``values`` over the rows of each breakdown cell of ``table``, aligned with the rows.

    The rows of one cell share their values of ``by`` (a missing value is one value); with
    no breakdown every row has the total. ``cells`` gives each row's cell when known
    (:func:`cell_numbers`), for several sums over one table.
    """
    weights = np.asarray(values, dtype=np.float64)
    if not by:
        return np.full(len(table), weights.sum())
    if cells is None:
        cells = cell_numbers(table, by)
    size = int(cells.max()) + 1 if len(cells) else 0
    return np.bincount(cells, weights=weights, minlength=size)[cells]


def cell_numbers(table: Table, by: Sequence[str]) -> np.ndarray:
    """Give each row the number of its breakdown cell, from 0 in the order of appearance."""
    return first_codes([column(table, b, object) for b in by], len(table))[0]


@dataclass(frozen=True)
class CellGroups:
    """The rows of the grouped table coded by breakdown cell and sex.

    Attributes
    ----------
    by : list of str
        The breakdown columns.
    group : numpy.ndarray
        The group of each row: ``cell * 3 + sex``, the cells in the order of
        :func:`sorted_codes`, with the sex's position in
        :data:`~genderbudget.SEX_CATEGORIES`.
    cells : int
        The number of breakdown cells (1 without breakdowns, even with no rows).
    values : dict of str to numpy.ndarray
        The breakdown values of each cell.
    """

    by: list[str]
    group: np.ndarray
    cells: int
    values: dict[str, np.ndarray]


def sorted_codes(
    columns: Sequence[np.ndarray], size: int
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Code the distinct combinations of ``columns`` in a fixed order, whatever the row order.

    Each column's distinct values are ordered by their type's name and their text (so that
    numbers, text and missing values can be ordered together), and the combinations
    lexicographically: an engine's group-by returns its rows in an order of its own, and the
    order of the cells decides the last digits of the sums taken over them later.

    Returns
    -------
    codes : numpy.ndarray
        The combination of each row, from 0.
    first : numpy.ndarray
        A row of each combination.
    values : list of numpy.ndarray
        Each column's value in each combination, as Python objects.
    """
    codes = np.zeros(size, dtype=np.int64)
    span = 1  # the codes are below this
    parts = []
    for values in columns:
        part, distinct = pd.factorize(values, use_na_sentinel=False)
        distinct = python_values(np.asarray(distinct, dtype=object))
        keys = np.empty(len(distinct), dtype=object)
        keys[:] = [(type(value).__name__, str(value)) for value in distinct]
        rank = np.empty(len(distinct), dtype=np.int64)
        rank[np.argsort(keys, kind="stable")] = np.arange(len(distinct))
        width = max(len(distinct), 1)
        if span * width >= 2**62:  # renumber the combinations so far before they overflow
            _, codes = np.unique(codes, return_inverse=True)
            codes = codes.reshape(-1).astype(np.int64)
            span = int(codes.max()) + 1 if size else 1
        codes = codes * width + rank[part]
        span *= width
        parts.append((part, distinct))
    _, first, codes = np.unique(codes, return_index=True, return_inverse=True)
    codes = codes.reshape(-1).astype(np.int64)
    return codes, first, [distinct[part[first]] for part, distinct in parts]


def cell_groups(table: pd.DataFrame, by: Sequence[str]) -> CellGroups:
    """Code the rows of the grouped table by breakdown cell (in a fixed order) and sex.

    ``table`` has the coded sex in its ``__sex`` column and the breakdown columns ``by``.
    """
    size = len(table)
    by_values = [table[b].to_numpy(dtype=object) for b in by]
    cell, first, values = sorted_codes(by_values, size)
    cells = len(first) if by else 1
    coded = table[_T + "sex"].to_numpy(dtype=object)
    sex = pd.Index(SEX_CATEGORIES, dtype=object).get_indexer(pd.Index(coded, dtype=object))
    if (sex < 0).any():  # pragma: no cover - the sex coding only gives SEX_CATEGORIES
        raise ValueError(f"Unexpected sex codes: {sorted(set(coded.tolist()))!r}.")
    group = cell * _SEXES + sex.astype(np.int64)
    return CellGroups(
        by=list(by),
        group=group,
        cells=cells,
        values=dict(zip(by, values, strict=True)),
    )


@dataclass(frozen=True)
class MeasureSums:
    """One measure's statistics per cell and sex, its exclusions and its units.

    Attributes
    ----------
    columns : dict of str to numpy.ndarray
        ``measure, sex, <by...>`` and :data:`STAT_COLUMNS`: a women and a men row for every
        cell with rows, and a row for each other sex present (the table is
        :attr:`stats`; :func:`stats_table` puts many measures' rows in one).
    excluded : list of dict
        ``measure, column, reason, rows``: rows left out for a missing value or cluster.
    units : pandas.DataFrame or None
        For a clustered measure: ``measure, <by...>, sex, cluster, rows, sy, sx`` per unit
        with rows, in a fixed order of the clusters.
    """

    columns: dict[str, np.ndarray]
    excluded: list[dict[str, Any]]
    units: pd.DataFrame | None

    @property
    def stats(self) -> pd.DataFrame:
        """The measure's statistics as a table."""
        return stats_table([self])


def stats_table(parts: Sequence[MeasureSums]) -> pd.DataFrame:
    """Put the statistics of many measures in one table, in the order of ``parts``.

    The labels (measure, sex, breakdowns) stay Python objects: the table is internal, and
    building and taking text arrays costs more than the sums. Without parts, an empty
    table.
    """
    if not parts:
        return pd.DataFrame()
    data: dict[str, Any] = {}
    for name in parts[0].columns:
        values = np.concatenate([part.columns[name] for part in parts])
        data[name] = (
            pd.Series(values, dtype=object, copy=False) if values.dtype == object else values
        )
    return pd.DataFrame(data)


def measure_sums(
    table: pd.DataFrame, groups: CellGroups, i: int, m: Measure, *, n: str | None
) -> MeasureSums:
    """Sum measure ``i``'s row statistics of the grouped table to its cells and sexes.

    Parameters
    ----------
    table : pandas.DataFrame
        The grouped rows with the measure's ``__ok{i}``, ``__w{i}``, ``__y{i}``, ...
        temporaries and its ``__miss{i}_<column>`` counts.
    groups : CellGroups
        The rows of ``table`` coded by cell and sex (:func:`cell_groups`).
    i : int
        The measure's position in the call.
    m : Measure
        The measure.
    n : str or None
        The count column of pre-aggregated input.

    Returns
    -------
    MeasureSums
    """
    excluded: list[dict[str, Any]] = []
    for c in ([n] if n is not None else []) + list(m.columns):
        missing = int(table[f"{_T}miss{i}_{c}"].sum())
        if missing:
            reason = "missing_count" if c == n else "missing_value"
            excluded.append({"measure": m.name, "column": c, "reason": reason, "rows": missing})

    zero = np.zeros(len(table))

    def read(name: str) -> np.ndarray:
        return table[name].to_numpy(dtype=np.float64) if name in table.columns else zero

    rows = read(f"{_T}ok{i}")
    row_sums: dict[str, np.ndarray] = {
        "rows": rows,
        "n": read(f"{_T}w{i}") if n is not None else rows,
        "sy": read(f"{_T}y{i}"),
        "syy": read(f"{_T}yy{i}"),
        "sx": read(f"{_T}x{i}"),
        "sxx": read(f"{_T}xx{i}"),
        "sxy": read(f"{_T}xy{i}"),
    }
    if m.sum_sq is not None:
        check_sum_sq(row_sums["n"], row_sums["sy"], row_sums["syy"], m)
    size = groups.cells * _SEXES
    units = None
    if m.clustered and m.cluster is not None:
        sums, present, units = _clustered(table, groups, row_sums, m, excluded)
    else:
        row_sums["units"] = row_sums["rows"] if m.kind == "ratio" else row_sums["n"]
        sums = {s: np.bincount(groups.group, row_sums[s], size) for s in _SUMS}
        present = np.bincount(groups.group, minlength=size) > 0
    columns = _stats_columns(groups, sums, present, m)
    columns["has_syy"] = np.full(len(columns["sex"]), f"{_T}yy{i}" in table.columns)
    return MeasureSums(columns=columns, excluded=excluded, units=units)


def _clustered(
    table: pd.DataFrame,
    groups: CellGroups,
    row_sums: dict[str, np.ndarray],
    m: Measure,
    excluded: list[dict[str, Any]],
) -> tuple[dict[str, np.ndarray], np.ndarray, pd.DataFrame]:
    """Sum a clustered measure to its units first, then the units to the cells.

    A unit's sums stand for one independent observation: a ratio's squares and cross
    products are those of the unit's sums; a mean keeps its persons' sum of squares.
    """
    cluster = table[m.cluster].to_numpy(dtype=object)
    missing = missing_mask(cluster)
    lost = int(row_sums["rows"][missing & (row_sums["rows"] > 0)].sum())
    if lost:
        excluded.append(
            {"measure": m.name, "column": m.cluster, "reason": "missing_cluster", "rows": lost}
        )
    keep = ~missing
    group = groups.group[keep]
    unit, first = first_codes([group, cluster[keep]], int(keep.sum()))
    count = len(first)
    per_unit = {
        s: np.bincount(unit, row_sums[s][keep], count) for s in ("rows", "n", "sy", "sx", "syy")
    }
    per_unit["units"] = (per_unit["rows"] > 0).astype(np.float64)
    if m.kind == "ratio":
        per_unit["syy"] = per_unit["sy"] ** 2
        per_unit["sxx"] = per_unit["sx"] ** 2
        per_unit["sxy"] = per_unit["sx"] * per_unit["sy"]
    else:
        per_unit["sxx"] = per_unit["sxy"] = np.zeros(count, dtype=np.float64)
    unit_group = group[first]
    size = groups.cells * _SEXES
    sums = {s: np.bincount(unit_group, per_unit[s], size) for s in _SUMS}
    present = np.bincount(unit_group, minlength=size) > 0
    with_rows = np.flatnonzero(per_unit["rows"] > 0)
    clusters = python_values(cluster[keep][first][with_rows])
    keys = np.empty(len(clusters), dtype=object)  # the clusters in order, then the cells
    keys[:] = [
        (type(c).__name__, str(c), int(g))
        for c, g in zip(clusters, unit_group[with_rows], strict=True)
    ]
    order = np.argsort(keys, kind="stable")
    chosen = with_rows[order]
    units = pd.DataFrame(
        {
            **{b: v[unit_group[chosen] // _SEXES] for b, v in groups.values.items()},
            "sex": np.asarray(SEX_CATEGORIES, dtype=object)[unit_group[chosen] % _SEXES],
            "cluster": clusters[order],
            "rows": per_unit["rows"][chosen],
            "sy": per_unit["sy"][chosen],
            "sx": per_unit["sx"][chosen],
        }
    )
    units.insert(0, "measure", m.name)
    return sums, present, units


def _stats_columns(
    groups: CellGroups, sums: dict[str, np.ndarray], present: np.ndarray, m: Measure
) -> dict[str, np.ndarray]:
    """Give a women and a men row to every cell with rows, then a row to each other sex present."""
    if groups.by:
        seen = np.flatnonzero(present.reshape(groups.cells, _SEXES).any(axis=1))
    else:
        seen = np.zeros(1, dtype=np.int64)
    grid = (seen[:, None] * _SEXES + np.asarray(_BOTH)[None, :]).ravel()
    others = [k for k in range(_SEXES) if k not in _BOTH]  # the unknown sex: where it has rows
    extra = np.flatnonzero(present & np.isin(np.arange(len(present)) % _SEXES, others))
    chosen = np.concatenate([grid, extra]).astype(np.int64)
    return {
        "measure": np.full(len(chosen), m.name, dtype=object),
        "sex": np.asarray(SEX_CATEGORIES, dtype=object)[chosen % _SEXES],
        **{b: v[chosen // _SEXES] for b, v in groups.values.items()},
        **{s: sums[s][chosen] for s in _SUMS},
    }


def check_sum_sq(n: np.ndarray, sy: np.ndarray, syy: np.ndarray, m: Measure) -> None:
    """Refuse summed squares below sum² / n in a group: they cannot come from real values.

    The groups are the rows of the one group-by (sex x breakdowns x units x factors), each a
    sum of input rows; if every row's summed squares were at least its sum² / n, so would be
    the group's (Cauchy–Schwarz). A relative tolerance of 1e-9 absorbs rounding.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        need = np.where(n > 0, sy * sy / n, 0.0)
    short = need - syy > 1e-9 * np.maximum(need, 1.0)
    if short.any():
        first = int(np.flatnonzero(short)[0])
        groups = int(short.sum())
        raise ValueError(
            SUM_SQ_TOO_SMALL.format(
                sum_sq=m.sum_sq,
                name=m.name,
                column=m.column,
                groups=f"{groups:,} group" if groups == 1 else f"{groups:,} groups",
                sy=sy[first],
                n=n[first],
                need=need[first],
                syy=syy[first],
            )
        )
