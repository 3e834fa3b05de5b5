"""TOML configuration files that tell a person what to fix: every problem names the file, the
line and the key ("site.toml:17: meters[0].params.port: must be an integer").

`tomllib` reports no positions, so the line of a key is found by scanning the text (enough for
the tables, arrays of tables and plain keys our files use; not inline tables spanning lines).
`Params` reads one table with typed getters; `done()` rejects keys nobody asked for, so a typo
fails loudly. Used by the edge agent's config, the stack file of `smartblocks up` and portal.toml.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class ParamError(ValueError):
    """A bad value at `key` (a path relative to the table being read)."""

    def __init__(self, key: tuple[str | int, ...], message: str):
        super().__init__(message)
        self.key = key
        self.message = message


_MISSING = object()


class Params:
    """Reads a table; `done()` then rejects keys nobody asked for (typos fail loudly)."""

    def __init__(self, table: dict[str, Any], prefix: tuple[str | int, ...] = ()):
        if not isinstance(table, dict):
            raise ParamError(prefix, f"must be a table, got {type(table).__name__}")
        self.table = table
        self.prefix = prefix
        self.used: set[str] = set()

    def value(self, key: str, default: Any = _MISSING) -> Any:
        """The value as written (unchecked), or `default`; marks `key` as read."""
        self.used.add(key)
        value = self.table.get(key, default)
        if value is _MISSING:
            raise ParamError((*self.prefix, key), "is required")
        return value

    def error(self, key: str, message: str) -> ParamError:
        return ParamError((*self.prefix, key), message)

    def text(self, key: str, default: Any = _MISSING, *, choices: tuple[str, ...] = ()) -> Any:
        value = self.value(key, default)
        if value is None or value is default:
            return value
        if not isinstance(value, str) or not value:
            raise self.error(key, f"must be a non-empty string, got {value!r}")
        if choices and value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    def integer(self, key: str, default: Any = _MISSING, *, low: int = 0, high: int = 2**63) -> Any:
        value = self.value(key, default)
        if value is None or value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(key, f"must be an integer from {low} to {high}, got {value!r}")
        return value

    def number(self, key: str, default: Any = _MISSING) -> Any:
        value = self.value(key, default)
        if value is None or value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.error(key, f"must be a number, got {value!r}")
        return value

    def boolean(self, key: str, default: Any = _MISSING) -> Any:
        value = self.value(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false, got {value!r}")
        return value

    def texts(self, key: str, default: Any = _MISSING) -> Any:
        value = self.value(key, default)
        if value is None or value is default:
            return value
        if isinstance(value, str):
            value = [value]
        if not (isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)):
            raise self.error(key, f"must be a string or a non-empty list of strings, got {value!r}")
        return value

    def table_list(self, key: str) -> list[Params]:
        value = self.value(key, [])
        if not isinstance(value, list):
            raise self.error(key, "must be an array of tables ([[...]])")
        return [Params(item, (*self.prefix, key, i)) for i, item in enumerate(value)]

    def sub(self, key: str) -> Params:
        return Params(self.value(key, {}), (*self.prefix, key))

    def done(self, *, list_known: bool = False) -> None:
        """Reject keys nobody read; `list_known` names the keys read, for tables whose every
        key is read unconditionally (else the list would be incomplete)."""
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            hint = f"known: {', '.join(sorted(self.used))}" if list_known else "misspelt?"
            raise self.error(unknown[0], f"unknown key ({hint})")


_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([^\]]+?)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\.\"' ]+?)\s*=")

KeyPath = tuple[str | int, ...]


def _split(dotted: str) -> list[str]:
    return [part.strip().strip("\"'") for part in dotted.split(".")]


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map each table and key path to its 1-based line: ("meters", 0, "params", "port") -> 17."""
    lines: dict[KeyPath, int] = {}
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


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of `path`, else of its nearest enclosing table or key."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def dotted(key: tuple[str | int, ...]) -> str:
    """("meters", 0, "params", "port") -> "meters[0].params.port"."""
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def load_toml(
    path: str | Path,
    parse: Callable[[dict[str, Any]], T],
    error: Callable[[str], Exception],
    *,
    what: str = "config",
) -> T:
    """Read and parse a TOML file; any problem raises `error(message)` naming file, line, key."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror}") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    try:
        return parse(doc)
    except ParamError as exc:
        line = line_of(key_lines(text), exc.key)
        raise error(describe(f"{path}:{line}" if line else str(path), exc)) from None


def describe(where: str, exc: ParamError) -> str:
    """`WHERE: KEY: problem`, WHERE being a file (with its line when known) or another label."""
    return f"{where}: {dotted(exc.key)}: {exc.message}"
