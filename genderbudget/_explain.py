"""Plain-language explanations of a women-vs-men comparison, in Swedish and English.

One comparison (a row of the ``comparisons`` table with its flag, plus what the presentation
layer knows about the measure: label, kind, direction and the labels of the justified
factors) becomes one or two sentences: what the difference is, and what the flag says about
it. Every word comes from ``texts.json`` (loaded and checked by
:mod:`genderbudget._texts`), every number is formatted by :mod:`genderbudget._format`; the
code here only picks a template and fills it in, so the wording can be reviewed and changed
without touching Python.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from genderbudget._format import (
    amount_decimals,
    format_amount,
    format_confidence,
    format_decimal,
    format_number,
    format_percent,
    format_points,
    format_probability,
    round_half_up,
    to_float,
)
from genderbudget._measures import DIRECTIONS
from genderbudget._options import BAD_OPTION, check_choice, masked, quoted
from genderbudget._texts import (
    FLAGS,
    LANGS,
    P_ADJUST_METHODS,
    PERSONS,
    SEXES,
    VARIANTS,
    Lang,
    Persons,
    flag_label,
    language,
    load_texts,
    validate_texts,
)

__all__ = [
    "FLAGS",
    "LANGS",
    "VARIANTS",
    "Lang",
    "Persons",
    "amount_decimals",
    "explain",
    "explain_together",
    "flag_label",
    "format_amount",
    "format_number",
    "format_percent",
    "format_points",
]

# The loader and the validator under the names they had when they lived here.
_texts = load_texts
_validate = validate_texts

KINDS: tuple[str, ...] = ("count", "rate", "mean", "ratio", "total")
# How each kind is worded: rates in percent and percentage points, amounts (means, ratios,
# totals) in the measure's own unit, head-counts as numbers of women and men.
SHAPE: dict[str, str] = {
    "rate": "rate",
    "mean": "amount",
    "ratio": "amount",
    "total": "amount",
    "count": "count",
}

EXPLAIN_KEYS = (
    "measure",
    "kind",
    "direction",
    "flag",
    "women",
    "men",
    "difference",
    "difference_ci_low",
    "difference_ci_high",
    "confidence",
    "justified",
    "n_women",
    "n_men",
    "min_n",
)
TOGETHER_KEYS = (
    "sex",
    "resource_women",
    "resource_men",
    "access_women",
    "access_men",
    "resource_kind",
    "access_kind",
)

MISSING_KEYS = (
    "{function}() needs the row keys {missing}; the row has {present}. Add them (see the "
    "docstring of {function}() for what each one holds)."
)
BAD_LABEL = "{key} must be a non-empty string or None, got {value!r}."
BAD_FACTOR = "justified must hold the factor labels as non-empty strings, got {value!r}."
EXPLAINED_WITHOUT_FACTORS = (
    "flag='explained_gap' for measure {measure!r} needs at least one justified factor, but "
    "justified is empty: only declared factors can explain a gap. Pass their labels in "
    "justified=(...)."
)
NO_DISADVANTAGED = (
    "flag='unexplained_gap' for the {direction!r} measure {measure!r} needs "
    "disadvantaged='women' or 'men', got None: say whose disadvantage the gap is."
)
NOT_THE_PATTERN = (
    "explain_together() describes more resources but less access for the same sex, but for "
    "sex={sex!r} the numbers do not show that: {resource} is {resource_own} against "
    "{resource_other}, {access} is {access_own} against {access_other}."
)


# --- explanations --------------------------------------------------------------------------


def _require(row: Mapping[str, Any], keys: Sequence[str], function: str) -> None:
    missing = [key for key in keys if key not in row]
    if missing:
        raise ValueError(
            MISSING_KEYS.format(
                function=function,
                missing=quoted(missing),
                present=quoted(str(k) for k in row.keys()),
            )
        )


def _get(row: Mapping[str, Any], key: str) -> Any:
    return row[key] if key in row else None


def _text(value: Any, key: str) -> str | None:
    """Return a label (a non-empty string), or None when it is missing (None or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(BAD_LABEL.format(key=key, value=masked(value)))
    return value.strip()


def _sex(value: Any, name: str) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return check_choice(value, name, SEXES)


def _factors(value: Any) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    items = (value,) if isinstance(value, str) else tuple(value)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(BAD_FACTOR.format(value=masked(value)))
    return tuple(item.strip() for item in items)


def _join(items: Sequence[str], texts: Mapping[str, Any]) -> str:
    words = texts["list"]
    if len(items) <= 1:
        return "".join(items)
    return str(words["separator"]).join(items[:-1]) + str(words["last"]) + items[-1]


def _share_label(label: str, texts: Mapping[str, Any]) -> str:
    """Drop a leading "andel"/"share" from a label, for templates that say "Andelen ..."."""
    for prefix in texts["rate_prefixes"]:
        if label.lower().startswith(prefix.lower() + " ") and label[len(prefix) :].strip():
            return label[len(prefix) :].strip()
    return label


def _label_fields(label: str, shape: str, texts: Mapping[str, Any]) -> dict[str, str]:
    share = _share_label(label, texts)
    return {
        "label": label,
        "label_capitalised": label[:1].upper() + label[1:],
        "share_label": share,
        "measure_phrase": texts["phrase"][shape].format(label=label, share_label=share),
    }


def _gap(value: float, shape: str, lang: Lang, decimals: int, unit: str | None, short: bool) -> str:
    """Format a difference: percentage points for a rate, the measure's unit otherwise."""
    if shape == "rate":
        return format_points(value, lang=lang, short=short)
    return format_amount(value, lang=lang, decimals=decimals, unit=unit)


def _bound(value: float, shape: str, lang: Lang, decimals: int) -> str:
    """Format an interval bound like a difference, without the unit."""
    if shape == "rate":
        return format_decimal(value, lang, 1, shift=2)
    return format_number(value, lang=lang, decimals=decimals)


def _level(value: float, shape: str, lang: Lang, group: list[float], unit: str | None) -> str:
    """Format one sex's estimate: percent for a rate, else an amount (group decimals)."""
    if shape == "rate":
        return format_percent(value, lang=lang)
    return format_amount(value, lang=lang, decimals=amount_decimals(group), unit=unit)


def _interval(
    low: float,
    high: float,
    sign: int,
    shape: str,
    lang: Lang,
    decimals: int,
    level: str,
    tests: float = math.nan,
) -> str:
    """Format the interval of the gap in the stated direction ("" when not known).

    With ``tests`` > 1 the interval is the one at the multiplicity-corrected level, and the
    text says for how many comparisons it is corrected.
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    numbers = language(lang)["numbers"]
    a, b = sorted((sign * low, sign * high))
    # "−1,2–5,0" reads as a subtraction: a range with a negative bound is written out.
    template = numbers["range_signed"] if a < 0 or b < 0 else numbers["range"]
    span = template.format(
        low=_bound(a, shape, lang, decimals), high=_bound(b, shape, lang, decimals)
    )
    if math.isfinite(tests) and tests > 1:
        count = format_number(tests, lang=lang, decimals=0)
        return str(numbers["ci_corrected"].format(confidence=level, range=span, tests=count))
    return str(numbers["ci"].format(confidence=level, range=span))


def _corrected(
    row: Mapping[str, Any], prefix: str, fallback: tuple[float, float, float], lang: Lang
) -> tuple[float, float, str, float]:
    """Return the interval that agrees with the verdict, its level as text, the test count.

    Uses ``<prefix>corrected_ci_low/high`` and the matching confidence when the row has them
    (from :func:`genderbudget.analyse`), else the plain interval of ``fallback``.
    """
    low_key = f"{prefix}corrected_ci_low"
    level_key = "adjusted_corrected_confidence" if prefix == "adjusted_" else "corrected_confidence"
    tests_key = "adjusted_tests" if prefix == "adjusted_" else "tests"
    low, high, confidence = fallback
    if low_key in row and level_key in row:
        c_low = to_float(row[low_key], low_key, "explain")
        c_high = to_float(row[f"{prefix}corrected_ci_high"], low_key, "explain")
        c_level = to_float(row[level_key], level_key, "explain")
        if math.isfinite(c_low) and math.isfinite(c_high) and math.isfinite(c_level):
            tests = to_float(_get(row, tests_key), tests_key, "explain")
            whole = abs(c_level * 100 - round(c_level * 100)) < 1e-9
            return c_low, c_high, format_decimal(c_level, lang, 0 if whole else 1, shift=2), tests
    return low, high, format_confidence(confidence, lang), math.nan


def _p_clause(p: float, method: Any, lang: Lang) -> str:
    """Say the p-value and its correction: "p-värde 0,214 efter Holms korrigering ..."."""
    texts = language(lang)
    numbers = texts["numbers"]
    shown = format_decimal(p, lang, 3)
    if method in P_ADJUST_METHODS:
        name = texts["p_adjust_methods"][method]
        return str(numbers["p_adjusted"].format(p=shown, method=name))
    return str(numbers["p_plain"].format(p=shown))


def _person_words(texts: Mapping[str, Any], words: Any) -> dict[str, dict[str, str]]:
    chosen: dict[str, dict[str, str]] = texts["persons"][check_choice(words, "words", PERSONS)]
    return chosen


def _person_fields(words: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    return {
        f"{sex}_{form}": words[sex][form] for sex in SEXES for form in ("plural", "capitalised")
    }


def explain(row: Mapping[str, Any], *, lang: Lang = "sv", words: Persons = "adults") -> str:
    """One or two sentences that say what a women-vs-men comparison shows.

    The first sentence gives the difference in the direction it goes, with its confidence
    interval; the second what the flag means: a difference that remains when the justified
    factors are taken into account (and may be unjustified, *osaklig*), one that they
    explain (and may be justified, *saklig*), no clear difference, or too little data.

    Parameters
    ----------
    row : mapping
        One comparison, e.g. a row of ``Result.comparisons`` as a dict or a pandas Series,
        together with what is known about its measure. Keys:

        - ``label`` (str or None, optional): what is measured, as an indefinite noun phrase
          in the language of ``lang`` ("andel i arbetsdrift", "kostnad per vårddygn";
          "share in work operations", "cost per care-day"). None uses ``measure``. For a
          rate the texts say "Andelen ..." / "The share ...", so a leading "andel",
          "andelen", "share" or "the share" is dropped: "andel i arbetsdrift" and
          "i arbetsdrift" both give "Andelen i arbetsdrift". For other kinds the texts
          say "Kvinnor har 888 kr högre {label} än män" / "The {label} is 888 SEK higher
          for women than for men", so give a singular noun phrase ("antal stödtimmar per
          vecka" / "number of support hours per week", not "support hours per week").
        - ``measure`` (str): the measure's name, used when there is no label.
        - ``kind``: ``"count"``, ``"rate"``, ``"mean"``, ``"ratio"`` or ``"total"``.
        - ``direction``: ``"higher_is_better"``, ``"lower_is_better"``, ``"resource"`` or
          ``"neutral"``.
        - ``flag``: ``"unexplained_gap"``, ``"explained_gap"``, ``"no_gap"``,
          ``"insufficient_data"`` or ``"not_assessed"``.
        - ``disadvantaged`` (optional): ``"women"``, ``"men"`` or None. Needed for an
          ``unexplained_gap`` of a ``higher_is_better`` or ``lower_is_better`` measure;
          ignored otherwise, so a resource is never called anyone's advantage.
        - ``women``, ``men``: the estimates; ``difference``: women − men;
          ``difference_ci_low``, ``difference_ci_high``: its interval; ``confidence``: its
          level (0.95).
        - ``adjusted_difference``, ``adjusted_ci_low``, ``adjusted_ci_high`` (optional): the
          gap with the justified factors held equal (NaN when there are none).
        - ``justified``: the labels of the justified factors, in the language of ``lang``
          (the column names when there are no labels); a tuple, possibly empty.
        - ``n_women``, ``n_men``: persons of each sex; ``min_n``: the minimum of each.
        - ``unit`` (str, optional): unit of an amount, e.g. ``"kr"``.
        - ``p_adjusted`` (optional): the multiplicity-adjusted p-value of the raw gap; tells
          an ``insufficient_data`` row whose gap was tested but could not be adjusted from
          one that could not be tested, and a ``no_gap`` row whose gap is not statistically
          supported from one that is too small to matter.
        - ``p_adjust_method`` (optional): ``"holm"``, ``"bonferroni"``, ``"fdr_bh"`` or
          ``"none"``, named in the text of a gap that is not supported.
        - ``alpha`` (optional): the significance level of the flag rule; without it (or
          ``p_adjusted``) a ``no_gap`` text does not say which of the two it is. Other keys
          (``adjusted_p_value``, ...) are ignored.

        Rates are proportions (0.45), their differences too (−0.123).
    lang : {"sv", "en"}, default "sv"
        Language of the text.
    words : {"adults", "children"}, default "adults"
        Words for the sexes: women and men (*kvinnor och män*), or girls and boys (*flickor
        och pojkar*) for children and youths. The row's keys stay ``women``/``men``.

    Returns
    -------
    str
        The explanation. Rates are given in percent and their differences in percentage
        points with one decimal; amounts in their own unit, with no decimals from 100 up;
        missing numbers as "–". The interval is that of the gap in the direction stated
        ("12,3 procentenheter lägre ... (95 % KI 8,1–16,5)"), so it may start below zero.

    Raises
    ------
    ValueError
        Unknown ``lang``, ``kind``, ``direction``, ``flag`` or ``disadvantaged``; a missing
        key; an ``explained_gap`` without justified factors; an ``unexplained_gap`` of an
        access or outcome measure without ``disadvantaged``.

    Notes
    -----
    All wording is in ``texts.json`` (templates per flag, direction and case, per kind of
    measure and direction of the difference), checked when first loaded. For
    ``insufficient_data`` with fewer than ``min_n`` persons of a sex only the counts are
    given, not the estimates.

    Examples
    --------
    >>> row = {
    ...     "label": "andel i arbetsdrift", "measure": "arbetsdrift", "kind": "rate",
    ...     "direction": "higher_is_better", "flag": "unexplained_gap",
    ...     "disadvantaged": "women", "women": 0.45, "men": 0.573, "difference": -0.123,
    ...     "difference_ci_low": -0.165, "difference_ci_high": -0.081, "confidence": 0.95,
    ...     "adjusted_difference": -0.118, "adjusted_ci_low": -0.16,
    ...     "adjusted_ci_high": -0.076, "justified": ("säkerhetsklass", "strafflängd"),
    ...     "n_women": 412, "n_men": 3911, "min_n": 20,
    ... }
    >>> print(explain(row))
    Andelen i arbetsdrift är 12,3 procentenheter lägre för kvinnor än för män (95 % KI
    8,1–16,5). Skillnaden kvarstår när säkerhetsklass och strafflängd beaktas (justerad
    skillnad 11,8 p.e.) och kan därför vara osaklig, till kvinnors nackdel.
    """
    texts = language(lang)
    sexes = _person_words(texts, words)
    person_fields = _person_fields(sexes)
    _require(row, EXPLAIN_KEYS, "explain")
    measure = _text(row["measure"], "measure")
    if measure is None:
        raise ValueError(BAD_LABEL.format(key="measure", value=masked(row["measure"])))
    label = _text(_get(row, "label"), "label") or measure
    kind = check_choice(row["kind"], "kind", KINDS)
    direction = check_choice(row["direction"], "direction", DIRECTIONS)
    flag = check_choice(row["flag"], "flag", FLAGS)
    disadvantaged = _sex(_get(row, "disadvantaged"), "disadvantaged")
    factors = _factors(row["justified"])
    shape = SHAPE[kind]
    unit = _text(_get(row, "unit"), "unit") if shape == "amount" else None

    def number(key: str) -> float:
        return to_float(_get(row, key), key, "explain")

    def number_or_nan(key: str) -> float:
        return number(key) if key in row else math.nan

    difference, low, high = (
        number(k) for k in ("difference", "difference_ci_low", "difference_ci_high")
    )
    adjusted, adjusted_low, adjusted_high = (
        (number(k) for k in ("adjusted_difference", "adjusted_ci_low", "adjusted_ci_high"))
        if factors
        else (math.nan, math.nan, math.nan)
    )
    n_women, n_men, min_n = number("n_women"), number("n_men"), number("min_n")
    # Quote the interval that agrees with the verdict: at the multiplicity-corrected level.
    low, high, level, tests = _corrected(
        row, "difference_", (low, high, number("confidence")), lang
    )
    adjusted_level, adjusted_tests = level, tests
    if factors:
        adjusted_low, adjusted_high, adjusted_level, adjusted_tests = _corrected(
            row, "adjusted_", (adjusted_low, adjusted_high, number("confidence")), lang
        )
    decimals = amount_decimals([difference, low, high, adjusted, adjusted_low, adjusted_high])

    change, sign = _direction_of(difference, shape, decimals)
    numbers = texts["numbers"]
    ci = _interval(low, high, sign, shape, lang, decimals, level, tests)
    adjusted_ci = _interval(
        adjusted_low, adjusted_high, sign, shape, lang, decimals, adjusted_level, adjusted_tests
    )
    fields = _label_fields(label, shape, texts)
    first = texts["difference"][shape][change].format(
        **fields,
        **person_fields,
        difference=_gap(sign * difference, shape, lang, decimals, unit, short=False),
        ci=numbers["ci_parenthesised"].format(ci=ci) if ci else "",
        ci_clause=numbers["ci_clause"].format(ci=ci) if ci else "",
        women=_level(number("women"), shape, lang, [number("women"), number("men")], unit),
        men=_level(number("men"), shape, lang, [number("women"), number("men")], unit),
    )

    # A gap that turns round once the factors are held equal is described as such.
    reversed_ = math.isfinite(adjusted) and sign * adjusted < 0 and change != "equal"
    if (
        flag == "unexplained_gap"
        and direction in ("higher_is_better", "lower_is_better")
        and disadvantaged is None
    ):
        raise ValueError(NO_DISADVANTAGED.format(direction=direction, measure=measure))
    if flag == "explained_gap" and not factors:
        raise ValueError(EXPLAINED_WITHOUT_FACTORS.format(measure=measure))
    variant = _variant(row, flag, factors=bool(factors), adjusted=adjusted, reversed_=reversed_)
    verdict = texts["verdict"][flag][direction][variant].format(
        **fields,
        **person_fields,
        factors=_join(factors, texts),
        factors_considered=texts["grammar"]["factors_considered"][
            "one" if len(factors) == 1 else "many"
        ],
        adjusted_difference=_gap(
            abs(adjusted) if reversed_ else sign * adjusted, shape, lang, decimals, unit, short=True
        ),
        adjusted_ci_clause=numbers["ci_clause"].format(ci=adjusted_ci) if adjusted_ci else "",
        disadvantaged=sexes[disadvantaged]["plural"] if disadvantaged else "",
        disadvantaged_genitive=sexes[disadvantaged]["genitive"] if disadvantaged else "",
        n_women=format_number(n_women, lang=lang, decimals=0),
        n_men=format_number(n_men, lang=lang, decimals=0),
        min_n=format_number(min_n, lang=lang, decimals=0),
        units_women=format_number(number_or_nan("units_women"), lang=lang, decimals=0),
        units_men=format_number(number_or_nan("units_men"), lang=lang, decimals=0),
        min_units=format_number(number_or_nan("min_units"), lang=lang, decimals=0),
        p_clause=_p_clause(number("p_adjusted"), _get(row, "p_adjust_method"), lang)
        if variant == "not_supported"
        else "",
        alpha=format_probability(number("alpha"), lang) if variant == "not_supported" else "",
    )
    # Below the minimum n the estimates are not shown, only the counts.
    if variant in ("too_few", "too_few_units"):
        return str(verdict)
    extra = _sensitivity_sentence(row, flag, variant, shape, lang, decimals, unit)
    return f"{first} {verdict}" + (f" {extra}" if extra else "")


def _direction_of(difference: float, shape: str, decimals: int) -> tuple[str, int]:
    """Say which way a difference goes, and the sign that turns it and its interval so.

    ``higher``, ``lower``, ``equal`` (zero once rounded as shown) or ``unknown``.
    """
    if not math.isfinite(difference):
        return "unknown", 1
    shown = round_half_up(
        abs(difference), 1 if shape == "rate" else decimals, 2 if shape == "rate" else 0
    )
    if shown == 0:
        return "equal", 1
    return ("higher", 1) if difference > 0 else ("lower", -1)


def _variant(
    row: Mapping[str, Any], flag: str, *, factors: bool, adjusted: float, reversed_: bool
) -> str:
    """Choose the verdict template's variant: why the flag is what it is."""

    def number(key: str, default: float | None = None) -> float:
        if default is not None and key not in row:
            return default
        return to_float(_get(row, key), key, "explain")

    if flag == "unexplained_gap":
        return "no_factors" if not factors else "factors_reversed" if reversed_ else "factors"
    if flag == "explained_gap":
        return "factors"
    if flag == "insufficient_data":
        min_n, min_units = number("min_n"), number("min_units", math.nan)
        if not (number("n_women") >= min_n and number("n_men") >= min_n):
            return "too_few"
        units = (number("units_women", math.nan), number("units_men", math.nan))
        if row.get("clustered") and not (units[0] >= min_units and units[1] >= min_units):
            return "too_few_units"
        if factors and math.isfinite(number("p_adjusted")) and not math.isfinite(adjusted):
            return "no_adjustment"
        return "no_test"
    if flag == "no_gap":
        # Why there is no gap: not statistically supported, or supported but too small.
        p_adjusted, alpha = number("p_adjusted"), number("alpha")
        if not (math.isfinite(p_adjusted) and math.isfinite(alpha)):
            return "default"
        return "not_supported" if p_adjusted >= alpha else "not_material"
    return "default"


def _sensitivity_sentence(
    row: Mapping[str, Any],
    flag: str,
    variant: str,
    shape: str,
    lang: Lang,
    decimals: int,
    unit: str | None,
) -> str:
    """Say the E-value of an unexplained gap, or the detectable gap of one not supported."""
    texts = language(lang)["sensitivity"]

    def value(key: str) -> float:
        return to_float(row[key], key, "explain") if key in row else math.nan

    if flag == "unexplained_gap":
        e, e_ci = value("e_value"), value("e_value_ci")
        if not math.isfinite(e):
            return ""
        return str(
            texts["e_value"].format(
                e_value=format_number(e, lang=lang, decimals=1),
                e_value_ci=format_number(e_ci, lang=lang, decimals=1),
            )
        )
    if flag == "no_gap" and variant == "not_supported":
        detectable = value("detectable_difference")
        if not math.isfinite(detectable):
            return ""
        men = value("men")
        threshold = max(
            value("min_relative") * abs(men) if math.isfinite(men) else math.nan,
            value("min_difference") if math.isfinite(value("min_difference")) else 0.0,
        )
        key = "detectable_small" if detectable <= threshold else "detectable_large"
        shown = _gap(detectable, shape, lang, decimals, unit, short=shape != "rate")
        return str(texts[key].format(detectable=shown))
    return ""


def explain_together(
    row: Mapping[str, Any], *, lang: Lang = "sv", words: Persons = "adults"
) -> str:
    """Explain that one sex gets more of a resource but less access, in plain words.

    The Kriminalvården lesson: women's cost per care-day was higher than men's while their
    share in work operations was lower. A higher cost per person is not an advantage in
    itself; the cost difference can be structural (small units) while the access difference
    is not.

    Parameters
    ----------
    row : mapping
        One row of ``Result.resource_access`` with labels and kinds. Keys:

        - ``sex``: ``"women"`` or ``"men"``, the sex with more resources and less access.
        - ``resource_label``, ``access_label`` (str or None): the measures as indefinite
          noun phrases ("kostnad per vårddygn", "andel i arbetsdrift"); None (or missing)
          uses ``resource_measure`` / ``access_measure``.
        - ``resource_women``, ``resource_men``, ``access_women``, ``access_men``: the
          estimates of each sex.
        - ``resource_kind``, ``access_kind``: the measures' kinds (rates are shown in
          percent, other kinds as amounts).
    lang : {"sv", "en"}, default "sv"
        Language of the text.
    words : {"adults", "children"}, default "adults"
        Words for the sexes: women and men, or girls and boys.

    Returns
    -------
    str
        Three sentences: the pattern with the numbers of the sex against the other, why more
        resources are not an advantage in themselves, and why the two differences differ in
        kind.

    Raises
    ------
    ValueError
        Unknown ``lang``, ``sex`` or kind, a missing key or label, or numbers that do not
        show more resources and less access for ``sex``.

    Examples
    --------
    >>> row = {
    ...     "sex": "women", "resource_label": "cost per care-day",
    ...     "access_label": "share in work operations", "resource_women": 4035.2,
    ...     "resource_men": 3147.4, "access_women": 0.554, "access_men": 0.564,
    ...     "resource_kind": "ratio", "access_kind": "rate",
    ... }
    >>> print(explain_together(row, lang="en"))
    Women have a higher cost per care-day (4,035 vs 3,147) but a lower share in work
    operations (55.4% vs 56.4%). More resources per person are not an advantage in
    themselves: read the cost together with access to the service. A higher cost can come
    from the structure, for example smaller units, while lower access means that the
    service does not reach women to the same extent.
    """
    texts = language(lang)
    sexes = _person_words(texts, words)
    _require(row, TOGETHER_KEYS, "explain_together")
    sex = _sex(row["sex"], "sex")
    if sex is None:
        raise ValueError(BAD_OPTION.format(name="sex", value=None, allowed=quoted(SEXES)))
    other = "men" if sex == "women" else "women"
    phrases: dict[str, str] = {}
    numbers: dict[str, tuple[float, float]] = {}
    shown: dict[str, tuple[str, str]] = {}
    for part in ("resource", "access"):
        shape = SHAPE[check_choice(row[f"{part}_kind"], f"{part}_kind", KINDS)]
        label = _text(_get(row, f"{part}_label"), f"{part}_label") or _text(
            _get(row, f"{part}_measure"), f"{part}_measure"
        )
        if label is None:
            raise ValueError(
                MISSING_KEYS.format(
                    function="explain_together",
                    missing=quoted([f"{part}_label"]),
                    present=quoted(str(k) for k in row.keys()),
                )
            )
        phrases[part] = texts["noun"][shape].format(
            label=label, share_label=_share_label(label, texts)
        )
        own, against = (
            to_float(row[f"{part}_{s}"], f"{part}_{s}", "explain_together") for s in (sex, other)
        )
        numbers[part] = (own, against)
        shown[part] = (
            _level(own, shape, lang, [own, against], None),
            _level(against, shape, lang, [own, against], None),
        )
    # NaN compares False, so missing numbers are rejected too.
    if not (
        numbers["resource"][0] > numbers["resource"][1]
        and numbers["access"][0] < numbers["access"][1]
    ):
        raise ValueError(
            NOT_THE_PATTERN.format(
                sex=sex,
                resource=phrases["resource"],
                resource_own=shown["resource"][0],
                resource_other=shown["resource"][1],
                access=phrases["access"],
                access_own=shown["access"][0],
                access_other=shown["access"][1],
            )
        )
    return str(
        texts["together"].format(
            sex=sexes[sex]["plural"],
            sex_capitalised=sexes[sex]["capitalised"],
            resource_label=phrases["resource"],
            access_label=phrases["access"],
            resource_own=shown["resource"][0],
            resource_other=shown["resource"][1],
            access_own=shown["access"][0],
            access_other=shown["access"][1],
        )
    )
