"""A trained digits run shared by the CLI tests (training once keeps the suite fast)."""

import pytest

from classicnets.cli.main import main


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory):
    """classicnets train mlp --dataset digits --epochs 2 into a fresh folder."""
    run_dir = tmp_path_factory.mktemp("runs") / "mlp-digits"
    status = main(["train", "mlp", "--dataset", "digits", "--epochs", "2", "--hidden", "32", "--batch-size", "32", "--lr", "0.01", "--quiet",
                   "--run-dir", str(run_dir)])
    assert status == 0
    return run_dir
