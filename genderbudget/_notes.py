"""Notes of the output tables: stable codes with parameters, worded from ``texts.json``.

A note says why a number is missing or how it was limited ("fewer than 2 persons: no
interval"). Producers do not write the words: they emit a code with its parameters
(:func:`note`), and the words live in the language file under ``notes/<code>``, one template
per language. While a table is being built its ``note`` cells hold these notes in an internal
form, several of them joined with ``"; "`` like the finished text; :func:`finish` turns the
column into the two public ones, ``note`` (the English words) and ``note_codes`` (the codes,
joined with ``"; "``), and :func:`render` words the same notes in either language.

A parameter holds a value (a number, a column name, a value of the data), never words of
a language, so that a note reads the same in every language. Two kinds of parameter are
worded in the note's language: a list of values (:func:`values`), joined with the
language's words for a list ("'a', 'b' and 'c'"), and notes inside a note (:func:`inner`),
such as the reasons an interval is missing.

A finished table keeps its notes, in the internal form, in ``DataFrame.attrs`` under
:data:`ATTRS_KEY`, keyed by the row's index label; :func:`word_notes` words them in either
language as long as each row's ``note`` still matches them.

:data:`genderbudget._texts.NOTE_CODES` lists every code with the placeholders its template
takes, next to the method codes; the validator of the language file checks every language
against it.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from genderbudget._columns import objects
from genderbudget._format import format_number
from genderbudget._options import check_choice, counted
from genderbudget._texts import NOTE_CODES, Lang, language

__all__ = ["note_label", "word_notes"]

SEPARATOR = "; "
NOTE_CODES_COLUMN = "note_codes"
"""The column :func:`finish` adds next to ``note`` (estimates, comparisons, representation)."""
# The internal form of one note: its code and parameters as JSON between two control
# characters, which JSON escapes inside strings, so a parameter cannot end a note early.
_START, _END = "\x02", "\x03"
_TOKEN = re.compile("\x02([^\x03]*)\x03")
UNKNOWN_CODE = "Unknown note code {code!r}."
WRONG_PARAMS = "Note {code!r} takes the parameters {expected}, not {given}."
NOT_NOTES = "Internal error: a note cell holds text that is not a note: {text!r}."
BAD_JOIN = "Internal error: notes inside a note are joined with one of {joins}, not {join!r}."
NO_NOTE_COLUMNS = (
    "The table has no {missing} column, so it has no notes to word. Pass a table of "
    "genderbudget that carries its notes: the estimates, comparisons or representation of a "
    "Result, the plan of gb.equalize, or the table of gb.oaxaca or gb.decompose_cost."
)
NOTES_LOST = (
    "The notes of {rows} of this table cannot be worded: their codes ({codes}) need values "
    "that the table no longer carries, because its rows or index were changed after "
    "genderbudget made it (e.g. with reset_index or sort_values(ignore_index=True)), or it "
    "was read from a file. Word the notes on the table as it was returned, e.g. "
    "table['note_sv'] = gb.word_notes(table) before reshaping it."
)
# Where a finished table keeps its notes in the internal form, by the row's index label.
ATTRS_KEY = "genderbudget_notes"
# How notes inside a note are joined: as notes ("; "), with commas, or as a list in the
# note's language ("a and b").
JOINS: tuple[str, ...] = ("; ", ", ", "list")
# How many values a list shows before it says how many more there are.
LIST_LIMIT = 6


@dataclass(frozen=True)
class Note:
    """One note: a stable code and the values of its template's placeholders.

    Attributes
    ----------
    code : str
        A key of :data:`NOTE_CODES`.
    params : mapping of str to object
        The values of the placeholders, e.g. ``{"rows": 12}``.
    """

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in NOTE_CODES:
            raise ValueError(UNKNOWN_CODE.format(code=self.code))
        expected = NOTE_CODES[self.code]
        if set(self.params) != expected:
            raise ValueError(
                WRONG_PARAMS.format(
                    code=self.code, expected=sorted(expected), given=sorted(self.params)
                )
            )

    def text(self, lang: Lang = "en") -> str:
        """Word the note in ``lang``."""
        template: str = language(lang)["notes"][self.code]
        fields = {k: _worded(v, lang) for k, v in self.params.items()}
        if lang == "sv":
            return _SWEDISH.format(template, **fields)
        return template.format(**fields)


_FIXED = re.compile(r"\.(\d+)f")


class _SwedishNumbers(string.Formatter):
    """Format ``{x:.2f}`` fields with the Swedish decimal comma and thousands spaces."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        fixed = _FIXED.fullmatch(format_spec)
        if fixed and isinstance(value, int | float | np.number) and not isinstance(value, bool):
            return format_number(float(value), lang="sv", decimals=int(fixed.group(1)))
        return super().format_field(value, format_spec)


