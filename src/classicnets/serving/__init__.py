"""Exported models: writing them in TensorFlow Serving's layout and serving them over HTTP."""
