"""Synthetic Kriminalvården data: persons serving a prison sentence on 1 October, 2016–2021.

The data are SYNTHETIC (syntetiska). They are drawn from a model whose parameters are set from
public figures on Kriminalvården (the Swedish Prison and Probation Service): the number of
inmates, the number of prisons and their places, the security mix, and the cost per care-day.
No row describes a real person and no prison id is a real prison. What the data show about work
operations (arbetsdrift) by sex follows the account given at JiM+ Träff 3 (2021); the split of
cost and work by sex was not found in any published source, so those levels are assumptions.

Every generating parameter is a module-level constant below, with the public figure it is set
from or the word *assumption*, so that an analysis of the data can be compared with the truth
that produced them. The same parameters are written to ``sample_data/manifest.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from genderbudget._rounding import largest_remainder
from genderbudget.datasets._manifest import by_year, describe

__all__ = ["generate_kriminalvarden", "load_kriminalvarden"]

# --------------------------------------------------------------------------------------------
# Generating parameters
# --------------------------------------------------------------------------------------------

DEFAULT_SEED: Final[int] = 20210921
"""Default seed: the date of Träff 3 for the law-enforcement group (21 September 2021)."""

YEARS: Final[tuple[int, ...]] = (2016, 2017, 2018, 2019, 2020, 2021)
"""Years covered, one census day (1 October) each."""

COLUMNS: Final[tuple[str, ...]] = (
    "ar",
    "anstalt",
    "anstalt_for",
    "platser",
    "sakerhetsklass",
    "kon",
    "aldersgrupp",
    "strafflangd",
    "arbetsdrift",
    "varddygn",
    "kostnad",
)
"""Column names, in order."""

WOMEN_PRISON: Final[str] = "kvinnor"
MEN_PRISON: Final[str] = "män"

INMATES: Final[Mapping[int, tuple[int, int]]] = MappingProxyType(
    {
        2016: (250, 3974),
        2017: (249, 3899),
        2018: (257, 4120),
        2019: (266, 4340),
        2020: (277, 4525),
        2021: (295, 4755),
    }
)
"""Rows per year as (women's prisons, men's prisons): persons in a prison on 1 October.

2017: 4,148 inskrivna i anstalt 1 Oct 2017, of whom 6 % women (249, an estimate). 2019 and
2020: occupied places in the 9 Dec 2019 and 19 Oct 2020 snapshots (266 + 4,340; 277 + 4,525).
2021: "drygt 5 000" at the end of 2021. 2016 and 2018: linear interpolation between the
estimate of about 4,300 in 2015, 2017 and 2019 (assumption), with women at about 6 %.
"""

PLACES: Final[Mapping[int, tuple[int, int]]] = MappingProxyType(
    {
        2016: (262, 3974),
        2017: (262, 3899),
        2018: (270, 4120),
        2019: (277, 4336),
        2020: (301, 4542),
        2021: (305, 4600),
    }
)
"""Prison places per year as (women's prisons, men's prisons).

2019 and 2020: the places in the 9 Dec 2019 and 19 Oct 2020 snapshots. 2021: about 4,500
ordinary prison places (assumption: 4,600 for men, 305 for women). 2016–2018: assumption, men's
places equal to men's inmates (occupancy 100 %) and women's occupancy about 95 % as in 2019.
"""

WOMEN_PRISON_SIZES: Final[tuple[int, ...]] = (22, 35, 42, 48, 60, 94)
"""Relative sizes of the 6 women's prisons: their places in 2020 (total 301).

After the proposed example sizes 25, 35, 45, 50, 65, 100 (§9.1; anchors Sagsjön 35 places,
Ystad about 65 inmates, Hinseberg about 100 places), scaled to the 301 women's places of
19 Oct 2020.
"""

WOMEN_PRISON_CLASSES: Final[tuple[int, ...]] = (2, 2, 3, 3, 2, 2)
"""Security class of each women's prison: 211 places in class 2 and 90 in class 3, as on
19 Oct 2020 (no class 1 places for women)."""

N_MEN_PRISONS: Final[int] = 39
"""Men's prisons: 45 prisons on 31 Dec 2020, of which 6 are for women."""

MEN_PRISON_SIZE_RANGE: Final[tuple[int, int]] = (30, 380)
"""Range of men's prison sizes (§9.1: drawn from 30 to 380, mean about 112–116)."""

MEN_PRISON_SIZE_POWER: Final[float] = 3.07
"""Shape of men's sizes: ``low + (high - low) * u**power`` with ``u`` uniform (stratified).

The mean of ``u**3.07`` is 1 / 4.07, so the mean size is 30 + 350 / 4.07 = 116 places (4,542
men's places over 39 prisons, 19 Oct 2020). The power itself is an assumption.
"""

MEN_CLASS_SHARES: Final[tuple[float, float, float]] = (0.34, 0.46, 0.20)
"""Share of men's places in security class 1, 2 and 3 (19 Oct 2020: 1,540 / 2,102 / 900)."""

MEN_CLASS_SIZE_NOISE: Final[float] = 0.5
"""Larger men's prisons tend to have higher security (class 1 is the highest): classes are
given in order of ``log(places) + normal(0, 0.5)`` (assumption), so that class and size are
related but not the same thing."""

OCCUPANCY_NOISE_SD: Final[float] = 0.05
"""Prison-level spread of occupancy: inmates are shared out in proportion to
``places * exp(normal(0, 0.05))`` (assumption)."""

AGE_GROUPS: Final[tuple[str, ...]] = ("18-24", "25-34", "35-49", "50+")
AGE_WEIGHTS: Final[Mapping[str, tuple[float, ...]]] = MappingProxyType(
    {
        MEN_PRISON: (1051.0, 1834.0, 1593.0, 798.0),
        WOMEN_PRISON: (0.15, 0.32, 0.35, 0.18),
    }
)
"""Age distribution. Men: the ages of the 5,276 persons serving a prison sentence on 1 Oct 2020
(15–24: 1,051; 25–34: 1,834; 35–49: 1,593; 50+: 798; the 69 aged 15–19 are counted in 18-24).
Women: a slightly older profile (assumption, as proposed in §9.1; no published figure)."""

