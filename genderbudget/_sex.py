"""Coding of legal sex: women, men and unknown.

Every analysis in genderbudget splits by sex, and agency exports record sex in many ways:
``K``/``M``, ``kvinna``/``man``, ``F``/``M``, SCB's ``1``/``2``, or only through the personal
identity number. This module turns all of them into one categorical variable with the three
values of :data:`SEX_CATEGORIES`. Missing values are kept as ``"unknown"``, never dropped, and a
code that is not recognised is an error that names each such value and how many rows carry it,
so that nothing is lost silently.

Personal identity numbers are personal data: :func:`sex_from_personnummer` never echoes them in
an error or a warning, only their positions, and an error about unrecognised sex codes counts
the values that look like identity numbers without showing them (their validation and masking
live in :mod:`genderbudget._privacy`).
"""

from __future__ import annotations

import math
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast, overload

import narwhals as nw
import numpy as np
import pandas as pd
from narwhals.dependencies import is_polars_series
from numpy.typing import NDArray

from genderbudget._options import listed_counts, word_for
from genderbudget._privacy import (
    IdentityNumbers,
    check_identity_numbers,
    identity_numbers_among,
    masked,
    parse_identity_numbers,
)

if TYPE_CHECKING:
    import polars as pl

__all__ = ["SEX_CATEGORIES", "code_sex_values", "normalize_sex", "sex_from_personnummer"]

SEX_CATEGORIES: tuple[str, str, str] = ("women", "men", "unknown")
"""The coded values of sex, in the order used for categories and tables."""

_SEX_DTYPE = pd.CategoricalDtype(categories=list(SEX_CATEGORIES), ordered=False)
_WOMEN, _MEN, _UNKNOWN = 0, 1, 2  # positions in SEX_CATEGORIES, used as category codes
_DEFAULT_COLUMN = "values"
_MAX_LISTED_VALUES = 20
_MAX_LISTED_POSITIONS = 10

UNRECOGNISED_SEX_MESSAGE = (
    "Column {column!r} has values that are not a recognised sex code: {values}. "
    "Recognised: K/M, kvinna/man, kvinnor/män, flicka/pojke, F/M, female/male, woman/man, "
    "SCB 1 (man)/2 (kvinna); missing values become 'unknown'. "
    "Map other codes with mapping={{{example}: 'women' | 'men' | 'unknown', ...}}."
)
IDENTITY_NUMBERS_AS_SEX = (
    "The column seems to hold personal identity numbers: derive sex from them with "
    "gb.sex_from_personnummer(data[{column!r}]) and pass the result as the sex column."
)
MAPPING_TARGET_MESSAGE = (
    "mapping has targets that are not sex categories: {targets}. "
    "Allowed targets: 'women', 'men', 'unknown'."
)
MAPPING_CONFLICT_MESSAGE = (
    "mapping has keys that differ only in case or surrounding whitespace but map to different "
    "targets: {keys}. Keep one of them."
)
INVALID_OPTION_MESSAGE = "invalid={value!r} is not supported. Allowed values: 'raise', 'unknown'."
INVALID_PERSONNUMMER_MESSAGE = (
    "Column {column!r} has {n} {values_word} that {verb} not a valid personal identity number "
    "(personnummer) or coordination number (samordningsnummer): {details}. The numbers "
    "themselves are not shown because they are personal data; positions are 0-based. "
    "Correct them, or pass invalid=\"unknown\" to code them as 'unknown'."
)
UNKNOWN_PERSONNUMMER_WARNING = (
    "Column {column!r}: {n} {values_word} coded as 'unknown' because {verb} not a valid "
    "personal identity number (personnummer) or coordination number (samordningsnummer): "
    "{details}. The numbers themselves are not shown because they are personal data; "
    "positions are 0-based."
)
UNSUPPORTED_INPUT_MESSAGE = (
    "{function} takes one column (a pandas or polars Series, a list or a 1-dimensional numpy "
    "array), not {kind}. Pass a column, e.g. data['kon']."
)
LAZY_INPUT_MESSAGE = (
    "{function} codes one column held in memory (a pandas or polars Series, a list or a "
    "1-dimensional numpy array), not a lazy table ({kind}), whose rows stay in its engine. "
    "{fix}"
)
EXPRESSION_INPUT_MESSAGE = (
    "{function} codes the values of one column (a pandas or polars Series, a list or a "
    "1-dimensional numpy array), not {kind}, which holds no values to go through (a column "
    "expression is evaluated inside its engine). {fix}"
)
LAZY_INPUT_FIX = {
    "normalize_sex": (
        "analyse, equalize, oaxaca, decompose_cost and allocate code the sex column inside "
        "the engine: name it with sex= instead. To code it here, collect the one column "
        "first, e.g. as a pandas Series."
    ),
    "sex_from_personnummer": "Collect the one column first, e.g. as a pandas Series.",
}

