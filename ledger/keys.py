"""secp256k1 key files in the format of `sawtooth keygen`.

`NAME.priv` holds the 64-hex-char private key and a newline (mode 0600); `NAME.pub` holds the
66-hex-char compressed public key and a newline (mode 0644). The default folder is
~/.sawtooth/keys. Files are written atomically (never through a symbolic link) and read only
when they are regular files of text; every refusal is a KeyFileError naming the file.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
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
# A key file holds one line of 64 or 66 hex characters; anything much larger is not one.
MAX_KEY_FILE_BYTES = 4096


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
    """Create NAME.priv (0600) and NAME.pub (0644), whatever the umask; refuse to overwrite
    unless `force`, and never write through a symbolic link (nor over anything but a regular
    file). Files are replaced atomically: a reader sees the old key or the new one."""
    priv_path, pub_path = key_paths(name, key_dir)
    existing = [str(p) for p in (priv_path, pub_path) if _writable_target(p)]
    if existing and not force:
        raise KeyFileError(
            f"key files already exist: {', '.join(existing)} (use --force to overwrite)"
        )
    try:
        priv_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KeyFileError(f"cannot create {priv_path.parent}: {exc.strerror}") from None
    signer = Signer.generate()
    _write_atomically(
        (priv_path, signer.private_hex() + "\n", 0o600),
        (pub_path, signer.public_key + "\n", 0o644),
    )
    return priv_path, pub_path, signer


def write_private_file(path: Path, text: str) -> None:
    """Write a secret with mode 0600, replacing the file atomically; refuses a symbolic link."""
    _write_atomically((path, text, 0o600))


def _writable_target(path: Path) -> bool:
    """True when `path` exists as a regular file (to be replaced); False when it does not exist.
    A symbolic link (dangling or not) or anything but a regular file is refused: writing would
    change the link's target, or something that is not ours to replace."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise KeyFileError(f"cannot write {path}: {exc.strerror}") from None
    if stat.S_ISLNK(mode):
        raise KeyFileError(
            f"{path} is a symbolic link (to {os.readlink(path)}); refusing to write through it: "
            "remove the link or choose another folder"
        )
    if not stat.S_ISREG(mode):
        raise KeyFileError(f"{path} is {_kind(mode)}, not a regular file; refusing to replace it")
    return True


def _write_atomically(*files: tuple[Path, str, int]) -> None:
    """Each (path, text, mode) as a new file with exactly that mode (fchmod: the umask neither
    widens nor narrows it), written and fsynced under a temporary name beside the path; once
    all are written, each is renamed over its path. A rename replaces a directory entry and never
    follows a link; the check before refuses to replace a link or a special file at all."""
    temps: list[str] = []
    path = files[0][0]
    try:
        for path, text, mode in files:
            _writable_target(path)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temps.append(tmp)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                os.fchmod(f.fileno(), mode)
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
        for (path, _, _), tmp in zip(files, temps, strict=True):
            os.replace(tmp, path)
    except BaseException as exc:
        for tmp in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise KeyFileError(f"cannot write {path}: {exc.strerror}") from None
        raise
    for folder in {p.parent for p, _, _ in files}:
        _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort: not every file system can)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISLNK, "a symbolic link"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _read_key_file(path: Path, what: str) -> tuple[bytes, int]:
    """The bytes of a key file (at most MAX_KEY_FILE_BYTES) and its mode. Anything but a regular
    file is refused before it is opened (opening a FIFO would wait for a writer, a device could
    be anything); the open does not block and the open file is checked again, in case the path
    changed in between. A symbolic link to a regular file is fine."""
    try:
        _require_regular(path, path.stat().st_mode, what)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
        with os.fdopen(fd, "rb") as f:
            mode = os.fstat(f.fileno()).st_mode
            _require_regular(path, mode, what)
            data = f.read(MAX_KEY_FILE_BYTES + 1)
    except FileNotFoundError:
        raise KeyFileError(f"{what} not found: {path}") from None
    except PermissionError:
        raise KeyFileError(f"{what} not readable: {path}") from None
    except OSError as exc:
        raise KeyFileError(f"cannot read {what} {path}: {exc.strerror}") from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise KeyFileError(f"{what} {path} is larger than {MAX_KEY_FILE_BYTES} bytes: not a key")
    return data, mode


def _require_regular(path: Path, mode: int, what: str) -> None:
    if not stat.S_ISREG(mode):
        raise KeyFileError(f"{what} {path} is {_kind(mode)}, not a regular file")


def _decode(data: bytes, path: Path, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KeyFileError(
            f"{what} {path} is not text: byte 0x{data[exc.start]:02x} at offset {exc.start} "
            "is not UTF-8 (a key file holds one line of hex)"
        ) from None


def load_signer(path: Path | str, *, check_permissions: bool = True) -> Signer:
    """Read a .priv file; refuse one that group or others may read, and anything but a regular
    file of hex text. Every refusal is a KeyFileError naming the file."""
    path = Path(path).expanduser()
    data, mode = _read_key_file(path, "key file")
    if is_public_key(data.decode("utf-8", errors="replace").strip()):
        # Before the mode check: a .pub file is meant to be readable, and chmod is not the fix.
        private = path.with_suffix(".priv")
        hint = f": {private}" if path.suffix == ".pub" and private.exists() else ""
        raise KeyFileError(f"{path} is a public key; give the private key (.priv) that signs{hint}")
    if check_permissions and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"key file {path} has mode {stat.S_IMODE(mode):04o}: others can read it; "
            f"run `chmod 600 {path}`"
        )
    text = _decode(data, path, "key file")
    try:
        return Signer.from_hex(text)
    except KeyFileError as exc:
        raise KeyFileError(f"{path}: {exc}") from None


def load_public_key(path: Path | str) -> str:
    path = Path(path).expanduser()
    data, _ = _read_key_file(path, "public key file")
    text = _decode(data, path, "public key file").strip()
    if not is_public_key(text):
        raise KeyFileError(f"{path}: not a compressed secp256k1 public key (66 hex chars)")
    return text
