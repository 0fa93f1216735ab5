"""HL7 v2 REF^I12 and ADT^A04 parsing with messages written here (synthetic people only)."""

from __future__ import annotations

import pytest

from referral_intake.contract import Field, Referral
from referral_intake.errors import UnreadableDocument
from referral_intake.extraction.structured import parse_structured
from referral_intake.extraction.structured.hl7v2 import parse_hl7v2


def seg(name: str, fields: dict[int, str]) -> str:
    """A segment with each field at its HL7 position (MSH-1 is the separator itself)."""
    top = max(fields)
    if name == "MSH":
        return "MSH|" + "|".join(fields.get(i, "") for i in range(2, top + 1))
    return name + "|" + "|".join(fields.get(i, "") for i in range(1, top + 1))


def msh(event: str, control: str) -> str:
    return seg(
        "MSH",
        {
            2: "^~\\&",
            3: "EHRX",
            4: "NORTHCLINIC",
            5: "INTAKE",
            6: "ORTHO",
            7: "20261120093000",
            9: event,
            10: control,
            11: "P",
            12: "2.5",
        },
    )


REF_I12 = "\r".join(
    [
        msh("REF^I12^REF_I12", "MSG0001"),
        seg(
            "RF1",
            {
                1: "A^Active^HL70283",
                2: "S^STAT^HL70280",
                3: "SP^Specialty^HL70281",
                5: "RQ^Request^HL70282",
                6: "RF-778",
                7: "20261119",
                8: "20270519",
                10: "O^Provider ordered^HL70336",
            },
        ),
        seg("AUT", {1: "PPO1^Gold PPO", 2: "BLU01", 3: "Bluebonnet Health", 6: "AU-55 12"}),
        seg(
            "PRD",
            {
                1: "RP^Referring Provider^HL70286",
                2: "Carrow^Annika^M^^Dr^MD",
                3: "12 Mesquite St^^Austin^TX^78701",
                4: "^^^Mesquite Clinic",
                5: "^WPN^PH^^1^512^5550143~^WPN^FX^^1^512^5550199",
                7: "1234567893^NPI",
            },
        ),
        seg(
            "PRD",
            {
                1: "RT^Referred to Provider^HL70286",
                2: "Vantongeren^Luis^^^Dr^M.D., FAAOS",
                3: "400 Caliche Ave^Suite 210^Austin^TX^78705",
                4: "^^^Caliche Ortho",
                5: "^WPN^PH^^1^512^5550300",
                7: "1245319599^NPI",
            },
        ),
        seg(
            "PID",
            {
                1: "1",
                3: "000123^^^NCL^PI~mr-44 71^^^NCL^MR",
                5: "Wexley^Jorunn^Q^Jr",
                7: "19550304",
                8: "F",
                11: "1 Elm Bend^Apt 2^Austin^TX^78702-1234",
                13: "^PRN^PH^^1^512^5550111",
                15: "es^Spanish^ISO6391",
            },
        ),
        seg(
            "IN1",
            {
                1: "1",
                2: "PPO1^Gold PPO",
                3: "BLU01",
                4: "Bluebonnet Health",
                8: "GRP-998",
                16: "Wexley^Arvid^K",
                17: "SPO^Spouse^HL70063",
                18: "19530110",
                36: "w12 345-678",
            },
        ),
        seg("IN2", {1: "E-55"}),
        seg(
            "IN1",
            {
                1: "2",
                2: "MCD^Medicaid",
                3: "TXMCD",
                4: "Texas Medicaid",
                17: "SEL^Self^HL70063",
                36: "TXM 5521",
            },
        ),
        seg("DG1", {1: "1", 3: "M1711^Unilateral primary osteoarthritis, right knee^I10", 6: "A"}),
        seg("DG1", {1: "2", 3: "715.96^Osteoarthrosis, lower leg^I9", 6: "A"}),
        seg("AL1", {1: "1", 3: "70618^Penicillin^RXNORM"}),
        seg("PR1", {1: "1", 3: "99244^Office consultation^C4", 5: "20261119"}),
        seg("NTE", {1: "1", 3: "Knee pain for 6 months \\T\\ failed PT"}),
    ]
)

