"""``equalize``: what it takes to close a gap, in places or resources, and in money.

For a rate measure (the share who get something: a work place, a programme, a decision) the
number of persons who would have to get it for the disadvantaged sex to reach a target; for a
ratio measure with a better side (staff hours per need-weighted care-day, made with
:func:`genderbudget.per_need`) the amount of the resource that would have to be added:

- ``target="parity"``: the other sex's rate in the same breakdown cell; with ``justified``
  factors, the rate the disadvantaged group would have if it were treated as the other sex
  *with its own mix of the justified factors* (the counterfactual of the logistic model of
  :func:`genderbudget.analyse`), so that only the unjustified part of the gap is priced;
- ``target=<rate>``: a given rate for each sex (e.g. 0.6);
- ``budget_neutral=True``: the existing places re-allocated so both sexes get the pooled rate.

For a ratio the same targets apply to the ratio (the other sex's ratio, a given ratio, the
pooled ratio); adjusted targets for ratios are not offered.

The arithmetic is in the output: current count and rate, target rate, the count needed
(with an interval that carries the sampling uncertainty of both the target and the
disadvantaged group's own value), the whole places added, and the cost from a unit cost.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from genderbudget import _intervals as iv
from genderbudget._adjust import fit_rate_model, varying_factors
from genderbudget._cells import STAT_COLUMNS, CellStats, breakdown_cells, collect_cells, in_cell
from genderbudget._estimate import cluster_inference, compare, estimate
from genderbudget._measures import Measure, rate
from genderbudget._models import other_sex_target, predict_as
from genderbudget._notes import finish, inner, note
from genderbudget._options import (
    check_column,
    check_columns,
    check_confidence,
    check_number,
    check_roles,
    masked,
    renamed,
)
from genderbudget._regroup import regroup
from genderbudget._reserved import check_breakdowns, check_factors
from genderbudget._result import Result

__all__ = ["equalize", "equalize_columns"]

_EPS: Final[float] = 1e-9

CLUSTERED_RATE = (
    "equalize plans places per person, so the rate {name!r} with cluster= is not supported "
    "here yet: pass gb.rate({column!r}) without cluster (the places needed do not depend on "
    "the clustering; only their interval would), and judge with gb.analyse whether the gap "
    "is supported."
)
NOT_A_RATE = (
    "equalize works on a rate (the share who get something, e.g. gb.rate('arbetsdrift')) or "
    "a ratio with a better side (e.g. gb.per_need('personaltimmar', 'behov', "
    "days='varddygn')); got {what}."
)
RATIO_JUSTIFIED = (
    "equalize with justified factors works for rates (a logistic model); for the ratio "
    "measure {name!r} use target='parity' or a number without justified=, and judge with "
    "gb.analyse(..., justified=...) whether the gap is unjustified."
)
BAD_RATIO_TARGET = (
    "target must be 'parity' or a non-negative number in the measure's unit (e.g. 0.25 hours "
    "per unit of need), got {value!r}."
)
NO_DIRECTION = (
    "Measure {name!r} has direction={direction!r}, so there is no disadvantaged side to bring "
    "up to the target. Make it with direction='higher_is_better' (getting more is good, e.g. "
    "a work place, staff hours per unit of need) or direction='lower_is_better' (e.g. an "
    "incident)."
)
BAD_TARGET = "target must be 'parity' or a rate between 0 and 1 (e.g. 0.6 for 60 %), got {value!r}."
BAD_UNIT_COST = (
    "unit_cost must be a non-negative number (the cost of one place per year, e.g. 250_000), "
    "got {value!r}."
)
BUDGET_NEUTRAL_WITH = (
    "budget_neutral=True re-allocates the existing places between women and men at the pooled "
    "rate of each breakdown cell, so it cannot be combined with {what}. Drop {what}, or use "
    "budget_neutral=False."
)
NO_SEX = (
    "equalize needs sex='...', the column with the sex codes, when it is given a dataframe "
    "(with the Result of gb.analyse it takes the result's)."
)
RESULT_HAS = (
    "{what} belongs to the pass over the rows; with the Result of gb.analyse the plan uses the "
    "result's counts. Give it to gb.analyse instead."
)
RESULT_SEX = (
    "sex={sex!r} is not the sex column of this result ({result_sex!r}); leave sex= out when "
    "planning on a Result."
)
RESULT_BREAKDOWNS = (
    "{missing} is not a breakdown of this result (by={by}); a plan on a Result can use its "
    "breakdowns only. Add the column to gb.analyse(..., by=[...]), or plan on the data."
)
RESULT_FACTORS = (
    "justified={justified} differs from the result's justified factors {result}; a plan on a "
    "Result uses the factors of its adjusted gaps. Leave justified= out, pass [] for the raw "
    "parity target, or plan on the data."
)
WITHIN_CLASH = (
    "cluster={within!r} is also {role}; cluster= names the units (e.g. prisons) the places are "
    "counted in and must be a column of its own."
)

# The notes of the plan (codes of genderbudget._notes; words under notes/<code> in
# texts.json).
NOTE_ONE_SEX = note("sexes_not_both_present_no_target")
# Both sexes present, but the denominator (e.g. the need) sums to 0 for one or both.
NOTE_ZERO_BASE: Final[Mapping[tuple[str, ...], str]] = {
    ("women",): note("denominator_zero_women_no_target"),
    ("men",): note("denominator_zero_men_no_target"),
    ("women", "men"): note("denominator_zero_both_no_target"),
}
NOTE_UNKNOWN = note("sex_unknown_no_target")
NOTE_AT_TARGET = note("at_or_beyond_target")
NOTE_ADVANTAGED = note("other_sex_disadvantaged")
NOTE_GIVES_UP = note("gives_up_places")
# The note on input rows no row of the plan counts, by the reason of the exclusion.
EXCLUSION_CODES: Final[Mapping[str, str]] = {
    "missing_value": "missing_value_in_column",
    "missing_count": "missing_count_in_column",
    "missing_breakdown": "missing_breakdown_in_column",
    "missing_cluster": "missing_unit_in_column",
}

BASIS_PARITY: Final[str] = "parity"
BASIS_ADJUSTED: Final[str] = "adjusted_parity"
BASIS_RATE: Final[str] = "rate"
BASIS_NEUTRAL: Final[str] = "budget_neutral"

METHOD: Final[Mapping[str, str]] = {
    BASIS_PARITY: "other_rate_newcombe",
    BASIS_ADJUSTED: "adjusted_rate_logistic_delta",
    BASIS_RATE: "given_rate_wilson",
    BASIS_NEUTRAL: "pooled_rate_newcombe",
}
RATIO_METHOD: Final[Mapping[str, str]] = {
    BASIS_PARITY: "other_ratio_t",
    BASIS_RATE: "given_ratio_t",
    BASIS_NEUTRAL: "pooled_ratio_t",
}


def equalize_columns(by: Sequence[str], within: str | None = None) -> list[str]:
    """Return the columns of :func:`equalize`'s table, in order."""
    return [
        "measure",
        *by,
        *([within] if within else []),
        "sex",
        "n",
        "base",
        "current",
        "current_rate",
        "target_rate",
        "target_basis",
        "needed",
        "needed_ci_low",
        "needed_ci_high",
        "change",
        "new_rate",
        "unit_cost",
        "cost",
        "confidence",
        "method",
        "note",
        "note_codes",
    ]


