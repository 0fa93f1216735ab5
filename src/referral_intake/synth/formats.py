"""How values are written on paper: date, phone, name and ID formats, and the label synonyms forms use."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from referral_intake.synth.people import Addr, Person, words

DATE_FORMATS = (
    "{m:02d}/{d:02d}/{y}",
    "{m}/{d}/{y}",
    "{y}-{m:02d}-{d:02d}",
    "{mon} {d}, {y}",
    "{d:02d}-{mon}-{y}",
    "{m:02d}-{d:02d}-{y}",
    "{month} {d}, {y}",
    "{m:02d}/{d:02d}/{y}",
)
MONTHS = words("January February March April May June July August September October November December")
PHONE_FORMATS = (
    "({a}) {b}-{c}",
    "{a}-{b}-{c}",
    "{a}.{b}.{c}",
    "({a}){b}-{c}",
    "{a} {b} {c}",
    "1-{a}-{b}-{c}",
    "({a}) {b}-{c}",
)

LABELS: dict[str, tuple[str, ...]] = {
    "name": ("Patient Name", "Pt Name", "Name", "Patient", "Patient Name (Last, First)", "Member Name"),
    "dob": ("DOB", "D.O.B.", "Date of Birth", "Birthdate", "Birth Date", "DOB (mm/dd/yyyy)"),
    "sex": ("Sex", "Gender", "Sex at Birth"),
    "address": ("Address", "Home Address", "Street Address", "Patient Address"),
    "phone": ("Phone", "Home Phone", "Tel", "Phone #", "Contact Phone", "Cell"),
    "email": ("Email", "E-mail", "Email Address"),
    "mrn": ("MRN", "Chart #", "Medical Record #", "Acct #", "Patient ID"),
    "language": ("Preferred Language", "Language", "Primary Language"),
    "payer": ("Insurance", "Primary Insurance", "Insurance Carrier", "Payer", "Health Plan", "Carrier"),
    "plan": ("Plan", "Plan Name", "Product"),
    "member_id": (
        "Member ID",
        "Subscriber ID",
        "Policy #",
        "Member #",
        "ID #",
        "Insurance ID",
        "Policy Number",
    ),
    "group": ("Group #", "Group Number", "Group No.", "Grp #", "Group"),
    "subscriber": ("Subscriber", "Subscriber Name", "Policy Holder", "Insured Name", "Guarantor"),
    "relationship": ("Relationship to Patient", "Relationship", "Pt Relationship to Subscriber"),
    "sub_dob": ("Subscriber DOB", "Insured DOB", "Policy Holder DOB"),
    "ref_provider": ("Referring Provider", "Referring Physician", "Ordering Provider", "Referred By", "PCP"),
    "npi": ("NPI", "NPI #", "Provider NPI", "NPI No."),
    "practice": ("Practice", "Clinic", "Organization", "Facility"),
    "prov_phone": ("Phone", "Office Phone", "Ph", "Tel"),
    "prov_fax": ("Fax", "Office Fax", "Fax #", "Return Fax"),
    "referred_to": ("Referred To", "Specialist", "Consultant", "Refer To", "Referral To"),
    "specialty": ("Specialty", "Service Requested", "Department"),
    "date": ("Referral Date", "Date", "Date of Referral", "Date Sent", "Order Date"),
    "reason": ("Reason for Referral", "Reason for Consult", "Reason", "Referral Reason", "Chief Complaint"),
    "dx": ("Diagnosis", "Diagnoses", "Dx", "ICD-10", "Diagnosis (ICD-10)", "Dx Codes"),
    "procedures": ("Requested Services", "Procedure(s)", "CPT", "Services Requested", "Orders"),
    "auth": ("Authorization #", "Auth #", "Prior Auth No.", "Authorization Number", "PA #"),
    "meds": ("Current Medications", "Medications", "Meds", "Medication List"),
    "allergies": ("Allergies", "Drug Allergies", "Allergies/Intolerances"),
    "urgency": ("Urgency", "Priority", "Appointment Needed"),
    "summary": ("Clinical Summary", "Clinical Notes", "Pertinent History", "Clinical Information", "History"),
}


@dataclass
class Style:
    """Per-document writing habits: one clinic writes all its dates the same way."""

    date_fmt: str
    phone_fmt: str
    name_order: str  # "last_first" | "first_last"
    middle: str  # "full" | "initial" | "none"
    zip4: bool
    upper_names: bool
    labels: dict[str, str]
    colon: str

    def label(self, key: str) -> str:
        return self.labels[key] + self.colon


def pick_style(rng: random.Random) -> Style:
    return Style(
        date_fmt=rng.choice(DATE_FORMATS),
        phone_fmt=rng.choice(PHONE_FORMATS),
        name_order=rng.choice(("last_first", "first_last", "first_last")),
        middle=rng.choice(("full", "initial", "initial", "none")),
        zip4=rng.random() < 0.5,
        upper_names=rng.random() < 0.25,
        labels={k: rng.choice(v) for k, v in LABELS.items()},
        colon=rng.choice((":", ":", ":", "")),
    )


def pick_style_consistent(rng: random.Random) -> Style:
    """A style whose labels do not contradict its formats (no "(Last, First)" label over "First Last")."""
    st = pick_style(rng)
    if st.name_order == "first_last" and "Last, First" in st.labels["name"]:
        st.labels["name"] = "Patient Name"
    if "mm/dd/yyyy" in st.labels["dob"] and not st.date_fmt.startswith("{m:02d}/{d:02d}/"):
        st.labels["dob"] = "DOB"
    return st


def fmt_date(d: date, style: Style | str) -> str:
    f = style if isinstance(style, str) else style.date_fmt
    return f.format(m=d.month, d=d.day, y=d.year, mon=MONTHS[d.month - 1][:3], month=MONTHS[d.month - 1])


def fmt_phone(number: str, style: Style | str) -> str:
    f = style if isinstance(style, str) else style.phone_fmt
    return f.format(a=number[:3], b=number[3:6], c=number[6:])


def middle_text(p: Person, style: Style) -> str | None:
    """The middle name as it will be printed (and as the gold records it: as written, no dot)."""
    if not p.middle or style.middle == "none":
        return None
    return p.middle if style.middle == "full" else p.middle[0]


def fmt_name(p: Person, style: Style, order: str | None = None) -> str:
    mid = middle_text(p, style)
    mid_s = (
        (mid + ("." if style.middle == "initial" and style.name_order == "first_last" else "")) if mid else ""
    )
    suffix = p.suffix or ""
    if (order or style.name_order) == "last_first":
        s = f"{p.last}{' ' + suffix if suffix else ''}, {p.first}{' ' + mid_s if mid_s else ''}"
    else:
        s = f"{p.first}{' ' + mid_s if mid_s else ''} {p.last}{', ' + suffix if suffix else ''}"
    return s.upper() if style.upper_names else s


def name_values(p: Person, style: Style) -> dict[str, str | None]:
    """Gold values for a printed person name (names as written: upper-cased forms compare equal)."""
    return {
        "first_name": p.first,
        "middle_name": middle_text(p, style),
        "last_name": p.last,
        "suffix": p.suffix,
    }


def fmt_zip(a: Addr, style: Style) -> str:
    return f"{a.zip5}-{a.zip4}" if (style.zip4 and a.zip4) else a.zip5


def fmt_city_line(a: Addr, style: Style) -> str:
    return f"{a.city}, {a.state} {fmt_zip(a, style)}"


def fmt_member_id(member: str, rng: random.Random) -> str:
    """Printed member ids sometimes carry spaces or dashes; the gold value has neither."""
    r = rng.random()
    if r < 0.2 and len(member) > 6:
        return f"{member[:3]} {member[3:6]} {member[6:]}"
    if r < 0.35 and len(member) > 6:
        return f"{member[:-4]}-{member[-4:]}"
    return member


def fmt_sex(sex: str, rng: random.Random) -> str:
    full = {"F": "Female", "M": "Male", "X": "Non-binary", "U": "Unknown"}[sex]
    return full if rng.random() < 0.5 else sex
