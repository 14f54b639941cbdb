"""Indicator sets as a TOML settings file, checked before any data is read and run to a report.

A controller declares once what the agency reports every year — the input, the sex column,
the indicators with their breakdowns and justified factors, the verdict's thresholds, the
publication threshold — and :func:`run_config` writes the report (HTML, Excel, CSV) with
its provenance. ``docs/config.md`` describes every key.

Choices
-------
Swedish keys
    The keys are Swedish words in ASCII (``kon``, ``uppdelning``, ``sakliga_skal``), so they
    need no quotes in TOML; the values a key takes are Swedish too (``matt = "andel"``).
Checked first
    Every key, type and value is checked before a file is read, and each problem names the
    key as written in the file and its line. Columns are checked after reading (the file
    says which exist), with the key and line of the setting that names them.
Same files twice
    The time in the provenance is ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) when that
    environment variable is set, else ``[rapport] datum``, else none. Then the same
    settings file and input give byte-identical CSV files and workbooks.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

import pandas as pd

from genderbudget._locate import KeyPath, display, key_lines, line_of
from genderbudget._privacy import masked
from genderbudget._texts import Lang, language

__all__ = ["ConfigError", "ConfigRun", "check_config", "run_config", "step"]

NOT_FOUND = "The settings file {path!r} does not exist."
SYNTAX = "{file}: the file is not valid TOML: {problem}. Correct the line it names."
AT_KEY = "{file}, line {line}, key {key}: {problem}"
AT_KEY_NO_LINE = "{file}, key {key}: {problem}"
UNKNOWN_KEY = "unknown key {name!r}.{hint} Known keys here: {known}."
CLOSEST = " Did you mean {closest!r}?"
WRONG_TYPE = "must be {what}, got {got}."
MISSING = "is missing; it is required{why}."
NOT_ALLOWED = "{value!r} is not allowed.{hint} Allowed values: {allowed}."
ONE_INPUT = "give exactly one of 'exempel' (a sample dataset) and 'fil' (a file), or 'fraga'."
BOTH_INPUTS = "give either 'exempel' or 'fil', not both."
NO_WORK = (
    "the file declares nothing to compute; add at least one [[indikator]] table or a "
    "[fordelning] table."
)
NOT_USED = "is not used by matt = {kind!r}; remove it (the measure reads {used})."
NEEDS = "is required by matt = {kind!r} (the measure reads {used})."
TWICE_NAME = "the name {name!r} is already used by indikator[{first}]; give each a name of its own."
SECTION_DIFFERS = (
    "indicators of one section (avsnitt = {section!r}) are analysed together and must agree "
    "on {key!r}; indikator[{first}] has {first_value!r}, this one {value!r}."
)
FILE_MISSING = "the file {name!r} does not exist (looked in the folder of the settings file)."
COLUMN_MISSING = "the column {column!r} is not in {source}.{hint} The columns are: {columns}."
PENSION_ONLY = (
    "the sample dataset 'pensionsmyndigheten' holds the costs and volumes of an allocation; "
    "use it with a [fordelning] table, not with [[indikator]] tables."
)
ALLOCATION_INPUT = (
    "an allocation needs its two tables: [fordelning.kostnader] and [fordelning.volymer] "
    "(each with 'fil'), or [data] exempel = 'pensionsmyndigheten'."
)
POOLS = " with the other gemensam_ key: the column and the value that mark the common cost pools"
BAD_DATE = "must be a date such as 2025-02-15 (written without quotes), got {got}."
BAD_EPOCH = (
    "The environment variable SOURCE_DATE_EPOCH must be a whole number of seconds since "
    "1970-01-01 UTC, got {value!r}."
)
NUMBER_RANGE = "must be {what}, got {value!r}."

SAMPLES = ("kriminalvarden", "sis", "pensionsmyndigheten")
MEASURES = {
    "antal": "count",
    "andel": "rate",
    "medelvarde": "mean",
    "kvot": "ratio",
    "summa": "total",
    "per_behov": "per_need",
}
MEASURE_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "antal": ((), ()),
    "andel": (("kolumn",), ("kluster", "markering")),
    "medelvarde": (("kolumn",), ("kluster", "enhet")),
    "kvot": (("taljare", "namnare"), ("kluster", "enhet")),
    "summa": (("kolumn",), ("enhet",)),
    "per_behov": (("resurs", "behov"), ("dagar", "kluster", "enhet")),
}
"""Per measure: the keys it needs and the optional keys it reads besides the common ones."""
DIRECTIONS = {
    "hogre_ar_battre": "higher_is_better",
    "lagre_ar_battre": "lower_is_better",
    "resurs": "resource",
    "neutral": "neutral",
}
CORRECTIONS = {"holm": "holm", "bonferroni": "bonferroni", "fdr_bh": "fdr_bh", "ingen": "none"}
WORDS = {"vuxna": "adults", "barn": "children"}
LANGUAGES = ("sv", "en")

TEXT, WHOLE, NUMBER, BOOL, TEXTS, TABLE, DATE, TEXT_OR_TEXTS, SHEET = (
    "a text in quotes",
    "a whole number",
    "a number",
    "true or false",
    'a list of texts, e.g. ["ar", "enhet"]',
    'a table of texts, e.g. {ar = "år"}',
    "a date",
    "a text or a list of texts",
    "a sheet name in quotes or a sheet number",
)


@dataclass(frozen=True)
class Key:
    """One allowed key: the kind of its value, whether required, its allowed values."""

    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()


INPUT_KEYS = {
    "fil": Key(TEXT),
    "blad": Key(SHEET),
    "rubrikrad": Key(WHOLE),
    "avgransare": Key(TEXT),
    "decimaltecken": Key(TEXT, choices=(",", ".")),
    "tusentalsavgransare": Key(TEXT),
    "teckenkodning": Key(TEXT),
    "fraga": Key(TEXT),
}
SCHEMA: dict[str, Any] = {
    "rapport": {
        "titel": Key(TEXT),
        "sprak": Key(TEXT, choices=LANGUAGES),
        "mapp": Key(TEXT),
        "filnamn": Key(TEXT),
        "min_n": Key(WHOLE),
        "rojandeskydd": Key(BOOL),
        "datum": Key(DATE),
        "kalla": Key(TEXT),
        "syntetiska": Key(BOOL),
        "diagram": Key(BOOL),
        "csv": Key(BOOL),
    },
    "data": {
        "exempel": Key(TEXT, choices=SAMPLES),
        **INPUT_KEYS,
        "kon": Key(TEXT),
        "koder": Key(TABLE),
    },
    "analys": {
        "uppdelning": Key(TEXT_OR_TEXTS),
        "sakliga_skal": Key(TEXT_OR_TEXTS),
        "konfidensniva": Key(NUMBER),
        "ord": Key(TEXT, choices=tuple(WORDS)),
        "etiketter": Key(TABLE),
    },
    "bedomning": {
        "alfa": Key(NUMBER),
        "korrigering": Key(TEXT, choices=tuple(CORRECTIONS)),
        "min_personer": Key(WHOLE),
        "min_enheter": Key(WHOLE),
        "min_relativ": Key(NUMBER),
    },
    "indikator": [
        {
            "namn": Key(TEXT, required=True),
            "matt": Key(TEXT, required=True, choices=tuple(MEASURES)),
            "kolumn": Key(TEXT),
            "taljare": Key(TEXT),
            "namnare": Key(TEXT),
            "resurs": Key(TEXT),
            "behov": Key(TEXT),
            "dagar": Key(TEXT),
            "kluster": Key(TEXT),
            "markering": Key(TEXT),
            "etikett": Key(TEXT),
            "enhet": Key(TEXT),
            "riktning": Key(TEXT, choices=tuple(DIRECTIONS)),
            "avsnitt": Key(TEXT),
            "uppdelning": Key(TEXT_OR_TEXTS),
            "sakliga_skal": Key(TEXT_OR_TEXTS),
            "ord": Key(TEXT, choices=tuple(WORDS)),
            "min_skillnad": Key(NUMBER),
        }
    ],
    "fordelning": {
        "titel": Key(TEXT),
        "kostnadsobjekt": Key(TEXT, required=True),
        "belopp": Key(TEXT, required=True),
        "kon": Key(TEXT, required=True),
        "volymmatt": Key(TEXT_OR_TEXTS, required=True),
        "uppdelning": Key(TEXT_OR_TEXTS),
        "personer": Key(TEXT),
        "avrunda": Key(NUMBER),
        "gemensam_kolumn": Key(TEXT),
        "gemensam_varde": Key(TEXT),
        "gemensam_nyckel": Key(TEXT),
        "nycklar": Key(TABLE),
        "kostnader": dict(INPUT_KEYS),
        "volymer": dict(INPUT_KEYS),
    },
}
"""Every table and key of a settings file; ``docs/config.md`` describes each."""


class ConfigError(ValueError):
    """A problem in a settings file, with the key and the line that hold it.

    Attributes
    ----------
    key : str or None
        The key as written in the file, e.g. ``indikator[2].matt``.
    line : int or None
        The 1-based line of the key in the file (or of the table that lacks it).

    Examples
    --------
    >>> error = ConfigError("k.toml, line 3, key data.konn: unknown key 'konn'.", "data.konn", 3)
    >>> error.key, error.line, isinstance(error, ValueError)
    ('data.konn', 3, True)
    """

    def __init__(self, message: str, key: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.line = line


@dataclass(frozen=True)
class _Source:
    """The settings file's text, to point at keys by line."""

    name: str
    lines: Mapping[KeyPath, int]

    def error(self, path: KeyPath, problem: str) -> ConfigError:
        line = line_of(self.lines, path)
        key = display(path)
        if line is None:
            return ConfigError(AT_KEY_NO_LINE.format(file=self.name, key=key, problem=problem), key)
        text = AT_KEY.format(file=self.name, line=line, key=key, problem=problem)
        return ConfigError(text, key, line)


