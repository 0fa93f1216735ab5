"""Media type of an inbound file from its content (magic bytes and the first structure), never its name.

`python-magic`/libmagic was considered: it needs a system library and still cannot tell C-CDA from other
XML or FHIR from other JSON, which is the distinction this product cares about, so a few checks suffice.
"""

from __future__ import annotations

import json
import re
from typing import Final

PDF: Final = "application/pdf"
TIFF: Final = "image/tiff"
PNG: Final = "image/png"
JPEG: Final = "image/jpeg"
EMAIL: Final = "message/rfc822"
CCDA: Final = "application/cda+xml"
HL7V2: Final = "application/hl7-v2"
FHIR: Final = "application/fhir+json"
UNKNOWN: Final = "application/octet-stream"

STRUCTURED_KINDS: Final = {CCDA: "ccda", HL7V2: "hl7v2", FHIR: "fhir"}
IMAGE_TYPES: Final = (TIFF, PNG, JPEG)

_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]{0,60}:[ \t]?[^\r\n]*\r?$")
_CONTINUATION = re.compile(rb"^[ \t]+\S")
_MAIL_HEADERS = frozenset(
    {
        b"from",
        b"to",
        b"subject",
        b"date",
        b"mime-version",
        b"received",
        b"message-id",
        b"return-path",
        b"content-type",
        b"cc",
        b"reply-to",
        b"delivered-to",
        b"x-mailer",
    }
)
_XML_ROOT = re.compile(rb"<(?![?!])(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]")
_XML_SKIP = re.compile(rb"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.S)


def detect_media_type(data: bytes) -> str:
    """One of the constants above; UNKNOWN when nothing matches."""
    head = data[:1024]
    if b"%PDF-" in head:  # readers accept junk before the header; so does this check
        return PDF
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return PNG
    if head[:3] == b"\xff\xd8\xff":
        return JPEG
    text = _strip_bom(data)
    if text[:4] in (b"MSH|", b"\x0bMSH"):
        return HL7V2
    stripped = text.lstrip()
    if stripped[:1] == b"<" and _is_ccda(stripped):
        return CCDA
    if stripped[:1] == b"{" and _is_fhir(stripped):
        return FHIR
    if _looks_like_email(text):
        return EMAIL
    return UNKNOWN


def _strip_bom(data: bytes) -> bytes:
    return data[3:] if data[:3] == b"\xef\xbb\xbf" else data


def _is_ccda(text: bytes) -> bool:
    head = text[:8192]
    skip = _XML_SKIP.match(head)
    m = _XML_ROOT.match(head, skip.end() if skip else 0)
    return bool(m and m.group(1) == b"ClinicalDocument")


def _is_fhir(text: bytes) -> bool:
    if b'"resourceType"' not in text[:65536] and b'"resourceType"' not in text[-65536:]:
        return False
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(obj, dict) and isinstance(obj.get("resourceType"), str)


def _looks_like_email(text: bytes) -> bool:
    """RFC 5322: the message opens with header lines; two or more known mail headers make it a message."""
    known = 0
    lines = text[:16384].split(b"\n")
    if lines and lines[0].startswith(b"From "):  # mbox separator line
        lines = lines[1:]
    for line in lines[:200]:
        if line.strip(b"\r") == b"":
            break
        if _CONTINUATION.match(line):
            continue
        if not _HEADER_LINE.match(line):
            return False
        if line.split(b":", 1)[0].lower() in _MAIL_HEADERS:
            known += 1
    return known >= 2
