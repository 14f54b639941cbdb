"""The SYNTHETIC Pensionsmyndigheten sample data: shape, calibration and reproducibility.

The committed CSVs are compared byte for byte with the generator in ``test_datasets.py``
(every file in ``sample_data/``); this module checks the tables themselves against the public
figures they are calibrated to (``CALIBRATION_SOURCES`` in the generator).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from genderbudget.datasets import (
    PensionData,
    generate_pensionsmyndigheten,
    load_pension_costs,
    load_pension_drivers,
    load_pensionsmyndigheten,
)
from genderbudget.datasets import _pensionsmyndigheten as pm

SAMPLE_DATA = Path(__file__).parents[1] / "sample_data"
BENEFITS = [
    "inkomstpension",
    "premiepension",
    "garantipension",
    "bostadstillägg",
    "äldreförsörjningsstöd",
    "efterlevandepension",
]
DRIVERS = ["mottagare", "arenden", "kontakter"]


@pytest.fixture(scope="module")
def data() -> PensionData:
    return generate_pensionsmyndigheten()


def women_share(drivers: pd.DataFrame, by: list[str], driver: str) -> pd.Series:
    table = drivers.pivot_table(index=by, columns="kon", values=driver, aggfunc="sum")
    return table["K"] / (table["K"] + table["M"])


def test_columns_and_types(data: PensionData) -> None:
    assert list(data.costs.columns) == ["ar", "kostnadsobjekt", "typ", "kostnad"]
    assert list(data.drivers.columns) == ["ar", "kostnadsobjekt", "kon", *DRIVERS]
    for column in ["ar", "kostnad"]:
        assert data.costs[column].dtype == np.int64
    for column in ["ar", *DRIVERS]:
        assert data.drivers[column].dtype == np.int64


def test_one_cost_row_per_year_and_pool(data: PensionData) -> None:
    costs = data.costs
    assert sorted(costs["ar"].unique()) == [2019, 2020, 2021]
    assert not costs.duplicated(["ar", "kostnadsobjekt"]).any()
    expected = {*BENEFITS, "kundservice", "IT och ledning"}
    for _, pools in costs.groupby("ar"):
        assert set(pools["kostnadsobjekt"]) == expected
    common = costs.loc[costs["typ"] == "gemensam", "kostnadsobjekt"]
    assert set(common) == {"kundservice", "IT och ledning"}
    assert set(costs.loc[costs["typ"] == "förmån", "kostnadsobjekt"]) == set(BENEFITS)


def test_yearly_totals_are_exact(data: PensionData) -> None:
    # Pensionsmyndigheten's forecasts: 1.406 bn kr (2019) and 1.423 bn kr (2020); 2021 assumed.
    totals = data.costs.groupby("ar")["kostnad"].sum().to_dict()
    assert totals == {2019: 1_406_000_000, 2020: 1_423_000_000, 2021: 1_500_000_000}


def test_cost_split_follows_the_proposal(data: PensionData) -> None:
    # Proposal: inkomstpension the largest pool, äldreförsörjningsstöd the smallest; the two
    # common pools about 20 % of the total.
    costs = data.costs.assign(
        share=lambda f: f["kostnad"] / f.groupby("ar")["kostnad"].transform("sum")
    )
    for _, year in costs.groupby("ar"):
        pools = year.set_index("kostnadsobjekt")["share"]
        assert pools.idxmax() == "inkomstpension"
        assert pools.idxmin() == "äldreförsörjningsstöd"
        assert 0.17 < pools[["kundservice", "IT och ledning"]].sum() < 0.23
    assert (data.costs["kostnad"] > 0).all()


def test_one_driver_row_per_year_benefit_and_sex(data: PensionData) -> None:
    drivers = data.drivers
    assert len(drivers) == 3 * 6 * 2
    assert not drivers.duplicated(["ar", "kostnadsobjekt", "kon"]).any()
    assert set(drivers["kon"]) == {"K", "M"}
    assert set(drivers["kostnadsobjekt"]) == set(BENEFITS)
    assert (drivers[DRIVERS] > 0).all().all()


def test_garantipension_recipients_are_about_80_percent_women(data: PensionData) -> None:
    # Aftonbladet 2018 citing Pensionsmyndigheten: 657,300 recipients, 80 % women.
    shares = women_share(data.drivers, ["ar", "kostnadsobjekt"], "mottagare")
    garanti = shares.xs("garantipension", level="kostnadsobjekt")
    assert ((garanti > 0.78) & (garanti < 0.83)).all()
    recipients = data.drivers.groupby(["ar", "kostnadsobjekt"])["mottagare"].sum()
    assert 600_000 < recipients[2020, "garantipension"] < 700_000


def test_bostadstillagg_recipients_near_published_count(data: PensionData) -> None:
    # Pensionsmyndigheten 2022: 290,826 pensioners with bostadstillägg in March 2022.
    recipients = data.drivers.groupby(["ar", "kostnadsobjekt"])["mottagare"].sum()
    assert 260_000 < recipients[2021, "bostadstillägg"] < 310_000


def test_women_get_a_larger_share_by_cases_than_by_recipients(data: PensionData) -> None:
    # The property the allocation example rests on: choosing the driver changes the answer.
    by_recipients = women_share(data.drivers, ["ar"], "mottagare")
    by_cases = women_share(data.drivers, ["ar"], "arenden")
    assert ((by_cases - by_recipients) > 0.02).all()
    assert ((by_recipients > 0.55) & (by_recipients < 0.62)).all()


def test_same_seed_same_tables_other_seed_other_tables() -> None:
    first, second = generate_pensionsmyndigheten(7), generate_pensionsmyndigheten(7)
    pd.testing.assert_frame_equal(first.costs, second.costs)
    pd.testing.assert_frame_equal(first.drivers, second.drivers)
    other = generate_pensionsmyndigheten(8)
    assert not first.drivers.equals(other.drivers)
    # Totals are exact whatever the seed.
    assert other.costs.groupby("ar")["kostnad"].sum().to_dict() == dict(pm.TOTAL_COST)


def test_generator_neither_uses_nor_changes_global_random_state() -> None:
    # The legacy global generator is used on purpose: the test checks it is left alone.
    saved = np.random.get_state()  # noqa: NPY002
    try:
        np.random.seed(1)  # noqa: NPY002
        first = generate_pensionsmyndigheten(3)
        next_draw = np.random.random()  # noqa: NPY002
        np.random.seed(1)  # noqa: NPY002
        assert np.random.random() == next_draw  # noqa: NPY002
        np.random.seed(2)  # noqa: NPY002
        pd.testing.assert_frame_equal(generate_pensionsmyndigheten(3).drivers, first.drivers)
    finally:
        np.random.set_state(saved)  # noqa: NPY002


def test_loaders_return_the_committed_csvs(data: PensionData) -> None:
    costs = pd.read_csv(SAMPLE_DATA / "pensionsmyndigheten_kostnader.csv")
    drivers = pd.read_csv(SAMPLE_DATA / "pensionsmyndigheten_volymer.csv")
    pd.testing.assert_frame_equal(load_pension_costs(), costs, check_dtype=False)
    pd.testing.assert_frame_equal(load_pension_drivers(), drivers, check_dtype=False)
    pd.testing.assert_frame_equal(load_pension_costs(), data.costs)


def test_manifest_entries_describe_every_column_and_say_synthetic(data: PensionData) -> None:
    manifest = json.loads((SAMPLE_DATA / "manifest.json").read_text(encoding="utf-8"))
    entries = {entry["name"]: entry for entry in manifest["datasets"]}
    for name, frame in [
        ("pensionsmyndigheten_kostnader", data.costs),
        ("pensionsmyndigheten_volymer", data.drivers),
    ]:
        entry = entries[name]
        assert entry["synthetic"] is True
        assert entry["n_rows"] == len(frame)
        assert [c["name"] for c in entry["columns"]] == list(frame.columns)
        assert all(c["description"]["sv"] and c["description"]["en"] for c in entry["columns"])
        assert entry["calibration_sources"]


def test_both_tables_load_at_once(data: PensionData) -> None:
    loaded = load_pensionsmyndigheten()
    pd.testing.assert_frame_equal(loaded.costs, data.costs)
    pd.testing.assert_frame_equal(loaded.drivers, data.drivers)
