"""Turns one `handler.apply` into the TpProcessResponse the validator gets.

The handler gets the SDK's own `Context` over a RequestStream: on protobuf's upb backend the
SDK's message code costs a few microseconds a call, less than hand-written wire code
(docs/protobuf.md).

InvalidTransaction and InternalError keep their message and extended_data. Any other exception
is a bug in deterministic code: every validator running this code fails the same way, so the
transaction is answered INVALID_TRANSACTION (naming the exception) rather than INTERNAL_ERROR,
which the validator would resend forever and so stall the chain. A fault of the link to the
validator wins over whatever the handler raised: it says nothing about the transaction.
"""

from __future__ import annotations

import logging

from sawtooth_sdk.processor.context import Context
from sawtooth_sdk.processor.exceptions import (
    AuthorizationException,
    InternalError,
    InvalidTransaction,
)
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest, TpProcessResponse

from smartblocks.processors.runtime.handlers import HandlerTable
from smartblocks.processors.runtime.stream import RequestStream

LOG = logging.getLogger(__name__)

OK = TpProcessResponse.OK
INVALID = TpProcessResponse.INVALID_TRANSACTION
INTERNAL = TpProcessResponse.INTERNAL_ERROR


def process(
    handlers: HandlerTable, request: TpProcessRequest, stream: RequestStream
) -> TpProcessResponse:
    """Apply the matching handler to the request and say how it went."""
    family, version = request.header.family_name, request.header.family_version
    handler = handlers.find(family, version)
    if handler is None:
        # The validator routes by our registrations, so this is a routing fault, not the
        # transaction's: INTERNAL_ERROR lets a correctly registered processor take it.
        return TpProcessResponse(
            status=INTERNAL, message=f"this processor does not serve {family} {version}"
        )
    context = Context(stream, request.context_id)
    try:
        handler.apply(request, context)
        response = TpProcessResponse(status=OK)
    except InvalidTransaction as exc:
        response = _answer(INVALID, str(exc), exc.extended_data)
    except InternalError as exc:
        response = _answer(INTERNAL, str(exc), exc.extended_data)
    except AuthorizationException as exc:
        # The transaction touched an address outside its declared inputs/outputs.
        response = _answer(INVALID, str(exc), None)
    except Exception as exc:
        LOG.exception("bug: %s %s raised while applying a transaction", family, version)
        name = type(exc).__name__
        response = _answer(INVALID, f"unexpected {name} in {family} {version}: {exc}", None)
    if stream.fault is not None:
        return _answer(INTERNAL, str(stream.fault), None)
    return response


def _answer(status: int, message: str, extended_data: bytes | None) -> TpProcessResponse:
    return TpProcessResponse(status=status, message=message, extended_data=extended_data or b"")