SENTENCE_BANDS: Final[tuple[str, ...]] = ("under 1 år", "1-2 år", "2-4 år", "minst 4 år")
SENTENCE_WEIGHTS: Final[Mapping[tuple[str, int], tuple[float, ...]]] = MappingProxyType(
    {
        (MEN_PRISON, 1): (0.10, 0.20, 0.30, 0.40),
        (MEN_PRISON, 2): (0.30, 0.30, 0.25, 0.15),
        (MEN_PRISON, 3): (0.50, 0.30, 0.15, 0.05),
        (WOMEN_PRISON, 2): (0.40, 0.30, 0.18, 0.12),
        (WOMEN_PRISON, 3): (0.55, 0.30, 0.12, 0.03),
    }
)
"""Sentence band by prison (for women or men) and security class (assumption: higher security
goes with longer sentences, and women serve shorter sentences than men)."""

STAY_DAYS: Final[Mapping[str, tuple[int, int]]] = MappingProxyType(
    {
        "under 1 år": (14, 240),
        "1-2 år": (120, 490),
        "2-4 år": (240, 980),
        "minst 4 år": (365, 2000),
    }
)
"""Range of the length of stay in one prison by sentence band, in days (assumption).

A stay is drawn with density proportional to its length (those present on a census day are
more often on long stays), and 1 October falls at a uniform point of it. ``varddygn`` is the
part of the stay that falls in the calendar year, counted as 365 days (day 274 is 1 October).
"""

MISSING_SEX_SHARE: Final[float] = 0.002
"""Share of rows whose sex is not recorded (assumption), kept so that analyses show the
unknown category."""

WORK_BASE: Final[Mapping[int, float]] = MappingProxyType(
    {2016: 0.60, 2017: 0.60, 2018: 0.61, 2019: 0.61, 2020: 0.59, 2021: 0.60}
)
"""Probability of work operations (arbetsdrift) on 1 October for a person in a men's prison of
security class 2 with a sentence of 1-2 år (assumption). With the class and sentence mix of men
it gives men's shares of about 0.57–0.58 (0.56 in 2020, the pandemic year)."""

WORK_CLASS_EFFECT: Final[Mapping[int, float]] = MappingProxyType({1: -0.10, 2: 0.0, 3: -0.03})
"""Additive effect of security class on the probability of work (assumption: fewer work places
in the highest security class)."""

WORK_SENTENCE_EFFECT: Final[Mapping[str, float]] = MappingProxyType(
    {"under 1 år": -0.08, "1-2 år": 0.0, "2-4 år": 0.05, "minst 4 år": 0.10}
)
"""Additive effect of sentence band on the probability of work (assumption: longer sentences
give more time to be placed in work)."""

WOMEN_WORK_EFFECT: Final[Mapping[int, float]] = MappingProxyType(
    {2016: -0.15, 2017: -0.14, 2018: -0.12, 2019: -0.10, 2020: 0.0, 2021: 0.0}
)
"""Direct effect of being in a women's prison on the probability of work, by year.

This is the unjustified difference (osaklig skillnad) in the data: it is not explained by
security class or sentence band. It shrinks as work places are added at women's prisons and is
zero from 2020, when "andelen intagna kvinnor i arbetsdrift var den samma som andelen män"
(JiM+ slutredovisning). The levels are an assumption; none is published.
"""

COST_OPTIMAL_PLACES: Final[int] = 300
"""Size at which the cost per care-day is lowest (RiR 2020:16: lowest cost per place at about
300 places)."""

COST_BASE: Final[float] = 2225.0
"""Constant ``a`` of the cost per care-day in 2020 kronor (calibrated, see
:data:`COST_SCALE`)."""

COST_SCALE: Final[float] = 90_000.0
"""Scale ``F`` of the cost per care-day in 2020 kronor.

The cost per care-day of a prison with ``p`` places in 2020, before class and noise, is
``a + F / p + F * p / 300**2``, lowest at 300 places. ``a`` and ``F`` are set so that the mean
over care-days is about 3,198 kr in 2020 and women's prisons come out about 30 % above men's
(§9.1 proposes 20–30 %), which puts them at about 4,000 kr in 2020.
"""

COST_CLASS_FACTOR: Final[Mapping[int, float]] = MappingProxyType({1: 1.05, 2: 1.0, 3: 0.95})
"""Relative cost per care-day by security class (assumption, kept small on purpose)."""

COST_YEAR_INDEX: Final[Mapping[int, float]] = MappingProxyType(
    {2016: 0.922, 2017: 0.938, 2018: 0.953, 2019: 0.984, 2020: 1.0, 2021: 1.031}
)
"""Cost level by year against 2020: §9.1's yearly means 2,950, 3,000, 3,050, 3,150, 3,200 and
3,300 kr divided by 3,200."""

COST_NOISE_SD: Final[float] = 0.04
"""Prison-year random component of the cost per care-day: a factor ``exp(normal(0, 0.04))``."""


def _expected_work_share(prison_for: str, year: int) -> float:
    """Return the expected share in work at the prisons for one sex, from the parameters.

    Uses the security mix of places (women: the class of each women's prison weighted by its
    size; men: :data:`MEN_CLASS_SHARES`) and :data:`SENTENCE_WEIGHTS`.
    """
    if prison_for == WOMEN_PRISON:
        sizes = np.asarray(WOMEN_PRISON_SIZES, dtype=float)
        classes = np.asarray(WOMEN_PRISON_CLASSES)
        class_shares = {c: float(sizes[classes == c].sum() / sizes.sum()) for c in (2, 3)}
        effect = WOMEN_WORK_EFFECT[year]
    else:
        class_shares = dict(zip((1, 2, 3), MEN_CLASS_SHARES, strict=True))
        effect = 0.0
    share = WORK_BASE[year] + effect
    for security_class, class_share in class_shares.items():
        weights = np.asarray(SENTENCE_WEIGHTS[(prison_for, security_class)])
        sentence_effect = sum(
            w * WORK_SENTENCE_EFFECT[band]
            for w, band in zip(weights / weights.sum(), SENTENCE_BANDS, strict=True)
        )
        share += class_share * (WORK_CLASS_EFFECT[security_class] + sentence_effect)
    return float(share)


