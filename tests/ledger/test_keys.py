import stat

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
