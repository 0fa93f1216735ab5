"""Packet splitting: group a document's pages into referrals (Segments).

A new referral starts where the patient changes (date of birth, else name, found next to labels), and a
fax cover sheet after content pages starts a new packet; "Page k of N" runs hold pages together. The
names and dates read here stay inside this module: they are compared, never logged or returned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from referral_intake.reading.model import Page, Segment, Word

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_SEP = r"\s?[-/.:,]\s?"  # OCR turns separators into one another ("02-Dec: 2016", "03.14/1962")
_DATE = (
    rf"(?P<a>\d{{1,2}}){_SEP}(?P<b>\d{{1,2}}){_SEP}(?P<c>\d{{4}})"
    rf"|(?P<y>\d{{4}}){_SEP}(?P<m>\d{{1,2}}){_SEP}(?P<d>\d{{1,2}})"
    r"|(?P<mon>[A-Za-z]{3,9})\.? ?(?P<md>\d{1,2}),? ?(?P<my>\d{4})"
    rf"|(?P<dd>\d{{1,2}})(?:{_SEP}|\s)(?P<mon2>[A-Za-z]{{3,9}})(?:{_SEP}|\s)(?P<yy>\d{{4}})"
)
_PAGE_OF = re.compile(r"\bpage\s*(\d{1,3})\s*(?:of|/)\s*(\d{1,3})\b", re.I)
_NOT_NAME = frozenset(
    [
        "name",
        "dob",
        "date",
        "sex",
        "male",
        "female",
        "birth",
        "address",
        "phone",
        "id",
        "mrn",
        "last",
        "first",
        "the",
        "of",
        "and",
        "for",
        "is",
        "was",
    ]
)
# Words of headings ("PATIENT FACE SHEET", "Patient Information"): a "name" holding one is no name.
_HEADING = frozenset(
    [
        "face",
        "sheet",
        "information",
        "demographics",
        "details",
        "referral",
        "summary",
        "record",
        "report",
        "registration",
        "data",
        "info",
        "portal",
        "request",
        "form",
        "profile",
        "contact",
        "insurance",
    ]
)


@dataclass(frozen=True, slots=True)
class Identity:
    dob: tuple[int, int, int] | None
    name: frozenset[str]


def _date(m: re.Match[str]) -> tuple[int, int, int] | None:
    g = m.groupdict()
    try:
        if g["a"]:
            mo, d, y = int(g["a"]), int(g["b"]), int(g["c"])
        elif g["y"]:
            y, mo, d = int(g["y"]), int(g["m"]), int(g["d"])
        elif g["mon"]:
            mo, d, y = _MONTHS.get(g["mon"][:3].lower(), 0), int(g["md"]), int(g["my"])
        else:
            mo, d, y = _MONTHS.get(g["mon2"][:3].lower(), 0), int(g["dd"]), int(g["yy"])
    except (TypeError, ValueError):
        return None
    return (y, mo, d) if 1 <= mo <= 12 and 1 <= d <= 31 and 1880 <= y <= 2100 else None


Row = list[Word]
_DOB_LABEL = re.compile(r"^(?:dob|d\.o\.b\.?|birth ?date|birthdate|born)[:.]?$", re.I)
_BIRTH_PAIR = re.compile(r"^(?:date of birth|birth date)[:.]?$", re.I)
_OTHER_WORDS = frozenset(
    {
        "sub",
        "subscriber",
        "insured",
        "holder",
        "guarantor",
        "spouse",
        "parent",
        "policyholder",
        "subscriber's",
        "insured's",
        "mother",
        "father",
    }
)
_NAME_LABELS = ("patient name", "pt name", "pt. name", "member name", "patient", "name", "re")
_FIELD_END = re.compile(r"[:#]$")


def geometric_rows(words: Sequence[Word]) -> list[Row]:
    """Words grouped into visual rows (by vertical overlap), each sorted left to right, top to bottom."""
    rows: list[tuple[float, Row]] = []
    for w in sorted(words, key=lambda w: ((w.y0 + w.y1) / 2, w.x0)):
        cy = (w.y0 + w.y1) / 2
        if rows and abs(cy - rows[-1][0]) <= max(2.0, 0.45 * (w.y1 - w.y0)):
            rows[-1][1].append(w)
        else:
            rows.append((cy, [w]))
    return [sorted(r, key=lambda w: w.x0) for _, r in rows]


def _after(row: Row, j: int, n: int = 5) -> str:
    """Text of up to n words after index j on the same row: the value may sit well right of its label
    (forms align values in a column), but a wide gap inside the value means the next column began."""
    out: list[str] = []
    last = row[j].x1
    for w in row[j + 1 : j + 1 + n]:
        limit = 160.0 if not out else 3 * max(4.0, w.y1 - w.y0)
        if w.x0 - last > limit:
            break
        out.append(w.text)
        last = w.x1
    return " ".join(out)


def _below(rows: list[Row], i: int, label: Word, n: int = 5) -> str:
    """Text in the next row that starts under the label (a column header with its value beneath)."""
    for row in rows[i + 1 : i + 3]:
        under = [w for w in row if label.x0 - 6 <= w.x0 <= label.x1 + 6 or w.x0 <= label.x0 <= w.x1]
        if under:
            k = row.index(under[0])
            return " ".join([row[k].text, _after(row, k, n - 1)]).strip()
    return ""


def _date_in(text: str) -> tuple[int, int, int] | None:
    m = re.match(r"\s*(?:" + _DATE + ")", text)
    return _date(m) if m else None


def _find_dob(rows: list[Row]) -> tuple[int, int, int] | None:
    for i, row in enumerate(rows):
        for j, w in enumerate(row):
            label_end = None
            if _DOB_LABEL.match(w.text):
                label_end = j
            elif j + 2 < len(row) and _BIRTH_PAIR.match(f"{w.text} {row[j + 1].text} {row[j + 2].text}"):
                label_end = j + 2
            elif j + 1 < len(row) and _BIRTH_PAIR.match(f"{w.text} {row[j + 1].text}"):
                label_end = j + 1
            if label_end is None:
                continue
            before = {x.text.lower().strip(":") for x in row[max(0, j - 2) : j]}
            if before & _OTHER_WORDS:
                continue
            dob = _date_in(_after(row, label_end)) or _date_in(_below(rows, i, w))
            if dob:
                return dob
    return None


def _name_tokens(text: str) -> frozenset[str]:
    """Up to four capitalized words (names are printed Capitalized or in CAPITALS; prose is not)."""
    tokens: list[str] = []
    for t in text.split():
        if _FIELD_END.search(t):
            if tokens:
                break  # the next label ("DOB:") ends the name
            continue  # a label in front of the value ("Patient: Roe, Jane" found beneath a heading)
        clean = t.strip(".,;")
        if not clean or not clean[0].isalpha() or not clean[0].isupper():
            break
        tokens.append(clean.lower())
        if len(tokens) == 4:
            break
    if _HEADING.intersection(tokens):
        return frozenset()
    return frozenset(t for t in tokens if len(t) > 1 and t not in _NOT_NAME)


def _find_name(rows: list[Row]) -> frozenset[str]:
    for i, row in enumerate(rows):
        lowered = [w.text.lower().rstrip(":") for w in row]
        # Table headers: "Last Name  First Name" with the values beneath.
        for j in range(len(row) - 1):
            if lowered[j] == "last" and lowered[j + 1] == "name":
                last = _name_tokens(_below(rows, i, row[j], 1))
                firsts = [
                    k for k in range(len(row) - 1) if lowered[k] == "first" and lowered[k + 1] == "name"
                ]
                first = _name_tokens(_below(rows, i, row[firsts[0]], 1)) if firsts else frozenset()
                if last and first:
                    return last | first
        for label in _NAME_LABELS:
            parts = label.split()
            for j in range(len(row) - len(parts) + 1):
                if [x.rstrip(":") for x in lowered[j : j + len(parts)]] != parts:
                    continue
                bare = not row[j + len(parts) - 1].text.endswith(":") and label in ("patient", "name", "re")
                if bare and not row[j].text[:1].isupper():
                    continue  # "name" in prose; a bare capitalized label ("Name  Jane Roe") is fine
                if j > 0 and lowered[j - 1] in _OTHER_WORDS | {"last", "first", "provider", "practice"}:
                    continue
                end = j + len(parts) - 1
                text = _after(row, end) or _below(rows, i, row[j])
                tokens = _name_tokens(text)
                if len(tokens) >= 2:
                    return tokens
    return frozenset()


def _name_before_dob(rows: list[Row]) -> frozenset[str]:
    """Chart headers print the name bare in front of the birth date: "ROE, JANE A.  DOB: 01/02/1960"."""
    for row in rows:
        for j, w in enumerate(row[1:6], start=1):
            if _DOB_LABEL.match(w.text):
                tokens = _name_tokens(" ".join(x.text for x in row[:j]))
                if len(tokens) >= 2 and all(x.text[:1].isupper() for x in row[:j]):
                    return tokens
                break
    return frozenset()


def page_identity(page: Page) -> Identity | None:
    """The patient a page is about: date of birth and name tokens found beside or beneath their labels."""
    rows = geometric_rows(page.words)
    dob = _find_dob(rows)
    name = _find_name(rows) or _name_before_dob(rows)
    if dob is None and not name:
        return None
    return Identity(dob, name)


def page_marker(page: Page) -> tuple[int, int] | None:
    """The document's own "Page k of N" (the lowest k on the page; a fax header counts the whole call)."""
    found = [(int(a), int(b)) for a, b in _PAGE_OF.findall(page.text) if 0 < int(a) <= int(b)]
    return min(found) if found else None


