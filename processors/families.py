"""The transaction families `smartblocks tp` can serve, by name.

Each entry maps a family name to "module.path:HandlerClass"; the class is imported only when
that family is served. `smartblocks tp` also accepts a "module.path:HandlerClass" spec directly.
"""

from __future__ import annotations

import importlib
import inspect

from sawtooth_sdk.processor.handler import TransactionHandler

FAMILIES: dict[str, str] = {
    "blockmeter": "smartblocks.processors.blockmeter.handler:BlockMeterHandler",
    "kv": "smartblocks.processors.kv.handler:KvHandler",
}


def load_handler(spec: str) -> TransactionHandler:
    """A handler instance for a family name or "module.path:HandlerClass"; ValueError if not."""
    target = FAMILIES.get(spec, spec)
    module_name, _, class_name = target.partition(":")
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
        raise ValueError(f"{target!r} is not a TransactionHandler class")
    if inspect.isabstract(handler_class):
        raise ValueError(f"{target!r} is abstract: it does not implement every handler method")
    return handler_class()
