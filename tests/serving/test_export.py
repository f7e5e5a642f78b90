"""classicnets export: every model family leaves a checked TensorFlow Serving model (and ONNX files) that
TensorFlow alone, with no classicnets, runs to the Keras model's outputs; bad requests write nothing."""

import argparse
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from classicnets import runs as run_files
from classicnets.serving import parity

SIGNATURES = {  # signature -> (inputs, outputs)
    "cnn": {"serving_default": ({"images"}, {"probabilities", "classes"})},
    "ae-classifier": {"serving_default": ({"images"}, {"probabilities", "classes"})},
    "tabular": {"serving_default": ({"features"}, {"probabilities", "classes"})},
    "linear-regression": {"serving_default": ({"features"}, {"predictions"})},
    "linear-classifier": {"serving_default": ({"features"}, {"scores", "classes"})},
    "autoencoder": {"serving_default": ({"images"}, {"reconstructions"}), "encode": ({"images"}, {"codes"}),
                    "decode": ({"codes"}, {"reconstructions"})},
    "gan": {"serving_default": ({"noise"}, {"images"})},
    "cgan": {"serving_default": ({"noise", "labels"}, {"images"})},
    "autocomplete": {"serving_default": ({"tokens"}, {"probabilities"})},
    "seq2seq": {"serving_default": ({"source_ids"}, {"output_ids", "probability"}),
                "next_token": ({"source_ids", "target_ids"}, {"probabilities"})},
}


@pytest.fixture(scope="module")
def trained(family_runs):
    """One finished run for each way a model is exported (tests/conftest.py: the zoo's; the autoencoder is
    variational: it has `decode`)."""
    return {name: family_runs[name] for name in SIGNATURES}


@pytest.fixture(scope="module")
def exported(exported_families, trained):
    """Every run exported as both formats into one models folder (tests/conftest.py), checked in one reloading
    process."""
    assert list(exported_families) == list(trained)
    return exported_families


def manifest(result):
    return json.loads((result.path / "classicnets.json").read_text(encoding="utf-8"))


def test_every_family_is_written_in_tensorflow_servings_layout(exported, trained):
    for name, result in exported.items():
        # named after the run folder, version 1
        assert (result.name, result.version, result.path.name) == (trained[name].name, 1, "1")
        assert (result.path / "saved_model.pb").is_file() and (result.path / "variables" / "variables.index").is_file()
        assert (result.path / "assets").is_dir()
        for signature in SIGNATURES[name]:
            assert (result.path / "onnx" / f"{signature}.onnx").stat().st_size > 0
        assert sorted(entry.name for entry in result.path.parent.iterdir()) == ["1"]  # no temporary folder left
    for name in ("autocomplete", "seq2seq"):
        vocabulary = json.loads((exported[name].path / "assets" / "vocabulary.json").read_text(encoding="utf-8"))
        assert vocabulary["special"] == {"pad": 0, "start": 1, "end": 2, "unknown": 3}


def test_every_export_carries_tf_servings_warm_up_requests_which_its_servable_replays(exported):
    pytest.importorskip("tensorflow_serving.apis.prediction_log_pb2")
    from classicnets.serving.runtimes import load_servable
    from classicnets.serving.warmup import read_warmup_requests, warm_up

    for name, result in exported.items():
        requests = read_warmup_requests(result.path)
        assert sorted({signature for signature, _ in requests}) == sorted(SIGNATURES[name]), name
        sizes = sorted({len(next(iter(arrays.values()))) for _, arrays in requests})
        assert sizes[0] == 1 and len(sizes) == 2, sizes  # one example, then all the check's examples
        servable = load_servable(result.path, 1, runtime="saved-model")
        assert warm_up(servable) == f"{len(requests)} warm-up requests from assets.extra/tf_serving_warmup_requests"


def test_classicnets_json_names_the_signatures_and_records_the_check(exported, trained):
    for name, result in exported.items():
        facts = manifest(result)
        assert facts["family"] == name and facts["run"]["path"] == str(trained[name].resolve())
        assert {signature: (set(entry["inputs"]), set(entry["outputs"])) for signature, entry in
                facts["signatures"].items()} == SIGNATURES[name]
        differences = facts["check"]["max_abs_difference"]
        assert set(differences["saved_model"]) == set(differences["onnx"]) == set(SIGNATURES[name])
        assert max(differences["saved_model"].values()) <= 1e-5 and max(differences["onnx"].values()) <= 1e-4
        assert facts["check"]["examples"] == 64
    cnn = manifest(exported["cnn"])
    assert cnn["class_names"] == [str(digit) for digit in range(10)]
    assert cnn["input"]["images"]["shape"] == [None, 8, 8, 1] and cnn["input"]["images"]["dtype"] == "float32"
    assert cnn["signatures"]["serving_default"]["outputs"]["classes"] == {"shape": [None], "dtype": "int64"}
    assert "64 from the test split of digits" in cnn["check"]["inputs"]
    assert manifest(exported["tabular"])["feature_names"] == ["fur", "wings"]


