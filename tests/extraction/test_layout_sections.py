"""Whose "Name:" is it: sections (stacked and side by side) decide between patient and providers."""

from __future__ import annotations

from extraction_pages import make_doc, value

from referral_intake.extraction.extractor import extract_document


def test_two_column_sections_assign_names_to_the_right_person() -> None:
    doc = make_doc(
        [
            (60, 60, "Consultation Request", 16),
            (60, 100, "PATIENT INFORMATION", 11),
            (330, 100, "REFERRING PHYSICIAN", 11),
            (60, 120, "Name:"),
            (130, 120, "Rosalind K. Fairweather"),
            (330, 120, "Name:"),
            (400, 120, "Dr. Tobias Quill, MD"),
            (60, 136, "DOB:"),
            (130, 136, "07/22/1961"),
            (330, 136, "NPI:"),
            (400, 136, "1234567893"),
            (60, 152, "Phone:"),
            (130, 152, "(602) 555-0199"),
            (330, 152, "Phone:"),
            (400, 152, "(602) 555-0142"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.first_name") == "Rosalind"
    assert value(ext, "patient.middle_name") == "K"
    assert value(ext, "patient.last_name") == "Fairweather"
    assert value(ext, "patient.date_of_birth") == "1961-07-22"
    assert value(ext, "patient.phone") == "6025550199"
    assert value(ext, "referring_provider.first_name") == "Tobias"
    assert value(ext, "referring_provider.last_name") == "Quill"
    assert value(ext, "referring_provider.credentials") == "MD"
    assert value(ext, "referring_provider.npi") == "1234567893"
    assert value(ext, "referring_provider.phone") == "6025550142"


def test_stacked_sections_and_referred_to_block_without_labels() -> None:
    doc = make_doc(
        [
            (60, 60, "Patient"),
            (60, 76, "Patient Name: Okonkwo, Adaeze"),
            (60, 92, "Date of Birth: March 3, 1990"),
            (60, 130, "Referred To:"),
            (60, 146, "Lena Marsh, DO"),
            (60, 162, "Harborview Neurology Associates"),
            (60, 178, "4410 Lakeshore Dr, Suite 12"),
            (60, 194, "Madison, WI 53703"),
            (60, 240, "Referred By"),
            (60, 256, "Name: Peter Vance, PA-C"),
            (60, 272, "Fax: 608-555-0111"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.first_name") == "Adaeze"
    assert value(ext, "patient.last_name") == "Okonkwo"
    assert value(ext, "patient.date_of_birth") == "1990-03-03"
    assert value(ext, "referred_to.first_name") == "Lena"
    assert value(ext, "referred_to.last_name") == "Marsh"
    assert value(ext, "referred_to.credentials") == "DO"
    assert value(ext, "referred_to.address.city") == "Madison"
    assert value(ext, "referred_to.address.state") == "WI"
    assert value(ext, "referred_to.address.postal_code") == "53703"
    assert value(ext, "referring_provider.last_name") == "Vance"
    assert value(ext, "referring_provider.credentials") == "PA-C"
    assert value(ext, "referring_provider.fax") == "6085550111"
    assert value(ext, "patient.phone") is None  # the referring fax is not the patient's phone


def test_role_words_in_labels_beat_the_section() -> None:
    doc = make_doc(
        [
            (60, 60, "PATIENT DETAILS"),
            (60, 80, "Patient:"),
            (160, 80, "Marisol Ybarra"),
            (60, 96, "Referring Provider:"),
            (160, 96, "Hank Oduya, NP"),
            (60, 112, "Referring NPI:"),
            (160, 112, "1234567893"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "patient.last_name") == "Ybarra"
    assert value(ext, "referring_provider.last_name") == "Oduya"
    assert value(ext, "referring_provider.npi") == "1234567893"
    assert value(ext, "patient.first_name") == "Marisol"
