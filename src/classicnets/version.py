"""The classicnets version, read by the package, the CLI, exports and the servers."""

__version__ = "0.1.0"
