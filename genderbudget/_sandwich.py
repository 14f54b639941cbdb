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

from genderbudget._models import row_quadratic, weighted_gram, wls_stacked

__all__ = [
    "RobustFit",
    "RobustFits",
    "cr2_clusters",
    "cr2_stacked",
    "hc1_units_stacked",
    "hc2_persons",
    "hc2_persons_stacked",
]

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
    ``Phi = I``), and ``V = M [sum_j X_j'W_j A_j e_j e_j' A_j W_j X_j] M``. The one fit of
    :func:`cr2_stacked`.
    """
    x = np.asarray(design, dtype=np.float64)
    fits = np.zeros(len(x), dtype=np.intp)
    return cr2_stacked(x, weights, weighted_sums, clusters, fits, 1, contrasts).fit(0)


@dataclass(frozen=True)
class RobustFits:
    """Many fits of :func:`cr2_stacked`, one row of each array per fit.

    Attributes
    ----------
    params : numpy.ndarray
        (fits, p).
    cov : numpy.ndarray
        (fits, p, p).
    df : numpy.ndarray
        (fits, k): the Satterthwaite degrees of freedom of each contrast.
    clusters : numpy.ndarray
        (fits,): the number of clusters of each fit.
    supported : numpy.ndarray of bool
        (fits, k): see :class:`RobustFit`.
    """

    params: FloatArray
    cov: FloatArray
    df: FloatArray
    clusters: NDArray[np.int64]
    supported: NDArray[np.bool_]

    def fit(self, index: int) -> RobustFit:
        """Return fit ``index`` as a :class:`RobustFit`."""
        return RobustFit(
            self.params[index],
            self.cov[index],
            self.df[index],
            int(self.clusters[index]),
            self.supported[index],
        )

    def se(self, index: int) -> FloatArray:
        """Return the standard error of coefficient ``index`` of every fit (negative: 0)."""
        return np.asarray(np.sqrt(np.maximum(self.cov[:, index, index], 0.0)), dtype=np.float64)


# The arrays of one batch of clusters stay below this many numbers (clusters x rows x rows).
_BATCH = 1 << 20


def _positions(owner: NDArray[np.intp], count: int) -> tuple[NDArray[np.intp], int]:
    """Each item's position within its owner (items sorted by owner), and the most items."""
    sizes = np.bincount(owner, minlength=count)
    starts = np.cumsum(sizes) - sizes
    largest = int(sizes.max()) if sizes.size else 0
    return np.arange(len(owner)) - starts[owner], largest


def _padded(
    values: FloatArray, owner: NDArray[np.intp], position: NDArray[np.intp], shape: tuple[int, int]
) -> FloatArray:
    """Lay items out as (owners, most items, ...), zeros after each owner's last item."""
    out = np.zeros((*shape, *values.shape[1:]))
    out[owner, position] = values
    return out


