"""SQL queries per page with the small and with the large demo: they must be equal (issue #8).

Give two databases, one with ``seed_demo`` and one with ``seed_demo --scale large``::

    python benchmarks/queries.py --small postgresql://…/quartier_small --large postgresql://…/quartier_large
    python benchmarks/queries.py            # only the database of DATABASE_URL: one column

Each database is counted in a fresh Python process (the same settings as ``pages.py``: DEBUG off, with the
Django test client). Every page is requested once by a user whose role sees all of it, logged in through a
session created directly in the database (removed at the end), and then counted on a second request, so that
the first request's one-time writes (the session's last area, its two-factor state) are not counted. The page
cache is off: the count is what building the page costs (a page served from the cache costs two queries, for
the session and the user). The
objects (an organisation, a meeting, a measure …) are chosen by the same rule in both databases: the one with
the most related rows. Exit status 1 if any page differs, or does not answer 200.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess  # runs this script again, with its own arguments  # nosec B404
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.pages import Page, fullest, pages_of, role_user, sessions_for, setup  # noqa: E402  # path first

MAIN_AREA = "kiez-am-kanal"  # the demo's main area: in both scales, with every demo role and the jurors jury1 …


def more_pages(slug: str) -> list[Page]:
    """The area's other important pages beyond those of ``pages.py``."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    from actors.models import Organisation, Person
    from committees.models import Ballot, BallotItem, Committee, Meeting
    from fonds.models import Application, Fund
    from isek.models import Measure
    from isek.selectors import pick_version, versions_of
    from quartier.models import Quartier, Role

    area = Quartier.objects.get(slug=slug)
    steering = role_user(area, Role.STEUERUNG)
    worker = role_user(area, Role.GEMEINWESENARBEIT, Role.STEUERUNG)
    planner = role_user(area, Role.PLANUNG, Role.STEUERUNG)
    on_area = {"slug": slug}

    def url(name: str, **kwargs: object) -> str:
        return reverse(name, kwargs={**on_area, **kwargs})

    organisation = fullest(
        Organisation.objects.filter(area=area), "affiliation", "contact_notes", "network_memberships"
    )
    person = fullest(Person.objects.filter(area=area), "affiliation", "contact_notes", "committee_memberships")
    committee = fullest(Committee.objects.filter(area=area), "memberships", "meetings")
    meeting = fullest(
        Meeting.objects.filter(committee__area=area, status=Meeting.Status.APPROVED), "items", "attendances"
    )
    fund = fullest(Fund.objects.filter(area=area), "applications", "rounds")
    measure = fullest(
        Measure.objects.filter(version=pick_version(versions_of(area), None)),
        "milestones", "progress_notes", "financing", "spendings",
    )  # fmt: skip
    ballot = Ballot.objects.filter(committee__area=area, status=Ballot.Status.OPEN).order_by("-opened_at").first()
    pages = [
        Page("organisation page", url("organisation_page", organisation_pk=organisation.pk), worker),
        Page("person list", url("person_list"), worker),
        Page("person page", url("person_page", person_pk=person.pk), worker),
        Page("network list", url("network_list"), worker),
        Page("network picture", url("network_picture"), worker),
        Page("contact notes", url("contact_list"), worker),
        Page("concerns board", url("concern_board"), worker),
        Page("committee list", url("committee_list"), steering),
        Page("committee page", url("committee_page", committee_pk=committee.pk), steering),
        Page("meeting page", url("meeting_page", meeting_pk=meeting.pk), steering),
        Page("ballot (office)", url("ballot_office", ballot_pk=ballot.pk), steering),
        Page("fund list", url("fund_list"), worker),
        Page("fund page", url("fund_page", fund_pk=fund.pk), worker),
        Page("ISEK home", url("isek_home"), planner),
        Page("measure page", url("measure_page", measure_pk=measure.pk), planner),
        Page("ISEK timeline", url("isek_timeline"), planner),
        Page("ISEK indicators", url("indicator_list"), planner),
        Page("ISEK version comparison", url("version_compare"), planner),
        Page("reports list", url("report_list"), steering),
        Page("area history", url("area_history"), steering),
    ]
    item = (
        BallotItem.objects.filter(ballot=ballot, content_type=ContentType.objects.get_for_model(Application))
        .order_by("position")
        .first()
    )
    juror_pages = [page for page in pages_of(slug, "verein") if page.path.startswith("/abstimmungen/")]
    juror = juror_pages[0].user
    pages.append(Page("juror: my ballots", reverse("my_ballots"), juror))
    if item is not None:
        pages.append(
            Page(
                "juror: application on the ballot",
                reverse("juror_application", kwargs={"ballot_pk": ballot.pk, "application_pk": item.object_id}),
                juror,
            )
        )
    return pages


