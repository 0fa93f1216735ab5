"""CAQH CORE Phase II connectivity envelopes (rule version 2.2.0): SOAP 1.2 with WS-Security, and MIME.

Shared by the CORE client and the local responder. Built and read with lxml (entity resolution and network
access off) and the standard library's e-mail parser for multipart/form-data; zeep was considered for SOAP
but a WSDL-driven client is heavy for one fixed envelope with eight fields.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.parser import BytesParser

from lxml import etree

from referral_intake.errors import EligibilityError

SOAP_NS = "http://www.w3.org/2003/05/soap-envelope"
CORE_NS = "http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd"
WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
)
SOAP_CONTENT_TYPE = 'application/soap+xml; charset=UTF-8; action="RealTimeTransaction"'
REQUEST_270 = "X12_270_Request_005010X279A1"
RESPONSE_271 = "X12_271_Response_005010X279A1"
RULE_VERSION = "2.2.0"
_FIELDS = (
    "PayloadType",
    "ProcessingMode",
    "PayloadID",
    "TimeStamp",
    "SenderID",
    "ReceiverID",
    "CORERuleVersion",
)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True)


class EnvelopeError(EligibilityError):
    code = "core_envelope"


@dataclass(frozen=True, slots=True)
class CoreMessage:
    """The CORE envelope fields of one real-time request or response."""

    payload_type: str
    payload: str
    sender_id: str
    receiver_id: str
    payload_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    timestamp: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    processing_mode: str = "RealTime"
    rule_version: str = RULE_VERSION
    username: str | None = None
    password: str | None = None
    error_code: str | None = None  # responses only: "Success" or a CORE error code
    error_message: str | None = None

    def reply(
        self, payload_type: str, payload: str, error_code: str = "Success", error_message: str = ""
    ) -> CoreMessage:
        """The response envelope to this request: same PayloadID, sender and receiver swapped."""
        return replace(
            self,
            payload_type=payload_type,
            payload=payload,
            sender_id=self.receiver_id,
            receiver_id=self.sender_id,
            timestamp=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            username=None,
            password=None,
            error_code=error_code,
            error_message=error_message,
        )

    def _values(self) -> dict[str, str]:
        return {
            "PayloadType": self.payload_type,
            "ProcessingMode": self.processing_mode,
            "PayloadID": self.payload_id,
            "TimeStamp": self.timestamp,
            "SenderID": self.sender_id,
            "ReceiverID": self.receiver_id,
            "CORERuleVersion": self.rule_version,
        }


def to_soap(msg: CoreMessage) -> bytes:
    """A SOAP 1.2 envelope; requests carry a WS-Security UsernameToken when a user name is set."""
    env = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soapenv": SOAP_NS, "cor": CORE_NS})
    header = etree.SubElement(env, f"{{{SOAP_NS}}}Header")
    if msg.username is not None:
        sec = etree.SubElement(header, f"{{{WSSE_NS}}}Security", nsmap={"wsse": WSSE_NS})
        sec.set(f"{{{SOAP_NS}}}mustUnderstand", "true")
        token = etree.SubElement(sec, f"{{{WSSE_NS}}}UsernameToken")
        etree.SubElement(token, f"{{{WSSE_NS}}}Username").text = msg.username
        pw = etree.SubElement(token, f"{{{WSSE_NS}}}Password", Type=PASSWORD_TEXT)
        pw.text = msg.password or ""
    body = etree.SubElement(env, f"{{{SOAP_NS}}}Body")
    kind = "Response" if msg.error_code is not None else "Request"
    core = etree.SubElement(body, f"{{{CORE_NS}}}COREEnvelopeRealTime{kind}")
    for name, value in msg._values().items():
        etree.SubElement(core, name).text = value
    etree.SubElement(core, "Payload").text = etree.CDATA(msg.payload)
    if msg.error_code is not None:
        etree.SubElement(core, "ErrorCode").text = msg.error_code
        etree.SubElement(core, "ErrorMessage").text = msg.error_message or ""
    return bytes(etree.tostring(env, xml_declaration=True, encoding="UTF-8"))


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def from_soap(data: bytes) -> CoreMessage:
    """Read a CORE SOAP request or response (namespace prefixes of the sender do not matter)."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise EnvelopeError("the CORE SOAP message is not well-formed XML; check the endpoint URL") from exc
    if _local(root.tag) != "Envelope":
        raise EnvelopeError("not a SOAP envelope; check that the endpoint speaks CORE SOAP")
    values: dict[str, str] = {}
    user = password = None
    for el in root.iter():
        name = _local(el.tag)
        if name == "Fault":
            raise EnvelopeError(
                "the CORE endpoint answered with a SOAP fault; check credentials and sender id"
            )
        if name == "Username":
            user = el.text or ""
        elif name == "Password":
            password = el.text or ""
        elif name in (*_FIELDS, "Payload", "ErrorCode", "ErrorMessage") and name not in values:
            values[name] = el.text or ""
    return _message(values, user, password)


