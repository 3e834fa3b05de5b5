from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SupplierOpen(_message.Message):
    __slots__ = ("supplier_id", "name", "currency", "start", "period_s", "declare_lead_s", "data_grace_s", "price_per_kwh", "tolerance_ppm", "learning_rate_ppm", "initial_h_ppm", "min_deposit")
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_S_FIELD_NUMBER: _ClassVar[int]
    DECLARE_LEAD_S_FIELD_NUMBER: _ClassVar[int]
    DATA_GRACE_S_FIELD_NUMBER: _ClassVar[int]
    PRICE_PER_KWH_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_PPM_FIELD_NUMBER: _ClassVar[int]
    LEARNING_RATE_PPM_FIELD_NUMBER: _ClassVar[int]
    INITIAL_H_PPM_FIELD_NUMBER: _ClassVar[int]
    MIN_DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    supplier_id: str
    name: str
    currency: str
    start: int
    period_s: int
    declare_lead_s: int
    data_grace_s: int
    price_per_kwh: int
    tolerance_ppm: int
    learning_rate_ppm: int
    initial_h_ppm: int
    min_deposit: int
    def __init__(self, supplier_id: _Optional[str] = ..., name: _Optional[str] = ..., currency: _Optional[str] = ..., start: _Optional[int] = ..., period_s: _Optional[int] = ..., declare_lead_s: _Optional[int] = ..., data_grace_s: _Optional[int] = ..., price_per_kwh: _Optional[int] = ..., tolerance_ppm: _Optional[int] = ..., learning_rate_ppm: _Optional[int] = ..., initial_h_ppm: _Optional[int] = ..., min_deposit: _Optional[int] = ...) -> None: ...

class SupplierJoin(_message.Message):
    __slots__ = ("supplier_id", "meter_id", "deposit")
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    supplier_id: str
    meter_id: str
    deposit: int
    def __init__(self, supplier_id: _Optional[str] = ..., meter_id: _Optional[str] = ..., deposit: _Optional[int] = ...) -> None: ...

class UsageDeclare(_message.Message):
    __slots__ = ("supplier_id", "period", "usage_mwh")
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    USAGE_MWH_FIELD_NUMBER: _ClassVar[int]
    supplier_id: str
    period: int
    usage_mwh: int
    def __init__(self, supplier_id: _Optional[str] = ..., period: _Optional[int] = ..., usage_mwh: _Optional[int] = ...) -> None: ...

class SupplierSettle(_message.Message):
    __slots__ = ("supplier_id", "period")
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    supplier_id: str
    period: int
    def __init__(self, supplier_id: _Optional[str] = ..., period: _Optional[int] = ...) -> None: ...

class SupplierLeave(_message.Message):
    __slots__ = ("supplier_id",)
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    supplier_id: str
    def __init__(self, supplier_id: _Optional[str] = ...) -> None: ...

class Supplier(_message.Message):
    __slots__ = ("supplier_id", "operator", "opened_at", "terms", "members")
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    supplier_id: str
    operator: str
    opened_at: int
    terms: SupplierOpen
    members: int
    def __init__(self, supplier_id: _Optional[str] = ..., operator: _Optional[str] = ..., opened_at: _Optional[int] = ..., terms: _Optional[_Union[SupplierOpen, _Mapping]] = ..., members: _Optional[int] = ...) -> None: ...

class SupplierMember(_message.Message):
    __slots__ = ("supplier_id", "member", "meter_id", "h_ppm", "joined_at", "pending_periods", "periods_settled", "penalties_paid", "rewards_received", "left", "left_at")
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    H_PPM_FIELD_NUMBER: _ClassVar[int]
    JOINED_AT_FIELD_NUMBER: _ClassVar[int]
    PENDING_PERIODS_FIELD_NUMBER: _ClassVar[int]
    PERIODS_SETTLED_FIELD_NUMBER: _ClassVar[int]
    PENALTIES_PAID_FIELD_NUMBER: _ClassVar[int]
    REWARDS_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    LEFT_FIELD_NUMBER: _ClassVar[int]
    LEFT_AT_FIELD_NUMBER: _ClassVar[int]
    supplier_id: str
    member: str
    meter_id: str
    h_ppm: int
    joined_at: int
    pending_periods: _containers.RepeatedScalarFieldContainer[int]
    periods_settled: int
    penalties_paid: int
    rewards_received: int
    left: bool
    left_at: int
    def __init__(self, supplier_id: _Optional[str] = ..., member: _Optional[str] = ..., meter_id: _Optional[str] = ..., h_ppm: _Optional[int] = ..., joined_at: _Optional[int] = ..., pending_periods: _Optional[_Iterable[int]] = ..., periods_settled: _Optional[int] = ..., penalties_paid: _Optional[int] = ..., rewards_received: _Optional[int] = ..., left: _Optional[bool] = ..., left_at: _Optional[int] = ...) -> None: ...

