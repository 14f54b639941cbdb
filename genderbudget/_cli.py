"""The ``genderbudget`` command: run a settings file, analyse a file, write the demo report.

Help texts are in Swedish, the option names in English (the library's own names: ``--sex``,
``--by``, ``--justified``), so that a command reads like the call it makes. ``--lang en``
gives the tables, verdicts and progress messages in English.

Exit codes: 0 when done; 1 for a problem in the data or the settings (the library's own
message, one paragraph on stderr, no traceback); 2 for a wrong command line (click's own
message). Any other error is a fault in the program and keeps its traceback.
"""

from __future__ import annotations

import json
import sys
import traceback
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click
import pandas as pd

import genderbudget as gb
from genderbudget._config import ConfigError, run_config, step
from genderbudget._texts import Lang

__all__ = ["main"]

PACKAGE = Path(gb.__file__).resolve().parent
BAD_RATIO = "--ratio expects NUMERATOR/DENOMINATOR, e.g. kostnad/varddygn; got {value!r}."
NO_MEASURE = "Name at least one measure: --count, --rate COL, --mean COL or --ratio NUM/DEN."
FILE_MISSING = "The file {name!r} does not exist."
LIBRARY_ERRORS = (ValueError, TypeError, FileNotFoundError, KeyError)

GROUP_HELP = """Jämställdhetsbudgetering från kommandoraden.

\b
Exempel:
  genderbudget run examples/kriminalvarden.toml
  genderbudget analyse intagna.csv --sex Kön --rate Arbetsdrift --by År
  genderbudget demo rapport

Varje kommando har sin egen hjälp: genderbudget run --help.

\b
Slutkoder:
  0  klart
  1  fel i data eller inställningar (ett meddelande, ingen traceback)
  2  fel på kommandoraden
"""
RUN_HELP = """Kör en inställningsfil (TOML) och skriv rapporten.

Inställningsfilen anger indata, indikatorer och rapport; alla nycklar beskrivs i
docs/config.md. Rapporten (HTML, Excel, CSV) skrivs till mappen i [rapport] mapp,
räknat från inställningsfilens mapp.

\b
Exempel:
  genderbudget run examples/kriminalvarden.toml
  genderbudget run arsredovisning.toml --quiet
"""
ANALYSE_HELP = """Analysera en fil och skriv tabell och bedömning i terminalen.

FILE är en CSV-, Excel- eller Parquet-fil. Mått anges med --count, --rate, --mean och
--ratio, som kan upprepas. Små celler döljs (..) som i en publicering, om inte
--no-suppress anges.

\b
Exempel:
  genderbudget analyse intagna.csv --sex kon --rate arbetsdrift --by ar
  genderbudget analyse intagna.xlsx --sheet 2024 --header-row 3 --sex Kön \\
      --ratio kostnad/varddygn --by År --justified sakerhetsklass --excel ut.xlsx
  genderbudget analyse intagna.csv --sex kon --count --by ar --lang en
"""
DEMO_HELP = """Skriv Träff 3-rapporten för de tre exemplen (syntetiska data).

Samma som python -m genderbudget: tabellerna i terminalen och rapporten (HTML och Excel)
i FOLDER, annars i mappen i GENDERBUDGET_RAPPORT, annars i rapport/.

\b
Exempel:
  genderbudget demo
  genderbudget demo rapporter/2025
"""


def _fail(error: BaseException) -> NoReturn:
    """Print a data or settings error as one paragraph on stderr and exit with 1."""
    message = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
    click.echo(" ".join(str(message).split()), err=True)
    sys.exit(1)


def _raised_here(error: BaseException) -> bool:
    """Whether the library itself raised the error (its innermost frame is in the package)."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and Path(frames[-1].filename).resolve().is_relative_to(PACKAGE)


def _guarded(action: Callable[[], Any]) -> Any:
    """Run an action; the library's own errors exit with 1, anything else keeps its traceback."""
    try:
        return action()
    except ConfigError as error:
        _fail(error)
    except LIBRARY_ERRORS as error:
        if _raised_here(error):
            _fail(error)
        raise


