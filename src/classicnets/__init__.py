"""classicnets: the classic neural networks, trained, evaluated, plotted, saved and served."""

__version__ = "0.1.0"
