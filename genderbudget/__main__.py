"""``python -m genderbudget``: the three Träff 3 examples on the sample data, as tables.

Kriminalvården: per year and sex, cost per care-day (prisons as units, CR2 intervals) and
the share of inmates in work operations, each with a 95 % interval, the women-vs-men
differences with the interval at the Holm-corrected level (which agrees with the verdict)
and Holm-adjusted p-values, the verdict with security class and sentence length
as justified factors in plain Swedish, and the work places that would close the gap. SiS:
staff hours per need-weighted care-day for girls and boys aged 12–14, against raw hours per
care-day. Pensionsmyndigheten: women's share of the administration cost by volume driver.
The data are synthetic.

It also writes the Träff 3 report of the three examples: one HTML page (tables, charts,
explanations, provenance) and one Excel workbook, into the folder given as the first
argument, else the one in the environment variable ``GENDERBUDGET_RAPPORT``, else
``rapport`` in the current directory.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

import genderbudget as gb
from genderbudget._format import format_number
from genderbudget._texts import Lang

LANG: Lang = "sv"
LABELS = {"ar": "år"}
COMPARISON_COLUMNS = ["women", "men", "difference", "ci", "ratio", "p_adjusted", "flag"]


def _estimates(result: gb.Result, measure: gb.Measure) -> pd.DataFrame:
    """Per-sex estimates of one measure with their intervals, and the total of persons."""
    return gb.formatted(result, "estimates", measures=[measure], lang=LANG, labels=LABELS)


def _comparisons(result: gb.Result, measure: gb.Measure) -> pd.DataFrame:
    """Women against men for one measure, the interval at the Holm-corrected level."""
    return gb.formatted(
        result,
        "comparisons",
        measures=[measure],
        lang=LANG,
        labels=LABELS,
        columns=COMPARISON_COLUMNS,
    )


PLACE_COST = 250_000
"""Assumed cost of one work place a year (kr), for the example only."""


def _plan(data: pd.DataFrame, justified: list[str]) -> pd.DataFrame:
    plan = gb.equalize(
        data, "arbetsdrift", sex="kon", by="ar", justified=justified, unit_cost=PLACE_COST
    )
    return gb.formatted(
        plan.loc[plan["sex"] == "women"],
        lang=LANG,
        labels={**LABELS, "n": "Kvinnor", "current": "I arbetsdrift"},
        columns=["n", "current", "needed", "ci", "change", "cost"],
    )


SIS_NEED = gb.per_need(
    "personaltimmar",
    "behov",
    days="varddygn",
    cluster="avdelning",
    name="per_behov",
    label="personaltimmar per behovsvägt vårddygn",
)
SIS_RAW = gb.ratio(
    "personaltimmar",
    "varddygn",
    cluster="avdelning",
    name="per_dygn",
    label="personaltimmar per vårddygn",
)


def _sis_result() -> gb.Result:
    """Staff hours per need-weighted care-day and per care-day, by year and age group."""
    sis = gb.datasets.load_sis()
    return gb.analyse(sis, [SIS_NEED, SIS_RAW], sex="kon", by=["ar", "aldersgrupp"])


def _sis_tables(result: gb.Result) -> list[tuple[str, pd.DataFrame]]:
    """Girls vs boys aged 12–14: staff hours per need-weighted care-day and per care-day."""
    need, raw = SIS_NEED, SIS_RAW
    tables = []
    for measure, title in ((need, "per behovsvägt vårddygn"), (raw, "per vårddygn")):
        table = gb.formatted(
            result,
            "comparisons",
            measures=[measure],
            lang=LANG,
            labels=LABELS,
            columns=["ratio", "ratio_ci", "flag"],
            words="children",
        )
        young = table.loc[table["aldersgrupp"] == "12-14"].drop(columns="aldersgrupp")
        tables.append((title, young.reset_index(drop=True)))
    return tables


def _pension_split() -> gb.Allocation:
    """Pensionsmyndigheten's administration cost allocated to women and men by driver."""
    costs = gb.datasets.load_pension_costs()
    return gb.allocate(
        costs.loc[costs["typ"] == "förmån"],
        gb.datasets.load_pension_drivers(),
        cost_object="kostnadsobjekt",
        amount="kostnad",
        sex="kon",
        by="ar",
        driver=["mottagare", "arenden", "kontakter"],
        overhead=costs.loc[costs["typ"] == "gemensam"],
        overhead_key={"kundservice": "kontakter", "IT och ledning": "driver"},
    )


def _pension_table(split: gb.Allocation) -> pd.DataFrame:
    """Women's share of Pensionsmyndigheten's administration cost by volume driver."""
    drivers = {
        "mottagare": "efter mottagare",
        "arenden": "efter ärenden",
        "kontakter": "efter kontakter",
    }
    table = gb.formatted(split, "sensitivity", lang=LANG, labels={**LABELS, **drivers})
    total = table.loc[table["Kostnadsobjekt"] == "Totalt"]
    shares = total.pivot(index="år", columns="Volymmått", values="Andel kvinnor")
    return shares[list(drivers.values())].reset_index().rename_axis(columns=None)


REPORT_FOLDER = "rapport"
REPORT_VARIABLE = "GENDERBUDGET_RAPPORT"
KRIMINALVARDEN, SIS, PENSION = (
    "Kriminalvården",
    "SiS särskilda ungdomshem",
    "Pensionsmyndigheten",
)


