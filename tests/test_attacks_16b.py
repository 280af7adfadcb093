"""Attacks on what the second part of issue #16 changed: the page frame, the ISEK's tabs and tables written in
Python, and the ISEK's yearly sums that PostgreSQL's triggers keep (``isek.YearlySum``)."""

from __future__ import annotations

import datetime
import html
import random
import re
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from demo import isek as isek_demo
from demo.actors import seed_actors
from demo.factories import MeasureFactory, QuartierFactory, UserFactory, VersionFactory, user_with_role
from isek.models import Financing, Measure, PlannedCost, Spending, Version, YearlySum
from isek.selectors import overview
from quartier import display, permissions
from quartier.languages import language_choices
from quartier.models import Quartier, Role, User
from quartier.navigation import ENTRIES, area_url, section_of
from quartier.permissions import committee_member_ids
from quartier.selectors import memberships_of_cached
from quartier.services import role_grant
from reporting.figures import gather_section
from tests.conftest import count_queries
from tests.isek.test_pages import PAGE_QUERIES
from tests.isek.test_sums import assert_kept_true, check_foreign_keys, fill, kept

COST, FINANCING, SPENT = YearlySum.Kind.PLANNED_COST, YearlySum.Kind.FINANCING, YearlySum.Kind.SPENT
MOST = Decimal("999999999999.99")  # the largest amount a row holds (max_digits=14)


# --- The yearly sums --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rows_near_the_largest_amount_add_up_beyond_a_rows_digits(area: Quartier) -> None:
    version = VersionFactory(area=area)
    measures = [MeasureFactory(version=version) for _ in range(3)]
    for measure in measures:
        PlannedCost.objects.create(measure=measure, year=2026, amount=MOST)
        Financing.objects.create(measure=measure, year=2026, source="bund", amount=MOST)
    assert_kept_true()
    assert kept()[(version.pk, COST, 2026, "")] == (MOST * 3, 3)
    data = overview(version)
    assert data.costs == {2026: MOST * 3}
    assert data.financing == {(2026, "bund"): MOST * 3}


@pytest.mark.django_db
def test_a_rolled_back_write_and_a_rolled_back_savepoint_leave_the_sums_as_they_were(area: Quartier) -> None:
    version = VersionFactory(area=area)
    measure = MeasureFactory(version=version)
    fill(measure)
    before = kept()
    with pytest.raises(RuntimeError), transaction.atomic():
        Financing.objects.filter(measure=measure, source="bund").update(source="dritte")
        Spending.objects.all().delete()
        raise RuntimeError
    assert kept() == before
    with transaction.atomic():
        PlannedCost.objects.create(measure=measure, year=2030, amount=Decimal("1.00"))
        try:
            with transaction.atomic():
                PlannedCost.objects.create(measure=measure, year=2031, amount=Decimal("2.00"))
                PlannedCost.objects.create(measure=measure, year=2031, amount=Decimal("-2.00"))  # refused
        except IntegrityError:
            pass
    assert_kept_true()
    assert (version.pk, COST, 2031, "") not in kept()
    assert kept()[(version.pk, COST, 2030, "")] == (Decimal("1.00"), 1)


