"""Demo data for the funds module: an Aktionsfonds, a Projektfonds and a Verfügungsfonds per area and year.

``seed_funds`` fills one area after ``demo.actors.seed_actors`` and ``demo.committees.seed_committees``;
``demo.seed.seed_demo`` calls it inside ``disable_auditlog()``.

The running year's funds (small and large) are filled through the lifecycle services
(``fonds.services.applications``, ``fonds.services.payments``) with backdated ``now`` values, so every
state, status change, payment and proof of use is what the office would have produced: the Aktionsfonds
with about 25 applications in every state, the Projektfonds with 6 and the Verfügungsfonds with 8.
Payments are recorded by a community worker and released by a Steuerung user of the area (one is
created if the area has none). Where the committees' demo decided on an Aktionsfonds idea (a jury
meeting or the closed ballot) or a Projektfonds project (a Quartiersrat meeting) in the fund's year,
an application of that applicant and amount takes the decision from that item through
``application_take_committee_decision``; two items of the jury's open ballot and the Projektfonds item
of the Quartiersrat's planned meeting are applications for decision (linked by ``subject``), so closing
the ballot decides them. Approvals never bind more than a fund's budget; room is kept for the open
ballot's items.

At large scale nine earlier years follow, and the running year's funds are filled up, to about
``Sizes.per_fund`` applications each: written with ``bulk_create`` (applications, cost plans, checks,
status changes, audit entries, payments, receipts), following the same transitions and the same budget
rule, approvals that the budget cannot carry being rejected as "funds exhausted".

Every random choice comes from the caller's ``random.Random`` and every date from ``now``.
"""

from __future__ import annotations

import datetime
import itertools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext

from actors.models import Affiliation, Concern, Organisation, Person, TargetGroup
from actors.services.persons import person_create
from committees.models import AgendaItem, Ballot, BallotItem, Committee, Meeting, Result
from committees.services.conflicts import conflicts_refresh
from demo.accounts import demo_user
from demo.actors import PLACES, STREETS
from demo.committees import ACTION_IDEAS, PROJECTS, sentence
from demo.db import BATCH, set_times
from fonds.models import (
    Application,
    CostLine,
    EligibilityCheck,
    EligibilityCriterion,
    Fund,
    Payment,
    Receipt,
    Repayment,
    Status,
    StatusChange,
)
from fonds.selectors import fund_totals
from fonds.services.applications import (
    TRANSITIONS,
    Line,
    application_assess,
    application_commit,
    application_create,
    application_decide,
    application_put_forward,
    application_query,
    application_review,
    application_settle,
    application_submit,
    application_submit_proof,
    application_take_committee_decision,
    application_withdraw,
    euro,
    lock_application,
    move,
    receipts_decide,
)
from fonds.services.funds import fund_create
from fonds.services.payments import payment_record, payment_release, repayment_record
from quartier.models import FieldOfAction, Quartier, Role, RoleAssignment, User
from quartier.services import role_grant

S = Status
OK = Organisation.Kind
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Sizes:
    history_years: int  # earlier years with funds (bulk)
    per_fund: int  # applications per fund and year in the bulk; 0: only the running year's core


SIZES = {"small": Sizes(history_years=0, per_fund=0), "large": Sizes(history_years=9, per_fund=100)}

# --- Funds --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundSpec:
    key: str
    kind: str
    name: str
    budget: int
    cap: int | None
    office_limit: int | None
    share: int
    committee: str  # the deciding committee's kind
    description: str
    criteria: tuple[str, ...]


FUNDS = [
    FundSpec(
        "aktion",
        Fund.Kind.ACTION_FUND,
        "Aktionsfonds",
        10_000,
        1_500,
        500,
        0,
        Committee.Kind.ACTION_FUND_JURY,
        "Kleine, schnelle Aktionen von Bewohner*innen für die Nachbarschaft: bis 1.500 € je Antrag, nur Sachkosten. "
        "Bis 500 € entscheidet das Stadtteilbüro, darüber die Aktionsfondsjury.",
        (
            "kommt der Nachbarschaft im Gebiet zugute",
            "Antragsteller*in wohnt oder wirkt im Gebiet, mindestens 16 Jahre",
            "Sachkosten, keine Honorare",
            "passt zu den Zielen des ISEK",
        ),
    ),
    FundSpec(
        "projekt",
        Fund.Kind.PROJECT_FUND,
        "Projektfonds",
        120_000,
        50_000,
        None,
        0,
        Committee.Kind.NEIGHBOURHOOD_COUNCIL,
        "Größere Projekte von Trägern im Quartier, über die der Quartiersrat entscheidet.",
        (
            "Projekt im Gebiet und für seine Bewohner*innen",
            "Träger ist gemeinnützig oder öffentlich",
            "trägt zu einem Handlungsfeld des ISEK bei",
            "Beteiligung der Bewohner*innen ist vorgesehen",
        ),
    ),
    FundSpec(
        "verfuegung",
        Fund.Kind.NEIGHBOURHOOD_FUND,
        "Verfügungsfonds",
        20_000,
        None,
        2_500,
        50,
        Committee.Kind.NEIGHBOURHOOD_COUNCIL,
        "Der Verfügungsfonds ergänzt private Mittel: Mindestens die Hälfte der Kosten tragen Antragstellende, "
        "Gewerbe oder Wohnungsunternehmen.",
        (
            "kommt dem Gebiet zugute",
            "mindestens 50 % Eigen- oder Drittmittel",
            "passt zu den Zielen des ISEK",
            "keine Regelaufgabe der Verwaltung",
        ),
    ),
]
#: Budgets of earlier years vary a little (large scale).
HISTORY_BUDGETS = {"aktion": (10_000, 13_000), "projekt": (90_000, 150_000), "verfuegung": (15_000, 25_000)}

# --- Texts --------------------------------------------------------------------------------------------------------

