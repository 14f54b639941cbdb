"""Adjusted gaps of many breakdown cells: fitted together, each cell gets its own numbers.

``adjust`` fits the logistic models of all cells at once and splits the table into cells by
position. The reference here is the same function on one cell's rows at a time (then every
stack holds one fit), on random data with several hundred cells, among them the degenerate
ones: one sex only, a factor constant within the cell, a factor coinciding with sex, levels
where everybody or nobody got it, separation by sex (Firth's fit) and units (clusters).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import genderbudget as gb
from genderbudget._adjust import ADJUSTED_COLUMNS, ADJUSTED_INTERNAL, adjust
from genderbudget._cells import collect_cells
from genderbudget._notes import parse

BY = ["year", "region"]
CELLS = 240
NUMBERS = ("adjusted_difference", "adjusted_ci_low", "adjusted_ci_high", "adjusted_p_value")


def _many_cells(seed: int = 3) -> pd.DataFrame:
    """About 30 persons in each of ``CELLS`` cells; the cell number modulo 8 picks a case."""
    rng = np.random.default_rng(seed)
    size = CELLS * 30
    cell = rng.integers(0, CELLS, size)
    case = cell % 8
    sex = rng.choice(np.array(["K", "M", None], dtype=object), size, p=[0.4, 0.58, 0.02])
    sex = np.where(case == 1, "K", sex)  # one sex only
    klass = rng.choice([1, 2, 3], size)
    klass = np.where(case == 2, 2, klass)  # constant within the cell
    klass = np.where(case == 3, np.where(sex == "K", 1, 3), klass)  # coincides with sex
    band = rng.choice(["a", "b", "c"], size)
    logit = -0.3 + 0.5 * (klass == 3) - 0.4 * (sex == "K")
    work = (rng.uniform(size=size) < 1 / (1 + np.exp(-logit))).astype(int)
    work = np.where(case == 4, (klass == 1).astype(int), work)  # degenerate levels
    work = np.where((case == 5) & (sex == "K"), 1, work)  # every woman got it: separation
    days = rng.integers(1, 30, size).astype(float)
    return pd.DataFrame(
        {
            "year": cell % 3,
            "region": cell // 3,
            "kon": sex,
            "klass": klass,
            "band": band,
            "work": work,
            "cost": days * rng.gamma(3.0, 100.0, size),
            "days": days,
            "prison": rng.integers(0, 4, size),
        }
    )


def _one_by_one(
    patterns: pd.DataFrame,
    units: pd.DataFrame | None,
    kind: str,
    justified: list[str],
    method: str,
) -> pd.DataFrame:
    parts = []
    for _, cell in patterns.groupby(BY, sort=False):
        year, region = cell["year"].iloc[0], cell["region"].iloc[0]
        cell_units = None
        if units is not None:
            cell_units = units.loc[(units["year"] == year) & (units["region"] == region)]
        parts.append(adjust(cell, kind, BY, justified, 0.95, method, cell_units))
    return pd.concat(parts, ignore_index=True)


def _assert_same_gaps(got: pd.DataFrame, expected: pd.DataFrame, label: str) -> None:
    """The adjusted gaps' numbers to 1e-10 (relative), their methods and notes exactly."""
    for column in (*NUMBERS, "_adjusted_se", "_adjusted_df"):
        np.testing.assert_allclose(
            got[column].to_numpy(dtype=float),
            expected[column].to_numpy(dtype=float),
            rtol=1e-10,
            atol=0.0,
            err_msg=f"{label}: {column}",
        )
    for column in ("adjustment_method", "adjustment_note", "_same_as_raw"):
        assert got[column].tolist() == expected[column].tolist(), (label, column)


CASES = [
    (gb.rate("work"), "model"),
    (gb.rate("work"), "mantel-haenszel"),
    (gb.mean("cost"), "model"),
    (gb.ratio("cost", "days"), "model"),
    (gb.ratio("cost", "days", cluster="prison"), "model"),
    (gb.rate("work", cluster="prison"), "model"),
    (gb.mean("cost", cluster="prison"), "model"),
]


