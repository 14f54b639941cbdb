"""``analyse`` against a bare group-by on every engine, and against the alternatives.

Builds seeded, agency-shaped rows (sex with about 1 % missing, 20 units, 6 years, a 0/1
outcome, a cost, care days and two justified factors: a security class with 3 levels and a
sentence band with 4) and times, side by side in one process (medians of ``--repeat`` runs,
each case called once untimed just before its own runs, :func:`side_by_side`):

- the floor: a bare group-by of the same columns by sex x year x unit (count, sum of the
  outcome, of the cost and of the care days), per engine;
- ``analyse`` with three measures (a rate, a mean, a count) by sex x year x unit, without
  and with the two justified factors, per engine: pandas with category columns, pandas with
  string columns, polars and a DuckDB relation;
- fairlearn ``MetricFrame`` and aequitas on the same metrics where they can express them
  (skipped with a note when they are not installed; they are not project dependencies);
- a logistic GLM on the rows (statsmodels) against the library's fit on collapsed cells,
  asserting the same coefficient for women to 1e-8;
- 10,000 breakdown cells (year x unit) with and without the justified factors;
- the fixed cost per call: ``analyse`` at 10,000 and 100,000 rows (medians of at least
  :data:`FIXED_REPEAT` runs: a call takes a tenth of a second, and on a busy machine one
  slow run in three decided the median);
- peak memory per case: each case is run once more in a fresh subprocess that builds the
  same data, warms up on a small frame, then samples its own resident set size (psutil,
  every 2 ms) while the case runs; the peak above the resident size just before the call
  is added to the input's size and divided by it (``peak / input``).

Prints one table of medians with the ratio to the floor and to the targets of the scale
issue, and writes every timing to ``--json``. Asserts only the GLM coefficient.

Run: ``.venv/bin/python benchmarks/run.py --rows 1000000 [--repeat 5] [--json out.json]
[--engines pandas-category,pandas-string,polars,duckdb] [--skip-peers] [--skip-cells]
[--skip-memory]``. ``--engines pandas`` stands for both pandas variants. ``--profile`` runs
cProfile on ``analyse`` (without and with the factors) on each chosen engine instead.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import genderbudget as gb

SEX, BY, JUSTIFIED = "kon", ["ar", "enhet"], ["klass", "band"]
MEASURES = [gb.rate("arbetsdrift"), gb.mean("kostnad"), gb.count()]
ENGINES = ["pandas-category", "pandas-string", "polars", "duckdb"]
FIXED_SIZES = [10_000, 100_000]
FIXED_REPEAT = 9
# The cases that take seconds a call (fairlearn, the GLM on the rows) run at most this often:
# their ratios to the library are in the hundreds and thousands.
SLOW_REPEAT = 3
TARGETS = {
    "analyse": 1.5,
    "analyse_justified": 3.0,
    "fixed_cost": 0.1,
    "cells_justified": 10.0,
    "fairlearn": 100.0,
    "glm": 1000.0,
    "memory": 1.5,
}


def make_rows(size: int, seed: int = 0) -> pd.DataFrame:
    """Seeded rows: one per client, sex codes K/M with about 1 % missing, string columns."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(["K", "M", None], dtype=object), size, p=[0.3, 0.69, 0.01])
    klass = rng.choice([1, 2, 3], size, p=[0.3, 0.5, 0.2])
    band = rng.choice(np.array(["a", "b", "c", "d"], dtype=object), size)
    women = sex == "K"
    logit = -0.2 + 0.4 * (klass == 3) - 0.5 * (klass == 1) + 0.3 * (band == "d") - 0.4 * women
    days = rng.integers(1, 366, size)
    return pd.DataFrame(
        {
            "kon": sex,
            "enhet": rng.integers(0, 20, size),
            "ar": rng.integers(2019, 2025, size),
            "klass": klass,
            "band": band,
            "arbetsdrift": (rng.uniform(size=size) < 1 / (1 + np.exp(-logit))).astype(np.int8),
            "kostnad": days * rng.gamma(4.0, 500.0, size) * (1.0 + 0.2 * (klass == 3)),
            "varddygn": days,
        }
    )


