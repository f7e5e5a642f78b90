"""Completing words with a trained autocomplete model: a beam search over letters until <end>.

A candidate's probability is P(its remaining letters, then <end> | the prefix): the chance the model
gives to the whole word, not to one letter. Many prefixes are searched together, one model call per
letter added."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from classicnets import runs
from classicnets.config import RunConfig
from classicnets.data.tokens import END, PAD, START, UNKNOWN, Vocabulary, pad
from classicnets.data.words import normalize
from classicnets.errors import UserError

NEVER_NEXT = (PAD, START, UNKNOWN)  # tokens a word cannot continue with
Beam = tuple[list[int], float]  # (token ids after <start>, log-probability)


@dataclass(frozen=True)
class Candidate:
    """One completion of a prefix and the probability the model gives it."""

    word: str
    probability: float


def next_token_log_probabilities(model: Any, rows: Sequence[Sequence[int]], batch_size: int = 512) -> np.ndarray:
    """log P(next token) after each row of ids (rows may differ in length): (R, vocabulary)."""
    chunks = []
    for first in range(0, len(rows), batch_size):
        part = rows[first:first + batch_size]
        probabilities = np.asarray(model(pad(part), training=False))  # (R, T, V)
        chunks.append(probabilities[np.arange(len(part)), [len(row) - 1 for row in part]])
    log_probabilities = np.log(np.maximum(np.concatenate(chunks), 1e-30))
    log_probabilities[:, NEVER_NEXT] = -np.inf
    return log_probabilities


def _extend(beams: list[Beam], log_probabilities: np.ndarray, width: int) -> list[Beam]:
    """The `width` best one-token extensions of `beams` (rows of log_probabilities in beam order)."""
    options = []
    for (ids, score), row in zip(beams, log_probabilities):
        best = np.argsort(row)[::-1][:width + 1]
        # a word has at least one letter: <end> cannot come first
        allowed = [token for token in best if np.isfinite(row[token]) and (ids or token != END)][:width]
        options += [(ids + [int(token)], score + float(row[token])) for token in allowed]
    return sorted(options, key=lambda beam: -beam[1])[:width]


def _settled(finished: list[Beam], alive: list[Beam], top: int) -> bool:
    """True when no alive beam can enter the best `top` finished ones (scores only fall as words grow)."""
    if not alive:
        return True
    return len(finished) >= top and max(score for _, score in alive) <= sorted(s for _, s in finished)[-top]


def search(model: Any, prefixes: Sequence[Sequence[int]], max_new: int, top: int = 5,
           width: int = 8) -> list[list[Beam]]:
    """For each prefix (ids after <start>), the `top` most likely continuations ending in <end>, best first."""
    alive: list[list[Beam]] = [[(list(prefix), 0.0)] for prefix in prefixes]
    finished: list[list[Beam]] = [[] for _ in prefixes]
    for _ in range(max_new):
        rows = [beam for beams in alive for beam in beams]
        if not rows:
            break
        log_probabilities = next_token_log_probabilities(model, [[START, *ids] for ids, _ in rows])
        ends = np.cumsum([len(beams) for beams in alive])  # prefix i's rows: ends[i] - len(alive[i]) .. ends[i]
        for index, end in enumerate(ends):
            if not alive[index]:
                continue
            extended = _extend(alive[index], log_probabilities[end - len(alive[index]):end], width)
            finished[index] += [(ids[:-1], score) for ids, score in extended if ids[-1] == END]
            alive[index] = [(ids, score) for ids, score in extended if ids[-1] != END]
            if _settled(finished[index], alive[index], top):
                alive[index] = []
    return [sorted(beams, key=lambda beam: -beam[1])[:top] for beams in finished]


def complete_words(model: Any, vocabulary: Vocabulary, prefixes: Sequence[str], max_length: int,
                   top: int = 5, width: int = 8, unknown_ok: bool = False) -> list[list[Candidate]]:
    """The `top` most likely whole words starting with each prefix; unseen letters are a UserError."""
    encoded = [vocabulary.encode(prefix, unknown_ok=unknown_ok) for prefix in prefixes]
    longest = max((len(ids) for ids in encoded), default=0)
    found = search(model, encoded, max_new=max(max_length, longest) + 2 - min(map(len, encoded), default=0),
                   top=top, width=max(width, top))
    return [[Candidate(prefix + vocabulary.decode(ids[len(prefix):]), float(np.exp(score))) for ids, score in beams]
            for prefix, beams in zip(prefixes, found)]


def complete_in_run(run_dir: Path, prefixes: Sequence[str], top: int = 3) -> list[dict[str, Any]]:
    """For each prefix: the best word and the `top` candidates with probabilities, from an autocomplete run."""
    run = runs.open_run(run_dir)
    config = runs.read_config(run)
    require_model(config, "autocomplete", "complete", run_dir)
    extra = config.data_info["extra"]
    vocabulary = Vocabulary(extra["vocabulary"])
    prefixes = [normalize(prefix) for prefix in prefixes]
    for prefix in prefixes:
        vocabulary.encode(prefix)  # unseen letters: a UserError before the model is loaded
    found = complete_words(runs.load_model(run), vocabulary, prefixes, int(extra["max_length"]), top=top)
    return [{"prefix": prefix, "word": candidates[0].word if candidates else None,
             "candidates": [{"word": c.word, "probability": c.probability} for c in candidates]}
            for prefix, candidates in zip(prefixes, found)]


def require_model(config: RunConfig, model: str, command: str, run_dir: Path) -> None:
    """Raise a UserError unless the run trained `model`."""
    if config.model != model:
        raise UserError(f"{run_dir} holds a {config.model!r} run; `classicnets {command}` needs a {model} run "
                        f"(train one with `classicnets train {model}`)")
