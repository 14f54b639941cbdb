"""The benchmark scripts build the data they claim and run their cases on small inputs.

``benchmarks/run.py`` and ``benchmarks/out_of_core.py`` are loaded by path; their timings
are not checked (they depend on the machine), only that the data have the agency shape the
README describes, that every engine's floor groups the same cells, that the fit on collapsed
cells gives the row-level logistic GLM's coefficient, and that the out-of-core cases agree.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import duckdb
import numpy as np
import pandas as pd
import pytest

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"


def _load(name: str) -> ModuleType:
    key = f"benchmark_{name}_under_test"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


run = _load("run")
out_of_core = _load("out_of_core")


def _check_agency_shape(rows: pd.DataFrame) -> None:
    assert list(rows.columns) == [
        "kon",
        "enhet",
        "ar",
        "klass",
        "band",
        "arbetsdrift",
        "kostnad",
        "varddygn",
    ]
    missing = rows["kon"].isna().mean()
    assert 0.005 < missing < 0.015  # about 1 % missing sex codes
    assert set(rows["kon"].dropna()) == {"K", "M"}
    assert rows["enhet"].nunique() == 20
    assert rows["ar"].nunique() == 6
    assert set(rows["klass"]) == {1, 2, 3}
    assert set(rows["band"]) == {"a", "b", "c", "d"}
    assert set(rows["arbetsdrift"]) == {0, 1}
    assert (rows["kostnad"] > 0).all() and (rows["varddygn"] >= 1).all()


def test_run_rows_have_the_agency_shape_and_are_seeded() -> None:
    rows = run.make_rows(50_000)
    _check_agency_shape(rows)
    pd.testing.assert_frame_equal(rows, run.make_rows(50_000))


def test_out_of_core_rows_have_the_same_shape() -> None:
    rows = duckdb.sql(out_of_core.ROWS_SQL.format(rows=50_000)).df()
    rows["kon"] = rows["kon"].astype(object).where(rows["kon"].notna(), None)
    _check_agency_shape(rows)


def test_every_engine_floor_groups_the_same_cells() -> None:
    rows = run.make_rows(5_000)
    sizes = {len(run.engine(name, rows).floor()) for name in run.ENGINES}
    assert len(sizes) == 1
    # women and men in each of 6 years x 20 units, and the missing sex code in some
    assert 2 * 6 * 20 < sizes.pop() <= 3 * 6 * 20


def test_collapsed_fit_gives_the_row_level_coefficient() -> None:
    glm = run.glm_timing(run.make_rows(20_000), repeat=1)
    assert glm["difference"] < 1e-8
    assert np.isfinite(glm["women_coefficient_rows"])


@pytest.mark.parametrize("case", ["duckdb", "polars-justified"])
def test_out_of_core_cases_read_the_files(tmp_path: Path, case: str) -> None:
    folder = tmp_path / "rows"
    out_of_core.write_files(folder, 20_000, threads=1)
    floor = out_of_core.run_case("duckdb-floor", folder, "1GB", tmp_path / "spill")
    analysed = out_of_core.run_case(case, folder, "1GB", tmp_path / "spill")
    assert 2 * 6 * 20 < floor["rows_out"] <= 3 * 6 * 20
    # three measures by 6 years x 20 units
    assert analysed["rows_out"] == 3 * 6 * 20
    assert analysed["peak_rss"] > 0
