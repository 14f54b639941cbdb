"""Seeded generators of SYNTHETIC sample data for the examples and notebooks.

The data are synthetic: drawn from models calibrated to public figures, they are not any
agency's data. Each generator takes a seed and returns a pandas DataFrame; a ``load_*``
function returns the data for the default seed without needing the repository's
``sample_data`` folder. ``python -m genderbudget.datasets`` rewrites the committed files in
``sample_data/`` (the CSV files, ``manifest.json`` and ``README.md``).
"""

from genderbudget.datasets._kriminalvarden import generate_kriminalvarden, load_kriminalvarden
from genderbudget.datasets._pensionsmyndigheten import (
    PensionData,
    generate_pensionsmyndigheten,
    load_pension_costs,
    load_pension_drivers,
)
from genderbudget.datasets._sis import generate_sis, load_sis

__all__ = [
    "PensionData",
    "generate_kriminalvarden",
    "generate_pensionsmyndigheten",
    "generate_sis",
    "load_kriminalvarden",
    "load_pension_costs",
    "load_pension_drivers",
    "load_sis",
]
