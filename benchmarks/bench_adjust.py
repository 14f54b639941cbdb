"""Adjusted gap on collapsed cells vs the same logistic model fitted on the rows.

Run: ``.venv/bin/python benchmarks/bench_adjust.py [rows]`` (default 1,000,000). Prints the
seconds of each, their ratio and the largest coefficient difference; asserts nothing.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm

import genderbudget as gb
from genderbudget._adjust import fit_rate_model


def make_rows(size: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["K", "M"], size, p=[0.3, 0.7])
    klass = rng.choice([1, 2, 3], size, p=[0.3, 0.5, 0.2])
    band = rng.choice(["a", "b", "c", "d"], size)
    logit = (
        -0.2 + 0.4 * (klass == 3) - 0.5 * (klass == 1) + 0.3 * (band == "d") - 0.4 * (sex == "K")
    )
    work = (rng.uniform(size=size) < 1 / (1 + np.exp(-logit))).astype(np.int8)
    return pd.DataFrame({"kon": sex, "klass": klass, "band": band, "arbetsdrift": work})


def main(size: int) -> None:
    data = make_rows(size)
    start = time.perf_counter()
    gb.analyse(data, gb.rate("arbetsdrift"), sex="kon", justified=["klass", "band"])
    collapsed_analyse = time.perf_counter() - start

    cells = (
        data.assign(sex=np.where(data["kon"] == "K", "women", "men"))
        .groupby(["klass", "band", "sex"])
        .agg(n=("arbetsdrift", "size"), sy=("arbetsdrift", "sum"))
        .reset_index()
    )
    fit_rate_model(cells, ["klass", "band"])  # warm-up: first-call imports are not the fit
    start = time.perf_counter()
    fit = fit_rate_model(cells, ["klass", "band"])
    collapsed_fit = time.perf_counter() - start

    design = pd.get_dummies(data[["klass", "band"]].astype(str), drop_first=True, dtype=float)
    design.insert(0, "women", (data["kon"] == "K").astype(float))
    design.insert(0, "const", 1.0)
    start = time.perf_counter()
    rows = sm.GLM(data["arbetsdrift"], design, family=sm.families.Binomial()).fit(tol=1e-13)
    row_fit = time.perf_counter() - start

    assert fit.params is not None
    difference = float(np.max(np.abs(fit.params - rows.params.to_numpy())))
    print(f"rows: {size:,}; collapsed cells: {len(cells)}")
    print(f"GLM on the rows (statsmodels)             {row_fit:8.3f} s")
    for name, seconds in (
        ("GLM on collapsed cells (fit only)", collapsed_fit),
        ("analyse(justified=...) incl. group-by", collapsed_analyse),
    ):
        print(f"{name:42s}{seconds:8.4f} s   {row_fit / seconds:8.1f} x faster")
    print(f"largest coefficient difference            {difference:.2e}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
