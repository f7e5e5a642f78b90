"""Data choices that are data settings: a table's target column, the word models' own names for their dataset
(words, pairs), and older runs that stored them as model options."""

import json

import pytest

from classicnets import runs
from classicnets.cli.train import flag_of
from classicnets.errors import SettingsError
from classicnets.models import get_spec
from classicnets.settings import build_run_config, data_setting_names


def test_the_word_models_name_their_dataset_words_and_pairs():
    config = build_run_config("autocomplete", {"units": 8}, {"words": "notes"}, {})
    assert config.data.dataset == "notes" and config.model_options == {"units": 8}
    assert build_run_config("seq2seq", {}, {"pairs": "notes", "dataset": "notes"}, {}).data.dataset == "notes"
    assert "words" in data_setting_names(get_spec("autocomplete"))


def test_a_word_list_and_another_dataset_are_refused_naming_both():
    with pytest.raises(SettingsError) as caught:
        build_run_config("autocomplete", {}, {"words": "notes", "dataset": "english"}, {})
    assert str(caught.value) == "dataset english and words notes name different data; give only words"
    assert caught.value.naming(flag_of).startswith("--dataset english and --words notes name different data")


def test_a_target_is_a_data_setting_of_the_table_models_only():
    config = build_run_config("linear-regression", {}, {"dataset": "houses.csv", "target": "price"}, {})
    assert config.data.target == "price" and config.model_options == {}
    assert "target" in data_setting_names(get_spec("tabular"))
    with pytest.raises(SettingsError, match="target names a CSV column to predict.*mlp reads none: remove target"):
        build_run_config("mlp", {}, {"target": "price"}, {})


def test_an_older_runs_config_with_data_choices_as_model_options_reads_back_moved(tmp_path):
    old = {"model": "linear-regression", "model_options": {"target": "price"},
           "data": {"dataset": "houses.csv", "data_dir": None, "image_size": None, "color": None,
                    "test_fraction": 0.2, "validation_fraction": 0.1},
           "train": {"epochs": 3}, "data_info": {}}
    (tmp_path / "config.json").write_text(json.dumps(old))
    config = runs.read_config(runs.RunDir(tmp_path))
    assert config.data.target == "price" and config.model_options == {}
    words = {**old, "model": "autocomplete", "model_options": {"words": "notes", "units": 8},
             "data": {"dataset": "notes"}}
    (tmp_path / "config.json").write_text(json.dumps(words))
    config = runs.read_config(runs.RunDir(tmp_path))
    assert config.data.dataset == "notes" and config.model_options == {"units": 8}
    again = build_run_config("autocomplete", {}, {}, {}, config_file=tmp_path / "config.json")  # --config of it
    assert again.data.dataset == "notes" and again.model_options == {"units": 8}
