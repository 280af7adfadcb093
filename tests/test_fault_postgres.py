"""Restart PostgreSQL while jurors vote: no vote that was confirmed to a juror is lost, and the juror who hit
the gap gets a clear German message (HTTP 503, quartier/outage.py), never a server error or a hang.

A private PostgreSQL cluster — the binaries of the ``pgserver`` package, a data directory and a port of its
own; never the machine's shared server, which other tests use — is migrated and seeded in a subprocess
(the project's factories and services: an area, a jury of ten jurors, an open ballot of five items), and
gunicorn with two workers serves the project against it, as in production. Ten jurors log in through the
login form and keep voting and changing their votes over HTTP with htmx's headers, now and then loading
the ballot page; meanwhile the cluster is stopped (fast shutdown: open connections are cut), left down for
a second and started again. After the restart the jurors vote on the fifth item only, so the first four
keep the votes confirmed before and during the restart.

Then: (a) for every juror and item the database holds the last choice that was confirmed to the juror (200
with the saved notice) — or the choice of a later attempt that was answered with the 503, whose message
says it may have been saved (the connection can break during the commit); (b) requests hit the gap, and
every answer was either a confirmation or the 503 with the German message; (c) every juror voted again
after the restart.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import pwd
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from quartier.devenv import free_port, stop_processes
from tests.test_outage import ANY_MOMENT, MAYBE_NOT_SAVED

BASE_DIR = Path(__file__).resolve().parent.parent
JURORS = 10
ITEMS = 5  # the first four before and during the restart, the fifth after it
CHOICES = ("ja", "nein", "enthaltung")
REQUEST_TIMEOUT = 10  # seconds; an answer that takes longer is a hang
SAVED = "Ihre Stimme zu „{title}“ ist gespeichert."


# The private cluster ----------------------------------------------------------------------------------


def postgres_bin() -> Path:
    import pgserver

    return Path(pgserver.__file__).parent / "pginstall" / "bin"


@dataclass
class Cluster:
    """A PostgreSQL cluster of this test alone, listening on 127.0.0.1:``port`` (no Unix socket)."""

    data: Path
    port: int
    log: Path  # the server's, beside the data directory
    commands_log: Path  # initdb's and pg_ctl's, in tmp_path

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/quartier"

    def _as_owner(self) -> dict[str, object]:
        """initdb and postgres refuse to run as root: as root, run them as ``nobody``."""
        if os.geteuid() != 0:
            return {}
        owner = pwd.getpwnam("nobody")
        return {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}

    def pg(self, program: str, *args: str, timeout: float = 60) -> None:
        with open(self.commands_log, "a", encoding="utf-8") as output:
            result = subprocess.run(  # a fixed program of pgserver's PostgreSQL
                [str(postgres_bin() / program), *args],
                stdout=output,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
                **self._as_owner(),  # type: ignore[arg-type]
            )
        assert result.returncode == 0, f"{program} {' '.join(args)} failed:\n{self.logs()}"

    def logs(self) -> str:
        paths = [path for path in (self.commands_log, self.log) if path.exists()]
        return "\n".join(path.read_text(errors="replace")[-4000:] for path in paths)

    def init(self) -> None:
        self.pg("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync")
        # fsync only guards against the machine losing power; a restart of the server keeps what the
        # operating system was given, which is all this test is about. Off, the migrations run faster.
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n")
            conf.write("fsync = off\n")

    def start(self) -> None:
        self.pg("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30")

    def stop(self, mode: str = "fast") -> None:
        self.pg("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "30")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


@contextlib.contextmanager
def private_cluster(log_dir: Path):
    # Data directory and server log lie outside pytest's tmp_path, whose parents only their owner may
    # enter: as root the cluster runs as nobody. Both are removed afterwards; the server log is kept in
    # tmp_path.
    base = Path(tempfile.mkdtemp(prefix="quartier-fault-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("nobody")
        os.chown(base, owner.pw_uid, owner.pw_gid)
    cluster = Cluster(base / "data", free_port(), base / "postgres.log", log_dir / "pg_ctl.log")
    try:
        cluster.init()
        cluster.start()
        cluster.pg("createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "quartier")
        yield cluster
    finally:
        with contextlib.suppress(Exception):
            if cluster.running():
                cluster.stop("immediate")
        with contextlib.suppress(OSError):
            shutil.copy(cluster.log, log_dir / "postgres.log")
        shutil.rmtree(base, ignore_errors=True)


# The data, made in a subprocess against the private cluster ----------------------------------------------


def prepare() -> dict[str, object]:
    """Migrate, then make the area, the jury and the open ballot (run by ``python -c`` after Django's setup)."""
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.monotonic()

    from django.contrib.auth.hashers import make_password

    from actors.models import Person
    from committees.models import Committee, Membership
    from committees.services.ballots import ballot_open
    from demo.factories import PASSWORD, QuartierFactory, UserFactory
    from quartier.models import User
    from tests.committees.fixtures import make_ballot

    area = QuartierFactory(slug="kiez-am-kanal", name="Kiez am Kanal")
    jury = Committee.objects.create(
        area=area,
        name="Aktionsfondsjury Kiez am Kanal",
        kind=Committee.Kind.ACTION_FUND_JURY,
        majority_rule=Committee.MajorityRule.ALL_MEMBERS,
        quorum_members=4,
        resident_share=100,
    )
    memberships = {}
    for number in range(1, JURORS + 1):
        person = Person.objects.create(area=area, first_name="Juror", last_name=f"Nummer {number}", is_resident=True)
        user = UserFactory(username=f"juror{number}", password=None)  # the real hash below, computed once
        membership = Membership.objects.create(
            committee=jury, person=person, user=user, member_type=Membership.MemberType.RESIDENT
        )
        memberships[user.username] = membership.pk
    User.objects.filter(username__in=memberships).update(password=make_password(PASSWORD))
    ballot = ballot_open(ballot=make_ballot(jury, items=ITEMS), by=None)
    items = list(ballot.items.order_by("position").values_list("pk", "title"))
    return {
        "migrate_seconds": round(migrated - started, 1),
        "seed_seconds": round(time.monotonic() - migrated, 1),
        "ballot": ballot.pk,
        "items": items,
        "memberships": memberships,
        "password": PASSWORD,
    }


PREPARE = (
    "import django, json; django.setup(); from tests.test_fault_postgres import prepare; print(json.dumps(prepare()))"
)

# No collectstatic for a test server: the pages name the source files (production uses the manifest storage).
SETTINGS = """from quartier.settings import *  # noqa: F403

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
"""


# The jurors ----------------------------------------------------------------------------------------------


@dataclass
class Attempt:
    item: int | None  # None: the ballot page was loaded
    choice: str
    phase: str
    status: int  # 0: no answer within REQUEST_TIMEOUT, or the connection failed
    confirmed: bool  # a vote: 200 with the saved notice; the page: 200 with the ballot
    outage: bool  # 503 with the German message, Retry-After and (htmx) where the notice goes
    detail: str = ""


@dataclass
class Scenario:
    base_url: str
    ballot: int
    titles: dict[int, str]
    password: str
    phase: str = "before"  # "before", "down" (stopped or starting), "after" (running again)
    stop: threading.Event = field(default_factory=threading.Event)

    def items_for(self, phase: str) -> list[int]:
        items = sorted(self.titles)
        return items[-1:] if phase == "after" else items[:-1]


class Juror(threading.Thread):
    def __init__(self, username: str, scenario: Scenario) -> None:
        super().__init__(name=username, daemon=True)
        self.username = username
        self.scenario = scenario
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.attempts: list[Attempt] = []
        self.logged_in = threading.Event()
        self.error: BaseException | None = None
        self.random = random.Random(username)  # noqa: S311  # which vote to cast, not a secret

    def send(self, method: str, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None):
        body = urlencode(data).encode() if data is not None else None
        url = self.scenario.base_url + path  # http://127.0.0.1: the test's own server
        request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)  # noqa: S310
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()
        except (OSError, ValueError) as error:  # refused, reset, timed out
            return 0, {}, f"{type(error).__name__}: {error}"

    def csrf_token(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def log_in(self) -> None:
        status, _headers, html = self.send("GET", "/konto/anmelden/")
        assert status == 200, (status, html[:500])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        form = {"csrfmiddlewaretoken": token, "username": self.username, "password": self.scenario.password}
        status, _headers, html = self.send("POST", "/konto/anmelden/", form)
        assert status == 200 and "Umlauf November" in html, (status, html[:500])  # "My ballots", after redirects

    def vote(self, phase: str) -> None:
        item = self.random.choice(self.scenario.items_for(phase))
        earlier = [attempt.choice for attempt in self.attempts if attempt.item == item]
        choice = self.random.choice([choice for choice in CHOICES if not earlier or choice != earlier[-1]])
        status, headers, html = self.send(
            "POST",
            f"/abstimmungen/{self.scenario.ballot}/punkte/{item}/",
            {"action": "vote", "choice": choice},
            {"HX-Request": "true", "X-CSRFToken": self.csrf_token()},
        )
        confirmed = status == 200 and SAVED.format(title=self.scenario.titles[item]) in html
        outage = (
            status == 503
            and MAYBE_NOT_SAVED in html
            and headers.get("Retry-After") == "5"
            and headers.get("HX-Reswap") == "beforeend"
        )
        detail = "" if confirmed or outage else f"{dict(headers)} {html[:800]}"
        self.attempts.append(Attempt(item, choice, phase, status, confirmed, outage, detail))

    def look(self, phase: str) -> None:
        status, headers, html = self.send("GET", f"/abstimmungen/{self.scenario.ballot}/")
        confirmed = status == 200 and "<h1>Umlauf November</h1>" in html
        outage = status == 503 and ANY_MOMENT in html and "<h1>Kurz nicht erreichbar</h1>" in html
        detail = "" if confirmed or outage else f"{dict(headers)} {html[:800]}"
        self.attempts.append(Attempt(None, "", phase, status, confirmed, outage, detail))

    def run(self) -> None:
        try:
            self.log_in()
            self.logged_in.set()
            while not self.scenario.stop.is_set():
                phase = self.scenario.phase
                if self.random.random() < 0.15:
                    self.look(phase)
                else:
                    self.vote(phase)
                time.sleep(self.random.uniform(0.02, 0.06))
        except BaseException as error:
            self.error = error
            self.logged_in.set()

    def confirmed_in(self, *phases: str) -> int:
        return sum(1 for attempt in self.attempts if attempt.item and attempt.confirmed and attempt.phase in phases)


def wait_until(condition, seconds: float, what: str, jurors: list[Juror]) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        failed = [f"{juror.username}: {juror.error!r}" for juror in jurors if juror.error]
        assert not failed, failed
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.05)