@pytest.mark.django_db
def test_negative_amounts_are_refused_and_leave_no_sum(area: Quartier) -> None:
    measure = MeasureFactory(version=VersionFactory(area=area))
    for model, extra in (
        (PlannedCost, {"year": 2026}),
        (Financing, {"year": 2026, "source": "bund"}),
        (Spending, {"date": datetime.date(2026, 1, 2), "source": "bund"}),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.create(measure=measure, amount=Decimal("-0.01"), **extra)
    assert kept() == {}


@pytest.mark.django_db
def test_cents_over_many_rows_add_up_exactly(area: Quartier) -> None:
    version = VersionFactory(area=area)
    measure = MeasureFactory(version=version)
    Spending.objects.bulk_create(
        [Spending(measure=measure, date=datetime.date(2025, 1 + i % 12, 1), amount=Decimal("0.01") * (i % 7 + 1),
                  source="land") for i in range(3001)]
    )  # fmt: skip
    assert_kept_true()
    expected = sum((Decimal("0.01") * (i % 7 + 1) for i in range(3001)), Decimal(0))
    assert overview(version).spent == {(2025, "land"): expected}


@pytest.mark.django_db
def test_deleting_an_area_with_its_versions_leaves_no_sum_and_keeps_the_other_areas(
    area: Quartier, other_area: Quartier
) -> None:
    for where in (area, other_area):
        for _ in range(2):
            fill(MeasureFactory(version=VersionFactory(area=where)))
    kept_elsewhere = {key: value for key, value in kept().items() if key[0] in other_area_versions(other_area)}
    area.delete()
    check_foreign_keys()
    assert_kept_true()
    assert kept() == kept_elsewhere and kept_elsewhere


def other_area_versions(area: Quartier) -> set[int]:
    return set(Version.objects.filter(area=area).values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_spending_moved_to_another_year_and_a_financing_to_another_source_move_their_sums(area: Quartier) -> None:
    version = VersionFactory(area=area)
    measure = MeasureFactory(version=version)
    fill(measure)
    spending = Spending.objects.filter(measure=measure, date__year=2025, source="bund").get()
    spending.date = datetime.date(2027, 12, 31)
    spending.save()
    financing = Financing.objects.get(measure=measure, year=2026, source="privat")
    financing.source = "dritte"
    financing.save()
    assert_kept_true()
    assert (version.pk, SPENT, 2025, "bund") not in kept()
    assert kept()[(version.pk, SPENT, 2027, "bund")] == (Decimal("120.00"), 1)
    assert (version.pk, FINANCING, 2026, "privat") not in kept()


@pytest.mark.django_db(transaction=True)
def test_two_transactions_moving_and_deleting_rows_of_one_sum_keep_it_true(area: Quartier) -> None:
    version = VersionFactory(area=area)
    measures = [MeasureFactory(version=version) for _ in range(2)]
    for measure in measures:
        fill(measure)
    errors: list[BaseException] = []
    started = threading.Barrier(2)

    def move(measure_pk: int) -> None:
        try:
            started.wait(5)
            with transaction.atomic():
                Spending.objects.filter(measure_id=measure_pk, source="land").update(source="bund")
                PlannedCost.objects.filter(measure_id=measure_pk, year=2025).delete()
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(measure.pk,)) for measure in measures]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_kept_true()
    assert (version.pk, SPENT, 2025, "land") not in kept()
    assert (version.pk, COST, 2025, "") not in kept()


def test_a_restored_backup_has_the_sums_of_its_rows_counted_once(
    transactional_db: None, area: Quartier, tmp_path: Path
) -> None:
    version = VersionFactory(area=area)
    measure = MeasureFactory(version=version)
    fill(measure)
    at_backup = kept()
    target = tmp_path / "sicherung.tar"
    call_command("backup", output=str(target))
    # Afterwards: rows added, changed and deleted, and the sums with them.
    Spending.objects.all().delete()
    PlannedCost.objects.create(measure=MeasureFactory(version=version), year=2040, amount=Decimal("5.00"))
    call_command("restore", str(target), yes=True)
    assert kept() == at_backup
    assert_kept_true()
    # The restored triggers are back at work.
    PlannedCost.objects.create(measure=measure, year=2041, amount=Decimal("7.00"))
    assert_kept_true()
    assert kept()[(version.pk, COST, 2041, "")] == (Decimal("7.00"), 1)


# --- The frame, as the templates wrote it before ---------------------------------------------------------------

