"""The contract manager: follows the ledger's blocks and EnergyContract's events (ledger/events.py)
and settles each managed contract's next period as soon as the family would accept it.

Decisions are made on the ledger's latest state, never by replaying history: on start the
manager reads every contract once (a year of blocks is not a year of settlement decisions);
the blocks it then catches up on only index what their events say (settlements, disputes),
and the live blocks tell it when to look again: a contract's own events, or ledger time
passing the end of the period it waits for.

For each ACTIVE managed contract whose next period (Contract.settled_periods) has ended by
ledger time (the newest BlockInfo timestamp), the manager reads the period's inputs and asks
`ready` (clients/contracts/ledger.py) whether the family would settle it now: every meter's
head has reached the period's end, or `terms.data_grace_s` has passed. If so it logs the
figures it expects (the processor's own measure + settlement.compute), posts `settle` signed
with its key, waits for the commit and logs the on-chain settlement, warning if it differs
from the preview. A period another settler settled first is fine: the manager records it. If
the period is not ready, the manager logs why it waits, once per change of reason.

It also reports what happens to the contracts it manages: INSUFFICIENT settlements (warning,
with the reason) and disputes (a warning when a managed party is the esco or the owner).

State (SQLite, `[service] state`): the blocks followed (ledger/block_log.py: to resume from the
last one and rewind on forks), the contracts index and the settlements seen. `--status` prints
it as JSON.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sawtooth_sdk.protobuf.events_pb2 import EventFilter

from smartblocks.ledger.backoff import Backoff
from smartblocks.ledger.block_info import BLOCK_PREFIX
from smartblocks.ledger.block_log import BlockLog, block_ledger_time
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.events import STATE_DELTA, BlockEvents, EventFollower, subscription
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.energycontract import addressing, events, schedule, txn
from smartblocks.processors.kit.periods import iso
from smartblocks.protos.energycontract_pb2 import Contract, DisputeRecord, Settlement, Terms

from . import ledger as chain
from .manager_config import ManagerConfig
from .quantities import display_energy, display_ppm, format_amount
from .terms_file import unit_of

LOG = logging.getLogger(__name__)

RETRY_BLOCKS = 3  # a settle the family refused (or that did not commit) is tried again after
SETTLE_WAIT_S = 30.0  # how long to wait for a settle batch to commit

SCHEMA = """
CREATE TABLE IF NOT EXISTS contracts (
    contract_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,          -- PROPOSED | ACTIVE | ENDED | WITHDRAWN
    terms_hash TEXT NOT NULL,
    template TEXT NOT NULL,
    currency TEXT NOT NULL,
    esco TEXT NOT NULL,
    owner TEXT NOT NULL,
    auditor TEXT NOT NULL,
    periods INTEGER NOT NULL,
    next_period INTEGER NOT NULL,  -- Contract.settled_periods
    next_end INTEGER,              -- when the next period ends (NULL: none left)
    action TEXT NOT NULL DEFAULT '',   -- the manager's last action on it
    reason TEXT NOT NULL DEFAULT '',   -- the last reason it waited (or failed)
    retry_block INTEGER NOT NULL DEFAULT 0,
    block_num INTEGER NOT NULL     -- the block being followed when the row was written
);
CREATE TABLE IF NOT EXISTS settlements (
    contract_id TEXT NOT NULL,
    period INTEGER NOT NULL,
    period_name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,          -- SETTLED | INSUFFICIENT
    reason TEXT NOT NULL DEFAULT '',
    actual INTEGER,
    baseline INTEGER,
    avoided INTEGER,
    coverage_ppm INTEGER,
    settled_by TEXT NOT NULL DEFAULT '',
    settled_at INTEGER,
    dispute TEXT NOT NULL DEFAULT '',  -- '' | OPEN | UPHELD | ADJUSTED
    block_num INTEGER NOT NULL,
    PRIMARY KEY (contract_id, period)
);
"""

CONTRACT_COLUMNS = (
    "contract_id",
    "status",
    "terms_hash",
    "template",
    "currency",
    "esco",
    "owner",
    "auditor",
    "periods",
    "next_period",
    "next_end",
    "action",
    "reason",
    "retry_block",
    "block_num",
)
SETTLEMENT_COLUMNS = (
    "contract_id",
    "period",
    "period_name",
    "status",
    "reason",
    "actual",
    "baseline",
    "avoided",
    "coverage_ppm",
    "settled_by",
    "settled_at",
    "dispute",
    "block_num",
)


class ManagerState(BlockLog):
    """The manager's SQLite file: followed blocks (BlockLog), contracts index, settlements seen."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(BlockLog.connect(path))
        self.db.executescript(SCHEMA)

    def on_rewind(self, block_num: int) -> None:
        """Settlements indexed from a dropped block are indexed again from the new branch."""
        self.db.execute("DELETE FROM settlements WHERE block_num >= ?", (block_num,))

    # -- contracts ------------------------------------------------------------------------

    def put_contract(self, contract: Contract, block_num: int) -> None:
        """Insert or refresh a contract's row from its record (keeping the manager's last
        action, reason and retry block)."""
        terms = contract.terms
        period = contract.settled_periods
        next_end = (
            schedule.period(terms, period).end
            if contract.status == Contract.ACTIVE and period < terms.periods
            else None
        )
        values = (
            contract.contract_id,
            Contract.Status.Name(contract.status),
            contract.terms_hash,
            terms.WhichOneof("template") or "",
            terms.currency,
            terms.esco,
            terms.owner,
            terms.auditor,
            terms.periods,
            period,
            next_end,
            block_num,
        )
        self.db.execute(
            "INSERT INTO contracts (contract_id, status, terms_hash, template, currency, esco,"
            " owner, auditor, periods, next_period, next_end, block_num)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (contract_id) DO UPDATE SET status = excluded.status,"
            " terms_hash = excluded.terms_hash, template = excluded.template,"
            " currency = excluded.currency,"
            " esco = excluded.esco, owner = excluded.owner, auditor = excluded.auditor,"
            " periods = excluded.periods, next_period = excluded.next_period,"
            " next_end = excluded.next_end, block_num = excluded.block_num",
            values,
        )

    def contract(self, contract_id: str) -> dict[str, Any] | None:
        row = self.db.execute(
            f"SELECT {', '.join(CONTRACT_COLUMNS)} FROM contracts WHERE contract_id = ?",
            (contract_id,),
        ).fetchone()
        return dict(zip(CONTRACT_COLUMNS, row, strict=True)) if row else None

    def contract_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT contract_id FROM contracts ORDER BY 1")]

    def note(
        self, contract_id: str, action: str, reason: str = "", retry_block: int | None = None
    ) -> bool:
        """Record the manager's last action on a contract; True when the reason changed (the
        caller logs only then)."""
        before = self.contract(contract_id)
        if before is None:
            return True
        changed = (before["action"], before["reason"]) != (action, reason)
        self.db.execute(
            "UPDATE contracts SET action = ?, reason = ?, retry_block = ? WHERE contract_id = ?",
            (
                action,
                reason,
                before["retry_block"] if retry_block is None else retry_block,
                contract_id,
            ),
        )
        return changed

    def due(self, now: int, block_num: int) -> list[str]:
        """ACTIVE contracts whose next period has ended by `now`, not waiting to retry."""
        rows = self.db.execute(
            "SELECT contract_id FROM contracts WHERE status = 'ACTIVE' AND next_end <= ?"
            " AND retry_block <= ? ORDER BY contract_id",
            (now, block_num),
        )
        return [r[0] for r in rows]

    # -- settlements ----------------------------------------------------------------------

    def put_settlement(self, record: Settlement, block_num: int) -> None:
        dispute = DisputeRecord.Status.Name(record.dispute.status) if record.dispute.status else ""
        self.db.execute(
            f"INSERT OR REPLACE INTO settlements ({', '.join(SETTLEMENT_COLUMNS)})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.contract_id,
                record.period,
                record.period_name,
                Settlement.Status.Name(record.status),
                record.reason,
                record.actual,
                record.adjusted_baseline,
                record.avoided,
                record.coverage_ppm,
                record.settled_by,
                record.settled_at,
                dispute,
                block_num,
            ),
        )

    def seen_event(
        self, contract_id: str, period: int, status: str, block_num: int, *, dispute: bool
    ) -> None:
        """What an event says, without reading the record (catch-up): a settlement's status or
        its dispute's."""
        if dispute:
            self.db.execute(
                "INSERT INTO settlements (contract_id, period, status, dispute, block_num)"
                " VALUES (?, ?, '', ?, ?) ON CONFLICT (contract_id, period) DO UPDATE SET"
                " dispute = excluded.dispute",
                (contract_id, period, status, block_num),
            )
        else:
            self.db.execute(
                "INSERT INTO settlements (contract_id, period, status, block_num)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (contract_id, period) DO UPDATE SET"
                " status = excluded.status",
                (contract_id, period, status, block_num),
            )

    def settlements(self, *, open_disputes: bool = False) -> list[dict[str, Any]]:
        where = " WHERE dispute = 'OPEN'" if open_disputes else ""
        rows = self.db.execute(
            f"SELECT {', '.join(SETTLEMENT_COLUMNS)} FROM settlements{where}"
            " ORDER BY contract_id, period"
        )
        return [dict(zip(SETTLEMENT_COLUMNS, r, strict=True)) for r in rows]

    def dump(self) -> dict[str, Any]:
        """The whole index, for `--status`."""
        rows = self.db.execute(
            f"SELECT {', '.join(CONTRACT_COLUMNS)} FROM contracts ORDER BY contract_id"
        )
        return {
            "head": self.head(),
            "ledger_time": self.ledger_time(),
            "contracts": [dict(zip(CONTRACT_COLUMNS, r, strict=True)) for r in rows],
            "settlements": self.settlements(),
        }


