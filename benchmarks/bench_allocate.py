"""Cost allocation: ``allocate`` vs a plain pandas merge-and-share.

Run: ``.venv/bin/python benchmarks/bench_allocate.py [cost_objects]`` (default 20,000, in two
years, two drivers, two overhead pools). Prints the seconds of each and how far each one's
parts are from the money that went in, in öre; asserts nothing.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

import genderbudget as gb


def make_tables(size: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    years = np.repeat([2020, 2021], size // 2)
    objects = [f"o{i}" for i in range(years.size)]
    costs = pd.DataFrame(
        {"ar": years, "objekt": objects, "kostnad": rng.integers(1_000, 10**7, years.size) / 100}
    )
    drivers = pd.DataFrame(
        {
            "ar": np.repeat(years, 2),
            "objekt": np.repeat(objects, 2),
            "kon": np.tile(["K", "M"], years.size),
            "mottagare": rng.integers(1, 1_000, 2 * years.size),
            "arenden": rng.integers(1, 1_000, 2 * years.size),
        }
    )
    overhead = pd.DataFrame(
        {
            "ar": [2020, 2020, 2021, 2021],
            "objekt": ["IT", "ledning", "IT", "ledning"],
            "kostnad": [1e8 + 0.01, 5e7 + 0.03, 1e8 + 0.07, 5e7 + 0.05],
        }
    )
    return costs, drivers, overhead


def plain_pandas(costs: pd.DataFrame, drivers: pd.DataFrame, overhead: pd.DataFrame) -> pd.Series:
    """Overhead by cost, then each object by recipients: float shares, no rounding rule."""
    cost = costs.set_index(["ar", "objekt"])["kostnad"]
    pools = overhead.groupby("ar")["kostnad"].sum()
    with_overhead = cost + cost / cost.groupby(level="ar").transform("sum") * pools
    volume = drivers.set_index(["ar", "objekt", "kon"])["mottagare"]
    share = volume / volume.groupby(level=["ar", "objekt"]).transform("sum")
    return (share * with_overhead).round(2)


def main(size: int) -> None:
    costs, drivers, overhead = make_tables(size)
    money_in = round(costs["kostnad"].sum() + overhead["kostnad"].sum(), 2)

    start = time.perf_counter()
    result = gb.allocate(
        costs,
        drivers,
        cost_object="objekt",
        amount="kostnad",
        sex="kon",
        by="ar",
        driver=["mottagare", "arenden"],
        overhead=overhead,
        round_to=1_000,
    )
    seconds_gb = time.perf_counter() - start

    start = time.perf_counter()
    parts = plain_pandas(costs, drivers, overhead)
    seconds_pandas = time.perf_counter() - start

    ore_gb = (result.table.loc[result.table["driver"] == "mottagare", "amount"] * 100).round()
    off_gb = abs(int(ore_gb.sum()) - round(money_in * 100))
    off_pandas = abs(round(parts.sum() * 100) - round(money_in * 100))
    rounded = result.totals.groupby("driver")["amount_rounded"].sum()
    print(f"{costs.shape[0]:,} cost objects x 2 sexes, 2 years, 4 overhead pools")
    print(f"{'':44} {'seconds':>8} {'öre off in total':>17}")
    print(f"{'allocate (2 drivers, exact öre, rounded too)':44} {seconds_gb:8.3f} {off_gb:17,}")
    print(
        f"{'pandas merge-and-share (1 driver, floats)':44} {seconds_pandas:8.3f} {off_pandas:17,}"
    )
    print(
        f"money in {money_in:,.2f} kr; allocate's parts rounded per cost object to 1,000 kr "
        f"sum to {rounded.iloc[0]:,.0f} kr"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
