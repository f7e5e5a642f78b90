"""Helpers shared by the tests: run the CLI in-process, train a run through it, write small CSV files, and
tiny run configs of every family."""

import socket
from pathlib import Path

import numpy as np

from classicnets.cli.main import main
from classicnets.config import DataConfig, RunConfig, TrainConfig
from classicnets.models import get_spec


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run `classicnets argv...` in-process; returns (exit status, stdout, stderr) of this command alone."""
    capsys.readouterr()  # drop what earlier steps of the test printed
    try:
        status = main(list(argv))
    except SystemExit as exit_:  # argparse usage errors and --help
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err



def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    """A small CSV file."""
    path.write_text(",".join(header) + "\n" + "".join(",".join(map(str, row)) + "\n" for row in rows))
    return path


def train_cli(run_dir: Path, model: str, *flags: str) -> Path:
    """classicnets train MODEL FLAGS --quiet --run-dir RUN_DIR; asserts it succeeded."""
    status = main(["train", model, *flags, "--quiet", "--run-dir", str(run_dir)])
    assert status == 0
    return run_dir


def plane_rows(count: int = 40, seed: int = 0, spread: float = 100) -> list[list[float]]:
    """Rows a, b, price with price = 3a - 2b + 1 (features in different units; b within +-spread)."""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0, 10, count), rng.uniform(-spread, spread, count)
    return [[round(x, 3), round(y, 3), round(3 * x - 2 * y + 1, 3)] for x, y in zip(a, b)]


TINY = {  # small options: the tests are about seeds, not accuracy
    "mlp": {"hidden": (16,)}, "cnn": {"filters": (4,), "dense": 8}, "rnn": {"units": 8},
    "autoencoder": {"kind": "variational", "hidden": (16,), "code_size": 3}, "ae-classifier": {"hidden": (16,), "code_size": 4},
    "autocomplete": {"units": 8}, "seq2seq": {"units": 8},
    "gan": {"generator_hidden": (16,), "discriminator_hidden": (16,), "noise_dim": 4},
    "cgan": {"generator_hidden": (16,), "discriminator_hidden": (16,), "noise_dim": 4},
    "network": {"network": str(Path(__file__).parent.parent / "examples" / "networks" / "sequential.py") + ":build"},
}
OWN_DATA = {"linear-regression", "linear-classifier", "tabular", "autocomplete", "seq2seq"}
TINY_DATA = {"autocomplete": "notes", "seq2seq": "notes"}  # the notes' nine words and six pairs


def tiny_config(name, **train):
    """A RunConfig of family `name` with tiny options, on its own bundled data or the bundled digits."""
    train = {**get_spec(name).train_defaults, **train}
    data = DataConfig(dataset=TINY_DATA.get(name)) if name in OWN_DATA else DataConfig(dataset="digits")
    return RunConfig(model=name, model_options=TINY.get(name, {}), data=data, train=TrainConfig(**train))
