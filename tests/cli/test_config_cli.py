"""`--config FILE` and `--print-config` of `classicnets train` and `classicnets run`, and the flags a resumed
run refuses: TOML in, flags over it, the whole config out as TOML."""

import json
import subprocess
import sys
import tomllib

from tests.helpers import run_cli


def printed(capsys, *argv):
    """The TOML that `classicnets ARGV --print-config` prints, parsed; asserts it exited 0."""
    status, out, err = run_cli(capsys, *argv, "--print-config")
    assert status == 0, err
    return tomllib.loads(out)


def test_a_files_settings_land_in_the_config_and_flags_override_them(tmp_path, capsys):
    path = tmp_path / "cnn.toml"
    path.write_text('model = "cnn"\n[options]\nfilters = [4, 8]\n[data]\ndataset = "digits"\n'
                    "[train]\nlearning_rate = 0.02\nseed = 7\nepochs = 2\n")
    config = printed(capsys, "train", "cnn", "--config", str(path))
    assert config["model"] == "cnn" and config["model_options"]["filters"] == [4, 8]
    assert config["data"]["dataset"] == "digits"
    assert (config["train"]["learning_rate"], config["train"]["seed"], config["train"]["epochs"]) == (0.02, 7, 2)
    config = printed(capsys, "train", "cnn", "--config", str(path), "--lr", "0.5", "--filters", "16")
    assert (config["train"]["learning_rate"], config["train"]["seed"]) == (0.5, 7)
    assert config["model_options"]["filters"] == [16]


def test_the_printed_config_is_read_back_by_config(tmp_path, capsys):
    status, text, _ = run_cli(capsys, "train", "mlp", "--dataset", "digits", "--hidden", "64,32", "--epochs", "3",
                              "--optimizer", "sgd", "--print-config")
    assert status == 0
    (tmp_path / "mlp.toml").write_text(text)
    assert printed(capsys, "train", "mlp", "--config", str(tmp_path / "mlp.toml")) == tomllib.loads(text)
    values = tomllib.loads(text)
    assert values["model_options"]["hidden"] == [64, 32] and values["model_options"]["dropout"] == 0.2
    assert (values["train"]["epochs"], values["train"]["optimizer"]) == (3, "sgd")


def test_a_runs_config_json_trains_the_same_run_again(trained_run, tmp_path, capsys):
    stored = json.loads((trained_run / "config.json").read_text())
    again = printed(capsys, "train", "mlp", "--config", str(trained_run / "config.json"))
    assert again["train"] == {k: v for k, v in stored["train"].items() if v is not None}
    assert again["data"] == {k: v for k, v in stored["data"].items() if v is not None}
    assert again["model_options"]["hidden"] == stored["model_options"]["hidden"] == [32]
    status, _, err = run_cli(capsys, "train", "mlp", "--config", str(trained_run / "config.json"), "--quiet",
                             "--run-dir", str(tmp_path / "again"))
    assert status == 0, err
    rerun = json.loads((tmp_path / "again" / "config.json").read_text())
    for part in ("model", "model_options", "data", "train"):
        assert rerun[part] == stored[part], part


def test_bad_config_files_exit_2_naming_the_file_and_the_key(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[train]\nlr = 0.1\n")
    status, _, err = run_cli(capsys, "train", "mlp", "--config", str(bad), "--print-config")
    assert status == 2 and "Traceback" not in err
    assert f"{bad} [train]: unknown key(s) lr" in err and "learning_rate" in err
    bad.write_text('[data]\ntest_fraction = "a fifth"\n')
    status, _, err = run_cli(capsys, "train", "mlp", "--config", str(bad))
    assert status == 2 and "test_fraction must be a number" in err and str(bad) in err
    status, _, err = run_cli(capsys, "train", "mlp", "--config", str(tmp_path / "missing.toml"))
    assert status == 2 and "missing.toml does not exist" in err
    bad.write_text("epochs_scale = 1\nepochs = 3\n")
    status, _, err = run_cli(capsys, "run", "--config", str(bad), "--print-config")
    assert status == 2 and f"{bad}: unknown key(s) epochs" in err and "epochs_scale" in err


def test_resume_names_the_flags_it_refuses(trained_run, capsys):
    status, _, err = run_cli(capsys, "train", "mlp", "--run-dir", str(trained_run), "--resume", "--lr", "0.5",
                             "--seed", "3", "--hidden", "32")
    assert status == 2
    assert f"cannot change --lr, --seed when resuming {trained_run}" in err and "only --epochs may grow" in err
    status, _, err = run_cli(capsys, "train", "cnn", "--run-dir", str(trained_run), "--resume")
    assert status == 2 and f"holds a 'mlp' run, not 'cnn'" in err and "classicnets train mlp --run-dir" in err


def test_print_config_of_a_resumed_run_shows_its_stored_settings(trained_run, capsys):
    stored = json.loads((trained_run / "config.json").read_text())
    config = printed(capsys, "train", "mlp", "--run-dir", str(trained_run), "--resume", "--hidden", "32",
                     "--lr", str(stored["train"]["learning_rate"]), "--epochs", "5")
    assert config["train"] == {**{k: v for k, v in stored["train"].items() if v is not None}, "epochs": 5}
    assert json.loads((trained_run / "config.json").read_text()) == stored  # nothing was trained


def test_the_zoos_file_and_flags(tmp_path, capsys):
    path = tmp_path / "zoo.toml"
    path.write_text('dataset = "digits"\nmodels = ["softmax", "mlp"]\nepochs_scale = 0.5\nno_export = true\n')
    settings = printed(capsys, "run", "--config", str(path), "--models", "cnn", "--out", str(tmp_path / "z"))
    assert settings == {"dataset": "digits", "models": ["cnn"], "epochs_scale": 0.5, "quick": False,
                        "out": str(tmp_path / "z"), "no_export": True, "networks": []}
    assert not (tmp_path / "z").exists()
    # dataset, models and out left out: comments that say what that means
    assert printed(capsys, "run", "--quick") == {"epochs_scale": 1.0, "quick": True, "no_export": False,
                                                 "networks": []}
    net = tmp_path / "net.py"
    assert printed(capsys, "run", "--add", str(net), "--add", "b.keras")["networks"] == [str(net), "b.keras"]


def test_print_config_loads_no_tensorflow():
    code = ("import sys; from classicnets.cli.main import main; status = main(['train', 'cnn', '--print-config']); "
            "main(['run', '--print-config']); print(status, 'tensorflow' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "0 False", done.stderr


def test_library_errors_name_python_arguments_and_the_command_line_names_flags(tmp_path, capsys):
    """One error, two spellings: classicnets.train says learning_rate/data_dir, the command says --lr/--data-dir."""
    import pytest

    import classicnets
    from classicnets.cli.main import main
    from classicnets.errors import UserError

    with pytest.raises(UserError) as error:
        classicnets.train("mlp", "mnist", data_dir=str(tmp_path / "nowhere"), run_dir=tmp_path / "a")
    assert "Check the data_dir path" in str(error.value)
    status = main(["train", "mlp", "--dataset", "mnist", "--data-dir", str(tmp_path / "nowhere"),
                   "--run-dir", str(tmp_path / "b")])
    assert status == 2 and "Check the --data-dir path" in capsys.readouterr().err
