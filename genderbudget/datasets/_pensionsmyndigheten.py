"""SYNTHETIC Pensionsmyndigheten administration costs and volume drivers by sex, 2019–2021.

Two tables, as an agency would have them for an activity-based allocation of its
administration cost to women and men (the Träff 3 example):

- ``costs`` (``pensionsmyndigheten_kostnader.csv``): one row per year and cost pool — the
  administration cost recorded on each of six benefits (``typ = "förmån"``) and two common
  pools (``typ = "gemensam"``: customer service, and IT and management) that are first spread
  over the benefits;
- ``drivers`` (``pensionsmyndigheten_volymer.csv``): one row per year, benefit and sex with
  three volume drivers the agency already has: recipients (December stock), cases handled
  (new applications, changes and reconsiderations) and customer contacts.

Everything is synthetic. Totals are calibrated to Pensionsmyndigheten's förvaltningskostnader
(1.406 bn kr in 2019, 1.423 bn kr in 2020, in its expenditure forecasts); garantipension
recipients to 657,300 with 80 % women (March 2018); bostadstillägg to 290,826 recipients
(March 2022). The split of the cost over benefits, the other recipient counts, women's shares
other than garantipension's, and every case and contact volume are assumptions (the proposal
of the project's calibration notes), because they are not published.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, NamedTuple

import numpy as np
import pandas as pd

from genderbudget._rounding import largest_remainder
from genderbudget.datasets._manifest import describe

__all__ = [
    "PensionData",
    "generate_pensionsmyndigheten",
    "load_pension_costs",
    "load_pension_drivers",
    "load_pensionsmyndigheten",
]

DEFAULT_SEED: Final[int] = 20221013
"""Seed of the committed files."""

YEARS: Final[tuple[int, ...]] = (2019, 2020, 2021)

BENEFITS: Final[tuple[str, ...]] = (
    "inkomstpension",
    "premiepension",
    "garantipension",
    "bostadstillägg",
    "äldreförsörjningsstöd",
    "efterlevandepension",
)

COMMON_POOLS: Final[tuple[str, ...]] = ("kundservice", "IT och ledning")

TOTAL_COST: Final[Mapping[int, int]] = MappingProxyType(
    {2019: 1_406_000_000, 2020: 1_423_000_000, 2021: 1_500_000_000}
)
"""Administration cost a year (kr): 1.406 bn (2019) and 1.423 bn (2020) from
Pensionsmyndigheten's forecasts; 2021 an assumption (costs kept rising, Statskontoret 2022)."""

POOL_WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {
        "inkomstpension": 620 * 0.8,
        "premiepension": 380 * 0.8,
        "garantipension": 90 * 0.8,
        "bostadstillägg": 240 * 0.8,
        "äldreförsörjningsstöd": 20 * 0.8,
        "efterlevandepension": 60 * 0.8,
        "kundservice": 1410 * 0.08,
        "IT och ledning": 1410 * 0.12,
    }
)
"""Expected split of the total over the pools (assumption): the proposal's 620, 380, 90, 240,
20 and 60 MSEK per benefit, of which 20 % is recorded on two common pools instead (8 %
customer service, 12 % IT and management)."""

POOL_NOISE_SD: Final[float] = 0.03
"""Year-to-year variation of each pool's share: a factor ``exp(normal(0, 0.03))``."""

RECIPIENTS: Final[Mapping[str, int]] = MappingProxyType(
    {
        "inkomstpension": 2_300_000,
        "premiepension": 1_900_000,
        "garantipension": 650_000,
        "bostadstillägg": 285_000,
        "äldreförsörjningsstöd": 25_000,
        "efterlevandepension": 250_000,
    }
)
"""Recipients in December 2020 (garantipension from 657,300 in March 2018, bostadstillägg
from 290,826 in March 2022; the others are the proposal's)."""

RECIPIENT_TREND: Final[Mapping[int, float]] = MappingProxyType(
    {2019: 0.985, 2020: 1.0, 2021: 1.012}
)
"""Number of recipients against 2020 (assumption, about 1 % growth a year)."""

WOMEN_SHARE: Final[Mapping[str, tuple[float, float, float]]] = MappingProxyType(
    {
        "inkomstpension": (0.53, 0.56, 0.56),
        "premiepension": (0.52, 0.53, 0.53),
        "garantipension": (0.80, 0.82, 0.81),
        "bostadstillägg": (0.70, 0.74, 0.72),
        "äldreförsörjningsstöd": (0.50, 0.52, 0.52),
        "efterlevandepension": (0.85, 0.85, 0.84),
    }
)
"""Women's share of (recipients, cases, contacts) per benefit. Garantipension's 80 % is
published (March 2018); the rest are assumptions: women's cases and contacts are a little
more than their share of recipients (more means-tested supplements and more changes over a
longer retirement), so allocating by cases gives women a larger share than by recipients."""

