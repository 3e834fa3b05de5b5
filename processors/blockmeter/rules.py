"""The rules a reading window must pass, as plain functions over plain data.

They raise InvalidTransaction with a message naming the meter, the rule and the values.
"""

from __future__ import annotations

from collections.abc import Sequence

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.kit.periods import SECONDS_PER_HOUR, iso


def gap_before(meter_id: str, recorded_until: int | None, window_start: int) -> int:
    """Seconds between the end of recorded data and a new window; reject overlap."""
    if recorded_until is None:
        return 0
    if window_start < recorded_until:
        raise InvalidTransaction(
            f"meter {meter_id}: window {iso(window_start)} starts before recorded data ends "
            f"({iso(recorded_until)})"
        )
    return window_start - recorded_until


def check_not_ahead(meter_id: str, window_end: int, now: int, tolerance_s: int) -> None:
    """A window may end at most `tolerance_s` after ledger time `now`."""
    if window_end > now + tolerance_s:
        raise InvalidTransaction(
            f"meter {meter_id}: window ends {iso(window_end)}, more than {tolerance_s} s after "
            f"ledger time {iso(now)}: readings from the future are refused (check the "
            "gateway's clock)"
        )


def register_deltas(previous: int, registers: Sequence[int], rollover: int) -> list[int]:
    """What a register counted in each interval; a smaller reading is taken as a wrap at
    `rollover` (whether that wrap is plausible is check_quantities' question)."""
    deltas = []
    for register in registers:
        delta = register - previous
        deltas.append(delta if delta >= 0 else delta + rollover)
        previous = register
    return deltas


def check_registers(meter_id: str, registers: Sequence[int], rollover: int) -> None:
    for i, register in enumerate(registers):
        if not 0 <= register < rollover:
            raise InvalidTransaction(
                f"meter {meter_id}: register value {register} (value {i}) is outside "
                f"0..{rollover - 1} (rollover {rollover})"
            )


def check_rates(
    meter_id: str,
    window_start: int,
    interval_s: int,
    values: Sequence[int],
    low: int,
    high: int,
    symbol: str,
) -> None:
    """Rate units: each value itself within the plausibility bounds."""
    for i, value in enumerate(values):
        if not low <= value <= high:
            raise InvalidTransaction(
                f"meter {meter_id}: value {value} {symbol} at {iso(window_start + i * interval_s)}"
                f" is outside the plausible range {low}..{high} {symbol}"
            )


def check_quantities(
    meter_id: str,
    window_start: int,
    interval_s: int,
    quantities: Sequence[int],
    low_per_hour: int,
    high_per_hour: int,
    symbol: str,
    *,
    first_elapsed_s: int | None = None,
    registers: Sequence[int] | None = None,
    previous_register: int = 0,
) -> None:
    """Quantity units: each interval's quantity within the bounds scaled to its length
    (low * s <= q * 3600 <= high * s, exact in integers). For registers the first delta may
    cover a gap too (`first_elapsed_s`), and a wrap that would be implausible is reported as
    the register going backwards."""
    for i, quantity in enumerate(quantities):
        elapsed = first_elapsed_s if (i == 0 and first_elapsed_s is not None) else interval_s
        if low_per_hour * elapsed <= quantity * SECONDS_PER_HOUR <= high_per_hour * elapsed:
            continue
        at = iso(window_start + i * interval_s)
        lowest = -(-low_per_hour * elapsed // SECONDS_PER_HOUR)  # shown rounded inwards
        highest = high_per_hour * elapsed // SECONDS_PER_HOUR
        if registers is not None:
            before = registers[i - 1] if i else previous_register
            if registers[i] < before:
                raise InvalidTransaction(
                    f"meter {meter_id}: register went back from {before} to {registers[i]} at "
                    f"{at}; as a rollover it would mean {quantity} {symbol} in {elapsed} s, "
                    f"above the plausible {highest} {symbol}"
                )
        raise InvalidTransaction(
            f"meter {meter_id}: {quantity} {symbol} in the {elapsed} s from {at} is outside the "
            f"plausible {lowest}..{highest} {symbol} ({low_per_hour}..{high_per_hour} "
            f"{symbol}/h)"
        )
