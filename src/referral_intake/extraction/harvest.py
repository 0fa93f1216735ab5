"""Label-driven harvesting: for every label on a page find its value (inline, to the right, below, in a table
column or over several lines) and its role (label words, section, default), and emit candidates.
"""

from __future__ import annotations

import itertools
import re

from referral_intake.extraction import normalize as nz
from referral_intake.extraction import validate as va
from referral_intake.extraction.candidates import (
    Candidate,
    Source,
    emit,
    is_caption_text,
    reads_as_plan,
    resolve_role,
)
from referral_intake.extraction.layout import (
    Cell,
    LabelSpan,
    Line,
    PageLayout,
    Section,
    cell_below,
    cell_is_label_only,
    is_section_header,
    right_cell,
    starts_with_label,
    value_words,
)
from referral_intake.extraction.lexicon import (
    INSURANCE,
    INSURANCE2,
    OTHER,
    PATIENT,
    REFERRED_TO,
    REFERRING,
    ROLE_KEYS,
    is_specialty,
    looks_like_org,
    looks_like_payer,
)
from referral_intake.extraction.tables import harvest_tables
from referral_intake.reading.model import Word

MULTILINE_KEYS = frozenset({"reason", "summary", "medications", "allergies", "diagnosis", "procedure"})
LIST_KEYS = frozenset({"medications", "allergies", "diagnosis", "procedure"})
_STOP_NO_COLON = frozenset({"to", "from", "re", "id", "member", "first", "last", "date", "sent", "name"})


_NAME_KEYS = frozenset({"name", "first_name", "last_name", "middle_name", "subscriber"})
_PARTICLES = frozenset(
    {"van", "von", "de", "del", "della", "der", "da", "di", "la", "le", "du", "st", "y", "bin"}
)


def _label_ok_without_colon(span: LabelSpan, rest: list[Word], grid: bool = False) -> bool:
    """A colon-less label opening a cell counts only when specific, or when what follows validates.

    `grid`: the label fills its cell and `rest` is the next cell of the row (a key/value grid without colons,
    "Referring    Priya Amadi, MD"): the layout itself says label and value, so a general label word is
    enough when the value reads as that kind of value."""
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
    if key in ("phone", "fax", "phone_fax"):
        return nz.PHONE_RE.search(text) is not None
    if (
        key == "member_id"
        and grid
        and nz.parse_name(text) is not None
        and all(w.text[:1].isupper() for w in rest)
    ):
        return True  # a card's "Member    JANE DOE" names the member; the harvest reads it as a name
    if key in ("mrn", "member_id", "group", "auth", "payer_id"):
        # An id may be printed in groups ("XLK 904 39105"), each group upper-case letters and digits.
        grouped = re.fullmatch(r"[A-Z0-9]{1,5}(?: [A-Z0-9]{2,6}){1,3}", text) is not None
        return any(c.isdigit() for c in text) and words >= 1 and (text.count(" ") < 2 or grouped)
    if key in ("payer", "plan") and looks_like_payer(text):
        return True  # "Insurance   Lakeshore Health Plan", "Plan   TRICARE Prime"
    if span.label.strength < 0.8 and words < 2 and not grid:
        return False
    if key == "specialty":  # "Specialty Referral" is a form title, "Specialty Cardiology" a value
        return is_specialty(text)
    if key in _NAME_KEYS:
        # "Name Schmidt, Jonathan J" yes; "Patient reports the symptoms" no: names are capitalised.
        return all(w.text[:1].isupper() or w.text.lower() in _PARTICLES for w in rest) and len(rest) <= 6
    if key in ("sex", "relationship", "urgency") and any(va.checkbox_state(w.text) for w in rest):
        # "How soon?  [x] Routine [ ] Urgent (within 1 week) [ ] STAT / same day": a ticked choice among
        # options, however many words the options take; `emit` keeps the ticked one.
        return True
    if key == "address" and rest[0].text[:1].isdigit() and len(rest) <= 16:
        return True  # "Address 596 Juniper Ave, Bldg A Ste 26, Knoxville, TN 37919": all on one line
    if key == "address2":
        # "Apt / unit" over (or under) "Apt 26D" names the value; a cell "Apt 26D" is that value itself.
        return grid and len(rest) <= 4
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