class Declaration(_message.Message):
    __slots__ = ("member", "usage_mwh", "declared_at")
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    USAGE_MWH_FIELD_NUMBER: _ClassVar[int]
    DECLARED_AT_FIELD_NUMBER: _ClassVar[int]
    member: str
    usage_mwh: int
    declared_at: int
    def __init__(self, member: _Optional[str] = ..., usage_mwh: _Optional[int] = ..., declared_at: _Optional[int] = ...) -> None: ...

class MemberResult(_message.Message):
    __slots__ = ("member", "declared_mwh", "metered_mwh", "complete", "deviation_mwh", "excess_mwh", "accuracy_ppm", "h_before_ppm", "h_after_ppm", "penalty_due", "penalty", "reward", "weight")
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    DECLARED_MWH_FIELD_NUMBER: _ClassVar[int]
    METERED_MWH_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    DEVIATION_MWH_FIELD_NUMBER: _ClassVar[int]
    EXCESS_MWH_FIELD_NUMBER: _ClassVar[int]
    ACCURACY_PPM_FIELD_NUMBER: _ClassVar[int]
    H_BEFORE_PPM_FIELD_NUMBER: _ClassVar[int]
    H_AFTER_PPM_FIELD_NUMBER: _ClassVar[int]
    PENALTY_DUE_FIELD_NUMBER: _ClassVar[int]
    PENALTY_FIELD_NUMBER: _ClassVar[int]
    REWARD_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    member: str
    declared_mwh: int
    metered_mwh: int
    complete: bool
    deviation_mwh: int
    excess_mwh: int
    accuracy_ppm: int
    h_before_ppm: int
    h_after_ppm: int
    penalty_due: int
    penalty: int
    reward: int
    weight: int
    def __init__(self, member: _Optional[str] = ..., declared_mwh: _Optional[int] = ..., metered_mwh: _Optional[int] = ..., complete: _Optional[bool] = ..., deviation_mwh: _Optional[int] = ..., excess_mwh: _Optional[int] = ..., accuracy_ppm: _Optional[int] = ..., h_before_ppm: _Optional[int] = ..., h_after_ppm: _Optional[int] = ..., penalty_due: _Optional[int] = ..., penalty: _Optional[int] = ..., reward: _Optional[int] = ..., weight: _Optional[int] = ...) -> None: ...

class SupplierPeriod(_message.Message):
    __slots__ = ("supplier_id", "period", "start", "end", "declarations", "settled", "settled_at", "settled_by", "results", "net_imbalance_mwh", "penalties", "imbalance_cost", "imbalance_paid", "rewards", "remainder")
    SUPPLIER_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    DECLARATIONS_FIELD_NUMBER: _ClassVar[int]
    SETTLED_FIELD_NUMBER: _ClassVar[int]
    SETTLED_AT_FIELD_NUMBER: _ClassVar[int]
    SETTLED_BY_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    NET_IMBALANCE_MWH_FIELD_NUMBER: _ClassVar[int]
    PENALTIES_FIELD_NUMBER: _ClassVar[int]
    IMBALANCE_COST_FIELD_NUMBER: _ClassVar[int]
    IMBALANCE_PAID_FIELD_NUMBER: _ClassVar[int]
    REWARDS_FIELD_NUMBER: _ClassVar[int]
    REMAINDER_FIELD_NUMBER: _ClassVar[int]
    supplier_id: str
    period: int
    start: int
    end: int
    declarations: _containers.RepeatedCompositeFieldContainer[Declaration]
    settled: bool
    settled_at: int
    settled_by: str
    results: _containers.RepeatedCompositeFieldContainer[MemberResult]
    net_imbalance_mwh: int
    penalties: int
    imbalance_cost: int
    imbalance_paid: int
    rewards: int
    remainder: int
    def __init__(self, supplier_id: _Optional[str] = ..., period: _Optional[int] = ..., start: _Optional[int] = ..., end: _Optional[int] = ..., declarations: _Optional[_Iterable[_Union[Declaration, _Mapping]]] = ..., settled: _Optional[bool] = ..., settled_at: _Optional[int] = ..., settled_by: _Optional[str] = ..., results: _Optional[_Iterable[_Union[MemberResult, _Mapping]]] = ..., net_imbalance_mwh: _Optional[int] = ..., penalties: _Optional[int] = ..., imbalance_cost: _Optional[int] = ..., imbalance_paid: _Optional[int] = ..., rewards: _Optional[int] = ..., remainder: _Optional[int] = ...) -> None: ...
