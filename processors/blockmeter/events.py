"""The events BlockMeter emits (attributes: docs/blockmeter.md)."""

READINGS_RECORDED = "blockmeter/readings-recorded"
