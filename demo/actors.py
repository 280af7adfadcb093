"""Demo data for the actors module: organisations, persons, networks, contact notes and concerns.

``seed_actors`` fills one area; ``demo.seed.seed_demo`` calls it inside
``disable_auditlog()``. The small demo is written through the services, as the
office would enter it (``organisation_create``, ``person_create`` with the
affiliations, ``network_create`` with the members, ``contact_note_create``,
``concern_create`` and ``concern_set_status`` for every step of a concern), so
every row passes their checks. The large demo writes the same kind of rows with
``bulk_create`` (the many-to-many tables through ``Model.field.through``), so
the number of queries does not grow with the amount of data. Both draw every
random choice from the caller's ``random.Random`` in the same order, before
anything is written: the same seed gives the same data either way, and the
timestamps are backdated afterwards (``demo.db.set_times``).
"""

from __future__ import annotations

import datetime
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from actors.models import (
    Affiliation,
    Concern,
    ConcernStatusChange,
    ContactNote,
    Network,
    NetworkMembership,
    Organisation,
    Person,
    TargetGroup,
)
from actors.services.concerns import CONCERN_FIELDS, concern_create, concern_set_status
from actors.services.contacts import NOTE_FIELDS, contact_note_create
from actors.services.networks import NETWORK_FIELDS, MemberRow, network_create
from actors.services.organisations import ORGANISATION_FIELDS, organisation_create
from actors.services.persons import PERSON_FIELDS, AffiliationRow, person_create
from demo.db import BATCH, backdate_log, set_times
from quartier.models import FieldOfAction, Quartier, User

K = Organisation.Kind
S = Concern.Status
CH = ContactNote.Channel


@dataclass(frozen=True)
class Sizes:
    organisations: int
    persons: int
    networks: int
    contact_notes: int
    concerns: int
    years: int


SIZES = {
    "small": Sizes(organisations=60, persons=150, networks=6, contact_notes=400, concerns=40, years=2),
    "large": Sizes(organisations=1000, persons=3000, networks=20, contact_notes=15000, concerns=1500, years=10),
}

# --- Word lists --------------------------------------------------------------------------------------------------

STREETS = [
    "Uferstraße", "Kanalweg", "Lindenstraße", "Schulstraße", "Am Wasserturm", "Brunnenplatz", "Gleisweg", "Mühlenweg",
    "Rosenstraße", "Hafenstraße", "Parkallee", "Nordring", "Weberstraße", "Goethestraße", "Schillerplatz",
    "Bergmannstraße", "Friedrich-Ebert-Straße", "Rosa-Luxemburg-Straße", "Amselweg", "Fliederweg", "Eichendorffstraße",
    "Kastanienallee", "Marktplatz", "Bahnhofstraße", "Lessingstraße", "Heinestraße", "Brückenstraße", "Schleusenweg",
    "Kirchstraße", "Gartenstraße", "Birkenweg", "Ahornstraße", "Wiesenweg", "Sonnenallee", "Turmstraße",
    "Werftstraße", "Kaiweg", "Speicherstraße", "Zollhof", "Käthe-Kollwitz-Straße",
]  # fmt: skip
PLACES = [
    "am Kanal", "am Park", "am Markt", "am Wasserturm", "am Hafen", "am Schlosspark", "am Bahnhof", "am Lindenplatz",
    "am Mühlenberg", "am Weidenweg", "im Rosengarten", "am Brunnenplatz", "am Ufer", "an der Schleuse",
    "an der Brücke", "an der Linde",
]  # fmt: skip
PLACE_WORDS = [
    "Kanal", "Hafen", "Linde", "Mühle", "Schleuse", "Brücke", "Wasserturm", "Nord", "Ost", "Rosengarten", "Brunnen",
    "Uferpark", "Gleisdreieck", "Speicher", "Weidengrund", "Lindenhof",
]  # fmt: skip
DAYCARE_NAMES = [
    "Sonnenschein", "Regenbogen", "Pusteblume", "Kanalkinder", "Zwergenland", "Spatzennest", "Sternschnuppe",
    "Villa Kunterbunt", "Löwenzahn", "Kleine Strolche", "Wirbelwind", "Bullerbü", "Schatzkiste", "Glühwürmchen",
    "Marienkäfer", "Abenteuerland", "Seepferdchen", "Sonnenblume", "Kleeblatt", "Apfelbäumchen", "Flohkiste",
    "Die Entdecker", "Wolkenburg", "Rasselbande",
]  # fmt: skip
SCHOOL_NAMES = [
    "Astrid-Lindgren", "Erich-Kästner", "Anne-Frank", "Hans-Christian-Andersen", "Käthe-Kollwitz", "Sophie-Scholl",
    "Heinrich-Heine", "Bettina-von-Arnim", "Carl-von-Ossietzky", "Rosa-Parks", "Nelson-Mandela", "Janusz-Korczak",
    "Brüder-Grimm", "Paul-Klee", "Alexander-von-Humboldt", "Hannah-Arendt", "Lessing", "Marie-Curie",
    "Albert-Schweitzer", "Friedrich-Fröbel", "Otfried-Preußler", "Michael-Ende", "May-Ayim", "Lise-Meitner",
]  # fmt: skip
CULTURES = [
    "Anatolien", "Deutsch-Polnisch", "Deutsch-Arabisch", "Afrikanische Diaspora", "Vietnamesisch-Deutsch",
    "Russischsprachige Familien", "Lateinamerika", "Eritrea", "Syrisch-Deutsch", "Kurdistan", "Bosnien",
    "Deutsch-Griechisch", "Afghanistan",
]  # fmt: skip
CLUBS = [
    "Sportverein", "Kulturverein", "Kleingartenverein", "Förderverein", "Nachbarschaftsverein", "Schachclub",
    "Chorgemeinschaft", "Theaterverein", "Fußballclub", "Boxclub", "Seniorenclub", "Frauentreff", "Elternverein",
    "Heimatverein", "Anglerverein", "Kunstverein", "Musikverein", "Tanzverein", "Jugendverein", "Geschichtswerkstatt",
    "Tauschring", "Turnverein", "Kanuverein", "Computerclub",
]  # fmt: skip
WELFARE = [
    "AWO", "Caritas", "Diakonie", "DRK", "Der Paritätische", "Volkssolidarität", "Johanniter", "Malteser",
    "Internationaler Bund", "Kinderschutzbund", "Gangway", "Outreach",
]  # fmt: skip
WELFARE_UNITS = [
    "Jugendclub {word}", "Familienzentrum {kita}", "Migrationsberatung", "Seniorentreff {word}", "Schuldnerberatung",
    "Stadtteilmütter", "Schulsozialarbeit", "Beratungsstelle {street}", "Jugendmigrationsdienst",
    "Nachbarschaftshaus {word}", "Mobile Jugendarbeit", "Sozialstation {word}", "Tagespflege {word}",
    "Mehrgenerationenhaus {word}", "Lernhilfe {word}", "Frühe Hilfen", "Suchtberatung", "Mädchentreff {word}",
]  # fmt: skip
ADMIN_UNITS = [
    "Straßen- und Grünflächenamt", "Jugendamt", "Sozialamt", "Gesundheitsamt", "Ordnungsamt", "Stadtplanungsamt",
    "Umwelt- und Naturschutzamt", "Schul- und Sportamt", "Amt für Weiterbildung und Kultur",
    "Sozialraumorientierte Planungskoordination", "Integrationsbeauftragte", "Bürgeramt", "Wohnungsamt",
    "Fachbereich Stadtteilarbeit", "Kinder- und Jugendgesundheitsdienst", "Seniorenvertretung",
]  # fmt: skip
SAINTS = [
    "St. Marien", "St. Johannes", "St. Petri", "St. Nikolai", "St. Josef", "St. Elisabeth", "St. Michael",
    "St. Paulus", "Zum Heiligen Kreuz", "Zwölf-Apostel", "Emmaus", "Versöhnung",
]  # fmt: skip
MOSQUES = ["Mevlana", "Yunus Emre", "Al-Nur", "Selimiye", "Fatih", "Ibn Rushd", "Salam", "Al-Huda"]
CAFES = ["Kanalblick", "Kiezkind", "Bohne", "Anatolia", "Zuckerstück", "Hafenliebe", "Samowar", "Mokka", "Eckbank"]
TOPIC_WORDS = [
    "Grüner Kanal", "Sauberer Kiez", "Spielplatz jetzt", "Kiezblock", "Mehr Bäume", "Sichere Schulwege",
    "Bezahlbar wohnen", "Kiez für alle", "Lebenswertes Ufer", "Ruhiger Hof",
]  # fmt: skip

