"""The four markets' actions through the contracts' signing flow (signing.py): each "market
action" (`p2p.pick`, `auction.bid`, ...) reads what its builder needs from the ledger (the
offer, the community and its members, the supplier's period, the step's book; the meters' sites)
with the readers the CLI uses, checks what a person can get wrong in the form, and runs the
mechanism's own builder (processors/energycontract/markets/<m>/txn.py) for the page's key.
contract_actions dispatches every name in ACTIONS here; an error names the form field.

The processor still decides: a pick of a taken offer or a bid after the gate is refused by the
ledger with its own message, which the page shows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.clients.cli.blockmeter_inputs import parse_time
from smartblocks.clients.cli.community import parse_capacity
from smartblocks.clients.contracts import p2p
from smartblocks.clients.contracts import quantities as q
from smartblocks.clients.contracts.auction import read_auction, read_step
from smartblocks.clients.contracts.supplier import read_period, read_supplier, settle_meters
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import is_public_key
from smartblocks.ledger.rest import RestClient
from smartblocks.processors.energycontract.markets.aggregation import addressing as agg_addr
from smartblocks.processors.energycontract.markets.aggregation import reading
from smartblocks.processors.energycontract.markets.aggregation import txn as agg_txn
from smartblocks.processors.energycontract.markets.auction import txn as auction_txn
from smartblocks.processors.energycontract.markets.p2p import txn as p2p_txn
from smartblocks.processors.energycontract.markets.supplier import txn as supplier_txn
from smartblocks.processors.kit.payload import check_id
from smartblocks.processors.kit.periods import SECONDS_PER_HOUR
from smartblocks.protos.market_aggregation_pb2 import Community, Member
from smartblocks.protos.market_auction_pb2 import Auction
from smartblocks.protos.market_p2p_pb2 import Offer
from smartblocks.protos.market_supplier_pb2 import Supplier

from .contract_requests import DraftError

# (builder of the signer's transaction, what it does, the command line that does the same)
Built = tuple[Callable[[Any], Any], str, str]
MAX_HOURS = 24 * 31  # a P2P delivery window longer than a month is a typing mistake


class Form:
    """The request body's fields, each read with an error that names it."""

    def __init__(self, body: dict[str, Any]):
        self.body = body

    def _get(self, key: str) -> Any:
        value = self.body.get(key)
        if value is None or value == "":
            raise DraftError(f"{key}: required", key)
        return value

    def _parsed(self, key: str, parse: Callable[[Any], Any]) -> Any:
        try:
            return parse(self._get(key))
        except (ValueError, UserError) as exc:
            raise DraftError(f"{key}: {exc}", key) from None

    def text(self, key: str, limit: int = 1000) -> str:
        value = self._get(key)
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            raise DraftError(f"{key}: give a text of 1 to {limit} characters", key)
        return value.strip()

    def ident(self, key: str) -> str:
        value = self._get(key)
        try:
            check_id(key, value if isinstance(value, str) else "")
        except InvalidTransaction as exc:
            raise DraftError(str(exc), key) from None
        return str(value)

    def key(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str) or not is_public_key(value.strip()):
            raise DraftError(f"{key}: a public key, 66 hex characters starting 02 or 03", key)
        return value.strip()

    def number(self, key: str, default: int | None = None) -> int:
        value = self.body.get(key)
        if value in (None, "") and default is not None:
            return default
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 10**9:
            raise DraftError(f"{key}: a whole number (0, 1, ...)", key)
        return value

    def electricity(self, key: str) -> int:
        energy, unit = self._parsed(key, q.parse_energy)
        if unit != "mWh":
            raise DraftError(f"{key}: electricity in Wh, kWh or MWh, e.g. '10 kWh'", key)
        return int(energy)

    def amount(self, key: str, default: str | None = None) -> int:
        if default is not None and self.body.get(key) in (None, ""):
            return q.parse_amount(default)
        return int(self._parsed(key, q.parse_amount))

    def price(self, key: str) -> int:
        return int(self._parsed(key, q.parse_price))

    def time(self, key: str) -> int:
        return int(self._parsed(key, lambda v: parse_time(str(v))))

    def capacity(self, key: str) -> int:
        return int(self._parsed(key, lambda v: parse_capacity(str(v))))


