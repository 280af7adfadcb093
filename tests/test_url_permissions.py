"""Walk the URLconf and try every URL as anonymous, as each role, as an outsider and as a superuser.

A view that forgets its permission check fails here without anyone writing a
test for it: every view must either be an ``area_view`` (its permission is read
from the view and compared with the matrix) or be marked ``public_view``, or be
listed below with the reason it is neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from pytest_django import DjangoDbBlocker

from demo.factories import QuartierFactory, UserFactory, user_with_role
from quartier.models import LegalText, Quartier, Role, User
from quartier.permissions import ROLE_PERMISSIONS
from tests.conftest import ROLES, kept_for_the_class

# Views that need a login but no area permission (they only show the user's own areas).
LOGIN_ONLY = {"area_switch", "my_ballots", "report_overview", "two_factor_verify", "two_factor_setup", "mail_choices"}
# The Django admin checks is_staff itself; tested in test_admin_is_for_staff_only.
SKIP_NAMESPACES = {"admin"}


@dataclass
class Route:
    name: str
    pattern: str
    callback: Any


def walk(patterns: list[Any], prefix: str = "", namespace: str | None = None) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in SKIP_NAMESPACES:
                continue
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield Route(entry.name or "", prefix + str(entry.pattern), entry.callback)


ROUTES = list(walk(get_resolver().url_patterns))


def sample_values(area: Quartier) -> dict[str, str]:
    """A value for every URL parameter, naming objects that exist in ``area``.

    A module whose URLs take a new parameter adds it here.
    """
    from actors.models import Concern, ContactNote, Network, Organisation, Person

    organisation = Organisation.objects.create(area=area, name="Kanalkinder e. V.")
    person = Person.objects.create(area=area, first_name="Ayşe", last_name="Demir")
    network = Network.objects.create(area=area, name="Runder Tisch Kanal")
    staff = UserFactory(username="sample-staff")
    note = ContactNote.objects.create(area=area, date="2026-11-01", staff=staff, channel="telefon", topic="Sommerfest")
    concern = Concern.objects.create(area=area, text="Schaukel defekt", raised_on="2026-11-01")
    ballot = _open_ballot(area, person)
    meeting = _meeting(ballot.committee)
    application = _approved_application(area, person, ballot.committee)
    item = ballot.items.get()
    item.subject = application  # the juror may read the application on the ballot
    item.save()
    agenda_item = meeting.items.get()
    agenda_item.subject = application  # … and on the meeting's agenda
    agenda_item.save()
    isek = _isek(area)
    report = _report(area, staff)
    legal_text = LegalText.objects.create(area=area, kind=LegalText.Kind.IMPRINT, text="Stadtteilbüro Kiez am Kanal")
    return {
        "slug": area.slug,
        "model": "quartier.quartier",
        "object_pk": str(area.pk),
        "organisation_pk": str(organisation.pk),
        "person_pk": str(person.pk),
        "network_pk": str(network.pk),
        "note_pk": str(note.pk),
        "concern_pk": str(concern.pk),
        "ballot_pk": str(ballot.pk),
        "committee_pk": str(ballot.committee_id),
        "item_pk": str(ballot.items.get().pk),
        "meeting_pk": str(meeting.pk),
        "agenda_item_pk": str(meeting.items.get().pk),
        "membership_pk": str(ballot.committee.memberships.get().pk),
        "fund_pk": str(application.fund_id),
        "application_pk": str(application.pk),
        "payment_pk": str(application.payments.get().pk),
        "attachment_pk": str(application.attachments.get().pk),
        "reclaimed_pk": str(_reclaimed_application(application).pk),
        **isek,
        "report_pk": str(report.pk),
        "legal_text_pk": str(legal_text.pk),
        "year": str(report.year),
        "table": "kennzahlen",
        "fmt": "csv",
        "uidb64": "MQ",
        "token": "set-password",
        "feed_token": _feed_token(ballot.committee),
        **_events(area, organisation, person),
        **_surveys(area, organisation, network),
        # The open data (OParl): the area's body, and keys of a paper, a consultation and a file in it.
        "body_pk": str(area.pk),
        "paper_key": f"application-{application.pk}",
        "consultation_key": f"agenda-{agenda_item.pk}",
        "file_key": f"minutes-{meeting.pk}",
    }


def _events(area: Quartier, organisation: object, person: object) -> dict[str, str]:
    """A public event that has begun (its participants can be recorded) with a photo whose consent is recorded
    (the public calendar shows it), and a weekly series."""
    import datetime
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from PIL import Image

    from activation.services import event_create, photo_add, series_create

    now = timezone.now()
    event = event_create(
        area=area,
        data={
            "title": "Hoffest", "kind": "stadtteilfest", "starts_at": now - datetime.timedelta(hours=2),
            "ends_at": now + datetime.timedelta(hours=2), "public": True, "organisations": [organisation],
            "persons": [person],
        },
        by=None,
    )  # fmt: skip
    image = io.BytesIO()
    Image.new("RGB", (4, 4)).save(image, format="PNG")
    upload = SimpleUploadedFile("hoffest.png", image.getvalue())
    photo = photo_add(event=event, upload=upload, caption="Hof", consent=True, consent_how="schriftlich", by=None)
    today = timezone.localdate()
    series = series_create(
        area=area,
        data={
            "title": "Sprechstunde", "kind": "sprechstunde", "frequency": "weekly", "first_day": today,
            "last_day": today + datetime.timedelta(days=28), "start_time": datetime.time(10),
            "end_time": datetime.time(12),
        },
        by=None,
    )  # fmt: skip
    return {"event_pk": str(event.pk), "photo_pk": str(photo.pk), "series_pk": str(series.pk)}


def _surveys(area: Quartier, organisation: object, network: object) -> dict[str, str]:
    """An open public survey with a question of every kind (its answer page, QR code, poster and paper answers
    work), and an open self-evaluation of the sample network with the sample organisation's invitation."""
    from activation.models import Invitation
    from activation.survey_builder import question_add, survey_create, survey_open
    from activation.survey_services import submit_response
    from actors.models import NetworkMembership
    from tests.activation.survey_fixtures import survey_of_every_kind

    survey = survey_of_every_kind(area)
    text, scale = survey.questions.get(kind="text"), survey.questions.get(kind="scale")  # the scale is required
    response = submit_response(survey, {scale.pk: 4, text.pk: "Mehr Bänke am Platz"})
    NetworkMembership.objects.create(network=network, organisation=organisation)
    evaluation = survey_create(
        area=area, data={"title": "Selbstevaluation", "audience": "netzwerk", "network": network}, by=None
    )
    question_add(survey=evaluation, data={"kind": "text", "text": "Was lief gut?"}, choices=[], by=None)
    survey_open(survey=evaluation, by=None)
    return {
        "survey_pk": str(survey.pk),
        "question_pk": str(text.pk),
        "survey_key": survey.key,
        "invitation_key": Invitation.objects.get(survey=evaluation).key,
        # A free-text answer, which the office can make a concern of.
        "answer_pk": str(response.answers.get(question=text).pk),
    }


