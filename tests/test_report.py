"""Report files (``genderbudget._report``): workbook, HTML page, CSV files and the report.

Every file is read back: the workbook with openpyxl (cell types, number formats, that no
cell is a formula), the HTML as text (tables, embedded charts, no network references,
escaped user text), the CSV files with pandas.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import genderbudget as gb
from genderbudget._report import neutralised

SCRIPT = Path(__file__).parents[1] / "scripts" / "screenshot_report.py"
DANGEROUS = ["=1+1", "+A1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture(scope="module")
def yearly() -> gb.Result:
    data = gb.datasets.load_kriminalvarden()
    work = gb.rate("arbetsdrift", label="i arbetsdrift")
    return gb.analyse(data, [gb.count(), work], sex="kon", by="ar", justified=["sakerhetsklass"])


@pytest.fixture(scope="module")
def womens_prisons() -> gb.Result:
    """Women's prisons by year and prison: small cells of men, hidden by suppression."""
    data = gb.datasets.load_kriminalvarden()
    womens = data.loc[data["anstalt_for"] == "kvinnor"]
    return gb.analyse(womens, [gb.rate("arbetsdrift")], sex="kon", by=["ar", "anstalt"])


def _hostile(values: list[str]) -> pd.DataFrame:
    """Ten persons of each sex in each group, the group names chosen by an attacker."""
    rows = []
    for group in values:
        for i in range(20):
            rows.append({"kon": "K" if i % 2 else "M", "grupp": group, "y": float(i % 7)})
    return pd.DataFrame(rows)