def manager_subscriptions() -> list[Any]:
    """Ledger time (BlockInfo block records' state changes) and EnergyContract's events."""
    return [
        subscription(STATE_DELTA, ("address", f"^{BLOCK_PREFIX}", EventFilter.REGEX_ANY)),
        subscription(events.CONTRACT_CHANGED),
        subscription(events.SETTLED),
        subscription(events.DISPUTED),
    ]


# -- decisions on plain data ------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What a contract needs now: "idle" (nothing to settle, ever or yet: reason says which),
    "wait" (its next period has not ended by ledger time) or "check" (it has: read inputs)."""

    kind: str
    period: int
    reason: str


def plan(contract: Contract, now: int | None) -> Plan:
    """The next step for `contract` at ledger time `now`, before reading any meter data."""
    period = contract.settled_periods
    if contract.status != Contract.ACTIVE:
        return Plan("idle", period, f"the contract is {Contract.Status.Name(contract.status)}")
    terms = contract.terms
    if period >= terms.periods:
        return Plan("idle", period, f"all {terms.periods} periods are settled")
    info = schedule.period(terms, period)
    if now is None or now < info.end:
        return Plan("wait", period, f"period {period} ({info.name}) ends at {iso(info.end)}")
    return Plan("check", period, "")


@dataclass(frozen=True)
class EventSeen:
    kind: str  # events.CONTRACT_CHANGED | SETTLED | DISPUTED
    contract_id: str
    period: int | None
    status: str


def contract_events(block: BlockEvents) -> list[EventSeen]:
    """EnergyContract's events in a block, in order."""
    seen: list[EventSeen] = []
    for event in block.events:
        if event.event_type not in (events.CONTRACT_CHANGED, events.SETTLED, events.DISPUTED):
            continue
        attrs = {a.key: a.value for a in event.attributes}
        period = attrs.get("period")
        seen.append(
            EventSeen(
                event.event_type,
                attrs.get("contract_id", ""),
                int(period) if period and period.isdigit() else None,
                attrs.get("status", ""),
            )
        )
    return seen