ORG_NAMES: dict[str, list[str]] = {
    K.DAYCARE: [
        "Kita {kita}", "Kita {street}", "Kinderladen {kita} e. V.", "{welfare} Kita {kita}", "Ev. Kita {saint}",
        "Familienzentrum und Kita {kita}", "Kita {kita} {place}",
    ],
    K.SCHOOL: [
        "{school}-Grundschule", "{school}-Schule (Integrierte Sekundarschule)", "{school}-Gymnasium",
        "{school}-Gemeinschaftsschule", "Grundschule {place}", "Förderzentrum {place}", "Musikschule {area}",
        "Volkshochschule – Außenstelle {area}", "Oberstufenzentrum {word}",
    ],
    K.ASSOCIATION: [
        "{club} {word} e. V.", "{club} {area} e. V.", "Kulturverein {culture} e. V.", "Frauenverein {culture} e. V.",
        "Elternverein {culture} e. V.", "Förderverein der {school}-Grundschule e. V.", "SV {word} {year} e. V.",
        "Nachbarschaftsverein {street} e. V.",
    ],
    K.PROVIDER: [
        "{welfare} – {unit}", "{welfare} – {unit}", "Jugendhilfe {word} gGmbH", "Bildung im Kiez {word} gGmbH",
    ],
    K.HOUSING: [
        "Wohnungsbaugesellschaft {city} mbH", "Wohnungsgenossenschaft {word} eG", "Baugenossenschaft {area} eG",
        "Hausverwaltung {last} GmbH", "Immobilien {last} & Partner", "Wohnbau {word} GmbH",
        "Wohnungsbaugesellschaft {city} – Kundenzentrum {street}",
    ],
    K.PUBLIC_OFFICE: [
        "{admin} – {admin_unit}", "{admin} – {admin_unit}", "{admin} – {admin_unit}",
        "Jobcenter {city} – Standort {word}",
        "Polizei – Kontaktbereichsdienst {area}", "Stadtteilbibliothek {word}", "Familienservicebüro {area}",
    ],
    K.BUSINESS: [
        "Bäckerei {last}", "Apotheke {place}", "{word}-Apotheke", "Späti {first}", "Friseursalon {first}",
        "Café {cafe}",
        "Obst und Gemüse {last}", "Fahrradwerkstatt {word}", "Buchhandlung {last}", "Blumen {first}", "Imbiss {first}",
        "Änderungsschneiderei {first}", "Elektro {last} GmbH", "Physiotherapie {place}", "Zahnarztpraxis Dr. {last}",
        "Kinderarztpraxis Dr. {last}", "Reisebüro {word}", "Restaurant {cafe}",
    ],
    K.RELIGION: [
        "Ev. Kirchengemeinde {saint}", "Kath. Pfarrei {saint}", "Moscheegemeinde {mosque} e. V.",
        "DITIB-Moscheegemeinde {word}", "Alevitische Gemeinde {area} e. V.", "Freie evangelische Gemeinde {word}",
        "Rumänisch-Orthodoxe Gemeinde {saint}", "Afrikanische Pfingstgemeinde {area}", "Buddhistisches Zentrum {word}",
        "Jüdische Gemeinde – Begegnungsstätte {street}",
    ],
    K.INITIATIVE: [
        "Mieterinitiative {street}", "Bürgerinitiative {topic}", "Repair-Café {word}", "Foodsharing {area}",
        "Gemeinschaftsgarten {word}", "Initiative {topic}", "Lesepaten {place}", "Nachbarschaftshilfe {street}",
        "Willkommensinitiative {area}", "Sprachcafé {word}", "Offene Werkstatt {word}", "Kiezchor {word}",
    ],
    K.NEIGHBOURHOOD_ASSOCIATION: ["Bürgerverein {word} e. V.", "Interessengemeinschaft {street} e. V."],
    K.OTHER: [
        "Kinderbauernhof {word}", "Jugendkunstschule {area}", "Stadtteilzeitung „{word}-Bote“", "Kiezradio {area}",
        "Hebammenpraxis {place}", "Stiftung {last}", "Bürgerstiftung {city}",
    ],
}  # fmt: skip
#: The first organisations of every area, so that even the small demo has one of each.
ANCHORS: list[tuple[str, str]] = [
    (K.NEIGHBOURHOOD_ASSOCIATION, "Stadtteilverein {area} e. V."),
    (K.RELIGION, "Moscheegemeinde {mosque} e. V."),
    (K.RELIGION, "Ev. Kirchengemeinde {saint}"),
    (K.DAYCARE, "Kita {kita}"),
    (K.SCHOOL, "{school}-Grundschule"),
    (K.HOUSING, "Wohnungsbaugesellschaft {city} mbH"),
    (K.PUBLIC_OFFICE, "{admin} – Jugendamt"),
    (K.PUBLIC_OFFICE, "{admin} – Straßen- und Grünflächenamt"),
    (K.PROVIDER, "{welfare} – Familienzentrum {kita}"),
    (K.INITIATIVE, "Mieterinitiative {street}"),
    (K.ASSOCIATION, "Kulturverein {culture} e. V."),
    (K.BUSINESS, "Bäckerei {last}"),
]
ORG_KIND_WEIGHTS = {
    K.ASSOCIATION: 18, K.PROVIDER: 11, K.SCHOOL: 6, K.DAYCARE: 10, K.HOUSING: 4, K.PUBLIC_OFFICE: 8, K.BUSINESS: 14,
    K.RELIGION: 6, K.INITIATIVE: 11, K.NEIGHBOURHOOD_ASSOCIATION: 1, K.OTHER: 3,
}  # fmt: skip
ORG_DESCRIPTIONS = {
    K.DAYCARE: ["Kindertagesstätte mit {n}0 Plätzen, Schwerpunkt Sprachförderung.", "Kita mit Elterncafé am Freitag."],
    K.SCHOOL: ["Etwa {n}00 Schüler*innen, Ganztagsbetrieb, Schulsozialarbeit vor Ort.", "Schule mit Elternzentrum."],
    K.ASSOCIATION: [
        "Ehrenamtlicher Verein mit rund {n}0 Mitgliedern.", "Trifft sich wöchentlich im Nachbarschaftstreff.",
    ],
    K.PROVIDER: ["Freier Träger der Kinder-, Jugend- und Sozialarbeit.", "Beratung mehrsprachig, offene Sprechzeiten."],
    K.HOUSING: ["Bestand im Quartier: rund {n}00 Wohnungen.", "Sozialmanagement mit Sprechstunde im Quartier."],
    K.PUBLIC_OFFICE: ["Zuständig für Anliegen aus dem Quartier.", "Ansprechperson für das Stadtteilbüro benannt."],
    K.BUSINESS: ["Inhabergeführtes Geschäft, Aushänge für Kiezveranstaltungen möglich.", "Beteiligt sich am Kiezfest."],
    K.RELIGION: ["Gemeinde mit Räumen für Nachbarschaftsveranstaltungen.", "Beteiligt am interreligiösen Dialog."],
    K.INITIATIVE: ["Offene Gruppe von Anwohnenden, trifft sich monatlich.", "Selbstorganisiert, ohne feste Räume."],
    K.NEIGHBOURHOOD_ASSOCIATION: ["Vertritt die Anliegen der Bewohner*innen im Stadtteil.", "Träger des Kiezfests."],
    K.OTHER: ["Kooperationspartner im Quartier.", "Bietet Räume und Angebote für Kinder und Familien."],
}  # fmt: skip
ORG_FIELDS = {
    K.DAYCARE: ["bildung", "integration-nachbarschaft"],
    K.SCHOOL: ["bildung"],
    K.ASSOCIATION: ["integration-nachbarschaft", "gesundheit-bewegung"],
    K.PROVIDER: ["integration-nachbarschaft", "bildung", "gesundheit-bewegung"],
    K.HOUSING: ["oeffentlicher-raum", "integration-nachbarschaft", "klima"],
    K.PUBLIC_OFFICE: ["beteiligung-vernetzung", "oeffentlicher-raum"],
    K.BUSINESS: ["integration-nachbarschaft"],
    K.RELIGION: ["integration-nachbarschaft"],
    K.INITIATIVE: ["klima", "oeffentlicher-raum", "beteiligung-vernetzung"],
    K.NEIGHBOURHOOD_ASSOCIATION: ["beteiligung-vernetzung", "integration-nachbarschaft"],
    K.OTHER: ["bildung", "integration-nachbarschaft"],
}
ORG_TARGET_GROUPS = {
    K.DAYCARE: ["Kinder", "Familien"],
    K.SCHOOL: ["Kinder", "Jugendliche", "Familien"],
    K.ASSOCIATION: ["Nachbarschaft allgemein", "Jugendliche", "Senior*innen", "Menschen mit Migrationsgeschichte"],
    K.PROVIDER: ["Jugendliche", "Familien", "Alleinerziehende", "Erwerbslose", "Menschen mit Migrationsgeschichte"],
    K.HOUSING: ["Nachbarschaft allgemein", "Senior*innen"],
    K.PUBLIC_OFFICE: ["Nachbarschaft allgemein"],
    K.BUSINESS: ["Nachbarschaft allgemein"],
    K.RELIGION: ["Familien", "Senior*innen", "Menschen mit Migrationsgeschichte"],
    K.INITIATIVE: ["Nachbarschaft allgemein", "Familien"],
    K.NEIGHBOURHOOD_ASSOCIATION: ["Nachbarschaft allgemein"],
    K.OTHER: ["Kinder", "Familien", "Menschen mit Behinderung"],
}
FUNCTIONS = {
    K.DAYCARE: ["Leitung", "Stellvertretende Leitung", "Erzieher*in", "Elternvertreter*in"],
    K.SCHOOL: ["Schulleitung", "Schulsozialarbeiter*in", "Lehrer*in", "Elternvertreter*in", "Ganztagskoordination"],
    K.ASSOCIATION: ["Vorsitzende*r", "Stellv. Vorsitzende*r", "Kassenwart*in", "Mitglied", "Übungsleiter*in"],
    K.PROVIDER: ["Sozialarbeiter*in", "Projektleitung", "Geschäftsführung", "Berater*in", "Stadtteilmutter"],
    K.HOUSING: ["Sozialmanagement", "Hauswart*in", "Kundenbetreuung", "Quartiersentwicklung"],
    K.PUBLIC_OFFICE: [
        "Sachbearbeiter*in",
        "Fachbereichsleitung",
        "Sozialraumkoordinator*in",
        "Kontaktbereichsbeamte*r",
    ],
    K.BUSINESS: ["Inhaber*in", "Mitarbeiter*in"],
    K.RELIGION: ["Pfarrer*in", "Imam", "Gemeindereferent*in", "Vorsitzende*r", "Jugendleiter*in"],
    K.INITIATIVE: ["Sprecher*in", "Aktive*r", "Mitgründer*in"],
    K.NEIGHBOURHOOD_ASSOCIATION: ["Vorsitzende*r", "Schriftführer*in", "Mitglied"],
    K.OTHER: ["Leitung", "Mitarbeiter*in", "Ehrenamtliche*r"],
}

