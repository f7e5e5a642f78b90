"""Errors that mean the user gave bad input; the CLI prints them and exits with status 2."""


class UserError(Exception):
    """Bad input from the user (a file, a value, a flag). The message says what and how to fix it."""
