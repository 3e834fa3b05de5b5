"""The contract manager (clients/contracts/manager.py): its decisions on plain data and, against
an in-memory ledger serving BlockMeter and EnergyContract (the processor's own handlers behind a
fake REST API), the start pass, waiting once per reason, settling with the preview's figures,
a period someone else settled first, INSUFFICIENT settlements, disputes, catch-up and forks;
its config's errors; and end to end on a devnet whose ledger time the test sets: it settles
as the blocks come, a second manager does not settle again, and a restart resumes."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo
from sawtooth_sdk.protobuf.events_pb2 import Event
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import StateChange, StateChangeList

from smartblocks.clients.cli import contract_manager
from smartblocks.clients.contracts import manager as manager_module
from smartblocks.clients.contracts.manager import (
    Manager,
    ManagerState,
    block_ledger_time,
    contract_events,
    plan,
    serve,
)
from smartblocks.clients.contracts.manager_config import ManagerConfig, Selection, load_config
from smartblocks.ledger.block_info import block_address
from smartblocks.ledger.errors import ConfigError
from smartblocks.ledger.events import STATE_DELTA, BlockEvents
from smartblocks.ledger.keys import Signer, write_key_files, write_private_file
from smartblocks.ledger.rest import RestClient
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.energycontract import events, records, txn
from smartblocks.protos.energycontract_pb2 import Contract, Settlement
from tests.integration.clocked_ledger import ClockedLedger
from tests.integration.conftest import Node
from tests.processors.energycontract.conftest import APRIL, DAY, EUR, MARCH, MAY, World
from tests.support.service_thread import ServiceThread

# -- plain data -------------------------------------------------------------------------------


def test_plan_waits_for_the_period_end_and_idles_when_nothing_is_left():
    world = World()
    contract = Contract(contract_id="c-1", terms=world.terms(), status=Contract.ACTIVE)
    assert plan(contract, None).kind == "wait"
    step = plan(contract, APRIL - 1)
    assert (step.kind, step.period) == ("wait", 0)
    assert step.reason == "period 0 (2027-03) ends at 2027-04-01T00:00Z"
    assert plan(contract, APRIL).kind == "check"
    contract.settled_periods = 1
    assert (plan(contract, APRIL).kind, plan(contract, MAY).kind) == ("wait", "check")
    contract.settled_periods = 2
    assert plan(contract, MAY).reason == "all 2 periods are settled"
    contract.status = Contract.ENDED
    assert plan(contract, MAY) == manager_module.Plan("idle", 2, "the contract is ENDED")


def test_selection_defaults_to_the_managers_own_contracts():
    own, other = "02" + "a" * 64, "03" + "b" * 64
    assert Selection().includes("c", own, other, own)
    assert not Selection().includes("c", other, other, own)
    assert Selection(parties=(other,)).includes("c", "x", other, own)
    assert not Selection(parties=(other,)).includes("c", own, "x", own)
    assert Selection(ids=("c",)).includes("c", "x", "y", own)
    assert not Selection(ids=("c",)).includes("d", own, own, own)
    assert Selection(all=True).includes("d", "x", "y", own)


def block(
    num: int,
    timestamp: int | None = None,
    found: Sequence[tuple[str, dict[str, str]]] = (),
    tag: str = "",
    previous: str | None = None,
) -> BlockEvents:
    """Block `num` (extending b{num-1} unless `previous`), writing a BlockInfo record of
    `timestamp` and carrying the processor's `found` events."""
    listed: list[Event] = []
    if timestamp is not None:
        info = BlockInfo(block_num=num - 1, timestamp=timestamp).SerializeToString()
        change = StateChange(address=block_address(num - 1), value=info, type=StateChange.SET)
        changes = StateChangeList(state_changes=[change])
        listed.append(Event(event_type=STATE_DELTA, data=changes.SerializeToString()))
    for event_type, attrs in found:
        listed.append(
            Event(
                event_type=event_type,
                attributes=[Event.Attribute(key=k, value=v) for k, v in attrs.items()],
            )
        )
    return BlockEvents(
        f"b{num}{tag}", num, previous if previous is not None else f"b{num - 1}", "", tuple(listed)
    )


