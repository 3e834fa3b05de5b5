"""The event the settings family emits, as Sawtooth's settings-tp does: `settings/update` with
one attribute `updated` = the key, whenever a setting's value is written (the pending proposals
under `sawtooth.settings.vote.proposals` included), with no data."""

SETTINGS_UPDATE = "settings/update"
UPDATED = "updated"
