from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Criteria(_message.Message):
    __slots__ = ("min_capacity_w", "max_capacity_w", "max_price", "min_deposit", "max_members", "commitment_ppm", "penalty_price")
    MIN_CAPACITY_W_FIELD_NUMBER: _ClassVar[int]
    MAX_CAPACITY_W_FIELD_NUMBER: _ClassVar[int]
    MAX_PRICE_FIELD_NUMBER: _ClassVar[int]
    MIN_DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    MAX_MEMBERS_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_PPM_FIELD_NUMBER: _ClassVar[int]
    PENALTY_PRICE_FIELD_NUMBER: _ClassVar[int]
    min_capacity_w: int
    max_capacity_w: int
    max_price: int
    min_deposit: int
    max_members: int
    commitment_ppm: int
    penalty_price: int
    def __init__(self, min_capacity_w: _Optional[int] = ..., max_capacity_w: _Optional[int] = ..., max_price: _Optional[int] = ..., min_deposit: _Optional[int] = ..., max_members: _Optional[int] = ..., commitment_ppm: _Optional[int] = ..., penalty_price: _Optional[int] = ...) -> None: ...

class CommunityOpen(_message.Message):
    __slots__ = ("community_id", "name", "currency", "first_epoch_start", "epoch_s", "data_grace_s", "dispute_window_s", "criteria")
    COMMUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    FIRST_EPOCH_START_FIELD_NUMBER: _ClassVar[int]
    EPOCH_S_FIELD_NUMBER: _ClassVar[int]
    DATA_GRACE_S_FIELD_NUMBER: _ClassVar[int]
    DISPUTE_WINDOW_S_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_FIELD_NUMBER: _ClassVar[int]
    community_id: str
    name: str
    currency: str
    first_epoch_start: int
    epoch_s: int
    data_grace_s: int
    dispute_window_s: int
    criteria: Criteria
    def __init__(self, community_id: _Optional[str] = ..., name: _Optional[str] = ..., currency: _Optional[str] = ..., first_epoch_start: _Optional[int] = ..., epoch_s: _Optional[int] = ..., data_grace_s: _Optional[int] = ..., dispute_window_s: _Optional[int] = ..., criteria: _Optional[_Union[Criteria, _Mapping]] = ...) -> None: ...

class DerJoin(_message.Message):
    __slots__ = ("community_id", "der_meter", "connection_meter", "capacity_w", "price", "deposit")
    COMMUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    DER_METER_FIELD_NUMBER: _ClassVar[int]
    CONNECTION_METER_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_W_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    community_id: str
    der_meter: str
    connection_meter: str
    capacity_w: int
    price: int
    deposit: int
    def __init__(self, community_id: _Optional[str] = ..., der_meter: _Optional[str] = ..., connection_meter: _Optional[str] = ..., capacity_w: _Optional[int] = ..., price: _Optional[int] = ..., deposit: _Optional[int] = ...) -> None: ...

class DerAdmit(_message.Message):
    __slots__ = ("community_id", "der", "admit", "reason")
    COMMUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    DER_FIELD_NUMBER: _ClassVar[int]
    ADMIT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    community_id: str
    der: str
    admit: bool
    reason: str
    def __init__(self, community_id: _Optional[str] = ..., der: _Optional[str] = ..., admit: _Optional[bool] = ..., reason: _Optional[str] = ...) -> None: ...

class DerLeave(_message.Message):
    __slots__ = ("community_id",)
    COMMUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    community_id: str
    def __init__(self, community_id: _Optional[str] = ...) -> None: ...

class EpochSweep(_message.Message):
    __slots__ = ("community_id", "epoch")
    COMMUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    community_id: str
    epoch: int
    def __init__(self, community_id: _Optional[str] = ..., epoch: _Optional[int] = ...) -> None: ...

class HourReading(_message.Message):
    __slots__ = ("hour_start", "sum", "count")
    HOUR_START_FIELD_NUMBER: _ClassVar[int]
    SUM_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    hour_start: int
    sum: int
    count: int
    def __init__(self, hour_start: _Optional[int] = ..., sum: _Optional[int] = ..., count: _Optional[int] = ...) -> None: ...

class EpochDispute(_message.Message):
    __slots__ = ("community_id", "epoch", "reason", "evidence")
    COMMUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    community_id: str
    epoch: int
    reason: str
    evidence: _containers.RepeatedCompositeFieldContainer[HourReading]
    def __init__(self, community_id: _Optional[str] = ..., epoch: _Optional[int] = ..., reason: _Optional[str] = ..., evidence: _Optional[_Iterable[_Union[HourReading, _Mapping]]] = ...) -> None: ...

