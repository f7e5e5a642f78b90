"""The notes' autoencoder written as a user would: 784-256-128-256-784 with a sigmoid output, compiled with
Adam and mean squared error. Its output has the input's shape, so classicnets trains and judges it as an
autoencoder: test MSE, originals above reconstructions, and a served `reconstructions` signature.

    classicnets train --network examples/networks/autoencoder.py --dataset fashion-mnist --epochs 20
"""

import math

import keras


def build(input_shape):
    """Encoder 256-128, decoder 256-(pixels), reshaped back to the images' shape."""
    pixels = math.prod(input_shape)
    model = keras.Sequential([
        keras.Input(shape=input_shape),
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(pixels, activation="sigmoid"),
        keras.layers.Reshape(input_shape),
    ], name="notes_autoencoder")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="mse")
    return model
