"""Patient and insurance fields on layouts unlike the synthetic generator's: program vocabulary (recipient,
insured, plan id), EHR banners beside a PCP, card copies, payer/plan in one value, prose sex and phone,
right-aligned and stacked values, a guarantor line, and the normalizers behind them. Synthetic people only."""

from __future__ import annotations

from extraction_pages import conf, make_doc, value

from referral_intake.extraction.candidates import Source, emit
from referral_intake.extraction.extractor import extract_document
from referral_intake.extraction.lexicon import PATIENT, match_label, norm_label
from referral_intake.extraction.normalize import parse_address, parse_sex
from referral_intake.reading.model import Word


def _src(text: str) -> Source:
    words = [Word(t, 10.0 * i, 0.0, 10.0 * i + 8, 8.0, 1.0) for i, t in enumerate(text.split())]
    return Source(1, words, "right", 0.8, "label")


def test_program_and_claim_form_labels_are_known() -> None:
    assert match_label("Insured ID") is not None and match_label("Insured ID").key == "member_id"  # type: ignore[union-attr]
    assert match_label("Recipient ID #").key == "member_id"  # type: ignore[union-attr]
    assert match_label("Plan ID #").key == "member_id"  # type: ignore[union-attr]
    assert match_label("Subscriber/Insured").key == "subscriber"  # type: ignore[union-attr]
    assert match_label("Insured party").key == "subscriber"  # type: ignore[union-attr]
    sex = match_label("M / F")
    assert sex is not None and sex.key == "sex"
    # A recipient's birth date is the patient's; a recipient's name only where the section says so.
    dob = match_label("Recipient DOB")
    name = match_label("Recipient Name")
    assert dob is not None and dob.role == PATIENT
    assert name is not None and name.key == "name" and name.role is None


def test_date_format_hint_is_not_part_of_the_label() -> None:
    assert norm_label("DOB (mm/dd/yyyy)") == "dob"
    assert norm_label("Date of Birth (MM/DD/YY):") == "date of birth"