@dataclass
class Engine:
    """One engine's copy of the rows, its bare group-by and its input size in bytes."""

    name: str
    frame: Any
    floor: Callable[[], Any]
    input_bytes: int
    keep: list[Any] = field(default_factory=list)


def engine(name: str, rows: pd.DataFrame) -> Engine:
    """The rows in ``name``'s own representation."""
    if name.startswith("pandas"):
        return pandas_engine(name, rows)
    if name == "polars":
        return polars_engine(rows)
    return duckdb_engine(rows)


def pandas_engine(name: str, rows: pd.DataFrame) -> Engine:
    """pandas with string columns, or with the sex and band as categories."""
    frame = rows
    if name == "pandas-category":
        frame = rows.astype({SEX: "category", "band": "category"})

    def floor() -> Any:
        return frame.groupby([SEX, *BY], observed=True, dropna=False).agg(
            n=("arbetsdrift", "size"),
            sy=("arbetsdrift", "sum"),
            cost=("kostnad", "sum"),
            days=("varddygn", "sum"),
        )

    return Engine(name, frame, floor, int(frame.memory_usage(deep=True).sum()))


def polars_engine(rows: pd.DataFrame) -> Engine:
    """An eager polars frame."""
    import polars as pl

    frame = pl.from_pandas(rows)

    def floor() -> Any:
        return frame.group_by([SEX, *BY]).agg(
            pl.len(),
            pl.col("arbetsdrift").sum(),
            pl.col("kostnad").sum(),
            pl.col("varddygn").sum(),
        )

    return Engine("polars", frame, floor, int(frame.estimated_size()))


def duckdb_engine(rows: pd.DataFrame) -> Engine:
    """A DuckDB relation over an in-memory table; its size is that of the same polars frame."""
    import duckdb
    import polars as pl

    source = pl.from_pandas(rows)
    size = int(source.estimated_size())
    connection = duckdb.connect()
    connection.register("source", source)
    connection.execute("create table rows as select * from source")
    connection.unregister("source")
    del source
    query = (
        "select kon, ar, enhet, count(*), sum(arbetsdrift), sum(kostnad), sum(varddygn) "
        "from rows group by all"
    )

    def floor() -> Any:
        return connection.sql(query).fetchall()

    return Engine("duckdb", connection.table("rows"), floor, size, keep=[connection])


def analyse_call(frame: Any, justified: bool) -> Callable[[], Any]:
    """``analyse`` with the three measures by year x unit, with or without the factors."""
    factors = JUSTIFIED if justified else []
    return lambda: gb.analyse(frame, MEASURES, sex=SEX, by=BY, justified=factors)


