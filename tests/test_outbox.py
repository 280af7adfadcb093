"""The outbox (issue #17): every mail is written into it, delivered by a real Celery worker to a real SMTP server
on loopback, in plain text and HTML, retried when the server refuses, and what happened is recorded."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from committees.models import Committee
from demo.factories import PersonFactory
from fonds.models import Fund
from quartier.mail import mails_about, queue_mail
from quartier.models import Mail, Quartier
from quartier.tasks import deliver_mail, resend_waiting_mails
from tests.fonds.fixtures import make_application
from tests.mails import deliver
from tests.smtp import SMTPServer
from tests.workers import start_worker, stop_worker


def _settled(mail_pk: int, *, seconds: float = 60) -> Mail:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = Mail.objects.get(pk=mail_pk)
        if found.status != Mail.Status.QUEUED:
            return found
        time.sleep(0.2)
    return Mail.objects.get(pk=mail_pk)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_a_committed_mail_in_text_and_html(smtp_server: SMTPServer, area: Quartier) -> None:
    person = PersonFactory(area=area, email="ayse@example.org")
    worker = start_worker("outbox", smtp_server.env)
    try:
        with transaction.atomic():
            queued = queue_mail(
                to="ayse@example.org",
                subject="Ihr Antrag <Hoffest>",
                body="Guten Tag,\n\nSie finden alles unter https://quartier.example.org/antrag/abc/ .",
                kind="test.hello",
                about=person,
            )
            assert smtp_server.received == []  # nothing before the commit
        [message] = smtp_server.wait_for(1)
    finally:
        stop_worker(worker)
    assert message["To"] == "ayse@example.org" and message["Subject"] == "Ihr Antrag <Hoffest>"
    assert message["Auto-Submitted"] == "auto-generated"
    text, html = (part.get_payload(decode=True).decode() for part in message.walk() if not part.is_multipart())
    assert "Guten Tag," in text
    assert "&lt;Hoffest&gt;" in html and '<a href="https://quartier.example.org/antrag/abc/"' in html
    sent = Mail.objects.get(pk=queued.pk)
    assert sent.status == Mail.Status.SENT and sent.sent_at and sent.attempts == 1 and sent.area == area
    assert list(mails_about(person)) == [sent]


@pytest.mark.django_db(transaction=True)
def test_a_refusing_server_is_tried_again_and_the_failure_is_recorded(smtp_server: SMTPServer) -> None:
    smtp_server.refusing()
    worker = start_worker("outbox-refused", {**smtp_server.env, "MAIL_RETRY_SECONDS": "0"})
    try:
        with transaction.atomic():
            queued = queue_mail(to="niemand@example.org", subject="Hallo", body="Hallo", kind="test.refused")
        failed = _settled(queued.pk)
    finally:
        stop_worker(worker)
    assert failed.status == Mail.Status.FAILED and failed.attempts == 6 and failed.sent_at is None
    assert "550" in failed.error and "No such mailbox" in failed.error
    assert smtp_server.received == []


@pytest.mark.django_db
def test_a_rolled_back_write_queues_and_sends_nothing(django_capture_on_commit_callbacks: object) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_mail(to="a@example.org", subject="Nie", body="Nie", kind="test.rolled_back")
        raise RuntimeError("the write fails")
    assert not Mail.objects.exists() and deliver() == []


@pytest.mark.django_db
def test_a_mail_is_sent_once_however_often_its_task_runs() -> None:
    queued = queue_mail(to="a@example.org", subject="Einmal", body="Einmal", kind="test.once")
    assert len(deliver()) == 1
    assert deliver_mail.apply(args=[queued.pk]).get() == Mail.Status.SENT  # a second run: nothing more
    assert deliver_mail.apply(args=[987654321]).get() == "gone"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_mails_that_waited_too_long_are_handed_over_again(monkeypatch: pytest.MonkeyPatch) -> None:
    old = queue_mail(to="a@example.org", subject="Alt", body="Alt", kind="test.old")
    new = queue_mail(to="b@example.org", subject="Neu", body="Neu", kind="test.new")
    Mail.objects.filter(pk=old.pk).update(created_at=old.created_at - datetime.timedelta(hours=3))
    handed: list[int] = []
    monkeypatch.setattr("quartier.tasks.hand_over", lambda pk: handed.append(pk) or True)
    assert resend_waiting_mails() == 1 and handed == [old.pk]
    assert new.pk not in handed


@pytest.mark.django_db
def test_the_application_page_and_the_member_page_show_their_outboxes(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant, jury: Committee, jurors: list
) -> None:
    application = make_application(aktionsfonds, person=applicant, title="Hoffest")
    sent = queue_mail(to="ayse@example.org", subject="Eingang <b>bestätigt</b>", body="…", kind="t", about=application)
    deliver()
    failed = queue_mail(to="kaputt@example.org", subject="Rückfrage", body="…", kind="t", about=application)
    Mail.objects.filter(pk=failed.pk).update(status=Mail.Status.FAILED, attempts=6, error="550 No such mailbox")
    queue_mail(to="ayse@example.org", subject="Wartet noch", body="…", kind="t", about=application)
    queue_mail(to="x@example.org", subject="Fremder Antrag", body="…", kind="t", about=jurors[0])
    client.force_login(staff["gwa"])
    html = client.get(f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/").content.decode()
    outbox = html[html.index('id="mails"') :]
    assert "Eingang &lt;b&gt;bestätigt&lt;/b&gt;" in outbox and "versendet am" in outbox
    assert "konnte nicht versendet werden" in outbox and "550 No such mailbox" in outbox
    assert "Wartet noch" in outbox and "wartet auf den Versand" in outbox
    assert "Fremder Antrag" not in html
    assert Mail.objects.get(pk=sent.pk).status == Mail.Status.SENT
    membership = jurors[0]
    client.force_login(staff["steuerung"])
    page = client.get(f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/{membership.pk}/").content.decode()
    assert "Fremder Antrag" in page[page.index('id="mails"') :] and "Hoffest" not in page


@pytest.mark.django_db
def test_every_mail_ends_with_the_links_to_the_legal_texts_of_its_area(area: Quartier, settings: object) -> None:
    settings.SITE_URL = "https://quartier.example.org"  # type: ignore[attr-defined]
    person = PersonFactory(area=area)
    of_area = queue_mail(to="a@example.org", subject="Gebiet", body="Hallo\n\n", kind="t", about=person)
    of_installation = queue_mail(to="b@example.org", subject="Anlage", body="Hallo", kind="t")
    assert of_area.body.startswith("Hallo\n\n-- \n")
    assert f"Impressum: https://quartier.example.org/oeffentlich/{area.slug}/impressum/" in of_area.body
    assert "Erklärung zur Barrierefreiheit: https://quartier.example.org/" in of_area.body
    assert "Impressum: https://quartier.example.org/impressum/" in of_installation.body
    assert "/impressum/" in deliver()[0].alternatives[0][0]  # the HTML version too


@pytest.mark.django_db
def test_a_member_s_page_reads_its_outbox_in_a_number_of_queries_that_does_not_grow(
    client: Client, area: Quartier, staff: dict, jury: Committee, jurors: list, assert_constant_queries: object
) -> None:
    member = jurors[0]
    queue_mail(to="jury1@example.org", subject="Erste", body="…", kind="t", about=member)

    def grow() -> None:
        for number in range(30):
            queue_mail(to="jury1@example.org", subject=f"Mehr {number}", body="…", kind="t", about=member)
            queue_mail(to="jury2@example.org", subject=f"Andere {number}", body="…", kind="t", about=jurors[1])
        deliver()

    client.force_login(staff["steuerung"])
    url = f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/{member.pk}/"
    assert_constant_queries(lambda: client.get(url), grow)  # type: ignore[operator]
    page = client.get(url).content.decode()
    assert "Mehr 29" in page and "Andere" not in page
