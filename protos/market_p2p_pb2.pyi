from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AggregatorSet(_message.Message):
    __slots__ = ("name", "currency", "fee_ppm", "pay_currency", "rate_ppm")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    FEE_PPM_FIELD_NUMBER: _ClassVar[int]
    PAY_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    RATE_PPM_FIELD_NUMBER: _ClassVar[int]
    name: str
    currency: str
    fee_ppm: int
    pay_currency: str
    rate_ppm: int
    def __init__(self, name: _Optional[str] = ..., currency: _Optional[str] = ..., fee_ppm: _Optional[int] = ..., pay_currency: _Optional[str] = ..., rate_ppm: _Optional[int] = ...) -> None: ...

class TokensBuy(_message.Message):
    __slots__ = ("aggregator", "pay_amount", "rate_ppm")
    AGGREGATOR_FIELD_NUMBER: _ClassVar[int]
    PAY_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    RATE_PPM_FIELD_NUMBER: _ClassVar[int]
    aggregator: str
    pay_amount: int
    rate_ppm: int
    def __init__(self, aggregator: _Optional[str] = ..., pay_amount: _Optional[int] = ..., rate_ppm: _Optional[int] = ...) -> None: ...

class OfferAdd(_message.Message):
    __slots__ = ("offer_id", "aggregator", "export_meter", "energy", "price", "window_start", "window_end", "expires_at")
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    AGGREGATOR_FIELD_NUMBER: _ClassVar[int]
    EXPORT_METER_FIELD_NUMBER: _ClassVar[int]
    ENERGY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_START_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    aggregator: str
    export_meter: str
    energy: int
    price: int
    window_start: int
    window_end: int
    expires_at: int
    def __init__(self, offer_id: _Optional[str] = ..., aggregator: _Optional[str] = ..., export_meter: _Optional[str] = ..., energy: _Optional[int] = ..., price: _Optional[int] = ..., window_start: _Optional[int] = ..., window_end: _Optional[int] = ..., expires_at: _Optional[int] = ...) -> None: ...

class OfferCancel(_message.Message):
    __slots__ = ("offer_id",)
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    def __init__(self, offer_id: _Optional[str] = ...) -> None: ...

class OfferPick(_message.Message):
    __slots__ = ("offer_id", "import_meter", "price")
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    IMPORT_METER_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    import_meter: str
    price: int
    def __init__(self, offer_id: _Optional[str] = ..., import_meter: _Optional[str] = ..., price: _Optional[int] = ...) -> None: ...

class OfferSettle(_message.Message):
    __slots__ = ("offer_id",)
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    def __init__(self, offer_id: _Optional[str] = ...) -> None: ...

class Aggregator(_message.Message):
    __slots__ = ("aggregator", "name", "currency", "fee_ppm", "pay_currency", "rate_ppm", "updated_at")
    AGGREGATOR_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    FEE_PPM_FIELD_NUMBER: _ClassVar[int]
    PAY_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    RATE_PPM_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    aggregator: str
    name: str
    currency: str
    fee_ppm: int
    pay_currency: str
    rate_ppm: int
    updated_at: int
    def __init__(self, aggregator: _Optional[str] = ..., name: _Optional[str] = ..., currency: _Optional[str] = ..., fee_ppm: _Optional[int] = ..., pay_currency: _Optional[str] = ..., rate_ppm: _Optional[int] = ..., updated_at: _Optional[int] = ...) -> None: ...

