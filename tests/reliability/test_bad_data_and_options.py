"""Bad input, through the real CLI: exit status 2, a message naming the file or value and what to do, no
traceback, no run directory or output folder made, and every input file left byte for byte as it was.

Each row is refused before any training starts, so the whole table runs in seconds."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from classicnets.cli.main import main

TWO_CLASSES = "a,b,label\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,dog\n"
TINY = ["--epochs", "1", "--quiet"]
HUGE = "100000000000000000000"  # 1e20, past int64


def csv(name: str, text: str) -> Callable[[Path], None]:
    """A maker of one text file."""
    return lambda folder: (folder / name).write_text(text)


def npz(name: str, **arrays: np.ndarray) -> Callable[[Path], None]:
    """A maker of one .npz file."""
    return lambda folder: np.savez(folder / name, **arrays)


def features(count: int) -> np.ndarray:
    """`count` rows of 4 random features."""
    return np.random.default_rng(count).random((count, 4))


def with_nan(x: np.ndarray, row: int) -> np.ndarray:
    """A copy of `x` with one nan in sample `row`."""
    x = x.copy()
    x[row, 1] = np.nan
    return x


def idx_folder(dims: tuple[int, ...], payload: bytes = b"") -> Callable[[Path], None]:
    """A folder of the four MNIST IDX files whose images header claims `dims`."""
    def make(folder: Path) -> None:
        mnist = folder / "mnist-like"
        mnist.mkdir()
        for prefix in ("train", "t10k"):
            header = bytes([0, 0, 8, 3]) + np.array(dims, dtype=">u4").tobytes()
            (mnist / f"{prefix}-images-idx3-ubyte").write_bytes(header + payload)
            (mnist / f"{prefix}-labels-idx1-ubyte").write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 2, 0, 1]))
    return make


def one_class_folder(folder: Path) -> None:
    """Images in a single class sub-folder."""
    (folder / "pictures" / "cat").mkdir(parents=True)
    for index in range(4):
        Image.new("L", (8, 8), index * 40).save(folder / "pictures" / "cat" / f"{index}.png")


def nothing(folder: Path) -> None:
    """No input files."""


def long_word(suffix: str) -> Callable[[Path], None]:
    """A word list (or pair list) whose third line holds a word of 10,000 letters."""
    if suffix == ".txt":
        return csv("long.txt", "cat\ndog\n" + "a" * 10_000 + "\nbird\n")
    return csv("long.tsv", "cat\tkatze\ndog\thund\nbird\t" + "v" * 10_000 + "\n")


ROWS = [
    # options without bounds: refused before any data is loaded or folder made
    ("seed below 0", nothing, ["train", "softmax", "--dataset", "digits", "--seed", "-1"], ["seed=-1", "2**32 - 1"]),
    ("seed past 2**32 - 1", nothing, ["train", "softmax", "--dataset", "digits", "--seed", "1099511627776"],
     ["seed=1099511627776", "2**32 - 1"]),
    ("image size of 112 GiB", nothing, ["train", "cnn", "--dataset", "digits", "--image-size", "100000"],
     ["--image-size", "'100000'", "1024"]),
    ("image size 0", nothing, ["train", "cnn", "--dataset", "digits", "--image-size", "0x28"], ["--image-size", "0x28"]),
    ("image size of one pixel", nothing, ["train", "mlp", "--dataset", "digits", "--image-size", "1"],
     ["at least 4x4", "image_size=(1, 1)"]),
    ("a cnn with no convolution", nothing, ["train", "cnn", "--dataset", "digits", "--filters", ""],
     ["filters must name at least one conv block", "train mlp"]),
    ("1e20 epochs", nothing, ["train", "softmax", "--dataset", "digits", "--epochs", HUGE], [HUGE, "100,000"]),
    ("0 epochs", nothing, ["train", "softmax", "--dataset", "digits", "--epochs", "0"], ["epochs must be at least 1"]),
    ("epochs not a number", nothing, ["train", "softmax", "--epochs", "five"], ["--epochs", "'five'"]),
    ("init stddev nan", nothing, ["train", "mlp", "--dataset", "digits", "--init-stddev", "nan"],
     ["--init-stddev", "'nan'", "finite number"]),
    ("init stddev below 0", nothing, ["train", "mlp", "--dataset", "digits", "--init-stddev", "-1"],
     ["init_stddev=-1.0", "greater than 0"]),
    ("beta nan", nothing, ["train", "autoencoder", "--dataset", "digits", "--beta", "nan"], ["--beta", "'nan'"]),
    ("noise inf", nothing, ["train", "autoencoder", "--dataset", "digits", "--noise", "inf"], ["--noise", "'inf'"]),
    ("learning rate inf", nothing, ["train", "softmax", "--dataset", "digits", "--lr", "inf"], ["--lr", "'inf'"]),
    ("learning rate 0", nothing, ["train", "softmax", "--dataset", "digits", "--lr", "0"], ["lr=0.0", "positive"]),
    ("test fraction nan", nothing, ["train", "softmax", "--dataset", "digits", "--test-fraction", "nan"],
     ["--test-fraction", "'nan'"]),
    ("validation fraction 1.5", nothing, ["train", "softmax", "--dataset", "digits", "--validation-fraction", "1.5"],
     ["validation_fraction=1.5", "[0, 1)"]),
    ("dropout -inf", nothing, ["train", "mlp", "--dataset", "digits", "--dropout=-inf"], ["--dropout", "'-inf'"]),
    ("dropout 1.5", nothing, ["train", "mlp", "--dataset", "digits", "--dropout", "1.5"], ["dropout=1.5", "[0, 1)"]),
    ("l2 below 0", nothing, ["train", "softmax", "--dataset", "digits", "--l2", "-1"], ["l2=-1.0", ">= 0"]),
    ("l2 nan", nothing, ["train", "softmax", "--dataset", "digits", "--l2", "nan"], ["--l2", "'nan'"]),
    ("label smoothing nan", nothing, ["train", "gan", "--dataset", "digits", "--label-smoothing", "nan"],
     ["--label-smoothing", "'nan'"]),
    ("generator lr inf", nothing, ["train", "gan", "--dataset", "digits", "--generator-lr", "inf"],
     ["--generator-lr", "'inf'"]),
    ("beta_1 nan", nothing, ["train", "cgan", "--dataset", "digits", "--beta-1", "nan"], ["--beta-1", "'nan'"]),
    ("reconstruction weight nan", nothing, ["train", "ae-classifier", "--dataset", "digits",
                                            "--reconstruction-weight", "nan"], ["--reconstruction-weight", "'nan'"]),
    ("hidden layer of 1e20 units", nothing, ["train", "mlp", "--dataset", "digits", "--hidden", HUGE],
     [HUGE, "65,536"]),
    ("0 recurrent units", nothing, ["train", "rnn", "--dataset", "digits", "--units", "0"], ["units=0", "positive"]),
    ("unknown optimizer", nothing, ["train", "softmax", "--optimizer", "adamw"], ["'adamw'", "invalid choice"]),
    ("unknown model", nothing, ["train", "perceptron"], ["'perceptron'", "invalid choice"]),
    ("resume without a run directory", nothing, ["train", "softmax", "--resume"], ["--resume needs --run-dir"]),
    ("zoo: dataset that does not exist", nothing, ["run", "--quick", "--dataset", "digitz"],
     ["'digitz'", "unknown dataset"]),
    ("zoo: epochs scale nan", nothing, ["run", "--quick", "--epochs-scale", "nan"], ["--epochs-scale", "'nan'"]),
    ("zoo: epochs scale 1e30", nothing, ["run", "--quick", "--epochs-scale", "1e30"],
     ["--epochs-scale 1e+30", "100,000"]),
    ("zoo: epochs scale 0", nothing, ["run", "--quick", "--epochs-scale", "0"], ["--epochs-scale", "positive"]),
    ("zoo: unknown model", nothing, ["run", "--quick", "--models", "softmax,bogus"], ["bogus", "not in the zoo"]),
    # data: refused where it is read, naming the file and the row, sample or line
    ("missing dataset file", nothing, ["train", "softmax", "--dataset", "{inputs}/nope.csv"], ["nope.csv"]),
    ("CSV cell inf", csv("inf.csv", "a,b,label\n1,2,0\ninf,3,1\n4,5,0\n6,7,1\n"),
     ["train", "softmax", "--dataset", "{inputs}/inf.csv"], ["inf.csv", "data row 2", "column 'a'", "'inf'"]),
    ("CSV cell 1e308", csv("big.csv", "a,b,label\n1,2,0\n3,1e308,1\n4,5,0\n6,7,1\n"),
     ["train", "mlp", "--dataset", "{inputs}/big.csv"], ["big.csv", "data row 2", "column 'b'", "1e+308"]),
    ("tabular CSV cell -inf", csv("minf.csv", "a,b,label\n1,2,x\n3,4,y\n4,-inf,x\n6,7,y\n"),
     ["train", "tabular", "--dataset", "{inputs}/minf.csv"], ["minf.csv", "data row 3", "column 'b'", "'-inf'"]),
    ("regression target 1e308", csv("line.csv", "x,y\n1,2\n2,1e308\n3,6\n4,8\n"),
     ["train", "linear-regression", "--dataset", "{inputs}/line.csv"], ["line.csv", "data row 2", "'y'", "1e+308"]),
    ("CSV cell not a number", csv("text.csv", "a,b,label\n1,2,0\n3,x,1\n4,5,0\n6,7,1\n"),
     ["train", "softmax", "--dataset", "{inputs}/text.csv"], ["text.csv", "data row 2", "column 'b'", "'x'"]),
    ("CSV without a label column", csv("nolabel.csv", "a,b\n1,2\n3,4\n"),
     ["train", "softmax", "--dataset", "{inputs}/nolabel.csv"], ["nolabel.csv", "no 'label' column"]),
    ("CSV of one class", csv("one.csv", "a,b,label\n1,2,0\n3,4,0\n5,6,0\n7,8,0\n"),
     ["train", "softmax", "--dataset", "{inputs}/one.csv"], ["one.csv", "class '0'", "at least 2 classes"]),
    ("tabular CSV of one class", csv("cats.csv", TWO_CLASSES.replace("dog", "cat")),
     ["train", "tabular", "--dataset", "{inputs}/cats.csv"], ["cats.csv", "class 'cat'", "--target"]),
    ("linear classifier CSV of one class", csv("cats.csv", TWO_CLASSES.replace("dog", "cat")),
     ["train", "linear-classifier", "--dataset", "{inputs}/cats.csv"], ["cats.csv", "class 'cat'"]),
    ("zoo on a CSV of one class", csv("cats.csv", TWO_CLASSES.replace("dog", "cat")),
     ["run", "--dataset", "{inputs}/cats.csv"], ["cats.csv", "class 'cat'", "--models autoencoder,gan"]),
    ("corrupt .csv.gz", lambda folder: (folder / "bad.csv.gz").write_bytes(gzip.compress(TWO_CLASSES.encode())[:-12]
                                                                          + b"\xff" * 12),
     ["train", "softmax", "--dataset", "{inputs}/bad.csv.gz"], ["bad.csv.gz", "gzip"]),
    ("npz features with nan", npz("nan.npz", x_train=with_nan(features(10), 3), y_train=np.arange(10) % 2,
                                  x_test=features(4), y_test=np.arange(4) % 2),
     ["train", "softmax", "--dataset", "{inputs}/nan.npz"], ["nan.npz", "x_train[3]"]),
    ("npz test images with nan", npz("img.npz", x_train=np.zeros((6, 4, 4)), y_train=np.arange(6) % 2,
                                     x_test=with_nan(np.zeros((4, 4, 4)), 2), y_test=np.arange(4) % 2),
     ["train", "cnn", "--dataset", "{inputs}/img.npz"], ["img.npz", "x_test[2]"]),
    ("npz of one class", npz("onecls.npz", x_train=features(10), y_train=np.zeros(10, int), x_test=features(4),
                             y_test=np.zeros(4, int)),
     ["train", "rnn", "--dataset", "{inputs}/onecls.npz"], ["onecls.npz", "class '0'"]),
    ("npz of 0-d arrays", npz("scalars.npz", x_train=np.array(1.0), y_train=np.array(1), x_test=np.array(2.0),
                              y_test=np.array(0)),
     ["train", "softmax", "--dataset", "{inputs}/scalars.npz"], ["scalars.npz", "x_train", "single value"]),
    ("npz without y_test", npz("part.npz", x_train=features(4), y_train=np.arange(4) % 2, x_test=features(2)),
     ["train", "softmax", "--dataset", "{inputs}/part.npz"], ["part.npz", "y_test"]),
    ("IDX header claiming 2**31 images", idx_folder((2**31, 28, 28), b"\0" * 100),
     ["train", "softmax", "--dataset", "{inputs}/mnist-like"], ["train-images-idx3-ubyte", "2147483648"]),
    ("IDX sizes whose product overflows int64", idx_folder((2**22, 2**21, 2**21)),
     ["train", "softmax", "--dataset", "{inputs}/mnist-like"], ["train-images-idx3-ubyte", "4194304"]),
    ("image folder of one class", one_class_folder,
     ["train", "gan", "--dataset", "{inputs}/pictures"], ["pictures", "(cat)", "at least 2"]),
    ("word of 10,000 letters", long_word(".txt"),
     ["train", "autocomplete", "--words", "{inputs}/long.txt"], ["long.txt line 3", "10,000 characters", "64"]),
    ("translation of 10,000 letters", long_word(".tsv"),
     ["train", "seq2seq", "--pairs", "{inputs}/long.tsv"], ["long.tsv line 3", "10,000 characters", "64"]),
    ("word list not UTF-8", lambda folder: (folder / "latin1.txt").write_bytes("caf\xe9\n".encode("latin-1")),
     ["train", "autocomplete", "--words", "{inputs}/latin1.txt"], ["latin1.txt", "UTF-8"]),
    ("missing word list", nothing, ["train", "autocomplete", "--words", "{inputs}/nope.txt"], ["nope.txt"]),
]


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder`, by relative path."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("make, argv, words", [pytest.param(*row[1:], id=row[0]) for row in ROWS])
def test_bad_input_exits_2_names_it_and_changes_nothing(make, argv, words, tmp_path, monkeypatch, capsys):
    inputs, work = tmp_path / "inputs", tmp_path / "work"
    inputs.mkdir()
    work.mkdir()
    make(inputs)
    before = file_hashes(inputs)
    monkeypatch.chdir(work)  # default run directories (runs/...) and zoo folders would appear here
    argv = [part.format(inputs=inputs) for part in argv]
    if argv[0] == "train":  # the row's own flags come after these, so an --epochs of the row wins
        argv = [*argv[:2], *TINY, *argv[2:]]
    try:
        status = main(argv)
    except SystemExit as exit_:  # argparse's usage errors
        status = exit_.code
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, f"{word!r} not in: {err}"
    assert sorted(path.name for path in work.iterdir()) == []  # no run directory, no zoo folder
    assert file_hashes(inputs) == before  # inputs untouched, and nothing added beside them
