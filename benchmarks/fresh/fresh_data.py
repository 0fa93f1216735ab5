"""Synthetic people, providers, coverages and clinical content for the "fresh" corpus.

Everything is invented: names from mixed pools, street names made up, phone numbers in the fictional
555-01xx range, NPIs with a valid check digit (Luhn over the 80840 prefix) that are not assigned to anyone.
Cities, states, ZIP codes, payer names and ICD-10-CM codes are real public reference data.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import date, timedelta

import simple_icd_10_cm as icd

FIRST_F = [
    "Maria",
    "Jennifer",
    "Aaliyah",
    "Sofia",
    "Latoya",
    "Mei",
    "Priya",
    "Fatima",
    "Olga",
    "Hannah",
    "Brianna",
    "Carmen",
    "Yesenia",
    "Nguyet",
    "Keisha",
    "Rebecca",
    "Guadalupe",
    "Ingrid",
    "Esperanza",
    "Chloe",
    "Tamika",
    "Ayesha",
    "Leilani",
    "Margaret",
    "Dolores",
    "Shirley",
    "Kimberly",
    "Anh",
    "Rosalind",
    "Beatriz",
    "Nadia",
    "Harper",
    "Imani",
    "Xochitl",
    "Svetlana",
    "Colleen",
    "Renee",
    "Marisol",
    "Wanda",
    "Jasmine",
    "Ruth",
    "Evelyn",
]
FIRST_M = [
    "James",
    "Luis",
    "DeShawn",
    "Wei",
    "Rajesh",
    "Mohammed",
    "Tyler",
    "Dmitri",
    "Carlos",
    "Jamal",
    "Kenji",
    "Patrick",
    "Olumide",
    "Travis",
    "Hector",
    "Raymond",
    "Tuan",
    "Marcus",
    "Gerald",
    "Santiago",
    "Ibrahim",
    "Cody",
    "Darnell",
    "Arjun",
    "Francisco",
    "Leonard",
    "Bao",
    "Elijah",
    "Malik",
    "Gregory",
    "Terrence",
    "Abdul",
    "Roberto",
    "Dwayne",
    "Nikolai",
    "Ezekiel",
    "Harold",
    "Vikram",
    "Mateo",
    "Curtis",
    "Omar",
    "Winston",
]
FIRST_X = ["Jordan", "Riley", "Avery", "Quinn", "Rowan", "Sage", "Emerson", "Kai", "Skyler", "Dakota"]
MIDDLE = [
    "Ann",
    "Marie",
    "Lynn",
    "Jean",
    "Rose",
    "Louise",
    "Elena",
    "Grace",
    "Renee",
    "James",
    "Lee",
    "Allen",
    "Ray",
    "Wayne",
    "Edward",
    "Thomas",
    "Alejandro",
    "Kwame",
    "Joseph",
    "Michelle",
    "Dawn",
    "Patrice",
    "Alan",
]
LAST = [
    "Okafor",
    "Delgado",
    "Whitaker",
    "Nguyen",
    "Castellanos",
    "Brennan",
    "Haddad",
    "Kowalski",
    "Tran",
    "Abernathy",
    "Fontenot",
    "Yazzie",
    "Ramaswamy",
    "Pettigrew",
    "Gallardo",
    "Lindqvist",
    "Mbeki",
    "Thibodeaux",
    "Sandoval",
    "Achterberg",
    "Holloway",
    "Iwasaki",
    "Ferreira",
    "Kuznetsov",
    "Bellamy",
    "Oyelaran",
    "Villanueva",
    "Chaudhry",
    "Marchetti",
    "Begay",
    "Gutierrez",
    "Sorensen",
    "Blackwood",
    "Esposito",
    "Nakamura",
    "Quintero",
    "Huckabee",
    "Adeyemi",
    "Szymanski",
    "Rutherford",
    "Kaur",
    "Cardenas",
    "Lindgren",
    "Obuya",
    "Merriweather",
    "Pham",
    "Dubois",
    "Stroud",
    "Zamora",
    "Hargrove",
    "Ostrowski",
    "Landry",
    "Mwangi",
]
LAST_PARTICLE = (
    "de la Cruz",
    "Van Dyke",
    "O'Donnell",
    "McAllister",
    "St. Clair",
    "Garcia-Lopez",
    "del Valle",
    "van der Berg",
    "Ben-David",
    "D'Angelo",
)
SUFFIXES = ("Jr", "Sr", "II", "III")

STREET_NAMES = (
    "Juniper Hollow",
    "Quarry Bend",
    "Tallgrass",
    "Wrenfield",
    "Old Mill Run",
    "Bluestem",
    "Harbor View",
    "Cottonwood Crossing",
    "Fenwick",
    "Sable Ridge",
    "Larkspur",
    "Marigold",
    "Pecan Grove",
    "Stonebridge",
    "Whitlock",
    "Kestrel",
    "Brambleton",
    "Caddo",
    "Ironwood",
    "Lantern Hill",
    "Meadowlark",
    "Briar Patch",
    "Alder Creek",
    "Canyon Wren",
    "Dover Glen",
)
STREET_TYPES = ("St", "Ave", "Rd", "Dr", "Ln", "Blvd", "Ct", "Way", "Pkwy", "Trl", "Cir", "Pl")
UNITS = ("Apt 4B", "Apt 12", "Unit 210", "#3", "Apt 1107", "Unit C", "Ste 300", "Suite 140", "Bldg 2")
# (city, state, ZIP, area code): real places with a ZIP and area code of that city
CITIES = (
    ("Austin", "TX", "78745", "512"),
    ("Round Rock", "TX", "78664", "512"),
    ("El Paso", "TX", "79912", "915"),
    ("Tulsa", "OK", "74105", "918"),
    ("Albuquerque", "NM", "87110", "505"),
    ("Tucson", "AZ", "85719", "520"),
    ("Boise", "ID", "83706", "208"),
    ("Spokane", "WA", "99205", "509"),
    ("Eugene", "OR", "97405", "541"),
    ("Fresno", "CA", "93722", "559"),
    ("Bakersfield", "CA", "93309", "661"),
    ("Omaha", "NE", "68114", "402"),
    ("Des Moines", "IA", "50310", "515"),
    ("Madison", "WI", "53711", "608"),
    ("Toledo", "OH", "43615", "419"),
    ("Dayton", "OH", "45419", "937"),
    ("Lexington", "KY", "40503", "859"),
    ("Knoxville", "TN", "37919", "865"),
    ("Chattanooga", "TN", "37411", "423"),
    ("Birmingham", "AL", "35209", "205"),
    ("Jackson", "MS", "39211", "601"),
    ("Baton Rouge", "LA", "70808", "225"),
    ("Savannah", "GA", "31405", "912"),
    ("Columbia", "SC", "29205", "803"),
    ("Raleigh", "NC", "27609", "919"),
    ("Roanoke", "VA", "24015", "540"),
    ("Allentown", "PA", "18104", "610"),
    ("Syracuse", "NY", "13210", "315"),
    ("Worcester", "MA", "01605", "508"),
    ("Providence", "RI", "02906", "401"),
    ("Burlington", "VT", "05401", "802"),
    ("Portland", "ME", "04103", "207"),
    ("Grand Rapids", "MI", "49506", "616"),
    ("Fort Wayne", "IN", "46805", "260"),
    ("Springfield", "IL", "62704", "217"),
    ("Wichita", "KS", "67208", "316"),
    ("Sioux Falls", "SD", "57105", "605"),
    ("Billings", "MT", "59102", "406"),
    ("Reno", "NV", "89509", "775"),
    ("Anchorage", "AK", "99504", "907"),
)
STATE_NAMES = {
    "TX": "Texas",
    "OK": "Oklahoma",
    "NM": "New Mexico",
    "AZ": "Arizona",
    "ID": "Idaho",
    "WA": "Washington",
    "OR": "Oregon",
    "CA": "California",
    "NE": "Nebraska",
    "IA": "Iowa",
    "WI": "Wisconsin",
    "OH": "Ohio",
    "KY": "Kentucky",
    "TN": "Tennessee",
    "AL": "Alabama",
    "MS": "Mississippi",
    "LA": "Louisiana",
    "GA": "Georgia",
    "SC": "South Carolina",
    "NC": "North Carolina",
    "VA": "Virginia",
    "PA": "Pennsylvania",
    "NY": "New York",
    "MA": "Massachusetts",
    "RI": "Rhode Island",
    "VT": "Vermont",
    "ME": "Maine",
    "MI": "Michigan",
    "IN": "Indiana",
    "IL": "Illinois",
    "KS": "Kansas",
    "SD": "South Dakota",
    "MT": "Montana",
    "NV": "Nevada",
    "AK": "Alaska",
}
LANGUAGES = (
    "English",
    "English",
    "English",
    "Spanish",
    "Spanish",
    "Vietnamese",
    "Arabic",
    "Somali",
    "Mandarin",
    "Russian",
    "Haitian Creole",
    "Tagalog",
    "Navajo",
)
EMAIL_HOSTS = ("example.com", "example.net", "example.org", "mail.example.com")

# (payer name, plan names, payer id)
PAYERS = (
    ("Aetna", ("Aetna Choice POS II", "Aetna Open Access HMO", "Aetna Medicare Advantage PPO"), "60054"),
    (
        "UnitedHealthcare",
        ("UHC Choice Plus", "UnitedHealthcare Navigate HMO", "AARP Medicare Advantage"),
        "87726",
    ),
    ("Cigna", ("Cigna Open Access Plus", "Cigna LocalPlus"), "62308"),
    ("Humana", ("Humana Gold Plus HMO", "Humana ChoiceCare PPO"), "61101"),
    (
        "Blue Cross Blue Shield",
        ("Blue Choice PPO", "BlueEssentials HMO", "Federal Employee Program"),
        "00901",
    ),
    ("Medicare", ("Medicare Part B",), "MEDICARE"),
    ("Tricare East", ("TRICARE Prime", "TRICARE Select"), "TREST"),
    ("Ambetter", ("Ambetter Balanced Care 4",), "68069"),
    ("Molina Healthcare", ("Molina Marketplace Silver",), "20149"),
    ("Oscar Health", ("Oscar Simple Bronze",), "OSCAR"),
)
MEDICAID_MCOS = (
    "Prairie Community Health Plan",
    "Riverbend Medicaid Partners",
    "Sunward Family Care",
    "Heartland Kids & Families",
    "Cumberland Caring Plan",
    "Mesa Verde Health Connect",
)

CREDENTIALS_MD = ("MD", "MD", "MD", "DO", "MD", "DO")
CREDENTIALS_MID = ("NP", "FNP-C", "PA-C", "DNP", "APRN")

ORG_PREFIX = (
    "Cedar Hollow",
    "Lakeshore",
    "Bluebonnet",
    "Summit Ridge",
    "Prairie Wind",
    "Three Rivers",
    "Northgate",
    "Magnolia",
    "Granite Peak",
    "Willow Bend",
    "Sandstone",
    "High Plains",
    "Harborlight",
    "Red Oak",
    "Silver Creek",
    "Eastfield",
    "Canyon View",
    "Bayou",
    "Pinecrest",
    "Tidewater",
)
ORG_PRIMARY = (
    "Family Medicine",
    "Primary Care Associates",
    "Internal Medicine",
    "Family Health Center",
    "Community Clinic",
    "Medical Group",
    "Pediatrics",
    "Health Partners",
)


@dataclass
class Address:
    line1: str
    line2: str | None
    city: str
    state: str
    zip5: str
    zip4: str | None = None


@dataclass
class Patient:
    first: str
    middle: str | None  # a full middle name or a single initial letter
    last: str
    suffix: str | None
    dob: date
    sex: str  # F M X U
    address: Address
    phone: str
    email: str | None
    mrn: str
    language: str
    preferred_name: str | None = None


@dataclass
class Provider:
    first: str
    last: str
    cred: str
    npi: str
    org: str
    specialty: str
    phone: str
    fax: str
    address: Address


@dataclass
class Coverage:
    payer: str
    plan: str
    payer_id: str
    member_id: str
    group: str | None
    subscriber: str  # "First Last"
    relationship: str  # patient's relationship to the subscriber: Self Spouse Child Other
    subscriber_dob: date


@dataclass
class Guardian:
    first: str
    last: str
    relationship: str  # Mother, Father, Grandmother, Legal guardian, Foster parent
    phone: str
    dob: date


@dataclass
class Case:
    patient: Patient
    referring: Provider
    referred_to: Provider
    insurance: list[Coverage]
    referral_date: date
    urgency: str
    reason: str
    dx: list[tuple[str, str]]
    procs: list[tuple[str, str]]
    auth: str
    summary: str
    meds: list[str]
    allergies: list[str]
    theme: str
    guardian: Guardian | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Theme:
    specialty: str
    org_words: tuple[str, ...]
    dx: tuple[str, ...]
    procs: tuple[tuple[str, str], ...]
    problems: tuple[str, ...]
    asks: tuple[str, ...]
    history: tuple[str, ...]
    meds: tuple[str, ...]
    referred_creds: tuple[str, ...] = CREDENTIALS_MD


THEMES: dict[str, Theme] = {
    "ortho": Theme(
        "Orthopedic Surgery",
        ("Orthopedics", "Bone & Joint Institute", "Orthopaedic Specialists", "Sports Medicine & Orthopedics"),
        (
            "M17.11",
            "M17.12",
            "M23.221",
            "M23.222",
            "S83.241A",
            "M75.121",
            "M75.122",
            "M19.011",
            "M77.11",
            "S43.431A",
            "M65.4",
            "M72.0",
            "M25.511",
            "M25.561",
        ),
        (
            ("73721", "MRI knee without contrast"),
            ("73221", "MRI shoulder without contrast"),
            ("29881", "Knee arthroscopy with meniscectomy"),
            ("20610", "Large joint injection"),
            ("73564", "X-ray knee, 4 views"),
        ),
        (
            "{side} knee pain with locking",
            "{side} shoulder weakness and night pain",
            "{side} knee osteoarthritis",
            "chronic {side} elbow pain",
            "{side} hand and thumb pain with grip",
            "{side} knee instability after a fall",
        ),
        (
            "evaluate for surgical options",
            "please evaluate and treat",
            "consider injection vs arthroscopy",
            "second opinion requested",
            "evaluate for total joint replacement",
        ),
        (
            "Symptoms for {n} months despite NSAIDs and home exercise.",
            "X-rays on {d} show {finding}.",
            "Completed {k} weeks of physical therapy without lasting relief.",
            "Pain rated {p}/10 at worst, worse with stairs and kneeling.",
            "No prior surgery on the affected side.",
            "Steroid injection in {month} gave about {k} weeks of relief.",
            "BMI {bmi}. Non-smoker.",
        ),
        (
            "meloxicam 15 mg daily",
            "acetaminophen 500 mg q6h PRN",
            "diclofenac 1% gel topically QID",
            "lisinopril 10 mg daily",
            "atorvastatin 20 mg nightly",
            "tramadol 50 mg q8h PRN",
        ),
    ),
    "sleep": Theme(
        "Sleep Medicine",
        ("Sleep Disorders Center", "Sleep Lab", "Center for Sleep Medicine", "Sleep & Pulmonary Associates"),
        (
            "G47.33",
            "R06.83",
            "G47.10",
            "E66.9",
            "G47.00",
            "R40.0",
            "G47.411",
            "G47.419",
            "G47.61",
            "G25.81",
            "E66.01",
        ),
        (
            ("95810", "Polysomnography, attended, 4+ parameters"),
            ("95811", "Polysomnography with CPAP titration"),
            ("95806", "Home sleep apnea test, unattended"),
            ("95805", "Multiple sleep latency test"),
        ),
        (
            "loud snoring and witnessed apneas",
            "excessive daytime sleepiness",
            "daytime fatigue and morning headaches",
            "suspected obstructive sleep apnea",
            "leg kicking at night per bed partner",
        ),
        (
            "sleep study and consult",
            "evaluate for OSA",
            "please perform sleep study and treat",
            "evaluate and manage",
        ),
        (
            "Epworth Sleepiness Scale {ess}/24.",
            "Bed partner reports pauses in breathing for {n} months.",
            "Neck circumference {neck} in. BMI {bmi}.",
            "Falls asleep while driving on occasion.",
            "STOP-BANG score {sb}/8.",
            "Nocturia {k} times per night.",
            "Blood pressure {bp} at last visit.",
        ),
        (
            "amlodipine 5 mg daily",
            "metformin 500 mg BID",
            "sertraline 50 mg daily",
            "zolpidem 5 mg HS PRN",
            "losartan 50 mg daily",
            "omeprazole 20 mg daily",
        ),
    ),
    "bh": Theme(
        "Behavioral Health",
        (
            "Counseling Center",
            "Behavioral Health Services",
            "Family Counseling Associates",
            "Mental Health Clinic",
        ),
        (
            "F32.1",
            "F41.1",
            "F90.2",
            "F43.10",
            "F33.1",
            "F41.0",
            "F91.3",
            "F84.0",
            "F43.23",
            "F90.0",
            "F32.A",
            "F42.2",
            "F31.81",
        ),
        (
            ("90791", "Psychiatric diagnostic evaluation"),
            ("90837", "Psychotherapy, 60 minutes"),
            ("90834", "Psychotherapy, 45 minutes"),
            ("90847", "Family psychotherapy with patient present"),
            ("96127", "Brief emotional/behavioral assessment"),
        ),
        (
            "worsening depressed mood",
            "panic attacks at school",
            "difficulty with attention and homework",
            "anger outbursts at home",
            "anxiety interfering with sleep",
            "nightmares after a car accident",
            "withdrawal from friends and activities",
        ),
        (
            "individual therapy",
            "psychiatric evaluation and medication management",
            "family therapy",
            "assessment and ongoing counseling",
            "trauma-focused therapy",
        ),
        (
            "PHQ-9 score {phq} on {d}.",
            "GAD-7 score {gad}.",
            "Symptoms began about {n} months ago.",
            "No current suicidal ideation; safety plan reviewed.",
            "Grades have dropped this semester.",
            "Started {med} {k} weeks ago with partial response.",
            "Lives with {rel} and two siblings.",
        ),
        (
            "sertraline 25 mg daily",
            "fluoxetine 10 mg daily",
            "guanfacine ER 1 mg daily",
            "methylphenidate ER 18 mg every morning",
            "hydroxyzine 25 mg PRN anxiety",
            "melatonin 3 mg at bedtime",
        ),
        ("LCSW", "LPC", "PsyD", "PhD", "MD", "LMFT"),
    ),
    "pt": Theme(
        "Physical Therapy",
        ("Physical Therapy", "Rehab & Sports Therapy", "PT & Wellness", "Outpatient Rehabilitation"),
        (
            "M54.50",
            "M25.561",
            "M25.562",
            "S83.511A",
            "M62.81",
            "R26.89",
            "Z96.651",
            "Z96.652",
            "M75.41",
            "M75.42",
            "Z47.1",
            "M54.2",
            "M54.16",
            "R29.6",
        ),
        (
            ("97161", "PT evaluation, low complexity"),
            ("97162", "PT evaluation, moderate complexity"),
            ("97110", "Therapeutic exercise"),
            ("97140", "Manual therapy"),
            ("97116", "Gait training"),
        ),
        (
            "low back pain",
            "{side} knee pain",
            "post-op {side} total knee",
            "{side} shoulder impingement",
            "gait instability and falls",
            "neck pain with stiffness",
            "generalized weakness after hospital stay",
        ),
        (
            "evaluate and treat",
            "eval & treat, home exercise program",
            "strengthening and ROM",
            "gait and balance training",
            "post-op rehab per protocol",
        ),
        (
            "Onset {n} weeks ago.",
            "Surgery on {d}.",
            "Weight bearing as tolerated.",
            "No lifting over {k} lb.",
            "Pain {p}/10.",
            "Uses a cane outdoors.",
        ),
        (
            "ibuprofen 600 mg TID PRN",
            "cyclobenzaprine 5 mg HS",
            "gabapentin 300 mg TID",
            "oxycodone 5 mg q6h PRN",
            "apixaban 2.5 mg BID",
            "vitamin D3 2000 IU daily",
        ),
        ("PT", "DPT", "PT, DPT"),
    ),
    "cardio": Theme(
        "Cardiology",
        ("Heart & Vascular", "Cardiology Associates", "Heart Institute", "Cardiovascular Consultants"),
        (
            "I50.9",
            "I50.22",
            "I50.23",
            "I48.91",
            "I21.4",
            "I10",
            "E11.9",
            "N17.9",
            "I25.10",
            "E78.5",
            "N18.30",
        ),
        (
            ("93306", "Transthoracic echocardiogram, complete"),
            ("93000", "Electrocardiogram, 12-lead"),
            ("93224", "Holter monitor, 48 hours"),
        ),
        (
            "new atrial fibrillation",
            "heart failure exacerbation",
            "recent NSTEMI",
            "reduced ejection fraction",
            "volume overload",
        ),
        (
            "post-discharge follow-up",
            "titrate guideline-directed therapy",
            "establish care after admission",
            "rate vs rhythm control",
            "cardiac rehab referral and follow-up",
        ),
        (
            "Admitted {d} with dyspnea and {lb} lb weight gain.",
            "Echo showed EF {ef}%.",
            "Diuresed {k} L during the stay.",
            "Troponin peaked at {tr} ng/mL.",
            "Creatinine {cr} at discharge.",
            "Discharged home with home health.",
            "Started on anticoagulation for CHA2DS2-VASc {sb}.",
        ),
        (
            "furosemide 40 mg daily",
            "metoprolol succinate 50 mg daily",
            "apixaban 5 mg BID",
            "sacubitril-valsartan 24-26 mg BID",
            "atorvastatin 80 mg nightly",
            "spironolactone 25 mg daily",
            "aspirin 81 mg daily",
            "empagliflozin 10 mg daily",
        ),
    ),
    "pulm": Theme(
        "Pulmonology",
        ("Pulmonary Associates", "Lung & Chest Clinic", "Pulmonary & Critical Care"),
        ("J44.1", "J18.9", "J45.909", "R06.02", "J96.01"),
        (
            ("94010", "Spirometry"),
            ("94060", "Spirometry pre/post bronchodilator"),
            ("71250", "CT chest without contrast"),
        ),
        ("COPD exacerbation", "persistent shortness of breath", "pneumonia with slow recovery"),
        ("post-discharge follow-up", "PFTs and management", "evaluate home oxygen need"),
        (
            "Admitted {d} with hypoxia.",
            "Required {k} L oxygen at discharge.",
            "{n} pack-year smoking history.",
            "Completed a steroid taper.",
        ),
        (
            "tiotropium 18 mcg inhaled daily",
            "albuterol HFA 2 puffs q4h PRN",
            "prednisone 40 mg daily x 5 days",
            "budesonide-formoterol 160-4.5 2 puffs BID",
        ),
    ),
    "gi": Theme(
        "Gastroenterology",
        ("Digestive Health", "Gastroenterology Associates", "GI & Endoscopy Center"),
        ("K21.9", "K58.9", "R19.7", "D50.9", "Z12.11", "R10.9", "K57.30"),
        (("45378", "Colonoscopy, diagnostic"), ("43239", "EGD with biopsy")),
        (
            "chronic reflux despite PPI",
            "iron deficiency anemia",
            "change in bowel habits",
            "abdominal pain",
            "screening colonoscopy due",
        ),
        ("EGD/colonoscopy", "consult and endoscopy", "please evaluate", "screening colonoscopy"),
        (
            "Hemoglobin {hb} g/dL on {d}.",
            "Ferritin {k} ng/mL.",
            "Symptoms for {n} months.",
            "No family history of colon cancer.",
            "Weight stable.",
        ),
        (
            "pantoprazole 40 mg daily",
            "ferrous sulfate 325 mg daily",
            "dicyclomine 10 mg QID PRN",
            "famotidine 20 mg BID",
        ),
    ),
    "neuro": Theme(
        "Neurology",
        ("Neurology Associates", "Neuroscience Center", "Headache & Neurology Clinic"),
        ("G43.909", "G40.909", "R51.9", "R20.2", "G56.01", "G56.02", "G89.4"),
        (
            ("95907", "Nerve conduction studies, 1-2 studies"),
            ("95816", "EEG, awake and drowsy"),
            ("70553", "MRI brain with and without contrast"),
        ),
        (
            "frequent migraines",
            "new-onset seizure",
            "numbness and tingling in hands",
            "chronic daily headache",
        ),
        ("consult and EMG/NCS", "evaluate and manage", "neurology consult"),
        (
            "{n} headache days per month.",
            "MRI brain on {d} unremarkable.",
            "Failed {k} preventive medications.",
            "Symptoms worse at night.",
        ),
        (
            "topiramate 25 mg BID",
            "sumatriptan 50 mg PRN",
            "levetiracetam 500 mg BID",
            "nortriptyline 10 mg HS",
        ),
    ),
    "endo": Theme(
        "Endocrinology",
        ("Endocrine & Diabetes Center", "Endocrinology Associates", "Diabetes & Thyroid Clinic"),
        ("E11.65", "E05.90", "E03.9", "E04.1", "E28.2", "E66.01"),
        (("76536", "Ultrasound of soft tissues of head and neck"),),
        ("uncontrolled type 2 diabetes", "thyroid nodule", "low TSH", "irregular cycles and hirsutism"),
        ("evaluate and manage", "consider insulin pump", "FNA if indicated"),
        (
            "A1c {a1c}% on {d}.",
            "TSH {tsh} mIU/L.",
            "Nodule {k} cm on ultrasound.",
            "Weight up {lb} lb this year.",
        ),
        (
            "metformin 1000 mg BID",
            "insulin glargine 24 units nightly",
            "levothyroxine 75 mcg daily",
            "semaglutide 0.5 mg weekly",
        ),
    ),
    "derm": Theme(
        "Dermatology",
        ("Dermatology", "Skin & Laser Center", "Dermatology Associates"),
        ("L40.0", "D48.5", "L70.0", "L20.9", "D22.5", "L82.1"),
        (("11102", "Tangential biopsy of skin, single lesion"),),
        ("changing mole on back", "widespread plaques", "severe acne", "eczema not controlled"),
        ("evaluate and biopsy", "consider biologic therapy", "please see"),
        (
            "Lesion {k} mm, irregular border.",
            "Noted {n} months ago.",
            "Tried triamcinolone 0.1% without benefit.",
        ),
        ("triamcinolone 0.1% cream BID", "doxycycline 100 mg BID", "tretinoin 0.025% cream HS"),
    ),
}
FINDINGS = (
    "medial joint space narrowing",
    "moderate degenerative change",
    "no acute fracture",
    "osteophytes and subchondral sclerosis",
    "a small joint effusion",
)
ALLERGY_POOL = (
    "Penicillin",
    "Sulfa drugs",
    "Latex",
    "Codeine",
    "Shellfish",
    "Iodinated contrast",
    "Amoxicillin",
    "Morphine",
    "Peanuts",
    "Cephalexin",
    "Lisinopril",
    "Adhesive tape",
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def luhn_npi(rng: random.Random) -> str:
    """A 10-digit NPI whose check digit is valid under the 80840 card-issuer prefix."""
    base = str(rng.choice((1, 2))) + "".join(rng.choice(string.digits) for _ in range(8))
    total = 0
    for i, ch in enumerate(reversed("80840" + base)):
        d = int(ch) * (2 if i % 2 == 0 else 1)  # the check digit will be position 0, so double from here
        total += d - 9 if d > 9 else d
    return base + str((10 - total % 10) % 10)


class Phones:
    """Fictional numbers (NXX 555, line 0100-0199), never the same twice within one document."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def new(self, area: str | None = None) -> str:
        while True:
            area_code = area or self.rng.choice(CITIES)[3]
            num = f"{area_code}555{self.rng.randint(100, 199):04d}"
            if num not in self.used:
                self.used.add(num)
                return num


