"""Numbers in Swedish and English: the one formatter of every presentation verb.

Swedish: decimal comma, a narrow no-break space (U+202F) between thousands, "45,0 %",
"12,3 procentenheter", "4 035 kr". English: decimal point, comma between thousands,
"45.0%", "12.3 percentage points", "4,035 SEK". Both use the minus sign U+2212 and a dash
for a missing number. The marks, units and their spacing come from the ``numbers`` section of
``texts.json``; the rounding is half away from zero on the shortest decimal form of the
value, as a reader rounds. Explanations, the demo and tables all format through here, so a
number reads the same wherever it is shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from genderbudget._privacy import masked
from genderbudget._texts import Lang, language

__all__ = [
    "amount_decimals",
    "format_amount",
    "format_number",
    "format_p_value",
    "format_percent",
    "format_points",
]

NOT_A_NUMBER = "{function}() expects a number (or NaN) for {key!r}, got {value!r}."
BAD_DECIMALS = "decimals must be an integer >= 0, got {value!r}."
P_BELOW = "< {p}"


def to_float(value: Any, key: str = "value", function: str = "format_number") -> float:
    """Return a row value as a float; None, NaN, pandas' NA and NaT give NaN."""
    if value is None:
        return math.nan
    if isinstance(value, str):
        raise ValueError(NOT_A_NUMBER.format(function=function, key=key, value=masked(value)))
    try:
        return float(value)
    except (TypeError, ValueError):
        missing = pd.isna(value)
        if isinstance(missing, bool) and missing:
            return math.nan
        raise ValueError(
            NOT_A_NUMBER.format(function=function, key=key, value=masked(value))
        ) from None


def round_half_up(value: float, decimals: int, shift: int = 0) -> Decimal:
    """Round half away from zero on the shortest decimal form of ``value``, after x 10**shift."""
    exact = Decimal(repr(float(value))).scaleb(shift)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _check_decimals(decimals: Any) -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(BAD_DECIMALS.format(value=masked(decimals)))
    return decimals


def format_decimal(value: Any, lang: Any, decimals: int, shift: int = 0) -> str:
    """Format ``value`` x 10**shift with ``decimals`` decimals and the language's marks."""
    numbers = language(lang)["numbers"]
    decimals = _check_decimals(decimals)
    x = to_float(value)
    if not math.isfinite(x):
        missing: str = numbers["missing"]
        return missing
    rounded = round_half_up(x, decimals, shift)
    digits = f"{abs(rounded):,.{decimals}f}"
    integer, _, fraction = digits.partition(".")
    text = integer.replace(",", numbers["thousands"])
    if fraction:
        text += numbers["decimal"] + fraction
    # Rounding to zero drops the sign: never "−0,0".
    return numbers["minus"] + text if rounded < 0 else text


def format_number(value: float, *, lang: Lang, decimals: int) -> str:
    """Format a number with the language's decimal mark, thousands separator and minus sign.

    Parameters
    ----------
    value : float
        The number; NaN, None and infinite values are shown as a dash.
    lang : {"sv", "en"}
        Swedish: decimal comma, narrow no-break space between thousands. English: decimal
        point, comma between thousands. Both use the minus sign U+2212.
    decimals : int
        Number of decimals, >= 0.

    Returns
    -------
    str
        The formatted number.

    Raises
    ------
    ValueError
        Unknown language, negative ``decimals``, or a value that is not a number.

    Notes
    -----
    Rounds half away from zero on the shortest decimal form of the value (so 2.675 gives
    2.68, as a reader expects, not 2.67 as binary floating point would). A value that rounds
    to zero is shown without a sign.

    Examples
    --------
    >>> format_number(-1234.5, lang="en", decimals=1)
    '−1,234.5'
    >>> format_number(2.675, lang="sv", decimals=2)
    '2,68'
    >>> format_number(float("nan"), lang="sv", decimals=0)
    '–'
    """
    return format_decimal(value, lang, decimals)


def format_percent(value: float, *, lang: Lang, decimals: int = 1) -> str:
    """Format a proportion as a percentage ("45,0 %" in Swedish, "45.0%" in English).

    Parameters
    ----------
    value : float
        A proportion (0.45 for 45 %); NaN gives a dash (without the sign).
    lang : {"sv", "en"}
        Language.
    decimals : int, default 1
        Decimals of the percentage.

    Returns
    -------
    str
        The percentage with its sign.

    Examples
    --------
    >>> format_percent(0.554, lang="sv")
    '55,4 %'
    >>> format_percent(0.554, lang="en")
    '55.4%'
    """
    text = format_decimal(value, lang, decimals, shift=2)
    if not math.isfinite(to_float(value)):
        return text
    template: str = language(lang)["numbers"]["percent"]
    return template.format(value=text)