def _check_measure(measure: Measure | str) -> Measure:
    if isinstance(measure, str):
        return rate(measure)
    if not isinstance(measure, Measure):
        raise TypeError(NOT_A_RATE.format(what=repr(masked(measure))))
    if measure.kind not in ("rate", "ratio"):
        raise ValueError(NOT_A_RATE.format(what=f"a {measure.kind} measure {measure.name!r}"))
    if measure.kind == "rate" and measure.cluster is not None:
        raise ValueError(CLUSTERED_RATE.format(name=measure.name, column=measure.column))
    if measure.direction not in ("higher_is_better", "lower_is_better"):
        raise ValueError(
            NO_DIRECTION.format(
                name=measure.name, direction=measure.direction, column=measure.column
            )
        )
    return measure


def equalize(
    data: Any,
    measure: Measure | str,
    *,
    sex: str | None = None,
    by: str | Sequence[str] | None = None,
    cluster: str | None = None,
    target: str | float = "parity",
    justified: str | Sequence[str] | None = None,
    unit_cost: float | None = None,
    budget_neutral: bool = False,
    confidence: float | None = None,
    n: str | None = None,
    mapping: Mapping[object, str] | None = None,
    within: str | None = None,
) -> pd.DataFrame:
    """How many more persons must get something, or how much more resource, to close a gap.

    Parameters
    ----------
    data : dataframe or Result
        The Result of :func:`analyse` — the plan then works from the statistics the result
        already holds, without a second pass over the rows, and takes the sex column,
        breakdowns, justified factors and confidence of the call — or the data: one row per
        person, or with ``n`` one row per group (pre-aggregated: the rate's column is then
        the number who got it). pandas, polars, DuckDB, ...
    measure : Measure or str
        A rate made with :func:`rate`, or the name of a 0/1 column; or a ratio with a better
        side, such as :func:`per_need` (staff hours per need-weighted care-day), for which
        the plan is in units of the numerator (hours) instead of persons. Its
        ``direction`` says which side is disadvantaged: with ``"higher_is_better"`` (the
        default of :func:`rate` and :func:`per_need`) the sex with the lower value, with
        ``"lower_is_better"`` the higher. With a Result: one of its measures (or its name).
    sex : str, optional
        Column with the sex codes (see :func:`normalize_sex`); needed with data, taken from
        the result with a Result.
    by : str or list of str, optional
        Breakdown columns (e.g. year); every cell gets its own target. With a Result: any
        of its breakdowns (default all of them, except ``cluster``).
    cluster : str, optional
        The units the places are counted in (e.g. prisons, units). The target still comes
        from the breakdown cell; each unit of the disadvantaged sex gets the places that
        bring it to the target. Units above the target keep their places, so the units'
        ``change`` can add up to more than the cell's. The same word as a measure's
        ``cluster=``: the units (prisons, wards) the persons belong to.
    target : "parity" or float, default "parity"
        ``"parity"``: the other sex's rate in the cell (adjusted for ``justified`` if
        given). A number between 0 and 1: that rate for each sex; for a ratio, any
        non-negative number in the measure's unit.
    justified : str or list of str, optional
        Factors that legitimately affect the rate (e.g. security class, sentence length).
        With a Result the default is the result's factors for a rate (none for a ratio);
        ``[]`` gives the raw parity target.
        With ``target="parity"`` the target is then the rate the disadvantaged persons would
        have as the other sex with their own factors, from the logistic model with sex and
        the factors fitted on the cell's collapsed patterns (as in :func:`analyse`). Rates
        only.
    unit_cost : float, optional
        Cost of one place (e.g. per year), or of one unit of a ratio's resource (e.g. kr per
        staff hour); ``cost = |change| * unit_cost``.
    budget_neutral : bool, default False
        Re-allocate existing places instead of adding: both sexes are brought to the pooled
        rate of the cell; the disadvantaged sex gains what the other gives up and the cost
        is 0. Not with ``cluster``, ``justified`` or a numeric target.
    confidence : float, optional
        Level of the interval of ``needed``; default 0.95, or the result's.
    n : str, optional
        Pre-aggregated input: the column with the number of persons per row (data only).
    mapping : dict, optional
        Extra sex codes, e.g. ``{"X": "unknown"}`` (data only).
    within : str, optional
        Former name of ``cluster``, still accepted.

    Returns
    -------
    pandas.DataFrame
        One row per breakdown cell (x unit) x sex with the columns ``measure, <by>,
        [<cluster>], sex, n, base, current, current_rate, target_rate, target_basis, needed,
        needed_ci_low, needed_ci_high, change, new_rate, unit_cost, cost, confidence,
        method, note, note_codes``:

        - ``n``: persons; ``base``: what the rate is per — the persons for a rate, the
          summed denominator for a ratio (e.g. need-weighted care-days);
        - ``current``: the number who have it now (for a ratio, the summed resource);
          ``current_rate = current / base``; ``target_rate`` the target;
        - ``needed = base * target_rate - current`` (negative: above the target), an
          estimate of the gap in places or resource; ``needed_ci_low``, ``needed_ci_high``
          its interval at ``confidence``, from the sampling uncertainty of the target *and*
          of the row's own rate or ratio (see Notes), so that it covers 0 when the data do
          not show a shortfall; NaN with the reason in ``note`` when a side has no
          variance estimate (e.g. a unit of ``cluster`` that is the measure's only cluster);
        - ``change``: whole places (or whole units of the resource) added to reach the
          target (rounded up), 0 when at or beyond it or for the advantaged sex; negative
          for the sex that gives up with ``budget_neutral``, or for a ``"lower_is_better"``
          measure;
        - ``new_rate = (current + change) / base``; ``cost = |change| * unit_cost``;
        - ``method``: the target and the interval of ``needed`` as a code (e.g.
          ``"other_rate_newcombe"``; empty on rows without a target), in words by
          :func:`genderbudget.method_label`;
        - ``note``: why a number is missing or limited, in English, several notes joined
          with ``"; "``; ``note_codes``: the same notes as stable codes, in the same order;
          :func:`genderbudget.word_notes` words them in Swedish.

        Persons of unknown sex get their own row, with no target. Input rows that no row
        counts (a missing outcome, breakdown value or count) are named in every ``note``
        with their number and reason, so rows in = the plan's ``n`` + those rows. On a
        Result these are the rows the result did not use for the measure.

        The plan is the same, number for number, whether it is made from a Result or from
        the data with the same options.

    Raises
    ------
    ValueError
        The measure is not a rate or has no better side, the target is not "parity" or a
        rate in [0, 1], the unit cost is negative, options clash, the data fail the checks
        of :func:`analyse` (missing columns, unknown sex codes, outcomes not 0/1), or — with
        a Result — the measure, a breakdown or the factors are not the result's.

    See Also
    --------
    phase_in : spread the places over the years to a target year.
    analyse : whether the gap is statistically supported and unjustified.

    Notes
    -----
    ``needed = base * (target - own)`` estimates a gap, so its interval carries the
    uncertainty of both sides:

    - rate, parity target: ``base`` times Newcombe's hybrid score interval for the
      difference of the other sex's and the own proportion (Newcombe 1998, method 10; the
      interval :func:`analyse` reports for women - men, mirrored), so the interval of
      ``needed`` covers 0 exactly when the unadjusted difference interval of
      :func:`analyse` does. Rows of ``cluster`` use the unit's own counts;
    - ratio, parity target: ``base`` times the t interval of ``R_other - R_own``, with
      the variances and degrees of freedom of :func:`analyse` (its estimates, with the
      units of ``cluster``, small-sample CR2 variances when the measure has a cluster). For
      whole sexes it is the difference interval :func:`analyse` reports, mirrored, so
      the two agree on whether it covers 0. For a unit of ``cluster`` against the other
      sex, the variance is ``V(R_other) + V(R_own)`` with Welch-Satterthwaite degrees of
      freedom ``(v1 + v2)^2 / (v1^2 / df1 + v2^2 / df2)`` (Satterthwaite 1946); a unit
      that is a single cluster of the measure has no interval;
    - ``budget_neutral``: ``needed = base * base_o / (base + base_o) * (R_other - R_own)``,
      so the same difference intervals, scaled by that factor;
    - a numeric target: only the own value is uncertain: ``base * (target - interval of
      the own value)``, with the Wilson interval of a rate or the t interval of a ratio;
    - with ``justified``, the logistic model ``logit p = a + b * woman + factor dummies``
      is fitted per breakdown cell on the collapsed factor patterns (the same fit as the
      adjusted gap of :func:`analyse`). The target count of a group ``S`` of the
      disadvantaged sex is ``sum_k n_k * p_k(as the other sex)`` over its patterns ``k``;
      because the fitted counts of each sex equal its observed count, ``needed`` of a whole
      sex is its persons times minus the marginally standardised gap over that sex's
      persons. The fit already uses ``S``'s own outcomes, so their binomial variance is
      not simply added: linearising both the coefficients and ``S``'s observed count in
      the outcomes gives ``Var = (a - c)' V (a - c) + (sum_S w_i - c' V c)``, with ``V``
      the model covariance, ``a`` the gradient of the target and ``c = sum_S w_i x_i`` that
      of ``S``'s fitted count (``w_i = p_i (1 - p_i)``). For a whole sex the bracket is 0
      (the delta method of ``needed`` as a function of the coefficients); for a unit of
      ``cluster`` it is the unit's own binomial variance that the model does not hold. The
      interval is ``needed +- z * se``. In a simulation of 400 data sets of 1,500 persons
      from a known logistic model, the 95 % interval covered the true shortfall in 95-96 %
      of them, for the whole sex and for each of three units. Patterns in factor
      levels where all or none got it, and persons with a missing factor, are counted at
      their current level and add no variance.

    Whether the gap is worth closing — statistically supported, material, unjustified —
    is for :func:`analyse` to say; an interval of ``needed`` that covers 0 says the data do
    not show a shortfall. The intervals are not adjusted for multiple breakdowns.

    References: R. G. Newcombe (1998), "Interval estimation for the difference between
    independent proportions: comparison of eleven methods", Statistics in Medicine 17,
    873-890; F. E. Satterthwaite (1946), Biometrics Bulletin 2, 110-114; R. M. Bell and
    D. F. McCaffrey (2002), Survey Methodology 28, 169-181 (the CR2 variances of
    :func:`analyse`).

    Examples
    --------
    >>> import genderbudget as gb
    >>> data = gb.datasets.load_kriminalvarden()
    >>> plan = gb.equalize(
    ...     data.query("ar == 2018"), "arbetsdrift", sex="kon",
    ...     justified=["sakerhetsklass", "strafflangd"], unit_cost=250_000,
    ... )
    >>> plan[["sex", "n", "current", "target_rate", "needed", "change", "cost"]].round(3)
           sex     n  current  target_rate   needed  change       cost
    0    women   257      119        0.585   31.283      32  8000000.0
    1      men  4111     2403        0.463 -499.500       0        0.0
    2  unknown     9        7          NaN      NaN       0        0.0

    Women in 2018 would have had 58.5 % in work as men with their own security classes and
    sentences; 32 more work places at 250,000 kr a year each close the gap. The same plan
    from the result of :func:`analyse`, without a second pass over the rows:

    >>> result = gb.analyse(
    ...     data, gb.rate("arbetsdrift"), sex="kon", by="ar",
    ...     justified=["sakerhetsklass", "strafflangd"],
    ... )
    >>> plans = gb.equalize(result, "arbetsdrift", unit_cost=250_000)
    >>> plans.loc[(plans["ar"] == 2018) & (plans["sex"] == "women"), ["needed", "change"]].round(3)
       needed  change
    6  31.283      32

    For resources against needs, the staff hours that girls aged 12–14 at SiS lacked in
    2018 to get as many hours per unit of need as boys of their age (450 kr an hour is an
    assumption for the example; ``women``/``men`` are girls/boys here):

    >>> sis = gb.datasets.load_sis().query("ar == 2018 and aldersgrupp == '12-14'")
    >>> need = gb.per_need("personaltimmar", "behov", days="varddygn", cluster="avdelning")
    >>> hours = gb.equalize(sis, need, sex="kon", unit_cost=450)
    >>> hours[["sex", "target_rate", "needed", "needed_ci_low", "change", "cost"]].round(3)
         sex  target_rate     needed  needed_ci_low  change        cost
    0  women        0.261  65759.902      33984.914   65760  29592000.0
    1    men        0.205 -51165.101     -75887.925       0         0.0
    """
    within = renamed(cluster, within, "cluster", "within", None)
    if isinstance(data, Result):
        options = _options_from_result(
            data,
            measure,
            sex=sex,
            by=by,
            within=within,
            justified=justified,
            confidence=confidence,
            n=n,
            mapping=mapping,
        )
    else:
        if sex is None:
            raise TypeError(NO_SEX)
        options = _Options(
            measure=_check_measure(measure),
            sex=sex,
            by=check_columns(() if by is None else by, "by"),
            within=within,
            justified=check_columns(() if justified is None else justified, "justified"),
            confidence=0.95 if confidence is None else confidence,
        )
    plan = _check_plan(options, target, unit_cost, budget_neutral)
    keys = [*options.by, *([within] if within else [])]
    if isinstance(data, Result):
        assert data._cells is not None
        cells = regroup(data._cells, plan.measure.name, keys, plan.justified)
    else:
        cells = collect_cells(
            data,
            [plan.measure],
            sex=options.sex,
            by=keys,
            n=n,
            mapping=mapping,
            justified=plan.justified,
        )
    return _plan_table(cells, plan)


