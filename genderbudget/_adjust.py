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

Factors enter as categories (one dummy per level but the first). The one policy for
degenerate factors (:func:`varying_factors`): a factor that does not vary in a cell is left
out there, and when none is left the caller copies the unadjusted comparison; a factor that
coincides with sex makes the gap unidentifiable and gives NaN with the reason; levels in
which nobody or everybody got a rate-outcome are set aside (their predicted difference is 0,
the limit of the maximum-likelihood fit). An adjusted gap of a clustered measure that rests
on a single unit of one sex for some value of the factors gets no interval or test.
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
from genderbudget._firth import firth_logit
from genderbudget._sandwich import RobustFit, cr2_clusters, hc2_persons

__all__ = ["ADJUSTED_COLUMNS", "RateFit", "adjust", "fit_rate_model"]

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

NOTE_NO_FACTORS = "no justified factors given"
NOTE_NOT_APPLICABLE = "not applicable to head-counts and totals"
NOTE_ONE_SEX = "women and men are not both present"
NOTE_COINCIDES = "justified factor {names} coincides with sex: the gap cannot be separated from it"
NOTE_ONE_LEVEL = "factor {name} has one level here and is left out"
NOTE_NO_FACTOR_LEFT = (
    "factor {names} does not vary here, so adjusting changes nothing: the adjusted "
    "comparison is the raw one"
)
NOTE_COLLINEAR = "factor {names} is collinear with the other factors and is left out"
NOTE_DEGENERATE = (
    "{rows:,} persons in levels where all or none got it are set aside (predicted difference 0)"
)
NOTE_NOT_FITTED = "the model could not be fitted ({reason})"
NOTE_FIRTH = (
    "women and men are separated in some factor pattern (all or none of one sex got it): "
    "fitted by Firth's penalised likelihood"
)
NOTE_NO_SS = "sum of squares not given (sum_sq=): no interval"
NOTE_NO_STRATA = "no stratum holds both women and men"
NOTE_FEW_CLUSTERS = "fewer than 2 units of one sex: no interval"
NOTE_LONE_UNIT = (
    "the adjusted gap rests on a single unit of one sex for some value of the factors, whose "
    "variation between units cannot be estimated: no interval or test"
)


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
        "adjusted_p_value": float(2.0 * stats.norm.sf(abs(estimate / se))) if ok else np.nan,
        "adjustment_method": method,
        "adjustment_note": "; ".join(notes),
        "_adjusted_se": se if ok else np.nan,
        "_adjusted_df": np.inf if ok else np.nan,
        "_same_as_raw": False,
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
    # statsmodels warns of "perfect prediction" (and divides by zero while checking) whenever
    # collapsed cells are fitted exactly (a saturated fit), so separation is judged here
    # instead: fitted rates at 0 or 1, diverging coefficients, or no convergence. Then the
    # maximum-likelihood estimate does not exist and Firth's penalised likelihood, which
    # always has a finite maximum, gives the fit (Heinze & Schemper 2002).
    problems = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    fitted = np.asarray(fit.fittedvalues)
    separated = bool(
        np.any((fitted < 1e-9) | (fitted > 1 - 1e-9)) or np.any(np.abs(fit.params) > 25)
    )
    if problems or separated or not np.all(np.isfinite(fit.params)):
        firth = firth_logit(x, successes, n)
        if not firth.converged or not np.all(np.isfinite(firth.params)):
            reason = NOTE_NOT_FITTED.format(
                reason="no convergence, with or without Firth's penalty"
            )
            return RateFit(None, None, None, None, set_aside, [*notes, reason])
        return RateFit(
            np.asarray(firth.params),
            np.asarray(firth.cov),
            x,
            n,
            set_aside,
            [*notes, NOTE_FIRTH],
            fit_cells.index,
        )
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
    # A variance is >= 0; rounding can make a tiny one negative.
    se = float(np.sqrt(max(float(gradient @ fit.cov @ gradient), 0.0)))
    return _normal_result(estimate, se, confidence, method, fit.notes)


