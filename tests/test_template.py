"""The template notebook for own data (``notebooks/egen_analys.ipynb``) and ``run_template``.

papermill runs the template on the sample data, on a Swedish-style CSV export and on a file
with no year column and no justified factors; the numbers the files hold are checked against
counts made with pandas from the rows written (the reference), not with the library.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import genderbudget as gb
from genderbudget import _notebook
from genderbudget._notebook import TemplateError, template_parameters, template_text
from genderbudget._texts import flag_label, language
from genderbudget.datasets._sample_data import find_sample_file

ROOT = Path(__file__).parents[1]
NOTEBOOK = ROOT / "notebooks" / "egen_analys.ipynb"
PARAMETERS = [
    "file",
    "sheet",
    "header_row",
    "read_options",
    "rename",
    "sex",
    "yes_no",
    "measures",
    "by",
    "justified",
    "time",
    "target_year",
    "unit_cost",
    "min_n",
    "lang",
    "source",
    "output_dir",
]
NOTEBOOK_EXTRA = ["jupyterlab", "papermill", "nbconvert", "ipykernel"]


def _cells(text: str) -> list[dict[str, Any]]:
    cells: list[dict[str, Any]] = json.loads(text)["cells"]
    return cells


def _source(cell: dict[str, Any]) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _shape(text: str) -> list[tuple[str, str, list[str]]]:
    return [
        (cell["cell_type"], _source(cell), cell["metadata"].get("tags", []))
        for cell in _cells(text)
    ]


def _lock(name: str) -> dict[str, str]:
    lines = (ROOT / name).read_text(encoding="utf-8").split()
    return {line.split("==")[0].lower().replace("_", "-"): line.split("==")[1] for line in lines}


# --- the template and its parameters -------------------------------------------------------


def test_shipped_template_is_the_notebook_without_outputs() -> None:
    shipped = template_text()
    assert _shape(shipped) == _shape(NOTEBOOK.read_text(encoding="utf-8")), (
        "run `make notebooks`, which copies the notebook into genderbudget/templates"
    )
    code = [cell for cell in _cells(shipped) if cell["cell_type"] == "code"]
    assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code)


def test_template_has_a_papermill_parameters_cell_with_every_parameter() -> None:
    tagged = [
        cell for cell in _cells(template_text()) if "parameters" in cell["metadata"].get("tags", [])
    ]
    assert len(tagged) == 1
    defaults = template_parameters()
    assert list(defaults) == PARAMETERS
    assert defaults["file"] is None  # the sample data
    assert defaults["lang"] == "sv"
    assert defaults["min_n"] == 3


def test_template_prose_types_no_number() -> None:
    # Every number a reader sees comes from the results: the markdown cells only explain the
    # steps, so they hold no digit.
    markdown = [_source(c) for c in _cells(template_text()) if c["cell_type"] == "markdown"]
    assert markdown
    assert [text for text in markdown if re.search(r"\d", text)] == []


def test_stored_notebook_ran_top_to_bottom_and_pins_its_key_outputs() -> None:
    # nbval re-runs the notebook and compares the cells marked # NBVAL_CHECK_OUTPUT: the
    # reading report, the verdicts in words and the files written.
    code = [c for c in _cells(NOTEBOOK.read_text(encoding="utf-8")) if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    assert all(o["output_type"] != "error" for c in code for o in c["outputs"])
    pinned = [c for c in code if "# NBVAL_CHECK_OUTPUT" in _source(c)]
    assert len(pinned) >= 3
    assert all(c["outputs"] for c in pinned)


def test_unknown_parameter_is_an_error_that_lists_them_and_suggests() -> None:
    with pytest.raises(
        ValueError, match=r"'sexx'.*did you mean 'sex'\?.*Its parameters are: file, sheet"
    ):
        gb.run_template(output_dir="unused", parameters={"sexx": "kon"})


@pytest.mark.parametrize("name", ["file", "output_dir"])
def test_file_and_folder_are_arguments_not_parameters(name: str) -> None:
    with pytest.raises(ValueError, match=f"pass {name}=... instead"):
        gb.run_template(output_dir="unused", parameters={name: "x"})


def test_parameters_must_be_a_dict() -> None:
    with pytest.raises(TypeError, match=r"parameters must be a dict.*got list"):
        gb.run_template(output_dir="unused", parameters=["sex"])  # type: ignore[arg-type]


def test_missing_papermill_names_the_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def without_papermill(name: str, *args: Any) -> Any:
        return None if name == "papermill" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", without_papermill)
    with pytest.raises(
        ImportError,
        match=r'needs papermill, which is not installed.*pip install "genderbudget\[notebook\]"',
    ):
        gb.run_template(output_dir="unused")


def test_parameter_values_become_plain_literals() -> None:
    value = {"by": ("ar", Path("x")), "nested": {"k": (1, 2)}}
    assert _notebook._plain(value) == {"by": ["ar", "x"], "nested": {"k": [1, 2]}}


# --- the lock files ------------------------------------------------------------------------


def test_notebook_lock_is_the_runtime_plus_the_notebook_extra_at_the_dev_pins() -> None:
    runtime = _lock("requirements.lock")
    notebook = _lock("requirements-notebook.lock")
    dev = _lock("requirements-dev.lock")
    assert runtime.items() <= notebook.items()
    assert set(NOTEBOOK_EXTRA) <= set(notebook)
    pinned = {**dev, **runtime}
    assert {name: pinned.get(name) for name in notebook} == notebook
    assert "papermill" in dev
    for tool in ("pytest", "ruff", "mypy", "nbval", "hypothesis"):
        assert tool not in notebook


# --- the sample file ----------------------------------------------------------------------


def test_sample_file_is_the_committed_file_in_the_repository() -> None:
    path = gb.datasets.sample_file("kriminalvarden.csv")
    assert path == ROOT / "sample_data" / "kriminalvarden.csv"


def test_sample_file_without_the_repository_writes_the_committed_bytes(tmp_path: Path) -> None:
    committed = ROOT / "sample_data"
    path = find_sample_file("pensionsmyndigheten_kostnader.csv", tmp_path / "out", tmp_path)
    assert path == tmp_path / "out" / "pensionsmyndigheten_kostnader.csv"
    assert path.read_bytes() == (committed / path.name).read_bytes()
    with pytest.raises(ValueError, match=r"give folder='...'.*load_pension_costs\(\)"):
        find_sample_file("pensionsmyndigheten_kostnader.csv", None, tmp_path)


def test_sample_file_unknown_name_lists_the_files() -> None:
    with pytest.raises(
        ValueError, match=r"Unknown sample-data file 'kv\.csv'.*kriminalvarden\.csv"
    ):
        gb.datasets.sample_file("kv.csv")


# --- papermill runs ------------------------------------------------------------------------


def _estimates(folder: Path, lang: str = "sv") -> pd.DataFrame:
    sep, decimal = (";", ",") if lang == "sv" else (",", ".")
    return pd.read_csv(
        folder / "csv" / "estimates.csv", sep=sep, decimal=decimal, encoding="utf-8-sig"
    )


def _comparisons(folder: Path, lang: str = "sv") -> pd.DataFrame:
    sep, decimal = (";", ",") if lang == "sv" else (",", ".")
    return pd.read_csv(
        folder / "csv" / "comparisons.csv", sep=sep, decimal=decimal, encoding="utf-8-sig"
    )


def _outputs(notebook: Path) -> str:
    """Every text and HTML output of the executed notebook, joined."""
    parts = []
    for cell in _cells(notebook.read_text(encoding="utf-8")):
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("text", "")))
            parts.append("".join(output.get("data", {}).get("text/html", "")))
    return "\n".join(parts)


def _images(notebook: Path) -> int:
    return sum(
        "image/png" in output.get("data", {})
        for cell in _cells(notebook.read_text(encoding="utf-8"))
        for output in cell.get("outputs", [])
    )


def _header(key: str, lang: str = "sv") -> str:
    """The header of a column of the report files, from the language file."""
    header: str = language(lang)["report"]["columns"][key]
    return header


def _n(table: pd.DataFrame, measure: str, lang: str = "sv", **where: Any) -> dict[str, int]:
    """The persons per sex of the estimates file, for a measure in the cell ``where``."""
    rows = table.loc[table[_header("measure", lang)] == measure]
    for column, value in where.items():
        rows = rows.loc[rows[column] == value]
    sexes, counts = rows[_header("sex", lang)], rows[_header("n", lang)]
    return {sex: int(n) for sex, n in zip(sexes, counts, strict=True)}


def _flags(table: pd.DataFrame, measure: str, lang: str = "sv") -> list[str]:
    rows = table.loc[table[_header("measure", lang)] == measure]
    return rows[_header("flag", lang)].tolist()


@pytest.mark.slow
def test_template_runs_on_the_sample_data_by_default(tmp_path: Path) -> None:
    run = gb.run_template(output_dir=tmp_path)
    assert run.notebook == tmp_path / "egen_analys.ipynb"
    assert run.html == tmp_path / "egen_analys.html"
    for name in ["rapport.html", "rapport.xlsx", "csv/estimates.csv", "csv/comparisons.csv"]:
        assert (tmp_path / name).is_file(), name
    # the reference: the sample rows counted with pandas
    rows = pd.read_csv(ROOT / "sample_data" / "kriminalvarden.csv", keep_default_na=False)
    counts = rows.loc[rows["ar"] == 2016, "kon"].value_counts()
    n = _n(_estimates(tmp_path), "arbetsdrift", ar=2016)
    assert (n["Kvinnor"], n["Män"]) == (counts["K"], counts["M"]) == (249, 3964)
    comparisons = _comparisons(tmp_path)
    flags = _flags(comparisons.loc[comparisons["ar"] == 2016], "arbetsdrift")
    assert flags == [flag_label("unexplained_gap")]
    shown = _outputs(run.notebook)
    assert "Syntetiska data" in shown or "syntetiska data" in shown
    assert "kan därför vara osaklig" in shown  # the verdict in words, from explain
    assert _images(run.notebook) >= 6  # estimates and gaps per measure, follow-up
    page = run.html.read_text(encoding="utf-8") if run.html else ""
    assert "reading.text(lang)" not in page  # the code is hidden in the HTML by default


def _swedish_export(path: Path) -> pd.DataFrame:
    """A Swedish-Excel-style export: ';', decimal comma, cp1252, Kvinna/Man, Ja/Nej."""
    rng = np.random.default_rng(14)
    frames = []
    for year, women, men in [(2022, 120, 180), (2023, 130, 170)]:
        sex = np.array(["Kvinna"] * women + ["Man"] * men)
        works = np.where(sex == "Kvinna", rng.random(sex.size) < 0.25, rng.random(sex.size) < 0.6)
        frames.append(
            pd.DataFrame(
                {
                    "År": year,
                    "Kön": sex,
                    "Sysselsättning": np.where(works, "Ja", "Nej"),
                    "Kostnad": rng.integers(1_000, 3_000, sex.size) + 0.25,
                    "Vårddygn": rng.integers(5, 30, sex.size),
                }
            )
        )
    data = pd.concat(frames, ignore_index=True)
    text = data.assign(
        Kostnad=data["Kostnad"].map(lambda v: f"{v:,.2f}".replace(",", " ").replace(".", ","))
    ).to_csv(sep=";", index=False, lineterminator="\r\n")
    path.write_bytes(text.encode("cp1252"))
    return data


@pytest.mark.slow
def test_template_runs_unchanged_on_a_swedish_csv_export(tmp_path: Path) -> None:
    data = _swedish_export(tmp_path / "export.csv")
    run = gb.run_template(
        tmp_path / "export.csv",
        output_dir=tmp_path / "ut",
        parameters={
            "rename": {"År": "ar", "Kön": "kon", "Sysselsättning": "syssla"},
            "sex": "kon",
            "yes_no": {"syssla": "i sysselsättning"},
            "measures": [
                {
                    "kind": "ratio",
                    "columns": ["Kostnad", "Vårddygn"],
                    "name": "kostnad",
                    "label": "kostnad per vårddygn",
                    "unit": "kr",
                },
            ],
            "by": ["ar"],
            "justified": [],
            "target_year": 2023,
            "unit_cost": 100_000,
            "source": "Exempelmyndigheten",
        },
    )
    folder = tmp_path / "ut"
    estimates = _estimates(folder)
    counts = data.loc[data["År"] == 2023, "Kön"].value_counts()  # the reference
    n = _n(estimates, "syssla", ar=2023)
    assert (n["Kvinnor"], n["Män"]) == (counts["Kvinna"], counts["Man"]) == (130, 170)
    # the women's share in work and their cost per care-day, from the rows written
    women = data.loc[(data["År"] == 2023) & (data["Kön"] == "Kvinna")]
    share = (women["Sysselsättning"] == "Ja").mean()
    cost = women["Kostnad"].sum() / women["Vårddygn"].sum()
    rows = estimates.loc[(estimates["ar"] == 2023) & (estimates[_header("sex")] == "Kvinnor")]
    found = dict(zip(rows[_header("measure")], rows[_header("estimate")], strict=True))
    assert found["syssla"] == pytest.approx(share, abs=1e-12)
    assert found["kostnad"] == pytest.approx(cost, rel=1e-12)
    assert set(_flags(_comparisons(folder), "syssla")) == {flag_label("unexplained_gap")}
    shown = _outputs(run.notebook)
    assert "Källa: Exempelmyndigheten" in shown
    assert "syntetiska" not in shown.lower()  # an own file is not marked synthetic
    assert "export.csv" in shown  # the reading report names the file
    assert _images(run.notebook) >= 4


@pytest.mark.slow
def test_template_runs_without_year_column_or_justified_factors_in_english(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(6)
    data = pd.DataFrame(
        {
            "gender": ["female"] * 90 + ["male"] * 110,
            "region": ["north"] * 50 + ["south"] * 40 + ["north"] * 60 + ["south"] * 50,
            "placed": (rng.random(200) < 0.5).astype(int),
        }
    )
    data.to_csv(tmp_path / "placements.csv", index=False)
    run = gb.run_template(
        tmp_path / "placements.csv",
        output_dir=tmp_path / "out",
        parameters={
            "sex": "gender",
            "yes_no": ["placed"],  # a list: the column names are the labels
            "measures": [],
            "by": "region",  # one name, as papermill -p by region gives it
            "justified": [],
            "time": None,
            "target_year": None,
            "unit_cost": None,
            "lang": "en",
        },
        html=False,
    )
    assert run.html is None
    folder = tmp_path / "out"
    counts = data.loc[data["region"] == "north", "gender"].value_counts()  # the reference
    n = _n(_estimates(folder, "en"), "placed", "en", region="north")
    assert (n["Women"], n["Men"]) == (counts["female"], counts["male"]) == (50, 60)
    assert len(_flags(_comparisons(folder, "en"), "placed", "en")) == 2  # one per region
    shown = _outputs(run.notebook)
    assert "percentage points" in shown  # the verdict in English
    assert _images(run.notebook) == 2  # estimates and gaps; no follow-up without years
    assert (folder / "rapport.xlsx").is_file()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("measures", "message"),
    [
        ([], r"stopped in cell \d+ with \w+: Column 'arbetsdrift'"),
        ([{"kind": "ratios", "columns": ["a", "b"]}], r"ValueError: measures: kind must be one"),
    ],
    ids=["missing column", "unknown kind"],
)
def test_an_error_stops_the_template_with_a_message_that_says_why(
    tmp_path: Path, measures: list[dict[str, Any]], message: str
) -> None:
    pd.DataFrame({"kon": ["K", "M"] * 10, "insats": [1, 0] * 10}).to_csv(
        tmp_path / "fil.csv", index=False
    )
    with pytest.raises(TemplateError, match=message) as caught:
        gb.run_template(
            tmp_path / "fil.csv",
            output_dir=tmp_path / "out",
            parameters={"measures": measures, "by": [], "justified": [], "time": None},
        )
    assert caught.value.notebook == tmp_path / "out" / "egen_analys.ipynb"
    assert caught.value.notebook.is_file()