class EpochResolve(_message.Message):
    __slots__ = ("community_id", "epoch", "der", "decision", "corrected_delivered", "note")
    class Decision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        DECISION_UNSET: _ClassVar[EpochResolve.Decision]
        UPHOLD: _ClassVar[EpochResolve.Decision]
        ADJUST: _ClassVar[EpochResolve.Decision]
    DECISION_UNSET: EpochResolve.Decision
    UPHOLD: EpochResolve.Decision
    ADJUST: EpochResolve.Decision
    COMMUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    DER_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    CORRECTED_DELIVERED_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    community_id: str
    epoch: int
    der: str
    decision: EpochResolve.Decision
    corrected_delivered: int
    note: str
    def __init__(self, community_id: _Optional[str] = ..., epoch: _Optional[int] = ..., der: _Optional[str] = ..., decision: _Optional[_Union[EpochResolve.Decision, str]] = ..., corrected_delivered: _Optional[int] = ..., note: _Optional[str] = ...) -> None: ...

class Community(_message.Message):
    __slots__ = ("community_id", "name", "aggregator", "currency", "first_epoch_start", "epoch_s", "data_grace_s", "dispute_window_s", "criteria", "status", "members", "swept_epochs", "opened_at")
    class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATUS_UNSET: _ClassVar[Community.Status]
        OPEN: _ClassVar[Community.Status]
    STATUS_UNSET: Community.Status
    OPEN: Community.Status
    COMMUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    AGGREGATOR_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    FIRST_EPOCH_START_FIELD_NUMBER: _ClassVar[int]
    EPOCH_S_FIELD_NUMBER: _ClassVar[int]
    DATA_GRACE_S_FIELD_NUMBER: _ClassVar[int]
    DISPUTE_WINDOW_S_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    SWEPT_EPOCHS_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    community_id: str
    name: str
    aggregator: str
    currency: str
    first_epoch_start: int
    epoch_s: int
    data_grace_s: int
    dispute_window_s: int
    criteria: Criteria
    status: Community.Status
    members: _containers.RepeatedScalarFieldContainer[str]
    swept_epochs: int
    opened_at: int
    def __init__(self, community_id: _Optional[str] = ..., name: _Optional[str] = ..., aggregator: _Optional[str] = ..., currency: _Optional[str] = ..., first_epoch_start: _Optional[int] = ..., epoch_s: _Optional[int] = ..., data_grace_s: _Optional[int] = ..., dispute_window_s: _Optional[int] = ..., criteria: _Optional[_Union[Criteria, _Mapping]] = ..., status: _Optional[_Union[Community.Status, str]] = ..., members: _Optional[_Iterable[str]] = ..., swept_epochs: _Optional[int] = ..., opened_at: _Optional[int] = ...) -> None: ...

class Member(_message.Message):
    __slots__ = ("community_id", "der", "der_meter", "connection_meter", "capacity_w", "price", "deposit", "status", "joined_at", "leaves_at", "epochs", "met", "paid", "penalised", "applied_at", "refusal")
    class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATUS_UNSET: _ClassVar[Member.Status]
        ACTIVE: _ClassVar[Member.Status]
        LEAVING: _ClassVar[Member.Status]
        LEFT: _ClassVar[Member.Status]
        PENDING: _ClassVar[Member.Status]
    STATUS_UNSET: Member.Status
    ACTIVE: Member.Status
    LEAVING: Member.Status
    LEFT: Member.Status
    PENDING: Member.Status
    COMMUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    DER_FIELD_NUMBER: _ClassVar[int]
    DER_METER_FIELD_NUMBER: _ClassVar[int]
    CONNECTION_METER_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_W_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    JOINED_AT_FIELD_NUMBER: _ClassVar[int]
    LEAVES_AT_FIELD_NUMBER: _ClassVar[int]
    EPOCHS_FIELD_NUMBER: _ClassVar[int]
    MET_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    PENALISED_FIELD_NUMBER: _ClassVar[int]
    APPLIED_AT_FIELD_NUMBER: _ClassVar[int]
    REFUSAL_FIELD_NUMBER: _ClassVar[int]
    community_id: str
    der: str
    der_meter: str
    connection_meter: str
    capacity_w: int
    price: int
    deposit: int
    status: Member.Status
    joined_at: int
    leaves_at: int
    epochs: int
    met: int
    paid: int
    penalised: int
    applied_at: int
    refusal: str
    def __init__(self, community_id: _Optional[str] = ..., der: _Optional[str] = ..., der_meter: _Optional[str] = ..., connection_meter: _Optional[str] = ..., capacity_w: _Optional[int] = ..., price: _Optional[int] = ..., deposit: _Optional[int] = ..., status: _Optional[_Union[Member.Status, str]] = ..., joined_at: _Optional[int] = ..., leaves_at: _Optional[int] = ..., epochs: _Optional[int] = ..., met: _Optional[int] = ..., paid: _Optional[int] = ..., penalised: _Optional[int] = ..., applied_at: _Optional[int] = ..., refusal: _Optional[str] = ...) -> None: ...

