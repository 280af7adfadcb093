"""Demo data for the ISEK module: versions, goals, measures with their cost and financing plans, indicators.

``seed_isek`` fills one area after ``demo.actors.seed_actors``, ``demo.committees.seed_committees`` and
``demo.fonds.seed_funds``; ``demo.seed.seed_demo`` calls it inside ``disable_auditlog()``. It does nothing
if the area already has an ISEK.

Small: the adopted "ISEK 2024" (29 measures) and its yearly update "ISEK 2024, Fortschreibung 2026", a draft
made with ``isek.services.version_continue`` and then edited as the office would: two measures taken out,
three added, statuses moved on, planned costs revised from 2026 on, the spending, progress notes, reached
milestones and indicator values since the adoption added. The draft has 4 overall goals, 12 goals in the five
fields of action, 30 measures in every status and 10 indicators; version 2024 is adopted through
``version_adopt``, whose audit entry is dated on the adoption.

Large: ten yearly versions (a chain through ``previous``, all adopted but the newest) with 300 measures and
40 indicators in the newest, written with ``bulk_create``: each version holds what the office had recorded
when it was adopted (the draft: up to now), as ``version_continue`` would have copied it. Every measure has
one plan over the years; a version takes its status from the dates (idea, preparation, running, done, or
deferred and dropped since a day), and a revision of the costs applies to the version's year and later.

In both, the financing of a year adds up to its planned cost: urban development funding in thirds
(``split_urban_funding``) besides other programmes, third parties or private money; spending stays below the
financing of its year and source. Every random choice comes from the caller's ``random.Random`` and every
date from ``now``.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from actors.models import Concern, Organisation
from committees.models import AgendaItem, Result
from demo.actors import PLACES, SCHOOL_NAMES, STREETS
from demo.db import BATCH, backdate_log, set_times
from fonds.models import Application
from isek.models import (
    Financing,
    Goal,
    Indicator,
    IndicatorValue,
    Measure,
    Milestone,
    PlannedCost,
    ProgressNote,
    Source,
    Spending,
    Version,
)
from isek.services import (
    INDICATOR_FIELDS,
    MEASURE_FIELDS,
    YearPlan,
    finance_plan_save,
    goal_save,
    indicator_save,
    indicator_value_set,
    measure_save,
    milestone_add,
    milestone_reached,
    progress_note_add,
    spending_add,
    split_urban_funding,
    version_adopt,
    version_continue,
    version_create,
)
from quartier.models import FieldOfAction, Quartier, Role, RoleAssignment, User
from quartier.permissions import area_permissions

MS = Measure.Status
INV, SOC = Measure.Kind.INVESTIVE, Measure.Kind.SOCIAL
STEUERUNG, PLANUNG, GWA = Role.STEUERUNG.value, Role.PLANUNG.value, Role.GEMEINWESENARBEIT.value
OK = Organisation.Kind
HIGHER, LOWER = Indicator.Direction.HIGHER, Indicator.Direction.LOWER
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Sizes:
    versions: int  # yearly versions; all adopted but the newest
    measures: int  # measures in the newest version
    indicators: int


#: The small ISEK is the curated one below (MEASURES; the first ``indicators`` of INDICATORS): its numbers of
#: versions and measures are those of MEASURES, stated here and tested.
SIZES = {
    "small": Sizes(versions=2, measures=30, indicators=10),
    "large": Sizes(versions=10, measures=300, indicators=40),
}

# --- Goals --------------------------------------------------------------------------------------------------------

#: Overall goals (Leitziele).
OVERALL_GOALS = [
    "Ein lebendiger, solidarischer Kiez, in dem Nachbarschaft gelebt wird",
    "Gute Bildung und gesundes Aufwachsen für alle Kinder und Jugendlichen",
    "Grüne, klimaangepasste und sichere öffentliche Räume am Kanal",
    "Bewohner*innen gestalten mit – starke Netzwerke tragen den Kiez über die Förderung hinaus",
]
#: Goals of the fields of action (Handlungsziele): (field of action key, index of the overall goal, title).
#: Measures and indicators name them by their index in this list.
GOALS: list[tuple[str, int, str]] = [
    ("integration-nachbarschaft", 0, "Begegnungsorte schaffen und erhalten"),
    ("integration-nachbarschaft", 0, "Zusammenleben der Kulturen und Generationen stärken"),
    ("integration-nachbarschaft", 0, "Ältere und Alleinlebende in die Nachbarschaft einbinden"),
    ("bildung", 1, "Kitas, Schulen und Bibliothek öffnen und vernetzen"),
    ("bildung", 1, "Kinder und Eltern beim Lernen und beim Übergang in den Beruf unterstützen"),
    ("oeffentlicher-raum", 2, "Kanalufer und Plätze als Orte zum Verweilen gestalten"),
    ("oeffentlicher-raum", 2, "Mehr Grün und weniger Hitze in Straßen und Höfen"),
    ("oeffentlicher-raum", 2, "Spiel- und Freiflächen sichern und aufwerten"),
    ("gesundheit-bewegung", 1, "Bewegung im Alltag für alle Generationen fördern"),
    ("gesundheit-bewegung", 0, "Gesundheitsangebote für schwer erreichbare Gruppen ausbauen"),
    ("beteiligung-vernetzung", 3, "Bewohner*innen an Entscheidungen beteiligen"),
    ("beteiligung-vernetzung", 3, "Netzwerke stärken und Strukturen verstetigen"),
]
#: The letter of a measure's number, by its (first) field of action: "Ö-3", "B-1".
LETTERS = {
    "integration-nachbarschaft": "I",
    "bildung": "B",
    "oeffentlicher-raum": "Ö",
    "gesundheit-bewegung": "G",
    "beteiligung-vernetzung": "V",
}

# --- Measures -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureSpec:
    """A measure of the small ISEK. ``status`` holds its status in ISEK 2024 and in the Fortschreibung 2026
    (None: not in that version); ``factor`` revises its planned costs from 2026 on; ``mix`` is the share (%) of
    other sources, the rest is urban development funding; ``lead`` is the kind of the lead organisation and a
    word of its name if one fits; ``words`` find concerns, fund applications and committee decisions to link."""

    number: str
    fields: tuple[str, ...]
    kind: str
    role: str
    title: str
    description: str
    place: str
    start: tuple[int, int]  # year, month
    end: tuple[int, int]
    cost: int  # euros over all years
    status: tuple[str | None, str | None]
    goals: tuple[int, ...]
    lead: tuple[str, str] | None = None
    mix: tuple[tuple[str, int], ...] = ()
    factor: str = "1"
    words: tuple[str, ...] = ()
    note: str = ""  # the latest progress note of a deferred or dropped measure


_OR, _BI, _IN = "oeffentlicher-raum", "bildung", "integration-nachbarschaft"
_GB, _BV, _KL = "gesundheit-bewegung", "beteiligung-vernetzung", "klima"
_P = Source.OTHER_PROGRAMME
_T = Source.THIRD_PARTY
_PR = Source.PRIVATE

MEASURES: list[MeasureSpec] = [
    MeasureSpec(
        "Ö-1", (_OR, _KL), INV, PLANUNG, "Umgestaltung der Uferpromenade am Kanal",
        "Barrierefreier Uferweg mit Sitzstufen zum Wasser, neuer Beleuchtung und 40 zusätzlichen Bäumen. Grundlage "
        "sind die Ergebnisse der Planungswerkstatt 2021; der zweite Bauabschnitt folgt nach der Sanierung der "
        "Spundwand.",
        "Uferstraße zwischen Schleusenbrücke und Hafenbecken", (2022, 3), (2027, 10), 2_400_000,
        (MS.RUNNING, MS.RUNNING), (5, 6), (OK.PUBLIC_OFFICE, "Grünflächenamt"), factor="1.12",
        words=("Kanalweg", "Laternen"),
    ),
    MeasureSpec(
        "Ö-2", (_OR,), INV, PLANUNG, "Neugestaltung des Brunnenplatzes",
        "Der Platz ist entsiegelt, der Brunnen saniert; Bänke, Schattenbäume und ein Wasserspiel für Kinder laden "
        "zum Bleiben ein, und der Wochenmarkt hat wieder Platz.",
        "Brunnenplatz", (2020, 4), (2023, 9), 850_000, (MS.DONE, MS.DONE), (5,), (OK.PUBLIC_OFFICE, "Grünflächenamt"),
        words=("Sitzbänke",),
    ),
    MeasureSpec(
        "Ö-3", (_OR, _KL, _BI), INV, PLANUNG, "Entsiegelung und Begrünung des Schulhofs der Grundschule",
        "Asphalt wird durch Grün, Sand und wasserdurchlässige Beläge ersetzt; nachmittags ist der Hof für die "
        "Nachbarschaft geöffnet. Die Schüler*innen haben in einer Projektwoche mitgeplant.",
        "Schulhof der Grundschule, Schulstraße", (2027, 6), (2028, 9), 620_000, (MS.IDEA, MS.PREPARING), (6, 7),
        (OK.SCHOOL, ""), mix=((_P, 30),), factor="1.08", words=("Schatten",),
    ),
    MeasureSpec(
        "Ö-4", (_OR, _GB), INV, PLANUNG, "Sanierung und Erweiterung des Spielplatzes am Lindenplatz",
        "Neue Kletterlandschaft, Wasserspiel und Sitzplätze für Eltern; Kinder aus zwei Kitas haben die Geräte "
        "ausgesucht.",
        "Lindenplatz", (2025, 3), (2026, 10), 380_000, (MS.PREPARING, MS.DONE), (7,),
        (OK.PUBLIC_OFFICE, "Grünflächenamt"), words=("Spielplatz", "Spielplätze", "Sonnensegel"),
    ),
    MeasureSpec(
        "Ö-5", (_OR, _KL), INV, PLANUNG, "Hofbegrünungsprogramm für die Gründerzeithöfe",
        "Zuschüsse für Eigentümer*innen, die Höfe entsiegeln, Fassaden begrünen oder Regenwasser versickern lassen; "
        "die Hälfte tragen die Eigentümer*innen. Das Stadtteilbüro berät und bringt Hausgemeinschaften zusammen.",
        "Blöcke zwischen Weberstraße und Kanalweg", (2021, 5), (2029, 12), 400_000, (MS.RUNNING, MS.RUNNING), (6,),
        (OK.HOUSING, ""), mix=((_PR, 50),),
        words=("Baumscheiben", "Hochbeete", "begrünung", "Gießpatenschaft", "Pflanzkübel"),
    ),
    MeasureSpec(
        "Ö-6", (_OR,), INV, PLANUNG, "Fuß- und Radwegbrücke am Speicher",
        "Eine neue Brücke verbindet die Siedlung Nord mit dem Uferpark und verkürzt den Schulweg um zehn Minuten.",
        "Kanal auf Höhe der Speicherstraße", (2028, 3), (2030, 6), 3_200_000, (MS.PREPARING, MS.DEFERRED), (5,),
        (OK.PUBLIC_OFFICE, "Stadtplanungsamt|Grünflächenamt"), mix=((_P, 40),),
        note="Zurückgestellt: Das Wasserstraßen- und Schifffahrtsamt verlangt eine höhere Durchfahrt; die Kosten "
        "werden neu geschätzt, die Förderung aus dem Radverkehrsprogramm wird erneut beantragt.",
    ),
    MeasureSpec(
        "Ö-7", (_OR,), INV, PLANUNG, "Beleuchtung der Bahnunterführung am Gleisweg",
        "Helle, sparsame Leuchten und eine Wandgestaltung mit Jugendlichen gegen den Angstraum unter den Gleisen.",
        "Unterführung Gleisweg", (2024, 9), (2025, 6), 190_000, (MS.PREPARING, None), (5,),
        (OK.PUBLIC_OFFICE, "Grünflächenamt"), words=("Unterführung", "Beleuchtung", "Graffiti"),
    ),
    MeasureSpec(
        "Ö-8", (_OR, _KL, _GB), INV, PLANUNG, "Trinkbrunnen und Schattenplätze gegen die Hitze",
        "Drei Trinkbrunnen und Sonnensegel an den Orten, an denen sich im Sommer Ältere und Familien aufhalten; "
        "Ergebnis der Hitzeschutzaktion 2025.",
        "Brunnenplatz, Lindenplatz und Uferpromenade", (2027, 4), (2028, 8), 210_000, (None, MS.PREPARING), (6, 8),
        (OK.PUBLIC_OFFICE, "Grünflächenamt"), words=("Trinkbrunnen", "Hitzeschutz"),
    ),
    MeasureSpec(
        "B-1", (_BI, _BV), SOC, GWA, "Bildungsverbund Kiez am Kanal",
        "Kitas, Grundschulen, Bibliothek und Jugendhilfe stimmen sich ab: gemeinsame Fortbildungen, gute Übergänge "
        "von der Kita in die Schule und ein Bildungsfest im Herbst. Koordination mit einer halben Stelle beim Träger.",
        "Kitas und Schulen im Gebiet", (2021, 1), (2030, 12), 270_000, (MS.RUNNING, MS.RUNNING), (3,),
        (OK.PROVIDER, "Bildung im Kiez|Familienzentrum"),
    ),
    MeasureSpec(
        "B-2", (_BI,), INV, PLANUNG, "Umbau der Stadtteilbibliothek zum offenen Lernort",
        "Lernplätze, ein Makerspace und ein Café im Erdgeschoss; längere Öffnungszeiten mit Ehrenamtlichen.",
        "Stadtteilbibliothek, Kanalweg", (2027, 2), (2028, 12), 1_100_000, (MS.IDEA, MS.PREPARING), (3, 4),
        (OK.PUBLIC_OFFICE, "Bibliothek|Weiterbildung"), mix=((_P, 25),), factor="1.15",
    ),
    MeasureSpec(
        "B-3", (_BI,), SOC, GWA, "Lernpatenschaften und Hausaufgabenhilfe",
        "Ehrenamtliche Lernpat*innen begleiten Grundschulkinder einmal in der Woche; dazu Hausaufgabenhilfe an "
        "drei Nachmittagen im Nachbarschaftstreff.",
        "Nachbarschaftstreff und Grundschule", (2022, 9), (2027, 7), 96_000, (MS.RUNNING, MS.RUNNING), (4,),
        (OK.INITIATIVE, "Lesepaten|Förderverein"), words=("Hausaufgaben", "Vorlese", "Lese"),
    ),
    MeasureSpec(
        "B-4", (_BI,), INV, PLANUNG, "Kita-Erweiterung am Kanalweg: 40 neue Plätze",
        "Ein Anbau in Holzbauweise mit zwei Gruppenräumen, Bewegungsraum und Garten; der Träger übernimmt einen "
        "Teil der Ausstattung.",
        "Kanalweg 31", (2024, 3), (2026, 8), 1_900_000, (MS.RUNNING, MS.DONE), (4,), (OK.DAYCARE, ""),
        mix=((_P, 40), (_T, 10)), words=("Kitaplätze",),
    ),
    MeasureSpec(
        "B-5", (_BI, _IN), SOC, GWA, "Elterncafés an Grundschule und Kitas",
        "Ein offenes Frühstück für Eltern, mehrsprachig moderiert, mit Themen wie Schulanmeldung, Medien und "
        "Gesundheit.",
        "Grundschule und Kitas am Kanal", (2020, 9), (2024, 7), 48_000, (MS.RUNNING, MS.DONE), (4, 1),
        (OK.PROVIDER, "Familienzentrum"), words=("Spielenachmittage", "Eltern"),
    ),
    MeasureSpec(
        "B-6", (_BI,), SOC, GWA, "Ausbildungslotsen für Jugendliche",
        "Lots*innen begleiten Jugendliche ab Klasse 8 zu Praktika und Ausbildungsplätzen bei Betrieben im Quartier.",
        "Jugendclub und Integrierte Sekundarschule", (2028, 1), (2030, 12), 150_000, (MS.IDEA, MS.IDEA), (4,),
        (OK.PROVIDER, "Jugend"), mix=((_P, 50),),
    ),
    MeasureSpec(
        "I-1", (_IN, _BV), INV, PLANUNG, "Nachbarschaftszentrum im alten Speicher",
        "Der denkmalgeschützte Speicher wird zum Haus für die Nachbarschaft: Café, Werkstätten, Räume für Vereine "
        "und das Stadtteilbüro. Der Wettbewerb ist entschieden, die Entwurfsplanung läuft.",
        "Speicherstraße 5", (2027, 3), (2029, 12), 4_500_000, (MS.PREPARING, MS.PREPARING), (0,),
        (OK.PUBLIC_OFFICE, "Stadtplanungsamt|Planungskoordination"), mix=((_P, 20), (_T, 5)), factor="1.18",
        words=("Nachbarschaftscafé", "Repair"),
    ),
    MeasureSpec(
        "I-2", (_IN,), SOC, GWA, "Kiezfest und interkulturelle Nachbarschaftsfeste",
        "Das Kiezfest am Kanal im September und kleinere Feste in den Höfen, vorbereitet von Vereinen, "
        "Moscheegemeinde, Kirchengemeinde und Nachbar*innen.",
        "Brunnenplatz und Uferpromenade", (2020, 6), (2030, 9), 110_000, (MS.RUNNING, MS.RUNNING), (1,),
        (OK.NEIGHBOURHOOD_ASSOCIATION, ""), mix=((_T, 20),), words=("fest", "Frühstück", "Flohmarkt", "Küche"),
    ),
    MeasureSpec(
        "I-3", (_IN, _BI), SOC, GWA, "Sprachcafé und Willkommensberatung",
        "Zweimal in der Woche Deutsch üben bei Tee und Kuchen; Beratung zu Ämtern, Kita und Schule in fünf Sprachen.",
        "Nachbarschaftstreff Uferstraße", (2021, 2), (2027, 12), 140_000, (MS.RUNNING, MS.RUNNING), (1,),
        (OK.PROVIDER, "Migration|Sprachcafé|Nachbarschaftshaus"), words=("Deutschkurse", "Sprach"),
    ),
    MeasureSpec(
        "I-4", (_IN, _GB), SOC, GWA, "Besuchsdienst für ältere Nachbar*innen",
        "Ehrenamtliche besuchen Ältere, die allein leben, begleiten sie zum Arzt und in den Seniorentreff.",
        "ganzes Gebiet", (2026, 4), (2028, 12), 75_000, (MS.PREPARING, MS.DEFERRED), (2,),
        (OK.PROVIDER, "Senior|Sozialstation|Mehrgeneration"), words=("Besuchsdienst", "Einsam"),
        note="Zurückgestellt: Dem Träger fehlt noch die Koordination für die Ehrenamtlichen; Start frühestens "
        "2027, wenn die Stelle besetzt ist.",
    ),
    MeasureSpec(
        "I-5", (_IN,), INV, PLANUNG, "Gemeinschaftsräume in der Siedlung Nord",
        "Zwei leerstehende Erdgeschosswohnungen wurden zu Gemeinschaftsräumen mit Küche umgebaut; die "
        "Wohnungsbaugesellschaft trägt die Hälfte und vergibt die Räume kostenlos an Initiativen.",
        "Nordring 40–48", (2021, 3), (2023, 5), 560_000, (MS.DONE, MS.DONE), (0,), (OK.HOUSING, ""), mix=((_T, 50),),
    ),
    MeasureSpec(
        "I-6", (_IN, _OR), SOC, GWA, "Kiezlotsen: Konfliktvermittlung im öffentlichen Raum",
        "Ein mehrsprachiges Team ist nachmittags und abends an den Treffpunkten unterwegs, spricht an, vermittelt und "
        "meldet Schäden.",
        "Brunnenplatz, Kanalufer und Bahnhofsvorplatz", (2023, 5), (2027, 4), 210_000, (MS.RUNNING, MS.RUNNING), (1,),
        (OK.PROVIDER, "Mobile|Gangway|Outreach|Jugendhilfe"),
    ),
    MeasureSpec(
        "I-7", (_IN,), SOC, GWA, "Mieter*innenberatung im Stadtteilbüro",
        "Offene Sprechstunde zu Mieterhöhungen, Modernisierung und Nebenkosten, mit einer Anwältin des "
        "Mietervereins.",
        "Stadtteilbüro, Uferstraße 12", (2026, 3), (2028, 12), 60_000, (None, MS.RUNNING), (1,),
        (OK.INITIATIVE, "Mieter"), words=("Hausverwaltung", "Aufzug"),
    ),
    MeasureSpec(
        "G-1", (_GB, _OR), INV, PLANUNG, "Bewegungsparcours am Kanalufer",
        "Zehn Stationen für alle Generationen entlang des Uferwegs, mit Anleitungen in mehreren Sprachen.",
        "Uferpark", (2021, 4), (2022, 6), 180_000, (MS.DONE, MS.DONE), (8,), (OK.PUBLIC_OFFICE, "Grünflächenamt"),
    ),
    MeasureSpec(
        "G-2", (_GB,), INV, PLANUNG, "Sanierung der Sporthalle Schulstraße und Öffnung für Vereine",
        "Neue Haustechnik, Dämmung und barrierefreie Umkleiden; abends und am Wochenende nutzen Vereine die Halle.",
        "Sporthalle Schulstraße", (2025, 6), (2027, 12), 1_450_000, (MS.PREPARING, MS.RUNNING), (8,),
        (OK.PUBLIC_OFFICE, "Sportamt|Grünflächenamt"), mix=((_P, 35),), factor="1.10",
    ),
    MeasureSpec(
        "G-3", (_GB, _IN), SOC, GWA, "Gesundheitslotsinnen im Quartier",
        "Geschulte Nachbarinnen informieren Familien in ihrer Sprache über Vorsorge, Impfungen und Anlaufstellen; "
        "die Krankenkassen beteiligen sich.",
        "Familienzentrum und Moscheegemeinde", (2022, 1), (2027, 12), 160_000, (MS.RUNNING, MS.RUNNING), (9,),
        (OK.PROVIDER, "Stadtteilmütter|Familienzentrum"), mix=((_T, 30),),
    ),
    MeasureSpec(
        "G-4", (_GB, _OR), INV, PLANUNG, "Bolzplatz am Gleisweg",
        "Ein eingezäunter Bolzplatz mit Kunstrasen auf der Brachfläche der Bahn.",
        "Gleisweg, Brachfläche der Bahn", (2025, 4), (2026, 6), 240_000, (MS.PREPARING, MS.DROPPED), (8, 7),
        (OK.PUBLIC_OFFICE, "Sportamt|Grünflächenamt"), words=("Bolzplatz",),
        note="Entfallen: Die Bahn verkauft die Fläche nicht. Ein Ersatzstandort wird im Sportplatzkonzept des "
        "Bezirks geprüft.",
    ),
    MeasureSpec(
        "G-5", (_GB,), SOC, GWA, "Seniorensport im Uferpark",
        "Gymnastik und Spaziergänge am Morgen mit einer Übungsleiterin des Sportvereins.",
        "Uferpark", (2020, 5), (2024, 10), 36_000, (MS.RUNNING, None), (8,), (OK.ASSOCIATION, "SV |Sport"),
        words=("Senior",),
    ),
    MeasureSpec(
        "V-1", (_BV,), SOC, STEUERUNG, "Quartiersmanagement Kiez am Kanal (Stadtteilbüro)",
        "Das Stadtteilbüro mit Gemeinwesenarbeit und Planung: Sprechstunden, Aktivierung, Gremien, Fonds und die "
        "Fortschreibung des ISEK.",
        "Stadtteilbüro, Uferstraße 12", (2020, 1), (2030, 12), 1_980_000, (MS.RUNNING, MS.RUNNING), (10, 11),
        (OK.PROVIDER, "Nachbarschaftshaus|Bildung im Kiez"),
    ),
    MeasureSpec(
        "V-2", (_BV,), SOC, STEUERUNG, "Verfügungsfonds",
        "Jährlich 20.000 € für Vorhaben aus dem Quartier; mindestens die Hälfte tragen Antragstellende, Gewerbe oder "
        "Wohnungsunternehmen. Der Quartiersrat entscheidet.",
        "ganzes Gebiet", (2021, 1), (2030, 12), 200_000, (MS.RUNNING, MS.RUNNING), (10,),
        (OK.NEIGHBOURHOOD_ASSOCIATION, ""),
        mix=((_PR, 50),), words=("Verfügungsfonds",),
    ),
    MeasureSpec(
        "V-3", (_BV,), SOC, GWA, "Stadtteilkonferenz und Runder Tisch Kanalufer",
        "Viermal im Jahr treffen sich Einrichtungen, Vereine und Verwaltung; der Runde Tisch kümmert sich um das "
        "Ufer, Sauberkeit und Sicherheit.",
        "Nachbarschaftstreff Uferstraße", (2020, 2), (2030, 12), 44_000, (MS.RUNNING, MS.RUNNING), (11,),
        (OK.NEIGHBOURHOOD_ASSOCIATION, ""),
    ),
    MeasureSpec(
        "V-4", (_BV,), SOC, STEUERUNG, "Verstetigungskonzept: was nach der Förderung bleibt",
        "Mit Trägern, Vereinen und Verwaltung klären, welche Angebote, Räume und Gremien nach 2030 weiterlaufen und "
        "wer sie trägt.",
        "ganzes Gebiet", (2028, 1), (2030, 12), 60_000, (MS.IDEA, MS.IDEA), (11,),
    ),
    MeasureSpec(
        "V-5", (_BV,), SOC, PLANUNG, "Beteiligungswerkstätten zur ISEK-Fortschreibung",
        "Werkstätten vor Ort, Spaziergänge und eine Online-Umfrage; über 400 Beiträge sind in die Fortschreibung "
        "eingeflossen.",
        "Stadtteilbüro und vor Ort", (2023, 9), (2024, 5), 38_000, (MS.DONE, MS.DONE), (10,), words=("ISEK",),
    ),
    MeasureSpec(
        "V-6", (_BV, _BI), SOC, GWA, "Jugendjury und Kiezfonds für Jugendliche",
        "Jugendliche entscheiden selbst über kleine Projekte von Jugendlichen; die Jury wird im Jugendclub gewählt.",
        "Jugendclub am Kanal", (2026, 5), (2029, 12), 45_000, (None, MS.RUNNING), (10,), (OK.PROVIDER, "Jugend"),
    ),
]  # fmt: skip

#: Measures of the large ISEK besides MEASURES: (fields, kind, responsible, title, description, place, lowest and
#: highest cost (investive: in all; non-investive: a year), kinds of the lead organisation).
TEMPLATES: list[tuple[tuple[str, ...], str, str, str, str, str, int, int, tuple[str, ...]]] = [
    ((_OR, _KL), INV, PLANUNG, "Hofbegrünung {street} {number}",
     "Entsiegelung, Hochbeete und Kletterpflanzen im Hof; die Hausgemeinschaft übernimmt die Pflege.",
     "{street} {number}", 60_000, 180_000, (OK.HOUSING,)),
    ((_OR, _KL), INV, PLANUNG, "Baumpflanzungen in der {street}",
     "Neue Straßenbäume mit großen Baumscheiben; Anwohnende übernehmen Gießpatenschaften.",
     "{street}", 90_000, 260_000, (OK.PUBLIC_OFFICE,)),
    ((_OR,), INV, PLANUNG, "Umgestaltung des Platzes {place}",
     "Mehr Sitzplätze, Schatten und ein barrierefreier Zugang; geplant mit einer Beteiligungswerkstatt.",
     "Platz {place}", 300_000, 1_200_000, (OK.PUBLIC_OFFICE,)),
    ((_OR, _GB), INV, PLANUNG, "Sanierung des Spielplatzes {place}",
     "Neue Spielgeräte, Sand und Schattenbäume; Kinder der nahen Kita planen mit.",
     "Spielplatz {place}", 150_000, 450_000, (OK.PUBLIC_OFFICE,)),
    ((_OR, _KL), INV, PLANUNG, "Regenwasserversickerung in der {street}",
     "Mulden und Rigolen nehmen Starkregen auf; die Straße bekommt Grünstreifen.",
     "{street}", 250_000, 900_000, (OK.PUBLIC_OFFICE,)),
    ((_OR, _BI), INV, PLANUNG, "Sichere Schulwege: Querungshilfen in der {street}",
     "Gehwegvorstreckungen und eine Mittelinsel vor der Grundschule.",
     "{street}", 80_000, 240_000, (OK.PUBLIC_OFFICE,)),
    ((_OR,), INV, PLANUNG, "Beleuchtung des Durchgangs zur {street}",
     "Helle, sparsame Leuchten und ein Rückschnitt der Hecken machen den Weg sicherer.",
     "Durchgang {street}", 40_000, 120_000, (OK.PUBLIC_OFFICE,)),
    ((_OR, _KL), SOC, GWA, "Grünpatenschaften und Kiezputz {place}",
     "Regelmäßige Aufräumaktionen mit Anwohnenden und Schulen, Patenschaften für Beete; Material und Verpflegung.",
     "Grünflächen {place}", 2_000, 6_000, (OK.INITIATIVE, OK.NEIGHBOURHOOD_ASSOCIATION)),
    ((_BI,), INV, PLANUNG, "Modernisierung der Schulbibliothek der {school}-Grundschule",
     "Neue Möbel, Medien und Arbeitsplätze; nachmittags offen auch für Eltern.",
     "{school}-Grundschule", 120_000, 400_000, (OK.SCHOOL,)),
    ((_BI,), INV, PLANUNG, "Anbau für die Kita {street}",
     "Zwei Gruppenräume und ein Bewegungsraum für 30 zusätzliche Plätze.",
     "{street} {number}", 600_000, 1_800_000, (OK.DAYCARE,)),
    ((_BI,), SOC, GWA, "Lernwerkstatt {place}",
     "Hausaufgabenhilfe und Lernangebote an drei Nachmittagen in der Woche.",
     "Nachbarschaftstreff {street}", 8_000, 25_000, (OK.PROVIDER, OK.ASSOCIATION)),
    ((_BI, _IN), SOC, GWA, "Deutschkurs für Eltern mit Kinderbetreuung ({street})",
     "Deutsch lernen während die Kinder betreut werden; mit Ausflügen zu Bibliothek und Bürgeramt.",
     "Familienzentrum {street}", 6_000, 18_000, (OK.PROVIDER, OK.DAYCARE)),
    ((_BI,), SOC, GWA, "Medienwerkstatt für Jugendliche {place}",
     "Workshops zu Video, Podcast und sicherem Umgang mit sozialen Medien.",
     "Jugendclub {street}", 5_000, 15_000, (OK.PROVIDER,)),
    ((_BI, _BV), SOC, STEUERUNG, "Bildungskonferenz {place}",
     "Jährliche Konferenz der Kitas, Schulen und Träger zu Übergängen und gemeinsamen Projekten.",
     "Schulen und Kitas {place}", 3_000, 8_000, (OK.PROVIDER, OK.SCHOOL)),
    ((_IN,), INV, PLANUNG, "Nachbarschaftstreff {street}",
     "Umbau eines leerstehenden Ladens zum Treffpunkt mit Küche und barrierefreiem Zugang.",
     "{street} {number}", 250_000, 800_000, (OK.HOUSING, OK.NEIGHBOURHOOD_ASSOCIATION)),
    ((_IN, _KL), SOC, GWA, "Interkultureller Garten {place}",
     "Familien aus vielen Herkunftsländern gärtnern gemeinsam; Werkzeug, Saatgut und ein Gartenfest.",
     "Gemeinschaftsgarten {place}", 4_000, 12_000, (OK.INITIATIVE, OK.ASSOCIATION)),
    ((_IN,), SOC, GWA, "Generationenprojekt {street}",
     "Jung und Alt treffen sich zu Erzählcafés, Handyhilfe und gemeinsamen Ausflügen.",
     "Seniorentreff {street}", 5_000, 16_000, (OK.PROVIDER,)),
    ((_IN,), SOC, GWA, "Mieter*innensprechstunde {place}",
     "Offene Beratung zu Mieterhöhungen, Modernisierung und Nebenkosten.",
     "Stadtteilbüro", 6_000, 20_000, (OK.INITIATIVE, OK.PROVIDER)),
    ((_IN,), SOC, GWA, "Nachbarschaftsfest {place}",
     "Jährliches Fest mit Bühne, Ständen der Vereine und Kinderprogramm.",
     "Festplatz {place}", 3_000, 9_000, (OK.NEIGHBOURHOOD_ASSOCIATION, OK.ASSOCIATION)),
    ((_GB, _OR), INV, PLANUNG, "Bewegungsgeräte für alle Generationen {place}",
     "Outdoor-Fitnessgeräte und eine markierte Laufstrecke.",
     "Grünanlage {place}", 60_000, 180_000, (OK.PUBLIC_OFFICE,)),
    ((_GB,), INV, PLANUNG, "Sanierung des Sportplatzes {place}",
     "Kunstrasen, Flutlicht und Umkleiden; Vereine und Schulen nutzen den Platz gemeinsam.",
     "Sportplatz {place}", 400_000, 1_500_000, (OK.PUBLIC_OFFICE,)),
    ((_GB,), SOC, GWA, "Bewegungskurse im Park {place}",
     "Kostenlose Kurse am Morgen: Gymnastik, Yoga und Spaziergänge für Ältere.",
     "Park {place}", 3_000, 9_000, (OK.ASSOCIATION, OK.PROVIDER)),
    ((_GB, _IN), SOC, GWA, "Gesundheitstage {place}",
     "Beratung, Vorsorge und Kochkurse mit Gesundheitsamt und Krankenkassen.",
     "Nachbarschaftstreff {street}", 4_000, 12_000, (OK.PROVIDER, OK.PUBLIC_OFFICE)),
    ((_GB, _BI), SOC, GWA, "Schwimmkurse für Kinder der {school}-Grundschule",
     "Anfängerkurse in den Ferien; Bus und Betreuung sind organisiert.",
     "Stadtbad", 5_000, 14_000, (OK.ASSOCIATION,)),
    ((_GB, _KL), INV, PLANUNG, "Trinkbrunnen {place}",
     "Ein öffentlicher Trinkbrunnen mit Schattensegel für heiße Tage.",
     "Platz {place}", 30_000, 90_000, (OK.PUBLIC_OFFICE,)),
    ((_BV, _OR), SOC, GWA, "Beteiligungswerkstatt zur Umgestaltung {place}",
     "Werkstätten vor Ort und online; die Ergebnisse gehen an das Planungsbüro.",
     "vor Ort {place} und im Stadtteilbüro", 6_000, 20_000, (OK.NEIGHBOURHOOD_ASSOCIATION,)),
    ((_BV,), SOC, GWA, "Gewerbestammtisch {street}",
     "Treffen der Gewerbetreibenden zu Leerstand, Sauberkeit und gemeinsamen Aktionen.",
     "{street}", 2_000, 6_000, (OK.BUSINESS,)),
    ((_BV,), SOC, GWA, "Ehrenamtsbörse {place}",
     "Engagierte finden Vereine und Initiativen; einmal im Jahr ein Dankeschön-Fest.",
     "Stadtteilbüro", 3_000, 10_000, (OK.NEIGHBOURHOOD_ASSOCIATION, OK.INITIATIVE)),
    ((_BV,), SOC, STEUERUNG, "Befragung der Bewohner*innen {place}",
     "Befragung zu Wohnumfeld, Nachbarschaft und Angeboten; die Ergebnisse gehen in die Fortschreibung ein.",
     "Wohnblöcke {place}", 15_000, 45_000, ()),
    ((_BV, _OR), SOC, PLANUNG, "Online-Beteiligung zur Planung {place}",
     "Karte, Umfrage und Kommentare begleiten die Planung.",
     "online und vor Ort {place}", 4_000, 12_000, ()),
]  # fmt: skip
#: The public offices that lead a measure of a field of action, by words of their names.
OFFICES = {
    _OR: "Grünflächenamt|Umwelt",
    _GB: "Sportamt|Grünflächenamt",
    _BI: "Schul- und Sportamt|Jugendamt|Bibliothek",
    _IN: "Sozialamt|Planungskoordination|Jugendamt",
    _BV: "Planungskoordination|Stadtteilarbeit",
}
#: Shares (%) of other sources besides urban development funding, by kind: one is drawn per measure.
MIXES = {
    INV: [(), (), (), ((_P, 30),), ((_T, 25),), ((_PR, 50),), ((_P, 20), (_T, 10))],
    SOC: [(), (), (), ((_P, 40),), ((_T, 20),), ((_PR, 50),)],
}

# --- Milestones, progress notes, spending --------------------------------------------------------------------------

#: (title, days after the start; None: on the end)
INVESTIVE_MILESTONES = [
    ("Planungswerkstatt mit Anwohnenden", -240),
    ("Förderbescheid liegt vor", -75),
    ("Baubeginn", 21),
    ("Fertigstellung und Übergabe", None),
]
SOCIAL_MILESTONES = [
    ("Auftakt mit den Kooperationspartnern", 14),
    ("Zwischenbericht", 0),  # 0: halfway
    ("Auswertung und Abschlussbericht", None),
]
IDEA_NOTES = [
    "Idee aus der Stadtteilkonferenz; das Stadtteilbüro klärt Flächen, Partner und Kosten.",
    "Erste Kostenschätzung liegt vor; vorgeschlagen für die nächste Fortschreibung.",
    "Im Quartiersrat vorgestellt; die Mitglieder wünschen eine Beteiligung der Nachbarschaft vor der Planung.",
]
PREPARING_NOTES = {
    INV: [
        "Planungsbüro beauftragt; die ersten Entwürfe werden in einer Planungswerkstatt vorgestellt.",
        "Beteiligungswerkstatt mit {n} Anwohnenden: Gewünscht sind mehr Schatten, Sitzplätze und Barrierefreiheit.",
        "Fördermittel beantragt; der Bescheid wird zum Frühjahr erwartet.",
        "Abstimmung mit dem Straßen- und Grünflächenamt zur Pflege nach dem Umbau.",
    ],
    SOC: [
        "Konzept mit dem Träger abgestimmt; Räume und Termine stehen fest.",
        "Kooperationsvereinbarung mit zwei Schulen und dem Familienzentrum unterschrieben.",
        "Ausschreibung der Trägerschaft veröffentlicht; drei Angebote sind eingegangen.",
    ],
}
RUNNING_NOTES = {
    INV: [
        "Bauarbeiten im Zeitplan; der erste Bauabschnitt ist fertig.",
        "Ausschreibung abgeschlossen, Zuschlag an ein Unternehmen aus der Region.",
        "Verzögerung um etwa sechs Wochen wegen Lieferengpässen; der Kostenrahmen hält.",
        "Baustellenfest mit rund {n} Nachbar*innen; eine Infotafel am Bauzaun erklärt den Umbau.",
    ],
    SOC: [
        "Das Angebot läuft gut: im letzten Quartal {n} Teilnehmende, viele davon zum ersten Mal.",
        "Neue Kooperation mit der Grundschule; die Termine stehen bis zum Sommer.",
        "Ehrenamtliche übernehmen inzwischen zwei der wöchentlichen Termine.",
        "Zwischenbericht liegt vor; der Träger wirbt künftig auch auf Arabisch und Türkisch.",
    ],
}
DONE_NOTES = {
    INV: [
        "Eingeweiht mit einem Fest; rund {n} Gäste aus der Nachbarschaft.",
        "Abgeschlossen; Schlussrechnung und Verwendungsnachweis sind eingereicht.",
    ],
    SOC: [
        "Abgeschlossen; die Auswertung zeigt, dass das Angebot ohne Fördermittel weiterläuft.",
        "Abschlussbericht liegt vor: {n} Teilnehmende, die Gruppe trifft sich weiter.",
    ],
}
DEFERRED_NOTES = [
    "Zurückgestellt: Die Fläche steht erst nach dem Ende der Bauarbeiten nebenan zur Verfügung.",
    "Zurückgestellt, bis die Kofinanzierung der Kommune im nächsten Haushalt gesichert ist.",
]
DROPPED_NOTES = [
    "Entfallen: Ein anderer Träger bietet das Gleiche bereits im Quartier an.",
    "Entfallen: Die Eigentümerin hat dem Vorhaben nicht zugestimmt.",
]
SPENDING_NOTES = {
    INV: ["Abschlagsrechnung Bauleistungen", "Planungsleistungen", "Schlussrechnung", "Abschlagsrechnung"],
    SOC: ["Mittelabruf {year}", "Honorare und Sachkosten {year}", "Abrechnung des Trägers {year}"],
}

# --- Indicators ---------------------------------------------------------------------------------------------------

#: (name, unit, source, field of action, direction, baseline, target, decimals, goals). The small ISEK takes the
#: first ten; the large one all of them, and again for its sub-areas.
INDICATORS: list[tuple[str, str, str, str, str, str, str, int, tuple[int, ...]]] = [
    ("Anteil Grün- und Freiflächen an der Gebietsfläche", "%", "Umweltatlas der Stadt", _OR, HIGHER,
     "11.4", "14.0", 1, (6, 5)),
    ("Arbeitslosenquote (SGB II und III)", "%", "Bundesagentur für Arbeit, kleinräumige Statistik", _IN, LOWER,
     "9.8", "7.5", 1, (4,)),
    ("Kita-Versorgungsquote (Kinder unter 6 Jahren)", "%", "Jugendamt, Kita-Bedarfsplanung", _BI, HIGHER,
     "78.0", "92.0", 1, (3, 4)),
    ("Anzahl aktiver Initiativen und Vereine", "Anzahl", "Akteursdatenbank des Stadtteilbüros", _BV, HIGHER,
     "34", "50", 0, (11,)),
    ("Kinder in Bedarfsgemeinschaften nach SGB II", "%", "Jobcenter, Statistik der Grundsicherung", _IN, LOWER,
     "38.5", "30.0", 1, (4, 1)),
    ("Schulabgänger*innen ohne Abschluss", "%", "Schulstatistik des Landes", _BI, LOWER, "12.1", "8.0", 1, (4,)),
    ("Übergewicht bei der Einschulungsuntersuchung", "%", "Gesundheitsamt, Einschulungsuntersuchung", _GB, LOWER,
     "14.2", "10.0", 1, (8, 9)),
    ("Besuche im Nachbarschaftstreff je Woche", "Personen", "Zählung des Trägers", _IN, HIGHER, "120", "250", 0,
     (0,)),
    ("Spielfläche je Kind unter 12 Jahren", "m²", "Straßen- und Grünflächenamt", _OR, HIGHER, "0.8", "1.5", 1,
     (7,)),
    ("Wahlbeteiligung bei der Quartiersratswahl", "%", "Wahlprotokolle des Quartiersrats", _BV, HIGHER,
     "3.1", "6.0", 1, (10,)),
    ("Straßenbäume je Kilometer Straße", "Anzahl", "Baumkataster", _KL, HIGHER, "42", "55", 0, (6,)),
    ("Versiegelungsgrad der Blockinnenbereiche", "%", "Umweltatlas der Stadt", _KL, LOWER, "68.0", "58.0", 1, (6,)),
    ("Wohnungen mit hoher Hitzebelastung", "%", "Stadtklimakarte", _KL, LOWER, "41.0", "30.0", 1, (6,)),
    ("Sprachförderbedarf bei der Einschulung", "%", "Gesundheitsamt, Einschulungsuntersuchung", _BI, LOWER,
     "46.0", "35.0", 1, (4,)),
    ("Mitglieder in Sportvereinen im Gebiet", "Personen", "Landessportbund", _GB, HIGHER, "1450", "1900", 0, (8,)),
    ("Ehrenamtlich Engagierte in Projekten des Quartiersmanagements", "Personen", "Jahresbericht des Stadtteilbüros",
     _BV, HIGHER, "85", "160", 0, (10, 11)),
    ("Zu- und Fortzüge je 100 Einwohner*innen", "je 100 EW", "Einwohnermelderegister", _IN, LOWER, "24.0", "18.0",
     1, (1,)),
    ("Nutzer*innen der Stadtteilbibliothek", "Personen", "Bibliotheksstatistik", _BI, HIGHER, "2100", "3000", 0,
     (3,)),
    ("Teilnehmende an Gesundheitsangeboten", "Personen", "Berichte der Träger", _GB, HIGHER, "150", "400", 0, (9,)),
    ("Zufriedenheit mit dem Wohnumfeld", "%", "Befragung der Bewohner*innen", _OR, HIGHER, "52.0", "65.0", 1, (5,)),
]  # fmt: skip
SUB_AREAS = ["Teilgebiet Nord", "Teilgebiet Kanal", "Teilgebiet Süd", "Teilgebiet Bahnhof", "Teilgebiet West"]

# --- The small ISEK's versions ------------------------------------------------------------------------------------

SMALL_LABELS = ("ISEK 2024", "ISEK 2024, Fortschreibung 2026")
SMALL_YEARS = (2024, 2026)
SMALL_CREATED = (datetime.date(2024, 2, 6), datetime.date(2026, 1, 13))
ADOPTED_ON = datetime.date(2024, 6, 20)
BASELINE_YEAR, TARGET_YEAR = 2019, 2030

# --- Public functions ---------------------------------------------------------------------------------------------


def seed_isek(
    *,
    area: Quartier,
    scale: str,
    rng: random.Random,
    now: datetime.datetime | None = None,
) -> dict[str, int]:
    """Give ``area`` its ISEK demo data for ``scale`` ('small' or 'large'); return the counts per model.

    Runs after ``seed_actors`` (lead organisations and partners), and best after ``seed_committees`` and
    ``seed_funds`` (decisions and applications linked to measures); does nothing if the area already has an
    ISEK version. Progress notes are written by the area's office staff (Steuerung, Planung,
    Gemeinwesenarbeit) if it has any.
    """
    if scale not in SIZES:
        raise ValueError(f"Unknown scale {scale!r}; use one of {', '.join(SIZES)}.")
    if Version.objects.filter(area=area).exists():
        return isek_counts(area)
    if not Organisation.objects.filter(area=area, active=True).exists():
        raise ValueError("The area needs its organisations first: run demo.actors.seed_actors before the ISEK.")
    with transaction.atomic():
        seeder = _Seeder(area=area, sizes=SIZES[scale], rng=rng, now=now or timezone.now())
        if scale == "small":
            seeder.small()
        else:
            seeder.chain()
    return isek_counts(area)


def isek_counts(area: Quartier) -> dict[str, int]:
    measures = Measure.objects.filter(version__area=area)
    return {
        "versions": Version.objects.filter(area=area).count(),
        "goals": Goal.objects.filter(version__area=area).count(),
        "measures": measures.count(),
        "milestones": Milestone.objects.filter(measure__in=measures).count(),
        "progress_notes": ProgressNote.objects.filter(measure__in=measures).count(),
        "planned_costs": PlannedCost.objects.filter(measure__in=measures).count(),
        "financing": Financing.objects.filter(measure__in=measures).count(),
        "spendings": Spending.objects.filter(measure__in=measures).count(),
        "indicators": Indicator.objects.filter(version__area=area).count(),
        "indicator_values": IndicatorValue.objects.filter(indicator__version__area=area).count(),
    }


# --- Plans --------------------------------------------------------------------------------------------------------


@dataclass
class _Timeline:
    """The versions of one ISEK: their years and the day up to which each holds what was recorded."""

    years: list[int]
    as_of: list[datetime.date]

    def frozen(self, year: int) -> int:
        """The last version made in or before ``year``: later versions keep that version's costs of the year."""
        return max((k for k, made in enumerate(self.years) if made <= year), default=0)