_FORMAT, _DATE, _CHECK_DIGIT = "format", "date", "check digit"
_REASON_TEXT = {
    _FORMAT: "not in a recognised format",
    _DATE: "impossible date",
    _CHECK_DIGIT: "wrong check digit",
}

_RECOGNISED_CODES: dict[str, int] = {
    **dict.fromkeys(
        [
            "k",
            "kvinna",
            "kvinnor",
            "flicka",
            "flickor",
            "f",
            "female",
            "females",
            "woman",
            "women",
            "girl",
            "girls",
            "2",
        ],
        _WOMEN,
    ),
    **dict.fromkeys(
        ["m", "man", "män", "pojke", "pojkar", "male", "males", "men", "boy", "boys", "1"], _MEN
    ),
    **dict.fromkeys(["unknown", ""], _UNKNOWN),
}
_SCB_NUMBERS = {1: _MEN, 2: _WOMEN}


# --------------------------------------------------------------------------------------------
# Coding of distinct values
# --------------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Compare strings without regard to case, Unicode form or surrounding whitespace."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def _exact_key(value: object) -> object:
    """Key for exact lookups that keeps booleans apart from the numbers 0 and 1."""
    if isinstance(value, bool | np.bool_):
        return (bool, bool(value))
    return value


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        missing = pd.isna(cast(Any, value))
    except (TypeError, ValueError):
        return False
    return isinstance(missing, bool | np.bool_) and bool(missing)


def _show(value: object) -> str:
    """Represent a value the way a user would type it (numpy scalars as Python scalars).

    A value that looks like a personal identity number is masked.
    """
    return repr(masked(value))


def _prepare_mapping(
    mapping: Mapping[Any, str] | None,
) -> tuple[dict[object, int], dict[str, int]]:
    """Check a user mapping and split it into exact and folded-string lookups."""
    if mapping is None:
        return {}, {}
    if not isinstance(mapping, Mapping):
        raise TypeError(
            f"mapping must be a dict such as {{'X': 'unknown'}}, not {masked(mapping)!r}."
        )
    bad = [(key, target) for key, target in mapping.items() if target not in SEX_CATEGORIES]
    if bad:
        targets = ", ".join(f"{_show(target)} (for {_show(key)})" for key, target in bad)
        raise ValueError(MAPPING_TARGET_MESSAGE.format(targets=targets))
    exact: dict[object, int] = {}
    folded: dict[str, int] = {}
    folded_keys: dict[str, list[object]] = {}
    for key, target in mapping.items():
        code = SEX_CATEGORIES.index(target)
        exact[_exact_key(key)] = code
        if isinstance(key, str):
            folded_keys.setdefault(_fold(key), []).append(key)
            if folded.setdefault(_fold(key), code) != code:
                keys = ", ".join(_show(k) for k in folded_keys[_fold(key)])
                raise ValueError(MAPPING_CONFLICT_MESSAGE.format(keys=keys))
    return exact, folded


