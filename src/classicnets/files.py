"""Writing a run's files so that a reader never sees half of one, with the permissions of any new file."""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable


@functools.cache  # read once: the umask is process-wide, and setting it briefly must not race other writers
def _new_file_mode() -> int:
    """The mode open() would give a new file under the process's umask (typically 0644)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write `path` through `write(stream)` into a temp file beside it, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")  # created 0600
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, _new_file_mode())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """atomic_write for UTF-8 text."""
    atomic_write(path, lambda stream: stream.write(text.encode("utf-8")))
