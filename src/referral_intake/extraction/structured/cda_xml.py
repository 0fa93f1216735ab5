"""Hardened XML parsing of C-CDA documents and the small XPath helpers the C-CDA parser uses.

lxml with entity resolution, DTD loading and network access off, and any DOCTYPE refused outright: a
C-CDA never needs a DTD, so refusing one closes billion-laughs, quadratic-blowup and XXE at once.
(defusedxml.lxml was considered; it is deprecated, so the same guards are set on lxml directly.)
"""

from __future__ import annotations

import base64
import binascii
import re

from lxml import etree

from referral_intake.errors import UnreadableDocument

V3 = "urn:hl7-org:v3"
NS = {"h": V3, "sdtc": "urn:hl7-org:sdtc", "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
MAX_BYTES = 50_000_000
MAX_EMBEDDED_BYTES = 50_000_000

_DTD_MARKERS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _scan_text(data: bytes) -> bytes:
    """The bytes to scan for DTD markers, decoded from UTF-16/32 first so a BOM cannot hide them."""
    for bom, enc in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            return data.decode(enc, errors="replace").encode("utf-8")
    if b"\x00" in data[:200]:  # UTF-16 without a BOM
        return data.replace(b"\x00", b"")
    return data


def parse_xml(data: bytes) -> etree._Element:
    """Parse untrusted C-CDA bytes or raise UnreadableDocument (never resolves entities or fetches)."""
    if len(data) > MAX_BYTES:
        raise UnreadableDocument(
            f"C-CDA document is larger than {MAX_BYTES} bytes; split it or raise the limit",
            reason="too_large",
        )
    if _DTD_MARKERS.search(_scan_text(data)):
        raise UnreadableDocument(
            "C-CDA document declares a DOCTYPE or entities, which C-CDA never needs; refused as a possible "
            "XML entity-expansion or external-entity attack",
            reason="xml_dtd_refused",
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        # Only the line number: lxml's message can quote document content (PHI).
        raise UnreadableDocument(
            f"C-CDA document is not well-formed XML (error near line {exc.lineno}); ask the sender to resend it",
            reason="malformed",
        ) from None
    if root.getroottree().docinfo.doctype:
        raise UnreadableDocument("C-CDA document declares a DOCTYPE; refused", reason="xml_dtd_refused")
    if root.tag != f"{{{V3}}}ClinicalDocument":
        raise UnreadableDocument(
            "XML document is not an HL7 CDA ClinicalDocument (urn:hl7-org:v3); route it as another kind",
            reason="not_ccda",
        )
    return root


def embedded_document(data: bytes) -> tuple[str, bytes] | None:
    """The (media type, bytes) of an unstructured C-CDA's nonXMLBody, for the reading stage to read."""
    root = parse_xml(data)
    text = root.find("h:component/h:nonXMLBody/h:text", NS)
    if text is None or text.get("representation", "TXT") != "B64":
        return None
    raw = "".join(text.itertext())
    if len(raw) > MAX_EMBEDDED_BYTES * 4 // 3 + 16:
        raise UnreadableDocument("embedded document in C-CDA is too large", reason="too_large")
    try:
        body = base64.b64decode(re.sub(r"\s+", "", raw), validate=True)
    except (binascii.Error, ValueError):
        raise UnreadableDocument(
            "embedded document in C-CDA is not valid base64", reason="malformed"
        ) from None
    return text.get("mediaType", "application/octet-stream"), body


def one(el: etree._Element | None, path: str) -> etree._Element | None:
    if el is None:
        return None
    found = el.find(path, NS)
    return found


def many(el: etree._Element | None, path: str) -> list[etree._Element]:
    if el is None:
        return []
    return list(el.iterfind(path, NS))


def attr(el: etree._Element | None, path: str, name: str) -> str | None:
    target = el if path == "." else one(el, path)
    if target is None:
        return None
    value = target.get(name)
    return value.strip() if value and value.strip() else None


def text_of(el: etree._Element | None) -> str | None:
    """All text under an element (narrative tables included), cells separated, whitespace collapsed."""
    if el is None:
        return None
    s = re.sub(r"\s+", " ", " ".join(t.strip() for t in el.itertext() if t.strip())).strip()
    return s or None


def has_template(el: etree._Element, roots: frozenset[str]) -> bool:
    return any(t.get("root") in roots for t in el.iterfind("h:templateId", NS))


def sections(root: etree._Element, roots: frozenset[str], loinc: frozenset[str]) -> list[etree._Element]:
    """Body sections (nested ones too) by template id, or by LOINC section code when templates are missing."""
    out = []
    for sec in root.iterfind(".//h:section", NS):
        code = attr(sec, "h:code", "code")
        if has_template(sec, roots) or (code in loinc and not list(sec.iterfind("h:templateId", NS))):
            out.append(sec)
    return out


class References:
    """Resolves `<reference value="#id"/>` pointers into the section narrative (originalText)."""

    def __init__(self, root: etree._Element) -> None:
        self._by_id = {el.get("ID"): el for el in root.iterfind(".//*[@ID]")}

    def original_text(self, el: etree._Element | None) -> str | None:
        """The originalText of a coded element: its own text or the narrative it points to."""
        ot = one(el, "h:originalText")
        if ot is None:
            return None
        ref = attr(ot, "h:reference", "value")
        if ref and ref.startswith("#") and ref[1:] in self._by_id:
            return text_of(self._by_id[ref[1:]])
        return text_of(ot)
