"""The P2P market's actions: `(body, signer, store) -> None`, each checking every rule before it
writes. Money moves only through EnergyContract's accounts.py (move, lock, pay_from_escrow);
the meters' day rollups and heads are BlockMeter's, read in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.blockmeter import records as blockmeter
from smartblocks.processors.kit.ledger_time import config_ref as ledger_time_config
from smartblocks.processors.kit.ledger_time import ledger_time
from smartblocks.processors.kit.payload import short_key
from smartblocks.processors.kit.periods import day_name, iso
from smartblocks.processors.kit.settings import require_signer_in_setting
from smartblocks.processors.kit.store import RecordStore, Ref
from smartblocks.protos.blockmeter_pb2 import MeterKind, Rollup
from smartblocks.protos.market_p2p_pb2 import (
    Aggregator,
    AggregatorSet,
    HourClaim,
    MeterClaims,
    Offer,
    OfferAdd,
    OfferCancel,
    OfferPick,
    OfferSettle,
    TokensBuy,
    TradeFigure,
)

from ... import accounts
from ... import records as ec_records
from ..common import own_meter, require_data_until
from . import limits, records, rules
from .addressing import escrow_id
from .events import AGGREGATOR_CHANGED, OFFER_CHANGED

Status = Offer.Status
HOURS_PER_DAY = 24


# -- the aggregator and its tokens ------------------------------------------------------------


def aggregator_set(body: AggregatorSet, signer: str, store: RecordStore) -> None:
    doing = f"set aggregator {short_key(signer)}"
    require_signer_in_setting(store, records.AGGREGATORS_SETTING, signer, doing)
    record = Aggregator(
        aggregator=signer,
        name=body.name,
        currency=body.currency,
        fee_ppm=body.fee_ppm,
        pay_currency=body.pay_currency,
        rate_ppm=body.rate_ppm,
        updated_at=ledger_time(store),
    )
    store.put(records.aggregator(signer), record)
    store.emit(
        AGGREGATOR_CHANGED,
        [
            ("aggregator", signer),
            ("currency", body.currency),
            ("fee_ppm", str(body.fee_ppm)),
            ("rate_ppm", str(body.rate_ppm)),
        ],
    )


def _aggregator(store: RecordStore, key: str, doing: str) -> Aggregator:
    found = store.get(records.aggregator(key))
    if found is None:
        raise InvalidTransaction(
            f"{doing}: {short_key(key)} is not an aggregator (no aggregator record; a key in "
            f"setting {records.AGGREGATORS_SETTING} creates one with `aggregator set`)"
        )
    return found


def tokens_buy(body: TokensBuy, signer: str, store: RecordStore) -> None:
    doing = f"buy tokens from aggregator {short_key(body.aggregator)}"
    agg = _aggregator(store, body.aggregator, doing)
    if signer == body.aggregator:
        raise InvalidTransaction(f"{doing}: the aggregator cannot buy its own tokens")
    if not agg.rate_ppm:
        raise InvalidTransaction(f"{doing}: the aggregator sells no tokens (its rate is 0)")
    if body.rate_ppm != agg.rate_ppm:
        raise InvalidTransaction(
            f"{doing}: rate {body.rate_ppm} ppm is not the aggregator's current rate "
            f"{agg.rate_ppm} ppm; read the aggregator again"
        )
    tokens = rules.tokens_for(body.pay_amount, agg.rate_ppm)
    if not tokens:
        raise InvalidTransaction(
            f"{doing}: {body.pay_amount} micro-{agg.pay_currency} buys 0 micro-{agg.currency} "
            f"at {agg.rate_ppm} ppm; pay more"
        )
    doing = f"{doing}: {tokens} micro-{agg.currency} for {body.pay_amount} micro-{agg.pay_currency}"
    accounts.move(
        store,
        agg.pay_currency,
        signer,
        agg.aggregator,
        body.pay_amount,
        "p2p token purchase",
        doing,
    )
    accounts.move(
        store, agg.currency, agg.aggregator, signer, tokens, "p2p tokens sold", doing + " (stock)"
    )


# -- offers -----------------------------------------------------------------------------------


def _offer(store: RecordStore, offer_id: str, doing: str) -> Offer:
    found = store.get(records.offer(offer_id))
    if found is None:
        raise InvalidTransaction(f"{doing}: offer {offer_id} does not exist")
    return found


def _changed(store: RecordStore, offer: Offer, action: str) -> None:
    store.put(records.offer(offer.offer_id), offer)
    store.emit(
        OFFER_CHANGED,
        [
            ("offer_id", offer.offer_id),
            ("status", Status.Name(offer.status)),
            ("action", action),
            ("seller", offer.seller),
            ("buyer", offer.buyer),
        ],
    )


def _require_status(offer: Offer, wanted: int, doing: str) -> None:
    if offer.status != wanted:
        raise InvalidTransaction(
            f"{doing}: offer {offer.offer_id} is {Status.Name(offer.status)}, not "
            f"{Status.Name(wanted)}"
        )


def offer_add(body: OfferAdd, signer: str, store: RecordStore) -> None:
    doing = f"add offer {body.offer_id}"
    if store.get(records.offer(body.offer_id)) is not None:
        raise InvalidTransaction(f"{doing}: offer id {body.offer_id} is taken")
    agg = _aggregator(store, body.aggregator, doing)
    if signer == body.aggregator:
        raise InvalidTransaction(f"{doing}: the aggregator cannot trade in its own market")
    own_meter(store, body.export_meter, [MeterKind.ELECTRICITY_EXPORT], signer, doing)
    if not rules.trade_value(body.energy, body.price):
        raise InvalidTransaction(
            f"{doing}: {body.energy} mWh at {body.price} micro-{agg.currency}/kWh is worth 0 "
            f"micro-{agg.currency}"
        )
    now = ledger_time(store)
    if body.expires_at <= now:
        raise InvalidTransaction(
            f"{doing}: it expires {iso(body.expires_at)}, not after ledger time {iso(now)}"
        )
    offer = Offer(
        offer_id=body.offer_id,
        seller=signer,
        aggregator=body.aggregator,
        currency=agg.currency,
        fee_ppm=agg.fee_ppm,
        export_meter=body.export_meter,
        energy=body.energy,
        price=body.price,
        window_start=body.window_start,
        window_end=body.window_end,
        expires_at=body.expires_at,
        status=Status.OPEN,
        added_at=now,
    )
    _changed(store, offer, "add")


def offer_cancel(body: OfferCancel, signer: str, store: RecordStore) -> None:
    doing = f"cancel offer {body.offer_id}"
    offer = _offer(store, body.offer_id, doing)
    if signer != offer.seller:
        raise InvalidTransaction(
            f"{doing}: only the seller {short_key(offer.seller)} may cancel it"
        )
    _require_status(offer, Status.OPEN, doing)
    offer.status = Status.CANCELLED
    offer.cancelled_at = ledger_time(store)
    _changed(store, offer, "cancel")


def offer_pick(body: OfferPick, signer: str, store: RecordStore) -> None:
    doing = f"pick offer {body.offer_id}"
    offer = _offer(store, body.offer_id, doing)
    _require_status(offer, Status.OPEN, doing)
    now = ledger_time(store)
    if now >= offer.expires_at:
        raise InvalidTransaction(
            f"{doing}: the offer lapsed at {iso(offer.expires_at)} (ledger time {iso(now)})"
        )
    if signer in (offer.seller, offer.aggregator):
        raise InvalidTransaction(f"{doing}: the seller and the aggregator cannot buy it")
    if body.price != offer.price:
        raise InvalidTransaction(
            f"{doing}: price {body.price} is not the offer's {offer.price} micro-"
            f"{offer.currency}/kWh; read the offer again"
        )
    own_meter(store, body.import_meter, [MeterKind.ELECTRICITY_IMPORT], signer, doing)
    value = rules.trade_value(offer.energy, offer.price)
    accounts.lock(store, escrow_id(offer.offer_id), signer, offer.currency, value, doing)
    offer.status = Status.PICKED
    offer.buyer = signer
    offer.import_meter = body.import_meter
    offer.escrowed = value
    offer.picked_at = now
    _changed(store, offer, "pick")


# -- proof of delivery and settlement ---------------------------------------------------------


def settle_reads(offer: Offer) -> list[Ref[Any]]:
    """Everything a settlement reads after the offer, for one get_state round trip."""
    meters = (offer.export_meter, offer.import_meter)
    days = [day_name(d) for d in rules.window_days(offer.window_start, offer.window_end)]
    parties = sorted({offer.seller, offer.buyer, offer.aggregator})
    return [
        ledger_time_config(),
        *(blockmeter.head(m) for m in meters),
        *(blockmeter.day_rollup(m, d) for m in meters for d in days),
        *(records.meter_claims(m, d) for m in meters for d in days),
        ec_records.escrow(escrow_id(offer.offer_id), offer.buyer),
        *(ec_records.account(p, offer.currency) for p in parties),
    ]


def _hour_sums(rollups: Iterable[tuple[int, Rollup | None]]) -> dict[int, int]:
    """Hour (from the epoch) -> the meter's energy in it, from its day rollups."""
    sums: dict[int, int] = {}
    for day, rollup in rollups:
        for bucket in rollup.buckets if rollup is not None else ():
            sums[day * HOURS_PER_DAY + bucket.index] = bucket.sum
    return sums


