"""Representation next to resources: each sex's share of the persons and of the resource.

The classic gender-budget table. Per measure with a resource (``total``, ``rate``, ``mean``,
``ratio``) and breakdown cell, each sex's share of the persons the measure used stands next
to its share of the resource (the summed amount, the number who got a place, the numerator
of a ratio), with the difference of the two shares and a delta-method interval for it.
Works on the small table of cell statistics only, vectorised over cells.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from genderbudget import _intervals as iv
from genderbudget._columns import Columns, column
from genderbudget._measures import Measure
from genderbudget._notes import joined, note, note_where
from genderbudget._sums import by_measure, cell_numbers, cell_totals

__all__ = ["REPRESENTATION_COLUMNS", "representation", "representation_columns"]

REPRESENTATION_COLUMNS = (
    "persons",
    "persons_share",
    "resource",
    "resource_share",
    "share_difference",
    "ci_low",
    "ci_high",
    "confidence",
    "ci_method",
    "note",
)
RESOURCE_KINDS = ("total", "rate", "mean", "ratio")

CI_METHOD = "delta_t_persons"
CI_CLUSTER = "delta_t_units"
CI_NONE = "none"

NOTE_EMPTY_CELL = note("no_persons_no_shares")
NOTE_NO_PERSONS = note("no_persons_of_this_sex")
NOTE_ALL_PERSONS = note("all_persons_of_this_sex")
NOTE_ONE_PERSON = note("few_persons_in_cell")
NOTE_ONE_CLUSTER = note("few_clusters_in_cell")
NOTE_ZERO_RESOURCE = note("zero_resource")


def representation_columns(by: Sequence[str]) -> list[str]:
    """Column order of the ``representation`` table."""
    return ["measure", *by, "sex", *REPRESENTATION_COLUMNS]


def _method_note(m: Measure, aggregated: bool, has_syy: bool, clusters: bool) -> str:
    """Why the interval cannot be computed for this measure at all ("" when it can)."""
    if aggregated and m.kind == "ratio":
        return note("aggregated_ratio", column=m.column)
    if m.clustered and aggregated:
        return note("aggregated_cluster", column=m.column, cluster=m.cluster)
    if m.clustered and not clusters:
        return note("cluster_not_given", cluster=m.cluster, column=m.column)
    if m.kind != "rate" and not has_syy:
        code = "aggregated_total" if m.kind == "total" else "aggregated_no_sum_sq"
        return note(code, column=m.column)
    return ""


def _person_variance(
    n: np.ndarray,
    sy: np.ndarray,
    syy: np.ndarray,
    persons: np.ndarray,
    resource: np.ndarray,
    squares: np.ndarray,
) -> np.ndarray:
    """Var(S - P) with the persons as units, from the sums per sex (see the Notes)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = n / persons
        s = sy / resource
        spread = persons * ((1.0 - s) ** 2 * syy + s**2 * (squares - syy)) / resource**2
        return np.asarray((spread - 2.0 * s * (1.0 - s) + p * (1.0 - p)) / (persons - 1.0))


