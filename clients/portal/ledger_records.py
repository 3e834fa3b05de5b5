"""The records the members, reputation and overview pages read, from the index's current state.

Each record is kept with its address, so a page can link every figure to the record it comes
from (`#/address/ADDRESS`). Only the record types these pages need are read (one prefix query
each, on first use); readings and rollups stay where they are. members.py, reputation.py and
overview.py are pure functions over a `LedgerRecords`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

from google.protobuf.message import DecodeError, Message

from smartblocks.ledger.settings import (
    PROPOSALS,
    SETTINGS_NAMESPACE,
    decode_setting,
    setting_address,
)
from smartblocks.processors.blockmeter.addressing import RecordType as MeterType
from smartblocks.processors.blockpredict.addressing import RecordType as PredictType
from smartblocks.processors.energycontract.addressing import RecordType as ContractType
from smartblocks.processors.energycontract.markets.aggregation.addressing import (
    RecordType as AggregationType,
)
from smartblocks.processors.energycontract.markets.auction.addressing import (
    RecordType as AuctionType,
)
from smartblocks.processors.energycontract.markets.p2p.addressing import RecordType as P2pType
from smartblocks.processors.energycontract.markets.supplier.addressing import (
    RecordType as SupplierType,
)
from smartblocks.protos import blockmeter_pb2 as bm
from smartblocks.protos import blockpredict_pb2 as bp
from smartblocks.protos import energycontract_pb2 as ec
from smartblocks.protos import market_aggregation_pb2 as agg
from smartblocks.protos import market_auction_pb2 as auc
from smartblocks.protos import market_p2p_pb2 as p2p
from smartblocks.protos import market_supplier_pb2 as sup
from smartblocks.protos.sawtooth_settings_pb2 import SettingCandidates

from .index import ChainIndex

M = TypeVar("M", bound=Message)
MAX_RECORDS = 1_000_000  # per record type; far above what a portal page can show anyway


@dataclass(frozen=True)
class Record(Generic[M]):
    address: str
    record: M


class DecodedCache:
    """Decoded records by (address, stored bytes), kept between requests: most records do not
    change from one block to the next, and decoding (protobuf, and building the dicts the pages
    show) is most of a page's cost. Keyed by the bytes themselves, so a changed or rewound
    record is decoded anew."""

    def __init__(self, max_entries: int = 200_000) -> None:
        self.max_entries = max_entries
        self._entries: dict[tuple[str, bytes], Message] = {}

    def decode(self, address: str, value: bytes, message_class: type[M]) -> M:
        key = (address, value)
        found = self._entries.get(key)
        if not isinstance(found, message_class):
            found = message_class.FromString(value)
            if len(self._entries) >= self.max_entries:
                self._entries.clear()  # simplest bound; the next pages refill what they read
            self._entries[key] = found
        return found


class LedgerRecords:
    """The current records of each type these pages read, decoded on first use: a page pays
    only for the record types it looks at."""

    def __init__(self, index: ChainIndex, cache: DecodedCache | None = None) -> None:
        self.index = index
        self.cache = cache or DecodedCache()

    def _decoded(self, prefix: str, message_class: type[M]) -> list[Record[M]]:
        found = []
        for row in self.index.current_records(prefix, MAX_RECORDS):
            try:
                record = self.cache.decode(row["address"], bytes(row["value"]), message_class)
            except DecodeError:
                continue  # a record that does not decode is the explorer's to show, not ours
            found.append(Record(row["address"], record))
        return found

    @cached_property
    def sites(self) -> list[Record[bm.Site]]:
        return self._decoded(MeterType.SITE.prefix, bm.Site)

    @cached_property
    def meters(self) -> list[Record[bm.Meter]]:
        return self._decoded(MeterType.METER.prefix, bm.Meter)

    @cached_property
    def heads(self) -> list[Record[bm.MeterHead]]:
        return self._decoded(MeterType.METER_HEAD.prefix, bm.MeterHead)

    @cached_property
    def forecasters(self) -> list[Record[bp.Forecasters]]:
        return self._decoded(PredictType.FORECASTERS.prefix, bp.Forecasters)

    @cached_property
    def scores(self) -> list[Record[bp.Score]]:
        return self._decoded(PredictType.SCORE.prefix, bp.Score)

    @cached_property
    def month_accuracy(self) -> list[Record[bp.MonthAccuracy]]:
        return self._decoded(PredictType.MONTH_ACCURACY.prefix, bp.MonthAccuracy)

    @cached_property
    def accounts(self) -> list[Record[ec.Account]]:
        return self._decoded(ContractType.ACCOUNT.prefix, ec.Account)

    @cached_property
    def currencies(self) -> list[Record[ec.Currency]]:
        return self._decoded(ContractType.CURRENCY.prefix, ec.Currency)

    @cached_property
    def contracts(self) -> list[Record[ec.Contract]]:
        return self._decoded(ContractType.CONTRACT.prefix, ec.Contract)

    @cached_property
    def escrows(self) -> list[Record[ec.Escrow]]:
        return self._decoded(ContractType.ESCROW.prefix, ec.Escrow)

    @cached_property
    def settlements(self) -> list[Record[ec.Settlement]]:
        return self._decoded(ContractType.SETTLEMENT.prefix, ec.Settlement)

    @cached_property
    def aggregators(self) -> list[Record[p2p.Aggregator]]:
        """The P2P market's aggregators (docs/markets.md)."""
        return self._decoded(P2pType.AGGREGATOR.prefix, p2p.Aggregator)

    @cached_property
    def offers(self) -> list[Record[p2p.Offer]]:
        """The P2P market's offers: sellers, buyers and, once settled, the energy delivered."""
        return self._decoded(P2pType.OFFER.prefix, p2p.Offer)

    @cached_property
    def communities(self) -> list[Record[agg.Community]]:
        """The aggregator agreements' communities (docs/market-aggregation.md)."""
        return self._decoded(AggregationType.COMMUNITY.prefix, agg.Community)

    @cached_property
    def community_members(self) -> list[Record[agg.Member]]:
        """The DERs of those communities, pending, active, leaving or gone."""
        return self._decoded(AggregationType.MEMBER.prefix, agg.Member)

    @cached_property
    def epochs(self) -> list[Record[agg.Epoch]]:
        """Swept epochs: per DER, the energy required and delivered, met or not."""
        return self._decoded(AggregationType.EPOCH.prefix, agg.Epoch)

    @cached_property
    def epoch_disputes(self) -> list[Record[agg.Dispute]]:
        return self._decoded(AggregationType.DISPUTE.prefix, agg.Dispute)

    @cached_property
    def suppliers(self) -> list[Record[sup.Supplier]]:
        """The automated suppliers (docs/market-supplier.md)."""
        return self._decoded(SupplierType.SUPPLIER.prefix, sup.Supplier)

    @cached_property
    def supplier_members(self) -> list[Record[sup.SupplierMember]]:
        """Their members, each with the H factor its supplier keeps for it."""
        return self._decoded(SupplierType.MEMBER.prefix, sup.SupplierMember)

    @cached_property
    def auctions(self) -> list[Record[auc.Auction]]:
        """The local double auctions and their subscribers (docs/market-auction.md)."""
        return self._decoded(AuctionType.AUCTION.prefix, auc.Auction)

    @cached_property
    def auction_steps(self) -> list[Record[auc.StepBook]]:
        """Each step's book, clearing and, once settled, what each participant metered."""
        return self._decoded(AuctionType.STEP.prefix, auc.StepBook)

    @cached_property
    def _settings_and_proposals(self) -> tuple[dict[str, tuple[str, str]], SettingCandidates]:
        rows = self.index.current_records(SETTINGS_NAMESPACE, MAX_RECORDS)
        return _settings((row["address"], bytes(row["value"])) for row in rows)

    @property
    def settings(self) -> dict[str, tuple[str, str]]:
        """Every on-chain setting but the pending proposals: key -> (address, value)."""
        return self._settings_and_proposals[0]

    @property
    def proposals(self) -> SettingCandidates:
        return self._settings_and_proposals[1]

    @cached_property
    def forecasts_posted(self) -> int:
        return self.index.count_records(PredictType.FORECAST.prefix)

    @cached_property
    def scores_written(self) -> int:
        return self.index.count_records(PredictType.SCORE.prefix)


def read_records(index: ChainIndex, cache: DecodedCache | None = None) -> LedgerRecords:
    return LedgerRecords(index, cache)


def _settings(
    rows: Iterable[tuple[str, bytes]],
) -> tuple[dict[str, tuple[str, str]], SettingCandidates]:
    """Every setting by key (a record may hold several keys whose addresses collide: each key
    counts only at its own address), and the pending proposals apart."""
    found: dict[str, tuple[str, str]] = {}
    for address, value in rows:
        try:
            setting = decode_setting(value)
        except ValueError:
            continue
        for entry in setting.entries:
            if setting_address(entry.key) == address:
                found[entry.key] = (address, entry.value)
    pending = found.pop(PROPOSALS, None)
    return dict(sorted(found.items())), candidates_of(pending[1] if pending else None)


def candidates_of(value: str | None) -> SettingCandidates:
    """The pending proposals: the setting holds base64 of SettingCandidates (none if garbled)."""
    if not value:
        return SettingCandidates()
    try:
        return SettingCandidates.FromString(base64.b64decode(value, validate=True))
    except (binascii.Error, DecodeError, ValueError):
        return SettingCandidates()
