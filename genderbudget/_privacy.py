"""Swedish personal identity numbers: recognising them, and keeping them out of every message.

A personal identity number (personnummer) or coordination number (samordningsnummer) is
personal data. The library reads them in one place (:func:`genderbudget.sex_from_personnummer`)
and must never show one: not in an error, a warning, a table or a repr. This module holds the
one validation of such numbers (layout, date, Luhn check digit), used both to derive sex from
them and to mask them wherever a user's value is quoted.

The masking rule
----------------
A value quoted in a message is replaced by :data:`PLACEHOLDER` (``<personal identity
number>``) when its digits form a valid identity number:

- a string with 10 digits ``YYMMDDNNNC`` or 12 digits ``YYYYMMDDNNNC``, with or without a
  ``-`` or ``+`` between the date and the last four digits, and with or without spaces
  around it, or 9 digits alone (a 10-digit number that lost its leading zero); inside a
  longer string each such number is masked and the rest kept;
- an integer, or a whole float, with 9, 10 or 12 digits (9 digits: a 10-digit number whose
  leading zero an integer cannot keep), whatever its sign. Shorter integers are left alone:
  amounts of a few million kronor are common and would otherwise be masked by chance;
- and, in every case, the date exists (a coordination number adds 60 to the day) and the
  last digit is the Luhn check digit of the nine before it.

About 1 in 135 arbitrary 10-digit numbers passes both checks (0.74 % of 200,000 drawn at
random), so an amount is rarely masked, and a masked amount only hides a number in a
message, never changes one in a result.
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = [
    "HIDDEN_VALUES",
    "PLACEHOLDER",
    "IdentityNumbers",
    "check_identity_numbers",
    "hidden_values",
    "identity_numbers_among",
    "looks_like_identity_number",
    "mask_identity_numbers",
    "masked",
    "parse_identity_numbers",
]

PLACEHOLDER = "<personal identity number>"
"""What a message shows instead of a value that looks like a personal identity number."""

HIDDEN_VALUES = (
    "{n} {values_word} that {verb} like personal identity {number_word} ({rows}; not shown, "
    "they are personal data)"
)

# Where the ten digits YYMMDDNNNC sit in each accepted string layout, by length 10 to 13.
_TEN_DIGIT_POSITIONS = (
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],  # YYMMDDNNNC
    [0, 1, 2, 3, 4, 5, 7, 8, 9, 10],  # YYMMDD-NNNC or YYMMDD+NNNC
    [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],  # YYYYMMDDNNNC
    [2, 3, 4, 5, 6, 7, 9, 10, 11, 12],  # YYYYMMDD-NNNC
)
_TEN_DIGITS = 10**10
_ZERO = ord("0")
# Luhn: a digit d at an odd position (weight 2) contributes the digit sum of 2 * d.
_DOUBLED_DIGIT_SUM = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int32)
_DAYS_IN_MONTH = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
_HUNDRED_YEARS = 100

# An identity number inside a text: an optional century, the date, an optional separator
# with optional spaces around it, and the last four digits; or nine digits alone (a number
# that lost its leading zero); no digit right before or after.
_IN_TEXT = re.compile(r"(?<!\d)(?:(\d{2})?(\d{6})[ \t]*([-+]?)[ \t]*(\d{4})|(\d{9}))(?!\d)")
# Integers shorter than this are never masked (see the module's docstring).
_SMALLEST_MASKED_INTEGER = 10**8


class IdentityNumbers:
    """Per-row parse of a column of identity numbers.

    Attributes
    ----------
    missing : numpy.ndarray of bool
        Missing values, and strings that are empty or only whitespace.
    valid_format : numpy.ndarray of bool
        Values in one of the accepted layouts.
    digits : numpy.ndarray of uint8, shape (n, 10)
        The ten digits of the form ``YYMMDDNNNC`` (meaningful where ``valid_format``).
    century : numpy.ndarray of int64
        The first two digits of the 12-digit form; -1 when the value had 10 digits.
    separator : numpy.ndarray of str
        ``"-"`` or ``"+"`` for the 10-digit forms ``YYMMDD-NNNC`` and ``YYMMDD+NNNC``,
        otherwise ``""``.
    """

    def __init__(self, n: int) -> None:
        self.missing = np.zeros(n, dtype=bool)
        self.valid_format = np.zeros(n, dtype=bool)
        self.digits = np.zeros((n, 10), dtype=np.uint8)
        self.century = np.full(n, -1, dtype=np.int64)
        self.separator = np.full(n, "", dtype="U1")


def _parse_numbers(
    values: NDArray[np.float64], rows: NDArray[np.intp], parsed: IdentityNumbers
) -> None:
    """Integers (or whole floats): at most 10 digits are zero-padded to 10, 12 digits kept."""
    missing = np.isnan(values)
    with np.errstate(invalid="ignore"):
        whole = ~missing & (values >= 0) & (values < 10**12) & (np.floor(values) == values)
    number = np.where(whole, values, 0).astype(np.int64)
    twelve = number >= 10**11
    ok = whole & ((number < _TEN_DIGITS) | twelve)
    century, rest = np.divmod(np.where(ok, number, 0), _TEN_DIGITS)
    digits = np.empty((len(rest), 10), dtype=np.uint8)
    for place in range(9, -1, -1):
        rest, digits[:, place] = np.divmod(rest, 10)
    parsed.missing[rows] = missing
    parsed.valid_format[rows] = ok
    parsed.digits[rows] = digits
    parsed.century[rows] = np.where(ok & twelve, century, -1)


def _parse_strings(values: pd.Series, rows: NDArray[np.intp], parsed: IdentityNumbers) -> None:
    """Strings in one of the accepted layouts; empty or blank strings count as missing.

    The strings are laid out as a matrix of character codes, one row per value, so that the
    layout checks and the digit extraction are array operations.
    """
    if pd.api.types.is_object_dtype(values.dtype):
        values = values.astype(pd.StringDtype())
    text = values.str.strip()
    length = text.str.len().to_numpy(dtype=np.float64, na_value=np.nan)
    missing = np.isnan(length) | (length == 0)
    n_chars = np.where((length >= 10) & (length <= 13), length, 0).astype(np.intp)
    # Longer strings are cut to 13 characters here, but their n_chars of 0 rejects them.
    chars = text.to_numpy(dtype=object, na_value="").astype("U13").view(np.uint32).reshape(-1, 13)
    n_digits = ((chars >= _ZERO) & (chars <= _ZERO + 9)).sum(axis=1)
    dash, plus = ord("-"), ord("+")
    signed = (n_chars == 11) & (n_digits == 10) & ((chars[:, 6] == dash) | (chars[:, 6] == plus))
    ok = (
        ((n_chars == 10) & (n_digits == 10))
        | signed
        | ((n_chars == 12) & (n_digits == 12))
        | ((n_chars == 13) & (n_digits == 12) & (chars[:, 8] == dash))
    )
    digits = np.zeros((len(chars), 10), dtype=np.uint8)
    for n, positions in enumerate(_TEN_DIGIT_POSITIONS, start=10):
        layout = ok & (n_chars == n)
        digits[layout] = chars[layout][:, positions] - _ZERO
    first_two = (chars[:, 0].astype(np.int64) - _ZERO) * 10 + (chars[:, 1].astype(np.int64) - _ZERO)
    century = np.where(ok & (n_chars >= 12), first_two, -1)
    parsed.missing[rows] = missing
    parsed.valid_format[rows] = ok
    parsed.digits[rows] = digits
    parsed.century[rows] = century
    parsed.separator[rows] = np.where(signed, np.where(chars[:, 6] == plus, "+", "-"), "")


def _inferred(series: pd.Series) -> str:
    """Kind of the non-missing values of an object column ('string', 'integer', ...)."""
    if not pd.api.types.is_object_dtype(series.dtype):
        return ""
    return str(pd.api.types.infer_dtype(series, skipna=True))


def parse_identity_numbers(series: pd.Series) -> IdentityNumbers:
    """Parse a column of identity numbers (strings, integers or both) into their digits.

    Accepted layouts, after removing surrounding whitespace: ``YYMMDD-NNNC``,
    ``YYMMDD+NNNC``, ``YYMMDDNNNC``, ``YYYYMMDDNNNC`` and ``YYYYMMDD-NNNC``; an integer (or a
    whole float) with at most 10 digits is the 10-digit form padded with zeros on the left,
    one with 12 digits the 12-digit form.

    Parameters
    ----------
    series : pandas.Series
        One value per row.

    Returns
    -------
    IdentityNumbers
        Which rows are missing, which are in an accepted layout, and their digits.
    """
    n = len(series)
    parsed = IdentityNumbers(n)
    all_rows = np.arange(n, dtype=np.intp)
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        parsed.missing[:] = series.isna().to_numpy()
    elif pd.api.types.is_numeric_dtype(dtype):
        _parse_numbers(series.to_numpy(dtype=np.float64, na_value=np.nan), all_rows, parsed)
    elif (
        pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype)
    ) or _inferred(series) in {"string", "empty"}:
        _parse_strings(series, all_rows, parsed)
    elif _inferred(series) in {"integer", "floating", "mixed-integer-float"}:
        _parse_numbers(series.to_numpy(dtype=np.float64, na_value=np.nan), all_rows, parsed)
    else:
        # Mixed column: sort each value by type, then parse strings and numbers in bulk.
        raw = series.to_numpy(dtype=object)
        missing = series.isna().to_numpy()
        is_text = np.fromiter((isinstance(v, str) for v in raw), dtype=bool, count=n)
        is_number = np.fromiter((_is_number(v) for v in raw), dtype=bool, count=n)
        is_number &= ~missing
        parsed.missing[:] = missing
        if is_text.any():
            _parse_strings(pd.Series(raw[is_text], dtype=object), all_rows[is_text], parsed)
        if is_number.any():
            _parse_numbers(raw[is_number].astype(np.float64), all_rows[is_number], parsed)
    return parsed


def _is_number(value: object) -> bool:
    """Whether a value is a real number and not a boolean."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _two_digits(digits: NDArray[np.uint8], first: int) -> NDArray[np.int64]:
    """Read the two-digit number at columns ``first`` and ``first + 1`` of a digit matrix."""
    return digits[:, first].astype(np.int64) * 10 + digits[:, first + 1]


