"""Charts of the library's results, Swedish by default, English with ``lang="en"``.

One standard chart per kind of result, drawn with matplotlib under a seaborn style that is
set only while a chart is drawn (never globally):

- :meth:`genderbudget.Result.plot` (``kind=``): ``"estimates"`` (each sex's estimate with its
  interval per breakdown cell, a dumbbell), ``"gaps"`` (the difference women − men with
  its interval, a forest plot coloured by flag, raw and adjusted), ``"representation"``
  (each sex's share of the persons next to its share of the resource) and ``"quadrant"``
  (a resource measure against an access measure, one point per unit and sex);
- :func:`plot_follow_up`: the gap year by year against its target and tolerance band;
- :func:`plot_allocation`: allocated cost by driver and sex (:class:`Allocation`);
- :func:`plot_decomposition`: the parts of a gap (:func:`genderbudget.oaxaca`,
  :func:`genderbudget.decompose_cost`).

Every chart follows the same rules. Women and men always have the colours of
:data:`SEX_COLOURS` (unknown sex a neutral grey). Labels, legends and titles come from the
``charts`` section of ``texts.json``, numbers on the axes from :mod:`genderbudget._format`
(decimal comma in Swedish). Years on an axis are whole numbers. Axes of shares, levels and
amounts start at 0. The title states the finding and is generated from the numbers (the
flags and directions of the comparisons). A caption names the source and says when the data
are synthetic (``source=``, ``synthetic=``). Every function returns the matplotlib
``Figure`` and ``Axes``; the figure is not registered with pyplot, so nothing is shown and
no figure state is left behind (in a notebook the returned figure displays itself).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.ticker import Formatter

from genderbudget._format import amount_decimals, format_number, format_percent
from genderbudget._measures import Measure
from genderbudget._options import check_choice, quoted
from genderbudget._texts import FLAGS, LANGS, PERSONS, Lang, Persons, flag_label, language

if TYPE_CHECKING:
    from genderbudget._allocate import Allocation
    from genderbudget._result import Result

__all__ = [
    "FLAG_COLOURS",
    "MEN_COLOUR",
    "SEX_COLOURS",
    "UNKNOWN_COLOUR",
    "WOMEN_COLOUR",
    "ChartKind",
    "plot_allocation",
    "plot_decomposition",
    "plot_follow_up",
    "plot_result",
]

ChartKind = Literal["estimates", "gaps", "representation", "quadrant"]
CHART_KINDS: tuple[str, ...] = get_args(ChartKind)

# Okabe & Ito (2008), "Color universal design": orange for women, blue for men. The pair
# differs in hue and in lightness (a light warm colour against a dark cool one), so it stays
# apart for every common colour-vision deficiency (protan, deutan, tritan) and in greyscale,
# and it avoids the pink-and-blue convention.
WOMEN_COLOUR = "#E69F00"
MEN_COLOUR = "#0072B2"
UNKNOWN_COLOUR = "#999999"
SEX_COLOURS: Mapping[str, str] = MappingProxyType(
    {"women": WOMEN_COLOUR, "men": MEN_COLOUR, "unknown": UNKNOWN_COLOUR}
)
SEX_ORDER: tuple[str, ...] = ("women", "men", "unknown")
# The flags in the other Okabe-Ito colours (not the sexes' own), each with its own marker so
# that colour is never the only cue.
FLAG_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "unexplained_gap": "#CC79A7",
        "explained_gap": "#009E73",
        "no_gap": "#000000",
        "insufficient_data": "#999999",
        "not_assessed": "#999999",
    }
)
FLAG_MARKERS: Mapping[str, str] = MappingProxyType(
    {
        "unexplained_gap": "D",
        "explained_gap": "s",
        "no_gap": "o",
        "insufficient_data": "v",
        "not_assessed": "x",
    }
)
COMPONENT_COLOURS: Mapping[str, str] = MappingProxyType(
    {"gap": "#555555", "explained": "#009E73", "unexplained": "#CC79A7"}
)
NEUTRAL = "#555555"
LIGHT = "#BBBBBB"

FIGURE_SIZE = (8.0, 4.8)
DPI = 72
TITLE_WIDTH = 72
# The bundled font of matplotlib, so a chart looks the same on every machine.
STYLE: Mapping[str, Any] = MappingProxyType(
    {
        "font.family": "DejaVu Sans",
        "font.size": 10.0,
        "axes.titlesize": 11.0,
        "axes.labelsize": 10.0,
        "legend.fontsize": 9.0,
        "xtick.labelsize": 9.0,
        "ytick.labelsize": 9.0,
        "axes.unicode_minus": True,
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
    }
)

UNKNOWN_KIND = "kind={value!r} is not allowed. Allowed values: {allowed}."
ONE_MEASURE = (
    "The {what} holds several measures ({names}); say which to plot with measure=, e.g. "
    "measure={first!r}."
)
ONE_MEASURE_ONLY = (
    "kind={kind!r} draws one measure; give its name or the Measure as measure=, got "
    "{value!r} (only kind='quadrant' takes a pair)."
)
NOT_IN_TABLE = "The {what} has no measure {name!r}; its measures are {names}."
QUADRANT_MEASURES = (
    "kind='quadrant' needs measure=(resource, access): two measures of the result, e.g. "
    "measure=({resource!r}, {access!r}); got {value!r}."
)
QUADRANT_UNITS = (
    "kind='quadrant' plots one point per unit and sex, so the result needs the units as a "
    "breakdown (by=...); it has no breakdown. Analyse again with by='<unit column>'."
)
QUADRANT_NO_DEFAULT = (
    "kind='quadrant' found no {which} measure in the result (measures: {names}); pass "
    "measure=(resource, access)."
)
BAD_WHERE_KEY = (
    "where= names {keys}, which {are} not a breakdown of the {what}; its breakdowns are "
    "{by}. Select cells by breakdown values, e.g. where={{{example}}}."
)
EMPTY_WHERE = (
    "where={where!r} leaves no rows of the {what} to plot (0 of {rows} rows). Choose values "
    "that occur, e.g. {example}."
)
SEVERAL_SERIES = (
    "The {what} holds {count} series (columns {columns}: {series}); a chart shows one. "
    "Select one with where=, e.g. where={example}."
)
MISSING_COLUMNS = (
    "{function}() needs a table with the columns {missing} (the table of {source}); the "
    "table given has {present}."
)
UNKNOWN_COST_OBJECT = (
    "cost_object={value!r} is not a cost object of the allocation; use 'total' or one of {allowed}."
)
NOTHING_TO_PLOT = (
    "There is nothing to plot for measure {measure!r}{where}: every {what} is missing "
    "({rows} rows). Check the notes of the table for why."
)


# --- style and figure --------------------------------------------------------------------


@contextmanager
def chart_style() -> Iterator[None]:
    """Set the charts' style (seaborn's white grid, DejaVu Sans) only inside the block."""
    with sns.axes_style("whitegrid"), mpl.rc_context(cast(Any, dict(STYLE))):
        yield


def new_figure() -> tuple[Figure, Axes]:
    """Make a figure of the fixed size, not registered with pyplot, with room for a caption."""
    figure = Figure(
        figsize=FIGURE_SIZE,
        dpi=DPI,
        layout=ConstrainedLayoutEngine(rect=(0.0, 0.06, 1.0, 0.94)),
    )
    return figure, figure.add_subplot()


def set_title(axes: Axes, title: str) -> None:
    """Put the finding above the axes, capitalised and wrapped."""
    text = title[:1].upper() + title[1:]
    axes.set_title(textwrap.fill(text, TITLE_WIDTH), loc="left", fontweight="bold")


def set_caption(figure: Figure, parts: Sequence[str]) -> None:
    """Write the caption (source, synthetic data, intervals) at the foot of the figure."""
    shown = [p for p in parts if p]
    if not shown:
        return
    text = textwrap.fill(". ".join(shown) + ".", 110)
    figure.text(0.01, 0.01, text, ha="left", va="bottom", fontsize=8, color=NEUTRAL, gid="caption")


def caption_parts(texts: Mapping[str, Any], source: str | None, synthetic: bool) -> list[str]:
    """Word the source and the synthetic-data notice, in the language of ``texts``."""
    charts = texts["charts"]
    parts = []
    if source:
        parts.append(charts["caption"]["source"].format(source=source))
    if synthetic:
        parts.append(charts["caption"]["synthetic"])
    return parts


class NumberFormatter(Formatter):
    """Tick labels in the language's number format, ``value * scale``, decimals as needed."""

    def __init__(self, lang: Lang, scale: float = 1.0) -> None:
        self.lang = lang
        self.scale = scale

    def __call__(self, x: float, pos: int | None = None) -> str:
        value = x * self.scale
        return format_number(value, lang=self.lang, decimals=amount_decimals([value]))

    def format_ticks(self, values: Any) -> list[str]:
        """Format all ticks of an axis with the same decimals."""
        scaled = [float(v) * self.scale for v in values]
        decimals = amount_decimals(scaled)
        return [format_number(v, lang=self.lang, decimals=decimals) for v in scaled]


