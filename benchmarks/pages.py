"""Throughput and latency of the main pages under load, against a hello-world Django view (issue #8).

Run against a database with the large demo (``manage.py seed_demo --scale large``); DATABASE_URL and REDIS_URL
as for the project::

    python benchmarks/pages.py                              # 15 s a page, 8 connections, 2 wrk threads
    python benchmarks/pages.py --duration 5 --area nordstadt

Refreshes the planner statistics (``ANALYZE``), then starts gunicorn as in production (2 sync workers, DEBUG
off, static files collected into a temporary directory) on a free loopback port, with ``benchmarks.settings``:
the project's settings plus the reference view ``bench/hallo/``, requested anonymously (and, for information,
once more with a session: the cost of loading the session and the user). Each page is requested
as a user whose role sees all of it, logged in through a session created directly in the database (removed at
the end). Each URL must first answer 200 to one plain GET; then wrk (Debian's ``wrk``) loads it for
``--duration`` seconds after a short warm-up, with ``wrk_report.lua``, which counts every response outside 2xx
(any one fails the run) and prints requests/s and p50/p95 latency. Goal: each page ≥ 15 % of the reference's
throughput and a p95 ≤ 10 × the reference's p95. Exit status 1 if a run fails or a page misses the goal.

Every request builds its page: nothing keeps a rendered page. Each session also carries a CSRF cookie, as a
browser does after its first page.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import secrets
import shutil
import subprocess  # starts gunicorn, collectstatic and wrk with fixed arguments  # nosec B404
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from quartier.devenv import free_port, stop_processes  # noqa: E402  # after the path is set

LUA = Path(__file__).resolve().parent / "wrk_report.lua"
REFERENCE = "/bench/hallo/"
MIN_THROUGHPUT_SHARE = 0.15
MAX_P95_FACTOR = 10


def server_environment() -> dict[str, str]:
    """The environment of the benchmark servers, also set in this process (the sessions it creates are signed
    with the same SECRET_KEY)."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        DEBUG="0",
        HTTPS="0",  # plain HTTP on loopback: cookies without the Secure flag, no redirect to https
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
        PYTHONUNBUFFERED="1",
    )
    if not env.get("SECRET_KEY") and not env.get("SECRET_KEY_FILE"):
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def setup() -> dict[str, str]:
    """Django in this process, with the servers' environment; returns that environment."""
    env = server_environment()
    os.environ.update(env)
    import django

    django.setup()
    return env


