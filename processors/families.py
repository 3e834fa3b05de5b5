"""The transaction families SmartBlocks serves: one line per family package.

Each package exports its descriptor as `FAMILY` (kit/family.py); `smartblocks tp`, the CLI and
the portal find families here. `smartblocks tp` also accepts "module.path:HandlerClass".
"""

from __future__ import annotations

import importlib
import inspect

from sawtooth_sdk.processor.handler import TransactionHandler

from . import block_info, blockmeter, blockpredict, energycontract, kv, settings
from .kit.family import Family

FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        block_info.FAMILY,
        blockmeter.FAMILY,
        blockpredict.FAMILY,
        energycontract.FAMILY,
        kv.FAMILY,
        settings.FAMILY,
    )
}


def load_handler(spec: str) -> TransactionHandler:
    """A handler instance for a family name or "module.path:HandlerClass"; ValueError if not."""
    family = FAMILIES.get(spec)
    if family is not None:
        return family.handler()
    module_name, _, class_name = spec.partition(":")
    if not class_name:
        known = ", ".join(sorted(FAMILIES)) or "none yet"
        raise ValueError(
            f"unknown transaction family {spec!r} (known: {known}; "
            "or give module.path:HandlerClass)"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"cannot import {module_name!r} for {spec!r}: {exc}") from exc
    handler_class = getattr(module, class_name, None)
    if not (isinstance(handler_class, type) and issubclass(handler_class, TransactionHandler)):
        raise ValueError(f"{spec!r} is not a TransactionHandler class")
    if inspect.isabstract(handler_class):
        raise ValueError(f"{spec!r} is abstract: it does not implement every handler method")
    return handler_class()
