"""Normalized patient demographics and the blocking keys derived from them.

One `Person` is what both sides of a comparison look like (a referral's patient or an EHR chart), so the
scorer, the EHR lookup and the dedupe job all agree on how a name or a phone number is cleaned.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import jellyfish

from referral_intake.contract import Referral
from referral_intake.ehr.protocol import PatientQuery, PatientRecord

_NON_ALPHA = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\D+")
_NAME_NOISE = frozenset({"jr", "sr", "ii", "iii", "iv", "mr", "mrs", "ms", "miss", "dr"})
# Street words folded to one spelling so "12 Oak Street" == "12 oak st". usaddress was considered: it parses
# well but costs ~0.3 ms a call, too slow for the dedupe job's millions of comparisons.
_STREET_WORDS = {
    "street": "st",
    "avenue": "ave",
    "av": "ave",
    "road": "rd",
    "drive": "dr",
    "lane": "ln",
    "boulevard": "blvd",
    "court": "ct",
    "place": "pl",
    "parkway": "pkwy",
    "highway": "hwy",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "apartment": "apt",
    "suite": "ste",
    "unit": "apt",
    "terrace": "ter",
    "circle": "cir",
    "square": "sq",
}


def ascii_fold(text: str) -> str:
    """Lower case, accents removed (José -> jose)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=65536)
def norm_name(value: str | None) -> str:
    """A name as compared: lower-case letters and single spaces; hyphens and apostrophes become spaces/nothing."""
    if not value:
        return ""
    text = ascii_fold(value).replace("'", "").replace("-", " ").replace(".", " ")
    text = _SPACES.sub(" ", _NON_ALPHA.sub(" ", text)).strip()
    words = [w for w in text.split(" ") if w and w not in _NAME_NOISE]
    return " ".join(words)


def norm_digits(value: str | None) -> str:
    return _DIGITS.sub("", value) if value else ""


def norm_phone(value: str | None) -> str:
    """Ten NANP digits (a leading country code 1 dropped); other lengths kept as digits."""
    digits = norm_digits(value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) >= 7 else ""


def norm_id(value: str | None) -> str:
    """MRN / SSN style identifiers: upper case, spaces and dashes removed."""
    if not value:
        return ""
    return re.sub(r"[\s\-./]+", "", value).upper()


@lru_cache(maxsize=65536)
def norm_street(value: str | None) -> str:
    if not value:
        return ""
    text = _SPACES.sub(" ", re.sub(r"[^a-z0-9 ]+", " ", ascii_fold(value))).strip()
    return " ".join(_STREET_WORDS.get(w, w) for w in text.split(" ") if w)


def norm_sex(value: str | None) -> str:
    """F or M; X and U carry no matching evidence and become empty."""
    if not value:
        return ""
    v = value.strip().upper()[:1]
    return v if v in ("F", "M") else ""


def parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if len(text) == 8 and text.isdigit():  # FEBRL's YYYYMMDD
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


@lru_cache(maxsize=65536)
def phonetic(name: str) -> str:
    """Metaphone of a normalized name without spaces ("van der berg" -> one key), at most 6 characters."""
    compact = name.replace(" ", "")
    return jellyfish.metaphone(compact)[:6].upper() if compact else ""


@dataclass(frozen=True, slots=True)
class Person:
    """Demographics normalized for comparison. Empty string / None = not known."""

    id: str
    first: str
    middle: str
    last: str
    dob: date | None
    sex: str
    street: str
    city: str
    state: str
    postal: str
    phone: str
    email: str
    mrn: str
    ssn: str

    @property
    def birth_year(self) -> int | None:
        return self.dob.year if self.dob else None


def person_from_values(
    id: str,
    *,
    first_name: str | None = None,
    middle_name: str | None = None,
    last_name: str | None = None,
    date_of_birth: Any = None,
    sex: str | None = None,
    address_line1: str | None = None,
    address_line2: str | None = None,
    city: str | None = None,
    state: str | None = None,
    postal_code: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    mrn: str | None = None,
    ssn: str | None = None,
) -> Person:
    street = norm_street(" ".join(p for p in (address_line1, address_line2) if p))
    return Person(
        id=id,
        first=norm_name(first_name),
        middle=norm_name(middle_name),
        last=norm_name(last_name),
        dob=parse_date(date_of_birth),
        sex=norm_sex(sex),
        street=street,
        city=norm_name(city),
        state=(state or "").strip().upper(),
        postal=norm_digits(postal_code)[:5],
        phone=norm_phone(phone),
        email=(email or "").strip().lower(),
        mrn=norm_id(mrn),
        ssn=norm_digits(ssn),
    )


def person_from_record(record: PatientRecord) -> Person:
    return person_from_values(
        record.id,
        first_name=record.first_name,
        middle_name=record.middle_name,
        last_name=record.last_name,
        date_of_birth=record.date_of_birth,
        sex=record.sex,
        address_line1=record.address_line1,
        address_line2=record.address_line2,
        city=record.city,
        state=record.state,
        postal_code=record.postal_code,
        phone=record.phone,
        email=record.email,
        mrn=record.mrn,
        ssn=record.ssn,
    )


def person_from_query(query: PatientQuery) -> Person:
    return person_from_values(
        "query",
        first_name=query.first_name,
        middle_name=query.middle_name,
        last_name=query.last_name,
        date_of_birth=query.date_of_birth,
        sex=query.sex,
        address_line1=query.address_line1,
        city=query.city,
        state=query.state,
        postal_code=query.postal_code,
        phone=query.phone,
        email=query.email,
        mrn=query.mrn,
    )


def _value(field: Any) -> Any:
    return None if field is None else field.value


def query_from_referral(referral: Referral) -> PatientQuery:
    """The patient a referral names, as an EHR lookup query (values only; confidences are not needed here)."""
    p = referral.patient
    addr = p.address
    dob = parse_date(_value(p.date_of_birth))

    def text(field: Any) -> str | None:
        v = _value(field)
        return str(v) if v not in (None, "") else None

    return PatientQuery(
        first_name=text(p.first_name),
        middle_name=text(p.middle_name),
        last_name=text(p.last_name),
        date_of_birth=dob,
        sex=text(p.sex),
        phone=text(p.phone),
        mrn=text(p.mrn),
        email=text(p.email),
        address_line1=text(addr.line1) if addr else None,
        city=text(addr.city) if addr else None,
        state=text(addr.state) if addr else None,
        postal_code=text(addr.postal_code) if addr else None,
    )


def swapped_dob(dob: date | None) -> date | None:
    """The date with day and month exchanged (03/04 <-> 04/03), when that is a different valid date."""
    if dob is None or dob.day > 12 or dob.day == dob.month:
        return None
    try:
        return date(dob.year, dob.day, dob.month)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class BlockingKeys:
    """The indexed lookup keys of one person. Each catches the patient when some other field has a typo."""

    dob: date | None
    birth_year: int | None
    first_phon: str
    last_phon: str
    name_key: str  # first 3 letters of first + last name + birth year
    phone: str
    mrn: str
    email: str


def blocking_keys(p: Person) -> BlockingKeys:
    first = p.first.replace(" ", "")
    last = p.last.replace(" ", "")
    name_key = ""
    if first and last and p.dob:
        name_key = f"{first[:3]}|{last[:3]}|{p.dob.year}"
    return BlockingKeys(
        dob=p.dob,
        birth_year=p.birth_year,
        first_phon=phonetic(p.first),
        last_phon=phonetic(p.last),
        name_key=name_key,
        phone=p.phone,
        mrn=p.mrn,
        email=p.email,
    )
