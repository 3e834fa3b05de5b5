"""Counters and gauges in Prometheus text exposition format, served by aiohttp."""

from __future__ import annotations

from collections import defaultdict

from aiohttp import web

HELP = {
    "blockmeter_readings_sampled_total": ("counter", "Readings taken from meters."),
    "blockmeter_readings_spooled_total": ("counter", "Readings durably stored in the spool."),
    "blockmeter_readings_dropped_total": ("counter", "Readings not stored, by reason."),
    "blockmeter_readings_conflicts_total": (
        "counter",
        "Readings that arrived again with another value, by meter and outcome "
        "(replaced: window open, the later value is used; kept: window frozen).",
    ),
    "blockmeter_windows_closed_total": ("counter", "Windows frozen, empty ones included."),
    "blockmeter_windows_committed_total": ("counter", "Windows committed on the ledger."),
    "blockmeter_readings_committed_total": ("counter", "Readings in committed windows."),
    "blockmeter_windows_invalid_total": ("counter", "Windows the ledger rejected."),
    "blockmeter_batches_sent_total": ("counter", "Batches posted (resubmissions included)."),
    "blockmeter_backlog_windows": ("gauge", "Windows closed but not yet committed."),
    "blockmeter_submit_latency_seconds": (
        "summary",
        "From the last POST of a batch to its COMMITTED status.",
    ),
    "blockmeter_errors_total": ("counter", "Errors by kind."),
}


def _escape(value: str) -> str:
    """A label value as the exposition format quotes it: backslash and double quote escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _labels(labels: tuple[tuple[str, str], ...]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels) + "}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class Metrics:
    def __init__(self) -> None:
        self.values: dict[str, dict[tuple[tuple[str, str], ...], float]] = defaultdict(dict)

    def inc(self, name: str, amount: float = 1, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        series = self.values[name]
        series[key] = series.get(key, 0) + amount

    def set(self, name: str, value: float, **labels: str) -> None:
        self.values[name][tuple(sorted(labels.items()))] = value

    def observe(self, name: str, value: float) -> None:
        self.inc(name + "_sum", value)
        self.inc(name + "_count", 1)

    def get(self, name: str, **labels: str) -> float:
        return self.values.get(name, {}).get(tuple(sorted(labels.items())), 0)

    def render(self) -> str:
        lines = []
        for name, (kind, text) in HELP.items():
            lines.append(f"# HELP {name} {text}")
            lines.append(f"# TYPE {name} {kind}")
            for suffix in ("", "_sum", "_count") if kind == "summary" else ("",):
                for labels, value in sorted(self.values.get(name + suffix, {}).items()):
                    lines.append(f"{name}{suffix}{_labels(labels)} {_number(value)}")
        return "\n".join(lines) + "\n"


async def serve(metrics: Metrics, host: str, port: int) -> web.AppRunner:
    """Start GET /metrics; the caller cleans up the returned runner."""

    async def handle(request: web.Request) -> web.Response:
        return web.Response(
            text=metrics.render(),
            content_type="text/plain",
            charset="utf-8",
            headers={"X-Content-Type-Options": "nosniff"},
        )

    app = web.Application()
    app.router.add_get("/metrics", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
