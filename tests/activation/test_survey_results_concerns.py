"""A free-text answer made a concern: through the concerns' service, raised on the answer's day by nobody, linked to
the answer and never made twice (also by two requests at once); refused for another area's answer, an answer that is
no text, and a role that may not record concerns."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from activation.models import Answer, Question, Survey
from activation.survey_services import answer_make_concern
from actors.models import Concern
from demo.factories import user_with_role
from quartier.models import FieldOfAction, Quartier, Role, User
from tests.activation.test_survey_results import answer, make_survey

K = Question.Kind


def text_answer(survey: Survey) -> Answer:
    return Answer.objects.filter(response__survey=survey, question__kind=K.TEXT).get()


@pytest.fixture
def survey(area: Quartier, today: datetime.date) -> Survey:
    survey = make_survey(area)
    answer(survey, day=today - datetime.timedelta(days=3), text="Die Laterne am Spielplatz ist seit Wochen kaputt.")
    return survey


def url(area: Quartier, survey: Survey, answer: Answer) -> str:
    return f"/gebiet/{area.slug}/umfragen/{survey.pk}/ergebnisse/antworten/{answer.pk}/anliegen/"


@pytest.mark.django_db
def test_the_office_makes_an_anonymous_concern_of_a_free_text_answer_once(
    client: Client, area: Quartier, survey: Survey, role_users: dict[str, User], today: datetime.date
) -> None:
    given = text_answer(survey)
    client.force_login(role_users["gwa"])
    form = client.get(url(area, survey, given))
    assert form.status_code == 200
    assert "Die Laterne am Spielplatz ist seit Wochen kaputt.</textarea>" in form.content.decode()  # prefilled
    field = FieldOfAction.objects.first()
    response = client.post(
        url(area, survey, given), {"text": "Laterne am Spielplatz kaputt", "field_of_action": field.pk, "place": ""}
    )
    concern = Concern.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/anliegen/{concern.pk}/")
    assert (concern.area, concern.text, concern.field_of_action, concern.status) == (
        area, "Laterne am Spielplatz kaputt", field, "neu",
    )  # fmt: skip
    assert concern.raised_on == today - datetime.timedelta(days=3)
    assert concern.raised_by_person is None and concern.raised_by_organisation is None and not concern.tell_raiser
    given.refresh_from_db()
    assert given.concern == concern
    # The results show it as made, with the link; a second time is refused and leads to the concern.
    html = client.get(f"/gebiet/{area.slug}/umfragen/{survey.pk}/ergebnisse/").content.decode()
    assert f'href="/gebiet/{area.slug}/anliegen/{concern.pk}/">Anliegen erstellt</a>' in html
    assert "Anliegen daraus machen" not in html
    again = client.post(url(area, survey, given), {"text": "Noch einmal", "place": ""})
    assert again.status_code == 302 and again["Location"].endswith(f"/anliegen/{concern.pk}/")
    assert Concern.objects.count() == 1
    with pytest.raises(ValidationError, match="schon ein Anliegen"):
        answer_make_concern(answer=given, area=area, data={"text": "x"}, by=role_users["gwa"])
    assert Concern.objects.count() == 1


@pytest.mark.django_db
def test_the_form_reads_a_fixed_number_of_queries(
    client: Client,
    area: Quartier,
    survey: Survey,
    role_users: dict[str, User],
    today: datetime.date,
    assert_constant_queries: Callable[..., int],
) -> None:
    given = text_answer(survey)
    client.force_login(role_users["gwa"])

    def grow() -> None:
        for number in range(3):
            FieldOfAction.objects.create(key=f"feld-{number}", name=f"Handlungsfeld {number}", position=100 + number)
            answer(survey, day=today, text=f"Noch eine Idee {number}")

    assert client.get(url(area, survey, given)).status_code == 200
    assert_constant_queries(lambda: client.get(url(area, survey, given)), grow)


@pytest.mark.django_db
def test_refused_for_another_area_a_non_text_answer_bad_input_and_roles_without_the_right(
    client: Client,
    area: Quartier,
    other_area: Quartier,
    survey: Survey,
    role_users: dict[str, User],
    outsider: User,
    today: datetime.date,
) -> None:
    given = text_answer(survey)
    foreign = make_survey(other_area, title="Fremd")
    answer(foreign, day=today, text="Fremder Text")
    foreign_text = text_answer(foreign)
    scale = Answer.objects.filter(response__survey=survey, question__kind=K.SCALE).get()
    gwa = role_users["gwa"]
    client.force_login(gwa)
    # Another area's answer, under its own survey or under this area's survey; an answer that is no text.
    assert client.post(url(area, foreign, foreign_text), {"text": "x"}).status_code == 404
    assert client.post(url(area, survey, foreign_text), {"text": "x"}).status_code == 404
    assert client.post(url(area, survey, scale), {"text": "x"}).status_code == 404
    assert (
        client.get(f"/gebiet/{area.slug}/umfragen/{survey.pk}/ergebnisse/antworten/999999/anliegen/").status_code == 404
    )
    # An empty text, a forged field of action: the form says so, nothing is saved.
    assert client.post(url(area, survey, given), {"text": "  "}).status_code == 200
    response = client.post(url(area, survey, given), {"text": "Laterne", "field_of_action": "999999"})
    assert response.status_code == 200 and "gültige Auswahl" in response.content.decode()
    # The service refuses the same, whoever calls it.
    with pytest.raises(ValidationError, match="Diese Antwort gibt es nicht"):
        answer_make_concern(answer=foreign_text, area=area, data={"text": "x"}, by=gwa)
    with pytest.raises(ValidationError, match="Nur aus einer Freitext-Antwort"):
        answer_make_concern(answer=scale, area=area, data={"text": "x"}, by=gwa)
    # Roles without the right to record concerns, another area's user, nobody signed in.
    for role in ("planung", "koordination", "steuerung"):
        client.force_login(role_users[role])
        assert client.post(url(area, survey, given), {"text": "x"}).status_code == 403, role
    client.force_login(outsider)
    assert client.post(url(area, survey, given), {"text": "x"}).status_code == 404
    client.logout()
    assert client.post(url(area, survey, given), {"text": "x"}).status_code == 302
    assert not Concern.objects.exists()
    given.refresh_from_db()
    assert given.concern is None


def test_two_requests_at_once_make_one_concern(transactional_db: None, area: Quartier, today: datetime.date) -> None:
    survey = make_survey(area)
    answer(survey, day=today, text="Mehr Mülleimer am Ufer")
    given = text_answer(survey)
    workers = [user_with_role(area, Role.GEMEINWESENARBEIT, username=f"gwa-{n}") for n in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def make(user: User) -> None:
        try:
            barrier.wait()
            answer_make_concern(answer=given, area=area, data={"text": given.text}, by=user)
            outcomes.append("concern")
        except ValidationError as error:
            outcomes.append(str(error.code))
        finally:
            connection.close()

    threads = [threading.Thread(target=make, args=(user,)) for user in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["concern", "made"], outcomes  # one made it, the other was told it is made
    assert Concern.objects.filter(area=area).count() == 1
    assert Answer.objects.get(pk=given.pk).concern == Concern.objects.get()
