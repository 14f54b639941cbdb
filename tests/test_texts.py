"""The language file and its loader (``genderbudget._texts``)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest

from genderbudget import _texts as tx
from genderbudget._measures import DIRECTIONS


def _raw() -> dict[str, Any]:
    text = resources.files("genderbudget").joinpath("texts.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    return [s for value in node.values() for s in _strings(value)]


@pytest.mark.parametrize("lang", tx.LANGS)
def test_each_verdict_sentence_is_written_once(lang: str) -> None:
    written = _strings(_raw()[lang]["verdict"])
    assert len(written) == len(set(written))
    # 48 templates (flag x variant x direction) come from 22 sentences.
    resolved = tx.load_texts()[lang]["verdict"]
    templates = [
        resolved[flag][direction][variant]
        for flag, variants in tx.VARIANTS.items()
        for direction in DIRECTIONS
        for variant in variants
    ]
    assert (len(templates), len(set(templates)), len(written)) == (48, 22, 22)


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (
            "one",
            {
                "higher_is_better": "one",
                "lower_is_better": "one",
                "resource": "one",
                "neutral": "one",
            },
        ),
        (
            {"default": "plain", "better_or_worse": "whose", "resource": "money"},
            {
                "higher_is_better": "whose",
                "lower_is_better": "whose",
                "resource": "money",
                "neutral": "plain",
            },
        ),
        (
            {"default": "plain", "lower_is_better": "fewer"},
            {
                "higher_is_better": "plain",
                "lower_is_better": "fewer",
                "resource": "plain",
                "neutral": "plain",
            },
        ),
        (
            {"better_or_worse": "whose", "resource": "money", "neutral": "plain"},
            {
                "higher_is_better": "whose",
                "lower_is_better": "whose",
                "resource": "money",
                "neutral": "plain",
            },
        ),
    ],
)
def test_a_direction_falls_back_to_its_group_then_to_the_default(
    node: Any, expected: dict[str, str]
) -> None:
    resolved, problems = tx._verdict(node, "x")
    assert problems == []
    assert resolved == expected


def _change(
    path: tuple[str, ...], value: Any, copy_of: str | None = None
) -> Callable[[dict[str, Any]], None]:
    """Set (or with None delete) one entry; ``copy_of`` copies a sibling's template."""

    def change(texts: dict[str, Any]) -> None:
        node = texts
        for key in path[:-1]:
            node = node[key]
        if copy_of is not None:
            node[path[-1]] = node[copy_of]
        elif value is None:
            del node[path[-1]]
        else:
            node[path[-1]] = value

    return change


NO_GAP = ("sv", "verdict", "no_gap", "not_material")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            _change((*NO_GAP, "better_or_worse"), None),
            "sv/verdict/no_gap/not_material: the same for every direction, write it as one string",
        ),
        (
            _change((*NO_GAP, "worse"), "text"),
            "sv/verdict/no_gap/not_material/worse: unknown key",
        ),
        (
            _change((*NO_GAP, "higher_is_better"), None, copy_of="better_or_worse"),
            "sv/verdict/no_gap/not_material/higher_is_better: the same as 'better_or_worse'",
        ),
        (
            _change((*NO_GAP, "resource"), None, copy_of="default"),
            "sv/verdict/no_gap/not_material/resource: the same as 'default'",
        ),
        (
            _change(
                NO_GAP,
                {
                    "higher_is_better": "a",
                    "lower_is_better": "b",
                    "resource": "c",
                    "neutral": "d",
                    "default": "e",
                },
            ),
            "sv/verdict/no_gap/not_material/default: never used",
        ),
        (_change(NO_GAP, 3), "sv/verdict/no_gap/not_material: not a string"),
        (_change(("en", "verdict", "no_gap", "maybe"), "x"), "en/verdict/no_gap/maybe: unknown"),
        (_change(("en", "verdict", "gap"), {}), "en/verdict/gap: unknown key"),
        (
            _change(("en", "verdict", "not_assessed", "default"), "{sex}"),
            "en/verdict/not_assessed/default: unknown placeholders ['sex']",
        ),
    ],
)
def test_the_validator_names_each_problem_of_the_verdicts(
    change: Callable[[dict[str, Any]], None], problem: str
) -> None:
    texts = copy.deepcopy(_raw())
    change(texts)
    with pytest.raises(ValueError, match=re.escape(problem)):
        tx.validate_texts(texts)


def test_the_fixed_file_is_not_changed_by_the_check() -> None:
    raw = _raw()
    before = copy.deepcopy(raw)
    tx.validate_texts(raw)
    assert raw == before
