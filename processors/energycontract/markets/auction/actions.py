"""The local double auction's actions: `(body, signer, store) -> None`, every rule checked before
anything is written; money moves only through the family's accounts.py: subscription deposits
and bid collateral with `lock`, payments with `pay_from_escrow` and `move`, the end with
`release`."""

from __future__ import annotations

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.energycontract import accounts
from smartblocks.processors.energycontract import records as family
from smartblocks.processors.kit.ledger_time import ledger_time
from smartblocks.processors.kit.payload import short_key
from smartblocks.processors.kit.periods import iso
from smartblocks.processors.kit.settings import require_signer_in_setting
from smartblocks.processors.kit.store import RecordStore
from smartblocks.protos.blockmeter_pb2 import MeterKind
from smartblocks.protos.market_auction_pb2 import (
    Auction,
    AuctionClear,
    AuctionFinalize,
    AuctionOpen,
    AuctionSettleStep,
    AuctionSubscribe,
    Fill,
    Order,
    OrderSubmit,
    StepBook,
    StepResult,
    Subscriber,
)

from ..common import own_meter, require_issuer
from . import records, rules, steps
from .addressing import collateral_id, deposit_id
from .events import AUCTION_CHANGED

Side = OrderSubmit.Side
MAX_ORDERS_PER_STEP = 5_000


def _emit(store: RecordStore, auction_id: str, action: str, step: str, member: str) -> None:
    store.emit(
        AUCTION_CHANGED,
        [("auction_id", auction_id), ("action", action), ("step", step), ("member", member)],
    )


def _auction(store: RecordStore, auction_id: str, doing: str) -> Auction:
    found = store.get(records.auction(auction_id))
    if found is None:
        raise InvalidTransaction(f"{doing}: auction {auction_id} does not exist")
    if found.finalized:
        raise InvalidTransaction(
            f"{doing}: auction {auction_id} was finalized at {iso(found.finalized_at)}"
        )
    return found


def _step_in_range(auction: Auction, step: int, doing: str) -> None:
    if step >= auction.terms.steps:
        raise InvalidTransaction(
            f"{doing}: auction {auction.auction_id} runs steps 0..{auction.terms.steps - 1}"
        )


def auction_open(body: AuctionOpen, signer: str, store: RecordStore) -> None:
    doing = f"open auction {body.auction_id}"
    require_signer_in_setting(store, records.OPERATORS_SETTING, signer, doing)
    if store.get(records.auction(body.auction_id)) is not None:
        raise InvalidTransaction(f"{doing}: auction id {body.auction_id} is taken")
    require_issuer(store, body.currency, doing)
    store.put(
        records.auction(body.auction_id),
        Auction(
            auction_id=body.auction_id, operator=signer, opened_at=ledger_time(store), terms=body
        ),
    )
    _emit(store, body.auction_id, "open", "", "")


def _subscriber(auction: Auction, member: str) -> Subscriber | None:
    return next((s for s in auction.subscribers if s.member == member), None)


def auction_subscribe(body: AuctionSubscribe, signer: str, store: RecordStore) -> None:
    doing = f"subscribe to auction {body.auction_id}"
    auction = _auction(store, body.auction_id, doing)
    if signer == auction.operator:
        raise InvalidTransaction(f"{doing}: the auctioneer cannot subscribe to its own market")
    found = _subscriber(auction, signer)
    if found is not None and (found.import_meter, found.export_meter) != (
        body.import_meter,
        body.export_meter,
    ):
        raise InvalidTransaction(
            f"{doing}: {short_key(signer)} subscribed with meters {found.import_meter!r} and "
            f"{found.export_meter!r}; a subscriber tops its deposit up with the same meters"
        )
    own_meter(store, body.import_meter, [MeterKind.ELECTRICITY_IMPORT], signer, doing)
    if body.export_meter:
        own_meter(store, body.export_meter, [MeterKind.ELECTRICITY_EXPORT], signer, doing)
    terms = auction.terms
    held = accounts.escrowed(store, deposit_id(body.auction_id), signer)
    if held + body.deposit < terms.subscription_deposit:
        raise InvalidTransaction(
            f"{doing}: the deposit would be {held + body.deposit} micro-{terms.currency}, below "
            f"the auction's subscription deposit {terms.subscription_deposit}"
        )
    accounts.lock(store, deposit_id(body.auction_id), signer, terms.currency, body.deposit, doing)
    if found is None:
        subscribers = [*auction.subscribers]
        subscribers.append(
            Subscriber(
                member=signer,
                import_meter=body.import_meter,
                export_meter=body.export_meter,
                subscribed_at=ledger_time(store),
            )
        )
        subscribers.sort(key=lambda s: s.member)
        del auction.subscribers[:]
        auction.subscribers.extend(subscribers)
        store.put(records.auction(body.auction_id), auction)
    _emit(store, body.auction_id, "subscribe", "", signer)