CASES_PER_RECIPIENT: Final[Mapping[str, float]] = MappingProxyType(
    {
        "inkomstpension": 0.06,
        "premiepension": 0.05,
        "garantipension": 0.08,
        "bostadstillägg": 0.55,
        "äldreförsörjningsstöd": 0.50,
        "efterlevandepension": 0.10,
    }
)
"""Cases handled a year per recipient (assumption: bostadstillägg and äldreförsörjningsstöd
are means-tested and handled manually, Statskontoret 2022)."""

CONTACTS_PER_RECIPIENT: Final[Mapping[str, float]] = MappingProxyType(
    {
        "inkomstpension": 0.35,
        "premiepension": 0.15,
        "garantipension": 0.40,
        "bostadstillägg": 1.20,
        "äldreförsörjningsstöd": 1.00,
        "efterlevandepension": 0.40,
    }
)
"""Customer contacts a year per recipient (assumption)."""

VOLUME_NOISE_SD: Final[float] = 0.02
"""Variation of each volume: a factor ``exp(normal(0, 0.02))``; women's shares vary by
``normal(0, 0.004)``."""

COST_COLUMNS: Final[tuple[str, ...]] = ("ar", "kostnadsobjekt", "typ", "kostnad")
DRIVER_COLUMNS: Final[tuple[str, ...]] = (
    "ar",
    "kostnadsobjekt",
    "kon",
    "mottagare",
    "arenden",
    "kontakter",
)


class PensionData(NamedTuple):
    """The two tables of the Pensionsmyndigheten sample data."""

    costs: pd.DataFrame
    drivers: pd.DataFrame


def generate_pensionsmyndigheten(seed: int = DEFAULT_SEED) -> PensionData:
    """Generate SYNTHETIC administration costs and volume drivers by sex, 2019–2021.

    Parameters
    ----------
    seed : int, default 20221013
        Seed of the random generator; the committed files use the default.

    Returns
    -------
    PensionData
        ``costs``: ``ar, kostnadsobjekt, typ, kostnad`` — one row per year and cost pool,
        whole kronor; ``typ`` is ``"förmån"`` for the six benefits (inkomstpension,
        premiepension, garantipension, bostadstillägg, äldreförsörjningsstöd,
        efterlevandepension) and ``"gemensam"`` for the common pools ``kundservice`` and
        ``IT och ledning``. The pools of a year sum exactly to :data:`TOTAL_COST`.
        ``drivers``: ``ar, kostnadsobjekt, kon, mottagare, arenden, kontakter`` — one row per
        year, benefit and sex (``K``/``M``) with recipients in December, cases handled and
        customer contacts in the year.

    Notes
    -----
    Each year's total is shared over the pools by :data:`POOL_WEIGHTS` times a random
    factor (largest-remainder rounding to whole kronor, so the total is exact). Recipients
    are :data:`RECIPIENTS` times :data:`RECIPIENT_TREND`, cases and contacts the recipients
    times :data:`CASES_PER_RECIPIENT` and :data:`CONTACTS_PER_RECIPIENT`, each with a small
    random factor, split by sex with :data:`WOMEN_SHARE`. The data are synthetic.

    Examples
    --------
    >>> from genderbudget.datasets import generate_pensionsmyndigheten
    >>> costs, drivers = generate_pensionsmyndigheten()
    >>> costs.groupby("ar")["kostnad"].sum().to_dict()
    {2019: 1406000000, 2020: 1423000000, 2021: 1500000000}
    """
    rng = np.random.default_rng(seed)
    pools = list(POOL_WEIGHTS)
    cost_rows = []
    for year in YEARS:
        weights = np.array([POOL_WEIGHTS[p] for p in pools])
        weights = weights * np.exp(rng.normal(0.0, POOL_NOISE_SD, len(pools)))
        amounts = largest_remainder(TOTAL_COST[year], weights)
        for pool, amount in zip(pools, amounts, strict=True):
            kind = "gemensam" if pool in COMMON_POOLS else "förmån"
            cost_rows.append((year, pool, kind, int(amount)))
    costs = pd.DataFrame(cost_rows, columns=list(COST_COLUMNS))

    driver_rows = []
    for year in YEARS:
        for benefit in BENEFITS:
            recipients = RECIPIENTS[benefit] * RECIPIENT_TREND[year]
            volumes = np.array(
                [
                    recipients,
                    recipients * CASES_PER_RECIPIENT[benefit],
                    recipients * CONTACTS_PER_RECIPIENT[benefit],
                ]
            ) * np.exp(rng.normal(0.0, VOLUME_NOISE_SD, 3))
            shares = np.clip(np.array(WOMEN_SHARE[benefit]) + rng.normal(0.0, 0.004, 3), 0.0, 1.0)
            women = np.round(volumes * shares).astype(np.int64)
            men = np.round(volumes).astype(np.int64) - women
            driver_rows.append((year, benefit, "K", *women.tolist()))
            driver_rows.append((year, benefit, "M", *men.tolist()))
    drivers = pd.DataFrame(driver_rows, columns=list(DRIVER_COLUMNS))
    for frame in (costs, drivers):
        for column in frame.columns:
            if frame[column].dtype == object:
                frame[column] = frame[column].astype("str")
    return PensionData(costs, drivers)


