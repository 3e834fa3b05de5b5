"""`smartblocks settings list|show|propose|vote|proposals`: the ledger's on-chain settings.

Sawtooth's settings family (`sawtooth_settings`, on the devnet and on a Sawtooth network with
settings-tp), like `sawtooth settings list` and `sawset proposal create|vote|list`. Who may
propose and vote: the keys in sawtooth.settings.vote.authorized_keys; how many accepts a
proposal needs: sawtooth.settings.vote.approval_threshold (docs/settings.md).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import DecodeError

from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import (
    APPROVAL_THRESHOLD,
    AUTHORIZED_KEYS,
    PROPOSALS,
    SETTINGS_NAMESPACE,
    decode_setting,
    entry_value,
    setting_address,
    split_list,
    value_problem,
)
from smartblocks.processors.settings import txn
from smartblocks.protos.sawtooth_settings_pb2 import (
    SettingCandidate,
    SettingCandidates,
    SettingVote,
)

from . import ledger_args
from .help import add_command
from .ledger_args import add_ledger_options, signer_of

HOW = (
    "A proposal by a key in sawtooth.settings.vote.authorized_keys applies at once while "
    "sawtooth.settings.vote.approval_threshold is 1 (the default); above 1 it waits until that "
    "many of those keys accept it."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "settings",
        "on-chain settings: list, show, propose and vote on changes",
        ["smartblocks settings list", "smartblocks settings proposals"],
        description="The ledger's on-chain settings (Sawtooth's settings family). " + HOW,
    )
    commands = parser.add_subparsers(dest="settings_command", metavar="COMMAND", required=True)

    def command(name: str, help: str, example: str, **kw: Any) -> argparse.ArgumentParser:
        return add_command(commands, name, help, example, **kw)

    listing = command("list", "list every setting", "smartblocks settings list --url URL")
    listing.add_argument("--json", action="store_true", help="print a JSON object")
    add_ledger_options(listing, signing=False)
    listing.set_defaults(func=run_list)

    show = command(
        "show",
        "print one setting's value",
        "smartblocks settings show sawtooth.validator.batch_injectors",
    )
    show.add_argument("setting", metavar="KEY", help="the setting's key")
    add_ledger_options(show, signing=False)
    show.set_defaults(func=run_show)

    propose = command(
        "propose",
        "propose a new value for a setting",
        "smartblocks settings propose smartblocks.blockmeter.authorities 02ab...,03cd... "
        "--key ~/.sawtooth/keys/voter.priv",
        description="Propose KEY = VALUE, signed by --key. " + HOW,
    )
    propose.add_argument("setting", metavar="KEY", help="the setting's key")
    propose.add_argument("value", metavar="VALUE", help="the new value (lists: comma-separated)")
    add_ledger_options(propose)
    propose.set_defaults(func=run_propose)

    vote = command(
        "vote",
        "accept or reject a pending proposal",
        "smartblocks settings vote 5f1c0a9e accept --key ~/.sawtooth/keys/voter.priv",
        description="Vote on a pending proposal (its id, or a unique start of it, from "
        "`smartblocks settings proposals`), signed by --key. " + HOW,
    )
    vote.add_argument("proposal", metavar="PROPOSAL_ID", help="the id, or its first 8+ chars")
    vote.add_argument(
        "choice", choices=("accept", "reject"), metavar="accept|reject", help="your vote"
    )
    add_ledger_options(vote)
    vote.set_defaults(func=run_vote)

    proposals = command(
        "proposals", "list the pending proposals and their votes", "smartblocks settings proposals"
    )
    proposals.add_argument("--json", action="store_true", help="print JSON")
    add_ledger_options(proposals, signing=False)
    proposals.set_defaults(func=run_proposals)


# -- reading ------------------------------------------------------------------------------------


@dataclass
class VoteRules:
    authorized_keys: list[str]
    threshold: int


def read_values(args: argparse.Namespace, keys: list[str]) -> dict[str, str | None]:
    data = ledger_args.read(args, [setting_address(k) for k in keys])
    return {k: _value(d, k) for k, d in zip(keys, data, strict=True)}


def _value(data: bytes | None, key: str) -> str | None:
    if data is None:
        return None
    try:
        return entry_value(decode_setting(data), key)
    except ValueError as exc:
        raise UserError(f"the record of setting {key} does not decode: {exc}") from None


def read_state(args: argparse.Namespace) -> tuple[VoteRules, SettingCandidates]:
    """The vote settings and the pending proposals, read together."""
    values = read_values(args, [AUTHORIZED_KEYS, APPROVAL_THRESHOLD, PROPOSALS])
    try:
        threshold = int(values[APPROVAL_THRESHOLD] or 1)
    except ValueError:
        threshold = 1
    rules = VoteRules(split_list(values[AUTHORIZED_KEYS]), threshold)
    return rules, candidates_of(values[PROPOSALS])


def candidates_of(value: str | None) -> SettingCandidates:
    if not value:
        return SettingCandidates()
    try:
        return SettingCandidates.FromString(base64.b64decode(value, validate=True))
    except (binascii.Error, DecodeError, ValueError):
        raise UserError(
            f"the setting {PROPOSALS} does not hold base64 of SettingCandidates"
        ) from None


def all_settings(args: argparse.Namespace) -> dict[str, str]:
    """Every setting on the ledger, by key."""
    found: dict[str, str] = {}
    for address, data in ledger_args.read_prefix(args, SETTINGS_NAMESPACE):
        try:
            setting = decode_setting(data)
        except ValueError:
            continue  # not a Setting: nothing a settings list can show
        for entry in setting.entries:
            if setting_address(entry.key) == address:
                found[entry.key] = entry.value
    return dict(sorted(found.items()))


# -- list, show ---------------------------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    settings = all_settings(args)
    pending = candidates_of(settings.pop(PROPOSALS, None))
    if args.json:
        print(json.dumps(settings, indent=2))
        return 0
    if not settings:
        print("no settings on this ledger (a new devnet takes them: smartblocks devnet --setting)")
    for key, value in settings.items():
        print(f"{key}: {value}")
    if pending.candidates:
        print(f"({len(pending.candidates)} pending proposal(s): smartblocks settings proposals)")
    return 0


def run_show(args: argparse.Namespace) -> int:
    value = read_values(args, [args.setting])[args.setting]
    if value is None:
        raise UserError(
            f"setting {args.setting} is not set on this ledger (`smartblocks settings list` "
            "shows the ones that are)"
        )
    print(value)
    return 0


# -- propose, vote ------------------------------------------------------------------------------


def check_voter(signer: Signer, rules: VoteRules, doing: str) -> None:
    if rules.authorized_keys and signer.public_key not in rules.authorized_keys:
        raise UserError(
            f"cannot {doing}: your key {signer.public_key[:16]}.. is not in {AUTHORIZED_KEYS} "
            f"({len(rules.authorized_keys)} key(s)); sign with one of those keys (--key), or "
            "have them propose adding yours"
        )


def run_propose(args: argparse.Namespace) -> int:
    key, value = args.setting, args.value
    problem = value_problem(key, value)
    if problem is not None:
        raise UserError(f"{key}: {problem}")
    signer = signer_of(args)
    rules, _ = read_state(args)
    check_voter(signer, rules, f"propose {key}")
    transaction = txn.propose(signer, key, value)
    proposal_id = txn.proposal_id_of(transaction)
    ledger_args.submit(args, signer, [transaction])
    _, pending = read_state(args)
    candidate = _find(pending, proposal_id)
    if candidate is None:
        print(f"setting {key} is now {value}")
        return 0
    print(
        f"proposal {proposal_id} ({key} = {value}) is pending: {_tally(candidate, rules)}; "
        f"the other voters: smartblocks settings vote {proposal_id[:16]} accept --key K"
    )
    return 0


def _find(pending: SettingCandidates, proposal_id: str) -> SettingCandidate | None:
    return next((c for c in pending.candidates if c.proposal_id == proposal_id), None)


def _tally(candidate: SettingCandidate, rules: VoteRules) -> str:
    accepts = sum(1 for v in candidate.votes if v.vote == SettingVote.ACCEPT)
    rejects = sum(1 for v in candidate.votes if v.vote == SettingVote.REJECT)
    return (
        f"{accepts} accept, {rejects} reject of the {rules.threshold} accepts it needs "
        f"({len(rules.authorized_keys)} voters)"
    )


def _match(pending: SettingCandidates, text: str) -> SettingCandidate:
    matches = [c for c in pending.candidates if c.proposal_id.startswith(text.lower())]
    if len(matches) == 1 and (len(text) >= 8 or matches[0].proposal_id == text):
        return matches[0]
    if not matches:
        raise UserError(
            f"no pending proposal {text} (it may have passed or been dropped); "
            "`smartblocks settings proposals` lists the pending ones"
        )
    if len(matches) > 1:
        raise UserError(f"{len(matches)} pending proposals start with {text}: give more of the id")
    raise UserError(f"give at least 8 characters of the proposal id, not {text!r}")


def run_vote(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    rules, pending = read_state(args)
    candidate = _match(pending, args.proposal)
    proposal_id, key = candidate.proposal_id, candidate.proposal.setting
    check_voter(signer, rules, f"vote on proposal {proposal_id[:16]}")
    if any(v.public_key == signer.public_key for v in candidate.votes):
        raise UserError(f"your key has already voted on proposal {proposal_id[:16]} ({key})")
    ledger_args.submit(args, signer, [txn.vote(signer, proposal_id, key, args.choice)])
    _, pending = read_state(args)
    after = _find(pending, proposal_id)
    if after is not None:
        print(f"vote recorded on proposal {proposal_id[:16]} ({key}): {_tally(after, rules)}")
        return 0
    accepts = sum(1 for v in candidate.votes if v.vote == SettingVote.ACCEPT)
    if args.choice == "accept" and accepts + 1 >= rules.threshold:
        print(
            f"proposal {proposal_id[:16]} passed: setting {key} is now {candidate.proposal.value}"
        )
    else:
        print(f"proposal {proposal_id[:16]} ({key} = {candidate.proposal.value}) was rejected")
    return 0


# -- proposals ----------------------------------------------------------------------------------


def run_proposals(args: argparse.Namespace) -> int:
    rules, pending = read_state(args)
    if args.json:
        rows = [
            {
                "proposal_id": c.proposal_id,
                "setting": c.proposal.setting,
                "value": c.proposal.value,
                "votes": [
                    {"public_key": v.public_key, "vote": SettingVote.Vote.Name(v.vote)}
                    for v in c.votes
                ],
            }
            for c in pending.candidates
        ]
        print(json.dumps({"approval_threshold": rules.threshold, "proposals": rows}, indent=2))
        return 0
    if not pending.candidates:
        print("no pending proposals")
        return 0
    for c in pending.candidates:
        print(f"{c.proposal_id}: {c.proposal.setting} = {c.proposal.value}")
        print(f"  {_tally(c, rules)}")
        for v in c.votes:
            print(f"  {SettingVote.Vote.Name(v.vote).lower():6} {v.public_key}")
    return 0
