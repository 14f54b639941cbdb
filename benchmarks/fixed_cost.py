"""The fixed cost of one ``analyse`` call on the Kriminalvården sample, resampled.

The sample (27,207 rows) is drawn with replacement to 10,000 and 100,000 rows (fixed seed).
Three measures (the share in work operations, cost per care-day with the prisons as units,
the head-count) by year and by year x prison, without and with the two justified factors
(security class, sentence length). For each case it prints the best of three wall-clock
and CPU seconds of ``analyse`` and of a bare pandas group-by of the same columns (the
floor). On a shared machine the CPU seconds are the steadier figure.

Run: ``.venv/bin/python benchmarks/fixed_cost.py [rows ...]`` (default 10000 100000);
``--profile ROWS`` runs cProfile on one call by year x prison and prints the functions of
the library with the most cumulative time. Asserts nothing.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

import genderbudget as gb

MEASURES = [
    gb.rate("arbetsdrift"),
    gb.ratio("kostnad", "varddygn", cluster="anstalt"),
    gb.count(),
]
FACTORS = ["sakerhetsklass", "strafflangd"]
CASES: dict[str, dict[str, list[str]]] = {
    "by ar": {"by": ["ar"]},
    "by ar x anstalt": {"by": ["ar", "anstalt"]},
    "by ar, justified": {"by": ["ar"], "justified": FACTORS},
    "by ar x anstalt, justified": {"by": ["ar", "anstalt"], "justified": FACTORS},
}


def make_rows(size: int, seed: int = 0) -> pd.DataFrame:
    """Draw ``size`` rows of the Kriminalvården sample with replacement."""
    sample = gb.datasets.load_kriminalvarden()
    rng = np.random.default_rng(seed)
    return sample.iloc[rng.integers(0, len(sample), size)].reset_index(drop=True)


def best_of(function: Callable[[], Any], repeat: int = 3) -> tuple[float, float]:
    """Return the smallest wall-clock and CPU seconds of ``repeat`` calls."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def analysis(data: pd.DataFrame, case: dict[str, list[str]]) -> Callable[[], Any]:
    """Return one ``analyse`` call of the case."""
    return lambda: gb.analyse(data, MEASURES, sex="kon", **case)


def floor(data: pd.DataFrame, case: dict[str, list[str]]) -> Callable[[], Any]:
    """Return a bare pandas group-by of the same rows and columns, without any inference."""
    keys = list(dict.fromkeys(["kon", *case["by"], *case.get("justified", []), "anstalt"]))
    return lambda: data.groupby(keys).agg(
        a=("arbetsdrift", "sum"), k=("kostnad", "sum"), v=("varddygn", "sum")
    )


def main(sizes: list[int]) -> None:
    print("seconds, best of 3: wall-clock (CPU)")
    print(f"{'rows':>8} {'case':>27} {'analyse':>17} {'group-by':>17}")
    for size in sizes:
        data = make_rows(size)
        gb.analyse(data, MEASURES, sex="kon", by=["ar"])  # imports and caches, not timed
        for name, case in CASES.items():
            wall, cpu = best_of(analysis(data, case))
            floor_wall, floor_cpu = best_of(floor(data, case))
            print(
                f"{size:>8} {name:>27} {wall:>8.3f} ({cpu:>6.3f}) "
                f"{floor_wall:>8.3f} ({floor_cpu:>6.3f})",
                flush=True,
            )


def profile(size: int) -> None:
    data = make_rows(size)
    case = CASES["by ar x anstalt"]
    gb.analyse(data, MEASURES, sex="kon", **case)
    profiler = cProfile.Profile()
    profiler.enable()
    gb.analyse(data, MEASURES, sex="kon", **case)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats("genderbudget", 30)


if __name__ == "__main__":
    if "--profile" in sys.argv:
        rest = [a for a in sys.argv[1:] if a != "--profile"]
        profile(int(rest[0]) if rest else 100_000)
    else:
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
