"""Softmax regression: one dense layer from pixels to class probabilities."""

from __future__ import annotations

from dataclasses import dataclass

from classicnets.models.registry import ModelSpec, option, register

@dataclass(frozen=True)
class SoftmaxOptions:
    l2: float = option(0.0, "L2 weight penalty on the weights (0 turns it off)")


register(ModelSpec("softmax", "softmax regression (the notes: ~91% on MNIST)", SoftmaxOptions,
                   "classicnets.models.softmax.network:build_softmax"))
