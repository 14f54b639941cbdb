"""Regenerate the committed sample data: ``python -m genderbudget.datasets [directory]``.

Writes every file of ``sample_data/`` (by default the folder ``sample_data`` under the current
directory, so run it from the repository root) and prints each file written.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from genderbudget.datasets._sample_data import write_sample_data


def main(argv: Sequence[str] | None = None) -> int:
    """Write the sample-data files and print their paths; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m genderbudget.datasets",
        description="Regenerate the synthetic sample data (CSV, manifest.json, README.md).",
    )
    parser.add_argument(
        "directory",
        nargs="?",
        default="sample_data",
        type=Path,
        help="folder to write to (default: sample_data)",
    )
    args = parser.parse_args(argv)
    for path in write_sample_data(args.directory):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
