"""Provider and referral facts on layouts unlike our generator's: colon-less key/value grids, signature captions
under the value, order printouts with code tables, one-line "P: ... F: ..." provider blocks, memos that put the
specialty after the addressee's name, letters that ask to "see" the patient, scheduling windows as urgency,
and a fax cover whose sender belongs to every referral of a packet. All people and numbers are made up."""

from __future__ import annotations

from extraction_pages import codes, make_doc, value

from referral_intake.extraction import validate as va
from referral_intake.extraction.candidates import Source, emit
from referral_intake.extraction.extractor import extract_document
from referral_intake.extraction.lexicon import REFERRED_TO, REFERRING, match_label
from referral_intake.reading.model import Word

NPI_A = "1234567893"  # Luhn-valid with the 80840 prefix
NPI_B = "1245319599"


def _words(text: str) -> list[Word]:
    return [Word(t, 10.0 * i, 0, 10.0 * i + 8, 10, 1.0) for i, t in enumerate(text.split())]


def test_order_form_vocabulary_is_known() -> None:
    for text, key, role in (
        ("Ordering Clinician", "name", REFERRING),
        ("Requested by", "name", REFERRING),
        ("Send To", "name", REFERRED_TO),
        ("Refer to provider", "name", REFERRED_TO),
        ("Callback", "phone", None),
        ("Office Tel", "phone", None),
        ("Discipline", "specialty", None),
        ("Auth/Cert #", "auth", None),
        ("Why is the patient being referred?", "reason", None),
        ("Timeframe", "urgency", None),
    ):
        lab = match_label(text)
        assert lab is not None and lab.key == key and lab.role == role, text


