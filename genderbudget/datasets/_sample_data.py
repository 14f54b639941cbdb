"""The committed sample-data files: CSV text, ``manifest.json`` and ``README.md``.

``python -m genderbudget.datasets`` writes them with :func:`write_sample_data`, and the tests
check that the committed files equal what these functions produce, byte for byte. To add a
dataset, add its file name, generator and manifest entry to :data:`DATASETS`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final, NamedTuple

import pandas as pd

from genderbudget.datasets import _kriminalvarden, _pensionsmyndigheten, _sis

__all__ = [
    "DATASETS",
    "csv_text",
    "manifest_text",
    "readme_text",
    "sample_file",
    "write_sample_data",
]


class SampleDataset(NamedTuple):
    """One committed dataset: its file, how to generate it and how to describe it."""

    file: str
    generate: Callable[[], pd.DataFrame]
    describe: Callable[[pd.DataFrame], dict[str, object]]


DATASETS: Final[tuple[SampleDataset, ...]] = (
    SampleDataset(
        file="kriminalvarden.csv",
        generate=_kriminalvarden.load_kriminalvarden,
        describe=_kriminalvarden.manifest_entry,
    ),
    SampleDataset(
        file="pensionsmyndigheten_kostnader.csv",
        generate=_pensionsmyndigheten.load_pension_costs,
        describe=_pensionsmyndigheten.costs_manifest_entry,
    ),
    SampleDataset(
        file="pensionsmyndigheten_volymer.csv",
        generate=_pensionsmyndigheten.load_pension_drivers,
        describe=_pensionsmyndigheten.drivers_manifest_entry,
    ),
    SampleDataset(
        file="sis.csv",
        generate=_sis.load_sis,
        describe=_sis.manifest_entry,
    ),
)
"""Datasets written to ``sample_data/``, in manifest order."""

MANIFEST_FILE: Final[str] = "manifest.json"
README_FILE: Final[str] = "README.md"

_MANIFEST_DESCRIPTION: Final[dict[str, str]] = {
    "sv": (
        "Exempeldata för genderbudget. Alla datamängder här är syntetiska: de är dragna ur "
        "modeller som är kalibrerade mot offentliga siffror och är inte någon myndighets "
        "verkliga data. Skapa om filerna med: python -m genderbudget.datasets"
    ),
    "en": (
        "Sample data for genderbudget. Every dataset here is synthetic: drawn from models "
        "calibrated to public figures, they are not any agency's real data. Regenerate the "
        "files with: python -m genderbudget.datasets"
    ),
}

_README: Final[str] = """\
# Exempeldata / Sample data

## Svenska

**Syntetiska data.** Filerna i den här mappen är syntetiska. De är dragna ur en modell som är
kalibrerad mot offentliga siffror och är inte Kriminalvårdens, SiS, Pensionsmyndighetens
eller någon annan myndighets verkliga data. Ingen rad är en verklig person och inget
anstalts-, hem- eller avdelnings-id är en verklig anstalt eller ett verkligt hem.

| Fil | Innehåll |
|---|---|
{files_sv}

Filerna skapas av generatorerna i `genderbudget.datasets`. Skapa om dem från förrådets rot med

```
python -m genderbudget.datasets
```

Ett test kontrollerar att de sparade filerna är byte för byte lika med det generatorerna ger.
Ett installerat paket har inte den här mappen; där ger `load_*`-funktionerna i
`genderbudget.datasets` samma data.

## English

**Synthetic data.** The files in this folder are synthetic. They are drawn from a model
calibrated to public figures and are not the real data of Kriminalvården, SiS,
Pensionsmyndigheten or any other agency. No row is a real person and no prison, home or unit
id is a real prison or home.

| File | Contents |
|---|---|
{files_en}

The files are made by the generators in `genderbudget.datasets`. Regenerate them from the
repository root with

```
python -m genderbudget.datasets
```