# (weight, female first names, male first names, last names, female last names or None, languages)
ORIGINS: list[tuple[int, list[str], list[str], list[str], list[str] | None, list[str]]] = [
    (
        45,
        ["Anna", "Katrin", "Sabine", "Julia", "Monika", "Petra", "Lena", "Ursula", "Claudia", "Sophie", "Marie",
         "Heike", "Birgit", "Laura", "Hannah", "Ingrid", "Renate", "Charlotte", "Johanna", "Franziska", "Mia"],
        ["Thomas", "Michael", "Stefan", "Andreas", "Klaus", "Jürgen", "Lukas", "Jonas", "Peter", "Frank", "Uwe",
         "Matthias", "Wolfgang", "Felix", "Tobias", "Sebastian", "Jan", "Dieter", "Karl", "Maximilian", "Noah"],
        ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
         "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
         "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Schulze", "Köhler", "Herrmann", "König", "Walter",
         "Kaiser", "Fuchs", "Peters", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Vogel", "Friedrich", "Keller",
         "Günther", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Albrecht", "Schuster"],
        None,
        ["Deutsch", "Deutsch", "Deutsch, Englisch"],
    ),
    (
        14,
        ["Ayşe", "Fatma", "Elif", "Zeynep", "Emine", "Hatice", "Derya", "Gül", "Seda", "Merve", "Büşra", "Aylin",
         "Esra", "Songül", "Yasemin", "Rojda", "Berfin", "Dilan"],
        ["Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "Murat", "Emre", "Burak", "Yusuf",
         "Kemal", "Cem", "Serkan", "Deniz", "Azad", "Baran", "Rezan"],
        ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir", "Arslan",
         "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek", "Ekinci", "Güneş"],
        None,
        ["Deutsch, Türkisch", "Türkisch, Deutsch", "Deutsch, Türkisch, Kurdisch", "Kurdisch, Türkisch, Deutsch"],
    ),
    (
        10,
        ["Fatima", "Amal", "Layla", "Rania", "Nour", "Mariam", "Yasmin", "Huda", "Salma", "Aisha", "Rim", "Dalia"],
        ["Mohammed", "Ahmad", "Omar", "Khaled", "Youssef", "Hassan", "Karim", "Samir", "Tarek", "Bilal", "Walid"],
        ["Al-Hassan", "Haddad", "Khalil", "Nasser", "Saleh", "Mansour", "Abdallah", "Hamdan", "Aziz", "El-Sayed",
         "Darwish", "Kassem", "Hussein", "Barakat", "Said", "Othman"],
        None,
        ["Arabisch, Deutsch", "Arabisch", "Arabisch, Deutsch, Englisch"],
    ),
    (
        5,
        ["Agnieszka", "Katarzyna", "Małgorzata", "Magdalena", "Joanna", "Ewa", "Zofia"],
        ["Piotr", "Krzysztof", "Tomasz", "Paweł", "Marek", "Łukasz", "Jakub"],
        ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Woźniak", "Dąbrowski"],
        ["Nowak", "Kowalska", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowska", "Zielińska", "Woźniak", "Dąbrowska"],
        ["Polnisch, Deutsch", "Deutsch, Polnisch"],
    ),
    (
        6,
        ["Olga", "Natalia", "Irina", "Swetlana", "Tatjana", "Oksana", "Anastasia", "Kateryna"],
        ["Sergej", "Alexander", "Dmitri", "Andrej", "Wladimir", "Igor", "Viktor", "Maxim", "Oleksandr"],
        ["Iwanow", "Petrow", "Schewtschenko", "Kowalenko", "Smirnow", "Bondarenko", "Popow", "Melnyk", "Kusnezow"],
        ["Iwanowa", "Petrowa", "Schewtschenko", "Kowalenko", "Smirnowa", "Bondarenko", "Popowa", "Melnyk", "Kusnezowa"],
        ["Russisch, Deutsch", "Ukrainisch, Russisch, Deutsch", "Ukrainisch, Englisch"],
    ),
    (
        5,
        ["Giulia", "Francesca", "Eleni", "Maria", "Jelena", "Ana", "Amra"],
        ["Marco", "Giuseppe", "Nikolaos", "Dimitrios", "Goran", "Dragan", "Emir"],
        ["Rossi", "Russo", "Esposito", "Papadopoulos", "Georgiou", "Petrović", "Jovanović", "Hodžić", "Kovačević"],
        None,
        ["Italienisch, Deutsch", "Griechisch, Deutsch", "Bosnisch, Deutsch", "Serbisch, Deutsch"],
    ),
    (
        5,
        ["Aminata", "Fatou", "Grace", "Abena", "Chiamaka", "Selam", "Mekdes"],
        ["Mamadou", "Kwame", "Emeka", "Ousmane", "Kofi", "Yonas", "Samuel"],
        ["Diallo", "Mensah", "Okafor", "Traoré", "Asante", "Tesfaye", "Bekele", "Ndiaye", "Owusu"],
        None,
        ["Englisch, Deutsch", "Französisch, Wolof, Deutsch", "Tigrinya, Deutsch", "Twi, Englisch"],
    ),
    (
        3,
        ["Thi Lan", "Thi Mai", "Thu Trang", "Ngoc Anh", "Hoa"],
        ["Van Minh", "Duc Anh", "Quang", "Tuan", "Hung"],
        ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang"],
        None,
        ["Vietnamesisch, Deutsch"],
    ),
    (
        4,
        ["Maryam", "Shirin", "Parisa", "Zahra", "Nazanin", "Soraya"],
        ["Reza", "Farid", "Omid", "Ahmad Shah", "Dariush", "Navid"],
        ["Ahmadi", "Hosseini", "Karimi", "Rahimi", "Mohammadi", "Noori", "Sharifi"],
        None,
        ["Farsi, Deutsch", "Dari, Paschtu, Deutsch", "Farsi, Englisch"],
    ),
    (
        3,
        ["Lucía", "Carmen", "Valentina", "Camila"],
        ["Carlos", "Diego", "Javier", "Mateo"],
        ["García", "Rodríguez", "Martínez", "López", "Fernández", "Morales"],
        None,
        ["Spanisch, Deutsch", "Portugiesisch, Spanisch, Deutsch"],
    ),
]  # fmt: skip
KEY_PERSON_NOTES = [
    "Gut vernetzt in der türkischsprachigen Community, organisiert das Elterncafé.",
    "Kennt fast alle Familien im Block; gibt Infos über die Hausgemeinschaft weiter.",
    "Sprecherin der Mieterinitiative, verlässlich und gut erreichbar.",
    "Übersetzt ehrenamtlich bei Veranstaltungen (Arabisch).",
    "Seit Jahrzehnten im Kiez, Ansprechpartner für die Seniorengruppe.",
    "Aktiv im Gemeinschaftsgarten, bringt Jugendliche mit.",
    "Verbindung zur Moscheegemeinde; lädt zu Iftar-Abenden ein.",
    "Mitglied im Quartiersbeirat, bringt Themen aus dem Nordblock ein.",
    "Vermittelt Kontakte zu ukrainischen Familien.",
    "Hat das Kiezfest mit aufgebaut; kennt die Gewerbetreibenden.",
]
CONSENT_SCOPES = [
    "Kontaktdaten speichern, Einladungen zu Veranstaltungen im Quartier",
    "Speicherung der Kontaktdaten und Notizen zu Gesprächen im Stadtteilbüro",
    "Einladungen zum Quartiersbeirat und Protokollversand",
    "Kontakt für den Kiezfonds und Nennung im Projektbericht",
]
CONSENT_HOWS = ["schriftlich im Stadtteilbüro", "per E-Mail", "mündlich, im Gesprächsprotokoll vermerkt", "Formular"]
RESIDENT_INTERESTS = [
    "Mitwirkung im Quartiersbeirat; Kontakt für Einladungen und Protokolle.",
    "Ehrenamtliche Mitarbeit beim Kiezfest; Abstimmung der Aufgaben.",
    "Antragstellerin im Kiezfonds; Kontakt für die Abwicklung der Förderung.",
]

