"""SYNTHETIC SiS special youth homes 2018–2022: youths, needs, staff hours and cost per unit.

One row per youth, unit and year: a youth placed in a unit (avdelning) of a special youth
home (särskilt ungdomshem) for part or all of the year, with sex, age band, an assessed need
score (as from an intake interview), care-days in the year, the unit's staff hours attributed
to the youth and the cost. It is the data of the SiS example of Träff 3: girls', above all
younger girls', needs were met less than boys', in homes designed around boys' needs, until
extra resources went to selected girls' units.

Calibrated to the public figures of the project's calibration notes: 21 homes with 730
places (SiS), units of 5–9 places, single-sex units with girls about one third of the youths
(SiS 2002, TT 2021), about 1,000 youths a year and about 90 % occupancy (Riksrevisionen
2024:7), cost per care-day rising from about 9,500 kr in 2018 towards the more than 13,000 kr
of 2023 (Riksrevisionen 2024:7) with unit-type relativities from SiS's 2020 care fees. The
age mix, the needs, the staffing and the extra resources are assumptions (the proposal of the
calibration notes), because they are not published.

The model, in short: a youth's staff hours are the unit's hours per care-day times the
youth's care-days. Units are staffed per care-day by type, the units for younger girls a
little below the others (:data:`YOUNG_GIRLS_STAFFING`; the homes were designed around boys'
needs), while younger girls' assessed need is about 15 % higher (:data:`NEED_MEAN`), so girls
12–14 get about a sixth fewer staff hours per unit of need than boys of the same age although
their hours per care-day are nearly the same. From 2020 the units for younger girls get more
staff hours (:data:`EXTRA_RESOURCES`), which closes most of that gap.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import numpy as np
import pandas as pd

from genderbudget._rounding import largest_remainder
from genderbudget.datasets._manifest import by_year, describe

__all__ = ["generate_sis", "load_sis", "manifest_entry"]

DEFAULT_SEED: Final[int] = 20200101
"""Seed of the committed file."""

YEARS: Final[tuple[int, ...]] = (2018, 2019, 2020, 2021, 2022)

COLUMNS: Final[tuple[str, ...]] = (
    "ar",
    "hem",
    "avdelning",
    "avdelning_for",
    "avdelningstyp",
    "lasbar",
    "platser",
    "forstarkt",
    "kon",
    "aldersgrupp",
    "behov",
    "varddygn",
    "personaltimmar",
    "kostnad",
)

GIRLS_UNIT: Final[str] = "flickor"
BOYS_UNIT: Final[str] = "pojkar"
GIRL: Final[str] = "flicka"
BOY: Final[str] = "pojke"
AGE_GROUPS: Final[tuple[str, ...]] = ("12-14", "15-17", "18-21")

N_HOMES: Final[int] = 21
"""Special youth homes (SiS: 21 homes for youths)."""

TOTAL_PLACES: Final[int] = 730
"""Places in the youth homes (SiS: room for 730 youths)."""

UNITS_PER_HOME: Final[tuple[int, ...]] = (
    5, 5, 5, 5, 5, 4, 4,  # girls' homes: 33 units
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4,  # boys' homes: 67 units
)  # fmt: skip
"""Units per home; the first seven homes are for girls (single-sex homes and units)."""

N_GIRL_HOMES: Final[int] = 7

YOUNG_GIRL_UNITS: Final[int] = 7
"""Girls' units for younger girls (9 places each): the units that get the extra resources."""

UNIT_TYPES: Final[tuple[tuple[str, int], ...]] = (
    ("akut", 0),
    ("akut", 1),
    ("utredning", 0),
    ("utredning", 1),
    ("behandling", 0),
    ("behandling", 1),
)
"""The (unit type, lockable) combinations besides the special units."""

TYPE_SHARES: Final[tuple[float, ...]] = (0.05, 0.10, 0.10, 0.15, 0.30, 0.30)
"""Share of units of each combination in :data:`UNIT_TYPES` (assumption)."""

YOUNG_UNIT_TYPES: Final[tuple[int, ...]] = (1, 2, 3, 4, 4, 5, 5)
"""Indexes into :data:`UNIT_TYPES` of the units for younger girls: the same mix of types as
the other units, so their hours per care-day are comparable."""

