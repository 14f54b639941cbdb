"""Plain-language explanations of comparisons (``genderbudget._explain``).

The rendered texts of a set of representative rows (``CASES`` and ``TOGETHER``, each in
Swedish and English) are snapshot tests kept by syrupy in
``tests/__snapshots__/test_explain.ambr``. A test fails when a text differs from its
snapshot, when a snapshot is missing, and the run fails when a snapshot is no longer used.
To accept a deliberate change of wording or formatting, rewrite the snapshots and review the
diff of the ``.ambr`` file before committing it::

    python -m pytest tests/test_explain.py --snapshot-update
    git diff tests/__snapshots__/

Without ``--snapshot-update`` the snapshot file is only read, never written.
"""

from __future__ import annotations

import copy
import json
import math
import re
import unicodedata
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, cast

import pandas as pd
import pytest
from syrupy.assertion import SnapshotAssertion

from genderbudget import _explain as ex
from genderbudget._explain import (
    Lang,
    amount_decimals,
    explain,
    explain_together,
    flag_label,
    format_amount,
    format_number,
    format_percent,
    format_points,
)
from genderbudget._flags import FLAGS
from genderbudget._measures import DIRECTIONS

NAN = math.nan
NNBSP = "\u202f"  # narrow no-break space: the Swedish thousands separator

# English labels of the Swedish labels used below; the caller supplies labels per language.
ENGLISH = {
    "andel i arbetsdrift": "share in work operations",
    "andel med incident": "share with an incident",
    "kostnad per vårddygn": "cost per care-day",
    "kostnad per klient": "cost per client",
    "väntetid i dagar": "waiting time in days",
    "antal stödtimmar per vecka": "number of support hours per week",
    "antal incidenter per månad": "number of incidents per month",
    "antal placeringar per person": "number of placements per person",
    "förvaltningskostnad": "administration cost",
    "placerade": "persons placed",
    "säkerhetsklass": "security class",
    "strafflängd": "sentence length",
    "ålder": "age",
    "enhetsstorlek": "unit size",
    "län": "county",
    "diagnos": "diagnosis",
    "kr": "SEK",
}

# The issue's example: women's share in work operations against men's, adjusted for two
# justified factors. Every case below changes only what it is about.
BASE: dict[str, Any] = {
    "label": "andel i arbetsdrift",
    "measure": "arbetsdrift",
    "kind": "rate",
    "direction": "higher_is_better",
    "flag": "unexplained_gap",
    "disadvantaged": "women",
    "women": 0.45,
    "men": 0.573,
    "difference": -0.123,
    "difference_ci_low": -0.165,
    "difference_ci_high": -0.081,
    "confidence": 0.95,
    "adjusted_difference": -0.118,
    "adjusted_ci_low": -0.160,
    "adjusted_ci_high": -0.076,
    "justified": ("säkerhetsklass", "strafflängd"),
    "n_women": 412,
    "n_men": 3911,
    "min_n": 20,
    "p_adjusted": 1e-9,
    "adjusted_p_value": 1e-8,
}
NO_ADJUSTMENT = {
    "justified": (),
    "adjusted_difference": NAN,
    "adjusted_ci_low": NAN,
    "adjusted_ci_high": NAN,
}
COST = {
    "label": "kostnad per vårddygn",
    "measure": "kostnad/varddygn",
    "kind": "ratio",
    "direction": "resource",
    "disadvantaged": None,
    "unit": "kr",
    "women": 4035.2,
    "men": 3147.4,
    "difference": 887.8,
    "difference_ci_low": 612.1,
    "difference_ci_high": 1163.5,
}
WAITING = {
    "label": "väntetid i dagar",
    "measure": "vantetid",
    "kind": "mean",
    "direction": "lower_is_better",
    "women": 12.4,
    "men": 9.2,
    "difference": 3.2,
    "difference_ci_low": 1.05,
    "difference_ci_high": 5.35,
}

