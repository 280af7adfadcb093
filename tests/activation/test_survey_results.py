"""A survey's results in the office: exact figures of every kind of question, the filters, the downloads, the free
texts' list, constant query counts, and the refusals (another area, forged ids, roles, anonymous)."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from activation.models import Choice, Question, Response, Survey
from activation.survey_builder import survey_open
from activation.survey_results import EVERYTHING, TEXTS_SHOWN, ResultFilter, SurveyResults, results_for
from activation.survey_selectors import with_questions
from activation.survey_services import submit_response
from demo.factories import user_with_role
from quartier.models import Quartier, Role, User

K = Question.Kind


def make_survey(area: Quartier, *, title: str = "Wie lebt es sich am Kanal?", audience: str = "oeffentlich") -> Survey:
    """An open survey with a question of each kind (the scale and the single choice required)."""
    survey = Survey.objects.create(area=area, title=title, audience=audience)
    single = Question.objects.create(
        survey=survey, position=1, kind=K.SINGLE, text="Wohnen Sie im Kiez?", required=True
    )
    Choice.objects.bulk_create([Choice(question=single, position=i, label=x) for i, x in enumerate(["ja", "nein"])])
    multiple = Question.objects.create(survey=survey, position=2, kind=K.MULTIPLE, text="Was fehlt?")
    Choice.objects.bulk_create(
        [Choice(question=multiple, position=i, label=x) for i, x in enumerate(["Bänke", "Bäume", "Licht"])]
    )
    Question.objects.create(
        survey=survey, position=3, kind=K.SCALE, text="Wie zufrieden sind Sie?", required=True,
        scale_min=1, scale_max=5, scale_min_label="gar nicht", scale_max_label="sehr",
    )  # fmt: skip
    Question.objects.create(survey=survey, position=4, kind=K.NUMBER, text="Seit wie vielen Jahren?", number_min=0)
    Question.objects.create(survey=survey, position=5, kind=K.TEXT, text="Was wünschen Sie sich?")
    survey_open(survey=survey, by=user_with_role(area, Role.GEMEINWESENARBEIT, username=f"opener-{survey.pk}"))
    return survey


def kinds(survey: Survey) -> dict[str, Question]:
    """The first question of each kind."""
    return {question.kind: question for question in reversed(survey.questions.all())}


def answer(
    survey: Survey,
    *,
    day: datetime.date,
    single: str = "ja",
    multiple: tuple[str, ...] = (),
    scale: int = 3,
    number: str | None = None,
    text: str = "",
    language: str = "de",
) -> Response:
    """One questionnaire through the one rule for an answer (``submit_response``)."""
    q = kinds(survey)
    labels = {choice.label: choice.pk for question in q.values() for choice in question.choices.all()}
    values: dict[int, object] = {q[K.SINGLE].pk: labels[single], q[K.SCALE].pk: str(scale)}
    if multiple:
        values[q[K.MULTIPLE].pk] = [labels[label] for label in multiple]
    if number is not None:
        values[q[K.NUMBER].pk] = number
    if text:
        values[q[K.TEXT].pk] = text
    return submit_response(survey, values, language=language, today=day)  # type: ignore[arg-type]


@pytest.fixture
def survey(area: Quartier, today: datetime.date) -> Survey:
    """Four questionnaires over three days in two languages."""
    survey = make_survey(area)
    yesterday = today - datetime.timedelta(days=1)
    answer(survey, day=yesterday - datetime.timedelta(days=1), multiple=("Bänke", "Licht"), scale=5, number="2",
           text="Mehr Bänke am Kanal")  # fmt: skip
    answer(survey, day=yesterday, single="nein", multiple=("Bänke",), scale=2, number="10", language="tr",
           text="Daha fazla ağaç")  # fmt: skip
    answer(survey, day=today, scale=4, number="3.5", text="Licht im Park, bitte")
    answer(survey, day=today, scale=4)
    return survey


def results(survey: Survey, filter: ResultFilter = EVERYTHING) -> SurveyResults:
    [fresh] = with_questions(Survey.objects.filter(pk=survey.pk))
    return results_for([fresh], filter=filter)[survey.pk]


@pytest.mark.django_db
def test_every_kind_of_question_has_its_exact_figures(survey: Survey, today: datetime.date) -> None:
    found = results(survey)
    assert found.responses == found.all_responses == 4
    assert [(row.day, row.count) for row in found.by_day] == [
        (today - datetime.timedelta(days=2), 1), (today - datetime.timedelta(days=1), 1), (today, 2),
    ]  # fmt: skip
    assert found.by_language == (("de", 3), ("tr", 1))
    single, multiple, scale, number, text = found.questions
    assert single.answered == 4
    assert [(bar.label, bar.count, bar.share) for bar in single.bars] == [
        ("ja", 3, Decimal("75.0")), ("nein", 1, Decimal("25.0")),
    ]  # fmt: skip
    assert single.leading.label == "ja"
    # A multiple choice question: shares of those who answered it (2), adding up to more than 100 %.
    assert multiple.answered == 2 and multiple.multiple
    assert [(bar.label, bar.count, bar.share) for bar in multiple.bars] == [
        ("Bänke", 2, Decimal("100.0")), ("Bäume", 0, Decimal("0.0")), ("Licht", 1, Decimal("50.0")),
    ]  # fmt: skip
    assert scale.answered == 4
    assert [(bar.label, bar.count) for bar in scale.bars] == [("1", 0), ("2", 1), ("3", 0), ("4", 2), ("5", 1)]
    assert scale.mean == Decimal("3.75") and scale.median == Decimal("4.00")
    assert number.answered == 3 and number.bars == ()
    assert (number.mean, number.median, number.minimum, number.maximum) == (
        Decimal("5.17"), Decimal("3.50"), Decimal("2.00"), Decimal("10.00"),
    )  # fmt: skip
    assert text.answered == 3
    assert [row.text for row in text.texts] == ["Licht im Park, bitte", "Daha fazla ağaç", "Mehr Bänke am Kanal"]


@pytest.mark.django_db
def test_the_filters_narrow_every_figure(survey: Survey, today: datetime.date) -> None:
    turkish = results(survey, ResultFilter(language="tr"))
    assert turkish.responses == 1 and turkish.all_responses == 4
    assert [bar.count for bar in turkish.questions[0].bars] == [0, 1]
    assert [row.text for row in turkish.questions[4].texts] == ["Daha fazla ağaç"]
    recent = results(survey, ResultFilter(first=today - datetime.timedelta(days=1), last=today))
    assert recent.responses == 3
    assert recent.questions[2].mean == Decimal("3.33") and recent.questions[2].median == Decimal("4.00")
    nothing = results(survey, ResultFilter(first=today + datetime.timedelta(days=1)))
    assert nothing.responses == 0 and nothing.by_day == () and nothing.questions[0].answered == 0
    assert nothing.questions[0].bars[0].share is None and nothing.questions[2].mean is None


@pytest.mark.django_db
def test_a_long_span_is_shown_by_week_and_only_the_newest_texts(area: Quartier, today: datetime.date) -> None:
    survey = make_survey(area, title="Lange Umfrage")
    for days in range(0, 100, 7):
        answer(survey, day=today - datetime.timedelta(days=days), text=f"Text vor {days} Tagen")
    found = results(survey)
    assert found.weekly and all(row.day.weekday() == 0 for row in found.by_day)
    assert sum(row.count for row in found.by_day) == found.responses == 15
    texts = found.questions[4].texts
    assert len(texts) == TEXTS_SHOWN and texts[0].text == "Text vor 0 Tagen"


def url(area: Quartier, survey: Survey, suffix: str = "") -> str:
    return f"/gebiet/{area.slug}/umfragen/{survey.pk}/ergebnisse/{suffix}"


@pytest.mark.django_db
def test_the_results_page_shows_numbers_as_text_and_links_the_texts(
    client: Client, area: Quartier, survey: Survey, role_users: dict[str, User]
) -> None:
    client.force_login(role_users["koordination"])
    response = client.get(url(area, survey))
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 Fragebögen beantwortet." in html
    assert "75,0 %" in html and "Mehrere Antworten konnten gewählt werden" in html
    assert "3,75" in html and "Mehr Bänke am Kanal" in html
    assert "Anliegen daraus machen" not in html  # Koordination makes no concerns
    client.force_login(role_users["gwa"])
    html = client.get(url(area, survey), {"language": "tr"}).content.decode()
    assert "1 Fragebogen beantwortet passt zum Filter (von 4)." in html
    assert "Daha fazla ağaç" in html and "Mehr Bänke am Kanal" not in html
    assert "Anliegen daraus machen" in html
    # A filter that is not valid is left out, and the page says why.
    html = client.get(url(area, survey), {"date_from": "3000-01-01", "language": "xx"}).content.decode()
    assert "Diese Filter wurden nicht angewandt" in html and "4 Fragebögen beantwortet." in html


@pytest.mark.django_db
def test_the_downloads_hold_the_summary_and_one_row_per_questionnaire(
    client: Client, area: Quartier, survey: Survey, role_users: dict[str, User], today: datetime.date
) -> None:
    client.force_login(role_users["planung"])
    summary = client.get(url(area, survey, "zusammenfassung.csv"))
    assert summary.status_code == 200 and summary["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(summary.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Frage", "Antwort", "Anzahl", "Anteil in %"]
    assert ["1. Wohnen Sie im Kiez?", "ja", "3", "75,0"] in rows
    assert ["2. Was fehlt?", "Bänke", "2", "100,0"] in rows
    assert ["3. Wie zufrieden sind Sie?", "Mittelwert", "3,75", ""] in rows
    assert ["4. Seit wie vielen Jahren?", "größter Wert", "10,00", ""] in rows
    raw = client.get(url(area, survey, "antworten.csv"), {"language": "de"})
    rows = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Nr.", "Tag", "Sprache", "1. Wohnen Sie im Kiez?"]
    assert len(rows) == 4  # the header and the three German questionnaires
    first = Response.objects.filter(survey=survey).order_by("pk").first()
    assert rows[1] == [
        str(first.pk), str(today - datetime.timedelta(days=2)), "Deutsch", "ja", "Bänke, Licht", "5,00", "2,00",
        "Mehr Bänke am Kanal",
    ]  # fmt: skip
    assert rows[3][4:] == ["", "4,00", "", ""]  # what was not answered stays empty
    xlsx = client.get(url(area, survey, "antworten.xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 5 and sheet.cell(2, 2).number_format == "DD.MM.YYYY"
    assert client.get(url(area, survey, "antworten.pdf")).status_code == 404


@pytest.mark.django_db
def test_the_free_texts_list_pages_through_every_text(
    client: Client, area: Quartier, survey: Survey, role_users: dict[str, User], today: datetime.date
) -> None:
    text = kinds(survey)[K.TEXT]
    for number in range(30):
        answer(survey, day=today, text=f"Wunsch {number}")
    client.force_login(role_users["gwa"])
    page = client.get(url(area, survey, f"fragen/{text.pk}/texte/"))
    html = page.content.decode()
    assert page.status_code == 200 and "33 Texte, neueste zuerst" in html
    assert "Wunsch 29" in html and "Mehr Bänke am Kanal" not in html
    html = client.get(url(area, survey, f"fragen/{text.pk}/texte/"), {"page": 2}).content.decode()
    assert "Mehr Bänke am Kanal" in html
    html = client.get(url(area, survey, f"fragen/{text.pk}/texte/"), {"language": "tr"}).content.decode()
    assert "1 Text, neueste zuerst" in html


@pytest.mark.django_db
def test_another_areas_survey_and_forged_ids_are_not_found(
    client: Client, area: Quartier, other_area: Quartier, survey: Survey, role_users: dict[str, User],
    outsider: User,
) -> None:  # fmt: skip
    foreign = make_survey(other_area, title="Fremd")
    foreign_text = kinds(foreign)[K.TEXT]
    client.force_login(role_users["steuerung"])
    for suffix in ("", "zusammenfassung.csv", "antworten.xlsx", f"fragen/{foreign_text.pk}/texte/"):
        assert client.get(url(area, foreign, suffix)).status_code == 404, suffix
    # A question of another survey, or one that is no free text, under this survey.
    assert client.get(url(area, survey, f"fragen/{foreign_text.pk}/texte/")).status_code == 404
    assert client.get(url(area, survey, f"fragen/{kinds(survey)[K.SCALE].pk}/texte/")).status_code == 404
    assert client.get(url(area, survey, "fragen/999999/texte/")).status_code == 404
    client.force_login(outsider)
    assert client.get(url(area, survey)).status_code == 404
    client.logout()
    assert client.get(url(area, survey)).status_code == 302


@pytest.mark.django_db
def test_the_pages_and_downloads_cost_the_same_queries_with_more_answers_and_questions(
    client: Client,
    area: Quartier,
    survey: Survey,
    role_users: dict[str, User],
    today: datetime.date,
    assert_constant_queries: Callable[..., int],
) -> None:
    client.force_login(role_users["gwa"])
    text = kinds(survey)[K.TEXT]

    def grow() -> None:
        extra = Question.objects.create(survey=survey, position=6, kind=K.MULTIPLE, text="Wo treffen Sie sich?")
        Choice.objects.bulk_create([Choice(question=extra, position=i, label=f"Ort {i}") for i in range(6)])
        Question.objects.create(survey=survey, position=7, kind=K.TEXT, text="Und sonst?")
        for number in range(40):
            answer(survey, day=today - datetime.timedelta(days=number % 9), multiple=("Bäume",),
                   scale=1 + number % 5, number=str(number), text=f"Idee {number}", language="ar")  # fmt: skip

    for suffix in (
        "",
        "?language=de&date_from=2020-01-01",
        "zusammenfassung.xlsx",
        "antworten.csv",
        f"fragen/{text.pk}/texte/",
    ):
        assert_constant_queries(lambda suffix=suffix: client.get(url(area, survey, suffix)), grow)
