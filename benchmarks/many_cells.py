"""``analyse`` on many breakdown cells, with and without justified factors.

Agency-shaped synthetic data: one row per client with a sex code (some missing), a 0/1
outcome (work operations), a cost and care days, and two justified factors (a security
class with 3 levels and a sentence band with 4), broken down by year (``ar``) x unit
(``enhet``) so that there are 100, 1,000 or 10,000 breakdown cells. For each size it
prints the seconds of ``analyse`` for a rate, a mean and a ratio of sums without justified
factors, with one and with two.

Run: ``.venv/bin/python benchmarks/many_cells.py [cells ...]`` (default 100 1000 10000);
``--profile`` runs cProfile on the largest size with one justified factor and prints the
functions with the most cumulative time. Asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

import numpy as np
import pandas as pd

import genderbudget as gb

ROWS_PER_CELL = 40
YEARS = 5


def make_rows(cells: int, seed: int = 0) -> pd.DataFrame:
    """Clients of ``cells`` breakdown cells (years x units), ``ROWS_PER_CELL`` on average."""
    rng = np.random.default_rng(seed)
    size = cells * ROWS_PER_CELL
    cell = rng.integers(0, cells, size)
    sex = rng.choice(np.array(["K", "M", None], dtype=object), size, p=[0.3, 0.68, 0.02])
    klass = rng.choice([1, 2, 3], size, p=[0.3, 0.5, 0.2])
    band = rng.choice(["a", "b", "c", "d"], size)
    women = sex == "K"
    logit = -0.2 + 0.4 * (klass == 3) - 0.5 * (klass == 1) + 0.3 * (band == "d") - 0.4 * women
    work = (rng.uniform(size=size) < 1 / (1 + np.exp(-logit))).astype(np.int8)
    days = rng.integers(1, 60, size).astype(float)
    cost = days * rng.gamma(4.0, 500.0, size) * (1.0 + 0.2 * (klass == 3) - 0.1 * women)
    return pd.DataFrame(
        {
            "ar": 2020 + cell % YEARS,
            "enhet": cell // YEARS,
            "kon": sex,
            "klass": klass,
            "band": band,
            "arbetsdrift": work,
            "kostnad": cost,
            "vardagar": days,
        }
    )


MEASURES = {
    "rate": gb.rate("arbetsdrift"),
    "mean": gb.mean("kostnad"),
    "ratio": gb.ratio("kostnad", "vardagar"),
}
JUSTIFIED: dict[str, list[str]] = {"none": [], "one": ["klass"], "two": ["klass", "band"]}


def seconds(data: pd.DataFrame, measure: gb.Measure, justified: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one ``analyse`` (CPU time is steadier on a busy machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    gb.analyse(data, measure, sex="kon", by=["ar", "enhet"], justified=justified)
    return time.perf_counter() - wall, time.process_time() - cpu


def main(sizes: list[int]) -> None:
    print("seconds: wall-clock (CPU)")
    print(f"{'cells':>7} {'measure':>7} " + " ".join(f"{j + ' factors':>17}" for j in JUSTIFIED))
    for cells in sizes:
        data = make_rows(cells)
        for name, measure in MEASURES.items():
            times = [seconds(data, measure, justified) for justified in JUSTIFIED.values()]
            cols = " ".join(f"{wall:>8.2f} ({cpu:>6.2f})" for wall, cpu in times)
            print(f"{cells:>7} {name:>7} {cols}", flush=True)


def profile(cells: int) -> None:
    data = make_rows(cells)
    for name, measure in MEASURES.items():
        print(f"--- {name}, {cells} cells, one justified factor")
        profiler = cProfile.Profile()
        profiler.enable()
        gb.analyse(data, measure, sex="kon", by=["ar", "enhet"], justified=["klass"])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "cells", nargs="*", type=int, help="numbers of breakdown cells (default 100 1000 10000)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the largest size, one justified factor"
    )
    options = parser.parse_args()
    sizes = options.cells or [100, 1_000, 10_000]
    if options.profile:
        profile(max(sizes))
    else:
        main(sizes)
