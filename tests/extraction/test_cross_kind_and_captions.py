"""A value whose own shape says it is another kind of value is not emitted for the field (cross-kind sanity),
and forms that print each caption under its filled line read each caption's value from above."""

from __future__ import annotations

from extraction_pages import make_doc, value

from referral_intake.extraction.candidates import Source, emit
from referral_intake.extraction.extractor import extract_document
from referral_intake.extraction.harvest import caption_values
from referral_intake.extraction.layout import analyze
from referral_intake.extraction.lexicon import INSURANCE, PATIENT, REFERRING
from referral_intake.reading.model import Word


def _src(text: str, method: str = "below") -> Source:
    words = [Word(t, 10.0 * i, 0, 10.0 * i + 8, 10) for i, t in enumerate(text.split())]
    return Source(1, words, method, 1.0, "label")


def _paths(role: str, key: str, text: str) -> dict[str, object]:
    return {c.path: c.value for c in emit(role, key, _src(text))}


def test_a_date_is_no_plan_name_member_id_or_mrn() -> None:
    assert _paths(INSURANCE, "plan", "11/09/2026") == {}
    assert _paths(INSURANCE, "member_id", "03-14-1962") == {}
    assert _paths(PATIENT, "mrn", "03/14/1962") == {}
    assert _paths(INSURANCE, "plan", "Gold Choice PPO") == {"insurance.0.plan_name": "Gold Choice PPO"}
    assert _paths(INSURANCE, "member_id", "LKS4410982") == {"insurance.0.member_id": "LKS4410982"}


def test_a_phone_number_is_no_identifier() -> None:
    assert _paths(PATIENT, "mrn", "(503) 555-0135") == {}
    assert _paths(INSURANCE, "group", "503-555-0135") == {}
    assert _paths(PATIENT, "mrn", "A1234567") == {"patient.mrn": "A1234567"}


def test_a_person_is_no_payer_or_practice() -> None:
    assert _paths(INSURANCE, "payer", "Ann Lee, MD") == {}
    assert _paths(INSURANCE, "payer", "Delgado, Rosa") == {}
    assert _paths(REFERRING, "organization", "Delgado, Rosa") == {}
    assert _paths(INSURANCE, "payer", "Northwind Mutual") == {"insurance.0.payer_name": "Northwind Mutual"}
    assert _paths(INSURANCE, "payer", "Aetna") == {"insurance.0.payer_name": "Aetna"}
    # A plain "Rosa Delgado" may be a payer named after someone: kept, but only as a guess.
    (c,) = emit(INSURANCE, "payer", _src("Rosa Delgado"))
    assert c.path == "insurance.0.payer_name" and c.role_source == "guess" and c.strength == 0.5


def test_a_caption_or_an_ssn_is_no_value() -> None:
    assert _paths(PATIENT, "language", "SSN") == {}
    assert _paths(PATIENT, "language", "Social Security Number") == {}
    assert _paths(INSURANCE, "payer", "Policyholder Name") == {}
    assert _paths(REFERRING, "organization", "Hospital") == {}
    assert _paths(PATIENT, "language", "Spanish") == {"patient.preferred_language": "Spanish"}
    assert _paths(PATIENT, "middle_name", "Mi") == {"patient.middle_name": "Mi"}  # too short to judge


# Rows of (x, text); captions in a small font right under their values, rows further apart.
_ROWS: list[list[tuple[float, str]]] = [
    [(60, "Rosa Delgado"), (320, "03/14/1962")],
    [(60, "Patient name"), (320, "Date of birth")],
    [(60, "Marcus Delgado"), (320, "Spouse")],
    [(60, "Policyholder name"), (320, "Relationship to patient")],
    [(60, "Lakeshore Health Plan"), (320, "11/09/2026")],
    [(60, "Insurance company"), (320, "Referral date")],
    [(60, "Gold Choice PPO"), (320, "LKS4410982")],
    [(60, "Plan name"), (320, "Member ID")],
]


def _page(rows: list[list[tuple[float, str]]], captions_below: bool) -> list[tuple[float, float, str, float]]:
    items: list[tuple[float, float, str, float]] = []
    y = 100.0
    for i, row in enumerate(rows):
        caption = (i % 2 == 1) == captions_below
        for x, text in row:
            items.append((x, y, text, 7.0 if caption else 10.0))
        # The caption hugs its value: a small step inside a pair, a wide one between pairs.
        y += 11.0 if i % 2 == 0 else 22.0
    return items


def test_captions_under_filled_lines_name_the_values_above() -> None:
    ext = extract_document(make_doc(_page(_ROWS, captions_below=True)))
    assert value(ext, "patient.first_name") == "Rosa"
    assert value(ext, "patient.date_of_birth") == "1962-03-14"
    assert value(ext, "insurance.0.subscriber_name") == "Marcus Delgado"
    assert value(ext, "insurance.0.subscriber_relationship") == "spouse"
    assert value(ext, "insurance.0.payer_name") == "Lakeshore Health Plan"
    assert value(ext, "insurance.0.plan_name") == "Gold Choice PPO"
    assert value(ext, "insurance.0.member_id") == "LKS4410982"
    assert value(ext, "referral_date") == "2026-11-09"


def test_captions_over_values_still_read_downwards() -> None:
    # The same rows with each caption over its value: value and caption swap places in every pair.
    swapped = [row for k in range(0, len(_ROWS), 2) for row in (_ROWS[k + 1], _ROWS[k])]
    doc = make_doc(_page(swapped, captions_below=False))
    assert caption_values(analyze(doc.pages[0])) == {}
    ext = extract_document(doc)
    assert value(ext, "patient.first_name") == "Rosa"
    assert value(ext, "insurance.0.payer_name") == "Lakeshore Health Plan"


def test_evenly_spaced_rows_are_left_alone() -> None:
    items = [(x, 100.0 + 14.0 * i, text, 10.0) for i, row in enumerate(_ROWS) for x, text in row]
    assert caption_values(analyze(make_doc(items).pages[0])) == {}


def test_a_blank_fill_in_line_gives_its_caption_no_value() -> None:
    items = _page(_ROWS[:4], captions_below=True)
    # The patient's name was left blank: only the fill-in rule is printed over its caption, and the name
    # under it is the next caption's.
    items = [it if it[2] != "Rosa Delgado" else (60, it[1], "______________", 10.0) for it in items]
    ext = extract_document(make_doc(items))
    assert value(ext, "patient.first_name") is None
    assert value(ext, "insurance.0.subscriber_name") == "Marcus Delgado"
