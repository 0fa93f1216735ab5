"""Parse a 005010X279A1 271 eligibility response into plain, typed data with plain-language meanings."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from referral_intake.eligibility.x12.codes import (
    AAA_FOLLOW_UP,
    AAA_REASONS,
    ACTIVE_EB01,
    COVERAGE_LEVELS,
    DATE_QUALIFIERS,
    EB01,
    INACTIVE_EB01,
    RELATIONSHIP_NAMES,
    SERVICE_TYPES,
    TIME_PERIODS,
)
from referral_intake.eligibility.x12.segments import Delimiters, Segment, tokenize
from referral_intake.errors import X12Error

Level = Literal["payer", "receiver", "subscriber", "dependent", "benefit"]
_HIDDEN_REFS = frozenset({"SY"})  # social security numbers are never carried into our output


class Rejection(BaseModel):
    level: Level
    code: str
    reason: str
    follow_up_code: str | None = None
    follow_up: str | None = None


class DateInfo(BaseModel):
    qualifier: str
    meaning: str
    start: date | None = None
    end: date | None = None


class ServiceType(BaseModel):
    code: str
    name: str


class Benefit(BaseModel):
    code: str
    meaning: str
    coverage_level: str | None = None
    service_types: list[ServiceType] = Field(default_factory=list)
    insurance_type: str | None = None
    plan_name: str | None = None
    time_period: str | None = None
    amount: float | None = None
    percent: float | None = None  # EB08 as sent: 0.2 means 20 %
    quantity: float | None = None
    quantity_qualifier: str | None = None
    authorization_required: bool | None = None
    in_network: bool | None = None  # EB12: Y in network, N out of network, W/U/absent: not stated
    dates: list[DateInfo] = Field(default_factory=list)
    messages: list[str] = Field(default_factory=list)
    references: dict[str, str] = Field(default_factory=dict)
    related_entities: list[str] = Field(default_factory=list)
    rejections: list[Rejection] = Field(default_factory=list)


class Party(BaseModel):
    """The information source (payer) or receiver (practice) as the 271 names it."""

    name: str | None = None
    id_qualifier: str | None = None
    id: str | None = None
    rejections: list[Rejection] = Field(default_factory=list)


class Entity(BaseModel):
    """A subscriber or dependent as the payer knows them."""

    role: Literal["subscriber", "dependent"]
    last_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    suffix: str | None = None
    member_id: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None
    relationship_code: str | None = None
    relationship: str | None = None
    group_number: str | None = None
    group_name: str | None = None
    plan_number: str | None = None
    plan_name: str | None = None
    trace_numbers: list[str] = Field(default_factory=list)
    dates: list[DateInfo] = Field(default_factory=list)
    references: dict[str, str] = Field(default_factory=dict)
    benefits: list[Benefit] = Field(default_factory=list)
    rejections: list[Rejection] = Field(default_factory=list)

    def status(self) -> Literal["active", "inactive", "unknown"]:
        codes = {b.code for b in self.benefits}
        if codes & ACTIVE_EB01:
            return "active"
        if codes & INACTIVE_EB01:
            return "inactive"
        return "unknown"


class Response271(BaseModel):
    implementation: str
    interchange_control_number: str
    transaction_control_number: str
    reference: str | None = None
    payer: Party = Field(default_factory=Party)
    receiver: Party = Field(default_factory=Party)
    members: list[Entity] = Field(default_factory=list)

    @property
    def rejections(self) -> list[Rejection]:
        out = [*self.payer.rejections, *self.receiver.rejections]
        for m in self.members:
            out += m.rejections
            for b in m.benefits:
                out += b.rejections
        return out

    @property
    def patient(self) -> Entity | None:
        """The person the inquiry was about: the (first) dependent when there is one, else the subscriber."""
        deps = [m for m in self.members if m.role == "dependent"]
        if deps:
            return deps[0]
        return self.members[0] if self.members else None

    @property
    def subscriber(self) -> Entity | None:
        return next((m for m in self.members if m.role == "subscriber"), None)


def _date(raw: str) -> date | None:
    try:
        return date(int(raw[0:4]), int(raw[4:6]), int(raw[6:8])) if len(raw) == 8 else None
    except ValueError:
        return None


def _dtp(seg: Segment) -> DateInfo:
    qualifier, fmt, raw = seg.element(1), seg.element(2), seg.element(3)
    start = end = None
    if fmt == "RD8" and "-" in raw:
        a, b = raw.split("-", 1)
        start, end = _date(a), _date(b)
    else:
        start = _date(raw[:8])
    return DateInfo(
        qualifier=qualifier, meaning=DATE_QUALIFIERS.get(qualifier, f"date {qualifier}"), start=start, end=end
    )


def _number(raw: str) -> float | None:
    try:
        return float(raw) if raw else None
    except ValueError:
        return None


def _yes_no(raw: str) -> bool | None:
    return True if raw == "Y" else False if raw == "N" else None


def _aaa(seg: Segment, level: Level) -> Rejection:
    code, follow = seg.element(3), seg.element(4)
    return Rejection(
        level=level,
        code=code,
        reason=AAA_REASONS.get(code, f"rejected (code {code or 'not given'})"),
        follow_up_code=follow or None,
        follow_up=AAA_FOLLOW_UP.get(follow) if follow else None,
    )


def _eb(seg: Segment, d: Delimiters) -> Benefit:
    code = seg.element(1)
    stcs = [s for s in seg.element(3).split(d.repetition) if s]
    level = seg.element(2)
    period = seg.element(6)
    return Benefit(
        code=code,
        meaning=EB01.get(code, f"benefit {code}"),
        coverage_level=COVERAGE_LEVELS.get(level, level) if level else None,
        service_types=[ServiceType(code=s, name=SERVICE_TYPES.get(s, f"service type {s}")) for s in stcs],
        insurance_type=seg.element(4) or None,
        plan_name=seg.element(5) or None,
        time_period=TIME_PERIODS.get(period, period) if period else None,
        amount=_number(seg.element(7)),
        percent=_number(seg.element(8)),
        quantity_qualifier=seg.element(9) or None,
        quantity=_number(seg.element(10)),
        authorization_required=_yes_no(seg.element(11)),
        in_network=_yes_no(seg.element(12)),
    )


def parse_271(text: str) -> Response271:
    """Parse one 271 interchange; raises X12Error for anything that is not a well-formed 271."""
    delims, segments = tokenize(text)
    tags = [s.tag for s in segments]
    st = next((s for s in segments if s.tag == "ST"), None)
    if st is None or "IEA" not in tags:
        raise X12Error("incomplete X12 interchange: no ST or IEA segment; give the complete 271 file")
    if st.element(1) != "271":
        raise X12Error(
            f"this is an X12 {st.element(1) or 'unknown'} transaction, not a 271 eligibility response"
        )
    isa = segments[0]
    resp = Response271(
        implementation=st.element(3) or "",
        interchange_control_number=isa.element(13),
        transaction_control_number=st.element(2),
    )
    level = ""
    entity: Entity | None = None
    benefit: Benefit | None = None
    in_ls = False
    for seg in segments:
        tag = seg.tag
        if tag == "BHT":
            resp.reference = seg.element(3) or None
        elif tag == "HL":
            level, benefit, in_ls = seg.element(3), None, False
            if level in ("22", "23"):
                entity = Entity(role="subscriber" if level == "22" else "dependent")
                resp.members.append(entity)
        elif tag == "LS":
            in_ls = True
        elif tag == "LE":
            in_ls = False
        elif tag == "NM1" and in_ls and benefit is not None:
            name = " ".join(p for p in (seg.element(4), seg.element(3)) if p)
            benefit.related_entities.append(f"{seg.element(1)} {name}".strip())
        elif tag == "NM1":
            if level in ("20", "21"):
                party = resp.payer if level == "20" else resp.receiver
                party.name = seg.element(3) or None
                party.id_qualifier = seg.element(8) or None
                party.id = seg.element(9) or None
            elif entity is not None:
                entity.last_name = seg.element(3) or None
                entity.first_name = seg.element(4) or None
                entity.middle_name = seg.element(5) or None
                entity.suffix = seg.element(7) or None
                if seg.element(9):
                    entity.member_id = seg.element(9)
        elif tag == "AAA":
            if benefit is not None:
                benefit.rejections.append(_aaa(seg, "benefit"))
            elif level == "20":
                resp.payer.rejections.append(_aaa(seg, "payer"))
            elif level == "21":
                resp.receiver.rejections.append(_aaa(seg, "receiver"))
            elif entity is not None:
                entity.rejections.append(_aaa(seg, entity.role))
        elif entity is None:
            continue
        elif tag == "TRN":
            entity.trace_numbers.append(seg.element(2))
        elif tag == "DMG":
            entity.date_of_birth = _date(seg.element(2)) if seg.element(1) == "D8" else None
            entity.sex = seg.element(3) or None
        elif tag == "INS":
            entity.relationship_code = seg.element(2) or None
            entity.relationship = RELATIONSHIP_NAMES.get(seg.element(2))
        elif tag == "REF":
            qual, value, desc = seg.element(1), seg.element(2), seg.element(3)
            if qual in _HIDDEN_REFS:
                continue
            if benefit is not None:
                benefit.references[qual] = value
                continue
            entity.references[qual] = value
            if qual in ("6P", "1L"):
                entity.group_number = value or entity.group_number
                entity.group_name = desc or entity.group_name
            elif qual == "18":
                entity.plan_number = value or None
                entity.plan_name = desc or entity.plan_name
        elif tag == "DTP":
            (benefit.dates if benefit is not None else entity.dates).append(_dtp(seg))
        elif tag == "EB":
            benefit = _eb(seg, delims)
            in_ls = False
            entity.benefits.append(benefit)
            if benefit.plan_name and entity.plan_name is None and benefit.code in ACTIVE_EB01 | INACTIVE_EB01:
                entity.plan_name = benefit.plan_name
        elif tag == "MSG" and benefit is not None:
            benefit.messages.append(seg.element(1))
    return resp
