"""The open data shows only what is public: no member without consent (not even by id), nothing of draft minutes,
secret ballots as counts only, no applicant's data, nothing of another area."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from pypdf import PdfReader

from committees.models import Meeting
from quartier.models import Quartier
from tests.oparl.test_schema import walk
from tests.oparl.world import SECRETS, World, build


@pytest.fixture
def world(area: Quartier, other_area: Quartier) -> World:
    return build(area, other_area)


def base(world: World) -> str:
    return f"/oparl/v1/body/{world.area.pk}/"


@pytest.mark.django_db
def test_nothing_secret_is_reached_from_the_system(client: Client, world: World) -> None:
    text = json.dumps(walk(client), ensure_ascii=False)
    for what, secret in SECRETS.items():
        if what != "other_area":  # public in its own body (test_another_areas_objects_never_leak)
            assert secret not in text, what
    assert "Heimlich" not in text and "Unbeteiligt" not in text
    assert "Ayşe" in text  # the member who agreed is there


@pytest.mark.django_db
def test_a_member_without_consent_is_not_there_by_id_either(client: Client, world: World) -> None:
    assert client.get(f"{base(world)}person/{world.hidden.person_id}/").status_code == 404
    assert client.get(f"{base(world)}membership/{world.hidden.pk}/").status_code == 404
    organization = client.get(f"{base(world)}organization/{world.jury.pk}/").json()
    assert organization["membership"] == [f"http://localhost:8000{base(world)}membership/{world.named.pk}/"]
    person = client.get(f"{base(world)}person/{world.named.person_id}/").json()
    assert person["name"] == "Ayşe Demir"
    assert person["membership"][0]["role"] == "Mitglied"  # not whether she lives in the area
    assert set(person) <= {"id", "type", "body", "name", "familyName", "givenName", "membership", "created"} | {
        "modified",
        "deleted",
    }  # no contact data of any kind


@pytest.mark.django_db
def test_draft_minutes_never_appear(client: Client, world: World) -> None:
    meeting = client.get(f"{base(world)}meeting/{world.draft.pk}/").json()
    assert meeting["meetingState"] and "agendaItem" not in meeting and "resultsProtocol" not in meeting
    draft_item = world.draft.items.get()
    assert client.get(f"{base(world)}agendaItem/{draft_item.pk}/").status_code == 404
    for kind in ("agenda", "minutes"):
        assert client.get(f"{base(world)}file/{kind}-{world.draft.pk}/").status_code == 404
        assert client.get(f"{base(world)}file/{kind}-{world.draft.pk}/download/").status_code == 404
    coming = client.get(f"{base(world)}meeting/{world.coming.pk}/").json()
    assert "agendaItem" not in coming and "invitation" not in coming


@pytest.mark.django_db
def test_secret_ballots_are_counts_only(client: Client, world: World) -> None:
    consultation = client.get(f"{base(world)}consultation/ballot-{world.secret_item.pk}/").json()
    assert set(consultation) == {"id", "type", "authoritative", "paper", "organization", "role"} | {
        "created",
        "modified",
        "deleted",
    }
    item = client.get(f"{base(world)}agendaItem/{world.decided.pk}/").json()
    assert "5" in item["resolutionText"] and "1" in item["resolutionText"]
    assert not {"vote", "votes", "participant", "voter"} & set(item)


@pytest.mark.django_db
def test_the_public_minutes_name_nobody(client: Client, world: World) -> None:
    response = client.get(f"{base(world)}file/minutes-{world.approved.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Access-Control-Allow-Origin"] == "*"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Spielplatzfest" in text
    for secret in (SECRETS["hidden_name"], SECRETS["applicant"], SECRETS["minutes_text"], SECRETS["decision_text"]):
        assert secret not in text
    assert "Demir" not in text  # not even the member who agreed: minutes name no attendee here
    agenda = client.get(f"{base(world)}file/agenda-{world.approved.pk}/download/")
    assert agenda.status_code == 200


@pytest.mark.django_db
def test_another_areas_objects_never_leak(client: Client, world: World, other_area: Quartier) -> None:
    foreign_meeting = Meeting.objects.get(committee__area=other_area)
    assert client.get(f"{base(world)}meeting/{foreign_meeting.pk}/").status_code == 404
    assert client.get(f"{base(world)}organization/{foreign_meeting.committee_id}/").status_code == 404
    for kind in ("organization", "person", "membership", "meeting", "agendaItem", "paper", "consultation", "file"):
        text = client.get(f"{base(world)}{kind}/").content.decode()
        assert SECRETS["other_area"] not in text and "Fremdperson" not in text, kind
        assert f"/body/{other_area.pk}/" not in text, kind
    foreign = client.get(f"/oparl/v1/body/{other_area.pk}/organization/").json()
    assert [org["name"] for org in foreign["data"]] == [SECRETS["other_area"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "organization/999999/",
        "person/999999/",
        "membership/999999/",
        "meeting/999999/",
        "agendaItem/999999/",
        "paper/concern-999999/",
        "paper/nonsense/",
        "paper/user-1/",
        "consultation/agenda-999999/",
        "consultation/vote-1/",
        "file/minutes-999999/",
        "file/other-1/",
        "file/minutes-999999/download/",
        "legislativeTerm/1900/",
        "location/999999/",
    ],
)
def test_unknown_ids_answer_404_as_json(client: Client, world: World, path: str) -> None:
    response = client.get(base(world) + path)
    assert response.status_code == 404
    assert response.json()["error"]
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_an_unknown_body_answers_404(client: Client, world: World) -> None:
    assert client.get("/oparl/v1/body/999999/").status_code == 404
    assert client.get("/oparl/v1/body/999999/meeting/").status_code == 404
