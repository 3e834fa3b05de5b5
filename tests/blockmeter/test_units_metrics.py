"""The one unit conversion and the Prometheus rendering."""

from __future__ import annotations

from decimal import Decimal

import pytest

from smartblocks.blockmeter.metrics import Metrics
from smartblocks.blockmeter.units import parse_scale, to_base


def test_conversion_rounds_half_away_from_zero() -> None:
    assert to_base(1.5, "mWh") == 2
    assert to_base(-1.5, "mWh") == -2
    assert to_base(2.5, "mWh") == 3  # not banker's rounding
    assert to_base(Decimal("0.0005"), "kWh") == 500
    assert to_base(12, "degC", Decimal("0.1")) == 1200
    assert to_base(3, "m3") == 3_000_000
    assert to_base(0.1, "kWh") == 100_000  # the float's exact value, 0.1000000000000000055...


def test_conversion_refuses_what_is_not_a_reading() -> None:
    with pytest.raises(ValueError):
        to_base(float("nan"), "kWh")
    with pytest.raises(ValueError):
        to_base(float("inf"), "kWh")
    with pytest.raises(ValueError):
        parse_scale("0")
    with pytest.raises(ValueError):
        parse_scale("ten")


def test_metrics_render_in_prometheus_text_format() -> None:
    metrics = Metrics()
    metrics.inc("blockmeter_errors_total", kind="network")
    metrics.inc("blockmeter_errors_total", 2, kind="throttled")
    metrics.inc("blockmeter_windows_invalid_total", meter='odd"name')
    metrics.set("blockmeter_backlog_windows", 12)
    metrics.observe("blockmeter_submit_latency_seconds", 0.25)
    text = metrics.render()
    assert "# TYPE blockmeter_errors_total counter" in text
    assert 'blockmeter_errors_total{kind="network"} 1\n' in text
    assert 'blockmeter_errors_total{kind="throttled"} 2\n' in text
    assert 'blockmeter_windows_invalid_total{meter="odd\\"name"} 1\n' in text
    assert "blockmeter_backlog_windows 12\n" in text
    assert "blockmeter_submit_latency_seconds_sum 0.25\n" in text
    assert "blockmeter_submit_latency_seconds_count 1\n" in text