@contextlib.contextmanager
def gunicorn_server(env: dict[str, str], *, workers: int = 2) -> Iterator[str]:
    """gunicorn with ``workers`` sync workers on a free loopback port, as the production image runs it;
    yields its base URL."""
    static_root = tempfile.mkdtemp(prefix="quartier-bench-static-")
    env = {**env, "STATIC_ROOT": static_root}
    subprocess.run(  # noqa: S603  # the project's collectstatic: the manifest that DEBUG off needs  # nosec B603
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v0"], env=env, cwd=ROOT, check=True
    )
    port = free_port()
    process = subprocess.Popen(  # noqa: S603  # gunicorn serving this project, fixed arguments  # nosec B603
        [
            sys.executable, "-m", "gunicorn", "quartier.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--timeout", "60", "--no-control-socket", "--log-level", "warning",
        ],
        env=env,
        cwd=ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while get("127.0.0.1", port, REFERENCE)[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_processes(process)
        shutil.rmtree(static_root, ignore_errors=True)


def get(host: str, port: int, path: str, cookie: str = "") -> tuple[int, bytes]:
    """One plain GET; status 0 when the server does not answer."""
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        connection.close()


def analyze() -> None:
    """Refresh PostgreSQL's planner statistics, as autovacuum does some time after a bulk load: right after
    ``seed_demo --scale large`` they are stale, and the planner picks plans for tables a fifth of their size."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- Who and what ----------------------------------------------------------------------------------------------


def busiest_area() -> str:
    """The area with the most organisations, persons, contact notes, applications and meetings together."""
    from collections import Counter

    from django.db.models import Count

    from actors.models import ContactNote, Organisation, Person
    from committees.models import Meeting
    from fonds.models import Application

    load: Counter[str] = Counter()
    for model, field in (
        (Organisation, "area__slug"),
        (Person, "area__slug"),
        (ContactNote, "area__slug"),
        (Application, "area__slug"),
        (Meeting, "committee__area__slug"),
    ):
        for slug, count in model.objects.values_list(field).annotate(n=Count("pk")).values_list(field, "n"):
            load[slug] += count
    if not load:
        raise SystemExit("No demo data: run `manage.py seed_demo --scale large` first.")
    return load.most_common(1)[0][0]


def role_user(area: object, *roles: str) -> object:
    """A user holding the first of ``roles`` that anyone holds in ``area`` (fewest other roles first)."""
    from django.db.models import Count

    from quartier.models import User

    for role in roles:
        holders = User.objects.filter(
            is_active=True, role_assignments__area=area, role_assignments__role=role
        ).values_list("pk", flat=True)
        user = (
            User.objects.filter(pk__in=holders)
            .annotate(roles=Count("role_assignments"))
            .order_by("roles", "username")
            .first()
        )
        if user is not None:
            return user
    raise SystemExit(f"Nobody in {area} holds any of the roles {', '.join(roles)}.")


def juror_with_open_ballot(area: object) -> tuple[object, object]:
    """The most recently opened ballot of the area's committees, and a voting member with an account."""
    from django.utils import timezone

    from committees.models import Ballot, Membership
    from quartier.models import running_on

    ballot = (
        Ballot.objects.filter(committee__area=area, status=Ballot.Status.OPEN, deadline__gt=timezone.now())
        .order_by("-opened_at", "-pk")
        .first()
    )
    if ballot is None:
        raise SystemExit(f"{area} has no open ballot.")
    membership = (
        Membership.objects.filter(committee_id=ballot.committee_id, voting=True, user__isnull=False)
        .filter(running_on(timezone.localdate()))
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if membership is None:
        raise SystemExit(f"The open ballot {ballot} has no voting member with an account.")
    return membership.user, ballot


def fullest(queryset: object, *relations: str) -> object:
    """The object of ``queryset`` with the most rows in ``relations`` together (the lowest key of a tie)."""
    from django.db.models import Count

    counts = [Count(relation, distinct=True) for relation in relations]
    total = counts[0]
    for more in counts[1:]:
        total = total + more
    chosen = queryset.annotate(related_rows=total).order_by("-related_rows", "pk").first()
    if chosen is None:
        raise SystemExit(f"No {queryset.model._meta.verbose_name} to measure: is the demo seeded?")
    return chosen


def fullest_application(area: object) -> object:
    """The area's closed application of an organisation (without a contact person) with the longest history:
    status changes, payments, receipts, files, cost lines. Closed: every step of the lifecycle is on the page.
    An organisation alone: the page reads the access links once more when no person's email address is at hand,
    so the application must be of the same kind in both scales for ``queries.py``."""
    from fonds.models import Application, Status

    applications = Application.objects.filter(
        area=area, status=Status.CLOSED, organisation__isnull=False, person__isnull=True
    )
    return fullest(applications, "status_changes", "payments", "receipts", "attachments", "cost_lines")


@dataclass
class Page:
    name: str
    path: str
    user: object | None  # None: anonymous
    cookie: str = ""
    goal: bool = True  # False: shown for information, not held to the goal


def pages_of(slug: str, search: str) -> list[Page]:
    """The reference and the measured pages of the area ``slug``, each with the user who requests it."""
    from django.urls import reverse

    from quartier.models import Quartier, Role

    area = Quartier.objects.get(slug=slug)
    steering = role_user(area, Role.STEUERUNG)
    worker = role_user(area, Role.GEMEINWESENARBEIT, Role.STEUERUNG)
    planner = role_user(area, Role.PLANUNG, Role.STEUERUNG)
    juror, ballot = juror_with_open_ballot(area)
    application = fullest_application(area)
    on_area = {"slug": slug}
    return [
        Page("reference: hello world", REFERENCE, None),
        # The same view with a session: what loading the session and the user adds to every page.
        Page("hello world, logged in", REFERENCE, worker, goal=False),
        Page("dashboard", reverse("dashboard", kwargs=on_area), steering),
        Page(
            f"actor list, search “{search}”",
            reverse("organisation_list", kwargs=on_area) + "?" + urlencode({"q": search}),
            worker,
        ),
        Page("application list", reverse("application_list", kwargs=on_area), worker),
        Page(
            "application page",
            reverse("application_page", kwargs={**on_area, "application_pk": application.pk}),
            worker,
        ),
        Page("juror's ballot page", reverse("ballot_page", kwargs={"ballot_pk": ballot.pk}), juror),
        Page("ISEK measures table", reverse("measure_list", kwargs=on_area), planner),
        Page("ISEK financing overview", reverse("isek_financing", kwargs=on_area), planner),
    ]


@contextlib.contextmanager
def sessions_for(users: list[object]) -> Iterator[dict[int, str]]:
    """A logged-in session for each user, created directly in the session store; yields the Cookie header
    value per user id and deletes the sessions afterwards."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    stores = {}
    for user in users:
        if user.pk in stores:
            continue
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "quartier.auth.UsernameOrEmailBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        stores[user.pk] = store
    from django.utils.crypto import get_random_string

    def cookie(store: object) -> str:
        # A browser also holds the CSRF cookie that the first page it saw set (its forms need it).
        csrf = get_random_string(32)
        return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"

    try:
        yield {pk: cookie(store) for pk, store in stores.items()}
    finally:
        for store in stores.values():
            store.delete()


# --- Measuring -----------------------------------------------------------------------------------------------


def wrk(url: str, cookie: str, *, duration: int, connections: int, threads: int) -> dict[str, float]:
    wrk_binary = shutil.which("wrk")
    if wrk_binary is None:
        raise SystemExit("wrk is missing: `apt-get install -y wrk` (Debian).")
    command = [
        wrk_binary, "--threads", str(threads), "--connections", str(connections), "--duration", f"{duration}s",
        "--timeout", "30s", "--script", str(LUA),
    ]  # fmt: skip
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    output = subprocess.run(  # noqa: S603  # wrk with the arguments above  # nosec B603
        [*command, url], check=True, capture_output=True, text=True
    ).stdout
    for line in output.splitlines():
        if line.startswith("wrk_report "):
            return json.loads(line.removeprefix("wrk_report "))
    raise RuntimeError(f"wrk printed no report:\n{output}")


def failures(result: dict[str, float]) -> list[str]:
    names = ["non2xx", "status_errors", "connect_errors", "read_errors", "write_errors", "timeouts"]
    return [f"{name} {int(result[name])}" for name in names if result[name]]


def milliseconds(microseconds: float) -> str:
    return f"{microseconds / 1000:.1f} ms"


def measure(
    env: dict[str, str], pages: list[Page], cookies: dict[int, str], args: argparse.Namespace
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Every page under wrk on a gunicorn of its own; the results by page name and the failed runs."""
    results: dict[str, dict[str, float]] = {}
    broken: list[str] = []
    with gunicorn_server(env, workers=args.workers) as base:
        port = int(base.rsplit(":", 1)[1])
        for page in pages:
            page.cookie = cookies[page.user.pk] if page.user is not None else ""
            status, _body = get("127.0.0.1", port, page.path, page.cookie)
            who = page.user.username if page.user is not None else "anonymous"
            print(f"  {page.name}: GET {page.path} as {who} → {status}", flush=True)
            if status != 200:
                broken.append(f"{page.name}: GET {page.path} answered {status}, not 200")
        if broken:
            raise SystemExit("\n".join(broken))
        options = {"connections": args.connections, "threads": args.threads}
        for page in pages:
            if args.warmup:
                wrk(base + page.path, page.cookie, duration=args.warmup, **options)
            result = wrk(base + page.path, page.cookie, duration=args.duration, **options)
            results[page.name] = result
            problems = failures(result)
            if problems:
                broken.append(f"{page.name}: {', '.join(problems)}")
            print(
                f"  {page.name}: {result['rps']:.1f} requests/s, p50 {milliseconds(result['p50_us'])}, "
                f"p95 {milliseconds(result['p95_us'])}" + (f" — {', '.join(problems)}" if problems else ""),
                flush=True,
            )
    return results, broken


def report(pages: list[Page], results: dict[str, dict[str, float]]) -> list[str]:
    """Print the table; return the pages that missed the goal."""
    reference = results[pages[0].name]
    print("| page | requests/s | p50 | p95 | throughput / reference | p95 / reference | goal |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    missed = []
    for page in pages:
        result = results[page.name]
        share = result["rps"] / reference["rps"]
        factor = result["p95_us"] / reference["p95_us"]
        reasons = []
        if share < MIN_THROUGHPUT_SHARE:
            reasons.append(f"throughput < {MIN_THROUGHPUT_SHARE:.0%}")
        if factor > MAX_P95_FACTOR:
            reasons.append(f"p95 > {MAX_P95_FACTOR} ×")
        if not page.goal:
            verdict = "(information)" + (f": {', '.join(reasons)}" if reasons and page.goal else "")
        elif reasons:
            verdict = "missed: " + ", ".join(reasons)
            missed.append(page.name)
        else:
            verdict = "met"
        print(
            f"| {page.name} | {result['rps']:.1f} | {milliseconds(result['p50_us'])} | "
            f"{milliseconds(result['p95_us'])} | {share:.0%} | {factor:.1f} × | {verdict} |"
        )
    print()
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per page (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load per page before measuring")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--area", help="area slug (default: the busiest)")
    parser.add_argument("--search", default="verein", help="search term of the actor list")
    parser.add_argument("--no-analyze", action="store_true", help="do not refresh the planner statistics first")
    args = parser.parse_args()
    env = setup()
    if not args.no_analyze:
        analyze()
    slug = args.area or busiest_area()
    pages = pages_of(slug, args.search)
    users = [page.user for page in pages if page.user is not None]
    print(f"Area {slug}; {args.workers} gunicorn workers; wrk {args.threads} threads, {args.connections} connections,")
    print(f"{args.duration} s per page after {args.warmup} s warm-up.", flush=True)
    with sessions_for(users) as cookies:
        results, broken = measure(env, pages, cookies, args)
    print()
    missed = report(pages, results)
    print(f"Goal: ≥ {MIN_THROUGHPUT_SHARE:.0%} of the reference's throughput and p95 ≤ {MAX_P95_FACTOR} × its p95.")
    if broken:
        print("Failed runs:\n  " + "\n  ".join(broken))
    if missed:
        print(f"Missed the goal: {', '.join(missed)}")
    if broken or missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
