"""classicnets: the classic neural networks, trained, evaluated, plotted, saved and served."""

from classicnets.keras_objects import register_when_keras_loads
from classicnets.version import __version__


register_when_keras_loads()  # model.keras files load with plain Keras after `import classicnets`

__all__ = ["train", "load_run", "Run", "__version__"]


def __getattr__(name: str):
    """classicnets.train, classicnets.load_run and classicnets.Run, imported on first use: `import classicnets`
    alone loads no TensorFlow."""
    if name in ("train", "load_run", "Run"):
        from classicnets import api

        return getattr(api, name)
    raise AttributeError(f"module 'classicnets' has no attribute {name!r}")
