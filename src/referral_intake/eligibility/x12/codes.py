"""Code lists of 005010X279A1 that the 270 builder and 271 parser need, with plain-language meanings.

Only the codes a physician practice meets are listed; unknown codes pass through with a generic meaning.
"""

from __future__ import annotations

import re

# EB01 eligibility or benefit information.
EB01: dict[str, str] = {
    "1": "active coverage",
    "2": "active coverage - full risk capitation",
    "3": "active coverage - services capitated",
    "4": "active coverage - services capitated to primary care physician",
    "5": "active coverage - pending investigation",
    "6": "inactive coverage",
    "7": "inactive - pending eligibility update",
    "8": "inactive - pending investigation",
    "A": "co-insurance",
    "B": "co-payment",
    "C": "deductible",
    "CB": "coverage basis",
    "D": "benefit description",
    "E": "exclusions",
    "F": "limitations",
    "G": "out of pocket (stop loss)",
    "H": "unlimited",
    "I": "non-covered",
    "J": "cost containment",
    "K": "reserve",
    "L": "primary care provider",
    "M": "pre-existing condition",
    "MC": "managed care coordinator",
    "N": "services restricted to following provider",
    "O": "not deemed a medical necessity",
    "P": "benefit disclaimer",
    "Q": "second surgical opinion required",
    "R": "other or additional payer",
    "S": "prior year(s) history",
    "T": "card(s) reported lost/stolen",
    "U": "contact following entity for eligibility or benefit information",
    "V": "cannot process",
    "W": "other source of data",
    "X": "health care facility",
    "Y": "spend down",
}
ACTIVE_EB01 = frozenset({"1", "2", "3", "4", "5"})
INACTIVE_EB01 = frozenset({"6", "7", "8"})

# AAA03 reject reason codes, with the plain reason a reviewer reads.
AAA_REASONS: dict[str, str] = {
    "04": "authorized quantity exceeded",
    "15": "required application data missing",
    "33": "input errors",
    "35": "out of network",
    "41": "authorization/access restrictions",
    "42": "payer unavailable",
    "43": "invalid or missing provider ID",
    "44": "invalid or missing provider name",
    "45": "invalid or missing provider specialty",
    "46": "invalid or missing provider phone number",
    "47": "invalid or missing provider state",
    "48": "invalid or missing referring provider ID",
    "49": "provider is not primary care physician",
    "50": "provider not eligible for inquiries with this payer",
    "51": "provider not on file",
    "52": "service dates not within provider plan enrollment",
    "53": "inquired benefit inconsistent with provider type",
    "54": "inappropriate product/service ID qualifier",
    "55": "inappropriate product/service ID",
    "56": "inappropriate date",
    "57": "invalid or missing date of service",
    "58": "invalid or missing date of birth",
    "60": "date of birth follows date of service",
    "61": "date of death precedes date of service",
    "62": "date of service not within allowable inquiry period",
    "63": "date of service in future",
    "64": "invalid or missing patient ID",
    "65": "invalid or missing patient name",
    "66": "invalid or missing patient gender",
    "67": "patient not found",
    "68": "duplicate patient ID",
    "69": "inconsistent with patient's age",
    "70": "inconsistent with patient's gender",
    "71": "date of birth does not match payer's records",
    "72": "invalid member ID",
    "73": "invalid subscriber name",
    "74": "invalid or missing subscriber gender",
    "75": "subscriber not found",
    "76": "duplicate member ID",
    "77": "subscriber found, patient not found",
    "78": "subscriber not in group/plan identified",
    "79": "invalid participant identification",
    "80": "payer did not respond",
    "97": "invalid or missing provider address",
    "T4": "payer name or identifier missing",
}

# AAA04 follow-up action.
AAA_FOLLOW_UP: dict[str, str] = {
    "C": "correct and resubmit",
    "N": "resubmission not allowed",
    "P": "resubmit original transaction",
    "R": "resubmission allowed",
    "S": "do not resubmit; inquiry initiated to a third party",
    "W": "wait 30 days and resubmit",
    "X": "wait 10 days and resubmit",
    "Y": "do not resubmit; we will hand deliver",
}

# EQ01/EB03 service type codes (subset).
SERVICE_TYPES: dict[str, str] = {
    "1": "medical care",
    "2": "surgical",
    "4": "diagnostic x-ray",
    "5": "diagnostic lab",
    "12": "durable medical equipment purchase",
    "30": "health benefit plan coverage",
    "33": "chiropractic",
    "35": "dental care",
    "42": "home health care",
    "47": "hospital",
    "48": "hospital - inpatient",
    "50": "hospital - outpatient",
    "73": "diagnostic medical",
    "76": "dialysis",
    "78": "chemotherapy",
    "86": "emergency services",
    "88": "pharmacy",
    "93": "podiatry",
    "98": "professional (physician) visit - office",
    "A4": "psychiatric",
    "A6": "psychotherapy",
    "AD": "occupational therapy",
    "AE": "physical medicine",
    "AF": "speech therapy",
    "AL": "vision (optometry)",
    "BG": "cardiac rehabilitation",
    "BH": "pediatric",
    "BJ": "skin",
    "BK": "orthopedic",
    "BL": "cardiac",
    "BN": "gastrointestinal",
    "BP": "endocrine",
    "BQ": "neurology",
    "BR": "eye",
    "BT": "gynecological",
    "BU": "obstetrical",
    "BV": "obstetrical/gynecological",
    "MH": "mental health",
    "PT": "physical therapy",
    "UC": "urgent care",
}

