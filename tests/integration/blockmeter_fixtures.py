"""A devnet with the BlockMeter processor, its authorities set, and helpers to give each test
its own site, meter and device key.

Tests are synchronous (the CLI's `main` runs its own event loop); async steps go through
`run(...)`. Import the fixture into a test module (`from tests.integration.blockmeter_fixtures
import blockmeter`). They would move unchanged into conftest.py, where `blockmeter` could
become session-scoped and serve every module from one devnet.
"""

from __future__ import annotations

import itertools
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.clients.cli.main import main
from smartblocks.ledger.keys import Signer, write_key_files
from smartblocks.ledger.rest import RestClient, run
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter import addressing, txn
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.protos.blockmeter_pb2 import Meter, MeterHead, Rollup
from tests.integration.conftest import Node

BLOCKMETER = "blockmeter"


@dataclass(frozen=True)
class MeterSetup:
    """A registered meter: its site, the site owner and a device key bound to the meter
    (signers, and their private key files for the CLI)."""

    meter_id: str
    site_id: str
    owner: Signer
    device: Signer
    owner_key: Path
    device_key: Path


class BlockMeterLedger:
    """The devnet under test, its authority, and shortcuts to set up and read BlockMeter
    records through the REST API."""

    def __init__(self, node: Node, key_dir: Path, authority: tuple[Path, Path, Signer]) -> None:
        self.node = node
        self.url = node.rest_url
        self.key_dir = key_dir
        self._ids = itertools.count(1)
        self.authority_key, _, self.authority = authority

    def unique(self, prefix: str) -> str:
        """An id no other test on this ledger uses."""
        return f"{prefix}-{next(self._ids)}"

    def key_file(self, name: str) -> tuple[Path, Path, Signer]:
        """A new key pair written as NAME.priv / NAME.pub: (private path, public path, signer)."""
        return write_key_files(name, self.key_dir)

    def cli(self, *argv: object) -> int:
        """`smartblocks ARGV... --url URL` in this process; its exit code."""
        return main([*(str(a) for a in argv), "--url", self.url])

    def sh(self, command_line: str) -> int:
        """A command line as the docs write it ("smartblocks site create ..."), run with
        `--url` added; its exit code."""
        program, *argv = shlex.split(command_line)
        assert program == "smartblocks", command_line
        return self.cli(*argv)

    def submit(self, signer: Signer, *transactions: Transaction) -> list[dict[str, Any]]:
        """One batch, waited for; raises BatchInvalid/BatchTimeout unless it commits."""
        return run(_submit_and_wait(self.url, [make_batch(signer, transactions)]))

    def outcome(self, *batches: Batch) -> list[dict[str, Any]]:
        """Submit batches and wait until none is PENDING: their statuses, whatever they are."""
        return run(_outcome(self.url, batches))

    def receipts(self, transaction_ids: Sequence[str]) -> list[dict[str, Any]]:
        return run(_receipts(self.url, transaction_ids))

    def new_meter(self, prefix: str = "m", **register: Any) -> MeterSetup:
        """A new site (owned by a new key) with one meter bound to a new device key.

        Keyword arguments override the register_meter defaults (15 min electricity import,
        up to 100 kWh per hour)."""
        site_id, meter_id = self.unique(f"{prefix}-site"), self.unique(prefix)
        owner_key, _, owner = self.key_file(f"{meter_id}-owner")
        device_key, _, device = self.key_file(f"{meter_id}-device")
        self.submit(
            self.authority,
            txn.create_site(
                self.authority, site_id=site_id, owner_public_key=owner.public_key, name=site_id
            ),
        )
        fields: dict[str, Any] = dict(
            kind="ELECTRICITY_IMPORT",
            unit="MILLIWATT_HOUR",
            nominal_interval_s=900,
            plausible_min=0,
            plausible_max=100_000_000,
        )
        fields.update(register)
        self.submit(
            owner,
            txn.register_meter(owner, meter_id=meter_id, site_id=site_id, **fields),
            txn.bind_key(owner, meter_id=meter_id, site_id=site_id, public_key=device.public_key),
        )
        return MeterSetup(meter_id, site_id, owner, device, owner_key, device_key)

    def read(self, address: str) -> bytes | None:
        return run(_read(self.url, address))

    def meter(self, meter_id: str) -> Meter:
        data = self.read(addressing.meter_address(meter_id))
        assert data is not None, f"no meter {meter_id}"
        return Meter.FromString(data)

    def head(self, meter_id: str) -> MeterHead:
        data = self.read(addressing.meter_head_address(meter_id))
        assert data is not None, f"no head for meter {meter_id}"
        return MeterHead.FromString(data)

    def day_rollup(self, meter_id: str, day: str) -> Rollup | None:
        data = self.read(addressing.day_rollup_address(meter_id, day))
        return None if data is None else Rollup.FromString(data)

    def month_rollup(self, meter_id: str, month: str) -> Rollup | None:
        data = self.read(addressing.month_rollup_address(meter_id, month))
        return None if data is None else Rollup.FromString(data)


async def _submit_and_wait(url: str, batches: Sequence[Batch]) -> list[dict[str, Any]]:
    async with RestClient(url, timeout=30) as client:
        return await client.submit_and_wait(batches)


async def _outcome(url: str, batches: Sequence[Batch]) -> list[dict[str, Any]]:
    async with RestClient(url, timeout=30) as client:
        await client.submit_batches(batches)
        return await client.wait_for_batches([b.header_signature for b in batches])


async def _receipts(url: str, transaction_ids: Sequence[str]) -> list[dict[str, Any]]:
    async with RestClient(url, timeout=30) as client:
        return await client.receipts(transaction_ids)


async def _read(url: str, address: str) -> bytes | None:
    async with RestClient(url, timeout=30) as client:
        return await client.state(address)


@pytest.fixture(scope="module")
def blockmeter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BlockMeterLedger]:
    """A devnet with `smartblocks tp blockmeter` beside it, whose genesis makes a fresh key the
    metering authority (`--setting smartblocks.blockmeter.authorities=KEY`, as documented)."""
    base = tmp_path_factory.mktemp("blockmeter")
    authority = write_key_files("authority", base / "keys")
    setting = f"{AUTHORITIES_SETTING}={authority[2].public_key}"
    node = Node(base / "devnet", "--setting", setting)
    try:
        node.start(BLOCKMETER)
        yield BlockMeterLedger(node, base / "keys", authority)
    finally:
        node.stop()
