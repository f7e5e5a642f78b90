"""The one trainer every model trains through: a compiled multi-step loop over tf.data, on any
tf.distribute strategy, with per-epoch atomic checkpoints, exact resume, early stopping and NaN checks."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

import keras
import numpy as np
import tensorflow as tf

from classicnets.config import TrainConfig, sized_for
from classicnets.data.pipeline import ArraySplit, as_tensor, batches, epoch_order, steps_per_epoch
from classicnets.errors import SettingsError
from classicnets.models.steps import Learning
from classicnets.training.best_weights import BestWeights
from classicnets.training.checkpoint import load_checkpoint, save_checkpoint
from classicnets.training.loops import (
    distributed_loop, full_batches, local_loop, local_tail, streamed_tail, use_xla,
)
from classicnets.training.progress import EpochProgress


class TrainingDiverged(SettingsError):
    """The loss became NaN or infinite (the message names the learning rate: a Python argument, or the CLI's --lr)."""


@dataclass
class TrainingResult:
    """What fit() did: one history row per epoch (resumed epochs included); with early stopping, the model
    holds the weights of best_epoch (lowest validation loss)."""

    history: list[dict[str, float]] = field(default_factory=list)
    stopped_early: bool = False
    resumed_from_epoch: int = 0
    best_epoch: int | None = None


def metrics_from_sums(names: tuple[str, ...], totals: list[float], prefix: str = "") -> dict[str, float]:
    """Sums over examples -> means; the 'count' entry divides the others."""
    sums = dict(zip(names, totals))
    count = max(sums.pop("count"), 1.0)
    return {prefix + name: value / count for name, value in sums.items()}


class Loops(NamedTuple):
    """The compiled loops of one step (Trainer._compile): over a split in memory, over tf.data batches, and the
    calls for an epoch's partial last batch when the full ones run under XLA (else None)."""

    local: Callable | None
    local_tail: Callable | None
    streamed: Callable
    streamed_tail: Callable | None


class Trainer:
    """Runs a model family's steps (classicnets.models.steps.Learning: train_sums/test_sums) over epochs of seeded
    batches on a distribution strategy."""

    def __init__(self, steps: Learning, strategy: tf.distribute.Strategy, config: TrainConfig,
                 checkpoint_path: Path, callbacks: list[keras.callbacks.Callback] | None = None,
                 on_epoch_end: Callable[[list[dict]], None] | None = None, verbose: bool = True) -> None:
        self.steps, self.strategy, self.config = steps, strategy, sized_for(config, None)
        self.checkpoint_path = Path(checkpoint_path)
        self.best = BestWeights(self.checkpoint_path.with_suffix(".best.npz"), steps.model)
        self.callbacks = keras.callbacks.CallbackList(callbacks or [], model=steps.model)
        self.on_epoch_end = on_epoch_end
        self.verbose = verbose
        self._local = config.distribute == "none"  # one device: batches are gathered inside the graph
        self._tensors: dict[int, tuple[ArraySplit, tf.Tensor, tf.Tensor]] = {}  # the split is kept: ids stay unique
        self._train_loops = self._compile(steps.train_sums)
        self._test_loops = self._compile(steps.test_sums)

    def _compile(self, step: Callable) -> Loops:
        """The compiled multi-step loops of `step` (an XLA-compiled step where that is faster) over a split in
        memory and over batches read by tf.data (for a strategy, or for images read from a file); with XLA, the
        calls that run an epoch's partial last batch without it, as its own plain graph (traced when used)."""
        size = len(self.steps.sum_names)
        xla = use_xla(self.config.jit_compile, self.config.distribute, self.steps.model)
        fast_step = tf.function(step, jit_compile=True, autograph=False) if xla else step  # one fused program per step
        if not self._local:
            return Loops(None, None, distributed_loop(fast_step, self.strategy, size), None)
        loop = local_loop(fast_step, size, self.config.batch_size, fixed_shape=xla)
        streamed = distributed_loop(full_batches(fast_step, self.config.batch_size) if xla else fast_step,
                                    self.strategy, size)
        return Loops(loop, local_tail(step) if xla else None, streamed, streamed_tail(step) if xla else None)

    def _run_epoch_pass(self, split: ArraySplit, loops: Loops, order: np.ndarray | None,
                        progress: EpochProgress | None) -> list[float]:
        """One pass over `split`; returns the summed step results."""
        if self._local and not split.streamed:
            run_steps = self._local_pass(split, loops, order)
        else:
            run_steps = self._streamed_pass(split, loops, order)
        remaining = steps_per_epoch(len(split), self.config.batch_size)
        totals = np.zeros(len(self.steps.sum_names))
        done = 0
        while remaining > 0:
            steps = min(self.config.steps_per_execution, remaining)
            totals += [float(t) for t in run_steps(done, steps)]
            remaining, done = remaining - steps, done + steps
            running = metrics_from_sums(self.steps.sum_names, list(totals))
            self._check_finite(running, done)
            if progress is not None:
                progress.update(done, running)
        return list(totals)

    def _local_pass(self, split: ArraySplit, loops: Loops, order: np.ndarray | None) -> Callable:
        """run_steps(done, steps) on one device: the split is uploaded once, batches are gathered in the graph;
        the compiled loop runs them (with XLA, the full ones: a partial last batch goes through the tail call)."""
        if id(split) not in self._tensors:
            self._tensors[id(split)] = (split, as_tensor(split.x), as_tensor(split.y))
        _, x, y = self._tensors[id(split)]
        order_tensor = tf.constant(np.arange(len(split)) if order is None else order, tf.int64)
        first_partial = len(split) // self.config.batch_size * self.config.batch_size

        def full(done: int, steps: int) -> list[tf.Tensor]:
            return loops.local(x, y, order_tensor, tf.constant(done, tf.int64), tf.constant(steps, tf.int64))

        tail = loops.local_tail and (lambda: loops.local_tail(x, y, order_tensor, tf.constant(first_partial, tf.int64)))
        return self._with_tail(full, tail, len(split))

    def _streamed_pass(self, split: ArraySplit, loops: Loops, order: np.ndarray | None) -> Callable:
        """run_steps(done, steps) over batches from a tf.data pipeline (distributed on a strategy), in the same
        order and through the same step calls as _local_pass."""
        dataset = self.strategy.experimental_distribute_dataset(batches(split, self.config.batch_size, order))
        iterator = iter(dataset)

        def full(done: int, steps: int) -> list[tf.Tensor]:
            return loops.streamed(iterator, tf.constant(steps, tf.int64))

        tail = loops.streamed_tail and (lambda: loops.streamed_tail(iterator))
        return self._with_tail(full, tail, len(split))

    def _with_tail(self, full: Callable, tail: Callable | None, size: int) -> Callable:
        """run_steps(done, steps) from the calls that run full batches and (with XLA) the partial last one."""
        if tail is None:  # one loop for full and partial batches
            return full
        full_steps = size // self.config.batch_size

        def run_steps(done: int, steps: int) -> list[tf.Tensor]:
            whole = max(0, min(steps, full_steps - done))  # full batches among these steps
            totals = full(done, whole) if whole else [tf.zeros(()) for _ in self.steps.sum_names]
            if whole < steps:  # this call ends on the partial batch
                totals = [total + value for total, value in zip(totals, tail())]
            return totals

        return run_steps

    def _check_finite(self, metrics: dict[str, float], step: int) -> None:
        """Stop with a clear message when a loss turned NaN/Inf; the last checkpoint is untouched."""
        bad = [name for name, value in metrics.items() if not math.isfinite(value)]
        if bad:
            kept = (f"The last good checkpoint (end of epoch {self._epoch}) is kept at {self.checkpoint_path}. "
                    if self._epoch else "No epoch had finished, so there is no checkpoint to keep. ")
            raise TrainingDiverged.about(
                "{name} became {value} at step {step} of epoch {epoch}; training stopped. {kept}Lower the learning "
                "rate ({learning_rate}) or change the initialiser, then train again.", "learning_rate",
                name=bad[0], value=metrics[bad[0]], step=step, epoch=self._epoch + 1, kept=kept)

    def _resume(self) -> list[dict]:
        """Restore variables and history from the checkpoint."""
        state = load_checkpoint(self.checkpoint_path, self.steps.variables(), self.steps.model)
        return state["history"]

    def _should_stop_early(self, history: list[dict]) -> bool:
        """Patience on validation loss, computed from history alone (so it survives a resume)."""
        patience = self.config.early_stopping
        losses = [row["val_loss"] for row in history if "val_loss" in row]
        if not patience or len(losses) <= patience:
            return False
        return min(losses[-patience:]) >= min(losses[:-patience])

    def fit(self, train: ArraySplit, validation: ArraySplit | None, resume: bool = False,
            test: ArraySplit | None = None) -> TrainingResult:
        """Train for config.epochs epochs (continuing after the checkpoint's epoch when resuming); with early
        stopping, end with the weights of the epoch with the lowest validation loss. With `test`, every history
        row also holds the test split's figures (test_*) and the Unix time they were known (wall_time)."""
        history = self._resume() if resume else []
        keep_best = self.config.early_stopping > 0
        if keep_best and resume:
            self.best.resume(history)
        result = TrainingResult(history=history, resumed_from_epoch=len(history))
        self.callbacks.on_train_begin()
        for epoch in range(len(history), self.config.epochs):
            if self._should_stop_early(history):
                result.stopped_early = True
                break
            history.append(self._one_epoch(epoch, train, validation, test))
            save_checkpoint(self.checkpoint_path, self.steps.variables(), {"history": history}, self.steps.model)
            if keep_best:
                self.best.update(history)
            if self.on_epoch_end:
                self.on_epoch_end(history)
        if keep_best:
            self.best.restore(len(history))
            result.best_epoch = self.best.epoch
        self.callbacks.on_train_end()
        return result

    def _one_epoch(self, epoch: int, train: ArraySplit, validation: ArraySplit | None,
                   test: ArraySplit | None = None) -> dict[str, float]:
        """Train one epoch, validate, report; returns the history row."""
        self._epoch = epoch
        self.callbacks.on_epoch_begin(epoch)
        progress = None
        if self.verbose:
            progress = EpochProgress(epoch, self.config.epochs, steps_per_epoch(len(train), self.config.batch_size))
        started = time.perf_counter()
        order = epoch_order(len(train), self.config.seed, epoch)
        row = metrics_from_sums(self.steps.sum_names, self._run_epoch_pass(train, self._train_loops, order, progress))
        seconds = time.perf_counter() - started
        if validation is not None and len(validation):
            totals = self._run_epoch_pass(validation, self._test_loops, None, None)
            row.update(metrics_from_sums(self.steps.sum_names, totals, prefix="val_"))
        if test is not None and len(test):
            totals = self._run_epoch_pass(test, self._test_loops, None, None)
            row.update(metrics_from_sums(self.steps.sum_names, totals, prefix="test_"), wall_time=time.time())
        if progress is not None:
            progress.finish({name: value for name, value in row.items() if name != "wall_time"}, seconds)
        logs = {"epoch": epoch + 1, **row, "seconds": seconds}
        self.callbacks.on_epoch_end(epoch, {k: v for k, v in logs.items() if k not in ("epoch", "seconds", "wall_time")})
        return logs
