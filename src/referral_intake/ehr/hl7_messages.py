"""Build HL7 v2.5.1 ADT^A04 (register the patient) and REF^I12 (the referral) with hl7apy.

MSH-10 (message control id, at most 20 characters in 2.5.1) is derived from the idempotency key, so a
resent message carries the same control id and the receiving interface engine can drop the repeat.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.core import Message

from referral_intake.ehr.protocol import ExportRequest
from referral_intake.ehr.values import coverage_params, referral_params, short_key

VERSION = "2.5.1"
_SEX = {"F": "F", "M": "M", "X": "O", "U": "U"}
_PRIORITY = {"routine": "R", "urgent": "A", "stat": "S"}  # HL7 table 0280 referral priority
_RELATIONSHIP = {"self": "SEL", "spouse": "SPO", "child": "CHD", "other": "OTH"}  # table 0063


def _esc(value: Any) -> str:
    """Escape HL7 delimiters inside a value (hl7apy does not escape assigned strings)."""
    if value is None:
        return ""
    out = str(value).replace("\\", "\\E\\").replace("|", "\\F\\").replace("^", "\\S\\")
    return out.replace("&", "\\T\\").replace("~", "\\R\\").replace("\r", " ").replace("\n", " ")


def control_id(idempotency_key: str, kind: str) -> str:
    """MSH-10 for one message of an export: 18 hex characters of the key's hash + a 2-letter kind."""
    return short_key(idempotency_key, 18) + kind


def _msh(
    m: Message, p: dict[str, Any], key: str, kind: str, trigger: str, structure: str, options: dict[str, str]
) -> None:
    m.msh.msh_3 = options.get("sending_application", "REFERRAL-INTAKE")
    m.msh.msh_4 = options.get("sending_facility", "REFERRAL-INTAKE")
    m.msh.msh_5 = options.get("receiving_application", "EHR")
    m.msh.msh_6 = options.get("receiving_facility", "EHR")
    m.msh.msh_7 = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    m.msh.msh_9 = trigger.replace("_", "^") + "^" + structure
    m.msh.msh_10 = control_id(key, kind)
    m.msh.msh_11 = options.get("processing_id", "P")
    m.msh.msh_12 = VERSION


def _pid(seg: Any, p: dict[str, Any], key: str) -> None:
    seg.pid_1 = "1"
    ids = [f"{_esc(p['patient_id'])}^^^EHR^PI"] if p["patient_id"] else []
    if p["mrn"]:
        ids.append(f"{_esc(p['mrn'])}^^^EHR^MR")
    ids.append(f"{short_key(key, 18)}^^^REFERRAL-INTAKE^RI")
    for ident in ids:  # one repetition each (assigning "a~b" would be read as one identifier)
        seg.add_field("pid_3").value = ident
    seg.pid_5 = f"{_esc(p['last_name'])}^{_esc(p['first_name'])}^{_esc(p['middle_name'])}^{_esc(p['suffix'])}"
    if p["date_of_birth"]:
        seg.pid_7 = p["date_of_birth"].strftime("%Y%m%d")
    seg.pid_8 = _SEX.get(str(p["sex"]), "U")
    if p["address_line1"] or p["city"]:
        seg.pid_11 = "^".join(
            _esc(p[k]) for k in ("address_line1", "address_line2", "city", "state", "postal_code")
        )
    if p["phone"]:
        seg.pid_13 = (
            f"^PRN^PH^^^{p['phone'][:3]}^{p['phone'][3:]}" if len(p["phone"]) == 10 else _esc(p["phone"])
        )


def _in1(seg: Any, c: dict[str, Any]) -> None:
    seg.in1_1 = str(c["coverage_rank"])
    seg.in1_2 = _esc(c["plan_name"] or c["payer_id"] or "UNKNOWN")
    seg.in1_3 = _esc(c["payer_id"] or c["payer_name"] or "UNKNOWN")
    if c["payer_name"]:
        seg.in1_4 = _esc(c["payer_name"])
    if c["group_number"]:
        seg.in1_8 = _esc(c["group_number"])
    seg.in1_17 = _RELATIONSHIP.get(str(c["subscriber_relationship"]), "OTH")
    if c["member_id"]:
        seg.in1_36 = _esc(c["member_id"])


