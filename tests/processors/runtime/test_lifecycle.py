"""Connection lifecycle: validator restarts, late validators, unregistration, refusal, signals."""

from __future__ import annotations

import asyncio
import logging
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessResponse, TpUnregisterResponse

from smartblocks.processors.runtime import RegistrationRefused
from tests.support.runtime_handlers import OpsHandler, address
from tests.support.validator_stub import ValidatorStub

OPS = ("testops", "1.0")
ROOT = Path(__file__).resolve().parents[3]


async def wait_for_log(caplog: pytest.LogCaptureFixture, text: str, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while text not in caplog.text:
            await asyncio.sleep(0.01)


async def test_validator_restart_mid_stream(stub, start_runtime, caplog):
    caplog.set_level(logging.INFO, logger="smartblocks")
    start_runtime(stub.endpoint, OpsHandler())
    await stub.wait_registered(OPS)
    assert (await stub.process(*OPS, b"ok")).status == TpProcessResponse.OK

    # A transaction is in flight, waiting on a state call, when the validator goes away.
    stub.answer_state_calls = False
    in_flight = asyncio.ensure_future(stub.process(*OPS, b"copy", inputs=[address("t", "a")]))
    await stub.wait_for(lambda: len(stub.state_calls) == 1)
    port = stub.port
    await stub.close()
    with pytest.raises(asyncio.CancelledError):
        await in_flight

    restarted = await ValidatorStub.start(port)
    try:
        await restarted.wait_registered(OPS)
        restarted.state[address("t", "a")] = b"1"
        response = await restarted.process(
            *OPS, b"copy", inputs=[address("t", "a")], outputs=[address("t", "b")]
        )
        assert response.status == TpProcessResponse.OK
        assert restarted.state[address("t", "b")] == b"1!"
    finally:
        await restarted.close()
    assert "transaction(s) in flight abandoned" in caplog.text
    assert "reconnecting to" in caplog.text


async def test_waits_for_a_validator_that_starts_later(start_runtime, caplog):
    caplog.set_level(logging.INFO, logger="smartblocks")
    placeholder = await ValidatorStub.start()
    port = placeholder.port
    await placeholder.close()  # now nothing listens on the port

    start_runtime(f"tcp://127.0.0.1:{port}", OpsHandler())
    await wait_for_log(caplog, "reconnecting to")
    late = await ValidatorStub.start(port)
    try:
        await late.wait_registered(OPS)
        assert (await late.process(*OPS, b"ok")).status == TpProcessResponse.OK
    finally:
        await late.close()
    assert f"connecting to tcp://127.0.0.1:{port}" in caplog.text
    assert "registered testops 1.0 (namespaces " in caplog.text


async def test_unregistered_by_the_validator_it_registers_again(stub, start_runtime):
    start_runtime(stub.endpoint, OpsHandler())
    await stub.wait_registered(OPS)

    assert await stub.unregister(*OPS) == TpUnregisterResponse.OK
    await stub.wait_registered(OPS)
    assert len(stub.registrations) == 2
    assert (await stub.process(*OPS, b"ok")).status == TpProcessResponse.OK


async def test_refused_registration_stops_the_runtime(stub, start_runtime):
    stub.refuse_registration = True
    running = start_runtime(stub.endpoint, OpsHandler())
    await asyncio.to_thread(running.thread.join, 10)
    assert isinstance(running.error, RegistrationRefused)
    assert "refused to register testops 1.0" in str(running.error)


async def test_stop_unregisters_then_lets_transactions_in_flight_finish(stub, start_runtime):
    running = start_runtime(stub.endpoint, OpsHandler(), max_occupancy=1)
    await stub.wait_registered(OPS)
    stub.answer_state_calls = False
    stub.state[address("t", "a")] = b"7"
    in_flight = asyncio.ensure_future(
        stub.process(*OPS, b"copy", inputs=[address("t", "a")], outputs=[address("t", "b")])
    )
    await stub.wait_for(lambda: len(stub.state_calls) == 1)

    running.runtime.stop()
    await stub.wait_for(lambda: stub.unregistrations == 1)
    await stub.release_state_calls()
    assert (await in_flight).status == TpProcessResponse.OK
    assert stub.state[address("t", "b")] == b"7!"
    await asyncio.to_thread(running.thread.join, 10)
    assert not running.thread.is_alive()


async def test_sigterm_unregisters_and_exits_zero(stub):
    command = [
        sys.executable,
        "-m",
        "smartblocks.clients.cli.main",
        "tp",
        "tests.support.runtime_handlers:OpsHandler",
        "--connect",
        stub.endpoint,
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        await stub.wait_registered(OPS, timeout=30)
        assert (await stub.process(*OPS, b"ok")).status == TpProcessResponse.OK
        process.send_signal(signal.SIGTERM)
        await stub.wait_for(lambda: stub.unregistrations == 1)
        returncode = await asyncio.to_thread(process.wait, 10)
        _, stderr = process.communicate()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert returncode == 0, stderr
    assert "SIGTERM received: stopping" in stderr
    assert f"unregistered from {stub.endpoint}" in stderr


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tp", "testops", "--connect", "127.0.0.1:4004"], "not of the form tcp://HOST:PORT"),
        (["tp", "nosuchfamily"], "unknown transaction family 'nosuchfamily'"),
        (["tp", "tests.support.nosuchmodule:X"], "cannot import 'tests.support.nosuchmodule'"),
        (["tp", "tests.support.runtime_handlers:address"], "is not a TransactionHandler class"),
        (["tp", "tests.support.runtime_handlers:OpsHandler", "--max-occupancy", "0"], "at least 1"),
    ],
)
def test_cli_reports_bad_arguments_without_traceback(argv, message, capsys):
    from smartblocks.clients.cli.main import main

    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