def figures_differ(expected: chain.Preview, record: Settlement) -> list[str]:
    """How an on-chain settlement differs from the manager's preview ([] when it matches)."""
    mine = preview_figures(expected)
    theirs = settlement_figures(record, expected.terms)
    return [
        f"{name}: expected {mine[name]}, on chain {theirs.get(name)}"
        for name in mine
        if mine[name] != theirs.get(name)
    ]


def preview_figures(preview: chain.Preview) -> dict[str, Any]:
    return {
        "status": "SETTLED" if preview.computed.sufficient else "INSUFFICIENT",
        "actual": preview.measured.actual,
        "baseline": preview.measured.baseline,
        "avoided": preview.measured.avoided,
        "coverage_ppm": preview.measured.coverage_ppm,
        "dues": sorted(
            (d.reason, d.payer, d.payee, d.amount) for d in preview.computed.outcome.dues
        ),
    }


def settlement_figures(record: Settlement, terms: Terms) -> dict[str, Any]:
    """The figures `preview_figures` names, of an on-chain settlement (payments name keys, the
    preview's dues roles: compared as roles)."""
    roles = {terms.esco: "esco", terms.owner: "owner"}
    return {
        "status": Settlement.Status.Name(record.status),
        "actual": record.actual,
        "baseline": record.adjusted_baseline,
        "avoided": record.avoided,
        "coverage_ppm": record.coverage_ppm,
        "dues": sorted(
            (p.reason, roles.get(p.payer, p.payer), roles.get(p.payee, p.payee), p.due)
            for p in record.payments
        ),
    }


