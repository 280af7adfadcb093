"""The public side of the funds: the open funds, the application in steps behind a private link, the status
page, query and resubmission, the proof of use, and every refusal (with its German message, saving nothing)."""

from __future__ import annotations

import datetime
import hashlib
import os
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from actors.models import Organisation, Person
from committees.models import Committee, Meeting
from demo.factories import user_with_role
from fonds.models import AccessLink, Application, Attachment, CostLine, Fund, Receipt, Round, Status
from fonds.services.applications import (
    application_assess,
    application_commit,
    application_decide,
    application_put_forward,
    application_query,
    application_review,
)
from fonds.services.payments import payment_record, payment_release
from fonds.services.public import access_link_create, access_link_revoke, application_for_token, token_hash
from quartier.models import Quartier, Role
from tests.fonds.fixtures import make_application
from tests.mails import deliver

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32

WHO = {
    "first_name": "Aylin",
    "last_name": "Yıldız",
    "organisation": "",
    "email": "aylin@example.org",
    "phone": "",
    "is_resident": "on",
    "age_confirmed": "on",
}
PROJECT = {
    "title": "Hoffest am Kanal",
    "description": "Ein Fest für alle im Hof, mit Musik und Essen.",
    "goals": "Nachbar*innen lernen sich kennen.",
    "place": "Hof Kanalstraße 5",
    "start": "2026-12-12",
    "end": "2026-12-12",
    "expected_participants": "80",
    "volunteer_contribution": "Aufbau und Abbau",
}


def costs(*lines: tuple[str, str], own: str = "", other: str = "", action: str = "save") -> dict[str, str]:
    data = {"own_contribution": own, "other_funding": other, "action": action}
    for number, (description, amount) in enumerate(lines):
        data |= {
            f"line-{number}-category": "sachkosten",
            f"line-{number}-description": description,
            f"line-{number}-amount": amount,
        }
    return data


@pytest.fixture
def fund(aktionsfonds: Fund) -> Fund:
    return aktionsfonds


@pytest.fixture
def staff(area: Quartier) -> dict:
    return {
        "gwa": user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-public"),
        "steuerung": user_with_role(area, Role.STEUERUNG, username="steuerung-public"),
    }


def apply_url(fund: Fund) -> str:
    return f"/oeffentlich/{fund.area.slug}/fonds/{fund.pk}/antrag/"


