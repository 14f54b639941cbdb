"""Firth's penalised logistic regression on collapsed binomial cells.

When the women and men of a factor pattern are separated (everybody of one sex got it, or
nobody did) the maximum-likelihood estimate of a logistic model does not exist. Firth's
penalised likelihood (Firth 1993) always has a finite maximum, removes the first-order bias of
the maximum-likelihood estimate, and is the standard remedy for separation (Heinze & Schemper
2002). This module fits it on collapsed cells, one row per covariate pattern with ``trials``
and ``successes``, and gives exactly the estimate of the same data expanded to one row per
trial.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import linalg, special

__all__ = ["FirthFit", "firth_logit"]

Array = NDArray[np.float64]

MAX_STEP = 5.0  # largest change of any coefficient in one iteration (logistf's maxstep)
MAX_HALVINGS = 60  # step-halvings before an iteration gives up
SHOWN = 5  # offending rows quoted in an error message

ERROR_DESIGN_SHAPE = (
    "design must be a two-dimensional array with one row per cell and one column per "
    "coefficient (the intercept first) and at least one of each; got shape {shape}. "
    "Pass a matrix such as np.column_stack([np.ones(k), women, ...])."
)
ERROR_COUNT_SHAPE = (
    "{name} must be a one-dimensional array with one value per design row ({rows} rows); "
    "got shape {shape}. Pass one count per row of design, in the same order."
)
ERROR_NOT_FINITE = (
    "{name} has values that are not finite at rows {rows}: {values}. "
    "Remove these rows or fill in their values before fitting."
)
ERROR_NEGATIVE_SUCCESSES = (
    "successes has negative values at rows {rows}: {values}. "
    "Successes are counts between 0 and trials; check the column passed as successes."
)
ERROR_TRIALS_NOT_POSITIVE = (
    "trials must be positive, but rows {rows} have {values}. "
    "Drop cells with no trials before fitting; they carry no information."
)
ERROR_SUCCESSES_EXCEED = (
    "successes exceed trials at rows {rows}: successes {successes}, trials {trials}. "
    "Each row's successes must lie between 0 and its trials; check that the two arrays are "
    "not swapped."
)
ERROR_RANK = (
    "design is rank deficient: rank {rank} with {columns} columns, so the coefficients are "
    "not identified. Drop collinear columns (for example, keep one dummy per factor level "
    "but the first, and drop factors that coincide with another)."
)
ERROR_ILL_CONDITIONED = (
    "design has full rank but its information matrix X' W X with {columns} columns is not "
    "numerically positive definite (columns of very different scale, or nearly collinear). "
    "Rescale the columns (for example, amounts in thousands) or drop nearly collinear ones."
)
ERROR_TOL = "tol must be a positive finite number; got {value!r}. Use for example tol=1e-10."
ERROR_MAX_ITER = "max_iter must be a positive integer; got {value!r}. Use for example max_iter=200."


@dataclass(frozen=True)
class FirthFit:
    """A Firth-penalised logistic fit.

    Attributes
    ----------
    params : numpy.ndarray
        Coefficients, one per design column (log-odds scale).
    cov : numpy.ndarray
        Wald covariance: the inverse of the Fisher information ``X' W X`` at the estimate,
        ``W = diag(trials * mu * (1 - mu))`` (what logistf and brglm2 report as standard
        errors).
    penalised_loglik : float
        ``l(b) + 0.5 log det(X' W X)`` at the estimate, with the binomial log-likelihood
        ``l(b) = sum(successes log mu + (trials - successes) log(1 - mu))`` written without
        the binomial coefficients, so that collapsed cells and their expanded rows give the
        same value.
    iterations : int
        Newton-Raphson iterations taken.
    converged : bool
        Whether the largest full Newton step fell to ``tol`` within ``max_iter`` iterations.
    """

    params: Array
    cov: Array
    penalised_loglik: float
    iterations: int
    converged: bool


@dataclass(frozen=True)
class _State:
    mu: Array
    cholesky: Array  # lower Cholesky factor of X' W X
    hat: Array
    penalised_loglik: float


def _rows(mask: ArrayLike) -> NDArray[np.intp]:
    return np.flatnonzero(mask)


def _quote(index: NDArray[np.intp], *columns: Array) -> list[str]:
    """Row numbers and values of the first offending rows, '... and N more' after that."""
    shown = index[:SHOWN]
    more = f" and {len(index) - SHOWN} more" if len(index) > SHOWN else ""
    parts = [", ".join(str(int(i)) for i in shown) + more]
    parts.extend(", ".join(f"{value:g}" for value in column[shown]) for column in columns)
    return parts


def _as_float(values: ArrayLike) -> Array:
    return np.asarray(values, dtype=np.float64)


def _check(
    design: ArrayLike, successes: ArrayLike, trials: ArrayLike, tol: float, max_iter: int
) -> tuple[Array, Array, Array]:
    if isinstance(max_iter, bool) or not isinstance(max_iter, int | np.integer) or max_iter < 1:
        raise ValueError(ERROR_MAX_ITER.format(value=max_iter))
    if not (isinstance(tol, float | int | np.floating) and np.isfinite(tol) and tol > 0):
        raise ValueError(ERROR_TOL.format(value=tol))
    x = _as_float(design)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(ERROR_DESIGN_SHAPE.format(shape=x.shape))
    y, n = _as_float(successes), _as_float(trials)
    for name, values in (("successes", y), ("trials", n)):
        if values.shape != (x.shape[0],):
            raise ValueError(
                ERROR_COUNT_SHAPE.format(name=name, rows=x.shape[0], shape=values.shape)
            )
    finite = np.isfinite(x)
    bad = ~finite.all(axis=1)
    if bad.any():
        first = x[np.arange(x.shape[0]), np.argmin(finite, axis=1)]  # first non-finite entry
        rows, quoted = _quote(_rows(bad), first)
        raise ValueError(ERROR_NOT_FINITE.format(name="design", rows=rows, values=quoted))
    for name, values in (("successes", y), ("trials", n)):
        bad = ~np.isfinite(values)
        if bad.any():
            rows, quoted = _quote(_rows(bad), values)
            raise ValueError(ERROR_NOT_FINITE.format(name=name, rows=rows, values=quoted))
    if (y < 0).any():
        rows, quoted = _quote(_rows(y < 0), y)
        raise ValueError(ERROR_NEGATIVE_SUCCESSES.format(rows=rows, values=quoted))
    if (n <= 0).any():
        rows, quoted = _quote(_rows(n <= 0), n)
        raise ValueError(ERROR_TRIALS_NOT_POSITIVE.format(rows=rows, values=quoted))
    if (y > n).any():
        rows, quoted_y, quoted_n = _quote(_rows(y > n), y, n)
        raise ValueError(
            ERROR_SUCCESSES_EXCEED.format(rows=rows, successes=quoted_y, trials=quoted_n)
        )
    # Rank does not depend on the columns' scale: judge it on columns scaled to at most 1.
    scale = np.max(np.abs(x), axis=0)
    rank = int(np.linalg.matrix_rank(x / np.where(scale > 0, scale, 1.0)))
    if rank < x.shape[1]:
        raise ValueError(ERROR_RANK.format(rank=rank, columns=x.shape[1]))
    return x, y, n


def _state(x: Array, y: Array, n: Array, beta: Array) -> _State | None:
    """Fitted rates, information, hat values and penalised log-likelihood at ``beta``.

    ``None`` when the information matrix is not finite and numerically positive definite
    (fitted rates so close to 0 or 1 that the penalty is minus infinity, or a design whose
    cross-products overflow); the caller then takes a shorter step or refuses the design.
    """
    # Overflow here is detected from its result (non-finite values), not reported twice.
    with np.errstate(over="ignore", invalid="ignore"):
        eta = x @ beta
        mu = special.expit(eta)
        weight = n * mu * (1.0 - mu)
        root = np.sqrt(weight)[:, None] * x
        information = root.T @ root
        # log mu = -log(1 + exp(-eta)), log(1 - mu) = -log(1 + exp(eta)), stable for large eta.
        loglik = -np.sum(y * np.logaddexp(0.0, -eta) + (n - y) * np.logaddexp(0.0, eta))
    if not (np.all(np.isfinite(information)) and np.isfinite(loglik)):
        return None
    try:
        cholesky = linalg.cholesky(information, lower=True)
    except linalg.LinAlgError:
        return None
    diagonal = np.diag(cholesky)
    if not np.all(diagonal > 0):
        return None
    # Hat values of the weighted fit: h_i = w_i x_i' (X' W X)^{-1} x_i. With W holding the
    # trials, a cell's h_i is the sum of the hat values of its expanded rows.
    # numpy's solve: scipy's triangular solve can take milliseconds on these small matrices
    # where BLAS threads compete for the cores, which adds up over many cells.
    solved = np.linalg.solve(cholesky, root.T)
    hat = np.einsum("ij,ij->j", solved, solved)
    log_det = 2.0 * np.sum(np.log(diagonal))
    return _State(mu, cholesky, hat, float(loglik + 0.5 * log_det))


def _climb(
    x: Array, y: Array, n: Array, beta: Array, step: Array, current: float
) -> tuple[Array, _State] | None:
    """Take ``step``, halving it while the penalised log-likelihood falls.

    The modified score is the gradient of the penalised log-likelihood and the Fisher
    information is positive definite, so a short enough step always climbs; ``None`` when
    none of the halvings does (the current point is a maximum to rounding).
    """
    floor = current - 1e-13 * max(1.0, abs(current))
    for _ in range(MAX_HALVINGS):
        candidate = _state(x, y, n, beta + step)
        if candidate is not None and candidate.penalised_loglik >= floor:
            return beta + step, candidate
        step = 0.5 * step
    return None


def firth_logit(
    design: np.ndarray,
    successes: np.ndarray,
    trials: np.ndarray,
    *,
    tol: float = 1e-10,
    max_iter: int = 200,
) -> FirthFit:
    r"""Fit a logistic model by Firth's penalised likelihood on binomial counts.

    Parameters
    ----------
    design : numpy.ndarray
        Design matrix, shape ``(k, p)``, of full column rank, the intercept as its first
        column; one row per cell (covariate pattern).
    successes : numpy.ndarray
        Successes per row, shape ``(k,)``, between 0 and ``trials``.
    trials : numpy.ndarray
        Trials per row, shape ``(k,)``, positive (need not be whole numbers).
    tol : float, default 1e-10
        Convergence tolerance on the largest full Newton step of any coefficient.
    max_iter : int, default 200
        Largest number of Newton-Raphson iterations.

    Returns
    -------
    FirthFit
        ``params`` (coefficients), ``cov`` (inverse Fisher information at the estimate, the
        Wald covariance), ``penalised_loglik``, ``iterations`` and ``converged``. When the
        iterations do not converge the last iterate is returned with ``converged=False``.

    Raises
    ------
    ValueError
        If the shapes do not agree, a value is not finite, successes are negative or exceed
        trials, trials are not positive, the design is rank deficient, or ``tol`` or
        ``max_iter`` are not positive.

    Notes
    -----
    Maximises the penalised log-likelihood (Firth 1993)

    .. math:: l^*(b) = l(b) + \tfrac12 \log\det(X^\top W X), \qquad
              W = \operatorname{diag}(n_i \mu_i (1 - \mu_i)),

    whose gradient is the modified score
    :math:`U^*(b) = X^\top (y - n\mu + h (\tfrac12 - \mu))`, with :math:`h` the diagonal
    of :math:`W^{1/2} X (X^\top W X)^{-1} X^\top W^{1/2}`. Because :math:`W` holds the
    trials, the hat value of a cell is the sum of the hat values of its rows when the cell
    is expanded to one row per trial, so the grouped and expanded fits solve the same
    equations and give the same estimate. The iteration is Newton-Raphson with the Fisher
    information as the matrix, ``b <- b + (X' W X)^{-1} U*(b)``, starting from zero, with
    each coefficient's change capped at 5 and the step halved while the penalised
    log-likelihood falls (as in the R package logistf; Heinze & Schemper 2002). The
    penalised likelihood has a finite maximum even under complete or quasi-complete
    separation. For a saturated model (one coefficient per cell) the estimate is the
    empirical logit with 1/2 added to successes and failures.

    Validated against the Firth estimates and standard errors for the endometrial cancer
    data of Heinze & Schemper (2002) as printed by the R package brglm2, the closed form for
    saturated 2 x 2 tables, a direct numerical maximisation of the penalised likelihood, and
    the same data expanded to one row per trial.

    References
    ----------
    Firth, D. (1993). Bias reduction of maximum likelihood estimates. Biometrika 80, 27-38.

    Heinze, G. & Schemper, M. (2002). A solution to the problem of separation in logistic
    regression. Statistics in Medicine 21, 2409-2419.

    Examples
    --------
    Nobody of 3 men and all of 3 women got it: the maximum-likelihood gap is infinite, the
    Firth gap is the log odds ratio with 1/2 added to each cell, log(3.5 * 3.5 / 0.5**2).

    >>> import numpy as np
    >>> from genderbudget._firth import firth_logit
    >>> design = np.array([[1.0, 0.0], [1.0, 1.0]])  # intercept, women
    >>> fit = firth_logit(design, np.array([0.0, 3.0]), np.array([3.0, 3.0]))
    >>> fit.converged, round(float(fit.params[1]), 6), round(float(np.log(49)), 6)
    (True, 3.89182, 3.89182)
    """
    x, y, n = _check(design, successes, trials, tol, max_iter)
    beta = np.zeros(x.shape[1])
    state = _state(x, y, n, beta)
    if state is None:
        raise ValueError(ERROR_ILL_CONDITIONED.format(columns=x.shape[1]))
    converged = False
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        score = x.T @ (y - n * state.mu + state.hat * (0.5 - state.mu))
        step = linalg.cho_solve((state.cholesky, True), score)
        largest = float(np.max(np.abs(step)))
        if largest > MAX_STEP:
            step *= MAX_STEP / largest
        moved = _climb(x, y, n, beta, step, state.penalised_loglik)
        if moved is None:
            break  # no step improves on the current point: not converged
        beta, state = moved
        if largest <= tol:
            converged = True
            break
    cov = linalg.cho_solve((state.cholesky, True), np.eye(x.shape[1]))
    return FirthFit(
        params=beta,
        cov=cov,
        penalised_loglik=state.penalised_loglik,
        iterations=iterations,
        converged=converged,
    )