def load_pensionsmyndigheten() -> PensionData:
    """Load both SYNTHETIC Pensionsmyndigheten tables (the default seed).

    Returns
    -------
    PensionData
        ``costs`` and ``drivers``, as :func:`load_pension_costs` and
        :func:`load_pension_drivers` give them.

    Examples
    --------
    >>> from genderbudget.datasets import load_pensionsmyndigheten
    >>> costs, drivers = load_pensionsmyndigheten()
    >>> len(costs), len(drivers)
    (24, 36)
    """
    return generate_pensionsmyndigheten(DEFAULT_SEED)


def load_pension_costs() -> pd.DataFrame:
    """Load the SYNTHETIC Pensionsmyndigheten cost pools (the default seed).

    Returns
    -------
    pandas.DataFrame
        ``generate_pensionsmyndigheten().costs``, equal to the committed
        ``sample_data/pensionsmyndigheten_kostnader.csv``.

    Examples
    --------
    >>> from genderbudget.datasets import load_pension_costs
    >>> load_pension_costs().query("ar == 2020")["typ"].value_counts().to_dict()
    {'förmån': 6, 'gemensam': 2}
    """
    return generate_pensionsmyndigheten(DEFAULT_SEED).costs


def load_pension_drivers() -> pd.DataFrame:
    """Load the SYNTHETIC Pensionsmyndigheten volume drivers by sex (the default seed).

    Returns
    -------
    pandas.DataFrame
        ``generate_pensionsmyndigheten().drivers``, equal to the committed
        ``sample_data/pensionsmyndigheten_volymer.csv``.

    Examples
    --------
    >>> from genderbudget.datasets import load_pension_drivers
    >>> drivers = load_pension_drivers()
    >>> garanti = drivers.query("ar == 2020 and kostnadsobjekt == 'garantipension'")
    >>> women = garanti.set_index("kon")["mottagare"]
    >>> print(f"{women['K'] / women.sum():.2f}")
    0.80
    """
    return generate_pensionsmyndigheten(DEFAULT_SEED).drivers


# --------------------------------------------------------------------------------------------
# Description for the manifest
# --------------------------------------------------------------------------------------------

SYNTHETIC_NOTE: Final[Mapping[str, str]] = MappingProxyType(
    {
        "sv": (
            "Syntetiska data. De är dragna ur en modell som är kalibrerad mot offentliga siffror "
            "och är inte Pensionsmyndighetens verkliga data. Fördelningen av kostnaden på "
            "förmåner och alla volymer utom garantipensionens kvinnoandel är antaganden."
        ),
        "en": (
            "Synthetic data. They are drawn from a model calibrated to public figures and are "
            "not Pensionsmyndigheten's real data. The split of the cost over benefits and all "
            "volumes except garantipension's share of women are assumptions."
        ),
    }
)

CALIBRATION_SOURCES: Final[tuple[tuple[str, str, str], ...]] = (
    (
        "Förvaltningskostnader 1.406 bn kr (2019) and 1.423 bn kr (2020).",
        "Pensionsmyndigheten, expenditure forecasts (prognos) 2019 and 2020",
        "https://www.pensionsmyndigheten.se/statistik-och-rapporter/prognoser",
    ),
    (
        "Insurance administration 1,441 MSEK in 2020, of which inkomstpension 900 MSEK (scaled "
        "into the agency total, not copied).",
        "Pensionsmyndigheten, Orange rapport 2020, section 5",
        "https://www.pensionsmyndigheten.se/statistik/publikationer/orange-rapport-2020/"
        "5-administrations--och-kapitalforvaltningskostnader.html",
    ),
    (
        "Garantipension: 657,300 recipients in March 2018, 80 % women.",
        "Aftonbladet 2018, Så många får garantipension (citing Pensionsmyndigheten)",
        "",
    ),
    (
        "Bostadstillägg: 290,826 pensioners in March 2022; the largest group single women.",
        "Pensionsmyndigheten, Fördjupad statistik om bostadstillägget, July 2022",
        "https://www.pensionsmyndigheten.se/statistik/publikationer/"
        "fordjupad-statistik-bostadstillagg-2022/",
    ),
    (
        "Costs of pension administration rose about 50 % 2018–2021; manual case handling "
        "(bostadstillägg, reconsiderations) is the costly part.",
        "Statskontoret 2022, Myndighetsanalys av Pensionsmyndigheten",
        "https://www.statskontoret.se/publicerat/publikationer/publikationer-2022/"
        "myndighetsanalys-av-pensionsmyndigheten/",
    ),
)

