"""Faults of the link to the validator, as a handler sees them.

They subclass the SDK's InternalError: a handler that lets one escape from `apply` is answered
INTERNAL_ERROR, which tells the validator to send the transaction again later. The runtime also
remembers the fault, so a handler that wraps it in InvalidTransaction cannot turn a passing
network problem into a permanent verdict on the transaction.
"""

from __future__ import annotations

from sawtooth_sdk.processor.exceptions import InternalError


class ValidatorUnavailable(InternalError):
    """A state, receipt or event call got no answer."""


class StateCallTimeout(ValidatorUnavailable):
    """The validator did not answer a call in time."""


class ConnectionLost(ValidatorUnavailable):
    """The connection that carried the request closed; the validator will send it again."""


class RegistrationRefused(Exception):
    """The validator answered a TpRegisterRequest with an error: retrying will not help."""
