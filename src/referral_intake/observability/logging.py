"""structlog set-up for the package's own logger, with a processor that scrubs PHI.

Log events carry ids (case, document, user) and codes, never patient data. The scrubber is a second
line of defence: keys that name PHI are dropped and values that look like dates, phone numbers,
e-mail addresses, SSNs or member ids are masked.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

PHI_KEYS = frozenset(
    {
        "name",
        "first_name",
        "last_name",
        "middle_name",
        "patient",
        "dob",
        "date_of_birth",
        "birth_date",
        "address",
        "street",
        "phone",
        "fax",
        "email",
        "ssn",
        "mrn",
        "member_id",
        "subscriber",
        "text",
        "value",
        "password",
        "token",
        "secret",
        "totp",
    }
)
_PATTERNS = [
    re.compile(r"\b\d{1,4}[/-]\d{1,2}[/-]\d{2,4}\b"),  # dates
    re.compile(r"\(?\b\d{3}\)?[-.\s]?\d{3}[-.\s]?\d{4}\b"),  # NANP phone numbers
    re.compile(r"\b\d{3}-\d{2}-\d{4}\b"),  # SSN
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # e-mail
    re.compile(r"\b[A-Z]{1,4}\d{6,}\b"),  # member ids / MRNs
]
MASK = "[redacted]"


def scrub_text(text: str) -> str:
    for pat in _PATTERNS:
        text = pat.sub(MASK, text)
    return text


def scrub_phi(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event):
        if key in PHI_KEYS:
            event[key] = MASK
        elif isinstance(event[key], str):
            event[key] = scrub_text(event[key])
    return event


def _stderr_logger(*_args: Any) -> structlog.PrintLogger:
    # Looked up at each use, not at configure time: sys.stderr may be replaced (test runners, daemons).
    return structlog.PrintLogger(file=sys.stderr)


def configure(level: str = "INFO", json: bool | None = None) -> None:
    """Configure structlog and the `referral_intake` stdlib logger only (never the root logger)."""
    use_json = (not sys.stderr.isatty()) if json is None else json
    renderer: Any = structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            scrub_phi,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
    logging.getLogger("referral_intake").setLevel(level.upper())
