"""Display tables: the numbers of a result in Swedish or English, for notebooks, HTML and text.

:func:`formatted` turns a table of :func:`genderbudget.analyse`'s :class:`Result`, of an
:class:`Allocation`, an :func:`genderbudget.equalize` plan or a
:func:`genderbudget.follow_up` table into a frame of strings with headers in words;
:func:`table` makes the same content a great_tables ``GT`` with a title and source notes.
Every number is formatted by :mod:`genderbudget._format` and every word comes from the
language file (``texts.json``, section ``table``, with the flags, methods, notes and the
words for the sexes), so a table reads like the explanations next to it.

Rates are shown in percent and their differences in percentage points (*procentenheter*);
amounts in the measure's unit (``kr``), with the decimals the measure's values need
(:func:`genderbudget._format.amount_decimals`); an interval as one cell ("145–1 827", or
"−1,2 till 5,0" when a bound is negative). The source tables are only read: the numbers the
result holds keep their full precision.

A boolean frame ``suppressed`` aligned with the source table (its index, and any of its
columns) hides the display cells computed from a marked cell behind the language's sign for
a suppressed value (SCB's ``..``); a total row sums the rows of its cell whether shown or
hidden, and is itself hidden when it sums fewer than two non-empty rows and one of them is
hidden (it would show that row).
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from genderbudget._allocate import Allocation
from genderbudget._format import (
    amount_decimals,
    format_amount,
    format_confidence,
    format_decimal,
    format_number,
    format_p_value,
    format_percent,
    format_points,
    format_probability,
    to_float,
)
from genderbudget._measures import Measure
from genderbudget._notes import word_notes
from genderbudget._options import check_choice, quoted
from genderbudget._texts import PERSONS, Lang, Persons, flag_label, language, method_label

if TYPE_CHECKING:
    from great_tables import GT

    from genderbudget._result import Result

__all__ = ["formatted", "table"]

RESULT_KINDS: tuple[str, ...] = ("comparisons", "estimates", "representation")
ALLOCATION_KINDS: tuple[str, ...] = ("totals", "table", "sensitivity")
PLAN, FOLLOW_UP = "plan", "follow_up"
# A frame is recognised by columns that only its producer writes.
FRAME_MARKS: dict[str, tuple[str, ...]] = {
    PLAN: ("target_rate", "needed", "needed_ci_low", "new_rate"),
    FOLLOW_UP: ("gap", "gap_basis", "met", "first_met"),
}
SHAPE: dict[str, str] = {
    "rate": "rate",
    "count": "count",
    "mean": "amount",
    "ratio": "amount",
    "total": "amount",
}
SEX_ORDER: tuple[str, ...] = ("women", "men", "unknown")
GROUP = "group"  # the column of the measure (or driver, cost object) each row belongs to
TOTAL = "total"

NOT_A_TABLE = (
    "gb.table() and gb.formatted() show a Result, an Allocation, or the DataFrame of "
    "gb.equalize() or gb.follow_up(); got {value}."
)
NOT_A_LABEL = "labels[{key!r}] must be a non-empty string, got {value!r}."
NOT_NAMES = "{name} must be a list of names, got {value!r}."
SUPPRESSED_NOT_FRAME = (
    "suppressed must be a DataFrame of True/False aligned with the {kind} table (its index "
    "and some of its columns), got {value}."
)
SUPPRESSED_INDEX = (
    "suppressed must have the index of the {kind} table ({rows} rows); it has {given} rows "
    "or other index labels. Build it from the table, e.g. table[columns] < min_n."
)
SUPPRESSED_VALUES = (
    "suppressed must hold only True and False; column {column!r} holds {values} in {count}."
)


# --- number formats ------------------------------------------------------------------------


def _finite(value: Any) -> bool:
    return math.isfinite(to_float(value))


def _currency(unit: str | None, lang: Lang) -> str | None:
    """Return a unit, with the Swedish currency word given in the table's language."""
    if unit is not None and unit == language("sv")["table"]["currency"]:
        word: str = language(lang)["table"]["currency"]
        return word
    return unit


@dataclass(frozen=True)
class Numbers:
    """How the numbers of one measure are shown: its shape, unit and decimals.

    Attributes
    ----------
    shape : {"rate", "amount", "count"}
        Rates in percent (differences in percentage points), amounts in the unit, counts
        as whole numbers.
    lang : {"sv", "en"}
        Language.
    unit : str or None
        Unit of an amount (``kr``).
    decimals : int
        Decimals of the levels of an amount.
    gap_decimals : int
        Decimals of the differences of an amount and their intervals.
    """

    shape: str
    lang: Lang
    unit: str | None = None
    decimals: int = 0
    gap_decimals: int = 0

    def level(self, value: Any) -> str:
        """Format one sex's value: "45,0 %", "3 986 kr" or "249"."""
        if self.shape == "rate":
            return format_percent(to_float(value), lang=self.lang)
        if self.shape == "count":
            return format_number(to_float(value), lang=self.lang, decimals=0)
        return format_amount(
            to_float(value), lang=self.lang, decimals=self.decimals, unit=self.unit
        )

    def gap(self, value: Any) -> str:
        """Format a difference: "−15,2 procentenheter", "986 kr" or "−3 715"."""
        if self.shape == "rate":
            return format_points(to_float(value), lang=self.lang)
        if self.shape == "count":
            return format_number(to_float(value), lang=self.lang, decimals=0)
        return format_amount(
            to_float(value), lang=self.lang, decimals=self.gap_decimals, unit=self.unit
        )

    def level_range(self, low: Any, high: Any) -> str:
        """Format the interval of a level, without the unit: "41,2–48,9"."""
        decimals = 1 if self.shape == "rate" else 0 if self.shape == "count" else self.decimals
        return interval(low, high, self.lang, decimals, shift=2 if self.shape == "rate" else 0)

    def gap_range(self, low: Any, high: Any) -> str:
        """Format the interval of a difference, without the unit: "−24,1 till −5,9"."""
        decimals = 1 if self.shape == "rate" else 0 if self.shape == "count" else self.gap_decimals
        return interval(low, high, self.lang, decimals, shift=2 if self.shape == "rate" else 0)


