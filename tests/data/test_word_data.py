"""Word lists, pair files, vocabularies and the padded id arrays the sequence models train on."""

import unicodedata

import numpy as np
import pytest

from classicnets.data.tokens import END, PAD, START, UNKNOWN, Vocabulary, pad
from classicnets.data.word_datasets import pair_dataset, split_items, word_dataset
from classicnets.data.words import BUNDLED_FOLDER, read_pairs, read_words, resolve, BUNDLED_WORDS
from classicnets.errors import UserError
from tests.models.words.small import NOTES_WORDS



def test_bundled_lists_hold_the_notes_data():
    english = read_words(BUNDLED_FOLDER / "english.txt")
    assert set(NOTES_WORDS) <= set(english) and len(english) >= 300
    assert read_words(BUNDLED_FOLDER / "notes.txt") == NOTES_WORDS
    pairs = dict(read_pairs(BUNDLED_FOLDER / "english-korean.tsv"))
    assert {"word": "단어", "wood": "나무", "game": "놀이", "girl": "소녀", "kiss": "키스", "love": "사랑"}.items() <= pairs.items()
    assert len(pairs) >= 40


def test_word_files_are_normalised_and_cleaned(tmp_path):
    decomposed = unicodedata.normalize("NFD", "단어")
    path = tmp_path / "words.txt"
    path.write_text(f"# a comment\n\nlove\n  {decomposed}  \nlove\r\n", encoding="utf-8")
    assert read_words(path) == ["love", "단어"]  # NFC, stripped, duplicates dropped


def test_bad_files_say_what_is_wrong(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n\n")
    with pytest.raises(UserError, match="holds no words"):
        read_words(empty)
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("love\t사랑\n# skipped\nkiss 키스\n")
    with pytest.raises(UserError, match="line 3"):
        read_pairs(pairs)
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("café\n".encode("latin-1"))
    with pytest.raises(UserError, match="not UTF-8"):
        read_words(latin1)
    with pytest.raises(UserError, match="neither a bundled one"):
        resolve(str(tmp_path / "missing.txt"), BUNDLED_WORDS, "english", "word list")


def test_vocabulary_round_trip_and_unknown_letters():
    vocabulary = Vocabulary.from_texts(["love", "사랑"])
    assert vocabulary.decode(vocabulary.encode("사랑") + [END, 5]) == "사랑"
    with pytest.raises(UserError, match="'z'"):
        vocabulary.encode("lazy")
    assert vocabulary.encode("lz", unknown_ok=True)[1] == UNKNOWN
    assert vocabulary.decode([UNKNOWN]) == "\ufffd"
    assert pad([[5], [5, 6, 7]]).tolist() == [[5, PAD, PAD], [5, 6, 7]]


def test_words_of_any_length_are_padded_and_shifted():
    words = ["a", "go", "kiss", "letters"]
    data = word_dataset("mine", "test", words, test_fraction=0.0, seed=0)
    assert data.input_shape == (8,)  # the longest word + <start>
    vocabulary = Vocabulary(data.extra["vocabulary"])
    row = list(data.x_train[words.index("go")])
    assert row == [START, *vocabulary.encode("go"), PAD, PAD, PAD, PAD, PAD]
    assert list(data.y_train[words.index("go")][:3]) == [*vocabulary.encode("go"), END]
    for x, y, word in zip(data.x_train, data.y_train, words):  # y is x shifted by one, then <end>, then padding
        assert list(x[1:len(word) + 1]) == list(y[:len(word)])
        assert y[len(word)] == END and not y[len(word) + 1:].any()


def test_held_out_words_keep_the_training_vocabulary():
    words = [f"w{letter}" for letter in "abcdefghij"]
    data = word_dataset("mine", "test", words, test_fraction=0.3, seed=1)
    assert len(data.x_train) == 7 and len(data.x_test) == 3
    train, test = split_items(words, 0.3, 1)
    assert set(train) | set(test) == set(words) and not set(train) & set(test)
    assert (data.x_test == UNKNOWN).sum() == 3  # their second letters never trained


def test_pairs_hold_source_then_decoder_input():
    pairs = [("love", "사랑"), ("kiss", "키스"), ("word", "단어")]
    data = pair_dataset("mine", "test", pairs, test_fraction=0.0, seed=0)
    extra = data.extra
    assert extra["source_length"] == 4 and extra["target_length"] == 2
    assert data.input_shape == (4 + 3,) and data.y_train.shape == (3, 3)
    source, target = Vocabulary(extra["source_vocabulary"]), Vocabulary(extra["target_vocabulary"])
    x, y = data.x_train[0], data.y_train[0]
    assert source.decode(x[:4]) == "love" and x[4] == START and target.decode(x[5:]) == "사랑"
    assert target.decode(y) == "사랑" and y[2] == END
    np.testing.assert_array_equal(x[5:], y[:2])