ADT_A04 = "\r".join(
    [
        msh("ADT^A04^ADT_A01", "MSG0002"),
        seg("EVN", {1: "A04", 2: "20261121080000"}),
        seg(
            "PID",
            {
                1: "1",
                3: "55-1902^^^NCL^MR",
                5: "Ostrander^Pell",
                7: "19880812",
                8: "M",
                11: "77 Agave Loop^^Buda^TX^78610",
                13: "5125550177",
            },
        ),
        seg(
            "PV1",
            {
                1: "1",
                2: "O",
                4: "U",
                7: "1245319599^Vantongeren^Luis^^^^MD^^^^^^NPI",
                8: "1234567893^Carrow^Annika^^^^MD^^^^^^NPI",
            },
        ),
        seg("PV2", {3: "R07.9^Chest pain, unspecified^I10"}),
        seg("IN1", {1: "1", 2: "HMO^Aetna HMO", 3: "AET01", 4: "Aetna", 17: "SEL", 36: "AET-9001"}),
        seg("DG1", {1: "1", 3: "R079^Chest pain, unspecified^I10", 6: "A"}),
    ]
)


def v(field: Field | None) -> object:
    assert field is not None
    return field.value


@pytest.fixture(scope="module")
def ref_i12() -> Referral:
    parsed = parse_hl7v2(REF_I12.encode())
    assert len(parsed) == 1
    return parsed[0][0]


def test_ref_i12_patient(ref_i12: Referral) -> None:
    p = ref_i12.patient
    assert (v(p.first_name), v(p.middle_name), v(p.last_name), v(p.suffix)) == ("Jorunn", "Q", "Wexley", "Jr")
    assert (v(p.date_of_birth), v(p.sex), v(p.phone), v(p.mrn)) == ("1955-03-04", "F", "5125550111", "MR4471")
    assert p.address is not None
    assert (v(p.address.line1), v(p.address.line2), v(p.address.postal_code)) == (
        "1 Elm Bend",
        "Apt 2",
        "78702",
    )
    assert v(p.preferred_language) == "es"
    assert p.first_name is not None and p.first_name.confidence == 1.0


def test_ref_i12_providers_by_role(ref_i12: Referral) -> None:
    rp, to = ref_i12.referring_provider, ref_i12.referred_to
    assert rp is not None and to is not None
    assert (v(rp.first_name), v(rp.last_name), v(rp.credentials), v(rp.npi)) == (
        "Annika",
        "Carrow",
        "MD",
        "1234567893",
    )
    assert (v(rp.phone), v(rp.fax), v(rp.organization)) == ("5125550143", "5125550199", "Mesquite Clinic")
    assert (v(to.last_name), v(to.credentials), v(to.npi)) == ("Vantongeren", "MD, FAAOS", "1245319599")
    assert to.address is not None and v(to.address.line2) == "Suite 210"


def test_ref_i12_referral_insurance_and_codes(ref_i12: Referral) -> None:
    assert v(ref_i12.urgency) == "stat"
    assert v(ref_i12.referral_date) == "2026-11-19"
    assert v(ref_i12.authorization_number) == "AU5512"
    # RF1-10 "Provider ordered" is a referral category, not a clinical reason: the note is used instead.
    assert ref_i12.reason is not None and ref_i12.reason.value == "Knee pain for 6 months & failed PT"
    assert v(ref_i12.clinical_summary) == "Knee pain for 6 months & failed PT"
    primary, secondary = ref_i12.insurance
    assert (v(primary.payer_name), v(primary.payer_id), v(primary.plan_name)) == (
        "Bluebonnet Health",
        "BLU01",
        "Gold PPO",
    )
    assert (v(primary.member_id), v(primary.group_number)) == ("W12345678", "GRP998")
    assert (v(primary.subscriber_name), v(primary.subscriber_relationship)) == ("Arvid K Wexley", "spouse")
    assert v(primary.subscriber_date_of_birth) == "1953-01-10"
    assert (v(secondary.payer_name), v(secondary.member_id), v(secondary.subscriber_relationship)) == (
        "Texas Medicaid",
        "TXM5521",
        "self",
    )
    icd, icd9 = ref_i12.diagnoses
    assert (icd.code.value, icd.code.confidence) == ("M17.11", 1.0)
    assert icd9.code.value is None and icd9.code.text == "I9 715.96"  # not ICD-10-CM: no code, term kept
    assert [(p.code.value, v(p.description)) for p in ref_i12.procedures] == [
        ("99244", "Office consultation")
    ]
    assert [a.value for a in ref_i12.allergies] == ["Penicillin"]


