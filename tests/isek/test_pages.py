"""The ISEK's pages: what each role sees and may do, refused input with its German message and nothing
saved, the exports, and query counts that do not grow with the data."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from isek.models import Financing, Goal, Indicator, Measure, PlannedCost, ProgressNote, Spending, Version
from isek.services import version_adopt, version_continue
from quartier.models import FieldOfAction, Quartier, User
from tests.conftest import count_queries
from tests.isek.fixtures import Grow

pytestmark = pytest.mark.django_db

PAGES = ["isek_home", "measure_list", "isek_timeline", "isek_financing", "indicator_list", "version_compare"]


def url(name: str, area: Quartier, *args: object, query: str = "") -> str:
    return reverse(name, args=[area.slug, *args]) + (f"?{query}" if query else "")


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_every_page_shows_the_draft_to_every_role(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    for user in role_users.values():
        login(client, user)
        for name in PAGES:
            response = client.get(url(name, area))
            assert response.status_code == 200, (name, user)
        page = client.get(url("measure_page", area, isek.measures.first().pk))
        assert page.status_code == 200
        assert "Planung läuft." in page.content.decode()


def test_the_home_page_shows_the_goal_tree_with_the_measures_serving_each_goal(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    html = login(client, role_users["koordination"]).get(url("isek_home", area)).content.decode()
    assert "Ein lebendiger Kiez für alle" in html
    assert "Treffpunkte" in html and "Grün am Kanal" in html
    served = sorted(Measure.objects.filter(goals__title="Treffpunkte").values_list("number", flat=True))
    assert served and all(f">{number}</a>" in html for number in served)
    # Koordination reads only: no way to change anything.
    assert "Ziel hinzufügen" not in html and "bearbeiten" not in html


def test_measures_are_filtered_sorted_and_exported(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    login(client, role_users["planung"])
    social = client.get(url("measure_list", area, query="kind=nicht_investiv")).content.decode()
    assert "M-2" in social and "M-4" in social and "M-1<" not in social and "M-3<" not in social
    by_number_desc = client.get(url("measure_list", area, query="sort=-nummer")).content.decode()
    assert by_number_desc.index(">M-4<") < by_number_desc.index(">M-1<")
    assert 'aria-sort="descending"' in by_number_desc
    nothing = client.get(url("measure_list", area, query="q=gibtesnicht")).content.decode()
    assert "Keine Maßnahme passt." in nothing

    exported = client.get(url("measure_list", area, query="kind=investiv&export=csv"))
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Nr.", "Titel"]
    assert [row[0] for row in rows[1:]] == ["M-1", "M-3"]
    assert rows[1][-1] == "90000,00"  # three years of 30,000 €
    workbook = load_workbook(io.BytesIO(client.get(url("measure_list", area, query="export=xlsx")).content))
    assert workbook.active.max_row == 5


def test_a_bad_sort_or_filter_is_ignored(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    response = login(client, role_users["planung"]).get(
        url("measure_list", area, query="sort=DROP&status=kaputt&field_of_action=x&version=abc")
    )
    assert response.status_code == 200
    assert "4 Maßnahmen" in response.content.decode()


@pytest.mark.parametrize("odd", ["²", "9" * 5000])
def test_a_version_named_by_odd_digits_is_the_newest_one_not_an_error(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User], odd: str
) -> None:
    """str.isdigit takes "²" and a number of 5,000 digits, int() neither: the pages and the forms that choose the
    version by ``version`` were server errors (found by tests/test_fuzz_forms.py)."""
    login(client, role_users["planung"])
    for name in PAGES:
        assert client.get(url(name, area, query=f"version={odd}")).status_code == 200, name
    response = client.post(url("goal_new", area), {"version": odd, "title": "Saubere Ufer"})
    assert response.status_code == 302
    assert isek.goals.filter(title="Saubere Ufer").exists()


def test_planung_adds_a_measure_and_a_wrong_one_is_refused_with_nothing_saved(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    login(client, role_users["planung"])
    field = FieldOfAction.objects.order_by("position").first()
    goal = Goal.objects.get(title="Treffpunkte")
    data = {
        "version": isek.pk, "number": "Ö-9", "title": "Uferweg", "kind": "investiv", "responsible_role": "planung",
        "status": "idee", "priority": "1", "start": "2027-03-01", "end": "2026-12-31", "fields_of_action": [field.pk],
        "goals": [goal.pk],
    }  # fmt: skip
    refused = client.post(url("measure_new", area), data)
    assert refused.status_code == 200
    assert "Das Ende kann nicht vor dem Beginn liegen." in refused.content.decode()
    taken = client.post(url("measure_new", area), {**data, "end": "2028-12-31", "number": "M-1"})
    assert "Eine andere Maßnahme dieser Fassung hat die Nummer M-1." in taken.content.decode()
    other_goal = Goal.objects.create(version=Version.objects.create(area=area, label="Alt"), title="x")
    foreign = client.post(url("measure_new", area), {**data, "end": "2028-12-31", "goals": [other_goal.pk]})
    assert foreign.status_code == 200 and "Bitte eine gültige Auswahl treffen." in foreign.content.decode()
    assert not Measure.objects.filter(number="Ö-9").exists()

    saved = client.post(url("measure_new", area), {**data, "end": "2028-12-31"})
    measure = Measure.objects.get(version=isek, number="Ö-9")
    assert saved.status_code == 302 and saved["Location"] == url("measure_page", area, measure.pk)
    assert list(measure.goals.all()) == [goal] and measure.end == datetime.date(2028, 12, 31)


def test_the_office_writes_only_its_own_non_investive_measures(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    login(client, role_users["gwa"])
    investive = isek.measures.get(number="M-1")
    own = isek.measures.get(number="M-2")
    assert client.get(url("measure_edit", area, investive.pk)).status_code == 403
    page = client.get(url("measure_page", area, investive.pk)).content.decode()
    assert url("measure_edit", area, investive.pk) not in page
    assert url("progress_note_new", area, investive.pk) in page  # but notes progress on any measure

    form = client.get(url("measure_edit", area, own.pk)).content.decode()
    assert 'value="investiv"' not in form  # the office cannot choose an investive measure
    moved = client.post(
        url("measure_edit", area, own.pk),
        {"number": "M-2", "title": "Neu", "kind": "investiv", "responsible_role": "gwa", "status": "idee",
         "priority": "2"},
    )  # fmt: skip
    assert moved.status_code == 200 and "Bitte eine gültige Auswahl treffen." in moved.content.decode()
    own.refresh_from_db()
    assert own.kind == "nicht_investiv" and own.title == "Maßnahme M-2"
    changed = client.post(
        url("measure_edit", area, own.pk),
        {"number": "M-2", "title": "Nachbarschaftscafé", "kind": "nicht_investiv", "responsible_role": "gwa",
         "status": "umsetzung", "priority": "2"},
    )  # fmt: skip
    assert changed.status_code == 302
    own.refresh_from_db()
    assert own.title == "Nachbarschaftscafé" and own.status == "umsetzung"

    note = client.post(url("progress_note_new", area, investive.pk), {"date": "2026-01-10", "text": "Baustart"})
    assert note.status_code == 302 and investive.progress_notes.filter(text="Baustart").exists()
    milestone = client.post(url("milestone_new", area, investive.pk), {"date": "2026-01-10", "title": "x"})
    assert milestone.status_code == 403
    assert client.get(url("measure_finances", area, own.pk)).status_code == 403


def test_refused_notes_milestones_and_spendings_say_why_and_save_nothing(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    login(client, role_users["steuerung"])
    measure = isek.measures.get(number="M-1")
    before = (ProgressNote.objects.count(), Spending.objects.count(), measure.milestones.count())
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    cases = [
        (url("progress_note_new", area, measure.pk), {"date": "2026-01-10", "text": "   "}, "Dieses Feld ist zwingend"),
        (url("progress_note_new", area, measure.pk), {"date": tomorrow, "text": "x"}, "nicht in der Zukunft"),
        (url("milestone_new", area, measure.pk), {"date": "kein Datum", "title": "x"}, "gültiges Datum"),
        (url("spending_new", area, measure.pk), {"date": "2026-01-10", "amount": "-5", "source": "bund"}, "mehr als 0"),
        (url("spending_new", area, measure.pk), {"date": "2026-01-10", "amount": "0", "source": "bund"}, "mehr als 0"),
        (url("spending_new", area, measure.pk), {"date": "2026-01-10", "amount": "1,005", "source": "bund"}, "zwei"),
        (url("spending_new", area, measure.pk), {"date": tomorrow, "amount": "5", "source": "bund"}, "Zukunft"),
        (url("spending_new", area, measure.pk), {"date": "2026-01-10", "amount": "5", "source": "bank"}, "Auswahl"),
    ]
    for target, data, message in cases:
        response = client.post(target, data)
        assert response.status_code == 200, data
        assert message in response.content.decode(), (data, message)
    assert (ProgressNote.objects.count(), Spending.objects.count(), measure.milestones.count()) == before

    spent = client.post(
        url("spending_new", area, measure.pk), {"date": "2026-01-10", "amount": "1.234,56", "source": "land"}
    )
    assert spent.status_code == 302
    assert measure.spendings.filter(amount=Decimal("1234.56"), source="land").exists()


def _plan_data(rows: list[dict[str, str]]) -> dict[str, str]:
    data = {"year-TOTAL_FORMS": str(len(rows)), "year-INITIAL_FORMS": "0", "year-MIN_NUM_FORMS": "0"}
    data["year-MAX_NUM_FORMS"] = "60"
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"year-{index}-{key}"] = value
    return data


def test_the_finance_plan_splits_urban_funding_in_thirds_and_refuses_bad_rows(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    login(client, role_users["planung"])
    measure = isek.measures.get(number="M-1")
    before = sorted(PlannedCost.objects.filter(measure=measure).values_list("year", "amount"))
    for rows, message in [
        ([{"year": "2026", "cost": "-1"}], "nicht negativ"),
        ([{"year": "2026", "cost": "10,001"}], "zwei Stellen"),
        ([{"year": "2026", "cost": "10"}, {"year": "2026", "cost": "5"}], "2026 kommt zweimal vor"),
        ([{"year": "2026", "urban": "300", "federal": "100", "state": "100", "municipal": "50"}], "nicht die Summe"),
        ([{"year": "1800", "cost": "5"}], "größer oder gleich 1990"),
    ]:
        response = client.post(url("measure_finances", area, measure.pk), _plan_data(rows))
        assert response.status_code == 200
        assert message in response.content.decode(), (rows, message)
    assert sorted(PlannedCost.objects.filter(measure=measure).values_list("year", "amount")) == before

    saved = client.post(
        url("measure_finances", area, measure.pk),
        _plan_data([{"year": "2026", "cost": "100.000,00", "urban": "100000", "private": "0"}, {"year": ""}]),
    )
    assert saved.status_code == 302
    assert list(PlannedCost.objects.filter(measure=measure).values_list("year", "amount")) == [
        (2026, Decimal("100000.00"))
    ]
    financing = dict(Financing.objects.filter(measure=measure).values_list("source", "amount"))
    assert financing == {"bund": Decimal("33333.33"), "land": Decimal("33333.33"), "kommune": Decimal("33333.34")}


def test_an_adopted_version_is_read_only_on_every_page(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    version_adopt(version=isek, on=datetime.date(2026, 5, 1), body="Stadtrat", by=role_users["steuerung"])
    login(client, role_users["steuerung"])
    measure = isek.measures.get(number="M-1")
    page = client.get(url("measure_page", area, measure.pk)).content.decode()
    assert "beschlossen und nur lesbar" in page
    assert url("measure_edit", area, measure.pk) not in page and url("progress_note_new", area, measure.pk) not in page
    message = "Eine beschlossene Fassung kann nicht geändert werden"
    edit = client.post(url("measure_edit", area, measure.pk), {"number": "M-1", "title": "Neu"})
    assert message in edit.content.decode()
    note = client.post(url("progress_note_new", area, measure.pk), {"date": "2026-01-10", "text": "Neu"}, follow=True)
    assert message in note.content.decode()
    plan = client.post(url("measure_finances", area, measure.pk), _plan_data([{"year": "2026", "cost": "1"}]))
    assert message in plan.content.decode()
    goal = client.post(url("goal_new", area), {"version": isek.pk, "title": "Neu"})
    assert message in goal.content.decode()
    measure.refresh_from_db()
    assert measure.title == "Maßnahme M-1" and not Goal.objects.filter(title="Neu").exists()
    assert PlannedCost.objects.filter(measure=measure).count() == 3

    # The update is made from the home page and the work goes on there.
    made = client.post(url("version_continue", area, isek.pk), {"label": "ISEK 2024, Fortschreibung 2027"})
    update = Version.objects.get(label="ISEK 2024, Fortschreibung 2027")
    assert made.status_code == 302 and update.previous == isek and update.measures.count() == 4
    again = client.post(url("version_continue", area, update.pk), {"label": "noch eine"}, follow=True)
    assert "Nur eine beschlossene Fassung wird fortgeschrieben" in again.content.decode()


def test_adoption_needs_a_date_not_in_the_future_and_a_body(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    login(client, role_users["steuerung"])
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    for data, message in [
        ({"adopted_on": tomorrow, "adopted_by": "Stadtrat"}, "nicht in der Zukunft"),
        ({"adopted_on": "2026-05-01", "adopted_by": ""}, "Dieses Feld ist zwingend erforderlich."),
    ]:
        response = client.post(url("version_adopt", area, isek.pk), data, follow=True)
        assert message in response.content.decode()
    isek.refresh_from_db()
    assert isek.status == "entwurf"
    client.post(url("version_adopt", area, isek.pk), {"adopted_on": "2026-05-01", "adopted_by": "Stadtrat"})
    isek.refresh_from_db()
    assert isek.status == "beschlossen" and isek.adopted_by == "Stadtrat"


def test_a_goal_that_measures_serve_is_not_deleted_and_the_page_names_them(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    login(client, role_users["planung"])
    goal = Goal.objects.get(title="Treffpunkte")
    served = sorted(goal.measures.values_list("number", flat=True))
    response = client.post(url("goal_delete", area, goal.pk), follow=True)
    assert f"Maßnahmen dienen diesem Ziel, deshalb kann es nicht gelöscht werden: {', '.join(served)}" in (
        response.content.decode()
    )
    assert Goal.objects.filter(pk=goal.pk).exists()
    lonely = Goal.objects.create(version=isek, parent=goal.parent, title="Ohne Maßnahme")
    assert client.post(url("goal_delete", area, lonely.pk)).status_code == 302
    assert not Goal.objects.filter(pk=lonely.pk).exists()


def test_a_goal_under_an_overall_goal_needs_a_field_of_action(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    login(client, role_users["planung"])
    overall = Goal.objects.get(title="Ein lebendiger Kiez für alle")
    refused = client.post(url("goal_new", area), {"version": isek.pk, "title": "Spielplätze", "parent": overall.pk})
    assert "Ein Ziel unter einem Leitziel gehört zu einem Handlungsfeld." in refused.content.decode()
    assert not Goal.objects.filter(title="Spielplätze").exists()


def test_indicator_values_are_recorded_and_bad_ones_refused(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    login(client, role_users["planung"])
    indicator = isek.indicators.first()
    next_year = str(datetime.date.today().year + 1)
    for data, message in [
        ({"year": "2019", "value": "5"}, "Werte beginnen im Ausgangsjahr 2020."),
        ({"year": next_year, "value": "5"}, "noch kommendes Jahr"),
        ({"year": "2025", "value": "viel"}, "Bitte eine Zahl eingeben."),
    ]:
        response = client.post(url("indicator_value", area, indicator.pk), data, follow=True)
        assert message in response.content.decode(), message
    assert not indicator.values.filter(year__in=[2019, 2025]).exists()
    client.post(url("indicator_value", area, indicator.pk), {"year": "2025", "value": "17,5"})
    assert indicator.values.get(year=2025).value == Decimal("17.50")

    refused = client.post(
        url("indicator_new", area),
        {"version": isek.pk, "name": "Grün", "unit": "%", "direction": "hoeher", "baseline_year": "2024",
         "baseline": "3", "target_year": "2020", "target": "5"},
    )  # fmt: skip
    assert "Das Zieljahr kann nicht vor dem Ausgangsjahr liegen." in refused.content.decode()
    assert not Indicator.objects.filter(name="Grün").exists()


def test_the_pictures_carry_their_numbers_as_text(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    login(client, role_users["koordination"])
    timeline = client.get(url("isek_timeline", area)).content.decode()
    assert timeline.count('class="gantt__bar ') == 4 and "<table" in timeline
    financing = client.get(url("isek_financing", area)).content.decode()
    assert 'role="img"' in financing and "360.000,00" in financing  # 4 measures × 3 years × 30,000 €
    assert "4.802,00" in financing  # spent: 4 × 1,200.50 €
    indicators = client.get(url("indicator_list", area)).content.decode()
    assert indicators.count('class="line-chart"') == 2 and "Ausgangswert 2020: 10" in indicators


def test_the_comparison_shows_what_the_update_changed(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    from isek.services import version_continue

    version_adopt(version=isek, on=datetime.date(2026, 5, 1), body="Stadtrat", by=role_users["steuerung"])
    update = version_continue(version=isek, label="Fortschreibung", by=role_users["planung"])
    update.measures.filter(number="M-1").update(status="abgeschlossen")
    update.measures.filter(number="M-2").delete()
    login(client, role_users["koordination"])
    html = client.get(url("version_compare", area, query=f"old={isek.pk}&new={update.pk}")).content.decode()
    assert "1 Maßnahme entfallen" in html and "Maßnahme M-2" in html
    assert "abgeschlossen" in html


def test_the_comparison_covers_dates_goals_financing_and_indicators_and_flags_what_is_not_financed(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    from isek.models import Financing, PlannedCost
    from isek.services import version_continue

    version_adopt(version=isek, on=datetime.date(2026, 5, 1), body="Stadtrat", by=role_users["steuerung"])
    update = version_continue(version=isek, label="Fortschreibung 2027", by=role_users["planung"])
    update.measures.filter(number="M-1").update(end=datetime.date(2028, 6, 30), title="Uferweg <neu>")
    m3 = update.measures.get(number="M-3")
    Financing.objects.filter(measure=m3, year=2025, source="bund").update(amount=Decimal("5000.00"))
    PlannedCost.objects.filter(measure=m3, year=2027).update(amount=Decimal("45000.00"))  # 15,000 € above
    update.goals.filter(title="Grün am Kanal").update(title="Grün und Wasser am Kanal")
    indicator = update.indicators.get(name="Indikator 1")
    indicator.target, indicator.target_year = Decimal("25.5"), 2030
    indicator.save()
    update.indicators.filter(name="Indikator 2").delete()
    login(client, role_users["koordination"])
    html = client.get(url("version_compare", area, query=f"old={isek.pk}&new={update.pk}")).content.decode()
    assert "28.02.2027" in html and "30.06.2028" in html  # M-1's end
    assert "Uferweg &lt;neu&gt;" in html  # its new title, escaped
    assert "Finanzierung" in html and "5.000,00 €" in html  # M-3's split
    assert "1 Ziel hinzugekommen" in html and "Grün und Wasser am Kanal" in html
    assert "1 Ziel entfallen" in html and "Grün am Kanal</li>" in html
    assert "1 Indikator entfallen" in html and "Indikator 2" in html
    assert "2030: 25,5" in html
    shortfalls = html[html.index('id="shortfalls"') : html.index("</section>", html.index('id="shortfalls"'))]
    assert "M-3" in shortfalls and "M-1" not in shortfalls
    assert "geplant 105.000,00 €, finanziert 85.000,00 €: 20.000,00 € offen" in shortfalls


#: Session, user, the user's areas with roles and committees (one query), then the page's own.
PAGE_QUERIES = {
    "isek_home": 6,
    "measure_list": 6,
    "isek_timeline": 6,
    "isek_financing": 5,
    "indicator_list": 6,
    "version_compare": 4,
    "measure_page": 15,
}


@pytest.mark.parametrize("name", PAGE_QUERIES)
def test_page_queries_do_not_grow_with_the_data(
    name: str,
    client: Client,
    area: Quartier,
    isek: Version,
    grow_isek: Grow,
    role_users: dict[str, User],
    assert_constant_queries: Callable[..., int],
) -> None:
    login(client, role_users["steuerung"])
    measure = isek.measures.first()
    target = url("measure_page", area, measure.pk) if name == "measure_page" else url(name, area)

    def grow() -> None:
        grow_isek(12)
        measure.progress_notes.create(date=datetime.date(2025, 10, 1), text="Mehr")
        measure.milestones.create(date=datetime.date(2027, 1, 1), title="Mehr")

    count = assert_constant_queries(lambda: client.get(target), grow)
    assert count == PAGE_QUERIES[name], count


def test_the_export_reads_the_measures_in_a_fixed_number_of_queries(
    client: Client, area: Quartier, isek: Version, grow_isek: Grow, role_users: dict[str, User]
) -> None:
    login(client, role_users["steuerung"])
    target = url("measure_list", area, query="export=csv")
    client.get(target)
    before = count_queries(lambda: client.get(target))
    grow_isek(20)
    assert count_queries(lambda: client.get(target)) == before


def test_a_measure_links_concerns_decisions_and_applications_of_its_area_only(
    client: Client, area: Quartier, other_area: Quartier, isek: Version, role_users: dict[str, User], aktionsfonds
) -> None:
    from django.utils import timezone

    from actors.models import Concern
    from committees.models import Meeting
    from tests.fonds.fixtures import make_application

    application = make_application(aktionsfonds)
    concern = Concern.objects.create(area=area, text="Mehr Bänke am Ufer", raised_on="2026-03-01")
    foreign = Concern.objects.create(area=other_area, text="Anderswo", raised_on="2026-03-01")
    meeting = Meeting.objects.create(committee=aktionsfonds.committee, starts_at=timezone.now(), place="Büro")
    decision = meeting.items.create(position=1, title="Uferbänke", result="angenommen", yes=5, no=0, abstain=0)
    meeting.items.create(position=2, title="Offen")  # no decision yet: not offered
    measure = isek.measures.get(number="M-1")
    login(client, role_users["planung"])
    form = client.get(url("measure_edit", area, measure.pk)).content.decode()
    assert "Uferbänke" in form and ">Offen<" not in form and "Anderswo" not in form
    data = {
        "number": "M-1", "title": "Uferweg", "kind": "investiv", "responsible_role": "planung", "status": "idee",
        "priority": "2", "concerns": [concern.pk], "applications": [application.pk], "decisions": [decision.pk],
    }  # fmt: skip
    refused = client.post(url("measure_edit", area, measure.pk), {**data, "concerns": [foreign.pk]})
    assert refused.status_code == 200 and not measure.concerns.exists()
    assert client.post(url("measure_edit", area, measure.pk), data).status_code == 302

    page = client.get(url("measure_page", area, measure.pk)).content.decode()
    assert "Mehr Bänke am Ufer" in page and "Uferbänke" in page and application.title in page
    application_page = client.get(reverse("application_page", args=[area.slug, application.pk])).content.decode()
    assert "Dient den ISEK-Maßnahmen" in application_page and "M-1 Uferweg" in application_page


def test_opening_a_form_of_an_adopted_version_says_it_is_read_only(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    version_adopt(version=isek, on=datetime.date(2026, 5, 1), body="Stadtrat", by=role_users["steuerung"])
    login(client, role_users["planung"])
    measure = isek.measures.get(number="M-1")
    for target in (
        url("measure_edit", area, measure.pk),
        url("measure_new", area, query=f"version={isek.pk}"),
        url("goal_edit", area, Goal.objects.filter(version=isek).first().pk),
        url("goal_new", area, query=f"version={isek.pk}"),
        url("indicator_edit", area, isek.indicators.first().pk),
        url("indicator_new", area, query=f"version={isek.pk}"),
        url("measure_finances", area, measure.pk),
    ):
        response = client.get(target)
        assert response.status_code == 200, target
        html = response.content.decode()
        assert "Eine beschlossene Fassung kann nicht geändert werden" in html, target
        assert "Speichern</button>" not in html and "Plan speichern</button>" not in html, target  # nothing to send


def test_the_finance_plan_form_reads_a_fixed_number_of_queries(
    client: Client,
    area: Quartier,
    isek: Version,
    grow_isek: Grow,
    role_users: dict[str, User],
    assert_constant_queries: Callable[..., int],
) -> None:
    login(client, role_users["planung"])
    measure = isek.measures.get(number="M-1")

    def grow() -> None:
        grow_isek(5)
        for year in (2028, 2029, 2030):
            PlannedCost.objects.create(measure=measure, year=year, amount=Decimal("100.00"))
            Financing.objects.create(measure=measure, year=year, source="privat", amount=Decimal("100.00"))

    count = assert_constant_queries(lambda: client.get(url("measure_finances", area, measure.pk)), grow)
    assert count <= 12, count


def test_the_comparison_of_two_versions_reads_in_constant_queries(
    client: Client,
    area: Quartier,
    isek: Version,
    role_users: dict[str, User],
    assert_constant_queries: Callable[..., int],
) -> None:
    """The page with a comparison (the page count above has one version only, so nothing to compare)."""
    from isek.services import version_continue
    from tests.isek.fixtures import add_indicators, add_measures

    version_adopt(version=isek, on=datetime.date(2026, 5, 1), body="Stadtrat", by=role_users["steuerung"])
    update = version_continue(version=isek, label="Fortschreibung", by=role_users["planung"])
    login(client, role_users["koordination"])
    target = url("version_compare", area, query=f"old={isek.pk}&new={update.pk}")
    numbers = iter(range(100, 1000, 10))

    def grow() -> None:
        start = next(numbers)
        add_measures(isek, 3, start=start)
        add_measures(update, 5, start=start)
        add_indicators(update, 2, start=start)

    count = assert_constant_queries(lambda: client.get(target), grow)
    assert count == PAGE_QUERIES["version_compare"] + 1, count  # the comparison: one query


def _tabs(html: str) -> str:
    start = html.index('<nav class="sub-nav"')
    return html[start : html.index("</main>", start)]


def test_the_tabs_keep_the_version_mark_the_page_and_say_what_the_version_is(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    login(client, role_users["steuerung"])
    html = _tabs(client.get(url("isek_financing", area)).content.decode())
    assert f'href="{url("measure_list", area)}?version={isek.pk}">Maßnahmen</a>' in html
    assert f'href="{url("isek_financing", area)}?version={isek.pk}" aria-current="page">Finanzierung</a>' in html
    assert f'href="{url("version_compare", area)}">Vergleich</a>' in html  # the comparison picks its own versions
    assert html.count('aria-current="page"') == 1
    assert '<span class="tag tag--warning">Entwurf</span> Änderungen werden in diesem Entwurf gespeichert.' in html
    assert "version-picker" not in html  # one version: nothing to pick

    version_adopt(version=isek, on=datetime.date(2026, 5, 1), body='Rat <b>"Nord"</b> & Co', by=role_users["steuerung"])
    later = version_continue(version=isek, label="Fortschreibung 2027", by=role_users["steuerung"])
    html = _tabs(client.get(url("measure_list", area, query=f"version={isek.pk}")).content.decode())
    assert "beschlossen am 1. Mai 2026 von Rat &lt;b&gt;&quot;Nord&quot;&lt;/b&gt; &amp; Co; nur lesbar" in html
    assert f'<option value="{isek.pk}" selected>' in html and f'<option value="{later.pk}">' in html

    measure = later.measures.first()
    html = _tabs(client.get(url("measure_page", area, measure.pk)).content.decode())
    assert "version-picker" not in html and "version-state" not in html  # a measure's page: the tabs only
    assert f'?version={later.pk}" aria-current="page">Maßnahmen</a>' in html


def test_the_measures_filter_bar_keeps_the_version_and_the_order(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User]
) -> None:
    html = login(client, role_users["planung"]).get(url("measure_list", area, query="sort=-kosten")).content.decode()
    bar = html[html.index('<form class="filters"') :]
    bar = bar[: bar.index("</form>")]
    assert f'<input type="hidden" name="version" value="{isek.pk}">' in bar
    assert '<input type="hidden" name="sort" value="-kosten">' in bar
