"""The eligibility check stays visible after it is done: which criteria were met, the notes, the verdict, by whom and
when, on the application page and for the committee members who decide."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from committees.models import Ballot
from committees.services.ballots import ballot_open
from fonds.models import Fund
from fonds.selectors import eligibility_of
from fonds.services.applications import (
    application_assess,
    application_put_forward,
    application_review,
    application_submit,
)
from quartier.models import Quartier
from tests.fonds.fixtures import make_application


def in_review(fund: Fund, staff: dict, **kwargs: object):
    application = make_application(fund, **kwargs)
    application_submit(application=application, by=None)
    return application_review(application=application, by=staff["gwa"])


def page(client: Client, area: Quartier, application) -> str:
    return client.get(f"/gebiet/{area.slug}/fonds/antraege/{application.pk}/").content.decode()


def test_the_check_is_shown_with_each_criterion_its_note_who_and_when(
    client: Client, area: Quartier, aktionsfonds: Fund, applicant, staff: dict
) -> None:
    application = in_review(aktionsfonds, staff, person=applicant)
    client.force_login(staff["gwa"])
    assert 'id="eligibility"' not in page(client, area, application)  # not before the check
    first, second, third = aktionsfonds.criteria.order_by("position")
    checks = {first.pk: (True, "Hof der Kita"), second.pk: (True, ""), third.pk: (True, "nur Miete <Zelt>")}
    application_assess(application=application, checks=checks, eligible=True, by=staff["gwa"])
    html = page(client, area, application)
    section = html[html.index('id="eligibility"') : html.index("</section>", html.index('id="eligibility"'))]
    assert "Förderfähigkeit" in section and "Förderfähig" in section
    assert f"geprüft von {staff['gwa'].get_display_name()} am {timezone.localdate():%d.%m.%Y}" in section
    assert section.count("erfüllt") == 3 and "nicht erfüllt" not in section
    assert "Hof der Kita" in section and "nur Miete &lt;Zelt&gt;" in section  # escaped
    for criterion in (first, second, third):
        assert criterion.text in section
    client.force_login(staff["steuerung"])  # read only: the check is there as well
    assert 'id="eligibility"' in page(client, area, application)


def test_a_refusal_shows_its_reason_and_the_criteria_not_met(
    client: Client, area: Quartier, aktionsfonds: Fund, applicant, staff: dict
) -> None:
    application = in_review(aktionsfonds, staff, person=applicant)
    first, second, third = aktionsfonds.criteria.order_by("position")
    checks = {first.pk: (True, ""), second.pk: (False, "wohnt in Spandau"), third.pk: (False, "")}
    application_assess(
        application=application, checks=checks, eligible=False, reason="Nicht im Gebiet.", by=staff["gwa"]
    )
    client.force_login(staff["gwa"])
    html = page(client, area, application)
    section = html[html.index('id="eligibility"') : html.index("</section>", html.index('id="eligibility"'))]
    assert 'tag--warning">nicht förderfähig<' in section and "Nicht im Gebiet." in section
    assert section.count("nicht erfüllt") == 2 and "wohnt in Spandau" in section


def test_a_refused_verdict_leaves_no_result_and_the_last_check_counts(
    aktionsfonds: Fund, applicant, staff: dict
) -> None:
    application = in_review(aktionsfonds, staff, person=applicant)
    criteria = list(aktionsfonds.criteria.order_by("position"))
    with pytest.raises(ValidationError):  # eligible with a criterion not met: refused, nothing recorded as done
        application_assess(
            application=application,
            checks={criterion.pk: (criterion != criteria[0], "") for criterion in criteria},
            eligible=True,
            by=staff["gwa"],
        )
    assert eligibility_of(application) is None
    application_assess(
        application=application,
        checks={criterion.pk: (True, "") for criterion in criteria},
        eligible=True,
        by=staff["gwa"],
    )
    result = eligibility_of(application)
    assert result is not None and result.eligible and [c.met for c in result.criteria] == [True, True, True]
    assert [c.text for c in result.criteria] == [criterion.text for criterion in criteria]  # in checklist order


def test_the_committee_members_see_the_check_on_their_ballot(
    client: Client, aktionsfonds: Fund, applicant, jurors, staff: dict
) -> None:
    application = in_review(aktionsfonds, staff, person=applicant, costs=("800.00",))
    first, second, third = aktionsfonds.criteria.order_by("position")
    checks = {first.pk: (True, "direkt am Platz"), second.pk: (True, ""), third.pk: (True, "")}
    application_assess(application=application, checks=checks, eligible=True, by=staff["gwa"])
    ballot = Ballot.objects.create(
        committee=aktionsfonds.committee, title="Umlauf", deadline=timezone.now() + datetime.timedelta(hours=48)
    )
    application_put_forward(application=application, ballot=ballot, by=staff["gwa"])
    ballot_open(ballot=ballot, by=staff["gwa"])
    client.force_login(jurors[0].user)
    html = client.get(f"/abstimmungen/{ballot.pk}/antraege/{application.pk}/").content.decode()
    assert 'id="eligibility"' in html and "direkt am Platz" in html
    assert f"geprüft von {staff['gwa'].get_display_name()}" in html