A test checks that the committed files equal what the generators produce, byte for byte. An
installed package does not have this folder; there the `load_*` functions of
`genderbudget.datasets` give the same data.
"""


_README_OTHER_FILES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "sv": (
        (
            MANIFEST_FILE,
            "Beskrivning av varje datamängd: kolumner, frö, antal rader, källorna till "
            "kalibreringen och modellens parametrar.",
        ),
        (README_FILE, "Den här filen."),
    ),
    "en": (
        (
            MANIFEST_FILE,
            "Description of each dataset: columns, seed, number of rows, the calibration "
            "sources and the model's parameters.",
        ),
        (README_FILE, "This file."),
    ),
}


def csv_text(data: pd.DataFrame) -> str:
    """Render a dataset as committed: UTF-8 text, comma-separated, one line per row.

    Missing values become empty fields; integer columns stay integers.
    """
    return data.to_csv(index=False, lineterminator="\n")


def manifest_text(entries: Sequence[dict[str, object]]) -> str:
    """Render ``manifest.json`` from the datasets' entries, with a trailing newline."""
    manifest = {"description": _MANIFEST_DESCRIPTION, "datasets": list(entries)}
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def readme_text(entries: Sequence[dict[str, object]]) -> str:
    """Render ``README.md`` (Swedish first, then English) from the datasets' entries."""
    rows: dict[str, list[str]] = {"sv": [], "en": []}
    for entry in entries:
        title = entry["title"]
        if not isinstance(title, dict):
            raise TypeError(f"manifest entry {entry['name']!r} has no title per language")
        n_rows = entry["n_rows"]
        for lang, rows_word in (("sv", "rader"), ("en", "rows")):
            count = f"{n_rows:,}".replace(",", " " if lang == "sv" else ",")
            rows[lang].append(f"| `{entry['file']}` | {title[lang]} ({count} {rows_word}). |")
    for lang, other_files in _README_OTHER_FILES.items():
        rows[lang].extend(f"| `{name}` | {text} |" for name, text in other_files)
    return _README.format(files_sv="\n".join(rows["sv"]), files_en="\n".join(rows["en"]))


def sample_files() -> dict[str, str]:
    """Text of every committed file in ``sample_data/``, by file name, in writing order."""
    texts: dict[str, str] = {}
    entries = []
    for dataset in DATASETS:
        data = dataset.generate()
        texts[dataset.file] = csv_text(data)
        entries.append(dataset.describe(data))
    texts[MANIFEST_FILE] = manifest_text(entries)
    texts[README_FILE] = readme_text(entries)
    return texts


def write_sample_data(directory: Path) -> list[Path]:
    """Write every sample-data file into ``directory`` (created if missing).

    Parameters
    ----------
    directory : pathlib.Path
        Folder to write to, normally the repository's ``sample_data``.

    Returns
    -------
    list of pathlib.Path
        The files written, in order.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sample_files().items():
        path = directory / name
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written


REPOSITORY_SAMPLE_DATA: Final[Path] = Path(__file__).resolve().parents[2] / "sample_data"
"""Where the committed files are when the package runs from the repository."""

UNKNOWN_SAMPLE_FILE = "Unknown sample-data file {name!r}; the files are {files}."
NO_FOLDER = (
    "The sample-data file {name!r} is not on this machine (an installed package has no "
    "sample_data folder): give folder='...' to write it there, or load the data with "
    "genderbudget.datasets.{loader}()."
)


def sample_file(name: str, folder: str | os.PathLike[str] | None = None) -> Path:
    """Return the path of a committed sample-data CSV file, writing it when it is not there.

    Parameters
    ----------
    name : str
        The file's name in ``sample_data/``, e.g. ``"kriminalvarden.csv"``.
    folder : str or path-like, optional
        Where to write the file when the package does not run from the repository (an
        installed package has no ``sample_data`` folder). The file written is byte for byte
        the committed one. Not needed in the repository.

    Returns
    -------
    pathlib.Path
        The repository's ``sample_data/<name>`` when it exists, else ``folder/<name>``.

    Raises
    ------
    ValueError
        ``name`` is not one of the sample-data CSV files, or the file is not on this machine
        and no ``folder`` is given.

    Examples
    --------
    >>> import genderbudget as gb
    >>> gb.datasets.sample_file("kriminalvarden.csv").name
    'kriminalvarden.csv'
    """
    return find_sample_file(name, folder, REPOSITORY_SAMPLE_DATA)


def find_sample_file(name: str, folder: str | os.PathLike[str] | None, committed: Path) -> Path:
    """Return ``committed/<name>`` if it exists, else write the file into ``folder``."""
    datasets = {dataset.file: dataset for dataset in DATASETS}
    if name not in datasets:
        raise ValueError(UNKNOWN_SAMPLE_FILE.format(name=name, files=", ".join(datasets)))
    if (committed / name).is_file():
        return committed / name
    if folder is None:
        raise ValueError(NO_FOLDER.format(name=name, loader=datasets[name].generate.__name__))
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_text(datasets[name].generate()).encode("utf-8"))
    return path
