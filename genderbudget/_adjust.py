"""Gaps adjusted for justified factors, fitted on collapsed cells.

For every measure and breakdown cell the women-vs-men gap is re-estimated with the factors
the user declared justified (for example security class and sentence length) held equal.
The fits use one row per factor pattern x sex with its counts and sums, never the person
rows, and give the same coefficients as the row-level fits:

- rate: a binomial GLM (logit link) with sex and the factors; the adjusted difference is the
  marginal standardisation ``mean_i[p(i as a woman)] - mean_i[p(i as a man)]`` over all
  women and men of the cell, with a delta-method interval (the same quantity and standard
  error as statsmodels ``Logit.get_margeff(at="overall", dummy=True)`` on the rows);
- rate, ``method="mantel-haenszel"``: the Mantel-Haenszel risk difference over the factor
  strata with the Greenland-Robins variance and the Cochran-Mantel-Haenszel test;
- mean: OLS with sex and the factors, HC1 robust covariance from the cell sums;
- ratio of sums: WLS of the pattern ratios with the denominators as weights (the same as WLS
  of ``y_i / x_i`` with weights ``x_i`` on the rows), HC1 robust covariance over rows, or
  cluster-robust covariance over the measure's clusters (e.g. prisons) when it has one.

Factors enter as categories (one dummy per level but the first). A factor with one level in
a cell is left out there; a factor that coincides with sex makes the gap unidentifiable and
gives NaN with the reason; levels in which nobody or everybody got a rate-outcome are set
aside (their predicted difference is 0, the limit of the maximum-likelihood fit).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from genderbudget import _intervals as iv

__all__ = ["ADJUSTED_COLUMNS", "RateFit", "adjust", "fit_rate_model"]

ADJUSTED_COLUMNS = (
    "adjusted_difference",
    "adjusted_ci_low",
    "adjusted_ci_high",
    "adjusted_p_value",
    "adjustment_method",
    "adjustment_note",
)

METHOD = {
    "rate": "logistic GLM, marginal standardisation (delta method)",
    "mean": "OLS, HC1",
    "ratio": "WLS of ratios, HC1 over units",
}
METHOD_CLUSTER = "WLS of ratios, cluster-robust over units"
MH_METHOD = "Mantel-Haenszel risk difference (Greenland-Robins), CMH test"

NOTE_NO_FACTORS = "no justified factors given"
NOTE_NOT_APPLICABLE = "not applicable to head-counts and totals"
NOTE_ONE_SEX = "women and men are not both present"
NOTE_COINCIDES = "justified factor {names} coincides with sex: the gap cannot be separated from it"
NOTE_ONE_LEVEL = "factor {name} has one level here and is left out"
NOTE_COLLINEAR = "factor {names} is collinear with the other factors and is left out"
NOTE_DEGENERATE = (
    "{rows:,} persons in levels where all or none got it are set aside (predicted difference 0)"
)
NOTE_NOT_FITTED = "the model could not be fitted ({reason})"
NOTE_NO_SS = "sum of squares not given (sum_sq=): no interval"
NOTE_NO_STRATA = "no stratum holds both women and men"


@dataclass(frozen=True)
class _Design:
    matrix: np.ndarray  # rows: pattern x sex; columns: intercept, women, dummies
    notes: list[str]
    identified: bool


def _design(cell: pd.DataFrame, factors: Sequence[str]) -> _Design:
    women = (cell["sex"] == "women").to_numpy(dtype=float)
    columns = [np.ones(len(cell)), women]
    notes: list[str] = []
    blocks: list[tuple[str, np.ndarray]] = []
    for factor in factors:
        levels = sorted(pd.unique(cell[factor]), key=lambda v: (str(type(v)), v))
        if len(levels) < 2:
            notes.append(NOTE_ONE_LEVEL.format(name=repr(factor)))
            continue
        values = cell[factor].to_numpy()
        dummies = np.column_stack([(values == level).astype(float) for level in levels[1:]])
        blocks.append((factor, dummies))
    # Does a factor on its own determine sex?
    coincide = []
    for factor, dummies in blocks:
        without = np.column_stack([columns[0], dummies])
        if np.linalg.matrix_rank(np.column_stack([without, women])) == np.linalg.matrix_rank(
            without
        ):
            coincide.append(factor)
    if coincide:
        names = ", ".join(repr(f) for f in coincide)
        return _Design(np.empty((len(cell), 0)), [NOTE_COINCIDES.format(names=names)], False)
    matrix = np.column_stack(columns)
    collinear = []
    for factor, dummies in blocks:
        candidate = np.column_stack([matrix, dummies])
        if np.linalg.matrix_rank(candidate) == matrix.shape[1] + dummies.shape[1]:
            matrix = candidate
        else:
            collinear.append(factor)
    if collinear:
        notes.append(NOTE_COLLINEAR.format(names=", ".join(repr(f) for f in collinear)))
    reduced = np.asarray(np.delete(matrix, 1, axis=1), dtype=float)
    full = np.asarray(matrix, dtype=float)
    identified = np.linalg.matrix_rank(full) > np.linalg.matrix_rank(reduced)
    if not identified:
        return _Design(matrix, [*notes, NOTE_COINCIDES.format(names="(combined)")], False)
    return _Design(matrix, notes, True)


def _nan_result(method: str, notes: list[str]) -> dict[str, object]:
    return {
        "adjusted_difference": np.nan,
        "adjusted_ci_low": np.nan,
        "adjusted_ci_high": np.nan,
        "adjusted_p_value": np.nan,
        "adjustment_method": method,
        "adjustment_note": "; ".join(notes),
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
        "adjusted_p_value": float(2.0 * stats.norm.sf(abs(estimate / se))) if ok else np.nan,
        "adjustment_method": method,
        "adjustment_note": "; ".join(notes),
    }


def _set_aside_degenerate(cell: pd.DataFrame, factors: Sequence[str]) -> pd.Series:
    """Rows in factor levels where everybody or nobody (both sexes together) got it."""
    aside = pd.Series(False, index=cell.index)
    changed = True
    while changed:
        changed = False
        for factor in factors:
            live = cell.loc[~aside]
            totals = live.groupby(factor, dropna=False, sort=False)[["n", "sy"]].sum()
            degenerate = totals.index[(totals["sy"] == 0) | (totals["sy"] == totals["n"])]
            if len(degenerate) and len(degenerate) < len(totals):
                hit = cell[factor].isin(degenerate) & ~aside
                if hit.any():
                    aside |= hit
                    changed = True
    return aside


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
    or the model cannot be fitted.
    """
    aside = _set_aside_degenerate(cell, factors)
    set_aside = int(cell.loc[aside, "n"].sum())
    notes = [NOTE_DEGENERATE.format(rows=set_aside)] if aside.any() else []
    fit_cells = cell.loc[~aside]
    if set(fit_cells["sex"]) != {"women", "men"}:
        return RateFit(None, None, None, None, set_aside, [*notes, NOTE_ONE_SEX])
    design = _design(fit_cells, factors)
    notes = design.notes + notes
    if not design.identified:
        return RateFit(None, None, None, None, set_aside, notes)
    x = design.matrix
    n = fit_cells["n"].to_numpy(dtype=float)
    successes = fit_cells["sy"].to_numpy(dtype=float)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = sm.GLM(
                np.column_stack([successes, n - successes]), x, family=sm.families.Binomial()
            ).fit(tol=1e-13, maxiter=200)
        except (np.linalg.LinAlgError, ValueError) as error:
            reason = NOTE_NOT_FITTED.format(reason=error)
            return RateFit(None, None, None, None, set_aside, [*notes, reason])
    # statsmodels warns of "perfect prediction" whenever collapsed cells are fitted exactly
    # (a saturated fit), so separation is judged here instead: fitted rates at 0 or 1, or
    # diverging coefficients, or no convergence.
    problems = [w for w in caught if issubclass(w.category, ConvergenceWarning | RuntimeWarning)]
    fitted = np.asarray(fit.fittedvalues)
    separated = bool(
        np.any((fitted < 1e-9) | (fitted > 1 - 1e-9)) or np.any(np.abs(fit.params) > 25)
    )
    if problems or separated or not np.all(np.isfinite(fit.params)):
        reason = NOTE_NOT_FITTED.format(reason="perfect separation or no convergence")
        return RateFit(None, None, None, None, set_aside, [*notes, reason])
    return RateFit(
        np.asarray(fit.params),
        np.asarray(fit.cov_params()),
        x,
        n,
        set_aside,
        notes,
        fit_cells.index,
    )


