"""Shared fixtures: one ``constructor`` over every dataframe engine the tests can reach.

The synthetic tables the tests build are in ``builders.py`` (plain functions, for tests that
need them with arguments); the common ones are also fixtures here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

# The reference implementations in tests/reference are imported as ``reference.<module>``,
# and the builders as ``builders`` (the tests run with --import-mode=importlib, which does
# not put this folder on the path).
sys.path.insert(0, str(Path(__file__).parent))

import builders  # needs the path above


def _pandas(frame: pd.DataFrame) -> Any:
    return frame.copy()


def _polars(frame: pd.DataFrame) -> Any:
    pl = pytest.importorskip("polars")
    return pl.from_pandas(frame)


def _polars_lazy(frame: pd.DataFrame) -> Any:
    pl = pytest.importorskip("polars")
    return pl.from_pandas(frame).lazy()


def _duckdb(frame: pd.DataFrame) -> Any:
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    connection.register("input_frame", frame)
    return connection.sql("select * from input_frame")


CONSTRUCTORS: dict[str, Callable[[pd.DataFrame], Any]] = {
    "pandas": _pandas,
    "polars": _polars,
    "polars_lazy": _polars_lazy,
    "duckdb": _duckdb,
}


@pytest.fixture(params=list(CONSTRUCTORS), ids=list(CONSTRUCTORS))
def constructor(request: pytest.FixtureRequest) -> Callable[[pd.DataFrame], Any]:
    """Turn a pandas frame into the same table in another engine."""
    return CONSTRUCTORS[request.param]


@pytest.fixture
def persons() -> pd.DataFrame:
    """300 persons in two years and eight units, unknown sex included (``builders.persons``)."""
    return builders.persons()


@pytest.fixture
def person_counts(persons: pd.DataFrame) -> pd.DataFrame:
    """The same persons grouped to ``ar, enhet, klass, kon`` with ``antal`` and sums."""
    return builders.to_counts(
        persons,
        ["ar", "enhet", "klass", "kon"],
        sums=["arbete", "kostnad", "varddygn"],
        squares={"kostnad": "kostnad_kvadrat"},
        dropna=False,
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the notebook cells that nbval runs as slow (a notebook runs in seconds, not ms)."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
