"""Every status moves through its declared machine (``quartier.transitions``).

Parametrised from the declarations, so a new move or a new machine is covered without touching this file: every
(state, move) pair a machine does not allow is refused, by the machine and by the service that makes the move,
and nothing is saved. A model with a ``status`` field and no machine fails, unless it is exempt below, with its
reason.
"""

from __future__ import annotations

import datetime
import importlib
import pkgutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation

from activation.models import Choice, Question, Survey
from actors.models import Concern, ConcernStatusChange, Person
from committees.models import (
    AgendaItem,
    Attendance,
    Ballot,
    BallotItem,
    Committee,
    ConflictFlag,
    Meeting,
    Membership,
)
from demo.factories import user_with_role
from fonds.models import Application, Fund, Payment, Receipt, Repayment, StatusChange
from isek.models import Measure, Version
from quartier.audit import PROJECT_APPS
from quartier.models import Mail, Quartier, Role, User
from quartier.transitions import INVALID_TRANSITION, StateMachine, machine_for, machines, transition
from reporting.models import Report
from tests.fonds.fixtures import make_application

ROOT = Path(__file__).resolve().parent.parent


def _import_services() -> None:
    """Load every app's services (module or package): that is where the machines are declared."""
    for app in sorted(path.parent.name for path in ROOT.glob("*/apps.py")):
        try:
            services = importlib.import_module(f"{app}.services")
        except ModuleNotFoundError:
            continue
        for module in pkgutil.iter_modules(getattr(services, "__path__", [])):
            importlib.import_module(f"{app}.services.{module.name}")


_import_services()

#: Models with a status field that is not a lifecycle, and why.
EXEMPT: dict[type[models.Model], str] = {
    Attendance: "a member's attendance is a recorded fact (present, excused, absent) that the office corrects "
    "freely while the minutes are open; no step leads from one value to another",
    Measure: "a measure's status is the planners' assessment inside a draft ISEK version, set freely in either "
    "direction (a completed measure is taken up again in the next update, a dropped one revived); the lifecycle "
    "that freezes it is the version's (adopted: read only), and the comparison of versions shows each change",
}


def _models_with_status() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and any(f.name == "status" for f in model._meta.concrete_fields)
    ]


def test_every_model_with_a_status_has_a_machine_or_a_reason() -> None:
    missing = [model.__name__ for model in _models_with_status() if model not in EXEMPT and not machine_for(model)]
    assert missing == [], "declare a quartier.transitions.StateMachine for them, or exempt them with a reason"
    assert all(model in _models_with_status() and machine_for(model) is None for model in EXEMPT)


def test_the_machines_cover_the_models_with_a_status() -> None:
    assert {machine.model for machine in machines()} == set(_models_with_status()) - set(EXEMPT)


# --- one object of each model, in any state ----------------------------------------------------------------------


def _committee(area: Quartier) -> Committee:
    return Committee.objects.create(area=area, name="Quartiersrat", kind=Committee.Kind.ACTION_FUND_JURY)


def _application(area: Quartier) -> Application:
    fund = Fund.objects.create(area=area, name="Verfügungsfonds", kind="other", year=2026, budget=Decimal("10000.00"))
    person = Person.objects.create(area=area, first_name="Aylin", last_name="Yıldız", is_resident=True)
    application = make_application(fund, person=person)
    Application.objects.filter(pk=application.pk).update(reason="Begründung")  # a rejection always carries one
    application.refresh_from_db()
    return application


def _concern(area: Quartier) -> Concern:
    return Concern.objects.create(area=area, text="Laterne kaputt", raised_on=timezone.localdate())


def _meeting(area: Quartier) -> Meeting:
    """A meeting that began two days ago, with one item, and a later one that has begun too (``at``)."""
    committee = _committee(area)
    meeting = Meeting.objects.create(
        committee=committee, starts_at=timezone.now() - datetime.timedelta(days=2), place="Büro"
    )
    AgendaItem.objects.create(meeting=meeting, position=1, title="Hoffest")
    Meeting.objects.create(committee=committee, starts_at=timezone.now() - datetime.timedelta(days=1), place="Büro")
    return meeting


def _ballot(area: Quartier) -> Ballot:
    ballot = Ballot.objects.create(
        committee=_committee(area), title="Umlauf", deadline=timezone.now() + datetime.timedelta(2)
    )
    BallotItem.objects.create(ballot=ballot, position=1, title="Hoffest")
    return ballot


