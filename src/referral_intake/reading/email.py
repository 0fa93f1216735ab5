"""E-mail messages (.eml, RFC 5322/MIME) via the stdlib `email` package: body text and attachments.

Attachments are walked depth-first in message order, forwarded messages (message/rfc822) included, and
their limits (count, decoded size) are checked on the encoded size before anything is decoded.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage, Message

from referral_intake.errors import UnreadableDocument
from referral_intake.settings import ReadingSettings

_MAX_DEPTH = 10  # forwards of forwards; deeper nesting is refused as hostile
_TAG = re.compile(r"<[^>]+>")
_BLOCK_TAG = re.compile(r"(?i)<(?:br|/p|/div|/tr|/li|/h\d)[^>]*>")
_SCRIPT = re.compile(r"(?is)<(script|style)[^>]*>.*?</\1>")


@dataclass(frozen=True, slots=True)
class Attachment:
    data: bytes
    filename: str | None
    content_type: str


@dataclass(slots=True)
class ParsedMessage:
    body: str
    attachments: list[Attachment]


def parse_message(data: bytes, settings: ReadingSettings) -> ParsedMessage:
    msg = email.message_from_bytes(data, policy=email.policy.default)
    bodies: list[str] = []
    attachments: list[Attachment] = []
    _walk(msg, settings, bodies, attachments, 0)
    return ParsedMessage("\n\n".join(b for b in bodies if b.strip()), attachments)


def _html_to_text(html: str) -> str:
    """Enough HTML-to-text for a referral e-mail body; lxml.html was considered, but a parser buys nothing
    here because only the words matter, and it would parse attacker-controlled markup."""
    import html as html_mod

    text = _BLOCK_TAG.sub("\n", _SCRIPT.sub(" ", html))
    return html_mod.unescape(_TAG.sub(" ", text))


def _body_text(msg: Message) -> str:
    if not isinstance(msg, EmailMessage):
        return ""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        raw = part.get_payload(decode=True)
        content = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
    if not isinstance(content, str):
        return ""
    return _html_to_text(content) if part.get_content_type() == "text/html" else content


def _encoded_size(part: Message) -> int:
    payload = part.get_payload()
    if not isinstance(payload, str):
        return 0
    cte = str(part.get("Content-Transfer-Encoding", "")).lower()
    return len(payload) * 3 // 4 if cte == "base64" else len(payload)


def _iter_attachments(msg: Message) -> Iterator[Message]:
    if isinstance(msg, EmailMessage):
        yield from msg.iter_attachments()


def _walk(
    msg: Message, settings: ReadingSettings, bodies: list[str], out: list[Attachment], depth: int
) -> None:
    if depth > _MAX_DEPTH:
        raise UnreadableDocument(
            f"e-mail nests forwarded messages more than {_MAX_DEPTH} deep", reason="corrupt"
        )
    bodies.append(_body_text(msg))
    for part in _iter_attachments(msg):
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            nested = inner[0] if isinstance(inner, list) and inner else None
            if isinstance(nested, Message):
                _walk(nested, settings, bodies, out, depth + 1)
            continue
        if part.is_multipart():
            continue
        if len(out) >= settings.max_attachments:
            raise UnreadableDocument(
                f"e-mail has more than reading.max_attachments ({settings.max_attachments}) attachments",
                reason="too_many_attachments",
            )
        if _encoded_size(part) > settings.max_attachment_bytes:
            raise UnreadableDocument(
                f"an e-mail attachment is larger than reading.max_attachment_bytes ({settings.max_attachment_bytes})",
                reason="attachment_too_large",
            )
        raw = part.get_payload(decode=True)
        if not isinstance(raw, bytes) or not raw:
            continue
        out.append(Attachment(raw, part.get_filename(), part.get_content_type()))
