"""Sawtooth 1.0 validators (processor protocol version 0) and registrations never left behind.

A 1.0 validator keeps a registration until the processor unregisters (or a transaction in flight
to it times out), and routes later transactions to it: a processor that leaves a registration
behind strands its family's transactions as PENDING (issue 16).
"""

from __future__ import annotations

import asyncio

from sawtooth_sdk.protobuf.processor_pb2 import TpProcessResponse

from smartblocks.processors.runtime import RegistrationRefused
from tests.support.runtime_handlers import EchoHandler, OpsHandler, address

OPS = ("testops", "1.0")


async def test_serves_a_sawtooth_10_validator_and_unregisters_on_stop(stub, start_runtime):
    stub.protocol_version = 0  # 1.0's TpRegisterResponse has no protocol_version field
    running = start_runtime(stub.endpoint, OpsHandler())
    await stub.wait_registered(OPS)
    stub.state[address("t", "a")] = b"5"
    response = await stub.process(
        *OPS, b"copy", inputs=[address("t", "a")], outputs=[address("t", "b")]
    )
    assert response.status == TpProcessResponse.OK
    assert stub.state[address("t", "b")] == b"5!"

    await running.stop()
    assert running.error is None
    assert stub.unregistrations == 1


async def test_a_refused_registration_unregisters_the_ones_accepted(stub, start_runtime):
    stub.refuse_families = {"testecho"}
    running = start_runtime(stub.endpoint, OpsHandler(), EchoHandler())
    await asyncio.to_thread(running.thread.join, 10)
    assert isinstance(running.error, RegistrationRefused)
    assert "refused to register testecho 1.0" in str(running.error)
    # testops was registered first; the runtime took it back before it left.
    assert stub.unregistrations == 1


async def test_an_unknown_protocol_version_is_refused_after_unregistering(stub, start_runtime):
    stub.protocol_version = 7
    running = start_runtime(stub.endpoint, OpsHandler())
    await asyncio.to_thread(running.thread.join, 10)
    assert isinstance(running.error, RegistrationRefused)
    assert "protocol version 7" in str(running.error)
    assert stub.unregistrations == 1


async def test_an_unanswered_registration_is_taken_back_before_reconnecting(stub, start_runtime):
    stub.silent_families = {"testecho"}  # accepted, but the answer never comes
    start_runtime(stub.endpoint, OpsHandler(), EchoHandler())
    await stub.wait_for(lambda: stub.unregistrations >= 1, timeout=10)
    stub.silent_families = set()
    await stub.wait_registered(OPS, ("testecho", "1.0"))
    assert (await stub.process(*OPS, b"ok")).status == TpProcessResponse.OK