class Outcome(_message.Message):
    __slots__ = ("der", "required", "delivered", "der_measured", "connection_count", "der_count", "connection_digest", "der_digest", "met", "paid", "penalty", "released", "disputed", "adjusted")
    DER_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_FIELD_NUMBER: _ClassVar[int]
    DER_MEASURED_FIELD_NUMBER: _ClassVar[int]
    CONNECTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    DER_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONNECTION_DIGEST_FIELD_NUMBER: _ClassVar[int]
    DER_DIGEST_FIELD_NUMBER: _ClassVar[int]
    MET_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    PENALTY_FIELD_NUMBER: _ClassVar[int]
    RELEASED_FIELD_NUMBER: _ClassVar[int]
    DISPUTED_FIELD_NUMBER: _ClassVar[int]
    ADJUSTED_FIELD_NUMBER: _ClassVar[int]
    der: str
    required: int
    delivered: int
    der_measured: int
    connection_count: int
    der_count: int
    connection_digest: str
    der_digest: str
    met: bool
    paid: int
    penalty: int
    released: int
    disputed: bool
    adjusted: bool
    def __init__(self, der: _Optional[str] = ..., required: _Optional[int] = ..., delivered: _Optional[int] = ..., der_measured: _Optional[int] = ..., connection_count: _Optional[int] = ..., der_count: _Optional[int] = ..., connection_digest: _Optional[str] = ..., der_digest: _Optional[str] = ..., met: _Optional[bool] = ..., paid: _Optional[int] = ..., penalty: _Optional[int] = ..., released: _Optional[int] = ..., disputed: _Optional[bool] = ..., adjusted: _Optional[bool] = ...) -> None: ...

class Epoch(_message.Message):
    __slots__ = ("community_id", "epoch", "start", "end", "outcomes", "paid", "penalties", "swept_at", "swept_by")
    COMMUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    PAID_FIELD_NUMBER: _ClassVar[int]
    PENALTIES_FIELD_NUMBER: _ClassVar[int]
    SWEPT_AT_FIELD_NUMBER: _ClassVar[int]
    SWEPT_BY_FIELD_NUMBER: _ClassVar[int]
    community_id: str
    epoch: int
    start: int
    end: int
    outcomes: _containers.RepeatedCompositeFieldContainer[Outcome]
    paid: int
    penalties: int
    swept_at: int
    swept_by: str
    def __init__(self, community_id: _Optional[str] = ..., epoch: _Optional[int] = ..., start: _Optional[int] = ..., end: _Optional[int] = ..., outcomes: _Optional[_Iterable[_Union[Outcome, _Mapping]]] = ..., paid: _Optional[int] = ..., penalties: _Optional[int] = ..., swept_at: _Optional[int] = ..., swept_by: _Optional[str] = ...) -> None: ...

class Dispute(_message.Message):
    __slots__ = ("community_id", "epoch", "der", "reason", "evidence", "evidence_digest", "source", "evidence_total", "swept_delivered", "status", "raised_at", "resolved_at", "note", "corrected_delivered", "refund")
    class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATUS_UNSET: _ClassVar[Dispute.Status]
        OPEN: _ClassVar[Dispute.Status]
        UPHELD: _ClassVar[Dispute.Status]
        ADJUSTED: _ClassVar[Dispute.Status]
    STATUS_UNSET: Dispute.Status
    OPEN: Dispute.Status
    UPHELD: Dispute.Status
    ADJUSTED: Dispute.Status
    class Source(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        SOURCE_UNSET: _ClassVar[Dispute.Source]
        SWEEP_DIGEST: _ClassVar[Dispute.Source]
        LEDGER: _ClassVar[Dispute.Source]
    SOURCE_UNSET: Dispute.Source
    SWEEP_DIGEST: Dispute.Source
    LEDGER: Dispute.Source
    COMMUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    DER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_DIGEST_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    SWEPT_DELIVERED_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RAISED_AT_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    CORRECTED_DELIVERED_FIELD_NUMBER: _ClassVar[int]
    REFUND_FIELD_NUMBER: _ClassVar[int]
    community_id: str
    epoch: int
    der: str
    reason: str
    evidence: _containers.RepeatedCompositeFieldContainer[HourReading]
    evidence_digest: str
    source: Dispute.Source
    evidence_total: int
    swept_delivered: int
    status: Dispute.Status
    raised_at: int
    resolved_at: int
    note: str
    corrected_delivered: int
    refund: int
    def __init__(self, community_id: _Optional[str] = ..., epoch: _Optional[int] = ..., der: _Optional[str] = ..., reason: _Optional[str] = ..., evidence: _Optional[_Iterable[_Union[HourReading, _Mapping]]] = ..., evidence_digest: _Optional[str] = ..., source: _Optional[_Union[Dispute.Source, str]] = ..., evidence_total: _Optional[int] = ..., swept_delivered: _Optional[int] = ..., status: _Optional[_Union[Dispute.Status, str]] = ..., raised_at: _Optional[int] = ..., resolved_at: _Optional[int] = ..., note: _Optional[str] = ..., corrected_delivered: _Optional[int] = ..., refund: _Optional[int] = ...) -> None: ...
