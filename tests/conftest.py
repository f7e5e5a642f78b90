"""Fixtures shared by the whole suite."""

import json
from pathlib import Path

import pytest
from filelock import FileLock

from classicnets.evaluation.judges import judge
from classicnets.models import model_names
from tests.helpers import tiny_config, train_quietly


def _train_every_family(root: Path) -> dict[str, Path]:
    made = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(judge.CACHE_VARIABLE, str(root / "judges"))
        patch.setattr(judge, "MAX_JUDGE_EPOCHS", 1)
        for name in model_names():
            made[name] = Path(train_quietly(tiny_config(name, epochs=2), root / name).run_dir)
    return made


@pytest.fixture(scope="session")
def family_runs(tmp_path_factory, worker_id):
    """One finished run of every model family, tiny options, 2 epochs (the ae-classifier pretrains for one), on
    bundled data; a GAN's judge trains for one epoch, cached in the test's folder. Tests read these runs and
    never change them, so the test processes share one set: the first to ask trains it, the others wait for
    it (pytest-xdist's recipe for a session fixture made once)."""
    if worker_id == "master":  # one process: no one to share with
        return _train_every_family(tmp_path_factory.mktemp("families"))
    shared = tmp_path_factory.getbasetemp().parent / "families"
    index = shared / "runs.json"
    with FileLock(f"{shared}.lock"):
        if not index.is_file():
            made = _train_every_family(shared)
            index.write_text(json.dumps({name: str(path) for name, path in made.items()}))
    return {name: Path(path) for name, path in json.loads(index.read_text()).items()}
