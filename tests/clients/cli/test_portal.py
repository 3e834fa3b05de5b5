"""`smartblocks portal` command line: password hashes and friendly start-up errors."""

from __future__ import annotations

import io

from smartblocks.clients.cli.main import main
from smartblocks.clients.portal.auth import verify_password


def test_hash_password_from_stdin(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse\n"))
    assert main(["portal", "hash-password", "--stdin"]) == 0
    assert verify_password("correct horse", capsys.readouterr().out.strip())


def test_short_password_is_refused(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["portal", "hash-password", "--stdin"]) == 1
    assert "at least 8 characters" in capsys.readouterr().err


def test_config_errors_are_reported_without_traceback(tmp_path, capsys):
    config = tmp_path / "portal.toml"
    config.write_text('[portal]\nlisten = "127.0.0.1:8080"\n[[users]]\nname = "a"\nrole = "x"\n')
    assert main(["portal", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert f"{config}:5: users[0].role: must be one of" in err and "Traceback" not in err
    config.write_text("[portal\n")
    assert main(["portal", "--config", str(config)]) == 1
    assert "line 1" in capsys.readouterr().err
    assert main(["portal", "--data-dir", str(tmp_path)]) == 1
    assert "no users" in capsys.readouterr().err
