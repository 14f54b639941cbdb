"""Project rules that a reviewer would otherwise have to remember."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import genderbudget as gb

PACKAGE = Path(gb.__file__).parent

# The only modules allowed to touch a dataframe engine: the group-by over frames, the
# column reductions before it and the sums that prove them after it, the coding of a single
# sex column (which accepts pandas or polars Series), and the reader of files (which returns
# polars or DuckDB frames on request).
ENGINE_MODULES = {"_cells.py", "_facts.py", "_proof.py", "_sex.py", "_read.py"}
ENGINES = {"narwhals", "polars", "duckdb", "pyspark"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_engine_layer_imports_dataframe_engines() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(_imports(path) & ENGINES)
        for path in PACKAGE.rglob("*.py")
        if path.name not in ENGINE_MODULES and _imports(path) & ENGINES
    }
    assert offenders == {}


def test_public_names_are_exported_and_documented() -> None:
    expected = {
        "normalize_sex",
        "sex_from_personnummer",
        "count",
        "rate",
        "mean",
        "ratio",
        "total",
        "analyse",
        "Result",
        "datasets",
        "FlagRule",
        "oaxaca",
        "decompose_cost",
        "equalize",
        "per_need",
        "phase_in",
        "follow_up",
        "allocate",
        "Allocation",
    }
    assert expected <= set(gb.__all__)
    for name in gb.__all__:
        obj = getattr(gb, name)
        doc = obj.__doc__ or ""
        assert doc.strip(), name
        if callable(obj) and name not in {"Measure", "Result"}:
            assert "Examples" in doc, f"{name} has no Examples section"


def test_no_module_imports_another_modules_private_helpers() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("genderbudget"):
                # Private modules are the package's structure; private names inside a
                # module are its own.
                here = PACKAGE.parent.joinpath(*node.module.split("."))
                private = [
                    a.name
                    for a in node.names
                    if a.name.startswith("_")
                    and not (here / f"{a.name}.py").exists()
                    and not (here / a.name).is_dir()
                ]
                if private:
                    offenders.append(f"{path.relative_to(PACKAGE)}: {node.module} {private}")
    assert offenders == []


def test_options_are_checked_in_one_module() -> None:
    # The shared option messages are defined once, in _options.py.
    shared = {"BAD_OPTION", "BAD_CONFIDENCE", "SEX_IN_BY", "JUSTIFIED_IS_SEX", "JUSTIFIED_IN_BY"}
    defined: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id in shared:
                        defined.setdefault(target.id, []).append(path.name)
    assert {name: files for name, files in defined.items() if files != ["_options.py"]} == {}


def test_importing_the_package_leaves_matplotlib_until_a_chart_is_drawn() -> None:
    # matplotlib takes about 0.4 s to import; a pipeline that never draws should not pay it.
    code = (
        "import sys, genderbudget as gb\n"
        "assert 'matplotlib' not in sys.modules\n"
        "assert callable(gb.plot_follow_up) and 'plot_allocation' in dir(gb)\n"
        "assert 'matplotlib' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
