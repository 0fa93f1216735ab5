"""Label-driven harvesting: for every label on a page find its value (inline, to the right, below, in a table
column or over several lines) and its role (label words, section, default), and emit candidates.
"""

from __future__ import annotations

import itertools
import re

from referral_intake.extraction import normalize as nz
from referral_intake.extraction.candidates import Candidate, Source, emit, resolve_role
from referral_intake.extraction.layout import (
    Cell,
    LabelSpan,
    Line,
    PageLayout,
    cell_below,
    cell_is_label_only,
    is_section_header,
    right_cell,
    starts_with_label,
    value_words,
)
from referral_intake.extraction.lexicon import PATIENT, REFERRED_TO, REFERRING, is_specialty, looks_like_org
from referral_intake.extraction.tables import harvest_tables
from referral_intake.reading.model import Word

MULTILINE_KEYS = frozenset({"reason", "summary", "medications", "allergies", "diagnosis", "procedure"})
LIST_KEYS = frozenset({"medications", "allergies", "diagnosis", "procedure"})
_STOP_NO_COLON = frozenset({"to", "from", "re", "id", "member", "first", "last", "date", "sent", "name"})


_NAME_KEYS = frozenset({"name", "first_name", "last_name", "middle_name", "subscriber"})
_PARTICLES = frozenset(
    {"van", "von", "de", "del", "della", "der", "da", "di", "la", "le", "du", "st", "y", "bin"}
)


def _label_ok_without_colon(span: LabelSpan, rest: list[Word]) -> bool:
    """A colon-less label opening a cell counts only when specific, or when what follows validates."""
    if span.colon:
        return True
    words = span.label.words
    key = span.label.key
    if not rest:
        return span.label.strength >= 0.8 or words > 1
    text = " ".join(w.text for w in rest)
    if key in ("dob", "date", "subscriber_dob"):
        return nz.DATE_RE.search(text) is not None
    if key in ("npi",):
        return re.search(r"\d{10}", text.replace("-", "")) is not None
    if key in ("phone", "fax"):
        return nz.PHONE_RE.search(text) is not None
    if key in ("mrn", "member_id", "group", "auth"):
        return any(c.isdigit() for c in text) and words >= 1 and " ".join(w.text for w in rest).count(" ") < 2
    if span.label.strength < 0.8 and words < 2:
        return False
    if key == "specialty":  # "Specialty Referral" is a form title, "Specialty Cardiology" a value
        return is_specialty(text)
    if key in _NAME_KEYS:
        # "Name Schmidt, Jonathan J" yes; "Patient reports the symptoms" no: names are capitalised.
        return all(w.text[:1].isupper() or w.text.lower() in _PARTICLES for w in rest) and len(rest) <= 6
    if key in ("sex", "state", "zip", "csz", "address", "city", "language", "relationship", "urgency"):
        return len(rest) <= 8  # the normalizer decides whether the words read as that kind of value
    return (
        key
        in (
            "payer",
            "plan",
            "organization",
            "specialty",
            "reason",
            "summary",
            "diagnosis",
            "procedure",
            "medications",
            "allergies",
            "credentials",
        )
        and rest[0].text[:1].isalnum()
    )


def _wrapped(layout: PageLayout, line: Line) -> bool:
    """Does this line run to the right margin (so the text wraps onto the next)?"""
    right = max((ln.cells[-1].x1 for ln in layout.lines), default=0.0)
    return line.cells[-1].x1 >= right - 0.12 * layout.page.width


def _wrapped_value(layout: PageLayout, li: int, cell: Cell) -> tuple[int, Cell] | None:
    """The start of the next line, when a label ends a paragraph line that runs to the right margin."""
    lines = layout.lines
    line = lines[li]
    if (
        cell is not line.cells[-1]
        or len(cell.words) < 6
        or li + 1 >= len(lines)
        or not _wrapped(layout, line)
    ):
        return None
    nxt = lines[li + 1]
    first = nxt.cells[0]
    if nxt.y0 - line.y1 > 1.1 * layout.line_height or abs(first.x0 - line.cells[0].x0) > 6:
        return None
    return None if starts_with_label(first) or is_section_header(first) else (li + 1, first)


def _org_wrap(layout: PageLayout, li: int, vwords: list[Word]) -> list[Word]:
    """A practice name or location wrapped in its column: "Cedar Creek Physical Therapy" / "Specialists",
    "12 Oak St, Suite 4, Saint" / "Paul, MN 55124". Only a short cell starting right under the value."""
    nxt = li + 1
    if nxt >= len(layout.lines) or layout.lines[nxt].y0 - layout.lines[li].y1 > 0.8 * layout.line_height:
        return []
    x0 = vwords[0].x0
    cell = next((c for c in layout.lines[nxt].cells if abs(c.x0 - x0) <= 4), None)
    if cell is None or cell.labels or len(cell.words) > 4:
        return []
    text = cell.text
    if vwords[0].text[:1].isdigit():
        ok = nz.parse_city_state_zip(text) is not None
    else:  # a specialty under a practice name ("Lakeview Rheumatology" / "Rheumatology") is another field
        ok = looks_like_org(text) and not is_specialty(text)
    return list(cell.words) if ok and ":" not in text else []


