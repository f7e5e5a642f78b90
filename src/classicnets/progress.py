"""Progress of long work that is counted (images listed, images decoded): on a terminal a bar redrawn in place;
anywhere else (a log file, CI, a pipe) a plain line every tenth of the way."""

from __future__ import annotations

import shutil
import sys
import time
from typing import Callable, TextIO

ERASE_TO_END = "\x1b[K"  # terminal code: clear what an earlier, longer redraw left on the line
BAR_WIDTH = 30


def is_terminal(stream: TextIO) -> bool:
    """Whether `stream` is an interactive terminal (redraws and terminal codes are fine there)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def format_seconds(seconds: float) -> str:
    """0.046 -> '46ms', 1.26 -> '1.3s', 75.2 -> '75s'."""
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    return f"{seconds:.1f}s" if seconds < 10 else f"{seconds:.0f}s"


class CountProgress:
    """'caching 12,000/100,000 images [===>.....] 41s left'. `say` gets the plain lines; the bar is drawn on
    sys.stdout instead when `say` is print and sys.stdout is a terminal."""

    def __init__(self, label: str, total: int, say: Callable[[str], None]) -> None:
        self.label, self.total, self.say = label, total, say
        self.live = say is print and is_terminal(sys.stdout)
        self.started = time.perf_counter()
        self.tenths_said = 0

    def update(self, done: int) -> None:
        """Show that `done` of the total are finished."""
        if self.live:
            width = shutil.get_terminal_size().columns - 1
            sys.stdout.write("\r" + self._bar(done, width) + ERASE_TO_END)
            sys.stdout.flush()
            return
        tenths = 10 * done // max(self.total, 1)
        if tenths > self.tenths_said and done < self.total:
            self.tenths_said = tenths
            self.say(self._line(done))

    def finish(self, text: str) -> None:
        """End with one line (the bar, on a terminal, is replaced by it)."""
        if self.live:
            sys.stdout.write("\r" + ERASE_TO_END)
            sys.stdout.flush()
        self.say(text)

    def seconds(self) -> float:
        """Seconds since the work started."""
        return time.perf_counter() - self.started

    def _left(self, done: int) -> str:
        """'41s left', from the pace so far."""
        if done == 0:
            return ""
        return f" {format_seconds(self.seconds() / done * (self.total - done))} left"

    def _line(self, done: int) -> str:
        return f"{self.label}: {done:,}/{self.total:,}{self._left(done)}"

    def _bar(self, done: int, width: int) -> str:
        """The bar line, its label shortened (from the left) where the terminal is too narrow for all of it."""
        filled = BAR_WIDTH * done // max(self.total, 1)
        bar = "=" * filled + (">" if filled < BAR_WIDTH else "") + "." * (BAR_WIDTH - filled - 1)
        rest = f" {done:,}/{self.total:,} [{bar}]{self._left(done)}"
        room = max(0, width - len(rest))
        label = self.label if len(self.label) <= room else "..." + self.label[len(self.label) - room + 3:]
        return (label + rest)[:width]
