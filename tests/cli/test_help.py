"""Every help page works, and help, --version, `models` and usage errors answer without loading TensorFlow."""

import argparse
import json
import subprocess
import sys

import pytest

from classicnets.cli.main import build_parser
from tests.helpers import run_cli


def subcommand_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path of the parser: (), ("train",), ("train", "mlp"), ..."""
    paths = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths += subcommand_paths(sub, (*prefix, name))
    return paths


ALL_PATHS = subcommand_paths(build_parser())


def test_the_parser_has_every_command_and_model():
    names = {" ".join(path) for path in ALL_PATHS}
    assert {"", "train", "train mlp", "train gan", "train cgan", "run", "predict", "models"} <= names
    assert len([path for path in ALL_PATHS if path[:1] == ("train",)]) == 15  # train, its 13 models, a network


@pytest.mark.parametrize("path", ALL_PATHS, ids=lambda path: " ".join(path) or "classicnets")
def test_every_help_page_prints(path, capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args([*path, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: classicnets")
    assert "%%" not in out  # a doubled percent sign would show a help text escaped twice


def test_every_help_text_survives_argparse_formatting():
    """argparse %-formats each help string: a lone "%" fails there, so every text is formatted here."""
    for path in ALL_PATHS:
        parser = build_parser()
        for name in path:
            parser = next(action for action in parser._actions
                          if isinstance(action, argparse._SubParsersAction)).choices[name]
        formatter = parser._get_formatter()
        for action in parser._actions:
            if action.help and action.help is not argparse.SUPPRESS:
                formatter._expand_help(action)  # raises on a stray "%"
            for choice in getattr(action, "_choices_actions", []):
                formatter._expand_help(choice)


PROBE = """
import sys
from classicnets.cli.main import main
try:
    status = main(sys.argv[1:])
except SystemExit as exit_:
    status = exit_.code
print("TENSORFLOW-LOADED" if "tensorflow" in sys.modules or "keras" in sys.modules else "NO-TENSORFLOW", file=sys.stderr)
sys.exit(status)
"""


@pytest.mark.parametrize("argv, status", [
    (["--help"], 0), (["--version"], 0), (["train", "--help"], 0), (["train", "gan", "--help"], 0),
    (["predict", "--help"], 0), (["export", "--help"], 0), (["serve", "--help"], 0), (["models"], 0), (["train", "mlp", "--epochs", "x"], 2),
    (["train", "nosuchmodel"], 2), (["nosuchcommand"], 2), (["train", "mlp", "--optimizer", "adamw"], 2),
])
def test_no_tensorflow_before_a_command_runs(argv, status):
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120)
    assert done.returncode == status, done.stderr
    assert done.stderr.strip().endswith("NO-TENSORFLOW"), done.stderr
    assert "Traceback" not in done.stderr


def test_models_lists_every_family_with_options():
    done = subprocess.run([sys.executable, "-m", "classicnets", "models"], capture_output=True, text=True,
                          timeout=120, check=True)
    for name in ("softmax:", "mlp:", "ae-classifier:", "cgan:", "--spectral-norm", "--code-size"):
        assert name in done.stdout


def test_a_reader_that_stops_early_gets_no_error_message():
    """`classicnets models | head -1`: the pipe closes before classicnets writes; it stops quietly."""
    process = subprocess.Popen([sys.executable, "-m", "classicnets", "models"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # before the command has started to write
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 141 and stderr == ""


def test_import_classicnets_leaves_the_environment_alone():
    show = "import json, os; before = dict(os.environ); import classicnets; print(json.dumps(before == dict(os.environ)))"
    done = subprocess.run([sys.executable, "-c", show], capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(done.stdout) is True


@pytest.mark.parametrize("argv, words", [
    (["train", "cnn", "--epochs", "x"], "classicnets train cnn: error: argument --epochs: invalid int value: 'x'"),
    (["trian"], "classicnets: error: argument COMMAND: invalid choice: 'trian'"),
    (["export"], "classicnets export: error: the following arguments are required"),
])
def test_a_usage_error_is_one_line_and_a_pointer_to_help(capsys, argv, words):
    status, out, err = run_cli(capsys, *argv)
    lines = err.strip().splitlines()
    assert status == 2 and out == "" and len(lines) == 2
    assert lines[0].startswith(words) and lines[1] == f"See `{words.split(':')[0]} --help` for the options and examples."
