"""Property-based fuzzing (hypothesis) of the public endpoints, which anyone on the internet can reach: whatever
is sent, never a server error, and never a half-saved record. The examples are derived from a fixed seed, so a
run is repeatable."""

from __future__ import annotations

import string
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from actors.models import Person
from fonds.models import AccessLink, Application, CostLine, Fund
from tests.fonds.test_public import PROJECT, WHO, apply_url, start

FUZZ = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Anything a form field may carry: text with control characters, very long text, numbers, dates written oddly.
field_values = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=string.printable, min_size=200, max_size=3000),
    st.sampled_from(["", " ", "on", "0", "-1", "1e309", "NaN", "2026-02-30", "31.12.99", "€", "\x00", "' OR 1=1 --"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
tokens = st.text(alphabet=string.ascii_letters + string.digits + "-_.~%", min_size=0, max_size=80)
APPLICANT_PATHS = ["", "angaben/", "projekt/", "kosten/", "kosten/summe/", "anhaenge/", "pruefen/", "eingereicht/"]


@pytest.fixture
def fund(aktionsfonds: Fund, settings: object) -> Fund:
    settings.FONDS_RATE_LIMIT = 10_000  # type: ignore[attr-defined]
    return aktionsfonds


def counts() -> tuple[int, int, int, int]:
    return Person.objects.count(), Application.objects.count(), AccessLink.objects.count(), CostLine.objects.count()


@FUZZ
@given(token=tokens, path=st.sampled_from([*APPLICANT_PATHS, "nachweis/", "rueckforderung.pdf"]), post=st.booleans())
def test_a_made_up_private_link_is_a_404_never_an_error(
    client: Client, fund: Fund, token: str, path: str, post: bool
) -> None:
    url = f"/antrag/{quote(token, safe='') or 'x'}/{path}"
    response = client.post(url, {"title": "x"}) if post else client.get(url)
    assert response.status_code in {404, 405}, (url, response.status_code)


@FUZZ
@given(slug=tokens, token=tokens)
def test_made_up_areas_and_calendar_links_are_404s(client: Client, fund: Fund, slug: str, token: str) -> None:
    for url in (
        f"/oeffentlich/{quote(slug, safe='') or 'x'}/fonds/",
        f"/oeffentlich/{quote(slug, safe='') or 'x'}/gremien/",
        f"/oeffentlich/{quote(slug, safe='') or 'x'}/",
        f"/oeffentlich/{quote(slug, safe='') or 'x'}/impressum/",
        f"/oeffentlich/{quote(slug, safe='') or 'x'}/barrierefreiheit/",
        f"/kalender/{quote(token, safe='') or 'x'}.ics",
        f"/kalender/gremium/{quote(token, safe='') or 'x'}.ics",  # the old committee-wide address
    ):
        assert client.get(url).status_code == 404, url


@FUZZ
@given(data=st.dictionaries(st.sampled_from([*sorted(WHO), "website", "extra"]), field_values), valid=st.booleans())
def test_the_first_step_either_saves_a_whole_draft_or_nothing(
    client: Client, fund: Fund, data: dict, valid: bool
) -> None:
    before = counts()
    response = client.post(apply_url(fund), {**(WHO if valid else {}), **data})  # some fields changed, or only junk
    assert response.status_code in {200, 302, 400}, response.status_code
    event(f"status {response.status_code}")  # --hypothesis-show-statistics shows both paths are taken
    after = counts()
    if response.status_code == 302 and "/antrag/" in response["Location"]:
        # A new person, their draft and its private link, all three or none.
        assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (1, 1, 1)
    else:
        assert after == before


@FUZZ
@given(data=st.dictionaries(st.sampled_from(sorted(PROJECT)), field_values))
def test_the_project_step_never_saves_part_of_a_refused_form(client: Client, fund: Fund, data: dict) -> None:
    token, application = start(client, fund, email="fuzz@example.org")
    fields = ["title", "description", "goals", "place", "start", "end", "expected_participants"]
    before = [getattr(application, name) for name in fields]
    response = client.post(f"/antrag/{token}/projekt/", {**PROJECT, **data})
    assert response.status_code in {200, 302, 400}, response.status_code
    event(f"status {response.status_code}")
    application.refresh_from_db()
    if response.status_code != 302:
        assert [getattr(application, name) for name in fields] == before


@FUZZ
@given(
    lines=st.lists(st.tuples(field_values, field_values, field_values), max_size=4),
    own=field_values,
    action=st.sampled_from(["save", "add", "remove-0", "remove-9", "bogus"]),
)
def test_the_cost_step_keeps_the_saved_plan_when_it_refuses_a_new_one(
    client: Client, fund: Fund, lines: list, own: str, action: str
) -> None:
    token, application = start(client, fund, email="fuzz@example.org")
    client.post(f"/antrag/{token}/projekt/", PROJECT)
    data = {"own_contribution": own, "action": action}
    for number, (category, description, amount) in enumerate(lines):
        data |= {f"line-{number}-category": category, f"line-{number}-description": description}
        data[f"line-{number}-amount"] = amount
    before = list(application.cost_lines.values_list("description", "amount"))
    response = client.post(f"/antrag/{token}/kosten/", data)
    assert response.status_code in {200, 302, 400}, response.status_code
    event(f"status {response.status_code}")
    if response.status_code != 302:
        assert list(application.cost_lines.values_list("description", "amount")) == before


@FUZZ
@given(data=st.data(), invited=st.booleans())
def test_an_answer_to_a_survey_is_saved_whole_or_not_at_all(
    client: Client, area, settings, data, invited: bool
) -> None:
    """Whatever is sent to a survey's answer page (or a self-evaluation's link): one response with its answers, each
    valid by its question's rules, or nothing; never a server error."""
    from activation.models import Answer, Invitation, Response, Survey
    from actors.models import NetworkMembership
    from demo.factories import NetworkFactory, OrganisationFactory
    from tests.activation.survey_fixtures import survey_of_every_kind

    if invited:
        network = NetworkFactory(area=area)
        NetworkMembership.objects.create(network=network, organisation=OrganisationFactory(area=area, email="a@b.de"))
        survey = survey_of_every_kind(area, open_it=False)
        Survey.objects.filter(pk=survey.pk).update(audience="netzwerk", network=network)
        from activation.survey_builder import survey_open

        survey_open(survey=Survey.objects.get(pk=survey.pk), by=None)
        address = f"/oeffentlich/{area.slug}/selbstevaluation/{Invitation.objects.get(survey=survey).key}/"
    else:
        survey = survey_of_every_kind(area)
        address = f"/oeffentlich/{area.slug}/umfragen/{survey.key}/"
    settings.SURVEY_RATE_LIMIT = 10_000
    names = [f"q{pk}" for pk in survey.questions.values_list("pk", flat=True)]
    choices = [str(pk) for pk in survey.questions.values_list("choices", flat=True) if pk is not None]
    value = st.one_of(field_values, st.sampled_from(choices), st.lists(st.sampled_from(choices), max_size=3))
    sent = data.draw(st.dictionaries(st.sampled_from([*names, "homepage", "q0", "extra"]), value), label="sent")
    response = client.post(address, sent)
    assert response.status_code in {200, 302, 400}, response.status_code
    event(f"status {response.status_code}")
    saved = Response.objects.filter(survey=survey)
    if response.status_code == 302 and (invited or not sent.get("homepage")):
        [row] = saved
        for answer in Answer.objects.filter(response=row):
            answer.full_clean()
            assert answer.question.survey_id == survey.pk
            assert answer.choice is None or answer.choice.question_id == answer.question_id
    else:
        assert not saved.exists() and not Answer.objects.filter(response__survey=survey).exists()
