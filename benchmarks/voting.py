"""100 jurors vote at once, then change every vote: no confirmed vote may be lost or stored twice (issue #8).

Run against a database with the demo (any scale); DATABASE_URL and REDIS_URL as for the project::

    python benchmarks/voting.py                      # 100 jurors, 10 items
    python benchmarks/voting.py --jurors 20 --secret

Creates, in the busiest area (or ``--area``), a committee of its own with ``--jurors`` voting residents, each
with an account, and an open ballot of ``--items`` items, through the project's models and services (the demo's
committees stay untouched). Then it starts gunicorn as ``pages.py`` does (2 sync workers, DEBUG off,
``benchmarks.settings``) and runs one thread per juror, each with its own HTTP connection and cookies:

1. log in for real: GET ``/konto/anmelden/`` for the CSRF token, POST the name and password (django-axes
   stays on; it locks a name out only after failed logins, and these all succeed);
2. wait for the others, then vote on every item: POST ``action=vote`` and a random choice (yes, no, abstain)
   to the item's URL with ``HX-Request: true`` and the CSRF token, as the ballot page's buttons do;
3. change every vote to another choice.

A vote counts as *confirmed* when the answer is 200 and shows the "saved" notice. At the end the database is
compared with what each juror was confirmed last: *lost* votes (confirmed, but not stored with the last confirmed
choice) and *duplicated* votes (more than one vote or participation row for one item and member) must be 0, and
so must failed requests. Prints p50/p95 latency of the vote POSTs and the times. Everything it created (the
committee, ballot, votes, persons, accounts, their sessions, login records and audit entries) is deleted at the
end, also after a failure (``--remove-leftovers`` removes what a killed run left). Exit status 1 if anything
was lost, duplicated or failed.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import random
import re
import secrets
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from django.conf import settings  # noqa: E402  # read only after setup()

from benchmarks.pages import busiest_area, gunicorn_server, role_user, setup  # noqa: E402  # path first

USERNAME_PREFIX = "bench-voter-"
COMMITTEE_PREFIX = "Benchmark-Jury "
BARRIER_SECONDS = 900  # longest wait for the other jurors' logins
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ALERT = re.compile(r'role="alert">([^<]*)<')


# --- The ballot --------------------------------------------------------------------------------------------------


@dataclass
class Setup:
    committee: object
    ballot: object
    items: list[object]
    memberships: list[object]  # in the order of ``usernames``
    usernames: list[str]
    password: str
    notices: dict[int, str]  # item id -> the "saved" notice as the page shows it


def create(area_slug: str, *, jurors: int, items: int, secret: bool) -> Setup:
    """A committee of ``jurors`` voting residents with accounts and an open ballot of ``items`` items."""
    import datetime

    from auditlog.context import disable_auditlog
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone, translation
    from django.utils.translation import gettext

    from actors.models import Person
    from committees.models import Committee, Membership
    from committees.services.ballots import ballot_create, ballot_item_add, ballot_open
    from committees.services.members import check_account_binding
    from quartier.models import Quartier, Role, User

    area = Quartier.objects.get(slug=area_slug)
    staff = role_user(area, Role.STEUERUNG, Role.GEMEINWESENARBEIT)
    run = secrets.token_hex(3)
    password = secrets.token_urlsafe(18)
    password_hash = make_password(password)  # one Argon2 hash for every juror: hashing 100 would take a while
    usernames = [f"{USERNAME_PREFIX}{run}-{number:03d}" for number in range(1, jurors + 1)]
    today = timezone.localdate()
    with transaction.atomic(), disable_auditlog():
        committee = Committee.objects.create(
            area=area,
            name=f"{COMMITTEE_PREFIX}{run}",
            kind=Committee.Kind.ACTION_FUND_JURY,
            majority_rule=Committee.MajorityRule.VOTES_CAST,
            resident_share=100,
        )
        users = User.objects.bulk_create(
            User(username=name, display_name=f"Juror {name}", email=f"{name}@example.org", password=password_hash)
            for name in usernames
        )
        persons = Person.objects.bulk_create(
            Person(area=area, first_name="Juror", last_name=name, is_resident=True) for name in usernames
        )
        memberships = [
            Membership(
                committee=committee,
                person=person,
                user=user,
                member_type=Membership.MemberType.RESIDENT,
                start=today - datetime.timedelta(days=1),
            )
            for person, user in zip(persons, users, strict=True)
        ]
        for membership in memberships:  # each juror's own new account, bound by the office's rule
            check_account_binding(membership=membership, user=membership.user)
        memberships = Membership.objects.bulk_create(memberships)
        ballot = ballot_create(
            committee=committee,
            data={
                "title": f"Benchmark {run}",
                "deadline": timezone.now() + datetime.timedelta(days=1),
                "secret": secret,
            },
            by=staff,
        )
        ballot_items = [
            ballot_item_add(ballot=ballot, data={"title": f"Punkt {position:02d}"}, by=staff)
            for position in range(1, items + 1)
        ]
        ballot_open(ballot=ballot, by=staff)
    with translation.override(settings.LANGUAGE_CODE):
        notices = {
            item.pk: html.escape(gettext("Your vote on “%(item)s” is saved.") % {"item": item.title})
            for item in ballot_items
        }
    return Setup(committee, ballot, ballot_items, memberships, usernames, password, notices)


def remove(committee_pk: int, session_keys: list[str]) -> None:
    """Delete a committee made by ``create`` with all it holds: ballots, votes, memberships, the members'
    persons and accounts with their sessions (``session_keys``), login records and audit entries."""
    from auditlog.context import disable_auditlog
    from auditlog.models import LogEntry
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sessions.models import Session
    from django.db import transaction

    from actors.models import Person
    from committees.models import (
        Ballot,
        BallotItem,
        Committee,
        ConflictFlag,
        Membership,
        Participation,
        SecretVote,
        Vote,
    )
    from quartier.models import User

    memberships = Membership.objects.filter(committee_id=committee_pk)
    users = list(
        User.objects.filter(pk__in=memberships.values("user_id"), username__startswith=USERNAME_PREFIX).values_list(
            "pk", "username"
        )
    )
    usernames = [username for _pk, username in users]
    created = {
        Committee: [committee_pk],
        Ballot: list(Ballot.objects.filter(committee_id=committee_pk).values_list("pk", flat=True)),
        BallotItem: list(BallotItem.objects.filter(ballot__committee_id=committee_pk).values_list("pk", flat=True)),
        Membership: list(memberships.values_list("pk", flat=True)),
        Person: list(memberships.values_list("person_id", flat=True)),
        User: [pk for pk, _username in users],
    }
    with transaction.atomic(), disable_auditlog():
        Session.objects.filter(session_key__in=session_keys).delete()
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__in=usernames).delete()
        for model in (Vote, SecretVote, Participation, ConflictFlag):  # they protect the memberships
            model.objects.filter(item__ballot__committee_id=committee_pk).delete()
        Committee.objects.filter(pk=committee_pk).delete()  # its ballots, items and memberships too
        Person.objects.filter(pk__in=created[Person]).delete()
        User.objects.filter(pk__in=created[User]).delete()  # their object permissions too
        for model, pks in created.items():
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_pk__in=[str(pk) for pk in pks]
            ).delete()


def remove_leftovers() -> int:
    """Remove what earlier runs left behind when they were killed; returns the number of committees."""
    from committees.models import Committee

    committees = list(
        Committee.objects.filter(
            name__startswith=COMMITTEE_PREFIX, memberships__user__username__startswith=USERNAME_PREFIX
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    for committee_pk in committees:
        remove(committee_pk, [])
    return len(committees)


# --- One juror ---------------------------------------------------------------------------------------------------


@dataclass
class Juror:
    username: str
    plan: list[tuple[int, str]]  # (item id, choice) in the order they are sent: first votes, then the changes
    cookies: dict[str, str] = field(default_factory=dict)
    confirmed: dict[int, str] = field(default_factory=dict)  # item id -> the last choice confirmed
    attempted: dict[int, str] = field(default_factory=dict)  # item id -> the last choice sent
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    login_seconds: float = 0.0


class Browser:
    """One juror's HTTP connection with its cookies."""

    def __init__(self, base: str, juror: Juror) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        self.juror = juror

    def request(self, method: str, path: str, body: dict[str, str] | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.juror.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.juror.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            return 0, f"{type(error).__name__}: {error}", {}
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.juror.cookies[name] = morsel.value
        if response.will_close:
            self.connection.close()
        return response.status, content, response.headers

    def close(self) -> None:
        self.connection.close()


def log_in(browser: Browser, password: str) -> bool:
    juror = browser.juror
    started = time.perf_counter()
    status, page, _headers = browser.request("GET", "/konto/anmelden/")
    token = CSRF_INPUT.search(page) if status == 200 else None
    if token is None:
        juror.failures.append(f"login page: HTTP {status}")
        return False
    status, _page, _headers = browser.request(
        "POST",
        "/konto/anmelden/",
        body={"username": juror.username, "password": password, "csrfmiddlewaretoken": token.group(1)},
    )
    juror.login_seconds = time.perf_counter() - started
    if status != 302 or settings.SESSION_COOKIE_NAME not in juror.cookies:
        juror.failures.append(f"login: HTTP {status}")
        return False
    return True


def vote(browser: Browser, ballot_pk: int, item_pk: int, choice: str, notice: str) -> None:
    juror = browser.juror
    juror.attempted[item_pk] = choice
    headers = {"HX-Request": "true", "X-CSRFToken": juror.cookies.get(settings.CSRF_COOKIE_NAME, "")}
    started = time.perf_counter()
    status, page, _headers = browser.request(
        "POST",
        f"/abstimmungen/{ballot_pk}/punkte/{item_pk}/",
        body={"action": "vote", "choice": choice},
        headers=headers,
    )
    juror.latencies.append(time.perf_counter() - started)
    if status == 200 and notice in page:
        juror.confirmed[item_pk] = choice
    else:
        alert = ALERT.search(page)
        why = alert.group(1) if alert else "no notice" if status == 200 else page[:80]
        juror.failures.append(f"vote on item {item_pk}: HTTP {status}, {why}")


def juror_thread(
    base: str, juror: Juror, setup: Setup, ready: threading.Barrier, go: threading.Barrier, logged_in: list[bool]
) -> None:
    """Log in, wait for the others (``ready``, then ``go``), then cast and change every vote."""
    browser = Browser(base, juror)
    try:
        try:
            logged_in.append(log_in(browser, setup.password))
        except Exception as error:  # counted as a failure; the others go on
            juror.failures.append(f"login: {type(error).__name__}: {error}")
        ready.wait(timeout=BARRIER_SECONDS)
        go.wait(timeout=BARRIER_SECONDS)
        if juror.failures:
            return
        for item_pk, choice in juror.plan:
            vote(browser, setup.ballot.pk, item_pk, choice, setup.notices[item_pk])
    except Exception as error:  # counted as a failure; the others go on
        juror.failures.append(f"{type(error).__name__}: {error}")
    finally:
        browser.close()


# --- The check ---------------------------------------------------------------------------------------------------


def stored_votes(setup: Setup) -> tuple[dict[tuple[int, int], list[str]], dict[tuple[int, int], int]]:
    """(membership position, item id) -> the stored choices, and -> the number of participation rows."""
    from committees.models import Participation, SecretVote, Vote
    from committees.voters import ballot_keys

    setup.ballot.refresh_from_db()
    position = {membership.pk: index for index, membership in enumerate(setup.memberships)}
    votes: dict[tuple[int, int], list[str]] = {}
    if setup.ballot.secret:  # still open: the sealed votes, found and unsealed with the server's key
        key = ballot_keys(setup.ballot)[0]
        tags = {
            key.tag(membership.pk, item.pk): (index, item.pk)
            for index, membership in enumerate(setup.memberships)
            for item in setup.items
        }
        rows = SecretVote.objects.filter(item__ballot=setup.ballot).values_list("voter_tag", "sealed")
        for tag, sealed in rows:
            index, item_id = tags[tag]
            votes.setdefault((index, item_id), []).append(key.unseal(sealed, item_id=item_id, tag=tag))
    else:
        for membership_id, item_id, choice in Vote.objects.filter(item__ballot=setup.ballot).values_list(
            "membership_id", "item_id", "choice"
        ):
            votes.setdefault((position[membership_id], item_id), []).append(choice)
    participations: dict[tuple[int, int], int] = {}
    for membership_id, item_id in Participation.objects.filter(item__ballot=setup.ballot).values_list(
        "membership_id", "item_id"
    ):
        key = (position[membership_id], item_id)
        participations[key] = participations.get(key, 0) + 1
    return votes, participations


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


@contextlib.contextmanager
def created_ballot(area: str, *, jurors: int, items: int, secret: bool) -> Iterator[tuple[Setup, list[Juror]]]:
    """The committee and ballot of ``create``; yields it and a list for the jurors, whose sessions are deleted
    with everything else at the end."""
    from django.conf import settings

    setup_ = create(area, jurors=jurors, items=items, secret=secret)
    voters: list[Juror] = []
    try:
        yield setup_, voters
    finally:
        keys = [
            juror.cookies[settings.SESSION_COOKIE_NAME]
            for juror in voters
            if settings.SESSION_COOKIE_NAME in juror.cookies
        ]
        remove(setup_.committee.pk, keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jurors", type=int, default=100)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--area", help="area slug (default: the busiest)")
    parser.add_argument("--secret", action="store_true", help="a secret ballot")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--seed", type=int, default=8, help="of the random choices")
    parser.add_argument(
        "--remove-leftovers", action="store_true", help="only remove what runs that were killed left behind"
    )
    args = parser.parse_args()
    env = setup()
    if args.remove_leftovers:
        print(f"Removed {remove_leftovers()} committees of earlier runs.")
        return
    area = args.area or busiest_area()
    from committees.models import Choice

    choices = list(Choice.values)  # yes, no, abstain
    rng = random.Random(args.seed)  # noqa: S311  # the jurors' choices, not a secret  # nosec B311
    with created_ballot(area, jurors=args.jurors, items=args.items, secret=args.secret) as (ballot, jurors):
        print(
            f"Area {area}: {args.jurors} jurors, {'a secret' if args.secret else 'an open'} ballot of {args.items} "
            f"items; {args.workers} gunicorn workers.",
            flush=True,
        )
        for username in ballot.usernames:
            first = [rng.choice(choices) for _item in ballot.items]
            changed = [rng.choice([choice for choice in choices if choice != old]) for old in first]
            item_ids = [item.pk for item in ballot.items]
            jurors.append(Juror(username, [*zip(item_ids, first, strict=True), *zip(item_ids, changed, strict=True)]))
        with gunicorn_server(env, workers=args.workers) as base:
            ready = threading.Barrier(len(jurors) + 1)
            go = threading.Barrier(len(jurors) + 1)
            logged_in: list[bool] = []
            threads = [
                threading.Thread(target=juror_thread, args=(base, juror, ballot, ready, go, logged_in))
                for juror in jurors
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            ready.wait(timeout=BARRIER_SECONDS)
            login_done = time.perf_counter()
            go.wait(timeout=BARRIER_SECONDS)
            voting_started = time.perf_counter()
            for thread in threads:
                thread.join()
            finished = time.perf_counter()
        votes, participations = stored_votes(ballot)
        lost = unconfirmed_stored = duplicated = confirmed = 0
        for index, juror in enumerate(jurors):
            for item in ballot.items:
                stored = votes.get((index, item.pk), [])
                if len(stored) > 1 or participations.get((index, item.pk), 0) > 1:
                    duplicated += 1
                if item.pk not in juror.confirmed:
                    continue
                confirmed += 1
                if stored[-1:] != [juror.confirmed[item.pk]]:
                    if stored[-1:] == [juror.attempted.get(item.pk)]:
                        unconfirmed_stored += 1  # a later change that was stored but whose answer got lost
                    else:
                        lost += 1
        failures = [f"{juror.username}: {failure}" for juror in jurors for failure in juror.failures]
        latencies = [latency for juror in jurors for latency in juror.latencies]
        logins = [juror.login_seconds for juror in jurors if juror.login_seconds]
    sent = sum(len(juror.plan) for juror in jurors)
    print(f"Logins: {sum(logged_in)} of {len(jurors)} in {login_done - started:.1f} s", end="")
    print(f" (each p50 {statistics.median(logins):.2f} s, p95 {percentile(logins, 0.95):.2f} s)" if logins else "")
    print(f"Vote POSTs: {len(latencies)} of {sent} sent in {finished - voting_started:.1f} s", end="")
    if latencies:
        rate = len(latencies) / (finished - voting_started)
        print(f" ({rate:.0f}/s); latency p50 {statistics.median(latencies) * 1000:.0f} ms, ", end="")
        print(f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")
    else:
        print()
    print(f"Total time {finished - started:.1f} s (logins and votes)")
    print(f"Votes confirmed: {confirmed} of {len(jurors) * len(ballot.items)} (juror × item, after the changes)")
    print(f"Lost votes: {lost}")
    print(f"Duplicated votes: {duplicated}")
    if unconfirmed_stored:
        print(f"Changes stored whose confirmation did not arrive: {unconfirmed_stored}")
    print(f"Failed requests: {len(failures)}")
    for failure in failures[:20]:
        print(f"  {failure}")
    if lost or duplicated or failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
