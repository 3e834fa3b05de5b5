from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AuctionOpen(_message.Message):
    __slots__ = ("auction_id", "name", "currency", "start", "step_s", "steps", "gate_s", "data_grace_s", "supplier_price", "feed_in_price", "subscription_deposit")
    AUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    STEP_S_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    GATE_S_FIELD_NUMBER: _ClassVar[int]
    DATA_GRACE_S_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_PRICE_FIELD_NUMBER: _ClassVar[int]
    FEED_IN_PRICE_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTION_DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    auction_id: str
    name: str
    currency: str
    start: int
    step_s: int
    steps: int
    gate_s: int
    data_grace_s: int
    supplier_price: int
    feed_in_price: int
    subscription_deposit: int
    def __init__(self, auction_id: _Optional[str] = ..., name: _Optional[str] = ..., currency: _Optional[str] = ..., start: _Optional[int] = ..., step_s: _Optional[int] = ..., steps: _Optional[int] = ..., gate_s: _Optional[int] = ..., data_grace_s: _Optional[int] = ..., supplier_price: _Optional[int] = ..., feed_in_price: _Optional[int] = ..., subscription_deposit: _Optional[int] = ...) -> None: ...

class AuctionSubscribe(_message.Message):
    __slots__ = ("auction_id", "import_meter", "export_meter", "deposit")
    AUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    IMPORT_METER_FIELD_NUMBER: _ClassVar[int]
    EXPORT_METER_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    auction_id: str
    import_meter: str
    export_meter: str
    deposit: int
    def __init__(self, auction_id: _Optional[str] = ..., import_meter: _Optional[str] = ..., export_meter: _Optional[str] = ..., deposit: _Optional[int] = ...) -> None: ...

