"""Modbus TCP meters (pymodbus), with register maps as data.

A register is (address, function holding|input, type, word order, byte order, scale, unit).
Word order says which 16-bit register holds the most significant word ("big": the first);
byte order says how each register's two bytes are arranged ("little" swaps them). Built-in
maps: `sdm630` (Eastron SDM630-style three-phase meter: IEEE-754 float32 input registers, big
endian) and `generic` (integer holding registers); or give the register inline in the config.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException

from smartblocks.ledger.toml_config import Params

from ..units import UNITS, parse_scale
from .base import SourceError, to_base_or_error

TYPES: dict[str, tuple[int, str]] = {  # type -> (16-bit words, struct format, big endian)
    "int16": (1, ">h"),
    "uint16": (1, ">H"),
    "int32": (2, ">i"),
    "uint32": (2, ">I"),
    "int64": (4, ">q"),
    "uint64": (4, ">Q"),
    "float32": (2, ">f"),
    "float64": (4, ">d"),
}
ORDERS = ("big", "little")
FUNCTIONS = ("holding", "input")


@dataclass(frozen=True)
class Register:
    address: int
    type: str
    unit: str
    function: str = "holding"
    word_order: str = "big"
    byte_order: str = "big"
    scale: Decimal = Decimal(1)

    @property
    def words(self) -> int:
        return TYPES[self.type][0]


def _sdm(address: int, unit: str) -> Register:
    return Register(address, "float32", unit, function="input")


MAPS: dict[str, dict[str, Register]] = {
    # Eastron SDM630 Modbus protocol: input registers (function 04), float32, high word first.
    "sdm630": {
        "total_system_power": _sdm(0x0034, "W"),
        "total_import_energy": _sdm(0x0048, "kWh"),
        "total_export_energy": _sdm(0x004A, "kWh"),
        "total_energy": _sdm(0x0156, "kWh"),
    },
    "generic": {
        "energy": Register(0, "uint32", "Wh"),
        "power": Register(2, "int32", "W"),
        "energy64": Register(4, "uint64", "Wh"),
        "volume": Register(8, "uint32", "L"),
        "temperature": Register(10, "int16", "degC", scale=Decimal("0.1")),
    },
}


@dataclass(frozen=True)
class ModbusSettings:
    host: str
    port: int
    device_id: int
    register: Register
    timeout_s: float


def parse_params(p: Params) -> tuple[ModbusSettings, str]:
    host = p.text("host")
    port = p.integer("port", 502, low=1, high=65535)
    device_id = p.integer("device_id", 1, low=0, high=255)
    timeout_s = float(p.number("timeout_s", 2.0))
    map_name = p.text("map", None, choices=tuple(MAPS))
    if map_name is not None:
        name = p.text("register", choices=tuple(MAPS[map_name]))
        register = MAPS[map_name][name]
    else:
        register = Register(
            address=p.integer("address", low=0, high=65535),
            type=p.text("type", choices=tuple(TYPES)),
            unit=p.text("register_unit", choices=tuple(UNITS)),
        )
    overrides: dict[str, Any] = {}
    for key, choices in (("function", FUNCTIONS), ("word_order", ORDERS), ("byte_order", ORDERS)):
        value = p.text(key, None, choices=choices)
        if value is not None:
            overrides[key] = value
    scale = p.number("register_scale", None)
    if scale is not None:
        try:
            overrides["scale"] = parse_scale(scale)
        except ValueError as exc:
            raise p.error("register_scale", str(exc)) from None
    register = replace(register, **overrides)
    if register.address + register.words > 65536:
        raise p.error("address", "register runs past address 65535")
    p.done()
    return ModbusSettings(host, port, device_id, register, timeout_s), register.unit


def decode(registers: Sequence[int], register: Register) -> int | float:
    """The value held by `registers` (16-bit words as read) under `register`'s type and orders."""
    words = list(registers[: register.words])
    if len(words) != register.words:
        raise ValueError(f"{register.type} needs {register.words} registers, got {len(words)}")
    if register.word_order == "little":
        words.reverse()
    raw = b"".join(
        w.to_bytes(2, "big" if register.byte_order == "big" else "little") for w in words
    )
    return struct.unpack(TYPES[register.type][1], raw)[0]  # type: ignore[no-any-return]


def encode(value: int | float, register: Register) -> list[int]:
    """The inverse of `decode`: what a device holding `value` shows (tests and simulators)."""
    raw = struct.pack(TYPES[register.type][1], value)
    little = register.byte_order == "little"
    words = [
        int.from_bytes(raw[i : i + 2], "little" if little else "big") for i in range(0, len(raw), 2)
    ]
    if register.word_order == "little":
        words.reverse()
    return words


class ModbusSource:
    """One meter's register on a Modbus TCP device; reconnects after a lost connection."""

    def __init__(self, settings: ModbusSettings, unit: str, scale: Decimal):
        self.settings = settings
        self.unit = unit
        self.scale = scale * settings.register.scale
        self.client: AsyncModbusTcpClient | None = None
        self._lock = asyncio.Lock()

    async def _connected(self) -> AsyncModbusTcpClient:
        if self.client is None or not self.client.connected:
            if self.client is not None:
                self.client.close()
            self.client = AsyncModbusTcpClient(
                self.settings.host,
                port=self.settings.port,
                timeout=self.settings.timeout_s,
                retries=1,
                reconnect_delay=0,
            )
            if not await self.client.connect():
                self.client.close()
                self.client = None
                raise SourceError(
                    "connect", f"cannot connect to {self.settings.host}:{self.settings.port}"
                )
        return self.client

    async def read_raw(self) -> int | float:
        register = self.settings.register
        async with self._lock:
            client = await self._connected()
            read = (
                client.read_holding_registers
                if register.function == "holding"
                else client.read_input_registers
            )
            try:
                response = await read(
                    register.address, count=register.words, device_id=self.settings.device_id
                )
            except (TimeoutError, ModbusException, OSError) as exc:
                client.close()
                raise SourceError("io", f"reading register {register.address}: {exc}") from None
            if response.isError():
                raise SourceError(
                    "device", f"device answered {response} for register {register.address}"
                )
            return decode(response.registers, register)

    async def read(self) -> int:
        raw = await self.read_raw()
        where = f"register {self.settings.register.address}"
        return to_base_or_error(raw, self.unit, self.scale, where)

    async def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