def _code_value(value: object, exact: dict[object, int], folded: dict[str, int]) -> int | None:
    """Category code of one distinct value, or None when it is not recognised."""
    if exact:
        try:
            code = exact.get(_exact_key(value))
        except TypeError:  # an unhashable value cannot be a key of the mapping
            code = None
        if code is not None:
            return code
    if isinstance(value, str):
        text = _fold(value)
        if text in folded:
            return folded[text]
        return _RECOGNISED_CODES.get(text)
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | np.integer):
        return _SCB_NUMBERS.get(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return _UNKNOWN
        if number.is_integer():
            return _SCB_NUMBERS.get(int(number))
        return None
    if _is_missing(value):
        return _UNKNOWN
    return None


def _unrecognised_message(column: str, offending: list[tuple[object, int]]) -> str:
    ranked = sorted(offending, key=lambda item: (-item[1], _show(item[0])))
    listed = listed_counts(ranked, _MAX_LISTED_VALUES)
    hidden = identity_numbers_among([value for value, _ in ranked])
    numbers = [item for item, is_number in zip(ranked, hidden, strict=True) if is_number]
    ranked = [item for item, is_number in zip(ranked, hidden, strict=True) if not is_number]
    example = _show(ranked[0][0]) if ranked else repr("X")
    message = UNRECOGNISED_SEX_MESSAGE.format(column=column, values=listed, example=example)
    if numbers:
        message += " " + IDENTITY_NUMBERS_AS_SEX.format(column=column)
    return message


def _code_distinct(
    values: Sequence[object],
    counts: Sequence[int],
    *,
    column: str,
    mapping: Mapping[Any, str] | None,
) -> list[int]:
    if len(values) != len(counts):
        raise ValueError(
            f"values and counts must have the same length, got {len(values)} values "
            f"and {len(counts)} counts."
        )
    exact, folded = _prepare_mapping(mapping)
    codes = [_code_value(value, exact, folded) for value in values]
    offending = [
        (value, int(count))
        for value, count, code in zip(values, counts, codes, strict=True)
        if code is None
    ]
    if offending:
        raise ValueError(_unrecognised_message(column, offending))
    return [code for code in codes if code is not None]


def code_sex_values(
    values: Sequence[object],
    counts: Sequence[int],
    *,
    column: str,
    mapping: Mapping[Any, str] | None = None,
) -> list[str]:
    """Code the distinct raw values of a sex column as ``"women"``, ``"men"`` or ``"unknown"``.

    This is the rule book behind :func:`normalize_sex`. It works on the few distinct values of a
    column together with the number of rows carrying each, so that a large table is grouped
    once by its raw sex column and only the groups are coded.

    Parameters
    ----------
    values : sequence of object
        Distinct raw values of the sex column (strings, numbers, missing values).
    counts : sequence of int
        Number of rows carrying each value, in the same order as `values`. Used only in the
        error message.
    column : str
        Name of the column, used in the error message.
    mapping : mapping of object to str, optional
        Extra codes, consulted before the built-in ones, e.g.
        ``{"X": "unknown", "okänd": "unknown", "Kv": "women"}``. A key matches a value that
        is equal to it; a string key also matches a string value that is equal after removing
        surrounding whitespace and ignoring case. Every target must be ``"women"``, ``"men"``
        or ``"unknown"``.

    Returns
    -------
    list of str
        The coded value for each element of `values`, in the same order.

    Raises
    ------
    ValueError
        If a value is not a recognised sex code and not in `mapping`. The message names the
        column and every such value with its row count (most frequent first; at most 20, then
        how many more), and says how to map them. Values that look like personal identity
        numbers are only counted, never shown, and the message points to
        :func:`sex_from_personnummer`. Also if a target in `mapping` is not one
        of the three categories, if two string keys of `mapping` differ only in case or
        whitespace but have different targets, or if `values` and `counts` differ in length.

    Notes
    -----
    Strings are compared after removing surrounding whitespace and ignoring case (and Unicode
    normalisation form). Recognised codes for women / men:

    - ``K`` / ``M``, ``kvinna`` / ``man``, ``kvinnor`` / ``män``, ``flicka`` / ``pojke``,
      ``flickor`` / ``pojkar`` (Swedish);
    - ``F`` / ``M``, ``female`` / ``male``, ``females`` / ``males``, ``woman`` / ``man``,
      ``women`` / ``men``, ``girl`` / ``boy``, ``girls`` / ``boys`` (English);
    - SCB's coding 2 = kvinna, 1 = man, as an integer, a whole float (pandas stores an integer
      column with missing values as floats), a numpy number or the strings ``"1"`` / ``"2"``.

    The outputs themselves (``"women"``, ``"men"``, ``"unknown"``) are recognised, so coding is
    idempotent. Missing values (None, NaN, ``pd.NA``, ``pd.NaT``) and strings that are empty or
    only whitespace become ``"unknown"``. Booleans are never sex codes, even though
    ``True == 1`` in Python.

    Examples
    --------
    >>> from genderbudget._sex import code_sex_values
    >>> code_sex_values(["K", " man ", 2, None], [10, 8, 3, 1], column="kon")
    ['women', 'men', 'women', 'unknown']
    >>> code_sex_values(["Kv", "okänd"], [4, 2], column="kon",
    ...                 mapping={"kv": "women", "OKÄND": "unknown"})
    ['women', 'unknown']
    """
    codes = _code_distinct(values, counts, column=column, mapping=mapping)
    return [SEX_CATEGORIES[code] for code in codes]


# --------------------------------------------------------------------------------------------
# Input and output kinds
# --------------------------------------------------------------------------------------------


def _column_name(name: object) -> str:
    if name is None or name == "":
        return _DEFAULT_COLUMN
    return str(name)


def _table_kind(values: Any) -> str | None:
    """Say whether ``values`` is a table of any engine: ``"eager"``, ``"lazy"`` or None."""
    try:
        frame = nw.from_native(values)
    except TypeError:  # not a table (a Series, a list, an array, ...)
        return None
    return "lazy" if isinstance(frame, nw.LazyFrame) else "eager"


def _iterable(values: object) -> bool:
    """Whether ``values`` can be gone through (a column expression of a lazy engine cannot)."""
    if isinstance(values, pd.Series | np.ndarray) or is_polars_series(values):
        return True
    try:
        iter(values)  # type: ignore[call-overload]
    except TypeError:
        return False
    return True


def _check_column_input(values: object, function: str) -> None:
    table = _table_kind(values)
    if table == "lazy":
        kind = f"{type(values).__module__.split('.')[0]} {type(values).__name__}"
        raise TypeError(
            LAZY_INPUT_MESSAGE.format(function=function, kind=kind, fix=LAZY_INPUT_FIX[function])
        )
    if table == "eager":
        kind = "a data frame"
    elif not _iterable(values) and type(values).__module__ == "builtins":
        kind = f"a single {type(values).__name__}"
    elif not _iterable(values):
        kind = f"a {type(values).__module__.split('.')[0]} {type(values).__name__}"
        raise TypeError(
            EXPRESSION_INPUT_MESSAGE.format(
                function=function, kind=kind, fix=LAZY_INPUT_FIX[function]
            )
        )
    elif isinstance(values, str | bytes):
        kind = f"a single {type(values).__name__}"
    elif isinstance(values, Mapping):
        kind = "a mapping"
    elif isinstance(values, np.ndarray) and values.ndim != 1:
        kind = f"a {values.ndim}-dimensional array"
    else:
        return
    raise TypeError(UNSUPPORTED_INPUT_MESSAGE.format(function=function, kind=kind))


def _as_pandas(values: object) -> pd.Series:
    """Wrap a list or numpy array in a pandas Series, keeping list elements as they are."""
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, np.ndarray):
        return pd.Series(values)
    elements = list(cast(Sequence[object], values))
    array = np.empty(len(elements), dtype=object)
    array[:] = elements
    return pd.Series(array)