def _progress(quiet: bool) -> Callable[[str], None]:
    def say(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    return say


quiet_option = click.option(
    "--quiet", "-q", is_flag=True, help="Inga meddelanden om förloppet på stderr."
)


@click.group(help=GROUP_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(gb.__version__, prog_name="genderbudget", message="%(prog)s %(version)s")
def cli() -> None:
    """Gender budgeting from the command line."""


@cli.command("run", help=RUN_HELP)
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path))
@quiet_option
def run_command(config: Path, quiet: bool) -> None:
    """Run a settings file and say where the report is."""
    if not config.is_file():
        _fail(FileNotFoundError(FILE_MISSING.format(name=config.name)))
    run = _guarded(lambda: run_config(config, progress=_progress(quiet)))
    for path in run.files:
        click.echo(str(path))


def _measures(
    count: bool, rates: Sequence[str], means: Sequence[str], ratios: Sequence[str]
) -> list[gb.Measure]:
    """Build the measures of the command line, in the order count, rates, means, ratios."""
    measures = [gb.count()] if count else []
    measures += [gb.rate(column) for column in rates]
    measures += [gb.mean(column) for column in means]
    measures += [gb.ratio(*_fraction(text)) for text in ratios]
    if not measures:
        raise click.UsageError(NO_MEASURE)
    return measures


def _fraction(text: str) -> tuple[str, str]:
    """Split ``NUMERATOR/DENOMINATOR`` of a --ratio option."""
    numerator, slash, denominator = text.partition("/")
    if not slash or not numerator or not denominator:
        raise click.BadParameter(BAD_RATIO.format(value=text), param_hint="--ratio")
    return numerator, denominator


def _sheet(file: Path, sheet: str | None) -> str | int | None:
    """Return a sheet's name, or its 0-based number when digits name no sheet of the file."""
    if sheet is None or not sheet.isdigit() or file.suffix.lower() not in (".xlsx", ".xlsm"):
        return sheet
    from openpyxl import load_workbook

    try:
        book = load_workbook(file, read_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):  # read_table will say why
        return sheet
    names = book.sheetnames
    book.close()
    return sheet if sheet in names else int(sheet)


def _read(file: Path, options: dict[str, Any]) -> pd.DataFrame:
    from genderbudget._read import read_table

    frame, _ = read_table(file, **{k: v for k, v in options.items() if v is not None})
    return frame


def _hidden(result: gb.Result, kind: str, min_n: int) -> pd.DataFrame:
    """Return the mask of a table printed for publication: every column of a hidden row."""
    publication = gb.suppress(result, min_n=min_n)
    hidden = getattr(publication, kind)["suppressed"].astype(bool).to_numpy()
    frame = getattr(result, kind)
    return pd.DataFrame({c: hidden for c in frame.columns}, index=frame.index)


def _print_result(result: gb.Result, lang: Lang, suppress: bool, min_n: int) -> None:
    """Print the estimates, the comparisons and the verdicts, hidden cells as ``..``."""
    estimates_mask = _hidden(result, "estimates", min_n) if suppress else None
    comparisons_mask = _hidden(result, "comparisons", min_n) if suppress else None
    estimates = gb.formatted(result, "estimates", lang=lang, suppressed=estimates_mask)
    comparisons = gb.formatted(result, "comparisons", lang=lang, suppressed=comparisons_mask)
    with pd.option_context("display.width", 200, "display.max_columns", 40):
        click.echo(estimates.to_string(index=False))
        click.echo("")
        click.echo(comparisons.to_string(index=False))
    click.echo("")
    explained = result.explain(lang=lang)
    by = list(result.settings.by)
    for position, row in enumerate(explained.itertuples(index=False)):
        hidden = comparisons_mask is not None and bool(comparisons_mask.iloc[position, 0])
        cell = " · ".join(str(getattr(row, b)) for b in by)
        text = ".." if hidden else str(row.text)
        click.echo(f"{cell}: {text}" if cell else text)