RELOAD = """
import json, sys
import numpy as np
import tensorflow as tf
inputs = np.load(sys.argv[2])
results = {}
for name, path in json.loads(sys.argv[1]).items():
    signatures = tf.saved_model.load(path).signatures
    function = signatures["serving_default"]
    names = sorted(function.structured_input_signature[1])
    outputs = function(**{key: tf.constant(inputs[f"{name}.{key}"]) for key in names})
    results[name] = {key: value.numpy().tolist() for key, value in outputs.items()}
vocabulary = json.load(open(json.loads(sys.argv[1])["seq2seq"] + "/assets/vocabulary.json", encoding="utf-8"))
end, letters = vocabulary["special"]["end"], vocabulary["target_tokens"]
results["words"] = []
for row in results["seq2seq"]["output_ids"]:
    ids = row[:row.index(end)] if end in row else row
    results["words"].append("".join(letters[i] for i in ids if i >= 4))
results["classicnets imported"] = any(name.startswith("classicnets") for name in sys.modules)
print(json.dumps(results))
"""


def test_a_fresh_process_without_classicnets_gives_what_classicnets_predicts(exported, trained, tmp_path):
    """TensorFlow alone serves the same answers as predict, generate and translate give from the runs."""
    from classicnets.data import load_dataset
    from classicnets.use.inference import predict_probabilities, predict_rows
    from classicnets.use.translation import translate_words

    names = ("cnn", "tabular", "cgan", "seq2seq")
    models = {name: run_files.load_model(run_files.open_run(trained[name])) for name in names}
    configs = {name: run_files.read_config(run_files.open_run(trained[name])) for name in models}
    digits = load_dataset("digits").x_test[:20]
    rows = np.array([[1, 0], [0, 1], [0, 0], [1, 1], [0.5, 0.2]])  # the CSV's fur and wings
    noise_size = manifest(exported["cgan"])["signatures"]["serving_default"]["inputs"]["noise"]["shape"][1]
    noise = np.random.default_rng(1).standard_normal((6, noise_size)).astype(np.float32)
    labels = np.arange(6, dtype=np.int32)
    words = ["love", "dog", "game"]
    source = json.loads((exported["seq2seq"].path / "assets" / "vocabulary.json").read_text(encoding="utf-8"))
    source_ids = np.zeros((len(words), source["source_length"]), np.int32)
    for row, word in enumerate(words):
        source_ids[row, :len(word)] = [source["source_tokens"].index(letter) for letter in word]
    np.savez(tmp_path / "inputs.npz", **{"cnn.images": digits.astype(np.float32) / 255, "cgan.noise": noise,
                                         "tabular.features": rows.astype(np.float32), "cgan.labels": labels,
                                         "seq2seq.source_ids": source_ids})
    paths = {name: str(exported[name].path) for name in models}
    done = subprocess.run([sys.executable, "-I", "-c", RELOAD, json.dumps(paths), str(tmp_path / "inputs.npz")],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr[-3000:]
    served = json.loads(done.stdout.strip().splitlines()[-1])
    assert served["classicnets imported"] is False
    expected = predict_probabilities(models["cnn"], digits)
    np.testing.assert_allclose(served["cnn"]["probabilities"], expected, atol=1e-5)
    assert served["cnn"]["classes"] == expected.argmax(axis=1).tolist()
    table = predict_rows(models["tabular"], configs["tabular"], rows)
    assert [configs["tabular"].data_info["class_names"][index] for index in served["tabular"]["classes"]] == \
        [result["label"] for result in table]
    np.testing.assert_allclose(served["cgan"]["images"], models["cgan"].generate(noise, labels), atol=1e-5)
    translations = translate_words(models["seq2seq"], configs["seq2seq"].data_info["extra"], words)
    assert served["words"] == [translation.translation for translation in translations]
    np.testing.assert_allclose(served["seq2seq"]["probability"], [t.probability for t in translations], atol=1e-5)


def test_onnx_files_run_in_onnx_runtime_like_the_keras_model(exported, trained):
    import onnxruntime

    from classicnets.models import get_spec, make_options

    run = run_files.open_run(trained["autoencoder"])
    model, config = run_files.load_model(run), run_files.read_config(run)
    code_size = make_options(get_spec("autoencoder"), config.model_options).code_size
    images = np.random.default_rng(2).random((5, 8, 8, 1)).astype(np.float32)
    session = onnxruntime.InferenceSession(str(exported["autoencoder"].path / "onnx" / "encode.onnx"))
    (codes,) = session.run(["codes"], {"images": images})
    np.testing.assert_allclose(codes, model.encode(images), atol=1e-4)  # a variational code is its mean
    assert codes.shape == (5, code_size)


def run_export(capsys, monkeypatch, *argv):
    """`classicnets export argv...` through the real command line; (exit status, stdout, stderr)."""
    from classicnets.cli import export as export_command
    from classicnets.cli import main as command_line

    build = command_line.build_parser

    def with_export():
        parser = build()
        subparsers = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
        if "export" not in subparsers.choices:
            export_command.add_parser(subparsers)
        return parser

    monkeypatch.setattr(command_line, "build_parser", with_export)
    capsys.readouterr()
    status = command_line.main(["export", *map(str, argv)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def listing(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*")) if folder.exists() else None


def test_the_command_writes_the_next_version_and_refuses_an_existing_one(exported, trained, capsys, monkeypatch):
    models = exported["linear-regression"].path.parent.parent
    status, out, err = run_export(capsys, monkeypatch, trained["linear-regression"], "--out", models)
    assert status == 0, err
    assert (models / "linear-regression" / "2" / "saved_model.pb").is_file()
    assert "version 2" in out and "saved model" in out
    assert manifest(exported["linear-regression"])["formats"] == ["saved-model", "onnx"]
    before = listing(models)
    status, _, err = run_export(capsys, monkeypatch, trained["tabular"], "--out", models, "--name", "linear-regression",
                                "--version", "2")
    assert status == 2 and "already exists (version 2 to a server); nothing was written" in err and "(3)" in err
    assert listing(models) == before


def test_versions_a_server_would_skip_or_read_twice_are_refused(tmp_path):
    from classicnets.errors import UserError
    from classicnets.serving.export import MAX_VERSION, choose_version

    (tmp_path / "007").mkdir()
    with pytest.raises(UserError, match=r"007 already exists \(version 7 to a server\)"):
        choose_version(tmp_path, 7)
    assert choose_version(tmp_path, None) == 8 and choose_version(tmp_path, 70) == 70
    (tmp_path / str(MAX_VERSION)).mkdir()
    with pytest.raises(UserError, match=r"the highest a server reads \(2\*\*63 - 1\)"):
        choose_version(tmp_path, None)
    with pytest.raises(UserError, match="from 1 to 2\\*\\*63 - 1"):
        choose_version(tmp_path, MAX_VERSION + 1)


@pytest.mark.parametrize("problem", ["not a run", "unknown format", "bad name", "out is a file", "version 0"])
def test_bad_requests_exit_2_and_write_nothing(problem, trained, tmp_path, capsys, monkeypatch):
    out, run = tmp_path / "models", trained["tabular"]
    flags = {"not a run": [tmp_path, "--out", out], "bad name": [run, "--out", out, "--name", "../up"],
             "unknown format": [run, "--out", out, "--format", "saved-model,tflite"],
             "version 0": [run, "--out", out, "--version", "0"],
             "out is a file": [run, "--out", tmp_path / "file"]}[problem]
    (tmp_path / "file").write_text("x")
    status, _, err = run_export(capsys, monkeypatch, *flags)
    expected = {"not a run": "not a classicnets run directory", "unknown format": "unknown export format tflite",
                "bad name": "may hold only letters", "out is a file": "is a file", "version 0": "from 1 to"}[problem]
    assert status == 2 and expected in err and "Traceback" not in err
    assert not out.exists() and (tmp_path / "file").read_text() == "x"


def test_an_export_that_fails_its_check_leaves_nothing(trained, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(parity.TOLERANCE, "saved_model", -1.0)  # no difference is small enough
    out = tmp_path / "models"
    status, _, err = run_export(capsys, monkeypatch, trained["linear-classifier"], "--out", out)
    assert status == 2 and "failed its check" in err and "Nothing was written" in err
    assert not out.exists()


def test_the_zoo_exports_what_it_trained_and_on_resume_only_what_is_missing(trained, tmp_path):
    from classicnets.zoo.runner import Outcome, export_models

    printed = []
    outcomes = [Outcome("tabular", "trained", trained["tabular"]), Outcome("gan", "failed", trained["gan"]),
                Outcome("linear-regression", "done before", trained["linear-regression"])]
    assert export_models(tmp_path, outcomes, say=printed.append) == []
    for name in ("tabular", "linear-regression"):  # trained now, or finished earlier and never exported
        assert (tmp_path / "models" / name / "1" / "saved_model.pb").is_file()
    assert not (tmp_path / "models" / "gan").exists()
    resumed = [Outcome("tabular", "done before", trained["tabular"]), outcomes[2]]
    assert export_models(tmp_path, resumed, say=printed.append) == []  # both exported already: nothing to do
    assert sorted(path.name for path in (tmp_path / "models").iterdir()) == ["linear-regression", "tabular"]
    assert [path.name for path in (tmp_path / "models" / "tabular").iterdir()] == ["1"]
    assert printed == [f"exporting 2 model(s) to {tmp_path / 'models'} for TensorFlow Serving"]
