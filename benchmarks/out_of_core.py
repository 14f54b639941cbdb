"""``analyse`` over Parquet files larger than memory, through DuckDB and polars.

Writes seeded, agency-shaped rows (the columns of ``run.py``: sex with about 1 % missing,
20 units, 6 years, a 0/1 outcome, a cost, care days, a security class and a sentence band)
as partitioned Parquet files, generated inside DuckDB from ``range(n)`` with a hash of
``8 * row + column`` per column (independent columns, no Python rows), then times each case
in a fresh subprocess that reports its own peak resident set size
(``getrusage(RUSAGE_SELF).ru_maxrss``):

- ``duckdb-floor``: a bare DuckDB group-by over the files (sex x year x unit);
- ``duckdb``: ``analyse`` with a rate, a mean and a count by year x unit on
  ``duckdb.sql("select * from read_parquet('dir/*.parquet')")``, with ``memory_limit`` and
  ``temp_directory`` set;
- ``duckdb-justified``: the same with the two justified factors;
- ``polars-floor``, ``polars``, ``polars-justified``: the same on ``pl.scan_parquet``, the
  floor collected with the streaming engine.

``--gib`` is the size of the data in memory (the Arrow size of the same rows in a polars
frame, measured on a sample); the size on disk is printed too (Parquet compresses).

Run: ``.venv/bin/python benchmarks/out_of_core.py --gib 1 [--dir DIR] [--keep]
[--memory-limit 4GB] [--cases duckdb-floor,duckdb,...]``. Without ``--dir`` the files go to a
temporary folder; they are removed afterwards unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

GIB = 1024**3
CASES = ["duckdb-floor", "duckdb", "duckdb-justified", "polars-floor", "polars", "polars-justified"]

ROWS_SQL = """
select
    case when h_sex < 10 then null when h_sex < 310 then 'K' else 'M' end as kon,
    (hash(i * 8 + 2) % 20)::bigint as enhet,
    (2019 + hash(i * 8 + 3) % 6)::bigint as ar,
    (case when h_klass < 300 then 1 when h_klass < 800 then 2 else 3 end)::bigint as klass,
    chr((97 + hash(i * 8 + 5) % 4)::integer) as band,
    (hash(i * 8 + 6) % 1000 < 450 - 100 * (h_sex >= 10 and h_sex < 310)::integer
        + 100 * (h_klass >= 800)::integer - 120 * (h_klass < 300)::integer)::tinyint
        as arbetsdrift,
    days * (500.0 + (hash(i * 8 + 7) % 3000)::double) as kostnad,
    days as varddygn