@dataclass(frozen=True)
class _Options:
    """The options of one plan, before the checks that do not depend on the input."""

    measure: Measure
    sex: str
    by: list[str]
    within: str | None
    justified: list[str]
    confidence: float


@dataclass(frozen=True)
class _Plan:
    """The checked options of one plan."""

    measure: Measure
    by: list[str]
    within: str | None
    justified: list[str]
    confidence: float
    rate_target: float | None
    unit_cost: float | None
    basis: str


def _options_from_result(
    result: Result,
    measure: Measure | str,
    *,
    sex: str | None,
    by: str | Sequence[str] | None,
    within: str | None,
    justified: str | Sequence[str] | None,
    confidence: float | None,
    n: str | None,
    mapping: Mapping[object, str] | None,
) -> _Options:
    """Take the measure, sex, breakdowns and factors of a plan from a result."""
    settings = result.settings
    if n is not None or mapping is not None:
        raise ValueError(RESULT_HAS.format(what="n= or mapping="))
    if sex is not None and sex != settings.sex:
        raise ValueError(RESULT_SEX.format(sex=masked(sex), result_sex=settings.sex))
    m = _check_measure(settings.measure(measure))
    by_list = list(settings.by) if by is None else check_columns(by, "by")
    if within is not None and by is None:
        by_list = [b for b in by_list if b != within]
    missing = [c for c in [*by_list, *([within] if within else [])] if c not in settings.by]
    if missing:
        raise ValueError(RESULT_BREAKDOWNS.format(missing=masked(missing), by=list(settings.by)))
    if justified is None:
        justified_list = list(settings.justified) if m.kind == "rate" else []
    else:
        justified_list = check_columns(justified, "justified")
        if justified_list and set(justified_list) != set(settings.justified):
            raise ValueError(
                RESULT_FACTORS.format(
                    justified=masked(justified_list), result=list(settings.justified)
                )
            )
        justified_list = list(settings.justified) if justified_list else []
    return _Options(
        measure=m,
        sex=settings.sex,
        by=by_list,
        within=within,
        justified=justified_list,
        confidence=settings.confidence if confidence is None else confidence,
    )


