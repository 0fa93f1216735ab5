"""Validators for codes and identifiers: NPI (Luhn with the 80840 prefix), ICD-10-CM against the real code set,
CPT/HCPCS shape, member ids, and urgency words/checkboxes.

Each returns the normalized value or None, so a value that fails validation never reaches the contract.
"""

from __future__ import annotations

import re
from functools import lru_cache

ICD_SHAPE = re.compile(r"\b([A-TV-Z][0-9][0-9AB])\.?([0-9A-TV-Z]{1,4})?\b")
ICD_DOTTED = re.compile(r"\b[A-TV-Z][0-9][0-9AB]\.[0-9A-TV-Z]{1,4}\b")
CPT_RE = re.compile(r"\b(\d{4}[0-9FTU]|[A-V]\d{4})\b")


def npi_valid(text: str) -> str | None:
    """10-digit NPI whose last digit is the Luhn check over '80840' + the first nine digits (CMS rule)."""
    digits = re.sub(r"[\s\-]", "", text)
    if not re.fullmatch(r"[12]\d{9}", digits):
        return None
    total = 0
    for i, ch in enumerate(reversed("80840" + digits[:9])):
        n = int(ch)
        if i % 2 == 0:  # rightmost payload digit is doubled (check digit excluded)
            n *= 2
            if n > 9:
                n -= 9
        total += n
    check = (10 - total % 10) % 10
    return digits if check == int(digits[9]) else None


@lru_cache(maxsize=1)
def _icd() -> object:
    # simple_icd_10_cm ships the CDC ICD-10-CM code set; importing it parses the whole table (seconds),
    # so it is loaded once, on first use.
    import simple_icd_10_cm

    return simple_icd_10_cm


def icd10_valid(text: str, *, billable_only: bool = False) -> str | None:
    """Upper case with the dot (`M17.11`) when the code exists in ICD-10-CM; None otherwise."""
    t = re.sub(r"\s", "", text).upper().rstrip(".,;")
    m = re.fullmatch(r"([A-Z][0-9][0-9A-Z])\.?([0-9A-Z]{0,4})", t)
    if not m:
        return None
    code = m.group(1) + ("." + m.group(2) if m.group(2) else "")
    lib = _icd()
    if not lib.is_valid_item(code):  # type: ignore[attr-defined]
        return None
    if billable_only and not lib.is_leaf(code):  # type: ignore[attr-defined]
        return None
    return code


def icd10_description(code: str) -> str | None:
    try:
        desc = _icd().get_description(code)  # type: ignore[attr-defined]
    except ValueError:
        return None
    return str(desc) if desc else None


def cpt_valid(text: str) -> str | None:
    """CPT (5 digits; category II/III end in F/T) or HCPCS Level II (a letter and 4 digits): shape only,
    since the CPT code set is licensed by the AMA and cannot ship here."""
    t = re.sub(r"\s", "", text).upper()
    if re.fullmatch(r"\d{4}[0-9FTU]|[A-V]\d{4}", t):
        return t
    return None


def member_id_valid(text: str) -> str | None:
    """Payer member ids: 5-20 letters/digits after removing spaces and dashes, at least two digits."""
    t = re.sub(r"[\s\-]", "", text).upper()
    if re.fullmatch(r"[A-Z0-9]{5,20}", t) and sum(c.isdigit() for c in t) >= 2:
        return t
    return None


URGENCY_WORDS = {
    "stat": "stat", "emergent": "stat", "emergency": "stat", "immediate": "stat", "asap": "urgent",
    "urgent": "urgent", "expedited": "urgent", "priority": "urgent", "high": "urgent", "rush": "urgent",
    "routine": "routine", "normal": "routine", "standard": "routine", "elective": "routine", "non-urgent": "routine",
    "nonurgent": "routine", "low": "routine", "regular": "routine",
}  # fmt: skip


def urgency_word(text: str) -> str | None:
    t = text.strip(" :.,()[]*").lower()
    return URGENCY_WORDS.get(t)


_NUM_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "a": 1,
    "an": 1,
    "twenty-four": 24,
}
_WITHIN = re.compile(
    r"(?i)\b(?:within|in|next|under|no later than)\s*(?:the\s+)?(?:next\s+)?"
    r"(\d{1,3}|one|two|three|four|five|six|an?|twenty-four)(?:\s*(?:-|to)\s*(\d{1,3}))?\s*"
    r"(hours?|hrs?|days?|weeks?|wks?|months?|mos?)\b"
)
_PHRASES = (
    (re.compile(r"(?i)\b(same[- ]day|immediately|emergen(?:t|cy)|stat)\b"), "stat"),
    (
        re.compile(r"(?i)\b(as soon as possible|asap|urgent(?:ly)?|expedite(?:d)?|high priority|rush)\b"),
        "urgent",
    ),
    (
        re.compile(
            r"(?i)\b(next available|at (?:the patient'?s|your) convenience|routine|non[- ]?urgent|"
            r"no rush|elective|standard|regular)\b"
        ),
        "routine",
    ),
)


def urgency_phrase(text: str) -> str | None:
    """Urgency stated as a time frame or phrase ("within 2 weeks", "next available", "ASAP"): common on US
    referral forms and orders where the usual tick boxes are replaced by a scheduling window.

    A window of a day or less is stat, up to two weeks urgent, longer routine (the usual triage bands).
    None when the text states several different urgencies or none."""
    found: set[str] = set()
    for m in _WITHIN.finditer(text):
        n_txt = (m.group(2) or m.group(1)).lower()
        n = int(n_txt) if n_txt.isdigit() else _NUM_WORDS.get(n_txt, 0)
        unit = m.group(3).lower()[0]
        days = n / 24 if unit == "h" else n if unit == "d" else n * 7 if unit == "w" else n * 30
        if n:
            found.add("stat" if days <= 1 else "urgent" if days <= 14 else "routine")
    if not found:
        for pat, value in _PHRASES:
            if pat.search(text):
                found.add(value)
    return found.pop() if len(found) == 1 else None


CHECKED = re.compile(r"^(\[[xX✓✔■●*]\]|\([xX✓✔●*]\)|[☒☑✔✓■●▣◉⊠xX])$")
UNCHECKED = re.compile(r"^(\[\s?\]|\(\s?\)|[☐□○◯❑_])$")


def checkbox_state(token: str) -> bool | None:
    """True for a ticked box glyph, False for an empty one, None when the token is not a box."""
    if CHECKED.match(token):
        return True
    if UNCHECKED.match(token):
        return False
    return None
