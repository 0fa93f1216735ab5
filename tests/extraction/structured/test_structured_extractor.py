"""StructuredExtractor: the Extractor protocol over C-CDA, HL7 v2 and FHIR ReadDocuments."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from referral_intake.contract import Extraction
from referral_intake.errors import UnreadableDocument
from referral_intake.extraction.protocol import Extractor
from referral_intake.extraction.structured import StructuredExtractor, detect_kind
from referral_intake.reading.model import ReadDocument

DATA = Path(__file__).parent / "data"


def doc(data: bytes, kind: str | None, media_type: str = "application/octet-stream") -> ReadDocument:
    return ReadDocument(
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=media_type,
        filename="inbound.bin",
        structured=data,
        structured_kind=kind,
    )


def test_implements_the_protocol() -> None:
    ex = StructuredExtractor()
    assert isinstance(ex, Extractor)
    assert ex.name == "structured"


def test_ccda_document_info_and_json_round_trip() -> None:
    data = (DATA / "ccda" / "Referral_Note.xml").read_bytes()
    out = StructuredExtractor().extract(doc(data, "ccda", "application/xml"))
    assert out.document.sha256 == hashlib.sha256(data).hexdigest()
    assert (out.document.page_count, out.document.pages, out.document.media_type) == (
        0,
        [],
        "application/xml",
    )
    assert len(out.referrals) == 1 and out.referrals[0].patient.last_name is not None
    again = Extraction.model_validate_json(out.to_json())
    assert again == Extraction.model_validate_json(out.to_json())
    assert again.referrals[0].patient.last_name is not None
    assert again.referrals[0].patient.last_name.value == "Betterhalf"


def test_output_matches_the_contract_json_schema() -> None:
    import jsonschema

    path = Path(__file__).parents[2] / "data" / "referral.schema.json"  # the contract, as the lead keeps it
    schema = json.loads(path.read_text())
    for name, kind in (("ccda/CCD_1.xml", "ccda"), ("referral_bundle.json", "fhir")):
        out = StructuredExtractor().extract(doc((DATA / name).read_bytes(), kind))
        jsonschema.Draft202012Validator(schema).validate(_strip_nones(out.model_dump(mode="json")))


def _strip_nones(obj: object) -> object:
    """Drop null members except a field's `value` (null there means "the document does not say").

    Extraction.to_json() uses exclude_none, which also drops `"value": null`; reported to the lead.
    """
    if isinstance(obj, dict):
        return {k: _strip_nones(x) for k, x in obj.items() if x is not None or k == "value"}
    if isinstance(obj, list):
        return [_strip_nones(x) for x in obj]
    return obj


def test_detects_kind_when_not_given_and_keeps_reader_errors() -> None:
    fhir = (DATA / "referral_bundle.json").read_bytes()
    assert detect_kind(fhir) == "fhir"
    assert detect_kind((DATA / "ccda" / "CCD_2.xml").read_bytes()) == "ccda"
    assert detect_kind(b"MSH|^~\\&|A") == "hl7v2"
    assert detect_kind(b"%PDF-1.7") is None
    d = doc(fhir, None, "application/fhir+json")
    d.errors.append("attachment 2 skipped: encrypted")
    out = StructuredExtractor().extract(d)
    assert out.errors[0] == "attachment 2 skipped: encrypted"
    assert out.referrals[0].patient.first_name is not None


def test_refuses_documents_without_a_message() -> None:
    with pytest.raises(UnreadableDocument) as info:
        StructuredExtractor().extract(ReadDocument(sha256="0" * 64, media_type="application/pdf"))
    assert info.value.reason == "not_structured"
    with pytest.raises(UnreadableDocument) as info:
        StructuredExtractor().extract(doc(b"hello", "x12"))
    assert info.value.reason == "unknown_kind"


def test_package_import_stays_light() -> None:
    """Importing the package must not drag in hl7apy, the FHIR models, lxml or the ICD code set."""
    code = (
        "import sys, referral_intake.extraction.structured as s; "
        "print(sorted(m for m in ('hl7apy', 'fhir', 'lxml', 'simple_icd_10_cm', 'jsonschema') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