def _rate_mh(
    cell: pd.DataFrame, factors: Sequence[str], confidence: float, *, continuity: bool = False
) -> dict[str, object]:
    method = MH_METHOD_CORRECTED if continuity else MH_METHOD
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
    """Interval and p-value from a t reference with ``df`` degrees of freedom."""
    ok = bool(np.isfinite(se) and se > 0 and np.isfinite(df) and df > 0)
    if not ok:
        return _normal_result(estimate, np.nan, confidence, method, notes)
    q = float(stats.t.isf((1.0 - confidence) / 2.0, df))
    return {
        "adjusted_difference": estimate,
        "adjusted_ci_low": estimate - q * se,
        "adjusted_ci_high": estimate + q * se,
        "adjusted_p_value": float(2.0 * stats.t.sf(abs(estimate / se), df)),
        "adjustment_method": method,
        "adjustment_note": "; ".join(notes),
        "_adjusted_se": se,
        "_adjusted_df": df,
        "_same_as_raw": False,
    }


def _women_result(
    fit: RobustFit, confidence: float, method: str, notes: list[str]
) -> dict[str, object]:
    """Report the women coefficient (column 1) of a robust fit with its t interval and test."""
    se = float(np.sqrt(max(fit.cov[1, 1], 0.0)))
    return _t_result(float(fit.params[1]), se, float(fit.df[0]), confidence, method, notes)


