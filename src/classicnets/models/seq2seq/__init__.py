"""Seq2seq: the notes' encoder-decoder that translates words letter by letter (English -> Korean)."""

from __future__ import annotations

from dataclasses import dataclass

from classicnets.data.words import DEFAULT_PAIRS
from classicnets.models.checks import CELLS, check_choice, check_finite, check_positive, check_rate
from classicnets.models.registry import ModelSpec, option

PAIR_LISTS_HELP = ("the dataset: word pairs, a UTF-8 .tsv file with 'source<TAB>target' a line, or a bundled list: "
                   f"english-korean (72 pairs), notes (6 pairs) (default: {DEFAULT_PAIRS})")


@dataclass(frozen=True)
class Seq2SeqOptions:
    cell: str = option("lstm", "recurrent cell of the encoder and the decoder", CELLS)
    units: int = option(128, "hidden size of the encoder and the decoder")
    embedding_dim: int = option(32, "size of each letter's learned vector (the notes: one-hot)")
    dropout: float = option(0.0, "dropout rate on the decoder's outputs (training only; the notes: 0.5)")

    def check(self) -> None:
        check_finite(self)
        check_choice("cell", self.cell, CELLS)
        check_positive("units", self.units)
        check_positive("embedding_dim", self.embedding_dim)
        check_rate("dropout", self.dropout)


SPEC = ModelSpec("seq2seq", "encoder-decoder that translates words letter by letter (the notes' English -> "
                 "Korean)", Seq2SeqOptions, "classicnets.models.seq2seq.network:build_seq2seq", task="translation",
                 steps="classicnets.models.steps:ModelSteps",
                 data_loader="classicnets.data.word_datasets:load_pair_list_data",
                 dataset_alias=("pairs", PAIR_LISTS_HELP),
                 uses_extra=True,  # a few dozen pairs: many short epochs (measured in bench/README.md)
                 train_defaults={"epochs": 100, "learning_rate": 0.01, "batch_size": 16})
