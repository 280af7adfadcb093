"""Jurors read the applications on their ballots: the project and the applicant's name, never contact data."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from committees.models import Ballot, Committee
from committees.services.ballots import ballot_open
from fonds.models import Attachment
from fonds.services.applications import application_put_forward
from tests.fonds.fixtures import make_application
from tests.fonds.test_lifecycle import eligible


def ballot_with(aktionsfonds, application, staff) -> Ballot:
    ballot = Ballot.objects.create(
        committee=aktionsfonds.committee,
        title="Umlauf Dezember",
        deadline=timezone.now() + datetime.timedelta(hours=48),
    )
    application_put_forward(application=eligible(application, staff), ballot=ballot, by=staff["gwa"])
    return ballot_open(ballot=ballot, by=staff["gwa"])


def test_a_juror_reads_the_application_without_the_applicants_contact_data(
    client: Client,
    aktionsfonds,
    applicant,
    jurors,
    staff,
) -> None:
    applicant.email, applicant.phone = "aylin@example.org", "0151 2345678"
    applicant.save()
    application = make_application(aktionsfonds, person=applicant, costs=("800.00", "250.00"))
    application.attachments.create(
        file=ContentFile(b"%PDF-1.4 Angebot", name="a.pdf"), name="Angebot Zelt.pdf", content_type="application/pdf",
        size=16,
    )  # fmt: skip
    receipt = application.attachments.create(
        file=ContentFile(b"%PDF-1.4 Beleg", name="b.pdf"), name="Beleg.pdf", content_type="application/pdf", size=14,
        kind=Attachment.Kind.RECEIPT,
    )  # fmt: skip
    ballot = ballot_with(aktionsfonds, application, staff)
    client.force_login(jurors[0].user)
    ballot_html = client.get(f"/abstimmungen/{ballot.pk}/").content.decode()
    url = f"/abstimmungen/{ballot.pk}/antraege/{application.pk}/"
    assert url in ballot_html
    html = client.get(url).content.decode()
    assert "Hoffest im Kiez" in html and "Aylin Yıldız" in html and "1.050,00" in html
    assert "aylin@example.org" not in html and "2345678" not in html
    assert "Angebot Zelt.pdf" in html and "Beleg.pdf" not in html
    document = application.attachments.get(name="Angebot Zelt.pdf")
    response = client.get(f"{url}dateien/{document.pk}/")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 Angebot"
    assert client.get(f"{url}dateien/{receipt.pk}/").status_code == 404


def test_nobody_else_reads_it_through_a_ballot(
    client: Client,
    area,
    aktionsfonds,
    applicant,
    jurors,
    staff,
    now: datetime.datetime,
) -> None:
    on_ballot = make_application(aktionsfonds, person=applicant, costs=("800.00",))
    elsewhere = make_application(aktionsfonds, person=applicant, costs=("700.00",), title="Anderes")
    ballot = ballot_with(aktionsfonds, on_ballot, staff)
    client.force_login(jurors[0].user)
    assert client.get(f"/abstimmungen/{ballot.pk}/antraege/{elsewhere.pk}/").status_code == 404
    council = Committee.objects.create(area=area, name="Quartiersrat", kind="quartiersrat")
    other = Ballot.objects.create(committee=council, title="Rat", deadline=now, status="offen")
    assert client.get(f"/abstimmungen/{other.pk}/antraege/{on_ballot.pk}/").status_code == 404
    client.force_login(staff["gwa"])  # staff read applications on the office pages, not as members
    assert client.get(f"/abstimmungen/{ballot.pk}/antraege/{on_ballot.pk}/").status_code == 404


def test_the_juror_page_query_count_does_not_grow(
    client: Client,
    aktionsfonds,
    applicant,
    jurors,
    staff,
    assert_constant_queries,
) -> None:
    application = make_application(aktionsfonds, person=applicant, costs=("800.00",))
    ballot = ballot_with(aktionsfonds, application, staff)
    client.force_login(jurors[0].user)

    def grow() -> None:
        for number in range(5):
            application.cost_lines.create(position=10 + number, category="sachkosten", description="x", amount=1)
            application.attachments.create(
                file=ContentFile(b"%PDF", name="c.pdf"), name=f"{number}.pdf", content_type="x", size=4
            )

    assert_constant_queries(  # type: ignore[operator]
        lambda: client.get(f"/abstimmungen/{ballot.pk}/antraege/{application.pk}/"), grow
    )


def test_members_see_their_meetings_and_read_the_applications_on_the_agenda(
    client: Client, area, aktionsfonds, applicant, jurors, staff
) -> None:
    from django.utils import timezone

    from committees.models import Meeting

    application = eligible(make_application(aktionsfonds, person=applicant, costs=("900.00",)), staff)
    meeting = Meeting.objects.create(
        committee=aktionsfonds.committee, starts_at=timezone.now() + datetime.timedelta(days=5), place="Büro"
    )
    meeting.items.create(position=1, title="Begrüßung")
    application_put_forward(application=application, meeting=meeting, by=staff["gwa"])
    council = Committee.objects.create(area=area, name="Quartiersrat", kind="quartiersrat")
    secret = Meeting.objects.create(committee=council, starts_at=meeting.starts_at, place="Rathaus")
    client.force_login(jurors[0].user)
    html = client.get("/abstimmungen/").content.decode()
    url = f"/abstimmungen/sitzungen/{meeting.pk}/antraege/{application.pk}/"
    assert "Begrüßung" in html and url in html and "Rathaus" not in html
    assert "Hoffest im Kiez" in client.get(url).content.decode()
    assert client.get(f"/abstimmungen/sitzungen/{secret.pk}/antraege/{application.pk}/").status_code == 404
    other = make_application(aktionsfonds, person=applicant, title="Nicht auf der Tagesordnung")
    assert client.get(f"/abstimmungen/sitzungen/{meeting.pk}/antraege/{other.pk}/").status_code == 404