def timed(function: Callable[[], Any], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def side_by_side(cases: dict[str, Callable[[], Any]], repeat: int) -> dict[str, list[float]]:
    """Wall-clock seconds of ``repeat`` calls of each case, one case after the other.

    Each case is called once, untimed, just before its own calls are timed: first-call
    imports and the engine's first allocations are not the work. The cases are not
    interleaved: one case's allocations then slow the next one's (at 10M rows pandas' bare
    group-by by string keys took 0.78-0.82 s right after an ``analyse`` call, against
    0.51-0.57 s in runs of its own).
    """
    times: dict[str, list[float]] = {}
    for name, function in cases.items():
        function()
        times[name] = timed(function, repeat)
    return times


def engine_cases(eng: Engine) -> dict[str, Callable[[], Any]]:
    """The floor and the two ``analyse`` calls on one engine's frame."""
    return {
        "floor": eng.floor,
        "analyse": analyse_call(eng.frame, False),
        "analyse_justified": analyse_call(eng.frame, True),
    }


def engine_timings(names: list[str], rows: pd.DataFrame, repeat: int) -> dict[str, Any]:
    """Floor, ``analyse`` and ``analyse`` with the justified factors on each engine."""
    out: dict[str, Any] = {}
    for name in names:
        eng = engine(name, rows)
        out[name] = {"input_bytes": eng.input_bytes, **side_by_side(engine_cases(eng), repeat)}
        print(f"  {name}: done", flush=True)
    return out


def fixed_costs(names: list[str], repeat: int) -> dict[str, Any]:
    """``analyse`` at small sizes, where the per-call work dominates (at least
    :data:`FIXED_REPEAT` runs each)."""
    repeat = max(repeat, FIXED_REPEAT)
    out: dict[str, Any] = {}
    for size in FIXED_SIZES:
        rows = make_rows(size, seed=1)
        for name in names:
            out[f"{name}@{size}"] = side_by_side(engine_cases(engine(name, rows)), repeat)
    return out


def fairlearn_timing(rows: pd.DataFrame, repeat: int) -> dict[str, Any]:
    """fairlearn ``MetricFrame``: the rate, the mean cost and the count by sex x year x unit."""
    try:
        from fairlearn.metrics import MetricFrame
    except ImportError:
        return {"note": "fairlearn is not installed: skipped"}

    def rate(y_true: Any, y_pred: Any) -> float:
        return float(np.mean(y_true))

    def mean_cost(y_true: Any, y_pred: Any, cost: Any) -> float:
        return float(np.mean(cost))

    def count(y_true: Any, y_pred: Any) -> int:
        return len(y_true)

    def run() -> Any:
        frame = MetricFrame(
            metrics={"rate": rate, "mean_cost": mean_cost, "count": count},
            y_true=rows["arbetsdrift"],
            y_pred=rows["arbetsdrift"],
            sensitive_features=rows[SEX].fillna("unknown"),
            control_features=rows[BY],
            sample_params={"mean_cost": {"cost": rows["kostnad"].to_numpy()}},
        )
        return frame.by_group, frame.difference()

    return {
        "metrics": "rate, mean cost, count (no intervals or tests)",
        "times": timed(run, repeat),
    }


def aequitas_timing(rows: pd.DataFrame, repeat: int) -> dict[str, Any]:
    """aequitas: group prevalence of the 0/1 outcome by sex within year x unit.

    aequitas works on a binary score and label; of the three measures it expresses only the
    rate (prevalence), and its attributes are crossed into one string column. Timed: its group
    cross-tabulation (no significance tests).
    """
    try:
        from aequitas.group import Group
    except ImportError:
        return {"note": "aequitas is not installed: skipped"}
    frame = pd.DataFrame(
        {
            "score": rows["arbetsdrift"].to_numpy(),
            "label_value": rows["arbetsdrift"].to_numpy(),
            "cell": rows[SEX].fillna("unknown").astype(str)
            + "|"
            + rows["ar"].astype(str)
            + "|"
            + rows["enhet"].astype(str),
        }
    ).astype({"cell": object})  # aequitas accepts only object attribute columns

    def run() -> Any:
        return Group().get_crosstabs(frame, attr_cols=["cell"])

    return {"metrics": "rate only (prevalence)", "times": timed(run, repeat)}


def glm_timing(rows: pd.DataFrame, repeat: int) -> dict[str, Any]:
    """Logistic GLM on the rows vs the library's fit on collapsed cells; same coefficient."""
    import statsmodels.api as sm

    from genderbudget._adjust import fit_rate_model

    known = rows[rows[SEX].notna()]
    cells = (
        known.assign(sex=np.where(known[SEX] == "K", "women", "men"))
        .groupby([*JUSTIFIED, "sex"])
        .agg(n=("arbetsdrift", "size"), sy=("arbetsdrift", "sum"))
        .reset_index()
    )
    fit_rate_model(cells, JUSTIFIED)  # warm-up
    collapsed = timed(lambda: fit_rate_model(cells, JUSTIFIED), repeat)
    fit = fit_rate_model(cells, JUSTIFIED)
    whole = timed(
        lambda: gb.analyse(rows, gb.rate("arbetsdrift"), sex=SEX, justified=JUSTIFIED), repeat
    )
    design = pd.get_dummies(known[JUSTIFIED].astype(str), drop_first=True, dtype=float)
    design.insert(0, "women", (known[SEX] == "K").astype(float))
    design.insert(0, "const", 1.0)
    model = sm.GLM(known["arbetsdrift"], design, family=sm.families.Binomial())
    row_times: list[float] = []
    on_rows = None
    for _ in range(repeat):
        start = time.perf_counter()
        on_rows = model.fit(tol=1e-13)
        row_times.append(time.perf_counter() - start)
    assert fit.params is not None and on_rows is not None
    women_rows = float(on_rows.params["women"])
    women_cells = float(fit.params[1])
    difference = abs(women_rows - women_cells)
    assert difference < 1e-8, f"coefficient for women differs by {difference:.2e}"
    return {
        "cells": len(cells),
        "rows_fit": row_times,
        "collapsed_fit": collapsed,
        "analyse": whole,
        "women_coefficient_rows": women_rows,
        "women_coefficient_cells": women_cells,
        "difference": difference,
    }


def many_cells_timing(cells: int) -> dict[str, Any]:
    """The rate by year x unit on ``cells`` breakdown cells, without and with the factors."""
    sys.path.insert(0, str(Path(__file__).parent))
    from many_cells import make_rows as many_cell_rows

    rows = many_cell_rows(cells)
    out: dict[str, Any] = {"cells": cells, "rows": len(rows)}
    for key, factors in (("analyse", []), ("analyse_justified", JUSTIFIED)):
        start = time.perf_counter()
        gb.analyse(rows, gb.rate("arbetsdrift"), sex=SEX, by=BY, justified=factors)
        out[key] = [time.perf_counter() - start]
    return out


def rss_peak(function: Callable[[], Any]) -> tuple[int, int]:
    """Resident set size just before ``function`` and its peak while it runs (bytes)."""
    import psutil

    process = psutil.Process()
    gc.collect()
    before = process.memory_info().rss
    peak = [before]
    running = threading.Event()
    running.set()

    def sample() -> None:
        while running.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    function()
    running.clear()
    sampler.join()
    peak[0] = max(peak[0], process.memory_info().rss)
    return before, peak[0]


def memory_case(size: int, case: str) -> None:
    """Run one case (``engine:task``) once in this process and print its memory as JSON."""
    name, task = case.split(":")
    small = engine(name, make_rows(2_000, seed=2))
    analyse_call(small.frame, True)()
    small.floor()
    eng = engine(name, make_rows(size))
    function = eng.floor if task == "floor" else analyse_call(eng.frame, task != "analyse")
    before, peak = rss_peak(function)
    print(json.dumps({"input_bytes": eng.input_bytes, "rss_before": before, "rss_peak": peak}))


def memory_timings(names: list[str], size: int) -> dict[str, Any]:
    """Each engine's three cases, each in a fresh subprocess."""
    out: dict[str, Any] = {}
    for name in names:
        for task in ("floor", "analyse", "analyse_justified"):
            command = [sys.executable, __file__, "--rows", str(size), "--memory-case"]
            done = subprocess.run(
                [*command, f"{name}:{task}"], capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                out[f"{name}:{task}"] = {"error": done.stderr.strip().splitlines()[-1:]}
                continue
            record = json.loads(done.stdout.strip().splitlines()[-1])
            extra = record["rss_peak"] - record["rss_before"]
            record["peak_over_input"] = (record["input_bytes"] + extra) / record["input_bytes"]
            out[f"{name}:{task}"] = record
    return out


def median(times: list[float]) -> float:
    return statistics.median(times)


def row(case: str, engine_name: str, seconds: float, versus: str, target: str) -> str:
    return f"{case:42s} {engine_name:16s} {seconds:10.3f} {versus:>20s} {target:>20s}"


def verdict(value: float, target: float, lower_is_better: bool = True) -> str:
    met = value <= target if lower_is_better else value >= target
    return "met" if met else "missed"


def print_table(results: dict[str, Any]) -> None:
    """One table of medians with the ratios to the floor and to the targets."""
    print()
    slow = min(results["repeat"], SLOW_REPEAT)
    print(
        f"rows: {results['rows']:,}; medians of {results['repeat']} runs (fairlearn and the GLM "
        f"on the rows: {slow}); seconds"
    )
    print(f"{'case':42s} {'engine':16s} {'seconds':>10s} {'ratio':>20s} {'target':>20s}")
    for name, timing in results["engines"].items():
        floor = median(timing["floor"])
        print(row("bare group-by (floor)", name, floor, "1.0x", ""))
        for key, label in (("analyse", "analyse"), ("analyse_justified", "analyse + 2 factors")):
            seconds = median(timing[key])
            ratio = seconds / floor
            target = TARGETS[key]
            status = verdict(ratio, target)
            print(row(label, name, seconds, f"{ratio:.1f}x floor", f"<= {target}x: {status}"))
    fixed_runs = {len(timing["analyse"]) for timing in results["fixed_cost"].values()}
    if fixed_runs:
        print(f"fixed cost below: medians of {max(fixed_runs)} runs")
    for key, timing in results["fixed_cost"].items():
        for task in ("analyse", "analyse_justified"):
            seconds = median(timing[task])
            status = verdict(seconds, TARGETS["fixed_cost"])
            label = f"fixed cost, {task.replace('_justified', ' + 2 factors')}"
            name, size = key.split("@")
            print(row(f"{label} @{int(size):,}", name, seconds, "", f"< 0.1 s: {status}"))
    glm = results.get("glm")
    if glm:
        rows_fit, analysed = median(glm["rows_fit"]), median(glm["analyse"])
        fit = median(glm["collapsed_fit"])
        ratio = rows_fit / analysed
        status = verdict(ratio, TARGETS["glm"], lower_is_better=False)
        print(row("logistic GLM on the rows", "statsmodels", rows_fit, "1.0x", ""))
        # The target is read both ways: the adjusted gap's fit alone, and the whole call that
        # also groups the rows and computes every interval, test and flag.
        fitted = verdict(rows_fit / fit, TARGETS["glm"], lower_is_better=False)
        label = "the same fit on collapsed cells"
        print(row(label, "genderbudget", fit, f"{rows_fit / fit:.0f}x", f">= 1000x: {fitted}"))
        label = "analyse(rate, 2 factors), group-by included"
        print(row(label, "pandas-string", analysed, f"{ratio:.0f}x", f">= 1000x: {status}"))
        print(
            f"  coefficient for women: rows {glm['women_coefficient_rows']:.12f}, cells "
            f"{glm['women_coefficient_cells']:.12f}, difference {glm['difference']:.1e}"
        )
    base = results["engines"].get("pandas-string")
    for peer in ("fairlearn", "aequitas"):
        record = results.get(peer, {})
        if "times" not in record:
            if record:
                print(f"{peer}: {record['note']}")
            continue
        seconds = median(record["times"])
        versus = ""
        if base:
            ratio = seconds / median(base["analyse"])
            versus = f"analyse {ratio:.2g}x faster"
        target = f">= 100x: {verdict(ratio, 100.0, False)}" if peer == "fairlearn" and base else ""
        print(
            row(f"{peer} ({record['metrics'].split(' (')[0]})", "pandas", seconds, versus, target)
        )
    cells = results.get("cells")
    if cells:
        plain, factors = cells["analyse"][0], cells["analyse_justified"][0]
        ratio = factors / plain
        status = verdict(ratio, TARGETS["cells_justified"])
        print(row(f"{cells['cells']:,} cells, rate", "pandas", plain, "1.0x", ""))
        print(
            row(
                f"{cells['cells']:,} cells, rate + 2 factors",
                "pandas",
                factors,
                f"{ratio:.1f}x",
                f"<= 10x: {status}",
            )
        )
    memory = results.get("memory")
    if memory:
        print()
        print("peak memory (psutil RSS sampled every 2 ms in a fresh subprocess per case)")
        print(
            f"{'case':42s} {'input MB':>10s} {'extra MB':>10s} {'peak/input':>11s} {'target':>16s}"
        )
        for key, record in memory.items():
            if "error" in record:
                print(f"{key:42s} failed: {record['error']}")
                continue
            extra = (record["rss_peak"] - record["rss_before"]) / 1e6
            ratio = record["peak_over_input"]
            status = verdict(ratio, TARGETS["memory"])
            print(
                f"{key:42s} {record['input_bytes'] / 1e6:10.1f} {extra:10.1f} {ratio:10.2f}x"
                f" {'<= 1.5x: ' + status:>16s}"
            )


def profile(size: int, names: list[str]) -> None:
    """cProfile of ``analyse`` without and with the factors, top functions by cumulative time."""
    import cProfile
    import pstats

    rows = make_rows(size)
    for name in names:
        eng = engine(name, rows)
        analyse_call(eng.frame, True)()
        for justified in (False, True):
            print(f"--- {name}, {size:,} rows, justified factors: {justified}")
            profiler = cProfile.Profile()
            profiler.runcall(analyse_call(eng.frame, justified))
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--cells", type=int, default=10_000)
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--skip-cells", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile analyse instead")
    parser.add_argument("--memory-case", help=argparse.SUPPRESS)
    return parser.parse_args()


def engine_names(option: str) -> list[str]:
    names: list[str] = []
    for name in option.split(","):
        names += ["pandas-category", "pandas-string"] if name == "pandas" else [name]
    unknown = sorted(set(names) - set(ENGINES))
    if unknown:
        raise SystemExit(f"unknown engines {unknown}; choose from {ENGINES} or pandas")
    return names


def main() -> None:
    arguments = parse()
    if arguments.memory_case:
        memory_case(arguments.rows, arguments.memory_case)
        return
    names = engine_names(arguments.engines)
    if arguments.profile:
        profile(arguments.rows, names)
        return
    started = time.perf_counter()
    rows = make_rows(arguments.rows)
    results: dict[str, Any] = {
        "rows": arguments.rows,
        "repeat": arguments.repeat,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "measures": [m.name for m in MEASURES],
    }
    print("engines ...", flush=True)
    results["engines"] = engine_timings(names, rows, arguments.repeat)
    print("fixed cost ...", flush=True)
    results["fixed_cost"] = fixed_costs(names, arguments.repeat)
    print("GLM ...", flush=True)
    results["glm"] = glm_timing(rows, min(arguments.repeat, SLOW_REPEAT))
    if not arguments.skip_peers:
        print("peers ...", flush=True)
        results["fairlearn"] = fairlearn_timing(rows, min(arguments.repeat, SLOW_REPEAT))
        results["aequitas"] = aequitas_timing(rows, arguments.repeat)
    if not arguments.skip_cells:
        print(f"{arguments.cells:,} cells ...", flush=True)
        results["cells"] = many_cells_timing(arguments.cells)
    if not arguments.skip_memory:
        print("memory ...", flush=True)
        del rows
        gc.collect()
        results["memory"] = memory_timings(names, arguments.rows)
    results["total_seconds"] = time.perf_counter() - started
    print_table(results)
    print(f"\ntotal: {results['total_seconds']:.0f} s")
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
