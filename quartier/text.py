"""Single-line text: what a person types into a one-line field (a title, a name) holds no line break.

A browser's one-line field cannot send a line break, but a request can. ``one_line`` keeps every run of
whitespace (line breaks of any kind, tabs, several spaces) as one space; ``SingleLineField`` is the form field
that does it, so such text can go into a mail subject, a PDF heading or a CSV cell as one line.
"""

from __future__ import annotations

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


class SingleLineField(forms.CharField):
    """A one-line text field: line breaks and other runs of whitespace sent in it are kept as one space."""

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return one_line(value) if value not in self.empty_values else value
