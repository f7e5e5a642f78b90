"""A subclassed model with its own train_step and test_step, as Keras' guide "Customizing what happens in fit()"
writes one: it computes its loss, applies the gradients and updates the trackers it lists in `metrics`.
classicnets runs that train_step in its own loop (one batch at a time, figures summed over the epoch).

    classicnets train --network examples/networks/own_train_step.py --dataset fashion-mnist
"""

import keras
import tensorflow as tf


class SmoothedClassifier(keras.Model):
    """An MLP trained on cross-entropy with label smoothing, written out by hand in train_step."""

    def __init__(self, num_classes=10, hidden=256, smoothing=0.1, **kwargs):
        super().__init__(**kwargs)
        self.num_classes, self.hidden_size, self.smoothing = num_classes, hidden, smoothing
        self.flatten = keras.layers.Flatten()
        self.hidden = keras.layers.Dense(hidden, activation="relu")
        self.scores = keras.layers.Dense(num_classes, activation="softmax")
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.accuracy = keras.metrics.SparseCategoricalAccuracy(name="accuracy")

    def call(self, images, training=False):
        return self.scores(self.hidden(self.flatten(images)))

    @property
    def metrics(self):
        return [self.loss_tracker, self.accuracy]

    def smoothed_loss(self, labels, probabilities):
        targets = tf.one_hot(tf.cast(labels, tf.int32), self.num_classes)
        targets = targets * (1 - self.smoothing) + self.smoothing / self.num_classes
        return tf.reduce_mean(keras.losses.categorical_crossentropy(targets, probabilities))

    def train_step(self, data):
        images, labels = data
        with tf.GradientTape() as tape:
            probabilities = self(images, training=True)
            loss = self.smoothed_loss(labels, probabilities)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.loss_tracker.update_state(loss)
        self.accuracy.update_state(labels, probabilities)
        return {metric.name: metric.result() for metric in self.metrics}

    def test_step(self, data):
        images, labels = data
        probabilities = self(images, training=False)
        self.loss_tracker.update_state(self.smoothed_loss(labels, probabilities))
        self.accuracy.update_state(labels, probabilities)
        return {metric.name: metric.result() for metric in self.metrics}

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "hidden": self.hidden_size,
                "smoothing": self.smoothing}


def build(num_classes):
    """The model, compiled with the optimizer its train_step uses."""
    model = SmoothedClassifier(num_classes)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001))
    return model
