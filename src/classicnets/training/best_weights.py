"""Early stopping keeps the best epoch: a copy of the model's weights from the epoch with the lowest validation
loss, in a file beside the checkpoint so that an interrupted run still has it when resumed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from classicnets.training.checkpoint import load_checkpoint, save_checkpoint


def lowest_validation_loss_epoch(history: list[dict]) -> int | None:
    """The (1-based) epoch with the lowest val_loss, the first of equals; None without validation."""
    losses = [(row["val_loss"], index + 1) for index, row in enumerate(history) if "val_loss" in row]
    return min(losses)[1] if losses else None


class BestWeights:
    """The best epoch so far and the weights of `model` then, in `path` (written like a checkpoint)."""

    def __init__(self, path: Path, model: Any) -> None:
        self.path, self.model = Path(path), model
        self.epoch: int | None = None

    def update(self, history: list[dict]) -> None:
        """Copy the weights if the epoch just finished has the lowest validation loss so far.

        Called after the checkpoint is saved: if a run stops between the two writes, the best epoch is the
        checkpoint's last one and resume() takes the weights from there."""
        if history and lowest_validation_loss_epoch(history) == len(history):
            save_checkpoint(self.path, {"model": list(self.model.variables)}, {"epoch": len(history),
                                                                    "val_loss": history[-1]["val_loss"]}, self.model)
            self.epoch = len(history)

    def resume(self, history: list[dict]) -> None:
        """Find the best epoch of a resumed history; its weights are in the file or, when it was the last
        epoch, in the model the checkpoint just restored. A run from before best copies were kept has none."""
        best = lowest_validation_loss_epoch(history)
        if best is None:
            return
        if best == len(history):
            self.update(history)
        elif self.path.exists() and load_checkpoint(self.path, {}).get("epoch") == best:
            self.epoch = best

    def restore(self, epochs_done: int) -> None:
        """Put the best epoch's weights into the model (unless they are the last epoch's, already there)."""
        if self.epoch is not None and self.epoch != epochs_done:
            load_checkpoint(self.path, {"model": list(self.model.variables)}, self.model)