def _pick_last(rng: random.Random) -> str:
    return rng.choice(LAST_PARTICLE) if rng.random() < 0.12 else rng.choice(LAST)


def _address(
    rng: random.Random, city: tuple[str, str, str, str] | None = None, suite: bool = False, home: bool = True
) -> Address:
    c = city or rng.choice(CITIES)
    line1 = f"{rng.randint(12, 9899)} {rng.choice(STREET_NAMES)} {rng.choice(STREET_TYPES)}"
    if rng.random() < 0.12:
        line1 = f"{rng.randint(100, 20999)} {rng.choice(('N', 'S', 'E', 'W'))} {rng.choice(STREET_NAMES)} {rng.choice(STREET_TYPES)}"
    line2 = None
    if suite:
        line2 = rng.choice(("Suite ", "Ste ", "Bldg B, Suite ")) + str(rng.randint(100, 480))
    elif home and rng.random() < 0.25:
        line2 = rng.choice(UNITS)
    zip4 = f"{rng.randint(1000, 9999)}" if rng.random() < 0.2 else None
    return Address(line1, line2, c[0], c[1], c[2], zip4)


def make_patient(rng: random.Random, phones: Phones, age_range: tuple[int, int], today: date) -> Patient:
    sex = rng.choices(("F", "M", "X", "U"), weights=(48, 46, 4, 2))[0]
    pool = FIRST_F if sex == "F" else FIRST_M if sex == "M" else FIRST_X
    first = rng.choice(pool)
    r = rng.random()
    middle = (
        rng.choice(MIDDLE)
        if r < 0.35
        else rng.choice(string.ascii_uppercase.replace("X", ""))
        if r < 0.7
        else None
    )
    last = _pick_last(rng)
    suffix = rng.choice(SUFFIXES) if sex == "M" and rng.random() < 0.1 else None
    age_days = rng.randint(age_range[0] * 365 + 20, age_range[1] * 365 + 300)
    dob = today - timedelta(days=age_days)
    city = rng.choice(CITIES)
    email = None
    if rng.random() < 0.5:
        email = f"{first[0].lower()}{last.lower().replace(' ', '').replace(chr(39), '').replace('.', '').replace('-', '')}{rng.randint(1, 99)}@{rng.choice(EMAIL_HOSTS)}"
    mrn_style = rng.randrange(4)
    if mrn_style == 0:
        mrn = f"{rng.randint(10**7, 10**8 - 1)}"
    elif mrn_style == 1:
        mrn = f"{rng.choice('EMHK')}{rng.randint(10**6, 10**7 - 1)}"
    elif mrn_style == 2:
        mrn = f"{rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(100, 999)}"
    else:
        mrn = f"00{rng.randint(10**6, 10**7 - 1)}"
    pref = rng.choice(("Lupe", "Mimi", "Bo", "DJ", "Sunny", "Kit", "Nico")) if rng.random() < 0.25 else None
    return Patient(
        first,
        middle,
        last,
        suffix,
        dob,
        sex,
        _address(rng, city),
        phones.new(city[3]),
        email,
        mrn,
        rng.choice(LANGUAGES),
        pref,
    )