def _inverse_sqrt_stacked(
    matrices: FloatArray,
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
    """Symmetric generalised inverse square roots of a stack of matrices.

    Returns the roots, the eigenvectors and which of them the roots leave out (eigenvalues
    at most ``EIGEN_TOL`` relative to the largest, or to 1).
    """
    values, vectors = np.linalg.eigh((matrices + np.swapaxes(matrices, 1, 2)) / 2.0)
    scale = np.maximum(1.0, np.max(np.abs(values), axis=1))
    keep = values > EIGEN_TOL * scale[:, None]
    inverse = np.zeros_like(values)
    inverse[keep] = 1.0 / np.sqrt(values[keep])
    root = (vectors * inverse[:, None, :]) @ np.swapaxes(vectors, 1, 2)
    return np.asarray(root, dtype=np.float64), np.asarray(vectors, dtype=np.float64), ~keep


@dataclass(frozen=True)
class _ClusterTerms:
    """Per cluster: its score, and per contrast ``q_j'q_j``, ``a_j``, ``b_j`` and support."""

    score: FloatArray  # (clusters, p)
    q_sq: FloatArray  # (clusters, k)
    a: FloatArray  # (clusters, k, p)
    b: FloatArray  # (clusters, k, p)
    unsupported: NDArray[np.bool_]  # (clusters, k)


def _cluster_terms(
    x: FloatArray,
    w: FloatArray,
    residual: FloatArray,
    starts: NDArray[np.intp],
    sizes: NDArray[np.intp],
    owner: NDArray[np.intp],
    bread: FloatArray,
    btb: FloatArray,
    mc: FloatArray,
) -> _ClusterTerms:
    """Compute the adjustment of every cluster, in batches of clusters of the same size."""
    groups, p, k = len(starts), x.shape[1], mc.shape[2]
    terms = _ClusterTerms(
        np.zeros((groups, p)),
        np.zeros((groups, k)),
        np.zeros((groups, k, p)),
        np.zeros((groups, k, p)),
        np.zeros((groups, k), dtype=bool),
    )
    for size in np.unique(sizes):
        same = np.flatnonzero(sizes == size)
        step = max(1, _BATCH // int(size * max(size, p, k)))
        for first in range(0, len(same), step):
            g = same[first : first + step]
            rows = starts[g][:, None] + np.arange(size)
            f = owner[g]
            xj, wj, ej = x[rows], w[rows], residual[rows]
            hj = (xj @ bread[f] @ np.swapaxes(xj, 1, 2)) * wj[:, None, :]
            gj = np.eye(size) - hj - np.swapaxes(hj, 1, 2)
            gj += xj @ btb[f] @ np.swapaxes(xj, 1, 2)
            root, vectors, dropped = _inverse_sqrt_stacked(gj)
            weighted = xj * wj[:, :, None]
            terms.score[g] = np.einsum("gip,gi->gp", weighted, np.einsum("gij,gj->gi", root, ej))
            sensitivity = weighted @ mc[f]  # rows x k: d(c'b) / d(response of the rows)
            projected = np.swapaxes(vectors, 1, 2) @ sensitivity
            lost = np.sqrt(np.sum(projected**2 * dropped[:, :, None], axis=1))
            scale = np.maximum(np.linalg.norm(sensitivity, axis=1), np.finfo(float).tiny)
            any_dropped = np.asarray(dropped.any(axis=1), dtype=bool)
            terms.unsupported[g] = any_dropped[:, None] & (lost > 1e-6 * scale)
            qj = root @ sensitivity
            terms.q_sq[g] = np.sum(qj * qj, axis=1)
            terms.a[g] = np.einsum("gip,gik->gkp", xj, qj)
            terms.b[g] = np.einsum("gip,gik->gkp", weighted, qj)
    return terms


def _satterthwaite_stacked(
    terms: _ClusterTerms,
    owner: NDArray[np.intp],
    count: int,
    bread: FloatArray,
    btb: FloatArray,
) -> FloatArray:
    """:func:`_satterthwaite` of every fit and contrast (each cluster once)."""
    position, largest = _positions(owner, count)
    u = np.concatenate([terms.a, terms.b], axis=2)  # clusters x k x 2p
    up = _padded(u, owner, position, (count, largest))
    qp = _padded(terms.q_sq, owner, position, (count, largest))
    p = bread.shape[1]
    c = np.zeros((count, 2 * p, 2 * p))
    c[:, :p, :p] = btb
    c[:, :p, p:] = -bread
    c[:, p:, :p] = -bread
    by_contrast = np.moveaxis(up, 1, 2)  # fits x k x clusters x 2p
    uu = weighted_gram(by_contrast)
    udu = weighted_gram(by_contrast, np.moveaxis(qp, 1, 2))
    cu = c[:, None] @ uu
    trace = qp.sum(axis=1) + np.einsum("fkii->fk", cu)
    trace_sq = (
        (qp * qp).sum(axis=1)
        + 2.0 * np.einsum("fkii->fk", c[:, None] @ udu)
        + np.einsum("fkij,fkji->fk", cu, cu)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        df = trace * trace / trace_sq
    return np.asarray(np.where((trace > 0) & (trace_sq > 0), df, np.nan), dtype=np.float64)


def cr2_stacked(
    design: FloatArray,
    weights: FloatArray,
    weighted_sums: FloatArray,
    clusters: NDArray[np.int64],
    fits: NDArray[np.intp],
    count: int,
    contrasts: FloatArray,
) -> RobustFits:
    """Many fits of :func:`cr2_clusters` at once, from the rows of all of them.

    Parameters
    ----------
    design : numpy.ndarray
        (rows, p): the rows of every fit, p columns each.
    weights, weighted_sums, clusters : numpy.ndarray
        Per row, as for :func:`cr2_clusters`; a cluster code need only be unique within
        its fit.
    fits : numpy.ndarray of int
        Per row, the fit it belongs to, from 0 to ``count - 1``; every fit has rows.
    count : int
        The number of fits.
    contrasts : numpy.ndarray
        (k, p): the linear combinations whose degrees of freedom are wanted in every fit.

    Returns
    -------
    RobustFits
        Each fit's numbers are those :func:`cr2_clusters` gives on its rows alone: the
        weighted least squares of all fits are solved together, and the clusters' CR2
        adjustments in batches of clusters with the same number of rows.

    Raises
    ------
    numpy.linalg.LinAlgError
        When a fit's weighted cross-product is singular.
    """
    fit = np.asarray(fits, dtype=np.intp)
    codes = np.asarray(clusters)
    order = np.lexsort((codes, fit))
    x = np.asarray(design, dtype=np.float64)[order]
    w = np.asarray(weights, dtype=np.float64)[order]
    sums = np.asarray(weighted_sums, dtype=np.float64)[order]
    codes, fit = codes[order], fit[order]
    position, largest = _positions(fit, count)
    xp = _padded(x, fit, position, (count, largest))
    params, bread = wls_stacked(
        xp,
        _padded(w, fit, position, (count, largest)),
        _padded(sums, fit, position, (count, largest)),
    )
    z = np.divide(sums, w, out=np.zeros_like(sums), where=w != 0)
    residual = z - np.einsum("nk,nk->n", x, params[fit])
    t_matrix = weighted_gram(xp, _padded(w * w, fit, position, (count, largest)))
    btb = bread @ t_matrix @ bread
    new = np.r_[True, (fit[1:] != fit[:-1]) | (codes[1:] != codes[:-1])]
    starts = np.flatnonzero(new)
    sizes = np.diff(np.r_[starts, len(codes)])
    owner = fit[starts]
    mc = bread @ np.asarray(contrasts, dtype=np.float64).T  # fits x p x k
    terms = _cluster_terms(x, w, residual, starts, sizes, owner, bread, btb, mc)
    cluster_position, most = _positions(owner, count)
    scores = _padded(terms.score, owner, cluster_position, (count, most))
    cov = bread @ weighted_gram(scores) @ bread
    df = _satterthwaite_stacked(terms, owner, count, bread, btb)
    unsupported = np.zeros((count, mc.shape[2]), dtype=bool)
    np.logical_or.at(unsupported, owner, terms.unsupported)
    groups = np.bincount(owner, minlength=count).astype(np.int64)
    return RobustFits(params, cov, df, groups, ~unsupported)


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
    x = np.asarray(design, dtype=np.float64)[None]
    n = np.asarray(counts, dtype=np.float64)[None]
    s = np.asarray(sums, dtype=np.float64)[None]
    known = sum_squares is not None
    squares = np.asarray(sum_squares, dtype=np.float64)[None] if known else np.zeros_like(s)
    # One fit of :func:`hc2_persons_stacked` per contrast (its degrees of freedom).
    fits = [hc2_persons_stacked(x, n, s, squares, c) for c in np.atleast_2d(contrasts)]
    width = x.shape[2]
    cov = fits[0].cov[0] if known else np.full((width, width), np.nan)
    df = np.asarray([fit.df[0, 0] for fit in fits], dtype=np.float64)
    return RobustFit(fits[0].params[0], cov, df, int(n.sum()))


def hc2_persons_stacked(
    design: FloatArray,
    counts: FloatArray,
    sums: FloatArray,
    sum_squares: FloatArray,
    contrast: FloatArray,
) -> RobustFits:
    """Many fits of :func:`hc2_persons` at once, each with the numbers it would get alone.

    Parameters
    ----------
    design : numpy.ndarray
        (fits, rows, p): each fit's pattern rows, padded with rows of zeros (and a count
        of 0) to a common length.
    counts, sums, sum_squares : numpy.ndarray
        (fits, rows): persons, summed outcome and summed squared outcome per row (0 in the
        padding).
    contrast : numpy.ndarray
        (p,): the linear combination whose degrees of freedom are wanted.

    Returns
    -------
    RobustFits
        ``df`` has one column; ``clusters`` holds each fit's persons; every contrast is
        counted as supported.

    Notes
    -----
    A padding row has no persons and a zero design row: it adds nothing to a cross
    product, its leverage is 0 and its term in the degrees of freedom is 0.
    """
    x = np.asarray(design, dtype=np.float64)
    n = np.asarray(counts, dtype=np.float64)
    s = np.asarray(sums, dtype=np.float64)
    params, bread = wls_stacked(x, n, s)
    leverage = row_quadratic(x, bread)
    g = 1.0 - leverage
    inverse = np.zeros_like(g)
    ok = g > EIGEN_TOL
    inverse[ok] = 1.0 / g[ok]
    fitted = np.einsum("frk,fk->fr", x, params)
    rss = np.maximum(
        np.asarray(sum_squares, dtype=np.float64) - 2 * fitted * s + n * fitted**2, 0.0
    )
    meat = weighted_gram(x, rss * inverse)
    cov = bread @ meat @ bread
    t_matrix = weighted_gram(x, n)
    q = np.sqrt(inverse) * np.einsum("frk,fk->fr", x, bread @ np.asarray(contrast, dtype=float))
    u = x * q[:, :, None]
    p = x.shape[2]
    c = np.zeros((x.shape[0], 2 * p, 2 * p))
    c[:, :p, :p] = bread @ t_matrix @ bread
    c[:, :p, p:] = -bread
    c[:, p:, :p] = -bread
    both = np.concatenate([u, u], axis=2)
    q_sq = q * q
    uu = weighted_gram(both, n)
    udu = weighted_gram(both, n * q_sq)
    cu = c @ uu
    trace = np.sum(n * q_sq, axis=1) + np.einsum("fii->f", cu)
    trace_sq = (
        np.sum(n * q_sq * q_sq, axis=1)
        + 2.0 * np.einsum("fii->f", c @ udu)
        + np.einsum("fij,fji->f", cu, cu)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where((trace > 0) & (trace_sq > 0), trace * trace / trace_sq, np.nan)
    fits = x.shape[0]
    return RobustFits(
        params,
        cov,
        np.asarray(df, dtype=np.float64)[:, None],
        np.asarray(n.sum(axis=1), dtype=np.int64),
        np.ones((fits, 1), dtype=bool),
    )


def hc1_units_stacked(
    design: FloatArray,
    weights: FloatArray,
    weighted_sums: FloatArray,
    sum_squares: FloatArray,
    weight_squares: FloatArray,
    cross_products: FloatArray,
    units: FloatArray,
) -> RobustFits:
    """WLS of ratios on pattern rows whose units are independent, HC1 covariance; many fits.

    Each fit gets the numbers it would get alone.

    Parameters
    ----------
    design : numpy.ndarray
        (fits, rows, p): each fit's pattern rows, padded with rows of zeros (and a weight of
        0) to a common length.
    weights, weighted_sums, sum_squares, weight_squares, cross_products : numpy.ndarray
        (fits, rows): ``sum x``, ``sum y``, ``sum y^2``, ``sum x^2`` and ``sum x y`` per row
        (0 in the padding).
    units : numpy.ndarray
        (fits,): the units behind each fit's rows.

    Returns
    -------
    RobustFits
        ``df`` has one column, ``units - p``; ``clusters`` holds each fit's units; every
        contrast is counted as supported; ``cov`` is NaN for a fit with ``units <= p``.

    Notes
    -----
    WLS of ``y_i / x_i`` with weights ``x_i`` on the units is WLS of the pattern ratios with
    the pattern's ``sum x`` as weight. The residual sum of squares of pattern r,
    ``sum (y_i - x_i f_r)^2 = syy - 2 f_r sxy + f_r^2 sxx``, gives the meat of the HC1
    covariance ``units / (units - p) M [sum_r x_r x_r' RSS_r] M``. A padding row has no
    weight and a zero design row, so it adds nothing to the cross products, and its residual
    sum of squares is 0.
    """
    x = np.asarray(design, dtype=np.float64)
    params, bread = wls_stacked(x, weights, weighted_sums)
    p = x.shape[2]
    fitted = np.einsum("frk,fk->fr", x, params)
    residual_ss = np.maximum(
        np.asarray(sum_squares, dtype=np.float64)
        - 2.0 * fitted * np.asarray(cross_products, dtype=np.float64)
        + fitted**2 * np.asarray(weight_squares, dtype=np.float64),
        0.0,
    )
    n_units = np.asarray(units, dtype=np.float64)
    meat = weighted_gram(x, residual_ss)
    enough = n_units > p
    scale = np.full(len(n_units), np.nan)
    scale[enough] = n_units[enough] / (n_units[enough] - p)
    cov = scale[:, None, None] * (bread @ meat @ bread)
    cov[~enough] = np.nan
    return RobustFits(
        params,
        np.asarray(cov, dtype=np.float64),
        (n_units - p)[:, None],
        n_units.astype(np.int64),
        np.ones((len(n_units), 1), dtype=bool),
    )
