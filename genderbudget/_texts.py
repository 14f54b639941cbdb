"""The language file ``texts.json``: loading, validation and label lookup.

Every word the library shows lives in ``texts.json`` next to this module, one section per
language (``sv``, ``en``). This module loads the file once, checks that every language has
every template and word the code asks for (and nothing else), and looks labels up:
:func:`flag_label` for the flags of a comparison and :func:`method_label` for the method
codes of the output tables. The note codes (:data:`NOTE_CODES`) are worded by
``genderbudget._notes``; their templates, ``notes/<code>``, must use every placeholder of the
code.

Each sentence is written once. A verdict template, ``verdict/<flag>/<variant>``, is either
one string, used for every direction of the measure, or an object keyed by direction. In an
object a direction takes its own key when there is one, else the key of its group
(``better_or_worse`` for ``higher_is_better`` and ``lower_is_better``: the measures where a
gap is to someone's disadvantage), else ``default``. The validator rejects an object in
which some direction finds no template, a key that is neither a direction, a group nor
``default``, a key no direction reaches, a key whose template is the one it would fall back
to, and an object that gives every direction the same template (write it as one string).
:func:`load_texts` returns the file with this fallback resolved, every template under
``verdict/<flag>/<direction>/<variant>``.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal, get_args

from genderbudget._measures import DIRECTIONS
from genderbudget._options import check_choice, quoted

__all__ = ["flag_label", "method_label"]

Lang = Literal["sv", "en"]
LANGS: tuple[str, ...] = get_args(Lang)
SEXES: tuple[str, ...] = ("women", "men")
Persons = Literal["adults", "children"]
PERSONS: tuple[str, ...] = get_args(Persons)
# Words for the sexes in every template: "Kvinnor ... än män" or "Flickor ... än pojkar".
PERSON_FIELDS = frozenset({"women_plural", "women_capitalised", "men_plural", "men_capitalised"})
# The flags of ``genderbudget._flags``; a test keeps the two lists equal.
FLAGS: tuple[str, ...] = (
    "unexplained_gap",
    "explained_gap",
    "no_gap",
    "insufficient_data",
    "not_assessed",
)
SHAPES: tuple[str, ...] = ("rate", "amount", "count")
CHANGES: tuple[str, ...] = ("higher", "lower", "equal", "unknown")
# The cases each flag's verdict distinguishes; every one needs a template per direction.
VARIANTS: dict[str, tuple[str, ...]] = {
    "unexplained_gap": ("factors", "factors_reversed", "no_factors"),
    "explained_gap": ("factors",),
    "no_gap": ("default", "not_supported", "not_material"),
    "insufficient_data": ("too_few", "too_few_units", "no_test", "no_adjustment"),
    "not_assessed": ("default",),
}
# Groups of directions a verdict template may be written for once (see the module notes).
DIRECTION_GROUPS: dict[str, tuple[str, ...]] = {
    "better_or_worse": ("higher_is_better", "lower_is_better"),
}
DEFAULT = "default"
# Names of the multiple-testing corrections, as ``p_adjust_method`` gives them.
P_ADJUST_METHODS: tuple[str, ...] = ("holm", "bonferroni", "fdr_bh")

# The codes the method columns of the output tables hold, each with a label in every
# language under ``methods/<code>``. A test checks that every code a table can produce is
# listed here.
METHOD_CODES: tuple[str, ...] = (
    # no method: a figure recorded in full, a test not possible, no correction
    "none",
    # intervals of one sex's estimate (estimates.ci_method) and of shares
    # (representation.ci_method)
    "wilson",
    "t",
    "delta_t_units",
    "delta_t_persons",
    "cr2_bm",
    # intervals of the difference and the ratio (comparisons.ci_method)
    "newcombe_katz",
    "welch_t_delta_log",
    "delta_welch_t_delta_log",
    "cr2_bm_delta_log",
    # tests (comparisons.test_method)
    "two_proportion_z_pooled",
    "fisher_exact",
    "welch_t",
    "welch_t_delta",
    # multiple-testing corrections (comparisons.p_adjust_method)
    "holm",
    "bonferroni",
    "fdr_bh",
    # adjusted gaps (comparisons.adjustment_method)
    "logistic_standardised_delta",
    "ols_hc2_bm",
    "wls_ratio_hc1_units",
    "lpm_cr2_bm",
    "ols_cr2_bm",
    "wls_ratio_cr2_bm",
    "mantel_haenszel",
    "mantel_haenszel_corrected",
    "none_no_factors",
    "none_raw_comparison",
    # parts of a decomposition (oaxaca and decompose_cost, ci_method)
    "delta_jann_normal",
    "jackknife_units_t",
    # places needed to close a gap (equalize, method)
    "other_rate_newcombe",
    "adjusted_rate_logistic_delta",
    "given_rate_wilson",
    "pooled_rate_newcombe",
    "other_ratio_t",
    "given_ratio_t",
    "pooled_ratio_t",
    # the gap followed up (follow_up, gap_basis)
    "difference",
    "adjusted",
)

# The codes the note columns of the output tables hold (``genderbudget._notes``), each with
# the placeholders of its template under ``notes/<code>`` in every language, by the module
# that emits it. Some only appear inside another note, as its reasons or the things it lists
# (``group_women``, ``explained_part_of_factor``, ``missing_value_in_column``, ...). A test
# checks that every code a table can produce is listed here.
NOTE_CODES: dict[str, frozenset[str]] = {
    # per-sex estimates and comparisons (_estimate)
    "no_persons": frozenset(),
    "few_persons": frozenset(),
    "few_units": frozenset(),
    "no_sum_sq": frozenset(),
    "zero_denominator": frozenset(),
    "recorded_in_full": frozenset(),
    "no_women": frozenset(),
    "no_men": frozenset(),
    "ratio_undefined": frozenset(),
    "ratio_interval_undefined": frozenset(),
    "no_variation": frozenset(),
    "unit_zero_denominator_left_out": frozenset({"count"}),
    "units_zero_denominator_left_out": frozenset({"count"}),
    # adjusted gaps (_adjust, _analyse)
    "not_applicable_counts_totals": frozenset(),
    "sexes_not_both_present": frozenset(),
    "factor_coincides_with_sex": frozenset({"names"}),
    "factor_one_level": frozenset({"name"}),
    "no_factor_varies": frozenset({"names"}),
    "factor_collinear": frozenset({"names"}),
    "degenerate_levels_set_aside": frozenset({"rows"}),
    "model_not_fitted": frozenset({"reason"}),
    "model_no_convergence": frozenset(),
    "firth_penalty": frozenset(),
    "no_stratum_with_both_sexes": frozenset(),
    "few_units_of_one_sex": frozenset(),
    "lone_unit": frozenset(),
    "missing_factor_left_out": frozenset({"rows"}),
    # the verdict (_flags)
    "too_few_units_for_verdict": frozenset({"women", "men", "min_units"}),
    # representation (_representation)
    "no_persons_no_shares": frozenset(),
    "no_persons_of_this_sex": frozenset(),
    "all_persons_of_this_sex": frozenset(),
    "few_persons_in_cell": frozenset(),
    "few_clusters_in_cell": frozenset(),
    "zero_resource": frozenset(),
    "aggregated_no_sum_sq": frozenset({"column"}),
    "aggregated_total": frozenset({"column"}),
    "aggregated_ratio": frozenset({"column"}),
    "aggregated_cluster": frozenset({"column", "cluster"}),
    "cluster_not_given": frozenset({"column", "cluster"}),
    # plans (_equalize)
    "sexes_not_both_present_no_target": frozenset(),
    "sex_unknown_no_target": frozenset(),
    "denominator_zero_women_no_target": frozenset(),
    "denominator_zero_men_no_target": frozenset(),
    "denominator_zero_both_no_target": frozenset(),
    "at_or_beyond_target": frozenset(),
    "other_sex_disadvantaged": frozenset(),
    "gives_up_places": frozenset(),
    "no_interval_for_needed": frozenset({"reason"}),
    "no_interval_for_needed_no_variance": frozenset(),
    "no_adjusted_target": frozenset({"reason"}),
    "no_adjusted_target_not_fitted": frozenset(),
    "missing_factor_current_level": frozenset({"persons"}),
    "input_row_not_counted_in_plan": frozenset({"rows", "what"}),
    "input_rows_not_counted_in_plan": frozenset({"rows", "what"}),
    "missing_value_in_column": frozenset({"column", "rows"}),
    "missing_count_in_column": frozenset({"column", "rows"}),
    "missing_breakdown_in_column": frozenset({"column", "rows"}),
    "missing_unit_in_column": frozenset({"column", "rows"}),
    # decompositions (_decompose)
    "decomposition_no_women": frozenset(),
    "decomposition_no_men": frozenset(),
    "decomposition_no_women_no_men": frozenset(),
    "decomposition_no_data": frozenset(),
    "unknown_sex_persons_left_out": frozenset({"count"}),
    "unknown_sex_rows_left_out": frozenset({"count"}),
    "decomposition_factor_one_level": frozenset({"factor", "value"}),
    "category_only_for_women": frozenset({"categories", "factor", "common"}),
    "categories_only_for_women": frozenset({"categories", "factor", "common"}),
    "category_only_for_men": frozenset({"categories", "factor", "common"}),
    "categories_only_for_men": frozenset({"categories", "factor", "common"}),
    "factor_values_coincide_with_sex": frozenset({"factor", "women", "men"}),
    "factor_categories_coincide_with_sex": frozenset({"factor", "women", "men"}),
    "factor_linearly_coincides_with_sex": frozenset({"factor"}),
    "factors_coincide_with_sex": frozenset({"factors"}),
    "parts_not_identified": frozenset({"parts", "reason"}),
    "totals_not_identified": frozenset({"reference", "reason"}),
    "explained_part_of_factor": frozenset({"factor"}),
    "unexplained_part_of_factor": frozenset({"factor"}),
    "unexplained_part_of_intercept": frozenset(),
    "group_women": frozenset(),
    "group_men": frozenset(),
    "group_pooled": frozenset(),
    "factor_zero_for_group": frozenset({"factor", "group"}),
    "category_absent_in_group": frozenset({"categories", "factor", "group"}),
    "categories_absent_in_group": frozenset({"categories", "factor", "group"}),
    "inseparable_from_others": frozenset({"group", "names"}),
    "inseparable_from_each_other": frozenset({"group", "names"}),
    "inseparable_from_intercept": frozenset({"group", "names"}),
    "inseparable_from_each_other_and_intercept": frozenset({"group", "names"}),
    "no_gap_shares_undefined": frozenset(),
    "decomposition_no_sum_sq": frozenset(),
    "no_residual_df_women": frozenset({"persons", "k"}),
    "no_residual_df_men": frozenset({"persons", "k"}),
    "decomposition_no_cluster": frozenset(),
    "jackknife_one_unit": frozenset(),
    "jackknife_no_units": frozenset(),
    "jackknife_gaps_unit": frozenset({"units", "rows", "reason"}),
    "jackknife_gaps_units": frozenset({"units", "rows", "reason"}),
    "see_notes_of_cells": frozenset(),
    "factors_collinear": frozenset({"factors"}),
    "factors_collinear_in_cell": frozenset({"factors", "cell"}),
    "left_out_before_decomposition": frozenset({"parts"}),
    "row_missing_factor": frozenset({"rows", "column"}),
    "rows_missing_factor": frozenset({"rows", "column"}),
    "row_missing_unit": frozenset({"rows", "column"}),
    "rows_missing_unit": frozenset({"rows", "column"}),
    "row_missing_breakdown": frozenset({"rows", "column"}),
    "rows_missing_breakdown": frozenset({"rows", "column"}),
    "row_missing_count": frozenset({"rows", "column"}),
    "rows_missing_count": frozenset({"rows", "column"}),
    "row_missing_value": frozenset({"rows", "column"}),
    "rows_missing_value": frozenset({"rows", "column"}),
    # allocations (_allocate)
    "amount_sub_ore_rounded": frozenset({"count", "column", "table", "change"}),
    "amount_sub_ore_rounded_per_cell": frozenset({"count", "column", "table", "change", "by"}),
    "amounts_sub_ore_rounded": frozenset({"count", "column", "table", "change"}),
    "amounts_sub_ore_rounded_per_cell": frozenset({"count", "column", "table", "change", "by"}),
    "cost_object_zero_cost_no_drivers": frozenset({"where"}),
    "cost_objects_zero_cost_no_drivers": frozenset({"count", "where"}),
}

# The words of the display tables (``genderbudget._table``) under ``table/<word>``: column
# headers, row words, source notes; each with the placeholders its template takes.
TABLE_WORDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        (
            "amount",
            "amount_rounded",
            "base",
            "change",
            "ci_plain",
            "cost",
            "cost_object",
            "currency",
            "current",
            "current_rate",
            "distance",
            "driver",
            "estimate",
            "first_met",
            "flag",
            "gap_basis",
            "measure",
            "met",
            "method",
            "n",
            "needed",
            "new_rate",
            "no",
            "note",
            "p_adjusted",
            "p_value",
            "per_capita",
            "persons",
            "persons_share",
            "resource",
            "resource_share",
            "sex",
            "share",
            "share_difference",
            "spread",
            "suppressed",
            "synthetic",
            "target",
            "target_rate",
            "total",
            "trend_per_year",
            "unit_cost",
            "units",
            "unknown",
            "unknown_sex",
            "yes",
        ),
        frozenset(),
    ),
    "adjusted_difference": frozenset({"women", "men"}),
    "ci": frozenset({"confidence"}),
    "ci_corrected": frozenset({"method"}),
    "corrected_note": frozenset({"method", "alpha"}),
    "difference": frozenset({"women", "men"}),
    "ratio": frozenset({"women", "men"}),
    "share_of": frozenset({"sex"}),
    "source": frozenset({"source"}),
    "source_synthetic": frozenset({"source"}),
}

# The words of the report files (``genderbudget._report``) under ``report/...``: column
# headers and sheet names of the workbook and the CSV files, the provenance items, the
# headings of the HTML report; each with the placeholders its template takes.
REPORT_TEXTS: dict[tuple[str, ...], frozenset[str]] = {
    **{
        ("columns", word): frozenset()
        for word in (
            "adjusted_difference",
            "amount",
            "amount_rounded",
            "ci_high",
            "ci_low",
            "column",
            "cost_object",
            "corrected_ci_high",
            "corrected_ci_low",
            "difference",
            "driver",
            "estimate",
            "explanation",
            "flag",
            "item",
            "measure",
            "men",
            "men_share",
            "n",
            "n_men",
            "n_women",
            "note",
            "p_adjusted",
            "p_value",
            "per_capita",
            "ratio",
            "reason",
            "rows",
            "sex",
            "share",
            "spread",
            "units",
            "unknown_share",
            "value",
            "women",
            "women_share",
        )
    },
    **{
        ("sheets", word): frozenset()
        for word in (
            "allocation",
            "comparisons",
            "estimates",
            "exclusions",
            "provenance",
            "sensitivity",
        )
    },
    **{
        ("provenance", word): frozenset()
        for word in (
            "created",
            "data",
            "fingerprint",
            "fingerprint_basis",
            "rows_in",
            "source",
            "suppression",
            "suppression_none",
            "suppression_not_applicable",
            "synthetic",
            "title",
            "version",
        )
    },
    ("provenance", "suppression_applied"): frozenset({"min_n"}),
    ("html", "chart_left_out"): frozenset({"measure"}),
    **{("html", word): frozenset() for word in ("charts", "tables", "title", "verdicts")},
}

DIFFERENCE_FIELDS = frozenset(
    {
        "label",
        "label_capitalised",
        "share_label",
        "measure_phrase",
        "difference",
        "ci",
        "ci_clause",
        "women",
        "men",
    }
    | PERSON_FIELDS
)
VERDICT_FIELDS = frozenset(
    {
        "label",
        "label_capitalised",
        "share_label",
        "measure_phrase",
        "factors",
        "factors_considered",
        "adjusted_difference",
        "adjusted_ci_clause",
        "disadvantaged",
        "disadvantaged_genitive",
        "n_women",
        "n_men",
        "min_n",
        "units_women",
        "units_men",
        "min_units",
        "p_clause",
        "alpha",
    }
    | PERSON_FIELDS
)
TOGETHER_FIELDS = frozenset(
    {
        "sex",
        "sex_capitalised",
        "resource_label",
        "access_label",
        "resource_own",
        "resource_other",
        "access_own",
        "access_other",
    }
)

# The words of the charts (``genderbudget._plot``), under ``charts/...``, with the
# placeholders each template may use.
CHART_TEXTS: dict[tuple[str, ...], frozenset[str]] = {
    ("axis", "allocated"): frozenset(),
    ("axis", "difference"): frozenset({"women_plural", "men_plural"}),
    ("axis", "share"): frozenset(),
    ("axis", "with_unit"): frozenset({"label", "unit"}),
    ("axis", "year"): frozenset(),
    ("caption", "interval"): frozenset({"confidence"}),
    ("caption", "interval_corrected"): frozenset({"tests"}),
    ("caption", "medians"): frozenset(),
    ("caption", "source"): frozenset({"source"}),
    ("caption", "synthetic"): frozenset(),
    ("cells",): frozenset({"cells"}),
    ("comparative", "higher"): frozenset(),
    ("comparative", "lower"): frozenset(),
    ("component", "explained"): frozenset(),
    ("component", "gap"): frozenset(),
    ("component", "intercept"): frozenset(),
    ("component", "unexplained"): frozenset(),
    ("legend", "adjusted"): frozenset(),
    ("legend", "median"): frozenset(),
    ("legend", "persons_share"): frozenset(),
    ("legend", "raw"): frozenset(),
    ("legend", "resource_share"): frozenset(),
    ("legend", "target"): frozenset(),
    ("legend", "tolerance"): frozenset(),
    ("millions",): frozenset({"unit"}),
    ("points",): frozenset(),
    ("title", "allocation"): frozenset({"women_genitive", "range", "cells"}),
    ("title", "decomposition"): frozenset({"explained", "noun", "cells"}),
    ("title", "decomposition_none"): frozenset({"noun", "cells"}),
    ("title", "decomposition_opposite"): frozenset({"noun", "cells"}),
    ("title", "direction"): frozenset(
        {"women_capitalised", "men_plural", "comparative", "noun", "cells", "flag"}
    ),
    ("title", "direction_plain"): frozenset(
        {"women_capitalised", "men_plural", "comparative", "noun", "cells"}
    ),
    ("title", "flag"): frozenset({"noun", "flag", "cells"}),
    ("title", "follow_up_met"): frozenset({"noun", "year"}),
    ("title", "follow_up_not_met"): frozenset({"noun", "year"}),
    ("title", "quadrant"): frozenset(
        {
            "women_capitalised",
            "men_plural",
            "resource_comparative",
            "resource_noun",
            "access_comparative",
            "access_noun",
        }
    ),
    ("title", "representation"): frozenset({"women_capitalised", "persons", "resource", "cells"}),
    ("unknown",): frozenset(),
}

# The report of read_table (``genderbudget._read``): ``read/<path>``.
READ_TEXTS: dict[tuple[str, ...], frozenset[str]] = {
    ("summary",): frozenset({"source", "kind", "rows", "columns"}),
    ("settings",): frozenset({"items"}),
    ("converted",): frozenset({"columns"}),
    ("blanks",): frozenset({"columns"}),
    ("kept_as_text",): frozenset({"columns"}),
    ("skipped_rows",): frozenset({"count"}),
    ("skipped_columns",): frozenset({"count"}),
    **{
        (setting,): frozenset({"value"})
        for setting in ("encoding", "sep", "decimal", "thousands", "sheet", "header_row")
    },
    **{("kinds", kind): frozenset() for kind in ("csv", "excel", "parquet", "duckdb")},
    **{("chars", char): frozenset() for char in ("space", "nbsp", "nnbsp", "tab")},
    ("and",): frozenset(),
    ("utf_8_sig",): frozenset(),
}

TEXTS_PROBLEM = "texts.json is not valid: {problems}."


def _schema() -> dict[tuple[str, ...], frozenset[str] | None]:
    """Every path each language must have, with the placeholders its template may use.

    ``None`` marks a list of strings (the rate-label prefixes); an empty set a plain word.
    The verdict templates are checked apart (:func:`_verdicts`), as they may fall back.
    """
    plain: frozenset[str] = frozenset()
    schema: dict[tuple[str, ...], frozenset[str] | None] = {("rate_prefixes",): None}
    for shape in SHAPES:
        for change in CHANGES:
            schema["difference", shape, change] = DIFFERENCE_FIELDS
        schema["phrase", shape] = frozenset({"label", "share_label"})
        schema["noun", shape] = frozenset({"label", "share_label"})
    for flag in VARIANTS:
        schema["flags", flag] = plain
    for persons in PERSONS:
        for sex in SEXES:
            for form in ("plural", "capitalised", "genitive"):
                schema["persons", persons, sex, form] = plain
    for number in ("one", "many"):
        schema["grammar", "factors_considered", number] = plain
    for word in ("separator", "last"):
        schema["list", word] = plain
    schema["list", "more"] = frozenset({"count"})
    for word in ("decimal", "thousands", "minus", "missing"):
        schema["numbers", word] = plain
    for name in ("percent", "points", "points_short"):
        schema["numbers", name] = frozenset({"value"})
    schema["numbers", "unit"] = frozenset({"value", "unit"})
    schema["numbers", "range"] = frozenset({"low", "high"})
    schema["numbers", "range_signed"] = frozenset({"low", "high"})
    schema["numbers", "ci"] = frozenset({"confidence", "range"})
    schema["numbers", "ci_corrected"] = frozenset({"confidence", "range", "tests"})
    schema["numbers", "ci_clause"] = frozenset({"ci"})
    schema["numbers", "ci_parenthesised"] = frozenset({"ci"})
    schema["numbers", "p_adjusted"] = frozenset({"p", "method"})
    schema["numbers", "p_plain"] = frozenset({"p"})
    for method in P_ADJUST_METHODS:
        schema["p_adjust_methods", method] = plain
    for code in METHOD_CODES:
        schema["methods", code] = plain
    for code, fields in NOTE_CODES.items():
        schema["notes", code] = fields
    for word, fields in TABLE_WORDS.items():
        schema["table", word] = fields
    schema["together",] = TOGETHER_FIELDS
    schema["sensitivity", "e_value"] = frozenset({"e_value", "e_value_ci"})
    schema["sensitivity", "detectable_small"] = frozenset({"detectable"})
    schema["sensitivity", "detectable_large"] = frozenset({"detectable"})
    for path, fields in CHART_TEXTS.items():
        schema[("charts", *path)] = fields
    for path, fields in REPORT_TEXTS.items():
        schema[("report", *path)] = fields
    for path, fields in READ_TEXTS.items():
        schema[("read", *path)] = fields
    return schema


def _leaves(node: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    if isinstance(node, dict):
        out: dict[tuple[str, ...], Any] = {}
        for key, value in node.items():
            out.update(_leaves(value, (*path, key)))
        return out
    return {path: node}


def _fallbacks(direction: str) -> tuple[str, ...]:
    """Keys a direction's verdict template is looked up under, in order."""
    groups = tuple(group for group, members in DIRECTION_GROUPS.items() if direction in members)
    return (direction, *groups, DEFAULT)


