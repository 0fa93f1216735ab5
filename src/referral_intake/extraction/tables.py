"""Tables: a row of labels over rows of values. Columns come from the header cells' left edges; a row may name
its own role in a column the lexicon does not know ("Role: Referring | Name | NPI"), and coded columns
(ICD-10, CPT) take the rest of the row as the code's description.
"""

from __future__ import annotations

from referral_intake.extraction.candidates import Candidate, Source, emit, resolve_role
from referral_intake.extraction.layout import Cell, Line, PageLayout, is_section_header
from referral_intake.extraction.lexicon import (
    INSURANCE,
    INSURANCE2,
    OTHER,
    REFERRED_TO,
    REFERRING,
    ROLE_KEYS,
    label_table,
    norm_label,
    section_table,
)
from referral_intake.reading.model import Word

LIST_KEYS = frozenset({"diagnosis", "procedure", "medications", "allergies", "code"})
INSURANCE_KEYS = ROLE_KEYS[INSURANCE]


def header_key(cell: Cell) -> str | None:
    """The field key of a header cell that is nothing but a known label; None otherwise."""
    if not cell.labels or cell.labels[0].start != 0 or cell.labels[-1].end < len(cell.words):
        return None
    if len(cell.labels) != 1 or cell.labels[0].label.key == "unknown" or is_section_header(cell):
        return None  # "Patient | Referred By" side by side are section headers, not table columns
    if len(cell.words) == 1 and len(cell.words[0].text.strip(".:")) <= 1 and not cell.labels[0].colon:
        return None  # a lone "F" or "M" is a value (a sex, a choice), not the abbreviated label it could be
    return cell.labels[0].label.key


def is_table_header(line: Line) -> bool:
    if len(line.cells) < 2:
        return False
    keys = [header_key(c) for c in line.cells]
    known = sum(k is not None for k in keys)
    return (
        known >= 2
        and known >= 0.6 * len(line.cells)
        and all(k is not None or len(c.words) <= 3 for k, c in zip(keys, line.cells, strict=True))
        # "Home Ph: | (217)555-0140 | Language:" is a labelled row with its value, not a row of column heads.
        and not any(
            k is None and _valued(prev, c)
            for prev, c, k in zip(line.cells, line.cells[1:], keys[1:], strict=False)
        )
    )


def _valued(prev: Cell, cell: Cell) -> bool:
    """Is `cell` the value of the colon label ending `prev` (digits, as a phone or an id has)?"""
    return bool(prev.labels) and prev.labels[-1].colon and any(ch.isdigit() for ch in cell.text)


def row_role(text: str) -> str | None:
    """ "Referring", "Referred to", "Primary", "Secondary" in a row's first cell name the row's role."""
    t = norm_label(text)
    sec = section_table().get(t)
    if sec is not None:
        return sec
    lab = label_table().get(t)
    if lab is not None and lab.role is not None and lab.key in ("name", "payer"):
        return lab.role
    return None


