"""Synthetic people, practices, payers and clinical content for the third ("unseen") referral generator.

Everything here is invented: names are random pairings from small pools, phone numbers use the fictional
555-01xx exchange, NPIs are random but pass the Luhn check with the 80840 prefix, and ICD-10-CM codes are
those `simple_icd_10_cm` lists as billable, with its descriptions (see ICD10 below).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta


def _words(text: str, sep: str = " ") -> list[str]:
    return [w.strip() for w in text.split(sep) if w.strip()]


FIRST_F = _words(
    "Linh Mariana Keisha Aaliyah Beatriz Colleen Daria Esperanza Fiona Gwendolyn Hana Ingrid Jolene Kalani "
    "Lourdes Maeve Nadia Oksana Priya Rosalind Saoirse Tamsin Ursula Valentina Wren Yesenia Zainab Marisol"
)
FIRST_M = _words(
    "Tobias Anselm Bartholomew Cedric Darnell Emeka Florian Gideon Hamid Isaac Jerome Kofi Lucian Mateo "
    "Nikolai Orrin Pavel Quentin Rafael Soren Thaddeus Umar Viktor Wendell Xavier Yusuf Zoltan Ignacio"
)
LAST = _words(
    "Nguyen|Okafor|Lindqvist|Marchetti|Abernathy|Castellanos|Haugland|Iwasaki|Kowalczyk|Mbatha|Oyelaran|"
    "Pemberton|Quiroga|Rasmussen|Szabo|Thibodeaux|Underwood|Vasquez|Whitcombe|Yilmaz|Zelenko|Achterberg|"
    "Brannigan|Delacroix|Fairweather|Gallagher|Hollingsworth|O'Donnell|De la Cruz|Ramos-Whitfield|van Houten|"
    "McAllister",
    "|",
)
MIDDLES = _words("Anne James Thi Marie Lee Rose Paul Grace Ray Jean")
STREET_NAMES = _words(
    "Juniper|Old Mill|Ridgeview|Tamarack|Sycamore|Harbor Light|Quail Run|Bluebonnet|Kingfisher|Copper Creek|"
    "Hawthorne|Larkspur|Calle Serena",
    "|",
)
STREET_KINDS = _words("St Street Ave Avenue Rd Dr Ln Ct Blvd Way Pkwy Cir Terrace")
# (city, state, first three ZIP digits, area code): real combinations so addresses look plausible.
CITIES: list[tuple[str, str, str, str]] = [
    (city, state, zip3, area)
    for city, state, zip3, area in (
        _words(row, ",")
        for row in _words(
            "Columbus,OH,432,614; Tucson,AZ,857,520; Raleigh,NC,276,919; Spokane,WA,992,509; Omaha,NE,681,402;"
            "Albuquerque,NM,871,505; Louisville,KY,402,502; Madison,WI,537,608; Boise,ID,837,208;"
            "Des Moines,IA,503,515; Knoxville,TN,379,865; Fort Wayne,IN,468,260; Savannah,GA,314,912;"
            "Eugene,OR,974,541; Lansing,MI,489,517; El Paso,TX,799,915; Saint Paul,MN,551,651;"
            "Baton Rouge,LA,708,225; Colorado Springs,CO,809,719; Reno,NV,895,775",
            ";",
        )
    )
]
PLACES = _words(
    "Riverbend|Cedar Hollow|Prairie View|Harborside|Summit Ridge|Willow Creek|Tri-County|Lakeside|Foxglove|"
    "Granite Falls",
    "|",
)
PCP_ORGS = [
    "{p} Family Medicine",
    "{p} Internal Medicine Associates",
    "{p} Primary Care",
    "Community Health Center of {p}",
]
PEDS_ORGS = ["{p} Pediatrics", "{p} Children's Clinic", "Little Sprouts Pediatrics of {p}"]
CREDS_PCP = ["MD", "DO", "NP", "FNP-C", "PA-C", "MD, FAAFP"]
CREDS_SPEC = ["MD", "DO", "MD, FACC", "MD, PhD", "NP", "PA-C"]

# specialty -> (organization pattern, ICD-10-CM codes, reasons, CPT (code, our own short description))
SPECIALTIES: dict[str, tuple[str, list[str], list[str], list[tuple[str, str]]]] = {
    "Cardiology": (
        "{p} Heart & Vascular",
        ["I48.91", "I48.0", "I10", "R07.9", "I50.9", "R00.2", "R01.1"],
        [
            "new atrial fibrillation, rate vs rhythm control",
            "exertional chest pressure",
            "palpitations with near-syncope",
        ],
        [("93306", "Echocardiogram, complete"), ("93224", "Holter monitor 48 hr")],
    ),
    "Gastroenterology": (
        "{p} Digestive Health",
        ["K21.9", "R10.13", "K58.9", "K92.1", "D50.9", "K57.30", "R19.7"],
        [
            "iron deficiency anemia, needs EGD and colonoscopy",
            "refractory reflux despite PPI",
            "chronic diarrhea",
        ],
        [("45378", "Colonoscopy, diagnostic"), ("43235", "Upper GI endoscopy")],
    ),
    "Pulmonology": (
        "{p} Lung & Sleep Center",
        ["J44.9", "J45.909", "R06.02", "G47.33", "R91.1", "R05.9"],
        [
            "incidental pulmonary nodule on CT",
            "persistent cough over 8 weeks",
            "suspected obstructive sleep apnea",
        ],
        [("94010", "Spirometry"), ("95810", "Polysomnography")],
    ),
    "Endocrinology": (
        "{p} Diabetes & Endocrine",
        ["E11.65", "E05.90", "E03.9", "E21.3", "E28.2"],
        ["poorly controlled type 2 diabetes, A1c above 10", "suppressed TSH, possible Graves disease"],
        [],
    ),
    "Neurology": (
        "{p} Neurology Group",
        ["G43.909", "R51.9", "G40.909", "R20.2", "G56.01"],
        ["new daily headaches", "first unprovoked seizure", "numbness and tingling in both hands"],
        [("95816", "EEG awake and drowsy"), ("95910", "Nerve conduction studies")],
    ),
    "Orthopedic Surgery": (
        "{p} Orthopaedic & Spine",
        ["M17.11", "M17.12", "M75.101", "M54.16", "M25.511", "M23.91"],
        ["knee pain failing conservative care, surgical opinion", "suspected rotator cuff tear"],
        [("73721", "MRI knee without contrast")],
    ),
    "Dermatology": (
        "{p} Skin Institute",
        ["L40.0", "L57.0", "D22.9", "L70.0", "L30.9"],
        ["changing pigmented lesion on back", "extensive plaque psoriasis, biologic candidate"],
        [("11102", "Tangential skin biopsy")],
    ),
    "Urology": (
        "{p} Urology Partners",
        ["N40.1", "N20.0", "R31.9", "N39.0"],
        ["gross hematuria, needs cystoscopy", "recurrent kidney stones"],
        [("52000", "Cystoscopy")],
    ),
    "Rheumatology": (
        "{p} Arthritis & Rheumatology",
        ["M05.79", "M06.9", "M32.9", "M10.9"],
        ["inflammatory polyarthritis with positive RF", "recurrent gout flares on allopurinol"],
        [],
    ),
    "Nephrology": (
        "{p} Kidney Care",
        ["N18.30", "N18.4", "R80.9", "I10"],
        ["declining eGFR, CKD stage 3-4", "new proteinuria"],
        [],
    ),
    "Physical Therapy": (
        "{p} Physical Therapy & Rehab",
        ["M54.50", "M25.561", "M62.81", "M54.16"],
        ["evaluate and treat low back pain", "gait and strength training after fall"],
        [("97161", "PT evaluation, low complexity"), ("97110", "Therapeutic exercise")],
    ),
}
PEDS: dict[str, tuple[list[str], list[str]]] = {
    "Pediatric Otolaryngology": (["H66.90", "J35.01", "H65.90"], ["recurrent ear infections, tubes?"]),
    "Pediatric Gastroenterology": (
        ["K59.00", "R62.51", "R63.6"],
        ["chronic constipation with poor weight gain"],
    ),
    "Pediatric Neurology": (["R56.9", "G40.909", "G43.909"], ["staring spells reported by school"]),
    "Developmental Pediatrics": (["F84.0", "F90.2", "R62.50"], ["speech delay and concern for autism"]),
    "Pediatric Endocrinology": (["E30.1", "R62.50", "E03.9"], ["early breast development at age 6"]),
    "Pediatric Pulmonology": (["J45.30", "J45.909", "R05.9"], ["asthma not controlled on inhaled steroid"]),
}
INJURY_DX = _words("S13.4XXA S39.012A S83.511A S43.401A S16.1XXA S33.5XXA S63.501A S46.011A M54.2")
MEDS = _words(
    "lisinopril 20 mg daily|atorvastatin 40 mg nightly|metformin 1000 mg twice daily|levothyroxine 75 mcg daily|"
    "omeprazole 20 mg daily|apixaban 5 mg twice daily|sertraline 100 mg daily|amlodipine 10 mg daily|"
    "albuterol inhaler 2 puffs every 4 hours as needed|ibuprofen 600 mg three times daily as needed|"
    "gabapentin 300 mg at bedtime|fluticasone 44 mcg 2 puffs twice daily|polyethylene glycol 17 g daily|"
    "cetirizine 5 mg daily",
    "|",
)
ALLERGIES = _words(
    "Penicillin (hives)|Sulfa drugs (rash)|Codeine (nausea)|Latex|Peanuts|Iodinated contrast", "|"
)
LANGUAGES = ["Spanish", "Vietnamese", "Somali", "Haitian Creole", "Russian", "Tagalog", "Arabic"]
PAYERS = [  # (name, payer id, plans, member id prefix)
    ("Aetna", "60054", ["Aetna Choice POS II", "Aetna Open Access HMO"], "W"),
    ("Cigna Healthcare", "62308", ["Cigna LocalPlus", "Cigna Open Access Plus"], "U"),
    ("UnitedHealthcare", "87726", ["UHC Choice Plus", "UHC Navigate"], ""),
    ("Humana", "61101", ["Humana Gold Plus HMO", "Humana ChoiceCare PPO"], "H"),
    ("Anthem Blue Cross", "00227", ["Anthem Blue Access PPO", "Anthem Pathway HMO"], "XJH"),
    ("Medicaid", "SKMD0", ["Medicaid Managed Care"], "MCD"),
]
# ICD-10-CM descriptions as `simple_icd_10_cm` gives them (tests/evaluation/test_unseen_generator.py checks
# them against the package; kept here because loading the package costs seconds per run).
ICD10 = {
    "I48.91": "Unspecified atrial fibrillation",
    "I48.0": "Paroxysmal atrial fibrillation",
    "I10": "Essential (primary) hypertension",
    "R07.9": "Chest pain, unspecified",
    "I50.9": "Heart failure, unspecified",
    "R00.2": "Palpitations",
    "R01.1": "Cardiac murmur, unspecified",
    "K21.9": "Gastro-esophageal reflux disease without esophagitis",
    "R10.13": "Epigastric pain",
    "K58.9": "Irritable bowel syndrome, unspecified",
    "K92.1": "Melena",
    "D50.9": "Iron deficiency anemia, unspecified",
    "K57.30": "Diverticulosis of large intestine without perforation or abscess without bleeding",
    "R19.7": "Diarrhea, unspecified",
    "J44.9": "Chronic obstructive pulmonary disease, unspecified",
    "J45.909": "Unspecified asthma, uncomplicated",
    "R06.02": "Shortness of breath",
    "G47.33": "Obstructive sleep apnea (adult) (pediatric)",
    "R91.1": "Solitary pulmonary nodule",
    "R05.9": "Cough, unspecified",
    "E11.65": "Type 2 diabetes mellitus with hyperglycemia",
    "E05.90": "Thyrotoxicosis, unspecified without thyrotoxic crisis or storm",
    "E03.9": "Hypothyroidism, unspecified",
    "E21.3": "Hyperparathyroidism, unspecified",
    "E28.2": "Polycystic ovarian syndrome",
    "G43.909": "Migraine, unspecified, not intractable, without status migrainosus",
    "R51.9": "Headache, unspecified",
    "G40.909": "Epilepsy, unspecified, not intractable, without status epilepticus",
    "R20.2": "Paresthesia of skin",
    "G56.01": "Carpal tunnel syndrome, right upper limb",
    "M17.11": "Unilateral primary osteoarthritis, right knee",
    "M17.12": "Unilateral primary osteoarthritis, left knee",
    "M75.101": "Unspecified rotator cuff tear or rupture of right shoulder, not specified as traumatic",
    "M54.16": "Radiculopathy, lumbar region",
    "M25.511": "Pain in right shoulder",
    "M23.91": "Unspecified internal derangement of right knee",
    "L40.0": "Psoriasis vulgaris",
    "L57.0": "Actinic keratosis",
    "D22.9": "Melanocytic nevi, unspecified",
    "L70.0": "Acne vulgaris",
    "L30.9": "Dermatitis, unspecified",
    "N40.1": "Benign prostatic hyperplasia with lower urinary tract symptoms",
    "N20.0": "Calculus of kidney",
    "R31.9": "Hematuria, unspecified",
    "N39.0": "Urinary tract infection, site not specified",
    "M05.79": "Rheumatoid arthritis with rheumatoid factor of multiple sites without organ or systems involvement",
    "M06.9": "Rheumatoid arthritis, unspecified",
    "M32.9": "Systemic lupus erythematosus, unspecified",
    "M10.9": "Gout, unspecified",
    "N18.30": "Chronic kidney disease, stage 3 unspecified",
    "N18.4": "Chronic kidney disease, stage 4 (severe)",
    "R80.9": "Proteinuria, unspecified",
    "M54.50": "Low back pain, unspecified",
    "M25.561": "Pain in right knee",
    "M62.81": "Muscle weakness (generalized)",
    "H66.90": "Otitis media, unspecified, unspecified ear",
    "J35.01": "Chronic tonsillitis",
    "H65.90": "Unspecified nonsuppurative otitis media, unspecified ear",
    "K59.00": "Constipation, unspecified",
    "R62.51": "Failure to thrive (child)",
    "R63.6": "Underweight",
    "R56.9": "Unspecified convulsions",
    "F84.0": "Autistic disorder",
    "F90.2": "Attention-deficit hyperactivity disorder, combined type",
    "R62.50": "Unspecified lack of expected normal physiological development in childhood",
    "E30.1": "Precocious puberty",
    "J45.30": "Mild persistent asthma, uncomplicated",
    "S13.4XXA": "Sprain of ligaments of cervical spine, initial encounter",
    "S39.012A": "Strain of muscle, fascia and tendon of lower back, initial encounter",
    "S83.511A": "Sprain of anterior cruciate ligament of right knee, initial encounter",
    "S43.401A": "Unspecified sprain of right shoulder joint, initial encounter",
    "S16.1XXA": "Strain of muscle, fascia and tendon at neck level, initial encounter",
    "S33.5XXA": "Sprain of ligaments of lumbar spine, initial encounter",
    "S63.501A": "Unspecified sprain of right wrist, initial encounter",
    "S46.011A": "Strain of muscle(s) and tendon(s) of the rotator cuff of right shoulder, initial encounter",
    "M54.2": "Cervicalgia",
}


def dx_desc(code: str) -> str:
    return ICD10[code]


@dataclass
class Addr:
    line1: str | None
    line2: str | None
    city: str | None
    state: str | None
    zip: str | None


@dataclass
class Patient:
    first: str
    middle: str | None  # as printed without a dot: "T" or "Thi"
    last: str
    suffix: str | None
    dob: date
    sex: str | None  # contract form: F, M, X
    addr: Addr | None
    phone: str | None  # 10 digits
    email: str | None
    mrn: str | None  # printed form; gold strips spaces / dashes
    language: str | None


@dataclass
class Provider:
    first: str | None
    last: str | None
    cred: str | None
    npi: str | None
    org: str | None
    specialty: str | None
    phone: str | None
    ext: str | None  # extension printed after the phone, never part of the gold
    fax: str | None
    addr: Addr | None


@dataclass
class Coverage:
    payer: str | None
    payer_id: str | None
    plan: str | None
    member_id: str | None
    group: str | None
    sub_name: str | None  # exactly as printed
    relationship: str | None  # the patient's relationship to the subscriber: Self, Spouse, Child
    sub_dob: date | None


@dataclass
class Case:
    patient: Patient
    coverages: list[Coverage]
    ref_from: Provider
    ref_to: Provider
    date: date | None
    urgency: str | None
    reason: str | None
    dx: list[str]
    px: list[tuple[str, str]]
    auth: str | None
    summary: str | None
    meds: list[str] = field(default_factory=list)
    allergies: list[str] = field(default_factory=list)


def npi(rng: random.Random) -> str:
    """A random 10-digit NPI whose check digit is right (Luhn over 80840 + the first nine digits)."""
    body = str(rng.choice([1, 2])) + "".join(str(rng.randrange(10)) for _ in range(8))
    digits = [int(d) for d in "80840" + body]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return body + str((10 - total % 10) % 10)


def phone(rng: random.Random, area: str) -> str:
    """10 digits in the fictional 555-0100..555-0199 range."""
    return f"{area}55501{rng.randrange(100):02d}"


def addr(rng: random.Random, suite: bool = False) -> tuple[Addr, str]:
    city, state, zip3, area = rng.choice(CITIES)
    num = rng.randrange(12, 9899)
    pre = rng.choice(["", "", "N ", "SW ", "E "])
    line1 = f"{num} {pre}{rng.choice(STREET_NAMES)} {rng.choice(STREET_KINDS)}"
    if suite:
        line2 = rng.choice(
            [
                None,
                f"Suite {rng.randrange(100, 480)}",
                f"Bldg {rng.choice('ABC')} Ste {rng.randrange(1, 30)}",
            ]
        )
    else:
        line2 = rng.choice(
            [None, None, f"Apt {rng.randrange(1, 40)}{rng.choice('ABCD')}", f"Unit {rng.randrange(2, 300)}"]
        )
    return Addr(line1, line2, city, state, zip3 + f"{rng.randrange(0, 100):02d}"), area


def rand_id(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


def person_name(rng: random.Random, sex: str) -> tuple[str, str]:
    pool = FIRST_F if sex == "F" else FIRST_M if sex == "M" else FIRST_F + FIRST_M
    return rng.choice(pool), rng.choice(LAST)


def provider(rng: random.Random, org: str, creds: list[str], specialty: str | None) -> Provider:
    first, last = person_name(rng, rng.choice("FM"))
    a, area = addr(rng, suite=True)
    p = phone(rng, area)
    f = phone(rng, area)
    while f == p:
        f = phone(rng, area)
    ext = rng.choice([None, None, str(rng.randrange(200, 260))])
    return Provider(
        first, last, rng.choice(creds), npi(rng), org.format(p=rng.choice(PLACES)), specialty, p, ext, f, a
    )


def coverage(rng: random.Random, pt: Patient, relationship: str, sub: tuple[str, date] | None) -> Coverage:
    name, pid, plans, prefix = rng.choice(PAYERS)
    member = prefix + rand_id(rng, 9 if prefix else 11)
    group = rng.choice([None, rand_id(rng, 7), f"GRP-{rand_id(rng, 5)}"])
    if sub is None:
        sub_name, sub_dob = f"{pt.first} {pt.last}", pt.dob
    else:
        sub_name, sub_dob = sub
    return Coverage(name, pid, rng.choice(plans), member, group, sub_name, relationship, sub_dob)


def make_case(rng: random.Random, today: date, pediatric: bool = False, injury: bool = False) -> Case:
    """A complete referral; each layout then blanks what its page does not print."""
    sex = rng.choices(["F", "M", "X"], [48, 48, 4])[0]
    first, last = person_name(rng, sex)
    age_days = rng.randrange(2 * 365, 16 * 365) if pediatric else rng.randrange(19 * 365, 88 * 365)
    dob = today - timedelta(days=age_days)
    middle = rng.choice([None, rng.choice("ABCDEJKLMRST"), rng.choice(MIDDLES)])
    suffix = None if pediatric or sex != "M" or rng.random() > 0.15 else rng.choice(["Jr", "III"])
    home, area = addr(rng)
    mrn = rng.choice(
        [rand_id(rng, 8), f"E{rand_id(rng, 7)}", f"{rng.choice('AKM')}-{rand_id(rng, 3)}-{rand_id(rng, 4)}"]
    )
    handle = "".join(ch for ch in f"{first}.{last}".lower() if ch.isalpha() or ch == ".")
    email = f"{handle}{rng.randrange(10, 99)}@example.com"
    pt = Patient(
        first,
        middle,
        last,
        suffix,
        dob,
        sex,
        home,
        phone(rng, area),
        email,
        mrn,
        rng.choice([None, *LANGUAGES]),
    )
    cpts: list[tuple[str, str]]
    if pediatric:
        spec = rng.choice(sorted(PEDS))
        codes, reasons = PEDS[spec]
        org, cpts = "{p} Children's Specialty Clinic", []
        ref_from = provider(rng, rng.choice(PEDS_ORGS), ["MD", "DO", "CPNP", "MD, FAAP"], "Pediatrics")
    elif injury:
        spec = rng.choice(["Orthopedic Surgery", "Physical Therapy"])
        org, codes, cpts = SPECIALTIES[spec][0], INJURY_DX, []
        reasons = [
            "evaluate and treat "
            + rng.choice(["lifting injury at work", "injury from a fall", "neck and back pain"])
        ]
        ref_from = provider(rng, "{p} Occupational Health", ["MD", "DO", "PA-C"], None)
    else:
        spec = rng.choice(sorted(SPECIALTIES))
        org, codes, reasons, cpts = SPECIALTIES[spec]
        ref_from = provider(rng, rng.choice(PCP_ORGS), CREDS_PCP, None)
    ref_to = provider(rng, org, ["DPT", "PT, DPT"] if spec == "Physical Therapy" else CREDS_SPEC, spec)
    dx = rng.sample(codes, rng.randint(1, min(3, len(codes))))
    px = rng.sample(cpts, rng.randint(0, len(cpts))) if cpts else []
    when = today - timedelta(days=rng.randrange(0, 20))
    s = {"F": ("woman", "She"), "M": ("man", "He"), "X": ("patient", "They")}[sex]
    years = (when - dob).days // 365
    noun = ("girl" if sex == "F" else "boy" if sex == "M" else "child") if pediatric else s[0]
    summary = (
        f"{years}-year-old {noun} with {dx_desc(dx[0]).lower()}. {s[1]} reports symptoms for "
        f"{rng.randint(2, 11)} months despite {rng.choice(['conservative care', 'medication changes', 'a trial of therapy'])}."
    )
    return Case(
        patient=pt,
        coverages=[coverage(rng, pt, "Self", None)],
        ref_from=ref_from,
        ref_to=ref_to,
        date=when,
        urgency=rng.choices(["routine", "urgent", "stat"], [65, 30, 5])[0],
        reason=rng.choice(reasons),
        dx=dx,
        px=px,
        auth=None,
        summary=summary,
        meds=rng.sample(MEDS, rng.randint(0, 4)),
        allergies=rng.sample(ALLERGIES, rng.randint(0, 2)),
    )


def sub_person(rng: random.Random, pt: Patient, relationship: str) -> tuple[str, date]:
    """A subscriber other than the patient (parent, spouse or sponsor) sharing the patient's last name."""
    first = rng.choice(FIRST_F + FIRST_M)
    years = rng.randrange(24, 50) if relationship == "Child" else rng.randrange(-6, 7)
    dob = pt.dob - timedelta(days=365 * years + rng.randrange(0, 300))
    return f"{first} {pt.last}", dob
