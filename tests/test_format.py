"""The one number formatter of the presentation layer (``genderbudget._format``)."""

from __future__ import annotations

import math

import pytest

from genderbudget._format import format_decimal, format_p_value
from genderbudget._texts import Lang


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (0.0384, "sv", "0,038"),
        (0.0384, "en", "0.038"),
        (0.0005, "sv", "< 0,001"),
        (0.00002, "en", "< 0.001"),
        (0.001, "sv", "0,001"),
        (1.0, "sv", "1,000"),
        (math.nan, "sv", "–"),
    ],
)
def test_format_p_value(value: float, lang: Lang, expected: str) -> None:
    assert format_p_value(value, lang=lang, decimals=3) == expected


def test_a_shift_formats_a_proportion_in_percent_without_float_error() -> None:
    # 0.4225 * 100 is 42.249999... in binary; shifting the decimal form rounds as a reader does.
    assert format_decimal(0.4225, "sv", 1, shift=2) == "42,3"
    assert format_decimal(-12345.5, "sv", 0) == "−12\u202f346"
