"""Backup and restore: the database (``pg_dump`` in its custom format) and the uploaded files (``MEDIA_ROOT``)
in one tar file, and back.

The PostgreSQL client programs are those shipped with the embedded server (``pgserver``, a dev package), which
are at least as new as the server they talk to; the machine's own are used when those are missing. Passwords and the
host come from ``DATABASE_URL`` through the environment, never on a command line.
"""

from __future__ import annotations

import os
import shutil
import subprocess  # the PostgreSQL client programs, with arguments built here  # nosec B404
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import connections

from quartier.reference import reference_changed

DUMP = "database.dump"
MEDIA = "media"


def _program(name: str) -> str:
    try:
        import pgserver  # a dev package (the embedded server): the production image has none
    except ImportError:
        pass
    else:
        bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / name
        if bundled.exists():
            return str(bundled)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is missing; install postgresql-client.")
    return found


def _libpq_env() -> dict[str, str]:
    """The connection of the default database as libpq's environment variables."""
    url = urlsplit(os.environ.get("DATABASE_URL", ""))
    database = connections["default"].settings_dict
    env = dict(os.environ)
    env.update(
        {
            "PGDATABASE": database["NAME"],
            "PGUSER": database.get("USER") or unquote(url.username or ""),
            "PGPASSWORD": database.get("PASSWORD") or unquote(url.password or ""),
            "PGHOST": database.get("HOST") or "",
            "PGPORT": str(database.get("PORT") or ""),
        }
    )
    return {key: value for key, value in env.items() if value != "" or not key.startswith("PG")}


def backup(target: Path) -> Path:
    """Write the database and the uploaded files to the tar file ``target``; returns it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DUMP
        subprocess.run(  # noqa: S603  # the PostgreSQL client, arguments built here  # nosec B603
            [_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"],
            env=_libpq_env(),
            check=True,
            capture_output=True,
        )
        partial = target.with_name(f".{target.name}.part")
        with tarfile.open(partial, "w") as archive:
            archive.add(dump, arcname=DUMP)
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                archive.add(media, arcname=MEDIA)
        partial.replace(target)
    return target


def restore(source: Path) -> None:
    """Replace the database and the uploaded files with those in the tar file ``source``."""
    with tempfile.TemporaryDirectory() as work, tarfile.open(source) as archive:
        names = archive.getnames()
        if DUMP not in names:
            raise ValueError(f"{source} is not a backup of this project: it holds no {DUMP}.")
        archive.extractall(work, filter="data")  # refuses absolute paths, links out of the directory
        connections.close_all()
        subprocess.run(  # noqa: S603  # the PostgreSQL client, arguments built here  # nosec B603
            [_program("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", f"--dbname={_libpq_env()['PGDATABASE']}", str(Path(work) / DUMP)],
            env=_libpq_env(),
            check=True,
            capture_output=True,
        )  # fmt: skip
        media = Path(settings.MEDIA_ROOT)
        restored = Path(work) / MEDIA
        if media.exists():
            shutil.rmtree(media)
        if restored.exists():
            shutil.copytree(restored, media)
        else:
            media.mkdir(parents=True, exist_ok=True)
    reference_changed()  # the restored fields of action and target groups, not those cached before
