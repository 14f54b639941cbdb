"""Method columns hold stable codes, each with a label in every language."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, get_args

import numpy as np
import pandas as pd
import pytest

import genderbudget as gb
from genderbudget import _adjust, _decompose, _equalize, _estimate, _follow_up, _representation
from genderbudget._analyse import PAdjust
from genderbudget._texts import LANGS, METHOD_CODES, load_texts

CODE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


def _values(*constants: str | Mapping[str, str] | Iterable[str]) -> set[str]:
    out: set[str] = set()
    for constant in constants:
        if isinstance(constant, str):
            out.add(constant)
        elif isinstance(constant, Mapping):
            out.update(constant.values())
        else:
            out.update(constant)
    return out


# Every constant a method column is filled from.
PRODUCED = _values(
    _estimate.CI_METHOD,
    _estimate.CI_METHOD_CLUSTER,
    _estimate.COMPARISON_CI_METHOD,
    _estimate.COMPARISON_CI_METHOD_CLUSTER,
    _estimate.TEST_METHOD,
    _estimate.TEST_METHOD_CLUSTER,
    _adjust.METHOD,
    _adjust.METHOD_CLUSTER,
    _adjust.MH_METHOD,
    _adjust.MH_METHOD_CORRECTED,
    _representation.CI_METHOD,
    _representation.CI_CLUSTER,
    _representation.CI_NONE,
    _decompose.DELTA_METHOD,
    _decompose.JACKKNIFE_METHOD,
    _equalize.METHOD,
    _equalize.RATIO_METHOD,
    tuple(_follow_up._GAP_COLUMNS),
    get_args(PAdjust),
)


# Codes written as literals where they are produced (the test of a rate chosen per cell,
# the two kinds of no adjustment); the run over the tables below reaches each of them.
LITERALS = {"fisher_exact", "two_proportion_z_pooled", "none_no_factors", "none_raw_comparison"}


def test_every_method_constant_is_a_known_code() -> None:
    assert PRODUCED - set(METHOD_CODES) == set()
    # and no code is listed (and labelled) that nothing produces
    assert set(METHOD_CODES) - PRODUCED == LITERALS


def test_codes_are_stable_snake_case_and_listed_once() -> None:
    assert len(METHOD_CODES) == len(set(METHOD_CODES))
    for code in METHOD_CODES:
        assert CODE.fullmatch(code), code


@pytest.mark.parametrize("lang", LANGS)
def test_every_code_has_a_label_in_each_language(lang: str) -> None:
    labels = load_texts()[lang]["methods"]
    assert set(labels) == set(METHOD_CODES)
    for code in METHOD_CODES:
        label = gb.method_label(code, lang=lang)  # type: ignore[arg-type]
        assert label == labels[code]
        assert label.strip(), code


def test_labels_differ_between_codes() -> None:
    for lang in LANGS:
        labels = [gb.method_label(code, lang=lang) for code in METHOD_CODES]  # type: ignore[arg-type]
        assert len(labels) == len(set(labels)), lang


def test_an_unknown_code_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"code='Welch t' is not allowed\. Allowed values: 'none'"):
        gb.method_label("Welch t")
    with pytest.raises(ValueError, match="lang='de' is not allowed"):
        gb.method_label("wilson", lang="de")  # type: ignore[arg-type]


def _data(seed: int = 3) -> pd.DataFrame:
    """Persons in 12 units, two factor levels, and a small cell that gets Fisher's test."""
    rng = np.random.default_rng(seed)
    size = 600
    frame = pd.DataFrame(
        {
            "kon": rng.choice(["K", "M"], size),
            "enhet": rng.integers(0, 12, size),
            "klass": rng.integers(0, 2, size),
            "grupp": "stor",
            "ar": rng.choice([2020, 2021], size),
        }
    )
    frame["enhet"] = frame["kon"] + frame["enhet"].astype(str)
    frame["tjanst"] = (rng.random(size) < 0.3 + 0.2 * frame["klass"]).astype(int)
    frame["dagar"] = rng.integers(1, 30, size)
    frame["kostnad"] = frame["dagar"] * (900 + 300 * frame["klass"] + rng.normal(0, 100, size))
    small = frame.index[:12]
    frame.loc[small, "grupp"] = "liten"
    # A factor that does not vary in the small cell, where the raw comparison is the adjusted.
    frame["typ"] = frame["klass"].where(frame["grupp"] == "stor", 0)
    return frame


def _method_values(table: pd.DataFrame, columns: Iterable[str]) -> set[str]:
    return {str(v) for column in columns if column in table for v in table[column].dropna()}


def test_every_code_the_tables_produce_has_a_label() -> None:
    data = _data()
    measures = [
        gb.count(),
        gb.total("kostnad"),
        gb.rate("tjanst"),
        gb.rate("tjanst", cluster="enhet", name="tjanst_enhet"),
        gb.mean("kostnad"),
        gb.mean("kostnad", cluster="enhet", name="kostnad_enhet"),
        gb.ratio("kostnad", "dagar"),
        gb.ratio("kostnad", "dagar", cluster="enhet", name="per_dag_enhet"),
    ]
    seen: set[str] = set()
    for options in (
        {},
        {"justified": "klass"},
        {"justified": "klass", "adjustment": "mantel-haenszel", "p_adjust": "bonferroni"},
        {"justified": "klass", "adjustment": "mantel-haenszel-corrected", "p_adjust": "fdr_bh"},
        {"justified": "typ", "p_adjust": "none"},
    ):
        result = gb.analyse(data, measures, sex="kon", by="grupp", **options)  # type: ignore[arg-type]
        seen |= _method_values(result.estimates, ["ci_method"])
        seen |= _method_values(
            result.comparisons,
            ["ci_method", "test_method", "p_adjust_method", "adjustment_method"],
        )
        seen |= _method_values(result.representation, ["ci_method"])
    yearly = gb.analyse(data, gb.rate("tjanst"), sex="kon", by="ar", justified="klass")
    for gap in ("difference", "adjusted"):
        seen |= _method_values(gb.follow_up(yearly, gap=gap), ["gap_basis"])  # type: ignore[arg-type]
    plans: list[dict[str, Any]] = [
        {"measure": "tjanst"},
        {"measure": "tjanst", "justified": "klass"},
        {"measure": "tjanst", "target": 0.6},
        {"measure": "tjanst", "budget_neutral": True},
        {"measure": gb.per_need("kostnad", "klass", days="dagar")},
    ]
    for plan in plans:
        seen |= _method_values(gb.equalize(data, sex="kon", **plan), ["method"])
    seen |= _method_values(gb.oaxaca(data, "kostnad", sex="kon", justified="klass"), ["ci_method"])
    seen |= _method_values(
        gb.decompose_cost(data, "kostnad", "dagar", sex="kon", justified="klass", cluster="enhet"),
        ["ci_method"],
    )
    seen.discard("")  # equalize leaves the method empty on rows without a target
    assert seen - set(METHOD_CODES) == set()
    # The data reach the codes of every kind of table, the small cell Fisher's test.
    assert {
        "wilson",
        "cr2_bm",
        "fisher_exact",
        "two_proportion_z_pooled",
        "mantel_haenszel_corrected",
        "none_no_factors",
        "none_raw_comparison",
        "other_rate_newcombe",
        "delta_jann_normal",
        "jackknife_units_t",
        "adjusted",
    } <= seen