HOURS_RELATIVITY: Final[Mapping[tuple[str, int], float]] = MappingProxyType(
    {
        ("akut", 0): 1.25,
        ("akut", 1): 1.25,
        ("utredning", 0): 1.10,
        ("utredning", 1): 1.20,
        ("behandling", 0): 1.00,
        ("behandling", 1): 1.15,
        ("särskild", 1): 2.00,
    }
)
"""Staff hours per care-day against an open treatment unit (assumption)."""

COST_RELATIVITY: Final[Mapping[tuple[str, int], float]] = MappingProxyType(
    {
        ("akut", 0): 1.5,
        ("akut", 1): 1.5,
        ("utredning", 0): 1.25,
        ("utredning", 1): 1.5,
        ("behandling", 0): 1.0,
        ("behandling", 1): 1.5,
        ("särskild", 1): 2.7,
    }
)
"""Other costs per care-day against an open treatment unit: the relativities of SiS's 2020
care fees (treatment open 3,528 kr, assessment open 4,392 kr, lockable and emergency about
5,300–5,400 kr, special units 9,504 kr)."""

BASE_HOURS: Final[float] = 11.0
"""Staff hours per care-day on an open treatment unit (assumption)."""

UNIT_HOURS_SD: Final[float] = 0.05
"""Unit-to-unit variation of staff hours per care-day: a factor ``exp(normal(0, 0.05))``."""

YOUTH_HOURS_SD: Final[float] = 0.08
"""Youth-to-youth variation of attributed hours: a factor ``exp(normal(0, 0.08))``."""

YOUNG_GIRLS_STAFFING: Final[float] = 0.96
"""Staff hours per care-day of the units for younger girls against other units of their type
before the extra resources (assumption: staffed as if for older youths)."""

EXTRA_RESOURCES: Final[Mapping[int, float]] = MappingProxyType(
    {2018: 1.0, 2019: 1.0, 2020: 1.2, 2021: 1.2, 2022: 1.2}
)
"""Staff hours of the units for younger girls against before (the extra resources, from
2020; assumption — the amount and year are not published)."""

AGE_WEIGHTS: Final[Mapping[str, tuple[float, float, float]]] = MappingProxyType(
    {
        "young_girls_unit": (0.90, 0.10, 0.0),
        "girls_unit": (0.04, 0.72, 0.24),
        "boys_unit": (0.12, 0.60, 0.28),
        "special_unit": (0.0, 0.5, 0.5),
    }
)
"""Age band probabilities (12–14, 15–17, 18–21) by unit: girls about 25/60/15 % overall and
boys 12/60/28 % (the proposal's estimate); no 12–14-year-olds on the special units."""

NEED_MEAN: Final[Mapping[tuple[str, str], float]] = MappingProxyType(
    {
        (GIRL, "12-14"): 58.0,
        (GIRL, "15-17"): 51.0,
        (GIRL, "18-21"): 51.0,
        (BOY, "12-14"): 50.0,
        (BOY, "15-17"): 50.0,
        (BOY, "18-21"): 50.0,
    }
)
"""Mean assessed need (0–100): younger girls about 15 % above the other groups (proposal)."""

NEED_SD: Final[float] = 8.0

OCCUPANCY: Final[tuple[float, float]] = (0.90, 0.04)
"""Mean and standard deviation of a unit's occupancy in a year (about 90 %)."""

FULL_YEAR_SHARE: Final[float] = 0.35
"""Share of youth-unit-years that cover the whole year; the rest last 10–364 days."""

COST_PER_CARE_DAY: Final[Mapping[int, int]] = MappingProxyType(
    {2018: 9_500, 2019: 10_000, 2020: 10_500, 2021: 11_500, 2022: 12_500}
)
"""Mean cost per care-day (kr), towards the more than 13,000 kr of 2023 (Riksrevisionen)."""

HOURLY_COST: Final[Mapping[int, float]] = MappingProxyType(
    {2018: 430.0, 2019: 443.0, 2020: 456.0, 2021: 470.0, 2022: 484.0}
)
"""Staff cost per hour including social fees (assumption, +3 % a year); the rest of the cost
per care-day is other costs, by :data:`COST_RELATIVITY`."""