def _check_plan(
    options: _Options, target: str | float, unit_cost: float | None, budget_neutral: bool
) -> _Plan:
    """Check the options against each other; name the clash and the fix."""
    m, sex, by_list, within = options.measure, options.sex, options.by, options.within
    justified_list = options.justified
    is_ratio = m.kind == "ratio"
    check_roles(check_column(sex, "sex"), by_list, justified_list)
    check_breakdowns(by_list, "a breakdown column, by=")
    check_factors(justified_list, "a justified factor, justified=")
    if within is not None:
        check_column(within, "within")
        check_breakdowns([within], "the units, cluster=")
        for role, columns in (
            ("the sex column", [sex]),
            ("a breakdown (by=)", by_list),
            ("a justified factor", justified_list),
        ):
            if within in columns:
                raise ValueError(WITHIN_CLASH.format(within=masked(within), role=role))
    if is_ratio and justified_list:
        raise ValueError(RATIO_JUSTIFIED.format(name=m.name))
    confidence = check_confidence(options.confidence)
    bad_target = BAD_RATIO_TARGET if is_ratio else BAD_TARGET
    rate_target: float | None = None
    if isinstance(target, str):
        if target != "parity":
            raise ValueError(bad_target.format(value=masked(target)))
    else:
        high = math.inf if is_ratio else 1.0
        rate_target = check_number(target, "target", low=0.0, high=high, message=bad_target)
    cost_per_place = (
        None
        if unit_cost is None
        else check_number(unit_cost, "unit_cost", low=0.0, message=BAD_UNIT_COST)
    )
    if not isinstance(budget_neutral, bool):
        raise TypeError(f"budget_neutral must be True or False, got {masked(budget_neutral)!r}.")
    if budget_neutral:
        for what, clash in (
            ("cluster=", within is not None),
            ("justified=", bool(justified_list)),
            ("a numeric target=", rate_target is not None),
        ):
            if clash:
                raise ValueError(BUDGET_NEUTRAL_WITH.format(what=what))
    if budget_neutral:
        basis = BASIS_NEUTRAL
    elif rate_target is not None:
        basis = BASIS_RATE
    elif justified_list:
        basis = BASIS_ADJUSTED
    else:
        basis = BASIS_PARITY
    return _Plan(
        measure=m,
        by=by_list,
        within=within,
        justified=justified_list,
        confidence=confidence,
        rate_target=rate_target,
        unit_cost=cost_per_place,
        basis=basis,
    )


