"""The notes' first models: linear regression (y = Wx + b) and a linear classifier (score = Wx + b, class 1
when the score passes 0.5), both on tables of features."""

from __future__ import annotations

import keras

from classicnets.models.linear import LinearClassifierOptions, LinearRegressionOptions, score_count


def build_linear_regression(options: LinearRegressionOptions, input_shape: tuple[int, ...], num_classes: int,
                            extra: dict) -> keras.Model:
    """y = Wx + b on min-max scaled features; the output is put back in the target's units (fixed rescaling)."""
    return keras.Sequential([
        keras.Input(input_shape),
        keras.layers.Dense(1, name="line"),
        # targets in any unit train as well as y = 2x: the line learns (y - mean) / spread
        keras.layers.Rescaling(extra.get("target_scale", 1.0), offset=extra.get("target_mean", 0.0),
                               name="target_units"),
    ], name="linear_regression")


def build_linear_classifier(options: LinearClassifierOptions, input_shape: tuple[int, ...],
                            num_classes: int) -> keras.Model:
    """One score (two classes, the notes) or one score per class, each Wx + b."""
    return keras.Sequential([keras.Input(input_shape), keras.layers.Dense(score_count(num_classes), name="scores")],
                            name="linear_classifier")
