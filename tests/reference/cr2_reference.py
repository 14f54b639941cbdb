"""Plain row-level reference for CR2 cluster-robust variances and Bell–McCaffrey degrees of freedom.

This module is an independent test oracle, not part of the package. It fits weighted least
squares ``y ~ X`` with weights ``w`` on row-level data and builds every quantity from full
``n x n`` matrices, exactly as the formulas are printed, so that each line can be checked
against the paper. It is meant for ``n`` up to a few hundred rows; it favours clarity over
speed and memory.

Notation follows Pustejovsky & Tipton (2018), "Small-sample methods for cluster-robust
variance estimation and hypothesis testing in fixed effects models", Journal of Business &
Economic Statistics 36(4):672–683, Sections 2–4 (equation numbers as in the revised
manuscript distributed with the clubSandwich sources):

* ``W = diag(w)``, ``M = (X'WX)^{-1}``, ``beta = M X'W y``, residuals ``e = y - X beta``;
* ``H = X M X'W`` and ``(I - H)_j`` the rows of ``I - H`` that belong to cluster ``j``;
* ``Phi`` the working covariance of the errors, block-diagonal by cluster (here diagonal).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = ["bm_df", "cr1_vcov", "cr2_vcov"]

# Eigenvalues at or below this value count as zero in the Moore–Penrose square root. It is the
# absolute threshold of clubSandwich's ``matrix_power`` (``tol = -12``, i.e. 10^-12); here it is
# applied after the working covariance has been scaled to unit mean, which makes it scale-free
# (CR2 and the degrees of freedom do not depend on the scale of Phi).
ZERO_EIGENVALUE = 1e-12


class _Fit(NamedTuple):
    """Everything the CR estimators need, as full matrices."""

    X: npt.NDArray[np.float64]
    W: npt.NDArray[np.float64]
    M: npt.NDArray[np.float64]
    e: npt.NDArray[np.float64]
    I_minus_H: npt.NDArray[np.float64]
    Phi: npt.NDArray[np.float64]
    clusters: list[npt.NDArray[np.intp]]


def _fit(
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    w: npt.ArrayLike | None,
    cluster: npt.ArrayLike,
    target: npt.ArrayLike | None,
    rescale_target: bool = True,
) -> _Fit:
    X_ = np.asarray(X, dtype=float)
    if X_.ndim == 1:
        X_ = X_[:, None]
    n = X_.shape[0]
    y_ = np.asarray(y, dtype=float).reshape(n)
    w_ = np.ones(n) if w is None else np.asarray(w, dtype=float).reshape(n)
    if np.any(w_ <= 0):
        raise ValueError("Weights must be positive.")
    labels = np.asarray(cluster).reshape(n)
    _, index = np.unique(labels, return_inverse=True)
    clusters = [np.flatnonzero(index == g) for g in range(index.max() + 1)]
    if len(clusters) < 2:
        raise ValueError("At least two clusters are needed.")

    W = np.diag(w_)
    M = np.linalg.inv(X_.T @ W @ X_)
    beta = M @ X_.T @ W @ y_
    e = y_ - X_ @ beta
    H = X_ @ M @ X_.T @ W
    phi = 1.0 / w_ if target is None else np.asarray(target, dtype=float).reshape(n)
    if np.any(phi <= 0):
        raise ValueError("The working variances in target must be positive.")
    if rescale_target:
        phi = phi / phi.mean()
    return _Fit(X_, W, M, e, np.eye(n) - H, np.diag(phi), clusters)


def _inverse_sqrt_psd(B: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Symmetric square root of the Moore–Penrose inverse, ``B^{+1/2}``."""
    values, vectors = np.linalg.eigh((B + B.T) / 2.0)
    kept = values > ZERO_EIGENVALUE
    powered = np.zeros_like(values)
    powered[kept] = values[kept] ** -0.5
    return (vectors * powered) @ vectors.T


def _adjustments(
    fit: _Fit, adjustment: Literal["cholesky", "whitened"]
) -> list[npt.NDArray[np.float64]]:
    """CR2 adjustment matrices, one per cluster.

    ``"cholesky"``: ``A_j = D_j' B_j^{+1/2} D_j`` with ``B_j = D_j S_j D_j'`` (Pustejovsky &
    Tipton eqs. 7-8, clubSandwich). ``"whitened"``: ``A_j = D_j' T_j^{+1/2} D_j'^{-1}`` with
    ``T_j = D_j'^{-1} S_j D_j^{-1}``. Here ``S_j = (I - H)_j Phi (I - H)_j'`` and
    ``Phi_j = D_j' D_j``; both satisfy ``A_j S_j A_j' = Phi_j`` when ``S_j`` has full rank.
    """
    if adjustment not in ("cholesky", "whitened"):
        raise ValueError(f"adjustment must be 'cholesky' or 'whitened', not {adjustment!r}.")
    out = []
    for rows in fit.clusters:
        Phi_j = fit.Phi[np.ix_(rows, rows)]
        # Upper-triangular Cholesky factor with Phi_j = D_j' D_j (diagonal here).
        D_j = np.linalg.cholesky(Phi_j).T
        IH_j = fit.I_minus_H[rows, :]
        S_j = IH_j @ fit.Phi @ IH_j.T
        if adjustment == "cholesky":
            B_j = D_j @ S_j @ D_j.T
            out.append(D_j.T @ _inverse_sqrt_psd(B_j) @ D_j)
        else:
            D_inv = np.linalg.inv(D_j)
            T_j = D_inv.T @ S_j @ D_inv
            out.append(D_j.T @ _inverse_sqrt_psd(T_j) @ D_inv.T)
    return out