def _join_wrapped_items(layout: PageLayout, sources: list[Source], line_ix: list[int]) -> list[Source]:
    """ "gabapentin 300 mg at bedtime; albuterol inhaler 2 puffs every 4 hours" / "as needed; cetirizine ...":
    a separated list whose line runs to the margin without a separator at its end wraps an item onto the
    next line; that line is joined to it rather than read as items of its own."""
    if len(sources) != len(line_ix):
        return sources
    out: list[Source] = []
    prev_line = -1
    for src, li in zip(sources, line_ix, strict=True):
        if out and prev_line >= 0:
            last = out[-1]
            text = last.text.rstrip()
            if (
                re.search(r"[;,]", text)
                and not re.search(r"[;,.]$", text)
                and _wrapped(layout, layout.lines[prev_line])
                and src.words
                and src.words[0].text[:1].islower()
            ):
                out[-1] = Source(
                    last.page, last.words + src.words, last.method, last.strength, last.role_source
                )
                prev_line = li
                continue
        out.append(src)
        prev_line = li
    return out


def _opens_label(cell: Cell) -> bool:
    """Does this cell start with a label? A lone one-letter word without a colon ("F", "M", "P") is a value
    (a sex, a choice) even though the lexicon also knows it as an abbreviated label."""
    if not starts_with_label(cell):
        return False
    span = cell.labels[0]
    return not (len(cell.words) == 1 and not span.colon and len(cell.words[0].text.strip(".")) <= 1)


def _row_person_role(line: Line, cell: Cell, k: int = 0) -> str | None:
    """The provider a row is about: a "Referred by:" / "Referred to:" name label in a cell left of `cell`, or
    opening `cell` before its label number `k` ("Provider: Ann Lee, MD   Location: Oak Clinic" in one run)."""
    for c in line.cells:
        for i, sp in enumerate(c.labels):
            if c is cell and i >= k:
                return None
            if sp.label.key == "name" and sp.label.role in (REFERRING, REFERRED_TO) and sp.start == 0:
                return sp.label.role
        if c is cell:
            return None
    return None


def _row_section_role(layout: PageLayout, li: int, cell: Cell) -> str | None:
    """The provider whose section holds the label opening this row ("Fax: ...  Phone: ..." under "From:"),
    for a role-less label further right that lies outside that section's column."""
    first = layout.lines[li].cells[0]
    if first is cell or not starts_with_label(first):
        return None
    sec = layout.section_at(li, first.x0)
    if sec is None or sec.source != "section" or sec.role not in (REFERRING, REFERRED_TO):
        return None
    return sec.role


# A fill-in line typed as characters ("________", "- - - -"): a blank value, or a rule between rows.
_RULE = re.compile(r"[_\-\u2013\u2014.\s]{3,}")


def _rule_line(line: Line) -> bool:
    return all(_RULE.fullmatch(c.text) for c in line.cells)


def _caption_row(line: Line) -> bool:
    """Every cell one caption without a colon: a known label alone in its cell (or a field caption the
    lexicon does not read, "SSN"), at least one of them known."""
    known = 0
    for c in line.cells:
        # A person's caption may also head that person's block ("Ordering Clinician"): a label counts.
        if c.labels and c.labels[0].label.key != "unknown":
            if not (_opens_label(c) and cell_is_label_only(c) and len(c.labels) == 1) or c.labels[0].colon:
                return False
            known += 1
        elif c.labels or is_section_header(c) or not is_caption_text(c.text):
            return False
    return known > 0


def _self_labelled(cell: Cell) -> bool:
    """A cell that is a "Label: value" pair of its own ("Patient is insured's: [x] Self")."""
    return (
        bool(cell.labels)
        and cell.labels[0].start == 0
        and cell.labels[0].colon
        and cell.labels[0].label.key != "unknown"
        and cell.labels[-1].end < len(cell.words)
    )


def _value_row(line: Line) -> bool:
    """A line of unlabelled values (some maybe blank rules): no caption-only cell, no "Label:" in it.

    A "Label: value" cell of its own may sit beside the values ("Colleen Roe | 02/22/1986 | Patient is
    insured's: [x] Self" over "Policyholder name | Insured's DOB"), as long as plain values are there too."""
    plain = [c for c in line.cells if not _self_labelled(c)]
    return (
        bool(plain)
        and not _caption_row(line)
        and not any(
            is_section_header(c) or cell_is_label_only(c) or any(sp.colon for sp in c.labels) for c in plain
        )
    )


def _align(values: Line, captions: Line) -> dict[int, Cell] | None:
    """Caption cell index -> the value cell over (or under) it, when each value cell overlaps exactly one
    caption and no caption two values; None when the rows do not line up. A self-labelled value cell
    (`_self_labelled`) needs no caption and must stand clear of them."""
    out: dict[int, Cell] = {}
    for v in values.cells:
        hits = [k for k, c in enumerate(captions.cells) if min(v.x1, c.x1 + 4) - max(v.x0, c.x0 - 4) > 0]
        if not hits and _self_labelled(v):
            continue
        if len(hits) != 1 or hits[0] in out:
            return None
        out[hits[0]] = v
    return out or None


