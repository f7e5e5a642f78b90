"""Tiny CSV writers and one trained run per lesson model, shared by the lesson tests."""

from pathlib import Path

import numpy as np
import pytest

from tests.cli.conftest import run_cli  # noqa: F401  (re-exported for the tests here)
from classicnets.cli.main import main


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    """A small CSV file."""
    path.write_text(",".join(header) + "\n" + "".join(",".join(map(str, row)) + "\n" for row in rows))
    return path


def train(run_dir: Path, model: str, *flags: str) -> Path:
    """classicnets train MODEL FLAGS --quiet --run-dir RUN_DIR; asserts it succeeded."""
    status = main(["train", model, *flags, "--quiet", "--run-dir", str(run_dir)])
    assert status == 0
    return run_dir


@pytest.fixture(scope="session")
def line_run(tmp_path_factory):
    """linear-regression on the bundled line, its default settings."""
    return train(tmp_path_factory.mktemp("lessons") / "line", "linear-regression")


@pytest.fixture(scope="session")
def clouds_run(tmp_path_factory):
    """linear-classifier on the generated clouds, its default settings (the notes' 40 steps)."""
    return train(tmp_path_factory.mktemp("lessons") / "clouds", "linear-classifier")


@pytest.fixture(scope="session")
def fur_wings_run(tmp_path_factory):
    """tabular on the bundled fur/wings table, its default settings."""
    return train(tmp_path_factory.mktemp("lessons") / "fur-wings", "tabular")


def plane_rows(count: int = 40, seed: int = 0, spread: float = 100) -> list[list[float]]:
    """Rows a, b, price with price = 3a - 2b + 1 (features in different units; b within +-spread)."""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0, 10, count), rng.uniform(-spread, spread, count)
    return [[round(x, 3), round(y, 3), round(3 * x - 2 * y + 1, 3)] for x, y in zip(a, b)]