def start(client: Client, fund: Fund, **changes: str) -> tuple[str, Application]:
    """Step 1 through the form: returns the private token and the draft."""
    response = client.post(apply_url(fund), {**WHO, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]
    token = re.fullmatch(r"/antrag/([\w-]+)/projekt/", response["Location"]).group(1)
    return token, Application.objects.get(access_links__token_hash=token_hash(token))


def draft_with_costs(client: Client, fund: Fund) -> tuple[str, Application]:
    token, application = start(client, fund)
    assert client.post(f"/antrag/{token}/projekt/", PROJECT).status_code == 302
    assert client.post(f"/antrag/{token}/kosten/", costs(("Zelt", "300"), ("Getränke", "150,50"))).status_code == 302
    return token, application


def submitted(client: Client, fund: Fund) -> tuple[str, Application]:
    token, application = draft_with_costs(client, fund)
    assert client.post(f"/antrag/{token}/pruefen/").status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    return token, application


def text(response) -> str:
    return " ".join(response.content.decode().split())


# --- the open funds ---------------------------------------------------------------------------------------


def test_the_fund_list_shows_the_rules_in_plain_german_and_what_remains(
    client: Client, area: Quartier, other_area: Quartier, fund: Fund, applicant: Person, jury: Committee
) -> None:
    meeting = Meeting.objects.create(
        committee=jury, starts_at=timezone.now() + datetime.timedelta(days=20), place="Stadtteilbüro"
    )
    Round.objects.create(fund=fund, deadline=timezone.now() + datetime.timedelta(days=10), meeting=meeting)
    Round.objects.create(fund=fund, deadline=timezone.now() - datetime.timedelta(days=10))  # past: not shown
    application = make_application(fund, person=applicant, costs=("400.00",))
    Application.objects.filter(pk=application.pk).update(status=Status.APPROVED, approved_amount=Decimal("400"))
    Fund.objects.create(area=area, name="Geschlossen", kind="other", year=2026, budget=1, open_for_applications=False)
    Fund.objects.create(area=area, name="Alter Fonds", kind="other", year=2020, budget=1)
    Fund.objects.create(area=other_area, name="Nordfonds", kind="other", year=2026, budget=1)
    Fund.objects.create(
        area=area, name="Verfügungsfonds", kind="verfuegungsfonds", year=2027, budget=20000, co_financing_share=50
    )

    page = text(client.get(f"/oeffentlich/{area.slug}/fonds/"))

    assert "Geld für Ihre Idee in Kiez am Kanal" in page
    assert "9.600,00 € von 10.000,00 €" in page
    assert "Bis zu 1.500,00 € pro Antrag." in page
    assert "Sie müssen kein eigenes Geld einbringen." in page
    assert (
        "Bis 500,00 € entscheidet das Stadtteilbüro, darüber entscheidet das Gremium "
        "„Aktionsfondsjury Kiez am Kanal“." in page
    )
    assert "Entschieden wird in der Sitzung am" in page
    assert "Antragsteller*in wohnt oder wirkt im Gebiet, mindestens 16 Jahre" in page
    assert "Verfügungsfonds 2027" in page
    assert "Mindestens 50 % der Kosten müssen aus eigenem Geld oder anderen Mitteln kommen." in page
    assert "Es gibt keine feste Obergrenze pro Antrag." in page
    assert "Sie können jederzeit einen Antrag stellen." in page  # the Verfügungsfonds has no rounds
    assert apply_url(fund) in page
    for hidden in ("Geschlossen", "Alter Fonds", "Nordfonds"):
        assert hidden not in page


def test_an_unknown_area_has_no_fund_list(client: Client, db: None) -> None:
    assert client.get("/oeffentlich/gibt-es-nicht/fonds/").status_code == 404


def test_the_fund_list_needs_the_same_queries_for_more_funds(
    client: Client, area: Quartier, fund: Fund, applicant: Person, assert_constant_queries: Callable
) -> None:
    url = f"/oeffentlich/{area.slug}/fonds/"

    def grow() -> None:
        for number in range(5):
            more = Fund.objects.create(area=area, name=f"Fonds {number}", kind="other", year=2027, budget=5000)
            more.criteria.create(position=1, text="kommt dem Gebiet zugute")
            more.criteria.create(position=2, text="Sachkosten")
            Round.objects.create(fund=more, deadline=timezone.now() + datetime.timedelta(days=number + 1))
            make_application(more, person=applicant)

    assert assert_constant_queries(lambda: client.get(url), grow) <= 6


# --- the first step ---------------------------------------------------------------------------------------


def test_the_first_step_makes_a_new_applicant_a_draft_and_a_private_link_by_email(
    client: Client, fund: Fund, django_capture_on_commit_callbacks: Callable
) -> None:
    known = Person.objects.create(area=fund.area, last_name="Yıldız", email="aylin@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        token, application = start(client, fund, organisation="Hofinitiative Kanalstraße", phone="030 123")

    assert application.status == Status.DRAFT and application.applicant_to_review
    person = application.person
    assert person.pk != known.pk  # never matched by email: a new person, for the office to review
    assert (person.first_name, person.last_name, person.email, person.phone, person.is_resident) == (
        "Aylin",
        "Yıldız",
        "aylin@example.org",
        "030 123",
        True,
    )
    assert person.area_id == fund.area_id and person.legal_basis == Person.LegalBasis.LEGITIMATE_INTEREST
    assert application.organisation.name == "Hofinitiative Kanalstraße"
    assert application.organisation.kind == Organisation.Kind.INITIATIVE
    link = AccessLink.objects.get(application=application)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in link.token_hash
    assert link.expires_at.date() == (timezone.now() + datetime.timedelta(days=365)).date()
    assert len(deliver()) == 1
    message = deliver()[0]
    assert message.to == ["aylin@example.org"]
    assert message.subject == "Ihr Antrag an Aktionsfonds 2026: Ihr privater Link"
    assert f"/antrag/{token}/" in message.body
    assert "Ihr Entwurf ist gespeichert." in message.body
    follow = client.get(f"/antrag/{token}/projekt/")
    assert "Ihr Entwurf ist gespeichert. Wir haben Ihnen eine E-Mail mit Ihrem privaten Link geschickt." in text(follow)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"last_name": ""}, "Bitte geben Sie Ihren Nachnamen an."),
        ({"email": ""}, "Bitte geben Sie Ihre E-Mail-Adresse an."),
        (
            {"email": "aylin(at)example"},
            "Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@example.org.",
        ),
        (
            {"age_confirmed": ""},
            "Sie müssen mindestens 16 Jahre alt sein, um einen Antrag zu stellen. Bitte bestätigen Sie Ihr Alter.",
        ),
        # A postal address is optional, but whole.
        (
            {"street": "Am Kanal 3"},
            "Bitte geben Sie Ihre Postleitzahl an, oder lassen Sie die ganze Anschrift leer.",
        ),
        (
            {"postcode": "12349", "city": "Beispielstadt"},
            "Bitte geben Sie Ihre Straße und Hausnummer an, oder lassen Sie die ganze Anschrift leer.",
        ),
        (
            {"street": "Am Kanal 3", "postcode": "1234", "city": "Beispielstadt"},
            "Bitte geben Sie eine Postleitzahl mit fünf Ziffern an, zum Beispiel 12345.",
        ),
    ],
)
def test_a_refused_first_step_says_why_and_saves_nothing(
    client: Client, fund: Fund, changes: dict, message: str, django_capture_on_commit_callbacks: Callable
) -> None:
    data = {key: value for key, value in {**WHO, **changes}.items() if value != ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(fund), data)
    assert response.status_code == 400
    assert message in text(response)
    assert not Application.objects.exists() and not Person.objects.exists() and not AccessLink.objects.exists()
    assert deliver() == []


