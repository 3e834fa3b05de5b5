"""A devnet and transaction processors as subprocesses on free ports, for benchmarks that
measure the whole path (REST, validator, processor). Stops only the processes it started."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "smartblocks.clients.cli.main"]
READY_TIMEOUT = 30.0


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


class DevnetNode:
    """`smartblocks devnet` plus `smartblocks tp FAMILY` processes; use as a context manager."""

    def __init__(self, data_dir: Path, families: list[str], devnet_args: list[str]) -> None:
        self.data_dir = data_dir
        self.families = families
        self.devnet_args = devnet_args
        self.devnet: subprocess.Popen | None = None
        self.processors: list[subprocess.Popen] = []
        self.component = ""
        self.rest_url = ""

    def __enter__(self) -> DevnetNode:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _start(self) -> None:
        log = (self.data_dir.parent / "devnet.log").open("a")
        self.devnet = subprocess.Popen(
            [*CLI, "devnet", "--data-dir", str(self.data_dir), "--component",
             "tcp://127.0.0.1:0", "--rest-api", "127.0.0.1:0", *self.devnet_args],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True,
        )  # fmt: skip
        log.close()
        assert self.devnet.stdout is not None
        for line in self.devnet.stdout:
            label, _, value = line.strip().partition(": ")
            if label == "component endpoint":
                self.component = value
            elif label == "REST API":
                self.rest_url = value
            elif line.strip() == "ready":
                break
        else:
            raise RuntimeError(f"devnet exited before ready; see {log.name}")
        for family in self.families:
            with (self.data_dir.parent / f"tp-{family}.log").open("a") as tp_log:
                self.processors.append(
                    subprocess.Popen(
                        [*CLI, "tp", family, "--connect", self.component],
                        cwd=ROOT,
                        stdout=subprocess.DEVNULL,
                        stderr=tp_log,
                    )
                )
        self._wait_registered()

    def _wait_registered(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            registered = {p["family"] for p in self.status().get("processors", [])}
            if set(self.families) <= registered:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"processors {self.families} not registered in time")
            time.sleep(0.05)

    def pids(self) -> dict[str, int]:
        """Process ids by role: "devnet" and each family served."""
        assert self.devnet is not None
        pids = {"devnet": self.devnet.pid}
        pids.update({f: p.pid for f, p in zip(self.families, self.processors, strict=True)})
        return pids

    def status(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.rest_url + "/status", timeout=5) as response:
            return dict(json.loads(response.read())["data"])

    def stop(self) -> None:
        for process in self.processors:
            _stop(process)
        if self.devnet is not None:
            _stop(self.devnet)
            if self.devnet.stdout is not None:
                self.devnet.stdout.close()