def _energy(terms: Terms, base: int) -> str:
    return display_energy(base, unit_of(terms))


def describe_preview(preview: chain.Preview, currency: str) -> str:
    m, terms = preview.measured, preview.terms
    text = (
        f"actual {_energy(terms, m.actual)}, baseline {_energy(terms, m.baseline)}, avoided "
        f"{_energy(terms, m.avoided)}, coverage {display_ppm(m.coverage_ppm)} "
        f"({m.complete_days} of {m.days} days complete)"
    )
    if not preview.computed.sufficient:
        return f"{text}; INSUFFICIENT: {preview.computed.reason}"
    dues = [
        f"{d.payer} pays {d.payee} {format_amount(d.amount, currency)} ({d.reason})"
        for d in preview.computed.outcome.dues
    ]
    return f"{text}; dues: {', '.join(dues) or 'none'}"


def describe_settlement(record: Settlement, terms: Terms) -> str:
    text = (
        f"{Settlement.Status.Name(record.status)}: actual {_energy(terms, record.actual)}, "
        f"baseline {_energy(terms, record.adjusted_baseline)}, avoided "
        f"{_energy(terms, record.avoided)}, coverage {display_ppm(record.coverage_ppm)} "
        f"({record.complete_days} of {record.days} days complete)"
    )
    if record.status == Settlement.INSUFFICIENT:
        return f"{text}; {record.reason}"
    roles = {terms.esco: "esco", terms.owner: "owner"}
    currency = terms.currency
    paid = [
        f"{roles.get(p.payer, p.payer[:12])} paid {roles.get(p.payee, p.payee[:12])} "
        f"{format_amount(p.due - p.unpaid, currency)} ({p.reason}"
        + (f"; {format_amount(p.unpaid, currency)} unpaid, carried as arrears" if p.unpaid else "")
        + ")"
        for p in record.payments
    ]
    return f"{text}; payments: {', '.join(paid) or 'none'}"


# -- the manager ------------------------------------------------------------------------------


@dataclass
class Totals:
    settled: int = 0  # settlements this manager posted and saw commit
    found: int = 0  # periods someone else settled first
    failed: int = 0  # settle batches refused or not committed
    waits: int = 0  # changes of a contract's reason to wait


