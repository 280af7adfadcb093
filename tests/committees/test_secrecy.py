"""Secret ballots keep their secret in every copy (issue #15, finding 5).

While a ballot is open a dump of the database alone never links a vote to its voter: the key that finds a
member's vote again is derived from the server's ``SECRET_KEY`` (never stored), and the choice is stored sealed.
After closing, nothing anywhere does: the votes are plain choices without tags, in the order of their choices,
and the ballot keeps no salt.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import re
import subprocess
from collections.abc import Callable

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from committees.models import Ballot, BallotItem, Choice, Committee, Membership, Participation, Result, SecretVote
from committees.selectors import item_states
from committees.services.ballots import ballot_close, ballot_open, conflict_declare, vote_cast
from demo.factories import UserFactory
from quartier.backup import _libpq_env, _program
from tests.committees.fixtures import make_ballot

PAST_DEADLINE = datetime.timedelta(days=3)  # past the deadline of make_ballot (48 hours)
HEX64 = re.compile(r"\b[0-9a-f]{64}\b")


def open_ballot(committee: Committee, *, items: int = 1) -> Ballot:
    return ballot_open(ballot=make_ballot(committee, secret=True, items=items), by=UserFactory())


def vote(member: Membership, item: BallotItem, choice: str) -> None:
    vote_cast(item=item, membership=member, choice=choice, by=member.user)


def pg_dump() -> str:
    """The database as ``pg_dump`` writes it (plain SQL, data only): what a stolen backup holds."""
    result = subprocess.run(  # nosec B603  # a fixed program with fixed arguments
        [_program("pg_dump"), "--data-only", "--no-owner", "--no-privileges"],
        env=_libpq_env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout


def dumped_rows(dump: str, table: str) -> list[dict[str, str | None]]:
    """The rows of ``table`` in a plain dump, as column -> value (``None`` for NULL)."""
    pattern = rf"^COPY public\.{table} \((?P<columns>[^)]*)\) FROM stdin;\n(?P<rows>.*?)^\\\.$"
    match = re.search(pattern, dump, re.M | re.S)
    assert match, f"{table} is not in the dump"
    columns = [name.strip().strip('"') for name in match["columns"].split(",")]
    return [
        {name: None if value == r"\N" else value for name, value in zip(columns, line.split("\t"), strict=True)}
        for line in match["rows"].splitlines()
    ]


def recomputable_tags(dump: str, memberships: list[Membership], items: list[BallotItem]) -> set[str]:
    """The stored tags that anyone holding the dump can recompute: every 64-hex value in it tried as an HMAC key
    (the way the tags were made before), for every member and item."""
    values = set(HEX64.findall(dump))
    found = set()
    for candidate in values:
        key = bytes.fromhex(candidate)
        for membership in memberships:
            for item in items:
                tag = hmac.new(key, f"{membership.pk}:{item.pk}".encode(), hashlib.sha256).hexdigest()
                if tag in values:
                    found.add(tag)
    return found


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_never_links_a_secret_vote_to_its_voter_while_open_or_after(
    area: object, jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    ballot = open_ballot(jury, items=2)
    items = list(ballot.items.order_by("position"))
    for member, choice in zip(jurors[:3], ["ja", "nein", "enthaltung"], strict=True):
        for item in items:
            vote(member, item, choice)
    vote(jurors[0], items[0], "nein")  # a change of mind

    dump = pg_dump()
    votes = dumped_rows(dump, "committees_secretvote")
    assert len(votes) == 6
    for row in votes:  # no choice readable in any column of a vote while the ballot is open
        assert not {value for value in row.values() if value} & set(Choice.values), row
    assert dumped_rows(dump, "committees_vote") == []
    assert settings.SECRET_KEY not in dump
    assert recomputable_tags(dump, jurors, items) == set()
    sealed = [row["sealed"] for row in votes]
    assert len({len(value or "") for value in sealed}) == 1  # every sealed choice is equally long
    salt = Ballot.objects.get(pk=ballot.pk).secret_salt
    assert salt and salt in dump

    ballot_close(ballot=ballot, by=None, now=now + PAST_DEADLINE)

    dump = pg_dump()
    votes = dumped_rows(dump, "committees_secretvote")
    assert [row["voter_tag"] for row in votes] == [None] * 6
    assert [row["sealed"] for row in votes] == [""] * 6
    assert salt not in dump and not any(value and value in dump for value in sealed)
    first = [row["choice"] for row in votes if row["item_id"] == str(items[0].pk)]
    assert first == sorted(first) == ["enthaltung", "nein", "nein"]  # in the order of the choices, not of voting
    [closed] = dumped_rows(dump, "committees_ballot")
    assert closed["secret_salt"] == "" and closed["status"] == "geschlossen"
    assert not HEX64.findall("\n".join(str(row) for row in votes))
    counts = {(item.yes, item.no, item.abstain) for item in BallotItem.objects.filter(ballot=ballot)}
    assert counts == {(0, 2, 1), (1, 1, 1)}


def test_closing_counts_the_sealed_votes_and_forgets_everything_that_linked_them(
    jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    ballot = open_ballot(jury, items=2)
    first, second = ballot.items.order_by("position")
    for member in jurors[:5]:
        vote(member, first, "ja")
    for member, choice in zip(jurors, ["ja", "ja", "ja", "nein", "nein", "nein", "enthaltung"], strict=True):
        vote(member, second, choice)
    conflict_declare(item=first, membership=jurors[5], by=jurors[5].user, now=now)

    ballot_close(ballot=ballot, by=None, now=now + PAST_DEADLINE)

    ballot.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert ballot.secret_salt == ""
    assert (first.yes, first.no, first.abstain, first.recusals, first.result) == (5, 0, 0, 1, Result.ADOPTED)
    assert (second.yes, second.no, second.abstain, second.result) == (3, 3, 1, Result.REJECTED)
    assert set(SecretVote.objects.values_list("voter_tag", "sealed")) == {(None, "")}
    assert list(SecretVote.objects.filter(item=second).order_by("pk").values_list("choice", flat=True)) == [
        "enthaltung",
        "ja",
        "ja",
        "ja",
        "nein",
        "nein",
        "nein",
    ]
    assert all(state.my_choice is None for state in item_states(ballot, jurors[0]))  # not even the voter


def test_a_change_of_mind_updates_the_one_sealed_row_and_only_the_voter_sees_it(
    jury: Committee, jurors: list[Membership]
) -> None:
    ballot = open_ballot(jury)
    item = ballot.items.get()
    vote(jurors[0], item, "nein")
    row = SecretVote.objects.get()
    vote(jurors[0], item, "ja")
    changed = SecretVote.objects.get()
    assert changed.pk == row.pk and changed.voter_tag == row.voter_tag
    assert changed.sealed != row.sealed and changed.choice == ""
    assert [state.my_choice for state in item_states(ballot, jurors[0])] == ["ja"]
    assert [state.my_choice for state in item_states(ballot, jurors[1])] == [None]
    assert [state.my_choice for state in item_states(ballot, None)] == [None]


def test_a_recusal_withdraws_the_members_sealed_vote(
    jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    ballot = open_ballot(jury)
    item = ballot.items.get()
    vote(jurors[0], item, "ja")
    vote(jurors[1], item, "nein")
    conflict_declare(item=item, membership=jurors[0], by=jurors[0].user, now=now)
    assert SecretVote.objects.count() == 1
    assert [state.my_choice for state in item_states(ballot, jurors[1])] == ["nein"]
    assert Participation.objects.get(membership=jurors[0]).kind == Participation.Kind.RECUSED


def test_a_sealed_vote_does_not_open_in_another_row(
    jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    """The seal is bound to its ballot, item and tag: a sealed "ja" copied onto another member's row is refused
    when counting, rather than counted as theirs."""
    ballot = open_ballot(jury)
    item = ballot.items.get()
    vote(jurors[0], item, "ja")
    vote(jurors[1], item, "nein")
    first, second = SecretVote.objects.order_by("pk")
    SecretVote.objects.filter(pk=second.pk).update(sealed=first.sealed)
    with pytest.raises(ValidationError, match="lassen sich nicht lesen"):
        ballot_close(ballot=ballot, by=None, now=now + PAST_DEADLINE)
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.OPEN


# Rotating SECRET_KEY ----------------------------------------------------------------------------------


def test_with_the_old_key_among_the_fallbacks_an_open_ballot_goes_on(
    settings: object, jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    ballot = open_ballot(jury)
    item = ballot.items.get()
    vote(jurors[0], item, "nein")
    vote(jurors[1], item, "nein")
    old = settings.SECRET_KEY  # type: ignore[attr-defined]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50  # type: ignore[attr-defined]
    settings.SECRET_KEY_FALLBACKS = [old]  # type: ignore[attr-defined]

    assert [state.my_choice for state in item_states(ballot, jurors[0])] == ["nein"]
    vote(jurors[0], item, "ja")  # found under the old key, stored anew under the new one
    assert SecretVote.objects.count() == 2
    settings.SECRET_KEY_FALLBACKS = []  # type: ignore[attr-defined]
    assert [state.my_choice for state in item_states(ballot, jurors[0])] == ["ja"]  # re-sealed with the new key
    settings.SECRET_KEY_FALLBACKS = [old]  # type: ignore[attr-defined]
    ballot_close(ballot=ballot, by=None, now=now + PAST_DEADLINE)
    item.refresh_from_db()
    assert (item.yes, item.no) == (1, 1)


def test_without_the_old_key_no_vote_is_counted_twice_and_closing_waits(
    settings: object, jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    ballot = open_ballot(jury)
    item = ballot.items.get()
    vote(jurors[0], item, "nein")
    settings.SECRET_KEY = "a-new-key-" + "x" * 50  # type: ignore[attr-defined]
    settings.SECRET_KEY_FALLBACKS = []  # type: ignore[attr-defined]

    with pytest.raises(ValidationError, match="Ihre bisherige Stimme"):
        vote(jurors[0], item, "ja")
    assert SecretVote.objects.count() == 1
    with pytest.raises(ValidationError, match="SECRET_KEY_FALLBACKS"):
        ballot_close(ballot=ballot, by=None, now=now + PAST_DEADLINE)
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN and ballot.secret_salt
    assert SecretVote.objects.get().voter_tag is not None


# Other copies ----------------------------------------------------------------------------------------------


def test_the_audit_log_of_a_secret_ballot_holds_no_salt_and_no_vote(
    jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    ballot = open_ballot(jury)
    item = ballot.items.get()
    vote(jurors[0], item, "enthaltung")
    salt = Ballot.objects.get(pk=ballot.pk).secret_salt
    ballot_close(ballot=ballot, by=None, now=now + PAST_DEADLINE)
    logged = [str(entry.changes) + str(entry.additional_data) for entry in LogEntry.objects.all()]
    assert logged and not any(salt in text for text in logged)
    assert not any("enthaltung" in text for text in logged)
    assert not LogEntry.objects.filter(content_type__model__in=["secretvote", "vote", "participation"]).exists()


def test_voting_and_closing_a_secret_ballot_send_no_task_or_mail_and_log_no_choice_beside_a_voter(
    jury: Committee,
    jurors: list[Membership],
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Callable,
    now: datetime.datetime,
) -> None:
    """Neither a Celery task's arguments, a mail nor a log line (SQL included) carries a secret choice with its
    voter: while open only sealed values go to the database, and closing writes plain choices without tags."""
    from unittest import mock

    from celery.app.task import Task
    from django.core import mail
    from django.db import connection

    ballot = open_ballot(jury)
    item = ballot.items.get()
    connection.force_debug_cursor = True  # every SQL statement with its parameters goes to the log
    try:
        with (
            caplog.at_level(logging.DEBUG),
            caplog.at_level(logging.DEBUG, logger="django.db.backends"),
            mock.patch.object(Task, "apply_async") as sent,
            django_capture_on_commit_callbacks(execute=True),
        ):
            for member in jurors:
                vote(member, item, "enthaltung")
            vote(jurors[0], item, "enthaltung")
            while_open = [record.getMessage() for record in caplog.records]
            caplog.clear()
            ballot_close(ballot=ballot, by=None, now=now)  # everyone has voted
            closing = [record.getMessage() for record in caplog.records]
    finally:
        connection.force_debug_cursor = False
    assert while_open and not [line for line in while_open if "enthaltung" in line]
    assert any("enthaltung" in line for line in closing)  # the plain choices written anew …
    assert not [line for line in closing if "enthaltung" in line and HEX64.search(line)]  # … without any tag
    assert not sent.called and mail.outbox == []


def test_the_members_page_with_their_secret_vote_is_never_stored_by_a_browser_or_proxy(
    client: Client, jury: Committee, jurors: list[Membership]
) -> None:
    ballot = open_ballot(jury)
    item = ballot.items.get()
    vote(jurors[0], item, "ja")
    client.force_login(jurors[0].user)
    page = client.get(f"/abstimmungen/{ballot.pk}/")
    assert "Ihre Stimme" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    answer = client.post(
        f"/abstimmungen/{ballot.pk}/punkte/{item.pk}/",
        {"action": "vote", "choice": "nein"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    mine = client.get(f"/abstimmungen/{ballot.pk}/").content.decode()
    assert 'value="nein" class="button button--large button--chosen" aria-pressed="true"' in mine
    other = Client()
    other.force_login(jurors[1].user)
    theirs = other.get(f"/abstimmungen/{ballot.pk}/").content.decode()
    assert "Ihre Stimme:" not in theirs and 'aria-pressed="true"' not in theirs


# The database's rules -----------------------------------------------------------------------------------


def test_a_closed_ballot_can_keep_no_salt_and_an_open_secret_one_needs_one(jury: Committee) -> None:
    ballot = open_ballot(jury)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.CLOSED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.filter(pk=ballot.pk).update(secret_salt="")
    assert Ballot.objects.get(pk=ballot.pk).secret_salt


def test_a_secret_vote_is_either_sealed_and_tagged_or_plain_and_untagged(jury: Committee) -> None:
    item = open_ballot(jury).items.get()
    for fields in (
        {"choice": "ja", "voter_tag": "t" * 64, "sealed": ""},  # a plain choice next to its voter's tag
        {"choice": "ja", "voter_tag": "t" * 64, "sealed": "x"},
        {"choice": "", "voter_tag": None, "sealed": "x"},
        {"choice": "", "voter_tag": None, "sealed": ""},
        {"choice": "vielleicht", "voter_tag": None, "sealed": ""},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            SecretVote.objects.create(item=item, **fields)
    SecretVote.objects.create(item=item, choice="ja")
    SecretVote.objects.create(item=item, voter_tag="t" * 64, sealed="x")


# Ballots open at deploy time -------------------------------------------------------------------------------

BEFORE = ("committees", "0002_meeting_invitations_minutes_approval_reminders")


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_the_votes_of_ballots_open_at_deploy_time(
    area: object, jury: Committee, jurors: list[Membership], now: datetime.datetime
) -> None:
    """A secret ballot open while the new scheme is deployed: its votes are found through the old stored key,
    tagged and sealed anew, and the old key is gone. Voters can change their minds and closing counts right."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps
        OldBallot = old.get_model("committees", "Ballot")
        OldItem = old.get_model("committees", "BallotItem")
        OldVote = old.get_model("committees", "SecretVote")
        OldParticipation = old.get_model("committees", "Participation")
        key = "ab" * 32
        ballot = OldBallot.objects.create(
            committee_id=jury.pk, title="Umlauf alt", deadline=now + PAST_DEADLINE, secret=True, status="offen",
            opened_at=now, secret_key=key,
        )  # fmt: skip
        item = OldItem.objects.create(ballot=ballot, position=1, title="Antrag 1")
        for member, choice in zip(jurors[:3], ["ja", "nein", "ja"], strict=True):
            tag = hmac.new(bytes.fromhex(key), f"{member.pk}:{item.pk}".encode(), hashlib.sha256).hexdigest()
            OldVote.objects.create(item=item, choice=choice, voter_tag=tag)
            OldParticipation.objects.create(item=item, membership_id=member.pk, kind="voted")
        closed = OldBallot.objects.create(
            committee_id=jury.pk, title="Umlauf geschlossen", deadline=now, secret=True, status="geschlossen"
        )
        closed_item = OldItem.objects.create(ballot=closed, position=1, title="Antrag alt", yes=1, no=0)
        OldVote.objects.create(item=closed_item, choice="ja")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    ballot = Ballot.objects.get(pk=ballot.pk)
    assert ballot.secret_salt and ballot.status == Ballot.Status.OPEN
    rows = SecretVote.objects.filter(item_id=item.pk)
    assert rows.count() == 3 and set(rows.values_list("choice", flat=True)) == {""}
    assert key not in pg_dump()
    item = BallotItem.objects.get(pk=item.pk)
    assert [state.my_choice for state in item_states(ballot, jurors[1])] == ["nein"]
    vote(jurors[1], item, "ja")  # a change of mind finds the converted vote
    assert rows.count() == 3
    ballot_close(ballot=ballot, by=None, now=now + PAST_DEADLINE)
    item.refresh_from_db()
    assert (item.yes, item.no) == (3, 0)
    assert list(SecretVote.objects.filter(item_id=closed_item.pk).values_list("choice", "voter_tag")) == [("ja", None)]
