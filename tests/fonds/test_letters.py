"""The decision letter of an application as a PDF: approval with amount, conditions and duties; rejection with
its reason; who decided; the address; refused for other areas and undecided applications."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation
from pypdf import PdfReader

from actors.models import Organisation, Person
from committees.models import AgendaItem, Ballot, Choice, Committee, Meeting, Membership, Result
from committees.services.ballots import ballot_close, ballot_open, vote_cast
from committees.signals import decision_tell
from demo.factories import user_with_role
from fonds.letters import DECIDED_STATES, PROOF_WEEKS, letter_of, letter_pdf, proof_due, summary_of
from fonds.models import Application, CostLine, Fund, Status
from fonds.services.applications import (
    application_assess,
    application_commit,
    application_decide,
    application_put_forward,
    application_review,
    application_submit,
    application_withdraw,
)
from fonds.services.public import ApplicantData
from quartier.models import Quartier, Role, User
from tests.fonds.fixtures import make_application

DAY = datetime.timedelta(days=1)


def gettext(message: str) -> str:
    with translation.override("de"):
        return translation.gettext(message)


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def url(area: Quartier, application: Application) -> str:
    return f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/bescheid.pdf"


@pytest.fixture
def staff(area: Quartier) -> dict[str, User]:
    return {
        "gwa": user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-brief"),
        "steuerung": user_with_role(area, Role.STEUERUNG, username="steuerung-brief"),
        "koordination": user_with_role(area, Role.KOORDINATION, username="koordination-brief"),
    }


def for_decision(application: Application, staff: dict[str, User], **where: object) -> Application:
    application_submit(application=application, by=None)
    application_review(application=application, by=staff["gwa"])
    checks = {criterion.pk: (True, "") for criterion in application.fund.criteria.all()}
    application_assess(application=application, checks=checks, eligible=True, by=staff["gwa"])
    return application_put_forward(application=application, by=staff["gwa"], **where)


@pytest.fixture
def approved(aktionsfonds: Fund, applicant: Person, staff: dict[str, User]) -> Application:
    """1,200 € approved by the office (its limit raised for the test) with two conditions; the project runs
    from 4 to 6 July 2026."""
    aktionsfonds.office_limit = Decimal("1500.00")
    aktionsfonds.save()
    applicant.address = "Schleusenweg 7\n12349 Beispielstadt"
    applicant.save()
    application = make_application(aktionsfonds, person=applicant, costs=("500.00", "700.00"))
    Application.objects.filter(pk=application.pk).update(
        start=datetime.date(2026, 7, 4), end=datetime.date(2026, 7, 6), place="Hof der Kita Sonnenschein"
    )
    for_decision(application, staff)
    return application_decide(
        application=application,
        decision="approve",
        conditions="Förderhinweis auf allen Plakaten.\nBelege im Original aufbewahren.",
        by=staff["steuerung"],
    )


def test_the_approval_letter_names_amount_conditions_fund_duties_and_deadline(
    client: Client, area: Quartier, approved: Application, staff: dict[str, User]
) -> None:
    client.force_login(staff["steuerung"])
    response = client.get(url(area, approved))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="bescheid-{approved.pk}.pdf"'
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "1.200,00 €" in text
    assert "Förderhinweis auf allen Plakaten." in text and "Belege im Original aufbewahren." in text
    assert "Aktionsfonds 2026" in text
    assert "Aylin Yıldız" in text and "Schleusenweg 7" in text and "12349 Beispielstadt" in text
    assert "Hof der Kita Sonnenschein" in text
    due = datetime.date(2026, 7, 6) + datetime.timedelta(weeks=PROOF_WEEKS)
    assert due == datetime.date(2026, 8, 31)
    assert "31. August 2026" in text
    assert "Kiez am Kanal" in text  # the letterhead
    assert gettext("Approved grant") in text
    assert gettext("Payment and your duties") in text
    # The office decided (the amount was within its limit).
    assert gettext("Neighbourhood management %(name)s") % {"name": "Kiez am Kanal"} in text
    metadata = PdfReader(io.BytesIO(response.content)).metadata
    assert metadata.title == gettext("Approval letter: %(title)s") % {"title": "Hoffest im Kiez"}


def test_letters_are_in_german(approved: Application) -> None:
    """Needs the German catalogue of the letter's messages."""
    text = pdf_text(letter_pdf(approved, today=datetime.date(2026, 6, 1)))
    assert "Bewilligung Ihres Antrags „Hoffest im Kiez“" in text
    assert "Bewilligte Zuwendung" in text
    assert "Auflagen" in text
    assert "Verwendungsnachweis" in text
    assert "Guten Tag Aylin Yıldız," in text
    assert "01.06.2026" in text  # the letter's date
    assert PdfReader(io.BytesIO(letter_pdf(approved))).metadata.title == "Bewilligungsschreiben: Hoffest im Kiez"


