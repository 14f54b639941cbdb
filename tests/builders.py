"""Small synthetic tables shared by the tests.

Plain functions, imported by the test modules (``from builders import ...``) and wrapped as
fixtures in ``conftest.py``. Each builder is deterministic: the same arguments give the same
table, so the reference numbers of the tests that use them do not move.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

import genderbudget as gb

# Sex codes as an agency writes them, unknown included: "K"/"M", a missing value and an
# explicit code the caller maps to unknown would all be seen in real registers.
SEX_CODES = np.array(["K", "M", None], dtype=object)


def to_counts(
    rows: pd.DataFrame,
    keys: Sequence[str],
    *,
    n: str = "antal",
    sums: Sequence[str] = (),
    squares: Mapping[str, str] | None = None,
    dropna: bool = True,
) -> pd.DataFrame:
    """Group person rows to one row per ``keys``: the count, column sums and sums of squares.

    This is the pre-aggregated input the library accepts with ``n=``: ``n`` counts the rows,
    each column of ``sums`` is summed (a 0/1 outcome becomes the number who got it), and
    each ``squares`` entry ``column -> name`` adds ``name``, the sum of ``column ** 2`` (the
    ``sum_sq=`` of a mean).
    """
    squares = dict(squares or {})
    work = rows.assign(**{name: rows[column] ** 2 for column, name in squares.items()})
    aggregations = {
        n: (keys[0], "size"),
        **{column: (column, "sum") for column in sums},
        **{name: (name, "sum") for name in squares.values()},
    }
    return work.groupby(list(keys), dropna=dropna).agg(**aggregations).reset_index()


def to_rows(counts: pd.DataFrame, *, n: str, outcome: str, keys: Sequence[str]) -> pd.DataFrame:
    """Expand counts to one row per person: per row of ``counts``, ``outcome`` ones then zeros.

    ``counts[n]`` is the number of persons and ``counts[outcome]`` the number who got it;
    every other column listed in ``keys`` is repeated on the person rows.
    """
    frames = []
    for _, row in counts.iterrows():
        got, total = int(row[outcome]), int(row[n])
        frame = pd.DataFrame({key: [row[key]] * total for key in keys})
        frame[outcome] = [1] * got + [0] * (total - got)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def two_groups(
    n_women: int, p_women: float, n_men: int, p_men: float, *, column: str = "a"
) -> pd.DataFrame:
    """Women and men with a 0/1 ``column``: ``round(n * p)`` ones of each sex, then zeros."""
    got_w, got_m = round(n_women * p_women), round(n_men * p_men)
    return pd.DataFrame(
        {
            "kon": ["K"] * n_women + ["M"] * n_men,
            column: [1] * got_w + [0] * (n_women - got_w) + [1] * got_m + [0] * (n_men - got_m),
        }
    )


def yearly_rates(
    rates_women: Sequence[float], rates_men: Sequence[float], *, n: int = 400, first: int = 2016
) -> pd.DataFrame:
    """Pre-aggregated yearly counts: ``ar, kon, n, y`` with ``y = round(rate * n)``."""
    rows = []
    for i, (w, m) in enumerate(zip(rates_women, rates_men, strict=True)):
        year = first + i
        rows.append({"ar": year, "kon": "K", "n": n, "y": round(w * n)})
        rows.append({"ar": year, "kon": "M", "n": n, "y": round(m * n)})
    return pd.DataFrame(rows)


def persons(seed: int = 0, size: int = 300) -> pd.DataFrame:
    """Persons with every kind of column an analysis needs, unknown sex included.

    ``kon`` (K, M or missing), ``ar`` (2020, 2021), ``enhet`` (8 units), ``klass`` (1-3, a
    justified factor), ``arbete`` (0/1 access), ``kostnad`` (cost), ``varddygn``
    (care-days, a denominator) and ``antal`` (1: one person per row).
    """
    rng = np.random.default_rng(seed)
    sex = rng.choice(SEX_CODES, size, p=[0.4, 0.55, 0.05])
    klass = rng.integers(1, 4, size)
    p = 0.3 + 0.1 * klass - 0.1 * (sex == "K")
    days = rng.integers(1, 366, size)
    return pd.DataFrame(
        {
            "kon": sex,
            "ar": rng.choice([2020, 2021], size),
            "enhet": rng.choice([f"E{i}" for i in range(8)], size),
            "klass": klass,
            "arbete": (rng.uniform(size=size) < p).astype(int),
            "kostnad": np.round(days * rng.gamma(4.0, 800.0, size), 2),
            "varddygn": days,
            "antal": 1,
        }
    )


# The measures of the Kriminalvården example on its sample data, as the presentation tests
# (tables, charts) show them: cost per care-day with the prisons as units, and the share in
# work operations, judged given security class and sentence length.
PRISON_COST = gb.ratio(
    "kostnad",
    "varddygn",
    cluster="anstalt",
    name="kostnad_per_varddygn",
    label="kostnad per vårddygn",
    unit="kr",
)
PRISON_WORK = gb.rate("arbetsdrift", label="i arbetsdrift")
PRISON_JUSTIFIED = ["sakerhetsklass", "strafflangd"]


def every_kind(
    *, yes_no: str, rate: str, amount: str, days: str, need: str, unit: str
) -> list[gb.Measure]:
    """One measure of every kind over the given columns (a rate twice: by person, by unit)."""
    return [
        gb.count(),
        gb.rate(yes_no),
        gb.rate(rate, cluster=unit),
        gb.mean(amount),
        gb.ratio(amount, days, cluster=unit),
        gb.total(amount),
        gb.per_need(amount, need, days=days),
    ]


def assert_same_cells(got: Any, expected: Any, *, exact: bool = True) -> None:
    """Assert two :class:`CellStats` equal: every table (or None) and the rows counted.

    ``exact=False`` allows the last bits a different summation order changes (rtol 1e-12).
    """
    for name in ("stats", "exclusions", "patterns", "pattern_exclusions", "units", "coding"):
        left, right = getattr(got, name), getattr(expected, name)
        if right is None:
            assert left is None, name
        else:
            pd.testing.assert_frame_equal(left, right, check_exact=exact, rtol=1e-12)
    assert got.rows_in == expected.rows_in