def _continuation(
    layout: PageLayout,
    li: int,
    xs: tuple[float, ...],
    max_lines: int,
    wrap_x: float | None = None,
    col_x: float | None = None,
) -> list[tuple[int, Cell]]:
    """Unlabelled cells directly below, starting near x0 (wrapped text, list items, an address's second line)."""
    out: list[tuple[int, Cell]] = []
    lines = layout.lines
    prev_y1 = lines[li].y1
    for lj in range(li + 1, min(len(lines), li + 1 + max_lines)):
        ln = lines[lj]
        if ln.y0 - prev_y1 > 1.1 * layout.line_height:
            break
        # The wrapped part starts under the value (or its label); cells wholly left of the label belong to
        # another column, while anything starting between the label and the value opens a new row.
        col = min(xs) if col_x is None else col_x
        tol = 0.8 * layout.line_height + 6
        cell = next((c for c in ln.cells if c.x1 > col - 4), None)
        if cell is None or not any(abs(cell.x0 - x) < tol for x in xs):
            break
        if wrap_x is not None and abs(cell.x0 - wrap_x) < 6 and not _wrapped(layout, lines[lj - 1]):
            break  # back at the margin after a short line: a new paragraph, not the value wrapping
        if starts_with_label(cell) or is_section_header(cell):
            break
        out.append((lj, cell))
        prev_y1 = ln.y1
    return out


def harvest_labels(layout: PageLayout) -> list[Candidate]:
    out, table_headers = harvest_tables(layout)
    pno = layout.page.number
    used_below: set[int] = set()
    for li, line in enumerate(layout.lines):
        if li in table_headers:
            continue
        header_row = len(line.cells) >= 2 and all(cell_is_label_only(c) for c in line.cells)
        for cell in line.cells:
            for k, span in enumerate(cell.labels):
                rest = value_words(cell, span)
                if span.label.key == "unknown" or not _label_ok_without_colon(span, rest):
                    continue
                lab = span.label
                sec = layout.section_at(li, cell.x0)
                role, role_src = resolve_role(lab.key, lab.role, sec.role if sec else None)
                if role_src == "section" and sec is not None and sec.source == "letterhead":
                    role_src = "letterhead"
                method = "inline"
                vwords = rest
                vline, vcell = li, cell
                if not vwords and k == len(cell.labels) - 1:
                    rc = right_cell(line, cell)
                    if (
                        rc is not None
                        and not starts_with_label(rc)
                        and not header_row
                        and not is_section_header(rc)
                    ):
                        vwords, vcell, method = list(rc.words), rc, "right"
                        # A right-hand value in a labelled row may carry the next label inline ("F  DOB: ...").
                    elif span.colon and (wrapped := _wrapped_value(layout, li, cell)) is not None:
                        vline, vcell = wrapped  # "... Allergies:" ending a full line: the value wraps
                        vwords, method = list(vcell.words), "inline"
                    else:
                        lx0 = min(w.x0 for w in cell.words[span.start : span.end])
                        lx1 = max(w.x1 for w in cell.words[span.start : span.end])
                        if k + 1 < len(cell.labels):
                            continue
                        below = cell_below(layout, li, lx0 - 2, max(lx1, lx0 + 40))
                        if (
                            below is not None
                            and not starts_with_label(below[1])
                            and not is_section_header(below[1])
                        ):
                            vline, vcell = below
                            vwords, method = list(vcell.words), "table" if header_row else "below"
                            used_below.add(id(vcell))
                if not vwords:
                    continue
                if lab.key == "urgency" and method in ("right", "below"):
                    # An options row ("Routine  Urgent  STAT") is one value, whichever cell was picked.
                    vwords = [w for c in layout.lines[vline].cells if c.x0 >= vcell.x0 - 2 for w in c.words]
                strength = lab.strength * (1.0 if span.colon or method == "table" else 0.85)
                sources = [Source(pno, vwords, method, strength, role_src)]
                if lab.key in MULTILINE_KEYS or lab.key == "address":
                    # An inline value may wrap back to the label's margin only if its line ran full width.
                    wrap_x = vcell.x0 if method == "inline" and vcell.x0 < vwords[0].x0 - 6 else None
                    col_x = cell.x0 if method in ("inline", "right") else vcell.x0
                    more = _continuation(layout, vline, (vcell.x0, vwords[0].x0), 12, wrap_x, col_x)
                    if lab.key == "address":
                        more = [
                            m
                            for m in more[:2]
                            if nz.parse_city_state_zip(m[1].text)
                            or re.search(r"\b[A-Z]{2}\.?\s+\d{5}(?:-\d{4})?$", m[1].text.strip())
                            or re.match(r"(?i)(apt|suite|ste|unit|#|bldg|floor|fl)\b", m[1].text)
                        ]
                        if more:
                            sources = [
                                Source(
                                    pno,
                                    vwords + [w for _, c in more for w in c.words],
                                    method,
                                    strength,
                                    role_src,
                                )
                            ]
                    elif lab.key in LIST_KEYS:
                        if k + 1 < len(cell.labels):
                            more = []  # another label follows in the cell: the value ended there
                        more = list(itertools.takewhile(lambda m: len(m[1].words) <= 10, more))
                        sources += [Source(pno, list(c.words), method, strength, role_src) for _, c in more]
                    elif more:
                        sources = [
                            Source(
                                pno,
                                vwords + [w for _, c in more for w in c.words],
                                method,
                                strength,
                                role_src,
                            )
                        ]
                elif lab.key == "organization" and method in ("inline", "right"):
                    sources = [
                        Source(pno, vwords + _org_wrap(layout, vline, vwords), method, strength, role_src)
                    ]
                for src in sources:
                    got = emit(role, lab.key, src)
                    if not got and lab.key == "member_id" and nz.parse_name(src.text) is not None:
                        # "Member: Katherine E. Jones" names the member (the patient), not an id.
                        weaker = Source(src.page, src.words, src.method, src.strength * 0.7, "default")
                        got = emit(PATIENT, "name", weaker)
                    out.extend(got)
    out.extend(_blocks(layout))
    return out