async def _site_of(client: RestClient, form: Form, key: str) -> tuple[str, str]:
    """(meter id, its site) of the meter the form names."""
    meter_id = form.ident(key)
    found = await reading.meter(client, meter_id)
    if found is None:
        raise DraftError(f"{key}: no meter {meter_id!r} on the ledger", key)
    return meter_id, found.site_id


# -- P2P trade (docs/market-p2p.md) -------------------------------------------------------------


async def _offer(client: RestClient, form: Form) -> Offer:
    offer_id = form.ident("offer_id")
    found = await p2p.read_offer(client, offer_id)
    if found is None:
        raise DraftError(f"offer_id: no offer {offer_id!r} on the ledger", "offer_id")
    return found


async def p2p_add(client: RestClient, form: Form) -> Built:
    offer_id = form.ident("offer_id")
    aggregator = form.key("aggregator")
    meter_id, site = await _site_of(client, form, "export_meter")
    energy, price = form.electricity("energy"), form.price("price")
    start = form.time("start")
    hours = form.number("hours", default=1)
    if not 1 <= hours <= MAX_HOURS:
        raise DraftError(f"hours: 1 to {MAX_HOURS}", "hours")
    expires = form.time("expires") if form.body.get("expires") else start
    return (
        lambda s: p2p_txn.offer_add(
            s,
            offer_id=offer_id,
            aggregator=aggregator,
            export_meter=meter_id,
            site_id=site,
            energy=energy,
            price=price,
            window_start=start,
            window_end=start + hours * SECONDS_PER_HOUR,
            expires_at=expires,
        ),
        f"offer {q.display_energy(energy, 'mWh')} at {q.plain_amount(price)}/kWh as {offer_id}",
        f"smartblocks offer add {offer_id} --aggregator {aggregator} --meter {meter_id} "
        f'--energy "{form.body["energy"]}" --price {q.plain_amount(price)} '
        f"--start {form.body['start']} --hours {hours} --key YOUR.priv",
    )


async def p2p_pick(client: RestClient, form: Form) -> Built:
    offer = await _offer(client, form)
    meter_id, site = await _site_of(client, form, "import_meter")
    return (
        lambda s: p2p_txn.offer_pick(s, offer=offer, import_meter=meter_id, site_id=site),
        f"pick offer {offer.offer_id}, paying its value into escrow",
        f"smartblocks offer pick {offer.offer_id} --meter {meter_id} --key YOUR.priv",
    )


async def p2p_cancel(client: RestClient, form: Form) -> Built:
    offer = await _offer(client, form)
    return (
        lambda s: p2p_txn.offer_cancel(s, offer_id=offer.offer_id),
        f"cancel offer {offer.offer_id}",
        f"smartblocks offer cancel {offer.offer_id} --key YOUR.priv",
    )


async def p2p_settle(client: RestClient, form: Form) -> Built:
    offer = await _offer(client, form)
    if offer.status != Offer.PICKED:
        raise DraftError(
            f"offer {offer.offer_id} is {Offer.Status.Name(offer.status)}: only a PICKED offer "
            "settles"
        )
    return (
        lambda s: p2p_txn.offer_settle(s, offer=offer),
        f"settle offer {offer.offer_id} from both meters",
        f"smartblocks offer settle {offer.offer_id} --key YOUR.priv",
    )


async def p2p_buy_tokens(client: RestClient, form: Form) -> Built:
    key = form.key("aggregator")
    agg = await p2p.read_aggregator(client, key)
    if agg is None or not agg.rate_ppm:
        raise DraftError("aggregator: not an aggregator that sells tokens", "aggregator")
    amount = form.amount("amount")
    return (
        lambda s: p2p_txn.tokens_buy(
            s,
            aggregator=key,
            currency=agg.currency,
            pay_currency=agg.pay_currency,
            pay_amount=amount,
            rate_ppm=agg.rate_ppm,
        ),
        f"buy {agg.currency} from {agg.name} for {q.format_amount(amount, agg.pay_currency)}",
        f"smartblocks aggregator buy-tokens {key} {q.plain_amount(amount)} --key YOUR.priv",
    )


