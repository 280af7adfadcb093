"""The catalogues are complete: German and English without a missing, empty or fuzzy message; Turkish and Arabic
for every message the public side uses (``public_entries``); GNU msgfmt accepts all four; and the source has no
string the catalogues lack.

Which messages are public is said once, here: a message is public when one of its ``#:`` references points to a
public source (``PUBLIC_SOURCES``: the public pages' templates and views, the application form and its fields and
checks, the applicant's private link pages, the mails to applicants and to the committees' members, and what
those pages and mails share: the page frame, the error pages, the mail footer), or when it is the label of a
choice the public pages show (``PUBLIC_CHOICES``: an application's status, a fund's kind, a cost's kind, a
decision's result, a legal text's kind, an event's kind). The office's own pages are shown in German or English only
(``quartier.languages``), so their messages may stay untranslated in Turkish and Arabic.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.db.models import Choices

from activation.models import Event
from committees.rules import Result
from fonds.models import CostLine, Fund, Status
from quartier.models import LegalKind

BASE_DIR = Path(__file__).resolve().parent.parent
LANGUAGES = ["de", "en", "tr", "ar"]
COMPLETE = ["de", "en"]  # every message
PUBLIC_ONLY = ["tr", "ar"]  # the public messages
SOURCE_DIRS = ["quartier", "actors", "committees", "fonds", "isek", "reporting", "activation", "templates"]

#: Sources whose messages the public side shows (glob patterns of the ``#:`` references' paths).
PUBLIC_SOURCES = [
    # the page frame, the language switch, the legal links, the error pages, the mail frame
    "templates/base.html",
    "templates/40?.html",
    "templates/403_csrf.html",
    "templates/50?.html",
    "quartier/frame.py",  # the language switch and the account links of the frame
    "templates/includes/legal_links.*",
    "templates/includes/form.html",
    "templates/email/*",
    # the front door: the front page, an area's page, the legal texts
    "templates/quartier/front.html",
    "templates/quartier/public_area.html",
    "templates/quartier/legal_page.html",
    "quartier/public.py",
    "quartier/settings.py",
    # the funds' public pages, the application form and the private link's pages, with the forms' fields and checks
    "templates/fonds/public/*",
    "fonds/views/public.py",
    "fonds/views/applicant.py",
    "fonds/forms/public.py",
    "fonds/services/public.py",
    "fonds/services/applications.py",
    "fonds/uploads.py",
    "quartier/forms.py",
    "quartier/dates.py",
    "quartier/reference.py",
    # the mails to applicants (and the summary at the end of their letters)
    "templates/fonds/email/draft_link.txt",
    "templates/fonds/email/new_link.txt",
    "templates/fonds/email/step.txt",
    "templates/fonds/email/submitted.txt",
    "fonds/services/notices.py",
    "fonds/letters.py",
    # the committees' public page, and the mails to the committees' members
    "templates/committees/public.html",
    "committees/views/public.py",
    # the area's public calendar of events and its feed
    "templates/activation/public_*.html",
    "activation/calendar.py",
    # the surveys' answer pages, a self-evaluation's link, and the rules of an answer they show
    "templates/activation/surveys/public_*.html",
    "templates/activation/surveys/_answer_fields.html",
    "activation/survey_public.py",
    "activation/survey_services.py",
    "templates/committees/email/*",
    "committees/services/invitations.py",
    "committees/services/members.py",
    "committees/services/news.py",
    "committees/tasks.py",
]

#: Choices whose labels the public pages show.
PUBLIC_CHOICES: list[type[Choices]] = [Status, Fund.Kind, CostLine.Category, Result, LegalKind, Event.Kind]


def catalogue_path(language: str) -> Path:
    return BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"


def _msgid_of(label: object) -> tuple[str | None, str]:
    """The (context, msgid) of a lazy label (gettext_lazy or pgettext_lazy)."""
    args = getattr(label, "_args", None)
    if not args:
        return None, str(label)
    return (args[0], args[1]) if len(args) == 2 else (None, args[0])


def public_choice_ids() -> set[tuple[str | None, str]]:
    return {_msgid_of(label) for choices in PUBLIC_CHOICES for label in choices.labels}


def is_public(entry: polib.POEntry, choice_ids: set[tuple[str | None, str]]) -> bool:
    if (entry.msgctxt, entry.msgid) in choice_ids:
        return True
    return any(fnmatch.fnmatch(path, pattern) for path, _line in entry.occurrences for pattern in PUBLIC_SOURCES)


def public_entries(catalogue: polib.POFile) -> list[polib.POEntry]:
    """The entries of ``catalogue`` the public side uses (see the module's docstring)."""
    choice_ids = public_choice_ids()
    return [entry for entry in catalogue if not entry.obsolete and is_public(entry, choice_ids)]


def _is_translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


@pytest.mark.parametrize("language", COMPLETE)
def test_every_message_is_translated_and_not_fuzzy(language: str) -> None:
    catalogue = polib.pofile(str(catalogue_path(language)))
    assert not catalogue.metadata_is_fuzzy
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert catalogue.percent_translated() == 100


@pytest.mark.parametrize("language", PUBLIC_ONLY)
def test_every_public_message_is_translated_and_none_is_fuzzy(language: str) -> None:
    catalogue = polib.pofile(str(catalogue_path(language)))
    assert not catalogue.metadata_is_fuzzy
    public = public_entries(catalogue)
    assert len(public) > 400  # the public side's messages are found by their references
    assert [entry.msgid for entry in public if not _is_translated(entry)] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_every_public_choice_is_in_the_catalogue() -> None:
    msgids = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(catalogue_path("tr")))}
    assert public_choice_ids() - msgids == set()


def test_arabic_has_six_plural_forms_and_turkish_two() -> None:
    arabic = polib.pofile(str(catalogue_path("ar")))
    assert arabic.metadata["Plural-Forms"].startswith("nplurals=6;")
    assert polib.pofile(str(catalogue_path("tr"))).metadata["Plural-Forms"].startswith("nplurals=2;")
    for entry in public_entries(arabic):
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == list(range(6)), entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_gnu_msgfmt_accepts_the_catalogue(language: str) -> None:
    if shutil.which("msgfmt") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (msgfmt) is missing; .ci/run installs it")
        pytest.skip("GNU gettext is not installed (apt-get install gettext)")
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(catalogue_path(language))], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    placeholder = re.compile(r"%\(\w+\)s|\{\w*\}")
    for entry in polib.pofile(str(catalogue_path(language))).translated_entries():
        wanted = sorted(placeholder.findall(entry.msgid))
        for translation in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            if entry.msgid_plural and not translation:
                continue
            assert sorted(placeholder.findall(translation)) == wanted, entry.msgid


def test_catalogue_knows_every_string_of_the_source(tmp_path: Path) -> None:
    """Run makemessages on a copy of the source: it must find no message the German catalogue lacks."""
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
    shutil.copy(catalogue_path("de"), tmp_path / "locale" / "de" / "LC_MESSAGES" / "django.po")
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


def test_the_other_catalogues_have_the_german_ones_messages() -> None:
    """``make messages`` updates all four together: none lags behind the German one."""
    german = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(catalogue_path("de")))}
    for language in ["en", "tr", "ar"]:
        others = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(catalogue_path(language)))}
        assert german == others, language
