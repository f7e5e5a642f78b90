"""Runs trained once on the notes' data (nine words, six pairs) and shared by the sequence tests."""

import pytest

from classicnets.cli.main import main

QUICK = ["--test-fraction", "0", "--validation-fraction", "0", "--batch-size", "2", "--lr", "0.01", "--quiet"]


@pytest.fixture(scope="session")
def autocomplete_run(tmp_path_factory):
    """classicnets train autocomplete --words notes: the notes' nine words, all of them trained on."""
    run_dir = tmp_path_factory.mktemp("runs") / "autocomplete-notes"
    assert main(["train", "autocomplete", "--words", "notes", "--epochs", "30", *QUICK, "--run-dir", str(run_dir)]) == 0
    return run_dir


@pytest.fixture(scope="session")
def seq2seq_run(tmp_path_factory):
    """classicnets train seq2seq --pairs notes --dropout 0.3: the notes' six pairs, dropout only in training."""
    run_dir = tmp_path_factory.mktemp("runs") / "seq2seq-notes"
    status = main(["train", "seq2seq", "--pairs", "notes", "--dropout", "0.3", "--epochs", "30", *QUICK,
                   "--run-dir", str(run_dir)])
    assert status == 0
    return run_dir