# -- aggregator agreements (docs/market-aggregation.md) -----------------------------------------


async def _community(client: RestClient, form: Form) -> Community:
    community_id = form.ident("community_id")
    found = await reading.community(client, community_id)
    if found is None:
        raise DraftError(f"community_id: no community {community_id!r}", "community_id")
    return found


async def agg_join(client: RestClient, form: Form) -> Built:
    community = await _community(client, form)
    der_meter, der_site = await _site_of(client, form, "der_meter")
    connection, connection_site = await _site_of(client, form, "connection_meter")
    capacity, price = form.capacity("capacity"), form.price("price")
    deposit = form.amount("deposit")
    cid = community.community_id
    return (
        lambda s: agg_txn.join(
            s,
            community=community,
            der_meter=der_meter,
            der_site=der_site,
            connection_meter=connection,
            connection_site=connection_site,
            capacity_w=capacity,
            price=price,
            deposit=deposit,
        ),
        f"join community {cid} with {q.format_amount(deposit, community.currency)} deposit",
        f"smartblocks community join {cid} --der-meter {der_meter} --connection-meter "
        f"{connection} --capacity '{form.body['capacity']}' --price {q.plain_amount(price)} "
        f"--deposit {q.plain_amount(deposit)} --key YOUR.priv",
    )


async def agg_admit(client: RestClient, form: Form) -> Built:
    community = await _community(client, form)
    der = form.key("der")
    admit = form.body.get("admit", True) is not False
    reason = form.text("reason") if not admit else ""
    cid = community.community_id
    return (
        lambda s: agg_txn.admit(s, community=community, der=der, admit=admit, reason=reason),
        f"{'admit' if admit else 'refuse'} {der[:10]}.. into community {cid}",
        f"smartblocks community admit {cid} {der} --key AGGREGATOR.priv",
    )


async def agg_leave(client: RestClient, form: Form) -> Built:
    community = await _community(client, form)
    cid = community.community_id
    return (
        lambda s: agg_txn.leave(s, community=community),
        f"leave community {cid} (at the end of the epoch)",
        f"smartblocks community leave {cid} --key YOUR.priv",
    )


async def agg_sweep(client: RestClient, form: Form) -> Built:
    community = await _community(client, form)
    epoch = form.number("epoch", default=community.swept_epochs)
    members = await reading.current_members(client, community)
    cid = community.community_id
    return (
        lambda s: agg_txn.sweep(s, community=community, members=members, epoch=epoch),
        f"sweep epoch {epoch} of community {cid} from both meters of every DER",
        f"smartblocks epoch sweep {cid} {epoch} --key AGGREGATOR.priv",
    )


async def agg_dispute(client: RestClient, form: Form, signer_key: str) -> Built:
    """The evidence is what `smartblocks epoch dispute` sends: every hour of the epoch of the
    DER's own meter, from its day rollups on the ledger."""
    community = await _community(client, form)
    cid = community.community_id
    epoch = form.number("epoch")
    reason = form.text("reason")
    record = await reading.epoch(client, cid, epoch)
    if record is None:
        raise DraftError(f"epoch: epoch {epoch} of {cid} is not swept yet", "epoch")
    data = await client.state(agg_addr.member_address(cid, signer_key))
    if not data:
        raise DraftError(f"your key {signer_key[:10]}.. is not a member of {cid}")
    member = Member.FromString(data)
    hours = await reading.hours(client, member.der_meter, record.start, record.end)
    return (
        lambda s: agg_txn.dispute(
            s, community_id=cid, epoch=epoch, member=member, evidence=hours, reason=reason
        ),
        f"dispute epoch {epoch} of {cid} with meter {member.der_meter}'s {len(hours)} hours",
        f"smartblocks epoch dispute {cid} {epoch} --reason '...' --key YOUR.priv",
    )


