"""The notes' Keras classifier: a Sequential stack compiled with RMSprop, a string loss and accuracy.

    classicnets train --network examples/networks/sequential.py:build --dataset fashion-mnist --epochs 10
"""

import keras


def build(input_shape, num_classes):
    """Flatten, two hidden layers with dropout, softmax over the classes."""
    model = keras.Sequential([
        keras.Input(shape=input_shape),
        keras.layers.Flatten(),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(num_classes, activation="softmax"),
    ], name="notes_sequential")
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.001),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
