"""A modern runtime for Sawtooth transaction handlers (the SDK's own cannot run on 3.10+).

`ProcessorRuntime(endpoint, handlers).run()` serves any unchanged
`sawtooth_sdk.processor.handler.TransactionHandler`; see docs/processor-runtime.md.
"""

from smartblocks.ledger.backoff import Backoff
from smartblocks.processors.runtime.errors import (
    ConnectionLost,
    RegistrationRefused,
    StateCallTimeout,
    ValidatorCallFailed,
)
from smartblocks.processors.runtime.runtime import (
    DEFAULT_MAX_OCCUPANCY,
    ProcessorRuntime,
    Timeouts,
)

__all__ = [
    "DEFAULT_MAX_OCCUPANCY",
    "Backoff",
    "ConnectionLost",
    "ProcessorRuntime",
    "RegistrationRefused",
    "StateCallTimeout",
    "Timeouts",
    "ValidatorCallFailed",
]
