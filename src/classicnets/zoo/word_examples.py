"""The notes' own examples put to a zoo run's word models: their nine words completed from three letters, their
six words translated, each answer with why it differs from the notes' (held out of training, ambiguous)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from classicnets import runs
from classicnets.data.word_datasets import split_items
from classicnets.data.words import (
    BUNDLED_PAIRS, BUNDLED_WORDS, DEFAULT_PAIRS, DEFAULT_WORDS, read_pairs, read_words, resolve,
)
from classicnets.errors import UserError
from classicnets.zoo.runner import Outcome


def each_or_alone(answer: Callable[[list[str]], list[str]], inputs: list[str]) -> list[str]:
    """Answers for all inputs in one call (one model load); when one input is refused (a letter the run never
    saw), each input alone, the refused ones answered with the reason."""
    try:
        return answer(inputs)
    except UserError:
        pass
    found = []
    for text in inputs:
        try:
            found.extend(answer([text]))
        except UserError as error:
            found.append(f"- ({error})")
    return found


def completion_examples(run_dir: Path) -> tuple[list[tuple[str, str, str]], dict[str, int]]:
    """The notes' nine words completed from their first three letters by this run's model: the rows, and counts
    of the words completed as in the notes ('right') and of the others by why ('held out', 'ambiguous': the
    prefix starts other words of the list too, 'wrong')."""
    from classicnets.use.completion import complete_in_run

    config = runs.read_config(runs.open_run(run_dir))
    _, path = resolve(config.data.dataset, BUNDLED_WORDS, DEFAULT_WORDS, "word list")
    words = read_words(path)
    trained, _ = split_items(words, config.data.test_fraction, config.train.seed)
    notes_words = read_words(resolve("notes", BUNDLED_WORDS, "notes", "word list")[1])
    found = each_or_alone(lambda prefixes: [row["word"] or "" for row in complete_in_run(run_dir, prefixes)],
                          [word[:3] for word in notes_words])
    rows, counts = [], {"right": 0, "held out": 0, "ambiguous": 0, "wrong": 0}
    for word, completion in zip(notes_words, found):
        prefix = word[:3]
        others = [other for other in words if other.startswith(prefix) and other != word]
        held_out = word not in trained
        counts["right" if completion == word else "held out" if held_out else "ambiguous" if others else "wrong"] += 1
        remark = ("held out of training; " if held_out else "") + (
            f"also starts: {', '.join(others[:4])}" if others else "")
        verdict = "right" if completion == word else f"the notes: {word}"
        rows.append((prefix, completion, verdict + (f" ({remark.rstrip('; ')})" if remark else "")))
    return rows, counts


def read_words_of(outcome: Outcome) -> list[str]:
    """The word list an autocomplete run learnt from."""
    config = runs.read_config(runs.open_run(outcome.run_dir))
    return read_words(resolve(config.data.dataset, BUNDLED_WORDS, DEFAULT_WORDS, "word list")[1])


def translation_examples(run_dir: Path) -> tuple[list[tuple[str, str, str]], int, int]:
    """The notes' six words translated by this run's model: rows, right, asked."""
    from classicnets.use.translation import translate_in_run

    config = runs.read_config(runs.open_run(run_dir))
    _, path = resolve(config.data.dataset, BUNDLED_PAIRS, DEFAULT_PAIRS, "pair list")
    trained, _ = split_items(read_pairs(path), config.data.test_fraction, config.train.seed)
    trained_words = {word for word, _ in trained}
    notes_pairs = read_pairs(resolve("notes", BUNDLED_PAIRS, "notes", "pair list")[1])
    found = each_or_alone(lambda words: [row["translation"] for row in translate_in_run(run_dir, words)],
                          [word for word, _ in notes_pairs])
    rows, right = [], 0
    for (word, meaning), translation in zip(notes_pairs, found):
        right += translation == meaning
        remark = "right" if translation == meaning else f"the notes: {meaning}"
        rows.append((word, translation, remark + ("" if word in trained_words else " (held out of training)")))
    return rows, right, len(notes_pairs)
