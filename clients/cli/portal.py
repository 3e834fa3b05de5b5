"""`smartblocks portal`: run BlockPortal; `smartblocks portal hash-password`: make a user entry."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from pathlib import Path
from typing import Any

from smartblocks.clients.portal.config import DEFAULT_LISTEN
from smartblocks.ledger.endpoints import DEFAULT_COMPONENT, DEFAULT_REST_API
from smartblocks.ledger.errors import UserError

from .help import add_command


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "portal",
        "run BlockPortal, the web explorer of the ledger",
        [
            "smartblocks portal --config portal.toml",
            "smartblocks portal hash-password   # for a [[users]] entry of portal.toml",
        ],
        description=(
            "Run BlockPortal: it follows a validator's events (--component), fetches block "
            "contents from its REST API (--rest-api), keeps an SQLite index in --data-dir and "
            "serves the explorer, ledger states and meter pages to the users in --config. "
            "Flags override the config file."
        ),
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="portal.toml with [portal] settings and [[users]] (the users seed "
        "DATA_DIR/portal-users.json; a later start needs none)",
    )
    parser.add_argument(
        "--listen", metavar="HOST:PORT", help=f"HOST:PORT to serve on (default {DEFAULT_LISTEN})"
    )
    parser.add_argument(
        "--rest-api", metavar="URL", help=f"Sawtooth REST API URL (default {DEFAULT_REST_API})"
    )
    parser.add_argument(
        "--component",
        metavar="URL",
        help=f"validator component endpoint (default {DEFAULT_COMPONENT})",
    )
    parser.add_argument(
        "--data-dir", metavar="DIR", help="where the index lives (default data/portal)"
    )
    parser.set_defaults(func=run)
    actions = parser.add_subparsers(
        dest="portal_command",
        metavar="ACTION",
        required=False,
        help="optional; without one, the portal runs",
    )
    hasher = add_command(
        actions,
        "hash-password",
        "print a password hash for a [[users]] entry of portal.toml",
        [
            "smartblocks portal hash-password",
            "printf '%s\\n' \"$PASSWORD\" | smartblocks portal hash-password --stdin",
        ],
        hash_password_command,
        description="Read a password (prompted twice, or one line from stdin with --stdin) "
        "and print its scrypt hash for the `password` key of a [[users]] entry.",
    )
    hasher.add_argument("--stdin", action="store_true", help="read the password from stdin")


def hash_password_command(args: argparse.Namespace) -> int:
    from smartblocks.clients.portal.auth import hash_password

    if args.stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise UserError("the two passwords differ")
    if len(password) < 8:
        raise UserError("use a password of at least 8 characters")
    print(hash_password(password))
    return 0


def run(args: argparse.Namespace) -> int:
    from smartblocks.clients.portal.config import PortalConfig, load_config, parse_listen
    from smartblocks.clients.portal.server import PortalService

    config = load_config(args.config) if args.config else PortalConfig()
    for flag in ("listen", "rest_api", "component", "data_dir"):
        value = getattr(args, flag)
        if value:
            setattr(config, flag, value)
    parse_listen(config.listen)
    _require_users(config)
    asyncio.run(PortalService(config).serve_forever())
    return 0


def _require_users(config: Any) -> None:
    """Someone must be able to log in: the config's [[users]] seed the user store, and once
    seeded, DATA_DIR/portal-users.json holds the users (the Admin page manages them there), so a
    restart needs no [[users]]."""
    from smartblocks.clients.portal.portal_data import USERS_FILE, UserStore

    if config.users:
        return
    stored = Path(config.data_dir) / USERS_FILE
    if stored.exists() and len(UserStore.open(stored, {})):  # reads only: nothing to seed
        return
    raise UserError(
        f"no users: neither the config's [[users]] nor {stored} name any; write a "
        "portal.toml with [[users]] entries (name, role, password from `smartblocks portal "
        "hash-password`) and pass --config"
    )
