"""The Modbus connector against a real pymodbus TCP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import itertools
import struct
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from smartblocks.blockmeter.connectors.base import Clock, PollingReader, SourceError
from smartblocks.blockmeter.connectors.modbus import (
    MAPS,
    TYPES,
    ModbusSettings,
    ModbusSource,
    Register,
    decode,
    encode,
)
from smartblocks.blockmeter.units import to_base
from tests.blockmeter.helpers import DEVICE, Device, start_device


@pytest.fixture
async def device() -> AsyncIterator[Device]:
    dev = await start_device()
    try:
        yield dev
    finally:
        await dev.server.shutdown()


def source(
    port: int, register: Register, unit: str | None = None, scale: str = "1"
) -> ModbusSource:
    settings = ModbusSettings("127.0.0.1", port, DEVICE, register, timeout_s=0.5)
    return ModbusSource(settings, unit or register.unit, Decimal(scale))


SAMPLES = {
    "int16": -12345,
    "uint16": 54321,
    "int32": -2_000_000_001,
    "uint32": 4_000_000_001,
    "int64": -(2**62) - 5,
    "uint64": 2**63 + 7,
    "float32": 1234.5677490234375,
    "float64": -9876.54321,
}


def test_decode_is_the_inverse_of_encode_for_every_type_and_order() -> None:
    for kind, words, bytes_ in itertools.product(TYPES, ("big", "little"), ("big", "little")):
        register = Register(0, kind, "Wh", word_order=words, byte_order=bytes_)
        assert decode(encode(SAMPLES[kind], register), register) == SAMPLES[kind]


def test_orders_follow_the_wire_layout() -> None:
    value = 0x11223344
    assert encode(value, Register(0, "uint32", "Wh")) == [0x1122, 0x3344]
    assert encode(value, Register(0, "uint32", "Wh", word_order="little")) == [0x3344, 0x1122]
    assert encode(value, Register(0, "uint32", "Wh", byte_order="little")) == [0x2211, 0x4433]


async def test_every_type_and_order_read_from_a_real_server(device: Device) -> None:
    address = 0
    for kind, words, bytes_ in itertools.product(TYPES, ("big", "little"), ("big", "little")):
        register = Register(
            address, kind, "Wh", word_order=words, byte_order=bytes_, scale=Decimal("0.1")
        )
        address += register.words
        await device.put(register, SAMPLES[kind])
        meter = source(device.port, register)
        try:
            value = await meter.read()
        finally:
            await meter.close()
        # Wh x 0.1 register scale -> mWh, rounded half away from zero.
        assert value == to_base(SAMPLES[kind], "Wh", Decimal("0.1")), (kind, words, bytes_)


async def test_sdm630_map_reads_float32_input_registers(device: Device) -> None:
    sdm = MAPS["sdm630"]
    await device.put(sdm["total_import_energy"], 15234.56)
    await device.put(sdm["total_export_energy"], 98.7)
    await device.put(sdm["total_system_power"], -2500.25)
    f32 = [struct.unpack(">f", struct.pack(">f", v))[0] for v in (15234.56, 98.7)]
    results = []
    for name in ("total_import_energy", "total_export_energy", "total_system_power"):
        meter = source(device.port, sdm[name])
        results.append(await meter.read())
        await meter.close()
    assert results[0] == to_base(f32[0], "kWh") and abs(results[0] - 15_234_560_000) < 2000
    assert results[1] == to_base(f32[1], "kWh")
    assert results[2] == -2_500_250  # W -> mW


async def test_registers_that_change_over_time_are_sampled_on_the_grid(device: Device) -> None:
    """An energy register counting 1 Wh per (accelerated) second; the reader samples each
    slot of 1 s at 40x speed and must see the register at that slot's boundary."""
    register = MAPS["generic"]["energy"]
    start_wall = 1_767_571_200
    accelerated = Clock(start_wall, speed=40.0)

    async def count() -> None:
        while True:
            await device.put(register, int(accelerated.time() - start_wall) + 1000)
            await asyncio.sleep(0.002)

    samples: list[tuple[str, int, int]] = []

    async def emit(batch: list[tuple[str, int, int]]) -> None:
        samples.extend(batch)

    counter = asyncio.create_task(count())
    reader = PollingReader("m", 1, source(device.port, register), clock=accelerated)
    task = asyncio.create_task(reader.run(emit))
    try:
        while len(samples) < 12:
            await asyncio.sleep(0.01)
    finally:
        task.cancel()
        counter.cancel()
        await asyncio.gather(task, counter, return_exceptions=True)
    values = [v for _, _, v in samples]
    assert values == sorted(values) and len(set(values)) >= 6
    for _, ts, value in samples:
        # Sampled just after the boundary: the register shows ts (the device's own update may
        # lag a few ms, so the second before; a busy machine may read a little later).
        assert -1 <= value // 1000 - (ts - start_wall + 1000) <= 3


async def test_reconnects_after_the_device_restarts() -> None:
    device = await start_device()
    port = device.port
    register = MAPS["generic"]["power"]
    await device.put(register, -42)
    meter = source(port, register)
    try:
        assert await meter.read() == -42_000
        await device.server.shutdown()
        with pytest.raises(SourceError) as lost:
            await meter.read()
        assert lost.value.kind in ("io", "connect")
        with pytest.raises(SourceError, match="cannot connect"):
            await meter.read()
        device = await start_device(port)
        await device.put(register, 17)
        assert await meter.read() == 17_000
    finally:
        await meter.close()
        await device.server.shutdown()


async def test_a_device_exception_is_a_source_error(device: Device) -> None:
    meter = source(device.port, Register(5000, "uint32", "Wh"))
    try:
        with pytest.raises(SourceError) as caught:
            await meter.read()
        assert caught.value.kind == "device"
    finally:
        await meter.close()
