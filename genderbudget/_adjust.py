"""Gaps adjusted for justified factors, fitted on collapsed cells.

For every measure and breakdown cell the women-vs-men gap is re-estimated with the factors
the user declared justified (for example security class and sentence length) held equal.
The fits use one row per factor pattern x sex (x cluster) with its counts and sums, never the
person rows, and give the same coefficients as the row-level fits:

- rate: a binomial GLM (logit link) with sex and the factors; the adjusted difference is the
  marginal standardisation ``mean_i[p(i as a woman)] - mean_i[p(i as a man)]`` over all
  women and men of the cell, with a delta-method interval (the same quantity and standard
  error as statsmodels ``Logit.get_margeff(at="overall", dummy=True)`` on the rows). When
  women and men are separated in some pattern the maximum-likelihood estimate does not
  exist and Firth's penalised likelihood gives the fit (Heinze & Schemper 2002);
- rate, ``method="mantel-haenszel"`` (or ``"mantel-haenszel-corrected"``): the
  Mantel-Haenszel risk difference over the factor strata with the Greenland-Robins variance
  and the Cochran-Mantel-Haenszel test without (or with) continuity correction;
- mean: OLS with sex and the factors, the HC2 covariance with Bell-McCaffrey degrees of
  freedom from the cell sums; with a cluster, CR2 over the units;
- ratio of sums: WLS of the pattern ratios with the denominators as weights (the same as WLS
  of ``y_i / x_i`` with weights ``x_i`` on the rows), HC1 over rows with t on units - k
  degrees of freedom, or, with a cluster (e.g. prisons), the CR2 covariance over the units
  with Bell-McCaffrey degrees of freedom (:mod:`genderbudget._sandwich`) — the same
  reference distribution as the unadjusted comparison.

The designs, fits and predictions are those of the model toolkit
(:mod:`genderbudget._models`); this module chooses the model per measure and cell and puts
what happened into words.

Factors enter as categories (one dummy per level but the first). The one policy for
degenerate factors (:func:`genderbudget._models.varying_factors`,
:func:`genderbudget._models.coincides_with_sex`): a factor that does not vary in a cell is left
out there, and when none is left the caller copies the unadjusted comparison; a factor that
coincides with sex makes the gap unidentifiable and gives NaN with the reason; levels in
which nobody or everybody got a rate-outcome are set aside (their predicted difference is 0,
the limit of the maximum-likelihood fit). An adjusted gap of a clustered measure that rests
on a single unit of one sex for some value of the factors gets no interval or test.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from genderbudget import _intervals as iv
from genderbudget._columns import Columns, objects
from genderbudget._models import (
    Design,
    PatternFit,
    PreparedPatterns,
    degenerate_rows,
    design_of,
    fit_logistic_patterns,
    fit_logistic_stacked,
    level_codes,
    prepare_patterns,
    standardised_differences,
    varying_factors,
    wls,
)
from genderbudget._notes import note
from genderbudget._options import quoted
from genderbudget._sandwich import (
    RobustFit,
    cr2_stacked,
    hc1_units_stacked,
    hc2_persons_stacked,
)
from genderbudget._sums import first_codes, positions

__all__ = [
    "ADJUSTED_COLUMNS",
    "RateFit",
    "adjust",
    "adjust_measures",
    "fit_rate_model",
    "varying_factors",
]

ADJUSTED_COLUMNS = (
    "adjusted_difference",
    "adjusted_ci_low",
    "adjusted_ci_high",
    "adjusted_p_value",
    "adjustment_method",
    "adjustment_note",
)
# Internal columns: the standard error and degrees of freedom behind the interval (inf for a
# normal reference), and whether no factor was left in the cell, so the raw comparison is
# the adjusted one.
ADJUSTED_INTERNAL = ("_adjusted_se", "_adjusted_df", "_same_as_raw")

METHOD = {
    "rate": "logistic_standardised_delta",
    "mean": "ols_hc2_bm",
    "ratio": "wls_ratio_hc1_units",
}
METHOD_CLUSTER = {
    "rate": "lpm_cr2_bm",
    "mean": "ols_cr2_bm",
    "ratio": "wls_ratio_cr2_bm",
}
MH_METHOD = "mantel_haenszel"
MH_METHOD_CORRECTED = "mantel_haenszel_corrected"
MH_METHODS = ("mantel-haenszel", "mantel-haenszel-corrected")

NOTE_NOT_APPLICABLE = note("not_applicable_counts_totals")
NOTE_ONE_SEX = note("sexes_not_both_present")
NOTE_FIRTH = note("firth_penalty")
NOTE_NO_SS = note("no_sum_sq")
NOTE_NO_STRATA = note("no_stratum_with_both_sexes")
NOTE_FEW_CLUSTERS = note("few_units_of_one_sex")
NOTE_LONE_UNIT = note("lone_unit")


def _design_notes(design: Design) -> list[str]:
    """Say what the design did with each factor (left out, or coinciding with sex)."""
    if design.coincide:
        return [note("factor_coincides_with_sex", names=quoted(design.coincide))]
    notes = [note("factor_one_level", name=quoted([f])) for f in design.one_level]
    if design.collinear:
        notes.append(note("factor_collinear", names=quoted(design.collinear)))
    if not design.identified:
        notes.append(note("factor_coincides_with_sex", names="(combined)"))
    return notes


def _nan_result(method: str, notes: list[str]) -> dict[str, object]:
    return {
        "adjusted_difference": np.nan,
        "adjusted_ci_low": np.nan,
        "adjusted_ci_high": np.nan,
        "adjusted_p_value": np.nan,
        "adjustment_method": method,
        "adjustment_note": "; ".join(notes),
        "_adjusted_se": np.nan,
        "_adjusted_df": np.nan,
        "_same_as_raw": False,
    }


def _normal_result(
    estimate: float, se: float, confidence: float, method: str, notes: list[str]
) -> dict[str, object]:
    z = iv.normal_quantile(confidence)
    ok = np.isfinite(se) and se > 0
    return {
        "adjusted_difference": estimate,
        "adjusted_ci_low": estimate - z * se if ok else np.nan,
        "adjusted_ci_high": estimate + z * se if ok else np.nan,
        "adjusted_p_value": float(iv.normal_two_sided_p(estimate / se)) if ok else np.nan,
        "adjustment_method": method,
        "adjustment_note": "; ".join(notes),
        "_adjusted_se": se if ok else np.nan,
        "_adjusted_df": np.inf if ok else np.nan,
        "_same_as_raw": False,
    }


@dataclass(frozen=True)
class RateFit:
    """A logistic fit on collapsed cells: coefficients, covariance and the fitted rows."""

    params: np.ndarray | None
    cov: np.ndarray | None
    design: np.ndarray | None
    counts: np.ndarray | None
    set_aside: int
    notes: list[str]
    fitted_index: pd.Index | None = None  # the rows of ``cell`` behind ``design``


def fit_rate_model(cell: pd.DataFrame, factors: Sequence[str]) -> RateFit:
    """Fit ``logit p = a + b * women + factor dummies`` on pattern x sex cells.

    ``cell`` has one row per factor pattern x sex with ``n`` persons and ``sy`` successes.
    Returns ``params is None`` with the reason in ``notes`` when the gap is not identified
    or the model cannot be fitted. The fit is :func:`genderbudget._models.fit_logistic_patterns`;
    this puts what it did into words.
    """
    return _rate_fit(fit_logistic_patterns(cell, factors))


def _rate_fit(fit: PatternFit) -> RateFit:
    """Put what a logistic pattern fit did into words."""
    notes = [note("degenerate_levels_set_aside", rows=fit.set_aside)] if fit.set_aside_rows else []
    if fit.design is None:
        return RateFit(None, None, None, None, fit.set_aside, [*notes, NOTE_ONE_SEX])
    notes = _design_notes(fit.design) + notes
    logistic = fit.logistic
    if logistic is None or logistic.params is None or logistic.cov is None:
        if fit.failure == "error":
            reason = logistic.error if logistic else ""
            notes.append(note("model_not_fitted", reason=reason))
        elif fit.failure == "no_convergence":
            notes.append(note("model_no_convergence"))
        return RateFit(None, None, None, None, fit.set_aside, notes)
    return RateFit(
        logistic.params,
        logistic.cov,
        fit.design.matrix,
        fit.counts,
        fit.set_aside,
        [*notes, NOTE_FIRTH] if logistic.firth else notes,
        fit.fitted_index,
    )


@dataclass(frozen=True)
class _Cell:
    """The pattern x sex rows of one breakdown cell as arrays.

    ``codes`` holds each factor's levels as integers in the order of the sorted levels (so
    a design built from them is the design of the values), ``values`` the values themselves,
    ``numbers`` the cell statistics.
    """

    sex: np.ndarray
    codes: Mapping[str, np.ndarray]
    values: Mapping[str, np.ndarray]
    numbers: Mapping[str, np.ndarray]
    has_syy: np.ndarray

    def __len__(self) -> int:
        return len(self.sex)

    def take(self, rows: np.ndarray) -> _Cell:
        """Select the rows at ``rows`` (positions or a mask)."""
        return _Cell(
            self.sex[rows],
            {f: c[rows] for f, c in self.codes.items()},
            {f: v[rows] for f, v in self.values.items()},
            {k: v[rows] for k, v in self.numbers.items()},
            self.has_syy[rows],
        )


_NUMBERS = {
    "rate": ("n", "sy"),
    "mean": ("n", "sy", "syy"),
    "ratio": ("n", "sy", "syy", "sx", "sxx", "sxy", "units"),
}
"""The cell statistics each kind's models read (the rest is not carried from cell to cell)."""