def _type_name(value: Any) -> str:
    names = {
        str: "a text",
        bool: "true/false",
        int: "a whole number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)


def _got(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    return f"{_type_name(value)} ({masked(value)!r})"


def _fits(kind: str, value: Any) -> bool:
    """Whether a value has the kind a key asks for."""
    if kind in (TEXT,):
        return isinstance(value, str)
    if kind == WHOLE:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == TEXTS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == TEXT_OR_TEXTS:
        return isinstance(value, str) or _fits(TEXTS, value)
    if kind == TABLE:
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    if kind == DATE:
        return isinstance(value, date)
    if kind == SHEET:
        return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
    raise AssertionError(kind)


def _check_table(table: Any, schema: Mapping[str, Any], path: KeyPath, src: _Source) -> None:
    """Check one table against its schema: unknown keys, kinds, allowed values, required keys."""
    if not isinstance(table, dict):
        raise src.error(
            path, WRONG_TYPE.format(what="a table, e.g. [" + display(path) + "]", got=_got(table))
        )
    for name, value in table.items():
        if name not in schema:
            close = difflib.get_close_matches(name, list(schema), n=1, cutoff=0.6)
            hint = CLOSEST.format(closest=close[0]) if close else ""
            known = ", ".join(repr(k) for k in schema)
            raise src.error((*path, name), UNKNOWN_KEY.format(name=name, hint=hint, known=known))
        _check_value(value, schema[name], (*path, name), src)
    for name, spec in schema.items():
        if isinstance(spec, Key) and spec.required and name not in table:
            raise src.error((*path, name), MISSING.format(why=f" in [{_table_name(path)}]"))


def _table_name(path: KeyPath) -> str:
    if path and isinstance(path[-1], int):
        return "[" + display(path[:-1]) + "]"
    return display(path)


def _check_value(value: Any, spec: Any, path: KeyPath, src: _Source) -> None:
    if isinstance(spec, dict):
        _check_table(value, spec, path, src)
        return
    if isinstance(spec, list):
        if not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            what = f"tables written [[{display(path)}]]"
            raise src.error(path, WRONG_TYPE.format(what=what, got=_got(value)))
        for number, item in enumerate(value):
            _check_table(item, spec[0], (*path, number), src)
        return
    if not _fits(spec.kind, value):
        if spec.kind == DATE:
            raise src.error(path, BAD_DATE.format(got=_got(value)))
        raise src.error(path, WRONG_TYPE.format(what=spec.kind, got=_got(value)))
    if spec.choices and value not in spec.choices:
        close = difflib.get_close_matches(str(value), list(spec.choices), n=1, cutoff=0.5)
        hint = CLOSEST.format(closest=close[0]) if close else ""
        allowed = ", ".join(repr(c) for c in spec.choices)
        raise src.error(path, NOT_ALLOWED.format(value=masked(value), hint=hint, allowed=allowed))


def _columns(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class Input:
    """One table to read: a sample dataset or a file with the options of ``read_table``."""

    path: KeyPath
    sample: str | None = None
    file: Path | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Indicator:
    """One indicator: its measure's arguments and where it sits in the report."""

    index: int
    name: str
    kind: str
    arguments: Mapping[str, Any]
    section: str
    by: tuple[str, ...]
    justified: tuple[str, ...]
    words: str
    min_difference: float | None


@dataclass(frozen=True)
class AllocationSpec:
    """The arguments of ``allocate`` and the tables it reads."""

    title: str
    costs: Input
    drivers: Input
    cost_object: str
    amount: str
    sex: str
    driver: tuple[str, ...]
    by: tuple[str, ...]
    persons: str | None
    round_to: float | None
    overhead_column: str | None
    overhead_value: str | None
    overhead_key: str | Mapping[str, str]


@dataclass(frozen=True)
class Config:
    """A checked settings file, ready to run."""

    path: Path
    digest: str
    source: _Source
    title: str | None
    lang: Lang
    folder: Path
    stem: str
    min_n: int
    suppress: bool
    created: datetime | None
    origin: str | None
    synthetic: bool
    charts: bool
    csv: bool
    data: Input | None
    sex: str | None
    mapping: Mapping[str, str]
    confidence: float
    labels: Mapping[str, str]
    rule: Mapping[str, Any]
    indicators: tuple[Indicator, ...]
    allocation: AllocationSpec | None


def _load(path: Path) -> tuple[dict[str, Any], _Source, str]:
    """Read and parse a settings file; a syntax error says its line and column."""
    if not path.is_file():
        raise FileNotFoundError(NOT_FOUND.format(path=path.name))
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problem = " ".join(str(error).split())
        at = re.search(r"line (\d+)", problem)
        line = int(at.group(1)) if at else None
        raise ConfigError(SYNTAX.format(file=path.name, problem=problem), line=line) from None
    return parsed, _Source(path.name, key_lines(text)), hashlib.sha256(raw).hexdigest()


def _input(table: Mapping[str, Any], path: KeyPath, folder: Path, src: _Source) -> Input:
    """Check one input table: a sample dataset, a file (that exists) or a query."""
    sample, name, query = table.get("exempel"), table.get("fil"), table.get("fraga")
    if sample is not None and (name is not None or query is not None):
        raise src.error((*path, "fil" if name is not None else "fraga"), BOTH_INPUTS)
    if sample is None and name is None and query is None:
        raise src.error((*path, "fil"), MISSING.format(why=": " + ONE_INPUT))
    options = {}
    keys = {
        "blad": "sheet",
        "rubrikrad": "header_row",
        "avgransare": "sep",
        "decimaltecken": "decimal",
        "tusentalsavgransare": "thousands",
        "teckenkodning": "encoding",
        "fraga": "query",
    }
    for key, argument in keys.items():
        if key in table:
            options[argument] = table[key]
    if "rubrikrad" in table and table["rubrikrad"] < 1:
        raise src.error(
            (*path, "rubrikrad"),
            NUMBER_RANGE.format(
                what="1 or more (the row as Excel numbers it)", value=table["rubrikrad"]
            ),
        )
    file = None
    if name is not None:
        file = (folder / name).resolve()
        if not file.is_file():
            raise src.error((*path, "fil"), FILE_MISSING.format(name=name))
    return Input(path=path, sample=sample, file=file, options=options)


def _indicator(
    number: int, table: Mapping[str, Any], analysis: Mapping[str, Any], src: _Source
) -> Indicator:
    """Check one [[indikator]] table: the keys its measure needs and reads."""
    path: KeyPath = ("indikator", number)
    kind = table["matt"]
    needed, optional = MEASURE_COLUMNS[kind]
    common = {
        "namn",
        "matt",
        "etikett",
        "riktning",
        "avsnitt",
        "uppdelning",
        "sakliga_skal",
        "ord",
        "min_skillnad",
    }
    used = ", ".join(repr(k) for k in (*needed, *optional)) or "no columns"
    for key in table:
        if key not in common and key not in needed and key not in optional:
            raise src.error((*path, key), NOT_USED.format(kind=kind, used=used))
    for key in needed:
        if key not in table:
            raise src.error((*path, key), NEEDS.format(kind=kind, used=used))
    if "min_skillnad" in table and table["min_skillnad"] < 0:
        raise src.error(
            (*path, "min_skillnad"),
            NUMBER_RANGE.format(what="a number >= 0", value=table["min_skillnad"]),
        )
    arguments: dict[str, Any] = {"name": table["namn"]}
    arguments["columns"] = tuple(table[k] for k in needed)  # the measure's positional ones
    for key, argument in (
        ("kluster", "cluster"),
        ("markering", "marked"),
        ("dagar", "days"),
        ("etikett", "label"),
        ("enhet", "unit"),
    ):
        if key in table:
            arguments[argument] = table[key]
    if "riktning" in table:
        arguments["direction"] = DIRECTIONS[table["riktning"]]
    return Indicator(
        index=number,
        name=table["namn"],
        kind=kind,
        arguments=arguments,
        section=table.get("avsnitt", table.get("etikett", table["namn"])),
        by=_columns(table.get("uppdelning", analysis.get("uppdelning"))),
        justified=_columns(table.get("sakliga_skal", analysis.get("sakliga_skal"))),
        words=WORDS[table.get("ord", analysis.get("ord", "vuxna"))],
        min_difference=table.get("min_skillnad"),
    )


def _check_sections(indicators: Sequence[Indicator], src: _Source) -> None:
    """Check that indicators of one section agree on breakdowns, factors, words; names unique."""
    first: dict[str, Indicator] = {}
    names: dict[str, int] = {}
    for item in indicators:
        if item.name in names:
            raise src.error(
                ("indikator", item.index, "namn"),
                TWICE_NAME.format(name=item.name, first=names[item.name] + 1),
            )
        names[item.name] = item.index
        earlier = first.setdefault(item.section, item)
        for key, attribute in (
            ("uppdelning", "by"),
            ("sakliga_skal", "justified"),
            ("ord", "words"),
        ):
            mine, theirs = getattr(item, attribute), getattr(earlier, attribute)
            if mine != theirs:
                raise src.error(
                    ("indikator", item.index, key),
                    SECTION_DIFFERS.format(
                        section=item.section,
                        key=key,
                        first=earlier.index + 1,
                        first_value=theirs,
                        value=mine,
                    ),
                )


def _created(report: Mapping[str, Any]) -> datetime | None:
    """Return the time to record: SOURCE_DATE_EPOCH, else [rapport] datum, else none."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise ConfigError(BAD_EPOCH.format(value=epoch)) from None
    value = report.get("datum")
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _allocation(
    table: Mapping[str, Any], data: Input | None, folder: Path, src: _Source
) -> AllocationSpec:
    path: KeyPath = ("fordelning",)
    if "kostnader" in table and "volymer" in table:
        costs = _input(table["kostnader"], (*path, "kostnader"), folder, src)
        drivers = _input(table["volymer"], (*path, "volymer"), folder, src)
    elif data is not None and data.sample == "pensionsmyndigheten":
        costs = Input(path=("data", "exempel"), sample="pensionsmyndigheten_kostnader")
        drivers = Input(path=("data", "exempel"), sample="pensionsmyndigheten_volymer")
    else:
        missing = "volymer" if "kostnader" in table else "kostnader"
        raise src.error((*path, missing), MISSING.format(why=": " + ALLOCATION_INPUT))
    if ("gemensam_kolumn" in table) != ("gemensam_varde" in table):
        missing = "gemensam_varde" if "gemensam_kolumn" in table else "gemensam_kolumn"
        raise src.error(
            (*path, missing),
            MISSING.format(why=POOLS),
        )
    keys = {"kostnad": "cost", "volymmatt": "driver"}
    default = table.get("gemensam_nyckel", "kostnad")
    overhead_key: str | dict[str, str] = keys.get(default, default)
    if "nycklar" in table:
        overhead_key = {pool: keys.get(key, key) for pool, key in table["nycklar"].items()}
    if "avrunda" in table and table["avrunda"] <= 0:
        raise src.error(
            (*path, "avrunda"),
            NUMBER_RANGE.format(what="a number > 0 (kronor, e.g. 1000)", value=table["avrunda"]),
        )
    return AllocationSpec(
        title=table.get("titel", "Fördelning"),
        costs=costs,
        drivers=drivers,
        cost_object=table["kostnadsobjekt"],
        amount=table["belopp"],
        sex=table["kon"],
        driver=_columns(table["volymmatt"]),
        by=_columns(table.get("uppdelning")),
        persons=table.get("personer"),
        round_to=table.get("avrunda"),
        overhead_column=table.get("gemensam_kolumn"),
        overhead_value=table.get("gemensam_varde"),
        overhead_key=overhead_key,
    )


def _check_numbers(parsed: Mapping[str, Any], src: _Source) -> None:
    """Check the numbers of keys are in range (the library's own checks would name no line)."""
    ranges = [
        (("rapport", "min_n"), lambda v: v >= 1, "a whole number >= 1"),
        (("analys", "konfidensniva"), lambda v: 0 < v < 1, "a number between 0 and 1, e.g. 0.95"),
        (("bedomning", "alfa"), lambda v: 0 < v < 1, "a number between 0 and 1, e.g. 0.05"),
        (("bedomning", "min_personer"), lambda v: v >= 0, "a whole number >= 0"),
        (("bedomning", "min_enheter"), lambda v: v >= 2, "a whole number >= 2"),
        (("bedomning", "min_relativ"), lambda v: v >= 0, "a number >= 0, e.g. 0.05"),
    ]
    for (table, key), fits, what in ranges:
        value = parsed.get(table, {}).get(key)
        if value is not None and not fits(value):
            raise src.error((table, key), NUMBER_RANGE.format(what=what, value=value))


def check_config(path: str | os.PathLike[str]) -> Config:
    """Read and check a settings file without reading any data.

    Parameters
    ----------
    path : str or path-like
        The TOML file.

    Returns
    -------
    Config
        The checked settings, ready for :func:`run_config`.

    Raises
    ------
    FileNotFoundError
        The settings file does not exist.
    ConfigError
        A syntax error (with its line and column), an unknown key (with the closest known
        one), a value of the wrong type or not allowed, a missing key, a file that does not
        exist: each names the key and its line.
    """
    file = Path(path)
    parsed, src, digest = _load(file)
    _check_table(parsed, SCHEMA, (), src)
    _check_numbers(parsed, src)
    folder = file.resolve().parent
    report = parsed.get("rapport", {})
    analysis = parsed.get("analys", {})
    data = _input(parsed["data"], ("data",), folder, src) if "data" in parsed else None
    raw = parsed.get("indikator", [])
    indicators = tuple(_indicator(i, table, analysis, src) for i, table in enumerate(raw))
    if not indicators and "fordelning" not in parsed:
        raise src.error(("indikator",), NO_WORK)
    if indicators:
        if data is None:
            raise src.error(
                ("data",), MISSING.format(why=" by the [[indikator]] tables: the input they read")
            )
        if data.sample == "pensionsmyndigheten":
            raise src.error(("data", "exempel"), PENSION_ONLY)
        if "kon" not in parsed["data"]:
            raise src.error(
                ("data", "kon"),
                MISSING.format(why=" by the [[indikator]] tables: the column with the sex codes"),
            )
    _check_sections(indicators, src)
    allocation = None
    if "fordelning" in parsed:
        allocation = _allocation(parsed["fordelning"], data, folder, src)
    bedomning = parsed.get("bedomning", {})
    rule = {
        argument: bedomning[key]
        for key, argument in (
            ("alfa", "alpha"),
            ("min_personer", "min_n"),
            ("min_enheter", "min_units"),
            ("min_relativ", "min_relative"),
        )
        if key in bedomning
    }
    if "korrigering" in bedomning:
        rule["p_adjust"] = CORRECTIONS[bedomning["korrigering"]]
    lang: Lang = "en" if report.get("sprak") == "en" else "sv"
    return Config(
        path=file,
        digest=digest,
        source=src,
        title=report.get("titel"),
        lang=lang,
        folder=folder / report.get("mapp", "rapport"),
        stem=report.get("filnamn", "rapport"),
        min_n=report.get("min_n", 3),
        suppress=report.get("rojandeskydd", True),
        created=_created(report),
        origin=report.get("kalla"),
        synthetic=report.get("syntetiska", data is not None and data.sample is not None),
        charts=report.get("diagram", True),
        csv=report.get("csv", True),
        data=data,
        sex=parsed.get("data", {}).get("kon"),
        mapping=parsed.get("data", {}).get("koder", {}),
        confidence=analysis.get("konfidensniva", 0.95),
        labels=analysis.get("etiketter", {}),
        rule=rule,
        indicators=indicators,
        allocation=allocation,
    )


@dataclass(frozen=True)
class ConfigRun:
    """The files a settings file wrote.

    Attributes
    ----------
    folder : Path
        The report's folder.
    files : tuple of Path
        Every file written: the HTML page, the workbook, then the CSV files.

    Examples
    --------
    >>> from pathlib import Path
    >>> run = ConfigRun(Path("ut"), (Path("ut/rapport.html"), Path("ut/rapport.xlsx")))
    >>> run.html.name, run.excel.name
    ('rapport.html', 'rapport.xlsx')
    """

    folder: Path
    files: tuple[Path, ...]

    @property
    def html(self) -> Path:
        """The HTML report."""
        return self.files[0]

    @property
    def excel(self) -> Path:
        """The workbook."""
        return self.files[1]


@dataclass(frozen=True)
class _Read:
    """A table read for the report, with what the provenance says of it."""

    frame: pd.DataFrame
    name: str
    items: tuple[tuple[str, str], ...]


def _sample(name: str) -> pd.DataFrame:
    from genderbudget import datasets

    loaders: dict[str, Callable[[], pd.DataFrame]] = {
        "kriminalvarden": datasets.load_kriminalvarden,
        "sis": datasets.load_sis,
        "pensionsmyndigheten_kostnader": datasets.load_pension_costs,
        "pensionsmyndigheten_volymer": datasets.load_pension_drivers,
    }
    return loaders[name]()


def _read(item: Input, lang: Lang) -> _Read:
    """Read one input: a sample dataset, or a file through ``read_table``."""
    words = language(lang)["report"]["provenance"]
    if item.sample is not None:
        frame = _sample(item.sample)
        digest = hashlib.sha256(frame.to_csv(index=False).encode("utf-8")).hexdigest()
        name = f"genderbudget.datasets: {item.sample}"
        facts = {"fingerprint": digest, "rows": len(frame), "columns": list(frame.columns)}
        read_text = None
    else:
        from genderbudget._read import read_table

        reading = read_table(item.file, **item.options)
        frame, report = reading.frame, reading.report
        facts = report.as_dict()
        name = str(facts.get("source", item.file.name if item.file else "query"))
        read_text = report.text(lang)
    columns = ", ".join(str(c) for c in facts["columns"])  # type: ignore[attr-defined]
    items = [
        (words["input"], name),
        (words["input_fingerprint"], str(facts["fingerprint"])),
        (words["input_rows"], str(facts["rows"])),
        (words["input_columns"], columns),
    ]
    if read_text is not None:
        items.append((words["input_read"], read_text))
    return _Read(frame, name, tuple(items))


def _check_column(
    column: str, frame: pd.DataFrame, path: KeyPath, read: _Read, src: _Source
) -> None:
    if column in frame.columns:
        return
    names = [str(c) for c in frame.columns]
    close = difflib.get_close_matches(column, names, n=1, cutoff=0.6)
    hint = CLOSEST.format(closest=close[0]) if close else ""
    problem = COLUMN_MISSING.format(
        column=masked(column),
        source=read.name,
        hint=hint,
        columns=", ".join(repr(n) for n in names),
    )
    raise src.error(path, problem)


def _indicator_columns(item: Indicator) -> list[tuple[str, str]]:
    """Every column an indicator names, with the key that names it."""
    keys = {"kolumn", "taljare", "namnare", "resurs", "behov", "dagar", "kluster"}
    found = []
    needed, _ = MEASURE_COLUMNS[item.kind]
    values = dict(zip(needed, item.arguments["columns"], strict=True))
    values.update(
        {
            k: item.arguments[a]
            for k, a in (("kluster", "cluster"), ("dagar", "days"))
            if a in item.arguments
        }
    )
    for key in keys & set(values):
        found.append((key, values[key]))
    for number, column in enumerate(item.by):
        found.append((f"uppdelning.{number}", column))
    for number, column in enumerate(item.justified):
        found.append((f"sakliga_skal.{number}", column))
    return sorted(found)


def _check_data_columns(config: Config, read: _Read) -> None:
    """Every column the settings name must be in the data; the message names key and line."""
    src, frame = config.source, read.frame
    if config.sex is not None:
        _check_column(config.sex, frame, ("data", "kon"), read, src)
    for item in config.indicators:
        for key, column in _indicator_columns(item):
            base = key.split(".")[0]
            path: KeyPath = ("indikator", item.index, base)
            if item.by and base == "uppdelning" and "uppdelning" not in _raw_keys(config, item):
                path = ("analys", "uppdelning")
            if (
                item.justified
                and base == "sakliga_skal"
                and "sakliga_skal" not in _raw_keys(config, item)
            ):
                path = ("analys", "sakliga_skal")
            _check_column(column, frame, path, read, src)


def _raw_keys(config: Config, item: Indicator) -> set[str]:
    """Return the keys written in an indicator's own table (found by their lines)."""
    return {
        str(path[2])
        for path in config.source.lines
        if len(path) == 3 and path[0] == "indikator" and path[1] == item.index
    }


def _measure(item: Indicator) -> Any:
    import genderbudget as gb

    makers: dict[str, Callable[..., Any]] = {
        "count": gb.count,
        "rate": gb.rate,
        "mean": gb.mean,
        "ratio": gb.ratio,
        "total": gb.total,
        "per_need": gb.per_need,
    }
    arguments = {k: v for k, v in item.arguments.items() if k != "columns"}
    return makers[MEASURES[item.kind]](*item.arguments["columns"], **arguments)


def _sections(
    config: Config, data: pd.DataFrame, progress: Callable[[str], None]
) -> list[tuple[str, Any, str]]:
    """Analyse each section's indicators together; return (title, result, words)."""
    import genderbudget as gb

    order: dict[str, list[Indicator]] = {}
    for item in config.indicators:
        order.setdefault(item.section, []).append(item)
    sections = []
    for title, items in order.items():
        progress(step(config.lang, "analyse", section=title))
        differences = {
            i.name: float(i.min_difference) for i in items if i.min_difference is not None
        }
        rule = gb.FlagRule(**config.rule, min_difference=differences)
        result = gb.analyse(
            data,
            [_measure(i) for i in items],
            sex=str(config.sex),
            by=list(items[0].by),
            justified=list(items[0].justified),
            confidence=config.confidence,
            rule=rule,
            mapping=cast("dict[object, str]", dict(config.mapping)) or None,
        )
        sections.append((title, result, items[0].words))
    return sections


def _allocate(spec: AllocationSpec, costs: _Read, drivers: _Read, config: Config) -> Any:
    import genderbudget as gb

    src = config.source
    for column, key in ((spec.cost_object, "kostnadsobjekt"), (spec.amount, "belopp")):
        _check_column(column, costs.frame, ("fordelning", key), costs, src)
    if spec.overhead_column is not None:
        _check_column(
            spec.overhead_column, costs.frame, ("fordelning", "gemensam_kolumn"), costs, src
        )
    for column in (spec.sex, *spec.driver, *(p for p in [spec.persons] if p)):
        key = (
            "kon"
            if column == spec.sex
            else "personer"
            if column == spec.persons and column not in spec.driver
            else "volymmatt"
        )
        _check_column(column, drivers.frame, ("fordelning", key), drivers, src)
    for column in spec.by:
        _check_column(column, costs.frame, ("fordelning", "uppdelning"), costs, src)
        _check_column(column, drivers.frame, ("fordelning", "uppdelning"), drivers, src)
    table, overhead = costs.frame, None
    if spec.overhead_column is not None:
        common = table[spec.overhead_column].astype(str) == spec.overhead_value
        table, overhead = table.loc[~common], table.loc[common]
    return gb.allocate(
        table,
        drivers.frame,
        cost_object=spec.cost_object,
        amount=spec.amount,
        sex=spec.sex,
        by=list(spec.by),
        driver=list(spec.driver),
        overhead=overhead,
        overhead_key=spec.overhead_key,
        persons=spec.persons,
        round_to=spec.round_to,
    )


def step(lang: Lang, which: str, **fields: object) -> str:
    """Return the message of a long step (reading, analysing, writing) in a language."""
    template: str = language(lang)["progress"][which]
    return template.format(**fields)


def _silent(message: str) -> None:
    """Say nothing (the default progress of :func:`run_config`)."""


def _provenance(config: Config, reads: Sequence[_Read]) -> dict[str, str]:
    words = language(config.lang)["report"]["provenance"]
    items = {words["config"]: config.path.name, words["config_hash"]: config.digest}
    several = len(reads) > 1
    for number, read in enumerate(reads, start=1):
        for label, text in read.items:
            items[f"{label} ({number})" if several else label] = text
    return items


def _slug(number: int, title: str) -> str:
    """Return a folder name for a section: its number and its title in ASCII letters."""
    ascii_title = unicodedata.normalize("NFKD", title.lower()).encode("ascii", "ignore").decode()
    keep = "".join(c if c.isalnum() else "_" for c in ascii_title).strip("_")
    return f"{number}_{keep or 'avsnitt'}"


def run_config(
    path: str | os.PathLike[str], *, progress: Callable[[str], None] | None = None
) -> ConfigRun:
    """Run a settings file: read the input, compute its indicators, write the report.

    The settings file (TOML; every key in ``docs/config.md``) is checked completely before
    any data is read; then the input is read, every column it names is checked, each
    section's indicators are analysed together and the report is written into the folder
    ``[rapport] mapp`` (relative to the settings file): ``<filnamn>.html`` and
    ``<filnamn>.xlsx`` with :func:`genderbudget.report`, and each section's tables as CSV
    files in ``csv/``. Small cells are hidden for publication (``[rapport] min_n``,
    :func:`genderbudget.suppress`) unless ``rojandeskydd = false``.

    Parameters
    ----------
    path : str or path-like
        The settings file.
    progress : callable, optional
        Called with a short message before each long step (reading, analysing, writing).

    Returns
    -------
    ConfigRun
        The folder and the files written.

    Raises
    ------
    ConfigError
        A problem in the settings file, naming the key and its line (also a column named
        in the settings that is not in the data: with the columns there are).
    FileNotFoundError
        The settings file does not exist.
    ValueError, TypeError
        The library's own checks of the data (see :func:`genderbudget.analyse`).

    Notes
    -----
    The provenance of every section records the library version, the settings file's name
    and SHA-256, each input's name, SHA-256, rows and columns, the publication threshold
    and the flag rule. Its time is ``SOURCE_DATE_EPOCH`` when set, else ``[rapport]
    datum``, else none, so running the same settings on the same input twice gives
    byte-identical CSV files and workbooks.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import genderbudget as gb
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "arbetsdrift.toml").write_text('''
    ... [rapport]
    ... mapp = "ut"
    ... diagram = false
    ...
    ... [data]
    ... exempel = "kriminalvarden"
    ... kon = "kon"
    ...
    ... [[indikator]]
    ... namn = "arbetsdrift"
    ... matt = "andel"
    ... kolumn = "arbetsdrift"
    ... uppdelning = "ar"
    ... ''', encoding="utf-8")
    >>> run = gb.run_config(folder / "arbetsdrift.toml")
    >>> [p.name for p in run.files[:2]]
    ['rapport.html', 'rapport.xlsx']
    """
    import genderbudget as gb

    say = progress or _silent
    config = check_config(path)
    reads: list[_Read] = []
    sections: list[tuple[str, Any, str]] = []
    if config.indicators and config.data is not None:
        say(step(config.lang, "read", name=_shown(config.data)))
        read = _read(config.data, config.lang)
        reads.append(read)
        _check_data_columns(config, read)
        sections += _sections(config, read.frame, say)
    if config.allocation is not None:
        spec = config.allocation
        say(step(config.lang, "read", name=_shown(spec.costs)))
        costs = _read(spec.costs, config.lang)
        say(step(config.lang, "read", name=_shown(spec.drivers)))
        drivers = _read(spec.drivers, config.lang)
        reads += [costs, drivers]
        say(step(config.lang, "allocate", section=spec.title))
        sections.append((spec.title, _allocate(spec, costs, drivers, config), "adults"))
    say(step(config.lang, "write", folder=config.folder.name))
    config.folder.mkdir(parents=True, exist_ok=True)
    extra = _provenance(config, reads)
    labels = {title: dict(config.labels) for title, _, _ in sections}
    written = gb.report(
        [(title, obj) for title, obj, _ in sections],
        config.folder / f"{config.stem}.html",
        config.folder / f"{config.stem}.xlsx",
        title=config.title,
        lang=config.lang,
        suppress=config.suppress,
        min_n=config.min_n,
        sources={title: config.origin for title, _, _ in sections} if config.origin else None,
        synthetic=config.synthetic,
        charts=config.charts,
        words={title: w for title, _, w in sections},  # type: ignore[misc]
        labels=labels,
        created=config.created,
        provenance=extra,
    )
    if config.csv:
        written += _write_csv(config, sections, extra)
    return ConfigRun(config.folder, tuple(written))


def _write_csv(
    config: Config, sections: Sequence[tuple[str, Any, str]], extra: Mapping[str, str]
) -> list[Path]:
    """Write each result's tables as CSV files into ``csv/<number>_<section>/``."""
    from genderbudget._report import to_csv
    from genderbudget._result import Result

    written: list[Path] = []
    for number, (title, obj, _) in enumerate(sections, start=1):
        if not isinstance(obj, Result):
            continue
        written += to_csv(
            obj,
            config.folder / "csv" / _slug(number, title),
            lang=config.lang,
            suppress=config.suppress,
            min_n=config.min_n,
            source=config.origin,
            synthetic=config.synthetic,
            created=config.created,
            provenance=extra,
        )
    return written


def _shown(item: Input) -> str:
    if item.sample is not None:
        return item.sample
    if item.file is not None:
        return item.file.name
    return "query"
