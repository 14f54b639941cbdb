"""``allocate``: activity-based allocation of costs to women and men by volume drivers.

Costs are recorded per cost object (a benefit, an activity, a unit). Each cost object's cost
is shared between women and men in proportion to a volume driver the agency already has
(recipients, cases handled, customer contacts, care-days). Common costs (overhead) can first
be spread over the cost objects by a key of their own (a two-stage chain: overhead → cost
objects → women and men).

Money is conserved exactly: amounts are carried in whole öre and every split is made with
the largest-remainder rule, so the parts of each cost object sum to its cost to the öre, and
the cost objects sum to the input total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

import numpy as np
import pandas as pd

from genderbudget._cells import LARGEST_VALUE, check_numbers, small_table
from genderbudget._notes import codes, english, note, parse, render
from genderbudget._options import (
    TEMPORARY,
    check_choice,
    check_columns,
    check_not_temporary,
    check_number,
    counted,
    masked,
)
from genderbudget._reserved import check_breakdowns
from genderbudget._rounding import grouped_largest_remainder, round_within
from genderbudget._sex import SEX_CATEGORIES, normalize_sex
from genderbudget._texts import LANGS, Lang

__all__ = ["OVERHEAD_COLUMNS", "SENSITIVITY_COLUMNS", "Allocation", "allocate"]

# Temporary columns: their prefix cannot start a caller's column (checked).
_TMP_ORE, _TMP_PERSONS, _TMP_SEX, _TMP_COST, _TMP_POOL, _TMP_POOL_NAME, _TMP_KEY = (
    TEMPORARY + name
    for name in ("ore", "persons", "sex", "cost", "pool_number", "pool_name", "key")
)

SENSITIVITY_COLUMNS: tuple[str, ...] = (
    "cost_object",
    "driver",
    "women_share",
    "men_share",
    "unknown_share",
    "spread",
)
"""The columns of :attr:`Allocation.sensitivity` after the breakdowns."""
OVERHEAD_COLUMNS: tuple[str, ...] = ("driver", "pool", "cost_object", "key", "amount")
"""The columns of :attr:`Allocation.overhead` after the breakdowns."""

KEY_COST: Final[str] = "cost"
KEY_DRIVER: Final[str] = "driver"
TOTAL: Final[str] = "total"

NOT_NUMERIC = (
    "Column {column!r} of {table} must hold numbers, but {rows} do not: {values}. Convert "
    "it first, e.g. {table}[{column!r}] = pandas.to_numeric({table}[{column!r}])."
)
MISSING_VALUES = (
    "Column {column!r} of {table} has missing values in {rows} ({where}). Money and volumes "
    "must be given for every row: fill them in (0 if there was none) or drop the rows."
)
FIX_NUMBERS = (
    "Correct those rows or drop them; costs and volumes must be finite numbers >= 0 (net a "
    "reversal against the costs of the cost object it belongs to before allocating)."
)
# The largest amount carried exactly in whole öre (2**53 öre, about 90 000 billion kr).
LARGEST_AMOUNT: Final[float] = 2.0**53 / 100.0
AMOUNTS_OVERFLOW = (
    "Column {column!r} of {table} sums to {total:,.0f} kr in absolute value, more than "
    "{limit:,.0f} kr, which cannot be carried exactly in whole öre. Allocate in parts (e.g. "
    "one year at a time, by=) or check the unit of the column."
)
NO_DRIVERS = (
    "Cost object(s) {where} in costs have no rows in drivers, so their cost cannot be "
    "allocated (it would disappear). Add their driver volumes by sex, or leave the cost "
    "objects out of costs and report them separately."
)
UNKNOWN_OBJECT = (
    "drivers has rows for cost object(s) {where} that are not in costs. Check the spelling "
    "of column {column!r} in both tables, or add the cost objects to costs (with cost 0 if "
    "they had none)."
)
ZERO_VOLUME = (
    "Driver {driver!r} is 0 for every sex of cost object(s) {where}, so their cost of "
    "{amount} kr cannot be shared by it. Give the cost object a volume, use another driver, "
    "or move its cost to a common pool (overhead=)."
)
BAD_KEY = (
    "overhead_key {key!r} for pool {pool!r} is not allowed. Use 'cost' (the pool follows the "
    "cost objects' own costs), 'driver' (the driver being allocated by), or a driver column: "
    "{columns}."
)
ZERO_KEY = (
    "The key {key!r} of overhead pool {pool!r} sums to 0 over the cost objects{where}, so the "
    "pool of {amount} kr cannot be spread. Use another key."
)
# The note on amounts rounded to whole öre: one amount or more, per cell of by= or not.
SUB_ORE_CODES: Final[Mapping[tuple[bool, bool], str]] = {
    (True, False): "amount_sub_ore_rounded",
    (False, False): "amounts_sub_ore_rounded",
    (True, True): "amount_sub_ore_rounded_per_cell",
    (False, True): "amounts_sub_ore_rounded_per_cell",
}
NO_NOTES = (
    "This allocation keeps no notes to word in another language; gb.allocate builds "
    "allocations that do."
)
BAD_ROUND = "round_to must be a positive number of kronor (e.g. 1000), got {value!r}."
NO_DRIVER = "driver must name at least one column of drivers (e.g. 'mottagare'), got {value!r}."


@dataclass(frozen=True)
class AllocationSettings:
    """The options of one call of :func:`allocate`, as it used them.

    Attributes
    ----------
    cost_object, amount, sex : str
        The cost-object column, the amount column (costs) and the sex column (drivers).
    driver : tuple of str
        The volume drivers, in order.
    by : tuple of str
        The breakdown columns.
    overhead_key : str or mapping
        How the overhead pools were spread (``cost``, ``driver``, a driver column, or one of
        these per pool).
    persons : str or None
        The column with the persons of each sex (for ``per_capita``).
    round_to : float or None
        The rounding unit of ``amount_rounded``.
    """

    cost_object: str
    amount: str
    sex: str
    driver: tuple[str, ...]
    by: tuple[str, ...] = ()
    overhead_key: str | Mapping[str, str] = "cost"
    persons: str | None = None
    round_to: float | None = None

    def __post_init__(self) -> None:
        if isinstance(self.overhead_key, Mapping):
            object.__setattr__(self, "overhead_key", MappingProxyType(dict(self.overhead_key)))


@dataclass(frozen=True)
class Allocation:
    """Costs allocated to women and men: the tidy tables of :func:`allocate`.

    The object is immutable: every table attribute returns a fresh copy, so changing a
    returned frame never changes the allocation.

    Attributes
    ----------
    table : pandas.DataFrame
        ``<by>, cost_object, driver, sex, amount, share, per_capita, amount_rounded``: one
        row per cost object x driver x sex. ``amount`` in kronor (whole öre), ``share`` the
        sex's share of the cost object's cost, ``per_capita`` the amount per person of that
        sex (``persons=``; NaN without it), ``amount_rounded`` the amount rounded as
        described under ``round_to`` (NaN without it).
    totals : pandas.DataFrame
        The same columns with ``cost_object = "total"``: summed over the cost objects, per
        driver and sex; ``per_capita`` divides by the persons summed over cost objects (a
        person with two benefits counts twice).
    sensitivity : pandas.DataFrame
        ``<by>, cost_object, driver, women_share, men_share, unknown_share, spread``: how
        the split changes with the choice of driver, per cost object and for the total;
        ``spread`` is the largest minus the smallest women's share over the drivers.
    overhead : pandas.DataFrame
        ``<by>, driver, pool, cost_object, key, amount``: the first stage, each overhead pool
        spread over the cost objects (empty without ``overhead``).
    settings : AllocationSettings
        The options of the call (typed, immutable).
    notes : tuple of str
        What was done to the input that the caller should know, in English, e.g. amounts
        with fractions of an öre rounded to whole öre (empty when nothing was).
    note_codes : tuple of str
        The same notes as stable codes (snake_case), in the same order, e.g.
        ``"amounts_sub_ore_rounded"``; :meth:`Allocation.word_notes` words them in Swedish
        or English, :func:`genderbudget.note_label` one code.

    Examples
    --------
    >>> import genderbudget as gb
    >>> costs = gb.datasets.load_pension_costs().query("ar == 2021 and typ == 'förmån'")
    >>> drivers = gb.datasets.load_pension_drivers().query("ar == 2021")
    >>> result = gb.allocate(costs, drivers, cost_object="kostnadsobjekt", amount="kostnad",
    ...                      sex="kon", driver="mottagare", persons="mottagare")
    >>> result.totals[["sex", "amount", "share"]].round({"amount": -5, "share": 3})
         sex       amount  share
    0  women  708600000.0  0.589
    1    men  493800000.0  0.411
    >>> bool(result.totals["amount"].sum() == costs["kostnad"].sum())
    True
    """

    _table: pd.DataFrame
    _totals: pd.DataFrame
    _sensitivity: pd.DataFrame
    _overhead: pd.DataFrame
    settings: AllocationSettings
    notes: tuple[str, ...] = ()
    note_codes: tuple[str, ...] = ()
    _coded: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def word_notes(self, *, lang: Lang = "sv") -> tuple[str, ...]:
        """Word the notes of the allocation in Swedish or English.

        Parameters
        ----------
        lang : {"sv", "en"}, default "sv"
            Language. ``"en"`` gives :attr:`notes` as they are.

        Returns
        -------
        tuple of str
            One string per note, in the order of :attr:`notes`.

        Raises
        ------
        ValueError
            Unknown language, or an allocation not built by :func:`genderbudget.allocate`.

        Examples
        --------
        >>> import pandas as pd
        >>> import genderbudget as gb
        >>> costs = pd.DataFrame({"objekt": ["a"], "kostnad": [100.004]})
        >>> drivers = pd.DataFrame({"objekt": ["a", "a"], "kon": ["K", "M"], "antal": [1, 3]})
        >>> result = gb.allocate(costs, drivers, cost_object="objekt", amount="kostnad",
        ...                      sex="kon", driver="antal")
        >>> result.note_codes
        ('amount_sub_ore_rounded',)
        >>> result.word_notes()[0].split(";")[0]
        "1 belopp i kolumnen 'kostnad' i tabellen 'costs' hade delar av ett öre"
        >>> result.notes[0].split(";")[0]
        "1 amount in column 'kostnad' of costs had fractions of an öre"
        """
        check_choice(lang, "lang", LANGS)
        if lang == "en":
            return self.notes
        if len(self._coded) != len(self.notes):
            raise ValueError(NO_NOTES)
        return tuple(render(parse(cell), lang) for cell in self._coded)

    @property
    def table(self) -> pd.DataFrame:
        """Costs per cost object x driver x sex (a copy)."""
        return self._table.copy()

    @property
    def totals(self) -> pd.DataFrame:
        """Costs summed over the cost objects, per driver x sex (a copy)."""
        return self._totals.copy()

    @property
    def sensitivity(self) -> pd.DataFrame:
        """How the split changes with the driver (a copy)."""
        return self._sensitivity.copy()

    @property
    def overhead(self) -> pd.DataFrame:
        """The first stage: each overhead pool spread over the cost objects (a copy)."""
        return self._overhead.copy()


def _where(frame: pd.DataFrame, keys: Sequence[str], limit: int = 10) -> str:
    labels = [
        ", ".join(f"{k}={masked(v)!r}" for k, v in zip(keys, row, strict=True))
        for row in frame[list(keys)].drop_duplicates().itertuples(index=False)
    ]
    shown = "; ".join(labels[:limit])
    if len(labels) > limit:
        shown += f"; and {len(labels) - limit} more"
    return shown


def _numbers(
    frame: pd.DataFrame,
    column: str,
    table: str,
    keys: Sequence[str],
    what: str,
    limit: float = LARGEST_VALUE,
) -> np.ndarray:
    """Return a column of non-negative numbers as floats.

    Text, missing, infinite, too large and negative values are errors that name the column,
    the rows and the cost objects; ``what`` names the values in the message ("Costs",
    "Volumes"). Infinite, too large and negative values follow the library's one policy for
    numbers (:func:`genderbudget._cells.check_numbers`).
    """
    raw = frame[column]
    missing = raw.isna().to_numpy()
    converted = pd.to_numeric(raw.where(~raw.isna()), errors="coerce").to_numpy(dtype=float)
    # Text is refused even when it reads as a number ("100"): no silent conversion.
    text = raw.map(lambda value: isinstance(value, str | bytes)).to_numpy(dtype=bool)
    bad = (np.isnan(converted) & ~missing) | text
    if bad.any():
        values = raw[bad].astype(str).value_counts()
        shown = ", ".join(f"{masked(v)!r} ({counted(int(c))})" for v, c in values.head(10).items())
        raise ValueError(
            NOT_NUMERIC.format(
                column=column, table=table, rows=counted(int(bad.sum())), values=shown
            )
        )
    if missing.any():
        raise ValueError(
            MISSING_VALUES.format(
                column=column,
                table=table,
                rows=counted(int(missing.sum())),
                where=_where(frame.loc[missing], keys),
            )
        )
    check_numbers(
        converted,
        column,
        f"in {table}",
        negative=what,
        limit=limit,
        where=lambda mask: _where(frame.loc[mask], keys),
        fix=FIX_NUMBERS,
    )
    return converted


def _ore(
    frame: pd.DataFrame, column: str, table: str, keys: Sequence[str], by: Sequence[str]
) -> tuple[np.ndarray, str | None]:
    """Amounts in kronor as whole öre, refusing negative amounts.

    Amounts with fractions of an öre are rounded by the largest-remainder rule within each
    cell of ``by``, so each cell's total is kept to the nearest öre; the note says so.
    """
    kronor = _numbers(frame, column, table, keys, "Costs", limit=LARGEST_AMOUNT)
    total = float(np.sum(kronor))
    if total > LARGEST_AMOUNT:
        raise ValueError(
            AMOUNTS_OVERFLOW.format(column=column, table=table, total=total, limit=LARGEST_AMOUNT)
        )
    ore = kronor * 100.0
    fraction = np.abs(ore - np.round(ore)) > 1e-6 * np.maximum(1.0, np.abs(ore)) ** 0.5
    if not fraction.any():
        return np.round(ore).astype(np.int64), None
    cells = (
        frame.groupby(list(by), sort=False, dropna=False).ngroup().to_numpy()
        if by
        else np.zeros(len(frame), dtype=np.int64)
    )
    whole = round_within(ore, cells)
    count = int(fraction.sum())
    code = SUB_ORE_CODES[count == 1, bool(by)]
    params: dict[str, object] = {
        "count": count,
        "column": column,
        "table": table,
        "change": float(np.max(np.abs(whole - ore))),
    }
    if by:
        params["by"] = ", ".join(by)
    return whole, note(code, **params)


def allocate(
    costs: Any,
    drivers: Any,
    *,
    cost_object: str,
    amount: str,
    sex: str,
    driver: str | Sequence[str],
    by: str | Sequence[str] = (),
    overhead: Any = None,
    overhead_key: str | Mapping[str, str] = KEY_COST,
    persons: str | None = None,
    round_to: float | None = None,
    mapping: Mapping[object, str] | None = None,
) -> Allocation:
    """Allocate costs per cost object to women and men by volume drivers.

    Parameters
    ----------
    costs : dataframe
        One row per cost object (several rows of one cost object are added up), with the
        columns ``cost_object``, ``amount`` and ``by``. pandas, polars, DuckDB, ...
    drivers : dataframe
        One row per cost object and sex (several rows are added up), with the columns
        ``cost_object``, ``sex``, ``by`` and each ``driver``.
    cost_object : str
        The column naming the cost object (e.g. ``"kostnadsobjekt"``), the same in ``costs``,
        ``drivers`` and ``overhead`` (rename one first if they differ).
    amount : str
        The column of ``costs`` (and ``overhead``) with the amount in kronor (fractions of an
        öre are rounded as described in the Notes).
    sex : str
        The sex column of ``drivers`` (see :func:`normalize_sex`; missing values are kept as
        ``unknown`` and get their share).
    driver : str or list of str
        One or more volume columns of ``drivers`` (recipients, cases, contacts, care-days).
        Each gives its own allocation; :attr:`Allocation.sensitivity` compares them.
    by : str or list of str, optional
        Columns in every table that separate independent allocations (e.g. the year).
    overhead : dataframe, optional
        Common cost pools (IT, management, customer service), one row per pool with the
        columns ``cost_object`` (the pool's name), ``amount`` and ``by``. Each pool is
        first spread over the cost objects of ``costs`` by its key, then allocated to women
        and men with them.
    overhead_key : str or dict, default "cost"
        The key of the first stage, one for all pools or a dict pool -> key: ``"cost"`` (in
        proportion to the cost objects' own costs), ``"driver"`` (the driver being
        allocated by, summed over the sexes — so the whole chain follows the driver), or a
        column of ``drivers`` (summed over the sexes, e.g. ``"kontakter"`` for customer
        service).
    persons : str, optional
        The column of ``drivers`` counting persons (e.g. ``"mottagare"``), for
        ``per_capita``.
    round_to : float, optional
        Fill ``amount_rounded``: each cost object's cost rounded to a multiple of
        ``round_to`` kronor (e.g. 1000) and its parts rounded by the largest-remainder rule
        so that they sum to it; the totals are the sums of the rounded parts. Without it
        the column is there too, all NaN, so the tables have the same columns whatever
        the options.
    mapping : dict, optional
        Extra sex codes, e.g. ``{"X": "unknown"}``.

    Returns
    -------
    Allocation
        ``table``, ``totals``, ``sensitivity`` and ``overhead`` (see :class:`Allocation`).

    Raises
    ------
    ValueError
        Naming the column, the cost objects and the number of rows: a missing column (the
        closest name is suggested), text or missing values in an amount or driver, negative
        or infinite amounts or drivers, drivers beyond 1e50 or amounts beyond 2**53 öre
        (about 90 000 billion kr, in a row or in all), a cost object with a cost and no
        driver rows or with zero volume for a driver, driver rows for a cost object that is
        not in ``costs``, an unknown sex code, or an unusable overhead key. Money never
        silently disappears; a cost object with cost 0 and no driver rows is left out and
        :attr:`Allocation.notes` names it.

    Notes
    -----
    For a cost object with cost ``C`` (in öre, overhead included) and driver volumes
    ``v_s`` per sex, sex ``s`` gets ``C * v_s / sum(v)`` rounded by the largest-remainder
    rule (Hamilton's method) to whole öre, so the parts sum to ``C`` exactly. An overhead
    pool ``O`` is spread the same way over the cost objects by its key. The amounts are
    returned in kronor; summed in öre they equal the input to the öre. Input amounts with
    fractions of an öre are first rounded to whole öre by the same rule within each cell of
    ``by`` (so each cell's total is kept to the nearest öre, and each amount moves by less
    than one öre), and :attr:`Allocation.notes` says so.

    Examples
    --------
    >>> import genderbudget as gb
    >>> costs = gb.datasets.load_pension_costs()
    >>> drivers = gb.datasets.load_pension_drivers()
    >>> result = gb.allocate(
    ...     costs.query("typ == 'förmån'"), drivers,
    ...     cost_object="kostnadsobjekt", amount="kostnad", sex="kon", by="ar",
    ...     driver=["mottagare", "arenden"], overhead=costs.query("typ == 'gemensam'"),
    ...     overhead_key={"kundservice": "kontakter", "IT och ledning": "driver"},
    ...     persons="mottagare",
    ... )
    >>> result.sensitivity.query("ar == 2021 and cost_object == 'total'")[
    ...     ["driver", "women_share", "spread"]].round(3)
           driver  women_share  spread
    40  mottagare        0.592   0.029
    41    arenden        0.621   0.029

    By recipients women get 59.2 % of the 2021 administration cost, by cases handled 62.1 %:
    the choice of driver moves the split by 2.9 percentage points.
    """
    by_list = check_columns(by, "by")
    drivers_list = check_columns(driver, "driver")
    if not drivers_list:
        raise ValueError(NO_DRIVER.format(value=masked(driver)))
    check_breakdowns(by_list, "a breakdown column, by=")
    if round_to is not None:
        round_to = check_number(round_to, "round_to", low=0.0, message=BAD_ROUND)
        if round_to == 0:
            raise ValueError(BAD_ROUND.format(value=masked(round_to)))

    keys = [*by_list, cost_object]
    cost_roles = {c: "a breakdown, by=" for c in by_list}
    cost_roles.update({cost_object: "the cost object, cost_object=", amount: "the amount"})
    cost_table = small_table(costs, cost_roles, argument="costs", labels=keys)
    notes: list[str] = []
    cost_table[_TMP_ORE], rounded = _ore(cost_table, amount, "costs", keys, by_list)
    notes.extend([rounded] if rounded else [])
    direct = cost_table.groupby(keys, sort=True, dropna=False)[_TMP_ORE].sum()

    volume_columns = list(dict.fromkeys([*drivers_list, *([persons] if persons else [])]))
    key_columns = _key_columns(overhead_key)
    volume_columns += [c for c in key_columns if c not in volume_columns]
    driver_roles = {c: "a breakdown, by=" for c in by_list}
    driver_roles.update({cost_object: "the cost object, cost_object=", sex: "the sex column"})
    for column in volume_columns:
        role = "an overhead key, overhead_key=" if column in key_columns else "a driver"
        driver_roles.setdefault(column, role)
    driver_table = small_table(drivers, driver_roles, argument="drivers", labels=keys)
    check_not_temporary([*cost_roles, *driver_roles])
    for column in volume_columns:
        driver_table[column] = _numbers(driver_table, column, "drivers", keys, "Volumes")
    coded = normalize_sex(pd.Series(driver_table[sex].to_numpy(), name=sex), mapping=mapping)
    driver_table[_TMP_SEX] = np.asarray(coded, dtype=object)
    volumes = driver_table.groupby([*keys, _TMP_SEX], sort=True, dropna=False)[volume_columns].sum()

    direct, note = _check_cost_objects(direct, volumes, keys, cost_object)
    notes.extend([note] if note else [])

    pools = None
    if overhead is not None:
        pool_table = small_table(overhead, cost_roles, argument="overhead", labels=keys)
        pool_table[_TMP_ORE], rounded = _ore(pool_table, amount, "overhead", keys, by_list)
        notes.extend([rounded] if rounded else [])
        pools = pool_table.groupby(keys, sort=True, dropna=False)[_TMP_ORE].sum()

    parts: list[pd.DataFrame] = []
    stage_one: list[pd.DataFrame] = []
    for name in drivers_list:
        total_cost = direct
        if pools is not None:
            spread = _spread_overhead(
                pools, direct, volumes, by_list, cost_object, overhead_key, name, volume_columns
            )
            stage_one.append(spread.assign(driver=name))
            targets = spread[[*by_list, "cost_object"]].set_axis(keys, axis=1)
            at = _positions(direct.index, targets, keys)
            added = np.bincount(at, weights=spread[_TMP_ORE].to_numpy(), minlength=len(direct))
            total_cost = direct + added.astype(np.int64)
        parts.append(_split(total_cost, volumes, keys, cost_object, name, persons))

    table = pd.concat(parts, ignore_index=True)
    table = _finish(table, by_list, round_to)
    totals = _totals(table, by_list, round_to)
    sensitivity = _sensitivity(pd.concat([table, totals], ignore_index=True), by_list)
    columns = [*by_list, "driver", "pool", "cost_object", "key", _TMP_ORE]
    overhead_table = (
        pd.concat(stage_one, ignore_index=True)[columns]
        if stage_one
        else pd.DataFrame(columns=columns)
    )
    overhead_table["amount"] = overhead_table.pop(_TMP_ORE).astype(float) / 100.0
    overhead_table = overhead_table[[*by_list, *OVERHEAD_COLUMNS]]
    internal = [_TMP_ORE, _TMP_PERSONS]
    return Allocation(
        table.drop(columns=internal),
        totals.drop(columns=internal).reset_index(drop=True),
        sensitivity,
        overhead_table,
        AllocationSettings(
            cost_object=cost_object,
            amount=amount,
            sex=sex,
            driver=tuple(drivers_list),
            by=tuple(by_list),
            overhead_key=overhead_key,
            persons=persons,
            round_to=round_to,
        ),
        tuple(english(cell) for cell in notes),
        tuple(codes(cell) for cell in notes),
        tuple(notes),
    )


def _key_columns(overhead_key: str | Mapping[str, str]) -> list[str]:
    keys = overhead_key.values() if isinstance(overhead_key, Mapping) else [overhead_key]
    return [k for k in keys if k not in (KEY_COST, KEY_DRIVER)]


def _check_cost_objects(
    direct: pd.Series, volumes: pd.DataFrame, keys: list[str], cost_object: str
) -> tuple[pd.Series, str | None]:
    """Refuse cost objects with a cost and no drivers, and drivers of unknown cost objects.

    A cost object with cost 0 and no driver rows loses nothing: it is left out, and the
    returned note names it.
    """
    have_cost = direct.index.to_frame(index=False)
    have_volume = volumes.index.to_frame(index=False)[keys].drop_duplicates()
    merged = have_cost.merge(have_volume, on=keys, how="outer", indicator=True)
    unknown = merged.loc[merged["_merge"] == "right_only"]
    no_drivers = merged.loc[merged["_merge"] == "left_only"]
    at = _positions(direct.index, no_drivers, keys)
    costly = direct.to_numpy(dtype=np.int64)[at] != 0
    if costly.any():
        raise ValueError(NO_DRIVERS.format(where=_where(no_drivers.loc[costly], keys)))
    if len(unknown):
        raise ValueError(UNKNOWN_OBJECT.format(where=_where(unknown, keys), column=cost_object))
    if not len(no_drivers):
        return direct, None
    where = _where(no_drivers, keys)
    left_out = (
        note("cost_object_zero_cost_no_drivers", where=where)
        if len(no_drivers) == 1
        else note("cost_objects_zero_cost_no_drivers", count=len(no_drivers), where=where)
    )
    keep = np.ones(len(direct), dtype=bool)
    keep[at] = False
    return direct.loc[keep], left_out


def _positions(index: pd.Index, frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Position in ``index`` (keyed by ``keys``) of each row of ``frame``; -1 if absent."""
    wanted = pd.Index(frame[keys[0]]) if len(keys) == 1 else pd.MultiIndex.from_frame(frame[keys])
    return np.asarray(index.get_indexer(wanted), dtype=np.int64)


def _spread_overhead(
    pools: pd.Series,
    direct: pd.Series,
    volumes: pd.DataFrame,
    by: list[str],
    cost_object: str,
    overhead_key: str | Mapping[str, str],
    driver: str,
    volume_columns: list[str],
) -> pd.DataFrame:
    """Stage one: each pool of each by-cell spread over that cell's cost objects."""
    keys = [*by, cost_object]
    object_volumes = volumes.groupby(level=list(range(len(keys))), sort=True).sum()
    pool_frame = pools.reset_index().rename(columns={cost_object: _TMP_POOL_NAME})
    pool_frame[_TMP_KEY] = [
        overhead_key.get(pool, KEY_COST) if isinstance(overhead_key, Mapping) else overhead_key
        for pool in pool_frame[_TMP_POOL_NAME]
    ]
    for key, pool in zip(pool_frame[_TMP_KEY], pool_frame[_TMP_POOL_NAME], strict=True):
        if key not in (KEY_COST, KEY_DRIVER) and key not in volume_columns:
            raise ValueError(
                BAD_KEY.format(key=masked(key), pool=masked(pool), columns=masked(volume_columns))
            )
    pool_frame[_TMP_POOL] = np.arange(len(pool_frame))
    targets = direct.index.to_frame(index=False)
    pairs = (
        pool_frame.merge(targets, on=by, how="left")
        if by
        else pool_frame.merge(targets, how="cross")
    )
    at = _positions(direct.index, pairs, keys)
    weights = np.zeros(len(pairs))
    found = at >= 0
    key = pairs[_TMP_KEY].to_numpy()
    by_cost = found & (key == KEY_COST)
    weights[by_cost] = direct.to_numpy(dtype=float)[at[by_cost]]
    at_volume = _positions(object_volumes.index, pairs, keys)
    for column in {driver if k == KEY_DRIVER else k for k in set(key) - {KEY_COST}}:
        rows = found & ((key == column) | ((key == KEY_DRIVER) & (column == driver)))
        weights[rows] = object_volumes[column].to_numpy(dtype=float)[at_volume[rows]]
    pool_ore = pool_frame[_TMP_ORE].to_numpy(dtype=np.int64)
    sums = np.bincount(pairs[_TMP_POOL].to_numpy(), weights=weights, minlength=len(pool_frame))
    for i in np.flatnonzero(~(sums > 0) & (pool_ore != 0)):
        cell = pool_frame.iloc[i]
        where = " of " + ", ".join(f"{b}={masked(cell[b])!r}" for b in by) if by else ""
        raise ValueError(
            ZERO_KEY.format(
                key=masked(cell[_TMP_KEY]),
                pool=masked(cell[_TMP_POOL_NAME]),
                where=where,
                amount=f"{pool_ore[i] / 100:,.2f}",
            )
        )
    pairs = pairs.loc[found].reset_index(drop=True)
    parts = grouped_largest_remainder(pool_ore, pairs[_TMP_POOL].to_numpy(), weights[found])
    out = pairs[[*by, _TMP_POOL_NAME, cost_object, _TMP_KEY]]
    out.columns = pd.Index([*by, "pool", "cost_object", "key"])
    out[_TMP_ORE] = parts
    return out


def _split(
    total_cost: pd.Series,
    volumes: pd.DataFrame,
    keys: list[str],
    cost_object: str,
    driver: str,
    persons: str | None,
) -> pd.DataFrame:
    """Stage two: each cost object's cost to the sexes by the driver, all at once."""
    frame = volumes.reset_index()
    cell = _positions(total_cost.index, frame, keys)
    order = frame[_TMP_SEX].map({s: i for i, s in enumerate(SEX_CATEGORIES)}).to_numpy()
    rank = np.lexsort((order, cell))
    frame = frame.iloc[rank].reset_index(drop=True)
    cell = cell[rank]
    ore = total_cost.to_numpy(dtype=np.int64)
    weights = frame[driver].to_numpy(dtype=float)
    sums = np.bincount(cell, weights=weights, minlength=ore.size)
    zero = (sums <= 0) & (ore > 0)
    if zero.any():
        where = total_cost.index[zero].to_frame(index=False)
        where.columns = keys
        raise ValueError(
            ZERO_VOLUME.format(
                driver=driver,
                where=_where(where, keys),
                amount=f"{int(ore[zero].sum()) / 100:,.2f}",
            )
        )
    parts = grouped_largest_remainder(ore, cell, weights)
    out = frame[keys].copy()
    out.columns = pd.Index([*keys[:-1], "cost_object"])  # the cost object is the last key
    out["driver"] = driver
    out["sex"] = frame[_TMP_SEX].to_numpy()
    out[_TMP_ORE] = parts
    out[_TMP_COST] = ore[cell]
    out[_TMP_PERSONS] = frame[persons].to_numpy(dtype=float) if persons else np.nan
    return out


def allocation_columns(by: Sequence[str]) -> list[str]:
    """Return the columns of :attr:`Allocation.table` and :attr:`Allocation.totals`, in order."""
    return [*by, "cost_object", "driver", "sex", "amount", "share", "per_capita", "amount_rounded"]


def _finish(table: pd.DataFrame, by: list[str], round_to: float | None) -> pd.DataFrame:
    cost_object = table.columns[len(by)]
    out = table.rename(columns={cost_object: "cost_object"})
    out["amount"] = out[_TMP_ORE].astype(float) / 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = np.where(out[_TMP_COST] > 0, out[_TMP_ORE] / out[_TMP_COST], np.nan)
        out["per_capita"] = np.where(
            out[_TMP_PERSONS] > 0, out["amount"] / out[_TMP_PERSONS], np.nan
        )
    # The column is always there (same columns whatever the options); NaN without round_to.
    out["amount_rounded"] = (
        _rounded(out, [*by, "cost_object", "driver"], round_to) if round_to is not None else np.nan
    )
    return out[[*allocation_columns(by), _TMP_ORE, _TMP_PERSONS]].reset_index(drop=True)


def _rounded(table: pd.DataFrame, group: list[str], round_to: float) -> np.ndarray:
    """Parts rounded to multiples of ``round_to`` that sum to the rounded whole."""
    codes = table.groupby(group, sort=False, dropna=False).ngroup().to_numpy()
    ore = table[_TMP_ORE].to_numpy().astype(float)
    return round_within(ore, codes, round_to * 100.0) * round_to


def _totals(table: pd.DataFrame, by: list[str], round_to: float | None) -> pd.DataFrame:
    sums = {_TMP_ORE: (_TMP_ORE, "sum"), _TMP_PERSONS: (_TMP_PERSONS, "sum")}
    if round_to is not None:
        sums["amount_rounded"] = ("amount_rounded", "sum")
    totals = table.groupby([*by, "driver", "sex"], sort=False, dropna=False).agg(**sums)
    totals = totals.reset_index()
    totals.insert(len(by), "cost_object", TOTAL)
    totals["amount"] = totals[_TMP_ORE].astype(float) / 100.0
    whole = totals.groupby([*by, "driver"], sort=False, dropna=False)[_TMP_ORE].transform("sum")
    totals["share"] = np.where(whole > 0, totals[_TMP_ORE] / whole.where(whole > 0, 1), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        totals["per_capita"] = np.where(
            totals[_TMP_PERSONS] > 0, totals["amount"] / totals[_TMP_PERSONS], np.nan
        )
    if round_to is None:
        totals["amount_rounded"] = np.nan
    return totals[[*allocation_columns(by), _TMP_ORE, _TMP_PERSONS]]


def _sensitivity(table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    wide = table.pivot_table(
        index=[*by, "cost_object", "driver"],
        columns="sex",
        values="share",
        aggfunc="sum",
        sort=False,
        dropna=False,
    )
    out = pd.DataFrame(index=wide.index)
    for s in SEX_CATEGORIES:
        out[f"{s}_share"] = wide[s] if s in wide.columns else 0.0
    out = out.reset_index()
    grouped = out.groupby([*by, "cost_object"], sort=False, dropna=False)["women_share"]
    out["spread"] = grouped.transform("max") - grouped.transform("min")
    return out[[*by, *SENSITIVITY_COLUMNS]]