def _feed_token(committee: object) -> str:
    """The juror's personal link to the calendar feed of their committee (a real one: the feed answers 200)."""
    from committees.services.calendar_links import calendar_link_renew

    membership = committee.memberships.get()  # type: ignore[attr-defined]
    return calendar_link_renew(committee=committee, membership=membership, by=membership.user)


def _open_ballot(area: Quartier, person: object) -> object:
    """An open ballot of a jury in ``area`` whose only member is the user "juror"."""
    import datetime

    from django.utils import timezone

    from committees.models import Ballot, Committee, Membership
    from committees.services.ballots import ballot_open

    jury = Committee.objects.create(area=area, name="Jury", kind=Committee.Kind.ACTION_FUND_JURY)
    Membership.objects.create(
        committee=jury, person=person, user=User.objects.get(username="juror"), member_type="bewohner"
    )
    ballot = Ballot.objects.create(committee=jury, title="Umlauf", deadline=timezone.now() + datetime.timedelta(days=7))
    ballot.items.create(position=1, title="Nachbarschaftsfest")
    return ballot_open(ballot=ballot, by=None)


def _meeting(committee: object) -> object:
    """A planned meeting of ``committee`` in a week, with one agenda item."""
    import datetime

    from django.utils import timezone

    from committees.models import Meeting

    meeting = Meeting.objects.create(
        committee=committee, starts_at=timezone.now() + datetime.timedelta(days=7), place="Stadtteilbüro"
    )
    meeting.items.create(position=1, title="Begrüßung")
    return meeting


