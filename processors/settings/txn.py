"""Client-side settings transactions, byte-compatible with `sawset`: propose, vote, and the
genesis batches `sawset genesis` + `sawset proposal create` would make.

Each transaction declares what sawset declares: inputs the pending proposals, the authorized
keys, the approval threshold and the setting itself; outputs the pending proposals and the
setting.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence

from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import split_list
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.kit.builder import Builder, enum_value
from smartblocks.protos.sawtooth_settings_pb2 import SettingProposal, SettingsPayload, SettingVote

from . import addressing as addr
from .payload import proposal_id

BUILDER = Builder(addr.FAMILY_NAME, addr.FAMILY_VERSION)
VOTES = {"accept": SettingVote.ACCEPT, "reject": SettingVote.REJECT}


def inputs(key: str) -> list[str]:
    return [*addr.vote_addresses(), addr.setting_address(key)]


def outputs(key: str) -> list[str]:
    return [addr.setting_address(addr.PROPOSALS), addr.setting_address(key)]


def propose(signer: Signer, key: str, value: str, *, nonce: str | None = None) -> Transaction:
    """Propose `key` = `value`. The nonce (random unless given, like sawset's) makes the
    proposal, and so its id, distinct from an equal earlier one."""
    proposal = SettingProposal(
        setting=key, value=value, nonce=nonce if nonce is not None else secrets.token_hex(8)
    )
    payload = SettingsPayload(action=SettingsPayload.PROPOSE, data=proposal.SerializeToString())
    return BUILDER.transaction(signer, payload, inputs(key), outputs(key))


def vote(signer: Signer, proposal: str, key: str, choice: str | int) -> Transaction:
    """Vote "accept" or "reject" (or SettingVote.ACCEPT/REJECT) on the proposal with id
    `proposal`, which would set `key`."""
    value = VOTES[choice] if isinstance(choice, str) else enum_value(SettingVote.Vote, choice)
    ballot = SettingVote(proposal_id=proposal, vote=value)
    payload = SettingsPayload(action=SettingsPayload.VOTE, data=ballot.SerializeToString())
    return BUILDER.transaction(signer, payload, inputs(key), outputs(key))


def proposal_id_of(transaction: Transaction) -> str:
    """The id a proposal transaction's candidate gets: SHA-256 of the proposal's bytes."""
    return proposal_id(SettingsPayload.FromString(transaction.payload).data)


def genesis_batches(
    signer: Signer,
    settings: Iterable[tuple[str, str]] = (),
    authorized_keys: Sequence[str] = (),
) -> list[Batch]:
    """What `sawset genesis -k validator.priv [-A KEY]...` and `sawset proposal create -k
    validator.priv KEY=VALUE...` write for `sawadm genesis`, signed by `signer`:

    1. one batch proposing sawtooth.settings.vote.authorized_keys = `authorized_keys` and the
       keys of an authorized_keys entry in `settings`, with the signer's key appended when
       missing (while no key is authorized, that is the only
       setting anyone may propose);
    2. one batch proposing each setting in order, except that the approval threshold, if
       given, comes last: above 1 it turns every later proposal into a vote.

    The first batch always comes, so every chain's settings are bootstrapped. A key given twice
    in `settings` is proposed twice, the later value winning.
    """
    settings = list(settings)
    given = [split_list(v) for k, v in settings if k == addr.AUTHORIZED_KEYS]
    keys = list(dict.fromkeys([*authorized_keys, *(k for ks in given for k in ks)]))
    if signer.public_key not in keys:
        keys.append(signer.public_key)
    batches = [make_batch(signer, [propose(signer, addr.AUTHORIZED_KEYS, ",".join(keys))])]
    rest = [(k, v) for k, v in settings if k not in (addr.AUTHORIZED_KEYS, addr.APPROVAL_THRESHOLD)]
    rest += [(k, v) for k, v in settings if k == addr.APPROVAL_THRESHOLD][-1:]
    if rest:
        batches.append(make_batch(signer, [propose(signer, k, v) for k, v in rest]))
    return batches
