"""A trained digits run shared by the CLI tests (training once keeps the suite fast)."""

import pytest

from classicnets.cli.main import main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run `classicnets argv...` in-process; returns (exit status, stdout, stderr) of this command alone."""
    capsys.readouterr()  # drop what earlier steps of the test printed
    try:
        status = main(list(argv))
    except SystemExit as exit_:  # argparse usage errors and --help
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory):
    """classicnets train mlp --dataset digits --epochs 2 into a fresh folder."""
    run_dir = tmp_path_factory.mktemp("runs") / "mlp-digits"
    status = main(["train", "mlp", "--dataset", "digits", "--epochs", "2", "--hidden", "32", "--batch-size", "32", "--lr", "0.01", "--quiet",
                   "--run-dir", str(run_dir)])
    assert status == 0
    return run_dir
