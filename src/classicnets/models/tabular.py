"""An MLP for CSV tables (the notes' fur/wings -> other/mammal/bird network: 2 -> 10 -> 3)."""

from __future__ import annotations

from dataclasses import dataclass

from classicnets.models.linear import CLASS_COLUMN_HELP
from classicnets.models.mlp import MLPOptions
from classicnets.models.registry import ModelSpec, option


@dataclass(frozen=True)
class TabularOptions(MLPOptions):
    hidden: tuple[int, ...] = option((10,), "hidden layer sizes, comma separated ('' for none: the notes' one layer)")
    dropout: float = option(0.0, "dropout rate after each hidden layer")


SPEC = ModelSpec("tabular", "MLP for CSV tables (the notes' fur/wings -> other/mammal/bird)", TabularOptions,
                 "classicnets.models.mlp.network:build_mlp", data_loader="classicnets.data.lessons:load_fur_wings",
                 target_help=CLASS_COLUMN_HELP,
                 train_defaults={"epochs": 40, "batch_size": 4, "learning_rate": 0.01, "schedule": "constant"})
