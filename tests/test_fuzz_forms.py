"""Property-based fuzzing (hypothesis) of every form the office's staff and the committees' members can send:
whatever is sent, never a server error, and never a half-saved record.

Each form is found the way a browser finds it: the page that shows it is rendered (with the objects
``tests.test_url_permissions.sample_values`` makes for every URL), and the ``<form>`` that posts to the route is
read for its real field names, options and current values. Hypothesis then sends either the valid values (an
option, a well-formed date or amount, the current value) with a field or two made junk, or junk only
(``field_values`` of the public fuzz test, numbers written oddly, fields left out or made up), with and without
htmx. Every example runs in a savepoint of its own that is rolled back afterwards, so the examples are
independent and a failing one can be replayed; the examples come from a fixed seed, so a run is repeatable.

For every example:

* the answer is never a server error;
* a refusal (an HTTP error, the form shown again with errors, an error message after a redirect, an htmx
  fragment with an error) leaves every table as it was (PostgreSQL says which tables the request wrote to; their
  rows are compared with those before it). A target names the tables a refusal may write to on purpose: the
  back-off counter of a wrong two-factor code, the time a private link was last used;
* an accepted form leaves whole records: a "new" form made exactly one object, of the area, valid by its model's
  rules; the objects the URL names are still valid; and what a form needs beyond that (a vote stored as it was
  sent, agenda positions without gaps, a proof of use with its receipts).

Besides: the import (upload, preview, confirm) takes each valid row whole and nothing else, and every route
that takes a POST is fuzzed here or named with the place where it is.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from demo.factories import QuartierFactory, UserFactory, user_with_role
from quartier.models import Quartier, Role, User
from tests.test_fuzz_public import field_values
from tests.test_url_permissions import ROUTES, sample_url, sample_values

FUZZ = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Besides the public test's junk: numbers a form or a view might take for digits but int() does not ("²" is a
# digit to str.isdigit), a number with more digits than int() reads, German amounts and made-up references.
odd_values = st.sampled_from(
    ["²", "①", "١٢", "9" * 5000, "1,5", "1.234,56", "-0,01", "99999999999999999999", "2026-13-01", "meeting-x"]
)
junk = st.one_of(field_values, odd_values)

ROUTE_BY_NAME = {route.name: route for route in ROUTES}


# --- reading a form off the rendered page ----------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # the input's type, or "select", "textarea", "submit"
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Form:
    action: str
    fields: dict[str, Field] = field(default_factory=dict)


class FormParser(HTMLParser):
    """The ``method="post"`` forms of a page with their fields (no JavaScript, as the browser sends them)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.text_of: Field | None = None  # the textarea or option whose text is being read
        self.select: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            posting = a.get("method", "").lower() == "post"
            self.form = Form(action=a.get("hx-post") or a.get("action", "")) if posting else None
            if self.form is not None:
                self.forms.append(self.form)
            return
        if self.form is None:
            return
        fields, name = self.form.fields, a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio", "submit"}:
                group = fields.setdefault(name, Field(name, kind, multiple=kind == "checkbox", attrs=a))
                group.options.append(a.get("value", "on"))
                if "checked" in a:
                    group.value = a.get("value", "on")
            else:
                fields[name] = Field(name, kind, value=a.get("value", ""), attrs=a)
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            fields.setdefault(name, Field(name, "submit")).options.append(a.get("value", ""))
        elif tag == "textarea" and name:
            self.text_of = fields[name] = Field(name, "textarea", attrs=a)
        elif tag == "select" and name:
            self.select = fields[name] = Field(name, "select", multiple="multiple" in a, attrs=a)
        elif tag == "option" and self.select is not None:
            if "value" in a:
                self.select.options.append(a["value"])
            else:
                self.text_of = self.select
                self.select.options.append("")
            if "selected" in a:
                self.select.value = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self.text_of is not None:
            if self.text_of.kind == "select":
                self.text_of.options[-1] += data.strip()
            else:
                self.text_of.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag in {"textarea", "option"}:
            self.text_of = None
        elif tag == "select":
            self.select = None


def add_options(known: Field, options: list[str]) -> None:
    """More values to choose from for ``known``; a hidden field that differs between forms becomes a choice (a
    text field takes them besides what it is typed)."""
    if known.kind == "hidden":
        known.kind, known.options = "submit", [known.value]
    known.options += [option for option in options if option not in known.options]


def forms_posting_to(html: str, page: str, url: str) -> Form:
    """The fields of every post form on ``html`` (the page at ``page``) that sends to ``url``, merged."""
    parser = FormParser()
    parser.feed(html)
    merged = Form(action=url)
    for form in parser.forms:
        if urlsplit(form.action or page).path != urlsplit(url).path:
            continue
        for name, found in form.fields.items():
            known = merged.fields.get(name)
            if known is None:
                merged.fields[name] = found
            elif found.kind in {"submit", "radio", "checkbox"}:
                add_options(known, found.options)
            elif found.kind == "hidden" and found.value != known.value:  # e.g. the vote's and the recusal's action
                add_options(known, [found.value])
    return merged


# --- what hypothesis sends -------------------------------------------------------------------------------------