WOMEN_WORK_PLACES: Final[Mapping[int, int]] = MappingProxyType(
    {year: round(INMATES[year][0] * _expected_work_share(WOMEN_PRISON, year)) for year in YEARS}
)
"""Expected number of persons in work operations at the women's prisons on 1 October.

Implied by :data:`WOMEN_WORK_EFFECT` and the other work parameters. Work places are a capacity
in the model: at each prison and year the number in work is the expected number rounded up or
down, and who holds the places is random with the probabilities of the model.
"""

WOMEN_WORK_PLACES_MISSING: Final[Mapping[int, int]] = MappingProxyType(
    {year: round(INMATES[year][0] * -WOMEN_WORK_EFFECT[year]) for year in YEARS}
)
"""Work places missing at the women's prisons, by year: 38, 35, 31, 27, 0 and 0.

The number of extra places that would have given women the same probability of work as men
of the same security class and sentence band: the women's inmates times minus
:data:`WOMEN_WORK_EFFECT`. Adding them closes the unjustified gap, as happened by 2020.
``gb.equalize(..., justified=["sakerhetsklass", "strafflangd"])`` estimates it from the data.
"""

# --------------------------------------------------------------------------------------------
# Description for the manifest
# --------------------------------------------------------------------------------------------

TITLE: Final[Mapping[str, str]] = MappingProxyType(
    {
        "sv": "Syntetiska data: intagna i Kriminalvårdens anstalter 1 oktober 2016–2021",
        "en": "Synthetic data: persons in Kriminalvården's prisons on 1 October 2016–2021",
    }
)

SYNTHETIC_NOTE: Final[Mapping[str, str]] = MappingProxyType(
    {
        "sv": (
            "Syntetiska data. De är dragna ur en modell som är kalibrerad mot offentliga siffror "
            "och är inte Kriminalvårdens verkliga data. Ingen rad är en verklig person och inget "
            "anstalts-id är en verklig anstalt. Fördelningen av kostnad och arbetsdrift på "
            "kvinnor och män är antaganden, eftersom den inte har publicerats."
        ),
        "en": (
            "Synthetic data. They are drawn from a model calibrated to public figures and are "
            "not Kriminalvården's real data. No row is a real person and no prison id is a real "
            "prison. The split of cost and work operations by sex is an assumption, because it "
            "has not been published."
        ),
    }
)

ROW: Final[Mapping[str, str]] = MappingProxyType(
    {
        "sv": (
            "En person som avtjänar fängelsestraff i en anstalt den 1 oktober året "
            "(jfr pågående fängelseverkställigheter 1 oktober)."
        ),
        "en": (
            "One person serving a prison sentence in a prison (anstalt) on 1 October of the "
            "year (cf. pågående fängelseverkställigheter 1 oktober)."
        ),
    }
)

COLUMN_DESCRIPTIONS: Final[Mapping[str, tuple[str, str, str]]] = MappingProxyType(
    {
        "ar": ("integer", "År, 2016–2021.", "Year, 2016–2021."),
        "anstalt": (
            "string",
            "Syntetiskt anstalts-id, A01–A45, samma anstalt alla år.",
            "Synthetic prison id, A01–A45, the same prison in every year.",
        ),
        "anstalt_for": (
            "string",
            "Vilket kön anstalten är för: kvinnor (6 anstalter) eller män (39 anstalter).",
            "Which sex the prison is for: kvinnor (women, 6 prisons) or män (men, 39 prisons).",
        ),
        "platser": (
            "integer",
            "Anstaltens antal platser det året.",
            "The prison's number of places that year.",
        ),
        "sakerhetsklass": (
            "integer",
            "Anstaltens säkerhetsklass, 1 (högst), 2 eller 3. Ingen anstalt för kvinnor har "
            "säkerhetsklass 1.",
            "The prison's security class, 1 (highest), 2 or 3. No prison for women is in class 1.",
        ),
        "kon": (
            "string",
            "Kön, K (kvinna) eller M (man). Tomt när kön saknas (cirka 0,2 % av raderna); "
            "behåll det som en egen kategori.",
            "Sex, K (woman) or M (man). Empty when sex is not recorded (about 0.2 % of rows); "
            "keep it as its own category.",
        ),
        "aldersgrupp": (
            "string",
            "Åldersgrupp: 18-24, 25-34, 35-49 eller 50+.",
            "Age band: 18-24, 25-34, 35-49 or 50+.",
        ),
        "strafflangd": (
            "string",
            "Strafftid: under 1 år, 1-2 år, 2-4 år eller minst 4 år.",
            "Sentence band: under 1 år (under 1 year), 1-2 år, 2-4 år or minst 4 år (at least "
            "4 years).",
        ),
        "arbetsdrift": (
            "integer",
            "1 om personen är placerad i arbetsdrift den 1 oktober, annars 0.",
            "1 if the person is placed in work operations (arbetsdrift) on 1 October, else 0.",
        ),
        "varddygn": (
            "integer",
            "Vårddygn som personen tillbringade i anstalten under kalenderåret, 1–365.",
            "Care-days the person spent in this prison during the calendar year, 1–365.",
        ),
        "kostnad": (
            "integer",
            "Personens andel av anstaltens kostnad i kronor: vårddygn × anstaltens "
            "vårddygnskostnad det året (hela kronor).",
            "The person's share of the prison's cost in kronor: care-days × the prison's cost "
            "per care-day that year (whole kronor).",
        ),
    }
)
"""Type, Swedish and English description of each column."""