def caption_values(layout: PageLayout) -> dict[int, Cell | None]:
    """On forms that print each caption under its filled line ("Rosa Delgado" over "Patient name"), the
    value of each caption cell (by id): the cell right above it, None when that was left blank.

    Captions over values (a header row) and captions under values look alike row by row; spacing and the
    ends of a run of alternating value/caption rows tell them apart. Each value row must line up with the
    caption row under it cell by cell and sit close over it (within a line and a half), closer than the
    rows before the value and after the caption are; the run must not start under a caption row lined up
    with it nor end over a value row lined up with its last captions (either would read as captions over
    values), and must hold two captions at least. Anything less clear is left to the usual reading.
    """
    lh = layout.line_height
    lines: list[Line] = []
    for ln in layout.lines:
        # A rule typed right under a filled value is that value's fill-in line; a rule alone is a blank value.
        under_value = bool(lines) and _value_row(lines[-1]) and not _rule_line(lines[-1])
        if not (_rule_line(ln) and under_value and ln.y0 - lines[-1].y1 <= 0.8 * lh):
            lines.append(ln)
    out: dict[int, Cell | None] = {}
    t = 0
    while t < len(lines) - 1:
        run: list[tuple[Line, Line, dict[int, Cell]]] = []
        k = t
        while k + 1 < len(lines):
            v, c = lines[k], lines[k + 1]
            gap = c.y0 - v.y1
            m = _align(v, c) if _value_row(v) and _caption_row(c) and gap <= 1.5 * lh else None
            # The caption hugs the line it names: the row before the value and the one after the caption
            # stand further off (a heading over wrapped text sits closer to the text under it).
            before = lines[k - 1].y1 if k > 0 else -1e9
            after = lines[k + 2].y0 if k + 2 < len(lines) else 1e9
            if m is None or v.y0 - before <= gap + 0.25 * lh or after - c.y1 <= gap + 0.25 * lh:
                break
            run.append((v, c, m))
            k += 2
            if k >= len(lines) or lines[k].y0 - c.y1 > 2.2 * lh:
                break
        if not run:
            t += 1
            continue
        first_v, last_c = run[0][0], run[-1][1]
        # A caption row lined up close over the first value row, or a value row close under the last caption
        # row: these may be captions over values after all.
        top = lines[t - 1] if t > 0 else None
        ambiguous = (
            top is not None
            and first_v.y0 - top.y1 <= 1.5 * lh
            and _caption_row(top)
            and _align(first_v, top) is not None
        ) or (
            k < len(lines)
            and lines[k].y0 - last_c.y1 <= 1.5 * lh
            and _value_row(lines[k])
            and _align(lines[k], last_c) is not None
        )
        if not ambiguous and sum(len(c.cells) for _, c, _ in run) >= 2:
            for _, c, m in run:
                for i, cap in enumerate(c.cells):
                    val = m.get(i)
                    out[id(cap)] = None if val is None or _RULE.fullmatch(val.text) else val
        t = k
    return out


def _grid_value(
    line: Line, cell: Cell, span: LabelSpan, header_row: bool, layout: PageLayout | None = None
) -> bool:
    """A label alone in its cell with an unlabelled value cell right of it (or, for values that validate by
    shape, right under it) that validates for the label."""
    rc = right_cell(line, cell)
    if span.start != 0:
        return False
    if (rc is None or header_row) and layout is not None and span.label.key in _SHAPED_KEYS:
        # In a caption row ("Date | Appointment Needed" over "11/9/2026 | [X] Routine") each caption's value
        # is under it.
        # "Department" over "Rheumatology": a stacked form cell; the value under it must validate.
        below = cell_below(layout, cell.line, cell.x0 - 2, max(cell.x1, cell.x0 + 40), max_lines=1)
        if below is None or _opens_label(below[1]) or is_section_header(below[1]):
            return False
        return _label_ok_without_colon(span, list(below[1].words), grid=True)
    if rc is None or header_row or _opens_label(rc) or is_section_header(rc):
        return False
    return _label_ok_without_colon(span, list(rc.words), grid=True)