_SWEDISH = _SwedishNumbers()


def listing(items: Sequence[str], lang: Lang) -> str:
    """Join values with the language's words for a list, e.g. "'a', 'b' and 'c'"."""
    words = language(lang)["list"]
    shown = [str(item) for item in items[:LIST_LIMIT]]
    if len(items) > LIST_LIMIT:
        shown.append(words["more"].format(count=len(items) - LIST_LIMIT))
    if len(shown) <= 1:
        return "".join(shown)
    return str(words["separator"]).join(shown[:-1]) + str(words["last"]) + shown[-1]


def _worded(value: object, lang: Lang) -> object:
    """Return a parameter as its template takes it: lists and inner notes in ``lang``."""
    if isinstance(value, list):
        return listing(value, lang)
    if isinstance(value, dict):
        texts = [n.text(lang) for n in parse(value["notes"])]
        if value["join"] == "list":
            return listing(texts, lang)
        return str(value["join"]).join(texts)
    return value


def _plain(value: object) -> object:
    """Return a numpy scalar as the Python number it holds (for JSON)."""
    return value.item() if isinstance(value, np.generic) else value


def note(code: str, **params: object) -> str:
    """Return the internal form of one note, for a ``note`` cell under construction.

    Join several with ``"; "``; :func:`finish` words them. A parameter is a value, a list
    of values made by :func:`values`, or notes made by :func:`inner`.
    """
    given = Note(code, {k: _plain(v) for k, v in params.items()})
    payload = json.dumps([given.code, dict(given.params)], ensure_ascii=False, sort_keys=True)
    return f"{_START}{payload}{_END}"


def note_where(mask: np.ndarray, text: str) -> np.ndarray:
    """Return ``text`` where ``mask`` holds and ``""`` elsewhere, as objects (one note per row)."""
    return np.where(mask, text, "").astype(object)


def joined(*notes: np.ndarray) -> np.ndarray:
    """Join each row's notes (repeats once, blanks left out) with ``"; "``, as objects."""
    rows = zip(*(column.tolist() for column in notes), strict=True)
    return objects("; ".join(dict.fromkeys(v for v in row if v)) for row in rows)


def as_texts(values: np.ndarray) -> list[str]:
    """Each note cell as text, a missing one (None, NaN) as ""."""
    return [v if isinstance(v, str) else "" for v in values.tolist()]


def values(items: Iterable[str]) -> list[str]:
    """Return a parameter that lists values, each already written (e.g. its ``repr``).

    It is worded as a list in the note's language, "'a', 'b' and 'c'" or "'a', 'b' och
    'c'"; beyond six values it says how many more there are.
    """
    return [str(item) for item in items]


def inner(notes: Iterable[str], join: str = SEPARATOR) -> dict[str, str]:
    """Return a parameter that holds notes, each made by :func:`note`.

    They are worded in the note's language and joined with ``join``: ``"; "``, ``", "``
    or ``"list"`` (the language's words for a list, "a and b").
    """
    if join not in JOINS:
        raise AssertionError(BAD_JOIN.format(joins=JOINS, join=join))
    return {"notes": SEPARATOR.join(n for n in notes if n), "join": join}


def parse(cell: object) -> tuple[Note, ...]:
    """Read the notes of a cell in the internal form (none for an empty or missing cell)."""
    if not isinstance(cell, str) or not cell:
        return ()
    rest = _TOKEN.sub("", cell).replace(SEPARATOR, "")
    if rest:
        raise AssertionError(NOT_NOTES.format(text=cell))
    found: list[Note] = []
    for payload in _TOKEN.findall(cell):
        code, params = json.loads(payload)
        found.append(Note(code, params))
    return tuple(found)


