"""`classicnets serve --runtime onnx` and request batching, run for real: the zoo's tiny models trained on the
bundled digits and exported by classicnets (SavedModel and ONNX), server processes on free localhost ports, and a
real HTTP client; plus the batcher itself, driven by concurrent calls."""

import asyncio
import json
import shutil
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from classicnets.cli.main import main
from classicnets.serving import runtimes
from tests.serving.small import call, images, start_serve

pytest.importorskip("onnxruntime")
pytestmark = pytest.mark.slow  # trained models, exported and served by two server processes

SERVED = {"digits": "cnn", "ae": "autoencoder"}  # folder (the served name) -> the family exported by tests/conftest.py


@pytest.fixture(scope="module")
def models_dir(exported_families, tmp_path_factory):
    """MODELS_DIR with the zoo's cnn classifier and (variational) autoencoder, one digits epoch each, exported as
    SavedModels and ONNX files (tests/conftest.py)."""
    root = tmp_path_factory.mktemp("runtimes")
    for folder, family in SERVED.items():
        shutil.copytree(exported_families[family].path.parent, root / folder)
    return root


@pytest.fixture(scope="module")
def code_size(models_dir):
    manifest = json.loads((models_dir / "ae" / "1" / "classicnets.json").read_text(encoding="utf-8"))
    return manifest["signatures"]["encode"]["outputs"]["codes"]["shape"][1]


def every_served_model_ready(base: str) -> bool:
    return all(call(base, "GET", f"/v2/models/{name}/ready", timeout=2)[0] == 200 for name in SERVED)


@pytest.fixture(scope="module")
def servers(models_dir, tmp_path_factory):
    """Two servers of the same folder: the SavedModels, one request at a time; onnxruntime, batching 50 ms."""
    logs = tmp_path_factory.mktemp("logs")
    started = {"saved-model": start_serve(models_dir, logs / "saved-model.log", "--poll-seconds", "0", "--runtime",
                                          "saved-model", ready=every_served_model_ready),
               "onnx": start_serve(models_dir, logs / "onnx.log", "--poll-seconds", "0", "--runtime", "onnx",
                                   "--batch-window-ms", "50", "--batch-max-size", "64", ready=every_served_model_ready)}
    yield {runtime: base for runtime, (base, _) in started.items()}
    for _, process in started.values():
        process.terminate()
        process.wait(timeout=30)


def predict(base, name, instances, signature="serving_default"):
    """(status, answer) of a TF Serving row-format predict request."""
    return call(base, "POST", f"/v1/models/{name}:predict",
                {"signature_name": signature, "instances": np.asarray(instances).tolist()})


def test_each_runtime_says_what_serves_the_model(servers):
    for runtime, platform in (("saved-model", "tensorflow_savedmodel"), ("onnx", "onnxruntime_onnx")):
        status, metadata = call(servers[runtime], "GET", "/v2/models/digits")
        assert status == 200 and metadata["platform"] == platform


@pytest.mark.parametrize("name, signature, output", [("digits", "serving_default", "probabilities"),
                                                     ("ae", "encode", "codes")])
def test_onnx_answers_equal_the_saved_model_answers(servers, name, signature, output, code_size):
    batch = images(16, seed=5)
    answers = {}
    for runtime, base in servers.items():
        status, answer = predict(base, name, batch, signature)
        assert status == 200, answer
        rows = answer["predictions"]
        answers[runtime] = np.array([row[output] if isinstance(row, dict) else row for row in rows])
    assert answers["onnx"].shape == answers["saved-model"].shape == ((16, 10) if name == "digits" else (16, code_size))
    np.testing.assert_allclose(answers["onnx"], answers["saved-model"], rtol=0, atol=1e-4)


