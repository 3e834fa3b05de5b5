"""Faults of the link to the validator, as a handler sees them.

They subclass the SDK's InternalError: a handler that lets one escape from `apply` is answered
INTERNAL_ERROR, which tells the validator to send the transaction again later. The runtime also
remembers the fault, so a handler that wraps it in InvalidTransaction cannot turn a passing
network problem into a permanent verdict on the transaction. They are also the shared core's
ValidatorUnavailable, which any client of a validator raises when it gets no answer.
"""

from __future__ import annotations

from sawtooth_sdk.processor.exceptions import InternalError

from smartblocks.ledger.errors import ValidatorUnavailable


class ValidatorCallFailed(InternalError, ValidatorUnavailable):
    """A state, receipt or event call got no answer."""


class StateCallTimeout(ValidatorCallFailed):
    """The validator did not answer a call in time."""


class ConnectionLost(ValidatorCallFailed):
    """The connection that carried the request closed; the validator will send it again."""


class RegistrationRefused(Exception):
    """The validator answered a TpRegisterRequest with an error: retrying will not help."""
