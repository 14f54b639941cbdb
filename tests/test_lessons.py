"""The lessons: prose without typed numbers, and the notebooks as HTML pages to project.

Every notebook in ``notebooks/`` (found by name, so a notebook added later is covered):

- its markdown cells type no number: a digit is allowed only in a year (1900–2099), in a
  heading's number or a list marker at the start of a line, and inside an inline code span;
  every other number must come from a code cell;
- ``scripts/lessons.py`` writes it as an HTML page with no code, with its outputs (charts,
  tables, texts), without the cells tagged ``lesson-hide``, and with nothing to fetch from a
  network;
- the page renders in headless Chromium with no code cell in its document (when a Chromium
  is installed; ``scripts/screenshot_report.py`` holds the browser calls).
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from bs4 import BeautifulSoup, Tag

sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))

import lessons  # needs the path above
import screenshot_report  # needs the path above

NOTEBOOKS = sorted(path.stem for path in lessons.NOTEBOOKS.glob("*.ipynb"))

YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
LINE_START = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+\d+(?:\.\d+)*\.?|\d+[.)])(?=\s|$)")
DIGIT = re.compile(r"\d")

# The code cells of nbconvert's templates (lab and classic) and the classes of the elements
# they put code input in; markdown cells use some of the same classes for their text.
CODE_CELLS = ["jp-CodeCell", "code_cell"]
CODE_CLASSES = ("jp-InputArea", "jp-InputPrompt", "jp-CodeMirrorEditor", "input_area", "input")
OUTPUT_CLASSES = ["jp-OutputArea-output", "output_area"]


def typed_numbers(markdown: str) -> list[str]:
    """Return the lines of a markdown text that type a number outside the allowed places."""
    # a code span is taken out with the line breaks inside it, so the lines stay aligned
    prose = CODE_SPAN.sub(lambda span: "\n" * span.group(0).count("\n"), markdown)
    found = []
    for line, original in zip(prose.splitlines(), markdown.splitlines(), strict=True):
        rest = YEAR.sub("", LINE_START.sub("", line))
        if DIGIT.search(rest):
            found.append(original.strip())
    return found


def _notebook(name: str) -> nbformat.NotebookNode:
    return nbformat.read(lessons.NOTEBOOKS / f"{name}.ipynb", as_version=4)


def _hidden(cell: Any) -> bool:
    return lessons.HIDE_TAG in cell.get("metadata", {}).get("tags", [])


def _outputs(name: str, *, hidden: bool) -> list[Any]:
    cells = [c for c in _notebook(name).cells if c.cell_type == "code" and _hidden(c) == hidden]
    return [output for cell in cells for output in cell.outputs]


def _stream_texts(outputs: list[Any]) -> list[str]:
    return [o.text.strip() for o in outputs if o.output_type == "stream" and o.text.strip()]


def _count(outputs: list[Any], mime: str, contains: str = "") -> int:
    data = [o.get("data", {}) for o in outputs]
    return sum(1 for d in data if mime in d and contains in str(d[mime]))


def code_inputs(page: str) -> list[str]:
    """Return what in an HTML page of a notebook is code input (empty for a lesson)."""
    soup = BeautifulSoup(page, "html.parser")
    found = []
    for cell in soup.find_all(class_=CODE_CELLS):
        found += [f"<{e.name} class={c}>" for c in CODE_CLASSES for e in cell.find_all(class_=c)]
        for pre in cell.find_all("pre"):
            if pre.find_parent(class_=OUTPUT_CLASSES) is None:
                found.append(f"<pre> {pre.get_text()[:60]!r}")
    return found


def _output_areas(page: str) -> list[Tag]:
    soup = BeautifulSoup(page, "html.parser")
    return list(soup.find_all(class_="jp-OutputArea-output"))


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("lektioner")
    written = lessons.write_lessons(folder)
    return {path.stem: path.read_text(encoding="utf-8") for path in written}


# -- no number typed in the prose ---------------------------------------------------------


def test_typed_numbers_finds_digits_outside_years_markers_and_code() -> None:
    allowed = (
        "# 1. Kartlägga\n## 2.1 Analysera\n1. punkt\n  2) punkt\n"
        "Målet år 2020, åren 2016–2021; `3 kap. 1 §` och `SFS 2000:605`."
    )
    assert typed_numbers(allowed) == []
    typed = "45 anstalter varav 6\n- 3,5 %\nSFS 2000:605\n## Steg 2\n12000 kr\n`x` och 7"
    assert typed_numbers(typed) == [
        "45 anstalter varav 6",
        "- 3,5 %",
        "SFS 2000:605",
        "## Steg 2",
        "12000 kr",
        "`x` och 7",
    ]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_markdown_types_no_numbers(name: str) -> None:
    offending = [
        f"{name}.ipynb, cell {index}: {line}"
        for index, cell in enumerate(_notebook(name).cells)
        if cell.cell_type == "markdown"
        for line in typed_numbers(cell.source)
    ]
    assert not offending, "numbers typed in the prose (print them from a code cell):\n" + (
        "\n".join(offending)
    )


# -- the lesson pages ---------------------------------------------------------------------


def test_every_notebook_has_a_lesson_page(pages: dict[str, str]) -> None:
    assert "introduktion" in NOTEBOOKS
    assert sorted(pages) == NOTEBOOKS
    for name, page in pages.items():
        assert page.startswith("<!DOCTYPE html>"), name
        assert '<html lang="sv">' in page, name


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_lesson_page_shows_no_code(pages: dict[str, str], name: str) -> None:
    assert code_inputs(pages[name]) == []


def test_an_ordinary_export_of_a_notebook_shows_its_code() -> None:
    """The check above finds code where there is code: nbconvert's default HTML."""
    from nbconvert import HTMLExporter

    page, _ = HTMLExporter(template_name="lab").from_notebook_node(_notebook("introduktion"))
    found = code_inputs(page)
    assert any("jp-InputArea" in item for item in found)
    assert any(item.startswith("<pre>") for item in found)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_lesson_page_keeps_the_charts_tables_and_texts(pages: dict[str, str], name: str) -> None:
    shown = _outputs(name, hidden=False)
    areas = _output_areas(pages[name])
    images = [img for area in areas for img in area.find_all("img")]
    assert len(images) == _count(shown, "image/png")
    assert all(img["src"].startswith("data:image/png;base64,") for img in images)
    tables = sum(len(area.find_all("table")) for area in areas)
    assert tables >= _count(shown, "text/html", "<table")
    prose = [area for area in areas if "jp-RenderedMarkdown" in area.get("class", [])]
    assert len(prose) == _count(shown, "text/markdown")  # generated sentences, rendered
    printed = "\n".join(area.get_text() for area in areas)
    for text in _stream_texts(shown):
        assert text in printed


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_lesson_page_leaves_out_the_hidden_cells(pages: dict[str, str], name: str) -> None:
    printed = "\n".join(area.get_text() for area in _output_areas(pages[name]))
    for text in _stream_texts(_outputs(name, hidden=True)):
        assert text not in printed