# Referred-to specialty (as written, lower case, after the aliases below) -> the specialty's service types.
SPECIALTY_SERVICE_TYPES: dict[str, tuple[str, ...]] = {
    "cardiology": ("BL",),
    "orthopedics": ("BK",),
    "dermatology": ("BJ",),
    "physical therapy": ("PT", "AE"),
    "occupational therapy": ("AD",),
    "speech therapy": ("AF",),
    "neurology": ("BQ",),
    "gastroenterology": ("BN",),
    "endocrinology": ("BP",),
    "ophthalmology": ("BR",),
    "optometry": ("AL",),
    "psychiatry": ("A4", "MH"),
    "behavioral health": ("MH",),
    "podiatry": ("93",),
    "chiropractic": ("33",),
    "obstetrics and gynecology": ("BV",),
    "gynecology": ("BT",),
    "oncology": ("78",),
    "pediatrics": ("BH",),
    "radiology": ("4",),
}
_SPECIALTY_ALIASES: dict[str, str] = {
    "cardiac": "cardiology",
    "cardiologist": "cardiology",
    "orthopedic": "orthopedics",
    "orthopaedics": "orthopedics",
    "orthopaedic": "orthopedics",
    "ortho": "orthopedics",
    "orthopedic surgery": "orthopedics",
    "dermatologist": "dermatology",
    "derm": "dermatology",
    "pt": "physical therapy",
    "physiotherapy": "physical therapy",
    "physical medicine and rehabilitation": "physical therapy",
    "ot": "occupational therapy",
    "neurologist": "neurology",
    "gi": "gastroenterology",
    "endocrine": "endocrinology",
    "eye": "ophthalmology",
    "mental health": "behavioral health",
    "ob/gyn": "obstetrics and gynecology",
    "obgyn": "obstetrics and gynecology",
    "hematology/oncology": "oncology",
}


def specialty_service_types(specialty: str | None) -> tuple[str, ...]:
    """Service type codes for a specialty as written ("Orthopaedic Surgery" -> BK); () when unknown."""
    if not specialty:
        return ()
    key = re.sub(r"\s+", " ", specialty.strip().lower())
    key = _SPECIALTY_ALIASES.get(key, key)
    if key in SPECIALTY_SERVICE_TYPES:
        return SPECIALTY_SERVICE_TYPES[key]
    for name, codes in SPECIALTY_SERVICE_TYPES.items():  # "Pediatric Cardiology" -> cardiology
        if name in key:
            return codes
    for alias, name in _SPECIALTY_ALIASES.items():
        if len(alias) > 3 and alias in key:
            return SPECIALTY_SERVICE_TYPES[name]
    return ()


# Patient's relationship to the subscriber: as written -> INS02 individual relationship code.
RELATIONSHIPS: dict[str, str] = {
    "self": "18",
    "subscriber": "18",
    "patient": "18",
    "18": "18",
    "spouse": "01",
    "wife": "01",
    "husband": "01",
    "01": "01",
    "child": "19",
    "son": "19",
    "daughter": "19",
    "dependent": "19",
    "19": "19",
    "stepchild": "17",
    "17": "17",
    "life partner": "53",
    "domestic partner": "53",
    "53": "53",
    "other": "G8",
    "g8": "G8",
}
RELATIONSHIP_NAMES: dict[str, str] = {
    "18": "self",
    "01": "spouse",
    "19": "child",
    "17": "stepchild",
    "53": "life partner",
    "G8": "other relationship",
    "34": "other adult",
}

# DTP01 date qualifiers seen in a 271.
DATE_QUALIFIERS: dict[str, str] = {
    "096": "discharge",
    "102": "issue",
    "152": "effective date of change",
    "193": "period start",
    "194": "period end",
    "198": "completion",
    "290": "coordination of benefits",
    "291": "plan",
    "292": "benefit",
    "295": "primary care provider",
    "304": "latest visit or consultation",
    "307": "eligibility",
    "318": "added",
    "340": "COBRA begin",
    "341": "COBRA end",
    "342": "premium paid to date begin",
    "343": "premium paid to date end",
    "346": "plan begin",
    "347": "plan end",
    "348": "benefit begin",
    "349": "benefit end",
    "356": "eligibility begin",
    "357": "eligibility end",
    "382": "enrollment",
    "435": "admission",
    "442": "date of death",
    "458": "certification",
    "472": "service",
    "539": "policy effective",
    "540": "policy expiration",
    "636": "date of last update",
    "771": "status",
}

# EB06 time period qualifier.
TIME_PERIODS: dict[str, str] = {
    "6": "hour",
    "7": "day",
    "13": "24 hours",
    "21": "years",
    "22": "service year",
    "23": "calendar year",
    "24": "year to date",
    "25": "contract",
    "26": "episode",
    "27": "visit",
    "28": "outlier",
    "29": "remaining",
    "30": "exceeded",
    "31": "not exceeded",
    "32": "lifetime",
    "33": "lifetime remaining",
    "34": "month",
    "35": "week",
    "36": "admission",
}

# EB02 coverage level.
COVERAGE_LEVELS: dict[str, str] = {
    "CHD": "children only",
    "DEP": "dependents only",
    "ECH": "employee and children",
    "EMP": "employee only",
    "ESP": "employee and spouse",
    "FAM": "family",
    "IND": "individual",
    "SPC": "spouse and children",
    "SPO": "spouse only",
}