def _conflict(a: Identity, b: Identity) -> bool:
    if a.dob and b.dob and a.dob != b.dob:
        return (
            len(a.name & b.name) < 2
        )  # the same first and last name: an OCR slip in the date, not a new patient
    if a.dob and b.dob:
        return False
    if a.name and b.name:
        return not (a.name & b.name)
    return False


def split_packet(pages: Sequence[Page]) -> list[Segment]:
    """Referrals in page order. A cover sheet after content starts the next referral; it joins the referral
    behind it only when it covers one. A document of nothing but cover sheets is one segment."""
    segments: list[Segment] = []
    current: Identity | None = None
    prev_marker: tuple[int, int] | None = None
    after_cover = False
    for page in pages:
        if page.kind == "cover_sheet":
            after_cover = True
            continue
        ident = page_identity(page)
        marker = page_marker(page)
        if marker == (page.number, len(pages)):
            marker = None  # a fax machine's header counts the whole transmission, not one document
        continues = bool(prev_marker and marker and marker == (prev_marker[0] + 1, prev_marker[1]))
        reason = ""
        if not segments:
            reason = "start"
        elif after_cover:
            reason = "cover_sheet"
        elif ident and current and not continues and _conflict(ident, current):
            reason = "patient_change"
        if reason:
            segments.append(Segment([page.number], reason))
            current = ident
        else:
            segments[-1].pages.append(page.number)
            if current is None:
                current = ident
            elif ident is not None:
                current = Identity(current.dob or ident.dob, current.name or ident.name)
        prev_marker, after_cover = marker, False
    if not segments and pages:
        return [Segment([p.number for p in pages], "start")]
    _attach_covers(pages, segments)
    return segments


def _attach_covers(pages: Sequence[Page], segments: list[Segment]) -> None:
    """A cover sheet belongs to the referral behind it when it covers exactly one, and to none when it
    covers several (a batch cover names no single patient)."""
    covers = [p.number for p in pages if p.kind == "cover_sheet"]
    for i, cover in enumerate(covers):
        if i > 0 and covers[i - 1] == cover - 1:
            continue  # the run's first cover decides for the whole run
        run = [c for c in covers[i:] if c - cover == covers[i:].index(c)]
        next_cover = next((c for c in covers if c > run[-1] + 1), None)
        behind = [
            s for s in segments if s.pages[0] > run[-1] and (next_cover is None or s.pages[0] < next_cover)
        ]
        if len(behind) == 1:
            behind[0].pages[:0] = run
