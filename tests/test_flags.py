"""Flags: significance and materiality and minimum n, direction, and the Träff 3 verdicts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from builders import two_groups

import genderbudget as gb


def _flag(data: pd.DataFrame, measure: gb.Measure, **options: object) -> pd.Series:
    return gb.analyse(data, measure, sex="kon", **options).comparisons.iloc[0]  # type: ignore[arg-type]


def test_supported_material_gap_is_unexplained_without_factors() -> None:
    row = _flag(two_groups(400, 0.3, 400, 0.5), gb.rate("a"))
    assert row["flag"] == "unexplained_gap"
    assert row["disadvantaged"] == "women"


def test_lower_is_better_turns_the_disadvantage_around() -> None:
    row = _flag(two_groups(400, 0.3, 400, 0.5), gb.rate("a", direction="lower_is_better"))
    assert row["flag"] == "unexplained_gap"
    assert row["disadvantaged"] == "men"


def test_a_resource_gap_never_names_a_disadvantaged_sex() -> None:
    rng = np.random.default_rng(1)
    data = pd.DataFrame(
        {
            "kon": ["K"] * 300 + ["M"] * 300,
            "kostnad": np.r_[rng.normal(1300, 100, 300), rng.normal(1000, 100, 300)],
        }
    )
    row = _flag(data, gb.mean("kostnad"))
    assert row["flag"] == "unexplained_gap"
    assert row["disadvantaged"] is None


def test_significant_but_immaterial_gap_is_no_gap() -> None:
    # 50.0 % vs 51.0 % on 200,000 persons each: z about 6.3, but only 2 % of men's level.
    row = _flag(two_groups(200_000, 0.50, 200_000, 0.51), gb.rate("a"))
    assert row["p_adjusted"] < 1e-6
    assert row["flag"] == "no_gap"
    stricter = _flag(
        two_groups(200_000, 0.50, 200_000, 0.51), gb.rate("a"), rule=gb.FlagRule(min_relative=0.01)
    )
    assert stricter["flag"] == "unexplained_gap"


def test_absolute_materiality_per_measure() -> None:
    data = two_groups(400, 0.3, 400, 0.5)
    rule = gb.FlagRule(min_difference={"a": 0.25})
    assert _flag(data, gb.rate("a"), rule=rule)["flag"] == "no_gap"


def test_below_minimum_n_is_insufficient_data() -> None:
    row = _flag(two_groups(15, 0.0, 400, 0.9), gb.rate("a"))
    assert row["p_adjusted"] < 0.05
    assert row["flag"] == "insufficient_data"
    assert row["disadvantaged"] is None
    relaxed = _flag(two_groups(15, 0.0, 400, 0.9), gb.rate("a"), rule=gb.FlagRule(min_n=10))
    assert relaxed["flag"] == "unexplained_gap"


def test_heads_counts_and_totals_are_not_assessed() -> None:
    data = two_groups(40, 0.3, 60, 0.5)
    result = gb.analyse(data, [gb.count(), gb.total("a")], sex="kon")
    assert set(result.comparisons["flag"]) == {"not_assessed"}


def test_rule_alpha_and_p_adjust() -> None:
    data = two_groups(200, 0.40, 200, 0.50)  # p about 0.045
    assert _flag(data, gb.rate("a"))["flag"] == "unexplained_gap"
    assert _flag(data, gb.rate("a"), rule=gb.FlagRule(alpha=0.01))["flag"] == "no_gap"
    result = gb.analyse(data, gb.rate("a"), sex="kon", rule=gb.FlagRule(p_adjust="bonferroni"))
    assert result.comparisons["p_adjust_method"][0] == "bonferroni"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"alpha": 1.5}, "FlagRule.alpha must be between 0 and 1, got 1.5."),
        ({"min_n": -1}, "FlagRule.min_n must be an integer >= 0, got -1."),
        ({"min_relative": -0.1}, "FlagRule.min_relative must be a number >= 0"),
        ({"min_difference": {"a": -1}}, "FlagRule.min_difference must be a number >= 0 or a dict"),
        ({"p_adjust": "sidak"}, "FlagRule.p_adjust must be one of"),
    ],
)
def test_bad_rules(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        gb.FlagRule(**options)  # type: ignore[arg-type]


def test_kriminalvarden_work_operations_verdict() -> None:
    data = gb.datasets.load_kriminalvarden()
    result = gb.analyse(
        data,
        [
            gb.ratio("kostnad", "varddygn", cluster="anstalt", name="kostnad_per_varddygn"),
            gb.rate("arbetsdrift"),
        ],
        sex="kon",
        by="ar",
        justified=["sakerhetsklass", "strafflangd"],
    )
    work = result.comparisons.loc[result.comparisons["measure"] == "arbetsdrift"].set_index("ar")
    for year in (2016, 2017, 2018, 2019):
        assert work.loc[year, "flag"] == "unexplained_gap", year
        assert work.loc[year, "disadvantaged"] == "women", year
    for year in (2020, 2021):
        assert work.loc[year, "flag"] == "no_gap", year
    cost = result.comparisons.loc[result.comparisons["measure"] == "kostnad_per_varddygn"]
    assert (cost["difference"] > 0).all()
    assert cost["disadvantaged"].isna().all()
    # Reading the two together: more money per care-day, less work, for women, 2016-2019.
    together = result.resource_access
    assert sorted(together["ar"]) == [2016, 2017, 2018, 2019]
    assert set(together["sex"]) == {"women"}
    assert set(together["access_measure"]) == {"arbetsdrift"}


def _pairs_by_merge(comparisons: pd.DataFrame, by: list[str], rule: gb.FlagRule) -> list[tuple]:
    """The resource and access pairs by a pandas merge of the two kinds of rows (reference)."""
    directions = {"kost": "resource", "tid": "resource", "plats": "higher_is_better"}
    kind = comparisons["measure"].map(directions)
    relative = (comparisons["difference"] / comparisons["men"]).abs()
    material = np.isfinite(comparisons["difference"]) & (comparisons["men"] != 0)
    material &= ~(relative < rule.min_relative)
    resources = comparisons.loc[(kind == "resource") & material].assign(r=lambda t: range(len(t)))
    gaps = comparisons["flag"].isin(["unexplained_gap", "explained_gap"])
    access = comparisons.loc[(kind == "higher_is_better") & gaps].assign(a=lambda t: range(len(t)))
    joined = (
        resources.merge(access, on=by, suffixes=("_r", "_a"))
        if by
        else resources.merge(access, how="cross", suffixes=("_r", "_a"))
    ).sort_values(["r", "a"], kind="stable")
    keep = (joined["difference_r"] > 0) == (joined["difference_a"] < 0)
    return [
        (*(row[b] for b in by), row["measure_r"], row["measure_a"], row["women_a"])
        for _, row in joined.loc[keep].iterrows()
    ]


@pytest.mark.parametrize(("seed", "by"), [(0, ["ar"]), (1, ["ar", "enhet"]), (2, [])])
def test_resource_access_pairs_are_those_of_a_merge(seed: int, by: list[str]) -> None:
    from genderbudget._flags import resource_access

    rng = np.random.default_rng(seed)
    size = 120
    comparisons = pd.DataFrame(
        {
            "measure": rng.choice(["kost", "tid", "plats"], size),
            "ar": rng.choice(np.array([2020, 2021, None], dtype=object), size),
            "enhet": rng.choice(["a", "b", "c"], size),
            "women": rng.uniform(0.5, 2.0, size),
            "men": rng.choice([0.0, 1.0, 1.5], size),
            "difference": rng.normal(0.0, 0.5, size),
            "flag": rng.choice(["unexplained_gap", "explained_gap", "no_gap"], size),
        }
    )
    rule = gb.FlagRule()
    directions = {"kost": "resource", "tid": "resource", "plats": "higher_is_better"}
    got = resource_access(comparisons, directions, by, rule)
    expected = _pairs_by_merge(comparisons, by, rule)
    assert len(expected) > 0
    as_tuples = [
        (*(row[b] for b in by), row["resource_measure"], row["access_measure"], row["access_women"])
        for _, row in got.iterrows()
    ]
    assert as_tuples == expected
    assert set(got["sex"]) <= {"women", "men"}
