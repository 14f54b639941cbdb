"""Measures: what is compared between women and men.

A measure is a small immutable description (which columns, which statistic). It holds no
data; :func:`genderbudget.analyse` turns it into sufficient statistics in one group-by and
then into estimates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from genderbudget._privacy import masked
from genderbudget._yes_no import check_mark

__all__ = ["Measure", "count", "mean", "per_need", "rate", "ratio", "total"]

Kind = Literal["count", "rate", "mean", "ratio", "total"]
Direction = Literal["higher_is_better", "lower_is_better", "resource", "neutral"]
DIRECTIONS: tuple[str, ...] = ("higher_is_better", "lower_is_better", "resource", "neutral")
BAD_DIRECTION = (
    "direction={value!r} is not allowed. Allowed values: 'higher_is_better' (access, "
    "service), 'lower_is_better' (waiting time, incidents), 'resource' (cost, staff hours: "
    "more is not in itself an advantage), 'neutral' (head-counts)."
)


@dataclass(frozen=True)
class Measure:
    """A quantity compared between women and men.

    Create measures with :func:`count`, :func:`rate`, :func:`mean`, :func:`ratio` and
    :func:`total` rather than directly.

    Attributes
    ----------
    kind : {"count", "rate", "mean", "ratio", "total"}
        The statistic.
    name : str
        The label used in the ``measure`` column of every result table.
    column : str or None
        The outcome column (numerator for a ratio); None for :func:`count`.
    denominator : str or None
        The denominator column of a ratio.
    cluster : str or None
        For a ratio, a mean or a rate: the column whose values are the units (clusters) that
        the interval treats as independent.
    sum_sq : str or None
        For a mean on pre-aggregated input: the column with the sum of squared values.
    direction : {"higher_is_better", "lower_is_better", "resource", "neutral"}
        Whether more is better for the client (access, service), worse (waiting time,
        incidents), a resource input (cost: a higher value is never called an advantage on
        its own), or neutral (head-counts). Decides who is *disadvantaged* by a gap.
    label : str or None
        Words for the measure in explanations, e.g. ``"i arbetsdrift"`` or ``"kostnad per
        vårddygn"`` (a singular noun phrase); default the name.
    unit : str or None
        Unit of an amount in explanations, e.g. ``"kr"`` or ``"timmar"``; default none.
    weight : str or None
        For a ratio: a column that multiplies the denominator row by row before it is summed,
        so the denominator is ``sum(denominator * weight)`` — the need score times the
        care-days of :func:`per_need`. None for a plain ratio.
    nonnegative : tuple of str
        Columns that count or divide, whose values must be >= 0 (a ratio's denominator, a
        need score, care-days); a negative value is an error that names the column and the
        rows. The amounts a measure sums or averages may be negative (corrections, refunds).
    marked : str or None
        For a rate: the mark that means yes in a column that is otherwise empty (``"x"``);
        an empty cell then means no. None: empty cells are missing.

    Notes
    -----
    The numbers in the rows follow one policy in every function: an infinite value
    (``inf``, ``-inf``) is an error naming the column, the number of rows and their
    positions (replace it with NaN to leave the row out, or correct it); a finite value
    beyond 1e50 in magnitude (2**53 for the count column ``n``) is an error too, since its
    square or sum would overflow; NaN is a missing value, left out and counted as excluded.
    Counts of persons (``n``, a rate's counts), a ratio's denominator, need scores, care-days
    and sums of squares cannot be negative; amounts (the numerator of a mean, total or
    ratio) can.

    Examples
    --------
    >>> import genderbudget as gb
    >>> measure = gb.ratio("kostnad", "varddygn", cluster="anstalt")
    >>> measure.kind, measure.columns, measure.direction
    ('ratio', ('kostnad', 'varddygn'), 'resource')
    """

    kind: Kind
    name: str
    column: str | None = None
    denominator: str | None = None
    cluster: str | None = None
    sum_sq: str | None = None
    direction: Direction = "neutral"
    label: str | None = None
    unit: str | None = None
    weight: str | None = None
    nonnegative: tuple[str, ...] = ()
    marked: str | None = None

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(BAD_DIRECTION.format(value=masked(self.direction)))

    @property
    def clustered(self) -> bool:
        """Whether the measure's interval treats its clusters, not its persons, as the units."""
        return self.cluster is not None and self.kind in ("ratio", "mean", "rate")

    @property
    def columns(self) -> tuple[str, ...]:
        """The value columns the measure reads, in order (numerator before denominator)."""
        return tuple(c for c in (self.column, self.denominator, self.weight) if c is not None)


def _name(name: str | None, default: str) -> str:
    if name is None:
        return default
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"A measure name must be a non-empty string, got {masked(name)!r}.")
    return name


