"""Later analyses build on the one computed :class:`Result`, not on the input rows.

``equalize`` and ``follow_up`` given a Result use the statistics the result already holds:
the plan is the same, number for number, as the plan made from the data, and neither
function reads the input again (proved with a DuckDB relation whose connection is closed
after ``analyse``, and with the pass over the rows made to fail).

References: statsmodels ``confint_proportions_2indep(method="newcomb")`` for the interval
behind a rate's ``difference_se``; the Welch standard error ``sqrt(s1^2/n1 + s2^2/n2)`` by
hand for a mean's.
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

import genderbudget as gb
from genderbudget import _cells

FACTORS = ["sakerhetsklass", "strafflangd"]


@pytest.fixture(scope="module")
def prisons() -> pd.DataFrame:
    return gb.datasets.load_kriminalvarden()


@pytest.fixture(scope="module")
def by_year_and_prison(prisons: pd.DataFrame) -> gb.Result:
    return gb.analyse(
        prisons,
        [gb.rate("arbetsdrift"), gb.ratio("kostnad", "varddygn", cluster="anstalt")],
        sex="kon",
        by=["ar", "anstalt"],
        justified=FACTORS,
    )


@pytest.mark.parametrize(
    "options",
    [
        {"by": "ar"},
        {"by": "ar", "cluster": "anstalt"},
        {"by": "ar", "justified": []},
        {"by": [], "justified": []},
        {"by": "ar", "justified": [], "budget_neutral": True},
        {"by": "ar", "justified": [], "target": 0.5},
    ],
)
def test_plan_on_a_result_is_the_plan_on_the_data(
    prisons: pd.DataFrame, by_year_and_prison: gb.Result, options: dict[str, Any]
) -> None:
    on_result = gb.equalize(by_year_and_prison, "arbetsdrift", unit_cost=250_000, **options)
    on_data = gb.equalize(
        prisons, "arbetsdrift", sex="kon", unit_cost=250_000, **{"justified": FACTORS, **options}
    )
    pd.testing.assert_frame_equal(on_result, on_data, check_exact=False, rtol=1e-10)


def test_clustered_ratio_plan_sums_clusters_over_finer_cells() -> None:
    # A unit present in several years counts once in the coarser cell: the CR2 intervals of
    # the plan by year x age group equal those made from the rows.
    sis = gb.datasets.load_sis()
    need = gb.per_need("personaltimmar", "behov", days="varddygn", cluster="avdelning")
    result = gb.analyse(sis, need, sex="kon", by=["ar", "aldersgrupp"])
    for by in (["ar", "aldersgrupp"], ["aldersgrupp"], []):
        on_result = gb.equalize(result, need, by=by, unit_cost=450)
        on_data = gb.equalize(sis, need, sex="kon", by=by, unit_cost=450)
        pd.testing.assert_frame_equal(on_result, on_data, check_exact=False, rtol=1e-9)


def test_equalize_and_follow_up_do_not_read_the_rows_again(
    prisons: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    connection = duckdb.connect()
    relation = connection.from_df(prisons)
    measure = gb.rate("arbetsdrift")
    per_prison = gb.analyse(relation, measure, sex="kon", by=["ar", "anstalt"], justified=FACTORS)
    per_year = gb.analyse(relation, measure, sex="kon", by="ar", justified=FACTORS)
    connection.close()
    with pytest.raises(duckdb.Error):
        relation.limit(1).fetchall()  # the input cannot be read any more

    def no_second_pass(*args: object, **kwargs: object) -> None:
        raise AssertionError("the rows were read again")

    monkeypatch.setattr(_cells, "collect_cells", no_second_pass)
    monkeypatch.setattr("genderbudget._equalize.collect_cells", no_second_pass)
    plan = gb.equalize(per_prison, measure, by="ar", cluster="anstalt", unit_cost=250_000)
    follow = gb.follow_up(per_year, gap="adjusted", target_year=2020)
    assert plan["n"].sum() == len(prisons)
    assert follow["met_by_target_year"].all()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sex": "gender"}, "sex='gender' is not the sex column of this result"),
        ({"by": "region"}, r"\['region'\] is not a breakdown of this result"),
        ({"justified": ["sakerhetsklass"]}, "differs from the result's justified factors"),
        ({"n": "antal"}, "n= or mapping= belongs to the pass over the rows"),
    ],
)
def test_plan_on_a_result_names_what_is_not_the_results(
    by_year_and_prison: gb.Result, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        gb.equalize(by_year_and_prison, "arbetsdrift", **options)


def test_plan_on_a_result_needs_one_of_its_measures(by_year_and_prison: gb.Result) -> None:
    with pytest.raises(ValueError, match="The result has no measure 'andel'"):
        gb.equalize(by_year_and_prison, "andel")


def test_plan_on_data_needs_the_sex_column(prisons: pd.DataFrame) -> None:
    with pytest.raises(TypeError, match="equalize needs sex="):
        gb.equalize(prisons, "arbetsdrift")


def test_follow_up_takes_the_only_breakdown_as_time(prisons: pd.DataFrame) -> None:
    result = gb.analyse(prisons, gb.rate("arbetsdrift"), sex="kon", by="ar")
    pd.testing.assert_frame_equal(gb.follow_up(result), gb.follow_up(result, time="ar"))
    two = gb.analyse(prisons, gb.rate("arbetsdrift"), sex="kon", by=["ar", "sakerhetsklass"])
    with pytest.raises(ValueError, match=r"needs the breakdown that holds the year: time="):
        gb.follow_up(two)


def test_settings_are_typed(by_year_and_prison: gb.Result) -> None:
    settings = by_year_and_prison.settings
    assert settings.sex == "kon"
    assert settings.by == ("ar", "anstalt")
    assert settings.justified == tuple(FACTORS)
    assert isinstance(settings.rule, gb.FlagRule)
    assert [m.name for m in settings.measures] == ["arbetsdrift", "kostnad/varddygn"]


def test_difference_se_of_a_rate_is_the_newcombe_half_width_over_z() -> None:
    rows = pd.DataFrame(
        {"kon": ["K"] * 40 + ["M"] * 60, "y": [1] * 12 + [0] * 28 + [1] * 30 + [0] * 30}
    )
    comparison = gb.analyse(rows, gb.rate("y"), sex="kon").comparisons.iloc[0]
    low, high = confint_proportions_2indep(12, 40, 30, 60, method="newcomb", compare="diff")
    assert comparison["difference_se"] == pytest.approx(
        (high - low) / (2 * stats.norm.isf(0.025)), rel=1e-8
    )


def test_difference_se_of_a_mean_is_welchs() -> None:
    women, men = [3.0, 5.0, 4.0, 8.0], [1.0, 2.0, 2.5, 4.0, 6.0]
    rows = pd.DataFrame({"kon": ["K"] * 4 + ["M"] * 5, "x": women + men})
    comparison = gb.analyse(rows, gb.mean("x"), sex="kon").comparisons.iloc[0]
    se = np.sqrt(np.var(women, ddof=1) / 4 + np.var(men, ddof=1) / 5)
    assert comparison["difference_se"] == pytest.approx(se, rel=1e-12)
    t = stats.t.isf(0.025, comparison["difference_df"])
    assert comparison["difference_ci_high"] == pytest.approx(
        comparison["difference"] + t * se, rel=1e-12
    )


def test_explain_takes_words_and_its_former_name_persons(prisons: pd.DataFrame) -> None:
    result = gb.analyse(prisons.query("ar == 2016"), gb.rate("arbetsdrift"), sex="kon")
    children = result.explain(words="children")
    pd.testing.assert_frame_equal(result.explain(persons="children"), children)
    assert "flickor" in children["text"].iloc[0]
    with pytest.raises(ValueError, match="persons= is the former name of words="):
        result.explain(words="children", persons="adults")


def test_equalize_takes_cluster_and_its_former_name_within(prisons: pd.DataFrame) -> None:
    year = prisons.query("ar == 2016")
    by_cluster = gb.equalize(year, "arbetsdrift", sex="kon", cluster="anstalt")
    pd.testing.assert_frame_equal(
        gb.equalize(year, "arbetsdrift", sex="kon", within="anstalt"), by_cluster
    )
    with pytest.raises(ValueError, match="within= is the former name of cluster="):
        gb.equalize(year, "arbetsdrift", sex="kon", cluster="anstalt", within="ar")
