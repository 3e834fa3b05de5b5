"""`smartblocks devnet` argument checks: clear errors, no tracebacks."""

from __future__ import annotations

import pytest

from smartblocks.clients.cli.main import main


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rest-api", "nonsense"], "--rest-api must be HOST:PORT or 'off'"),
        (["--min-wait", "2", "--max-wait", "1"], "need 0 <= --min-wait <= --max-wait"),
        (["--max-batches-per-block", "0"], "--max-batches-per-block must be at least 1"),
        (["--max-pending-per-signer", "0"], "--max-pending-per-signer must be above 0, got 0"),
        (["--pending-timeout", "-1"], "--pending-timeout must be above 0, got -1"),
        (["--component", "tcp://256.1.1.1:1", "--rest-api", "off"], "cannot bind"),
    ],
)
def test_bad_arguments_are_user_errors(tmp_path, capsys, args, message) -> None:
    assert main(["devnet", "--data-dir", str(tmp_path / "d"), *args]) == 1
    assert message in capsys.readouterr().err