def _column(value: object, argument: str, function: str) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError(
            f"{function}() expects the column name as a string for {argument!r}, "
            f"got {masked(value)!r} ({type(value).__name__})."
        )
    return value


def count(
    *, name: str | None = None, direction: Direction = "neutral", label: str | None = None
) -> Measure:
    """Count persons (rows) per sex: head-count and representation.

    Parameters
    ----------
    name : str, optional
        Label in the ``measure`` column; default ``"count"``.
    direction : str, default "neutral"
        See :class:`Measure`; a head-count says who is represented, not who is better off.
    label : str, optional
        Words for the measure in explanations; see :class:`Measure`.

    Returns
    -------
    Measure
        The estimate is the number of persons; the ``share`` column gives each sex's share
        of the persons in the cell. No sampling interval is computed for a head-count.

    Examples
    --------
    >>> import genderbudget as gb
    >>> gb.count()  # doctest: +NORMALIZE_WHITESPACE
    Measure(kind='count', name='count', column=None, denominator=None, cluster=None,
            sum_sq=None, direction='neutral', label=None, unit=None, weight=None,
            nonnegative=(), marked=None)
    """
    return Measure(kind="count", name=_name(name, "count"), direction=direction, label=label)


def rate(
    column: str,
    *,
    cluster: str | None = None,
    name: str | None = None,
    direction: Direction = "higher_is_better",
    label: str | None = None,
    marked: str | None = None,
) -> Measure:
    """Share of persons who got something: an access rate (e.g. work operations).

    Parameters
    ----------
    column : str
        A yes/no column (one row per person): 0/1, booleans, or text such as ``ja``/``nej``,
        ``j``/``n``, ``sant``/``falskt``, ``true``/``false`` or ``"1"``/``"0"`` (ignoring
        case and surrounding spaces; empty cells are missing). For pre-aggregated input, the
        number of persons in the row's group who got it.
    cluster : str, optional
        Column identifying the units (prisons, youth-home units) when access is decided per
        unit — work places are offered by the prison — so that persons of one unit are not
        independent. The share is then a ratio of sums over units with the small-sample CR2
        interval of :func:`ratio`; without it every person is independent.
    name : str, optional
        Label in the ``measure`` column; default the column name.
    direction : str, default "higher_is_better"
        See :class:`Measure`; use ``"lower_is_better"`` for e.g. the share with an incident.
    label : str, optional
        Words for the measure in explanations; see :class:`Measure`.
    marked : str, optional
        For a column that marks a yes with e.g. ``"x"`` and leaves the other cells empty:
        the mark. The mark then means yes and an empty cell (empty text or a missing value)
        no; without it, empty cells are missing and their rows are excluded.

    Returns
    -------
    Measure

    Notes
    -----
    How the text of a yes/no column was read is in :attr:`Result.coding`: each distinct
    value, what it was coded as and its rows.

    Per sex: the share with a Wilson score interval. Women vs men: the difference with
    Newcombe's hybrid score interval (method 10 in Newcombe 1998), the ratio with the
    Katz log interval, and a two-sided test of equal shares. With ``cluster``: each sex's
    share is a weighted least-squares intercept over its units (the units' shares weighted
    by their persons) with the CR2 variance and Bell-McCaffrey degrees of freedom (clipped
    to [0, 1]), the difference the coefficient of an indicator for women in one such fit
    clustered by unit, and the adjusted gap a linear probability model with the factors,
    CR2 over the units (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018).

    Examples
    --------
    >>> import genderbudget as gb
    >>> gb.rate("arbetsdrift").name
    'arbetsdrift'
    """
    column = _column(column, "column", "rate")
    if cluster is not None:
        cluster = _column(cluster, "cluster", "rate")
    return Measure(
        kind="rate",
        name=_name(name, column),
        column=column,
        cluster=cluster,
        direction=direction,
        label=label,
        marked=check_mark(marked),
    )