def _flag(area: Quartier) -> ConflictFlag:
    ballot = _ballot(area)
    person = Person.objects.create(area=area, first_name="Jana", last_name="Jury", is_resident=True)
    membership = Membership.objects.create(
        committee=ballot.committee, person=person, member_type=Membership.MemberType.RESIDENT
    )
    return ConflictFlag.objects.create(item=ballot.items.get(), membership=membership, reason="wohnt dort")


def _version(area: Quartier) -> Version:
    return Version.objects.create(area=area, label="ISEK 2026", adopted_on=datetime.date(2026, 3, 1))


def _report(area: Quartier) -> Report:
    """A report with a file, so that it may stand in any state (a done report has one)."""
    return Report.objects.create(
        area=area,
        year=2025,
        version=1,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        file="berichte/x.pdf",
        sha256="0" * 64,
    )


def _mail(area: Quartier) -> Mail:
    return Mail.objects.create(area=area, to="ayse@example.org", subject="Ihr Antrag", body="…", kind="test")


def _survey(area: Quartier) -> Survey:
    """A survey with a question that can be answered, so that it may open."""
    survey = Survey.objects.create(area=area, title="Umfrage")
    question = Question.objects.create(survey=survey, kind=Question.Kind.SINGLE, text="Gut?")
    Choice.objects.bulk_create([Choice(question=question, label="ja"), Choice(question=question, label="nein")])
    return survey


MAKERS: dict[type[models.Model], Callable[[Quartier], models.Model]] = {
    Survey: _survey,
    Mail: _mail,
    Application: _application,
    Concern: _concern,
    Meeting: _meeting,
    Ballot: _ballot,
    ConflictFlag: _flag,
    Version: _version,
    Report: _report,
}


def test_every_machine_has_an_object_to_try_it_on() -> None:
    assert {machine.model for machine in machines()} <= set(MAKERS)


def _in_state(area: Quartier, machine: StateMachine, state: str) -> Any:
    obj = MAKERS[machine.model](area)
    machine.model._default_manager.filter(pk=obj.pk).update(**{machine.field: state})
    obj.refresh_from_db()
    return obj


def _traces(obj: models.Model) -> tuple[object, ...]:
    """What a step leaves: the object's row, its history, its audit entries, money and receipts."""
    row = type(obj)._default_manager.filter(pk=obj.pk).values().get()
    row.pop("updated_at", None)
    return (
        row,
        LogEntry.objects.get_for_object(obj).count(),
        StatusChange.objects.count(),
        ConcernStatusChange.objects.count(),
        Payment.objects.count(),
        Repayment.objects.count(),
        Receipt.objects.count(),
        list(ConflictFlag.objects.values_list("pk", "status").order_by("pk")),
    )


REFUSED = [
    pytest.param(machine, move, state, id=f"{machine.model.__name__}-{move}-from-{state}")
    for machine in machines()
    for move, declared in machine.moves.items()
    for state in machine.states()
    if state not in declared.sources
]


@pytest.mark.parametrize(("machine", "move", "state"), REFUSED)
def test_the_machine_refuses_a_move_from_a_state_it_does_not_start_from(
    area: Quartier, role_users: dict[str, User], machine: StateMachine, move: str, state: str
) -> None:
    obj = _in_state(area, machine, state)
    before = _traces(obj)
    with translation.override("de"), pytest.raises(ValidationError) as refused, transaction.atomic():
        transition(obj, move, by=role_users["gwa"])
    assert refused.value.code == INVALID_TRANSITION
    assert refused.value.messages[0].strip()
    assert machine.update(machine.model._default_manager.filter(pk=obj.pk), move) == 0
    assert _traces(obj) == before


def test_the_default_refusal_names_the_state_and_the_step(area: Quartier, role_users: dict[str, User]) -> None:
    concern = _in_state(area, machine_for(Concern), Concern.Status.DONE)  # type: ignore[arg-type]
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        transition(concern, "forward", by=role_users["gwa"])
    assert refused.value.messages == [
        "Das Anliegen ist „erledigt“; „an die Verwaltung weiterleiten“ ist nicht möglich."
    ]


