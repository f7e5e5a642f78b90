"""Load TensorFlow for the command line: with its oneDNN CPU kernels, and without its C++ start-up lines
(oneDNN notices, absl warnings) on the terminal. Those are written to file descriptor 2 before
TF_CPP_MIN_LOG_LEVEL applies, so that descriptor is pointed at a temp file during the import; if the import
fails, what was captured is shown."""

from __future__ import annotations

import os
import sys
import tempfile


def import_tensorflow_quietly() -> None:
    """Import tensorflow once, with its native start-up logging captured instead of shown."""
    if "tensorflow" in sys.modules:
        return
    set_tensorflow_defaults()
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
    # TensorFlow's Python warnings (e.g. "triggered tf.function retracing") speak to developers, not to users of
    # the command; errors still show. TF_CPP_MIN_LOG_LEVEL=0 asks for everything.
    if os.environ["TF_CPP_MIN_LOG_LEVEL"] != "0":
        tensorflow.get_logger().setLevel("ERROR")


def set_tensorflow_defaults() -> None:
    """The environment the command line loads TensorFlow with, where the user has not set it."""
    # TensorFlow turns its oneDNN CPU kernels on by default only for CPUs with AVX-512 VNNI/BF16 or AMX. On
    # AVX2 CPUs they train the CNN 1.3-1.7x faster (bench/README.md, "Training speed"), so the command line
    # asks for them unless the user chose otherwise (TF_ENABLE_ONEDNN_OPTS=0). Only the command line does:
    # `import classicnets` leaves the environment of a notebook or program alone.
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # also its oneDNN "DT_BOOL only on AVX-512" notices
