"""The immutable result of :func:`genderbudget.analyse`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from genderbudget._cells import CellStats
from genderbudget._explain import Persons, explain, explain_together
from genderbudget._flags import FlagRule
from genderbudget._measures import Measure
from genderbudget._notes import Note, word
from genderbudget._options import check_choice, masked, renamed
from genderbudget._texts import LANGS, Lang

if TYPE_CHECKING:
    from great_tables import GT
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from genderbudget._plot import ChartKind

__all__ = ["Result", "Settings"]


@dataclass(frozen=True)
class Settings:
    """The options of one call of :func:`genderbudget.analyse`, as it used them.

    Attributes
    ----------
    sex : str
        The sex column.
    by : tuple of str
        The breakdown columns.
    n : str or None
        The count column of pre-aggregated input (None: one row per person).
    confidence : float
        Level of every interval.
    p_adjust : str
        Multiple-testing adjustment across the comparisons (``holm``, ``bonferroni``,
        ``fdr_bh`` or ``none``).
    justified : tuple of str
        The justified factors.
    adjustment : str
        How adjusted rate gaps were estimated (``model``, ``mantel-haenszel``,
        ``mantel-haenszel-corrected``).
    rule : FlagRule
        Significance level, materiality thresholds and minimum sizes of the flags.
    measures : tuple of Measure
        The measures, in the order of the tables.
    """

    sex: str
    by: tuple[str, ...] = ()
    n: str | None = None
    confidence: float = 0.95
    p_adjust: str = "holm"
    justified: tuple[str, ...] = ()
    adjustment: str = "model"
    rule: FlagRule = field(default_factory=FlagRule)
    measures: tuple[Measure, ...] = ()

    def measure(self, measure: Measure | str) -> Measure:
        """Return the measure of this call with the name of ``measure``.

        Raises
        ------
        ValueError
            The call had no measure of that name; the message lists the names it had.
        """
        name = measure.name if isinstance(measure, Measure) else measure
        for m in self.measures:
            if m.name == name:
                return m
        names = [m.name for m in self.measures]
        raise ValueError(UNKNOWN_MEASURE.format(name=masked(name), names=names))


NOTE_TABLES: tuple[str, ...] = ("estimates", "comparisons", "representation")
NO_NOTES = (
    "This result keeps no notes of its {table} table to word; analyse builds results that do."
)
UNKNOWN_MEASURE = "The result has no measure {name!r}; its measures are {names}."


@dataclass(frozen=True, repr=False)
class Result:
    """Full-precision tidy tables from one call of :func:`genderbudget.analyse`.

    The object is immutable: every table attribute returns a fresh copy, so changing a
    returned frame never changes the result. Numbers are never rounded or formatted here.

    Attributes
    ----------
    estimates : pandas.DataFrame
        One row per measure x breakdown cell x sex (``unknown`` included when present).
        Columns: ``measure, <by...>, sex, n, units, estimate, ci_low, ci_high, ci_method,
        confidence, share, note, note_codes``.
    comparisons : pandas.DataFrame
        One row per measure x breakdown cell, women vs men. Columns: ``measure, <by...>,
        n_women, n_men, units_women, units_men, women, men, difference, difference_ci_low,
        difference_ci_high, difference_se, difference_df, ratio, ratio_ci_low, ratio_ci_high,
        ci_method, confidence, p_value, test_method, p_adjusted, p_adjust_method,
        corrected_confidence, difference_corrected_ci_low, difference_corrected_ci_high,
        ratio_corrected_ci_low, ratio_corrected_ci_high, adjusted_difference, adjusted_ci_low,
        adjusted_ci_high, adjusted_se, adjusted_df, adjusted_p_value, adjusted_p_adjusted,
        adjusted_corrected_confidence, adjusted_corrected_ci_low, adjusted_corrected_ci_high,
        adjustment_method, e_value, e_value_ci, detectable_difference, flag, disadvantaged,
        note, note_codes``.

        ``difference`` is women − men, ``ratio`` is women / men. ``units_*`` count the
        clusters of a clustered ratio (else the persons, or rows, the interval treats as
        independent). ``difference_df`` and ``adjusted_df`` are the degrees of freedom of
        the t reference behind each interval and test (``inf`` for a normal reference), and
        ``difference_se`` and ``adjusted_se`` the standard errors behind the intervals (for
        the score interval of a rate difference, its half-width over the normal quantile).
        The ``*_corrected_*`` intervals are at the multiplicity-corrected level of each
        comparison and exclude 0 exactly when the corrected p-value is below the rule's
        ``alpha``. The adjusted columns hold the gap with the justified factors held equal
        (NaN, with the reason in ``adjustment_method`` or ``note``, when none are given or
        the model cannot be fitted). ``e_value`` and ``e_value_ci`` say how strong an
        undeclared factor would have to be to explain the gap the verdict rests on away
        (VanderWeele & Ding 2017), ``detectable_difference`` the smallest gap the test
        detects with 80 % power at the corrected level. ``flag`` is one of
        ``unexplained_gap, explained_gap, no_gap, insufficient_data, not_assessed`` and
        ``disadvantaged`` is ``women``, ``men`` or
        None.
    exclusions : pandas.DataFrame
        ``measure, column, reason, rows``: every input row a measure did not use.
    coding : pandas.DataFrame
        ``column, value, coded_as, rows``: how each distinct value of the sex column and of
        the rate columns given as text was read.
    accounting : pandas.DataFrame
        ``measure, rows_in, rows_used, rows_excluded``; always rows_in = rows_used +
        rows_excluded.
    resource_access : pandas.DataFrame
        Cells where one sex has more of a resource measure and less of an access measure.
    representation : pandas.DataFrame
        The classic gender-budget table: one row per measure with a resource (``total``,
        ``rate``, ``mean``, ``ratio``; not ``count``) x breakdown cell x sex. Columns:
        ``measure, <by...>, sex, persons, persons_share, resource, resource_share,
        share_difference, ci_low, ci_high, confidence, ci_method, note, note_codes``.
        ``persons`` is the
        ``n`` of the estimates; ``resource`` the summed amount (total, mean), the number who
        got it (rate) or the numerator (ratio); shares are of the cell's total over all
        sexes, unknown included; ``share_difference`` is ``resource_share -
        persons_share``, with a delta-method interval (t, persons - 1 df; over clusters,
        t with clusters - 1 df, for a ratio with ``cluster=``) that is NaN, with the reason
        in ``note``, for pre-aggregated totals and ratios and means without ``sum_sq``.
    rows_in : int
        Number of input rows.
    settings : Settings
        The options of the call (sex, by, n, confidence, p_adjust, justified, adjustment,
        rule, measures).

    Notes
    -----
    ``note`` says in English why a number is missing or limited, several notes joined with
    ``"; "``; ``note_codes`` holds the same notes as stable codes (snake_case), joined the
    same way and in the same order, "" when there is none. :func:`genderbudget.note_label`
    gives the words of a code, :meth:`Result.notes` those of a whole table, in Swedish or
    English.

    The result also keeps the sufficient statistics of its one pass over the rows (per
    measure x breakdown cell x sex, and per factor pattern and cluster where the call needed
    them). :func:`equalize` and :func:`follow_up` build on a result without touching the
    input rows again.

    Examples
    --------
    >>> import genderbudget as gb
    >>> data = gb.datasets.load_kriminalvarden()
    >>> result = gb.analyse(data, [gb.count(), gb.rate("arbetsdrift")], sex="kon")
    >>> result.accounting  # doctest: +NORMALIZE_WHITESPACE
           measure  rows_in  rows_used  rows_excluded
    0        count    27207      27207              0
    1  arbetsdrift    27207      27207              0
    """

    _estimates: pd.DataFrame
    _comparisons: pd.DataFrame
    _exclusions: pd.DataFrame
    _accounting: pd.DataFrame
    _resource_access: pd.DataFrame
    rows_in: int
    settings: Settings
    _representation: pd.DataFrame = field(default_factory=pd.DataFrame)
    _cells: CellStats | None = field(default=None, compare=False)
    _notes: Mapping[str, tuple[tuple[Note, ...], ...]] = field(default_factory=dict, compare=False)

    @property
    def estimates(self) -> pd.DataFrame:
        """Per-sex estimates (a copy)."""
        return self._estimates.copy()

    @property
    def comparisons(self) -> pd.DataFrame:
        """Women-vs-men comparisons (a copy)."""
        return self._comparisons.copy()

    @property
    def exclusions(self) -> pd.DataFrame:
        """Rows not used, by measure, column and reason (a copy)."""
        return self._exclusions.copy()

    @property
    def accounting(self) -> pd.DataFrame:
        """Rows in, used and excluded per measure (a copy)."""
        return self._accounting.copy()

    @property
    def resource_access(self) -> pd.DataFrame:
        """Cells where one sex gets more of a resource but less access (a copy).

        Columns ``<by...>, resource_measure, access_measure, sex, resource_women,
        resource_men, access_women, access_men, access_flag``: ``sex`` has the higher value of
        the resource measure (e.g. cost per care-day) and the lower value of the access
        measure (e.g. share in work operations), whose gap is flagged.
        """
        return self._resource_access.copy()

    @property
    def representation(self) -> pd.DataFrame:
        """Each sex's share of the persons next to its share of the resource (a copy).

        Examples
        --------
        >>> import genderbudget as gb
        >>> data = gb.datasets.load_kriminalvarden()
        >>> result = gb.analyse(data, gb.total("kostnad"), sex="kon", by="ar")
        >>> table = result.representation
        >>> table.loc[table["sex"] == "women", ["ar", "persons_share", "resource_share"]].head(2)
             ar  persons_share  resource_share
        0  2016 ...
        """
        return self._representation.copy()

    @property
    def coding(self) -> pd.DataFrame:
        """How the sex column and the text of the rate columns were read (a copy).

        Columns ``column, value, coded_as, rows``: each distinct raw value of the sex column
        (coded as ``women``, ``men`` or ``unknown``) and of each rate column given as text
        such as ``ja``/``nej`` (coded as ``yes``, ``no`` or ``missing``), with its rows in the
        input, most frequent first within each column. A rate column of numbers or booleans
        needs no coding and has no rows here.

        Examples
        --------
        >>> import pandas as pd
        >>> import genderbudget as gb
        >>> data = pd.DataFrame(
        ...     {
        ...         "kon": ["K", "M", "K", "M", "K", "M"],
        ...         "arbete": ["ja", "Nej", "JA", "nej", "ja", None],
        ...     }
        ... )
        >>> gb.analyse(data, gb.rate("arbete"), sex="kon").coding  # doctest: +NORMALIZE_WHITESPACE
           column value coded_as  rows
        0     kon     K    women     3
        1     kon     M      men     3
        2  arbete    ja      yes     2
        3  arbete    JA      yes     1
        4  arbete   Nej       no     1
        5  arbete   nej       no     1
        6  arbete  None  missing     1
        """
        if self._cells is None:
            return pd.DataFrame(columns=["column", "value", "coded_as", "rows"])
        return self._cells.coding.copy()

    def notes(
        self,
        table: Literal["estimates", "comparisons", "representation"] = "comparisons",
        *,
        lang: Lang = "sv",
    ) -> pd.Series:
        """Word the notes of a table in Swedish or English.

        Parameters
        ----------
        table : {"estimates", "comparisons", "representation"}, default "comparisons"
            The table whose notes to word.
        lang : {"sv", "en"}, default "sv"
            Language. ``"en"`` gives the table's ``note`` column as it is.

        Returns
        -------
        pandas.Series
            One string per row of the table, with its index; "" where a row has no note.

        Raises
        ------
        ValueError
            Unknown table or language, or a result not built by :func:`genderbudget.analyse`.

        See Also
        --------
        genderbudget.word_notes : The same for any table with ``note_codes``, e.g. a plan.

        Examples
        --------
        >>> import pandas as pd
        >>> import genderbudget as gb
        >>> data = pd.DataFrame({"kon": ["K", "M", "M", "M"], "y": [10.0, 20.0, 30.0, 25.0]})
        >>> result = gb.analyse(data, gb.mean("y"), sex="kon")
        >>> result.estimates[["sex", "note", "note_codes"]]
             sex                               note   note_codes
        0  women  fewer than 2 persons: no interval  few_persons
        1    men
        >>> result.notes("estimates").tolist()
        ['färre än 2 personer: inget intervall', '']
        """
        name = check_choice(table, "table", NOTE_TABLES)
        check_choice(lang, "lang", LANGS)
        frame = getattr(self, name)
        rows = self._notes.get(name)
        if rows is None or len(rows) != len(frame):
            # a result not built by analyse: its notes are known in English only
            raise ValueError(NO_NOTES.format(table=name))
        return word(rows, frame.index, lang)

    def table(
        self,
        kind: Literal["comparisons", "estimates", "representation"] = "comparisons",
        *,
        measures: Sequence[str | Measure] | None = None,
        lang: Lang = "sv",
        labels: Mapping[str, str] | None = None,
        title: str | None = None,
        source: str | None = None,
        synthetic: bool | None = None,
        columns: Sequence[str] | None = None,
        words: Persons = "adults",
        suppressed: pd.DataFrame | None = None,
    ) -> GT:
        """Show a table of the result as a display table in Swedish or English.

        The same as :func:`genderbudget.table` of this result; :func:`genderbudget.formatted`
        gives the same content as a frame of strings.

        Parameters
        ----------
        kind : {"comparisons", "estimates", "representation"}, default "comparisons"
            The table to show.
        measures, lang, labels, title, source, synthetic, columns, words, suppressed
            See :func:`genderbudget.table`.

        Returns
        -------
        great_tables.GT
            Renders in notebooks; ``as_raw_html()`` gives the HTML.

        Examples
        --------
        >>> import genderbudget as gb
        >>> data = gb.datasets.load_kriminalvarden()
        >>> result = gb.analyse(data, gb.rate("arbetsdrift", label="i arbetsdrift"),
        ...                     sex="kon", by="ar")
        >>> html = result.table("estimates", source="Kriminalvården").as_raw_html()
        >>> "Källa: Kriminalvården." in html
        True
        """
        from genderbudget._table import table  # the display module reads Result

        return table(
            self,
            kind,
            measures=measures,
            lang=lang,
            labels=labels,
            title=title,
            source=source,
            synthetic=synthetic,
            columns=columns,
            words=words,
            suppressed=suppressed,
        )

    def explain(
        self,
        lang: Literal["sv", "en"] = "sv",
        *,
        labels: Mapping[str, str] | None = None,
        words: Persons = "adults",
        persons: Persons | None = None,
    ) -> pd.DataFrame:
        """Plain-language explanation of every comparison, generated from the numbers.

        Parameters
        ----------
        lang : {"sv", "en"}, default "sv"
            Language of the texts (kept in ``texts.json``).
        labels : dict, optional
            Words for justified factors (and measures) by column or measure name, e.g.
            ``{"sakerhetsklass": "säkerhetsklass"}``; by default the names themselves, and a
            measure's own ``label``.
        words : {"adults", "children"}, default "adults"
            Words for the sexes in the texts: women and men (*kvinnor och män*), or girls
            and boys (*flickor och pojkar*) for children and youths.
        persons : {"adults", "children"}, optional
            Former name of ``words``, still accepted.

        Returns
        -------
        pandas.DataFrame
            ``measure, <by...>, flag, disadvantaged, text``.

        Examples
        --------
        >>> import genderbudget as gb
        >>> data = gb.datasets.load_kriminalvarden()
        >>> result = gb.analyse(
        ...     data.loc[data["ar"] == 2016],
        ...     gb.rate("arbetsdrift", label="i arbetsdrift"),
        ...     sex="kon",
        ...     justified=["sakerhetsklass", "strafflangd"],
        ... )
        >>> print(result.explain(labels={"sakerhetsklass": "säkerhetsklass",
        ...                               "strafflangd": "strafflängd"})["text"][0])
        Andelen i arbetsdrift är 15,2 procentenheter lägre för kvinnor än för män ...
        """
        chosen = renamed(words, persons, "words", "persons", "adults")
        labels = dict(labels or {})
        measures = {m.name: m for m in self.settings.measures}
        justified = tuple(labels.get(f, f) for f in self.settings.justified)
        rule = self.settings.rule
        by = list(self.settings.by)
        tests = int(self._comparisons["p_value"].notna().sum())
        adjusted_tests = int(self._comparisons["adjusted_p_value"].notna().sum())
        corrected = self.settings.p_adjust != "none"
        rows = []
        for record in self._comparisons.to_dict("records"):
            measure = measures[record["measure"]]
            row: dict[str, Any] = {
                **{str(k): v for k, v in record.items()},
                "tests": tests if corrected else 1,
                "adjusted_tests": adjusted_tests if corrected else 1,
                "label": labels.get(measure.name, measure.label),
                "kind": measure.kind,
                "direction": measure.direction,
                "unit": measure.unit,
                "justified": justified,
                "min_n": rule.min_n,
                "min_units": rule.min_units,
                "min_relative": rule.min_relative,
                "min_difference": rule.difference_threshold(measure.name),
                "clustered": measure.clustered,
                "alpha": rule.alpha,
            }
            rows.append(
                {
                    "measure": record["measure"],
                    **{b: record[b] for b in by},
                    "flag": record["flag"],
                    "disadvantaged": record["disadvantaged"],
                    "text": explain(row, lang=lang, words=chosen),
                }
            )
        return pd.DataFrame(rows, columns=["measure", *by, "flag", "disadvantaged", "text"])

    def explain_together(
        self,
        lang: Literal["sv", "en"] = "sv",
        *,
        labels: Mapping[str, str] | None = None,
        words: Persons = "adults",
        persons: Persons | None = None,
    ) -> pd.DataFrame:
        """Explain each row of :attr:`resource_access` in plain language.

        Parameters
        ----------
        lang : {"sv", "en"}, default "sv"
            Language of the texts.
        labels : dict, optional
            Words for measures by name; by default each measure's ``label`` or name.
        words : {"adults", "children"}, default "adults"
            Words for the sexes: women and men, or girls and boys.
        persons : {"adults", "children"}, optional
            Former name of ``words``, still accepted.

        Returns
        -------
        pandas.DataFrame
            ``<by...>, resource_measure, access_measure, sex, text``.
        """
        chosen = renamed(words, persons, "words", "persons", "adults")
        labels = dict(labels or {})
        measures = {m.name: m for m in self.settings.measures}
        by = list(self.settings.by)
        rows = []
        for record in self._resource_access.to_dict("records"):
            resource = measures[record["resource_measure"]]
            access = measures[record["access_measure"]]
            row: dict[str, Any] = {
                **{str(k): v for k, v in record.items()},
                "resource_label": labels.get(resource.name, resource.label),
                "access_label": labels.get(access.name, access.label),
                "resource_kind": resource.kind,
                "access_kind": access.kind,
            }
            rows.append(
                {
                    **{b: record[b] for b in by},
                    "resource_measure": resource.name,
                    "access_measure": access.name,
                    "sex": record["sex"],
                    "text": explain_together(row, lang=lang, words=chosen),
                }
            )
        columns = [*by, "resource_measure", "access_measure", "sex", "text"]
        return pd.DataFrame(rows, columns=columns)

    def plot(
        self,
        kind: ChartKind = "estimates",
        *,
        measure: Measure | str | Sequence[Measure | str] | None = None,
        where: Mapping[str, Any] | None = None,
        lang: Lang = "sv",
        words: Persons = "adults",
        source: str | None = None,
        synthetic: bool = False,
    ) -> tuple[Figure, Axes]:
        """Draw a standard chart of the result, with a title that states the finding.

        Parameters
        ----------
        kind : {"estimates", "gaps", "representation", "quadrant"}, default "estimates"
            - ``"estimates"``: each sex's estimate with its interval, one row per breakdown
              cell (a dumbbell); the axis starts at 0.
            - ``"gaps"``: the difference women − men with its interval per cell (a forest
              plot), coloured and shaped by the flag; the adjusted difference next to it
              (hollow) when there are justified factors. The intervals are those at the
              multiplicity-corrected level, which agree with the flag.
            - ``"representation"``: each sex's share of the persons next to its share of
              the resource, per cell, on an axis from 0 to 100 %.
            - ``"quadrant"``: a resource measure (e.g. cost per care-day) against an access
              measure (e.g. the share in work operations), one point per unit and sex, with
              the medians as dashed lines; the units are the last breakdown (``by=``).
        measure : Measure or str, or a pair of them for "quadrant", optional
            The measure to draw; may be left out when the result has one (not counting
            ``count`` for "representation"). For "quadrant", ``(resource, access)``; by
            default the first ``resource`` measure and the first ``higher_is_better`` one.
        where : dict, optional
            Breakdown values that select cells, e.g. ``{"ar": 2020}``; default every cell.
        lang : {"sv", "en"}, default "sv"
            Language of the labels, legends, title and caption.
        words : {"adults", "children"}, default "adults"
            Words for the sexes: *Kvinnor/Män* or *Flickor/Pojkar*.
        source : str, optional
            The source of the data, named in the caption ("Källa: ...").
        synthetic : bool, default False
            Say in the caption that the data are synthetic (the sample data of
            :mod:`genderbudget.datasets` are).

        Returns
        -------
        (matplotlib.figure.Figure, matplotlib.axes.Axes)
            The chart. The figure is not registered with pyplot, so nothing is shown and
            nothing needs closing; save it with ``figure.savefig(...)`` (a notebook displays
            it when it is the cell's value).

        Raises
        ------
        ValueError
            Unknown kind, language or words; a measure the result does not have, or none
            named when it has several; ``where`` naming a column that is not a breakdown or
            selecting nothing; "quadrant" without a breakdown.

        See Also
        --------
        genderbudget.plot_follow_up, genderbudget.plot_allocation,
        genderbudget.plot_decomposition : The charts of the other results.

        Notes
        -----
        Women are drawn in orange (#E69F00) and men in blue (#0072B2) from the Okabe–Ito
        palette in every chart, unknown sex in grey; see ``genderbudget._plot``.

        Examples
        --------
        >>> import genderbudget as gb
        >>> data = gb.datasets.load_kriminalvarden()
        >>> work = gb.rate("arbetsdrift", label="i arbetsdrift")
        >>> result = gb.analyse(data, work, sex="kon", by="ar",
        ...                     justified=["sakerhetsklass", "strafflangd"])
        >>> figure, axes = result.plot("gaps", source="Kriminalvården", synthetic=True)
        >>> print(axes.get_title(loc="left"))  # doctest: +NORMALIZE_WHITESPACE
        Kvinnor har lägre andel i arbetsdrift än män 2016–2019: skillnad som kan vara osaklig
        """
        from genderbudget._plot import plot_result  # matplotlib only when a chart is drawn

        return plot_result(
            self,
            kind,
            measure=measure,
            where=where,
            lang=lang,
            words=words,
            source=source,
            synthetic=synthetic,
        )

    def to_excel(
        self,
        path: str | Path,
        *,
        lang: Lang = "sv",
        suppress: bool = True,
        min_n: int = 3,
        source: str | None = None,
        synthetic: bool = False,
    ) -> Path:
        """Write the result to an Excel workbook (.xlsx) for publication or further work.

        Four sheets: the estimates, the comparisons (with the verdict in words and the
        explanation of each), the excluded rows, and the provenance (library version, every
        setting, the flag rule, a fingerprint of the data, the time, the suppression, the
        source, whether the data are synthetic). Numbers are numeric cells at full precision
        with number formats that a Swedish Excel shows as ``27 207`` and ``12,5 %``; every
        text is a string cell, so no text from the data is ever run as a formula.

        Parameters
        ----------
        path : str or Path
            The file to write.
        lang : {"sv", "en"}, default "sv"
            Language of the headers, sheet names, verdicts and explanations.
        suppress : bool, default True
            Write the tables of :func:`genderbudget.suppress`: small cells, and the cells
            that would reveal them, are shown as ``..``.
        min_n : int, default 3
            The threshold of the suppression.
        source : str, optional
            Where the data come from, in the provenance.
        synthetic : bool, default False
            Say in the provenance that the data are synthetic (*syntetiska data*).

        Returns
        -------
        pathlib.Path
            The file written.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import genderbudget as gb
        >>> data = gb.datasets.load_kriminalvarden()
        >>> result = gb.analyse(data, gb.rate("arbetsdrift"), sex="kon", by="ar")
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> result.to_excel(folder / "rapport.xlsx", synthetic=True).name
        'rapport.xlsx'
        """
        from genderbudget._report import to_excel  # the report module reads Result

        return to_excel(
            self,
            path,
            lang=lang,
            suppress=suppress,
            min_n=min_n,
            source=source,
            synthetic=synthetic,
        )

    def to_html(
        self,
        path: str | Path,
        *,
        lang: Lang = "sv",
        suppress: bool = True,
        min_n: int = 3,
        source: str | None = None,
        synthetic: bool = False,
        charts: bool = True,
    ) -> Path:
        """Write the result to one self-contained HTML file.

        The page holds the explanations, the display tables of the comparisons and the
        estimates, the charts of each measure as embedded images and the provenance; it
        loads nothing from the network. Every text from the data is escaped.

        Parameters
        ----------
        path : str or Path
            The file to write.
        lang, suppress, min_n, source, synthetic
            As for :meth:`to_excel`. With ``suppress=True`` the charts of a measure with a
            hidden cell are left out, since a chart would show the hidden value.
        charts : bool, default True
            Draw the charts (estimates and gaps of each measure that is not a count).

        Returns
        -------
        pathlib.Path
            The file written.
        """
        from genderbudget._report import to_html

        return to_html(
            self,
            path,
            lang=lang,
            suppress=suppress,
            min_n=min_n,
            source=source,
            synthetic=synthetic,
            charts=charts,
        )

    def to_csv(
        self,
        folder: str | Path,
        *,
        lang: Lang = "sv",
        suppress: bool = True,
        min_n: int = 3,
        source: str | None = None,
        synthetic: bool = False,
    ) -> list[Path]:
        """Write the result's tables as CSV files into a folder.

        ``estimates.csv``, ``comparisons.csv``, ``exclusions.csv`` and ``provenance.csv``,
        with the same rows and headers as the sheets of :meth:`to_excel`. The files are
        UTF-8 with a byte order mark (so that Excel reads å, ä, ö); in Swedish the separator
        is ``;`` and the decimal sign ``,``, in English ``,`` and ``.``. Numbers are written
        in full precision; a text that a spreadsheet could run as a formula (beginning with
        ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'``.

        Parameters
        ----------
        folder : str or Path
            The folder to write into; created when missing.
        lang, suppress, min_n, source, synthetic
            As for :meth:`to_excel`.

        Returns
        -------
        list of pathlib.Path
            The files written.

        Raises
        ------
        ValueError
            ``folder`` is an existing file.
        """
        from genderbudget._report import to_csv

        return to_csv(
            self,
            folder,
            lang=lang,
            suppress=suppress,
            min_n=min_n,
            source=source,
            synthetic=synthetic,
        )

    def __repr__(self) -> str:
        measures = ", ".join(dict.fromkeys(self._estimates["measure"]))
        by = list(self.settings.by)
        return (
            f"Result(measures=[{measures}], by={by}, rows_in={self.rows_in:,}, "
            f"estimates={len(self._estimates)} rows, comparisons={len(self._comparisons)} rows, "
            f"exclusions={int(self._exclusions['rows'].sum()):,} rows)"
        )