def _check_template(value: Any, allowed: frozenset[str] | None, where: str) -> list[str]:
    """Problems of one leaf: its type, its braces and its placeholders."""
    if allowed is None:
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return [f"{where}: not a list of strings"]
        return []
    if not isinstance(value, str):
        return [f"{where}: not a string"]
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
    except ValueError as error:
        return [f"{where}: {error}"]
    if names - allowed:
        return [
            f"{where}: unknown placeholders {sorted(names - allowed)} (allowed: {sorted(allowed)})"
        ]
    return []


def _check_every_field(value: Any, fields: frozenset[str] | None, where: str) -> list[str]:
    """Problems of a note template that leaves out a placeholder its code is given."""
    if not isinstance(value, str) or fields is None:
        return []
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
    except ValueError:
        return []
    if fields - names:
        return [f"{where}: placeholders {sorted(fields - names)} not used"]
    return []


def _verdict(node: Any, where: str) -> tuple[dict[str, str], list[str]]:
    """Resolve one ``verdict/<flag>/<variant>`` node to a template per direction."""
    problems: list[str] = []
    if not isinstance(node, dict):
        problems = _check_template(node, VERDICT_FIELDS, where)
        return ({} if problems else dict.fromkeys(DIRECTIONS, node)), problems
    known = (*DIRECTIONS, *DIRECTION_GROUPS, DEFAULT)
    for key in sorted(set(node) - set(known)):
        problems.append(f"{where}/{key}: unknown key (allowed: {quoted(known)})")
    for key in sorted(set(node) & set(known)):
        problems += _check_template(node[key], VERDICT_FIELDS, f"{where}/{key}")
    resolved: dict[str, str] = {}
    used: set[str] = set()
    for direction in DIRECTIONS:
        found = next((key for key in _fallbacks(direction) if key in node), None)
        if found is None:
            options = quoted(_fallbacks(direction))
            problems.append(f"{where}/{direction}: missing (no template under {options})")
        else:
            used.add(found)
            resolved[direction] = node[found]
    for key in sorted(set(node) & set(known) - used):
        problems.append(f"{where}/{key}: never used, every direction has its own template")
    for key in sorted(set(node) & used - {DEFAULT}):
        chain = _fallbacks(key) if key in DIRECTIONS else (key, DEFAULT)
        below = next((k for k in chain[1:] if k in node), None)
        if below is not None and node[key] == node[below]:
            problems.append(f"{where}/{key}: the same as {below!r}, which it falls back to")
    if len(resolved) == len(DIRECTIONS) and len(set(map(str, resolved.values()))) == 1:
        problems.append(f"{where}: the same for every direction, write it as one string")
    return resolved, problems


