"""Internal tables as named numpy arrays, made into a pandas frame once, at the end.

The tables between the group-by and the result are small (a row per measure, cell and sex)
and go through many steps, each reading a few columns and adding a few. On a pandas frame
every column read, column added, copy and row selection costs tens to hundreds of
microseconds whatever the rows; on 360 comparisons that was about half of a call's fixed cost
(``benchmarks/README.md``). :class:`Columns` holds the same columns as arrays: reading one
is a dictionary lookup, adding one stores it. :func:`column` reads a column of either kind
of table, so a step can serve both a :class:`Columns` and a pandas frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Columns", "column", "flags", "objects"]


class Columns:
    """Named columns of one length, as numpy arrays.

    Parameters
    ----------
    data : mapping of str to array-like, optional
        The columns, in order.
    rows : int, optional
        The number of rows (needed only without columns).

    Notes
    -----
    ``len()`` is the number of rows, ``columns`` the names, ``table[name]`` a column and
    ``name in table`` whether there is one, as on a pandas frame.
    """

    __slots__ = ("_data", "_rows")

    def __init__(self, data: Mapping[str, Any] | None = None, rows: int | None = None) -> None:
        self._data: dict[str, np.ndarray] = {}
        self._rows = rows
        for name, values in (data or {}).items():
            self[name] = values

    def __getitem__(self, name: str) -> np.ndarray:
        return self._data[name]

    def __setitem__(self, name: str, values: Any) -> None:
        array = np.asarray(values)
        if array.ndim != 1:
            raise ValueError(f"Column {name!r} must be one-dimensional, got shape {array.shape}.")
        if self._rows is None:
            self._rows = len(array)
        elif len(array) != self._rows:
            raise ValueError(f"Column {name!r} has {len(array)} rows, the table {self._rows}.")
        self._data[name] = array

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __len__(self) -> int:
        return self._rows or 0

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    @property
    def columns(self) -> list[str]:
        """The column names, in order."""
        return list(self._data)

    def update(self, added: Mapping[str, Any]) -> None:
        """Add or replace columns (a replaced column keeps its place)."""
        for name, values in added.items():
            self[name] = values

    def take(self, rows: np.ndarray) -> Columns:
        """Return the rows at the positions ``rows``, in their order."""
        picked = np.asarray(rows, dtype=np.intp)
        return Columns({name: values[picked] for name, values in self._data.items()}, len(picked))

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Columns:
        """Read a pandas frame's columns as arrays (text as Python objects)."""
        data = {}
        for name in frame.columns:
            values = frame[name].to_numpy()
            if values.dtype.kind not in "biufcmM":
                values = frame[name].to_numpy(dtype=object)
            data[str(name)] = values
        return cls(data, len(frame))

    @classmethod
    def concat(cls, parts: Sequence[Columns]) -> Columns:
        """Stack tables with the same columns, in the order of ``parts``."""
        if not parts:
            return cls(rows=0)
        names = parts[0].columns
        rows = sum(len(part) for part in parts)
        return cls({name: np.concatenate([part[name] for part in parts]) for name in names}, rows)

    def frame(self, names: Sequence[str], infer: Sequence[str] = ()) -> pd.DataFrame:
        """Build the pandas frame of columns ``names``, in that order.

        Numbers keep their type and text stays Python objects, except the columns named in
        ``infer``, which get the type pandas infers from their values (text then becomes
        pandas' text, whole numbers integers), as a column built from a list would.
        """
        index = pd.RangeIndex(len(self))
        data: dict[str, Any] = {}
        for name in names:
            values = self._data[name]
            if values.dtype == object:
                series = pd.Series(values, index=index, dtype=object, copy=False)
                data[name] = series.infer_objects() if name in infer else series
            else:
                data[name] = values
        return pd.DataFrame(data, index=index, columns=list(names))


def column(table: pd.DataFrame | Columns, name: str, dtype: Any = None) -> np.ndarray:
    """Read column ``name`` of a pandas frame or a :class:`Columns` as an array of ``dtype``."""
    values = table[name]
    if isinstance(values, np.ndarray):
        return values if dtype is None else np.asarray(values, dtype=dtype)
    return values.to_numpy(dtype=dtype)


def flags(table: Columns, name: str) -> np.ndarray:
    """Read a column of True, False and missing values (False) as booleans."""
    values = table[name]
    if values.dtype == bool:
        return values
    return np.array([value is True or value is np.True_ for value in values.tolist()], dtype=bool)


def objects(values: Iterable[Any]) -> np.ndarray:
    """Return ``values`` as a one-dimensional array of Python objects.

    Unlike ``np.array(values, dtype=object)``, a tuple or list among the values stays one
    value.
    """
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out