def _units(rng: np.random.Generator) -> pd.DataFrame:
    """Draw the 100 units: home, unit id, sex, type, lockable, places, younger-girls unit.

    Two units are special units (one for girls, one for boys), like Trollebo and Kullen.
    """
    homes = np.repeat(np.arange(1, N_HOMES + 1), UNITS_PER_HOME)
    n_units = homes.size
    girls = homes <= N_GIRL_HOMES

    types = np.zeros(n_units, dtype=np.int64)
    young = np.zeros(n_units, dtype=bool)
    special = np.zeros(n_units, dtype=bool)
    # Girls' units: the first are for younger girls, one is special, the rest by the shares.
    girl_index = np.flatnonzero(girls)
    young[girl_index[:YOUNG_GIRL_UNITS]] = True
    types[girl_index[:YOUNG_GIRL_UNITS]] = YOUNG_UNIT_TYPES
    special[girl_index[YOUNG_GIRL_UNITS]] = True
    boy_index = np.flatnonzero(~girls)
    special[boy_index[0]] = True
    rest = np.r_[girl_index[YOUNG_GIRL_UNITS + 1 :], boy_index[1:]]
    counts = largest_remainder(rest.size, np.asarray(TYPE_SHARES))
    types[rest] = rng.permutation(np.repeat(np.arange(len(UNIT_TYPES)), counts))
    # Shuffle which of a sex's units sit in which home.
    for index in (girl_index, boy_index):
        order = rng.permutation(index.size)
        for column in (types, young, special):
            column[index] = column[index][order]

    places = rng.integers(5, 10, n_units)
    places[young] = 9
    others = ~young
    # Add or take places one at a time on random units (5–9) until the total is 730.
    while places.sum() != TOTAL_PLACES:
        step = 1 if places.sum() < TOTAL_PLACES else -1
        candidates = np.flatnonzero(others & (places + step >= 5) & (places + step <= 9))
        places[rng.choice(candidates)] += step

    kind = [UNIT_TYPES[t] for t in types]
    unit_type = np.array([k[0] for k in kind], dtype=object)
    lockable = np.array([k[1] for k in kind], dtype=np.int64)
    unit_type[special] = "särskild"
    lockable[special] = 1
    number = np.concatenate([np.arange(1, k + 1) for k in UNITS_PER_HOME])
    # Unit factors centred (place-weighted) within the units for younger girls and within the
    # rest, so chance alone does not make those seven units over- or under-staffed.
    factor = np.exp(rng.normal(0.0, UNIT_HOURS_SD, n_units))
    for group in (young, ~young):
        factor[group] /= np.average(factor[group], weights=places[group])
    return pd.DataFrame(
        {
            "hem": [f"H{h:02d}" for h in homes],
            "avdelning": [f"H{h:02d}-{u}" for h, u in zip(homes, number, strict=True)],
            "avdelning_for": np.where(girls, GIRLS_UNIT, BOYS_UNIT),
            "avdelningstyp": unit_type,
            "lasbar": lockable,
            "platser": places.astype(np.int64),
            "young": young,
            "hours_factor": factor,
        }
    )


def _stays(rng: np.random.Generator, capacity: int) -> list[int]:
    """Care-days of the youths who fill ``capacity`` care-days of a unit in a year."""
    days: list[int] = []
    while sum(days) < capacity:
        full = rng.random() < FULL_YEAR_SHARE
        days.append(365 if full else int(rng.integers(10, 365)))
    days[-1] -= sum(days) - capacity
    if days[-1] < 1:
        days.pop()
    return days


