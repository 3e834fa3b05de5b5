"""On-chain block validation rules (setting `sawtooth.validator.block_validation_rules`), as
Sawtooth 1.2's publisher and block validator enforce them (validation_rule_enforcer.rs).

The value is rules separated by ";", each `name:arg,arg,...`; whitespace around names and
arguments is ignored:

- `NofX:N,FAMILY`: at most N transactions of FAMILY in a block;
- `XatY:FAMILY,Y`: the transaction at position Y (0 first, -1 last) is of FAMILY; a block with
  no transaction at Y breaks it;
- `local:Y1,Y2,...`: the transactions at these positions (where the block has them) are signed
  by the validator's key.

A rule that does not parse is ignored (Sawtooth logs it and ignores it too). With
`NofX:1,block_info;XatY:block_info,0;local:0` only the validator's BlockInfo injector can put a
block_info transaction into a block.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import NamedTuple

LOGGER = logging.getLogger(__name__)

SETTING = "sawtooth.validator.block_validation_rules"

_UNSIGNED = re.compile(r"\+?[0-9]+")  # what Rust's usize parse accepts
_SIGNED = re.compile(r"[+-]?[0-9]+")  # isize


class Txn(NamedTuple):
    """What the rules look at: a transaction's family and signer, in block order."""

    family: str
    signer: str


class Rule(NamedTuple):
    name: str
    args: tuple[str, ...]

    @property
    def text(self) -> str:
        return f"{self.name}:{','.join(self.args)}"


def parse(value: str | None) -> list[Rule]:
    """The rules of a setting value; malformed ones are left out, with a debug log line."""
    rules = []
    for text in (value or "").split(";"):
        parts = text.split(":")
        if len(parts) != 2:
            if text.strip():
                LOGGER.debug("validation rule ignored, not name:args: %r", text)
            continue
        rules.append(Rule(parts[0].strip(), tuple(a.strip() for a in parts[1].split(","))))
    return rules


def _at(txns: Sequence[Txn], position: int) -> Txn | None:
    if -len(txns) <= position < len(txns):
        return txns[position]
    return None


def broken(rule: Rule, txns: Sequence[Txn], validator_key: str) -> str | None:
    """Why `txns` (a whole block, in order) break `rule`; None when they keep it or the rule is
    malformed (ignored)."""
    args = rule.args
    if rule.name == "NofX":
        if len(args) != 2 or not _UNSIGNED.fullmatch(args[0]):
            return None
        limit, family = int(args[0]), args[1]
        if sum(t.family == family for t in txns) > limit:
            return f"a block holds at most {limit} {family} transaction(s)"
    elif rule.name == "XatY":
        if len(args) != 2 or not _SIGNED.fullmatch(args[1]):
            return None
        family, position = args[0], int(args[1])
        txn = _at(txns, position)
        if txn is None or txn.family != family:
            return f"the transaction at position {position} of a block must be a {family} one"
    elif rule.name == "local":
        if not args or not all(_SIGNED.fullmatch(a) for a in args):
            return None
        for position in map(int, args):
            txn = _at(txns, position)
            if txn is not None and txn.signer != validator_key:
                return (
                    f"the transaction at position {position} of a block must be signed by the "
                    "validator's key"
                )
    return None


def check(rules: Sequence[Rule], txns: Sequence[Txn], validator_key: str) -> str | None:
    """The first rule `txns` break, as "RULE: why"; None when they keep every rule."""
    for rule in rules:
        why = broken(rule, txns, validator_key)
        if why is not None:
            return f"{rule.text}: {why}"
    return None