CASES: dict[str, dict[str, Any]] = {
    "rate_access_unexplained_two_factors": {},
    "rate_access_unexplained_no_factors_men_behind": {
        **NO_ADJUSTMENT,
        "disadvantaged": "men",
        "women": 0.62,
        "men": 0.55,
        "difference": 0.07,
        "difference_ci_low": 0.031,
        "difference_ci_high": 0.108,
    },
    "rate_access_unexplained_reverses_with_one_factor": {
        "disadvantaged": "men",
        "women": 0.552,
        "men": 0.573,
        "difference": -0.021,
        "difference_ci_low": -0.052,
        "difference_ci_high": 0.010,
        "adjusted_difference": 0.034,
        "adjusted_ci_low": 0.012,
        "adjusted_ci_high": 0.056,
        "justified": ("säkerhetsklass",),
    },
    "rate_access_explained_one_factor": {
        "flag": "explained_gap",
        "disadvantaged": None,
        "adjusted_difference": -0.008,
        "adjusted_ci_low": -0.028,
        "adjusted_ci_high": 0.012,
        "justified": ("säkerhetsklass",),
    },
    "rate_access_no_gap_ci_crosses_zero": {
        **NO_ADJUSTMENT,
        "flag": "no_gap",
        "disadvantaged": None,
        "women": 0.554,
        "men": 0.573,
        "difference": -0.019,
        "difference_ci_low": -0.050,
        "difference_ci_high": 0.012,
    },
    "rate_access_no_gap_not_supported_after_holm": {
        **NO_ADJUSTMENT,
        "flag": "no_gap",
        "disadvantaged": None,
        "women": 0.554,
        "men": 0.573,
        "difference": -0.019,
        "difference_ci_low": -0.050,
        "difference_ci_high": 0.012,
        "p_adjusted": 0.2141,
        "p_adjust_method": "holm",
        "alpha": 0.05,
    },
    "ratio_cost_no_gap_not_supported_without_correction": {
        "flag": "no_gap",
        "disadvantaged": None,
        "kind": "ratio",
        "direction": "resource",
        "label": "kostnad per vårddygn",
        "unit": "kr",
        "women": 3986.0,
        "men": 3001.0,
        "difference": 985.0,
        "difference_ci_low": -12.0,
        "difference_ci_high": 1982.0,
        "p_adjusted": 0.053,
        "p_adjust_method": "none",
        "alpha": 0.05,
    },
    "rate_access_no_gap_supported_but_not_material": {
        **NO_ADJUSTMENT,
        "flag": "no_gap",
        "disadvantaged": None,
        "women": 0.566,
        "men": 0.573,
        "difference": -0.007,
        "difference_ci_low": -0.009,
        "difference_ci_high": -0.005,
        "p_adjusted": 0.0001,
        "p_adjust_method": "holm",
        "alpha": 0.01,
    },
    "rate_access_no_gap_rounds_to_zero_90": {
        **NO_ADJUSTMENT,
        "flag": "no_gap",
        "disadvantaged": None,
        "women": 0.5732,
        "men": 0.573,
        "difference": 0.0002,
        "difference_ci_low": -0.011,
        "difference_ci_high": 0.012,
        "confidence": 0.90,
    },
    "rate_access_too_few_women": {
        "flag": "insufficient_data",
        "disadvantaged": None,
        "women": 0.125,
        "difference": -0.448,
        "n_women": 8,
    },
    "rate_access_no_test_nothing_known": {
        **NO_ADJUSTMENT,
        "flag": "insufficient_data",
        "disadvantaged": None,
        "women": NAN,
        "difference": NAN,
        "difference_ci_low": NAN,
        "difference_ci_high": NAN,
        "p_adjusted": NAN,
        "n_women": 25,
    },
    "rate_access_label_missing_uses_measure": {
        **NO_ADJUSTMENT,
        "label": None,
        "flag": "no_gap",
        "disadvantaged": None,
        "difference": -0.009,
        "difference_ci_low": -0.031,
        "difference_ci_high": 0.013,
    },
    "rate_incident_unexplained_three_factors": {
        "label": "andel med incident",
        "measure": "incident",
        "direction": "lower_is_better",
        "women": 0.081,
        "men": 0.052,
        "difference": 0.029,
        "difference_ci_low": 0.014,
        "difference_ci_high": 0.044,
        "adjusted_difference": 0.025,
        "adjusted_ci_low": 0.010,
        "adjusted_ci_high": 0.040,
        "justified": ("ålder", "säkerhetsklass", "strafflängd"),
    },
    "rate_incident_explained_two_factors": {
        "label": "andel med incident",
        "measure": "incident",
        "direction": "lower_is_better",
        "flag": "explained_gap",
        "disadvantaged": None,
        "women": 0.041,
        "men": 0.063,
        "difference": -0.022,
        "difference_ci_low": -0.035,
        "difference_ci_high": -0.009,
        "adjusted_difference": -0.004,
        "adjusted_ci_low": -0.017,
        "adjusted_ci_high": 0.009,
    },
    "ratio_cost_unexplained_two_factors": {
        **COST,
        "adjusted_difference": 301.2,
        "adjusted_ci_low": 80.0,
        "adjusted_ci_high": 522.4,
    },
    "ratio_cost_explained_one_factor": {
        **COST,
        "flag": "explained_gap",
        "adjusted_difference": 41.3,
        "adjusted_ci_low": -120.6,
        "adjusted_ci_high": 203.2,
        "justified": ("enhetsstorlek",),
    },
    "ratio_cost_unexplained_no_factors_men_higher": {
        **COST,
        **NO_ADJUSTMENT,
        "women": 2890.0,
        "men": 3147.4,
        "difference": -257.4,
        "difference_ci_low": -401.9,
        "difference_ci_high": -112.9,
    },
    "mean_cost_no_gap_ci_crosses_zero": {
        **COST,
        **NO_ADJUSTMENT,
        "label": "kostnad per klient",
        "kind": "mean",
        "flag": "no_gap",
        "unit": None,
        "women": 118_250.0,
        "men": 121_900.0,
        "difference": -3650.0,
        "difference_ci_low": -9820.5,
        "difference_ci_high": 2520.5,
    },
    "mean_cost_too_few_men": {
        **COST,
        "label": "kostnad per klient",
        "kind": "mean",
        "flag": "insufficient_data",
        "n_women": 25,
        "n_men": 12,
    },
    "mean_cost_not_adjustable": {
        **COST,
        "label": "kostnad per klient",
        "kind": "mean",
        "flag": "insufficient_data",
        "adjusted_difference": NAN,
        "adjusted_ci_low": NAN,
        "adjusted_ci_high": NAN,
        "justified": ("enhetsstorlek",),
    },
    "mean_waiting_unexplained_one_factor": {
        **WAITING,
        "adjusted_difference": 2.9,
        "adjusted_ci_low": 0.8,
        "adjusted_ci_high": 5.0,
        "justified": ("ålder",),
    },
    "mean_waiting_explained_three_factors_no_adjusted_ci": {
        **WAITING,
        "flag": "explained_gap",
        "disadvantaged": None,
        "women": 8.1,
        "men": 9.2,
        "difference": -1.1,
        "difference_ci_low": -1.9,
        "difference_ci_high": -0.3,
        "adjusted_difference": -0.2,
        "adjusted_ci_low": NAN,
        "adjusted_ci_high": NAN,
        "justified": ("ålder", "län", "diagnos"),
    },
    "mean_support_no_gap_higher_is_better": {
        **NO_ADJUSTMENT,
        "label": "antal stödtimmar per vecka",
        "measure": "stodtimmar",
        "kind": "mean",
        "flag": "no_gap",
        "disadvantaged": None,
        "women": 2.41,
        "men": 2.35,
        "difference": 0.06,
        "difference_ci_low": -0.12,
        "difference_ci_high": 0.24,
    },
    "mean_incidents_small_values_no_gap": {
        **NO_ADJUSTMENT,
        "label": "antal incidenter per månad",
        "measure": "incidenter",
        "kind": "mean",
        "direction": "lower_is_better",
        "flag": "no_gap",
        "disadvantaged": None,
        "women": 0.042,
        "men": 0.051,
        "difference": -0.009,
        "difference_ci_low": -0.0213,
        "difference_ci_high": 0.0031,
    },
    "ratio_neutral_unexplained_one_factor": {
        "label": "antal placeringar per person",
        "measure": "placeringar/personer",
        "kind": "ratio",
        "direction": "neutral",
        "disadvantaged": None,
        "women": 1.84,
        "men": 1.52,
        "difference": 0.32,
        "difference_ci_low": 0.18,
        "difference_ci_high": 0.46,
        "adjusted_difference": 0.27,
        "adjusted_ci_low": 0.12,
        "adjusted_ci_high": 0.42,
        "justified": ("ålder",),
    },
    "ratio_neutral_unexplained_no_factors": {
        **NO_ADJUSTMENT,
        "label": "antal placeringar per person",
        "measure": "placeringar/personer",
        "kind": "ratio",
        "direction": "neutral",
        "disadvantaged": None,
        "women": 1.84,
        "men": 1.52,
        "difference": 0.32,
        "difference_ci_low": 0.18,
        "difference_ci_high": 0.46,
    },
    "total_cost_not_assessed": {
        **NO_ADJUSTMENT,
        "label": "förvaltningskostnad",
        "measure": "total_kostnad",
        "kind": "total",
        "direction": "resource",
        "flag": "not_assessed",
        "disadvantaged": None,
        "unit": "kr",
        "women": 182_400_000.0,
        "men": 1_263_950_000.0,
        "difference": -1_081_550_000.0,
        "difference_ci_low": NAN,
        "difference_ci_high": NAN,
        "p_adjusted": NAN,
    },
    "count_not_assessed": {
        **NO_ADJUSTMENT,
        "label": "placerade",
        "measure": "count",
        "kind": "count",
        "direction": "neutral",
        "flag": "not_assessed",
        "disadvantaged": None,
        "women": 1508,
        "men": 25699,
        "difference": -24191,
        "difference_ci_low": NAN,
        "difference_ci_high": NAN,
        "n_women": 1508,
        "n_men": 25699,
        "p_adjusted": NAN,
    },
    "count_equal_not_assessed": {
        **NO_ADJUSTMENT,
        "label": "placerade",
        "measure": "count",
        "kind": "count",
        "direction": "neutral",
        "flag": "not_assessed",
        "disadvantaged": None,
        "women": 40,
        "men": 40,
        "difference": 0,
        "difference_ci_low": NAN,
        "difference_ci_high": NAN,
        "n_women": 40,
        "n_men": 40,
        "p_adjusted": NAN,
    },
}

