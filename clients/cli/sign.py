"""`smartblocks sign REQUEST.json --key KEY.priv`: sign what the portal built, on this machine.

BlockPortal's contract pages offer every action as an *unsigned request* (a JSON file: the
serialized TransactionHeader(s) and payload(s) the portal built for one public key, and what
they do in words; clients/portal/contract_actions.py). This command checks the request against
the key, shows what the transactions really say (their payloads decoded, not the portal's
words), signs each transaction and the batch, and submits it, or writes the signed BatchList
for later. The private key never leaves this machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from google.protobuf.message import DecodeError
from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction, TransactionHeader

from smartblocks.clients.portal.signing import MAX_TRANSACTIONS, REQUEST_FORMAT
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import RestClient, run
from smartblocks.ledger.transactions import batch_list_bytes, make_batch

from .help import add_command
from .ledger_args import add_ledger_options, signer_of

MAX_REQUEST_BYTES = 4 * 1024 * 1024  # a proposal carries its baseline table (256 KiB at most)
LIST_SHOWN = 6  # a decoded payload's long lists (a baseline table's knots) are cut here

EXAMPLES = """\
examples:
  # a request downloaded from a contract page (BlockPortal: "Download unsigned request")
  smartblocks sign lab-970-ss-electricity-accept.unsigned.json --key ~/.sawtooth/keys/owner.priv
  smartblocks sign settle.unsigned.json --key esco.priv --url http://validator.example:8008
  # sign here, post later (or from another machine) with curl
  smartblocks sign dispute.unsigned.json --key owner.priv --output batch.bin
  curl --data-binary @batch.bin -H 'Content-Type: application/octet-stream' \\
      http://127.0.0.1:8008/batches

It refuses a request built for another key, or whose header does not name its payload's
SHA-512. What it prints is read from the transactions themselves (their payloads decoded), so
check it before it signs: the request's own description is the portal's word.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "sign",
        "sign and submit an unsigned request downloaded from BlockPortal",
        description="Sign the transactions of an unsigned request (a JSON file from a "
        "BlockPortal contract page) and their batch with your key, then submit the batch to "
        "the validator and report its status, or write it to a file with --output.",
        epilog=EXAMPLES,
    )
    parser.add_argument("request", type=Path, metavar="REQUEST.json", help="the unsigned request")
    parser.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="write the signed BatchList here (the body of POST /batches) instead of submitting",
    )
    add_ledger_options(parser)
    parser.set_defaults(func=run_sign)


# -- the request ------------------------------------------------------------------------------