from (
    select i, hash(i * 8 + 1) % 1000 as h_sex, hash(i * 8 + 4) % 1000 as h_klass,
        (1 + hash(i * 8 + 8) % 365)::bigint as days
    from range({rows}) t(i)
)
"""


def bytes_per_row() -> float:
    """Arrow size per row of the generated columns, on a sample of one million rows."""
    import duckdb

    sample = duckdb.sql(ROWS_SQL.format(rows=1_000_000)).pl()
    return sample.estimated_size() / sample.height


def write_files(folder: Path, rows: int, threads: int) -> float:
    """Write ``rows`` rows as Parquet files into ``folder`` (one or more per thread)."""
    import duckdb

    connection = duckdb.connect()
    connection.execute(f"set threads = {threads}")
    connection.execute("set enable_progress_bar = false")
    connection.execute(f"set temp_directory = '{folder.parent / 'duckdb_spill'}'")
    start = time.perf_counter()
    connection.execute(
        f"copy ({ROWS_SQL.format(rows=rows)}) to '{folder}' "
        "(format parquet, per_thread_output true, row_group_size 1000000, "
        "file_size_bytes '512MB')"
    )
    return time.perf_counter() - start


def run_case(case: str, folder: Path, memory_limit: str, spill: Path) -> dict[str, Any]:
    """One case in this process: seconds and this process's peak resident set size."""
    import genderbudget as gb

    measures = [gb.rate("arbetsdrift"), gb.mean("kostnad"), gb.count()]
    justified = ["klass", "band"] if case.endswith("justified") else []
    pattern = str(folder / "*.parquet")
    start = time.perf_counter()
    if case.startswith("duckdb"):
        import duckdb

        duckdb.execute(f"set memory_limit = '{memory_limit}'")
        duckdb.execute(f"set temp_directory = '{spill}'")
        relation = duckdb.sql(f"select * from read_parquet('{pattern}')")
        if case == "duckdb-floor":
            query = (
                "select kon, ar, enhet, count(*), sum(arbetsdrift), sum(kostnad), "
                f"sum(kostnad * kostnad) from read_parquet('{pattern}') group by all"
            )
            cells = len(duckdb.sql(query).fetchall())
        else:
            result = gb.analyse(
                relation, measures, sex="kon", by=["ar", "enhet"], justified=justified
            )
            cells = len(result.comparisons)
    else:
        import polars as pl

        lazy = pl.scan_parquet(pattern)
        if case == "polars-floor":
            grouped = lazy.group_by(["kon", "ar", "enhet"]).agg(
                pl.len(),
                pl.col("arbetsdrift").sum(),
                pl.col("kostnad").sum(),
                (pl.col("kostnad") ** 2).sum().alias("kostnad_sq"),
            )
            cells = grouped.collect(engine="streaming").height
        else:
            result = gb.analyse(lazy, measures, sex="kon", by=["ar", "enhet"], justified=justified)
            cells = len(result.comparisons)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return {"case": case, "seconds": seconds, "peak_rss": peak, "rows_out": cells}


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.parquet"))


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=1.0, help="size of the data in memory")
    parser.add_argument("--dir", type=Path, help="where to write the files (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the files afterwards")
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB's memory_limit")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads when writing")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--run-case", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    arguments = parse()
    if arguments.run_case:
        spill = arguments.dir.parent / "duckdb_spill"
        print(
            json.dumps(run_case(arguments.run_case, arguments.dir, arguments.memory_limit, spill))
        )
        return
    cases = arguments.cases.split(",")
    unknown = sorted(set(cases) - set(CASES))
    if unknown:
        raise SystemExit(f"unknown cases {unknown}; choose from {CASES}")
    base = Path(tempfile.mkdtemp(prefix="genderbudget_ooc_", dir=arguments.dir))
    folder = base / "rows"
    try:
        width = bytes_per_row()
        rows = int(arguments.gib * GIB / width)
        print(f"{rows:,} rows, {width:.1f} bytes per row in memory ({arguments.gib} GiB)")
        written = write_files(folder, rows, arguments.threads)
        on_disk = folder_size(folder)
        files = len(list(folder.glob("*.parquet")))
        print(f"written in {written:.0f} s: {files} files, {on_disk / GIB:.2f} GiB on disk")
        results: dict[str, Any] = {
            "gib_in_memory": arguments.gib,
            "rows": rows,
            "bytes_per_row": width,
            "gib_on_disk": on_disk / GIB,
            "write_seconds": written,
            "memory_limit": arguments.memory_limit,
            "cases": [],
        }
        print(f"{'case':18s} {'seconds':>9s} {'peak RSS GiB':>13s} {'rows out':>9s}")
        for case in cases:
            command = [sys.executable, __file__, "--run-case", case, "--dir", str(folder)]
            command += ["--memory-limit", arguments.memory_limit]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                error = (done.stderr.strip().splitlines() or ["killed"])[-1]
                print(f"{case:18s} failed ({done.returncode}): {error}", flush=True)
                results["cases"].append({"case": case, "error": error})
                continue
            record = json.loads(done.stdout.strip().splitlines()[-1])
            results["cases"].append(record)
            print(
                f"{case:18s} {record['seconds']:9.1f} {record['peak_rss'] / GIB:13.2f}"
                f" {record['rows_out']:9d}",
                flush=True,
            )
        if arguments.json:
            arguments.json.write_text(json.dumps(results, indent=2) + "\n")
    finally:
        if arguments.keep:
            print(f"files kept in {folder}")
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