TOGETHER: dict[str, dict[str, Any]] = {
    "together_women_cost_and_work": {
        "sex": "women",
        "resource_label": "kostnad per vårddygn",
        "access_label": "andel i arbetsdrift",
        "resource_women": 4035.2,
        "resource_men": 3147.4,
        "access_women": 0.554,
        "access_men": 0.564,
        "resource_kind": "ratio",
        "access_kind": "rate",
    },
    "together_men_cost_and_support_hours": {
        "sex": "men",
        "resource_label": None,
        "resource_measure": "kostnad per klient",
        "access_label": "antal stödtimmar per vecka",
        "resource_women": 118_250.0,
        "resource_men": 131_900.0,
        "access_women": 2.4,
        "access_men": 1.95,
        "resource_kind": "mean",
        "access_kind": "mean",
    },
}


def _translate(value: Any, lang: Lang) -> Any:
    if lang == "sv":
        return value
    if isinstance(value, str):
        return ENGLISH.get(value, value)
    if isinstance(value, tuple):
        return tuple(ENGLISH.get(v, v) for v in value)
    return value


def _row(changes: dict[str, Any], lang: Lang) -> dict[str, Any]:
    row = {**BASE, **changes}
    for key in ("label", "justified", "unit", "resource_label", "access_label", "resource_measure"):
        if key in row:
            row[key] = _translate(row[key], lang)
    return row


