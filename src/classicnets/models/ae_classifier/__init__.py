"""The pretrained classifier of the notes: an autoencoder's encoder with a softmax head on its code.

With --encoder RUN_DIR the encoder of a trained autoencoder run is loaded; without it the run pretrains an
autoencoder for --pretrain-epochs of its --epochs (reconstruction MSE, labels unused), then fine-tunes
encoder + head on the labels (or only the head, with --freeze-encoder). The training task is
classicnets.models.ae_classifier.steps."""

from __future__ import annotations

from dataclasses import dataclass

from classicnets.errors import SettingsError, UserError
from classicnets.models.autoencoder import CODE_ACTIVATIONS, AutoencoderOptions
from classicnets.models.checks import check_finite, check_rate
from classicnets.models.registry import ModelSpec, option

PRETRAIN_KINDS = ("dense", "conv", "denoising")


@dataclass(frozen=True)
class AEClassifierOptions:
    encoder: str = option("", "run directory of a trained autoencoder whose encoder to use ('': pretrain one "
                          "in this run first)")
    freeze_encoder: bool = option(False, "train only the softmax head; the encoder's weights stay as pretrained")
    pretrain_epochs: int = option(-1, "without --encoder: epochs of autoencoder pretraining, counted in --epochs "
                                  "(-1: half of them)")
    kind: str = option("dense", "without --encoder: the autoencoder to pretrain", PRETRAIN_KINDS)
    hidden: tuple[int, ...] = option((256,), "without --encoder: encoder layer sizes before the code")
    code_size: int = option(128, "without --encoder: size of the code the head classifies")
    code_activation: str = option("linear", "without --encoder: activation of the code layer (the notes: sigmoid)",
                                  CODE_ACTIVATIONS)
    filters: tuple[int, ...] = option((64, 128), "without --encoder, --kind conv: filters of each conv layer")
    noise: float = option(0.4, "without --encoder, --kind denoising: std of the training noise")
    dropout: float = option(0.2, "dropout rate on the code before the softmax head")
    reconstruction_weight: float = option(0.0, "without --encoder: while fine-tuning, keep training the decoder and "
                                          "add this weight times the reconstruction MSE to the label loss (a "
                                          "supervised autoencoder; 0: the notes' recipe)")

    def check(self) -> None:
        check_finite(self)
        check_rate("dropout", self.dropout)
        if self.encoder and self.pretrain_epochs > 0:
            raise SettingsError.about("{pretrain_epochs} {value} has no effect with {encoder} {run}: that run is the "
                                      "pretraining; leave one of them out", "pretrain_epochs", "encoder",
                                      value=self.pretrain_epochs, run=self.encoder)
        if self.reconstruction_weight < 0:
            raise UserError(f"reconstruction_weight must be >= 0. Received: {self.reconstruction_weight}")
        if self.reconstruction_weight and (self.encoder or self.freeze_encoder):
            raise SettingsError.about("{reconstruction_weight} trains the encoder and decoder on while fine-tuning: "
                                      "it needs the autoencoder pretrained in this run (no {encoder}) and no "
                                      "{freeze_encoder}", "reconstruction_weight", "encoder", "freeze_encoder")
        if self.reconstruction_weight and self.pretrain_epochs == 0:
            raise SettingsError.about("{reconstruction_weight} needs pretraining epochs: leave {pretrain_epochs} at "
                                      "-1 or give at least 1", "reconstruction_weight", "pretrain_epochs")
        if self.pretrain_epochs < -1:
            raise SettingsError.about("{pretrain_epochs} must be >= 0 (or -1 for half of {epochs}). Received: "
                                      "pretrain_epochs={value}", "pretrain_epochs", "epochs", value=self.pretrain_epochs)
        self.autoencoder_options().check()

    def autoencoder_options(self) -> AutoencoderOptions:
        """Options of the autoencoder pretrained in this run."""
        return AutoencoderOptions(kind=self.kind, hidden=self.hidden, code_size=self.code_size,
                                  code_activation=self.code_activation, filters=self.filters, noise=self.noise)


def resolve_pretrain_epochs(requested: int, epochs: int, has_decoder: bool) -> int:
    """How many of `epochs` pretrain the autoencoder: none with a loaded encoder, -1 means half."""
    if not has_decoder:
        return 0
    pretrain = epochs // 2 if requested < 0 else requested
    if pretrain >= epochs:
        raise SettingsError.about("{pretrain_epochs} {pretrain} leaves no epoch of {epochs} {count} for fine-tuning; "
                                  "raise {epochs} or lower {pretrain_epochs}", "pretrain_epochs", "epochs",
                                  pretrain=pretrain, count=epochs)
    return pretrain


SPEC = ModelSpec("ae-classifier", "softmax on an autoencoder's code: pretrain (or --encoder RUN_DIR), then "
                 "fine-tune on the labels", AEClassifierOptions,
                 "classicnets.models.ae_classifier.network:build_ae_classifier", task="ae-classifier",
                 steps="classicnets.models.ae_classifier.steps:FineTuneSteps",
                 data_loader="classicnets.data.labelled_images:load_classified", uses_extra=True,
                 pretrained={"encoder": "autoencoder"})
