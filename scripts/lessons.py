"""Write the lessons: every notebook as an HTML page with the code hidden, for projection.

Each notebook in ``notebooks/`` becomes ``<name>.html`` in the output folder, written from
the outputs stored in the notebook (nothing is re-executed, so no kernel is needed):

- the code of every cell is left out, its outputs (tables, charts, texts) kept;
- cells tagged ``lesson-hide`` (checks and set-up) are left out whole, code and output;
- the page is self-contained: charts are embedded as data, and the scripts the standard
  template loads from the network (RequireJS, MathJax, Mermaid) are left out, so the page
  opens without a network connection.

Run it with ``make lessons`` or::

    .venv/bin/python scripts/lessons.py [folder]      # default: lektioner/

The notebooks themselves stay as they are, runnable and tested.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_FOLDER = ROOT / "lektioner"
HIDE_TAG = "lesson-hide"
LANGUAGE = "sv"

# The lab template without the three scripts it would fetch from a CDN: the lessons use no
# widgets, LaTeX or Mermaid diagrams, and a projected page must not wait for a network.
TEMPLATE_NAME = "lesson.html.j2"
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def lesson_exporter() -> HTMLExporter:
    """Return the HTML exporter of the lessons: no code, no hidden cells, no network."""
    config = Config()
    config.TemplateExporter.exclude_input = True
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {HIDE_TAG}
    config.HTMLExporter.embed_images = True
    config.HTMLExporter.language_code = LANGUAGE
    return HTMLExporter(
        config=config,
        template_name="lab",
        template_file=TEMPLATE_NAME,
        extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE})],
    )


def lesson_title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    """Return the text of the notebook's first heading, or ``fallback`` when it has none."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return fallback


def write_lesson(notebook_path: Path, folder: Path, exporter: HTMLExporter | None = None) -> Path:
    """Write one notebook as a lesson page ``<folder>/<name>.html`` and return its path."""
    exporter = exporter or lesson_exporter()
    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.metadata["title"] = lesson_title(notebook, notebook_path.stem)
    body, _ = exporter.from_notebook_node(
        notebook, resources={"metadata": {"name": notebook_path.stem}}
    )
    target = folder / f"{notebook_path.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def write_lessons(folder: Path = DEFAULT_FOLDER, notebooks: Path = NOTEBOOKS) -> list[Path]:
    """Write every notebook in ``notebooks`` as a lesson page into ``folder``.

    Parameters
    ----------
    folder : Path
        Where the pages go; created when missing.
    notebooks : Path
        The folder of the notebooks (``notebooks/`` of the repository by default).

    Returns
    -------
    list of Path
        The pages written, one per notebook, in the order of the notebooks' names.
    """
    folder.mkdir(parents=True, exist_ok=True)
    exporter = lesson_exporter()
    return [write_lesson(path, folder, exporter) for path in sorted(notebooks.glob("*.ipynb"))]


def main(argv: list[str]) -> int:
    """Write the lessons into the folder given (default ``lektioner/``) and list them."""
    folder = Path(argv[0]) if argv else DEFAULT_FOLDER
    start = time.perf_counter()
    pages = write_lessons(folder)
    for page in pages:
        print(f"{page} ({page.stat().st_size // 1024} kB)")
    print(f"{len(pages)} lessons written in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
