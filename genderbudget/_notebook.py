"""``run_template``: the template notebook for own data, run with papermill.

The template (``egen_analys.ipynb``) reads a file with :func:`genderbudget.read_table`,
analyses it, shows the tables, charts and verdicts, prices the gaps with
:func:`genderbudget.equalize` and writes the report files. It ships with the package
(``genderbudget/templates``, the repository's ``notebooks/egen_analys.ipynb`` without its
outputs, which a test keeps equal), so an installed package finds it.

Running it needs the optional extra ``notebook`` (papermill, nbconvert, ipykernel,
jupyterlab): ``pip install "genderbudget[notebook]"``. The notebook runs in the kernel
``python3``: the IPython kernel of the Python that calls :func:`run_template`, so it sees
the same installed packages (papermill starts it as ``<this python> -m ipykernel_launcher``
unless a kernel of that name that points elsewhere is registered with Jupyter; name another
with ``kernel_name=``).
"""

from __future__ import annotations

import ast
import difflib
import importlib.util
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

__all__ = [
    "TEMPLATE",
    "NotebookRun",
    "TemplateError",
    "run_template",
    "template_parameters",
    "template_text",
]

TEMPLATE: Final[str] = "egen_analys.ipynb"
"""The file name of the template, in ``genderbudget/templates`` and ``notebooks/``."""

NEEDED: Final[tuple[str, ...]] = ("papermill", "nbconvert", "ipykernel")
"""The modules that running the template needs, from the extra ``notebook``."""

MISSING_MODULES = (
    "Running the template notebook needs {modules}, which {verb} not installed in this "
    'Python environment. Install the extra: pip install "genderbudget[notebook]" (or, in '
    "the repository, make lab-install)."
)
GIVEN_AS_ARGUMENT = (
    "parameters has {name!r}, which run_template takes as its own argument: pass "
    "{name}=... instead."
)
UNKNOWN_PARAMETERS = (
    "parameters has {names}, which the template does not have{hint}. Its parameters are: {known}."
)
NOT_A_MAPPING = (
    "parameters must be a dict of the template's parameters by name, e.g. "
    "{{'sex': 'kon', 'by': ['ar']}}, got {kind}."
)
STOPPED = (
    "The template notebook stopped in cell {cell} with {ename}: {evalue} The executed "
    "notebook, with the error, is {notebook}."
)


class TemplateError(RuntimeError):
    """The template notebook stopped with an error; the message holds the error's own text.

    Attributes
    ----------
    ename : str
        The name of the exception raised in the notebook (e.g. ``"ValueError"``).
    evalue : str
        Its message: for a bad file or column, the library's message that says how to fix
        it.
    notebook : pathlib.Path
        The executed notebook, with the cells up to the error and the error itself.
    """

    def __init__(self, ename: str, evalue: str, cell: int | None, notebook: Path) -> None:
        self.ename = ename
        self.evalue = evalue
        self.notebook = notebook
        where = "?" if cell is None else str(cell)
        super().__init__(
            STOPPED.format(cell=where, ename=ename, evalue=evalue.strip(), notebook=notebook)
        )


@dataclass(frozen=True)
class NotebookRun:
    """The files of one run of the template.

    Attributes
    ----------
    notebook : pathlib.Path
        The executed notebook (``egen_analys.ipynb`` in the output folder).
    html : pathlib.Path or None
        The same as an HTML page (``egen_analys.html``), or None when not asked for.
    output_dir : pathlib.Path
        The output folder, which also holds the report files the notebook writes
        (``rapport.html``, ``rapport.xlsx`` and ``csv/``).
    """

    notebook: Path
    html: Path | None
    output_dir: Path


def template_text() -> str:
    """Return the template notebook as shipped with the package (JSON text, no outputs)."""
    return resources.files("genderbudget").joinpath("templates", TEMPLATE).read_text("utf-8")