#: More Aktionsfonds ideas besides the jury's (demo.committees.ACTION_IDEAS): (title, lowest, highest, description)
MORE_ACTION_IDEAS: list[tuple[str, int, int, str]] = [
    (
        "Hoffest im Haus {street} {number}",
        250,
        900,
        "Ein Nachmittag im Hof mit Musik, Kinderschminken und einem Buffet, zu dem alle etwas mitbringen.",
    ),
    (
        "Nachbarschaftscafé im Treppenhaus {street} {number}",
        150,
        500,
        "Einmal im Monat Kaffee und Kuchen für die Hausgemeinschaft; Geschirr, Kaffeemaschine und Zutaten.",
    ),
    (
        "Lesepatenschaft in der Stadtteilbibliothek",
        200,
        650,
        "Ehrenamtliche lesen wöchentlich mit Grundschulkindern; Bücher, Spiele und ein kleines Abschlussfest.",
    ),
    ("Kiezputz {place}", 120, 450, "Müllsammelaktion mit Anwohnenden und der Kita; Handschuhe, Zangen und ein Imbiss."),
    (
        "Gießpatenschaften für die Straßenbäume",
        150,
        480,
        "Gießsäcke, Kannen und ein Plan, wer im Sommer welchen Baum gießt.",
    ),
    ("Laternenumzug {place}", 200, 600, "Laternen basteln mit Kindern aus drei Kitas, Umzug mit Musik und Punsch."),
    (
        "Nachbarschaftsflohmarkt im Hof",
        100,
        350,
        "Tische, Plakate und ein Kuchenstand; der Erlös geht an den Kinderbauernhof.",
    ),
]
#: Verfügungsfonds ideas (half of the costs or more comes from own or other money): (title, lowest, highest costs,
#: description, who pays the other money, the kinds of organisation that apply)
SHARED_IDEAS: list[tuple[str, int, int, str, str, tuple[str, ...]]] = [
    (
        "Kiezfest {year} {place}",
        3000,
        5000,
        "Das Fest der Nachbarschaft mit Bühne, Ständen der Vereine und Kinderprogramm.",
        "Wohnungsbaugesellschaft und Gewerbetreibende",
        (OK.NEIGHBOURHOOD_ASSOCIATION, OK.ASSOCIATION),
    ),
    (
        "Weihnachtsbeleuchtung {street}",
        2500,
        5000,
        "Lichterketten für die Geschäftsstraße; die Gewerbetreibenden tragen die Hälfte.",
        "Gewerbetreibende der Straße",
        (OK.BUSINESS,),
    ),
    (
        "Sonderausgabe der Stadtteilzeitung",
        1200,
        3500,
        "Eine Ausgabe zum Jubiläum des Quartiersmanagements, verteilt an alle Haushalte.",
        "Anzeigen lokaler Geschäfte",
        (OK.OTHER, OK.NEIGHBOURHOOD_ASSOCIATION, OK.ASSOCIATION),
    ),
    (
        "Fassadenbegrünung im Hof {street} {number}",
        1800,
        4800,
        "Rankhilfen und Kletterpflanzen für zwei Brandwände; die Hausverwaltung beteiligt sich.",
        "Hausverwaltung",
        (OK.HOUSING, OK.INITIATIVE),
    ),
    (
        "Schaufenstergalerie in leeren Läden",
        1000,
        3000,
        "Künstler*innen aus dem Kiez stellen in leerstehenden Läden aus; Eröffnung mit Musik.",
        "Eigentümer*innen der Läden",
        (OK.BUSINESS, OK.ASSOCIATION),
    ),
    (
        "Sitzbänke vor den Geschäften am Markt",
        2000,
        5000,
        "Sechs Bänke, aufgestellt und gepflegt von den Geschäften.",
        "Gewerbestammtisch",
        (OK.BUSINESS,),
    ),
    (
        "Mieter*innenfest der Genossenschaft",
        1500,
        4000,
        "Fest für alle Häuser der Genossenschaft, offen für die Nachbarschaft.",
        "Wohnungsgenossenschaft",
        (OK.HOUSING, OK.INITIATIVE),
    ),
    (
        "Lastenrad zum Ausleihen",
        2500,
        5000,
        "Ein Lastenrad für die Nachbarschaft, Ausleihe über den Kiezladen.",
        "Kiezladen und Spenden",
        (OK.INITIATIVE, OK.ASSOCIATION),
    ),
    (
        "Hitzeschutz-Aktion mit Sonnensegeln und Wasserspendern",
        1200,
        3500,
        "Sonnensegel, Wasserspender und Infomaterial für heiße Tage im Hof der Seniorenwohnanlage.",
        "Wohnungsbaugesellschaft",
        (OK.HOUSING, OK.PROVIDER),
    ),
]
#: Cost lines by theme: the first theme whose words occur in the title gives the lines.
COSTS: list[tuple[tuple[str, ...], list[tuple[str, str]]]] = [
    (("fest", "flohmarkt", "adventsmarkt", "laternen", "kino"), [
        ("miete", "Zelt, Tische und Bänke (Verleih)"), ("verpflegung", "Getränke und Zutaten für das Buffet"),
        ("oeffentlichkeit", "Plakate und Handzettel"), ("sachkosten", "Bastel- und Spielmaterial für Kinder"),
        ("miete", "Musikanlage (Verleih)"),
    ]),
    (("beet", "garten", "baum", "pflanz", "gieß", "begrünung"), [
        ("sachkosten", "Pflanzerde und Stauden"), ("sachkosten", "Holz und Schrauben"),
        ("sachkosten", "Gießkannen und Gartengeräte"), ("verpflegung", "Imbiss für die Helfenden"),
    ]),
    (("putz",), [
        ("sachkosten", "Arbeitshandschuhe und Greifzangen"), ("sachkosten", "Müllsäcke"),
        ("verpflegung", "Grillgut und Getränke"), ("oeffentlichkeit", "Aushänge in den Hauseingängen"),
    ]),
    (("lese", "bücher", "hausaufgaben", "sprach", "zeitung"), [
        ("sachkosten", "Bücher und Lernmaterial"), ("sachkosten", "Spiele und Bastelmaterial"),
        ("oeffentlichkeit", "Druck und Verteilung"), ("verpflegung", "Obst und Getränke"),
    ]),
    (("werkstatt", "repair", "näh", "rad"), [
        ("sachkosten", "Werkzeug und Kleinteile"), ("sachkosten", "Verbrauchsmaterial"),
        ("oeffentlichkeit", "Flyer und Aushänge"), ("verpflegung", "Kaffee und Kuchen"),
    ]),
    (("café", "frühstück", "koch", "küche", "mittagstisch"), [
        ("verpflegung", "Lebensmittel"), ("sachkosten", "Geschirr und Kaffeemaschine"),
        ("oeffentlichkeit", "Einladungen in mehreren Sprachen"), ("miete", "Raummiete Nachbarschaftstreff"),
    ]),
    (("turnier", "tanz", "sport", "bewegung", "erste-hilfe", "trommel"), [
        ("sachkosten", "Bälle, Leibchen und Instrumente"), ("sachkosten", "Pokale und Urkunden"),
        ("verpflegung", "Getränke und Obst"), ("miete", "Hallen- und Raummiete"),
    ]),
]  # fmt: skip
DEFAULT_COSTS = [
    ("sachkosten", "Material"),
    ("oeffentlichkeit", "Plakate und Handzettel"),
    ("verpflegung", "Getränke und Imbiss"),
    ("sonstiges", "Versicherung für den Aktionstag"),
]
PROJECT_COSTS = [
    ("honorare", "Honorare für Projektleitung und Fachkräfte"),
    ("sachkosten", "Material und Ausstattung"),
    ("miete", "Raummiete"),
    ("oeffentlichkeit", "Öffentlichkeitsarbeit und Druck"),
    ("sonstiges", "Fahrtkosten und Versicherung"),
]
#: Fields of action and target groups by words in the title (first match).
THEMES: list[tuple[tuple[str, ...], list[str], list[str]]] = [
    (("beet", "garten", "baum", "pflanz", "gieß", "begrünung", "sonnen", "hitze", "lastenrad"),
     ["oeffentlicher-raum", "klima"], ["Nachbarschaft allgemein", "Familien"]),
    (("putz", "bank", "bücherschrank", "graffiti", "platz"), ["oeffentlicher-raum"], ["Nachbarschaft allgemein"]),
    (("lese", "hausaufgaben", "sprach", "medien", "vorlese", "lern"), ["bildung"], ["Kinder", "Familien"]),
    (("jugend", "fußball", "trommel", "fahrradwerkstatt"), ["gesundheit-bewegung", "bildung"], ["Jugendliche"]),
    (("senior", "einsam", "besuchs", "tanz"), ["gesundheit-bewegung", "integration-nachbarschaft"], ["Senior*innen"]),
    (("frauen", "nachbarinnen", "küche", "kultur", "koch"),
     ["integration-nachbarschaft"], ["Menschen mit Migrationsgeschichte", "Nachbarschaft allgemein"]),
    (("erste-hilfe", "familien", "eltern"), ["gesundheit-bewegung"], ["Familien", "Alleinerziehende"]),
    (("zeitung", "planung", "beteiligung"), ["beteiligung-vernetzung"], ["Nachbarschaft allgemein"]),
]  # fmt: skip
DEFAULT_THEME = (["integration-nachbarschaft"], ["Nachbarschaft allgemein", "Familien"])
GOALS = [
    "Nachbar*innen lernen sich kennen und helfen sich künftig gegenseitig.",
    "Menschen, die sonst selten mitmachen, sollen angesprochen werden – die Einladung gibt es in mehreren Sprachen.",
    "Der Ort soll schöner und sicherer werden; Anwohnende übernehmen die Pflege.",
    "Kinder und Jugendliche gestalten mit und bringen ihre Eltern mit.",
    "Aus der Aktion soll eine feste Gruppe entstehen, die sich weiter trifft.",
]
VOLUNTEERING = [
    "Rund {n} Nachbar*innen helfen beim Auf- und Abbau und bei der Verpflegung.",
    "Die Hausgemeinschaft organisiert alles ehrenamtlich; geschätzt {n} Stunden.",
    "Ehrenamtliche aus dem Verein übernehmen Planung und Durchführung (etwa {n} Stunden).",
]
APPLICATION_PLACES = [
    "Innenhof {street} {number}",
    "Nachbarschaftstreff {street}",
    "Spielplatz {place}",
    "Grünfläche {place}",
    "Stadtteilbibliothek",
    "Gemeinschaftsraum der Wohnungsbaugesellschaft",
    "Schulhof der Grundschule",
    "Platz {place}",
]
QUESTIONS = [
    "Bitte reichen Sie für den größten Posten im Kostenplan ein Angebot nach.",
    "Wie viele Nachbar*innen erwarten Sie? Bitte ergänzen Sie die Zielgruppe.",
    "Bitte erläutern Sie den Posten „Sonstiges“ im Kostenplan.",
    "Liegt die Zustimmung der Hausverwaltung für die Nutzung des Hofs schon vor?",
]
INELIGIBLE = [
    (2, "Der Kostenplan besteht überwiegend aus Honoraren; der Aktionsfonds fördert nur Sachkosten."),
    (0, "Die Veranstaltung findet außerhalb des Gebiets statt."),
    (0, "Es handelt sich um eine Verkaufsveranstaltung, die vor allem dem eigenen Geschäft dient."),
]
PROJECT_INELIGIBLE = [
    (1, "Der Träger ist ein gewerbliches Unternehmen; der Projektfonds fördert gemeinnützige Träger."),
    (3, "Eine Beteiligung der Bewohner*innen ist im Konzept nicht vorgesehen."),
]
SHARED_INELIGIBLE = [
    (1, "Die Eigen- und Drittmittel sind nicht belegt; die Zusage des Sponsors fehlt."),
    (3, "Die Pflege der Bänke ist Aufgabe des Straßen- und Grünflächenamts."),
]
CONDITIONS = [
    "Förderhinweis auf allen Plakaten und Handzetteln.",
    "Die Genehmigung des Straßen- und Grünflächenamts ist vor der ersten Auszahlung vorzulegen.",
    "Die Zustimmung der Hausverwaltung ist vor Beginn vorzulegen.",
    "Kosten für Verpflegung werden höchstens bis 150 € anerkannt.",
]
OFFICE_REJECTIONS = [
    "Ein sehr ähnliches Vorhaben wurde in diesem Jahr bereits gefördert.",
    "Die Kosten für Verpflegung überwiegen; das entspricht nicht den Zielen des Fonds.",
    "Das Vorhaben richtet sich vor allem an einen geschlossenen Kreis, nicht an die Nachbarschaft.",
]
EXHAUSTED = "Die Mittel des {fund} {year} sind ausgeschöpft."
DEFERRALS = [
    "Der Kostenplan soll mit einem zweiten Angebot erneut vorgelegt werden.",
    "Die Stellungnahme des Bezirksamts steht noch aus.",
]
WITHDRAWALS = [
    "Die Antragstellerin hat das Fest abgesagt.",
    "Die Wohnungsbaugesellschaft übernimmt die Kosten; der Antrag wird zurückgezogen.",
    "Terminkonflikt mit dem Kiezfest; der Antrag wird im nächsten Jahr neu gestellt.",
    "Die Initiative hat sich aufgelöst.",
]
REPORTS = [
    "„{title}“ hat wie geplant stattgefunden. Es kamen rund {n} Menschen aus der Nachbarschaft; mehrere haben "
    "angeboten, beim nächsten Mal mitzuhelfen.",
    "Trotz Regen kamen etwa {n} Nachbar*innen. Fotos und Belege liegen bei; übrig gebliebenes Material bleibt im "
    "Nachbarschaftstreff.",
    "Die Aktion lief an mehreren Terminen mit insgesamt etwa {n} Teilnehmenden. Besonders gut angenommen wurde das "
    "Angebot von Familien aus den Häusern in der Nachbarschaft.",
    "Alles lief gut: {n} Teilnehmende, viele davon zum ersten Mal bei einer Aktion im Kiez. Die Gruppe trifft sich "
    "weiter.",
]
#: Why the office did not accept a receipt (a reclaim's extra receipt: see ``_Seeder.unproven``).
DISALLOWED = [
    "Pfand und alkoholische Getränke sind nicht förderfähig.",
    "Der Beleg ist nach dem Ende des Projekts ausgestellt.",
    "Der Beleg nennt weder Datum noch Leistung.",
    "Honorare sind in diesem Fonds nicht förderfähig.",
]
VENDORS = [
    "Baumarkt am Nordring",
    "Getränke Hoffmann",
    "Druckerei am Markt",
    "Zeltverleih Beispielstadt",
    "Gartencenter am Kanal",
    "Großmarkt Beispielstadt",
    "Buchhandlung Lindenhof",
    "Technikverleih Weber",
    "Bürobedarf Schulz",
    "Bäckerei Krüger",
    "Biomarkt am Ufer",
]
#: New applicants from the public form, still to be reviewed by the office: (first name, last name, street)
NEW_APPLICANTS = [
    ("Leonie", "Brandt", "Schleusenweg 9"),
    ("Samir", "Haddad", "Amselweg 3"),
    ("Jana", "Nowak", "Kastanienallee 21"),
]