def _cell_arrays(
    patterns: pd.DataFrame, factors: Sequence[str], kinds: set[str], *, with_values: bool
) -> _Cell:
    """All pattern rows as one :class:`_Cell`, factor codes in level order.

    Only the statistics the ``kinds``' models read are kept, and the factors' values
    themselves only ``with_values`` (to match clusters).
    """
    codes, values = {}, {}
    for factor in factors:
        column = patterns[factor].to_numpy()
        codes[factor] = level_codes(column)
        if with_values:
            values[factor] = column
    read = {"n", *(c for kind in kinds for c in _NUMBERS.get(kind, ()))}
    numbers = {c: patterns[c].to_numpy(dtype=float) for c in read if c in patterns}
    has_syy = (
        patterns["has_syy"].to_numpy(dtype=bool)
        if "has_syy" in patterns
        else np.ones(len(patterns), dtype=bool)
    )
    return _Cell(patterns["sex"].to_numpy(dtype=object), codes, values, numbers, has_syy)


def _rate_mh(
    cell: _Cell, factors: Sequence[str], confidence: float, *, continuity: bool = False
) -> dict[str, object]:
    method = MH_METHOD_CORRECTED if continuity else MH_METHOD
    codes = np.column_stack([cell.codes[f] for f in factors])
    strata, stratum = np.unique(codes, axis=0, return_inverse=True)
    stratum = stratum.reshape(-1)
    sums = {}
    for sex in ("women", "men"):
        rows = cell.sex == sex
        for column in ("n", "sy"):
            sums[column, sex] = np.bincount(
                stratum[rows], weights=cell.numbers[column][rows], minlength=len(strata)
            )
    both = (sums["n", "women"] > 0) & (sums["n", "men"] > 0)
    if not both.any():
        return _nan_result(method, [NOTE_NO_STRATA])
    a, n1 = sums["sy", "women"][both], sums["n", "women"][both]
    c, n0 = sums["sy", "men"][both], sums["n", "men"][both]
    b, d = n1 - a, n0 - c
    total = n1 + n0
    weight = n1 * n0 / total
    estimate = float(np.sum((a * n0 - c * n1) / total) / weight.sum())
    # Greenland & Robins (1985), variance of the Mantel-Haenszel risk difference.
    variance = np.sum((a * b * n0**3 + c * d * n1**3) / (n1 * n0 * total**2)) / weight.sum() ** 2
    z = iv.normal_quantile(confidence)
    se = float(np.sqrt(variance))
    # Cochran-Mantel-Haenszel test, with Yates's continuity correction when asked
    # (|sum(a - E[a])| - 1/2, floored at 0, as R's mantelhaen.test(correct = TRUE)).
    expected = n1 * (a + c) / total
    var_a = n1 * n0 * (a + c) * (b + d) / (total**2 * (total - 1.0))
    var_a = np.where(total > 1, var_a, 0.0)
    deviation = abs(float(np.sum(a - expected)))
    if continuity:
        deviation = max(deviation - 0.5, 0.0)
    statistic = deviation**2 / np.sum(var_a) if np.sum(var_a) > 0 else np.nan
    p_value = float(stats.chi2.sf(statistic, 1)) if np.isfinite(statistic) else np.nan
    ok = se > 0
    return {
        "adjusted_difference": estimate,
        "adjusted_ci_low": estimate - z * se if ok else np.nan,
        "adjusted_ci_high": estimate + z * se if ok else np.nan,
        "adjusted_p_value": p_value,
        "adjustment_method": method,
        "adjustment_note": "",
        "_adjusted_se": se if ok else np.nan,
        "_adjusted_df": np.inf if ok else np.nan,
        "_same_as_raw": False,
    }