def _claims(store: RecordStore, meter_id: str, days: list[int]) -> dict[int, int]:
    claimed: dict[int, int] = {}
    for day in days:
        record = store.get(records.meter_claims(meter_id, day_name(day)))
        for entry in record.hours if record is not None else ():
            claimed[day * HOURS_PER_DAY + entry.hour] = entry.claimed
    return claimed


def _require_data(store: RecordStore, offer: Offer, now: int, doing: str) -> None:
    grace_end = offer.window_end + limits.DATA_GRACE_S
    if now >= grace_end:
        return
    for meter_id in (offer.export_meter, offer.import_meter):
        require_data_until(store, meter_id, offer.window_end, grace_end, now, doing, span="window")


def proof_of(store: RecordStore, offer: Offer) -> tuple[rules.Proof, list[str]]:
    """The trade's proof of delivery from the ledger (rollups and claims), and the sorted
    addresses of the rollups it read."""
    days = rules.window_days(offer.window_start, offer.window_end)
    sums = {}
    read = []
    for meter_id in (offer.export_meter, offer.import_meter):
        refs = [(d, blockmeter.day_rollup(meter_id, day_name(d))) for d in days]
        read += [ref.address for _, ref in refs]
        sums[meter_id] = _hour_sums((d, store.get(ref)) for d, ref in refs)
    export_claims = _claims(store, offer.export_meter, days)
    import_claims = _claims(store, offer.import_meter, days)
    flows = [
        rules.HourFlow(
            hour=h,
            exported=sums[offer.export_meter].get(h, 0),
            export_claimed=export_claims.get(h, 0),
            imported=sums[offer.import_meter].get(h, 0),
            import_claimed=import_claims.get(h, 0),
        )
        for h in rules.window_hours(offer.window_start, offer.window_end)
    ]
    proof = rules.prove(offer.energy, offer.escrowed, offer.fee_ppm, flows)
    return proof, sorted(read)