#: The running year's core: target states of the Aktionsfonds (25), Projektfonds (6) and Verfügungsfonds (8).
#: "closed_repaid" is closed after a reclaim was paid back.
ACTION_TARGETS = [
    S.DRAFT, S.SUBMITTED, S.SUBMITTED, S.IN_REVIEW, S.QUERY, S.ELIGIBLE, S.INELIGIBLE, S.FOR_DECISION,
    S.FOR_DECISION, S.APPROVED, S.APPROVED_WITH_CONDITIONS, S.REJECTED, S.REJECTED, S.DEFERRED, S.COMMITTED,
    S.COMMITTED, S.PAID, S.PAID, S.PROOF_SUBMITTED, S.PROOF_SUBMITTED, S.CLOSED, S.CLOSED, "closed_repaid", S.RECLAIM,
    S.WITHDRAWN,
]  # fmt: skip
PROJECT_FILL = [S.IN_REVIEW, S.ELIGIBLE, S.SUBMITTED, S.QUERY, S.WITHDRAWN, S.INELIGIBLE]
SHARED_TARGETS = [
    S.CLOSED, S.PAID, S.COMMITTED, S.APPROVED_WITH_CONDITIONS, S.REJECTED, S.FOR_DECISION, S.IN_REVIEW, S.SUBMITTED,
]  # fmt: skip
#: Earlier years (large): final states, and how often.
HISTORY_MIX = {
    S.CLOSED: 48,
    "closed_repaid": 4,
    S.RECLAIM: 1,
    S.REJECTED: 20,
    S.INELIGIBLE: 12,
    S.WITHDRAWN: 15,
}
#: The running year's additional applications (large).
CURRENT_MIX = {
    S.DRAFT: 4, S.SUBMITTED: 9, S.IN_REVIEW: 7, S.QUERY: 3, S.ELIGIBLE: 5, S.INELIGIBLE: 8, S.FOR_DECISION: 4,
    S.APPROVED: 3, S.APPROVED_WITH_CONDITIONS: 2, S.REJECTED: 16, S.DEFERRED: 3, S.COMMITTED: 4, S.PAID: 5,
    S.PROOF_SUBMITTED: 4, S.CLOSED: 14, "closed_repaid": 1, S.RECLAIM: 1, S.WITHDRAWN: 7,
}  # fmt: skip
#: States that bind money (they pass an approval).
APPROVING = {
    S.APPROVED, S.APPROVED_WITH_CONDITIONS, S.COMMITTED, S.PAID, S.PROOF_SUBMITTED, S.CLOSED, "closed_repaid",
    S.RECLAIM,
}  # fmt: skip
DECIDED = APPROVING | {S.REJECTED, S.DEFERRED}
#: States whose last step lies shortly before now (applications in progress).
RECENT = {
    S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.QUERY, S.ELIGIBLE, S.FOR_DECISION, S.APPROVED, S.APPROVED_WITH_CONDITIONS,
    S.DEFERRED, S.COMMITTED, S.PAID, S.PROOF_SUBMITTED,
}  # fmt: skip
#: Days a step takes after the one before it: (fewest, most).
GAPS = {
    "submit": (0.2, 6), "review": (1, 6), "query": (2, 8), "resubmit": (3, 12), "eligible": (2, 10),
    "ineligible": (2, 10), "forward": (1, 7), "decide": (5, 21), "commit": (2, 10), "pay": (5, 15),
    "record": (5, 20), "settle": (5, 20), "repaid": (10, 30), "withdraw": (3, 20),
}  # fmt: skip
#: Where a step of the lifecycle leads (the transitions of fonds.services.applications).
STEP_TRANSITION = {
    "submit": "submit", "resubmit": "resubmit", "review": "review", "query": "query", "eligible": "assess_eligible",
    "ineligible": "assess_ineligible", "forward": "put_forward", "commit": "commit", "pay": "pay",
    "proof": "submit_proof", "repaid": "repaid", "withdraw": "withdraw",
}  # fmt: skip

# --- Public functions ---------------------------------------------------------------------------------------------


def seed_funds(
    *,
    area: Quartier,
    scale: str,
    rng: random.Random,
    now: datetime.datetime | None = None,
) -> dict[str, int]:
    """Give ``area`` its funds' demo data for ``scale`` ('small' or 'large'); return the counts per model.

    Runs after ``seed_actors`` and ``seed_committees`` for the same area and does nothing if the area already
    has funds. Uses the area's community worker and Steuerung as staff; an area without a Steuerung user gets
    ``steuerung-<slug>`` (demo password), since a payment is released by Steuerung and by someone else than
    who recorded it.
    """
    if scale not in SIZES:
        raise ValueError(f"Unknown scale {scale!r}; use one of {', '.join(SIZES)}.")
    if Fund.objects.filter(area=area).exists():
        return fund_counts(area)
    committees = {c.kind: c for c in Committee.objects.filter(area=area)}
    missing = {spec.committee for spec in FUNDS} - set(committees)
    if missing:
        raise ValueError("The area needs its committees first: run demo.committees.seed_committees before the funds.")
    with translation.override("de"), transaction.atomic():
        worker, steering = _staff(area)
        _Seeder(
            area=area,
            sizes=SIZES[scale],
            rng=rng,
            now=now or timezone.now(),
            committees=committees,
            worker=worker,
            steering=steering,
        ).run()
    return fund_counts(area)


def fund_counts(area: Quartier) -> dict[str, int]:
    funds = Fund.objects.filter(area=area)
    return {
        "funds": funds.count(),
        "applications": Application.objects.filter(fund__in=funds).count(),
        "cost_lines": CostLine.objects.filter(application__fund__in=funds).count(),
        "eligibility_checks": EligibilityCheck.objects.filter(application__fund__in=funds).count(),
        "status_changes": StatusChange.objects.filter(application__fund__in=funds).count(),
        "payments": Payment.objects.filter(application__fund__in=funds).count(),
        "repayments": Repayment.objects.filter(application__fund__in=funds).count(),
        "receipts": Receipt.objects.filter(application__fund__in=funds).count(),
    }


def _staff(area: Quartier) -> tuple[User, User]:
    """A community worker (else another staff member) who records payments, and a Steuerung user who releases
    them."""
    roles = RoleAssignment.objects.filter(area=area).select_related("user").order_by("pk")
    by_role: dict[str, list[User]] = {}
    for assignment in roles:
        by_role.setdefault(assignment.role, []).append(assignment.user)
    steering = next(iter(by_role.get(Role.STEUERUNG, [])), None)
    if steering is None:
        name = f"steuerung-{area.slug}"
        steering = demo_user(name, f"Steuerung {area.name}", f"{name}@example.org")
        role_grant(user=steering, area=area, role=Role.STEUERUNG, by=None)
    staff = by_role.get(Role.GEMEINWESENARBEIT, []) + by_role.get(Role.STEUERUNG, []) + by_role.get(Role.PLANUNG, [])
    worker = next((user for user in staff if user.pk != steering.pk), None)
    if worker is None:
        raise ValueError("The area needs a community worker besides Steuerung: seed the demo users first.")
    return worker, steering


# --- Plans --------------------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """One application: what it asks for, the steps of its lifecycle and when they happen."""

    fund: Fund
    target: str  # a Status, or "closed_repaid"
    title: str
    description: str
    lines: list[Line]
    own: Decimal = Decimal("0")
    other: Decimal = Decimal("0")
    person: Person | None = None
    organisation: Organisation | None = None
    to_review: bool = False
    goals: str = ""
    place: str = ""
    participants: int | None = None
    volunteering: str = ""
    fields: list[str] = field(default_factory=list)  # FieldOfAction keys
    groups: list[str] = field(default_factory=list)  # TargetGroup names
    concern: Concern | None = None
    item: BallotItem | AgendaItem | None = None  # the committee item it is decided on (or waits on)
    decision: str = ""  # office: approve / reject / defer
    conditions: str = ""
    reason: str = ""
    question: str = ""
    unmet: int = 0  # the criterion an ineligible application fails
    note: str = ""  # of a withdrawal or deferral
    installments: list[Decimal] = field(default_factory=list)  # released payments
    pending: Decimal | None = None  # a payment recorded, not yet released
    spent_ratio: float = 1.0  # receipts / paid
    steps: list[str] = field(default_factory=list)
    times: list[datetime.datetime] = field(default_factory=list)  # creation, then one per step
    start: datetime.date | None = None
    end: datetime.date | None = None

    @property
    def requested(self) -> Decimal:
        return max(sum((line.amount for line in self.lines), Decimal("0")) - self.own - self.other, Decimal("0"))


def _steps(target: str, *, detour: bool, payments: int, pending: bool, withdraw_late: bool) -> list[str]:
    """The steps from a draft to ``target``."""
    if target == S.DRAFT:
        return []
    if target == S.SUBMITTED:
        return ["submit"]
    pre = ["submit", "review"] + (["query", "resubmit", "review"] if detour else [])
    if target == S.QUERY:
        return ["submit", "review", "query"]
    if target == S.IN_REVIEW:
        return pre
    if target == S.INELIGIBLE:
        return [*pre, "ineligible"]
    if target == S.WITHDRAWN:
        return [*pre, "eligible", "forward", "decide", "withdraw"] if withdraw_late else [*pre, "withdraw"]
    steps = [*pre, "eligible"]
    if target == S.ELIGIBLE:
        return steps
    steps.append("forward")
    if target == S.FOR_DECISION:
        return steps
    steps.append("decide")
    if target in (S.APPROVED, S.APPROVED_WITH_CONDITIONS, S.REJECTED, S.DEFERRED):
        return steps
    steps.append("commit")
    if target == S.COMMITTED:
        return steps
    steps += ["pay"] * payments + (["record"] if pending else [])
    if target == S.PAID:
        return steps
    steps.append("proof")
    if target == S.PROOF_SUBMITTED:
        return steps
    steps.append("settle")
    return [*steps, "repaid"] if target == "closed_repaid" else steps


def _final_status(target: str) -> str:
    return S.CLOSED if target == "closed_repaid" else target


