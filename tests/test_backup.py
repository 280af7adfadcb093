"""``manage.py backup`` and ``restore``: the database and the uploaded files round-trip."""

from __future__ import annotations

import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from fonds.models import Application, Attachment, Fund
from quartier.backup import _program
from quartier.models import Quartier
from tests.fonds.fixtures import make_application


def test_backup_and_restore_round_trip(
    transactional_db: None, area: Quartier, aktionsfonds: Fund, tmp_path: Path
) -> None:
    application = make_application(aktionsfonds)
    attachment = Attachment.objects.create(
        application=application, file=ContentFile(b"%PDF-1.7 Angebot", name="angebot.pdf"), name="Angebot.pdf",
        content_type="application/pdf", size=16,
    )  # fmt: skip
    stored = Path(attachment.file.path)
    target = tmp_path / "sicherung.tar"
    call_command("backup", output=str(target))
    with tarfile.open(target) as archive:
        assert "database.dump" in archive.getnames()

    # Everything is lost afterwards: records deleted, a record added, the files gone.
    Application.objects.all().delete()
    Quartier.objects.create(slug="neu", name="Nach der Sicherung", municipality="x", funding_start=2024)
    stored.unlink()

    call_command("restore", str(target), yes=True)
    restored = Application.objects.get(pk=application.pk)
    assert restored.title == application.title and restored.attachments.get().name == "Angebot.pdf"
    assert not Quartier.objects.filter(slug="neu").exists()
    assert stored.read_bytes() == b"%PDF-1.7 Angebot"


def test_restore_refuses_without_yes_a_missing_file_and_a_foreign_tar(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "fehlt.tar"), yes=True)
    foreign = tmp_path / "fremd.tar"
    (tmp_path / "notiz.txt").write_text("x")
    with tarfile.open(foreign, "w") as archive:
        archive.add(tmp_path / "notiz.txt", arcname="notiz.txt")
    with pytest.raises(CommandError, match="add --yes"):
        call_command("restore", str(foreign))
    with pytest.raises(CommandError, match="not a backup of this project"):
        call_command("restore", str(foreign), yes=True)


def test_client_programs_are_the_machines_without_the_embedded_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The production image has no pgserver (a dev package): the machine's PostgreSQL client is used, or asked for."""
    monkeypatch.setitem(sys.modules, "pgserver", None)  # `import pgserver` raises ImportError
    pg_dump = tmp_path / "pg_dump"
    pg_dump.write_text("#!/bin/sh\n", encoding="utf-8")
    pg_dump.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert _program("pg_dump") == str(pg_dump)
    with pytest.raises(RuntimeError, match="pg_restore is missing; install postgresql-client"):
        _program("pg_restore")