def _pandas_result(codes: NDArray[np.int8], like: pd.Series | None) -> pd.Series:
    categorical = pd.Categorical.from_codes(codes, dtype=_SEX_DTYPE)
    if like is None:
        return pd.Series(categorical)
    return pd.Series(categorical, index=like.index, name=like.name)


def _polars_result(codes: NDArray[np.int8], name: str) -> pl.Series:
    import polars as pl

    return pl.Series(name, codes).replace_strict(
        list(range(len(SEX_CATEGORIES))),
        list(SEX_CATEGORIES),
        return_dtype=pl.Enum(list(SEX_CATEGORIES)),
    )


# --------------------------------------------------------------------------------------------
# normalize_sex
# --------------------------------------------------------------------------------------------

_BOOL_KEYS = {True: object(), False: object()}


def _equals_a_boolean(value: object) -> bool:
    """Whether a value is a boolean or a number that Python considers equal to one."""
    if isinstance(value, bool | np.bool_):
        return True
    return isinstance(value, int | float | np.integer | np.floating) and value in (0, 1)


def _factorize_keeping_booleans(series: pd.Series) -> tuple[NDArray[np.intp], list[object]]:
    """Distinct values of a Series and each row's position among them; missing is -1.

    pandas (like Python) treats ``True`` as equal to ``1``, so in an object column they would
    be counted as one value. Booleans are therefore replaced by stand-ins before factorising
    and restored afterwards, which keeps them apart and lets them be reported as not a code.
    """
    codes, uniques = pd.factorize(series)
    distinct: list[object] = uniques.tolist()
    if pd.api.types.is_object_dtype(series.dtype) and any(
        _equals_a_boolean(value) for value in distinct
    ):
        raw = series.to_numpy()
        is_bool = np.fromiter(
            (isinstance(value, bool | np.bool_) for value in raw), dtype=bool, count=len(raw)
        )
        if is_bool.any():
            keyed = raw.copy()
            keyed[is_bool] = [_BOOL_KEYS[bool(value)] for value in raw[is_bool]]
            codes, keyed_uniques = pd.factorize(keyed)
            restore = {id(stand_in): value for value, stand_in in _BOOL_KEYS.items()}
            distinct = [restore.get(id(value), value) for value in keyed_uniques.tolist()]
    return codes, distinct