def test_the_opening_lesson_has_hidden_checks_with_output(pages: dict[str, str]) -> None:
    hidden = _stream_texts(_outputs("introduktion", hidden=True))
    assert len(hidden) >= 2  # the pinned numbers, left out of the lesson
    notebook = _notebook("introduktion")
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    assert all(o.output_type != "error" for cell in code for o in cell.outputs)
    assert "Syntetiska exempeldata" in notebook.cells[0].source
    title = "<title>Jämställdhetsbudgetering: en introduktion</title>"
    assert title in pages["introduktion"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_lesson_page_needs_no_network(pages: dict[str, str], name: str) -> None:
    page = pages[name]
    assert re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page) is None
    assert re.search(r"(?:@import|url\()\s*[\"']?(?:https?:)?//", page) is None
    assert re.search(r"<script[^>]+src=", page) is None


# -- in a browser --------------------------------------------------------------------------


@pytest.mark.slow
def test_lesson_pages_render_in_a_browser_without_code(
    pages: dict[str, str], tmp_path: Path
) -> None:
    browser = screenshot_report.find_browser()
    if browser is None:
        pytest.skip("no headless browser on this machine: " + ", ".join(screenshot_report.BROWSERS))
    for name, page in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(page, encoding="utf-8")
        shot = screenshot_report.screenshot(browser, path, tmp_path / f"{name}.png")
        assert shot.stat().st_size > 0, name
        assert screenshot_report.distinct_colours(shot) > 1, f"{name}: blank page"
        rendered = screenshot_report.dump_dom(browser, path)
        assert "jp-OutputArea-output" in rendered, name
        assert code_inputs(rendered) == [], name
        heading = lessons.lesson_title(_notebook(name), name)
        assert html.escape(heading, quote=False) in rendered, name