def wait_for_port(port: int, server: subprocess.Popen[bytes], log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert server.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.1)


def stored_votes(cluster: Cluster) -> dict[tuple[int, int], str]:
    import psycopg

    with psycopg.connect(cluster.url, connect_timeout=10) as connection:
        rows = connection.execute("SELECT membership_id, item_id, choice FROM committees_vote").fetchall()
    return {(membership, item): choice for membership, item, choice in rows}


# The test --------------------------------------------------------------------------------------------------


def test_jurors_keep_every_confirmed_vote_when_postgresql_restarts_and_are_told_about_the_gap(tmp_path: Path) -> None:
    began = time.monotonic()
    (tmp_path / "fault_settings.py").write_text(SETTINGS, encoding="utf-8")
    web_port = free_port()
    with private_cluster(tmp_path) as cluster:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "fault_settings",
            "PYTHONPATH": os.pathsep.join([str(tmp_path), str(BASE_DIR)]),
            "DATABASE_URL": cluster.url,
            "DEBUG": "0",
            "HTTPS": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "CACHE_KEY_PREFIX": f"fault-pg-{secrets.token_hex(4)}",
            "LOG_LEVEL": "WARNING",
        }
        server_log = tmp_path / "gunicorn.log"
        with open(server_log, "w", encoding="utf-8") as log_handle:
            # Booted while the migrations run; its workers connect at their first request.
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "quartier.wsgi:application", "--bind", f"127.0.0.1:{web_port}",
                 "--workers", "2", "--timeout", "30", "--graceful-timeout", "5", "--no-control-socket"],
                cwd=BASE_DIR, env=env, stdout=log_handle, stderr=subprocess.STDOUT,
            )  # fmt: skip
        jurors: list[Juror] = []
        scenario: Scenario | None = None
        try:
            prepared = subprocess.run(
                [sys.executable, "-c", PREPARE], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=240
            )
            assert prepared.returncode == 0, prepared.stdout + prepared.stderr
            data = json.loads(prepared.stdout.strip().splitlines()[-1])
            ready = time.monotonic()
            wait_for_port(web_port, server, server_log)
            titles = {pk: title for pk, title in data["items"]}
            scenario = Scenario(f"http://127.0.0.1:{web_port}", data["ballot"], titles, data["password"])
            jurors = [Juror(username, scenario) for username in data["memberships"]]
            for juror in jurors:
                juror.start()
            wait_until(lambda: all(juror.logged_in.is_set() for juror in jurors), 60, "the logins", jurors)
            wait_until(lambda: all(juror.confirmed_in("before") for juror in jurors), 30, "a vote each", jurors)
            time.sleep(0.5)

            scenario.phase = "down"
            stopping = time.monotonic()
            cluster.stop("fast")  # cuts the open connections, mid-transaction or not
            stopped = time.monotonic()
            time.sleep(1)
            cluster.start()
            started = time.monotonic()
            scenario.phase = "after"
            wait_until(lambda: all(juror.confirmed_in("after") for juror in jurors), 30, "votes after", jurors)
            time.sleep(0.3)
        finally:
            if scenario is not None:
                scenario.stop.set()
            for juror in jurors:
                juror.join(timeout=REQUEST_TIMEOUT + 5)
            stop_processes(server, timeout=10)
        assert not [juror.username for juror in jurors if juror.is_alive()], "a juror's request never returned"
        assert not [juror.error for juror in jurors if juror.error]
        votes = stored_votes(cluster)

    attempts = [attempt for juror in jurors for attempt in juror.attempts]
    # (b) Every answer was a confirmation or the German 503; requests met the gap.
    odd = [attempt for attempt in attempts if not (attempt.confirmed or attempt.outage)]
    assert not odd, f"{len(odd)} answers neither confirmed nor the outage message, e.g. {odd[:3]}"
    gap = [attempt for attempt in attempts if attempt.outage]
    assert any(attempt.item for attempt in gap), "no vote met the restart"
    assert "WORKER TIMEOUT" not in server_log.read_text(errors="replace")

    # (a) Every confirmed vote is there: the last confirmed choice, unless a later attempt (answered with
    # the 503, "may not have been saved") was saved after all.
    lost, exact, later_saved = [], 0, 0
    for juror in jurors:
        membership = data["memberships"][juror.username]
        for item in titles:
            tries = [attempt for attempt in juror.attempts if attempt.item == item]
            stored = votes.get((membership, item))
            confirmed = [index for index, attempt in enumerate(tries) if attempt.confirmed]
            if not confirmed:
                assert stored is None or stored in {attempt.choice for attempt in tries}
                continue
            last = tries[confirmed[-1]].choice
            if stored == last:
                exact += 1
            elif stored in {attempt.choice for attempt in tries[confirmed[-1] + 1 :]}:
                later_saved += 1
            else:
                lost.append((juror.username, titles[item], last, stored))
    assert not lost, f"confirmed votes lost (juror, item, confirmed, stored): {lost}"

    # (c) Voting works again: every juror's vote on the last item, confirmed after the restart, is stored.
    after_item = scenario.items_for("after")[0]
    for juror in jurors:
        confirmed_after = [a for a in juror.attempts if a.item == after_item and a.confirmed and a.phase == "after"]
        assert confirmed_after and votes[(data["memberships"][juror.username], after_item)] in CHOICES

    print(
        f"\nprivate cluster migrated in {data['migrate_seconds']} s, seeded in {data['seed_seconds']} s; "
        f"ready after {ready - began:.1f} s. {len(attempts)} requests: "
        f"{sum(a.confirmed for a in attempts)} confirmed, {len(gap)} answered with the 503 "
        f"({sum(1 for a in gap if a.item)} votes). Stop took {stopped - stopping:.1f} s, down for "
        f"{started - stopped:.1f} s. {exact} juror-item pairs hold the last confirmed vote, {later_saved} a "
        f"later vote answered with the 503. Whole test {time.monotonic() - began:.1f} s."
    )
