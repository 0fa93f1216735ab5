"""Is a page's text layer worth trusting? Missing, tiny or garbage layers (scanner junk OCR) go to OCR.

A word is "plausible" when it looks like print: a number-ish token (dates, phones, IDs) or letters with a
vowel, no long consonant runs and a normal case pattern. Junk OCR layers fail this for most words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from referral_intake.reading.model import Word

_MIN_CHARS = 25  # fewer characters than this on a page with images or drawings: the layer is not the page
_MIN_PLAUSIBLE = 0.6
_NUMERIC = re.compile(r"^[\W_]*[\d$#(]+[\d\-./:,()%#$*+]*[\W_]*$")
_CASE_OK = re.compile(r"^(?:[A-Z]?[a-z]+|[A-Z]+|[A-Z][a-z]*(?:[A-Z][a-z]+)+)$")  # word, WORD, Word, McWord
_VOWEL = re.compile(r"[aeiouyAEIOUY]")
_CONSONANT_RUN = re.compile(r"[b-df-hj-np-tv-xzB-DF-HJ-NP-TV-XZ]{5,}")


def _bad_char(c: str) -> bool:
    cat = unicodedata.category(c)
    return c == "\ufffd" or cat in ("Co", "Cn", "Cc", "Cs")


def plausible(token: str) -> bool:
    if any(_bad_char(c) for c in token):
        return False
    if _NUMERIC.match(token):
        return True
    core = token.strip(".,;:!?()[]{}\"'*-/#&")
    if not core:
        return len(token) <= 2  # lone punctuation, bullets
    parts = [p for p in re.split(r"[-/'.&@]", core) if p]
    for p in parts:
        letters = re.sub(r"\d", "", p)
        if not letters:
            continue
        if len(letters) <= 2:
            continue  # initials, "Dr", "of"
        odd = not _CASE_OK.match(letters) or not _VOWEL.search(letters) or _CONSONANT_RUN.search(letters)
        if odd and not (letters.isupper() and len(letters) <= 5):  # abbreviations: NPI, MRN, DOB, ICD
            return False
    return True


def garbage_ratio(words: Sequence[Word]) -> float:
    """Share of characters in implausible words."""
    total = sum(len(w.text) for w in words)
    if total == 0:
        return 0.0
    return sum(len(w.text) for w in words if not plausible(w.text)) / total


def text_layer_usable(words: Sequence[Word], has_visible_content: Callable[[], bool]) -> bool:
    """True when the words can be used as they are; False sends the page to OCR."""
    chars = sum(len(w.text) for w in words)
    if chars < _MIN_CHARS:
        return not has_visible_content()  # a blank page stays blank; a scan with no text layer is OCRed
    return 1.0 - garbage_ratio(words) >= _MIN_PLAUSIBLE