# --- snapshots -----------------------------------------------------------------------------
# syrupy keeps the texts in __snapshots__/test_explain.ambr, one entry per case and language.

SNAPSHOT_FILE = Path(__file__).parent / "__snapshots__" / "test_explain.ambr"


def _text(case: str, lang: Lang) -> str:
    if case in CASES:
        return explain(_row(CASES[case], lang), lang=lang)
    row = {key: _translate(value, lang) for key, value in TOGETHER[case].items()}
    return explain_together(row, lang=lang)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("case", [*CASES, *TOGETHER])
def test_explanation_matches_its_snapshot(
    case: str, lang: Lang, snapshot: SnapshotAssertion
) -> None:
    assert _text(case, lang) == snapshot


def test_snapshot_file_holds_exactly_the_cases() -> None:
    # syrupy also fails the run on a snapshot that no test uses; this names the cases.
    names = re.findall(r"^# name: (.+)$", SNAPSHOT_FILE.read_text(encoding="utf-8"), flags=re.M)
    expected = [
        f"test_explanation_matches_its_snapshot[{case}-{lang}]"
        for case in [*CASES, *TOGETHER]
        for lang in ("sv", "en")
    ]
    assert sorted(names) == sorted(expected)


# --- the issue's examples ------------------------------------------------------------------


def test_issue_example_in_swedish() -> None:
    assert explain(BASE) == (
        "Andelen i arbetsdrift är 12,3 procentenheter lägre för kvinnor än för män "
        "(95 % KI 8,1–16,5). Skillnaden kvarstår när säkerhetsklass och strafflängd beaktas "
        "(justerad skillnad 11,8 p.e.) och kan därför vara osaklig, till kvinnors nackdel."
    )


def test_issue_example_in_english() -> None:
    assert explain(_row({}, "en"), lang="en") == (
        "The share in work operations is 12.3 percentage points lower for women than for men "
        "(95% CI 8.1 to 16.5). The difference remains when security class and sentence "
        "length are taken into account (adjusted difference 11.8 percentage points) and may "
        "therefore be unjustified, to women's disadvantage."
    )


def test_issue_example_for_resources_and_access_together() -> None:
    text = explain_together(TOGETHER["together_women_cost_and_work"])
    assert text.startswith(
        f"Kvinnor har högre kostnad per vårddygn (4{NNBSP}035 mot 3{NNBSP}147) men lägre "
        "andel i arbetsdrift (55,4 % mot 56,4 %). Mer resurser per person är inte en fördel "
        "i sig: läs kostnaden tillsammans med tillgången till insatsen."
    )
    assert "bero på strukturen" in text


# --- girls and boys ---------------------------------------------------------------------------


def test_children_are_girls_and_boys_in_swedish() -> None:
    assert explain(BASE, words="children") == (
        "Andelen i arbetsdrift är 12,3 procentenheter lägre för flickor än för pojkar "
        "(95 % KI 8,1–16,5). Skillnaden kvarstår när säkerhetsklass och strafflängd beaktas "
        "(justerad skillnad 11,8 p.e.) och kan därför vara osaklig, till flickors nackdel."
    )


