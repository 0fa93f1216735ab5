"""Referral facts a letter states in sentences rather than under labels.

"She is covered by Aetna (Aetna Open Access HMO), member ID W885242724", "Her current medications are
cetirizine 5 mg daily, ...", "She is allergic to Latex and Penicillin (hives)." Each pattern needs the
sentence's own verb phrase, so a form's labelled lines are left to the label pass.
"""

from __future__ import annotations

import re

from referral_intake.extraction.candidates import Candidate, Source, emit
from referral_intake.extraction.layout import PageLayout
from referral_intake.extraction.lexicon import INSURANCE, REFERRAL
from referral_intake.extraction.patterns import FlatText, flatten

# Up to the sentence's end: a period not inside a number ("0.5 mg") nor an abbreviation's, or a column gap.
_UNTIL_END = r"((?:[^.|;]|\.(?=\d))+?)\s*(?:\.(?=\s|$)|;|\||$)"
_WHOSE = r"(?:(?:her|his|their|the patient'?s|patient'?s|pt'?s|current|home|active|outpatient)\s+)"
_MEDS = re.compile(
    r"(?i)\b" + _WHOSE + r"{0,2}(?:current\s+|home\s+|active\s+)?medications?\s+"
    r"(?:are|include|includes|consist of|is)\s*:?\s+" + _UNTIL_END
)
_TAKES = re.compile(
    r"(?i)\b(?:she|he|they|the patient|patient)\s+(?:currently\s+)?(?:takes|is taking|is on|remains on|"
    r"is maintained on)\s+" + _UNTIL_END
)
_ALLERGIC = re.compile(
    r"(?i)\b(?:is|are|reports being|has been|was)\s+allergic\s+to\s+"
    + _UNTIL_END
    + r"|\b(?:allergies|allergic reactions?)\s+(?:include|includes|are|to)\s*:?\s+"
    + _UNTIL_END
)
# "is covered by Aetna (Aetna Open Access HMO), member ID W885242724": payer, the plan in parentheses, the id.
_PAYER = r"([A-Z][\w&.'\-]*(?:\s+(?:[A-Z][\w&.'\-]*|of|and|&))*)"
_COVERED = re.compile(
    r"\b(?:is|are)\s+(?:currently\s+)?(?:covered|insured|enrolled)\s+(?:by|through|with|under|in)\s+"
    + _PAYER
    + r"(?:\s*\(([^()|]{2,60})\))?"
    r"(?:\s*,?\s*(?:and\s+)?(?:(?:her|his|their|the)\s+)?(?:member|subscriber|policy|insurance)\s*"
    r"(?:ID|id|Id|number|#|no\.?)\s*(?:is\s+)?[:#]?\s*([A-Z0-9][A-Z0-9\-]{4,24}))?"
)
_MEMBER_ID_PROSE = re.compile(
    r"\b(?:[Mm]ember|[Ss]ubscriber|[Pp]olicy)\s*(?:ID|id|Id|number|#)\s*(?:is\s+)?[:#]?\s*([A-Z0-9][A-Z0-9\-]{4,24})\b"
)
# "- Requested: 95910 Nerve conduction studies" in a note's plan: a procedure code with its description after
# an order word (a bare five-digit number elsewhere may be a ZIP code or an id).
_REQUESTED_CODE = re.compile(
    r"(?i)\b(?:requested|ordered|order|orders|procedure|service|study|test)\s*[:#]\s*"
    r"((?:\d{4}[0-9FT]|[A-V]\d{4})\s+[A-Za-z][^|;\n]{2,80})"
)
# Items of a list in a sentence: commas and semicolons outside parentheses, and "and" before the last one.
_ITEM_SEP = re.compile(r"\s*(?:,|;)\s*(?:and\s+)?(?![^()]*\))|\s+and\s+(?![^()]*\))")
_NO_LIST = re.compile(r"(?i)^(?:none|no known|nkda|nka|not? |denies|unknown)")


def harvest_narrative(layout: PageLayout, flat: FlatText | None = None) -> list[Candidate]:
    flat = flat or flatten(layout)
    text = flat.text.replace("\n", " ")
    pno = layout.page.number
    out: list[Candidate] = []
    for pat, key in ((_MEDS, "medications"), (_TAKES, "medications"), (_ALLERGIC, "allergies")):
        for m in pat.finditer(text):
            g = next(i for i in range(1, (m.lastindex or 1) + 1) if m.group(i) is not None)
            out += _list_items(flat, text, m.start(g), m.end(g), key, pno)
    for m in _REQUESTED_CODE.finditer(flat.text):
        out += emit(REFERRAL, "procedure", _src(flat, pno, m.start(1), m.end(1), 0.6))
    for m in _COVERED.finditer(text):
        out += emit(INSURANCE, "payer", _src(flat, pno, m.start(1), m.end(1), 0.6))
        if m.group(2):
            out += emit(INSURANCE, "plan", _src(flat, pno, m.start(2), m.end(2), 0.55))
    for m in _MEMBER_ID_PROSE.finditer(text):
        # Only inside a sentence ("..., member ID W885242724, and can be reached"); a form's "Member ID:"
        # label is the label pass's.
        before = text[max(0, m.start() - 3) : m.start()]
        if "," in before or re.search(r"[a-z]\s$", before):
            out += emit(INSURANCE, "member_id", _src(flat, pno, m.start(1), m.end(1), 0.6))
    return out


def _src(flat: FlatText, pno: int, start: int, end: int, strength: float) -> Source:
    return Source(pno, flat.words(start, end), "prose", strength, "pattern")


def _list_items(flat: FlatText, text: str, start: int, end: int, key: str, pno: int) -> list[Candidate]:
    body = text[start:end]
    if _NO_LIST.match(body.strip()) or len(body) > 300:
        return []
    out: list[Candidate] = []
    pos = 0
    for sep in [*_ITEM_SEP.finditer(body), None]:
        stop = sep.start() if sep is not None else len(body)
        item = body[pos:stop].strip()
        if item and not _NO_LIST.match(item) and len(item.split()) <= 12:
            a = start + body.index(item, pos)
            words = flat.words(a, a + len(item))
            if words:
                # The item's own words: a word the sentence shares with the next item stays out.
                src = Source(pno, words, "prose", 0.6, "pattern")
                want = " ".join(item.rstrip(" .;,").split()).lower()
                out += [c for c in emit(REFERRAL, key, src) if c.key == want]
        pos = sep.end() if sep is not None else len(body)
    return out