def _linear(
    cell: pd.DataFrame,
    factors: Sequence[str],
    kind: str,
    confidence: float,
    units: pd.DataFrame | None = None,
) -> dict[str, object]:
    method = METHOD[kind] if units is None else METHOD_CLUSTER[kind]
    weight_column = "n" if kind in ("mean", "rate") else "sx"
    live = cell.loc[cell[weight_column] != 0]
    if set(live["sex"]) != {"women", "men"}:
        return _nan_result(method, [NOTE_ONE_SEX])
    design = _design(live, factors)
    notes = list(design.notes)
    if not design.identified:
        return _nan_result(method, notes)
    x = design.matrix
    k = x.shape[1]
    contrast = np.zeros((1, k))
    contrast[0, 1] = 1.0
    weight = live[weight_column].to_numpy(dtype=float)
    sy = live["sy"].to_numpy(dtype=float)
    if kind == "mean" and units is None:
        has_syy = bool(live["has_syy"].all())
        syy = live["syy"].to_numpy(dtype=float) if has_syy else None
        fit = hc2_persons(x, weight, sy, syy, contrast)
        if not has_syy:
            return _normal_result(
                float(fit.params[1]), np.nan, confidence, method, [*notes, NOTE_NO_SS]
            )
        if weight.sum() <= k:
            return _normal_result(float(fit.params[1]), np.nan, confidence, method, notes)
        return _women_result(fit, confidence, method, notes)
    if units is None and kind == "ratio":
        # Every row a unit: HC1 from the pattern sums, t with units - k degrees of freedom.
        bread = np.linalg.inv(x.T @ (weight[:, None] * x))
        beta = bread @ (x.T @ sy)
        fitted = x @ beta
        syy = live["syy"].to_numpy(dtype=float)
        sxx = live["sxx"].to_numpy(dtype=float)
        sxy = live["sxy"].to_numpy(dtype=float)
        residual_ss = np.maximum(syy - 2.0 * fitted * sxy + fitted**2 * sxx, 0.0)
        size = live["units"].to_numpy(dtype=float).sum()
        if size <= k:
            return _normal_result(float(beta[1]), np.nan, confidence, method, notes)
        meat = x.T @ (residual_ss[:, None] * x)
        covariance = size / (size - k) * bread @ meat @ bread
        return _t_result(
            float(beta[1]),
            float(np.sqrt(max(covariance[1, 1], 0.0))),
            size - k,
            confidence,
            method,
            notes,
        )
    # Clusters: one row per cluster x pattern x sex, the CR2 variance over clusters.
    if units is None:  # pragma: no cover - a mean without clusters is handled above
        raise ValueError("a clustered fit needs the sums per cluster")
    keys = [*factors, "sex"]
    position = pd.Series(np.arange(len(live)), index=pd.MultiIndex.from_frame(live[keys]))
    row = position.reindex(pd.MultiIndex.from_frame(units[keys])).to_numpy()
    keep = ~np.isnan(row) & (units["sx"].to_numpy(dtype=float) > 0)
    unit = units.loc[keep]
    row = row[keep].astype(int)
    few = [sex for sex in ("women", "men") if unit.loc[unit["sex"] == sex, "cluster"].nunique() < 2]
    if few:
        fit_all = hc2_persons(x, weight, sy, None, contrast)
        return _normal_result(
            float(fit_all.params[1]), np.nan, confidence, method, [*notes, NOTE_FEW_CLUSTERS]
        )
    codes = pd.factorize(unit["cluster"])[0].astype(np.int64)
    fit = cr2_clusters(
        x[row], unit["sx"].to_numpy(dtype=float), unit["sy"].to_numpy(dtype=float), codes, contrast
    )
    if fit.supported is not None and not bool(fit.supported[0]):
        return _normal_result(
            float(fit.params[1]), np.nan, confidence, method, [*notes, NOTE_LONE_UNIT]
        )
    return _women_result(fit, confidence, method, notes)


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
        left = varying_factors(cell, factors)
        if kind in ("count", "total"):
            result = _nan_result("none", [NOTE_NOT_APPLICABLE])
        elif not left and len(cell):
            # No factor varies here: adjusting changes nothing, so the adjusted comparison is
            # the raw one (copied by the caller), whatever the method.
            names = ", ".join(repr(f) for f in factors)
            result = _nan_result("none", [NOTE_NO_FACTOR_LEFT.format(names=names)])
            result["_same_as_raw"] = True
        elif kind == "rate" and units is not None:
            # Access decided per unit: a linear probability model, CR2 over the units.
            mask = np.ones(len(units), dtype=bool)
            for column, value in keys.items():
                mask &= (units[column] == value).to_numpy()
            in_cell = units.loc[mask & units["sex"].isin(["women", "men"]).to_numpy()]
            result = _linear(cell, left, "rate", confidence, in_cell)
        elif kind == "rate" and method in ("mantel-haenszel", "mantel-haenszel-corrected"):
            result = _rate_mh(
                cell, left, confidence, continuity=method == "mantel-haenszel-corrected"
            )
        elif kind == "rate":
            result = _rate_glm(cell, left, confidence)
        else:
            cell_units = None
            if units is not None:
                mask = np.ones(len(units), dtype=bool)
                for column, value in keys.items():
                    mask &= (units[column] == value).to_numpy()
                cell_units = units.loc[mask & units["sex"].isin(["women", "men"]).to_numpy()]
            result = _linear(cell, left, kind, confidence, cell_units)
        dropped = [f for f in factors if f not in left]
        if dropped and left and kind not in ("count", "total"):
            notes = [NOTE_ONE_LEVEL.format(name=repr(f)) for f in dropped]
            result["adjustment_note"] = "; ".join([*notes, str(result["adjustment_note"])]).strip(
                "; "
            )
        rows.append({**keys, **result})
    return pd.DataFrame(rows, columns=[*by, *ADJUSTED_COLUMNS, *ADJUSTED_INTERNAL])


def varying_factors(cell: pd.DataFrame, factors: Sequence[str]) -> list[str]:
    """Return the factors that take more than one value among the women and men of a cell.

    The one policy for degenerate factors: a factor constant within a cell cannot explain
    anything there and is left out (with a note); when none is left, the adjusted comparison
    is the raw one. A factor that coincides with sex is kept here and makes the adjusted gap
    not estimable (see the design checks).
    """
    return [f for f in factors if cell[f].nunique(dropna=False) > 1]
