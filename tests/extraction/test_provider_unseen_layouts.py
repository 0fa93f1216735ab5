"""Provider fields on layouts unlike the generators': numbered sections, provider columns, letterheads with
slashed phones, ticked specialty lists, combined "Phone / fax" labels, order lines in a plan, EHR banners."""

from __future__ import annotations

from extraction_pages import make_doc, value

from referral_intake.extraction.extractor import extract_document


def test_numbered_sections_with_captions_over_values() -> None:
    doc = make_doc(
        [
            (50, 50, "PRIOR AUTHORIZATION REQUEST", 14),
            (52, 90, "2  REQUESTING PROVIDER", 11),
            (50, 110, "Provider (last, first)", 8),
            (200, 110, "Cred.", 8),
            (260, 110, "NPI", 8),
            (360, 110, "Phone", 8),
            (50, 124, "Okonjo, Bertrand"),
            (200, 124, "FNP"),
            (260, 124, "1540613589"),
            (360, 124, "(312) 555-0147"),
            (52, 160, "3  SERVICING PROVIDER", 11),
            (50, 180, "Provider (last, first)", 8),
            (200, 180, "Cred.", 8),
            (260, 180, "NPI", 8),
            (360, 180, "Phone", 8),
            (50, 194, "Lindgren, Maud"),
            (200, 194, "MD"),
            (260, 194, "1744529078"),
            (360, 194, "(414) 555-0190"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referring_provider.last_name") == "Okonjo"
    assert value(ext, "referring_provider.credentials") == "FNP"
    assert value(ext, "referring_provider.npi") == "1540613589"
    assert value(ext, "referring_provider.phone") == "3125550147"
    assert value(ext, "referred_to.last_name") == "Lindgren"
    assert value(ext, "referred_to.npi") == "1744529078"
    assert value(ext, "referred_to.phone") == "4145550190"
    assert value(ext, "patient.phone") is None


def test_row_labels_with_one_column_per_provider() -> None:
    doc = make_doc(
        [
            (50, 50, "REFERRAL ORDER", 14),
            (160, 90, "ORDERING PROVIDER", 9),
            (360, 90, "REFER TO", 9),
            (50, 106, "Name"),
            (160, 106, "Hollis Brandt"),
            (360, 106, "Ines Vargas"),
            (50, 122, "NPI"),
            (160, 122, "1200889511"),
            (360, 122, "1473812471"),
            (50, 138, "Phone"),
            (160, 138, "(602) 555-0111"),
            (360, 138, "(480) 555-0122"),
            (50, 154, "City / State / ZIP"),
            (160, 154, "Tempe, AZ 85281"),
            (360, 154, "Mesa, AZ 85201"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referring_provider.npi") == "1200889511"
    assert value(ext, "referred_to.npi") == "1473812471"
    assert value(ext, "referring_provider.phone") == "6025550111"
    assert value(ext, "referred_to.phone") == "4805550122"
    assert value(ext, "referred_to.address.city") == "Mesa"
    assert value(ext, "referring_provider.address.city") == "Tempe"
    assert value(ext, "patient.phone") is None


def test_letterhead_with_slashed_phone_and_a_date_beside_it() -> None:
    doc = make_doc(
        [
            (50, 40, "Bramblewood Family Practice", 13),
            (50, 56, "418 Quarry Road, Joliet, IL 60431"),
            (420, 56, "Date: 03/02/2026"),
            (50, 68, "Office 815/555-0131"),
            (170, 68, "|"),
            (185, 68, "Fax 815/555-0132"),
            (50, 110, "Patient: Odile Fenn"),
            (50, 126, "DOB: 05/06/1970"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referring_provider.organization") == "Bramblewood Family Practice"
    assert value(ext, "referring_provider.address.line1") == "418 Quarry Road"
    assert value(ext, "referring_provider.address.city") == "Joliet"
    assert value(ext, "referring_provider.phone") == "8155550131"
    assert value(ext, "referring_provider.fax") == "8155550132"
    assert value(ext, "patient.phone") is None


def test_one_ticked_specialty_names_the_service() -> None:
    doc = make_doc(
        [
            (50, 60, "Specialty requested (check one)", 10),
            (50, 78, "[ ] Cardiology"),
            (200, 78, "[X] Nephrology"),
            (350, 78, "[ ] Urology"),
            (50, 92, "[ ] Dermatology"),
            (200, 92, "[ ] Neurology"),
        ]
    )
    assert value(extract_document(doc), "referred_to.specialty") == "Nephrology"
    two_ticked = make_doc(
        [
            (50, 60, "Specialty requested (check one)", 10),
            (50, 78, "[X] Cardiology"),
            (200, 78, "[X] Nephrology"),
        ]
    )
    assert value(extract_document(two_ticked), "referred_to.specialty") is None


def test_phone_fax_label_and_question_for_the_specialist() -> None:
    doc = make_doc(
        [
            (50, 60, "CONSULTANT", 11),
            (50, 78, "Name: Petra Ilves, DO"),
            (50, 94, "Phone / fax: 651/555-0170 / 651/555-0171"),
            (50, 130, "Question for specialist:"),
            (50, 146, "persistent proteinuria despite therapy"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referred_to.phone") == "6515550170"
    assert value(ext, "referred_to.fax") == "6515550171"
    assert value(ext, "referred_to.last_name") == "Ilves"
    assert value(ext, "patient.phone") is None


def test_plan_order_line_names_the_consultant_and_banner_is_no_letterhead() -> None:
    doc = make_doc(
        [
            (46, 40, "QUILLFEATHER, Agnes M"),
            (480, 40, "2291 Birch Lane"),
            (46, 53, "DOB 02/11/1958 MRN Q559102"),
            (480, 53, "Fresno, CA 93722"),
            (48, 120, "PLAN"),
            (60, 136, "- Referral placed to Nephrology: Tomas Rehak, MD, Valley Kidney Associates. Phone"),
            (60, 148, "559-555-0180, fax 559-555-0181. NPI 1744529078."),
            (48, 200, "Electronically signed by Wendell Ashby, MD (NPI 1540613589) on 03/08/2026"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referred_to.last_name") == "Rehak"
    assert value(ext, "referred_to.npi") == "1744529078"
    assert value(ext, "referred_to.phone") == "5595550180"
    assert value(ext, "referred_to.fax") == "5595550181"
    assert value(ext, "referred_to.specialty") == "Nephrology"
    assert value(ext, "referring_provider.npi") == "1540613589"
    # The banner's street is the patient's: never the referring practice's.
    assert value(ext, "referring_provider.address.line1") is None


def test_fax_cover_to_and_from_rows_keep_their_own_numbers() -> None:
    doc = make_doc(
        [
            (48, 40, "FAX", 16),
            (150, 40, "Marigold Family Medicine", 12),
            (48, 100, "To:"),
            (95, 100, "Heron Bay Digestive Health - Attn: New Patient Referrals"),
            (425, 100, "03/02/2026"),
            (48, 124, "Fax:"),
            (95, 124, "(614) 555-0184"),
            (380, 124, "Phone: (614) 555-0133"),
            (48, 148, "From:"),
            (95, 148, "Wilma Strand, Referral Coordinator"),
            (380, 148, "Pages: 2 (including cover)"),
            (48, 172, "Fax:"),
            (95, 172, "(651) 555-0103"),
            (380, 172, "Phone: (651) 555-0102"),
        ],
        kinds=["cover_sheet"],
    )
    ext = extract_document(doc)
    assert value(ext, "referred_to.phone") == "6145550133"
    assert value(ext, "referred_to.fax") == "6145550184"
    assert value(ext, "referring_provider.phone") == "6515550102"
    assert value(ext, "referring_provider.fax") == "6515550103"
    assert value(ext, "referred_to.organization") == "Heron Bay Digestive Health"
    assert value(ext, "patient.phone") is None


def test_role_named_after_the_field() -> None:
    doc = make_doc(
        [
            (50, 60, "Referral Request", 14),
            (50, 90, "NPI (referring)"),
            (200, 90, "1540613589"),
            (50, 106, "NPI (consultant)"),
            (200, 106, "1744529078"),
        ]
    )
    ext = extract_document(doc)
    assert value(ext, "referring_provider.npi") == "1540613589"
    assert value(ext, "referred_to.npi") == "1744529078"