def make_provider(
    rng: random.Random,
    phones: Phones,
    specialty: str,
    org: str,
    creds: tuple[str, ...] = CREDENTIALS_MD,
    near: tuple[str, str, str, str] | None = None,
) -> Provider:
    city = near if near is not None and rng.random() < 0.75 else rng.choice(CITIES)
    first = rng.choice(FIRST_F + FIRST_M)
    return Provider(
        first,
        _pick_last(rng),
        rng.choice(creds),
        luhn_npi(rng),
        org,
        specialty,
        phones.new(city[3]),
        phones.new(city[3]),
        _address(rng, city, suite=rng.random() < 0.7, home=False),
    )


def org_name(rng: random.Random, words: tuple[str, ...]) -> str:
    return f"{rng.choice(ORG_PREFIX)} {rng.choice(words)}"


def member_id(rng: random.Random, payer: str) -> str:
    d = string.digits
    if payer == "Aetna":
        return "W" + "".join(rng.choice(d) for _ in range(9))
    if payer == "Blue Cross Blue Shield":
        return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3)) + "".join(
            rng.choice(d) for _ in range(9)
        )
    if payer == "Medicare":  # MBI shape: C A AN N A AN N A A N N
        al = "ACDEFGHJKMNPQRTUVWXY"
        an = al + d
        parts = [
            rng.choice("123456789"),
            rng.choice(al),
            rng.choice(an),
            rng.choice(d),
            rng.choice(al),
            rng.choice(an),
            rng.choice(d),
            rng.choice(al),
            rng.choice(al),
            rng.choice(d),
            rng.choice(d),
        ]
        return "".join(parts)
    if payer.startswith("Tricare"):
        return "".join(rng.choice(d) for _ in range(11))
    return rng.choice(("", "U", "M", "H")) + "".join(rng.choice(d) for _ in range(rng.choice((8, 9, 11))))