def _approved_application(area: Quartier, person: object, committee: object) -> object:
    """An approved application of 400 € to a fund of ``area`` decided by ``committee`` (the office up to 500 €)."""
    from decimal import Decimal

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from fonds.models import Fund
    from fonds.services.applications import (
        Line,
        application_assess,
        application_commit,
        application_create,
        application_decide,
        application_put_forward,
        application_review,
        application_submit,
    )
    from fonds.services.payments import payment_record

    fund = Fund.objects.create(
        area=area, name="Aktionsfonds", kind="aktionsfonds", year=2026, budget=Decimal("10000"),
        cap=Decimal("1500"), office_limit=Decimal("500"), committee=committee,
    )  # fmt: skip
    fund.criteria.create(position=1, text="kommt der Nachbarschaft zugute")
    staff = UserFactory(username="sample-fonds", is_superuser=True)
    application = application_create(
        fund=fund,
        data={"title": "Hoffest", "person": person},
        lines=[Line(category="sachkosten", description="Zelt", amount=Decimal("400"))],
        by=None,
    )
    application_submit(application=application, by=None)
    application_review(application=application, by=staff)
    criterion = fund.criteria.get()
    application_assess(application=application, checks={criterion.pk: (True, "")}, eligible=True, by=staff)
    application_put_forward(application=application, by=staff)
    application_decide(application=application, decision="approve", by=staff)
    application_commit(application=application, by=staff)
    payment_record(application=application, amount=Decimal("100"), paid_on=timezone.localdate(), method="bar", by=staff)
    application.attachments.create(
        file=ContentFile(b"%PDF-1.4 Angebot", name="angebot.pdf"), name="Angebot.pdf", content_type="application/pdf",
        size=16,
    )  # fmt: skip
    return application


def _reclaimed_application(approved: object) -> object:
    """Another application of the sample fund whose proof of use left 20 € to pay back (for its reclaim letter)."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from fonds.services.applications import (
        Line,
        application_assess,
        application_commit,
        application_create,
        application_decide,
        application_put_forward,
        application_review,
        application_settle,
        application_submit,
        application_submit_proof,
        receipts_decide,
    )
    from fonds.services.payments import payment_record, payment_release

    fund, staff = approved.fund, User.objects.get(username="sample-fonds")  # type: ignore[attr-defined]
    releaser = UserFactory(username="sample-fonds-2", is_superuser=True)
    application = application_create(
        fund=fund,
        data={"title": "Lesecafé", "person": approved.person},  # type: ignore[attr-defined]
        lines=[Line(category="sachkosten", description="Bücher", amount=Decimal("100"))],
        by=None,
    )
    application_submit(application=application, by=None)
    application_review(application=application, by=staff)
    checks = {criterion.pk: (True, "") for criterion in fund.criteria.all()}
    application_assess(application=application, checks=checks, eligible=True, by=staff)
    application_put_forward(application=application, by=staff)
    application_decide(application=application, decision="approve", by=staff)
    application_commit(application=application, by=staff)
    today = timezone.localdate()
    payment = payment_record(application=application, amount=Decimal("100"), paid_on=today, method="bar", by=staff)
    payment_release(payment=payment, by=releaser)
    receipt = (today - datetime.timedelta(days=1), "Buchhandlung", Decimal("80"))
    application_submit_proof(application=application, receipts=[receipt], report="Lesen", participants=9, by=None)
    receipts_decide(application=application, decisions={application.receipts.get().pk: (True, "")}, by=staff)
    return application_settle(application=application, by=staff)


def _isek(area: Quartier) -> dict[str, str]:
    """A draft ISEK whose measure is non-investive and the office's (so each role that may edit any measure
    may edit it), with a goal that measure serves (so deleting it is refused and it stays for the next
    visitor), a milestone and an indicator."""
    from isek.models import Version
    from tests.isek.fixtures import add_indicators, add_measures

    version = Version.objects.create(area=area, label="ISEK 2024")
    overall = version.goals.create(title="Lebendiger Kiez", position=1)
    goal = version.goals.create(title="Treffpunkte", parent=overall, position=1)
    [measure] = add_measures(version, 1, start=2)  # even: non-investive, Gemeinwesenarbeit
    measure.goals.set([goal])
    [indicator] = add_indicators(version, 1)
    return {
        "version_pk": str(version.pk),
        "goal_pk": str(goal.pk),
        "measure_pk": str(measure.pk),
        "milestone_pk": str(measure.milestones.get().pk),
        "indicator_pk": str(indicator.pk),
    }


def _report(area: Quartier, user: object) -> object:
    """A finished draft of the annual report (every role may see drafts) with its file."""
    import hashlib

    from django.core.files.base import ContentFile

    from reporting.models import Report

    data = b"%PDF-1.7 Jahresbericht"
    report = Report(
        area=area, year=2025, kind="entwurf", version=1, status="fertig", requested_by=user,
        period_start="2025-01-01", period_end="2025-12-31", sha256=hashlib.sha256(data).hexdigest(), size=len(data),
    )  # fmt: skip
    report.file.save("bericht.pdf", ContentFile(data), save=False)
    report.save()
    return report


def sample_url(route: Route, values: dict[str, str]) -> str:
    """Fill the pattern's parameters with ``values``."""
    url = "/" + route.pattern
    for key, value in values.items():
        for converter in ("slug", "str", "int", "path", "uuid"):
            url = url.replace(f"<{converter}:{key}>", value)
        url = url.replace(f"<{key}>", value)
    assert "<" not in url, f"The URL walker does not know how to fill {route.pattern!r}: add it to sample_url"
    return url