CALIBRATION_SOURCES: Final[tuple[tuple[str, str, str], ...]] = (
    (
        "45 anstalter (prisons) on 31 Dec 2020.",
        "Kriminalvården, Om Kriminalvården (citing årsredovisning 2020)",
        "https://www.kriminalvarden.se/om-kriminalvarden/",
    ),
    (
        'Six prisons for women ("det bara finns sex anstalter att välja på").',
        "Kriminalvården news 2019-01-02, Anstalten Sagsjön anpassar efter kvinnors behov",
        "https://www.kriminalvarden.se/om-kriminalvarden/nyheter/2019/januari/"
        "anstalten-sagsjon-anpassar-efter-kvinnors-behov/",
    ),
    (
        "4,148 inskrivna i anstalt on 1 Oct 2017, 6 % women; 36 % of the occupation time in "
        "arbetsdrift (2017).",
        "Kriminalvården, statistik och fakta: anstalt (2017 version)",
        "https://www.kriminalvarden.se/forskning-och-statistik/statistik-och-fakta/anstalt/",
    ),
    (
        "5,276 pågående fängelseverkställigheter on 1 Oct 2020 (311 women, 6 %), and their "
        "ages: 15–24: 1,051; 25–34: 1,834; 35–49: 1,593; 50+: 798.",
        "Kriminalvården, statistik och fakta: anstalt (2020 version)",
        "https://www.kriminalvarden.se/forskning-och-statistik/statistik-och-fakta/anstalt/",
    ),
    (
        "Places / occupied places 9 Dec 2019: men 4,336 / 4,340, women 277 / 266; 19 Oct 2020: "
        "men 4,542 / 4,525 (class 1 / 2 / 3 places 1,540 / 2,102 / 900), women 301 / 277 "
        "(class 2 / 3 places 211 / 90, no class 1).",
        "Kriminalvården, Platssituationen (two snapshots)",
        "https://www.kriminalvarden.se/fangelse-frivard-och-hakte/platssituationen/",
    ),
    (
        "About 4,000 in prison in 2017 and just over 5,000 at the end of 2021.",
        "Kenneth Gustavsson, Platssituationen i Kriminalvårdens anstalter, tfkriminalvard.se",
        "https://www.tfkriminalvard.se/rapporter/platssituationen-i-kriminalvardens-anstalter/",
    ),
    (
        "About 8,206 inmates in Oct 2024, +91 % since 2015 (so about 4,300 in 2015, an estimate).",
        "Fria Tider 2025-08-28, citing Brå",
        "https://www.friatider.se/antalet-fangar-har-nara-fordubblats-pa-tio-ar",
    ),
    (
        "Average prison size 95 places; lowest cost per place at about 300 places.",
        "Riksrevisionen press release 2020-09-01, RiR 2020:16 Effektiviteten vid "
        "Kriminalvårdens anstalter",
        "https://www.riksrevisionen.se/om-riksrevisionen/kommunikation-och-media/nyhetsarkiv/"
        "2020-09-01-omfattande-ineffektivitet-vid-vissa-kriminalvardsanstalter.html",
    ),
    (
        "3,198 kr per inmate-day in prison in 2020 (secondary source).",
        "Norrköpings Tidningar, debate article 2021-04-14",
        "https://nt.se/debatt/artikel/sveriges-kriminalvard-kostar-for-mycket/jpgeqw7j",
    ),
    (
        '"Kvinnoanstalter är oftast mindre enheter. Det leder bl.a. till att '
        'vårddygnskostnaden för kvinnor är högre."',
        "Jämställdhetsmyndigheten, Viktiga utgångspunkter för jämställdhet",
        "https://jamstalldhetsmyndigheten.se/jamstalldhetsintegrering/"
        "vagledning-for-jamstalldhetsintegrering/viktiga-utgangspunkter-for-jamstalldhet/",
    ),
    (
        '"andelen intagna kvinnor i arbetsdrift var den samma som andelen män år 2020".',
        "Jämställdhetsmyndigheten, slutredovisning of JiM+ (uppdrag A2020/00442/JÄM), 2022",
        "",
    ),
    (
        "Women's prisons: Sagsjön 35 places (2017), Ystad about 65 inmates, Hinseberg about "
        "100 places.",
        "Kriminalvården news 2017-02-21; Skurupsposten c. 2017; Sekotidningen, Inlåst på jobbet",
        "https://www.kriminalvarden.se/om-kriminalvarden/nyheter/2017/februari/"
        "sagsjon-forst-ut-i-utvecklingen-av-kriminalvardens-infrastruktur/",
    ),
)
"""Public figures the data are calibrated to: (fact, source, URL; empty when none)."""

ASSUMPTIONS: Final[tuple[str, ...]] = (
    "The split of work operations and of cost by sex was not found published; its levels are "
    "set so that the data tell the Träff 3 account (women's share lower until 2020, equal "
    "from 2020).",
    "Men's share in work operations is about 0.57 (0.56 in 2020); the only public anchor is "
    "36 % of occupation hours in 2017 (a share of hours, not of persons).",
    "Inmates in 2016 and 2018 are interpolated; places in 2016–2018 and 2021 are set from the "
    "inmates with occupancy about 100 % for men and 95 % for women.",
    "Sizes of men's prisons, which men's prisons have which security class, sentence bands, "
    "women's ages, lengths of stay and the 0.2 % missing sex are assumptions.",
    "The cost curve a + F / p + F * p / 300**2, its class factor (±5 %) and noise (4 %) are "
    "assumptions; only the 2020 mean (3,198 kr) and the minimum at about 300 places are "
    "published.",
    "Every year is counted as 365 days, so care-days are at most 365 in 2016 and 2020 too.",
)
"""The main assumptions, besides the parameters marked as such above."""


def _by_year(values: Mapping[int, object]) -> dict[str, object]:
    return by_year(values, YEARS)


