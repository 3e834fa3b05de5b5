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


def test_a_restart_needs_no_users_in_the_config_once_the_store_has_them(tmp_path, capsys):
    """The config's [[users]] seed DATA_DIR/portal-users.json; a portal started later without
    them (or without a config at all) serves the stored users."""
    import socket
    import subprocess

    from smartblocks.clients.portal.auth import User, hash_password
    from smartblocks.clients.portal.portal_data import USERS_FILE, UserStore
    from tests.integration.processes import CLI, get_json, poll, stop_pid, subprocess_env

    data = tmp_path / "portal"
    data.mkdir()
    store = data / USERS_FILE
    assert main(["portal", "--data-dir", str(data)]) == 1
    assert f"nor {store} name any" in capsys.readouterr().err
    UserStore.open(store, {"admin": User("admin", "admin", hash_password("admin-pass", n=2**10))})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (tmp_path / "portal.log").open("wb")
    process = subprocess.Popen(
        [*CLI, "portal", "--data-dir", str(data), "--listen", f"127.0.0.1:{port}"],
        env=subprocess_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        # Serving: an anonymous session check answers 401 (log in first), not a refusal to start.
        status, _ = poll(
            lambda: process.poll() is None and get_json(f"http://127.0.0.1:{port}/api/session"),
            "the portal",
        )
        assert status == 401
    finally:
        stop_pid(process)
        log.close()
