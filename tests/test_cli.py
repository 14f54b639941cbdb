"""The ``genderbudget`` command: tables and verdicts, exit codes 0, 1 and 2, no traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import genderbudget as gb
from genderbudget._cli import cli

EXAMPLES = Path(__file__).parents[1] / "examples"


def _invoke(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """A Swedish-Excel-style export: ';', decimal comma, Windows-1252, Kvinna/Man, Ja/Nej."""
    data = gb.datasets.load_kriminalvarden().loc[:, ["ar", "kon", "arbetsdrift", "kostnad"]]
    data = data.rename(columns={"ar": "År", "kon": "Kön"})
    data["Kön"] = data["Kön"].map({"K": "Kvinna", "M": "Man"})
    data["arbetsdrift"] = data["arbetsdrift"].map({1: "Ja", 0: "Nej"})
    data["kostnad"] = data["kostnad"] / 100
    path = tmp_path / "intagna.csv"
    data.to_csv(path, sep=";", decimal=",", index=False, encoding="cp1252")
    return path


def test_analyse_prints_the_swedish_table_and_the_verdicts(export: Path) -> None:
    result = CliRunner().invoke(
        cli, ["analyse", str(export), "--sex", "Kön", "--rate", "arbetsdrift", "--by", "År"]
    )
    assert result.exit_code == 0, result.output
    expected = gb.analyse(
        gb.datasets.load_kriminalvarden(), gb.rate("arbetsdrift"), sex="kon", by="ar"
    )
    table = gb.formatted(expected, "comparisons").rename(columns={"ar": "År"})
    for line in table.to_string(index=False).splitlines()[1:]:
        assert line.split()[0] in result.stdout
    for text in expected.explain()["text"]:
        assert text in result.stdout
    assert "Läser intagna.csv" in result.stderr


def test_analyse_in_english(export: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["analyse", str(export), "--sex", "Kön", "--mean", "kostnad", "--lang", "en", "-q"],
    )
    assert result.exit_code == 0, result.output
    expected = gb.analyse(
        gb.datasets.load_kriminalvarden().assign(kostnad=lambda d: d["kostnad"] / 100),
        gb.mean("kostnad"),
        sex="kon",
    )
    assert expected.explain(lang="en")["text"][0] in result.stdout
    assert result.stderr == ""


def test_small_cells_are_hidden_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "liten.csv"
    pd.DataFrame(
        {
            "kon": ["K", "M", "M", "M", "K", "M", "M", "M"],
            "enhet": list("AAAABBBB"),
            "arbete": [1, 0, 1, 1, 1, 1, 0, 0],
        }
    ).to_csv(path, index=False)
    args = ["analyse", str(path), "--sex", "kon", "--rate", "arbete", "--by", "enhet", "-q"]
    hidden = CliRunner().invoke(cli, args)
    shown = CliRunner().invoke(cli, [*args, "--no-suppress"])
    assert hidden.exit_code == shown.exit_code == 0, hidden.output
    assert ".." in hidden.stdout
    assert ".." not in shown.stdout


def test_analyse_writes_excel_and_html(export: Path, tmp_path: Path) -> None:
    excel, html = tmp_path / "ut.xlsx", tmp_path / "ut.html"
    result = CliRunner().invoke(
        cli,
        [
            "analyse",
            str(export),
            "--sex",
            "Kön",
            "--count",
            "--by",
            "År",
            "--excel",
            str(excel),
            "--html",
            str(html),
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    assert excel.stat().st_size > 0 and html.stat().st_size > 0
    assert str(excel) in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--rate", "saknas"], "Column 'saknas'"),
        (["--rate", "arbetsdrift", "--by", "Ar"], "Column 'Ar'"),
    ],
)
def test_a_data_error_exits_with_1_and_one_paragraph(
    export: Path, args: list[str], words: str
) -> None:
    result = CliRunner().invoke(cli, ["analyse", str(export), "--sex", "Kön", *args, "-q"])
    assert result.exit_code == 1
    assert words in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_an_ambiguous_decimal_separator_exits_with_1(tmp_path: Path) -> None:
    path = tmp_path / "tvetydig.csv"
    path.write_text("kon;belopp\nK;1.234\nM;2.345\nK;3.456\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyse", str(path), "--sex", "kon", "--mean", "belopp"])
    assert result.exit_code == 1, result.output
    assert "belopp" in result.stderr and "Traceback" not in result.stderr


def test_a_wrong_sheet_name_exits_with_1(tmp_path: Path) -> None:
    path = tmp_path / "bok.xlsx"
    pd.DataFrame({"kon": ["K", "M"], "n": [1, 2]}).to_excel(path, sheet_name="2024", index=False)
    result = CliRunner().invoke(
        cli, ["analyse", str(path), "--sheet", "2023", "--sex", "kon", "--count"]
    )
    assert result.exit_code == 1, result.output
    assert "2023" in result.stderr and "Traceback" not in result.stderr


def test_a_missing_file_exits_with_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["analyse", str(tmp_path / "saknas.csv"), "--sex", "kon", "--count"]
    )
    assert result.exit_code == 1
    assert "'saknas.csv' does not exist" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["analyse", "x.csv", "--sex", "kon"],  # no measure
        ["analyse", "x.csv", "--sex", "kon", "--ratio", "kostnad"],  # not NUM/DEN
        ["analyse", "x.csv", "--count"],  # --sex missing
        ["run"],  # no settings file
        ["okänt"],
    ],
)
def test_usage_errors_exit_with_2(args: list[str]) -> None:
    assert CliRunner().invoke(cli, args).exit_code == 2


def test_run_writes_the_report_and_says_where(tmp_path: Path) -> None:
    config = tmp_path / "k.toml"
    text = (EXAMPLES / "kriminalvarden.toml").read_text(encoding="utf-8")
    config.write_text(text.replace("[rapport]", "[rapport]\ndiagram = false"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(config)])
    assert result.exit_code == 0, result.output
    written = [Path(line) for line in result.stdout.splitlines()]
    assert written[0].name == "rapport.html" and all(p.is_file() for p in written)
    assert "Läser kriminalvarden" in result.stderr
    quiet = CliRunner().invoke(cli, ["run", str(config), "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_run_with_an_unknown_key_exits_with_1_naming_key_and_line(tmp_path: Path) -> None:
    config = tmp_path / "k.toml"
    config.write_text('[data]\nexempel = "sis"\nkonn = "kon"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(config)])
    assert result.exit_code == 1
    assert "k.toml, line 3, key data.konn: unknown key 'konn'." in result.stderr
    assert "Did you mean 'kon'?" in result.stderr and "Traceback" not in result.stderr


def test_an_internal_error_keeps_its_traceback(
    export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a fault in the program, not in the data")

    monkeypatch.setattr(pd.DataFrame, "groupby", broken)
    result = CliRunner().invoke(cli, ["analyse", str(export), "--sex", "Kön", "--count", "-q"])
    # raised outside the library: not a data error, so click does not turn it into exit 1
    assert isinstance(result.exception, ValueError)
    assert "a fault in the program" in str(result.exception)


def test_help_is_in_swedish_with_examples() -> None:
    for args in ([], ["run"], ["analyse"], ["demo"]):
        result = CliRunner().invoke(cli, [*args, "--help"])
        assert result.exit_code == 0
        assert "Exempel:" in result.stdout and "genderbudget" in result.stdout
    assert "--sex" in CliRunner().invoke(cli, ["analyse", "--help"]).stdout


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.stdout.strip() == f"genderbudget {gb.__version__}"


@pytest.mark.slow
def test_demo_writes_the_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", str(tmp_path / "rapport")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "rapport" / "rapport.html").is_file()
    assert "SYNTETISKA exempeldata" in result.stdout


def _installed() -> str:
    found = Path(sys.executable).parent / "genderbudget"
    if found.exists():
        return str(found)
    which = shutil.which("genderbudget")
    if which is None:
        pytest.fail("the genderbudget command is not installed with the package")
    return which


def test_the_installed_command_and_its_exit_codes(tmp_path: Path) -> None:
    command = _installed()
    helped = subprocess.run([command, "--help"], capture_output=True, text=True, check=False)
    assert helped.returncode == 0 and "Jämställdhetsbudgetering" in helped.stdout
    bad = tmp_path / "fel.toml"
    bad.write_text('[data]\nexempel = "sis"\n[rapport]\nsprak = "de"\n', encoding="utf-8")
    failed = subprocess.run([command, "run", str(bad)], capture_output=True, text=True, check=False)
    assert failed.returncode == 1
    assert "fel.toml, line 4, key rapport.sprak" in failed.stderr
    assert "Traceback" not in failed.stderr
    usage = subprocess.run([command, "run"], capture_output=True, text=True, check=False)
    assert usage.returncode == 2
    config = tmp_path / "ok.toml"
    config.write_text(
        '[rapport]\ndiagram = false\ndatum = 2025-01-01\n[data]\nexempel = "kriminalvarden"\n'
        'kon = "kon"\n[[indikator]]\nnamn = "antal"\nmatt = "antal"\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [command, "run", str(config), "-q"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].endswith("rapport.html")


def test_read_options_reach_read_table(tmp_path: Path) -> None:
    # An Excel sheet with a title row above the header, and a CSV whose amounts have a space
    # between thousands and a decimal comma: the options settle both.
    book = tmp_path / "bok.xlsx"
    frame = pd.DataFrame({"kon": ["K", "M", "K", "M"], "belopp": [1234.5, 2000.0, 1500.0, 2500.0]})
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame([["Utbetalningar 2024"]]).to_excel(
            writer, sheet_name="2024", index=False, header=False
        )
        frame.to_excel(writer, sheet_name="2024", index=False, startrow=2)
    csv = tmp_path / "belopp.csv"
    csv.write_text("kon;belopp\nK;1 234,5\nM;2 000\nK;1 500\nM;2 500\n", encoding="utf-8")
    expected = gb.analyse(frame, gb.mean("belopp"), sex="kon").explain()["text"][0]
    for args in (
        [str(book), "--sheet", "2024", "--header-row", "3"],
        [str(csv), "--sep", ";", "--decimal", ",", "--thousands", " "],
    ):
        result = CliRunner().invoke(
            cli, ["analyse", *args, "--sex", "kon", "--mean", "belopp", "--no-suppress", "-q"]
        )
        assert result.exit_code == 0, result.output
        assert expected in result.stdout


# --- the template notebook --------------------------------------------------------------------


def test_notebook_options_become_the_template_parameters(export: Path) -> None:
    from genderbudget._cli import _template_parameters

    options = {
        "sex": "Kön",
        "sheet": None,
        "header_row": None,
        "min_n": 5,
        "lang": None,
        "time": "År",
        "target_year": None,
        "unit_cost": None,
        "rate": ("arbetsdrift",),
        "count": True,
        "mean": (),
        "ratio": ("kostnad/varddygn",),
        "by": ("År",),
        "justified": (),
    }
    parameters = _template_parameters(options, ['source="Egen export"', "rename={}"], True)
    assert parameters == {
        "yes_no": ["arbetsdrift"],
        "measures": [{"kind": "count"}, {"kind": "ratio", "columns": ["kostnad", "varddygn"]}],
        "by": ["År"],
        "justified": [],
        "time": "År",
        "target_year": None,
        "source": "Egen export",
        "rename": {},
        "sex": "Kön",
        "min_n": 5,
    }
    # on the sample data the template's own defaults stay
    assert "measures" not in _template_parameters(
        {**options, "count": False, "ratio": ()}, [], False
    )


def test_notebook_refuses_a_parameter_without_a_value() -> None:
    result = _invoke("notebook", "-p", "min_n")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "NAME=VALUE" in result.output  # type: ignore[attr-defined]


def test_notebook_names_an_unknown_parameter_with_exit_1(export: Path, tmp_path: Path) -> None:
    result = _invoke(
        "notebook", str(export), "--sex", "Kön", "-p", "min_m=5", "--out", str(tmp_path / "ut")
    )
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "'min_m'" in result.output and "min_n" in result.output  # type: ignore[attr-defined]


@pytest.mark.slow
def test_notebook_runs_the_template_on_an_export(export: Path, tmp_path: Path) -> None:
    out = tmp_path / "analys"
    result = _invoke(
        "notebook",
        str(export),
        "--sex",
        "Kön",
        "--rate",
        "arbetsdrift",
        "--by",
        "År",
        "--time",
        "År",
        "--out",
        str(out),
        "--quiet",
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert {p.name for p in out.iterdir()} >= {
        "egen_analys.ipynb",
        "egen_analys.html",
        "rapport.html",
        "rapport.xlsx",
    }
    assert str(out / "egen_analys.ipynb") in result.output  # type: ignore[attr-defined]
    page = (out / "egen_analys.html").read_text("utf-8")
    assert "Arbetsdrift" in page or "arbetsdrift" in page


@pytest.mark.slow
def test_notebook_stops_with_the_library_message_and_exit_1(export: Path, tmp_path: Path) -> None:
    result = _invoke(
        "notebook", str(export), "--sex", "Kön", "--mean", "Kostnad", "--out", str(tmp_path / "ut")
    )
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "Column 'Kostnad'" in result.output  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