def _t_result(
    estimate: float, se: float, df: float, confidence: float, method: str, notes: list[str]
) -> dict[str, object]:
    """Report a gap with a t reference on ``df`` degrees of freedom.

    The interval and p-value are left to :func:`_with_t_intervals`, which computes those of
    all cells at once.
    """
    ok = bool(np.isfinite(se) and se > 0 and np.isfinite(df) and df > 0)
    if not ok:
        return _normal_result(estimate, np.nan, confidence, method, notes)
    return {
        "adjusted_difference": estimate,
        "adjusted_ci_low": np.nan,
        "adjusted_ci_high": np.nan,
        "adjusted_p_value": np.nan,
        "adjustment_method": method,
        "adjustment_note": "; ".join(notes),
        "_adjusted_se": se,
        "_adjusted_df": df,
        "_same_as_raw": False,
    }


def _with_t_intervals(table: Columns, confidence: float) -> Columns:
    """Fill the interval and p-value of the gaps with a t reference (finite df), all at once.

    Every other gap has a normal reference (infinite df) or none (NaN) and is complete.
    """
    df = table["_adjusted_df"]
    rows = np.isfinite(df)
    if not rows.any():
        return table
    estimate = table["adjusted_difference"][rows]
    se = table["_adjusted_se"][rows]
    q = iv.t_isf((1.0 - confidence) / 2.0, df[rows])
    for name, values in (
        ("adjusted_ci_low", estimate - q * se),
        ("adjusted_ci_high", estimate + q * se),
        ("adjusted_p_value", 2.0 * iv.t_sf(np.abs(estimate / se), df[rows])),
    ):
        table[name] = table[name].copy()
        table[name][rows] = values
    return table


