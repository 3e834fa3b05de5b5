"""A real Sawtooth 1.0.6 node for the interop suite: the reference in ../shared, built once per
run into build/sawtooth-1.0 (gitignored), started here on free 127.0.0.1 ports.

`Sawtooth10Node` does for one dev-mode node what the reference's up.sh does, plus what up.sh
cannot: genesis settings of our own (`sawset genesis` + `sawset proposal create` + `sawadm
genesis`), and our BlockInfo injector plugin (interop/sawtooth1) on the validator's PYTHONPATH.
`poet_network` runs the reference's up.sh for a PoET network, with the plugin on the path too.
Every process is stopped by its pid.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.integration.processes import REPO, get_json, poll

REFERENCE = Path(
    os.environ.get("SAWTOOTH10_REFERENCE", REPO.parent / "shared" / "reference" / "sawtooth-1.0")
)
BUILD = Path(os.environ.get("SAWTOOTH10_BUILD", REPO / "build" / "sawtooth-1.0"))
PLUGIN = REPO / "interop" / "sawtooth1"
BLOCK_VALIDATION_RULES = "NofX:1,block_info;XatY:block_info,0;local:0"


def reference_missing() -> str | None:
    """Why the suite cannot run here, or None."""
    if not (REFERENCE / "build.sh").is_file():
        return f"no Sawtooth 1.0 reference at {REFERENCE} (../shared/reference/sawtooth-1.0)"
    return None


def build() -> Path:
    """Build the reference's venv into BUILD (half a second when it is already built)."""
    result = subprocess.run(
        ["bash", str(REFERENCE / "build.sh"), str(BUILD)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        raise RuntimeError(f"build.sh failed:\n{result.stdout}\n{result.stderr}")
    return BUILD


def free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def stop_pid(process: subprocess.Popen, grace: float) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def plugin_env(home: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PLUGIN)
    env.pop("VIRTUAL_ENV", None)
    if home is not None:
        env["SAWTOOTH_HOME"] = str(home)
    return env


class Sawtooth10Node:
    """One Sawtooth 1.0 validator (dev mode), settings-tp and REST API, with genesis settings."""

    def __init__(self, build_dir: Path, data: Path, settings: dict[str, str]) -> None:
        self.bin = build_dir / "venv" / "bin"
        self.data = data
        self.home = data / "node0"
        self.settings = settings
        comp, rest, network = free_ports(3)
        self.component = f"tcp://127.0.0.1:{comp}"
        self.rest_url = f"http://127.0.0.1:{rest}"
        self.network = f"tcp://127.0.0.1:{network}"
        self.validator: subprocess.Popen | None = None
        self.others: list[subprocess.Popen] = []

    @property
    def validator_key(self) -> Path:
        return self.home / "keys" / "validator.priv"

    def _run(self, *argv: str) -> str:
        result = subprocess.run(
            [str(self.bin / argv[0]), *argv[1:]],
            env=plugin_env(self.home),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{shlex.join(argv)}: {result.stdout}{result.stderr}")
        return result.stdout

    def _start(self, log: str, *argv: str) -> subprocess.Popen:
        with (self.data / "logs" / f"{log}.out").open("a") as out:
            return subprocess.Popen(
                [str(self.bin / argv[0]), *argv[1:]],
                env=plugin_env(self.home),
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.data,
            )

    def genesis(self) -> None:
        for sub in ("data", "keys", "logs", "etc", "policy"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        (self.data / "logs").mkdir(exist_ok=True)
        self._run("sawadm", "keygen", "--quiet")
        genesis = self.data / "genesis"
        genesis.mkdir()
        key = str(self.validator_key)
        self._run("sawset", "genesis", "-k", key, "-o", str(genesis / "config-genesis.batch"))
        proposals = [f"{k}={v}" for k, v in self.settings.items()]
        self._run(
            "sawset", "proposal", "create", "-k", key,
            "-o", str(genesis / "config.batch"), *proposals,
        )  # fmt: skip
        self._run(
            "sawadm", "genesis",
            str(genesis / "config-genesis.batch"), str(genesis / "config.batch"),
        )  # fmt: skip

    def start(self) -> None:
        self.genesis()
        self.validator = self._start(
            "validator", "sawtooth-validator", "-v",
            "--bind", f"component:{self.component}", "--bind", f"network:{self.network}",
            "--endpoint", self.network, "--peering", "static", "--scheduler", "serial",
        )  # fmt: skip
        self.others.append(self._start("settings-tp", "settings-tp", "-C", self.component))
        rest = self.rest_url.removeprefix("http://")
        self.others.append(
            self._start("rest-api", "sawtooth-rest-api", "-C", self.component, "-B", rest)
        )

        def serves_a_block() -> bool:
            self._check_alive()
            code, body = get_json(self.rest_url + "/blocks?limit=1")
            return code == 200 and bool(body.get("data"))

        poll(serves_a_block, "Sawtooth 1.0 REST API", timeout=120, interval=0.2)

    def _check_alive(self) -> None:
        for process in [self.validator, *self.others]:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} exited: {self.logs()}")

    def stop(self) -> None:
        if self.validator is not None:
            stop_pid(self.validator, 75)
        for process in self.others:
            stop_pid(process, 15)

    def logs(self, lines: int = 30) -> str:
        out = []
        for path in sorted((self.data / "logs").glob("*.out")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(out)

    def get(self, path: str) -> Any:
        code, body = get_json(self.rest_url + path, timeout=10)
        assert code == 200, (path, body)
        return body


def all_pages(rest_url: str, path: str) -> list[Any]:
    """Every item of a paged REST list (/state, /blocks), following paging.next."""
    separator = "&" if "?" in path else "?"
    url: str | None = f"{rest_url}{path}{separator}limit=1000"
    items: list[Any] = []
    while url:
        code, body = get_json(url, timeout=10)
        assert code == 200, (url, body)
        items += body["data"]
        url = body.get("paging", {}).get("next")
    return items


def wait_until(check: Any, what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:g} s")
        time.sleep(0.2)
