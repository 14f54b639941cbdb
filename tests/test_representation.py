"""``Result.representation``: each sex's share of the persons next to its share of a resource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from builders import to_counts
from scipy import stats

import genderbudget as gb
from genderbudget import _notes
from genderbudget import _representation as rep
from genderbudget._columns import Columns

# Two cells. 2020: women 10 and 50 kr, men 20, 20 and 0 kr; 2021 adds a person of unknown sex.
TINY = pd.DataFrame(
    {
        "ar": [2020, 2020, 2020, 2020, 2020, 2021, 2021, 2021, 2021],
        "kon": ["K", "K", "M", "M", "M", "K", "M", "M", None],
        "kostnad": [10.0, 50.0, 20.0, 20.0, 0.0, 30.0, 10.0, 20.0, 40.0],
        "plats": [1, 0, 1, 1, 0, 0, 1, 0, 1],
        "dagar": [1.0, 2.0, 1.0, 3.0, 1.0, 2.0, 2.0, 1.0, 1.0],
    }
)
COLUMNS = [
    "measure",
    "ar",
    "sex",
    "persons",
    "persons_share",
    "resource",
    "resource_share",
    "share_difference",
    "ci_low",
    "ci_high",
    "confidence",
    "ci_method",
    "note",
    "note_codes",
]


def _en(code: str, **params: object) -> str:
    """The English words of a note code, as the ``note`` column holds them."""
    return gb.note_label(code, lang="en", **params)


def _variance(z: list[float]) -> float:
    """Linearisation variance N / (N - 1) * sum z^2 of hand-written influence values."""
    size = len(z)
    return size / (size - 1) * sum(v * v for v in z)


# Hand computation. Influence value of person i: z_i = y_i (I_i - S) / Y - (I_i - P) / N.
# total("kostnad"), 2020, women: N = 5, Y = 100, P = 2/5, S = 60/100, D = 0.2;
#   z = 10*0.4/100 - 0.6/5, 50*0.4/100 - 0.6/5, 20*(-0.6)/100 + 0.4/5 (twice), 0 + 0.4/5.
Z_COST_2020_WOMEN = [-0.08, 0.08, -0.04, -0.04, 0.08]
# Men in 2020 are everyone else, so their z is minus the women's and the variance the same.
# 2021 (N = 4, Y = 100; women 30, men 10 and 20, unknown 40):
#   women P = 1/4, S = 0.3:  z = 0.21 - 0.1875, -0.03 + 0.0625, -0.06 + 0.0625, -0.12 + 0.0625
#   men   P = 1/2, S = 0.3:  z = -0.09 + 0.125, 0.07 - 0.125, 0.14 - 0.125, -0.12 + 0.125
#   unknown P = 1/4, S = 0.4: z = -0.12 + 0.0625, -0.04 + 0.0625, -0.08 + 0.0625, 0.24 - 0.1875
Z_COST_2021 = {
    "women": [0.0225, 0.0325, 0.0025, -0.0575],
    "men": [0.035, -0.055, 0.015, 0.005],
    "unknown": [-0.0575, 0.0225, -0.0175, 0.0525],
}
# rate("plats"), 2020, women: Y = 3 places, S = 1/3, P = 2/5, D = -1/15;
#   z = 1*(2/3)/3 - 3/5/5, 0 - 3/25, 1*(-1/3)/3 + 2/25 (twice), 0 + 2/25.
Z_PLACE_2020_WOMEN = [2 / 9 - 3 / 25, -3 / 25, -1 / 9 + 2 / 25, -1 / 9 + 2 / 25, 2 / 25]

# (measure, ar, sex): persons, persons_share, resource, resource_share, variance of D.
HAND = {
    ("total_kostnad", 2020, "women"): (2, 2 / 5, 60.0, 0.6, _variance(Z_COST_2020_WOMEN)),
    ("total_kostnad", 2020, "men"): (3, 3 / 5, 40.0, 0.4, _variance(Z_COST_2020_WOMEN)),
    ("total_kostnad", 2021, "women"): (1, 1 / 4, 30.0, 0.3, _variance(Z_COST_2021["women"])),
    ("total_kostnad", 2021, "men"): (2, 2 / 4, 30.0, 0.3, _variance(Z_COST_2021["men"])),
    ("total_kostnad", 2021, "unknown"): (1, 1 / 4, 40.0, 0.4, _variance(Z_COST_2021["unknown"])),
    ("plats", 2020, "women"): (2, 2 / 5, 1.0, 1 / 3, _variance(Z_PLACE_2020_WOMEN)),
    ("plats", 2020, "men"): (3, 3 / 5, 2.0, 2 / 3, _variance(Z_PLACE_2020_WOMEN)),
}


def _check_hand(table: pd.DataFrame) -> None:
    indexed = table.set_index(["measure", "ar", "sex"])
    for key, (persons, p, resource, s, var) in HAND.items():
        row = indexed.loc[key]
        size = 5 if key[1] == 2020 else 4
        # scipy: t quantile with persons - 1 degrees of freedom.
        half = stats.t.ppf(0.975, size - 1) * np.sqrt(var)
        assert row["persons"] == persons
        assert row["persons_share"] == pytest.approx(p, abs=1e-12)
        assert row["resource"] == pytest.approx(resource, abs=1e-12)
        assert row["resource_share"] == pytest.approx(s, abs=1e-12)
        assert row["share_difference"] == pytest.approx(s - p, abs=1e-12)
        assert row["ci_low"] == pytest.approx(s - p - half, abs=1e-10)
        assert row["ci_high"] == pytest.approx(s - p + half, abs=1e-10)
        assert row["ci_method"] == rep.CI_METHOD
        assert row["note"] == ""


def test_hand_computed_shares_and_intervals_on_every_engine(
    constructor: Callable[..., Any],
) -> None:
    measures = [gb.count(), gb.total("kostnad"), gb.rate("plats")]
    result = gb.analyse(constructor(TINY), measures, sex="kon", by="ar")
    table = result.representation
    assert list(table.columns) == COLUMNS
    assert set(table["measure"]) == {"total_kostnad", "plats"}
    # Order: measures as given, then year, then women, men, unknown.
    assert list(zip(table["measure"], table["ar"], table["sex"], strict=True))[:5] == [
        ("total_kostnad", 2020, "women"),
        ("total_kostnad", 2020, "men"),
        ("total_kostnad", 2021, "women"),
        ("total_kostnad", 2021, "men"),
        ("total_kostnad", 2021, "unknown"),
    ]
    _check_hand(table)


def test_every_engine_gives_the_same_table(constructor: Callable[..., Any]) -> None:
    measures = [
        gb.total("kostnad"),
        gb.rate("plats"),
        gb.mean("kostnad"),
        gb.ratio("kostnad", "dagar"),
    ]
    expected = gb.analyse(TINY, measures, sex="kon", by="ar").representation
    got = gb.analyse(constructor(TINY), measures, sex="kon", by="ar").representation
    pd.testing.assert_frame_equal(got, expected)


def test_mean_and_ratio_use_the_summed_amount_or_the_numerator_as_resource() -> None:
    measures = [gb.total("kostnad"), gb.mean("kostnad"), gb.ratio("kostnad", "dagar")]
    table = gb.analyse(TINY, measures, sex="kon", by="ar").representation
    numbers = [c for c in COLUMNS if c not in ("measure", "ar", "sex")]
    parts = [
        table.loc[table["measure"] == name, numbers].reset_index(drop=True)
        for name in ("total_kostnad", "kostnad", "kostnad/dagar")
    ]
    pd.testing.assert_frame_equal(parts[1], parts[0])
    pd.testing.assert_frame_equal(parts[2], parts[0])


def _difference(y: np.ndarray, member: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """D = S - P straight from its definition, for each row of ``weight``."""
    s = (weight * y * member).sum(axis=-1) / (weight * y).sum(axis=-1)
    p = (weight * member).sum(axis=-1) / weight.sum(axis=-1)
    return np.asarray(s - p)


def _random_rows(seed: int, size: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "ar": rng.choice([2020, 2021], size),
            "kon": rng.choice(np.array(["K", "M", None], dtype=object), size, p=[0.25, 0.7, 0.05]),
            "kostnad": rng.lognormal(10.0, 0.8, size),
            "plats": rng.integers(0, 2, size),
        }
    )


@pytest.mark.parametrize("column", ["kostnad", "plats"])
def test_interval_matches_numerical_differentiation_on_the_rows(column: str) -> None:
    data = _random_rows(11, 400)
    measure = gb.total(column) if column == "kostnad" else gb.rate(column)
    table = gb.analyse(data, measure, sex="kon", by="ar").representation
    coded = gb.normalize_sex(data["kon"])
    for (year, sex), row in table.set_index(["ar", "sex"]).iterrows():
        cell = (data["ar"] == year).to_numpy()
        y = data.loc[cell, column].to_numpy(dtype=float)
        member = (coded[cell] == sex).to_numpy(dtype=float)
        size = y.size
        # Influence values as central differences of D in each person's weight (step 1e-5).
        step = 1e-5
        weight = np.ones((size, size))
        up = _difference(y, member, weight + step * np.eye(size))
        down = _difference(y, member, weight - step * np.eye(size))
        z = (up - down) / (2 * step)
        se = np.sqrt(size / (size - 1) * np.sum(z**2))
        half = stats.t.ppf(0.975, size - 1) * se  # scipy t quantile
        d = _difference(y, member, np.ones(size))
        assert row["share_difference"] == pytest.approx(d, abs=1e-12)
        assert row["ci_high"] - row["share_difference"] == pytest.approx(half, rel=1e-6)
        assert row["share_difference"] - row["ci_low"] == pytest.approx(half, rel=1e-6)


def test_standard_error_agrees_with_a_nonparametric_bootstrap() -> None:
    data = _random_rows(5, 800)
    data = data.loc[data["ar"] == 2020].reset_index(drop=True)
    table = gb.analyse(data, gb.total("kostnad"), sex="kon").representation
    row = table.set_index("sex").loc["women"]
    half = row["ci_high"] - row["share_difference"]
    se = half / stats.t.ppf(0.975, len(data) - 1)  # scipy t quantile
    y = data["kostnad"].to_numpy(dtype=float)
    member = (gb.normalize_sex(data["kon"]) == "women").to_numpy(dtype=float)
    rng = np.random.default_rng(2024)
    draws = rng.integers(0, len(y), size=(4000, len(y)))
    replicates = _difference(y[draws], member[draws], np.ones(draws.shape))
    # 4,000 replicates: the bootstrap standard deviation has a Monte Carlo error near 1.1 %
    # (1 / sqrt(2 * 4000)); with 416 persons the two standard errors agree to about 1 %, so
    # 5 % leaves room for chance but not for a wrong term in the variance.
    assert np.std(replicates, ddof=1) == pytest.approx(se, rel=0.05)


def test_confidence_level_changes_the_t_quantile() -> None:
    table = gb.analyse(TINY, gb.total("kostnad"), sex="kon", by="ar", confidence=0.9)
    row = table.representation.set_index(["ar", "sex"]).loc[(2020, "women")]
    half = stats.t.ppf(0.95, 4) * np.sqrt(_variance(Z_COST_2020_WOMEN))  # scipy, 90 %
    assert row["confidence"] == 0.9
    assert row["ci_high"] == pytest.approx(0.2 + half, abs=1e-10)


def _aggregate(data: pd.DataFrame) -> pd.DataFrame:
    return to_counts(
        data,
        ["ar", "kon"],
        sums=["arbetsdrift", "kostnad", "varddygn"],
        squares={"kostnad": "kostnad_kvadrat"},
        dropna=False,
    )


def test_pre_aggregated_counts_give_the_same_table_where_the_interval_is_defined() -> None:
    data = gb.datasets.load_kriminalvarden()
    counts = _aggregate(data)
    micro = gb.analyse(
        data,
        [
            gb.rate("arbetsdrift"),
            gb.mean("kostnad"),
            gb.total("kostnad"),
            gb.ratio("kostnad", "varddygn"),
        ],
        sex="kon",
        by="ar",
    ).representation
    aggregated = gb.analyse(
        counts,
        [
            gb.rate("arbetsdrift"),
            gb.mean("kostnad", sum_sq="kostnad_kvadrat"),
            gb.total("kostnad"),
            gb.ratio("kostnad", "varddygn"),
        ],
        sex="kon",
        by="ar",
        n="antal",
    ).representation
    with_interval = micro["measure"].isin(["arbetsdrift", "kostnad"])
    assert micro["ci_low"].notna().all()
    pd.testing.assert_frame_equal(
        aggregated.loc[with_interval], micro.loc[with_interval], rtol=1e-9
    )
    shares = ["measure", "ar", "sex", "persons", "persons_share", "resource", "resource_share"]
    pd.testing.assert_frame_equal(aggregated[shares], micro[shares], rtol=1e-12)
    without = aggregated.loc[~with_interval]
    assert without[["ci_low", "ci_high"]].isna().all().all()
    assert set(without["ci_method"]) == {rep.CI_NONE}
    notes = set(without["note"])
    assert notes == {
        _en("aggregated_total", column="kostnad"),
        _en("aggregated_ratio", column="kostnad"),
    }


def test_pre_aggregated_mean_without_sum_sq_has_no_interval() -> None:
    counts = _aggregate(gb.datasets.load_kriminalvarden())
    table = gb.analyse(counts, gb.mean("kostnad"), sex="kon", by="ar", n="antal").representation
    assert table["ci_low"].isna().all()
    assert set(table["note"]) == {_en("aggregated_no_sum_sq", column="kostnad")}
    assert table["persons_share"].notna().all()


def test_clustered_ratio_matches_numerical_differentiation_over_clusters() -> None:
    rng = np.random.default_rng(17)
    size = 600
    data = _random_rows(17, size).assign(
        enhet=rng.choice([f"E{k}" for k in range(9)], size),
        dagar=rng.integers(1, 30, size),
    )
    measure = gb.ratio("kostnad", "dagar", cluster="enhet")
    table = gb.analyse(data, measure, sex="kon", by="ar").representation
    plain = gb.analyse(data, gb.ratio("kostnad", "dagar"), sex="kon", by="ar").representation
    shares = ["ar", "sex", "persons", "persons_share", "resource", "resource_share"]
    pd.testing.assert_frame_equal(table[shares], plain[shares])
    assert set(table["ci_method"]) == {rep.CI_CLUSTER}
    coded = gb.normalize_sex(data["kon"])
    for (year, sex), row in table.set_index(["ar", "sex"]).iterrows():
        cell = (data["ar"] == year).to_numpy()
        y = data.loc[cell, "kostnad"].to_numpy(dtype=float)
        member = (coded[cell] == sex).to_numpy(dtype=float)
        codes, names = pd.factorize(data.loc[cell, "enhet"])
        count = len(names)
        # One weight per cluster, shared by its rows; central differences (step 1e-5).
        step = 1e-5
        up = _difference(y, member, (np.ones((count, count)) + step * np.eye(count))[:, codes])
        down = _difference(y, member, (np.ones((count, count)) - step * np.eye(count))[:, codes])
        z = (up - down) / (2 * step)
        se = np.sqrt(count / (count - 1) * np.sum(z**2))
        half = stats.t.ppf(0.975, count - 1) * se  # scipy t quantile, clusters - 1 df
        assert row["ci_high"] - row["share_difference"] == pytest.approx(half, rel=1e-6)
        assert row["share_difference"] - row["ci_low"] == pytest.approx(half, rel=1e-6)


def test_one_person_per_cluster_gives_the_person_level_interval() -> None:
    data = _random_rows(23, 300).assign(dagar=1.0)
    data["enhet"] = [f"P{k}" for k in range(len(data))]
    by_cluster = gb.analyse(
        data, gb.ratio("kostnad", "dagar", cluster="enhet"), sex="kon", by="ar"
    ).representation
    by_person = gb.analyse(data, gb.ratio("kostnad", "dagar"), sex="kon", by="ar").representation
    columns = ["share_difference", "ci_low", "ci_high"]
    pd.testing.assert_frame_equal(by_cluster[columns], by_person[columns], rtol=1e-10)


def test_a_cell_with_one_cluster_has_no_interval() -> None:
    data = TINY.assign(enhet=["A", "B", "A", "B", "A", "C", "C", "C", "C"])
    measure = gb.ratio("kostnad", "dagar", cluster="enhet")
    table = gb.analyse(data, measure, sex="kon", by="ar").representation
    late = table.loc[table["ar"] == 2021]
    assert set(late["note"]) == {_en("few_clusters_in_cell")}
    assert late[["ci_low", "ci_high"]].isna().all().all()
    assert table.loc[table["ar"] == 2020, "ci_low"].notna().all()


def test_clustered_ratio_without_per_cluster_sums_says_why_there_is_no_interval() -> None:
    data = gb.datasets.load_kriminalvarden()
    measure = gb.ratio("kostnad", "varddygn", cluster="anstalt")
    stats_table = pd.DataFrame(
        {
            "measure": measure.name,
            "sex": ["women", "men"],
            "n": [10.0, 30.0],
            "sy": [5.0, 20.0],
            "syy": [np.nan, np.nan],
            "has_syy": True,
        }
    )
    shares = rep.representation(Columns.of(stats_table), [measure], [], 0.95, aggregated=False)
    table = shares.frame(shares.columns)
    assert table[["ci_low", "ci_high"]].isna().all().all()
    note = _en("cluster_not_given", cluster="anstalt", column="kostnad")
    assert [_notes.english(cell) for cell in table["note"]] == [note, note]
    assert list(table["resource_share"]) == [0.2, 0.8]
    # Pre-aggregated rows are not persons, so a clustered ratio has no interval there either.
    counts = to_counts(data, ["ar", "kon", "anstalt"], sums=["kostnad", "varddygn"], dropna=False)
    aggregated = gb.analyse(counts, measure, sex="kon", by="ar", n="antal").representation
    assert set(aggregated["note"]) == {_en("aggregated_ratio", column="kostnad")}


def test_shares_of_a_cell_sum_to_one_over_all_sexes() -> None:
    data = _random_rows(7, 500)
    table = gb.analyse(data, gb.total("kostnad"), sex="kon", by="ar").representation
    sums = table.groupby("ar")[["persons_share", "resource_share", "share_difference"]].sum()
    np.testing.assert_allclose(sums["persons_share"], 1.0, rtol=1e-12)
    np.testing.assert_allclose(sums["resource_share"], 1.0, rtol=1e-12)
    np.testing.assert_allclose(sums["share_difference"], 0.0, atol=1e-12)
    assert set(table["sex"]) == {"women", "men", "unknown"}


def test_degenerate_cells_give_nan_with_the_reason() -> None:
    data = pd.DataFrame(
        {
            "ar": [2020, 2020, 2021, 2021, 2022],
            "kon": ["K", "K", "K", "M", "M"],
            "plats": [1, 0, 0, 0, 1],
        }
    )
    table = gb.analyse(data, gb.rate("plats"), sex="kon", by="ar").representation
    rows = table.set_index(["ar", "sex"])
    # 2020: only women; 2021: nobody got a place; 2022: a single man.
    assert rows.loc[(2020, "women"), "note"] == _en("all_persons_of_this_sex")
    assert rows.loc[(2020, "men"), "note"] == _en("no_persons_of_this_sex")
    assert rows.loc[(2020, "men"), "persons_share"] == 0.0
    assert rows.loc[(2021, "women"), "note"] == _en("zero_resource")
    assert np.isnan(rows.loc[(2021, "women"), "resource_share"])
    assert rows.loc[(2022, "men"), "note"] == _en("few_persons_in_cell")
    assert table[["ci_low", "ci_high"]].isna().all().all()


def test_no_resource_measure_gives_an_empty_table_with_the_fixed_columns() -> None:
    table = gb.analyse(TINY, gb.count(), sex="kon", by="ar").representation
    assert list(table.columns) == COLUMNS
    assert len(table) == 0


def test_representation_is_a_fresh_copy() -> None:
    result = gb.analyse(TINY, gb.total("kostnad"), sex="kon")
    first = result.representation
    first.loc[:, "resource"] = -1.0
    assert (result.representation["resource"] > 0).all()