def test_children_are_girls_and_boys_in_english() -> None:
    assert explain(_row({}, "en"), lang="en", words="children") == (
        "The share in work operations is 12.3 percentage points lower for girls than for boys "
        "(95% CI 8.1 to 16.5). The difference remains when security class and sentence "
        "length are taken into account (adjusted difference 11.8 percentage points) and may "
        "therefore be unjustified, to girls' disadvantage."
    )


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(("persons", "found"), [("children", False), ("adults", True)])
def test_no_adult_words_are_left_for_children(lang: Lang, persons: str, found: bool) -> None:
    adult = {"sv": r"\b(kvinn\w*|män|mäns)\b", "en": r"\b(wom[ae]n|men)\b"}[lang]
    texts = [explain(_row(CASES[case], lang), lang=lang, words=persons) for case in CASES]
    texts.append(
        explain_together(TOGETHER["together_women_cost_and_work"], lang=lang, words=persons)
    )
    hits = [text for text in texts if re.search(adult, text, flags=re.IGNORECASE)]
    # Every text names the sexes, so with adults every text has the words; with children none.
    assert len(hits) == (len(texts) if found else 0)


def test_too_few_children_are_counted_as_girls_and_boys() -> None:
    text = explain({**BASE, **CASES["rate_access_too_few_women"]}, words="children")
    assert text.startswith(
        "Det finns för få personer för att bedöma skillnaden i andelen i arbetsdrift: "
        f"8 flickor och 3{NNBSP}911 pojkar"
    )


def test_unknown_persons_lists_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match=r"words='youths' is not allowed.*'adults', 'children'"):
        explain(BASE, words="youths")  # type: ignore[arg-type]


def test_a_row_of_a_pandas_frame_is_accepted() -> None:
    # A Series is not typed as a Mapping but has the same look-ups.
    assert explain(cast(Mapping[str, Any], pd.Series(BASE))) == explain(BASE)
    frame = pd.DataFrame([BASE, {**BASE, "flag": "no_gap", "disadvantaged": None}])
    texts = [explain(cast(Mapping[str, Any], row)) for _, row in frame.iterrows()]
    assert texts[0] == explain(BASE)
    assert "inte tydlig" in texts[1]


# --- wording -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # Women higher: the interval is already in the stated direction.
        (
            {"difference": 0.123, "difference_ci_low": 0.081, "difference_ci_high": 0.165},
            "12,3 procentenheter högre för kvinnor än för män (95 % KI 8,1–16,5)",
        ),
        # Women lower: the interval of the gap is -(high), -(low).
        ({}, "12,3 procentenheter lägre för kvinnor än för män (95 % KI 8,1–16,5)"),
        # Crossing zero: the bound on the other side keeps its minus sign.
        (
            {"difference": -0.019, "difference_ci_low": -0.050, "difference_ci_high": 0.012},
            "1,9 procentenheter lägre för kvinnor än för män (95 % KI −1,2 till 5,0)",
        ),
        (
            {"difference": 0.019, "difference_ci_low": -0.012, "difference_ci_high": 0.050},
            "1,9 procentenheter högre för kvinnor än för män (95 % KI −1,2 till 5,0)",
        ),
        # No interval: no brackets.
        (
            {"difference_ci_low": NAN, "difference_ci_high": NAN},
            "12,3 procentenheter lägre för kvinnor än för män. ",
        ),
    ],
)
def test_interval_is_given_for_the_gap_in_the_direction_stated(
    changes: dict[str, Any], expected: str
) -> None:
    assert expected in explain({**BASE, **changes, "flag": "no_gap", "disadvantaged": None})


@pytest.mark.parametrize(
    ("label", "lang", "start"),
    [
        ("andel i arbetsdrift", "sv", "Andelen i arbetsdrift är"),
        ("Andel i arbetsdrift", "sv", "Andelen i arbetsdrift är"),
        ("andelen i arbetsdrift", "sv", "Andelen i arbetsdrift är"),
        ("i arbetsdrift", "sv", "Andelen i arbetsdrift är"),
        (None, "sv", "Andelen arbetsdrift är"),
        ("share in work operations", "en", "The share in work operations is"),
        ("in work operations", "en", "The share in work operations is"),
        ("The share in work operations", "en", "The share in work operations is"),
    ],
)
def test_rate_labels_read_as_the_share(label: str | None, lang: Lang, start: str) -> None:
    assert explain({**BASE, "label": label}, lang=lang).startswith(start)


# Words that call a difference someone's advantage or disadvantage.
ADVANTAGE_WORDS = {
    "sv": ("fördel", "nackdel", "missgynn", "gynna", "bättre för", "sämre för"),
    "en": ("advantage", "favour", "worse off", "better for"),
}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_resource_templates_never_name_an_advantage(lang: Lang) -> None:
    verdicts = ex._texts()[lang]["verdict"]
    for flag, directions in verdicts.items():
        for variant, template in directions["resource"].items():
            for word in ADVANTAGE_WORDS[lang]:
                assert word not in template.lower(), (flag, variant, word)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("flag", FLAGS)
@pytest.mark.parametrize("disadvantaged", [None, "women"])
def test_resource_explanations_never_name_an_advantage(
    flag: str, lang: Lang, disadvantaged: str | None
) -> None:
    # Even a row that wrongly names a disadvantaged sex for a resource gets no such words.
    row = _row({**CASES["ratio_cost_unexplained_two_factors"], "flag": flag}, lang)
    text = explain({**row, "disadvantaged": disadvantaged}, lang=lang).lower()
    for word in ADVANTAGE_WORDS[lang]:
        assert word not in text