class TradeFigure(_message.Message):
    __slots__ = ("name", "value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: int
    def __init__(self, name: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...

class Offer(_message.Message):
    __slots__ = ("offer_id", "seller", "aggregator", "currency", "fee_ppm", "export_meter", "energy", "price", "window_start", "window_end", "expires_at", "status", "added_at", "buyer", "import_meter", "escrowed", "picked_at", "settled_at", "settled_by", "cancelled_at", "delivered", "seller_paid", "fee_paid", "buyer_refund", "figures", "inputs")
    class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATUS_UNSET: _ClassVar[Offer.Status]
        OPEN: _ClassVar[Offer.Status]
        PICKED: _ClassVar[Offer.Status]
        SETTLED: _ClassVar[Offer.Status]
        CANCELLED: _ClassVar[Offer.Status]
    STATUS_UNSET: Offer.Status
    OPEN: Offer.Status
    PICKED: Offer.Status
    SETTLED: Offer.Status
    CANCELLED: Offer.Status
    OFFER_ID_FIELD_NUMBER: _ClassVar[int]
    SELLER_FIELD_NUMBER: _ClassVar[int]
    AGGREGATOR_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    FEE_PPM_FIELD_NUMBER: _ClassVar[int]
    EXPORT_METER_FIELD_NUMBER: _ClassVar[int]
    ENERGY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_START_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ADDED_AT_FIELD_NUMBER: _ClassVar[int]
    BUYER_FIELD_NUMBER: _ClassVar[int]
    IMPORT_METER_FIELD_NUMBER: _ClassVar[int]
    ESCROWED_FIELD_NUMBER: _ClassVar[int]
    PICKED_AT_FIELD_NUMBER: _ClassVar[int]
    SETTLED_AT_FIELD_NUMBER: _ClassVar[int]
    SETTLED_BY_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_AT_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_FIELD_NUMBER: _ClassVar[int]
    SELLER_PAID_FIELD_NUMBER: _ClassVar[int]
    FEE_PAID_FIELD_NUMBER: _ClassVar[int]
    BUYER_REFUND_FIELD_NUMBER: _ClassVar[int]
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    offer_id: str
    seller: str
    aggregator: str
    currency: str
    fee_ppm: int
    export_meter: str
    energy: int
    price: int
    window_start: int
    window_end: int
    expires_at: int
    status: Offer.Status
    added_at: int
    buyer: str
    import_meter: str
    escrowed: int
    picked_at: int
    settled_at: int
    settled_by: str
    cancelled_at: int
    delivered: int
    seller_paid: int
    fee_paid: int
    buyer_refund: int
    figures: _containers.RepeatedCompositeFieldContainer[TradeFigure]
    inputs: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, offer_id: _Optional[str] = ..., seller: _Optional[str] = ..., aggregator: _Optional[str] = ..., currency: _Optional[str] = ..., fee_ppm: _Optional[int] = ..., export_meter: _Optional[str] = ..., energy: _Optional[int] = ..., price: _Optional[int] = ..., window_start: _Optional[int] = ..., window_end: _Optional[int] = ..., expires_at: _Optional[int] = ..., status: _Optional[_Union[Offer.Status, str]] = ..., added_at: _Optional[int] = ..., buyer: _Optional[str] = ..., import_meter: _Optional[str] = ..., escrowed: _Optional[int] = ..., picked_at: _Optional[int] = ..., settled_at: _Optional[int] = ..., settled_by: _Optional[str] = ..., cancelled_at: _Optional[int] = ..., delivered: _Optional[int] = ..., seller_paid: _Optional[int] = ..., fee_paid: _Optional[int] = ..., buyer_refund: _Optional[int] = ..., figures: _Optional[_Iterable[_Union[TradeFigure, _Mapping]]] = ..., inputs: _Optional[_Iterable[str]] = ...) -> None: ...

class HourClaim(_message.Message):
    __slots__ = ("hour", "claimed")
    HOUR_FIELD_NUMBER: _ClassVar[int]
    CLAIMED_FIELD_NUMBER: _ClassVar[int]
    hour: int
    claimed: int
    def __init__(self, hour: _Optional[int] = ..., claimed: _Optional[int] = ...) -> None: ...

class MeterClaims(_message.Message):
    __slots__ = ("meter_id", "day", "hours")
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    HOURS_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    day: str
    hours: _containers.RepeatedCompositeFieldContainer[HourClaim]
    def __init__(self, meter_id: _Optional[str] = ..., day: _Optional[str] = ..., hours: _Optional[_Iterable[_Union[HourClaim, _Mapping]]] = ...) -> None: ...
