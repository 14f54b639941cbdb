"""Small-cell suppression for publication (``gb.suppress``), checked by an attacker.

The attacker knows what a reader of the published table knows: every published count, every
total over the sexes of a breakdown cell and over each breakdown with the others fixed (a
total whose line has a single non-empty cell is that cell and is not published), and that no
count is negative. For each hidden count, two linear programs (``scipy.optimize.linprog``,
HiGHS; integers relaxed) give its least and greatest possible value. Suppression holds when
that interval is wider than the true value alone for every hidden count. The attacker is
written here from the published table alone, independently of the library's own check
(which reads the null space of the system from its reduced row echelon form).

Sources of the thresholds: Statistics Norway ("færre enn 3", the default 3) and Danmarks
Statistik ("celler med antal < 5 er blændet", ``min_n=5``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import genderbudget as gb
from genderbudget._cells import ColumnNotFoundError
from genderbudget._suppress import MARKER, suppression_pattern

# the settings of tests/test_properties.py: the same examples on every run and machine
SETTINGS: dict[str, Any] = {
    "deadline": None,
    "database": None,
    "derandomize": True,
    "suppress_health_check": [HealthCheck.too_slow],
}
WIDTH = 1e-6  # an interval narrower than this pins the hidden count


# --- the attacker -------------------------------------------------------------------------


def attacker_intervals(
    table: pd.DataFrame,
    hidden: np.ndarray,
    count: str,
    keys: Sequence[str],
    only: np.ndarray | None = None,
    withheld: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Least and greatest value of every hidden count, given what is published.

    ``table`` holds the true counts; only the rows not ``hidden`` and the totals are known
    to the attacker. One total per group of rows that differ in one key only, when the
    group has two or more non-empty cells, except the totals ``withheld`` (rows of the
    other keys' values and ``over``, the key summed over). ``only`` (row positions) limits
    the hidden rows whose interval is computed; all hidden rows stay unknowns.
    """
    values = table[count].to_numpy(dtype=float)
    unknowns = np.flatnonzero(hidden)
    place = {row: i for i, row in enumerate(unknowns)}
    equations: list[np.ndarray] = []
    totals: list[float] = []
    frame = table.reset_index(drop=True)
    secret = set()
    for record in [] if withheld is None else withheld.to_dict("records"):
        secret.add((record["over"], tuple(record[k] for k in keys if k != record["over"])))
    for key in keys:
        others = [k for k in keys if k != key]
        groups = (
            frame.groupby(others, dropna=False, sort=False).indices
            if others
            else {(): np.arange(len(frame))}
        )
        for rows in groups.values():
            if (values[rows] > 0).sum() < 2:
                continue
            if (key, tuple(frame.iloc[rows[0]][others])) in secret:
                continue
            equation = np.zeros(len(unknowns))
            known = 0.0
            for row in rows:
                if row in place:
                    equation[place[row]] = 1.0
                else:
                    known += values[row]
            if equation.any():
                equations.append(equation)
                totals.append(values[rows].sum() - known)
    asked = range(len(unknowns)) if only is None else [place[row] for row in only]
    low, high = [], []
    for i in asked:
        objective = np.zeros(len(unknowns))
        objective[i] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            fit = linprog(
                sign * objective,
                A_eq=np.array(equations) if equations else None,
                b_eq=np.array(totals) if totals else None,
                bounds=(0, None),
                method="highs",
            )
            ends.append(np.inf if fit.status == 3 else sign * fit.fun)
        low.append(ends[0])
        high.append(ends[1])
    rows = unknowns[list(asked)]
    out = table.iloc[rows][list(keys)].reset_index(drop=True)
    out["true"] = values[rows]
    out["low"] = low
    out["high"] = high
    return out