def start_at_zero(axes: Axes, axis: Literal["x", "y"], lowest: float) -> None:
    """Let a level, share or amount axis start at 0 (lower only when a value is negative)."""
    bottom = min(0.0, lowest) if math.isfinite(lowest) else 0.0
    if axis == "x":
        axes.set_xlim(left=bottom)
    else:
        axes.set_ylim(bottom=bottom)


def set_year_ticks(axes: Axes, years: Sequence[Any]) -> None:
    """Put one tick on each year, labelled as a whole number (never 2018.5)."""
    whole = sorted({round(float(y)) for y in years})
    axes.set_xticks(whole, labels=[str(y) for y in whole])
    axes.xaxis.set_minor_locator(mpl.ticker.NullLocator())


# --- words -------------------------------------------------------------------------------


def sex_names(texts: Mapping[str, Any], words: Persons) -> dict[str, str]:
    """Capitalised legend names of the sexes: Kvinnor, Män, Okänt (or Flickor, Pojkar)."""
    persons = texts["persons"][check_choice(words, "words", PERSONS)]
    return {
        "women": persons["women"]["capitalised"],
        "men": persons["men"]["capitalised"],
        "unknown": texts["charts"]["unknown"],
    }


def person_fields(texts: Mapping[str, Any], words: Persons) -> dict[str, str]:
    """Give the words for the sexes that the title templates use."""
    persons = texts["persons"][check_choice(words, "words", PERSONS)]
    return {
        "women_capitalised": persons["women"]["capitalised"],
        "women_plural": persons["women"]["plural"],
        "women_genitive": persons["women"]["genitive"],
        "men_plural": persons["men"]["plural"],
    }


def share_label(label: str, texts: Mapping[str, Any]) -> str:
    """Drop a leading "andel"/"share" from a rate's label ("andel i arbetsdrift")."""
    for prefix in texts["rate_prefixes"]:
        if label.lower().startswith(prefix.lower() + " ") and label[len(prefix) :].strip():
            return label[len(prefix) :].strip()
    return label


def shape_of(measure: Measure | None) -> str:
    """Say how a measure is shown: ``rate`` in percent, ``count``, or an ``amount``."""
    if measure is None:
        return "amount"
    return {"rate": "rate", "count": "count"}.get(measure.kind, "amount")


def measure_noun(measure: Measure | None, name: str, texts: Mapping[str, Any]) -> str:
    """Word the measure as a noun phrase: "andel i arbetsdrift", "kostnad per vårddygn"."""
    label = (measure.label if measure is not None else None) or name
    shape = shape_of(measure)
    noun: str = texts["noun"][shape].format(label=label, share_label=share_label(label, texts))
    return noun


def capitalised(text: str) -> str:
    """Return the text with its first letter in upper case."""
    return text[:1].upper() + text[1:]


# Amounts from ten million up are drawn in millions, so tick labels stay short.
MILLIONS_FROM = 1e7


def measure_scale(
    measure: Measure | None, values: Any, texts: Mapping[str, Any], difference: bool = False
) -> tuple[float, str | None]:
    """Return the factor the values are drawn at and the unit of the axis.

    A rate is drawn in percent (its difference in percentage points); an amount in its
    own unit, or in millions of it when the largest value is ten million or more.
    """
    if shape_of(measure) == "rate":
        return 100.0, texts["charts"]["points"] if difference else "%"
    unit = measure.unit if measure is not None else None
    finite = [abs(float(v)) for v in np.ravel(values) if math.isfinite(float(v))]
    if finite and max(finite) >= MILLIONS_FROM:
        millions: str = texts["charts"]["millions"].format(unit=unit or "").strip()
        return 1e-6, millions
    return 1.0, unit


def with_unit(label: str, unit: str | None, texts: Mapping[str, Any]) -> str:
    """Add the unit to an axis label: "Kostnad per vårddygn (kr)"."""
    if not unit:
        return label
    text: str = texts["charts"]["axis"]["with_unit"].format(label=label, unit=unit)
    return text


def value_axis_label(
    measure: Measure | None, name: str, texts: Mapping[str, Any], unit: str | None
) -> str:
    """Axis label of a level: the measure's noun with the unit of the axis."""
    return with_unit(capitalised(measure_noun(measure, name, texts)), unit, texts)


def difference_label(texts: Mapping[str, Any], words: Persons, unit: str | None) -> str:
    """Label a difference: "Skillnad kvinnor − män (unit)", the unit when there is one."""
    fields = person_fields(texts, words)
    label = capitalised(
        texts["charts"]["axis"]["difference"].format(
            women_plural=fields["women_plural"], men_plural=fields["men_plural"]
        )
    )
    return with_unit(label, unit, texts)


def cell_value(value: Any) -> str:
    """Write a breakdown value as text: whole numbers without decimals (2018, not 2018.0)."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def plain_value(value: Any) -> Any:
    """Return a numpy scalar as the Python value it holds, for messages (2016, not '2016')."""
    return value.item() if isinstance(value, np.generic) else value


def cell_label(record: Mapping[Any, Any], by: Sequence[str]) -> str:
    """Label a breakdown cell: its values joined ("2020 · 12-14")."""
    return " · ".join(cell_value(record[b]) for b in by)


def join_words(items: Sequence[str], texts: Mapping[str, Any]) -> str:
    """Join items as in a sentence: "a, b och c"."""
    if len(items) <= 1:
        return "".join(items)
    words = texts["list"]
    return str(words["separator"]).join(items[:-1]) + str(words["last"]) + items[-1]


def year_runs(years: Sequence[int]) -> list[str]:
    """Consecutive years as ranges: 2016, 2017, 2018, 2020 gives "2016–2018", "2020"."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return [f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]


