"""The notebooks: the three Träff 3 examples, in Swedish, with pinned outputs.

The suite runs every notebook (nbval, ``--nbval-lax``) and compares the cells marked
``# NBVAL_CHECK_OUTPUT`` with their stored outputs; these tests check what a reader relies on
besides: that each example is there, says its data are synthetic, pins some output, and was
stored without errors.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # with the notebooks that nbval runs

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
EXAMPLES = ["kriminalvarden", "sis", "pensionsmyndigheten"]


def _cells(name: str) -> list[dict[str, Any]]:
    notebook = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    cells: list[dict[str, Any]] = notebook["cells"]
    return cells


def _source(cell: dict[str, Any]) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_example_opens_in_swedish_and_says_synthetic(name: str) -> None:
    first = _cells(name)[0]
    assert first["cell_type"] == "markdown"
    assert "Syntetiska exempeldata" in _source(first)


@pytest.mark.parametrize("name", EXAMPLES)
def test_key_outputs_are_pinned_and_stored(name: str) -> None:
    pinned = [
        cell
        for cell in _cells(name)
        if cell["cell_type"] == "code" and "# NBVAL_CHECK_OUTPUT" in _source(cell)
    ]
    assert len(pinned) >= 3
    assert all(cell["outputs"] for cell in pinned)


@pytest.mark.parametrize("name", EXAMPLES)
def test_stored_run_is_complete_and_without_errors(name: str) -> None:
    code = [cell for cell in _cells(name) if cell["cell_type"] == "code"]
    counts = [cell["execution_count"] for cell in code]
    assert counts == list(range(1, len(code) + 1)), "re-run the notebook top to bottom"
    for cell in code:
        assert all(output["output_type"] != "error" for output in cell["outputs"])
