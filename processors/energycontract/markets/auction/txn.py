"""Client-side builders of the local double auction's transactions (CLI, portal, demo, bench,
tests). Each declares exactly the addresses its action reads and writes; builders that act on
an auction or a step take their records (read them first)."""

from __future__ import annotations

from collections.abc import Iterable

from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import setting_address
from smartblocks.processors.blockmeter import addressing as blockmeter
from smartblocks.processors.energycontract import addressing as family
from smartblocks.processors.energycontract import records as family_records
from smartblocks.processors.energycontract.txn import BUILDER
from smartblocks.processors.kit.builder import enum_value
from smartblocks.processors.kit.ledger_time import with_ledger_time
from smartblocks.protos.energycontract_pb2 import EnergyContractPayload
from smartblocks.protos.market_auction_pb2 import (
    Auction,
    AuctionClear,
    AuctionFinalize,
    AuctionOpen,
    AuctionSettleStep,
    AuctionSubscribe,
    OrderSubmit,
    StepBook,
)

from . import addressing as addr
from . import records, steps

Action = EnergyContractPayload.Action
Side = OrderSubmit.Side
_transaction = BUILDER.transaction


def _unique(addresses: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(addresses))


def open_auction(signer: Signer, *, terms: AuctionOpen) -> Transaction:
    """Signed by a key in setting smartblocks.energycontract.auctioneers."""
    payload = EnergyContractPayload(action=Action.AUCTION_OPEN, auction_open=terms)
    auction = addr.auction_address(terms.auction_id)
    settings = [
        setting_address(records.OPERATORS_SETTING),
        setting_address(family_records.issuers_setting(terms.currency)),
    ]
    return _transaction(signer, payload, with_ledger_time([auction, *settings]), [auction])


def subscribe(
    signer: Signer,
    *,
    auction: Auction,
    import_meter: str,
    export_meter: str,
    sites: Iterable[str],
    deposit: int,
) -> Transaction:
    """`sites`: the sites of the meters (BlockMeter's meter records name them)."""
    body = AuctionSubscribe(
        auction_id=auction.auction_id,
        import_meter=import_meter,
        export_meter=export_meter,
        deposit=deposit,
    )
    payload = EnergyContractPayload(action=Action.AUCTION_SUBSCRIBE, auction_subscribe=body)
    record = addr.auction_address(auction.auction_id)
    meters = [blockmeter.meter_address(m) for m in (import_meter, export_meter) if m]
    meters += [blockmeter.site_address(s) for s in sites]
    funds = [
        family.account_address(signer.public_key, auction.terms.currency),
        family.escrow_address(addr.deposit_id(auction.auction_id), signer.public_key),
    ]
    reads = with_ledger_time(_unique([record, *meters, *funds]))
    return _transaction(signer, payload, reads, [record, *funds])


def order(
    signer: Signer,
    *,
    auction: Auction,
    step: int,
    side: int | str,
    energy_mwh: int,
    limit_price: int,
    nonce: str | None = None,
) -> Transaction:
    side_value = enum_value(Side, side)
    body = OrderSubmit(
        auction_id=auction.auction_id,
        step=step,
        side=side_value,
        energy_mwh=energy_mwh,
        limit_price=limit_price,
    )
    payload = EnergyContractPayload(action=Action.ORDER_SUBMIT, order_submit=body)
    record, book = (
        addr.auction_address(auction.auction_id),
        addr.step_address(auction.auction_id, step),
    )
    writes = [book]
    if side_value == Side.BID:
        writes += [
            family.account_address(signer.public_key, auction.terms.currency),
            family.escrow_address(addr.collateral_id(auction.auction_id, step), signer.public_key),
        ]
    return _transaction(signer, payload, with_ledger_time([record, *writes]), writes, nonce=nonce)


def _bidders(book: StepBook | None) -> list[str]:
    return sorted({o.member for o in book.orders if o.side == Side.BID}) if book else []


def clear_addresses(
    auction: Auction, step: int, book: StepBook | None
) -> tuple[list[str], list[str]]:
    sid, currency = auction.auction_id, auction.terms.currency
    writes = [addr.auction_address(sid), addr.step_address(sid, step)]
    for member in _bidders(book):
        writes += [
            family.escrow_address(addr.collateral_id(sid, step), member),
            family.account_address(member, currency),
        ]
    return with_ledger_time(writes), writes


def clear(signer: Signer, *, auction: Auction, step: int, book: StepBook | None) -> Transaction:
    """Anyone may sign. `book` is the step's record (None when nobody ordered)."""
    body = AuctionClear(auction_id=auction.auction_id, step=step)
    payload = EnergyContractPayload(action=Action.AUCTION_CLEAR, auction_clear=body)
    inputs, outputs = clear_addresses(auction, step, book)
    return _transaction(signer, payload, inputs, outputs)


def settle_addresses(auction: Auction, book: StepBook) -> tuple[list[str], list[str]]:
    sid, currency = auction.auction_id, auction.terms.currency
    writes = [
        addr.auction_address(sid),
        addr.step_address(sid, book.step),
        family.account_address(auction.operator, currency),
    ]
    for p in book.participants:
        writes += [
            family.account_address(p.member, currency),
            family.escrow_address(addr.deposit_id(sid), p.member),
            family.escrow_address(addr.collateral_id(sid, book.step), p.member),
        ]
    reads = [*writes, *(ref.address for ref in steps.meter_refs(book))]
    return with_ledger_time(_unique(reads)), _unique(writes)


def settle(signer: Signer, *, auction: Auction, book: StepBook) -> Transaction:
    """Anyone may sign. `book` is the cleared step's record."""
    body = AuctionSettleStep(auction_id=auction.auction_id, step=book.step)
    payload = EnergyContractPayload(action=Action.AUCTION_SETTLE_STEP, auction_settle_step=body)
    inputs, outputs = settle_addresses(auction, book)
    return _transaction(signer, payload, inputs, outputs)


def finalize(signer: Signer, *, auction: Auction) -> Transaction:
    """The auctioneer, once every step is cleared and settled: deposits go back."""
    body = AuctionFinalize(auction_id=auction.auction_id)
    payload = EnergyContractPayload(action=Action.AUCTION_FINALIZE, auction_finalize=body)
    sid, currency = auction.auction_id, auction.terms.currency
    writes = [addr.auction_address(sid)]
    for s in auction.subscribers:
        writes += [
            family.account_address(s.member, currency),
            family.escrow_address(addr.deposit_id(sid), s.member),
        ]
    return _transaction(signer, payload, with_ledger_time(writes), writes)
