"""The events BlockPredict emits (attributes: docs/blockpredict.md)."""

FORECAST_POSTED = "blockpredict/forecast-posted"
FORECAST_SCORED = "blockpredict/forecast-scored"
