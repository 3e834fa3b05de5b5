"""stack.toml: the demo's ports and settings, or the components of a custom stack.

Validated at start; every error names the file, the line and the key, like the agent's config
(the same `Params` and line finder).
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from smartblocks.ledger.endpoints import COMPONENT_PORT, REST_API_PORT, check_component_url
from smartblocks.ledger.errors import ConfigError, UserError
from smartblocks.ledger.toml_config import ParamError, Params, load_toml

NAME = re.compile(r"^[a-z][a-z0-9-]{0,23}$")
HTTP_READY = re.compile(r"^https?://[^/\s]+\S*$")


@dataclass(frozen=True)
class Ports:
    """Where the demo's services listen on 127.0.0.1."""

    component: int = COMPONENT_PORT
    rest_api: int = REST_API_PORT
    portal: int = 8080
    agent_metrics: int = 9464

    def labelled(self) -> list[tuple[str, int]]:
        return [
            ("component", self.component),
            ("rest_api", self.rest_api),
            ("portal", self.portal),
            ("agent_metrics", self.agent_metrics),
        ]


@dataclass(frozen=True)
class DemoSettings:
    # How many days the agent replays through its spool before going live; the set-up writes
    # the year of history before them straight to the ledger (demo_history.py), much faster.
    days: int = 2
    speed: int = 14400  # simulated seconds per real second while catching up: a day in 6 s
    progress_s: float = 5.0  # seconds between progress lines
    # The four market scenarios beside the building (clients/stack/demo_markets.py).
    markets: bool = False


@dataclass(frozen=True)
class ComponentSpec:
    name: str
    command: tuple[str, ...]
    ready: str | None = None  # tcp://HOST:PORT or an http(s) URL answering below 500
    ready_timeout_s: float = 60.0
    oneshot: bool = False
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StackFile:
    ports: Ports = Ports()
    demo: DemoSettings = DemoSettings()
    components: tuple[ComponentSpec, ...] = ()


def load(path: str | Path) -> StackFile:
    return load_toml(path, parse, ConfigError, what="stack file")


def parse(doc: dict) -> StackFile:
    root = Params(doc)
    ports = _ports(root.sub("ports"))
    demo = _demo(root.sub("demo"))
    components = [_component(t) for t in root.table_list("components")]
    seen: dict[str, int] = {}
    for i, component in enumerate(components):
        if component.name in seen:
            raise ParamError(
                ("components", i, "name"),
                f"duplicate name {component.name!r} (also components[{seen[component.name]}])",
            )
        seen[component.name] = i
    root.done()
    return StackFile(ports, demo, tuple(components))


def _ports(table: Params) -> Ports:
    defaults = Ports()
    values = {
        label: table.integer(label, default, low=1, high=65535)
        for label, default in defaults.labelled()
    }
    table.done()
    taken: dict[int, str] = {}
    for label, port in values.items():
        if port in taken:
            raise table.error(label, f"port {port} is also given to {taken[port]}")
        taken[port] = label
    return Ports(**values)


def _demo(table: Params) -> DemoSettings:
    settings = DemoSettings(
        days=table.integer("days", DemoSettings.days, low=1, high=366),
        speed=table.integer("speed", DemoSettings.speed, low=2, high=1_000_000),
        progress_s=_seconds(table, "progress_s", DemoSettings.progress_s, 0.2, 3600),
        markets=table.boolean("markets", DemoSettings.markets),
    )
    table.done()
    return settings


def _component(table: Params) -> ComponentSpec:
    name = table.text("name")
    if not NAME.match(name):
        raise table.error("name", f"must match {NAME.pattern}, got {name!r}")
    command = table.value("command", None)
    if not (isinstance(command, list) and command and all(isinstance(c, str) for c in command)):
        raise table.error("command", f"must be a list of strings (program, args), got {command!r}")
    ready = table.text("ready", None)
    if ready is not None and not _ready_spec(ready):
        raise table.error("ready", f"must be tcp://HOST:PORT or an http(s) URL, got {ready!r}")
    timeout = _seconds(table, "ready_timeout_s", 60.0, 0.1, 3600)
    oneshot = table.boolean("oneshot", False)
    env = table.sub("env").table
    for key, value in env.items():
        if not isinstance(value, str):
            raise ParamError((*table.prefix, "env", key), "must be a string")
    table.done()
    return ComponentSpec(name, tuple(command), ready, timeout, oneshot, dict(env))


def _ready_spec(ready: str) -> bool:
    """tcp://HOST:PORT (the port open) or an http(s) URL (answering below 500)."""
    if ready.startswith("tcp://"):
        try:
            check_component_url(ready)
        except ValueError:
            return False
        return True
    return HTTP_READY.match(ready) is not None


def _seconds(table: Params, key: str, default: float, low: float, high: float) -> float:
    value = table.value(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise table.error(
            key, f"must be a number of seconds from {low:g} to {high:g}, got {value!r}"
        )
    return float(value)


def resolve_program(program: str) -> str:
    """A bare program name, looked up beside this Python first (the venv's `smartblocks`)."""
    if "/" in program:
        return program
    beside = Path(sys.executable).parent / program
    if beside.exists():
        return str(beside)
    found = shutil.which(program)
    if found is None:
        raise UserError(f"program {program!r} not found (in {beside.parent} or on PATH)")
    return found