def _new_book(auction: Auction, step: int) -> StepBook:
    span = steps.window(auction.terms, step)
    return StepBook(auction_id=auction.auction_id, step=step, start=span.start, end=span.end)


def order_submit(body: OrderSubmit, signer: str, store: RecordStore) -> None:
    side = Side.Name(body.side)
    doing = (
        f"{side} {body.energy_mwh} mWh at {body.limit_price} per kWh for step {body.step} of "
        f"auction {body.auction_id}"
    )
    auction = _auction(store, body.auction_id, doing)
    _step_in_range(auction, body.step, doing)
    if _subscriber(auction, signer) is None:
        raise InvalidTransaction(
            f"{doing}: {short_key(signer)} has not subscribed to auction {body.auction_id}"
        )
    terms = auction.terms
    span = steps.window(terms, body.step)
    closes = span.start - terms.gate_s
    now = ledger_time(store)
    if now > closes:
        raise InvalidTransaction(
            f"{doing}: the gate for the step starting {iso(span.start)} closed at {iso(closes)} "
            f"({terms.gate_s} s before it); ledger time is {iso(now)}"
        )
    ref = records.step(body.auction_id, body.step)
    book = store.get(ref) or _new_book(auction, body.step)
    orders = [o for o in book.orders if not (o.member == signer and o.side == body.side)]
    escrow = collateral_id(body.auction_id, body.step)
    if body.side == Side.BID:
        accounts.release(store, escrow, signer, terms.currency)  # the bid it replaces
    if body.energy_mwh:
        if len(orders) >= MAX_ORDERS_PER_STEP:
            raise InvalidTransaction(
                f"{doing}: the step already holds {len(orders)} orders, the most a step takes"
            )
        locked = 0
        if body.side == Side.BID:
            locked = rules.bid_collateral(body.energy_mwh, body.limit_price)
            accounts.lock(store, escrow, signer, terms.currency, locked, doing)
        orders.append(
            Order(
                member=signer,
                side=body.side,
                energy_mwh=body.energy_mwh,
                limit_price=body.limit_price,
                submitted_at=now,
                locked=locked,
            )
        )
    orders.sort(key=lambda o: (o.member, o.side))
    del book.orders[:]
    book.orders.extend(orders)
    store.put(ref, book)
    _emit(store, body.auction_id, "order", str(body.step), signer)


def clearing_of(book: StepBook) -> rules.Clearing:
    def of(side: int) -> list[rules.OrderIn]:
        return [
            rules.OrderIn(o.member, o.energy_mwh, o.limit_price)
            for o in book.orders
            if o.side == side
        ]

    return rules.clear(of(Side.BID), of(Side.ASK))


def auction_clear(body: AuctionClear, signer: str, store: RecordStore) -> None:
    doing = f"clear step {body.step} of auction {body.auction_id}"
    auction = _auction(store, body.auction_id, doing)
    _step_in_range(auction, body.step, doing)
    terms = auction.terms
    span = steps.window(terms, body.step)
    closes = span.start - terms.gate_s
    now = ledger_time(store)
    if now <= closes:
        raise InvalidTransaction(
            f"{doing}: its gate closes at {iso(closes)}; ledger time is {iso(now)}"
        )
    ref = records.step(body.auction_id, body.step)
    book = store.get(ref) or _new_book(auction, body.step)
    if book.cleared:
        raise InvalidTransaction(f"{doing}: the step was already cleared at {iso(book.cleared_at)}")
    clearing = clearing_of(book)
    bought = {member: b for member, b, _ in clearing.fills}
    escrow = collateral_id(body.auction_id, body.step)
    bidders = sorted({o.member for o in book.orders if o.side == Side.BID})
    store.load(  # one request for every record the refunds touch, not one each
        ref
        for m in bidders
        for ref in (
            records.collateral(body.auction_id, body.step, m),
            family.account(m, terms.currency),
        )
    )
    for order in book.orders:
        if order.side != Side.BID:
            continue
        keep = rules.trade_payment(bought.get(order.member, 0), clearing.price)
        accounts.pay_from_escrow(
            store, escrow, order.member, order.member, terms.currency, order.locked - keep,
            "auction.collateral_refund", doing,
        )  # fmt: skip
    book.cleared, book.cleared_at = True, now
    book.price, book.volume_mwh = clearing.price, clearing.volume
    book.marginal_bid, book.marginal_ask = clearing.marginal_bid, clearing.marginal_ask
    book.fills.extend(Fill(member=m, bought_mwh=b, sold_mwh=s) for m, b, s in clearing.fills)
    book.participants.extend(auction.subscribers)
    store.put(ref, book)
    auction.cleared_steps += 1
    store.put(records.auction(body.auction_id), auction)
    _emit(store, body.auction_id, "clear", str(body.step), "")


