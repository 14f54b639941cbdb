"""``python -m genderbudget``: the three Träff 3 examples on the sample data, as tables.

Kriminalvården: per year and sex, cost per care-day (prisons as units, CR2 intervals) and
the share of inmates in work operations, each with a 95 % interval, the women-vs-men
differences with the interval at the Holm-corrected level (which agrees with the verdict)
and Holm-adjusted p-values, the verdict with security class and sentence length
as justified factors in plain Swedish, and the work places that would close the gap. SiS:
staff hours per need-weighted care-day for girls and boys aged 12–14, against raw hours per
care-day. Pensionsmyndigheten: women's share of the administration cost by volume driver.
The data are synthetic.
"""

from __future__ import annotations

import sys

import pandas as pd

import genderbudget as gb
from genderbudget._format import format_decimal, format_number, format_p_value
from genderbudget._texts import Lang, flag_label

SEX_SV = {"women": "kvinnor", "men": "män", "unknown": "okänt"}
LANG: Lang = "sv"


def _column(values: pd.Series, decimals: int, shift: int = 0) -> pd.Series:
    """Format a column of a table; ``shift=2`` shows proportions in percent."""
    return values.map(lambda v: format_decimal(v, LANG, decimals, shift))


def _interval(low: float, high: float, decimals: int, shift: int = 0) -> str:
    """Format the interval of a table cell; ``shift=2`` shows proportions in percent."""
    return " – ".join(format_decimal(v, LANG, decimals, shift) for v in (low, high))


def _estimates(result: gb.Result, measure: str, shift: int, decimals: int) -> pd.DataFrame:
    est = result.estimates
    est = est.loc[est["measure"] == measure]
    table = pd.DataFrame(
        {
            "år": est["ar"],
            "kön": est["sex"].map(SEX_SV),
            "antal": _column(est["n"], 0),
            "skattning": _column(est["estimate"], decimals, shift),
            "95 % KI": [
                _interval(lo, hi, decimals, shift)
                for lo, hi in zip(est["ci_low"], est["ci_high"], strict=True)
            ],
        }
    )
    return table.reset_index(drop=True)


def _comparisons(result: gb.Result, measure: str, shift: int, decimals: int) -> pd.DataFrame:
    cmp = result.comparisons
    cmp = cmp.loc[cmp["measure"] == measure]
    return pd.DataFrame(
        {
            "år": cmp["ar"],
            "kvinnor − män": _column(cmp["difference"], decimals, shift),
            "KI efter Holm": [
                _interval(lo, hi, decimals, shift)
                for lo, hi in zip(
                    cmp["difference_corrected_ci_low"],
                    cmp["difference_corrected_ci_high"],
                    strict=True,
                )
            ],
            "kvinnor / män": _column(cmp["ratio"], 2),
            "p (Holm)": cmp["p_adjusted"].map(lambda v: format_p_value(v, lang=LANG)),
        }
    ).reset_index(drop=True)


PLACE_COST = 250_000
"""Assumed cost of one work place a year (kr), for the example only."""


def _plan(data: pd.DataFrame, justified: list[str]) -> pd.DataFrame:
    plan = gb.equalize(
        data, "arbetsdrift", sex="kon", by="ar", justified=justified, unit_cost=PLACE_COST
    )
    women = plan.loc[plan["sex"] == "women"]
    return pd.DataFrame(
        {
            "år": women["ar"],
            "kvinnor": _column(women["n"], 0),
            "i arbetsdrift": _column(women["current"], 0),
            "platser som saknas": _column(women["needed"], 1),
            "95 % KI": [
                _interval(lo, hi, 1)
                for lo, hi in zip(women["needed_ci_low"], women["needed_ci_high"], strict=True)
            ],
            "nya platser": _column(women["change"], 0),
            "kostnad (kr)": _column(women["cost"], 0),
        }
    ).reset_index(drop=True)


def _sis_table() -> pd.DataFrame:
    """Girls vs boys aged 12–14: staff hours per need-weighted care-day and per care-day."""
    sis = gb.datasets.load_sis()
    need = gb.per_need(
        "personaltimmar", "behov", days="varddygn", cluster="avdelning", name="per_behov"
    )
    raw = gb.ratio("personaltimmar", "varddygn", cluster="avdelning", name="per_dygn")
    cmp = gb.analyse(sis, [need, raw], sex="kon", by=["ar", "aldersgrupp"]).comparisons
    cmp = cmp.loc[cmp["aldersgrupp"] == "12-14"]
    columns: dict[str, object] = {}
    for measure, title in ((need.name, "behovsvägt"), (raw.name, "per vårddygn")):
        part = cmp.loc[cmp["measure"] == measure].reset_index(drop=True)
        columns["år"] = part["ar"]
        columns[f"kvot {title}"] = [
            f"{format_number(r, lang=LANG, decimals=2)} ({_interval(lo, hi, 2)})"
            for r, lo, hi in zip(
                part["ratio"],
                part["ratio_corrected_ci_low"],
                part["ratio_corrected_ci_high"],
                strict=True,
            )
        ]
        columns[f"bedömning {title}"] = part["flag"].map(flag_label)
    return pd.DataFrame(columns)


def _pension_table() -> pd.DataFrame:
    """Women's share of Pensionsmyndigheten's administration cost by volume driver."""
    costs = gb.datasets.load_pension_costs()
    split = gb.allocate(
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
    shares = split.sensitivity.loc[split.sensitivity["cost_object"] == "total"]
    table = shares.pivot(index="ar", columns="driver", values="women_share")
    names = {"mottagare": "mottagare", "arenden": "ärenden", "kontakter": "kontakter"}
    out = pd.DataFrame({"år": table.index})
    for driver, word in names.items():
        out[f"efter {word} (%)"] = _column(table[driver], 1, shift=2).to_numpy()
    return out


def main() -> int:
    """Analyse the synthetic sample data of the three examples and print the tables."""
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
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print("\nKostnad per vårddygn (kr), anstalter som enheter\n")
        print(_estimates(result, cost.name, 0, 0).to_string(index=False))
        print(
            "\nKvinnor jämfört med män, kostnad per vårddygn (kr); KI efter Holm är intervallet"
            "\npå den korrigerade nivån, som utesluter 0 precis när p (Holm) < 0,05, så att"
            "\nintervall och bedömning stämmer överens\n"
        )
        print(_comparisons(result, cost.name, 0, 0).to_string(index=False))
        print("\nAndel i arbetsdrift (%)\n")
        print(_estimates(result, work.name, 2, 1).to_string(index=False))
        print("\nKvinnor jämfört med män, andel i arbetsdrift (procentenheter)\n")
        print(_comparisons(result, work.name, 2, 1).to_string(index=False))
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
        "\nfrihetsgrader)\n"
    )
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(_sis_table().to_string(index=False))
    print(f"\n{line}")
    print("Pensionsmyndigheten, SYNTETISKA exempeldata: förvaltningskostnad per kön")
    print(line)
    print(
        "\nKvinnors andel av förvaltningskostnaden efter val av volymmått"
        "\n(kundservice fördelad efter kontakter, IT och ledning efter volymmåttet)\n"
    )
    print(_pension_table().to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
