"""Run the bad-input corpus (``corpus.py``) and check that ``docs/bad-input.md`` lists it."""

from __future__ import annotations

import re
import traceback
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from corpus import CASES, IDENTITY_NUMBERS, Case, table

import genderbudget as gb

PACKAGE = Path(gb.__file__).parent
DOCS = Path(__file__).parent.parent / "docs" / "bad-input.md"
START, END = "<!-- corpus:start -->", "<!-- corpus:end -->"
# Ten digits of an identity number in a row, with or without separators between them.
LEAKS = [re.compile(r"[-+ ]?".join(re.sub(r"\D", "", number)[-10:])) for number in IDENTITY_NUMBERS]


def _assert_no_identity_number(text: str) -> None:
    for pattern in LEAKS:
        assert not pattern.search(text), f"an identity number reached the output: {text!r}"


def _raised_by_the_library(error: BaseException) -> bool:
    innermost = traceback.extract_tb(error.__traceback__)[-1]
    return Path(innermost.filename).resolve().is_relative_to(PACKAGE.resolve())


def _texts(result: Any) -> list[str]:
    """Every string a result shows: its repr and, for tables, every cell and header."""
    texts = [repr(result)]
    frames: list[pd.DataFrame] = []
    if isinstance(result, pd.DataFrame):
        frames.append(result)
    elif isinstance(result, pd.Series):
        frames.append(result.to_frame())
    for name in ("estimates", "comparisons", "exclusions", "accounting", "representation"):
        if isinstance(getattr(result, name, None), pd.DataFrame):
            frames.append(getattr(result, name))
    for name in ("table", "totals", "overhead"):
        if isinstance(result, gb.Allocation) and isinstance(getattr(result, name), pd.DataFrame):
            frames.append(getattr(result, name))
    for frame in frames:
        texts.append(frame.to_csv())
    return texts


def _assert_every_row_accounted_for(result: Any) -> None:
    if isinstance(result, gb.Result):
        accounting = result.accounting
        assert (
            accounting["rows_in"] == accounting["rows_used"] + accounting["rows_excluded"]
        ).all(), accounting


@pytest.mark.parametrize("item", CASES, ids=[item.id for item in CASES])
def test_case(item: Case) -> None:
    if item.raises is not None:
        with pytest.raises((ValueError, TypeError)) as caught:
            item.run()
        message = str(caught.value)
        assert item.raises in message, message
        assert _raised_by_the_library(caught.value), "".join(
            traceback.format_exception(caught.value)
        )
        _assert_no_identity_number(message)
        return
    if item.warns is not None:
        with pytest.warns(UserWarning) as caught_warnings:
            result = item.run()
        messages = [str(warning.message) for warning in caught_warnings]
        assert any(item.warns in message for message in messages), messages
        for message in messages:
            _assert_no_identity_number(message)
    else:
        result = item.run()
    if item.check is not None:
        item.check(result)
    _assert_every_row_accounted_for(result)
    for text in _texts(result):
        _assert_no_identity_number(text)


def test_the_corpus_has_at_least_sixty_cases_in_every_area() -> None:
    assert len({item.id for item in CASES}) == len(CASES), "two cases share an id"
    areas = pd.Series([item.area for item in CASES]).value_counts()
    assert len(CASES) >= 60, len(CASES)
    assert (areas >= 3).all(), areas


def test_the_docs_list_every_case_with_its_outcome() -> None:
    page = DOCS.read_text(encoding="utf-8")
    listed = page.split(START, 1)[1].split(END, 1)[0].strip() + "\n"
    assert listed == table(), (
        "docs/bad-input.md does not match the corpus; replace the table between the markers "
        "with the output of `python tests/corpus.py`."
    )
