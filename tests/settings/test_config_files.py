"""Config files: TOML (or a run's config.json) read into settings, bad files named with their key, and the
whole config written as TOML that reads back to the same config."""

import dataclasses
import tomllib

import pytest

from classicnets.config import DataConfig, RunConfig, TrainConfig, ZooConfig, save_config
from classicnets.errors import UserError
from classicnets.models import get_spec, make_options
from classicnets.settings import build_run_config, build_zoo_config, run_config_toml, zoo_config_toml
from classicnets.settings.files import read_run_file


def write(tmp_path, text, name="settings.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_run_file_is_read_by_section(tmp_path):
    path = write(tmp_path, '# comments are allowed\nmodel = "cnn"\n[model_options]\nfilters = [4, 8]\ndense = 16\n'
                           '[data]\nimage_size = [28, 28]\n[train]\nlearning_rate = 1\nepochs = 3\n')
    settings = read_run_file(path, "cnn")
    assert settings.options == {"filters": (4, 8), "dense": 16}
    assert settings.data == {"image_size": (28, 28)}
    assert settings.train == {"learning_rate": 1.0, "epochs": 3}
    assert isinstance(settings.train["learning_rate"], float)


@pytest.mark.parametrize("text, phrases", [
    ("[train]\nlr = 0.1\n", ["[train]: unknown key(s) lr", "Known keys: batch_size", "learning_rate"]),
    ("[options]\nunits = 3\n", ["[options] (mlp's options): unknown key(s) units", "Known keys: activation"]),
    ("learning_rate = 0.1\n", ["unknown key(s) learning_rate", "Known keys: data, model, model_options"]),
    ('[train]\nepochs = "3"\n', ["[train]: epochs must be a whole number. Received: epochs='3'"]),
    ("[train]\nepochs = true\n", ["epochs must be a whole number. Received: epochs=True"]),
    ("[data]\nimage_size = [28]\n", ["image_size must be a list of 2 whole numbers"]),
    ("train = 3\n", ["train must be a section of settings"]),
    ('model = "cnn"\n', ["holds the settings of model 'cnn', not 'mlp'"]),
    ("[options]\n[model_options]\n", ["both [model_options] and [options]"]),
    ("[train\nepochs = 3\n", ["is not valid TOML", "line 1"]),
])
def test_a_bad_file_is_named_with_what_is_wrong(tmp_path, text, phrases):
    path = write(tmp_path, text)
    with pytest.raises(UserError) as caught:
        read_run_file(path, "mlp")
    message = str(caught.value)
    assert str(path) in message
    for phrase in phrases:
        assert phrase in message


def test_a_missing_file_or_a_folder_is_named(tmp_path):
    with pytest.raises(UserError, match=r"config file .*nothing.toml does not exist"):
        read_run_file(tmp_path / "nothing.toml", "mlp")
    with pytest.raises(UserError, match="is a folder"):
        read_run_file(tmp_path, "mlp")


def test_a_runs_config_json_is_read_without_its_data_info(tmp_path):
    stored = RunConfig("mlp", {"hidden": (32,)}, DataConfig(dataset="digits"),
                       TrainConfig(epochs=2, batch_size=32, learning_rate=0.01), data_info={"input_shape": [8, 8, 1]})
    save_config(stored, tmp_path / "config.json")
    again = build_run_config("mlp", {}, {}, {}, config_file=tmp_path / "config.json")
    assert again == dataclasses.replace(stored, data_info={})


def test_the_printed_config_reads_back_to_the_same_config(tmp_path):
    config = build_run_config("cnn", {"filters": (4, 8)}, {"dataset": "digits", "image_size": (8, 8)},
                              {"learning_rate": 0.02, "test_every_epoch": True})
    text = run_config_toml(config)
    values = tomllib.loads(text)
    assert values["model"] == "cnn" and values["model_options"]["filters"] == [4, 8]
    assert values["model_options"]["dense"] == 256  # every default is written out
    assert values["data"] == {"dataset": "digits", "image_size": [8, 8], "test_fraction": 0.2, "validation_fraction": 0.1,
                              "stream": "auto", "skip_bad_images": False}
    assert values["train"]["learning_rate"] == 0.02 and values["train"]["epochs"] == 10
    assert "batch_size" not in values["train"] and "# batch_size: automatic" in text
    again = build_run_config("cnn", {}, {}, {}, config_file=write(tmp_path, text))
    assert (again.data, again.train) == (config.data, config.train)
    assert again.model_options == dataclasses.asdict(make_options(get_spec("cnn"), config.model_options))


def test_zoo_files_and_their_printed_settings(tmp_path):
    path = write(tmp_path, 'dataset = "digits"\nmodels = "softmax,mlp"\nepochs_scale = 2\nquick = true\n')
    settings = build_zoo_config({"out": "zoo-x"}, path)
    assert settings == ZooConfig(dataset="digits", models=("softmax", "mlp"), epochs_scale=2.0, quick=True, out="zoo-x")
    assert build_zoo_config({"quick": False, "models": ("cnn",)}, path).quick is False
    assert build_zoo_config(tomllib.loads(zoo_config_toml(settings))) == settings
    with pytest.raises(UserError, match=r"settings.toml: unknown key\(s\) epochs. Known keys: dataset, epochs_scale"):
        build_zoo_config({}, write(tmp_path, "epochs = 3\n"))
    with pytest.raises(UserError, match=r"quick must be true or false. Received: quick='yes'"):
        build_zoo_config({}, write(tmp_path, 'quick = "yes"\n'))