def _plan_table(cells: CellStats, plan: _Plan) -> pd.DataFrame:
    """Plan every breakdown cell from its sufficient statistics and assemble the table."""
    m, by_list, within, justified_list = plan.measure, plan.by, plan.within, plan.justified
    is_ratio = m.kind == "ratio"
    keys = [*by_list, *([within] if within else [])]
    stats = cells.stats.loc[cells.stats["n"] > 0, [*keys, "sex", *STAT_COLUMNS]]
    patterns = None
    if justified_list and cells.patterns is not None:
        patterns = cells.patterns.loc[
            cells.patterns["n"] > 0, [*keys, *justified_list, "sex", "n", "sy"]
        ]
    # Sums per cluster of a clustered ratio: its variances are the small-sample (CR2) ones
    # of analyse.
    clusters = cells.units if is_ratio and m.cluster is not None else None
    good = 1.0 if m.direction == "higher_is_better" else -1.0
    basis = plan.basis

    parts = []
    for key, cell in breakdown_cells(stats, by_list):
        cell_patterns = None if patterns is None else in_cell(patterns, key)
        cell_basis, cell_justified, still = basis, justified_list, ""
        if basis == BASIS_ADJUSTED and cell_patterns is not None:
            # The one policy for factors that do not vary in a cell (as in analyse): left
            # out, and with none left the target is the other sex's rate, interval and all.
            compared = cell_patterns.loc[cell_patterns["sex"].isin(["women", "men"])]
            cell_justified = varying_factors(compared, justified_list)
            if not cell_justified:
                cell_basis = BASIS_PARITY
                still = note("no_factor_varies", names=", ".join(map(repr, justified_list)))
        rows = _cell_plan(
            cell.reset_index(drop=True),
            cell_patterns,
            within=within,
            justified=cell_justified,
            basis=cell_basis,
            rate_target=plan.rate_target,
            good=good,
            confidence=plan.confidence,
            kind=m.kind,
            clusters=None if clusters is None else in_cell(clusters, key),
        )
        if still:
            rows["note"] = [f"{still}; {n}" if n else still for n in rows["note"]]
        for column, value in key.items():
            rows[column] = pd.Series([value] * len(rows), index=rows.index, dtype=object)
        parts.append(rows)
    # note_codes comes from the notes, when they are worded (_notes.finish)
    columns = equalize_columns(by_list, within)[:-1]
    if not parts:
        return finish(pd.DataFrame(columns=columns))[0]
    out = pd.concat(parts, ignore_index=True)
    for column in by_list:
        out[column] = out[column].infer_objects()
    out["measure"] = m.name
    out["unit_cost"] = np.nan if plan.unit_cost is None else plan.unit_cost
    if basis == BASIS_NEUTRAL:
        out["cost"] = np.where(out["sex"] == "unknown", np.nan, 0.0)
    else:
        out["cost"] = out["change"].abs() * out["unit_cost"]
    out["confidence"] = plan.confidence
    out["method"] = out["target_basis"].map(RATIO_METHOD if is_ratio else METHOD).fillna("")
    excluded = _exclusion_note(cells.exclusions)
    if excluded:
        out["note"] = [f"{note}; {excluded}" if note else excluded for note in out["note"]]
    for column in ("n", "change") if is_ratio else ("n", "base", "current", "change"):
        out[column] = out[column].astype(np.int64)
    sex_order = {"women": 0, "men": 1, "unknown": 2}
    out = out.sort_values(
        [*keys, "sex"],
        kind="stable",
        key=lambda column: column.map(sex_order) if column.name == "sex" else column,
    ).reset_index(drop=True)
    return finish(out[columns])[0]


def _exclusion_note(exclusions: pd.DataFrame) -> str:
    """Say which input rows no row of the plan counts (missing values), and why."""
    if exclusions.empty:
        return ""
    rows = int(exclusions["rows"].sum())
    reasons = [
        note(EXCLUSION_CODES[reason], column=column, rows=int(count))
        for reason, column, count in zip(
            exclusions["reason"], exclusions["column"], exclusions["rows"], strict=True
        )
    ]
    code = "input_row_not_counted_in_plan" if rows == 1 else "input_rows_not_counted_in_plan"
    return note(code, rows=rows, what=inner(reasons))


