"""Settings files (``gb.run_config``): checked with key and line, run to the same bytes twice."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import genderbudget as gb
from genderbudget._config import ConfigError, check_config
from genderbudget._locate import display, key_lines

EXAMPLES = Path(__file__).parents[1] / "examples"
NAMES = ("kriminalvarden", "sis", "pensionsmyndigheten")

SMALL = """\
[rapport]
mapp = "ut"
diagram = false
datum = 2025-02-15

[data]
exempel = "kriminalvarden"
kon = "kon"

[[indikator]]
namn = "arbetsdrift"
matt = "andel"
kolumn = "arbetsdrift"
uppdelning = "ar"
"""


def _write(folder: Path, text: str, name: str = "test.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(folder: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        check_config(_write(folder, text))
    return caught.value


def _line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line of the n-th line that holds a fragment, counted by hand."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return found[occurrence - 1]


def _copy_example(name: str, folder: Path) -> Path:
    target = folder / f"{name}.toml"
    shutil.copy(EXAMPLES / f"{name}.toml", target)
    return target


# --- the example settings ------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_each_example_runs_and_writes_its_report(name: str, tmp_path: Path) -> None:
    run = gb.run_config(_copy_example(name, tmp_path))
    assert run.html.name == "rapport.html" and run.excel.name == "rapport.xlsx"
    for path in run.files:
        assert path.is_file() and path.stat().st_size > 0, path
        assert path.resolve().is_relative_to(tmp_path.resolve())
    sheets = openpyxl.load_workbook(run.excel).sheetnames
    assert any("Om rapporten" in sheet for sheet in sheets), sheets


def test_the_kriminalvarden_example_gives_the_numbers_of_analyse(tmp_path: Path) -> None:
    config = _copy_example("kriminalvarden", tmp_path)
    text = config.read_text(encoding="utf-8").replace("[rapport]", "[rapport]\ndiagram = false")
    run = gb.run_config(_write(tmp_path, text, "kriminalvarden.toml"))
    data = gb.datasets.load_kriminalvarden()
    cost = gb.ratio("kostnad", "varddygn", cluster="anstalt", name="kostnad_per_varddygn")
    work = gb.rate("arbetsdrift")
    result = gb.analyse(
        data, [cost, work], sex="kon", by="ar", justified=["sakerhetsklass", "strafflangd"]
    )
    written = pd.read_csv(
        run.folder / "csv" / "1_kriminalvarden" / "comparisons.csv", sep=";", decimal=","
    )
    # the p-values of the report are those of the same analyse call (Holm over both measures)
    expected = result.comparisons["p_adjusted"].to_numpy()
    assert written["Justerat p-värde"].to_numpy() == pytest.approx(expected, rel=1e-12)


# --- the same bytes twice ------------------------------------------------------------------


def _digests(run: gb.ConfigRun) -> dict[str, str]:
    return {
        str(p.relative_to(run.folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in run.files
        if p.suffix in (".csv", ".xlsx")
    }


@pytest.mark.parametrize("datum", ["datum = 2025-02-15\n", ""])
def test_two_runs_give_identical_data_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, datum: str
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    text = SMALL.replace("datum = 2025-02-15\n", datum)
    config = _write(tmp_path, text)
    first = _digests(gb.run_config(config))
    second_run = gb.run_config(config)
    assert _digests(second_run) == first
    assert len(first) == 5  # the workbook and four CSV files


def test_the_workbook_records_the_date_of_the_settings(tmp_path: Path) -> None:
    run = gb.run_config(_write(tmp_path, SMALL))
    with zipfile.ZipFile(run.excel) as archive:
        core = archive.read("docProps/core.xml").decode()
        times = {info.date_time for info in archive.infolist()}
    assert "2025-02-15T00:00:00Z" in core
    assert times == {(2025, 2, 15, 0, 0, 0)}
    provenance = pd.read_csv(run.folder / "csv" / "1_arbetsdrift" / "provenance.csv", sep=";")
    items = dict(zip(provenance["Uppgift"], provenance["Värde"], strict=True))
    assert items["Skapad (UTC)"] == "2025-02-15 00:00:00"


def test_source_date_epoch_sets_the_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    run = gb.run_config(_write(tmp_path, SMALL))
    provenance = pd.read_csv(run.folder / "csv" / "1_arbetsdrift" / "provenance.csv", sep=";")
    items = dict(zip(provenance["Uppgift"], provenance["Värde"], strict=True))
    assert items["Skapad (UTC)"] == "2023-11-14 22:13:20"


def test_without_a_date_no_time_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    run = gb.run_config(_write(tmp_path, SMALL.replace("datum = 2025-02-15\n", "")))
    provenance = pd.read_csv(run.folder / "csv" / "1_arbetsdrift" / "provenance.csv", sep=";")
    items = dict(zip(provenance["Uppgift"], provenance["Värde"], strict=True))
    assert items["Skapad (UTC)"].startswith("inte angiven")
    with zipfile.ZipFile(run.excel) as archive:
        assert b"dcterms:created" not in archive.read("docProps/core.xml")


def test_a_bad_source_date_epoch_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "igår")
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH must be a whole number"):
        check_config(_write(tmp_path, SMALL))


# --- provenance ----------------------------------------------------------------------------


def test_the_provenance_records_the_settings_and_the_input(tmp_path: Path) -> None:
    source = tmp_path / "intagna.csv"
    data = gb.datasets.load_kriminalvarden().loc[:, ["ar", "kon", "arbetsdrift"]]
    data["kon"] = data["kon"].map({"K": "Kvinna", "M": "Man"})
    data["arbetsdrift"] = data["arbetsdrift"].map({1: "Ja", 0: "Nej"})
    data.to_csv(source, sep=";", index=False, encoding="cp1252")
    text = SMALL.replace('exempel = "kriminalvarden"', 'fil = "intagna.csv"')
    config = _write(tmp_path, text)
    run = gb.run_config(config)
    provenance = pd.read_csv(
        run.folder / "csv" / "1_arbetsdrift" / "provenance.csv", sep=";", dtype=str
    )
    items = dict(zip(provenance["Uppgift"], provenance["Värde"], strict=True))
    assert items["Inställningsfil, SHA-256"] == hashlib.sha256(config.read_bytes()).hexdigest()
    assert items["Indata, SHA-256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert items["Indata"] == "intagna.csv"
    assert items["Indata, rader"] == str(len(data))
    assert items["Indata, kolumner"] == "ar, kon, arbetsdrift"
    assert items["genderbudget, version"] == gb.__version__
    assert items["rule.min_n"] == "20"
    assert "färre än 3 personer" in items["Röjandeskydd"]
    # the same numbers as the frame analysed directly
    expected = gb.analyse(
        gb.datasets.load_kriminalvarden(), gb.rate("arbetsdrift"), sex="kon", by="ar"
    )
    estimates = pd.read_csv(
        run.folder / "csv" / "1_arbetsdrift" / "estimates.csv", sep=";", decimal=","
    )
    assert estimates["Skattning"].to_numpy() == pytest.approx(
        expected.estimates["estimate"].to_numpy(), rel=1e-12
    )


# --- errors name the key and the line --------------------------------------------------------


def test_an_unknown_key_suggests_the_closest_one(tmp_path: Path) -> None:
    text = SMALL.replace('kolumn = "arbetsdrift"', 'kolumnn = "arbetsdrift"')
    error = _error(tmp_path, text)
    assert error.key == "indikator[1].kolumnn"
    assert error.line == _line_of(text, "kolumnn")
    assert f"line {error.line}" in str(error)
    assert "Did you mean 'kolumn'?" in str(error)


def test_the_line_of_the_second_indicator_is_reported(tmp_path: Path) -> None:
    text = SMALL + '\n[[indikator]]\nnamn = "kostnad"\nmatt = "kvott"\nkolumn = "kostnad"\n'
    error = _error(tmp_path, text)
    assert error.key == "indikator[2].matt"
    assert error.line == _line_of(text, "matt =", occurrence=2)
    assert "Did you mean 'kvot'?" in str(error)


def test_a_wrong_type_names_the_key_and_the_line(tmp_path: Path) -> None:
    text = SMALL.replace('mapp = "ut"', "mapp = 3")
    error = _error(tmp_path, text)
    assert (error.key, error.line) == ("rapport.mapp", 2)
    assert "must be a text in quotes, got a whole number (3)" in str(error)


def test_a_missing_required_key_names_its_table(tmp_path: Path) -> None:
    text = SMALL.replace('matt = "andel"\n', "")
    error = _error(tmp_path, text)
    assert error.key == "indikator[1].matt"
    assert error.line == _line_of(text, "[[indikator]]")
    assert "is missing" in str(error)


def test_a_key_the_measure_does_not_read(tmp_path: Path) -> None:
    text = SMALL.replace('kolumn = "arbetsdrift"', 'kolumn = "arbetsdrift"\nnamnare = "dygn"')
    error = _error(tmp_path, text)
    assert (error.key, error.line) == ("indikator[1].namnare", _line_of(text, "namnare"))
    assert "is not used by matt = 'andel'" in str(error)


def test_a_missing_file_is_named_with_its_key(tmp_path: Path) -> None:
    text = SMALL.replace('exempel = "kriminalvarden"', 'fil = "saknas.csv"')
    error = _error(tmp_path, text)
    assert (error.key, error.line) == ("data.fil", _line_of(text, "saknas.csv"))
    assert "'saknas.csv' does not exist" in str(error)


def test_a_missing_settings_file() -> None:
    with pytest.raises(FileNotFoundError, match=r"'saknas\.toml' does not exist"):
        gb.run_config("saknas.toml")


def test_a_syntax_error_gives_the_line_and_column(tmp_path: Path) -> None:
    text = SMALL.replace('kolumn = "arbetsdrift"', "kolumn = arbetsdrift")
    error = _error(tmp_path, text)
    message = str(error)
    assert error.line == _line_of(text, "kolumn = arbetsdrift")
    assert "not valid TOML" in message and f"line {error.line}, column 10" in message
    assert "\n" not in message


def test_an_unknown_column_lists_the_columns(tmp_path: Path) -> None:
    text = SMALL.replace('kolumn = "arbetsdrift"', 'kolumn = "arbetsdrif"')
    with pytest.raises(ConfigError) as caught:
        gb.run_config(_write(tmp_path, text))
    error = caught.value
    assert (error.key, error.line) == ("indikator[1].kolumn", _line_of(text, 'arbetsdrif"'))
    assert "the column 'arbetsdrif' is not in genderbudget.datasets: kriminalvarden" in str(error)
    assert "Did you mean 'arbetsdrift'?" in str(error) and "'strafflangd'" in str(error)


def test_a_breakdown_from_the_analysis_table_is_reported_there(tmp_path: Path) -> None:
    text = SMALL.replace('uppdelning = "ar"\n', "") + '\n[analys]\nuppdelning = ["ar", "region"]\n'
    with pytest.raises(ConfigError) as caught:
        gb.run_config(_write(tmp_path, text))
    assert caught.value.key == "analys.uppdelning"
    assert caught.value.line == _line_of(text, "region")


def test_indicators_of_one_section_must_agree(tmp_path: Path) -> None:
    text = (
        SMALL.replace('uppdelning = "ar"', 'uppdelning = "ar"\navsnitt = "A"')
        + '\n[[indikator]]\nnamn = "n"\nmatt = "antal"\navsnitt = "A"\n'
    )
    error = _error(tmp_path, text)
    assert error.key == "indikator[2].uppdelning"
    assert "must agree on 'uppdelning'" in str(error)


def test_a_value_out_of_range_names_the_key(tmp_path: Path) -> None:
    text = SMALL.replace("diagram = false", "diagram = false\nmin_n = 0")
    error = _error(tmp_path, text)
    assert (error.key, error.line) == ("rapport.min_n", _line_of(text, "min_n"))


def test_nothing_to_compute_is_an_error(tmp_path: Path) -> None:
    error = _error(tmp_path, SMALL.split("[[indikator]]")[0])
    assert "declares nothing to compute" in str(error)


def test_the_pension_sample_needs_an_allocation(tmp_path: Path) -> None:
    error = _error(tmp_path, SMALL.replace('"kriminalvarden"', '"pensionsmyndigheten"'))
    assert error.key == "data.exempel" and "[fordelning]" in str(error)


# --- finding lines -------------------------------------------------------------------------


def test_key_lines_follow_arrays_of_tables_and_values_over_several_lines() -> None:
    text = (
        "titel = 'x'\n"  # 1
        "[analys]\n"  # 2
        "uppdelning = [\n"  # 3
        "  'ar',\n"  # 4  (inside the array: not a key)
        "  'enhet = 2',\n"  # 5
        "]\n"  # 6
        'text = """\n'  # 7
        "namn = inte en nyckel\n"  # 8
        '"""\n'  # 9
        "[[indikator]]\n"  # 10
        "namn = 'a'\n"  # 11
        "[indikator.etiketter]\n"  # 12
        "a = 'A'\n"  # 13
        "[[indikator]]  # andra\n"  # 14
        "namn = 'b'\n"  # 15
        "[fordelning.nycklar]\n"  # 16
        '"IT och ledning" = "volymmatt"\n'  # 17
        "punkt.del = 1\n"  # 18
    )
    lines = key_lines(text)
    assert lines[("titel",)] == 1
    assert lines[("analys", "uppdelning")] == 3
    assert ("analys", "enhet") not in lines and ("analys", "namn") not in lines
    assert lines[("analys", "text")] == 7
    assert lines[("indikator", 0)] == 10 and lines[("indikator", 0, "namn")] == 11
    assert lines[("indikator", 0, "etiketter", "a")] == 13
    assert lines[("indikator", 1)] == 14 and lines[("indikator", 1, "namn")] == 15
    assert lines[("fordelning", "nycklar", "IT och ledning")] == 17
    assert lines[("fordelning", "nycklar", "punkt", "del")] == 18


def test_display_writes_keys_as_in_the_file() -> None:
    assert display(("indikator", 0, "matt")) == "indikator[1].matt"
    assert display(("fordelning", "nycklar", "IT och ledning")) == (
        'fordelning.nycklar."IT och ledning"'
    )
