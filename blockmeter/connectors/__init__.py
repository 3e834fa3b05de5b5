"""Protocol connectors: each turns one meter's source into timestamped base-unit samples.

Modules are imported only when a config uses them (asyncua alone weighs tens of MB), so KINDS
maps a connector name to its module name.
"""

from __future__ import annotations

import importlib
from types import ModuleType

KINDS = {
    "modbus": "modbus",
    "opcua": "opcua",
    "csv_folder": "csv_folder",
    "simulator": "simulated",
}


def module(kind: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{KINDS[kind]}")
