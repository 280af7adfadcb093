"""Attacks on what issue #19 added: the open data (OParl 1.1) and the public pages in four languages. One test per
attack, named for what it shows; the holes found are fixed where their rule lives and their attacks kept here, with
compact tests of the important attacks that held."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from quartier.models import Quartier
from tests.oparl.world import SECRETS, World, build

COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def world(area: Quartier, other_area: Quartier) -> World:
    return build(area, other_area)


def base(world: World) -> str:
    return f"/oparl/v1/body/{world.area.pk}/"


# --- the open data: addresses and queries --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "paper/concern-²/",
        "file/minutes-²/",
        "file/agenda-²/download/",
        "consultation/agenda-²/",
        "paper/concern-١/",  # an Arabic-Indic one: int() reads it, but it is no address of ours
        "paper/concern-" + "9" * 5000 + "/",
        "paper/concern--1/",
        "paper/concern-../",
    ],
)
def test_keys_with_digits_that_are_not_ascii_or_too_many_answer_404_not_500(
    client: Client, world: World, path: str
) -> None:
    response = client.get(base(world) + path)
    assert response.status_code == 404 and response.json()["error"]
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["²", "١", "9" * 5000, "0", "-1", "1.0", " 1"])
def test_a_page_number_that_is_no_ascii_whole_number_from_1_is_refused_with_400(
    client: Client, world: World, page: str
) -> None:
    response = client.get(base(world) + "meeting/", {"page": page})
    assert response.status_code == 400 and "page" in response.json()["error"]

