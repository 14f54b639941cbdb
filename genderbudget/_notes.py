"""Notes of the output tables: stable codes with parameters, worded from ``texts.json``.

A note says why a number is missing or how it was limited ("fewer than 2 persons: no
interval"). Producers do not write the words: they emit a code with its parameters
(:func:`note`), and the words live in the language file under ``notes/<code>``, one template
per language. While a table is being built its ``note`` cells hold these notes in an internal
form, several of them joined with ``"; "`` like the finished text; :func:`finish` turns the
column into the two public ones, ``note`` (the English words) and ``note_codes`` (the codes,
joined with ``"; "``), and :func:`render` words the same notes in either language.

:data:`genderbudget._texts.NOTE_CODES` lists every code with the placeholders its template
takes, next to the method codes; the validator of the language file checks every language
against it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from genderbudget._options import check_choice
from genderbudget._texts import NOTE_CODES, Lang, language

__all__ = ["note_label"]

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
        return template.format(**self.params)


def _plain(value: object) -> object:
    """Return a numpy scalar as the Python number it holds (for JSON)."""
    return value.item() if isinstance(value, np.generic) else value


def note(code: str, **params: object) -> str:
    """Return the internal form of one note, for a ``note`` cell under construction.

    Join several with ``"; "``; :func:`finish` words them.
    """
    given = Note(code, {k: _plain(v) for k, v in params.items()})
    payload = json.dumps([given.code, dict(given.params)], ensure_ascii=False, sort_keys=True)
    return f"{_START}{payload}{_END}"


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
    parsed = tuple(parse(cell) for cell in out["note"].tolist())
    out["note"] = pd.Series([render(p, "en") for p in parsed], index=out.index, dtype=object)
    codes_column = [SEPARATOR.join(n.code for n in p) for p in parsed]
    out.insert(
        list(out.columns).index("note") + 1,
        NOTE_CODES_COLUMN,
        pd.Series(codes_column, index=out.index, dtype=object),
    )
    return out, parsed


def note_label(code: str, *, lang: Lang = "sv", **params: Any) -> str:
    """Word a note of the output tables, for tables and footnotes.

    The ``note`` column of :attr:`genderbudget.Result.estimates`,
    :attr:`~genderbudget.Result.comparisons` and :attr:`~genderbudget.Result.representation`
    says in English why a number is missing or limited; ``note_codes`` next to it holds the
    same notes as stable codes, joined with ``"; "``. This gives the words of one code in
    either language; :meth:`genderbudget.Result.notes` words a whole table's notes.

    Parameters
    ----------
    code : str
        A note code, e.g. ``"few_persons"`` or ``"too_few_units_for_verdict"``.
    lang : {"sv", "en"}, default "sv"
        Language.
    **params
        The values the code's words need, e.g. ``rows=12`` for
        ``"missing_factor_left_out"``; none for most codes.

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