def _verdicts(node: Any, lang: str) -> tuple[dict[str, Any], list[str]]:
    """Check the verdict section and return it as ``{flag: {direction: {variant: ...}}}``."""
    if not isinstance(node, dict):
        return {}, [f"{lang}/verdict: missing"]
    problems = [f"{lang}/verdict/{flag}: unknown key" for flag in sorted(set(node) - set(VARIANTS))]
    out: dict[str, Any] = {}
    for flag, variants in VARIANTS.items():
        out[flag] = {direction: {} for direction in DIRECTIONS}
        given = node.get(flag, {})
        if not isinstance(given, dict):
            problems.append(f"{lang}/verdict/{flag}: not an object")
            continue
        for variant in sorted(set(given) - set(variants)):
            problems.append(f"{lang}/verdict/{flag}/{variant}: unknown key")
        for variant in variants:
            where = f"{lang}/verdict/{flag}/{variant}"
            if variant not in given:
                problems.append(f"{where}: missing")
                continue
            resolved, found = _verdict(given[variant], where)
            problems += found
            for direction, template in resolved.items():
                out[flag][direction][variant] = template
    return out, problems


def validate_texts(texts: Mapping[str, Any]) -> dict[str, Any]:
    """Check the content of ``texts.json`` and return it with the fallback resolved.

    Parameters
    ----------
    texts : mapping
        The parsed content of ``texts.json``.

    Returns
    -------
    dict
        The same texts, each verdict template under ``verdict/<flag>/<direction>/<variant>``
        (see the module notes for the fallback rule).

    Raises
    ------
    ValueError
        Listing every problem with its path: a missing language, template or word, a key
        that is not known, a value of the wrong type, a template with unbalanced braces or
        a placeholder it cannot be given, a note template that leaves out a placeholder of
        its code, a verdict template written twice.
    """
    if not isinstance(texts, Mapping) or sorted(texts) != sorted(LANGS):
        found = sorted(texts) if isinstance(texts, Mapping) else type(texts).__name__
        raise ValueError(
            TEXTS_PROBLEM.format(problems=f"/: languages {found}, expected {sorted(LANGS)}")
        )
    schema = _schema()
    problems: list[str] = []
    resolved: dict[str, Any] = {}
    for lang in LANGS:
        section = {k: v for k, v in texts[lang].items() if k != "verdict"}
        leaves = _leaves(section)
        problems += [f"{'/'.join((lang, *p))}: missing" for p in sorted(set(schema) - set(leaves))]
        problems += [
            f"{'/'.join((lang, *p))}: unknown key" for p in sorted(set(leaves) - set(schema))
        ]
        for path in sorted(set(schema) & set(leaves)):
            problems += _check_template(leaves[path], schema[path], "/".join((lang, *path)))
            if path[0] == "notes":
                problems += _check_every_field(leaves[path], schema[path], "/".join((lang, *path)))
        verdicts, found = _verdicts(texts[lang].get("verdict"), lang)
        problems += found
        resolved[lang] = {**section, "verdict": verdicts}
    if problems:
        raise ValueError(TEXTS_PROBLEM.format(problems="; ".join(problems)))
    return resolved


