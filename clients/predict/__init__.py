"""The prediction service (`smartblocks predict`): day-ahead BlockPredict forecasts of demand
(baseline table x temperature forecast) and wind generation (windpowerlib power curve x wind-speed
forecast), posted before their day starts by ledger time and scored once the meter's data covers
the day. See docs/blockpredict.md, "The prediction service"."""