# --- The seeder ---------------------------------------------------------------------------------------------------


class _Seeder:
    def __init__(
        self,
        *,
        area: Quartier,
        sizes: Sizes,
        rng: random.Random,
        now: datetime.datetime,
        committees: dict[str, Committee],
        worker: User,
        steering: User,
    ) -> None:
        self.area = area
        self.sizes = sizes
        self.rng = rng
        self.now = now
        self.committees = committees
        self.worker = worker
        self.steering = steering
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate(now, self.tz)
        # The running funds' year: the calendar year, until March still the last one (its money is being settled).
        self.year = (self.today - datetime.timedelta(days=75)).year
        self.horizon = now - datetime.timedelta(hours=1)  # nothing happens later than this
        self.content_type = ContentType.objects.get_for_model(Application)
        self.created: dict[int, datetime.datetime] = {}  # application pk -> created
        self.serviced: list[int] = []  # applications made through the services
        self.new_count = 0
        self.updated: dict[int, datetime.datetime] = {}

    def run(self) -> None:
        self.load()
        current = self.make_funds(self.year, {spec.key: spec.budget for spec in FUNDS})
        plans = self.plan_action(current["aktion"]) + self.plan_project(current["projekt"])
        plans += self.plan_shared(current["verfuegung"])
        for plan in sorted(plans, key=lambda plan: plan.times[0]):
            self.execute(plan)
        if self.sizes.per_fund:
            bulk = _Bulk(self)
            for key, fund in current.items():
                core = sum(1 for plan in plans if plan.fund is fund)
                bulk.fund(fund, key, self.sizes.per_fund - core, CURRENT_MIX)
            for year in range(self.year - self.sizes.history_years, self.year):
                budgets = {
                    key: self.rng.randint(low // 500, high // 500) * 500 for key, (low, high) in HISTORY_BUDGETS.items()
                }
                for key, fund in self.make_funds(year, budgets, open_=False).items():
                    bulk.fund(fund, key, self.sizes.per_fund + self.rng.randint(-8, 8), HISTORY_MIX)
            bulk.write()
        self.finish()

    # Helpers

    def _words(self) -> dict[str, object]:
        rng = self.rng
        street, number = rng.choice(STREETS), rng.randint(1, 60)
        return {"place": rng.choice(PLACES), "street": street, "number": number, "year": self.year}

    def _days(self, step: str) -> float:
        low, high = GAPS[step]
        return self.rng.uniform(low, high)

    def _euros(self, low: int, high: int, step: int = 10) -> Decimal:
        return Decimal(self.rng.randint(low // step, max(low // step, high // step)) * step)

    # Actors

    def load(self) -> None:
        persons = list(Person.objects.filter(area=self.area, erased_at__isnull=True).order_by("pk"))
        self.orgs = list(Organisation.objects.filter(area=self.area, active=True).order_by("pk"))
        if len(persons) < 20 or not self.orgs:
            raise ValueError("The area needs its persons first: run demo.actors.seed_actors before the funds.")
        self.residents = [person for person in persons if person.is_resident] or persons
        self.orgs_by_kind: dict[str, list[Organisation]] = {}
        for org in self.orgs:
            self.orgs_by_kind.setdefault(org.kind, []).append(org)
        self.contacts: dict[int, list[Person]] = {}
        by_pk = {person.pk: person for person in persons}
        links = Affiliation.objects.filter(organisation__area=self.area).values_list("organisation_id", "person_id")
        for org_id, person_id in links.order_by("pk"):
            if person_id in by_pk:
                self.contacts.setdefault(org_id, []).append(by_pk[person_id])
        self.names: dict[str, Person | Organisation] = {}
        for actor in [*persons, *self.orgs]:
            self.names.setdefault(sentence(str(actor)), actor)
        self.fields = {f.key: f for f in FieldOfAction.objects.all()}
        self.groups = {g.name: g for g in TargetGroup.objects.all()}
        self.concerns: dict[int | None, list[Concern]] = {}
        for concern in Concern.objects.filter(area=self.area).order_by("pk"):
            self.concerns.setdefault(concern.field_of_action_id, []).append(concern)

    def applicant_in(self, description: str, prefix: str) -> Person | Organisation | None:
        """The actor a committee item's description names after ``prefix`` ("Antrag von Aylin Yıldız. …")."""
        if not description.startswith(prefix):
            return None
        rest = description[len(prefix) :]
        for name in sorted((n for n in self.names if rest.startswith(n)), key=len, reverse=True):
            return self.names[name]
        return None

    # Funds

    def make_funds(self, year: int, budgets: dict[str, int], *, open_: bool = True) -> dict[str, Fund]:
        """The three funds of ``year``: the running year's set up by Steuerung through ``fund_create`` (their
        applications go through the services too), earlier years' written in bulk."""
        data = {
            spec.key: {
                "name": spec.name,
                "kind": spec.kind,
                "year": year,
                "budget": Decimal(budgets[spec.key]),
                "committee": self.committees[spec.committee],
                "cap": Decimal(spec.cap) if spec.cap is not None else None,
                "office_limit": Decimal(spec.office_limit) if spec.office_limit is not None else None,
                "co_financing_share": Decimal(spec.share),
                "description": spec.description,
                "open_for_applications": open_,
            }
            for spec in FUNDS
        }
        if year == self.year:
            funds = {
                spec.key: fund_create(area=self.area, data=data[spec.key], criteria=spec.criteria, by=self.steering)
                for spec in FUNDS
            }
        else:
            funds = {spec.key: Fund(area=self.area, **data[spec.key]) for spec in FUNDS}
            Fund.objects.bulk_create(funds.values())
            EligibilityCriterion.objects.bulk_create(
                [
                    EligibilityCriterion(fund=funds[spec.key], position=position, text=text)
                    for spec in FUNDS
                    for position, text in enumerate(spec.criteria, start=1)
                ]
            )
        opened = datetime.datetime(year - 1, 12, 1, 10, tzinfo=self.tz)
        pks = [fund.pk for fund in funds.values()]
        set_times(Fund, pks, created_at=[opened] * len(pks), updated_at=[opened] * len(pks))
        return funds

    # Content of an application

    def lines_for(self, title: str, total: Decimal, pool: Sequence[tuple[str, str]] | None = None) -> list[Line]:
        """A cost plan for ``title`` that adds up to ``total``: two to four lines of the title's theme."""
        if pool is None:
            lowered = title.lower()
            pool = next((lines for words, lines in COSTS if any(w in lowered for w in words)), DEFAULT_COSTS)
        count = min(len(pool), self.rng.randint(2, 4), max(1, int(total // 40)))
        chosen = sorted(self.rng.sample(range(len(pool)), k=count))
        weights = [self.rng.randint(2, 6) for _ in chosen]
        step = Decimal("50") if total >= 5000 else Decimal("5")
        amounts = []
        left = total
        for weight in weights[:-1]:
            share = (total * weight / sum(weights) / step).quantize(Decimal("1"), ROUND_HALF_UP) * step
            share = min(max(share, step), left - step * (len(weights) - len(amounts) - 1))
            amounts.append(share)
            left -= share
        amounts.append(left)
        return [
            Line(category=pool[index][0], description=pool[index][1], amount=amount)
            for index, amount in zip(chosen, amounts, strict=True)
        ]

    def theme(self, title: str) -> tuple[list[str], list[str]]:
        lowered = title.lower()
        return next(((f, g) for words, f, g in THEMES if any(w in lowered for w in words)), DEFAULT_THEME)

    def content(self, plan: _Plan) -> None:
        """Goals, place, participants, volunteering, fields and groups, a concern now and then."""
        rng = self.rng
        words = self._words()
        plan.goals = plan.goals or rng.choice(GOALS)
        plan.place = plan.place or rng.choice(APPLICATION_PLACES).format(**words)
        plan.participants = plan.participants or rng.randint(2, 12) * 10
        plan.volunteering = rng.choice(VOLUNTEERING).format(n=rng.randint(3, 20))
        plan.fields, plan.groups = self.theme(plan.title)
        if plan.fund.kind == Fund.Kind.ACTION_FUND and rng.random() < 0.15:
            candidates = self.concerns.get(self.fields[plan.fields[0]].pk if plan.fields[0] in self.fields else None)
            if candidates:
                plan.concern = rng.choice(candidates)

    def action_idea(self, *, most: int | None = None) -> tuple[str, Decimal, str]:
        """An Aktionsfonds idea: (title, costs, description), the costs at most ``most``."""
        ideas = ACTION_IDEAS + MORE_ACTION_IDEAS
        if most is not None:
            ideas = [idea for idea in ideas if idea[1] <= most] or ideas
        title, low, high, description = self.rng.choice(ideas)
        high = min(high, most) if most is not None else high
        return title.format(**self._words()), self._euros(low, max(low, high)), description

    def resident_or_group(self) -> tuple[Person | None, Organisation | None]:
        rng = self.rng
        if rng.random() < 0.6:
            return rng.choice(self.residents), None
        org = rng.choice(self.orgs_by_kind.get(OK.INITIATIVE) or self.orgs_by_kind.get(OK.ASSOCIATION) or self.orgs)
        return self.contact(org), org

    def contact(self, org: Organisation) -> Person | None:
        people = self.contacts.get(org.pk)
        return self.rng.choice(people) if people and self.rng.random() < 0.6 else None

    def new_applicant(self, index: int, created: datetime.datetime) -> Person:
        first, last, street = NEW_APPLICANTS[index % len(NEW_APPLICANTS)]
        postcode = re.search(r"\b(\d{5})\s+(.+)", self.area.office_address or "")
        town = f"{postcode.group(1)} {postcode.group(2).strip()}" if postcode else "12345 Beispielstadt"
        email = f"{first}.{last}@example.org".lower().replace("ß", "ss")
        data: dict[str, object] = {
            "first_name": first,
            "last_name": last,
            "email": email,
            "address": f"{street}\n{town}",
            "is_resident": True,
            "legal_basis": Person.LegalBasis.CONSENT,
            "consent_date": timezone.localdate(created, self.tz),
            "consent_scope": "Antrag im Aktionsfonds; Kontakt zur Abwicklung der Förderung",
            "consent_how": "Online-Antragsformular",
        }
        return person_create(area=self.area, data=data, by=self.worker)

    # Money: installments, spending

    def money(self, plan: _Plan, amount: Decimal) -> None:
        """Installments of ``amount`` for a plan that gets paid, a pending payment, and how much it spends."""
        rng = self.rng
        target = plan.target
        if target not in (S.PAID, S.PROOF_SUBMITTED, S.CLOSED, S.RECLAIM, "closed_repaid"):
            return
        parts = 1 if amount < 800 or rng.random() < 0.5 else rng.choice((2, 2, 3))
        if plan.fund.kind == Fund.Kind.PROJECT_FUND:
            parts = rng.choice((2, 3))
        installments = []
        left = amount
        for index in range(parts - 1):
            share = (amount / parts).quantize(Decimal("1"), ROUND_HALF_UP) if index < parts - 1 else left
            installments.append(share)
            left -= share
        installments.append(left)
        if target == S.PAID and len(installments) > 1:
            # the first installments are paid; the last one is recorded and waits for its release, or is yet to come
            last = installments.pop()
            plan.pending = last if rng.random() < 0.5 else None
        plan.installments = installments
        if target == S.RECLAIM or target == "closed_repaid":
            plan.spent_ratio = rng.uniform(0.7, 0.9)
        else:
            plan.spent_ratio = rng.uniform(1.0, 1.12)

    def receipts(self, plan: _Plan, paid: Decimal) -> list[tuple[datetime.date, str, Decimal]]:
        """Receipts adding up to what the plan spends, dated during the project."""
        rng = self.rng
        spent = (paid * Decimal(str(plan.spent_ratio))).quantize(CENT, ROUND_HALF_UP)
        if plan.spent_ratio >= 1 and spent < paid:
            spent = paid
        count = max(1, min(5, int(spent // 60)))
        cuts = (
            sorted(Decimal(rng.randint(1, int(spent * 100) - 1)) / 100 for _ in range(count - 1)) if count > 1 else []
        )
        bounds = [Decimal("0"), *cuts, spent]
        start = plan.start or timezone.localdate(plan.times[-1], self.tz)
        end = plan.end or start
        receipts = []
        for low, high in itertools.pairwise(bounds):
            amount = (high - low).quantize(CENT)
            if amount <= 0:
                continue
            day = start + datetime.timedelta(days=rng.randint(-10, max(0, (end - start).days)))
            receipts.append((day, rng.choice(VENDORS), amount))
        return receipts

    def payment_day(self, plan: _Plan, recorded: datetime.datetime, approved_at: datetime.datetime) -> datetime.date:
        """The day a payment is dated: the day it was recorded, within the application's period (from the approval,
        or the project's start if earlier, to the project's end: ``fonds.services.payments.payment_period``)."""
        day = timezone.localdate(recorded, self.tz)
        approved_on = timezone.localdate(approved_at, self.tz)
        end = plan.end or plan.start
        if end is not None:
            day = min(day, end)
        return max(day, min(approved_on, plan.start) if plan.start else approved_on)

    def unproven(self, plan: _Plan, paid: Decimal, bought: list[tuple[datetime.date, str, Decimal]]) -> list:
        """For about half of the reclaims: one more receipt, which the office does not accept (so part of the
        reclaim comes from it). Chosen by the title, so that the random sequence of the demo stays as it was."""
        if plan.target not in (S.RECLAIM, "closed_repaid") or len(plan.title) % 2:
            return []
        gap = paid - sum((amount for _day, _vendor, amount in bought), Decimal("0"))
        amount = (gap / 2).quantize(CENT, ROUND_HALF_UP)
        if amount <= 0:
            return []
        day = bought[-1][0] if bought else plan.end or timezone.localdate(plan.times[-1], self.tz)
        return [(day, "Getränkemarkt am Kanal", amount)]

    def disallowed(self, plan: _Plan) -> str:
        return DISALLOWED[len(plan.title) % len(DISALLOWED)]

    # Timelines

    def timeline(
        self,
        plan: _Plan,
        *,
        anchor: tuple[int, datetime.datetime] | None = None,
        window: tuple[datetime.datetime, datetime.datetime] | None = None,
    ) -> None:
        """When each step happens (``plan.times``) and when the project runs (``plan.start``, ``plan.end``).

        With ``anchor`` (step index, moment) that step happens at that moment (a committee's decision) and
        the steps after it are squeezed in before now; without, the whole path lies inside ``window``
        (the fund's year up to now), recent for applications in progress."""
        rng = self.rng
        offsets = [0.0]
        start = end = None
        duration = rng.choice((0, 0, 0, 1, 2, rng.randint(14, 90)))
        if plan.fund.kind == Fund.Kind.PROJECT_FUND:
            duration = rng.randint(120, 300)
        for step in plan.steps:
            last = offsets[-1]
            if step == "proof":
                offsets.append(max(last, end or last) + rng.uniform(7, 40))
                continue
            if step == "pay" and start is not None:
                # a later installment, during the project
                offsets.append(min(last + rng.uniform(14, 40), max(last + 1, end or last + 1)))
                continue
            offsets.append(last + self._days(step))
            if step == "pay" and start is None:
                start = offsets[-1] + rng.uniform(3, 12)
                end = start + duration
        if start is None:
            base = offsets[-1] if plan.steps else 0.0
            start = base + rng.uniform(14, 70)
            end = start + duration
        horizon = self.horizon
        if anchor is not None:
            index, moment = anchor
            created = moment - datetime.timedelta(days=offsets[index])
            after = offsets[-1] - offsets[index]
            room = (horizon - moment).total_seconds() / 86400
            if after > room and after > 0:
                factor = max(room, 0.0) / after
                pivot = offsets[index]
                offsets = [o if o <= pivot else pivot + (o - pivot) * factor for o in offsets]
                start = start if start <= pivot else pivot + (start - pivot) * factor
                end = end if end <= pivot else pivot + (end - pivot) * factor
        else:
            first, last_moment = window or (self.window_start(plan.fund.year), horizon)
            room = (last_moment - first).total_seconds() / 86400
            span = offsets[-1]
            if span > room * 0.95 and span > 0:
                factor = room * 0.95 / span
                offsets = [o * factor for o in offsets]
                start, end = start * factor, end * factor
                span = offsets[-1]
            if _final_status(plan.target) in RECENT:
                ends = last_moment - datetime.timedelta(days=rng.uniform(0.5, min(30, max(room - span, 0.5))))
            else:
                ends = first + datetime.timedelta(days=span + rng.uniform(0, max(room - span, 0)))
            created = ends - datetime.timedelta(days=span)
            created = max(created, first)
        moments = [created + datetime.timedelta(days=o) for o in offsets]
        # Office steps in office hours; order kept.
        office = {"review", "query", "eligible", "ineligible", "forward", "decide", "commit", "pay", "record"}
        office |= {"settle", "repaid"}
        for index, step in enumerate(plan.steps, start=1):
            if step in office and not (anchor is not None and index == anchor[0]):
                local = moments[index].astimezone(self.tz)
                if local.hour < 8 or local.hour > 17:
                    moments[index] = local.replace(hour=rng.randint(9, 16), minute=rng.randint(0, 59))
        for index in range(1, len(moments)):
            if moments[index] <= moments[index - 1]:
                moments[index] = moments[index - 1] + datetime.timedelta(minutes=rng.randint(5, 50))
        if moments[-1] > horizon and anchor is None:
            shift = moments[-1] - horizon
            moments = [moment - shift for moment in moments]
        limit = horizon
        for index in range(len(moments) - 1, 0, -1):
            if moments[index] > limit:
                moments[index] = limit
            limit = moments[index] - datetime.timedelta(minutes=1)
        plan.times = moments
        plan.start = timezone.localdate(created + datetime.timedelta(days=start), self.tz)
        plan.end = timezone.localdate(created + datetime.timedelta(days=end), self.tz)

    def window_start(self, year: int) -> datetime.datetime:
        return datetime.datetime(year, 1, 8, 10, tzinfo=self.tz)

    # The running year's plans

    def plan_action(self, fund: Fund) -> list[_Plan]:
        """About 25 applications, one or more in every state. Jury decisions of this year on Aktionsfonds ideas
        (meetings, the closed ballot) become the applications they decided, as far as the budget and the targets
        allow; two items of the open ballot are applications for decision."""
        jury = self.committees[Committee.Kind.ACTION_FUND_JURY]
        targets = list(ACTION_TARGETS)
        plans: list[_Plan] = []
        budget = fund.budget
        # The open ballot: two of its items wait for the jury; keep room for them.
        open_items = list(
            BallotItem.objects.filter(ballot__committee=jury, ballot__status=Ballot.Status.OPEN, object_id=None)
            .select_related("ballot")
            .order_by("ballot__deadline", "position")
        )
        reserve = Decimal("0")
        for item in open_items:
            if targets.count(S.FOR_DECISION) == 0:
                break
            plan = self.from_item(fund, item, S.FOR_DECISION, "Antrag von ")
            if plan is None or plan.requested > fund.cap:
                continue
            targets.remove(S.FOR_DECISION)
            reserve += plan.requested
            plans.append(plan)
        # Decisions already taken this year, oldest first: the oldest ones have come furthest.
        decided = self.decided_items(jury, fund.year)
        approving = [S.CLOSED, "closed_repaid", S.RECLAIM, S.CLOSED, S.PROOF_SUBMITTED, S.PAID, S.COMMITTED, S.APPROVED]
        need = {S.CLOSED: 70, "closed_repaid": 95, S.RECLAIM: 70, S.PROOF_SUBMITTED: 50, S.PAID: 20, S.COMMITTED: 5}
        bound = Decimal("0")
        for moment, item in decided:
            if item.result == Result.ADOPTED:
                room = (self.horizon - moment).days
                choice = next(
                    (t for t in approving if t in targets and need.get(t, 0) <= room),
                    None,
                )
            elif item.result == Result.REJECTED:
                choice = S.REJECTED if targets.count(S.REJECTED) > 1 else None  # one stays the office's
            else:
                choice = S.DEFERRED if S.DEFERRED in targets else None
            if choice is None:
                continue
            plan = self.from_item(fund, item, choice, "Antrag von ")
            if plan is None or plan.requested > fund.cap:
                continue
            if choice in APPROVING:
                if bound + plan.requested > budget / 2:
                    continue
                bound += plan.requested
            targets.remove(choice)
            plan.times = [moment]  # the anchor, replaced by the timeline
            plans.append(plan)
        # The rest: decided by the office (up to its limit), or not decided yet.
        binding = sum(1 for target in targets if target in APPROVING or target == S.WITHDRAWN)
        new_applicants = 0
        for target in targets:
            most = None
            if target in APPROVING or target == S.WITHDRAWN:
                share = (budget - bound - reserve) / max(binding, 1)
                most = int(min(fund.office_limit or share, share))
                binding -= 1
            elif target in DECIDED or target == S.FOR_DECISION:
                most = int(fund.office_limit or fund.cap)
            title, costs, description = self.action_idea(most=most)
            if target in APPROVING or target == S.WITHDRAWN:
                bound += costs
            person, org = self.resident_or_group()
            plan = _Plan(
                fund=fund,
                target=target,
                title=title,
                description=description,
                lines=self.lines_for(title, costs),
                person=person,
                organisation=org,
            )
            if target in (S.DRAFT, S.SUBMITTED, S.IN_REVIEW) and new_applicants < len(NEW_APPLICANTS):
                plan.to_review, plan.organisation = True, None
                plan.person = None  # made when the plan runs
                new_applicants += 1
            plans.append(plan)
        for plan in plans:
            self.finish_plan(plan)
        return plans

    def plan_project(self, fund: Fund) -> list[_Plan]:
        """Six applications: the Quartiersrat's decisions on projects this year, the project on its planned
        meeting's agenda, and applications still being checked."""
        council = self.committees[Committee.Kind.NEIGHBOURHOOD_COUNCIL]
        plans: list[_Plan] = []
        planned = (
            AgendaItem.objects.filter(
                meeting__committee=council,
                meeting__status__in=[Meeting.Status.PLANNED, Meeting.Status.INVITED],
                title__startswith="Projektfonds: ",
                object_id=None,
            )
            .select_related("meeting")
            .order_by("meeting__starts_at", "position")
            .first()
        )
        reserve = Decimal("0")
        if planned is not None:
            plan = self.from_item(fund, planned, S.FOR_DECISION, "Träger: ")
            if plan is not None:
                reserve = plan.requested
                plans.append(plan)
        bound = Decimal("0")
        adopted = [S.CLOSED, S.PAID, S.PAID, S.COMMITTED, S.APPROVED]
        need = {S.CLOSED: 200, S.PAID: 20, S.COMMITTED: 5}
        for moment, item in self.decided_items(council, fund.year, prefix="Projektfonds: "):
            if len(plans) >= 4:
                break
            if item.result == Result.ADOPTED:
                room = (self.horizon - moment).days
                choice = next((t for t in adopted if need.get(t, 0) <= room), None)
            else:
                choice = S.REJECTED if item.result == Result.REJECTED else S.DEFERRED
            plan = self.from_item(fund, item, choice, "Träger: ") if choice else None
            if plan is None:
                continue
            if choice in APPROVING:
                if bound + plan.requested + reserve > fund.budget or (fund.cap and plan.requested > fund.cap):
                    continue
                bound += plan.requested
                adopted.remove(choice)
            plan.times = [moment]
            plans.append(plan)
        fill = iter(PROJECT_FILL)
        while len(plans) < 6:
            target = next(fill)
            title, low, high, description = self.rng.choice(PROJECTS)
            org = self.project_org()
            requested = self._euros(low, high, 100)
            own = self._euros(int(requested) // 20, int(requested) // 10, 50)
            plans.append(
                _Plan(
                    fund=fund,
                    target=target,
                    title=title,
                    description=description,
                    lines=self.lines_for(title, requested + own, PROJECT_COSTS),
                    own=own,
                    organisation=org,
                    person=self.contact(org),
                )
            )
        for plan in plans:
            self.finish_plan(plan)
        return plans

    def project_org(self) -> Organisation:
        kinds = [
            OK.PROVIDER,
            OK.ASSOCIATION,
            OK.INITIATIVE,
            OK.SCHOOL,
            OK.NEIGHBOURHOOD_ASSOCIATION,
            OK.OTHER,
            OK.DAYCARE,
        ]
        return self.rng.choice([org for kind in kinds for org in self.orgs_by_kind.get(kind, [])] or self.orgs)

    def plan_shared(self, fund: Fund, targets: Sequence[str] = SHARED_TARGETS) -> list[_Plan]:
        """Eight applications with at least half own or other money, all within the office's limit."""
        plans = [self.shared_plan(fund, target) for target in targets]
        for plan in plans:
            self.finish_plan(plan)
        return plans

    def shared_plan(self, fund: Fund, target: str, *, most: Decimal | None = None) -> _Plan:
        rng = self.rng
        title, low, high, description, sponsor, applying = rng.choice(SHARED_IDEAS)
        limit = fund.office_limit or Decimal("2500")
        if most is not None:
            limit = min(limit, most)
        total = self._euros(low, high, 50)
        share = Decimal(rng.choice((50, 55, 60, 65))) / 100
        requested = min((total * (1 - share)).quantize(Decimal("1")), limit)
        requested = max(requested, Decimal("50"))
        total = max(total, requested * 2)
        money = total - requested
        other = (money * Decimal(rng.choice((0, 30, 50, 70))) / 100).quantize(Decimal("1"))
        org = rng.choice([org for kind in applying for org in self.orgs_by_kind.get(kind, [])] or self.orgs)
        plan = _Plan(
            fund=fund,
            target=target,
            title=title.format(**self._words()),
            description=f"{description} Weitere Mittel: {sponsor}.",
            lines=self.lines_for(title, total),
            own=money - other,
            other=other,
            organisation=org,
            person=self.contact(org),
        )
        return plan

    def decided_items(
        self, committee: Committee, year: int, *, prefix: str = ""
    ) -> list[tuple[datetime.datetime, BallotItem | AgendaItem]]:
        """Items of ``committee`` decided in ``year`` with an amount in their title, oldest first: agenda items of
        held meetings and items of closed ballots."""
        found: list[tuple[datetime.datetime, BallotItem | AgendaItem]] = []
        held = [Meeting.Status.HELD, Meeting.Status.APPROVED]
        agenda = AgendaItem.objects.filter(
            meeting__committee=committee,
            meeting__status__in=held,
            meeting__starts_at__year=year,
            title__contains=" – ",
            title__endswith=" €",
            object_id=None,
        ).exclude(result="")
        if prefix:
            agenda = agenda.filter(title__startswith=prefix)
        for item in agenda.select_related("meeting").order_by("meeting__starts_at", "position"):
            found.append((item.meeting.starts_at + datetime.timedelta(minutes=30 + 10 * item.position), item))
        ballot_items = BallotItem.objects.filter(
            ballot__committee=committee,
            ballot__status=Ballot.Status.CLOSED,
            ballot__closed_at__year=year,
            title__endswith=" €",
            object_id=None,
        ).exclude(result="")
        if prefix:
            ballot_items = ballot_items.filter(title__startswith=prefix)
        for item in ballot_items.select_related("ballot").order_by("ballot__closed_at", "position"):
            found.append((item.ballot.closed_at, item))
        found.sort(key=lambda pair: pair[0])
        return [(moment, item) for moment, item in found if moment <= self.horizon]

    def from_item(self, fund: Fund, item: BallotItem | AgendaItem, target: str, prefix: str) -> _Plan | None:
        """The application a committee item is about: its title, amount and applicant."""
        match = re.fullmatch(r"(?:Projektfonds: )?(.+) – ([\d.]+) €", item.title)
        actor = self.applicant_in(item.description, prefix)
        if match is None or actor is None:
            return None
        title = match.group(1)
        requested = Decimal(match.group(2).replace(".", ""))
        description = item.description[len(prefix) + len(sentence(str(actor))) :].strip() or item.description
        person = actor if isinstance(actor, Person) else None
        org = actor if isinstance(actor, Organisation) else None
        if fund.kind == Fund.Kind.PROJECT_FUND:
            own = self._euros(int(requested) // 20, int(requested) // 10, 50)
            lines = self.lines_for(title, requested + own, PROJECT_COSTS)
        else:
            own = Decimal("0")
            lines = self.lines_for(title, requested)
        if org is not None:
            person = self.contact(org)
        return _Plan(
            fund=fund,
            target=target,
            title=title,
            description=description,
            lines=lines,
            own=own,
            person=person,
            organisation=org,
            item=item,
        )

    def finish_plan(self, plan: _Plan) -> None:
        """The decision's details, the money and the timeline of a plan."""
        rng = self.rng
        target = plan.target
        self.content(plan)
        kind = plan.fund.kind
        if target == S.INELIGIBLE:
            pool = {Fund.Kind.ACTION_FUND: INELIGIBLE, Fund.Kind.PROJECT_FUND: PROJECT_INELIGIBLE}.get(
                kind, SHARED_INELIGIBLE
            )
            plan.unmet, plan.reason = rng.choice(pool)
        if plan.item is None and target in DECIDED:
            plan.decision = "reject" if target == S.REJECTED else "defer" if target == S.DEFERRED else "approve"
            if target == S.REJECTED:
                plan.reason = rng.choice(OFFICE_REJECTIONS)
            if target == S.DEFERRED:
                plan.note = rng.choice(DEFERRALS)
            later = target in APPROVING and target != S.APPROVED  # conditions do not show in its state
            if target == S.APPROVED_WITH_CONDITIONS or (later and rng.random() < 0.2):
                plan.conditions = rng.choice(CONDITIONS)
        if target == S.QUERY:
            plan.question = rng.choice(QUESTIONS)
        withdraw_late = False
        if target == S.WITHDRAWN:
            plan.note = rng.choice(WITHDRAWALS)
            fund = plan.fund
            office = fund.committee_id is None or (
                fund.office_limit is not None and plan.requested <= fund.office_limit
            )
            withdraw_late = office and rng.random() < 0.4
            if withdraw_late:
                plan.decision = "approve"
        if target in APPROVING:
            self.money(plan, plan.requested)
        detour = target not in (S.QUERY, S.SUBMITTED, S.DRAFT) and rng.random() < 0.12
        if plan.item is not None:
            detour = False
        plan.steps = _steps(
            target,
            detour=detour,
            payments=len(plan.installments),
            pending=plan.pending is not None,
            withdraw_late=withdraw_late,
        )
        anchor = None
        if plan.item is not None:
            if target == S.FOR_DECISION:
                opened = getattr(getattr(plan.item, "ballot", None), "opened_at", None)
                moment = (opened or self.now) - datetime.timedelta(days=rng.uniform(1, 3))
                anchor = (plan.steps.index("forward") + 1, min(moment, self.horizon))
            else:
                anchor = (plan.steps.index("decide") + 1, plan.times[0])
        self.timeline(plan, anchor=anchor)

    # Running a plan through the services

    def execute(self, plan: _Plan) -> Application:
        worker, steering = self.worker, self.steering
        created = plan.times[0]
        if plan.to_review and plan.person is None:
            plan.person = self.new_applicant(self.new_count, created)
            self.new_count += 1
        data = {
            "title": plan.title,
            "description": plan.description,
            "goals": plan.goals,
            "place": plan.place,
            "start": plan.start,
            "end": plan.end,
            "expected_participants": plan.participants,
            "volunteer_contribution": plan.volunteering,
            "own_contribution": plan.own,
            "other_funding": plan.other,
            "person": plan.person,
            "organisation": plan.organisation,
            "concern": plan.concern,
            "fields_of_action": [self.fields[key] for key in plan.fields if key in self.fields],
            "target_groups": [self.groups[name] for name in plan.groups if name in self.groups],
        }
        application = application_create(fund=plan.fund, data=data, lines=plan.lines, by=None)
        if plan.to_review:
            Application.objects.filter(pk=application.pk).update(applicant_to_review=True)
        paid = Decimal("0")
        installments = iter(plan.installments)
        approved_at = plan.times[-1]
        decider = worker if self.rng.random() < 0.7 else steering
        for step, at, before in zip(plan.steps, plan.times[1:], plan.times[:-1], strict=True):
            if step in ("submit", "resubmit"):
                application_submit(application=application, by=None, now=at)
            elif step == "review":
                application_review(application=application, by=worker, now=at)
            elif step == "query":
                question = plan.question or self.rng.choice(QUESTIONS)
                application_query(application=application, question=question, by=worker, now=at)
            elif step in ("eligible", "ineligible"):
                criteria = list(plan.fund.criteria.order_by("position"))
                checks = {criterion.pk: (True, "") for criterion in criteria}
                if step == "ineligible":
                    unmet = criteria[min(plan.unmet, len(criteria) - 1)]
                    checks[unmet.pk] = (False, plan.reason[:300])
                application_assess(
                    application=application,
                    checks=checks,
                    eligible=step == "eligible",
                    reason=plan.reason,
                    by=worker,
                    now=at,
                )
            elif step == "forward":
                if plan.item is not None:
                    self.put_on_item(application, plan.item, at)
                else:
                    application_put_forward(application=application, by=worker, now=at)
            elif step == "decide":
                approved_at = at
                if plan.item is not None:
                    application_take_committee_decision(
                        application=application, result=plan.item.result, source=plan.item, by=worker, now=at
                    )
                else:
                    application_decide(
                        application=application,
                        decision=plan.decision,
                        conditions=plan.conditions,
                        reason=plan.reason or plan.note,
                        by=decider,
                        now=at,
                    )
            elif step == "commit":
                application_commit(application=application, by=steering, now=at)
            elif step in ("pay", "record"):
                amount = next(installments) if step == "pay" else plan.pending
                recorded = before + (at - before) / 2 if step == "pay" else at
                method = Payment.Method.CASH if amount <= 300 and self.rng.random() < 0.3 else Payment.Method.TRANSFER
                payment = payment_record(
                    application=application,
                    amount=amount,
                    paid_on=self.payment_day(plan, recorded, approved_at),
                    method=method,
                    by=worker,
                    now=recorded,
                )
                if step == "pay":
                    payment_release(payment=payment, by=steering, now=at)
                    paid += amount
            elif step == "proof":
                report = self.rng.choice(REPORTS).format(
                    title=plan.title, n=plan.participants or 30, street=self.rng.choice(STREETS)
                )
                participants = max(1, int((plan.participants or 30) * self.rng.uniform(0.7, 1.3)))
                bought = self.receipts(plan, paid)
                unproven = self.unproven(plan, paid, bought)
                application_submit_proof(
                    application=application,
                    receipts=bought + unproven,
                    report=report,
                    participants=participants,
                    by=None,
                    now=at,
                )
            elif step == "settle":
                rejected = self.disallowed(plan)
                decisions = {
                    receipt.pk: (receipt.vendor != "Getränkemarkt am Kanal", rejected)
                    for receipt in Receipt.objects.filter(application=application)
                }
                receipts_decide(application=application, decisions=decisions, by=worker, now=at)
                application_settle(application=application, by=worker, now=at)
            elif step == "repaid":
                owed = Application.objects.values_list("reclaim_amount", flat=True).get(pk=application.pk)
                repayment_record(
                    application=application,
                    amount=owed,
                    received_on=timezone.localdate(at, self.tz),
                    by=steering,
                    now=at,
                )
            elif step == "withdraw":
                application_withdraw(application=application, by=None, note=plan.note, now=at)
        application.refresh_from_db()
        expected = _final_status(plan.target)
        if application.status != expected:
            raise RuntimeError(f"{application}: {application.status}, planned {expected}")
        self.created[application.pk] = created
        self.updated[application.pk] = plan.times[-1]
        self.serviced.append(application.pk)
        return application

    def put_on_item(self, application: Application, item: BallotItem | AgendaItem, at: datetime.datetime) -> None:
        """The application goes before its committee as the existing ``item`` (what ``application_put_forward``
        does when it creates the item)."""
        if isinstance(item, BallotItem):
            where = f"Umlaufverfahren „{item.ballot.title}“"
        else:
            where = f"Sitzung am {timezone.localdate(item.meeting.starts_at, self.tz):%d.%m.%Y}"
        with transaction.atomic():
            move(lock_application(application), "put_forward", by=self.worker, now=at, note=where)
            type(item).objects.filter(pk=item.pk).update(content_type=self.content_type, object_id=application.pk)
            conflicts_refresh(applications=[application.pk], today=timezone.localdate(at, self.tz))
        item.content_type, item.object_id = self.content_type, application.pk

    # Finish: timestamps the services stamped with the real time

    def finish(self) -> None:
        pks = list(self.created)
        set_times(
            Application,
            pks,
            created_at=[self.created[pk] for pk in pks],
            updated_at=[self.updated[pk] for pk in pks],
        )
        # The audit entries of the services' transitions: the time of their status change (both in the order they
        # were made).
        pks = self.serviced
        changes: dict[int, list[datetime.datetime]] = {}
        for application_id, at in (
            StatusChange.objects.filter(application_id__in=pks)
            .exclude(from_status=F("to_status"))
            .order_by("pk")
            .values_list("application_id", "at")
        ):
            changes.setdefault(application_id, []).append(at)
        entries = (
            LogEntry.objects.filter(content_type=self.content_type, object_id__in=pks)
            .filter(additional_data__has_key="transition")
            .order_by("pk")
            .values_list("pk", "object_id")
        )
        seen: dict[int, int] = {}
        stamps: list[tuple[int, datetime.datetime]] = []
        for pk, object_id in entries:
            index = seen.get(object_id, 0)
            seen[object_id] = index + 1
            times = changes.get(object_id, [])
            if index < len(times):
                stamps.append((pk, times[index]))
        set_times(LogEntry, [pk for pk, _at in stamps], timestamp=[at for _pk, at in stamps])


# --- The bulk of the large scale ----------------------------------------------------------------------------------


class _Bulk:
    """Applications of earlier years (and more of the running one) written with ``bulk_create``: the same
    steps, users, notes and budget rule as the services, without one query per step."""

    def __init__(self, seeder: _Seeder) -> None:
        self.seeder = seeder
        self.rng = seeder.rng
        self.plans: list[_Plan] = []

    def fund(self, fund: Fund, key: str, count: int, mix: dict[str, int]) -> None:
        seeder, rng = self.seeder, self.rng
        remaining = fund_totals(fund).free if fund.year == seeder.year else fund.budget
        if fund.year == seeder.year:
            reserve = self.reserved(fund)
            remaining -= reserve
        states, weights = list(mix), list(mix.values())
        year_end = min(
            seeder.horizon,
            datetime.datetime(fund.year + 1, 3, 31, 17, tzinfo=seeder.tz),
        )
        window = (seeder.window_start(fund.year), year_end)
        for _ in range(max(count, 0)):
            target = rng.choices(states, weights)[0]
            plan = self.plan(fund, key, target)
            if target in APPROVING:
                if plan.requested > remaining or plan.requested <= 0:
                    plan.target = S.REJECTED
                    plan.reason = EXHAUSTED.format(fund=fund.name, year=fund.year)
                    plan.conditions = ""
                else:
                    remaining -= plan.requested
            seeder.content(plan)
            self.details(plan)
            seeder.timeline(plan, window=window)
            self.plans.append(plan)

    def reserved(self, fund: Fund) -> Decimal:
        """What the running fund's applications for decision would bind if approved."""
        waiting = Application.objects.filter(fund=fund, status=S.FOR_DECISION).values_list("requested", flat=True)
        return sum(waiting, Decimal("0"))

    def plan(self, fund: Fund, key: str, target: str) -> _Plan:
        seeder, rng = self.seeder, self.rng
        if key == "verfuegung":
            return seeder.shared_plan(fund, target)
        if key == "projekt":
            title, low, high, description = rng.choice(PROJECTS)
            requested = seeder._euros(low, high, 100)
            own = seeder._euros(int(requested) // 20, int(requested) // 10, 50)
            org = seeder.project_org()
            return _Plan(
                fund=fund,
                target=target,
                title=title,
                description=description,
                lines=seeder.lines_for(title, requested + own, PROJECT_COSTS),
                own=own,
                organisation=org,
                person=seeder.contact(org),
            )
        title, costs, description = seeder.action_idea()
        person, org = seeder.resident_or_group()
        return _Plan(
            fund=fund,
            target=target,
            title=title,
            description=description,
            lines=seeder.lines_for(title, costs),
            person=person,
            organisation=org,
        )

    def details(self, plan: _Plan) -> None:
        """Like ``_Seeder.finish_plan`` without the timeline; decisions above the office's limit are the
        committee's."""
        rng = self.rng
        target = plan.target
        kind = plan.fund.kind
        if target == S.INELIGIBLE:
            pool = {Fund.Kind.ACTION_FUND: INELIGIBLE, Fund.Kind.PROJECT_FUND: PROJECT_INELIGIBLE}.get(
                kind, SHARED_INELIGIBLE
            )
            plan.unmet, plan.reason = rng.choice(pool)
        if target == S.APPROVED_WITH_CONDITIONS and self.committee_decides(plan):
            plan.target = target = S.APPROVED  # a committee approves as asked; conditions come from the office
        if target in DECIDED:
            plan.decision = "reject" if target == S.REJECTED else "defer" if target == S.DEFERRED else "approve"
            if target == S.REJECTED and not plan.reason:
                plan.reason = rng.choice(OFFICE_REJECTIONS)
            if target == S.DEFERRED:
                plan.note = rng.choice(DEFERRALS)
            if target == S.APPROVED_WITH_CONDITIONS:
                plan.conditions = rng.choice(CONDITIONS)
        if target == S.QUERY:
            plan.question = rng.choice(QUESTIONS)
        if target == S.WITHDRAWN:
            plan.note = rng.choice(WITHDRAWALS)
        if target in APPROVING:
            self.seeder.money(plan, plan.requested)
        detour = target not in (S.QUERY, S.SUBMITTED, S.DRAFT) and rng.random() < 0.1
        plan.steps = _steps(
            target,
            detour=detour,
            payments=len(plan.installments),
            pending=plan.pending is not None,
            withdraw_late=False,
        )

    def committee_decides(self, plan: _Plan) -> bool:
        fund = plan.fund
        return fund.committee_id is not None and (fund.office_limit is None or plan.requested > fund.office_limit)

    def write(self) -> None:
        seeder = self.seeder
        rng = self.rng
        worker, steering = seeder.worker, seeder.steering
        area = seeder.area
        plans = sorted(self.plans, key=lambda plan: plan.times[0])
        applications: list[Application] = []
        for plan in plans:
            status, submitted, decided = S.DRAFT, None, None
            for step, at in zip(plan.steps, plan.times[1:], strict=True):
                if step in ("submit", "resubmit") and submitted is None:
                    submitted = at
                if step == "decide":
                    decided = at
            totals = sum((line.amount for line in plan.lines), Decimal("0"))
            applications.append(
                Application(
                    area=area,
                    fund=plan.fund,
                    status=status,
                    organisation=plan.organisation,
                    person=plan.person,
                    title=plan.title,
                    description=plan.description,
                    goals=plan.goals,
                    place=plan.place,
                    start=plan.start,
                    end=plan.end,
                    expected_participants=plan.participants,
                    volunteer_contribution=plan.volunteering,
                    own_contribution=plan.own,
                    other_funding=plan.other,
                    total_costs=totals,
                    requested=plan.requested,
                    submitted_at=submitted,
                    decided_at=decided,
                )
            )
        # Children are made with the unsaved applications (Django takes the key once they are saved); audit entries
        # and many-to-many rows need the keys: they are made after the applications are written.
        lines: list[CostLine] = []
        checks: list[EligibilityCheck] = []
        changes: list[StatusChange] = []
        transitions: list[tuple[Application, str, str, str, datetime.datetime, User | None]] = []
        payments: list[Payment] = []
        repayments: list[Repayment] = []
        receipts: list[Receipt] = []
        fields_rows = []
        group_rows = []
        criteria: dict[int, list[EligibilityCriterion]] = {}
        for criterion in EligibilityCriterion.objects.filter(fund__area=area).order_by("fund_id", "position"):
            criteria.setdefault(criterion.fund_id, []).append(criterion)
        FieldLink = Application.fields_of_action.through
        GroupLink = Application.target_groups.through
        content_type = seeder.content_type
        for application, plan in zip(applications, plans, strict=True):
            lines += [
                CostLine(
                    application=application,
                    position=position,
                    category=line.category,
                    description=line.description,
                    amount=line.amount,
                )
                for position, line in enumerate(plan.lines, start=1)
            ]
            status = S.DRAFT
            paid = spent = Decimal("0")
            installments = iter(plan.installments)
            committee = self.committee_decides(plan)
            where = ""
            for step, at, before in zip(plan.steps, plan.times[1:], plan.times[:-1], strict=True):
                note = ""
                by: User | None = worker
                transition = STEP_TRANSITION.get(step)
                if step in ("submit", "resubmit", "proof", "withdraw"):
                    by = None
                if step == "query":
                    note = plan.question
                elif step in ("eligible", "ineligible"):
                    own = criteria.get(plan.fund.pk, [])
                    for index, criterion in enumerate(own):
                        met = step == "eligible" or index != min(plan.unmet, len(own) - 1)
                        checks.append(
                            EligibilityCheck(
                                application=application, criterion=criterion, met=met, note="" if met else plan.reason
                            )
                        )
                    if step == "ineligible":
                        application.reason = note = plan.reason
                elif step == "forward" and committee:
                    day = timezone.localdate(at + datetime.timedelta(days=10), seeder.tz)
                    where = f"Sitzung am {day:%d.%m.%Y}"
                    note = where
                elif step == "decide":
                    transition, note, by = self.decide(application, plan, at, committee, where)
                elif step == "commit":
                    by = steering
                elif step in ("pay", "record"):
                    amount = next(installments) if step == "pay" else plan.pending
                    recorded = before + (at - before) / 2 if step == "pay" else at
                    method = Payment.Method.CASH if amount <= 300 and rng.random() < 0.3 else Payment.Method.TRANSFER
                    payments.append(
                        Payment(
                            application=application,
                            amount=amount,
                            paid_on=seeder.payment_day(plan, recorded, application.decided_at or recorded),
                            method=method,
                            recorded_by=worker,
                            recorded_at=recorded,
                            released_by=steering if step == "pay" else None,
                            released_at=at if step == "pay" else None,
                        )
                    )
                    if step == "record":
                        continue
                    paid += amount
                    by = steering
                    note = gettext("%(amount)s € released.") % {"amount": euro(amount)}
                elif step == "proof":
                    bought = seeder.receipts(plan, paid)
                    handed_in = [
                        Receipt(application=application, date=day, vendor=vendor, amount=amount)
                        for day, vendor, amount in bought + seeder.unproven(plan, paid, bought)
                    ]
                    receipts += handed_in
                    spent = sum((amount for _day, _vendor, amount in bought), Decimal("0"))
                    application.proof_report = rng.choice(REPORTS).format(
                        title=plan.title, n=plan.participants or 30, street=rng.choice(STREETS)
                    )
                    application.actual_participants = max(1, int((plan.participants or 30) * rng.uniform(0.7, 1.3)))
                elif step == "settle":
                    for receipt in handed_in:  # every receipt checked, the unproven one not accepted
                        unproven = receipt.vendor == "Getränkemarkt am Kanal"
                        receipt.decision = Receipt.Decision.DISALLOWED if unproven else Receipt.Decision.ACCEPTED
                        receipt.decision_reason = seeder.disallowed(plan) if unproven else ""
                        receipt.decided_by, receipt.decided_at = worker, at
                    if spent >= paid:
                        transition = "settle"
                        application.settled_amount, application.reclaim_amount = paid, None
                    else:
                        transition = "reclaim"
                        application.settled_amount, application.reclaim_amount = spent, paid - spent
                        note = gettext("%(amount)s € to pay back.") % {"amount": euro(paid - spent)}
                elif step == "repaid":
                    by = steering
                    repayments.append(
                        Repayment(
                            application=application,
                            amount=paid - spent,
                            received_on=timezone.localdate(at, seeder.tz),
                            recorded_by=steering,
                            recorded_at=at,
                        )
                    )
                    note = gettext("%(amount)s € paid back.") % {"amount": euro(paid - spent)}
                elif step == "withdraw":
                    note = plan.note
                sources, to_status = TRANSITIONS[transition]
                if status not in sources:
                    raise RuntimeError(f"{plan.title}: {transition} from {status}")
                changes.append(
                    StatusChange(
                        application=application, from_status=status, to_status=to_status, at=at, by=by, note=note
                    )
                )
                transitions.append((application, transition, status, to_status, at, by))
                status = to_status
            if status != _final_status(plan.target):
                raise RuntimeError(f"{plan.title}: {status}, planned {plan.target}")
            application.status = status
        Application.objects.bulk_create(applications, batch_size=BATCH)
        for application, plan in zip(applications, plans, strict=True):
            seeder.created[application.pk] = plan.times[0]
            seeder.updated[application.pk] = plan.times[-1]
            fields_rows += [
                FieldLink(application_id=application.pk, fieldofaction_id=seeder.fields[key].pk)
                for key in plan.fields
                if key in seeder.fields
            ]
            group_rows += [
                GroupLink(application_id=application.pk, targetgroup_id=seeder.groups[name].pk)
                for name in plan.groups
                if name in seeder.groups
            ]
        entries = [
            LogEntry(
                content_type=content_type,
                object_pk=str(application.pk),
                object_id=application.pk,
                object_repr=application.title,
                action=LogEntry.Action.UPDATE,
                changes={"status": [before, after]},
                actor=by,
                timestamp=at,
                additional_data={"quartier_id": area.pk, "transition": transition},
            )
            for application, transition, before, after, at, by in transitions
        ]
        CostLine.objects.bulk_create(lines, batch_size=BATCH)
        EligibilityCheck.objects.bulk_create(checks, batch_size=BATCH)
        StatusChange.objects.bulk_create(changes, batch_size=BATCH)
        LogEntry.objects.bulk_create(entries, batch_size=BATCH)
        Payment.objects.bulk_create(payments, batch_size=BATCH)
        Repayment.objects.bulk_create(repayments, batch_size=BATCH)
        Receipt.objects.bulk_create(receipts, batch_size=BATCH)
        FieldLink.objects.bulk_create(fields_rows, batch_size=BATCH)
        GroupLink.objects.bulk_create(group_rows, batch_size=BATCH)

    def decide(
        self, application: Application, plan: _Plan, at: datetime.datetime, committee: bool, where: str
    ) -> tuple[str, str, User | None]:
        """The decision step: transition, note and who; sets the application's decision fields."""
        worker = self.seeder.worker
        fund = plan.fund
        note = ""
        if committee:
            note = gettext("Decision of %(committee)s: %(source)s") % {"committee": fund.committee, "source": where}
        if plan.decision == "approve":
            application.approved_amount = plan.requested
            application.conditions = "" if committee else plan.conditions
            transition = "approve_with_conditions" if application.conditions else "approve"
            note = "\n".join(part for part in (note, application.conditions) if part)
        elif plan.decision == "reject":
            application.reason = note if committee else plan.reason
            transition, note = "reject", note or plan.reason
        else:
            transition, note = "defer", note or plan.note
        return transition, note, worker
