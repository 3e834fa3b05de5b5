"""Typed reading of one TOML table, each problem naming its key: shared by config and connectors."""

from __future__ import annotations

from typing import Any


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

    def _get(self, key: str, default: Any) -> Any:
        self.used.add(key)
        value = self.table.get(key, default)
        if value is _MISSING:
            raise ParamError((*self.prefix, key), "is required")
        return value

    def error(self, key: str, message: str) -> ParamError:
        return ParamError((*self.prefix, key), message)

    def text(self, key: str, default: Any = _MISSING, *, choices: tuple[str, ...] = ()) -> Any:
        value = self._get(key, default)
        if value is None or value is default:
            return value
        if not isinstance(value, str) or not value:
            raise self.error(key, f"must be a non-empty string, got {value!r}")
        if choices and value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    def integer(self, key: str, default: Any = _MISSING, *, low: int = 0, high: int = 2**63) -> Any:
        value = self._get(key, default)
        if value is None or value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(key, f"must be an integer from {low} to {high}, got {value!r}")
        return value

    def number(self, key: str, default: Any = _MISSING) -> Any:
        value = self._get(key, default)
        if value is None or value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.error(key, f"must be a number, got {value!r}")
        return value

    def texts(self, key: str, default: Any = _MISSING) -> Any:
        value = self._get(key, default)
        if value is None or value is default:
            return value
        if isinstance(value, str):
            value = [value]
        if not (isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)):
            raise self.error(key, f"must be a string or a non-empty list of strings, got {value!r}")
        return value

    def table_list(self, key: str) -> list[Params]:
        value = self._get(key, [])
        if not isinstance(value, list):
            raise self.error(key, "must be an array of tables ([[...]])")
        return [Params(item, (*self.prefix, key, i)) for i, item in enumerate(value)]

    def sub(self, key: str) -> Params:
        return Params(self._get(key, {}), (*self.prefix, key))

    def done(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            raise self.error(unknown[0], "unknown key (misspelt?)")