def _cells(path: Path) -> list[openpyxl.cell.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def _sheet(path: Path, name: str) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(path)
    return list(book[name].iter_rows(values_only=True))


def test_workbook_has_numeric_cells_with_swedish_formats(yearly: gb.Result, tmp_path: Path) -> None:
    path = yearly.to_excel(tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Skattningar", "Jämförelser", "Exkluderade rader", "Om rapporten"]
    sheet = book["Skattningar"]
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["Mått", "ar", "Kön", "Antal", "Enheter"]
    n = headers.index("Antal") + 1
    estimate = headers.index("Skattning") + 1
    counts = [sheet.cell(row=r, column=n) for r in range(2, sheet.max_row + 1)]
    assert all(c.data_type == "n" and isinstance(c.value, int) for c in counts)
    assert {c.number_format for c in counts} == {"#,##0"}
    # The numbers are the result's own, at full precision.
    assert [c.value for c in counts] == yearly.estimates["n"].tolist()
    rates = [
        sheet.cell(row=r, column=estimate)
        for r in range(2, sheet.max_row + 1)
        if sheet.cell(row=r, column=1).value == "arbetsdrift"
    ]
    assert all(c.data_type == "n" for c in rates)
    assert {c.number_format for c in rates} == {"0.0 %"}
    expected = yearly.estimates.loc[yearly.estimates["measure"] == "arbetsdrift", "estimate"]
    # openpyxl writes 16 significant digits (Excel itself keeps 15): equal to 1e-15
    assert [c.value for c in rates] == pytest.approx(expected.tolist(), rel=1e-15, abs=0)


def test_comparisons_sheet_has_flag_words_and_explanations(
    yearly: gb.Result, tmp_path: Path
) -> None:
    rows = _sheet(yearly.to_excel(tmp_path / "r.xlsx"), "Jämförelser")
    headers = list(rows[0])
    flags = [r[headers.index("Bedömning")] for r in rows[1:]]
    assert "skillnad som kan vara osaklig" in flags
    texts = [r[headers.index("Förklaring")] for r in rows[1:]]
    assert texts == yearly.explain()["text"].tolist()


def test_english_headers_and_sheets(yearly: gb.Result, tmp_path: Path) -> None:
    path = yearly.to_excel(tmp_path / "r.xlsx", lang="en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Estimates", "Comparisons", "Excluded rows", "About the report"]
    headers = [c.value for c in book["Comparisons"][1]]
    assert "Difference women − men" in headers
    assert "Verdict" in headers


def test_provenance_names_version_settings_rule_and_data(yearly: gb.Result, tmp_path: Path) -> None:
    path = yearly.to_excel(tmp_path / "r.xlsx", source="Kriminalvården", synthetic=True)
    items = dict(_sheet(path, "Om rapporten")[1:])
    assert items["genderbudget, version"] == gb.__version__
    assert items["Källa"] == "Kriminalvården"
    assert items["Data"] == "syntetiska data, inte verkliga uppgifter"
    assert "färre än 3 personer" in str(items["Röjandeskydd"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", str(items["Skapad (UTC)"]))
    assert re.fullmatch(r"[0-9a-f]{64}", str(items["Fingeravtryck (SHA-256)"]))
    assert items["sex"] == "'kon'"
    assert items["by"] == "('ar',)"
    assert items["justified"] == "('sakerhetsklass',)"
    assert items["confidence"] == "0.95"
    assert items["rule.alpha"] == "0.05"
    assert items["rule.min_n"] == "20"
    assert items["measures[2]"].startswith("Measure(kind='rate', name='arbetsdrift'")
    unsuppressed = dict(
        _sheet(yearly.to_excel(tmp_path / "u.xlsx", suppress=False), "Om rapporten")
    )
    assert unsuppressed["Röjandeskydd"] == "inget: alla värden visas"
    assert "Data" not in unsuppressed


def test_fingerprint_is_the_sha256_of_the_cells_and_follows_the_data(
    yearly: gb.Result, tmp_path: Path
) -> None:
    def fingerprint(result: gb.Result, name: str) -> str:
        items = dict(_sheet(result.to_excel(tmp_path / name), "Om rapporten")[1:])
        return str(items["Fingeravtryck (SHA-256)"])

    first, again = fingerprint(yearly, "a.xlsx"), fingerprint(yearly, "b.xlsx")
    assert first == again  # the time of writing is not part of it
    english = dict(_sheet(yearly.to_excel(tmp_path / "e.xlsx", lang="en"), "About the report"))
    assert english["Fingerprint (SHA-256)"] == first  # nor the language
    # Independent recomputation from the definition: rows_in, then the column names and
    # each row of the published estimates and comparisons, one line each.
    publication = gb.suppress(yearly)
    digest = hashlib.sha256(f"rows_in={yearly.rows_in}\n".encode())
    for table in (publication.estimates, publication.comparisons):
        table = table.drop(columns="suppressed")
        digest.update(repr(list(table.columns)).encode() + b"\n")
        for row in table.astype(object).to_numpy().tolist():
            values = [None if v is None or v is pd.NA or v != v else v for v in row]
            values = [int(v) if isinstance(v, np.integer) else v for v in values]
            values = [float(v) if isinstance(v, np.floating) else v for v in values]
            digest.update(repr(values).encode() + b"\n")
    assert first == digest.hexdigest()
    data = gb.datasets.load_kriminalvarden()
    data.loc[data.index[0], "arbetsdrift"] = 1 - data.loc[data.index[0], "arbetsdrift"]
    work = gb.rate("arbetsdrift", label="i arbetsdrift")
    changed = gb.analyse(data, [gb.count(), work], sex="kon", by="ar", justified=["sakerhetsklass"])
    assert fingerprint(changed, "c.xlsx") != first


@pytest.mark.parametrize("value", DANGEROUS)
def test_no_cell_is_a_formula_whatever_the_data(value: str, tmp_path: Path) -> None:
    data = _hostile([value, "vanlig"])
    measure = gb.mean("y", label='=HYPERLINK("x")')
    result = gb.analyse(data, measure, sex="kon", by="grupp")
    path = result.to_excel(tmp_path / "r.xlsx", suppress=False)
    cells = _cells(path)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    # the text is kept as it was, as a string cell (XML reads a carriage return as \n)
    kept = [c for c in cells if c.value == value.replace("\r", "\n")]
    assert kept
    assert all(c.data_type == "s" for c in kept)


def test_formula_texts_in_csv_get_an_apostrophe(tmp_path: Path) -> None:
    result = gb.analyse(_hostile(DANGEROUS), gb.mean("y"), sex="kon", by="grupp")
    files = result.to_csv(tmp_path, suppress=False)
    estimates = pd.read_csv(files[0], sep=";", decimal=",", encoding="utf-8-sig", dtype=str)
    groups = set(estimates["grupp"])
    assert groups == {"'" + v for v in DANGEROUS}
    assert neutralised("Kriminalvården") == "Kriminalvården"
    assert neutralised("-5") == "'-5"


def test_suppressed_values_show_the_marker(womens_prisons: gb.Result, tmp_path: Path) -> None:
    publication = gb.suppress(womens_prisons)
    hidden = int(publication.estimates["suppressed"].sum())
    assert hidden > 0
    rows = _sheet(womens_prisons.to_excel(tmp_path / "r.xlsx"), "Skattningar")
    headers = list(rows[0])
    n = headers.index("Antal")
    marked = [r for r in rows[1:] if r[n] == ".."]
    assert len(marked) == hidden
    # every value of a hidden row but its keys is hidden
    assert all(set(r[n:]) == {".."} for r in marked)
    comparisons = _sheet(womens_prisons.to_excel(tmp_path / "r.xlsx"), "Jämförelser")
    explanation = list(comparisons[0]).index("Förklaring")
    hidden_comparisons = int(publication.comparisons["suppressed"].sum())
    assert sum(r[explanation] == ".." for r in comparisons[1:]) == hidden_comparisons
    open_rows = _sheet(womens_prisons.to_excel(tmp_path / "o.xlsx", suppress=False), "Skattningar")
    assert all(r[n] != ".." for r in open_rows[1:])


def test_html_is_self_contained_with_tables_charts_and_provenance(
    yearly: gb.Result, tmp_path: Path
) -> None:
    path = yearly.to_html(tmp_path / "r.html", source="Kriminalvården", synthetic=True)
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="sv">' in page
    assert "<title>Jämställdhetsanalys</title>" in page
    assert page.count("<table") >= 3  # comparisons, estimates, provenance
    # estimates and gaps of the rate; none of the head-count
    assert page.count('<img alt="" src="data:image/png;base64,') == 2
    assert re.search(r"https?://", page) is None
    assert re.search(r"""(src|href)=["'](?!data:)""", page) is None
    assert gb.__version__ in page
    assert "Källa: Kriminalvården (syntetiska data, inte verkliga uppgifter)." in page
    for text in yearly.explain()["text"]:
        assert text.replace("'", "&#x27;") in page
    english = yearly.to_html(tmp_path / "e.html", lang="en", charts=False).read_text("utf-8")
    assert '<html lang="en">' in english
    assert "<img" not in english
    assert "Verdicts" in english


def test_html_escapes_user_text(tmp_path: Path) -> None:
    attack = "<script>alert(1)</script>"
    result = gb.analyse(_hostile([attack, "b"]), gb.mean("y"), sex="kon", by="grupp")
    page = result.to_html(tmp_path / "r.html", source=attack, charts=False).read_text("utf-8")
    assert "<script" not in page
    assert "&lt;script&gt;" in page


def test_html_leaves_out_charts_that_would_show_hidden_cells(
    womens_prisons: gb.Result, tmp_path: Path
) -> None:
    page = womens_prisons.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<img" not in page
    assert "Diagram för arbetsdrift visas inte" in page
    assert ">..<" in page  # the display tables show the hidden values as ..


def test_csv_has_the_rows_of_the_result(yearly: gb.Result, tmp_path: Path) -> None:
    files = yearly.to_csv(tmp_path / "csv")
    assert [f.name for f in files] == [
        "estimates.csv",
        "comparisons.csv",
        "exclusions.csv",
        "provenance.csv",
    ]
    assert files[0].read_bytes().startswith(b"\xef\xbb\xbf")  # byte order mark
    estimates = pd.read_csv(files[0], sep=";", decimal=",", encoding="utf-8-sig")
    assert len(estimates) == len(yearly.estimates)
    assert estimates["Antal"].tolist() == yearly.estimates["n"].tolist()
    assert estimates["Skattning"].tolist() == pytest.approx(yearly.estimates["estimate"].tolist())
    comparisons = pd.read_csv(files[1], sep=";", decimal=",", encoding="utf-8-sig")
    assert len(comparisons) == len(yearly.comparisons)
    english = yearly.to_csv(tmp_path / "en", lang="en")
    frame = pd.read_csv(english[0], encoding="utf-8-sig")
    assert list(frame.columns[:4]) == ["Measure", "ar", "Sex", "Number"]
    assert frame["Estimate"].tolist() == pytest.approx(yearly.estimates["estimate"].tolist())


def test_csv_refuses_a_file_as_folder(yearly: gb.Result, tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    target.write_text("x")
    with pytest.raises(ValueError, match="one file per table into a folder"):
        yearly.to_csv(target)


def test_report_writes_one_page_and_one_workbook(
    yearly: gb.Result, womens_prisons: gb.Result, tmp_path: Path
) -> None:
    split = gb.allocate(
        pd.DataFrame({"objekt": ["A", "B"], "kostnad": [100.0, 300.0]}),
        pd.DataFrame(
            {
                "objekt": ["A", "A", "B", "B"],
                "kon": ["K", "M", "K", "M"],
                "antal": [1.0, 3.0, 1.0, 1.0],
            }
        ),
        cost_object="objekt",
        amount="kostnad",
        sex="kon",
        driver="antal",
    )
    html_path, excel_path = gb.report(
        [("Per år", yearly), ("<Kvinnoanstalter>", womens_prisons), ("Fördelning", split)],
        tmp_path / "r.html",
        tmp_path / "r.xlsx",
        title="Träff 3",
        synthetic=True,
        charts=False,
    )
    page = html_path.read_text(encoding="utf-8")
    assert "<h1>Träff 3</h1>" in page
    assert "<h2>Per år</h2>" in page
    assert "<h2>&lt;Kvinnoanstalter&gt;</h2>" in page
    assert "<h2>Fördelning</h2>" in page
    book = openpyxl.load_workbook(excel_path)
    assert book.sheetnames[:4] == [
        "1 Skattningar",
        "1 Jämförelser",
        "1 Exkluderade rader",
        "1 Om rapporten",
    ]
    assert book.sheetnames[8:] == ["3 Fördelning", "3 Känslighet", "3 Om rapporten"]
    allocation = list(book["3 Fördelning"].iter_rows(values_only=True))
    headers = list(allocation[0])
    amounts = [r[headers.index("Belopp")] for r in allocation[1:]]
    # A: 100 split 1:3, B: 300 split 1:1 -> women 25 + 150, men 75 + 150 (hand computation)
    assert sorted(amounts) == [175.0, 225.0]
    about = dict(list(book["3 Om rapporten"].iter_rows(values_only=True))[1:])
    assert about["Röjandeskydd"] == "inte tillämpligt: tabellerna har inga antal personer"
    assert about["driver"] == "('antal',)"


def test_report_refuses_what_it_cannot_write(yearly: gb.Result, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one"):
        gb.report([], tmp_path / "r.html")
    with pytest.raises(TypeError, match="position 1"):
        gb.report([("a", yearly), ("b", 5)], tmp_path / "r.html")  # type: ignore[list-item]


@pytest.mark.slow
def test_the_page_renders_in_a_browser(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode == 2:
        pytest.skip(f"no headless browser on this machine: {done.stdout.strip()}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "rapport.png").stat().st_size > 0
    assert "distinct colours" in done.stdout
