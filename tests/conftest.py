"""Shared fixtures: one ``constructor`` over every dataframe engine the tests can reach.

The synthetic tables the tests build are in ``builders.py`` (plain functions, for tests that
need them with arguments); the common ones are also fixtures here.

``constructor`` runs on the in-process engines (pandas, polars eager and lazy, DuckDB);
``engine`` adds PySpark, whose session (a local Java process) starts once per test run and
is shared by every Spark test (``tests/test_engines.py``).
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Callable, Iterator
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


# PySpark warns at start-up that it does not yet fully support pandas 3; the library hands
# Spark no pandas objects (narwhals collects the cell table through Arrow), so the warning
# says nothing about what the tests check.
_SPARK_PANDAS_WARNING = "PySpark does not yet fully support pandas"
SPARK_OPTIONS = {
    "spark.master": "local[2]",
    "spark.app.name": "genderbudget-tests",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.memory": "1g",
    "spark.sql.session.timeZone": "UTC",
}


def _java_missing() -> bool:
    home = os.environ.get("JAVA_HOME")
    return shutil.which("java") is None and not (home and Path(home, "bin", "java").exists())


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session for the whole test run, stopped at its end."""
    pytest.importorskip("pyspark")
    if _java_missing():
        pytest.skip("PySpark needs Java (17 or later), and no java was found on PATH or JAVA_HOME")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder
    for key, value in SPARK_OPTIONS.items():
        builder = builder.config(key, value)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _SPARK_PANDAS_WARNING, FutureWarning)
        session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def spark_frame(session: Any, frame: pd.DataFrame) -> Any:
    """The same table as a Spark DataFrame, through Arrow (column types kept, nulls too)."""
    pa = pytest.importorskip("pyarrow")
    return session.createDataFrame(pa.Table.from_pandas(frame, preserve_index=False))


@pytest.fixture(
    params=[
        *CONSTRUCTORS,
        pytest.param("pyspark", marks=pytest.mark.slow),
    ]
)
def engine(request: pytest.FixtureRequest) -> tuple[str, Callable[[pd.DataFrame], Any]]:
    """Every engine, PySpark included: its name and the function building its frames."""
    return request.param, constructor_of(request.param, request)


def constructor_of(name: str, request: pytest.FixtureRequest) -> Callable[[pd.DataFrame], Any]:
    """The function building ``name``'s frames; PySpark's in the test run's one session."""
    if name != "pyspark":
        return CONSTRUCTORS[name]
    session = request.getfixturevalue("spark")
    return lambda frame: spark_frame(session, frame)


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
