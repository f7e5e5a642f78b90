"""Watching a GAN learn: every few epochs a grid of samples from fixed noise (RUN/samples/epoch-NNN.png) and the
Frechet distance to the real test images, the largest class share and (cgan) the judge agreement
(RUN/samples/frechet_distance.csv)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import keras

from classicnets import runs
from classicnets.data import Dataset
from classicnets.evaluation import plot_image_grid
from classicnets.judges.gan_samples import (
    SAMPLES_FOLDER, grid_rows, judge_samples, progress_row, progress_rows, write_progress_rows,
)
from classicnets.judges.judge import get_judge


class SampleGrids(keras.callbacks.Callback):
    """Writes a sample grid and the Frechet distance every `samples_every` epochs (0: a tenth of the epochs)
    and after the last one."""

    def __init__(self, run_dir: Path, dataset: Dataset) -> None:
        super().__init__()
        self.run_dir = Path(run_dir)
        self.dataset = dataset

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Get (or train) the judge and compute the real test images' features once."""
        config = runs.read_config(runs.RunDir(self.run_dir))
        dataset = self.dataset
        self.class_names = list(dataset.class_names)
        self.last_epoch = config.train.epochs
        self.judge = get_judge(dataset)
        self.real_features = self.judge.judge(dataset.x_test)[1]
        self.progress = progress_rows(self.run_dir)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """On grid epochs: the grid PNG and one more Frechet distance row."""
        number = epoch + 1
        every = int(self.model.training_options.get("samples_every", 0)) or math.ceil(self.last_epoch / 10)
        if number % every and number != self.last_epoch:
            return
        rows, titles = grid_rows(self.model, self.class_names)
        plot_image_grid(rows, self.run_dir / SAMPLES_FOLDER / f"epoch-{number:03d}.png", row_titles=titles,
                        title=f"epoch {number}: samples from fixed noise")
        report = judge_samples(self.model, self.judge, self.real_features, self.class_names,
                               seed=number)  # as many samples as the final judgement: comparable
        self.progress = {e: row for e, row in self.progress.items() if e < number}  # a resume redoes later ones
        self.progress[number] = progress_row(report)
        write_progress_rows(self.run_dir, self.progress)
