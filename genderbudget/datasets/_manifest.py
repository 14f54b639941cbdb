"""One entry of ``sample_data/manifest.json``: the fields every dataset describes alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

__all__ = ["by_year", "describe"]


def by_year(values: Mapping[int, object], years: Sequence[int]) -> dict[str, object]:
    """Return a parameter per year with the years as JSON keys (strings), in year order."""
    return {str(year): values[year] for year in years}


def describe(
    data: pd.DataFrame,
    *,
    name: str,
    title: Mapping[str, str],
    synthetic_note: Mapping[str, str],
    generator: str,
    loader: str,
    seed: int,
    row: Mapping[str, str],
    columns: Mapping[str, tuple[str, str, str]],
    sources: Sequence[tuple[str, str, str]],
    missing: str = "none",
    assumptions: Sequence[str] = (),
    parameters: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """Build a dataset's manifest entry with a fixed key order.

    Parameters
    ----------
    data : pandas.DataFrame
        The generated frame (for the row count).
    name : str
        Dataset name; the file is ``<name>.csv``.
    title, synthetic_note, row : mapping of str to str
        Swedish (``"sv"``) and English (``"en"``) texts.
    generator, loader : str
        Names of the functions in :mod:`genderbudget.datasets`.
    seed : int
        The seed the frame was generated with.
    columns : mapping of str to (type, Swedish, English)
        Every column, in order.
    sources : sequence of (fact, source, url)
        The public figures the data are calibrated to.
    missing : str, default "none"
        How missing values appear in the CSV.
    assumptions : sequence of str, optional
        The main assumptions, listed when given.
    parameters : mapping, optional
        The model's parameters, JSON-ready.

    Returns
    -------
    dict
        A JSON-ready mapping.
    """
    entry: dict[str, object] = {
        "name": name,
        "file": f"{name}.csv",
        "title": dict(title),
        "synthetic": True,
        "syntetisk": dict(synthetic_note),
        "generator": f"genderbudget.datasets.{generator}",
        "loader": f"genderbudget.datasets.{loader}",
        "seed": seed,
        "n_rows": len(data),
        "row": dict(row),
        "format": {
            "encoding": "UTF-8",
            "delimiter": ",",
            "header": True,
            "line_terminator": "LF",
            "missing": missing,
        },
        "columns": [
            {"name": column, "type": kind, "description": {"sv": sv, "en": en}}
            for column, (kind, sv, en) in columns.items()
        ],
    }
    if assumptions:
        entry["assumptions"] = list(assumptions)
    entry["calibration_sources"] = [
        {"fact": fact, "source": source, "url": url} for fact, source, url in sources
    ]
    if parameters is not None:
        entry["parameters"] = dict(parameters)
    return entry
