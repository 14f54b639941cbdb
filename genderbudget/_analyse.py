"""``analyse``: per-sex estimates and women-vs-men comparisons in one call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from genderbudget._adjust import ADJUSTED_COLUMNS, ADJUSTED_INTERNAL, adjust_measures
from genderbudget._cells import CellStats, collect_cells
from genderbudget._columns import Columns, column, flags, objects
from genderbudget._estimate import (
    adjust_p,
    cluster_inference,
    compared,
    comparison_columns,
    estimate_columns,
    estimated,
)
from genderbudget._flags import FlagRule, assign_flags, resource_access
from genderbudget._measures import Measure
from genderbudget._multiplicity import corrected_intervals
from genderbudget._notes import as_texts, finish, note
from genderbudget._options import (
    check_choice,
    check_column,
    check_columns,
    check_confidence,
    check_roles,
    masked,
)
from genderbudget._representation import representation
from genderbudget._reserved import check_breakdowns, check_factors
from genderbudget._result import Result, Settings
from genderbudget._sensitivity import verdict_sensitivity
from genderbudget._sex import SEX_CATEGORIES
from genderbudget._sums import by_measure, positions

__all__ = ["ACCOUNTING_COLUMNS", "analyse"]

ACCOUNTING_COLUMNS: tuple[str, ...] = ("measure", "rows_in", "rows_used", "rows_excluded")
"""The columns of :attr:`Result.accounting`."""

PAdjust = Literal["holm", "bonferroni", "fdr_bh", "none"]
Adjustment = Literal["model", "mantel-haenszel", "mantel-haenszel-corrected"]
DUPLICATE_NAMES = (
    "Two measures have the same name {name!r}; give one of them another name with name='...'."
)
NOT_A_MEASURE = (
    "measures must be a measure or a list of measures made with gb.count(), gb.rate(...), "
    "gb.mean(...), gb.ratio(...) or gb.total(...); got {value!r}."
)


def analyse(
    data: Any,
    measures: Measure | Sequence[Measure],
    *,
    sex: str,
    by: str | Sequence[str] = (),
    n: str | None = None,
    justified: str | Sequence[str] = (),
    confidence: float = 0.95,
    p_adjust: PAdjust | None = None,
    rule: FlagRule | None = None,
    adjustment: Adjustment = "model",
    mapping: Mapping[object, str] | None = None,
) -> Result:
    """Per-sex estimates with intervals and women-vs-men comparisons.

    One group-by over the rows computes sufficient statistics per sex and breakdown cell
    (in the data's own engine: pandas, polars, DuckDB, ...); every estimate, interval and
    test is computed from those statistics.

    Parameters
    ----------
    data : dataframe
        One row per person, or, with ``n``, one row per group of persons (pre-aggregated
        counts and sums). pandas, polars, DuckDB and other narwhals-supported frames.
    measures : Measure or list of Measure
        Made with :func:`count`, :func:`rate`, :func:`mean`, :func:`ratio`, :func:`total`.
    sex : str
        Column with sex codes (K/M, kvinna/man, F/M, SCB 1/2, ...; see
        :func:`normalize_sex`). Missing values are kept as sex ``unknown``.
    by : str or list of str, optional
        Breakdown columns (e.g. year, unit). Rows with a missing breakdown value are
        excluded and reported in ``exclusions``.
    n : str, optional
        Pre-aggregated input: the column with the number of persons each row stands for.
        Then a rate's column is the number who got it, a mean's or total's column the sum of
        the amounts (with ``sum_sq`` for the sum of squares), and a ratio's columns sums per
        row, each row being one unit of the delta method.
    justified : str or list of str, optional
        Factors the user declares legitimate reasons for a difference (e.g. security class,
        sentence length). Adds the gap adjusted for them to ``comparisons`` and decides
        between ``unexplained_gap`` and ``explained_gap``. Factors are treated as categories.
    confidence : float, default 0.95
        Confidence level of every interval.
    p_adjust : {"holm", "bonferroni", "fdr_bh", "none"}, optional
        Multiple-testing adjustment across all comparisons of the call, applied to the raw
        and the adjusted p-values alike; default the rule's (Holm).
    rule : FlagRule, optional
        Significance level, materiality thresholds and minimum n for the flags.
    adjustment : {"model", "mantel-haenszel", "mantel-haenszel-corrected"}, default "model"
        For rates: the logistic model with marginal standardisation, or the stratified
        Mantel-Haenszel risk difference as a cross-check, with the Cochran-Mantel-Haenszel
        test without or with Yates's continuity correction (R's ``mantelhaen.test``
        corrects by default); ``adjustment_method`` says which (``"mantel_haenszel"``,
        ``"mantel_haenszel_corrected"``; :func:`method_label` gives the words).
    mapping : dict, optional
        Extra sex codes, e.g. ``{"X": "unknown"}``.

    Returns
    -------
    Result
        Tables ``estimates``, ``comparisons``, ``exclusions``, ``accounting`` and
        ``representation``, whose columns never change with the options (see
        :class:`Result`).

    Raises
    ------
    ValueError
        A column is missing (the closest name is suggested), a sex code is not recognised,
        an outcome is not numeric, a rate column is not 0/1, counts are negative or smaller
        than the number who got something, a number column holds infinite values or values
        beyond 1e50 (counts beyond 2**53), a ratio's denominator, a need or days are
        negative, or an option is out of range. Each message names the column, the
        offending values with their row counts and positions, and the fix. Negative amounts
        (the numerator of a mean, total or ratio) are allowed; see :class:`Measure`.

    Notes
    -----
    Methods (women and men are independent samples; each is computed per cell):

    - rate: Wilson score interval per sex; Newcombe's hybrid score interval for the
      difference; Katz log interval for the ratio; the pooled two-proportion z-test, or
      Fisher's exact test when an expected count is below 5.
    - mean: t interval per sex; Welch's t for the difference (Welch-Satterthwaite degrees
      of freedom); a delta-method interval on the log scale for the ratio.
    - ratio of sums with ``cluster=``: each sex's ratio is a weighted least-squares
      intercept over its units, with the CR2 bias-reduced variance and Bell-McCaffrey
      (Satterthwaite) degrees of freedom (Bell & McCaffrey 2002; Pustejovsky & Tipton
      2018); the difference is the coefficient of an indicator for women in one such fit,
      clustered by unit, with its own CR2 variance and degrees of freedom. With few units
      or one large unit these are much wider than a normal interval: that is the honest
      uncertainty when a handful of prisons or units make up one sex.
    - ratio of sums without a cluster: every row is a unit; the linearisation variance with
      t on units - 1 degrees of freedom per sex, Welch-Satterthwaite for the difference.
    - the ratio women / men of means and ratios: on the log scale, with the t quantile of
      the difference.

    - count, total: recorded in full, so no interval or test; ``share`` gives each sex's
      share of the cell.

    Adjusted gaps (``justified=``): see :mod:`genderbudget._adjust`; means use HC2 with
    Bell-McCaffrey degrees of freedom, clustered ratios CR2 over the units, rates the
    logistic model (Firth's penalised likelihood when women and men are separated). A
    factor that does not vary in a cell is left out there; when none varies, the adjusted
    comparison is the raw one, number for number.

    Next to each interval the comparisons give the interval at the multiplicity-corrected
    level (``corrected_confidence``, ``difference_corrected_ci_low/high``,
    ``ratio_corrected_ci_low/high`` and the ``adjusted_corrected_*`` columns): it excludes
    0 exactly when the corrected p-value is below the rule's ``alpha``, so it never
    contradicts the verdict (see :mod:`genderbudget._multiplicity`).

    p-values are adjusted across all comparisons of the call (Holm by default). Empty cells,
    cells with one sex only and zero counts give NaN with the reason in ``note``. Validated
    against statsmodels ``proportion_confint(method="wilson")``,
    ``confint_proportions_2indep`` (``"newcomb"``, ``"log"``), ``proportions_ztest``,
    ``multipletests``, HC1 robust WLS and scipy ``ttest_ind(equal_var=False)`` and
    ``fisher_exact``, and the clustered intervals against clubSandwich's printed output and
    a row-level implementation of Pustejovsky & Tipton (2018) (see the test suite).

    Examples
    --------
    >>> import genderbudget as gb
    >>> data = gb.datasets.load_kriminalvarden()
    >>> result = gb.analyse(data, gb.rate("arbetsdrift"), sex="kon", by="ar")
    >>> result.comparisons[["ar", "n_women", "n_men"]].head(2)
         ar  n_women  n_men
    0  2016 ...
    """
    settings = _settings(measures, sex, by, n, justified, confidence, p_adjust, rule, adjustment)
    cells = collect_cells(
        data,
        list(settings.measures),
        sex=settings.sex,
        by=list(settings.by),
        n=n,
        mapping=mapping,
        justified=list(settings.justified),
    )
    stats = Columns.of(cells.stats)
    estimates, raw = _estimates_and_comparisons(cells, stats, settings)
    comparisons = _judged(raw, cells, settings)
    by_list = list(settings.by)
    names = [m.name for m in settings.measures]
    together = resource_access(
        comparisons, {m.name: m.direction for m in settings.measures}, by_list, settings.rule
    )
    shares = _shares(
        representation(
            stats,
            list(settings.measures),
            by_list,
            settings.confidence,
            aggregated=n is not None,
            units=cells.units,
        ),
        names,
        by_list,
    )
    estimates, estimate_notes = finish(estimates)
    comparisons, comparison_notes = finish(comparisons)
    shares, share_notes = finish(shares)
    return Result(
        estimates,
        comparisons,
        cells.exclusions,
        _accounting(cells, names),
        together,
        cells.rows_in,
        settings,
        _representation=shares,
        _cells=cells,
        _notes={
            "estimates": estimate_notes,
            "comparisons": comparison_notes,
            "representation": share_notes,
        },
    )


def _settings(
    measures: Measure | Sequence[Measure],
    sex: str,
    by: str | Sequence[str],
    n: str | None,
    justified: str | Sequence[str],
    confidence: float,
    p_adjust: PAdjust | None,
    rule: FlagRule | None,
    adjustment: Adjustment,
) -> Settings:
    """Check the options of :func:`analyse` and gather them."""
    if isinstance(measures, Measure):
        measures = [measures]
    measures = list(measures)
    if not measures:
        raise ValueError(NOT_A_MEASURE.format(value=measures))
    for m in measures:
        if not isinstance(m, Measure):
            raise TypeError(NOT_A_MEASURE.format(value=masked(m)))
    names = [m.name for m in measures]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(DUPLICATE_NAMES.format(name=name))
    sex = check_column(sex, "sex")
    by_list = check_columns(by, "by")
    check_roles(sex, by_list)
    confidence = check_confidence(confidence)
    if rule is None:
        rule = FlagRule()
    if not isinstance(rule, FlagRule):
        raise TypeError(f"rule must be a gb.FlagRule, got {masked(rule)!r}.")
    if p_adjust is None:
        p_adjust = rule.p_adjust
    check_choice(p_adjust, "p_adjust", get_args(PAdjust))
    check_choice(adjustment, "adjustment", get_args(Adjustment))
    justified_list = check_columns(justified, "justified")
    check_roles(sex, by_list, justified_list)
    check_breakdowns(by_list, "a breakdown column, by=")
    check_factors(justified_list, "a justified factor, justified=")
    return Settings(
        sex=sex,
        by=tuple(by_list),
        n=n,
        confidence=confidence,
        p_adjust=p_adjust,
        justified=tuple(justified_list),
        adjustment=adjustment,
        rule=rule,
        measures=tuple(measures),
    )


def _kind(m: Measure) -> str:
    """Name the estimator of a measure: a clustered rate is a clustered mean of a 0/1 outcome."""
    return "mean" if m.kind == "rate" and m.clustered else m.kind


def _shares(table: Columns, names: list[str], by: list[str]) -> pd.DataFrame:
    """Sort the representation table and give its measure and sex pandas' text."""
    columns = table.columns
    frame = _sorted(table, names, by, with_sex=True).frame(columns, infer=[*by, "ci_method"])
    for name in ("measure", "sex"):
        frame[name] = frame[name].astype(str)
    return frame


def _estimates_and_comparisons(
    cells: CellStats, stats: Columns, settings: Settings
) -> tuple[pd.DataFrame, Columns]:
    """Per-sex estimates and the raw women-vs-men comparisons of every measure.

    The estimates come back as their public table, the comparisons as arrays for
    :func:`_judged`.
    """
    by_list, confidence = list(settings.by), settings.confidence
    estimates, comparisons = [], []
    names = [m.name for m in settings.measures]
    stats_of = by_measure(stats, names)
    units_of = by_measure(cells.units, names)
    for m in settings.measures:
        est = stats_of[m.name]
        per_sex = per_cell = None
        if cells.units is not None and m.clustered:
            per_sex, per_cell = cluster_inference(units_of[m.name], by_list)
        kind = _kind(m)
        est.update(estimated(est, kind, by_list, confidence, per_sex))
        if kind != m.kind:
            est["ci_low"] = np.clip(est["ci_low"], 0.0, None)
            est["ci_high"] = np.clip(est["ci_high"], None, 1.0)
        estimates.append(est)
        comparisons.append(Columns(compared(est, kind, by_list, confidence, per_cell)))
    est_table = _sorted(Columns.concat(estimates), names, by_list, with_sex=True)
    cmp_table = _sorted(Columns.concat(comparisons), names, by_list, with_sex=False)
    for name in ("n", "units"):
        est_table[name] = est_table[name].astype(np.int64)
    columns = estimate_columns(by_list)
    return est_table.frame(columns, infer=["measure", *by_list, "sex", "ci_method"]), cmp_table


_PUBLIC_TEXT = (
    "measure",
    "ci_method",
    "test_method",
    "p_adjust_method",
    "adjustment_method",
    "flag",
)
"""The comparisons' text columns given pandas' text type (the notes and ``disadvantaged``
stay Python objects)."""


def _judged(comparisons: Columns, cells: CellStats, settings: Settings) -> pd.DataFrame:
    """Add the corrected p-values, adjusted gaps, corrected intervals, robustness and flags."""
    measures, by_list, rule = list(settings.measures), list(settings.by), settings.rule
    p_adjust, confidence = settings.p_adjust, settings.confidence
    table = comparisons
    table["p_adjusted"] = adjust_p(table["p_value"], p_adjust)
    table["p_adjust_method"] = np.full(len(table), p_adjust, dtype=object)
    _add_adjustment(
        table, cells, measures, by_list, list(settings.justified), confidence, settings.adjustment
    )
    table["adjusted_p_adjusted"] = adjust_p(table["adjusted_p_value"], p_adjust)
    kinds = {m.name: _kind(m) for m in measures}
    table["_kind"] = objects(kinds[name] for name in table["measure"].tolist())
    table = corrected_intervals(table, rule.alpha)
    table["adjusted_df"] = table["_adjusted_df"]
    same = table["_same_as_raw"]  # booleans (see _add_adjustment)
    table["adjusted_se"] = np.where(same, table["difference_se"], table["_adjusted_se"])
    table = verdict_sensitivity(table, rule.alpha)
    table = assign_flags(
        table,
        {m.name: m.kind for m in measures},
        {m.name: m.direction for m in measures},
        rule,
        adjusted=bool(settings.justified),
        clustered_measures=[m.name for m in measures if m.clustered],
    )
    for name in ("n_women", "n_men", "units_women", "units_men"):
        table[name] = table[name].astype(np.int64)
    return table.frame(comparison_columns(by_list), infer=[*by_list, *_PUBLIC_TEXT])


def _accounting(cells: CellStats, names: list[str]) -> pd.DataFrame:
    """Rows in, used and excluded per measure; rows in = used + excluded."""

    def per_measure(table: pd.DataFrame) -> list[int]:
        totals = dict.fromkeys(names, 0.0)
        if len(table):
            for name, rows in zip(table["measure"].tolist(), table["rows"].tolist(), strict=True):
                totals[name] = totals.get(name, 0.0) + rows
        return [int(totals[name]) for name in names]

    return pd.DataFrame(
        {
            "measure": names,
            "rows_in": cells.rows_in,
            "rows_used": per_measure(cells.stats),
            "rows_excluded": per_measure(cells.exclusions),
        },
        columns=list(ACCOUNTING_COLUMNS),
    )


def _add_adjustment(
    comparisons: Columns,
    cells: CellStats,
    measures: list[Measure],
    by: list[str],
    justified: list[str],
    confidence: float,
    adjustment: str,
) -> None:
    """Add the adjusted gaps (or NaN with the reason) to the comparisons, in place."""
    size = len(comparisons)
    added: dict[str, Any]
    if not justified or cells.patterns is None:
        added = {c: np.full(size, np.nan) for c in (*ADJUSTED_COLUMNS, *ADJUSTED_INTERNAL)}
        added["adjustment_method"] = np.full(size, "none_no_factors", dtype=object)
        added["adjustment_note"] = np.full(size, "", dtype=object)
        added["_same_as_raw"] = np.zeros(size, dtype=bool)
        comparisons.update(added)
    else:
        adjusted = adjust_measures(
            cells.patterns,
            {m.name: m.kind for m in measures},
            by,
            justified,
            confidence,
            adjustment,
            cells.pattern_units,
        )
        # Each comparison's adjusted row (-1: no pattern in the cell, a row of NaN).
        found = positions(comparisons, adjusted, ["measure", *by])
        missing = found < 0
        for name in adjusted.columns:
            if name in ("measure", *by):
                continue
            values = adjusted[name]
            picked = values[np.maximum(found, 0)] if len(values) else np.empty(size, values.dtype)
            if missing.any():
                picked = picked.astype(float if values.dtype.kind in "iuf" else object)
                picked[missing] = np.nan
            comparisons[name] = picked
        # True, False, or NaN for a cell without patterns: as booleans for every later step.
        comparisons["_same_as_raw"] = flags(comparisons, "_same_as_raw")
        # The one policy for a factor that does not vary in a cell: the adjusted comparison
        # is the raw one, number for number.
        same = comparisons["_same_as_raw"]
        if same.any():
            for raw, adjusted_column in (
                ("difference", "adjusted_difference"),
                ("difference_ci_low", "adjusted_ci_low"),
                ("difference_ci_high", "adjusted_ci_high"),
                ("p_value", "adjusted_p_value"),
                ("_dse", "_adjusted_se"),
                ("_ddf", "_adjusted_df"),
            ):
                comparisons[adjusted_column] = np.where(
                    same,
                    column(comparisons, raw, float),
                    column(comparisons, adjusted_column, float),
                )
            comparisons["adjustment_method"] = np.where(
                same, "none_raw_comparison", column(comparisons, "adjustment_method", object)
            ).astype(object)
        left_out = cells.pattern_exclusions
        if left_out is not None and len(left_out):
            rows = left_out.groupby("measure")["rows"].sum()
            left = {
                name: note("missing_factor_left_out", rows=int(rows[name])) for name in rows.index
            }
            names = comparisons["measure"].tolist()
            comparisons["adjustment_note"] = _joined_pairs(
                as_texts(comparisons["adjustment_note"]), [left.get(name, "") for name in names]
            )
    comparisons["note"] = _joined_pairs(
        as_texts(comparisons["note"]), as_texts(comparisons["adjustment_note"])
    )


def _joined_pairs(first: Sequence[str], second: Sequence[str]) -> np.ndarray:
    """Join two texts per row with "; ", leaving out blanks."""
    return objects("; ".join(t for t in pair if t) for pair in zip(first, second, strict=True))


def _order(
    table: pd.DataFrame | Columns, names: list[str], by: list[str], with_sex: bool
) -> np.ndarray:
    """Order rows by measure (in the order of the call), the breakdowns and sex (in its order).

    The breakdown values sort as :meth:`pandas.DataFrame.sort_values` sorts them, missing
    last; the sort is stable. A breakdown cannot be named "measure" or "sex" (reserved).
    """
    orders = {"measure": names, "sex": list(SEX_CATEGORIES)}
    sort_by = ["measure", *by, *(["sex"] if with_sex else [])]
    keys = []
    for name in sort_by:
        values = column(table, name, object)
        if name in orders:
            rank = {value: i for i, value in enumerate(orders[name])}
            keys.append(np.fromiter((rank.get(v, -1) for v in values), np.int64, len(values)))
        else:
            codes, distinct = pd.factorize(values, sort=True)
            keys.append(np.where(codes < 0, len(distinct), codes))
    return np.lexsort(keys[::-1]) if len(table) else np.zeros(0, dtype=np.intp)


def _sorted(table: Columns, names: list[str], by: list[str], *, with_sex: bool) -> Columns:
    """Sort a table of arrays in :func:`_order` (its text is typed when it becomes a frame)."""
    return table.take(_order(table, names, by, with_sex))
