"""Column facts taken on trust and proven by the group-by's own sums (lazy engines).

The checks of :func:`genderbudget._cells.collect_cells` rest on the column facts of
:mod:`genderbudget._facts`: one query of missing values, minima and maxima before the
group-by. On a lazy engine that query is a scan of its own: on DuckDB at 10 million rows it
took 0.018 s of a 0.155 s call whose group-by took 0.11 s. Counting the non-missing values
of a column costs almost nothing there (the engine keeps the counts), and for clean data
the group-by's own sums can prove the rest afterwards:

- a sum of squares that is finite proves that no value of the cell is NaN or infinite (both
  carry over into a sum), and one at most ``(limit / 2)**2`` that no value exceeds ``limit``
  (``|x| <= sqrt(sum x**2)``; the halved limit leaves room for the sum's rounding);
- for an integer column, a sum of squares below 2**53 is exact (its terms are whole and not
  negative, so no partial sum is rounded), and so are the sums of ``x`` and ``|x|``, which
  are at most that; then ``sum x**2 == sum x`` proves every value 0 or 1 (``x (x - 1)`` is
  0 for 0 and 1 and at least 2 for any other integer) and ``sum |x| == sum x`` proves none
  negative.

:func:`trusted_facts` counts the missing values and, when there are none, returns the facts
the group-by is then built on (every column complete, every check passed) with the sums that
prove them; :meth:`SumProof.holds` reads those sums in the grouped table. Facts taken on
trust never let a column be summed as integers (``ColumnFacts.assumed``): values the proof
will refuse may overflow an integer sum, which Spark's default ANSI mode raises as its own
error, where a float sum only grows. When the proof
fails (a NaN, an infinite or too large value, a value a rate or a count cannot hold) the
caller takes the column facts and groups again, so results and errors are those of the facts
path. Columns the sums cannot settle send the call to the facts path at once: a rate or a
column that cannot be negative held as floats (a fraction can balance another), and counts
of persons (pre-aggregated input).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from genderbudget._facts import EXACT_SUM, ColumnFacts, Facts, whole_number_type
from genderbudget._options import TEMPORARY

__all__ = ["SumProof", "trusted_facts"]

_T = TEMPORARY
_PROOF = _T + "proof_"


@dataclass(frozen=True)
class _Claim:
    """What the group-by is built as knowing of one column, to be proven by its sums."""

    column: str
    limit: float
    kind: str  # "zero_one" (a 0/1 integer), "nonnegative" (an integer >= 0) or "bounded"


@dataclass
class SumProof:
    """The facts a group-by is built on, and the sums of its cells that prove them.

    Attributes
    ----------
    facts : Facts
        Every claimed column complete, within its limit, 0/1 or not negative as claimed.
    claims : list of _Claim
        One per column with something to prove (boolean columns have nothing).
    """

    facts: Facts
    claims: list[_Claim]
    _names: dict[tuple[str, str], str] = field(default_factory=dict)

    def sums(self, sums: Mapping[str, str], squares: Mapping[str, str]) -> dict[str, nw.Expr]:
        """Return the row expressions to add to the group-by for the proof.

        Parameters
        ----------
        sums, squares : mapping
            Column -> name of a row expression of the group-by (built on :attr:`facts`) that
            already is, on every row, the column's value or its square: those sums are
            read, not added.

        Returns
        -------
        dict
            Name -> row expression; the names start with the temporary prefix.
        """
        added: dict[str, nw.Expr] = {}
        for k, claim in enumerate(self.claims):
            value = nw.col(claim.column).cast(nw.Float64)
            wanted = {"square": (squares, value * value)}
            if claim.kind != "bounded":
                wanted["sum"] = (sums, value)
            if claim.kind == "nonnegative":
                wanted["abs"] = ({}, value.abs())
            for what, (known, expr) in wanted.items():
                name = known.get(claim.column)
                if name is None:
                    name = f"{_PROOF}{what}{k}"
                    added[name] = expr
                self._names[(claim.column, what)] = name
        return added

    def holds(self, cells: pd.DataFrame) -> bool:
        """Whether the grouped sums prove every claim, in every cell."""
        for claim in self.claims:
            square = self._read(cells, claim.column, "square")
            if not np.isfinite(square).all():
                return False
            if claim.kind == "bounded":
                if (square > (claim.limit / 2) ** 2).any():
                    return False
                continue
            if (square >= EXACT_SUM).any():
                return False
            total = self._read(cells, claim.column, "sum")
            other = square if claim.kind == "zero_one" else self._read(cells, claim.column, "abs")
            if not np.array_equal(total, other):
                return False
        return True

    def drop(self, cells: pd.DataFrame) -> pd.DataFrame:
        """Return ``cells`` without the columns added only for the proof."""
        return cells.drop(columns=[c for c in cells.columns if c.startswith(_PROOF)])

    def _read(self, cells: pd.DataFrame, column: str, what: str) -> np.ndarray:
        return cells[self._names[(column, what)]].to_numpy(dtype=np.float64)


def trusted_facts(
    frame: Any,
    schema: Mapping[str, Any],
    limits: Mapping[str, float],
    *,
    zero_one: Collection[str] = (),
    nonnegative: Collection[str] = (),
) -> SumProof | None:
    """Count the missing values of ``limits``' columns; facts to prove if there are none.

    Parameters
    ----------
    frame : narwhals DataFrame or LazyFrame
        The data. Only a lazy frame takes this way: an eager frame's facts cost little
        beside its group-by, and pandas' missing floats are NaN, which only the facts count.
    schema : mapping
        Its column types.
    limits : mapping
        Each number column the call reads -> the largest absolute value it may hold.
    zero_one : collection of str
        Columns that must hold 0 or 1 (a rate's column, one row per person).
    nonnegative : collection of str
        Columns that cannot be negative.

    Returns
    -------
    SumProof or None
        None when the column facts are needed: an eager frame, a missing value, or a
        0/1 or non-negative column that is not of an integer type.
    """
    if not isinstance(frame, nw.LazyFrame) or not limits:
        return None
    integral = {c: whole_number_type(schema[c]) for c in limits}
    if any(not integral[c] for c in [*zero_one, *nonnegative] if c in limits):
        return None
    columns = list(limits)
    exprs = [nw.col(c).count().alias(f"{_T}count{k}") for k, c in enumerate(columns)]
    found = frame.select(nw.len().alias(_T + "len"), *exprs).collect().row(0)
    rows = int(found[0] or 0)
    if any(int(count or 0) != rows for count in found[1:]):
        return None
    facts: dict[str, ColumnFacts] = {}
    claims = []
    for column in columns:
        half = limits[column] / 2
        kind = "zero_one" if column in zero_one else "nonnegative" if column in nonnegative else ""
        low, high = {"zero_one": (0.0, 1.0), "nonnegative": (0.0, half)}.get(kind, (-half, half))
        facts[column] = ColumnFacts(0, low, high, whole_type=integral[column], assumed=True)
        if schema[column] != nw.Boolean:
            claims.append(_Claim(column, limits[column], kind or "bounded"))
    return SumProof(Facts(rows=rows, columns=facts), claims)
