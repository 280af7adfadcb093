"""Attacks on what issue #17 added: the applicant's link (answer, letter, withdrawal), the mails and the outbox,
the public front door and the legal texts, the members' choice of mails. One test per attack; the one defect
found (Koordination saw the applicant's address in the outbox) is fixed and its test kept."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from actors.models import Person
from actors.services.persons import person_erase
from committees.models import Ballot, Committee, Membership
from committees.services.ballots import ballot_close, ballot_open
from demo.factories import CommitteeFactory, PersonFactory, user_with_role
from fonds.models import Application, Fund, Status
from fonds.services.applications import application_query, application_review
from fonds.services.links import access_link_create
from quartier.mail import mails_about
from quartier.models import LegalText, Mail, MailChoices, Quartier, Role, User
from tests.committees.fixtures import make_ballot
from tests.fonds.fixtures import make_application
from tests.fonds.test_applicant_side import approve, small
from tests.fonds.test_lifecycle import eligible
from tests.fonds.test_public import PDF, WHO, draft_with_costs, submitted, text
from tests.mails import deliver

SCRIPT = '<script>alert("x")</script>'


@pytest.fixture
def fund(aktionsfonds: Fund) -> Fund:
    return aktionsfonds


def queried(client: Client, fund: Fund, staff: dict, question: str = "Wo genau?") -> tuple[str, Application]:
    token, application = submitted(client, fund)
    application_review(application=application, by=staff["gwa"])
    application_query(application=application, question=question, by=staff["gwa"])
    return token, application


# --- the applicant's link ----------------------------------------------------------------------------------------


def test_withdrawing_twice_is_refused_the_second_time_and_tells_the_office_once(
    client: Client, fund: Fund, staff: dict
) -> None:
    token, application = submitted(client, fund)
    assert client.post(f"/antrag/{token}/zurueckziehen/").status_code == 302
    again = client.post(f"/antrag/{token}/zurueckziehen/")
    assert again.status_code == 400 and "zurückgezogen" in text(again)
    assert application.status_changes.filter(to_status=Status.WITHDRAWN).count() == 1
    assert mails_about(application).filter(kind="fonds.withdrawn").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_withdrawals_at_once_withdraw_once(fund: Fund, staff: dict) -> None:
    token, application = submitted(Client(), fund)
    results: list[int] = []
    barrier = threading.Barrier(2)

    def withdraw() -> None:
        try:
            barrier.wait()
            results.append(Client().post(f"/antrag/{token}/zurueckziehen/").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=withdraw) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [302, 400]
    assert application.status_changes.filter(to_status=Status.WITHDRAWN).count() == 1
    assert mails_about(application).filter(kind="fonds.withdrawn").count() == 1


def test_withdrawing_while_the_office_asks_a_question_is_possible_but_not_after_the_decision_by_replay(
    client: Client, fund: Fund, applicant: Person, staff: dict
) -> None:
    application = small(fund, applicant)
    token = access_link_create(application=application, email="a@example.org")
    approve(eligible(application, staff), staff)
    # A form loaded before the decision and sent after it: refused, nothing changed.
    response = client.post(f"/antrag/{token}/zurueckziehen/")
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.APPROVED


def test_one_application_s_token_opens_nothing_of_another(
    client: Client, fund: Fund, applicant: Person, staff: dict
) -> None:
    token, mine = queried(client, fund, staff)
    other = approve(eligible(small(fund, PersonFactory(area=fund.area, last_name="Fremd")), staff), staff)
    # Forged: the other application's pk in any place of the URL or the form.
    for url in (f"/antrag/{token}/bescheid.pdf?pk={other.pk}", f"/antrag/{token}/{other.pk}/bescheid.pdf"):
        response = client.get(url)
        assert response.status_code == 404 or "Fremd" not in response.content.decode(errors="replace")
    response = client.post(f"/antrag/{token}/zurueckziehen/", {"application": other.pk, "pk": other.pk})
    other.refresh_from_db()
    assert other.status == Status.APPROVED
    page = text(client.get(f"/antrag/{token}/"))
    assert "Fremd" not in page and mine.title in page


def test_an_answer_with_html_is_escaped_on_the_link_page_and_in_every_mail(
    client: Client, fund: Fund, staff: dict
) -> None:
    token, application = queried(client, fund, staff, question=f"Frage {SCRIPT}")
    page = client.get(f"/antrag/{token}/").content.decode()
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert client.post(f"/antrag/{token}/antwort/", {"answer": f"Antwort {SCRIPT}"}).status_code == 302
    page = client.get(f"/antrag/{token}/").content.decode()
    assert SCRIPT not in page
    mails = list(Mail.objects.all())
    assert mails
    for mail in mails:
        assert "<script" not in mail.html, (mail.kind, mail.html)
    client.force_login(staff["gwa"])
    office = client.get(f"/gebiet/{fund.area.slug}/fonds/antraege/{application.pk}/").content.decode()
    assert SCRIPT not in office


def test_a_title_with_line_breaks_and_html_makes_a_one_line_subject_and_an_escaped_html_mail(
    client: Client, fund: Fund, staff: dict
) -> None:
    token, application = draft_with_costs(client, fund)
    title = f"Hoffest\r\nBcc: opfer@example.org\n{SCRIPT}"
    Application.objects.filter(pk=application.pk).update(title=title)
    assert client.post(f"/antrag/{token}/pruefen/").status_code == 302
    application_review(application=application, by=staff["gwa"])
    application_query(application=application, question="Wann?", by=staff["gwa"])
    mails = list(mails_about(application))
    assert len(mails) >= 2
    for mail in mails:
        assert "\n" not in mail.subject and "\r" not in mail.subject
        assert "<script" not in mail.html
    for sent in deliver():
        assert "opfer@example.org" not in (sent.bcc or []) and "opfer@example.org" not in sent.to
        assert "\n" not in sent.subject


def test_an_answer_with_a_disguised_file_is_refused_and_nothing_is_saved(
    client: Client, fund: Fund, staff: dict
) -> None:
    token, application = queried(client, fund, staff)
    fake = SimpleUploadedFile("plan.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client.post(f"/antrag/{token}/antwort/", {"answer": "Hier.", "file": fake})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.QUERY and not application.attachments.exists()


def test_an_answer_with_a_file_over_the_limit_is_refused_and_nothing_is_saved(
    client: Client, fund: Fund, staff: dict, settings
) -> None:
    token, application = queried(client, fund, staff)
    big = SimpleUploadedFile("plan.pdf", PDF + b"0" * (10 * 1024 * 1024 + 1), content_type="application/pdf")
    response = client.post(f"/antrag/{token}/antwort/", {"answer": "Hier.", "file": big})
    assert response.status_code in (400, 413)
    application.refresh_from_db()
    assert application.status == Status.QUERY and not application.attachments.exists()


def test_an_overlong_answer_is_refused_in_german_and_nothing_is_saved(client: Client, fund: Fund, staff: dict) -> None:
    token, application = queried(client, fund, staff)
    response = client.post(f"/antrag/{token}/antwort/", {"answer": "x" * 5001})
    assert response.status_code == 400 and "5000" in text(response)
    application.refresh_from_db()
    assert application.status == Status.QUERY


def test_the_link_of_an_erased_applicant_opens_nothing_and_takes_no_answer(
    client: Client, fund: Fund, staff: dict
) -> None:
    token, application = queried(client, fund, staff)
    assert client.post(f"/antrag/{token}/zurueckziehen/").status_code == 302  # erasure needs it ended
    person_erase(person=application.person, by=staff["gwa"])
    response = client.post(f"/antrag/{token}/antwort/", {"answer": "Noch da?"})
    assert response.status_code == 404
    assert client.get(f"/antrag/{token}/").status_code == 404
    assert client.get(f"/antrag/{token}/bescheid.pdf").status_code == 404


# --- mails and outboxes ------------------------------------------------------------------------------------------


def test_an_erased_applicant_s_mails_are_gone_from_every_outbox(client: Client, fund: Fund, staff: dict) -> None:
    token, application = queried(client, fund, staff)
    address = application.person.email
    assert Mail.objects.filter(to=address).exists()
    assert client.post(f"/antrag/{token}/zurueckziehen/").status_code == 302
    person_erase(person=application.person, by=staff["gwa"])
    assert not Mail.objects.filter(to__iexact=address).exists()
    assert not Mail.objects.filter(body__icontains=address).exists()
    for mail in Mail.objects.all():  # the office's mails too (a withdrawal, a new application)
        for name in (WHO["first_name"], WHO["last_name"]):
            assert name not in mail.body and name not in mail.subject, (mail.kind, name)


def test_a_koordination_user_sees_no_outbox_with_the_applicant_s_mails(
    client: Client, area: Quartier, fund: Fund, staff: dict
) -> None:
    _token, application = queried(client, fund, staff, question="Ihre Telefonnummer bitte")
    koordination = user_with_role(area, Role.KOORDINATION, username="koord-17")
    client.force_login(koordination)
    response = client.get(f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/")
    body = response.content.decode()
    assert response.status_code == 200 and application.person.email not in body and 'id="mails"' not in body


def test_another_area_s_office_sees_neither_the_application_nor_its_outbox(
    client: Client, area: Quartier, other_area: Quartier, fund: Fund, staff: dict
) -> None:
    _token, application = queried(client, fund, staff)
    other = user_with_role(other_area, Role.GEMEINWESENARBEIT, username="gwa-nord-17")
    client.force_login(other)
    for url in (
        f"/gebiet/{other_area.slug}/fonds/antraege/{application.pk}/",
        f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/",
    ):
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert application.person.email not in response.content.decode()


# --- public front door and legal texts ---------------------------------------------------------------------------


def test_the_public_area_page_names_no_applicant(
    client: Client, area: Quartier, fund: Fund, applicant: Person, staff: dict
) -> None:
    application = make_application(fund, person=applicant, costs=("400.00",), title="Hoffest im Kiez")
    Application.objects.filter(pk=application.pk).update(
        status=Status.APPROVED, approved_amount=Decimal("400"), decided_at=timezone.now()
    )
    page = text(client.get(f"/oeffentlich/{area.slug}/"))
    assert "Hoffest im Kiez" in page
    assert applicant.last_name not in page and applicant.first_name not in page


def test_a_title_with_html_is_escaped_on_the_public_area_page(
    client: Client, area: Quartier, fund: Fund, applicant: Person
) -> None:
    application = make_application(fund, person=applicant, costs=("400.00",), title=f"Fest {SCRIPT}")
    Application.objects.filter(pk=application.pk).update(
        status=Status.APPROVED, approved_amount=Decimal("400"), decided_at=timezone.now()
    )
    page = client.get(f"/oeffentlich/{area.slug}/").content.decode()
    assert SCRIPT not in page


def test_another_area_s_legal_text_is_not_found_by_a_forged_id(
    client: Client, area: Quartier, other_area: Quartier, superuser
) -> None:
    theirs = LegalText.objects.create(area=other_area, kind="impressum", text="Nordstadt Impressum geheim")
    chef = user_with_role(area, Role.STEUERUNG, username="steuerung-17")
    client.force_login(chef)
    url = f"/gebiet/{area.slug}/profil/rechtliches/{theirs.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "übernommen", "feedback_email": ""}).status_code == 404
    assert client.post(url, {"action": "delete"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.text == "Nordstadt Impressum geheim"


def test_a_legal_text_with_html_is_escaped_on_its_public_page(client: Client, area: Quartier) -> None:
    LegalText.objects.create(area=area, kind="impressum", text=f'Impressum {SCRIPT} <a href="javascript:x">k</a>')
    page = client.get(f"/oeffentlich/{area.slug}/impressum/").content.decode()
    assert SCRIPT not in page and 'href="javascript:' not in page


# --- members' choices ------------------------------------------------------------------------------------------


def test_the_choice_page_refuses_forged_values_and_changes_only_one_s_own_choice(
    client: Client, area: Quartier
) -> None:
    me = user_with_role(area, Role.GEMEINWESENARBEIT, username="ich-17")
    them = user_with_role(area, Role.GEMEINWESENARBEIT, username="du-17")
    client.force_login(me)
    forged = client.post(
        "/konto/benachrichtigungen/", {"delivery": "everything", "ballot_opened": "on", "user": them.pk}
    )
    assert forged.status_code == 400
    assert not MailChoices.objects.exists()
    ok = client.post(
        "/konto/benachrichtigungen/", {"delivery": "digest", "ballot_opened": "on", "user": them.pk, "user_id": them.pk}
    )
    assert ok.status_code == 302
    assert list(MailChoices.objects.values_list("user_id", flat=True)) == [me.pk]
    client.logout()
    anonymous = client.post("/konto/benachrichtigungen/", {"delivery": "no"})
    assert anonymous.status_code in (302, 403)
    assert MailChoices.objects.count() == 1


# --- committee members ---------------------------------------------------------------------------------------------


def test_a_ballot_title_with_line_breaks_and_html_makes_one_line_subjects_and_escaped_html_mails(
    jury: Committee, jurors: list[Membership]
) -> None:
    ballot = make_ballot(jury, items=1)
    Ballot.objects.filter(pk=ballot.pk).update(title=f"Umlauf\r\nBcc: opfer@example.org\n{SCRIPT}")
    ballot.items.update(title=f"Punkt {SCRIPT}")
    ballot.refresh_from_db()
    ballot_open(ballot=ballot, by=None)
    ballot_close(ballot=ballot, by=None, now=ballot.deadline + datetime.timedelta(minutes=1))
    mails = list(Mail.objects.filter(kind__startswith="committees."))
    assert len(mails) == 2 * len(jurors)
    for mail in mails:
        assert "\n" not in mail.subject and "\r" not in mail.subject
        assert "<script" not in mail.html
    for sent in deliver():
        assert sent.to != ["opfer@example.org"] and "opfer@example.org" not in (sent.bcc or [])


def test_another_committee_s_membership_and_its_outbox_are_not_found_by_a_forged_id(
    client: Client, area: Quartier, other_area: Quartier, jury: Committee, jurors: list[Membership]
) -> None:
    ballot_open(ballot=make_ballot(jury), by=None)
    council = CommitteeFactory(area=area, name="Quartiersrat")
    foreign = CommitteeFactory(area=other_area, name="Nordjury")
    client.force_login(user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-gremien-17"))
    mine = jurors[0]
    assert (
        "jury1@example.org"
        in client.get(f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/{mine.pk}/").content.decode()
    )
    for url in (
        f"/gebiet/{area.slug}/gremien/{council.pk}/mitglieder/{mine.pk}/",
        f"/gebiet/{area.slug}/gremien/{foreign.pk}/mitglieder/{mine.pk}/",
        f"/gebiet/{other_area.slug}/gremien/{jury.pk}/mitglieder/{mine.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "jury1@example.org" not in response.content.decode()
    client.force_login(jurors[1].user)  # a fellow member sees nobody's outbox
    response = client.get(f"/gebiet/{area.slug}/gremien/{jury.pk}/mitglieder/{mine.pk}/")
    assert response.status_code in (302, 403, 404)


def test_a_deactivated_account_and_an_ended_member_get_no_opening_mail(
    jury: Committee, jurors: list[Membership]
) -> None:
    User.objects.filter(pk=jurors[0].user_id).update(is_active=False)
    Membership.objects.filter(pk=jurors[1].pk).update(end=timezone.localdate() - datetime.timedelta(days=1))
    ballot_open(ballot=make_ballot(jury), by=None)
    told = set(Mail.objects.filter(kind="committees.ballot_opened").values_list("to", flat=True))
    assert "jury1@example.org" not in told and "jury2@example.org" not in told
    assert len(told) == 5


def test_an_erased_member_gets_no_more_mails_and_their_outbox_is_gone(
    area: Quartier, jury: Committee, jurors: list[Membership]
) -> None:
    ballot = make_ballot(jury)
    ballot_open(ballot=ballot, by=None)
    ballot_close(ballot=ballot, by=None, now=ballot.deadline + datetime.timedelta(minutes=1))  # erasure waits for it
    gone = jurors[2]
    address = Mail.objects.filter(about_id=gone.pk, kind="committees.ballot_opened").get().to
    chef = user_with_role(area, Role.STEUERUNG, username="steuerung-erase-17")
    person_erase(person=gone.person, by=chef)
    assert not Mail.objects.filter(to__iexact=address).exists()
    ballot_open(ballot=make_ballot(jury), by=None)
    assert not Mail.objects.filter(to__iexact=address).exists()
    assert not Mail.objects.filter(body__contains="Nummer 3").exists()
