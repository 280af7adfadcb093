"""How long the annual report takes to build, against WeasyPrint alone on the same HTML, and its peak memory.

Run against a database with the large demo (``manage.py seed_demo --scale large``)::

    python benchmarks/report_build.py                  # the busiest area-year
    python benchmarks/report_build.py --area nordstadt --year 2025 --runs 5

Each measurement runs in a fresh Python process, so the peak memory (the process's maximum resident set
size) is that of one build: ``total`` gathers every section and renders the PDF, as the Celery task does
(without storing it); ``weasyprint`` only turns the same HTML, saved by the first, into the PDF. It also
counts the queries of each section. Goal (issue #7): total ≤ 1.5 × WeasyPrint alone, peak ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess  # runs this script again, with its own arguments  # nosec B404
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartier.settings")
    import django

    django.setup()


def busiest() -> tuple[str, int]:
    """The area and year with the most contact notes, applications and meetings together."""
    from collections import Counter

    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from actors.models import ContactNote
    from committees.models import Meeting
    from fonds.models import Application

    load: Counter[tuple[str, int]] = Counter()
    for slug, year, count in (
        ContactNote.objects.annotate(y=ExtractYear("date")).values_list("area__slug", "y").annotate(n=Count("pk"))
    ):
        load[(slug, year)] += count
    for slug, year, count in Application.objects.values_list("area__slug", "fund__year").annotate(n=Count("pk")):
        load[(slug, year)] += count
    for slug, year, count in (
        Meeting.objects.annotate(y=ExtractYear("starts_at"))
        .values_list("committee__area__slug", "y")
        .annotate(n=Count("pk"))
    ):
        load[(slug, year)] += count
    (slug, year), _count = load.most_common(1)[0]
    return slug, year


def _report(slug: str, year: int):
    import datetime

    from django.utils import timezone

    from quartier.models import Quartier
    from reporting.models import Report

    report = Report(
        area=Quartier.objects.get(slug=slug), year=year, kind="entwurf", version=1, intro="Benchmark",
        outlook="", period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
    )  # fmt: skip
    report.created_at = timezone.now()
    return report


def measure_total(slug: str, year: int, html_path: str) -> dict[str, float]:
    """One build as the task does it: every section, then the PDF. Saves the HTML for the second mode."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting.figures import gather
    from reporting.rendering import html_to_pdf, render_html
    from reporting.services import report_context, report_title

    report = _report(slug, year)
    started = time.perf_counter()
    begun: dict[str, int] = {}  # the number of queries made before each section

    def step(key: str) -> None:
        begun[key] = len(captured)

    with CaptureQueriesContext(connection) as captured:
        sections = gather(report.area, year, step=step)
    ends = [*list(begun.values())[1:], len(captured)]
    queries = {key: end - start for (key, start), end in zip(begun.items(), ends, strict=True)}
    gathered = time.perf_counter()
    html = render_html(
        "reporting/annual_report.html", report_context(report, sections), title=report_title(report),
        area=report.area,
    )  # fmt: skip
    pdf = html_to_pdf(html)
    finished = time.perf_counter()
    Path(html_path).write_text(html, encoding="utf-8")
    return {
        "seconds": finished - started,
        "gather_seconds": gathered - started,
        "pdf_bytes": len(pdf),
        "queries": queries,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure_weasyprint(html_path: str) -> dict[str, float]:
    from reporting.rendering import html_to_pdf

    html = Path(html_path).read_text(encoding="utf-8")
    started = time.perf_counter()
    pdf = html_to_pdf(html)
    return {
        "seconds": time.perf_counter() - started,
        "pdf_bytes": len(pdf),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child(mode: str, slug: str, year: int, html_path: str) -> dict[str, float]:
    output = subprocess.run(  # noqa: S603  # this script with its own arguments  # nosec B603
        [sys.executable, __file__, "--child", mode, "--area", slug, "--year", str(year), "--html", html_path],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--area")
    parser.add_argument("--year", type=int)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["total", "weasyprint"])
    parser.add_argument("--html")
    args = parser.parse_args()
    setup()
    if args.child == "total":
        print(json.dumps(measure_total(args.area, args.year, args.html)))
        return
    if args.child == "weasyprint":
        print(json.dumps(measure_weasyprint(args.html)))
        return
    slug, year = (args.area, args.year) if args.area and args.year else busiest()
    html_path = str(Path(tempfile.mkdtemp()) / "report.html")
    totals = [child("total", slug, year, html_path) for _ in range(args.runs)]
    alone = [child("weasyprint", slug, year, html_path) for _ in range(args.runs)]
    total = statistics.median(run["seconds"] for run in totals)
    weasy = statistics.median(run["seconds"] for run in alone)
    peak = max(run["peak_mb"] for run in totals)
    gather = statistics.median(run["gather_seconds"] for run in totals)
    peak_alone = max(run["peak_mb"] for run in alone)
    queries = ", ".join(f"{key} {count}" for key, count in totals[0]["queries"].items())
    print(f"Annual report {slug} {year}: {totals[0]['pdf_bytes'] / 1024:.0f} KiB PDF, median of {args.runs} runs")
    print(f"  total build        {total:6.2f} s  (gathering the data {gather:.2f} s)")
    print(f"  WeasyPrint alone   {weasy:6.2f} s")
    print(f"  ratio              {total / weasy:6.2f}   (goal ≤ 1.5)")
    print(f"  peak memory        {peak:6.0f} MB (goal ≤ 300; WeasyPrint alone {peak_alone:.0f} MB)")
    print(f"  queries per section {queries}")
    if total > 1.5 * weasy or peak > 300:
        sys.exit(1)


if __name__ == "__main__":
    main()
