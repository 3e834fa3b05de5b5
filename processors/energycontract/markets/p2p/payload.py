"""Checks of the P2P market's payload bodies: everything that needs no state. Each broken rule is
an InvalidTransaction naming the action, the field and its value."""

from __future__ import annotations

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.kit.arithmetic import PPM
from smartblocks.processors.kit.payload import (
    check_id,
    check_public_key,
    check_range,
    check_text,
)
from smartblocks.processors.kit.periods import SECONDS_PER_HOUR
from smartblocks.protos.market_p2p_pb2 import (
    AggregatorSet,
    OfferAdd,
    OfferCancel,
    OfferPick,
    OfferSettle,
    TokensBuy,
)

from ... import limits as ec_limits
from ...terms import check_amount, check_currency
from . import limits

MAX_RATE_PPM = 10**12  # a million platform units per pay unit


def check_offer_id(what: str, offer_id: str) -> None:
    check_id(what, offer_id, max_length=limits.MAX_OFFER_ID)


def check_aggregator_set(body: AggregatorSet) -> None:
    doing = "aggregator set"
    check_text(f"{doing}: name", body.name, required=True, max_length=limits.MAX_NAME)
    check_currency(f"{doing}: currency", body.currency)
    check_range(f"{doing}: fee_ppm", body.fee_ppm, 0, PPM, "ppm")
    if body.pay_currency or body.rate_ppm:
        check_currency(f"{doing}: pay_currency", body.pay_currency)
        if body.pay_currency == body.currency:
            raise InvalidTransaction(
                f"{doing}: pay_currency {body.pay_currency} is the platform currency itself"
            )
        check_range(f"{doing}: rate_ppm", body.rate_ppm, 1, MAX_RATE_PPM, "ppm")


def check_tokens_buy(body: TokensBuy) -> None:
    check_public_key("tokens buy: aggregator", body.aggregator)
    check_amount("tokens buy: pay_amount", body.pay_amount, positive=True)
    check_range("tokens buy: rate_ppm", body.rate_ppm, 1, MAX_RATE_PPM, "ppm")


def check_offer_add(body: OfferAdd) -> None:
    check_offer_id("offer add: offer id", body.offer_id)
    doing = f"offer {body.offer_id}"
    check_public_key(f"{doing}: aggregator", body.aggregator)
    check_id(f"{doing}: export meter", body.export_meter)
    check_range(f"{doing}: energy", body.energy, 1, ec_limits.MAX_ENERGY, "mWh")
    check_range(f"{doing}: price", body.price, 1, ec_limits.MAX_PRICE, "micro-units per kWh")
    start, end = body.window_start, body.window_end
    check_range(f"{doing}: window_start", start, 0, ec_limits.MAX_TIMESTAMP)
    check_range(f"{doing}: window_end", end, 0, ec_limits.MAX_TIMESTAMP)
    if start % SECONDS_PER_HOUR or end % SECONDS_PER_HOUR:
        raise InvalidTransaction(
            f"{doing}: the delivery window {start}..{end} must start and end on whole UTC hours "
            "(delivery is proved from hourly rollups)"
        )
    hours = (end - start) // SECONDS_PER_HOUR
    if not 1 <= hours <= limits.MAX_WINDOW_HOURS:
        raise InvalidTransaction(
            f"{doing}: the delivery window is {hours} hours; it must be "
            f"1..{limits.MAX_WINDOW_HOURS}"
        )
    if not 0 < body.expires_at <= start:
        raise InvalidTransaction(
            f"{doing}: expires_at {body.expires_at} must be after 0 and at or before the window's "
            f"start {start} (a trade is agreed before its delivery)"
        )


def check_offer_cancel(body: OfferCancel) -> None:
    check_offer_id("offer cancel: offer id", body.offer_id)


def check_offer_pick(body: OfferPick) -> None:
    check_offer_id("offer pick: offer id", body.offer_id)
    check_id(f"offer pick {body.offer_id}: import meter", body.import_meter)
    check_range(f"offer pick {body.offer_id}: price", body.price, 1, ec_limits.MAX_PRICE)


def check_offer_settle(body: OfferSettle) -> None:
    check_offer_id("offer settle: offer id", body.offer_id)