def _message(values: dict[str, str], user: str | None, password: str | None) -> CoreMessage:
    missing = [f for f in (*_FIELDS, "Payload") if f not in values]
    if missing:
        raise EnvelopeError(f"CORE envelope lacks {', '.join(missing)}; the peer does not follow CORE 2.2.0")
    return CoreMessage(
        payload_type=values["PayloadType"],
        payload=values["Payload"],
        sender_id=values["SenderID"],
        receiver_id=values["ReceiverID"],
        payload_id=values["PayloadID"],
        timestamp=values["TimeStamp"],
        processing_mode=values["ProcessingMode"],
        rule_version=values["CORERuleVersion"],
        username=user,
        password=password,
        error_code=values.get("ErrorCode"),
        error_message=values.get("ErrorMessage"),
    )


def checksum(payload: str) -> str:
    return hashlib.sha1(payload.encode()).hexdigest()


def to_mime_fields(msg: CoreMessage) -> dict[str, str]:
    """The form fields of a CORE MIME multipart message, in the rule's order."""
    out = msg._values()
    out["PayloadLength"] = str(len(msg.payload.encode()))
    out["Checksum"] = checksum(msg.payload)
    if msg.username is not None:
        out["UserName"] = msg.username
        out["Password"] = msg.password or ""
    if msg.error_code is not None:
        out["ErrorCode"] = msg.error_code
        out["ErrorMessage"] = msg.error_message or ""
    out["Payload"] = msg.payload
    return out


def encode_multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    """multipart/form-data body and its content type (used by the responder; the client lets httpx do it)."""
    boundary = "core-" + secrets.token_hex(12)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def from_mime(data: bytes, content_type: str) -> CoreMessage:
    """Read a CORE MIME multipart request or response; checks PayloadLength and Checksum when present."""
    if "multipart/" not in content_type.lower():
        raise EnvelopeError("expected a multipart CORE message; check that the endpoint speaks CORE MIME")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    # compat32, not policy.HTTP: the modern header machinery costs ~20 ms per message here.
    message = BytesParser(policy=policy.compat32).parsebytes(head + data)
    values: dict[str, str] = {}
    parts = message.get_payload() if message.is_multipart() else []
    for part in parts if isinstance(parts, list) else []:
        if not isinstance(part, Message):
            continue
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            raw = part.get_payload(decode=True)
            values[name] = raw.decode() if isinstance(raw, bytes) else str(part.get_payload())
    msg = _message(values, values.get("UserName"), values.get("Password"))
    if "Checksum" in values and values["Checksum"].lower() != checksum(msg.payload):
        raise EnvelopeError(
            "CORE MIME Checksum does not match the payload; the message was altered in transit"
        )
    if "PayloadLength" in values and values["PayloadLength"] != str(len(msg.payload.encode())):
        raise EnvelopeError("CORE MIME PayloadLength does not match the payload")
    return msg
