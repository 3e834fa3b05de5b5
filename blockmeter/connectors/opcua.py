"""OPC UA meters (asyncua): one node per meter, polled or subscribed, with session reconnect.

`mode = "poll"` reads the node each interval; `mode = "subscribe"` keeps the latest value the
server pushed (data change notifications) and samples it each interval, so both modes put one
value in each slot. A lost session is dropped and reopened on the next read.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from asyncua import Client, ua

from smartblocks.ledger.toml_config import Params

from ..units import UNITS
from .base import SourceError, to_base_or_error

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpcUaSettings:
    endpoint: str
    node_id: str
    mode: str
    timeout_s: float
    publish_ms: int


def parse_params(p: Params) -> tuple[OpcUaSettings, str | None]:
    endpoint = p.text("endpoint")
    if not endpoint.startswith("opc.tcp://"):
        raise p.error("endpoint", f"must start with opc.tcp://, got {endpoint!r}")
    node_id = p.text("node_id")
    try:
        ua.NodeId.from_string(node_id)
    except Exception:
        raise p.error("node_id", f"not an OPC UA node id (e.g. ns=2;i=7): {node_id!r}") from None
    settings = OpcUaSettings(
        endpoint=endpoint,
        node_id=node_id,
        mode=p.text("mode", "poll", choices=("poll", "subscribe")),
        timeout_s=float(p.number("timeout_s", 4.0)),
        publish_ms=p.integer("publish_ms", 500, low=10, high=3_600_000),
    )
    unit = p.text("node_unit", None, choices=tuple(UNITS))
    p.done()
    return settings, unit


class OpcUaSource:
    def __init__(self, settings: OpcUaSettings, unit: str, scale: Decimal):
        self.settings = settings
        self.unit = unit
        self.scale = scale
        self.client: Client | None = None
        self.latest: Any = None
        self._lock = asyncio.Lock()

    async def _session(self) -> Client:
        if self.client is not None:
            return self.client
        client = Client(self.settings.endpoint, timeout=self.settings.timeout_s)
        try:
            await client.connect()
        except (TimeoutError, OSError, ua.UaError) as exc:
            raise SourceError("connect", f"{self.settings.endpoint}: {exc}") from None
        self.client = client
        if self.settings.mode == "subscribe":
            self.latest = None
            subscription = await client.create_subscription(self.settings.publish_ms, self)
            await subscription.subscribe_data_change(client.get_node(self.settings.node_id))
        return client

    def datachange_notification(self, node: Any, value: Any, data: Any) -> None:
        """asyncua's subscription callback."""
        self.latest = value

    async def _drop(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                await client.disconnect()
            except Exception:  # the session is already broken; closing is best effort
                log.debug("disconnect from %s failed", self.settings.endpoint, exc_info=True)

    async def read_raw(self) -> Any:
        async with self._lock:
            client = await self._session()
            try:
                await client.check_connection()
                if self.settings.mode == "subscribe":
                    if self.latest is None:
                        raise SourceError("no_data", "no value received from subscription yet")
                    return self.latest
                return await client.get_node(self.settings.node_id).read_value()
            except SourceError:
                raise
            except ua.UaStatusCodeError as exc:
                raise SourceError("device", f"node {self.settings.node_id}: {exc}") from None
            except (TimeoutError, OSError, ConnectionError, ua.UaError) as exc:
                await self._drop()
                raise SourceError("io", f"{self.settings.endpoint}: {exc}") from None

    async def read(self) -> int:
        raw = await self.read_raw()
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise SourceError("value", f"node {self.settings.node_id} holds {raw!r}, not a number")
        return to_base_or_error(raw, self.unit, self.scale, f"node {self.settings.node_id}")

    async def close(self) -> None:
        async with self._lock:
            await self._drop()
