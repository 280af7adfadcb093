"""Demo data: a fictional area "Kiez am Kanal" and, at large scale, four more.

Idempotent: running it again changes nothing that exists. Each module of the demo
adds the data of its domain through a ``seed_*`` function called from here, in
this order: ``demo.actors``, ``demo.committees``, ``demo.fonds``, ``demo.isek``, ``demo.activation``, ``demo.surveys``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from django.db import transaction

from demo.accounts import demo_user
from demo.activation import seed_activation
from demo.actors import seed_actors
from demo.committees import seed_committees
from demo.factories import QuartierFactory
from demo.fonds import seed_funds
from demo.isek import seed_isek
from demo.surveys import seed_surveys
from quartier.models import FieldOfAction, LegalKind, LegalText, Quartier, Role, RoleAssignment, User
from quartier.services import role_grant


@dataclass(frozen=True)
class DemoArea:
    slug: str
    name: str
    municipality: str
    funding_start: int
    office_address: str
    opening_hours: str
    description: str
    office_email: str = ""
    office_phone: str = ""


MAIN_AREA = DemoArea(
    slug="kiez-am-kanal",
    name="Kiez am Kanal",
    municipality="Stadt Beispielstadt, Bezirk Mitte",
    funding_start=2021,
    office_address="Stadtteilbüro Kiez am Kanal\nUferstraße 12\n12345 Beispielstadt",
    opening_hours="Di 10–13 Uhr\nDo 15–18 Uhr\nund nach Vereinbarung",
    description=(
        "Gründerzeitquartier am Kanal mit Großwohnsiedlung im Norden. "
        "Schwerpunkte: Nachbarschaft, Bildung, grüner öffentlicher Raum."
    ),
    office_email="stadtteilbuero@kiez-am-kanal.example.org",
    office_phone="0123 456 78-0",
)

MORE_AREAS = [
    DemoArea(
        "nordstadt",
        "Nordstadt",
        "Stadt Beispielstadt, Bezirk Nord",
        2019,
        "Nordplatz 3\n12347 Beispielstadt",
        "Mo 14–17 Uhr\nMi 10–12 Uhr",
        "Großwohnsiedlung der 1970er Jahre.",
        "stadtteilbuero@nordstadt.example.org",
        "0123 456 79-0",
    ),
    DemoArea(
        "bahnhofsviertel",
        "Bahnhofsviertel",
        "Stadt Beispielstadt, Bezirk Mitte",
        2020,
        "Gleisweg 8\n12345 Beispielstadt",
        "Di und Do 10–16 Uhr",
        "Dichtes Quartier rund um den Bahnhof.",
        "stadtteilbuero@bahnhofsviertel.example.org",
        "0123 456 80-0",
    ),
    DemoArea(
        "am-schlosspark",
        "Am Schlosspark",
        "Gemeinde Parkdorf",
        2022,
        "Parkallee 1\n12399 Parkdorf",
        "Mi 9–12 Uhr",
        "Kleinstädtisches Quartier mit Schlosspark.",
        "stadtteilbuero@am-schlosspark.example.org",
        "0987 65 43-21",
    ),
    DemoArea(
        "hafen-ost",
        "Hafen Ost",
        "Stadt Beispielstadt, Bezirk Ost",
        2018,
        "Kaiweg 21\n12349 Beispielstadt",
        "Mo–Fr 10–12 Uhr",
        "Ehemaliges Hafen- und Gewerbegebiet im Umbruch.",
        "stadtteilbuero@hafen-ost.example.org",
        "0123 456 81-0",
    ),
]

# username, display name, email, {area slug: [roles]} ("*" = every demo area)
DEMO_USERS: list[tuple[str, str, str, dict[str, list[str]]]] = [
    ("steuerung", "Sabine Steuer", "steuerung@example.org", {"kiez-am-kanal": [Role.STEUERUNG]}),
    ("planung", "Paul Plan", "planung@example.org", {"kiez-am-kanal": [Role.PLANUNG]}),
    ("gwa", "Gül Weber", "gwa@example.org", {"kiez-am-kanal": [Role.GEMEINWESENARBEIT]}),
    ("koordination", "Katrin Koordinat", "koordination@example.org", {"*": [Role.KOORDINATION]}),
    (
        "multi",
        "Mika Vielfach",
        "multi@example.org",
        {"kiez-am-kanal": [Role.PLANUNG], "nordstadt": [Role.GEMEINWESENARBEIT]},
    ),
]


def _area(demo: DemoArea) -> Quartier:
    """The demo area ``demo.slug``, made if it does not exist (an existing one stays as it is, but gets the office's
    email address and phone number where it has none: they came after the first demos were seeded)."""
    area = QuartierFactory(
        slug=demo.slug,
        name=demo.name,
        municipality=demo.municipality,
        funding_start=demo.funding_start,
        office_address=demo.office_address,
        opening_hours=demo.opening_hours,
        description=demo.description,
        office_email=demo.office_email,
        office_phone=demo.office_phone,
    )
    missing = {
        name: value
        for name, value in (("office_email", demo.office_email), ("office_phone", demo.office_phone))
        if not getattr(area, name)
    }
    if missing:
        Quartier.objects.filter(pk=area.pk).update(**missing)
        for name, value in missing.items():
            setattr(area, name, value)
    return area


#: The installation's legal texts of the demo (the operator is as made up as everything else here): paragraphs, and
#: the feedback address of the accessibility statement.
LEGAL_TEXTS: dict[str, tuple[list[str], str]] = {
    LegalKind.IMPRINT: (
        [
            "Angaben nach § 5 DDG",
            "Stadt Beispielstadt\nAmt für Stadtentwicklung, Quartiersmanagement\nRathausplatz 1\n12345 Beispielstadt",
            "Die Stadt Beispielstadt ist eine Körperschaft des öffentlichen Rechts. "
            "Sie wird vertreten durch die Oberbürgermeisterin.",
            "Telefon: 0123 456 0\nE-Mail: quartiersmanagement@beispielstadt.example.org",
            "Verantwortlich für den Inhalt: die Stadtteilbüros der Gebiete, jedes für seine Seiten.",
            "Dies ist eine Vorführung mit erfundenen Daten. Alle Namen, Adressen und Beträge sind ausgedacht.",
        ],
        "",
    ),
    LegalKind.PRIVACY: (
        [
            "Wer ist verantwortlich?\nDie Stadt Beispielstadt, Amt für Stadtentwicklung, Rathausplatz 1, "
            "12345 Beispielstadt. Den Datenschutz erreichen Sie unter datenschutz@beispielstadt.example.org.",
            "Welche Daten verarbeiten wir und warum?\nWenn Sie Geld aus einem Fonds beantragen, speichern wir "
            "Ihren Namen, Ihre Adresse, Ihre E-Mail-Adresse und Ihren Antrag. Wir brauchen diese Angaben, um über "
            "Ihren Antrag zu entscheiden, das Geld auszuzahlen und die Verwendung zu prüfen "
            "(Art. 6 Abs. 1 Buchst. e DSGVO).",
            "Wie lange speichern wir die Daten?\nUnterlagen über öffentliche Fördergelder bewahren wir 10 Jahre "
            "auf (§ 147 Abgabenordnung). Danach löschen wir sie.",
            "Cookies\nDiese Seiten setzen nur die Cookies, die für die Anmeldung und die Sicherheit der Formulare "
            "nötig sind. Wir nutzen keine Werbung und keine Analyse-Dienste.",
            "Ihre Rechte\nSie haben das Recht auf Auskunft, Berichtigung, Löschung und Einschränkung der "
            "Verarbeitung und auf Widerspruch (Art. 15 bis 21 DSGVO). Sie können sich bei der "
            "Datenschutz-Aufsichtsbehörde beschweren.",
        ],
        "",
    ),
    LegalKind.ACCESSIBILITY: (
        [
            "Die Stadt Beispielstadt möchte ihre Internetseiten barrierefrei zugänglich machen. Grundlage ist die "
            "Barrierefreie-Informationstechnik-Verordnung (BITV 2.0).",
            "Wie barrierefrei sind diese Seiten?\nDiese Seiten sind weitgehend mit der BITV 2.0 vereinbar. Wir "
            "prüfen jede Seite automatisch auf Barrieren.",
            "Was ist noch nicht barrierefrei?\nDie Jahresberichte als PDF sind noch nicht vollständig barrierefrei. "
            "Auf Wunsch schicken wir Ihnen die Inhalte in einer anderen Form.",
            "Schlichtungsverfahren\nWenn Sie mit unserer Antwort nicht zufrieden sind, können Sie sich an die "
            "Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz wenden.",
        ],
        "barrierefreiheit@beispielstadt.example.org",
    ),
}


def _legal_texts() -> None:
    """The installation's Impressum, Datenschutzerklärung and Erklärung zur Barrierefreiheit, where none is written
    (a text the operator changed stays as it is)."""
    for kind, (text, feedback_email) in LEGAL_TEXTS.items():
        LegalText.objects.get_or_create(area=None, kind=kind, defaults={"text": text, "feedback_email": feedback_email})


@transaction.atomic
def seed_demo(*, scale: str = "small") -> dict[str, int]:
    """Create the demo data for ``scale`` ('small' or 'large'); return what exists afterwards."""
    if not FieldOfAction.objects.exists():
        raise RuntimeError("The fields of action are missing: run `manage.py migrate` first.")
    with disable_auditlog():
        areas = {MAIN_AREA.slug: _area(MAIN_AREA)}
        # "multi" works in Nordstadt at every scale.
        areas["nordstadt"] = _area(MORE_AREAS[0])
        if scale == "large":
            for demo in MORE_AREAS[1:]:
                areas[demo.slug] = _area(demo)
        _legal_texts()
        demo_user("admin", "Administration", "admin@example.org", superuser=True)
        held = set(RoleAssignment.objects.values_list("user__username", "area__slug", "role"))
        for username, display_name, email, grants in DEMO_USERS:
            user = demo_user(username, display_name, email)
            for slug, roles in grants.items():
                for area in areas.values() if slug == "*" else [areas[slug]]:
                    for role in roles:
                        if (user.username, area.slug, str(role)) not in held:
                            role_grant(user=user, area=area, role=role, by=None)
        for area in areas.values():
            team = _office_team(area)
            rng = random.Random(f"quartier-demo-{area.slug}")  # noqa: S311  # demo data  # nosec B311
            seed_actors(area=area, scale=scale, staff=team, rng=rng)
            # The main area's jurors are jury1 … jury7; other areas' juries get accounts of their own.
            prefix = "jury" if area.slug == MAIN_AREA.slug else f"jury-{area.slug}-"
            seed_committees(area=area, scale=scale, staff=team, rng=rng, account_prefix=prefix)
            seed_funds(area=area, scale=scale, rng=rng)
            seed_isek(area=area, scale=scale, rng=rng)
            seed_activation(area=area, scale=scale, rng=rng)
            seed_surveys(area=area, scale=scale, rng=rng)
    return {"areas": Quartier.objects.count(), "users": User.objects.count()}


def _office_team(area: Quartier) -> list[User]:
    """The area's staff (not the coordinator); an area without community workers gets one."""
    staff_roles = [Role.STEUERUNG, Role.PLANUNG, Role.GEMEINWESENARBEIT]
    team = list(User.objects.filter(role_assignments__area=area, role_assignments__role__in=staff_roles).distinct())
    if not any(a.role == Role.GEMEINWESENARBEIT for a in RoleAssignment.objects.filter(area=area)):
        worker = demo_user(f"gwa-{area.slug}", f"Büro {area.name}", f"gwa-{area.slug}@example.org")
        role_grant(user=worker, area=area, role=Role.GEMEINWESENARBEIT, by=None)
        team.append(worker)
    return team
