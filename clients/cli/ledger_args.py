"""What every ledger command shares: --key and --url, and submitting or reading through the
REST API."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable, Sequence
from pathlib import Path

from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import DEFAULT_KEY_DIR, Signer, load_signer
from smartblocks.ledger.rest import URL_ENV, RestClient, default_url, run
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter import addressing as meters
from smartblocks.protos.blockmeter_pb2 import Meter

from .help import add_command


def default_key_path() -> Path:
    return DEFAULT_KEY_DIR / f"{getpass.getuser()}.priv"


def _default_key_shown() -> str:
    """The default key as `--help` shows it: the real path, named after the user."""
    try:
        return f"{default_key_path()}, named after your user"
    except (KeyError, OSError):  # no user name for this uid (getpass found none)
        return f"{DEFAULT_KEY_DIR}/USER.priv, USER being your user name"


def add_ledger_options(parser: argparse.ArgumentParser, *, signing: bool = True) -> None:
    if signing:
        parser.add_argument(
            "--key",
            metavar="FILE",
            default=None,
            help=f"signing key file (default {_default_key_shown()})",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=30.0,
            metavar="S",
            help="seconds to wait for the commit (default %(default)s)",
        )
    parser.add_argument(
        "--url",
        default=None,
        help=f"REST API URL (default ${URL_ENV} or {default_url()})",
    )


def ledger_command(
    commands: argparse._SubParsersAction,
    name: str,
    help_text: str,
    example: str | Sequence[str],
    func: Callable[[argparse.Namespace], int],
    *,
    signing: bool = True,
) -> argparse.ArgumentParser:
    """A subcommand that talks to the ledger: `help.add_command` plus the ledger options."""
    sub = add_command(commands, name, help_text, example, func)
    add_ledger_options(sub, signing=signing)
    return sub


def signer_of(args: argparse.Namespace) -> Signer:
    return load_signer(args.key or default_key_path())


def submit(args: argparse.Namespace, signer: Signer, transactions: Sequence[Transaction]) -> None:
    """One batch signed by `signer`; returns once committed, raises RestError otherwise."""
    batch = make_batch(signer, transactions)

    async def go() -> None:
        async with RestClient(args.url) as client:
            await client.submit_and_wait([batch], timeout=args.wait)

    run(go())


def read(args: argparse.Namespace, addresses: Sequence[str]) -> list[bytes | None]:
    """The values at `addresses` (None where nothing is stored)."""

    async def go() -> list[bytes | None]:
        async with RestClient(args.url) as client:
            return [await client.state(a) for a in addresses]

    return run(go())


def read_prefix(args: argparse.Namespace, prefix: str) -> list[tuple[str, bytes]]:
    async def go() -> list[tuple[str, bytes]]:
        async with RestClient(args.url) as client:
            return [entry async for entry in client.list_state(prefix)]

    return run(go())


def meter_sites(args: argparse.Namespace, meter_ids: Sequence[str]) -> list[str]:
    """The site of each meter, in order: the markets' transactions name the sites so the
    processor can check the signer owns them. A missing meter is the person's mistake."""
    sites = []
    for meter_id, data in zip(
        meter_ids, read(args, [meters.meter_address(m) for m in meter_ids]), strict=True
    ):
        if not data:
            raise UserError(
                f"meter {meter_id} does not exist (`smartblocks meter list` shows them)"
            )
        sites.append(Meter.FromString(data).site_id)
    return sites
