"""The office's fund pages: dashboards, the application list and each application's steps, payments and files."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from committees.models import Ballot
from demo.factories import user_with_role
from fonds.models import Application, Fund, Payment, Status
from fonds.services.applications import application_commit, application_submit
from quartier.models import Quartier, Role
from tests.fonds.fixtures import make_application
from tests.fonds.test_lifecycle import approved, eligible
from tests.mails import deliver


def messages_of(response: object) -> list[str]:
    return [str(message) for message in response.context["messages"]]  # type: ignore[attr-defined]


def test_steuerung_sets_up_a_fund_with_its_checklist(client: Client, area: Quartier, staff: dict, jury) -> None:
    client.force_login(staff["steuerung"])
    data = {"name": "Aktionsfonds", "kind": "aktionsfonds", "year": "2027", "budget": "12000", "cap": "1500",
            "co_financing_share": "0", "office_limit": "500", "committee": jury.pk, "open_for_applications": "on",
            "criteria": "kommt der Nachbarschaft zugute\n\nSachkosten, keine Honorare\n"}  # fmt: skip
    response = client.post(f"/gebiet/{area.slug}/fonds/neu/", data)
    fund = Fund.objects.get(year=2027)
    assert response["Location"].endswith(f"/fonds/{fund.pk}/")
    assert list(fund.criteria.values_list("text", flat=True)) == [
        "kommt der Nachbarschaft zugute",
        "Sachkosten, keine Honorare",
    ]
    response = client.post(f"/gebiet/{area.slug}/fonds/neu/", {**data, "budget": "-1", "name": "Zweiter"})
    assert "Ein Betrag kann nicht negativ sein." in response.content.decode()
    assert Fund.objects.count() == 1


def test_a_budget_never_drops_below_what_is_approved_and_used_criteria_stay(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant
) -> None:
    approved(make_application(aktionsfonds, person=applicant, costs=("450.00",)), staff)
    client.force_login(staff["steuerung"])
    url = f"/gebiet/{area.slug}/fonds/{aktionsfonds.pk}/bearbeiten/"
    data = {"name": "Aktionsfonds", "kind": "aktionsfonds", "year": "2026", "budget": "400", "cap": "1500",
            "co_financing_share": "0", "office_limit": "500", "committee": aktionsfonds.committee_id,
            "criteria": "kommt der Nachbarschaft im Gebiet zugute"}  # fmt: skip
    html = client.post(url, data).content.decode()
    assert "Anträge haben schon 450,00 € gebunden; das Budget kann nicht niedriger sein." in html
    html = client.post(url, {**data, "budget": "10000"}).content.decode()
    assert "Schon für Anträge geprüft, deshalb bleibt es:" in html
    aktionsfonds.refresh_from_db()
    assert aktionsfonds.budget == Decimal("10000.00") and aktionsfonds.criteria.count() == 3


def test_the_office_takes_an_application_through_its_steps(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant, now: datetime.datetime
) -> None:
    application = make_application(aktionsfonds, person=applicant, costs=("800.00",))
    application_submit(application=application, by=None)
    client.force_login(staff["gwa"])
    step = f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/schritt/"

    def post(**data: str) -> list[str]:
        return messages_of(client.post(step, data, follow=True))

    assert post(action="review") == ["Erledigt: Der Antrag ist jetzt „in Prüfung“."]
    first, second, third = aktionsfonds.criteria.all()
    ticks = {f"criterion-{first.pk}": "on", f"criterion-{second.pk}": "on"}
    assert any("Nicht jedes Kriterium ist erfüllt" in message for message in post(action="eligible", **ticks))
    post(action="eligible", **ticks, **{f"criterion-{third.pk}": "on"})
    assert Application.objects.get().status == Status.ELIGIBLE
    # 800 € is above the office's 500 €: the office cannot decide, the jury's drafted ballot takes it.
    refused = post(action="put_forward", target="office")
    assert any("Über 500,00 € entscheidet das Gremium" in message for message in refused)
    ballot = Ballot.objects.create(committee=aktionsfonds.committee, title="Umlauf Dezember", deadline=now)
    page = client.get(f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/").content.decode()
    assert "Umlauf Dezember" in page
    post(action="put_forward", target=f"ballot-{ballot.pk}")
    assert Application.objects.get().status == Status.FOR_DECISION
    assert ballot.items.get().subject == application
    assert any("Über diesen Antrag entscheidet das Gremium" in m for m in post(action="decide", decision="approve"))


def test_payments_are_recorded_and_released_by_two_people(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant
) -> None:
    application = approved(make_application(aktionsfonds, person=applicant, costs=("400.00",)), staff)
    application_commit(application=application, by=staff["steuerung"])
    # A payment may be dated from the approval day on: the day the server approved it, not the day the run began.
    paid_on = timezone.localdate(application.decided_at).isoformat()
    client.force_login(staff["steuerung"])
    url = f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/zahlungen/"
    refused = messages_of(client.post(url, {"amount": "500", "paid_on": paid_on, "method": "bar"}, follow=True))
    assert any("Noch 400,00 € sind offen" in message for message in refused)
    refused = messages_of(client.post(url, {"amount": "viel", "paid_on": paid_on, "method": "bar"}, follow=True))
    assert any("Bitte eine Zahl eingeben" in message for message in refused)
    client.post(url, {"amount": "400", "paid_on": paid_on, "method": "ueberweisung"})
    payment = Payment.objects.get()
    page = client.get(f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/").content.decode()
    assert "Freigabe durch eine andere Person der Steuerung" in page
    release = f"/gebiet/{area.slug}/fonds/zahlungen/{payment.pk}/freigeben/"
    assert any("Vier-Augen-Prinzip" in message for message in messages_of(client.post(release, follow=True)))
    client.force_login(staff["steuerung2"])
    page = client.get(f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/").content.decode()
    assert f'<form method="post" action="{release}">' in page and "Freigabe durch eine andere Person" not in page
    assert messages_of(client.post(release, follow=True)) == ["Die Zahlung ist freigegeben."]
    page = client.get(f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/").content.decode()
    paid_shown = date_format(payment.paid_on, "SHORT_DATE_FORMAT")
    released = f"{staff['steuerung2'].get_display_name()}, {date_format(timezone.localdate(), 'SHORT_DATE_FORMAT')}"
    assert (
        f'<tr><td>{paid_shown}</td><td class="num">400,00</td><td>Überweisung</td>'
        f"<td>{staff['steuerung'].get_display_name()}</td><td>{released}</td></tr>"
    ) in page
    assert Application.objects.get().status == Status.PAID


def test_the_list_filters_and_exports(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant
) -> None:
    make_application(aktionsfonds, person=applicant, title="Hoffest")
    submitted = make_application(aktionsfonds, person=applicant, title="Kiezputz")
    application_submit(application=submitted, by=None)
    client.force_login(user_with_role(area, Role.KOORDINATION, username="koord-fonds"))
    url = f"/gebiet/{area.slug}/fonds/antraege/"
    html = client.get(url, {"status": "eingereicht"}).content.decode()
    assert "Kiezputz" in html and "Hoffest" not in html
    csv = client.get(url, {"q": "hof", "export": "csv"}).content.decode("utf-8-sig")
    assert "Hoffest" in csv and "Kiezputz" not in csv and "750,00" in csv


def test_the_export_gives_the_day_of_submission_in_berlin_not_in_utc(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant
) -> None:
    """Submitted at half past midnight in Berlin: that is the day before in UTC, as the database keeps it."""
    import datetime

    submitted = make_application(aktionsfonds, person=applicant, title="Kiezputz")
    after_midnight = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)  # 2 March, 00:30 in Berlin
    Application.objects.filter(pk=submitted.pk).update(status=Status.SUBMITTED, submitted_at=after_midnight)
    client.force_login(staff["gwa"])
    csv = client.get(f"/gebiet/{area.slug}/fonds/antraege/", {"export": "csv"}).content.decode("utf-8-sig")
    assert "2026-03-02" in csv and "2026-03-01" not in csv


def test_the_list_pages_newest_first_with_their_applicants(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant
) -> None:
    made = [make_application(aktionsfonds, person=applicant, title=f"Antrag {n}") for n in range(30)]
    client.force_login(staff["gwa"])
    url = f"/gebiet/{area.slug}/fonds/antraege/"
    first, second = client.get(url).context["page"], client.get(url, {"page": "2"}).context["page"]
    shown = [*first.object_list, *second.object_list]
    expected = sorted(made, key=lambda application: (application.created_at, application.pk), reverse=True)
    assert [application.pk for application in shown] == [application.pk for application in expected]
    assert first.paginator.count == 30 and len(second.object_list) == 5
    assert all(application.person == applicant for application in shown)
    assert client.get(url, {"page": "9"}).context["page"].number == 2


def test_files_are_served_only_to_the_area(
    client: Client, area: Quartier, other_area: Quartier, staff: dict, aktionsfonds: Fund, applicant
) -> None:
    application = make_application(aktionsfonds, person=applicant)
    attachment = application.attachments.create(
        file=ContentFile(b"%PDF-1.4 Kostenvoranschlag", name="x.pdf"), name="Kostenvoranschlag.pdf",
        content_type="application/pdf", size=26,
    )  # fmt: skip
    client.force_login(staff["gwa"])
    response = client.get(f"/gebiet/{area.slug}/fonds/dateien/{attachment.pk}/")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 Kostenvoranschlag"
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert "Kostenvoranschlag.pdf" in response["Content-Disposition"] and "no-store" in response["Cache-Control"]
    client.force_login(user_with_role(other_area, Role.STEUERUNG, username="nordstadt-fonds"))
    assert client.get(f"/gebiet/{other_area.slug}/fonds/dateien/{attachment.pk}/").status_code == 404


#: Session, user, the user's areas with roles and committees (one query), then the page's own.
FUND_PAGE_QUERIES = {"fonds/": 4, "fonds/{fund}/": 10, "fonds/antraege/": 6, "fonds/antraege/{application}/": 4}


@pytest.mark.parametrize("url", FUND_PAGE_QUERIES)
def test_fund_pages_query_count_does_not_grow(
    client: Client,
    area: Quartier,
    staff: dict,
    aktionsfonds: Fund,
    applicant,
    url: str,
    assert_constant_queries: object,
) -> None:
    application = approved(make_application(aktionsfonds, person=applicant, costs=("400.00",)), staff)
    application_commit(application=application, by=staff["steuerung"])
    client.force_login(staff["steuerung"])
    added = iter(range(100))

    def grow() -> None:
        for _ in range(3):
            number = next(added)
            Fund.objects.create(area=area, name=f"Fonds {number}", kind="other", year=2026, budget=1000)
            other = make_application(aktionsfonds, person=applicant, costs=("10.00", "20.00", "30.00"))
            eligible(other, staff)
        from fonds.services.payments import payment_record

        payment_record(
            application=application, amount=Decimal("10"), paid_on=timezone.localdate(), method="bar", by=staff["gwa"]
        )
        application.attachments.create(file=ContentFile(b"%PDF", name="a.pdf"), name="a.pdf", content_type="x", size=4)

    target = f"/gebiet/{area.slug}/" + url.format(fund=aktionsfonds.pk, application=application.pk)
    count = assert_constant_queries(lambda: client.get(target), grow)  # type: ignore[operator]
    assert count == FUND_PAGE_QUERIES[url], count


def test_rounds_tie_a_deadline_to_the_deciding_meeting(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund
) -> None:
    import datetime

    from django.utils import timezone

    from committees.models import Meeting
    from fonds.models import Round

    meeting = Meeting.objects.create(
        committee=aktionsfonds.committee, starts_at=timezone.now() + datetime.timedelta(days=30), place="Büro"
    )
    client.force_login(staff["gwa"])
    url = f"/gebiet/{area.slug}/fonds/{aktionsfonds.pk}/runden/"

    def at(days: int) -> str:
        return timezone.localtime(timezone.now() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")

    refused = messages_of(client.post(url, {"deadline": at(40), "meeting": meeting.pk}, follow=True))
    assert refused == ["Die entscheidende Sitzung muss nach der Einreichungsfrist liegen."]
    refused = messages_of(client.post(url, {"deadline": at(-1)}, follow=True))
    assert refused == ["Die Einreichungsfrist muss in der Zukunft liegen."]
    assert not Round.objects.exists()
    client.post(url, {"deadline": at(14), "meeting": meeting.pk})
    assert Round.objects.get().meeting == meeting
    assert "Sitzung vom" in client.get(f"/gebiet/{area.slug}/fonds/{aktionsfonds.pk}/").content.decode()


def test_the_office_switches_off_a_private_link_and_sends_a_new_one(
    client: Client,
    area: Quartier,
    staff: dict,
    aktionsfonds: Fund,
    applicant,
    mailoutbox: list,
    django_capture_on_commit_callbacks: object,
) -> None:
    from fonds.services.public import access_link_create, application_for_token

    application = make_application(aktionsfonds, person=applicant)
    old = access_link_create(application=application, email="aylin@example.org")
    client.force_login(staff["gwa"])
    url = f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/links/"
    link = application.access_links.get()
    assert messages_of(client.post(url, {"action": "revoke", "link": link.pk}, follow=True)) == [
        "Der Link funktioniert nicht mehr."
    ]
    assert application_for_token(old) is None
    refused = messages_of(client.post(url, {"action": "send", "email": "keine"}, follow=True))
    assert refused and application.access_links.count() == 1 and not deliver()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client.post(url, {"action": "send", "email": "aylin@example.org"})
    [mail] = deliver()
    token = mail.body.split("/antrag/", 1)[1].split("/")[0]
    assert application_for_token(token) == application
    assert "ausgeschaltet am" in client.get(f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/").content.decode()


def test_the_office_checks_a_new_applicant_and_merges_a_duplicate(
    client: Client, area: Quartier, other_area: Quartier, staff: dict, aktionsfonds: Fund
) -> None:
    from actors.models import Person

    known = Person.objects.create(area=area, first_name="Aylin", last_name="Yıldız", email="aylin@example.org")
    Person.objects.create(area=other_area, first_name="Aylin", last_name="Yıldız")  # never offered
    new = Person.objects.create(area=area, first_name="Aylin", last_name="Yıldız", email="AYLIN@example.org")
    application = make_application(aktionsfonds, person=new)
    Application.objects.filter(pk=application.pk).update(applicant_to_review=True)
    client.force_login(staff["gwa"])
    page = client.get(f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/")
    assert [pk for pk, _label in page.context["candidates"]["persons"]] == [known.pk]
    step = f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/schritt/"
    client.post(step, {"action": "review_applicant", "person": str(known.pk)})
    application.refresh_from_db()
    assert application.person == known and not application.applicant_to_review
    assert not Person.objects.filter(pk=new.pk).exists()  # the duplicate is gone
    again = messages_of(client.post(step, {"action": "review_applicant", "person": ""}, follow=True))
    assert again[-1] == "Die antragstellende Person ist schon geprüft."


def test_the_office_decision_takes_amounts_with_a_decimal_comma(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant
) -> None:
    from fonds.services.applications import application_put_forward
    from tests.fonds.test_lifecycle import eligible

    application = eligible(make_application(aktionsfonds, person=applicant, costs=("450.00",)), staff)
    application_put_forward(application=application, by=staff["gwa"])
    client.force_login(staff["steuerung"])
    step = f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/schritt/"
    refused = messages_of(client.post(step, {"action": "decide", "decision": "approve", "amount": "viel"}, follow=True))
    assert any("Bitte eine Zahl eingeben" in message for message in refused)
    refused = messages_of(client.post(step, {"action": "decide", "decision": "vielleicht"}, follow=True))
    assert any("Bitte eine gültige Auswahl treffen" in message for message in refused)
    assert Application.objects.get().status == Status.FOR_DECISION
    client.post(step, {"action": "decide", "decision": "approve", "amount": "400,50"})
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.approved_amount == Decimal("400.50")


def test_made_up_keys_in_the_steps_are_refused_not_an_error(
    client: Client, area: Quartier, staff: dict, aktionsfonds: Fund, applicant
) -> None:
    """A meeting, person or link named by "²" (a digit to str.isdigit, not to int) or by letters was a server
    error (found by tests/test_fuzz_forms.py)."""
    from tests.fonds.test_lifecycle import eligible

    application = eligible(make_application(aktionsfonds, person=applicant), staff)
    client.force_login(staff["gwa"])
    page = f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/"
    for target in ("meeting-x", "meeting-²", "ballot-9" + "9" * 5000):
        refused = messages_of(client.post(page + "schritt/", {"action": "put_forward", "target": target}, follow=True))
        assert refused == ["Wählen Sie eine Sitzung oder eine Abstimmung des Gremiums des Fonds."]
    step = {"action": "review_applicant", "person": "²", "organisation": "x"}
    assert messages_of(client.post(page + "schritt/", step, follow=True)) == [
        "Die antragstellende Person ist schon geprüft."
    ]
    refused = messages_of(client.post(page + "links/", {"action": "revoke", "link": "²"}, follow=True))
    assert refused == ["Diesen Link gibt es nicht."]
    application.refresh_from_db()
    assert application.status == Status.ELIGIBLE


def test_lists_read_together_equal_the_lists_read_one_by_one(
    area: Quartier, staff: dict, aktionsfonds: Fund, applicant
) -> None:
    from fonds.services.payments import payment_record
    from quartier.selectors import lists_of

    application = approved(make_application(aktionsfonds, person=applicant, costs=("400.00", "12.50")), staff)
    application_commit(application=application, by=staff["steuerung"])
    payment_record(
        application=application, amount=Decimal("10.05"), paid_on=timezone.localdate(), method="bar", by=staff["gwa"]
    )
    querysets = {
        "payments": lambda: application.payments.select_related("recorded_by", "released_by"),
        "lines": lambda: application.cost_lines.all(),
        "history": lambda: application.status_changes.select_related("by"),
        "empty": lambda: application.repayments.all(),
    }
    together = lists_of(**{name: queryset() for name, queryset in querysets.items()})
    for name, queryset in querysets.items():
        one_by_one = list(queryset())
        assert [row.pk for row in together[name]] == [row.pk for row in one_by_one], name
        for read, expected in zip(together[name], one_by_one, strict=True):
            for field in expected._meta.concrete_fields:
                assert getattr(read, field.attname) == getattr(expected, field.attname), (name, field.name)
    payment = together["payments"][0]
    assert payment.amount == Decimal("10.05") and str(payment.amount) == "10.05"
    assert payment.recorded_by == staff["gwa"] and payment.recorded_by.username == staff["gwa"].username
    assert payment.released_by is None
    assert payment.application is application  # no query for the owner
    assert [line.amount for line in together["lines"]] == [Decimal("400.00"), Decimal("12.50")]
    assert together["empty"] == []
