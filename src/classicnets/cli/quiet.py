"""Load TensorFlow without its C++ start-up lines (oneDNN notices, absl warnings) on the terminal.
They are written to file descriptor 2 before TF_CPP_MIN_LOG_LEVEL applies, so that descriptor is
pointed at a temp file during the import; if the import fails, what was captured is shown."""

from __future__ import annotations

import os
import sys
import tempfile


def import_tensorflow_quietly() -> None:
    """Import tensorflow once, with its native start-up logging captured instead of shown."""
    if "tensorflow" in sys.modules:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
        except BaseException:
            os.dup2(saved, 2)
            captured.seek(0)
            sys.stderr.write(captured.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