def audited(
    table: pd.DataFrame, count: str, sex: str, by: Sequence[str], **options: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Suppress ``table`` and return the published copy and the attacker's intervals."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        published = gb.suppress(table, count=count, sex=sex, by=list(by), **options)
    hidden = published["suppressed"].to_numpy(dtype=bool)
    withheld = published.attrs["withheld_totals"]
    return published, attacker_intervals(table, hidden, count, [*by, sex], withheld=withheld)


# --- the primary rule -------------------------------------------------------------------


def test_cells_of_one_and_two_are_hidden_zero_and_three_published() -> None:
    # one line of five sexes' cells; 1 and 2 are small, 0 is empty, 3 and 10 are not small
    table = pd.DataFrame({"kon": list("abcde"), "antal": [0, 1, 2, 3, 10]})
    published = gb.suppress(table, count="antal", sex="kon")
    assert published["suppressed"].tolist() == [False, True, True, False, False]
    assert published["antal"].tolist()[0] == 0  # an empty cell is published
    assert published["antal"].isna().tolist() == [False, True, True, False, False]


def test_min_n_5_hides_up_to_four_as_danmarks_statistik() -> None:
    table = pd.DataFrame({"kon": list("abcde"), "antal": [4, 4, 5, 9, 0]})
    assert gb.suppress(table, count="antal", sex="kon")["suppressed"].sum() == 0
    published = gb.suppress(table, count="antal", sex="kon", min_n=5)
    assert published["suppressed"].tolist() == [True, True, False, False, False]


# --- secondary suppression, by hand --------------------------------------------------------

THREE_PRISONS = pd.DataFrame(
    {
        "anstalt": ["A", "A", "B", "B", "C", "C"],
        "kon": ["kvinna", "man"] * 3,
        "antal": [2, 40, 12, 35, 9, 50],
        "kostnad": [1.5, 30.0, 9.0, 26.0, 7.0, 38.0],
    }
)


def test_a_hidden_cell_gets_complements_on_every_line() -> None:
    # By hand: the 2 women of A are hidden; A's total (42) would give them away, so A's men
    # go too; the women's total over the prisons (23) would, so the smallest other women's
    # cell (C, 9) goes; the men's total (125) would then give A's men, and C's men close
    # the cycle. B stays published. The attacker knows A's and C's totals (42, 59) and the
    # hidden women's and men's sums (11, 90): each hidden count ranges over 12 values.
    published, intervals = audited(THREE_PRISONS, "antal", "kon", ["anstalt"])
    assert published["suppressed"].tolist() == [True, True, False, False, True, True]
    assert intervals["low"].tolist() == [0.0, 31.0, 0.0, 48.0]
    assert intervals["high"].tolist() == [11.0, 42.0, 11.0, 59.0]


def test_hidden_rows_lose_every_value_but_their_keys() -> None:
    original = THREE_PRISONS.copy()
    published = gb.suppress(THREE_PRISONS, count="antal", sex="kon", by="anstalt")
    pd.testing.assert_frame_equal(THREE_PRISONS, original)  # the input is not changed
    hidden = published["suppressed"].to_numpy()
    assert published.loc[hidden, "kostnad"].isna().all()
    assert published.loc[hidden, "antal"].isna().all()
    assert str(published["antal"].dtype) == "Int64"
    assert published.loc[hidden, ["anstalt", "kon"]].equals(
        THREE_PRISONS.loc[hidden, ["anstalt", "kon"]]
    )
    assert published.loc[~hidden, "kostnad"].tolist() == [9.0, 26.0]
    assert MARKER == ".."


def test_a_closed_block_is_protected_by_withholding_a_total() -> None:
    # Women's prisons A and B (no men), men's prisons C and D (no women), one person of
    # unknown sex in A, C and D. The men's total (90) and C's and D's totals (41, 51) fix
    # the unknowns of C and D together at 2, and the unknowns' total (3) would then fix
    # A's at 1: no hidden cell inside the table protects it (only hiding a published zero
    # would). The total of the unknown sex over the prisons is withheld instead, and the
    # attacker, who knows every other total, finds room for every hidden count.
    table = pd.DataFrame(
        {
            "anstalt": ["A", "A", "B", "C", "C", "D", "D"],
            "kon": ["kvinna", "okänt", "kvinna", "man", "okänt", "man", "okänt"],
            "antal": [20, 1, 30, 40, 1, 50, 1],
        }
    )
    published, intervals = audited(table, "antal", "kon", ["anstalt"])
    withheld = published.attrs["withheld_totals"]
    assert withheld.to_dict("records") == [{"anstalt": None, "kon": "okänt", "over": "anstalt"}]
    assert ((intervals["high"] - intervals["low"]) > WIDTH).all()
    # with the total known, the attacker pins A's unknown and A's and B's women
    known = attacker_intervals(
        table, published["suppressed"].to_numpy(), "antal", ["anstalt", "kon"]
    )
    pinned = known["high"] - known["low"] <= WIDTH
    assert known.loc[pinned, ["anstalt", "kon"]].values.tolist() == [
        ["A", "kvinna"],
        ["A", "okänt"],
        ["B", "kvinna"],
    ]
    pattern = suppression_pattern(table[["anstalt", "kon"]], table["antal"].to_numpy(), 3)
    assert pattern.protected.all() and pattern.withheld == [(0, 1)]


# --- the attacker on random tables ---------------------------------------------------------

SEXES = ["women", "men", "unknown"]


@st.composite
def count_tables(draw: st.DrawFn) -> tuple[pd.DataFrame, list[str]]:
    """Tables of counts with 1-3 breakdowns, many small and empty cells, some rows absent."""
    levels = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    by = [f"b{i}" for i in range(len(levels))]
    sexes = SEXES[: draw(st.integers(2, 3))]
    grid = pd.MultiIndex.from_product(
        [range(k) for k in levels] + [sexes], names=[*by, "kon"]
    ).to_frame(index=False)
    small = st.integers(0, 3)
    count = st.one_of(small, small, st.integers(0, 40))
    grid["antal"] = draw(st.lists(count, min_size=len(grid), max_size=len(grid)))
    keep = draw(st.lists(st.booleans(), min_size=len(grid), max_size=len(grid)))
    table = grid.loc[np.array(keep) | (grid["antal"] > 0).to_numpy()]
    return table.reset_index(drop=True), by


@settings(max_examples=60, **SETTINGS)
@given(case=count_tables(), min_n=st.sampled_from([3, 5]))
def test_no_hidden_count_can_be_derived_from_the_totals(
    case: tuple[pd.DataFrame, list[str]], min_n: int
) -> None:
    table, by = case
    published, intervals = audited(table, "antal", "kon", by, min_n=min_n)
    counts = table["antal"].to_numpy()
    hidden = published["suppressed"].to_numpy(dtype=bool)
    assert (hidden >= ((counts > 0) & (counts < min_n))).all()  # every small cell
    assert not (hidden & (counts == 0)).any()  # never an empty one
    assert published.loc[hidden, "antal"].isna().all()
    assert (published.loc[~hidden, "antal"].to_numpy() == counts[~hidden]).all()
    assert (intervals["low"] <= intervals["true"] + WIDTH).all()
    assert (intervals["true"] <= intervals["high"] + WIDTH).all()
    pattern = suppression_pattern(table[[*by, "kon"]], counts, min_n)
    protected = pattern.protected[hidden]
    width = (intervals["high"] - intervals["low"]).to_numpy()
    # every cell the library calls protected has room; every one it calls pinned is pinned
    assert (width[protected] > WIDTH).all()
    assert (width[~protected] <= WIDTH).all()


# --- the Kriminalvården sample data ------------------------------------------------------


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return gb.datasets.load_kriminalvarden()


def _counts(publication: gb.Publication, result: gb.Result) -> tuple[pd.DataFrame, np.ndarray]:
    estimates = result.estimates
    rows = estimates["measure"] == "count"
    hidden = publication.estimates["suppressed"].to_numpy()[rows.to_numpy()]
    return estimates.loc[rows].reset_index(drop=True), hidden


def test_per_prison_and_year_the_unknown_cells_and_their_complements_are_hidden(
    data: pd.DataFrame,
) -> None:
    # Per prison and year the sample's smallest women's cell has 17 women (A14, 2017): no
    # women's cell is small there. The small cells are the persons of unknown sex (one or
    # two in a prison and year), and their complements (the women or men of that prison).
    result = gb.analyse(data, [gb.count(), gb.rate("arbetsdrift")], sex="kon", by=["ar", "anstalt"])
    publication = gb.suppress(result)  # no warning: every hidden cell is protected
    listed = publication.suppressed
    counts = listed.loc[listed["measure"] == "count"]
    primary = counts.loc[counts["reason"] == "primary"]
    assert set(primary["sex"]) == {"unknown"}
    assert len(primary) == 37 and primary["n"].between(1, 2).all()
    secondary = counts.loc[counts["reason"] == "secondary"]
    assert secondary["n"].ge(3).all()
    # few women's cells go: the totals of the unknown sex over the prisons of a year, and
    # over the years of a prison, are withheld where that spares hidden cells
    assert secondary["sex"].value_counts().to_dict() == {"men": 45, "women": 6}
    assert counts["protected"].all()
    withheld = publication.withheld
    assert withheld.loc[withheld["measure"] == "count"].drop(columns="measure").to_dict(
        "records"
    ) == [
        {"ar": None, "anstalt": "A40", "sex": "unknown", "over": "ar"},
        {"ar": 2018, "anstalt": None, "sex": "unknown", "over": "anstalt"},
        {"ar": 2020, "anstalt": None, "sex": "unknown", "over": "anstalt"},
        {"ar": 2021, "anstalt": None, "sex": "unknown", "over": "anstalt"},
    ]
    estimates, hidden = _counts(publication, result)
    known = withheld.loc[withheld["measure"] == "count"]
    intervals = attacker_intervals(estimates, hidden, "n", ["ar", "anstalt", "sex"], withheld=known)
    assert ((intervals["high"] - intervals["low"]) > WIDTH).all()
    # were the withheld totals published, the persons of unknown sex in A40 (the only
    # women's prison with any in 2020 and 2021) would be pinned
    exposed = attacker_intervals(estimates, hidden, "n", ["ar", "anstalt", "sex"])
    pinned = exposed.loc[exposed["high"] - exposed["low"] <= WIDTH]
    assert [2020, "A40", "unknown"] in pinned[["ar", "anstalt", "sex"]].values.tolist()


def test_women_in_small_age_groups_of_womens_prisons_are_hidden(data: pd.DataFrame) -> None:
    # A finer breakdown, prison x year x age group in the six women's prisons, has women's
    # cells below 3 (A14: one woman aged 50+ in 2017, 2019 and 2021).
    womens = data.loc[data["anstalt_for"] == "kvinnor"]
    result = gb.analyse(womens, gb.count(), sex="kon", by=["ar", "anstalt", "aldersgrupp"])
    publication = gb.suppress(result)  # no warning: every hidden cell is protected
    listed = publication.suppressed
    women = listed.loc[listed["sex"] == "women"]
    assert (women["reason"] == "primary").sum() == 7
    assert women.loc[women["reason"] == "primary", "n"].between(1, 2).all()
    assert (women["reason"] == "secondary").sum() == 23  # the numbers in the README
    assert listed.loc[listed["sex"] == "unknown", "reason"].tolist() == ["primary"] * 3
    assert listed["protected"].all()
    estimates, hidden = _counts(publication, result)
    intervals = attacker_intervals(estimates, hidden, "n", ["ar", "anstalt", "aldersgrupp", "sex"])
    assert ((intervals["high"] - intervals["low"]) > WIDTH).all()


def test_sis_units_by_age_group_and_year_are_protected() -> None:
    # SiS style: sex x age group x unit x year, most cells small (466 of 1,241 below 3).
    # Hiding cells alone leaves 19 cells derivable; withholding 15 totals over a
    # breakdown protects them. The attacker, who knows every other total, finds room for
    # 30 of the cells on those totals and for 40 others, spread over the list.
    data = gb.datasets.load_sis()
    by = ["ar", "avdelning", "aldersgrupp"]
    result = gb.analyse(data, gb.count(), sex="kon", by=by)
    publication = gb.suppress(result)  # no warning
    listed = publication.suppressed
    assert (listed["reason"] == "primary").sum() == 466
    assert listed["protected"].all()
    withheld = publication.withheld
    assert len(withheld) == 15 and set(withheld["over"]) <= set(by)
    estimates, hidden = _counts(publication, result)
    rows = np.flatnonzero(hidden)
    sample = rows[::15][:40]
    freed = np.intersect1d(_rows_of(estimates, withheld, by), rows)[:30]
    intervals = attacker_intervals(
        estimates,
        hidden,
        "n",
        [*by, "sex"],
        only=np.unique(np.concatenate([freed, sample])),
        withheld=withheld.drop(columns="measure"),
    )
    assert ((intervals["high"] - intervals["low"]) > WIDTH).all()


def _rows_of(estimates: pd.DataFrame, withheld: pd.DataFrame, by: list[str]) -> np.ndarray:
    """The hidden rows on the withheld totals (the cells they would expose)."""
    rows: list[int] = []
    for record in withheld.to_dict("records"):
        fixed = [k for k in [*by, "sex"] if k != record["over"]]
        match = np.ones(len(estimates), dtype=bool)
        for k in fixed:
            match &= (estimates[k] == record[k]).to_numpy()
        rows.extend(np.flatnonzero(match).tolist())
    return np.array(sorted(set(rows)), dtype=np.int64)


def test_a_publication_hides_every_number_of_a_hidden_cell(data: pd.DataFrame) -> None:
    womens = data.loc[data["anstalt_for"] == "kvinnor"]
    result = gb.analyse(womens, [gb.count(), gb.mean("kostnad")], sex="kon", by=["ar", "anstalt"])
    before = (result.estimates, result.comparisons, result.representation)
    publication = gb.suppress(result)
    # the result itself is never changed
    for kept, now in zip(
        before, (result.estimates, result.comparisons, result.representation), strict=True
    ):
        pd.testing.assert_frame_equal(kept, now)
    estimates = publication.estimates
    hidden = estimates["suppressed"].to_numpy()
    assert hidden.any() and not hidden.all()
    numbers = ["n", "units", "estimate", "ci_low", "ci_high", "share"]
    assert estimates.loc[hidden, numbers].isna().all().all()
    assert estimates.loc[~hidden, "n"].notna().all()
    # a comparison is hidden exactly when its women's or men's cell is
    sides = estimates.loc[hidden & estimates["sex"].isin(["women", "men"]).to_numpy()]
    expected = set(map(tuple, sides[["measure", "ar", "anstalt"]].values.tolist()))
    comparisons = publication.comparisons
    shown = comparisons["suppressed"].to_numpy()
    assert (
        set(map(tuple, comparisons.loc[shown, ["measure", "ar", "anstalt"]].values.tolist()))
        == expected
    )
    revealing = [
        "n_women",
        "n_men",
        "women",
        "men",
        "difference",
        "difference_ci_low",
        "ratio",
        "p_value",
        "p_adjusted",
        "adjusted_difference",
        "e_value",
        "disadvantaged",
    ]
    assert comparisons.loc[shown, revealing].isna().all().all()
    assert (comparisons.loc[shown, "flag"] == "suppressed").all()
    assert (comparisons.loc[~shown, "flag"] != "suppressed").all()
    # the representation table: the persons' and the resource's shares of hidden cells
    representation = publication.representation
    marked = representation["suppressed"].to_numpy()
    assert marked.any()
    shares = ["persons", "persons_share", "resource", "resource_share", "share_difference"]
    assert representation.loc[marked, shares].isna().all().all()
    # the list of hidden cells, with the measure, the cell, the sex and the reason
    listed = publication.suppressed
    assert list(listed.columns) == ["measure", "ar", "anstalt", "sex", "n", "reason", "protected"]
    assert len(listed) == hidden.sum()
    assert set(listed["reason"]) == {"primary", "secondary"}
    assert "Publication(min_n=3" in repr(publication)


def test_a_result_without_small_cells_is_published_whole(data: pd.DataFrame) -> None:
    result = gb.analyse(data.loc[data["kon"].notna()], gb.count(), sex="kon", by="ar")
    publication = gb.suppress(result)
    assert publication.suppressed.empty
    assert not publication.estimates["suppressed"].any()
    pd.testing.assert_frame_equal(
        publication.estimates.drop(columns="suppressed"), result.estimates
    )


# --- clear errors ------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 2.5, True, "3", float("nan"), -1])
def test_a_bad_min_n_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match=r"min_n must be a whole number >= 1 .* got"):
        gb.suppress(THREE_PRISONS, count="antal", sex="kon", min_n=value)  # type: ignore[arg-type]