async def agg_resolve(client: RestClient, form: Form) -> Built:
    community = await _community(client, form)
    cid = community.community_id
    epoch, der, note = form.number("epoch"), form.key("der"), form.text("note")
    decision = form.body.get("decision")
    if decision not in ("UPHOLD", "ADJUST"):
        raise DraftError("decision: UPHOLD or ADJUST", "decision")
    corrected = form.electricity("corrected") if decision == "ADJUST" else 0
    flag = "--uphold" if decision == "UPHOLD" else f"--adjust '{form.body.get('corrected')}'"
    return (
        lambda s: agg_txn.resolve(
            s,
            community=community,
            epoch=epoch,
            der=der,
            decision=str(decision),
            note=note,
            corrected_delivered=corrected,
        ),
        f"{str(decision).lower()} the dispute of {der[:10]}.. over epoch {epoch} of {cid}",
        f"smartblocks epoch resolve {cid} {epoch} {der} {flag} --note '...' --key OPERATOR.priv",
    )


# -- the automated supplier (docs/market-supplier.md) -------------------------------------------


async def _supplier(client: RestClient, form: Form) -> Supplier:
    supplier_id = form.ident("supplier_id")
    found = await read_supplier(client, supplier_id)
    if found is None:
        raise DraftError(f"supplier_id: no supplier {supplier_id!r}", "supplier_id")
    return found


async def supplier_join(client: RestClient, form: Form) -> Built:
    supplier = await _supplier(client, form)
    meter_id, site = await _site_of(client, form, "meter")
    deposit = form.amount("deposit", default="0")
    sid = supplier.supplier_id
    return (
        lambda s: supplier_txn.join(
            s, supplier=supplier, meter_id=meter_id, site_id=site, deposit=deposit
        ),
        f"join supplier {sid} with meter {meter_id}, locking "
        f"{q.format_amount(deposit, supplier.terms.currency)}",
        f"smartblocks supplier join {sid} --meter {meter_id} --deposit "
        f"{q.plain_amount(deposit)} --key YOUR.priv",
    )


async def supplier_declare(client: RestClient, form: Form) -> Built:
    supplier = await _supplier(client, form)
    period, usage = form.number("period"), form.electricity("usage")
    sid = supplier.supplier_id
    return (
        lambda s: supplier_txn.declare(s, supplier=supplier, period=period, usage_mwh=usage),
        f"declare {q.display_energy(usage, 'mWh')} for period {period} of supplier {sid}",
        f"smartblocks supplier declare {sid} {period} '{form.body['usage']}' --key YOUR.priv",
    )


async def supplier_settle(client: RestClient, form: Form) -> Built:
    supplier = await _supplier(client, form)
    sid, period = supplier.supplier_id, form.number("period")
    book = await read_period(client, sid, period)
    if book is None:
        raise DraftError(f"period: nobody declared usage for period {period}", "period")
    meters = await settle_meters(client, sid, book)
    return (
        lambda s: supplier_txn.settle(s, supplier=supplier, book=book, meters=meters),
        f"settle period {period} of supplier {sid} from the members' meters",
        f"smartblocks supplier settle {sid} {period} --key ANY.priv",
    )


async def supplier_leave(client: RestClient, form: Form) -> Built:
    supplier = await _supplier(client, form)
    sid = supplier.supplier_id
    return (
        lambda s: supplier_txn.leave(s, supplier=supplier),
        f"leave supplier {sid}: the deposit comes back",
        f"smartblocks supplier leave {sid} --key YOUR.priv",
    )


# -- the local double auction (docs/market-auction.md) ------------------------------------------


async def _auction(client: RestClient, form: Form) -> Auction:
    auction_id = form.ident("auction_id")
    found = await read_auction(client, auction_id)
    if found is None:
        raise DraftError(f"auction_id: no auction {auction_id!r}", "auction_id")
    return found


