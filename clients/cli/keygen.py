"""`smartblocks keygen NAME`: a secp256k1 key pair in `sawtooth keygen`'s file format."""

from __future__ import annotations

import argparse

from smartblocks.ledger.keys import DEFAULT_KEY_DIR, write_key_files

from .help import add_command


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "keygen",
        "create a signing key pair (NAME.priv, NAME.pub)",
        ["smartblocks keygen alice", "smartblocks keygen gateway-01 --key-dir keys"],
        description=(
            "Create a secp256k1 key pair: NAME.priv (hex private key, mode 0600) and NAME.pub "
            "(hex compressed public key, mode 0644), whatever the umask: the same files "
            "`sawtooth keygen` writes, so keys move freely between SmartBlocks and Sawtooth "
            "tools. Existing files are replaced only with --force, atomically, and never "
            "through a symbolic link."
        ),
    )
    parser.add_argument("name", help="key name, e.g. alice or gateway-01")
    parser.add_argument(
        "--key-dir", default=None, help=f"folder for the key files (default {DEFAULT_KEY_DIR})"
    )
    parser.add_argument("--force", action="store_true", help="replace existing key files")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    priv, pub, signer = write_key_files(args.name, args.key_dir, force=args.force)
    if not args.quiet:
        print(f"wrote {priv}")
        print(f"wrote {pub}")
        print(f"public key: {signer.public_key}")
    return 0
