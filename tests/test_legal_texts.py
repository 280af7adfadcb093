"""The legal texts (Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit): per installation and per area,
shown on their pages and linked from every public page and mail; the area's office writes its own, and every
refused case says why in German and saves nothing."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.template.loader import render_to_string
from django.test import Client

from demo.factories import user_with_role
from quartier.models import LegalText, Quartier, Role, User

PLACEHOLDER = "Der Betreiber dieser Seiten hat diesen Text noch nicht ausgefüllt."
IMPRINT = "Stadtteilbüro Kiez am Kanal\nUferstraße 12\n\nVerantwortlich: Bezirksamt Mitte"


def installation_text(kind: str, text: str, **fields: object) -> LegalText:
    return LegalText.objects.create(area=None, kind=kind, text=text, **fields)


def own_text(area: Quartier, kind: str, text: str, **fields: object) -> LegalText:
    return LegalText.objects.create(area=area, kind=kind, text=text, **fields)


@pytest.fixture
def gwa(client: Client, role_users: dict[str, User]) -> Client:
    client.force_login(role_users["gwa"])
    return client


# --- the pages -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["impressum", "datenschutz", "barrierefreiheit"])
def test_a_text_nobody_has_written_says_so(client: Client, area: Quartier, path: str) -> None:
    for url in (f"/{path}/", f"/oeffentlich/{area.slug}/{path}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert PLACEHOLDER in response.content.decode()


def test_an_areas_own_text_replaces_the_installations_and_other_areas_keep_it(
    client: Client, area: Quartier, other_area: Quartier
) -> None:
    installation_text("impressum", "Betrieben von der Stadt Beispielstadt")
    own_text(area, "impressum", IMPRINT + "\n<script>alert(1)</script>")

    own = client.get(f"/oeffentlich/{area.slug}/impressum/").content.decode()
    assert "<p>Stadtteilbüro Kiez am Kanal<br>Uferstraße 12</p>" in own  # paragraphs and line breaks
    assert "&lt;script&gt;" in own and "<script>alert" not in own  # no HTML from the editor
    assert "Betrieben von der Stadt Beispielstadt" not in own
    other = client.get(f"/oeffentlich/{other_area.slug}/impressum/").content.decode()
    assert "Betrieben von der Stadt Beispielstadt" in other
    installation = client.get("/impressum/").content.decode()
    assert "Betrieben von der Stadt Beispielstadt" in installation and "Uferstraße 12" not in installation


def test_the_accessibility_statement_shows_where_to_report_a_barrier(client: Client, area: Quartier) -> None:
    installation_text(
        "barrierefreiheit", "Diese Seiten sind teilweise barrierefrei.", feedback_email="a11y@example.org"
    )
    html = client.get(f"/oeffentlich/{area.slug}/barrierefreiheit/").content.decode()
    assert "Barriere melden" in html and 'href="mailto:a11y@example.org"' in html


def test_every_public_page_links_the_legal_texts_of_its_area(client: Client, area: Quartier) -> None:
    for url in (
        f"/oeffentlich/{area.slug}/",
        f"/oeffentlich/{area.slug}/fonds/",
        f"/oeffentlich/{area.slug}/gremien/",
        f"/oeffentlich/{area.slug}/datenschutz/",
    ):
        html = client.get(url).content.decode()
        for path in ("impressum", "datenschutz", "barrierefreiheit"):
            assert f'href="/oeffentlich/{area.slug}/{path}/"' in html, (url, path)
    for url in ("/", "/konto/anmelden/", "/impressum/", "/gibt-es-nicht/"):
        html = client.get(url).content.decode()
        for path in ("impressum", "datenschutz", "barrierefreiheit"):
            assert f'href="/{path}/"' in html, (url, path)


def test_an_unknown_area_has_no_legal_page(client: Client, db: None) -> None:
    assert client.get("/oeffentlich/gibt-es-nicht/impressum/").status_code == 404


@pytest.mark.parametrize("url", ["/impressum/", "/oeffentlich/kiez-am-kanal/datenschutz/"])
def test_a_legal_page_query_count_does_not_grow(
    client: Client, area: Quartier, url: str, assert_constant_queries: object
) -> None:
    def grow() -> None:
        for kind in ("impressum", "datenschutz"):
            installation_text(kind, "Text der Installation")
            own_text(area, kind, "Text des Gebiets")
        for number in range(5):
            own_text(Quartier.objects.create(slug=f"gebiet-{number}", name=f"G{number}", municipality="B",
                                             funding_start=2020), "impressum", "anderes")  # fmt: skip

    count = assert_constant_queries(lambda: client.get(url), grow)  # type: ignore[operator]
    assert count <= 10, count


def test_the_mail_snippet_gives_absolute_links(area: Quartier, settings: object) -> None:
    settings.SITE_URL = "https://quartier.example.org/"  # type: ignore[attr-defined]
    text = render_to_string("includes/legal_links.txt", {"area": area})
    assert text.splitlines() == [
        f"Impressum: https://quartier.example.org/oeffentlich/{area.slug}/impressum/",
        f"Datenschutzerklärung: https://quartier.example.org/oeffentlich/{area.slug}/datenschutz/",
        f"Erklärung zur Barrierefreiheit: https://quartier.example.org/oeffentlich/{area.slug}/barrierefreiheit/",
    ]
    assert render_to_string("includes/legal_links.txt", {}).splitlines()[0] == (
        "Impressum: https://quartier.example.org/impressum/"
    )


# --- the office writes the area's own texts --------------------------------------------------------------------------


def test_the_office_writes_changes_and_removes_its_own_text(gwa: Client, area: Quartier, role_users: dict) -> None:
    installation_text("impressum", "Betrieben von der Stadt Beispielstadt")
    profile = gwa.get(f"/gebiet/{area.slug}/profil/").content.decode()
    assert "Text der ganzen Installation" in profile and "noch nicht ausgefüllt" in profile
    form = gwa.get(f"/gebiet/{area.slug}/profil/rechtliches/neu/?kind=impressum").content.decode()
    assert "Betrieben von der Stadt Beispielstadt" in form  # starts from the installation's text

    response = gwa.post(f"/gebiet/{area.slug}/profil/rechtliches/neu/", {"kind": "impressum", "text": IMPRINT})
    assert response.status_code == 302 and response["Location"] == f"/gebiet/{area.slug}/profil/"
    legal_text = LegalText.objects.get(area=area, kind="impressum")
    assert legal_text.text == IMPRINT
    entry = LogEntry.objects.get_for_object(legal_text).get()
    assert entry.actor == role_users["gwa"] and entry.additional_data == {"quartier_id": area.pk}
    assert "Verantwortlich: Bezirksamt Mitte" in gwa.get(f"/oeffentlich/{area.slug}/impressum/").content.decode()

    url = f"/gebiet/{area.slug}/profil/rechtliches/{legal_text.pk}/"
    assert gwa.post(url, {"text": "Neuer Text"}).status_code == 302
    legal_text.refresh_from_db()
    assert legal_text.text == "Neuer Text"
    assert gwa.post(url, {"action": "delete"}).status_code == 302
    assert not LegalText.objects.filter(area=area).exists()
    assert "Betrieben von der Stadt" in gwa.get(f"/oeffentlich/{area.slug}/impressum/").content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "impressum", "text": "x" * 30_001}, "text", "höchstens 30000 Zeichen"),
        ({"kind": "impressum", "text": "   "}, "text", "Dieses Feld ist zwingend erforderlich."),
        ({"kind": "barrierefreiheit", "text": "Teilweise barrierefrei."}, "feedback_email", "BITV 2.0 § 7"),
        (
            {"kind": "barrierefreiheit", "text": "Teilweise.", "feedback_email": "kein-at"},
            "feedback_email",
            "gültige E-Mail-Adresse",
        ),
        ({"kind": "erfunden", "text": "Text"}, "kind", "keine gültige Auswahl"),
    ],
)
def test_a_refused_new_text_says_why_and_saves_nothing(
    gwa: Client, area: Quartier, data: dict[str, str], field: str, message: str
) -> None:
    entries = LogEntry.objects.count()
    response = gwa.post(f"/gebiet/{area.slug}/profil/rechtliches/neu/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and f'id="id_{field}_error"' in html
    assert "Bitte korrigieren Sie die markierten Felder." in html
    assert not LegalText.objects.exists()
    assert LogEntry.objects.count() == entries


def test_a_second_text_of_the_same_kind_is_refused(gwa: Client, area: Quartier) -> None:
    own_text(area, "datenschutz", "Erster Text")
    response = gwa.post(f"/gebiet/{area.slug}/profil/rechtliches/neu/", {"kind": "datenschutz", "text": "Zweiter"})
    assert response.status_code == 400
    assert "Diesen Text gibt es hier schon: Bitte ändern Sie den vorhandenen." in response.content.decode()
    assert list(LegalText.objects.values_list("text", flat=True)) == ["Erster Text"]


def test_a_refused_change_keeps_the_text(gwa: Client, area: Quartier) -> None:
    statement = own_text(area, "barrierefreiheit", "Teilweise barrierefrei.", feedback_email="a11y@example.org")
    url = f"/gebiet/{area.slug}/profil/rechtliches/{statement.pk}/"
    for data, message in (
        ({"text": "y" * 30_001, "feedback_email": "a11y@example.org"}, "höchstens 30000 Zeichen"),
        ({"text": "", "feedback_email": "a11y@example.org"}, "Dieses Feld ist zwingend erforderlich."),
        ({"text": "Neu", "feedback_email": ""}, "BITV 2.0 § 7"),
    ):
        response = gwa.post(url, data)
        assert response.status_code == 400 and message in response.content.decode()
    statement.refresh_from_db()
    assert (statement.text, statement.feedback_email) == ("Teilweise barrierefrei.", "a11y@example.org")


def test_another_areas_text_or_the_installations_is_not_found_by_a_forged_id(
    gwa: Client, area: Quartier, other_area: Quartier
) -> None:
    foreign = own_text(other_area, "impressum", "Impressum der Nordstadt")
    installation = installation_text("impressum", "Impressum der Installation")
    for target in (foreign, installation):
        url = f"/gebiet/{area.slug}/profil/rechtliches/{target.pk}/"
        assert gwa.get(url).status_code == 404
        assert gwa.post(url, {"text": "Übernommen"}).status_code == 404
        assert gwa.post(url, {"action": "delete"}).status_code == 404
        target.refresh_from_db()
        assert target.text.startswith("Impressum der")
    assert gwa.post(f"/gebiet/{area.slug}/profil/rechtliches/99999999999999999999/", {"text": "x"}).status_code == 404


@pytest.mark.parametrize("role", [Role.PLANUNG, Role.KOORDINATION])
def test_a_role_without_change_area_may_not_write_them(client: Client, area: Quartier, role: Role) -> None:
    statement = own_text(area, "impressum", "Original")
    client.force_login(user_with_role(area, role))
    assert (
        client.post(f"/gebiet/{area.slug}/profil/rechtliches/neu/", {"kind": "datenschutz", "text": "x"}).status_code
        == 403
    )
    url = f"/gebiet/{area.slug}/profil/rechtliches/{statement.pk}/"
    assert client.post(url, {"text": "Übernommen"}).status_code == 403
    assert client.post(url, {"action": "delete"}).status_code == 403
    assert list(LegalText.objects.values_list("text", flat=True)) == ["Original"]


def test_an_outsider_does_not_find_the_area(client: Client, area: Quartier, outsider: User) -> None:
    statement = own_text(area, "impressum", "Original")
    client.force_login(outsider)
    assert client.post(f"/gebiet/{area.slug}/profil/rechtliches/{statement.pk}/", {"text": "x"}).status_code == 404
    statement.refresh_from_db()
    assert statement.text == "Original"


@pytest.mark.parametrize("path", ["neu/?kind=impressum", "{pk}/"])
def test_the_edit_pages_query_count_does_not_grow(
    gwa: Client, area: Quartier, path: str, assert_constant_queries: object
) -> None:
    statement = own_text(area, "datenschutz", "Datenschutz")
    url = f"/gebiet/{area.slug}/profil/rechtliches/" + path.format(pk=statement.pk)

    def grow() -> None:
        installation_text("impressum", "Text der Installation")
        own_text(area, "barrierefreiheit", "Text", feedback_email="a@example.org")
        for _ in range(5):
            user_with_role(area, Role.GEMEINWESENARBEIT)

    count = assert_constant_queries(lambda: gwa.get(url), grow)  # type: ignore[operator]
    assert count <= 10, count


# --- the installation's texts in the admin ---------------------------------------------------------------------------


def test_an_administrator_writes_the_installations_texts_once_each(client: Client, superuser: User) -> None:
    client.force_login(superuser)
    data = {"area": "", "kind": "impressum", "text": "Betrieben von der Stadt Beispielstadt", "feedback_email": ""}
    assert client.post("/admin/quartier/legaltext/add/", data).status_code == 302
    response = client.post("/admin/quartier/legaltext/add/", {**data, "text": "Noch eins"})
    assert response.status_code == 200
    assert "Diesen Text gibt es hier schon" in response.content.decode()
    assert list(LegalText.objects.values_list("area", "text")) == [(None, "Betrieben von der Stadt Beispielstadt")]
    refused = client.post("/admin/quartier/legaltext/add/", {**data, "kind": "barrierefreiheit"})
    assert refused.status_code == 200 and "BITV 2.0 § 7" in refused.content.decode()


def test_the_history_of_the_areas_own_text_is_the_areas_and_the_installations_is_nobodys(
    client: Client, area: Quartier, role_users: dict[str, User]
) -> None:
    own = own_text(area, "impressum", "Eigener Text")
    installation = installation_text("impressum", "Text der Installation")
    client.force_login(role_users["steuerung"])
    assert client.get(f"/gebiet/{area.slug}/verlauf/quartier.legaltext/{own.pk}/").status_code == 200
    assert client.get(f"/gebiet/{area.slug}/verlauf/quartier.legaltext/{installation.pk}/").status_code == 404
    assert "Impressum" in client.get(f"/gebiet/{area.slug}/verlauf/").content.decode()
