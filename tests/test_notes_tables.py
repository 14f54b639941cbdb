"""Notes of the plan, the decompositions and the allocation: codes, English and Swedish.

The plan of ``equalize``, the tables of ``oaxaca`` and ``decompose_cost`` and the notes of
``allocate`` carry their notes as stable codes next to the English words, like the tables
of ``analyse``; ``gb.word_notes`` and ``Allocation.word_notes`` word them in Swedish.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

import genderbudget as gb
from genderbudget import _notes
from genderbudget._texts import NOTE_CODES, load_texts

# --------------------------------------------------------------------------------------------
# Cases that drive the producers
# --------------------------------------------------------------------------------------------


def _people(seed: int, n_women: int = 120, n_men: int = 180) -> pd.DataFrame:
    """Persons with a work place (0/1), a cost, care-days and two factors, in two years."""
    rng = np.random.default_rng(seed)
    n = n_women + n_men
    women = np.r_[np.ones(n_women, dtype=bool), np.zeros(n_men, dtype=bool)]
    grupp = rng.choice(["a", "b", "c"], n)
    alder = rng.integers(20, 60, n).astype(float)
    return pd.DataFrame(
        {
            "kon": np.where(women, "K", "M"),
            "ar": rng.choice([2020, 2021], n),
            "enhet": rng.choice(["E1", "E2", "E3", "E4"], n),
            "grupp": grupp,
            "alder": alder,
            "arbete": (rng.random(n) < np.where(women, 0.4, 0.6)).astype(int),
            "utfall": 500.0 + 3.0 * alder + np.where(women, 60.0, 0.0) + rng.normal(0, 50, n),
            "kostnad": rng.gamma(4.0, 500.0, n),
            "varddygn": rng.integers(1, 30, n).astype(float),
        }
    )


def _plans() -> Iterator[pd.DataFrame]:
    """Plans with every note equalize writes that a small data set can reach."""
    rows = _people(1)
    # unknown sex, a missing outcome and a missing breakdown value
    rows.loc[0, "kon"] = None
    rows.loc[1, "arbete"] = None
    rows.loc[2, "ar"] = None
    yield gb.equalize(rows, "arbete", sex="kon", by="ar")
    yield gb.equalize(rows.loc[rows["kon"] != "M"], "arbete", sex="kon")  # women only
    yield gb.equalize(rows, "arbete", sex="kon", target=0.5)  # a given rate
    yield gb.equalize(rows, "arbete", sex="kon", budget_neutral=True)
    # one missing outcome: a single input row left out
    yield gb.equalize(
        _people(2).assign(arbete=lambda d: d["arbete"].where(d.index != 5)), "arbete", sex="kon"
    )
    # a missing justified factor
    missing = _people(3)
    missing.loc[missing.index[:4], "grupp"] = None
    yield gb.equalize(missing, "arbete", sex="kon", justified="grupp")
    # a factor that coincides with sex: no adjusted target, and why
    same = _people(4).assign(grupp=lambda d: d["kon"])
    yield gb.equalize(same, "arbete", sex="kon", justified=["grupp", "alder"])
    # pre-aggregated: a missing count; a ratio of one row per sex has no interval
    counts = (
        _people(5)
        .groupby(["kon", "ar"], as_index=False)
        .agg(arbete=("arbete", "sum"), antal=("arbete", "size"))
    )
    counts.loc[0, "antal"] = None
    yield gb.equalize(counts, "arbete", sex="kon", n="antal")
    hours = pd.DataFrame(
        {"kon": ["K", "M"], "timmar": [80.0, 100.0], "behovsdygn": [100.0, 100.0], "antal": [2, 2]}
    )
    need = gb.per_need("timmar", "behovsdygn")
    yield gb.equalize(hours, need, sex="kon", n="antal", target=1.2)
    # a clustered ratio with a missing unit
    wards = _people(6)
    wards.loc[3, "enhet"] = None
    clustered = gb.per_need("kostnad", "alder", days="varddygn", cluster="enhet")
    yield gb.equalize(wards, clustered, sex="kon")


def _decompositions() -> Iterator[pd.DataFrame]:
    """Decompositions with every kind of note oaxaca and decompose_cost write."""
    rows = _people(11)
    unknown = rows.assign(kon=lambda d: d["kon"].where(d.index >= 3))
    yield gb.oaxaca(unknown, "utfall", sex="kon", justified=["alder", "grupp"])
    yield gb.decompose_cost(unknown, "kostnad", "varddygn", sex="kon", justified=["grupp"])
    # no women in 2021, a missing factor, a factor with one value
    cells = rows.loc[(rows["ar"] == 2020) | (rows["kon"] == "M")].assign(konstant=1.0)
    cells.loc[cells.index[:2], "grupp"] = None
    yield gb.oaxaca(cells, "utfall", sex="kon", by="ar", justified=["grupp", "konstant"])
    # a category only men have; with reference="women" the explained part is not identified
    only_men = rows.assign(
        grupp=lambda d: d["grupp"].where((d["kon"] == "M") | (d["grupp"] != "c"), "a")
    )
    yield gb.oaxaca(only_men, "utfall", sex="kon", justified=["alder", "grupp"], reference="women")
    # a factor constant for women: its unexplained part is not identified
    constant = rows.assign(alder=lambda d: d["alder"].where(d["kon"] == "M", 30.0))
    yield gb.oaxaca(constant, "utfall", sex="kon", justified=["alder", "grupp"])
    # factors that coincide with sex, alone and together
    yield gb.oaxaca(rows.assign(grupp=rows["kon"]), "utfall", sex="kon", justified="grupp")
    together = rows.assign(
        x1=lambda d: np.where(d["kon"] == "K", d["alder"], 0.0),
        x2=lambda d: np.where(d["kon"] == "K", 0.0, d["alder"]),
        x3=lambda d: np.where(d["kon"] == "K", 1.0, 0.0) + 0.0 * d["alder"],
    )
    yield gb.oaxaca(together, "utfall", sex="kon", justified=["x1", "x2", "x3"])
    # no gap; pre-aggregated without summed squares
    flat = rows.assign(utfall=100.0)
    yield gb.oaxaca(flat, "utfall", sex="kon", justified=["grupp"])
    sums = rows.groupby(["kon", "grupp"], as_index=False).agg(
        summa=("utfall", "sum"), antal=("utfall", "size")
    )
    yield gb.oaxaca(sums, "summa", n="antal", sex="kon", justified="grupp")
    # cost: no cluster; one unit; a unit whose absence leaves no women
    yield gb.decompose_cost(rows, "kostnad", "varddygn", sex="kon", justified=["grupp"])
    one = rows.assign(enhet="E1")
    yield gb.decompose_cost(
        one, "kostnad", "varddygn", sex="kon", justified="grupp", cluster="enhet"
    )
    lone = rows.assign(enhet=lambda d: d["enhet"].where(d["kon"] == "M", "Ek"))
    yield gb.decompose_cost(
        lone, "kostnad", "varddygn", sex="kon", justified="grupp", cluster="enhet"
    )
    # no men in 2021; categories only women have; rows missing a value, unit or breakdown
    women_only = rows.loc[(rows["ar"] == 2020) | (rows["kon"] == "K")]
    women_only = women_only.assign(
        grupp=lambda d: d["grupp"].where((d["kon"] == "K") | (~d["grupp"].isin(["b", "c"])), "a")
    )
    women_only.loc[women_only.index[0], "kostnad"] = None
    women_only.loc[women_only.index[1], "enhet"] = None
    women_only.loc[women_only.index[2:4], "ar"] = None
    yield gb.decompose_cost(
        women_only, "kostnad", "varddygn", sex="kon", by="ar", justified="grupp", cluster="enhet"
    )
    # two factors whose difference tells women from men
    linear = rows.assign(x2=lambda d: d["alder"] + (d["kon"] == "K"))
    yield gb.oaxaca(linear, "utfall", sex="kon", justified=["alder", "x2"])
    # no one of known sex
    yield gb.oaxaca(rows.assign(kon=None), "utfall", sex="kon", justified="grupp")


def _walk(found: tuple[_notes.Note, ...]) -> Iterator[str]:
    """Every code of some notes, those inside their parameters included."""
    for n in found:
        yield n.code
        for value in n.params.values():
            if isinstance(value, dict):
                yield from _walk(_notes.parse(value["notes"]))


def _codes(table: pd.DataFrame) -> set[str]:
    kept = table.attrs[_notes.ATTRS_KEY]
    return {code for cell in kept.values() for code in _walk(_notes.parse(cell))}


# --------------------------------------------------------------------------------------------
# Every code, its English and its Swedish
# --------------------------------------------------------------------------------------------


# The codes the cases above produce, in the notes or inside them. Some codes are left to
# the wording tests (test_notes.py): their data are hard to make small (a fit that fails
# without a reason, a replicate of the jackknife that meets collinear factors).
REACHED = {
    "input_row_not_counted_in_plan",
    "input_rows_not_counted_in_plan",
    "missing_value_in_column",
    "missing_breakdown_in_column",
    "missing_count_in_column",
    "missing_unit_in_column",
    "other_sex_disadvantaged",
    "sex_unknown_no_target",
    "sexes_not_both_present_no_target",
    "at_or_beyond_target",
    "gives_up_places",
    "missing_factor_current_level",
    "no_adjusted_target",
    "no_interval_for_needed",
    # reasons taken over from analyse's notes
    "degenerate_levels_set_aside",
    "factor_coincides_with_sex",
    "few_units",
    # decompositions
    "unknown_sex_persons_left_out",
    "unknown_sex_rows_left_out",
    "decomposition_no_cluster",
    "decomposition_factor_one_level",
    "decomposition_no_women",
    "decomposition_no_men",
    "decomposition_no_women_no_men",
    "left_out_before_decomposition",
    "rows_missing_factor",
    "rows_missing_breakdown",
    "row_missing_unit",
    "row_missing_value",
    "category_absent_in_group",
    "category_only_for_men",
    "categories_only_for_women",
    "group_women",
    "totals_not_identified",
    "inseparable_from_intercept",
    "parts_not_identified",
    "unexplained_part_of_factor",
    "unexplained_part_of_intercept",
    "factor_categories_coincide_with_sex",
    "factor_values_coincide_with_sex",
    "factors_coincide_with_sex",
    "no_gap_shares_undefined",
    "decomposition_no_sum_sq",
    "jackknife_one_unit",
    "jackknife_gaps_unit",
}
TABLES = {"plan": _plans, "decomposition": _decompositions}
# Words of the English templates that are also Swedish ("cell", "man", "total"), names of
# the library that both languages use (options, NaN), and the values of the component and
# factor columns of a decomposition, by which a note names its rows ("explained grupp").
SHARED_WORDS = {
    "cell",
    "man",
    "total",
    "cluster",
    "reference",
    "jackknife",
    "NaN",
    "sum_sq",
    "gap",
    "explained",
    "unexplained",
    "intercept",
}


def test_the_cases_produce_the_listed_codes_and_each_is_worded_in_both_languages() -> None:
    found: set[str] = set()
    for make in TABLES.values():
        for table in make():
            found |= _codes(table)
    assert found == REACHED
    for lang in ("sv", "en"):
        templates = load_texts()[lang]["notes"]
        assert all(templates.get(code) for code in found)
    assert found <= set(NOTE_CODES)


@pytest.mark.parametrize("kind", list(TABLES))
def test_note_codes_follow_note_and_agree_with_it_in_every_row(kind: str) -> None:
    noted = 0
    for table in TABLES[kind]():
        columns = list(table.columns)
        assert columns.index("note_codes") == columns.index("note") + 1
        english = gb.word_notes(table, lang="en")
        swedish = gb.word_notes(table)
        pd.testing.assert_series_equal(english, table["note"], check_names=False)
        kept = table.attrs[_notes.ATTRS_KEY]
        for label, note, codes, sv in zip(
            table.index, table["note"], table["note_codes"], swedish, strict=True
        ):
            found = _notes.parse(kept.get(label))
            assert codes == "; ".join(n.code for n in found)
            assert note == _notes.render(found, "en")
            assert (note == "") == (codes == "") == (sv == "")
            assert sv == _notes.render(found, "sv")
            if note:
                noted += 1
                assert sv != note
    assert noted > 0


def _english_words() -> set[str]:
    words: set[str] = set()
    for template in load_texts()["en"]["notes"].values():
        literal = "".join(text for text, _, _, _ in string.Formatter().parse(template))
        words |= set(re.findall(r"[A-Za-z_]{3,}", literal))
    return words - SHARED_WORDS


def _swedish_words(text: str) -> set[str]:
    # values of the data and of the options are quoted, or stand after "="
    text = re.sub(r"'[^']*'|=\S+", " ", text)
    return set(re.findall(r"[A-Za-z_åäöÅÄÖ]{3,}", text))


@pytest.mark.parametrize("kind", list(TABLES))
def test_swedish_notes_hold_no_english_words(kind: str) -> None:
    english = _english_words()
    for table in TABLES[kind]():
        for text in gb.word_notes(table):
            assert not _swedish_words(text) & english, text


def test_word_notes_keeps_to_the_rows_selected_and_refuses_rows_it_cannot_know() -> None:
    plan = next(_plans())
    men = plan.loc[plan["sex"] == "men"]
    assert gb.word_notes(men).tolist() == gb.word_notes(plan).loc[men.index].tolist()
    # a reordered index no longer matches the notes kept: codes with values cannot be worded
    shuffled = plan.iloc[::-1].reset_index(drop=True)
    with pytest.raises(ValueError, match=r"rows.*input_rows_not_counted_in_plan.*reset_index"):
        gb.word_notes(shuffled)
    # codes without values are worded from note_codes alone, e.g. after reading a file
    bare = pd.DataFrame(
        {
            "note": ["sex unknown: not part of any target", ""],
            "note_codes": ["sex_unknown_no_target", ""],
        }
    )
    assert gb.word_notes(bare).tolist() == ["kön okänt: ingår inte i något mål", ""]
    with pytest.raises(ValueError, match="'note_codes' column"):
        gb.word_notes(plan.drop(columns="note_codes"))
    with pytest.raises(ValueError, match="lang"):
        gb.word_notes(plan, lang="de")  # type: ignore[arg-type]


def test_word_notes_of_a_result_table_are_those_of_result_notes() -> None:
    rows = _people(21)
    rows.loc[0, "kon"] = None
    result = gb.analyse(rows, [gb.rate("arbete"), gb.total("kostnad")], sex="kon", by="ar")
    for table in ("estimates", "comparisons", "representation"):
        frame = getattr(result, table)
        pd.testing.assert_series_equal(gb.word_notes(frame), result.notes(table))  # type: ignore[arg-type]


def test_a_long_list_says_how_many_more_in_each_language() -> None:
    params = {"categories": [repr(c) for c in "abcdefgh"], "factor": "'g'", "common": ["'x'"]}
    sv = gb.note_label("categories_only_for_men", **params)
    en = gb.note_label("categories_only_for_men", lang="en", **params)
    assert sv.startswith("kategorierna 'a', 'b', 'c', 'd', 'e', 'f' och 2 till av 'g' ")
    # the English keeps the words the module wrote before it had codes
    assert en.startswith("categories 'a', 'b', 'c', 'd', 'e', 'f' and 2 more of 'g' ")


# --------------------------------------------------------------------------------------------
# Allocation
# --------------------------------------------------------------------------------------------


def _allocation(**options: object) -> gb.Allocation:
    costs = pd.DataFrame(
        {"ar": [2021, 2021, 2022], "objekt": ["A", "B", "A"], "kostnad": [100.004, 200.0, 300.003]}
    )
    drivers = pd.DataFrame(
        {
            "ar": [2021, 2021, 2021, 2022, 2022],
            "objekt": ["A", "A", "B", "A", "A"],
            "kon": ["K", "M", "K", "K", "M"],
            "antal": [1, 3, 2, 1, 1],
        }
    )
    return gb.allocate(
        costs,
        drivers,
        cost_object="objekt",
        amount="kostnad",
        sex="kon",
        driver="antal",
        **options,  # type: ignore[arg-type]
    )


def test_allocation_notes_have_codes_and_swedish_words() -> None:
    pools = pd.DataFrame({"ar": [2021], "objekt": ["IT"], "kostnad": [10.001]})
    result = _allocation(by="ar", overhead=pools)
    assert result.note_codes == (
        "amounts_sub_ore_rounded_per_cell",
        "amount_sub_ore_rounded_per_cell",
    )
    assert result.word_notes(lang="en") == result.notes
    assert result.notes[1] == (
        "1 amount in column 'kostnad' of overhead had fractions of an öre; they were rounded to "
        "whole öre by the largest-remainder rule, so the total of each ar is kept to the nearest "
        "öre (the largest change to one amount: 0.10 öre)."
    )
    assert result.word_notes() == (
        "2 belopp i kolumnen 'kostnad' i tabellen 'costs' hade delar av ett öre; de avrundades "
        "till hela ören med största-restmetoden, så summan för varje ar stämmer på öret när "
        "(den största ändringen av ett belopp: 0,40 öre).",
        "1 belopp i kolumnen 'kostnad' i tabellen 'overhead' hade delar av ett öre; det "
        "avrundades till hela ören med största-restmetoden, så summan för varje ar stämmer på "
        "öret när (den största ändringen av ett belopp: 0,10 öre).",
    )
    plain = _allocation().note_codes
    assert plain == ("amounts_sub_ore_rounded",)


def test_allocation_without_notes_and_its_errors() -> None:
    whole = _allocation().table.assign(amount=lambda d: d["amount"].round(2))
    assert len(whole)
    costs = pd.DataFrame({"objekt": ["A"], "kostnad": [100.0]})
    drivers = pd.DataFrame({"objekt": ["A", "A"], "kon": ["K", "M"], "antal": [1, 1]})
    result = gb.allocate(
        costs, drivers, cost_object="objekt", amount="kostnad", sex="kon", driver="antal"
    )
    assert result.notes == result.note_codes == result.word_notes() == ()
    with pytest.raises(ValueError, match="lang"):
        result.word_notes(lang="de")  # type: ignore[arg-type]
    noted = _allocation()
    bare = gb.Allocation(
        noted.table, noted.totals, noted.sensitivity, noted.overhead, noted.settings, noted.notes
    )
    with pytest.raises(ValueError, match="keeps no notes"):
        bare.word_notes()


def test_notes_inside_a_note_are_worded_in_its_language_and_joined_as_asked() -> None:
    parts = [_notes.note("explained_part_of_factor", factor="'a'"), _notes.note("no_men")]
    for join, english in (
        ("list", "the explained part of 'a' and no men in this cell"),
        (", ", "the explained part of 'a', no men in this cell"),
    ):
        cell = _notes.note("no_adjusted_target", reason=_notes.inner(parts, join))
        assert _notes.english(cell) == f"no adjusted target: {english}"
    cell = _notes.note("no_adjusted_target", reason=_notes.inner(parts))
    assert _notes.render(_notes.parse(cell), "sv") == (
        "inget justerat mål: den förklarade delen för 'a'; inga män i denna cell"
    )
    assert _notes.codes(cell) == "no_adjusted_target"
    with pytest.raises(AssertionError, match="joined with one of"):
        _notes.inner(parts, " and ")
