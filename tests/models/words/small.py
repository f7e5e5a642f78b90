"""What the sequence-model tests share."""

NOTES_WORDS = ["word", "wood", "deep", "cold", "cool", "load", "love", "kiss", "kind"]  # the notes' autocomplete words
