"""The measurement and verification (M&V) engine, off-chain: `smartblocks mv fit|report`.

Shaped like OpenDSM's model kinds: `data` (inputs from BlockMeter rollups or CSV files) and
`sufficiency` (CalTRACK baseline rules as coded findings), `model` (OpenDSM's daily model),
`metrics` (ASHRAE Guideline 14), `export` (a fitted model to the integer baseline table both
parties sign, `processors/kit/baseline.py`), `plot`, and `settings` as frozen data; `pipeline`
runs the fit's steps in order, for `smartblocks mv fit` and the portal's "Fit baseline" alike.

OpenDSM, pandas and matplotlib are the optional extra `smartblocks[mv]`; they are imported only
inside the functions that need them (OpenDSM's import takes seconds), never by validators.
"""