def _normalize_pandas(series: pd.Series, mapping: Mapping[Any, str] | None) -> NDArray[np.int8]:
    positions, distinct = _factorize_keeping_booleans(series)
    counts = np.bincount(positions[positions >= 0], minlength=len(distinct))
    coded = _code_distinct(
        distinct, counts.tolist(), column=_column_name(series.name), mapping=mapping
    )
    lookup = np.array([*coded, _UNKNOWN], dtype=np.int8)  # position -1 (missing) -> unknown
    return lookup[positions]


def _normalize_polars(series: pl.Series, mapping: Mapping[Any, str] | None) -> pl.Series:
    import polars as pl

    enum = pl.Enum(list(SEX_CATEGORIES))
    work = series
    if work.dtype.is_float():
        work = work.fill_nan(None)
    elif isinstance(work.dtype, pl.Categorical | pl.Enum):
        work = work.cast(pl.String)
    distinct_counts = work.drop_nulls().rename("value").value_counts(sort=False, name="count")
    distinct = distinct_counts.get_column("value").to_list()
    counts = distinct_counts.get_column("count").to_list()
    coded = code_sex_values(distinct, counts, column=_column_name(series.name), mapping=mapping)
    if not distinct:
        return pl.Series(series.name, ["unknown"] * len(series), dtype=enum)
    return (
        work.replace_strict(distinct, coded, return_dtype=enum)
        .fill_null("unknown")
        .rename(series.name)
    )


@overload
def normalize_sex(values: pl.Series, *, mapping: Mapping[Any, str] | None = None) -> pl.Series: ...


@overload
def normalize_sex(
    values: pd.Series | NDArray[Any] | Sequence[object],
    *,
    mapping: Mapping[Any, str] | None = None,
) -> pd.Series: ...


def normalize_sex(
    values: pd.Series | pl.Series | NDArray[Any] | Sequence[object],
    *,
    mapping: Mapping[Any, str] | None = None,
) -> pd.Series | pl.Series:
    """Code a sex column as ``"women"``, ``"men"`` or ``"unknown"``.

    Parameters
    ----------
    values : pandas.Series, polars.Series, list or 1-dimensional numpy array
        Raw sex codes, one per row, e.g. ``"K"``/``"M"``, ``"kvinna"``/``"man"`` or SCB's
        ``1``/``2``.
    mapping : mapping of object to str, optional
        Extra codes, consulted before the built-in ones, e.g. ``{"X": "unknown"}``. A string
        key matches regardless of case and surrounding whitespace. Targets must be
        ``"women"``, ``"men"`` or ``"unknown"``.

    Returns
    -------
    pandas.Series or polars.Series
        One coded value per row. For a pandas Series: a pandas Series with the same index and
        name and dtype ``pd.CategoricalDtype(["women", "men", "unknown"])`` (unordered). For a
        polars Series: a polars Series with the same name and dtype
        ``pl.Enum(["women", "men", "unknown"])``. For a list or array: a pandas Series of the
        same categorical dtype with a default index and no name.

    Raises
    ------
    ValueError
        If some values are not a recognised sex code and not in `mapping`. The message names
        the column (the Series name, or ``'values'``), each such value with its number of
        rows, the recognised codes, and how to map the others with `mapping`. Also if a target
        in `mapping` is not one of the three categories.
    TypeError
        If `values` is a data frame, a single string or a multi-dimensional array.

    See Also
    --------
    code_sex_values : The coding rules, applied to distinct values.
    sex_from_personnummer : Sex derived from personal identity numbers.

    Notes
    -----
    The distinct values are found once, coded with :func:`code_sex_values` and then spread
    back to the rows, so the cost is one pass over the column. Missing values and empty
    strings become ``"unknown"``; they are kept, never dropped. Booleans are rejected. The
    recognised codes are listed under :func:`code_sex_values`.

    Examples
    --------
    >>> import pandas as pd
    >>> from genderbudget._sex import normalize_sex
    >>> coded = normalize_sex(pd.Series(["K", "m ", None, 2, "Kvinna"], name="kon"))
    >>> coded.tolist()
    ['women', 'men', 'unknown', 'women', 'women']
    >>> coded.name, list(coded.cat.categories)
    ('kon', ['women', 'men', 'unknown'])
    >>> normalize_sex(["F", "X"], mapping={"x": "unknown"}).tolist()
    ['women', 'unknown']
    """
    _check_column_input(values, "normalize_sex")
    if is_polars_series(values):
        return _normalize_polars(values, mapping)
    series = _as_pandas(values)
    codes = _normalize_pandas(series, mapping)
    return _pandas_result(codes, series if isinstance(values, pd.Series) else None)