def is_whole(value: Any) -> bool:
    """Whether a breakdown value is a whole number (a year)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | np.integer):
        return True
    return isinstance(value, float | np.floating) and float(value).is_integer()


def varying_breakdowns(cells: pd.DataFrame, by: Sequence[str]) -> list[str]:
    """Return the breakdowns that take more than one value over ``cells`` (all if none do).

    A breakdown with one value in every cell (an age group chosen with ``where=``) is said
    once in the title instead of in every cell's label.
    """
    varying = [b for b in by if cells[b].nunique(dropna=False) > 1]
    return varying or list(by)


def cells_phrase(frame: pd.DataFrame, by: Sequence[str], texts: Mapping[str, Any]) -> str:
    """Name the breakdown cells of the rows of ``frame`` for a title ("" with no breakdown).

    The values of the breakdowns that vary are listed (years as ranges), and a breakdown
    with one value in all the cells is named once, in its place: "2018–2022 · 12-14", not
    "2018 · 12-14, 2019 · 12-14, ...".
    """
    if not by or frame.empty:
        return ""
    cells = frame[list(by)].drop_duplicates()
    varying = varying_breakdowns(cells, by)
    if len(varying) == 1 and all(is_whole(v) for v in cells[varying[0]]):
        items = year_runs([int(v) for v in cells[varying[0]]])
    else:
        items = [
            cell_label(r, varying) for r in cells[varying].drop_duplicates().to_dict("records")
        ]
    parts = []
    for b in by:
        if b not in varying:
            parts.append(cell_value(cells[b].iloc[0]))
        elif b == varying[0]:
            parts.append(join_words(items, texts))
    phrase: str = texts["charts"]["cells"].format(cells=" · ".join(parts))
    return phrase


# --- selecting rows ----------------------------------------------------------------------


def select_cells(
    frame: pd.DataFrame, by: Sequence[str], where: Mapping[str, Any] | None, what: str
) -> pd.DataFrame:
    """Keep the rows whose breakdown values equal those of ``where``."""
    if not where:
        return frame
    unknown = [k for k in where if k not in by]
    if unknown:
        example = f"{by[0]!r}: ..." if by else "'<breakdown>': ..."
        raise ValueError(
            BAD_WHERE_KEY.format(
                keys=quoted(unknown),
                are="is" if len(unknown) == 1 else "are",
                what=what,
                by=list(by),
                example=example,
            )
        )
    mask = pd.Series(True, index=frame.index)
    for key, value in where.items():
        mask &= frame[key] == value
    if not mask.any():
        values = {k: plain_value(frame[k].iloc[0]) for k in where} if len(frame) else {}
        raise ValueError(
            EMPTY_WHERE.format(where=dict(where), what=what, rows=len(frame), example=values)
        )
    return frame.loc[mask]


def one_series(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Check that the rows form one series (one value of each of ``columns``)."""
    if not columns:
        return
    series = frame[list(columns)].drop_duplicates()
    if len(series) > 1:
        first = series.iloc[0]
        example = {c: plain_value(first[c]) for c in columns}
        shown = "; ".join(cell_label(r, columns) for r in series.head(5).to_dict("records"))
        raise ValueError(
            SEVERAL_SERIES.format(
                what=what, count=len(series), columns=list(columns), series=shown, example=example
            )
        )


def check_columns_present(
    frame: pd.DataFrame, needed: Sequence[str], function: str, source: str
) -> None:
    """Say which columns a table lacks, when it is not the table the chart expects."""
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(
            MISSING_COLUMNS.format(
                function=function,
                missing=quoted(missing),
                source=source,
                present=quoted(str(c) for c in frame.columns),
            )
        )


def pick_measure(names: Sequence[str], measure: Measure | str | None, what: str) -> str:
    """Name the measure to plot: the one asked for, or the table's only one."""
    unique = list(dict.fromkeys(names))
    if measure is None:
        if len(unique) != 1:
            raise ValueError(
                ONE_MEASURE.format(
                    what=what, names=quoted(unique), first=unique[0] if unique else ""
                )
            )
        return unique[0]
    name = measure.name if isinstance(measure, Measure) else measure
    if name not in unique:
        raise ValueError(NOT_IN_TABLE.format(what=what, name=name, names=quoted(unique)))
    return name


# --- the result's charts -----------------------------------------------------------------


def headline_flag(flags: Sequence[str]) -> str:
    """Choose the flag a title reports: the most serious one among the cells."""
    present = set(flags)
    return next((f for f in FLAGS if f in present), "not_assessed")


def finding_title(
    comparisons: pd.DataFrame,
    by: Sequence[str],
    measure: Measure,
    texts: Mapping[str, Any],
    lang: Lang,
    words: Persons,
) -> str:
    """State the finding of a measure's comparisons, from their flags and directions.

    The most serious flag present is reported, for the cells that have it. When those
    cells all differ in one direction the title says who has the higher or lower value
    ("Kvinnor har lägre andel i arbetsdrift än män 2016–2019: skillnad som kan vara
    osaklig"), else only the flag ("Andel i arbetsdrift: ingen tydlig skillnad 2020–2021").
    """
    charts = texts["charts"]
    flag = headline_flag(list(comparisons["flag"]))
    chosen = comparisons.loc[comparisons["flag"] == flag]
    cells = cells_phrase(chosen, by, texts)
    noun = measure_noun(measure, measure.name, texts)
    signs = set(np.sign(chosen["difference"].dropna()))
    if flag in ("unexplained_gap", "explained_gap") and len(signs) == 1 and 0 not in signs:
        fields = person_fields(texts, words)
        comparative = charts["comparative"]["higher" if signs == {1.0} else "lower"]
        title: str = charts["title"]["direction"].format(
            women_capitalised=fields["women_capitalised"],
            men_plural=fields["men_plural"],
            comparative=comparative,
            noun=noun,
            cells=cells,
            flag=flag_label(flag, lang=lang),
        )
        return title
    if flag == "not_assessed" and len(signs) == 1 and 0 not in signs:
        # Counts and totals are recorded in full: their direction is the finding.
        fields = person_fields(texts, words)
        title = charts["title"]["direction_plain"].format(
            women_capitalised=fields["women_capitalised"],
            men_plural=fields["men_plural"],
            comparative=charts["comparative"]["higher" if signs == {1.0} else "lower"],
            noun=noun,
            cells=cells,
        )
        return title
    title = charts["title"]["flag"].format(noun=noun, flag=flag_label(flag, lang=lang), cells=cells)
    return title


