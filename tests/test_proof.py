"""Facts taken on trust and proven by the group-by's sums (``genderbudget._proof``).

A lazy frame without missing values is grouped without the column facts' scan; the sums of
the group-by then prove what the facts would have shown. Three things are checked:

- what the sums prove, on hand-built cell tables (the arithmetic in the module docstring:
  ``sum x**2 == sum x`` for whole numbers only when every one is 0 or 1, ``sum |x| == sum x``
  only when none is negative, a finite sum of squares only without NaN or infinity);
- which calls take the proof and which fall back to the facts (spied on DuckDB and polars);
- that the result is the facts path's result: the same cells (up to the engine's own last
  bits, as between any two plans of one query), exclusions and errors, on clean data and on
  data with each thing the proof must catch.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import assert_same_cells

import genderbudget as gb
from genderbudget import _cells
from genderbudget._facts import EXACT_SUM, Facts
from genderbudget._options import TEMPORARY as T
from genderbudget._proof import SumProof, _Claim

LAZY = ["polars_lazy", "duckdb"]


def _proof(kind: str, limit: float = 1e50) -> SumProof:
    proof = SumProof(Facts(rows=0, columns={}), [_Claim("x", limit, kind)])
    proof.sums({}, {})
    return proof


def _cells_of(values_by_cell: list[list[float]]) -> pd.DataFrame:
    """The sums the proof reads, computed here in plain Python for each cell's values."""
    rows = []
    for values in values_by_cell:
        rows.append(
            {
                f"{T}proof_square0": math.fsum(v * v for v in values),
                f"{T}proof_sum0": math.fsum(values),
                f"{T}proof_abs0": math.fsum(abs(v) for v in values),
            }
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("kind", "cells", "proven"),
    [
        ("zero_one", [[0, 1, 1], [0, 0]], True),
        ("zero_one", [[0, 1, 2]], False),  # x (x - 1) = 2 for 2
        ("zero_one", [[0, 1], [-1, 1]], False),  # and for -1
        ("zero_one", [[2**27, 1]], False),  # a square past 2**53: not exact, not proven
        ("nonnegative", [[0, 3, 365], [7]], True),
        ("nonnegative", [[4, -1, 5]], False),
        ("nonnegative", [[2**27, 1]], False),
        ("bounded", [[-5.5, 1e40], [0.0]], True),
        ("bounded", [[1.0, math.nan]], False),
        ("bounded", [[1.0, math.inf]], False),
        ("bounded", [[-math.inf, 2.0]], False),
        ("bounded", [[4e49, 4e49]], False),  # sqrt(sum x**2) above half the limit
        ("bounded", [[1e200, 1.0]], False),  # the square overflows to infinity
    ],
)
def test_what_the_sums_prove(kind: str, cells: list[list[float]], proven: bool) -> None:
    assert _proof(kind).holds(_cells_of(cells)) is proven


def test_a_zero_one_proof_needs_exact_sums() -> None:
    # Below 2**53 every sum of whole squares is exact; at 2**53 the proof no longer holds.
    proof = _proof("zero_one")
    table = pd.DataFrame({f"{T}proof_square0": [EXACT_SUM], f"{T}proof_sum0": [EXACT_SUM]})
    assert not proof.holds(table)
    table = pd.DataFrame({f"{T}proof_square0": [EXACT_SUM - 1], f"{T}proof_sum0": [EXACT_SUM - 1]})
    assert proof.holds(table)


def test_the_proof_reads_sums_the_group_by_already_has() -> None:
    # A mean sums its column's square already; the proof adds no second copy of it.
    proof = SumProof(Facts(rows=0, columns={}), [_Claim("cost", 1e50, "bounded")])
    added = proof.sums({"cost": f"{T}y0"}, {"cost": f"{T}yy0"})
    assert added == {}
    table = pd.DataFrame({f"{T}yy0": [4.0, math.nan]})
    assert not proof.holds(table)
    assert proof.holds(table.iloc[:1])


