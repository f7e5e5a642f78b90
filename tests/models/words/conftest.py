"""Runs trained once on the notes' data (nine words, six pairs) and shared by the sequence tests (trained through
the Python API)."""

import pytest

import classicnets

QUICK = {"test_fraction": 0.0, "validation_fraction": 0.0, "batch_size": 2, "learning_rate": 0.01, "epochs": 30}


@pytest.fixture(scope="session")
def autocomplete_run(tmp_path_factory):
    """autocomplete on the notes' nine words, all of them trained on."""
    run_dir = tmp_path_factory.mktemp("runs") / "autocomplete-notes"
    return classicnets.train("autocomplete", words="notes", run_dir=run_dir, **QUICK).root


@pytest.fixture(scope="session")
def seq2seq_run(tmp_path_factory):
    """seq2seq on the notes' six pairs, dropout 0.3 (only in training)."""
    run_dir = tmp_path_factory.mktemp("runs") / "seq2seq-notes"
    return classicnets.train("seq2seq", pairs="notes", dropout=0.3, run_dir=run_dir, **QUICK).root