def test_grid_without_colons_reads_weak_labels_by_their_value() -> None:
    doc = make_doc(
        [
            (60, 100, "Referring"),
            (200, 100, "Wendy Ostrander, DO"),
            (60, 120, "Callback"),
            (200, 120, "614-555-0142"),
            (60, 140, "Consultant"),
            (200, 140, "Arlo Fenwick, MD"),
            (60, 160, "Service"),
            (200, 160, "Neurology"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referring_provider.last_name") == "Ostrander"
    assert value(ext, "referred_to.specialty") == "Neurology"
    assert value(ext, "referring_provider.phone") == "6145550142"


def test_caption_under_a_signature_line_names_the_value_above() -> None:
    doc = make_doc(
        [
            (60, 100, "Reason: chronic cough"),
            (60, 400, "Harold Pennick, PA-C"),
            (300, 400, "03/11/2026"),
            (60, 416, "Ordering Clinician"),
            (300, 416, "Date"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referring_provider.last_name") == "Pennick"
    assert value(ext, "referring_provider.credentials") == "PA-C"
    assert value(ext, "referral_date") == "2026-03-11"


def test_name_then_practice_or_specialty_in_one_value() -> None:
    src = Source(1, _words("Priya Tamsel, MD - Juniper Ridge Health Center"), "right", 0.9, "label")
    got = {c.path: c.value for c in emit(REFERRING, "name", src)}
    assert got["referring_provider.last_name"] == "Tamsel"
    assert got["referring_provider.organization"] == "Juniper Ridge Health Center"
    src = Source(1, _words("Dr. Ona Vantreese, Neurology"), "right", 0.9, "label")
    got = {c.path: c.value for c in emit(REFERRED_TO, "name", src)}
    assert got["referred_to.specialty"] == "Neurology"
    assert "referred_to.organization" not in got  # "TO: Dr. X, Neurology" names no practice


def test_order_printout_code_table_and_signature_block() -> None:
    doc = make_doc(
        [
            (40, 60, "Referral Details"),
            (40, 90, "Order"),
            (260, 90, "Code"),
            (330, 90, "Priority"),
            (420, 90, "Qty"),
            (470, 90, "Status"),
            (40, 106, "Ambulatory referral to Cardiology"),
            (260, 106, "93000"),
            (330, 106, "Urgent"),
            (420, 106, "1"),
            (470, 106, "Signed"),
            (40, 200, "Ordering provider"),
            (40, 216, f"Nadia Wexcombe, MD NPI {NPI_A}"),
            (40, 230, "Birchfield Internal Medicine"),
            (40, 244, "P: (303) 555-0170 F: (303) 555-0171"),
        ]
    )
    ext = extract_document(doc)
    assert codes(ext, "procedures") == {"93000"}
    assert value(ext, "urgency") == "urgent"
    assert value(ext, "referring_provider.last_name") == "Wexcombe"
    assert value(ext, "referring_provider.npi") == NPI_A
    assert value(ext, "referring_provider.phone") == "3035550170"
    assert value(ext, "referring_provider.fax") == "3035550171"


def test_code_column_is_read_by_the_codes_shape() -> None:
    for text, path in (("45378", "procedures"), ("K21.9", "diagnoses"), ("G0121", "procedures")):
        got = emit("referral", "code", Source(1, _words(text), "table", 0.8, "default"))
        assert [c.path for c in got] == [path], text


def test_letter_asks_to_see_the_patient_in_a_specialty_clinic() -> None:
    doc = make_doc(
        [
            (60, 60, "Larchmont Family Practice"),
            (60, 74, "Tel 719-555-0110  Fax 719-555-0111"),
            (60, 120, "Please see Corwin Ashby (born 04/02/1961) in your Rheumatology clinic for"),
            (60, 134, "morning stiffness of both hands. Please schedule at your convenience."),
            (60, 200, "Imelda Ruskin, MD"),
            (60, 214, f"NPI {NPI_B}"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "reason") == "morning stiffness of both hands"
    assert value(ext, "referred_to.specialty") == "Rheumatology"
    assert value(ext, "urgency") == "routine"
    assert value(ext, "referring_provider.last_name") == "Ruskin"  # the signer, without "Sincerely"
    assert value(ext, "referring_provider.phone") == "7195550110"
    assert value(ext, "referring_provider.fax") == "7195550111"


def test_scheduling_windows_map_to_urgency() -> None:
    assert va.urgency_phrase("within 2 weeks") == "urgent"
    assert va.urgency_phrase("Within 24 hours") == "stat"
    assert va.urgency_phrase("in 3-4 months") == "routine"
    assert va.urgency_phrase("Next available") == "routine"
    assert va.urgency_phrase("ASAP") == "urgent"
    assert va.urgency_phrase("Routine / Urgent / STAT") is None  # an options row: no choice visible
    got = emit(
        "referral", "urgency", Source(1, _words("Expedited - within 7 days"), "inline", 0.8, "default")
    )
    assert [c.value for c in got] == ["urgent"]


def test_same_row_phone_belongs_to_the_person_on_the_row() -> None:
    doc = make_doc(
        [
            (60, 100, "Patient: Tobias Vindler"),
            (320, 100, "DOB: 02/14/1970"),
            (60, 130, "Referred by: Dr. Gemma Holloway"),
            (320, 130, "Office ph: 402-555-0133"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referring_provider.phone") == "4025550133"
    assert value(ext, "patient.phone") is None


def test_cover_sheet_sender_applies_to_every_referral_of_a_packet() -> None:
    cover = [
        (60, 80, "FAX TRANSMITTAL"),
        (60, 110, "To:"),
        (160, 110, "Alder Creek Gastroenterology Associates"),
        (60, 130, "From:"),
        (160, 130, "Rosalind Farrow, MD - Elmstead Health Center"),
        (60, 150, "Sender phone:"),
        (160, 150, "608-555-0101"),
    ]

    def form(name: str, dob: str) -> list[tuple[float, float, str]]:
        return [
            (60, 80, "Patient name:"),
            (160, 80, name),
            (60, 100, "Date of birth:"),
            (160, 100, dob),
            (60, 120, "Reason:"),
            (160, 120, "chronic abdominal pain"),
        ]

    doc = make_doc(
        cover,
        form("Opal Brenner", "01/02/1980"),
        form("Silas Quenby", "05/06/1975"),
        segments=[[1, 2], [3]],
        kinds=["cover_sheet", "referral_form", "referral_form"],
    )
    ext = extract_document(doc)
    assert len(ext.referrals) == 2
    for ri in (0, 1):
        assert value(ext, "referring_provider.last_name", ri) == "Farrow"
        assert value(ext, "referring_provider.organization", ri) == "Elmstead Health Center"
        assert value(ext, "referring_provider.phone", ri) == "6085550101"
