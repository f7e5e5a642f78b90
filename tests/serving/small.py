"""Small helpers shared by the serving tests: a `classicnets serve` process under test, an HTTP call to it and
random images."""

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pytest

from tests.helpers import free_port


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


def all_loaded(base: str) -> bool:
    """Whether the server answers that every model it found is loaded."""
    return call(base, "GET", "/v2/health/ready", timeout=2)[0] == 200


def start_serve(target: Path, log: Path, *flags: str, ready: Callable[[str], bool] = all_loaded,
                seconds: float = 60) -> tuple[str, subprocess.Popen]:
    """`classicnets serve TARGET flags...` on a free localhost port, its output in `log`, once `ready(base URL)`
    holds: (base URL, process). The test fails with the end of the log when the server stops or is not ready
    in time; stopping it is the caller's."""
    port = free_port()
    command = [sys.executable, "-m", "classicnets", "serve", str(target), "--port", str(port), *flags]
    with open(log, "w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + seconds
    while not ready(base):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            pytest.fail(f"the server did not become ready:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    return base, process


def images(count: int, seed: int = 0) -> np.ndarray:
    """(count, 8, 8, 1) random images."""
    return np.random.default_rng(seed).random((count, 8, 8, 1), dtype=np.float32)


@contextlib.contextmanager
def chromium_page() -> Iterator:
    """A new page of Debian's chromium driven by Playwright; the test is skipped without them. Script errors of
    the page fail the test."""
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip(f"no chromium at {chromium}: apt-get install chromium (.ci/run installs it)")
    errors = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("pageerror", lambda error: errors.append(error))
            yield page
        finally:
            browser.close()
    assert not errors, f"the page's script failed: {errors}"