def interval_caption(
    comparisons: pd.DataFrame, tests: int, texts: Mapping[str, Any], lang: Lang
) -> str:
    """Say which intervals the bars show: the plain level, or corrected for N comparisons.

    ``tests`` is the number of comparisons of the whole result with a p-value: the
    correction runs over all of them, not only those of the measure drawn.
    """
    charts = texts["charts"]
    corrected = comparisons["corrected_confidence"].dropna()
    if (
        tests > 1
        and len(corrected)
        and not np.allclose(corrected, comparisons["confidence"].iloc[0])
    ):
        number = format_number(tests, lang=lang, decimals=0)
        text: str = charts["caption"]["interval_corrected"].format(tests=number)
        return text
    return estimates_caption(float(comparisons["confidence"].iloc[0]), texts, lang)


def estimates_caption(confidence: float, texts: Mapping[str, Any], lang: Lang) -> str:
    """Say the level of the intervals ("Strecken visar 95 % konfidensintervall")."""
    level = format_number(confidence * 100, lang=lang, decimals=amount_decimals([confidence * 100]))
    text: str = texts["charts"]["caption"]["interval"].format(confidence=level)
    return text


def cell_positions(
    frame: pd.DataFrame, by: Sequence[str]
) -> tuple[dict[tuple[Any, ...], int], list[str]]:
    """Place the rows of the chart, one per breakdown cell, the first cell at the top.

    A cell is labelled by the breakdowns that vary between the rows; one with the same value
    in every row is left out of the labels (the title names it, see :func:`cells_phrase`).
    """
    if not by:
        return {(): 0}, [""]
    cells = frame[list(by)].drop_duplicates()
    keys = [tuple(r) for r in cells.itertuples(index=False)]
    shown = varying_breakdowns(cells, by)
    labels = [cell_label(dict(zip(by, k, strict=True)), shown) for k in keys]
    count = len(keys)
    return {k: count - 1 - i for i, k in enumerate(keys)}, labels[::-1]


def cell_key(record: Mapping[Any, Any], by: Sequence[str]) -> tuple[Any, ...]:
    """Return the breakdown values of a row."""
    return tuple(record[b] for b in by)


def plot_estimates(
    result: Result,
    measure: Measure,
    where: Mapping[str, Any] | None,
    lang: Lang,
    words: Persons,
    caption: list[str],
) -> tuple[Figure, Axes]:
    """Draw each sex's estimate with its interval, one row per breakdown cell (a dumbbell)."""
    texts = language(lang)
    by = list(result.settings.by)
    estimates = result.estimates
    estimates = select_cells(
        estimates.loc[estimates["measure"] == measure.name], by, where, "estimates"
    )
    comparisons = result.comparisons
    comparisons = select_cells(
        comparisons.loc[comparisons["measure"] == measure.name], by, where, "comparisons"
    )
    shown = estimates.loc[np.isfinite(estimates["estimate"].astype(float))]
    if shown.empty:
        raise ValueError(
            NOTHING_TO_PLOT.format(
                measure=measure.name,
                where=f" in {dict(where or {})}",
                what="estimate",
                rows=len(estimates),
            )
        )
    scale, unit = measure_scale(measure, shown[["estimate", "ci_high"]].to_numpy(float), texts)
    positions, labels = cell_positions(estimates, by)
    with_unknown = bool((shown["sex"] == "unknown").any())
    offsets = (
        {"women": 0.25, "men": 0.0, "unknown": -0.25}
        if with_unknown
        else {"women": 0.15, "men": -0.15}
    )
    names = sex_names(texts, words)
    figure, axes = new_figure()
    for record in comparisons.to_dict("records"):
        y = positions[cell_key(record, by)]
        ends = [record["women"] * scale, record["men"] * scale]
        if all(math.isfinite(e) for e in ends):
            axes.plot(
                ends, [y + offsets["women"], y + offsets["men"]], color=LIGHT, linewidth=2, zorder=1
            )
    lowest = math.inf
    for sex in SEX_ORDER:
        part = shown.loc[shown["sex"] == sex]
        if part.empty:
            continue
        ys = [positions[cell_key(r, by)] + offsets[sex] for r in part.to_dict("records")]
        values = part["estimate"].to_numpy(float) * scale
        low = part["ci_low"].to_numpy(float) * scale
        high = part["ci_high"].to_numpy(float) * scale
        spans = np.vstack([values - low, high - values])
        spans = np.where(np.isfinite(spans), spans, 0.0)
        axes.errorbar(
            values,
            ys,
            xerr=spans,
            fmt="o",
            color=SEX_COLOURS[sex],
            ecolor=SEX_COLOURS[sex],
            markersize=7,
            capsize=3,
            label=names[sex],
            zorder=3,
        )
        lowest = min(lowest, float(np.nanmin(np.where(np.isfinite(low), low, values))))
    axes.set_yticks(range(len(labels)), labels=labels)
    axes.set_ylim(-0.6, len(labels) - 0.4)
    axes.xaxis.set_major_formatter(NumberFormatter(lang))
    start_at_zero(axes, "x", lowest)
    axes.set_xlabel(value_axis_label(measure, measure.name, texts, unit))
    axes.grid(axis="y", visible=False)
    axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    set_title(axes, finding_title(comparisons, by, measure, texts, lang, words))
    intervals = bool(np.isfinite(shown["ci_low"].to_numpy(float)).any())
    level = estimates_caption(result.settings.confidence, texts, lang) if intervals else ""
    set_caption(figure, [*caption, level])
    return figure, axes


