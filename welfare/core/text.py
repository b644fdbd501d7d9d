"""Accent-insensitive text: the folded copy of a name that search uses."""

import unicodedata


def fold(text: str | None) -> str:
    """Lower case, Vietnamese diacritics removed, đ -> d, spaces collapsed.

    "Nguyễn Văn Đức" -> "nguyen van duc". Stored beside a name and searched instead of it
    (conventions.md, "Data").
    """
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