def test_concurrent_requests_are_batched_and_each_gets_its_own_rows(servers):
    base = servers["onnx"]
    requests = [images(1 + index % 3, seed=100 + index) for index in range(16)]  # 1, 2 or 3 rows each
    alone = [predict(servers["saved-model"], "digits", batch)[1]["predictions"] for batch in requests]
    with ThreadPoolExecutor(16) as pool:
        together = list(pool.map(lambda batch: predict(base, "digits", batch), requests))
    for (status, answer), expected in zip(together, alone):
        assert status == 200 and len(answer["predictions"]) == len(expected)
        for row, expected_row in zip(answer["predictions"], expected):
            assert row["classes"] == expected_row["classes"]
            np.testing.assert_allclose(row["probabilities"], expected_row["probabilities"], atol=1e-4)


def test_a_bad_request_among_batched_ones_is_refused_alone(servers, code_size):
    base = servers["onnx"]
    good = [images(1, seed=200 + index) for index in range(7)]
    bad = np.zeros((1, 7, 8, 1))  # the wrong image size: refused before it can join a batch
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda batch: predict(base, "digits", batch), [*good[:3], bad, *good[3:]]))
    statuses = [status for status, _ in answers]
    assert statuses == [200] * 3 + [400] + [200] * 4
    assert "needs shape [-1, 8, 8, 1]" in answers[3][1]["error"]
    # different signatures of one version at the same time are never merged: each answers its own outputs
    with ThreadPoolExecutor(2) as pool:
        encoded, reconstructed = pool.map(lambda signature: predict(base, "ae", images(2), signature),
                                          ["encode", "serving_default"])
    assert np.shape(encoded[1]["predictions"]) == (2, code_size)
    assert np.shape(reconstructed[1]["predictions"]) == (2, 8, 8, 1)


def test_runtime_onnx_without_onnx_files_is_a_clear_error(models_dir, tmp_path, capsys, monkeypatch):
    shutil.copytree(models_dir / "digits", tmp_path / "digits", ignore=shutil.ignore_patterns("onnx"))
    assert main(["serve", str(tmp_path), "--runtime", "onnx", "--port", "0"]) == 2
    error = capsys.readouterr().err
    assert "no .onnx files in digits/1" in error and "--format saved-model,onnx" in error
    assert "Traceback" not in error
    monkeypatch.setattr(runtimes, "onnxruntime_installed", lambda: False)
    assert main(["serve", str(models_dir), "--runtime", "onnx", "--port", "0"]) == 2
    assert "pip install 'classicnets[export]'" in capsys.readouterr().err


def test_auto_serves_with_onnx_only_when_every_signature_has_a_file(models_dir, tmp_path):
    from classicnets.serving.runtimes import load_servable

    shutil.copytree(models_dir / "ae" / "1", tmp_path / "ae")
    (tmp_path / "ae" / "onnx" / "decode.onnx").unlink()
    assert load_servable(tmp_path / "ae", 1, "auto").runtime == "saved-model"
    assert load_servable(models_dir / "ae" / "1", 1, "onnx").runtime == "onnx"
    with pytest.raises(ValueError, match="no onnx/decode.onnx"):
        load_servable(tmp_path / "ae", 1, "onnx")


class CountingSignature:
    """Stands in for a loaded signature: doubles its input and counts its calls."""

    def __init__(self):
        import tensorflow as tf

        self.inputs = {"x": tf.TensorSpec([None, 2], tf.float32)}
        self.outputs = {"y": tf.TensorSpec([None, 2], tf.float32)}
        self.calls = []

    def compute(self, arrays):
        self.calls.append(len(arrays["x"]))
        return {"y": arrays["x"] * 2}


def test_the_batcher_merges_concurrent_calls_and_splits_the_rows_back():
    from classicnets.serving.batching import Batcher

    signature = CountingSignature()

    async def gather():
        batcher = Batcher(0.02, 8, lambda function: asyncio.to_thread(function))
        inputs = [np.full((1 + index % 2, 2), index, np.float32) for index in range(10)]
        outputs = await asyncio.gather(*(batcher.compute(signature, {"x": x}) for x in inputs))
        return inputs, outputs

    inputs, outputs = asyncio.run(gather())
    for x, output in zip(inputs, outputs):
        np.testing.assert_array_equal(output["y"], x * 2)
    assert sum(signature.calls) == 15 and len(signature.calls) < 10 and max(signature.calls) <= 8
