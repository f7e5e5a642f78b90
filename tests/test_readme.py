"""The README's commands run as pasted: every `classicnets ...` line of a code block parses with the real
argument parser, and the snippets that load a model.keras with plain Keras and train a model with Keras fit() work."""

import re
import shlex
from pathlib import Path

import pytest

from classicnets.cli.main import main, parse_args

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", ROOT / "README.ko.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def code_blocks(text: str) -> list[tuple[str, str]]:
    """(language, text) of every fenced code block."""
    return [(match.group(1), match.group(2)) for match in FENCE.finditer(text)]


def commands(path: Path) -> list[str]:
    """Every line of a code block that calls classicnets (line continuations joined), and in the READMEs also
    every inline `classicnets ...` (the Korean README's table of chapters)."""
    text = path.read_text(encoding="utf-8")
    found = []
    for _, block in code_blocks(text):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip().startswith("classicnets "):
                found.append(line.strip())
    if path.name.startswith("README"):
        found += re.findall(r"`(classicnets [^`]+)`", FENCE.sub("", text))
    return found


ALL_COMMANDS = [(path.relative_to(ROOT).as_posix(), line) for path in DOCUMENTS for line in commands(path)]


def test_the_readmes_have_commands():
    documents = {document for document, _ in ALL_COMMANDS}
    assert {"README.md", "README.ko.md"} <= documents
    assert len([1 for document, _ in ALL_COMMANDS if document == "README.md"]) >= 5


@pytest.mark.parametrize("document, line", ALL_COMMANDS, ids=[f"{d}: {c[:60]}" for d, c in ALL_COMMANDS])
def test_every_command_parses(document, line):
    argv = shlex.split(line, comments=True)
    assert not any(re.fullmatch(r"\[.*\]|<.*>|\.\.\.", word) for word in argv), f"placeholder in {line!r}"
    try:
        parse_args(argv[1:])
    except SystemExit as exit_:
        pytest.fail(f"{document}: {line!r} does not parse (exit {exit_.code})")


@pytest.mark.slow
def test_the_plain_keras_snippet_loads_the_run_it_names(tmp_path, monkeypatch, capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Loading a model.keras with plain Keras"):]
    shell = next(code for language, code in code_blocks(section) if language == "bash").strip()
    python = next(code for language, code in code_blocks(section) if language == "python")
    monkeypatch.chdir(tmp_path)
    assert main(shlex.split(shell)[1:] + ["--quiet"]) == 0
    capsys.readouterr()
    python += "\nprint(type(model).__name__, model.count_params())\n"
    exec(compile(python, "README.md", "exec"), {})  # a fresh process loads every family: tests/runs/test_run_files.py
    shown = capsys.readouterr().out.split()
    assert shown[0] == "Sequential" and int(shown[1]) > 0


@pytest.mark.slow
def test_the_python_api_snippet_runs(tmp_path, monkeypatch, capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Python API"):text.index("### Loading a model.keras with plain Keras")]
    python = next(code for language, code in code_blocks(section) if language == "python")
    monkeypatch.chdir(tmp_path)
    exec(compile(python, "README.md", "exec"), {})
    assert (tmp_path / "runs" / "mlp-api" / "model.keras").exists()
    shown = capsys.readouterr().out
    accuracy = float(shown.split()[0])
    assert 0.5 < accuracy <= 1.0 and "test accuracy" in shown


def test_the_keras_fit_snippet_trains_the_denoising_autoencoder(capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Training a classicnets model with Keras' own fit()"):]
    python = next(code for language, code in code_blocks(section) if language == "python")
    exec(compile(python, "README.md", "exec"), {})
    first, last = map(float, re.fullmatch(r"reconstruction MSE (\S+) -> (\S+)\n", capsys.readouterr().out).groups())
    assert 0 < last < 0.6 * first