# Keys whose values validate by their own shape (a specialty list, a date, a checksum, a phone number).
# A birth date, a sex word and a capitalised personal name validate too ("Client" over "Lionel Brandt").
_SHAPED_KEYS = frozenset({"specialty", "npi", "phone", "fax", "date", "dob", "subscriber_dob", "sex", "name"})


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
        ok = nz.parse_city_state_zip(text) is not None or _zip_after_state(vwords, text)
    else:  # a specialty under a practice name ("Lakeview Rheumatology" / "Rheumatology") is another field
        ok = looks_like_org(text) and not is_specialty(text)
    return list(cell.words) if ok and ":" not in text else []


def _valued_label_header(layout: PageLayout, sec: Section) -> bool:
    """Is this section's header cell a known field label that carries its own value?"""
    line = layout.lines[sec.line]
    cell = next((c for c in line.cells if abs(c.x0 - sec.x0) < 1), None)
    if cell is None or not cell.labels or cell.labels[0].start != 0 or cell.labels[0].label.key == "unknown":
        return False
    if cell.labels[0].end < len(cell.words):
        return True
    rc = right_cell(line, cell)
    if rc is not None and cell_is_label_only(rc) and not is_section_header(rc):
        # A caption row ("Guarantor | Pt Relationship to Subscriber" over "Mary Lewis | Child"): the header
        # word captions the value under it as its neighbours caption theirs.
        below = cell_below(layout, sec.line, cell.x0 - 2, max(cell.x1, cell.x0 + 40), max_lines=1)
        return below is not None and not below[1].labels and not is_section_header(below[1])
    return rc is not None and not rc.labels


def _right_aligned_below(layout: PageLayout, li: int, vcell: Cell, label_x1: float) -> list[tuple[int, Cell]]:
    """The next line's lone cell flush with a right-aligned value ("Residence      12 Oak St" /
    "            Austin, TX 78701"): forms that align values to the right edge wrap them there too."""
    nxt = li + 1
    if nxt >= len(layout.lines) or layout.lines[nxt].y0 - layout.lines[li].y1 > 0.8 * layout.line_height:
        return []
    cells = [c for c in layout.lines[nxt].cells if c.x1 > label_x1]
    if len(cells) != 1 or abs(cells[0].x1 - vcell.x1) > 3 or cells[0].x0 <= label_x1 + 6 or cells[0].labels:
        return []
    return [(nxt, cells[0])]


def _mid_sentence(layout: PageLayout, li: int, cell: Cell) -> bool:
    """Does this cell go on with a sentence wrapped from the line above (same margin, a full-width line not
    ending a sentence or a label)? A colon-less label word there is prose ("Tried two" / "medications ...")."""
    if li == 0 or cell is not layout.lines[li].cells[0]:
        return False
    prev = layout.lines[li - 1]
    if (
        len(prev.cells) != 1
        or abs(prev.cells[0].x0 - cell.x0) > 3
        or layout.lines[li].y0 - prev.y1 > 0.8 * layout.line_height
        or not _wrapped(layout, prev)
    ):
        return False
    last = prev.cells[0].words[-1].text
    # The sentence goes on: the line above ends in a lower-case word and this one starts in lower case.
    return (
        len(prev.cells[0].words) >= 6
        and re.fullmatch(r"[a-z][a-z'\-]*,?", last) is not None
        and cell.words[0].text[:1].islower()
    )


def _margin_wrap(layout: PageLayout, li: int, vcell: Cell) -> float | None:
    """The line's left margin when `vcell` ends a full-width line that starts further left and the next line
    is one cell starting at that margin (the text of the last field wrapped); None otherwise."""
    line = layout.lines[li]
    margin = line.cells[0].x0
    if vcell is not line.cells[-1] or margin >= vcell.x0 - 6 or li + 1 >= len(layout.lines):
        return None
    nxt = layout.lines[li + 1]
    if len(nxt.cells) != 1 or abs(nxt.cells[0].x0 - margin) > 6 or not _wrapped(layout, line):
        return None
    return margin


