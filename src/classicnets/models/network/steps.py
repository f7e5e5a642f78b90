"""How a user's network learns in classicnets' trainer (the protocol of classicnets.models.steps): with the loss,
optimizer and metrics it was compiled with (else cross-entropy and the run's optimizer), or with its own
train_step. Steps return per-replica sums, so a run on N replicas and a resumed run learn as one on one device."""

from __future__ import annotations

from typing import Any, Callable

import keras
import tensorflow as tf

from classicnets.config import TrainConfig
from classicnets.errors import UserError
from classicnets.models.network.build import JOBS, Job, compiled_with
from classicnets.models.steps import apply_loss, count, regularised
from classicnets.optimizers import optimizer_from_config

ACCURACY_NAMES = ("accuracy", "acc", "sparse_categorical_accuracy")

PerExample = Callable[[tf.Tensor, tf.Tensor], tf.Tensor]  # (targets, outputs) -> (B,): labels (B,) or the inputs


def _name_of(thing: Any) -> str:
    """The name a loss or metric goes by: its string, its `name`, or its function's name."""
    if isinstance(thing, str):
        return thing
    return str(getattr(thing, "name", None) or getattr(thing, "__name__", type(thing).__name__))


def _per_example(function: Callable, name: str, classes: bool) -> PerExample:
    """A loss or metric function as values per example; a classifier's targets one-hot unless it takes class
    indices (an autoencoder's targets are its inputs)."""
    one_hot = classes and "sparse" not in name

    def values(targets: tf.Tensor, outputs: tf.Tensor) -> tf.Tensor:
        target = tf.one_hot(targets, tf.shape(outputs)[-1], dtype=outputs.dtype) if one_hot else targets
        result = tf.cast(function(target, outputs), tf.float32)
        return tf.reduce_mean(tf.reshape(result, [tf.shape(outputs)[0], -1]), axis=1)  # (B,)

    return values


def loss_of(loss: Any, job: Job) -> PerExample:
    """The compiled loss per example; without one, a classifier's sparse cross-entropy on its probabilities or
    logits, an autoencoder's mean squared error."""
    if loss is None and job.task == "autoencoder":
        return _per_example(keras.losses.mean_squared_error, "mean_squared_error", False)
    if loss is None:
        return _per_example(lambda y, p: keras.losses.sparse_categorical_crossentropy(
            y, p, from_logits=job.outputs == "logits"), "sparse", True)
    if isinstance(loss, (list, tuple, dict)):
        raise UserError("the network is compiled with several losses; classicnets trains networks with one output "
                        "and one loss")
    function = keras.losses.get(loss)
    call = function.call if isinstance(function, keras.losses.Loss) else function  # Loss.call: not reduced
    return _per_example(call, _name_of(loss) + " " + _name_of(function), job.task == "classifier")


def _accuracy(labels: tf.Tensor, outputs: tf.Tensor) -> tf.Tensor:
    """1 where the highest output is the label, per example."""
    return tf.cast(tf.equal(tf.argmax(outputs, axis=-1, output_type=tf.int32), tf.cast(labels, tf.int32)), tf.float32)


def metrics_of(metrics: Any, job: Job) -> dict[str, PerExample]:
    """The compiled metrics that are means over examples, by name; a classifier's accuracy is always among them."""
    if isinstance(metrics, dict):
        raise UserError("the network's metrics are given per output (a dict); give one list for its one output")
    classes = job.task == "classifier"
    chosen: dict[str, PerExample] = {"accuracy": _accuracy} if classes else {}
    for metric in metrics or []:
        if classes and isinstance(metric, str) and metric.lower() in ACCURACY_NAMES:
            continue
        found = keras.metrics.get(metric)
        if isinstance(found, keras.metrics.MeanMetricWrapper):
            function = found._fn  # the per-example function Keras averages (with its arguments)
            arguments = dict(found._fn_kwargs)
            chosen[found.name] = _per_example(lambda y, p, f=function, a=arguments: f(y, p, **a),
                                              found.name + " " + function.__name__, classes)
        elif isinstance(found, keras.metrics.Metric):
            raise UserError(f"metric {found.name!r} is not a mean over examples (like AUC, precision and recall), "
                            "so it cannot be summed over the batches of classicnets' trainer; leave it out of "
                            "compile(): the evaluation reports the test split's accuracy, confusion matrix and "
                            "per-class figures")
        else:
            chosen[_name_of(metric)] = _per_example(found, _name_of(metric), classes)
    return chosen


