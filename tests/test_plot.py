"""The charts (``genderbudget._plot``): every kind renders, and the rules hold.

Structural checks read the drawn artists back (colours of the marks, tick labels, axis
limits, title, legend and caption), so they fail when a rule is broken. A few charts are
also compared with stored images in ``tests/baseline`` (matplotlib's ``compare_images``
with a small tolerance). To regenerate those images after an intended change of a chart:

    GENDERBUDGET_UPDATE_BASELINES=1 .venv/bin/python -m pytest tests/test_plot.py -k baseline

then look at the new PNG files before committing them.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from builders import PRISON_COST as COST
from builders import PRISON_JUSTIFIED as JUSTIFIED
from builders import PRISON_WORK as WORK
from builders import yearly_rates
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.testing.compare import compare_images

import genderbudget as gb
from genderbudget import _plot

mpl.use("Agg")

BASELINE = Path(__file__).parent / "baseline"
UPDATE = os.environ.get("GENDERBUDGET_UPDATE_BASELINES") == "1"
# Root-mean-square difference of the pixel values (0-255) that still counts as equal: room
# for anti-aliasing noise; changing one digit of the caption already gives about 2.7.
TOLERANCE = 1.0

WORK_EN = gb.rate("arbetsdrift", label="in work operations")
Chart = tuple[Figure, Axes]


@pytest.fixture(scope="module")
def prisons() -> pd.DataFrame:
    return gb.datasets.load_kriminalvarden()


@pytest.fixture(scope="module")
def result(prisons: pd.DataFrame) -> gb.Result:
    return gb.analyse(prisons, [COST, WORK], sex="kon", by="ar", justified=JUSTIFIED)


@pytest.fixture(scope="module")
def result_en(prisons: pd.DataFrame) -> gb.Result:
    return gb.analyse(prisons, WORK_EN, sex="kon", by="ar", justified=JUSTIFIED)


@pytest.fixture(scope="module")
def units(prisons: pd.DataFrame) -> gb.Result:
    return gb.analyse(prisons.query("ar == 2020"), [COST, WORK], sex="kon", by="anstalt")


@pytest.fixture(scope="module")
def totals(prisons: pd.DataFrame) -> gb.Result:
    return gb.analyse(prisons, gb.total("kostnad", label="kostnad"), sex="kon", by="ar")


@pytest.fixture(scope="module")
def allocation() -> gb.Allocation:
    costs = gb.datasets.load_pension_costs()
    drivers = gb.datasets.load_pension_drivers()
    return gb.allocate(
        costs[costs["typ"] == "förmån"],
        drivers,
        cost_object="kostnadsobjekt",
        amount="kostnad",
        sex="kon",
        by="ar",
        driver=["mottagare", "arenden", "kontakter"],
        overhead=costs[costs["typ"] == "gemensam"],
        overhead_key={"kundservice": "kontakter", "IT och ledning": "driver"},
        persons="mottagare",
    )


@pytest.fixture(scope="module")
def parts(prisons: pd.DataFrame) -> pd.DataFrame:
    data = prisons.assign(platser_inv=1 / prisons["platser"])
    return gb.decompose_cost(
        data,
        "kostnad",
        "varddygn",
        sex="kon",
        justified=["platser_inv", "sakerhetsklass"],
        categorical="sakerhetsklass",
        by="ar",
        cluster="anstalt",
    )


@pytest.fixture(scope="module")
def oaxaca_parts(prisons: pd.DataFrame) -> pd.DataFrame:
    return gb.oaxaca(
        prisons.query("ar == 2021"),
        "kostnad",
        sex="kon",
        justified="sakerhetsklass",
        categorical="sakerhetsklass",
    )


@pytest.fixture(scope="module")
def charts(
    result: gb.Result,
    units: gb.Result,
    totals: gb.Result,
    allocation: gb.Allocation,
    parts: pd.DataFrame,
    oaxaca_parts: pd.DataFrame,
) -> dict[str, Callable[..., Chart]]:
    follow = gb.follow_up(result, WORK.name, gap="adjusted", target_year=2020)
    return {
        "estimates": lambda **kw: result.plot("estimates", measure=WORK, **kw),
        "estimates_amount": lambda **kw: result.plot("estimates", measure=COST, **kw),
        "gaps": lambda **kw: result.plot("gaps", measure=WORK, **kw),
        "representation": lambda **kw: totals.plot("representation", **kw),
        "quadrant": lambda **kw: units.plot("quadrant", **kw),
        "follow_up": lambda **kw: gb.plot_follow_up(follow, WORK, **kw),
        "allocation": lambda **kw: gb.plot_allocation(allocation, **kw),
        "decompose_cost": lambda **kw: gb.plot_decomposition(parts, where={"ar": 2021}, **kw),
        "oaxaca": lambda **kw: gb.plot_decomposition(oaxaca_parts, **kw),
    }


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _caption(figure: Figure) -> str:
    return " ".join(t.get_text() for t in figure.texts if t.get_gid() == "caption")


def _title(axes: Axes) -> str:
    return axes.get_title(loc="left").replace("\n", " ")


def _legend(axes: Axes) -> list[str]:
    legend = axes.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend is not None else []


def _hex(colour: Any) -> str:
    return to_hex(colour, keep_alpha=False).upper()


# --- every chart renders -------------------------------------------------------------------

KINDS = [
    "estimates",
    "estimates_amount",
    "gaps",
    "representation",
    "quadrant",
    "follow_up",
    "allocation",
    "decompose_cost",
    "oaxaca",
]


@pytest.mark.parametrize("kind", KINDS)
def test_every_chart_renders_on_the_sample_data_and_leaves_no_pyplot_figure(
    charts: dict[str, Callable[..., Chart]], kind: str
) -> None:
    before = plt.get_fignums()
    figure, axes = charts[kind]()
    try:
        assert isinstance(figure, Figure)
        assert axes in figure.axes
        assert _png(figure).startswith(b"\x89PNG")
        assert _title(axes)
        # Not registered with pyplot: nothing to show, nothing left open.
        assert plt.get_fignums() == before == []
        assert tuple(figure.get_size_inches()) == _plot.FIGURE_SIZE
        assert figure.dpi == _plot.DPI
    finally:
        plt.close(figure)


def test_the_style_is_set_only_while_a_chart_is_drawn(
    charts: dict[str, Callable[..., Chart]],
) -> None:
    keys = ["font.family", "axes.facecolor", "axes.grid", "axes.edgecolor", "font.size"]
    before = {k: mpl.rcParams[k] for k in keys}
    figure, _ = charts["gaps"]()
    plt.close(figure)
    assert {k: mpl.rcParams[k] for k in keys} == before


# --- colours -------------------------------------------------------------------------------


def test_the_sex_colours_are_the_okabe_ito_orange_and_blue_pair() -> None:
    # Okabe & Ito (2008): orange (230, 159, 0) and blue (0, 114, 178).
    assert (_plot.WOMEN_COLOUR, _plot.MEN_COLOUR) == ("#E69F00", "#0072B2")
    assert dict(_plot.SEX_COLOURS) == {
        "women": "#E69F00",
        "men": "#0072B2",
        "unknown": "#999999",
    }


def test_estimates_draw_women_and_men_in_the_constant_pair(
    charts: dict[str, Callable[..., Chart]],
) -> None:
    figure, axes = charts["estimates_amount"]()
    plt.close(figure)
    colours = {
        c.get_label(): _hex(c.lines[0].get_color())
        for c in axes.containers
        if isinstance(c, ErrorbarContainer)
    }
    # The sample data have persons of unknown sex: drawn in grey.
    assert colours == {"Kvinnor": "#E69F00", "Män": "#0072B2", "Okänt": "#999999"}


def test_quadrant_points_are_coloured_by_sex(charts: dict[str, Callable[..., Chart]]) -> None:
    figure, axes = charts["quadrant"]()
    plt.close(figure)
    colours = {_hex(c) for collection in axes.collections for c in collection.get_facecolors()}
    assert {"#E69F00", "#0072B2"} <= colours <= {"#E69F00", "#0072B2", "#999999"}


@pytest.mark.parametrize("kind", ["representation", "allocation"])
def test_bars_are_coloured_by_sex(charts: dict[str, Callable[..., Chart]], kind: str) -> None:
    figure, axes = charts[kind]()
    plt.close(figure)
    colours = {_hex(bar.get_facecolor()) for bar in axes.patches}
    assert {"#E69F00", "#0072B2"} <= colours <= {"#E69F00", "#0072B2", "#999999"}


def test_gaps_are_coloured_by_flag(result: gb.Result) -> None:
    figure, axes = result.plot("gaps", measure=WORK)
    plt.close(figure)
    flags = result.comparisons.query("measure == 'arbetsdrift'")["flag"]
    markers = [line for line in axes.lines if line.get_marker() not in ("None", None, "")]
    colours = {_hex(line.get_color()) for line in markers}
    assert colours == {_plot.FLAG_COLOURS[f].upper() for f in set(flags)}


# --- axes ----------------------------------------------------------------------------------

YEAR = re.compile(r"^\d{4}$")


def test_follow_up_years_are_whole_number_ticks(charts: dict[str, Callable[..., Chart]]) -> None:
    figure, axes = charts["follow_up"]()
    plt.close(figure)
    assert list(axes.get_xticks()) == [2016, 2017, 2018, 2019, 2020, 2021]
    assert [t.get_text() for t in axes.get_xticklabels()] == [str(y) for y in range(2016, 2022)]


def test_years_stored_as_floats_still_give_whole_number_ticks() -> None:
    # Two years far apart: a default locator would put 2016.5 ... between them.
    table = yearly_rates([0.30, 0.50], [0.50, 0.50]).assign(ar=lambda d: d["ar"] * 1.0)
    table.loc[table["ar"] == 2017.0, "ar"] = 2019.0
    result = gb.analyse(table, gb.rate("y", label="med insats"), sex="kon", by="ar", n="n")
    figure, axes = gb.plot_follow_up(gb.follow_up(result), result.settings.measures[0])
    plt.close(figure)
    labels = [t.get_text() for t in axes.get_xticklabels()]
    assert labels == ["2016", "2019"]
    assert all(float(x).is_integer() for x in axes.get_xticks())


@pytest.mark.parametrize("kind", ["estimates", "gaps", "representation"])
def test_breakdown_years_are_labelled_without_decimals(
    charts: dict[str, Callable[..., Chart]], kind: str
) -> None:
    figure, axes = charts[kind]()
    plt.close(figure)
    ticks = axes.get_xticklabels() if kind == "representation" else axes.get_yticklabels()
    labels = [t.get_text() for t in ticks]
    assert sorted(labels) == [str(y) for y in range(2016, 2022)]
    assert all(YEAR.match(label) for label in labels)


@pytest.mark.parametrize(
    ("kind", "axis"),
    [
        ("estimates", "x"),
        ("estimates_amount", "x"),
        ("representation", "y"),
        ("quadrant", "x"),
        ("quadrant", "y"),
        ("allocation", "x"),
    ],
)
def test_share_level_and_amount_axes_start_at_zero(
    charts: dict[str, Callable[..., Chart]], kind: str, axis: str
) -> None:
    figure, axes = charts[kind]()
    plt.close(figure)
    low = axes.get_xlim()[0] if axis == "x" else axes.get_ylim()[0]
    assert low == 0.0


def test_decomposition_bars_start_at_zero(charts: dict[str, Callable[..., Chart]]) -> None:
    figure, axes = charts["decompose_cost"]()
    plt.close(figure)
    assert axes.patches
    assert all(bar.get_x() == 0.0 for bar in axes.patches)


def test_rates_are_drawn_in_percent(result: gb.Result) -> None:
    figure, axes = result.plot("estimates", measure=WORK)
    plt.close(figure)
    women = next(c for c in axes.containers if c.get_label() == "Kvinnor")
    drawn = sorted(women.lines[0].get_xdata())
    expected = result.estimates.query("measure == 'arbetsdrift' and sex == 'women'")
    assert drawn == pytest.approx(sorted(expected["estimate"] * 100))


@pytest.mark.parametrize(
    ("lang", "values", "expected"),
    [
        ("sv", [0.0, 0.5, 1.0], ["0,0", "0,5", "1,0"]),
        ("en", [0.0, 0.5, 1.0], ["0.0", "0.5", "1.0"]),
        ("sv", [0.0, 2000.0, 4000.0], ["0", "2\u202f000", "4\u202f000"]),
        ("sv", [-10.0, 0.0, 10.0], ["\u221210", "0", "10"]),
    ],
)
def test_tick_labels_use_the_language_number_format(
    lang: str, values: list[float], expected: list[str]
) -> None:
    assert _plot.NumberFormatter(lang).format_ticks(values) == expected  # type: ignore[arg-type]


def test_percent_ticks_have_a_decimal_comma_in_swedish() -> None:
    assert _plot.NumberFormatter("sv", 100.0).format_ticks([0.0, 0.025, 0.05]) == [
        "0,0",
        "2,5",
        "5,0",
    ]


# --- words ---------------------------------------------------------------------------------


def test_labels_and_titles_are_swedish_by_default(result: gb.Result) -> None:
    figure, axes = result.plot("gaps", measure=WORK)
    plt.close(figure)
    # Flags of the sample data: an unexplained gap to women's disadvantage in 2016-2019.
    flags = result.comparisons.query("measure == 'arbetsdrift'").set_index("ar")["flag"]
    assert [y for y, f in flags.items() if f == "unexplained_gap"] == [2016, 2017, 2018, 2019]
    assert _title(axes) == (
        "Kvinnor har lägre andel i arbetsdrift än män 2016–2019: skillnad som kan vara osaklig"
    )
    assert axes.get_xlabel() == "Skillnad kvinnor − män (procentenheter)"
    assert _legend(axes) == [
        "Skillnad som kan vara osaklig",
        "Ingen tydlig skillnad",
        "Rå skillnad",
        "Justerad skillnad",
    ]


def test_labels_and_titles_are_english_with_lang_en(result_en: gb.Result) -> None:
    figure, axes = result_en.plot("gaps", lang="en")
    plt.close(figure)
    assert _title(axes) == (
        "Women have a lower share in work operations than men in 2016–2019: difference "
        "that may be unjustified"
    )
    assert axes.get_xlabel() == "Difference women − men (percentage points)"
    assert _legend(axes)[0] == "Difference that may be unjustified"


def test_estimates_legend_and_axis_in_both_languages(result_en: gb.Result) -> None:
    figure, axes = result_en.plot("estimates")
    figure_en, axes_en = result_en.plot("estimates", lang="en")
    plt.close(figure)
    plt.close(figure_en)
    assert _legend(axes) == ["Kvinnor", "Män", "Okänt"]
    assert _legend(axes_en) == ["Women", "Men", "Unknown"]
    assert axes_en.get_xlabel() == "Share in work operations (%)"


def test_children_words_for_youths(prisons: pd.DataFrame) -> None:
    result = gb.analyse(prisons.query("ar == 2016"), WORK, sex="kon")
    figure, axes = result.plot("estimates", words="children")
    plt.close(figure)
    assert _legend(axes)[:2] == ["Flickor", "Pojkar"]
    assert _title(axes).startswith("Flickor har lägre andel i arbetsdrift än pojkar")


@pytest.fixture(scope="module")
def by_age(prisons: pd.DataFrame) -> gb.Result:
    return gb.analyse(prisons, WORK, sex="kon", by=["ar", "aldersgrupp"])


@pytest.mark.parametrize("kind", ["estimates", "gaps"])
def test_a_breakdown_chosen_with_where_is_named_once_in_the_title(
    by_age: gb.Result, kind: str
) -> None:
    figure, axes = by_age.plot(kind, where={"aldersgrupp": "18-24"})
    plt.close(figure)
    labels = [t.get_text() for t in axes.get_yticklabels()]
    # one row per year, labelled by the year alone: the age group is the same in every row
    assert sorted(labels) == [str(y) for y in range(2016, 2022)]
    assert _title(axes).count("18-24") == 1


def test_cell_labels_leave_out_only_the_breakdowns_with_one_value(by_age: gb.Result) -> None:
    figure, axes = by_age.plot("gaps", where={"ar": 2016})
    plt.close(figure)
    labels = [t.get_text() for t in axes.get_yticklabels()]
    ages = sorted(by_age.comparisons.loc[by_age.comparisons["ar"] == 2016, "aldersgrupp"])
    assert sorted(labels) == ages
    figure, axes = by_age.plot("gaps")
    plt.close(figure)
    labels = [t.get_text() for t in axes.get_yticklabels()]
    assert "2016 · 18-24" in labels


@pytest.mark.parametrize(
    ("women", "men", "expected"),
    [
        # 120 of 400 against 200 of 400 (hand count): a gap far beyond chance and materiality.
        ([0.30, 0.30], [0.50, 0.50], "Kvinnor har lägre andel med insats än män 2016–2017: "),
        ([0.50, 0.50], [0.30, 0.30], "Kvinnor har högre andel med insats än män 2016–2017: "),
        ([0.40, 0.40], [0.40, 0.40], "Andel med insats: ingen tydlig skillnad 2016–2017"),
    ],
)
def test_the_title_follows_the_direction_and_flag(
    women: list[float], men: list[float], expected: str
) -> None:
    table = yearly_rates(women, men)
    measure = gb.rate("y", label="med insats", direction="neutral")
    result = gb.analyse(table, measure, sex="kon", by="ar", n="n")
    figure, axes = result.plot("estimates")
    plt.close(figure)
    assert _title(axes).startswith(expected)


def test_the_follow_up_title_says_since_when_the_target_is_met(
    charts: dict[str, Callable[..., Chart]], result: gb.Result
) -> None:
    follow = gb.follow_up(result, WORK.name, gap="adjusted", target_year=2020)
    assert follow["first_met"].iloc[-1] == 2020
    figure, axes = charts["follow_up"]()
    plt.close(figure)
    assert _title(axes) == "Andel i arbetsdrift: målet nås sedan 2020"
    assert axes.get_xlabel() == "År"


def test_the_follow_up_title_says_when_the_target_is_not_met() -> None:
    table = yearly_rates([0.30, 0.30, 0.30], [0.50, 0.50, 0.50])
    measure = gb.rate("y", label="with support")
    result = gb.analyse(table, measure, sex="kon", by="ar", n="n")
    figure, axes = gb.plot_follow_up(gb.follow_up(result), measure, lang="en")
    plt.close(figure)
    assert _title(axes) == "Share with support: target not met in 2018"


def test_the_allocation_title_gives_the_range_of_womens_share(
    allocation: gb.Allocation,
) -> None:
    figure, axes = gb.plot_allocation(allocation, where={"ar": 2021})
    plt.close(figure)
    shares = allocation.totals.query("ar == 2021 and sex == 'women'")["share"] * 100
    low = f"{shares.min():.1f}".replace(".", ",")
    high = f"{shares.max():.1f}".replace(".", ",")
    assert _title(axes) == (
        f"Kvinnors andel av kostnaden är {low}–{high} % beroende på fördelningsnyckel 2021"
    )


def test_the_decomposition_title_gives_the_explained_share(parts: pd.DataFrame) -> None:
    figure, axes = gb.plot_decomposition(parts, where={"ar": 2021}, lang="en")
    plt.close(figure)
    row = parts.query("ar == 2021 and component == 'explained' and factor == '(total)'")
    share = round(float(row["share_of_gap"].iloc[0]) * 100)
    assert _title(axes) == (
        f"{share}% of the gap in kostnad/varddygn is explained by the justified factors in 2021"
    )


def test_the_representation_title_uses_the_last_cell(totals: gb.Result) -> None:
    figure, axes = totals.plot("representation")
    plt.close(figure)
    last = totals.representation.query("ar == 2021 and sex == 'women'").iloc[0]
    persons = f"{last['persons_share'] * 100:.1f}".replace(".", ",")
    resource = f"{last['resource_share'] * 100:.1f}".replace(".", ",")
    assert _title(axes) == (
        f"Kvinnor är {persons} % av personerna och har {resource} % av resursen 2021"
    )


def test_a_total_is_titled_by_its_direction_and_drawn_in_millions(
    prisons: pd.DataFrame,
) -> None:
    # Totals are recorded in full (flag not_assessed): the direction itself is the finding.
    measure = gb.total("kostnad", label="kostnad", unit="kr")
    result = gb.analyse(prisons.query("ar == 2020"), measure, sex="kon")
    women, men = result.comparisons[["women", "men"]].iloc[0]
    assert women < men
    figure, axes = result.plot("estimates")
    plt.close(figure)
    assert _title(axes) == "Kvinnor har lägre kostnad än män"
    assert axes.get_xlabel() == "Kostnad (miljoner kr)"
    drawn = next(c for c in axes.containers if c.get_label() == "Män").lines[0].get_xdata()
    assert drawn[0] == pytest.approx(men / 1e6)
    # No interval is drawn, so the caption does not speak of one.
    assert "konfidensintervall" not in _caption(figure)


# --- captions ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_caption_says_synthetic_data_when_asked(
    charts: dict[str, Callable[..., Chart]], kind: str
) -> None:
    figure, _ = charts[kind](synthetic=True, source="Kriminalvården")
    figure_en, _ = charts[kind](synthetic=True, lang="en")
    plain, _ = charts[kind]()
    for f in (figure, figure_en, plain):
        plt.close(f)
    assert "Syntetiska data" in _caption(figure)
    assert "Källa: Kriminalvården" in _caption(figure)
    assert "Synthetic data" in _caption(figure_en)
    assert "yntetisk" not in _caption(plain)
    assert "Källa" not in _caption(plain)


def test_the_caption_names_the_corrected_intervals(result: gb.Result) -> None:
    figure, _ = result.plot("gaps", measure=WORK)
    plt.close(figure)
    tests = int(result.comparisons["p_value"].notna().sum())
    assert tests == 12
    assert "Strecken visar konfidensintervall korrigerade för 12 jämförelser" in _caption(figure)


# --- errors --------------------------------------------------------------------------------


def test_an_unknown_kind_lists_the_kinds(result: gb.Result) -> None:
    with pytest.raises(ValueError, match=r"kind='pie' is not allowed.*'estimates', 'gaps'"):
        result.plot("pie", measure=WORK)  # type: ignore[arg-type]


def test_several_measures_need_measure(result: gb.Result) -> None:
    with pytest.raises(ValueError, match=r"several measures .*measure='kostnad_per_varddygn'"):
        result.plot("estimates")


def test_where_must_name_a_breakdown(result: gb.Result) -> None:
    with pytest.raises(ValueError, match=r"where= names 'anstalt', which is not a breakdown"):
        result.plot("estimates", measure=WORK, where={"anstalt": "A01"})


def test_where_that_selects_nothing_says_so(result: gb.Result) -> None:
    with pytest.raises(
        ValueError, match=r"leaves no rows .*\(0 of 18 rows\).*e\.g\. \{'ar': 2016\}"
    ):
        result.plot("estimates", measure=WORK, where={"ar": 1999})


def test_quadrant_needs_units_as_a_breakdown(prisons: pd.DataFrame) -> None:
    result = gb.analyse(prisons.query("ar == 2020"), [COST, WORK], sex="kon")
    with pytest.raises(ValueError, match=r"needs the units as a breakdown"):
        result.plot("quadrant")


def test_follow_up_with_several_series_needs_where() -> None:
    table = yearly_rates([0.3, 0.4], [0.5, 0.5])
    table = pd.concat([table.assign(region="A"), table.assign(region="B")])
    result = gb.analyse(table, gb.rate("y"), sex="kon", by=["region", "ar"], n="n")
    follow = gb.follow_up(result, time="ar")
    with pytest.raises(ValueError, match=r"holds 2 series .*where=\{'region': 'A'\}"):
        gb.plot_follow_up(follow)
    figure, axes = gb.plot_follow_up(follow, where={"region": "B"})
    plt.close(figure)
    assert [t.get_text() for t in axes.get_xticklabels()] == ["2016", "2017"]


def test_a_table_that_is_not_a_follow_up_is_named(result: gb.Result) -> None:
    with pytest.raises(ValueError, match=r"plot_follow_up\(\) needs a table with the columns"):
        gb.plot_follow_up(result.comparisons)


def test_an_unknown_cost_object_lists_the_known(allocation: gb.Allocation) -> None:
    with pytest.raises(ValueError, match=r"cost_object='okänd förmån' is not a cost object"):
        gb.plot_allocation(allocation, cost_object="okänd förmån")


# --- images --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["gaps", "follow_up", "allocation", "estimates_amount"])
def test_baseline_images(
    charts: dict[str, Callable[..., Chart]], kind: str, tmp_path: Path
) -> None:
    figure, _ = charts[kind](synthetic=True)
    expected = BASELINE / f"{kind}.png"
    if UPDATE:
        BASELINE.mkdir(exist_ok=True)
        figure.savefig(expected, metadata={"Software": None})
    actual = tmp_path / f"{kind}.png"
    figure.savefig(actual, metadata={"Software": None})
    plt.close(figure)
    assert expected.exists(), f"no baseline image {expected.name}; see the module docstring"
    assert compare_images(str(expected), str(actual), tol=TOLERANCE) is None
