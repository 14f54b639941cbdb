"""Calibration of the verdicts by simulation: no true gap, few units, cell sizes like the samples.

Every scenario draws many replicates of a table in which women and men do **not** differ
(or differ only through a factor declared justified), runs :func:`genderbudget.analyse` on
all replicates at once (the replicate is a breakdown column, and the rule does not correct
across replicates, so each replicate is judged as a call of its own), and counts:

- ``test``: how often the test the verdict rests on rejects at the rule's level (the
  adjusted test when a justified factor is declared);
- ``unexplained``: how often the flag is ``unexplained_gap`` (also needs materiality);
- ``cover_*``: how often the 95 % intervals cover the true value — each sex's estimate, the
  difference, and the adjusted difference.

With R replicates the Monte-Carlo standard error of a rate near 5 % is
``sqrt(0.05 * 0.95 / R)`` (0.5 points at R = 2,000) and of a coverage near 95 % the same.

Run ``python benchmarks/calibration.py`` (about a minute; ``--reps`` to change the number of
replicates). The test suite runs the same scenarios with fewer replicates
(``tests/test_calibration.py``).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

import genderbudget as gb

ALPHA = 0.05
RULE = gb.FlagRule(p_adjust="none", min_n=1)
COST_PER_DAY = 3500.0


@dataclass(frozen=True)
class Scenario:
    """One simulated situation: a name, what it draws, and how it is analysed."""

    name: str
    draw: Callable[[np.random.Generator, int], tuple[pd.DataFrame, dict[str, float]]]
    measure: gb.Measure
    justified: tuple[str, ...] = ()
    n: str | None = "antal"


def _sizes(rng: np.random.Generator, mean: float, shape: tuple[int, int]) -> np.ndarray:
    """Unit sizes, log-normal with sd of the log 0.6 and about the given mean."""
    return rng.lognormal(np.log(mean) - 0.18, 0.6, size=shape)


def _unit_frame(sex: str, **columns: np.ndarray) -> pd.DataFrame:
    """One row per replicate x unit of one sex, from (replicates x units) arrays."""
    reps, count = next(iter(columns.values())).shape
    return pd.DataFrame(
        {
            "rep": np.repeat(np.arange(reps), count),
            "enhet": [f"{sex}{j}" for _ in range(reps) for j in range(count)],
            "kon": sex,
            **{name: values.ravel() for name, values in columns.items()},
        }
    )


def _units(
    rng: np.random.Generator, reps: int, women: int, men: int, *, factor: bool
) -> tuple[pd.DataFrame, dict[str, float]]:
    """One row per unit: care-days, persons, cost; cost per day varies between units.

    Women's units are smaller (mean about 7,000 care-days against 20,000), as in the
    Kriminalvården sample; cost per care-day is ``3500 * exp(0.2 u - 0.02)`` with ``u``
    standard normal, so its mean is 3,500 for either sex whatever the unit's size. With
    ``factor`` a unit-level security class raises the cost by 30 %, and women's units are
    more often in the dearer class: a raw gap that the class explains fully.
    """
    sizes = {"K": women, "M": men}
    frames = []
    for sex, count in sizes.items():
        mean_days = 7000.0 if sex == "K" else 20000.0
        days = np.round(_sizes(rng, mean_days, (reps, count))) + 50
        level = np.exp(0.2 * rng.standard_normal((reps, count)) - 0.02)
        klass = np.zeros((reps, count), dtype=int)
        if factor:
            klass = (rng.random((reps, count)) < (0.7 if sex == "K" else 0.3)).astype(int)
        cost_per_day = COST_PER_DAY * level * (1.0 + 0.3 * klass)
        frames.append(
            _unit_frame(
                sex,
                klass=klass,
                antal=np.maximum(np.round(days / 230.0), 1),
                varddygn=days,
                kostnad=cost_per_day * days,
            )
        )
    truth = {"women": COST_PER_DAY, "men": COST_PER_DAY} if not factor else {}
    truth["adjusted"] = 0.0
    if not factor:
        truth["difference"] = 0.0
    return pd.concat(frames, ignore_index=True), truth


def _noise(
    rng: np.random.Generator, reps: int, women: int, men: int
) -> tuple[pd.DataFrame, dict[str, float]]:
    """As :func:`_units` without a real factor, plus a unit-level 0/1 column unrelated to cost.

    The trap of few units: declaring such a column justified must not turn "no gap" into an
    unjustified one.
    """
    table, _ = _units(rng, reps, women, men, factor=False)
    table["brus"] = rng.integers(0, 2, len(table))
    return table, {"adjusted": 0.0}


def _unit_means(
    rng: np.random.Generator, reps: int, women: int, men: int
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Cost per client set by the unit: every client of a unit costs the unit's amount.

    Persons per unit are drawn first (women's units smaller), each a full year of 230
    care-days at the unit's cost per day, so the mean cost per client is 3500 x 230 for
    either sex whatever the unit's size.
    """
    frames = []
    for sex, count in (("K", women), ("M", men)):
        mean_persons = 30.0 if sex == "K" else 90.0
        persons = np.maximum(np.round(_sizes(rng, mean_persons, (reps, count))), 1)
        level = np.exp(0.2 * rng.standard_normal((reps, count)) - 0.02)
        frames.append(
            _unit_frame(sex, antal=persons, kostnad=COST_PER_DAY * 230.0 * level * persons)
        )
    value = COST_PER_DAY * 230.0
    return pd.concat(frames, ignore_index=True), {"women": value, "men": value, "difference": 0.0}


