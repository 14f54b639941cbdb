"""The checks of the public functions' options, and their messages, in one place.

Every public function checks its arguments with these helpers, so one option gets one
message everywhere: it names the argument, the value given and what is allowed. A value is
quoted through :func:`quoted` or :func:`masked`, which never show a personal identity number.
Checks of the data itself (columns, sex codes, numbers in the rows) live with the pass over
the rows (:mod:`genderbudget._cells`, :mod:`genderbudget._sex`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from genderbudget._privacy import hidden_values, identity_numbers_among, masked

T = TypeVar("T")

__all__ = [
    "BAD_CONFIDENCE",
    "BAD_OPTION",
    "JUSTIFIED_IN_BY",
    "JUSTIFIED_IS_SEX",
    "SEX_IN_BY",
    "TEMPORARY",
    "check_choice",
    "check_column",
    "check_columns",
    "check_confidence",
    "check_not_temporary",
    "check_number",
    "check_roles",
    "counted",
    "masked",
    "quoted",
    "renamed",
    "word_for",
]

BAD_OPTION = "{name}={value!r} is not allowed. Allowed values: {allowed}."
BAD_CONFIDENCE = "confidence must be a number strictly between 0 and 1 (e.g. 0.95), got {value!r}."
BAD_NUMBER = "{name} must be {what}, got {value!r}."
NOT_A_COLUMN = "{name} must be the name of a column, got {value!r}."
NOT_COLUMNS = "{name} must be a column name or a list of column names, got {value!r}."
TWICE = "{name} lists a column twice: {value!r}."
FORMER_NAME = (
    "{name}={value!r} and {former_name}={former!r} disagree; {former_name}= is the former "
    "name of {name}=. Give {name}= only."
)
TEMPORARY = "§gb§"
"""The prefix of the temporary columns of a computation: no caller's column may start with it,
so a temporary column never takes the name of one of the caller's columns."""
TEMPORARY_NAME = (
    "Column {column!r} starts with {prefix!r}, which genderbudget keeps for the names of its "
    "temporary columns. Rename it, e.g. data = data.rename(columns={{{column!r}: {renamed!r}}})."
)
SEX_IN_BY = "The sex column {sex!r} cannot also be a breakdown (by=); it is always split by sex."
JUSTIFIED_IS_SEX = (
    "The sex column {sex!r} cannot be a justified factor: the gap between women and men "
    "would be explained by sex itself."
)
JUSTIFIED_IN_BY = (
    "Column {column!r} is both a breakdown (by=) and a justified factor (justified=); within "
    "a breakdown cell it is constant, so it cannot explain anything there. Use it in one place."
)


def check_columns(value: str | Sequence[str], name: str) -> list[str]:
    """Return a column name or a list of column names as a list, each name once.

    Parameters
    ----------
    value : str or sequence of str
        What the caller gave.
    name : str
        The argument's name, for the message.

    Returns
    -------
    list of str

    Raises
    ------
    TypeError
        An item is not a string, or ``value`` is not a sequence.
    ValueError
        A column is listed twice.

    Examples
    --------
    >>> check_columns("ar", "by")
    ['ar']
    >>> check_columns(["ar", "anstalt"], "by")
    ['ar', 'anstalt']
    """
    if isinstance(value, str):
        return [value]
    try:
        items = list(value)
    except TypeError:
        raise TypeError(NOT_COLUMNS.format(name=name, value=masked(value))) from None
    for item in items:
        if not isinstance(item, str):
            raise TypeError(NOT_COLUMNS.format(name=name, value=masked(item)))
    if len(set(items)) != len(items):
        raise ValueError(TWICE.format(name=name, value=masked(items)))
    return items


def check_column(value: object, name: str) -> str:
    """Return ``value`` if it is a column name; else raise a TypeError naming the argument.

    Examples
    --------
    >>> check_column("kon", "sex")
    'kon'
    """
    if not isinstance(value, str):
        raise TypeError(NOT_A_COLUMN.format(name=name, value=masked(value)))
    return value


def check_number(
    value: object,
    name: str,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    what: str | None = None,
    message: str | None = None,
) -> float:
    """Return ``value`` as a float if it is a finite real number in ``[low, high]``.

    Parameters
    ----------
    value : object
        What the caller gave. Booleans are not numbers here.
    name : str
        The argument's name, for the message.
    low, high : float, optional
        The closed range allowed.
    what : str, optional
        How the message describes the allowed values; default from the range.
    message : str, optional
        A message with a ``{value!r}`` field to raise instead of the generic one.

    Raises
    ------
    ValueError
        Not a real number, not finite, or out of range.

    Examples
    --------
    >>> check_number(250_000, "unit_cost", low=0.0)
    250000.0
    """
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    number = float(value) if ok else math.nan  # type: ignore[arg-type]
    if not (math.isfinite(number) and low <= number <= high):
        if message is not None:
            raise ValueError(message.format(value=masked(value)))
        raise ValueError(
            BAD_NUMBER.format(name=name, what=what or _range(low, high), value=masked(value))
        )
    return number


