"""The sequence models' judges.

autocomplete: every word it trained on is completed from all but its last letter (beam search to <end>);
  next-letter top-1/top-3 accuracy on the held-out words (test split, and the validation words).
seq2seq: exact-match rate of greedy translations on the pairs it trained on and on held-out pairs.
"Trained on" excludes the validation share the trainer held out (recomputed from the run's seed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from classicnets.use.completion import complete_words
from classicnets.config import RunConfig
from classicnets.data import Dataset
from classicnets.data.pipeline import ArraySplit, split_validation
from classicnets.data.tokens import UNKNOWN, Vocabulary
from classicnets.evaluation.sequence_plots import plot_rates, plot_top_k_accuracy
from classicnets.judges.classifier import plot_history_rows
from classicnets.judges.registry import Evaluator
from classicnets.use.translation import translate_ids

SHOWN_MISTAKES = 20  # mistakes listed in metrics.json


def splits(config: RunConfig, dataset: Dataset) -> dict[str, ArraySplit]:
    """The words the model trained on, the trainer's validation words and the test words."""
    trained, validation = split_validation(dataset.x_train, dataset.y_train, config.data.validation_fraction,
                                           config.train.seed)
    return {"train": trained, "validation": validation, "test": ArraySplit(dataset.x_test, dataset.y_test)}


