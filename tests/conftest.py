"""Fixtures shared by the whole suite."""

import pytest

from classicnets.evaluation.judges import judge
from classicnets.models import model_names
from tests.helpers import tiny_config, train_quietly


@pytest.fixture(scope="session")
def family_runs(tmp_path_factory):
    """One finished run of every model family, tiny options, 2 epochs (the ae-classifier pretrains for one), on
    bundled data; a GAN's judge trains for one epoch, cached in the test's folder. Tests read these runs and
    never change them."""
    root = tmp_path_factory.mktemp("families")
    made = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(judge.CACHE_VARIABLE, str(root / "judges"))
        patch.setattr(judge, "MAX_JUDGE_EPOCHS", 1)
        for name in model_names():
            made[name] = train_quietly(tiny_config(name, epochs=2), root / name).run_dir
    return made