def _report_folder(argv: Sequence[str]) -> Path:
    """Choose the report's folder: the first argument, the environment variable, the default."""
    if argv:
        return Path(argv[0])
    return Path(os.environ.get(REPORT_VARIABLE) or REPORT_FOLDER)


def _write_report(
    folder: Path,
    sections: Sequence[tuple[str, gb.Result | gb.Allocation]],
    justified: dict[str, str],
) -> list[Path]:
    """Write the Träff 3 report of the three examples (HTML and Excel) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return gb.report(
        sections,
        folder / "rapport.html",
        folder / "rapport.xlsx",
        title="Träff 3: jämställdhetsbudgetering i tre myndigheter",
        synthetic=True,
        words={SIS: "children"},
        labels={KRIMINALVARDEN: justified},
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Analyse the synthetic sample data of the three examples, print tables, write a report.

    Parameters
    ----------
    argv : sequence of str, optional
        The command-line arguments: the report's folder, optionally.

    Returns
    -------
    int
        0 on success.
    """
    data = gb.datasets.load_kriminalvarden()
    cost = gb.ratio(
        "kostnad",
        "varddygn",
        cluster="anstalt",
        name="kostnad_per_varddygn",
        label="kostnad per vårddygn",
        unit="kr",
    )
    work = gb.rate("arbetsdrift", label="i arbetsdrift")
    justified = {"sakerhetsklass": "säkerhetsklass", "strafflangd": "strafflängd"}
    result = gb.analyse(data, [cost, work], sex="kon", by="ar", justified=list(justified))
    line = "=" * 78
    print(line)
    print("genderbudget – Kriminalvården, SYNTETISKA exempeldata (inte verkliga uppgifter)")
    rows, prisons = format_number(len(data), lang=LANG, decimals=0), data["anstalt"].nunique()
    print(f"{rows} rader (intagna 1 oktober per år), {prisons} anstalter")
    print(line)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print("\nKostnad per vårddygn (kr), anstalter som enheter\n")
        print(_estimates(result, cost).to_string(index=False))
        print(
            "\nKvinnor jämfört med män, kostnad per vårddygn (kr); KI efter Holms korrigering"
            "\när intervallet på den korrigerade nivån, som utesluter 0 precis när det justerade"
            "\np-värdet < 0,05, så att intervall och bedömning stämmer överens\n"
        )
        print(_comparisons(result, cost).to_string(index=False))
        print("\nAndel i arbetsdrift (%)\n")
        print(_estimates(result, work).to_string(index=False))
        print("\nKvinnor jämfört med män, andel i arbetsdrift (procentenheter)\n")
        print(_comparisons(result, work).to_string(index=False))
    print("\nBedömning (säkerhetsklass och strafflängd angivna som sakliga skäl)\n")
    for row in result.explain(labels=justified).itertuples(index=False):
        print(f"  {row.ar}: {row.text}")
    together = result.explain_together()
    if len(together):
        print("\nKostnad och tillgång tillsammans\n")
        for row in together.itertuples(index=False):
            print(f"  {row.ar}: {row.text}")
    print(
        "\nArbetsplatser som behövs för att kvinnor ska ha samma andel i arbetsdrift som män"
        "\nmed samma säkerhetsklass och strafflängd (antagen kostnad "
        f"{format_number(PLACE_COST, lang=LANG, decimals=0)} kr per plats och år)\n"
    )
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print(_plan(data, list(justified)).to_string(index=False))
    excluded = result.accounting
    print("\nRader in / använda / exkluderade per mått:")
    for row in excluded.itertuples(index=False):
        numbers = (row.rows_in, row.rows_used, row.rows_excluded)
        counts = " / ".join(format_number(float(v), lang=LANG, decimals=0) for v in numbers)  # type: ignore[arg-type]
        print(f"  {row.measure}: {counts}")

    print(f"\n{line}")
    print("SiS särskilda ungdomshem, SYNTETISKA exempeldata: flickor och pojkar 12–14 år")
    print(line)
    print(
        "\nPersonaltimmar per behovsvägt vårddygn och per vårddygn, flickor / pojkar"
        "\n(KI efter Holms korrigering över alla 30 jämförelser, så att intervallet och"
        "\nbedömningen stämmer överens; avdelningar som enheter, CR2 med Bell–McCaffreys"
        "\nfrihetsgrader)"
    )
    sis = _sis_result()
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        for title, table in _sis_tables(sis):
            print(f"\nPersonaltimmar {title}\n")
            print(table.to_string(index=False))
    print(f"\n{line}")
    print("Pensionsmyndigheten, SYNTETISKA exempeldata: förvaltningskostnad per kön")
    print(line)
    print(
        "\nKvinnors andel av förvaltningskostnaden efter val av volymmått"
        "\n(kundservice fördelad efter kontakter, IT och ledning efter volymmåttet)\n"
    )
    split = _pension_split()
    print(_pension_table(split).to_string(index=False))
    sections: list[tuple[str, gb.Result | gb.Allocation]] = [
        (KRIMINALVARDEN, result),
        (SIS, sis),
        (PENSION, split),
    ]
    written = _write_report(_report_folder(argv or ()), sections, justified)
    print(f"\n{line}")
    print("Rapporten (tabeller, diagram och ursprung) är skriven till:")
    for path in written:
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