def _add_claims(store: RecordStore, meter_id: str, taken: tuple[tuple[int, int], ...]) -> None:
    by_day: dict[int, dict[int, int]] = {}
    for hour, mwh in taken:
        if mwh:
            by_day.setdefault(hour // HOURS_PER_DAY, {})[hour % HOURS_PER_DAY] = mwh
    for day in sorted(by_day):
        ref = records.meter_claims(meter_id, day_name(day))
        record = store.get(ref) or MeterClaims(meter_id=meter_id, day=day_name(day))
        claimed = {entry.hour: entry.claimed for entry in record.hours}
        for hour, mwh in by_day[day].items():
            claimed[hour] = claimed.get(hour, 0) + mwh
        del record.hours[:]
        record.hours.extend(HourClaim(hour=h, claimed=claimed[h]) for h in sorted(claimed))
        store.put(ref, record)


def offer_settle(body: OfferSettle, signer: str, store: RecordStore) -> None:
    doing = f"settle offer {body.offer_id}"
    offer = _offer(store, body.offer_id, doing)
    if offer.status == Status.SETTLED:
        raise InvalidTransaction(f"{doing}: the trade is already settled")
    _require_status(offer, Status.PICKED, doing)
    store.load(settle_reads(offer))
    now = ledger_time(store)
    if now < offer.window_end:
        raise InvalidTransaction(
            f"{doing}: the delivery window ends {iso(offer.window_end)}, after ledger time "
            f"{iso(now)}"
        )
    _require_data(store, offer, now, doing)
    proof, read = proof_of(store, offer)
    for meter_id in (offer.export_meter, offer.import_meter):
        _add_claims(store, meter_id, proof.taken)
    out = proof.payout
    box, buyer = escrow_id(offer.offer_id), offer.buyer
    pay = accounts.pay_from_escrow
    pay(store, box, buyer, offer.seller, offer.currency, out.seller, "p2p delivery", doing)
    pay(store, box, buyer, offer.aggregator, offer.currency, out.fee, "p2p aggregator fee", doing)
    pay(store, box, buyer, buyer, offer.currency, out.refund, "p2p refund (undelivered)", doing)
    offer.status = Status.SETTLED
    offer.settled_at = now
    offer.settled_by = signer
    offer.delivered = out.delivered
    offer.seller_paid = out.seller
    offer.fee_paid = out.fee
    offer.buyer_refund = out.refund
    offer.figures.extend(TradeFigure(name=n, value=v) for n, v in proof.figures())
    offer.inputs.extend(read)
    _changed(store, offer, "settle")
