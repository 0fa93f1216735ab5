"""Reading: any inbound file to pages of positioned words, classified and split into referrals.

read_document(data, filename, settings) -> ReadDocument   sandboxed (child process, limits)
read_document_inproc(data, filename, settings)            same, in this process (trusted input only)
"""

from __future__ import annotations

from referral_intake.reading.model import (
    Page,
    ReadDocument,
    Segment,
    Word,
    document_from_dict,
    document_to_dict,
)
from referral_intake.settings import ReadingSettings

__all__ = [
    "Page",
    "ReadDocument",
    "Segment",
    "Word",
    "document_from_dict",
    "document_to_dict",
    "read_document",
    "read_document_inproc",
]


def read_document_inproc(data: bytes, filename: str | None, settings: ReadingSettings) -> ReadDocument:
    """Read in this process (no time or memory limit): for trusted inputs, tests and evaluation."""
    # Imported here so that `from referral_intake.reading.model import Word` stays light (no PyMuPDF/OpenCV).
    from referral_intake.reading.reader import read_document_inproc as _read

    return _read(data, filename, settings)


def read_document(data: bytes, filename: str | None, settings: ReadingSettings) -> ReadDocument:
    """Read an untrusted file; raises UnreadableDocument(reason=...) on anything it cannot read safely."""
    if not settings.sandbox:
        return read_document_inproc(data, filename, settings)
    from referral_intake.reading.sandbox import read_sandboxed

    return read_sandboxed(data, filename, settings)
