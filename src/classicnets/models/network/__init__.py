"""Your own network: a Keras model you write (a function in a .py file that returns it) or one saved as .keras,
trained, judged, exported and served like the notes' own families.

What the job is comes from the model: a compiled model trains with its own loss, optimizer and metrics; a model
with its own train_step trains with its own objective; otherwise its outputs say it (one per class: a classifier
with cross-entropy; the input's shape: an autoencoder with mean squared error). `--task` says it when the guess
is ambiguous."""

from __future__ import annotations

from dataclasses import dataclass

from classicnets.errors import UserError
from classicnets.models.checks import check_choice
from classicnets.models.registry import ModelSpec, option

TASKS = ("auto", "classifier", "autoencoder")
OUTPUTS = ("auto", "probabilities", "logits", "values")


@dataclass(frozen=True)
class NetworkOptions:
    network: str = option("", "your network (required): FILE.py:FUNCTION (a function that returns a keras.Model; it may take "
                          "input_shape and num_classes), FILE.py (its function `build`) or FILE.keras (a saved model "
                          "to train further, loaded in Keras' safe mode)")
    task: str = option("auto", "the job: auto (from the model's outputs: one per class is a classifier, the "
                       "input's shape an autoencoder), classifier or autoencoder", TASKS)
    outputs: str = option("auto", "what a classifier's outputs are: auto (from its compiled loss, else whether "
                          "they sum to 1), probabilities, or logits (the saved model adds a softmax); an "
                          "autoencoder's are values", OUTPUTS)

    def check(self) -> None:
        if not self.network:
            raise UserError("the network family needs your network: network='FILE.py:FUNCTION' "
                            "(or FILE.py, or FILE.keras)")
        check_choice("task", self.task, TASKS)
        check_choice("outputs", self.outputs, OUTPUTS)


SPEC = ModelSpec("network", "your own Keras network (FILE.py:FUNCTION or FILE.keras), trained like the notes' own",
                 NetworkOptions, "classicnets.models.network.build:build_network", task="from-options",
                 steps="classicnets.models.network.steps:NetworkSteps",
                 data_loader="classicnets.models.network.build:load_network_data", uses_extra=True,
                 keeps_files="classicnets.models.network.source:keep_network",
                 settles="classicnets.models.network.build:settle_options",
                 custom_objects="classicnets.models.network.source:objects_of_run")