def split(cell: object) -> list[str]:
    """Return each note of a cell in the internal form, in order (to compare notes)."""
    return [note(n.code, **n.params) for n in parse(cell)]


def render(notes: Iterable[Note], lang: Lang = "en") -> str:
    """Word the notes in ``lang``, joined with ``"; "``."""
    return SEPARATOR.join(n.text(lang) for n in notes)


def english(cell: object) -> str:
    """Word a cell in the internal form in English ("" for an empty cell)."""
    return render(parse(cell), "en")


def codes(cell: object) -> str:
    """Return the codes of a cell in the internal form, joined with ``"; "``."""
    return SEPARATOR.join(n.code for n in parse(cell))


def finish(table: pd.DataFrame) -> tuple[pd.DataFrame, tuple[tuple[Note, ...], ...]]:
    """Word the ``note`` column in English and add ``note_codes`` right after it.

    Parameters
    ----------
    table : pandas.DataFrame
        A table whose ``note`` cells hold notes in the internal form.

    Returns
    -------
    pandas.DataFrame
        A copy with ``note`` in English words and ``note_codes`` next to it.
    tuple of tuple of Note
        The notes of each row, in the order of the rows (to word them in another language).
    """
    out = table.copy()
    cells = out["note"].tolist()
    # Many rows share their notes: each distinct cell is read and worded once.
    distinct = {cell: parse(cell) for cell in dict.fromkeys(cells)}
    words_of = {cell: render(found, "en") for cell, found in distinct.items()}
    codes_of = {cell: SEPARATOR.join(n.code for n in found) for cell, found in distinct.items()}
    parsed = tuple(distinct[cell] for cell in cells)
    out["note"] = pd.Series([words_of[cell] for cell in cells], index=out.index, dtype=object)
    codes_column = [codes_of[cell] for cell in cells]
    out.insert(
        list(out.columns).index("note") + 1,
        NOTE_CODES_COLUMN,
        pd.Series(codes_column, index=out.index, dtype=object),
    )
    out.attrs[ATTRS_KEY] = {
        label: cell
        for label, cell, found in zip(out.index.tolist(), cells, parsed, strict=True)
        if found
    }
    return out, parsed


def word(rows: Sequence[tuple[Note, ...]], index: pd.Index, lang: Lang) -> pd.Series:
    """Word the notes of each row in ``lang``, as a Series with the table's index."""
    return pd.Series([render(n, lang) for n in rows], index=index, dtype=object)


def _row_notes(
    label: object, text: object, codes_cell: object, kept: Mapping[Any, str]
) -> tuple[Note, ...] | None:
    """Return the notes of one row of a finished table; None when they cannot be known."""
    listed = codes_cell.split(SEPARATOR) if isinstance(codes_cell, str) and codes_cell else []
    if not listed:
        return ()
    found = parse(kept.get(label))
    if [n.code for n in found] == listed and render(found, "en") == text:
        return found
    if all(code in NOTE_CODES and not NOTE_CODES[code] for code in listed):
        # codes without parameters can be worded from the codes alone
        return tuple(Note(code) for code in listed)
    return None