def test_adt_a04_registration() -> None:
    ((ref, _notes),) = parse_hl7v2(ADT_A04.encode())
    assert (v(ref.patient.first_name), v(ref.patient.last_name), v(ref.patient.sex)) == (
        "Pell",
        "Ostrander",
        "M",
    )
    assert v(ref.patient.mrn) == "551902"
    assert ref.referring_provider is not None and v(ref.referring_provider.last_name) == "Carrow"
    assert v(ref.referring_provider.npi) == "1234567893"
    assert ref.referred_to is not None and v(ref.referred_to.last_name) == "Vantongeren"
    assert v(ref.urgency) == "urgent"  # PV1-4 admission type U
    assert v(ref.reason) == "Chest pain, unspecified"  # PV2-3 admit reason
    assert [d.code.value for d in ref.diagnoses] == ["R07.9"]
    assert [v(c.member_id) for c in ref.insurance] == ["AET9001"]
    # No RF1: the message time stands in for the referral date, below auto-accept confidence.
    assert ref.referral_date is not None and ref.referral_date.value == "2026-11-20"
    assert ref.referral_date.confidence == 0.9


def test_batch_with_two_messages_and_lf_line_ends() -> None:
    batch = (
        "FHS|^~\\&|EHRX\nBHS|^~\\&|EHRX\n" + REF_I12.replace("\r", "\n") + "\n" + ADT_A04 + "\nBTS|2\nFTS|1\n"
    )
    refs, _ = parse_structured("hl7v2", batch.encode())
    assert [v(r.patient.last_name) for r in refs] == ["Wexley", "Ostrander"]


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        (b"PID|1||123^^^X^MR||Wexley^Jorunn", "MSH"),
        (b"\x00\x01\x02 not hl7 at all", "MSH"),
        (REF_I12.replace("|2.5", "|9.9", 1).encode(), "could not be parsed"),
        (msh("REF^I12^REF_I12", "X1").encode() + b"\rRF1|A", "no PID"),
    ],
    ids=["no-msh", "binary", "unknown-version", "no-pid"],
)
def test_malformed_messages_are_unreadable(payload: bytes, needle: str) -> None:
    with pytest.raises(UnreadableDocument) as info:
        parse_hl7v2(payload)
    assert info.value.reason == "malformed"
    assert needle in str(info.value)
    assert "Wexley" not in str(info.value)  # no PHI in the message


def test_strict_structure_check_adds_a_note_without_phi() -> None:
    assert parse_hl7v2(REF_I12.encode())[0][1] == []  # the example messages conform to v2.5
    assert parse_hl7v2(ADT_A04.encode())[0][1] == []
    # PRD-4 facility longer than HD.1 allows (20): still read, but the reviewer is told.
    long_name = REF_I12.replace("^^^Mesquite Clinic", "^^^Mesquite Family Medicine Clinic")
    ((ref, notes),) = parse_hl7v2(long_name.encode())
    assert notes == [
        "HL7 v2 REF^I12 message does not validate strictly (MaxLengthReached); values read tolerantly"
    ]
    assert ref.referring_provider is not None
    assert v(ref.referring_provider.organization) == "Mesquite Family Medicine Clinic"


def test_latin1_message_is_read() -> None:
    latin = ADT_A04.replace("Ostrander^Pell", "Ostränder^Pell").encode("latin-1")
    ((ref, _),) = parse_hl7v2(latin)
    assert v(ref.patient.last_name) == "Ostränder"
