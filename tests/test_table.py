"""Display tables (``genderbudget._table``): ``gb.table`` (great_tables) and ``gb.formatted``.

The formatted content of the Kriminalvården tables, in Swedish and English, is kept as
syrupy snapshots in ``tests/__snapshots__/test_table.ambr``. The HTML of a ``GT`` carries a
random id per table, so the HTML is checked by targeted assertions instead. To accept a
deliberate change of wording or formatting::

    python -m pytest tests/test_table.py --snapshot-update
    git diff tests/__snapshots__/
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd
import pytest
from builders import PRISON_COST as COST
from builders import PRISON_JUSTIFIED as JUSTIFIED
from builders import PRISON_WORK as WORK
from great_tables import GT
from syrupy.assertion import SnapshotAssertion

import genderbudget as gb
from genderbudget._table import interval
from genderbudget._texts import flag_label

NNBSP = "\u202f"  # narrow no-break space: the Swedish thousands separator
FLAGS = ("unexplained_gap", "explained_gap", "no_gap", "insufficient_data", "not_assessed")
ENGLISH = {"kostnad_per_varddygn": "cost per care-day", "arbetsdrift": "in work", "ar": "year"}


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return gb.datasets.load_kriminalvarden()


@pytest.fixture(scope="module")
def result(data: pd.DataFrame) -> gb.Result:
    return gb.analyse(data, [COST, WORK], sex="kon", by="ar", justified=JUSTIFIED)


@pytest.fixture(scope="module")
def allocation() -> gb.Allocation:
    costs = gb.datasets.load_pension_costs().query("ar == 2021 and typ == 'förmån'")
    drivers = gb.datasets.load_pension_drivers().query("ar == 2021")
    return gb.allocate(
        costs,
        drivers,
        cost_object="kostnadsobjekt",
        amount="kostnad",
        sex="kon",
        driver=["mottagare", "arenden"],
        persons="mottagare",
    )


def _text(gt: GT) -> str:
    """The HTML of a table with entities decoded, for assertions on what a reader sees."""
    return html.unescape(gt.as_raw_html())


# --- snapshots ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["estimates", "comparisons", "representation"])
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_kriminalvarden_tables_match_their_snapshots(
    result: gb.Result, kind: str, lang: Any, snapshot: SnapshotAssertion
) -> None:
    labels = ENGLISH if lang == "en" else {"ar": "år"}
    frame = gb.formatted(result, kind, lang=lang, labels=labels)
    assert frame.to_csv(sep="|", index=False) == snapshot


def test_plan_follow_up_and_allocation_match_their_snapshots(
    data: pd.DataFrame, result: gb.Result, allocation: gb.Allocation, snapshot: SnapshotAssertion
) -> None:
    plan = gb.equalize(result, "arbetsdrift", justified=JUSTIFIED, unit_cost=250_000)
    follow = gb.follow_up(result, WORK, time="ar")
    frames = {
        "plan": gb.formatted(plan),
        "follow_up": gb.formatted(follow, measures=[WORK]),
        "totals": gb.formatted(allocation),
        "table": gb.formatted(allocation, "table", lang="en"),
        "sensitivity": gb.formatted(allocation, "sensitivity"),
    }
    assert {name: f.to_csv(sep="|", index=False) for name, f in frames.items()} == snapshot


# --- numbers ------------------------------------------------------------------------------


def test_formatting_leaves_every_number_of_the_result_unchanged(data: pd.DataFrame) -> None:
    result = gb.analyse(data, [COST, WORK], sex="kon", by="ar", justified=JUSTIFIED)
    before = {
        name: getattr(result, name).copy(deep=True)
        for name in ("estimates", "comparisons", "representation", "exclusions", "accounting")
    }
    for kind in ("estimates", "comparisons", "representation"):
        gb.formatted(result, kind)
        result.table(kind, lang="en", title="T", source="S", synthetic=True).as_raw_html()
    for name, frame in before.items():
        pd.testing.assert_frame_equal(getattr(result, name), frame, check_exact=True)


def test_formatting_leaves_a_plan_and_a_follow_up_frame_unchanged(result: gb.Result) -> None:
    plan = gb.equalize(result, "arbetsdrift", unit_cost=250_000)
    follow = gb.follow_up(result, time="ar")
    plan_before, follow_before = plan.copy(deep=True), follow.copy(deep=True)
    gb.table(plan, suppressed=plan[["n"]] < 20).as_raw_html()
    gb.formatted(follow, measures=[COST, WORK])
    pd.testing.assert_frame_equal(plan, plan_before, check_exact=True)
    pd.testing.assert_frame_equal(follow, follow_before, check_exact=True)


def test_cells_hold_the_result_numbers_formatted_by_hand(result: gb.Result) -> None:
    frame = gb.formatted(result, "estimates", measures=["kostnad_per_varddygn"])
    women_2016 = frame.iloc[0]
    # estimates row 0: women 2016, 249 persons, 3986.47 kr, CR2 interval 2782.81–5190.14
    assert list(women_2016) == [
        "2016",
        "Kvinnor",
        "249",
        f"3{NNBSP}986 kr",
        f"2{NNBSP}783–5{NNBSP}190",
    ]
    # Totalt of 2016: 249 women + 3 964 men + 11 of unknown sex = 4 224 persons
    assert list(frame.iloc[3][["Kön", "Antal"]]) == ["Totalt", f"4{NNBSP}224"]
    assert frame.iloc[3]["Skattning"] == ""  # a cost per care-day does not add up


def test_rates_in_percent_and_their_differences_in_percentage_points(result: gb.Result) -> None:
    frame = gb.formatted(result, "comparisons", measures=[WORK])
    first = frame.iloc[0]
    # 2016: 42.17 % of women against 57.42 % of men, women − men −15.25 points
    assert first["Kvinnor"] == "42,2 %"
    assert first["Män"] == "57,4 %"
    assert first["Skillnad kvinnor − män"] == "−15,2 procentenheter"
    assert first["KI efter Holms korrigering"] == "−24,1 till −5,9"
    assert first["Justerat p-värde"] == "< 0,001"


def test_swedish_numbers_have_a_decimal_comma_and_no_decimal_point(result: gb.Result) -> None:
    for kind in ("estimates", "comparisons", "representation"):
        cells = gb.formatted(result, kind).to_numpy().ravel()
        assert not [c for c in cells if re.search(r"\d\.\d", str(c))], kind
        assert any(re.search(r"\d,\d", str(c)) for c in cells), kind
    assert not re.search(r"\d \d{3}(?!\d)", gb.formatted(result, "representation").to_string())


def test_flags_are_the_language_files_words(result: gb.Result) -> None:
    column = gb.formatted(result)["Bedömning"]
    swedish = {flag_label(flag, lang="sv") for flag in FLAGS}
    assert set(column) <= swedish
    assert "skillnad som kan vara osaklig" in set(column)
    english = gb.formatted(result, lang="en")["Verdict"]
    assert "difference that may be unjustified" in set(english)


def test_english_words_and_numbers(result: gb.Result) -> None:
    frame = gb.formatted(result, "estimates", measures=[WORK, COST], lang="en")
    assert list(frame.columns) == ["Measure", "ar", "Sex", "Number", "Estimate", "95% CI"]
    assert set(frame["Sex"]) == {"Women", "Men", "Unknown", "Total"}
    assert "42.2%" in set(frame["Estimate"])
    assert "3,986 SEK" in set(frame["Estimate"])  # the Swedish currency word, in English
    assert list(dict.fromkeys(frame["Measure"])) == ["I arbetsdrift", "Kostnad per vårddygn"]
    comparisons = gb.formatted(result, measures=[WORK], lang="en")
    assert comparisons["Difference women − men"].iloc[0] == "−15.2 percentage points"


def test_children_are_girls_and_boys(result: gb.Result) -> None:
    frame = gb.formatted(result, "estimates", measures=[WORK], words="children")
    assert list(frame["Kön"].iloc[:4]) == ["Flickor", "Pojkar", "Okänt", "Totalt"]
    assert "Kvot flickor/pojkar" in gb.formatted(result, words="children").columns


def test_user_labels_name_measures_and_columns(result: gb.Result) -> None:
    labels = {"kostnad_per_varddygn": "Kostnad per klient", "ar": "År", "ci": "Intervall"}
    frame = gb.formatted(result, labels=labels)
    assert list(frame.columns[:2]) == ["Mått", "År"]
    assert "Intervall" in frame.columns
    assert frame["Mått"].iloc[0] == "Kostnad per klient"
    text = _text(result.table(labels=labels))
    assert "Kostnad per klient" in text and "Intervall" in text and ">År<" in text


def test_columns_choose_and_order_what_is_shown(result: gb.Result) -> None:
    frame = gb.formatted(result, measures=[WORK], columns=["flag", "ratio", "n_women"])
    assert list(frame.columns) == ["ar", "Bedömning", "Kvot kvinnor/män", "Antal kvinnor"]
    assert frame["Antal kvinnor"].iloc[0] == "249"


def test_notes_are_worded_in_the_language() -> None:
    data = pd.DataFrame({"kon": ["K", "M", "M", "M"], "y": [10.0, 20.0, 30.0, 25.0]})
    result = gb.analyse(data, gb.mean("y"), sex="kon")
    swedish = gb.formatted(result, "estimates")
    english = gb.formatted(result, "estimates", lang="en")
    assert swedish["Anmärkning"].iloc[0] == "färre än 2 personer: inget intervall"
    assert english["Note"].iloc[0] == "fewer than 2 persons: no interval"
    assert english["95% CI"].iloc[0] == "–"  # the language file's missing-value sign


def test_the_note_column_is_left_out_when_no_row_has_a_note(result: gb.Result) -> None:
    assert "Anmärkning" not in gb.formatted(result, "estimates").columns
    assert "Anmärkning" in gb.formatted(result, "estimates", columns=["sex", "note"]).columns


# --- the great_tables table ---------------------------------------------------------------


def test_the_table_is_a_gt_with_title_source_and_swedish_cells(result: gb.Result) -> None:
    gt = result.table(
        "estimates", title="Kostnad och arbetsdrift", source="Kriminalvården", synthetic=True
    )
    assert isinstance(gt, GT)
    text = _text(gt)
    assert "Kostnad och arbetsdrift" in text
    assert "Källa: Kriminalvården (syntetiska data, inte verkliga uppgifter)." in text
    for word in ("Kvinnor", "Män", "Okänt", "Totalt", "95 % KI", "Kostnad per vårddygn"):
        assert f">{word}<" in text, word
    assert f">3{NNBSP}986 kr<" in text
    assert f">2{NNBSP}783–5{NNBSP}190<" in text


def test_the_comparisons_table_says_which_intervals_are_corrected(result: gb.Result) -> None:
    text = _text(gb.table(result))
    assert "KI efter Holms korrigering" in text
    assert "utesluter 0 precis när det justerade p-värdet är under 0,05" in text
    assert ">&lt; 0,001<" in gb.table(result).as_raw_html()  # escaped, shown as "< 0,001"


def test_the_english_table(result: gb.Result) -> None:
    text = _text(result.table(lang="en", synthetic=True, labels=ENGLISH))
    assert "Synthetic data, not real records." in text
    assert ">Cost per care-day<" in text and ">year<" in text
    assert ">3,986 SEK<" in text and "Holm's correction" in text


def test_without_source_or_synthetic_there_is_no_source_note(result: gb.Result) -> None:
    text = _text(result.table("estimates"))
    assert "Källa" not in text and "yntetiska" not in text


# --- suppression --------------------------------------------------------------------------


def test_suppressed_cells_show_the_sign_and_the_rest_is_unchanged(result: gb.Result) -> None:
    estimates = result.estimates
    small = estimates["n"] < 20
    mask = pd.DataFrame({c: small for c in ("n", "estimate", "ci_low", "ci_high")})
    plain = gb.formatted(result, "estimates")
    hidden = gb.formatted(result, "estimates", suppressed=mask)
    unknown = plain["Kön"] == "Okänt"  # 6 to 11 persons of unknown sex a year
    assert (hidden.loc[unknown, ["Antal", "Skattning", "95 % KI"]] == "..").all().all()
    pd.testing.assert_frame_equal(hidden.loc[~unknown], plain.loc[~unknown])
    assert ">..<" in _text(result.table("estimates", suppressed=mask))
    # a cell is hidden when a number it shows is marked: the interval needs its own marks
    only_n = gb.formatted(result, "estimates", suppressed=mask[["n"]])
    assert (only_n.loc[unknown, "Antal"] == "..").all()
    assert (only_n.loc[unknown, "Skattning"] != "..").all()


def test_a_mask_with_nothing_marked_changes_nothing(result: gb.Result) -> None:
    mask = result.comparisons[["difference", "women"]].notna() & False
    pd.testing.assert_frame_equal(gb.formatted(result, suppressed=mask), gb.formatted(result))


# --- other objects ------------------------------------------------------------------------


def test_allocation_totals_add_up_to_the_cost(allocation: gb.Allocation) -> None:
    frame = gb.formatted(allocation, measures=["mottagare"])
    total = frame.loc[frame["Kön"] == "Totalt"].iloc[0]
    # the benefit costs of 2021 sum to 1 202 408 441 kr (datasets.load_pension_costs)
    assert total["Belopp"] == f"1{NNBSP}202{NNBSP}408{NNBSP}441 kr"
    assert total["Andel"] == "100,0 %"


def test_a_follow_up_of_a_rate_needs_its_measure_to_show_percent(result: gb.Result) -> None:
    follow = gb.follow_up(result, "arbetsdrift", time="ar")
    assert gb.formatted(follow, measures=[WORK])["Kvinnor"].iloc[0] == "42,2 %"
    assert gb.formatted(follow)["Kvinnor"].iloc[0] == "0,42"


def test_a_ratio_plan_shows_amounts_not_percent() -> None:
    sis = gb.datasets.load_sis()
    need = gb.per_need("personaltimmar", "behov", days="varddygn", name="per_behov")
    plan = gb.equalize(sis, need, sex="kon", by="ar")
    rates = gb.formatted(plan)["Andel i dag"]
    assert not rates.str.contains("%").any()


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kind": "exclusions"}, "kind='exclusions' is not allowed. Allowed values: "),
        ({"measures": ["kostnad"]}, "measures='kostnad' is not allowed."),
        ({"labels": {"kostnad": "Kostnad"}}, "labels='kostnad' is not allowed."),
        ({"labels": {"ar": ""}}, "labels['ar'] must be a non-empty string"),
        ({"columns": ["estimate"]}, "columns='estimate' is not allowed."),
        ({"lang": "de"}, "lang='de' is not allowed."),
        ({"words": "youths"}, "words='youths' is not allowed."),
    ],
)
def test_bad_arguments_say_what_is_allowed(
    result: gb.Result, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        gb.formatted(result, **options)


def test_an_unknown_column_lists_the_known_ones(result: gb.Result) -> None:
    with pytest.raises(ValueError, match=r"'women', 'men', 'difference', 'ci'"):
        gb.table(result, columns=["p"])


def test_a_misaligned_or_non_boolean_mask_is_refused(result: gb.Result) -> None:
    estimates = result.estimates
    with pytest.raises(ValueError, match="index of the estimates table"):
        gb.formatted(result, "estimates", suppressed=(estimates[["n"]] < 20).iloc[:5])
    with pytest.raises(ValueError, match="suppressed column='antal' is not allowed"):
        gb.formatted(result, "estimates", suppressed=pd.DataFrame({"antal": estimates["n"] < 20}))
    numbers = pd.DataFrame({"n": estimates["n"]})
    with pytest.raises(ValueError, match=r"column 'n' holds '249', .* in 36 rows"):
        gb.formatted(result, "estimates", suppressed=numbers)
    with pytest.raises(TypeError, match="suppressed must be a DataFrame"):
        gb.formatted(result, "estimates", suppressed=estimates["n"] < 20)  # type: ignore[arg-type]


def test_objects_that_are_not_tables_are_refused(result: gb.Result) -> None:
    with pytest.raises(TypeError, match="got a DataFrame with columns"):
        gb.formatted(result.estimates)
    with pytest.raises(TypeError, match="got list"):
        gb.table([1, 2])  # type: ignore[arg-type]
    plan = gb.equalize(result, "arbetsdrift")
    message = r"kind='follow_up' is not allowed\. Allowed values: 'plan'"
    with pytest.raises(ValueError, match=message):
        gb.formatted(plan, "follow_up")


def test_interval_writes_a_negative_bound_out_and_a_missing_one_as_a_dash() -> None:
    assert interval(145.2, 1827.4, "sv", 0) == f"145–1{NNBSP}827"
    assert interval(-0.012, 0.05, "sv", 1, shift=2) == "−1,2 till 5,0"
    assert interval(-0.012, 0.05, "en", 1, shift=2) == "−1.2 to 5.0"
    assert interval(float("nan"), 3.0, "sv", 0) == "–"


def test_a_plan_shows_its_notes_in_the_table_language(result: gb.Result) -> None:
    plan = gb.equalize(result, "arbetsdrift", unit_cost=250_000)
    coded = plan["note_codes"] == "sex_unknown_no_target"
    assert coded.any()
    swedish = gb.formatted(plan, columns=["sex", "note"])
    english = gb.formatted(plan, columns=["sex", "note"], lang="en")
    first = plan.index[coded][0]
    # the same words as the language file has for the code, in each language
    assert swedish.loc[first].iloc[-1] == gb.note_label("sex_unknown_no_target", lang="sv")
    assert english.loc[first].iloc[-1] == plan.loc[first, "note"]


def test_a_total_that_would_show_a_hidden_cell_is_hidden_too() -> None:
    # Women's prisons A (2 women), B (20) and C (30), and a men's prison D (50 men). The 2
    # women of A are hidden (fewer than 3) and B's 20 with them, so that A cannot be found
    # from the women's total. A's and B's *Totalt* rows sum one non-empty row each (no men,
    # no unknown): they would show the hidden count, so they are hidden as well; C's, whose
    # row is shown, and D's stay.
    sizes = {"A": ("K", 2), "B": ("K", 20), "C": ("K", 30), "D": ("M", 50)}
    data = pd.DataFrame(
        [{"anstalt": prison, "kon": sex} for prison, (sex, n) in sizes.items() for _ in range(n)]
    )
    result = gb.analyse(data, gb.count(), sex="kon", by="anstalt")
    publication = gb.suppress(result)
    hidden = publication.estimates["suppressed"]
    assert set(result.estimates.loc[hidden, "anstalt"]) == {"A", "B"}
    mask = pd.DataFrame({column: hidden for column in ["n", "estimate", "ci_low", "ci_high"]})
    shown = gb.formatted(result, "estimates", suppressed=mask, columns=["sex", "n"])
    totals = shown.loc[shown.iloc[:, 1] == "Totalt"]
    assert totals.iloc[:, -1].tolist() == ["..", "..", "30", "50"]
    assert "2" not in shown.iloc[:, -1].tolist() and "20" not in shown.iloc[:, -1].tolist()


def test_the_same_table_gives_the_same_html(result: gb.Result) -> None:
    # great_tables draws a random id by default; a re-run notebook would change every table
    first = gb.table(result, "comparisons").as_raw_html()
    again = gb.table(result, "comparisons").as_raw_html()
    assert first == again
    assert gb.table(result, "estimates").as_raw_html() != first


def test_a_count_without_a_label_is_named_persons(data: pd.DataFrame) -> None:
    result = gb.analyse(data, [gb.count(), gb.count(name="intagna")], sex="kon", by="ar")
    swedish = gb.formatted(result, "estimates")
    english = gb.formatted(result, "estimates", lang="en")
    assert list(dict.fromkeys(swedish.iloc[:, 0])) == ["Antal personer", "Intagna"]
    assert list(dict.fromkeys(english.iloc[:, 0])) == ["Persons", "Intagna"]