def _unit_access(
    rng: np.random.Generator, reps: int, women: int, men: int
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Access decided per unit: each unit's share ``expit(logit(0.55) + 0.5 u)``.

    Persons per unit as in :func:`_unit_means`; the units' shares vary around the same
    level for both sexes, so there is no gap, but the persons of a unit are not independent.
    """
    frames = []
    for sex, count in (("K", women), ("M", men)):
        mean_persons = 30.0 if sex == "K" else 90.0
        persons = np.maximum(np.round(_sizes(rng, mean_persons, (reps, count))), 1).astype(int)
        logit = np.log(0.55 / 0.45) + 0.5 * rng.standard_normal((reps, count))
        got = rng.binomial(persons, 1.0 / (1.0 + np.exp(-logit)))
        frames.append(_unit_frame(sex, antal=persons, fick=got))
    return pd.concat(frames, ignore_index=True), {"difference": 0.0}


def _rates(
    rng: np.random.Generator, reps: int, women: int, men: int, *, factor: bool
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Persons drawn independently, collapsed to counts per replicate x sex (x factor).

    Without ``factor`` both sexes get it with probability 0.55. With it, a three-level
    factor (women more often in the lower levels) decides the probability, 0.35, 0.55 or
    0.75, for women and men alike: the adjusted gap is 0.
    """
    p_level = np.array([0.35, 0.55, 0.75])
    mix = {"K": np.array([0.5, 0.3, 0.2]), "M": np.array([0.2, 0.3, 0.5])}
    frames = []
    for sex, count in (("K", women), ("M", men)):
        if factor:
            per_level = rng.multinomial(count, mix[sex], size=reps)
            got = rng.binomial(per_level, p_level)
            levels = np.tile(np.arange(3), reps)
            frames.append(
                pd.DataFrame(
                    {
                        "rep": np.repeat(np.arange(reps), 3),
                        "kon": sex,
                        "niva": levels,
                        "antal": per_level.ravel(),
                        "fick": got.ravel(),
                    }
                )
            )
        else:
            frames.append(
                pd.DataFrame(
                    {
                        "rep": np.arange(reps),
                        "kon": sex,
                        "niva": 0,
                        "antal": count,
                        "fick": rng.binomial(count, 0.55, size=reps),
                    }
                )
            )
    table = pd.concat(frames, ignore_index=True)
    table = table.loc[table["antal"] > 0]
    truth = {"adjusted": 0.0} if factor else {"women": 0.55, "men": 0.55, "difference": 0.0}
    if not factor:
        truth["adjusted"] = 0.0
    return table, truth


def _means(
    rng: np.random.Generator,
    reps: int,
    women: int,
    men: int,
    *,
    factor: bool,
    spread: float = 0.5,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Skewed amounts (log-normal, sd of the log ``spread``) summed per replicate x sex x level.

    0.5 is a moderately skewed cost (a coefficient of variation of 0.53); 0.8 a strongly
    skewed one (0.95), as a stress case. The mean is 1,000 kr for both sexes, or with
    ``factor`` 1,000 + 500 x level (three levels, women more often in the lower ones) for
    both: the adjusted gap is 0.
    """
    mix = {"K": np.array([0.5, 0.3, 0.2]), "M": np.array([0.2, 0.3, 0.5])}
    rows = []
    for sex, count in (("K", women), ("M", men)):
        for rep in range(reps):
            level = rng.choice(3, size=count, p=mix[sex]) if factor else np.zeros(count, int)
            amount = (1000.0 + 500.0 * level) * rng.lognormal(
                -spread * spread / 2.0, spread, size=count
            )
            for value in np.unique(level):
                chosen = amount[level == value]
                rows.append((rep, sex, value, chosen.size, chosen.sum(), (chosen**2).sum()))
    table = pd.DataFrame(rows, columns=["rep", "kon", "niva", "antal", "belopp", "belopp_kv"])
    truth = {"adjusted": 0.0} if factor else {"women": 1000.0, "men": 1000.0, "difference": 0.0}
    if not factor:
        truth["adjusted"] = 0.0
    return table, truth


def scenarios() -> list[Scenario]:
    """The scenarios of the table in the README."""
    cost = gb.ratio("kostnad", "varddygn", cluster="enhet", name="kostnad per vårddygn")
    out = []
    for women, men in ((3, 3), (3, 8), (5, 5), (8, 8), (3, 30), (6, 39)):
        out.append(
            Scenario(
                f"cost per care-day, {women} vs {men} units",
                lambda rng, reps, w=women, m=men: _units(rng, reps, w, m, factor=False),
                cost,
            )
        )
    for women, men in ((3, 8), (6, 39)):
        out.append(
            Scenario(
                f"cost per care-day adjusted for class, {women} vs {men} units",
                lambda rng, reps, w=women, m=men: _units(rng, reps, w, m, factor=True),
                cost,
                ("klass",),
            )
        )
    out.append(
        Scenario(
            "cost per care-day adjusted for a unit-level noise column, 3 vs 8 units",
            lambda rng, reps: _noise(rng, reps, 3, 8),
            cost,
            ("brus",),
        )
    )
    per_client = gb.mean("kostnad", cluster="enhet", name="kostnad per klient")
    out.append(
        Scenario(
            "cost per client set by the unit (mean with cluster=), 3 vs 8 units",
            lambda rng, reps: _unit_means(rng, reps, 3, 8),
            per_client,
        )
    )
    for clustered in (False, True):
        out.append(
            Scenario(
                "access decided per unit, 6 vs 39 units, "
                + ("rate with cluster=" if clustered else "persons taken as independent"),
                lambda rng, reps: _unit_access(rng, reps, 6, 39),
                gb.rate("fick", cluster="enhet") if clustered else gb.rate("fick"),
            )
        )
    rate = gb.rate("fick")
    for women, men in ((30, 30), (250, 4000)):
        out.append(
            Scenario(
                f"access rate, {women} vs {men} persons",
                lambda rng, reps, w=women, m=men: _rates(rng, reps, w, m, factor=False),
                rate,
            )
        )
    out.append(
        Scenario(
            "access rate adjusted for a factor, 250 vs 4000 persons",
            lambda rng, reps: _rates(rng, reps, 250, 4000, factor=True),
            rate,
            ("niva",),
        )
    )
    amount = gb.mean("belopp", sum_sq="belopp_kv")
    for spread in (0.5, 0.8):
        for women, men in ((25, 25), (250, 4000)):
            out.append(
                Scenario(
                    f"mean amount (sd of log {spread}), {women} vs {men} persons",
                    lambda rng, reps, w=women, m=men, s=spread: _means(
                        rng, reps, w, m, factor=False, spread=s
                    ),
                    amount,
                )
            )
        out.append(
            Scenario(
                f"mean amount (sd of log {spread}) adjusted for a factor, 250 vs 4000 persons",
                lambda rng, reps, s=spread: _means(rng, reps, 250, 4000, factor=True, spread=s),
                amount,
                ("niva",),
            )
        )
    return out


def _covers(low: pd.Series, high: pd.Series, truth: float) -> float:
    ok = low.notna() & high.notna()
    return float(((low[ok] <= truth) & (truth <= high[ok])).mean()) if ok.any() else np.nan


def run(scenario: Scenario, reps: int, seed: int) -> dict[str, object]:
    """Simulate one scenario and return its rates and coverages."""
    rng = np.random.default_rng(seed)
    table, truth = scenario.draw(rng, reps)
    result = gb.analyse(
        table,
        scenario.measure,
        sex="kon",
        by="rep",
        n=scenario.n,
        justified=list(scenario.justified),
        rule=RULE,
    )
    comparisons = result.comparisons
    estimates = result.estimates
    adjusted = bool(scenario.justified)
    p = comparisons["adjusted_p_value" if adjusted else "p_value"]
    row: dict[str, object] = {
        "scenario": scenario.name,
        "reps": reps,
        "test": float((p < ALPHA).mean()),
        "unexplained": float((comparisons["flag"] == "unexplained_gap").mean()),
    }
    for sex in ("women", "men"):
        part = estimates.loc[estimates["sex"] == sex]
        row[f"cover_{sex}"] = (
            _covers(part["ci_low"], part["ci_high"], truth[sex]) if sex in truth else np.nan
        )
    row["cover_difference"] = (
        _covers(comparisons["difference_ci_low"], comparisons["difference_ci_high"], 0.0)
        if "difference" in truth
        else np.nan
    )
    row["cover_adjusted"] = (
        _covers(comparisons["adjusted_ci_low"], comparisons["adjusted_ci_high"], 0.0)
        if adjusted
        else np.nan
    )
    return row


def table(reps: int, seed: int = 2026) -> pd.DataFrame:
    """Run every scenario; one row each."""
    return pd.DataFrame([run(s, reps, seed + i) for i, s in enumerate(scenarios())])


def main() -> None:
    """Print the calibration table as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    start = time.perf_counter()
    frame = table(args.reps, args.seed)
    columns = {
        "scenario": "scenario (no true gap)",
        "test": "test rejects",
        "unexplained": "`unexplained_gap`",
        "cover_women": "women's CI covers",
        "cover_men": "men's CI covers",
        "cover_difference": "difference CI covers",
        "cover_adjusted": "adjusted CI covers",
    }
    shown = frame[list(columns)].rename(columns=columns)
    for column in list(columns.values())[1:]:
        shown[column] = shown[column].map(lambda v: "–" if pd.isna(v) else f"{100 * v:.1f} %")
    print(f"{args.reps} replicates per scenario, seed {args.seed}, level {ALPHA}\n")
    print("| " + " | ".join(shown.columns) + " |")
    print("|" + "---|" * len(shown.columns))
    for values in shown.itertuples(index=False):
        print("| " + " | ".join(str(v) for v in values) + " |")
    se = np.sqrt(ALPHA * (1 - ALPHA) / args.reps)
    print(f"\nMonte-Carlo standard error near 5 % or 95 %: {100 * se:.2f} points")
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
