"""``oaxaca`` against Stata's ``oaxaca`` (Jann 2008) on a public data set.

The data are the ``chicago`` wage data of the R package ``oaxaca`` (Hlavac), as written to
Stata by the tests of the R package OaxacaBlinder (``tests/reference/chicago_wages.csv``; see
``tests/reference/README.md``). That repository keeps Stata's results of

    oaxaca ln_real_wage age normalize(LTHS some_college college high_school advanced_degree),
        by(female) pooled

exported by ``etable`` to ``tests/testthat/fixtures/stata_results/basic_2f/basic_2f.xlsx``
(commit 80b8898b76118ffb20c7a6947dc288c6fb5d9ae4). Stata's group 1 is ``female == 0`` (men),
so its differences are men − women; ours are women − men, the same numbers with the other
sign. Stata's detailed rows are one per education dummy; ours are one per factor, the sum of
its dummies' rows. Only point estimates were exported here; the standard errors are checked
against Stata's in ``test_oaxaca_stata_se.py`` (another public data set) and against a
written-out delta method in ``test_decompose.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import genderbudget as gb

DATA = Path(__file__).parent / "reference" / "chicago_wages.csv"

# basic_2f.xlsx, column B, in full double precision; men − women.
STATA = {
    "group_1": 2.7041931202802711,  # men's mean
    "group_2": 2.4982583762870894,  # women's mean
    "difference": 0.20593474399318179,
    "explained": -0.028940479294251809,
    "unexplained": 0.2348752232874336,
    "explained_age": 0.012347954981222771,
    "explained_education": [
        -0.029677235014995033,  # LTHS
        0.0050367059543874812,  # some_college
        -0.00057333166967538638,  # college
        -0.0048623828936868261,  # high_school
        -0.011212190651504764,  # advanced_degree
    ],
    "unexplained_age": -0.067617083991683424,
    "unexplained_education": [
        -0.024526288550055817,
        0.0091238244284653196,
        -0.0058998531903625617,
        0.0063995418212052929,
        0.0047374082412474858,
    ],
    "unexplained_intercept": 0.3126576745286167,
    "N": 666,
}


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    data = pd.read_csv(DATA).assign(kon=lambda d: np.where(d["female"] == 1, "K", "M"))
    data = data.dropna(subset=["ln_real_wage"])  # Stata's estimation sample
    return gb.oaxaca(data, "ln_real_wage", sex="kon", justified=["age", "education"])


def _row(table: pd.DataFrame, component: str, factor: str) -> float:
    found = table.loc[(table["component"] == component) & (table["factor"] == factor)]
    return float(found["estimate"].iloc[0])


def test_means_and_sample_match_stata(table: pd.DataFrame) -> None:
    assert int(table["n_women"].iloc[0] + table["n_men"].iloc[0]) == STATA["N"]
    assert table["men_mean"].iloc[0] == pytest.approx(STATA["group_1"], rel=1e-12)
    assert table["women_mean"].iloc[0] == pytest.approx(STATA["group_2"], rel=1e-12)


def test_twofold_pooled_decomposition_matches_stata(table: pd.DataFrame) -> None:
    expected = {
        ("gap", "(total)"): -STATA["difference"],
        ("explained", "(total)"): -STATA["explained"],
        ("unexplained", "(total)"): -STATA["unexplained"],
        ("explained", "age"): -STATA["explained_age"],
        ("explained", "education"): -sum(STATA["explained_education"]),
        ("unexplained", "age"): -STATA["unexplained_age"],
        ("unexplained", "education"): -sum(STATA["unexplained_education"]),
        ("unexplained", "(intercept)"): -STATA["unexplained_intercept"],
    }
    for (component, factor), value in expected.items():
        assert _row(table, component, factor) == pytest.approx(value, rel=1e-9, abs=1e-12), (
            component,
            factor,
        )