def manifest_entry(data: pd.DataFrame, seed: int = DEFAULT_SEED) -> dict[str, object]:
    """Describe the data for ``sample_data/manifest.json``: columns, sources and parameters.

    Parameters
    ----------
    data : pandas.DataFrame
        The frame from :func:`generate_kriminalvarden` with ``seed``.
    seed : int, default 20210921
        The seed the frame was generated with.

    Returns
    -------
    dict
        A JSON-ready mapping with a fixed key order.
    """
    return describe(
        data,
        name="kriminalvarden",
        title=TITLE,
        synthetic_note=SYNTHETIC_NOTE,
        generator="generate_kriminalvarden",
        loader="load_kriminalvarden",
        seed=seed,
        row=ROW,
        columns=COLUMN_DESCRIPTIONS,
        sources=CALIBRATION_SOURCES,
        missing="empty field (only in kon)",
        assumptions=ASSUMPTIONS,
        parameters={
            "inmates": _by_year(
                {y: {WOMEN_PRISON: w, MEN_PRISON: m} for y, (w, m) in INMATES.items()}
            ),
            "places": _by_year(
                {y: {WOMEN_PRISON: w, MEN_PRISON: m} for y, (w, m) in PLACES.items()}
            ),
            "women_prison_places_2020": list(WOMEN_PRISON_SIZES),
            "women_prison_security_classes": list(WOMEN_PRISON_CLASSES),
            "men_prisons": {
                "n": N_MEN_PRISONS,
                "size_range": list(MEN_PRISON_SIZE_RANGE),
                "size_power": MEN_PRISON_SIZE_POWER,
                "class_shares_of_places": list(MEN_CLASS_SHARES),
            },
            "work": {
                "model": (
                    "P(arbetsdrift) = base[year] + class_effect[sakerhetsklass] + "
                    "sentence_effect[strafflangd] + women_effect[year] in a women's prison; "
                    "the number in work per prison and year is fixed at the expected number "
                    "(systematic sampling)"
                ),
                "base": _by_year(WORK_BASE),
                "class_effect": {str(c): e for c, e in WORK_CLASS_EFFECT.items()},
                "sentence_effect": dict(WORK_SENTENCE_EFFECT),
                "women_effect": _by_year(WOMEN_WORK_EFFECT),
                "expected_share": _by_year(
                    {
                        y: {
                            WOMEN_PRISON: round(_expected_work_share(WOMEN_PRISON, y), 4),
                            MEN_PRISON: round(_expected_work_share(MEN_PRISON, y), 4),
                        }
                        for y in YEARS
                    }
                ),
                "women_work_places": _by_year(WOMEN_WORK_PLACES),
                "women_work_places_missing": _by_year(WOMEN_WORK_PLACES_MISSING),
            },
            "cost_per_care_day": {
                "model": (
                    "round(year_index[year] * (a + F / platser + F * platser / "
                    "optimal_places**2) * class_factor[sakerhetsklass] * exp(normal(0, noise_sd)))"
                ),
                "a": COST_BASE,
                "F": COST_SCALE,
                "optimal_places": COST_OPTIMAL_PLACES,
                "class_factor": {str(c): f for c, f in COST_CLASS_FACTOR.items()},
                "year_index": _by_year(COST_YEAR_INDEX),
                "noise_sd": COST_NOISE_SD,
            },
            "occupancy_noise_sd": OCCUPANCY_NOISE_SD,
            "missing_sex_share": MISSING_SEX_SHARE,
            "age_weights": {f: list(w) for f, w in AGE_WEIGHTS.items()},
            "sentence_weights": {
                f"{f}, class {c}": list(w) for (f, c), w in SENTENCE_WEIGHTS.items()
            },
            "stay_days": {band: list(r) for band, r in STAY_DAYS.items()},
        },
    )


# --------------------------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------------------------


