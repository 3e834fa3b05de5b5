"""manager.toml: which validator the contract manager follows, which key signs its settlements,
where its index lives and which contracts it settles (example: manager.example.toml).

    [service]
    rest_api = "http://127.0.0.1:8008"
    component = "tcp://127.0.0.1:4004"
    key = "keys/manager.priv"           # signs `settle` (anyone may settle a contract)
    state = "data/manager.sqlite"       # the last block seen, the contracts index, settlements
    log_level = "info"                  # debug | info | warning | error

    [settle]
    # at most one of:
    # contracts = ["hq-2027", "depot-2027"]   # exactly these contracts
    # parties = ["02ab...", "03cd..."]  # contracts where one of these keys is esco or owner
    # all = true                        # every contract on the ledger
    # none of them: contracts where the manager's key is the esco or the owner

Relative paths are relative to the config file. Errors name the file, the line and the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smartblocks.ledger.endpoints import DEFAULT_COMPONENT, DEFAULT_REST_API
from smartblocks.ledger.errors import ConfigError
from smartblocks.ledger.keys import is_public_key
from smartblocks.ledger.toml_config import Params, load_toml

LOG_LEVELS = ("debug", "info", "warning", "error")


@dataclass(frozen=True)
class Selection:
    """Which contracts the manager settles: `ids` (key `contracts`), else those where one of
    `parties` is the esco or the owner, else every one (`all`), else those where the manager's
    own key is the esco or the owner."""

    ids: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    all: bool = False

    def describe(self, own_key: str) -> str:
        if self.ids:
            return f"contracts {', '.join(self.ids)}"
        if self.all:
            return "every contract"
        keys = self.parties or (own_key,)
        return "contracts where " + ", ".join(k[:12] + "…" for k in keys) + " is a party"

    def includes(self, contract_id: str, esco: str, owner: str, own_key: str) -> bool:
        if self.ids:
            return contract_id in self.ids
        if self.all:
            return True
        keys = self.parties or (own_key,)
        return esco in keys or owner in keys


@dataclass(frozen=True)
class ManagerConfig:
    key: Path
    state: Path
    selection: Selection = Selection()
    rest_api: str = DEFAULT_REST_API
    component: str = DEFAULT_COMPONENT
    log_level: str = "info"


def load_config(path: Path | str) -> ManagerConfig:
    base = Path(path).parent
    return load_toml(path, lambda doc: parse(doc, base), ConfigError, what="manager config")


def parse(doc: dict[str, Any], base: Path = Path(".")) -> ManagerConfig:
    top = Params(doc)
    service = top.sub("service")
    rest_api = service.text("rest_api", DEFAULT_REST_API)
    component = service.text("component", DEFAULT_COMPONENT)
    if not component.startswith("tcp://"):
        raise service.error("component", f"must be tcp://HOST:PORT, got {component!r}")
    if not rest_api.startswith(("http://", "https://")):
        raise service.error("rest_api", f"must be an http:// or https:// URL, got {rest_api!r}")
    key = base / service.text("key")
    state = base / service.text("state", "manager.sqlite")
    log_level = service.text("log_level", "info", choices=LOG_LEVELS)
    service.done(list_known=True)

    chosen = top.sub("settle")
    ids = chosen.texts("contracts", None)
    parties = chosen.texts("parties", None)
    every = chosen.boolean("all", False)
    given = [k for k, v in (("contracts", ids), ("parties", parties), ("all", every)) if v]
    if len(given) > 1:
        raise chosen.error(
            given[1], f"give at most one of contracts, parties and all (also {given[0]})"
        )
    for party in parties or ():
        if not is_public_key(party):
            raise chosen.error("parties", f"{party!r} is not a public key (66 hex digits)")
    if ids and len(set(ids)) != len(ids):
        raise chosen.error("contracts", "lists a contract twice")
    chosen.done(list_known=True)
    top.done(list_known=True)
    return ManagerConfig(
        key=key,
        state=state,
        selection=Selection(tuple(ids or ()), tuple(parties or ()), every),
        rest_api=rest_api,
        component=component,
        log_level=log_level,
    )
