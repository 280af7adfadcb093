"""The embedded real servers behind `make run` / `make test` when DATABASE_URL / REDIS_URL are unset."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import redis

from quartier import devenv


def test_embedded_postgres_and_redis_start_serve_and_stop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(devenv, "VAR_DIR", tmp_path)
    with devenv.embedded_postgres() as database_url:
        import dj_database_url

        params = dj_database_url.parse(database_url)
        with psycopg.connect(
            dbname=params["NAME"], user=params["USER"], host=params["HOST"], port=params["PORT"] or None
        ) as connection:
            assert connection.execute("SELECT current_database()").fetchone() == ("quartier",)
            version = connection.execute("SHOW server_version_num").fetchone()[0]
            assert int(version) >= 160000
    with devenv.embedded_redis() as redis_url:
        client = redis.Redis.from_url(redis_url)
        assert client.ping()
        client.set("quartier-devenv-test", "1")
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping()
    assert (tmp_path / "postgres" / "PG_VERSION").exists()


def test_messages_are_compiled_without_gettext(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = tmp_path / "locale" / "de" / "LC_MESSAGES"
    catalogue.mkdir(parents=True)
    (catalogue / "django.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Save"\nmsgstr "Speichern"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(devenv, "BASE_DIR", tmp_path)
    devenv.compile_messages()
    import gettext

    with open(catalogue / "django.mo", "rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("Save") == "Speichern"