# templates/base.html's header, area_switcher.html, language_switch.html and area_nav.html as they were before the
# frame was written in Python (7feb40b): the reference each page's frame must equal, whoever looks at it.
OLD_HEADER = """{% load i18n %}<div class="site-header__inner">
      <a class="brand" href="{% url 'home' %}">Quartier</a>
      {% if user.is_authenticated %}
        {% if my_areas|length > 1 %}
<form class="area-switcher" method="get" action="{% url 'area_switch' %}">
  <label for="area-switcher-select">{% translate "Area" %}</label>
  <select id="area-switcher-select" name="area">
    {% if not current_area %}<option value="" selected disabled>{% translate "Choose an area" %}</option>{% endif %}
    {% for membership in my_areas %}
      <option value="{{ membership.area.slug }}"{% if current_area and membership.area.pk == current_area.pk %} selected{% endif %}>{{ membership.area.name }}</option>
    {% endfor %}
  </select>
  <button type="submit">{% translate "Switch" %}</button>
</form>
{% elif current_area %}
<p class="area-name">{{ current_area.name }}</p>
{% endif %}
        <nav class="user-nav" aria-label="{% translate 'Account' %}">
          <span class="user-nav__name">{{ user.get_display_name }}</span>
          {% if is_committee_member %}<a href="{% url 'my_ballots' %}">{% translate "My ballots" %}</a>{% endif %}
          <a href="{% url 'mail_choices' %}">{% translate "Mails" %}</a>
          <a href="{% url 'two_factor_setup' %}">{% translate "Security" %}</a>
          {% if user.is_staff %}<a href="{% url 'admin:index' %}">{% translate "Administration" %}</a>{% endif %}
          <form method="post" action="{% url 'logout' %}">
            {% csrf_token %}
            <button type="submit" class="link-button">{% translate "Log out" %}</button>
          </form>
        </nav>
      {% endif %}
<form class="language-switch" method="post" action="{% url 'set_language' %}" aria-label="{% translate 'Language' %}">
  {% csrf_token %}
  <input type="hidden" name="next" value="{{ request.get_full_path }}">
  <ul class="language-switch__list">
    {% for choice in language_choices %}
    <li><button type="submit" class="link-button language-switch__choice" name="language" value="{{ choice.code }}" lang="{{ choice.code }}"{% if choice.current %} aria-current="true"{% endif %}>{{ choice.name }}</button></li>
    {% endfor %}
  </ul>
</form>
    </div>
    {% if area_page %}<nav class="area-nav" aria-label="{% translate 'Area' %}">
  <ul>
    {% for link in area_links %}<li><a href="{{ link.url }}"{% if link.current %} aria-current="page"{% endif %}>{{ link.label }}</a></li>
    {% endfor %}
  </ul>
</nav>{% endif %}
  </header>"""  # noqa: E501