def word_notes(table: pd.DataFrame, *, lang: Lang = "sv") -> pd.Series:
    """Word the notes of a table of genderbudget in Swedish or English.

    Every table with a ``note`` column (English words) has ``note_codes`` next to it (the
    same notes as stable codes): the ``estimates``, ``comparisons`` and ``representation``
    of a :class:`genderbudget.Result`, the plan of :func:`genderbudget.equalize` and the
    tables of :func:`genderbudget.oaxaca` and :func:`genderbudget.decompose_cost`. This
    words them in either language, row by row.

    Parameters
    ----------
    table : pandas.DataFrame
        A table as genderbudget returned it, or a selection of its rows (with their index).
    lang : {"sv", "en"}, default "sv"
        Language. ``"en"`` gives the table's ``note`` column as it is.

    Returns
    -------
    pandas.Series
        One string per row of the table, with its index; "" where a row has no note.

    Raises
    ------
    ValueError
        Unknown language; a table without ``note`` and ``note_codes``; rows whose notes
        need values (e.g. a number of rows) that the table no longer carries, because its
        index was changed or it was read from a file (codes without values are worded from
        ``note_codes`` alone).

    Examples
    --------
    >>> import pandas as pd
    >>> import genderbudget as gb
    >>> data = pd.DataFrame({"kon": ["K", "K", "M", "M", None], "fick": [1, 0, 1, 1, 1]})
    >>> plan = gb.equalize(data, "fick", sex="kon")
    >>> plan["note_codes"].tolist()
    ['', 'other_sex_disadvantaged', 'sex_unknown_no_target']
    >>> gb.word_notes(plan).tolist()
    ['', 'här är det det andra könet som är missgynnat', 'kön okänt: ingår inte i något mål']
    >>> gb.word_notes(plan, lang="en").tolist()
    ['', 'the other sex is the disadvantaged one here', 'sex unknown: not part of any target']
    """
    check_choice(lang, "lang", ("sv", "en"))
    missing = [c for c in ("note", "note_codes") if c not in table.columns]
    if missing:
        raise ValueError(NO_NOTE_COLUMNS.format(missing=" and ".join(map(repr, missing))))
    if lang == "en":
        return table["note"].astype(object).copy()
    kept: Mapping[Any, str] = table.attrs.get(ATTRS_KEY, {})
    rows: list[tuple[Note, ...]] = []
    lost: dict[str, None] = {}
    count = 0
    for label, text, codes_cell in zip(
        table.index.tolist(), table["note"].tolist(), table["note_codes"].tolist(), strict=True
    ):
        found = _row_notes(label, text, codes_cell, kept)
        if found is None:
            count += 1
            lost.update(dict.fromkeys(str(codes_cell).split(SEPARATOR)))
            found = ()
        rows.append(found)
    if count:
        raise ValueError(NOTES_LOST.format(rows=counted(count), codes=", ".join(lost)))
    return word(rows, table.index, lang)


def note_label(code: str, *, lang: Lang = "sv", **params: Any) -> str:
    """Word a note of the output tables, for tables and footnotes.

    The ``note`` column of :attr:`genderbudget.Result.estimates`,
    :attr:`~genderbudget.Result.comparisons` and :attr:`~genderbudget.Result.representation`,
    of the plan of :func:`genderbudget.equalize` and of the tables of
    :func:`genderbudget.oaxaca` and :func:`genderbudget.decompose_cost` says in English why a
    number is missing or limited; ``note_codes`` next to it holds the same notes as stable
    codes, joined with ``"; "`` (:attr:`genderbudget.Allocation.note_codes` those of an
    allocation). This gives the words of one code in either language;
    :func:`genderbudget.word_notes` words a whole table's notes.

    Parameters
    ----------
    code : str
        A note code, e.g. ``"few_persons"`` or ``"too_few_units_for_verdict"``.
    lang : {"sv", "en"}, default "sv"
        Language.
    **params
        The values the code's words need, e.g. ``rows=12`` for
        ``"missing_factor_left_out"``; none for most codes. A list of values (each already
        written, e.g. ``["'a'", "'b'"]``) is worded as a list in the language.

    Returns
    -------
    str
        The note, in lower case.

    Raises
    ------
    ValueError
        Unknown code (the message lists the known ones), parameters the code does not take
        or that it lacks, or unknown language.

    Examples
    --------
    >>> import genderbudget as gb
    >>> gb.note_label("few_persons")
    'färre än 2 personer: inget intervall'
    >>> gb.note_label("few_persons", lang="en")
    'fewer than 2 persons: no interval'
    >>> gb.note_label("missing_factor_left_out", rows=1200)
    'den justerade skillnaden utelämnar 1200 rader där en saklig faktor saknas'
    """
    check_choice(code, "code", tuple(NOTE_CODES))
    check_choice(lang, "lang", ("sv", "en"))
    return Note(code, params).text(lang)