def _cluster_variance(
    stats: Columns, units: pd.DataFrame, by: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Var(S - P) and the number of clusters per row of ``stats``, clusters as units.

    ``units`` holds one row per cell x sex x cluster with ``rows`` (persons) and ``sy``.
    Vectorised over cells: a matrix of (cell, cluster) x sex sums, then the influence
    values ``z_c`` of the Notes of :func:`representation` for every sex at once.
    """
    cells: dict[tuple[object, ...], int] = {}
    pairs: dict[tuple[int, object], int] = {}
    sexes: dict[object, int] = {}
    unit_keys = zip(*(units[b] for b in by), strict=True) if by else iter([()] * len(units))
    cell_of_pair: list[int] = []
    pair_codes, sex_codes = [], []
    for key, cluster, sex in zip(unit_keys, units["cluster"], units["sex"], strict=True):
        cell = cells.setdefault(tuple(key), len(cells))
        pair = pairs.setdefault((cell, cluster), len(pairs))
        if pair == len(cell_of_pair):
            cell_of_pair.append(cell)
        pair_codes.append(pair)
        sex_codes.append(sexes.setdefault(sex, len(sexes)))
    shape = (len(pairs), len(sexes))
    y, m = np.zeros(shape), np.zeros(shape)
    np.add.at(y, (pair_codes, sex_codes), units["sy"].to_numpy(dtype=float))
    np.add.at(m, (pair_codes, sex_codes), units["rows"].to_numpy(dtype=float))
    owner = np.asarray(cell_of_pair, dtype=np.intp)
    y_c, m_c = y.sum(axis=1), m.sum(axis=1)
    count = np.bincount(owner, minlength=len(cells)).astype(float)
    total_y = np.bincount(owner, weights=y_c, minlength=len(cells))
    total_m = np.bincount(owner, weights=m_c, minlength=len(cells))
    var_cells = np.full((len(cells), len(sexes)), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        for j in range(len(sexes)):
            s = np.bincount(owner, weights=y[:, j], minlength=len(cells)) / total_y
            p = np.bincount(owner, weights=m[:, j], minlength=len(cells)) / total_m
            z = (y[:, j] - s[owner] * y_c) / total_y[owner]
            z -= (m[:, j] - p[owner] * m_c) / total_m[owner]
            summed = np.bincount(owner, weights=z * z, minlength=len(cells))
            var_cells[:, j] = count / (count - 1.0) * summed

    var = np.full(len(stats), np.nan)
    clusters = np.zeros(len(stats))
    stat_keys = zip(*(stats[b] for b in by), strict=True) if by else iter([()] * len(stats))
    for i, (key, sex) in enumerate(zip(stat_keys, stats["sex"], strict=True)):
        found = cells.get(tuple(key))
        if found is None:
            continue
        clusters[i] = count[found]
        # A sex with no person in the cell has z_c = 0 for every cluster.
        var[i] = var_cells[found, sexes[sex]] if sex in sexes else 0.0
    return var, clusters


def _one_measure(
    stats: Columns,
    m: Measure,
    by: Sequence[str],
    confidence: float,
    aggregated: bool,
    units: pd.DataFrame | None,
) -> Columns:
    n = column(stats, "n", float)
    sy = column(stats, "sy", float)
    # For a 0/1 rate y squared is y, so the sum of squares is the number who got it.
    syy = sy if m.kind == "rate" else column(stats, "syy", float)
    has_syy = bool(np.all(column(stats, "has_syy", bool))) if len(stats) else False
    clustered = m.clustered
    method_note = _method_note(m, aggregated, has_syy, clusters=units is not None)

    cells = cell_numbers(stats, by) if by and len(stats) else None
    persons = cell_totals(stats, n, by, cells)
    resource = cell_totals(stats, sy, by, cells)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(persons > 0, n / persons, np.nan)
        s = np.where((persons > 0) & (resource != 0), sy / resource, np.nan)
    difference = s - p
    if clustered and units is not None and not method_note:
        var, sampling_units = _cluster_variance(stats, units, by)
        method, few = CI_CLUSTER, NOTE_ONE_CLUSTER
    else:
        var = _person_variance(n, sy, syy, persons, resource, cell_totals(stats, syy, by, cells))
        sampling_units = persons
        method, few = CI_METHOD, NOTE_ONE_PERSON
    defined = (
        (sampling_units > 1)
        & (n > 0)
        & (n < persons)
        & (resource != 0)
        & np.isfinite(var)
        & (not method_note)
    )
    se = np.where(defined, np.sqrt(np.maximum(var, 0.0)), np.nan)
    low, high = iv.t_interval(difference, se, sampling_units - 1.0, confidence)

    # An empty cell says only that; otherwise a zero resource, then the first that holds of
    # the method's own note, too few sampling units, no persons and all persons.
    filled = persons != 0
    if method_note:
        reason = note_where(filled, method_note)
    else:
        reason = np.select(
            [~filled, sampling_units < 2, n == 0, n == persons],
            ["", few, NOTE_NO_PERSONS, NOTE_ALL_PERSONS],
            "",
        ).astype(object)
    notes = joined(
        note_where(~filled, NOTE_EMPTY_CELL),
        note_where(filled & (resource == 0), NOTE_ZERO_RESOURCE),
        reason,
    )

    added = {
        "persons": n.astype(np.int64),
        "persons_share": p,
        "resource": sy,
        "resource_share": s,
        "share_difference": difference,
        "ci_low": low,
        "ci_high": high,
        "confidence": np.full(len(n), confidence),
        "ci_method": np.full(len(n), CI_NONE if method_note else method, dtype=object),
        "note": notes,
    }
    labels = {name: stats[name] for name in ("measure", *by, "sex")}
    return Columns({**labels, **added}, len(n))


def representation(
    stats: Columns,
    measures: Sequence[Measure],
    by: Sequence[str],
    confidence: float,
    *,
    aggregated: bool,
    units: pd.DataFrame | None = None,
) -> Columns:
    """Each sex's share of the persons next to its share of the resource, per cell.

    Parameters
    ----------
    stats : Columns
        Cell statistics from :func:`genderbudget._cells.collect_cells` (``measure, <by...>,
        sex, n, rows, units, sy, syy, sx, sxx, sxy, has_syy``).
    measures : sequence of Measure
        The measures of the call; ``count`` measures have no resource and are left out.
    by : sequence of str
        Breakdown columns.
    confidence : float
        Confidence level of the intervals.
    aggregated : bool
        Whether the input was pre-aggregated (``n=`` given to :func:`analyse`).
    units : pandas.DataFrame, optional
        For ratios with ``cluster=``: ``measure, <by...>, sex, cluster, rows, sy`` per
        cluster (``rows`` being persons on row-level input), the sampling units of their
        interval; without it their interval is NaN with the reason in ``note``.

    Returns
    -------
    Columns
        One row per measure x breakdown cell x sex, in the order of ``stats``. Columns
        ``measure, <by...>, sex, persons, persons_share, resource, resource_share,
        share_difference, ci_low, ci_high, confidence, ci_method, note``: ``persons`` is
        the number of persons the measure used (the ``n`` of the estimates); ``resource``
        the summed amount (``total``, ``mean``), the number who got it (``rate``) or the
        numerator (``ratio``); the shares are of the cell's total over all sexes, unknown
        included; ``share_difference`` is ``resource_share - persons_share``.

    Notes
    -----
    Within a cell let the persons ``i = 1..N`` carry the resource ``y_i`` and the indicator
    ``I_i`` of the sex of the row, ``Y = sum y_i``. The resource share is
    ``S = sum y_i I_i / Y``, the persons share ``P = sum I_i / N`` and the difference
    ``D = S - P``. Treating the persons as independent draws (the same model as the other
    intervals of :func:`analyse`), linearisation (the delta method; Deville 1999,
    "Variance estimation for complex statistics and estimators: linearization and residual
    techniques", Survey Methodology 25(2)) gives the influence value of person ``i``

    ``z_i = y_i (I_i - S) / Y - (I_i - P) / N``,

    the derivative of ``D`` with respect to a weight on person ``i`` at weight 1 (the
    derivative of a ratio ``A/B`` is ``(dA - (A/B) dB) / B``). The ``z_i`` sum to 0, and
    ``Var(D) = N / (N - 1) * sum z_i^2``. Splitting the sum by ``I_i`` and writing ``Q_s``
    for the sum of ``y^2`` over the persons of the sex and ``Q_o`` over everyone else
    (``sum y I = S Y``, ``sum y (1 - I) = (1 - S) Y``, ``sum I = P N``),

    ``sum z^2 = ((1 - S)^2 Q_s + S^2 Q_o) / Y^2 - 2 S (1 - S) / N + P (1 - P) / N``,

    so ``Var(D) = (N ((1 - S)^2 Q_s + S^2 Q_o) / Y^2 - 2 S (1 - S) + P (1 - P)) / (N - 1)``,
    which needs only ``N``, ``Y`` and the sums of squares per sex. The interval is
    ``D ± t_{N-1} sqrt(Var(D))``. When every person carries the same amount, ``S = P`` and
    the variance is 0, as it should be. For a 0/1 rate ``y^2 = y``, so ``Q`` is the number
    who got it and pre-aggregated counts give the same interval as the rows; a mean with
    ``sum_sq=`` likewise. Pre-aggregated totals and ratios have no per-person sums of
    squares, and get NaN with the reason in ``note``.

    For a ratio with ``cluster=`` the clusters ``c = 1..G`` are the sampling units. The same
    derivative with one weight per cluster gives

    ``z_c = (y_sc - S y_c) / Y - (m_sc - P m_c) / N``,

    with ``y_sc`` and ``m_sc`` the cluster's resource and persons of the sex and ``y_c``,
    ``m_c`` over all its sexes; ``Var(D) = G / (G - 1) * sum z_c^2`` and the interval uses
    t with ``G - 1`` degrees of freedom. A woman and a man in one cluster enter the same
    ``z_c``, so the cell statistics (sums over clusters per sex, ``syy`` the sum of squared
    cluster sums) are not enough: the products across sexes within a cluster and the
    persons per cluster are needed, and are read from the per-cluster sums (``units``).
    On pre-aggregated input a row is not a person, so these ratios get NaN as well.

    Like any delta-method interval it is too narrow when a sex has few persons and the
    amounts are skewed; read such cells with care.

    Validated in the test suite against a hand computation, a numerical differentiation of
    ``D`` on the rows, and a nonparametric bootstrap.
    """
    names = [m.name for m in measures]
    stats_of, units_of = by_measure(stats, names), by_measure(units, names)
    parts = [
        _one_measure(
            stats_of[m.name],
            m,
            by,
            confidence,
            aggregated,
            units_of.get(m.name),
        )
        for m in measures
        if m.kind in RESOURCE_KINDS
    ]
    columns = representation_columns(by)
    if not parts:
        return Columns({name: np.empty(0, dtype=object) for name in columns}, 0)
    table = Columns.concat(parts)
    return Columns({name: table[name] for name in columns}, len(table))