NETWORKS: list[tuple[str, str, str, list[str], str]] = [
    ("Stadtteilkonferenz {area}", Network.Kind.NEIGHBOURHOOD_CONFERENCE,
     "Austausch aller Einrichtungen und Initiativen im Quartier, Abstimmung gemeinsamer Vorhaben.",
     ["beteiligung-vernetzung"], "vierteljährlich, Dienstag 16 Uhr"),
    ("Runder Tisch Kinder und Jugend", Network.Kind.ROUND_TABLE,
     "Angebote für Kinder und Jugendliche abstimmen, Lücken erkennen.", ["bildung"], "alle zwei Monate"),
    ("AG Wohnen und Mieten", Network.Kind.WORKING_GROUP,
     "Mietprobleme sammeln und mit den Wohnungsunternehmen besprechen.", ["integration-nachbarschaft"], "monatlich"),
    ("AG Grün und Sauberkeit", Network.Kind.WORKING_GROUP,
     "Kiezputz, Baumscheiben, Müll an den Containern.", ["oeffentlicher-raum", "klima"], "monatlich, 1. Mittwoch"),
    ("Trägerverbund Bildung im Quartier", Network.Kind.PROVIDER_ASSOCIATION,
     "Bildungskette von der Kita bis zum Übergang in den Beruf.", ["bildung"], "vierteljährlich"),
    ("Netzwerk Frühe Hilfen", Network.Kind.PROVIDER_ASSOCIATION,
     "Unterstützung für junge Familien, Lotsendienst.", ["gesundheit-bewegung", "bildung"], "alle zwei Monate"),
    ("AG Seniorenarbeit", Network.Kind.WORKING_GROUP,
     "Angebote gegen Einsamkeit im Alter, Besuchsdienst.", ["gesundheit-bewegung"], "monatlich"),
    ("Runder Tisch Sicherheit im Kiez", Network.Kind.ROUND_TABLE,
     "Angsträume, Beleuchtung, Präventionsangebote.", ["oeffentlicher-raum"], "halbjährlich"),
    ("AG Nachbarschaftsfest", Network.Kind.WORKING_GROUP,
     "Planung des jährlichen Kiezfests.", ["integration-nachbarschaft"], "ab März alle zwei Wochen"),
    ("Netzwerk Sprachförderung", Network.Kind.PROVIDER_ASSOCIATION,
     "Deutschkurse, Sprachcafés und Lesepatenschaften koordinieren.", ["bildung", "integration-nachbarschaft"],
     "vierteljährlich"),
    ("AG Gesundheit und Bewegung", Network.Kind.WORKING_GROUP,
     "Bewegungsangebote im Park, Gesundheitstage.", ["gesundheit-bewegung"], "alle zwei Monate"),
    ("AG Klimaanpassung", Network.Kind.WORKING_GROUP,
     "Hitzeschutz, Trinkbrunnen, Entsiegelung von Höfen.", ["klima", "oeffentlicher-raum"], "monatlich"),
    ("Runder Tisch Integration", Network.Kind.ROUND_TABLE,
     "Migrantische Selbstorganisationen und Beratungsstellen im Austausch.", ["integration-nachbarschaft"],
     "vierteljährlich"),
    ("Gewerbestammtisch", Network.Kind.OTHER,
     "Gewerbetreibende vernetzen, leere Läden beleben.", ["beteiligung-vernetzung"], "monatlich, abends"),
    ("AG Spielplätze", Network.Kind.WORKING_GROUP,
     "Spielplatzbegehungen mit Kindern, Mängel melden.", ["oeffentlicher-raum", "bildung"], "nach Bedarf"),
    ("Interreligiöser Dialog", Network.Kind.ROUND_TABLE,
     "Begegnung der Gemeinden im Quartier.", ["integration-nachbarschaft"], "halbjährlich"),
    ("Netzwerk Ehrenamt", Network.Kind.PROVIDER_ASSOCIATION,
     "Ehrenamtliche gewinnen, begleiten und würdigen.", ["beteiligung-vernetzung"], "vierteljährlich"),
    ("AG Jugendbeteiligung", Network.Kind.WORKING_GROUP,
     "Jugendliche an Planungen beteiligen, Jugendjury des Kiezfonds.", ["beteiligung-vernetzung", "bildung"],
     "monatlich"),
    ("Kiezfonds-Jury", Network.Kind.OTHER,
     "Entscheidet über Anträge aus dem Verfügungsfonds.", ["beteiligung-vernetzung"], "viermal im Jahr"),
    ("Bildungsverbund Übergang Schule–Beruf", Network.Kind.PROVIDER_ASSOCIATION,
     "Berufsorientierung, Praktika im Kiez.", ["bildung"], "halbjährlich"),
    ("Runder Tisch Wohnungslosigkeit", Network.Kind.ROUND_TABLE,
     "Hilfen für Menschen ohne Wohnung im Quartier.", ["gesundheit-bewegung", "integration-nachbarschaft"],
     "vierteljährlich"),
    ("AG Verkehr und Schulwege", Network.Kind.WORKING_GROUP,
     "Sichere Schulwege, Verkehrsberuhigung.", ["oeffentlicher-raum"], "alle zwei Monate"),
]  # fmt: skip

# (topic, fields of action, about residents (True) or organisations (False), what happened)
NOTE_TOPICS: list[tuple[str, list[str], bool, str]] = [
    ("Sprechstunde: Mietprobleme", ["integration-nachbarschaft"], True,
     "Mieterhöhung nach Modernisierung, Unterlagen gesichtet."),
    ("Sprechstunde: Schimmel in der Wohnung", ["integration-nachbarschaft", "gesundheit-bewegung"], True,
     "Schimmel im Kinderzimmer, Vermieterin reagiert nicht."),
    ("Sprechstunde: Nebenkostenabrechnung", ["integration-nachbarschaft"], True,
     "Nachzahlung unklar, Abrechnung gemeinsam durchgegangen."),
    ("Sprechstunde: Antrag auf Wohngeld", ["integration-nachbarschaft"], True, "Formular gemeinsam ausgefüllt."),
    ("Sprechstunde: Suche nach Kitaplatz", ["bildung"], True, "Familie sucht seit Monaten einen Platz."),
    ("Sprechstunde: Deutschkurs gesucht", ["bildung", "integration-nachbarschaft"], True,
     "Sucht Kurs mit Kinderbetreuung am Vormittag."),
    ("Sprechstunde: Schreiben vom Jobcenter", ["integration-nachbarschaft"], True, "Brief erklärt, Frist notiert."),
    ("Beschwerde über Lärm im Hof", ["integration-nachbarschaft"], True, "Konflikt zwischen Nachbarn im Hinterhaus."),
    ("Anfrage Raumnutzung Nachbarschaftstreff", ["beteiligung-vernetzung"], True,
     "Möchte einen Geburtstag für die Hausgemeinschaft ausrichten."),
    ("Idee für ein Hoffest", ["integration-nachbarschaft"], True, "Mehrere Nachbarinnen wollen mitmachen."),
    ("Hinweis: Müll an den Containern", ["oeffentlicher-raum", "klima"], True, "Sperrmüll seit zwei Wochen."),
    ("Interesse am Seniorentreff", ["gesundheit-bewegung"], True, "Fühlt sich seit dem Umzug der Tochter allein."),
    ("Mitarbeit im Gemeinschaftsgarten", ["klima", "oeffentlicher-raum"], True, "Möchte ein Hochbeet übernehmen."),
    ("Aktivierende Befragung", ["beteiligung-vernetzung"], True, "Haustürgespräche, Wünsche zum Innenhof."),
    ("Rückfrage zum Kiezfonds-Antrag", ["beteiligung-vernetzung"], True, "Kostenplan muss ergänzt werden."),
    ("Sorge um Sicherheit im Park", ["oeffentlicher-raum"], True, "Abends dunkel, Beleuchtung fehlt am Weg."),
    ("Infostand auf dem Wochenmarkt", ["beteiligung-vernetzung"], True, "Viele Fragen zur Umgestaltung des Platzes."),
    ("Planung Nachbarschaftsfest", ["integration-nachbarschaft"], False, "Termin, Bühne und Essensstände verteilt."),
    ("Abstimmung Ferienprogramm", ["bildung"], False, "Angebote für die Sommerferien abgeglichen."),
    ("Kooperationsgespräch", ["beteiligung-vernetzung"], False, "Gemeinsame Vorhaben für das nächste Jahr."),
    ("Vorbereitung Stadtteilkonferenz", ["beteiligung-vernetzung"], False, "Tagesordnung und Einladung besprochen."),
    ("Projektidee Hausaufgabenhilfe", ["bildung"], False, "Räume und Ehrenamtliche geklärt."),
    ("Absprache Hofbegrünung", ["klima", "oeffentlicher-raum"], False, "Begehung der Innenhöfe vereinbart."),
    ("Vorbereitung Kiezputz", ["oeffentlicher-raum", "klima"], False, "Material bei der Stadtreinigung bestellt."),
    ("Elterncafé: Themenplanung", ["bildung", "integration-nachbarschaft"], False, "Themen: Medien, Schulwahl."),
    ("Sprachcafé: Auswertung", ["bildung", "integration-nachbarschaft"], False, "Gut besucht, zweiter Termin?"),
    ("Förderantrag Verfügungsfonds", ["beteiligung-vernetzung"], False, "Antrag vor Einreichung durchgesehen."),
    ("Begehung Spielplatz", ["oeffentlicher-raum"], False, "Mängelliste ans Grünflächenamt."),
    ("Austausch Schulsozialarbeit", ["bildung"], False, "Schwierige Übergänge in Klasse 7."),
    ("Seniorennachmittag organisieren", ["gesundheit-bewegung"], False, "Kaffee und Kuchen, Fahrdienst klären."),
    ("Hitzeschutz: Trinkwasserstellen", ["klima", "gesundheit-bewegung"], False, "Standorte für Trinkbrunnen."),
    ("Mieterversammlung vorbereiten", ["integration-nachbarschaft"], False, "Einladung mehrsprachig."),
    ("Lesepatenschaften vermitteln", ["bildung"], False, "Drei neue Lesepatinnen für die Grundschule."),
    ("Bewegungsangebot im Park", ["gesundheit-bewegung"], False, "Yoga für Ältere ab Mai, dienstags."),
    ("Raumbedarf Jugendarbeit", ["bildung"], False, "Jugendclub braucht Ausweichräume während der Sanierung."),
    ("Interkultureller Kalender", ["integration-nachbarschaft"], False, "Feiertage der Gemeinden gesammelt."),
]  # fmt: skip
NOTE_OUTCOMES = [
    "Info-Material mitgegeben.",
    "Weitervermittlung an die Mieterberatung.",
    "Nächstes Treffen in zwei Wochen.",
    "Rückmeldung bis Monatsende zugesagt.",
    "Kontakt zur zuständigen Stelle hergestellt.",
    "Wird in der nächsten AG-Sitzung besprochen.",
    "Protokoll geht an alle Beteiligten.",
    "",
]

