"""Coding of yes/no columns: what a rate counts as "got it" and "did not get it".

Agencies export yes/no answers as ``ja``/``nej``, ``J``/``N``, ``Sant``/``Falskt``,
``TRUE``/``FALSE``, booleans, ``1``/``0`` or a mark such as ``x`` in an otherwise empty
column. This module codes the few distinct values of such a column as yes (1), no (0) or
missing, like :mod:`genderbudget._sex` codes sex: once per distinct value, with the number of
rows carrying it, and a value that is not recognised is an error naming each such value and
its rows, so that nothing is lost silently.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd

from genderbudget._options import listed_counts, quoted
from genderbudget._privacy import identity_numbers_among

__all__ = ["CODED_AS", "UNRECOGNISED_YES_NO", "YesNoCoding", "code_yes_no_values"]

YES, NO, MISSING = "yes", "no", "missing"
CODED_AS: tuple[str, str, str] = (YES, NO, MISSING)
"""The codes of a yes/no value, as the coding report shows them."""

_YES_CODES = frozenset(["ja", "j", "sant", "true", "1"])
_NO_CODES = frozenset(["nej", "n", "falskt", "false", "0"])
_MAX_LISTED_VALUES = 20

UNRECOGNISED_YES_NO = (
    "Column {column!r} (used by rate({column!r})) must say yes or no for each person, but "
    "has values that are not a yes/no code: {values}. Recognised, ignoring case and "
    "surrounding spaces: ja/nej, j/n, sant/falskt, true/false, 1/0 (numbers or text) and "
    "booleans; empty and missing cells are missing{marked}. Recode the other values, e.g. "
    "data[{column!r}] = data[{column!r}].replace({{{example}: 'nej'}}), or set them to "
    "missing to leave those rows out (they are then reported as excluded)."
)
MARK_HINT = (
    ". If a mark such as 'x' means yes and an empty cell means no, say so with "
    "rate({column!r}, marked='x')"
)
MARK_USED = ", except that with marked={marked!r} the mark means yes and an empty cell no"
BAD_MARK = (
    "marked must be the text that marks a yes, e.g. marked='x', got {value!r}; it cannot "
    "be empty or one of the codes that already mean yes or no ({codes})."
)


def _fold(text: str) -> str:
    """Compare strings without regard to case, Unicode form or surrounding whitespace."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def check_mark(marked: object) -> str | None:
    """Return the mark of a marked yes/no column, or None; refuse an empty or known code.

    Examples
    --------
    >>> check_mark("X")
    'X'
    """
    if marked is None:
        return None
    if not isinstance(marked, str) or not _fold(marked) or _fold(marked) in _YES_CODES | _NO_CODES:
        codes = quoted(sorted(_YES_CODES | _NO_CODES))
        raise ValueError(BAD_MARK.format(value=marked, codes=codes))
    return marked


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(float(value))


def _code(value: object, mark: str | None) -> str | None:
    """Code one distinct value; None when it is not a yes/no code."""
    if _is_missing(value):
        return NO if mark is not None else MISSING
    if isinstance(value, bool | np.bool_):
        return YES if value else NO
    if isinstance(value, int | float | np.integer | np.floating):
        return {1.0: YES, 0.0: NO}.get(float(value))
    if not isinstance(value, str):
        return None
    text = _fold(value)
    if mark is not None and text == _fold(mark):
        return YES
    if not text:
        return NO if mark is not None else MISSING
    if text in _YES_CODES:
        return YES
    if text in _NO_CODES:
        return NO
    return None


def _shown(value: object) -> str:
    """Show a value as a user would type it; text through the shared quoting of messages."""
    if isinstance(value, np.generic):
        value = value.item()
    return quoted([value]) if isinstance(value, str) else repr(value)


class YesNoCoding:
    """The coding of one yes/no column: its distinct values, their codes and rows.

    Attributes
    ----------
    values : list of object
        The distinct raw values.
    codes : list of str
        ``"yes"``, ``"no"`` or ``"missing"`` for each value.
    rows : list of int
        The number of rows carrying each value.
    """

    def __init__(self, values: list[object], codes: list[str], rows: list[int]) -> None:
        self.values = values
        self.codes = codes
        self.rows = rows

    def having(self, code: str) -> list[object]:
        """Return the distinct raw values coded as ``code`` (missing values left out)."""
        return [
            v
            for v, c in zip(self.values, self.codes, strict=True)
            if c == code and not _is_missing(v)
        ]

    @property
    def missing_is_no(self) -> bool:
        """Whether a missing value (null) means no: a marked column's empty cell."""
        return any(c == NO and _is_missing(v) for v, c in zip(self.values, self.codes, strict=True))


def code_yes_no_values(
    values: Sequence[object], rows: Sequence[int], *, column: str, marked: str | None = None
) -> YesNoCoding:
    """Code the distinct raw values of a yes/no column as ``"yes"``, ``"no"`` or ``"missing"``.

    Parameters
    ----------
    values : sequence of object
        Distinct raw values of the column (strings, booleans, numbers, missing values).
    rows : sequence of int
        Number of rows carrying each value, in the same order.
    column : str
        Name of the column, for the message.
    marked : str, optional
        The mark that means yes in a column that is otherwise empty, e.g. ``"x"``. With it,
        the mark means yes and an empty cell (an empty or blank string, or a missing value,
        which is how a spreadsheet exports an empty cell) means no.

    Returns
    -------
    YesNoCoding

    Raises
    ------
    ValueError
        If a value is not a yes/no code. The message names the column and every such value
        with its rows (most frequent first; at most 20, then how many more), the recognised
        codes and how to recode the others.

    Notes
    -----
    Text is compared after removing surrounding whitespace and ignoring case: ``ja``/``nej``,
    ``j``/``n``, ``sant``/``falskt``, ``true``/``false`` and ``1``/``0`` mean yes/no, as do
    booleans and the numbers 1 and 0. Without `marked`, missing values and empty or blank
    strings are missing: the rows are left out of the rate and counted as excluded.

    Examples
    --------
    >>> coding = code_yes_no_values(["Ja", " NEJ", None, True], [5, 4, 1, 2], column="arbete")
    >>> coding.codes
    ['yes', 'no', 'missing', 'yes']
    >>> code_yes_no_values(["x", ""], [3, 7], column="arbete", marked="X").codes
    ['yes', 'no']
    """
    mark = check_mark(marked)
    coded = [_code(value, mark) for value in values]
    offending = [
        (value, int(count))
        for value, count, code in zip(values, rows, coded, strict=True)
        if code is None
    ]
    if offending:
        raise ValueError(_unrecognised_message(column, offending, mark))
    return YesNoCoding(
        list(values), [code for code in coded if code is not None], [int(r) for r in rows]
    )


def _unrecognised_message(
    column: str, offending: list[tuple[object, int]], mark: str | None
) -> str:
    ranked = sorted(offending, key=lambda item: (-item[1], _shown(item[0])))
    listed = listed_counts(ranked, _MAX_LISTED_VALUES)
    shown = [value for value, _ in ranked if not identity_numbers_among([value]).any()]
    hint = MARK_HINT.format(column=column) if mark is None else MARK_USED.format(marked=mark)
    return UNRECOGNISED_YES_NO.format(
        column=column, values=listed, marked=hint, example=_shown(shown[0]) if shown else "'...'"
    )