def test_events_and_ledger_time_of_a_block():
    b = block(
        3,
        APRIL,
        [
            (events.SETTLED, {"contract_id": "c-1", "period": "0", "status": "SETTLED"}),
            (events.FUNDS_MOVED, {"currency": "EUR"}),
            (events.CONTRACT_CHANGED, {"contract_id": "c-1", "status": "ACTIVE"}),
        ],
    )
    assert block_ledger_time(b) == APRIL
    assert [(e.kind, e.contract_id, e.period) for e in contract_events(b)] == [
        (events.SETTLED, "c-1", 0),
        (events.CONTRACT_CHANGED, "c-1", None),
    ]


# -- against the family's handlers ------------------------------------------------------------


class FakeRest:
    """The REST calls the manager makes, on the in-memory ledger; a batch's transactions are
    applied at once (INVALID with the processor's message when one is refused)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.head = 5
        self.statuses: dict[str, dict[str, Any]] = {}
        self.submitted: list[str] = []  # signers of settle batches
        self.reads = 0

    async def state(self, address: str, head: str | None = None) -> bytes | None:
        self.reads += 1
        return self.world.ledger.state.get(address)

    async def list_state(
        self, prefix: str = "", head: str | None = None
    ) -> AsyncIterator[tuple[str, bytes]]:
        for address in sorted(self.world.ledger.state):
            if address.startswith(prefix):
                yield address, self.world.ledger.state[address]

    async def blocks(self, limit: int | None = None, **_: Any) -> dict[str, Any]:
        return {"data": [{"header": {"block_num": str(self.head)}}]}

    async def submit_batches(self, batches: Sequence[Any]) -> str:
        for batch in batches:
            status: dict[str, Any] = {"id": batch.header_signature, "status": "COMMITTED"}
            for transaction in batch.transactions:
                self.submitted.append(transaction.header_signature)
                try:
                    self.world.ledger.apply(transaction)
                except InvalidTransaction as exc:
                    status = {
                        "id": batch.header_signature,
                        "status": "INVALID",
                        "invalid_transactions": [{"message": str(exc)}],
                    }
            self.statuses[batch.header_signature] = status
        return ""

    async def wait_for_batches(self, ids: Sequence[str], timeout: float = 30) -> list[dict]:
        return [self.statuses[i] for i in ids]


def make_manager(
    world: World, tmp_path: Path, name: str = "m", selection: Selection | None = None
) -> tuple[Manager, FakeRest, ManagerState]:
    config = ManagerConfig(
        key=tmp_path / "unused",
        state=tmp_path / f"{name}.sqlite",
        selection=selection or Selection(),
    )
    state = ManagerState(config.state)
    rest = FakeRest(world)
    # The ESCO runs the manager: its contracts are the default selection.
    return Manager(config, world.esco, state, cast(RestClient, rest)), rest, state


def settled(world: World, period: int) -> Settlement | None:
    data = world.ledger.state.get(manager_module.addressing.settlement_address("c-1", period))
    return Settlement.FromString(data) if data else None


async def follow(manager: Manager, b: BlockEvents) -> None:
    """One live block, as `serve` hands it over: recorded, then decided on."""
    manager.state.add_block(b, block_ledger_time(b))
    await manager.on_block(b, live=True)


def waits(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "waits:" in r.getMessage()]


async def test_waits_once_per_reason_then_settles_with_the_previewed_figures(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="smartblocks")
    world = World()
    world.activate()
    manager, rest, state = make_manager(world, tmp_path)
    # Ledger time in March: the period has not ended.
    assert await manager.start() == 5
    row = state.contract("c-1")
    assert row is not None
    assert (row["status"], row["next_period"], row["next_end"]) == ("ACTIVE", 0, APRIL)
    assert waits(caplog) == ["contract c-1 waits: period 0 (2027-03) ends at 2027-04-01T00:00Z"]

    # March's data up to the 30th; April has begun: the meters' heads are short of the end.
    world.record_days(MARCH, 30, kwh_per_day=150)
    world.set_time(APRIL + 60)
    await follow(manager, block(6, APRIL + 60))
    await follow(manager, block(7, APRIL + 120))
    assert rest.submitted == [] and settled(world, 0) is None
    assert len(waits(caplog)) == 2  # the new reason once, not once per block
    assert "waiting for meter main: data until 2027-03-31T00:00Z" in waits(caplog)[1]

    # The last day comes in: the manager settles period 0 and the figures match its preview.
    world.record_days(MARCH + 30 * DAY, 1, kwh_per_day=150)
    world.set_time(APRIL + 180)
    caplog.clear()
    await follow(manager, block(8, APRIL + 180))
    record = settled(world, 0)
    assert record is not None and record.status == Settlement.SETTLED
    assert record.settled_by == world.esco.public_key and len(rest.submitted) == 1
    messages = [r.getMessage() for r in caplog.records]
    assert any(
        m.startswith("settling contract c-1 period 0 (2027-03); expecting actual") for m in messages
    )
    assert any(m.startswith("settled contract c-1 period 0 (2027-03): SETTLED") for m in messages)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    row = state.contract("c-1")
    assert row is not None
    assert (row["next_period"], row["next_end"], row["action"]) == (1, MAY, "wait")
    [seen] = state.settlements()
    assert (seen["period"], seen["status"], seen["avoided"]) == (0, "SETTLED", record.avoided)
    assert manager.totals.settled == 1


async def test_a_period_settled_first_by_another_manager_is_fine(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="smartblocks")
    world = World()
    world.activate()
    world.record_days(MARCH, 31, kwh_per_day=150)
    world.set_time(APRIL + 60)
    first, first_rest, _ = make_manager(world, tmp_path, "first")
    second, second_rest, second_state = make_manager(world, tmp_path, "second")
    # Both read the contract while period 0 is unsettled; the first settles it.
    stale = world.contract()
    await first.start()
    assert settled(world, 0) is not None and len(first_rest.submitted) == 1
    inputs = await manager_module.chain.period_inputs(second_rest, stale.terms, 0)
    second_state.put_contract(stale, 5)
    assert await second.settle(stale, 0, inputs, 5)  # refused by the family, settled: fine
    assert len(second_rest.submitted) == 1
    assert second_rest.statuses[next(iter(second_rest.statuses))]["status"] == "INVALID"
    assert (second.totals.found, second.totals.failed) == (1, 0)
    row = second_state.contract("c-1")
    assert row is not None and row["action"] == "found"
    assert any("was already settled by" in r.getMessage() for r in caplog.records)
    # A fresh start of the second sees period 0 settled and posts nothing.
    await second.start()
    assert len(second_rest.submitted) == 1


async def test_a_late_start_settles_every_missed_period_in_order(tmp_path):
    world = World()
    world.activate()
    world.record_days(MARCH, 61, kwh_per_day=150)
    world.set_time(MAY + 60)
    manager, _, state = make_manager(world, tmp_path)
    await manager.start()
    assert [settled(world, p) is not None for p in (0, 1)] == [True, True]
    assert world.contract().status == Contract.ENDED  # the term's last period
    row = state.contract("c-1")
    assert row is not None and (row["status"], row["next_end"]) == ("ENDED", None)
    assert manager.totals.settled == 2


async def test_insufficient_after_the_grace_is_a_warning_and_a_dispute_is_reported(
    tmp_path, caplog
):
    caplog.set_level(logging.INFO, logger="smartblocks")
    world = World()
    world.activate()
    world.record_days(MARCH, 20, kwh_per_day=150)  # 20 of 31 days: below 90 % coverage
    world.set_time(APRIL + 8 * DAY)  # the 7-day data grace is over
    manager, _, state = make_manager(world, tmp_path)
    await manager.start()
    record = settled(world, 0)
    assert record is not None and record.status == Settlement.INSUFFICIENT
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "settled contract c-1 period 0 (2027-03) as INSUFFICIENT" in warning.getMessage()
    assert "coverage 645161 ppm" in warning.getMessage()

    # The owner disputes it: the manager (the ESCO, a party) warns.
    caplog.clear()
    world.ledger.apply(
        txn.dispute(world.owner, contract_id="c-1", period=0, reason="meter was down")
    )
    found = [(events.DISPUTED, {"contract_id": "c-1", "period": "0", "status": "OPEN"})]
    await follow(manager, block(6, APRIL + 8 * DAY, found))
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "period 0 (2027-03) disputed by" in warning.getMessage()
    assert "meter was down" in warning.getMessage()
    assert state.settlements()[0]["dispute"] == "OPEN"


async def test_catch_up_blocks_are_indexed_not_decided_and_a_fork_drops_them(tmp_path):
    world = World()
    world.activate()
    world.record_days(MARCH, 31, kwh_per_day=150)
    world.set_time(APRIL + 60)
    manager, rest, state = make_manager(world, tmp_path)
    found = [(events.SETTLED, {"contract_id": "c-1", "period": "0", "status": "SETTLED"})]
    state.put_contract(world.contract(), 0)
    for num in range(3):
        b = block(num, APRIL + num if num else None, found if num == 2 else ())
        state.add_block(b, block_ledger_time(b))
        await manager.on_block(b, live=False)
    assert rest.reads == 0 and rest.submitted == []  # nothing read, nothing decided
    assert [(s["period"], s["status"], s["block_num"]) for s in state.settlements()] == [
        (0, "SETTLED", 2)
    ]
    # Block 2 is replaced by another fork's block 2: what it said is dropped.
    assert state.add_block(block(2, APRIL + 5, tag="x"), APRIL + 5) == 1
    assert state.settlements() == [] and state.head() == (2, "b2x")
    assert state.dump()["contracts"][0]["contract_id"] == "c-1"


async def test_contracts_outside_the_selection_are_left_alone(tmp_path):
    world = World()
    world.activate()
    world.record_days(MARCH, 31, kwh_per_day=150)
    world.set_time(APRIL + 60)
    outsider = Signer.generate().public_key
    manager, rest, state = make_manager(world, tmp_path, selection=Selection(parties=(outsider,)))
    await manager.start()
    assert state.contract_ids() == [] and rest.submitted == []
    # A new contract event for it does not bring it in either.
    found = [(events.CONTRACT_CHANGED, {"contract_id": "c-1", "status": "ACTIVE"})]
    await follow(manager, block(6, APRIL + 60, found))
    assert state.contract_ids() == [] and rest.submitted == []


# -- config -----------------------------------------------------------------------------------


def test_config_defaults_and_errors_name_file_line_and_key(tmp_path):
    path = tmp_path / "manager.toml"
    path.write_text('[service]\nkey = "k.priv"\n')
    config = load_config(path)
    assert config.key == tmp_path / "k.priv" and config.state == tmp_path / "manager.sqlite"
    assert config.selection == Selection() and config.log_level == "info"

    path.write_text('[service]\nkey = "k.priv"\n\n[settle]\ncontracts = ["a"]\nall = true\n')
    with pytest.raises(ConfigError, match=r"manager.toml:6: settle.all: give at most one"):
        load_config(path)
    path.write_text('[service]\nkey = "k.priv"\nlog_level = "loud"\n')
    with pytest.raises(ConfigError, match=r"manager.toml:3: service.log_level: must be one of"):
        load_config(path)
    path.write_text('[service]\nkey = "k.priv"\n[settle]\nparties = ["nope"]\n')
    with pytest.raises(ConfigError, match=r"manager.toml:4: settle.parties: 'nope' is not"):
        load_config(path)
    path.write_text('[service]\nkey = "k.priv"\nkye = 1\n')
    with pytest.raises(ConfigError, match=r"manager.toml:3: service.kye: unknown key"):
        load_config(path)


def test_the_example_config_loads():
    example = Path(manager_module.__file__).parent / "manager.example.toml"
    config = load_config(example)
    assert config.selection == Selection() and config.rest_api == "http://127.0.0.1:8008"


# -- end to end on a devnet -------------------------------------------------------------------


class Service(ServiceThread):
    """`serve` in a thread with its own event loop (as `smartblocks contract manager` runs
    it), stopped by `stop()` as SIGTERM would."""

    def __init__(self, config_path: Path) -> None:
        super().__init__(serve, load_config(config_path), name="the manager")

    def index(self) -> dict[str, Any]:
        state = ManagerState(self.config.state)
        try:
            return state.dump()
        finally:
            state.close()


@pytest.fixture(scope="module")
def devnet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ClockedLedger, Signer]]:
    """A devnet with BlockMeter and EnergyContract, ledger time from a file, a metering
    authority and a bank that issues EUR (genesis settings); yields it and the bank."""
    base = tmp_path_factory.mktemp("manager")
    clock_file = base / "clock"
    clock_file.write_text(str(MARCH - DAY))
    authority = write_key_files("authority", base / "keys")
    bank = write_key_files("bank", base / "keys")[2]
    node = Node(
        base / "devnet",
        "--setting",
        f"{AUTHORITIES_SETTING}={authority[2].public_key}",
        "--setting",
        f"{records.issuers_setting('EUR')}={bank.public_key}",
        "--clock-file",
        str(clock_file),
    )
    try:
        node.start("blockmeter", "energycontract")
        yield ClockedLedger(node, base / "keys", authority, clock_file), bank
    finally:
        node.stop()


def record_month(ledger: ClockedLedger, device: Signer, first: int, days: int) -> None:
    """Hourly readings of both meters for `days` days: 150 kWh a day, 5 °C."""
    for meter_id, value in (("main", 150_000_000 // 24), ("weather", 5_000)):
        ledger.submit(
            device,
            meter_txn.record_readings(
                device,
                meter_id=meter_id,
                window_start=first,
                interval_s=3_600,
                values=[value] * (24 * days),
            ),
        )


def test_the_manager_settles_on_a_devnet_once_and_resumes(devnet, tmp_path: Path, capsys):
    ledger, bank = devnet
    world = World()  # its keys and terms (the devnet is the ledger here)
    authority, owner, esco, device = ledger.authority, world.owner, world.esco, world.device
    ledger.submit(
        authority,
        meter_txn.create_site(
            authority, site_id="s-1", owner_public_key=owner.public_key, name="Hall"
        ),
    )
    for meter_id, fields in (
        ("main", dict(kind="ELECTRICITY_IMPORT", unit="MILLIWATT_HOUR", plausible_min=0)),
        (
            "weather",
            dict(kind="TEMPERATURE", unit="MILLIDEGREE_CELSIUS", plausible_min=-60_000),
        ),
    ):
        ledger.submit(
            owner,
            meter_txn.register_meter(
                owner,
                meter_id=meter_id,
                site_id="s-1",
                nominal_interval_s=3_600,
                plausible_max=10**12,
                **fields,
            ),
            meter_txn.bind_key(
                owner, meter_id=meter_id, site_id="s-1", public_key=device.public_key
            ),
        )
    for party in (esco, owner):
        ledger.submit(
            bank, txn.issue(bank, currency="EUR", to=party.public_key, amount=5_000 * EUR)
        )
    terms = world.terms()
    ledger.submit(esco, txn.propose(esco, terms=terms))
    contract = Contract.FromString(ledger.read(records.contract("c-1").address) or b"")
    ledger.submit(owner, txn.accept(owner, terms=terms, terms_hash=contract.terms_hash))

    # The ESCO's manager: ledger time is in February, it waits for the end of March.
    keys = ledger.key_dir
    write_private_file(keys / "esco.priv", esco.private_hex() + "\n")
    config = tmp_path / "a.toml"
    config.write_text(
        f'[service]\nrest_api = "{ledger.url}"\ncomponent = "{ledger.node.devnet.component}"\n'
        f'key = "{keys / "esco.priv"}"\nstate = "a.sqlite"\nlog_level = "debug"\n'
    )
    first = Service(config)
    try:
        first.wait_for(
            "the contract indexed",
            lambda: [c["action"] for c in first.index()["contracts"]] == ["wait"],
        )
        # March's readings, recorded after it: the manager settles period 0 as the blocks come.
        ledger.set_time(APRIL + 60)
        record_month(ledger, device, MARCH, 31)
        settlement_address = records.settlement("c-1", 0).address
        first.wait_for("period 0 settled", lambda: ledger.read(settlement_address))
        first.wait_for(
            "period 0 indexed",
            lambda: (
                [(s["period"], s["status"]) for s in first.index()["settlements"]]
                == [(0, "SETTLED")]
            ),
        )
    finally:
        first.stop()
    record = Settlement.FromString(ledger.read(settlement_address) or b"")
    assert record.settled_by == esco.public_key and record.status == Settlement.SETTLED
    assert (record.coverage_ppm, record.avoided) == (1_000_000, 31 * 50_000_000)
    [row] = first.index()["contracts"]
    assert (row["next_period"], row["next_end"], row["action"]) == (1, MAY, "wait")

    # A second manager (another key, every contract) does not settle period 0 again; posting
    # it anyway from a stale read is refused by the family, and the manager takes that as fine.
    other_key, _, other = ledger.key_file("other-manager")
    config_b = tmp_path / "b.toml"
    config_b.write_text(
        f'[service]\nrest_api = "{ledger.url}"\ncomponent = "{ledger.node.devnet.component}"\n'
        f'key = "{other_key}"\nstate = "b.sqlite"\n\n[settle]\nall = true\n'
    )
    second = Service(config_b)
    try:
        second.wait_for(
            "the second's index",
            lambda: [c["next_period"] for c in second.index()["contracts"]] == [1],
        )
    finally:
        second.stop()
    assert second.index()["contracts"][0]["action"] == "wait"

    async def stale_settle() -> tuple[bool, Any]:
        async with RestClient(ledger.url) as rest:
            state = ManagerState(tmp_path / "c.sqlite")
            try:
                third = Manager(load_config(config_b), other, state, rest)
                state.put_contract(contract, 0)
                inputs = await manager_module.chain.period_inputs(rest, contract.terms, 0)
                return await third.settle(contract, 0, inputs, 0), third.totals
            finally:
                state.close()

    done, totals = asyncio.run(stale_settle())
    assert done and (totals.found, totals.settled, totals.failed) == (1, 0, 0)
    assert Settlement.FromString(ledger.read(settlement_address) or b"").settled_by == (
        esco.public_key
    )

    # April's readings while the first manager is down; it resumes from its last block and
    # settles the term's last period on start; the contract ends.
    ledger.set_time(MAY + 60)
    record_month(ledger, device, APRIL, 30)
    head_before = first.index()["head"]
    again = Service(config)
    try:
        again.wait_for(
            "period 1 settled", lambda: ledger.read(records.settlement("c-1", 1).address)
        )
        again.wait_for(
            "the contract ended in the index",
            lambda: [c["status"] for c in again.index()["contracts"]] == ["ENDED"],
        )
        again.wait_for("the blocks caught up", lambda: again.index()["head"][0] > head_before[0])
    finally:
        again.stop()
    index = again.index()
    assert [(s["period"], s["status"]) for s in index["settlements"]] == [
        (0, "SETTLED"),
        (1, "SETTLED"),
    ]
    assert Contract.FromString(ledger.read(records.contract("c-1").address) or b"").status == (
        Contract.ENDED
    )

    # `--status` prints the index.
    capsys.readouterr()
    args = argparse.Namespace(config=str(config), status=True)
    assert contract_manager.run(args) == 0
    status = json.loads(capsys.readouterr().out)
    assert [c["status"] for c in status["contracts"]] == ["ENDED"]
