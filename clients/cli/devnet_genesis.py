"""What `smartblocks devnet` adds around the devnet: genesis settings and the system families.

- **Genesis settings**, as `sawset genesis` + `sawset proposal create` + `sawadm genesis` make
  them for a Sawtooth network: `--settings FILE.toml` and `--setting KEY=VALUE` become settings
  proposals signed by the devnet's validator key, executed in block 0. The defaults
  (DEFAULT_SETTINGS) come first, unless a given setting names the same key. Only a new chain
  takes them; an existing one changes its settings by proposal and vote.
- **System families**: the families a Sawtooth validator needs beside it (`SYSTEM_FAMILIES`,
  those of them that processors/families.py has), served by the processor runtime in this
  process, connected to the devnet's own component endpoint, so a plain `smartblocks devnet`
  works with no extra `smartblocks tp`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from smartblocks.ledger.errors import ConfigError, UserError
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import BATCH_INJECTORS, value_problem
from smartblocks.ledger.toml_config import ParamError, load_toml
from smartblocks.processors.families import FAMILIES
from smartblocks.processors.runtime import ProcessorRuntime

LOGGER = logging.getLogger(__name__)

SYSTEM_FAMILIES = ("sawtooth_settings", "block_info")
# The BlockInfo injector, and the block validation rules that keep its transaction the
# publisher's alone and first in each block (without them a client could write BlockInfo).
BLOCK_VALIDATION_RULES = "sawtooth.validator.block_validation_rules"
DEFAULT_SETTINGS = (
    (BATCH_INJECTORS, "block_info"),
    (BLOCK_VALIDATION_RULES, "NofX:1,block_info;XatY:block_info,0;local:0"),
)
SETTINGS_FAMILY = "sawtooth_settings"


# -- genesis settings ---------------------------------------------------------------------------


def parse_setting(text: str) -> tuple[str, str]:
    """`KEY=VALUE` (the value may hold "=" and be empty)."""
    key, equals, value = text.partition("=")
    key = key.strip()
    if not equals or not key:
        raise UserError(
            f"--setting needs KEY=VALUE, e.g. smartblocks.blockmeter.authorities=02ab..., "
            f"got {text!r}"
        )
    return key, value


def _flatten(table: dict[str, Any], path: tuple[str, ...]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, value in table.items():
        key = (*path, name)
        if isinstance(value, dict):
            out += _flatten(value, key)
        elif isinstance(value, str):
            out.append((".".join(key), value))
        elif isinstance(value, int) and not isinstance(value, bool):
            out.append((".".join(key), str(value)))
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out.append((".".join(key), ",".join(value)))
        else:
            raise ParamError(
                key,
                f"must be a string, an integer or a list of strings (a list is stored "
                f"comma-separated), got {value!r}",
            )
    return out


def read_settings_file(path: Path) -> list[tuple[str, str]]:
    """The settings in a TOML file: tables and dotted keys name the setting, e.g.

    [smartblocks.blockmeter]
    authorities = ["02ab...", "03cd..."]      # stored as "02ab...,03cd..."
    [sawtooth.validator]
    batch_injectors = "block_info"
    """

    def parse(doc: dict[str, Any]) -> list[tuple[str, str]]:
        return _flatten(doc, ())

    return load_toml(path.expanduser(), parse, ConfigError, what="settings file")


def given_settings(files: Sequence[Path], flags: Sequence[str]) -> list[tuple[str, str]]:
    """The settings the user gave: files first, then --setting flags; a later value of a key
    replaces an earlier one. Known smartblocks.* and vote settings are checked here, so a typo
    in a key list stops the start instead of failing genesis."""
    chosen: dict[str, str] = {}
    for path in files:
        chosen.update(read_settings_file(path))
    for text in flags:
        key, value = parse_setting(text)
        chosen[key] = value
    for key, value in chosen.items():
        problem = value_problem(key, value)
        if problem is not None:
            raise UserError(f"genesis setting {key}: {problem}")
    return list(chosen.items())


def with_defaults(given: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    named = {key for key, _ in given}
    return [*((k, v) for k, v in DEFAULT_SETTINGS if k not in named), *given]


def genesis_batches(signer: Signer, settings: Sequence[tuple[str, str]]) -> list[bytes]:
    """The serialized genesis batches: the authorized keys (the validator's), then `settings`."""
    from smartblocks.processors.settings.txn import genesis_batches as build

    return [batch.SerializeToString() for batch in build(signer, settings)]


def refuse_on_existing_chain(data_dir: Path) -> UserError:
    return UserError(
        f"the chain in {data_dir} already exists: genesis settings (--setting, --settings) "
        "apply only to a new chain. Change a setting on this chain by a proposal and vote: "
        "`smartblocks settings propose KEY VALUE --key K` with a key in "
        "sawtooth.settings.vote.authorized_keys (at genesis, the validator's key, "
        f"{data_dir / 'validator.priv'}); or start a new chain with a new --data-dir"
    )


# -- system families ----------------------------------------------------------------------------


def system_families() -> list[str]:
    """The system families this build has, in SYSTEM_FAMILIES order."""
    return [name for name in SYSTEM_FAMILIES if name in FAMILIES]


def local_url(url: str) -> str:
    """Where a process on this machine reaches an endpoint bound to all interfaces."""
    for wildcard in ("tcp://0.0.0.0:", "tcp://*:", "tcp://[::]:"):
        if url.startswith(wildcard):
            return "tcp://127.0.0.1:" + url[len(wildcard) :]
    return url


class SystemProcessors:
    """The system families' handlers, served by a ProcessorRuntime on a thread of its own (its
    own event loop; `apply` runs on its worker threads), connected to `endpoint`."""

    def __init__(self, endpoint: str, families: Sequence[str]) -> None:
        self.families = list(families)
        handlers = [FAMILIES[name].handler() for name in self.families]
        self.runtime = ProcessorRuntime(local_url(endpoint), handlers)
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="system-families", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            self.runtime.run()
        except BaseException as exc:  # reported by the devnet command; the thread just ends
            self.error = exc
            LOGGER.error("the system families' processor stopped: %s", exc)

    def stop(self, timeout: float = 10.0) -> None:
        """Unregister and wait for the thread (call it off the devnet's loop, which must keep
        answering meanwhile)."""
        self.runtime.stop()
        self._thread.join(timeout)
