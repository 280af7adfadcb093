"""The public page of an area's committees: decisions and meetings for anyone, no personal data."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from committees.models import AgendaItem, Committee, Meeting, Membership
from committees.services.ballots import ballot_close, ballot_open, vote_cast
from demo.factories import UserFactory
from quartier.models import Quartier
from tests.committees.fixtures import make_ballot


def test_anyone_sees_decisions_but_no_member_and_no_open_item(
    client: Client, area: Quartier, jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    closed = ballot_open(ballot=make_ballot(jury, items=1), by=UserFactory(), now=now)
    item = closed.items.get()
    item.title = "Nachbarschaftsfest am Kanalufer"
    item.save()
    for member in jurors[:5]:
        vote_cast(item=item, membership=member, choice="ja", by=member.user, now=now)
    ballot_close(ballot=closed, by=None, now=now + datetime.timedelta(days=3))
    still_open = ballot_open(ballot=make_ballot(jury, items=1), by=UserFactory(), now=now)
    still_open.items.update(title="Geheimer Entwurf")
    meeting = Meeting.objects.create(
        committee=jury, starts_at=timezone.now() - datetime.timedelta(days=30), status=Meeting.Status.APPROVED
    )
    AgendaItem.objects.create(meeting=meeting, position=1, title="Bücherschrank", result="abgelehnt", yes=1, no=5)

    response = client.get(f"/oeffentlich/{area.slug}/gremien/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nachbarschaftsfest am Kanalufer" in html and "angenommen (5:0:0)" in html
    assert "Bücherschrank" in html and "abgelehnt (1:5" in html
    assert "Geheimer Entwurf" not in html
    for member in jurors:
        assert member.person.last_name not in html


def test_unknown_area_is_not_found(client: Client, db: None) -> None:
    assert client.get("/oeffentlich/gibt-es-nicht/gremien/").status_code == 404


def test_public_page_query_count_does_not_grow(
    client: Client,
    area: Quartier,
    jury: Committee,
    jurors: list[Membership],
    assert_constant_queries: object,
    now: datetime.datetime,
) -> None:
    def grow() -> None:
        ballot = ballot_open(ballot=make_ballot(jury, items=3), by=UserFactory(), now=now)
        ballot_close(ballot=ballot, by=None, now=now + datetime.timedelta(days=3))
        for number in range(3):
            meeting = Meeting.objects.create(
                committee=jury, starts_at=timezone.now() - datetime.timedelta(days=number + 1), status="genehmigt"
            )
            AgendaItem.objects.create(meeting=meeting, position=1, title=f"Punkt {number}", result="vertagt")

    assert_constant_queries(lambda: client.get(f"/oeffentlich/{area.slug}/gremien/"), grow)  # type: ignore[operator]


def test_a_meeting_only_invited_to_is_not_listed_as_held(client: Client, area: Quartier, jury: Committee) -> None:
    days = datetime.timedelta(days=9)
    Meeting.objects.create(committee=jury, starts_at=timezone.now() + days, status="eingeladen")
    Meeting.objects.create(committee=jury, starts_at=timezone.now() - days, status="durchgefuehrt")
    response = client.get(f"/oeffentlich/{area.slug}/gremien/")
    held = [meeting.status for meeting in response.context["meetings"]]
    assert held == ["durchgefuehrt"]