@cache
def load_texts() -> dict[str, Any]:
    """Load and validate ``texts.json`` once (from the installed package), fallback resolved."""
    raw = resources.files("genderbudget").joinpath("texts.json").read_text(encoding="utf-8")
    return validate_texts(json.loads(raw))


def language(lang: Any) -> dict[str, Any]:
    """Return the texts of one language; an unknown ``lang`` is an error listing the allowed."""
    texts: dict[str, Any] = load_texts()[check_choice(lang, "lang", LANGS)]
    return texts


def flag_label(flag: str, *, lang: Lang = "sv") -> str:
    """Name of a flag in plain words.

    Parameters
    ----------
    flag : str
        One of ``unexplained_gap``, ``explained_gap``, ``no_gap``, ``insufficient_data``,
        ``not_assessed``.
    lang : {"sv", "en"}, default "sv"
        Language.

    Returns
    -------
    str
        The name, in lower case, for tables and legends.

    Raises
    ------
    ValueError
        Unknown flag or language.

    Examples
    --------
    >>> flag_label("explained_gap")
    'skillnad som förklaras av sakliga faktorer'
    >>> flag_label("unexplained_gap", lang="en")
    'difference that may be unjustified'
    """
    texts = language(lang)
    name: str = texts["flags"][check_choice(flag, "flag", FLAGS)]
    return name


