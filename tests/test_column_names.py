"""The caller's columns may have any name.

A column named like a temporary column of a computation (``__sex``, ``__rows``, ...) or like
a column of an output table (``estimate``, ``share``, ``n``, ...) gives the same numbers as
the same column under a plain name, in every role: the sex column, a measure's columns, a
cluster, a justified factor. The only exceptions are names a table would then hold twice: a
breakdown (``by=``, and the units of ``equalize``, which become columns of its table) named
like a column of an output table, and a factor or cluster named like a column of the cell
statistics. They are refused with a message that names the column, says how to rename it and
lists the reserved names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
import pytest

import genderbudget as gb
from genderbudget._cells import CELL_COLUMNS
from genderbudget._options import TEMPORARY
from genderbudget._reserved import output_columns

NAMES = [
    "sex",
    "n",
    "estimate",
    "flag",
    "share",
    "measure",
    "note",
    "units",
    "rows",
    "difference",
    "women",
    "p_value",
    "__gb_sex",
    "__sex",
    "__rows",
]
ROLES = ["sex", "by", "justified", "cluster", "measure"]
# The plain name of each role's column in DATA.
PLAIN = {"sex": "kon", "by": "ar", "justified": "klass", "cluster": "enhet", "measure": "kostnad"}


def _data() -> pd.DataFrame:
    rng = np.random.default_rng(20261130)
    size = 160
    return pd.DataFrame(
        {
            "kon": rng.choice(["K", "M"], size),
            "ar": rng.choice([2020, 2021], size),
            "klass": rng.choice(["A", "B", "C"], size),
            "enhet": rng.choice([f"E{i}" for i in range(8)], size),
            "arbete": (rng.random(size) < 0.4).astype(int),
            "kostnad": rng.gamma(2.0, 500.0, size),
            "dygn": rng.integers(1, 30, size).astype(float),
        }
    )


DATA = _data()
# Every test runs a whole analysis or decomposition: the module takes minutes.
pytestmark = pytest.mark.slow


def _expectation(
    role: str, name: str, breakdowns: tuple[str, ...], factors: tuple[str, ...]
) -> str | None:
    """The message a call must raise, or None when the name must simply work."""
    if role in breakdowns and name in output_columns() | set(CELL_COLUMNS):
        return f"Column {name!r} ("
    if role in factors and name in CELL_COLUMNS:
        return f"Column {name!r} ("
    return None


@cache
def _plain_result(
    call: Callable[[pd.DataFrame, Callable[[str], str]], pd.DataFrame],
) -> pd.DataFrame:
    return call(DATA, lambda column: column)


def _check(
    role: str,
    name: str,
    call: Callable[[pd.DataFrame, Callable[[str], str]], pd.DataFrame],
    breakdowns: tuple[str, ...] = ("by",),
    factors: tuple[str, ...] = ("justified",),
) -> None:
    """Run ``call`` with the role's column renamed and compare it with the plain names."""
    plain = PLAIN[role]

    def named(column: str) -> str:
        return name if column == plain else column

    expected = _plain_result(call)
    message = _expectation(role, name, breakdowns, factors)
    renamed = DATA.rename(columns={plain: name})
    if message is not None:
        with pytest.raises(ValueError, match=re.escape(message) + ".*Rename it, e.g. data = "):
            call(renamed, named)
        return
    got = call(renamed, named)
    assert not got.columns.duplicated().any()
    if role == "by":
        got = got.rename(columns={name: plain})
    pd.testing.assert_frame_equal(got, expected)


def _analyse_tables(data: pd.DataFrame, c: Callable[[str], str]) -> pd.DataFrame:
    measures = [
        gb.count(),
        gb.rate("arbete", cluster=c("enhet"), name="arbete_per_enhet"),
        gb.mean(c("kostnad"), name="kostnad"),
    ]
    result = gb.analyse(data, measures, sex=c("kon"), by=c("ar"), justified=c("klass"))
    tables = [result.estimates, result.comparisons, result.representation]
    return pd.concat([t.drop(columns=["note"]).astype(str) for t in tables], ignore_index=True)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("role", ROLES)
def test_analyse_takes_any_column_name(role: str, name: str) -> None:
    _check(role, name, _analyse_tables)


def _equalize(data: pd.DataFrame, c: Callable[[str], str]) -> pd.DataFrame:
    plan = gb.equalize(data, gb.rate("arbete"), sex=c("kon"), by=c("ar"), justified=c("klass"))
    per_day = gb.equalize(
        data,
        gb.per_need(c("kostnad"), "dygn", name="per_dygn"),
        sex=c("kon"),
        by=c("ar"),
        cluster=c("enhet"),
    )
    enhet = "enhet" if c("enhet") == "enhet" else c("enhet")
    return pd.concat([plan, per_day.rename(columns={enhet: "enhet"})], ignore_index=True)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("role", ROLES)
def test_equalize_takes_any_column_name(role: str, name: str) -> None:
    # The units of equalize (cluster=) are a column of its table, like a breakdown.
    _check(role, name, _equalize, breakdowns=("by", "cluster"))


