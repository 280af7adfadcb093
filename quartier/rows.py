"""The rows of the dashboard's lists as it shows them (``quartier.dashboard.Dashboard``): every text worked out once
in Python and each row written as its HTML (``quartier.display.HtmlPattern``; a row cost a link, a date or an amount
filter and a ``{% blocktranslate %}`` in the template). The sentences are the template's messages, filled as
``{% blocktranslate %}`` fills them: the values escaped, the translation as it is."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from quartier import display
from quartier.dashboard import Dashboard
from quartier.navigation import area_url

NOTHING = "–"

LINK = display.HtmlPattern('<li><a href="{url}">{text}</a> · {rest}</li>')
PAYMENT = display.HtmlPattern('<li><a href="{url}#payments">{title}</a>\n      · {sentence}</li>')
MILESTONE = display.HtmlPattern('<li>{overdue}<a href="{url}">{title}</a> · {number} · {date}</li>')
FOLLOW_UP = display.HtmlPattern('<li>{overdue}<a href="{url}">{topic}</a>\n        · {sentence}</li>')
ORPHANED = display.HtmlPattern('<li><a href="{url}">{topic}</a>\n        · {sentence}</li>')
FUND_AND_DAY = display.HtmlPattern("{fund} · {date}")
OVERDUE = display.HtmlPattern('<strong class="tag tag--warning">{label}</strong> ')


def dashboard_rows(board: Dashboard, *, slug: str, today: datetime.date) -> dict[str, list[SafeString]]:
    """The rows of each of ``board``'s lists that it has (a list of ``None`` has none), by the list's name."""
    needs = board.needs
    money = display.money_formatter()
    day, _moment = display.short_dates()
    overdue = OVERDUE(label=_("overdue"))
    url: Callable[[str, int], str] = lambda name, pk: area_url(name, slug, pk)  # noqa: E731
    rows: dict[str, list[Any]] = {}
    if needs.payments is not None:
        rows["payments"] = [
            PAYMENT(
                url=url("application_page", payment.application.pk),
                title=payment.application.title,
                sentence=display.sentence(
                    _("%(amount)s €, recorded by %(who)s"),
                    amount=money(payment.amount),
                    who=payment.recorded_by.get_display_name(),
                ),
            )
            for payment in needs.payments
        ]
    if needs.funds is not None:
        rows["funds"] = [
            LINK(
                url=url("fund_page", fund.pk),
                text=fund.name,
                rest=display.sentence(
                    _("%(free)s € of %(budget)s € left"), free=money(totals.free), budget=money(totals.budget)
                ),
            )
            for fund, totals in needs.funds
        ]
    if needs.behind is not None:
        rows["behind"] = [
            LINK(
                url=url("measure_page", measure.pk),
                text=f"{measure.number} {measure.title}",
                rest=display.sentence(
                    _("%(status)s, planned to end %(end)s"),
                    end=display.month(measure.end),
                    status=measure.get_status_display(),
                ),
            )
            for measure in needs.behind
        ]
    if needs.milestones is not None:
        rows["milestones"] = [
            MILESTONE(
                overdue=overdue if milestone.date < today else "",
                url=url("measure_page", milestone.measure.pk),
                title=milestone.title,
                number=milestone.measure.number,
                date=day(milestone.date),
            )
            for milestone in needs.milestones
        ]
    if needs.applications is not None:
        rows["applications"] = [
            LINK(
                url=url("application_page", application.pk),
                text=application.title,
                rest=FUND_AND_DAY(fund=application.fund.name, date=day(application.submitted_at)),
            )
            for application in needs.applications
        ]
    if needs.concerns is not None:
        rows["concerns"] = [
            LINK(
                url=url("concern_page", concern.pk),
                text=Truncator(concern.text).chars(80),
                rest=display.sentence(_("forwarded to %(unit)s"), unit=concern.forwarded_to or NOTHING),
            )
            for concern in needs.concerns
        ]
    if needs.reports is not None:
        rows["reports"] = [
            LINK(
                url=area_url("report_page", report.area.slug, report.pk),
                text=display.sentence(
                    _("%(area)s: annual report %(year)s, version %(version)s"),
                    area=report.area.name,
                    year=report.year,
                    version=report.version,
                ),
                rest=day(report.finished_at),
            )
            for report in needs.reports
        ]
    if board.follow_ups is not None:
        rows["follow_ups"] = [
            FOLLOW_UP(
                overdue=overdue if note.overdue else "",  # type: ignore[attr-defined]  # with_overdue
                url=url("contact_page", note.pk),
                topic=note.topic,
                sentence=display.sentence(_("due %(due)s"), due=day(note.follow_up_due)),
            )
            for note in board.follow_ups
        ]
    rows["orphaned_follow_ups"] = [
        ORPHANED(
            url=url("contact_edit", note.pk),
            topic=note.topic,
            sentence=display.sentence(
                _("due %(due)s, was for %(who)s"),
                due=day(note.follow_up_due),
                who=note.follow_up_assignee.get_display_name() if note.follow_up_assignee else "",
            ),
        )
        for note in board.orphaned_follow_ups
    ]
    return rows
