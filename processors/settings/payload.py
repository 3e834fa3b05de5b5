"""Decode and check a settings payload: everything that needs no state.

The wire format is Sawtooth's: a `SettingsPayload` whose `data` holds a serialized
`SettingProposal` (PROPOSE) or `SettingVote` (VOTE). Where settings-tp answers an unparsable
payload with an internal error (the validator would retry it forever), this is an
InvalidTransaction naming what is wrong.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from google.protobuf.message import Message
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.protos.sawtooth_settings_pb2 import SettingProposal, SettingsPayload, SettingVote

from .limits import MAX_KEY_LENGTH, MAX_PAYLOAD_BYTES

Action = SettingsPayload.Action
M = TypeVar("M", bound=Message)

# A setting key: printable, no spaces (Sawtooth's keys are dotted names such as
# sawtooth.settings.vote.authorized_keys).
_KEY = re.compile(r"[!-~]+")
_PROPOSAL_ID = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Proposal:
    """A checked proposal and its id: the hex SHA-256 of its bytes as carried in the payload."""

    proposal_id: str
    message: SettingProposal

    @property
    def setting(self) -> str:
        return str(self.message.setting)

    @property
    def value(self) -> str:
        return str(self.message.value)


def proposal_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _parse(message_class: type[M], data: bytes, what: str) -> M:
    message = message_class()
    try:
        message.ParseFromString(data)
    # DecodeError, or whatever else a protobuf backend raises on some malformed input.
    except Exception as exc:
        raise InvalidTransaction(f"{what} is not a {message_class.__name__}: {exc}") from None
    return message


def check_key(key: str) -> None:
    if not key:
        raise InvalidTransaction("proposal: the setting key is empty")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidTransaction(
            f"proposal: setting key {key[:40]!r}... is {len(key)} characters; "
            f"the limit is {MAX_KEY_LENGTH}"
        )
    if not _KEY.fullmatch(key):
        raise InvalidTransaction(
            f"proposal: setting key {key[:80]!r} has spaces or characters that are not "
            "printable ASCII"
        )


def decode(data: bytes) -> tuple[int, Any]:
    """(PROPOSE, Proposal) or (VOTE, SettingVote); InvalidTransaction when anything is wrong."""
    if len(data) > MAX_PAYLOAD_BYTES:
        raise InvalidTransaction(f"payload is {len(data)} bytes; the limit is {MAX_PAYLOAD_BYTES}")
    payload = _parse(SettingsPayload, data, "payload")
    if payload.action == Action.PROPOSE:
        message = _parse(SettingProposal, payload.data, "the proposal in the payload")
        check_key(message.setting)
        return Action.PROPOSE, Proposal(proposal_id(payload.data), message)
    if payload.action == Action.VOTE:
        vote = _parse(SettingVote, payload.data, "the vote in the payload")
        if not _PROPOSAL_ID.fullmatch(vote.proposal_id):
            raise InvalidTransaction(
                f"vote: proposal id {vote.proposal_id[:80]!r} is not 64 lowercase hex "
                "(the SHA-256 of a proposal)"
            )
        if vote.vote not in (SettingVote.ACCEPT, SettingVote.REJECT):
            raise InvalidTransaction(f"vote: the vote is {vote.vote}, not ACCEPT (1) or REJECT (2)")
        return Action.VOTE, vote
    raise InvalidTransaction(
        f"payload action is {payload.action}; it must be PROPOSE (1) or VOTE (2)"
    )
