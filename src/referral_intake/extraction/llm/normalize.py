"""Check an LLM's value against the contract form its field needs; a value that fails is dropped.

An LLM writes fluent but sometimes malformed values (a date as "March 4, 1955", an NPI with a bad check
digit); only values already in normalized form with valid check digits are kept.
"""

from __future__ import annotations

import re
from datetime import date

from referral_intake.extraction.structured import _common as c

_DATES = frozenset({"date_of_birth", "referral_date", "subscriber_date_of_birth"})
_IDS = frozenset({"member_id", "group_number", "authorization_number", "mrn"})


def _iso_date(s: str) -> str | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return None
    try:
        d = date.fromisoformat(s)
    except ValueError:
        return None
    return s if 1880 <= d.year <= date.today().year + 2 else None


def normalize(path: str, value: object) -> str | None:
    """The value in contract form for the field at `path` (`patient.date_of_birth`), or None."""
    s = c.text_or_none(value)
    if s is None:
        return None
    parts = path.split(".")
    leaf = parts[-1]
    if leaf in _DATES:
        return _iso_date(s)
    if leaf in ("phone", "fax"):
        f = c.phone(s)
    elif leaf == "npi":
        f = c.npi(s)
    elif leaf == "state":
        f = c.state(s)
    elif leaf == "postal_code":
        f = c.postal_code(s)
    elif leaf in ("sex", "urgency"):
        f = c.sex(s) if leaf == "sex" else c.urgency(s)
    elif leaf in _IDS:
        f = c.ident(s)
    elif leaf == "code" and "diagnoses" in parts:
        f = c.icd10(s)
    elif leaf == "code" and "procedures" in parts:
        f = c.cpt(s)
    else:
        return s
    if f is None or f.confidence != 1.0 or f.value is None:
        return None
    return str(f.value)