async def auction_subscribe(client: RestClient, form: Form) -> Built:
    auction = await _auction(client, form)
    import_meter, import_site = await _site_of(client, form, "import_meter")
    sites = {import_site}
    export_meter = ""
    if form.body.get("export_meter"):
        export_meter, export_site = await _site_of(client, form, "export_meter")
        sites.add(export_site)
    deposit = form.amount("deposit", default="0")
    aid = auction.auction_id
    return (
        lambda s: auction_txn.subscribe(
            s,
            auction=auction,
            import_meter=import_meter,
            export_meter=export_meter,
            sites=sorted(sites),
            deposit=deposit,
        ),
        f"subscribe to auction {aid}, locking {q.format_amount(deposit, auction.terms.currency)}",
        f"smartblocks auction subscribe {aid} --import {import_meter}"
        + (f" --export {export_meter}" if export_meter else "")
        + f" --deposit {q.plain_amount(deposit)} --key YOUR.priv",
    )


def _order(side: str) -> Callable[[RestClient, Form], Awaitable[Built]]:
    async def order(client: RestClient, form: Form) -> Built:
        auction = await _auction(client, form)
        step, energy, price = form.number("step"), form.electricity("energy"), form.price("price")
        aid = auction.auction_id
        verb = "buy" if side == "bid" else "sell"
        limit = "at most" if side == "bid" else "at least"
        return (
            lambda s: auction_txn.order(
                s, auction=auction, step=step, side=side, energy_mwh=energy, limit_price=price
            ),
            f"{side}: {verb} {q.display_energy(energy, 'mWh')} {limit} "
            f"{q.plain_amount(price)} {auction.terms.currency}/kWh in step {step} of {aid}",
            f"smartblocks auction {side} {aid} {step} '{form.body['energy']}' "
            f"{q.plain_amount(price)} --key YOUR.priv",
        )

    return order


async def auction_clear(client: RestClient, form: Form) -> Built:
    auction = await _auction(client, form)
    aid, step = auction.auction_id, form.number("step")
    book = await read_step(client, aid, step)
    return (
        lambda s: auction_txn.clear(s, auction=auction, step=step, book=book),
        f"clear step {step} of auction {aid}",
        f"smartblocks auction clear {aid} {step} --key ANY.priv",
    )


async def auction_settle(client: RestClient, form: Form) -> Built:
    auction = await _auction(client, form)
    aid, step = auction.auction_id, form.number("step")
    book = await read_step(client, aid, step)
    if book is None or not book.cleared:
        raise DraftError(f"step: step {step} of {aid} is not cleared yet", "step")
    return (
        lambda s: auction_txn.settle(s, auction=auction, book=book),
        f"settle step {step} of auction {aid} from the members' meters",
        f"smartblocks auction settle {aid} {step} --key ANY.priv",
    )


async def auction_finalize(client: RestClient, form: Form) -> Built:
    auction = await _auction(client, form)
    aid = auction.auction_id
    return (
        lambda s: auction_txn.finalize(s, auction=auction),
        f"finalize auction {aid}: every subscription deposit goes back",
        f"smartblocks auction finalize {aid} --key AUCTIONEER.priv",
    )


ACTIONS: dict[str, Callable[[RestClient, Form], Awaitable[Built]]] = {
    "p2p.add": p2p_add,
    "p2p.pick": p2p_pick,
    "p2p.cancel": p2p_cancel,
    "p2p.settle": p2p_settle,
    "p2p.buy_tokens": p2p_buy_tokens,
    "aggregation.join": agg_join,
    "aggregation.admit": agg_admit,
    "aggregation.leave": agg_leave,
    "aggregation.sweep": agg_sweep,
    "aggregation.resolve": agg_resolve,
    "supplier.join": supplier_join,
    "supplier.declare": supplier_declare,
    "supplier.settle": supplier_settle,
    "supplier.leave": supplier_leave,
    "auction.subscribe": auction_subscribe,
    "auction.bid": _order("bid"),
    "auction.ask": _order("ask"),
    "auction.clear": auction_clear,
    "auction.settle": auction_settle,
    "auction.finalize": auction_finalize,
}
NAMES = frozenset([*ACTIONS, "aggregation.dispute"])


async def transaction_for(client: RestClient, action: str, body: dict[str, Any]) -> Built:
    """The market action `action` (a name in NAMES) for body["public_key"] to sign."""
    form = Form(body)
    if action == "aggregation.dispute":  # the evidence is the signer's own meter
        return await agg_dispute(client, form, str(body.get("public_key")))
    return await ACTIONS[action](client, form)