def _birth_year(parsed: IdentityNumbers, year: NDArray[np.int64], now: int) -> NDArray[np.int64]:
    """Return the full year of birth where the layout fixes it, else -1.

    The 12-digit forms give the century. In the 10-digit forms the separator does: ``-`` for
    someone under 100 (the most recent year ending in YY, up to this year), ``+`` for
    someone aged 100 or more (the most recent such year at least 100 years ago).
    """
    recent = now - (now - year) % _HUNDRED_YEARS
    centenarian = (now - _HUNDRED_YEARS) - (now - _HUNDRED_YEARS - year) % _HUNDRED_YEARS
    full = np.where(parsed.century >= 0, parsed.century * 100 + year, -1)
    full = np.where((parsed.century < 0) & (parsed.separator == "-"), recent, full)
    return np.where((parsed.century < 0) & (parsed.separator == "+"), centenarian, full)


def check_identity_numbers(
    parsed: IdentityNumbers, *, today: datetime.date | None = None
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Rows with an impossible date and rows with a wrong check digit.

    Parameters
    ----------
    parsed : IdentityNumbers
        From :func:`parse_identity_numbers`.
    today : datetime.date, optional
        The date that resolves the century of the forms ``YYMMDD-NNNC`` and
        ``YYMMDD+NNNC``; default today.

    Returns
    -------
    bad_date, bad_check : numpy.ndarray of bool
        Among the rows in an accepted layout and not missing: those whose date does not exist,
        and those whose date exists but whose check digit is wrong.

    Notes
    -----
    The month must be 01-12 and the day exist in that month; a coordination number adds 60
    to the day (61-91). February 29 needs a leap year of the full year when the century is
    known (given, or implied by the separator); with 10 digits and no separator, years ending
    in 00, 04, ..., 96 are allowed. The check digit C is the Luhn digit of the nine digits
    before it: weights 2, 1, 2, 1, ... from the left, digit sums of the products added,
    C = (10 - sum mod 10) mod 10.
    """
    now = (today or datetime.date.today()).year
    digits = parsed.digits
    year, month, day = (_two_digits(digits, first) for first in (0, 2, 4))
    day = np.where(day > 60, day - 60, day)  # coordination numbers add 60 to the day
    full_year = _birth_year(parsed, year, now)
    gregorian_leap = (full_year % 4 == 0) & ((full_year % 100 != 0) | (full_year % 400 == 0))
    leap = np.where(full_year >= 0, gregorian_leap, year % 4 == 0)
    month_ok = (month >= 1) & (month <= 12)
    days = np.where(month_ok, _DAYS_IN_MONTH[np.clip(month, 0, 12)], 0)
    days = np.where(month_ok & (month == 2) & ~leap, 28, days)
    date_ok = month_ok & (day >= 1) & (day <= days)

    # Weights 2, 1, 2, 1, ... from the left over the nine digits YYMMDDNNN.
    luhn_sum = _DOUBLED_DIGIT_SUM[digits[:, 0:9:2]].sum(axis=1) + digits[:, 1:9:2].sum(
        axis=1, dtype=np.int32
    )
    check_ok = (10 - luhn_sum % 10) % 10 == digits[:, 9]

    candidate = parsed.valid_format & ~parsed.missing
    return candidate & ~date_ok, candidate & date_ok & ~check_ok


def _canonical(value: object) -> str | None:
    """Return the value in an accepted layout if the masking rule may apply to it, else None."""
    if isinstance(value, str):
        match = _IN_TEXT.fullmatch(value.strip())
        return None if match is None else _from_match(match)
    if isinstance(value, np.generic):
        value = value.item()
    if not _is_number(value):
        return None
    number = float(value)  # type: ignore[arg-type]
    if not (math.isfinite(number) and number == math.floor(number)):
        return None
    whole = abs(int(number))  # a minus sign in front hides nothing
    if _SMALLEST_MASKED_INTEGER <= whole < _TEN_DIGITS:
        return f"{whole:010d}"
    if 10**11 <= whole < 10**12:
        return str(whole)
    return None


def _from_match(match: re.Match[str]) -> str:
    """Write an identity number found in a text in an accepted layout."""
    century, date, separator, last, nine = match.groups()
    if nine:
        return "0" + nine
    if century:
        return f"{century}{date}{last}"
    return f"{date}{separator}{last}"


def _valid(candidates: Sequence[str]) -> NDArray[np.bool_]:
    """Which strings in an accepted layout are valid identity numbers."""
    parsed = parse_identity_numbers(pd.Series(list(candidates), dtype=object))
    bad_date, bad_check = check_identity_numbers(parsed)
    return parsed.valid_format & ~parsed.missing & ~bad_date & ~bad_check


def identity_numbers_among(values: Sequence[object]) -> NDArray[np.bool_]:
    """Which values look like a personal identity number, under the masking rule.

    Parameters
    ----------
    values : sequence of object
        Strings, numbers, missing values, anything.

    Returns
    -------
    numpy.ndarray of bool
        One flag per value.

    Examples
    --------
    >>> identity_numbers_among(["640823-3234", 6408233234, 1234567890.5, "K", None]).tolist()
    [True, True, False, False, False]
    """
    canonical = [_canonical(value) for value in values]
    found = np.zeros(len(canonical), dtype=bool)
    where = [i for i, text in enumerate(canonical) if text is not None]
    if where:
        found[where] = _valid([canonical[i] or "" for i in where])
    return found


def looks_like_identity_number(value: object) -> bool:
    """Whether one value looks like a personal identity number (see the masking rule).

    Examples
    --------
    >>> looks_like_identity_number("19640823-3234"), looks_like_identity_number("640823-3235")
    (True, False)
    """
    return bool(identity_numbers_among([value])[0])


def mask_identity_numbers(text: str) -> str:
    """Replace every identity number inside a text by :data:`PLACEHOLDER`.

    Examples
    --------
    >>> mask_identity_numbers("patient 640823-3234, ward 7")
    'patient <personal identity number>, ward 7'
    >>> mask_identity_numbers("640823-3235 (wrong check digit) and 1234567890")
    '640823-3235 (wrong check digit) and 1234567890'
    """
    matches = list(_IN_TEXT.finditer(text))
    if not matches:
        return text
    valid = _valid([_from_match(match) for match in matches])
    pieces = []
    end = 0
    for match, is_number in zip(matches, valid, strict=True):
        if is_number:
            pieces.append(text[end : match.start()] + PLACEHOLDER)
            end = match.end()
    return "".join(pieces) + text[end:]


def hidden_values(n_values: int, rows: str) -> str:
    """Say how many values of a listing are not shown because they are identity numbers.

    Parameters
    ----------
    n_values : int
        Number of distinct values left out.
    rows : str
        Their number of rows, already worded (e.g. ``"12 rows"``).

    Examples
    --------
    >>> hidden_values(2, "3 rows")
    '2 values that look like personal identity numbers (3 rows; not shown, they are personal data)'
    """
    one = n_values == 1
    return HIDDEN_VALUES.format(
        n=n_values,
        values_word="value" if one else "values",
        verb="looks" if one else "look",
        number_word="number" if one else "numbers",
        rows=rows,
    )


class _Masked:
    """A value as a message shows it: itself, or the placeholder if it is an identity number."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __repr__(self) -> str:
        value = self.value.item() if isinstance(self.value, np.generic) else self.value
        if looks_like_identity_number(value):
            return PLACEHOLDER
        return mask_identity_numbers(repr(value))

    def __str__(self) -> str:
        if looks_like_identity_number(self.value):
            return PLACEHOLDER
        return mask_identity_numbers(str(self.value))

    def __format__(self, spec: str) -> str:
        if looks_like_identity_number(self.value):
            return PLACEHOLDER
        return mask_identity_numbers(format(self.value, spec))


def masked(value: object) -> Any:
    """Wrap a user's value so that quoting it in a message never shows an identity number.

    The wrapper formats like the value (``repr``, ``str``, a format spec, ``{value!r}`` in a
    message template), except that a value that looks like a personal identity number is
    shown as :data:`PLACEHOLDER`, and so is each identity number inside a longer value (a
    string, a list). Numpy scalars are shown as the Python scalars they hold.

    Examples
    --------
    >>> "got {value!r}".format(value=masked("19640823-3234"))
    'got <personal identity number>'
    >>> f"{masked('K')!r}, {masked(6408233234)!r}, {masked(['M', '6408233234'])!r}"
    "'K', <personal identity number>, ['M', '<personal identity number>']"
    >>> f"{masked(1234567.5)!r}"
    '1234567.5'
    """
    return _Masked(value)
