"""Each morning every staff member is told which of their follow-ups are due today (issue #17)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from actors.tasks import tell_follow_ups_due
from demo.factories import ContactNoteFactory, user_with_role
from quartier.models import Mail, Quartier, Role, RoleAssignment, User
from tests.mails import deliver

DAY = datetime.timedelta(days=1)


def test_each_assignee_gets_one_mail_with_the_follow_ups_due_today_and_only_once(
    area: Quartier, other_area: Quartier, role_users: dict[str, User]
) -> None:
    today = timezone.localdate()
    gwa = user_with_role(area, Role.GEMEINWESENARBEIT, username="gwa-mail", email="gwa-mail@example.org")
    RoleAssignment.objects.create(user=gwa, area=other_area, role=Role.GEMEINWESENARBEIT)
    due = ContactNoteFactory(area=area, staff=gwa, topic="Rückruf Kita", follow_up_due=today, follow_up_assignee=gwa)
    elsewhere = ContactNoteFactory(
        area=other_area, staff=gwa, topic="Termin Nordstadt", follow_up_due=today, follow_up_assignee=gwa
    )
    ContactNoteFactory(area=area, staff=gwa, topic="Schon erledigt", follow_up_due=today, follow_up_assignee=gwa,
                       follow_up_done=True)  # fmt: skip
    ContactNoteFactory(area=area, staff=gwa, topic="Morgen", follow_up_due=today + DAY, follow_up_assignee=gwa)
    ContactNoteFactory(area=area, staff=gwa, topic="Gestern", follow_up_due=today - DAY, follow_up_assignee=gwa)

    assert tell_follow_ups_due() == 1
    assert tell_follow_ups_due() == 0  # a second run on the same day tells nobody again
    [message] = deliver()
    assert message.to == ["gwa-mail@example.org"] and message.subject == "2 Wiedervorlagen sind heute fällig"
    assert "Rückruf Kita" in message.body and "Termin Nordstadt" in message.body
    assert f"/gebiet/{area.slug}/kontakte/{due.pk}/" in message.body
    assert f"/gebiet/{other_area.slug}/kontakte/{elsewhere.pk}/" in message.body
    assert "Schon erledigt" not in message.body and "Morgen" not in message.body and "Gestern" not in message.body
    assert Mail.objects.get().kind == "actors.follow_ups_due"


def test_nobody_is_told_of_a_note_they_may_no_longer_read_or_without_an_address(area: Quartier) -> None:
    today = timezone.localdate()
    left = user_with_role(area, Role.GEMEINWESENARBEIT, username="gegangen", email="gegangen@example.org")
    switched_off = user_with_role(area, Role.GEMEINWESENARBEIT, username="aus", email="aus@example.org")
    no_address = user_with_role(area, Role.GEMEINWESENARBEIT, username="ohne", email="")
    for user in (left, switched_off, no_address):
        ContactNoteFactory(area=area, staff=user, topic="Geheim", follow_up_due=today, follow_up_assignee=user)
    RoleAssignment.objects.filter(user=left).delete()  # no longer reads this area's notes
    User.objects.filter(pk=switched_off.pk).update(is_active=False)
    assert tell_follow_ups_due() == 0
    assert deliver() == []


def test_the_morning_mails_read_who_may_take_follow_ups_once_per_area_not_once_per_note(
    area: Quartier, django_assert_max_num_queries: object
) -> None:
    today = timezone.localdate()
    staff = [
        user_with_role(area, Role.GEMEINWESENARBEIT, username=f"gwa-{n}", email=f"g{n}@example.org") for n in range(4)
    ]
    for user in staff:
        for topic in ("Eins", "Zwei", "Drei"):
            ContactNoteFactory(area=area, staff=user, topic=topic, follow_up_due=today, follow_up_assignee=user)
    # the notes, the claim, who may take them (one area), and the four mails (each: a content type and a row)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert tell_follow_ups_due() == 4