@dataclass
class _Plan:
    """One measure over all versions of the ISEK."""

    number: str
    title: str
    description: str
    kind: str
    role: str
    fields: list[int]  # FieldOfAction pks, the first one gives the letter
    goals: list[int]  # indexes into GOALS
    place: str
    start: datetime.date
    end: datetime.date
    base: dict[int, Decimal]  # planned cost per year as first planned
    mix: tuple[tuple[str, int], ...]
    first: int  # the first version that has the measure
    last: int  # the last one
    factors: list[Decimal]  # revision of the costs per version (from that version's year on)
    priority: int = 2
    statuses: tuple[str | None, ...] | None = None  # fixed statuses per version (small), else from the dates
    fate: str | None = None  # deferred or dropped …
    fate_on: datetime.date | None = None  # … since this day
    lead: int | None = None
    partners: list[int] = field(default_factory=list)
    concerns: list[int] = field(default_factory=list)
    applications: list[int] = field(default_factory=list)
    decisions: list[int] = field(default_factory=list)
    milestones: list[tuple[datetime.date, str]] = field(default_factory=list)
    notes: list[tuple[datetime.date, str, int | None]] = field(default_factory=list)
    spendings: list[tuple[datetime.date, Decimal, str, str]] = field(default_factory=list)

    def present(self, k: int) -> bool:
        return self.first <= k <= self.last

    def status(self, k: int, on: datetime.date) -> str:
        if self.statuses is not None:
            status = self.statuses[k]
            if status is None:
                raise ValueError(f"{self.number} is not in version {k}.")
            return status
        return self.status_on(on)

    def status_on(self, on: datetime.date) -> str:
        if self.fate and self.fate_on and on >= self.fate_on:
            return self.fate
        if on < self.start - datetime.timedelta(days=365):
            return MS.IDEA
        if on < self.start:
            return MS.PREPARING
        return MS.RUNNING if on <= self.end else MS.DONE

    def costs(self, k: int, timeline: _Timeline) -> dict[int, Decimal]:
        """Planned costs in version ``k``: a version revises its own year and later ones; a dropped measure
        keeps only the years up to it being dropped."""
        step = Decimal("100") if self.kind == INV else Decimal("10")
        costs = {}
        for year, amount in self.base.items():
            factor = self.factors[min(k, timeline.frozen(year))]
            costs[year] = (amount * factor / step).quantize(Decimal("1"), ROUND_HALF_UP) * step
        if self.fate == MS.DROPPED and self.fate_on and timeline.as_of[k] >= self.fate_on:
            costs = {year: amount for year, amount in costs.items() if year <= self.fate_on.year}
        return costs

    def financing(self, cost: Decimal) -> list[tuple[str, Decimal]]:
        """The sources of one year's ``cost``: the other sources' shares, the rest in thirds."""
        rows = []
        rest = cost
        for source, share in self.mix:
            amount = (cost * share / 100).quantize(Decimal("1"), ROUND_HALF_UP)
            rows.append((source, amount))
            rest -= amount
        rows += list(split_urban_funding(rest).items())
        return [(source, amount) for source, amount in rows if amount > 0]

    def reached(self, day: datetime.date, k: int, on: datetime.date) -> bool:
        status = self.status(k, on)
        return day <= on and status != MS.IDEA and (status in (MS.RUNNING, MS.DONE) or day < self.start)


