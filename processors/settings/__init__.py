"""The settings family `sawtooth_settings` 1.0: Sawtooth's on-chain settings, changed by
proposals and votes of the keys in `sawtooth.settings.vote.authorized_keys`.

Our own implementation of Sawtooth's wire format and rules (protos/sawtooth_settings.proto,
actions.py), so the devnet has on-chain settings as a Sawtooth network has with settings-tp, and
`sawset` and `smartblocks settings` work against either.
"""

from __future__ import annotations

import base64
from typing import Any

from sawtooth_sdk.protobuf.setting_pb2 import Setting

from smartblocks.ledger.messages import to_dict
from smartblocks.ledger.settings import PROPOSALS, entry_value, setting_address
from smartblocks.processors.kit.family import Family, RecordKind
from smartblocks.processors.kit.settings import SETTING_CODEC
from smartblocks.protos.sawtooth_settings_pb2 import (
    SettingCandidates,
    SettingProposal,
    SettingsPayload,
    SettingVote,
)

from .addressing import FAMILY_NAME, FAMILY_VERSION, NAMESPACE
from .handler import SettingsHandler
from .payload import proposal_id


class CandidatesCodec:
    """The pending proposals: the Setting at sawtooth.settings.vote.proposals, whose value is
    base64 of a SettingCandidates."""

    def decode(self, data: bytes) -> SettingCandidates:
        value = entry_value(SETTING_CODEC.decode(data), PROPOSALS) or ""
        return SettingCandidates.FromString(base64.b64decode(value, validate=True))

    def encode(self, value: SettingCandidates) -> bytes:
        encoded = base64.b64encode(value.SerializeToString()).decode()
        return bytes(
            Setting(entries=[Setting.Entry(key=PROPOSALS, value=encoded)]).SerializeToString()
        )


def _describe_setting(setting: Any) -> str:
    return ", ".join(f"{e.key} = {e.value}" for e in setting.entries)


SETTING_KIND = RecordKind("", "setting", SETTING_CODEC, _describe_setting)
PROPOSALS_KIND = RecordKind(
    "", "proposals", CandidatesCodec(), lambda c: f"{len(c.candidates)} pending proposal(s)"
)


def kind_of(address: str) -> RecordKind:
    return PROPOSALS_KIND if address == setting_address(PROPOSALS) else SETTING_KIND


def show_payload(data: bytes) -> dict[str, Any]:
    """A payload for people: the action and the decoded proposal (with its id) or vote."""
    payload = SettingsPayload.FromString(data)
    action = SettingsPayload.Action.Name(payload.action)
    if payload.action == SettingsPayload.PROPOSE:
        proposal = to_dict(SettingProposal.FromString(payload.data))
        return {"action": action, "proposal_id": proposal_id(payload.data), "proposal": proposal}
    if payload.action == SettingsPayload.VOTE:
        return {"action": action, "vote": to_dict(SettingVote.FromString(payload.data))}
    return {"action": action, "data": payload.data.hex()}


FAMILY = Family(
    name=FAMILY_NAME,
    versions=(FAMILY_VERSION,),
    handler=SettingsHandler,
    decode_payload=show_payload,
    records=(),  # no record-type infixes: kind_of tells the two kinds apart
    summary="Sawtooth's on-chain settings: proposals and votes of the authorized keys",
    fixed_namespace=NAMESPACE,
    kind_of=kind_of,
)
