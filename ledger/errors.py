"""Errors a person can act on. The CLI prints their message, without a traceback."""


class UserError(Exception):
    """Something the user can fix: a path, a flag, a key file, an endpoint."""


class KeyFileError(UserError):
    pass
