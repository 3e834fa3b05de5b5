"""Stateless checks of the local double auction's payload bodies (rules that need state are in
actions.py)."""

from __future__ import annotations

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.energycontract.terms import check_amount, check_currency
from smartblocks.processors.kit.payload import check_id, check_range, check_text
from smartblocks.processors.kit.periods import SECONDS_PER_DAY, SECONDS_PER_HOUR
from smartblocks.protos.market_auction_pb2 import (
    AuctionClear,
    AuctionFinalize,
    AuctionOpen,
    AuctionSettleStep,
    AuctionSubscribe,
    OrderSubmit,
)

MAX_STEPS = 100_000
MAX_ENERGY_MWH = 10**12  # 1 GWh in one order
MAX_PRICE = 10**9  # 1,000 units a kWh
MAX_GATE_S = 7 * SECONDS_PER_DAY
MAX_GRACE_S = 90 * SECONDS_PER_DAY


def check_open(body: AuctionOpen) -> None:
    check_id("auction_open: auction id", body.auction_id)
    check_text("auction_open: name", body.name, max_length=200)
    check_currency("auction_open: currency", body.currency)
    if body.start <= 0 or body.start % SECONDS_PER_HOUR:
        raise InvalidTransaction(
            f"auction_open: start {body.start} is not a whole UTC hour in Unix seconds"
        )
    if body.step_s % SECONDS_PER_HOUR or not body.step_s or SECONDS_PER_DAY % body.step_s:
        raise InvalidTransaction(
            f"auction_open: step {body.step_s} s is not 1, 2, 3, 4, 6, 8, 12 or 24 hours "
            "(a step must be whole hours within one UTC day)"
        )
    if (body.start % SECONDS_PER_DAY) % body.step_s:
        raise InvalidTransaction(
            f"auction_open: start {body.start} is not on a {body.step_s} s boundary of its UTC "
            "day, so steps would cross midnight"
        )
    check_range("auction_open: steps", body.steps, 1, MAX_STEPS)
    check_range("auction_open: gate", body.gate_s, 0, MAX_GATE_S, "s")
    check_range("auction_open: data grace", body.data_grace_s, 0, MAX_GRACE_S, "s")
    check_range("auction_open: supplier price", body.supplier_price, 0, MAX_PRICE, "micro-units")
    check_range(
        "auction_open: feed-in price", body.feed_in_price, 0, body.supplier_price, "micro-units"
    )
    check_amount("auction_open: subscription deposit", body.subscription_deposit)


def check_subscribe(body: AuctionSubscribe) -> None:
    check_id("auction_subscribe: auction id", body.auction_id)
    check_id("auction_subscribe: import meter", body.import_meter)
    if body.export_meter:
        check_id("auction_subscribe: export meter", body.export_meter)
        if body.export_meter == body.import_meter:
            raise InvalidTransaction(
                f"auction_subscribe: meter {body.import_meter} cannot be both import and export"
            )
    check_amount("auction_subscribe: deposit", body.deposit)


def check_order(body: OrderSubmit) -> None:
    check_id("order_submit: auction id", body.auction_id)
    check_range("order_submit: step", body.step, 0, MAX_STEPS - 1)
    if body.side not in (OrderSubmit.BID, OrderSubmit.ASK):
        raise InvalidTransaction(f"order_submit: side {body.side} is neither BID (1) nor ASK (2)")
    check_range("order_submit: energy", body.energy_mwh, 0, MAX_ENERGY_MWH, "mWh")
    check_range("order_submit: limit price", body.limit_price, 0, MAX_PRICE, "micro-units/kWh")


def check_step(what: str, body: AuctionClear | AuctionSettleStep) -> None:
    check_id(f"{what}: auction id", body.auction_id)
    check_range(f"{what}: step", body.step, 0, MAX_STEPS - 1)


def check_clear(body: AuctionClear) -> None:
    check_step("auction_clear", body)


def check_settle(body: AuctionSettleStep) -> None:
    check_step("auction_settle_step", body)


def check_finalize(body: AuctionFinalize) -> None:
    check_id("auction_finalize: auction id", body.auction_id)
