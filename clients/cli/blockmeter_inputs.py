"""Command-line input for the ledger commands: times, dates, values, CSV files, keys, and the
markets' quantities (amounts, prices, ratios, durations, energy).

Every function raises UserError with a message that names the bad input.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable
from pathlib import Path

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.clients.contracts import quantities as q
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import is_public_key, load_public_key
from smartblocks.processors.kit import payload


def check_id(what: str, value: str, listing: str) -> None:
    """The processors' rule for ids (processors/kit/payload.py), checked before anything is read
    or signed: an id that breaks it names nothing on the ledger. `listing` is the command that
    shows the valid ones."""
    try:
        payload.check_id(what, value)
    except InvalidTransaction as exc:
        raise UserError(f"invalid id: {exc} (`{listing}` shows the ids)") from None


def parse_time(text: str) -> int:
    """ISO 8601 ("2026-03-01T12:00Z", "2026-03-01T13:00+01:00", "2026-03-01" = 00:00 UTC;
    without an offset, UTC) or Unix seconds, as Unix seconds."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"{text!r} is not a time: use ISO 8601 such as 2026-03-01T12:00Z, or Unix seconds"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return int(moment.timestamp())


def parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{text!r} is not a date: use YYYY-MM-DD") from None


def parse_int_list(text: str, what: str = "value") -> list[int]:
    """ "1,2,3" -> [1, 2, 3]; names the position of anything that is not an integer."""
    numbers = []
    for i, item in enumerate(text.split(","), 1):
        try:
            numbers.append(int(item.strip()))
        except ValueError:
            raise UserError(f"{what} {i} ({item.strip()!r}) is not an integer") from None
    return numbers


def read_values_csv(path: Path | str) -> tuple[list[int], list[int]]:
    """A CSV of `value` or `value,quality` rows (a header row is skipped) -> values, quality.

    Quality is empty unless some row has one; rows without one then count as 0 (good)."""
    path = Path(path).expanduser()
    try:
        with path.open(newline="") as f:
            rows = [row for row in csv.reader(f) if row and any(c.strip() for c in row)]
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    if rows and not _is_int(rows[0][0]):
        rows = rows[1:]  # header
    values: list[int] = []
    quality: list[int] = []
    for line, row in enumerate(rows, 1):
        cells = [c.strip() for c in row]
        if len(cells) > 2 or not all(_is_int(c) for c in cells if c) or not cells[0]:
            raise UserError(f"{path}: data row {line} {row!r} is not `value` or `value,quality`")
        values.append(int(cells[0]))
        quality.append(int(cells[1]) if len(cells) == 2 and cells[1] else 0)
    if not values:
        raise UserError(f"{path}: no values")
    return values, quality if any(quality) else []


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def public_key_arg(text: str) -> str:
    """A public key as 66 hex characters or a .pub file holding them."""
    if is_public_key(text.strip()):
        return text.strip()
    if Path(text).expanduser().exists():
        return load_public_key(text)
    raise UserError(f"{text!r} is neither a public key (66 hex) nor a .pub file")


def parse_quantity(flag: str, parse: Callable[[str], int | tuple[int, str]], text: str) -> int:
    """`text` read by one of clients/contracts/quantities.py's parsers, its error prefixed with
    the flag the person typed (the parsers themselves do not know it)."""
    try:
        value = parse(text)
    except ValueError as exc:
        raise UserError(f"{flag}: {exc}") from None
    # parse_energy answers (base units, unit); the others a bare integer.
    return value[0] if isinstance(value, tuple) else value


def parse_electricity(flag: str, text: str) -> int:
    """Energy that must be electricity ("10 kWh"), in mWh: the markets trade nothing else."""
    try:
        energy, unit = q.parse_energy(text)
    except ValueError as exc:
        raise UserError(f"{flag}: {exc}") from None
    if unit != "mWh":
        raise UserError(f"{flag}: {text!r} is not electricity (give Wh, kWh or MWh)")
    return energy