def _normalized(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', html)
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def old_frame(response: HttpResponse) -> str:
    """The header the templates of before wrote for the request of ``response``."""
    request = response.wsgi_request
    user = request.user
    area = getattr(request, "area", None)
    match = request.resolver_match
    section = section_of(match.url_name if match else None)
    with translation.override(response.headers.get("Content-Language", "de")):
        context = {
            "my_areas": memberships_of_cached(user) if user.is_authenticated else [],
            "current_area": area,
            # area_base.html included area_nav.html; base.html alone (the error pages) did not.
            "area_page": any(template.name == "area_base.html" for template in response.templates),
            "is_committee_member": user.is_authenticated and bool(committee_member_ids(user)),
            "language_choices": language_choices(request),
            "area_links": [
                {"url": area_url(name, area.slug), "label": str(label), "current": key == section}
                for key, name, label, needed in ENTRIES
                if needed is None or needed in request.area_perms
            ]
            if area is not None
            else [],
        }
        return Template(OLD_HEADER).render(RequestContext(request, context))


def new_frame(response: HttpResponse) -> str:
    html = response.content.decode()
    return html[html.index('<div class="site-header__inner">') : html.index("</header>") + len("</header>")]


def assert_frame_as_before(response: HttpResponse, status: int = 200) -> str:
    assert response.status_code == status
    new = new_frame(response)
    assert _normalized(new) == _normalized(old_frame(response))
    return new


HOSTILE = "<script>alert(1)</script> & \"Q\" 'x' {0} {name} %(x)s %s \u202eevil\u202c"


@pytest.fixture
def two_areas(area: Quartier) -> tuple[Quartier, Quartier]:
    second = QuartierFactory(slug="zweites", name=HOSTILE)
    return area, second


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_each_roles_frame_on_each_area_page_is_the_frame_of_before(
    client: Client, two_areas: tuple[Quartier, Quartier], role: Role
) -> None:
    first, second = two_areas
    user = user_with_role(first, role, display_name=HOSTILE)
    client.force_login(user)
    pages = [name for _key, name, _label, _needed in ENTRIES]
    for name in pages:
        response = client.get(area_url(name, first.slug))
        if response.status_code == 403:
            continue
        frame = assert_frame_as_before(response)
        assert "<script>" not in frame and '<p class="area-name">Kiez am Kanal</p>' in frame
    role_grant(user=user, area=second, role=Role.PLANUNG, by=None)  # a second area: the switcher
    for slug in (first.slug, second.slug):
        frame = assert_frame_as_before(client.get(area_url("dashboard", slug)))
        assert re.findall(r'<option value="([^"]*)" selected>', frame) == [slug]
    frame = assert_frame_as_before(client.get(reverse("mail_choices")))
    assert '<option value="" selected disabled>' in frame and "area-nav" not in frame


@pytest.mark.django_db
def test_the_frame_of_a_juror_a_staff_member_without_area_and_a_superuser_is_as_before(
    client: Client, area: Quartier, jurors: list, superuser: User
) -> None:
    juror = jurors[0].user
    juror.display_name = HOSTILE
    juror.save()
    client.force_login(juror)
    frame = assert_frame_as_before(client.get(reverse("my_ballots")))
    assert reverse("my_ballots") in frame and "area-switcher" not in frame and "area-name" not in frame
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    frame = assert_frame_as_before(client.get(reverse("mail_choices")))
    assert reverse("admin:index") in frame and reverse("my_ballots") not in frame
    client.force_login(superuser)
    response = client.get(area_url("dashboard", area.slug))
    frame = assert_frame_as_before(response)
    assert "area-nav" in frame  # a superuser reaches every entry


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "de"])
def test_the_frame_in_the_office_languages_is_as_before(client: Client, area: Quartier, language: str) -> None:
    client.force_login(user_with_role(area, Role.STEUERUNG))
    client.cookies["quartier_language"] = language
    for name in ("dashboard", "measure_list", "isek_financing", "report_list"):
        response = client.get(area_url(name, area.slug))
        assert response.headers["Content-Language"] == language
        assert_frame_as_before(response)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["tr", "ar"])
def test_public_pages_in_the_residents_languages_have_the_frame_of_before(
    client: Client, area: Quartier, language: str
) -> None:
    client.cookies["quartier_language"] = language
    for url in (
        reverse("public_area", args=[area.slug]),
        reverse("imprint"),
        reverse("area_imprint", args=[area.slug]),
    ):
        response = client.get(url)
        assert response.headers["Content-Language"] == language
        frame = assert_frame_as_before(response)
        assert f'value="{language}" lang="{language}" aria-current="true"' in frame
    # The login is the office's: in German, its switch without the residents' languages, as before.
    frame = assert_frame_as_before(client.get(reverse("login")))
    assert f'value="{language}"' not in frame


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["?q=\"><script>alert(1)</script>&x='&amp;", "?next=%22%3E%3Cscript%3E&q=%E2%80%AEgr%C3%BC%C3%9F{0}%(x)s"],
)
def test_the_language_switchs_next_keeps_a_hostile_query_escaped(client: Client, area: Quartier, query: str) -> None:
    client.force_login(user_with_role(area, Role.PLANUNG))
    response = client.get(area_url("measure_list", area.slug) + query)
    frame = assert_frame_as_before(response)
    assert "<script>" not in frame
    next_value = html.unescape(re.search(r'name="next" value="([^"]*)"', frame)[1])
    assert next_value == response.wsgi_request.get_full_path()
    # Posted back, the switch goes to that very page.
    chosen = client.post(reverse("set_language"), {"next": next_value, "language": "en"})
    assert chosen.status_code == 302 and chosen.headers["Location"] == next_value


