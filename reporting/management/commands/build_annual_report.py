"""``manage.py build_annual_report --area SLUG --year YYYY -o FILE``: the annual report's PDF without
the web, for cron jobs and administrators. The same data and template as a build in the browser; the
introduction and outlook are those of the newest version of that year unless given. Nothing is stored in
the database: keep the file where the job puts it."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from quartier.models import Quartier
from reporting.models import Report
from reporting.services import render_report


class Command(BaseCommand):
    help = "Build an area's annual report as a PDF file, without the web."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", required=True, help="The area's slug, e.g. kiez-am-kanal.")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("-o", "--output", required=True, help="Where to write the PDF.")
        parser.add_argument("--intro", help="The introduction (default: that of the newest version).")
        parser.add_argument("--outlook", help="The outlook (default: that of the newest version).")

    def handle(self, *args: Any, **options: Any) -> None:
        area = Quartier.objects.filter(slug=options["area"]).first()
        if area is None:
            raise CommandError(f"No area with the slug {options['area']!r}.")
        year = options["year"]
        if not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"The year must lie between 2000 and {timezone.localdate().year}.")
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"The directory {output.parent} does not exist.")
        newest = Report.objects.filter(area=area, year=year).order_by("-version").first()
        report = Report(
            area=area,
            year=year,
            kind=Report.Kind.DRAFT,  # only a version built in the browser is released as the final report
            version=(newest.version + 1) if newest else 1,
            intro=options["intro"] if options["intro"] is not None else (newest.intro if newest else ""),
            outlook=options["outlook"] if options["outlook"] is not None else (newest.outlook if newest else ""),
            period_start=datetime.date(year, 1, 1),
            period_end=min(datetime.date(year, 12, 31), timezone.localdate()),
        )
        report.created_at = report.started_at = timezone.now()  # the data is taken now
        pdf, _figures = render_report(report)
        temporary = output.with_name(f".{output.name}.part")
        temporary.write_bytes(pdf)
        temporary.replace(output)
        self.stdout.write(f"{output}: {len(pdf)} bytes")
