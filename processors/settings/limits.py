"""Bounds on what a settings payload may carry. Sawtooth's settings-tp has none; these only
refuse what no real setting needs, with a message instead of a huge state record."""

MAX_PAYLOAD_BYTES = 65_536
MAX_KEY_LENGTH = 256