# --- The ISEK's tabs, as templates/isek/_nav.html wrote them before -----------------------------------------------

OLD_ISEK_NAV = """{% load i18n %}<nav class="sub-nav" aria-label="{% translate 'ISEK' %}">
  <ul>
    <li><a href="{% area_url 'isek_home' area.slug %}{% if version_query %}?{{ version_query }}{% endif %}"{% if active == "goals" %} aria-current="page"{% endif %}>{% translate "Versions and goals" %}</a></li>
    <li><a href="{% area_url 'measure_list' area.slug %}{% if version_query %}?{{ version_query }}{% endif %}"{% if active == "measures" %} aria-current="page"{% endif %}>{% translate "Measures" %}</a></li>
    <li><a href="{% area_url 'isek_timeline' area.slug %}{% if version_query %}?{{ version_query }}{% endif %}"{% if active == "timeline" %} aria-current="page"{% endif %}>{% translate "Timeline" %}</a></li>
    <li><a href="{% area_url 'isek_financing' area.slug %}{% if version_query %}?{{ version_query }}{% endif %}"{% if active == "financing" %} aria-current="page"{% endif %}>{% translate "Financing" %}</a></li>
    <li><a href="{% area_url 'indicator_list' area.slug %}{% if version_query %}?{{ version_query }}{% endif %}"{% if active == "indicators" %} aria-current="page"{% endif %}>{% translate "Indicators" %}</a></li>
    <li><a href="{% area_url 'version_compare' area.slug %}"{% if active == "compare" %} aria-current="page"{% endif %}>{% translate "Comparison" %}</a></li>
  </ul>
</nav>
{% if versions|length > 1 %}
<form class="version-picker" method="get">
  <label for="version">{% translate "Version" %}</label>
  <select name="version" id="version">
    {% for v in version_options %}<option value="{{ v.pk }}"{% if v.selected %} selected{% endif %}>{{ v.label }} ({{ v.status }})</option>{% endfor %}
  </select>
  <button type="submit" class="button button--small">{% translate "Show" %}</button>
</form>
{% endif %}
{% if version %}<p class="version-state">{% if version.status == "beschlossen" %}<span class="tag">{% translate "Adopted" %}</span> {% blocktranslate with on=version.adopted_on|date:"j. F Y" body=version.adopted_by %}adopted on {{ on }} by {{ body }}; read only{% endblocktranslate %}{% else %}<span class="tag tag--warning">{% translate "Draft" %}</span> {% translate "Changes are saved into this draft." %}{% endif %}</p>{% endif %}"""  # noqa: E501

#: The ISEK's pages: URL name, the tab they mark, whether they show the picker and the version's state.
ISEK_PAGES = (
    ("isek_home", "goals", True),
    ("measure_list", "measures", True),
    ("isek_timeline", "timeline", True),
    ("isek_financing", "financing", True),
    ("indicator_list", "indicators", True),
    ("version_compare", "compare", False),
)


def old_isek_nav(response: HttpResponse, active: str, *, plain: bool) -> str:
    context = {
        key: response.context.get(key) for key in ("area", "version_query", "versions", "version_options", "version")
    }
    if plain:
        context.update(versions=None, version=None)
    with translation.override(response.headers["Content-Language"]):
        return Template(OLD_ISEK_NAV).render(RequestContext(response.wsgi_request, {**context, "active": active}))


@pytest.fixture
def hostile_versions(area: Quartier, other_area: Quartier) -> dict[str, Version]:
    adopted = VersionFactory(
        area=area, label=HOSTILE, status=Version.Status.ADOPTED, adopted_on=datetime.date(2025, 3, 4),
        adopted_by="Rat <b>& \"Bezirk\"</b> %(on)s {body} %s",
    )  # fmt: skip
    draft = VersionFactory(area=area, label="Fortschreibung {0} %(x)s <i>")
    foreign = VersionFactory(area=other_area, label="Fremde Fassung")
    for version, amount in ((adopted, "111.11"), (draft, "222.22"), (foreign, "987654.32")):
        measure = MeasureFactory(version=version, title=f"Maßnahme {HOSTILE}")
        PlannedCost.objects.create(measure=measure, year=2026, amount=Decimal(amount))
        Financing.objects.create(measure=measure, year=2026, source="bund", amount=Decimal(amount))
    return {"adopted": adopted, "draft": draft, "foreign": foreign}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en"])
