"""The German catalogue is complete: no missing, empty or fuzzy message, and nothing new in the source."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
CATALOGUE = BASE_DIR / "locale" / "de" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ["quartier", "actors", "committees", "fonds", "isek", "reporting", "activation", "templates"]


def test_every_german_message_is_translated_and_not_fuzzy() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    assert not catalogue.metadata_is_fuzzy
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert catalogue.percent_translated() == 100


def test_gnu_msgfmt_accepts_the_catalogue() -> None:
    if shutil.which("msgfmt") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (msgfmt) is missing; .ci/run installs it")
        pytest.skip("GNU gettext is not installed (apt-get install gettext)")
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(CATALOGUE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_placeholders_survive_translation() -> None:
    import re

    placeholder = re.compile(r"%\(\w+\)s|\{\w*\}")
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        wanted = sorted(placeholder.findall(entry.msgid))
        for translation in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            assert sorted(placeholder.findall(translation)) == wanted, entry.msgid


def test_catalogue_knows_every_string_of_the_source(tmp_path: Path) -> None:
    """Run makemessages on a copy of the source: it must find no message the catalogue lacks."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (xgettext) is missing; .ci/run installs it")
        pytest.skip("GNU gettext is not installed (apt-get install gettext)")
    for name in [*SOURCE_DIRS, "manage.py"]:
        source = BASE_DIR / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "locale" / "de" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(CATALOGUE, tmp_path / "locale" / "de" / "LC_MESSAGES" / "django.po")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "de", "--no-obsolete", "--no-location"],
        cwd=tmp_path,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "quartier.settings", "PYTHONPATH": str(tmp_path)},
        check=True,
        capture_output=True,
    )
    found = polib.pofile(str(tmp_path / "locale" / "de" / "LC_MESSAGES" / "django.po"))
    assert sorted(entry.msgid for entry in found.untranslated_entries()) == [], "run `make messages` and translate"
    assert sorted(entry.msgid for entry in found.fuzzy_entries()) == [], "run `make messages` and translate"
