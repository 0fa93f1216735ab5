"""The patient's fields on layouts the extractor was not built around: captions printed under their values,
numbered member grids, pediatric forms with a guardian, narrative letters, EHR banners and fax-cover patient
lines; and that the patient is never confused with a guardian, subscriber or provider. Synthetic people only."""

from __future__ import annotations

from extraction_pages import make_doc, value

from referral_intake.extraction.candidates import Source, emit
from referral_intake.extraction.extractor import extract_document
from referral_intake.extraction.layout import Cell, find_labels
from referral_intake.extraction.lexicon import PATIENT, match_label, norm_label, slash_label
from referral_intake.reading.model import Word


def _words(text: str) -> list[Word]:
    return [Word(t, 10.0 * i, 0.0, 10.0 * i + 8, 8.0, 1.0) for i, t in enumerate(text.split())]


def test_slash_alternatives_name_one_field_or_none() -> None:
    mrn = slash_label("Chart / MRN #")
    phone = slash_label("Home / cell phone")
    unit = slash_label("Apt / unit")
    assert mrn is not None and mrn.key == "mrn"
    assert phone is not None and phone.key == "phone"
    assert unit is not None and unit.key == "address2"
    assert slash_label("Name / DOB") is None  # two fields
    assert slash_label("Spouse / phone") is None  # someone else's number
    assert slash_label("Parent / guardian") is None
    acct = match_label("Account / MRN")
    assert acct is not None and acct.key == "mrn"


def test_parenthetical_hints_and_pediatric_words() -> None:
    assert norm_label("Preferred language (if not English)") == "preferred language"
    child = match_label("CHILD'S NAME (first, middle, last)")
    assert child is not None and child.key == "name" and child.role == PATIENT
    lang = match_label("FAMILY LANGUAGE")
    assert lang is not None and lang.key == "language"
    provider = match_label("Provider (last, first)")
    assert provider is not None and provider.role != PATIENT


def test_checkbox_choices_are_a_value_not_the_label_m_f() -> None:
    cell = Cell(_words("☐ M ☒ F ☐ X"), 0)
    assert find_labels(cell) == []


def test_last_name_box_with_a_generational_suffix() -> None:
    got = {
        c.path: c.value
        for c in emit(PATIENT, "last_name", Source(1, _words("Castellanos Jr"), "table", 0.8, "label"))
    }
    assert got == {"patient.last_name": "Castellanos", "patient.suffix": "Jr"}


def test_ticked_language_option() -> None:
    got = emit(PATIENT, "language", Source(1, _words("☐ English ☒ Spanish ☐ Other"), "right", 0.8, "label"))
    assert [c.value for c in got] == ["Spanish"]


