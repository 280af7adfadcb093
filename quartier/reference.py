"""Reference data every area shares, cached under a version: the fields of action and the target groups.

Their lists stand in the filter bars of many pages and change only when an administrator edits them. They are
read from the cache (Redis) under a version token kept there as well; every write of them bumps the version
(``reference_changed``: on each save and delete of a row, after a migration and after a restore), so the next
page reads them afresh from the database. The version lives at most ``VERSION_SECONDS``: a write that bypasses
the ORM's signals (a bulk insert, SQL by hand) shows after that long at the latest. Nothing personal and
nothing per user is kept here: only these two public lists.

Within a process the lists of the current version are also remembered, so a page asks Redis for one key, and
within a request that key is asked once, however many filters show the lists.
"""

from __future__ import annotations

import logging
import secrets
import threading
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError

from actors.models import TargetGroup
from quartier.models import FieldOfAction

logger = logging.getLogger(__name__)

VERSION_KEY = "reference:version"
VERSION_SECONDS = 300

_remembered: dict[tuple[str, str], dict[str, list[Any]]] = {}

# The lists the current request read (a request is served by one thread): set while a request runs.
_request = threading.local()


def _load() -> dict[str, list[Any]]:
    return {
        "fields_of_action": list(FieldOfAction.objects.order_by("position", "name")),
        "target_groups": list(TargetGroup.objects.order_by("position", "name")),
    }


def _lists() -> dict[str, list[Any]]:
    in_request = getattr(_request, "running", False)
    if in_request and _request.lists is not None:
        return _request.lists
    try:
        lists = _cached_lists()
    except RedisError:
        logger.warning("Redis does not answer: the reference data is read from the database")
        lists = _load()
    if in_request:
        _request.lists = lists
    return lists


def _request_starts(**_kwargs: object) -> None:
    _request.running, _request.lists = True, None


def _request_ends(**_kwargs: object) -> None:
    _request.running, _request.lists = False, None


def _cached_lists() -> dict[str, list[Any]]:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(VERSION_KEY, version, VERSION_SECONDS):
            version = cache.get(VERSION_KEY) or version
    # The cache's key prefix is part of what is remembered: each test runs under a prefix of its own.
    remembered_key = (cache.make_key(VERSION_KEY), version)
    lists = _remembered.get(remembered_key)
    if lists is None:
        data_key = f"reference:{version}"
        lists = cache.get(data_key)
        if lists is None:
            lists = _load()
            cache.set(data_key, lists, VERSION_SECONDS)
        _remembered.clear()
        _remembered[remembered_key] = lists
    return lists


def fields_of_action() -> list[Any]:
    """Every field of action, in their order (``FieldOfAction`` rows)."""
    return _lists()["fields_of_action"]


def target_groups() -> list[Any]:
    """Every target group, in their order (``TargetGroup`` rows)."""
    return _lists()["target_groups"]


def reference_changed(**_kwargs: object) -> None:
    """A field of action or a target group was written: the next page reads them afresh. (Without Redis there
    is nothing to bump: the version ends by itself, see ``VERSION_SECONDS``.)"""
    _request.lists = None
    try:
        cache.set(VERSION_KEY, secrets.token_hex(8), VERSION_SECONDS)
    except RedisError:
        logger.warning("Redis does not answer: the reference data's version was not bumped")


def connect() -> None:
    """Bump the version on every save and delete of the reference data, and after each migration."""
    for model in (FieldOfAction, TargetGroup):
        post_save.connect(reference_changed, sender=model, dispatch_uid=f"reference-save-{model.__name__}")
        post_delete.connect(reference_changed, sender=model, dispatch_uid=f"reference-delete-{model.__name__}")
    post_migrate.connect(reference_changed, dispatch_uid="reference-migrate")
    request_started.connect(_request_starts, dispatch_uid="reference-request-starts")
    request_finished.connect(_request_ends, dispatch_uid="reference-request-ends")


#: The programme's fields of action and the target groups as the installation first wrote them (in German, in the
#: database; quartier/migrations/0002, actors/migrations/0002), in the catalogues' source language: a resident who
#: reads another language sees them translated. A name the office has changed since is shown as it is written.
LABELS: dict[str, Any] = {
    "Integration und Nachbarschaft": _("Integration and neighbourhood"),
    "Bildung": _("Education"),
    "Öffentlicher Raum": _("Public space"),
    "Gesundheit und Bewegung": _("Health and exercise"),
    "Beteiligung, Kooperation und Vernetzung mit Partnern": _(
        "Participation, cooperation and networking with partners"
    ),
    "Klimaschutz und Umweltgerechtigkeit": _("Climate protection and environmental justice"),
    "Kinder": _("Children"),
    "Jugendliche": _("Young people"),
    "Familien": _("Families"),
    "Senior*innen": _("Older people"),
    "Menschen mit Migrationsgeschichte": _("People with a migration background"),
    "Menschen mit Behinderung": _("People with disabilities"),
    "Erwerbslose": _("Unemployed people"),
    "Alleinerziehende": _("Single parents"),
    "Nachbarschaft allgemein": _("The neighbourhood in general"),
}


def label_of(row: Any) -> str:
    """A field of action's or a target group's name in the active language: as written in German; translated in
    another language where it is still the name the installation gave it."""
    name = str(row.name)
    if (get_language() or settings.LANGUAGE_CODE) == settings.LANGUAGE_CODE:
        return name
    label = LABELS.get(name)
    return str(label) if label is not None else name