_GREEN, _ORDER, _TRAFFIC, _YOUTH = "Straßen- und Grünflächenamt", "Ordnungsamt", "Straßenverkehrsbehörde", "Jugendamt"
_HOUSING, _ENV, _HEALTH = "Wohnungsaufsicht", "Umwelt- und Naturschutzamt", "Gesundheitsamt"
_PUBLIC, _EDU, _CLIMA, _SOCIAL = "oeffentlicher-raum", "bildung", "klima", "integration-nachbarschaft"
# (text, place, field of action, administrative unit it goes to)
CONCERNS: list[tuple[str, str, str, str]] = [
    ("Spielplatz {place}: Schaukel defekt", "Spielplatz {place}", _PUBLIC, _GREEN),
    ("{street}: Sperrmüll liegt seit Wochen auf dem Gehweg", "{street}", _PUBLIC, _ORDER),
    ("Beleuchtung im Durchgang zur {street} fällt nachts aus", "Durchgang {street}", _PUBLIC, _GREEN),
    ("Mehr Sitzbänke {place} gewünscht, vor allem für Ältere", "{place}", "gesundheit-bewegung", _GREEN),
    ("Mehr Angebote für Jugendliche am Wochenende", "", _EDU, _YOUTH),
    ("Radweg in der {street} ist ständig zugeparkt", "{street}", _PUBLIC, _ORDER),
    ("Tempo 30 vor der Grundschule {place}", "Grundschule {place}", _PUBLIC, _TRAFFIC),
    ("Baumscheiben in der {street} bepflanzen – Anwohnende übernehmen die Pflege", "{street}", _CLIMA, _GREEN),
    ("Aufzug im Haus {street} {n} seit Wochen defekt", "{street} {n}", _SOCIAL, _HOUSING),
    ("Hundekot auf dem Schulweg in der {street}", "{street}", _PUBLIC, _ORDER),
    ("Trinkbrunnen {place} gewünscht", "{place}", _CLIMA, _ENV),
    ("Zu wenige Kitaplätze im Quartier", "", _EDU, _YOUTH),
    ("Bolzplatz {place}: Tornetz kaputt", "Bolzplatz {place}", "gesundheit-bewegung", "Schul- und Sportamt"),
    ("Öffentliche Toilette {place} fehlt", "{place}", _PUBLIC, _GREEN),
    ("Ampel an der {street} zu kurz für Ältere und Kinder", "{street}", _PUBLIC, _TRAFFIC),
    ("Raum für ein Nachbarschaftscafé gesucht", "", _SOCIAL, "Sozialraumorientierte Planungskoordination"),
    ("Kein Schatten auf dem Spielplatz {place}", "Spielplatz {place}", _CLIMA, _GREEN),
    ("Deutschkurse mit Kinderbetreuung gewünscht", "", _EDU, "Amt für Weiterbildung und Kultur"),
    ("Ratten im Hinterhof {street} {n}", "{street} {n}", "gesundheit-bewegung", _HEALTH),
    ("Graffiti an der Unterführung {place} entfernen", "Unterführung {place}", _PUBLIC, _GREEN),
    ("Mülltrennung in den Wohnblöcken {street} funktioniert nicht", "{street}", _CLIMA, _ENV),
    ("Bushaltestelle {street} nicht barrierefrei", "Haltestelle {street}", _PUBLIC, _TRAFFIC),
    ("Laternen am Kanalweg defekt", "Kanalweg", _PUBLIC, _GREEN),
    ("Fahrradbügel vor dem Nachbarschaftstreff fehlen", "Nachbarschaftstreff", _CLIMA, _GREEN),
    ("Sprechstunde der Hausverwaltung im Quartier gewünscht", "", _SOCIAL, _HOUSING),
]
CONCERN_ANSWERS = [
    "Reparatur ist beauftragt und inzwischen erledigt.",
    "Die Wohnungsbaugesellschaft hat den Schaden behoben.",
    "Maßnahme ist umgesetzt, Rückmeldung an die Anwohnenden gegeben.",
    "Wird bei der Umgestaltung im nächsten Jahr berücksichtigt.",
    "Das Amt hat eine Prüfung zugesagt.",
]
NOT_FEASIBLE_REASONS = [
    "Keine Haushaltsmittel im laufenden Jahr.",
    "Fläche gehört nicht dem Bezirk; die Eigentümerin lehnt ab.",
    "Verkehrsrechtlich nicht zulässig (Straßenverkehrsbehörde).",
    "Kein geeigneter Standort gefunden.",
]
STATUS_NOTES = {
    S.FORWARDED: ["An die zuständige Stelle weitergeleitet.", "Mit Fotos weitergegeben.", ""],
    S.IN_PROGRESS: ["Termin zur Begehung vereinbart.", "Wir kümmern uns selbst darum.", "Rückfrage beim Amt.", ""],
    S.DONE: ["Erledigt, Rückmeldung an die Person gegeben.", "Erledigt.", ""],
}
#: Paths from "new" to each status, following ``actors.services.concerns.CONCERN_TRANSITIONS``.
STATUS_PATHS: dict[str, list[list[str]]] = {
    S.NEW: [[]],
    S.FORWARDED: [[S.FORWARDED], [S.FORWARDED], [S.IN_PROGRESS, S.FORWARDED]],
    S.IN_PROGRESS: [[S.IN_PROGRESS], [S.FORWARDED, S.IN_PROGRESS]],
    S.DONE: [[S.FORWARDED, S.DONE], [S.IN_PROGRESS, S.DONE], [S.DONE], [S.FORWARDED, S.DONE, S.IN_PROGRESS, S.DONE]],
    S.NOT_FEASIBLE: [[S.FORWARDED, S.NOT_FEASIBLE], [S.NOT_FEASIBLE], [S.IN_PROGRESS, S.NOT_FEASIBLE]],
}

_LETTERS = {"ı": "i", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "ø": "o"}
_ASCII = str.maketrans({**_LETTERS, " ": "", "'": ""})


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return text.encode("ascii", "ignore").decode().lower()


# --- Public entry point ------------------------------------------------------------------------------------------