@pytest.mark.parametrize(
    ("flag", "lang", "phrase"),
    [
        ("unexplained_gap", "sv", "en skillnad i resurser säger ensam inget om vem som har det"),
        ("explained_gap", "sv", "en skillnad i resurser säger ensam inget om vem som har det"),
        ("unexplained_gap", "en", "a difference in resources says nothing on its own about who"),
        ("explained_gap", "en", "a difference in resources says nothing on its own about who"),
    ],
)
def test_a_resource_gap_is_said_to_say_nothing_alone_about_who_is_better_off(
    flag: str, lang: Lang, phrase: str
) -> None:
    row = _row({**CASES["ratio_cost_unexplained_two_factors"], "flag": flag}, lang)
    assert phrase in explain(row, lang=lang)


@pytest.mark.parametrize(
    ("changes", "sv", "en"),
    [
        ({}, "till kvinnors nackdel", "to women's disadvantage"),
        ({"disadvantaged": "men"}, "till mäns nackdel", "to men's disadvantage"),
    ],
)
def test_an_unexplained_access_gap_says_whose_disadvantage(
    changes: dict[str, Any], sv: str, en: str
) -> None:
    assert explain({**BASE, **changes}).endswith(f"{sv}.")
    assert explain(_row(changes, "en"), lang="en").endswith(f"{en}.")


def test_each_flag_has_its_own_wording() -> None:
    explained = explain({**BASE, **CASES["rate_access_explained_one_factor"]})
    assert "förklaras av säkerhetsklass" in explained
    assert "kan därför vara saklig" in explained
    assert "nackdel" not in explained
    no_gap = explain({**BASE, **CASES["rate_access_no_gap_ci_crosses_zero"]})
    assert "1,9 procentenheter lägre" in no_gap  # the estimate is still given
    assert "inte tydlig eller inte stor nog att ha betydelse" in no_gap
    no_factors = explain({**BASE, **CASES["rate_access_unexplained_no_factors_men_behind"]})
    assert "Inga sakliga faktorer" in no_factors


def test_no_gap_says_whether_the_gap_is_unsupported_or_too_small() -> None:
    unsupported = explain({**BASE, **CASES["rate_access_no_gap_not_supported_after_holm"]})
    assert unsupported.endswith(
        "Skillnaden är inte statistiskt säkerställd (p-värde 0,214 efter Holms korrigering "
        "för flera jämförelser, gränsen är 0,05), så den visar inte att något kön missgynnas."
    )
    english = explain(_row(CASES["rate_access_no_gap_not_supported_after_holm"], "en"), lang="en")
    assert "(p-value 0.214 after Holm's correction for multiple comparisons, the limit is " in (
        english
    )
    plain = explain({**BASE, **CASES["ratio_cost_no_gap_not_supported_without_correction"]})
    assert plain.endswith("(p-värde 0,053, gränsen är 0,05).")  # no correction named
    small = explain({**BASE, **CASES["rate_access_no_gap_supported_but_not_material"]})
    assert "statistiskt säkerställd men mindre än gränsen för en väsentlig skillnad" in small
    # The boundary: p equal to alpha is not supported (the flag rule uses p < alpha).
    boundary = {**CASES["rate_access_no_gap_not_supported_after_holm"], "p_adjusted": 0.05}
    assert "inte statistiskt säkerställd (p-värde 0,050" in explain({**BASE, **boundary})


def test_too_few_persons_gives_the_counts_and_the_minimum_not_the_estimates() -> None:
    text = explain({**BASE, **CASES["rate_access_too_few_women"]})
    assert text == (
        "Det finns för få personer för att bedöma skillnaden i andelen i arbetsdrift: "
        f"8 kvinnor och 3{NNBSP}911 män, där minst 20 av varje kön behövs."
    )
    assert "%" not in text


@pytest.mark.parametrize(("count", "word"), [(1, "is"), (2, "are"), (3, "are")])
def test_english_verb_agrees_with_the_number_of_factors(count: int, word: str) -> None:
    factors = ("security class", "sentence length", "age")[:count]
    text = explain(_row({"justified": factors}, "en"), lang="en")
    assert f" {word} taken into account" in text


@pytest.mark.parametrize(
    ("factors", "sv", "en"),
    [
        (("a",), "a", "a"),
        (("a", "b"), "a och b", "a and b"),
        (("a", "b", "c"), "a, b och c", "a, b and c"),
    ],
)
def test_factor_lists_are_joined_in_each_language(
    factors: tuple[str, ...], sv: str, en: str
) -> None:
    assert f"när {sv} beaktas" in explain({**BASE, "justified": factors})
    assert f"when {en} " in explain({**BASE, "justified": factors}, lang="en")


