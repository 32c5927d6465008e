"""Vietnamese text: NFC normalisation of input and an accent-free key for searching."""

import unicodedata

# Đ/đ is a letter of its own, not a D with a combining mark, so NFD does not strip it.
_FOLD = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(value: str) -> str:
    """Return the text in composed form (NFC), as typed text from some keyboards is decomposed."""
    return unicodedata.normalize("NFC", value)


def search_key(value: str) -> str:
    """Lower-case, accent-free form used for search on every database ("Quảng Trị" -> "quang tri")."""
    decomposed = unicodedata.normalize("NFD", value.translate(_FOLD))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
