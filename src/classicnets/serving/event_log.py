"""A log that a flood cannot fill: each kind of event (a slow client closed, a connection refused, a client gone)
is logged once when it first happens, then at most once per interval with the count of those in between."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

INTERVAL_SECONDS = 10.0


@dataclass
class _Kind:
    last_logged: float = -float("inf")
    held: int = 0  # events since the last line
    message: str = ""
    timer: threading.Timer | None = field(default=None, repr=False)


class EventLog:
    """`note(kind, message)`: the first of a kind is logged at once; later ones within `interval` seconds are
    counted and told in one line when the interval ends ("... (37 times in the last 10 s)")."""

    def __init__(self, logger: logging.Logger, interval: float = INTERVAL_SECONDS, level: int = logging.WARNING) -> None:
        self.logger, self.interval, self.level = logger, interval, level
        self.kinds: dict[str, _Kind] = {}
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}  # every event noted, by kind (for tests and summaries)

    def note(self, kind: str, message: str) -> None:
        """One event of `kind`, described by `message`."""
        now = time.monotonic()
        with self.lock:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            state = self.kinds.setdefault(kind, _Kind())
            state.message = message
            if now - state.last_logged >= self.interval and state.held == 0:
                state.last_logged = now
                line = message
            else:
                state.held += 1
                if state.timer is None:
                    wait = max(0.0, state.last_logged + self.interval - now)
                    state.timer = threading.Timer(wait, self._flush, args=(kind,))
                    state.timer.daemon = True
                    state.timer.start()
                return
        self.logger.log(self.level, "%s", line)

    def _flush(self, kind: str) -> None:
        with self.lock:
            state = self.kinds[kind]
            held, state.held, state.timer = state.held, 0, None
            state.last_logged = time.monotonic()
            line = f"{state.message} ({held} time{'s' if held > 1 else ''} in the last {self.interval:g} s)"
        if held:
            self.logger.log(self.level, "%s", line)

    def close(self) -> None:
        """Log what is held now, and stop the timers."""
        for kind, state in list(self.kinds.items()):
            if state.timer is not None:
                state.timer.cancel()
                self._flush(kind)
