"""Datasets of token ids for the sequence models, built from word lists and word pairs.

autocomplete: x = <start> w o r d, y = w o r d <end> (next letter at each step), padded with 0.
seq2seq:      x = source ids (source_length) followed by <start> + target ids; y = target ids + <end>,
              so the decoder learns with teacher forcing (it reads the true previous letter).
A run's vocabularies and lengths come back as `known` when its data is loaded again (evaluate, resume):
the ids then mean what they meant in training, and characters it never saw become <unknown>."""

from __future__ import annotations

from typing import Any, Callable, Sequence, TypeVar

import numpy as np

from classicnets.config import RunConfig
from classicnets.data.dataset import Dataset
from classicnets.data.tokens import END, START, Vocabulary, pad
from classicnets.data.words import (
    BUNDLED_PAIRS, BUNDLED_WORDS, DEFAULT_PAIRS, DEFAULT_WORDS, read_pairs, read_words, resolve,
)
from classicnets.errors import UserError

Item = TypeVar("Item")


def split_items(items: Sequence[Item], test_fraction: float, seed: int) -> tuple[list[Item], list[Item]]:
    """A seeded random `test_fraction` of the items held out as the test split; at least one item trains."""
    order = np.random.default_rng(seed).permutation(len(items))
    count = min(int(round(len(items) * test_fraction)), len(items) - 1)
    return [items[i] for i in sorted(order[count:])], [items[i] for i in sorted(order[:count])]


def check_length(texts: Sequence[str], limit: int, what: str) -> None:
    """Raise a UserError when a text is longer than the run's model was trained for."""
    for text in texts:
        if len(text) > limit:
            raise UserError(f"{what} {text!r} has {len(text)} characters; this run was trained on at most {limit}. "
                            "Leave it out, or train a run on data that holds words this long.")


def _next_letter_arrays(words: Sequence[str], vocabulary: Vocabulary, length: int) -> tuple[np.ndarray, np.ndarray]:
    """x = <start> + letters, y = letters + <end>, both padded to length + 1."""
    ids = [vocabulary.encode(word, unknown_ok=True) for word in words]
    return pad([[START, *row] for row in ids], length + 1), pad([[*row, END] for row in ids], length + 1)


def word_dataset(name: str, source: str, words: Sequence[str], test_fraction: float, seed: int,
                 known: dict[str, Any] | None = None) -> Dataset:
    """Next-letter data of a word list: a held-out test part, one vocabulary of the training words' letters."""
    train, test = split_items(words, test_fraction, seed)
    if known:
        vocabulary, length = Vocabulary(known["vocabulary"]), int(known["max_length"])
        check_length(words, length, "word")
    else:
        vocabulary, length = Vocabulary.from_texts(train), max(len(word) for word in words)
    x_train, y_train = _next_letter_arrays(train, vocabulary, length)
    x_test, y_test = _next_letter_arrays(test, vocabulary, length)
    return Dataset(name, source, x_train, y_train, x_test, y_test, list(vocabulary.tokens),
                   extra={"vocabulary": list(vocabulary.tokens), "max_length": length})


def _translation_arrays(pairs: Sequence[tuple[str, str]], source: Vocabulary, target: Vocabulary,
                        source_length: int, target_length: int) -> tuple[np.ndarray, np.ndarray]:
    """x = source ids | <start> + target ids, y = target ids + <end>."""
    source_ids = pad([source.encode(word, unknown_ok=True) for word, _ in pairs], source_length)
    target_ids = [target.encode(word, unknown_ok=True) for _, word in pairs]
    decoder_in = pad([[START, *row] for row in target_ids], target_length + 1)
    return np.concatenate([source_ids, decoder_in], axis=1), pad([[*row, END] for row in target_ids], target_length + 1)


def pair_dataset(name: str, origin: str, pairs: Sequence[tuple[str, str]], test_fraction: float, seed: int,
                 known: dict[str, Any] | None = None) -> Dataset:
    """Teacher-forcing data of word pairs: a held-out test part, source and target vocabularies."""
    train, test = split_items(pairs, test_fraction, seed)
    if known:
        source, target = Vocabulary(known["source_vocabulary"]), Vocabulary(known["target_vocabulary"])
        source_length, target_length = int(known["source_length"]), int(known["target_length"])
        check_length([word for word, _ in pairs], source_length, "source word")
        check_length([word for _, word in pairs], target_length, "translation")
    else:
        source = Vocabulary.from_texts(word for word, _ in train)
        target = Vocabulary.from_texts(word for _, word in train)
        source_length = max(len(word) for word, _ in pairs)
        target_length = max(len(word) for _, word in pairs)
    x_train, y_train = _translation_arrays(train, source, target, source_length, target_length)
    x_test, y_test = _translation_arrays(test, source, target, source_length, target_length)
    extra = {"source_vocabulary": list(source.tokens), "target_vocabulary": list(target.tokens),
             "source_length": source_length, "target_length": target_length}
    return Dataset(name, origin, x_train, y_train, x_test, y_test, list(target.tokens), extra=extra)


def load_word_list_data(config: RunConfig, notice: Callable[[str], None] = print) -> Dataset:
    """The autocomplete run's word list (its dataset: bundled or a file, --words) as next-letter data."""
    name, path = resolve(config.data.dataset, BUNDLED_WORDS, DEFAULT_WORDS, "word list")
    return word_dataset(name, str(path), read_words(path), config.data.test_fraction, config.train.seed,
                        known=config.data_info.get("extra"))


def load_pair_list_data(config: RunConfig, notice: Callable[[str], None] = print) -> Dataset:
    """The seq2seq run's word pairs (its dataset: bundled or a .tsv file, --pairs) as teacher-forcing data."""
    name, path = resolve(config.data.dataset, BUNDLED_PAIRS, DEFAULT_PAIRS, "pair list")
    return pair_dataset(name, str(path), read_pairs(path), config.data.test_fraction, config.train.seed,
                        known=config.data_info.get("extra"))
