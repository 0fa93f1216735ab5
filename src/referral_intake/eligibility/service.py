"""check_eligibility: one referral's first coverage -> active, inactive or unknown, with the reason why.

Never raises for payer trouble (timeouts, outages, rejections, garbage): those become status "unknown" with a
plain reason, so an eligibility outage never stops intake. The wall-clock cost is bounded by
eligibility.timeout_seconds (plus local work measured in milliseconds).
"""

from __future__ import annotations

import hashlib
import re
import time
from datetime import UTC, date, datetime
from typing import Literal

import structlog
from pydantic import BaseModel, Field

from referral_intake.contract import Referral
from referral_intake.eligibility.control import FileControlNumbers
from referral_intake.eligibility.inquiry import as_date, inquiry_from_referral, value
from referral_intake.eligibility.payers import PayerDirectory, directory_for
from referral_intake.eligibility.transports import EligibilityClient, make_client
from referral_intake.eligibility.x12 import Entity, Response271, build_270, parse_271
from referral_intake.eligibility.x12.build270 import Envelope
from referral_intake.eligibility.x12.parse271 import Rejection
from referral_intake.errors import IntakeError, PayerUnavailable, X12Error
from referral_intake.settings import Settings

log = structlog.get_logger(__name__)

Status = Literal["active", "inactive", "unknown"]

_UNAVAILABLE_REASONS = {
    "timeout": "payer timeout",
    "offline": "offline (no eligibility transport configured)",
    "circuit_open": "payer unavailable (paused after repeated failures)",
    "unauthorized": "eligibility endpoint refused our credentials",
    "connection": "payer unavailable",
    "http_5xx": "payer unavailable",
    "busy": "payer unavailable",
}


class PayerInfo(BaseModel):
    written: str | None = None  # the payer name as the referral wrote it
    payer_id: str | None = None
    name: str | None = None  # the directory's name for it
    matched_by: str = "unknown"  # payer_id | exact | fuzzy | unknown | ambiguous
    score: float = 0.0


class PersonAsKnown(BaseModel):
    """A person as the payer's 271 names them."""

    role: Literal["subscriber", "dependent"]
    last_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    date_of_birth: date | None = None
    member_id: str | None = None


class BenefitLine(BaseModel):
    """One copay, coinsurance or deductible line for the service types the inquiry asked about."""

    kind: Literal["copay", "coinsurance", "deductible", "out_of_pocket"]
    code: str
    service_types: list[str]
    amount: float | None = None
    percent: float | None = None  # 20.0 means 20 %
    period: str | None = None
    coverage_level: str | None = None
    in_network: bool | None = None


class Mismatch(BaseModel):
    field: Literal["last_name", "first_name", "date_of_birth", "member_id"]
    message: str


class EligibilityResult(BaseModel):
    """What the case stores in `case.eligibility` (model_dump(mode="json")) and the review panel shows."""

    status: Status
    reason: str
    needs_review: bool
    checked_at: datetime
    duration_ms: float = 0.0
    transport: str = "none"
    payer: PayerInfo = Field(default_factory=PayerInfo)
    plan_name: str | None = None
    group_number: str | None = None
    group_name: str | None = None
    coverage_start: date | None = None
    coverage_end: date | None = None
    service_types: list[str] = Field(default_factory=list)
    benefits: list[BenefitLine] = Field(default_factory=list)
    patient_as_payer_knows: PersonAsKnown | None = None
    subscriber_as_payer_knows: PersonAsKnown | None = None
    mismatches: list[Mismatch] = Field(default_factory=list)
    rejections: list[Rejection] = Field(default_factory=list)
    control_number: str | None = None
    raw_271_ref: str | None = None  # "sha256:<hex>": eligibility_exchange.sha256 once record_check stored it
    raw_270: str | None = Field(default=None, exclude=True)  # carried to record_check, never serialized
    raw_271: str | None = Field(default=None, exclude=True)


_KINDS: dict[str, Literal["copay", "coinsurance", "deductible", "out_of_pocket"]] = {
    "B": "copay",
    "A": "coinsurance",
    "C": "deductible",
    "G": "out_of_pocket",
}


def _person(entity: Entity | None) -> PersonAsKnown | None:
    if entity is None:
        return None
    return PersonAsKnown(
        role=entity.role,
        last_name=entity.last_name,
        first_name=entity.first_name,
        middle_name=entity.middle_name,
        date_of_birth=entity.date_of_birth,
        member_id=entity.member_id,
    )


