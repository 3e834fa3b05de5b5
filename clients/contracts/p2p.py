"""Reading the P2P market over the REST API (offers, aggregators, balances) and previewing a
trade's proof of delivery with the processor's own functions (markets/p2p/actions.proof_of):
what a preview shows is what `offer settle` would write, given the same data. Used by
`smartblocks offer|aggregator`, the demo and the portal (docs/market-p2p.md).
"""

from __future__ import annotations

from typing import Any

from smartblocks.processors.blockmeter import records as blockmeter
from smartblocks.processors.energycontract.markets.p2p import actions, limits, records, rules
from smartblocks.processors.energycontract.markets.p2p.addressing import RecordType
from smartblocks.processors.kit.periods import iso
from smartblocks.processors.kit.store import RecordStore
from smartblocks.protos.market_p2p_pb2 import Aggregator, Offer

from . import quantities as q
from .ledger import StateReader, ledger_time, read_many

Status = Offer.Status
LAPSED = "LAPSED"  # an OPEN offer past expires_at: nobody may pick it


async def list_offers(client: StateReader) -> list[Offer]:
    """Every offer, by window start then id."""
    found = [Offer.FromString(d) async for _, d in client.list_state(RecordType.OFFER.prefix)]
    return sorted(found, key=lambda o: (o.window_start, o.offer_id))


async def read_offer(client: StateReader, offer_id: str) -> Offer | None:
    data = await client.state(records.offer(offer_id).address)
    return Offer.FromString(data) if data else None


async def list_aggregators(client: StateReader) -> list[Aggregator]:
    prefix = RecordType.AGGREGATOR.prefix
    found = [Aggregator.FromString(d) async for _, d in client.list_state(prefix)]
    return sorted(found, key=lambda a: (a.name, a.aggregator))


async def read_aggregator(client: StateReader, key: str) -> Aggregator | None:
    data = await client.state(records.aggregator(key).address)
    return Aggregator.FromString(data) if data else None


def status_of(offer: Offer, now: int | None) -> str:
    """The offer's status as people see it: OPEN past its expiry is LAPSED (by ledger time)."""
    if offer.status == Status.OPEN and now is not None and now >= offer.expires_at:
        return LAPSED
    return Status.Name(offer.status)


class _Snapshot:
    """A read-only context over addresses fetched from the REST API, for the record store."""

    def __init__(self, values: dict[str, bytes | None]):
        self.values = values

    def get_state(self, addresses: list[str]) -> list[Any]:
        return [_Entry(a, self.values[a]) for a in addresses if self.values.get(a)]


class _Entry:
    def __init__(self, address: str, data: bytes | None):
        self.address, self.data = address, data


async def preview(client: StateReader, offer: Offer) -> dict[str, Any]:
    """What settling a PICKED offer would pay now, and whether it would be accepted."""
    refs = actions.settle_reads(offer)
    addresses = [r.address for r in refs]
    values = dict(zip(addresses, await read_many(client, addresses), strict=True))
    store = RecordStore(_Snapshot(values), addresses, [], [])
    proof, _ = actions.proof_of(store, offer)
    now = await ledger_time(client)
    ready, why = True, "a settlement would be accepted now"
    if now is None or now < offer.window_end:
        ready, why = False, f"the window ends {iso(offer.window_end)}"
    elif now < offer.window_end + limits.DATA_GRACE_S:
        for meter_id in (offer.export_meter, offer.import_meter):
            head = store.get(blockmeter.head(meter_id))
            if head is None or head.last_window_end < offer.window_end:
                ready, why = False, f"meter {meter_id}'s data does not reach the window's end yet"
    return {"ready": ready, "why": why, **dict(proof.figures())}


def offer_dict(offer: Offer, now: int | None) -> dict[str, Any]:
    """An offer for people and the portal: times in ISO 8601, money and energy in units."""
    return {
        "offer_id": offer.offer_id,
        "status": status_of(offer, now),
        "seller": offer.seller,
        "buyer": offer.buyer,
        "aggregator": offer.aggregator,
        "currency": offer.currency,
        "energy": q.display_energy(offer.energy, "mWh"),
        "energy_mwh": offer.energy,
        "price": f"{q.format_amount(offer.price, offer.currency)}/kWh",
        "value": q.format_amount(offer.escrowed or _value(offer), offer.currency),
        "fee": q.format_ratio(offer.fee_ppm),
        "window_start": iso(offer.window_start),
        "window_end": iso(offer.window_end),
        "expires_at": iso(offer.expires_at),
        "export_meter": offer.export_meter,
        "import_meter": offer.import_meter,
        "delivered": q.display_energy(offer.delivered, "mWh"),
        "delivered_mwh": offer.delivered,
        "seller_paid": q.format_amount(offer.seller_paid, offer.currency),
        "fee_paid": q.format_amount(offer.fee_paid, offer.currency),
        "buyer_refund": q.format_amount(offer.buyer_refund, offer.currency),
        "figures": {f.name: f.value for f in offer.figures},
        "inputs": list(offer.inputs),
    }


def _value(offer: Offer) -> int:
    return rules.trade_value(offer.energy, offer.price)


def aggregator_dict(agg: Aggregator) -> dict[str, Any]:
    return {
        "aggregator": agg.aggregator,
        "name": agg.name,
        "currency": agg.currency,
        "fee": q.format_ratio(agg.fee_ppm),
        "pay_currency": agg.pay_currency,
        "rate": q.plain_amount(agg.rate_ppm) if agg.rate_ppm else "",
        "updated_at": iso(agg.updated_at),
    }
