"""seq2seq: the notes' six English -> Korean pairs, translated exactly, with dropout off at inference."""

import json

import numpy as np

from classicnets import runs
from tests.helpers import run_cli

NOTES_PAIRS = {"word": "단어", "wood": "나무", "game": "놀이", "girl": "소녀", "kiss": "키스", "love": "사랑"}


def test_every_notes_pair_is_translated_exactly(seq2seq_run, capsys):
    metrics = json.loads((seq2seq_run / "metrics.json").read_text())
    assert metrics["train"]["num_examples"] == 6 and metrics["train"]["exact_match"] == 1.0, metrics["train"]["mistakes"]
    assert (seq2seq_run / "plots" / "exact_match.png").stat().st_size > 0
    status, out, err = run_cli(capsys, "translate", str(seq2seq_run), *NOTES_PAIRS, "--json")
    assert status == 0, err
    assert {r["word"]: r["translation"] for r in json.loads(out)} == NOTES_PAIRS
    status, out, _ = run_cli(capsys, "translate", str(seq2seq_run), "word")
    assert status == 0 and out.startswith("word -> 단어")


def test_dropout_is_off_when_translating(seq2seq_run):
    run = runs.open_run(seq2seq_run)
    assert runs.read_config(run).model_options["dropout"] == 0.3
    model = runs.load_model(run)
    x = np.ones((4, 4 + 3), dtype=np.int32) * 5
    np.testing.assert_array_equal(model(x, training=False), model(x, training=False))
    assert not np.array_equal(model(x, training=True), model(x, training=True))  # the notes' bug, when training


def test_translate_rejects_bad_input(seq2seq_run, autocomplete_run, tmp_path, capsys):
    status, _, err = run_cli(capsys, "translate", str(seq2seq_run), "quiz")
    assert status == 2 and "never seen in training" in err
    status, _, err = run_cli(capsys, "translate", str(seq2seq_run), "wordword")
    assert status == 2 and "at most 4" in err
    status, _, err = run_cli(capsys, "translate", str(autocomplete_run), "word")
    assert status == 2 and "seq2seq run" in err
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("love\t사랑\nkiss\n", encoding="utf-8")
    status, _, err = run_cli(capsys, "train", "seq2seq", "--pairs", str(pairs), "--run-dir", str(tmp_path / "r"))
    assert status == 2 and "line 2" in err and "pairs.tsv" in err


def test_source_padding_is_masked():
    from classicnets.models.seq2seq.network import Seq2Seq

    short, long = Seq2Seq(10, 12, source_length=2, units=8), Seq2Seq(10, 12, source_length=6, units=8)
    decoder_in = np.array([[1, 7, 8]], dtype=np.int32)
    short(np.concatenate([[[4, 5]], decoder_in], axis=1))
    long(np.concatenate([[[4, 5, 0, 0, 0, 0]], decoder_in], axis=1))
    long.set_weights(short.get_weights())
    np.testing.assert_allclose(short(np.concatenate([[[4, 5]], decoder_in], axis=1)),
                               long(np.concatenate([[[4, 5, 0, 0, 0, 0]], decoder_in], axis=1)), atol=1e-6)