def test_the_postal_address_given_on_the_first_step_is_kept_for_the_letters_and_shown_again(
    client: Client, fund: Fund, django_capture_on_commit_callbacks: Callable
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        token, application = start(client, fund, street=" Am Kanal 3 ", postcode="12349", city="Beispielstadt")
    assert application.person.address == "Am Kanal 3\n12349 Beispielstadt"
    again = text(client.get(f"/antrag/{token}/angaben/"))
    assert 'value="Am Kanal 3"' in again and 'value="12349"' in again and 'value="Beispielstadt"' in again


def test_a_filled_honeypot_pretends_success_and_saves_nothing(
    client: Client, fund: Fund, django_capture_on_commit_callbacks: Callable
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(fund), {**WHO, "homepage": "https://spam.example"}, follow=True)
    assert response.status_code == 200
    assert "Ihr Entwurf ist gespeichert. Wir haben Ihnen eine E-Mail mit Ihrem privaten Link geschickt." in text(
        response
    )
    assert not Application.objects.exists() and not Person.objects.exists()
    assert deliver() == []


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(client: Client, fund: Fund) -> None:
    page = client.get(apply_url(fund)).content.decode()
    field = re.search(r'<div class="pub-hp" aria-hidden="true">.*?</div>', page, re.S).group(0)
    assert 'name="homepage"' in field and 'tabindex="-1"' in field and 'autocomplete="off"' in field


def test_too_many_new_applications_from_one_address_are_refused(client: Client, fund: Fund, settings) -> None:
    settings.FONDS_RATE_LIMIT = 2
    start(client, fund)
    start(client, fund)

    response = client.post(apply_url(fund), WHO)

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert (
        "Über Ihre Internetverbindung wurden in der letzten Stunde viele Anträge begonnen. "
        "Bitte versuchen Sie es in einer Stunde noch einmal." in text(response)
    )
    assert Application.objects.count() == 2
    other = Client(REMOTE_ADDR="192.0.2.99")  # another address is not held up
    assert other.post(apply_url(fund), WHO).status_code == 302


def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_saw(client: Client, fund: Fund, settings) -> None:
    settings.FONDS_RATE_LIMIT = 1
    settings.BEHIND_PROXY = True
    assert client.post(apply_url(fund), WHO, headers={"x-forwarded-for": "198.51.100.1"}).status_code == 302
    assert client.post(apply_url(fund), WHO, headers={"x-forwarded-for": "198.51.100.2"}).status_code == 302
    assert client.post(apply_url(fund), WHO, headers={"x-forwarded-for": "198.51.100.2"}).status_code == 429


def test_a_closed_fund_takes_no_applications(client: Client, fund: Fund) -> None:
    Fund.objects.filter(pk=fund.pk).update(open_for_applications=False)
    assert client.get(apply_url(fund)).status_code == 404
    assert client.post(apply_url(fund), WHO).status_code == 404
    assert not Person.objects.exists()


# --- the private link -------------------------------------------------------------------------------------


def test_a_private_link_is_stored_only_as_its_hash_and_opens_its_application(fund: Fund, applicant: Person) -> None:
    application = make_application(fund, person=applicant)
    now = timezone.now()
    token = access_link_create(application=application, email="a@example.org", now=now)
    link = AccessLink.objects.get()
    assert len(token) >= 43 and link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not AccessLink.objects.filter(token_hash=token).exists()
    assert link.expires_at == now + datetime.timedelta(days=365)
    assert application_for_token(token) == application
    link.refresh_from_db()
    assert link.last_used_at is not None
    assert application_for_token(token[:-1]) is None
    assert application_for_token("") is None
    assert application_for_token(token, now=now + datetime.timedelta(days=366)) is None  # expired
    access_link_revoke(link=link, by=None)
    assert application_for_token(token) is None


def test_the_link_lasts_as_long_as_the_setting_says(fund: Fund, applicant: Person, settings) -> None:
    settings.FONDS_LINK_DAYS = 30
    now = timezone.now()
    access_link_create(application=make_application(fund, person=applicant), email="a@example.org", now=now)
    assert AccessLink.objects.get().expires_at == now + datetime.timedelta(days=30)


@pytest.mark.parametrize("case", ["unknown", "expired", "revoked"])
def test_a_wrong_expired_or_revoked_link_gets_a_clear_german_404(
    client: Client, fund: Fund, applicant: Person, case: str
) -> None:
    application = make_application(fund, person=applicant)
    token = access_link_create(application=application, email="a@example.org")
    link = AccessLink.objects.get()
    if case == "unknown":
        token = ("y" if token[0] == "x" else "x") + token[1:]  # another first letter (a token may start with x)
    elif case == "expired":
        AccessLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    else:
        access_link_revoke(link=link, by=None)

    for page in ("", "projekt/", "kosten/", "pruefen/", "nachweis/"):
        response = client.get(f"/antrag/{token}/{page}")
        assert response.status_code == 404
        body = text(response)
        assert "Dieser Link ist nicht gültig" in body
        assert "Bitte wenden Sie sich an Ihr Stadtteilbüro. Es kann Ihnen einen neuen Link schicken." in body
        assert "Kiez am Kanal" not in body and "Hoffest" not in body  # nothing about the application or its area
        assert response["Cache-Control"] == "private, no-store" and response["Referrer-Policy"] == "same-origin"
    response = client.post(f"/antrag/{token}/projekt/", PROJECT)
    assert response.status_code == 404
    assert Application.objects.get().title == "Hoffest im Kiez"


# --- the steps ----------------------------------------------------------------------------------------------


def test_the_project_step_refuses_an_end_before_the_start_and_saves_nothing(client: Client, fund: Fund) -> None:
    token, application = start(client, fund)
    response = client.post(f"/antrag/{token}/projekt/", {**PROJECT, "start": "2026-12-12", "end": "2026-12-01"})
    assert response.status_code == 400
    assert "Das Ende kann nicht vor dem Beginn liegen." in text(response)
    application.refresh_from_db()
    assert application.title == "Antrag von Aylin Yıldız" and application.description == ""
    assert application.start is None


def test_the_project_step_needs_a_title_and_a_description(client: Client, fund: Fund) -> None:
    token, _application = start(client, fund)
    response = client.post(f"/antrag/{token}/projekt/", {**PROJECT, "title": "", "description": ""})
    assert response.status_code == 400
    assert "Bitte geben Sie Ihrem Projekt einen Titel." in text(response)
    assert "Bitte beschreiben Sie Ihr Projekt." in text(response)


def test_the_project_step_saves_the_project(client: Client, fund: Fund) -> None:
    from actors.models import TargetGroup
    from quartier.models import FieldOfAction

    token, application = start(client, fund)
    field = FieldOfAction.objects.order_by("position").first()
    group = TargetGroup.objects.order_by("position").first()
    data = {**PROJECT, "fields_of_action": [field.pk], "target_groups": [group.pk]}
    response = client.post(f"/antrag/{token}/projekt/", data)
    assert response.status_code == 302 and response["Location"] == f"/antrag/{token}/kosten/"
    application.refresh_from_db()
    assert application.title == "Hoffest am Kanal" and application.start == datetime.date(2026, 12, 12)
    assert application.expected_participants == 80
    assert list(application.fields_of_action.all()) == [field] and list(application.target_groups.all()) == [group]


def test_the_cost_step_saves_the_lines_and_computes_the_request(client: Client, fund: Fund) -> None:
    token, application = start(client, fund)
    response = client.post(
        f"/antrag/{token}/kosten/",
        costs(("Zelt", "1.000,00"), ("Getränke", "234,50 €"), own="100", other="34,50"),
    )
    assert response.status_code == 302 and response["Location"] == f"/antrag/{token}/anhaenge/"
    application.refresh_from_db()
    assert [(line.description, line.amount) for line in application.cost_lines.all()] == [
        ("Zelt", Decimal("1000.00")),
        ("Getränke", Decimal("234.50")),
    ]
    assert (application.total_costs, application.requested) == (Decimal("1234.50"), Decimal("1100.00"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (costs(("Zelt", "300"), ("Rabatt", "-50")), "Ein Betrag muss mehr als 0 € sein."),
        (costs(("Zelt", "zwölf Euro")), "Geben Sie den Betrag in Euro als Zahl an, zum Beispiel 120,50."),
        (costs(("Zelt", "0")), "Ein Betrag muss mehr als 0 € sein."),
        (costs(("", "300")), "Schreiben Sie, wofür dieser Betrag ist."),
        (costs(), "Der Kostenplan muss mehr als 0 € ergeben."),
        (costs(("Zelt", "300"), own="-10"), "Ein Betrag kann nicht negativ sein."),
        (costs(("Zelt", "300"), other="viel"), "Geben Sie den Betrag in Euro als Zahl an, zum Beispiel 120,50."),
        (costs(("Bühne", "2000")), "Der Fonds fördert höchstens 1.500,00 € je Antrag."),
        (
            costs(("Zelt", "300"), own="300"),
            "Eigene und andere Mittel decken schon den ganzen Kostenplan; nichts bleibt zu fördern.",
        ),
        (
            costs(("Zelt", "12,345")),
            "Geben Sie den Betrag in Euro und Cent an, mit höchstens zwei Stellen nach dem Komma.",
        ),
    ],
)
def test_a_refused_cost_plan_says_why_and_keeps_the_saved_one(
    client: Client, fund: Fund, data: dict, message: str
) -> None:
    token, application = start(client, fund)
    assert client.post(f"/antrag/{token}/kosten/", costs(("Flyer", "80"), own="5")).status_code == 302

    response = client.post(f"/antrag/{token}/kosten/", data)

    assert response.status_code == 400
    assert message in text(response)
    application.refresh_from_db()
    assert [(line.description, line.amount) for line in application.cost_lines.all()] == [("Flyer", Decimal("80"))]
    assert (application.own_contribution, application.requested) == (Decimal("5.00"), Decimal("75.00"))


def test_the_co_financing_share_is_checked_on_the_cost_step(client: Client, fund: Fund) -> None:
    Fund.objects.filter(pk=fund.pk).update(co_financing_share=50)
    token, _application = start(client, fund)
    response = client.post(f"/antrag/{token}/kosten/", costs(("Zelt", "1000"), own="100"))
    assert response.status_code == 400
    assert "Mindestens 50 % der Kosten müssen aus eigenen oder anderen Mitteln kommen." in text(response)
    assert not CostLine.objects.exists()


def test_cost_lines_are_added_and_removed_with_htmx_without_saving(client: Client, fund: Fund) -> None:
    token, _application = start(client, fund)
    url = f"/antrag/{token}/kosten/"

    added = client.post(url, costs(("Zelt", "300"), action="add"), headers={"HX-Request": "true"})
    assert added.status_code == 200
    fragment = added.content.decode()
    assert fragment.lstrip().startswith('<div id="pub-costplan">') and "<html" not in fragment
    assert "Posten 2" in fragment and 'name="line-1-description"' in fragment
    assert 'hx-swap-oob="innerHTML:#pub-cost-status">Posten 2 hinzugefügt.' in fragment
    assert re.search(r'<select name="line-1-category"[^>]*autofocus', fragment)  # typing goes on in the new row
    assert 'value="Zelt"' in fragment and "300,00 €" in text(added)
    assert "HX-Request" in added["Vary"]

    removed = client.post(
        url, costs(("Zelt", "300"), ("Bühne", "200"), action="remove-0"), headers={"HX-Request": "true"}
    )
    fragment = removed.content.decode()
    assert 'value="Bühne"' in fragment and 'value="Zelt"' not in fragment and "Posten 2" not in fragment
    assert "Posten entfernt." in fragment
    assert not CostLine.objects.exists()  # only "save" saves

    without_js = client.post(url, costs(("Zelt", "300"), action="add"))  # the same as a normal form submit
    assert without_js.status_code == 200 and "<html" in without_js.content.decode()
    assert "Posten 2" in text(without_js)


def test_the_totals_follow_the_typing_computed_on_the_server(client: Client, fund: Fund) -> None:
    token, _application = start(client, fund)
    data = costs(("Zelt", "1.200,50"), ("Getränke", "abc"), ("Bühne", "500"), own="100,50")
    response = client.post(f"/antrag/{token}/kosten/summe/", data, headers={"HX-Request": "true"})
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert "Gesamtkosten</dt><dd>1.700,50 €" in body
    assert "Sie beantragen beim Fonds</dt><dd>1.600,00 €" in body
    assert "Posten ohne gültigen Betrag werden noch nicht mitgezählt." in body
    assert "Der Fonds fördert höchstens 1.500,00 € je Antrag." in body  # a hint while typing
    assert not CostLine.objects.exists()
    assert client.get(f"/antrag/{token}/kosten/summe/").status_code == 405


def test_an_attachment_is_judged_by_content_and_stored_under_a_random_name(
    client: Client, fund: Fund, django_capture_on_commit_callbacks: Callable
) -> None:
    token, application = start(client, fund)
    url = f"/antrag/{token}/anhaenge/"
    upload = SimpleUploadedFile("../Angebot <Zelt>.pdf", PDF, content_type="image/png")

    response = client.post(url, {"file": upload})

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "Angebot _Zelt_.pdf",
        "application/pdf",
        len(PDF),
    )
    assert attachment.kind == Attachment.Kind.DOCUMENT and attachment.application == application
    assert re.fullmatch(rf"fonds/{fund.area_id}/{application.pk}/[0-9a-f]{{32}}", attachment.file.name)
    assert attachment.file.read() == PDF
    assert "Die Datei „Angebot _Zelt_.pdf“ wurde hinzugefügt." in text(client.get(url))

    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        with_removal = client.post(url, {"remove": str(attachment.pk)}, follow=True)
    assert "Die Datei „Angebot _Zelt_.pdf“ wurde entfernt." in text(with_removal)
    assert not Attachment.objects.exists()
    assert not os.path.exists(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "angebot.pdf",
            PNG,
            "Der Name „angebot.pdf“ endet auf .pdf, die Datei ist aber eine PNG-Datei. Bitte prüfen Sie die Datei.",
        ),
        (
            "angebot.pdf",
            b"Nur ein Text, keine PDF-Datei.",
            "„angebot.pdf“ hat eine Dateiart, die wir nicht annehmen. "
            "Bitte laden Sie eine PDF-, PNG-, JPEG- oder WebP-Datei hoch.",
        ),
        (
            "gross.pdf",
            PDF + b"0" * (10 * 1024 * 1024),
            "Die Datei „gross.pdf“ ist 10,0 MB groß; möglich sind höchstens 10,0 MB. "
            "Bitte laden Sie eine kleinere Datei hoch.",
        ),
        ("leer.pdf", b"", "Die Datei ist leer."),
    ],
)
def test_a_refused_attachment_says_why_and_saves_nothing(
    client: Client, fund: Fund, name: str, content: bytes, message: str, settings
) -> None:
    token, _application = start(client, fund)
    response = client.post(f"/antrag/{token}/anhaenge/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in text(response)
    assert not Attachment.objects.exists()
    assert not any(files for _root, _dirs, files in os.walk(settings.MEDIA_ROOT))


def test_continue_uploads_a_file_chosen_but_not_yet_uploaded(client: Client, fund: Fund) -> None:
    token, application = start(client, fund)
    url = f"/antrag/{token}/anhaenge/"
    without = client.post(url, {"continue": "1"})  # nothing chosen: on to the next step, nothing saved
    assert without.status_code == 302 and without["Location"] == f"/antrag/{token}/pruefen/"
    assert not Attachment.objects.exists()
    onwards = client.post(url, {"continue": "1", "file": SimpleUploadedFile("Plan.pdf", PDF)})
    assert onwards.status_code == 302 and onwards["Location"] == f"/antrag/{token}/pruefen/"
    assert list(application.attachments.values_list("name", flat=True)) == ["Plan.pdf"]
    refused = client.post(url, {"continue": "1", "file": SimpleUploadedFile("plan.pdf", PNG)})
    assert refused.status_code == 400  # a refused file keeps the applicant on the step, with the reason
    assert "endet auf .pdf, die Datei ist aber eine PNG-Datei" in text(refused)
    assert application.attachments.count() == 1


def test_an_application_has_a_limited_number_of_files(client: Client, fund: Fund, settings) -> None:
    settings.FONDS_MAX_ATTACHMENTS = 1
    token, _application = start(client, fund)
    url = f"/antrag/{token}/anhaenge/"
    assert client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 302
    response = client.post(url, {"file": SimpleUploadedFile("b.pdf", PDF)})
    assert response.status_code == 400
    assert "Ein Antrag kann höchstens 1 Datei haben. Bitte entfernen Sie sie zuerst." in text(response)
    assert Attachment.objects.count() == 1


def test_the_whole_application_is_handed_in_and_confirmed_with_the_link(
    client: Client, fund: Fund, django_capture_on_commit_callbacks: Callable
) -> None:
    token, application = draft_with_costs(client, fund)
    check = client.get(f"/antrag/{token}/pruefen/")
    page = text(check)
    assert "Hoffest am Kanal" in page and "Zelt" in page and "450,50 €" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/antrag/{token}/pruefen/")

    assert response.status_code == 302 and response["Location"] == f"/antrag/{token}/eingereicht/"
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.submitted_at is not None
    assert application.requested == Decimal("450.50")
    confirmation = text(client.get(response["Location"]))
    assert "Danke! Ihr Antrag ist eingereicht." in confirmation
    assert f"http://testserver/antrag/{token}/" in confirmation
    message = deliver()[-1]
    assert message.subject == "Ihr Antrag „Hoffest am Kanal“ ist eingegangen"
    assert f"/antrag/{token}/" in message.body and message.to == ["aylin@example.org"]
    assert "wir haben Ihren Antrag „Hoffest am Kanal“ an Aktionsfonds 2026 erhalten." in message.body


def test_line_breaks_typed_in_the_title_are_folded_and_the_confirmation_is_sent(
    client: Client, fund: Fund, django_capture_on_commit_callbacks: Callable
) -> None:
    """The title is a single line: a line break sent in it (not possible in the browser's field, but in a
    request) is kept as a space, so the confirmation mail's subject can be built."""
    token, application = draft_with_costs(client, fund)
    response = client.post(f"/antrag/{token}/projekt/", {**PROJECT, "title": "Hoffest\r\nam  Kanal\n"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.title == "Hoffest am Kanal"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/antrag/{token}/pruefen/").status_code == 302
    assert [message.subject for message in deliver()][-1] == "Ihr Antrag „Hoffest am Kanal“ ist eingegangen"


def test_a_title_stored_with_a_line_break_still_gets_its_confirmation_mail(
    client: Client, fund: Fund, django_capture_on_commit_callbacks: Callable
) -> None:
    """A title that holds a line break from elsewhere (older data, another path) no longer loses the mail."""
    token, application = draft_with_costs(client, fund)
    Application.objects.filter(pk=application.pk).update(title="Hoffest\nam Kanal")
    deliver().clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/antrag/{token}/pruefen/").status_code == 302
    assert [message.subject for message in deliver()] == ["Ihr Antrag „Hoffest am Kanal“ ist eingegangen"]
    message = deliver()[0].message()
    assert "\n" not in message["Subject"]


def test_line_breaks_in_the_applicants_names_are_folded_in_the_first_step(
    client: Client, fund: Fund, django_capture_on_commit_callbacks: Callable
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _token, application = start(client, fund, organisation="Hof-\r\ninitiative", last_name="Yıl\ndız")
    assert application.organisation.name == "Hof- initiative"
    assert application.person.last_name == "Yıl dız"
    assert "\n" not in application.title
    assert len(deliver()) == 1


def test_an_incomplete_draft_cannot_be_handed_in(client: Client, fund: Fund) -> None:
    token, application = start(client, fund)
    response = client.post(f"/antrag/{token}/pruefen/")
    assert response.status_code == 400
    page = text(response)
    assert "Beschreiben Sie Ihr Projekt in Schritt 2, bevor Sie den Antrag einreichen." in page
    assert "Der Kostenplan muss mehr als 0 € ergeben." in page
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_a_draft_is_resumed_through_the_link(client: Client, fund: Fund) -> None:
    token, _application = draft_with_costs(client, fund)
    later = Client()  # another day, another browser: only the link
    status = text(later.get(f"/antrag/{token}/"))
    assert "Ihr Antrag ist noch nicht eingereicht." in status and "Antrag weiter ausfüllen" in status
    assert "Sie haben den Antrag begonnen." in status
    project = later.get(f"/antrag/{token}/projekt/").content.decode()
    assert 'value="Hoffest am Kanal"' in project
    costs_page = later.get(f"/antrag/{token}/kosten/").content.decode()
    assert 'value="Zelt"' in costs_page and 'value="150,50"' in costs_page


def test_the_applicant_changes_their_details_while_the_office_has_not_reviewed_them(client: Client, fund: Fund) -> None:
    token, application = start(client, fund, organisation="Hofinitiative")
    response = client.post(f"/antrag/{token}/angaben/", {**WHO, "last_name": "Yıldız-Kaya", "organisation": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.person.last_name == "Yıldız-Kaya" and application.organisation is None
    assert not Organisation.objects.exists()  # the group the form made is gone with it

    Application.objects.filter(pk=application.pk).update(applicant_to_review=False)  # the office took them over
    response = client.post(f"/antrag/{token}/angaben/", {**WHO, "last_name": "Anders"})
    assert "Das Stadtteilbüro hat Ihre Angaben schon geprüft." in text(response)
    application.person.refresh_from_db()
    assert application.person.last_name == "Yıldız-Kaya"


def test_a_handed_in_application_cannot_be_changed_through_the_link(client: Client, fund: Fund) -> None:
    token, application = submitted(client, fund)
    response = client.post(f"/antrag/{token}/projekt/", {**PROJECT, "title": "Anders"}, follow=True)
    assert "Ihr Antrag ist eingereicht und kann hier nicht mehr geändert werden." in text(response)
    application.refresh_from_db()
    assert application.title == "Hoffest am Kanal"
    assert client.post(f"/antrag/{token}/kosten/", costs(("X", "1"))).status_code == 302
    assert CostLine.objects.count() == 2


# --- query, status and proof of use ---------------------------------------------------------------------


def test_a_query_is_answered_by_changing_and_handing_in_again(
    client: Client, fund: Fund, staff: dict, django_capture_on_commit_callbacks: Callable
) -> None:
    token, application = submitted(client, fund)
    application_review(application=application, by=staff["gwa"])
    application_query(application=application, question="Wo genau im Hof? Bitte Lageplan.", by=staff["gwa"])

    status = text(client.get(f"/antrag/{token}/"))
    assert "Die Rückfrage des Stadtteilbüros" in status and "Wo genau im Hof? Bitte Lageplan." in status
    assert "Das Stadtteilbüro hat eine Rückfrage an Sie." in status
    assert "gwa-public" not in status and staff["gwa"].get_display_name() not in status  # no staff names

    assert (
        client.post(f"/antrag/{token}/projekt/", {**PROJECT, "place": "Hof Kanalstraße 5, hinten"}).status_code == 302
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/antrag/{token}/pruefen/").status_code == 302

    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.place == "Hof Kanalstraße 5, hinten"
    assert deliver()[-1].subject == "Ihr geänderter Antrag „Hoffest am Kanal“ ist eingegangen"
    status = text(client.get(f"/antrag/{token}/"))
    assert "Sie haben den geänderten Antrag wieder eingereicht." in status
    assert "Die Rückfrage des Stadtteilbüros" not in status


def paid(application: Application, staff: dict) -> Application:
    application_review(application=application, by=staff["gwa"])
    checks = {criterion.pk: (True, "") for criterion in application.fund.criteria.all()}
    application_assess(application=application, checks=checks, eligible=True, by=staff["gwa"])
    application_put_forward(application=application, by=staff["gwa"])
    application_decide(application=application, decision="approve", by=staff["steuerung"])
    application_commit(application=application, by=staff["steuerung"])
    payment = payment_record(
        application=application, amount=application.requested, paid_on=timezone.localdate(), method="bar",
        by=staff["gwa"],
    )  # fmt: skip
    payment_release(payment=payment, by=staff["steuerung"])
    application.refresh_from_db()
    return application


def proof_data(**changes: object) -> dict[str, object]:
    return {
        "receipt-0-date": "2026-12-12",
        "receipt-0-vendor": "Zeltverleih Kanal",
        "receipt-0-amount": "300,00",
        "receipt-1-date": "12.12.2026",
        "receipt-1-vendor": "Getränkehandel",
        "receipt-1-amount": "160",
        "receipt-2-date": "",
        "receipt-2-vendor": "",
        "receipt-2-amount": "",
        "report": "Ein schönes Fest mit 80 Gästen.",
        "participants": "80",
        **changes,
    }


def test_the_proof_of_use_is_handed_in_through_the_link(client: Client, fund: Fund, staff: dict) -> None:
    token, application = submitted(client, fund)
    paid(application, staff)
    status = text(client.get(f"/antrag/{token}/"))
    assert "Verwendungsnachweis einreichen" in status and "Geld wurde ausgezahlt." in status
    assert "Bewilligter Betrag" in status and "450,50 €" in status

    response = client.post(
        f"/antrag/{token}/nachweis/",
        proof_data(
            **{"receipt-0-scan": SimpleUploadedFile("beleg.pdf", PDF)},
            photos=[SimpleUploadedFile("fest.png", PNG), SimpleUploadedFile("hof", PNG)],
        ),
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.PROOF_SUBMITTED
    assert application.proof_report == "Ein schönes Fest mit 80 Gästen." and application.actual_participants == 80
    receipts = list(application.receipts.order_by("pk"))
    assert [(r.vendor, r.amount, r.date) for r in receipts] == [
        ("Zeltverleih Kanal", Decimal("300.00"), datetime.date(2026, 12, 12)),
        ("Getränkehandel", Decimal("160.00"), datetime.date(2026, 12, 12)),
    ]
    scan = Attachment.objects.get(kind=Attachment.Kind.RECEIPT)
    assert scan.receipt == receipts[0] and scan.content_type == "application/pdf"
    assert sorted(Attachment.objects.filter(kind=Attachment.Kind.PHOTO).values_list("name", flat=True)) == [
        "fest.png",
        "hof.png",
    ]
    status = text(client.get(f"/antrag/{token}/", follow=True))
    assert "Danke! Ihr Verwendungsnachweis ist eingereicht." in status
    assert "Sie haben den Verwendungsnachweis eingereicht." in status


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {f"receipt-{n}-{f}": "" for n in range(2) for f in ("date", "vendor", "amount")},
            "Fügen Sie mindestens einen Beleg hinzu.",
        ),
        ({"receipt-1-amount": "-5"}, "Ein Betrag muss mehr als 0 € sein."),
        ({"receipt-1-date": ""}, "Geben Sie das Datum des Belegs an."),
        ({"report": ""}, "Beschreiben Sie in wenigen Worten, was stattgefunden hat."),
        (
            {"photos": [SimpleUploadedFile("fest.png", PNG), SimpleUploadedFile("bericht.pdf", PDF)]},
            "„bericht.pdf“ ist kein Foto. Bitte laden Sie ein Bild als PNG, JPEG oder WebP hoch.",
        ),
        (
            {"receipt-0-scan": SimpleUploadedFile("beleg.pdf", b"Text statt Scan")},
            "„beleg.pdf“ hat eine Dateiart, die wir nicht annehmen.",
        ),
    ],
)
def test_a_refused_proof_of_use_says_why_and_saves_nothing(
    client: Client, fund: Fund, staff: dict, changes: dict, message: str
) -> None:
    token, application = submitted(client, fund)
    paid(application, staff)
    response = client.post(f"/antrag/{token}/nachweis/", proof_data(**changes))
    assert response.status_code == 400
    assert message in text(response)
    application.refresh_from_db()
    assert application.status == Status.PAID and application.proof_report == ""
    assert not Receipt.objects.exists() and not Attachment.objects.exists()


def test_the_proof_of_use_waits_for_the_payment(client: Client, fund: Fund) -> None:
    token, _application = submitted(client, fund)
    response = client.get(f"/antrag/{token}/nachweis/", follow=True)
    assert "Den Verwendungsnachweis können Sie einreichen, sobald das Geld ausgezahlt ist." in text(response)
    assert client.post(f"/antrag/{token}/nachweis/", proof_data()).status_code == 302
    assert not Receipt.objects.exists()


def test_a_receipt_row_is_added_with_htmx(client: Client, fund: Fund, staff: dict) -> None:
    token, application = submitted(client, fund)
    paid(application, staff)
    response = client.get(f"/antrag/{token}/nachweis/?row=3", headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert "Beleg 4" in fragment and 'name="receipt-3-vendor"' in fragment and "<html" not in fragment
    assert 'id="pub-add-receipt" hx-swap-oob="true"' in fragment and "?row=4" in fragment
    assert 'name="receipt-4-vendor"' in text(client.get(f"/antrag/{token}/nachweis/?rows=5"))


def test_the_status_page_tells_where_the_application_stands_in_plain_german(
    client: Client, fund: Fund, staff: dict
) -> None:
    token, application = submitted(client, fund)
    application_review(application=application, by=staff["gwa"])
    page = text(client.get(f"/antrag/{token}/"))
    assert "So weit ist Ihr Antrag" in page
    assert "Das Stadtteilbüro prüft den Antrag." in page
    assert "Das Stadtteilbüro prüft Ihren Antrag. Wenn etwas unklar ist, fragen wir bei Ihnen nach." in page
    for entry in ("Sie haben den Antrag begonnen.", "Sie haben den Antrag eingereicht."):
        assert entry in page
    assert "Antrag weiter ausfüllen" not in page


def test_the_status_page_needs_the_same_queries_for_a_longer_history(
    client: Client, fund: Fund, staff: dict, assert_constant_queries: Callable
) -> None:
    token, application = submitted(client, fund)

    def grow() -> None:
        for _round in range(3):
            application_review(application=application, by=staff["gwa"])
            application_query(application=application, question="Noch eine Frage?", by=staff["gwa"])
            client.post(f"/antrag/{token}/pruefen/")

    assert assert_constant_queries(lambda: client.get(f"/antrag/{token}/"), grow) <= 8


@pytest.mark.parametrize("number", ["²", "9" * 5000])
def test_a_row_or_file_named_by_odd_digits_is_left_alone_not_an_error(client: Client, fund: Fund, number: str) -> None:
    """str.isdigit takes "²" and a number of 5,000 digits, int() neither: both were server errors."""
    token, _application = draft_with_costs(client, fund)
    lines = costs(("Zelt", "300"), ("Bühne", "200"), action=f"remove-{number}")
    kept = client.post(f"/antrag/{token}/kosten/", lines, headers={"HX-Request": "true"})
    assert kept.status_code == 200 and 'value="Zelt"' in kept.content.decode()
    assert client.post(f"/antrag/{token}/anhaenge/", {"remove": number}).status_code < 500


@pytest.mark.parametrize("number", ["²", "9" * 5000])
def test_receipt_rows_asked_for_by_odd_digits_are_the_usual_ones(
    client: Client, fund: Fund, staff: dict, number: str
) -> None:
    token, application = submitted(client, fund)
    paid(application, staff)
    assert client.get(f"/antrag/{token}/nachweis/?row={number}", headers={"HX-Request": "true"}).status_code == 200
    assert 'name="receipt-2-vendor"' in text(client.get(f"/antrag/{token}/nachweis/?rows={number}"))


def test_the_limit_counts_an_ipv6_client_by_its_network(fund: Fund, settings) -> None:
    """A connection's /64 network holds more addresses than anyone could use up: one limit for all of them."""
    settings.FONDS_RATE_LIMIT = 2
    assert Client(REMOTE_ADDR="2001:db8:5:6::1").post(apply_url(fund), WHO).status_code == 302
    assert Client(REMOTE_ADDR="2001:db8:5:6::2").post(apply_url(fund), WHO).status_code == 302
    assert Client(REMOTE_ADDR="2001:db8:5:6:abcd::3").post(apply_url(fund), WHO).status_code == 429
    assert Client(REMOTE_ADDR="2001:db8:5:7::1").post(apply_url(fund), WHO).status_code == 302
