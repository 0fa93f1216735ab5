"""Synthetic people, addresses, payers, providers and diagnoses for the referral generator.

All names and numbers are invented: phones are 555-01xx, member ids start with X or Z, NPIs are Luhn-valid
but drawn at random. Faker was considered; a small self-made pool keeps output stable across Faker releases.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from referral_intake.synth.catalog import PAYERS


def words(s: str) -> tuple[str, ...]:
    return tuple(s.split())


F_NAMES = words(
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa Margaret Betty "
    "Sandra Ashley Dorothy Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Rebecca "
    "Laura Sharon Cynthia Kathleen Amy Shirley Angela Helen Anna Brenda Pamela Nicole Samantha Katherine "
    "Christine Debra Rachel Catherine Carolyn Janet Maria Heather Diane Julie Joyce Victoria Kelly Lauren "
    "Christina Joan Evelyn Judith Olivia Martha Cheryl Megan Andrea Hannah Jacqueline Ann Gloria Teresa "
    "Sophia Rose Alicia Guadalupe Mei Priya Aaliyah Fatima Ngoc Yesenia Imani Zoe"
)
M_NAMES = words(
    "James Robert John Michael David William Richard Joseph Thomas Charles Christopher Daniel Matthew "
    "Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason "
    "Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel "
    "Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Douglas "
    "Zachary Peter Kyle Walter Ethan Jeremy Harold Keith Christian Roger Noah Gerald Carl Terry Sean "
    "Austin Arthur Lawrence Jesse Dylan Bryan Joe Jordan Billy Bruce Albert Willie Gabriel Logan Alan "
    "Juan Luis Wei Rahul Tuan Omar Darnell Malik"
)
LAST_NAMES = [
    *words(
        "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
        "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
        "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams "
        "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker "
        "Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper "
        "Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James "
        "Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster "
        "Jimenez Okafor Kowalski Lindqvist Haddad Tran Chen Nakamura Schmidt Novak Abernathy Whitfield"
    ),
    "O'Brien",
    "O'Neil",
    "McAllister",
    "Smith-Jones",
    "Garcia-Lopez",
    "van der Berg",
    "De La Cruz",
    "St. Clair",
    "MacDonald",
    "D'Angelo",
    "Van Buren",
    "del Rio",
]
SUFFIXES = ("Jr", "Sr", "II", "III")
NICKNAMES = {
    "William": ["Bill", "Will", "Billy"],
    "Robert": ["Bob", "Rob", "Bobby"],
    "Richard": ["Rick", "Dick"],
    "James": ["Jim", "Jimmy"],
    "Michael": ["Mike"],
    "Elizabeth": ["Liz", "Beth", "Betsy"],
    "Katherine": ["Kathy", "Kate"],
    "Margaret": ["Peggy", "Maggie"],
    "Jennifer": ["Jen", "Jenny"],
    "Joseph": ["Joe"],
    "Thomas": ["Tom"],
    "Charles": ["Chuck", "Charlie"],
    "Christopher": ["Chris"],
    "Daniel": ["Dan", "Danny"],
    "Anthony": ["Tony"],
    "Patricia": ["Pat", "Patty"],
    "Deborah": ["Deb"],
    "Rebecca": ["Becky"],
    "Samuel": ["Sam"],
    "Alexander": ["Alex"],
    "Edward": ["Ed", "Ted"],
    "Kenneth": ["Ken"],
    "Steven": ["Steve"],
    "Timothy": ["Tim"],
    "Susan": ["Sue"],
    "Victoria": ["Vicky"],
    "Nicholas": ["Nick"],
    "Gregory": ["Greg"],
    "Jacqueline": ["Jackie"],
    "Andrew": ["Andy", "Drew"],
}
STREETS = words(
    "Oak Maple Cedar Pine Elm Walnut Willow Birch Hickory Magnolia Sycamore Chestnut Juniper Aspen Laurel "
    "Washington Lincoln Jefferson Madison Franklin Jackson Adams Monroe Park Lake Hill River Spring Meadow "
    "Sunset Highland Ridge Valley Forest Church Mill Main Center Market Bridge Prairie Orchard Harbor"
)
STREET_TYPES = (
    ("Street", "St"),
    ("Avenue", "Ave"),
    ("Road", "Rd"),
    ("Drive", "Dr"),
    ("Lane", "Ln"),
    ("Boulevard", "Blvd"),
    ("Court", "Ct"),
    ("Way", "Way"),
    ("Place", "Pl"),
    ("Parkway", "Pkwy"),
)
UNIT_FORMS = ("Apt {n}", "Apt. {n}", "Unit {n}", "Suite {n}", "# {n}", "Ste {n}")
# (city, state, area code, ZIP prefix 3 digits): real places, invented street addresses.
CITIES = (
    ("Austin", "TX", "512", "787"),
    ("Round Rock", "TX", "512", "786"),
    ("San Antonio", "TX", "210", "782"),
    ("Dallas", "TX", "214", "752"),
    ("Houston", "TX", "713", "770"),
    ("Columbus", "OH", "614", "432"),
    ("Dayton", "OH", "937", "454"),
    ("Cleveland", "OH", "216", "441"),
    ("Madison", "WI", "608", "537"),
    ("Milwaukee", "WI", "414", "532"),
    ("Springfield", "IL", "217", "627"),
    ("Peoria", "IL", "309", "616"),
    ("Denver", "CO", "303", "802"),
    ("Boulder", "CO", "720", "803"),
    ("Portland", "OR", "503", "972"),
    ("Eugene", "OR", "541", "974"),
    ("Raleigh", "NC", "919", "276"),
    ("Durham", "NC", "984", "277"),
    ("Asheville", "NC", "828", "288"),
    ("Nashville", "TN", "615", "372"),
    ("Knoxville", "TN", "865", "379"),
    ("Tucson", "AZ", "520", "857"),
    ("Mesa", "AZ", "480", "852"),
    ("Albany", "NY", "518", "122"),
    ("Rochester", "NY", "585", "146"),
    ("Burlington", "VT", "802", "054"),
    ("Portland", "ME", "207", "041"),
    ("Richmond", "VA", "804", "232"),
    ("Roanoke", "VA", "540", "240"),
    ("Omaha", "NE", "402", "681"),
    ("Des Moines", "IA", "515", "503"),
    ("Boise", "ID", "208", "837"),
    ("Spokane", "WA", "509", "992"),
    ("Tacoma", "WA", "253", "984"),
    ("Fresno", "CA", "559", "937"),
    ("Sacramento", "CA", "916", "958"),
    ("Saint Paul", "MN", "651", "551"),
    ("Duluth", "MN", "218", "558"),
    ("Lexington", "KY", "859", "405"),
    ("Savannah", "GA", "912", "314"),
    ("Tallahassee", "FL", "850", "323"),
    ("Tampa", "FL", "813", "336"),
)
LANGUAGES = (
    "English",
    "English",
    "English",
    "English",
    "Spanish",
    "Spanish",
    "Vietnamese",
    "Mandarin",
    "Arabic",
    "Russian",
    "Tagalog",
    "Korean",
)


@dataclass
class Addr:
    line1: str
    line2: str | None
    city: str
    state: str
    zip5: str
    zip4: str | None = None


@dataclass
class Person:
    first: str
    middle: str | None
    last: str
    sex: str
    dob: date
    suffix: str | None = None
    addr: Addr | None = None
    phone: str | None = None  # 10 digits
    email: str | None = None
    mrn: str | None = None
    language: str | None = None


@dataclass
class Coverage:
    payer: str
    payer_id: str
    plan: str
    member_id: str  # normalized: upper, no spaces/dashes
    group: str | None
    subscriber: Person | None = None  # None: the patient is the subscriber
    relationship: str = "Self"


@dataclass
class Provider:
    first: str
    last: str
    credentials: str
    npi: str
    organization: str
    specialty: str
    phone: str
    fax: str
    addr: Addr


@dataclass
class Dx:
    code: str
    description: str


@dataclass
class Case:
    """Everything one referral says; families print parts of it and record what they printed."""

    patient: Person
    coverages: list[Coverage]
    referring: Provider
    referred_to: Provider
    referral_date: date
    urgency: str
    reason: str
    diagnoses: list[Dx]
    procedures: list[Dx]
    authorization: str | None
    summary: str
    medications: list[str]
    allergies: list[str]
    ehr_patient_id: str | None = None
    perturbations: list[str] = field(default_factory=list)


def phone(rng: random.Random, area: str | None = None) -> str:
    """A fictional NANP number: 555-0100..0199 is reserved for fiction."""
    return f"{area or rng.choice(CITIES)[2]}5550{rng.randint(100, 199)}"


def npi(rng: random.Random) -> str:
    """A random 10-digit NPI with a valid check digit (Luhn over the 80840 prefix + first 9 digits)."""
    base = str(rng.randint(1, 2)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
    digits = [int(c) for c in "80840" + base]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:  # positions doubled counting from the right, check digit excluded
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return base + str((10 - total % 10) % 10)


def npi_valid(value: str) -> bool:
    if len(value) != 10 or not value.isdigit():
        return False
    total = 0
    for i, c in enumerate(reversed("80840" + value)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return total % 10 == 0


def address(rng: random.Random, city: tuple[str, str, str, str] | None = None) -> Addr:
    c = city or rng.choice(CITIES)
    kind = rng.choice(STREET_TYPES)
    line1 = (
        f"{rng.randint(10, 9899)} {rng.choice(('', '', '', 'N ', 'S ', 'E ', 'W '))}{rng.choice(STREETS)} "
    )
    line1 += kind[rng.random() < 0.6]
    line2 = (
        rng.choice(UNIT_FORMS).format(n=rng.choice((rng.randint(1, 420), "B", "2C")))
        if (rng.random() < 0.25)
        else None
    )
    return Addr(
        line1,
        line2,
        c[0],
        c[1],
        c[3] + f"{rng.randint(1, 99):02d}",
        f"{rng.randint(1, 9999):04d}" if rng.random() < 0.35 else None,
    )


def person(
    rng: random.Random,
    min_age: int = 1,
    max_age: int = 92,
    sex: str | None = None,
    today: date = date(2026, 11, 20),
) -> Person:
    sx = sex or rng.choice("FFFMMMF" + ("X" if rng.random() < 0.05 else ""))
    pool = F_NAMES if sx == "F" else M_NAMES if sx == "M" else F_NAMES + M_NAMES
    first = rng.choice(pool)
    middle = rng.choice(pool) if rng.random() < 0.6 else None
    dob = today - timedelta(days=rng.randint(min_age * 365, max_age * 365))
    c = rng.choice(CITIES)
    last = rng.choice(LAST_NAMES)
    email = None
    if rng.random() < 0.45:
        email = f"{first.lower()}.{last.lower().replace(' ', '').replace(chr(39), '')}{rng.randint(1, 99)}"
        email += "@example." + rng.choice(("com", "org", "net"))
    return Person(
        first,
        middle,
        last,
        sx,
        dob,
        rng.choice(SUFFIXES) if rng.random() < 0.04 else None,
        address(rng, c),
        phone(rng, c[2]),
        email,
        None,
        rng.choice(LANGUAGES) if rng.random() < 0.5 else None,
    )


def coverage(rng: random.Random, patient: Person, force_subscriber: bool = False) -> Coverage:
    payer, pid, plans, prefix, has_group = rng.choice(PAYERS)
    member = prefix + "".join(str(rng.randint(0, 9)) for _ in range(rng.choice((8, 9, 10))))
    group = None
    if has_group or rng.random() < 0.2:
        group = rng.choice(("", "GRP", "G")) + str(rng.randint(10000, 9999999))
    sub, rel = None, "Self"
    if force_subscriber or patient.dob > date(2008, 11, 20) or rng.random() < 0.12:
        rel = "Child" if patient.dob > date(2001, 1, 1) else "Spouse"
        sub = person(rng, 20, 80, sex=rng.choice("FM"))
        years = rng.randint(-8, 8) if rel == "Spouse" else -rng.randint(20, 42)  # subscriber's age vs patient
        sub.dob = min(patient.dob + timedelta(days=365 * years + rng.randint(-150, 150)), date(2008, 1, 1))
        sub.last = patient.last if rng.random() < 0.75 else sub.last
        sub.addr = patient.addr
    return Coverage(payer, pid, rng.choice(plans), member, group, sub, rel)


ORG_WORDS = (
    "Riverbend",
    "Northside",
    "Lakeview",
    "Cedar Creek",
    "Summit",
    "Heritage",
    "Valley",
    "Pinecrest",
    "Bluebonnet",
    "Harborview",
    "Prairie",
    "Westgate",
    "Oak Hollow",
    "Mesa Vista",
    "Stonebridge",
)
ORG_KINDS = (
    "Family Medicine",
    "Primary Care",
    "Medical Group",
    "Health Center",
    "Internal Medicine",
    "Family Practice",
    "Community Clinic",
    "Physicians",
)
CREDENTIALS = ("MD", "MD", "MD", "DO", "DO", "NP", "PA-C", "FNP-C", "MD, FACP")


def provider(rng: random.Random, specialty: str | None = None) -> Provider:
    p = person(rng, 30, 70)
    c = rng.choice(CITIES)
    org_base = f"{rng.choice(ORG_WORDS)} "
    cred = rng.choice(CREDENTIALS)
    if specialty:
        org = org_base + rng.choice((specialty, f"{specialty} Associates", f"{specialty} Specialists"))
        cred = rng.choice(("MD", "MD", "DO", "MD, PhD")) if specialty != "Physical Therapy" else "PT, DPT"
    else:
        org = org_base + rng.choice(ORG_KINDS)
    addr = address(rng, c)
    addr.line2 = f"Suite {rng.randint(100, 450)}" if rng.random() < 0.5 else None
    return Provider(
        p.first,
        p.last,
        cred,
        npi(rng),
        org,
        specialty or rng.choice(("Family Medicine", "Internal Medicine", "Pediatrics")),
        phone(rng, c[2]),
        phone(rng, c[2]),
        addr,
    )
