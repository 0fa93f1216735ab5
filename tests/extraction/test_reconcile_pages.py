"""Across pages: agreement raises confidence, disagreement lowers it and is shown (conflicts, no PHI in errors)."""

from __future__ import annotations

from extraction_pages import conf, make_doc, value

from referral_intake.extraction.confidence import logit
from referral_intake.extraction.extractor import explain, extract_detailed, extract_document
from referral_intake.reading.model import ReadDocument


def _page(dob: str) -> list[tuple[float, float, str]]:
    return [
        (60, 60, "PATIENT INFORMATION"),
        (60, 80, "Name:"),
        (140, 80, "Theodora Blum"),
        (60, 96, "DOB:"),
        (140, 96, dob),
    ]


def _score(doc: ReadDocument, path: str) -> float:
    """The field's evidence score before the calibration map (whose cap may equal both confidences)."""
    ev = next(e for e in extract_detailed(doc).evidence if e.path == path)
    return logit(ev.features)


def test_agreement_across_pages_raises_confidence() -> None:
    one_doc = make_doc(_page("05/06/1977"))
    two_doc = make_doc(_page("05/06/1977"), _page("05/06/1977"))
    one, two = extract_document(one_doc), extract_document(two_doc)
    assert value(two, "patient.date_of_birth") == "1977-05-06"
    assert _score(two_doc, "patient.date_of_birth") > _score(one_doc, "patient.date_of_birth")
    assert conf(two, "patient.date_of_birth") >= conf(one, "patient.date_of_birth")
    assert conf(two, "patient.last_name") >= conf(one, "patient.last_name")


def test_disagreement_lowers_confidence_and_is_reported() -> None:
    one = extract_document(make_doc(_page("05/06/1977")))
    detail = extract_detailed(make_doc(_page("05/06/1977"), _page("05/07/1977")))
    ext = detail.extraction
    assert conf(ext, "patient.date_of_birth") < conf(one, "patient.date_of_birth")
    assert conf(ext, "patient.date_of_birth") < 0.95
    conflicts = detail.conflicts()
    dob = [c for c in conflicts if c.path == "patient.date_of_birth"]
    assert len(dob) == 1
    chosen = value(ext, "patient.date_of_birth")
    assert {chosen, dob[0].alternatives[0].value} == {"1977-05-06", "1977-05-07"}
    assert dob[0].alternatives[0].pages in ([1], [2])
    # The document-level error names the field and pages, never the values (errors may be logged).
    msgs = [e for e in ext.errors if "patient.date_of_birth" in e]
    assert msgs and all("1977" not in m for m in msgs)
    assert "also" in explain(detail)


def test_segments_make_one_referral_each_and_pages_info() -> None:
    a = _page("01/01/1950")
    b = [
        (60, 60, "PATIENT INFORMATION"),
        (60, 80, "Name:"),
        (140, 80, "Hiro Tanaka"),
        (60, 96, "DOB:"),
        (140, 96, "09/09/1999"),
    ]
    ext = extract_document(make_doc(a, b, segments=[[1], [2]]))
    assert len(ext.referrals) == 2
    assert ext.referrals[0].pages == [1] and ext.referrals[1].pages == [2]
    assert value(ext, "patient.last_name", 1) == "Tanaka"
    assert ext.document.page_count == 2
    assert [p.page for p in ext.document.pages] == [1, 2]
    assert ext.document.pages[0].text_source == "text_layer"


def test_unsplit_packet_is_split_where_the_patient_changes() -> None:
    b = [
        (60, 60, "PATIENT INFORMATION"),
        (60, 80, "Name:"),
        (140, 80, "Hiro Tanaka"),
        (60, 96, "DOB:"),
        (140, 96, "09/09/1999"),
    ]
    ext = extract_document(make_doc(_page("01/01/1950"), _page("01/01/1950"), b))
    assert [r.pages for r in ext.referrals] == [[1, 2], [3]]
    assert value(ext, "patient.last_name", 0) == "Blum"
    assert value(ext, "patient.last_name", 1) == "Tanaka"


def test_ocr_doubt_lowers_confidence() -> None:
    clean = extract_document(make_doc(_page("05/06/1977")))
    doubtful = extract_document(make_doc(_page("05/06/1977"), ocr_conf=0.55))
    assert conf(doubtful, "patient.date_of_birth") < conf(clean, "patient.date_of_birth")
    assert conf(doubtful, "patient.date_of_birth") < 0.95
    assert doubtful.document.pages[0].text_source == "ocr"


def test_garbage_and_empty_pages_do_not_break_extraction() -> None:
    import random
    import string

    from referral_intake.reading.model import Page, ReadDocument, Word

    rng = random.Random(1)
    words = []
    for _ in range(600):
        x, y = rng.uniform(20, 580), rng.uniform(20, 770)
        t = "".join(
            rng.choice(string.ascii_letters + string.digits + ":.,/()[]-#") for _ in range(rng.randint(1, 12))
        )
        words.append(Word(t, x, y, x + len(t) * 5, y + 10, rng.random()))
    doc = ReadDocument(
        "0" * 64, "application/pdf", "x.pdf", [Page(1, 612, 792, words), Page(2, 612, 792, [])]
    )
    ext = extract_document(doc)
    assert ext.document.page_count == 2
    assert [r.pages for r in ext.referrals] == [[1, 2]]
    # Nothing in noise deserves to skip review.
    from referral_intake.contract import iter_fields

    assert all((f.confidence or 0) < 0.95 for _, f in iter_fields(ext.referrals[0]))