def format_points(value: float, *, lang: Lang, decimals: int = 1, short: bool = False) -> str:
    """Format a difference of two proportions in percentage points.

    Parameters
    ----------
    value : float
        A difference of proportions (-0.123 for 12.3 percentage points less); NaN gives a
        dash (without the unit).
    lang : {"sv", "en"}
        Language.
    decimals : int, default 1
        Decimals of the percentage points.
    short : bool, default False
        The short unit ("p.e." in Swedish; English has no common abbreviation).

    Returns
    -------
    str
        The number of percentage points with the unit.

    Examples
    --------
    >>> format_points(-0.123, lang="sv")
    '−12,3 procentenheter'
    >>> format_points(0.118, lang="sv", short=True)
    '11,8 p.e.'
    >>> format_points(0.118, lang="en")
    '11.8 percentage points'
    """
    text = format_decimal(value, lang, decimals, shift=2)
    if not math.isfinite(to_float(value)):
        return text
    template: str = language(lang)["numbers"]["points_short" if short else "points"]
    return template.format(value=text)


def amount_decimals(values: Iterable[float]) -> int:
    """Decimals that show a group of amounts (a difference and its interval) alike.

    Parameters
    ----------
    values : iterable of float
        The amounts shown together; NaN and infinite values are ignored.

    Returns
    -------
    int
        0 when the largest absolute value is at least 100; otherwise up to 2 decimals (more
        below 1, so that the largest value keeps two significant digits), minus the trailing
        decimals that are zero for every value.

    Examples
    --------
    >>> amount_decimals([4035.2, 3147.4])
    0
    >>> amount_decimals([3.2, 1.1, 5.25])
    2
    >>> amount_decimals([3.2, 1.1, 5.3])
    1
    >>> amount_decimals([0.042, 0.051])
    3
    """
    finite = [abs(x) for x in (to_float(v) for v in values) if math.isfinite(x)]
    largest = max(finite, default=0.0)
    if largest >= 100 or largest == 0:
        return 0
    most = 2 if largest >= 1 else min(max(2, 1 - math.floor(math.log10(largest))), 12)
    decimals = most
    while decimals > 0 and all(
        round_half_up(x, decimals - 1) == round_half_up(x, decimals) for x in finite
    ):
        decimals -= 1
    return decimals


def format_amount(
    value: float, *, lang: Lang, decimals: int | None = None, unit: str | None = None
) -> str:
    """Format an amount in the measure's own unit (cost, days, hours, ...).

    Parameters
    ----------
    value : float
        The amount; NaN gives a dash (without the unit).
    lang : {"sv", "en"}
        Language.
    decimals : int, optional
        Decimals; by default :func:`amount_decimals` of the value alone.
    unit : str, optional
        Appended after a space, e.g. ``"kr"``.

    Returns
    -------
    str
        The formatted amount.

    Examples
    --------
    >>> format_amount(4035.2, lang="en", unit="SEK")
    '4,035 SEK'
    >>> format_amount(3.25, lang="sv")
    '3,25'
    """
    if decimals is None:
        decimals = amount_decimals([value])
    text = format_decimal(value, lang, decimals)
    if unit and math.isfinite(to_float(value)):
        template: str = language(lang)["numbers"]["unit"]
        return template.format(value=text, unit=unit)
    return text


def format_confidence(confidence: float, lang: Lang) -> str:
    """Format a confidence level in percent, with only the decimals it has: 0.95 gives "95"."""
    if not math.isfinite(confidence):
        return format_number(confidence, lang=lang, decimals=0)
    exponent = Decimal(repr(confidence)).scaleb(2).normalize().as_tuple().exponent
    decimals = min(-exponent, 2) if isinstance(exponent, int) and exponent < 0 else 0
    return format_decimal(confidence, lang, decimals, shift=2)


def format_probability(value: float, lang: Lang) -> str:
    """Format a probability with the decimals it needs, up to three (0,05; 0,1; 0,001)."""
    for decimals in (1, 2, 3):
        if round_half_up(value, decimals) == round_half_up(value, 6):
            return format_decimal(value, lang, decimals)
    return format_decimal(value, lang, 3)


def format_p_value(value: float, *, lang: Lang, decimals: int = 3) -> str:
    """Format a p-value with a fixed number of decimals, and a smaller one as "< 0,001".

    Parameters
    ----------
    value : float
        The p-value; NaN gives a dash.
    lang : {"sv", "en"}
        Language.
    decimals : int, default 3
        Decimals; a p-value below ``10**-decimals`` is shown as less than that.

    Returns
    -------
    str
        The formatted p-value.

    Examples
    --------
    >>> format_p_value(0.0384, lang="sv")
    '0,038'
    >>> format_p_value(0.00002, lang="en")
    '< 0.001'
    """
    decimals = _check_decimals(decimals)
    smallest = 10.0**-decimals
    if math.isfinite(to_float(value)) and to_float(value) < smallest:
        return P_BELOW.format(p=format_decimal(smallest, lang, decimals))
    return format_decimal(value, lang, decimals)