@cli.command("analyse", help=ANALYSE_HELP)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sex", required=True, help="Kolumnen med kön (K/M, Kvinna/Man, 1/2, ...).")
@click.option("--count", is_flag=True, help="Antal personer per kön.")
@click.option("--rate", multiple=True, help="Andel: en ja/nej-kolumn (upprepas).")
@click.option("--mean", multiple=True, help="Medelvärde av en kolumn (upprepas).")
@click.option("--ratio", multiple=True, help="Kvot av två summor, TÄLJARE/NÄMNARE (upprepas).")
@click.option("--by", multiple=True, help="Uppdelning, t.ex. år eller enhet (upprepas).")
@click.option("--justified", multiple=True, help="Sakligt skäl för en skillnad (upprepas).")
@click.option(
    "--sheet",
    help="Excel: bladets namn, eller dess nummer (0 = första) om inget blad heter så.",
)
@click.option("--header-row", type=click.IntRange(min=1), help="Raden med rubrikerna (1 = första).")
@click.option("--sep", help="CSV: avgränsare, t.ex. ';'.")
@click.option("--decimal", type=click.Choice([",", "."]), help="Decimaltecken.")
@click.option("--thousands", help="Tusentalsavgränsare, t.ex. ' ' eller '.'.")
@click.option("--encoding", help="Teckenkodning, t.ex. cp1252 eller utf-8.")
@click.option(
    "--lang",
    type=click.Choice(["sv", "en"]),
    default="sv",
    show_default=True,
    help="Språk för tabeller och bedömningar.",
)
@click.option(
    "--min-n",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Gräns för röjandeskydd: celler med färre personer döljs.",
)
@click.option("--no-suppress", is_flag=True, help="Visa alla celler (inte för publicering).")
@click.option(
    "--excel", type=click.Path(dir_okay=False, path_type=Path), help="Skriv också en Excel-fil."
)
@click.option(
    "--html", type=click.Path(dir_okay=False, path_type=Path), help="Skriv också en HTML-sida."
)
@quiet_option
def analyse_command(
    file: Path,
    sex: str,
    count: bool,
    rate: tuple[str, ...],
    mean: tuple[str, ...],
    ratio: tuple[str, ...],
    by: tuple[str, ...],
    justified: tuple[str, ...],
    sheet: str | None,
    header_row: int | None,
    sep: str | None,
    decimal: str | None,
    thousands: str | None,
    encoding: str | None,
    lang: Lang,
    min_n: int,
    no_suppress: bool,
    excel: Path | None,
    html: Path | None,
    quiet: bool,
) -> None:
    """Analyse one file and print its tables and verdicts."""
    measures = _measures(count, rate, mean, ratio)
    say = _progress(quiet)
    if not file.is_file():
        _fail(FileNotFoundError(FILE_MISSING.format(name=file.name)))
    options: dict[str, Any] = {
        "sheet": _sheet(file, sheet),
        "header_row": header_row,
        "sep": sep,
        "decimal": decimal,
        "thousands": thousands,
        "encoding": encoding,
    }
    say(step(lang, "read", name=file.name))
    data = _guarded(lambda: _read(file, options))
    say(step(lang, "analyse", section=file.name))
    result = _guarded(
        lambda: gb.analyse(data, measures, sex=sex, by=list(by), justified=list(justified))
    )
    suppress = not no_suppress
    _guarded(lambda: _print_result(result, lang, suppress, min_n))
    if excel is not None:
        say(step(lang, "write", folder=excel.name))
        _guarded(lambda: result.to_excel(excel, lang=lang, suppress=suppress, min_n=min_n))
        click.echo(str(excel))
    if html is not None:
        say(step(lang, "write", folder=html.name))
        _guarded(lambda: result.to_html(html, lang=lang, suppress=suppress, min_n=min_n))
        click.echo(str(html))


@cli.command("demo", help=DEMO_HELP)
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def demo_command(folder: Path | None) -> None:
    """Write the Träff 3 report, as ``python -m genderbudget`` does."""
    from genderbudget.__main__ import main as demo

    sys.exit(demo([str(folder)] if folder is not None else []))


NOTEBOOK_HELP = """Kör mallen för egna data (egen_analys.ipynb) på en fil.

Skriver den körda notebooken och den som HTML (utan kod, om inte --show-code anges) samt
rapporten (HTML, Excel, CSV) i mappen --out. Utan FILE körs mallen på de syntetiska
exempeldata från Kriminalvården. Övriga parametrar i mallen ges med -p NAMN=VÄRDE, där
VÄRDE läses som JSON när det går (listor, tal, ordböcker), annars som text. Kräver
tillägget notebook: pip install "genderbudget[notebook]".

\b
Exempel:
  genderbudget notebook
  genderbudget notebook intagna.csv --sex Kön --rate Arbetsdrift --by År --out analys
  genderbudget notebook intagna.xlsx --sheet 2024 --header-row 3 --sex Kön \\
      --rate Arbetsdrift --by År --justified Säkerhetsklass -p unit_cost=250000
"""
BAD_PARAMETER = (
    '-p takes NAME=VALUE, e.g. -p min_n=5 or -p \'measures=[{{"kind": "count"}}]\'; got {value!r}.'
)


