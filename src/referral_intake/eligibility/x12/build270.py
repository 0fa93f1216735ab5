"""Build a 005010X279A1 270 eligibility inquiry (ISA/GS/ST envelopes, subscriber or dependent loops)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, Field

from referral_intake.eligibility.x12.codes import RELATIONSHIPS
from referral_intake.eligibility.x12.segments import DEFAULT, Delimiters, clean, render
from referral_intake.errors import X12Error

IMPLEMENTATION = "005010X279A1"


class Person(BaseModel):
    """A subscriber or dependent as the 270 names them; `member_id` only for the subscriber."""

    last_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    suffix: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None  # F, M, X, U as in the contract
    member_id: str | None = None


class Inquiry(BaseModel):
    """Everything one 270 says, independent of envelopes and control numbers."""

    payer_id: str
    payer_name: str
    provider_npi: str
    provider_name: str
    subscriber: Person
    dependent: Person | None = None  # set when the patient is not the subscriber
    relationship_code: str | None = None  # INS02 of the dependent (01 spouse, 19 child, ...)
    group_number: str | None = None
    service_types: list[str] = Field(default_factory=lambda: ["30"])
    service_date: date

    @property
    def patient(self) -> Person:
        return self.dependent or self.subscriber


@dataclass(frozen=True, slots=True)
class Envelope:
    """Interchange and group addressing plus the (never repeating) control number for this interchange."""

    sender_id: str
    receiver_id: str
    control_number: int
    trace_originator: str = "9000000000"
    usage_indicator: str = "P"
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class Built270:
    text: str
    control_number: int
    trace_number: str


def relationship_code(value: str | None) -> str | None:
    """INS02 code for a relationship as written ("Child" -> 19); None when not stated or not understood."""
    if value is None or not str(value).strip():
        return None
    return RELATIONSHIPS.get(str(value).strip().lower())


def _name(person: Person) -> list[str]:
    # NM103..NM107: last, first, middle, prefix (unused), suffix
    return [
        clean(person.last_name or "", 60),
        clean(person.first_name or "", 35),
        clean(person.middle_name or "", 25),
        "",
        clean(person.suffix or "", 10),
    ]


def _dmg(person: Person) -> list[list[str]]:
    if person.date_of_birth is None:
        return []
    sex = (person.sex or "").upper()
    return [["DMG", "D8", person.date_of_birth.strftime("%Y%m%d"), sex if sex in ("F", "M") else ""]]


def build_270(
    inquiry: Inquiry, envelope: Envelope, delims: Delimiters = DEFAULT, newlines: bool = False
) -> Built270:
    """The 270 interchange for one inquiry; raises X12Error when a required element is missing."""
    if not inquiry.subscriber.member_id:
        raise X12Error("the 270 needs the subscriber's member ID; add it to the referral's insurance")
    if not inquiry.provider_npi or not inquiry.provider_npi.isdigit() or len(inquiry.provider_npi) != 10:
        raise X12Error("the 270 needs the practice's 10-digit NPI: set eligibility.provider_npi")
    if not 0 < envelope.control_number < 1_000_000_000:
        raise X12Error("interchange control number out of range (1..999999999)")
    if inquiry.dependent is not None and not inquiry.dependent.last_name:
        raise X12Error("the 270 needs the dependent patient's last name")
    now = envelope.created or datetime.now()
    ctl = f"{envelope.control_number:09d}"
    trace = ctl
    st_ctl = "0001"
    originator = clean(envelope.trace_originator, 10).ljust(10, "0")
    body: list[list[str]] = [
        ["ST", "270", st_ctl, IMPLEMENTATION],
        ["BHT", "0022", "13", ctl, now.strftime("%Y%m%d"), now.strftime("%H%M")],
        ["HL", "1", "", "20", "1"],
        [
            "NM1",
            "PR",
            "2",
            clean(inquiry.payer_name, 60) or "PAYER",
            "",
            "",
            "",
            "",
            "PI",
            clean(inquiry.payer_id, 80),
        ],
        ["HL", "2", "1", "21", "1"],
        [
            "NM1",
            "1P",
            "2",
            clean(inquiry.provider_name, 60) or "PROVIDER",
            "",
            "",
            "",
            "",
            "XX",
            inquiry.provider_npi,
        ],
        ["HL", "3", "2", "22", "1" if inquiry.dependent else "0"],
    ]
    # One EQ with repeated service types (5010 lets EQ01 repeat up to 99 times) rather than one 2110 loop per
    # code: payers answer it the same, and it is the form most receivers (and our validator) handle.
    codes = list(dict.fromkeys(clean(c, 2) for c in inquiry.service_types or ["30"] if clean(c, 2)))[:99]
    benefit_loops: list[list[str]] = [
        ["DTP", "291", "D8", inquiry.service_date.strftime("%Y%m%d")],
        ["EQ", delims.repetition.join(codes or ["30"])],
    ]
    sub = inquiry.subscriber
    group = [["REF", "6P", clean(inquiry.group_number, 50)]] if inquiry.group_number else []
    sub_nm1 = ["NM1", "IL", "1", *_name(sub), "MI", clean(sub.member_id, 80)]
    if inquiry.dependent is None:
        body += [["TRN", "1", trace, originator], sub_nm1, *group, *_dmg(sub), *benefit_loops]
    else:
        dep = inquiry.dependent
        rel = inquiry.relationship_code
        ins = [["INS", "N", rel]] if rel and rel != "18" else []
        body += [sub_nm1, *group, *_dmg(sub)]
        body += [["HL", "4", "3", "23", "0"], ["TRN", "1", trace, originator]]
        body += [["NM1", "03", "1", *_name(dep)], *_dmg(dep), *ins, *benefit_loops]
    body.append(["SE", str(len(body) + 1), st_ctl])
    isa = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        clean(envelope.sender_id, 15).ljust(15),
        "ZZ",
        clean(envelope.receiver_id, 15).ljust(15),
        now.strftime("%y%m%d"),
        now.strftime("%H%M"),
        delims.repetition,
        "00501",
        ctl,
        "0",
        envelope.usage_indicator,
        delims.component,
    ]
    gs = [
        "GS",
        "HS",
        clean(envelope.sender_id, 15),
        clean(envelope.receiver_id, 15),
        now.strftime("%Y%m%d"),
        now.strftime("%H%M"),
        str(envelope.control_number),
        "X",
        IMPLEMENTATION,
    ]
    trailer = [["GE", "1", str(envelope.control_number)], ["IEA", "1", ctl]]
    text = render([isa, gs, *body, *trailer], delims, newlines)
    return Built270(text=text, control_number=envelope.control_number, trace_number=trace)
