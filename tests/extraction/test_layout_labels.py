"""Labels beside and above their values, tables with role rows, checkboxes, header bands, prose and cards."""

from __future__ import annotations

from extraction_pages import codes, make_doc, value

from referral_intake.extraction.extractor import extract_document


def test_labels_above_values_in_boxes() -> None:
    doc = make_doc(
        [
            (50, 60, "PATIENT", 11),
            (50, 80, "Surname", 7),
            (200, 80, "Given Name", 7),
            (350, 80, "Birth Date", 7),
            (50, 92, "Castellanos"),
            (200, 92, "Ignacio"),
            (350, 92, "11-02-1948"),
            (50, 112, "Member ID", 7),
            (200, 112, "Group No.", 7),
            (50, 124, "QXA 5521-0098"),
            (200, 124, "77120"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.last_name") == "Castellanos"
    assert value(ext, "patient.first_name") == "Ignacio"
    assert value(ext, "patient.date_of_birth") == "1948-11-02"
    assert value(ext, "insurance.0.member_id") == "QXA55210098"
    assert value(ext, "insurance.0.group_number") == "77120"


def test_table_rows_that_name_their_role() -> None:
    doc = make_doc(
        [
            (50, 60, "Care Team", 11),
            (50, 80, "Type"),
            (150, 80, "Name"),
            (300, 80, "NPI"),
            (400, 80, "Fax"),
            (50, 96, "Referring"),
            (150, 96, "Nadia Petrov, MD"),
            (300, 96, "1234567893"),
            (400, 96, "313-555-0100"),
            (50, 112, "Referred to"),
            (150, 112, "Omar Haddad, DO"),
            (300, 112, "1245319599"),
            (400, 112, "313-555-0177"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referring_provider.last_name") == "Petrov"
    assert value(ext, "referring_provider.fax") == "3135550100"
    assert value(ext, "referred_to.last_name") == "Haddad"
    assert value(ext, "referred_to.npi") == "1245319599"
    assert value(ext, "referred_to.fax") == "3135550177"


def test_diagnosis_table_and_checkbox_urgency() -> None:
    doc = make_doc(
        [
            (50, 60, "Diagnosis Code"),
            (180, 60, "Description"),
            (50, 76, "M17.11"),
            (180, 76, "Unilateral primary osteoarthritis, right knee"),
            (50, 92, "E11.9"),
            (180, 92, "Type 2 diabetes mellitus without complications"),
            (50, 130, "Priority:  [ ] Routine   [X] Urgent   [ ] Stat"),
        ]
    )
    ext = extract_document(doc)
    assert codes(ext) == {"M17.11", "E11.9"}
    descs = {c.code.value: c.description.value for c in ext.referrals[0].diagnoses if c.description}
    assert descs["M17.11"] == "Unilateral primary osteoarthritis, right knee"
    assert value(ext, "urgency") == "urgent"


def test_invalid_icd_codes_are_not_reported() -> None:
    doc = make_doc([(50, 60, "Dx: Z99.999 and Q12.345 and M54.50")])
    assert codes(extract_document(doc)) == {"M54.50"}


def test_ehr_header_band_names_the_patient() -> None:
    doc = make_doc(
        [
            (40, 30, "WHITTAKER, BEATRIX L"),
            (220, 30, "DOB: 02/14/1937"),
            (340, 30, "MRN: 00-448-192"),
            (40, 70, "Progress Note"),
            (40, 90, "Attending: Samuel Ngata, MD"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.last_name") == "WHITTAKER"
    assert value(ext, "patient.first_name") == "BEATRIX"
    assert value(ext, "patient.date_of_birth") == "1937-02-14"
    assert value(ext, "patient.mrn") == "00448192"
    assert value(ext, "referring_provider.last_name") == "Ngata"


def test_prose_referral_letter() -> None:
    doc = make_doc(
        [
            (60, 60, "November 2, 2026"),
            (60, 100, "Dear Dr. Albrecht,"),
            (60, 130, "I am referring Mrs. Jane Q. Doe, DOB 3/4/1955, for evaluation of chronic"),
            (60, 144, "right knee pain (M17.11). She is a 71-year-old female."),
            (60, 200, "Sincerely,"),
            (60, 230, "Miriam Osei, MD"),
            (60, 244, "NPI 1234567893"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.first_name") == "Jane"
    assert value(ext, "patient.middle_name") == "Q"
    assert value(ext, "patient.last_name") == "Doe"
    assert value(ext, "patient.date_of_birth") == "1955-03-04"
    assert value(ext, "patient.sex") == "F"
    assert value(ext, "referring_provider.last_name") == "Osei"
    assert value(ext, "referring_provider.npi") == "1234567893"
    assert value(ext, "referred_to.last_name") is None or value(ext, "referred_to.last_name") == "Albrecht"
    assert codes(ext) == {"M17.11"}
    assert value(ext, "referral_date") == "2026-11-02"


def test_insurance_card_page() -> None:
    doc = make_doc(
        [
            (40, 40, "Evergreen Health Plan", 14),
            (40, 70, "Member: LUIS ARROYO"),
            (40, 86, "ID: EVH448812207"),
            (40, 102, "Group: 55081"),
            (40, 118, "RxBIN 610014"),
        ],
        kinds=["insurance_card"],
    )
    ext = extract_document(doc)
    assert value(ext, "insurance.0.member_id") == "EVH448812207"
    assert value(ext, "insurance.0.group_number") == "55081"
    assert value(ext, "insurance.0.payer_name") == "Evergreen Health Plan"
