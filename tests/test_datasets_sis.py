"""The SYNTHETIC SiS youth-home sample data: shape, calibration and reproducibility.

The committed CSV is compared byte for byte with the generator in ``test_datasets.py`` (every
file in ``sample_data/``); this module checks the table against the public figures it is
calibrated to (``CALIBRATION_SOURCES`` in the generator) and the documented assumptions.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from genderbudget.datasets import _sis, generate_sis, load_sis

SAMPLE_DATA = Path(__file__).parents[1] / "sample_data"
YEARS = [2018, 2019, 2020, 2021, 2022]
INTEGER_COLUMNS = [
    "ar",
    "lasbar",
    "platser",
    "forstarkt",
    "behov",
    "varddygn",
    "personaltimmar",
    "kostnad",
]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return generate_sis()


def units(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop_duplicates(["ar", "avdelning"])


def test_columns_and_types(data: pd.DataFrame) -> None:
    assert list(data.columns) == list(_sis.COLUMNS)
    for column in INTEGER_COLUMNS:
        assert data[column].dtype == np.int64, column
    assert data.notna().all().all()


def test_years_rows_sorted(data: pd.DataFrame) -> None:
    assert sorted(data["ar"].unique()) == YEARS
    assert data.equals(data.sort_values(["ar", "avdelning"], kind="stable", ignore_index=True))


def test_21_homes_100_units_730_places_of_5_to_9(data: pd.DataFrame) -> None:
    # SiS: 21 homes for youths with room for 730 youths; units of 5–9 places (proposal).
    for _, year in units(data).groupby("ar"):
        assert year["hem"].nunique() == 21
        assert len(year) == 100
        assert year["platser"].sum() == 730
        assert year["platser"].between(5, 9).all()


def test_units_are_single_sex_and_girls_about_a_third(data: pd.DataFrame) -> None:
    # SiS 2002 and TT 2021: about one third of the youths are girls.
    sex_of_unit = data.groupby("avdelning")["kon"].nunique()
    assert (sex_of_unit == 1).all()
    expected = data["avdelning_for"].map({"flickor": "flicka", "pojkar": "pojke"})
    assert (data["kon"] == expected).all()
    share = data.groupby("ar").apply(
        lambda f: f.loc[f["kon"] == "flicka", "varddygn"].sum() / f["varddygn"].sum(),
        include_groups=False,
    )
    assert share.between(0.30, 0.37).all()
    places = units(data).query("ar == 2020")
    girls_places = places.loc[places["avdelning_for"] == "flickor", "platser"].sum()
    assert 0.30 <= girls_places / 730 <= 0.35


def test_youths_and_care_days_per_year(data: pd.DataFrame) -> None:
    # About 1,100 youths a year (1,107 admitted in 2018) and about 90 % occupancy of 730.
    per_year = data.groupby("ar").agg(rows=("kon", "size"), days=("varddygn", "sum"))
    assert per_year["rows"].between(950, 1150).all()
    assert per_year["days"].between(220_000, 250_000).all()
    assert data["varddygn"].between(1, 365).all()


def test_cost_per_care_day_follows_the_calibration(data: pd.DataFrame) -> None:
    # Rising towards Riksrevisionen's "more than 13,000 kr" of 2023.
    sums = data.groupby("ar")[["kostnad", "varddygn"]].sum()
    per_day = sums["kostnad"] / sums["varddygn"]
    for year, target in _sis.COST_PER_CARE_DAY.items():
        assert per_day[year] == pytest.approx(target, abs=1.0)
    assert per_day.is_monotonic_increasing


def test_special_and_lockable_units_cost_more_per_care_day(data: pd.DataFrame) -> None:
    # SiS 2020 fees: special units about 2.7 times an open treatment unit.
    sums = data.groupby(["avdelningstyp", "lasbar"])[["kostnad", "varddygn"]].sum()
    per_day = sums["kostnad"] / sums["varddygn"]
    assert per_day["särskild", 1] > 1.5 * per_day["behandling", 0]
    assert per_day["behandling", 1] > per_day["behandling", 0]


def test_age_mix_by_sex(data: pd.DataFrame) -> None:
    # Proposal: girls 12–14 about 25 %, boys 12–14 about 12 %.
    shares = pd.crosstab(data["kon"], data["aldersgrupp"], normalize="index")
    assert 0.20 <= shares.loc["flicka", "12-14"] <= 0.30
    assert 0.09 <= shares.loc["pojke", "12-14"] <= 0.15
    assert shares.loc["pojke", "18-21"] > shares.loc["flicka", "18-21"]


def test_younger_girls_have_about_15_percent_higher_need(data: pd.DataFrame) -> None:
    need = data.groupby(["kon", "aldersgrupp"])["behov"].mean()
    others = need.drop(("flicka", "12-14"))
    assert 1.10 <= need["flicka", "12-14"] / others.mean() <= 1.22
    assert data["behov"].between(1, 100).all()


def test_hours_per_care_day_similar_by_sex_before_2020(data: pd.DataFrame) -> None:
    before = data.query("ar < 2020")
    sums = before.groupby("kon")[["personaltimmar", "varddygn"]].sum()
    per_day = sums["personaltimmar"] / sums["varddygn"]
    assert abs(per_day["flicka"] / per_day["pojke"] - 1) < 0.03


def test_extra_resources_only_on_girls_units_from_2020(data: pd.DataFrame) -> None:
    extra = units(data).query("forstarkt == 1")
    assert set(extra["avdelning_for"]) == {"flickor"}
    assert extra["ar"].min() == 2020
    assert extra.groupby("ar")["avdelning"].nunique().eq(_sis.YOUNG_GIRL_UNITS).all()
    # The same units every year.
    assert extra.groupby("avdelning")["ar"].nunique().eq(3).all()


def test_ids_are_synthetic_codes(data: pd.DataFrame) -> None:
    assert data["hem"].map(lambda c: re.fullmatch(r"H\d\d", c) is not None).all()
    pattern = re.compile(r"H\d\d-\d")
    assert data["avdelning"].map(lambda c: pattern.fullmatch(c) is not None).all()
    assert (data["avdelning"].str[:3] == data["hem"]).all()


def test_same_seed_same_frame_other_seed_other_frame() -> None:
    pd.testing.assert_frame_equal(generate_sis(5), generate_sis(5))
    assert not generate_sis(5).equals(generate_sis(6))


def test_generator_neither_uses_nor_changes_global_random_state() -> None:
    # The legacy global generator is used on purpose: the test checks it is left alone.
    saved = np.random.get_state()  # noqa: NPY002
    try:
        np.random.seed(1)  # noqa: NPY002
        first = generate_sis(3)
        next_draw = np.random.random()  # noqa: NPY002
        np.random.seed(1)  # noqa: NPY002
        assert np.random.random() == next_draw  # noqa: NPY002
        np.random.seed(2)  # noqa: NPY002
        pd.testing.assert_frame_equal(generate_sis(3), first)
    finally:
        np.random.set_state(saved)  # noqa: NPY002


def test_committed_csv_reads_back_to_the_loaded_frame(data: pd.DataFrame) -> None:
    committed = pd.read_csv(SAMPLE_DATA / "sis.csv")
    pd.testing.assert_frame_equal(load_sis(), committed, check_dtype=False)
    pd.testing.assert_frame_equal(load_sis(), data)


def test_manifest_entry_describes_every_column_and_says_synthetic(data: pd.DataFrame) -> None:
    manifest = json.loads((SAMPLE_DATA / "manifest.json").read_text(encoding="utf-8"))
    entry = {e["name"]: e for e in manifest["datasets"]}["sis"]
    assert entry == _sis.manifest_entry(data)
    assert entry["synthetic"] is True
    assert entry["n_rows"] == len(data)
    assert [c["name"] for c in entry["columns"]] == list(data.columns)
    assert all(c["description"]["sv"] and c["description"]["en"] for c in entry["columns"])


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_younger_girls_design_holds_for_other_seeds_too(seed: int) -> None:
    # Pooled over the years before and after the extra resources: girls 12–14 get less per
    # unit of need than boys 12–14 before (expected 0.96 / 1.16 = 0.83), about as much after
    # (expected about 0.98), and about as much per care-day before (expected 0.96).
    data = generate_sis(seed)
    young = data[data["aldersgrupp"] == "12-14"].assign(
        need_days=lambda f: f["behov"] * f["varddygn"], before=lambda f: f["ar"] < 2020
    )
    sums = young.groupby(["before", "kon"])[["personaltimmar", "need_days", "varddygn"]].sum()
    per_need = sums["personaltimmar"] / sums["need_days"]
    per_day = sums["personaltimmar"] / sums["varddygn"]
    assert per_need[True, "flicka"] / per_need[True, "pojke"] < 0.9
    assert per_need[False, "flicka"] / per_need[False, "pojke"] > 0.92
    assert abs(per_day[True, "flicka"] / per_day[True, "pojke"] - 1) < 0.07
