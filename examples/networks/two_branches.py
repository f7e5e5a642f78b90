"""A Functional model with two branches that meet again: a convolutional one that sees shapes and a dense one
that sees the whole image at once. It gives logits (no softmax): classicnets trains it with cross-entropy on
logits and keeps it with a softmax after them.

    classicnets train --network examples/networks/two_branches.py:build --dataset fashion-mnist
"""

import keras


def build(input_shape, num_classes):
    """Conv branch and dense branch, concatenated, then one dense layer of class scores."""
    images = keras.Input(shape=input_shape)
    shapes = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(images)
    shapes = keras.layers.MaxPooling2D(2, padding="same")(shapes)
    shapes = keras.layers.Conv2D(64, 3, padding="same", activation="relu")(shapes)
    shapes = keras.layers.GlobalAveragePooling2D()(shapes)
    whole = keras.layers.Dense(128, activation="relu")(keras.layers.Flatten()(images))
    joined = keras.layers.Concatenate()([shapes, whole])
    joined = keras.layers.Dropout(0.3)(joined)
    logits = keras.layers.Dense(num_classes)(joined)
    return keras.Model(images, logits, name="two_branches")