def make_coverage(
    rng: random.Random,
    patient: Patient,
    today: date,
    guardian: Guardian | None = None,
    medicaid: bool = False,
    not_payer: str | None = None,
) -> Coverage:
    if medicaid:
        payer, plan, pid = "Medicaid", rng.choice(MEDICAID_MCOS), "SKMCD"
        mid = "".join(rng.choice(string.digits) for _ in range(rng.choice((9, 10, 12))))
    else:
        payer, plans, pid = rng.choice([x for x in PAYERS if x[0] != not_payer])
        plan = rng.choice(plans)
        mid = member_id(rng, payer)
    group = None
    if payer not in ("Medicare", "Medicaid") and rng.random() < 0.85:
        group = rng.choice(
            (
                f"{rng.randint(10000, 999999)}",
                f"{rng.randint(100, 999)}{rng.choice('ABCK')}{rng.randint(10, 99)}",
                f"GRP{rng.randint(1000, 99999)}",
            )
        )
    if guardian is not None:
        sub, rel, sdob = f"{guardian.first} {guardian.last}", "Child", guardian.dob
    elif rng.random() < 0.2 and not medicaid:
        spouse_first = rng.choice(FIRST_F + FIRST_M)
        sdob = patient.dob + timedelta(days=rng.randint(-2500, 2500))
        sub, rel = f"{spouse_first} {patient.last}", "Spouse"
    else:
        sub, rel, sdob = f"{patient.first} {patient.last}", "Self", patient.dob
    return Coverage(payer, plan, pid, mid, group, sub, rel, sdob)


