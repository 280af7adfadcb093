"""Demo data for the committees module: a Quartiersrat and an Aktionsfondsjury per area.

``seed_committees`` fills one area after ``demo.actors.seed_actors`` has given it
persons and organisations; ``demo.seed.seed_demo`` calls it inside
``disable_auditlog()``. Members are drawn from the area's persons (residents for
the resident seats), serve two-year terms and may be re-elected; the jurors of
the running term log in as ``jury1`` … ``jury7``, accounts bound by the same rule
as the office's (``committees.services.members.check_account_binding``): a
staff or administrator's account, or another person's, is refused.

The small demo enters committees, members and meetings through the services
(``committee_create``, ``membership_create``, and for each meeting
``meeting_create``, ``agenda_item_add``, ``attendance_record``,
``agenda_recusal_record``, ``agenda_item_update`` with the counts,
``meeting_mark_held`` and ``minutes_approve``); the large demo writes the same
rows with ``bulk_create``. Either way the vote counts come from the members
present, recusals are rows per member and item (confirmed ``ConflictFlag``s, as
the office records them), and results and their basis come from
``committees.rules.explain`` over the same tally the meeting service builds, so
minutes and rules agree (the small demo checks that the service decides each
item as planned); a meeting without quorum votes on nothing (its items are
deferred, the one outcome chosen by hand). Online ballots go through the
real services at both scales (``ballot_create``, ``ballot_item_add``,
``ballot_open``, ``vote_cast``, ``conflict_declare``, ``ballot_close``)
wherever the voter has an account; earlier terms' jurors have
none, so their votes are written as the service would write them and the ballot
is then closed by the service, which computes the results from the stored votes.
Every random choice comes from the caller's ``random.Random`` and every date
from ``now``: the same seed and moment give the same data.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from actors.models import Affiliation, Organisation, Person
from committees.models import (
    AgendaItem,
    Attendance,
    Ballot,
    BallotItem,
    Choice,
    Committee,
    ConflictFlag,
    Meeting,
    Membership,
    Participation,
    Result,
    SecretVote,
    Vote,
)
from committees.rules import Rules, Tally, basis_of, explain, has_quorum, vote_holders
from committees.services.ballots import (
    ballot_close,
    ballot_create,
    ballot_item_add,
    ballot_open,
    conflict_declare,
    sealed_vote,
    vote_cast,
)
from committees.services.committees import MEMBERSHIP_FIELDS, committee_create, membership_create
from committees.services.conflicts import Applicant, conflict_reasons
from committees.services.meetings import (
    ITEM_FIELDS,
    agenda_item_add,
    agenda_item_update,
    agenda_recusal_record,
    attendance_record,
    meeting_create,
    meeting_mark_held,
    minutes_approve,
)
from committees.services.members import check_account_binding
from demo.accounts import DEMO_PASSWORD, demo_user
from demo.actors import PLACES, STREETS
from demo.db import BATCH, backdate_log, set_times
from quartier.models import Quartier, User

MT = Membership.MemberType
OK = Organisation.Kind
PRESENT, EXCUSED, ABSENT = Attendance.Status.PRESENT, Attendance.Status.EXCUSED, Attendance.Status.ABSENT
TERM_YEARS = 2
JURY_SIZE = 7
ACTION_FUND_BUDGET = 10_000


@dataclass(frozen=True)
class Sizes:
    history_years: int | None  # None: only the running term
    council_meetings: int  # past meetings of the Quartiersrat (plus one planned)
    jury_meetings: int  # past meetings of the jury
    closed_ballots: int  # one a year, the latest about two months ago


SIZES = {
    "small": Sizes(history_years=None, council_meetings=3, jury_meetings=2, closed_ballots=1),
    "large": Sizes(history_years=10, council_meetings=40, jury_meetings=40, closed_ballots=10),
}

# --- Seats --------------------------------------------------------------------------------------------------------

#: The Quartiersrat's seats: (member type, voting). 17 voting seats, 9 of them residents (52.9 % ≥ 51 %),
#: then two advisory seats.
COUNCIL_SEATS: list[tuple[str, bool]] = [
    *[(MT.RESIDENT, True)] * 9,
    *[(MT.INSTITUTION, True)] * 5,
    *[(MT.BUSINESS, True)] * 2,
    (MT.ADMINISTRATION, True),
    (MT.ADMINISTRATION, False),
    (MT.INSTITUTION, False),
]
#: Seats (indexes into COUNCIL_SEATS) that have a deputy. Deputies do not vote unless they stand in at a meeting,
#: so their memberships are not voting ones: the committee's voting members stay the 17 seats.
COUNCIL_DEPUTIES = [0, 1, 9]
#: How likely a member of the previous term was re-elected to the same seat.
REELECTION = {"council": 0.5, "jury": 0.4}
POOL_KINDS = {
    MT.INSTITUTION: {
        OK.SCHOOL, OK.DAYCARE, OK.PROVIDER, OK.ASSOCIATION, OK.RELIGION, OK.NEIGHBOURHOOD_ASSOCIATION, OK.HOUSING,
        OK.INITIATIVE, OK.OTHER,
    },
    MT.BUSINESS: {OK.BUSINESS},
    MT.ADMINISTRATION: {OK.PUBLIC_OFFICE},
}  # fmt: skip

# --- Texts --------------------------------------------------------------------------------------------------------

MONTHS = [
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
    "Dezember",
]  # fmt: skip

# (title, lowest and highest amount in euros, description)
ACTION_IDEAS: list[tuple[str, int, int, str]] = [
    (
        "Nachbarschaftsfest {place}",
        800,
        1500,
        "Fest mit Bühne, Kinderprogramm und Essensständen aus der Nachbarschaft.",
    ),
    (
        "Hochbeete für den Hof {street}",
        400,
        900,
        "Vier Hochbeete aus Holz, Erde und Saatgut; die Hausgemeinschaft pflegt sie.",
    ),
    ("Kiezputz mit anschließendem Grillen", 250, 500, "Handschuhe, Müllsäcke und Verpflegung für rund 40 Helfende."),
    ("Vorlesenachmittage für Kinder", 300, 700, "Zehn Termine mit ehrenamtlichen Lesepat*innen, Bücher und Obst."),
    (
        "Repair-Café: Werkzeug und Ersatzteile",
        500,
        1200,
        "Werkzeugkoffer, Lötstation und Kleinteile für monatliche Reparaturtreffen.",
    ),
    (
        "Interkulturelles Frauenfrühstück",
        300,
        600,
        "Monatliches Frühstück mit Kinderbetreuung; Lebensmittel und Geschirr.",
    ),
    (
        "Fußballturnier der Jugend {place}",
        600,
        1200,
        "Turnier für Teams aus dem Kiez, mit Schiedsrichter*innen und Pokalen.",
    ),
    ("Nähwerkstatt für Nachbarinnen", 700, 1400, "Zwei Nähmaschinen und Stoffe für einen offenen Nähtreff."),
    (
        "Kiezspaziergang mit der Geschichtswerkstatt",
        200,
        450,
        "Führungen zur Geschichte des Quartiers, Flyer in drei Sprachen.",
    ),
    ("Sommerkino im Innenhof", 700, 1500, "Drei Filmabende mit Leinwand, Beamer und Vorführlizenzen."),
    ("Tanznachmittag für Senior*innen", 250, 600, "Monatlicher Tanztee mit Musik und Kaffee im Nachbarschaftstreff."),
    (
        "Graffiti-Workshop an der Unterführung {place}",
        800,
        1500,
        "Jugendliche gestalten mit einem Künstler die Wand; Farben und Material.",
    ),
    ("Offener Bücherschrank {place}", 600, 1300, "Wetterfester Bücherschrank; zwei Pat*innen halten ihn in Ordnung."),
    ("Adventsmarkt der Nachbarschaft", 500, 1100, "Stände von Initiativen, Basteln mit Kindern und Punsch."),
    ("Kochabende „Küchen der Welt“", 300, 700, "Vier Abende, an denen Nachbar*innen Gerichte ihrer Herkunft kochen."),
    (
        "Baumscheiben bepflanzen in der {street}",
        300,
        800,
        "Stauden, Erde und Gießkannen; Anwohnende übernehmen die Pflege.",
    ),
    (
        "Hofflohmarkt mit Kinderprogramm",
        200,
        500,
        "Werbung, Tische und Spielangebote für einen Flohmarkt in vier Höfen.",
    ),
    ("Spielenachmittage für Familien", 250, 600, "Brett- und Bewegungsspiele, einmal im Monat im Nachbarschaftstreff."),
    ("Trommelworkshop für Jugendliche", 500, 1000, "Zehn Termine mit einer Trommellehrerin; Auftritt beim Kiezfest."),
    ("Tauschbörse für Kinderkleidung", 150, 400, "Kleiderständer, Plakate und Verpflegung für zwei Tauschtage."),
    ("Erste-Hilfe-Kurs am Kind für Eltern", 400, 800, "Kurs mit einer Kinderkrankenpflegerin, mit Kinderbetreuung."),
    (
        "Bank und Pflanzkübel vor dem Kiezladen",
        500,
        1000,
        "Sitzplatz zum Verweilen, mit Einverständnis der Hausverwaltung.",
    ),
]
# (title, lowest and highest amount in euros, description)
PROJECTS: list[tuple[str, int, int, str]] = [
    (
        "Sprachlotsinnen für Familien",
        18000,
        32000,
        "Mehrsprachige Begleitung von Familien zu Ämtern, Kitas und Schulen.",
    ),
    (
        "Hausaufgabenhilfe im Nachbarschaftshaus",
        12000,
        24000,
        "Lernförderung für die Klassen 3 bis 6 an vier Nachmittagen.",
    ),
    (
        "Mobile Jugendarbeit in den Abendstunden",
        25000,
        45000,
        "Aufsuchende Jugendarbeit an Treffpunkten, zwei Abende pro Woche.",
    ),
    (
        "Gemeinschaftsgarten: Wasseranschluss und Geräteschuppen",
        8000,
        15000,
        "Ausbau, damit weitere Hausgemeinschaften mitgärtnern.",
    ),
    (
        "Stadtteilzeitung: vier Ausgaben im Jahr",
        6000,
        12000,
        "Redaktion mit Ehrenamtlichen, Druck und Verteilung an alle Haushalte.",
    ),
    (
        "Sonnensegel für zwei Spielplätze",
        15000,
        30000,
        "Hitzeschutz für Kinder; die Pflege übernimmt das Grünflächenamt.",
    ),
    (
        "Besuchsdienst gegen Einsamkeit im Alter",
        10000,
        22000,
        "Ehrenamtliche besuchen ältere Nachbar*innen; Koordination und Schulung.",
    ),
    (
        "Elternbegleitung beim Übergang in die Schule",
        9000,
        18000,
        "Elterncafés und Lotsinnen für Familien mit Vorschulkindern.",
    ),
    (
        "Beteiligungswerkstatt zum Uferpark",
        5000,
        9000,
        "Planungswerkstatt mit Kindern, Jugendlichen und Älteren vor dem Umbau.",
    ),
    (
        "Kiezküche: Mittagstisch und Kochkurse",
        14000,
        26000,
        "Wöchentlicher Mittagstisch mit Kochkursen, offen für alle.",
    ),
    ("Fahrradwerkstatt für Jugendliche", 7000, 14000, "Offene Werkstatt mit Reparaturkursen und Leihrädern."),
    (
        "Medienprojekt „Unser Kiez im Film“",
        6000,
        11000,
        "Jugendliche drehen Porträts von Nachbar*innen; Premiere im Sommerkino.",
    ),
]
PROJECT_APPLICANT_KINDS = [
    OK.PROVIDER,
    OK.ASSOCIATION,
    OK.INITIATIVE,
    OK.SCHOOL,
    OK.NEIGHBOURHOOD_ASSOCIATION,
    OK.OTHER,
    OK.DAYCARE,
]
# (title, description, decision if adopted, decision if rejected); no decisions: an item for information
COUNCIL_TOPICS: list[tuple[str, str, str, str]] = [
    ("Stellungnahme zur Fortschreibung des ISEK {year}", "Entwurf der AG ISEK liegt der Einladung bei.",
     "Der Quartiersrat beschließt die Stellungnahme zur Fortschreibung des ISEK.",
     "Die Stellungnahme wird nicht beschlossen; die AG ISEK überarbeitet den Entwurf."),
    ("Schwerpunkte des Projektfonds {year}", "Vorschlag: Bildung und Klimaanpassung.",
     "Die Schwerpunkte Bildung und Klimaanpassung gelten für den Projektfonds {year}.",
     "Der Vorschlag findet keine Mehrheit; das Stadtteilbüro legt einen neuen vor."),
    ("Verkehrsberuhigung in der {street}", "Antrag von Anwohnenden auf Tempo 30 und einen Zebrastreifen.",
     "Der Quartiersrat unterstützt den Antrag und richtet ihn an das Bezirksamt.",
     "Der Antrag findet keine Mehrheit."),
    ("Umgestaltung des Platzes {place}: Ergebnisse der Beteiligung", "Vorstellung durch das Planungsbüro.", "", ""),
    ("Bericht der Aktionsfondsjury", "Bewilligte Aktionen des letzten Quartals.", "", ""),
    ("Vorstellung: {org}", "Gast aus dem Quartier stellt die eigene Arbeit vor.", "", ""),
]  # fmt: skip
TOPIC_MINUTES = [
    "Nach kurzer Aussprache werden Fragen zu Zeitplan und Beteiligung der Nachbarschaft beantwortet.",
    "Mehrere Mitglieder regen an, die Ergebnisse auch in der Stadtteilzeitung zu veröffentlichen.",
    "Die Diskussion dreht sich vor allem um die Barrierefreiheit und die Pflege nach dem Umbau.",
    "Es wird vereinbart, das Thema in der AG weiter zu vertiefen und im nächsten Quartal erneut zu berichten.",
]
OFFICE_REPORTS = [
    "Das Stadtteilbüro berichtet über die Sprechstunden, offene Anliegen und die Vorbereitung des Kiezfests.",
    "Die Bürgerwerkstatt zum Uferpark war mit über 60 Teilnehmenden gut besucht; die Ergebnisse folgen.",
    "Das Team stellt eine neue Kollegin in der Gemeinwesenarbeit vor und berichtet aus der Stadtteilkonferenz.",
    "Für den Projektfonds sind im laufenden Jahr noch Restmittel vorhanden; Anträge bitte bis Monatsende.",
    "Die Hitzeschutzaktion im Sommer wird ausgewertet; die Trinkwasserstellen sollen dauerhaft bleiben.",
    "Stand der ISEK-Maßnahmen: Der Schulhof der Grundschule wird ab Herbst umgebaut.",
]
MISC_MINUTES = [
    "Hinweis auf den Kiezputz am Samstag; Handschuhe und Zangen gibt es im Stadtteilbüro.",
    "Themenwünsche für die nächste Sitzung bitte an das Stadtteilbüro.",
    "Frage nach der Beleuchtung am Kanalweg: Das Stadtteilbüro fragt beim Bezirksamt nach.",
    "Einladung zur nächsten Stadtteilkonferenz.",
    "Keine weiteren Themen.",
]
PRESENTATIONS = [
    "stellt das Vorhaben vor und beantwortet Fragen zum Kostenplan.",
    "erläutert den Antrag; Nachfragen betreffen vor allem die Zielgruppe.",
    "stellt den Antrag vor. Die Mitglieder loben die Beteiligung der Nachbarschaft.",
    "berichtet, wer mitmacht und wie das Vorhaben bekannt gemacht wird.",
]
COUNCIL_REJECTIONS = [
    "Die Finanzierung nach dem Ende der Förderung ist nicht geklärt.",
    "Ein ähnliches Angebot gibt es bereits im Quartier.",
    "Der Kostenplan ist nicht nachvollziehbar.",
]
JURY_REJECTIONS = [
    "Die Jury sieht zu wenig Nutzen für die Nachbarschaft.",
    "Die Kosten für Verpflegung sind zu hoch angesetzt.",
    "Das Vorhaben wird bereits aus einem anderen Fonds gefördert.",
]
PROTOCOL_MINUTES = [
    "Keine Anmerkungen.",
    "Eine Ergänzung zum Bericht aus dem Stadtteilbüro wird aufgenommen.",
    "Die Schreibweise eines Namens wird korrigiert.",
]
NO_QUORUM_DECISION = (
    "Keine Entscheidung, nicht beschlussfähig: Der Punkt wird in der nächsten Sitzung erneut aufgerufen."
)
DEFERRALS = [
    "Der Antrag soll mit überarbeitetem Kostenplan erneut vorgelegt werden.",
    "Die Stellungnahme des Bezirksamts steht noch aus.",
    "Die antragstellende Person konnte nicht teilnehmen; Vorstellung in der nächsten Sitzung.",
]


def _euro(amount: int) -> str:
    return f"{amount:,} €".replace(",", ".")


def sentence(text: str) -> str:
    """'Kulturverein Anatolien e. V.' stays, 'Kita Sonnenschein' ends with a full stop."""
    return text if text.endswith(".") else f"{text}."


def _add_years(day: datetime.date, years: int) -> datetime.date:
    return day.replace(year=day.year + years)  # always the 1st of a month here


# --- Public entry point -------------------------------------------------------------------------------------------


def seed_committees(
    *,
    area: Quartier,
    scale: str,
    staff: list[User],
    rng: random.Random,
    now: datetime.datetime | None = None,
    account_prefix: str = "jury",
) -> dict[str, int]:
    """Give ``area`` its committees' demo data for ``scale`` ('small' or 'large'); return the counts per model.

    Runs after ``seed_actors`` for the same area and does nothing if the area already has committees. The
    jurors of the running term get the accounts ``{account_prefix}1`` … ``{account_prefix}7`` (reused if they
    exist, otherwise created with the demo password).
    """
    if scale not in SIZES:
        raise ValueError(f"Unknown scale {scale!r}; use one of {', '.join(SIZES)}.")
    return _seed(
        area=area,
        sizes=SIZES[scale],
        staff=staff,
        rng=rng,
        now=now,
        account_prefix=account_prefix,
        services=scale == "small",
    )


def committee_counts(area: Quartier) -> dict[str, int]:
    committees = Committee.objects.filter(area=area)
    return {
        "committees": committees.count(),
        "memberships": Membership.objects.filter(committee__in=committees).count(),
        "meetings": Meeting.objects.filter(committee__in=committees).count(),
        "agenda_items": AgendaItem.objects.filter(meeting__committee__in=committees).count(),
        "attendances": Attendance.objects.filter(meeting__committee__in=committees).count(),
        "ballots": Ballot.objects.filter(committee__in=committees).count(),
        "ballot_items": BallotItem.objects.filter(ballot__committee__in=committees).count(),
        "votes": Vote.objects.filter(item__ballot__committee__in=committees).count(),
        "secret_votes": SecretVote.objects.filter(item__ballot__committee__in=committees).count(),
        "participations": Participation.objects.filter(item__ballot__committee__in=committees).count(),
        "conflict_flags": ConflictFlag.objects.filter(
            Q(item__ballot__committee__in=committees) | Q(agenda_item__meeting__committee__in=committees)
        ).count(),
    }


def _seed(
    *,
    area: Quartier,
    sizes: Sizes,
    staff: Sequence[User],
    rng: random.Random,
    now: datetime.datetime | None = None,
    account_prefix: str = "jury",
    services: bool = False,
) -> dict[str, int]:
    """The seed of ``seed_committees``; ``services`` writes the committees, members and meetings through the
    services (the small demo), else in bulk. Ballots go through the services either way."""
    if Committee.objects.filter(area=area).exists():
        return committee_counts(area)
    if not staff:
        raise ValueError("Ballots are opened and closed by a staff member: pass at least one.")
    with transaction.atomic():
        _Seeder(
            area=area,
            sizes=sizes,
            staff=list(staff),
            rng=rng,
            now=now or timezone.now(),
            prefix=account_prefix,
            services=services,
        ).run()
    return committee_counts(area)


# --- The seeder ---------------------------------------------------------------------------------------------------


@dataclass
class _Term:
    start: datetime.date
    end: datetime.date
    members: list[Membership] = field(default_factory=list)

    @property
    def voting(self) -> list[Membership]:
        return [member for member in self.members if member.voting]


class _Seeder:
    def __init__(
        self,
        *,
        area: Quartier,
        sizes: Sizes,
        staff: list[User],
        rng: random.Random,
        now: datetime.datetime,
        prefix: str,
        services: bool,
    ) -> None:
        self.area = area
        self.sizes = sizes
        self.staff = staff
        self.rng = rng
        self.now = now
        self.prefix = prefix
        self.services = services
        self.clerk = staff[0]  # who enters committees, members and minutes through the services
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate(now, self.tz)
        self.vote_times: dict[int, datetime.datetime] = {}  # Vote pk -> when it was cast
        self.cast: dict[tuple[int, int], datetime.datetime] = {}  # (item pk, membership pk) -> when it was cast

    def run(self) -> None:
        self.load_actors()
        self.committees()
        self.plan_schedule()
        self.plan_members()
        self.members()
        self.meetings()
        self.ballots()
        self.finish()

    # Helpers

    def _at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def _staff_name(self) -> str:
        user = self.rng.choice(self.staff)
        return user.display_name or user.username

    def _term(self, kind: str, day: datetime.date) -> _Term:
        for term in self.terms[kind]:
            if term.start <= day <= term.end:
                return term
        raise ValueError(f"No term of the {kind} on {day}")  # the schedule is planned inside the terms

    def _amount(self, low: int, high: int) -> int:
        return self.rng.randint(low // 50, high // 50) * 50

    def _words(self) -> dict[str, object]:
        rng = self.rng
        return {
            "place": rng.choice(PLACES),
            "street": rng.choice(STREETS),
            "year": self.today.year,
            "org": rng.choice(self.orgs).name if self.orgs else self.area.name,
        }

    # Actors

    def load_actors(self) -> None:
        persons = list(Person.objects.filter(area=self.area, erased_at__isnull=True).order_by("pk"))
        if len(persons) < 40:
            raise ValueError("The area needs its persons first: run demo.actors.seed_actors before the committees.")
        self.persons = {person.pk: person for person in persons}
        self.orgs = list(Organisation.objects.filter(area=self.area, active=True).order_by("pk"))
        self.orgs_by_kind: dict[str, list[Organisation]] = {}
        for org in self.orgs:
            self.orgs_by_kind.setdefault(org.kind, []).append(org)
        links = (
            Affiliation.objects.filter(person__area=self.area, person__erased_at__isnull=True)
            .filter(Q(end__isnull=True) | Q(end__gte=self.today))
            .order_by("pk")
            .values_list("person_id", "organisation_id", "organisation__kind")
        )
        self.orgs_of: dict[int, set[int]] = {}
        kinds_of: dict[int, set[str]] = {}
        for person_id, org_id, kind in links:
            self.orgs_of.setdefault(person_id, set()).add(org_id)
            kinds_of.setdefault(person_id, set()).add(kind)
        rng = self.rng
        residents = [person for person in persons if person.is_resident]
        others = [person for person in persons if not person.is_resident]
        # Residents without an affiliation could become residents' representatives if residents run out.
        unlinked = [person for person in others if person.pk not in self.orgs_of]
        self.pools: dict[str, list[Person]] = {
            MT.RESIDENT: residents,
            "spare_residents": unlinked,
            "others": others,
            "anyone": list(persons),
        }
        for member_type, kinds in POOL_KINDS.items():
            self.pools[member_type] = [person for person in others if kinds_of.get(person.pk, set()) & kinds]
        for pool in self.pools.values():
            rng.shuffle(pool)
        self.owner: dict[int, str] = {}  # person pk -> the committee they sit in (nobody sits in both)
        self.make_residents: set[int] = set()

    def _draw(self, member_type: str, committee: str, taken: set[int]) -> Person:
        """A person nobody has drawn yet, for a seat of ``member_type``; residents' seats get residents."""
        fallbacks = (
            [MT.RESIDENT, "spare_residents", "anyone"]
            if member_type == MT.RESIDENT
            else [member_type, "others", "anyone"]
        )
        for pool in fallbacks:
            for person in self.pools[pool]:
                if person.pk not in self.owner and person.pk not in taken:
                    self.owner[person.pk] = committee
                    taken.add(person.pk)
                    if member_type == MT.RESIDENT and not person.is_resident:
                        self.make_residents.add(person.pk)
                    return person
        raise ValueError("Not enough persons in the area for its committees.")

    # Committees

    def committees(self) -> None:
        name = self.area.name
        rules: list[dict[str, object]] = [
            {
                "name": f"Quartiersrat {name}",
                "kind": Committee.Kind.NEIGHBOURHOOD_COUNCIL,
                "majority_rule": Committee.MajorityRule.VOTES_CAST,
                "quorum_share": 50,
                "resident_share": 51,
                "term_years": TERM_YEARS,
            },
            {
                "name": f"Aktionsfondsjury {name}",
                "kind": Committee.Kind.ACTION_FUND_JURY,
                "majority_rule": Committee.MajorityRule.ALL_MEMBERS,
                "quorum_members": 4,
                "resident_share": 100,
                "term_years": TERM_YEARS,
            },
        ]
        if self.services:
            self.council, self.jury = (committee_create(area=self.area, data=data, by=self.clerk) for data in rules)
        else:
            self.council, self.jury = Committee.objects.bulk_create(
                [Committee(area=self.area, **data) for data in rules]
            )

    # Schedule: terms, meeting days, ballot periods

    def _spread(self, start: datetime.date, count: int, weekday: int) -> list[datetime.date]:
        """``count`` days on ``weekday``, spread evenly from ``start`` to ten days ago."""
        end = self.today - datetime.timedelta(days=10)
        step = (end - start).days / count
        days = []
        for index in range(count):
            day = start + datetime.timedelta(days=int(step * (index + 0.5 + self.rng.uniform(-0.25, 0.25))))
            day += datetime.timedelta(days=(weekday - day.weekday()) % 7)
            if day.month == 12 and day.day > 20:  # no meetings between the holidays
                day -= datetime.timedelta(days=14)
            days.append(min(day, end))
        return days

    def plan_schedule(self) -> None:
        rng = self.rng
        today = self.today
        # The running terms began on the 1st of a month: the Quartiersrat's about ten months ago, the jury's later.
        council_start = (today - datetime.timedelta(days=rng.randint(300, 345))).replace(day=1)
        jury_start = (today - datetime.timedelta(days=rng.randint(200, 240))).replace(day=1)
        sizes = self.sizes
        if sizes.history_years is None:
            council_from = council_start + datetime.timedelta(days=14)
            jury_from = jury_start + datetime.timedelta(days=14)
        else:
            council_from = jury_from = today - datetime.timedelta(days=365 * sizes.history_years)
        self.meeting_days = {
            "council": self._spread(council_from, sizes.council_meetings, weekday=1),  # Tuesdays
            "jury": self._spread(jury_from, sizes.jury_meetings, weekday=3),  # Thursdays
        }
        earliest = min(council_from, jury_from)  # every meeting and ballot lies after it
        self.terms: dict[str, list[_Term]] = {}
        for kind, start in (("council", council_start), ("jury", jury_start)):
            terms = [_Term(start, _add_years(start, TERM_YEARS) - datetime.timedelta(days=1))]
            while terms[-1].start > earliest and (sizes.history_years is not None):
                before = _add_years(terms[-1].start, -TERM_YEARS)
                terms.append(_Term(before, terms[-1].start - datetime.timedelta(days=1)))
            self.terms[kind] = terms  # newest first
        # Closed ballots of the jury: one a year, the latest about two months ago, each inside one term.
        self.ballot_periods: list[tuple[datetime.datetime, datetime.datetime]] = []
        for year in range(sizes.closed_ballots):
            deadline_day = today - datetime.timedelta(days=rng.randint(55, 75) + 365 * year)
            term = self._term("jury", deadline_day)
            if deadline_day - datetime.timedelta(days=14) < term.start:
                deadline_day = term.start + datetime.timedelta(days=21)
            opened_day = deadline_day - datetime.timedelta(days=14)
            self.ballot_periods.append((self._at(opened_day, 9), self._at(deadline_day, 20)))

    # Members

    def _staff_term(
        self, committee: str, seats: list[tuple[str, bool]], deputies: list[int], newer: list[Person] | None
    ) -> list[Person]:
        """The persons of one term: seats first, then the deputies; some re-elected from the ``newer`` term."""
        taken: set[int] = set()
        chosen: list[Person] = []
        kinds = [member_type for member_type, _voting in seats] + [seats[seat][0] for seat in deputies]
        for index, member_type in enumerate(kinds):
            again = newer[index] if newer is not None else None
            if again is not None and again.pk not in taken and self.rng.random() < REELECTION[committee]:
                taken.add(again.pk)
                chosen.append(again)
            else:
                chosen.append(self._draw(member_type, committee, taken))
        return chosen

    def plan_members(self) -> None:
        jury_seats = [(MT.RESIDENT, True)] * JURY_SIZE
        self.plan: dict[str, list[list[Person]]] = {"council": [], "jury": []}
        for committee, seats, deputies in (("jury", jury_seats, []), ("council", COUNCIL_SEATS, COUNCIL_DEPUTIES)):
            newer = None
            for _term in self.terms[committee]:
                newer = self._staff_term(committee, seats, deputies, newer)
                self.plan[committee].append(newer)
        if self.make_residents:  # only when an area has too few residents for the resident seats
            Person.objects.filter(pk__in=self.make_residents).update(is_resident=True)
            for pk in self.make_residents:
                self.persons[pk].is_resident = True
        self.accounts = self._accounts(self.plan["jury"][0])

    def _accounts(self, jurors: list[Person]) -> list[User]:
        names = [f"{self.prefix}{number}" for number in range(1, JURY_SIZE + 1)]
        password = make_password(DEMO_PASSWORD)  # hashed once for all seven
        return [
            demo_user(name, str(person), f"{name}@example.org", hashed=password)
            for name, person in zip(names, jurors, strict=True)
        ]

    def members(self) -> None:
        principals: list[Membership] = []
        deputies: list[tuple[Membership, Membership]] = []  # (deputy, principal)
        for committee_key, committee in (("council", self.council), ("jury", self.jury)):
            seats = COUNCIL_SEATS if committee_key == "council" else [(MT.RESIDENT, True)] * JURY_SIZE
            for index, (term, persons) in enumerate(
                zip(self.terms[committee_key], self.plan[committee_key], strict=True)
            ):
                seated = []
                for seat, ((member_type, voting), person) in enumerate(zip(seats, persons, strict=False)):
                    account = self.accounts[seat] if committee_key == "jury" and index == 0 else None
                    seated.append(
                        Membership(
                            committee=committee,
                            person=person,
                            user=account,
                            member_type=member_type,
                            voting=voting,
                            start=term.start,
                            end=term.end,
                            named_publicly=seat % 3 != 2,  # two in three agreed to be named in the open data
                        )
                    )
                principals += seated
                term.members += seated
                if committee_key == "council":
                    for seat, person in zip(COUNCIL_DEPUTIES, persons[len(seats) :], strict=True):
                        deputy = Membership(
                            committee=committee,
                            person=person,
                            member_type=seats[seat][0],
                            voting=False,
                            start=term.start,
                            end=term.end,
                        )
                        deputies.append((deputy, seated[seat]))
                        term.members.append(deputy)
        for membership in principals:  # the jurors' accounts are bound by the one rule, as the office binds them
            if membership.user is not None:
                check_account_binding(membership=membership, user=membership.user)
        if self.services:
            for membership in principals:
                self._enter(membership)
            for deputy, principal in deputies:
                deputy.deputy_of = principal
                self._enter(deputy)
        else:
            Membership.objects.bulk_create(principals, batch_size=BATCH)
            for deputy, principal in deputies:
                deputy.deputy_of = principal
            Membership.objects.bulk_create([deputy for deputy, _principal in deputies], batch_size=BATCH)
        oldest = min(term.start for terms in self.terms.values() for term in terms)
        created = [self._at(oldest - datetime.timedelta(days=30), 10)] * 2
        set_times(Committee, [self.council.pk, self.jury.pk], created_at=created, updated_at=created)

    def _enter(self, membership: Membership) -> None:
        """Write ``membership`` through the service as the office enters a member; the planned object (which the
        terms, meetings and ballots hold) takes its key. A juror's account is bound after the rule, as the office's
        invitation binds an account (``committees.services.members``): the service would make an account of its
        own, and the demo's jurors log in as ``jury1`` … ``jury7``."""
        saved = membership_create(
            committee=membership.committee,
            data={name: getattr(membership, name) for name in MEMBERSHIP_FIELDS},
            by=self.clerk,
        )
        if membership.user is not None:
            check_account_binding(membership=saved, user=membership.user)
            saved.user = membership.user
            saved.save(update_fields=["user"])
        membership.pk = saved.pk
        membership._state.adding = False
        membership._state.db = saved._state.db

    # Meetings

    def _attendance(self, term: _Term, weak: bool) -> dict[int, str]:
        """Who came (membership pk -> status); deputies come when their principal does not."""
        rng = self.rng
        status: dict[int, str] = {}
        for member in term.members:
            if member.deputy_of_id is not None:
                continue
            present = (0.45 if weak else 0.82) if member.voting else 0.6
            draw = rng.random()
            status[member.pk] = (
                PRESENT if draw < present else EXCUSED if draw < present + (1 - present) * 0.7 else ABSENT
            )
        for member in term.members:
            if member.deputy_of_id is None:
                continue
            if status[member.deputy_of_id] != PRESENT and rng.random() < 0.7:
                status[member.pk] = PRESENT
            else:
                status[member.pk] = EXCUSED if rng.random() < 0.7 else ABSENT
        return status

    def _vote_item(
        self,
        committee: Committee,
        item: AgendaItem,
        voters: list[Membership],
        eligible: int,
        support: float,
        organisation: Organisation | None = None,
    ) -> str:
        """Vote on ``item`` with the ``voters`` present; members of the applying organisation are recused (the
        finder's reason), now and then another member declares a conflict in the meeting. The recusals are
        rows, the result and its basis come from the rules."""
        rng = self.rng
        applicant = (
            Applicant(organisation_id=organisation.pk, organisation_name=organisation.name) if organisation else None
        )
        recused: list[tuple[Membership, str]] = []
        for member in voters:
            reasons = (
                conflict_reasons(
                    person_id=member.person_id,
                    address=None,
                    organisation_ids=self.orgs_of.get(member.person_id, set()),
                    applicant=applicant,
                )
                if applicant
                else []
            )
            if reasons:
                recused.append((member, "\n".join(reasons)))
            elif rng.random() < 0.02:
                recused.append((member, gettext("Declared in the meeting.")))
        yes = no = abstain = 0
        for _member in range(len(voters) - len(recused)):
            draw = rng.random()
            if draw < 0.07:
                abstain += 1
            elif draw < 0.07 + 0.93 * support:
                yes += 1
            else:
                no += 1
        tally = Tally.in_meeting(
            yes=yes, no=no, abstain=abstain, recused=len(recused), eligible=eligible, present=len(voters)
        )
        rules = Rules.of(committee)
        item.yes, item.no, item.abstain, item.recusals = yes, no, abstain, len(recused)
        item.result = explain(rules, tally).result
        item.basis = basis_of(rules, tally)
        self.recusal_rows += [(item, member, reason) for member, reason in recused]
        for member, _reason in recused:
            person = self.persons[member.person_id]
            item.minutes += f" {person} erklärt sich für befangen und nimmt an Beratung und Abstimmung nicht teil."
        item.minutes = item.minutes.strip()
        return item.result

    def meetings(self) -> None:
        self.meeting_rows: list[Meeting] = []
        self.item_rows: list[AgendaItem] = []
        self.attendance_rows: list[Attendance] = []
        self.recusal_rows: list[tuple[AgendaItem, Membership, str]] = []
        for key, committee in (("council", self.council), ("jury", self.jury)):
            previous: Meeting | None = None
            granted: dict[int, int] = {}  # year -> euros granted by the jury at meetings
            for day in self.meeting_days[key]:
                meeting = self._past_meeting(key, committee, day, previous, granted)
                previous = meeting
        self._planned_council_meeting(previous_council=self._last_meeting(self.council))
        if self.services:
            self._hold_meetings()
            return
        Meeting.objects.bulk_create(self.meeting_rows, batch_size=BATCH)
        AgendaItem.objects.bulk_create(self.item_rows, batch_size=BATCH)
        Attendance.objects.bulk_create(self.attendance_rows, batch_size=BATCH)
        ConflictFlag.objects.bulk_create(
            [
                ConflictFlag(agenda_item=item, membership=member, reason=reason, status=ConflictFlag.Status.CONFIRMED)
                for item, member, reason in self.recusal_rows
            ],
            batch_size=BATCH,
        )

    def _hold_meetings(self) -> None:
        """The planned meetings through the meeting services, in order, as the office keeps them: the meeting and
        its agenda, then (once it has begun) the attendance, the recusals, each item's minutes with the counts
        (the service computes the result, which must be the planned one), "held", and the approval of the
        previous meeting's minutes where its item was adopted. The audit entries take the meetings' times."""
        items: dict[int, list[AgendaItem]] = {}
        for item in self.item_rows:
            items.setdefault(id(item.meeting), []).append(item)
        attendance: dict[int, dict[int, str]] = {}
        for row in self.attendance_rows:
            attendance.setdefault(id(row.meeting), {})[row.membership.pk] = row.status
        recused: dict[int, list[Membership]] = {}
        for item, member, _reason in self.recusal_rows:
            recused.setdefault(id(item), []).append(member)
        held: dict[int, tuple[Meeting, Meeting]] = {}  # committee pk -> its last meeting: as planned, as saved
        stamps: dict[int, list[datetime.datetime]] = {}
        for meeting in self.meeting_rows:
            data = {"starts_at": meeting.starts_at, "place": meeting.place, "online_link": meeting.online_link}
            saved = meeting_create(committee=meeting.committee, data=data, by=self.clerk)
            added = [
                agenda_item_add(meeting=saved, data={name: getattr(item, name) for name in ITEM_FIELDS}, by=self.clerk)
                for item in items.get(id(meeting), [])
            ]
            if meeting.status == Meeting.Status.PLANNED:
                continue
            end = meeting.starts_at + datetime.timedelta(minutes=saved.duration_minutes)
            attendance_record(meeting=saved, statuses=attendance[id(meeting)], by=self.clerk)
            for item, row in zip(items[id(meeting)], added, strict=True):
                for member in recused.get(id(item), []):
                    agenda_recusal_record(item=row, membership=member, recused=True, by=self.clerk, now=end)
                minutes: dict[str, object] = {"minutes": item.minutes, "decision": item.decision}
                if item.result == Result.DEFERRED:
                    minutes["deferred"] = True
                elif item.yes is not None:
                    minutes.update(yes=item.yes, no=item.no, abstain=item.abstain)
                row = agenda_item_update(item=row, data=minutes, by=self.clerk, now=end)
                if row.result != item.result:
                    raise RuntimeError(f"The meeting service decided {row.title!r} otherwise than the demo planned.")
            meeting_mark_held(meeting=saved, by=self.clerk, now=end)
            stamps[saved.pk] = [end]
            planned, previous = held.get(meeting.committee.pk, (None, None))
            if planned is not None and previous is not None and planned.status == Meeting.Status.APPROVED:
                minutes_approve(meeting=previous, at=saved, by=self.clerk, now=end)
                stamps[previous.pk].append(end)
            held[meeting.committee.pk] = (meeting, saved)
        backdate_log(Meeting, stamps)

    def _last_meeting(self, committee: Committee) -> Meeting | None:
        held = [meeting for meeting in self.meeting_rows if meeting.committee is committee]
        return held[-1] if held else None

    def _place(self, key: str) -> tuple[str, str]:
        rng = self.rng
        if key == "jury":
            return f"Stadtteilbüro {self.area.name}", ""
        schools = self.orgs_by_kind.get(OK.SCHOOL, [])
        churches = self.orgs_by_kind.get(OK.RELIGION, [])
        places = [f"Nachbarschaftstreff, {rng.choice(STREETS)} {rng.randint(1, 60)}", f"Stadtteilbüro {self.area.name}"]
        if schools:
            places.append(f"Aula, {rng.choice(schools).name}")
        if churches:
            places.append(f"Gemeindesaal, {rng.choice(churches).name}")
        place = rng.choice(places)
        link = f"https://meet.example.org/quartiersrat-{self.area.slug}" if rng.random() < 0.3 else ""
        return place, link

    def _past_meeting(
        self, key: str, committee: Committee, day: datetime.date, previous: Meeting | None, granted: dict[int, int]
    ) -> Meeting:
        rng = self.rng
        term = self._term(key, day)
        hour, minute = (18, 0) if key == "council" else (17, 30)
        place, link = self._place(key)
        meeting = Meeting(
            committee=committee, starts_at=self._at(day, hour, minute), place=place, online_link=link,
            status=Meeting.Status.HELD,
        )  # fmt: skip
        self.meeting_rows.append(meeting)
        status = self._attendance(term, weak=rng.random() < 0.03)
        self.attendance_rows += [
            Attendance(meeting=meeting, membership=member, status=status[member.pk]) for member in term.members
        ]
        present = [member for member in term.members if status[member.pk] == PRESENT]
        holders = vote_holders(term.members, {member.pk for member in present})
        voters = [member for member in present if member.pk in holders]
        eligible = len(term.voting)
        quorate = has_quorum(committee, Tally.in_meeting(eligible=eligible, present=len(voters)))
        items: list[AgendaItem] = []

        def add(title: str, description: str = "", minutes: str = "") -> AgendaItem:
            item = AgendaItem(
                meeting=meeting, position=len(items) + 1, title=title[:200], description=description, minutes=minutes
            )
            items.append(item)
            return item

        # Opening
        residents = [m for m in voters if m.member_type == MT.RESIDENT] or voters or present or term.members
        chair = self.persons[rng.choice(residents).person_id]
        body = "der Quartiersrat" if key == "council" else "die Jury"
        stand_ins = [
            f"{self.persons[m.person_id]} vertritt {self.persons[self._principal(term, m).person_id]}."
            for m in voters
            if not m.voting
        ]
        opening = f"{chair} eröffnet die Sitzung um {hour}:{minute + rng.randint(0, 9):02d} Uhr. "
        if quorate:
            opening += (
                f"{len(voters)} von {eligible} stimmberechtigten Mitgliedern sind anwesend; {body} ist beschlussfähig."
            )
        else:
            opening += (
                f"Nur {len(voters)} von {eligible} stimmberechtigten Mitgliedern sind anwesend; {body} ist nicht "
                "beschlussfähig. Die Punkte werden besprochen, Beschlüsse vertagt."
            )
        add(
            "Begrüßung und Feststellung der Beschlussfähigkeit",
            minutes=" ".join([opening, *stand_ins, f"Protokoll: {self._staff_name()}."]),
        )

        def decided(
            item: AgendaItem, support: float, adopted: str, rejected: str, org: Organisation | None = None
        ) -> str:
            if not quorate:  # nothing is voted on: deferred, the one outcome chosen by hand
                item.result = Result.DEFERRED
                item.decision = NO_QUORUM_DECISION
                return item.result
            result = self._vote_item(committee, item, voters, eligible, support, org)
            item.decision = {
                Result.ADOPTED: adopted,
                Result.REJECTED: rejected,
                Result.NO_QUORUM: "Keine Entscheidung: wegen Befangenheit zu wenige Stimmberechtigte.",
            }[result]
            return result

        # Minutes of the previous meeting
        if previous is not None:
            item = add(
                f"Genehmigung des Protokolls vom {previous.starts_at.astimezone(self.tz):%d.%m.%Y}",
                minutes=rng.choice(PROTOCOL_MINUTES),
            )
            result = decided(
                item,
                0.95,
                "Das Protokoll wird genehmigt.",
                "Das Protokoll wird nicht genehmigt; eine berichtigte Fassung folgt.",
            )
            if result == Result.ADOPTED:
                previous.status = Meeting.Status.APPROVED
        first_of_term = previous is None or self._term(key, previous.starts_at.astimezone(self.tz).date()) is not term
        if key == "council" and first_of_term and len(residents) >= 2:
            speakers = rng.sample(residents, k=2)
            names = " und ".join(str(self.persons[m.person_id]) for m in speakers)
            item = add(
                "Konstituierung: Wahl der Sprecher*innen",
                "Wahl für die Amtszeit des Quartiersrats.",
                "Aus der Runde werden Kandidat*innen vorgeschlagen; sie stellen sich kurz vor. Wahl per Handzeichen.",
            )
            decided(item, 0.9, f"Gewählt sind {names}.", "Keine Mehrheit im ersten Wahlgang; die Wahl wird wiederholt.")

        if key == "council":
            add("Bericht aus dem Stadtteilbüro", minutes=rng.choice(OFFICE_REPORTS))
            for _topic in range(rng.randint(1, 3)):
                if rng.random() < 0.6:
                    self._project_item(add, decided)
                else:
                    title, description, adopted, rejected = rng.choice(COUNCIL_TOPICS)
                    words = self._words() | {"year": day.year + (1 if day.month >= 10 else 0)}
                    item = add(title.format(**words), description, rng.choice(TOPIC_MINUTES))
                    if adopted:
                        decided(item, rng.choice((0.5, 0.8, 0.9)), adopted.format(**words), rejected.format(**words))
        else:
            spent = granted.get(day.year, 0)
            add(
                f"Aktionsfonds {day.year}: Stand der Mittel",
                minutes=(
                    f"Für {day.year} stehen {_euro(ACTION_FUND_BUDGET)} zur Verfügung; in Sitzungen bewilligt sind "
                    f"bisher {_euro(spent)}, offen sind {_euro(max(ACTION_FUND_BUDGET - spent, 0))}."
                ),
            )
            for title, amount, description in self._ideas(rng.randint(2, 4)):
                item = add(title, description, "")
                item.minutes = (
                    f"{self.persons[rng.choice(present or term.members).person_id]} {rng.choice(PRESENTATIONS)}"
                )
                if quorate and rng.random() < 0.06:
                    item.result, item.decision = Result.DEFERRED, f"Vertagt: {rng.choice(DEFERRALS)}"
                    continue
                result = decided(
                    item,
                    rng.choice((0.55, 0.8, 0.95)),
                    f"Die Jury bewilligt {_euro(amount)} aus dem Aktionsfonds.",
                    f"Die Jury lehnt den Antrag ab. {rng.choice(JURY_REJECTIONS)}",
                )
                if result == Result.ADOPTED:
                    granted[day.year] = granted.get(day.year, 0) + amount
        add("Verschiedenes", minutes=rng.choice(MISC_MINUTES))
        self.item_rows += items
        return meeting

    def _principal(self, term: _Term, deputy: Membership) -> Membership:
        return next(member for member in term.members if member.pk == deputy.deputy_of_id)

    def _project_item(self, add: Callable[..., AgendaItem], decided: Callable[..., str]) -> None:
        rng = self.rng
        title, low, high, description = rng.choice(PROJECTS)
        applicants = [org for kind in PROJECT_APPLICANT_KINDS for org in self.orgs_by_kind.get(kind, [])]
        org = rng.choice(applicants or self.orgs)
        amount = self._amount(low, high)
        item = add(
            f"Projektfonds: {title} – {_euro(amount)}",
            f"Träger: {sentence(org.name)} {description}",
            f"Eine Vertreterin von {org.name} {rng.choice(PRESENTATIONS)}",
        )
        if rng.random() < 0.07:
            item.result, item.decision = Result.DEFERRED, f"Vertagt: {rng.choice(DEFERRALS)}"
            return
        decided(
            item,
            rng.choice((0.5, 0.75, 0.9)),
            f"Der Quartiersrat empfiehlt die Förderung aus dem Projektfonds mit {_euro(amount)}.",
            f"Der Quartiersrat empfiehlt die Förderung nicht. {rng.choice(COUNCIL_REJECTIONS)}",
            org,
        )

    def _ideas(self, count: int) -> list[tuple[str, int, str]]:
        """``count`` different Aktionsfonds applications: (title with amount, amount, description)."""
        rng = self.rng
        ideas = []
        for title, low, high, description in rng.sample(ACTION_IDEAS, k=count):
            amount = self._amount(low, high)
            words = self._words()
            neighbours = [person for person in self.pools[MT.RESIDENT] if person.pk not in self.owner]
            if neighbours and rng.random() < 0.6:
                applicant = str(rng.choice(neighbours))
            else:
                initiatives = self.orgs_by_kind.get(OK.INITIATIVE) or self.orgs
                applicant = rng.choice(initiatives).name
            ideas.append(
                (
                    f"{title.format(**words)} – {_euro(amount)}",
                    amount,
                    f"Antrag von {sentence(applicant)} {description}",
                )
            )
        return ideas

    def _planned_council_meeting(self, previous_council: Meeting | None) -> None:
        rng = self.rng
        day = self.today + datetime.timedelta(days=rng.randint(14, 28))
        day += datetime.timedelta(days=(1 - day.weekday()) % 7)
        place, link = self._place("council")
        meeting = Meeting(
            committee=self.council, starts_at=self._at(day, 18), place=place, online_link=link,
            status=Meeting.Status.PLANNED,
        )  # fmt: skip
        self.meeting_rows.append(meeting)
        titles = [("Begrüßung und Feststellung der Beschlussfähigkeit", "")]
        if previous_council is not None:
            titles.append(
                (f"Genehmigung des Protokolls vom {previous_council.starts_at.astimezone(self.tz):%d.%m.%Y}", "")
            )
        titles.append(("Bericht aus dem Stadtteilbüro", ""))
        title, low, high, description = rng.choice(PROJECTS)
        org = rng.choice(self.orgs_by_kind.get(OK.PROVIDER) or self.orgs)
        amount = self._amount(low, high)
        titles.append((f"Projektfonds: {title} – {_euro(amount)}", f"Träger: {sentence(org.name)} {description}"))
        topic, topic_description, _adopted, _rejected = COUNCIL_TOPICS[0]
        titles.append((topic.format(**self._words()), topic_description))
        titles.append(("Verschiedenes", ""))
        self.item_rows += [
            AgendaItem(meeting=meeting, position=position, title=title, description=description)
            for position, (title, description) in enumerate(titles, start=1)
        ]

    # Ballots

    def ballots(self) -> None:
        self.ballot_times: dict[int, tuple[datetime.datetime, datetime.datetime | None]] = {}
        for year, (opened, deadline) in reversed(list(enumerate(self.ballot_periods))):
            self._closed_ballot(opened, deadline, secret=year % 3 == 2)
        self._open_ballot()

    def _title(self, moment: datetime.datetime) -> str:
        local = moment.astimezone(self.tz)
        return f"Umlaufverfahren Aktionsfonds {MONTHS[local.month - 1]} {local.year}"

    def _new_ballot(
        self, opened: datetime.datetime, deadline: datetime.datetime, *, secret: bool, items: int
    ) -> Ballot:
        """A ballot of the jury drafted and opened through the services at ``opened``."""
        data = {"title": self._title(opened), "deadline": deadline, "secret": secret}
        ballot = ballot_create(committee=self.jury, data=data, by=self.clerk, now=opened)
        for title, _amount, description in self._ideas(items):
            ballot_item_add(ballot=ballot, data={"title": title, "description": description}, by=self.clerk)
        return ballot_open(ballot=ballot, by=self.rng.choice(self.staff), now=opened)

    def _choice(self, support: float) -> str:
        draw = self.rng.random()
        return Choice.ABSTAIN if draw < 0.06 else Choice.YES if draw < 0.06 + 0.94 * support else Choice.NO

    def _closed_ballot(self, opened: datetime.datetime, deadline: datetime.datetime, *, secret: bool) -> None:
        """A past ballot: votes inside its period (through the services for members with an account), then closed
        by the service at its deadline, which computes the results from the stored votes."""
        rng = self.rng
        ballot = self._new_ballot(opened, deadline, secret=secret, items=rng.randint(3, 4))
        term = self._term("jury", timezone.localdate(deadline, self.tz))
        span = (deadline - opened).total_seconds()
        votes: list[Vote] = []
        secret_votes: list[SecretVote] = []
        participations: list[Participation] = []
        flags: list[ConflictFlag] = []
        for item in ballot.items.all():
            support = rng.choice((0.5, 0.8, 0.95))
            for member in term.voting:
                draw = rng.random()
                at = opened + datetime.timedelta(seconds=rng.uniform(1800, span - 3600))
                if draw < 0.015:
                    if member.user is not None:
                        conflict_declare(item=item, membership=member, by=member.user, now=at)
                    else:
                        participations.append(
                            Participation(item=item, membership=member, kind=Participation.Kind.RECUSED)
                        )
                        flags.append(
                            ConflictFlag(
                                item=item, membership=member, reason=gettext("Declared by the member."),
                                status=ConflictFlag.Status.CONFIRMED,
                            )
                        )  # fmt: skip
                    continue
                if draw < 0.15:
                    continue  # did not vote before the deadline
                choice = self._choice(support)
                self.cast[(item.pk, member.pk)] = at
                if member.user is not None:
                    vote_cast(item=item, membership=member, choice=choice, by=member.user, now=at)
                    continue
                if secret:
                    secret_votes.append(sealed_vote(ballot, item, member, choice))
                else:
                    votes.append(Vote(item=item, membership=member, choice=choice))
                participations.append(Participation(item=item, membership=member, kind=Participation.Kind.VOTED))
        Vote.objects.bulk_create(votes, batch_size=BATCH)
        SecretVote.objects.bulk_create(secret_votes, batch_size=BATCH)
        Participation.objects.bulk_create(participations, batch_size=BATCH)
        ConflictFlag.objects.bulk_create(flags, batch_size=BATCH)
        ballot_close(ballot=ballot, by=rng.choice(self.staff), now=deadline)
        self.ballot_times[ballot.pk] = (opened, deadline)

    def _open_ballot(self) -> None:
        """The running ballot: open until about ten days from now; a few jurors have voted, jury1 has not."""
        rng = self.rng
        opened = self.now - datetime.timedelta(days=2, hours=rng.randint(0, 6))
        deadline = self._at(self.today + datetime.timedelta(days=10), 20)
        ballot = self._new_ballot(opened, deadline, secret=False, items=4)
        items = list(ballot.items.all())
        jurors = self.terms["jury"][0].voting  # jury1 … jury7, in this order
        span = (self.now - opened).total_seconds()
        plan = [(jurors[1], items), (jurors[2], items[:2]), (jurors[3], items)]
        for member, voted in plan:
            for item in voted:
                at = opened + datetime.timedelta(seconds=rng.uniform(600, span - 60))
                self.cast[(item.pk, member.pk)] = at
                vote_cast(item=item, membership=member, choice=self._choice(0.8), by=member.user, now=at)
        at = opened + datetime.timedelta(seconds=rng.uniform(600, span - 60))
        conflict_declare(item=items[-1], membership=jurors[4], by=jurors[4].user, now=at)
        self.cast[(items[0].pk, jurors[4].pk)] = at
        vote_cast(item=items[0], membership=jurors[4], choice=Choice.YES, by=jurors[4].user, now=at)
        self.ballot_times[ballot.pk] = (opened, None)

    # Finish: timestamps the services stamped with the real time

    def finish(self) -> None:
        votes = Vote.objects.filter(item__ballot__committee=self.jury).values_list("pk", "item_id", "membership_id")
        stamped = [(pk, self.cast[(item_id, member_id)]) for pk, item_id, member_id in votes]
        set_times(Vote, [pk for pk, _at in stamped], cast_at=[at for _pk, at in stamped])
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Ballot),
            object_pk__in=[str(pk) for pk in self.ballot_times],
        ).values_list("pk", "object_pk", "additional_data")
        stamps = []
        for pk, object_pk, data in entries:
            opened, closed = self.ballot_times[int(object_pk)]
            at = closed if (data or {}).get("transition") == "ballot_close" else opened
            if at is not None:
                stamps.append((pk, at))
        set_times(LogEntry, [pk for pk, _at in stamps], timestamp=[at for _pk, at in stamps])
