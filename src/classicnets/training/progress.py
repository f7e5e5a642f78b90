"""What training prints for each epoch: on a terminal a bar redrawn in place that ends as one line with the
epoch's training and validation figures; anywhere else (a log file, CI, a pipe) just that one plain line."""

from __future__ import annotations

import shutil
import sys
from typing import TextIO

from classicnets.progress import ERASE_TO_END, format_seconds, is_terminal

MAX_BAR_WIDTH, MIN_BAR_WIDTH = 30, 10


def format_figures(figures: dict[str, float]) -> str:
    """'loss: 0.3121 - accuracy: 0.9012'."""
    return " - ".join(f"{name}: {value:.4f}" for name, value in figures.items())


class EpochProgress:
    """Progress of one epoch on `stream` (default: sys.stdout when the epoch starts)."""

    def __init__(self, epoch: int, epochs: int, steps: int, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.label = f"Epoch {epoch + 1}/{epochs}"
        self.steps = steps
        self.live = is_terminal(self.stream)

    def update(self, done: int, figures: dict[str, float]) -> None:
        """Redraw the bar after `done` steps (terminal only; a log gets nothing until the epoch ends)."""
        if self.live:
            width = shutil.get_terminal_size().columns - 1  # a wrapped line could not be redrawn in place
            self._write("\r" + self._bar(done, format_figures(figures), width)[:width] + ERASE_TO_END)

    def finish(self, figures: dict[str, float], seconds: float) -> None:
        """End the epoch with its one line: training and validation figures and the seconds it took."""
        text = f"{format_figures(figures)} - {format_seconds(seconds)}"
        if self.live:
            width = shutil.get_terminal_size().columns - 1
            self._write("\r" + self._bar(self.steps, text, width) + ERASE_TO_END + "\n")
        else:
            self._write(f"{self.label} - {text}\n")

    def _bar(self, done: int, text: str, width: int) -> str:
        """'Epoch 3/10 12/41 [========>.....] - loss: ...', the bar narrower where the terminal is."""
        counter = f"{done:>{len(str(self.steps))}}/{self.steps}"
        size = min(MAX_BAR_WIDTH, max(MIN_BAR_WIDTH, width - len(f"{self.label} {counter} [] - {text}")))
        filled = size * done // max(self.steps, 1)
        bar = "=" * filled + (">" if filled < size else "") + "." * (size - filled - 1)
        return f"{self.label} {counter} [{bar}] - {text}"

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
