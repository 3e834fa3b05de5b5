"""The contract templates: one deterministic module each (docs/energycontract.md#templates).

Each module has NAME (the Terms oneof field), TITLE, SUMMARY, `check(params)` (raise
InvalidTransaction naming the field and value) and `settle(params, period, measured, state)
-> Outcome`. The settle action and every preview call them through `template_of(terms)`.
"""

from __future__ import annotations

from types import ModuleType

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.protos.energycontract_pb2 import Terms

from . import energy_supply, first_out, guaranteed_savings, shared_savings

TEMPLATES: dict[str, ModuleType] = {
    module.NAME: module for module in (shared_savings, guaranteed_savings, first_out, energy_supply)
}


def template_of(terms: Terms) -> tuple[ModuleType, object]:
    """The template module and its parameters message; InvalidTransaction when none is set."""
    name = terms.WhichOneof("template")
    if name is None:
        raise InvalidTransaction(
            f"terms of contract {terms.contract_id}: no template; set one of {', '.join(TEMPLATES)}"
        )
    return TEMPLATES[name], getattr(terms, name)
