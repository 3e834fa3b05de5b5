"""secp256k1 key files in the format of `sawtooth keygen`.

`NAME.priv` holds the 64-hex-char private key and a newline (mode 0600); `NAME.pub` holds the
66-hex-char compressed public key and a newline. The default folder is ~/.sawtooth/keys.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import secp256k1
from sawtooth_signing import CryptoFactory, ParseError, create_context
from sawtooth_signing.core import SigningError
from sawtooth_signing.secp256k1 import Secp256k1PrivateKey

from .errors import KeyFileError

CONTEXT = create_context("secp256k1")
FACTORY = CryptoFactory(CONTEXT)
DEFAULT_KEY_DIR = Path.home() / ".sawtooth" / "keys"
# A compressed secp256k1 public key as Sawtooth writes it: 02 or 03, then 64 lower-case hex.
PUBLIC_KEY_PATTERN = re.compile(r"0[23][0-9a-f]{64}")


def is_public_key(text: str) -> bool:
    """True when `text` is exactly a public key in Sawtooth's form (66 lower-case hex chars,
    starting 02 or 03); no whitespace around it."""
    return PUBLIC_KEY_PATTERN.fullmatch(text) is not None


class Signer:
    """A private key that signs: transactions, batches, blocks."""

    def __init__(self, private_key: Secp256k1PrivateKey):
        self._signer = FACTORY.new_signer(private_key)
        self.private_key = private_key
        self.public_key: str = self._signer.get_public_key().as_hex()

    @classmethod
    def generate(cls) -> Signer:
        return cls(CONTEXT.new_random_private_key())

    @classmethod
    def from_hex(cls, private_hex: str) -> Signer:
        try:
            return cls(Secp256k1PrivateKey.from_hex(private_hex.strip()))
        except (ParseError, ValueError) as exc:
            raise KeyFileError(f"not a secp256k1 private key: {exc}") from exc

    def sign(self, message: bytes) -> str:
        """Deterministic (RFC 6979): the same message always gets the same signature."""
        return self._signer.sign(message)

    def sign_fresh(self, message: bytes) -> str:
        """A signature that differs on every call: RFC 6979 with 32 bytes of fresh extra
        entropy (libsecp256k1's `ndata`); verifies like any other."""
        key = secp256k1.PrivateKey(bytes.fromhex(self.private_hex()))
        entropy = secp256k1.ffi.new("unsigned char[32]", os.urandom(32))
        nonce = (secp256k1.lib.secp256k1_nonce_function_rfc6979, entropy)
        signature = key.ecdsa_sign(message, custom_nonce=nonce)
        return key.ecdsa_serialize_compact(signature).hex()

    def private_hex(self) -> str:
        return self.private_key.as_hex()


def verify(signature: str, message: bytes, public_key: str) -> bool:
    """True when `signature` (128 hex) over `message` was made by `public_key` (66 hex)."""
    from sawtooth_signing.secp256k1 import Secp256k1PublicKey

    try:
        return CONTEXT.verify(signature, message, Secp256k1PublicKey.from_hex(public_key))
    except (ParseError, SigningError, ValueError, TypeError):
        return False


def key_paths(name: str, key_dir: Path | str | None = None) -> tuple[Path, Path]:
    folder = Path(key_dir) if key_dir is not None else DEFAULT_KEY_DIR
    return folder / f"{name}.priv", folder / f"{name}.pub"


def write_key_files(
    name: str, key_dir: Path | str | None = None, *, force: bool = False
) -> tuple[Path, Path, Signer]:
    """Create NAME.priv (0600) and NAME.pub; refuse to overwrite unless `force`."""
    priv_path, pub_path = key_paths(name, key_dir)
    if not force:
        existing = [str(p) for p in (priv_path, pub_path) if p.exists()]
        if existing:
            raise KeyFileError(
                f"key files already exist: {', '.join(existing)} (use --force to overwrite)"
            )
    priv_path.parent.mkdir(parents=True, exist_ok=True)
    signer = Signer.generate()
    write_private_file(priv_path, signer.private_hex() + "\n")
    pub_path.write_text(signer.public_key + "\n")
    return priv_path, pub_path, signer


def write_private_file(path: Path, text: str) -> None:
    """Write a secret with mode 0600."""
    # Created 0600 from the start: no moment exists where others can read it. The chmod covers
    # a file that existed before with a wider mode (O_CREAT keeps an existing file's mode).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


def load_signer(path: Path | str, *, check_permissions: bool = True) -> Signer:
    """Read a .priv file; refuse one that group or others may read."""
    path = Path(path).expanduser()
    try:
        mode = path.stat().st_mode
        text = path.read_text()
    except FileNotFoundError:
        raise KeyFileError(f"key file not found: {path}") from None
    except PermissionError:
        raise KeyFileError(f"key file not readable: {path}") from None
    except IsADirectoryError:
        raise KeyFileError(f"key file is a directory: {path}") from None
    if check_permissions and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"key file {path} has mode {stat.S_IMODE(mode):04o}: others can read it; "
            f"run `chmod 600 {path}`"
        )
    try:
        return Signer.from_hex(text)
    except KeyFileError as exc:
        raise KeyFileError(f"{path}: {exc}") from None


def load_public_key(path: Path | str) -> str:
    path = Path(path).expanduser()
    try:
        text = path.read_text().strip()
    except OSError as exc:
        raise KeyFileError(f"cannot read public key file {path}: {exc.strerror}") from None
    if not is_public_key(text):
        raise KeyFileError(f"{path}: not a compressed secp256k1 public key (66 hex chars)")
    return text
