"""Propose and vote: Sawtooth 1.2 settings-tp's rules, with messages that say what to fix.

- Only keys in `sawtooth.settings.vote.authorized_keys` may propose or vote; while that setting
  is empty anyone may, but the only setting that can then be set is the authorized keys
  themselves (this is how a genesis batch bootstraps the settings).
- With `sawtooth.settings.vote.approval_threshold` (default 1) at 1, a proposal is applied at
  once. Above 1 it becomes a candidate in `sawtooth.settings.vote.proposals`, with its
  proposer's ACCEPT; each authorized key votes once; at `threshold` ACCEPTs the setting is
  applied, at `threshold` REJECTs (or once every authorized key has voted) it is dropped.
- `sawtooth.settings.vote.proposals` cannot be proposed.

Stricter than settings-tp, so that no proposal can lock the settings or mean nothing (the
devnet runs this processor; a Sawtooth network runs settings-tp itself): the authorized keys
must be distinct public keys and at least as many as the approval threshold, and the threshold
a positive decimal integer no larger than the number of authorized keys.
"""

from __future__ import annotations

import base64
import re

from sawtooth_sdk.processor.exceptions import InvalidTransaction
from sawtooth_sdk.protobuf.setting_pb2 import Setting

from smartblocks.ledger.keys import is_public_key
from smartblocks.ledger.settings import split_list
from smartblocks.processors.kit.handler import Action as ActionFn
from smartblocks.processors.kit.payload import short_key
from smartblocks.processors.kit.settings import read_setting, setting_ref
from smartblocks.processors.kit.store import RecordStore
from smartblocks.protos.sawtooth_settings_pb2 import (
    SettingCandidate,
    SettingCandidates,
    SettingsPayload,
    SettingVote,
)

from .addressing import APPROVAL_THRESHOLD, AUTHORIZED_KEYS, PROPOSALS
from .events import SETTINGS_UPDATE, UPDATED
from .payload import Proposal

Action = SettingsPayload.Action
_POSITIVE = re.compile(r"[1-9][0-9]{0,8}")


# -- reading the vote settings ------------------------------------------------------------


def authorized_keys(store: RecordStore) -> list[str]:
    return split_list(read_setting(store, AUTHORIZED_KEYS))


def approval_threshold(store: RecordStore) -> int:
    value = read_setting(store, APPROVAL_THRESHOLD)
    if value is None:
        return 1
    try:
        return int(value)
    except ValueError:
        raise InvalidTransaction(
            f"setting {APPROVAL_THRESHOLD} holds {value[:40]!r}, which is not an integer"
        ) from None


def candidates(store: RecordStore) -> SettingCandidates:
    value = read_setting(store, PROPOSALS)
    if not value:
        return SettingCandidates()
    try:
        return SettingCandidates.FromString(base64.b64decode(value, validate=True))
    # binascii.Error, DecodeError, and whatever else a protobuf backend raises.
    except Exception:
        raise InvalidTransaction(
            f"setting {PROPOSALS} does not hold base64 of a SettingCandidates"
        ) from None


def check_authorized(store: RecordStore, signer: str, doing: str) -> list[str]:
    """The authorized keys, if the signer is one of them (or none are set yet)."""
    store.load([setting_ref(AUTHORIZED_KEYS), setting_ref(APPROVAL_THRESHOLD)])
    keys = authorized_keys(store)
    if keys and signer not in keys:
        raise InvalidTransaction(
            f"{doing}: signer {short_key(signer)} is not authorized to change settings: it is "
            f"not one of the {len(keys)} key(s) in {AUTHORIZED_KEYS}"
        )
    return keys


# -- writing ------------------------------------------------------------------------------


def set_value(store: RecordStore, key: str, value: str) -> None:
    """Write `key` = `value` into its Setting record (other keys at the same address are kept,
    a new key is appended, as settings-tp does) and emit settings/update."""
    ref = setting_ref(key)
    setting = store.get(ref) or Setting()
    for entry in setting.entries:
        if entry.key == key:
            entry.value = value
            break
    else:
        setting.entries.add(key=key, value=value)
    store.put(ref, setting)
    store.emit(SETTINGS_UPDATE, [(UPDATED, key)])


def save_candidates(store: RecordStore, pending: SettingCandidates) -> None:
    set_value(store, PROPOSALS, base64.b64encode(pending.SerializeToString()).decode())


# -- checks on a proposed value -----------------------------------------------------------