def _sandwich(fit: _Fit, adjustments: list[npt.NDArray[np.float64]]) -> npt.NDArray[np.float64]:
    p = fit.X.shape[1]
    meat = np.zeros((p, p))
    for rows, A_j in zip(fit.clusters, adjustments, strict=True):
        X_j = fit.X[rows, :]
        W_j = fit.W[np.ix_(rows, rows)]
        u_j = X_j.T @ W_j @ A_j @ fit.e[rows]
        meat += np.outer(u_j, u_j)
    return fit.M @ meat @ fit.M


def cr2_vcov(
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    w: npt.ArrayLike | None,
    cluster: npt.ArrayLike,
    target: npt.ArrayLike | None = None,
    *,
    adjustment: Literal["cholesky", "whitened"] = "cholesky",
    rescale_target: bool = True,
) -> npt.NDArray[np.float64]:
    """CR2 (bias-reduced linearization) cluster-robust covariance of WLS coefficients.

    Parameters
    ----------
    X : array_like, shape (n, p)
        Design matrix of full column rank (include the intercept column yourself).
    y : array_like, shape (n,)
        Response.
    w : array_like, shape (n,), or None
        Positive WLS weights; None means ordinary least squares (all weights 1).
    cluster : array_like, shape (n,)
        Cluster label of each row; at least two distinct labels.
    target : array_like, shape (n,), or None
        Diagonal of the working covariance ``Phi``. None means ``Phi = W^{-1}`` (working
        variances ``1 / w``, the inverse-variance working model). Only its shape matters.
    adjustment : {"cholesky", "whitened"}
        ``"cholesky"`` (default) is the adjustment of Pustejovsky & Tipton (2018) and
        clubSandwich; ``"whitened"`` is the same formula applied to the regression transformed
        by ``Phi^{-1/2}`` (see Notes). The two agree whenever ``Phi_j`` is a multiple of the
        identity within every cluster.
    rescale_target : bool
        True (default) scales ``Phi`` to unit mean before the eigenvalue threshold is applied,
        which makes the threshold scale-free and changes nothing else. False applies it to
        ``Phi`` as given, which is what clubSandwich does; it is needed only to reproduce
        clubSandwich output for a ``target`` of small magnitude, where the absolute threshold
        discards eigenvalues that are not zero.

    Returns
    -------
    numpy.ndarray, shape (p, p)
        ``V = M (sum_j X_j' W_j A_j e_j e_j' A_j' W_j X_j) M``.

    Notes
    -----
    Pustejovsky & Tipton (2018), eq. (4) for the sandwich and eqs. (7)–(8) for the
    adjustment matrices::

        A_j = D_j' B_j^{+1/2} D_j,
        B_j = D_j (I - H)_j Phi (I - H)_j' D_j',

    where ``D_j`` is the upper-triangular Cholesky factor of ``Phi_j`` (``Phi_j = D_j' D_j``)
    and ``B_j^{+1/2}`` is the symmetric square root of the Moore–Penrose inverse, computed from
    the eigen-decomposition with eigenvalues at or below ``1e-12`` set to zero, as in
    clubSandwich. With ``Phi`` the identity and ``W`` the identity this is Bell & McCaffrey's
    (2002) ``A_j = (I - H_jj)^{-1/2}``; with every row its own cluster and ``Phi = W^{-1}`` it is
    HC2.

    The ``"whitened"`` variant uses ``A_j = D_j' T_j^{+1/2} D_j'^{-1}`` with
    ``T_j = D_j'^{-1} (I - H)_j Phi (I - H)_j' D_j^{-1}``. With ``Phi = W^{-1}`` it is the CR2
    estimator of the OLS fit of ``W^{1/2} y`` on ``W^{1/2} X`` under an identity working
    model, and the cluster score becomes
    ``X_j' W_j A_j e_j = M^{-1/2} (I - K_j)^{+1/2} M^{1/2} X_j' W_j e_j`` with
    ``K_j = M^{1/2} X_j' W_j X_j M^{1/2}``: it depends on the rows of a cluster only through
    ``X_j' W_j X_j`` and ``X_j' W_j e_j``. The ``"cholesky"`` variant does not have this
    property when the weights vary within a cluster.

    Exact unbiasedness under the working model (Pustejovsky & Tipton 2018, Theorem 1) holds
    for both variants when every ``B_j`` has full rank. With within-cluster fixed effects
    ``B_j`` is singular, and the proof needs ``W_j R_j`` in the column span of ``(I - H)_j``;
    that holds when ``W_j`` is a multiple of the identity (e.g. OLS), not in general. The
    ``"whitened"`` variant with ``Phi = W^{-1}`` is the CR2 of an OLS problem and stays
    exactly unbiased; the ``"cholesky"`` variant with weights varying within a cluster does
    not.
    """
    fit = _fit(X, y, w, cluster, target, rescale_target)
    return _sandwich(fit, _adjustments(fit, adjustment))