def _fill(rng: random.Random, template: str, today: date, age: int, extra: dict[str, str]) -> str:
    side = rng.choice(("right", "left"))
    values = {
        "side": extra.get("side", side),
        "n": str(rng.randint(2, 18)),
        "k": str(rng.randint(2, 8)),
        "p": str(rng.randint(4, 9)),
        "bmi": f"{rng.uniform(24, 44):.1f}",
        "ess": str(rng.randint(9, 20)),
        "neck": str(rng.randint(15, 19)),
        "sb": str(rng.randint(3, 7)),
        "bp": f"{rng.randint(128, 162)}/{rng.randint(78, 98)}",
        "phq": str(rng.randint(10, 22)),
        "gad": str(rng.randint(8, 19)),
        "rel": rng.choice(("mother", "grandmother", "father", "aunt")),
        "med": rng.choice(("sertraline", "fluoxetine", "escitalopram")),
        "lb": str(rng.randint(6, 14)),
        "ef": str(rng.randint(20, 40)),
        "tr": f"{rng.uniform(0.3, 9):.2f}",
        "cr": f"{rng.uniform(0.9, 2.1):.1f}",
        "hb": f"{rng.uniform(8.1, 11.2):.1f}",
        "a1c": f"{rng.uniform(8.2, 11.9):.1f}",
        "tsh": f"{rng.uniform(0.01, 0.2):.2f}",
        "finding": rng.choice(FINDINGS),
        "month": rng.choice(MONTHS),
        "d": (today - timedelta(days=rng.randint(10, 120))).strftime("%m/%d/%Y"),
    }
    values.update({k: v for k, v in extra.items() if k in ("bmi", "ess", "neck")})  # one patient, one BMI
    return template.format(**values)


