"""Seeded generators of SYNTHETIC sample data for the examples and notebooks.

The data are synthetic: drawn from models calibrated to public figures, they are not any
agency's data. Each generator takes a seed and returns a pandas DataFrame; a ``load_*``
function returns the data for the default seed without needing the repository's
``sample_data`` folder. ``python -m genderbudget.datasets`` rewrites the committed files in
``sample_data/`` (the CSV files, ``manifest.json`` and ``README.md``).

- :func:`load_kriminalvarden`: persons in prison 2016–2021 (cost per care-day, work
  operations);
- :func:`load_sis`: youths in special youth homes 2018–2022 (needs, staff hours, cost);
- :func:`load_pension_costs`, :func:`load_pension_drivers` (both at once:
  :func:`load_pensionsmyndigheten`): administration cost per benefit and volume drivers by
  sex 2019–2021;
- :func:`sample_file`: the path of a committed CSV file of ``sample_data/`` (written to a
  folder of your choice by an installed package, which has no such folder), for examples
  that read a file.

Examples
--------
>>> import genderbudget as gb
>>> {name: len(load()) for name, load in [
...     ("kriminalvarden", gb.datasets.load_kriminalvarden),
...     ("sis", gb.datasets.load_sis),
...     ("pension_costs", gb.datasets.load_pension_costs),
...     ("pension_drivers", gb.datasets.load_pension_drivers),
... ]}
{'kriminalvarden': 27207, 'sis': 5125, 'pension_costs': 24, 'pension_drivers': 36}
"""

from genderbudget.datasets._kriminalvarden import generate_kriminalvarden, load_kriminalvarden
from genderbudget.datasets._pensionsmyndigheten import (
    PensionData,
    generate_pensionsmyndigheten,
    load_pension_costs,
    load_pension_drivers,
    load_pensionsmyndigheten,
)
from genderbudget.datasets._sample_data import sample_file
from genderbudget.datasets._sis import generate_sis, load_sis

__all__ = [
    "PensionData",
    "generate_kriminalvarden",
    "generate_pensionsmyndigheten",
    "generate_sis",
    "load_kriminalvarden",
    "load_pension_costs",
    "load_pension_drivers",
    "load_pensionsmyndigheten",
    "load_sis",
    "sample_file",
]
