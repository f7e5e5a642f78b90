"""autocomplete: the notes' nine words completed from their first letters, through the CLI and the library."""

import json

import numpy as np

from classicnets import runs
from classicnets.use.completion import complete_words
from classicnets.data.tokens import Vocabulary
from tests.helpers import run_cli
from tests.models.words.small import NOTES_WORDS


def test_every_notes_word_is_completed_from_all_but_its_last_letter(autocomplete_run):
    metrics = json.loads((autocomplete_run / "metrics.json").read_text())
    assert metrics["train"]["completed_words"] == 9
    assert metrics["train"]["completion_accuracy"] == 1.0, metrics["train"]["wrong_completions"]
    assert (autocomplete_run / "plots" / "history.png").stat().st_size > 0
    assert (autocomplete_run / "plots" / "next_letter_accuracy.png").stat().st_size > 0


def test_complete_command_prints_candidates_with_probabilities(autocomplete_run, capsys):
    status, out, err = run_cli(capsys, "complete", str(autocomplete_run), "wor", "ki", "--json", "--top", "3")
    assert status == 0, err
    results = json.loads(out)
    assert [r["word"] for r in results] == ["word", results[1]["candidates"][0]["word"]]
    assert results[1]["word"] in ("kiss", "kind")
    for result in results:
        probabilities = [c["probability"] for c in result["candidates"]]
        assert probabilities == sorted(probabilities, reverse=True) and 0 < sum(probabilities) <= 1 + 1e-6
        assert all(c["word"].startswith(result["prefix"]) for c in result["candidates"])
    status, out, _ = run_cli(capsys, "complete", str(autocomplete_run), "dee")
    assert status == 0 and out.startswith("dee -> deep") and "%" in out


def test_saved_model_completes_the_same_after_reload(autocomplete_run):
    run = runs.open_run(autocomplete_run)
    extra = runs.read_config(run).data_info["extra"]
    vocabulary = Vocabulary(extra["vocabulary"])
    found = complete_words(runs.load_model(run), vocabulary, [w[:-1] for w in NOTES_WORDS], extra["max_length"], top=1)
    assert [candidates[0].word for candidates in found] == NOTES_WORDS
    anything = complete_words(runs.load_model(run), vocabulary, [""], extra["max_length"], top=5)[0]
    assert len(anything) == 5 and all(candidate.word for candidate in anything)  # never the empty word
    x = np.array([[1, *vocabulary.encode("lov")]], dtype=np.int32)
    first, second = runs.load_model(run)(x), runs.load_model(run)(x)
    np.testing.assert_allclose(first, second)


def test_complete_rejects_bad_input(autocomplete_run, seq2seq_run, tmp_path, capsys):
    status, _, err = run_cli(capsys, "complete", str(autocomplete_run), "wox")
    assert status == 2 and "'x'" in err and "never seen in training" in err
    status, _, err = run_cli(capsys, "complete", str(seq2seq_run), "wor")
    assert status == 2 and "autocomplete run" in err
    empty = tmp_path / "empty.txt"
    empty.write_text("\n# no words here\n")
    status, _, err = run_cli(capsys, "train", "autocomplete", "--words", str(empty), "--run-dir", str(tmp_path / "r"))
    assert status == 2 and "holds no words" in err and not (tmp_path / "r").exists()


def test_evaluate_repeats_the_training_metrics(autocomplete_run, capsys):
    status, out, err = run_cli(capsys, "evaluate", str(autocomplete_run), "--json")
    assert status == 0, err
    assert json.loads(out)["train"]["completion_accuracy"] == 1.0