class NetworkSteps:
    """A user's network trained on its (compiled or default) loss, with per-example metrics summed."""

    def __init__(self, network: keras.Model, optimizer: keras.optimizers.Optimizer, loss: PerExample,
                 metrics: dict[str, PerExample], job: Job) -> None:
        self.network, self.optimizer, self.loss, self.metric_functions = network, optimizer, loss, metrics
        self.sum_names = ("loss", *metrics, "count")
        self.rebuilds_inputs = job.task == "autoencoder"  # its targets are its inputs, not the labels
        optimizer.build(network.trainable_variables)  # slots exist now, so checkpoints can restore into them
        self.model = network
        if job.outputs == "logits":  # probabilities out, trainable further with plain Keras fit()
            self.model = _with_softmax(network, job.input_shape)
            self.model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    @classmethod
    def create(cls, model: keras.Model, train: TrainConfig, total_steps: int) -> Any:
        """The steps for `model`: its own train_step, or its compiled loss and optimizer, or the run's."""
        job = JOBS[model]
        if type(model).train_step is not keras.Model.train_step:
            return OwnTrainStep(model, train, total_steps, job)
        if model.compiled:
            compiled = compiled_with(model)
            return cls(model, model.optimizer, loss_of(compiled["loss"], job), metrics_of(compiled["metrics"], job), job)
        return cls(model, optimizer_from_config(train, total_steps), loss_of(None, job), metrics_of([], job), job)

    def _sums(self, targets: tf.Tensor, outputs: tf.Tensor, per_example_loss: tf.Tensor) -> tuple[tf.Tensor, ...]:
        flat = tf.reshape(outputs, [tf.shape(outputs)[0], -1])
        finite = tf.reduce_all(tf.math.is_finite(flat), axis=-1)  # NaN outputs must stop training
        per_example_loss = tf.where(finite, per_example_loss, tf.fill(tf.shape(per_example_loss), float("nan")))
        sums = [tf.reduce_sum(function(targets, outputs)) for function in self.metric_functions.values()]
        return (tf.reduce_sum(per_example_loss), *sums, count(targets))

    def train_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """One optimizer step on a (replica's share of a) batch."""
        targets = x if self.rebuilds_inputs else y
        with tf.GradientTape() as tape:
            outputs = tf.cast(self.network(x, training=True), tf.float32)  # (B, K) or the inputs' shape
            per_example_loss = self.loss(targets, outputs)  # (B,)
            loss = regularised(tf.nn.compute_average_loss(per_example_loss), self.network)
        apply_loss(tape, loss, self.network, self.optimizer)
        return self._sums(targets, outputs, per_example_loss)

    def test_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """Loss and metric sums on a batch, without training."""
        targets = x if self.rebuilds_inputs else y
        outputs = tf.cast(self.network(x, training=False), tf.float32)
        return self._sums(targets, outputs, self.loss(targets, outputs))

    def variables(self) -> dict[str, list]:
        """Everything a checkpoint must hold to resume exactly."""
        return {"model": list(self.network.variables), "optimizer": list(self.optimizer.variables)}


def _with_softmax(network: keras.Model, input_shape: tuple[int, ...]) -> keras.Model:
    """The network with a softmax after its logits: the model a run keeps, judges and serves (same variables)."""
    inputs = keras.Input(input_shape)
    return keras.Model(inputs, keras.layers.Softmax(dtype="float32")(network(inputs)), name=f"{network.name}_probabilities")


class OwnTrainStep:
    """A network with its own train_step (and test_step): each step resets its metrics and runs it, so what it
    returns is that batch's figures, summed over examples like every family's."""

    def __init__(self, model: keras.Model, train: TrainConfig, total_steps: int, job: Job) -> None:
        if not model.compiled:  # its train_step needs an optimizer: the run's
            model.compile(optimizer=optimizer_from_config(train, total_steps))
        self.model, self.optimizer = model, model.optimizer
        self.optimizer.build(model.trainable_variables)
        specs = (tf.TensorSpec((None, *job.input_shape), tf.float32), tf.TensorSpec((None,), tf.int32))
        trained = _result_names(model.train_step, specs)
        tested = set(_result_names(model.test_step, specs))
        self.names = [name for name in trained if name in tested]
        if not self.names:
            raise UserError(f"{model.name}'s train_step and test_step return no figure by the same name (train_step: "
                            f"{', '.join(trained) or 'none'}); return a dict such as {{'loss': ...}} from both")
        self.sum_names = (*self.names, "count")

    def _run(self, step: Callable, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        for metric in self.model.metrics:
            metric.reset_state()
        logs = _flat(step((x, y)))
        examples = count(y)
        return (*(tf.cast(logs[name], tf.float32) * examples for name in self.names), examples)

    def train_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """The network's own train_step on a batch; its figures times the batch's examples."""
        return self._run(self.model.train_step, x, y)

    def test_sums(self, x: tf.Tensor, y: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """The network's own test_step on a batch."""
        return self._run(self.model.test_step, x, y)

    def variables(self) -> dict[str, list]:
        """Everything a checkpoint must hold to resume exactly."""
        return {"model": list(self.model.variables), "optimizer": list(self.optimizer.variables)}


def _flat(logs: Any, prefix: str = "") -> dict[str, Any]:
    """A train_step's returned dict with nested dicts (compiled metrics) flattened."""
    flat: dict[str, Any] = {}
    for name, value in dict(logs).items():
        if isinstance(value, dict):
            flat.update(_flat(value, prefix))
        else:
            flat[prefix + name] = value
    return flat


def _result_names(step: Callable, specs: tuple[tf.TensorSpec, tf.TensorSpec]) -> list[str]:
    """The names of what a train_step or test_step returns, found by tracing it (nothing runs)."""
    traced = tf.function(lambda x, y: _flat(step((x, y))), autograph=False).get_concrete_function(*specs)
    return list(traced.structured_outputs)
