"""Small-sample cluster-robust inference: the CR2 sandwich with Bell–McCaffrey degrees of freedom.

Every clustered quantity of the library — a ratio of sums such as cost per care-day with
prisons or units as the clusters, its difference between women and men, and the same gap
adjusted for justified factors — is a weighted least-squares coefficient (or contrast)
fitted on a few rows per cluster. With a handful of clusters per sex the usual (CR1)
sandwich is biased downwards and a normal or ``t(G - 1)`` reference rejects far too
often. This module gives, from rows that are already sums (one row per cluster x factor
pattern x sex, never the person rows):

- the bias-reduced CR2 variance of Bell & McCaffrey (2002), in the general form of
  Pustejovsky & Tipton (2018, eq. 5–7) with the identity working model on these rows
  (the default of the R package clubSandwich for a weighted ``lm``: every cluster row is
  taken to vary alike, which is what happens when units differ more than persons do);
- the Satterthwaite degrees of freedom of a contrast (Bell & McCaffrey 2002; Pustejovsky
  & Tipton 2018, Theorem 2 and eq. 9): ``nu = (tr Omega)^2 / tr(Omega^2)``, computed without
  any N x N matrix as ``Omega = diag(d) + U' C U`` with ``U`` of 2p rows.

The persons form (:func:`hc2_persons`) is the same estimator when every person is a
cluster of one, with the rows of one factor pattern sharing their design row: the HC2
variance with its Bell–McCaffrey degrees of freedom, from the pattern sums alone.

References
----------
Bell, R. M. & McCaffrey, D. F. (2002). Bias reduction in standard errors for linear
regression with multi-stage samples. Survey Methodology 28(2), 169–181.

Pustejovsky, J. E. & Tipton, E. (2018). Small-sample methods for cluster-robust variance
estimation and hypothesis testing in fixed effects models. Journal of Business & Economic
Statistics 36(4), 672–683.

Imbens, G. W. & Kolesár, M. (2016). Robust standard errors in small samples: some
practical advice. Review of Economics and Statistics 98(4), 701–712.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from genderbudget._models import wls

__all__ = ["RobustFit", "cr2_clusters", "hc1_units", "hc2_persons"]

FloatArray = NDArray[np.float64]

# Eigenvalues of a cluster's adjustment matrix below this (relative to 1) count as zero: the
# cluster alone fits that direction exactly, so its residual there is zero too and the
# generalised inverse square root leaves it out (as clubSandwich does).
EIGEN_TOL = 1e-10


@dataclass(frozen=True)
class RobustFit:
    """A weighted least-squares fit with its CR2 covariance and Satterthwaite df.

    Attributes
    ----------
    params : numpy.ndarray
        The coefficients (p,).
    cov : numpy.ndarray
        The CR2 covariance (p, p).
    df : numpy.ndarray
        Satterthwaite degrees of freedom of each requested contrast.
    clusters : int
        Number of clusters with weight.
    supported : numpy.ndarray of bool or None
        Per contrast: False when the estimate moves with a cluster's data in a direction
        in which that cluster's residual is always 0 (a cluster that alone makes up a
        parameter, such as the only unit of one sex in a stratum), so that its variation
        cannot be estimated and the CR2 variance would leave it out.
    """

    params: FloatArray
    cov: FloatArray
    df: FloatArray
    clusters: int
    supported: NDArray[np.bool_] | None = None

    def se(self, index: int) -> float:
        """Return the standard error of coefficient ``index`` (a variance below 0 counts as 0)."""
        return float(np.sqrt(max(self.cov[index, index], 0.0)))


def _inverse_sqrt_psd(matrix: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Symmetric generalised inverse square root, and the eigenvectors it leaves out."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2.0)
    scale = max(1.0, float(np.max(np.abs(values)))) if values.size else 1.0
    keep = values > EIGEN_TOL * scale
    inverse = np.zeros_like(values)
    inverse[keep] = 1.0 / np.sqrt(values[keep])
    root = np.asarray((vectors * inverse) @ vectors.T, dtype=np.float64)
    return root, np.asarray(vectors[:, ~keep], dtype=np.float64)


def _satterthwaite(
    q_sq: FloatArray,
    a: FloatArray,
    b: FloatArray,
    multiplicity: FloatArray,
    bread: FloatArray,
    t_matrix: FloatArray,
) -> float:
    """``(tr Omega)^2 / tr(Omega^2)`` for ``Omega = diag(d) + U' C U``.

    ``Omega_jk = d_j delta_jk - a_j'M b_k - b_j'M a_k + a_j'M T M a_k`` with, per cluster,
    ``d_j = q_j'q_j``, ``a_j = X_j'q_j`` and ``b_j = X_j'W_j q_j``; clusters that are
    alike enter once with their ``multiplicity``.
    """
    p = bread.shape[0]
    u = np.concatenate([a, b], axis=1)  # clusters x 2p
    c = np.zeros((2 * p, 2 * p))
    c[:p, :p] = bread @ t_matrix @ bread
    c[:p, p:] = -bread
    c[p:, :p] = -bread
    uu = (u * multiplicity[:, None]).T @ u
    udu = (u * (multiplicity * q_sq)[:, None]).T @ u
    trace = float(np.sum(multiplicity * q_sq) + np.trace(c @ uu))
    cu = c @ uu
    trace_sq = float(
        np.sum(multiplicity * q_sq * q_sq) + 2.0 * np.trace(c @ udu) + np.trace(cu @ cu)
    )
    if not (trace > 0 and trace_sq > 0):
        return float("nan")
    return trace * trace / trace_sq


def cr2_clusters(
    design: FloatArray,
    weights: FloatArray,
    weighted_sums: FloatArray,
    clusters: NDArray[np.int64],
    contrasts: FloatArray,
) -> RobustFit:
    """WLS on rows of sums with the CR2 covariance and Satterthwaite df over clusters.

    Parameters
    ----------
    design : numpy.ndarray
        One row per cluster x pattern (x sex), p columns.
    weights : numpy.ndarray
        The row's weight, e.g. its summed care-days ``sx`` (the response is the row's
        ratio ``weighted_sums / weights``).
    weighted_sums : numpy.ndarray
        The row's weighted response, e.g. its summed cost ``sy``.
    clusters : numpy.ndarray
        Integer cluster code per row.
    contrasts : numpy.ndarray
        (k, p): the linear combinations whose degrees of freedom are wanted.

    Returns
    -------
    RobustFit

    Notes
    -----
    With ``M = (X'WX)^-1``, the hat matrix ``H = X M X'W`` and the identity working model,
    each cluster's adjustment is ``A_j = G_j^{-1/2}`` with ``G_j = [(I - H)(I - H)']_jj =
    I - H_jj - H_jj' + X_j M (X'W^2X) M X_j'`` (Pustejovsky & Tipton 2018, eq. 6–7 with
    ``Phi = I``), and ``V = M [sum_j X_j'W_j A_j e_j e_j' A_j W_j X_j] M``.
    """
    x = np.asarray(design, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    sums = np.asarray(weighted_sums, dtype=np.float64)
    codes = np.asarray(clusters)
    p = x.shape[1]
    params, bread = wls(x, w, sums)
    z = np.divide(sums, w, out=np.zeros_like(sums), where=w != 0)
    residual = z - x @ params
    t_matrix = np.asarray((x.T * (w * w)) @ x, dtype=np.float64)
    order = np.argsort(codes, kind="stable")
    x, w, residual, codes = x[order], w[order], residual[order], codes[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    stops = np.r_[starts[1:], len(codes)]
    k = contrasts.shape[0]
    meat = np.zeros((p, p))
    groups = len(starts)
    q_sq = np.zeros((k, groups))
    a = np.zeros((k, groups, p))
    b = np.zeros((k, groups, p))
    mc = bread @ contrasts.T  # p x k
    supported = np.ones(k, dtype=bool)
    for g, (start, stop) in enumerate(zip(starts, stops, strict=True)):
        xj, wj, ej = x[start:stop], w[start:stop], residual[start:stop]
        hj = (xj @ bread @ xj.T) * wj[None, :]
        gj = np.eye(len(wj)) - hj - hj.T + xj @ bread @ t_matrix @ bread @ xj.T
        aj, dropped = _inverse_sqrt_psd(gj)
        score = (xj.T * wj) @ (aj @ ej)
        meat += np.outer(score, score)
        sensitivity = (xj * wj[:, None]) @ mc  # n_j x k: d(c'b) / d(response of the rows)
        if dropped.shape[1]:
            lost = np.linalg.norm(dropped.T @ sensitivity, axis=0)
            size = np.linalg.norm(sensitivity, axis=0)
            supported &= ~(lost > 1e-6 * np.maximum(size, np.finfo(float).tiny))
        qj = aj @ sensitivity  # n_j x k
        q_sq[:, g] = np.sum(qj * qj, axis=0)
        a[:, g, :] = (xj.T @ qj).T
        b[:, g, :] = ((xj.T * wj) @ qj).T
    cov = bread @ meat @ bread
    ones = np.ones(groups)
    df = np.array([_satterthwaite(q_sq[i], a[i], b[i], ones, bread, t_matrix) for i in range(k)])
    return RobustFit(params, cov, df, groups, supported)


def hc2_persons(
    design: FloatArray,
    counts: FloatArray,
    sums: FloatArray,
    sum_squares: FloatArray | None,
    contrasts: FloatArray,
) -> RobustFit:
    """OLS on persons, given as pattern rows, with the HC2 covariance and BM df.

    Parameters
    ----------
    design : numpy.ndarray
        One row per factor pattern (x sex), p columns.
    counts : numpy.ndarray
        Persons per row.
    sums : numpy.ndarray
        Summed outcome per row.
    sum_squares : numpy.ndarray or None
        Summed squared outcome per row; None when not known (pre-aggregated input without
        sums of squares).
    contrasts : numpy.ndarray
        (k, p) linear combinations whose degrees of freedom are wanted.

    Returns
    -------
    RobustFit
        ``cov`` is NaN when ``sum_squares`` is None.

    Notes
    -----
    Every person is a cluster of one with weight 1, so ``G_i = 1 - h_i`` and the CR2
    variance is HC2 (MacKinnon & White 1985): ``M [sum_r x_r x_r' RSS_r / (1 - h_r)] M``
    with ``RSS_r`` the residual sum of squares of pattern r. The Bell–McCaffrey degrees of
    freedom come from the same ``Omega`` as :func:`cr2_clusters`, the persons of a pattern
    entering with their count.
    """
    x = np.asarray(design, dtype=np.float64)
    n = np.asarray(counts, dtype=np.float64)
    s = np.asarray(sums, dtype=np.float64)
    params, bread = wls(x, n, s)
    leverage = np.einsum("ij,jk,ik->i", x, bread, x)
    g = 1.0 - leverage
    inverse = np.zeros_like(g)
    ok = g > EIGEN_TOL
    inverse[ok] = 1.0 / g[ok]
    if sum_squares is None:
        cov = np.full((x.shape[1], x.shape[1]), np.nan)
    else:
        fitted = x @ params
        rss = np.maximum(
            np.asarray(sum_squares, dtype=np.float64) - 2 * fitted * s + n * fitted**2, 0.0
        )
        cov = bread @ ((x.T * (rss * inverse)) @ x) @ bread
    t_matrix = np.asarray((x.T * n) @ x, dtype=np.float64)
    df = []
    for c in np.atleast_2d(contrasts):
        q = np.sqrt(inverse) * (x @ (bread @ c))
        qx = x * q[:, None]
        df.append(_satterthwaite(q * q, qx, qx, n, bread, t_matrix))
    return RobustFit(params, cov, np.asarray(df, dtype=np.float64), int(n.sum()))


def hc1_units(
    design: FloatArray,
    weights: FloatArray,
    weighted_sums: FloatArray,
    sum_squares: FloatArray,
    weight_squares: FloatArray,
    cross_products: FloatArray,
    units: float,
) -> RobustFit:
    """WLS of ratios on pattern rows whose units are independent, with the HC1 covariance.

    Parameters
    ----------
    design : numpy.ndarray
        The design of the factor patterns (x sex), one row each.
    weights, weighted_sums : numpy.ndarray
        Per row the summed denominator ``sum x`` (the weight) and numerator ``sum y``.
    sum_squares, weight_squares, cross_products : numpy.ndarray
        Per row ``sum y^2``, ``sum x^2`` and ``sum x y`` over its units.
    units : float
        Number of units (independent rows of the input) behind all rows.

    Returns
    -------
    RobustFit
        ``df`` is ``units - p`` for every coefficient; ``cov`` NaN when that is not positive.

    Notes
    -----
    WLS of ``y_i / x_i`` with weights ``x_i`` on the units is WLS of the pattern ratios with
    the pattern's ``sum x`` as weight. The residual sum of squares of pattern r,
    ``sum (y_i - x_i f_r)^2 = syy - 2 f_r sxy + f_r^2 sxx``, gives the meat of the HC1
    covariance ``units / (units - p) M [sum_r x_r x_r' RSS_r] M``.
    """
    x = np.asarray(design, dtype=np.float64)
    params, bread = wls(x, weights, weighted_sums)
    p = x.shape[1]
    fitted = x @ params
    residual_ss = np.maximum(
        sum_squares - 2.0 * fitted * cross_products + fitted**2 * weight_squares, 0.0
    )
    df = np.array([units - p], dtype=np.float64)
    if units <= p:
        return RobustFit(params, np.full((p, p), np.nan), df, int(units))
    meat = x.T @ (residual_ss[:, None] * x)
    cov = units / (units - p) * bread @ meat @ bread
    return RobustFit(params, np.asarray(cov, dtype=np.float64), df, int(units))