def test_an_unknown_column_is_named_with_a_hint() -> None:
    with pytest.raises(
        ColumnNotFoundError, match=r"'ansalt' \(breakdown \(by=\)\).*Did you mean 'anstalt'"
    ):
        gb.suppress(THREE_PRISONS, count="antal", sex="kon", by="ansalt")


@pytest.mark.parametrize(
    ("values", "shown"),
    [([2, -1], "-1"), ([2, 1.5], "1.5"), ([2, None], "None"), ([2, "x"], "'x'")],
)
def test_counts_must_be_whole_numbers(values: list[object], shown: str) -> None:
    table = pd.DataFrame({"kon": ["K", "M"], "antal": pd.Series(values, dtype=object)})
    with pytest.raises(
        ValueError, match=rf"Column 'antal' \(count=\).*1 row have other values: {shown}"
    ):
        gb.suppress(table, count="antal", sex="kon")


def test_two_rows_of_one_cell_are_refused() -> None:
    table = pd.DataFrame({"ar": [2020, 2020, 2020], "kon": ["K", "K", "M"], "antal": [1, 2, 5]})
    with pytest.raises(ValueError, match=r"2 rows share a cell.*ar=2020, kon='K'.*groupby"):
        gb.suppress(table, count="antal", sex="kon", by="ar")