class OrderSubmit(_message.Message):
    __slots__ = ("auction_id", "step", "side", "energy_mwh", "limit_price")
    class Side(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        SIDE_UNSET: _ClassVar[OrderSubmit.Side]
        BID: _ClassVar[OrderSubmit.Side]
        ASK: _ClassVar[OrderSubmit.Side]
    SIDE_UNSET: OrderSubmit.Side
    BID: OrderSubmit.Side
    ASK: OrderSubmit.Side
    AUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    ENERGY_MWH_FIELD_NUMBER: _ClassVar[int]
    LIMIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    auction_id: str
    step: int
    side: OrderSubmit.Side
    energy_mwh: int
    limit_price: int
    def __init__(self, auction_id: _Optional[str] = ..., step: _Optional[int] = ..., side: _Optional[_Union[OrderSubmit.Side, str]] = ..., energy_mwh: _Optional[int] = ..., limit_price: _Optional[int] = ...) -> None: ...

class AuctionClear(_message.Message):
    __slots__ = ("auction_id", "step")
    AUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    auction_id: str
    step: int
    def __init__(self, auction_id: _Optional[str] = ..., step: _Optional[int] = ...) -> None: ...

class AuctionSettleStep(_message.Message):
    __slots__ = ("auction_id", "step")
    AUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    auction_id: str
    step: int
    def __init__(self, auction_id: _Optional[str] = ..., step: _Optional[int] = ...) -> None: ...

class AuctionFinalize(_message.Message):
    __slots__ = ("auction_id",)
    AUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    auction_id: str
    def __init__(self, auction_id: _Optional[str] = ...) -> None: ...

class Subscriber(_message.Message):
    __slots__ = ("member", "import_meter", "export_meter", "subscribed_at")
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    IMPORT_METER_FIELD_NUMBER: _ClassVar[int]
    EXPORT_METER_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIBED_AT_FIELD_NUMBER: _ClassVar[int]
    member: str
    import_meter: str
    export_meter: str
    subscribed_at: int
    def __init__(self, member: _Optional[str] = ..., import_meter: _Optional[str] = ..., export_meter: _Optional[str] = ..., subscribed_at: _Optional[int] = ...) -> None: ...

class Auction(_message.Message):
    __slots__ = ("auction_id", "operator", "opened_at", "terms", "subscribers", "cleared_steps", "settled_steps", "finalized", "finalized_at")
    AUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIBERS_FIELD_NUMBER: _ClassVar[int]
    CLEARED_STEPS_FIELD_NUMBER: _ClassVar[int]
    SETTLED_STEPS_FIELD_NUMBER: _ClassVar[int]
    FINALIZED_FIELD_NUMBER: _ClassVar[int]
    FINALIZED_AT_FIELD_NUMBER: _ClassVar[int]
    auction_id: str
    operator: str
    opened_at: int
    terms: AuctionOpen
    subscribers: _containers.RepeatedCompositeFieldContainer[Subscriber]
    cleared_steps: int
    settled_steps: int
    finalized: bool
    finalized_at: int
    def __init__(self, auction_id: _Optional[str] = ..., operator: _Optional[str] = ..., opened_at: _Optional[int] = ..., terms: _Optional[_Union[AuctionOpen, _Mapping]] = ..., subscribers: _Optional[_Iterable[_Union[Subscriber, _Mapping]]] = ..., cleared_steps: _Optional[int] = ..., settled_steps: _Optional[int] = ..., finalized: _Optional[bool] = ..., finalized_at: _Optional[int] = ...) -> None: ...

class Order(_message.Message):
    __slots__ = ("member", "side", "energy_mwh", "limit_price", "submitted_at", "locked")
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    ENERGY_MWH_FIELD_NUMBER: _ClassVar[int]
    LIMIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    LOCKED_FIELD_NUMBER: _ClassVar[int]
    member: str
    side: OrderSubmit.Side
    energy_mwh: int
    limit_price: int
    submitted_at: int
    locked: int
    def __init__(self, member: _Optional[str] = ..., side: _Optional[_Union[OrderSubmit.Side, str]] = ..., energy_mwh: _Optional[int] = ..., limit_price: _Optional[int] = ..., submitted_at: _Optional[int] = ..., locked: _Optional[int] = ...) -> None: ...

class Fill(_message.Message):
    __slots__ = ("member", "bought_mwh", "sold_mwh")
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    BOUGHT_MWH_FIELD_NUMBER: _ClassVar[int]
    SOLD_MWH_FIELD_NUMBER: _ClassVar[int]
    member: str
    bought_mwh: int
    sold_mwh: int
    def __init__(self, member: _Optional[str] = ..., bought_mwh: _Optional[int] = ..., sold_mwh: _Optional[int] = ...) -> None: ...

class StepResult(_message.Message):
    __slots__ = ("member", "bought_mwh", "sold_mwh", "import_mwh", "export_mwh", "complete", "imbalance_mwh", "trade_paid", "trade_received", "imbalance_due", "imbalance_paid", "surplus_due", "surplus_paid")
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    BOUGHT_MWH_FIELD_NUMBER: _ClassVar[int]
    SOLD_MWH_FIELD_NUMBER: _ClassVar[int]
    IMPORT_MWH_FIELD_NUMBER: _ClassVar[int]
    EXPORT_MWH_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    IMBALANCE_MWH_FIELD_NUMBER: _ClassVar[int]
    TRADE_PAID_FIELD_NUMBER: _ClassVar[int]
    TRADE_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    IMBALANCE_DUE_FIELD_NUMBER: _ClassVar[int]
    IMBALANCE_PAID_FIELD_NUMBER: _ClassVar[int]
    SURPLUS_DUE_FIELD_NUMBER: _ClassVar[int]
    SURPLUS_PAID_FIELD_NUMBER: _ClassVar[int]
    member: str
    bought_mwh: int
    sold_mwh: int
    import_mwh: int
    export_mwh: int
    complete: bool
    imbalance_mwh: int
    trade_paid: int
    trade_received: int
    imbalance_due: int
    imbalance_paid: int
    surplus_due: int
    surplus_paid: int
    def __init__(self, member: _Optional[str] = ..., bought_mwh: _Optional[int] = ..., sold_mwh: _Optional[int] = ..., import_mwh: _Optional[int] = ..., export_mwh: _Optional[int] = ..., complete: _Optional[bool] = ..., imbalance_mwh: _Optional[int] = ..., trade_paid: _Optional[int] = ..., trade_received: _Optional[int] = ..., imbalance_due: _Optional[int] = ..., imbalance_paid: _Optional[int] = ..., surplus_due: _Optional[int] = ..., surplus_paid: _Optional[int] = ...) -> None: ...

class StepBook(_message.Message):
    __slots__ = ("auction_id", "step", "start", "end", "orders", "cleared", "cleared_at", "price", "volume_mwh", "marginal_bid", "marginal_ask", "fills", "participants", "settled", "settled_at", "results", "trade_remainder")
    AUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    CLEARED_FIELD_NUMBER: _ClassVar[int]
    CLEARED_AT_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    VOLUME_MWH_FIELD_NUMBER: _ClassVar[int]
    MARGINAL_BID_FIELD_NUMBER: _ClassVar[int]
    MARGINAL_ASK_FIELD_NUMBER: _ClassVar[int]
    FILLS_FIELD_NUMBER: _ClassVar[int]
    PARTICIPANTS_FIELD_NUMBER: _ClassVar[int]
    SETTLED_FIELD_NUMBER: _ClassVar[int]
    SETTLED_AT_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    TRADE_REMAINDER_FIELD_NUMBER: _ClassVar[int]
    auction_id: str
    step: int
    start: int
    end: int
    orders: _containers.RepeatedCompositeFieldContainer[Order]
    cleared: bool
    cleared_at: int
    price: int
    volume_mwh: int
    marginal_bid: int
    marginal_ask: int
    fills: _containers.RepeatedCompositeFieldContainer[Fill]
    participants: _containers.RepeatedCompositeFieldContainer[Subscriber]
    settled: bool
    settled_at: int
    results: _containers.RepeatedCompositeFieldContainer[StepResult]
    trade_remainder: int
    def __init__(self, auction_id: _Optional[str] = ..., step: _Optional[int] = ..., start: _Optional[int] = ..., end: _Optional[int] = ..., orders: _Optional[_Iterable[_Union[Order, _Mapping]]] = ..., cleared: _Optional[bool] = ..., cleared_at: _Optional[int] = ..., price: _Optional[int] = ..., volume_mwh: _Optional[int] = ..., marginal_bid: _Optional[int] = ..., marginal_ask: _Optional[int] = ..., fills: _Optional[_Iterable[_Union[Fill, _Mapping]]] = ..., participants: _Optional[_Iterable[_Union[Subscriber, _Mapping]]] = ..., settled: _Optional[bool] = ..., settled_at: _Optional[int] = ..., results: _Optional[_Iterable[_Union[StepResult, _Mapping]]] = ..., trade_remainder: _Optional[int] = ...) -> None: ...