def harvest_tables(layout: PageLayout) -> tuple[list[Candidate], set[int]]:
    """Candidates from every table on the page, and the header line indices (the label pass skips them)."""
    out: list[Candidate] = []
    headers: set[int] = set()
    lines = layout.lines
    pno = layout.page.number
    for li, line in enumerate(lines):
        if not is_table_header(line):
            continue
        headers.add(li)
        cols = [(c.x0, header_key(c), c) for c in line.cells]
        lead = _lead_label(line.cells[0]) if cols[0][1] is None else None
        rows: list[Line] = []
        prev = line
        for lj in range(li + 1, min(len(lines), li + 13)):
            ln = lines[lj]
            if ln.y0 - prev.y1 > 1.6 * layout.line_height or is_table_header(ln):
                break
            role_col = cols[0][1] is None
            body = ln.cells[1 if role_col else 0 :]
            bare = [
                c
                for c in body
                if c.labels
                and c.labels[0].start == 0
                and c.labels[0].label.key != "unknown"
                and not c.labels[0].colon
                and c.labels[0].end == len(c.words)
            ]
            if (
                any(is_section_header(c) for c in body)
                or any(
                    c.labels
                    and c.labels[0].start == 0
                    and c.labels[0].label.key != "unknown"
                    and c.labels[0].colon
                    for c in body
                )
                # A status word in a data row ("... | Urgent | 1 | Signed") reads like a bare label; a row
                # mostly of bare labels is another header.
                or (bare and (len(body) < 3 or 2 * len(bare) >= len(body)))
            ):
                break
            if len(ln.cells) == 1 and lj + 1 < len(lines) and is_table_header(lines[lj + 1]):
                break  # a heading over the next table
            rows.append(ln)
            prev = ln
        sec = layout.section_at(li, line.cells[0].x0)
        for ri, row in enumerate(rows):
            by_col: dict[int, list[Cell]] = {}
            for c in _split_at_columns(row.cells, [x for x, _, _ in cols]):
                ci = max((i for i, (x, _, _) in enumerate(cols) if x <= c.x0 + 6), default=0)
                by_col.setdefault(ci, []).append(c)
            rrole = None
            first = by_col.get(0)
            if first:
                rrole = row_role(" ".join(c.text for c in first))
                if rrole is not None:  # the role word is the row's label, not part of a value
                    by_col[0] = [c for c in first if row_role(c.text) is None]
            col_keys = {k for _, k, _ in cols}
            for ci, (_, key, hcell) in enumerate(cols):
                if key == "code" and ("procedure" in col_keys) != ("diagnosis" in col_keys):
                    # "Order | Code" holds procedure codes, "Diagnosis | Code" diagnosis codes.
                    key = "procedure" if "procedure" in col_keys else "diagnosis"
                if (
                    ci == 0
                    and key is None
                    and rrole is None
                    and lead is not None
                    and (ri == 0 or lead == "payer")
                ):
                    # "Refer To | NPI | Clinic": the role header is also the name column; "Insurance | ID #"
                    # heads a coverage table whose every row names a payer.
                    key = lead
                if key is None or ci not in by_col:
                    continue
                if key not in LIST_KEYS and ri > 0 and rrole is None and key not in INSURANCE_KEYS:
                    continue  # a scalar column: only the first row, unless rows name their roles
                cells = by_col[ci]
                if key in ("diagnosis", "procedure"):
                    # The code's description runs on to the next keyed column ("Code | Description").
                    stop = next((x for x, k, _ in cols[ci + 1 :] if k not in (None, "description")), 1e9)
                    cells = [
                        c for cj, cs in sorted(by_col.items()) if cj >= ci for c in cs if c.x0 < stop - 6
                    ]
                words = [w for c in cells for w in c.words]
                label = hcell.labels[0].label
                role: str | None
                if rrole is not None and (key in ROLE_KEYS.get(rrole, frozenset())):
                    role, rsrc = rrole, "label"
                else:
                    role, rsrc = resolve_role(key, label.role, sec.role if sec else None)
                    if (
                        label.provider
                        and role not in (REFERRING, REFERRED_TO)
                        and not (sec and sec.role == OTHER)
                    ):
                        role, rsrc = REFERRING, "guess"  # "Clinic phone": a provider's, never the patient's
                    if role == INSURANCE and ri > 0 and key in INSURANCE_KEYS:
                        # Second row of a coverage table; a lone cell there is a heading, not a coverage.
                        role = INSURANCE2 if ri == 1 and len(row.cells) >= 2 else None
                out.extend(emit(role, key, Source(pno, words, "table", label.strength, rsrc)))
    return out, headers


def _lead_label(cell: Cell) -> str | None:
    """The key of a first header cell that is both a section header and a person/payer label ("Refer To")."""
    labs = cell.labels
    if len(labs) != 1 or labs[0].start != 0 or labs[0].end < len(cell.words):
        return None
    lab = labs[0].label
    if lab.key == "payer":
        return lab.key  # "Insurance" / "Primary Insurance": a payer column whatever role the word names
    return lab.key if lab.key == "name" and lab.role is not None else None


def _split_at_columns(cells: list[Cell], col_x: list[float]) -> list[Cell]:
    """Break a cell where a word starts right at another column's left edge ("Jane Roe, MD 1234567893")."""
    out: list[Cell] = []
    for c in cells:
        cur: list[Word] = []
        for w in c.words:
            if cur and any(x - 2 <= w.x0 <= x + 10 and not (x - 2 <= cur[0].x0 <= x + 10) for x in col_x):
                out.append(Cell(cur, c.line))
                cur = []
            cur.append(w)
        if cur:
            out.append(Cell(cur, c.line))
    return out