def bm_df(
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    w: npt.ArrayLike | None,
    cluster: npt.ArrayLike,
    contrast: npt.ArrayLike,
    target: npt.ArrayLike | None = None,
    *,
    adjustment: Literal["cholesky", "whitened"] = "cholesky",
    rescale_target: bool = True,
) -> float:
    """Bell–McCaffrey (Satterthwaite) degrees of freedom for a contrast ``c' beta`` under CR2.

    Parameters
    ----------
    X, y, w, cluster, target : see :func:`cr2_vcov`
        The same model, weights, clusters and working covariance.
    contrast : array_like, shape (p,)
        The vector ``c``.
    adjustment, rescale_target : see :func:`cr2_vcov`
        The CR2 variant and the eigenvalue threshold convention.

    Returns
    -------
    float
        ``nu``, the model-assisted Satterthwaite degrees of freedom.

    Notes
    -----
    Pustejovsky & Tipton (2018), eq. (11)::

        nu = (sum_j p_j' Phi p_j)^2 / sum_j sum_k (p_j' Phi p_k)^2,
        p_j = (I - H)_j' A_j' W_j X_j M c,

    with ``A_j`` from :func:`cr2_vcov` (the paper writes ``A_j``, which is symmetric there;
    the transpose is what makes ``c' V c = sum_j (p_j' e)^2`` for the non-symmetric
    ``"whitened"`` variant). Writing ``G = [p_1, ..., p_m]`` (``n x m``) and
    ``Omega = G' Phi G`` this is ``(tr Omega)^2 / tr(Omega^2)``, i.e.
    ``(sum lambda)^2 / sum lambda^2`` over the eigenvalues of ``Omega``. Because
    ``(I - H)_j e = e_j``, ``c' V c = sum_j (p_j' e)^2``; ``tr Omega`` is its expectation and
    ``2 tr(Omega^2)`` its variance under normal errors with covariance ``Phi``.
    """
    fit = _fit(X, y, w, cluster, target, rescale_target)
    c = np.asarray(contrast, dtype=float).reshape(fit.X.shape[1])
    columns = []
    for rows, A_j in zip(fit.clusters, _adjustments(fit, adjustment), strict=True):
        X_j = fit.X[rows, :]
        W_j = fit.W[np.ix_(rows, rows)]
        columns.append(fit.I_minus_H[rows, :].T @ A_j.T @ W_j @ X_j @ fit.M @ c)
    G = np.column_stack(columns)
    Omega = G.T @ fit.Phi @ G
    return float(np.trace(Omega) ** 2 / np.sum(Omega * Omega))


def cr1_vcov(
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    w: npt.ArrayLike | None,
    cluster: npt.ArrayLike,
) -> npt.NDArray[np.float64]:
    """CR1 cluster-robust covariance with the ``G/(G-1) (N-1)/(N-p)`` factor.

    Parameters
    ----------
    X, y, w, cluster : see :func:`cr2_vcov`
        The same model, weights and clusters.

    Returns
    -------
    numpy.ndarray, shape (p, p)
        ``G/(G-1) (N-1)/(N-p) M (sum_j X_j' W_j e_j e_j' W_j X_j) M``.

    Notes
    -----
    This is the factor of Stata's ``vce(cluster)`` and of statsmodels' ``cov_type="cluster"``
    (called CR1S by Pustejovsky & Tipton 2018, Section 2.3). clubSandwich's ``"CR1"`` uses
    ``G/(G-1)`` alone.
    """
    fit = _fit(X, y, w, cluster, None)
    n, p = fit.X.shape
    G = len(fit.clusters)
    identity = [np.eye(len(rows)) for rows in fit.clusters]
    return G / (G - 1) * (n - 1) / (n - p) * _sandwich(fit, identity)
