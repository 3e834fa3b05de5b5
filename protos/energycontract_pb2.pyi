from . import baseline_pb2 as _baseline_pb2
from . import market_aggregation_pb2 as _market_aggregation_pb2
from . import market_auction_pb2 as _market_auction_pb2
from . import market_p2p_pb2 as _market_p2p_pb2
from . import market_supplier_pb2 as _market_supplier_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PeriodKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PERIOD_UNSET: _ClassVar[PeriodKind]
    WEEK: _ClassVar[PeriodKind]
    MONTH: _ClassVar[PeriodKind]
    YEAR: _ClassVar[PeriodKind]

class GuaranteeBasis(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BASIS_UNSET: _ClassVar[GuaranteeBasis]
    PER_PERIOD: _ClassVar[GuaranteeBasis]
    PER_YEAR: _ClassVar[GuaranteeBasis]
PERIOD_UNSET: PeriodKind
WEEK: PeriodKind
MONTH: PeriodKind
YEAR: PeriodKind
BASIS_UNSET: GuaranteeBasis
PER_PERIOD: GuaranteeBasis
PER_YEAR: GuaranteeBasis

class EnergyContractPayload(_message.Message):
    __slots__ = ("action", "issue", "redeem", "transfer", "deposit", "propose", "withdraw", "accept", "settle", "propose_amendment", "accept_amendment", "dispute", "resolve", "terminate", "aggregator_set", "tokens_buy", "offer_add", "offer_cancel", "offer_pick", "offer_settle", "community_open", "der_join", "der_leave", "epoch_sweep", "epoch_dispute", "epoch_resolve", "der_admit", "supplier_open", "supplier_join", "usage_declare", "supplier_settle", "supplier_leave", "auction_open", "auction_subscribe", "order_submit", "auction_clear", "auction_settle_step", "auction_finalize")
    class Action(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        ACTION_UNSET: _ClassVar[EnergyContractPayload.Action]
        ISSUE: _ClassVar[EnergyContractPayload.Action]
        REDEEM: _ClassVar[EnergyContractPayload.Action]
        TRANSFER: _ClassVar[EnergyContractPayload.Action]
        DEPOSIT: _ClassVar[EnergyContractPayload.Action]
        PROPOSE: _ClassVar[EnergyContractPayload.Action]
        WITHDRAW: _ClassVar[EnergyContractPayload.Action]
        ACCEPT: _ClassVar[EnergyContractPayload.Action]
        SETTLE: _ClassVar[EnergyContractPayload.Action]
        PROPOSE_AMENDMENT: _ClassVar[EnergyContractPayload.Action]
        ACCEPT_AMENDMENT: _ClassVar[EnergyContractPayload.Action]
        DISPUTE: _ClassVar[EnergyContractPayload.Action]
        RESOLVE: _ClassVar[EnergyContractPayload.Action]
        TERMINATE: _ClassVar[EnergyContractPayload.Action]
        AGGREGATOR_SET: _ClassVar[EnergyContractPayload.Action]
        TOKENS_BUY: _ClassVar[EnergyContractPayload.Action]
        OFFER_ADD: _ClassVar[EnergyContractPayload.Action]
        OFFER_CANCEL: _ClassVar[EnergyContractPayload.Action]
        OFFER_PICK: _ClassVar[EnergyContractPayload.Action]
        OFFER_SETTLE: _ClassVar[EnergyContractPayload.Action]
        COMMUNITY_OPEN: _ClassVar[EnergyContractPayload.Action]
        DER_JOIN: _ClassVar[EnergyContractPayload.Action]
        DER_LEAVE: _ClassVar[EnergyContractPayload.Action]
        EPOCH_SWEEP: _ClassVar[EnergyContractPayload.Action]
        EPOCH_DISPUTE: _ClassVar[EnergyContractPayload.Action]
        EPOCH_RESOLVE: _ClassVar[EnergyContractPayload.Action]
        DER_ADMIT: _ClassVar[EnergyContractPayload.Action]
        SUPPLIER_OPEN: _ClassVar[EnergyContractPayload.Action]
        SUPPLIER_JOIN: _ClassVar[EnergyContractPayload.Action]
        USAGE_DECLARE: _ClassVar[EnergyContractPayload.Action]
        SUPPLIER_SETTLE: _ClassVar[EnergyContractPayload.Action]
        SUPPLIER_LEAVE: _ClassVar[EnergyContractPayload.Action]
        AUCTION_OPEN: _ClassVar[EnergyContractPayload.Action]
        AUCTION_SUBSCRIBE: _ClassVar[EnergyContractPayload.Action]
        ORDER_SUBMIT: _ClassVar[EnergyContractPayload.Action]
        AUCTION_CLEAR: _ClassVar[EnergyContractPayload.Action]
        AUCTION_SETTLE_STEP: _ClassVar[EnergyContractPayload.Action]
        AUCTION_FINALIZE: _ClassVar[EnergyContractPayload.Action]
    ACTION_UNSET: EnergyContractPayload.Action
    ISSUE: EnergyContractPayload.Action
    REDEEM: EnergyContractPayload.Action
    TRANSFER: EnergyContractPayload.Action
    DEPOSIT: EnergyContractPayload.Action
    PROPOSE: EnergyContractPayload.Action
    WITHDRAW: EnergyContractPayload.Action
    ACCEPT: EnergyContractPayload.Action
    SETTLE: EnergyContractPayload.Action
    PROPOSE_AMENDMENT: EnergyContractPayload.Action
    ACCEPT_AMENDMENT: EnergyContractPayload.Action
    DISPUTE: EnergyContractPayload.Action
    RESOLVE: EnergyContractPayload.Action
    TERMINATE: EnergyContractPayload.Action
    AGGREGATOR_SET: EnergyContractPayload.Action
    TOKENS_BUY: EnergyContractPayload.Action
    OFFER_ADD: EnergyContractPayload.Action
    OFFER_CANCEL: EnergyContractPayload.Action
    OFFER_PICK: EnergyContractPayload.Action
    OFFER_SETTLE: EnergyContractPayload.Action
    COMMUNITY_OPEN: EnergyContractPayload.Action
    DER_JOIN: EnergyContractPayload.Action
    DER_LEAVE: EnergyContractPayload.Action
    EPOCH_SWEEP: EnergyContractPayload.Action
    EPOCH_DISPUTE: EnergyContractPayload.Action
    EPOCH_RESOLVE: EnergyContractPayload.Action
    DER_ADMIT: EnergyContractPayload.Action
    SUPPLIER_OPEN: EnergyContractPayload.Action
    SUPPLIER_JOIN: EnergyContractPayload.Action
    USAGE_DECLARE: EnergyContractPayload.Action
    SUPPLIER_SETTLE: EnergyContractPayload.Action
    SUPPLIER_LEAVE: EnergyContractPayload.Action
    AUCTION_OPEN: EnergyContractPayload.Action
    AUCTION_SUBSCRIBE: EnergyContractPayload.Action
    ORDER_SUBMIT: EnergyContractPayload.Action
    AUCTION_CLEAR: EnergyContractPayload.Action
    AUCTION_SETTLE_STEP: EnergyContractPayload.Action
    AUCTION_FINALIZE: EnergyContractPayload.Action
    ACTION_FIELD_NUMBER: _ClassVar[int]
    ISSUE_FIELD_NUMBER: _ClassVar[int]
    REDEEM_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    PROPOSE_FIELD_NUMBER: _ClassVar[int]
    WITHDRAW_FIELD_NUMBER: _ClassVar[int]
    ACCEPT_FIELD_NUMBER: _ClassVar[int]
    SETTLE_FIELD_NUMBER: _ClassVar[int]
    PROPOSE_AMENDMENT_FIELD_NUMBER: _ClassVar[int]
    ACCEPT_AMENDMENT_FIELD_NUMBER: _ClassVar[int]
    DISPUTE_FIELD_NUMBER: _ClassVar[int]
    RESOLVE_FIELD_NUMBER: _ClassVar[int]
    TERMINATE_FIELD_NUMBER: _ClassVar[int]
    AGGREGATOR_SET_FIELD_NUMBER: _ClassVar[int]
    TOKENS_BUY_FIELD_NUMBER: _ClassVar[int]
    OFFER_ADD_FIELD_NUMBER: _ClassVar[int]
    OFFER_CANCEL_FIELD_NUMBER: _ClassVar[int]
    OFFER_PICK_FIELD_NUMBER: _ClassVar[int]
    OFFER_SETTLE_FIELD_NUMBER: _ClassVar[int]
    COMMUNITY_OPEN_FIELD_NUMBER: _ClassVar[int]
    DER_JOIN_FIELD_NUMBER: _ClassVar[int]
    DER_LEAVE_FIELD_NUMBER: _ClassVar[int]
    EPOCH_SWEEP_FIELD_NUMBER: _ClassVar[int]
    EPOCH_DISPUTE_FIELD_NUMBER: _ClassVar[int]
    EPOCH_RESOLVE_FIELD_NUMBER: _ClassVar[int]
    DER_ADMIT_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_OPEN_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_JOIN_FIELD_NUMBER: _ClassVar[int]
    USAGE_DECLARE_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_SETTLE_FIELD_NUMBER: _ClassVar[int]
    SUPPLIER_LEAVE_FIELD_NUMBER: _ClassVar[int]
    AUCTION_OPEN_FIELD_NUMBER: _ClassVar[int]
    AUCTION_SUBSCRIBE_FIELD_NUMBER: _ClassVar[int]
    ORDER_SUBMIT_FIELD_NUMBER: _ClassVar[int]
    AUCTION_CLEAR_FIELD_NUMBER: _ClassVar[int]
    AUCTION_SETTLE_STEP_FIELD_NUMBER: _ClassVar[int]
    AUCTION_FINALIZE_FIELD_NUMBER: _ClassVar[int]
    action: EnergyContractPayload.Action
    issue: Issue
    redeem: Redeem
    transfer: Transfer
    deposit: Deposit
    propose: Propose
    withdraw: Withdraw
    accept: Accept
    settle: Settle
    propose_amendment: ProposeAmendment
    accept_amendment: AcceptAmendment
    dispute: Dispute
    resolve: Resolve
    terminate: Terminate
    aggregator_set: _market_p2p_pb2.AggregatorSet
    tokens_buy: _market_p2p_pb2.TokensBuy
    offer_add: _market_p2p_pb2.OfferAdd
    offer_cancel: _market_p2p_pb2.OfferCancel
    offer_pick: _market_p2p_pb2.OfferPick
    offer_settle: _market_p2p_pb2.OfferSettle
    community_open: _market_aggregation_pb2.CommunityOpen
    der_join: _market_aggregation_pb2.DerJoin
    der_leave: _market_aggregation_pb2.DerLeave
    epoch_sweep: _market_aggregation_pb2.EpochSweep
    epoch_dispute: _market_aggregation_pb2.EpochDispute
    epoch_resolve: _market_aggregation_pb2.EpochResolve
    der_admit: _market_aggregation_pb2.DerAdmit
    supplier_open: _market_supplier_pb2.SupplierOpen
    supplier_join: _market_supplier_pb2.SupplierJoin
    usage_declare: _market_supplier_pb2.UsageDeclare
    supplier_settle: _market_supplier_pb2.SupplierSettle
    supplier_leave: _market_supplier_pb2.SupplierLeave
    auction_open: _market_auction_pb2.AuctionOpen
    auction_subscribe: _market_auction_pb2.AuctionSubscribe
    order_submit: _market_auction_pb2.OrderSubmit
    auction_clear: _market_auction_pb2.AuctionClear
    auction_settle_step: _market_auction_pb2.AuctionSettleStep
    auction_finalize: _market_auction_pb2.AuctionFinalize
    def __init__(self, action: _Optional[_Union[EnergyContractPayload.Action, str]] = ..., issue: _Optional[_Union[Issue, _Mapping]] = ..., redeem: _Optional[_Union[Redeem, _Mapping]] = ..., transfer: _Optional[_Union[Transfer, _Mapping]] = ..., deposit: _Optional[_Union[Deposit, _Mapping]] = ..., propose: _Optional[_Union[Propose, _Mapping]] = ..., withdraw: _Optional[_Union[Withdraw, _Mapping]] = ..., accept: _Optional[_Union[Accept, _Mapping]] = ..., settle: _Optional[_Union[Settle, _Mapping]] = ..., propose_amendment: _Optional[_Union[ProposeAmendment, _Mapping]] = ..., accept_amendment: _Optional[_Union[AcceptAmendment, _Mapping]] = ..., dispute: _Optional[_Union[Dispute, _Mapping]] = ..., resolve: _Optional[_Union[Resolve, _Mapping]] = ..., terminate: _Optional[_Union[Terminate, _Mapping]] = ..., aggregator_set: _Optional[_Union[_market_p2p_pb2.AggregatorSet, _Mapping]] = ..., tokens_buy: _Optional[_Union[_market_p2p_pb2.TokensBuy, _Mapping]] = ..., offer_add: _Optional[_Union[_market_p2p_pb2.OfferAdd, _Mapping]] = ..., offer_cancel: _Optional[_Union[_market_p2p_pb2.OfferCancel, _Mapping]] = ..., offer_pick: _Optional[_Union[_market_p2p_pb2.OfferPick, _Mapping]] = ..., offer_settle: _Optional[_Union[_market_p2p_pb2.OfferSettle, _Mapping]] = ..., community_open: _Optional[_Union[_market_aggregation_pb2.CommunityOpen, _Mapping]] = ..., der_join: _Optional[_Union[_market_aggregation_pb2.DerJoin, _Mapping]] = ..., der_leave: _Optional[_Union[_market_aggregation_pb2.DerLeave, _Mapping]] = ..., epoch_sweep: _Optional[_Union[_market_aggregation_pb2.EpochSweep, _Mapping]] = ..., epoch_dispute: _Optional[_Union[_market_aggregation_pb2.EpochDispute, _Mapping]] = ..., epoch_resolve: _Optional[_Union[_market_aggregation_pb2.EpochResolve, _Mapping]] = ..., der_admit: _Optional[_Union[_market_aggregation_pb2.DerAdmit, _Mapping]] = ..., supplier_open: _Optional[_Union[_market_supplier_pb2.SupplierOpen, _Mapping]] = ..., supplier_join: _Optional[_Union[_market_supplier_pb2.SupplierJoin, _Mapping]] = ..., usage_declare: _Optional[_Union[_market_supplier_pb2.UsageDeclare, _Mapping]] = ..., supplier_settle: _Optional[_Union[_market_supplier_pb2.SupplierSettle, _Mapping]] = ..., supplier_leave: _Optional[_Union[_market_supplier_pb2.SupplierLeave, _Mapping]] = ..., auction_open: _Optional[_Union[_market_auction_pb2.AuctionOpen, _Mapping]] = ..., auction_subscribe: _Optional[_Union[_market_auction_pb2.AuctionSubscribe, _Mapping]] = ..., order_submit: _Optional[_Union[_market_auction_pb2.OrderSubmit, _Mapping]] = ..., auction_clear: _Optional[_Union[_market_auction_pb2.AuctionClear, _Mapping]] = ..., auction_settle_step: _Optional[_Union[_market_auction_pb2.AuctionSettleStep, _Mapping]] = ..., auction_finalize: _Optional[_Union[_market_auction_pb2.AuctionFinalize, _Mapping]] = ...) -> None: ...

class Issue(_message.Message):
    __slots__ = ("currency", "to", "amount", "memo")
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    MEMO_FIELD_NUMBER: _ClassVar[int]
    currency: str
    to: str
    amount: int
    memo: str
    def __init__(self, currency: _Optional[str] = ..., to: _Optional[str] = ..., amount: _Optional[int] = ..., memo: _Optional[str] = ...) -> None: ...

class Redeem(_message.Message):
    __slots__ = ("currency", "amount", "memo")
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    MEMO_FIELD_NUMBER: _ClassVar[int]
    currency: str
    amount: int
    memo: str
    def __init__(self, currency: _Optional[str] = ..., amount: _Optional[int] = ..., memo: _Optional[str] = ...) -> None: ...

class Transfer(_message.Message):
    __slots__ = ("currency", "to", "amount", "memo")
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    MEMO_FIELD_NUMBER: _ClassVar[int]
    currency: str
    to: str
    amount: int
    memo: str
    def __init__(self, currency: _Optional[str] = ..., to: _Optional[str] = ..., amount: _Optional[int] = ..., memo: _Optional[str] = ...) -> None: ...

class Deposit(_message.Message):
    __slots__ = ("contract_id", "amount")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    amount: int
    def __init__(self, contract_id: _Optional[str] = ..., amount: _Optional[int] = ...) -> None: ...

class Propose(_message.Message):
    __slots__ = ("terms",)
    TERMS_FIELD_NUMBER: _ClassVar[int]
    terms: Terms
    def __init__(self, terms: _Optional[_Union[Terms, _Mapping]] = ...) -> None: ...

class Withdraw(_message.Message):
    __slots__ = ("contract_id",)
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    def __init__(self, contract_id: _Optional[str] = ...) -> None: ...

class Accept(_message.Message):
    __slots__ = ("contract_id", "terms_hash")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    TERMS_HASH_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    terms_hash: str
    def __init__(self, contract_id: _Optional[str] = ..., terms_hash: _Optional[str] = ...) -> None: ...

class Settle(_message.Message):
    __slots__ = ("contract_id", "period")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    period: int
    def __init__(self, contract_id: _Optional[str] = ..., period: _Optional[int] = ...) -> None: ...

class ProposeAmendment(_message.Message):
    __slots__ = ("contract_id", "terms", "reason")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    terms: Terms
    reason: str
    def __init__(self, contract_id: _Optional[str] = ..., terms: _Optional[_Union[Terms, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class AcceptAmendment(_message.Message):
    __slots__ = ("contract_id", "terms_hash")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    TERMS_HASH_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    terms_hash: str
    def __init__(self, contract_id: _Optional[str] = ..., terms_hash: _Optional[str] = ...) -> None: ...

class Dispute(_message.Message):
    __slots__ = ("contract_id", "period", "reason", "evidence")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    period: int
    reason: str
    evidence: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, contract_id: _Optional[str] = ..., period: _Optional[int] = ..., reason: _Optional[str] = ..., evidence: _Optional[_Iterable[str]] = ...) -> None: ...

class Resolve(_message.Message):
    __slots__ = ("contract_id", "period", "decision", "corrected_actual", "corrected_baseline", "note")
    class Decision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        DECISION_UNSET: _ClassVar[Resolve.Decision]
        UPHOLD: _ClassVar[Resolve.Decision]
        ADJUST: _ClassVar[Resolve.Decision]
    DECISION_UNSET: Resolve.Decision
    UPHOLD: Resolve.Decision
    ADJUST: Resolve.Decision
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    CORRECTED_ACTUAL_FIELD_NUMBER: _ClassVar[int]
    CORRECTED_BASELINE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    period: int
    decision: Resolve.Decision
    corrected_actual: int
    corrected_baseline: int
    note: str
    def __init__(self, contract_id: _Optional[str] = ..., period: _Optional[int] = ..., decision: _Optional[_Union[Resolve.Decision, str]] = ..., corrected_actual: _Optional[int] = ..., corrected_baseline: _Optional[int] = ..., note: _Optional[str] = ...) -> None: ...

class Terminate(_message.Message):
    __slots__ = ("contract_id", "reason")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    reason: str
    def __init__(self, contract_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class SharedSavings(_message.Message):
    __slots__ = ("price", "esco_share_ppm", "owner_share_ppm", "cap_per_period")
    PRICE_FIELD_NUMBER: _ClassVar[int]
    ESCO_SHARE_PPM_FIELD_NUMBER: _ClassVar[int]
    OWNER_SHARE_PPM_FIELD_NUMBER: _ClassVar[int]
    CAP_PER_PERIOD_FIELD_NUMBER: _ClassVar[int]
    price: int
    esco_share_ppm: int
    owner_share_ppm: int
    cap_per_period: int
    def __init__(self, price: _Optional[int] = ..., esco_share_ppm: _Optional[int] = ..., owner_share_ppm: _Optional[int] = ..., cap_per_period: _Optional[int] = ...) -> None: ...

class GuaranteedSavings(_message.Message):
    __slots__ = ("price", "fee_per_period", "guarantee", "basis", "excess_esco_share_ppm", "excess_owner_share_ppm")
    PRICE_FIELD_NUMBER: _ClassVar[int]
    FEE_PER_PERIOD_FIELD_NUMBER: _ClassVar[int]
    GUARANTEE_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    EXCESS_ESCO_SHARE_PPM_FIELD_NUMBER: _ClassVar[int]
    EXCESS_OWNER_SHARE_PPM_FIELD_NUMBER: _ClassVar[int]
    price: int
    fee_per_period: int
    guarantee: int
    basis: GuaranteeBasis
    excess_esco_share_ppm: int
    excess_owner_share_ppm: int
    def __init__(self, price: _Optional[int] = ..., fee_per_period: _Optional[int] = ..., guarantee: _Optional[int] = ..., basis: _Optional[_Union[GuaranteeBasis, str]] = ..., excess_esco_share_ppm: _Optional[int] = ..., excess_owner_share_ppm: _Optional[int] = ...) -> None: ...

class FirstOut(_message.Message):
    __slots__ = ("price", "esco_share_ppm", "owner_share_ppm", "investment", "return_ppm")
    PRICE_FIELD_NUMBER: _ClassVar[int]
    ESCO_SHARE_PPM_FIELD_NUMBER: _ClassVar[int]
    OWNER_SHARE_PPM_FIELD_NUMBER: _ClassVar[int]
    INVESTMENT_FIELD_NUMBER: _ClassVar[int]
    RETURN_PPM_FIELD_NUMBER: _ClassVar[int]
    price: int
    esco_share_ppm: int
    owner_share_ppm: int
    investment: int
    return_ppm: int
    def __init__(self, price: _Optional[int] = ..., esco_share_ppm: _Optional[int] = ..., owner_share_ppm: _Optional[int] = ..., investment: _Optional[int] = ..., return_ppm: _Optional[int] = ...) -> None: ...

class EnergySupply(_message.Message):
    __slots__ = ("price", "baseline_price", "discount_ppm")
    PRICE_FIELD_NUMBER: _ClassVar[int]
    BASELINE_PRICE_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_PPM_FIELD_NUMBER: _ClassVar[int]
    price: int
    baseline_price: int
    discount_ppm: int
    def __init__(self, price: _Optional[int] = ..., baseline_price: _Optional[int] = ..., discount_ppm: _Optional[int] = ...) -> None: ...

class Terms(_message.Message):
    __slots__ = ("contract_id", "title", "esco", "owner", "auditor", "site_id", "meters", "weather_meter", "currency", "start", "period", "periods", "baseline", "min_coverage_ppm", "data_grace_s", "dispute_window_s", "esco_deposit", "owner_deposit", "shared_savings", "guaranteed_savings", "first_out", "energy_supply")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ESCO_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    AUDITOR_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    METERS_FIELD_NUMBER: _ClassVar[int]
    WEATHER_METER_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIODS_FIELD_NUMBER: _ClassVar[int]
    BASELINE_FIELD_NUMBER: _ClassVar[int]
    MIN_COVERAGE_PPM_FIELD_NUMBER: _ClassVar[int]
    DATA_GRACE_S_FIELD_NUMBER: _ClassVar[int]
    DISPUTE_WINDOW_S_FIELD_NUMBER: _ClassVar[int]
    ESCO_DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    OWNER_DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    SHARED_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    GUARANTEED_SAVINGS_FIELD_NUMBER: _ClassVar[int]
    FIRST_OUT_FIELD_NUMBER: _ClassVar[int]
    ENERGY_SUPPLY_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    title: str
    esco: str
    owner: str
    auditor: str
    site_id: str
    meters: _containers.RepeatedScalarFieldContainer[str]
    weather_meter: str
    currency: str
    start: int
    period: PeriodKind
    periods: int
    baseline: _baseline_pb2.BaselineTable
    min_coverage_ppm: int
    data_grace_s: int
    dispute_window_s: int
    esco_deposit: int
    owner_deposit: int
    shared_savings: SharedSavings
    guaranteed_savings: GuaranteedSavings
    first_out: FirstOut
    energy_supply: EnergySupply
    def __init__(self, contract_id: _Optional[str] = ..., title: _Optional[str] = ..., esco: _Optional[str] = ..., owner: _Optional[str] = ..., auditor: _Optional[str] = ..., site_id: _Optional[str] = ..., meters: _Optional[_Iterable[str]] = ..., weather_meter: _Optional[str] = ..., currency: _Optional[str] = ..., start: _Optional[int] = ..., period: _Optional[_Union[PeriodKind, str]] = ..., periods: _Optional[int] = ..., baseline: _Optional[_Union[_baseline_pb2.BaselineTable, _Mapping]] = ..., min_coverage_ppm: _Optional[int] = ..., data_grace_s: _Optional[int] = ..., dispute_window_s: _Optional[int] = ..., esco_deposit: _Optional[int] = ..., owner_deposit: _Optional[int] = ..., shared_savings: _Optional[_Union[SharedSavings, _Mapping]] = ..., guaranteed_savings: _Optional[_Union[GuaranteedSavings, _Mapping]] = ..., first_out: _Optional[_Union[FirstOut, _Mapping]] = ..., energy_supply: _Optional[_Union[EnergySupply, _Mapping]] = ...) -> None: ...

class Account(_message.Message):
    __slots__ = ("owner", "currency", "balance")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    owner: str
    currency: str
    balance: int
    def __init__(self, owner: _Optional[str] = ..., currency: _Optional[str] = ..., balance: _Optional[int] = ...) -> None: ...

class Currency(_message.Message):
    __slots__ = ("code", "issued", "redeemed")
    CODE_FIELD_NUMBER: _ClassVar[int]
    ISSUED_FIELD_NUMBER: _ClassVar[int]
    REDEEMED_FIELD_NUMBER: _ClassVar[int]
    code: str
    issued: int
    redeemed: int
    def __init__(self, code: _Optional[str] = ..., issued: _Optional[int] = ..., redeemed: _Optional[int] = ...) -> None: ...

class Escrow(_message.Message):
    __slots__ = ("contract_id", "party", "currency", "balance")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    PARTY_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    party: str
    currency: str
    balance: int
    def __init__(self, contract_id: _Optional[str] = ..., party: _Optional[str] = ..., currency: _Optional[str] = ..., balance: _Optional[int] = ...) -> None: ...

class TemplateState(_message.Message):
    __slots__ = ("cumulative_avoided", "recovered", "year_avoided", "year_guarantee", "owed_by_owner", "owed_by_esco")
    CUMULATIVE_AVOIDED_FIELD_NUMBER: _ClassVar[int]
    RECOVERED_FIELD_NUMBER: _ClassVar[int]
    YEAR_AVOIDED_FIELD_NUMBER: _ClassVar[int]
    YEAR_GUARANTEE_FIELD_NUMBER: _ClassVar[int]
    OWED_BY_OWNER_FIELD_NUMBER: _ClassVar[int]
    OWED_BY_ESCO_FIELD_NUMBER: _ClassVar[int]
    cumulative_avoided: int
    recovered: int
    year_avoided: int
    year_guarantee: int
    owed_by_owner: int
    owed_by_esco: int
    def __init__(self, cumulative_avoided: _Optional[int] = ..., recovered: _Optional[int] = ..., year_avoided: _Optional[int] = ..., year_guarantee: _Optional[int] = ..., owed_by_owner: _Optional[int] = ..., owed_by_esco: _Optional[int] = ...) -> None: ...

class Contract(_message.Message):
    __slots__ = ("contract_id", "terms", "terms_hash", "baseline_hash", "status", "proposer", "proposed_at", "accepted_at", "settled_periods", "state", "pending_amendment", "pending_amendment_hash", "pending_amendment_by", "pending_amendment_reason", "amendments", "terms_history", "termination_requested_by", "termination_reason", "ended_at", "end_reason")
    class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATUS_UNSET: _ClassVar[Contract.Status]
        PROPOSED: _ClassVar[Contract.Status]
        ACTIVE: _ClassVar[Contract.Status]
        ENDED: _ClassVar[Contract.Status]
        WITHDRAWN: _ClassVar[Contract.Status]
    STATUS_UNSET: Contract.Status
    PROPOSED: Contract.Status
    ACTIVE: Contract.Status
    ENDED: Contract.Status
    WITHDRAWN: Contract.Status
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    TERMS_HASH_FIELD_NUMBER: _ClassVar[int]
    BASELINE_HASH_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PROPOSER_FIELD_NUMBER: _ClassVar[int]
    PROPOSED_AT_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_AT_FIELD_NUMBER: _ClassVar[int]
    SETTLED_PERIODS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PENDING_AMENDMENT_FIELD_NUMBER: _ClassVar[int]
    PENDING_AMENDMENT_HASH_FIELD_NUMBER: _ClassVar[int]
    PENDING_AMENDMENT_BY_FIELD_NUMBER: _ClassVar[int]
    PENDING_AMENDMENT_REASON_FIELD_NUMBER: _ClassVar[int]
    AMENDMENTS_FIELD_NUMBER: _ClassVar[int]
    TERMS_HISTORY_FIELD_NUMBER: _ClassVar[int]
    TERMINATION_REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    TERMINATION_REASON_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    END_REASON_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    terms: Terms
    terms_hash: str
    baseline_hash: str
    status: Contract.Status
    proposer: str
    proposed_at: int
    accepted_at: int
    settled_periods: int
    state: TemplateState
    pending_amendment: Terms
    pending_amendment_hash: str
    pending_amendment_by: str
    pending_amendment_reason: str
    amendments: int
    terms_history: _containers.RepeatedScalarFieldContainer[str]
    termination_requested_by: str
    termination_reason: str
    ended_at: int
    end_reason: str
    def __init__(self, contract_id: _Optional[str] = ..., terms: _Optional[_Union[Terms, _Mapping]] = ..., terms_hash: _Optional[str] = ..., baseline_hash: _Optional[str] = ..., status: _Optional[_Union[Contract.Status, str]] = ..., proposer: _Optional[str] = ..., proposed_at: _Optional[int] = ..., accepted_at: _Optional[int] = ..., settled_periods: _Optional[int] = ..., state: _Optional[_Union[TemplateState, _Mapping]] = ..., pending_amendment: _Optional[_Union[Terms, _Mapping]] = ..., pending_amendment_hash: _Optional[str] = ..., pending_amendment_by: _Optional[str] = ..., pending_amendment_reason: _Optional[str] = ..., amendments: _Optional[int] = ..., terms_history: _Optional[_Iterable[str]] = ..., termination_requested_by: _Optional[str] = ..., termination_reason: _Optional[str] = ..., ended_at: _Optional[int] = ..., end_reason: _Optional[str] = ...) -> None: ...

class Payment(_message.Message):
    __slots__ = ("reason", "payer", "payee", "due", "from_escrow", "from_account", "unpaid")
    REASON_FIELD_NUMBER: _ClassVar[int]
    PAYER_FIELD_NUMBER: _ClassVar[int]
    PAYEE_FIELD_NUMBER: _ClassVar[int]
    DUE_FIELD_NUMBER: _ClassVar[int]
    FROM_ESCROW_FIELD_NUMBER: _ClassVar[int]
    FROM_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    UNPAID_FIELD_NUMBER: _ClassVar[int]
    reason: str
    payer: str
    payee: str
    due: int
    from_escrow: int
    from_account: int
    unpaid: int
    def __init__(self, reason: _Optional[str] = ..., payer: _Optional[str] = ..., payee: _Optional[str] = ..., due: _Optional[int] = ..., from_escrow: _Optional[int] = ..., from_account: _Optional[int] = ..., unpaid: _Optional[int] = ...) -> None: ...

class Figure(_message.Message):
    __slots__ = ("name", "value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: int
    def __init__(self, name: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...

class DisputeRecord(_message.Message):
    __slots__ = ("raised_by", "raised_at", "reason", "evidence", "status", "resolved_at", "note", "corrected_actual", "corrected_baseline", "figures", "payments")
    class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATUS_UNSET: _ClassVar[DisputeRecord.Status]
        OPEN: _ClassVar[DisputeRecord.Status]
        UPHELD: _ClassVar[DisputeRecord.Status]
        ADJUSTED: _ClassVar[DisputeRecord.Status]
    STATUS_UNSET: DisputeRecord.Status
    OPEN: DisputeRecord.Status
    UPHELD: DisputeRecord.Status
    ADJUSTED: DisputeRecord.Status
    RAISED_BY_FIELD_NUMBER: _ClassVar[int]
    RAISED_AT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    CORRECTED_ACTUAL_FIELD_NUMBER: _ClassVar[int]
    CORRECTED_BASELINE_FIELD_NUMBER: _ClassVar[int]
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    raised_by: str
    raised_at: int
    reason: str
    evidence: _containers.RepeatedScalarFieldContainer[str]
    status: DisputeRecord.Status
    resolved_at: int
    note: str
    corrected_actual: int
    corrected_baseline: int
    figures: _containers.RepeatedCompositeFieldContainer[Figure]
    payments: _containers.RepeatedCompositeFieldContainer[Payment]
    def __init__(self, raised_by: _Optional[str] = ..., raised_at: _Optional[int] = ..., reason: _Optional[str] = ..., evidence: _Optional[_Iterable[str]] = ..., status: _Optional[_Union[DisputeRecord.Status, str]] = ..., resolved_at: _Optional[int] = ..., note: _Optional[str] = ..., corrected_actual: _Optional[int] = ..., corrected_baseline: _Optional[int] = ..., figures: _Optional[_Iterable[_Union[Figure, _Mapping]]] = ..., payments: _Optional[_Iterable[_Union[Payment, _Mapping]]] = ...) -> None: ...

class Settlement(_message.Message):
    __slots__ = ("contract_id", "period", "period_name", "start", "end", "status", "reason", "terms_hash", "days", "complete_days", "coverage_ppm", "actual", "adjusted_baseline", "avoided", "figures", "payments", "state_before", "state_after", "inputs", "settled_at", "settled_by", "dispute")
    class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATUS_UNSET: _ClassVar[Settlement.Status]
        SETTLED: _ClassVar[Settlement.Status]
        INSUFFICIENT: _ClassVar[Settlement.Status]
    STATUS_UNSET: Settlement.Status
    SETTLED: Settlement.Status
    INSUFFICIENT: Settlement.Status
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIOD_NAME_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    TERMS_HASH_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_DAYS_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_PPM_FIELD_NUMBER: _ClassVar[int]
    ACTUAL_FIELD_NUMBER: _ClassVar[int]
    ADJUSTED_BASELINE_FIELD_NUMBER: _ClassVar[int]
    AVOIDED_FIELD_NUMBER: _ClassVar[int]
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    STATE_BEFORE_FIELD_NUMBER: _ClassVar[int]
    STATE_AFTER_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    SETTLED_AT_FIELD_NUMBER: _ClassVar[int]
    SETTLED_BY_FIELD_NUMBER: _ClassVar[int]
    DISPUTE_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    period: int
    period_name: str
    start: int
    end: int
    status: Settlement.Status
    reason: str
    terms_hash: str
    days: int
    complete_days: int
    coverage_ppm: int
    actual: int
    adjusted_baseline: int
    avoided: int
    figures: _containers.RepeatedCompositeFieldContainer[Figure]
    payments: _containers.RepeatedCompositeFieldContainer[Payment]
    state_before: TemplateState
    state_after: TemplateState
    inputs: _containers.RepeatedScalarFieldContainer[str]
    settled_at: int
    settled_by: str
    dispute: DisputeRecord
    def __init__(self, contract_id: _Optional[str] = ..., period: _Optional[int] = ..., period_name: _Optional[str] = ..., start: _Optional[int] = ..., end: _Optional[int] = ..., status: _Optional[_Union[Settlement.Status, str]] = ..., reason: _Optional[str] = ..., terms_hash: _Optional[str] = ..., days: _Optional[int] = ..., complete_days: _Optional[int] = ..., coverage_ppm: _Optional[int] = ..., actual: _Optional[int] = ..., adjusted_baseline: _Optional[int] = ..., avoided: _Optional[int] = ..., figures: _Optional[_Iterable[_Union[Figure, _Mapping]]] = ..., payments: _Optional[_Iterable[_Union[Payment, _Mapping]]] = ..., state_before: _Optional[_Union[TemplateState, _Mapping]] = ..., state_after: _Optional[_Union[TemplateState, _Mapping]] = ..., inputs: _Optional[_Iterable[str]] = ..., settled_at: _Optional[int] = ..., settled_by: _Optional[str] = ..., dispute: _Optional[_Union[DisputeRecord, _Mapping]] = ...) -> None: ...