def interval(low: Any, high: Any, lang: Lang, decimals: int, shift: int = 0) -> str:
    """Format an interval as one cell; the missing sign unless both bounds are numbers.

    A bound below zero writes the range out ("−1,2 till 5,0"), as "−1,2–5,0" reads as a
    subtraction.

    Examples
    --------
    >>> interval(145.2, 1827.4, "sv", 0)
    '145–1\u202f827'
    >>> interval(-0.012, 0.05, "sv", 1, shift=2)
    '−1,2 till 5,0'
    """
    a, b = to_float(low), to_float(high)
    numbers = language(lang)["numbers"]
    if not (math.isfinite(a) and math.isfinite(b)):
        missing: str = numbers["missing"]
        return missing
    template = numbers["range_signed"] if a < 0 or b < 0 else numbers["range"]
    return str(
        template.format(
            low=format_decimal(a, lang, decimals, shift),
            high=format_decimal(b, lang, decimals, shift),
        )
    )


def _share(value: Any, lang: Lang) -> str:
    return format_percent(to_float(value), lang=lang)


def _whole(value: Any, lang: Lang) -> str:
    return format_number(to_float(value), lang=lang, decimals=0)


def _plain(value: Any, lang: Lang) -> str:
    """Show a breakdown value as it is (a year stays "2016"); missing values get the sign."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        missing: str = language(lang)["numbers"]["missing"]
        return missing
    return str(value)


# --- the display table ---------------------------------------------------------------------


@dataclass
class Display:
    """A display table under construction: strings per row and column key, and its words.

    Attributes
    ----------
    kind : str
        What is shown (``comparisons``, ``totals``, ``plan``, ...).
    lang : {"sv", "en"}
        The language of its words.
    source : pandas.DataFrame
        The table the numbers come from (a copy), for the suppression mask.
    by : list of str
        The breakdown columns, shown first.
    keys : list of str
        The columns shown by default, after the breakdowns.
    available : list of str
        Every column ``columns=`` may name.
    headers : dict
        Words of each column key.
    inputs : dict
        The source columns each display column is computed from.
    rows : list of dict
        One dict per row: column key to text, and ``group``.
    origins : list
        The index label of each row in ``source``; None for a total row.
    members : dict
        For each total row (by its position), the index labels of the rows it sums.
    notes : list of str
        Source notes the table needs (e.g. which intervals are corrected).
    group_header : str
        The word for the groups (measure, driver, cost object).
    text_keys : set of str
        Columns holding words, aligned left; the others hold numbers.
    """

    kind: str
    lang: Lang
    source: pd.DataFrame
    by: list[str]
    keys: list[str]
    available: list[str]
    headers: dict[str, str]
    inputs: dict[str, tuple[str, ...]]
    rows: list[dict[str, str]] = field(default_factory=list)
    origins: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    group_header: str = ""
    text_keys: set[str] = field(default_factory=set)
    members: dict[int, list[Any]] = field(default_factory=dict)

    def add(self, origin: Any, group: str, cells: Mapping[str, str]) -> None:
        """Add a row: its index label in the source (None for a total), group and cells."""
        self.rows.append({GROUP: group, **cells})
        self.origins.append(origin)


def _words(lang: Lang) -> dict[str, str]:
    words: dict[str, str] = language(lang)["table"]
    return words


def _persons(lang: Lang, words: Persons) -> dict[str, dict[str, str]]:
    chosen: dict[str, dict[str, str]] = language(lang)["persons"][
        check_choice(words, "words", PERSONS)
    ]
    return chosen


def _sex_label(sex: Any, lang: Lang, words: Persons) -> str:
    """Return the row word of a sex: Kvinnor, Män (or Flickor, Pojkar), Okänt, Totalt."""
    if sex in ("women", "men"):
        return _persons(lang, words)[sex]["capitalised"]
    if sex in ("unknown", TOTAL):
        return _words(lang)[sex]
    return _plain(sex, lang)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _measure_label(measure: Measure, labels: Mapping[str, str], lang: Lang) -> str:
    """Name a measure: the user's label, else its own, else its name; a bare count is persons."""
    given = labels.get(measure.name) or measure.label
    if given is None and measure.kind == "count" and measure.name == "count":
        return _words(lang)["persons"]
    return _capitalised(given or measure.name)


def _cells(by: Sequence[str], record: Mapping[str, Any], lang: Lang) -> dict[str, str]:
    return {b: _plain(record[b], lang) for b in by}