def test_the_isek_tabs_picker_and_state_are_those_of_before_escaped(
    client: Client, area: Quartier, hostile_versions: dict[str, Version], language: str
) -> None:
    client.force_login(user_with_role(area, Role.PLANUNG))
    client.cookies["quartier_language"] = language
    for chosen in ("adopted", "draft"):
        for name, active, full in ISEK_PAGES:
            response = client.get(area_url(name, area.slug), {"version": hostile_versions[chosen].pk})
            assert response.status_code == 200
            page = _normalized(response.content.decode())
            assert _normalized(old_isek_nav(response, active, plain=not full)) in page, (name, chosen)
            assert "<script>" not in page and "<b>" not in page and "<i>" not in page
        measure = Measure.objects.get(version=hostile_versions[chosen])
        response = client.get(area_url("measure_page", area.slug, measure.pk))
        assert _normalized(old_isek_nav(response, "measures", plain=True)) in _normalized(response.content.decode())
    response = client.get(area_url("isek_home", area.slug), {"version": hostile_versions["adopted"].pk})
    assert "Rat &lt;b&gt;&amp; &quot;Bezirk&quot;&lt;/b&gt; %(on)s {body} %s; " in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name, _active, _full in ISEK_PAGES] + ["measure_new"])
def test_a_forged_version_of_another_area_shows_neither_it_nor_its_sums(
    client: Client, area: Quartier, hostile_versions: dict[str, Version], name: str
) -> None:
    client.force_login(user_with_role(area, Role.PLANUNG))
    foreign = hostile_versions["foreign"]
    for forged in (str(foreign.pk), f" {foreign.pk}", f"{foreign.pk}.0", "-1", "9" * 30, "1e3", "<script>"):
        response = client.get(area_url(name, area.slug), {"version": forged})
        assert response.status_code in (200, 400, 404), forged
        page = response.content.decode()
        assert "Fremde Fassung" not in page and "987" not in page, (name, forged)
        assert "<script>" not in page
        if response.status_code == 200 and "version" in response.context:
            assert response.context["version"].area_id == area.pk


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*list(Role), "outsider", "anonymous"])
def test_each_role_an_outsider_and_anonymous_reach_the_isek_pages_as_their_permissions_say(
    client: Client, area: Quartier, outsider: User, hostile_versions: dict[str, Version], role: str
) -> None:
    if role == "outsider":
        client.force_login(outsider)
    elif role != "anonymous":
        client.force_login(user_with_role(area, role))
    for name, _active, _full in ISEK_PAGES:
        response = client.get(area_url(name, area.slug))
        if role == "anonymous":
            assert response.status_code == 302 and reverse("login") in response.headers["Location"]
            continue
        if role == "outsider":
            assert response.status_code in (403, 404)
            assert "Maßnahme" not in response.content.decode()
            continue
        perms = response.wsgi_request.area_perms
        assert response.status_code == (200 if permissions.VIEW_ISEK in perms else 403)
        if response.status_code == 200:
            frame = assert_frame_as_before(response)
            shown = re.findall(r'<nav class="area-nav".*?</nav>', frame, re.S)[0]
            for _key, entry, _label, needed in ENTRIES:
                assert (area_url(entry, area.slug) + '"' in shown) == (needed is None or needed in perms)