def test_the_call_needs_its_columns_and_a_table() -> None:
    with pytest.raises(TypeError, match=r"count= not given"):
        gb.suppress(THREE_PRISONS, sex="kon")  # type: ignore[call-overload]
    with pytest.raises(
        TypeError, match=r"Result of gb.analyse or a pandas DataFrame of counts, got list"
    ):
        gb.suppress([1, 2], count="antal", sex="kon")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match=r"cannot also be a breakdown"):
        gb.suppress(THREE_PRISONS, count="antal", sex="kon", by=["kon"])
    with pytest.raises(ValueError, match=r"count column 'antal' cannot also be"):
        gb.suppress(THREE_PRISONS, count="antal", sex="kon", by=["antal"])
    with pytest.raises(ValueError, match=r"already has a column 'suppressed'"):
        gb.suppress(THREE_PRISONS.assign(suppressed=1), count="antal", sex="kon")
    result = gb.analyse(THREE_PRISONS.loc[THREE_PRISONS.index.repeat(3)], gb.count(), sex="kon")
    with pytest.raises(TypeError, match=r"A Result knows its columns"):
        gb.suppress(result, count="antal")  # type: ignore[call-overload]


def test_resource_and_access_rows_are_hidden_with_their_cells(data: pd.DataFrame) -> None:
    # Women get more money per care-day and less work in 2016-2019 (tests/test_flags.py).
    # With a threshold of 250 persons the women's cells of the years with fewer than 250
    # women are hidden, and so are those years' rows of the resource-access table.
    result = gb.analyse(
        data,
        [gb.ratio("kostnad", "varddygn", name="kostnad_per_varddygn"), gb.rate("arbetsdrift")],
        sex="kon",
        by="ar",
        justified=["sakerhetsklass", "strafflangd"],
    )
    publication = gb.suppress(result, min_n=250)
    pairs = publication.resource_access
    assert len(pairs) == len(result.resource_access) == 4
    listed = publication.suppressed
    hidden_years = set(listed.loc[listed["sex"].isin(["women", "men"]), "ar"])
    assert pairs["suppressed"].tolist() == [year in hidden_years for year in pairs["ar"]]
    assert pairs["suppressed"].any()
    shown = pairs.loc[pairs["suppressed"]]
    assert shown[["sex", "resource_women", "access_women", "access_flag"]].isna().all().all()
    assert (shown["access_measure"] == "arbetsdrift").all()
