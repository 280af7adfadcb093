"""No page of any person is kept in Redis: every page is built for its request and forgotten (issue #15).

A kept page copies personal data (a juror's "Ihre Stimme", a person's contact data) into a second store that
outlives the ballot, the role and the erasure. The tests open personal pages, then read every key this test
wrote to Redis.
"""

from __future__ import annotations

import datetime
import importlib.util

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from committees.models import Ballot, Committee, Membership
from committees.services.ballots import ballot_open, vote_cast
from demo.factories import UserFactory
from quartier.models import Quartier, User
from tests.committees.fixtures import make_ballot


def _kept_values() -> list[bytes]:
    """Every value under this test's cache prefix (conftest gives each test a prefix of its own)."""
    client = cache._cache.get_client(write=False)  # the redis-py client of Django's Redis cache
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    return [client.get(key) or b"" for key in client.scan_iter(match=f"{prefix}:*")]


def test_the_page_cache_module_is_gone() -> None:
    assert importlib.util.find_spec("quartier.pagecache") is None
    assert not hasattr(settings, "PAGE_CACHE_SECONDS")
    assert not any("pagecache" in name for name in settings.MIDDLEWARE)


@pytest.mark.django_db
def test_no_page_of_a_juror_or_of_the_office_is_kept_in_redis(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    jury: Committee,
    jurors: list[Membership],
    now: datetime.datetime,
) -> None:
    ballot = ballot_open(ballot=make_ballot(jury, secret=True, items=1), by=UserFactory(), now=now)
    item = ballot.items.get()
    vote_cast(item=item, membership=jurors[0], choice="ja", by=jurors[0].user)
    client.force_login(jurors[0].user)
    for _ in range(2):  # a page opened again is built again
        page = client.get(f"/abstimmungen/{ballot.pk}/")
        assert page.status_code == 200 and "Ihre Stimme" in page.content.decode()
    office = Client()
    office.force_login(role_users["gwa"])
    for path in (f"/gebiet/{area.slug}/", f"/gebiet/{area.slug}/gremien/{jury.pk}/"):
        for _ in range(2):
            assert office.get(path).status_code == 200
    kept = _kept_values()
    assert not [value for value in kept if b"<html" in value or b"Ihre Stimme" in value or b"Nummer 1" in value]
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.OPEN
