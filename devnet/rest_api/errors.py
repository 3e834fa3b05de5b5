"""The REST API's error answers: Sawtooth 1.2's codes, HTTP statuses and titles.

Clients key on `code` (and Sawtooth's titles), so those match Sawtooth exactly. Each error is
rendered as `{"error": {"code", "title", "message"}}`; the message says what was wrong with this
request and what to do about it.
"""

from __future__ import annotations

import json

from aiohttp import web


class ApiError(web.HTTPException):
    """An answer with Sawtooth's JSON error envelope. Subclasses set code, status and title."""

    code: int = 0
    status_code = 500
    title: str = ""
    message: str = ""

    def __init__(self, detail: str = "") -> None:
        self.detail = f"{self.message} {detail}".strip() if detail else self.message
        super().__init__(
            content_type="application/json",
            text=render_error(self.code, self.title, self.detail),
        )


def render_error(code: int, title: str, message: str) -> str:
    error = {"code": code, "title": title, "message": message}
    return json.dumps({"error": error}, indent=2, separators=(",", ": "), sort_keys=True)


def _error(code: int, status: int, title: str, message: str) -> type[ApiError]:
    return type(
        title.title().replace(" ", ""),
        (ApiError,),
        {"code": code, "status_code": status, "title": title, "message": message},
    )


# Validator-side faults.
UnknownValidatorError = _error(
    10, 500, "Unknown Validator Error", "The validator reported an internal error for this request."
)
# Same code and title as Sawtooth uses for any unexpected failure; the message says where.
RestApiFault = _error(
    10, 500, "Unknown Validator Error", "The REST API failed on this request; its log says why."
)
ValidatorNotReady = _error(
    15, 503, "Validator Not Ready", "The validator has no genesis block yet; try again later."
)
ValidatorTimedOut = _error(
    17,
    503,
    "Validator Timed Out",
    "No answer from the validator in time; the request may or may not have been processed.",
)
ValidatorDisconnected = _error(
    18,
    503,
    "Validator Disconnected",
    "The REST API is not connected to the validator's component endpoint; check that the "
    "validator is running and try again.",
)
ValidatorResponseInvalid = _error(
    20, 500, "Invalid Validator Response", "The validator's answer could not be decoded."
)
ResourceHeaderInvalid = _error(
    21, 500, "Invalid Resource Header", "A resource from the validator had an undecodable header."
)
StatusResponseMissing = _error(
    27, 500, "Unable to Fetch Statuses", "The validator returned no batch statuses."
)

# Batch submission.
SubmittedBatchesInvalid = _error(
    30,
    400,
    "Submitted Batches Invalid",
    "The validator rejected the BatchList: a batch or transaction is malformed or has a bad "
    "signature or payload hash.",
)
BatchQueueFull = _error(
    31,
    429,
    "Unable to Accept Batches",
    "The validator's batch queue is full; submit again after a short wait.",
)
NoBatchesSubmitted = _error(
    34, 400, "No Batches Submitted", "The BatchList holds no batches; send at least one."
)
BadProtobufSubmitted = _error(
    35, 400, "Protobuf Not Decodable", "The body is not a decodable protobuf BatchList."
)
SubmissionWrongContentType = _error(
    42,
    400,
    "Wrong Content Type",
    "POST /batches takes a protobuf BatchList with Content-Type 'application/octet-stream'.",
)
StatusWrongContentType = _error(
    43,
    400,
    "Wrong Content Type",
    "POST /batch_statuses takes a JSON array of ids with Content-Type 'application/json'.",
)
StatusBodyInvalid = _error(
    46,
    400,
    "Bad Status Request",
    "POST /batch_statuses takes a JSON array of at least one batch id string.",
)

# Queries.
HeadNotFound = _error(
    50, 404, "Head Not Found", "No block has the id given in the 'head' query parameter."
)
CountInvalid = _error(
    53, 400, "Invalid Count Query", "The 'limit' query parameter must be a positive integer."
)
PagingInvalid = _error(
    54,
    400,
    "Invalid Paging Query",
    "The 'start' query parameter is not a position in this list (use a paging.next_position "
    "from an earlier answer).",
)
SortInvalid = _error(
    57,
    400,
    "Invalid Sort Query",
    "The 'reverse' query parameter must be empty, 'true' or 'false'.",
)
InvalidResourceId = _error(
    60,
    400,
    "Invalid Resource Id",
    "Blocks, batches and transactions are identified by 128 lowercase hex characters; "
    "this id is not one:",
)
InvalidStateAddress = _error(
    62,
    400,
    "Invalid State Address",
    "State addresses are lowercase hex, whole bytes, at most 70 characters (70 for one entry):",
)
StatusIdQueryInvalid = _error(
    66,
    400,
    "Id Query Invalid or Missing",
    "GET /batch_statuses needs an 'id' query parameter: a comma-separated list of batch ids.",
)

# Unknown resources.
BlockNotFound = _error(70, 404, "Block Not Found", "No block has this id.")
BatchNotFound = _error(71, 404, "Batch Not Found", "No committed batch has this id.")
TransactionNotFound = _error(
    72, 404, "Transaction Not Found", "No committed transaction has this id."
)
StateNotFound = _error(75, 404, "State Not Found", "No state entry at this address.")
ReceiptNotFound = _error(
    80, 404, "Transaction Receipt Not Found", "No receipt for a transaction id in this request."
)
ReceiptWrongContentType = _error(
    81,
    400,
    "Wrong Content Type",
    "POST /receipts takes a JSON array of ids with Content-Type 'application/json'.",
)
ReceiptBodyInvalid = _error(
    82,
    400,
    "Bad Receipts Request",
    "POST /receipts takes a JSON array of at least one transaction id string.",
)
ReceiptIdQueryInvalid = _error(
    83,
    400,
    "Id Query Invalid or Missing",
    "GET /receipts needs an 'id' query parameter: a comma-separated list of transaction ids.",
)

# HTTP-level faults. Sawtooth's REST API leaves these to aiohttp, which answers in plain text;
# here they are JSON envelopes too, with codes of their own (Sawtooth uses none above 83).
RouteNotFound = _error(
    90,
    404,
    "Resource Not Found",
    "No such path. The REST API serves /batches, /batch_statuses, /state, /blocks, "
    "/transactions, /receipts, /peers and /status.",
)
MethodNotAllowed = _error(91, 405, "Method Not Allowed", "This path does not take this method.")
RequestTooLarge = _error(
    92, 413, "Request Too Large", "The request body is larger than the REST API accepts."
)
BadRequest = _error(93, 400, "Bad Request", "The request is not well-formed HTTP and was not read:")
# The longest request line and header the REST API reads: aiohttp's default, as in Sawtooth's
# REST API (about 60 ids in GET /batch_statuses?id=...).
MAX_LINE = 8190
RequestLineTooLong = _error(
    94,
    400,
    "Request Line Too Long",
    f"The request line or a header is longer than the REST API reads ({MAX_LINE} bytes). For "
    "many ids, POST them as a JSON list to /batch_statuses or /receipts instead of GET ?id=...",
)
ContentEncodingUnsupported = _error(
    95,
    415,
    "Content Encoding Not Supported",
    "POST bodies are taken as sent: send them without a Content-Encoding (or 'identity').",
)
