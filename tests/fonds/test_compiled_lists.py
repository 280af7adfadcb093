"""``CompiledLists``: a page's lists compiled to SQL once per process and shape, then read with each call's ids."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, Model, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from committees.models import BallotItem
from demo.factories import BallotItemFactory, FundFactory, PersonFactory
from fonds.models import Application, Fund, Payment, StatusChange
from fonds.selectors import money_of
from fonds.services.applications import application_commit
from fonds.services.payments import payment_record
from quartier.models import Quartier
from quartier.selectors import CompiledLists
from tests.fonds.fixtures import make_application
from tests.fonds.test_lifecycle import approved


def _lists(*, area: int, application: int, content_type: int, history: bool) -> dict[str, QuerySet]:
    lists = {
        "application": Application.objects.filter(area_id=area, pk=application)
        .select_related("fund", "person")
        .annotate(**money_of("pk")),
        "payments": Payment.objects.filter(application_id=application).select_related("recorded_by", "released_by"),
        # object_id is a bigint: Django passes the id as Int8.
        "ballot_items": BallotItem.objects.filter(content_type_id=content_type, object_id=application),
    }
    if history:
        lists["history"] = StatusChange.objects.filter(application_id=application).select_related("by")
    return lists


def _same(read: list, expected: list) -> None:
    assert [row.pk for row in read] == [row.pk for row in expected]
    for got, want in zip(read, expected, strict=True):
        for field in want._meta.concrete_fields:
            assert getattr(got, field.attname) == getattr(want, field.attname), field.name
            assert type(getattr(got, field.attname)) is type(getattr(want, field.attname)), field.name


def test_compiled_lists_read_what_the_querysets_read_for_each_call_s_ids(
    area: Quartier, staff: dict, aktionsfonds: Fund, applicant, jury
) -> None:
    paid = approved(make_application(aktionsfonds, person=applicant, costs=("400.00",)), staff)
    application_commit(application=paid, by=staff["steuerung"])
    payment_record(
        application=paid, amount=Decimal("10.05"), paid_on=timezone.localdate(), method="bar", by=staff["gwa"]
    )
    other = make_application(aktionsfonds, person=applicant, costs=("80.00",))
    content_type = ContentType.objects.get_for_model(Application).pk
    item = BallotItemFactory(ballot__committee=jury, content_type_id=content_type, object_id=paid.pk)
    built = []

    def build(**arguments: object) -> dict[str, QuerySet]:
        built.append(arguments)
        return _lists(**arguments)  # type: ignore[arg-type]

    reader = CompiledLists(build, ids=("area", "application", "content_type"))
    for number, application in enumerate((paid, other, paid)):
        with CaptureQueriesContext(connection) as queries:
            lists = reader.read(area=area.pk, application=application.pk, content_type=content_type, history=True)
        # One round trip: prepared on this connection with its first run, then run by name.
        (query,) = queries.captured_queries
        assert query["sql"].startswith("EXECUTE " if number else "PREPARE "), query["sql"][:60]
        # The constants (the statuses that bind money) are written into the statement; a read sends its ids.
        sent = query["sql"][query["sql"].index("EXECUTE ") :]
        assert "'bewilligt'" in query["sql"] if not number else "'bewilligt'" not in query["sql"]
        arguments = sent[sent.index("(") + 1 : -1].split(", ")
        assert {argument.removesuffix("::bigint") for argument in arguments} == {
            str(value) for value in (area.pk, application.pk, content_type)
        }, sent
        expected = _lists(area=area.pk, application=application.pk, content_type=content_type, history=True)
        for name, queryset in expected.items():
            _same(lists[name], list(queryset))
        (read,), (want,) = lists["application"], expected["application"]
        for name in ("money_committed", "money_paid", "money_repaid", "money_reclaim_open"):
            assert getattr(read, name) == getattr(want, name) and type(getattr(read, name)) is Decimal, name
        assert read.money_committed == (Decimal("400.00") if application == paid else Decimal("0.00"))
        assert read.fund == aktionsfonds and read.person == applicant
        assert lists["ballot_items"] == ([item] if application == paid else [])
    assert len(built) == 1  # compiled once for the three reads
    assert reader.read(area=area.pk, application=paid.pk, content_type=content_type, history=False).keys() == {
        "application",
        "payments",
        "ballot_items",
    }
    assert len(built) == 2  # another shape, compiled once more
    assert (
        reader.read(area=area.pk + 1000, application=paid.pk, content_type=content_type, history=False)["application"]
        == []
    )


def test_compiled_lists_refuse_ids_that_do_not_reach_the_query_unchanged(area: Quartier) -> None:
    def ignores(*, application: int) -> dict[str, QuerySet]:
        return {"applications": Application.objects.all()}

    def changes(*, application: int) -> dict[str, QuerySet]:
        return {"applications": Application.objects.filter(pk=application + 1)}

    def as_text(*, application: int) -> dict[str, QuerySet]:
        return {"applications": Application.objects.filter(title=f"Antrag {application}")}

    for build in (ignores, changes, as_text):
        with pytest.raises(ValueError, match="reach"):
            CompiledLists(build, ids=("application",)).read(application=1)
    reader = CompiledLists(
        lambda *, application: {"a": Application.objects.filter(pk=application)}, ids=("application",)
    )
    for wrong in ("1", True, 1.0, None):
        with pytest.raises(TypeError):
            reader.read(application=wrong)
    with pytest.raises(KeyError):
        reader.read()
    assert reader.read(application=1) == {"a": []}


def test_compiled_lists_keep_a_percent_sign_in_a_value(area: Quartier, aktionsfonds: Fund, applicant) -> None:
    application = make_application(aktionsfonds, person=applicant, title="50 % mehr Grün")
    reader = CompiledLists(
        lambda *, application: {
            "found": Application.objects.filter(pk=application, title__contains="50 %"),
            "none": Application.objects.filter(pk=application, title__contains="50 %%"),
        },
        ids=("application",),
    )
    for _ in range(2):
        assert reader.read(application=application.pk) == {"found": [application], "none": []}


def test_compiled_lists_read_values_lists_as_their_tuples_in_the_order_asked(
    area: Quartier, aktionsfonds: Fund, applicant
) -> None:
    make_application(aktionsfonds, person=applicant, costs=("400.00", "12.50"))
    make_application(aktionsfonds, person=applicant, costs=("80.00",))

    def build(*, area: int) -> dict[str, QuerySet]:
        applications = Application.objects.filter(area_id=area).order_by()
        return {
            # an annotation asked before a field, as ``values_list`` names them
            "sums": applications.annotate(year=ExtractYear("created_at"))
            .values("year", "fund_id")
            .annotate(total=Sum("cost_lines__amount"), count=Count("pk", distinct=True))
            .values_list("total", "year", "fund_id", "count")
            .order_by("fund_id"),
            "titles": applications.values_list("title", "pk").order_by("pk"),
        }

    lists = CompiledLists(build, ids=("area",)).read(area=area.pk)
    expected = build(area=area.pk)
    assert lists["sums"] == list(expected["sums"]) and lists["sums"]
    assert lists["sums"][0][0] == Decimal("492.50") and type(lists["sums"][0][0]) is Decimal
    assert lists["titles"] == list(expected["titles"]) and len(lists["titles"]) == 2


def test_compiled_lists_read_the_rows_of_a_list_of_ids_whatever_its_length(
    area: Quartier, other_area: Quartier, aktionsfonds: Fund, applicant
) -> None:
    mine = [make_application(aktionsfonds, person=applicant, title=f"Antrag {n}") for n in range(3)]
    theirs = make_application(FundFactory(area=other_area), person=PersonFactory(area=other_area), title="Fremd")
    built = []

    def build(*, area: int, page: list[int]) -> dict[str, QuerySet]:
        built.append(page)
        return {"applications": Application.objects.filter(area_id=area, pk__any_of=page).order_by("pk")}

    reader = CompiledLists(build, ids=("area",), id_lists=("page",))

    def titles(page: list[int]) -> list[str]:
        return [application.title for application in reader.read(area=area.pk, page=page)["applications"]]

    assert titles([mine[2].pk, mine[0].pk]) == ["Antrag 0", "Antrag 2"]
    assert titles([application.pk for application in mine]) == ["Antrag 0", "Antrag 1", "Antrag 2"]
    assert titles([theirs.pk, mine[1].pk]) == ["Antrag 1"]  # another area's id finds nothing
    assert titles([]) == []
    assert titles([2**70, -(2**70), mine[1].pk]) == ["Antrag 1"]  # beyond bigint: no row, no error
    assert len(built) == 1  # compiled once, for every length
    for forged in ("1", [1.5], ["1"], [True], None):
        with pytest.raises(TypeError):
            reader.read(area=area.pk, page=forged)


def test_any_of_matches_the_values_of_a_list_and_of_an_array_subquery(area: Quartier, aktionsfonds: Fund, applicant):
    first, second = (make_application(aktionsfonds, person=applicant, title=title) for title in ("Eins", "Zwei"))
    assert set(Application.objects.filter(pk__any_of=[first.pk, 0])) == {first}
    assert not Application.objects.filter(pk__any_of=[]).exists()
    same_fund = ArraySubquery(Application.objects.filter(fund=aktionsfonds).values("pk"))
    assert set(Application.objects.filter(pk__any_of=same_fund)) == {first, second}


def _state_of(instance: Model) -> tuple[object, ...]:
    """What tells one instance read from the database from another besides its values."""
    return (
        type(instance),
        instance._state.adding,
        instance._state.db,
        instance.get_deferred_fields(),
        [name for name in instance.__dict__ if name != "_state"],
    )


def test_compiled_lists_build_instances_as_the_orm_does_and_send_init_signals_when_heard(
    area: Quartier, aktionsfonds: Fund, applicant
) -> None:
    """The instances are built without ``Model.__init__`` while nobody listens to its signals: the same values,
    state, deferred fields and related objects as the ORM's; with a receiver they are built by ``from_db``."""
    make_application(aktionsfonds, person=applicant, title="Kiezfest")

    def build(*, area: int) -> dict[str, QuerySet]:
        return {
            "applications": Application.objects.filter(area_id=area)
            .select_related("fund__area", "person", "organisation")
            .only("title", "status", "fund__name", "fund__area__slug", "person__last_name", "organisation__name")
        }

    reader = CompiledLists(build, ids=("area",))
    (read,) = reader.read(area=area.pk)["applications"]
    (want,) = build(area=area.pk)["applications"]
    expected = _state_of(want)
    assert _state_of(read) == expected and expected[3]  # some fields deferred
    assert _state_of(read.fund) == _state_of(want.fund) and _state_of(read.fund.area) == _state_of(want.fund.area)
    assert _state_of(read.person) == _state_of(want.person) and read.organisation is None
    assert read.fund.area.slug == area.slug and read.person.last_name == applicant.last_name
    with CaptureQueriesContext(connection) as queries:
        assert read.fund.name == aktionsfonds.name
    assert queries.captured_queries == []  # read with it, as select_related reads it
    _same([read], [want])  # the deferred fields read when asked, as Django reads them

    heard: list[type] = []

    def receiver(sender: type, **kwargs: object) -> None:
        heard.append(sender)

    post_init.connect(receiver)
    try:
        (again,) = reader.read(area=area.pk)["applications"]
    finally:
        post_init.disconnect(receiver)
    assert heard == [Application, Fund, Quartier, type(applicant)]
    assert _state_of(again) == expected


def test_every_connection_keeps_one_generic_plan_for_its_prepared_statements(db: None) -> None:
    """The compiled page queries are prepared statements with one plan per connection: the connection asks
    PostgreSQL for it (``quartier/settings.py``), else PostgreSQL may plan a statement anew on every run."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)