# --------------------------------------------------------------------------------------------
# sex_from_personnummer
# --------------------------------------------------------------------------------------------


def _sex_codes(parsed: IdentityNumbers, valid: NDArray[np.bool_]) -> NDArray[np.int8]:
    """Sex from the second-to-last digit (odd: man, even: woman); unknown where not valid."""
    codes = np.where(parsed.digits[:, 8] % 2 == 1, _MEN, _WOMEN).astype(np.int8)
    codes[~valid] = _UNKNOWN
    return codes


def _positions_text(rows: NDArray[np.intp]) -> str:
    shown = ", ".join(str(row) for row in rows[:_MAX_LISTED_POSITIONS])
    text = f"{word_for(len(rows), 'position', 'positions')} {shown}"
    if len(rows) > _MAX_LISTED_POSITIONS:
        text += f" … and {len(rows) - _MAX_LISTED_POSITIONS} more"
    return text


def _invalid_details(invalid: dict[str, NDArray[np.bool_]]) -> tuple[int, str]:
    parts = []
    total = 0
    for reason, mask in invalid.items():
        rows = np.flatnonzero(mask)
        if len(rows):
            total += len(rows)
            parts.append(f"{len(rows)} {_REASON_TEXT[reason]} ({_positions_text(rows)})")
    return total, "; ".join(parts)


@overload
def sex_from_personnummer(
    values: pl.Series, *, invalid: Literal["raise", "unknown"] = "raise"
) -> pl.Series: ...


@overload
def sex_from_personnummer(
    values: pd.Series | NDArray[Any] | Sequence[object],
    *,
    invalid: Literal["raise", "unknown"] = "raise",
) -> pd.Series: ...


