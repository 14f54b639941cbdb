"""The README's code: every ``python`` block runs, in order, as a reader would run it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import genderbudget as gb

pytestmark = pytest.mark.slow  # runs every README block

README = Path(__file__).parents[1] / "README.md"


def _blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


@pytest.fixture(scope="module")
def namespace() -> dict[str, Any]:
    names: dict[str, Any] = {}
    for number, block in enumerate(_blocks(), start=1):
        try:
            exec(compile(block, f"README block {number}", "exec"), names)
        except Exception as error:
            raise AssertionError(f"README block {number} fails: {error!r}\n{block}") from error
    return names


def test_every_readme_block_runs_in_order(namespace: dict[str, Any]) -> None:
    assert len(_blocks()) >= 8
    assert isinstance(namespace["result"], gb.Result)
    assert isinstance(namespace["split"], gb.Allocation)


def test_readme_pre_aggregated_example_gives_the_row_level_estimates(
    namespace: dict[str, Any],
) -> None:
    data, counts = namespace["data"], namespace["counts"]
    assert counts["antal_intagna"].sum() == len(data)
    measures = [gb.rate("i_arbetsdrift"), gb.mean("kostnad", sum_sq="kostnad_kvadrat")]
    aggregated = gb.analyse(counts, measures, sex="kon", by="ar", n="antal_intagna")
    rows = data.rename(columns={"arbetsdrift": "i_arbetsdrift"})
    micro = gb.analyse(rows, [gb.rate("i_arbetsdrift"), gb.mean("kostnad")], sex="kon", by="ar")
    columns = ["measure", "ar", "sex", "n", "estimate", "ci_low", "ci_high"]
    pd.testing.assert_frame_equal(
        aggregated.estimates[columns], micro.estimates[columns], rtol=1e-9
    )