def _persons(seed: int, size: int = 60) -> pd.DataFrame:
    """Clean rows of persons: integer 0/1, float amounts, integer days, no missing value."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "kon": rng.choice(np.array(["K", "M"], dtype=object), size),
            "ar": rng.choice([2023, 2024], size),
            "enhet": rng.choice(["A", "B", "C"], size),
            "klass": rng.integers(1, 3, size),
            "y": rng.integers(0, 2, size).astype(rng.choice(["int8", "int64", "bool"])),
            "cost": np.round(rng.gamma(2.0, 500.0, size), 2) - 100.0,
            "days": rng.integers(1, 30, size),
        }
    )


MEASURES = [
    gb.count(),
    gb.rate("y"),
    gb.rate("y", cluster="enhet", name="y_by_unit"),
    gb.mean("cost"),
    gb.ratio("cost", "days", cluster="enhet"),
    gb.total("cost"),
    gb.per_need("cost", "days", name="per_day"),
]


def _spied(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = {"facts": 0}
    original = _cells.column_facts

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls["facts"] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(_cells, "column_facts", counted)
    return calls


@pytest.mark.parametrize("engine", LAZY)
def test_clean_lazy_data_is_grouped_without_the_facts(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import CONSTRUCTORS

    calls = _spied(monkeypatch)
    gb.analyse(CONSTRUCTORS[engine](_persons(1)), MEASURES, sex="kon", by="ar")
    assert calls["facts"] == 0


@pytest.mark.parametrize("engine", ["pandas", "polars"])
def test_eager_frames_take_the_facts(engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import CONSTRUCTORS

    calls = _spied(monkeypatch)
    gb.analyse(CONSTRUCTORS[engine](_persons(1)), MEASURES, sex="kon", by="ar")
    assert calls["facts"] == 1


def _broken(seed: int, what: str) -> pd.DataFrame:
    """Clean rows with one thing the proof cannot pass (or, for 'none', nothing)."""
    data = _persons(seed)
    row = data.index[seed % len(data)]
    if what == "nan":
        data.loc[row, "cost"] = np.nan
    elif what == "null":
        data["days"] = data["days"].astype("Int64")
        data.loc[row, "days"] = pd.NA
    elif what == "inf":
        data.loc[row, "cost"] = -math.inf
    elif what == "too_large":
        data.loc[row, "cost"] = 1e60
    elif what == "near_limit":  # allowed, but beyond what the sums can prove
        data.loc[row, "cost"] = 6e49
    elif what == "two":
        data["y"] = data["y"].astype(np.int64)
        data.loc[row, "y"] = 2
    elif what == "negative_days":
        data.loc[row, "days"] = -3
    elif what == "large_days":  # allowed: the sums cannot prove them exactly, the facts can
        data.loc[row, "days"] = 2**30
    elif what == "float_rate":
        data["y"] = data["y"].astype(np.float64)
    elif what == "huge_rate":  # an integer sum past 2**63 (Spark's ANSI mode raises it)
        data["y"] = data["y"].astype(np.int64)
        data.loc[data.index[:4], "y"] = 2**62
    return data


CASES = [
    "none",
    "nan",
    "null",
    "inf",
    "too_large",
    "near_limit",
    "two",
    "negative_days",
    "large_days",
    "float_rate",
    "huge_rate",
]


@pytest.mark.parametrize("engine", [*LAZY, pytest.param("pyspark", marks=pytest.mark.slow)])
@pytest.mark.parametrize("what", CASES)
def test_the_proof_gives_what_the_facts_give(
    engine: str, what: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    from conftest import constructor_of

    data = _broken(7, what)
    options: dict[str, Any] = {"sex": "kon", "by": ["ar"], "n": None, "mapping": None}
    options["justified"] = ["klass"]
    frame = constructor_of(engine, request)(data)

    def collect() -> Any:
        try:
            return _cells.collect_cells(frame, MEASURES, **options)
        except ValueError as error:
            return str(error)

    calls = _spied(monkeypatch)
    proven = collect()
    fell_back = calls["facts"] == 1
    with monkeypatch.context() as patched:
        patched.setattr(_cells, "trusted_facts", lambda *args, **kwargs: None)
        facts = collect()
    # Clean data is proven without the facts; everything else falls back to them.
    assert fell_back is (what != "none")
    if isinstance(facts, str):
        assert proven == facts
        assert what in ("inf", "too_large", "two", "negative_days", "huge_rate")
        return
    assert not isinstance(proven, str)
    # Each plan sums in its engine's own order: equal up to the last bits.
    assert_same_cells(proven, facts, exact=False)
    assert proven.rows_in == len(data)


@pytest.mark.parametrize("engine", LAZY)
def test_pre_aggregated_input_takes_the_facts(engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Counts of persons must be whole and not negative, and a rate's count at most n: the
    # sums do not prove that, so the column facts are taken first.
    from conftest import CONSTRUCTORS

    data = pd.DataFrame({"kon": ["K", "M", "K"], "n": [3, 4, 2], "hits": [1, 2, 2]})
    calls = _spied(monkeypatch)
    gb.analyse(CONSTRUCTORS[engine](data), gb.rate("hits"), sex="kon", n="n")
    assert calls["facts"] == 1
