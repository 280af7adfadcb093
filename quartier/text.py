"""Single-line text: what a person types into a one-line field (a title, a name) holds no line break.

A browser's one-line field cannot send a line break, but a request can. ``one_line`` keeps every run of
whitespace (line breaks of any kind, tabs, several spaces) as one space; ``SingleLineField`` is the form field
that does it, so such text can go into a mail subject, a PDF heading or a CSV cell as one line.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (``\\r``, ``\\n``, ``\\u2028``, tabs, …) as one space, trimmed, and
    without control characters (a bell or an escape pasted in, which no title means)."""
    kept = "".join(
        character for character in str(text) if character.isspace() or unicodedata.category(character) != "Cc"
    )
    return " ".join(kept.split())


#: Where a sentence may end: a full stop, question or exclamation mark, then a space and a capital letter, a digit
#: or a quotation mark.
_SENTENCE_END = re.compile(r"([.!?])\s+(?=[A-ZÄÖÜ0-9„\"])")
#: Words with a full stop that end no sentence (as in "z. B. am Kanal" or "Uferstr. 12").
_ABBREVIATIONS = frozenset({"bzw", "ca", "d", "dr", "etc", "evtl", "ggf", "inkl", "nr", "str", "u", "usw", "vgl", "z"})


def first_sentence(text: str, limit: int = 240) -> str:
    """The first sentence of ``text`` (of its first paragraph), as one line, at most ``limit`` characters (cut
    at a word, with "…")."""
    paragraph = one_line(next((part for part in str(text).split("\n\n") if part.strip()), ""))
    sentence = paragraph
    for end in _SENTENCE_END.finditer(paragraph):
        word = paragraph[: end.start()].rsplit(" ", 1)[-1].lower()
        if end.group(1) == "." and (word in _ABBREVIATIONS or len(word) == 1):
            continue
        sentence = paragraph[: end.start() + 1]
        break
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:–-") + " …"


class SingleLineField(forms.CharField):
    """A one-line text field: line breaks and other runs of whitespace sent in it are kept as one space."""

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return one_line(value) if value not in self.empty_values else value
