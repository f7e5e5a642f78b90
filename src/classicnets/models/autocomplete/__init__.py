"""Autocomplete: the notes' LSTM that reads the first letters of a word and predicts the next one.

Going further than the notes (fixed 3 letters in, one out): words of any length are read letter by
letter after a <start> token, and at every step the network predicts the next letter or <end>. Padding
(id 0) is masked, so short and long words train together. Completing a prefix searches over the letters
until <end> (classicnets.use.completion)."""

from __future__ import annotations

from dataclasses import dataclass

from classicnets.data.words import DEFAULT_WORDS
from classicnets.models.checks import CELLS, check_choice, check_finite, check_positive, check_rate
from classicnets.models.registry import ModelSpec, option

WORD_LISTS_HELP = ("the dataset: a word list, a UTF-8 file with one word a line, or a bundled list: english (498 "
                   f"words), notes (9 words) (default: {DEFAULT_WORDS})")


@dataclass(frozen=True)
class AutocompleteOptions:
    cell: str = option("lstm", "recurrent cell", CELLS)
    units: int = option(128, "hidden size of each recurrent layer")
    layers: int = option(1, "number of stacked recurrent layers")
    embedding_dim: int = option(32, "size of each letter's learned vector (the notes: one-hot)")
    dropout: float = option(0.0, "dropout rate before the output layer (training only)")

    def check(self) -> None:
        check_finite(self)
        check_choice("cell", self.cell, CELLS)
        check_positive("units", self.units)
        check_positive("layers", self.layers)
        check_positive("embedding_dim", self.embedding_dim)
        check_rate("dropout", self.dropout)


SPEC = ModelSpec("autocomplete", "LSTM that completes words letter by letter (the notes' autocomplete)",
                 AutocompleteOptions, "classicnets.models.autocomplete.network:build_autocomplete", task="next-letter",
                 steps="classicnets.models.steps:ModelSteps",
                 data_loader="classicnets.data.word_datasets:load_word_list_data",
                 dataset_alias=("words", WORD_LISTS_HELP),
                 # a few hundred words: many short epochs (measured in bench/README.md)
                 train_defaults={"epochs": 80, "learning_rate": 0.01, "batch_size": 32})