def mean(
    column: str,
    *,
    sum_sq: str | None = None,
    cluster: str | None = None,
    name: str | None = None,
    direction: Direction = "resource",
    label: str | None = None,
    unit: str | None = None,
) -> Measure:
    """Mean amount per person, e.g. resource per client.

    Parameters
    ----------
    column : str
        A numeric column (one row per person), or, for pre-aggregated input, the sum of the
        amounts in the row's group. Amounts may be negative (corrections, refunds); infinite
        values are refused (see :class:`Measure`).
    sum_sq : str, optional
        Pre-aggregated input only: the column with the sum of squared amounts in the group
        (>= 0), needed for the interval. Without it the interval is NaN and the reason is given
        (unless ``cluster`` is given: the clustered interval needs only the sums per unit).
    cluster : str, optional
        Column identifying the units (prisons, youth-home units) when the amounts of persons
        in one unit move together — a cost per client set by the unit's budget. The mean is
        then the ratio of sums ``sum y / n`` over units, with the small-sample CR2 interval
        of :func:`ratio`; without it every person is independent.
    name : str, optional
        Label in the ``measure`` column; default the column name.
    direction : str, default "resource"
        See :class:`Measure`; use ``"lower_is_better"`` for e.g. waiting days.
    label : str, optional
        Words for the measure in explanations; see :class:`Measure`.
    unit : str, optional
        Unit of the amount in explanations, e.g. ``"kr"``; see :class:`Measure`.

    Returns
    -------
    Measure

    Notes
    -----
    Per sex: the mean with a t interval. Women vs men: Welch's t (unequal variances) for
    the difference; the ratio of means with a delta-method interval on the log scale. With
    ``cluster``: each sex's mean is a weighted least-squares intercept over its units (the
    units' means weighted by their persons) with the CR2 variance and Bell-McCaffrey degrees
    of freedom, and the difference the coefficient of an indicator for women in one such fit
    clustered by unit (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018).

    Examples
    --------
    >>> import genderbudget as gb
    >>> gb.mean("kostnad").kind
    'mean'
    """
    column = _column(column, "column", "mean")
    if sum_sq is not None:
        sum_sq = _column(sum_sq, "sum_sq", "mean")
    if cluster is not None:
        cluster = _column(cluster, "cluster", "mean")
    return Measure(
        kind="mean",
        name=_name(name, column),
        column=column,
        cluster=cluster,
        sum_sq=sum_sq,
        direction=direction,
        label=label,
        unit=unit,
    )


def ratio(
    numerator: str,
    denominator: str,
    *,
    cluster: str | None = None,
    name: str | None = None,
    direction: Direction = "resource",
    label: str | None = None,
    unit: str | None = None,
) -> Measure:
    r"""Ratio of two sums, e.g. cost per care-day (Σ cost / Σ care-days).

    Parameters
    ----------
    numerator, denominator : str
        Numeric columns summed per sex and cell. The numerator may be negative (a
        correction); the denominator (care-days, persons) must be >= 0. Infinite values are
        refused in both (see :class:`Measure`).
    cluster : str, optional
        Column identifying the units the delta method treats as independent (for example
        the prison). Rows are summed within each unit first. By default every row is a unit.
    name : str, optional
        Label in the ``measure`` column; default ``"numerator/denominator"``.
    direction : str, default "resource"
        See :class:`Measure`.
    label : str, optional
        Words for the measure in explanations; see :class:`Measure`.
    unit : str, optional
        Unit of the amount in explanations, e.g. ``"kr"``; see :class:`Measure`.

    Returns
    -------
    Measure

    Notes
    -----
    The estimate is :math:`R = \sum y / \sum x`. Its variance is the linearisation
    (delta-method) estimator over units, :math:`\hat V(R) = \frac{m}{m-1}
    \sum_i (y_i - R x_i)^2 / (\sum_i x_i)^2` with :math:`m` units, the same as the HC1
    robust variance of a weighted mean of :math:`y_i/x_i` with weights :math:`x_i`; the
    interval uses a t distribution with :math:`m-1` degrees of freedom. Women and men are
    treated as independent samples; when one unit holds both sexes this is an
    approximation.

    Examples
    --------
    >>> import genderbudget as gb
    >>> gb.ratio("kostnad", "varddygn", cluster="anstalt").name
    'kostnad/varddygn'
    """
    numerator = _column(numerator, "numerator", "ratio")
    denominator = _column(denominator, "denominator", "ratio")
    if cluster is not None:
        cluster = _column(cluster, "cluster", "ratio")
    return Measure(
        kind="ratio",
        name=_name(name, f"{numerator}/{denominator}"),
        column=numerator,
        denominator=denominator,
        cluster=cluster,
        direction=direction,
        label=label,
        unit=unit,
        nonnegative=(denominator,),
    )


