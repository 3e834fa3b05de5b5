"""Client-side builders of the P2P market's transactions (CLI, demo, bench, tests). Each declares
exactly the addresses its action reads (inputs) and writes (outputs); builders that act on an
offer take its record, read first."""

from __future__ import annotations

from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import setting_address
from smartblocks.processors.blockmeter import addressing as blockmeter
from smartblocks.processors.kit.ledger_time import with_ledger_time
from smartblocks.processors.kit.periods import day_name
from smartblocks.protos.energycontract_pb2 import EnergyContractPayload
from smartblocks.protos.market_p2p_pb2 import (
    AggregatorSet,
    Offer,
    OfferAdd,
    OfferCancel,
    OfferPick,
    OfferSettle,
    TokensBuy,
)

from ...addressing import account_address
from ...txn import BUILDER
from . import addressing as addr
from . import records, rules
from .actions import settle_reads

Action = EnergyContractPayload.Action
_transaction = BUILDER.transaction


def _unique(addresses: list[str]) -> list[str]:
    return list(dict.fromkeys(addresses))


def aggregator_set(
    signer: Signer,
    *,
    name: str,
    currency: str,
    fee_ppm: int,
    pay_currency: str = "",
    rate_ppm: int = 0,
) -> Transaction:
    """A key in the setting smartblocks.energycontract.aggregators sets its market terms."""
    payload = EnergyContractPayload(
        action=Action.AGGREGATOR_SET,
        aggregator_set=AggregatorSet(
            name=name,
            currency=currency,
            fee_ppm=fee_ppm,
            pay_currency=pay_currency,
            rate_ppm=rate_ppm,
        ),
    )
    record = addr.aggregator_address(signer.public_key)
    setting = setting_address(records.AGGREGATORS_SETTING)
    return _transaction(signer, payload, with_ledger_time([setting, record]), [record])


def tokens_buy(
    signer: Signer,
    *,
    aggregator: str,
    currency: str,
    pay_currency: str,
    pay_amount: int,
    rate_ppm: int,
) -> Transaction:
    """Pay `pay_amount` of `pay_currency` to the aggregator, receive its `currency` at
    `rate_ppm` (the aggregator's current rate, read first)."""
    payload = EnergyContractPayload(
        action=Action.TOKENS_BUY,
        tokens_buy=TokensBuy(aggregator=aggregator, pay_amount=pay_amount, rate_ppm=rate_ppm),
    )
    funds = [
        account_address(party, code)
        for party in (signer.public_key, aggregator)
        for code in (pay_currency, currency)
    ]
    record = addr.aggregator_address(aggregator)
    return _transaction(signer, payload, [record, *funds], funds)


def offer_add(
    signer: Signer,
    *,
    offer_id: str,
    aggregator: str,
    export_meter: str,
    site_id: str,
    energy: int,
    price: int,
    window_start: int,
    window_end: int,
    expires_at: int,
) -> Transaction:
    """The seller offers `energy` mWh at `price` (micro-units per kWh) from its export meter
    (at its site `site_id`) for delivery in [window_start, window_end)."""
    payload = EnergyContractPayload(
        action=Action.OFFER_ADD,
        offer_add=OfferAdd(
            offer_id=offer_id,
            aggregator=aggregator,
            export_meter=export_meter,
            energy=energy,
            price=price,
            window_start=window_start,
            window_end=window_end,
            expires_at=expires_at,
        ),
    )
    offer = addr.offer_address(offer_id)
    reads = [
        offer,
        addr.aggregator_address(aggregator),
        blockmeter.meter_address(export_meter),
        blockmeter.site_address(site_id),
    ]
    return _transaction(signer, payload, with_ledger_time(reads), [offer])


def offer_cancel(signer: Signer, *, offer_id: str) -> Transaction:
    payload = EnergyContractPayload(
        action=Action.OFFER_CANCEL, offer_cancel=OfferCancel(offer_id=offer_id)
    )
    offer = addr.offer_address(offer_id)
    return _transaction(signer, payload, with_ledger_time([offer]), [offer])


def offer_pick(signer: Signer, *, offer: Offer, import_meter: str, site_id: str) -> Transaction:
    """The buyer picks `offer` (its record), paying its value into escrow; `site_id` is the
    buyer's site, where `import_meter` is."""
    payload = EnergyContractPayload(
        action=Action.OFFER_PICK,
        offer_pick=OfferPick(offer_id=offer.offer_id, import_meter=import_meter, price=offer.price),
    )
    record = addr.offer_address(offer.offer_id)
    funds = [
        account_address(signer.public_key, offer.currency),
        addr.offer_escrow_address(offer.offer_id, signer.public_key),
    ]
    reads = [
        record,
        blockmeter.meter_address(import_meter),
        blockmeter.site_address(site_id),
        *funds,
    ]
    return _transaction(signer, payload, with_ledger_time(reads), [record, *funds])


def settle_addresses(offer: Offer) -> tuple[list[str], list[str]]:
    """(inputs, outputs) of settling a picked offer."""
    reads = [ref.address for ref in settle_reads(offer)]
    claims = [
        records.meter_claims(meter, day).address
        for meter in (offer.export_meter, offer.import_meter)
        for day in _day_names(offer)
    ]
    parties = sorted({offer.seller, offer.buyer, offer.aggregator})
    writes = [
        addr.offer_address(offer.offer_id),
        *claims,
        addr.offer_escrow_address(offer.offer_id, offer.buyer),
        *(account_address(p, offer.currency) for p in parties),
    ]
    inputs = with_ledger_time(_unique([addr.offer_address(offer.offer_id), *reads]))
    return inputs, _unique(writes)


def _day_names(offer: Offer) -> list[str]:
    return [day_name(d) for d in rules.window_days(offer.window_start, offer.window_end)]


def offer_settle(signer: Signer, *, offer: Offer) -> Transaction:
    """Anyone settles a picked offer after its window, from both meters' rollups."""
    payload = EnergyContractPayload(
        action=Action.OFFER_SETTLE, offer_settle=OfferSettle(offer_id=offer.offer_id)
    )
    inputs, outputs = settle_addresses(offer)
    return _transaction(signer, payload, inputs, outputs)
