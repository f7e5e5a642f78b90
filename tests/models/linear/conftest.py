"""One trained run per lesson model, shared by the lesson tests (trained through the Python API)."""

import pytest

import classicnets


@pytest.fixture(scope="session")
def line_run(tmp_path_factory):
    """linear-regression on the bundled line, its default settings."""
    return classicnets.train("linear-regression", run_dir=tmp_path_factory.mktemp("lessons") / "line").root


@pytest.fixture(scope="session")
def clouds_run(tmp_path_factory):
    """linear-classifier on the generated clouds, its default settings (the notes' 40 steps)."""
    return classicnets.train("linear-classifier", run_dir=tmp_path_factory.mktemp("lessons") / "clouds").root


@pytest.fixture(scope="session")
def fur_wings_run(tmp_path_factory):
    """tabular on the bundled fur/wings table, its default settings."""
    return classicnets.train("tabular", run_dir=tmp_path_factory.mktemp("lessons") / "fur-wings").root
