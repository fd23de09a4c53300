"""Errors that the command line turns into one clear line and an exit status."""


class HotlineError(RuntimeError):
    """An expected failure with a message that tells the user what to do (exit status 1)."""

    exit_code = 1