def test_a_single_factor_may_be_given_as_a_string() -> None:
    assert explain({**BASE, "justified": "ålder"}) == explain({**BASE, "justified": ("ålder",)})


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (1234567.891, "sv", 0, f"1{NNBSP}234{NNBSP}568"),
        (1234567.891, "en", 0, "1,234,568"),
        (-1234.5, "sv", 1, f"−1{NNBSP}234,5"),
        (-1234.5, "en", 1, "−1,234.5"),
        (999.5, "sv", 0, f"1{NNBSP}000"),
        (2.675, "en", 2, "2.68"),  # half away from zero on the decimal form
        (-1.25, "sv", 1, "−1,3"),
        (-0.04, "sv", 1, "0,0"),  # no negative zero
        (0, "en", 2, "0.00"),
        (NAN, "sv", 1, "–"),
        (None, "en", 1, "–"),
        (pd.NA, "sv", 0, "–"),
        (math.inf, "sv", 0, "–"),
    ],
)
def test_format_number(value: Any, lang: Lang, decimals: int, expected: str) -> None:
    assert format_number(value, lang=lang, decimals=decimals) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (0.554, "sv", "55,4 %"),
        (0.554, "en", "55.4%"),
        (0.0125, "sv", "1,3 %"),  # 1.25 % rounds up, whatever the binary value
        (1.0, "sv", "100,0 %"),
        (NAN, "sv", "–"),
    ],
)
def test_format_percent(value: float, lang: Lang, expected: str) -> None:
    assert format_percent(value, lang=lang) == expected


@pytest.mark.parametrize(
    ("value", "lang", "short", "expected"),
    [
        (-0.123, "sv", False, "−12,3 procentenheter"),
        (0.118, "sv", True, "11,8 p.e."),
        (0.118, "en", False, "11.8 percentage points"),
        (0.118, "en", True, "11.8 percentage points"),
        (NAN, "sv", False, "–"),
    ],
)
def test_format_points(value: float, lang: Lang, short: bool, expected: str) -> None:
    assert format_points(value, lang=lang, short=short) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([4035.2, 3147.4], 0),
        ([100.0, 3.14159], 0),
        ([99.5, 3.14159], 2),
        ([3.2, 1.1, 5.3], 1),
        ([3.2, 1.05, 5.3], 2),
        ([12.0, 3.0], 0),
        ([0.5], 1),
        ([0.042, 0.051], 3),
        ([0.0123], 3),
        ([NAN, 250.0], 0),
        ([], 0),
        ([0.0], 0),
    ],
)
def test_amount_decimals(values: list[float], expected: int) -> None:
    assert amount_decimals(values) == expected


def test_format_amount_with_and_without_unit() -> None:
    assert format_amount(4035.2, lang="sv", unit="kr") == f"4{NNBSP}035 kr"
    assert format_amount(3.25, lang="en") == "3.25"
    assert format_amount(NAN, lang="sv", unit="kr") == "–"


@pytest.mark.parametrize(
    ("confidence", "text"), [(0.95, "95 % KI"), (0.9, "90 % KI"), (0.995, "99,5 % KI")]
)
def test_confidence_level_is_shown_without_needless_decimals(confidence: float, text: str) -> None:
    assert f"({text} " in explain({**BASE, "confidence": confidence})


# --- errors --------------------------------------------------------------------------------


def test_unknown_language_lists_the_allowed_ones() -> None:
    message = "lang='de' is not allowed. Allowed values: 'sv', 'en'."
    with pytest.raises(ValueError, match=re.escape(message)):
        explain(BASE, lang="de")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=re.escape(message)):
        format_number(1.0, lang="de", decimals=0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=re.escape(message)):
        explain_together(TOGETHER["together_women_cost_and_work"], lang="de")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [
        ("flag", "gap", ex.FLAGS),
        ("kind", "median", ex.KINDS),
        ("direction", "better", DIRECTIONS),
        ("disadvantaged", "both", ("women", "men")),
    ],
)
def test_unknown_values_list_the_allowed_ones(
    key: str, value: str, allowed: tuple[str, ...]
) -> None:
    message = f"{key}={value!r} is not allowed. Allowed values: " + ", ".join(map(repr, allowed))
    with pytest.raises(ValueError, match=re.escape(message)):
        explain({**BASE, key: value})


def test_missing_keys_are_named() -> None:
    row = {k: v for k, v in BASE.items() if k not in ("flag", "min_n")}
    with pytest.raises(ValueError, match=r"explain\(\) needs the row keys 'flag', 'min_n'"):
        explain(row)


def test_optional_keys_may_be_left_out() -> None:
    optional = (
        "label",
        "adjusted_difference",
        "adjusted_ci_low",
        "adjusted_ci_high",
        "p_adjusted",
        "adjusted_p_value",
    )
    row = {k: v for k, v in BASE.items() if k not in optional}
    text = explain(row)
    assert text.startswith("Andelen arbetsdrift är 12,3 procentenheter lägre")
    assert "(justerad skillnad –)" in text


