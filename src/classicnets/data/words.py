"""Word lists (one word a line) and word pairs (source<TAB>target a line), bundled or the user's own files.

Text is read as UTF-8 and normalised to NFC, so a Korean word typed on one system matches the same word
saved on another. Blank lines and lines starting with '#' are skipped."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from classicnets.errors import UserError

BUNDLED_FOLDER = Path(__file__).parent / "bundled" / "words"
BUNDLED_WORDS = {"english": "english.txt", "notes": "notes.txt"}  # name -> file
BUNDLED_PAIRS = {"english-korean": "english-korean.tsv", "notes": "notes-korean.tsv"}
DEFAULT_WORDS, DEFAULT_PAIRS = "english", "english-korean"
# Words are read letter by letter, padded to the longest: one word of 10,000 letters makes every batch 10,000
# steps long, and a list holding one took minutes for its first epoch. The longest word of common English
# dictionaries has 45 letters.
MAX_WORD_LENGTH = 64


def normalize(text: str) -> str:
    """NFC form without surrounding white space: the form every word is stored and looked up in."""
    return unicodedata.normalize("NFC", text).strip()


def resolve(name: str | None, bundled: dict[str, str], default: str, what: str) -> tuple[str, Path]:
    """(dataset name, file) for a bundled name or a path; None means the default bundled file."""
    name = name or default
    if name in bundled:
        return name, BUNDLED_FOLDER / bundled[name]
    path = Path(name).expanduser()
    if not path.is_file():
        raise UserError(f"{what} {name!r} is neither a bundled one ({', '.join(bundled)}) nor an existing file; "
                        "give the path of a UTF-8 text file")
    return name, path


def read_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of each line that is not blank or a '#' comment."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(f"{path} is not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8") from None
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror}") from None
    lines = [(number, unicodedata.normalize("NFC", line).rstrip("\r\n"))
             for number, line in enumerate(text.split("\n"), start=1)]
    return [(number, line) for number, line in lines if line.strip() and not line.lstrip().startswith("#")]


def check_word_length(path: Path, number: int, word: str) -> None:
    """UserError naming the line of a word longer than MAX_WORD_LENGTH."""
    if len(word) > MAX_WORD_LENGTH:
        raise UserError(f"{path} line {number}: the word {word[:20]!r}... has {len(word):,} characters; words may "
                        f"have at most {MAX_WORD_LENGTH}. Shorten or remove that line, or start it with '#' to skip it.")


def read_words(path: Path) -> list[str]:
    """The distinct words of a word list file, in file order."""
    lines = [(number, line.strip()) for number, line in read_lines(path)]
    for number, word in lines:
        check_word_length(path, number, word)
    words = list(dict.fromkeys(word for _, word in lines))
    if not words:
        raise UserError(f"{path} holds no words; write one word a line (UTF-8 text)")
    return words


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """The distinct (source, target) pairs of a tab-separated file; a malformed line is an error naming it."""
    pairs = []
    for number, line in read_lines(path):
        fields = [field.strip() for field in line.split("\t")]
        if len(fields) != 2 or not all(fields):
            raise UserError(f"{path} line {number}: expected a source word, one tab, and its translation; "
                            f"got {line!r}. Fix that line or start it with '#' to skip it.")
        for word in fields:
            check_word_length(path, number, word)
        pairs.append((fields[0], fields[1]))
    if not pairs:
        raise UserError(f"{path} holds no word pairs; write 'source<TAB>target' a line (UTF-8 text)")
    return list(dict.fromkeys(pairs))
