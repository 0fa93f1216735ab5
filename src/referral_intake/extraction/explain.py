"""`referral-intake extract FILE --explain`: per field, the evidence behind its value and confidence."""

from __future__ import annotations

from referral_intake.contract import Extraction
from referral_intake.extraction.extractor import explain, extract_detailed
from referral_intake.reading.model import ReadDocument


def explain_extraction(doc: ReadDocument, result: Extraction) -> str:
    """Evidence for each field of `result` (re-derived from `doc`; extraction is deterministic).

    Structured messages (C-CDA, HL7 v2, FHIR) state their values, so each field is simply "stated by the
    message". Fields another extractor (the optional LLM) changed are marked as such.
    """
    if doc.structured_kind:
        return (
            f"structured {doc.structured_kind} message: every value is stated by the message (confidence 1.0)"
        )
    detail = extract_detailed(doc)
    text = explain(detail)
    if detail.extraction.model_dump() != result.model_dump():
        text += (
            "\n(note: the result differs from the layout extractor's; another extractor refined some fields)"
        )
    return text