def interval_columns(frame: pd.DataFrame, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the interval that agrees with the verdict (corrected level), else the plain one."""
    low = frame[f"{prefix}corrected_ci_low"].to_numpy(float)
    high = frame[f"{prefix}corrected_ci_high"].to_numpy(float)
    plain = "difference_" if prefix == "difference_" else "adjusted_"
    fallback_low = frame[f"{plain}ci_low"].to_numpy(float)
    fallback_high = frame[f"{plain}ci_high"].to_numpy(float)
    use = np.isfinite(low) & np.isfinite(high)
    return np.where(use, low, fallback_low), np.where(use, high, fallback_high)


def plot_gaps(
    result: Result,
    measure: Measure,
    where: Mapping[str, Any] | None,
    lang: Lang,
    words: Persons,
    caption: list[str],
) -> tuple[Figure, Axes]:
    """Draw the difference women − men per cell with its interval, coloured by flag (forest)."""
    texts = language(lang)
    charts = texts["charts"]
    by = list(result.settings.by)
    comparisons = result.comparisons
    tests = int(comparisons["p_value"].notna().sum())
    comparisons = select_cells(
        comparisons.loc[comparisons["measure"] == measure.name], by, where, "comparisons"
    )
    scale, unit = measure_scale(
        measure,
        comparisons[["difference", "difference_ci_low", "difference_ci_high"]].to_numpy(float),
        texts,
        difference=True,
    )
    positions, labels = cell_positions(comparisons, by)
    adjusted = comparisons["adjusted_difference"].to_numpy(float)
    has_adjusted = bool(np.isfinite(adjusted).any())
    series = [("difference", "difference_", 0.15 if has_adjusted else 0.0, True)]
    if has_adjusted:
        series.append(("adjusted_difference", "adjusted_", -0.15, False))
    figure, axes = new_figure()
    axes.axvline(0.0, color=NEUTRAL, linewidth=1, zorder=1)
    flags_shown: list[str] = []
    for column, prefix, offset, filled in series:
        low, high = interval_columns(comparisons, prefix)
        for i, record in enumerate(comparisons.to_dict("records")):
            value = float(record[column])
            if not math.isfinite(value):
                continue
            flag = str(record["flag"])
            colour = FLAG_COLOURS[flag]
            y = positions[cell_key(record, by)] + offset
            if math.isfinite(low[i]) and math.isfinite(high[i]):
                axes.plot(
                    [low[i] * scale, high[i] * scale], [y, y], color=colour, linewidth=2, zorder=2
                )
            axes.plot(
                [value * scale],
                [y],
                marker=FLAG_MARKERS[flag],
                markersize=8,
                color=colour,
                markerfacecolor=colour if filled else "white",
                linestyle="none",
                zorder=3,
            )
            if flag not in flags_shown:
                flags_shown.append(flag)
    handles: list[Any] = [
        Line2D(
            [],
            [],
            marker=FLAG_MARKERS[f],
            color=FLAG_COLOURS[f],
            linestyle="none",
            markersize=8,
            label=capitalised(flag_label(f, lang=lang)),
        )
        for f in FLAGS
        if f in flags_shown
    ]
    if has_adjusted:
        handles += [
            Line2D(
                [],
                [],
                marker="o",
                color=NEUTRAL,
                linestyle="none",
                label=capitalised(charts["legend"]["raw"]),
            ),
            Line2D(
                [],
                [],
                marker="o",
                color=NEUTRAL,
                markerfacecolor="white",
                linestyle="none",
                label=capitalised(charts["legend"]["adjusted"]),
            ),
        ]
    axes.set_yticks(range(len(labels)), labels=labels)
    axes.set_ylim(-0.6, len(labels) - 0.4)
    axes.xaxis.set_major_formatter(NumberFormatter(lang))
    axes.set_xlabel(difference_label(texts, words, unit))
    axes.grid(axis="y", visible=False)
    axes.legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    set_title(axes, finding_title(comparisons, by, measure, texts, lang, words))
    drawn = np.isfinite(interval_columns(comparisons, "difference_")[0]).any()
    level = interval_caption(comparisons, tests, texts, lang) if drawn else ""
    set_caption(figure, [*caption, level])
    return figure, axes


def plot_representation(
    result: Result,
    measure: Measure,
    where: Mapping[str, Any] | None,
    lang: Lang,
    words: Persons,
    caption: list[str],
) -> tuple[Figure, Axes]:
    """Draw each sex's share of the persons (light) next to its share of the resource (full)."""
    texts = language(lang)
    charts = texts["charts"]
    by = list(result.settings.by)
    table = result.representation
    table = select_cells(
        table.loc[table["measure"] == measure.name], by, where, "representation table"
    )
    if table.empty:
        raise ValueError(
            NOTHING_TO_PLOT.format(measure=measure.name, where="", what="share", rows=0)
        )
    sexes = [
        s
        for s in SEX_ORDER
        if s != "unknown" or (table.loc[table["sex"] == s, "persons"] > 0).any()
    ]
    names = sex_names(texts, words)
    positions, labels = cell_positions(table, by)
    count = len(labels)
    width = 0.8 / (2 * len(sexes))
    figure, axes = new_figure()
    for j, sex in enumerate(sexes):
        part = table.loc[table["sex"] == sex]
        xs = np.array(
            [count - 1 - positions[cell_key(r, by)] for r in part.to_dict("records")],
            dtype=np.float64,
        )
        base = -0.4 + 2 * j * width + width / 2
        colour = SEX_COLOURS[sex]
        axes.bar(
            xs + base,
            part["persons_share"].to_numpy(float),
            width,
            color=colour,
            alpha=0.35,
            edgecolor=colour,
            hatch="//",
            label=f"{names[sex]}: {charts['legend']['persons_share']}",
        )
        axes.bar(
            xs + base + width,
            part["resource_share"].to_numpy(float),
            width,
            color=colour,
            edgecolor=colour,
            label=f"{names[sex]}: {charts['legend']['resource_share']}",
        )
    axes.set_xticks(range(count), labels=labels[::-1])
    axes.set_xlim(-0.6, count - 0.4)
    axes.yaxis.set_major_formatter(NumberFormatter(lang, 100.0))
    axes.set_ylim(0.0, 1.0)
    axes.set_ylabel(charts["axis"]["with_unit"].format(label=charts["axis"]["share"], unit="%"))
    axes.grid(axis="x", visible=False)
    axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    last = table.loc[table["sex"] == "women"]
    if by:
        key = cell_key(last.iloc[-1].to_dict(), by)
        last = last.loc[[cell_key(r, by) == key for r in last.to_dict("records")]]
    fields = person_fields(texts, words)
    title = charts["title"]["representation"].format(
        women_capitalised=fields["women_capitalised"],
        persons=format_percent(float(last["persons_share"].iloc[0]), lang=lang),
        resource=format_percent(float(last["resource_share"].iloc[0]), lang=lang),
        cells=cells_phrase(last, by, texts),
    )
    set_title(axes, title)
    set_caption(figure, caption)
    return figure, axes


def quadrant_measures(result: Result, measure: Any) -> tuple[Measure, Measure]:
    """Find the resource and the access measure of a quadrant chart."""
    measures = result.settings.measures
    names = quoted(m.name for m in measures)
    if measure is None:
        resource = next((m for m in measures if m.direction == "resource"), None)
        access = next((m for m in measures if m.direction == "higher_is_better"), None)
        if resource is None:
            raise ValueError(QUADRANT_NO_DEFAULT.format(which="resource", names=names))
        if access is None:
            raise ValueError(
                QUADRANT_NO_DEFAULT.format(which="access (higher_is_better)", names=names)
            )
        return resource, access
    if isinstance(measure, str | Measure) or not isinstance(measure, Sequence) or len(measure) != 2:
        first = measures[0].name if measures else "cost"
        last = measures[-1].name if measures else "access"
        raise ValueError(QUADRANT_MEASURES.format(resource=first, access=last, value=measure))
    return result.settings.measure(measure[0]), result.settings.measure(measure[1])


def plot_quadrant(
    result: Result,
    measures: tuple[Measure, Measure],
    where: Mapping[str, Any] | None,
    lang: Lang,
    words: Persons,
    caption: list[str],
) -> tuple[Figure, Axes]:
    """Draw a resource measure (y) against an access measure (x), one point per unit and sex."""
    texts = language(lang)
    charts = texts["charts"]
    by = list(result.settings.by)
    if not by:
        raise ValueError(QUADRANT_UNITS)
    resource, access = measures
    estimates = select_cells(result.estimates, by, where, "estimates")
    wide = estimates.pivot_table(
        index=[*by, "sex"], columns="measure", values="estimate", aggfunc="first", dropna=False
    )
    points = wide[[access.name, resource.name]].dropna().reset_index()
    points = points.loc[points["sex"].isin(["women", "men", "unknown"])]
    if points.empty:
        raise ValueError(
            NOTHING_TO_PLOT.format(
                measure=f"{resource.name} and {access.name}",
                where="",
                what="pair of estimates",
                rows=len(wide),
            )
        )
    names = sex_names(texts, words)
    x_scale, x_unit = measure_scale(access, points[access.name].to_numpy(float), texts)
    y_scale, y_unit = measure_scale(resource, points[resource.name].to_numpy(float), texts)
    figure, axes = new_figure()
    points = points.assign(
        x=points[access.name].astype(float) * x_scale,
        y=points[resource.name].astype(float) * y_scale,
        sex_name=points["sex"].map(names),
    )
    order = [names[s] for s in SEX_ORDER if (points["sex"] == s).any()]
    palette = {names[s]: SEX_COLOURS[s] for s in SEX_ORDER}
    markers = {names["women"]: "o", names["men"]: "s", names["unknown"]: "^"}
    sns.scatterplot(
        data=points,
        x="x",
        y="y",
        hue="sex_name",
        style="sex_name",
        hue_order=order,
        style_order=order,
        palette=palette,
        markers=markers,
        s=60,
        ax=axes,
        legend=False,
    )
    x_median, y_median = float(points["x"].median()), float(points["y"].median())
    axes.axvline(x_median, color=NEUTRAL, linestyle="--", linewidth=1)
    axes.axhline(y_median, color=NEUTRAL, linestyle="--", linewidth=1)
    handles: list[Any] = [
        Line2D([], [], marker=markers[n], color=palette[n], linestyle="none", markersize=8, label=n)
        for n in order
    ]
    handles.append(
        Line2D([], [], color=NEUTRAL, linestyle="--", label=capitalised(charts["legend"]["median"]))
    )
    axes.legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes.xaxis.set_major_formatter(NumberFormatter(lang))
    axes.yaxis.set_major_formatter(NumberFormatter(lang))
    start_at_zero(axes, "x", float(points["x"].min()))
    start_at_zero(axes, "y", float(points["y"].min()))
    axes.set_xlabel(value_axis_label(access, access.name, texts, x_unit))
    axes.set_ylabel(value_axis_label(resource, resource.name, texts, y_unit))
    medians: dict[str, dict[str, float]] = {
        str(sex): {c: float(part[c].median()) for c in ("x", "y")}
        for sex, part in points.groupby("sex")
    }
    if {"women", "men"} <= set(medians):
        fields = person_fields(texts, words)

        def comparative(column: str) -> str:
            higher = medians["women"][column] > medians["men"][column]
            word: str = charts["comparative"]["higher" if higher else "lower"]
            return word

        title = charts["title"]["quadrant"].format(
            women_capitalised=fields["women_capitalised"],
            men_plural=fields["men_plural"],
            resource_comparative=comparative("y"),
            resource_noun=measure_noun(resource, resource.name, texts),
            access_comparative=comparative("x"),
            access_noun=measure_noun(access, access.name, texts),
        )
    else:
        title = value_axis_label(resource, resource.name, texts, y_unit)
    set_title(axes, title)
    set_caption(figure, [*caption, charts["caption"]["medians"]])
    return figure, axes


def plot_result(
    result: Result,
    kind: ChartKind = "estimates",
    *,
    measure: Measure | str | Sequence[Measure | str] | None = None,
    where: Mapping[str, Any] | None = None,
    lang: Lang = "sv",
    words: Persons = "adults",
    source: str | None = None,
    synthetic: bool = False,
) -> tuple[Figure, Axes]:
    """Draw one of the standard charts of an analysis; see :meth:`genderbudget.Result.plot`."""
    check_choice(kind, "kind", CHART_KINDS)
    texts = language(check_choice(lang, "lang", LANGS))
    check_choice(words, "words", PERSONS)
    caption = caption_parts(texts, source, synthetic)
    with chart_style():
        if kind == "quadrant":
            return plot_quadrant(
                result, quadrant_measures(result, measure), where, lang, words, caption
            )
        measures = [m.name for m in result.settings.measures]
        if kind == "representation":
            measures = [m.name for m in result.settings.measures if m.kind != "count"]
        if not (measure is None or isinstance(measure, str | Measure)):
            raise ValueError(ONE_MEASURE_ONLY.format(kind=kind, value=measure))
        chosen = result.settings.measure(pick_measure(measures, measure, "result"))
        draw = {
            "estimates": plot_estimates,
            "gaps": plot_gaps,
            "representation": plot_representation,
        }[kind]
        return draw(result, chosen, where, lang, words, caption)


# --- follow-up, allocation, decomposition ------------------------------------------------

FOLLOW_UP_NEEDED = (
    "measure",
    "women",
    "men",
    "gap",
    "gap_ci_low",
    "gap_ci_high",
    "flag",
    "target",
    "tolerance",
    "met",
    "first_met",
)


def plot_follow_up(
    table: pd.DataFrame,
    measure: Measure | str | None = None,
    *,
    where: Mapping[str, Any] | None = None,
    lang: Lang = "sv",
    words: Persons = "adults",
    source: str | None = None,
    synthetic: bool = False,
) -> tuple[Figure, Axes]:
    """Draw the gap year by year against its target line and tolerance band.

    Parameters
    ----------
    table : pandas.DataFrame
        The table of :func:`genderbudget.follow_up`.
    measure : Measure or str, optional
        The measure to draw; may be left out when the table holds one. Pass the
        :class:`Measure` itself to get its label and unit on the axis and a rate's gap in
        percentage points (with a name only, the gap is drawn as it is stored).
    where : dict, optional
        Values of the other breakdowns that select one series, e.g. ``{"aldersgrupp":
        "12-14"}``; needed when the table holds several.
    lang : {"sv", "en"}, default "sv"
        Language of the labels and the title.
    words : {"adults", "children"}, default "adults"
        Words for the sexes: women and men, or girls and boys.
    source : str, optional
        The source of the data, named in the caption.
    synthetic : bool, default False
        Say in the caption that the data are synthetic (the sample data are).

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
        The chart. The figure is not registered with pyplot: nothing is shown and nothing
        needs closing (save it with ``figure.savefig``; a notebook displays it).

    Raises
    ------
    ValueError
        The table is not a follow-up table, the measure is unknown, or the rows hold
        several series and ``where`` does not select one.

    Notes
    -----
    The gap (women − men) of each year is a point with its interval, coloured and shaped
    by the year's flag; the target is a line and the tolerance a band around it (years of
    the series as whole-number ticks). The title says since when the target is met (the
    table's ``first_met``) or that it is not met in the last year.

    Examples
    --------
    >>> import genderbudget as gb
    >>> data = gb.datasets.load_kriminalvarden()
    >>> work = gb.rate("arbetsdrift", label="i arbetsdrift")
    >>> result = gb.analyse(data, work, sex="kon", by="ar")
    >>> figure, axes = gb.plot_follow_up(gb.follow_up(result), work, synthetic=True)
    >>> [label.get_text() for label in axes.get_xticklabels()]
    ['2016', '2017', '2018', '2019', '2020', '2021']
    >>> axes.get_title(loc="left")
    'Andel i arbetsdrift: målet nås sedan 2020'
    """
    check_columns_present(table, FOLLOW_UP_NEEDED, "plot_follow_up", "genderbudget.follow_up")
    texts = language(check_choice(lang, "lang", LANGS))
    charts = texts["charts"]
    columns = list(table.columns)
    time = columns[columns.index("women") - 1]
    others = columns[1 : columns.index("women") - 1]
    name = pick_measure(list(table["measure"]), measure, "follow-up table")
    chosen = measure if isinstance(measure, Measure) else None
    rows = select_cells(
        table.loc[table["measure"] == name], [*others, time], where, "follow-up table"
    )
    one_series(rows, others, "follow-up table")
    rows = rows.sort_values(time)
    scale, unit = measure_scale(
        chosen, rows[["gap", "gap_ci_low", "gap_ci_high"]].to_numpy(float), texts, difference=True
    )
    years = rows[time].to_numpy(float)
    gap = rows["gap"].to_numpy(float) * scale
    low = rows["gap_ci_low"].to_numpy(float) * scale
    high = rows["gap_ci_high"].to_numpy(float) * scale
    target = rows["target"].to_numpy(float) * scale
    tolerance = rows["tolerance"].to_numpy(float) * scale
    with chart_style():
        figure, axes = new_figure()
        axes.fill_between(
            years,
            target - tolerance,
            target + tolerance,
            color=LIGHT,
            alpha=0.5,
            linewidth=0,
            label=capitalised(charts["legend"]["tolerance"]),
        )
        axes.plot(
            years,
            target,
            color=NEUTRAL,
            linestyle="--",
            linewidth=1.5,
            label=capitalised(charts["legend"]["target"]),
        )
        axes.plot(years, gap, color=NEUTRAL, linewidth=1, zorder=2)
        flags_shown: list[str] = []
        for i, flag in enumerate(rows["flag"].astype(str)):
            colour = FLAG_COLOURS[flag]
            if math.isfinite(low[i]) and math.isfinite(high[i]):
                axes.plot(
                    [years[i], years[i]], [low[i], high[i]], color=colour, linewidth=2, zorder=2
                )
            label = capitalised(flag_label(flag, lang=lang)) if flag not in flags_shown else None
            flags_shown.append(flag)
            axes.plot(
                [years[i]],
                [gap[i]],
                marker=FLAG_MARKERS[flag],
                color=colour,
                markersize=8,
                linestyle="none",
                zorder=3,
                label=label,
            )
        set_year_ticks(axes, list(rows[time]))
        axes.yaxis.set_major_formatter(NumberFormatter(lang))
        axes.set_xlabel(charts["axis"]["year"])
        axes.set_ylabel(difference_label(texts, words, unit))
        axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        noun = capitalised(measure_noun(chosen, name, texts))
        last = rows.iloc[-1]
        first_met = last["first_met"]
        if bool(last["met"]) and not pd.isna(first_met):
            title = charts["title"]["follow_up_met"].format(noun=noun, year=cell_value(first_met))
        else:
            title = charts["title"]["follow_up_not_met"].format(
                noun=noun, year=cell_value(last[time])
            )
        set_title(axes, title)
        set_caption(figure, caption_parts(texts, source, synthetic))
    return figure, axes


def plot_allocation(
    allocation: Allocation,
    *,
    cost_object: str = "total",
    where: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    lang: Lang = "sv",
    words: Persons = "adults",
    source: str | None = None,
    synthetic: bool = False,
) -> tuple[Figure, Axes]:
    """Draw the allocated cost by driver, split by sex, one bar per driver (and cell).

    Parameters
    ----------
    allocation : Allocation
        From :func:`genderbudget.allocate`.
    cost_object : str, default "total"
        The cost object to draw, or ``"total"`` for the sum over all of them.
    where : dict, optional
        Breakdown values that select cells, e.g. ``{"ar": 2021}``; default every cell.
    labels : dict, optional
        Words for the drivers by column name, e.g. ``{"arenden": "ärenden"}``.
    lang : {"sv", "en"}, default "sv"
        Language.
    words : {"adults", "children"}, default "adults"
        Words for the sexes.
    source : str, optional
        The source of the data, named in the caption.
    synthetic : bool, default False
        Say in the caption that the data are synthetic.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
        The chart (not registered with pyplot).

    Raises
    ------
    ValueError
        Unknown cost object, or ``where`` names no breakdown or selects nothing.

    Notes
    -----
    Each bar is the whole cost of the cost object under one driver, stacked women, men
    and unknown sex, in millions of kronor from 0; the women's share is written at its
    end. The title gives the range of the women's share over the drivers drawn: the
    sensitivity of the split to the choice of driver.

    Examples
    --------
    >>> import genderbudget as gb
    >>> costs = gb.datasets.load_pension_costs().query("typ == 'förmån'")
    >>> drivers = gb.datasets.load_pension_drivers()
    >>> split = gb.allocate(costs, drivers, cost_object="kostnadsobjekt", amount="kostnad",
    ...                     sex="kon", by="ar", driver=["mottagare", "arenden"])
    >>> figure, axes = gb.plot_allocation(split, where={"ar": 2021})
    >>> print(axes.get_title(loc="left"))  # doctest: +NORMALIZE_WHITESPACE
    Kvinnors andel av kostnaden är 58,9–61,3 % beroende på fördelningsnyckel 2021
    >>> float(axes.get_xlim()[0])
    0.0
    """
    texts = language(check_choice(lang, "lang", LANGS))
    charts = texts["charts"]
    names = sex_names(texts, words)
    words_for = dict(labels or {})
    by = list(allocation.settings.by)
    if cost_object == "total":
        table = allocation.totals
    else:
        table = allocation.table
        known = list(dict.fromkeys(table["cost_object"]))
        if cost_object not in known:
            raise ValueError(UNKNOWN_COST_OBJECT.format(value=cost_object, allowed=quoted(known)))
        table = table.loc[table["cost_object"] == cost_object]
    table = select_cells(table, by, where, "allocation")
    wide = table.pivot_table(
        index=[*by, "driver"], columns="sex", values="amount", aggfunc="sum", sort=False
    )
    wide = wide.reindex(columns=[s for s in SEX_ORDER if s in wide.columns])
    bars = wide.reset_index()
    count = len(bars)
    bar_labels = [
        " · ".join(
            [*(cell_value(r[b]) for b in by), words_for.get(str(r["driver"]), str(r["driver"]))]
        )
        for r in bars.to_dict("records")
    ]
    totals = wide.sum(axis=1).to_numpy(float)
    women = wide["women"].to_numpy(float) if "women" in wide.columns else np.zeros(count)
    share = np.divide(women, totals, out=np.full(count, np.nan), where=totals > 0)
    ys = np.arange(count)[::-1]
    with chart_style():
        figure, axes = new_figure()
        left = np.zeros(count)
        for sex in wide.columns:
            amounts = wide[sex].fillna(0.0).to_numpy(float) / 1e6
            axes.barh(ys, amounts, left=left, color=SEX_COLOURS[sex], height=0.6, label=names[sex])
            left += amounts
        for y, end, part in zip(ys, left, share, strict=True):
            axes.text(
                end,
                y,
                "  " + format_percent(part, lang=lang),
                va="center",
                fontsize=9,
                color=NEUTRAL,
            )
        axes.set_yticks(ys, labels=bar_labels)
        axes.set_xlim(0.0, float(left.max()) * 1.15 if count and left.max() > 0 else 1.0)
        axes.xaxis.set_major_formatter(NumberFormatter(lang))
        axes.set_xlabel(charts["axis"]["allocated"])
        axes.grid(axis="y", visible=False)
        axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        finite = share[np.isfinite(share)]
        low, high = (
            (float(finite.min()), float(finite.max())) if len(finite) else (math.nan, math.nan)
        )
        if math.isfinite(low) and round(low, 3) != round(high, 3):
            decimals = 1
            span = texts["numbers"]["range"].format(
                low=format_number(low * 100, lang=lang, decimals=decimals),
                high=format_percent(high, lang=lang, decimals=decimals),
            )
        else:
            span = format_percent(low, lang=lang)
        title = charts["title"]["allocation"].format(
            women_genitive=person_fields(texts, words)["women_genitive"],
            range=span,
            cells=cells_phrase(table, by, texts),
        )
        set_title(axes, title)
        set_caption(figure, caption_parts(texts, source, synthetic))
    return figure, axes


DECOMPOSITION_NEEDED = (
    "measure",
    "component",
    "factor",
    "estimate",
    "ci_low",
    "ci_high",
    "share_of_gap",
    "confidence",
)


def plot_decomposition(
    table: pd.DataFrame,
    measure: Measure | str | None = None,
    *,
    where: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    lang: Lang = "sv",
    source: str | None = None,
    synthetic: bool = False,
) -> tuple[Figure, Axes]:
    """Draw the parts of a gap: the whole gap, the explained and the unexplained part.

    Parameters
    ----------
    table : pandas.DataFrame
        The table of :func:`genderbudget.oaxaca` or :func:`genderbudget.decompose_cost`.
    measure : Measure or str, optional
        The outcome to draw (its ``measure`` value); may be left out when the table holds
        one. A :class:`Measure` gives its label and unit.
    where : dict, optional
        Breakdown values that select one cell, e.g. ``{"ar": 2021}``; needed when the
        table holds several.
    labels : dict, optional
        Words for the factors by column name, e.g. ``{"sakerhetsklass":
        "säkerhetsklass"}``.
    lang : {"sv", "en"}, default "sv"
        Language.
    source : str, optional
        The source of the data, named in the caption.
    synthetic : bool, default False
        Say in the caption that the data are synthetic.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
        The chart (not registered with pyplot).

    Raises
    ------
    ValueError
        The table is not a decomposition, the measure is unknown, or the rows hold several
        cells and ``where`` does not select one.

    Notes
    -----
    One horizontal bar per row of the table, from 0, in the table's order: the gap, the
    explained part (in total, then per factor) and the unexplained part (in total, per
    factor, the constant), each with its interval. The title gives the explained part's
    share of the gap.

    Examples
    --------
    >>> import genderbudget as gb
    >>> data = gb.datasets.load_kriminalvarden().query("ar == 2021")
    >>> data = data.assign(platser_inv=1 / data["platser"])
    >>> parts = gb.decompose_cost(data, "kostnad", "varddygn", sex="kon",
    ...                           justified=["platser_inv", "sakerhetsklass"],
    ...                           categorical="sakerhetsklass", cluster="anstalt")
    >>> cost = gb.ratio("kostnad", "varddygn", name="kostnad/varddygn",
    ...                 label="kostnad per vårddygn", unit="kr")
    >>> figure, axes = gb.plot_decomposition(parts, cost, labels={"platser_inv": "1 / platser"})
    >>> print(axes.get_title(loc="left"))  # doctest: +NORMALIZE_WHITESPACE
    99 % av skillnaden i kostnad per vårddygn förklaras av de sakliga faktorerna
    """
    check_columns_present(
        table,
        DECOMPOSITION_NEEDED,
        "plot_decomposition",
        "genderbudget.oaxaca or genderbudget.decompose_cost",
    )
    texts = language(check_choice(lang, "lang", LANGS))
    charts = texts["charts"]
    words_for = dict(labels or {})
    columns = list(table.columns)
    by = columns[1 : columns.index("component")]
    name = pick_measure(list(table["measure"]), measure, "decomposition table")
    chosen = measure if isinstance(measure, Measure) else None
    rows = select_cells(table.loc[table["measure"] == name], by, where, "decomposition table")
    one_series(rows, by, "decomposition table")
    count = len(rows)
    ys = np.arange(count)[::-1]
    components = charts["component"]

    def row_label(record: Mapping[Any, Any]) -> str:
        factor = str(record["factor"])
        part = capitalised(components[str(record["component"])])
        if factor == "(total)":
            return part
        if factor == "(intercept)":
            return str(components["intercept"])
        return words_for.get(factor, factor)

    records = rows.to_dict("records")
    numbers = rows[["estimate", "ci_low", "ci_high"]].to_numpy(float)
    scale, unit = measure_scale(chosen, numbers, texts, difference=True)
    values, low, high = (numbers[:, i] * scale for i in range(3))
    with chart_style():
        figure, axes = new_figure()
        axes.axvline(0.0, color=NEUTRAL, linewidth=1)
        for y, record, value, lo, hi in zip(ys, records, values, low, high, strict=True):
            whole = record["factor"] == "(total)"
            colour = COMPONENT_COLOURS[str(record["component"])]
            axes.barh(
                [y],
                [value if math.isfinite(value) else 0.0],
                height=0.6,
                color=colour,
                alpha=1.0 if whole else 0.5,
            )
            if math.isfinite(lo) and math.isfinite(hi):
                axes.plot([lo, hi], [y, y], color="black", linewidth=1.2)
        axes.set_yticks(ys, labels=[row_label(r) for r in records])
        for tick, record in zip(axes.get_yticklabels(), records, strict=True):
            if record["factor"] == "(total)":
                tick.set_fontweight("bold")
        axes.xaxis.set_major_formatter(NumberFormatter(lang))
        axes.set_xlabel(difference_label(texts, "adults", unit))
        axes.grid(axis="y", visible=False)
        noun = measure_noun(chosen, name, texts)
        explained = rows.loc[
            (rows["component"] == "explained") & (rows["factor"] == "(total)"), "share_of_gap"
        ]
        cells = cells_phrase(rows, by, texts)
        share = float(explained.iloc[0]) if len(explained) else math.nan
        if math.isfinite(share) and share >= 0:
            title = charts["title"]["decomposition"].format(
                explained=format_percent(share, lang=lang, decimals=0), noun=noun, cells=cells
            )
        elif math.isfinite(share):
            title = charts["title"]["decomposition_opposite"].format(
                noun=capitalised(noun), cells=cells
            )
        else:
            title = charts["title"]["decomposition_none"].format(
                noun=capitalised(noun), cells=cells
            )
        set_title(axes, title)
        confidence = float(rows["confidence"].iloc[0])
        set_caption(
            figure,
            [*caption_parts(texts, source, synthetic), estimates_caption(confidence, texts, lang)],
        )
    return figure, axes
