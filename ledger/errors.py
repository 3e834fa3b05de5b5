"""Errors a person can act on, and the shared core's own. The CLI prints a UserError's message,
without a traceback."""


class UserError(Exception):
    """Something the user can fix: a path, a flag, a key file, an endpoint."""


class KeyFileError(UserError):
    pass


class ConfigError(UserError):
    """A config file (the agent's site.toml, portal.toml, stack.toml) is wrong; the message
    names the file, the line and the key."""


class ValidatorUnavailable(Exception):
    """Not connected to the validator, or the connection dropped while waiting for its answer."""


class ValidatorTimeout(Exception):
    """Connected, but the validator did not answer in time."""