def test_the_letter_stays_an_approval_once_the_money_is_committed(
    client: Client, area: Quartier, approved: Application, staff: dict[str, User]
) -> None:
    application_commit(application=approved, by=staff["steuerung"])
    client.force_login(staff["gwa"])
    response = client.get(url(area, approved))
    assert response.status_code == 200
    assert "1.200,00 €" in pdf_text(response.content)


def test_the_rejection_letter_gives_the_reason(
    client: Client, area: Quartier, aktionsfonds: Fund, applicant: Person, staff: dict[str, User]
) -> None:
    application = make_application(aktionsfonds, person=applicant, costs=("180.00", "220.00"), title="Kiezputz")
    for_decision(application, staff)
    reason = "Der Fonds fördert keine Veranstaltungen außerhalb des Gebiets."
    application_decide(application=application, decision="reject", reason=reason, by=staff["steuerung"])
    client.force_login(staff["koordination"])
    response = client.get(url(area, application))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert reason in text
    assert "Kiezputz" in text
    assert gettext("Reason") in text
    assert gettext("Approved grant") not in text and "400,00 €" not in text
    metadata = PdfReader(io.BytesIO(response.content)).metadata
    assert metadata.title == gettext("Rejection letter: %(title)s") % {"title": "Kiezputz"}


def test_a_committee_decision_names_the_committee_and_its_ballot(
    client: Client,
    area: Quartier,
    aktionsfonds: Fund,
    applicant: Person,
    jury: Committee,
    jurors: list[Membership],
    staff: dict[str, User],
) -> None:
    application = make_application(aktionsfonds, person=applicant, costs=("500.00", "700.00"))
    opened = timezone.now() - 3 * DAY
    ballot = Ballot.objects.create(committee=jury, title="Umlauf Juni", deadline=opened + 2 * DAY)
    for_decision(application, staff, ballot=ballot)
    ballot_open(ballot=ballot, by=staff["gwa"], now=opened)
    item = ballot.items.get()
    for member in jurors[:5]:
        vote_cast(item=item, membership=member, choice=Choice.YES, by=member.user, now=opened + DAY)
    ballot_close(ballot=ballot, by=staff["gwa"], now=opened + 2 * DAY)
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    client.force_login(staff["steuerung"])
    text = pdf_text(client.get(url(area, application)).content)
    assert "Aktionsfondsjury Kiez am Kanal" in text
    assert "Umlauf Juni" in text
    assert "1.200,00 €" in text


def test_a_meeting_decision_names_the_meeting_and_quotes_the_minutes(
    client: Client,
    area: Quartier,
    aktionsfonds: Fund,
    applicant: Person,
    jury: Committee,
    staff: dict[str, User],
) -> None:
    application = make_application(aktionsfonds, person=applicant, costs=("400.00", "400.00"), title="Sommerkino")
    meeting = Meeting.objects.create(committee=jury, starts_at=timezone.now() + 2 * DAY, place="Stadtteilbüro")
    for_decision(application, staff, meeting=meeting)
    item = meeting.items.get()
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - DAY, status=Meeting.Status.HELD)
    AgendaItem.objects.filter(pk=item.pk).update(
        result=Result.REJECTED, decision="Die Jury lehnt den Antrag ab: Der Hof ist zu klein."
    )
    item.refresh_from_db()
    decision_tell(subject=application, result=item.result, source=item, by=staff["gwa"])
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    client.force_login(staff["gwa"])
    text = pdf_text(client.get(url(area, application)).content)
    assert "Aktionsfondsjury Kiez am Kanal" in text
    assert "Die Jury lehnt den Antrag ab: Der Hof ist zu klein." in text
    day = timezone.localdate(timezone.now() - DAY)
    assert day.strftime("%d.%m.%Y") in text


def test_an_organisation_is_addressed_with_its_address_and_contact_person(
    client: Client, area: Quartier, aktionsfonds: Fund, applicant: Person, staff: dict[str, User]
) -> None:
    org = Organisation.objects.create(
        area=area, name="Mieterinitiative Uferstraße", street="Uferstraße 3", postcode="12345", city="Beispielstadt"
    )
    application = make_application(aktionsfonds, organisation=org, person=applicant, costs=("250.00",))
    for_decision(application, staff)
    application_decide(application=application, decision="approve", by=staff["gwa"])
    client.force_login(staff["koordination"])
    text = pdf_text(client.get(url(area, application)).content)
    assert "Mieterinitiative Uferstraße" in text
    assert "Uferstraße 3" in text and "12345 Beispielstadt" in text
    assert "Aylin Yıldız" in text
    assert "250,00 €" in text


