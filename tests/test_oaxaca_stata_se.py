"""``oaxaca``'s standard errors against Stata's ``oaxaca`` (Jann 2008) on a public data set.

Stata 18 ran ``oaxaca log_wage educ exper, by(female)`` (the threefold decomposition with
its default delta-method standard errors) on the 1,000 rows of
``tests/reference/wages_oaxaca_threefold.csv``; the results, in full precision, are kept by
the StatsPAI project (see ``tests/reference/README.md`` for the file, the commits and the
``.do`` file). Stata's group 1 is ``female == 0`` (men) and its differences are men − women;
ours are women − men, the same numbers with the other sign.

- Stata's endowments ``(x̄_m − x̄_w)'b_w`` are our explained part with ``reference="women"``;
- Stata's coefficients ``x̄_w'(b_m − b_w)`` are our unexplained part with ``reference="men"``.

The point estimates of the pooled twofold decomposition are checked against Stata in
``test_oaxaca_stata.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import genderbudget as gb

DATA = Path(__file__).parent / "reference" / "wages_oaxaca_threefold.csv"

# 30_oaxaca_Stata.json (StatsPAI, tests/stata_parity/results), men − women.
STATA = {
    "N": 1000,
    "group_1": 3.246520813274024,  # overall:group_1, men's mean
    "group_2": 3.0252897872391809,  # overall:group_2, women's mean
    "difference": 0.2212310260348431,
    "endowments": 0.041071522057750401,
    "endowments_se": 0.015364083567325999,
    "coefficients": 0.1826492066324161,
    "coefficients_se": 0.0199031837418173,
    "interaction": -0.0024897026553234,
}


def _total(reference: str, component: str) -> pd.Series:
    data = pd.read_csv(DATA).assign(kon=lambda d: np.where(d["female"] == 1, "K", "M"))
    table = gb.oaxaca(data, "log_wage", sex="kon", justified=["educ", "exper"], reference=reference)
    rows = table.loc[(table["component"] == component) & (table["factor"] == "(total)")]
    assert len(rows) == 1
    return rows.iloc[0]


def test_sample_and_means_match_stata() -> None:
    row = _total("women", "gap")
    assert int(row["n_women"] + row["n_men"]) == STATA["N"]
    assert row["men_mean"] == pytest.approx(STATA["group_1"], rel=1e-12)
    assert row["women_mean"] == pytest.approx(STATA["group_2"], rel=1e-12)
    assert row["estimate"] == pytest.approx(-STATA["difference"], rel=1e-12)


def test_explained_at_womens_coefficients_is_statas_endowments_with_its_se() -> None:
    row = _total("women", "explained")
    assert row["estimate"] == pytest.approx(-STATA["endowments"], rel=1e-9)
    assert row["se"] == pytest.approx(STATA["endowments_se"], rel=1e-9)


def test_unexplained_at_mens_coefficients_is_statas_coefficients_with_its_se() -> None:
    row = _total("men", "unexplained")
    assert row["estimate"] == pytest.approx(-STATA["coefficients"], rel=1e-9)
    assert row["se"] == pytest.approx(STATA["coefficients_se"], rel=1e-9)


def test_the_two_references_differ_by_statas_interaction() -> None:
    # Explained at men's coefficients minus explained at women's: (x̄_w − x̄_m)'(b_m − b_w),
    # Stata's interaction (men − women) with the other sign.
    men = _total("men", "explained")["estimate"]
    women = _total("women", "explained")["estimate"]
    assert men - women == pytest.approx(-STATA["interaction"], rel=1e-9)
