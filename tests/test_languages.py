"""The languages: the public pages in the visitor's language (chosen with the switch and remembered, else the
browser's), the office in German or English only, and the applicant's language kept with their application so that
their mails follow it while the office's mails stay German."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation

from actors.models import TargetGroup
from fonds.models import Application, Fund, Status
from fonds.services.applications import application_query, application_review
from quartier.models import FieldOfAction, Mail, Quartier, User
from tests.fonds.test_public import apply_url, costs, start, submitted
from tests.mails import deliver

COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def fund(aktionsfonds: Fund) -> Fund:
    return aktionsfonds


def html_lang(response) -> tuple[str, str]:
    match = re.search(r'<html lang="([\w-]+)" dir="(\w+)">', response.content.decode())
    assert match, response.content.decode()[:300]
    return match.group(1), match.group(2)


def choose(client: Client, language: str, next_url: str = "/", **extra: str):
    return client.post("/sprache/", {"language": language, "next": next_url}, **extra)


# --- the switch ---------------------------------------------------------------------------------------------------


def test_the_front_page_is_german_without_a_choice_or_a_wish(client: Client, area: Quartier) -> None:
    response = client.get("/")
    assert html_lang(response) == ("de", "ltr")
    assert "Ihr Stadtteilbüro" in response.content.decode()
    assert response["Content-Language"] == "de"
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


def test_the_switch_offers_every_language_named_in_itself(client: Client, area: Quartier) -> None:
    page = client.get(f"/oeffentlich/{area.slug}/").content.decode()
    for code, name in [("de", "Deutsch"), ("en", "English"), ("tr", "Türkçe"), ("ar", "العربية")]:
        assert f'value="{code}" lang="{code}"' in page
        assert f">{name}</button>" in page
    assert 'name="next" value="/oeffentlich/kiez-am-kanal/"' in page


def test_the_language_chosen_is_remembered(client: Client, area: Quartier) -> None:
    response = choose(client, "tr", f"/oeffentlich/{area.slug}/")
    assert response.status_code == 302 and response["Location"] == f"/oeffentlich/{area.slug}/"
    assert response.cookies[COOKIE].value == "tr"
    assert response.cookies[COOKIE]["samesite"] == "Lax"

    page = client.get(f"/oeffentlich/{area.slug}/")
    assert html_lang(page) == ("tr", "ltr")
    assert "Fikriniz için para" in page.content.decode()
    assert html_lang(client.get(f"/oeffentlich/{area.slug}/fonds/")) == ("tr", "ltr")
    assert html_lang(client.get(f"/oeffentlich/{area.slug}/gremien/")) == ("tr", "ltr")
    assert html_lang(client.get("/impressum/")) == ("tr", "ltr")


def test_arabic_is_laid_out_right_to_left(client: Client, area: Quartier) -> None:
    choose(client, "ar")
    response = client.get("/")
    assert html_lang(response) == ("ar", "rtl")
    assert "مكتب الحي الخاص بك" in response.content.decode()


def test_the_browser_language_is_the_default_until_one_is_chosen(client: Client, area: Quartier) -> None:
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="ar-SY,ar;q=0.9,en;q=0.5")) == ("ar", "rtl")
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,tr;q=0.8")) == ("tr", "ltr")
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,pl;q=0.8")) == ("de", "ltr")
    choose(client, "en")
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="ar")) == ("en", "ltr")  # the choice wins


def test_an_unknown_language_is_ignored_without_an_error(client: Client, area: Quartier) -> None:
    for code in ["xx", "fr", "", "de-DE" * 50, "../../etc/passwd"]:
        response = choose(client, code, "/impressum/")
        assert response.status_code == 302 and response["Location"] == "/impressum/"
        assert COOKIE not in response.cookies
    assert html_lang(client.get("/")) == ("de", "ltr")
    client.cookies[COOKIE] = "xx"  # a cookie made by hand
    assert html_lang(client.get("/")) == ("de", "ltr")


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "http:///evil.example", "\\\\evil.example", "javascript:alert(1)"],
)
def test_the_switch_never_leads_off_the_site(client: Client, area: Quartier, next_url: str) -> None:
    response = choose(client, "tr", next_url)
    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies[COOKIE].value == "tr"


def test_the_switch_takes_only_a_post(client: Client, area: Quartier) -> None:
    assert client.get("/sprache/?language=tr").status_code == 405


def test_the_switch_needs_the_csrf_token(area: Quartier) -> None:
    client = Client(enforce_csrf_checks=True)
    assert choose(client, "tr").status_code == 403


# --- the office ------------------------------------------------------------------------------------------------


def test_the_office_stays_german_for_a_browser_asking_for_turkish(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    client.force_login(role_users["gwa"])
    response = client.get(f"/gebiet/{area.slug}/", HTTP_ACCEPT_LANGUAGE="tr")
    assert response.status_code == 200 and html_lang(response) == ("de", "ltr")
    client.cookies[COOKIE] = "tr"  # chosen on a public page
    response = client.get(f"/gebiet/{area.slug}/", HTTP_ACCEPT_LANGUAGE="tr")
    assert html_lang(response) == ("de", "ltr")
    page = response.content.decode()
    assert 'value="tr"' not in page and 'value="en" lang="en"' in page  # the office's switch: German, English
    assert html_lang(client.get("/", follow=True)) == ("de", "ltr")  # a signed-in user's front page is the office's


def test_the_office_is_english_when_chosen(client: Client, area: Quartier, role_users: dict[str, User]) -> None:
    client.force_login(role_users["gwa"])
    choose(client, "en", f"/gebiet/{area.slug}/")
    response = client.get(f"/gebiet/{area.slug}/")
    assert html_lang(response) == ("en", "ltr")
    assert html_lang(client.get("/konto/passwort/vergessen/")) == ("en", "ltr")


def test_the_login_page_is_never_arabic(client: Client, area: Quartier) -> None:
    response = client.get("/konto/anmelden/", HTTP_ACCEPT_LANGUAGE="ar")
    assert html_lang(response) == ("de", "ltr")


def test_a_request_leaves_the_language_it_found(client: Client, area: Quartier) -> None:
    with translation.override("de"):
        client.get("/", HTTP_ACCEPT_LANGUAGE="ar")
        assert translation.get_language() == "de"


# --- the applicant's language -------------------------------------------------------------------------------------


def test_an_application_started_in_turkish_keeps_turkish_and_its_mails_follow_it(
    client: Client,
    fund: Fund,
    staff: dict,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    staff["gwa"].email = "gwa@example.org"
    staff["gwa"].save()
    choose(client, "tr")
    with django_capture_on_commit_callbacks(execute=True):
        token, application = submitted(client, fund)
    assert application.language == "tr"
    # The office's records stay German.
    assert application.person.interest_reason.startswith("Hat am ")

    sent = deliver()
    to_applicant = [message for message in sent if message.to == ["aylin@example.org"]]
    to_office = [message for message in sent if message.to == ["gwa@example.org"]]
    assert [message.subject for message in to_applicant] == [
        f"{fund} başvurunuz: özel bağlantınız",
        "“Hoffest am Kanal” başvurunuz bize ulaştı",
    ]
    assert "Merhaba Aylin Yıldız," in to_applicant[0].body and "Künye" in to_applicant[0].body  # the footer too
    assert [message.subject for message in to_office] == ["Neuer Antrag: „Hoffest am Kanal“"]
    assert "Impressum" in to_office[0].body

    # A step of the office tells the applicant in Turkish, whatever the office's language.
    mail.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        application = application_review(application=application, by=staff["gwa"])
        application_query(application=application, by=staff["gwa"], question="Wie viele Zelte?")
    subjects = [message.subject for message in deliver()]
    assert subjects == ["“Hoffest am Kanal” başvurunuz: mahalle bürosunun bir sorusu var"]

    # The status page follows the visitor's page language, not the application's.
    choose(client, "de")
    assert html_lang(client.get(f"/antrag/{token}/")) == ("de", "ltr")


def test_the_office_records_of_an_application_started_in_arabic_are_german(client: Client, fund: Fund) -> None:
    choose(client, "ar")
    _token, application = start(client, fund)
    assert application.language == "ar"
    assert application.title == "Antrag von Aylin Yıldız"


def test_an_application_started_without_a_choice_is_german(client: Client, fund: Fund) -> None:
    _token, application = start(client, fund)
    assert application.language == "de"
    assert application.title == "Antrag von Aylin Yıldız"
    assert Mail.objects.get(about_id=application.pk).subject.startswith("Ihr Antrag")


def test_the_application_form_speaks_arabic_and_refuses_in_arabic(client: Client, fund: Fund) -> None:
    choose(client, "ar")
    response = client.post(apply_url(fund), {"first_name": "", "last_name": "", "email": "kein"})
    assert response.status_code == 400
    page = response.content.decode()
    assert html_lang(response) == ("ar", "rtl")
    assert "يرجى إدخال اسم العائلة." in page
    assert "يرجى إدخال عنوان بريد إلكتروني صحيح، مثلًا name@example.org." in page
    assert Application.objects.count() == 0


def test_amounts_are_written_as_the_language_writes_them(client: Client, fund: Fund) -> None:
    token, application = start(client, fund)
    client.post(f"/antrag/{token}/kosten/", costs(("Zelt", "1300"), ("Getränke", "150,50")))
    choose(client, "en")
    assert "1,450.50" in client.get(f"/antrag/{token}/pruefen/").content.decode()
    choose(client, "de")
    assert "1.450,50" in client.get(f"/antrag/{token}/pruefen/").content.decode()
    assert application.status == Status.DRAFT


def test_the_topics_and_groups_of_the_form_are_in_the_resident_s_language(client: Client, fund: Fund) -> None:
    """The fields of action and target groups are rows of the database, written in German; the names the
    installation gave them are translated (``quartier.reference.label_of``), on the project step and the check."""
    choose(client, "tr")
    token, application = start(client, fund)
    page = client.get(f"/antrag/{token}/projekt/").content.decode()
    assert "Çocuklar" in page and "Eğitim" in page
    assert ">Kinder<" not in page and "Bildung" not in page
    application.fields_of_action.add(FieldOfAction.objects.get(key="bildung"))
    application.target_groups.add(TargetGroup.objects.get(name="Kinder"))
    check = client.get(f"/antrag/{token}/pruefen/").content.decode()
    assert "Eğitim" in check and "Çocuklar" in check

    # A name the office changed is shown as it is written; German shows the rows as they are.
    TargetGroup.objects.filter(name="Kinder").update(name="Kinder bis 12")
    assert "Kinder bis 12" in client.get(f"/antrag/{token}/pruefen/").content.decode()
    choose(client, "de")
    german = client.get(f"/antrag/{token}/projekt/").content.decode()
    assert "Bildung" in german and "Eğitim" not in german