@pytest.mark.django_db
def test_htmx_requests_of_the_measures_get_the_results_only_with_headers_escaped(
    client: Client, area: Quartier, hostile_versions: dict[str, Version]
) -> None:
    client.force_login(user_with_role(area, Role.PLANUNG))
    url = area_url("measure_list", area.slug)
    query = {
        "version": hostile_versions["draft"].pk,
        "sort": "-kosten",
        "q": "Maßnahme",
        "z": '"><script>alert(1)</script>&{0}%(x)s',
    }
    whole = client.get(url, query).content.decode()
    assert "<script>alert" not in whole and 'class="sub-nav"' in whole and 'class="site-header"' in whole
    assert 'aria-sort="descending" class="num"><a href="?version=' in whole
    href = re.search(r'aria-sort="descending" class="num"><a href="([^"]*)"', whole)[1]
    assert "&amp;z=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E%26%7B0%7D%25%28x%29s" in href
    assert "sort=kosten" in href  # a second click reverses
    partial = client.get(url, query, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "Vary" in partial.headers and "HX-Request" in partial.headers["Vary"]
    assert "<html" not in body and 'class="site-header"' not in body and 'class="sub-nav"' not in body
    assert 'id="results"' in body or "<table" in body
    assert "<script>alert" not in body


# --- Query counts with more years and sources -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_financing_page_and_the_annual_reports_isek_read_in_constant_queries_over_more_years_and_sources(
    client: Client, area: Quartier, isek: Version, role_users: dict[str, User], assert_constant_queries
) -> None:
    client.force_login(role_users["steuerung"])
    measure = isek.measures.first()

    def grow() -> None:
        # New years and every source: more sums, not only larger ones.
        PlannedCost.objects.bulk_create(
            [PlannedCost(measure=measure, year=year, amount=Decimal("10.01")) for year in range(2030, 2040)]
        )
        Financing.objects.bulk_create(
            [Financing(measure=measure, year=year, source=source, amount=Decimal("1.01"))
             for year in range(2030, 2040) for source in ("bund", "land", "kommune", "programm", "dritte", "privat")]
        )  # fmt: skip
        Spending.objects.bulk_create(
            [Spending(measure=measure, date=datetime.date(year, 2, 2), amount=Decimal("0.99"), source="dritte")
             for year in range(2018, 2025)]
        )  # fmt: skip

    target = area_url("isek_financing", area.slug)
    assert assert_constant_queries(lambda: client.get(target), grow) == PAGE_QUERIES["isek_financing"]
    assert_kept_true()
    page = client.get(target).content.decode()
    assert "2039" in page and "2018" in page
    before = count_queries(lambda: gather_section("isek", area, 2026))
    PlannedCost.objects.bulk_create(
        [PlannedCost(measure=measure, year=year, amount=Decimal("1.00")) for year in range(2041, 2050)]
    )
    assert count_queries(lambda: gather_section("isek", area, 2026)) == before


@pytest.mark.django_db
def test_the_frame_of_the_error_pages_is_as_before(client: Client, area: Quartier, other_area: Quartier) -> None:
    user = user_with_role(area, Role.GEMEINWESENARBEIT, display_name=HOSTILE)
    role_grant(user=user, area=QuartierFactory(slug="drittes", name=HOSTILE), role=Role.PLANUNG, by=None)
    client.force_login(user)
    with override_settings(DEBUG=False):
        assert_frame_as_before(client.get(area_url("measure_page", area.slug, 10**9)), 404)
        assert_frame_as_before(client.get("/gibt-es-nicht/%22%3E%3Cscript%3E"), 404)
        assert_frame_as_before(client.get(area_url("dashboard", other_area.slug)), 404)  # not told it exists
        frame = assert_frame_as_before(client.get(area_url("area_history", area.slug)), 403)
    assert "<script>" not in frame


@pytest.mark.parametrize(
    "value",
    [
        "",
        "plain",
        "a<b>&'\"",
        "&amp;",
        SafeString("<b>safe</b>"),
        0,
        -12,
        10**30,
        True,
        None,
        Decimal("-1.50"),
        gettext_lazy("<lazy & text>"),
        type("Sub", (str,), {})("<sub>"),
        Role.PLANUNG,
        Measure.Kind.SOCIAL,
        datetime.date(2026, 1, 2),
        "\u202egr\u00fc\u00df{0}%(x)s",
    ],
)
def test_the_fast_paths_of_escaped_write_what_the_template_filters_escape_did(value: object) -> None:
    assert display.escaped(value) == ("" if value is None else str(conditional_escape(value)))


