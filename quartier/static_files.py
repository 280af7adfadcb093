"""The static files' storage of production: WhiteNoise's (hashed names, compressed copies), each file's URL worked
out once per process."""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """``{% static %}`` stands five times on every page (base.html), and each asked the manifest and joined the
    URL anew (about 6 µs); the manifest is read when the process starts and does not change while it runs, so each
    name's URL is kept once found. ``collectstatic`` works out the hashed names without ``url`` (``force``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
