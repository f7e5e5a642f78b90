"""classicnets: the classic neural networks, trained, evaluated, plotted, saved and served."""

from classicnets.keras_objects import register_when_keras_loads

__version__ = "0.1.0"

register_when_keras_loads()  # model.keras files load with plain Keras after `import classicnets`
