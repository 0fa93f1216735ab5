"""Synthetic people, providers, coverages and clinical facts for the held-out corpus, plus value formats.

Written independently of `referral_intake.synth`: own name pools, payers, label wording and formats.
Everything is fake: phone numbers are 555-01xx, e-mails use example.org, NPIs are random but Luhn-valid.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import simple_icd_10_cm as icd

FIRST_F = [
    "Rosalind",
    "Marisol",
    "Deborah",
    "Yvette",
    "Harriet",
    "Noor",
    "Imelda",
    "Tamsin",
    "Colette",
    "Bernadette",
    "Odalys",
    "Priya",
    "Winona",
    "Lucinda",
    "Greta",
    "Soledad",
    "Kimberly",
    "Adaeze",
    "Margit",
    "Hollis",
]
FIRST_M = [
    "Thaddeus",
    "Octavio",
    "Lyle",
    "Desmond",
    "Rufus",
    "Anselm",
    "Kwabena",
    "Wendell",
    "Barnaby",
    "Ignacio",
    "Hollis",
    "Emmett",
    "Cyrus",
    "Dmitri",
    "Ferris",
    "Lamar",
    "Ansel",
    "Gideon",
    "Rocco",
    "Ezekiel",
]
MIDDLE = [
    "Ann",
    "June",
    "Lee",
    "Ray",
    "Marie",
    "Wade",
    "Joy",
    "Dale",
    "Rose",
    "Paul",
    "Jean",
    "Kay",
    "Lynn",
    "Grant",
]
LAST = [
    "Quillfeather",
    "Abernathy",
    "Ostrowski",
    "Delacroix",
    "Nakagawa",
    "Brightwater",
    "Okonkwo",
    "Featherstone",
    "Villanueva",
    "Hargrove",
    "Lindqvist",
    "Pemberton",
    "Castellanos",
    "Whitlock",
    "Szymanski",
    "Thistlewood",
    "Amadi",
    "Rourke",
    "Van Der Meer",
    "De La Cruz",
    "Kowalczyk",
    "Ashdown",
    "Trujillo",
    "Mbeki",
    "Fairbanks",
]
STREETS = [
    "Juniper Hollow",
    "Copperleaf",
    "Old Mill",
    "Tamarack",
    "Pecan Grove",
    "Sandpiper",
    "Larkspur",
    "Granite Ridge",
    "Bluebonnet",
    "Kestrel",
]
STREET_TYPES = ["Rd", "Lane", "Dr", "Street", "Ct", "Way", "Blvd", "Trail"]
CITIES = [
    ("Round Rock", "TX", "78664"),
    ("Dayton", "OH", "45402"),
    ("Boise", "ID", "83702"),
    ("Mesa", "AZ", "85201"),
    ("Lansing", "MI", "48933"),
    ("Macon", "GA", "31201"),
    ("Spokane", "WA", "99201"),
    ("Erie", "PA", "16501"),
    ("Fargo", "ND", "58102"),
    ("Albany", "NY", "12207"),
    ("Tulsa", "OK", "74103"),
    ("Reno", "NV", "89501"),
]
STATE_NAMES = {
    "TX": "Texas",
    "OH": "Ohio",
    "ID": "Idaho",
    "AZ": "Arizona",
    "MI": "Michigan",
    "GA": "Georgia",
    "WA": "Washington",
    "PA": "Pennsylvania",
    "ND": "North Dakota",
    "NY": "New York",
    "OK": "Oklahoma",
    "NV": "Nevada",
}
PAYERS = [
    ("Cedar Valley Health Plan", "Cedar Choice PPO"),
    ("Northwind Mutual", "Northwind Silver HMO"),
    ("Keystone Care Alliance", "Keystone Open Access"),
    ("Prairie Shield Insurance", "Prairie Gold EPO"),
    ("Harborline Health", "Harborline Medicare Advantage"),
    ("Summit Crest Benefits", "Crest Essential POS"),
]
CREDENTIALS = ["MD", "MD", "DO", "NP", "PA-C", "MD"]
LANGUAGES = ["English", "Spanish", "Vietnamese", "Polish", "Somali", "Tagalog"]
RELATIONSHIPS = ["Spouse", "Parent", "Child"]

# Real ICD-10-CM codes per specialty (checked against the code set below), and CPT codes of common orders.
SPECIALTIES: dict[str, dict[str, list[str]]] = {
    "Orthopedic Surgery": {
        "icd": ["M17.11", "M17.12", "M25.561", "M25.562", "M75.121", "S83.241A", "M16.11", "M51.16"],
        "cpt": ["73721", "73221", "20610"],
        "reason": [
            "persistent knee pain despite physical therapy",
            "evaluation for possible joint replacement",
            "shoulder weakness after a fall, rule out rotator cuff tear",
            "radicular leg pain for 8 weeks",
        ],
    },
    "Cardiology": {
        "icd": ["I48.91", "I10", "I25.10", "R00.2", "R07.9", "I50.9", "R55", "I34.0"],
        "cpt": ["93000", "93306", "93224"],
        "reason": [
            "new onset irregular heartbeat",
            "exertional chest pressure",
            "syncopal episode last week",
            "murmur heard on routine exam",
        ],
    },
    "Gastroenterology": {
        "icd": ["K21.9", "K58.9", "R10.13", "K50.90"],
        "cpt": ["45378", "43239"],
        "reason": ["refractory reflux symptoms", "chronic abdominal pain with weight loss"],
    },
    "Neurology": {
        "icd": ["G43.909", "G40.909", "R51.9"],
        "cpt": ["95816", "70551"],
        "reason": ["worsening migraines despite two preventives", "new seizure-like spells"],
    },
    "Endocrinology": {
        "icd": ["E11.65", "E11.9", "E05.90", "E03.9"],
        "cpt": ["83036", "84443"],
        "reason": ["poorly controlled diabetes, A1c above 10", "abnormal thyroid tests"],
    },
    "Pulmonology": {
        "icd": ["J45.909", "J44.9", "G47.33", "R06.02"],
        "cpt": ["94010", "95810"],
        "reason": [
            "suspected sleep apnea with daytime sleepiness",
            "dyspnea on exertion, abnormal spirometry",
        ],
    },
}
for _spec in SPECIALTIES.values():
    for _code in _spec["icd"]:
        if not icd.is_valid_item(_code) or not icd.is_leaf(_code):
            raise ValueError(f"not a billable ICD-10-CM code: {_code}")
MEDS = [
    "metformin 500 mg twice daily",
    "lisinopril 10 mg daily",
    "atorvastatin 20 mg nightly",
    "levothyroxine 50 mcg daily",
    "albuterol inhaler as needed",
    "omeprazole 20 mg daily",
    "sertraline 50 mg daily",
    "apixaban 5 mg twice daily",
]
ALLERGIES = ["Penicillin", "Sulfa drugs", "Latex", "Codeine", "Shellfish"]
TODAY = date(2026, 11, 20)


def npi(rng: random.Random) -> str:
    """A random 10-digit NPI whose check digit is the Luhn digit over "80840" + the first nine digits."""
    base = str(rng.choice("12")) + "".join(str(rng.randrange(10)) for _ in range(8))
    digits = [int(c) for c in "80840" + base]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return base + str((10 - total % 10) % 10)


def phone(rng: random.Random) -> str:
    area = rng.choice(["512", "937", "208", "480", "517", "478", "509", "814", "701", "518", "918", "775"])
    return f"{area}555{rng.randrange(100, 200):04d}"


@dataclass
class Addr:
    line1: str
    city: str
    state: str
    postal_code: str
    line2: str | None = None
    zip4: str | None = None


@dataclass
class Person:
    first: str
    last: str
    middle: str | None
    sex: str
    dob: date
    addr: Addr
    phone: str
    email: str | None
    mrn: str
    language: str | None
    suffix: str | None = None


@dataclass
class Prov:
    first: str
    last: str
    cred: str
    npi: str
    org: str
    specialty: str
    phone: str
    fax: str
    addr: Addr


@dataclass
class Cov:
    payer: str
    plan: str
    payer_id: str
    member_id: str  # as printed; gold strips spaces/dashes
    group: str
    subscriber: Person | None
    relationship: str | None


@dataclass
class Case:
    patient: Person
    coverage: Cov
    referring: Prov
    referred: Prov
    referral_date: date
    urgency: str
    reason: str
    dx: list[str]
    cpt: list[str]
    auth: str | None
    meds: list[str] = field(default_factory=list)
    allergies: list[str] = field(default_factory=list)


def address(rng: random.Random) -> Addr:
    city, state, zipc = rng.choice(CITIES)
    a = Addr(
        f"{rng.randrange(100, 9900)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}", city, state, zipc
    )
    if rng.random() < 0.25:
        a.line2 = rng.choice(["Apt 4B", "Unit 12", "Suite 210", "Apt 307"])
    if rng.random() < 0.3:
        a.zip4 = f"{rng.randrange(1000, 9999)}"
    return a


def person(rng: random.Random, adult: bool = True) -> Person:
    sex = rng.choices(["F", "M", "X", "U"], [48, 48, 3, 1])[0]
    first = rng.choice(FIRST_F if sex == "F" else FIRST_M if sex == "M" else FIRST_F + FIRST_M)
    lo, hi = (1936, 2004) if adult else (2008, 2022)
    dob = date(rng.randrange(lo, hi), rng.randrange(1, 13), rng.randrange(1, 29))
    last = rng.choice(LAST)
    email = f"{first.lower()}.{last.lower().replace(' ', '')}{rng.randrange(10, 99)}@example.org"
    return Person(
        first=first,
        last=last,
        middle=rng.choice(MIDDLE) if rng.random() < 0.6 else None,
        sex=sex,
        dob=dob,
        addr=address(rng),
        phone=phone(rng),
        email=email if rng.random() < 0.4 else None,
        mrn=f"{rng.choice(['', 'H', 'E'])}{rng.randrange(100000, 9999999)}",
        language=rng.choice(LANGUAGES) if rng.random() < 0.5 else None,
        suffix=rng.choice(["Jr", "III", "II"]) if sex == "M" and rng.random() < 0.1 else None,
    )


def provider(rng: random.Random, specialty: str, org: str) -> Prov:
    return Prov(
        first=rng.choice(FIRST_F + FIRST_M),
        last=rng.choice(LAST),
        cred=rng.choice(CREDENTIALS),
        npi=npi(rng),
        org=org,
        specialty=specialty,
        phone=phone(rng),
        fax=phone(rng),
        addr=address(rng),
    )


def coverage(rng: random.Random, patient: Person, medicaid_state: str | None = None) -> Cov:
    if medicaid_state:
        payer, plan = f"{STATE_NAMES[medicaid_state]} Medicaid", "Medicaid Managed Care"
        member = f"{rng.randrange(100000000, 999999999)}"
    else:
        payer, plan = rng.choice(PAYERS)
        pre = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
        n = f"{rng.randrange(10**8, 10**9)}"
        member = rng.choice([f"{pre}{n}", f"{pre} {n[:4]} {n[4:]}", f"{pre}-{n[:5]}-{n[5:]}"])
    sub, rel = None, None
    if rng.random() < 0.3:
        sub, rel = person(rng), rng.choice(RELATIONSHIPS)
        sub.last = patient.last
    return Cov(
        payer, plan, f"{rng.randrange(10000, 99999)}", member, f"{rng.randrange(1000, 999999):06d}", sub, rel
    )


def case(rng: random.Random, specialty: str | None = None, medicaid: bool = False) -> Case:
    spec_name = specialty or rng.choice(list(SPECIALTIES))
    spec = SPECIALTIES[spec_name]
    pt = person(rng)
    ref_org = rng.choice(
        [
            "Oak Hollow Family Medicine",
            "Riverbend Primary Care",
            "Sunrise Internal Medicine",
            "Lakeshore Community Clinic",
            "Mesa Verde Health Center",
        ]
    )
    to_org = (
        rng.choice(["Capitol", "Granite", "Northgate", "Bayview", "Heritage"])
        + " "
        + spec_name
        + " Associates"
    )
    n_dx = rng.choice([1, 1, 2, 2, 3])
    return Case(
        patient=pt,
        coverage=coverage(rng, pt, pt.addr.state if medicaid else None),
        referring=provider(rng, rng.choice(["Family Medicine", "Internal Medicine"]), ref_org),
        referred=provider(rng, spec_name, to_org),
        referral_date=TODAY - timedelta(days=rng.randrange(0, 40)),
        urgency=rng.choices(["routine", "urgent", "stat"], [70, 25, 5])[0],
        reason=rng.choice(spec["reason"]),
        dx=rng.sample(spec["icd"], n_dx),
        cpt=rng.sample(spec["cpt"], rng.choice([1, 1, 2])),
        auth=f"PA-{rng.randrange(2025, 2027)}-{rng.randrange(100000, 999999)}"
        if rng.random() < 0.5
        else None,
        meds=rng.sample(MEDS, rng.choice([0, 1, 2, 3])),
        allergies=rng.sample(ALLERGIES, rng.choice([0, 1, 1, 2])),
    )


def icd_desc(code: str) -> str:
    return str(icd.get_description(code))


# --- value formats (what is printed); gold always holds the normalized form -----------------------------


def fmt_date(rng: random.Random, d: date, dob: bool = False) -> str:
    styles = ["us", "us_pad", "mon_d_y", "d_mon_y", "iso", "dmy_words"]
    if dob and 1940 <= d.year <= 1999:
        styles.append("us_2y")  # two-digit years only where no other century is possible for a DOB
    s = rng.choice(styles)
    mon = d.strftime("%b")
    return {
        "us": f"{d.month}/{d.day}/{d.year}",
        "us_pad": d.strftime("%m/%d/%Y"),
        "mon_d_y": f"{mon} {d.day}, {d.year}",
        "d_mon_y": f"{d.day:02d}-{mon}-{d.year}"
        if rng.random() < 0.5
        else f"{d.day:02d}-{mon.upper()}-{d.year}",
        "iso": d.isoformat(),
        "dmy_words": f"{d.day} {d.strftime('%B')} {d.year}",
        "us_2y": f"{d.month}/{d.day}/{d.year % 100:02d}",
    }[s]


def fmt_phone(rng: random.Random, p: str) -> str:
    a, b, c = p[:3], p[3:6], p[6:]
    return rng.choice(
        [
            f"{a}.{b}.{c}",
            f"({a}) {b} {c}",
            f"+1 {a} {b} {c}",
            f"{a}-{b}-{c}",
            f"({a}) {b}-{c}",
            f"1-{a}-{b}-{c}",
        ]
    )


def fmt_sex(rng: random.Random, s: str) -> str:
    words = {
        "F": ["F", "Female", "female"],
        "M": ["M", "Male", "male"],
        "X": ["X", "Non-binary"],
        "U": ["Unknown", "U"],
    }
    return rng.choice(words[s])


def fmt_zip(a: Addr) -> str:
    return f"{a.postal_code}-{a.zip4}" if a.zip4 else a.postal_code


def city_line(rng: random.Random, a: Addr) -> str:
    state = a.state if rng.random() < 0.85 else STATE_NAMES[a.state]
    return f"{a.city}, {state} {fmt_zip(a)}" if rng.random() < 0.7 else f"{a.city} {state} {fmt_zip(a)}"


def full_name(p: Person | Prov, style: str) -> str:
    mid = getattr(p, "middle", None)
    suf = getattr(p, "suffix", None)
    if style == "last_first":
        s = f"{p.last}, {p.first}" + (f" {mid}" if mid else "")
        return s + (f" {suf}" if suf else "")
    s = f"{p.first} " + (f"{mid} " if mid else "") + p.last
    return s + (f" {suf}" if suf else "")