def test_an_explained_gap_needs_the_factors_that_explain_it() -> None:
    row = {**BASE, **NO_ADJUSTMENT, "flag": "explained_gap", "disadvantaged": None}
    with pytest.raises(ValueError, match="needs at least one justified factor"):
        explain(row)


def test_an_unexplained_access_gap_needs_the_disadvantaged_sex() -> None:
    with pytest.raises(ValueError, match="needs disadvantaged='women' or 'men', got None"):
        explain({**BASE, "disadvantaged": None})


@pytest.mark.parametrize(
    ("key", "value"),
    [("difference", "12,3"), ("n_women", [1, 2]), ("label", 12), ("justified", ("", "ålder"))],
)
def test_values_of_the_wrong_type_are_named(key: str, value: Any) -> None:
    with pytest.raises(ValueError, match=key if key != "justified" else "justified"):
        explain({**BASE, key: value})


@pytest.mark.parametrize(
    "changes",
    [
        {"resource_women": 3000.0},  # less resources, not more
        {"access_women": 0.60},  # more access, not less
        {"access_women": NAN},  # unknown
    ],
)
def test_together_refuses_numbers_without_the_pattern(changes: dict[str, Any]) -> None:
    row = {**TOGETHER["together_women_cost_and_work"], **changes}
    with pytest.raises(ValueError, match="the numbers do not show that"):
        explain_together(row)


def test_together_needs_a_label_or_measure_name() -> None:
    row = {**TOGETHER["together_women_cost_and_work"], "access_label": None}
    with pytest.raises(ValueError, match="'access_label'"):
        explain_together(row)


@pytest.mark.parametrize("decimals", [-1, 1.5, True])
def test_decimals_must_be_a_count(decimals: Any) -> None:
    with pytest.raises(ValueError, match="decimals must be an integer >= 0"):
        format_number(1.0, lang="sv", decimals=decimals)


# --- the text file -------------------------------------------------------------------------


def _file() -> str:
    return resources.files("genderbudget").joinpath("texts.json").read_text(encoding="utf-8")


def _canonical(data: Any) -> str:
    # Sorted keys, two-space indent, UTF-8; invisible spaces written as \u escapes.
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Zs", "Cf") and c != " " else c
        for c in text
    )


def test_text_file_is_canonical_json() -> None:
    text = _file()
    assert text == _canonical(json.loads(text))


def test_text_file_is_valid_and_complete() -> None:
    # The validator returns the texts with the fallback of the verdict templates resolved.
    texts = ex._validate(json.loads(_file()))
    for lang in ex.LANGS:
        for flag in FLAGS:
            assert texts[lang]["flags"][flag]
            for direction in DIRECTIONS:
                for variant in ex.VARIANTS[flag]:
                    assert texts[lang]["verdict"][flag][direction][variant]


def test_the_flags_are_those_of_the_judgement() -> None:
    assert ex.FLAGS == FLAGS
    assert set(ex.VARIANTS) == set(FLAGS)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda t: t["en"]["verdict"]["no_gap"]["default"].pop("default"),
            "en/verdict/no_gap/default/resource: missing (no template under 'resource', 'default')",
        ),
        (
            lambda t: t["en"]["verdict"]["no_gap"].pop("not_material"),
            "en/verdict/no_gap/not_material: missing",
        ),
        (lambda t: t["sv"]["flags"].pop("no_gap"), "sv/flags/no_gap: missing"),
        (
            lambda t: t["sv"]["verdict"]["no_gap"]["default"].update(neutral="{mystery} text"),
            "sv/verdict/no_gap/default/neutral: unknown placeholders ['mystery']",
        ),
        (
            lambda t: t["en"]["numbers"].update(percent="{value%"),
            "en/numbers/percent: ",
        ),
        (lambda t: t["sv"]["list"].update(extra=" samt "), "sv/list/extra: unknown key"),
        (
            lambda t: t["en"].update(rate_prefixes="share"),
            "en/rate_prefixes: not a list of strings",
        ),
        (
            lambda t: t["en"]["persons"]["adults"]["men"].update(plural=1),
            "en/persons/adults/men/plural: not a string",
        ),
        (lambda t: t.pop("en"), "languages ['sv'], expected ['en', 'sv']"),
    ],
)
def test_validation_names_each_problem_and_where(change: Any, problem: str) -> None:
    texts = copy.deepcopy(json.loads(_file()))
    change(texts)
    with pytest.raises(ValueError, match=re.escape(problem)):
        ex._validate(texts)


def test_flag_labels() -> None:
    assert flag_label("no_gap") == "ingen tydlig skillnad"
    assert flag_label("no_gap", lang="en") == "no clear difference"
    with pytest.raises(ValueError, match="flag='gap' is not allowed"):
        flag_label("gap")
