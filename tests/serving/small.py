"""Small helpers shared by the serving tests: an HTTP call to a server under test and random images."""

import json
import urllib.error
import urllib.request

import numpy as np


def call(base: str, method: str, path: str, body=None, raw: bytes | None = None, timeout: float = 30):
    """(status, parsed JSON answer); status 0 while nothing listens."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except (ConnectionError, urllib.error.URLError):
        return 0, None


def images(count: int, seed: int = 0) -> np.ndarray:
    """(count, 8, 8, 1) random images."""
    return np.random.default_rng(seed).random((count, 8, 8, 1), dtype=np.float32)