def make_case(
    rng: random.Random,
    theme_name: str,
    today: date,
    age_range: tuple[int, int] = (22, 88),
    guardian: bool = False,
    medicaid: bool = False,
) -> Case:
    th = THEMES[theme_name]
    phones = Phones(rng)
    ref_date = today - timedelta(days=rng.randint(0, 150))
    patient = make_patient(rng, phones, age_range, ref_date)
    age = (ref_date - patient.dob).days // 365
    g = None
    if guardian:
        g = Guardian(
            rng.choice(FIRST_F + FIRST_M),
            patient.last if rng.random() < 0.7 else _pick_last(rng),
            rng.choice(("Mother", "Father", "Grandmother", "Legal guardian", "Foster parent", "Aunt")),
            phones.new(),
            patient.dob - timedelta(days=rng.randint(20 * 365, 45 * 365)),
        )
    referring_org = org_name(rng, ORG_PRIMARY)
    home = next(c for c in CITIES if c[0] == patient.address.city and c[1] == patient.address.state)
    referring = make_provider(
        rng,
        phones,
        rng.choice(("Family Medicine", "Internal Medicine", "Pediatrics"))
        if theme_name != "cardio"
        else "Hospital Medicine",
        referring_org,
        CREDENTIALS_MD + CREDENTIALS_MID[:2] if rng.random() < 0.8 else CREDENTIALS_MID,
        home,
    )
    referred = make_provider(rng, phones, th.specialty, org_name(rng, th.org_words), th.referred_creds, home)
    insurance = [make_coverage(rng, patient, today, g, medicaid)]
    if not medicaid and g is None and rng.random() < 0.25:
        insurance.append(make_coverage(rng, patient, today, not_payer=insurance[0].payer))
    n_dx = rng.choice((1, 1, 2, 2, 3))
    codes = rng.sample(th.dx, min(n_dx, len(th.dx)))
    dx = [(c, str(icd.get_description(c))) for c in codes if icd.is_valid_item(c) and icd.is_leaf(c)]
    first = dx[0][1].lower()
    side = "right" if "right" in first else "left" if "left" in first else rng.choice(("right", "left"))
    other = "left" if side == "right" else "right"
    dx = dx[:1] + [d for d in dx[1:] if other not in d[1].lower()]  # one side per referral
    region = next((r for r in ("knee", "shoulder", "elbow", "hand", "back", "leg") if r in first), "")
    if "thumb" in first or "styloid" in first or "palmar" in first:
        region = "hand"
    procs = rng.sample(th.procs, rng.choice((0, 1, 1, 2)) if len(th.procs) > 1 else 1)
    extra = {
        "side": side,
        "region": region,
        "bmi": f"{rng.uniform(24, 44):.1f}",
        "ess": str(rng.randint(9, 20)),
        "neck": str(rng.randint(15, 19)),
    }
    problems = [p for p in th.problems if region and region in p] or list(th.problems)
    problem = _fill(rng, rng.choice(problems), today, age, extra)
    ask = rng.choice(th.asks)
    reason = rng.choice(
        (
            f"{problem[0].upper()}{problem[1:]} - {ask}",
            f"{ask[0].upper()}{ask[1:]}: {problem}",
            f"{problem[0].upper()}{problem[1:]}, {ask}",
        )
    )
    sentences = rng.sample(th.history, min(len(th.history), rng.randint(2, 4)))
    summary = " ".join(_fill(rng, s, today, age, extra) for s in sentences)
    summary = f"{age}-year-old with {problem}. " + summary
    meds = rng.sample(th.meds, rng.randint(0, min(4, len(th.meds))))
    allergies = rng.sample(ALLERGY_POOL, rng.choice((0, 0, 1, 1, 2)))
    auth = rng.choice(
        (
            f"PA{rng.randint(10**7, 10**8 - 1)}",
            f"{rng.randint(2025, 2026)}-{rng.randint(100000, 999999)}",
            f"AUTH{rng.randint(10**5, 10**6 - 1)}{rng.choice('ABCDEFGH')}",
            f"{rng.randint(10**9, 10**10 - 1)}",
        )
    )
    urgency = rng.choices(("routine", "urgent", "stat"), weights=(70, 25, 5))[0]
    return Case(
        patient,
        referring,
        referred,
        insurance,
        ref_date,
        urgency,
        reason,
        dx,
        list(procs),
        auth,
        summary,
        meds,
        allergies,
        theme_name,
        g,
        extra,
    )
