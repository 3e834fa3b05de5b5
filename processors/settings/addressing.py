"""Where the settings family's records live: Sawtooth's own layout, not the kit's.

The namespace is fixed, "000000", and a setting's address hashes the parts of its key
(ledger/settings.py has the formula, shared with the devnet, the CLI and the kit's reader).
Every setting is one `Setting` record; the pending proposals are the value of the setting
`sawtooth.settings.vote.proposals`.
"""

from __future__ import annotations

from smartblocks.ledger.settings import (
    APPROVAL_THRESHOLD,
    AUTHORIZED_KEYS,
    PROPOSALS,
    SETTINGS_NAMESPACE,
    setting_address,
)

FAMILY_NAME = "sawtooth_settings"
FAMILY_VERSION = "1.0"
NAMESPACE = SETTINGS_NAMESPACE

__all__ = [
    "APPROVAL_THRESHOLD",
    "AUTHORIZED_KEYS",
    "FAMILY_NAME",
    "FAMILY_VERSION",
    "NAMESPACE",
    "PROPOSALS",
    "setting_address",
    "vote_addresses",
]


def vote_addresses() -> list[str]:
    """What every settings transaction reads: the pending proposals, the authorized keys and
    the approval threshold (in this order, as sawset lists them)."""
    return [
        setting_address(PROPOSALS),
        setting_address(AUTHORIZED_KEYS),
        setting_address(APPROVAL_THRESHOLD),
    ]
