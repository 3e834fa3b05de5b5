"""SettingsHandler: the kit's handler skeleton with the settings family's payload and actions,
in Sawtooth's fixed namespace "000000"."""

from __future__ import annotations

from typing import Any

from smartblocks.processors.kit.handler import FamilyHandler

from . import addressing, payload
from .actions import ACTIONS


class SettingsHandler(FamilyHandler):
    family = addressing.FAMILY_NAME
    versions = (addressing.FAMILY_VERSION,)
    actions = ACTIONS
    fixed_namespace = addressing.NAMESPACE

    def decode(self, data: bytes) -> tuple[int, Any]:
        return payload.decode(data)