_COST_COLUMNS_DOC: Final[Mapping[str, tuple[str, str, str]]] = MappingProxyType(
    {
        "ar": ("integer", "År, 2019–2021.", "Year, 2019–2021."),
        "kostnadsobjekt": (
            "string",
            "Förmån (sex stycken) eller gemensam kostnadspool (kundservice, IT och ledning).",
            "Benefit (six) or common cost pool (kundservice, IT och ledning).",
        ),
        "typ": (
            "string",
            "förmån: kostnad bokförd på förmånen; gemensam: fördelas först på förmånerna.",
            "förmån: cost recorded on the benefit; gemensam: first spread over the benefits.",
        ),
        "kostnad": ("integer", "Förvaltningskostnad, kronor.", "Administration cost, kronor."),
    }
)

_DRIVER_COLUMNS_DOC: Final[Mapping[str, tuple[str, str, str]]] = MappingProxyType(
    {
        "ar": ("integer", "År, 2019–2021.", "Year, 2019–2021."),
        "kostnadsobjekt": (
            "string",
            "Förmån (samma namn som i kostnadstabellen).",
            "Benefit (the same names as in the cost table).",
        ),
        "kon": ("string", "Kön: K (kvinnor) eller M (män).", "Sex: K (women) or M (men)."),
        "mottagare": (
            "integer",
            "Antal mottagare i december.",
            "Number of recipients in December.",
        ),
        "arenden": (
            "integer",
            "Handlagda ärenden under året (nya ansökningar, ändringar, omprövningar).",
            "Cases handled in the year (new applications, changes, reconsiderations).",
        ),
        "kontakter": (
            "integer",
            "Kundkontakter under året (telefon, e-post, besök).",
            "Customer contacts in the year (telephone, e-mail, visits).",
        ),
    }
)


def _entry(
    name: str,
    title: Mapping[str, str],
    row: Mapping[str, str],
    loader: str,
    data: pd.DataFrame,
    columns: Mapping[str, tuple[str, str, str]],
    seed: int,
    parameters: Mapping[str, object],
) -> dict[str, object]:
    return describe(
        data,
        name=name,
        title=title,
        synthetic_note=SYNTHETIC_NOTE,
        generator="generate_pensionsmyndigheten",
        loader=loader,
        seed=seed,
        row=row,
        columns=columns,
        sources=CALIBRATION_SOURCES,
        parameters=parameters,
    )


def costs_manifest_entry(data: pd.DataFrame, seed: int = DEFAULT_SEED) -> dict[str, object]:
    """Describe the cost table for ``sample_data/manifest.json``."""
    return _entry(
        "pensionsmyndigheten_kostnader",
        {
            "sv": "Syntetiska data: Pensionsmyndighetens förvaltningskostnad per förmån och "
            "gemensam pool 2019–2021",
            "en": "Synthetic data: Pensionsmyndigheten's administration cost per benefit and "
            "common pool 2019–2021",
        },
        {
            "sv": "En kostnadspool ett år.",
            "en": "One cost pool in one year.",
        },
        "load_pension_costs",
        data,
        _COST_COLUMNS_DOC,
        seed,
        {
            "total_cost": {str(y): v for y, v in TOTAL_COST.items()},
            "pool_weights": dict(POOL_WEIGHTS),
            "pool_noise_sd": POOL_NOISE_SD,
        },
    )


def drivers_manifest_entry(data: pd.DataFrame, seed: int = DEFAULT_SEED) -> dict[str, object]:
    """Describe the driver table for ``sample_data/manifest.json``."""
    return _entry(
        "pensionsmyndigheten_volymer",
        {
            "sv": "Syntetiska data: mottagare, ärenden och kundkontakter per förmån och kön "
            "2019–2021",
            "en": "Synthetic data: recipients, cases and customer contacts per benefit and sex "
            "2019–2021",
        },
        {
            "sv": "En förmån, ett kön, ett år.",
            "en": "One benefit, one sex, one year.",
        },
        "load_pension_drivers",
        data,
        _DRIVER_COLUMNS_DOC,
        seed,
        {
            "recipients_2020": dict(RECIPIENTS),
            "recipient_trend": {str(y): v for y, v in RECIPIENT_TREND.items()},
            "women_share_recipients_cases_contacts": {b: list(s) for b, s in WOMEN_SHARE.items()},
            "cases_per_recipient": dict(CASES_PER_RECIPIENT),
            "contacts_per_recipient": dict(CONTACTS_PER_RECIPIENT),
            "volume_noise_sd": VOLUME_NOISE_SD,
        },
    )