def test_a_persons_address_is_left_out_for_who_may_not_see_persons(
    client: Client, area: Quartier, approved: Application, staff: dict[str, User]
) -> None:
    client.force_login(staff["koordination"])
    text = pdf_text(client.get(url(area, approved)).content)
    assert "Aylin Yıldız" in text
    assert "Schleusenweg 7" not in text and "12349" not in text


def test_an_application_of_another_area_is_not_found(
    client: Client, area: Quartier, other_area: Quartier, approved: Application, outsider: User
) -> None:
    client.force_login(outsider)
    assert client.get(url(other_area, approved)).status_code == 404
    assert client.get(url(area, approved)).status_code == 404
    own = user_with_role(other_area, Role.GEMEINWESENARBEIT, username="gwa-nord")
    client.force_login(own)
    assert client.get(f"/gebiet/{other_area.slug}/fonds/antraege/{approved.pk}/bescheid.pdf").status_code == 404
    assert client.get(f"/gebiet/{other_area.slug}/fonds/antraege/999999/bescheid.pdf").status_code == 404


def test_an_undecided_application_has_no_letter(
    client: Client, area: Quartier, aktionsfonds: Fund, applicant: Person, staff: dict[str, User]
) -> None:
    application = make_application(aktionsfonds, person=applicant)
    client.force_login(staff["steuerung"])
    message = gettext("There is no decision on this application, so there is no letter.")
    seen = []
    for step in (
        lambda: None,
        lambda: application_submit(application=application, by=None),
        lambda: application_review(application=application, by=staff["gwa"]),
        lambda: application_assess(
            application=application,
            checks={criterion.pk: (True, "") for criterion in application.fund.criteria.all()},
            eligible=True,
            by=staff["gwa"],
        ),
        lambda: application_put_forward(application=application, by=staff["gwa"], ballot=_draft(application)),
        lambda: application_withdraw(application=application, by=staff["gwa"]),
    ):
        step()
        application.refresh_from_db()
        seen.append(application.status)
        assert application.status not in DECIDED_STATES
        response = client.get(url(area, application))
        assert response.status_code == 404, application.status
        assert response.context["exception"] == message
    assert seen == [
        Status.DRAFT,
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.ELIGIBLE,
        Status.FOR_DECISION,
        Status.WITHDRAWN,
    ]


def _draft(application: Application) -> Ballot:
    return Ballot.objects.create(
        committee=application.fund.committee, title="Umlauf", deadline=timezone.now() + 7 * DAY
    )


def test_a_deferred_application_has_no_letter(
    client: Client, area: Quartier, aktionsfonds: Fund, applicant: Person, staff: dict[str, User]
) -> None:
    application = make_application(aktionsfonds, person=applicant, costs=("200.00",))
    for_decision(application, staff)
    application_decide(application=application, decision="defer", by=staff["gwa"])
    client.force_login(staff["steuerung"])
    assert client.get(url(area, application)).status_code == 404


def test_the_deadline_falls_back_to_the_start_or_the_decision() -> None:
    decided = datetime.date(2026, 3, 1)
    application = Application(start=datetime.date(2026, 5, 1))
    assert proof_due(application, decided) == datetime.date(2026, 6, 26)
    assert proof_due(Application(), decided) == datetime.date(2026, 4, 26)
    assert proof_due(Application(), None) is None


def test_the_letter_reads_a_constant_number_of_queries(
    client: Client,
    area: Quartier,
    approved: Application,
    applicant: Person,
    staff: dict[str, User],
    assert_constant_queries: object,
) -> None:
    client.force_login(staff["steuerung"])

    def request() -> None:
        assert client.get(url(area, approved)).status_code == 200

    def grow() -> None:
        CostLine.objects.bulk_create(
            [
                CostLine(
                    application=approved, position=10 + n, category="sachkosten", description=f"Posten {n}", amount=5
                )
                for n in range(12)
            ]
        )
        for n in range(3):
            other = make_application(approved.fund, person=applicant, costs=("100.00",), title=f"Idee {n}")
            for_decision(other, staff)
            application_decide(application=other, decision="approve", by=staff["gwa"])

    assert_constant_queries(request, grow)  # type: ignore[operator]


# --- the address in the window, and long tables -------------------------------------------------------------------


def web_form_applicant(area: Quartier, **address: str) -> Person:
    """A person as the public form makes them: the postal address only if they gave one (two lines, DIN 5008)."""
    data = ApplicantData(
        first_name="Selin", last_name="Kaya", organisation="", email="selin@example.org", phone="", is_resident=True,
        **address,
    )  # fmt: skip
    return Person.objects.create(area=area, first_name="Selin", last_name="Kaya", address=data.address)


def decided_letter(fund: Fund, staff: dict[str, User], **kwargs: object) -> Application:
    fund.office_limit = Decimal("1500.00")
    fund.save()
    application = make_application(fund, **kwargs)  # type: ignore[arg-type]
    for_decision(application, staff)
    return application_decide(application=application, decision="approve", by=staff["steuerung"])