def _zip_after_state(vwords: list[Word], text: str) -> bool:
    """A lone ZIP wrapped under an address whose line ended at the state ("12 Oak St, Albany, NY" / "12224")."""
    before = " ".join(w.text for w in vwords).strip()
    return bool(re.fullmatch(r"\d{5}(?:-\d{4})?", text.strip())) and bool(
        re.search(r",\s*[A-Z]{2}\.?,?$", before)
    )


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
    captions = caption_values(layout)
    if captions:
        # Caption rows under their values are no table headers: what a table read under them is the next
        # row's values.
        cap_lines = {c.line for ln in layout.lines for c in ln.cells if id(c) in captions}
        val_lines = [layout.lines[v.line] for v in captions.values() if v is not None]
        table_headers -= cap_lines
        out = [
            c
            for c in out
            if c.bbox is None
            or c.method != "table"
            or not any(ln.y0 <= (c.bbox[1] + c.bbox[3]) / 2 <= ln.y1 for ln in val_lines)
        ]
    for li, line in enumerate(layout.lines):
        if li in table_headers:
            continue
        header_row = len(line.cells) >= 2 and all(
            cell_is_label_only(c) and _opens_label(c) for c in line.cells
        )
        for cell in line.cells:
            for k, span in enumerate(cell.labels):
                rest = value_words(cell, span)
                if span.label.key == "unknown":
                    continue
                if not span.colon and _mid_sentence(layout, li, cell):
                    continue  # "... Tried two" / "medications without adequate response.": prose, no label
                above = captions.get(id(cell), cell) if k == 0 else cell
                if above is not cell:
                    # A caption under its filled line names the value above it, never the next row's.
                    if above is None or not _label_ok_without_colon(span, list(above.words), grid=True):
                        continue
                elif not _label_ok_without_colon(span, rest) and not (
                    not rest
                    and k == len(cell.labels) - 1
                    and _grid_value(line, cell, span, header_row, layout)
                ):
                    continue
                lab = span.label
                sec = layout.section_at(li, cell.x0)
                if (
                    sec is not None
                    and sec.role == OTHER
                    and (sec.line == li or lab.key in ("relationship", "subscriber_dob"))
                    and _valued_label_header(layout, sec)
                ):
                    # "Guarantor   Desmond Amadi" is a field with its value (the subscriber), not a header
                    # closing the patient's region; its relationship and DOB lines are the subscriber's too.
                    sec = layout.section_at(sec.line - 1, cell.x0) if sec.line > 0 else None
                if (
                    lab.key in ("member_id", "group")
                    and sec is not None
                    and sec.line >= 0
                    and _CLAIM_HEAD.search(layout.lines[sec.line].text)
                ):
                    continue  # a work-injury or auto claim's policy number is no health plan member id
                role, role_src = resolve_role(lab.key, lab.role, sec.role if sec else None)
                if role_src == "section" and sec is not None and sec.source == "letterhead":
                    role_src = "letterhead"
                if (
                    lab.role is None
                    and role_src in ("default", "guess", "none")
                    and not (sec and sec.role == OTHER)
                ):
                    # "Referred by: Dr. X    Office ph: ..." - a role-less label on a person's row is theirs.
                    owner = _row_person_role(line, cell, k) or _row_section_role(layout, li, cell)
                    if owner is not None and lab.key in ROLE_KEYS[owner]:
                        role, role_src = owner, "section"
                elif (
                    lab.role is None
                    and sec is not None
                    and sec.line < li
                    and sec.role != OTHER
                    and any(s.line == li and abs(s.x0 - sec.x0) < 8 for s in layout.sections)
                ):
                    # The row's own "Referred by: Dr. X", opening the same column as a header further up
                    # ("Patient: ..." spanning the page), closes that header's region: "Office ph:" printed right
                    # of it is the referrer's. (A header of another column, "Patient" at mid-page, stays.)
                    owner = _row_person_role(line, cell, k)
                    if owner is not None and owner != sec.role and lab.key in ROLE_KEYS[owner]:
                        role, role_src = owner, "section"
                if lab.provider and role not in (REFERRING, REFERRED_TO) and not (sec and sec.role == OTHER):
                    # "Clinic phone" outside any provider's section: the sending clinic's, weakly; never the
                    # patient's.
                    role, role_src = REFERRING, "guess"
                method = "inline"
                vwords = rest
                vline, vcell = li, cell
                if above is not None and above is not cell:
                    vline, vcell = above.line, above
                    vwords, method = list(above.words), "below"
                elif not vwords and k == len(cell.labels) - 1:
                    rc = right_cell(line, cell)
                    if (
                        rc is not None
                        and not _opens_label(rc)
                        and not header_row
                        and not is_section_header(rc)
                    ):
                        vwords, vcell, method = list(rc.words), rc, "right"
                        if rc.labels and rc.labels[0].colon and lab.key in ROLE_KEYS[REFERRING]:
                            # "To:  Oak Digestive Health - Attn: Referrals": the value ends where the next
                            # label starts.
                            vwords = vwords[: rc.labels[0].start]
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
                columns: list[tuple[str, Cell]] = []
                if method == "right" and lab.role is None:
                    columns = _provider_columns(layout, li, vcell, cell, sec, lab.key)
                    if columns and columns[0][1] is vcell:
                        role, role_src = columns[0][0], "section"
                if (
                    lab.key == "urgency"
                    or (lab.key == "specialty" and any(va.checkbox_state(w.text) is not None for w in vwords))
                ) and method in ("right", "below"):
                    # An options row ("Routine  Urgent  STAT", "[ ] Cardiology  [X] Nephrology") is one value,
                    # whichever cell was picked.
                    vwords = [w for c in layout.lines[vline].cells if c.x0 >= vcell.x0 - 2 for w in c.words]
                strength = lab.strength * (1.0 if span.colon or method == "table" else 0.85)
                sources = [Source(pno, vwords, method, strength, role_src)]
                if lab.key in MULTILINE_KEYS or lab.key == "address":
                    # An inline value may wrap back to the label's margin only if its line ran full width.
                    wrap_x = vcell.x0 if method == "inline" and vcell.x0 < vwords[0].x0 - 6 else None
                    col_x = cell.x0 if method in ("inline", "right") else vcell.x0
                    xs: tuple[float, ...] = (vcell.x0, vwords[0].x0)
                    margin = _margin_wrap(layout, vline, vcell) if method == "inline" else None
                    if margin is not None and lab.key in MULTILINE_KEYS:
                        # "Priority: Routine | Reason: ... predominantly" / "inattentive type": a field
                        # late on a full-width line wraps back to the line's own margin.
                        xs, wrap_x, col_x = (*xs, margin), margin, margin
                    more = _continuation(layout, vline, xs, 12, wrap_x, col_x)
                    if lab.key == "address" and not more and method == "right":
                        more = _right_aligned_below(layout, vline, vcell, cell.x1)
                    if lab.key == "address":
                        more = [
                            m
                            for m in more[:2]
                            if nz.parse_city_state_zip(m[1].text)
                            or re.search(r"\b[A-Z]{2}\.?\s+\d{5}(?:-\d{4})?$", m[1].text.strip())
                            or re.match(r"(?i)(apt|suite|ste|unit|#|bldg|floor|fl)\b", m[1].text)
                            or _zip_after_state(vwords, m[1].text)
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
                        sources = _join_wrapped_items(layout, sources, [vline] + [lj for lj, _ in more])
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
                if lab.key == "payer" and method == "inline" and vcell is cell and k == len(cell.labels) - 1:
                    nxt = right_cell(line, cell)
                    if (
                        nxt is not None
                        and not nxt.labels
                        and reads_as_plan(" ".join(w.text for w in vwords), nxt.text)
                    ):
                        # "Insurance: Medicaid | Medicaid Managed Care | ID ...": the plan follows the payer.
                        plan = Source(pno, list(nxt.words), "right", strength * 0.8, role_src)
                        out.extend(emit(role, "plan", plan))
                for src in sources:
                    got = emit(role, lab.key, src)
                    if not got and lab.key == "member_id" and nz.parse_name(src.text) is not None:
                        # "Member: Katherine E. Jones" names the member (the patient), not an id.
                        weaker = Source(src.page, src.words, src.method, src.strength * 0.7, "default")
                        got = emit(PATIENT, "name", weaker)
                    out.extend(got)
                for crole, ccell in columns:
                    if ccell is not vcell:  # the same row's value for the provider in the next column
                        csrc = Source(pno, list(ccell.words), "right", strength, "section")
                        out.extend(emit(crole, lab.key, csrc))
    out.extend(_blocks(layout, captions))
    out.extend(_coverage_columns(layout))
    out.extend(_guardian_subscriber_dob(layout, captions, out))
    return out


def _provider_columns(
    layout: PageLayout, li: int, vcell: Cell, label_cell: Cell, sec: Section | None, key: str
) -> list[tuple[str, Cell]]:
    """A grid of row labels with one column per provider ("ORDERING PROVIDER | REFER TO" over "Name | Ann Lee |
    Bo Park"): the unlabelled cells of this row from `vcell` on that sit under a provider's column header
    newer than the label's own section, each with that provider's role; [] when the row is no such grid."""
    out: list[tuple[str, Cell]] = []
    line = layout.lines[li]
    for c in line.cells[line.cells.index(vcell) :]:
        if c.labels or is_section_header(c):
            break
        csec = layout.section_at(li, c.x0)
        if (
            csec is None
            or csec.source != "section"
            or csec.role not in (REFERRING, REFERRED_TO)
            or csec.x0 <= label_cell.x1
            or (sec is not None and csec.line < sec.line)
            or key not in ROLE_KEYS[csec.role]
            or any(r == csec.role for r, _ in out)
        ):
            break
        out.append((csec.role, c))
    return out


_ADDRESS_START = re.compile(r"^\d{1,6}[A-Za-z]?\s+\S")

# Column heads of a face sheet's coverage grid ("Insurance | Primary | Secondary").
_COVERAGE_COLUMN = re.compile(
    r"(?i)^(primary|secondary)(?:\s+(?:insurance|coverage|payer|payor|plan|carrier|ins\.?))?:?$"
)


_CLAIM_HEAD = re.compile(r"(?i)\bclaim\b")
_GUARDIAN = r"(?:parent\s*/\s*(?:legal\s+)?guardian|parent or guardian|legal guardian|guardian|parent)"
_GUARDIAN_NAME = re.compile(r"(?i)^" + _GUARDIAN + r"(?:'?s)?(?:\s+name)?\s*:?$")
_GUARDIAN_DOB = re.compile(
    r"(?i)^" + _GUARDIAN + r"(?:'?s)?\s+(?:date of birth|dob|d\.o\.b\.?|birth ?date)(?:\s*\([^)]*\))?\s*:?$"
)


def _caption_value(layout: PageLayout, captions: dict[int, Cell | None], cell: Cell) -> Cell | None:
    """The value a caption cell names: the cell over it on a caption-under form, else the cell right under."""
    if id(cell) in captions:
        return captions[id(cell)]
    below = cell_below(layout, cell.line, cell.x0 - 2, max(cell.x1, cell.x0 + 40), max_lines=1)
    if below is None or below[1].labels or is_section_header(below[1]):
        return None
    return below[1]


def _guardian_subscriber_dob(
    layout: PageLayout, captions: dict[int, Cell | None], found: list[Candidate]
) -> list[Candidate]:
    """A child's form gives the parent's or guardian's name and birth date, and the policyholder by name only:
    when the policyholder is that same person, the guardian's birth date is the subscriber's."""
    subscribers = {
        c.path.split(".")[1]: str(c.value).casefold() for c in found if c.path.endswith(".subscriber_name")
    }
    if not subscribers:
        return []
    names: list[str] = []
    dobs: list[Cell] = []
    for ln in layout.lines:
        for c in ln.cells:
            text = c.text.strip()
            if _GUARDIAN_NAME.match(text):
                v = _caption_value(layout, captions, c)
                if v is not None:
                    names.append(" ".join(nz.clean(v.text).split()).casefold())
            elif _GUARDIAN_DOB.match(text):
                v = _caption_value(layout, captions, c)
                if v is not None:
                    dobs.append(v)
    if len(set(names)) != 1 or len(dobs) != 1:
        return []
    out: list[Candidate] = []
    for idx, sub in subscribers.items():
        if " ".join(sub.split()) == names[0]:
            role = INSURANCE if idx == "0" else INSURANCE2
            src = Source(layout.page.number, list(dobs[0].words), "below", 0.7, "section")
            out.extend(emit(role, "subscriber_dob", src))
    return out


def _coverage_columns(layout: PageLayout) -> list[Candidate]:
    """A coverage grid with one column per coverage: labels down the left, "Primary" and "Secondary" heading
    the value columns. The label pass reads the first value right of each label (the primary); this reads
    the cells under the "Secondary" head as the second coverage's."""
    out: list[Candidate] = []
    lines = layout.lines
    pno = layout.page.number
    lh = layout.line_height
    for li, line in enumerate(lines):
        heads = [
            (c, INSURANCE if m.group(1).lower() == "primary" else INSURANCE2)
            for c in line.cells
            if (m := _COVERAGE_COLUMN.match(c.text.strip())) is not None
        ]
        if {r for _, r in heads} != {INSURANCE, INSURANCE2} or len(heads) != 2:
            continue
        second = next(c for c, r in heads if r == INSURANCE2)
        first = next(c for c, r in heads if r == INSURANCE)
        if second.x0 <= first.x1:
            continue
        prev_y1 = line.y1
        for ln in lines[li + 1 : li + 16]:
            if ln.y0 - prev_y1 > 2.5 * lh:
                break
            lab_cell = ln.cells[0]
            if lab_cell.x1 > first.x0 + 4 or not cell_is_label_only(lab_cell) or len(lab_cell.labels) != 1:
                break  # the grid ends where its left column stops holding a label alone
            lab = lab_cell.labels[0].label
            prev_y1 = ln.y1
            if lab.key not in ROLE_KEYS[INSURANCE] or lab.key == "name" or lab.role not in (None, INSURANCE):
                continue
            for c in ln.cells[1:]:
                if c.labels or is_section_header(c) or abs(c.x0 - second.x0) > 12:
                    continue
                src = Source(pno, list(c.words), "table", lab.strength * 0.9, "section")
                out.extend(emit(INSURANCE2, lab.key, src))
    return out


def _blocks(layout: PageLayout, captions: dict[int, Cell | None]) -> list[Candidate]:
    """Unlabelled lines under a section header ("Referred To" / "Dr. A. Smith" / "12 Oak St" / "Austin, TX").

    A header that is a caption under its own value (`caption_values`) heads no block."""
    out: list[Candidate] = []
    pno = layout.page.number
    for sec in layout.sections:
        if sec.role not in (PATIENT, REFERRING, REFERRED_TO) or sec.source != "section":
            continue
        lines = layout.lines
        header_line = lines[sec.line]
        hcell = next((c for c in header_line.cells if abs(c.x0 - sec.x0) < 1), None)
        if (
            hcell is None
            or (hcell.labels and hcell.labels[0].end < len(hcell.words))
            or id(hcell) in captions
        ):
            continue  # the header carries its own value; labels handle it
        rc = right_cell(header_line, hcell)
        if rc is not None and rc.x0 < sec.x1 and not starts_with_label(rc):
            continue
        if _labelled_grid(layout, sec) if sec.role != PATIENT else _caption_grid(layout, sec):
            # The header heads a form's labelled rows or a column of a grid: the labels read them (under
            # "1 MEMBER" over "Last name | First name" rows, "Anthem Blue Cross" further down is no name).
            continue
        got_name = got_street = False
        for _, cell in _continuation_in_column(layout, sec):
            text = nz.clean(cell.text)
            src = Source(pno, list(cell.words), "block", 0.6, "section")
            if text.endswith(":"):
                continue
            name_words = _before_id(list(cell.words))
            name_text = nz.clean(" ".join(w.text for w in name_words))
            if (
                not got_name
                and name_words
                and nz.parse_name(name_text) is not None
                and not any(ch.isdigit() for ch in name_text)
            ):
                cands = emit(sec.role, "name", Source(pno, name_words, "block", 0.6, "section"))
                if cands and all(
                    c.path.endswith(("first_name", "last_name", "middle_name", "credentials", "suffix"))
                    for c in cands
                ):
                    out.extend(cands)
                    got_name = True
                    continue
            street = sec.role == PATIENT or len(text.split()) >= 3  # "4 SERVICES" is a numbered heading
            if not got_street and _ADDRESS_START.match(text) and street:
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


def _caption_grid(layout: PageLayout, sec: Section) -> bool:
    """Under the patient's header, a row of captions ("Last name | First name | MI") or row labels left of
    the header's column: a grid the labels read. (A lone "Name: Jane Roe" over unlabelled street and city
    lines is still a block.)"""
    lines = layout.lines
    for k, lj in enumerate(range(sec.line + 1, min(len(lines), sec.line + 4))):
        ln = lines[lj]
        inside = [c for c in ln.cells if sec.x0 - 6 <= c.x0 < sec.x1]
        if k == 0 and len(inside) >= 2 and all(cell_is_label_only(c) for c in inside):
            return True
        if any(c.x1 < sec.x0 - 4 and cell_is_label_only(c) and _opens_label(c) for c in ln.cells):
            return True
    return False


def _labelled_grid(layout: PageLayout, sec: Section) -> bool:
    """Under this header, is the first line a row of captions in its column ("Provider (last, first) | NPI"),
    or do the next lines carry row labels left of the column ("Name | [value under the header]")?"""
    lines = layout.lines
    for k, lj in enumerate(range(sec.line + 1, min(len(lines), sec.line + 4))):
        ln = lines[lj]
        inside = [c for c in ln.cells if sec.x0 - 6 <= c.x0 < sec.x1]
        if k == 0 and inside and starts_with_label(inside[0]) and not is_section_header(inside[0]):
            return True
        if any(c.x1 < sec.x0 - 4 and cell_is_label_only(c) and _opens_label(c) for c in ln.cells):
            return True
    return False


def _before_id(words: list[Word]) -> list[Word]:
    """ "Lyle Szymanski, PA-C NPI 1702094636": a signature block's name line often carries the NPI (or a
    phone) after the name; the name is the words before it."""
    for i, w in enumerate(words):
        if (
            i > 0
            and re.match(r"(?i)^(npi|dea|lic|license|tel|ph|phone|p|fax|f)\b[:#.]?", w.text)
            and (any(ch.isdigit() for x in words[i:] for ch in x.text))
        ):
            return words[:i]
    return words


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
