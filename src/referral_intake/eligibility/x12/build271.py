"""Read a 270 and build the 271 a payer would send: used by the local CORE responder for tests and demos.

Scenarios follow the member ID (documented in responder.py): active with copay, coinsurance and deductible
per requested service type; inactive; AAA rejections at the payer or subscriber level; a payer that
knows a different name and date of birth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from referral_intake.eligibility.x12.segments import DEFAULT, Segment, clean, render, tokenize
from referral_intake.errors import X12Error


@dataclass
class Party270:
    nm1: Segment | None = None
    dmg: Segment | None = None
    trace: str | None = None
    ins: Segment | None = None


@dataclass
class Request270:
    sender_id: str = ""
    receiver_id: str = ""
    reference: str = ""
    payer: Segment | None = None
    provider: Segment | None = None
    subscriber: Party270 = field(default_factory=Party270)
    dependent: Party270 | None = None
    service_types: list[str] = field(default_factory=list)
    service_date: str | None = None

    @property
    def member_id(self) -> str:
        return self.subscriber.nm1.element(9) if self.subscriber.nm1 else ""


def read_270(text: str) -> Request270:
    """The parts of a 270 a responder needs; X12Error when it is not a 270."""
    delims, segments = tokenize(text)
    st = next((s for s in segments if s.tag == "ST"), None)
    if st is None or st.element(1) != "270":
        raise X12Error("expected an X12 270 eligibility inquiry")
    isa = segments[0]
    req = Request270(sender_id=isa.element(6).strip(), receiver_id=isa.element(8).strip())
    party: Party270 | None = None
    level = ""
    for seg in segments:
        if seg.tag == "BHT":
            req.reference = seg.element(3)
        elif seg.tag == "HL":
            level = seg.element(3)
            if level == "22":
                party = req.subscriber
            elif level == "23":
                party = req.dependent = Party270()
        elif seg.tag == "NM1":
            if level == "20":
                req.payer = seg
            elif level == "21":
                req.provider = seg
            elif party is not None:
                party.nm1 = seg
        elif party is None:
            continue
        elif seg.tag == "DMG":
            party.dmg = seg
        elif seg.tag == "TRN":
            party.trace = seg.element(2)
        elif seg.tag == "INS":
            party.ins = seg
        elif seg.tag == "DTP" and seg.element(1) == "291":
            req.service_date = seg.element(3)
        elif seg.tag == "EQ":
            req.service_types += [c for c in seg.element(1).split(delims.repetition) if c]
    return req


def _copy(seg: Segment | None, fallback: list[str]) -> list[str]:
    return [seg.tag, *seg.elements] if seg is not None else fallback


def _benefits(stcs: list[str], plan: str) -> list[list[str]]:
    out: list[list[str]] = []
    for i, stc in enumerate(stcs):
        if stc == "30":
            continue
        copay = "40" if stc not in ("98", "1") else "25"
        out += [
            ["EB", "1", "IND", stc, "PR", plan],
            ["EB", "B", "IND", stc, "PR", plan, "27", copay, "", "", "", "", "Y"],
            ["EB", "B", "IND", stc, "PR", plan, "27", str(int(copay) * 2), "", "", "", "", "N"],
            ["EB", "A", "IND", stc, "PR", plan, "", "", "0.2", "", "", "", "Y"],
            ["EB", "A", "IND", stc, "PR", plan, "", "", "0.4", "", "", "", "N"],
            ["EB", "C", "IND", stc, "PR", plan, "23", "1500", "", "", "", "", "Y"],
            ["EB", "C", "IND", stc, "PR", plan, "29", str(650 + 10 * i), "", "", "", "", "Y"],
        ]
    return out


def build_271(req: Request270, control_number: int, now: datetime | None = None) -> str:
    """The responder's 271 for `req`, chosen by the member ID's scenario prefix."""
    now = now or datetime.now()
    member = req.member_id.upper()
    ctl = f"{control_number:09d}"
    plan = "SYNTHETIC GOLD PPO"
    year_start = date(now.year, 1, 1).strftime("%Y%m%d")
    body: list[list[str]] = [
        ["ST", "271", "0001", "005010X279A1"],
        ["BHT", "0022", "11", req.reference or ctl, now.strftime("%Y%m%d"), now.strftime("%H%M")],
    ]
    payer = _copy(req.payer, ["NM1", "PR", "2", "PAYER", "", "", "", "", "PI", req.receiver_id])
    provider = _copy(req.provider, ["NM1", "1P", "2", "PROVIDER", "", "", "", "", "XX", "1234567893"])
    # A payer that cannot answer says so at the source level (2100A) and echoes the rest without benefits.
    payer_down = member.startswith("AAA42")
    body += [["HL", "1", "", "20", "1"], payer, *([["AAA", "Y", "", "42", "R"]] if payer_down else [])]
    body += [["HL", "2", "1", "21", "1"], provider]
    sub_nm1 = _copy(req.subscriber.nm1, ["NM1", "IL", "1"])
    dep = req.dependent
    body.append(["HL", "3", "2", "22", "1" if dep else "0"])
    patient_rows: list[list[str]] = []
    if dep is None:
        body += [["TRN", "2", req.subscriber.trace or ctl, "9RESPONDER"]]
        patient_nm1, patient_dmg = sub_nm1, req.subscriber.dmg
        body.append(patient_nm1)
    else:
        body += [sub_nm1]
        if req.subscriber.dmg is not None:
            body.append(_copy(req.subscriber.dmg, []))
        body += [["HL", "4", "3", "23", "0"], ["TRN", "2", dep.trace or ctl, "9RESPONDER"]]
        patient_nm1, patient_dmg = _copy(dep.nm1, ["NM1", "03", "1"]), dep.dmg
        body.append(patient_nm1)
    if member.startswith("MISMATCH"):
        patient_nm1[4:5] = ["ALEXANDRA" if (patient_nm1[4:5] or [""])[0] != "ALEXANDRA" else "ALEX"]
        if patient_dmg is not None:
            shifted = datetime.strptime(patient_dmg.element(2), "%Y%m%d") + timedelta(days=366)
            patient_dmg = Segment("DMG", ("D8", shifted.strftime("%Y%m%d"), patient_dmg.element(3)))
    if payer_down:
        pass
    elif member.startswith("AAA") and member[3:5].isdigit():
        body.append(["AAA", "Y", "", member[3:5], "C"])
    else:
        if dep is None:
            patient_rows.append(["REF", "6P", "GRP" + clean(member[-4:], 4), "SYNTHETIC EMPLOYER GROUP"])
        if patient_dmg is not None:
            patient_rows.append([patient_dmg.tag, *patient_dmg.elements])
        if dep is not None:
            rel = dep.ins.element(2) if dep.ins is not None else "19"
            patient_rows.append(["INS", "N", rel])
        if member.startswith("INACTIVE"):
            last_year_end = date(now.year - 1, 12, 31).strftime("%Y%m%d")
            patient_rows += [
                ["DTP", "346", "D8", date(now.year - 1, 1, 1).strftime("%Y%m%d")],
                ["DTP", "347", "D8", last_year_end],
                ["EB", "6", "", "30", "", plan],
            ]
        else:
            stcs = req.service_types or ["30"]
            patient_rows += [["DTP", "346", "D8", year_start], ["EB", "1", "IND", "30", "PR", plan]]
            patient_rows += _benefits(stcs, plan)
            patient_rows += [
                ["EB", "L"],
                ["LS", "2120"],
                ["NM1", "P3", "1", "WELBY", "MARCUS", "", "", "", "XX", "1234567893"],
                ["LE", "2120"],
            ]
        body += patient_rows
    body.append(["SE", str(len(body) + 1), "0001"])
    isa = [
        "ISA", "00", " " * 10, "00", " " * 10,
        "ZZ", clean(req.receiver_id or "RESPONDER", 15).ljust(15),
        "ZZ", clean(req.sender_id or "SUBMITTER", 15).ljust(15),
        now.strftime("%y%m%d"), now.strftime("%H%M"), DEFAULT.repetition, "00501", ctl, "0", "P", DEFAULT.component,
    ]  # fmt: skip
    gs = ["GS", "HB", clean(req.receiver_id or "RESPONDER", 15), clean(req.sender_id or "SUBMITTER", 15),
          now.strftime("%Y%m%d"), now.strftime("%H%M"), str(control_number), "X", "005010X279A1"]  # fmt: skip
    return render([isa, gs, *body, ["GE", "1", str(control_number)], ["IEA", "1", ctl]])
