"""Codes printed as options of a check list count only when their box is ticked."""

from __future__ import annotations

from referral_intake.extraction.extractor import extract_detailed
from referral_intake.reading.model import Page, ReadDocument, Word


def _line(y: float, *tokens: str) -> list[Word]:
    out, x = [], 40.0
    for t in tokens:
        out.append(Word(t, x, y, x + 5 * len(t), y + 10, 1.0, 0, int(y)))
        x += 5 * len(t) + 4
    return out


def _doc(*lines: list[Word]) -> ReadDocument:
    words = [w for ln in lines for w in ln]
    page = Page(number=1, width=612, height=792, words=words, kind="referral_form")
    return ReadDocument(sha256="0" * 64, media_type="application/pdf", pages=[page])


def test_only_ticked_check_list_codes_are_diagnoses() -> None:
    doc = _doc(
        _line(100, "Diagnosis", "(check", "all", "that", "apply):"),
        _line(120, "☐", "G47.33", "Obstructive", "sleep", "apnea"),
        _line(140, "☒", "R06.83", "Snoring"),
        _line(160, "☐", "G47.10", "Hypersomnia,", "unspecified"),
        _line(
            180, "Also", "known:", "E11.9", "Type", "2", "diabetes", "mellitus", "without", "complications"
        ),
    )
    codes = {str(d.code.value) for r in extract_detailed(doc).extraction.referrals for d in r.diagnoses}
    assert "R06.83" in codes and "E11.9" in codes
    assert "G47.33" not in codes and "G47.10" not in codes


def test_list_bullets_and_numbers_are_not_part_of_the_items() -> None:
    doc = _doc(
        _line(
            100,
            "Current",
            "medications:",
            "-",
            "fluoxetine",
            "10",
            "mg",
            "daily;",
            "2)",
            "lisinopril",
            "5",
            "mg",
        ),
        _line(130, "Allergies:", "*", "Latex;", "*", "Penicillin"),
    )
    ref = extract_detailed(doc).extraction.referrals[0]
    meds = {str(m.value) for m in ref.medications}
    allergies = {str(a.value) for a in ref.allergies}
    assert "fluoxetine 10 mg daily" in meds and "lisinopril 5 mg" in meds
    assert not any(m.startswith(("-", "2)")) for m in meds)
    assert allergies == {"Latex", "Penicillin"}
