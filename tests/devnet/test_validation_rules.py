"""On-chain block validation rules, with the semantics of Sawtooth 1.2's
validation_rule_enforcer.rs: NofX, XatY (negative positions from the end), local, malformed
rules ignored, whitespace ignored."""

from __future__ import annotations

import pytest

from smartblocks.devnet.validation_rules import Txn, check, parse

VALIDATOR = "02" + "a" * 64
CLIENT = "03" + "b" * 64
BLOCK_INFO_RULES = "NofX:1,block_info;XatY:block_info,0;local:0"


def block(*families: str, signer: str = VALIDATOR) -> list[Txn]:
    return [Txn(f, signer) for f in families]


def test_no_rules_allow_anything() -> None:
    assert check(parse(None), block("intkey"), VALIDATOR) is None
    assert check(parse(""), block("intkey"), VALIDATOR) is None


def test_n_of_x() -> None:
    assert check(parse("NofX:1,intkey"), block("intkey"), VALIDATOR) is None
    assert check(parse("NofX:0,intkey"), block("intkey"), VALIDATOR) == (
        "NofX:0,intkey: a block holds at most 0 intkey transaction(s)"
    )
    assert check(parse("NofX:0"), block("intkey"), VALIDATOR) is None  # malformed: ignored
    assert check(parse("NofX:x,intkey"), block("intkey"), VALIDATOR) is None


def test_x_at_y() -> None:
    assert check(parse("XatY:intkey,0"), block("intkey"), VALIDATOR) is None
    assert check(parse("XatY:block_info,0"), block("intkey"), VALIDATOR) == (
        "XatY:block_info,0: the transaction at position 0 of a block must be a block_info one"
    )
    assert check(parse("XatY:0"), block("intkey"), VALIDATOR) is None
    # Negative positions count from the end; a block too short for the position breaks it.
    assert check(parse("XatY:b,-1"), block("a", "b"), VALIDATOR) is None
    assert check(parse("XatY:a,-2"), block("a", "b"), VALIDATOR) is None
    assert check(parse("XatY:a,-3"), block("a", "b"), VALIDATOR) is not None
    assert check(parse("XatY:a,2"), block("a", "b"), VALIDATOR) is not None


def test_local() -> None:
    assert check(parse("local:0"), block("intkey"), VALIDATOR) is None
    assert check(parse("local:0"), block("intkey", signer=CLIENT), VALIDATOR) == (
        "local:0: the transaction at position 0 of a block must be signed by the validator's key"
    )
    assert check(parse("local"), block("intkey", signer=CLIENT), VALIDATOR) is None
    assert check(parse("local:x"), block("intkey", signer=CLIENT), VALIDATOR) is None
    # Positions the block does not have are skipped.
    assert check(parse("local:0,5,-7"), block("intkey"), VALIDATOR) is None
    mixed = [Txn("a", VALIDATOR), Txn("b", CLIENT)]
    assert check(parse("local:0,-1"), mixed, VALIDATOR) is not None


def test_all_at_once_with_whitespace_and_newlines() -> None:
    rules = parse(
        """NofX:1,block_info;
        XatY:block_info,0;
        NofX:4,random_injector;
        XatY:random_injector,5;
        XatY:random_injector, 2;
        local:0,-1
        """
    )
    txns = block("block_info", "intkey", *["random_injector"] * 4)
    assert check(rules, txns, VALIDATOR) is None


@pytest.mark.parametrize(
    ("families", "signer", "broken"),
    [
        (["block_info", "intkey"], VALIDATOR, None),
        (["block_info", "block_info"], VALIDATOR, "NofX:1,block_info"),
        (["intkey", "block_info"], VALIDATOR, "XatY:block_info,0"),
        (["block_info"], CLIENT, "local:0"),
    ],
)
def test_the_block_info_rules(families, signer, broken) -> None:
    result = check(parse(BLOCK_INFO_RULES), block(*families, signer=signer), VALIDATOR)
    assert (result or "").startswith(broken or "") and (result is None) == (broken is None)