def sex_from_personnummer(
    values: pd.Series | pl.Series | NDArray[Any] | Sequence[object],
    *,
    invalid: Literal["raise", "unknown"] = "raise",
) -> pd.Series | pl.Series:
    """Derive sex from Swedish personal identity numbers and coordination numbers.

    Parameters
    ----------
    values : pandas.Series, polars.Series, list or 1-dimensional numpy array
        Personal identity numbers (personnummer) or coordination numbers
        (samordningsnummer), as strings or integers, one per row.
    invalid : {"raise", "unknown"}, default "raise"
        What to do with values that are not valid numbers: raise a ``ValueError``, or code
        them as ``"unknown"`` and emit a ``UserWarning`` saying how many and why.

    Returns
    -------
    pandas.Series or polars.Series
        One coded value (``"women"``, ``"men"`` or ``"unknown"``) per row. For a pandas Series:
        a pandas Series with the same index and name and dtype
        ``pd.CategoricalDtype(["women", "men", "unknown"])``. For a polars Series: a polars
        Series with the same name and dtype ``pl.Enum(["women", "men", "unknown"])``. For a
        list or array: a pandas Series of the categorical dtype with a default index.

    Raises
    ------
    ValueError
        If ``invalid="raise"`` and some values are not valid numbers. The message names the
        column, counts the invalid values by reason (not in a recognised format, impossible
        date, wrong check digit) and gives the 0-based positions of the first ten for each
        reason. It never shows the numbers themselves. Also if `invalid` is not one of the
        allowed values.
    TypeError
        If `values` is a data frame, a single string or a multi-dimensional array.

    Warns
    -----
    UserWarning
        If ``invalid="unknown"`` and some values were coded as unknown because they were not
        valid numbers; the text gives counts, reasons and positions, never the numbers.

    See Also
    --------
    normalize_sex : Sex from a column of sex codes.

    Notes
    -----
    Accepted formats, after removing surrounding whitespace: ``YYMMDD-NNNC``,
    ``YYMMDD+NNNC`` (the ``+`` marks someone aged 100 or more), ``YYMMDDNNNC``,
    ``YYYYMMDDNNNC`` and ``YYYYMMDD-NNNC``. An integer cannot keep a leading zero, so an
    integer (or a whole float, as pandas stores an integer column with missing values) with at
    most 10 digits is read as the 10-digit form padded with zeros on the left, and one with 12
    digits as the 12-digit form; any other integer is not in a recognised format.

    A number is valid when

    - the month is 01-12 and the day exists in that month; a coordination number has 60 added
      to the day (61-91). February 29 needs a leap year of the year of birth when the
      century is known: given in the 12-digit forms, or implied by the separator (``-``: the
      most recent year ending in YY, up to this year; ``+``: the most recent one at least 100
      years ago, so ``000229+123C`` is 1900, which has no February 29). Without century or
      separator, years ending in 00, 04, ..., 96 are allowed;
    - the check digit C is right. It is the Luhn (modulus 10) digit of the nine digits
      YYMMDDNNN: multiply them by 2, 1, 2, 1, ... from the left, add the digits of the
      products, and C = (10 - sum mod 10) mod 10. For Skatteverket's example 640823-323C:
      products 12, 4, 0, 8, 4, 3, 6, 2, 6 give digit sum 36, so C = 4.

    The second-to-last digit gives legal sex as registered: odd for men, even for women.
    Missing values, and strings that are empty or only whitespace, become ``"unknown"``.
    Each invalid value is reported under the first check it fails, in the order format,
    date, check digit. The work is vectorised over the column.

    Examples
    --------
    >>> import pandas as pd
    >>> from genderbudget._sex import sex_from_personnummer
    >>> pnr = pd.Series(["640823-3234", "19640823-3234", "640823-3242", None], name="pnr")
    >>> sex_from_personnummer(pnr).tolist()
    ['men', 'men', 'women', 'unknown']
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     coded = sex_from_personnummer(["640823-3235"], invalid="unknown")
    >>> coded.tolist()
    ['unknown']
    >>> print(caught[0].message)  # doctest: +NORMALIZE_WHITESPACE
    Column 'values': 1 value coded as 'unknown' because it was not a valid personal identity
    number (personnummer) or coordination number (samordningsnummer): 1 wrong check digit
    (position 0). The numbers themselves are not shown because they are personal data;
    positions are 0-based.
    """
    if invalid not in ("raise", "unknown"):
        raise ValueError(INVALID_OPTION_MESSAGE.format(value=invalid))
    _check_column_input(values, "sex_from_personnummer")
    polars_name: str | None = None
    if is_polars_series(values):
        polars_name = values.name
        try:
            series = values.to_pandas()  # fast, through pyarrow when it is installed
        except ImportError:
            series = pd.Series(values.to_numpy(), name=polars_name)
    else:
        series = _as_pandas(values)

    parsed = parse_identity_numbers(series)
    bad_date, bad_check = check_identity_numbers(parsed)
    codes = _sex_codes(parsed, valid=parsed.valid_format & ~parsed.missing & ~bad_date & ~bad_check)
    reasons = {
        _FORMAT: ~parsed.missing & ~parsed.valid_format,
        _DATE: bad_date,
        _CHECK_DIGIT: bad_check,
    }
    n_invalid, details = _invalid_details(reasons)
    if n_invalid:
        column = _column_name(series.name)
        values_word = word_for(n_invalid, "value", "values")
        if invalid == "raise":
            raise ValueError(
                INVALID_PERSONNUMMER_MESSAGE.format(
                    column=column,
                    n=n_invalid,
                    values_word=values_word,
                    verb=word_for(n_invalid, "is", "are"),
                    details=details,
                )
            )
        warnings.warn(
            UNKNOWN_PERSONNUMMER_WARNING.format(
                column=column,
                n=n_invalid,
                values_word=values_word,
                verb=word_for(n_invalid, "it was", "they were"),
                details=details,
            ),
            UserWarning,
            stacklevel=2,
        )

    if polars_name is not None:
        return _polars_result(codes, polars_name)
    return _pandas_result(codes, series if isinstance(values, pd.Series) else None)
