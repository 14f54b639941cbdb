"""Line numbers of the keys and tables of a TOML text, for messages about a settings file.

``tomllib`` reports the line of a syntax error only; a key that parses but means nothing
(unknown, of the wrong type) has to be found in the text again. :func:`key_lines` reads the
text line by line as TOML lays it out: table headers ``[a.b]``, arrays of tables
``[[a]]`` (each header starts the next element, so the n-th ``[[indikator]]`` is element
n - 1), dotted and quoted keys, and values that run over several lines (arrays, inline
tables, multi-line strings), whose inner lines are not keys.

A path is a tuple of keys and 0-based element numbers: ``("indikator", 1, "matt")`` is the
key ``matt`` of the second ``[[indikator]]``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["KeyPath", "display", "key_lines", "line_of"]

KeyPath = tuple[str | int, ...]

BARE = r"[A-Za-z0-9_-]+"
QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
PART = rf"(?:{BARE}|{QUOTED})"
DOTTED = rf"{PART}(?:\s*\.\s*{PART})*"
HEADER = re.compile(rf"^\s*(\[\[|\[)\s*({DOTTED})\s*(\]\]|\])\s*(?:#.*)?$")
KEY = re.compile(rf"^\s*({DOTTED})\s*=")
PARTS = re.compile(PART)


def _parts(dotted: str) -> list[str]:
    """Split a dotted key into its keys, without quotes."""
    parts = []
    for match in PARTS.finditer(dotted):
        text = match.group(0)
        if text[0] in "\"'":
            text = text[1:-1]
        parts.append(text)
    return parts


def _scan(line: str, depth: int, string: str | None) -> tuple[int, str | None]:
    """Follow brackets and multi-line strings through one line; return the state after it."""
    position = 0
    while position < len(line):
        if string is not None:
            end = line.find(string, position)
            if end < 0:
                return depth, string
            position, string = end + 3, None
            continue
        char = line[position]
        if line.startswith(('"""', "'''"), position):
            string = line[position : position + 3]
            position += 3
        elif char == "#":
            break
        elif char in "\"'":
            position = _string_end(line, position)
        elif char in "[{":
            depth += 1
            position += 1
        elif char in "]}":
            depth = max(depth - 1, 0)
            position += 1
        else:
            position += 1
    return depth, string


def _string_end(line: str, start: int) -> int:
    """Return the position after a one-line string that starts at ``start``."""
    quote = line[start]
    position = start + 1
    while position < len(line):
        if quote == '"' and line[position] == "\\":
            position += 2
            continue
        if line[position] == quote:
            return position + 1
        position += 1
    return position


def _resolve(parts: list[str], arrays: Mapping[KeyPath, int]) -> KeyPath:
    """Turn a header's keys into a path, with the current element of each array of tables."""
    path: list[str | int] = []
    for part in parts:
        path.append(part)
        if tuple(path) in arrays:
            path.append(arrays[tuple(path)])
    return tuple(path)


def key_lines(text: str) -> dict[KeyPath, int]:
    r"""Return the 1-based line of every table, element of an array of tables and key.

    Parameters
    ----------
    text : str
        A TOML text (one that ``tomllib`` parses).

    Returns
    -------
    dict
        KeyPath -> line number.

    Examples
    --------
    >>> lines = key_lines('[data]\nfil = "a.csv"\n[[indikator]]\nmatt = "andel"\n'
    ...                   '[[indikator]]\nmatt = "kvot"\n')
    >>> lines[("indikator", 1, "matt")], lines[("data", "fil")]
    (6, 2)
    """
    lines: dict[KeyPath, int] = {}
    arrays: dict[KeyPath, int] = {}
    table: KeyPath = ()
    depth, string = 0, None
    for number, line in enumerate(text.splitlines(), start=1):
        if depth == 0 and string is None:
            header = HEADER.match(line)
            key = KEY.match(line)
            if header is not None:
                parts = _parts(header.group(2))
                if header.group(1) == "[[":
                    array = (*_resolve(parts[:-1], arrays), parts[-1])
                    arrays[array] = arrays.get(array, -1) + 1
                    table = (*array, arrays[array])
                    lines.setdefault(array, number)
                else:
                    table = _resolve(parts, arrays)
                lines[table] = number
                continue
            if key is not None:
                path = (*table, *_parts(key.group(1)))
                for end in range(len(table) + 1, len(path) + 1):
                    lines.setdefault(path[:end], number)
                line = line[key.end() :]
        depth, string = _scan(line, depth, string)
    return lines


def line_of(lines: Mapping[KeyPath, int], path: KeyPath) -> int | None:
    """Return the line of a path, else of the nearest table or key that holds it."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def display(path: KeyPath) -> str:
    """Write a path as the key a reader finds in the file: ``indikator[2].matt``.

    Examples
    --------
    >>> display(("indikator", 1, "matt"))
    'indikator[2].matt'
    >>> display(("fordelning", "nycklar", "IT och ledning"))
    'fordelning.nycklar."IT och ledning"'
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            shown = part if re.fullmatch(BARE, part) else f'"{part}"'
            text += f".{shown}" if text else shown
    return text