def _rate_glm(cell: pd.DataFrame, factors: Sequence[str], confidence: float) -> dict[str, object]:
    method = METHOD["rate"]
    fit = fit_rate_model(cell, factors)
    if fit.params is None or fit.design is None or fit.counts is None or fit.cov is None:
        return _nan_result(method, fit.notes)
    x, n, beta = fit.design, fit.counts, fit.params
    total_n = float(n.sum()) + fit.set_aside
    as_women, as_men = x.copy(), x.copy()
    as_women[:, 1], as_men[:, 1] = 1.0, 0.0
    mu_w = 1.0 / (1.0 + np.exp(-(as_women @ beta)))
    mu_m = 1.0 / (1.0 + np.exp(-(as_men @ beta)))
    estimate = float(np.sum(n * (mu_w - mu_m)) / total_n)
    gradient = ((n * mu_w * (1 - mu_w)) @ as_women - (n * mu_m * (1 - mu_m)) @ as_men) / total_n
    se = float(np.sqrt(gradient @ fit.cov @ gradient))
    return _normal_result(estimate, se, confidence, method, fit.notes)


def _rate_mh(cell: pd.DataFrame, factors: Sequence[str], confidence: float) -> dict[str, object]:
    method = MH_METHOD
    keys = list(factors)
    women = cell.loc[cell["sex"] == "women", [*keys, "n", "sy"]]
    men = cell.loc[cell["sex"] == "men", [*keys, "n", "sy"]]
    strata = women.merge(men, on=keys, how="inner", suffixes=("_w", "_m"))
    strata = strata.loc[(strata["n_w"] > 0) & (strata["n_m"] > 0)]
    if strata.empty:
        return _nan_result(method, [NOTE_NO_STRATA])
    a, n1 = strata["sy_w"].to_numpy(float), strata["n_w"].to_numpy(float)
    c, n0 = strata["sy_m"].to_numpy(float), strata["n_m"].to_numpy(float)
    b, d = n1 - a, n0 - c
    total = n1 + n0
    weight = n1 * n0 / total
    estimate = float(np.sum((a * n0 - c * n1) / total) / weight.sum())
    # Greenland & Robins (1985), variance of the Mantel-Haenszel risk difference.
    variance = np.sum((a * b * n0**3 + c * d * n1**3) / (n1 * n0 * total**2)) / weight.sum() ** 2
    z = iv.normal_quantile(confidence)
    se = float(np.sqrt(variance))
    # Cochran-Mantel-Haenszel test without continuity correction.
    expected = n1 * (a + c) / total
    var_a = n1 * n0 * (a + c) * (b + d) / (total**2 * (total - 1.0))
    var_a = np.where(total > 1, var_a, 0.0)
    statistic = (np.sum(a - expected)) ** 2 / np.sum(var_a) if np.sum(var_a) > 0 else np.nan
    p_value = float(stats.chi2.sf(statistic, 1)) if np.isfinite(statistic) else np.nan
    return {
        "adjusted_difference": estimate,
        "adjusted_ci_low": estimate - z * se if se > 0 else np.nan,
        "adjusted_ci_high": estimate + z * se if se > 0 else np.nan,
        "adjusted_p_value": p_value,
        "adjustment_method": method,
        "adjustment_note": "",
    }


