"""build_run_config: a new run's config from the settings given, and the resume rules the CLI and the API share."""

import dataclasses

import pytest

from classicnets.config import DataConfig, RunConfig, TrainConfig
from classicnets.errors import SettingsError, UserError
from classicnets.settings import build_run_config, changed_settings

STORED = RunConfig(model="mlp", model_options={"hidden": [32], "activation": "tanh"},
                   data=DataConfig(dataset="digits"),
                   train=TrainConfig(epochs=2, batch_size=32, learning_rate=0.01, seed=5))


def test_a_new_run_has_what_was_given_over_the_familys_defaults():
    config = build_run_config("cnn", {"filters": [4, 8]}, {"dataset": "digits"}, {"learning_rate": 0.02})
    assert config.model_options == {"filters": (4, 8)}  # a list (from a file) is held as the tuple a flag gives
    assert config.data == DataConfig(dataset="digits")
    assert config.train == TrainConfig(epochs=10, learning_rate=0.02)  # epochs: cnn's own default


def test_values_of_the_wrong_type_or_range_are_refused_by_name():
    with pytest.raises(UserError, match=r"epochs must be a whole number. Received: epochs='3'"):
        build_run_config("mlp", {}, {}, {"epochs": "3"})
    with pytest.raises(UserError, match=r"hidden must be a list of whole numbers"):
        build_run_config("mlp", {"hidden": 32}, {}, {})
    with pytest.raises(UserError, match=r"dropout must be in \[0, 1\)"):
        build_run_config("mlp", {"dropout": 1.5}, {}, {})


def test_resuming_keeps_the_stored_config_and_takes_new_epochs():
    same = build_run_config("mlp", {"hidden": (32,)}, {"dataset": "digits"}, {"seed": 5, "epochs": 4}, STORED,
                            run_dir="runs/m")
    assert same == dataclasses.replace(STORED, train=dataclasses.replace(STORED.train, epochs=4))
    assert build_run_config("mlp", {}, {}, {}, STORED, run_dir="runs/m") == STORED


def test_resuming_refuses_changed_settings_naming_the_python_arguments():
    with pytest.raises(SettingsError) as caught:
        build_run_config("mlp", {"activation": "relu"}, {"validation_fraction": 0.3},
                         {"learning_rate": 0.5, "seed": 6, "epochs": 9}, STORED, run_dir="runs/m")
    message = str(caught.value)
    assert message.startswith("cannot change validation_fraction, learning_rate, seed, activation when resuming runs/m")
    assert "(only epochs may grow)" in message
    flags = caught.value.naming(lambda name: "--" + name.replace("_", "-"))
    assert flags.startswith("cannot change --validation-fraction, --learning-rate, --seed, --activation when resuming")
    assert "(only --epochs may grow)" in flags


def test_resuming_another_family_is_refused_with_the_command_that_resumes_it():
    with pytest.raises(UserError, match=r"runs/m holds a 'mlp' run, not 'cnn'.*classicnets train mlp --run-dir runs/m"):
        build_run_config("cnn", {}, {}, {}, STORED, run_dir="runs/m")


def test_an_option_given_as_auto_is_no_change_of_what_auto_became():
    # a family that resolves "auto" when it builds stores the result (a user's network: task "auto" -> "classifier")
    requested = dataclasses.replace(STORED, model_options={"activation": "auto"})
    assert changed_settings(requested, STORED, given=[]) == []
    requested = dataclasses.replace(STORED, model_options={"activation": "sigmoid", "hidden": (32,)})
    assert changed_settings(requested, STORED, given=[]) == ["activation"]
    requested = dataclasses.replace(STORED, model_options={"dropout": 0.2, "batch_norm": False})  # not stored: defaults
    assert changed_settings(requested, STORED, given=[]) == ["batch_norm"]


def test_a_config_file_fills_in_under_the_settings_given(tmp_path):
    path = tmp_path / "mlp.toml"
    path.write_text('[options]\nhidden = [64]\n[data]\ndataset = "digits"\n[train]\nlearning_rate = 0.05\nseed = 3\n')
    config = build_run_config("mlp", {}, {}, {"seed": 4}, config_file=path)
    assert (config.model_options, config.data.dataset) == ({"hidden": (64,)}, "digits")
    assert (config.train.learning_rate, config.train.seed, config.train.epochs) == (0.05, 4, 8)
