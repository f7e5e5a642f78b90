"""Characters <-> token ids for the sequence models: one id per character seen in training, plus four
special tokens (padding, start, end, unknown)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from classicnets.errors import UserError

PAD, START, END, UNKNOWN = 0, 1, 2, 3  # padding must be 0: the models mask it out
SPECIAL_TOKENS = ("<pad>", "<start>", "<end>", "<unknown>")
UNKNOWN_CHARACTER = "\ufffd"  # how a character the run never saw is shown


class Vocabulary:
    """The characters a run was trained on, in a fixed order (stored in the run's config)."""

    def __init__(self, tokens: Sequence[str]) -> None:
        if tuple(tokens[:len(SPECIAL_TOKENS)]) != SPECIAL_TOKENS:
            raise ValueError(f"a vocabulary starts with {SPECIAL_TOKENS}. Received: {list(tokens[:4])}")
        self.tokens = list(tokens)
        self._ids = {token: index for index, token in enumerate(self.tokens)}

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> "Vocabulary":
        """Every character of `texts`, sorted, after the special tokens."""
        characters = sorted({character for text in texts for character in text})
        return cls([*SPECIAL_TOKENS, *characters])

    def __len__(self) -> int:
        return len(self.tokens)

    @property
    def characters(self) -> list[str]:
        """The characters without the special tokens."""
        return self.tokens[len(SPECIAL_TOKENS):]

    def unknown_characters(self, text: str) -> list[str]:
        """Characters of `text` the vocabulary does not hold, in order of appearance."""
        return list(dict.fromkeys(c for c in text if c not in self._ids or self._ids[c] < len(SPECIAL_TOKENS)))

    def encode(self, text: str, unknown_ok: bool = False) -> list[int]:
        """Token ids of the characters of `text`; unknown characters become UNKNOWN or raise a UserError."""
        missing = self.unknown_characters(text)
        if missing and not unknown_ok:
            raise UserError(
                f"{text!r} has character(s) {', '.join(repr(c) for c in missing)} never seen in training; "
                f"this run knows only: {''.join(self.characters)}"
            )
        return [UNKNOWN if c in missing else self._ids[c] for c in text]

    def decode(self, ids: Iterable[int]) -> str:
        """The characters of `ids` up to the first end token; <unknown> shows as U+FFFD, other special tokens
        are skipped."""
        characters = []
        for token in ids:
            if token == END:
                break
            if token == UNKNOWN or token >= len(SPECIAL_TOKENS):
                characters.append(UNKNOWN_CHARACTER if token == UNKNOWN else self.tokens[token])
        return "".join(characters)


def pad(rows: Sequence[Sequence[int]], length: int | None = None) -> np.ndarray:
    """Rows of ids padded with PAD at the end to `length` (default: the longest row) as int32 (N, length)."""
    length = max((len(row) for row in rows), default=0) if length is None else length
    padded = np.full((len(rows), length), PAD, dtype=np.int32)
    for index, row in enumerate(rows):
        padded[index, :len(row)] = row
    return padded