def _linear(
    cell: pd.DataFrame,
    factors: Sequence[str],
    kind: str,
    confidence: float,
    units: pd.DataFrame | None = None,
) -> dict[str, object]:
    method = METHOD[kind] if units is None else METHOD_CLUSTER
    weight_column = "n" if kind == "mean" else "sx"
    live = cell.loc[cell[weight_column] != 0]
    if set(live["sex"]) != {"women", "men"}:
        return _nan_result(method, [NOTE_ONE_SEX])
    design = _design(live, factors)
    notes = list(design.notes)
    if not design.identified:
        return _nan_result(method, notes)
    x = design.matrix
    weight = live[weight_column].to_numpy(dtype=float)
    sy = live["sy"].to_numpy(dtype=float)
    response = sy / weight
    bread = np.linalg.inv(x.T @ (weight[:, None] * x))
    beta = bread @ (x.T @ (weight * response))
    fitted = x @ beta
    syy = live["syy"].to_numpy(dtype=float)
    if kind == "mean":
        if not bool(live["has_syy"].all()):
            return _normal_result(float(beta[1]), np.nan, confidence, method, [*notes, NOTE_NO_SS])
        residual_ss = syy - 2.0 * fitted * sy + weight * fitted**2
        size = weight.sum()
    else:
        sxx = live["sxx"].to_numpy(dtype=float)
        sxy = live["sxy"].to_numpy(dtype=float)
        residual_ss = syy - 2.0 * fitted * sxy + fitted**2 * sxx
        size = live["units"].to_numpy(dtype=float).sum()
    residual_ss = np.maximum(residual_ss, 0.0)
    k = x.shape[1]
    if size <= k:
        return _normal_result(float(beta[1]), np.nan, confidence, method, notes)
    if units is None:
        meat = x.T @ (residual_ss[:, None] * x)
        covariance = size / (size - k) * bread @ meat @ bread
    else:
        # Cluster-robust: sum the score contributions within each cluster, across patterns.
        keys = [*factors, "sex"]
        position = pd.Series(np.arange(len(live)), index=pd.MultiIndex.from_frame(live[keys]))
        row = position.reindex(pd.MultiIndex.from_frame(units[keys])).to_numpy()
        keep = ~np.isnan(row)
        row = row[keep].astype(int)
        unit = units.loc[keep]
        residual = unit["sy"].to_numpy(float) - fitted[row] * unit["sx"].to_numpy(float)
        scores = (
            pd.DataFrame(x[row] * residual[:, None])
            .groupby(unit["cluster"].to_numpy(), sort=False)
            .sum()
        )
        groups = len(scores)
        persons = float(unit["rows"].sum())
        if groups < 2 or persons <= k:
            return _normal_result(float(beta[1]), np.nan, confidence, method, notes)
        meat = scores.to_numpy().T @ scores.to_numpy()
        factor = groups / (groups - 1.0) * (persons - 1.0) / (persons - k)
        covariance = factor * bread @ meat @ bread
    return _normal_result(
        float(beta[1]), float(np.sqrt(covariance[1, 1])), confidence, method, notes
    )


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
    """
    rows = []
    groups = patterns.groupby(list(by), sort=False, dropna=False) if by else [((), patterns)]
    for key, cell in groups:
        keys = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        cell = cell.loc[cell["sex"].isin(["women", "men"]) & (cell["n"] > 0)]
        if kind in ("count", "total"):
            result = _nan_result("none", [NOTE_NOT_APPLICABLE])
        elif kind == "rate" and method == "mantel-haenszel":
            result = _rate_mh(cell, factors, confidence)
        elif kind == "rate":
            result = _rate_glm(cell, factors, confidence)
        else:
            cell_units = None
            if units is not None:
                mask = np.ones(len(units), dtype=bool)
                for column, value in keys.items():
                    mask &= (units[column] == value).to_numpy()
                cell_units = units.loc[mask & units["sex"].isin(["women", "men"]).to_numpy()]
            result = _linear(cell, factors, kind, confidence, cell_units)
        rows.append({**keys, **result})
    return pd.DataFrame(rows, columns=[*by, *ADJUSTED_COLUMNS])
