"""C-CDA parser against every public HL7 example in shared/data/ccda (values read from the files by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from referral_intake.contract import Field, Referral
from referral_intake.errors import UnreadableDocument
from referral_intake.extraction.structured.ccda import parse_ccda
from referral_intake.extraction.structured.cda_xml import embedded_document

CCDA_DIR = Path(__file__).parent / "data" / "ccda"  # CC0 copies of the public HL7 examples
ALL = sorted(CCDA_DIR.glob("*.xml"))


def load(name: str) -> bytes:
    return (CCDA_DIR / name).read_bytes()


def v(field: Field | None) -> object:
    assert field is not None
    return field.value


@pytest.fixture(scope="module")
def referral_note() -> Referral:
    ref, notes = parse_ccda(load("Referral_Note.xml"))
    assert notes == []
    return ref


def test_public_examples_are_present() -> None:
    assert len(ALL) >= 9, f"expected the public C-CDA examples in {CCDA_DIR}"


def test_referral_note_patient(referral_note: Referral) -> None:
    p = referral_note.patient
    assert (v(p.first_name), v(p.last_name), v(p.date_of_birth), v(p.sex)) == (
        "Eve",
        "Betterhalf",
        "1975-05-01",
        "F",
    )
    assert p.middle_name is not None and p.middle_name.value is None  # "use=SRCH" birth name ignored
    assert v(p.phone) == "5555552003"
    assert p.address is not None
    assert (v(p.address.line1), v(p.address.city), v(p.address.state), v(p.address.postal_code)) == (
        "2222 Home Street",
        "Beaverton",
        "OR",
        "97867",
    )
    assert v(p.preferred_language) == "eng"
    assert p.mrn is not None and p.mrn.value is None  # the only id is an SSN: never an MRN
    assert p.first_name is not None and p.first_name.confidence == 1.0


def test_referral_note_providers(referral_note: Referral) -> None:
    rp = referral_note.referring_provider
    assert rp is not None
    assert (v(rp.first_name), v(rp.last_name), v(rp.credentials)) == ("Patricia", "Primary", "MD")
    # 5555555555 is what the author id states, but it fails the NPI check digit: sent to review.
    assert rp.npi is not None and rp.npi.value == "5555555555" and rp.npi.confidence == 0.5
    assert v(rp.specialty) == "Allopathic & Osteopathic Physicians; Family Medicine, Adult Medicine"
    assert (
        rp.phone is not None and rp.phone.confidence is not None and rp.phone.confidence < 0.95
    )  # +1(555)-1004
    to = referral_note.referred_to
    assert to is not None
    assert (v(to.first_name), v(to.last_name), v(to.credentials)) == ("Nancy", "Nightingale", "RN")
    assert v(to.organization) == "Community Health and Hospitals"
    assert v(to.phone) == "5555551002"
    assert to.address is not None
    assert (v(to.address.line1), v(to.address.line2), v(to.address.city), v(to.address.state)) == (
        "Cardiac Stepdown Unit, 4B",
        "1002 Healthcare Drive",
        "Ann Arbor",
        "MI",
    )


def test_referral_note_referral_fields(referral_note: Referral) -> None:
    assert v(referral_note.referral_date) == "2013-03-11"  # the Patient Referral Act's effectiveTime
    assert v(referral_note.urgency) == "urgent"  # priorityCode A (ASAP)
    assert v(referral_note.reason) == (
        "Patient referral for consultation for full care. Referral Nurse: Nurse Florence,RN"
    )
    assert referral_note.insurance == []  # the Referral Note example has no payers section
    descs = [d.description.value for d in referral_note.diagnoses if d.description]
    # Active problems only; the resolved pneumonia (concern completed, high date) is left out.
    assert descs == ["Type II diabetes mellitus with ulcer (disorder)", "Mixed asthma", "Acute Asthma"]
    assert all(
        d.code.value is None and (d.code.text or "").startswith("SNOMED CT ") for d in referral_note.diagnoses
    )
    assert [m.value for m in referral_note.medications] == [
        "albuterol 0.09 MG/ACTUAT [Proventil]",
        "atenolol 25 MG Oral Tablet",
    ]
    assert [a.value for a in referral_note.allergies] == ["Penicillin", "codeine"]
    summary = v(referral_note.clinical_summary)
    assert isinstance(summary, str) and "pressure ulcer on her left knee" in summary


def test_ccd1_payers_section_becomes_insurance() -> None:
    ref, _ = parse_ccda(load("CCD_1.xml"))
    assert len(ref.insurance) == 1
    cov = ref.insurance[0]
    assert v(cov.payer_name) == "Good Health Insurance"
    assert v(cov.member_id) == "1138345"
    assert v(cov.subscriber_relationship) == "self"
    assert v(cov.subscriber_name) == "Boris Betterhalf"
    assert v(cov.subscriber_date_of_birth) == "1975-05-01"
    assert cov.group_number is not None and cov.group_number.value is None
    assert ref.referred_to is not None and v(ref.referred_to.last_name) == "Specialize"
    # A CCD has no referral act: the document date stands in, with less than full confidence.
    assert ref.referral_date is not None and ref.referral_date.value == "2013-08-15"
    assert ref.referral_date.confidence == 0.9


def test_ccd2_no_information_sections_and_negated_allergy() -> None:
    ref, _ = parse_ccda(load("CCD_2.xml"))
    p = ref.patient
    assert (v(p.first_name), v(p.last_name), v(p.date_of_birth)) == ("Isabella", "Jones", "1950-12-19")
    assert v(p.mrn) == "98765432"  # the MRN id, not the SSN id beside it
    assert v(p.email) == "Isbella.Jones.CCD@gmail.com"
    assert v(p.phone) == "4444444444"
    assert v(p.preferred_language) == "ita"  # preferenceInd true; English is listed but not preferred
    assert ref.allergies == []  # "no known allergies" is a negated observation
    assert ref.medications == [] and ref.diagnoses == []  # sections with nullFlavor NI


def test_transfer_summary_insurance_subscriber() -> None:
    ref, _ = parse_ccda(load("Transfer_Summary.xml"))
    assert [v(c.payer_name) for c in ref.insurance] == ["Good Health Insurance"]
    assert v(ref.insurance[0].subscriber_name) == "Frank A. Everyman"
    assert v(ref.urgency) == "urgent"


def test_history_and_physical_middle_name_and_visit_reason() -> None:
    ref, _ = parse_ccda(load("History_and_Physical.xml"))
    assert (v(ref.patient.first_name), v(ref.patient.middle_name)) == ("Isabella", "Isa")
    assert ref.reason is not None and ref.reason.value == "Dark stools."
    assert ref.reason.confidence == 0.7  # a visit reason, not a stated referral reason


def test_unstructured_document_header_and_embedded_pdf() -> None:
    data = load("Unstructured_Document_embedded_pdf.xml")
    ref, notes = parse_ccda(data)
    assert (v(ref.patient.first_name), v(ref.patient.middle_name), v(ref.patient.last_name)) == (
        "Henry",
        "L",
        "Levin",
    )
    assert notes == ["C-CDA body is an embedded application/pdf document; only the header was extracted"]
    embedded = embedded_document(data)
    assert embedded is not None
    media, body = embedded
    assert media == "application/pdf" and body.startswith(b"%PDF-")


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_every_public_example_parses_with_a_named_patient(path: Path) -> None:
    ref, _ = parse_ccda(path.read_bytes())
    assert ref.patient.last_name is not None and ref.patient.last_name.value
    assert ref.patient.date_of_birth is not None and ref.patient.date_of_birth.confidence == 1.0
    assert ref.referring_provider is not None and ref.referring_provider.last_name is not None


def test_icd10_translation_and_planned_cpt_procedure() -> None:
    """The public examples code problems in SNOMED only; add an ICD-10-CM translation and a planned CPT."""
    data = load("Referral_Note.xml").decode()
    snomed = 'code="195977004" codeSystem="2.16.840.1.113883.6.96" displayName="Mixed asthma"/>'
    assert snomed in data
    data = data.replace(
        snomed,
        snomed[:-2] + '><translation code="J45909" codeSystem="2.16.840.1.113883.6.90" '
        'displayName="Unspecified asthma, uncomplicated"/></value>',
    )
    plan = "<title>TREATMENT PLAN</title>"
    assert plan in data
    data = data.replace(
        plan,
        plan + '<entry><procedure classCode="PROC" moodCode="RQO"><code code="94010" '
        'codeSystem="2.16.840.1.113883.6.12" displayName="Spirometry"/></procedure></entry>',
    )
    ref, _ = parse_ccda(data.encode())
    asthma = [d for d in ref.diagnoses if d.code.value == "J45.909"]
    assert len(asthma) == 1 and asthma[0].code.confidence == 1.0
    assert asthma[0].description is not None and asthma[0].description.value == "Mixed asthma"
    assert [(p.code.value, v(p.description)) for p in ref.procedures] == [("94010", "Spirometry")]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&lol9;</title></ClinicalDocument>
"""

XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE ClinicalDocument [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ClinicalDocument xmlns="urn:hl7-org:v3"><recordTarget><patientRole><patient>
<name><given>&xxe;</given><family>Test</family></name></patient></patientRole></recordTarget></ClinicalDocument>
"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_xml_attacks_are_refused(payload: bytes) -> None:
    with pytest.raises(UnreadableDocument) as info:
        parse_ccda(payload)
    assert info.value.reason == "xml_dtd_refused"
    assert "DOCTYPE" in str(info.value)


def test_xxe_hidden_in_utf16_is_refused() -> None:
    with pytest.raises(UnreadableDocument) as info:
        parse_ccda(XXE.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    assert info.value.reason == "xml_dtd_refused"


def test_malformed_and_foreign_xml() -> None:
    with pytest.raises(UnreadableDocument) as info:
        parse_ccda(b'<ClinicalDocument xmlns="urn:hl7-org:v3"><recordTarget>Jane Doe</ClinicalDocument>')
    assert info.value.reason == "malformed" and "Jane" not in str(info.value)
    with pytest.raises(UnreadableDocument) as info:
        parse_ccda(b"<invoice><total>3</total></invoice>")
    assert info.value.reason == "not_ccda"


def test_excessive_nesting_is_refused_not_crashed() -> None:
    deep = b'<ClinicalDocument xmlns="urn:hl7-org:v3">' + b"<a>" * 100_000 + b"</a>" * 100_000
    with pytest.raises(UnreadableDocument) as info:
        parse_ccda(deep + b"</ClinicalDocument>")
    assert info.value.reason == "malformed"


def test_author_without_npi_takes_it_from_the_same_legal_authenticator() -> None:
    data = load("Referral_Note.xml").decode()
    author_id = '<id extension="5555555555" root="2.16.840.1.113883.4.6"/>'
    start = data.index("<author>")
    data = data[:start] + data[start:].replace(author_id, '<id nullFlavor="UNK"/>', 1)
    data = data.replace(
        '<id extension="5555555555" root="2.16.840.1.113883.4.6"/>',
        author_id.replace("5555555555", "1234567893"),
    )
    ref, _ = parse_ccda(data.encode())
    assert ref.referring_provider is not None and ref.referring_provider.npi is not None
    assert (ref.referring_provider.npi.value, ref.referring_provider.npi.confidence) == ("1234567893", 1.0)