def _women_result(
    fit: RobustFit, confidence: float, method: str, notes: list[str]
) -> dict[str, object]:
    """Report the women coefficient (column 1) of a robust fit with its t interval and test."""
    return _t_result(float(fit.params[1]), fit.se(1), float(fit.df[0]), confidence, method, notes)


def _linear(
    cell: _Cell,
    factors: Sequence[str],
    kind: str,
    confidence: float,
    units: _CellUnits | None = None,
) -> dict[str, object] | _ToFit:
    """Estimate the women coefficient of a linear model on the cell's patterns, robustly.

    A mean without clusters: OLS on the persons with HC2; a ratio without clusters: WLS of
    the pattern ratios with HC1 over the rows; with clusters (``units``): CR2 over them.
    """
    method = METHOD[kind] if units is None else METHOD_CLUSTER[kind]
    weight_column = "n" if kind in ("mean", "rate") else "sx"
    weighted = cell.numbers[weight_column] != 0
    live = cell if weighted.all() else cell.take(weighted)
    if set(live.sex.tolist()) != {"women", "men"}:
        return _nan_result(method, [NOTE_ONE_SEX])
    design = design_of(live.sex == "women", {f: live.codes[f] for f in factors})
    notes = _design_notes(design)
    if not design.identified:
        return _nan_result(method, notes)
    x = design.matrix
    weight = live.numbers[weight_column]
    sy = live.numbers["sy"]
    if units is not None:
        keys = pd.DataFrame({**{f: live.values[f] for f in factors}, "sex": live.sex})
        rows = _cluster_rows(keys, x, units.frame())
        if rows is None:
            estimate = float(wls(x, weight, sy)[0][1])
            return _normal_result(estimate, np.nan, confidence, method, [*notes, NOTE_FEW_CLUSTERS])
        return _ToFit("cr2", rows[0], rows[1:], 0.0, method, notes)
    if kind == "mean":
        return _mean_gap(live, x, confidence, method, notes)
    # Every row a unit: HC1 from the pattern sums, t with units - k degrees of freedom; fitted
    # with the other cells' (:func:`_stacked_results`).
    sums = live.numbers
    numbers = (weight, sy, sums["syy"], sums["sxx"], sums["sxy"])
    return _ToFit("hc1", x, numbers, float(sums["units"].sum()), method, notes)


def _women_contrast(k: int) -> np.ndarray:
    contrast = np.zeros((1, k))
    contrast[0, 1] = 1.0
    return contrast


@dataclass(frozen=True)
class _ToFit:
    """A gap waiting for the fits of all cells at once (:func:`_stacked_results`).

    ``model`` says which fit and what ``numbers`` holds per design row: ``"hc2"`` (a mean)
    persons, summed outcome and summed squares (:func:`genderbudget._sandwich.
    hc2_persons_stacked`); ``"hc1"`` (a ratio) the summed denominator and numerator and the
    sums of their squares and products, with ``units`` the units behind the rows
    (:func:`genderbudget._sandwich.hc1_units_stacked`); ``"cr2"`` (with clusters) weights,
    weighted sums and cluster codes, one row per cluster x pattern x sex
    (:func:`genderbudget._sandwich.cr2_stacked`).
    """

    model: str
    design: np.ndarray
    numbers: tuple[np.ndarray, ...]
    units: float
    method: str
    notes: list[str]