def template_parameters(text: str | None = None) -> dict[str, Any]:
    """Return the template's parameters and their default values, in order.

    Parameters
    ----------
    text : str, optional
        A notebook's JSON text; default the shipped template.

    Returns
    -------
    dict
        Each name assigned in the cell tagged ``parameters``, with the value of its
        literal.

    Examples
    --------
    >>> parameters = template_parameters()
    >>> parameters["sex"], parameters["min_n"], parameters["file"]
    ('kon', 3, None)
    """
    notebook = json.loads(template_text() if text is None else text)
    for cell in notebook["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell["source"]
            code = source if isinstance(source, str) else "".join(source)
            return {
                node.targets[0].id: ast.literal_eval(node.value)
                for node in ast.parse(code).body
                if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
            }
    return {}


def _check_installed() -> None:
    missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise ImportError(MISSING_MODULES.format(modules=" and ".join(missing), verb=verb))


def _check_parameters(parameters: object, known: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(parameters, Mapping):
        raise TypeError(NOT_A_MAPPING.format(kind=type(parameters).__name__))
    for name in ("file", "output_dir"):
        if name in parameters:
            raise ValueError(GIVEN_AS_ARGUMENT.format(name=name))
    unknown = [str(name) for name in parameters if name not in known]
    if unknown:
        close = [m for n in unknown for m in difflib.get_close_matches(n, list(known), 1)]
        hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
        raise ValueError(
            UNKNOWN_PARAMETERS.format(
                names=", ".join(map(repr, unknown)), hint=hint, known=", ".join(known)
            )
        )
    return {str(name): _plain(value) for name, value in parameters.items()}


def _plain(value: Any) -> Any:
    """Turn paths and tuples into the strings and lists a notebook parameter can hold."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {_plain(key): _plain(item) for key, item in value.items()}
    return value


def run_template(
    file: str | os.PathLike[str] | None = None,
    *,
    output_dir: str | os.PathLike[str],
    parameters: Mapping[str, Any] | None = None,
    html: bool = True,
    show_code: bool = False,
    kernel_name: str = "python3",
    progress: bool = False,
) -> NotebookRun:
    """Run the template notebook on a file and write the executed notebook and its HTML.

    The template reads ``file`` with :func:`genderbudget.read_table`, analyses it with the
    measures, breakdowns and justified factors of ``parameters``, shows the display tables
    (small cells hidden for publication), the charts, the verdicts in words, the follow-up
    by year and what it costs to close the gaps, and writes the report files
    (``rapport.html``, ``rapport.xlsx``, ``csv/``) into ``output_dir``.

    Parameters
    ----------
    file : str or path-like, optional
        The data: CSV, Excel, Parquet or DuckDB (see :func:`genderbudget.read_table`). A
        relative path is taken from the current directory. Default: the synthetic
        Kriminalvården sample data, marked as synthetic in every table and chart.
    output_dir : str or path-like
        The folder (created if missing) for the executed notebook ``egen_analys.ipynb``,
        its HTML ``egen_analys.html`` and the report files.
    parameters : dict, optional
        The template's other parameters by name (:func:`template_parameters` lists them
        with their defaults): ``sheet``, ``header_row``, ``read_options`` (a dict of further
        options of ``read_table``), ``rename`` (a dict old -> new column name), ``sex``,
        ``yes_no`` (a dict column -> label: each becomes a rate), ``measures`` (a list of
        dicts with ``kind``, ``columns``, and any option of the measure's function, e.g.
        ``{"kind": "ratio", "columns": ["kostnad", "varddygn"], "label": "kostnad per
        vårddygn", "unit": "kr"}``), ``by``, ``justified`` (a dict column -> words, or a
        list), ``time``, ``target_year``, ``unit_cost``, ``min_n``, ``lang`` and
        ``source``. Parameters not given keep the template's defaults, which fit the
        sample data: for another file give at least ``sex``, ``yes_no`` and ``measures``,
        ``by`` and ``justified``.
    html : bool, default True
        Also write the executed notebook as an HTML page.
    show_code : bool, default False
        Show the code cells in the HTML page; by default it holds the explanations and the
        outputs only, for readers of the analysis.
    kernel_name : str, default "python3"
        The Jupyter kernel to run the notebook in; ``"python3"`` is the IPython kernel of
        the Python running this function (see the module's notes).
    progress : bool, default False
        Show papermill's progress bar, one step per cell.

    Returns
    -------
    NotebookRun
        ``notebook`` and ``html``, the paths written, and ``output_dir``.

    Raises
    ------
    ImportError
        papermill, nbconvert or ipykernel is missing; the message names the extra to
        install, ``pip install "genderbudget[notebook]"``.
    ValueError
        ``parameters`` names a parameter the template does not have (the message lists
        them), or ``file`` or ``output_dir``.
    TypeError
        ``parameters`` is not a dict.
    TemplateError
        A cell of the notebook raised an error, e.g. a column that is not in the file; the
        message holds the error's own message and names the executed notebook.

    Examples
    --------
    >>> import tempfile
    >>> import genderbudget as gb
    >>> run = gb.run_template(  # doctest: +SKIP
    ...     "export.csv", output_dir=tempfile.mkdtemp(),
    ...     parameters={"sex": "Kön", "yes_no": {"Insats": "med insats"}, "measures": [],
    ...                 "by": ["År"], "time": "År", "justified": [], "unit_cost": None},
    ... )
    >>> run.html.name  # doctest: +SKIP
    'egen_analys.html'
    """
    known = template_parameters()
    given = _check_parameters({} if parameters is None else parameters, known)
    _check_installed()
    import nbformat
    import papermill

    folder = Path(output_dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    given["file"] = None if file is None else os.fspath(Path(file).resolve())
    given["output_dir"] = os.fspath(folder)
    target = folder / TEMPLATE
    try:
        papermill.execute_notebook(
            nbformat.reads(template_text(), as_version=4),
            os.fspath(target),
            parameters=given,
            kernel_name=kernel_name,
            progress_bar=progress,
        )
    except papermill.PapermillExecutionError as error:
        cell = None if error.exec_count is None else int(error.exec_count)
        raise TemplateError(str(error.ename), str(error.evalue), cell, target) from None
    page = _write_html(target, show_code) if html else None
    return NotebookRun(notebook=target, html=page, output_dir=folder)


def _write_html(notebook: Path, show_code: bool) -> Path:
    """Write the executed notebook as an HTML page beside it."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=not show_code, exclude_input_prompt=True)
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    page = notebook.with_suffix(".html")
    page.write_text(body, encoding="utf-8")
    return page