class Manager:
    """Decides and settles; `start` is the one full pass, `on_block` the follower's step."""

    def __init__(
        self,
        config: ManagerConfig,
        signer: Signer,
        state: ManagerState,
        rest: RestClient,
        *,
        wait_s: float = SETTLE_WAIT_S,
    ) -> None:
        self.config = config
        self.signer = signer
        self.state = state
        self.rest = rest
        self.wait_s = wait_s
        self.totals = Totals()
        self._parties = set(config.selection.parties) | {signer.public_key}
        self._recheck_all = False

    def forked(self) -> None:
        """Blocks were rewound: look at every indexed contract again at the next live block."""
        self._recheck_all = True

    def selected(self, contract: Contract) -> bool:
        terms = contract.terms
        return self.config.selection.includes(
            contract.contract_id, terms.esco, terms.owner, self.signer.public_key
        )

    def involved(self, contract_id: str) -> bool:
        row = self.state.contract(contract_id)
        return row is not None and bool({row["esco"], row["owner"]} & self._parties)

    # -- reading --------------------------------------------------------------------------

    async def chain_head(self) -> int:
        """The chain's head block number (-1 before genesis)."""
        page = await self.rest.blocks(limit=1)
        data = page.get("data") or []
        return int(data[0]["header"]["block_num"]) if data else -1

    async def read_settlement(self, contract_id: str, period: int) -> Settlement | None:
        data = await self.rest.state(addressing.settlement_address(contract_id, period))
        return Settlement.FromString(data) if data else None

    # -- the full pass --------------------------------------------------------------------

    async def start(self) -> int:
        """Read every contract once and act on the latest state; returns the chain's head
        block number then (blocks up to it are only indexed when the follower replays them)."""
        head = await self.chain_head()
        block_num = max(head, 0)
        contracts = [c for c in await chain.list_contracts(self.rest) if self.selected(c)]
        LOG.info(
            "managing %s: %d on the ledger (head block #%d); signing with %s…",
            self.config.selection.describe(self.signer.public_key),
            len(contracts),
            head,
            self.signer.public_key[:12],
        )
        now = await chain.ledger_time(self.rest)
        for contract in sorted(contracts, key=lambda c: c.contract_id):
            self.state.put_contract(contract, block_num)
            await self.advance(contract, now, block_num)
        return head

    def report_open_disputes(self) -> None:
        """After catching up: the open disputes of managed contracts the index knows of."""
        for row in self.state.settlements(open_disputes=True):
            if self.involved(row["contract_id"]):
                LOG.warning(
                    "contract %s period %d has an OPEN dispute; its auditor resolves it "
                    "(`smartblocks contract show %s` for the reason and evidence)",
                    row["contract_id"],
                    row["period"],
                    row["contract_id"],
                )

    # -- one block ------------------------------------------------------------------------

    async def on_block(self, block: BlockEvents, *, live: bool) -> None:
        """Index the block's EnergyContract events; when `live` (past the blocks the start
        pass already decided on), read what they changed and settle what is due."""
        seen = contract_events(block)
        look: set[str] = set()
        for event in seen:
            if event.kind == events.CONTRACT_CHANGED:
                look.add(event.contract_id)
                continue
            known = self.state.contract(event.contract_id) is not None
            if not known or event.period is None:
                look.add(event.contract_id)  # a contract the index lacks: read it
                continue
            if not live:
                self.state.seen_event(
                    event.contract_id,
                    event.period,
                    event.status,
                    block.block_num,
                    dispute=event.kind == events.DISPUTED,
                )
                continue
            look.add(event.contract_id)
            await self.on_settlement_event(event, block.block_num)
        if not live:
            return
        if self._recheck_all:
            self._recheck_all = False
            look.update(self.state.contract_ids())
        now = self.state.ledger_time()
        if now is not None:
            look.update(self.state.due(now, block.block_num))
        if look:
            await self.check(sorted(look), block.block_num)

    async def on_settlement_event(self, event: EventSeen, block_num: int) -> None:
        assert event.period is not None
        record = await self.read_settlement(event.contract_id, event.period)
        if record is None:
            return
        self.state.put_settlement(record, block_num)
        row = self.state.contract(event.contract_id)
        where = f"contract {event.contract_id} period {record.period} ({record.period_name})"
        if event.kind == events.DISPUTED:
            dispute = record.dispute
            status = DisputeRecord.Status.Name(dispute.status)
            if dispute.status == DisputeRecord.OPEN:
                log = LOG.warning if self.involved(event.contract_id) else LOG.info
                auditor = row["auditor"][:12] + "…" if row else "the auditor"
                log(
                    "%s disputed by %s…: %s (evidence: %s); the auditor %s resolves it",
                    where,
                    dispute.raised_by[:12],
                    dispute.reason or "no reason given",
                    ", ".join(dispute.evidence) or "none",
                    auditor,
                )
            else:
                LOG.info("%s: dispute %s (%s)", where, status, dispute.note or "no note")
        elif record.settled_by != self.signer.public_key:
            contract = await chain.read_contract(self.rest, event.contract_id)
            if contract is not None:
                by = f"{where} settled by {record.settled_by[:12]}…"
                self.report_settlement(record, by, contract.terms)

    def report_settlement(self, record: Settlement, what: str, terms: Terms) -> None:
        if record.status == Settlement.INSUFFICIENT:
            LOG.warning(
                "%s as INSUFFICIENT, no money moved: %s; check the meters' data for the period "
                "(a party may dispute it within the terms' dispute window)",
                what,
                record.reason,
            )
        else:
            LOG.info("%s: %s", what, describe_settlement(record, terms))

    async def check(self, contract_ids: Iterable[str], block_num: int) -> None:
        now = await chain.ledger_time(self.rest)
        for contract_id in contract_ids:
            contract = await chain.read_contract(self.rest, contract_id)
            if contract is None or not self.selected(contract):
                continue
            if self.state.contract(contract_id) is None:
                LOG.info(
                    "contract %s (%s, %s) is now managed",
                    contract_id,
                    contract.terms.WhichOneof("template"),
                    Contract.Status.Name(contract.status),
                )
            self.state.put_contract(contract, block_num)
            await self.advance(contract, now, block_num)

    # -- settling -------------------------------------------------------------------------

    async def advance(self, contract: Contract, now: int | None, block_num: int) -> None:
        """Settle the contract's ended, ready periods one after the other (a manager started
        late settles every period it missed), then record why it waits."""
        contract_id = contract.contract_id
        while True:
            step = plan(contract, now)
            if step.kind != "check":
                self._note(contract_id, step.kind, step.reason)
                return
            terms = contract.terms
            assert now is not None
            inputs = await chain.period_inputs(self.rest, terms, step.period)
            ok, why = chain.ready(terms, step.period, now, inputs)
            info = schedule.period(terms, step.period)
            if not ok:
                self._note(contract_id, "wait", f"period {step.period} ({info.name}): {why}")
                return
            if not await self.settle(contract, step.period, inputs, block_num):
                return
            refreshed = await chain.read_contract(self.rest, contract_id)
            if refreshed is None or refreshed.settled_periods <= step.period:
                return  # not visible yet at the REST API's head: the next block looks again
            contract = refreshed
            self.state.put_contract(contract, block_num)

    def _note(self, contract_id: str, action: str, reason: str) -> None:
        """Record why a contract waits (or idles); log it when the reason changed."""
        if self.state.note(contract_id, action, reason, 0):
            if action == "wait":
                self.totals.waits += 1
                LOG.info("contract %s waits: %s", contract_id, reason)
            else:
                LOG.info("contract %s: nothing to settle, %s", contract_id, reason)

    async def settle(
        self, contract: Contract, period: int, inputs: chain.PeriodInputs, block_num: int
    ) -> bool:
        """Post `settle` for `period` and wait; True when the period is settled on chain
        (by this manager or by someone else first)."""
        terms = contract.terms
        contract_id = contract.contract_id
        info = schedule.period(terms, period)
        where = f"contract {contract_id} period {period} ({info.name})"
        expected = chain.preview(terms, contract.state, period, inputs)
        LOG.info("settling %s; expecting %s", where, describe_preview(expected, terms.currency))
        transaction = txn.settle(self.signer, terms=terms, period=period)
        batch = make_batch(self.signer, [transaction])
        detail = ""
        try:
            await self.rest.submit_batches([batch])
            [status] = await self.rest.wait_for_batches([batch.header_signature], self.wait_s)
            if status.get("status") != "COMMITTED":
                reasons = [t.get("message", "") for t in status.get("invalid_transactions", [])]
                detail = f"{status.get('status')}: {'; '.join(reasons)}".rstrip(": ")
        except UserError as exc:
            detail = str(exc)
        record = await self.read_settlement(contract_id, period)
        if record is None:
            self.totals.failed += 1
            retry = block_num + RETRY_BLOCKS
            if self.state.note(contract_id, "failed", detail, retry):
                LOG.warning(
                    "%s: settle not committed (%s); trying again in %d blocks",
                    where,
                    detail or "no status",
                    RETRY_BLOCKS,
                )
            return False
        self.state.put_settlement(record, block_num)
        if record.settled_by == self.signer.public_key and not detail:
            self.totals.settled += 1
            self.state.note(contract_id, "settled", f"period {period} ({info.name})", 0)
            self.report_settlement(record, f"settled {where}", terms)
            differences = figures_differ(expected, record)
            if differences:
                LOG.warning(
                    "%s: the on-chain settlement differs from the preview (%s); data may have "
                    "arrived between the two reads: compare with `smartblocks contract show`",
                    where,
                    "; ".join(differences),
                )
        else:
            self.totals.found += 1
            self.state.note(
                contract_id, "found", f"period {period} ({info.name}) already settled", 0
            )
            by = f"{where} was already settled by {record.settled_by[:12]}…"
            self.report_settlement(record, by, terms)
        return True