WORDS = st.text(alphabet=string.ascii_letters + "äöüßÄÖÜ -", min_size=1, max_size=30).filter(str.strip)
DAYS = st.dates(datetime.date(2019, 1, 1), datetime.date(2031, 12, 31))
# Deadlines and meetings: days from 30 before to 400 after today, today read when the example is drawn.
SOON = st.integers(-30, 400).map(lambda days: timezone.localdate() + datetime.timedelta(days=days))
AMOUNTS = st.sampled_from(["0", "12,50", "100", "400", "1.234,56", "99,99"])
CSV = "name;art;plz;im gebiet\nKiezladen;verein;12345;ja\n"
PDF = b"%PDF-1.4\n%fuzz\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32  # uploads are judged by their first bytes
ROW = re.compile(r"^(.+)-(\d+)-[^-]+$")  # a field of a formset's row


def mostly_empty(filled: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """An optional field: left empty two times in three."""
    return st.sampled_from([False, False, True]).flatmap(lambda fill: filled if fill else st.just(""))


def valid_value(f: Field) -> st.SearchStrategy[Any]:
    """Something the form could accept in this field (the current value, an option, a well-formed entry)."""
    if f.kind in {"hidden", "submit"} and not f.options:
        return st.just(f.value)
    if f.kind in {"select", "radio", "submit"}:
        options = [option for option in f.options if option] or [""]
        if f.multiple:
            return st.lists(st.sampled_from(options), unique=True, max_size=3)
        optional = f.kind == "select" and "" in f.options and "required" not in f.attrs
        return st.sampled_from(["", *options] if optional else options)
    if f.kind == "checkbox":
        return st.lists(st.sampled_from(f.options), unique=True, max_size=min(3, len(f.options)))
    if f.kind == "date":
        filled = DAYS.map(datetime.date.isoformat)
    elif f.kind == "datetime-local":
        filled = SOON.map(lambda day: f"{day.isoformat()}T18:30")
    elif f.kind == "number" and f.attrs.get("step", "1") != "1":  # an amount
        filled = st.sampled_from(["0", "0.01", "12.50", "100", "250", "1000"])
    elif f.kind == "number":
        low = int(float(f.attrs.get("min") or 0))
        numbers = [st.integers(low, int(float(f.attrs.get("max") or low + 100)))]
        if "max" not in f.attrs:
            numbers.append(st.integers(max(low, 2019), 2031))  # years
        filled = st.one_of(*numbers).map(str)
    elif f.kind == "email":
        filled = st.just("fuzz@example.org")
    elif f.kind == "url":
        filled = st.just("https://example.org/fuzz")
    elif f.kind == "file":  # a new file object each time: a sent one has been read
        accept = f.attrs.get("accept", "")
        name, content = ("foto.png", PNG) if accept.startswith("image") else ("beleg.pdf", PDF)
        if not accept:
            name, content = "tabelle.csv", CSV.encode()
        filled = st.builds(SimpleUploadedFile, st.just(name), st.just(content))
    elif f.attrs.get("inputmode") == "decimal":
        filled = AMOUNTS
    elif f.attrs.get("inputmode") == "numeric":
        filled = st.integers(0, 200).map(str)
    else:
        filled = WORDS
    if f.options:  # values a target adds
        filled = st.one_of(st.sampled_from(f.options), filled)
    if f.value.strip():
        return st.one_of(st.just(f.value), filled)
    return filled if "required" in f.attrs else mostly_empty(filled)


# A formset's count of forms: junk, but no big number (Django builds up to 2,000 forms for one, some seconds).
FORM_COUNTS = st.sampled_from(["", " ", "-1", "x", "²", "0", "1", "61", "9" * 5000, "1e3"])


def junk_value(f: Field) -> st.SearchStrategy[Any]:
    if f.name.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")):
        return FORM_COUNTS
    if f.kind == "file":
        return st.binary(max_size=300).map(lambda data: SimpleUploadedFile("x.csv", data))
    if f.multiple:
        return st.lists(junk, max_size=3)
    return junk


@st.composite
def payloads(draw: st.DrawFn, form: Form) -> dict[str, Any]:
    """The valid values with up to two fields made junk, or junk only (fields left out, made-up fields).

    The empty rows a formset offers for new entries stay empty three times in four."""
    names = sorted(form.fields)
    data: dict[str, Any] = {}
    if draw(st.booleans()):
        rows: dict[str, list[Field]] = {}
        for name in names:
            if match := ROW.match(name):
                rows.setdefault(match.group(1, 2), []).append(form.fields[name])
        blank = {
            f.name
            for row in rows.values()
            if not any(f.value.strip() for f in row if f.kind != "hidden")
            and draw(st.sampled_from([True, True, True, False]))
            for f in row
            if f.kind != "hidden"
        }
        data = {name: "" if name in blank else draw(valid_value(form.fields[name])) for name in names}
    choices = [*names, "unbekannt"]
    count = min(len(choices), draw(st.sampled_from([0, 0, 1, 2]) if data else st.integers(0, 6)))
    changed = draw(st.lists(st.sampled_from(choices), unique=True, min_size=count, max_size=count))
    for name in changed:
        data[name] = draw(junk_value(form.fields[name]) if name in form.fields else junk)
    return {name: value for name, value in data.items() if value != []}


# --- the database before and after -----------------------------------------------------------------------------

NOT_COMPARED = {"django_session"}  # the login of the test client


def writes() -> dict[str, int]:
    """How many rows this transaction has written to each table so far (PostgreSQL counts them as it goes)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
        return dict(cursor.fetchall())


def fingerprint(tables: list[str]) -> dict[str, str]:
    """The rows of ``tables``, as a count and a hash (the test's tables hold a few dozen rows: cheap enough)."""
    if not tables:
        return {}
    rows = "md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
    # The names are the database's own table names.
    query = " UNION ALL ".join(f"SELECT '{name}', count(*), {rows} FROM \"{name}\" t" for name in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query)
        return {name: f"{count} rows, {digest}" for name, count, digest in cursor.fetchall()}


ERROR_MARKS = ('class="errorlist"', 'class="error-summary"', "message--error", 'role="alert"')


def refusal(response: HttpResponse) -> str:
    """Why the answer is a refusal ("" when the form was accepted)."""
    if response.status_code >= 400:
        return f"status {response.status_code}"
    queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
    if any(message.level >= message_levels.ERROR for message in queued):
        return "error message"
    if "html" in response.get("Content-Type", ""):
        content = response.content.decode()
        for mark in ERROR_MARKS:
            if mark in content:
                return f"page with {mark}"
    return ""


# --- the forms -------------------------------------------------------------------------------------------------

Values = dict[str, str]


@dataclass
class Target:
    route: str
    role: str = "steuerung"  # "": nobody signed in
    page: str | None = None  # the route of the page that shows the form; None: the route itself
    query: str = ""  # added to the page's address
    prepare: Callable[[Quartier, Values], None] | None = None  # changes the sample objects or names others
    creates: str | None = None  # "app.Model" a "new" form makes
    check: Callable[[Values, dict[str, Any]], None] | None = None  # what else must hold after an accepted form
    extra: dict[str, list[str]] = field(default_factory=dict)  # values to try beyond the page's options
    counts_refusals: frozenset[str] = frozenset()  # tables a refusal may write to (a counter, a time of use)
    variant: str = ""

    @property
    def id(self) -> str:
        return f"{self.route}-{self.variant}" if self.variant else self.route


# The objects the URL's parameters name, for the model check after an accepted form.
URL_OBJECTS = {
    "organisation_pk": "actors.Organisation",
    "person_pk": "actors.Person",
    "network_pk": "actors.Network",
    "note_pk": "actors.ContactNote",
    "concern_pk": "actors.Concern",
    "committee_pk": "committees.Committee",
    "membership_pk": "committees.Membership",
    "meeting_pk": "committees.Meeting",
    "agenda_item_pk": "committees.AgendaItem",
    "ballot_pk": "committees.Ballot",
    "item_pk": "committees.BallotItem",
    "fund_pk": "fonds.Fund",
    "application_pk": "fonds.Application",
    "payment_pk": "fonds.Payment",
    "version_pk": "isek.Version",
    "goal_pk": "isek.Goal",
    "measure_pk": "isek.Measure",
    "milestone_pk": "isek.Milestone",
    "indicator_pk": "isek.Indicator",
    "legal_text_pk": "quartier.LegalText",
    "event_pk": "activation.Event",
    "series_pk": "activation.Series",
    "photo_pk": "activation.Photo",
    "survey_pk": "activation.Survey",
    "question_pk": "activation.Question",
    "answer_pk": "activation.Answer",
}


def _meeting_begun(area: Quartier, values: Values) -> None:
    """The sample meeting began an hour ago (its minutes and attendance can be written), with a second item."""
    from committees.models import Meeting

    meeting = Meeting.objects.get(pk=values["meeting_pk"])
    meeting.starts_at = timezone.now() - datetime.timedelta(hours=1)
    meeting.save(update_fields=["starts_at"])
    meeting.items.create(position=2, title="Verschiedenes")


def _member_present(area: Quartier, values: Values) -> None:
    """The sample meeting has begun and the jury's member is present: the office may record a recusal."""
    from committees.models import Attendance, Meeting

    _meeting_begun(area, values)
    meeting = Meeting.objects.get(pk=values["meeting_pk"])
    Attendance.objects.create(meeting=meeting, membership_id=values["membership_pk"], status="anwesend")


def _second_agenda_item(area: Quartier, values: Values) -> None:
    from committees.models import AgendaItem

    AgendaItem.objects.create(meeting_id=values["meeting_pk"], position=2, title="Verschiedenes")


def _draft_ballot(area: Quartier, values: Values) -> None:
    """A drafted ballot of the jury with two items (the sample ballot is open: its items are fixed)."""
    from committees.models import Ballot

    ballot = Ballot.objects.create(
        committee_id=values["committee_pk"], title="Entwurf", deadline=timezone.now() + datetime.timedelta(days=7)
    )
    values["item_pk"] = str(ballot.items.create(position=1, title="Lastenrad").pk)
    ballot.items.create(position=2, title="Sitzbank")
    values["ballot_pk"] = str(ballot.pk)


def _another_person(area: Quartier, values: Values) -> None:
    """A person who is not yet a member (the sample person is)."""
    from actors.models import Person

    Person.objects.create(area=area, first_name="Jonas", last_name="Keller")


def _member_with_an_address(area: Quartier, values: Values) -> None:
    """The sample person is a juror with an account: with an address recorded, a change of it is told to both."""
    from actors.models import Person

    Person.objects.filter(pk=values["person_pk"]).update(email="ayse.demir@example.org")


def _member_without_account(area: Quartier, values: Values) -> None:
    from actors.models import Person
    from committees.models import Membership

    person = Person.objects.create(area=area, first_name="Jonas", last_name="Keller", email="jonas@example.org")
    membership = Membership.objects.create(committee_id=values["committee_pk"], person=person, member_type="bewohner")
    values["membership_pk"] = str(membership.pk)


def _member_of_a_committee_without_ballots(with_account: bool) -> Callable[[Quartier, Values], None]:
    """A member of another committee, one without an open ballot (the sample committee has one, so there every
    change of a voting account is refused): without an account (the invitation) or with one (its removal)."""

    def prepare(area: Quartier, values: Values) -> None:
        from actors.models import Person
        from committees.models import Committee, Membership

        committee = Committee.objects.create(area=area, name="Quartiersrat", kind="quartiersrat")
        person = Person.objects.create(area=area, first_name="Mira", last_name="Stern", email="mira@example.org")
        account = UserFactory(username="mira", email="mira@example.org") if with_account else None
        membership = Membership.objects.create(committee=committee, person=person, user=account, member_type="bewohner")
        values["committee_pk"] = str(committee.pk)
        values["membership_pk"] = str(membership.pk)

    return prepare


def _follow_up(area: Quartier, values: Values) -> None:
    from actors.models import ContactNote

    ContactNote.objects.filter(pk=values["note_pk"]).update(
        follow_up_due=datetime.date(2026, 11, 8), follow_up_assignee=User.objects.get(username="gwa-user")
    )


def _application(stage: str, amount: str) -> Callable[[Quartier, Values], None]:
    """Another application of the sample fund, taken to ``stage`` (the sample one is approved and paid)."""

    def prepare(area: Quartier, values: Values) -> None:
        from actors.models import Person
        from committees.models import Meeting
        from fonds.models import Fund
        from fonds.services import applications as steps

        fund = Fund.objects.get(pk=values["fund_pk"])
        staff = User.objects.get(username="sample-fonds")
        application = steps.application_create(
            fund=fund,
            data={"title": "Lastenrad", "person": Person.objects.get(pk=values["person_pk"])},
            lines=[steps.Line(category="sachkosten", description="Rad", amount=Decimal(amount))],
            by=None,
        )
        steps.application_submit(application=application, by=None)
        if stage == "eingereicht":
            values["application_pk"] = str(application.pk)
            return
        steps.application_review(application=application, by=staff)
        if stage in {"foerderfaehig", "zur_entscheidung"}:
            checks = {criterion.pk: (True, "") for criterion in fund.criteria.all()}
            steps.application_assess(application=application, checks=checks, eligible=True, by=staff)
        if stage == "zur_entscheidung":
            meeting = Meeting.objects.get(pk=values["meeting_pk"])
            steps.application_put_forward(application=application, meeting=meeting, by=staff)
        values["application_pk"] = str(application.pk)

    return prepare


def _paid_with_link(area: Quartier, values: Values) -> None:
    """The sample application is paid out (its payment released by another Steuerung) and has a private link."""
    from fonds.models import Application, Payment
    from fonds.services.payments import payment_release
    from fonds.services.public import access_link_create

    payment_release(
        payment=Payment.objects.get(pk=values["payment_pk"]), by=User.objects.get(username="steuerung-user")
    )
    application = Application.objects.get(pk=values["application_pk"])
    values["token"] = access_link_create(application=application, email="antrag@example.org")


def _proof_handed_in(area: Quartier, values: Values) -> None:
    """… and its proof of use is handed in, for the office to check."""
    from fonds.models import Application
    from fonds.services.public import ReceiptData, proof_of_use_submit

    _paid_with_link(area, values)
    receipt = ReceiptData(date=datetime.date(2026, 11, 20), vendor="Zeltverleih", amount=Decimal("80"))
    proof_of_use_submit(
        application=Application.objects.get(pk=values["application_pk"]), receipts=[receipt], report="Ein Fest",
        participants=40,
    )  # fmt: skip


def _reclaimed(area: Quartier, values: Values) -> None:
    """… its proof of use covers less than was paid: part of the money is reclaimed."""
    from fonds.models import Application
    from fonds.services.applications import application_settle, receipts_decide

    _proof_handed_in(area, values)
    application = Application.objects.get(pk=values["application_pk"])
    receipts_decide(application=application, decisions={application.receipts.get().pk: (True, "")}, by=None)
    application_settle(application=application, by=None)


def _adopted_version(area: Quartier, values: Values) -> None:
    from isek.models import Version
    from isek.services import version_adopt

    version = Version.objects.get(pk=values["version_pk"])
    version_adopt(version=version, on=datetime.date(2025, 3, 1), body="Bezirksverordnete", by=None)


def _free_goal(area: Quartier, values: Values) -> None:
    """A goal no measure serves (the sample goal cannot be deleted)."""
    from isek.models import Goal

    goal = Goal.objects.create(version_id=values["version_pk"], title="Saubere Ufer", position=9)
    values["goal_pk"] = str(goal.pk)


def _self_evaluation(area: Quartier, values: Values) -> None:
    """The sample self-evaluation (open, the sample organisation invited) instead of the public survey."""
    from activation.models import Invitation

    values["survey_pk"] = str(Invitation.objects.get(key=values["invitation_key"]).survey_id)


def _draft_survey(area: Quartier, values: Values) -> None:
    """A draft survey with a question of every kind (the sample survey is open: it cannot be deleted)."""
    from tests.activation.survey_fixtures import survey_of_every_kind

    survey = survey_of_every_kind(area, title="Entwurf", open_it=False)
    values["survey_pk"] = str(survey.pk)
    values["question_pk"] = str(survey.questions.order_by("position").first().pk)  # type: ignore[union-attr]


def _unanswered_question(area: Quartier, values: Values) -> None:
    """The sample survey's number question, which nobody answered: it may be deleted (the sample's free text has
    an answer, and a question with answers stays)."""
    from activation.models import Survey

    survey = Survey.objects.get(pk=values["survey_pk"])
    values["question_pk"] = str(survey.questions.get(kind="number").pk)


def _answered_survey(area: Quartier, values: Values) -> None:
    """The sample survey has an answer to its single choice question, which is the question edited."""
    from activation.models import Survey
    from activation.survey_services import submit_response

    survey = Survey.objects.get(pk=values["survey_pk"])
    question = survey.questions.get(kind="single")
    scale = survey.questions.get(kind="scale")
    submit_response(survey, {question.pk: question.choices.first().pk, scale.pk: "3"})  # type: ignore[union-attr]
    values["question_pk"] = str(question.pk)


def _with_app(area: Quartier, values: Values) -> None:
    """Steuerung has set up the authenticator app: the login asks for a code."""
    from tests.test_two_factor import with_app

    with_app(User.objects.get(username="steuerung-user"))


def _vote_as_sent(values: Values, payload: dict[str, Any]) -> None:
    """An accepted vote is stored once, with the choice that was sent."""
    from committees.models import Vote

    if payload.get("action") == "vote":
        [vote] = Vote.objects.filter(item_id=values["item_pk"], membership__user__username="juror")
        assert vote.choice == payload["choice"]


def _one_calendar_link(values: Values, payload: dict[str, Any]) -> None:
    """A new calendar link replaces the holder's old one: one link each, never two."""
    from django.db.models import Count

    from committees.models import CalendarLink

    counts = CalendarLink.objects.values("committee", "user", "membership").annotate(n=Count("pk"))
    assert all(row["n"] == 1 for row in counts), list(counts)


def _proof_whole(values: Values, payload: dict[str, Any]) -> None:
    """An accepted proof of use is handed in with its receipts, each valid."""
    from fonds.models import Application, Status

    application = Application.objects.get(pk=values["application_pk"])
    assert application.status == Status.PROOF_SUBMITTED
    receipts = list(application.receipts.all())
    assert receipts
    for receipt in [application, *receipts]:
        receipt.full_clean()


def _agenda_positions(values: Values, payload: dict[str, Any]) -> None:
    from committees.models import AgendaItem

    positions = list(AgendaItem.objects.filter(meeting_id=values["meeting_pk"]).values_list("position", flat=True))
    assert sorted(positions) == list(range(1, len(positions) + 1)), positions


def _ballot_positions(values: Values, payload: dict[str, Any]) -> None:
    from committees.models import BallotItem

    positions = list(BallotItem.objects.filter(ballot_id=values["ballot_pk"]).values_list("position", flat=True))
    assert len(set(positions)) == len(positions), positions


def _answer_linked(values: Values, payload: dict[str, Any]) -> None:
    """The concern made of a free-text answer is linked to it, raised on its day by nobody."""
    from activation.models import Answer

    answer = Answer.objects.select_related("concern", "response").get(pk=values["answer_pk"])
    assert answer.concern is not None and answer.concern.raised_on == answer.response.submitted_on
    assert answer.concern.raised_by_person_id is None and answer.concern.raised_by_organisation_id is None


T = Target
CODES = ["000000", "123456", "abcd2345", "abcd 2345", "1234567"]
BACK_OFF = frozenset({"otp_totp_totpdevice", "otp_static_staticdevice"})
LINK_USED = frozenset({"fonds_accesslink"})  # every visit through a private link notes when it was last used
# Every step of an application, whatever its state, and made-up choices of where it is decided.
STEPS = {
    "action": ["review", "query", "eligible", "ineligible", "put_forward", "decide", "commit", "settle",
               "review_applicant", "withdraw"],
    "target": ["office", "meeting-", "meeting-x", "ballot-²", "ballot-0"],
    "person": ["0", "²"],
}  # fmt: skip
TARGETS: list[Target] = [
    T("area_edit"),
    # activation
    T("event_new", role="gwa", creates="activation.Event"),
    T("event_edit", role="gwa"),
    T("event_counts", role="gwa"),
    T("event_photo_new", role="gwa"),
    T("event_remove", role="gwa"),
    T("event_photo_withdraw", role="gwa", page="event_page"),
    T("event_photo_delete", role="gwa"),
    T("series_new", role="gwa", creates="activation.Series"),
    T("series_edit", role="gwa"),
    T("series_remove", role="gwa"),
    T("survey_new", role="gwa", creates="activation.Survey"),
    T("survey_edit", role="gwa"),
    T("survey_edit", role="gwa", prepare=_draft_survey, variant="draft"),
    T("survey_remove", role="gwa", prepare=_draft_survey),
    T("survey_status", role="gwa", page="survey_page", extra={"action": ["open", "close", "x"]}),
    T("survey_status", role="gwa", page="survey_page", prepare=_draft_survey, variant="draft"),
    T("survey_invite", role="gwa", page="survey_page", prepare=_self_evaluation),
    T("survey_translations", role="gwa", query="?sprache=ar"),
    T("survey_question_new", role="gwa", creates="activation.Question"),
    T("survey_question_edit", role="gwa"),
    T("survey_question_edit", role="gwa", prepare=_answered_survey, variant="answered"),
    T("survey_question_delete", role="gwa", page="survey_page", prepare=_unanswered_question),
    T("survey_question_move", role="gwa", page="survey_page", extra={"direction": ["up", "down", "x"]}),
    T("survey_paper", role="gwa"),
    T("survey_answer_concern", role="gwa", creates="actors.Concern", check=_answer_linked),
    T("legal_text_new", query="?kind=datenschutz", creates="quartier.LegalText"),
    T("legal_text_new", query="?kind=barrierefreiheit", creates="quartier.LegalText", variant="accessibility"),
    T("legal_text_edit"),
    # actors
    T("organisation_new", creates="actors.Organisation"),
    T("organisation_edit"),
    T("person_new", creates="actors.Person"),
    T("person_edit"),
    T("person_edit", prepare=_member_with_an_address, variant="member"),
    T("person_erase"),
    T("network_new", creates="actors.Network"),
    T("network_edit"),
    T("contact_new", role="gwa", creates="actors.ContactNote"),
    T("contact_edit", role="gwa"),
    T("contact_quick", role="gwa", query="?organisation_pk={organisation_pk}", creates="actors.ContactNote"),
    T("contact_follow_up_done", role="gwa", prepare=_follow_up),
    T("concern_new", role="gwa", creates="actors.Concern"),
    T("concern_edit", role="gwa"),
    T("concern_status", role="gwa"),
    T("actors_import"),
    # committees
    T("committee_new", creates="committees.Committee"),
    T("committee_edit"),
    T("membership_new", prepare=_another_person, creates="committees.Membership"),
    T("membership_edit"),
    T("membership_account", page="membership_edit", prepare=_member_without_account),
    T(
        "membership_account",
        page="membership_edit",
        prepare=_member_of_a_committee_without_ballots(with_account=False),
        variant="invite",
    ),
    T(
        "membership_account",
        page="membership_edit",
        prepare=_member_of_a_committee_without_ballots(with_account=True),
        variant="remove",
    ),
    T("meeting_new", creates="committees.Meeting"),
    T("meeting_edit"),
    T("meeting_action", page="meeting_page"),
    T("meeting_action", page="meeting_page", prepare=_meeting_begun, variant="begun"),
    T("meeting_attendance", page="meeting_page", prepare=_meeting_begun),
    T("agenda_add", page="meeting_page", check=_agenda_positions),
    T("agenda_minutes", page="meeting_page", prepare=_meeting_begun),
    T("agenda_recusal", page="meeting_page", prepare=_member_present),
    T("agenda_move", page="meeting_page", prepare=_second_agenda_item, check=_agenda_positions),
    T("agenda_delete", page="meeting_page", prepare=_second_agenda_item, check=_agenda_positions),
    T("ballot_new", creates="committees.Ballot"),
    T("ballot_edit", prepare=_draft_ballot),
    T("ballot_action", page="ballot_office"),
    T("ballot_action", page="ballot_office", prepare=_draft_ballot, variant="draft"),
    T("ballot_item_new", page="ballot_office", prepare=_draft_ballot, check=_ballot_positions),
    T("ballot_item_remove", page="ballot_office", prepare=_draft_ballot, check=_ballot_positions),
    T("ballot_item_action", role="juror", page="ballot_page", check=_vote_as_sent),
    T("member_calendar_link", role="juror", page="my_ballots", check=_one_calendar_link),
    T("committee_calendar_link", page="committee_page", check=_one_calendar_link),
    # funds
    T("fund_new", creates="fonds.Fund"),
    T("fund_edit"),
    T("round_new", page="fund_page"),
    T("application_step", page="application_page", prepare=_application("eingereicht", "400"), extra=STEPS),
    T(
        "application_step",
        page="application_page",
        prepare=_application("in_pruefung", "400"),
        extra=STEPS,
        variant="review",
    ),
    T(
        "application_step",
        page="application_page",
        prepare=_application("foerderfaehig", "900"),
        extra=STEPS,
        variant="eligible",
    ),
    T(
        "application_step",
        page="application_page",
        prepare=_application("zur_entscheidung", "400"),
        extra=STEPS,
        variant="decision",
    ),
    T(
        "application_step",
        page="application_page",
        prepare=_proof_handed_in,
        extra=STEPS,
        variant="proof",
    ),
    T("payment_new", page="application_page"),
    T("payment_release", page="application_page"),
    T("repayment_new", page="application_page", prepare=_reclaimed),
    T("receipts_decide", page="application_page", prepare=_proof_handed_in),
    T("application_links", page="application_page"),
    # ISEK
    T("version_new", creates="isek.Version"),
    T("version_adopt", page="isek_home"),
    T("version_continue", page="isek_home", prepare=_adopted_version),
    T("goal_new", creates="isek.Goal"),
    T("goal_edit"),
    T("goal_delete", page="goal_edit"),
    T("goal_delete", page="goal_edit", prepare=_free_goal, variant="unused"),
    T("measure_new", creates="isek.Measure"),
    T("measure_new", role="gwa", creates="isek.Measure", variant="gwa"),
    T("measure_edit"),
    T("measure_edit", role="gwa", variant="gwa"),
    T("measure_finances"),
    T("progress_note_new", page="measure_page"),
    T("milestone_new", page="measure_page"),
    T("milestone_toggle", page="measure_page"),
    T("spending_new", page="measure_page"),
    T("indicator_new", creates="isek.Indicator"),
    T("indicator_edit"),
    T("indicator_value", page="indicator_list"),
    # the applicant's proof of use through the private link (the rest of the public form: tests/test_fuzz_public.py)
    T("applicant_proof", role="", prepare=_paid_with_link, check=_proof_whole, counts_refusals=LINK_USED),
    # reports
    T("report_new", page="report_list"),
    T("report_release", page="report_page"),  # Steuerung releases the sample version of 2025 (an ended year)
    # the second step of the login and the set-up of the authenticator app (a wrong code counts towards a back-off)
    T("two_factor_setup", extra={"confirm-code": CODES, "action": ["confirm", "recovery", "disable"]}),
    # the account's choice of optional mails (quartier.notifications)
    T("mail_choices", extra={"delivery": ["now", "digest", "nie", ""]}),
    T(
        "two_factor_verify",
        prepare=_with_app,
        extra={"code": CODES, "next": ["0", "/gebiet/", "//example.org/"]},
        counts_refusals=BACK_OFF,
    ),
]


# --- the test --------------------------------------------------------------------------------------------------


@dataclass
class World:
    """The area, a user per role, the juror and ``sample_values``: made once for the module (they take about
    half a second), each test and each example works on them in a savepoint that is rolled back."""

    area: Quartier
    users: dict[str, User]
    values: Values


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=str(tmp_path_factory.mktemp("fuzz-media")),
    )
    with django_db_blocker.unblock(), fast, transaction.atomic():
        area = QuartierFactory(slug="kiez-am-kanal", name="Kiez am Kanal")
        users = {role.value: user_with_role(area, role, username=f"{role.value}-user") for role in Role}
        users["juror"] = UserFactory(username="juror")
        yield World(area=area, users=users, values=sample_values(area))
        transaction.set_rollback(True)


@dataclass
class Setup:
    target: Target
    area: Quartier
    values: Values
    url: str
    page: str
    form: Form = field(default_factory=lambda: Form(action=""))


def prepare_target(target: Target, world: World, client: Client) -> Setup:
    values = dict(world.values)
    if target.prepare is not None:
        target.prepare(world.area, values)
    if target.role:
        client.force_login(world.users[target.role])
    else:  # an applicant, through their private link
        client.logout()
    url = sample_url(ROUTE_BY_NAME[target.route], values)
    page = (sample_url(ROUTE_BY_NAME[target.page], values) if target.page else url) + target.query.format(**values)
    setup = Setup(target=target, area=world.area, values=values, url=url, page=page)
    response = client.get(page)
    assert response.status_code == 200, f"GET {page}: {response.status_code}"
    setup.form = forms_posting_to(response.content.decode(), page, url)
    assert setup.form.fields, f"{page} shows no form that posts to {url}"
    for name, options in target.extra.items():
        add_options(setup.form.fields.setdefault(name, Field(name, "submit")), options)
    return setup


@pytest.fixture
def setup(request: pytest.FixtureRequest, world: World, db: None, client: Client) -> Setup:
    return prepare_target(request.param, world, client)


@pytest.mark.parametrize("setup", TARGETS, ids=[target.id for target in TARGETS], indirect=True)
@FUZZ
@given(data=st.data())
def test_a_form_saves_all_or_nothing(setup: Setup, client: Client, data: st.DataObject) -> None:
    payload = data.draw(payloads(setup.form), label="payload")
    htmx = data.draw(st.booleans(), label="htmx")
    created = apps.get_model(setup.target.creates) if setup.target.creates else None
    with transaction.atomic():
        newest = (created._default_manager.aggregate(pk=models.Max("pk"))["pk"] or 0) if created else 0
        counted = writes()
        before_post = transaction.savepoint()
        response = client.post(setup.url, payload, headers={"HX-Request": "true"} if htmx else {})
        assert response.status_code < 500, response.status_code
        why = refusal(response)
        event(f"refused: {why}" if why else f"accepted: status {response.status_code}")
        # The tables written to, as they are now and (back at the savepoint) as they were before.
        touched = sorted(name for name, count in writes().items() if count != counted.get(name, 0))
        touched = [name for name in touched if name not in NOT_COMPARED]
        after = fingerprint(touched)
        if not why:
            check_accepted(setup, payload, newest, saved=bool(touched))
        transaction.savepoint_rollback(before_post)
        before = fingerprint(touched)
        changed = {name: (before[name], after[name]) for name in touched if before[name] != after[name]}
        if why:
            changed = {name: change for name, change in changed.items() if name not in setup.target.counts_refusals}
            assert changed == {}, f"refused ({why}), but saved: {changed}"
        transaction.set_rollback(True)


def check_accepted(setup: Setup, payload: dict[str, Any], newest: int, *, saved: bool) -> None:
    """The records an accepted form leaves are whole: one new object of the area, valid by its model's rules."""
    target = setup.target
    if target.creates and saved:
        new = list(apps.get_model(target.creates)._default_manager.filter(pk__gt=newest))
        assert len(new) == 1, f"{len(new)} new {target.creates}"
        assert new[0].get_area().pk == setup.area.pk
        new[0].full_clean()
    pattern = ROUTE_BY_NAME[target.route].pattern
    for key, label in URL_OBJECTS.items():
        if f"<int:{key}>" in pattern:
            obj = apps.get_model(label)._default_manager.filter(pk=setup.values[key]).first()
            if obj is not None:  # (a delete form's object is gone)
                obj.full_clean()
    if target.check is not None:
        target.check(setup.values, payload)


# --- the import: upload, preview, confirm ------------------------------------------------------------------------

IMPORT_HEADERS = {
    "organisations": ["Name", "Art", "PLZ", "Im Gebiet", "E-Mail", "Website"],
    "persons": ["Vorname", "Nachname", "E-Mail", "Bewohner*in", "Sprachen"],
}
NAME_FIELD = {"organisations": "name", "persons": "last_name"}
OPTIONAL = [st.sampled_from(["", value]) for value in ("a@example.org", "https://example.org", "Deutsch")]
GOOD_ROWS = {
    "organisations": st.tuples(
        WORDS, st.sampled_from(["", "Verein", "kita"]), st.sampled_from(["", "12345"]),
        st.sampled_from(["", "ja", "nein"]), OPTIONAL[0], OPTIONAL[1],
    ),
    "persons": st.tuples(st.sampled_from(["", "Ayşe"]), WORDS, OPTIONAL[0], st.sampled_from(["ja", ""]), OPTIONAL[2]),
}  # fmt: skip
cells = st.one_of(WORDS, st.sampled_from(["", "ja", "vielleicht", "Kita", "1234", "x@", "k.de"]), junk)


@st.composite
def tables(draw: st.DrawFn, kind: str) -> list[list[str]]:
    """Rows of a table to import: well-formed ones, junk, now and then a cell too long for Python's csv module."""
    rows = draw(st.lists(st.one_of(GOOD_ROWS[kind].map(list), st.lists(cells, max_size=6)), min_size=1, max_size=5))
    if draw(st.sampled_from([False, False, False, False, True])):
        rows.append(["x" * 140_000])
    return [IMPORT_HEADERS[kind], *rows]


@FUZZ
@given(data=st.data(), kind=st.sampled_from(sorted(IMPORT_HEADERS)))
def test_an_import_takes_each_valid_row_whole_and_nothing_else(
    world: World, db: None, client: Client, data: st.DataObject, kind: str
) -> None:
    from actors.imports import FileRefused, check_rows, read_table

    client.force_login(world.users["steuerung"])
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(data.draw(tables(kind), label="table"))
    content = text.getvalue().encode()
    model = apps.get_model("actors", "Organisation" if kind == "organisations" else "Person")
    with transaction.atomic():
        known = set(model._default_manager.values_list("pk", flat=True))
        upload = SimpleUploadedFile("liste.csv", content, content_type="text/csv")
        response = client.post(f"/gebiet/{world.area.slug}/import/", {"kind": kind, "file": upload})
        assert response.status_code == 200
        token = re.search(r'name="token" value="([^"]+)"', response.content.decode())
        try:  # what the preview showed the office
            preview = check_rows(area=world.area, kind=kind, table=read_table(content))
        except FileRefused:
            preview = None
        if preview is None or not preview.valid:
            event("the file refused" if preview is None else "no valid row")
            assert token is None
        else:
            assert token is not None
            response = client.post(f"/gebiet/{world.area.slug}/import/bestaetigen/", {"token": token.group(1)})
            assert response.status_code == 200
            new = list(model._default_manager.exclude(pk__in=known))
            event(f"{len(new)} of {len(preview.rows)} rows imported")
            name = NAME_FIELD[kind]
            assert sorted(getattr(obj, name) for obj in new) == sorted(row.data[name] for row in preview.valid)
            for obj in new:
                assert obj.area_id == world.area.pk
                obj.full_clean()
        assert set(model._default_manager.values_list("pk", flat=True)) >= known
        transaction.set_rollback(True)


# --- every form is here --------------------------------------------------------------------------------------------

# Routes that take a POST but are fuzzed elsewhere.
FUZZED_ELSEWHERE = {
    "actors_import_confirm": "test_an_import_takes_each_valid_row_whole_and_nothing_else, above",
    # Public: anyone on the internet reaches them (tests/test_fuzz_public.py; the login and password views are
    # Django's own, the login form with its throttle in tests/test_login_throttle.py).
    "login": "public",
    "logout": "public",
    "set_language": "public; its refusals (unknown language, a next off the site, GET) in tests/test_languages.py",
    "password_reset": "public",
    "password_reset_confirm": "public",
    "public_apply": "public",
    "applicant_step_applicant": "public",
    "applicant_step_project": "public",
    "applicant_step_costs": "public",
    "applicant_cost_totals": "public",
    "applicant_step_attachments": "public",
    "applicant_step_check": "public",
    "applicant_answer": "public; its refusals in tests/fonds/test_applicant_side.py",
    "applicant_withdraw": "public; its refusals in tests/fonds/test_applicant_side.py",
    "public_survey": "public; tests/test_fuzz_public.py, its refusals in tests/activation/test_survey_public.py",
    "public_self_evaluation": "public; tests/test_fuzz_public.py, refusals in tests/activation/test_survey_public.py",
}


def test_every_form_a_signed_in_user_can_send_is_fuzzed(world: World, db: None, client: Client) -> None:
    """A route that takes a POST (an anonymous POST is sent to the login, not refused with 405) is a target above
    or named in FUZZED_ELSEWHERE: a new form is fuzzed from the day it is added."""
    takes_post = {
        route.name
        for route in ROUTES
        if client.post(sample_url(route, world.values)).status_code != 405  # nobody is signed in: nothing is done
    }
    fuzzed = {target.route for target in TARGETS}
    assert takes_post - fuzzed - set(FUZZED_ELSEWHERE) == set(), "add a Target for these forms"
    assert (fuzzed | set(FUZZED_ELSEWHERE)) - takes_post == set(), "these take no POST (any more)"
