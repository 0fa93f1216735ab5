"""Drawn-box urgency, prose urgency and letter narratives, list values that stop where prose resumes, role
headers that are also a table's name column, and practice/payer names cleaned of logos and card titles."""

from __future__ import annotations

import pymupdf
from extraction_pages import make_doc, value

from referral_intake.extraction.candidates import _drop_monogram, _list_sentences
from referral_intake.extraction.extractor import extract_document
from referral_intake.reading import read_document_inproc
from referral_intake.settings import ReadingSettings


def test_drawn_tick_box_read_from_a_pdf_picks_the_urgency() -> None:
    pdf = pymupdf.open()
    page = pdf.new_page(width=612, height=792)
    page.insert_text((60, 108), "Priority:", fontsize=10)
    for x, label, ticked in ((130, "Routine", False), (200, "Urgent", True), (270, "STAT", False)):
        r = pymupdf.Rect(x, 100, x + 8, 108)
        page.draw_rect(r, color=(0, 0, 0), width=0.6)
        if ticked:  # an X drawn as two strokes, as many form generators do
            page.draw_line((x + 1, 101), (x + 7, 107), color=(0, 0, 0))
            page.draw_line((x + 7, 101), (x + 1, 107), color=(0, 0, 0))
        page.insert_text((x + 11, 108), label, fontsize=10)
    data = pdf.tobytes()
    pdf.close()
    doc = read_document_inproc(data, "form.pdf", ReadingSettings(sandbox=False))
    assert value(extract_document(doc), "urgency") == "urgent"


def test_letter_gives_urgency_and_history_in_prose() -> None:
    doc = make_doc(
        [
            (60, 80, "Dear Dr. Okafor,"),
            (
                60,
                100,
                "I am referring Mr. Lionel Brandt for chronic hip pain. He reports pain on walking for",
            ),
            (60, 114, "three months. Physiotherapy did not help. This is an urgent referral."),
            (60, 128, "Current medications: ibuprofen 400 mg as needed. Sincerely,"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "urgency") == "urgent"
    summary = str(value(ext, "clinical_summary"))
    assert summary.startswith("He reports pain on walking") and "Physiotherapy did not help" in summary
    assert "medications" not in summary.lower()


def test_list_value_stops_where_prose_or_another_label_resumes() -> None:
    assert _list_sentences("Sulfa drugs. Routine follow-up is appropriate. Please call us.") == "Sulfa drugs"
    assert _list_sentences("atorvastatin 40 mg nightly. Allergies: latex") == "atorvastatin 40 mg nightly"
    assert _list_sentences("Metformin 500 mg BID. Lisinopril 10 mg daily") == (
        "Metformin 500 mg BID; Lisinopril 10 mg daily"
    )
    assert _list_sentences("aspirin 81 mg per Dr. Lee") == "aspirin 81 mg per Dr. Lee"


def test_role_header_over_a_name_column_gives_the_name() -> None:
    doc = make_doc(
        [
            (60, 100, "CONSULTANT", 11),
            (60, 120, "Refer To"),
            (240, 120, "NPI"),
            (360, 120, "Clinic"),
            (60, 134, "Imelda Vasquez, MD"),
            (240, 134, "1234567893"),
            (360, 134, "Harbor Lung Clinic"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referred_to.first_name") == "Imelda"
    assert value(ext, "referred_to.last_name") == "Vasquez"
    assert value(ext, "referred_to.organization") == "Harbor Lung Clinic"


def test_second_coverage_row_keeps_its_member_id() -> None:
    doc = make_doc(
        [
            (60, 100, "Primary Insurance"),
            (240, 100, "Member ID"),
            (60, 114, "Aetna"),
            (240, 114, "W123456789"),
            (60, 134, "Secondary Insurance"),
            (240, 134, "Member ID"),
            (60, 148, "Medicaid"),
            (240, 148, "MC99887766"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "insurance.0.member_id") == "W123456789"
    assert value(ext, "insurance.1.member_id") == "MC99887766"
    assert value(ext, "insurance.1.payer_name") == "Medicaid"


def test_logo_initials_and_titles_are_not_part_of_names() -> None:
    assert _drop_monogram("RV Riverside Valley Clinic") == "Riverside Valley Clinic"
    assert _drop_monogram("UCLA Health") == "UCLA Health"
    assert _drop_monogram("ABC Family Care") == "ABC Family Care"
    doc = make_doc(
        [
            (60, 100, "Referred to:"),
            (140, 100, "Dr. Nadia Petrov, Summit Neurology Associates"),
            (60, 130, "Specialty Referral", 14),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referred_to.organization") == "Summit Neurology Associates"
    assert value(ext, "referred_to.last_name") == "Petrov"
    assert value(ext, "referred_to.specialty") is None


def test_practice_name_and_location_wrapped_in_their_column() -> None:
    doc = make_doc(
        [
            (320, 100, "REFERRED TO", 11),
            (320, 120, "Facility:"),
            (372, 120, "Juniper Sports Medicine"),
            (60, 134, "Insurance ID: QX1234567"),
            (372, 134, "Associates"),
            (320, 160, "Specialty:"),
            (372, 160, "Orthopedics"),
        ]
    )
    assert value(extract_document(doc), "referred_to.organization") == "Juniper Sports Medicine Associates"


def test_list_label_ending_a_full_paragraph_line_takes_the_next_line() -> None:
    doc = make_doc(
        [
            (
                60,
                100,
                "Dear Dr. Haas, thank you for seeing this patient. Current medications: none. Allergies:",
            ),
            (60, 114, "Latex."),
            (60, 128, "Routine follow-up is appropriate. Please call my office with any questions you have."),
        ]
    )
    ext = extract_document(doc)
    assert [f.value for f in ext.referrals[0].allergies] == ["Latex"]


def test_prescriber_named_at_the_top_of_a_pad_is_the_referring_provider() -> None:
    doc = make_doc(
        [
            (220, 60, "Marisol Quintero, MD"),
            (220, 74, "Canyon Ridge Family Practice"),
            (220, 88, "55 Alder Road, Flagstaff, AZ 86001"),
            (70, 130, "Name"),
            (110, 130, "Tamsin Okoye"),
            (340, 130, "DOB 02/14/1980"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referring_provider.last_name") == "Quintero"
    assert value(ext, "referring_provider.credentials") == "MD"
    assert value(ext, "patient.last_name") == "Okoye"


def test_box_glyphs_from_reading_do_not_enter_other_values() -> None:
    doc = make_doc(
        [
            (60, 100, "Referring Clinic:"),
            (160, 100, "Alder Creek Clinic"),
        ]
    )
    doc.pages[0].words.append(type(doc.pages[0].words[0])("☐", 150, 92, 158, 100))
    assert value(extract_document(doc), "referring_provider.organization") == "Alder Creek Clinic"
