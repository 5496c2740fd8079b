"""Refusals a command can meet; `code` is part of the wire protocol (docs/protocol.md)."""


class CommandRefused(Exception):
    """The command was refused and nothing was persisted."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def invalid(message: str) -> CommandRefused:
    return CommandRefused("invalid", message)


def forbidden(message: str) -> CommandRefused:
    return CommandRefused("forbidden", message)


def conflict(message: str) -> CommandRefused:
    return CommandRefused("conflict", message)


def too_large(message: str) -> CommandRefused:
    return CommandRefused("too_large", message)
