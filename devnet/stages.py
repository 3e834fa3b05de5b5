"""The devnet's stage counters (smartblocks.ledger.stage_times): off unless the ingest benchmark
sets SMARTBLOCKS_STAGE_TIMES. Stage names are what bench/bench_ingest.py reports."""

from smartblocks.ledger.stage_times import StageTimes

STAGES = StageTimes("devnet")

REST_DECODE = "REST: read and split submissions"
BATCH_CHECKS = "batch checks: decode, payload SHA-512, rules"
SIGNATURES = "signature verification (batch + transactions)"
SCHEDULING = "scheduling: choose batches, plan, track"
EXECUTOR = "processor round trips: requests and replies (validator side)"
STATE_CALLS = "processor round trips: state gets/sets/events (validator side)"
ENDPOINT_RECEIVE = "component endpoint: receive and route"
ENDPOINT_SEND = "component endpoint: send"
RECEIPTS_EVENTS = "receipts and block events: build"
MERKLE = "Merkle update"
SQLITE = "SQLite: write block, batches, index, receipts; commit"
EVENT_DELIVERY = "event delivery to subscribers"
