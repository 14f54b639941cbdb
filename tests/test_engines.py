"""Engine parity over the whole public API that takes data.

Every public function that reads rows (``analyse``, ``equalize``, ``allocate``, ``oaxaca``,
``decompose_cost``, ``normalize_sex``, ``sex_from_personnummer``, ``read_table``) runs on
each engine of the ``engine`` fixture (pandas, polars eager and lazy, a DuckDB relation and a
PySpark DataFrame) and must give the tables pandas gives. ``follow_up`` and ``phase_in``
take results, not data, and are not engine-dependent.

Which equality, and why: the engines sum the rows of a cell in orders and with algorithms
of their own (pandas compensates its float sums, polars, DuckDB and Spark add in their own
order), and float addition is not associative, so a sum of costs in kronor and öre may
differ in its last bits between engines. Tables built on such sums (``analyse``,
``equalize``, ``decompose_cost``, ``read_table``'s numbers) are compared with
``rtol=1e-12`` in their float columns, their text, flags and counts exactly. Where every sum
is a whole number (``oaxaca`` of a 0/1 outcome on whole-number factors) or the result is
whole öre (``allocate``, which conserves every öre by integer arithmetic), the tables are
compared exactly.

The reference of every comparison is pandas, which the other tests check against
independent references (hand computations, statsmodels, scipy); this file checks only that
the engine does not matter.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import every_kind
from conftest import spark_frame

import genderbudget as gb

Engine = tuple[str, Callable[[pd.DataFrame], Any]]

# Float sums from the engine: the last bits may differ between engines (see the module notes).
RTOL = 1e-12


def _persons(seed: int = 16, size: int = 600) -> pd.DataFrame:
    """Persons with a column for every kind of measure, text codes and missing values.

    ``kon`` as an agency writes it (``Kvinna``/``Man``, a missing value, ``okänd`` mapped to
    unknown), ``ar`` and ``enhet`` (8 units, the clusters), ``klass`` (a justified factor,
    missing for a few), ``arbete`` (``Ja``/``Nej`` text), ``besok`` (0/1), ``kostnad``
    (missing for a few), ``varddygn`` and ``behov`` (a need score).
    """
    rng = np.random.default_rng(seed)
    sex = rng.choice(["Kvinna", "Man", None, "okänd"], size, p=[0.42, 0.54, 0.02, 0.02])
    women = sex == "Kvinna"
    klass = rng.integers(1, 4, size).astype(float)
    klass[rng.choice(size, 6, replace=False)] = np.nan
    work = rng.uniform(size=size) < 0.25 + 0.1 * np.nan_to_num(klass, nan=2.0) - 0.1 * women
    days = rng.integers(1, 200, size)
    cost = np.round(days * rng.gamma(4.0, 700.0, size) * np.where(women, 0.9, 1.0), 2)
    cost[rng.choice(size, 9, replace=False)] = np.nan
    return pd.DataFrame(
        {
            "kon": pd.Series(sex, dtype=object),
            "ar": rng.choice([2022, 2023], size),
            "enhet": rng.choice([f"E{i}" for i in range(8)], size),
            "klass": klass,
            "arbete": np.where(work, "Ja", "Nej"),
            "besok": (rng.uniform(size=size) < np.where(women, 0.5, 0.6)).astype(np.int64),
            "kostnad": cost,
            "varddygn": days,
            "behov": rng.integers(1, 5, size).astype(float),
        }
    )


MAPPING = {"okänd": "unknown"}
MEASURES = every_kind(
    yes_no="arbete", rate="besok", amount="kostnad", days="varddygn", need="behov", unit="enhet"
)
RESULT_TABLES = (
    "estimates",
    "comparisons",
    "exclusions",
    "coding",
    "accounting",
    "representation",
    "resource_access",
)


def _same(got: pd.DataFrame, expected: pd.DataFrame, *, exact: bool = False) -> None:
    """The same table: exactly, or to ``RTOL`` in the float columns (text and counts exact)."""
    if exact:
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    else:
        pd.testing.assert_frame_equal(got, expected, rtol=RTOL)


def test_analyse_gives_the_same_result(engine: Engine) -> None:
    _, make = engine
    data = _persons()
    options: dict[str, Any] = {"sex": "kon", "by": "ar", "justified": "klass", "mapping": MAPPING}
    expected = gb.analyse(data, MEASURES, **options)
    got = gb.analyse(make(data), MEASURES, **options)
    for name in RESULT_TABLES:
        _same(getattr(got, name), getattr(expected, name))


def test_an_eager_frame_grouped_in_chunks_gives_the_same_result(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Eager frames longer than CHUNK_ROWS are grouped a chunk at a time and the chunks'
    # sums added up: with chunks of 97 rows the 600 persons (with a missing sex, a missing
    # factor and None next to NaN in a factor) give the tables of one group-by. Lazy
    # frames ignore the chunk size (their engines plan their own).
    _, make = engine
    data = _persons()
    data["klass"] = data["klass"].astype(object)
    data.loc[data.index[:3], "klass"] = None  # None here, NaN further down
    options: dict[str, Any] = {"sex": "kon", "by": "ar", "justified": "klass", "mapping": MAPPING}
    expected = gb.analyse(data, MEASURES, **options)
    monkeypatch.setattr("genderbudget._cells.CHUNK_ROWS", 97)
    monkeypatch.setattr("genderbudget._cells.PANDAS_CHUNKS", 1)
    got = gb.analyse(make(data.astype({"klass": float})), MEASURES, **options)
    for name in RESULT_TABLES:
        _same(getattr(got, name), getattr(expected, name))


def test_equalize_gives_the_same_plans(engine: Engine) -> None:
    _, make = engine
    data = _persons()
    native = make(data)
    need = gb.per_need("kostnad", "behov", days="varddygn")
    calls: list[tuple[gb.Measure, dict[str, Any]]] = [
        (gb.rate("arbete"), {"by": "ar", "justified": "klass", "unit_cost": 250_000}),
        (gb.rate("besok"), {"by": "ar", "cluster": "enhet"}),
        (gb.rate("besok"), {"by": "ar", "budget_neutral": True, "unit_cost": 1_000}),
        (need, {"by": "ar", "unit_cost": 1.0}),
    ]
    for measure, options in calls:
        expected = gb.equalize(data, measure, sex="kon", mapping=MAPPING, **options)
        got = gb.equalize(native, measure, sex="kon", mapping=MAPPING, **options)
        _same(got, expected)


def _decomposition_rows() -> pd.DataFrame:
    data = _persons().dropna(subset=["kostnad"]).reset_index(drop=True)
    # A whole-number factor: with a 0/1 outcome every sum oaxaca takes is a whole number,
    # exact in any order, so its table must be identical on every engine.
    return data.assign(storlek=(data["varddygn"] // 20).astype(float))


def test_oaxaca_and_decompose_cost_give_the_same_tables(engine: Engine) -> None:
    _, make = engine
    data = _decomposition_rows()
    native = make(data)
    options: dict[str, Any] = {"sex": "kon", "mapping": MAPPING, "by": "ar"}
    expected = gb.oaxaca(data, "besok", justified=["klass", "storlek"], **options)
    got = gb.oaxaca(native, "besok", justified=["klass", "storlek"], **options)
    _same(got, expected, exact=True)
    expected = gb.decompose_cost(
        data,
        "kostnad",
        "varddygn",
        justified=["storlek", "klass"],
        categorical="klass",
        cluster="enhet",
        **options,
    )
    got = gb.decompose_cost(
        native,
        "kostnad",
        "varddygn",
        justified=["storlek", "klass"],
        categorical="klass",
        cluster="enhet",
        **options,
    )
    _same(got, expected)


def _costs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "objekt": ["A", "B", "C", "A"],
            "ar": [2023, 2023, 2023, 2023],
            "kostnad": [1000.00, 100.00, 333.33, 17.05],
        }
    )


def _drivers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "objekt": ["A", "A", "B", "B", "B", "C", "C"],
            "ar": [2023] * 7,
            "kon": ["Kvinna", "Man", "Kvinna", "Man", None, "Kvinna", "Man"],
            "mottagare": [3, 1, 1, 1, 1, 7, 5],
            "arenden": [1.0, 1.0, 2.0, 0.0, 0.0, 3.5, 4.5],
        }
    )


def test_allocate_gives_the_same_allocation(engine: Engine) -> None:
    _, make = engine
    overhead = pd.DataFrame(
        {"objekt": ["IT", "Ledning"], "ar": [2023, 2023], "kostnad": [200.0, 99.99]}
    )
    options: dict[str, Any] = {
        "cost_object": "objekt",
        "amount": "kostnad",
        "sex": "kon",
        "by": "ar",
        "driver": ["mottagare", "arenden"],
        "persons": "mottagare",
        "overhead_key": {"IT": "driver", "Ledning": "cost"},
    }
    expected = gb.allocate(_costs(), _drivers(), overhead=overhead, **options)
    got = gb.allocate(make(_costs()), make(_drivers()), overhead=make(overhead), **options)
    for name in ("table", "totals", "sensitivity", "overhead"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name), check_exact=True)
    assert got.notes == expected.notes


# The engines whose tables hold their columns in memory as Series; the lazy ones (polars
# LazyFrame, a DuckDB relation, a Spark DataFrame) keep their rows in the engine.
SERIES = {
    "pandas": lambda frame, column: frame[column],
    "polars": lambda frame, column: frame.get_column(column),
}
PERSONNUMMER = ["19121212-1212", "198112189876", "20000101-0008", None]


def test_sex_coding_of_a_column_or_the_error_of_a_lazy_table(engine: Engine) -> None:
    name, make = engine
    data = pd.DataFrame(
        {"kon": ["Kvinna", "man", None, "2"], "pnr": pd.Series(PERSONNUMMER, dtype=object)}
    )
    native = make(data)
    if name in SERIES:
        column = SERIES[name]
        coded = gb.normalize_sex(column(native, "kon"))
        from_numbers = gb.sex_from_personnummer(column(native, "pnr"))
        as_pandas = [pd.Series(c.to_list(), dtype=object) for c in (coded, from_numbers)]
        expected_sex = ["women", "men", "unknown", "women"]
        expected_numbers = ["men", "men", "women", "unknown"]
        assert as_pandas[0].tolist() == expected_sex
        assert as_pandas[1].tolist() == expected_numbers
        return
    with pytest.raises(
        TypeError,
        match=r"normalize_sex codes one column held in memory .*"
        r"not a lazy table \(\w+ \w+\).* name it with sex= instead",
    ):
        gb.normalize_sex(native)
    with pytest.raises(
        TypeError,
        match=r"sex_from_personnummer codes one column held in "
        r"memory .* Collect the one column first",
    ):
        gb.sex_from_personnummer(native)
    # A column of a lazy engine is an expression, which holds no values.
    with pytest.raises(
        TypeError,
        match=r"normalize_sex codes the values of one column .* not a \w+ \w+, which holds "
        r"no values .* name it with sex= instead",
    ):
        gb.normalize_sex(_column_expression(name, native, "kon"))
    with pytest.raises(TypeError, match=r"sex_from_personnummer codes the values of one column"):
        gb.sex_from_personnummer(_column_expression(name, native, "pnr"))


def _column_expression(name: str, native: Any, column: str) -> Any:
    if name == "polars_lazy":
        return pytest.importorskip("polars").col(column)
    if name == "duckdb":
        return pytest.importorskip("duckdb").ColumnExpression(column)
    return native[column]  # a Spark Column


READ_OUTPUTS = {"pandas": "pandas", "polars": "polars", "duckdb": "duckdb"}


def test_read_table_output_analyses_like_pandas(engine: Engine, tmp_path: Path) -> None:
    name, _ = engine
    text = "Kön;Kostnad;Arbete\nKvinna;1 234,50;Ja\nMan;987;Nej\nKvinna;12,25;Nej\nMan;;Ja\n"
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("cp1252"))
    if name not in READ_OUTPUTS:
        # A lazy polars frame is frame.lazy() of output="polars"; Spark reads its own files.
        with pytest.raises(
            ValueError,
            match=rf"output='{name}' is not allowed\. Allowed "
            r"values: 'pandas', 'polars', 'duckdb'",
        ):
            gb.read_table(path, output=name)  # type: ignore[arg-type]
        return
    frame, report = gb.read_table(path, output=READ_OUTPUTS[name])
    reference, expected_report = gb.read_table(path)
    assert report == expected_report
    measures = [gb.mean("Kostnad"), gb.rate("Arbete")]
    got = gb.analyse(frame, measures, sex="Kön")
    expected = gb.analyse(reference, measures, sex="Kön")
    for table in RESULT_TABLES:
        _same(getattr(got, table), getattr(expected, table))


@pytest.mark.slow
def test_spark_brings_back_only_the_cell_table(spark: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _persons()
    native = spark_frame(spark, data)
    collected: list[int] = []
    original = type(native).toArrow

    def recorded(frame: Any) -> Any:
        table = original(frame)
        collected.append(table.num_rows)
        return table

    monkeypatch.setattr(type(native), "toArrow", recorded)
    gb.analyse(native, MEASURES, sex="kon", by="ar", justified="klass", mapping=MAPPING)
    # The group-by's keys: sex, the breakdown, the factor and the cluster (missing values are
    # keys of their own). No table larger than their combinations leaves Spark.
    cells = data.groupby(["kon", "ar", "klass", "enhet"], dropna=False).ngroups
    assert collected
    assert max(collected) == cells < len(data) / 4