def per_need(
    resource: str,
    need: str,
    *,
    days: str | None = None,
    cluster: str | None = None,
    name: str | None = None,
    direction: Direction = "higher_is_better",
    label: str | None = None,
    unit: str | None = None,
) -> Measure:
    r"""Resource per unit of assessed need, e.g. staff hours per need-weighted care-day.

    Parameters
    ----------
    resource : str
        Numeric column with the resource each row received (staff hours, kronor).
    need : str
        Numeric column with each row's assessed need (a needs score, a care level), >= 0.
        On pre-aggregated input without ``days``: the summed need (or need x days) per row.
    days : str, optional
        Column with the time each row was in care (care-days). The need is then weighted by
        it: a youth with need 60 for 100 days counts as 6,000 need-days. One row per person
        only; on pre-aggregated input give the summed need x days as ``need`` instead.
    cluster : str, optional
        Column identifying the units that decide the resources (the unit, the home); the
        delta method treats them as independent. By default every row is a unit.
    name : str, optional
        Label in the ``measure`` column; default ``"<resource>/<need>"`` or
        ``"<resource>/(<need>*<days>)"``.
    direction : str, default "higher_is_better"
        See :class:`Measure`. More resource per unit of need means the needs are better met,
        so the sex with less per need is the disadvantaged one.
    label : str, optional
        Words for the measure in explanations, e.g. ``"personaltimmar per behovsvägt
        vårddygn"``; see :class:`Measure`.
    unit : str, optional
        Unit of the amount in explanations; see :class:`Measure`.

    Returns
    -------
    Measure
        A ratio of sums, :math:`R = \sum r_i / \sum (b_i d_i)` with resource :math:`r`, need
        :math:`b` and days :math:`d` (:math:`d_i = 1` without ``days``), estimated, compared
        and flagged like any ratio.

    Notes
    -----
    Raw resources per care-day can look alike for two groups whose needs differ; dividing by
    need-weighted days compares what each group gets for the need it has. The interval is the
    delta method of :func:`ratio` with the units of ``cluster``. Breaking down by more than
    sex (sex x age band) makes small cells: a cell below the ``min_n`` of the
    :class:`~genderbudget.FlagRule` is flagged ``insufficient_data``, never given a verdict.
    The need score must be comparable across the groups compared (the same instrument); the
    measure says nothing about whether the score itself is fair.

    Examples
    --------
    >>> import genderbudget as gb
    >>> sis = gb.datasets.load_sis()
    >>> result = gb.analyse(
    ...     sis.query("ar == 2018"),
    ...     [gb.per_need("personaltimmar", "behov", days="varddygn", cluster="avdelning")],
    ...     sex="kon", by="aldersgrupp",
    ... )
    >>> result.comparisons[["aldersgrupp", "ratio", "flag", "disadvantaged"]].round(3)
      aldersgrupp  ratio             flag disadvantaged
    0       12-14  0.787  unexplained_gap         women
    1       15-17  0.974           no_gap          None
    2       18-21  1.012           no_gap          None

    In 2018 girls aged 12–14 got 21 % fewer staff hours per unit of need than boys of their
    age (the sample data are synthetic; ``women``/``men`` are girls/boys here).
    """
    resource = _column(resource, "resource", "per_need")
    need = _column(need, "need", "per_need")
    if days is not None:
        days = _column(days, "days", "per_need")
    if cluster is not None:
        cluster = _column(cluster, "cluster", "per_need")
    default = f"{resource}/{need}" if days is None else f"{resource}/({need}*{days})"
    return Measure(
        kind="ratio",
        name=_name(name, default),
        column=resource,
        denominator=need,
        cluster=cluster,
        direction=direction,
        label=label,
        unit=unit,
        weight=days,
        nonnegative=(need,) if days is None else (need, days),
    )


def total(
    column: str,
    *,
    name: str | None = None,
    direction: Direction = "resource",
    label: str | None = None,
    unit: str | None = None,
) -> Measure:
    """Total of a resource per sex and each sex's share of it.

    Parameters
    ----------
    column : str
        A numeric column (amount per row; on pre-aggregated input the sum per group).
        Amounts may be negative (corrections, refunds); infinite values are refused (see
        :class:`Measure`).
    name : str, optional
        Label in the ``measure`` column; default ``"total_<column>"``.
    direction : str, default "resource"
        See :class:`Measure`.
    label : str, optional
        Words for the measure in explanations; see :class:`Measure`.
    unit : str, optional
        Unit of the amount in explanations, e.g. ``"kr"``; see :class:`Measure`.

    Returns
    -------
    Measure
        The estimate is the total; the ``share`` column gives each sex's share of the cell's
        total. Totals are treated as recorded in full, so no sampling interval is given.

    Examples
    --------
    >>> import genderbudget as gb
    >>> gb.total("kostnad").kind
    'total'
    """
    column = _column(column, "column", "total")
    return Measure(
        kind="total",
        name=_name(name, f"total_{column}"),
        column=column,
        direction=direction,
        label=label,
        unit=unit,
    )
