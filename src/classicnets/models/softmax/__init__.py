"""Softmax regression: one dense layer from pixels to class probabilities."""

from __future__ import annotations

from dataclasses import dataclass

from classicnets.models.checks import check_at_least, check_finite
from classicnets.models.registry import ModelSpec, option

@dataclass(frozen=True)
class SoftmaxOptions:
    l2: float = option(0.0, "L2 weight penalty on the weights (0 turns it off)")

    def check(self) -> None:
        check_finite(self)
        check_at_least("l2", self.l2, 0)


SPEC = ModelSpec("softmax", "softmax regression (the notes: ~91% on MNIST)", SoftmaxOptions,
                 "classicnets.models.softmax.network:build_softmax",
                 data_loader="classicnets.data.labelled_images:load_classified",
                 # Fashion-MNIST, seeds 0-2: test accuracy 0.843-0.845 after 3 epochs at 0.01 (0.835 at 0.003).
                 # No XLA: one matrix product has nothing to fuse; its epochs took 0.17 s with or without it,
                 # and compiling it cost the first epoch about 1 s
                 train_defaults={"epochs": 4, "jit_compile": "off"}, learning_rate=0.01)