def _collect(
    store: RecordStore, auction: Auction, member: str, amount: int, reason: str, doing: str
) -> int:
    """Take up to `amount` from the member's subscription deposit, then its account, to the
    operator: as far as its funds go (a settlement is never blocked by an empty account)."""
    currency = auction.terms.currency
    vault = deposit_id(auction.auction_id)
    from_deposit = min(amount, accounts.escrowed(store, vault, member))
    accounts.pay_from_escrow(
        store, vault, member, auction.operator, currency, from_deposit, reason, doing
    )
    from_account = min(amount - from_deposit, accounts.balance(store, member, currency))
    accounts.move(store, currency, member, auction.operator, from_account, reason, doing)
    return from_deposit + from_account


def auction_settle_step(body: AuctionSettleStep, signer: str, store: RecordStore) -> None:
    doing = f"settle step {body.step} of auction {body.auction_id}"
    auction = _auction(store, body.auction_id, doing)
    ref = records.step(body.auction_id, body.step)
    book = store.get(ref)
    if book is None or not book.cleared:
        raise InvalidTransaction(f"{doing}: the step is not cleared; clear it first")
    if book.settled:
        raise InvalidTransaction(f"{doing}: the step was already settled at {iso(book.settled_at)}")
    now = ledger_time(store)
    if now < book.end:
        raise InvalidTransaction(
            f"{doing}: the step ends at {iso(book.end)}; ledger time is {iso(now)}"
        )
    terms, currency, operator = auction.terms, auction.terms.currency, auction.operator
    store.load(  # one request for every record the payments touch, not one each
        [
            family.account(operator, currency),
            *(
                ref
                for p in book.participants
                for ref in (
                    family.account(p.member, currency),
                    records.deposit(body.auction_id, p.member),
                    records.collateral(body.auction_id, body.step, p.member),
                )
            ),
            *steps.meter_refs(book),
        ]
    )
    metered = steps.metered(store, terms, book, now, doing)
    fills = {f.member: f for f in book.fills}
    positions = []
    for p in book.participants:
        fill = fills.get(p.member, Fill())
        imported, exported, complete = metered[p.member]
        pos = rules.position(
            fill.bought_mwh, fill.sold_mwh, imported, exported, book.price,
            terms.supplier_price, terms.feed_in_price,
        )  # fmt: skip
        positions.append((p, fill, imported, exported, complete, pos))
    collateral = collateral_id(body.auction_id, body.step)
    for p, *_, pos in positions:  # buyers pay first: the operator then pays the sellers
        accounts.pay_from_escrow(
            store, collateral, p.member, operator, currency, pos.trade_paid, "auction.trade", doing
        )
    for p, *_, pos in positions:
        accounts.move(
            store, currency, operator, p.member, pos.trade_received, "auction.trade", doing
        )
    collected = {
        p.member: _collect(store, auction, p.member, pos.imbalance_due, "auction.shortfall", doing)
        for p, *_, pos in positions
    }
    results = []
    for p, fill, imported, exported, complete, pos in positions:
        surplus = min(pos.surplus_due, accounts.balance(store, operator, currency))
        accounts.move(store, currency, operator, p.member, surplus, "auction.surplus", doing)
        results.append(
            StepResult(
                member=p.member,
                bought_mwh=fill.bought_mwh,
                sold_mwh=fill.sold_mwh,
                import_mwh=imported,
                export_mwh=exported,
                complete=complete,
                imbalance_mwh=pos.imbalance,
                trade_paid=pos.trade_paid,
                trade_received=pos.trade_received,
                imbalance_due=pos.imbalance_due,
                imbalance_paid=collected[p.member],
                surplus_due=pos.surplus_due,
                surplus_paid=surplus,
            )
        )
    book.settled, book.settled_at = True, now
    book.results.extend(results)
    book.trade_remainder = sum(r.trade_paid - r.trade_received for r in results)
    store.put(ref, book)
    auction.settled_steps += 1
    store.put(records.auction(body.auction_id), auction)
    _emit(store, body.auction_id, "settle", str(body.step), "")


def auction_finalize(body: AuctionFinalize, signer: str, store: RecordStore) -> None:
    doing = f"finalize auction {body.auction_id}"
    auction = _auction(store, body.auction_id, doing)
    if signer != auction.operator:
        raise InvalidTransaction(
            f"{doing}: only the auctioneer {short_key(auction.operator)} may finalize it"
        )
    terms = auction.terms
    ends = terms.start + terms.steps * terms.step_s
    now = ledger_time(store)
    if now < ends:
        raise InvalidTransaction(
            f"{doing}: its last step ends at {iso(ends)}; ledger time is {iso(now)}"
        )
    if auction.cleared_steps < terms.steps or auction.settled_steps < terms.steps:
        raise InvalidTransaction(
            f"{doing}: {auction.cleared_steps} of {terms.steps} steps are cleared and "
            f"{auction.settled_steps} settled; every step is cleared and settled first"
        )
    for s in auction.subscribers:
        accounts.release(store, deposit_id(body.auction_id), s.member, terms.currency)
    auction.finalized, auction.finalized_at = True, now
    store.put(records.auction(body.auction_id), auction)
    _emit(store, body.auction_id, "finalize", "", "")
