"""What every template is: a pure function from the terms' parameters, the period and what
its meters measured to the money due and the figures worth recording.

A template never touches state or accounts: the settle action (and every off-chain preview)
calls it, then pays its dues through the account rules (payments.py). Roles, not keys: a due
names "owner" or "esco"; the terms say which key plays each.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from smartblocks.protos.energycontract_pb2 import TemplateState

from ..measure import Measured
from ..schedule import PeriodInfo

OWNER = "owner"
ESCO = "esco"


@dataclass(frozen=True)
class State:
    """What a template carries from period to period (TemplateState as plain data)."""

    cumulative_avoided: int = 0
    recovered: int = 0
    year_avoided: int = 0
    year_guarantee: int = 0
    owed_by_owner: int = 0
    owed_by_esco: int = 0

    @classmethod
    def of(cls, record: TemplateState) -> State:
        return cls(
            record.cumulative_avoided,
            record.recovered,
            record.year_avoided,
            record.year_guarantee,
            record.owed_by_owner,
            record.owed_by_esco,
        )

    def record(self) -> TemplateState:
        return TemplateState(
            cumulative_avoided=self.cumulative_avoided,
            recovered=self.recovered,
            year_avoided=self.year_avoided,
            year_guarantee=self.year_guarantee,
            owed_by_owner=self.owed_by_owner,
            owed_by_esco=self.owed_by_esco,
        )

    def with_(self, **changes: int) -> State:
        return replace(self, **changes)


@dataclass(frozen=True)
class Due:
    reason: str  # "<template>.<what>", e.g. "shared_savings.esco_share"
    payer: str  # OWNER or ESCO
    payee: str
    amount: int  # micro-units, >= 0


@dataclass(frozen=True)
class Outcome:
    dues: tuple[Due, ...] = ()
    figures: tuple[tuple[str, int], ...] = ()  # (name, value), in the order worth reading
    state: State = field(default_factory=State)
    ends: bool = False  # the contract ends after this period (first-out recovered)
    end_reason: str = ""


__all__ = ["ESCO", "OWNER", "Due", "Measured", "Outcome", "PeriodInfo", "State"]
