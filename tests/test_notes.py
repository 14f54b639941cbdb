"""Note columns hold English words and stable codes; every code has words in each language."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import genderbudget as gb
from genderbudget import _notes
from genderbudget._texts import LANGS, NOTE_CODES, load_texts

CODE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
PACKAGE = Path(gb.__file__).parent

# The English of every note as the modules wrote it before the notes became codes, with
# sample values: each code must give these words byte for byte.
BEFORE: dict[str, tuple[str, dict[str, object]]] = {
    "no_persons": ("no persons in this cell", {}),
    "few_persons": ("fewer than 2 persons: no interval", {}),
    "few_units": ("fewer than 2 units: no interval", {}),
    "no_sum_sq": ("sum of squares not given (sum_sq=): no interval", {}),
    "zero_denominator": ("the denominator sums to 0: no ratio", {}),
    "recorded_in_full": ("recorded in full: no sampling interval or test", {}),
    "no_women": ("no women in this cell", {}),
    "no_men": ("no men in this cell", {}),
    "ratio_undefined": ("ratio undefined (zero or negative value)", {}),
    "ratio_interval_undefined": ("ratio interval undefined (no one of one sex got it)", {}),
    "no_variation": ("no variation within either sex: no test", {}),
    "unit_zero_denominator_left_out": (
        "1 unit with cost but a zero denominator left out of the interval",
        {"count": 1},
    ),
    "units_zero_denominator_left_out": (
        "3 units with cost but a zero denominator left out of the interval",
        {"count": 3},
    ),
    "not_applicable_counts_totals": ("not applicable to head-counts and totals", {}),
    "sexes_not_both_present": ("women and men are not both present", {}),
    "factor_coincides_with_sex": (
        "justified factor 'a', 'b' coincides with sex: the gap cannot be separated from it",
        {"names": "'a', 'b'"},
    ),
    "factor_one_level": (
        "factor 'konstant' has one level here and is left out",
        {"name": "'konstant'"},
    ),
    "no_factor_varies": (
        "factor 'a' does not vary here, so adjusting changes nothing: the adjusted "
        "comparison is the raw one",
        {"names": "'a'"},
    ),
    "factor_collinear": (
        "factor 'b' is collinear with the other factors and is left out",
        {"names": "'b'"},
    ),
    "degenerate_levels_set_aside": (
        "12,345 persons in levels where all or none got it are set aside (predicted difference 0)",
        {"rows": 12345},
    ),
    "model_not_fitted": (
        "the model could not be fitted (singular matrix)",
        {"reason": "singular matrix"},
    ),
    "model_no_convergence": (
        "the model could not be fitted (no convergence, with or without Firth's penalty)",
        {},
    ),
    "firth_penalty": (
        "women and men are separated in some factor pattern (all or none of one sex got it): "
        "fitted by Firth's penalised likelihood",
        {},
    ),
    "no_stratum_with_both_sexes": ("no stratum holds both women and men", {}),
    "few_units_of_one_sex": ("fewer than 2 units of one sex: no interval", {}),
    "lone_unit": (
        "the adjusted gap rests on a single unit of one sex for some value of the factors, "
        "whose variation between units cannot be estimated: no interval or test",
        {},
    ),
    "missing_factor_left_out": (
        "adjusted gap leaves out 1,234 rows with a missing justified factor",
        {"rows": 1234},
    ),
    "too_few_units_for_verdict": (
        "too few units for a verdict: 1 of women and 4 of men, where the rule asks for at "
        "least 2 of each (FlagRule.min_units)",
        {"women": 1, "men": 4, "min_units": 2},
    ),
    "no_persons_no_shares": ("no persons in this cell: no shares", {}),
    "no_persons_of_this_sex": ("no persons of this sex in this cell: no interval", {}),
    "all_persons_of_this_sex": (
        "every person in this cell has this sex: both shares are 1, no interval",
        {},
    ),
    "few_persons_in_cell": ("fewer than 2 persons in this cell: no interval", {}),
    "few_clusters_in_cell": ("fewer than 2 clusters in this cell: no interval", {}),
    "zero_resource": ("the resource sums to 0 in this cell: no resource share", {}),
    "aggregated_no_sum_sq": (
        "pre-aggregated input without the sum of squares of 'kostnad' (sum_sq=): no interval",
        {"column": "kostnad"},
    ),
    "aggregated_total": (
        "pre-aggregated total: the sum of squares of 'kostnad' per person is not known, so no "
        "interval; analyse the rows to get one",
        {"column": "kostnad"},
    ),
    "aggregated_ratio": (
        "pre-aggregated ratio: the sum of squares of 'kostnad' per person is not known, so no "
        "interval; analyse the rows to get one",
        {"column": "kostnad"},
    ),
    "aggregated_cluster": (
        "pre-aggregated input with cluster 'anstalt': the persons behind each row's sum of "
        "'kostnad' are not known per cluster, so no interval; analyse the rows to get one",
        {"column": "kostnad", "cluster": "anstalt"},
    ),
    "cluster_not_given": (
        "ratio with cluster='anstalt': the interval needs the persons and 'kostnad' of every "
        "sex per cluster, which were not given; no interval",
        {"column": "kostnad", "cluster": "anstalt"},
    ),
}

# The modules that emit notes into the tables of analyse.
PRODUCERS = ("_estimate.py", "_adjust.py", "_flags.py", "_analyse.py", "_representation.py")


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


def _literals(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_codes_are_stable_snake_case() -> None:
    for code in NOTE_CODES:
        assert CODE.fullmatch(code), code


@pytest.mark.parametrize("lang", LANGS)
def test_every_code_has_a_template_with_its_placeholders_in_each_language(lang: str) -> None:
    templates = load_texts()[lang]["notes"]
    assert set(templates) == set(NOTE_CODES)
    for code, fields in NOTE_CODES.items():
        assert _fields(templates[code]) == fields, code
    # no two codes share their words
    assert len(set(templates.values())) == len(templates)


def test_english_words_are_the_former_ones_byte_for_byte() -> None:
    assert set(BEFORE) == set(NOTE_CODES)
    for code, (before, params) in BEFORE.items():
        assert gb.note_label(code, lang="en", **params) == before, code


def test_every_code_a_producer_emits_is_listed_and_every_listed_code_is_emitted() -> None:
    emitted: set[str] = set()
    for name in PRODUCERS:
        source = (PACKAGE / name).read_text(encoding="utf-8")
        called = set(re.findall(r'\bnote\(\s*"([^"]+)"', source))
        assert called <= set(NOTE_CODES), (name, called - set(NOTE_CODES))
        emitted |= _literals(PACKAGE / name) & set(NOTE_CODES)
    assert emitted == set(NOTE_CODES)


def test_swedish_words_are_given_for_a_note() -> None:
    assert gb.note_label("no_women") == "inga kvinnor i denna cell"
    assert gb.note_label("too_few_units_for_verdict", women=1, men=4, min_units=2) == (
        "för få enheter för en bedömning: 1 för kvinnor och 4 för män, där regeln kräver minst "
        "2 för vardera (FlagRule.min_units)"
    )


def test_unknown_code_wrong_parameters_and_unknown_language_are_errors() -> None:
    with pytest.raises(ValueError, match="no_women"):
        gb.note_label("no_woman")
    with pytest.raises(ValueError, match="takes the parameters"):
        gb.note_label("missing_factor_left_out")
    with pytest.raises(ValueError, match="takes the parameters"):
        gb.note_label("no_women", rows=3)
    with pytest.raises(ValueError, match="lang"):
        gb.note_label("no_women", lang="de")  # type: ignore[arg-type]


def test_a_parameter_cannot_break_the_internal_form() -> None:
    cell = "; ".join(
        [_notes.note("factor_one_level", name="'a; \x03b'"), _notes.note("few_persons")]
    )
    assert _notes.english(cell) == (
        "factor 'a; \x03b' has one level here and is left out; fewer than 2 persons: no interval"
    )
    assert _notes.codes(cell) == "factor_one_level; few_persons"
    with pytest.raises(AssertionError, match="not a note"):
        _notes.parse("fewer than 2 persons: no interval")


def _noted_result() -> gb.Result:
    """A result with many kinds of notes in each of its three note tables."""
    rng = np.random.default_rng(3)
    rows = 400
    data = pd.DataFrame(
        {
            "kon": rng.choice(["K", "M"], rows),
            "enhet": rng.choice(["A", "B", "C"], rows),
            "grupp": rng.choice(["x", "y"], rows),
            "a": rng.integers(0, 2, rows),
            "y": rng.gamma(2.0, 100.0, rows),
            "x": rng.integers(0, 5, rows).astype(float),
        }
    )
    # cell C holds men only, and one woman in cell B
    data.loc[data["enhet"] == "C", "kon"] = "M"
    data.loc[(data["enhet"] == "B") & (data["kon"] == "K"), "enhet"] = "A"
    data.loc[0, ["enhet", "kon"]] = ["B", "K"]
    data.loc[1, "kon"] = None
    measures = [gb.count(), gb.rate("a"), gb.mean("y"), gb.ratio("y", "x"), gb.total("y")]
    return gb.analyse(data, measures, sex="kon", by="enhet", justified="grupp")


@pytest.mark.parametrize("table", ["estimates", "comparisons", "representation"])
def test_note_and_note_codes_agree_in_every_row(table: str) -> None:
    result = _noted_result()
    frame = getattr(result, table)
    assert (frame["note_codes"] != "").any()
    english = result.notes(table, lang="en")  # type: ignore[arg-type]
    swedish = result.notes(table, lang="sv")  # type: ignore[arg-type]
    pd.testing.assert_series_equal(english, frame["note"], check_names=False)
    for note, codes, sv in zip(frame["note"], frame["note_codes"], swedish, strict=True):
        listed = codes.split("; ") if codes else []
        assert all(code in NOTE_CODES for code in listed)
        assert (note == "") == (codes == "") == (sv == "")
        # each code's words, in order, make up the note
        position = 0
        for code in listed:
            template = load_texts()["en"]["notes"][code]
            head = template.split("{")[0]
            found = note.find(head, position)
            assert found >= position, (code, note)
            position = found + len(head)


def test_result_notes_in_swedish_and_its_errors() -> None:
    data = pd.DataFrame({"kon": ["K", "M", "M", "M"], "y": [10.0, 20.0, 30.0, 25.0]})
    result = gb.analyse(data, gb.mean("y"), sex="kon")
    assert result.notes("estimates").tolist() == ["färre än 2 personer: inget intervall", ""]
    assert result.notes("estimates", lang="en").tolist() == list(result.estimates["note"])
    with pytest.raises(ValueError, match="table"):
        result.notes("exclusions")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lang"):
        result.notes(lang="de")  # type: ignore[arg-type]
    bare = gb.Result(
        result.estimates,
        result.comparisons,
        result.exclusions,
        result.accounting,
        result.resource_access,
        result.rows_in,
        result.settings,
    )
    with pytest.raises(ValueError, match="keeps no notes"):
        bare.notes()
