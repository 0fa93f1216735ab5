"""Media type comes from content, not from the file name."""

from __future__ import annotations

import pytest
from reading_factories import eml_with_attachments, fax_tiff_g4, small_image, text_pdf

from referral_intake.reading import detect


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"junk before%PDF-1.7\n...", detect.PDF),
        (b"II*\x00rest", detect.TIFF),
        (b"MM\x00*rest", detect.TIFF),
        (b'<?xml version="1.0"?>\n<!-- x -->\n<ClinicalDocument xmlns="urn:hl7-org:v3"><id/>', detect.CCDA),
        (b"<hl7:ClinicalDocument xmlns:hl7='urn:hl7-org:v3'/>", detect.CCDA),
        (b"<?xml version='1.0'?><Invoice/>", detect.UNKNOWN),
        (b"MSH|^~\\&|SND|FAC|RCV|FAC|20260101||REF^I12|1|P|2.5\rPID|1", detect.HL7V2),
        (b"\x0bMSH|^~\\&|SND", detect.HL7V2),
        (b'{"resourceType": "Bundle", "type": "message", "entry": []}', detect.FHIR),
        (b'{"hello": "world", "resourceType": 3}', detect.UNKNOWN),
        (b"From: a@example.org\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nbody", detect.EMAIL),
        (b"Subject: only one header line\n\nbody", detect.UNKNOWN),
        (b"plain text that is not a document", detect.UNKNOWN),
    ],
)
def test_detect_media_type_from_content(data: bytes, expected: str) -> None:
    assert detect.detect_media_type(data) == expected


def test_generated_files_are_detected() -> None:
    assert detect.detect_media_type(text_pdf()) == detect.PDF
    assert detect.detect_media_type(fax_tiff_g4(1)) == detect.TIFF
    assert detect.detect_media_type(small_image("PNG")) == detect.PNG
    assert detect.detect_media_type(small_image("JPEG")) == detect.JPEG
    assert detect.detect_media_type(eml_with_attachments()) == detect.EMAIL