def check_confidence(value: object) -> float:
    """Return a confidence level strictly between 0 and 1 as a float.

    Examples
    --------
    >>> check_confidence(0.9)
    0.9
    """
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not (ok and 0.0 < float(value) < 1.0):  # type: ignore[arg-type]
        raise ValueError(BAD_CONFIDENCE.format(value=masked(value)))
    return float(value)  # type: ignore[arg-type]


def check_choice(value: Any, name: str, allowed: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``allowed``; else say which values are.

    Examples
    --------
    >>> check_choice("holm", "p_adjust", ("holm", "none"))
    'holm'
    """
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(BAD_OPTION.format(name=name, value=masked(value), allowed=quoted(allowed)))
    return value


def quoted(values: Iterable[object]) -> str:
    """Join values as their reprs, for messages, with personal identity numbers masked.

    Every user value a message quotes passes through here or through
    :func:`genderbudget._privacy.masked`, so no message shows a personal identity number
    (see the masking rule in :mod:`genderbudget._privacy`).

    Examples
    --------
    >>> quoted(["holm", "none"])
    "'holm', 'none'"
    >>> quoted(["K", "19640823-3234"])
    "'K', <personal identity number>"
    """
    return ", ".join(repr(masked(v)) for v in values)


def listed_counts(counts: Sequence[tuple[Any, int]], limit: int = 10) -> str:
    """List values with their row counts, for messages; identity numbers counted, never shown.

    Examples
    --------
    >>> listed_counts([("x", 3), ("y", 1)])
    "'x' (3 rows), 'y' (1 row)"
    >>> listed_counts([("K", 1), ("19640823-3234", 2)]).startswith("'K' (1 row), 1 value that")
    True
    """
    hidden = identity_numbers_among([value for value, _ in counts])
    shown = [item for item, is_number in zip(counts, hidden, strict=True) if not is_number]
    parts = [f"{masked(value)!r} ({counted(int(c))})" for value, c in shown[:limit]]
    if len(shown) > limit:
        more = len(shown) - limit
        parts.append(f"and {more} more distinct {word_for(more, 'value', 'values')}")
    if hidden.any():
        rows = sum(int(c) for (_, c), is_number in zip(counts, hidden, strict=True) if is_number)
        parts.append(hidden_values(int(hidden.sum()), counted(rows)))
    return ", ".join(parts)


def check_roles(sex: str, by: Sequence[str], justified: Sequence[str] = ()) -> None:
    """Check that the sex column, the breakdowns and the justified factors are distinct.

    Raises
    ------
    ValueError
        The sex column is a breakdown or a factor, or a factor is also a breakdown.
    """
    if sex in by:
        raise ValueError(SEX_IN_BY.format(sex=masked(sex)))
    if sex in justified:
        raise ValueError(JUSTIFIED_IS_SEX.format(sex=masked(sex)))
    for column in justified:
        if column in by:
            raise ValueError(JUSTIFIED_IN_BY.format(column=masked(column)))


def check_not_temporary(columns: Iterable[str]) -> None:
    """Refuse a column whose name starts with the prefix of the temporary columns.

    Raises
    ------
    ValueError
        A column starts with :data:`TEMPORARY`; the message says how to rename it.

    Examples
    --------
    >>> check_not_temporary(["kon", "__sex"])
    """
    for column in columns:
        if isinstance(column, str) and column.startswith(TEMPORARY):
            renamed = column.replace(TEMPORARY, "", 1) or "column"
            raise ValueError(
                TEMPORARY_NAME.format(column=column, prefix=TEMPORARY, renamed=renamed)
            )


def renamed(value: T, former: T | None, name: str, former_name: str, default: T) -> T:
    """Return an option given by its name or by its former name, still accepted.

    Parameters
    ----------
    value : object
        The value under the current name (``default`` when not given).
    former : object or None
        The value under the former name (None when not given).
    name, former_name : str
        The two names, for the message.
    default : object
        The current name's default.

    Raises
    ------
    ValueError
        Both names are given, with different values.

    Examples
    --------
    >>> renamed(None, "anstalt", "cluster", "within", None)
    'anstalt'
    """
    if former is None:
        return value
    if value != default and value != former:
        raise ValueError(
            FORMER_NAME.format(
                name=name,
                value=masked(value),
                former_name=former_name,
                former=masked(former),
            )
        )
    return former


def word_for(count: int, one: str, many: str) -> str:
    """Return ``one`` for a count of 1 and ``many`` otherwise (for messages).

    Examples
    --------
    >>> word_for(2, "value", "values")
    'values'
    """
    return one if count == 1 else many


def counted(count: int, word: str = "row", many: str | None = None) -> str:
    """Return a count with its word, e.g. ``1 row`` or ``2,000 rows`` (for messages).

    Examples
    --------
    >>> counted(2000)
    '2,000 rows'
    >>> counted(1, "amount")
    '1 amount'
    """
    return f"{count:,} {word_for(count, word, many or word + 's')}"


def _range(low: float, high: float) -> str:
    if math.isinf(low) and math.isinf(high):
        return "a finite number"
    if math.isinf(high):
        return f"a finite number >= {low:g}"
    if math.isinf(low):
        return f"a finite number <= {high:g}"
    return f"a number between {low:g} and {high:g}"