def test_ehr_banner_name_is_the_patient_not_the_pcp_beside_it() -> None:
    doc = make_doc(
        [
            (40, 60, "OKAFOR-BRANDT, LIONEL JAMES"),
            (400, 60, "Enc #55501234"),
            (40, 76, "DOB: 03/14/1961 (65 y) Sex: Male MRN: Q7731002"),
            (400, 76, "PCP: Vandermeer, Hilda PA-C"),
            (40, 110, "Referral Order"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.last_name") == "OKAFOR-BRANDT"
    assert value(ext, "patient.first_name") == "LIONEL"
    assert value(ext, "patient.middle_name") == "JAMES"


def test_card_copy_title_is_no_payer_and_the_plan_line_follows_the_payer() -> None:
    doc = make_doc(
        [
            (40, 60, "COPY OF INSURANCE CARD - FRONT AND BACK"),
            (40, 84, "Bluewater Mutual"),
            (40, 98, "Bluewater Silver HMO"),
            (40, 120, "Member"),
            (300, 120, "HILDA VANDERMEER"),
            (40, 136, "Member ID"),
            (300, 136, "BWM 4471 22090"),
            (40, 170, "Member services 800-555-0199"),
        ],
        kinds=["insurance_card"],
    )
    ext = extract_document(doc)
    assert value(ext, "insurance.0.payer_name") == "Bluewater Mutual"
    assert value(ext, "insurance.0.plan_name") == "Bluewater Silver HMO"
    assert value(ext, "insurance.0.member_id") == "BWM447122090"
    assert value(ext, "patient.last_name") == "VANDERMEER"


def test_payer_and_plan_in_one_coverage_value() -> None:
    got = {
        c.path: c.value for c in emit("insurance", "payer", _src("Bluewater Mutual / Bluewater Silver HMO"))
    }
    assert got == {
        "insurance.0.payer_name": "Bluewater Mutual",
        "insurance.0.plan_name": "Bluewater Silver HMO",
    }


def test_sentences_and_phone_numbers_are_no_plan_or_member_id() -> None:
    assert emit("insurance", "plan", _src("specialist opinion requested; follow up in 6 weeks")) == []
    assert emit("insurance", "member_id", _src("services 800-555-0117")) == []
    assert emit("insurance", "member_id", _src("800-555-0117")) == []
    assert [c.value for c in emit("insurance", "member_id", _src("QXR 4471 22090"))] == ["QXR447122090"]


def test_subscriber_with_relationship_in_parentheses() -> None:
    got = {c.path: c.value for c in emit("insurance", "subscriber", _src("Hilda Vandermeer (Parent)"))}
    assert got["insurance.0.subscriber_name"] == "Hilda Vandermeer"
    assert got["insurance.0.subscriber_relationship"] == "parent"
    noisy = emit("insurance", "relationship", _src("to subscriber self"))
    assert [c.value for c in noisy] == ["self"]


def test_guarantor_with_its_value_is_the_subscriber_and_its_relation_too() -> None:
    doc = make_doc(
        [
            (40, 60, "Patient Demographics"),
            (40, 80, "Legal name"),
            (140, 80, "Brandt, Lionel James"),
            (340, 80, "Payer"),
            (420, 80, "Bluewater Mutual"),
            (40, 96, "Address"),
            (140, 96, "12 Quarry Lane"),
            (340, 96, "Guarantor"),
            (420, 96, "Hilda Brandt"),
            (140, 112, "Dayton OH 45402"),
            (340, 112, "Relation"),
            (420, 112, "Parent"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "insurance.0.subscriber_name") == "Hilda Brandt"
    assert str(value(ext, "insurance.0.subscriber_relationship")).lower() == "parent"
    assert value(ext, "patient.last_name") == "Brandt"


def test_letter_states_sex_and_phone_in_prose_without_confident_guessing() -> None:
    doc = make_doc(
        [
            (60, 80, "Dear Dr. Okafor,"),
            (
                60,
                100,
                "I would be grateful if you could see a 58-year-old woman from my panel for knee pain.",
            ),
            (60, 114, "She can be reached at (614) 555-0142. Please schedule at your convenience."),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.sex") == "F"
    assert conf(ext, "patient.sex") < 0.95  # narrative words may describe someone else: reviewed
    assert value(ext, "patient.phone") == "6145550142"


def test_prose_patient_with_day_month_year_birth_date() -> None:
    doc = make_doc(
        [(60, 100, "Please see Hilda Rose Vandermeer (born 28-Jun-1940) in your clinic for diabetes.")]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.date_of_birth") == "1940-06-28"
    assert value(ext, "patient.last_name") == "Vandermeer"


def test_right_aligned_address_wraps_under_its_value() -> None:
    # Values flush right at x=555 (x = 555 - the text's width in 10 pt Helvetica).
    doc = make_doc(
        [
            (54, 100, "Patient Information"),
            (54, 120, "Residence"),
            (439.96, 120, "7573 Quarry Trail, Unit 12"),
            (451.06, 134, "Round Rock, TX 78664"),
            (54, 148, "Contact #"),
            (492.74, 148, "512-555-0138"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.address.line1") == "7573 Quarry Trail"
    assert value(ext, "patient.address.city") == "Round Rock"
    assert value(ext, "patient.address.postal_code") == "78664"


def test_stacked_weak_label_takes_the_value_below_only_when_it_validates() -> None:
    doc = make_doc(
        [
            (54, 100, "Client"),
            (54, 114, "Lionel Brandt"),
            (54, 140, "Gender"),
            (54, 154, "Male"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.last_name") == "Brandt"
    assert value(ext, "patient.sex") == "M"


def test_lone_letter_value_is_not_taken_for_an_abbreviated_label() -> None:
    doc = make_doc(
        [
            (54, 100, "Patient"),
            (54, 120, "Sex at Birth:"),
            (160, 120, "F"),
            (54, 136, "Name:"),
            (160, 136, "Ann Brandt"),
        ]
    )
    assert value(extract_document(doc), "patient.sex") == "F"


def test_normalizers_for_titles_and_two_word_states() -> None:
    assert parse_sex("Mrs.") == "F" and parse_sex("gentleman") == "M"
    a = parse_address("8315 Kestrel Trail, Fargo, North Dakota 58102")
    assert a is not None and a.state == "ND" and a.city == "Fargo"


def test_numbered_claim_form_boxes_with_fill_hints() -> None:
    assert match_label("1a. INSURED'S I.D. NUMBER").key == "member_id"  # type: ignore[union-attr]
    name = match_label("2. PATIENT'S NAME (Last Name, First Name, Middle Initial)")
    assert name is not None and name.key == "name" and name.role == PATIENT
    assert match_label("11. INSURED'S POLICY GROUP OR FECA NUMBER").key == "group"  # type: ignore[union-attr]
    assert match_label("1 Oak St") is None  # a street number is no box number
    doc = make_doc(
        [
            (40, 60, "2. PATIENT'S NAME (Last Name, First Name, Middle Initial)"),
            (40, 74, "BRANDT, LIONEL J"),
            (420, 60, "3. PATIENT'S BIRTH DATE"),
            (420, 74, "03/14/1961"),
            (40, 100, "1a. INSURED'S I.D. NUMBER"),
            (40, 114, "QXR447122090"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.last_name") == "BRANDT"
    assert value(ext, "patient.date_of_birth") == "1961-03-14"
    assert value(ext, "insurance.0.member_id") == "QXR447122090"