@dataclass
class _Rows:
    """The plan rows of one breakdown cell, one per (unit x) sex, and what they are filled with.

    ``base`` is what the rate or ratio is per: persons for a rate, the summed denominator
    (e.g. need-weighted care-days) for a ratio.
    """

    rows: pd.DataFrame
    totals: pd.DataFrame
    has_syy: bool
    base: np.ndarray
    current: np.ndarray
    sex: np.ndarray
    known: np.ndarray
    base_by_sex: dict[str, float]
    current_by_sex: dict[str, float]
    target_count: np.ndarray = field(init=False)
    needed_low: np.ndarray = field(init=False)
    needed_high: np.ndarray = field(init=False)
    basis: np.ndarray = field(init=False)
    notes: list[list[str]] = field(init=False)
    reasons: list[list[str]] = field(init=False)

    def __post_init__(self) -> None:
        size = len(self.rows)
        self.target_count = np.full(size, np.nan)
        self.needed_low = np.full(size, np.nan)
        self.needed_high = np.full(size, np.nan)
        self.basis = np.full(size, "", dtype=object)
        self.notes = [[] for _ in range(size)]
        self.reasons = [[] for _ in range(size)]

    @property
    def both(self) -> bool:
        """Whether women and men both have a base in the cell."""
        return self.base_by_sex["women"] > 0 and self.base_by_sex["men"] > 0


@dataclass(frozen=True)
class _RatioEstimates:
    """A ratio's estimates with the variances of analyse: per sex, per row, the difference."""

    whole: pd.DataFrame
    own: pd.DataFrame
    difference: pd.DataFrame