def _mean_gap(
    live: _Cell, x: np.ndarray, confidence: float, method: str, notes: list[str]
) -> dict[str, object] | _ToFit:
    """OLS on the persons of the patterns, HC2 with Bell-McCaffrey df.

    A fit with an interval comes back as a :class:`_ToFit`, to be fitted with those of
    the other cells.
    """
    weight = live.numbers["n"]
    sy = live.numbers["sy"]
    if not bool(live.has_syy.all()):
        no_ss = [*notes, NOTE_NO_SS]
        return _normal_result(float(wls(x, weight, sy)[0][1]), np.nan, confidence, method, no_ss)
    if weight.sum() <= x.shape[1]:
        return _normal_result(float(wls(x, weight, sy)[0][1]), np.nan, confidence, method, notes)
    return _ToFit("hc2", x, (weight, sy, live.numbers["syy"]), 0.0, method, notes)


def _stacked_results(
    waiting: list[tuple[int, _ToFit]], confidence: float
) -> Iterator[tuple[int, dict[str, object]]]:
    """Fit the waiting cells' models together, by model and number of columns.

    Each fit gets the numbers it would get alone (to rounding). For HC2 and HC1 the designs
    are padded to a common length: a padding row has no persons, no weight and a zero design
    row. For CR2 the rows of all fits go in together, each marked with its fit.
    """
    groups: dict[tuple[str, int], list[tuple[int, _ToFit]]] = {}
    for item in waiting:
        groups.setdefault((item[1].model, item[1].design.shape[1]), []).append(item)
    for (model, width), items in groups.items():
        contrast = _women_contrast(width)
        if model == "cr2":
            owner = np.concatenate([np.full(len(f.design), i) for i, (_, f) in enumerate(items)])
            columns = [np.concatenate([f.numbers[j] for _, f in items]) for j in range(3)]
            design = np.concatenate([f.design for _, f in items])
            codes = columns[2].astype(np.int64)
            fits = cr2_stacked(design, columns[0], columns[1], codes, owner, len(items), contrast)
        else:
            rows = max(len(fit.design) for _, fit in items)
            design = np.zeros((len(items), rows, width))
            numbers = np.zeros((len(items[0][1].numbers), len(items), rows))
            for i, (_, fit) in enumerate(items):
                size = len(fit.design)
                design[i, :size] = fit.design
                numbers[:, i, :size] = fit.numbers
            if model == "hc2":
                fits = hc2_persons_stacked(design, numbers[0], numbers[1], numbers[2], contrast[0])
            else:
                units = np.array([fit.units for _, fit in items], dtype=np.float64)
                sx, sy, syy, sxx, sxy = numbers
                fits = hc1_units_stacked(design, sx, sy, syy, sxx, sxy, units)
        for i, (position, waited) in enumerate(items):
            yield position, _fitted_result(fits.fit(i), confidence, waited)


def _fitted_result(fit: RobustFit, confidence: float, waited: _ToFit) -> dict[str, object]:
    """Report the women coefficient of a stacked fit; no interval where one cluster decides it."""
    lone_cluster = fit.supported is not None and not bool(fit.supported[0])
    if lone_cluster:
        lone = [*waited.notes, NOTE_LONE_UNIT]
        return _normal_result(float(fit.params[1]), np.nan, confidence, waited.method, lone)
    return _women_result(fit, confidence, waited.method, waited.notes)


