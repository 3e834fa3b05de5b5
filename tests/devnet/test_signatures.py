"""The devnet's signature check agrees with smartblocks.ledger.keys.verify."""

from __future__ import annotations

import pytest

from smartblocks.devnet.signatures import verify
from smartblocks.ledger import keys

SIGNER = keys.Signer.generate()
MESSAGE = b"a transaction header"
SIGNATURE = SIGNER.sign(MESSAGE)


@pytest.mark.parametrize(
    ("signature", "message", "public_key"),
    [
        (SIGNATURE, MESSAGE, SIGNER.public_key),
        (SIGNATURE, MESSAGE + b"!", SIGNER.public_key),
        (SIGNATURE, MESSAGE, keys.Signer.generate().public_key),
        ("zz" * 64, MESSAGE, SIGNER.public_key),
        (SIGNATURE[:-2], MESSAGE, SIGNER.public_key),
        (SIGNATURE, MESSAGE, "02" + "00" * 32),
        (SIGNATURE, MESSAGE, "not hex"),
    ],
)
def test_agrees_with_ledger_keys(signature: str, message: bytes, public_key: str) -> None:
    assert verify(signature, message, public_key) is keys.verify(signature, message, public_key)


def test_a_kept_key_still_checks_each_signature() -> None:
    assert verify(SIGNATURE, MESSAGE, SIGNER.public_key)
    assert not verify(SIGNATURE, b"other", SIGNER.public_key)