def _follow_up(data: pd.DataFrame, c: Callable[[str], str]) -> pd.DataFrame:
    result = gb.analyse(data, gb.mean(c("kostnad"), name="kostnad"), sex=c("kon"), by=c("ar"))
    return gb.follow_up(result, time=c("ar"))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("role", ["sex", "by", "measure"])
def test_follow_up_takes_any_column_name(role: str, name: str) -> None:
    _check(role, name, _follow_up)


def _decompositions(data: pd.DataFrame, c: Callable[[str], str]) -> pd.DataFrame:
    mean_gap = gb.oaxaca(data, c("kostnad"), sex=c("kon"), by=c("ar"), justified=c("klass"))
    cost_gap = gb.decompose_cost(
        data,
        c("kostnad"),
        "dygn",
        sex=c("kon"),
        by=c("ar"),
        justified=c("klass"),
        cluster=c("enhet"),
    )
    # The names of the outcome and of the factors are values of the table: named back.
    table = pd.concat([mean_gap, cost_gap], ignore_index=True)
    measures = {c("kostnad"): "kostnad", c("kostnad") + "/dygn": "kostnad/dygn"}
    return table.assign(
        measure=table["measure"].replace(measures),
        factor=table["factor"].replace({c("klass"): "klass"}),
    )


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("role", ROLES)
def test_decompositions_take_any_column_name(role: str, name: str) -> None:
    # A decomposition groups by its factors and its clusters, like by its breakdowns.
    _check(role, name, _decompositions, factors=("justified", "cluster"))


COSTS = pd.DataFrame(
    {"ar": [2021, 2021, 2022], "objekt": ["A", "B", "A"], "kostnad": [1000.0, 2000.0, 1500.0]}
)
OVERHEAD = pd.DataFrame({"ar": [2021, 2022], "objekt": ["IT", "IT"], "kostnad": [300.0, 200.0]})
DRIVERS = pd.DataFrame(
    {
        "ar": [2021] * 4 + [2022] * 2,
        "objekt": ["A", "A", "B", "B", "A", "A"],
        "kon": ["K", "M"] * 3,
        "mottagare": [3, 1, 2, 2, 1, 1],
        "arenden": [1, 1, 1, 3, 2, 2],
    }
)
ALLOCATION_ROLES = {
    "by": "ar",
    "cost_object": "objekt",
    "amount": "kostnad",
    "sex": "kon",
    "driver": "arenden",
    "persons": "mottagare",
}


def _allocate(role: str, name: str) -> gb.Allocation:
    plain = ALLOCATION_ROLES[role]

    def c(column: str) -> str:
        return name if column == plain else column

    def renamed(table: pd.DataFrame) -> pd.DataFrame:
        return table.rename(columns={plain: name})

    return gb.allocate(
        renamed(COSTS),
        renamed(DRIVERS),
        overhead=renamed(OVERHEAD),
        cost_object=c("objekt"),
        amount=c("kostnad"),
        sex=c("kon"),
        driver=[c("mottagare"), c("arenden")],
        by=c("ar"),
        persons=c("mottagare"),
    )


@pytest.mark.parametrize("name", [*NAMES, "pool", "key", "driver", "cost_object", "amount"])
@pytest.mark.parametrize("role", list(ALLOCATION_ROLES))
def test_allocate_takes_any_column_name(role: str, name: str) -> None:
    if role == "by" and name in output_columns() | set(CELL_COLUMNS):
        with pytest.raises(ValueError, match=re.escape(f"Column {name!r} (a breakdown column")):
            _allocate(role, name)
        return
    expected = _allocate("by", "ar")
    got = _allocate(role, name)
    drivers = {name: ALLOCATION_ROLES[role]} if role in ("driver", "persons") else {}
    for table in ("table", "totals", "sensitivity", "overhead"):
        frame = getattr(got, table).rename(columns={name: "ar"} if role == "by" else {})
        if "driver" in frame.columns:
            frame["driver"] = frame["driver"].replace(drivers)
        pd.testing.assert_frame_equal(frame, getattr(expected, table))


def test_the_reserved_breakdown_message_names_the_fix_and_the_reserved_names() -> None:
    data = DATA.rename(columns={"ar": "estimate"})
    with pytest.raises(ValueError) as caught:
        gb.analyse(data, gb.count(), sex="kon", by="estimate")
    message = str(caught.value)
    assert message.startswith(
        "Column 'estimate' (a breakdown column, by=) has the name of a column of the output "
        "tables, and a table cannot hold two columns of one name. Rename it, e.g. data = "
        "data.rename(columns={'estimate': 'estimate_group'}) (pandas), and use "
        "'estimate_group' instead. Reserved names: "
    )
    for reserved in ("share", "p_value", "cost_object", "gap", "women_share", "coded_as"):
        assert f" {reserved}," in message or message.endswith(f" {reserved}.")


def test_a_column_with_the_temporary_prefix_is_refused() -> None:
    prefix = TEMPORARY
    data = DATA.rename(columns={"kostnad": prefix + "kostnad"})
    with pytest.raises(ValueError, match="which genderbudget keeps for the names of its"):
        gb.analyse(data, gb.mean(prefix + "kostnad"), sex="kon")
