"""Label lexicon: the words forms use for each contract field (synonyms, abbreviations) and section headers.

A label maps to a generic `key` (name, dob, npi...) and, when the words say whose it is ("Patient DOB",
"Referring NPI"), a `role`. Sections decide the role of role-less labels ("Name:" under "Referred To").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Sections about someone or something else (an emergency contact's phone is not the patient's).
OTHER = "other"

# Roles: whose value a label carries. "referral" holds the referral's own facts (date, reason, codes).
PATIENT, INSURANCE, INSURANCE2, REFERRING, REFERRED_TO, REFERRAL = (
    "patient",
    "insurance",
    "insurance2",
    "referring",
    "referred_to",
    "referral",
)

# Generic field keys and their label phrases (already normalized: lower case, '#' -> 'number').
KEYS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "name last first", "name last first mi", "name first last", "member name",
             "legal name", "name last first middle"),
    "first_name": ("first name", "first", "given name", "fname", "first nm"),
    "last_name": ("last name", "last", "surname", "family name", "lname", "last nm"),
    "middle_name": ("middle name", "middle", "mi", "middle initial", "m i"),
    "suffix": ("suffix", "name suffix"),
    "dob": ("dob", "date of birth", "birth date", "birthdate", "born", "birthday", "d o b"),
    "sex": ("sex", "gender", "sex at birth", "legal sex", "administrative sex", "sex gender", "gender sex"),
    "address": ("address", "street address", "street", "address line 1", "addr", "mailing address",
                "home address", "address 1", "residence"),
    "address2": ("address line 2", "address 2", "apt", "suite", "apt suite", "unit"),
    "city": ("city", "town"),
    "state": ("state", "st"),
    "zip": ("zip", "zip code", "postal code", "zipcode", "postcode", "zip postal code"),
    "csz": ("city state zip", "city state zip code", "city st zip", "city state postal code"),
    "phone": ("phone", "phone number", "telephone", "tel", "ph", "home phone", "cell", "cell phone", "mobile",
              "mobile phone", "contact number", "phone number home", "daytime phone", "contact phone",
              "primary phone", "office phone", "callback number", "call back number", "work phone",
              "home ph", "cell ph", "work ph", "phone home", "phone cell", "tel number", "telephone number"),
    "fax": ("fax", "fax number", "facsimile", "fax no", "secure fax", "office fax", "return fax"),
    "email": ("email", "e mail", "email address"),
    "mrn": ("mrn", "medical record number", "medical record", "chart number", "chart", "patient id",
            "record number", "mr number", "chart id", "patient number", "mrn number", "emr number", "ehr id"),
    "language": ("preferred language", "language", "primary language", "spoken language"),
    "npi": ("npi", "npi number", "national provider identifier", "npi id", "individual npi"),
    "credentials": ("credentials", "credential", "degree", "title"),
    "organization": ("practice", "clinic", "organization", "facility", "practice name", "clinic name",
                     "group practice", "office", "hospital", "location", "facility name", "office name"),
    "specialty": ("specialty", "speciality", "department", "dept", "service", "specialty requested",
                  "requested specialty", "specialty service", "taxonomy"),
    "payer": ("insurance", "insurance name", "payer", "payor", "carrier", "insurance company", "health plan",
              "insurance carrier", "insurer", "payer name", "payor name", "insurance plan", "plan name payer"),
    "payer_id": ("payer id", "payor id", "payer number", "eligibility payer id"),
    "plan": ("plan", "plan name", "plan type", "product", "coverage type", "benefit plan"),
    "member_id": ("member id", "member number", "subscriber id", "policy number", "policy", "id number",
                  "insurance id", "policy id", "member", "id", "identification number", "member id number",
                  "subscriber number", "cert number", "policy no", "ins id", "medicaid id", "medicare id",
                  "mbi", "medicare number", "medicaid number", "policy member id", "member policy id"),
    "group": ("group", "group number", "group id", "grp", "grp number", "group no", "employer group"),
    "subscriber": ("subscriber", "subscriber name", "policy holder", "policyholder", "insured", "insured name",
                   "guarantor", "policy holder name", "policyholder name", "cardholder", "insured person"),
    "relationship": ("relationship", "relationship to subscriber", "relationship to insured",
                     "patient relationship", "relation", "relationship to patient", "rel to subscriber",
                     "relationship to policy holder", "patient relationship to insured",
                     "pt relationship to subscriber", "pt relationship to insured", "patient relationship to subscriber",
                     "relationship to member", "pt relationship", "rel to pt", "rel to patient", "rel to subscriber",
                     "rel to insured", "relationship to pt", "rel"),
    "subscriber_dob": ("subscriber dob", "subscriber date of birth", "insured dob", "policy holder dob",
                       "insured date of birth", "policyholder dob"),
    "date": ("date", "referral date", "date of referral", "date referred", "todays date", "request date",
             "date sent", "date of request", "order date", "date ordered", "date written", "sent",
             "date signed", "referral sent"),
    "urgency": ("urgency", "priority", "urgency level", "referral priority", "priority level", "referral type"),
    "reason": ("reason", "reason for referral", "reason for consult", "referral reason", "reason for visit",
               "chief complaint", "reason for consultation", "consult reason", "presenting problem",
               "reason for request", "referral for", "request", "question", "consult question",
               "clinical question", "services needed", "evaluate and treat for"),
    "diagnosis": ("diagnosis", "diagnoses", "dx", "icd 10", "icd10", "icd", "diagnosis code", "dx code",
                  "icd 10 code", "icd 10 cm", "diagnosis codes", "icd codes", "icd 10 codes", "dx codes",
                  "primary diagnosis", "secondary diagnosis", "diagnosis icd 10", "diagnosis s",
                  "working diagnosis", "problem", "indication", "relevant diagnoses", "pertinent diagnoses",
                  "problem list", "active problems", "impression", "diagnoses icd 10", "dx icd 10", "icd 10 dx"),
    "procedure": ("procedure", "cpt", "cpt code", "procedure code", "services requested", "service requested",
                  "hcpcs", "cpt codes", "procedures", "procedure codes", "cpt hcpcs", "requested procedure",
                  "requested service", "requested services", "order", "procedure requested", "cpt s"),
    "auth": ("authorization", "auth", "authorization number", "auth number", "prior auth", "prior authorization",
             "pa number", "auth id", "authorization id", "prior auth number", "prior authorization number",
             "authorization code", "auth code", "referral authorization", "precert", "pre cert number",
             "pre authorization", "preauthorization number", "approval number", "auth ref"),
    "summary": ("clinical summary", "clinical notes", "history", "hpi", "history of present illness",
                "clinical information", "notes", "comments", "assessment", "clinical history",
                "pertinent history", "summary", "clinical notes summary", "brief history", "clinical details",
                "additional information", "clinical findings", "relevant history"),
    "description": ("description", "desc", "diagnosis description", "procedure description", "code description",
                    "service description", "descriptor"),
    "medications": ("medications", "current medications", "meds", "medication list", "current meds",
                    "active medications", "medication"),
    "allergies": ("allergies", "allergy", "drug allergies", "known allergies", "allergies reactions",
                  "medication allergies", "nkda"),
}  # fmt: skip

# Role prefixes that can stand before a key phrase ("Patient DOB", "Referring Provider NPI").
ROLE_PREFIXES: dict[str, tuple[str, ...]] = {
    PATIENT: ("patient", "pt", "patients", "patient s", "client", "member s"),
    INSURANCE: ("insurance", "primary insurance", "ins", "primary", "insurance 1", "primary ins"),
    INSURANCE2: ("secondary insurance", "secondary", "insurance 2", "secondary ins"),
    REFERRING: ("referring", "referring provider", "referring physician", "referring doctor", "referring dr",
                "referring clinician", "ordering", "ordering provider", "ordering physician", "requesting",
                "requesting provider", "requesting physician", "sending provider", "pcp", "primary care",
                "primary care physician", "primary care provider", "referred by", "referring md", "from",
                "referring practice", "referring office", "referring clinic", "referring facility",
                "ref provider", "ref"),
    REFERRED_TO: ("referred to", "refer to", "receiving", "receiving provider", "consultant", "consulting",
                  "specialist", "to", "referral to", "referring to", "consulting provider", "receiving physician",
                  "referred to provider", "referred to physician", "rendering provider", "servicing provider",
                  "receiving practice", "consultant provider", "referred to practice", "referred to clinic",
                  "servicing", "rendering", "treating", "specialist s", "accepting", "accepting provider"),
    REFERRAL: ("referral",),
}  # fmt: skip

# Labels that name a person by role alone ("Referring Provider: Dr. X", "Patient: Jane Doe").
ROLE_NAME_LABELS: dict[str, tuple[str, ...]] = {
    PATIENT: ("patient", "patient name", "pt", "pt name", "name of patient", "patient full name", "client",
              "re", "regarding", "patient legal name", "patient s name", "patients name"),
    REFERRING: ("referring provider", "referring physician", "referring doctor", "referred by", "referring",
                "ordering provider", "ordering physician", "requesting provider", "requesting physician",
                "from", "referring clinician", "pcp", "primary care physician", "primary care provider",
                "referring md", "provider", "physician", "signed", "electronically signed by", "signature",
                "referring provider name", "referring physician name", "sending provider", "attending"),
    REFERRED_TO: ("referred to", "refer to", "consultant", "specialist", "to", "receiving provider",
                  "referral to", "referring to", "consulting provider", "consulting physician", "attention", "attn",
                  "referred to provider", "referred to physician", "receiving physician", "rendering provider",
                  "servicing provider", "requested provider", "provider requested", "specialist name"),
    INSURANCE: ("insurance", "primary insurance", "insurance carrier", "carrier", "payer", "health plan",
                "insurance company", "payor", "primary payer", "insurance name"),
    INSURANCE2: ("secondary insurance", "secondary payer", "secondary carrier", "secondary"),
}  # fmt: skip

# Section headers: a line holding only these words starts a region whose labels belong to that role.
SECTIONS: dict[str, tuple[str, ...]] = {
    PATIENT: ("patient information", "patient", "patient demographics", "patient details", "patient info",
              "demographics", "patient data", "about the patient", "patient identification", "patient section",
              "member information", "patient demographic information", "patient contact information"),
    INSURANCE: ("insurance", "insurance information", "primary insurance", "coverage", "payer information",
                "insurance details", "insurance info", "billing information", "insurance coverage",
                "health insurance", "coverage information", "insurance billing", "primary coverage"),
    INSURANCE2: ("secondary insurance", "secondary coverage", "secondary insurance information"),
    REFERRING: ("referring provider", "referring physician", "referring provider information", "referred by",
                "referring physician information", "ordering provider", "requesting provider", "from",
                "referring practice", "referring office", "referring clinician", "sender", "referring",
                "ordering physician", "referring provider details", "provider information referring",
                "referral source", "pcp information", "primary care provider", "sending provider"),
    REFERRED_TO: ("referred to", "refer to", "referral to", "consultant", "specialist", "receiving provider",
                  "referred to provider", "consulting provider", "referred to information", "to",
                  "specialist information", "receiving provider information", "consultant information",
                  "referred to physician", "specialty provider", "service provider", "recipient",
                  "referral destination", "destination"),
    REFERRAL: ("referral information", "referral details", "reason for referral", "clinical information",
               "diagnosis", "diagnoses", "services requested", "clinical", "referral", "referral request",
               "diagnosis codes", "procedures", "requested services", "clinical summary", "clinical notes",
               "medical information", "referral reason", "history", "clinical history", "order details",
               "request details", "authorization", "diagnosis information", "diagnosis procedures"),
}  # fmt: skip

SECTIONS[OTHER] = (
    "emergency contact", "emergency contacts", "next of kin", "guarantor", "guarantor information",
    "responsible party", "pharmacy", "preferred pharmacy", "encounter", "vitals", "vital signs", "employer",
    "emergency contact information", "contact person", "caregiver", "legal guardian", "parent guardian",
    "family history", "social history", "review of systems", "physical exam", "physical examination",
)  # fmt: skip

# Keys a role can own; a key outside its role's set is re-homed by `default_role`.
ROLE_KEYS: dict[str, frozenset[str]] = {
    PATIENT: frozenset({"name", "first_name", "last_name", "middle_name", "suffix", "dob", "sex", "address",
                        "address2", "city", "state", "zip", "csz", "phone", "email", "mrn", "language"}),
    INSURANCE: frozenset({"payer", "payer_id", "plan", "member_id", "group", "subscriber", "relationship",
                          "subscriber_dob", "name"}),
    REFERRING: frozenset({"name", "first_name", "last_name", "credentials", "npi", "organization", "specialty",
                          "phone", "fax", "address", "address2", "city", "state", "zip", "csz"}),
    REFERRAL: frozenset({"date", "urgency", "reason", "diagnosis", "procedure", "auth", "summary",
                         "medications", "allergies"}),
}  # fmt: skip
ROLE_KEYS[INSURANCE2] = ROLE_KEYS[INSURANCE]
ROLE_KEYS[REFERRED_TO] = ROLE_KEYS[REFERRING]

# Whose a role-less key is when no section says otherwise (a DOB is a patient's; an NPI is unclear).
DEFAULT_ROLE: dict[str, str] = {
    "dob": PATIENT, "sex": PATIENT, "mrn": PATIENT, "language": PATIENT, "email": PATIENT,
    "payer": INSURANCE, "payer_id": INSURANCE, "plan": INSURANCE, "member_id": INSURANCE, "group": INSURANCE,
    "subscriber": INSURANCE, "relationship": INSURANCE, "subscriber_dob": INSURANCE,
    "date": REFERRAL, "urgency": REFERRAL, "reason": REFERRAL, "diagnosis": REFERRAL, "procedure": REFERRAL,
    "auth": REFERRAL, "summary": REFERRAL, "medications": REFERRAL, "allergies": REFERRAL,
    "credentials": REFERRING, "specialty": REFERRED_TO,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Label:
    key: str
    role: str | None  # stated by the label's own words; None = from the section or the default
    strength: float  # how specific the words are (1.0 "Patient DOB", 0.6 a lone "ID")
    words: int


def norm_label(text: str) -> str:
    """Lower case, '#'/'no.' -> 'number', punctuation dropped: "Pt. D.O.B.:" -> "pt dob"."""
    t = text.lower().replace("’", "'")
    t = re.sub(r"\bno\.(?=\s|$)", " number", t)
    t = t.replace("#", " number ")
    t = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", t)  # D.O.B. -> DOB.
    t = re.sub(r"\b([a-z])\.([a-z])\.?", r"\1\2", t)
    t = re.sub(r"[^a-z0-9 ]+", " ", t)
    # OCR reads I as 1 and O as 0 inside words ("1CD-10", "D0B"); abbreviations of "number" are unified.
    t = " ".join(_ABBREV.get(tok, tok) for tok in (_ocr_letters(x) for x in t.split()))
    return re.sub(r"\bnumber number\b", "number", t)


_ABBREV = {"no": "number", "nbr": "number", "num": "number", "nr": "number"}
_OCR_DIGITS = str.maketrans({"1": "i", "0": "o", "5": "s", "8": "b"})


def _ocr_letters(tok: str) -> str:
    letters = sum(c.isalpha() for c in tok)
    if letters and letters >= len(tok) - letters:
        return tok.translate(_OCR_DIGITS)
    return tok


_WEAK = frozenset({"id", "member", "first", "last", "middle", "st", "born", "order", "problem", "indication",
                   "request", "question", "sent", "title", "office", "location", "service", "to", "from",
                   "notes", "comments", "history", "signed", "signature", "provider", "physician", "unit",
                   "product", "town", "relation", "attending", "re", "regarding", "chart", "policy", "plan",
                   "secondary", "primary", "assessment", "summary", "medication", "degree", "department",
                   "dept", "residence", "client", "pt", "insurance", "referring"})  # fmt: skip


@lru_cache(maxsize=1)
def label_table() -> dict[str, Label]:
    """Every normalized label phrase -> Label, built from keys x role prefixes plus whole-role name labels."""
    table: dict[str, Label] = {}

    def add(phrase: str, key: str, role: str | None, strength: float) -> None:
        old = table.get(phrase)
        if old is None or strength > old.strength:
            table[phrase] = Label(key, role, strength, len(phrase.split()))

    for key, phrases in KEYS.items():
        for p in phrases:
            add(p, key, None, 0.55 if p in _WEAK else 0.8)
            for role, prefixes in ROLE_PREFIXES.items():
                if key not in ROLE_KEYS.get(role, frozenset()) and not (role == REFERRAL and key in {"date"}):
                    continue
                for pre in prefixes:
                    strength = 0.7 if pre in _WEAK or p in _WEAK else 1.0
                    add(f"{pre} {p}", key, role if role != REFERRAL else REFERRAL, strength)
    for role, phrases in ROLE_NAME_LABELS.items():
        key = "payer" if role in (INSURANCE, INSURANCE2) else "name"
        for p in phrases:
            # A bare "Payer:" is primary only by default: under "Secondary Insurance" it is the second payer.
            owner = None if role == INSURANCE and not p.startswith("primary") else role
            add(p, key, owner, 0.6 if p in _WEAK else 0.9)
    # "Provider NPI", "Physician Phone", "Office Fax": a provider's, but whose depends on the section.
    for key in ("npi", "phone", "fax", "address", "name", "organization", "specialty", "credentials", "csz"):
        for p in KEYS[key]:
            for pre in (
                "provider",
                "physician",
                "doctor",
                "dr",
                "office",
                "clinic",
                "practice",
                "md",
                "prescriber",
            ):
                add(f"{pre} {p}", key, None, 0.8)
    # The insurance member's own id labels are specific even without a role word.
    for p in ("member id", "subscriber id", "policy number", "group number", "medicaid id", "medicare id"):
        lab = table[p]
        table[p] = Label(lab.key, None, 1.0, lab.words)  # whose coverage: the section (primary/secondary)
    return table


@lru_cache(maxsize=1)
def section_table() -> dict[str, str]:
    out: dict[str, str] = {}
    for role, phrases in SECTIONS.items():
        for p in phrases:
            out[p] = role
    return out


MAX_LABEL_WORDS = 7


def match_label(text: str) -> Label | None:
    return label_table().get(norm_label(text))


def match_section(text: str) -> str | None:
    return section_table().get(norm_label(text))


# Specialties a referral is sent to (used to validate a "specialty" value and to read "referral to X").
SPECIALTIES = frozenset(
    [
        "allergy immunology anesthesiology audiology cardiology cardiothoracic surgery colorectal surgery dermatology",
        "    endocrinology gastroenterology general surgery genetics geriatrics gynecology hematology hepatology",
        "    infectious disease internal medicine nephrology neurology neurosurgery obstetrics ob/gyn obstetrics and gynecology",
        "    oncology hematology/oncology ophthalmology optometry orthopedics orthopaedics orthopedic surgery",
        "    otolaryngology ent pain management pain medicine pediatrics physical therapy occupational therapy",
        "    physical medicine physiatry plastic surgery podiatry psychiatry psychology pulmonology pulmonary medicine",
        "    radiology rheumatology sleep medicine speech therapy sports medicine urology vascular surgery",
        "    behavioral health cardiac surgery electrophysiology interventional cardiology maternal fetal medicine",
        "    neuropsychology nutrition palliative care wound care bariatric surgery hand surgery spine surgery",
        "    breast surgery surgical oncology radiation oncology medical oncology pediatric cardiology",
        "    pediatric endocrinology pediatric neurology pediatric gastroenterology",
    ]
)


def is_specialty(text: str) -> bool:
    t = re.sub(r"[^a-z/ ]", " ", text.lower())
    t = re.sub(r"\s+", " ", t).strip()
    return t in _SPECIALTY_SET


_SPECIALTY_SET = frozenset(
    w
    for line in SPECIALTIES
    for w in [*(x.strip() for x in re.split(r"\s{2,}", line)), *line.split()]
    if w
) | frozenset({
    "allergy and immunology", "allergy/immunology", "cardiothoracic surgery", "colorectal surgery",
    "general surgery", "infectious disease", "internal medicine", "orthopedic surgery", "pain management",
    "physical therapy", "occupational therapy", "physical medicine and rehabilitation", "plastic surgery",
    "pulmonary medicine", "sleep medicine", "speech therapy", "sports medicine", "vascular surgery",
    "behavioral health", "maternal fetal medicine", "wound care", "bariatric surgery", "hand surgery",
    "spine surgery", "radiation oncology", "medical oncology", "pediatric cardiology", "pulmonary",
    "gastroenterology and hepatology", "ear nose and throat", "ear nose throat", "obstetrics and gynecology",
    "hematology oncology", "hematology/oncology", "neuro surgery", "orthopaedic surgery", "pain medicine",
    "family medicine", "mental health", "pulmonology and sleep medicine", "cardiovascular disease",
})  # fmt: skip


_ORG_RE = re.compile(
    r"(?i)\b(clinic|practice|medical|medicine|health|healthcare|associates|center|centre|group|physicians|hospital|"
    r"partners|specialists|specialty|institute|services|llc|pllc|inc|care|system|department|dept|office|"
    r"university|associated|consultants|network|therapy|surgery|surgical|imaging|laboratory|pediatrics|"
    r"[a-z]+ology|orthopa?edics|urgent)\b"
)


def looks_like_org(text: str) -> bool:
    """ "Cedar Creek Pulmonology" is a practice, not a person named Cedar Pulmonology."""
    return bool(_ORG_RE.search(text))


_PAYERS = re.compile(
    r"(?i)^(humana|aetna|cigna|unitedhealthcare|united healthcare|uhc|anthem|blue cross|blue shield|bcbs|"
    r"kaiser|molina|centene|wellcare|ambetter|oscar|tricare|medicare|medicaid|highmark|carefirst|"
    r"health net|healthnet|amerigroup|caresource|emblemhealth|oxford|tufts|harvard pilgrim|geisinger)\b"
)


def is_payer(text: str) -> bool:
    """Does this text start with a well-known US payer's name (a letterhead or a card)?"""
    return bool(_PAYERS.match(text.strip()))
