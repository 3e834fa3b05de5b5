"""The OPC UA connector against a real asyncua server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio
from asyncua import Server, ua

from smartblocks.blockmeter.connectors.base import SourceError
from smartblocks.blockmeter.connectors.opcua import OpcUaSettings, OpcUaSource
from tests.blockmeter.helpers import free_port

logging.getLogger("asyncua").setLevel(logging.ERROR)


@dataclass
class Plc:
    server: Server
    endpoint: str
    energy: Any  # kWh, Double
    temperature: Any  # degC, Float
    label: Any  # a string: not a reading


async def start_plc(port: int) -> Plc:
    server = Server()
    await server.init()
    endpoint = f"opc.tcp://127.0.0.1:{port}/blockmeter-test/"
    server.set_endpoint(endpoint)
    idx = await server.register_namespace("urn:smartblocks:test")
    meter = await server.nodes.objects.add_object(idx, "Meter")
    energy = await meter.add_variable(idx, "Energy", 1000.25, ua.VariantType.Double)
    temperature = await meter.add_variable(idx, "Temperature", 21.5, ua.VariantType.Float)
    label = await meter.add_variable(idx, "Label", "incomer")
    await server.start()
    return Plc(server, endpoint, energy, temperature, label)


# Starting an asyncua server takes ~2 s (it loads the standard address space): the tests that
# do not stop it share one.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def plc() -> AsyncIterator[Plc]:
    server = await start_plc(free_port())
    try:
        yield server
    finally:
        await server.server.stop()


def source(plc: Plc, node: Any, unit: str, mode: str = "poll") -> OpcUaSource:
    settings = OpcUaSettings(plc.endpoint, node.nodeid.to_string(), mode, 1.0, 20)
    return OpcUaSource(settings, unit, Decimal(1))


async def test_polling_reads_values_as_they_change(plc: Plc) -> None:
    await plc.energy.write_value(1000.25)
    energy = source(plc, plc.energy, "kWh")
    temperature = source(plc, plc.temperature, "degC")
    try:
        assert await energy.read() == 1_000_250_000
        assert await temperature.read() == 21_500
        await plc.energy.write_value(1000.5)
        await plc.temperature.write_value(ua.Variant(-3.25, ua.VariantType.Float))
        assert await energy.read() == 1_000_500_000
        assert await temperature.read() == -3_250
    finally:
        await energy.close()
        await temperature.close()


async def test_subscription_keeps_the_latest_pushed_value(plc: Plc) -> None:
    await plc.energy.write_value(1000.25)
    energy = source(plc, plc.energy, "kWh", mode="subscribe")
    try:
        for _ in range(200):  # the first notification carries the current value
            try:
                assert await energy.read() == 1_000_250_000
                break
            except SourceError as exc:
                assert exc.kind == "no_data"
                await asyncio.sleep(0.01)
        await plc.energy.write_value(2000.0)
        for _ in range(200):
            if await energy.read() == 2_000_000_000:
                break
            await asyncio.sleep(0.01)
        assert await energy.read() == 2_000_000_000
    finally:
        await energy.close()


async def test_a_node_that_is_not_a_number_is_refused(plc: Plc) -> None:
    label = source(plc, plc.label, "kWh")
    try:
        with pytest.raises(SourceError, match="not a number"):
            await label.read()
    finally:
        await label.close()


async def test_session_reconnects_after_the_server_restarts() -> None:
    port = free_port()
    plc = await start_plc(port)
    energy = source(plc, plc.energy, "kWh")
    try:
        assert await energy.read() == 1_000_250_000
        await plc.server.stop()
        with pytest.raises(SourceError):
            await energy.read()
        plc = await start_plc(port)
        await plc.energy.write_value(1500.0)
        assert await energy.read() == 1_500_000_000
    finally:
        await energy.close()
        await plc.server.stop()