def token_probabilities(model: Any, x: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """The model's next-token probabilities at every position: (N, T, vocabulary)."""
    return np.concatenate([np.asarray(model(x[i:i + batch_size], training=False))
                           for i in range(0, len(x), batch_size)])


def top_k_next_letter(model: Any, part: ArraySplit, k_max: int = 5) -> list[float]:
    """Accuracy of the next letter (or the word's end) among the k most likely, k = 1..k_max, once at least
    one letter has been read (the first letter of a word is not predicted from nothing)."""
    probabilities = token_probabilities(model, part.x)
    ranked = np.argsort(-probabilities, axis=-1)[..., :k_max]  # (N, T, k)
    hit = np.cumsum(ranked == part.y[..., None], axis=-1) > 0  # (N, T, k): right within the first k
    scored = part.y != 0
    scored[:, 0] = False
    return [float(hit[..., k][scored].mean()) if scored.any() else 0.0 for k in range(k_max)]


def completion_metrics(model: Any, vocabulary: Vocabulary, words: list[str], max_length: int) -> dict[str, Any]:
    """How many words are completed to themselves from all but their last letter. A word is ambiguous when
    another word also starts with that prefix (the -> they, then): no model can complete both."""
    words = [word for word in words if len(word) >= 2]
    found = complete_words(model, vocabulary, [word[:-1] for word in words], max_length, top=3, unknown_ok=True)
    completed = [candidates[0].word if candidates else "" for candidates in found]
    right = np.array([word == guess for word, guess in zip(words, completed)], dtype=bool)
    in_top3 = np.array([word in [c.word for c in candidates] for word, candidates in zip(words, found)], dtype=bool)
    clear = np.array([not any(other != word and other.startswith(word[:-1]) for other in words) for word in words],
                     dtype=bool)
    mistakes = [{"prefix": word[:-1], "word": word, "completed": guess}
                for word, guess, ok in zip(words, completed, right) if not ok]
    return {"completed_words": len(words), "completion_accuracy": float(right.mean()) if words else 0.0,
            "completion_top3_accuracy": float(in_top3.mean()) if words else 0.0,
            "unambiguous_words": int(clear.sum()),
            "completion_accuracy_unambiguous": float(right[clear].mean()) if clear.any() else 0.0,
            "wrong_completions": mistakes[:SHOWN_MISTAKES]}


def evaluate_autocomplete(model: Any, config: RunConfig, dataset: Dataset, plots: Path,
                          history: list[dict] | None = None) -> dict[str, Any]:
    """Completion of the training words, next-letter accuracy per split, and plots."""
    vocabulary = Vocabulary(dataset.extra["vocabulary"])
    parts = splits(config, dataset)
    curves = {name: top_k_next_letter(model, part) for name, part in parts.items() if len(part)}
    metrics: dict[str, Any] = {name: {"num_examples": len(part)} for name, part in parts.items()}
    for name, curve in curves.items():
        metrics[name].update(next_letter_accuracy=curve[0], next_letter_top3_accuracy=curve[2])
    trained_words = [vocabulary.decode(row) for row in parts["train"].y]
    metrics["train"].update(completion_metrics(model, vocabulary, trained_words, int(dataset.extra["max_length"])))
    plot_top_k_accuracy(curves, plots / "next_letter_accuracy.png", "Next letter among the k most likely")
    plot_history_rows(history, plots / "history.png")
    return metrics


def summarize_autocomplete(metrics: dict[str, Any]) -> str:
    """'completes 100.0% of 9 training words ...; held-out next letter top-3 ...'."""
    train, test = metrics["train"], metrics["test"]
    text = (f"completes {train['completion_accuracy']:.1%} of {train['completed_words']} training words from all but "
            f"the last letter ({train['completion_accuracy_unambiguous']:.1%} of the {train['unambiguous_words']} "
            "with one possible ending)")
    if test["num_examples"]:
        text += (f"; held-out words ({test['num_examples']}): next letter top-1 {test['next_letter_accuracy']:.1%}, "
                 f"top-3 {test['next_letter_top3_accuracy']:.1%}")
    return text


def translation_metrics(model: Any, extra: dict[str, Any], part: ArraySplit) -> dict[str, Any]:
    """Exact-match rate of greedy translations of one split, with the first mistakes."""
    source, target = Vocabulary(extra["source_vocabulary"]), Vocabulary(extra["target_vocabulary"])
    source_ids = part.x[:, :int(extra["source_length"])]
    expected = [target.decode(row) for row in part.y]
    got, _ = translate_ids(model, source_ids, target, int(extra["target_length"]) + 2)
    right = [a == b and UNKNOWN not in row for a, b, row in zip(expected, got, part.y)]
    mistakes = [{"word": source.decode(ids), "expected": want, "got": have}
                for ids, want, have, ok in zip(source_ids, expected, got, right) if not ok]
    known_letters = int(sum(UNKNOWN not in row for row in part.y))  # the others cannot be translated exactly
    return {"num_examples": len(part), "exact_match": float(np.mean(right)) if len(part) else 0.0,
            "translations_of_known_letters": known_letters, "mistakes": mistakes[:SHOWN_MISTAKES]}


def evaluate_seq2seq(model: Any, config: RunConfig, dataset: Dataset, plots: Path,
                     history: list[dict] | None = None) -> dict[str, Any]:
    """Exact-match rate per split, and plots."""
    metrics = {name: translation_metrics(model, dataset.extra, part) for name, part in splits(config, dataset).items()}
    shown = {name: values for name, values in metrics.items() if values["num_examples"]}
    plot_rates({name: values["exact_match"] for name, values in shown.items()},
               {name: values["num_examples"] for name, values in shown.items()}, plots / "exact_match.png",
               "Translations exactly right")
    plot_history_rows(history, plots / "history.png")
    return metrics


def summarize_seq2seq(metrics: dict[str, Any]) -> str:
    """'translates 100.0% of 52 training pairs exactly; held-out ...'."""
    train = metrics["train"]
    text = f"translates {train['exact_match']:.1%} of {train['num_examples']} training pairs exactly"
    held = [f"{name} {metrics[name]['exact_match']:.1%} of {metrics[name]['num_examples']}"
            for name in ("validation", "test") if metrics[name]["num_examples"]]
    return text + (f"; held-out: {', '.join(held)}" if held else "")


def headline_autocomplete(metrics: dict[str, Any]) -> tuple[str, float]:
    """Training words completed from all but their last letter."""
    return "completion accuracy", float(metrics["train"]["completion_accuracy"])


def headline_seq2seq(metrics: dict[str, Any]) -> tuple[str, float]:
    """Training pairs translated exactly."""
    return "exact match", float(metrics["train"]["exact_match"])


AUTOCOMPLETE = Evaluator(evaluate_autocomplete, summarize_autocomplete, headline_autocomplete)
TRANSLATION = Evaluator(evaluate_seq2seq, summarize_seq2seq, headline_seq2seq)
