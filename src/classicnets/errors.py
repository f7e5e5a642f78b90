"""Errors that mean the user gave bad input; the CLI prints them and exits with status 2."""


class UserError(Exception):
    """Bad input from the user (a file, a value, a flag). The message says what and how to fix it."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a long command; `hint` tells the user how to continue (the real command) or what was kept."""

    def __init__(self, hint: str) -> None:
        super().__init__(hint)
        self.hint = hint
