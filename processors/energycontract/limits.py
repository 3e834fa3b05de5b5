"""Limits of the EnergyContract family, enforced by terms.py, payload.py and actions.py and
documented in docs/energycontract.md. They bound what one transaction reads and writes: a
settlement reads at most MAX_METERS + 1 meters' day rollups over at most 366 days."""

from smartblocks.processors.kit.payload import MAX_ID_LENGTH

MAX_METERS = 8  # energy meters summed by one contract
MAX_PERIODS = 600  # 50 years of months
MAX_AMOUNT = 10**15  # micro-units in one field: 10^9 EUR
MAX_ENERGY = 10**15  # a guarantee, in the meters' unit (1 TWh in mWh)
MAX_PRICE = 10**12  # micro-units per 10^6 of the unit (10^6 EUR/kWh)
MAX_TEXT = 200  # titles, reasons, memos, notes
MAX_EVIDENCE = 32  # evidence items in a dispute
MAX_EVIDENCE_TEXT = 200
MAX_WINDOW_S = 366 * 86_400  # data grace and dispute windows
MAX_PAYLOAD_BYTES = 256 * 1024  # a 2,016-curve hourly baseline table fits
MAX_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z
CURRENCY_PATTERN = r"[A-Z][A-Z0-9]{2,11}"  # EUR, GBP, KWHTOKEN

__all__ = [
    "CURRENCY_PATTERN",
    "MAX_AMOUNT",
    "MAX_ENERGY",
    "MAX_EVIDENCE",
    "MAX_EVIDENCE_TEXT",
    "MAX_ID_LENGTH",
    "MAX_METERS",
    "MAX_PAYLOAD_BYTES",
    "MAX_PERIODS",
    "MAX_PRICE",
    "MAX_TEXT",
    "MAX_TIMESTAMP",
    "MAX_WINDOW_S",
]