def _cell_plan(
    cell: pd.DataFrame,
    patterns: pd.DataFrame | None,
    *,
    within: str | None,
    justified: Sequence[str],
    basis: str,
    rate_target: float | None,
    good: float,
    confidence: float,
    kind: str = "rate",
    clusters: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Plan rows of one breakdown cell: one per (unit x) sex with persons.

    ``needed = base * (target - own value)`` is an estimated gap, so its interval carries
    the sampling uncertainty of both sides.
    """
    plan = _plan_rows(cell, within, kind)
    plan.basis[plan.known] = basis
    for i in np.flatnonzero(~plan.known).tolist():
        plan.notes[i].append(NOTE_UNKNOWN)
    ratios = None
    if kind == "ratio":
        ratios = _ratio_estimates(plan, within, confidence, clusters)
    if basis == BASIS_RATE:
        assert rate_target is not None
        _given_targets(plan, rate_target, confidence, ratios)
    elif not plan.both:
        for i in np.flatnonzero(plan.known).tolist():
            plan.notes[i].append(_no_target_note(plan))
    elif basis in (BASIS_PARITY, BASIS_NEUTRAL):
        _parity_targets(plan, basis, within, confidence, ratios)
    else:
        assert patterns is not None
        _adjusted_targets(
            plan.rows,
            patterns,
            within,
            justified,
            confidence,
            plan.target_count,
            plan.needed_low,
            plan.needed_high,
            plan.notes,
        )
    return _assemble_rows(plan, within, basis, good)


def _no_target_note(plan: _Rows) -> str:
    """Why a cell without a base for both sexes has no target: a sex absent, or no base.

    Women and men can both be present while one sex's denominator (e.g. its need) sums to
    0; the note then says so instead of calling the sex absent.
    """
    persons = plan.totals["n"] if "n" in plan.totals.columns else pd.Series(dtype=float)
    present = [s for s in ("women", "men") if float(persons.get(s, 0.0)) > 0]
    if len(present) < 2:
        return NOTE_ONE_SEX
    zero = [s for s in present if not plan.base_by_sex[s] > 0]
    return NOTE_ZERO_BASE[tuple(zero)]


def _plan_rows(cell: pd.DataFrame, within: str | None, kind: str) -> _Rows:
    """One row per (unit x) sex of a cell, with the bases and counts of each sex."""
    base_column = "sx" if kind == "ratio" else "n"
    sums = [c for c in STAT_COLUMNS if c != "has_syy"]
    has_syy = bool(cell["has_syy"].all())
    if within:
        rows = cell.groupby([within, "sex"], sort=False, dropna=False)[sums].sum()
        rows = rows.reset_index().assign(has_syy=has_syy)
    else:
        # Already one row per sex: passed on unchanged, so the estimates see every
        # statistic of the cell.
        rows = cell.reset_index(drop=True)
    totals = cell.groupby("sex", sort=False)[sums].sum()
    sex = rows["sex"].to_numpy(dtype=object)
    return _Rows(
        rows=rows,
        totals=totals,
        has_syy=has_syy,
        base=rows[base_column].to_numpy(dtype=float),
        current=rows["sy"].to_numpy(dtype=float),
        sex=sex,
        known=sex != "unknown",
        base_by_sex={s: float(totals[base_column].get(s, 0.0)) for s in ("women", "men")},
        current_by_sex={s: float(totals["sy"].get(s, 0.0)) for s in ("women", "men")},
    )


def _ratio_estimates(
    plan: _Rows, within: str | None, confidence: float, clusters: pd.DataFrame | None
) -> _RatioEstimates:
    """Estimates of a ratio, with the variances and degrees of freedom of analyse.

    Per sex (``whole``), per row (``own``; the same when the rows are whole sexes) and the
    difference women - men exactly as analyse reports it.
    """
    rows = plan.rows
    sexes = rows if not within else plan.totals.reset_index().assign(has_syy=plan.has_syy)
    per_sex = per_cell = None
    if clusters is not None:
        per_sex, per_cell = cluster_inference(clusters, [])
    by_sex = estimate(sexes, "ratio", [], confidence, per_sex).assign(measure="")
    difference = compare(by_sex, "ratio", [], confidence, per_cell)
    own = by_sex
    if within:
        per_row = None if clusters is None else cluster_inference(clusters, [within])[0]
        own = estimate(rows, "ratio", [within], confidence, per_row)
    return _RatioEstimates(whole=by_sex.set_index("sex"), own=own, difference=difference)


def _given_targets(
    plan: _Rows, rate_target: float, confidence: float, ratios: _RatioEstimates | None
) -> None:
    """Fill the targets for a given rate or ratio: only the own value is uncertain.

    ``needed = base * (target - own)``, with the interval ``base * (target - interval of
    the own value)``: Wilson's for a rate, analyse's t interval for a ratio.
    """
    known, base = plan.known, plan.base
    plan.target_count[known] = base[known] * rate_target
    if ratios is None:
        own_low, own_high = iv.wilson(plan.current, base, confidence)
    else:
        own_low = ratios.own["ci_low"].to_numpy(dtype=float)
        own_high = ratios.own["ci_high"].to_numpy(dtype=float)
        for i in np.flatnonzero(known).tolist():
            plan.reasons[i].append(_noted(ratios.own["note"].iloc[i]))
    plan.needed_low[known] = (plan.target_count - base * own_high)[known]
    plan.needed_high[known] = (plan.target_count - base * own_low)[known]


def _noted(cell: object) -> str:
    """Return the notes of an estimate's cell (internal form), "" for a cell without any."""
    return cell if isinstance(cell, str) else ""


def _parity_targets(
    plan: _Rows,
    basis: str,
    within: str | None,
    confidence: float,
    ratios: _RatioEstimates | None,
) -> None:
    """Fill the targets at the other sex's value (parity) or the pooled one (budget neutral).

    ``needed = factor * (R_other - R_own)`` with ``factor = base`` for parity; for the
    pooled target (rows are whole sexes) ``base * (pooled - R_own) = base * base_o / (base
    + base_o) * (R_other - R_own)``. The interval is that of the difference of the two
    values: Newcombe's for rates; for ratios analyse's interval of women - men (mirrored
    for women), or for a unit against the other sex Welch-Satterthwaite.
    """
    other_of = {"women": "men", "men": "women"}
    index = np.flatnonzero(plan.known)
    other = [other_of[s] for s in plan.sex[index]]
    base_o = np.array([plan.base_by_sex[o] for o in other])
    y_o = np.array([plan.current_by_sex[o] for o in other])
    base_i, y_i = plan.base[index], plan.current[index]
    if basis == BASIS_PARITY:
        factor = base_i
        plan.target_count[index] = base_i * y_o / base_o
    else:
        factor = base_i * base_o / (base_i + base_o)
        plan.target_count[index] = base_i * (y_i + y_o) / (base_i + base_o)
    if ratios is None:
        low, high = iv.newcombe_difference(y_o, base_o, y_i, base_i, confidence)
    elif not within:
        d_low = float(ratios.difference["difference_ci_low"].iloc[0])
        d_high = float(ratios.difference["difference_ci_high"].iloc[0])
        women = plan.sex[index] == "women"
        low = np.where(women, -d_high, d_low)
        high = np.where(women, -d_low, d_high)
    else:
        low, high = _ratio_difference(ratios.whole.loc[other], ratios.own.iloc[index], confidence)
    if ratios is not None:
        for j, i in enumerate(index.tolist()):
            plan.reasons[i].append(_noted(ratios.own["note"].iloc[i]))
            plan.reasons[i].append(_noted(ratios.whole.loc[other[j], "note"]))
    plan.needed_low[index] = factor * low
    plan.needed_high[index] = factor * high


def _changes(plan: _Rows, needed: np.ndarray, basis: str, good: float) -> np.ndarray:
    """Whole places (or whole units of a resource) each row gets to reach its target.

    Only the sex short of its target in the cell gets any (with a numeric target, every
    row short of it); with ``budget_neutral`` what one sex gains the other gives up.
    """
    size = len(plan.rows)
    shortfall = good * needed
    cell_short = {}
    for s in ("women", "men"):
        mask = plan.sex == s
        cell_short[s] = float(np.nansum(shortfall[mask])) if mask.any() else np.nan
    change = np.zeros(size)
    for i in range(size):
        if not plan.known[i] or not np.isfinite(shortfall[i]):
            continue
        eligible = basis == BASIS_RATE or cell_short[plan.sex[i]] > _EPS
        if not eligible:
            plan.notes[i].append(NOTE_ADVANTAGED)
            continue
        if shortfall[i] > _EPS:
            change[i] = good * math.ceil(shortfall[i] - _EPS)
        else:
            plan.notes[i].append(NOTE_AT_TARGET)
    if basis == BASIS_NEUTRAL and plan.both:
        for s, o in (("women", "men"), ("men", "women")):
            gain = change[plan.sex == s].sum()
            if good * gain > 0:
                change[plan.sex == o] = -gain
                for i in np.flatnonzero(plan.sex == o).tolist():
                    plan.notes[i] = [t for t in plan.notes[i] if t != NOTE_ADVANTAGED]
                    plan.notes[i].append(NOTE_GIVES_UP)
    return change


def _assemble_rows(plan: _Rows, within: str | None, basis: str, good: float) -> pd.DataFrame:
    """Assemble a cell's plan rows: needed, its interval, the change, the new rate."""
    needed = plan.target_count - plan.current
    for i in range(len(plan.rows)):
        if np.isfinite(needed[i]) and not np.isfinite(plan.needed_low[i] + plan.needed_high[i]):
            why = list(dict.fromkeys(r for r in plan.reasons[i] if r))
            plan.notes[i].append(
                note("no_interval_for_needed", reason=inner(why))
                if why
                else note("no_interval_for_needed_no_variance")
            )
    change = _changes(plan, needed, basis, good)
    # A rate or ratio per a base of 0 is undefined (NaN, with the note of the cell), never inf.
    has_base = plan.base > 0
    safe = np.where(has_base, plan.base, 1.0)
    current_rate = np.where(has_base, plan.current / safe, np.nan)
    target_rate = np.where(has_base, plan.target_count / safe, np.nan)
    new_rate = np.where(has_base, (plan.current + change) / safe, np.nan)
    return pd.DataFrame(
        {
            **({within: plan.rows[within].to_numpy()} if within else {}),
            "sex": plan.sex,
            "n": plan.rows["n"].to_numpy(dtype=float),
            "base": plan.base,
            "current": plan.current,
            "current_rate": current_rate,
            "target_rate": target_rate,
            "target_basis": plan.basis,
            "needed": needed,
            "needed_ci_low": plan.needed_low,
            "needed_ci_high": plan.needed_high,
            "change": change,
            "new_rate": np.where(plan.known, new_rate, np.nan),
            "note": ["; ".join(dict.fromkeys(n)) for n in plan.notes],
        }
    )


def _ratio_difference(
    theirs: pd.DataFrame, mine: pd.DataFrame, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Interval of ``R_other - R_own`` from two rows of :func:`estimate` output each.

    ``se = sqrt(se_other^2 + se_own^2)`` with the Welch-Satterthwaite degrees of freedom
    ``(v1 + v2)^2 / (v1^2 / df1 + v2^2 / df2)`` of the estimates' own ``_df`` (``welch_df``
    with ``v = se^2 (df + 1)`` and ``n = df + 1``), a t interval as for the difference of
    :func:`analyse`.
    """
    est_o, est_i = theirs["estimate"].to_numpy(dtype=float), mine["estimate"].to_numpy(dtype=float)
    se_o, se_i = theirs["_se"].to_numpy(dtype=float), mine["_se"].to_numpy(dtype=float)
    df_o, df_i = theirs["_df"].to_numpy(dtype=float), mine["_df"].to_numpy(dtype=float)
    df = iv.welch_df(se_o**2 * (df_o + 1.0), df_o + 1.0, se_i**2 * (df_i + 1.0), df_i + 1.0)
    return iv.t_interval(est_o - est_i, np.sqrt(se_o**2 + se_i**2), df, confidence)


def _adjusted_targets(
    rows: pd.DataFrame,
    patterns: pd.DataFrame,
    within: str | None,
    justified: Sequence[str],
    confidence: float,
    target_count: np.ndarray,
    needed_low: np.ndarray,
    needed_high: np.ndarray,
    notes: list[list[str]],
) -> None:
    """Fill the as-the-other-sex targets of each (unit x) sex row from the logistic model.

    The shortfall of a group ``S`` (a sex, or a sex in one unit) is
    ``D = sum_{i in S} mu_i(beta_hat; as the other sex) - Y_S``. Write ``e_i = y_i - mu_i``
    (with ``mu_i`` the own-sex rate at the true ``beta``), ``w_i = mu_i (1 - mu_i)``,
    ``V = (X' W X)^-1`` (the model covariance), ``a`` the gradient of the target over
    ``beta`` and ``c = sum_{i in S} w_i x_i`` the gradient of ``S``'s own fitted count. To
    first order ``beta_hat - beta = V sum_i x_i e_i`` and ``Y_S - sum_S mu_i = sum_{i in S}
    e_i``, so ``D - E[D] = sum_i (a' V x_i - 1[i in S]) e_i`` and, the ``e_i`` being
    independent with variances ``w_i``,

        Var D = a' V a - 2 a' V c + sum_{i in S} w_i
              = (a - c)' V (a - c) + (sum_{i in S} w_i - c' V c).

    The fitted model already uses ``S``'s outcomes: its own count is not independent of the
    target. When ``S`` is a whole sex, the score equation of the sex column makes ``Y_S``
    equal to its fitted count, ``V c`` is the unit vector of that column and the bracket is
    0: ``D`` is a function of ``beta_hat`` alone, with the delta-method variance
    ``(a - c)' V (a - c)``. For a unit within a sex the bracket (>= 0) is the part of the
    unit's own binomial variance that the model does not already hold. Plugging in the
    fitted rates gives the estimate. Patterns set aside (all or none got it) and persons
    with a missing factor are counted at their current level and add no variance.
    """
    factors = list(justified)
    collapsed = patterns.groupby([*factors, "sex"], sort=True, dropna=False)[["n", "sy"]].sum()
    collapsed = collapsed.reset_index()
    collapsed = collapsed.loc[collapsed["sex"] != "unknown"].reset_index(drop=True)
    fit = fit_rate_model(collapsed, factors)
    if fit.params is None or fit.design is None or fit.cov is None or fit.fitted_index is None:
        why = (
            note("no_adjusted_target", reason=inner(fit.notes))
            if any(fit.notes)
            else note("no_adjusted_target_not_fitted")
        )
        for i, s in enumerate(rows["sex"]):
            if s != "unknown":
                notes[i].append(why)
        return
    # Each collapsed pattern x sex predicted as its own sex and as the other sex.
    position = pd.Series(np.arange(len(fit.fitted_index)), index=fit.fitted_index)
    own = predict_as(fit.design, fit.params, fit.design[:, 1])
    other = predict_as(fit.design, fit.params, 1.0 - fit.design[:, 1])
    z = iv.normal_quantile(confidence)

    keyed = patterns.loc[patterns["sex"] != "unknown"].merge(
        collapsed[[*factors, "sex"]].reset_index(names="__pattern"),
        on=[*factors, "sex"],
        how="left",
        validate="many_to_one",
    )
    in_fit = keyed["__pattern"].isin(position.index).to_numpy()
    pos = np.where(in_fit, keyed["__pattern"].map(position).fillna(-1).to_numpy(), -1)
    pos = pos.astype(np.int64)
    n_k = keyed["n"].to_numpy(dtype=float)
    y_k = keyed["sy"].to_numpy(dtype=float)
    unit_keys = [within] if within else []
    group_of = keyed[[*unit_keys, "sex"]]
    fit_notes = list(fit.notes)
    for i, (_, row) in enumerate(rows.iterrows()):
        if row["sex"] == "unknown":
            continue
        mask = (group_of["sex"] == row["sex"]).to_numpy()
        if within:
            mask = mask & (group_of[within] == row[within]).to_numpy()
        fitted = mask & in_fit
        aside = mask & ~in_fit
        as_other, variance = other_sex_target(own, other, fit.cov, pos[fitted], n_k[fitted])
        count = as_other + float(np.sum(y_k[aside]))
        # Persons with a missing justified factor are not in the patterns: current level.
        missing_persons = float(row["n"]) - float(n_k[mask].sum())
        count += float(row["sy"]) - float(y_k[mask].sum())
        target_count[i] = count
        needed = count - float(row["sy"])
        if fitted.any():
            se = math.sqrt(max(variance, 0.0))
            needed_low[i], needed_high[i] = needed - z * se, needed + z * se
        else:
            needed_low[i] = needed_high[i] = needed
        notes[i].extend(fit_notes)
        if missing_persons > 0:
            notes[i].append(note("missing_factor_current_level", persons=int(missing_persons)))