@pytest.mark.django_db
def test_rows_written_before_their_measure_in_one_transaction_are_summed(area: Quartier) -> None:
    # Django's foreign keys are checked at the commit: a row may come before its measure (loaddata of a fixture in
    # any order, raw SQL, a measure deleted and written back).
    version = VersionFactory(area=area)
    template = MeasureFactory(version=version)
    fill(template)
    later = Measure.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    with transaction.atomic():
        PlannedCost.objects.create(measure_id=later, year=2026, amount=Decimal("5.05"))
        Financing.objects.create(measure_id=later, year=2026, source="kommune", amount=Decimal("4.04"))
        Spending.objects.bulk_create(
            [Spending(measure_id=later, date=datetime.date(2026, 5, 5), amount=Decimal("3.03"), source="kommune")] * 2
        )
        Spending.objects.filter(measure=template, date__year=2025).update(measure_id=later)
        measure = Measure.objects.get(pk=template.pk)
        measure.pk, measure.number = later, "M-später"
        measure.save(force_insert=True)
        check_foreign_keys()
    assert_kept_true()
    assert kept()[(version.pk, SPENT, 2026, "kommune")] == (Decimal("6.06"), 2)
    # Deleted and written back in one transaction, a measure's rows count once.
    with transaction.atomic():
        Measure.objects.filter(pk=later).delete()  # its rows go first, Django's order
    assert_kept_true()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM isek_measure WHERE id = %s", [template.pk])
        columns = [connection.ops.quote_name(column.name) for column in cursor.description]
        values = cursor.fetchone()
        cursor.execute("DELETE FROM isek_measure WHERE id = %s", [template.pk])  # its rows stay, checked at commit
        cursor.execute(
            f"INSERT INTO isek_measure ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",  # noqa: S608  # the table's own columns
            values,
        )
    assert_kept_true()


@pytest.mark.django_db
def test_the_large_demo_seeders_isek_leaves_the_sums_of_its_rows(
    area: Quartier, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The large seeder writes a chain of versions, their measures and rows with bulk_create (the small one writes
    # through the services, tested above).
    monkeypatch.setitem(isek_demo.SIZES, "large", isek_demo.Sizes(versions=3, measures=30, indicators=3))
    staff = [user_with_role(area, Role.GEMEINWESENARBEIT)]
    seed_actors(area=area, scale="small", staff=staff, rng=random.Random(7))  # noqa: S311  # demo data
    isek_demo.seed_isek(area=area, scale="large", rng=random.Random(7))  # noqa: S311  # demo data
    assert PlannedCost.objects.exists() and Spending.objects.exists()
    assert_kept_true()


@pytest.mark.django_db(transaction=True)
def test_a_sums_last_row_deleted_while_another_transaction_adds_to_it_leaves_the_added_one(area: Quartier) -> None:
    version = VersionFactory(area=area)
    first, second = MeasureFactory(version=version), MeasureFactory(version=version)
    PlannedCost.objects.create(measure=first, year=2026, amount=Decimal("10.00"))
    deleted = threading.Event()
    errors: list[BaseException] = []

    def delete_last() -> None:
        try:
            with transaction.atomic():
                PlannedCost.objects.filter(measure=first).delete()  # the sum's rows reach 0: the sum goes
                deleted.set()
                threading.Event().wait(0.3)  # the other transaction now waits on this sum
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    def add() -> None:
        try:
            deleted.wait(5)
            with transaction.atomic():
                PlannedCost.objects.create(measure=second, year=2026, amount=Decimal("2.50"))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=delete_last), threading.Thread(target=add)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert kept() == {(version.pk, COST, 2026, ""): (Decimal("2.50"), 1)}
