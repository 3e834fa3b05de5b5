"""A modern runtime for Sawtooth transaction handlers (the SDK's own cannot run on 3.10+).

`ProcessorRuntime(endpoint, handlers).run()` serves any unchanged
`sawtooth_sdk.processor.handler.TransactionHandler`; see docs/processor-runtime.md.
"""

from smartblocks.processors.runtime.errors import (
    ConnectionLost,
    RegistrationRefused,
    StateCallTimeout,
    ValidatorUnavailable,
)
from smartblocks.processors.runtime.runtime import (
    DEFAULT_MAX_OCCUPANCY,
    Backoff,
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
    "ValidatorUnavailable",
]
