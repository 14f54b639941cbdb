"""Speed of the core analysis against the alternatives a controller would reach for.

Run: ``.venv/bin/python benchmarks/bench_core.py [rows]`` (default 1,000,000 rows, sex x 20
units x 6 years). Prints seconds and ratios; asserts nothing. Alternatives timed on the same
rows: a bare pandas group-by (the floor: no intervals at all) and a per-cell loop calling
statsmodels/scipy on the rows of each cell (what one writes without this library).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

import genderbudget as gb


def make_rows(size: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "kon": rng.choice(["K", "M"], size, p=[0.3, 0.7]),
            "enhet": rng.integers(0, 20, size),
            "ar": rng.integers(2016, 2022, size),
            "arbetsdrift": rng.integers(0, 2, size),
            "kostnad": rng.gamma(2.0, 1500.0, size),
            "varddygn": rng.integers(1, 366, size),
        }
    )


def best_of(function: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def per_cell_loop(data: pd.DataFrame) -> None:
    for _, cell in data.groupby("ar"):
        women, men = cell[cell.kon == "K"], cell[cell.kon == "M"]
        for part in (women, men):
            proportion_confint(part.arbetsdrift.sum(), len(part), method="wilson")
        confint_proportions_2indep(
            women.arbetsdrift.sum(), len(women), men.arbetsdrift.sum(), len(men), method="newcomb"
        )
        stats.ttest_ind(women.kostnad, men.kostnad, equal_var=False)


def main(size: int) -> None:
    data = make_rows(size)
    measures = [gb.rate("arbetsdrift"), gb.mean("kostnad"), gb.ratio("kostnad", "varddygn")]
    timings: dict[str, float] = {}
    timings["genderbudget.analyse, pandas"] = best_of(
        lambda: gb.analyse(data, measures, sex="kon", by="ar")
    )
    try:
        import polars as pl

        frame = pl.from_pandas(data)
        timings["genderbudget.analyse, polars"] = best_of(
            lambda: gb.analyse(frame, measures, sex="kon", by="ar")
        )
    except ImportError:
        pass
    timings["pandas group-by only (no intervals)"] = best_of(
        lambda: data.groupby(["kon", "ar"]).agg(
            a=("arbetsdrift", "mean"), k=("kostnad", "mean"), v=("varddygn", "sum")
        )
    )
    timings["per-cell loop with statsmodels/scipy"] = best_of(lambda: per_cell_loop(data))
    base = timings["genderbudget.analyse, pandas"]
    print(f"rows: {size:,}; measures: rate, mean, ratio; by year (6) x sex")
    for name, seconds in timings.items():
        print(f"{name:45s} {seconds:8.3f} s   {seconds / base:6.2f} x analyse(pandas)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