def test_a_move_is_recorded_and_audited_with_its_german_step(area: Quartier, role_users: dict[str, User]) -> None:
    gwa = role_users["gwa"]
    concern = _concern(area)
    with translation.override("en"):
        transition(concern, "take_up", by=gwa, note="Wir kümmern uns.")
    concern.refresh_from_db()
    assert concern.status == Concern.Status.IN_PROGRESS
    change = concern.status_changes.get()
    assert (change.from_status, change.to_status, change.note, change.by) == (
        "neu",
        "in_bearbeitung",
        "Wir kümmern uns.",
        gwa,
    )
    entry = LogEntry.objects.get_for_object(concern).filter(additional_data__has_key="transition").get()
    assert entry.actor == gwa
    assert entry.additional_data["transition"] == "concern_in_bearbeitung"
    assert entry.additional_data["step"] == "in Bearbeitung nehmen"
    assert entry.changes_dict["status"] == ["neu", "in_bearbeitung"]


def test_the_moves_allowed_now_come_from_the_declaration() -> None:
    machine = machine_for(Concern)
    assert machine is not None
    assert machine.allowed(Concern.Status.DONE) == ["reopen"]
    assert machine.targets(Concern.Status.NEW) == ["weitergeleitet", "in_bearbeitung", "erledigt", "nicht_umsetzbar"]
    assert machine.move_to(Concern.Status.DONE, Concern.Status.IN_PROGRESS) == "reopen"
    assert machine.move_to(Concern.Status.DONE, Concern.Status.FORWARDED) is None


# --- the services ------------------------------------------------------------------------------------------------


def _services() -> dict[type[models.Model], list[tuple[tuple[str, ...], Callable[[Any, User], object]]]]:
    """For each model: the services that make its moves, with the moves each may make."""
    from activation.survey_builder import survey_open
    from activation.survey_services import survey_close
    from actors.services.concerns import concern_set_status
    from committees.services.ballots import ballot_close, ballot_open
    from committees.services.invitations import meeting_invite
    from committees.services.meetings import meeting_mark_held, minutes_approve
    from fonds.services import applications as fonds
    from fonds.services.payments import payment_record, repayment_record
    from isek.services import version_adopt
    from quartier.services import mail_sent, mail_tried
    from reporting.services import claim, fail, report_release, requeue

    def assess(application: Application, by: User) -> object:
        checks = {criterion.pk: (True, "") for criterion in application.fund.criteria.all()}
        return fonds.application_assess(application=application, checks=checks, eligible=True, by=by)

    S = Concern.Status
    return {
        Application: [
            (("submit", "resubmit"), lambda a, by: fonds.application_submit(application=a, by=by)),
            (("review",), lambda a, by: fonds.application_review(application=a, by=by)),
            (("query",), lambda a, by: fonds.application_query(application=a, question="Wann?", by=by)),
            (("assess_eligible", "assess_ineligible"), assess),
            (("put_forward",), lambda a, by: fonds.application_put_forward(application=a, by=by)),
            (
                ("approve", "approve_with_conditions", "reject", "defer"),
                lambda a, by: fonds.application_decide(application=a, decision="defer", by=by),
            ),
            (("commit",), lambda a, by: fonds.application_commit(application=a, by=by)),
            (
                ("pay",),
                lambda a, by: payment_record(
                    application=a, amount=Decimal("1.00"), paid_on=timezone.localdate(), method="bar", by=by
                ),
            ),
            (
                ("submit_proof",),
                lambda a, by: fonds.application_submit_proof(
                    application=a,
                    receipts=[(timezone.localdate(), "Baumarkt", Decimal("10.00"))],
                    report="Es war ein schönes Fest.",
                    participants=40,
                    by=by,
                ),
            ),
            (("settle", "reclaim"), lambda a, by: fonds.application_settle(application=a, by=by)),
            (
                ("repaid",),
                lambda a, by: repayment_record(
                    application=a, amount=Decimal("1.00"), received_on=timezone.localdate(), by=by
                ),
            ),
            (("withdraw",), lambda a, by: fonds.application_withdraw(application=a, by=by)),
            (("withdraw_by_applicant",), lambda a, by: fonds.application_withdraw_by_applicant(application=a)),
        ],
        Concern: [
            (
                ("forward",),
                lambda c, by: concern_set_status(concern=c, to_status=S.FORWARDED, forwarded_to="Amt", by=by),
            ),
            (("take_up", "reopen"), lambda c, by: concern_set_status(concern=c, to_status=S.IN_PROGRESS, by=by)),
            (("complete",), lambda c, by: concern_set_status(concern=c, to_status=S.DONE, by=by)),
            (("refuse",), lambda c, by: concern_set_status(concern=c, to_status=S.NOT_FEASIBLE, note="Nein.", by=by)),
        ],
        Meeting: [
            (("invite",), lambda m, by: meeting_invite(meeting=m, by=by, send=lambda pk: None)),
            (("hold",), lambda m, by: meeting_mark_held(meeting=m, by=by)),
            (
                ("approve_minutes",),
                lambda m, by: minutes_approve(
                    meeting=m, at=Meeting.objects.filter(committee=m.committee).exclude(pk=m.pk).get(), by=by
                ),
            ),
        ],
        Survey: [
            (("open",), lambda s, by: survey_open(survey=s, by=by)),
            (("close",), lambda s, by: survey_close(survey=s, by=by)),
        ],
        Ballot: [
            (("open",), lambda b, by: ballot_open(ballot=b, by=by)),
            (("close",), lambda b, by: ballot_close(ballot=b, by=by)),
        ],
        Version: [
            (("adopt",), lambda v, by: version_adopt(version=v, on=datetime.date(2026, 3, 1), body="BVV", by=by)),
        ],
        Mail: [
            (("send",), lambda m, by: mail_sent(m)),
            (("fail",), lambda m, by: mail_tried(m, "550 No such mailbox", last=True)),
        ],
        Report: [
            (("claim",), lambda r, by: claim(r.pk)),
            (("fail",), lambda r, by: fail(r, "kaputt")),
            (("requeue",), lambda r, by: requeue(r)),
            (("release",), lambda r, by: report_release(report=r, by=by)),
        ],
    }


