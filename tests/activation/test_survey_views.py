"""The office's survey pages: building a questionnaire through the forms, opening and closing it, the QR code and
the poster, translations, paper answers, invitations; another area's survey is invisible, a reader changes nothing,
refusals are shown in German and save nothing, and no page's query count grows with the data."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from activation.models import Choice, Invitation, Question, Response, Survey
from activation.survey_services import submit_response
from actors.models import NetworkMembership
from demo.factories import NetworkFactory, OrganisationFactory, QuartierFactory
from quartier.models import Mail, Quartier, User
from tests.activation.survey_fixtures import by_kind, survey_of_every_kind

pytestmark = pytest.mark.django_db


def office(area: Quartier, suffix: str = "") -> str:
    return f"/gebiet/{area.slug}/umfragen/{suffix}"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_office_builds_a_survey_with_a_question_of_each_kind_and_opens_it(client: Client, area, role_users):
    client.force_login(role_users["gwa"])
    response = client.post(
        office(area, "neu/"),
        {"title": "Wohnumfeld 2026", "introduction": "Ihre Meinung", "audience": "oeffentlich", "closes_on": ""},
    )
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == office(area, f"{survey.pk}/")
    questions = [
        {"kind": "single", "text": "Wohnen Sie hier?", "choices": "ja\r\nnein\r\n"},
        {"kind": "multiple", "text": "Was fehlt?", "choices": "Bänke\nBäume\nLicht"},
        {"kind": "scale", "text": "Wie zufrieden?", "required": "on", "scale_min": "1", "scale_max": "5"},
        {
            "kind": "number",
            "text": "Wie viele?",
            "number_min": "0",
            "number_max": "20",
            "scale_min": "1",
            "scale_max": "5",
        },
        {"kind": "text", "text": "Was noch?", "scale_min": "1", "scale_max": "5"},
    ]
    for data in questions:
        data = {"scale_min": "1", "scale_max": "5", **data}
        assert client.post(office(area, f"{survey.pk}/fragen/neu/"), data).status_code == 302
    assert [q.kind for q in survey.questions.order_by("position")] == ["single", "multiple", "scale", "number", "text"]
    assert list(Choice.objects.filter(question__kind="multiple").values_list("label", flat=True)) == [
        "Bänke",
        "Bäume",
        "Licht",
    ]
    assert client.post(office(area, f"{survey.pk}/status/"), {"action": "open"}).status_code == 302
    survey.refresh_from_db()
    assert survey.status == "offen"
    page = text(client.get(office(area, f"{survey.pk}/")))
    assert f"/oeffentlich/{area.slug}/umfragen/{survey.key}/" in page
    assert f"{survey.pk}/qr.svg" in page and "Umfrage schließen" in page
    qr = client.get(office(area, f"{survey.pk}/qr.svg"))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    png = client.get(office(area, f"{survey.pk}/qr.png") + "?download=1")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n" and "attachment" in png["Content-Disposition"]
    poster = text(client.get(office(area, f"{survey.pk}/plakat/")))
    assert "Wohnumfeld 2026" in poster and f"/oeffentlich/{area.slug}/umfragen/{survey.key}/" in poster
    assert "data:image/svg+xml" in poster


def test_a_refused_question_is_shown_in_german_and_nothing_is_saved(client, area, role_users):
    survey = survey_of_every_kind(area, open_it=False)
    client.force_login(role_users["gwa"])
    response = client.post(
        office(area, f"{survey.pk}/fragen/neu/"),
        {"kind": "single", "text": "Nur eine?", "choices": "ja", "scale_min": "1", "scale_max": "5"},
    )
    assert response.status_code == 200
    assert "mindestens zwei Antwortmöglichkeiten" in text(response)
    assert survey.questions.count() == 5


def test_a_refused_survey_is_shown_in_german_at_its_field_and_nothing_is_saved(client, area, role_users):
    client.force_login(role_users["gwa"])
    foreign = NetworkFactory(area=QuartierFactory())
    for network in ("", str(foreign.pk)):
        response = client.post(
            office(area, "neu/"), {"title": "Selbstevaluation", "audience": "netzwerk", "network": network}
        )
        assert response.status_code == 200
        assert 'class="field field--error"' in text(response)
    assert "Eine Selbstevaluation braucht das Netzwerk, dessen Organisationen antworten." in text(
        client.post(office(area, "neu/"), {"title": "Selbstevaluation", "audience": "netzwerk", "network": ""})
    )
    assert not Survey.objects.exists()
    survey = survey_of_every_kind(area)
    response = client.post(
        office(area, f"{survey.pk}/bearbeiten/"),
        {"title": "", "audience": "oeffentlich", "introduction": "Neu geschrieben"},
    )
    assert response.status_code == 200 and "field--error" in text(response)
    survey.refresh_from_db()
    assert (survey.title, survey.introduction) == ("Wie lebt es sich hier?", "Sagen Sie uns Ihre Meinung.")


def test_a_changed_questionnaire_may_not_break_its_answers(client, area, role_users):
    survey = survey_of_every_kind(area)
    q = by_kind(survey)
    submit_response(survey, {q["scale"].pk: "3", q["single"].pk: q["single"].choices.get(label="ja").pk})
    client.force_login(role_users["gwa"])
    edit = office(area, f"{survey.pk}/fragen/{q['single'].pk}/")
    assert "Diese Frage hat Antworten" in text(client.get(edit))
    response = client.post(
        edit,
        {"kind": "multiple", "text": "Wohnen Sie hier?", "choices": "ja\nnein", "scale_min": "1", "scale_max": "5"},
    )
    assert "Art, Skala und Grenzen bleiben" in text(response)
    response = client.post(
        edit,
        {
            "kind": "single",
            "text": "Wohnen Sie hier?",
            "choices": "nein\nvielleicht",
            "scale_min": "1",
            "scale_max": "5",
        },
    )
    assert "„ja“ wurde in Antworten schon gewählt" in text(response)
    assert list(q["single"].choices.values_list("label", flat=True)) == ["ja", "nein"]
    response = client.post(office(area, f"{survey.pk}/fragen/{q['scale'].pk}/loeschen/"), follow=True)
    assert "Die Frage hat Antworten" in text(response)
    assert Question.objects.filter(pk=q["scale"].pk).exists()
    page = text(client.get(office(area, f"{survey.pk}/")))
    assert page.count("hat Antworten") == 2  # the scale and the single choice


def test_another_areas_survey_and_a_question_of_another_survey_are_not_found(client, area, other_area, role_users):
    foreign = survey_of_every_kind(other_area, open_it=False)
    own = survey_of_every_kind(area, open_it=False)
    client.force_login(role_users["gwa"])
    for suffix in (
        "",
        "bearbeiten/",
        "loeschen/",
        "uebersetzung/",
        "fragen/neu/",
        "qr.svg",
        "qr.png",
        "plakat/",
        "papier/",
    ):
        assert client.get(office(area, f"{foreign.pk}/{suffix}")).status_code == 404, suffix
    for suffix in ("status/", "einladungen/", f"fragen/{foreign.questions.first().pk}/loeschen/"):
        assert client.post(office(area, f"{foreign.pk}/{suffix}"), {"action": "open"}).status_code == 404
    stranger = foreign.questions.first()
    assert client.get(office(area, f"{own.pk}/fragen/{stranger.pk}/")).status_code == 404
    assert client.post(office(area, f"{own.pk}/fragen/{stranger.pk}/loeschen/")).status_code == 404
    assert (
        client.post(office(area, f"{own.pk}/fragen/{stranger.pk}/verschieben/"), {"direction": "up"}).status_code == 404
    )
    foreign.refresh_from_db()
    assert foreign.status == "entwurf" and foreign.questions.count() == 5


def test_readers_see_but_do_not_change(client, area, role_users):
    survey = survey_of_every_kind(area, open_it=False)
    for role in ("planung", "koordination"):
        client.force_login(role_users[role])
        page = client.get(office(area, f"{survey.pk}/"))
        assert page.status_code == 200 and "Frage hinzufügen" not in text(page)
        assert client.post(office(area, f"{survey.pk}/status/"), {"action": "open"}).status_code == 403
        assert client.post(office(area, "neu/"), {"title": "x", "audience": "oeffentlich"}).status_code == 403
    survey.refresh_from_db()
    assert survey.status == "entwurf" and Survey.objects.count() == 1


def test_an_empty_survey_is_not_opened_and_says_why(client, area, role_users):
    client.force_login(role_users["gwa"])
    client.post(office(area, "neu/"), {"title": "Leer", "audience": "oeffentlich"})
    survey = Survey.objects.get()
    response = client.post(office(area, f"{survey.pk}/status/"), {"action": "open"}, follow=True)
    assert "Bitte fügen Sie zuerst eine Frage hinzu." in text(response)
    response = client.post(office(area, f"{survey.pk}/status/"), {"action": "erfunden"}, follow=True)
    assert "Bitte wählen Sie einen Schritt" in text(response)
    survey.refresh_from_db()
    assert survey.status == "entwurf"


def test_a_draft_is_deleted_an_opened_survey_is_not(client, area, role_users):
    draft = survey_of_every_kind(area, open_it=False)
    opened = survey_of_every_kind(area, title="Offen")
    client.force_login(role_users["steuerung"])
    assert client.post(office(area, f"{draft.pk}/loeschen/")).status_code == 302
    assert not Survey.objects.filter(pk=draft.pk).exists()
    response = client.post(office(area, f"{opened.pk}/loeschen/"), follow=True)
    assert "Nur eine Umfrage im Entwurf" in text(response)
    assert Survey.objects.filter(pk=opened.pk).exists()


def test_questions_are_moved_on_the_page(client, area, role_users):
    survey = survey_of_every_kind(area, open_it=False)
    q = by_kind(survey)
    client.force_login(role_users["gwa"])
    client.post(office(area, f"{survey.pk}/fragen/{q['text'].pk}/verschieben/"), {"direction": "up"})
    assert list(survey.questions.order_by("position").values_list("kind", flat=True)) == [
        "single",
        "multiple",
        "scale",
        "text",
        "number",
    ]


def test_the_translation_is_saved_and_a_forged_field_changes_nothing(client, area, role_users):
    survey = survey_of_every_kind(area, open_it=False)
    q = by_kind(survey)
    yes = q["single"].choices.get(label="ja")
    client.force_login(role_users["gwa"])
    page = text(client.get(office(area, f"{survey.pk}/uebersetzung/?sprache=tr")))
    assert "Deutsch: Wie lebt es sich hier?" in page and f'name="c{yes.pk}"' in page
    data = {"title": "Burada yaşam nasıl?", f"q{q['single'].pk}_text": "Burada mı oturuyorsunuz?", f"c{yes.pk}": "evet"}
    data["c999999"] = "forged"  # not a field of the form: ignored
    response = client.post(office(area, f"{survey.pk}/uebersetzung/?sprache=tr"), data)
    assert response.status_code == 302
    survey.refresh_from_db()
    yes.refresh_from_db()
    assert survey.translations == {"tr": {"title": "Burada yaşam nasıl?"}} and yes.translations == {"tr": "evet"}
    response = client.post(office(area, f"{survey.pk}/uebersetzung/?sprache=tr"), {"title": "x" * 201})
    assert response.status_code == 200
    survey.refresh_from_db()
    assert survey.translations["tr"]["title"] == "Burada yaşam nasıl?"


def test_paper_answers_are_recorded_in_german_without_a_cookie(client, area, role_users):
    survey = survey_of_every_kind(area)
    q = by_kind(survey)
    client.force_login(role_users["gwa"])
    paper = office(area, f"{survey.pk}/papier/")
    assert client.post(paper, {f"q{q['text'].pk}": "ohne Skala"}).status_code == 400
    for _number in range(3):
        response = client.post(paper, {f"q{q['scale'].pk}": "2", f"q{q['text'].pk}": "an der Tür"})
        assert response.status_code == 302 and not response.cookies.get(f"umfrage_{survey.pk}")
    assert list(Response.objects.values_list("language", flat=True)) == ["de", "de", "de"]


def test_a_self_evaluation_lists_its_invitations_and_invites_nobody_twice(client, area, role_users):
    network = NetworkFactory(area=area, name="AG Jugend")
    reachable = OrganisationFactory(area=area, name="Jugendtreff", email="treff@example.org")
    silent = OrganisationFactory(area=area, name="Bolzplatz-Initiative", email="")
    for organisation in (reachable, silent):
        NetworkMembership.objects.create(network=network, organisation=organisation)
    client.force_login(role_users["gwa"])
    client.post(office(area, "neu/"), {"title": "Selbstevaluation", "audience": "netzwerk", "network": network.pk})
    survey = Survey.objects.get()
    client.post(
        office(area, f"{survey.pk}/fragen/neu/"),
        {"kind": "text", "text": "Was lief gut?", "scale_min": "1", "scale_max": "5"},
    )
    response = client.post(office(area, f"{survey.pk}/status/"), {"action": "open"}, follow=True)
    page = text(response)
    assert "Jetzt verschickte Einladungen: 1." in page and "nicht erreichbar" in page
    assert "Jugendtreff" in page and "treff@example.org" in page
    assert client.get(office(area, f"{survey.pk}/qr.svg")).status_code == 404  # no public link
    client.post(office(area, f"{survey.pk}/einladungen/"))
    assert Mail.objects.count() == 1 and Invitation.objects.count() == 2


def test_the_list_page_and_the_survey_page_read_a_fixed_number_of_queries(
    client, area, role_users, assert_constant_queries
):
    survey = survey_of_every_kind(area)
    client.force_login(role_users["gwa"])

    def grow() -> None:
        for number in range(3):
            other = survey_of_every_kind(area, title=f"Mehr {number}")
            q = by_kind(other)
            submit_response(other, {q["scale"].pk: "3"})
            q = by_kind(survey)
            submit_response(survey, {q["scale"].pk: "4", q["multiple"].pk: [c.pk for c in q["multiple"].choices.all()]})
        from activation.survey_builder import question_add

        question_add(survey=survey, data={"kind": "single", "text": "Neu?"}, choices=["a", "b", "c"], by=None)

    pages = [
        office(area),
        office(area, f"{survey.pk}/"),
        office(area, f"{survey.pk}/plakat/"),
        office(area, f"{survey.pk}/papier/"),
        office(area, f"{survey.pk}/uebersetzung/"),
    ]
    assert_constant_queries(lambda: [client.get(page) for page in pages], grow)


def test_a_self_evaluation_page_reads_a_fixed_number_of_queries(client, area, role_users, assert_constant_queries):
    network = NetworkFactory(area=area)
    survey = Survey.objects.create(area=area, title="Selbstevaluation", audience="netzwerk", network=network)
    Question.objects.create(survey=survey, kind="text", text="?")
    client.force_login(role_users["gwa"])

    def grow() -> None:
        for number in range(3):
            organisation = OrganisationFactory(area=area, email=f"o{number}@example.org")
            Invitation.objects.create(survey=survey, organisation=organisation)

    assert_constant_queries(lambda: client.get(office(area, f"{survey.pk}/")), grow)


def test_the_form_pages_read_a_fixed_number_of_queries(client, area, role_users, assert_constant_queries):
    """The survey's form, a question's form (with answers: it says so), the translations and the delete page."""
    survey = survey_of_every_kind(area)
    draft = survey_of_every_kind(area, title="Entwurf", open_it=False)
    question = by_kind(survey)["multiple"]
    client.force_login(role_users["gwa"])

    def grow() -> None:
        for _number in range(3):
            NetworkFactory(area=area)
            q = by_kind(survey)
            submit_response(survey, {q["scale"].pk: "2", q["multiple"].pk: [c.pk for c in q["multiple"].choices.all()]})
        from activation.survey_builder import question_add, question_update

        question_update(
            question=question, data={}, choices=[*(c.label for c in question.choices.all()), "Mehr"], by=None
        )
        question_add(survey=draft, data={"kind": "single", "text": "Neu?"}, choices=["a", "b", "c"], by=None)

    pages = [
        office(area, f"{survey.pk}/bearbeiten/"),
        office(area, f"{survey.pk}/fragen/{question.pk}/"),
        office(area, f"{survey.pk}/fragen/neu/"),
        office(area, f"{draft.pk}/loeschen/"),
        office(area, f"{survey.pk}/loeschen/"),
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert_constant_queries(lambda: [client.get(page) for page in pages], grow)
    assert "Bänke" in text(client.get(pages[1])) and "Mehr" in text(client.get(pages[1]))


def test_the_area_navigation_leads_to_the_surveys(client, area, role_users: dict[str, User]):
    client.force_login(role_users["koordination"])
    assert f'href="/gebiet/{area.slug}/umfragen/"' in client.get(f"/gebiet/{area.slug}/").content.decode()
