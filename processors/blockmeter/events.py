"""The events BlockMeter emits (attributes: docs/blockmeter.md)."""

READINGS_RECORDED = "blockmeter/readings-recorded"
METER_UPDATED = "blockmeter/meter-updated"
HEAD_REPAIRED = "blockmeter/head-repaired"