async def serve(
    config: ManagerConfig, signer: Signer, *, stop: asyncio.Event | None = None
) -> Totals:
    """Follow the ledger until `stop` is set (or forever); returns what was done."""
    config.state.parent.mkdir(parents=True, exist_ok=True)
    state = ManagerState(config.state)
    follower = EventFollower(config.component, state, manager_subscriptions())
    stopping = stop or asyncio.Event()
    async with RestClient(config.rest_api) as rest:
        manager = Manager(config, signer, state, rest)

        async def first_pass() -> int:
            backoff = Backoff(1.0, 30.0)
            while True:
                try:
                    return await manager.start()
                except UserError as exc:
                    LOG.warning("cannot read the contracts: %s; trying again", exc)
                    await backoff.sleep()

        async def follow() -> None:
            start_head = await first_pass()
            head = state.head()
            caught_up = head is not None and head[0] >= start_head
            if caught_up:
                manager.report_open_disputes()
            async for block in follower.blocks():
                rewound = state.add_block(block, block_ledger_time(block))
                if rewound:
                    LOG.warning("fork: dropped %d block(s) from #%d", rewound, block.block_num)
                    manager.forked()
                try:
                    await manager.on_block(block, live=block.block_num > start_head)
                except UserError as exc:  # the REST API is down or refused: later blocks retry
                    LOG.warning("block #%d: %s; the next block tries again", block.block_num, exc)
                if not caught_up and block.block_num >= start_head:
                    caught_up = True
                    LOG.info("caught up with the chain at block #%d", block.block_num)
                    manager.report_open_disputes()

        task = asyncio.ensure_future(follow())
        waiter = asyncio.ensure_future(stopping.wait())
        try:
            done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if task in done:
                task.result()
        finally:
            for t in (task, waiter):
                t.cancel()
            await follower.close()
            state.close()
        LOG.info("stopped: %s", manager.totals)
        return manager.totals
