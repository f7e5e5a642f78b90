"""Translating words with a trained seq2seq model: greedy decoding that stops at <end>.

Each step feeds the source and the letters chosen so far, and takes the most likely next letter; the
model is called with training=False, so dropout is off and the same word always gets the same output."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from classicnets import runs
from classicnets.use.completion import require_model
from classicnets.data.tokens import END, PAD, START, UNKNOWN, Vocabulary, pad
from classicnets.data.word_datasets import check_length
from classicnets.data.words import normalize
from classicnets.errors import UserError

NEVER_NEXT = (PAD, START, UNKNOWN)  # tokens a translation cannot continue with


@dataclass(frozen=True)
class Translation:
    """A word, the model's translation and the probability of that whole output."""

    word: str
    translation: str
    probability: float


def greedy_decode(model: Any, source_ids: np.ndarray, max_length: int) -> tuple[np.ndarray, np.ndarray]:
    """Output ids (N, <= max_length + 1; PAD after <end>) and their log-probabilities (N,) for padded sources."""
    count = len(source_ids)
    decoded = np.full((count, 1), START, dtype=np.int32)
    log_probability = np.zeros(count)
    done = np.zeros(count, dtype=bool)
    for _ in range(max_length + 1):  # the letters, then <end>
        probabilities = np.array(model(np.concatenate([source_ids, decoded], axis=1), training=False)[:, -1])  # (N, V)
        probabilities[:, NEVER_NEXT] = 0.0
        chosen = probabilities.argmax(axis=1).astype(np.int32)
        log_probability += np.where(done, 0.0, np.log(np.maximum(probabilities[np.arange(count), chosen], 1e-30)))
        chosen[done] = PAD
        decoded = np.concatenate([decoded, chosen[:, None]], axis=1)
        done |= chosen == END
        if done.all():
            break
    return decoded[:, 1:], log_probability


def translate_ids(model: Any, source_ids: np.ndarray, target: Vocabulary, max_length: int,
                  batch_size: int = 512) -> tuple[list[str], list[float]]:
    """Translations and their probabilities for padded source ids (N, source_length)."""
    texts: list[str] = []
    probabilities: list[float] = []
    for first in range(0, len(source_ids), batch_size):
        decoded, log_probability = greedy_decode(model, source_ids[first:first + batch_size], max_length)
        texts += [target.decode(row) for row in decoded]
        probabilities += [float(p) for p in np.exp(log_probability)]
    return texts, probabilities


def translate_words(model: Any, extra: dict[str, Any], words: Sequence[str]) -> list[Translation]:
    """Translate words with a run's model and stored vocabularies; unseen letters are a UserError."""
    source, target = Vocabulary(extra["source_vocabulary"]), Vocabulary(extra["target_vocabulary"])
    check_length(words, int(extra["source_length"]), "word")
    source_ids = pad([source.encode(word) for word in words], int(extra["source_length"]))
    texts, probabilities = translate_ids(model, source_ids, target, int(extra["target_length"]) + 2)
    return [Translation(word, text, p) for word, text, p in zip(words, texts, probabilities)]


def translate_in_run(run_dir: Path, words: Sequence[str]) -> list[dict[str, Any]]:
    """Each word's translation and its probability, from a seq2seq run."""
    run = runs.open_run(run_dir)
    config = runs.read_config(run)
    require_model(config, "seq2seq", "translate", run_dir)
    extra = config.data_info["extra"]
    words = [normalize(word) for word in words]
    if not all(words):
        raise UserError("an empty word cannot be translated; give words with at least one letter")
    source = Vocabulary(extra["source_vocabulary"])
    for word in words:
        source.encode(word)  # unseen letters: a UserError before the model is loaded
    return [{"word": t.word, "translation": t.translation, "probability": t.probability}
            for t in translate_words(runs.load_model(run), extra, words)]
