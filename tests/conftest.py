"""Fixtures every module's tests share."""

from __future__ import annotations

import contextlib
import datetime
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from demo.factories import QuartierFactory, UserFactory, user_with_role
from quartier.models import Quartier, Role, User
from tests.workers import point_broker_at

pytest_plugins = [
    "tests.browser.fixtures",
    "tests.smtp",
    "tests.committees.fixtures",
    "tests.fonds.fixtures",
    "tests.isek.fixtures",
]

ROLES = list(Role)


def fast_and_isolated_settings() -> dict[str, object]:
    """The settings every test runs with, computed from the current ones."""
    return {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        # The login throttle counts failures across tests in its table; tests/test_login_throttle.py turns it on.
        "AXES_ENABLED": False,
        # No collectstatic in tests: serve the source files (production uses the manifest storage).
        "STORAGES": {
            **django_settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # Tests share the machine's Redis; keep their cache keys apart.
        "CACHES": {"default": {**django_settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}"}},
    }


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put the tests marked ``xdist_group`` in their group under ``--dist loadgroup``, as pytest-xdist means to.

    pytest-xdist's worker appends ``@group`` to a marked test's id (its scheduler sends all tests of one suffix to
    one worker) by writing ``item._nodeid``; pytest 9.2 keeps the id elsewhere, so that write is lost and the
    groups are silently split over both workers (pytest-xdist issue 1386): each class of tests/demo/ would seed
    the small demo twice. Here the suffix goes on where it is missing; once pytest-xdist sets it again, this
    does nothing. ``SeededOnce`` fails a test that runs without it.
    """
    if not getattr(config.option, "loadgroup", False):  # set on pytest-xdist's workers under --dist loadgroup
        return
    from _pytest.nodeid import NodeId

    for item in items:
        groups = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        suffix = "@" + "_".join(groups)
        if groups and not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)  # type: ignore[attr-defined]


@pytest.fixture(scope="session", autouse=True)
def _broker_of_this_process(worker_id: str) -> None:
    """Each pytest process (pytest-xdist) speaks to Celery through a Redis database of its own.

    Celery's broadcasts (the worker ping behind ``/healthz``) reach every worker on the same Redis database; a
    worker that one process started for its test must not answer another process's ping. The workers a process
    starts (``tests.workers.start_worker``) inherit the address through the environment.
    """
    if worker_id == "master":
        return
    parts = urlsplit(django_settings.CELERY_BROKER_URL)
    database = (int(parts.path.strip("/") or 0) + 1 + int(worker_id.removeprefix("gw"))) % 16
    point_broker_at(urlunsplit(parts._replace(path=f"/{database}")))


#: What the flush's ``post_migrate`` would write again at once, row for row: the content types and permissions.
KEPT_BY_FLUSH = frozenset({"django_content_type", "auth_permission"})


@pytest.fixture(scope="session", autouse=True)
def _flush_by_deleting() -> Iterator[None]:
    """Empty the tables after a transactional test (the browser tests, those marked ``django_db(transaction=True)``)
    by deleting the rows of the few tables that have any, instead of truncating all of them.

    Django's flush truncates every table in one statement: PostgreSQL gives each of the hundred tables and their
    indexes new files and drops the old ones at the commit, about half a second a test. Deleting the rows leaves the
    same empty tables, in a fraction of that: all in one transaction, where the foreign keys (deferred, as Django
    makes them) are checked once every row is gone. Sequences go on counting either way (no ``reset_sequences``);
    a flush asked to reset them or to cascade still truncates. The content types and permissions stay
    (``KEPT_BY_FLUSH``): the flush's ``post_migrate`` would make the same rows again, only under new ids.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(
        self: DatabaseOperations,
        style: object,
        tables: Sequence[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        if reset_sequences or allow_cascade or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        tables = [table for table in tables if table not in KEPT_BY_FLUSH]
        quote = self.quote_name  # the tables' names come from the models
        which = " UNION ALL ".join(f"SELECT %s WHERE EXISTS (SELECT FROM {quote(table)})" for table in tables)  # noqa: S608  # nosec B608
        with self.connection.cursor() as cursor:
            cursor.execute(which, list(tables))
            filled = [table for (table,) in cursor.fetchall()]
        return [f"DELETE FROM {quote(table)};" for table in filled]  # noqa: S608  # nosec B608

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: object) -> None:
    for name, value in fast_and_isolated_settings().items():
        setattr(settings, name, value)


@contextlib.contextmanager
def kept_for_the_class(django_db_blocker: DjangoDbBlocker, media_root: Path) -> Iterator[None]:
    """Rows written inside stay for every test of a class and are rolled back after its last test.

    For a class-scoped fixture that seeds what many tests read (seeding is the slow part): it opens an outer
    transaction, in the tests' settings; each test still runs in a transaction of its own inside it (pytest-django's
    ``db``), rolled back after the test, so a test that writes leaves the seed as it found it. Only for tests that
    use ``db``, never ``transactional_db`` (which empties the tables).
    """
    with override_settings(**fast_and_isolated_settings(), MEDIA_ROOT=str(media_root)), django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests (the browser tests, and those marked ``django_db(transaction=True)``) empty every table
    between tests, also the rows that data migrations made; put the reference lists back for them."""
    marker = request.node.get_closest_marker("django_db")
    marked = marker is not None and bool(marker.kwargs.get("transaction"))
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames and not marked:
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    import_module("quartier.migrations.0002_fields_of_action").create_fields(apps, None)
    import_module("actors.migrations.0002_target_groups").create_groups(apps, None)


@pytest.fixture(autouse=True)
def _media_root(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded files of a test go to a directory of its own, never to ./var/media."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))  # type: ignore[attr-defined]


@pytest.fixture
def now() -> datetime.datetime:
    """The moment the test starts. Read when the test runs, never when its module is imported: a run that crosses
    midnight would otherwise send "yesterday" where the test means today (tests/test_no_clock_at_import.py)."""
    return timezone.now()


@pytest.fixture
def today(now: datetime.datetime) -> datetime.date:
    """The day of ``now`` in the project's time zone (Europe/Berlin)."""
    return timezone.localdate(now)


@pytest.fixture
def area(db: None) -> Quartier:
    return QuartierFactory(slug="kiez-am-kanal", name="Kiez am Kanal")


@pytest.fixture
def other_area(db: None) -> Quartier:
    return QuartierFactory(slug="nordstadt", name="Nordstadt")


@pytest.fixture
def role_users(area: Quartier) -> dict[str, User]:
    """One user per role in ``area``."""
    return {role.value: user_with_role(area, role, username=f"{role.value}-user") for role in ROLES}


@pytest.fixture
def outsider(other_area: Quartier) -> User:
    """Works in another area only: must never see anything of ``area``."""
    return user_with_role(other_area, Role.STEUERUNG, username="outsider")


@pytest.fixture
def superuser(db: None) -> User:
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def count_queries(func: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as context:
        func()
    return len(context.captured_queries)


@pytest.fixture
def assert_constant_queries(settings: object) -> Callable[..., int]:
    """Call ``request()`` before and after ``grow()`` adds data; the query count must not change.

    Returns the count, so a test can pin it too.
    """

    def _assert(request: Callable[[], object], grow: Callable[[], object]) -> int:
        request()  # warm caches (content types, sessions)
        before = count_queries(request)
        grow()
        after = count_queries(request)
        assert before == after, f"{before} queries with little data, {after} with more"
        return after

    return _assert
