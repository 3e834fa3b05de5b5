"""Say which port is taken before anything starts, and what to do about it."""

from __future__ import annotations

import errno
import socket
from collections.abc import Sequence

from smartblocks.ledger.errors import UserError

WHAT = {
    "component": "the devnet's component endpoint",
    "rest_api": "the REST API",
    "portal": "BlockPortal",
    "agent_metrics": "the agent's metrics endpoint",
}


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the services bind: a port left in TIME_WAIT by an earlier run counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def check_ports(ports: Sequence[tuple[str, int]], config_hint: str) -> None:
    """Raise a UserError naming every taken port, e.g. [("rest_api", 8008)]."""
    taken = [(label, port) for label, port in ports if not port_free(port)]
    if not taken:
        return
    lines = [
        f"port {port} on 127.0.0.1 ({WHAT.get(label, label)}) is in use" for label, port in taken
    ]
    label, port = taken[0]
    raise UserError(
        "; ".join(lines)
        + ". Another `smartblocks up` or `smartblocks devnet` may be running: stop it "
        + f"(`ss -ltnp 'sport = :{port}'` shows who holds it), or choose free ports in a "
        + f"stack.toml, e.g. [ports] {label} = {port + 10}, and pass --config ({config_hint})."
    )