MM = 72 / 25.4  # PDF points per millimetre


def window(pdf: bytes) -> str:
    """The recipient as a window envelope shows it: the text of the first page inside the address zone of DIN 5008
    form B (20 mm from the left, 85 mm wide; 62.7 mm to 90 mm from the top), top to bottom."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    height = float(page.mediabox.height)
    found: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
        from_top = (height - y) / MM
        if text.strip() and 20 <= x / MM <= 105 and 62.7 <= from_top <= 90:
            found.append((from_top, x, text.strip()))

    page.extract_text(visitor_text=visit)
    return " ".join(text for _top, _x, text in sorted(found))


def test_a_letter_to_an_applicant_from_the_web_form_carries_the_address_they_gave(
    area: Quartier, aktionsfonds: Fund, staff: dict[str, User]
) -> None:
    person = web_form_applicant(area, street="Am Kanal 3", postcode="12349", city="Beispielstadt")
    assert person.address == "Am Kanal 3\n12349 Beispielstadt"
    application = decided_letter(aktionsfonds, staff, person=person)
    assert window(letter_pdf(application)) == "Selin Kaya Am Kanal 3 12349 Beispielstadt"
    # A group from the web form has no address of its own: the letter goes to it at its contact's address.
    group = Organisation.objects.create(area=area, name="Kanalkinder", kind=Organisation.Kind.INITIATIVE)
    for_group = decided_letter(aktionsfonds, staff, person=person, organisation=group, title="Kinderfest")
    assert window(letter_pdf(for_group)) == "Kanalkinder z. Hd. Selin Kaya Am Kanal 3 12349 Beispielstadt"
    # Readers who may not see a person's data get the letter without it.
    assert window(letter_pdf(application, with_address=False)) == "Selin Kaya"


def test_a_letter_without_an_address_has_the_name_alone(
    area: Quartier, aktionsfonds: Fund, staff: dict[str, User]
) -> None:
    person = web_form_applicant(area)
    assert person.address == ""
    application = decided_letter(aktionsfonds, staff, person=person)
    pdf = letter_pdf(application)
    assert window(pdf) == "Selin Kaya"
    assert "None" not in pdf_text(pdf)
    group = Organisation.objects.create(area=area, name="Kanalkinder", kind=Organisation.Kind.INITIATIVE)
    for_group = decided_letter(aktionsfonds, staff, person=person, organisation=group, title="Kinderfest")
    assert window(letter_pdf(for_group)) == "Kanalkinder z. Hd. Selin Kaya"


def test_a_long_cost_plan_repeats_its_header_on_each_page_and_prints_its_total_once(
    area: Quartier, aktionsfonds: Fund, applicant: Person, staff: dict[str, User]
) -> None:
    application = decided_letter(aktionsfonds, staff, person=applicant, costs=("10.00",) * 70)
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(letter_pdf(application))).pages]
    header = f"{gettext('Category')} {gettext('Description')} {gettext('Amount')}"
    spanned = [index for index, page in enumerate(pages) if re.search(r"Posten \d+ ", page)]
    assert len(spanned) >= 2, "the cost plan should run over a page break"
    assert all(header in pages[index] for index in spanned)
    text = " ".join(pages)
    total = f"{gettext('Total costs')} 700,00 €"
    after = text[text.index("Posten 70 ") :]
    assert after.count(total) == 1 and text.count(total) == 2  # the foot once, and the project's facts above


def test_a_letter_to_a_turkish_applicant_stays_german_and_ends_with_a_summary_in_turkish(
    approved: Application,
) -> None:
    approved.language = "tr"
    text = pdf_text(letter_pdf(approved, today=datetime.date(2026, 6, 1)))
    assert "Bewilligung Ihres Antrags „Hoffest im Kiez“" in text  # the legal text: German
    assert "Kendi dilinizde özet" in text
    assert "“Hoffest im Kiez” başvurunuz 1.200,00 € ile onaylandı." in text
    assert "Yalnızca yukarıdaki Almanca yazı bağlayıcıdır." in text


def test_a_letter_to_an_arabic_applicant_ends_with_a_summary_right_to_left(approved: Application) -> None:
    approved.language = "ar"
    letter = letter_of(approved)
    summary = summary_of(approved, letter=letter)
    assert summary is not None and summary.lang == "ar" and summary.rtl
    assert summary.heading == "ملخّص بلغتك"
    assert "تمت الموافقة على طلبك «Hoffest im Kiez»" in summary.text
    assert letter_pdf(approved).startswith(b"%PDF")


def test_a_letter_to_a_german_applicant_has_no_summary(approved: Application) -> None:
    assert summary_of(approved, letter=letter_of(approved)) is None
    assert "Zusammenfassung in Ihrer Sprache" not in pdf_text(letter_pdf(approved))
