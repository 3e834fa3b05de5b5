import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from smartblocks.clients.cli.main import main
from smartblocks.ledger.errors import KeyFileError
from smartblocks.ledger.keys import (
    PUBLIC_KEY_PATTERN,
    Signer,
    is_public_key,
    load_public_key,
    load_signer,
    verify,
    write_private_file,
)


def test_keygen_writes_sawtooth_format(tmp_path, capsys):
    assert main(["keygen", "alice", "--key-dir", str(tmp_path)]) == 0
    priv, pub = tmp_path / "alice.priv", tmp_path / "alice.pub"
    assert stat.S_IMODE(priv.stat().st_mode) == 0o600
    priv_text, pub_text = priv.read_text(), pub.read_text()
    # sawtooth keygen: one hex line each, 32-byte private key, 33-byte compressed public key.
    assert priv_text.endswith("\n") and len(priv_text.strip()) == 64
    assert pub_text.endswith("\n") and len(pub_text.strip()) == 66
    assert pub_text[:2] in ("02", "03")
    signer = load_signer(priv)
    assert signer.public_key == pub_text.strip() == load_public_key(pub)


def test_reads_a_key_written_as_sawtooth_does(tmp_path):
    # A known secp256k1 pair: private key 1 has public key G.
    (tmp_path / "k.priv").write_text("00" * 31 + "01\n")
    (tmp_path / "k.priv").chmod(0o600)
    signer = load_signer(tmp_path / "k.priv")
    assert signer.public_key == (
        "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    )
    sig = signer.sign(b"reading")
    assert verify(sig, b"reading", signer.public_key)
    assert not verify(sig, b"readinG", signer.public_key)


def test_refuses_overwrite(tmp_path, capsys):
    main(["keygen", "a", "--key-dir", str(tmp_path), "-q"])
    assert main(["keygen", "a", "--key-dir", str(tmp_path)]) == 1
    assert "already exist" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "mode", "message"),
    [
        ("00" * 31 + "01\n", 0o644, "others can read it"),
        ("not hex\n", 0o600, "not a secp256k1 private key"),
    ],
)
def test_bad_key_files(tmp_path, content, mode, message):
    path = tmp_path / "k.priv"
    path.write_text(content)
    path.chmod(mode)
    with pytest.raises(KeyFileError, match=message) as info:
        load_signer(path)
    assert str(path) in str(info.value)


def test_missing_key_file(tmp_path):
    with pytest.raises(KeyFileError, match="not found"):
        load_signer(tmp_path / "nope.priv")


def test_random_signers_differ():
    assert Signer.generate().public_key != Signer.generate().public_key


def test_is_public_key_is_sawtooths_compressed_form():
    key = Signer.generate().public_key
    assert is_public_key(key) and PUBLIC_KEY_PATTERN.fullmatch(key)
    for text in (key.upper(), "04" + key[2:], key[:-1], key + "0", f" {key}", "", "02" + "g" * 64):
        assert not is_public_key(text), text


def test_a_public_key_file_must_hold_one(tmp_path):
    path = tmp_path / "x.pub"
    path.write_text("04" + "ab" * 32 + "\n")
    with pytest.raises(KeyFileError, match="not a compressed secp256k1 public key"):
        load_public_key(path)


DEAD = "http://127.0.0.1:1"


def cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """`smartblocks ARGS` in a child process: a hang is a timeout, not a stuck test run."""
    return subprocess.run(
        [sys.executable, "-m", "smartblocks.clients.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def bind_key(bad: Path, good: Path) -> list[str]:
    """`meter bind-key` with `bad` as its signing key (a .priv) or as the key to bind (a .pub):
    both are read before the ledger (nothing listens at the URL) is asked anything."""
    if bad.suffix == ".priv":
        return ["meter", "bind-key", "m", "02" + "ab" * 32, "--key", str(bad), "--url", DEAD]
    return ["meter", "bind-key", "m", str(bad), "--key", str(good), "--url", DEAD]


def one_line_naming(stderr: str, path: Path) -> str:
    """The CLI's refusal: one line (no traceback) that names the file."""
    assert "Traceback" not in stderr, stderr
    (line,) = stderr.strip().splitlines()
    assert str(path) in line, line
    return line


@pytest.mark.parametrize("name", ["k.priv", "k.pub"])
def test_a_key_file_that_is_not_utf8_is_a_one_line_error(tmp_path, capsys, name):
    """F10: a binary file given as a key was a UnicodeDecodeError traceback."""
    path = tmp_path / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe" + b"\x00" * 20)
    path.chmod(0o600)
    load = load_signer if name.endswith(".priv") else load_public_key
    with pytest.raises(KeyFileError, match="not UTF-8") as info:
        load(path)
    assert str(path) in str(info.value)
    good = tmp_path / "good.priv"
    good.write_text("00" * 31 + "01\n")
    good.chmod(0o600)
    assert main(bind_key(path, good)) == 1
    line = one_line_naming(capsys.readouterr().err, path)
    assert "not UTF-8" in line


@pytest.mark.parametrize("name", ["k.priv", "k.pub"])
def test_a_key_path_that_is_a_fifo_is_refused_without_hanging(tmp_path, name):
    """F11: `--key FIFO` (or a FIFO as a .pub) waited forever for a writer."""
    fifo = tmp_path / name
    os.mkfifo(fifo, 0o600)
    good = tmp_path / "good.priv"
    good.write_text("00" * 31 + "01\n")
    good.chmod(0o600)
    result = cli(*bind_key(fifo, good))
    assert result.returncode == 1
    line = one_line_naming(result.stderr, fifo)
    assert "named pipe (FIFO), not a regular file" in line


def test_a_key_path_that_is_a_directory_or_device_is_refused(tmp_path):
    for path, kind in ((tmp_path, "a directory"), (Path("/dev/null"), "a character device")):
        with pytest.raises(KeyFileError, match=f"is {kind}, not a regular file"):
            load_signer(path)
        with pytest.raises(KeyFileError, match=f"is {kind}, not a regular file"):
            load_public_key(path)


def test_a_symlink_to_a_key_file_is_read(tmp_path):
    (tmp_path / "real.priv").write_text("00" * 31 + "01\n")
    (tmp_path / "real.priv").chmod(0o600)
    (tmp_path / "link.priv").symlink_to(tmp_path / "real.priv")
    assert load_signer(tmp_path / "link.priv").public_key.startswith("0279be667e")


@pytest.fixture
def umask_000():
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_keygen_modes_do_not_depend_on_the_umask(tmp_path, umask_000):
    """F12: under umask 000 the .pub was written 0666."""
    assert main(["keygen", "a", "--key-dir", str(tmp_path), "-q"]) == 0
    assert stat.S_IMODE((tmp_path / "a.priv").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "a.pub").stat().st_mode) == 0o644
    # Replacing files that had other modes gives the same modes.
    (tmp_path / "a.priv").chmod(0o666)
    (tmp_path / "a.pub").chmod(0o600)
    assert main(["keygen", "a", "--key-dir", str(tmp_path), "-q", "--force"]) == 0
    assert stat.S_IMODE((tmp_path / "a.priv").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "a.pub").stat().st_mode) == 0o644


@pytest.mark.parametrize("force", [True, False])
@pytest.mark.parametrize("name", ["a.priv", "a.pub"])
def test_keygen_never_writes_through_a_symlink(tmp_path, capsys, name, force):
    """F12: `keygen --force` overwrote the target of a symlinked key file (and without --force
    a dangling link's target was created)."""
    keys, elsewhere = tmp_path / "keys", tmp_path / "elsewhere"
    keys.mkdir()
    elsewhere.mkdir()
    precious = elsewhere / "precious.txt"
    precious.write_text("not a key\n")
    (keys / name).symlink_to(precious)
    dangling = keys / ("a.pub" if name == "a.priv" else "a.priv")
    dangling.symlink_to(elsewhere / "created-by-keygen")
    argv = ["keygen", "a", "--key-dir", str(keys), *(["--force"] if force else [])]
    assert main(argv) == 1
    line = one_line_naming(capsys.readouterr().err, keys / "a.priv")
    assert "symbolic link" in line and "refusing to write through it" in line
    assert precious.read_text() == "not a key\n"
    assert not (elsewhere / "created-by-keygen").exists()
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious.txt"]


def test_keygen_force_replaces_the_files_atomically(tmp_path):
    """--force puts a new file in place (rename), never rewrites the old one in place: another
    hard link to the old key keeps the old key, and no temporary file is left."""
    main(["keygen", "a", "--key-dir", str(tmp_path), "-q"])
    old = (tmp_path / "a.priv").read_text()
    os.link(tmp_path / "a.priv", tmp_path / "backup.priv")
    assert main(["keygen", "a", "--key-dir", str(tmp_path), "-q", "--force"]) == 0
    assert (tmp_path / "backup.priv").read_text() == old != (tmp_path / "a.priv").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.priv", "a.pub", "backup.priv"]
    pub = load_public_key(tmp_path / "a.pub")
    assert load_signer(tmp_path / "a.priv").public_key == pub


def test_write_private_file_refuses_a_symlink_and_replaces_a_file(tmp_path, umask_000):
    target = tmp_path / "target"
    target.write_text("keep\n")
    (tmp_path / "secret").symlink_to(target)
    with pytest.raises(KeyFileError, match="symbolic link"):
        write_private_file(tmp_path / "secret", "s3cret\n")
    assert target.read_text() == "keep\n"
    write_private_file(tmp_path / "other", "s3cret\n")
    assert stat.S_IMODE((tmp_path / "other").stat().st_mode) == 0o600
