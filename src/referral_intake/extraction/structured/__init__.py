"""Exact extraction from structured messages: C-CDA, HL7 v2 and FHIR R4 (the `Extractor` for them).

Parsers are imported on first use, so importing this package stays fast (hl7apy and the FHIR models load
in the call that needs them).
"""

from __future__ import annotations

from referral_intake.contract import DocumentInfo, Extraction, Referral
from referral_intake.errors import UnreadableDocument
from referral_intake.reading.model import ReadDocument

KINDS = ("ccda", "hl7v2", "fhir")
_MEDIA = {"ccda": "application/xml", "hl7v2": "x-application/hl7-v2+er7", "fhir": "application/fhir+json"}


def detect_kind(data: bytes) -> str | None:
    """Guess the structured kind from the first bytes (for callers that only have a file)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf\x0b \t\r\n")
    if head.startswith(b"MSH|") or head.startswith(b"FHS|") or head.startswith(b"BHS|"):
        return "hl7v2"
    if head.startswith(b"{") and b'"resourceType"' in data[:1_000_000]:
        return "fhir"
    if head.startswith(b"<") and b"ClinicalDocument" in data[:65536]:  # after any XML comments
        return "ccda"
    return None


def parse_structured(kind: str, data: bytes) -> tuple[list[Referral], list[str]]:
    """Referrals and reviewer notes from one structured message; UnreadableDocument when it cannot be read."""
    if kind == "ccda":
        from referral_intake.extraction.structured.ccda import parse_ccda

        ref, notes = parse_ccda(data)
        return [ref], notes
    if kind == "hl7v2":
        from referral_intake.extraction.structured.hl7v2 import parse_hl7v2

        parsed = parse_hl7v2(_strip_batch(data))
    elif kind == "fhir":
        from referral_intake.extraction.structured.fhir import parse_fhir

        parsed = parse_fhir(data)
    else:
        raise UnreadableDocument(
            f"unknown structured kind {kind!r}; expected one of {', '.join(KINDS)}", reason="unknown_kind"
        )
    merged: list[str] = []
    for _, n in parsed:
        merged += [x for x in n if x not in merged]
    return [r for r, _ in parsed], merged


def _strip_batch(data: bytes) -> bytes:
    """Drop HL7 batch envelope segments (FHS/BHS/BTS/FTS) so the messages inside are read."""
    lines = data.replace(b"\r\n", b"\r").replace(b"\n", b"\r").split(b"\r")
    return b"\r".join(x for x in lines if x[:4] not in (b"FHS|", b"BHS|", b"BTS|", b"FTS|"))


class StructuredExtractor:
    """Implements `Extractor` for ReadDocuments that carry `structured` bytes and a `structured_kind`."""

    name = "structured"

    def extract(self, doc: ReadDocument) -> Extraction:
        kind = doc.structured_kind or (detect_kind(doc.structured) if doc.structured else None)
        if doc.structured is None or kind is None:
            raise UnreadableDocument(
                "document carries no structured message (C-CDA, HL7 v2 or FHIR); use the layout extractor",
                reason="not_structured",
            )
        referrals, notes = parse_structured(kind, doc.structured)
        info = DocumentInfo(
            sha256=doc.sha256,
            filename=doc.filename,
            media_type=doc.media_type or _MEDIA.get(kind),
            page_count=0,
        )
        return Extraction(document=info, referrals=referrals, errors=[*doc.errors, *notes])


__all__ = ["KINDS", "StructuredExtractor", "detect_kind", "parse_structured"]