def _cluster_rows(
    keys: pd.DataFrame, x: np.ndarray, units: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """One design row per cluster x pattern x sex, for WLS with the CR2 variance over clusters.

    ``keys`` holds the factors and sex of each design row. Returns the rows' design, weights
    (summed denominator), weighted sums (summed numerator) and cluster codes; None when a
    sex has fewer than 2 clusters (then the fit on the patterns gives the estimate alone).
    """
    row = positions(units, keys, list(keys.columns))  # each unit's design row (-1: none)
    sx = units["sx"].to_numpy(dtype=float)
    keep = (row >= 0) & (sx > 0)
    row = row[keep]
    codes = pd.factorize(units["cluster"].to_numpy(dtype=object)[keep])[0].astype(np.int64)
    sex = units["sex"].to_numpy(dtype=object)[keep]
    if any(len(np.unique(codes[sex == s])) < 2 for s in ("women", "men")):
        return None
    sy = units["sy"].to_numpy(dtype=float)[keep]
    return x[row], sx[keep], sy, codes


def adjust(
    patterns: pd.DataFrame,
    kind: str,
    by: Sequence[str],
    factors: Sequence[str],
    confidence: float,
    method: str = "model",
    units: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compute the adjusted women-vs-men gap per breakdown cell of one measure.

    Parameters
    ----------
    patterns : pandas.DataFrame
        Cell statistics of one measure per ``<by...>, <factors...>, sex``.
    kind : str
        The measure kind.
    by, factors : sequence of str
        Breakdown columns and justified factors.
    confidence : float
        Confidence level.
    method : {"model", "mantel-haenszel"}
        For rates: the logistic model (default) or the Mantel-Haenszel estimate.
    units : pandas.DataFrame, optional
        For a ratio with a cluster: sums per cluster within each pattern
        (:attr:`CellStats.pattern_units`); the interval is then cluster-robust.

    Returns
    -------
    pandas.DataFrame
        ``<by...>`` and :data:`ADJUSTED_COLUMNS`, one row per breakdown cell.

    Notes
    -----
    The table is turned into arrays once and split into cells by position; each cell's
    design is built on its own. The logistic fits of all cells run together
    (:func:`genderbudget._models.fit_logistic_stacked`), and so do the linear models' (HC2,
    HC1 and CR2, :func:`_stacked_results`); every cell gets the numbers it would get on its
    own. A head-count or total has nothing to adjust.
    """
    one = "measure"  # the one measure's name in the table of all measures' gaps
    rows = patterns.assign(measure=one)
    cells_units = None if units is None else units.assign(measure=one)
    together = adjust_measures(rows, {one: kind}, by, factors, confidence, method, cells_units)
    texts = [*by, "adjustment_method", "adjustment_note"]
    return together.frame([*by, *ADJUSTED_COLUMNS, *ADJUSTED_INTERNAL], infer=texts)


def adjust_measures(
    patterns: pd.DataFrame,
    kinds: Mapping[str, str],
    by: Sequence[str],
    factors: Sequence[str],
    confidence: float,
    method: str = "model",
    units: pd.DataFrame | None = None,
) -> Columns:
    """Compute the adjusted women-vs-men gaps of several measures at once.

    Parameters
    ----------
    patterns : pandas.DataFrame
        Cell statistics per ``measure, <by...>, <factors...>, sex``
        (:attr:`CellStats.patterns`).
    kinds : mapping of str to str
        Each measure's kind, by name.
    by, factors, confidence, method
        As in :func:`adjust`.
    units : pandas.DataFrame, optional
        Sums per cluster within each pattern of the measures with a cluster
        (:attr:`CellStats.pattern_units`, with a ``measure`` column).

    Returns
    -------
    Columns
        ``measure, <by...>``, :data:`ADJUSTED_COLUMNS` and :data:`ADJUSTED_INTERNAL` as
        arrays (keys and texts as Python objects), one row per measure and breakdown cell
        with pattern rows.

    Notes
    -----
    Each measure's cells get the numbers :func:`adjust` gives them: the table is turned
    into arrays once and split into cells by position; the fits of all cells of all
    measures run together, by model and number of columns.
    """
    keys_of = ["measure", *by]
    clustered = set() if units is None else set(units["measure"].tolist())
    unit_cells = _units_by_cell(units, keys_of)
    present = set(patterns["measure"].tolist())
    wanted = {kind for name, kind in kinds.items() if name in present}
    table = _cell_arrays(patterns, factors, wanted, with_values=unit_cells is not None)
    compared = np.isin(table.sex, ["women", "men"]) & (table.numbers["n"] > 0)
    nobody = np.zeros(0, dtype=np.intp)
    nothing = _nan_result("none", [NOTE_NOT_APPLICABLE])
    keys: list[dict[str, Any]] = []
    lefts: list[list[str]] = []
    results: list[dict[str, object] | PreparedPatterns | _ToFit] = []
    pending: list[tuple[int, _Cell, PreparedPatterns]] = []
    waiting: list[tuple[int, _ToFit]] = []
    cells = _cell_rows(patterns, keys_of, compared)
    # The rates fitted by the logistic model (no clusters) and their set-aside.
    logistic = {
        name
        for name, kind in kinds.items()
        if kind == "rate" and name not in clustered and method not in MH_METHODS
    }
    aside = _set_aside(table, [rows for key, rows in cells if key["measure"] in logistic], factors)
    varying = _varying(table, [rows for _, rows in cells], factors)
    for (key, rows), varies in zip(cells, varying, strict=True):
        kind = kinds[key["measure"]]
        left = [f for f, v in zip(factors, varies, strict=True) if v]
        keys.append(key)
        lefts.append(left)
        if kind in ("count", "total"):
            # Nothing to adjust in a head-count or a total: every cell gets the same note.
            results.append(dict(nothing))
            continue
        cell = table.take(rows)
        cell_units = None
        if unit_cells is not None and key["measure"] in clustered:
            cell_units = _CellUnits(unit_cells[0], unit_cells[1].get(tuple(key.values()), nobody))
        cell_aside = aside[rows] if key["measure"] in logistic else None
        result = _adjust_cell(cell, kind, factors, left, confidence, method, cell_units, cell_aside)
        if isinstance(result, PreparedPatterns):
            pending.append((len(results), cell, result))
        elif isinstance(result, _ToFit):
            waiting.append((len(results), result))
        results.append(result)
    for position, done in _rate_results(pending, confidence):
        results[position] = done
    for position, done in _stacked_results(waiting, confidence):
        results[position] = done
    finished = [
        {**key, **_with_dropped(result, factors, left)}  # type: ignore[arg-type]
        for key, left, result in zip(keys, lefts, results, strict=True)
    ]
    return _adjusted_table(finished, keys_of, confidence)


_FLOAT_COLUMNS = frozenset(
    {
        "adjusted_difference",
        "adjusted_ci_low",
        "adjusted_ci_high",
        "adjusted_p_value",
        "_adjusted_se",
        "_adjusted_df",
    }
)


def _adjusted_table(
    finished: list[dict[str, object]], by: Sequence[str], confidence: float
) -> Columns:
    """Return one row per cell: its keys, the adjusted gap's columns and the t intervals.

    Numbers as floats, ``_same_as_raw`` as booleans, keys and texts as Python objects.
    """
    table = Columns(rows=len(finished))
    for name in [*by, *ADJUSTED_COLUMNS, *ADJUSTED_INTERNAL]:
        values = [row[name] for row in finished]
        if name in _FLOAT_COLUMNS:
            table[name] = np.array(values, dtype=np.float64)
        elif name == "_same_as_raw":
            table[name] = np.array(values, dtype=bool)
        else:
            table[name] = objects(values)
    return _with_t_intervals(table, confidence)


def _cell_rows(
    patterns: pd.DataFrame, by: Sequence[str], keep: np.ndarray
) -> list[tuple[dict[str, Any], np.ndarray]]:
    """Each breakdown cell's ``{column: value}`` and the positions of its rows in ``keep``.

    The cells in the order they first appear (a cell without a row kept has no positions);
    a missing value is one value; the rows of a cell in their order.
    """
    if not by:
        return [({}, np.flatnonzero(keep))]
    values = [patterns[b].to_numpy(dtype=object) for b in by]
    number, first = first_codes(values, len(patterns))
    kept = np.flatnonzero(keep)
    order = kept[np.argsort(number[kept], kind="stable")]
    bounds = np.searchsorted(number[order], np.arange(len(first) + 1)).tolist()
    firsts = zip(*(column[first].tolist() for column in values), strict=True)
    return [
        (dict(zip(by, key, strict=True)), order[bounds[i] : bounds[i + 1]])
        for i, key in enumerate(firsts)
    ]


@dataclass(frozen=True)
class _CellUnits:
    """The women's and men's units of one breakdown cell: rows of the units table.

    The rows are taken from the table only when a fit needs them (most cells of a fine
    breakdown end before, e.g. with one sex only).
    """

    table: pd.DataFrame
    rows: np.ndarray

    def frame(self) -> pd.DataFrame:
        """Return the cell's units."""
        return self.table.iloc[self.rows]


def _units_by_cell(
    units: pd.DataFrame | None, by: Sequence[str]
) -> tuple[pd.DataFrame, dict[tuple[Any, ...], np.ndarray]] | None:
    """Find the women's and men's units of each breakdown cell (none for a missing value).

    Returns those units and the positions of each cell's among them.
    """
    if units is None:
        return None
    units = units.loc[units["sex"].isin(["women", "men"])]
    if not by:
        return units, {(): np.arange(len(units))}
    grouped = units.groupby(list(by), sort=False, dropna=True)
    return units, {
        key if isinstance(key, tuple) else (key,): np.asarray(rows)
        for key, rows in grouped.indices.items()
    }


def _varying(table: _Cell, cells: list[np.ndarray], factors: Sequence[str]) -> list[list[bool]]:
    """Whether each factor varies among each cell's rows (:func:`varying_codes`, all at once)."""
    sizes = np.array([len(c) for c in cells], dtype=np.int64)
    varies = np.zeros((len(cells), len(factors)), dtype=bool)
    filled = sizes > 0
    if filled.any() and factors:
        rows = np.concatenate(cells)
        starts = (np.cumsum(sizes) - sizes)[filled]
        for j, factor in enumerate(factors):
            codes = table.codes[factor][rows]
            low = np.minimum.reduceat(codes, starts)
            high = np.maximum.reduceat(codes, starts)
            varies[filled, j] = low != high
    return varies.tolist()


def _set_aside(table: _Cell, cells: list[np.ndarray], factors: Sequence[str]) -> np.ndarray:
    """Each row's set-aside for the logistic fit of its cell, for all cells at once.

    The same rows as :func:`genderbudget._models.degenerate_rows` on each cell's rows and
    varying factors (a factor constant in a cell sets nothing aside there).
    """
    aside = np.zeros(len(table), dtype=bool)
    if not cells or not factors:
        return aside
    rows = np.concatenate(cells)
    group = np.repeat(np.arange(len(cells), dtype=np.int64), [len(c) for c in cells])
    codes = [table.codes[f][rows] for f in factors]
    aside[rows] = degenerate_rows(table.numbers["n"][rows], table.numbers["sy"][rows], codes, group)
    return aside


def _rate_results(
    pending: list[tuple[int, _Cell, PreparedPatterns]], confidence: float
) -> Iterator[tuple[int, dict[str, object]]]:
    """Fit the logistic models of the waiting cells together, stacked by number of columns.

    The standardised gaps of the fits of one width are computed together too
    (:func:`genderbudget._models.standardised_differences`).
    """
    by_width: dict[int, list[tuple[int, _Cell, PreparedPatterns]]] = {}
    for item in pending:
        if item[2].design is not None:
            by_width.setdefault(item[2].design.matrix.shape[1], []).append(item)
    method = METHOD["rate"]
    for width, items in by_width.items():
        kept = [~prepared.aside for _, _, prepared in items]
        rows = np.array([int(k.sum()) for k in kept], dtype=np.int64)
        size = int(rows.max())
        stacked = np.zeros((len(items), size, width))
        successes = np.zeros((len(items), size))
        trials = np.zeros((len(items), size))
        for i, ((_, cell, prepared), keep) in enumerate(zip(items, kept, strict=True)):
            matrix = prepared.design.matrix  # type: ignore[union-attr]
            stacked[i, : rows[i]] = matrix
            successes[i, : rows[i]] = cell.numbers["sy"][keep]
            trials[i, : rows[i]] = cell.numbers["n"][keep]
        fits = [
            _rate_fit(prepared.fitted(logistic, None))
            for (_, _, prepared), logistic in zip(
                items, fit_logistic_stacked(stacked, successes, trials, rows), strict=True
            )
        ]
        done = [i for i, fit in enumerate(fits) if fit.params is not None and fit.cov is not None]
        estimates = ses = np.zeros(0)
        if done:
            totals = np.array([trials[i].sum() + fits[i].set_aside for i in done])
            estimates, ses = standardised_differences(
                stacked[done],
                np.stack([fits[i].params for i in done]),  # type: ignore[misc]
                np.stack([fits[i].cov for i in done]),  # type: ignore[misc]
                trials[done],
                totals,
            )
        gaps = dict(zip(done, zip(estimates.tolist(), ses.tolist(), strict=True), strict=True))
        for i, ((position, _, _), fit) in enumerate(zip(items, fits, strict=True)):
            if i in gaps:
                yield position, _normal_result(*gaps[i], confidence, method, fit.notes)
            else:
                yield position, _nan_result(method, fit.notes)


def _adjust_cell(
    cell: _Cell,
    kind: str,
    factors: Sequence[str],
    left: list[str],
    confidence: float,
    method: str,
    units: _CellUnits | None,
    aside: np.ndarray | None = None,
) -> dict[str, object] | PreparedPatterns | _ToFit:
    """Adjust the gap of one breakdown cell (women and men with persons only).

    A logistic model ready to be fitted comes back as its :class:`PreparedPatterns`, to be
    fitted with those of the other cells. ``left`` are the factors that vary in the cell;
    ``aside`` the rows set aside for the logistic fit, when known (:func:`_set_aside`).
    """
    if not left and len(cell):
        # No factor varies here: adjusting changes nothing, so the adjusted comparison is
        # the raw one (copied by the caller), whatever the method.
        names = quoted(factors)
        result = _nan_result("none", [note("no_factor_varies", names=names)])
        result["_same_as_raw"] = True
        return result
    if kind == "rate" and units is None and method in MH_METHODS:
        continuity = method == "mantel-haenszel-corrected"
        return _rate_mh(cell, left, confidence, continuity=continuity)
    if kind == "rate" and units is None:
        codes = {f: cell.codes[f] for f in left}
        prepared = prepare_patterns(
            cell.sex, cell.numbers["n"], cell.numbers["sy"], codes, codes, aside
        )
        if prepared.design is None or not prepared.design.identified:
            return _nan_result(METHOD["rate"], _rate_fit(prepared.unfitted()).notes)
        return prepared
    # A mean or ratio; or access decided per unit: a linear probability model, CR2 over
    # the units.
    return _linear(cell, left, kind, confidence, units)


def _with_dropped(
    result: dict[str, object], factors: Sequence[str], left: list[str]
) -> dict[str, object]:
    """Name the factors that did not vary in the cell (but others did) before the fit's notes."""
    dropped = [f for f in factors if f not in left]
    if dropped and left and result["adjustment_method"] != "none":
        notes = [note("factor_one_level", name=quoted([f])) for f in dropped]
        joined = "; ".join([*notes, str(result["adjustment_note"])])
        result["adjustment_note"] = joined.strip("; ")
    return result
