"""The residents' answer page and a self-evaluation's private link: the answer goes through ``submit_response`` in the
page's language; every refusal leaves nothing saved (a draft, closed or unknown survey, forged ids, a huge text, the
rate limit, the honeypot, a used link); one answer per device by a cookie that holds nothing but "answered"."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from activation.models import Answer, Invitation, Response, Survey
from activation.survey_builder import Texts, question_add, survey_create, survey_open, survey_translate
from activation.survey_public import ANSWERS
from activation.survey_services import TEXT_MAX, survey_close
from actors.models import NetworkMembership
from demo.factories import NetworkFactory, OrganisationFactory, QuartierFactory
from quartier.models import Quartier
from tests.activation.survey_fixtures import by_kind, survey_of_every_kind

pytestmark = pytest.mark.django_db


def url(survey: Survey, suffix: str = "") -> str:
    return f"/oeffentlich/{survey.area.slug}/umfragen/{survey.key}/{suffix}"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def good_answer(survey: Survey) -> dict[str, object]:
    q = by_kind(survey)
    return {
        f"q{q['single'].pk}": str(q["single"].choices.get(label="ja").pk),
        f"q{q['multiple'].pk}": [str(c.pk) for c in q["multiple"].choices.filter(label__in=["Bänke", "Licht"])],
        f"q{q['scale'].pk}": "4",
        f"q{q['number'].pk}": "12,5",
        f"q{q['text'].pk}": "Mehr Bänke am Kanal",
    }


@pytest.fixture
def survey(area: Quartier) -> Survey:
    return survey_of_every_kind(area)


def test_the_page_shows_every_question_marked_required_or_optional_and_says_it_is_anonymous(client, survey):
    response = client.get(url(survey))
    assert response.status_code == 200
    page = text(response)
    for question in survey.questions.all():
        assert question.text in page
    assert page.count("(freiwillig)") == 4 and page.count("(Pflichtfeld)") == 1
    assert "anonym" in page and "überspringen" in page
    assert "1 – gar nicht" in page and "5 – sehr" in page  # the scale's end labels beside their values
    assert 'name="homepage"' in page


def test_an_answer_is_saved_in_the_pages_language_and_the_device_remembers_it(client, survey):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "tr"
    response = client.post(url(survey), good_answer(survey))
    assert response.status_code == 302 and response["Location"] == url(survey, "danke/")
    response_row = Response.objects.get()
    assert response_row.language == "tr" and response_row.invitation is None
    assert Answer.objects.filter(response=response_row).count() == 6
    cookie = response.cookies[f"umfrage_{survey.pk}"]
    assert cookie.value == "beantwortet"  # nothing but that it was answered
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == url(survey)
    assert 0 < int(cookie["max-age"]) <= 365 * 24 * 3600
    assert client.get(url(survey, "danke/")).status_code == 200
    again = client.get(url(survey))
    assert again.status_code == 200 and 'name="homepage"' not in again.content.decode()  # no form: answered already
    # Someone else on the same device may still answer.
    another = client.get(url(survey) + "?weitere-person=1")
    assert 'type="submit"' in another.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert client.post(url(survey) + "?weitere-person=1", good_answer(survey)).status_code == 302
    assert Response.objects.count() == 2


def test_the_cookie_lasts_until_the_survey_closes(client, survey, today):
    import datetime

    Survey.objects.filter(pk=survey.pk).update(closes_on=today + datetime.timedelta(days=2))
    response = client.post(url(survey), good_answer(survey))
    assert int(response.cookies[f"umfrage_{survey.pk}"]["max-age"]) <= 3 * 24 * 3600


def test_errors_are_shown_at_each_question_and_what_was_typed_stays(client, survey):
    q = by_kind(survey)
    data = {f"q{q['number'].pk}": "zwölf", f"q{q['text'].pk}": "Mein Text bleibt"}
    response = client.post(url(survey), data)
    assert response.status_code == 400
    page = text(response)
    assert "Bitte beantworten Sie diese Frage." in page  # the required scale
    assert "Bitte geben Sie eine Zahl an." in page
    assert "Mein Text bleibt" in page and 'value="zwölf"' in page
    assert not Response.objects.exists()


@pytest.mark.parametrize("forged", ["choice_of_another_question", "made_up_choice", "choice_of_another_survey"])
def test_forged_choice_ids_are_refused_and_nothing_is_saved(client, survey, forged, area):
    q = by_kind(survey)
    data = good_answer(survey)
    if forged == "choice_of_another_question":
        data[f"q{q['single'].pk}"] = str(q["multiple"].choices.first().pk)
    elif forged == "made_up_choice":
        data[f"q{q['multiple'].pk}"] = ["999999999", "x"]
    else:
        other = by_kind(survey_of_every_kind(area, title="Andere"))
        data[f"q{q['single'].pk}"] = str(other["single"].choices.first().pk)
    response = client.post(url(survey), data)
    assert response.status_code == 400
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_an_answer_to_a_question_of_another_survey_is_not_taken(client, survey, area):
    other = survey_of_every_kind(area, title="Andere")
    foreign = by_kind(other)["text"]
    q = by_kind(survey)
    response = client.post(url(survey), {f"q{foreign.pk}": "fremd", f"q{q['scale'].pk}": "3"})
    assert response.status_code == 302
    assert not Answer.objects.filter(question=foreign).exists()
    assert list(Answer.objects.values_list("question", flat=True)) == [q["scale"].pk]
    # Only a foreign answer: nothing is answered.
    response = client.post(url(survey) + "?weitere-person=1", {f"q{foreign.pk}": "fremd"})
    assert response.status_code == 400 and Response.objects.count() == 1


def test_a_huge_text_is_refused_with_a_message(client, survey):
    q = by_kind(survey)
    response = client.post(url(survey), {f"q{q['scale'].pk}": "3", f"q{q['text'].pk}": "x" * (TEXT_MAX + 1)})
    assert response.status_code == 400
    assert f"höchstens {TEXT_MAX}" in text(response).replace(".", "") or "höchstens" in text(response)
    assert not Response.objects.exists()


def test_a_draft_or_unknown_survey_is_a_404_in_the_pages_language(client, area):
    draft = survey_of_every_kind(area, open_it=False)
    for address in (url(draft), url(draft, "danke/"), f"/oeffentlich/{area.slug}/umfragen/erfunden/"):
        response = client.get(address)
        assert response.status_code == 404
        assert client.post(address, {}).status_code in {404, 405}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get(url(draft))
    assert response.status_code == 404 and response["Content-Language"] == "ar"
    assert 'dir="rtl"' in response.content.decode()
    # Another area's survey is not found under this area's address.
    other = survey_of_every_kind(QuartierFactory(), title="Fremd")
    assert client.get(f"/oeffentlich/{area.slug}/umfragen/{other.key}/").status_code == 404
    assert not Response.objects.exists()


def test_a_closed_survey_says_so_and_takes_nothing(client, survey):
    survey_close(survey=survey, by=None)
    response = client.get(url(survey))
    assert response.status_code == 200 and "geschlossen" in text(response)
    assert client.post(url(survey), good_answer(survey)).status_code == 200
    assert not Response.objects.exists()


def test_too_many_answers_from_one_address_are_refused(client, survey, settings):
    settings.SURVEY_RATE_LIMIT = 2
    for _number in range(2):
        assert client.post(url(survey) + "?weitere-person=1", good_answer(survey)).status_code == 302
    response = client.post(url(survey) + "?weitere-person=1", good_answer(survey))
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert Response.objects.count() == 2
    assert Client(REMOTE_ADDR="192.0.2.99").post(url(survey), good_answer(survey)).status_code == 302
    # Only a hash of the address is kept, in the cache.
    key = ANSWERS._key("127.0.0.1")
    assert cache.get(key) == 2 and "127.0.0.1" not in key


def test_a_bot_filling_the_honeypot_is_thanked_and_nothing_is_saved(client, survey):
    response = client.post(url(survey), {**good_answer(survey), "homepage": "http://spam.example"})
    assert response.status_code == 302 and response["Location"] == url(survey, "danke/")
    assert not Response.objects.exists()
    assert f"umfrage_{survey.pk}" not in response.cookies


def test_the_page_speaks_the_offices_translation_and_german_stands_in(client, area):
    survey = survey_create(area=area, data={"title": "Wie geht's?", "audience": "oeffentlich"}, by=None)
    question = question_add(
        survey=survey, data={"kind": "single", "text": "Wohnen Sie hier?"}, choices=["ja", "nein"], by=None
    )
    yes = question.choices.get(label="ja")
    survey_translate(
        survey=survey,
        language="ar",
        texts=Texts(
            survey={"title": "كيف الحال؟"}, questions={question.pk: {"text": "هل تسكن هنا؟"}}, choices={yes.pk: "نعم"}
        ),
        by=None,
    )
    survey_open(survey=survey, by=None)
    survey.refresh_from_db()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = text(client.get(url(survey)))
    assert "كيف الحال؟" in page and "هل تسكن هنا؟" in page and "نعم" in page
    assert "nein" in page  # no translation: the German text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Wie geht's?" in text(client.get(url(survey))) or "Wie geht&#x27;s?" in text(client.get(url(survey)))


def test_the_public_page_reads_the_same_number_of_queries_however_many_questions(client, area, assert_constant_queries):
    survey = survey_of_every_kind(area)

    def grow() -> None:
        for number in range(4):
            question_add(
                survey=survey, data={"kind": "multiple", "text": f"Mehr {number}?"}, choices=["a", "b", "c"], by=None
            )

    assert_constant_queries(lambda: client.get(url(survey)), grow)


# --- a self-evaluation -------------------------------------------------------------------------------------------


def _self_evaluation(area: Quartier) -> tuple[Survey, Invitation]:
    network = NetworkFactory(area=area)
    organisation = OrganisationFactory(area=area, name="Jugendtreff", email="treff@example.org")
    NetworkMembership.objects.create(network=network, organisation=organisation)
    survey = survey_create(
        area=area, data={"title": "Selbstevaluation", "audience": "netzwerk", "network": network}, by=None
    )
    question_add(survey=survey, data={"kind": "text", "text": "Was lief gut?", "required": True}, choices=[], by=None)
    survey_open(survey=survey, by=None)
    return survey, Invitation.objects.get(survey=survey)


def test_an_organisation_answers_its_self_evaluation_once(client, area):
    survey, invitation = _self_evaluation(area)
    link = f"/oeffentlich/{area.slug}/selbstevaluation/{invitation.key}/"
    question = survey.questions.get()
    page = text(client.get(link))
    assert "Jugendtreff" in page and "Was lief gut?" in page
    assert client.post(link, {f"q{question.pk}": ""}).status_code == 400
    response = client.post(link, {f"q{question.pk}": "Die Zusammenarbeit"})
    assert response.status_code == 302 and response["Location"] == link
    assert Response.objects.get().invitation == invitation
    assert "Set-Cookie" not in response.headers or f"umfrage_{survey.pk}" not in response.cookies
    # Used: the link thanks, and a second answer is not taken.
    assert "Danke" in text(client.get(link))
    client.post(link, {f"q{question.pk}": "Noch einmal"})
    assert Response.objects.count() == 1
    # The public address of a self-evaluation does not exist.
    assert client.get(url(survey)).status_code == 404


def test_a_self_evaluation_link_of_another_area_or_a_draft_is_a_404(client, area):
    _survey, invitation = _self_evaluation(area)
    other = QuartierFactory()
    assert client.get(f"/oeffentlich/{other.slug}/selbstevaluation/{invitation.key}/").status_code == 404
    assert client.get(f"/oeffentlich/{area.slug}/selbstevaluation/erfunden/").status_code == 404
    network = NetworkFactory(area=area)
    draft = survey_create(area=area, data={"title": "Entwurf", "audience": "netzwerk", "network": network}, by=None)
    unsent = Invitation.objects.create(survey=draft, organisation=OrganisationFactory(area=area))
    assert client.get(f"/oeffentlich/{area.slug}/selbstevaluation/{unsent.key}/").status_code == 404


def test_a_closed_self_evaluation_takes_no_answer(client, area):
    survey, invitation = _self_evaluation(area)
    survey_close(survey=survey, by=None)
    link = f"/oeffentlich/{area.slug}/selbstevaluation/{invitation.key}/"
    assert "geschlossen" in text(client.get(link))
    client.post(link, {f"q{survey.questions.get().pk}": "spät"})
    assert not Response.objects.exists()


def test_a_cookie_is_nothing_but_the_note(client, survey):
    response = client.post(url(survey), good_answer(survey))
    assert set(response.cookies) == {f"umfrage_{survey.pk}"}  # no session, no identifier


def test_the_thanks_page_and_a_self_evaluation_link_read_a_fixed_number_of_queries(
    client, area, survey, assert_constant_queries
):
    evaluation, invitation = _self_evaluation(area)
    link = f"/oeffentlich/{area.slug}/selbstevaluation/{invitation.key}/"

    def grow() -> None:
        for number in range(3):
            for questionnaire in (survey, evaluation):
                question_add(
                    survey=questionnaire,
                    data={"kind": "multiple", "text": f"Mehr {number}?"},
                    choices=["a", "b", "c"],
                    by=None,
                )

    pages = [url(survey, "danke/"), link]
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert_constant_queries(lambda: [client.get(page) for page in pages], grow)
    assert "Mehr 2?" in text(client.get(link))
