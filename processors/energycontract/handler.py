"""EnergyContractHandler: the kit's handler skeleton with EnergyContract's payload and actions."""

from __future__ import annotations

from typing import Any

from smartblocks.processors.kit.handler import FamilyHandler

from . import addressing, payload
from .actions import ACTIONS


class EnergyContractHandler(FamilyHandler):
    family = addressing.FAMILY_NAME
    versions = (addressing.FAMILY_VERSION,)
    actions = ACTIONS

    def decode(self, data: bytes) -> tuple[int, Any]:
        return payload.decode(data)
