"""`smartblocks sign` without a ledger: what it refuses, what it shows, and `--output`'s batch
(the devnet run, a request downloaded through the portal's API, is in
tests/clients/portal/test_contracts_api.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sawtooth_sdk.protobuf.batch_pb2 import BatchList
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader

from smartblocks.clients.cli.main import main
from smartblocks.clients.portal import signing
from smartblocks.ledger.keys import load_signer, verify, write_key_files
from smartblocks.processors.energycontract import txn


def request_for(public_key: str) -> dict:
    """What the portal's step 1 answers (and the page saves) for an action."""
    unsigned = signing.unsigned(
        public_key,
        lambda s: txn.accept_amendment(s, contract_id="lab-x", terms_hash="ab" * 32),
    )
    return {
        "format": signing.REQUEST_FORMAT,
        "action": "accept_amendment",
        "what": "accept the amendment of contract lab-x",
        "public_key": public_key,
        "transactions": [unsigned],
    }


@pytest.fixture
def owner(tmp_path: Path) -> Path:
    return write_key_files("owner", tmp_path)[0]


def sign(tmp_path: Path, request: dict, key: Path, *extra: str) -> int:
    path = tmp_path / "request.unsigned.json"
    path.write_text(json.dumps(request))
    return main(["sign", str(path), "--key", str(key), *extra])


def test_output_writes_a_batch_signed_by_the_key(tmp_path, owner, capsys):
    signer = load_signer(owner)
    out = tmp_path / "batch.bin"
    assert sign(tmp_path, request_for(signer.public_key), owner, "--output", str(out)) == 0
    shown = capsys.readouterr().out
    # What the payload says, decoded, beside the portal's words.
    assert "the portal says: accept the amendment of contract lab-x" in shown
    assert '"contract_id": "lab-x"' in shown and "family energycontract 1.0" in shown
    (batch,) = BatchList.FromString(out.read_bytes()).batches
    assert verify(batch.header_signature, batch.header, signer.public_key)
    (transaction,) = batch.transactions
    assert verify(transaction.header_signature, transaction.header, signer.public_key)
    assert TransactionHeader.FromString(transaction.header).signer_public_key == signer.public_key


def test_refuses_a_request_built_for_another_key(tmp_path, owner, capsys):
    other = write_key_files("esco", tmp_path)[2]
    assert sign(tmp_path, request_for(other.public_key), owner) == 1
    error = capsys.readouterr().err
    assert f"was built for signer {other.public_key[:16]}.., not for your key" in error


def test_refuses_a_payload_its_header_does_not_name(tmp_path, owner, capsys):
    request = request_for(load_signer(owner).public_key)
    request["transactions"][0]["payload"] = request["transactions"][0]["payload"] + "00"
    assert sign(tmp_path, request, owner) == 1
    assert "the header does not match the payload" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        ('{"transactions": []}', "not an unsigned request"),
        (json.dumps({"format": signing.REQUEST_FORMAT, "transactions": []}), "1 to 8"),
    ],
)
def test_refuses_what_is_not_a_request(tmp_path, owner, capsys, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert main(["sign", str(path), "--key", str(owner)]) == 1
    assert message in capsys.readouterr().err