def method_label(code: str, *, lang: Lang = "sv") -> str:
    """Name of a method code in plain words, for tables and footnotes.

    The method columns of the output tables hold short stable codes: ``ci_method`` and
    ``test_method``, ``p_adjust_method`` and ``adjustment_method`` of
    :func:`genderbudget.analyse`'s tables, ``ci_method`` of :func:`genderbudget.oaxaca` and
    :func:`genderbudget.decompose_cost`, ``method`` of :func:`genderbudget.equalize` and
    ``gap_basis`` of :func:`genderbudget.follow_up`. This gives the words for one of them.

    Parameters
    ----------
    code : str
        A method code, e.g. ``"wilson"``, ``"two_proportion_z_pooled"`` or
        ``"logistic_standardised_delta"``.
    lang : {"sv", "en"}, default "sv"
        Language.

    Returns
    -------
    str
        The label, starting in lower case unless it starts with a name.

    Raises
    ------
    ValueError
        Unknown code (the message lists the known ones) or language.

    Notes
    -----
    The codes, by the column that holds them:

    - ``estimates.ci_method``: ``none`` (a count or total recorded in full), ``wilson``
      (rate), ``t`` (mean), ``delta_t_units`` (ratio), ``cr2_bm`` (clustered).
    - ``comparisons.ci_method`` (difference, then ratio): ``none``, ``newcombe_katz``,
      ``welch_t_delta_log``, ``delta_welch_t_delta_log``, ``cr2_bm_delta_log``.
    - ``comparisons.test_method``: ``two_proportion_z_pooled``, ``fisher_exact`` (an
      expected count below 5), ``welch_t``, ``welch_t_delta``, ``cr2_bm``, ``none``.
    - ``comparisons.p_adjust_method``: ``holm``, ``bonferroni``, ``fdr_bh``, ``none``.
    - ``comparisons.adjustment_method``: ``logistic_standardised_delta``, ``ols_hc2_bm``,
      ``wls_ratio_hc1_units``, ``lpm_cr2_bm``, ``ols_cr2_bm``, ``wls_ratio_cr2_bm``,
      ``mantel_haenszel``, ``mantel_haenszel_corrected``, ``none_no_factors``,
      ``none_raw_comparison`` (no justified factor varies in the cell).
    - ``representation.ci_method``: ``delta_t_persons``, ``delta_t_units`` (clustered),
      ``none``.
    - ``ci_method`` of :func:`genderbudget.oaxaca`: ``delta_jann_normal``; of
      :func:`genderbudget.decompose_cost`: ``jackknife_units_t``.
    - ``method`` of :func:`genderbudget.equalize`: ``other_rate_newcombe``,
      ``adjusted_rate_logistic_delta``, ``given_rate_wilson``, ``pooled_rate_newcombe``,
      ``other_ratio_t``, ``given_ratio_t``, ``pooled_ratio_t``.
    - ``gap_basis`` of :func:`genderbudget.follow_up`: ``difference``, ``adjusted``.

    Examples
    --------
    >>> import genderbudget as gb
    >>> gb.method_label("wilson")
    'Wilsons intervall'
    >>> gb.method_label("two_proportion_z_pooled", lang="en")
    'two-proportion z-test (pooled)'
    >>> result = gb.analyse(gb.datasets.load_kriminalvarden(), [gb.rate("arbetsdrift")],
    ...                     sex="kon", by="ar")
    >>> result.comparisons["test_method"].map(gb.method_label).iloc[0]
    'z-test för två andelar (poolad)'
    """
    texts = language(lang)
    name: str = texts["methods"][check_choice(code, "code", METHOD_CODES)]
    return name
