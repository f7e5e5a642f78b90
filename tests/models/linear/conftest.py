"""One trained run per lesson model, shared by the lesson tests."""

import pytest

from tests.helpers import train_cli


@pytest.fixture(scope="session")
def line_run(tmp_path_factory):
    """linear-regression on the bundled line, its default settings."""
    return train_cli(tmp_path_factory.mktemp("lessons") / "line", "linear-regression")


@pytest.fixture(scope="session")
def clouds_run(tmp_path_factory):
    """linear-classifier on the generated clouds, its default settings (the notes' 40 steps)."""
    return train_cli(tmp_path_factory.mktemp("lessons") / "clouds", "linear-classifier")


@pytest.fixture(scope="session")
def fur_wings_run(tmp_path_factory):
    """tabular on the bundled fur/wings table, its default settings."""
    return train_cli(tmp_path_factory.mktemp("lessons") / "fur-wings", "tabular")