def _cell_key(by: Sequence[str], record: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(record[b] for b in by)


def _values(frame: pd.DataFrame, columns: Iterable[str]) -> list[float]:
    return [to_float(v) for c in columns for v in frame[c]]


def _numbers(
    measure: Measure, frame: pd.DataFrame, level: Sequence[str], gap: Sequence[str], lang: Lang
) -> Numbers:
    """Choose the formats of one measure, decimals chosen over all its rows."""
    shape = SHAPE[measure.kind]
    return Numbers(
        shape=shape,
        lang=lang,
        unit=_currency(measure.unit, lang) if shape == "amount" else None,
        decimals=amount_decimals(_values(frame, level)),
        gap_decimals=amount_decimals(_values(frame, gap)),
    )


def _records(frame: pd.DataFrame) -> list[tuple[Any, dict[str, Any]]]:
    """Return each row of ``frame`` with its index label, as a dict by column name."""
    return [
        (index, {str(k): v for k, v in record.items()})
        for index, record in zip(frame.index, frame.to_dict("records"), strict=True)
    ]


def _sum(records: Sequence[Mapping[str, Any]], column: str) -> float:
    return float(sum(to_float(r[column]) for r in records))


def _with_totals(
    frame: pd.DataFrame,
    by: Sequence[str],
    row: Callable[[Any, Mapping[str, Any]], None],
    total: Callable[[Sequence[Mapping[str, Any]]], None],
    display: Display,
) -> None:
    """Call ``row`` for every row of ``frame`` in order and ``total`` after each cell's rows.

    Each total row is recorded in ``display.members`` with the rows it sums.
    """
    cell: list[Mapping[str, Any]] = []
    origins: list[Any] = []
    key: tuple[Any, ...] | None = None

    def close() -> None:
        total(cell)
        display.members[len(display.rows) - 1] = list(origins)

    for index, record in _records(frame):
        here = _cell_key(by, record)
        if cell and here != key:
            close()
            cell, origins = [], []
        key = here
        cell.append(record)
        origins.append(index)
        row(index, record)
    if cell:
        close()


def _sex_sorted(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Order the rows of each cell women, men, unknown, keeping the order of the cells."""
    cells = [tuple(row) for row in frame[list(by)].itertuples(index=False)]
    rank = {cell: i for i, cell in enumerate(dict.fromkeys(cells))}
    keys = pd.DataFrame(
        {
            "cell": [rank[cell] for cell in cells],
            "sex": [SEX_ORDER.index(s) if s in SEX_ORDER else len(SEX_ORDER) for s in frame["sex"]],
            "position": range(len(frame)),
        }
    )
    order = keys.sort_values(["cell", "sex", "position"]).index
    return frame.iloc[list(order)]


# --- Result --------------------------------------------------------------------------------


def _measures_of(result: Result, measures: Sequence[str | Measure] | None) -> list[Measure]:
    known = [m.name for m in result.settings.measures]
    if measures is None:
        return list(result.settings.measures)
    names = _names(measures, "measures")
    return [result.settings.measure(check_choice(name, "measures", known)) for name in names]


def _names(values: Any, name: str) -> list[str]:
    """Names given as a string, a Measure, or a list of them."""
    items = [values] if isinstance(values, (str, Measure)) else values
    try:
        items = list(items)
    except TypeError:
        raise TypeError(NOT_NAMES.format(name=name, value=values)) from None
    out = []
    for item in items:
        if isinstance(item, Measure):
            out.append(item.name)
        elif isinstance(item, str):
            out.append(item)
        else:
            raise TypeError(NOT_NAMES.format(name=name, value=values))
    return out


def _notes_column(result: Result, kind: str, lang: Lang) -> pd.Series:
    try:
        return result.notes(kind, lang=lang)  # type: ignore[arg-type]
    except ValueError:
        # a result built by hand keeps its notes in English words only
        notes: pd.Series = getattr(result, kind)["note"].fillna("")
        return notes


def _estimates(
    result: Result, chosen: list[Measure], lang: Lang, words: Persons, labels: Mapping[str, str]
) -> Display:
    source = result.estimates
    by = list(result.settings.by)
    text = _words(lang)
    confidence = format_confidence(result.settings.confidence, lang)
    display = Display(
        kind="estimates",
        lang=lang,
        source=source,
        by=by,
        keys=["sex", "n", "estimate", "ci", "note"],
        available=["sex", "n", "units", "estimate", "ci", "note"],
        headers={
            "sex": text["sex"],
            "n": text["n"],
            "units": text["units"],
            "estimate": text["estimate"],
            "ci": text["ci"].format(confidence=confidence),
            "note": text["note"],
        },
        inputs=_inputs("n", "units", "estimate", "note", ci=("ci_low", "ci_high")),
        group_header=text["measure"],
        text_keys={"sex", "note"},
    )
    notes = _notes_column(result, "estimates", lang)
    for measure in chosen:
        rows = _sex_sorted(source.loc[source["measure"] == measure.name], by)
        numbers = _numbers(measure, rows, ["estimate", "ci_low", "ci_high"], [], lang)
        group = _measure_label(measure, labels, lang)

        def row(
            index: Any, record: Mapping[str, Any], numbers: Numbers = numbers, group: str = group
        ) -> None:
            display.add(
                index,
                group,
                {
                    **_cells(by, record, lang),
                    "sex": _sex_label(record["sex"], lang, words),
                    "n": _whole(record["n"], lang),
                    "units": _whole(record["units"], lang),
                    "estimate": numbers.level(record["estimate"]),
                    "ci": numbers.level_range(record["ci_low"], record["ci_high"]),
                    "note": str(notes.loc[index] or ""),
                },
            )

        def total(
            cell: Sequence[Mapping[str, Any]],
            numbers: Numbers = numbers,
            group: str = group,
            kind: str = measure.kind,
        ) -> None:
            # only head-counts and totals add up over the sexes; a rate or a mean does not
            summed = _sum(cell, "estimate")
            display.add(
                None,
                group,
                {
                    **_cells(by, cell[0], lang),
                    "sex": _sex_label(TOTAL, lang, words),
                    "n": _whole(_sum(cell, "n"), lang),
                    "units": "",
                    "estimate": numbers.level(summed) if kind in ("count", "total") else "",
                    "ci": "",
                    "note": "",
                },
            )

        _with_totals(rows, by, row, total, display)
    return display


def _comparisons(
    result: Result, chosen: list[Measure], lang: Lang, words: Persons, labels: Mapping[str, str]
) -> Display:
    source = result.comparisons
    by = list(result.settings.by)
    text = _words(lang)
    persons = _persons(lang, words)
    women, men = persons["women"]["plural"], persons["men"]["plural"]
    corrected = result.settings.p_adjust != "none"
    method = language(lang)["methods"].get(result.settings.p_adjust, "")
    low, high = (
        ("difference_corrected_ci_low", "difference_corrected_ci_high")
        if corrected
        else ("difference_ci_low", "difference_ci_high")
    )
    ratio_low, ratio_high = (
        ("ratio_corrected_ci_low", "ratio_corrected_ci_high")
        if corrected
        else ("ratio_ci_low", "ratio_ci_high")
    )
    confidence = format_confidence(result.settings.confidence, lang)
    ci = (
        text["ci_corrected"].format(method=method)
        if corrected
        else text["ci"].format(confidence=confidence)
    )
    display = Display(
        kind="comparisons",
        lang=lang,
        source=source,
        by=by,
        keys=["women", "men", "difference", "ci", "ratio", "p_adjusted", "flag", "note"],
        available=[
            "n_women",
            "n_men",
            "women",
            "men",
            "difference",
            "ci",
            "ratio",
            "ratio_ci",
            "p_value",
            "p_adjusted",
            "adjusted_difference",
            "flag",
            "note",
        ],
        headers={
            "n_women": f"{text['n']} {women}",
            "n_men": f"{text['n']} {men}",
            "women": persons["women"]["capitalised"],
            "men": persons["men"]["capitalised"],
            "difference": text["difference"].format(women=women, men=men),
            "ci": ci,
            "ratio": text["ratio"].format(women=women, men=men),
            "ratio_ci": ci,
            "p_value": text["p_value"],
            "p_adjusted": text["p_adjusted"] if corrected else text["p_value"],
            "adjusted_difference": text["adjusted_difference"].format(women=women, men=men),
            "flag": text["flag"],
            "note": text["note"],
        },
        inputs=_inputs(
            "n_women",
            "n_men",
            "women",
            "men",
            "difference",
            "ratio",
            "p_value",
            "p_adjusted",
            "adjusted_difference",
            "flag",
            "note",
            ci=(low, high),
            ratio_ci=(ratio_low, ratio_high),
        ),
        group_header=text["measure"],
        text_keys={"flag", "note"},
    )
    if corrected:
        display.notes.append(
            text["corrected_note"].format(
                method=method, alpha=format_probability(result.settings.rule.alpha, lang)
            )
        )
    notes = _notes_column(result, "comparisons", lang)
    for measure in chosen:
        rows = source.loc[source["measure"] == measure.name]
        numbers = _numbers(
            measure,
            rows,
            ["women", "men"],
            ["difference", low, high, "adjusted_difference"],
            lang,
        )
        group = _measure_label(measure, labels, lang)
        for index, record in _records(rows):
            display.add(
                index,
                group,
                {
                    **_cells(by, record, lang),
                    "n_women": _whole(record["n_women"], lang),
                    "n_men": _whole(record["n_men"], lang),
                    "women": numbers.level(record["women"]),
                    "men": numbers.level(record["men"]),
                    "difference": numbers.gap(record["difference"]),
                    "ci": numbers.gap_range(record[low], record[high]),
                    "ratio": format_number(to_float(record["ratio"]), lang=lang, decimals=2),
                    "ratio_ci": interval(record[ratio_low], record[ratio_high], lang, 2),
                    "p_value": format_p_value(to_float(record["p_value"]), lang=lang),
                    "p_adjusted": format_p_value(
                        to_float(record["p_adjusted" if corrected else "p_value"]), lang=lang
                    ),
                    "adjusted_difference": numbers.gap(record["adjusted_difference"]),
                    "flag": flag_label(record["flag"], lang=lang),
                    "note": str(notes.loc[index] or ""),
                },
            )
    return display


def _representation(
    result: Result, chosen: list[Measure], lang: Lang, words: Persons, labels: Mapping[str, str]
) -> Display:
    source = result.representation
    by = list(result.settings.by)
    text = _words(lang)
    confidence = format_confidence(result.settings.confidence, lang)
    display = Display(
        kind="representation",
        lang=lang,
        source=source,
        by=by,
        keys=[
            "sex",
            "persons",
            "persons_share",
            "resource",
            "resource_share",
            "share_difference",
            "ci",
            "note",
        ],
        available=[
            "sex",
            "persons",
            "persons_share",
            "resource",
            "resource_share",
            "share_difference",
            "ci",
            "note",
        ],
        headers={
            "sex": text["sex"],
            "persons": text["persons"],
            "persons_share": text["persons_share"],
            "resource": text["resource"],
            "resource_share": text["resource_share"],
            "share_difference": text["share_difference"],
            "ci": text["ci"].format(confidence=confidence),
            "note": text["note"],
        },
        inputs=_inputs(
            "persons",
            "persons_share",
            "resource",
            "resource_share",
            "share_difference",
            "note",
            ci=("ci_low", "ci_high"),
        ),
        group_header=text["measure"],
        text_keys={"sex", "note"},
    )
    notes = _notes_column(result, "representation", lang)
    points = Numbers(shape="rate", lang=lang)
    for measure in chosen:
        rows = _sex_sorted(source.loc[source["measure"] == measure.name], by)
        if rows.empty:
            continue  # a head-count has no resource
        # a rate's resource is the number who got it; other kinds hold an amount
        resource = (
            Numbers(shape="count", lang=lang)
            if measure.kind == "rate"
            else Numbers(
                shape="amount",
                lang=lang,
                unit=_currency(measure.unit, lang),
                decimals=amount_decimals(_values(rows, ["resource"])),
            )
        )
        group = _measure_label(measure, labels, lang)

        def row(
            index: Any, record: Mapping[str, Any], resource: Numbers = resource, group: str = group
        ) -> None:
            display.add(
                index,
                group,
                {
                    **_cells(by, record, lang),
                    "sex": _sex_label(record["sex"], lang, words),
                    "persons": _whole(record["persons"], lang),
                    "persons_share": _share(record["persons_share"], lang),
                    "resource": resource.level(record["resource"]),
                    "resource_share": _share(record["resource_share"], lang),
                    "share_difference": points.gap(record["share_difference"]),
                    "ci": points.gap_range(record["ci_low"], record["ci_high"]),
                    "note": str(notes.loc[index] or ""),
                },
            )

        def total(
            cell: Sequence[Mapping[str, Any]], resource: Numbers = resource, group: str = group
        ) -> None:
            display.add(
                None,
                group,
                {
                    **_cells(by, cell[0], lang),
                    "sex": _sex_label(TOTAL, lang, words),
                    "persons": _whole(_sum(cell, "persons"), lang),
                    "persons_share": _share(_sum(cell, "persons_share"), lang),
                    "resource": resource.level(_sum(cell, "resource")),
                    "resource_share": _share(_sum(cell, "resource_share"), lang),
                    "share_difference": "",
                    "ci": "",
                    "note": "",
                },
            )

        _with_totals(rows, by, row, total, display)
    return display


# --- Allocation ----------------------------------------------------------------------------


def _allocation(
    allocation: Allocation,
    kind: str,
    drivers: Sequence[str] | None,
    lang: Lang,
    words: Persons,
    labels: Mapping[str, str],
) -> Display:
    if kind == "sensitivity":
        return _sensitivity(allocation, lang, words, labels)
    source = allocation.totals if kind == "totals" else allocation.table
    by = list(allocation.settings.by)
    text = _words(lang)
    known = list(allocation.settings.driver)
    chosen = (
        known
        if drivers is None
        else [check_choice(d, "measures", known) for d in _names(drivers, "measures")]
    )
    rounded = allocation.settings.round_to is not None
    per_capita = allocation.settings.persons is not None
    keys = (
        ["sex", "amount", "share"]
        + (["per_capita"] if per_capita else [])
        + (["amount_rounded"] if rounded else [])
    )
    if kind == "table":
        keys.insert(0, "cost_object")
    display = Display(
        kind=kind,
        lang=lang,
        source=source,
        by=by,
        keys=keys,
        available=["cost_object", "sex", "amount", "share", "per_capita", "amount_rounded"]
        if kind == "table"
        else ["sex", "amount", "share", "per_capita", "amount_rounded"],
        headers={
            "cost_object": text["cost_object"],
            "sex": text["sex"],
            "amount": text["amount"],
            "share": text["share"],
            "per_capita": text["per_capita"],
            "amount_rounded": text["amount_rounded"],
        },
        inputs=_inputs("cost_object", "amount", "share", "per_capita", "amount_rounded"),
        group_header=text["driver"],
        text_keys={"cost_object", "sex"},
    )
    currency = _currency(language("sv")["table"]["currency"], lang)
    money = Numbers(
        shape="amount",
        lang=lang,
        unit=currency,
        decimals=amount_decimals(_values(source, ["amount"])),
    )
    capita = Numbers(
        shape="amount",
        lang=lang,
        unit=currency,
        decimals=amount_decimals(_values(source, ["per_capita"])),
    )
    cells = [*by, "cost_object"]
    for driver in chosen:
        rows = _sex_sorted(source.loc[source["driver"] == driver], cells)
        group = _capitalised(labels.get(driver, driver))

        def row(index: Any, record: Mapping[str, Any], group: str = group) -> None:
            display.add(
                index,
                group,
                {
                    **_cells(by, record, lang),
                    "cost_object": _object_label(record["cost_object"], lang, labels),
                    "sex": _sex_label(record["sex"], lang, words),
                    "amount": money.level(record["amount"]),
                    "share": _share(record["share"], lang),
                    "per_capita": capita.level(record["per_capita"]),
                    "amount_rounded": money.level(record["amount_rounded"]),
                },
            )

        def total(cell: Sequence[Mapping[str, Any]], group: str = group) -> None:
            display.add(
                None,
                group,
                {
                    **_cells(by, cell[0], lang),
                    "cost_object": _object_label(cell[0]["cost_object"], lang, labels),
                    "sex": _sex_label(TOTAL, lang, words),
                    "amount": money.level(_sum(cell, "amount")),
                    "share": _share(_sum(cell, "share"), lang),
                    "per_capita": "",
                    "amount_rounded": money.level(_sum(cell, "amount_rounded")) if rounded else "",
                },
            )

        _with_totals(rows, cells, row, total, display)
    return display


def _object_label(value: Any, lang: Lang, labels: Mapping[str, str]) -> str:
    """Name a cost object; ``total`` (the sum of them) in words."""
    if value == TOTAL:
        return _words(lang)[TOTAL]
    return labels.get(str(value), _plain(value, lang))


def _sensitivity(
    allocation: Allocation, lang: Lang, words: Persons, labels: Mapping[str, str]
) -> Display:
    source = allocation.sensitivity
    by = list(allocation.settings.by)
    text = _words(lang)
    persons = _persons(lang, words)
    display = Display(
        kind="sensitivity",
        lang=lang,
        source=source,
        by=by,
        keys=["driver", "women_share", "men_share", "unknown_share", "spread"],
        available=["driver", "women_share", "men_share", "unknown_share", "spread"],
        headers={
            "driver": text["driver"],
            "women_share": text["share_of"].format(sex=persons["women"]["plural"]),
            "men_share": text["share_of"].format(sex=persons["men"]["plural"]),
            "unknown_share": text["share_of"].format(sex=text["unknown_sex"]),
            "spread": text["spread"],
        },
        inputs=_inputs("driver", "women_share", "men_share", "unknown_share", "spread"),
        group_header=text["cost_object"],
        text_keys={"driver"},
    )
    points = Numbers(shape="rate", lang=lang)
    for index, record in _records(source):
        display.add(
            index,
            _capitalised(_object_label(record["cost_object"], lang, labels)),
            {
                **_cells(by, record, lang),
                "driver": labels.get(record["driver"], record["driver"]),
                "women_share": _share(record["women_share"], lang),
                "men_share": _share(record["men_share"], lang),
                "unknown_share": _share(record["unknown_share"], lang),
                "spread": points.gap(record["spread"]),
            },
        )
    return display


# --- equalize and follow_up ----------------------------------------------------------------


def _frame_kind(frame: pd.DataFrame) -> str | None:
    for kind, marks in FRAME_MARKS.items():
        if all(column in frame.columns for column in marks):
            return kind
    return None


def _between(frame: pd.DataFrame, first: str, after: str) -> list[str]:
    """Return the breakdown columns of a planning table: those between two fixed columns."""
    columns = list(frame.columns)
    return columns[columns.index(first) + 1 : columns.index(after)]


def _frame_measures(
    frame: pd.DataFrame,
    measures: Sequence[str | Measure] | None,
) -> list[Measure]:
    """Return the measures of a planning table, in order; a Measure given says its kind and unit."""
    present = [str(m) for m in dict.fromkeys(frame["measure"])]
    given = {
        m.name: m
        for m in (
            [] if measures is None else [x for x in _as_list(measures) if isinstance(x, Measure)]
        )
    }
    names = (
        present
        if measures is None
        else [check_choice(name, "measures", present) for name in _names(measures, "measures")]
    )
    return [given.get(name) or Measure(kind="mean", name=name) for name in names]


def _as_list(values: Any) -> list[Any]:
    return [values] if isinstance(values, (str, Measure)) else list(values)


def _plan(
    frame: pd.DataFrame,
    measures: Sequence[str | Measure] | None,
    lang: Lang,
    words: Persons,
    labels: Mapping[str, str],
) -> Display:
    source = frame.copy()
    by = _between(source, "measure", "sex")
    text = _words(lang)
    worded = _plan_notes(frame, lang)
    display = Display(
        kind=PLAN,
        lang=lang,
        source=source,
        by=by,
        keys=[
            "sex",
            "n",
            "current",
            "current_rate",
            "target_rate",
            "needed",
            "ci",
            "change",
            "new_rate",
            "cost",
        ],
        available=[
            "sex",
            "n",
            "base",
            "current",
            "current_rate",
            "target_rate",
            "needed",
            "ci",
            "change",
            "new_rate",
            "unit_cost",
            "cost",
            "method",
            "note",
        ],
        headers={
            "sex": text["sex"],
            "n": text["persons"],
            "base": text["base"],
            "current": text["current"],
            "current_rate": text["current_rate"],
            "target_rate": text["target_rate"],
            "needed": text["needed"],
            "ci": text["ci"].format(
                confidence=format_confidence(
                    to_float(source["confidence"].iloc[0]) if len(source) else 0.95, lang
                )
            ),
            "change": text["change"],
            "new_rate": text["new_rate"],
            "unit_cost": text["unit_cost"],
            "cost": text["cost"],
            "method": text["method"],
            "note": text["note"],
        },
        inputs=_inputs(
            "n",
            "base",
            "current",
            "current_rate",
            "target_rate",
            "needed",
            "change",
            "new_rate",
            "unit_cost",
            "cost",
            "method",
            "note",
            ci=("needed_ci_low", "needed_ci_high"),
        ),
        group_header=text["measure"],
        text_keys={"sex", "method", "note"},
    )
    currency = _currency(language("sv")["table"]["currency"], lang)
    money = Numbers(
        shape="amount",
        lang=lang,
        unit=currency,
        decimals=amount_decimals(_values(source, ["cost", "unit_cost"])),
    )
    for measure in _frame_measures(source, measures):
        rows = _sex_sorted(source.loc[source["measure"] == measure.name], by)
        # a rate plan counts places and shows rates in percent; a ratio plan an amount
        ratio = any("ratio" in str(m) for m in rows["method"])
        rate = (
            Numbers(
                shape="amount",
                lang=lang,
                decimals=amount_decimals(
                    _values(rows, ["current_rate", "target_rate", "new_rate"])
                ),
            )
            if ratio
            else Numbers(shape="rate", lang=lang)
        )
        places = Numbers(shape="amount", lang=lang, decimals=1)
        group = _measure_label(measure, labels, lang)
        for index, record in _records(rows):
            method = record["method"]
            display.add(
                index,
                group,
                {
                    **_cells(by, record, lang),
                    "sex": _sex_label(record["sex"], lang, words),
                    "n": _whole(record["n"], lang),
                    "base": format_amount(to_float(record["base"]), lang=lang),
                    "current": format_amount(
                        to_float(record["current"]),
                        lang=lang,
                        decimals=amount_decimals(rows["current"]),
                    ),
                    "current_rate": rate.level(record["current_rate"]),
                    "target_rate": rate.level(record["target_rate"]),
                    "needed": places.level(record["needed"]),
                    "ci": places.level_range(record["needed_ci_low"], record["needed_ci_high"]),
                    "change": _whole(record["change"], lang),
                    "new_rate": rate.level(record["new_rate"]),
                    "unit_cost": money.level(record["unit_cost"]),
                    "cost": money.level(record["cost"]),
                    "method": method_label(method, lang=lang) if method else "",
                    "note": str(worded.get(index, "")) if record["note"] else "",
                },
            )
    return display


def _plan_notes(plan: pd.DataFrame, lang: Lang) -> pd.Series:
    """Word the notes of a plan in ``lang``; English words if it has no codes."""
    if "note_codes" in plan.columns:
        try:
            return word_notes(plan, lang=lang)
        except ValueError:  # a plan rebuilt without its notes' values: the words it has
            pass
    notes: pd.Series = plan["note"].fillna("").astype(str)
    return notes


def _follow_up(
    frame: pd.DataFrame,
    measures: Sequence[str | Measure] | None,
    lang: Lang,
    words: Persons,
    labels: Mapping[str, str],
) -> Display:
    source = frame.copy()
    by = _between(source, "measure", "women")
    text = _words(lang)
    persons = _persons(lang, words)
    women, men = persons["women"]["plural"], persons["men"]["plural"]
    display = Display(
        kind=FOLLOW_UP,
        lang=lang,
        source=source,
        by=by,
        keys=["women", "men", "gap", "ci", "flag", "target", "met", "first_met"],
        available=[
            "women",
            "men",
            "gap",
            "ci",
            "gap_basis",
            "flag",
            "target",
            "distance",
            "met",
            "first_met",
            "trend_per_year",
            "trend_ci",
        ],
        headers={
            "women": persons["women"]["capitalised"],
            "men": persons["men"]["capitalised"],
            "gap": text["difference"].format(women=women, men=men),
            "ci": text["ci_plain"],
            "gap_basis": text["gap_basis"],
            "flag": text["flag"],
            "target": text["target"],
            "distance": text["distance"],
            "met": text["met"],
            "first_met": text["first_met"],
            "trend_per_year": text["trend_per_year"],
            "trend_ci": text["ci_plain"],
        },
        inputs=_inputs(
            "women",
            "men",
            "gap",
            "gap_basis",
            "flag",
            "target",
            "distance",
            "met",
            "first_met",
            "trend_per_year",
            ci=("gap_ci_low", "gap_ci_high"),
            trend_ci=("trend_ci_low", "trend_ci_high"),
        ),
        group_header=text["measure"],
        text_keys={"gap_basis", "flag", "met"},
    )
    for measure in _frame_measures(source, measures):
        rows = source.loc[source["measure"] == measure.name]
        gaps = [
            "gap",
            "gap_ci_low",
            "gap_ci_high",
            "target",
            "distance",
            "trend_per_year",
            "trend_ci_low",
            "trend_ci_high",
        ]
        numbers = _numbers(measure, rows, ["women", "men"], gaps, lang)
        group = _measure_label(measure, labels, lang)
        for index, record in _records(rows):
            display.add(
                index,
                group,
                {
                    **_cells(by, record, lang),
                    "women": numbers.level(record["women"]),
                    "men": numbers.level(record["men"]),
                    "gap": numbers.gap(record["gap"]),
                    "ci": numbers.gap_range(record["gap_ci_low"], record["gap_ci_high"]),
                    "gap_basis": method_label(record["gap_basis"], lang=lang),
                    "flag": flag_label(record["flag"], lang=lang),
                    "target": numbers.gap(record["target"]),
                    "distance": numbers.gap(record["distance"]),
                    "met": _yes_no(record["met"], lang),
                    "first_met": _plain(record["first_met"], lang),
                    "trend_per_year": numbers.gap(record["trend_per_year"]),
                    "trend_ci": numbers.gap_range(record["trend_ci_low"], record["trend_ci_high"]),
                },
            )
    return display


def _yes_no(value: Any, lang: Lang) -> str:
    if value is None or value is pd.NA:
        return _plain(None, lang)
    return _words(lang)["yes" if bool(value) else "no"]


# --- the public functions ------------------------------------------------------------------


def _display(
    obj: Any,
    kind: str | None,
    measures: Sequence[str | Measure] | None,
    lang: Lang,
    words: Persons,
    labels: Mapping[str, str],
) -> Display:
    """Build the display table of ``obj``: dispatch on what it is and on ``kind``."""
    from genderbudget._result import Result  # the result module calls this one

    language(lang)  # an unknown language fails here, before any work
    if isinstance(obj, Result):
        chosen_kind = check_choice(kind or "comparisons", "kind", RESULT_KINDS)
        chosen = _measures_of(obj, measures)
        build = {
            "estimates": _estimates,
            "comparisons": _comparisons,
            "representation": _representation,
        }[chosen_kind]
        return build(obj, chosen, lang, words, labels)
    if isinstance(obj, Allocation):
        chosen_kind = check_choice(kind or "totals", "kind", ALLOCATION_KINDS)
        drivers = None if measures is None else _names(measures, "measures")
        return _allocation(obj, chosen_kind, drivers, lang, words, labels)
    if isinstance(obj, pd.DataFrame):
        found = _frame_kind(obj)
        if found is None:
            raise TypeError(NOT_A_TABLE.format(value=f"a DataFrame with columns {list(obj)}"))
        if kind is not None:
            check_choice(kind, "kind", (found,))  # a plan is shown as a plan
        builder = _plan if found == PLAN else _follow_up
        return builder(obj, measures, lang, words, labels)
    raise TypeError(NOT_A_TABLE.format(value=type(obj).__name__))


def _check_labels(display: Display, labels: Mapping[str, str], names: Iterable[str]) -> None:
    """Every key of ``labels`` names a measure (driver, cost object) or a column."""
    allowed = [*names, *display.by, *display.available]
    for key, value in labels.items():
        check_choice(key, "labels", allowed)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(NOT_A_LABEL.format(key=key, value=value))


def _label_names(obj: Any, display: Display) -> list[str]:
    """Return the names ``labels`` may word besides the columns: measures, drivers, cost objects."""
    if isinstance(obj, Allocation):
        objects = [str(v) for v in dict.fromkeys(obj.table["cost_object"])]
        return [*obj.settings.driver, *objects]
    if isinstance(obj, pd.DataFrame):
        return [str(m) for m in dict.fromkeys(obj["measure"])]
    return [m.name for m in obj.settings.measures]


def _suppress(display: Display, suppressed: pd.DataFrame | None) -> None:
    """Show the cells computed from a marked cell of the source as the suppression sign."""
    if suppressed is None:
        return
    if not isinstance(suppressed, pd.DataFrame):
        raise TypeError(
            SUPPRESSED_NOT_FRAME.format(kind=display.kind, value=type(suppressed).__name__)
        )
    source = display.source
    if not suppressed.index.equals(source.index):
        raise ValueError(
            SUPPRESSED_INDEX.format(kind=display.kind, rows=len(source), given=len(suppressed))
        )
    for column in suppressed.columns:
        check_choice(column, "suppressed column", [str(c) for c in source.columns])
        values = suppressed[column]
        bad = values[~values.map(lambda v: isinstance(v, (bool, np.bool_)))]
        if len(bad):
            distinct = list(dict.fromkeys(bad.astype(str)))
            shown = quoted(distinct[:5]) + (", ..." if len(distinct) > 5 else "")
            raise ValueError(
                SUPPRESSED_VALUES.format(
                    column=column,
                    values=shown,
                    count=f"{len(bad)} row" + ("" if len(bad) == 1 else "s"),
                )
            )
    sign = _words(display.lang)["suppressed"]
    hidden_rows = set(suppressed.index[suppressed.any(axis=1).to_numpy(dtype=bool)])
    for position, (row, origin) in enumerate(zip(display.rows, display.origins, strict=True)):
        if origin is None:
            _suppress_total(display, row, display.members.get(position, []), hidden_rows, sign)
            continue
        for key, inputs in display.inputs.items():
            if key in row and any(
                column in suppressed.columns and bool(suppressed.at[origin, column])
                for column in inputs
            ):
                row[key] = sign


def _suppress_total(
    display: Display, row: dict[str, str], members: list[Any], hidden: set[Any], sign: str
) -> None:
    """Hide a total that would show a hidden cell: it sums fewer than two non-empty rows.

    Secondary suppression leaves two hidden cells in a total with two or more non-empty
    cells, so such a total can be shown; a total of one non-empty row is that row itself.
    """
    if not any(member in hidden for member in members):
        return
    counts = next((c for c in ("n", "persons") if c in display.source.columns), None)
    if counts is None:
        non_empty = len(members)
    else:
        values = pd.to_numeric(display.source.loc[members, counts], errors="coerce")
        non_empty = int((values.fillna(0) > 0).sum())
    if non_empty >= 2:
        return
    for key in display.inputs:
        if row.get(key):
            row[key] = sign


def _prepared(
    obj: Any,
    kind: str | None,
    measures: Sequence[str | Measure] | None,
    lang: Lang,
    labels: Mapping[str, str] | None,
    columns: Sequence[str] | None,
    words: Persons,
    suppressed: pd.DataFrame | None,
) -> tuple[Display, list[str]]:
    """Build the display table with the user's labels and mask applied, and the columns shown."""
    labels = dict(labels or {})
    display = _display(obj, kind, measures, lang, words, labels)
    _check_labels(display, labels, _label_names(obj, display))
    _suppress(display, suppressed)
    if columns is None:
        keys = list(display.keys)
        if "note" in keys and not any(row.get("note") for row in display.rows):
            keys.remove("note")  # no row has a note: no empty column
    else:
        keys = [check_choice(c, "columns", display.available) for c in _names(columns, "columns")]
    for key in [*display.by, *keys]:
        display.headers[key] = labels.get(key) or display.headers.get(key, key)
    return display, [*display.by, *keys]


def formatted(
    obj: Result | Allocation | pd.DataFrame,
    kind: str | None = None,
    *,
    measures: Sequence[str | Measure] | None = None,
    lang: Lang = "sv",
    labels: Mapping[str, str] | None = None,
    columns: Sequence[str] | None = None,
    words: Persons = "adults",
    suppressed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the content of a display table as strings, for text output and reports.

    The same rows, words and number formats as :func:`table`, in a plain DataFrame whose
    column names are the headers: print it with ``to_string(index=False)``.

    Parameters
    ----------
    obj : Result, Allocation or pandas.DataFrame
        A result of :func:`genderbudget.analyse`, an allocation of
        :func:`genderbudget.allocate`, or the table of :func:`genderbudget.equalize` or
        :func:`genderbudget.follow_up` (recognised by their columns).
    kind : str, optional
        Which table of ``obj``: for a Result ``"comparisons"`` (default), ``"estimates"`` or
        ``"representation"``; for an Allocation ``"totals"`` (default), ``"table"`` (per cost
        object) or ``"sensitivity"``; for a DataFrame ``"plan"`` or ``"follow_up"``, which
        may be left out.
    measures : list of str or Measure, optional
        The measures to show, in this order (the drivers of an Allocation); default all.
        For a follow-up table a Measure says how to show it (a rate in percent and
        percentage points, an amount in its unit); a name alone shows plain numbers.
    lang : {"sv", "en"}, default "sv"
        Language of the words and number formats; a measure's unit ``"kr"`` is shown as
        ``"SEK"`` in English.
    labels : dict, optional
        Words for measures (drivers, cost objects) and columns by name, e.g.
        ``{"kostnad_per_varddygn": "Kostnad per klient", "ar": "År", "ci": "Intervall"}``.
        A measure's default is its ``label``, a column's the language file's header, a
        breakdown's its name.
    columns : list of str, optional
        The columns to show after the breakdowns, in this order, by key (see Notes);
        default a selection for the kind (the notes only when some row has one).
    words : {"adults", "children"}, default "adults"
        Row words for the sexes: *Kvinnor, Män* or, for children and youths, *Flickor,
        Pojkar* (``Result.explain`` takes the same option).
    suppressed : pandas.DataFrame, optional
        True/False per cell of the source table (``result.estimates`` for
        ``kind="estimates"``, ``allocation.totals`` for ``"totals"``, ...), with its index
        and any of its columns; a display cell computed from a marked cell shows ``..``.

    Returns
    -------
    pandas.DataFrame
        Strings only; the measure (driver, cost object) as the first column when more than
        one is shown.

    Raises
    ------
    ValueError
        Unknown kind, language, measure, column or label key; a label that is not a
        non-empty string; a mask not aligned with the table or not True/False.
    TypeError
        ``obj`` is not a table this module shows.

    Notes
    -----
    The column keys of each kind (default selection first, then the others):

    - ``comparisons``: ``women, men, difference, ci, ratio, p_adjusted, flag, note``;
      ``n_women, n_men, ratio_ci, p_value, adjusted_difference``. ``ci`` is the interval at
      the corrected level (the one that agrees with the verdict) unless ``p_adjust`` was
      ``"none"``.
    - ``estimates``: ``sex, n, estimate, ci, note``; ``units``. A *Totalt* row per cell
      sums ``n`` (and the estimate of a head-count or total).
    - ``representation``: ``sex, persons, persons_share, resource, resource_share,
      share_difference, ci, note``, with a *Totalt* row per cell.
    - Allocation ``totals`` and ``table``: ``[cost_object,] sex, amount, share,
      [per_capita, amount_rounded]``, with a *Totalt* row per cost object;
      ``sensitivity``: ``driver, women_share, men_share, unknown_share, spread``.
    - ``plan``: ``sex, n, current, current_rate, target_rate, needed, ci, change,
      new_rate, cost``; ``base, unit_cost, method, note``.
    - ``follow_up``: ``women, men, gap, ci, flag, target, met, first_met``; ``gap_basis,
      distance, trend_per_year, trend_ci``.

    The numbers of ``obj`` are read, never changed.

    Examples
    --------
    >>> import genderbudget as gb
    >>> data = gb.datasets.load_kriminalvarden()
    >>> result = gb.analyse(data, gb.rate("arbetsdrift", label="i arbetsdrift"), sex="kon",
    ...                     by="ar")
    >>> print(gb.formatted(result, "estimates", labels={"ar": "år"}).head(4).to_string())
         år      Kön  Antal Skattning    95 % KI
    0  2016  Kvinnor    249    42,2 %  36,2–48,4
    1  2016      Män  3 964    57,4 %  55,9–58,9
    2  2016    Okänt     11    63,6 %  35,4–84,8
    3  2016   Totalt  4 224
    """
    display, keys = _prepared(obj, kind, measures, lang, labels, columns, words, suppressed)
    frame = pd.DataFrame(display.rows, columns=[GROUP, *display.by, *display.available])
    groups = list(dict.fromkeys(frame[GROUP]))
    shown = ([GROUP] if len(groups) > 1 else []) + keys
    out = frame[shown].copy()
    out.columns = pd.Index(
        [display.group_header if k == GROUP else display.headers[k] for k in shown]
    )
    return out.reset_index(drop=True)


def table(
    obj: Result | Allocation | pd.DataFrame,
    kind: str | None = None,
    *,
    measures: Sequence[str | Measure] | None = None,
    lang: Lang = "sv",
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    source: str | None = None,
    synthetic: bool | None = None,
    columns: Sequence[str] | None = None,
    words: Persons = "adults",
    suppressed: pd.DataFrame | None = None,
) -> GT:
    """Make a display table (great_tables ``GT``) in Swedish or English, for notebooks.

    Parameters
    ----------
    obj, kind, measures, lang, labels, columns, words, suppressed
        As for :func:`formatted`.
    title : str, optional
        The table's title.
    source : str, optional
        Where the data come from, in the source note ("Källa: Kriminalvården.").
    synthetic : bool, optional
        True says in the source note that the data are synthetic (*syntetiska data*).

    Returns
    -------
    great_tables.GT
        One row group per measure (driver, cost object), headers in words, every cell
        formatted; ``as_raw_html()`` gives the HTML, ``show()`` opens it.

    Raises
    ------
    ValueError, TypeError
        As for :func:`formatted`.

    Examples
    --------
    >>> import genderbudget as gb
    >>> data = gb.datasets.load_kriminalvarden()
    >>> result = gb.analyse(data, gb.rate("arbetsdrift", label="i arbetsdrift"), sex="kon",
    ...                     by="ar")
    >>> html = gb.table(result, title="Andel i arbetsdrift", synthetic=True).as_raw_html()
    >>> "Syntetiska data, inte verkliga uppgifter." in html
    True
    """
    display, keys = _prepared(obj, kind, measures, lang, labels, columns, words, suppressed)
    frame = pd.DataFrame(display.rows, columns=[GROUP, *display.by, *display.available])
    frame = frame[[GROUP, *keys]].reset_index(drop=True)
    # An id from the content instead of great_tables' random one: the same table gives the
    # same HTML, so a re-run notebook or report does not change where nothing changed.
    content = hashlib.sha256(frame.to_csv().encode("utf-8")).hexdigest()[:12]
    gt = _stable_class()(frame, groupname_col=GROUP, auto_align=False, id=f"gb-{content}")
    headers: dict[str, Any] = {k: display.headers[k] for k in keys}
    gt = gt.cols_label(cases=headers)
    numbers = [k for k in keys if k not in display.text_keys and k not in display.by]
    if numbers:
        gt = gt.cols_align("right", columns=numbers)
    texts = [k for k in keys if k not in numbers]
    if texts:
        gt = gt.cols_align("left", columns=texts)
    if title is not None:
        gt = gt.tab_header(title=title)
    for line in _source_notes(display, lang, source, synthetic):
        gt = gt.tab_source_note(line)
    return gt


@functools.cache
def _stable_class() -> type[GT]:
    """Return a GT whose plain-text form is stable (great_tables' shows a memory address).

    A notebook stores a table's plain-text form next to its HTML; with an address in it,
    every run would change the stored outputs. The subclass is made on first use, so
    importing genderbudget does not import great_tables.
    """
    from great_tables import GT

    class DisplayTable(GT):
        """A great_tables GT with a plain-text form that names its id, not an address."""

        def __repr__(self) -> str:
            return f"<great_tables.GT {self._options.table_id.value}>"

    return DisplayTable


def _inputs(*same: str, **computed: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Name the source columns of each display column: ``same`` shows a column as it is."""
    return {**{key: (key,) for key in same}, **computed}


def _source_notes(
    display: Display, lang: Lang, source: str | None, synthetic: bool | None
) -> list[str]:
    """Return the lines under a table: the source, whether the data are synthetic, its notes."""
    text = _words(lang)
    lines = []
    if source is not None and synthetic:
        lines.append(text["source_synthetic"].format(source=source))
    elif source is not None:
        lines.append(text["source"].format(source=source))
    elif synthetic:
        lines.append(text["synthetic"])
    return lines + display.notes