def generate_sis(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Generate SYNTHETIC youths, needs, staff hours and costs of SiS youth homes, 2018–2022.

    Parameters
    ----------
    seed : int, default 20200101
        Seed of the random generator; the committed file uses the default.

    Returns
    -------
    pandas.DataFrame
        One row per youth, unit and year, sorted by year and unit, with the columns
        ``ar, hem, avdelning, avdelning_for, avdelningstyp, lasbar, platser, forstarkt, kon,
        aldersgrupp, behov, varddygn, personaltimmar, kostnad`` (see ``manifest.json``).
        ``kon`` is ``"flicka"`` or ``"pojke"``; every unit is for girls or for boys.

    Notes
    -----
    Units are drawn once (:data:`UNITS_PER_HOME`, 730 places, 5–9 per unit, seven units of
    nine places for younger girls). Each year a unit's care-days are its places x 365 x an
    occupancy of about 90 %, filled with stays (35 % the whole year, the rest 10–364 days).
    Age band by unit (:data:`AGE_WEIGHTS`); need score ``normal(NEED_MEAN, 12)`` rounded and
    clipped to 1–100. Staff hours: care-days x :data:`BASE_HOURS` x the unit type's
    relativity x a unit factor x a youth factor, times :data:`EXTRA_RESOURCES` on the units
    for younger girls. Cost: hours x :data:`HOURLY_COST` plus other costs per care-day by
    :data:`COST_RELATIVITY`, scaled so each year's mean cost per care-day is
    :data:`COST_PER_CARE_DAY`. The data are synthetic.

    Examples
    --------
    >>> from genderbudget.datasets import generate_sis
    >>> sis = generate_sis()
    >>> sis.groupby("ar")["avdelning"].nunique().to_dict()
    {2018: 100, 2019: 100, 2020: 100, 2021: 100, 2022: 100}
    """
    rng = np.random.default_rng(seed)
    units = _units(rng)
    frames = []
    for year in YEARS:
        occupancy = np.clip(rng.normal(*OCCUPANCY, len(units)), 0.75, 0.99)
        capacity = np.rint(units["platser"].to_numpy() * 365 * occupancy).astype(np.int64)
        stays = [_stays(rng, int(c)) for c in capacity]
        lengths = np.array([len(s) for s in stays])
        rows = units.loc[units.index.repeat(lengths)].reset_index(drop=True)
        rows.insert(0, "ar", year)
        rows["varddygn"] = np.concatenate([np.asarray(s, dtype=np.int64) for s in stays])
        frames.append(rows)
    data = pd.concat(frames, ignore_index=True)
    n = len(data)

    girls = (data["avdelning_for"] == GIRLS_UNIT).to_numpy()
    young_unit = data["young"].to_numpy(dtype=bool)
    data["kon"] = np.where(girls, GIRL, BOY)
    weights = np.array(
        [
            AGE_WEIGHTS["boys_unit"],
            AGE_WEIGHTS["girls_unit"],
            AGE_WEIGHTS["young_girls_unit"],
            AGE_WEIGHTS["special_unit"],
        ]
    )
    special = (data["avdelningstyp"] == "särskild").to_numpy()
    group = np.where(special, 3, np.where(young_unit, 2, np.where(girls, 1, 0)))
    cumulative = np.cumsum(weights, axis=1)[group]
    age = (rng.random(n)[:, np.newaxis] >= cumulative[:, :-1]).sum(axis=1)
    data["aldersgrupp"] = np.asarray(AGE_GROUPS, dtype=object)[age]
    need_mean = np.array(
        [NEED_MEAN[(s, a)] for s, a in zip(data["kon"], data["aldersgrupp"], strict=True)]
    )
    need = np.clip(np.rint(rng.normal(need_mean, NEED_SD)), 1, 100)
    data["behov"] = need.astype(np.int64)

    kind = list(zip(data["avdelningstyp"], data["lasbar"], strict=True))
    hours_rel = np.array([HOURS_RELATIVITY[k] for k in kind])
    cost_rel = np.array([COST_RELATIVITY[k] for k in kind])
    extra = data["ar"].map(EXTRA_RESOURCES).to_numpy(dtype=float)
    data["forstarkt"] = (young_unit & (extra > 1.0)).astype(np.int64)
    extra = np.where(young_unit, YOUNG_GIRLS_STAFFING * extra, 1.0)
    days = data["varddygn"].to_numpy(dtype=float)
    youth_factor = np.exp(rng.normal(0.0, YOUTH_HOURS_SD, n))
    hours = days * BASE_HOURS * hours_rel * data["hours_factor"].to_numpy() * extra
    data["personaltimmar"] = np.rint(hours * youth_factor).astype(np.int64)

    cost = np.empty(n)
    year_of = data["ar"].to_numpy()
    for year in YEARS:
        here = year_of == year
        staff = data.loc[here, "personaltimmar"].to_numpy(dtype=float) * HOURLY_COST[year]
        other_total = COST_PER_CARE_DAY[year] * days[here].sum() - staff.sum()
        other = days[here] * cost_rel[here]
        cost[here] = staff + other * other_total / other.sum()
    data["kostnad"] = np.rint(cost).astype(np.int64)

    data = data.sort_values(["ar", "avdelning"], kind="stable", ignore_index=True)
    data = data[list(COLUMNS)].copy()
    for column in ("hem", "avdelning", "avdelning_for", "avdelningstyp", "kon", "aldersgrupp"):
        data[column] = data[column].astype("str")
    return data


def load_sis() -> pd.DataFrame:
    """Load the SYNTHETIC SiS youth-home data (the default seed).

    Returns
    -------
    pandas.DataFrame
        ``generate_sis()``, equal to the committed ``sample_data/sis.csv``.

    Examples
    --------
    >>> from genderbudget.datasets import load_sis
    >>> sis = load_sis()
    >>> sis.groupby("kon")["varddygn"].sum().div(sis["varddygn"].sum()).round(2).to_dict()
    {'flicka': 0.35, 'pojke': 0.65}
    """
    return generate_sis(DEFAULT_SEED)


# --------------------------------------------------------------------------------------------
# Description for the manifest
# --------------------------------------------------------------------------------------------

TITLE: Final[Mapping[str, str]] = MappingProxyType(
    {
        "sv": "Syntetiska data: ungdomar, behov, personaltimmar och kostnad på SiS särskilda "
        "ungdomshem 2018–2022",
        "en": "Synthetic data: youths, needs, staff hours and cost in SiS special youth homes "
        "2018–2022",
    }
)

SYNTHETIC_NOTE: Final[Mapping[str, str]] = MappingProxyType(
    {
        "sv": (
            "Syntetiska data. De är dragna ur en modell som är kalibrerad mot offentliga siffror "
            "och är inte SiS verkliga data. Ingen rad är en verklig ungdom och inget hem- eller "
            "avdelnings-id är ett verkligt hem. Åldersfördelning, behov, bemanning och de extra "
            "resurserna är antaganden, eftersom de inte har publicerats."
        ),
        "en": (
            "Synthetic data. They are drawn from a model calibrated to public figures and are "
            "not SiS's real data. No row is a real youth and no home or unit id is a real "
            "home. The age mix, needs, staffing and the extra resources are assumptions, "
            "because they have not been published."
        ),
    }
)

ROW: Final[Mapping[str, str]] = MappingProxyType(
    {
        "sv": "En ungdom på en avdelning ett år (hela året eller en del av det).",
        "en": "One youth on one unit in one year (the whole year or part of it).",
    }
)

COLUMN_DESCRIPTIONS: Final[Mapping[str, tuple[str, str, str]]] = MappingProxyType(
    {
        "ar": ("integer", "År, 2018–2022.", "Year, 2018–2022."),
        "hem": ("string", "Syntetiskt hem-id, H01–H21.", "Synthetic home id, H01–H21."),
        "avdelning": (
            "string",
            "Syntetiskt avdelnings-id: hem och löpnummer, t.ex. H03-2.",
            "Synthetic unit id: home and number, e.g. H03-2.",
        ),
        "avdelning_for": (
            "string",
            "Avdelningen är för flickor eller pojkar (alla avdelningar är enkönade).",
            "The unit is for girls (flickor) or boys (pojkar); every unit is single-sex.",
        ),
        "avdelningstyp": (
            "string",
            "akut, utredning, behandling eller särskild (särskild avdelning).",
            "Emergency (akut), assessment (utredning), treatment (behandling) or special "
            "(särskild).",
        ),
        "lasbar": ("integer", "1 = låsbar avdelning, 0 = öppen.", "1 = lockable unit, 0 = open."),
        "platser": ("integer", "Avdelningens platser (5–9).", "Places on the unit (5–9)."),
        "forstarkt": (
            "integer",
            "1 = avdelningen har fått extra resurser det året (avdelningar för yngre flickor "
            "från 2020).",
            "1 = the unit had extra resources that year (units for younger girls from 2020).",
        ),
        "kon": ("string", "Kön: flicka eller pojke.", "Sex: flicka (girl) or pojke (boy)."),
        "aldersgrupp": ("string", "Ålder: 12-14, 15-17 eller 18-21.", "Age band."),
        "behov": (
            "integer",
            "Bedömt vårdbehov vid inskrivning, 1–100 (högre = större behov).",
            "Assessed need at intake, 1–100 (higher = greater need).",
        ),
        "varddygn": (
            "integer",
            "Vårddygn på avdelningen under året.",
            "Care-days on the unit in the year.",
        ),
        "personaltimmar": (
            "integer",
            "Avdelningens personaltimmar som hänförs till ungdomen under året.",
            "The unit's staff hours attributed to the youth in the year.",
        ),
        "kostnad": (
            "integer",
            "Kostnad för ungdomens vård på avdelningen under året, kronor.",
            "Cost of the youth's care on the unit in the year, kronor.",
        ),
    }
)

CALIBRATION_SOURCES: Final[tuple[tuple[str, str, str], ...]] = (
    (
        "21 homes for youths with room for 730 youths.",
        "SiS, easy-read page about SiS (lättläst)",
        "https://www.stat-inst.se/om-sis/om-webbplatsen/lattlast/",
    ),
    (
        "About one third of the youths in the special youth homes are girls.",
        "SiS 2002:7 Flickorna i fokus; TT in Aftonbladet, February 2021",
        "",
    ),
    (
        "1,107 youths admitted in 2018; 628 places and just over 1,000 youths in 2023.",
        "SiS, Institutionsvård i fokus 2/2019; Riksrevisionen RiR 2024:7, ch. 2",
        "https://www.stat-inst.se/webbshop/2-2019-ungdomar-intagna-pa-sis-sarskilda-"
        "ungdomshem-under-2018/",
    ),
    (
        "Cost per care-day above 13,000 kr in 2023 (the series 2018–2022 rises towards it).",
        "Riksrevisionen RiR 2024:7, ch. 1",
        "http://www.riksrevisionen.se/rapporter/granskningsrapporter/2024/sis-sarskilda-"
        "ungdomshem---brister-i-statens-tvangsvard-av-barn-och-unga/1.-inledning.html",
    ),
    (
        "Relative cost of unit types from the care fees of July–December 2020 (treatment "
        "open 3,528 kr, assessment open 4,392 kr, lockable 5,328–5,400 kr, special 9,504 kr).",
        "SiS, Kraftigt sänkt avgift i SiS ungdomsvård (2020)",
        "https://www.stat-inst.se/press/pressmeddelanden-nyheter/2020/kraftigt-sankt-"
        "avgift-i-sis-ungdomsvard/",
    ),
    (
        "Girls', above all younger girls', needs were not met to the same extent as boys'; "
        "extra resources went to certain girls' units.",
        "JiM+ 2022, report of the meetings (Träff 3)",
        "",
    ),
)


def _by_year(values: Mapping[int, object]) -> dict[str, object]:
    return by_year(values, YEARS)


def manifest_entry(data: pd.DataFrame, seed: int = DEFAULT_SEED) -> dict[str, object]:
    """Describe the data for ``sample_data/manifest.json``: columns, sources and parameters.

    Parameters
    ----------
    data : pandas.DataFrame
        The frame from :func:`generate_sis` with ``seed``.
    seed : int, default 20200101
        The seed the frame was generated with.

    Returns
    -------
    dict
        A JSON-ready mapping with a fixed key order.
    """
    return describe(
        data,
        name="sis",
        title=TITLE,
        synthetic_note=SYNTHETIC_NOTE,
        generator="generate_sis",
        loader="load_sis",
        seed=seed,
        row=ROW,
        columns=COLUMN_DESCRIPTIONS,
        sources=CALIBRATION_SOURCES,
        parameters={
            "homes": N_HOMES,
            "places": TOTAL_PLACES,
            "units_per_home": list(UNITS_PER_HOME),
            "girls_homes": N_GIRL_HOMES,
            "younger_girls_units": YOUNG_GIRL_UNITS,
            "unit_type_shares": {
                f"{t}/{lock}": s for (t, lock), s in zip(UNIT_TYPES, TYPE_SHARES, strict=True)
            },
            "hours_relativity": {f"{t}/{lock}": v for (t, lock), v in HOURS_RELATIVITY.items()},
            "cost_relativity": {f"{t}/{lock}": v for (t, lock), v in COST_RELATIVITY.items()},
            "base_hours_per_care_day": BASE_HOURS,
            "unit_hours_sd": UNIT_HOURS_SD,
            "youth_hours_sd": YOUTH_HOURS_SD,
            "younger_girls_staffing": YOUNG_GIRLS_STAFFING,
            "extra_resources": _by_year(EXTRA_RESOURCES),
            "age_weights": {k: list(v) for k, v in AGE_WEIGHTS.items()},
            "need_mean": {f"{s}/{a}": v for (s, a), v in NEED_MEAN.items()},
            "need_sd": NEED_SD,
            "occupancy": list(OCCUPANCY),
            "full_year_share": FULL_YEAR_SHARE,
            "cost_per_care_day": _by_year(COST_PER_CARE_DAY),
            "hourly_cost": _by_year(HOURLY_COST),
        },
    )