@pytest.mark.parametrize("justified", [["klass"], ["klass", "band"]])
@pytest.mark.parametrize(("measure", "method"), CASES, ids=lambda c: getattr(c, "name", c))
def test_cells_fitted_together_equal_cells_fitted_one_by_one(
    measure: gb.Measure, method: str, justified: list[str]
) -> None:
    stats = collect_cells(
        _many_cells(), [measure], sex="kon", by=BY, n=None, mapping=None, justified=justified
    )
    assert stats.patterns is not None
    patterns, units = stats.patterns, stats.pattern_units
    together = adjust(patterns, measure.kind, BY, justified, 0.95, method, units)
    alone = _one_by_one(patterns, units, measure.kind, justified, method)
    assert len(together) == CELLS
    pd.testing.assert_frame_equal(together[BY], alone[BY])
    _assert_same_gaps(together, alone, "")
    assert list(together.columns) == [*BY, *ADJUSTED_COLUMNS, *ADJUSTED_INTERNAL]


def _codes(frame: pd.DataFrame) -> set[str]:
    return {n.code for cell in frame["adjustment_note"] for n in parse(cell)}


def test_the_random_cells_hold_every_degenerate_case() -> None:
    # Otherwise the comparison above would not reach the fallbacks it is meant to check.
    data = _many_cells()
    measure = gb.rate("work")
    stats = collect_cells(
        data, [measure], sex="kon", by=BY, n=None, mapping=None, justified=["klass", "band"]
    )
    assert stats.patterns is not None
    together = adjust(stats.patterns, "rate", BY, ["klass", "band"], 0.95)
    assert {
        "sexes_not_both_present",
        "factor_one_level",
        "factor_coincides_with_sex",
        "degenerate_levels_set_aside",
        "firth_penalty",
    } <= _codes(together)
    fitted = together["adjustment_method"] == "logistic_standardised_delta"
    assert np.isfinite(together.loc[fitted, "adjusted_difference"]).sum() > CELLS / 2


@pytest.mark.parametrize("method", ["model", "mantel-haenszel"])
def test_measures_adjusted_together_equal_each_measure_adjusted_alone(method: str) -> None:
    # Reference: adjust() on each measure's patterns and units alone. Together, the fits
    # of all measures share their stacks; each measure's cells keep their own numbers.
    from genderbudget._adjust import adjust_measures

    measures = [
        gb.rate("work"),
        gb.count(),
        gb.mean("cost"),
        gb.ratio("cost", "days", name="per_day", cluster="prison"),
        gb.rate("work", name="work_units", cluster="prison"),
        gb.total("cost", name="cost_total"),
    ]
    justified = ["klass", "band"]
    stats = collect_cells(
        _many_cells(), measures, sex="kon", by=BY, n=None, mapping=None, justified=justified
    )
    assert stats.patterns is not None and stats.pattern_units is not None
    kinds = {m.name: m.kind for m in measures}
    arrays = adjust_measures(
        stats.patterns, kinds, BY, justified, 0.95, method, stats.pattern_units
    )
    together = arrays.frame(arrays.columns)
    assert list(together.columns) == ["measure", *BY, *ADJUSTED_COLUMNS, *ADJUSTED_INTERNAL]
    assert pd.unique(together["measure"]).tolist() == [m.name for m in measures]
    for m in measures:
        patterns = stats.patterns.loc[stats.patterns["measure"] == m.name]
        units = stats.pattern_units.loc[stats.pattern_units["measure"] == m.name]
        alone = adjust(patterns, m.kind, BY, justified, 0.95, method, units if len(units) else None)
        mine = together.loc[together["measure"] == m.name].drop(columns="measure")
        mine = mine.reset_index(drop=True)
        assert mine[BY].values.tolist() == alone[BY].values.tolist(), m.name
        _assert_same_gaps(mine, alone, m.name)