def seed_actors(*, area: Quartier, scale: str, staff: list[User], rng: random.Random) -> dict[str, int]:
    """Fill ``area`` with the actors' demo data for ``scale`` ('small' or 'large'); return the counts per model.

    Does nothing if the area already has organisations.
    """
    if scale not in SIZES:
        raise ValueError(f"Unknown scale {scale!r}; use one of {', '.join(SIZES)}.")
    return _seed(area=area, sizes=SIZES[scale], staff=staff, rng=rng, services=scale == "small")


def actor_counts(area: Quartier) -> dict[str, int]:
    return {
        "organisations": Organisation.objects.filter(area=area).count(),
        "persons": Person.objects.filter(area=area).count(),
        "affiliations": Affiliation.objects.filter(organisation__area=area).count(),
        "networks": Network.objects.filter(area=area).count(),
        "network_memberships": NetworkMembership.objects.filter(network__area=area).count(),
        "contact_notes": ContactNote.objects.filter(area=area).count(),
        "concerns": Concern.objects.filter(area=area).count(),
        "concern_status_changes": ConcernStatusChange.objects.filter(concern__area=area).count(),
    }


def _seed(
    *,
    area: Quartier,
    sizes: Sizes,
    staff: Sequence[User],
    rng: random.Random,
    today: datetime.date | None = None,
    services: bool = False,
) -> dict[str, int]:
    """The seed of ``seed_actors``; ``services`` writes through the services (each row passes their checks: the
    staff must work in the area, and who is given a follow-up must read contact notes there), else in bulk."""
    if Organisation.objects.filter(area=area).exists():
        return actor_counts(area)
    if not staff:
        raise ValueError("Contact notes and concerns need at least one staff member.")
    with transaction.atomic():
        _Seeder(
            area=area, sizes=sizes, staff=list(staff), rng=rng, today=today or timezone.localdate(), services=services
        ).run()
    return actor_counts(area)


# --- The seeder --------------------------------------------------------------------------------------------------