def count(slug: str, search: str) -> dict[str, dict[str, object]]:
    """Queries of every page of ``slug`` in this process's database (with Django set up)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    pages = [*pages_of(slug, search), *more_pages(slug)]
    counts: dict[str, dict[str, object]] = {}
    # The test client serves no static files: the plain storage needs no collected manifest.
    storages = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    plain = override_settings(STORAGES=storages)
    with sessions_for([page.user for page in pages if page.user]) as cookies, plain:
        for page in pages:
            client = Client()
            if page.user is not None:
                for part in cookies[page.user.pk].split("; "):
                    name, value = part.split("=", 1)
                    client.cookies[name] = value
            client.get(page.path)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(page.path)
            counts[page.name] = {
                "path": page.path,
                "user": page.user.username if page.user else "anonymous",
                "status": response.status_code,
                "queries": len(captured.captured_queries),
                "sql": [query["sql"] for query in captured.captured_queries],
            }
    return counts


def child(database_url: str, slug: str, search: str) -> dict[str, dict[str, object]]:
    env = dict(os.environ, DATABASE_URL=database_url)
    # Its own cache keys for each database: cached objects of one must never be read in the other.
    env["CACHE_KEY_PREFIX"] = "quartier-bench-queries-" + urlsplit(database_url).path.strip("/").replace("/", "-")
    output = subprocess.run(  # noqa: S603  # this script with its own arguments  # nosec B603
        [sys.executable, __file__, "--child", "--area", slug, "--search", search],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def create_database(name: str) -> str:
    """Create the empty database ``name`` (dropped first if it exists) in the server of DATABASE_URL; return
    its URL. ``make bench`` puts the small demo there."""
    import psycopg
    from psycopg import sql

    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", help="DATABASE_URL of a database with the small demo")
    parser.add_argument("--large", help="DATABASE_URL of a database with the large demo")
    parser.add_argument("--area", default=MAIN_AREA, help=f"area slug (default {MAIN_AREA}, in both scales)")
    parser.add_argument("--search", default="verein", help="search term of the actor list")
    parser.add_argument("--sql", action="store_true", help="print the queries of pages that differ")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--create-database",
        metavar="NAME",
        help="only create an empty database NAME beside DATABASE_URL's, print its URL",
    )
    args = parser.parse_args()
    if args.create_database:
        print(create_database(args.create_database))
        return
    if args.child:
        setup()
        os.environ["ALLOWED_HOSTS"] = "testserver"
        from django.conf import settings

        settings.ALLOWED_HOSTS = ["testserver"]
        print(json.dumps(count(args.area, args.search)))
        return
    if bool(args.small) != bool(args.large):
        parser.error("give both --small and --large, or neither (then DATABASE_URL alone is counted)")
    if not args.small:
        counts = child(os.environ["DATABASE_URL"], args.area, args.search)
        print(f"SQL queries per page, area {args.area}\n")
        print("| page | user | queries |")
        print("| --- | --- | ---: |")
        for name, row in counts.items():
            print(f"| {name} | {row['user']} | {row['queries']} |")
        sys.exit(0 if all(row["status"] == 200 for row in counts.values()) else 1)
    small = child(args.small, args.area, args.search)
    large = child(args.large, args.area, args.search)
    print(f"SQL queries per page, area {args.area}: small demo against large demo\n")
    print("| page | user | small | large | equal |")
    print("| --- | --- | ---: | ---: | --- |")
    bad = []
    for name, row in small.items():
        other = large.get(name, {"queries": "—", "status": 0, "sql": []})
        ok = row["status"] == 200 and other["status"] == 200 and row["queries"] == other["queries"]
        statuses = "" if row["status"] == other["status"] == 200 else f" (HTTP {row['status']} / {other['status']})"
        print(f"| {name} | {row['user']} | {row['queries']} | {other['queries']} | {'yes' if ok else 'NO'}{statuses} |")
        if not ok:
            bad.append((name, row, other))
    if bad and args.sql:
        for name, row, other in bad:
            print(f"\n{name} — small:")
            print("\n".join(f"  {sql}" for sql in row["sql"]))
            print(f"{name} — large:")
            print("\n".join(f"  {sql}" for sql in other["sql"]))
    if bad:
        print(f"\nDiffer or fail: {', '.join(name for name, _row, _other in bad)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
