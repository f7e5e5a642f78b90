"""Errors that mean the user gave bad input; the CLI prints them and exits with status 2."""

from __future__ import annotations

from typing import Callable


class UserError(Exception):
    """Bad input from the user (a file, a value, a flag). The message says what and how to fix it."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a long command; `hint` tells the user how to continue (the real command) or what was kept."""

    def __init__(self, hint: str) -> None:
        super().__init__(hint)
        self.hint = hint


class SettingsError(UserError):
    """Bad or refused settings. str() names them as Python arguments (learning_rate), the way the library and
    config files spell them; an interface that spells them otherwise (the CLI: --lr) calls naming()."""

    def __init__(self, template: str, settings: dict[str, list[str]], facts: dict[str, object] | None = None) -> None:
        self.template, self.settings, self.facts = template, settings, facts or {}
        super().__init__(self.naming(str))

    @classmethod
    def about(cls, template: str, *names: str, **facts: object) -> "SettingsError":
        """An error whose template names settings by themselves: about("{epochs} must grow", "epochs")."""
        return cls(template, {name: [name] for name in names}, facts)

    def __reduce__(self) -> tuple:
        return type(self), (self.template, self.settings, self.facts)  # pickled (between processes) whole

    def naming(self, name_of: Callable[[str], str]) -> str:
        """The message with each setting named by `name_of` (a setting's name -> the interface's word for it)."""
        named = {key: ", ".join(name_of(name) for name in names) for key, names in self.settings.items()}
        return self.template.format(**named, **self.facts)
