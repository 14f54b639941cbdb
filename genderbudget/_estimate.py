"""From sufficient statistics to per-sex estimates and women-vs-men comparisons.

Works on the small table of cell statistics only (never on rows), vectorised over cells.
One function per measure kind returns the estimate, its standard error and degrees of
freedom, so the comparison step can combine women and men without knowing the formulas
twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from genderbudget import _intervals as iv
from genderbudget._columns import Columns, column
from genderbudget._notes import joined, note, note_where
from genderbudget._sandwich import cr2_stacked
from genderbudget._sums import Table, cell_totals, first_codes, key_positions, positions

__all__ = [
    "adjust_p",
    "compare",
    "compared",
    "comparison_columns",
    "estimate",
    "estimate_columns",
    "estimated",
]

ESTIMATE_COLUMNS = (
    "n",
    "units",
    "estimate",
    "ci_low",
    "ci_high",
    "ci_method",
    "confidence",
    "share",
    "note",
)
COMPARISON_COLUMNS = (
    "n_women",
    "n_men",
    "units_women",
    "units_men",
    "women",
    "men",
    "difference",
    "difference_ci_low",
    "difference_ci_high",
    "difference_se",
    "difference_df",
    "ratio",
    "ratio_ci_low",
    "ratio_ci_high",
    "ci_method",
    "confidence",
    "p_value",
    "test_method",
    "p_adjusted",
    "p_adjust_method",
    "corrected_confidence",
    "difference_corrected_ci_low",
    "difference_corrected_ci_high",
    "ratio_corrected_ci_low",
    "ratio_corrected_ci_high",
    "adjusted_difference",
    "adjusted_ci_low",
    "adjusted_ci_high",
    "adjusted_se",
    "adjusted_df",
    "adjusted_p_value",
    "adjusted_p_adjusted",
    "adjusted_corrected_confidence",
    "adjusted_corrected_ci_low",
    "adjusted_corrected_ci_high",
    "adjustment_method",
    "e_value",
    "e_value_ci",
    "detectable_difference",
    "flag",
    "disadvantaged",
    "note",
)

CI_METHOD = {
    "count": "none",
    "total": "none",
    "rate": "wilson",
    "mean": "t",
    "ratio": "delta_t_units",
}
CI_METHOD_CLUSTER = "cr2_bm"
COMPARISON_CI_METHOD = {
    "count": "none",
    "total": "none",
    "rate": "newcombe_katz",
    "mean": "welch_t_delta_log",
    "ratio": "delta_welch_t_delta_log",
}
COMPARISON_CI_METHOD_CLUSTER = "cr2_bm_delta_log"
TEST_METHOD = {"mean": "welch_t", "ratio": "welch_t_delta"}
TEST_METHOD_CLUSTER = "cr2_bm"

NOTE_EMPTY = note("no_persons")
NOTE_ONE = note("few_persons")
NOTE_ONE_UNIT = note("few_units")
NOTE_NO_SS = note("no_sum_sq")
NOTE_ZERO_DEN = note("zero_denominator")
NOTE_NO_SAMPLING = note("recorded_in_full")
NOTE_NO_WOMEN = note("no_women")
NOTE_NO_MEN = note("no_men")
NOTE_RATIO_UNDEFINED = note("ratio_undefined")
NOTE_RATIO_INTERVAL_UNDEFINED = note("ratio_interval_undefined")
NOTE_NO_VARIATION = note("no_variation")


def estimate_columns(by: Sequence[str]) -> list[str]:
    """Column order of the ``estimates`` table."""
    return ["measure", *by, "sex", *ESTIMATE_COLUMNS]


def comparison_columns(by: Sequence[str]) -> list[str]:
    """Column order of the ``comparisons`` table."""
    return ["measure", *by, *COMPARISON_COLUMNS]


def cluster_inference(units: pd.DataFrame, by: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CR2 standard errors with Bell-McCaffrey df for a ratio of sums over clusters.

    Parameters
    ----------
    units : pandas.DataFrame
        Sums per cluster of one measure: ``<by...>, sex, cluster, sy, sx`` (the
        :attr:`CellStats.units` of the measure).
    by : sequence of str
        Breakdown columns.

    Returns
    -------
    per_sex : pandas.DataFrame
        ``<by...>, sex, _se, _df, _cr2_note``: each sex's ratio ``sum sy / sum sx`` as the
        intercept of a WLS on its clusters (weights ``sx``).
    per_cell : pandas.DataFrame
        ``<by...>, _dse, _ddf``: women − men as the coefficient of an indicator for women
        in one WLS on both sexes' clusters, clustered by unit (a unit holding both sexes
        is one cluster); NaN unless each sex has at least 2 clusters.

    Notes
    -----
    The CR2 variance and Satterthwaite degrees of freedom of
    :func:`genderbudget._sandwich.cr2_clusters` (Bell & McCaffrey 2002; Pustejovsky &
    Tipton 2018). With clusters of equal weight the per-sex variance equals the usual
    linearisation variance ``m/(m-1) sum (y_j - R x_j)^2 / (sum x_j)^2`` and the degrees of
    freedom are ``m - 1``; with unequal clusters both are corrected for the leverage of the
    large ones. Clusters whose denominator is not positive are left out of the variance
    (counted in ``_cr2_note``).
    """
    keys = list(by)
    cell = _cell_numbers(units, keys)
    cells = int(cell.max()) + 1 if len(cell) else 0
    sx = units["sx"].to_numpy(dtype=float)
    sy = units["sy"].to_numpy(dtype=float)
    sex_code, sexes = pd.factorize(units["sex"].to_numpy(dtype=object))
    width = max(len(sexes), 1)
    cluster = pd.factorize(units["cluster"])[0].astype(np.int64)
    usable = sx > 0
    left_out = np.bincount(cell, weights=(~usable) & (sy != 0), minlength=cells).astype(int)
    cell_notes = np.array([_units_left_out(c) if c else "" for c in left_out], dtype=object)
    # Each sex of a cell, cells in order, the sexes in the order they first appear in it.
    pair = cell * width + sex_code
    found, first = np.unique(pair, return_index=True)
    order = np.lexsort((first, found // width))
    pairs, pair_rows = found[order], first[order]
    clusters = _distinct_clusters(pair[usable], cluster[usable], cells * width)

    fitted = usable & (clusters[pair] >= 2)
    design = np.ones((int(fitted.sum()), 1))
    groups = cells * width
    se, df = _cr2_by_group(pair[fitted], groups, design, units, fitted, cluster, np.ones((1, 1)))
    per_sex = units[keys].iloc[pair_rows].reset_index(drop=True)
    per_sex["sex"] = np.asarray(sexes, dtype=object)[pairs % width]
    per_sex["_se"] = se[pairs]
    per_sex["_df"] = df[pairs]
    per_sex["_cr2_note"] = cell_notes[pairs // width]

    # women − men in one fit per cell with at least 2 clusters of each sex.
    women = _sex_code(sexes, "women")
    men = _sex_code(sexes, "men")
    by_cell = clusters.reshape(cells, width)
    both = np.zeros(cells, dtype=bool)
    if women >= 0 and men >= 0:
        both = (by_cell[:, women] >= 2) & (by_cell[:, men] >= 2)
    fitted = usable & ((sex_code == women) | (sex_code == men)) & both[cell]
    design = np.column_stack([np.ones(int(fitted.sum())), sex_code[fitted] == women]).astype(float)
    contrast = np.array([[0.0, 1.0]])
    dse, ddf = _cr2_by_group(cell[fitted], cells, design, units, fitted, cluster, contrast)
    per_cell = units[keys].iloc[np.unique(cell, return_index=True)[1]].reset_index(drop=True)
    per_cell["_dse"] = dse
    per_cell["_ddf"] = ddf
    return (
        pd.DataFrame(per_sex, columns=[*keys, "sex", "_se", "_df", "_cr2_note"]),
        pd.DataFrame(per_cell, columns=[*keys, "_dse", "_ddf"]),
    )


def _cell_numbers(table: pd.DataFrame, by: Sequence[str]) -> np.ndarray:
    """Give each breakdown cell of a small table a number, in order of first appearance.

    A missing breakdown value is a cell of its own, as in
    :func:`genderbudget._cells.breakdown_cells`.
    """
    if not by:
        return np.zeros(len(table), dtype=np.intp)
    cell, _ = first_codes([table[b].to_numpy(dtype=object) for b in by], len(table))
    return np.asarray(cell, dtype=np.intp)


def _sex_code(sexes: pd.Index | np.ndarray, sex: str) -> int:
    """Return the position of ``sex`` among the codes of :func:`pandas.factorize` (-1: absent)."""
    found = np.flatnonzero(np.asarray(sexes, dtype=object) == sex)
    return int(found[0]) if found.size else -1


def _distinct_clusters(group: np.ndarray, cluster: np.ndarray, size: int) -> np.ndarray:
    """Count the distinct clusters of each group (cell x sex), for ``size`` groups."""
    if not len(group):
        return np.zeros(size, dtype=np.intp)
    distinct = np.unique(np.column_stack([group, cluster]), axis=0)
    return np.bincount(distinct[:, 0], minlength=size)


def _cr2_by_group(
    group: np.ndarray,
    size: int,
    design: np.ndarray,
    units: pd.DataFrame,
    rows: np.ndarray,
    cluster: np.ndarray,
    contrast: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Fit the CR2 model of every group at once (:func:`cr2_stacked`).

    ``rows`` selects the units fitted, ``group`` numbers their groups (below ``size``).
    Returns, indexed by the group number, the standard error of the last coefficient and
    the degrees of freedom of ``contrast`` (NaN for a group without a fit).
    """
    se = np.full(size, np.nan)
    df = np.full(size, np.nan)
    if not len(group):
        return se, df
    numbers, fit = np.unique(group, return_inverse=True)
    fits = cr2_stacked(
        design,
        units["sx"].to_numpy(dtype=float)[rows],
        units["sy"].to_numpy(dtype=float)[rows],
        cluster[rows],
        fit.reshape(-1),
        len(numbers),
        contrast,
    )
    se[numbers] = fits.se(design.shape[1] - 1)
    df[numbers] = fits.df[:, 0]
    return se, df


def _units_left_out(count: int) -> str:
    """Note the units with cost but a zero denominator (one unit, or several)."""
    code = "unit_zero_denominator_left_out" if count == 1 else "units_zero_denominator_left_out"
    return note(code, count=count)


def _lookup(frame: Table, table: pd.DataFrame, keys: list[str], column: str) -> np.ndarray:
    """``table[column]`` for each row of ``frame``, matched on ``keys`` (NaN where absent)."""
    if not keys:
        value = table[column].iloc[0] if len(table) else np.nan
        return np.full(len(frame), value, dtype=object)
    rows = positions(frame, table, keys)
    values = table[column].to_numpy()
    if values.dtype.kind != "f":
        values = values.astype(object)
    out = values[np.maximum(rows, 0)] if len(values) else np.full(len(rows), np.nan, values.dtype)
    out[rows < 0] = np.nan
    return out


def _clustered(
    out: Table,
    clustered: pd.DataFrame,
    by: Sequence[str],
    notes: list[np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Look up the CR2 standard errors and df of :func:`cluster_inference` for ``out``."""
    keys = [*by, "sex"]
    se = _lookup(out, clustered, keys, "_se").astype(float)
    df = _lookup(out, clustered, keys, "_df").astype(float)
    extra = _lookup(out, clustered, keys, "_cr2_note")
    notes.append(np.array([v if isinstance(v, str) else "" for v in extra], dtype=object))
    return se, df, se * se


def estimate(
    stats: pd.DataFrame,
    kind: str,
    by: Sequence[str],
    confidence: float,
    clustered: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per-sex estimates for one measure kind, with internal ``_se``, ``_df``, ``_var``.

    ``_var`` is the variance of one unit (for means) or of the estimate (for ratios), used to
    compute the Welch-Satterthwaite degrees of freedom of a difference. ``clustered`` (the
    ``per_sex`` table of :func:`cluster_inference`) replaces a clustered ratio's variance
    and degrees of freedom by the CR2 ones.
    """
    added: dict[str, Any] = dict(estimated(stats, kind, by, confidence, clustered))
    index = stats.index
    added["ci_method"] = pd.Series(added["ci_method"], index=index)
    added["note"] = pd.Series(added["note"], index=index, dtype=object)
    # One concatenation: column by column, each insert rebuilds the frame's column index.
    return pd.concat([stats, pd.DataFrame(added, index=index)], axis=1)


def estimated(
    stats: Table,
    kind: str,
    by: Sequence[str],
    confidence: float,
    clustered: pd.DataFrame | None = None,
) -> dict[str, np.ndarray]:
    """Return the columns :func:`estimate` adds to ``stats`` (a frame or its arrays)."""
    out = stats  # read only
    n = column(out, "n", float)
    units = column(out, "units", float)
    sy, syy = column(out, "sy", float), column(out, "syy", float)
    notes = [note_where(n == 0, NOTE_EMPTY)]
    se = np.full(len(out), np.nan)
    df = np.full(len(out), np.nan)
    var = np.full(len(out), np.nan)
    share = np.full(len(out), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind in ("count", "total"):
            value = n if kind == "count" else sy
            est = value.copy()
            totals = cell_totals(out, value, by)
            share = np.where(totals != 0, value / totals, np.nan)
            low = high = np.full(len(out), np.nan)
            notes.append(note_where(n > 0, NOTE_NO_SAMPLING))
        elif kind == "rate":
            est = np.where(n > 0, sy / n, np.nan)
            low, high = iv.wilson(sy, n, confidence)
        elif kind == "mean":
            est = np.where(n > 0, sy / n, np.nan)
            var = np.maximum((syy - n * est * est) / (n - 1.0), 0.0)
            var[~(n > 1) | ~column(out, "has_syy", bool)] = np.nan
            se = np.sqrt(var / n)
            df = n - 1.0
            if clustered is not None:
                se, df, var = _clustered(out, clustered, by, notes)
            low, high = iv.t_interval(est, se, df, confidence)
            notes.append(note_where((n == 1), NOTE_ONE))
            no_ss = (n > 1) & ~column(out, "has_syy", bool) & (clustered is None)
            notes.append(note_where(no_ss, NOTE_NO_SS))
        elif kind == "ratio":
            sx = column(out, "sx", float)
            sxx, sxy = column(out, "sxx", float), column(out, "sxy", float)
            est = np.where(sx != 0, sy / sx, np.nan)
            residual = np.maximum(syy - 2.0 * est * sxy + est * est * sxx, 0.0)
            var = units / (units - 1.0) * residual / (sx * sx)
            var[~(units > 1)] = np.nan
            se = np.sqrt(var)
            df = units - 1.0
            if clustered is not None:
                se, df, var = _clustered(out, clustered, by, notes)
            low, high = iv.t_interval(est, se, df, confidence)
            notes.append(note_where((n > 0) & (sx == 0), NOTE_ZERO_DEN))
            notes.append(note_where((units == 1) & (sx != 0), NOTE_ONE_UNIT))
        else:  # pragma: no cover - guarded by Measure
            raise ValueError(f"Unknown measure kind {kind!r}.")
    method = CI_METHOD_CLUSTER if clustered is not None else CI_METHOD[kind]
    return {
        "estimate": est,
        "ci_low": low,
        "ci_high": high,
        "ci_method": np.full(len(n), method, dtype=object),
        "confidence": np.full(len(n), confidence),
        "share": share,
        "note": joined(*notes),
        "_se": se,
        "_df": df,
        "_var": var,
    }


def compare(
    est: pd.DataFrame,
    kind: str,
    by: Sequence[str],
    confidence: float,
    clustered: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Women-vs-men comparisons (women − men, women / men) for one measure kind.

    ``clustered`` (the ``per_cell`` table of :func:`cluster_inference`) gives a clustered
    ratio's difference its CR2 standard error and Bell-McCaffrey degrees of freedom. The
    ratio women / men of means and ratios uses the same t quantile as the difference.
    """
    columns: dict[str, Any] = dict(compared(est, kind, by, confidence, clustered))
    index = pd.RangeIndex(len(columns["n_women"]))
    for key in ["measure", *by]:
        columns[key] = pd.Series(columns[key], index=index, dtype=est[key].dtype)
    for name in ("ci_method", "confidence"):
        columns[name] = pd.Series(columns[name], index=index)
    columns["note"] = pd.Series(columns["note"], index=index, dtype=object)
    return pd.DataFrame(columns, index=index)


def compared(
    est: Table,
    kind: str,
    by: Sequence[str],
    confidence: float,
    clustered: pd.DataFrame | None = None,
) -> dict[str, np.ndarray]:
    """Return the columns of :func:`compare` as arrays, from ``est`` (a frame or its arrays).

    The keys (measure and breakdowns) and the text are Python objects.
    """
    keys = ["measure", *by]
    sex = column(est, "sex", object)
    # Each cell's women's row, and the men's row of the same cell (-1: none, NaN values).
    women_rows, men_rows = np.flatnonzero(sex == "women"), np.flatnonzero(sex == "men")
    key_values = {key: column(est, key, object) for key in keys}
    match = key_positions(
        [values[women_rows] for values in key_values.values()],
        [values[men_rows] for values in key_values.values()],
    )
    matched = np.where(match >= 0, men_rows[np.maximum(match, 0)] if len(men_rows) else 0, -1)
    women: dict[str, np.ndarray] = {}
    men: dict[str, np.ndarray] = {}
    for name in ("n", "units", "estimate", "sy", "_se", "_var"):
        values = column(est, name, float)
        women[name] = values[women_rows]
        men[name] = np.where(matched >= 0, values[np.maximum(matched, 0)], np.nan)
    size = len(women_rows)
    cell_keys = {key: values[women_rows] for key, values in key_values.items()}
    nw_, nm = women["n"], men["n"]
    w, m = women["estimate"], men["estimate"]
    notes = [
        note_where(nw_ == 0, NOTE_NO_WOMEN),
        note_where(nm == 0, NOTE_NO_MEN),
    ]
    with np.errstate(divide="ignore", invalid="ignore"):
        difference = w - m
        ratio = np.where((m != 0) & np.isfinite(m), w / m, np.nan)
        if kind == "rate":
            parts = _compare_rates(women, men, confidence, notes)
        elif kind in ("mean", "ratio"):
            cells = {b: cell_keys[b] for b in by}
            parts = _compare_spreads(women, men, kind, cells, confidence, clustered, notes)
        else:
            parts = _Comparison.none(size)
            notes.append(note_where((nw_ > 0) | (nm > 0), NOTE_NO_SAMPLING))
    method = COMPARISON_CI_METHOD_CLUSTER if clustered is not None else COMPARISON_CI_METHOD[kind]
    # The columns built apart and put together once. The internal ones (from ``_dse``) are
    # for the intervals at the corrected level and the detectable differences: the
    # difference's standard error and degrees of freedom (inf: normal), the counts of a
    # rate, and the standard error of the log ratio.
    return {
        **cell_keys,
        "n_women": nw_,
        "n_men": nm,
        "units_women": women["units"],
        "units_men": men["units"],
        "women": w,
        "men": m,
        "difference": difference,
        "difference_ci_low": parts.d_low,
        "difference_ci_high": parts.d_high,
        "difference_se": parts.se,
        "ratio": ratio,
        "ratio_ci_low": parts.r_low,
        "ratio_ci_high": parts.r_high,
        "ci_method": np.full(size, method, dtype=object),
        "confidence": np.full(size, confidence),
        "p_value": parts.p,
        "test_method": np.asarray(parts.tests, dtype=object),
        "note": joined(*notes),
        "_dse": parts.dse,
        "_ddf": parts.ddf,
        "difference_df": parts.ddf,
        "_xw": parts.xw,
        "_xm": parts.xm,
        "_log_se": parts.log_se,
    }


@dataclass(frozen=True)
class _Comparison:
    """Intervals, test and internal quantities of the women-vs-men comparisons of a kind."""

    d_low: np.ndarray
    d_high: np.ndarray
    r_low: np.ndarray
    r_high: np.ndarray
    p: np.ndarray
    tests: np.ndarray
    se: np.ndarray
    dse: np.ndarray
    ddf: np.ndarray
    xw: np.ndarray
    xm: np.ndarray
    log_se: np.ndarray

    @classmethod
    def none(cls, size: int) -> _Comparison:
        """No interval or test (head-counts and totals, recorded in full)."""

        def nan() -> np.ndarray:
            return np.full(size, np.nan)  # a new array for each column

        tests = np.full(size, "none", dtype=object)
        return cls(
            nan(), nan(), nan(), nan(), nan(), tests, nan(), nan(), nan(), nan(), nan(), nan()
        )


def _compare_rates(
    women: Mapping[str, np.ndarray],
    men: Mapping[str, np.ndarray],
    confidence: float,
    notes: list[np.ndarray],
) -> _Comparison:
    """Newcombe's difference, Katz's ratio and the proportion test of two rates.

    ``women`` and ``men`` hold each cell's ``n`` and ``sy`` as float arrays.
    """
    nw_, nm = women["n"], men["n"]
    xw, xm = women["sy"], men["sy"]
    pooled = (xw + xm) / (nw_ + nm)
    dse = np.sqrt(pooled * (1.0 - pooled) * (1.0 / nw_ + 1.0 / nm))
    log_se = np.sqrt(1.0 / xw - 1.0 / nw_ + 1.0 / xm - 1.0 / nm)
    d_low, d_high = iv.newcombe_difference(xw, nw_, xm, nm, confidence)
    r_low, r_high = iv.katz_ratio(xw, nw_, xm, nm, confidence)
    p, tests = iv.proportion_test(xw, nw_, xm, nm)
    tests = np.where(tests == "", "none", tests)
    undefined = (nw_ > 0) & (nm > 0) & ~np.isfinite(r_low)
    notes.append(note_where(undefined, NOTE_RATIO_INTERVAL_UNDEFINED))
    ddf = np.full(len(nw_), np.inf)
    # The score interval is not estimate +- z se: the standard error a normal interval of the
    # same width would have (dse, the pooled one, is the test's).
    se = (d_high - d_low) / (2.0 * iv.normal_quantile(confidence))
    return _Comparison(d_low, d_high, r_low, r_high, p, tests, se, dse, ddf, xw, xm, log_se)


def _compare_spreads(
    women: Mapping[str, np.ndarray],
    men: Mapping[str, np.ndarray],
    kind: str,
    cells: Mapping[str, np.ndarray],
    confidence: float,
    clustered: pd.DataFrame | None,
    notes: list[np.ndarray],
) -> _Comparison:
    """Welch (or CR2) t intervals and tests of two means or ratios, delta-log ratio.

    ``women`` and ``men`` hold each cell's ``n``, ``units``, ``estimate``, ``_se`` and
    ``_var`` as float arrays, ``cells`` its breakdown values.
    """
    nw_, nm = women["n"], men["n"]
    w, m = women["estimate"], men["estimate"]
    difference = w - m
    se_w, se_m = women["_se"], men["_se"]
    se = np.sqrt(se_w**2 + se_m**2)
    if clustered is not None:
        keys = Columns(cells, len(w))
        se = _lookup(keys, clustered, list(cells), "_dse").astype(float)
        df = _lookup(keys, clustered, list(cells), "_ddf").astype(float)
    elif kind == "mean":
        df = iv.welch_df(women["_var"], nw_, men["_var"], nm)
    else:
        uw, um = women["units"], men["units"]
        df = iv.welch_df(se_w**2 * uw, uw, se_m**2 * um, um)
    d_low, d_high = iv.t_interval(difference, se, df, confidence)
    r_low, r_high = iv.log_ratio_interval(w, se_w**2, m, se_m**2, confidence, df=df)
    log_se = np.sqrt(se_w**2 / w**2 + se_m**2 / m**2)
    p = iv.t_pvalue(difference, se, df)
    test_name = TEST_METHOD[kind] if clustered is None else TEST_METHOD_CLUSTER
    tests = np.where(np.isfinite(p), test_name, "none")
    both = (nw_ > 0) & (nm > 0) & np.isfinite(w) & np.isfinite(m)
    notes.append(note_where(both & (se == 0), NOTE_NO_VARIATION))
    notes.append(note_where(both & ~((w > 0) & (m > 0)), NOTE_RATIO_UNDEFINED))
    dse, ddf = np.asarray(se, dtype=float), np.asarray(df, dtype=float)
    xw, xm = np.full(len(nw_), np.nan), np.full(len(nw_), np.nan)
    return _Comparison(d_low, d_high, r_low, r_high, p, tests, dse, dse, ddf, xw, xm, log_se)


def adjust_p(values: np.ndarray, method: str) -> np.ndarray:
    """Adjust p-values across all comparisons of one call; NaN stays NaN.

    Holm's step-down, Bonferroni, or Benjamini-Hochberg's step-up false discovery rate.
    """
    values = np.asarray(values, dtype=float)
    adjusted = np.full(values.shape, np.nan)
    ok = np.isfinite(values)
    p = values[ok]
    m = p.size
    if m == 0 or method == "none":
        adjusted[ok] = p
        return adjusted
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if method == "bonferroni":
        out = ranked * m
    elif method == "holm":
        out = np.maximum.accumulate(ranked * (m - np.arange(m)))
    elif method == "fdr_bh":
        out = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    else:  # pragma: no cover - guarded by analyse
        raise ValueError(f"Unknown p-value adjustment {method!r}.")
    result = np.empty(m)
    result[order] = np.minimum(out, 1.0)
    adjusted[ok] = result
    return adjusted