def _parameter(text: str) -> tuple[str, Any]:
    """Split ``NAME=VALUE``; the value as JSON when it parses, else as text."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(BAD_PARAMETER.format(value=text))
    try:
        return name.strip(), json.loads(value)
    except json.JSONDecodeError:
        return name.strip(), value


# A file of one's own starts from no measures, breakdowns or factors: the template's
# defaults fit the sample data only.
OWN_FILE_DEFAULTS: dict[str, Any] = {
    "yes_no": [],
    "measures": [],
    "by": [],
    "justified": [],
    "time": None,
    "target_year": None,
}


def _template_parameters(
    options: dict[str, Any], extra: Sequence[str], own_file: bool
) -> dict[str, Any]:
    """Collect the template's parameters from the options given on the command line."""
    parameters: dict[str, Any] = dict(OWN_FILE_DEFAULTS) if own_file else {}
    parameters.update(_parameter(text) for text in extra)
    named = {
        "sex": options["sex"],
        "sheet": options["sheet"],
        "header_row": options["header_row"],
        "min_n": options["min_n"],
        "lang": options["lang"],
        "time": options["time"],
        "target_year": options["target_year"],
        "unit_cost": options["unit_cost"],
    }
    parameters.update({k: v for k, v in named.items() if v is not None})
    lists = {"yes_no": options["rate"], "by": options["by"], "justified": options["justified"]}
    parameters.update({k: list(v) for k, v in lists.items() if v})
    measures: list[dict[str, Any]] = [{"kind": "count"}] if options["count"] else []
    measures += [{"kind": "mean", "columns": [column]} for column in options["mean"]]
    measures += [{"kind": "ratio", "columns": list(_fraction(text))} for text in options["ratio"]]
    if measures:
        parameters["measures"] = [*parameters.get("measures", []), *measures]
    return parameters


@cli.command("notebook", help=NOTEBOOK_HELP)
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("egen_analys"),
    show_default=True,
    help="Mappen för resultaten.",
)
@click.option("--sex", help="Kolumnen med kön.")
@click.option("--rate", multiple=True, help="En ja/nej-kolumn som blir en andel (upprepas).")
@click.option("--count", is_flag=True, help="Antal personer per kön.")
@click.option("--mean", multiple=True, help="Medelvärde av en kolumn (upprepas).")
@click.option("--ratio", multiple=True, help="Kvot av två summor, TÄLJARE/NÄMNARE (upprepas).")
@click.option("--by", multiple=True, help="Uppdelning, t.ex. år eller enhet (upprepas).")
@click.option("--justified", multiple=True, help="Sakligt skäl för en skillnad (upprepas).")
@click.option("--time", help="Kolumnen med år, för uppföljningen år för år.")
@click.option("--sheet", help="Excel: bladets namn eller nummer (0 = första).")
@click.option("--header-row", type=click.IntRange(min=1), help="Raden med rubrikerna.")
@click.option("--min-n", type=click.IntRange(min=1), help="Minsta antal personer i en cell.")
@click.option("--lang", type=click.Choice(["sv", "en"]), help="Språk (sv som standard).")
@click.option("--target-year", type=int, help="Året då gapet ska vara stängt.")
@click.option("--unit-cost", type=float, help="Kostnad per plats eller enhet, i kronor.")
@click.option("-p", "--parameter", "extra", multiple=True, help="Annan parameter: NAMN=VÄRDE.")
@click.option("--show-code", is_flag=True, help="Visa koden i HTML-sidan.")
@quiet_option
def notebook_command(
    file: Path | None,
    out: Path,
    extra: tuple[str, ...],
    show_code: bool,
    quiet: bool,
    **options: Any,
) -> None:
    """Run the template notebook on a file and print where its files are."""
    from genderbudget._notebook import TemplateError, run_template

    if file is not None:
        options["sheet"] = _sheet(file, options["sheet"])
    parameters = _template_parameters(options, extra, own_file=file is not None)
    say = _progress(quiet)
    say(f"Kör mallen på {file.name if file is not None else 'exempeldata'} …")
    try:
        run = _guarded(
            lambda: run_template(file, output_dir=out, parameters=parameters, show_code=show_code)
        )
    except (TemplateError, ImportError) as error:
        _fail(error)
    click.echo(str(run.notebook))
    if run.html is not None:
        click.echo(str(run.html))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``genderbudget`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program's name; default those of the process.

    Returns
    -------
    int
        The exit code: 0 done, 1 a data or settings error, 2 a wrong command line.
    """
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="genderbudget")
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