def test_captions_under_filled_lines() -> None:
    doc = make_doc(
        [
            (200, 50, "Lakeview Family Practice"),
            (210, 80, "OUTPATIENT CONSULT REQUEST"),
            (50, 120, "Ostrowski"),
            (200, 120, "Helena"),
            (320, 120, "R"),
            (390, 120, "11/02/1979"),
            (500, 120, "[ ] M [X] F"),
            (48, 132, "Patient last name", 7),
            (198, 132, "First name", 7),
            (318, 132, "Middle initial", 7),
            (388, 132, "Date of birth", 7),
            (500, 132, "Sex", 7),
            (50, 160, "88 Cottonwood Ln"),
            (250, 160, "Unit 7"),
            (320, 160, "Boise"),
            (450, 160, "ID"),
            (500, 160, "83702"),
            (48, 172, "Street address", 7),
            (248, 172, "Apt / Unit", 7),
            (318, 172, "City", 7),
            (448, 172, "State", 7),
            (498, 172, "ZIP", 7),
            (50, 200, "208-555-0147"),
            (200, 200, "C-4410297"),
            (340, 200, "Vietnamese"),
            (48, 212, "Home / Cell Phone", 7),
            (198, 212, "Chart / MRN #", 7),
            (338, 212, "Preferred language (if not English)", 7),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.last_name") == "Ostrowski"
    assert value(ext, "patient.first_name") == "Helena"
    assert value(ext, "patient.sex") == "F"
    assert value(ext, "patient.address.line1") == "88 Cottonwood Ln"
    assert value(ext, "patient.address.line2") == "Unit 7"
    assert value(ext, "patient.address.city") == "Boise"
    assert value(ext, "patient.address.state") == "ID"
    assert value(ext, "patient.phone") == "2085550147"
    assert value(ext, "patient.mrn") == "C4410297"
    assert value(ext, "patient.preferred_language") == "Vietnamese"
    assert value(ext, "patient.middle_name") == "R"


def test_numbered_member_grid_keeps_the_member_apart_from_the_provider_and_plan() -> None:
    doc = make_doc(
        [
            (48, 50, "PRIOR AUTHORIZATION REQUEST"),
            (52, 80, "1  MEMBER", 11),
            (50, 100, "Last name", 8),
            (170, 100, "First name", 8),
            (270, 100, "MI", 8),
            (306, 100, "Date of birth", 8),
            (446, 100, "Member ID", 8),
            (51, 114, "Halvorsen"),
            (171, 114, "Ingrid"),
            (307, 114, "5/9/1990"),
            (447, 114, "QHP88120931"),
            (50, 132, "Street", 8),
            (250, 132, "City", 8),
            (360, 132, "ST", 8),
            (390, 132, "ZIP", 8),
            (51, 146, "14 Quarry Rd"),
            (251, 146, "Lansing"),
            (361, 146, "MI"),
            (391, 146, "48933"),
            (50, 166, "Health plan", 8),
            (51, 180, "Blue Harbor Health Plan"),
            (52, 214, "2  REQUESTING PROVIDER", 11),
            (50, 234, "Provider (last, first)", 8),
            (250, 234, "NPI", 8),
            (51, 248, "Whitcombe, Dana"),
            (251, 248, "1234567893"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.last_name") == "Halvorsen"
    assert value(ext, "patient.first_name") == "Ingrid"
    assert value(ext, "patient.middle_name") is None  # not "Harbor" from the plan, not "MI" the state
    assert value(ext, "patient.address.state") == "MI"
    assert value(ext, "patient.address.city") == "Lansing"


def test_pediatric_form_names_the_child_not_the_guardian() -> None:
    doc = make_doc(
        [
            (48, 50, "Pediatric Subspecialty Referral"),
            (50, 90, "CHILD'S NAME (first, middle, last)", 7),
            (250, 90, "DATE OF BIRTH", 7),
            (360, 90, "SEX", 7),
            (52, 104, "Mateo Ruiz Calder"),
            (252, 104, "04-Jan-2017"),
            (362, 104, "Male"),
            (50, 140, "PARENT / LEGAL GUARDIAN", 7),
            (250, 140, "RELATIONSHIP TO CHILD", 7),
            (470, 140, "FAMILY LANGUAGE", 7),
            (52, 154, "Rosa Calder"),
            (252, 154, "Mother"),
            (472, 154, "Portuguese"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.first_name") == "Mateo"
    assert value(ext, "patient.middle_name") == "Ruiz"
    assert value(ext, "patient.last_name") == "Calder"
    assert value(ext, "patient.preferred_language") == "Portuguese"


def test_narrative_letter_subject_line_phone_and_language() -> None:
    doc = make_doc(
        [
            (48, 50, "Granite Falls Community Health"),
            (48, 90, "March 3, 2026"),
            (48, 130, "RE:  Ana Lucia de la Cruz, born July 9, 1958"),
            (48, 160, "Dear Dr. Osei:"),
            (48, 180, "Thank you for seeing Ms. de la Cruz. I am referring her for chronic cough."),
            (48, 196, "She is covered by Harbor Mutual Insurance, member ID HM5521, and can be reached at"),
            (48, 210, "(919) 555-0163. She prefers Tagalog; please arrange an interpreter."),
            (48, 240, "Sincerely,"),
            (48, 270, "Priya Raman, MD"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.first_name") == "Ana"
    assert value(ext, "patient.last_name") == "de la Cruz"
    assert value(ext, "patient.date_of_birth") == "1958-07-09"
    assert value(ext, "patient.phone") == "9195550163"
    assert value(ext, "patient.preferred_language") == "Tagalog"


def test_ehr_banner_mrn_and_address_beside_the_name() -> None:
    doc = make_doc(
        [
            (46, 48, "LINDGREN, Tobias Ray", 11),
            (480, 48, "2207 Aspen Way", 8),
            (46, 61, "DOB 02/11/1969 (57 y.o.)   Male   MRN E5512093   Ph 614-555-0188", 8.5),
            (480, 58, "Columbus, OH 43215", 8),
            (48, 100, "Office Visit"),
            (48, 120, "SUBJECTIVE"),
            (60, 134, "HPI: 57-year-old man with knee pain for 3 months."),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.last_name") == "LINDGREN"
    assert value(ext, "patient.mrn") == "E5512093"
    assert value(ext, "patient.address.line1") == "2207 Aspen Way"
    assert value(ext, "patient.address.city") == "Columbus"


def test_fax_cover_patient_line_carries_phone_and_email() -> None:
    cover = [
        (48, 60, "FAX"),
        (48, 100, "To:"),
        (95, 100, "Summit Digestive Health"),
        (48, 120, "Phone:"),
        (95, 120, "(614) 555-0133"),
        (48, 140, "From:"),
        (95, 140, "Referral Coordinator"),
        (48, 160, "Phone:"),
        (95, 160, "(651) 555-0102"),
    ]
    form = [
        (48, 50, "Referral for Specialty Consultation"),
        (48, 75, "Patient: VOSS, Leni T."),
        (163, 75, "DOB: 04-Apr-1986"),
        (245, 75, "Sex: F"),
        (278, 75, "MRN: E3226827"),
        (48, 90, "Address: 12 Harbor Ave, Duluth, MN 55802"),
        (325, 90, "Phone: (218) 555-0160"),
        (425, 90, "leni.voss@example.com"),
        (48, 105, "Subscriber: Jonas Voss (Spouse)"),
        (48, 120, "Referring: Mara Lind, DO"),
    ]
    ext = extract_document(make_doc(cover, form, kinds=["cover_sheet", "referral_form"]))
    assert value(ext, "patient.last_name") == "VOSS"
    assert value(ext, "patient.phone") == "2185550160"
    assert value(ext, "patient.email") == "leni.voss@example.com"


def test_record_number_under_an_employer_row_is_still_the_patients() -> None:
    doc = make_doc(
        [
            (180, 70, "PATIENT", 8),
            (51, 90, "Name"),
            (181, 90, "BERG, Oskar"),
            (51, 107, "Date of birth"),
            (181, 107, "12/19/1986"),
            (51, 124, "Employer"),
            (181, 124, "Northwind School District"),
            (51, 141, "Account / MRN"),
            (181, 141, "E4416347"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.mrn") == "E4416347"
    assert value(ext, "patient.last_name") == "BERG"


def test_ocr_glued_label_and_digits_split_only_after_a_label_word() -> None:
    from referral_intake.extraction.layout import _unglue_label_digits

    w = Word("Phone225/555-0170", 0.0, 0.0, 85.0, 8.0, 0.9)
    assert [x.text for x in _unglue_label_digits(w)] == ["Phone", "225/555-0170"]
    assert [x.text for x in _unglue_label_digits(Word("Abc12345", 0, 0, 40, 8, 0.9))] == ["Abc12345"]


def test_guardian_and_emergency_contact_numbers_are_not_the_patients() -> None:
    doc = make_doc(
        [
            (48, 50, "PATIENT INFORMATION"),
            (48, 70, "Patient Name: Ilse Marrow"),
            (48, 86, "DOB: 02/03/2015"),
            (48, 102, "Home Phone: (303) 555-0122"),
            (48, 130, "EMERGENCY CONTACT"),
            (48, 146, "Name: Theo Marrow"),
            (48, 162, "Phone: (303) 555-0199"),
            (48, 190, "Parent / Guardian: Theo Marrow"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.first_name") == "Ilse"
    assert value(ext, "patient.last_name") == "Marrow"
    assert value(ext, "patient.phone") == "3035550122"


def test_patient_block_under_a_header_still_reads_unlabelled_address_lines() -> None:
    doc = make_doc(
        [
            (48, 50, "REFERRAL"),
            (48, 80, "PATIENT"),
            (48, 96, "Name: Jane Roe"),
            (48, 112, "41 Elm Street"),
            (48, 128, "Austin, TX 78701"),
            (48, 160, "REFERRED TO"),
            (48, 176, "Dr. Ann Lee, MD"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.first_name") == "Jane"
    assert value(ext, "patient.address.line1") == "41 Elm Street"
    assert value(ext, "patient.address.city") == "Austin"
