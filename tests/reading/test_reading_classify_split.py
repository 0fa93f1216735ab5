"""Page kinds and packet splitting: unit cases on hand-made pages, then the synthetic corpus families."""

from __future__ import annotations

from pathlib import Path

import pytest

from referral_intake.contract import Extraction
from referral_intake.reading import read_document_inproc
from referral_intake.reading.classify import classify_page, classify_pages
from referral_intake.reading.model import Page, Word
from referral_intake.reading.split import page_identity, page_marker, split_packet
from referral_intake.settings import ReadingSettings


def make_page(number: int, lines: list[str], kind: str = "other") -> Page:
    """A text page: each line at 14 pt spacing, words 6 pt per character (columns split on double spaces)."""
    words: list[Word] = []
    for li, line in enumerate(lines):
        y = 60.0 + 14 * li
        pos = 0
        for token in line.split(" "):
            if token:
                x = 50.0 + 6 * pos
                words.append(Word(token, x, y, x + 6 * len(token), y + 10, 1.0, 0, li))
            pos += len(token) + 1
    return Page(number, 612, 792, words, kind=kind)  # type: ignore[arg-type]


COVER = ["FAX COVER SHEET", "To: Dr. Smith", "From: Front desk", "Pages: 4 (including cover)", "Re: referral"]
FORM_A = [
    "Referral Request",
    "Patient Name: Maria Gonzalez    DOB: 03/14/1962",
    "Reason for Referral: knee pain",
]
FORM_B = ["Referral Request", "Patient Name: Tom Baker    DOB: 1970-01-02", "Reason for Referral: asthma"]
NOTE_A = [
    "GONZALEZ, MARIA  DOB: Mar 14, 1962",
    "Progress Note",
    "HISTORY OF PRESENT ILLNESS",
    "Assessment and plan",
]


@pytest.mark.parametrize(
    ("lines", "kind"),
    [
        (COVER, "cover_sheet"),
        (FORM_A, "referral_form"),
        (NOTE_A, "clinical_note"),
        (
            ["Lab Results", "Test  Result  Units  Reference Range  Flag", "Glucose  182  mg/dL  70-99  H"],
            "lab_result",
        ),
        (
            [
                "RADIOLOGY REPORT",
                "EXAM: MRI right knee",
                "FINDINGS: tear",
                "IMPRESSION: medial meniscus tear",
            ],
            "imaging_report",
        ),
        (
            ["PATIENT FACE SHEET", "Guarantor: Ann Lee", "Emergency contact: Bob Lee", "Marital status: M"],
            "demographics",
        ),
        (
            ["Blue Plan PPO", "Member ID XQZ123", "Group 8812", "RxBIN 610014  RxPCN ADV", "Copay $25"],
            "insurance_card",
        ),
        (["Thank you."], "other"),
    ],
)
def test_classify_page(lines: list[str], kind: str) -> None:
    assert classify_page(make_page(1, lines)) == kind


def test_weak_pages_continue_the_previous_kind() -> None:
    pages = [
        make_page(1, NOTE_A),
        make_page(2, ["She reports the pain is worse at night.", "Continue ibuprofen."]),
    ]
    classify_pages(pages)
    assert [p.kind for p in pages] == ["clinical_note", "clinical_note"]


def test_identity_is_read_beside_and_beneath_labels_but_not_from_subscribers() -> None:
    ident = page_identity(make_page(1, FORM_A))
    assert ident is not None and ident.dob == (1962, 3, 14) and ident.name == {"maria", "gonzalez"}
    table = make_page(1, ["Last Name  First Name  DOB", "Nguyen     Christine   03-21-1958"])
    ident = page_identity(table)
    assert ident is not None and ident.dob == (1958, 3, 21) and ident.name == {"nguyen", "christine"}
    sub = page_identity(make_page(1, ["Subscriber DOB: 01/01/1950", "Insured DOB: 02/02/1951"]))
    assert sub is None
    assert page_marker(make_page(1, ["Page 2 of 3"])) == (2, 3)


def test_split_on_patient_change_and_cover_sheets() -> None:
    pages = [
        make_page(1, COVER, "cover_sheet"),
        make_page(2, FORM_A, "referral_form"),
        make_page(3, NOTE_A, "clinical_note"),
        make_page(4, FORM_B, "referral_form"),
        make_page(5, COVER, "cover_sheet"),
        make_page(6, FORM_B, "referral_form"),
    ]
    segments = split_packet(pages)
    assert [s.pages for s in segments] == [[2, 3], [4], [5, 6]]  # a batch cover joins no referral
    assert [s.reason for s in segments] == ["start", "patient_change", "cover_sheet"]


def test_page_of_page_runs_hold_pages_together() -> None:
    cover = make_page(1, COVER, "cover_sheet")
    a = make_page(2, [*FORM_A, "Page 1 of 2"], "referral_form")
    b = make_page(
        3, ["Patient Name: Maria Gonzales  DOB: 03/14/1926", "Page 2 of 2"], "referral_form"
    )  # OCR slips
    assert [s.pages for s in split_packet([cover, a, b])] == [[1, 2, 3]]  # a cover for one referral joins it
    # A fax machine's counter (page k of the whole call) is no such run: the patient change still splits.
    a.number, b.number = 1, 2
    assert [s.pages for s in split_packet([a, b])] == [[1], [2]]
    assert split_packet([]) == []


def test_synthetic_families_classify_and_split_like_the_gold(tmp_path: Path) -> None:
    from referral_intake.synth import FAMILIES, generate_corpus

    n = len(FAMILIES)
    paths = generate_corpus(tmp_path, n, seed=101, fax_ratio=0.0)
    settings = ReadingSettings(sandbox=False)
    for path in paths:
        gold = Extraction.model_validate_json(path.with_suffix(".gold.json").read_text())
        doc = read_document_inproc(path.read_bytes(), path.name, settings)
        assert [p.kind for p in doc.pages] == [p.kind for p in gold.document.pages], path.name
        assert [s.pages for s in doc.segments] == [r.pages for r in gold.referrals], path.name