def _norm(name: str | None) -> str:
    return re.sub(r"[^A-Z]", "", (name or "").upper())


def _alnum(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def find_mismatches(
    referral: Referral, known: PersonAsKnown | None, sent_member_id: str | None
) -> list[Mismatch]:
    """Where the payer's patient differs from the referral's: name, date of birth, member ID."""
    if known is None:
        return []
    p = referral.patient
    out: list[Mismatch] = []
    for field in ("last_name", "first_name"):
        ours, theirs = value(getattr(p, field)), getattr(known, field)
        if ours and theirs and _norm(ours) != _norm(theirs):
            out.append(
                Mismatch(field=field, message=f"payer's {field.replace('_', ' ')} differs from the referral")
            )
    dob = as_date(p.date_of_birth)
    if dob and known.date_of_birth and dob != known.date_of_birth:
        out.append(Mismatch(field="date_of_birth", message="payer's date of birth differs from the referral"))
    if known.member_id and sent_member_id and _alnum(known.member_id) != _alnum(sent_member_id):
        out.append(Mismatch(field="member_id", message="payer returned a different member ID"))
    return out


def _benefit_lines(patient: Entity, requested: list[str]) -> list[BenefitLine]:
    out: list[BenefitLine] = []
    for b in patient.benefits:
        kind = _KINDS.get(b.code)
        codes = [s.code for s in b.service_types]
        if kind is None or (codes and not set(codes) & set(requested)):
            continue
        out.append(
            BenefitLine(
                kind=kind,
                code=b.code,
                service_types=codes,
                amount=b.amount,
                percent=round(b.percent * 100, 4) if b.percent is not None else None,
                period=b.time_period,
                coverage_level=b.coverage_level,
                in_network=b.in_network,
            )
        )
    return out


def interpret(
    referral: Referral, resp: Response271, requested: list[str], sent_member_id: str | None
) -> dict[str, object]:
    """The result fields a parsed 271 gives: status, reason, plan, benefits, people, mismatches."""
    patient = resp.patient
    rejections = resp.rejections
    # A rejection of the inquiry (payer, receiver, subscriber, dependent) leaves coverage unknown; one of a
    # single benefit (level "benefit") does not, but it still goes to review with the rest of the answer.
    blocking = [r for r in rejections if r.level != "benefit"]
    fields: dict[str, object] = {"rejections": rejections}
    if blocking:
        why = "; ".join(dict.fromkeys(r.reason for r in blocking))
        fields.update(status="unknown", reason=f"eligibility unknown: {why}")
    elif patient is None:
        fields.update(status="unknown", reason="eligibility unknown: the payer's answer names no subscriber")
    else:
        status = patient.status()
        fields["status"] = status
        fields["reason"] = {"active": "coverage active", "inactive": "coverage inactive"}.get(
            status, "eligibility unknown: the payer's answer states no coverage status"
        )
    if patient is not None:
        sub = resp.subscriber
        known = _person(patient)
        dates = {d.qualifier: d for d in patient.dates + (sub.dates if sub and sub is not patient else [])}
        start = dates.get("346") or dates.get("356") or dates.get("291") or dates.get("307")
        end = dates.get("347") or dates.get("357")
        fields.update(
            plan_name=patient.plan_name or (sub.plan_name if sub else None),
            group_number=patient.group_number or (sub.group_number if sub else None),
            group_name=patient.group_name or (sub.group_name if sub else None),
            coverage_start=start.start if start else None,
            coverage_end=(end.start if end else None) or (start.end if start else None),
            benefits=_benefit_lines(patient, requested),
            patient_as_payer_knows=known,
            subscriber_as_payer_knows=_person(sub) if sub is not patient else None,
            mismatches=find_mismatches(
                referral, known, sent_member_id if patient.role == "subscriber" else None
            ),
        )
        if fields["status"] == "inactive" and fields["coverage_end"]:
            fields["reason"] = f"coverage inactive (ended {fields['coverage_end']})"
    if rejections and not blocking:
        fields["reason"] = f"{fields['reason']}; payer could not answer for some services"
    return fields


def check_eligibility(
    referral: Referral,
    settings: Settings,
    client: EligibilityClient | None = None,
    directory: PayerDirectory | None = None,
) -> EligibilityResult:
    """Check the referral's first coverage with its payer. Never raises for payer or data problems."""
    started = time.monotonic()
    cfg = settings.eligibility
    now = datetime.now(UTC)

    def done(status: Status, reason: str, **extra: object) -> EligibilityResult:
        result = EligibilityResult.model_validate(
            {"status": status, "reason": reason, "checked_at": now, "needs_review": True, **extra}
        )
        result.duration_ms = round((time.monotonic() - started) * 1000, 2)
        result.needs_review = result.status != "active" or bool(result.mismatches) or bool(result.rejections)
        log.info("eligibility checked", status=result.status, transport=result.transport,
                 payer_id=result.payer.payer_id, duration_ms=result.duration_ms)  # fmt: skip
        return result

    if not referral.insurance:
        return done("unknown", "eligibility unknown: no insurance on the referral")
    cov = referral.insurance[0]
    directory = directory or directory_for(settings)
    match = directory.resolve(value(cov.payer_name), value(cov.payer_id))
    payer = PayerInfo(written=value(cov.payer_name), payer_id=match.payer_id, name=match.name,
                      matched_by=match.matched_by, score=round(match.score, 1))  # fmt: skip
    if match.payer_id is None and value(cov.payer_id):
        payer.payer_id, payer.name, payer.matched_by = value(cov.payer_id), value(cov.payer_name), "referral"
    if payer.payer_id is None:
        why = (
            "payer name is ambiguous"
            if match.matched_by == "ambiguous"
            else "payer not in the payer directory"
        )
        return done("unknown", f"eligibility unknown: {why}", payer=payer)
    if not value(cov.member_id):
        return done("unknown", "eligibility unknown: member ID missing on the referral", payer=payer)
    try:
        inquiry = inquiry_from_referral(
            referral, payer.payer_id, payer.name or payer.written or payer.payer_id,
            cfg.provider_npi, cfg.provider_name, now.date(),
        )  # fmt: skip
        envelope = Envelope(
            sender_id=cfg.sender_id,
            receiver_id=cfg.receiver_id or payer.payer_id,
            control_number=FileControlNumbers.for_data_dir(settings.data_dir).next(),
            trace_originator=cfg.trace_originator,
            usage_indicator=cfg.usage_indicator,
        )
        built = build_270(inquiry, envelope)
    except X12Error as exc:
        return done("unknown", f"eligibility unknown: {exc}", payer=payer)
    except OSError as exc:  # the control-number file under data_dir: a local fault, still not a stop
        log.warning("eligibility control number unavailable", error=type(exc).__name__)
        return done(
            "unknown", "eligibility unknown: control number store unavailable (check data_dir)", payer=payer
        )
    common: dict[str, object] = {
        "payer": payer,
        "service_types": inquiry.service_types,
        "control_number": f"{built.control_number:09d}",
        "raw_270": built.text,
    }
    try:
        client = client or make_client(cfg)
        common["transport"] = client.name
        # The budget counts from the start of the check, so local work cannot push it past the timeout.
        budget = max(0.001, cfg.timeout_seconds - (time.monotonic() - started))
        raw = client.check(built.text, payer.payer_id, budget)
    except PayerUnavailable as exc:
        why = _UNAVAILABLE_REASONS.get(exc.reason, "clearinghouse error")
        return done("unknown", f"eligibility unknown: {why}", **common)
    except IntakeError as exc:
        return done("unknown", f"eligibility unknown: {exc}", **common)
    except Exception as exc:  # an outage must never stop intake: log the type only (messages may hold PHI)
        log.warning("eligibility client failed", error=type(exc).__name__)
        return done("unknown", "eligibility unknown: eligibility client error", **common)
    common["raw_271"] = raw
    common["raw_271_ref"] = "sha256:" + hashlib.sha256(raw.encode()).hexdigest()
    try:
        resp = parse_271(raw)
    except X12Error:
        return done("unknown", "eligibility unknown: the payer's answer is not a readable 271", **common)
    fields = interpret(referral, resp, inquiry.service_types, inquiry.subscriber.member_id)
    status = fields.pop("status")
    reason = str(fields.pop("reason"))
    return done(status, reason, **common, **fields)  # type: ignore[arg-type]
