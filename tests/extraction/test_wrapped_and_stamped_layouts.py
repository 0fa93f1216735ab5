"""Layout causes behind wrong or missing values: a fax machine's stamp over the letterhead, labelled rows on a
face sheet, caption rows, order lines that carry the reason, values wrapped back to the margin or to a lone
ZIP, payers' own letters, coverage tables and letters signed "Dr. ...". All people and numbers are made up."""

from __future__ import annotations

from extraction_pages import make_doc, value

from referral_intake.extraction.extractor import extract_document
from referral_intake.extraction.layout import analyze
from referral_intake.extraction.lexicon import looks_like_payer
from referral_intake.extraction.patterns import _station_name
from referral_intake.extraction.tables import is_table_header


def test_fax_stamp_gives_sender_fax_and_station_and_keeps_the_letterhead() -> None:
    doc = make_doc(
        [
            (
                8,
                12,
                "11/03/2026 08:03 AM FROM: (602) 555-0148 JUNIPER RIDGE FAMILY MEDICINE TO: 4805550199 P.1",
                8,
            ),
            (220, 60, "Juniper Ridge Family Medicine", 12),
            (220, 76, "77 Quarry Road, Flagstaff, AZ 86001"),
            (60, 120, "Patient: Odessa Varga"),
            (60, 134, "DOB: 02/14/1961"),
        ]
    )
    layout = analyze(doc.pages[0])
    assert len(layout.fax_header) == 1 and "FROM:" not in " ".join(ln.text for ln in layout.lines)
    ext = extract_document(doc)
    assert value(ext, "referring_provider.fax") == "6025550148"
    assert str(value(ext, "referring_provider.organization")).casefold() == "juniper ridge family medicine"
    assert value(ext, "referring_provider.address.city") == "Flagstaff"  # the stamp no longer hides it


def test_station_name_needs_an_organisation_not_a_generic_word() -> None:
    assert _station_name("FROM: CLINIC ") is None
    assert _station_name("Page 1 of 1 Juniper Ridge Pediatrics") == "Juniper Ridge Pediatrics"
    assert _station_name("FROM: JUN1PER RIDGE CLINIC") is None  # garbled by the fax: no name to keep


def test_face_sheet_label_value_row_is_no_table_header() -> None:
    doc = make_doc(
        [
            (60, 100, "PATIENT"),
            (60, 120, "Home Ph:"),
            (140, 120, "(480) 555-0111"),
            (310, 120, "Language:"),
            (60, 134, "Email:"),
        ]
    )
    layout = analyze(doc.pages[0])
    row = next(ln for ln in layout.lines if ln.text.startswith("Home"))
    assert not is_table_header(row)
    assert value(extract_document(doc), "patient.phone") == "4805550111"


