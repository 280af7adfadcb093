"""The answer to a concern is told (issue #17): to the resident who raised it, where they left an address and
agreed, and to the area's other staff who work with concerns; on every path that records an answer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.utils import timezone

from actors.models import Concern, Person
from actors.services.concerns import concern_set_status, concern_update
from demo.factories import user_with_role
from quartier.models import Mail, Quartier, Role, User
from tests.mails import deliver

ANSWER = "Die Schaukel wird im Mai repariert."


@pytest.fixture
def resident(area: Quartier) -> Person:
    return Person.objects.create(area=area, first_name="Ayşe", last_name="Demir", email="ayse@example.org")


def raised(area: Quartier, resident: Person, **kwargs: object) -> Concern:
    return Concern.objects.create(
        area=area, text="Die Schaukel am Kanal ist kaputt", raised_on=timezone.localdate(), raised_by_person=resident,
        forwarded_to="Grünflächenamt", status=Concern.Status.FORWARDED, **kwargs,
    )  # fmt: skip


def test_the_resident_who_agreed_and_the_other_staff_are_told_the_answer(
    area: Quartier, resident: Person, role_users: dict[str, User]
) -> None:
    colleague = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa2", email="gwa2@example.org")
    concern = raised(area, resident, tell_raiser=True)
    concern_set_status(concern=concern, to_status="erledigt", by=role_users["gwa"], answer=ANSWER)
    sent = {message.to[0]: message for message in deliver()}
    assert ANSWER in sent["ayse@example.org"].body and "Grünflächenamt" in sent["ayse@example.org"].body
    assert "Guten Tag Ayşe Demir" in sent["ayse@example.org"].body
    # The colleague who works with concerns; not who recorded it, not the other roles.
    assert set(sent) == {"ayse@example.org", colleague.email}
    assert ANSWER in sent[colleague.email].body and f"/anliegen/{concern.pk}/" in sent[colleague.email].body
    assert Mail.objects.filter(kind="actors.concern_answered", about_id=resident.pk).count() == 1


@pytest.mark.parametrize("case", ["not agreed", "no address", "erased", "anonymous"])
def test_no_mail_to_a_resident_who_did_not_agree_or_left_no_address(
    area: Quartier, resident: Person, role_users: dict[str, User], case: str
) -> None:
    if case == "no address":
        Person.objects.filter(pk=resident.pk).update(email="")
    if case == "erased":
        Person.objects.filter(pk=resident.pk).update(erased_at=timezone.now())
    resident.refresh_from_db()
    concern = raised(area, resident, tell_raiser=case != "not agreed")
    if case == "anonymous":
        Concern.objects.filter(pk=concern.pk).update(raised_by_person=None)
        concern.refresh_from_db()
    concern_set_status(concern=concern, to_status="erledigt", by=role_users["gwa"], answer=ANSWER)
    assert not Mail.objects.filter(kind="actors.concern_answered").exists()


def test_a_step_without_a_new_answer_tells_nobody(area: Quartier, resident: Person, role_users: dict) -> None:
    concern = raised(area, resident, tell_raiser=True, answer=ANSWER)
    concern_set_status(concern=concern, to_status="erledigt", by=role_users["gwa"], answer=ANSWER)
    concern_set_status(concern=concern, to_status="in_bearbeitung", by=role_users["gwa"])
    assert not Mail.objects.exists()


def test_a_refused_step_and_a_rolled_back_one_tell_nobody(area: Quartier, resident: Person, role_users: dict) -> None:
    concern = raised(area, resident, tell_raiser=True)
    with pytest.raises(Exception):  # noqa: B017  # the service refuses: not feasible needs a reason
        concern_set_status(concern=concern, to_status="nicht_umsetzbar", by=role_users["gwa"], answer=ANSWER)
    with pytest.raises(RuntimeError), transaction.atomic():
        concern_set_status(concern=concern, to_status="erledigt", by=role_users["gwa"], answer=ANSWER)
        raise RuntimeError("rolled back")
    assert not Mail.objects.exists()


def test_the_office_s_status_form_tells_the_answer(
    client: Client, area: Quartier, resident: Person, role_users: dict[str, User]
) -> None:
    concern = raised(area, resident, tell_raiser=True)
    client.force_login(role_users["gwa"])
    response = client.post(
        f"/gebiet/{area.slug}/anliegen/{concern.pk}/status/", {"to_status": "erledigt", "answer": ANSWER}
    )
    assert response.status_code in (200, 302)
    assert ANSWER in {m.to[0]: m for m in deliver()}["ayse@example.org"].body


@pytest.mark.parametrize("who", ["anonymous", "no address"])
def test_telling_the_answer_to_nobody_with_an_address_is_refused_in_german_and_nothing_is_saved(
    client: Client, area: Quartier, resident: Person, role_users: dict[str, User], who: str
) -> None:
    """The box "tell the answer" needs a person with an address: refused on the form (new and edit) and in the
    service, with nothing saved."""
    if who == "no address":
        Person.objects.filter(pk=resident.pk).update(email="")
    client.force_login(role_users["gwa"])
    data = {"text": "Laterne kaputt", "raised_on": timezone.localdate().isoformat(), "tell_raiser": "on"}
    if who == "no address":
        data["raised_by_person"] = str(resident.pk)
    response = client.post(f"/gebiet/{area.slug}/anliegen/neu/", data)
    assert response.status_code == 200
    assert "Nur einer Person mit E-Mail-Adresse kann die Antwort mitgeteilt werden" in response.content.decode()
    assert not Concern.objects.exists()

    concern = raised(area, resident, tell_raiser=False)
    if who == "anonymous":
        Concern.objects.filter(pk=concern.pk).update(raised_by_person=None)
    before = Concern.objects.values().get(pk=concern.pk)
    with pytest.raises(ValidationError) as refused:
        concern_update(concern=Concern.objects.get(pk=concern.pk), data={"tell_raiser": True}, by=role_users["gwa"])
    assert list(refused.value.message_dict) == ["tell_raiser"]
    assert Concern.objects.values().get(pk=concern.pk) == before
