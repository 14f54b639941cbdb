"""Note columns hold English words and stable codes; every code has words in each language."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import genderbudget as gb
from genderbudget import _notes
from genderbudget._texts import LANGS, NOTE_CODES, load_texts

CODE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
PACKAGE = Path(gb.__file__).parent

# The English of every note as the modules wrote it before the notes became codes, with
# sample values: each code must give these words byte for byte.
BEFORE: dict[str, tuple[str, dict[str, object]]] = {
    "no_persons": ("no persons in this cell", {}),
    "few_persons": ("fewer than 2 persons: no interval", {}),
    "few_units": ("fewer than 2 units: no interval", {}),
    "no_sum_sq": ("sum of squares not given (sum_sq=): no interval", {}),
    "zero_denominator": ("the denominator sums to 0: no ratio", {}),
    "recorded_in_full": ("recorded in full: no sampling interval or test", {}),
    "no_women": ("no women in this cell", {}),
    "no_men": ("no men in this cell", {}),
    "ratio_undefined": ("ratio undefined (zero or negative value)", {}),
    "ratio_interval_undefined": ("ratio interval undefined (no one of one sex got it)", {}),
    "no_variation": ("no variation within either sex: no test", {}),
    "unit_zero_denominator_left_out": (
        "1 unit with cost but a zero denominator left out of the interval",
        {"count": 1},
    ),
    "units_zero_denominator_left_out": (
        "3 units with cost but a zero denominator left out of the interval",
        {"count": 3},
    ),
    "not_applicable_counts_totals": ("not applicable to head-counts and totals", {}),
    "sexes_not_both_present": ("women and men are not both present", {}),
    "factor_coincides_with_sex": (
        "justified factor 'a', 'b' coincides with sex: the gap cannot be separated from it",
        {"names": "'a', 'b'"},
    ),
    "factor_one_level": (
        "factor 'konstant' has one level here and is left out",
        {"name": "'konstant'"},
    ),
    "no_factor_varies": (
        "factor 'a' does not vary here, so adjusting changes nothing: the adjusted "
        "comparison is the raw one",
        {"names": "'a'"},
    ),
    "factor_collinear": (
        "factor 'b' is collinear with the other factors and is left out",
        {"names": "'b'"},
    ),
    "degenerate_levels_set_aside": (
        "12,345 persons in levels where all or none got it are set aside (predicted difference 0)",
        {"rows": 12345},
    ),
    "model_not_fitted": (
        "the model could not be fitted (singular matrix)",
        {"reason": "singular matrix"},
    ),
    "model_no_convergence": (
        "the model could not be fitted (no convergence, with or without Firth's penalty)",
        {},
    ),
    "firth_penalty": (
        "women and men are separated in some factor pattern (all or none of one sex got it): "
        "fitted by Firth's penalised likelihood",
        {},
    ),
    "no_stratum_with_both_sexes": ("no stratum holds both women and men", {}),
    "few_units_of_one_sex": ("fewer than 2 units of one sex: no interval", {}),
    "lone_unit": (
        "the adjusted gap rests on a single unit of one sex for some value of the factors, "
        "whose variation between units cannot be estimated: no interval or test",
        {},
    ),
    "missing_factor_left_out": (
        "adjusted gap leaves out 1,234 rows with a missing justified factor",
        {"rows": 1234},
    ),
    "too_few_units_for_verdict": (
        "too few units for a verdict: 1 of women and 4 of men, where the rule asks for at "
        "least 2 of each (FlagRule.min_units)",
        {"women": 1, "men": 4, "min_units": 2},
    ),
    "no_persons_no_shares": ("no persons in this cell: no shares", {}),
    "no_persons_of_this_sex": ("no persons of this sex in this cell: no interval", {}),
    "all_persons_of_this_sex": (
        "every person in this cell has this sex: both shares are 1, no interval",
        {},
    ),
    "few_persons_in_cell": ("fewer than 2 persons in this cell: no interval", {}),
    "few_clusters_in_cell": ("fewer than 2 clusters in this cell: no interval", {}),
    "zero_resource": ("the resource sums to 0 in this cell: no resource share", {}),
    "aggregated_no_sum_sq": (
        "pre-aggregated input without the sum of squares of 'kostnad' (sum_sq=): no interval",
        {"column": "kostnad"},
    ),
    "aggregated_total": (
        "pre-aggregated total: the sum of squares of 'kostnad' per person is not known, so no "
        "interval; analyse the rows to get one",
        {"column": "kostnad"},
    ),
    "aggregated_ratio": (
        "pre-aggregated ratio: the sum of squares of 'kostnad' per person is not known, so no "
        "interval; analyse the rows to get one",
        {"column": "kostnad"},
    ),
    "aggregated_cluster": (
        "pre-aggregated input with cluster 'anstalt': the persons behind each row's sum of "
        "'kostnad' are not known per cluster, so no interval; analyse the rows to get one",
        {"column": "kostnad", "cluster": "anstalt"},
    ),
    "cluster_not_given": (
        "ratio with cluster='anstalt': the interval needs the persons and 'kostnad' of every "
        "sex per cluster, which were not given; no interval",
        {"column": "kostnad", "cluster": "anstalt"},
    ),
}

# The English of the notes of the plan, the decompositions and the allocation as the
# modules wrote them before these notes became codes, with sample values (notes inside a
# note, and lists of values, as the modules give them).
BEFORE_TABLES: dict[str, tuple[str, dict[str, object]]] = {
    "sexes_not_both_present_no_target": (
        "women and men are not both present: no parity target",
        {},
    ),
    "sex_unknown_no_target": (
        "sex unknown: not part of any target",
        {},
    ),
    "at_or_beyond_target": (
        "at or beyond the target",
        {},
    ),
    "other_sex_disadvantaged": (
        "the other sex is the disadvantaged one here",
        {},
    ),
    "gives_up_places": (
        "gives up places to the other sex",
        {},
    ),
    "no_interval_for_needed": (
        "no interval for needed (fewer than 2 units: no interval; no men in this cell)",
        {"reason": _notes.inner([_notes.note("few_units"), _notes.note("no_men")])},
    ),
    "no_interval_for_needed_no_variance": (
        "no interval for needed (no variance)",
        {},
    ),
    "no_adjusted_target": (
        "no adjusted target: the model could not be fitted (singular matrix)",
        {"reason": _notes.inner([_notes.note("model_not_fitted", reason="singular matrix")])},
    ),
    "no_adjusted_target_not_fitted": (
        "no adjusted target: the model could not be fitted",
        {},
    ),
    "missing_factor_current_level": (
        "1,234 persons with a missing justified factor are counted at their current level",
        {"persons": 1234},
    ),
    "input_row_not_counted_in_plan": (
        "1 input row not counted in the plan (a missing count in 'n': 1)",
        {
            "rows": 1,
            "what": _notes.inner([_notes.note("missing_count_in_column", column="n", rows=1)]),
        },
    ),
    "input_rows_not_counted_in_plan": (
        "1,203 input rows not counted in the plan (a missing value in 'y': 1,200; a missing unit "
        "in 'anstalt': 3)",
        {
            "rows": 1203,
            "what": _notes.inner(
                [
                    _notes.note("missing_value_in_column", column="y", rows=1200),
                    _notes.note("missing_unit_in_column", column="anstalt", rows=3),
                ]
            ),
        },
    ),
    "missing_value_in_column": (
        "a missing value in 'ar': 12,345",
        {"column": "ar", "rows": 12345},
    ),
    "missing_count_in_column": (
        "a missing count in 'ar': 12,345",
        {"column": "ar", "rows": 12345},
    ),
    "missing_breakdown_in_column": (
        "a missing breakdown value in 'ar': 12,345",
        {"column": "ar", "rows": 12345},
    ),
    "missing_unit_in_column": (
        "a missing unit in 'ar': 12,345",
        {"column": "ar", "rows": 12345},
    ),
    "decomposition_no_women": (
        "no women in this cell: nothing to decompose",
        {},
    ),
    "decomposition_no_men": (
        "no men in this cell: nothing to decompose",
        {},
    ),
    "decomposition_no_women_no_men": (
        "no women and no men in this cell: nothing to decompose",
        {},
    ),
    "decomposition_no_data": (
        "no women and no men in the data: nothing to decompose",
        {},
    ),
    "unknown_sex_persons_left_out": (
        "1,234 persons of unknown sex left out (the decomposition compares women and men)",
        {"count": 1234},
    ),
    "unknown_sex_rows_left_out": (
        "7 rows of unknown sex left out (the decomposition compares women and men)",
        {"count": 7},
    ),
    "decomposition_factor_one_level": (
        "factor 'storlek' has one value (0.01) for everyone in this cell: it explains none of the "
        "gap, so it is left out of the regressions and its rows are 0",
        {"factor": "'storlek'", "value": "0.01"},
    ),
    "category_only_for_women": (
        "category 'd' of 'grupp' occurs only for women in this cell: the coefficients of 'grupp' "
        "are normalised over the categories both sexes have ('a', 'b' and 'c')",
        {"categories": ["'d'"], "factor": "'grupp'", "common": ["'a'", "'b'", "'c'"]},
    ),
    "categories_only_for_women": (
        "categories 'a', 'b', 'c', 'd', 'e', 'f' and 2 more of 'grupp' occur only for women "
        "in this cell: the coefficients of 'grupp' are normalised over the categories both sexes "
        "have ('x')",
        {"categories": [repr(c) for c in "abcdefgh"], "factor": "'grupp'", "common": ["'x'"]},
    ),
    "category_only_for_men": (
        "category 'd' of 'grupp' occurs only for men in this cell: the coefficients of 'grupp' "
        "are normalised over the categories both sexes have ('a', 'b' and 'c')",
        {"categories": ["'d'"], "factor": "'grupp'", "common": ["'a'", "'b'", "'c'"]},
    ),
    "categories_only_for_men": (
        "categories 'a', 'b', 'c', 'd', 'e', 'f' and 2 more of 'grupp' occur only for men in "
        "this cell: the coefficients of 'grupp' are normalised over the categories both sexes "
        "have ('x')",
        {"categories": [repr(c) for c in "abcdefgh"], "factor": "'grupp'", "common": ["'x'"]},
    ),
    "factor_values_coincide_with_sex": (
        "justified factor 'kvinnoanstalt' coincides with sex: the gap cannot be separated from it "
        "(it is 1 for every woman and 0 for every man), so the explained and unexplained parts "
        "are NaN",
        {"factor": "'kvinnoanstalt'", "women": "1", "men": "0"},
    ),
    "factor_categories_coincide_with_sex": (
        "justified factor 'anstalt_for' coincides with sex: the gap cannot be separated from it "
        "('kvinnor' occur only for women and 'män' only for men), so the explained and "
        "unexplained parts are NaN",
        {"factor": "'anstalt_for'", "women": ["'kvinnor'"], "men": ["'män'"]},
    ),
    "factor_linearly_coincides_with_sex": (
        "justified factor 'x1' coincides with sex: the gap cannot be separated from it (a linear "
        "function of it tells women from men exactly), so the explained and unexplained parts are "
        "NaN",
        {"factor": "'x1'"},
    ),
    "factors_coincide_with_sex": (
        "justified factors 'x1', 'x2' and 'x3' together coincide with sex: the gap cannot be "
        "separated from them (a combination of them tells women from men exactly), so the "
        "explained and unexplained parts are NaN",
        {"factors": ["'x1'", "'x2'", "'x3'"]},
    ),
    "parts_not_identified": (
        "not identified, so NaN: the unexplained part of 'storlek_inv' and the unexplained part "
        "of the intercept (among women, 'storlek_inv' cannot be separated from the intercept); "
        "their sum is in the unexplained total",
        {
            "parts": _notes.inner(
                [
                    _notes.note("unexplained_part_of_factor", factor="'storlek_inv'"),
                    _notes.note("unexplained_part_of_intercept"),
                ],
                "list",
            ),
            "reason": _notes.inner(
                [
                    _notes.note(
                        "inseparable_from_intercept",
                        group=_notes.inner([_notes.note("group_women")]),
                        names=["'storlek_inv'"],
                    )
                ]
            ),
        },
    ),
    "totals_not_identified": (
        "with reference='women' the explained part is not identified (category 'd' of 'grupp' "
        "does not occur among women), so the explained and unexplained parts are NaN",
        {
            "reference": "women",
            "reason": _notes.inner(
                [
                    _notes.note(
                        "category_absent_in_group",
                        categories=["'d'"],
                        factor="'grupp'",
                        group=_notes.inner([_notes.note("group_women")]),
                    )
                ]
            ),
        },
    ),
    "explained_part_of_factor": (
        "the explained part of 'alder'",
        {"factor": "'alder'"},
    ),
    "unexplained_part_of_factor": (
        "the unexplained part of 'alder'",
        {"factor": "'alder'"},
    ),
    "unexplained_part_of_intercept": (
        "the unexplained part of the intercept",
        {},
    ),
    "group_women": (
        "women",
        {},
    ),
    "group_men": (
        "men",
        {},
    ),
    "group_pooled": (
        "women and men together",
        {},
    ),
    "factor_zero_for_group": (
        "'storlek' is 0 for all women and men together",
        {"factor": "'storlek'", "group": _notes.inner([_notes.note("group_pooled")])},
    ),
    "category_absent_in_group": (
        "category 'd' of 'grupp' does not occur among men",
        {
            "categories": ["'d'"],
            "factor": "'grupp'",
            "group": _notes.inner([_notes.note("group_men")]),
        },
    ),
    "categories_absent_in_group": (
        "categories 'c' and 'd' of 'grupp' do not occur among women",
        {
            "categories": ["'c'", "'d'"],
            "factor": "'grupp'",
            "group": _notes.inner([_notes.note("group_women")]),
        },
    ),
    "inseparable_from_others": (
        "among men, 'a' cannot be separated from the others",
        {"group": _notes.inner([_notes.note("group_men")]), "names": ["'a'"]},
    ),
    "inseparable_from_each_other": (
        "among men, 'a' and 'b' cannot be separated from each other",
        {"group": _notes.inner([_notes.note("group_men")]), "names": ["'a'", "'b'"]},
    ),
    "inseparable_from_intercept": (
        "among men, 'a' cannot be separated from the intercept",
        {"group": _notes.inner([_notes.note("group_men")]), "names": ["'a'"]},
    ),
    "inseparable_from_each_other_and_intercept": (
        "among men, 'a' and 'b' cannot be separated from each other and the intercept",
        {"group": _notes.inner([_notes.note("group_men")]), "names": ["'a'", "'b'"]},
    ),
    "no_gap_shares_undefined": (
        "no gap: shares of the gap are NaN",
        {},
    ),
    "decomposition_no_sum_sq": (
        "standard errors need the summed squares of the outcome (sum_sq=), which the table does "
        "not have: se and interval are NaN",
        {},
    ),
    "no_residual_df_women": (
        "1,234 women for 3 coefficients leave no degrees of freedom for the residual variance: se "
        "and interval are NaN",
        {"persons": 1234.0, "k": 3},
    ),
    "no_residual_df_men": (
        "1,234 men for 3 coefficients leave no degrees of freedom for the residual variance: se "
        "and interval are NaN",
        {"persons": 1234.0, "k": 3},
    ),
    "decomposition_no_cluster": (
        "standard errors of a cost decomposition are computed over the units: name them with "
        "cluster= (e.g. the prison); se and interval are NaN",
        {},
    ),
    "jackknife_one_unit": (
        "one unit in this cell: no jackknife over units, se and interval are NaN",
        {},
    ),
    "jackknife_no_units": (
        "no units in this cell: no jackknife over units, se and interval are NaN",
        {},
    ),
    "jackknife_gaps_unit": (
        "leaving out unit 'Ek' makes gap (total), explained grupp not estimable (no women in this "
        "cell: nothing to decompose): their se and interval are NaN",
        {
            "units": ["'Ek'"],
            "rows": "gap (total), explained grupp",
            "reason": _notes.inner([_notes.note("decomposition_no_women")]),
        },
    ),
    "jackknife_gaps_units": (
        "leaving out units 'Ek' and 'Al' makes explained grupp not estimable (see the notes of "
        "those cells): their se and interval are NaN",
        {
            "units": ["'Ek'", "'Al'"],
            "rows": "explained grupp",
            "reason": _notes.inner([_notes.note("see_notes_of_cells")]),
        },
    ),
    "see_notes_of_cells": (
        "see the notes of those cells",
        {},
    ),
    "factors_collinear": (
        "Factors 'a' and 'b' are collinear",
        {"factors": ["'a'", "'b'"]},
    ),
    "factors_collinear_in_cell": (
        "Factors 'a' and 'b' are collinear in the cell ar=2020",
        {"factors": ["'a'", "'b'"], "cell": "ar=2020"},
    ),
    "left_out_before_decomposition": (
        "left out before the decomposition (whole table): 5 rows with a missing 'grupp' (a "
        "factor), 1 row with a missing 'enhet' (the unit column)",
        {
            "parts": _notes.inner(
                [
                    _notes.note("rows_missing_factor", rows=5, column="grupp"),
                    _notes.note("row_missing_unit", rows=1, column="enhet"),
                ],
                ", ",
            )
        },
    ),
    "row_missing_factor": (
        "1 row with a missing 'kostnad' (a factor)",
        {"rows": 1, "column": "kostnad"},
    ),
    "rows_missing_factor": (
        "2,500 rows with a missing 'kostnad' (a factor)",
        {"rows": 2500, "column": "kostnad"},
    ),
    "row_missing_unit": (
        "1 row with a missing 'kostnad' (the unit column)",
        {"rows": 1, "column": "kostnad"},
    ),
    "rows_missing_unit": (
        "2,500 rows with a missing 'kostnad' (the unit column)",
        {"rows": 2500, "column": "kostnad"},
    ),
    "row_missing_breakdown": (
        "1 row with a missing 'kostnad' (a breakdown)",
        {"rows": 1, "column": "kostnad"},
    ),
    "rows_missing_breakdown": (
        "2,500 rows with a missing 'kostnad' (a breakdown)",
        {"rows": 2500, "column": "kostnad"},
    ),
    "row_missing_count": (
        "1 row with a missing 'kostnad' (the count column)",
        {"rows": 1, "column": "kostnad"},
    ),
    "rows_missing_count": (
        "2,500 rows with a missing 'kostnad' (the count column)",
        {"rows": 2500, "column": "kostnad"},
    ),
    "row_missing_value": (
        "1 row with a missing 'kostnad' (a value column)",
        {"rows": 1, "column": "kostnad"},
    ),
    "rows_missing_value": (
        "2,500 rows with a missing 'kostnad' (a value column)",
        {"rows": 2500, "column": "kostnad"},
    ),
    "cost_object_zero_cost_no_drivers": (
        "1 cost object in costs had cost 0 and no rows in drivers (objekt='C'); nothing was "
        "allocated to it and it is left out of the tables.",
        {"where": "objekt='C'"},
    ),
    "cost_objects_zero_cost_no_drivers": (
        "2 cost objects in costs had cost 0 and no rows in drivers (objekt='C', objekt='D'); "
        "nothing was allocated to them and they are left out of the tables.",
        {"count": 2, "where": "objekt='C', objekt='D'"},
    ),
    "denominator_zero_women_no_target": (
        "the denominator sums to 0 for women: no ratio and no parity target",
        {},
    ),
    "denominator_zero_men_no_target": (
        "the denominator sums to 0 for men: no ratio and no parity target",
        {},
    ),
    "denominator_zero_both_no_target": (
        "the denominator sums to 0 for women and men: no ratio and no parity target",
        {},
    ),
    "amount_sub_ore_rounded": (
        "1 amount in column 'kostnad' of costs had fractions of an öre; they were rounded to "
        "whole öre by the largest-remainder rule, so the total is kept to the nearest öre (the "
        "largest change to one amount: 0.40 öre).",
        {"count": 1, "column": "kostnad", "table": "costs", "change": 0.4},
    ),
    "amount_sub_ore_rounded_per_cell": (
        "1 amount in column 'kostnad' of costs had fractions of an öre; they were rounded to "
        "whole öre by the largest-remainder rule, so the total of each ar is kept to the nearest "
        "öre (the largest change to one amount: 0.40 öre).",
        {"count": 1, "column": "kostnad", "table": "costs", "change": 0.4, "by": "ar"},
    ),
    "amounts_sub_ore_rounded": (
        "1,203 amounts in column 'kostnad' of overhead had fractions of an öre; they were rounded "
        "to whole öre by the largest-remainder rule, so the total is kept to the nearest öre (the "
        "largest change to one amount: 0.60 öre).",
        {"count": 1203, "column": "kostnad", "table": "overhead", "change": 0.6},
    ),
    "amounts_sub_ore_rounded_per_cell": (
        "3 amounts in column 'kostnad' of costs had fractions of an öre; they were rounded to "
        "whole öre by the largest-remainder rule, so the total of each ar, enhet is kept to the "
        "nearest öre (the largest change to one amount: 0.60 öre).",
        {"count": 3, "column": "kostnad", "table": "costs", "change": 0.6, "by": "ar, enhet"},
    ),
}

# The modules that emit notes: into the tables of analyse, the plan, the decompositions and
# the allocation.
PRODUCERS = (
    "_estimate.py",
    "_adjust.py",
    "_flags.py",
    "_analyse.py",
    "_representation.py",
    "_equalize.py",
    "_decompose.py",
    "_allocate.py",
)


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


def _literals(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_codes_are_stable_snake_case() -> None:
    for code in NOTE_CODES:
        assert CODE.fullmatch(code), code


@pytest.mark.parametrize("lang", LANGS)
def test_every_code_has_a_template_with_its_placeholders_in_each_language(lang: str) -> None:
    templates = load_texts()[lang]["notes"]
    assert set(templates) == set(NOTE_CODES)
    for code, fields in NOTE_CODES.items():
        assert _fields(templates[code]) == fields, code
    # no two codes share their words
    assert len(set(templates.values())) == len(templates)


def test_english_words_are_the_former_ones_byte_for_byte() -> None:
    assert not set(BEFORE) & set(BEFORE_TABLES)
    assert set(BEFORE) | set(BEFORE_TABLES) == set(NOTE_CODES)
    for code, (before, params) in {**BEFORE, **BEFORE_TABLES}.items():
        assert gb.note_label(code, lang="en", **params) == before, code


def test_swedish_words_of_the_newer_notes_hold_no_english_template_words() -> None:
    # words that are the same in both languages, names both use, and the values of the
    # component and factor columns by which a decomposition's note names its rows
    shared = {"cell", "man", "total", "cluster", "reference", "jackknife", "NaN", "sum_sq"}
    shared |= {"gap", "explained", "unexplained", "intercept"}
    english: set[str] = set()
    for template in load_texts()["en"]["notes"].values():
        literal = "".join(text for text, _, _, _ in string.Formatter().parse(template))
        english |= set(re.findall(r"[A-Za-z_]{3,}", literal))
    for code, (_, params) in BEFORE_TABLES.items():
        swedish = gb.note_label(code, **params)
        # values are quoted or follow "="
        words = set(re.findall(r"[A-Za-zåäöÅÄÖ_]{3,}", re.sub(r"'[^']*'|=\S+", " ", swedish)))
        assert not words & (english - shared), (code, swedish)


def test_every_code_a_producer_emits_is_listed_and_every_listed_code_is_emitted() -> None:
    emitted: set[str] = set()
    for name in PRODUCERS:
        source = (PACKAGE / name).read_text(encoding="utf-8")
        called = set(re.findall(r'\bnote\(\s*"([^"]+)"', source))
        assert called <= set(NOTE_CODES), (name, called - set(NOTE_CODES))
        emitted |= _literals(PACKAGE / name) & set(NOTE_CODES)
    assert emitted == set(NOTE_CODES)


def test_swedish_words_are_given_for_a_note() -> None:
    assert gb.note_label("no_women") == "inga kvinnor i denna cell"
    assert gb.note_label("too_few_units_for_verdict", women=1, men=4, min_units=2) == (
        "för få enheter för en bedömning: 1 för kvinnor och 4 för män, där regeln kräver minst "
        "2 för vardera (FlagRule.min_units)"
    )


def test_unknown_code_wrong_parameters_and_unknown_language_are_errors() -> None:
    with pytest.raises(ValueError, match="no_women"):
        gb.note_label("no_woman")
    with pytest.raises(ValueError, match="takes the parameters"):
        gb.note_label("missing_factor_left_out")
    with pytest.raises(ValueError, match="takes the parameters"):
        gb.note_label("no_women", rows=3)
    with pytest.raises(ValueError, match="lang"):
        gb.note_label("no_women", lang="de")  # type: ignore[arg-type]


def test_a_parameter_cannot_break_the_internal_form() -> None:
    cell = "; ".join(
        [_notes.note("factor_one_level", name="'a; \x03b'"), _notes.note("few_persons")]
    )
    assert _notes.english(cell) == (
        "factor 'a; \x03b' has one level here and is left out; fewer than 2 persons: no interval"
    )
    assert _notes.codes(cell) == "factor_one_level; few_persons"
    with pytest.raises(AssertionError, match="not a note"):
        _notes.parse("fewer than 2 persons: no interval")


def _noted_result() -> gb.Result:
    """A result with many kinds of notes in each of its three note tables."""
    rng = np.random.default_rng(3)
    rows = 400
    data = pd.DataFrame(
        {
            "kon": rng.choice(["K", "M"], rows),
            "enhet": rng.choice(["A", "B", "C"], rows),
            "grupp": rng.choice(["x", "y"], rows),
            "a": rng.integers(0, 2, rows),
            "y": rng.gamma(2.0, 100.0, rows),
            "x": rng.integers(0, 5, rows).astype(float),
        }
    )
    # cell C holds men only, and one woman in cell B
    data.loc[data["enhet"] == "C", "kon"] = "M"
    data.loc[(data["enhet"] == "B") & (data["kon"] == "K"), "enhet"] = "A"
    data.loc[0, ["enhet", "kon"]] = ["B", "K"]
    data.loc[1, "kon"] = None
    measures = [gb.count(), gb.rate("a"), gb.mean("y"), gb.ratio("y", "x"), gb.total("y")]
    return gb.analyse(data, measures, sex="kon", by="enhet", justified="grupp")


@pytest.mark.parametrize("table", ["estimates", "comparisons", "representation"])
def test_note_and_note_codes_agree_in_every_row(table: str) -> None:
    result = _noted_result()
    frame = getattr(result, table)
    assert (frame["note_codes"] != "").any()
    english = result.notes(table, lang="en")  # type: ignore[arg-type]
    swedish = result.notes(table, lang="sv")  # type: ignore[arg-type]
    pd.testing.assert_series_equal(english, frame["note"], check_names=False)
    for note, codes, sv in zip(frame["note"], frame["note_codes"], swedish, strict=True):
        listed = codes.split("; ") if codes else []
        assert all(code in NOTE_CODES for code in listed)
        assert (note == "") == (codes == "") == (sv == "")
        # each code's words, in order, make up the note
        position = 0
        for code in listed:
            template = load_texts()["en"]["notes"][code]
            head = template.split("{")[0]
            found = note.find(head, position)
            assert found >= position, (code, note)
            position = found + len(head)


def test_result_notes_in_swedish_and_its_errors() -> None:
    data = pd.DataFrame({"kon": ["K", "M", "M", "M"], "y": [10.0, 20.0, 30.0, 25.0]})
    result = gb.analyse(data, gb.mean("y"), sex="kon")
    assert result.notes("estimates").tolist() == ["färre än 2 personer: inget intervall", ""]
    assert result.notes("estimates", lang="en").tolist() == list(result.estimates["note"])
    with pytest.raises(ValueError, match="table"):
        result.notes("exclusions")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lang"):
        result.notes(lang="de")  # type: ignore[arg-type]
    bare = gb.Result(
        result.estimates,
        result.comparisons,
        result.exclusions,
        result.accounting,
        result.resource_access,
        result.rows_in,
        result.settings,
    )
    with pytest.raises(ValueError, match="keeps no notes"):
        bare.notes()


def test_swedish_notes_write_decimals_with_a_comma() -> None:
    note = _notes.Note(
        "amounts_sub_ore_rounded",
        {"count": 1234, "column": "kostnad", "table": "costs", "change": 0.4},
    )
    assert "0,40 öre" in note.text("sv") and "0.40" not in note.text("sv")
    assert "0.40 öre" in note.text("en")
    persons = _notes.Note("amounts_sub_ore_rounded", {**note.params, "change": 12345.678})
    assert "12\u202f345,68 öre" in persons.text("sv")
