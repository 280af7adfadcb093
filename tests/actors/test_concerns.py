"""Residents' concerns: services, the board with filters and export, a concern's page, forms and status steps."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from actors.models import Concern, ConcernStatusChange, Organisation, Person
from actors.selectors.concerns import concern_board, concerns_for
from actors.services.concerns import concern_create, concern_set_status, concern_update
from quartier.models import FieldOfAction, Quartier, User

DAY = datetime.timedelta(days=1)


def make(area: Quartier, text: str, **kwargs: object) -> Concern:
    kwargs.setdefault("raised_on", timezone.localdate())
    return Concern.objects.create(area=area, text=text, **kwargs)


@pytest.fixture
def resident(area: Quartier) -> Person:
    return Person.objects.create(area=area, first_name="Ayşe", last_name="Demir")


@pytest.fixture
def concerns(
    area: Quartier, other_area: Quartier, role_users: dict[str, User], resident: Person, today: datetime.date
) -> dict:
    gwa = role_users["gwa"]
    umwelt = FieldOfAction.objects.filter(key__in=["umwelt", "wohnumfeld"]).first() or FieldOfAction.objects.first()
    bildung = FieldOfAction.objects.get(key="bildung")
    schaukel = make(area, "Die Schaukel am Kanalufer ist kaputt.", place="Spielplatz Uferweg", field_of_action=umwelt)
    laternen = make(
        area,
        "Laternen am Kanalweg sind dunkel.",
        raised_on=today - 3 * DAY,
        raised_by_person=resident,
        field_of_action=umwelt,
    )
    concern_set_status(concern=laternen, to_status="weitergeleitet", by=gwa, forwarded_to="Tiefbauamt")
    hausaufgaben = make(
        area,
        "Hausaufgabenhilfe für Grundschulkinder fehlt.",
        raised_on=today - 10 * DAY,
        field_of_action=bildung,
        raised_by_organisation=Organisation.objects.create(area=area, name="Grundschule am Kanal"),
    )
    concern_set_status(concern=hausaufgaben, to_status="erledigt", by=gwa, answer="Angebot im Nachbarschaftshaus")
    make(other_area, "Fremdes Anliegen am Kanal")
    return {"schaukel": schaukel, "laternen": laternen, "hausaufgaben": hausaufgaben, "umwelt": umwelt}


def board(response: object) -> dict[str, list[str]]:
    return {
        column.status: [concern.text for concern in column.cards]
        for column in response.context["columns"]  # type: ignore[attr-defined]
    }


# --- services ------------------------------------------------------------------------------


def test_create_records_an_anonymous_concern_as_new(
    area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    concern = concern_create(area=area, data={"text": "Mehr Bänke", "raised_on": today}, by=role_users["gwa"])
    assert concern.status == "neu" and concern.raised_by_person is None and concern.area == area
    assert LogEntry.objects.get_for_object(concern).get().actor == role_users["gwa"]


@pytest.mark.parametrize("what", ["future", "foreign_person", "foreign_organisation"])
def test_create_refuses_and_saves_nothing(
    area: Quartier, other_area: Quartier, role_users: dict[str, User], what: str, today: datetime.date
) -> None:
    data: dict[str, object] = {"text": "Mehr Bänke", "raised_on": today}
    field = {
        "future": "raised_on",
        "foreign_person": "raised_by_person",
        "foreign_organisation": "raised_by_organisation",
    }[what]
    if what == "future":
        data["raised_on"] = today + DAY
    elif what == "foreign_person":
        data["raised_by_person"] = Person.objects.create(area=other_area, last_name="Fremd")
    else:
        data["raised_by_organisation"] = Organisation.objects.create(area=other_area, name="Fremd")
    with pytest.raises(ValidationError) as refused:
        concern_create(area=area, data=data, by=role_users["gwa"])
    assert list(refused.value.message_dict) == [field]
    assert not Concern.objects.exists()


def test_update_changes_the_text_but_never_the_status(area: Quartier, role_users: dict[str, User]) -> None:
    concern = make(area, "Alt")
    concern_update(concern=concern, data={"text": "Neu", "status": "erledigt"}, by=role_users["gwa"])
    concern.refresh_from_db()
    assert concern.text == "Neu" and concern.status == "neu"


# --- the board -----------------------------------------------------------------------------


def test_board_has_a_column_per_status_in_order_with_counts(
    client: Client, area: Quartier, role_users: dict[str, User], concerns: dict
) -> None:
    client.force_login(role_users["koordination"])  # the coordinator reads concerns
    response = client.get(f"/gebiet/{area.slug}/anliegen/")
    assert response.status_code == 200
    columns = response.context["columns"]
    assert [column.status for column in columns] == Concern.Status.values
    assert [column.count for column in columns] == [1, 1, 0, 1, 0]
    assert board(response)["weitergeleitet"] == ["Laternen am Kanalweg sind dunkel."]
    html = response.content.decode()
    assert "Fremdes Anliegen" not in html
    assert "Tiefbauamt" in html and "Spielplatz Uferweg" in html  # forwarded to, place
    assert 'href="/gebiet/kiez-am-kanal/anliegen/neu/"' not in html  # reading only


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=kanal", {"Die Schaukel am Kanalufer ist kaputt.", "Laternen am Kanalweg sind dunkel."}),
        ("q=spielpl", {"Die Schaukel am Kanalufer ist kaputt."}),  # the place, as a prefix
        ("q=Grundschulkind", {"Hausaufgabenhilfe für Grundschulkinder fehlt."}),
        ("q=%27%3B+drop", set()),
    ],
)
def test_board_search(
    client: Client, area: Quartier, role_users: dict[str, User], concerns: dict, query: str, expected: set[str]
) -> None:
    client.force_login(role_users["gwa"])
    response = client.get(f"/gebiet/{area.slug}/anliegen/?{query}")
    assert {text for texts in board(response).values() for text in texts} == expected
    assert response.context["total"] == len(expected)


def test_board_filter_by_field_of_action_and_bad_filter_ignored(
    client: Client, area: Quartier, role_users: dict[str, User], concerns: dict
) -> None:
    client.force_login(role_users["gwa"])
    bildung = FieldOfAction.objects.get(key="bildung").pk
    response = client.get(f"/gebiet/{area.slug}/anliegen/?field_of_action={bildung}")
    assert board(response)["erledigt"] == ["Hausaufgabenhilfe für Grundschulkinder fehlt."]
    assert response.context["total"] == 1
    assert client.get(f"/gebiet/{area.slug}/anliegen/?field_of_action=999999").context["total"] == 3


def test_board_htmx_returns_only_the_board(
    client: Client, area: Quartier, role_users: dict[str, User], concerns: dict
) -> None:
    client.force_login(role_users["planung"])
    response = client.get(f"/gebiet/{area.slug}/anliegen/?q=schaukel", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'class="grid board"' in html and "Schaukel" in html
    assert "HX-Request" in response["Vary"]


def test_board_column_shows_the_newest_and_says_how_many_more(
    client: Client, area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    for number in range(5):
        make(area, f"Anliegen {number}", raised_on=today - number * DAY)
    columns = concern_board(concerns_for(area), per_column=3)
    assert [concern.text for concern in columns[0].cards] == ["Anliegen 0", "Anliegen 1", "Anliegen 2"]
    assert columns[0].count == 5 and columns[0].more == 2


def test_export_of_the_filtered_concerns_hides_names_from_the_coordinator(
    client: Client, area: Quartier, role_users: dict[str, User], concerns: dict
) -> None:
    url = f"/gebiet/{area.slug}/anliegen/?q=laternen&export=csv"
    client.force_login(role_users["gwa"])
    response = client.get(url)
    assert 'filename="anliegen-kiez-am-kanal.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and rows[1][2] == "Laternen am Kanalweg sind dunkel." and rows[1][5] == "Ayşe Demir"
    assert rows[1][6] == "Tiefbauamt"
    client.force_login(role_users["koordination"])
    body = client.get(url).content.decode("utf-8-sig")
    assert "Laternen" in body and "Ayşe" not in body and "Demir" not in body
    response = client.get(f"/gebiet/{area.slug}/anliegen/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 4


# --- a concern -------------------------------------------------------------------------------


def test_concern_page_shows_the_history_and_what_became_of_it(
    client: Client, area: Quartier, role_users: dict[str, User], concerns: dict
) -> None:
    laternen = concerns["laternen"]
    concern_set_status(concern=laternen, to_status="erledigt", by=role_users["gwa"], answer="Laternen repariert")
    client.force_login(role_users["planung"])
    html = client.get(f"/gebiet/{area.slug}/anliegen/{laternen.pk}/").content.decode()
    assert "Laternen am Kanalweg sind dunkel." in html and "Ayşe Demir" in html
    assert 'id="outcome-heading"' in html and "Tiefbauamt" in html and "Laternen repariert" in html
    assert html.count(role_users["gwa"].get_display_name()) >= 2  # who made each of the two steps
    assert 'action="/gebiet/kiez-am-kanal/anliegen/' not in html  # Planung reads only: no step form


def test_coordinator_sees_the_concern_but_not_who_raised_it(
    client: Client, area: Quartier, role_users: dict[str, User], concerns: dict
) -> None:
    client.force_login(role_users["koordination"])
    html = client.get(f"/gebiet/{area.slug}/anliegen/{concerns['laternen'].pk}/").content.decode()
    assert "Laternen am Kanalweg" in html
    assert "Ayşe" not in html and "Demir" not in html
    html = client.get(f"/gebiet/{area.slug}/anliegen/{concerns['hausaufgaben'].pk}/").content.decode()
    assert "Grundschule am Kanal" in html  # organisations are no secret


def test_anonymous_concern_says_so(client: Client, area: Quartier, role_users: dict[str, User], concerns: dict) -> None:
    client.force_login(role_users["gwa"])
    response = client.get(f"/gebiet/{area.slug}/anliegen/{concerns['schaukel'].pk}/")
    assert response.context["raised_by_person"] is None and not response.context["raised_by_unnamed_person"]
    assert response.context["can_change"] and "status_form" in response.context


def test_concern_of_another_area_is_not_found(
    client: Client, area: Quartier, other_area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    foreign = make(other_area, "Fremd")
    client.force_login(role_users["gwa"])
    base = f"/gebiet/{area.slug}/anliegen/{foreign.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.post(f"{base}/bearbeiten/", {"text": "x", "raised_on": today.isoformat()}).status_code == 404
    assert client.post(f"{base}/status/", {"to_status": "erledigt"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.text == "Fremd" and foreign.status == "neu"


def test_outsider_finds_nothing(client: Client, area: Quartier, outsider: User, concerns: dict) -> None:
    client.force_login(outsider)
    for url in ("anliegen/", f"anliegen/{concerns['schaukel'].pk}/", "anliegen/neu/"):
        assert client.get(f"/gebiet/{area.slug}/{url}").status_code == 404


# --- forms -----------------------------------------------------------------------------------


def test_office_records_a_concern(
    client: Client, area: Quartier, role_users: dict[str, User], resident: Person, today: datetime.date
) -> None:
    client.force_login(role_users["gwa"])
    bildung = FieldOfAction.objects.get(key="bildung").pk
    response = client.post(
        f"/gebiet/{area.slug}/anliegen/neu/",
        {
            "text": "Ein Bücherschrank am Platz",
            "raised_on": today.isoformat(),
            "field_of_action": bildung,
            "raised_by_person": resident.pk,
            "place": "Kanalplatz",
        },
    )
    concern = Concern.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/gebiet/{area.slug}/anliegen/{concern.pk}/"
    assert concern.raised_by_person == resident and concern.status == "neu"


def test_new_concern_form_defaults_to_today(
    client: Client, area: Quartier, role_users: dict[str, User], today: datetime.date
) -> None:
    client.force_login(role_users["gwa"])
    html = client.get(f"/gebiet/{area.slug}/anliegen/neu/").content.decode()
    assert f'value="{today.isoformat()}"' in html and 'type="date"' in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"text": ""}, "text", "Dieses Feld ist zwingend erforderlich."),
        ({"raised_on": 1}, "raised_on", None),  # a day offset from today: tomorrow
        ({"raised_by_person": "foreign_person"}, "raised_by_person", "Bitte eine gültige Auswahl treffen."),
        ({"raised_by_organisation": "foreign_org"}, "raised_by_organisation", "Bitte eine gültige Auswahl treffen."),
        ({"raised_by_person": "erased"}, "raised_by_person", "Bitte eine gültige Auswahl treffen."),
    ],
)
def test_refused_concern_shows_the_error_and_saves_nothing(
    client: Client,
    area: Quartier,
    other_area: Quartier,
    role_users: dict[str, User],
    changes: dict,
    field: str,
    message: str | None,
    today: datetime.date,
) -> None:
    lookup = {
        "foreign_person": Person.objects.create(area=other_area, last_name="Fremd").pk,
        "foreign_org": Organisation.objects.create(area=other_area, name="Fremd").pk,
        "erased": Person.objects.create(area=area, last_name="—", erased_at=timezone.now()).pk,
    }
    client.force_login(role_users["gwa"])
    data = {"text": "Mehr Bänke", "raised_on": today.isoformat()}
    for key, value in changes.items():
        data[key] = (today + value * DAY).isoformat() if key == "raised_on" else lookup.get(value, value)
    response = client.post(f"/gebiet/{area.slug}/anliegen/neu/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    if message:
        assert message in html
    assert not Concern.objects.exists()


def test_edit_keeps_the_status(client: Client, area: Quartier, role_users: dict[str, User], concerns: dict) -> None:
    laternen = concerns["laternen"]
    client.force_login(role_users["gwa"])
    response = client.post(
        f"/gebiet/{area.slug}/anliegen/{laternen.pk}/bearbeiten/",
        {"text": "Laternen am Kanalweg", "raised_on": laternen.raised_on.isoformat(), "status": "neu"},
    )
    assert response.status_code == 302
    laternen.refresh_from_db()
    assert laternen.text == "Laternen am Kanalweg" and laternen.status == "weitergeleitet"
    assert laternen.raised_by_person is None  # emptied: now anonymous


@pytest.mark.parametrize("role", ["steuerung", "planung", "koordination"])
def test_only_the_office_writes_concerns(
    client: Client, area: Quartier, role_users: dict[str, User], concerns: dict, role: str, today: datetime.date
) -> None:
    client.force_login(role_users[role])
    pk = concerns["schaukel"].pk
    base = f"/gebiet/{area.slug}/anliegen"
    data = {"text": "x", "raised_on": today.isoformat()}
    assert client.post(f"{base}/neu/", data).status_code == 403
    assert client.post(f"{base}/{pk}/bearbeiten/", data).status_code == 403
    assert client.post(f"{base}/{pk}/status/", {"to_status": "erledigt"}).status_code == 403
    assert Concern.objects.filter(area=area).count() == 3
    concerns["schaukel"].refresh_from_db()
    assert concerns["schaukel"].status == "neu" and concerns["schaukel"].text.startswith("Die Schaukel")


# --- status steps --------------------------------------------------------------------------


def test_status_form_offers_only_the_allowed_steps(
    client: Client, area: Quartier, role_users: dict[str, User], concerns: dict
) -> None:
    client.force_login(role_users["gwa"])
    form = client.get(f"/gebiet/{area.slug}/anliegen/{concerns['hausaufgaben'].pk}/").context["status_form"]
    assert [value for value, _ in form.fields["to_status"].choices if value] == ["in_bearbeitung"]


def test_office_moves_a_concern_on(client: Client, area: Quartier, role_users: dict[str, User], concerns: dict) -> None:
    schaukel = concerns["schaukel"]
    client.force_login(role_users["gwa"])
    response = client.post(
        f"/gebiet/{area.slug}/anliegen/{schaukel.pk}/status/",
        {"to_status": "weitergeleitet", "forwarded_to": "Grünflächenamt", "note": "per E-Mail"},
    )
    assert response.status_code == 302 and response["Location"] == f"/gebiet/{area.slug}/anliegen/{schaukel.pk}/"
    schaukel.refresh_from_db()
    assert schaukel.status == "weitergeleitet" and schaukel.forwarded_to == "Grünflächenamt"
    step = schaukel.status_changes.get()
    assert (step.from_status, step.to_status, step.note, step.by) == (
        "neu",
        "weitergeleitet",
        "per E-Mail",
        role_users["gwa"],
    )


@pytest.mark.parametrize(
    ("concern", "data", "message"),
    [
        ("schaukel", {"to_status": "nicht_umsetzbar"}, None),  # the service wants a reason
        ("schaukel", {"to_status": "weitergeleitet"}, None),  # and the unit it goes to
        ("hausaufgaben", {"to_status": "weitergeleitet", "forwarded_to": "Schulamt"}, "Bitte eine gültige Auswahl"),
        ("schaukel", {"to_status": "neu"}, "Bitte eine gültige Auswahl"),
        ("schaukel", {}, "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_refused_step_says_why_and_changes_nothing(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    concerns: dict,
    concern: str,
    data: dict,
    message: str | None,
) -> None:
    target = concerns[concern]
    target.refresh_from_db()
    before = (target.status, ConcernStatusChange.objects.count())
    client.force_login(role_users["gwa"])
    response = client.post(f"/gebiet/{area.slug}/anliegen/{target.pk}/status/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    form = response.context["status_form"]
    assert form.errors
    if message:
        assert message in html
    else:
        assert form.non_field_errors()  # the service's reason, shown above the form
    target.refresh_from_db()
    assert (target.status, ConcernStatusChange.objects.count()) == before


def test_a_step_taken_meanwhile_is_refused(
    client: Client, area: Quartier, role_users: dict[str, User], concerns: dict
) -> None:
    from actors.forms.concerns import ConcernStatusForm

    schaukel = concerns["schaukel"]
    form = ConcernStatusForm({"to_status": "weitergeleitet", "forwarded_to": "Amt"}, concern=schaukel)
    assert form.is_valid()  # offered while it was new ...
    concern_set_status(concern=schaukel, to_status="erledigt", by=role_users["gwa"])  # ... then someone closed it
    with pytest.raises(ValidationError):
        concern_set_status(concern=schaukel, by=role_users["gwa"], **form.cleaned_data)
    schaukel.refresh_from_db()
    assert schaukel.status == "erledigt"


# --- query counts ----------------------------------------------------------------------------


def grow_concerns(area: Quartier, users: dict[str, User], resident: Person) -> None:
    fields = list(FieldOfAction.objects.all())
    for number in range(20):
        concern = make(
            area,
            f"Anliegen Nummer {number} am Kanal",
            field_of_action=fields[number % len(fields)],
            raised_by_person=resident,
            raised_by_organisation=Organisation.objects.create(area=area, name=f"Verein {number}"),
        )
        if number % 2:
            concern_set_status(concern=concern, to_status="weitergeleitet", by=users["gwa"], forwarded_to="Amt")


@pytest.mark.parametrize("url", ["anliegen/", "anliegen/?q=kanal", "anliegen/{pk}/", "anliegen/{pk}/status/"])
def test_concern_pages_query_count_does_not_grow(
    client: Client,
    area: Quartier,
    role_users: dict[str, User],
    concerns: dict,
    resident: Person,
    url: str,
    assert_constant_queries: object,
) -> None:
    target = concerns["laternen"]
    client.force_login(role_users["gwa"])
    path = f"/gebiet/{area.slug}/" + url.format(pk=target.pk)

    def grow() -> None:
        grow_concerns(area, role_users, resident)
        for step in ("in_bearbeitung", "weitergeleitet", "in_bearbeitung", "weitergeleitet"):
            concern_set_status(concern=target, to_status=step, by=role_users["planung"], note="weiter")

    assert_constant_queries(lambda: client.get(path), grow)  # type: ignore[operator]