#: Models whose steps are conditional updates (a claim): where a step may not start it changes nothing, and its
#: result says so (``claim`` gives None), rather than refusing.
QUIET = {
    Report: "a build may be delivered twice; the delivery that does not claim the report returns at once",
    Mail: "a mail's task may run twice; the run that finds it sent or given up changes nothing",
}
#: Steps of a QUIET model that a person takes, refused as any other person's step is.
LOUD = {(Report, "release")}

#: Moves no service can be asked to make where they may not start, and why.
NOT_ASKED = {
    (ConflictFlag, "confirm"): "a member's declaration confirms only a flag that is not confirmed yet: it is "
    "answered once, and declaring again leaves it as it is",
    (ConflictFlag, "dismiss"): "dismissing answers only the flags still to be answered; none is an error",
    (ConflictFlag, "took_part"): "the office's record of a recusal moves only a recused member's flag",
    (ConflictFlag, "ask_again"): "the recomputation asks again only about a dismissed flag",
    (Report, "finish"): "only the build that claimed the report finishes it (``reporting.services.build``), by "
    "the same conditional update as ``fail``",
}


def test_every_move_has_a_service_that_is_tried_or_a_reason() -> None:
    tried = {(model, move) for model, calls in _services().items() for moves, _call in calls for move in moves}
    declared = {(machine.model, move) for machine in machines() for move in machine.moves}
    assert declared - tried - set(NOT_ASKED) == set()
    assert set(NOT_ASKED) <= declared - tried


SERVICE_REFUSED = [
    pytest.param(machine.model, index, state, id=f"{machine.model.__name__}-{'+'.join(moves)}-from-{state}")
    for machine in machines()
    for index, (moves, _call) in enumerate(_services().get(machine.model, []))
    for state in machine.states()
    if not any(state in machine.sources(move) for move in moves)
]


@pytest.mark.parametrize(("model", "index", "state"), SERVICE_REFUSED)
def test_the_service_refuses_a_move_from_a_state_it_does_not_start_from(
    area: Quartier, model: type[models.Model], index: int, state: str
) -> None:
    steuerung = user_with_role(area, Role.STEUERUNG, username="steuerung-steps")
    machine = machine_for(model)
    assert machine is not None
    obj = _in_state(area, machine, state)
    before = _traces(obj)
    moves, call = _services()[model][index]
    if model in QUIET and not {(model, move) for move in moves} & LOUD:
        assert call(obj, steuerung) is None
    else:
        with pytest.raises(ValidationError):
            call(obj, steuerung)
    assert _traces(obj) == before