def load_request(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_REQUEST_BYTES:
            raise UserError(f"{path}: larger than {MAX_REQUEST_BYTES} bytes: not a request")
        request = json.loads(path.read_bytes())
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise UserError(f"{path}: not JSON: download the request from the portal again") from None
    if not isinstance(request, dict) or request.get("format") != REQUEST_FORMAT:
        raise UserError(
            f"{path}: not an unsigned request (its `format` is not {REQUEST_FORMAT!r}); "
            'download it from the contract page\'s "Download unsigned request"'
        )
    return request


def _hex(value: Any, what: str) -> bytes:
    try:
        if isinstance(value, str):
            return bytes.fromhex(value)
    except ValueError:
        pass
    raise UserError(f"{what} must be hex")


def unsigned_transactions(
    request: dict[str, Any], public_key: str
) -> list[tuple[bytes, TransactionHeader, bytes]]:
    """(header bytes, header, payload) of each transaction, checked: the header names the
    payload's SHA-512, and `public_key` both signs and batches it."""
    items = request.get("transactions")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_TRANSACTIONS:
        raise UserError(f"the request must hold 1 to {MAX_TRANSACTIONS} transactions")
    found = []
    for n, item in enumerate(items):
        what = f"transaction {n}"
        if not isinstance(item, dict):
            raise UserError(f"{what} must be an object {{header, payload}}")
        header_bytes = _hex(item.get("header"), f"{what}: header")
        payload = _hex(item.get("payload"), f"{what}: payload")
        try:
            header = TransactionHeader.FromString(header_bytes)
        except DecodeError:
            raise UserError(f"{what}: its header is not a Sawtooth TransactionHeader") from None
        digest = hashlib.sha512(payload).hexdigest()
        if header.payload_sha512 != digest:
            raise UserError(
                f"{what}: the header does not match the payload (header names SHA-512 "
                f"{header.payload_sha512[:16]}.., the payload's is {digest[:16]}..): the request "
                "was altered; download it again"
            )
        for role, key in (
            ("signer", header.signer_public_key),
            ("batcher", header.batcher_public_key),
        ):
            if key != public_key:
                raise UserError(
                    f"{what} was built for {role} {key[:16]}.., not for your key "
                    f"{public_key[:16]}..: load this key's public key in the portal and "
                    "download the request again (or sign with the key it names)"
                )
        found.append((header_bytes, header, payload))
    return found


# -- what is signed, in words -----------------------------------------------------------------


def _brief(value: Any) -> Any:
    """A decoded payload with its long lists cut (a proposal's baseline table has hundreds of
    knots; its hash is in the terms shown)."""
    if isinstance(value, dict):
        return {k: _brief(v) for k, v in value.items()}
    if isinstance(value, list):
        shown = [_brief(v) for v in value[:LIST_SHOWN]]
        return shown + ([f"... {len(value) - LIST_SHOWN} more"] if len(value) > LIST_SHOWN else [])
    return value


def describe(
    request: dict[str, Any], checked: Sequence[tuple[bytes, TransactionHeader, bytes]]
) -> str:
    from smartblocks.processors.families import FAMILIES

    lines = []
    if isinstance(request.get("what"), str):
        lines.append(f"the portal says: {request['what']}")
    for n, (_, header, payload) in enumerate(checked):
        family = FAMILIES.get(header.family_name)
        lines.append(
            f"transaction {n}: family {header.family_name} {header.family_version}, "
            f"{len(header.inputs)} inputs, {len(header.outputs)} outputs"
        )
        if family is None:
            lines.append(f"  payload: {len(payload)} bytes of a family this command does not know")
            continue
        try:
            shown = _brief(family.show_payload(payload))
        except Exception as exc:  # a payload its family cannot decode: say so, sign nothing
            raise UserError(
                f"transaction {n}: the {header.family_name} payload does not decode: {exc}"
            ) from None
        text = json.dumps(shown, indent=2, ensure_ascii=False)
        lines += ["  " + line for line in text.splitlines()]
    return "\n".join(lines)


# -- sign and submit --------------------------------------------------------------------------


def sign(checked: Sequence[tuple[bytes, TransactionHeader, bytes]], signer: Signer) -> Batch:
    """The batch of the checked transactions, each and the batch signed by `signer`."""
    transactions = [
        Transaction(header=header, header_signature=signer.sign(header), payload=payload)
        for header, _, payload in checked
    ]
    return make_batch(signer, transactions)


def run_sign(args: argparse.Namespace) -> int:
    request = load_request(args.request)
    signer = signer_of(args)
    checked = unsigned_transactions(request, signer.public_key)
    print(f"signing as {signer.public_key}:")
    print(describe(request, checked))
    batch = sign(checked, signer)
    if args.output:
        try:
            args.output.write_bytes(batch_list_bytes([batch]))
        except OSError as exc:
            raise UserError(f"{args.output}: cannot write: {exc.strerror}") from None
        print(f"batch {batch.header_signature}: signed, written to {args.output} (not submitted)")
        return 0

    async def submit() -> list[dict[str, Any]]:
        async with RestClient(args.url) as client:
            return await client.submit_and_wait([batch], timeout=args.wait)

    statuses = run(submit())
    status = statuses[0].get("status", "?") if statuses else "?"
    print(f"batch {batch.header_signature}: {status}")
    return 0