_ADDRESS_START = re.compile(r"^\d{1,6}[A-Za-z]?\s+\S")


def _blocks(layout: PageLayout) -> list[Candidate]:
    """Unlabelled lines under a section header ("Referred To" / "Dr. A. Smith" / "12 Oak St" / "Austin, TX")."""
    out: list[Candidate] = []
    pno = layout.page.number
    for sec in layout.sections:
        if sec.role not in (PATIENT, REFERRING, REFERRED_TO) or sec.source != "section":
            continue
        lines = layout.lines
        header_line = lines[sec.line]
        hcell = next((c for c in header_line.cells if abs(c.x0 - sec.x0) < 1), None)
        if hcell is None or (hcell.labels and hcell.labels[0].end < len(hcell.words)):
            continue  # the header carries its own value; labels handle it
        rc = right_cell(header_line, hcell)
        if rc is not None and rc.x0 < sec.x1 and not starts_with_label(rc):
            continue
        got_name = got_street = False
        for _, cell in _continuation_in_column(layout, sec):
            text = nz.clean(cell.text)
            src = Source(pno, list(cell.words), "block", 0.6, "section")
            if text.endswith(":"):
                continue
            if not got_name and nz.parse_name(text) is not None and not any(ch.isdigit() for ch in text):
                cands = emit(sec.role, "name", src)
                if cands and all(
                    c.path.endswith(("first_name", "last_name", "middle_name", "credentials", "suffix"))
                    for c in cands
                ):
                    out.extend(cands)
                    got_name = True
                    continue
            if not got_street and _ADDRESS_START.match(text):
                out.extend(emit(sec.role, "address", src))
                got_street = True
                continue
            if nz.parse_city_state_zip(text):
                out.extend(emit(sec.role, "csz", src))
                continue
            if (
                got_name
                and sec.role != PATIENT
                and not got_street
                and len(text) < 60
                and not any(ch.isdigit() for ch in text)
            ):
                out.extend(
                    emit(sec.role, "organization", Source(pno, list(cell.words), "block", 0.4, "section"))
                )
    return out


def _continuation_in_column(layout: PageLayout, sec: object) -> list[tuple[int, Cell]]:
    from referral_intake.extraction.layout import Section

    assert isinstance(sec, Section)
    out: list[tuple[int, Cell]] = []
    prev_y1 = layout.lines[sec.line].y1
    for lj in range(sec.line + 1, min(len(layout.lines), sec.line + 7)):
        ln = layout.lines[lj]
        if ln.y0 - prev_y1 > 1.5 * layout.line_height:
            break
        cells = [c for c in ln.cells if sec.x0 - 6 <= c.x0 < sec.x1]
        if not cells:
            break
        cell = cells[0]
        if is_section_header(cell):
            break
        prev_y1 = ln.y1
        if starts_with_label(cell):
            continue
        out.append((lj, cell))
    return out
