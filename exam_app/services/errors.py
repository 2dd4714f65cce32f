"""What a use case refuses, for the user: each error's message says what is wrong. Without the
database's machinery, so that the command line can name them before it opens anything."""

from __future__ import annotations


class ServiceError(Exception):
    """A use case refused: the message says what is wrong, for the user. `exit_code` for the CLI."""

    exit_code = 1


class InvalidInput(ServiceError):
    """The user's input is wrong (exit code 2)."""

    exit_code = 2


class NotPermitted(ServiceError):
    """The acting user's role does not allow this."""


class NotFound(InvalidInput):
    """What was asked for does not exist (a record number, a visit)."""