def test_every_view_declares_who_may_use_it() -> None:
    undeclared = [
        route.pattern
        for route in ROUTES
        if not getattr(route.callback, "required_permission", None)
        and not getattr(route.callback, "required_committee_permission", None)
        and not getattr(route.callback, "public", False)
        and route.name not in LOGIN_ONLY
    ]
    assert undeclared == [], f"Views without a permission check: {undeclared}"


@dataclass(frozen=True)
class Walk:
    """What every URL of the walk is tried with: ``sample_values`` of an area and its visitors (primary keys)."""

    values: dict[str, str]
    visitors: dict[str, int]
    media_root: Path


@pytest.fixture(scope="module")
def walk_sample(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Walk]:
    """The area, a user per role, an outsider, a superuser, the juror and ``sample_values``, made once for the
    module (through the services they take about a second; made for each of the 200 URLs, they were most of the
    walk's time). Each test runs in a transaction of its own inside, rolled back after it (``kept_for_the_class``),
    and undoes each visitor's POST, so every URL meets the objects as they were made."""
    media_root = tmp_path_factory.mktemp("walk-media")
    with kept_for_the_class(django_db_blocker, media_root):
        area = QuartierFactory(slug="kiez-am-kanal", name="Kiez am Kanal")
        visitors = {role.value: user_with_role(area, role, username=f"{role.value}-user") for role in ROLES}
        other_area = QuartierFactory(slug="nordstadt", name="Nordstadt")
        visitors["outsider"] = user_with_role(other_area, Role.STEUERUNG, username="outsider")  # another area only
        visitors["superuser"] = UserFactory(username="root", is_superuser=True, is_staff=True)
        visitors["juror"] = UserFactory(username="juror")  # a committee member only: no area role
        values = sample_values(area)
        yield Walk(values=values, visitors={who: user.pk for who, user in visitors.items()}, media_root=media_root)


@pytest.fixture
def everyone(walk_sample: Walk, db: None) -> dict[str, User]:
    users = User.objects.in_bulk(walk_sample.visitors.values())
    return {who: users[pk] for who, pk in walk_sample.visitors.items()}


@pytest.fixture
def walk_values(walk_sample: Walk, _media_root: None, settings: Any) -> dict[str, str]:
    """The sample's values, with the uploaded files of the sample where the views look for them."""
    settings.MEDIA_ROOT = str(walk_sample.media_root)
    return walk_sample.values


@pytest.mark.parametrize("route", ROUTES, ids=[route.name or route.pattern for route in ROUTES])
def test_url_answers_each_visitor_as_the_matrix_says(
    route: Route, walk_values: dict[str, str], everyone: dict[str, User], client: Client
) -> None:
    url = sample_url(route, walk_values)
    perm = getattr(route.callback, "required_permission", None)
    public = getattr(route.callback, "public", False)

    send, posting = client.get, False
    anonymous = send(url)
    if anonymous.status_code == 405:  # a POST-only view (an action): walk it with empty POSTs
        send, posting = client.post, True
        anonymous = send(url)
    if public:
        assert anonymous.status_code < 500, url
        return
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/konto/anmelden/"), (
        f"{url}: anonymous got {anonymous.status_code}"
    )

    for who, user in everyone.items():
        client.force_login(user)
        # Each visitor meets the same objects: what a POST did (a photo deleted) is undone for the next.
        with transaction.atomic():
            response = send(url)
            transaction.set_rollback(True)
        status = response.status_code
        if route.name in LOGIN_ONLY:
            assert status in {200, 302, 404}, f"{url} as {who}: {status}"
            continue
        if getattr(route.callback, "required_committee_permission", None):
            allowed, expected = who == "juror", 404  # a committee's ballots exist only for its members
        elif who in {"outsider", "juror"}:
            allowed, expected = False, 404  # other areas are invisible, not merely forbidden
        else:
            allowed = who == "superuser" or perm in ROLE_PERMISSIONS[Role(who)]
            expected = 403
        if not allowed:
            assert status == expected, f"{url} as {who}: {status}, expected {expected}"
        elif not posting:
            assert status == 200, f"{url} as {who}: {status}, expected 200"
        else:
            # An empty POST may be refused as bad input, but never for lack of permission.
            assert status not in {403, 404, 405} and status < 500, f"POST {url} as {who}: {status}"
        client.logout()


def test_admin_is_for_staff_only(client: Client, everyone: dict[str, User]) -> None:
    assert client.get("/admin/").status_code == 302
    for role in ROLES:
        client.force_login(everyone[role.value])
        response = client.get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(everyone["superuser"])
    assert client.get("/admin/").status_code == 200