class _Seeder:
    def __init__(
        self,
        *,
        area: Quartier,
        sizes: Sizes,
        staff: list[User],
        rng: random.Random,
        today: datetime.date,
        services: bool,
    ) -> None:
        self.area = area
        self.services = services
        self.sizes = sizes
        self.staff = staff
        self.rng = rng
        self.today = today
        self.start = today - datetime.timedelta(days=365 * sizes.years)
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.fields = {field.key: field for field in FieldOfAction.objects.all()}
        self.groups = {group.name: group for group in TargetGroup.objects.all()}
        match = re.search(r"\b(\d{5})\s+(.+)", area.office_address)
        self.postcode, self.city = (match.group(1), match.group(2).strip()) if match else ("12345", "Beispielstadt")
        self.admin = _admin_name(area.municipality, self.city)

    def run(self) -> None:
        self.organisations()
        self.persons()
        self.networks()
        self.contact_notes()
        self.concerns()

    # Helpers

    def _date(self, start: datetime.date | None = None, *, recent: bool = False) -> datetime.date:
        """A day between ``start`` (default: the beginning of the period) and today; ``recent`` favours late days."""
        start = start or self.start
        span = (self.today - start).days
        if span <= 0:
            return self.today
        offset = self.rng.triangular(0, span, span) if recent and self.rng.random() < 0.5 else self.rng.uniform(0, span)
        return start + datetime.timedelta(days=int(offset))

    def _weekday(self, day: datetime.date) -> datetime.date:
        while day.weekday() >= 5 and day > self.start:
            day -= datetime.timedelta(days=1)
        return day

    def _at(self, day: datetime.date) -> datetime.datetime:
        moment = datetime.datetime.combine(
            day, datetime.time(self.rng.randint(8, 17), self.rng.choice((0, 15, 30, 45))), tzinfo=self.tz
        )
        return min(moment, self.now - datetime.timedelta(minutes=1))

    def _fields(self, keys: Sequence[str]) -> list[FieldOfAction]:
        return [self.fields[key] for key in dict.fromkeys(keys) if key in self.fields]

    def _street(self) -> str:
        return f"{self.rng.choice(STREETS)} {self.rng.randint(1, 120)}"

    def _clerk(self, index: int) -> User:
        """Who enters the ``index``-th row through a service: the staff in turn (no random draw, so both ways of
        writing draw the same numbers)."""
        return self.staff[index % len(self.staff)]

    # Organisations

    def _org_name(self, template: str) -> str:
        rng = self.rng
        first_names = rng.choice(ORIGINS)[1 + rng.randrange(2)]
        words = {
            "street": rng.choice(STREETS),
            "place": rng.choice(PLACES),
            "word": rng.choice([*PLACE_WORDS, self.area.name]),
            "area": self.area.name,
            "city": self.city,
            "admin": self.admin,
            "admin_unit": rng.choice(ADMIN_UNITS),
            "kita": rng.choice(DAYCARE_NAMES),
            "school": rng.choice(SCHOOL_NAMES),
            "culture": rng.choice(CULTURES),
            "club": rng.choice(CLUBS),
            "year": rng.randint(1890, 2015),
            "welfare": rng.choice(WELFARE),
            "saint": rng.choice(SAINTS),
            "mosque": rng.choice(MOSQUES),
            "cafe": rng.choice(CAFES),
            "topic": rng.choice(TOPIC_WORDS),
            "first": rng.choice(first_names),
            "last": rng.choice(rng.choice(ORIGINS)[3]),
        }
        words["unit"] = rng.choice(WELFARE_UNITS).format(**words)
        return template.format(**words)

    def organisations(self) -> None:
        rng = self.rng
        kinds, weights = list(ORG_KIND_WEIGHTS), list(ORG_KIND_WEIGHTS.values())
        taken: set[str] = set()
        orgs: list[Organisation] = []
        for index in range(self.sizes.organisations):
            if index < len(ANCHORS):
                kind, template = ANCHORS[index]
                name = self._org_name(template)
            else:
                kind = rng.choices(kinds, weights)[0]
                for _attempt in range(6):
                    name = self._org_name(rng.choice(ORG_NAMES[kind]))
                    if name not in taken:
                        break
            if name in taken:
                name = base = f"{name} – Standort {rng.choice(STREETS)}"
                number = 2
                while name in taken:
                    name, number = f"{base} ({number})", number + 1
            taken.add(name)
            slug = _slug(name)
            inside = rng.random() < 0.85
            postcode = self.postcode if inside else f"{(int(self.postcode) + rng.randint(1, 40)) % 100000:05d}"
            orgs.append(
                Organisation(
                    area=self.area,
                    name=name,
                    kind=kind,
                    street=self._street() if rng.random() < 0.9 else "",
                    postcode=postcode,
                    city=self.city,
                    inside_area=inside,
                    email=f"kontakt@{slug}.example.org" if rng.random() < 0.7 else "",
                    phone=f"030 {rng.randint(200000, 9999999)}" if rng.random() < 0.7 else "",
                    website=f"https://{slug}.example.org" if rng.random() < 0.4 else "",
                    description=rng.choice(ORG_DESCRIPTIONS[kind]).format(n=rng.randint(2, 9)),
                    active=rng.random() < 0.95,
                )
            )
        fields_of: list[list[FieldOfAction]] = []
        groups_of: list[list[TargetGroup]] = []
        created = []
        for org in orgs:
            keys = [rng.choice(ORG_FIELDS[org.kind])]
            if rng.random() < 0.35:
                keys.append(rng.choice(list(self.fields)))
            fields_of.append(self._fields(keys))
            names = ORG_TARGET_GROUPS[org.kind]
            chosen = rng.sample(names, k=rng.randint(1, min(3, len(names))))
            groups_of.append([self.groups[name] for name in chosen if name in self.groups])
            # Half of them were entered when the office opened, the others over time.
            if rng.random() < 0.5:
                created.append(self._at(self.start + datetime.timedelta(days=rng.randint(0, 30))))
            else:
                created.append(self._at(self._date()))
        if self.services:
            self.orgs = [
                organisation_create(
                    area=self.area,
                    data={
                        **{name: getattr(org, name) for name in ORGANISATION_FIELDS},
                        "fields_of_action": fields,
                        "target_groups": groups,
                    },
                    by=self._clerk(index),
                )
                for index, (org, fields, groups) in enumerate(zip(orgs, fields_of, groups_of, strict=True))
            ]
        else:
            self.orgs = Organisation.objects.bulk_create(orgs, batch_size=BATCH)
            through_fields = Organisation.fields_of_action.through
            through_groups = Organisation.target_groups.through
            through_fields.objects.bulk_create(
                [
                    through_fields(organisation=org, fieldofaction=field)
                    for org, fields in zip(self.orgs, fields_of, strict=True)
                    for field in fields
                ],
                batch_size=BATCH,
            )
            through_groups.objects.bulk_create(
                [
                    through_groups(organisation=org, targetgroup=group)
                    for org, groups in zip(self.orgs, groups_of, strict=True)
                    for group in groups
                ],
                batch_size=BATCH,
            )
        set_times(Organisation, [org.pk for org in self.orgs], created_at=created, updated_at=created)
        self.orgs_by_kind: dict[str, list[Organisation]] = {}
        for org in self.orgs:
            self.orgs_by_kind.setdefault(org.kind, []).append(org)

    # Persons and their affiliations

    def persons(self) -> None:
        rng = self.rng
        origin_weights = [origin[0] for origin in ORIGINS]
        coverage = list(self.orgs)
        rng.shuffle(coverage)
        persons: list[Person] = []
        # (person index, organisation, function, start, end)
        links: list[tuple[int, Organisation, str, datetime.date | None, datetime.date | None]] = []
        for index in range(self.sizes.persons):
            _weight, women, men, last_names, last_names_f, languages = rng.choices(ORIGINS, origin_weights)[0]
            female = rng.random() < 0.55
            first = rng.choice(women if female else men)
            last = rng.choice(last_names_f if female and last_names_f else last_names)
            resident = rng.random() < 0.45
            org = None
            if not resident or rng.random() < 0.25:
                org = coverage.pop() if coverage else rng.choice(self.orgs)
                links.append((index, org, *self._affiliation(org)))
                if rng.random() < 0.15:
                    other = rng.choice(self.orgs)
                    if other is not org:
                        links.append((index, other, *self._affiliation(other)))
            person = Person(
                area=self.area,
                first_name=first,
                last_name=last,
                is_resident=resident,
                languages=rng.choice(languages) if rng.random() < 0.7 else "",
            )
            local = f"{_ascii(first)}.{_ascii(last)}"
            if org is not None and not resident and rng.random() < 0.8:
                person.email = f"{local}@{_slug(org.name)}.example.org"
            elif rng.random() < 0.5:
                person.email = f"{local}{rng.randint(1, 99)}@example.net"
            if rng.random() < 0.55:
                person.phone = f"01{rng.choice('567')}{rng.randint(0, 9)} {rng.randint(1000000, 99999999)}"
            if resident and rng.random() < 0.7:
                person.address = f"{self._street()}\n{self.postcode} {self.city}"
            if rng.random() < 0.12:
                person.is_key_person = True
                person.key_person_note = rng.choice(KEY_PERSON_NOTES)
            draw = rng.random()
            if draw < 0.07:
                pass  # no legal basis recorded yet: shows up in the GDPR review
            elif (resident and draw < 0.8) or (not resident and draw < 0.3):
                person.legal_basis = Person.LegalBasis.CONSENT
                person.consent_date = self._date()
                person.consent_scope = rng.choice(CONSENT_SCOPES)
                person.consent_how = rng.choice(CONSENT_HOWS)
            else:
                person.legal_basis = Person.LegalBasis.LEGITIMATE_INTEREST
                person.interest_reason = (
                    f"Ansprechperson von {org.name} für die Zusammenarbeit im Quartier."
                    if org is not None
                    else rng.choice(RESIDENT_INTERESTS)
                )
            persons.append(person)
        if self.services:
            rows: dict[int, list[AffiliationRow]] = {}
            for index, org, function, start, end in links:
                rows.setdefault(index, []).append(AffiliationRow(org, function, start, end))
            self.persons_list = [
                person_create(
                    area=self.area,
                    data={name: getattr(person, name) for name in PERSON_FIELDS},
                    affiliations=rows.get(index, []),
                    by=self._clerk(index),
                )
                for index, person in enumerate(persons)
            ]
        else:
            self.persons_list = Person.objects.bulk_create(persons, batch_size=BATCH)
            Affiliation.objects.bulk_create(
                [
                    Affiliation(
                        person=self.persons_list[index], organisation=org, function=function, start=start, end=end
                    )
                    for index, org, function, start, end in links
                ],
                batch_size=BATCH,
            )
        created = [self._at(person.consent_date or self._date()) for person in self.persons_list]
        set_times(Person, [person.pk for person in self.persons_list], created_at=created, updated_at=created)
        self.residents = [person for person in self.persons_list if person.is_resident]
        self.people_of: dict[int, list[Person]] = {}
        for index, org, *_period in links:
            self.people_of.setdefault(org.pk, []).append(self.persons_list[index])

    def _period(self, ended: float) -> tuple[datetime.date | None, datetime.date | None]:
        rng = self.rng
        if rng.random() < 0.2:
            return None, None
        start = self.today - datetime.timedelta(days=rng.randint(30, 365 * self.sizes.years + 365 * 3))
        if rng.random() < ended:
            return start, start + datetime.timedelta(days=rng.randint(0, (self.today - start).days))
        return start, None

    def _affiliation(self, org: Organisation) -> tuple[str, datetime.date | None, datetime.date | None]:
        return (self.rng.choice(FUNCTIONS[org.kind]), *self._period(ended=0.1))

    # Networks

    def networks(self) -> None:
        rng = self.rng
        templates = [NETWORKS[0], *rng.sample(NETWORKS[1:], k=min(len(NETWORKS) - 1, self.sizes.networks - 1))]
        while len(templates) < self.sizes.networks:
            name, *rest = rng.choice(NETWORKS[1:])
            templates.append((f"{name} {len(templates) + 1}", *rest))  # type: ignore[arg-type]
        leads = [
            *self.orgs_by_kind.get(K.PROVIDER, []),
            *self.orgs_by_kind.get(K.NEIGHBOURHOOD_ASSOCIATION, []),
            *self.orgs_by_kind.get(K.PUBLIC_OFFICE, []),
        ] or self.orgs
        networks = [
            Network(
                area=self.area,
                name=name.format(area=self.area.name),
                kind=kind,
                purpose=purpose,
                rhythm=rhythm,
                lead_organisation=rng.choice(leads) if rng.random() < 0.85 else None,
            )
            for name, kind, purpose, _keys, rhythm in templates
        ]
        fields_of: list[list[FieldOfAction]] = []
        members_of: list[list[MemberRow]] = []
        big = len(self.orgs) > 200
        for network, (_name, _kind, _purpose, keys, _rhythm) in zip(networks, templates, strict=True):
            extra = [rng.choice(list(self.fields))] if rng.random() < 0.3 else []
            fields_of.append(self._fields([*keys, *extra]))
            count = rng.randint(10, 40) if big else rng.randint(4, 12)
            member_orgs = rng.sample(self.orgs, k=min(count, len(self.orgs)))
            if network.lead_organisation is not None and network.lead_organisation not in member_orgs:
                member_orgs.append(network.lead_organisation)
            members = []
            for org in member_orgs:
                start, end = self._period(ended=0.12)
                members.append(MemberRow(organisation=org, start=start, end=end))
            for person in rng.sample(self.persons_list, k=min(rng.randint(1, 6), len(self.persons_list))):
                start, end = self._period(ended=0.12)
                members.append(MemberRow(person=person, start=start, end=end))
            members_of.append(members)
        created = [self._at(self.start + datetime.timedelta(days=rng.randint(0, 60))) for _ in networks]
        if self.services:
            networks = [
                network_create(
                    area=self.area,
                    data={
                        **{name: getattr(network, name) for name in NETWORK_FIELDS},
                        "fields_of_action": fields,
                    },
                    members=members,
                    by=self._clerk(index),
                )
                for index, (network, fields, members) in enumerate(zip(networks, fields_of, members_of, strict=True))
            ]
        else:
            networks = Network.objects.bulk_create(networks, batch_size=BATCH)
            through = Network.fields_of_action.through
            through.objects.bulk_create(
                [
                    through(network=network, fieldofaction=field)
                    for network, fields in zip(networks, fields_of, strict=True)
                    for field in fields
                ],
                batch_size=BATCH,
            )
            NetworkMembership.objects.bulk_create(
                [
                    NetworkMembership(
                        network=network, organisation=row.organisation, person=row.person, start=row.start, end=row.end
                    )
                    for network, members in zip(networks, members_of, strict=True)
                    for row in members
                ],
                batch_size=BATCH,
            )
        set_times(Network, [network.pk for network in networks], created_at=created, updated_at=created)
        if self.services:  # the members as the audit trail recorded them, when the network was entered
            backdate_log(Network, {network.pk: [at] for network, at in zip(networks, created, strict=True)})

    # Contact notes

    def contact_notes(self) -> None:
        rng = self.rng
        notes: list[ContactNote] = []
        attached: list[tuple[list[Person], list[Organisation], list[FieldOfAction]]] = []
        recent = self.today - datetime.timedelta(days=30)
        for _ in range(self.sizes.contact_notes):
            topic, keys, about_residents, detail = rng.choice(NOTE_TOPICS)
            day = self._weekday(self._date(recent=True))
            persons: list[Person] = []
            orgs: list[Organisation] = []
            if about_residents:
                channel = rng.choices([CH.OFFICE_HOURS, CH.PHONE, CH.OUTREACH, CH.EMAIL], [6, 3, 2, 1])[0]
                if self.residents and rng.random() < 0.85:
                    persons = rng.sample(self.residents, k=min(rng.choice((1, 1, 1, 2)), len(self.residents)))
                opener = "Kam in die Sprechstunde." if channel == CH.OFFICE_HOURS else "Gespräch mit Bewohner*in."
            else:
                channel = rng.choices([CH.PHONE, CH.EMAIL, CH.EVENT, CH.OFFICE_HOURS, CH.OUTREACH], [4, 3, 2, 2, 1])[0]
                orgs = rng.sample(self.orgs, k=min(rng.choice((1, 1, 2)), len(self.orgs)))
                for org in orgs:
                    people = self.people_of.get(org.pk, [])
                    if people and rng.random() < 0.7:
                        persons.append(rng.choice(people))
                if channel == CH.EVENT and self.residents:
                    persons += rng.sample(self.residents, k=min(rng.randint(0, 3), len(self.residents)))
                persons = list(dict.fromkeys(persons))
                if len(orgs) == 1 and rng.random() < 0.4:
                    topic = f"{topic}: {orgs[0].name}"[:200]
                meeting = "Treffen" if channel in (CH.EVENT, CH.OFFICE_HOURS) else "Austausch"
                opener = f"{meeting} mit {orgs[0].name}".removesuffix(".") + "."
            note = ContactNote(
                area=self.area,
                date=day,
                staff=rng.choice(self.staff),
                channel=channel,
                topic=topic,
                text=" ".join(part for part in (opener, detail, rng.choice(NOTE_OUTCOMES)) if part),
            )
            if rng.random() < (0.4 if day >= recent else 0.2):
                note.follow_up_due = day + datetime.timedelta(days=rng.randint(3, 28))
                note.follow_up_assignee = note.staff if rng.random() < 0.7 else rng.choice(self.staff)
                note.follow_up_done = rng.random() < (0.75 if note.follow_up_due < self.today else 0.1)
            notes.append(note)
            attached.append((persons, orgs, self._fields(keys)))
        if self.services:  # each by its writer, who may give the follow-up to a colleague
            notes = [
                contact_note_create(
                    area=self.area,
                    data={
                        **{name: getattr(note, name) for name in NOTE_FIELDS},
                        "persons": persons,
                        "organisations": orgs,
                        "fields_of_action": fields,
                    },
                    by=note.staff,
                )
                for note, (persons, orgs, fields) in zip(notes, attached, strict=True)
            ]
        else:
            notes = ContactNote.objects.bulk_create(notes, batch_size=BATCH)
            persons_through = ContactNote.persons.through
            orgs_through = ContactNote.organisations.through
            fields_through = ContactNote.fields_of_action.through
            person_rows, org_rows, field_rows = [], [], []
            for note, (persons, orgs, fields) in zip(notes, attached, strict=True):
                person_rows += [persons_through(contactnote=note, person=person) for person in persons]
                org_rows += [orgs_through(contactnote=note, organisation=org) for org in orgs]
                field_rows += [fields_through(contactnote=note, fieldofaction=field) for field in fields]
            persons_through.objects.bulk_create(person_rows, batch_size=BATCH)
            orgs_through.objects.bulk_create(org_rows, batch_size=BATCH)
            fields_through.objects.bulk_create(field_rows, batch_size=BATCH)
        created = [self._at(note.date) for note in notes]
        set_times(ContactNote, [note.pk for note in notes], created_at=created, updated_at=created)

    # Concerns

    def _concern_status(self, raised_on: datetime.date) -> str:
        age = (self.today - raised_on).days
        if age < 30:
            weights = [45, 25, 25, 5, 0]
        elif age < 180:
            weights = [10, 25, 30, 25, 10]
        else:
            weights = [3, 7, 10, 60, 20]
        return self.rng.choices([S.NEW, S.FORWARDED, S.IN_PROGRESS, S.DONE, S.NOT_FEASIBLE], weights)[0]

    def concerns(self) -> None:
        rng = self.rng
        concerns: list[Concern] = []
        histories: list[list[tuple[str, str, str, User, datetime.datetime]]] = []
        handed: list[list[tuple[str, str]]] = []  # per step: the unit it went to, the answer given (or "")
        open_ones = (S.NEW, S.FORWARDED, S.IN_PROGRESS)
        for index in range(self.sizes.concerns):
            text, place, key, unit = rng.choice(CONCERNS)
            words = {"place": rng.choice(PLACES), "street": rng.choice(STREETS), "n": rng.randint(1, 120)}
            if index < len(S):  # one of each status for sure, at a plausible age
                status = S.values[index]
                raised_on = self._date(self.today - datetime.timedelta(days=60) if status in open_ones else None)
            else:
                raised_on = self._date(recent=True)
                status = self._concern_status(raised_on)
            concern = Concern(
                area=self.area,
                text=text.format(**words),
                place=place.format(**words),
                field_of_action=self.fields.get(key),
                raised_on=raised_on,
                status=status,
            )
            draw = rng.random()
            if draw < 0.55 and self.residents:
                concern.raised_by_person = rng.choice(self.residents)
            elif draw < 0.75:
                concern.raised_by_organisation = rng.choice(self.orgs)
            history = []
            steps = []
            previous, day = S.NEW, raised_on
            for step in rng.choice(STATUS_PATHS[status]):
                day = min(day + datetime.timedelta(days=rng.randint(1, 45)), self.today)
                forwarded_to = answer = ""
                if step == S.FORWARDED:
                    concern.forwarded_to = forwarded_to = f"{self.admin} – {unit}"
                    note = rng.choice(STATUS_NOTES[S.FORWARDED])
                elif step == S.NOT_FEASIBLE:
                    note = rng.choice(NOT_FEASIBLE_REASONS)
                    concern.answer = answer = note if concern.forwarded_to else ""
                else:
                    note = rng.choice(STATUS_NOTES[step])
                    if step == S.DONE and concern.forwarded_to:
                        concern.answer = answer = rng.choice(CONCERN_ANSWERS)
                history.append((previous, step, note, rng.choice(self.staff), self._at(day)))
                steps.append((forwarded_to, answer))
                previous = step
            concerns.append(concern)
            histories.append(history)
            handed.append(steps)
        if self.services:  # recorded as new, then moved step by step as the office moved it
            recorded = []
            for index, (concern, history, steps) in enumerate(zip(concerns, histories, handed, strict=True)):
                saved = concern_create(
                    area=self.area,
                    data={name: getattr(concern, name) for name in CONCERN_FIELDS},
                    by=self._clerk(index),
                )
                for (_old, new, note, by, _at), (forwarded_to, answer) in zip(history, steps, strict=True):
                    saved = concern_set_status(
                        concern=saved, to_status=new, by=by, note=note, forwarded_to=forwarded_to, answer=answer
                    )
                recorded.append(saved)
            concerns = recorded
            changes = list(ConcernStatusChange.objects.filter(concern__in=concerns).order_by("concern_id", "pk"))
        else:
            concerns = Concern.objects.bulk_create(concerns, batch_size=BATCH)
            changes = ConcernStatusChange.objects.bulk_create(
                [
                    ConcernStatusChange(concern=concern, from_status=old, to_status=new, note=note, by=by)
                    for concern, history in zip(concerns, histories, strict=True)
                    for old, new, note, by, _at in history
                ],
                batch_size=BATCH,
            )
        # auto_now_add stamped them all "now": give every step its day, strictly in order (and none in the future).
        stamps = [at for history in histories for *_rest, at in history]
        for index in range(len(stamps) - 2, -1, -1):
            same = changes[index].concern_id == changes[index + 1].concern_id
            if same and stamps[index] >= stamps[index + 1]:
                stamps[index] = stamps[index + 1] - datetime.timedelta(minutes=5)
        set_times(ConcernStatusChange, [change.pk for change in changes], at=stamps)
        if self.services:  # the audit trail's entries of the steps, at their times
            steps_at: dict[int, list[datetime.datetime]] = {}
            for change, at in zip(changes, stamps, strict=True):
                steps_at.setdefault(change.concern_id, []).append(at)
            backdate_log(Concern, steps_at)
        created = [self._at(concern.raised_on) for concern in concerns]
        updated = []
        position = 0
        for concern_created, history in zip(created, histories, strict=True):
            position += len(history)
            updated.append(stamps[position - 1] if history else concern_created)
        set_times(Concern, [concern.pk for concern in concerns], created_at=created, updated_at=updated)


def _slug(name: str) -> str:
    """'SV Kanal 1936 e. V.' → 'sv-kanal-1936', for made-up addresses under example.org."""
    name = re.sub(r"\s+(e\. ?V\.|gGmbH|GmbH|mbH|eG)$", "", name)
    return slugify(name.translate(str.maketrans(_LETTERS)))[:40].strip("-") or "kontakt"


def _admin_name(municipality: str, city: str) -> str:
    """'Stadt Beispielstadt, Bezirk Mitte' → 'Bezirksamt Mitte'; 'Gemeinde Parkdorf' → 'Gemeindeverwaltung Parkdorf'."""
    if match := re.search(r"Bezirk\s+([^,]+)", municipality):
        return f"Bezirksamt {match.group(1).strip()}"
    if match := re.match(r"Gemeinde\s+([^,]+)", municipality):
        return f"Gemeindeverwaltung {match.group(1).strip()}"
    return f"Stadtverwaltung {city}"