def test_order_line_names_service_then_reason() -> None:
    doc = make_doc(
        [
            (60, 100, "Name   Tobias Quill"),
            (100, 140, "Referral to Cardiology: exertional chest pain with palpitations, please"),
            (100, 153, "evaluate and treat."),
            (100, 170, "Dx: R07.9"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referred_to.specialty") == "Cardiology"
    assert value(ext, "reason") == "exertional chest pain with palpitations, please evaluate and treat"


def test_reason_late_on_a_full_line_wraps_back_to_the_margin() -> None:
    long = "Priority: Routine | Reason: recurrent migraine without aura, intractable, with medication overuse and"
    doc = make_doc(
        [(45, 100, "ORDERS"), (45, 115, long), (45, 128, "new visual symptoms"), (45, 150, "Signed")]
    )
    reason = str(value(extract_document(doc), "reason"))
    assert reason.endswith("new visual symptoms") and reason.startswith("recurrent migraine")


def test_label_word_continuing_a_sentence_is_prose() -> None:
    doc = make_doc(
        [
            (45, 100, "HISTORY OF PRESENT ILLNESS"),
            (45, 115, "She has had knee pain for about three months and it limits her walking. Tried two"),
            (45, 128, "medications without adequate response."),
            (45, 150, "CURRENT MEDICATIONS"),
            (55, 163, "naproxen 500 mg twice daily"),
        ]
    )
    ext = extract_document(doc)
    meds = [m.value for m in ext.referrals[0].medications]
    assert meds == ["naproxen 500 mg twice daily"]


def test_regional_payer_letter_is_the_insurer_not_the_sender() -> None:
    assert looks_like_payer("Cedar Valley Health Plan") and looks_like_payer("Keystone Mutual Insurance")
    assert not looks_like_payer("Cedar Valley Family Medicine")
    doc = make_doc(
        [
            (50, 50, "Cedar Valley Health Plan", 14),
            (50, 90, "10/12/2026"),
            (50, 114, "NOTICE OF APPROVED REFERRAL"),
            (60, 142, "Member:"),
            (200, 142, "Ingrid Solvang"),
            (60, 159, "Member ID:"),
            (200, 159, "CVH55512345"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "insurance.0.payer_name") == "Cedar Valley Health Plan"
    assert value(ext, "referring_provider.organization") is None
    assert value(ext, "referral_date") is None  # the notice's date, not the referral's


def test_colonless_insurance_row_and_grouped_member_id() -> None:
    doc = make_doc(
        [
            (50, 100, "INSURANCE INFORMATION"),
            (50, 118, "Insurance Keystone Mutual Insurance"),
            (50, 132, "Subscriber ID XQ 123 45678"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "insurance.0.payer_name") == "Keystone Mutual Insurance"
    assert value(ext, "insurance.0.member_id") == "XQ12345678"


def test_caption_rows_put_each_value_under_its_caption() -> None:
    doc = make_doc(
        [
            (50, 100, "REFERRAL DETAILS"),
            (50, 116, "Date"),
            (310, 116, "Appointment Needed"),
            (50, 128, "10/02/2026"),
            (310, 128, "[X] Routine   [ ] Urgent"),
            (50, 160, "INSURANCE"),
            (50, 176, "Guarantor"),
            (310, 176, "Pt Relationship to Subscriber"),
            (50, 188, "Hollis Brandt"),
            (310, 188, "Spouse"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referral_date") == "2026-10-02"
    assert value(ext, "insurance.0.subscriber_name") == "Hollis Brandt"


def test_lone_zip_under_an_address_ending_at_the_state() -> None:
    doc = make_doc(
        [
            (42, 100, "PATIENT"),
            (42, 115, "Home Address: 45 Larch Street, Bozeman, MT"),
            (117, 127, "59715"),
            (42, 140, "Phone #: (406) 555-0190"),
        ]
    )
    assert value(extract_document(doc), "patient.address.postal_code") == "59715"


def test_letter_to_a_service_signed_by_a_titled_doctor() -> None:
    doc = make_doc(
        [
            (50, 100, "RE: Marisol Quintero DOB: 05/06/1977"),
            (50, 125, "Dear Nephrology colleague,"),
            (50, 145, "I am referring Marisol Quintero for proteinuria."),
            (50, 180, "Sincerely,"),
            (50, 215, "Dr. Anselm Frobisher"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referred_to.specialty") == "Nephrology"
    assert value(ext, "referring_provider.last_name") == "Frobisher"


def test_coverage_table_headed_by_insurance_reads_every_row_payer() -> None:
    doc = make_doc(
        [
            (45, 100, "INSURANCE"),
            (45, 116, "Insurance"),
            (216, 116, "Subscriber ID"),
            (354, 116, "Group #"),
            (45, 131, "Humana"),
            (216, 131, "H55501234"),
            (354, 131, "G77001"),
            (45, 146, "Aetna"),
            (216, 146, "W98700456"),
            (354, 146, "G88002"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "insurance.0.payer_name") == "Humana"
    assert value(ext, "insurance.1.payer_name") == "Aetna"