def build_a04(request: ExportRequest, key: str, options: dict[str, str] | None = None) -> Message:
    """ADT^A04 (register a patient) with its insurance; for a linked chart, A04 carries its id in PID-3."""
    opts = options or {}
    p = referral_params(request, key)
    m = Message("ADT_A01", version=VERSION, validation_level=VALIDATION_LEVEL.STRICT)
    _msh(m, p, key, "A4", "ADT_A04", "ADT_A01", opts)
    m.evn.evn_2 = m.msh.msh_7.value
    _pid(m.pid, p, key)
    m.pv1.pv1_1 = "1"
    m.pv1.pv1_2 = "O"
    for rank, cov in enumerate(request.referral.insurance, start=1):
        group = m.add_group("ADT_A01_INSURANCE")
        _in1(group.add_segment("IN1"), coverage_params(cov, rank))
    return m


def build_i12(request: ExportRequest, key: str, options: dict[str, str] | None = None) -> Message:
    """REF^I12 (patient referral): RF1, the referring and referred-to providers, PID, IN1, DG1, PR1, NTE."""
    opts = options or {}
    p = referral_params(request, key)
    m = Message("REF_I12", version=VERSION, validation_level=VALIDATION_LEVEL.STRICT)
    _msh(m, p, key, "RF", "REF_I12", "REF_I12", opts)
    rf1 = m.add_segment("RF1")
    rf1.rf1_1 = "A^Accepted^HL70283"
    rf1.rf1_2 = _PRIORITY.get(str(p["urgency"]), "R") + "^^HL70280"
    rf1.rf1_3 = "MED^Medical^HL70282"
    rf1.rf1_6 = short_key(key, 18) + "^REFERRAL-INTAKE"
    if p["referral_date"]:
        rf1.rf1_7 = p["referral_date"].strftime("%Y%m%d")
    if p["reason"]:
        rf1.rf1_10 = f"^{_esc(p['reason'][:199])}"
    if p["authorization_number"]:
        rf1.rf1_11 = _esc(p["authorization_number"])
    contacts = 0
    for role, prefix in (("RP", "referring_"), ("RT", "referred_to_")):
        # REF_I12 requires one provider contact: an unnamed referrer stands in when the fax named none.
        if not (p[f"{prefix}last_name"] or p[f"{prefix}organization"] or p[f"{prefix}npi"]) and (
            contacts or role == "RT"
        ):
            continue
        contacts += 1
        group = m.add_group("REF_I12_PROVIDER_CONTACT")
        prd = group.add_segment("PRD")
        prd.prd_1 = f"{role}^^HL70286"
        name = p[f"{prefix}last_name"] or p[f"{prefix}organization"] or "UNKNOWN"
        prd.prd_2 = f"{_esc(name)}^{_esc(p[f'{prefix}first_name'])}"
        if p[f"{prefix}phone"]:
            prd.prd_5 = f"^WPN^PH^^^{p[f'{prefix}phone'][:3]}^{p[f'{prefix}phone'][3:]}"
        if p[f"{prefix}npi"]:
            prd.prd_7 = f"{p[f'{prefix}npi']}^NPI"
    _pid(m.add_segment("PID"), p, key)
    for rank, cov in enumerate(request.referral.insurance, start=1):
        group = m.add_group("REF_I12_INSURANCE")
        _in1(group.add_segment("IN1"), coverage_params(cov, rank))
    for i, code in enumerate((p["diagnosis_codes"] or "").split(","), start=1):
        if code:
            dg1 = m.add_segment("DG1")
            dg1.dg1_1 = str(i)
            dg1.dg1_3 = f"{_esc(code)}^^I10"
            dg1.dg1_6 = "W"  # working diagnosis (table 0052)
    for i, code in enumerate((p["procedure_codes"] or "").split(","), start=1):
        if code:
            group = m.add_group("REF_I12_PROCEDURE")
            pr1 = group.add_segment("PR1")
            pr1.pr1_1 = str(i)
            pr1.pr1_3 = f"{_esc(code)}^^C4"
            pr1.pr1_5 = (p["referral_date"] or datetime.now(UTC).date()).strftime("%Y%m%d")
    if p["clinical_summary"]:
        nte = m.add_segment("NTE")
        nte.nte_1 = "1"
        nte.nte_3 = _esc(p["clinical_summary"])
    return m


def build_messages(request: ExportRequest, key: str, options: dict[str, str] | None = None) -> list[Message]:
    """The messages of one export, in sending order: A04 then I12 for a new patient; for a chart that
    matching linked, only the I12 (PID-3 carries the chart id), so the referral's possibly less accurate
    demographics never overwrite what the practice keyed in."""
    i12 = build_i12(request, key, options)
    return [i12] if request.patient_id else [build_a04(request, key, options), i12]


def to_er7(message: Message) -> str:
    """ER7 text with segments separated by carriage returns (what goes on the wire)."""
    return str(message.to_er7())
