"""One running portal: index + follower + feeder + web app, started and stopped together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from pathlib import Path
from typing import Any

from aiohttp import web

from smartblocks.ledger.events import EventFollower

from .app import Portal, make_app
from .blocksource import RestBlockSource
from .config import PortalConfig
from .decoders import FamilyRegistry
from .families import default_registry
from .feeder import BlockSource, IndexFeeder
from .index import ChainIndex
from .live import LiveHub
from .meters import MeterData, StateMeterData
from .portal_data import DIRECTORY_FILE, USERS_FILE, Directory, UserStore

LOG = logging.getLogger(__name__)
INDEX_FILE = "portal-index.sqlite"


def default_meter_data(index: ChainIndex) -> MeterData | None:
    try:
        return StateMeterData(index)
    except ImportError as exc:
        LOG.info("meter pages disabled: %s", exc)
        return None


class PortalService:
    def __init__(
        self,
        config: PortalConfig,
        *,
        families: FamilyRegistry | None = None,
        meters: MeterData | None = None,
        block_source: BlockSource | None = None,
    ) -> None:
        self.config = config
        data_dir = Path(config.data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.index = ChainIndex(data_dir / INDEX_FILE)
        self.hub = LiveHub()
        self.follower = EventFollower(config.component, self.index)
        self.source = block_source or RestBlockSource(config.rest_api)
        self.feeder = IndexFeeder(self.index, self.follower, self.source, on_block=self._on_block)
        self.portal = Portal(
            config=config,
            index=self.index,
            families=families or default_registry(),
            hub=self.hub,
            meters=meters if meters is not None else default_meter_data(self.index),
            status=self._status,
            users=UserStore.open(data_dir / USERS_FILE, config.users),
            directory=Directory.open(data_dir / DIRECTORY_FILE),
        )
        self.app = make_app(self.portal)
        self._runner: web.AppRunner | None = None
        self._feeder_task: asyncio.Task[None] | None = None
        self.follower_error: str | None = None
        self.url = ""

    def _on_block(self, block: dict[str, Any]) -> None:
        self.hub.publish("block", block)

    def _status(self) -> dict[str, Any]:
        return {
            "follower_connected": self.follower.connected,
            "follower_error": self.follower_error,
            "rest_error": self.feeder.last_error,
        }

    async def start(self) -> str:
        host, port = self.config.host_port
        self._runner = web.AppRunner(self.app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://{host}:{bound}"
        self._feeder_task = asyncio.create_task(self._feed())
        LOG.info("BlockPortal at %s, following %s", self.url, self.config.component)
        return self.url

    async def _feed(self) -> None:
        try:
            await self.feeder.run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the web side keeps serving what is indexed
            self.follower_error = str(exc)
            LOG.error("index feeder stopped: %s", exc)

    async def stop(self) -> None:
        if self._feeder_task is not None:
            self._feeder_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._feeder_task
            self._feeder_task = None
        await self.follower.close()
        close = getattr(self.source, "close", None)
        if close is not None:
            await close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.index.close()

    async def serve_forever(self) -> None:
        """Run until SIGINT or SIGTERM, then stop cleanly."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await self.start()
        print(f"BlockPortal: {self.url}  (index {self.index.path})", flush=True)
        try:
            await stop.wait()
        finally:
            await self.stop()