def _draw_category(
    rng: np.random.Generator, weights: NDArray[np.float64], group: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Draw one category per row; ``weights[group[i]]`` are the weights for row ``i``."""
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(group.size)
    drawn = (u[:, np.newaxis] >= cumulative[group]).sum(axis=1)
    return np.minimum(drawn, weights.shape[1] - 1).astype(np.int64)


def _systematic_sample(
    rng: np.random.Generator, probability: NDArray[np.float64], group: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Select rows with the given probabilities, a fixed number per group.

    Systematic sampling with a random start in each group of consecutive rows: row ``i`` is
    selected with probability ``probability[i]`` exactly, and the number selected in a group is
    the sum of its probabilities rounded down or up.
    """
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    cumulative = np.cumsum(probability)
    offset = np.repeat(cumulative[starts] - probability[starts], np.diff(np.r_[starts, group.size]))
    within = cumulative - offset
    shift = np.repeat(rng.random(starts.size), np.diff(np.r_[starts, group.size]))
    after = np.floor(within - shift)
    before = np.floor(within - probability - shift)
    return (after > before).astype(np.int64)


def _prisons(rng: np.random.Generator) -> pd.DataFrame:
    """Draw the 45 prisons: id, sex the prison is for, relative size and security class."""
    low, high = MEN_PRISON_SIZE_RANGE
    u = (np.arange(N_MEN_PRISONS) + rng.random(N_MEN_PRISONS)) / N_MEN_PRISONS
    men_sizes = low + (high - low) * u**MEN_PRISON_SIZE_POWER
    key = np.log(men_sizes) + rng.normal(0.0, MEN_CLASS_SIZE_NOISE, N_MEN_PRISONS)
    order = np.argsort(-key, kind="stable")
    midpoint = (np.cumsum(men_sizes[order]) - men_sizes[order] / 2) / men_sizes.sum()
    bounds = np.cumsum(MEN_CLASS_SHARES)[:-1]
    men_classes = np.empty(N_MEN_PRISONS, dtype=np.int64)
    men_classes[order] = 1 + np.searchsorted(bounds, midpoint, side="right")

    n_women = len(WOMEN_PRISON_SIZES)
    n_prisons = n_women + N_MEN_PRISONS
    ids = rng.permutation(n_prisons) + 1
    prisons = pd.DataFrame(
        {
            "anstalt": [f"A{i:02d}" for i in ids],
            "anstalt_for": [WOMEN_PRISON] * n_women + [MEN_PRISON] * N_MEN_PRISONS,
            "size": np.r_[np.asarray(WOMEN_PRISON_SIZES, dtype=float), men_sizes],
            "sakerhetsklass": np.r_[np.asarray(WOMEN_PRISON_CLASSES, dtype=np.int64), men_classes],
        }
    )
    return prisons.sort_values("anstalt", ignore_index=True)


def _cost_per_care_day(places: NDArray[np.float64]) -> NDArray[np.float64]:
    """Cost per care-day in 2020 kronor by number of places, before class and noise."""
    return COST_BASE + COST_SCALE / places + COST_SCALE * places / COST_OPTIMAL_PLACES**2


def _prison_years(rng: np.random.Generator, prisons: pd.DataFrame) -> pd.DataFrame:
    """Places, inmates and cost per care-day (whole kronor) for every prison and year."""
    women = (prisons["anstalt_for"] == WOMEN_PRISON).to_numpy()
    size = prisons["size"].to_numpy(dtype=float)
    cost_class = prisons["sakerhetsklass"].map(COST_CLASS_FACTOR).to_numpy(dtype=float)
    frames = []
    for year in YEARS:
        places = np.empty(len(prisons), dtype=np.int64)
        inmates = np.empty(len(prisons), dtype=np.int64)
        pull = np.exp(rng.normal(0.0, OCCUPANCY_NOISE_SD, len(prisons)))
        for mask, places_total, inmates_total in (
            (women, PLACES[year][0], INMATES[year][0]),
            (~women, PLACES[year][1], INMATES[year][1]),
        ):
            places[mask] = largest_remainder(places_total, size[mask])
            inmates[mask] = largest_remainder(
                inmates_total, places[mask].astype(float) * pull[mask]
            )
        noise = np.exp(rng.normal(0.0, COST_NOISE_SD, len(prisons)))
        cost = COST_YEAR_INDEX[year] * _cost_per_care_day(places.astype(float)) * cost_class
        frames.append(
            pd.DataFrame(
                {
                    "ar": year,
                    "anstalt": prisons["anstalt"],
                    "anstalt_for": prisons["anstalt_for"],
                    "platser": places,
                    "sakerhetsklass": prisons["sakerhetsklass"],
                    "inmates": inmates,
                    "cost_per_day": np.rint(cost * noise).astype(np.int64),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _persons(rng: np.random.Generator, prison_years: pd.DataFrame) -> pd.DataFrame:
    """One row per person in a prison on 1 October, with all columns of the data."""
    rows = prison_years.loc[prison_years.index.repeat(prison_years["inmates"])]
    rows = rows.reset_index(names="prison_year")
    n = len(rows)
    prison_for = rows["anstalt_for"].to_numpy(dtype=object)
    women = prison_for == WOMEN_PRISON
    security_class = rows["sakerhetsklass"].to_numpy(dtype=np.int64)

    age_weights = np.array([AGE_WEIGHTS[MEN_PRISON], AGE_WEIGHTS[WOMEN_PRISON]])
    age = _draw_category(rng, age_weights, women.astype(np.int64))

    sentence_keys = list(SENTENCE_WEIGHTS)
    sentence_weights = np.array([SENTENCE_WEIGHTS[key] for key in sentence_keys])
    key_index = {key: i for i, key in enumerate(sentence_keys)}
    sentence_group = np.array(
        [key_index[(f, c)] for f, c in zip(prison_for, security_class, strict=True)],
        dtype=np.int64,
    )
    sentence = _draw_category(rng, sentence_weights, sentence_group)

    low, high = np.array([STAY_DAYS[band] for band in SENTENCE_BANDS], dtype=float).T
    stay = np.floor(
        np.sqrt(low[sentence] ** 2 + rng.random(n) * (high[sentence] ** 2 - low[sentence] ** 2))
    ).astype(np.int64)
    october_first = 273  # day index of 1 October in a 365-day year, counting from 0
    arrival = october_first - np.floor(rng.random(n) * stay).astype(np.int64)
    departure = arrival + stay - 1
    care_days = np.minimum(departure, 364) - np.maximum(arrival, 0) + 1

    year = rows["ar"].to_numpy(dtype=np.int64)
    probability = (
        np.array([WORK_BASE[y] for y in YEARS])[year - YEARS[0]]
        + np.array([WORK_CLASS_EFFECT[c] for c in (1, 2, 3)])[security_class - 1]
        + np.array([WORK_SENTENCE_EFFECT[b] for b in SENTENCE_BANDS])[sentence]
        + np.where(women, np.array([WOMEN_WORK_EFFECT[y] for y in YEARS])[year - YEARS[0]], 0.0)
    )
    work = _systematic_sample(rng, probability, rows["prison_year"].to_numpy(dtype=np.int64))

    sex = np.where(women, "K", "M").astype(object)
    sex[rng.random(n) < MISSING_SEX_SHARE] = None

    return pd.DataFrame(
        {
            "ar": year,
            "anstalt": rows["anstalt"].astype("str"),
            "anstalt_for": rows["anstalt_for"].astype("str"),
            "platser": rows["platser"].to_numpy(dtype=np.int64),
            "sakerhetsklass": security_class,
            "kon": pd.Series(sex, dtype="str"),
            "aldersgrupp": pd.Series(np.asarray(AGE_GROUPS, dtype=object)[age], dtype="str"),
            "strafflangd": pd.Series(
                np.asarray(SENTENCE_BANDS, dtype=object)[sentence], dtype="str"
            ),
            "arbetsdrift": work,
            "varddygn": care_days,
            "kostnad": care_days * rows["cost_per_day"].to_numpy(dtype=np.int64),
        },
        columns=list(COLUMNS),
    )


def generate_kriminalvarden(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Generate SYNTHETIC data on persons in Kriminalvården's prisons on 1 October, 2016–2021.

    The data are synthetic (syntetiska): drawn from a model calibrated to public figures on
    Kriminalvården, they are not Kriminalvården's data and no row is a real person or prison.
    They reproduce the Kriminalvården example from JiM+ Träff 3 (2021): women's prisons are
    smaller and so cost more per care-day, while women had less access to work operations
    (arbetsdrift) than men until 2020, a difference not explained by security class or
    sentence length.

    Parameters
    ----------
    seed : int, default 20210921
        Seed for :func:`numpy.random.default_rng`. The same seed gives the same frame, with the
        same numpy version. The default seed gives the committed
        ``sample_data/kriminalvarden.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per person serving a prison sentence in a prison (anstalt) on 1 October of the
        year, sorted by ``ar`` and ``anstalt``; 27,207 rows for every seed (the yearly totals
        are fixed). Columns, in order:

        - ``ar`` (int64): year, 2016–2021.
        - ``anstalt`` (str): synthetic prison id ``"A01"`` … ``"A45"``, the same prison in
          every year.
        - ``anstalt_for`` (str): which sex the prison is for, ``"kvinnor"`` (6 prisons) or
          ``"män"`` (39 prisons).
        - ``platser`` (int64): the prison's number of places that year.
        - ``sakerhetsklass`` (int64): the prison's security class, 1 (highest), 2 or 3; no
          prison for women is in class 1.
        - ``kon`` (str): sex, ``"K"`` (woman) or ``"M"`` (man); missing for about 0.2 % of rows
          (sex not recorded), to be kept as an unknown category.
        - ``aldersgrupp`` (str): age band, ``"18-24"``, ``"25-34"``, ``"35-49"`` or ``"50+"``.
        - ``strafflangd`` (str): sentence band, ``"under 1 år"``, ``"1-2 år"``, ``"2-4 år"``
          or ``"minst 4 år"``.
        - ``arbetsdrift`` (int64): 1 if the person is in work operations on 1 October, else 0.
        - ``varddygn`` (int64): care-days the person spent in this prison during the calendar
          year, 1–365.
        - ``kostnad`` (int64): the person's share of the prison's cost in kronor,
          ``varddygn`` × the prison's cost per care-day that year (whole kronor), so
          ``kostnad / varddygn`` is the same for all rows of a prison and year.

    See Also
    --------
    load_kriminalvarden : The data for the default seed.

    Notes
    -----
    **Synthetic.** The structure and levels are set from public figures on Kriminalvården,
    named below with their sources; where no figure exists the choice is marked as an
    assumption. "§2" and "§9.1" refer to the project's collection of public figures: section 2
    (Kriminalvården) and section 9.1 (a proposal of parameters for these synthetic data, which
    is itself not a fact). All parameters are module-level constants of
    ``genderbudget.datasets._kriminalvarden`` and are listed, with the sources, in
    ``sample_data/manifest.json``.

    *Inmates.* Rows per year are fixed at 4,224, 4,148, 4,377, 4,606, 4,802 and 5,050 for
    2016–2021, of whom 250, 249, 257, 266, 277 and 295 are in women's prisons (about 6 %).
    Sources: 4,148 inskrivna i anstalt on 1 Oct 2017 with 6 % women (Kriminalvården, anstalt
    statistics, 2017); 4,606 occupied places on 9 Dec 2019 (266 women) and 4,802 on 19 Oct
    2020 (277 women) (Kriminalvården, "Platssituationen"); "drygt 5 000" at the end of 2021
    (tfkriminalvard.se, "Platssituationen i Kriminalvårdens anstalter"). 2016 and 2018 are
    interpolated. The 5,276 pågående fängelseverkställigheter of 1 Oct 2020 (311 women) also
    count persons held in remand prisons awaiting placement, so the occupied places are used
    for rows that are persons in a prison; §9.1 proposes about 4,050 for 2017, but 4,148 is the
    published count of the same measure.

    *Prisons and places.* 45 prisons, 6 for women (Kriminalvården 31 Dec 2020; "sex
    anstalter" for women, Kriminalvården 2019). Women's prisons have 22–94 places (301 in
    2020, 211 in class 2 and 90 in class 3 as on 19 Oct 2020), men's 39 prisons about 30–380
    places with a mean of about 116 (4,542 in 2020), and 34 / 46 / 20 % of men's places in
    security class 1 / 2 / 3 (§2.7 estimates from the 2019 and 2020 snapshots). Places per
    year follow the 2019 and 2020 snapshots (277 + 4,336; 301 + 4,542); other years are
    assumptions. Occupancy is 100–103 % for men and 92–97 % for women (103 % in prisons in
    2020, KOS 2020), with a prison-level spread.

    *Cost per care-day.* For a prison with ``p`` places in year ``t``::

        cost per care-day = index[t] * (a + F / p + F * p / 300**2) * class factor * noise

    rounded to whole kronor, with ``a`` = 2,225 kr, ``F`` = 90,000 kr, ``index`` = 0.922,
    0.938, 0.953, 0.984, 1, 1.031 for 2016–2021 (§9.1's yearly means 2,950 … 3,300 kr over
    3,200), class factor 1.05 / 1 / 0.95 for class 1 / 2 / 3 and noise ``exp(normal(0,
    0.04))``. The curve is lowest at 300 places (lowest cost per place at about 300 places,
    Riksrevisionen RiR 2020:16, press release 2020-09-01) and its mean over care-days is
    about 3,198 kr in 2020 (3,198 kr per inmate-day in prison 2020, Norrköpings Tidningar
    2021-04-14). With the default seed women's prisons come out at 3,950–4,150 kr, 28–33 %
    above men's (§9.1 proposes 20–30 %), and over 90 % of the gap is their small size
    ("Kvinnoanstalter är oftast mindre enheter. Det leder bl.a. till att vårddygnskostnaden
    för kvinnor är högre", Jämställdhetsmyndigheten). §9.1 proposes ``a + F / p`` with a
    class effect of ±20 % and noise with a CV of about 10 %; here the class effect is ±5 %
    and the noise 4 %, so that unit size is by far the main reason for women's higher cost,
    and the ``F * p`` term gives the published minimum at 300 places. The investment in work
    at women's prisons is not added to their cost, for the same reason.

    *Work operations.* On 1 October, the probability that a person is in work is
    ``WORK_BASE[t] + WORK_CLASS_EFFECT[class] + WORK_SENTENCE_EFFECT[sentence]``, plus
    ``WOMEN_WORK_EFFECT[t]`` in a women's prison: -0.15, -0.14, -0.12, -0.10, 0 and 0 for
    2016–2021. Class 1 is 0.10 lower and class 3 0.03 lower than class 2; sentences under 1 år
    are 0.08 lower and 2-4 år and minst 4 år 0.05 and 0.10 higher than 1-2 år. Men's share is
    about 0.57 each year. In 2020 and 2021 women's share equals men's both after adjusting for
    class and sentence and in the raw share, as in "andelen intagna kvinnor i arbetsdrift var
    den samma som andelen män år 2020" (JiM+ slutredovisning, Jämställdhetsmyndigheten 2022):
    women's missing class 1 (which raises their raw share) is balanced by their shorter
    sentences (which lowers it). Work places are a capacity: in each prison and year the
    number in work is the expected number rounded up or down (systematic sampling), so each
    person has exactly the model probability while the yearly shares vary little between
    seeds. With Bernoulli draws the standard error of women's share would be about 3
    percentage points for about 280 women. The levels differ from §9.1's table (men about 0.45,
    women from 0.28), which is a judgement too: the only public anchor is 36 % of occupation
    hours in arbetsdrift (Kriminalvården anstalt statistics, 2017), a share of hours, and the
    share of persons placed in work on a census day is assumed to be higher, since a person in
    work can spend part of the week in studies or programmes. The pattern over years, a gap of
    about 15 percentage points in 2016 closing to zero in 2020, follows §9.1.

    *Persons.* Age bands follow the ages on 1 Oct 2020 for men (15–24: 1,051; 25–34: 1,834;
    35–49: 1,593; 50+: 798; the few under 18 are counted in "18-24") and a slightly older
    profile for women (assumption). Sentence bands depend on prison sex and class
    (assumption). ``varddygn`` is the part of the stay in this prison that falls in the
    calendar year, with 1 October inside the stay; every year is counted as 365 days, so
    2016 and 2020 also have at most 365 care-days. About 0.2 % of rows have no recorded sex.
    Admissions, treatment programmes and release year, which §9.1 also suggests, are not
    generated: one row is a person on the census day.

    Examples
    --------
    >>> from genderbudget.datasets import generate_kriminalvarden
    >>> data = generate_kriminalvarden()
    >>> data.shape
    (27207, 11)
    >>> data.groupby("ar").size().tolist()
    [4224, 4148, 4377, 4606, 4802, 5050]
    >>> data.groupby("anstalt_for")["anstalt"].nunique().to_dict()
    {'kvinnor': 6, 'män': 39}
    >>> work = data.groupby(["ar", "anstalt_for"])["arbetsdrift"].mean().round(2)
    >>> work[2016].to_dict(), work[2020].to_dict()
    ({'kvinnor': 0.42, 'män': 0.57}, {'kvinnor': 0.56, 'män': 0.56})
    >>> generate_kriminalvarden(seed=1).equals(generate_kriminalvarden(seed=1))
    True
    """
    rng = np.random.default_rng(seed)
    prisons = _prisons(rng)
    prison_years = _prison_years(rng, prisons)
    return _persons(rng, prison_years)


def load_kriminalvarden() -> pd.DataFrame:
    """Load the SYNTHETIC Kriminalvården sample data (the default seed).

    The data are synthetic, not Kriminalvården's data; see :func:`generate_kriminalvarden`
    for how they are made and which public figures they are calibrated to. The frame is
    generated on each call, so it does not need the repository's ``sample_data`` folder and
    every call returns a new frame that the caller may change.

    Returns
    -------
    pandas.DataFrame
        ``generate_kriminalvarden(seed=20210921)``: one row per person serving a prison
        sentence in a prison on 1 October 2016–2021, with the columns ``ar``, ``anstalt``,
        ``anstalt_for``, ``platser``, ``sakerhetsklass``, ``kon``, ``aldersgrupp``,
        ``strafflangd``, ``arbetsdrift``, ``varddygn`` and ``kostnad`` described there. It
        equals the committed ``sample_data/kriminalvarden.csv`` read with
        ``pandas.read_csv(path, keep_default_na=False, na_values={"kon": [""]})``.

    See Also
    --------
    generate_kriminalvarden : The generator, with the columns and the calibration.

    Notes
    -----
    Synthetic data calibrated to the public figures listed under
    :func:`generate_kriminalvarden`: 45 prisons of which 6 for women (Kriminalvården 2020),
    about 6 % women among inmates (Kriminalvården anstalt statistics 2017 and 2020), a mean
    cost per care-day of about 3,198 kr in 2020 (Norrköpings Tidningar 2021-04-14, citing
    Kriminalvården's figures) and equal shares of women and men in work operations from 2020
    (JiM+ slutredovisning 2022).

    Examples
    --------
    >>> from genderbudget.datasets import load_kriminalvarden
    >>> data = load_kriminalvarden()
    >>> list(data.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['ar', 'anstalt', 'anstalt_for', 'platser', 'sakerhetsklass', 'kon', 'aldersgrupp',
     'strafflangd', 'arbetsdrift', 'varddygn', 'kostnad']
    >>> year_2020 = data[data["ar"] == 2020]
    >>> by_prison = year_2020.groupby("anstalt_for")[["kostnad", "varddygn"]].sum()
    >>> (by_prison["kostnad"] / by_prison["varddygn"]).round(-1).astype(int).to_dict()
    {'kvinnor': 4030, 'män': 3150}
    """
    return generate_kriminalvarden(DEFAULT_SEED)