def check_setting(key: str, value: str, keys: list[str], threshold: int) -> None:
    """What may be proposed, given the authorized keys and the approval threshold now."""
    if key == PROPOSALS:
        raise InvalidTransaction(
            f"{PROPOSALS} is read-only: it holds the pending proposals, which change only by "
            "proposals and votes"
        )
    if not keys and key != AUTHORIZED_KEYS:
        raise InvalidTransaction(
            f"cannot set {key} until {AUTHORIZED_KEYS} is set: propose that first (a genesis "
            "batch does, with the validator's key)"
        )
    if key == AUTHORIZED_KEYS:
        check_authorized_keys(value, threshold)
    elif key == APPROVAL_THRESHOLD:
        check_threshold(value, keys)


def check_authorized_keys(value: str, threshold: int) -> None:
    proposed = split_list(value)
    if not proposed:
        raise InvalidTransaction(f"{AUTHORIZED_KEYS} must list at least one public key")
    for i, key in enumerate(proposed, 1):
        if not is_public_key(key):
            raise InvalidTransaction(
                f"{AUTHORIZED_KEYS}: item {i} ({key[:80]!r}) is not a public key (66 lowercase "
                "hex, starting 02 or 03)"
            )
    if len(set(proposed)) != len(proposed):
        twice = next(k for k in proposed if proposed.count(k) > 1)
        raise InvalidTransaction(f"{AUTHORIZED_KEYS} lists {short_key(twice)} twice")
    if len(proposed) < threshold:
        raise InvalidTransaction(
            f"{AUTHORIZED_KEYS}: {len(proposed)} key(s) are fewer than the approval threshold "
            f"{threshold}, so no proposal could pass; lower {APPROVAL_THRESHOLD} first"
        )


def check_threshold(value: str, keys: list[str]) -> None:
    if not _POSITIVE.fullmatch(value):
        raise InvalidTransaction(
            f"{APPROVAL_THRESHOLD} must be a positive whole number such as 2, not {value[:40]!r}"
        )
    if int(value) > len(keys):
        raise InvalidTransaction(
            f"{APPROVAL_THRESHOLD} {value} is more than the {len(keys)} authorized key(s) in "
            f"{AUTHORIZED_KEYS}, so no proposal could pass"
        )


# -- the actions --------------------------------------------------------------------------


def propose(body: Proposal, signer: str, store: RecordStore) -> None:
    key, value = body.setting, body.value
    keys = check_authorized(store, signer, f"propose {key}")
    threshold = approval_threshold(store)
    check_setting(key, value, keys, threshold)
    if threshold <= 1:
        set_value(store, key, value)
        return
    pending = candidates(store)
    if any(c.proposal_id == body.proposal_id for c in pending.candidates):
        raise InvalidTransaction(
            f"duplicate proposal for {key}: proposal {body.proposal_id[:16]}.. is already "
            "pending (give a new nonce to propose the same value again)"
        )
    pending.candidates.append(
        SettingCandidate(
            proposal_id=body.proposal_id,
            proposal=body.message,
            votes=[SettingCandidate.VoteRecord(public_key=signer, vote=SettingVote.ACCEPT)],
        )
    )
    save_candidates(store, pending)


def vote(body: SettingVote, signer: str, store: RecordStore) -> None:
    proposal_id = body.proposal_id
    keys = check_authorized(store, signer, f"vote on proposal {proposal_id[:16]}..")
    pending = candidates(store)
    index = next(
        (i for i, c in enumerate(pending.candidates) if c.proposal_id == proposal_id), None
    )
    if index is None:
        raise InvalidTransaction(
            f"proposal {proposal_id} does not exist (it was never made, or it has passed or "
            "been rejected); `smartblocks settings proposals` lists the pending ones"
        )
    candidate = pending.candidates[index]
    setting = candidate.proposal.setting
    if any(record.public_key == signer for record in candidate.votes):
        raise InvalidTransaction(
            f"vote on {setting}: {short_key(signer)} has already voted on proposal "
            f"{proposal_id[:16]}.."
        )
    candidate.votes.add(public_key=signer, vote=body.vote)
    accepted = sum(1 for r in candidate.votes if r.vote == SettingVote.ACCEPT)
    rejected = sum(1 for r in candidate.votes if r.vote == SettingVote.REJECT)
    threshold = approval_threshold(store)
    if accepted >= threshold:
        # The keys or the threshold may have changed since the proposal was made.
        try:
            check_setting(setting, candidate.proposal.value, keys, threshold)
        except InvalidTransaction as exc:
            raise InvalidTransaction(
                f"proposal {proposal_id[:16]}.. would pass with this vote but can no longer be "
                f"applied ({exc}); vote reject to drop it"
            ) from None
        set_value(store, setting, candidate.proposal.value)
        del pending.candidates[index]
    elif rejected >= threshold or accepted + rejected == len(keys):
        del pending.candidates[index]
    save_candidates(store, pending)


ACTIONS: dict[int, ActionFn] = {Action.PROPOSE: propose, Action.VOTE: vote}
