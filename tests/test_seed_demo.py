"""``manage.py seed_demo``: the demo area and users, idempotent, refused in production."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from activation.models import Survey
from demo.accounts import DEMO_PASSWORD
from isek.models import ProgressNote, Version
from quartier.models import LegalKind, LegalText, Quartier, Role, RoleAssignment, User
from quartier.permissions import ROLE_PERMISSIONS, area_permissions


def test_the_small_demo(client: Client, db: None, settings: object) -> None:
    """Every property of the small demo on one seed (seeding is the slow part): refused with DEBUG off unless
    forced, the area and its users with their roles, idempotent, and every demo user logs in."""
    settings.DEBUG = False  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.exists()
    call_command("seed_demo", force=True)
    _has_the_area_and_every_demo_user()
    _seed_is_idempotent()
    _the_public_pages_are_filled_in(client)
    _every_demo_user_logs_in_and_sees_a_dashboard(client)
    _the_demo_juror_logs_in_and_finds_the_open_ballot(client)


def _has_the_area_and_every_demo_user() -> None:
    assert Quartier.objects.filter(slug="kiez-am-kanal").exists()
    names = set(User.objects.values_list("username", flat=True))
    assert {"admin", "steuerung", "planung", "gwa", "koordination", "multi"} <= names
    assert User.objects.get(username="admin").is_superuser
    kiez = Quartier.objects.get(slug="kiez-am-kanal")
    for username, role in [
        ("steuerung", Role.STEUERUNG),
        ("planung", Role.PLANUNG),
        ("gwa", Role.GEMEINWESENARBEIT),
        ("koordination", Role.KOORDINATION),
    ]:
        user = User.objects.get(username=username)
        assert area_permissions(user, kiez) == ROLE_PERMISSIONS[role]
    multi = RoleAssignment.objects.filter(user__username="multi").values_list("area__slug", "role")
    assert set(multi) == {("kiez-am-kanal", "planung"), ("nordstadt", "gwa")}
    # The ISEK's progress is noted by the demo staff of the area.
    authors = set(ProgressNote.objects.filter(measure__version__area=kiez).values_list("author__username", flat=True))
    assert authors == {"steuerung", "planung", "gwa"}


def _seed_is_idempotent() -> None:
    counts = (User.objects.count(), Quartier.objects.count(), RoleAssignment.objects.count())
    call_command("seed_demo", force=True)
    assert (User.objects.count(), Quartier.objects.count(), RoleAssignment.objects.count()) == counts


def _the_public_pages_are_filled_in(client: Client) -> None:
    """``make run`` shows an area's office with its email address and phone number, and the installation's legal
    texts (never the placeholder of a text not filled in)."""
    assert set(LegalText.objects.filter(area=None).values_list("kind", flat=True)) == set(LegalKind.values)
    html = client.get("/oeffentlich/kiez-am-kanal/").content.decode()
    assert "stadtteilbuero@kiez-am-kanal.example.org" in html and "0123 456 78-0" in html
    for path in ("impressum", "datenschutz", "barrierefreiheit"):
        page = client.get(f"/oeffentlich/kiez-am-kanal/{path}/").content.decode()
        assert "Beispielstadt" in page and "noch nicht ausgefüllt" not in page, path


def test_large_demo_has_five_areas_and_the_coordinator_in_each(
    db: None, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The large command end to end. Each module's large sizes have their own test (tests/*/test_demo.py);
    here they are scaled down, so this test is about the areas and users the large demo makes."""
    import dataclasses

    from demo import activation as activation_demo
    from demo import actors as actors_demo
    from demo import committees as committees_demo
    from demo import fonds as fonds_demo
    from demo import isek as isek_demo
    from demo import surveys as surveys_demo

    settings.DEBUG = True  # type: ignore[attr-defined]
    monkeypatch.setitem(
        actors_demo.SIZES,
        "large",
        dataclasses.replace(actors_demo.SIZES["large"], organisations=80, persons=200, contact_notes=300, concerns=60),
    )
    monkeypatch.setitem(fonds_demo.SIZES, "large", fonds_demo.Sizes(history_years=1, per_fund=10))
    monkeypatch.setitem(isek_demo.SIZES, "large", isek_demo.Sizes(versions=3, measures=40, indicators=5))
    monkeypatch.setitem(
        committees_demo.SIZES,
        "large",
        committees_demo.Sizes(history_years=1, council_meetings=3, jury_meetings=3, closed_ballots=1),
    )
    monkeypatch.setattr(activation_demo, "LARGE_EVENTS", 40)
    monkeypatch.setattr(surveys_demo, "LARGE_ANSWERS", 100)
    call_command("seed_demo", scale="large")
    assert Quartier.objects.count() == 5
    # every area has its ISEK: three yearly versions, the newest a draft with 40 measures
    for area in Quartier.objects.all():
        newest = Version.objects.filter(area=area).first()
        assert newest.status == Version.Status.DRAFT and newest.measures.count() == 40, area
        assert Version.objects.filter(area=area, status=Version.Status.ADOPTED).count() == 2, area
    assert RoleAssignment.objects.filter(user__username="koordination").count() == 5
    # every area has three closed surveys, the biggest with LARGE_ANSWERS questionnaires
    for area in Quartier.objects.all():
        assert sorted(survey.responses.count() for survey in Survey.objects.filter(area=area)) == [5, 20, 100], area


def _every_demo_user_logs_in_and_sees_a_dashboard(client: Client) -> None:
    for username in ["admin", "steuerung", "planung", "gwa", "koordination", "multi"]:
        assert client.login(username=username, password=DEMO_PASSWORD), username
        response = client.get("/", follow=True)
        assert response.status_code == 200, username
        assert "Kiez am Kanal" in response.content.decode(), username
        client.logout()


def _the_demo_juror_logs_in_and_finds_the_open_ballot(client: Client) -> None:
    assert client.login(username="jury1", password=DEMO_PASSWORD)
    response = client.get("/", follow=True)
    assert response.request["PATH_INFO"] == "/abstimmungen/"
    [ballot] = response.context["open_ballots"]
    assert ballot.item_count == 4 and ballot.done_count == 0
