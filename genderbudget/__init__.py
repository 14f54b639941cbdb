"""genderbudget: gender budgeting (jämställdhetsbudgetering) for Swedish agencies.

The one flow::

    input table  ->  sex coded, columns checked, exclusions counted
                 ->  one group-by to sufficient statistics per sex x breakdown cell
                 ->  per-sex estimates with intervals, women-vs-men comparisons
                 ->  gaps adjusted for justified factors, flags, plain-language texts
                 ->  tidy tables (``Result``)
                 ->  words and number formats from one language file (``texts.json``):
                     explanations, flag, method and note labels, Swedish or English
                     numbers, display tables (``table``, ``formatted``)
                 ->  charts: Result.plot(kind=...) and plot_follow_up, plot_allocation,
                     plot_decomposition, in one colour pair for women and men
                 ->  files: Result.to_excel, to_html, to_csv and report (several
                     results in one HTML page and one workbook), with provenance
                 ->  indicator sets as a TOML settings file (run_config) and the
                     ``genderbudget`` command line (run, analyse, demo, notebook)
                 ->  the template notebook for own data: run_template (papermill)

An agency's own file comes in through ``read_table`` (CSV, Excel, Parquet, DuckDB), which
returns the frame and a report of what it detected and converted.

Only the group-by touches the user's dataframe engine (through narwhals); everything after
it works on a small pandas table, so pandas, polars and DuckDB input, and micro data and
pre-aggregated counts, give the same numbers.
"""

from typing import Any

from genderbudget import datasets
from genderbudget._allocate import Allocation, allocate
from genderbudget._analyse import analyse
from genderbudget._config import ConfigError, ConfigRun, run_config
from genderbudget._decompose import decompose_cost, oaxaca
from genderbudget._equalize import equalize
from genderbudget._flags import FlagRule
from genderbudget._follow_up import follow_up
from genderbudget._format import format_amount, format_number, format_percent, format_points
from genderbudget._measures import Measure, count, mean, per_need, rate, ratio, total
from genderbudget._notebook import run_template
from genderbudget._notes import note_label, word_notes
from genderbudget._phase_in import phase_in
from genderbudget._read import Reading, ReadReport, read_table
from genderbudget._report import report
from genderbudget._result import Result
from genderbudget._sex import normalize_sex, sex_from_personnummer
from genderbudget._suppress import Publication, suppress
from genderbudget._table import formatted, table
from genderbudget._texts import method_label

__all__ = [
    "Allocation",
    "ConfigError",
    "ConfigRun",
    "FlagRule",
    "Measure",
    "Publication",
    "ReadReport",
    "Reading",
    "Result",
    "allocate",
    "analyse",
    "count",
    "datasets",
    "decompose_cost",
    "equalize",
    "follow_up",
    "format_amount",
    "format_number",
    "format_percent",
    "format_points",
    "formatted",
    "mean",
    "method_label",
    "normalize_sex",
    "note_label",
    "oaxaca",
    "per_need",
    "phase_in",
    "plot_allocation",
    "plot_decomposition",
    "plot_follow_up",
    "rate",
    "ratio",
    "read_table",
    "report",
    "run_config",
    "run_template",
    "sex_from_personnummer",
    "suppress",
    "table",
    "total",
    "word_notes",
]

__version__ = "0.1.0"

_CHARTS = ("plot_allocation", "plot_decomposition", "plot_follow_up")


def __getattr__(name: str) -> Any:
    """Import the chart functions (and matplotlib) only when one is asked for."""
    if name in _CHARTS:
        from genderbudget import _plot

        return getattr(_plot, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_CHARTS})
