"""The supervisor against real child processes (small Python scripts)."""

import asyncio
import io
import sys

import pytest

from smartblocks.clients.stack.supervisor import Component, StackError, Supervisor, tcp_ready

PY = sys.executable


def script(code: str) -> list[str]:
    return [PY, "-c", code]


async def wait_for_line(out: io.StringIO, text: str, timeout: float = 20) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while text not in out.getvalue():
        if loop.time() > deadline:
            raise AssertionError(f"{text!r} not in output:\n{out.getvalue()}")
        await asyncio.sleep(0.05)


async def test_prefixes_logs_runs_oneshots_in_order_and_stops_cleanly(tmp_path):
    marker = tmp_path / "setup-done"
    out = io.StringIO()
    service = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, lambda *a: (print('bye'), sys.exit(0)))\n"
        "print('serving', flush=True)\n"
        "while True: time.sleep(0.1)\n"
    )
    sup = Supervisor(
        [
            Component(
                "setup",
                script(f"open({str(marker)!r}, 'w').write('x'); print('set up')"),
                oneshot=True,
            ),
            Component("svc", script(service)),
        ],
        out=out,
    )
    task = asyncio.create_task(sup.run())
    await wait_for_line(out, "svc   | serving")
    assert marker.exists()
    assert "setup | set up" in out.getvalue()
    sup.stop()
    await asyncio.wait_for(task, 20)
    assert "svc   | bye" in out.getvalue()
    assert "svc   | stopped" in out.getvalue()


async def test_restarts_a_crashing_component(tmp_path):
    out = io.StringIO()
    sup = Supervisor([Component("flaky", script("print('up'); raise SystemExit(3)"))], out=out)
    task = asyncio.create_task(sup.run())
    await wait_for_line(out, "exited with code 3; restarting in 1 s")
    await wait_for_line(out, "exited with code 3; restarting in 2 s")
    sup.stop()
    await asyncio.wait_for(task, 20)
    assert sup.restarts["flaky"] >= 2


async def test_failed_oneshot_stops_the_stack():
    out = io.StringIO()
    sup = Supervisor(
        [
            Component("setup", script("raise SystemExit('no authority key')"), oneshot=True),
            Component("never", script("print('should not start')")),
        ],
        out=out,
    )
    with pytest.raises(StackError, match="setup failed with exit code 1"):
        await asyncio.wait_for(sup.run(), 20)
    assert "no authority key" in out.getvalue()
    assert "should not start" not in out.getvalue()


async def test_kills_a_component_that_ignores_sigterm():
    out = io.StringIO()
    stubborn = (
        "import signal, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "print('stubborn', flush=True)\n"
        "while True: time.sleep(0.1)\n"
    )
    sup = Supervisor([Component("stub", script(stubborn))], out=out, stop_timeout=0.5)
    task = asyncio.create_task(sup.run())
    await wait_for_line(out, "stub | stubborn")
    sup.stop()
    await asyncio.wait_for(task, 20)
    assert "stub | did not stop in 0 s; killing" in out.getvalue()


async def test_waits_for_readiness_before_starting_the_next(unused_tcp_port):
    out = io.StringIO()
    server = (
        "import socket, time\n"
        "time.sleep(0.5)\n"
        f"s = socket.socket(); s.bind(('127.0.0.1', {unused_tcp_port})); s.listen()\n"
        "print('listening', flush=True)\n"
        "while True: time.sleep(0.1)\n"
    )
    sup = Supervisor(
        [
            Component(
                "server", script(server), ready=lambda: tcp_ready("127.0.0.1", unused_tcp_port)
            ),
            Component("client", script("print('client started')")),
        ],
        out=out,
    )
    task = asyncio.create_task(sup.run())
    await wait_for_line(out, "client started")
    text = out.getvalue()
    assert text.index("server | ready") < text.index("client started")
    sup.stop()
    await asyncio.wait_for(task, 20)


async def test_more_args_are_decided_at_each_start(tmp_path):
    """A restart gets the arguments of its own moment (the demo devnet's genesis settings are
    given only while its chain does not exist)."""
    out = io.StringIO()
    starts: list[int] = []

    def more() -> list[str]:
        starts.append(len(starts))
        return [f"start-{len(starts)}"]

    code = "import sys; print('args', sys.argv[1:], flush=True); raise SystemExit(1)"
    sup = Supervisor([Component("c", script(code), more_args=more)], out=out)
    task = asyncio.create_task(sup.run())
    await wait_for_line(out, "c | args ['start-1']")
    await wait_for_line(out, "c | args ['start-2']")
    sup.stop()
    await asyncio.wait_for(task, 20)


async def test_ready_is_said_once_when_the_component_says_it_too(unused_tcp_port):
    """The devnet prints "ready" itself; the supervisor's readiness check would say it again."""
    out = io.StringIO()
    server = (
        "import socket, time\n"
        f"s = socket.socket(); s.bind(('127.0.0.1', {unused_tcp_port})); s.listen()\n"
        "print('ready', flush=True)\n"
        "while True: time.sleep(0.1)\n"
    )
    sup = Supervisor(
        [
            Component(
                "server", script(server), ready=lambda: tcp_ready("127.0.0.1", unused_tcp_port)
            ),
            Component("client", script("import time; time.sleep(0.5); print('client started')")),
        ],
        out=out,
    )
    task = asyncio.create_task(sup.run())
    await wait_for_line(out, "client started")
    sup.stop()
    await asyncio.wait_for(task, 20)
    assert out.getvalue().count("server | ready") == 1