@dataclass
class _IndicatorPlan:
    name: str
    unit: str
    source: str
    field_id: int
    direction: str
    baseline_year: int
    baseline: Decimal
    target_year: int
    target: Decimal
    goals: list[int]
    values: dict[int, Decimal]


# --- The seeder ---------------------------------------------------------------------------------------------------


class _Seeder:
    def __init__(self, *, area: Quartier, sizes: Sizes, rng: random.Random, now: datetime.datetime) -> None:
        self.area = area
        self.sizes = sizes
        self.rng = rng
        self.now = now
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate(now, self.tz)
        self.fields = {f.key: f.pk for f in FieldOfAction.objects.all()}
        self.staff: dict[str, User] = {}
        for assignment in (
            RoleAssignment.objects.filter(area=area, role__in=[STEUERUNG, PLANUNG, GWA])
            .select_related("user")
            .order_by("pk")
        ):
            self.staff.setdefault(assignment.role, assignment.user)
        self.orgs = list(Organisation.objects.filter(area=area, active=True).order_by("pk"))
        self.orgs_by_kind: dict[str, list[Organisation]] = {}
        for org in self.orgs:
            self.orgs_by_kind.setdefault(org.kind, []).append(org)
        self.orgs_by_field: dict[int, list[int]] = {}
        tagged = Organisation.fields_of_action.through.objects.filter(organisation__in=self.orgs)
        for org_id, field_id in tagged.order_by("pk").values_list("organisation_id", "fieldofaction_id"):
            self.orgs_by_field.setdefault(field_id, []).append(org_id)
        self.concerns = list(
            Concern.objects.filter(area=area).order_by("pk").values_list("pk", "field_of_action_id", "text")
        )
        self.applications = list(
            Application.objects.filter(area=area).order_by("pk").values_list("pk", "title", "fund__name")
        )
        self.decisions = list(
            AgendaItem.objects.filter(
                meeting__committee__area=area, result__in=[Result.ADOPTED, Result.REJECTED, Result.DEFERRED]
            )
            .order_by("pk")
            .values_list("pk", "title")
        )
        self.body = "Gemeinderat" if area.municipality.startswith("Gemeinde") else "Stadtverordnetenversammlung"

    # Helpers

    def author(self, role: str) -> User | None:
        return self.staff.get(role) or next(iter(self.staff.values()), None)

    def planner(self) -> User | None:
        return self.staff.get(PLANUNG) or self.staff.get(STEUERUNG) or self.author(GWA)

    def at(self, day: datetime.date, hour: int = 10) -> datetime.datetime:
        moment = datetime.datetime.combine(day, datetime.time(hour, self.rng.randint(0, 59)), tzinfo=self.tz)
        return min(moment, self.now - datetime.timedelta(hours=1))

    def day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        if last <= first:
            return first
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))

    def lead(self, kind: str | None, words: str = "") -> Organisation:
        """An organisation of ``kind`` whose name has one of ``words`` ("Bibliothek|Weiterbildung"); else one of
        another kind with such a name; else one of the kind (of the public offices one named "…amt")."""
        pool = self.orgs_by_kind.get(kind, []) if kind else []
        wanted = [word.lower() for word in words.split("|") if word]

        def named(orgs: Sequence[Organisation]) -> list[Organisation]:
            return [org for org in orgs if any(word in org.name.lower() for word in wanted)]

        offices = [org for org in pool if kind == OK.PUBLIC_OFFICE and "amt" in org.name.lower()]
        return self.rng.choice(named(pool) or named(self.orgs) or offices or pool or self.orgs)

    def partners(self, field_id: int, lead: int | None, most: int) -> list[int]:
        pool = [pk for pk in self.orgs_by_field.get(field_id, []) if pk != lead]
        if not pool:
            pool = [org.pk for org in self.orgs if org.pk != lead]
        return sorted(self.rng.sample(pool, k=min(len(pool), self.rng.randint(0, most))))

    def matching(self, rows: Sequence[tuple], words: Sequence[str], most: int) -> list[int]:
        """Keys of ``rows`` (key, text, …) whose texts contain one of ``words``."""
        lowered = [word.lower() for word in words]
        found = [row[0] for row in rows if any(w in " ".join(map(str, row[1:])).lower() for w in lowered)]
        return sorted(self.rng.sample(found, k=min(most, len(found))))

    def spread(self, plan: _Plan, total: Decimal) -> dict[int, Decimal]:
        """``total`` over the plan's years: building mostly after the first (planning) year, social evenly."""
        years = list(range(plan.start.year, plan.end.year + 1))
        step = Decimal("100") if plan.kind == INV else Decimal("10")
        if plan.kind == INV:
            weights = [
                self.rng.uniform(0.6, 1.4) * (0.3 if i == 0 and len(years) > 1 else 1) for i in range(len(years))
            ]
        else:
            weights = [self.rng.uniform(0.9, 1.1) for _ in years]
        amounts = {}
        left = total
        for year, weight in zip(years[:-1], weights[:-1], strict=True):
            amount = (total * Decimal(str(weight / sum(weights))) / step).quantize(Decimal("1"), ROUND_HALF_UP) * step
            amount = min(amount, left)
            amounts[year] = amount
            left -= amount
        amounts[years[-1]] = left
        return amounts

    def fill(self, plan: _Plan, timeline: _Timeline, fate_note: str = "") -> None:
        """Milestones, progress notes and spending of a plan over its whole life up to today; a version takes
        the ones up to its day."""
        rng, today = self.rng, self.today
        stop = min(plan.end, today, plan.fate_on or today)
        # Milestones
        marks = INVESTIVE_MILESTONES if plan.kind == INV else SOCIAL_MILESTONES
        for title, offset in marks:
            if offset is None:
                day = plan.end
            elif offset == 0:
                day = plan.start + (plan.end - plan.start) / 2
            else:
                day = plan.start + datetime.timedelta(days=offset)
            plan.milestones.append((min(max(day, plan.start - datetime.timedelta(days=400)), plan.end), title))
        # Progress notes, by the phase on their day
        author = self.author(plan.role)
        author_id = author.pk if author else None
        n = rng.randint(12, 90)
        final = plan.status(plan.last, timeline.as_of[plan.last])  # in the last version that has it
        notes: list[tuple[datetime.date, str]] = []
        if final == MS.IDEA:
            notes.append((today - datetime.timedelta(days=rng.randint(30, 400)), rng.choice(IDEA_NOTES)))
        else:
            day = plan.start - datetime.timedelta(days=rng.randint(60, 300))
            if day <= today and (plan.fate_on is None or day < plan.fate_on):
                notes.append((day, rng.choice(PREPARING_NOTES[plan.kind]).format(n=n)))
            if plan.start <= stop:
                years = max(1, (stop - plan.start).days // 700)
                for _ in range(min(3, years)):
                    notes.append((self.day_between(plan.start, stop), rng.choice(RUNNING_NOTES[plan.kind]).format(n=n)))
            if final == MS.DONE and plan.end < today:
                day = min(today, plan.end + datetime.timedelta(days=rng.randint(14, 90)))
                notes.append((day, rng.choice(DONE_NOTES[plan.kind]).format(n=n)))
        if plan.fate_on:
            pool = DEFERRED_NOTES if plan.fate == MS.DEFERRED else DROPPED_NOTES
            notes.append((plan.fate_on, fate_note or rng.choice(pool)))
        plan.notes = [(day, text, author_id) for day, text in sorted(notes, key=lambda note: note[0])]
        # Spending: once a year, from each source a part of what it finances in the year
        last = len(timeline.years) - 1
        costs = plan.costs(last, timeline)
        for year in range(plan.start.year, stop.year + 1):
            if not costs.get(year):
                continue
            first_day = max(plan.start, datetime.date(year, 1, 1))
            last_day = min(plan.end, datetime.date(year, 12, 31))
            day = self.day_between(first_day, last_day)
            if day > stop:
                continue
            ratio = Decimal(rng.randint(70, 98)) / 100
            note = rng.choice(SPENDING_NOTES[plan.kind]).format(year=year)
            for source, amount in plan.financing(costs[year]):
                spent = (amount * ratio).quantize(CENT, ROUND_DOWN)
                if spent > 0:
                    plan.spendings.append((day, spent, source, note))

    def indicator_plans(self, count: int, baseline_year: int, target_year: int) -> list[_IndicatorPlan]:
        rng = self.rng
        plans = []
        for index in range(count):
            name, unit, source, key, direction, baseline, target, decimals, goals = INDICATORS[index % len(INDICATORS)]
            round_ = index // len(INDICATORS)
            quantum = Decimal(1).scaleb(-decimals)
            base, goal = Decimal(baseline), Decimal(target)
            if round_:
                name = f"{name} ({SUB_AREAS[(round_ - 1) % len(SUB_AREAS)]})"
                shift = Decimal(str(rng.uniform(0.85, 1.15)))
                base, goal = (base * shift).quantize(quantum), (goal * shift).quantize(quantum)
            speed = rng.uniform(0.5, 1.1)
            values = {}
            for year in range(baseline_year, self.today.year):
                share = (year - baseline_year) / max(1, target_year - baseline_year) * speed
                noise = rng.uniform(-0.06, 0.06) if year > baseline_year else 0
                value = base + (goal - base) * Decimal(str(share)) + abs(goal - base) * Decimal(str(noise))
                value = max(value, Decimal(0))
                if unit == "%":
                    value = min(value, Decimal(100))
                values[year] = value.quantize(quantum, ROUND_HALF_UP)
            plans.append(
                _IndicatorPlan(
                    name=name,
                    unit=unit,
                    source=source,
                    field_id=self.fields[key],
                    direction=direction,
                    baseline_year=baseline_year,
                    baseline=base.quantize(quantum),
                    target_year=target_year,
                    target=goal.quantize(quantum),
                    goals=list(goals),
                    values=values,
                )
            )
        return plans

    # Small: the curated ISEK 2024 and its Fortschreibung 2026

    def small_plans(self, timeline: _Timeline) -> list[_Plan]:
        rng = self.rng
        plans = []
        for spec in MEASURES:
            statuses = spec.status
            start = datetime.date(*spec.start, 1)
            end = datetime.date(*spec.end, 28)
            lead = self.lead(*spec.lead) if spec.lead else None
            plan = _Plan(
                number=spec.number,
                title=spec.title,
                description=spec.description,
                kind=spec.kind,
                role=spec.role,
                fields=[self.fields[key] for key in spec.fields],
                goals=list(spec.goals),
                place=spec.place,
                start=start,
                end=end,
                base={},
                mix=spec.mix,
                first=next(k for k, status in enumerate(statuses) if status),
                last=max(k for k, status in enumerate(statuses) if status),
                factors=[Decimal(1), Decimal(spec.factor)],
                priority=rng.choice((1, 2, 2, 3)),
                statuses=statuses,
                lead=lead.pk if lead else None,
            )
            if statuses[-1] in (MS.DEFERRED, MS.DROPPED):
                plan.fate = statuses[-1]
                # before it would have started, if it was to start after the adoption
                earliest = ADOPTED_ON + datetime.timedelta(days=60)
                latest = min(
                    self.today - datetime.timedelta(days=14), max(start, earliest) - datetime.timedelta(days=1)
                )
                plan.fate_on = self.day_between(earliest, latest)
            plan.base = self.spread(plan, Decimal(spec.cost))
            plan.partners = self.partners(plan.fields[0], plan.lead, 3)
            if spec.words:
                plan.concerns = self.matching(self.concerns, spec.words, 2)
                plan.applications = self.matching(self.applications, spec.words, 3)
                plan.decisions = self.matching(self.decisions, spec.words, 2)
            self.fill(plan, timeline, fate_note=spec.note)
            plans.append(plan)
        # Some decisions even where the words found none.
        if not any(plan.decisions for plan in plans) and self.decisions:
            for plan in rng.sample(plans, k=3):
                plan.decisions = [rng.choice(self.decisions)[0]]
        return plans

    def small(self) -> None:
        """ISEK 2024 and its Fortschreibung, entered through the ISEK services as the office would: the version,
        its goals, measures with their links, cost and financing plans, spending, milestones and progress notes,
        indicators with their values; the adoption; the copy; then the office's changes in the copy."""
        planner, steering = self.planner(), self.staff.get(STEUERUNG) or self.planner()
        if planner is None or steering is None:
            raise ValueError("The small ISEK is written by the area's staff: grant the demo users their roles first.")
        created = [self.at(day, 9) for day in SMALL_CREATED]
        timeline = _Timeline(years=list(SMALL_YEARS), as_of=[ADOPTED_ON, self.today])
        plans = self.small_plans(timeline)
        indicators = self.indicator_plans(self.sizes.indicators, BASELINE_YEAR, TARGET_YEAR)
        # ISEK 2024, as adopted
        adopted = version_create(area=self.area, label=SMALL_LABELS[0], by=planner)
        writer = _ServiceWriter(self, timeline, by=planner)
        goals = writer.goals([adopted])[adopted.pk]
        for plan in plans:
            if plan.present(0):
                writer.measure(adopted, 0, plan, goals)
        for indicator in indicators:
            writer.indicator(adopted, 0, indicator, goals)
        writer.write()
        version_adopt(version=adopted, on=ADOPTED_ON, body=self.body, by=steering)
        # The Fortschreibung 2026: the copy, then the office's changes
        draft = version_continue(version=adopted, label=SMALL_LABELS[1], by=planner)
        self.edit(draft, plans, indicators, timeline, by=planner)
        # Dates: made, adopted, last changed
        adopted_at = self.at(ADOPTED_ON, 18)
        changed_at = max(created[1], self.now - datetime.timedelta(days=self.rng.randint(1, 20)))
        set_times(Version, [adopted.pk, draft.pk], created_at=created, updated_at=[adopted_at, changed_at])
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Version),
            object_id=adopted.pk,
            additional_data__transition="adopt",
        )
        pks = list(entries.values_list("pk", flat=True))
        set_times(LogEntry, pks, timestamp=[adopted_at] * len(pks))
        # The cost plans' entries in the measures' history: when each version was written.
        for version, at in ((adopted, created[0]), (draft, changed_at)):
            backdate_log(Measure, {pk: [at, at] for pk in version.measures.values_list("pk", flat=True)})

    def edit(
        self,
        draft: Version,
        plans: list[_Plan],
        indicators: list[_IndicatorPlan],
        timeline: _Timeline,
        *,
        by: User,
    ) -> None:
        """What the office changes in the copy, through the services: measures taken out and added, statuses,
        revised costs, and what happened since the adoption."""
        since = timeline.as_of[0]
        by_title = {goal.title: goal for goal in draft.goals.filter(parent__isnull=False)}
        goals = [by_title[title] for _key, _parent, title in GOALS]
        measures = {measure.number: measure for measure in draft.measures.order_by("pk")}
        # No service takes a measure out of a draft (the office marks it dropped): the demo deletes the two.
        Measure.objects.filter(version=draft, number__in=[p.number for p in plans if not p.present(1)]).delete()
        writer = _ServiceWriter(self, timeline, by=by)
        for plan in plans:
            if not plan.present(1):
                continue
            measure = measures.get(plan.number)
            if measure is None:
                writer.measure(draft, 1, plan, goals)
                continue
            status = plan.status(1, self.today)
            if measure.status != status:
                measure_save(
                    version=draft, data={"status": status}, links={}, perms=writer.perms, by=by, measure=measure
                )
            if plan.costs(1, timeline) != plan.costs(0, timeline):
                writer.costs(measure, 1, plan)  # the plan of every year, in place of the copied one
            writer.records(measure, 1, plan, after=since)
        by_plan = {plan.number: plan for plan in plans}
        for milestone in Milestone.objects.filter(measure__version=draft, reached=False).select_related("measure"):
            plan = by_plan.get(milestone.measure.number)
            if plan is not None and plan.reached(milestone.date, 1, self.today):
                milestone_reached(milestone=milestone, reached=True, by=by)
        copies = {indicator.name: indicator for indicator in draft.indicators.all()}
        for plan in indicators:
            writer.values(copies[plan.name], plan, after=since.year - 1, upto=self.today.year - 1)
        writer.write()

    # Large: ten yearly versions in bulk

    def chain(self) -> None:
        rng, sizes = self.rng, self.sizes
        count = sizes.versions
        first_year = self.today.year - count + 1
        years = [first_year + k for k in range(count)]
        adopted_on = [datetime.date(year, 6, rng.randint(2, 27)) for year in years[:-1]]
        timeline = _Timeline(years=years, as_of=[*adopted_on, self.today])
        created = [self.at(datetime.date(year, rng.choice((1, 2)), rng.randint(5, 25)), 9) for year in years]
        base_label = f"ISEK {first_year}"
        versions = [
            Version(
                area=self.area,
                label=base_label if k == 0 else f"{base_label}, Fortschreibung {year}",
                status=Version.Status.ADOPTED if k < count - 1 else Version.Status.DRAFT,
                adopted_on=adopted_on[k] if k < count - 1 else None,
                adopted_by=self.body if k < count - 1 else "",
            )
            for k, year in enumerate(years)
        ]
        # One by one: each names the one before it.
        for k, version in enumerate(versions):
            version.previous = versions[k - 1] if k else None
            Version.objects.bulk_create([version])
        adopted_at = [self.at(day, 18) for day in adopted_on]
        set_times(
            Version,
            [version.pk for version in versions],
            created_at=created,
            updated_at=[*adopted_at, max(created[-1], self.now - datetime.timedelta(days=rng.randint(1, 20)))],
        )
        steering = self.staff.get(STEUERUNG) or self.planner()
        content_type = ContentType.objects.get_for_model(Version)
        LogEntry.objects.bulk_create(
            [
                LogEntry(
                    content_type=content_type,
                    object_pk=str(version.pk),
                    object_id=version.pk,
                    object_repr=version.label,
                    action=LogEntry.Action.UPDATE,
                    changes={"status": [Version.Status.DRAFT.value, Version.Status.ADOPTED.value]},
                    actor=steering,
                    timestamp=at,
                    additional_data={"quartier_id": self.area.pk, "transition": "adopt"},
                )
                for version, at in zip(versions[:-1], adopted_at, strict=True)
            ]
        )
        plans = self.chain_plans(timeline)
        indicators = self.indicator_plans(sizes.indicators, first_year - 2, years[-1] + 4)
        writer = _Writer(self, timeline)
        goals = writer.goals(versions)
        for k, version in enumerate(versions):
            for plan in plans:
                if plan.present(k):
                    writer.measure(version, k, plan, goals[version.pk])
            for indicator in indicators:
                writer.indicator(version, k, indicator, goals[version.pk])
        writer.write()

    def chain_plans(self, timeline: _Timeline) -> list[_Plan]:
        rng, sizes = self.rng, self.sizes
        count = len(timeline.years)
        last = count - 1
        current = sizes.measures
        removed = current * 8 // 100 if count > 1 else 0
        total = current + removed
        gone = set(rng.sample(range(total), k=removed))
        numbers: dict[str, int] = {}
        rows = []
        for index in range(total):
            if index in gone:
                first = rng.randint(0, last - 1)
                until = rng.randint(first, last - 1)
            else:
                first = 0 if count == 1 or rng.random() < 0.3 else rng.randint(1, last)
                until = last
            rows.append((first, index, until))
        plans = []
        for first, index, until in sorted(rows):
            plans.append(self.chain_plan(timeline, index, first, until, numbers))
        return plans

    def chain_plan(self, timeline: _Timeline, index: int, first: int, until: int, numbers: dict[str, int]) -> _Plan:
        rng = self.rng
        words = {
            "street": rng.choice(STREETS),
            "number": rng.randint(1, 60),
            "place": rng.choice(PLACES),
            "school": rng.choice(SCHOOL_NAMES),
        }
        if index < len(MEASURES):
            spec = MEASURES[index]
            keys, kind, role, title, description, place = (
                spec.fields, spec.kind, spec.role, spec.title, spec.description, spec.place
            )  # fmt: skip
            per_year = kind == SOC  # the catalogue's costs of a non-investive measure: per year of its own plan
            low = high = spec.cost // (spec.end[0] - spec.start[0] + 1) if per_year else spec.cost
            lead = self.lead(*spec.lead) if spec.lead else None
            goals = list(spec.goals)
        else:
            keys, kind, role, title, description, place, low, high, lead_kinds = rng.choice(TEMPLATES)
            title, description, place = (text.format(**words) for text in (title, description, place))
            per_year = kind == SOC
            lead_kind = rng.choice(lead_kinds) if lead_kinds else None  # none: the office itself
            lead = (
                self.lead(lead_kind, OFFICES[keys[0]] if lead_kind == OK.PUBLIC_OFFICE else "") if lead_kind else None
            )
            goals = [g for g, (key, _overall, _title) in enumerate(GOALS) if key == keys[0]]
            goals = sorted(rng.sample(goals, k=min(len(goals), rng.choice((1, 1, 2)))))
        made = timeline.years[first]
        start_year = made + rng.randint(-2 if first == 0 else -1, 3)
        start = datetime.date(start_year, rng.randint(1, 12), 1)
        years = rng.randint(1, 4) if kind == INV else rng.randint(1, 8)
        end_year = start_year + years - 1
        end = datetime.date(end_year, rng.randint(start.month if end_year == start_year else 1, 12), 28)
        if end < timeline.as_of[first]:  # a measure is not added when it is already over
            end = datetime.date(timeline.as_of[first].year + 1, end.month, 28)
        letter = LETTERS[keys[0]]
        numbers[letter] = numbers.get(letter, 0) + 1
        factors = [Decimal(1)]
        for _k in range(1, len(timeline.years)):
            change = Decimal(str(round(rng.uniform(0.9, 1.25), 2))) if rng.random() < 0.12 else Decimal(1)
            factors.append(factors[-1] * change)
        plan = _Plan(
            number=f"{letter}-{numbers[letter]}",
            title=title,
            description=description,
            kind=kind,
            role=role,
            fields=[self.fields[key] for key in keys],
            goals=goals,
            place=place,
            start=start,
            end=end,
            base={},
            mix=rng.choice(MIXES[kind]),
            first=first,
            last=until,
            factors=factors,
            priority=rng.choice((1, 2, 2, 3)),
            lead=lead.pk if lead else None,
        )
        fate = rng.random()
        if fate < 0.09:
            earliest = timeline.as_of[first] + datetime.timedelta(days=30)
            if earliest < self.today:
                plan.fate = MS.DEFERRED if fate < 0.05 else MS.DROPPED
                plan.fate_on = self.day_between(earliest, self.today - datetime.timedelta(days=1))
        cost = rng.randint(low // 100, high // 100) * 100
        plan.base = self.spread(plan, Decimal(cost * (end.year - start.year + 1) if per_year else cost))
        plan.partners = self.partners(plan.fields[0], plan.lead, 3)
        if self.concerns and rng.random() < 0.1:
            same = [pk for pk, field_id, _text in self.concerns if field_id == plan.fields[0]]
            plan.concerns = [rng.choice(same)] if same else []
        if self.applications and kind == SOC and rng.random() < 0.1:
            plan.applications = sorted({rng.choice(self.applications)[0] for _ in range(rng.randint(1, 3))})
        if self.decisions and rng.random() < 0.06:
            plan.decisions = [rng.choice(self.decisions)[0]]
        self.fill(plan, timeline)
        return plan


class _Writer:
    """Collects goals, measures, indicators and everything that hangs on them, and writes them with
    ``bulk_create``; the many-to-many rows once the measures and indicators have their keys."""

    def __init__(self, seeder: _Seeder, timeline: _Timeline) -> None:
        self.seeder = seeder
        self.timeline = timeline
        self.measures: list[Measure] = []
        self.links: list[tuple[Measure, _Plan, list[Goal]]] = []
        self.costs_: list[PlannedCost] = []
        self.financing: list[Financing] = []
        self.spendings: list[Spending] = []
        self.milestones: list[Milestone] = []
        self.notes: list[ProgressNote] = []
        self.indicators: list[tuple[Indicator, _IndicatorPlan, list[Goal]]] = []
        self.values_: list[IndicatorValue] = []

    def goals(self, versions: Sequence[Version]) -> dict[int, list[Goal]]:
        """The overall goals and the goals of the fields of action of each version (the latter returned, in the
        order of GOALS)."""
        fields = self.seeder.fields
        overall = {
            version.pk: [Goal(version=version, position=i, title=title) for i, title in enumerate(OVERALL_GOALS, 1)]
            for version in versions
        }
        Goal.objects.bulk_create([goal for goals in overall.values() for goal in goals], batch_size=BATCH)
        goals = {}
        for version in versions:
            positions: dict[int, int] = {}
            rows = []
            for key, parent, title in GOALS:
                positions[parent] = positions.get(parent, 0) + 1
                rows.append(
                    Goal(
                        version=version,
                        parent=overall[version.pk][parent],
                        field_of_action_id=fields[key],
                        position=positions[parent],
                        title=title,
                    )
                )
            goals[version.pk] = rows
        Goal.objects.bulk_create([goal for rows in goals.values() for goal in rows], batch_size=BATCH)
        return goals

    def measure(self, version: Version, k: int, plan: _Plan, goals: list[Goal]) -> Measure:
        measure = Measure(
            version=version,
            number=plan.number,
            title=plan.title,
            description=plan.description,
            kind=plan.kind,
            responsible_role=plan.role,
            lead_organisation_id=plan.lead,
            status=plan.status(k, self.timeline.as_of[k]),
            priority=plan.priority,
            place=plan.place,
            start=plan.start,
            end=plan.end,
        )
        self.measures.append(measure)
        self.links.append((measure, plan, goals))
        self.costs(measure, k, plan)
        self.records(measure, k, plan)
        on = self.timeline.as_of[k]
        self.milestones += [
            Milestone(measure=measure, date=day, title=title, reached=plan.reached(day, k, on))
            for day, title in plan.milestones
        ]
        return measure

    def costs(self, measure: Measure, k: int, plan: _Plan) -> None:
        for year, amount in sorted(plan.costs(k, self.timeline).items()):
            self.costs_.append(PlannedCost(measure=measure, year=year, amount=amount))
            self.financing += [
                Financing(measure=measure, year=year, source=source, amount=part)
                for source, part in plan.financing(amount)
            ]

    def records(self, measure: Measure, k: int, plan: _Plan, after: datetime.date | None = None) -> None:
        """Spending and progress notes up to the version's day (and after ``after``)."""
        on = self.timeline.as_of[k]
        self.spendings += [
            Spending(measure=measure, date=day, amount=amount, source=source, note=note)
            for day, amount, source, note in plan.spendings
            if day <= on and (after is None or day > after)
        ]
        self.notes += [
            ProgressNote(measure=measure, date=day, text=text, author_id=author)
            for day, text, author in plan.notes
            if day <= on and (after is None or day > after)
        ]

    def indicator(self, version: Version, k: int, plan: _IndicatorPlan, goals: list[Goal]) -> None:
        indicator = Indicator(
            version=version,
            name=plan.name,
            unit=plan.unit,
            source=plan.source,
            field_of_action_id=plan.field_id,
            direction=plan.direction,
            baseline_year=plan.baseline_year,
            baseline=plan.baseline,
            target_year=plan.target_year,
            target=plan.target,
        )
        self.indicators.append((indicator, plan, goals))
        self.values(indicator, plan, upto=self.timeline.as_of[k].year - 1)

    def values(self, indicator: Indicator, plan: _IndicatorPlan, *, upto: int, after: int | None = None) -> None:
        self.values_ += [
            IndicatorValue(indicator=indicator, year=year, value=value)
            for year, value in plan.values.items()
            if year <= upto and (after is None or year > after)
        ]

    def write(self) -> None:
        Measure.objects.bulk_create(self.measures, batch_size=BATCH)
        Indicator.objects.bulk_create([indicator for indicator, _plan, _goals in self.indicators], batch_size=BATCH)
        for model, rows in (
            (PlannedCost, self.costs_),
            (Financing, self.financing),
            (Spending, self.spendings),
            (Milestone, self.milestones),
            (ProgressNote, self.notes),
            (IndicatorValue, self.values_),
        ):
            model.objects.bulk_create(rows, batch_size=BATCH)
        through = Measure.fields_of_action.through
        fields, goal_rows, partners, concerns, applications, decisions = [], [], [], [], [], []
        for measure, plan, goals in self.links:
            pk = measure.pk
            fields += [through(measure_id=pk, fieldofaction_id=field_id) for field_id in plan.fields]
            goal_rows += [Measure.goals.through(measure_id=pk, goal_id=goals[g].pk) for g in plan.goals]
            partners += [Measure.partners.through(measure_id=pk, organisation_id=o) for o in plan.partners]
            concerns += [Measure.concerns.through(measure_id=pk, concern_id=c) for c in plan.concerns]
            applications += [Measure.applications.through(measure_id=pk, application_id=a) for a in plan.applications]
            decisions += [Measure.decisions.through(measure_id=pk, agendaitem_id=d) for d in plan.decisions]
        indicator_goals = [
            Indicator.goals.through(indicator_id=indicator.pk, goal_id=goals[g].pk)
            for indicator, plan, goals in self.indicators
            for g in plan.goals
        ]
        for model, rows in (
            (Measure.fields_of_action.through, fields),
            (Measure.goals.through, goal_rows),
            (Measure.partners.through, partners),
            (Measure.concerns.through, concerns),
            (Measure.applications.through, applications),
            (Measure.decisions.through, decisions),
            (Indicator.goals.through, indicator_goals),
        ):
            model.objects.bulk_create(rows, batch_size=BATCH)


class _ServiceWriter(_Writer):
    """Collects the same rows as :class:`_Writer` and writes them through the ISEK services, in the order the
    office enters them: goals, then each measure with its links, cost and financing plan, spending, milestones
    and progress notes (by their authors), then each indicator with its goals and values. Rows may hang on
    measures and indicators saved before (the copy of a version)."""

    def __init__(self, seeder: _Seeder, timeline: _Timeline, *, by: User) -> None:
        super().__init__(seeder, timeline)
        self.by = by
        self.perms = area_permissions(by, seeder.area)
        self.planned: dict[int, Measure] = {}  # the measures whose cost plan is written (or replaced), by id()

    def costs(self, measure: Measure, k: int, plan: _Plan) -> None:
        self.planned.setdefault(id(measure), measure)
        super().costs(measure, k, plan)

    def goals(self, versions: Sequence[Version]) -> dict[int, list[Goal]]:
        fields = FieldOfAction.objects.in_bulk()
        goals = {}
        for version in versions:
            overall = [
                goal_save(version=version, data={"title": title, "position": i}, by=self.by)
                for i, title in enumerate(OVERALL_GOALS, 1)
            ]
            positions: dict[int, int] = {}
            rows = []
            for key, parent, title in GOALS:
                positions[parent] = positions.get(parent, 0) + 1
                data = {
                    "parent": overall[parent],
                    "field_of_action": fields[self.seeder.fields[key]],
                    "position": positions[parent],
                    "title": title,
                }
                rows.append(goal_save(version=version, data=data, by=self.by))
            goals[version.pk] = rows
        return goals

    def write(self) -> None:
        plans = {id(measure): (plan, goals) for measure, plan, goals in self.links}
        ids = {
            name: {pk for _measure, plan, _goals in self.links for pk in getattr(plan, name)}
            for name in ("fields", "partners", "concerns", "applications", "decisions")
        }
        objects = {
            "fields_of_action": FieldOfAction.objects.in_bulk(ids["fields"]),
            "partners": Organisation.objects.in_bulk(ids["partners"]),
            "concerns": Concern.objects.in_bulk(ids["concerns"]),
            "applications": Application.objects.in_bulk(ids["applications"]),
            "decisions": AgendaItem.objects.select_related("meeting__committee").in_bulk(ids["decisions"]),
        }
        saved: dict[int, Measure] = {}
        for measure in self.measures:
            plan, goals = plans[id(measure)]
            links = {
                "fields_of_action": [objects["fields_of_action"][pk] for pk in plan.fields],
                "goals": [goals[g] for g in plan.goals],
                "partners": [objects["partners"][pk] for pk in plan.partners],
                "concerns": [objects["concerns"][pk] for pk in plan.concerns],
                "applications": [objects["applications"][pk] for pk in plan.applications],
                "decisions": [objects["decisions"][pk] for pk in plan.decisions],
            }
            data = {name: getattr(measure, name) for name in MEASURE_FIELDS}
            saved[id(measure)] = measure_save(
                version=measure.version, data=data, links=links, perms=self.perms, by=self.by
            )

        def of(measure: Measure) -> Measure:
            return saved.get(id(measure), measure)

        years: dict[int, dict[int, YearPlan]] = {key: {} for key in self.planned}
        for cost in self.costs_:
            years[id(cost.measure)][cost.year] = YearPlan(year=cost.year, cost=cost.amount, financing={})
        for part in self.financing:
            years[id(part.measure)][part.year].financing[part.source] = part.amount
        for key, measure in self.planned.items():
            if years[key] or key not in saved:  # a new measure without costs has no plan; a revised one an empty one
                finance_plan_save(measure=of(measure), years=list(years[key].values()), by=self.by)
        for spending in self.spendings:
            spending_add(
                measure=of(spending.measure),
                date=spending.date,
                amount=spending.amount,
                source=spending.source,
                note=spending.note,
                by=self.by,
            )
        for row in self.milestones:
            milestone = milestone_add(measure=of(row.measure), date=row.date, title=row.title, by=self.by)
            if row.reached:
                milestone_reached(milestone=milestone, reached=True, by=self.by)
        authors = User.objects.in_bulk({note.author_id for note in self.notes})
        for note in self.notes:
            progress_note_add(measure=of(note.measure), date=note.date, text=note.text, by=authors[note.author_id])
        made: dict[int, Indicator] = {}
        for indicator, plan, goals in self.indicators:
            data = {name: getattr(indicator, name) for name in INDICATOR_FIELDS}
            made[id(indicator)] = indicator_save(
                version=indicator.version, data=data, goals=[goals[g] for g in plan.goals], by=self.by
            )
        for value in self.values_:
            indicator_value_set(
                indicator=made.get(id(value.indicator), value.indicator), year=value.year, value=value.value, by=self.by
            )
