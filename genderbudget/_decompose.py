"""Oaxaca–Blinder decomposition: how much of a women-vs-men gap the justified factors explain.

The question it answers is the one of Träff 3's Kriminalvården example: women's cost per
care-day is higher than men's, but is that because units for women are small (a justified,
structural reason) or not? :func:`oaxaca` decomposes a difference of means and
:func:`decompose_cost` a difference of ratios of sums (cost per care-day) into a part
explained by the factors the user declares justified and an unexplained part.

Like everything else in the library, the rows are read once: :func:`collect_cells` groups them
by breakdown x factor pattern x sex into counts and sums. The regressions are weighted least
squares on those patterns, which gives exactly the coefficients of the regressions on the rows,
because every row of a pattern has the same covariates.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats as st

from genderbudget._cells import breakdown_cells, collect_cells
from genderbudget._measures import Measure, mean, ratio
from genderbudget._models import coincides_with_sex, gram_pinv, wls, wls_min_norm
from genderbudget._notes import finish, inner, listing, note, split, values
from genderbudget._options import (
    SEX_IN_BY,
    check_column,
    check_columns,
    check_confidence,
    masked,
    quoted,
    renamed,
)
from genderbudget._reserved import check_breakdowns, check_factors

__all__ = ["decompose_cost", "oaxaca"]

FloatArray = NDArray[np.float64]
Reference = Literal["pooled", "men", "women"]

REFERENCES: tuple[str, ...] = get_args(Reference)
ORDER = "women - men"
TOTAL = "(total)"
INTERCEPT = "(intercept)"
OUTPUT_COLUMNS: tuple[str, ...] = (
    "component",
    "factor",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "confidence",
    "ci_method",
    "share_of_gap",
    "women_mean",
    "men_mean",
    "n_women",
    "n_men",
    "n_unknown",
    "units_women",
    "units_men",
    "reference",
    "order",
    "note",
    "note_codes",
)

# Relative tolerances of the identification decisions, on a design whose columns are scaled
# to norm 1 (the rank itself is decided by :func:`genderbudget._models.wls_min_norm`).
ESTIMABLE_TOL = 1e-7
LOADING_TOL = 1e-6

# --------------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------------

BAD_REFERENCE = (
    "reference={value!r} is not allowed. Allowed values: 'pooled' (the coefficients of one "
    "regression on women and men together, with an indicator for sex), 'men' (men's "
    "coefficients), 'women' (women's coefficients)."
)
NO_FACTORS = (
    "justified= must name at least one column with a factor declared justified (for example "
    "the unit's size or security class); got {value!r}."
)
FACTOR_IN_BY = (
    "Factor {factor!r} is also a breakdown (by=): within each breakdown cell it has one value "
    "and cannot explain any of the gap. Remove it from justified= or from by=."
)
FACTOR_IS_SEX_COLUMN = (
    "Factor {factor!r} is the sex column itself, so it cannot be a justified factor: it would "
    "explain the whole gap by sex. Name characteristics that women and men can share instead "
    "(for a prison: its size or security class)."
)
CATEGORICAL_NOT_FACTOR = (
    "categorical= names {columns}, which {verb} not in justified={factors!r}. categorical= only "
    "says which of the factors enter as categories (one indicator per value) instead of as "
    "numbers; add the column to justified= or remove it from categorical=."
)
COLLINEAR = (
    "Factors {factors} are collinear{where}: one of them is a linear combination of the others "
    "(for example two codings of the same characteristic), so their effects cannot be "
    "separated and the regression has no unique solution. Drop one of them or combine them "
    "into one factor."
)
COST_WITHOUT_DAYS = (
    "Column {cost!r} sums to {value!r} for {sex} with {pattern}{where}, but {days!r} sums to "
    "0 there, so the cost per care-day is undefined. Correct the care-days or remove those "
    "rows."
)
SUM_WITHOUT_PERSONS = (
    "Column {outcome!r} sums to {value!r} for {sex} with {pattern}{where}, but the number of "
    "persons ({n!r}) is 0 there. Correct the counts or remove those rows."
)

# The notes of the tables (codes of genderbudget._notes; words under notes/<code> in
# texts.json).
NOTE_NO_WOMEN = note("decomposition_no_women")
NOTE_NO_MEN = note("decomposition_no_men")
NOTE_NO_ONE = note("decomposition_no_women_no_men")
NOTE_EMPTY = note("decomposition_no_data")
NOTE_NO_GAP = note("no_gap_shares_undefined")
NOTE_NO_SUM_SQ = note("decomposition_no_sum_sq")
NOTE_NO_CLUSTER = note("decomposition_no_cluster")
# The note on rows left out for a missing value, by the role of the column and whether
# there is one row or more.
EXCLUDED_CODES = {
    ("factor", True): "row_missing_factor",
    ("factor", False): "rows_missing_factor",
    ("unit", True): "row_missing_unit",
    ("unit", False): "rows_missing_unit",
    ("breakdown", True): "row_missing_breakdown",
    ("breakdown", False): "rows_missing_breakdown",
    ("count", True): "row_missing_count",
    ("count", False): "rows_missing_count",
    ("value", True): "row_missing_value",
    ("value", False): "rows_missing_value",
}
# Persons (or rows) of unknown sex left out, by the unit a decomposition counts.
UNKNOWN_CODES = {"persons": "unknown_sex_persons_left_out", "rows": "unknown_sex_rows_left_out"}
# Categories of a factor only one sex has, by the sex and whether there is one or more.
ONE_SEX_CODES = {
    ("women", True): "category_only_for_women",
    ("women", False): "categories_only_for_women",
    ("men", True): "category_only_for_men",
    ("men", False): "categories_only_for_men",
}
# Categories of a factor a regression's group does not have: one, or more.
ABSENT_CODES = {True: "category_absent_in_group", False: "categories_absent_in_group"}
# Factors a regression cannot separate, by what from (more than one factor, intercept).
INSEPARABLE_CODES = {
    (False, False): "inseparable_from_others",
    (True, False): "inseparable_from_each_other",
    (False, True): "inseparable_from_intercept",
    (True, True): "inseparable_from_each_other_and_intercept",
}
# A part of the decomposition that is not identified, by its component.
PART_CODES = {"explained": "explained_part_of_factor", "unexplained": "unexplained_part_of_factor"}
# Too few persons of one sex for the residual variance.
RESIDUAL_DF_CODES = {"women": "no_residual_df_women", "men": "no_residual_df_men"}

DELTA_METHOD = "delta_jann_normal"
JACKKNIFE_METHOD = "jackknife_units_t"

# How a message names the breakdown cell it is about.
IN_CELL = " in the cell "
# The words for the group of a regression, inside a note.
_GROUP_CODES = {"women": "group_women", "men": "group_men", "pooled": "group_pooled"}


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def oaxaca(
    data: Any,
    outcome: str,
    *,
    sex: str,
    justified: str | Sequence[str] | None = None,
    by: str | Sequence[str] = (),
    categorical: str | Sequence[str] = (),
    reference: Reference = "pooled",
    confidence: float = 0.95,
    n: str | None = None,
    sum_sq: str | None = None,
    mapping: Mapping[object, str] | None = None,
    factors: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    r"""Twofold Oaxaca–Blinder decomposition of the gap in a mean, women − men.

    The gap :math:`\bar y_w - \bar y_m` between women's and men's mean outcome is split into
    the part explained by differences in the justified factors (what the gap would be if
    women and men were treated alike, given their factors) and the unexplained part. The gap
    is always women − men, never swapped: a positive gap means women's mean is higher.

    Parameters
    ----------
    data : dataframe
        One row per person, or, with ``n``, one row per group of persons (pre-aggregated
        counts and sums). pandas, polars, DuckDB and other narwhals-supported frames.
    outcome : str
        Numeric outcome column (e.g. cost per person, or a 0/1 column for a share, which
        gives a linear probability model). With ``n``: the sum of the outcome in the row's
        group.
    sex : str
        Column with sex codes (K/M, kvinna/man, ...; see :func:`normalize_sex`). Rows of
        unknown sex are left out (counted in ``n_unknown``).
    justified : str or list of str
        The factors declared justified (*sakliga*), e.g. unit size or security class. A
        numeric factor enters linearly; a non-numeric one (and any listed in
        ``categorical``) with one indicator per value. Rows with a missing factor value are
        left out and reported in ``note``.
    by : str or list of str, optional
        Breakdown columns (e.g. year); one decomposition per cell.
    categorical : str or list of str, optional
        Numeric factors to treat as categories (e.g. a security class coded 1, 2, 3).
    reference : {"pooled", "men", "women"}, default "pooled"
        The coefficients :math:`\beta^*` that price the factors: those of a pooled regression
        on women and men with a sex indicator (Fortin 2008; Jann 2008), men's, or women's.
    confidence : float, default 0.95
        Confidence level of the intervals, strictly between 0 and 1.
    n : str, optional
        Pre-aggregated input: the column with the number of persons each row stands for.
    sum_sq : str, optional
        Pre-aggregated input: the column with the summed squares of the outcome. The
        estimates need only counts and sums; the standard errors need the residual variance
        of the regressions and so the summed squares (without them ``se`` is NaN).
    mapping : dict, optional
        Extra sex codes, e.g. ``{"X": "unknown"}``.
    factors : str or list of str, optional
        Former name of ``justified``, still accepted.

    Returns
    -------
    pandas.DataFrame
        For each breakdown cell, ``2 * len(factors) + 4`` rows in a fixed order: the gap;
        the explained part in total and per factor; the unexplained part in total, per
        factor and for the intercept. Columns, whatever the options:

        - ``measure`` (str): the outcome column.
        - ``<by...>``: the breakdown values.
        - ``component`` (str): ``"gap"``, ``"explained"`` or ``"unexplained"``.
        - ``factor`` (str): ``"(total)"`` on aggregate rows, the factor name on detailed
          rows, ``"(intercept)"`` for the part of the unexplained gap in the constants.
        - ``estimate`` (float): the amount, in the outcome's unit, women − men. The detailed
          rows of a component sum to its total, and explained + unexplained = gap.
        - ``se`` (float): its standard error (see Notes); 0 on the rows of a factor left out
          of the cell, NaN where it cannot be estimated (the reason in ``note``).
        - ``ci_low``, ``ci_high`` (float): the interval ``estimate -/+ z * se``.
        - ``confidence`` (float): the ``confidence`` option.
        - ``ci_method`` (str): how ``se`` and the interval were computed, as a code:
          ``"delta_jann_normal"`` (oaxaca) or ``"jackknife_units_t"`` (decompose_cost);
          :func:`genderbudget.method_label` gives its words.
        - ``share_of_gap`` (float): ``estimate / gap`` (1 on the gap row; NaN if the gap
          is 0).
        - ``women_mean``, ``men_mean`` (float): each sex's mean outcome in the cell.
        - ``n_women``, ``n_men`` (int): persons used (rows, or the sum of ``n``).
        - ``n_unknown`` (int): persons of unknown sex left out.
        - ``units_women``, ``units_men`` (int): independent units; for a mean, the persons.
        - ``reference`` (str): the ``reference`` option.
        - ``order`` (str): always ``"women - men"``.
        - ``note`` (str): why a number is NaN or 0, factors left out in the cell, rows left
          out, in English, several notes joined with ``"; "``; empty when there is nothing
          to say.
        - ``note_codes`` (str): the same notes as stable codes, in the same order;
          :func:`genderbudget.word_notes` words them in Swedish.

    Raises
    ------
    ValueError
        A column is missing, the outcome is not numeric, a sex code is not recognised (see
        :func:`analyse`); ``reference`` or ``confidence`` is not allowed; a factor is the sex
        column, is also a breakdown or is listed twice; ``categorical`` names a column that
        is not a factor; factors are collinear in a cell; a number column or a factor has
        infinite values or values beyond 1e50 (the policy for numbers of
        :class:`~genderbudget.Measure`).

    See Also
    --------
    decompose_cost : The same decomposition for a ratio of sums such as cost per care-day.

    Notes
    -----
    Per breakdown cell, with :math:`\bar x_s` the mean factor vector of sex :math:`s`
    (with a leading 1) and :math:`\hat\beta_s` the coefficients of the regression of the
    outcome on the factors among sex :math:`s`:

    .. math::

        \bar y_w - \bar y_m = \underbrace{(\bar x_w - \bar x_m)'\beta^*}_{explained}
        + \underbrace{\bar x_w'(\hat\beta_w - \beta^*)
        + \bar x_m'(\beta^* - \hat\beta_m)}_{unexplained}

    (Oaxaca 1973; Blinder 1973; in the general form of Jann 2008). With
    ``reference="men"``, :math:`\beta^* = \hat\beta_m` and the unexplained part is
    :math:`\bar x_w'(\hat\beta_w - \hat\beta_m)`; with ``"women"``, :math:`\beta^* =
    \hat\beta_w`. With ``"pooled"``, :math:`\beta^*` are the factor coefficients of one
    regression on women and men with an indicator for women (Fortin 2008, Jann 2008);
    leaving the indicator out (Neumark 1988) would let the pooled coefficients absorb part
    of the gap itself.

    The detailed explained part of a factor is the sum of its terms of
    :math:`(\bar x_w - \bar x_m)'\beta^*`; the detailed unexplained part the sum of its
    terms of the unexplained part. For a categorical factor the coefficients are normalised
    to deviations from their mean over the categories (Yun 2005; Gardeazabal and Ugidos
    2004), with the intercept taking that mean, so neither part depends on which category
    is omitted in the regression (Oaxaca and Ransom 1999 show that without the
    normalisation the detailed unexplained part does). When a category occurs for one sex
    only, the mean is taken over the categories both sexes have (said in ``note``). For a
    numeric factor the detailed unexplained part depends on where the factor is zero (a
    shift moves part of it to the intercept); no normalisation removes that, so choose a
    meaningful zero.

    The regressions are weighted least squares of the pattern means ``sum / persons`` with
    weights ``persons``, one pattern per combination of factor values, which equals
    ordinary least squares on the rows. Fitted means equal observed means, so explained +
    unexplained = gap exactly. Special cells, all explained in ``note``:

    - one sex only: NaN rows (nothing to compare);
    - a factor that coincides with sex (each of its values occurs for one sex only, e.g.
      "the prison is for women"), or factors that together tell women from men: the gap
      cannot be separated from it, so every row but the gap is NaN, as in :func:`analyse`;
    - a factor with one value for everyone in the cell: it is left out of that cell's
      regressions and its rows are 0 (it cannot explain a difference);
    - a part that the data cannot identify, e.g. the coefficient of a category one sex does
      not have, or of a factor that does not vary within one sex: NaN for the affected
      rows; with ``reference="women"`` or ``"men"`` this can make the totals NaN too,
      while ``"pooled"`` always identifies them.

    Standard errors by the delta method of Jann (2008), with the factors random (his
    default): each row is linear in the coefficients and in the mean factors,
    :math:`\theta = \sum_g c_g'\hat\beta_g + \sum_s g_s'\bar x_s`, and

    .. math::

        \widehat{Var}(\theta) = \sum_s r_s' \hat V(\hat\beta_s) r_s
        + \sum_s g_s' \hat V(\bar x_s) g_s,

    with :math:`\hat V(\hat\beta_s) = s_s^2 (X_s'X_s)^{-1}` the usual OLS covariance of
    sex :math:`s`'s regression (:math:`s_s^2` = residual sum of squares over :math:`n_s - k`)
    and :math:`\hat V(\bar x_s) = S_{x,s} / n_s` the covariance of the mean factors (sample
    covariance with divisor :math:`n_s - 1`). Coefficients and means of the two sexes are
    independent, and a regression's coefficients are asymptotically uncorrelated with the
    means of its regressors (Jann 2008). For ``reference="pooled"`` the pooled coefficients
    are, for the observed factors, a linear function of the two sexes' coefficients,
    :math:`\hat\beta^* = M^{-1} \sum_s X_s^{*\prime} X_s \hat\beta_s` with :math:`X^*`
    the pooled design and :math:`M = X^{*\prime} X^*`, so :math:`r_s` collects the terms in
    :math:`\hat\beta_s` through :math:`\hat\beta^*` too, which accounts for the
    covariance between the pooled and the sex-specific coefficients. Treating the factors
    as random, the pooled coefficients also move with the sexes' factor mix when the sexes'
    coefficients differ: adding person :math:`i` of sex :math:`s` moves them by
    :math:`M^{-1} x^*_i (\hat y_{s,i} - \hat y^*_i)`, the difference between the sex's and
    the pooled fitted value. That change and the change of the mean factors,
    :math:`(x_i - \bar x_s) / n_s`, enter together: the factor part of the variance is, per
    sex, :math:`n_s/(n_s-1) \sum_i (\phi_i - \bar\phi)^2` over the sex's persons of the
    row's change :math:`\phi_i` (for ``"men"`` and ``"women"`` this is exactly
    :math:`g_s' S_{x,s} g_s / n_s`). This extends Jann's treatment of the means to the
    pooled coefficients; in a bootstrap check it moved the one standard error that was
    10 % below the bootstrap to 4.5 % below.
    Intervals are normal, ``estimate -/+ z se``. The standard errors assume
    persons sampled independently; agency data are usually the whole population, and when
    a factor belongs to units (prisons) the units are the independent observations: then
    use :func:`decompose_cost` with ``cluster``, whose jackknife is over the units.

    Validated (see the test suite) against statsmodels ``OaxacaBlinder`` (women as the
    first group, ``swap=False``; ``two_fold(two_fold_type="pooled")`` for
    ``reference="pooled"``, ``"self_submitted"`` with weight 1 and 0 for ``"women"`` and
    ``"men"``), and against a hand computation with statsmodels ``OLS`` coefficients on the
    rows for the detailed parts, with a different omitted category, to 1e-8. The standard
    errors against the formula written out in the tests (statsmodels OLS coefficients and
    residual variance, every regression as a linear map of the outcomes, ``numpy.cov`` for
    the means, and for the pooled reference the factor part as a numerical infinitesimal
    jackknife) to 1e-7, and against a bootstrap over persons within sex (2,000 replicates,
    within 8 % for every row and reference). Against Stata's ``oaxaca`` (Stata 18, default
    delta method) on a public data set of 1,000 rows: its endowments and coefficients and
    their standard errors equal the explained part with ``reference="women"`` and the
    unexplained part with ``reference="men"`` to 1e-14 (``tests/test_oaxaca_stata_se.py``).

    References: R. Oaxaca (1973), International Economic Review 14(3), 693–709. A. S.
    Blinder (1973), Journal of Human Resources 8(4), 436–455. D. Neumark (1988), Journal of
    Human Resources 23(3), 279–295. R. Oaxaca and M. Ransom (1999), Review of Economics and
    Statistics 81(1), 154–157. J. Gardeazabal and A. Ugidos (2004), Review of Economics and
    Statistics 86(4), 1034–1036. M.-S. Yun (2005), Economic Inquiry 43(4), 766–772. N. M.
    Fortin (2008), Journal of Human Resources 43(4), 884–918. B. Jann (2008), The Stata
    Journal 8(4), 453–479.

    Examples
    --------
    Women's lower share in work operations (arbetsdrift) before 2020: security class and
    sentence length explain little of it; most is unexplained, the unjustified difference
    that Kriminalvården then closed.

    >>> import genderbudget as gb
    >>> from genderbudget.datasets import load_kriminalvarden
    >>> data = load_kriminalvarden()
    >>> table = gb.oaxaca(
    ...     data,
    ...     "arbetsdrift",
    ...     sex="kon",
    ...     justified=["sakerhetsklass", "strafflangd"],
    ...     categorical="sakerhetsklass",
    ...     by="ar",
    ... )
    >>> totals = table[table["factor"] == "(total)"]
    >>> totals.pivot(index="ar", columns="component", values="estimate").round(3)
    component  explained    gap  unexplained
    ar
    2016           0.000 -0.152       -0.153
    2017          -0.003 -0.136       -0.134
    2018           0.000 -0.121       -0.122
    2019           0.006 -0.089       -0.096
    2020          -0.011 -0.010        0.002
    2021          -0.006 -0.010       -0.003
    """
    reference = _check_reference(reference)
    confidence = check_confidence(confidence)
    measure = mean(outcome, sum_sq=sum_sq)
    chosen = renamed(justified, factors, "justified", "factors", None) or ()
    spec = _spec(measure, sex, chosen, by, categorical, reference, confidence, n, None)
    return _decompose(data, measure, spec, n=n, mapping=mapping)


def decompose_cost(
    data: Any,
    cost: str,
    days: str,
    *,
    sex: str,
    justified: str | Sequence[str] | None = None,
    by: str | Sequence[str] = (),
    categorical: str | Sequence[str] = (),
    reference: Reference = "pooled",
    cluster: str | None = None,
    confidence: float = 0.95,
    mapping: Mapping[object, str] | None = None,
    factors: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    r"""Oaxaca–Blinder decomposition of the gap in cost per care-day, women − men.

    Cost per care-day of a sex is a ratio of sums, :math:`R_s = \sum cost / \sum days`. The
    gap :math:`R_w - R_m` is split into the part explained by the justified factors (unit
    size, security class, ...) and the unexplained part, as in :func:`oaxaca`. The gap is
    always women − men, never swapped.

    Parameters
    ----------
    data : dataframe
        One row per person or one row per unit (e.g. prison x sex x year), with the cost and
        the care-days of the row. pandas, polars, DuckDB and other narwhals-supported frames.
    cost, days : str
        Numeric columns: the cost (numerator) and the care-days (denominator) of each row.
    sex : str
        Column with sex codes; rows of unknown sex are left out (counted in ``n_unknown``).
    justified : str or list of str
        The factors declared justified. A numeric factor enters linearly, a non-numeric one
        (and any listed in ``categorical``) with one indicator per value. Unit size usually
        acts through its inverse (fixed costs shared by fewer care-days), so pass a column
        such as ``1 / places`` rather than the places themselves.
    by : str or list of str, optional
        Breakdown columns (e.g. year); one decomposition per cell.
    categorical : str or list of str, optional
        Numeric factors to treat as categories (e.g. a security class coded 1, 2, 3).
    reference : {"pooled", "men", "women"}, default "pooled"
        The coefficients that price the factors; see :func:`oaxaca`.
    cluster : str, optional
        Column identifying the independent units (e.g. the prison) when the rows are
        persons or one row per unit and sex. ``units_women`` and ``units_men`` then count the
        distinct units, which shows how few units a sex's costs rest on, and the standard
        errors are computed over the units (without it ``se`` is NaN). It does not change
        the estimates, except that rows with a missing unit are left out (and reported in
        ``note``).
    confidence : float, default 0.95
        Confidence level of the intervals, strictly between 0 and 1.
    mapping : dict, optional
        Extra sex codes, e.g. ``{"X": "unknown"}``.
    factors : str or list of str, optional
        Former name of ``justified``, still accepted.

    Returns
    -------
    pandas.DataFrame
        The columns and rows of :func:`oaxaca`, with ``measure`` = ``"cost/days"``,
        ``women_mean`` and ``men_mean`` each sex's :math:`\sum cost / \sum days`,
        ``n_women``, ``n_men`` and ``n_unknown`` counting rows, and ``units_women``,
        ``units_men`` counting rows, or distinct values of ``cluster`` when it is given.
        ``se`` is the jackknife standard error over the units and ``ci_low``, ``ci_high``
        the interval ``estimate -/+ t * se`` (see Notes); NaN without ``cluster``, with
        fewer than two units, or for a row that leaving out some unit makes not estimable
        (the reason in ``note``).

    Raises
    ------
    ValueError
        As :func:`oaxaca`; also when care-days are negative (naming the rows), or sum to 0
        for a sex and factor pattern while its cost does not.

    See Also
    --------
    oaxaca : The decomposition of a difference of means, with the formulas.

    Notes
    -----
    The cost per care-day of a factor pattern is :math:`r_p = \sum_p cost / \sum_p days`.
    The regressions are weighted least squares of :math:`r_p` on the factors with weights
    :math:`\sum_p days`, which equals weighted least squares of ``cost / days`` on the rows
    with weights ``days``. The weighted mean factors :math:`\bar x_s` use the same weights,
    so a fitted group mean is exactly :math:`\sum cost / \sum days` of that sex and
    explained + unexplained = gap exactly. Everything else (the reference coefficients, the
    normalisation of categorical factors, special cells) is as in :func:`oaxaca`.

    Standard errors are computed over the units (``cluster``), because the costs and the
    factors (a prison's size, its security class) belong to units, and only a handful of
    units may serve women. Each of the :math:`G` units of the cell that hold women or men is
    left out in turn and the cell decomposed again, giving :math:`\hat\theta_{(j)}`; the
    delete-one-unit jackknife variance is

    .. math::

        \widehat{Var}(\hat\theta) = \frac{G-1}{G} \sum_{j=1}^{G}
        (\hat\theta_{(j)} - \bar\theta)^2,

    the CV3 variance that MacKinnon, Nielsen and Webb (2023) recommend when there are few
    clusters, and the interval is :math:`\hat\theta \pm t_{G-1} \cdot se`. If leaving
    out a unit makes a row not estimable (e.g. the only unit of a security class among
    women), its ``se`` is NaN. With very few units of one sex the interval rests on those
    units, and MacKinnon, Nielsen and Webb warn that it can then still be too narrow.

    On the synthetic Kriminalvården data, whose cost per care-day is generated as
    :math:`a + F / p + F p / 300^2` for a prison with :math:`p` places, times a small
    security-class factor, the factors ``1 / platser`` and ``sakerhetsklass`` (categorical)
    explain 91–104 % of the gap in every year 2016–2021 (pooled reference; 90–100 % with
    ``reference="men"``). The places themselves, entered linearly, explain only 58–68 %: the
    cost of a small unit rises like ``1 / places``, so the transformation matters.

    Validated (see the test suite) against statsmodels ``WLS`` on the rows for the
    coefficients, a hand computation of the decomposition from them, and statsmodels
    ``OaxacaBlinder`` on the rows expanded to one row per care-day, to 1e-8; the standard
    errors against a leave-one-unit-out loop written in the tests with statsmodels ``WLS``
    fits, to 1e-8.

    References: J. G. MacKinnon, M. Ø. Nielsen and M. D. Webb (2023), Cluster-robust
    inference: a guide to empirical practice, Journal of Econometrics 232(2), 272–299.

    Examples
    --------
    Women's higher cost per care-day is almost all explained by their prisons' small size:

    >>> import genderbudget as gb
    >>> from genderbudget.datasets import load_kriminalvarden
    >>> data = load_kriminalvarden()
    >>> data["platser_inv"] = 1 / data["platser"]
    >>> table = gb.decompose_cost(
    ...     data,
    ...     "kostnad",
    ...     "varddygn",
    ...     sex="kon",
    ...     justified=["platser_inv", "sakerhetsklass"],
    ...     categorical="sakerhetsklass",
    ...     by="ar",
    ...     cluster="anstalt",
    ... )
    >>> explained = table[(table["component"] == "explained") & (table["factor"] == "(total)")]
    >>> explained[["ar", "estimate", "share_of_gap"]].round(2)
          ar  estimate  share_of_gap
    1   2016    950.04          0.96
    9   2017    832.51          0.91
    17  2018    958.84          0.95
    25  2019   1006.43          1.04
    33  2020    909.81          1.02
    41  2021    937.73          0.99
    >>> table.loc[0, ["units_women", "units_men"]].tolist()  # prisons behind each sex's cost
    [6, 39]

    The unexplained part, with its interval from the jackknife over the 45 prisons, is small
    and covers 0 in every year:

    >>> rest = table[(table["component"] == "unexplained") & (table["factor"] == "(total)")]
    >>> rest[["ar", "estimate", "ci_low", "ci_high"]].round(0)
        ar  estimate  ci_low  ci_high
    4   2016      36.0  -138.0    210.0
    12  2017      82.0   -84.0    249.0
    20  2018      54.0  -234.0    343.0
    28  2019     -35.0  -267.0    196.0
    36  2020     -22.0  -214.0    170.0
    44  2021      12.0  -222.0    246.0
    """
    reference = _check_reference(reference)
    confidence = check_confidence(confidence)
    measure = ratio(cost, days)
    chosen = renamed(justified, factors, "justified", "factors", None) or ()
    spec = _spec(measure, sex, chosen, by, categorical, reference, confidence, None, cluster)
    return _decompose(data, measure, spec, n=None, mapping=mapping)


# --------------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------------


def _check_reference(reference: object) -> Reference:
    if not isinstance(reference, str) or reference not in REFERENCES:
        raise ValueError(BAD_REFERENCE.format(value=masked(reference)))
    return reference  # type: ignore[return-value]


@dataclass(frozen=True)
class _Spec:
    """The options of one call, checked."""

    kind: str
    measure: str
    value: str
    weight: str | None
    sex: str
    by: list[str]
    factors: list[str]
    categorical: frozenset[str]
    reference: str
    confidence: float
    cluster: str | None
    unit_word: str


def _decompose(
    data: Any,
    measure: Measure,
    spec: _Spec,
    *,
    n: str | None,
    mapping: Mapping[object, str] | None,
) -> pd.DataFrame:
    """Collect the pattern sums in one pass, decompose each breakdown cell, assemble."""
    cluster = spec.cluster
    keys = list(dict.fromkeys([*spec.by, *spec.factors, *([cluster] if cluster else [])]))
    try:
        cells = collect_cells(
            data, [measure], sex=spec.sex, by=keys, n=n, mapping=mapping, factors=spec.factors
        )
    except ValueError as error:  # a missing or refused column: named by its role here
        raise type(error)(_with_roles(str(error), spec)) from None
    stats, numeric = _pattern_stats(cells.stats, spec)
    excluded = _exclusion_note(cells.exclusions, spec)
    records: list[dict[str, Any]] = []
    for key, frame in _cells(stats, spec.by):
        where = _where(spec.by, key)
        cell_records = _decompose_cell(frame, spec, numeric, where)
        if spec.kind == "ratio":
            _jackknife(cell_records, frame, spec, numeric, where)
        _intervals(cell_records, spec)
        for record in cell_records:
            notes = [record["note"], excluded] if excluded else [record["note"]]
            record["note"] = "; ".join(n for n in notes if n)
            record.update(dict(zip(spec.by, key, strict=True)))
        records.extend(cell_records)
    if not records and not spec.by:
        said = "; ".join(n for n in (NOTE_EMPTY, excluded) if n)
        records = _empty_cell(spec, n_women=0, n_men=0, n_unknown=0, note=said)
        _intervals(records, spec)
    return _table(records, spec)


def _spec(
    measure: Measure,
    sex: str,
    factors: str | Sequence[str],
    by: str | Sequence[str],
    categorical: str | Sequence[str],
    reference: str,
    confidence: float,
    n: str | None,
    cluster: str | None,
) -> _Spec:
    """Check the column options against each other and gather them."""
    check_column(sex, "sex")
    by_list = check_columns(by, "by")
    factor_list = check_columns(factors, "justified")
    categorical_list = check_columns(categorical, "categorical")
    if not factor_list:
        raise ValueError(NO_FACTORS.format(value=masked(factors)))
    if sex in by_list:
        raise ValueError(SEX_IN_BY.format(sex=sex))
    for factor in factor_list:
        if factor == sex:
            raise ValueError(FACTOR_IS_SEX_COLUMN.format(factor=factor))
        if factor in by_list:
            raise ValueError(FACTOR_IN_BY.format(factor=factor))
    stray = [c for c in categorical_list if c not in factor_list]
    if stray:
        raise ValueError(
            CATEGORICAL_NOT_FACTOR.format(
                columns=quoted(stray),
                verb="is" if len(stray) == 1 else "are",
                factors=masked(factor_list),
            )
        )
    if cluster is not None and not isinstance(cluster, str):
        raise TypeError(f"cluster must be a column name, got {masked(cluster)!r}.")
    check_breakdowns(by_list, "a breakdown column, by=")
    check_factors(factor_list, "a justified factor, justified=")
    check_factors([cluster] if cluster else [], "the units, cluster=")
    return _Spec(
        kind=measure.kind,
        measure=measure.name,
        value=measure.column or "",
        weight=measure.denominator if measure.kind == "ratio" else n,
        sex=sex,
        by=by_list,
        factors=factor_list,
        categorical=frozenset(categorical_list),
        reference=reference,
        confidence=confidence,
        cluster=cluster,
        unit_word="persons" if measure.kind == "mean" else "rows",
    )


def _pattern_stats(cell_stats: pd.DataFrame, spec: _Spec) -> tuple[pd.DataFrame, dict[str, bool]]:
    """Keep the used pattern rows, as floats; say which factors enter as (finite) numbers."""
    stats = cell_stats.copy()
    for column in ("n", "rows", "units", "sy", "sx"):
        stats[column] = stats[column].astype(np.float64)
    stats = stats.loc[stats["rows"] > 0].reset_index(drop=True)
    numeric = {f: _is_numeric(stats[f]) and f not in spec.categorical for f in spec.factors}
    for factor in spec.factors:
        if numeric[factor]:
            # Finite: collect_cells refuses infinite factor values (the one policy).
            stats[factor] = stats[factor].map(float).to_numpy(dtype=np.float64)
    return stats, numeric


def _table(records: list[dict[str, Any]], spec: _Spec) -> pd.DataFrame:
    """Assemble the output table with its fixed columns and types."""
    # note_codes comes from the notes, when they are worded (_notes.finish)
    columns = ["measure", *spec.by, *OUTPUT_COLUMNS[:-1]]
    table = pd.DataFrame.from_records(records, columns=columns)
    table["measure"] = spec.measure
    for column in (
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "confidence",
        "share_of_gap",
        "women_mean",
        "men_mean",
    ):
        table[column] = table[column].astype(np.float64)
    for column in ("n_women", "n_men", "n_unknown", "units_women", "units_men"):
        table[column] = table[column].astype(np.int64)
    table["note"] = table["note"].astype(object)
    table["ci_method"] = table["ci_method"].astype(object)
    for column in spec.by:
        table[column] = table[column].infer_objects()
    return finish(table)[0]


def _intervals(records: list[dict[str, Any]], spec: _Spec) -> None:
    """Add ``ci_low``, ``ci_high``, ``confidence`` and ``ci_method`` from ``se``.

    A mean's parts get normal intervals (Jann 2008); a cost decomposition's jackknife
    standard errors t intervals on ``units - 1`` degrees of freedom, the units being those
    behind the cell's rows (kept in ``_df``).
    """
    for record in records:
        df = record.pop("_df", np.nan)
        if spec.kind == "mean":
            quantile = float(st.norm.ppf(0.5 + spec.confidence / 2))
            method = DELTA_METHOD
        else:
            quantile = float(st.t.ppf(0.5 + spec.confidence / 2, df)) if df >= 1 else np.nan
            method = JACKKNIFE_METHOD
        se = record["se"]
        half = quantile * se if np.isfinite(se) else np.nan
        record["ci_low"] = record["estimate"] - half
        record["ci_high"] = record["estimate"] + half
        record["confidence"] = spec.confidence
        record["ci_method"] = method


def _jackknife(
    records: list[dict[str, Any]],
    frame: pd.DataFrame,
    spec: _Spec,
    numeric: Mapping[str, bool],
    where: str,
) -> None:
    r"""Set ``se`` of a cost decomposition's rows by the delete-one-unit jackknife.

    Each unit (value of ``cluster``) that holds women or men is left out in turn and the
    cell decomposed again; the variance is :math:`(G-1)/G \sum_j (\theta_{(j)} -
    \bar\theta)^2` over the :math:`G` units (the CV3 variance of MacKinnon, Nielsen and
    Webb 2023). A row that some replicate cannot estimate gets NaN, said in ``note``.
    """
    estimates = np.array([r["estimate"] for r in records], dtype=np.float64)
    if not np.isfinite(estimates).any():
        return
    said = ""
    if spec.cluster is None:
        said = NOTE_NO_CLUSTER
    else:
        sexed = frame.loc[frame["sex"].isin(["women", "men"])]
        units = list(dict.fromkeys(sexed[spec.cluster]))
        if len(units) < 2:
            said = note("jackknife_one_unit" if len(units) == 1 else "jackknife_no_units")
    if said:
        for record in records:
            record["note"] = "; ".join(n for n in (record["note"], said) if n)
        return
    # Plain object columns: the replicates' group-bys are many and small.
    keep = list(
        dict.fromkeys(["sex", *spec.factors, spec.cluster, "n", "units", "sy", "sx", "syy"])
    )
    frame = frame[keep].reset_index(drop=True)
    frame = frame.astype({c: object for c in keep if frame[c].dtype.kind not in "biufcM"})
    replicates = np.empty((len(units), len(records)))
    failed: dict[int, list[Any]] = {}
    reasons: dict[str, None] = {}
    for j, unit in enumerate(units):
        rest = frame.loc[(frame[spec.cluster] != unit).to_numpy(dtype=bool)]
        try:
            again = _decompose_cell(rest, spec, numeric, where)
        except _CollinearFactors as error:
            replicates[j] = np.nan
            reasons[error.note] = None
        else:
            replicates[j] = [r["estimate"] for r in again]
            if np.isnan(replicates[j][np.isfinite(estimates)]).any():
                # What the replicate says that the whole cell does not: why it is NaN.
                known = set(split(records[0]["note"]))
                for text in split(again[0]["note"]):
                    if text not in known:
                        reasons[text] = None
        for i in np.flatnonzero(np.isnan(replicates[j]) & np.isfinite(estimates)):
            failed.setdefault(int(i), []).append(unit)
    g = len(units)
    centred = replicates - replicates.mean(axis=0)
    se = np.sqrt((g - 1) / g * (centred**2).sum(axis=0))
    for k, record in enumerate(records):
        record["se"] = float(se[k]) if np.isfinite(estimates[k]) else np.nan
        record["_df"] = g - 1
    if failed:
        left_out = list(dict.fromkeys(u for units_i in failed.values() for u in units_i))
        labels = [f"{records[i]['component']} {records[i]['factor']}" for i in sorted(failed)]
        said = note(
            "jackknife_gaps_unit" if len(left_out) == 1 else "jackknife_gaps_units",
            units=_listing(left_out),
            rows=", ".join(labels),
            reason=inner(list(reasons) or [note("see_notes_of_cells")]),
        )
        for record in records:
            record["note"] = "; ".join(n for n in (record["note"], said) if n)


def _with_roles(message: str, spec: _Spec) -> str:
    """Name a factor or cluster column by its role in a message about a column."""
    for factor in spec.factors:
        message = message.replace(
            f"Column {factor!r} (a breakdown column, by=)",
            f"Column {factor!r} (a justified factor, justified=)",
        )
    if spec.cluster is not None and spec.cluster not in spec.by + spec.factors:
        message = message.replace(
            f"Column {spec.cluster!r} (a breakdown column, by=)",
            f"Column {spec.cluster!r} (the unit column, cluster=)",
        )
    return message


def _is_numeric(values: pd.Series) -> bool:
    """Whether every value is a real number (booleans count as categories)."""
    return bool(len(values)) and all(
        isinstance(v, numbers.Number) and not isinstance(v, bool | complex | np.bool_)
        for v in values.drop_duplicates()
    )


def _exclusion_note(exclusions: pd.DataFrame, spec: _Spec) -> str:
    parts = []
    records = zip(
        exclusions["column"].astype(str).tolist(),
        exclusions["reason"].astype(str).tolist(),
        exclusions["rows"].astype(np.int64).tolist(),
        strict=True,
    )
    for column, reason, rows in records:
        if column in spec.factors:
            role = "factor"
        elif column == spec.cluster and column not in spec.by:
            role = "unit"
        elif reason == "missing_breakdown":
            role = "breakdown"
        elif reason == "missing_count":
            role = "count"
        else:
            role = "value"
        parts.append(note(EXCLUDED_CODES[role, rows == 1], rows=rows, column=column))
    return note("left_out_before_decomposition", parts=inner(parts, ", ")) if parts else ""


def _cells(stats: pd.DataFrame, by: list[str]) -> list[tuple[tuple[Any, ...], pd.DataFrame]]:
    """Split the pattern table into breakdown cells, in sorted order (as found if unsortable)."""
    if not by:
        return [((), stats)] if len(stats) else []
    cells = {tuple(key.values()): cell for key, cell in breakdown_cells(stats, by)}
    keys = pd.DataFrame(list(cells), columns=by, dtype=object)
    try:
        keys = keys.sort_values(by, kind="stable")
    except TypeError:
        pass
    return [(key, cells[key]) for key in keys.itertuples(index=False, name=None)]


def _where(by: list[str], key: tuple[Any, ...]) -> str:
    if not by:
        return ""
    return IN_CELL + ", ".join(f"{b}={masked(v)!r}" for b, v in zip(by, key, strict=True))


class _CollinearFactors(ValueError):
    """Collinear factors: the message for the user, and the note a jackknife replicate needs.

    ``note`` says, for a replicate that meets them, that the factors are collinear.
    """

    def __init__(self, names: list[str], where: str) -> None:
        listed = _listing(names)
        super().__init__(COLLINEAR.format(factors=listing(listed, "en"), where=where))
        self.note = (
            note("factors_collinear_in_cell", factors=listed, cell=where.removeprefix(IN_CELL))
            if where
            else note("factors_collinear", factors=listed)
        )


# --------------------------------------------------------------------------------------------
# One breakdown cell
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    """The factor patterns of one sex in a cell: values, outcome and weight per pattern."""

    patterns: pd.DataFrame
    y: FloatArray
    w: FloatArray
    syy: FloatArray


@dataclass(frozen=True)
class _Design:
    """Full (normalised) and reduced (estimable) parameterisation of the regressors.

    ``owner[j]`` and ``label[j]`` say which factor and category full column ``j`` is (None
    for the intercept). ``transform`` maps reduced coefficients (intercept, numeric factors,
    the indicators of all categories but one per categorical factor) to the full normalised
    coefficients, in which the categories of a factor sum to zero over the categories both
    sexes have.
    """

    owner: list[str | None]
    label: list[Any]
    reduced: list[int]
    transform: FloatArray

    def full(self, patterns: pd.DataFrame, numeric: Mapping[str, bool]) -> FloatArray:
        """Return the full design matrix of a pattern table."""
        columns = np.empty((len(patterns), len(self.owner)), dtype=np.float64)
        for j, (owner, label) in enumerate(zip(self.owner, self.label, strict=True)):
            if owner is None:
                columns[:, j] = 1.0
            elif numeric[owner]:
                columns[:, j] = patterns[owner].to_numpy(dtype=np.float64)
            else:
                columns[:, j] = [float(v == label) for v in patterns[owner]]
        return columns


@dataclass(frozen=True)
class _Fit:
    """Coefficients of one regression and what of them the data identify.

    ``null`` is a basis of the directions of the (scaled, reduced) coefficients that the
    data do not determine, ``absent`` marks regressors that are 0 in every pattern.
    """

    coef: FloatArray
    null: FloatArray
    scale: FloatArray
    transform: FloatArray
    absent: NDArray[np.bool_]

    def unidentified(self, c: FloatArray) -> FloatArray | None:
        """Return the part of ``c`` the data cannot price, or None if ``c @ coef`` is identified.

        ``c @ coef`` is identified (the same for every least-squares solution) when ``c``,
        taken to the reduced coefficients, is orthogonal to the null space.
        """
        if self.null.shape[1] == 0:
            return None
        z = (self.transform.T @ c) / self.scale
        size = float(np.linalg.norm(z))
        projection = self.null @ (self.null.T @ z)
        if size == 0.0 or float(np.max(np.abs(projection))) <= ESTIMABLE_TOL * size:
            return None
        return projection


def _sum_patterns(rows: pd.DataFrame, factors: list[str]) -> pd.DataFrame:
    """Sum ``n, sy, sx, syy`` per factor pattern, patterns in order of first appearance."""
    values = {f: rows[f].to_numpy() for f in factors}
    if not len(rows):
        empty = {f: v[:0] for f, v in values.items()}
        return pd.DataFrame({**empty, **{c: np.zeros(0) for c in ("n", "sy", "sx", "syy")}})
    codes = np.column_stack([pd.factorize(v, use_na_sentinel=False)[0] for v in values.values()])
    _, first, inverse = np.unique(codes, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    label = rank[inverse.ravel()]
    summed: dict[str, Any] = {f: v[first[order]] for f, v in values.items()}
    for column in ("n", "sy", "sx", "syy"):
        weights = rows[column].to_numpy(dtype=np.float64)
        summed[column] = np.bincount(label, weights=weights, minlength=len(order))
    return pd.DataFrame(summed)


def _group(
    frame: pd.DataFrame, sex_value: str, spec: _Spec, where: str
) -> tuple[_Group, dict[str, float]]:
    rows = frame.loc[frame["sex"] == sex_value]
    counts = {
        "n": float(rows["n"].sum()),
        "units": float(
            rows[spec.cluster].nunique() if spec.cluster is not None else rows["units"].sum()
        ),
        "sy": float(rows["sy"].sum()),
        "weight": float(rows["sx"].sum() if spec.kind == "ratio" else rows["n"].sum()),
    }
    summed = _sum_patterns(rows, spec.factors)
    weight = summed["sx" if spec.kind == "ratio" else "n"].to_numpy(dtype=np.float64)
    total = summed["sy"].to_numpy(dtype=np.float64)
    # The sums are finite and the weights >= 0: collect_cells refuses infinite, too large
    # and negative counts and denominators (the one policy for numbers).
    bad = (weight == 0) & (total != 0)
    for i in np.flatnonzero(bad)[:1]:
        pattern = ", ".join(f"{f}={masked(summed[f].iloc[i])!r}" for f in spec.factors)
        template = COST_WITHOUT_DAYS if spec.kind == "ratio" else SUM_WITHOUT_PERSONS
        raise ValueError(
            template.format(
                cost=spec.value,
                outcome=spec.value,
                days=spec.weight,
                n=spec.weight,
                value=masked(float(total[i])),
                sex="women" if sex_value == "women" else "men",
                pattern=pattern,
                where=where,
            )
        )
    keep = weight > 0
    patterns = summed.loc[keep].reset_index(drop=True)
    syy = summed["syy"].to_numpy(dtype=np.float64)[keep]
    return _Group(patterns, total[keep] / weight[keep], weight[keep], syy), counts


@dataclass(frozen=True)
class _Head:
    """What every row of a cell repeats: counts, each sex's mean, and the cell's notes."""

    counts: dict[str, Any]
    means: dict[str, float]
    notes: list[str]

    def empty(self, spec: _Spec, *, gap: bool = False) -> list[dict[str, Any]]:
        """Return the cell's rows with every estimate NaN (the gap kept with ``gap=True``)."""
        return _empty_cell(
            spec,
            **self.counts,
            note="; ".join(self.notes),
            gap=gap,
            women_mean=self.means["women_mean"],
            men_mean=self.means["men_mean"],
        )


def _head(
    frame: pd.DataFrame, spec: _Spec, women: Mapping[str, float], men: Mapping[str, float]
) -> _Head:
    n_unknown = int(frame.loc[frame["sex"] == "unknown", "n"].sum())
    notes: list[str] = []
    if n_unknown:
        notes.append(note(UNKNOWN_CODES[spec.unit_word], count=n_unknown))
    counts: dict[str, Any] = {
        "n_women": int(women["n"]),
        "n_men": int(men["n"]),
        "n_unknown": n_unknown,
        "units_women": int(women["units"]),
        "units_men": int(men["units"]),
    }
    means = {
        "women_mean": women["sy"] / women["weight"] if women["weight"] > 0 else np.nan,
        "men_mean": men["sy"] / men["weight"] if men["weight"] > 0 else np.nan,
    }
    return _Head(counts, means, notes)


def _decompose_cell(
    frame: pd.DataFrame, spec: _Spec, numeric: Mapping[str, bool], where: str
) -> list[dict[str, Any]]:
    """Decompose one breakdown cell: point estimates, and for a mean their delta-method se."""
    women, wc = _group(frame, "women", spec, where)
    men, mc = _group(frame, "men", spec, where)
    head = _head(frame, spec, wc, mc)
    if not len(women.y) or not len(men.y):
        if not len(women.y) and not len(men.y):
            head.notes.insert(0, NOTE_NO_ONE)
        else:
            head.notes.insert(0, NOTE_NO_WOMEN if not len(women.y) else NOTE_NO_MEN)
        return head.empty(spec)
    roles = _factor_roles(women, men, spec, numeric, head.notes)
    if roles is None:
        return head.empty(spec, gap=True)
    active, levels, common = roles
    design = _design(active, numeric, levels, common)
    x_full = {
        "women": design.full(women.patterns, numeric),
        "men": design.full(men.patterns, numeric),
    }
    coincides = _check_rank(design, x_full["women"], x_full["men"], women.w, men.w, where)
    if coincides:
        head.notes.append(coincides)
        return head.empty(spec, gap=True)
    fits = {
        "women": _fit(design, x_full["women"], women),
        "men": _fit(design, x_full["men"], men),
    }
    if spec.reference == "pooled":
        fits["pooled"] = _fit_pooled(design, x_full["women"], x_full["men"], women, men)
    gap = head.means["women_mean"] - head.means["men_mean"]
    parts = _Parts(fits, len(design.owner))
    rows = parts.rows(design, spec, active, x_full, (women.w, men.w), gap)
    head.notes.extend(parts.notes(design, spec.reference))
    if gap == 0:
        head.notes.append(NOTE_NO_GAP)
    se = np.full(len(rows), np.nan)
    if spec.kind == "mean":
        known = bool(frame["has_syy"].all())
        variance = _Variance.of(design, x_full, women, men, fits, known_syy=known)
        if variance.note:
            head.notes.append(variance.note)
        else:
            for i, (_, _, value, terms) in enumerate(rows):
                if not np.isnan(value):
                    se[i] = variance.se(terms)
    note = "; ".join(head.notes)
    return [
        {
            "component": component,
            "factor": factor,
            "estimate": float(value),
            "se": float(se[i]),
            "share_of_gap": float(value / gap) if gap != 0 else np.nan,
            **head.means,
            **head.counts,
            "reference": spec.reference,
            "order": ORDER,
            "note": note,
        }
        for i, (component, factor, value, _) in enumerate(rows)
    ]


def _factor_roles(
    women: _Group, men: _Group, spec: _Spec, numeric: Mapping[str, bool], notes: list[str]
) -> tuple[list[str], dict[str, list[Any]], dict[str, list[Any]]] | None:
    """Sort the factors: left out when constant, None when one coincides with sex.

    Returns the factors kept, the levels of each and, for categorical ones, the levels both
    sexes have (over which their coefficients are normalised); notes say what was done.
    """
    active: list[str] = []
    levels: dict[str, list[Any]] = {}
    common: dict[str, list[Any]] = {}
    for factor in spec.factors:
        in_women = list(dict.fromkeys(women.patterns[factor]))
        in_men = list(dict.fromkeys(men.patterns[factor]))
        every = _sorted(list(dict.fromkeys(in_women + in_men)))
        if len(every) == 1:
            notes.append(
                note(
                    "decomposition_factor_one_level",
                    factor=repr(factor),
                    value=repr(_plain(every[0])),
                )
            )
            continue
        if coincides_with_sex(in_women, in_men, numeric=numeric[factor]):
            notes.append(_coincide_note(factor, in_women, in_men, numeric=numeric[factor]))
            return None
        if not numeric[factor]:
            common[factor] = [v for v in every if v in in_women and v in in_men]
            notes.extend(_one_sex_categories(factor, every, in_women, in_men, common[factor]))
        levels[factor] = every
        active.append(factor)
    return active, levels, common


def _coincide_note(factor: str, in_women: list[Any], in_men: list[Any], *, numeric: bool) -> str:
    """Say that a factor coincides with sex, and how it tells women from men."""
    if numeric:
        return note(
            "factor_values_coincide_with_sex",
            factor=repr(factor),
            women=repr(_plain(in_women[0])),
            men=repr(_plain(in_men[0])),
        )
    return note(
        "factor_categories_coincide_with_sex",
        factor=repr(factor),
        women=_listing(_sorted(in_women)),
        men=_listing(_sorted(in_men)),
    )


def _one_sex_categories(
    factor: str, every: list[Any], in_women: list[Any], in_men: list[Any], shared: list[Any]
) -> list[str]:
    """Say which categories of a factor only one sex has."""
    notes = []
    for sex_word, present in (("men", in_men), ("women", in_women)):
        alone = [v for v in every if v in present and v not in shared]
        if alone:
            notes.append(
                note(
                    ONE_SEX_CODES[sex_word, len(alone) == 1],
                    categories=_listing(alone),
                    factor=repr(factor),
                    common=_listing(shared),
                )
            )
    return notes


_Row = tuple[str, str, float, "_Linear"]


@dataclass
class _Parts:
    """The rows of a decomposition from the fits, and which of them are not identified."""

    fits: Mapping[str, _Fit]
    p: int
    failures: list[tuple[str, FloatArray]] = field(default_factory=list)
    total_failures: list[tuple[str, FloatArray]] = field(default_factory=list)
    failed_parts: list[str] = field(default_factory=list)

    def value(self, terms: list[tuple[str, FloatArray]]) -> float:
        """Evaluate a sum of ``c @ coef`` terms; NaN (failure recorded) if not identified."""
        per_group: dict[str, FloatArray] = {}
        for group, c in terms:
            per_group[group] = per_group.get(group, np.zeros(self.p)) + c
        value, identified = 0.0, True
        for group, c in per_group.items():
            missing = self.fits[group].unidentified(c)
            if missing is None:
                value += float(c @ self.fits[group].coef)
            else:
                self.failures.append((group, missing))
                identified = False
        return value if identified else np.nan

    def rows(
        self,
        design: _Design,
        spec: _Spec,
        active: list[str],
        x_full: Mapping[str, FloatArray],
        weights: tuple[FloatArray, FloatArray],
        gap: float,
    ) -> list[_Row]:
        """Each row: its value, the terms in the coefficients and the gradient in the means."""
        star = spec.reference
        xw = weights[0] @ x_full["women"] / weights[0].sum()
        xm = weights[1] @ x_full["men"] / weights[1].sum()
        delta = xw - xm
        bw, bm, bs = self.fits["women"].coef, self.fits["men"].coef, self.fits[star].coef
        gap_terms = _Linear([("women", xw), ("men", -xm)], {"women": bw, "men": -bm})
        total_terms = _Linear([(star, delta)], {"women": bs, "men": -bs})
        explained_total = self.value(total_terms.coef)
        self.total_failures = list(self.failures)
        explained: list[_Row] = []
        unexplained: list[_Row] = []
        zero = _Linear([], {})
        for factor in spec.factors:
            if factor not in active:
                explained.append(("explained", factor, 0.0, zero))
                unexplained.append(("unexplained", factor, 0.0, zero))
                continue
            mask = np.array([owner == factor for owner in design.owner], dtype=np.float64)
            terms = _Linear([(star, delta * mask)], {"women": bs * mask, "men": -bs * mask})
            explained.append(("explained", factor, self._part(terms, "explained", factor), terms))
            terms = _Linear(
                [("women", xw * mask), ("men", -xm * mask), (star, -delta * mask)],
                {"women": (bw - bs) * mask, "men": (bs - bm) * mask},
            )
            value = self._part(terms, "unexplained", factor)
            unexplained.append(("unexplained", factor, value, terms))
        e0 = np.zeros(self.p)
        e0[0] = 1.0
        intercept_terms = _Linear([("women", e0), ("men", -e0)], {})
        intercept = self.value(intercept_terms.coef)
        if np.isnan(intercept):
            self.failed_parts.append(note("unexplained_part_of_intercept"))
        unexplained_terms = _Linear(
            [("women", xw), ("men", -xm), (star, -delta)], {"women": bw - bs, "men": bs - bm}
        )
        return [
            ("gap", TOTAL, gap, gap_terms),
            ("explained", TOTAL, explained_total, total_terms),
            *explained,
            ("unexplained", TOTAL, gap - explained_total, unexplained_terms),
            *unexplained,
            ("unexplained", INTERCEPT, intercept, intercept_terms),
        ]

    def _part(self, terms: _Linear, component: str, factor: str) -> float:
        value = self.value(terms.coef)
        if np.isnan(value):
            self.failed_parts.append(note(PART_CODES[component], factor=repr(factor)))
        return value

    def notes(self, design: _Design, reference: str) -> list[str]:
        """Say which parts the data do not identify, and why."""
        if self.total_failures:
            reason = _reasons(self.total_failures, self.fits, design)
            return [note("totals_not_identified", reference=reference, reason=inner(reason))]
        if self.failed_parts:
            reason = _reasons(self.failures, self.fits, design)
            failed = self.failed_parts
            parts = inner(failed, "list" if len(failed) <= 2 else ", ")
            return [note("parts_not_identified", parts=parts, reason=inner(reason))]
        return []


def _empty_cell(
    spec: _Spec,
    *,
    n_women: int,
    n_men: int,
    n_unknown: int,
    units_women: int = 0,
    units_men: int = 0,
    note: str,
    women_mean: float = np.nan,
    men_mean: float = np.nan,
    gap: bool = False,
) -> list[dict[str, Any]]:
    """Return the rows of a cell with nothing to decompose: every estimate NaN.

    With ``gap=True`` the gap row keeps the difference of the two means.
    """
    labels = [("gap", TOTAL), ("explained", TOTAL)]
    labels += [("explained", f) for f in spec.factors]
    labels += [("unexplained", TOTAL)]
    labels += [("unexplained", f) for f in spec.factors]
    labels += [("unexplained", INTERCEPT)]
    difference = women_mean - men_mean if gap else np.nan
    return [
        {
            "component": component,
            "factor": factor,
            "estimate": difference if component == "gap" else np.nan,
            "se": np.nan,
            "share_of_gap": 1.0 if component == "gap" and difference else np.nan,
            "women_mean": women_mean,
            "men_mean": men_mean,
            "n_women": n_women,
            "n_men": n_men,
            "n_unknown": n_unknown,
            "units_women": units_women,
            "units_men": units_men,
            "reference": spec.reference,
            "order": ORDER,
            "note": note,
        }
        for component, factor in labels
    ]


@dataclass(frozen=True)
class _Linear:
    """A row of the decomposition, linearised: ``sum(c @ coef[group]) + sum(g @ mean[sex])``.

    ``coef`` holds the terms ``(group, c)`` in the coefficients of the women's, men's or
    pooled regression (full normalised parameterisation); ``means`` the derivative of the row
    with respect to each sex's mean factor vector.
    """

    coef: list[tuple[str, FloatArray]]
    means: dict[str, FloatArray]


@dataclass(frozen=True)
class _Variance:
    r"""Sampling variances of the rows of one cell, by the delta method (Jann 2008).

    ``cov_reduced[s]`` is the covariance of sex ``s``'s reduced coefficients,
    :math:`s^2 (X'WX)^+`. ``pooled[s]`` maps reduced pooled coefficients to sex ``s``'s
    reduced coefficients: for the observed factors the pooled coefficients are a linear
    function of the two sexes' coefficients. ``mix[s]`` holds sex ``s``'s patterns (full
    and pooled design, persons, and the difference between the sex's fitted values and the
    pooled fitted values), for the variation of the means and, through the factor mix, of
    the pooled coefficients; ``pooled_inverse`` is the first ``k`` columns of
    :math:`(X^{*\prime} W X^*)^{-1}`.
    """

    transform: FloatArray
    cov_reduced: dict[str, FloatArray]
    pooled: dict[str, FloatArray]
    mix: dict[str, tuple[FloatArray, FloatArray, FloatArray, FloatArray]]
    pooled_inverse: FloatArray
    note: str

    @classmethod
    def of(
        cls,
        design: _Design,
        x_full: Mapping[str, FloatArray],
        women: _Group,
        men: _Group,
        fits: Mapping[str, _Fit],
        *,
        known_syy: bool,
    ) -> _Variance:
        groups = {"women": women, "men": men}
        nothing = np.zeros((0, 0))
        if not known_syy:
            return cls(design.transform, {}, {}, {}, nothing, NOTE_NO_SUM_SQ)
        cov_reduced: dict[str, FloatArray] = {}
        fitted: dict[str, FloatArray] = {}
        for sex_word, group in groups.items():
            x = x_full[sex_word][:, design.reduced]
            persons = float(group.w.sum())
            inverse, rank = gram_pinv(x, group.w)
            fitted[sex_word] = x_full[sex_word] @ fits[sex_word].coef
            f = fitted[sex_word]
            residual = group.syy - 2.0 * f * group.y * group.w + group.w * f**2
            df = persons - rank
            if df <= 0:
                why = note(RESIDUAL_DF_CODES[sex_word], persons=persons, k=int(rank))
                return cls(design.transform, {}, {}, {}, nothing, why)
            cov_reduced[sex_word] = max(float(residual.sum()), 0.0) / df * inverse
        k = len(design.reduced)
        xp = {
            s: np.column_stack(
                [x_full[s][:, design.reduced], np.full(len(groups[s].w), float(s == "women"))]
            )
            for s in groups
        }
        pooled: dict[str, FloatArray] = {}
        pooled_inverse = np.zeros((k + 1, k))
        gap = {s: np.zeros(len(groups[s].w)) for s in groups}
        if "pooled" in fits:
            # The pooled coefficients are the WLS of the sexes' fitted values on the pooled
            # design (the residuals of a sex's regression are orthogonal to its factors),
            # inverse @ sum_s xp_s' W_s fitted_s, so r' b_pooled[:k] puts x_s' W_s xp_s
            # inverse[:, :k] r on b_s.
            w = np.concatenate([groups[s].w for s in groups])
            fitted_all = np.concatenate([fitted[s] for s in groups])
            coef, inverse = wls(np.vstack([xp[s] for s in groups]), w, w * fitted_all)
            pooled_inverse = inverse[:, :k]
            for s in groups:
                x = x_full[s][:, design.reduced]
                pooled[s] = (x * groups[s].w[:, np.newaxis]).T @ xp[s] @ pooled_inverse
                gap[s] = fitted[s] - xp[s] @ coef
        mix = {s: (x_full[s], xp[s], groups[s].w, gap[s]) for s in groups}
        return cls(design.transform, cov_reduced, pooled, mix, pooled_inverse, "")

    def se(self, row: _Linear) -> float:
        r"""Return the delta-method standard error of a linearised row.

        The coefficient part is :math:`\sum_s r_s' \hat V(\hat\beta_s) r_s`. The factor
        part is, per sex, :math:`n_s / (n_s - 1) \sum_i (\phi_i - \bar\phi)^2` over its
        persons, with :math:`\phi_i = g_s'x_i / n_s + h'x^*_i (\hat y_{s,i} - \hat y^*_i)`:
        the change of the row when person :math:`i` is added, through the mean factors
        (:math:`g_s`) and through the pooled coefficients (:math:`h = M^{-1} r^*`, zero
        unless the row uses them). Without the second term it is :math:`g_s' S_x g_s / n_s`.
        """
        on: dict[str, FloatArray] = {}
        through = np.zeros(self.pooled_inverse.shape[1])
        for group, c in row.coef:
            r = self.transform.T @ c
            if group == "pooled":
                through = through + r
                targets = {s: mapping @ r for s, mapping in self.pooled.items()}
            else:
                targets = {group: r}
            for s, value in targets.items():
                on[s] = on.get(s, 0.0) + value
        variance = sum(float(r @ self.cov_reduced[s] @ r) for s, r in on.items())
        h = self.pooled_inverse @ through
        for s, (x, xp, w, gap) in self.mix.items():
            persons = float(w.sum())
            g = row.means.get(s)
            phi = (xp @ h) * gap
            if g is not None:
                phi = phi + x @ g / persons
            centred = phi - float(w @ phi) / persons
            variance += persons / (persons - 1.0) * float(w @ centred**2)
        return float(np.sqrt(max(variance, 0.0)))


def _design(
    active: list[str],
    numeric: Mapping[str, bool],
    levels: Mapping[str, list[Any]],
    common: Mapping[str, list[Any]],
) -> _Design:
    owner: list[str | None] = [None]
    label: list[Any] = [None]
    for factor in active:
        values = [None] if numeric[factor] else levels[factor]
        owner += [factor] * len(values)
        label += values
    reduced = [0]
    for j in range(1, len(owner)):
        name = owner[j]
        if name is not None and not numeric[name] and label[j] == common[name][0]:
            continue
        reduced.append(j)
    position = {j: k for k, j in enumerate(reduced)}
    transform = np.zeros((len(owner), len(reduced)))
    transform[0, 0] = 1.0
    for factor in active:
        columns = [j for j in range(len(owner)) if owner[j] == factor]
        if numeric[factor]:
            transform[columns[0], position[columns[0]]] = 1.0
            continue
        # Deviation from the mean over the shared categories (the omitted one counts as 0).
        shift = np.zeros(len(reduced))
        shared = [j for j in columns if label[j] in common[factor]]
        for j in shared:
            if j in position:
                shift[position[j]] += 1.0 / len(shared)
        transform[0] += shift
        for j in columns:
            if j in position:
                transform[j, position[j]] = 1.0
            transform[j] -= shift
    return _Design(owner=owner, label=label, reduced=reduced, transform=transform)


def _fit(design: _Design, x_full: FloatArray, group: _Group) -> _Fit:
    x = x_full[:, design.reduced]
    beta, null, scale = wls_min_norm(x, group.y, group.w)
    absent = ~np.any(x != 0.0, axis=0)
    return _Fit(design.transform @ beta, null, scale, design.transform, absent)


def _fit_pooled(
    design: _Design, xw_full: FloatArray, xm_full: FloatArray, women: _Group, men: _Group
) -> _Fit:
    """Coefficients of the regression on both sexes with an indicator for women."""
    x = np.vstack([xw_full[:, design.reduced], xm_full[:, design.reduced]])
    indicator = np.r_[np.ones(len(women.y)), np.zeros(len(men.y))]
    beta, _, scale = wls_min_norm(
        np.column_stack([x, indicator]), np.r_[women.y, men.y], np.r_[women.w, men.w]
    )
    k = len(design.reduced)
    absent = np.zeros(k, dtype=bool)
    return _Fit(design.transform @ beta[:k], np.zeros((k, 0)), scale[:k], design.transform, absent)


def _check_rank(
    design: _Design,
    xw_full: FloatArray,
    xm_full: FloatArray,
    ww: FloatArray,
    wm: FloatArray,
    where: str,
) -> str:
    """Raise when the factors are collinear; say so (a note) when they tell women from men."""
    x = np.vstack([xw_full[:, design.reduced], xm_full[:, design.reduced]])
    w = np.r_[ww, wm]
    owners = [design.owner[j] for j in design.reduced]
    _, null, _ = wls_min_norm(x, np.zeros(len(w)), w)
    if null.shape[1]:
        names = _involved(null, owners)
        raise _CollinearFactors(names, where)
    indicator = np.r_[np.ones(len(ww)), np.zeros(len(wm))]
    _, null, _ = wls_min_norm(np.column_stack([x, indicator]), np.zeros(len(w)), w)
    if null.shape[1]:
        names = _involved(null[:-1], owners)
        if len(names) == 1:
            return note("factor_linearly_coincides_with_sex", factor=repr(names[0]))
        return note("factors_coincide_with_sex", factors=_listing(names))
    return ""


def _involved(null: FloatArray, owners: list[str | None]) -> list[str]:
    loaded = np.max(np.abs(null), axis=1) > LOADING_TOL * np.max(np.abs(null))
    names = [o for o, hit in zip(owners, loaded, strict=True) if hit and o is not None]
    return list(dict.fromkeys(names)) or [o for o in dict.fromkeys(owners) if o is not None]


def _reasons(
    failures: Sequence[tuple[str, FloatArray]], fits: Mapping[str, _Fit], design: _Design
) -> list[str]:
    """Say which coefficients the data cannot identify, for the parts that need them."""
    owners = [design.owner[j] for j in design.reduced]
    labels = [design.label[j] for j in design.reduced]
    reasons = []
    for group, projection in failures:
        who = inner([note(_GROUP_CODES[group])])
        absent = fits[group].absent
        hit = np.abs(projection) > LOADING_TOL * np.max(np.abs(projection))
        missing: dict[str, list[Any]] = {}
        for j in np.flatnonzero(hit & absent):
            missing.setdefault(str(owners[j]), []).append(labels[j])
        for factor, levels in missing.items():
            if levels == [None]:
                reasons.append(note("factor_zero_for_group", factor=repr(factor), group=who))
            else:
                reasons.append(
                    note(
                        ABSENT_CODES[len(levels) == 1],
                        categories=_listing(levels),
                        factor=repr(factor),
                        group=who,
                    )
                )
        others = hit & ~absent
        names = list(dict.fromkeys(str(owners[j]) for j in np.flatnonzero(others) if j > 0))
        if names:
            code = INSEPARABLE_CODES[len(names) > 1, bool(others[0])]
            reasons.append(note(code, group=who, names=_listing(names)))
    return list(dict.fromkeys(reasons))


def _sorted(values: list[Any]) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=repr)


def _plain(value: Any) -> Any:
    """Show a float that is a whole number as an int, so a class 2.0 reads as 2.

    The value is wrapped for messages and notes: an identity number is masked.
    """
    if isinstance(value, float) and value.is_integer():
        return masked(int(value))
    return masked(value)


def _listing(items: Sequence[Any]) -> list[str]:
    """Return values as a parameter of a note, worded as a list in the note's language."""
    return values(repr(_plain(v)) for v in items)
