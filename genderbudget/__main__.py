"""``python -m genderbudget``: the Kriminalvården sample analysis printed as tables.

Per year and sex: cost per care-day (prisons as units of the delta method) and the share
of inmates in work operations, each with a 95 % interval, the women-vs-men differences
with Holm-adjusted p-values, and the verdict with security class and sentence length as
justified factors, in plain Swedish, and the work places that would close the gap. The data
are synthetic.
"""

from __future__ import annotations

import sys

import pandas as pd

import genderbudget as gb

SEX_SV = {"women": "kvinnor", "men": "män", "unknown": "okänt"}


def _number(value: float, decimals: int) -> str:
    if pd.isna(value):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace("-", "−")


def _p_value(value: float) -> str:
    if pd.isna(value):
        return "–"
    return "< 0,001" if value < 0.001 else _number(value, 3)


def _interval(low: float, high: float, decimals: int) -> str:
    return f"{_number(low, decimals)} – {_number(high, decimals)}"


def _estimates(result: gb.Result, measure: str, scale: float, decimals: int) -> pd.DataFrame:
    est = result.estimates
    est = est.loc[est["measure"] == measure]
    table = pd.DataFrame(
        {
            "år": est["ar"],
            "kön": est["sex"].map(SEX_SV),
            "antal": est["n"].map(lambda v: _number(v, 0)),
            "skattning": (est["estimate"] * scale).map(lambda v: _number(v, decimals)),
            "95 % KI": [
                _interval(lo * scale, hi * scale, decimals)
                for lo, hi in zip(est["ci_low"], est["ci_high"], strict=True)
            ],
        }
    )
    return table.reset_index(drop=True)


def _comparisons(result: gb.Result, measure: str, scale: float, decimals: int) -> pd.DataFrame:
    cmp = result.comparisons
    cmp = cmp.loc[cmp["measure"] == measure]
    return pd.DataFrame(
        {
            "år": cmp["ar"],
            "kvinnor − män": (cmp["difference"] * scale).map(lambda v: _number(v, decimals)),
            "95 % KI": [
                _interval(lo * scale, hi * scale, decimals)
                for lo, hi in zip(cmp["difference_ci_low"], cmp["difference_ci_high"], strict=True)
            ],
            "kvinnor / män": cmp["ratio"].map(lambda v: _number(v, 2)),
            "p (Holm)": cmp["p_adjusted"].map(_p_value),
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
            "kvinnor": women["n"].map(lambda v: _number(v, 0)),
            "i arbetsdrift": women["current"].map(lambda v: _number(v, 0)),
            "platser som saknas": women["needed"].map(lambda v: _number(v, 1)),
            "95 % KI": [
                _interval(lo, hi, 1)
                for lo, hi in zip(women["needed_ci_low"], women["needed_ci_high"], strict=True)
            ],
            "nya platser": women["change"].map(lambda v: _number(v, 0)),
            "kostnad (kr)": women["cost"].map(lambda v: _number(v, 0)),
        }
    ).reset_index(drop=True)


def main() -> int:
    """Analyse the synthetic Kriminalvården data and print the tables."""
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
    rows, prisons = _number(len(data), 0), data["anstalt"].nunique()
    print(f"{rows} rader (intagna 1 oktober per år), {prisons} anstalter")
    print(line)
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print("\nKostnad per vårddygn (kr), anstalter som enheter\n")
        print(_estimates(result, cost.name, 1.0, 0).to_string(index=False))
        print("\nKvinnor jämfört med män, kostnad per vårddygn (kr)\n")
        print(_comparisons(result, cost.name, 1.0, 0).to_string(index=False))
        print("\nAndel i arbetsdrift (%)\n")
        print(_estimates(result, work.name, 100.0, 1).to_string(index=False))
        print("\nKvinnor jämfört med män, andel i arbetsdrift (procentenheter)\n")
        print(_comparisons(result, work.name, 100.0, 1).to_string(index=False))
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
        f"{_number(PLACE_COST, 0)} kr per plats och år)\n"
    )
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print(_plan(data, list(justified)).to_string(index=False))
    excluded = result.accounting
    print("\nRader in / använda / exkluderade per mått:")
    for row in excluded.itertuples(index=False):
        numbers = (row.rows_in, row.rows_used, row.rows_excluded)
        counts = " / ".join(_number(float(v), 0) for v in numbers)  # type: ignore[arg-type]
        print(f"  {row.measure}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
