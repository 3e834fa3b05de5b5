"""Find the line of a key in a TOML file. `tomllib` reports no positions, so config errors
locate keys by scanning the text: enough for the tables, arrays of tables and plain keys our
config uses (not inline tables spanning lines)."""

from __future__ import annotations

import re

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([^\]]+?)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\.\"' ]+?)\s*=")

Path = tuple[str | int, ...]


def _split(dotted: str) -> list[str]:
    return [part.strip().strip("\"'") for part in dotted.split(".")]


def key_lines(text: str) -> dict[Path, int]:
    """Map each table and key path to its 1-based line: ("meters", 0, "params", "port") -> 17."""
    lines: dict[Path, int] = {}
    counters: dict[tuple[str, ...], int] = {}
    current: list[str | int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line
        if match := _ARRAY_HEADER.match(stripped):
            names = _split(match.group(1))
            index = counters.get(tuple(names), -1) + 1
            counters[tuple(names)] = index
            current = [*_resolve(names[:-1], counters), names[-1], index]
            lines[tuple(current)] = number
        elif match := _TABLE_HEADER.match(stripped):
            current = _resolve(_split(match.group(1)), counters)
            lines[tuple(current)] = number
        elif match := _KEY.match(stripped):
            lines.setdefault((*current, *_split(match.group(1))), number)
    return lines


def _resolve(names: list[str], counters: dict[tuple[str, ...], int]) -> list[str | int]:
    """`[meters.params]` after the third `[[meters]]` belongs to meters[2]."""
    path: list[str | int] = []
    for i, name in enumerate(names):
        path.append(name)
        index = counters.get(tuple(names[: i + 1]))
        if index is not None:
            path.append(index)
    return path


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of `path`, else of its nearest enclosing table or key."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None
