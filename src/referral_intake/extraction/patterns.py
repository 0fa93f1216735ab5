"""Label-free evidence: prose sentences ("I am referring Mrs. Jane Q. Doe, DOB 3/4/1955, for ..."), EHR header
bands ("DOE, JANE  DOB 03/04/1955  MRN 123"), ICD-10 codes anywhere, checkbox urgency and insurance cards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from referral_intake.extraction import normalize as nz
from referral_intake.extraction import validate as va
from referral_intake.extraction.candidates import Candidate, Source, diagnosis_codes, emit
from referral_intake.extraction.layout import PageLayout
from referral_intake.extraction.lexicon import INSURANCE, PATIENT, REFERRAL, REFERRED_TO, REFERRING, is_payer
from referral_intake.reading.model import Word


@dataclass(slots=True)
class FlatText:
    """The page's words joined in reading order, with each word's character span, for regexes."""

    text: str
    spans: list[tuple[int, int, Word, int]]  # start, end, word, line index

    def words(self, start: int, end: int) -> list[Word]:
        return [w for s, e, w, _ in self.spans if s < end and e > start]

    def line_of(self, pos: int) -> int:
        for s, e, _, li in self.spans:
            if s <= pos < e or pos < s:
                return li
        return self.spans[-1][3] if self.spans else 0


def flatten(layout: PageLayout) -> FlatText:
    parts: list[str] = []
    spans: list[tuple[int, int, Word, int]] = []
    pos = 0
    for li, line in enumerate(layout.lines):
        for ci, cell in enumerate(line.cells):
            for w in cell.words:
                spans.append((pos, pos + len(w.text), w, li))
                parts.append(w.text)
                pos += len(w.text) + 1
            if ci + 1 < len(line.cells):
                parts.append("|")  # a column gap: sentences do not cross it
                pos += 2
        parts.append("\n")
        pos += 2
    text = ""
    for p in parts:
        text += p + " " if p != "\n" else "\n "
    return FlatText(text, spans)


_NAME = r"((?:[A-Z][A-Za-z'\-]*\.?\s){1,3}[A-Z][A-Za-z'\-]+(?:,?\s(?:Jr|Sr|II|III|IV)\.?)?)"
_TITLE = r"(?:(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+)"
_DATE = r"(\d{1,2}[/\-.]\d{1,2}[/\-.]\d{2,4}|\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2,8}\.?\s\d{1,2},?\s\d{4})"
PROSE_PATIENT = [
    re.compile(
        r"(?:referring|refer|seeing|see|evaluate|evaluation of|consult(?:ation)? (?:for|on)|sending|regarding|"
        r"referral (?:for|of)|our (?:mutual )?patient,?|my patient,?|patient)\s+"
        + _TITLE
        + "?"
        + _NAME
        + r"\s*(?:,|\(|\s)\s*(?:DOB|D\.O\.B\.|date of birth|born(?: on)?|birth date)[:\s]*"
        + _DATE
    ),
    re.compile(r"\b" + _TITLE + _NAME + r"\s*(?:,|\()\s*(?:DOB|D\.O\.B\.|born|date of birth)[:\s]*" + _DATE),
]
PROSE_AGE_SEX = re.compile(
    r"\b" + _TITLE + "?" + _NAME + r",? (?:is )?an? \d{1,3}[- ]year[- ]old (male|female|man|woman|boy|girl)\b"
)
DEAR = re.compile(r"\bDear\s+(?:Dr\.?|Doctor)\s+" + _NAME.replace("{1,3}", "{0,3}") + r"\s*[,:]")
BAND = re.compile(
    r"^\s*([A-Z][A-Za-z'\-]+(?:[ \-][A-Z][A-Za-z'\-]+)?),\s?([A-Z][A-Za-z'\-]+(?:\s[A-Z]\.?)?)\s*$"
)
NPI_ANY = re.compile(r"\bNPI\s*(?:#|No\.?|Number)?\s*[:#]?\s*(\d{10})\b", re.IGNORECASE)
CPT_ANY = re.compile(r"\b(?:CPT|HCPCS)\s*(?:code)?s?\s*[:#]?\s*(\d{4}[0-9FT]|[A-V]\d{4})\b", re.IGNORECASE)


def harvest_patterns(layout: PageLayout) -> list[Candidate]:
    flat = flatten(layout)
    out: list[Candidate] = []
    pno = layout.page.number
    out += _prose(layout, flat, pno)
    out += _band(layout, pno)
    out += _codes(layout, flat, pno)
    out += _urgency(layout, pno)
    out += _letter_people(layout, pno)
    out += _letterhead(layout, pno)
    out += _misc(layout, flat, pno)
    if layout.page.kind == "insurance_card":
        out += _card(layout, pno)
    return out


def _src(flat: FlatText, pno: int, m: re.Match[str], group: int, method: str, strength: float) -> Source:
    return Source(pno, flat.words(m.start(group), m.end(group)), method, strength, "pattern")


def _prose(layout: PageLayout, flat: FlatText, pno: int) -> list[Candidate]:
    out: list[Candidate] = []
    text = flat.text.replace("\n", " ")
    for pat in PROSE_PATIENT:
        for m in pat.finditer(text):
            out += emit(PATIENT, "name", _src(flat, pno, m, 1, "prose", 0.75))
            out += emit(PATIENT, "dob", _src(flat, pno, m, 2, "prose", 0.8))
    for m in PROSE_AGE_SEX.finditer(text):
        out += emit(PATIENT, "name", _src(flat, pno, m, 1, "prose", 0.55))
    for m in NPI_ANY.finditer(text):
        # The NPI's owner is whichever section it sits in; outside any section it is the sender's.
        words = flat.words(m.start(1), m.end(1))
        if not words:
            continue
        li = flat.line_of(m.start(1))
        role = layout.role_at(li, words[0].x0)
        if any(li - 4 <= s <= li for s in _signature_lines(layout)):
            role = REFERRING
            src = Source(pno, words, "pattern", 0.7, "pattern")
        elif role not in (REFERRING, REFERRED_TO):
            role = REFERRING
            src = Source(pno, words, "pattern", 0.4, "guess")
        else:
            src = Source(pno, words, "pattern", 0.7, "section")
        out += emit(role, "npi", src)
    return out


def _band(layout: PageLayout, pno: int) -> list[Candidate]:
    """ "LAST, FIRST" in a line that also carries a DOB or MRN: the patient banner of an EHR printout."""
    out: list[Candidate] = []
    for line in layout.lines[:12] + layout.lines[-4:]:
        text = line.text
        if not re.search(r"(?i)\b(DOB|D\.O\.B|MRN|Born|Date of Birth|Patient)\b", text):
            continue
        for cell in line.cells:
            t = cell.text
            lab_end = cell.labels[0].end if cell.labels and cell.labels[0].start == 0 else 0
            words = cell.words[lab_end:]
            cand = " ".join(w.text for w in words)
            head = re.match(
                r"^([A-Z][A-Za-z'\-]+(?:[ \-][A-Z][A-Za-z'\-]+){0,2},\s?[A-Z][A-Za-z'\-]+(?:\s[A-Z]\.?(?=\s|$))?)",
                cand,
            )
            if head is not None and nz.parse_state(head.group(1).split(",")[1].split()[0]):
                head = None  # "Round Rock, TX": a city line, not "LAST, FIRST"
            if head is None or t.count(",") > 2:
                continue
            n = len(head.group(1).split())
            src = Source(pno, words[:n], "band", 0.7 if lab_end == 0 else 0.85, "pattern")
            out += emit(PATIENT, "name", src)
            rest = words[n:]
            if rest:
                d = nz.DATE_RE.search(" ".join(w.text for w in rest))
                if d and re.search(r"(?i)dob|born|birth", " ".join(w.text for w in rest)):
                    pass  # a labelled DOB in the same cell is found by the label pass
    return out


def _codes(layout: PageLayout, flat: FlatText, pno: int) -> list[Candidate]:
    """Dotted ICD-10-CM codes anywhere (checked against the code set) and CPT codes named as such."""
    out: list[Candidate] = []
    for li, line in enumerate(layout.lines):
        for cell in line.cells:
            text = cell.text
            if not va.ICD_DOTTED.search(text):
                continue
            role = layout.role_at(li, cell.x0)
            strength = 0.75 if role == REFERRAL else 0.55
            out += diagnosis_codes(
                text, Source(pno, list(cell.words), "pattern", strength, "pattern"), dotted_only=True
            )
    text = flat.text.replace("\n", " ")
    for m in CPT_ANY.finditer(text):
        words = flat.words(m.start(1), m.end(1))
        code = va.cpt_valid(m.group(1))
        if code and words:
            out.append(
                Candidate(
                    "procedures",
                    code,
                    m.group(1),
                    pno,
                    None,
                    min(w.confidence for w in words),
                    "pattern",
                    0.7,
                    "pattern",
                    "shape",
                    {"description": None},
                )
            )
    return out


_URGENCY_TOKENS = re.compile(
    r"(?i)^(stat|urgent|routine|asap|emergent|expedited|non-urgent|elective|standard)\W*$"
)


def _urgency(layout: PageLayout, pno: int) -> list[Candidate]:
    """Ticked boxes next to urgency words; otherwise a standalone URGENT/STAT banner."""
    out: list[Candidate] = []
    for line in layout.lines:
        words = [w for c in line.cells for w in c.words]
        boxes = [(i, va.checkbox_state(w.text)) for i, w in enumerate(words)]
        if not any(s is not None for _, s in boxes):
            continue
        for i, w in enumerate(words):
            if not _URGENCY_TOKENS.match(w.text):
                continue
            state = None
            if i > 0:
                state = va.checkbox_state(words[i - 1].text)
            if state is None and i + 1 < len(words):
                state = va.checkbox_state(words[i + 1].text)
            if state is True:
                u = va.urgency_word(w.text)
                if u:
                    out.append(
                        Candidate(
                            "urgency",
                            u,
                            w.text,
                            pno,
                            (w.x0, w.y0, w.x1, w.y1),
                            w.confidence,
                            "checkbox",
                            0.9,
                            "pattern",
                            "strong",
                        )
                    )
    if not out:
        for line in layout.lines:
            if len(line.cells) == 1 and len(line.cells[0].words) <= 3:
                t = line.text.strip("*!- ").lower()
                if t in ("urgent", "stat", "urgent referral", "stat referral", "*** urgent ***"):
                    w = line.cells[0].words[0]
                    u = va.urgency_word(t.split()[0])
                    if u:
                        out.append(
                            Candidate(
                                "urgency",
                                u,
                                line.text,
                                pno,
                                (w.x0, w.y0, w.x1, w.y1),
                                w.confidence,
                                "pattern",
                                0.5,
                                "pattern",
                                "strong",
                            )
                        )
    return out


_PAYER_WORDS = re.compile(
    r"(?i)\b(health|healthcare|blue|cross|shield|aetna|cigna|united|humana|medicare|medicaid|"
    r"care|insurance|plan|kaiser|anthem|molina|centene|ambetter|wellcare|oscar|tricare)\b"
)


def _card(layout: PageLayout, pno: int) -> list[Candidate]:
    """The payer's name on a card is the top line without a label that reads like a payer."""
    for line in layout.lines[:4]:
        cell = line.cells[0]
        if cell.labels or any(ch.isdigit() for ch in cell.text):
            continue
        if _PAYER_WORDS.search(cell.text):
            return emit(INSURANCE, "payer", Source(pno, list(cell.words), "card", 0.5, "pattern"))
    return []


_CLOSING = re.compile(
    r"(?i)^(sincerely|regards|kind regards|best regards|warm regards|respectfully|thank you|"
    r"thanks|cordially|best|yours truly|with thanks|electronically signed by|signed)\b"
)


def _credentialed(text: str) -> nz.Name | None:
    if any(ch.isdigit() for ch in text) or len(text.split()) > 7:
        return None
    name = nz.parse_name(text)
    return name if name is not None and name.credentials else None


def _signature_lines(layout: PageLayout) -> list[int]:
    """Lines holding a credentialed name within three lines after a closing ("Sincerely,")."""
    out: list[int] = []
    for li, line in enumerate(layout.lines):
        if not _CLOSING.match(line.cells[0].text):
            continue
        for lj in range(li, min(len(layout.lines), li + 4)):
            cell = layout.lines[lj].cells[0]
            text = cell.text
            if lj == li:
                text = _CLOSING.sub("", text).strip(" ,:")
            if text and _credentialed(text):
                out.append(lj)
                break
    return out


def _letter_people(layout: PageLayout, pno: int) -> list[Candidate]:
    """Letters: the signer (after a closing) is the referring provider; the addressee (whose last name the
    salutation repeats) is the referred-to provider, with the practice on the next line."""
    out: list[Candidate] = []
    for li in _signature_lines(layout):
        cell = layout.lines[li].cells[0]
        words = (
            [w for w in cell.words if not _CLOSING.match(w.text)] if _CLOSING.match(cell.text) else cell.words
        )
        out += emit(REFERRING, "name", Source(pno, list(words), "prose", 0.75, "pattern"))
    dear: set[str] = set()
    for line in layout.lines:
        m = re.match(r"(?i)^dear\s+(?:(?:dr|doctor|mr|mrs|ms)\.?\s+)?(.+?)[,:]?$", line.cells[0].text)
        if m and m.group(1).split():
            dear.add(m.group(1).split()[-1].lower().strip(",:"))
    if not dear:
        return out
    for li, line in enumerate(layout.lines):
        cell = line.cells[0]
        if cell.labels or cell.text.lower().startswith("dear"):
            continue
        name = _credentialed(cell.text)
        if (
            name is None
            and re.match(r"(?i)(dr|doctor)\.?\s+[A-Z]", cell.text)
            and len(cell.text.split()) <= 5
        ):
            name = nz.parse_name(cell.text)  # "Dr. Ann Lee": the title stands in for credentials
        if name is None or name.last is None or name.last.split()[-1].lower() not in dear:
            continue
        out += emit(REFERRED_TO, "name", Source(pno, list(cell.words), "prose", 0.75, "pattern"))
        # The addressee block: practice, street, city line, until the salutation or a label.
        got_org = False
        for lj in range(li + 1, min(len(layout.lines), li + 5)):
            nxt = layout.lines[lj].cells[0]
            text = nz.clean(nxt.text)
            if nxt.labels or text.lower().startswith(("dear", "re ", "re:")):
                break
            src = Source(pno, list(nxt.words), "prose", 0.6, "pattern")
            if nz.parse_city_state_zip(text):
                out += emit(REFERRED_TO, "csz", src)
                break
            if re.match(r"^\d{1,6}[A-Za-z]?\s+[A-Za-z]", text):
                out += emit(REFERRED_TO, "address", src)
            elif not got_org and not any(ch.isdigit() for ch in text):
                out += emit(
                    REFERRED_TO, "organization", Source(pno, list(nxt.words), "prose", 0.55, "pattern")
                )
                got_org = True
        break
    return out


_REASON_PROSE = re.compile(
    r"(?i)\b(?:referring|refer|referred|sending|seeing)\s+(?:(?:him|her|them|the patient|this patient|"
    r"(?:(?:Mr|Mrs|Ms|Miss|Mx)\.?\s)?[A-Z][a-z]+(?: [A-Z]\.?)?(?: [A-Z][a-z'\-]+)?)\s+)?(?:to you\s+)?for\s+(?:an?\s+)?([^.;|\n]{3,120}?)\s*[.;]"
)


_SALUTATION = re.compile(r"\b(?:Dear|To whom it may concern|Hello)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"\s*(.+?[.!?])(?=\s+[A-Z(]|\s*$)", re.DOTALL)
# Where a letter's narrative ends: a labelled line ("Relevant diagnoses: ..."), a request or a closing.
_NARRATIVE_STOP = re.compile(
    r"^(?:[A-Z][\w /-]{1,30}:|(?:Please|Thank|Sincerely|Regards|I would|We would|Feel free|Kindly)\b)"
)


def _narrative(text: str, start: int) -> tuple[int, int] | None:
    """The sentences after a letter's "I am referring ... for X." up to the next labelled item or request:
    the history a referral letter gives in prose, its clinical summary."""
    first = last = -1
    for k, m in enumerate(_SENTENCE.finditer(text, start)):
        if m.start(1) != start and k == 0 and text[start : m.start(1)].strip():
            break
        if k >= 8 or _NARRATIVE_STOP.match(m.group(1)):
            break
        first = m.start(1) if first < 0 else first
        last = m.end(1)
    return (first, last) if first >= 0 else None


_ORG_WORDS = re.compile(
    r"(?i)\b(clinic|practice|medical|medicine|health|healthcare|associates|center|centre|group|"
    r"physicians|family|care|hospital|pediatrics|partners|specialists|institute|services|"
    r"llc|pc|pa|pllc|inc|orthopedics|cardiology|internal|primary|community|wellness)\b"
)


def _letterhead(layout: PageLayout, pno: int) -> list[Candidate]:
    """The sender's block at the top: practice name, street, city line (phones are read by their labels)."""
    out: list[Candidate] = []
    if layout.letterhead_end >= 0 and is_payer(layout.lines[0].cells[0].text):
        # A payer's letter (an authorization notice): its letterhead names the insurer, not the referrer.
        cell = layout.lines[0].cells[0]
        return emit(INSURANCE, "payer", Source(pno, list(cell.words), "card", 0.5, "pattern"))
    for li in range(layout.letterhead_end + 1):
        for cell in layout.lines[li].cells:
            if cell.labels:
                continue
            text = nz.clean(cell.text)
            src = Source(pno, list(cell.words), "block", 0.6, "letterhead")
            if li <= 1 and not _ORG_WORDS.search(text) and _credentialed(text) is not None:
                # A prescription pad or a solo practice heads its page with the prescriber's own name.
                out += emit(REFERRING, "name", Source(pno, list(cell.words), "block", 0.55, "letterhead"))
            elif li <= 1 and not any(ch.isdigit() for ch in text) and _ORG_WORDS.search(text):
                out += emit(REFERRING, "organization", src)
            elif nz.parse_city_state_zip(text):
                out += emit(REFERRING, "csz", src)
            elif re.match(r"^\d{1,6}[A-Za-z]?\s+[A-Za-z]", text):
                out += emit(REFERRING, "address", src)
    return out


_AGE_SEX = re.compile(
    r"(?i)\b\d{1,3}\s?(?:yo|y/o|y\.o\.|-year-old|[- ]year[- ]old|yr old|years old)\s*,?\s*"
    r"(female|male|F|M)\b"
)
_REFERRAL_TO = re.compile(
    r"(?i)\b(?:referral|refer(?:red|ring)?|consult(?:ation)?)\s+(?:him |her |them |patient )?"
    r"to\s+([A-Za-z/ ]{3,40}?)(?=\s*(?:[.,;:|\n(]|for\b|$))"
)
# "This is an urgent referral", "STAT referral: please see...", "routine follow-up is appropriate"; one space
# apart, so an options row's last word ("... Urgent  STAT") and the next field's label ("Referral Reason") do not.
_URGENCY_PROSE = re.compile(
    r"(?i)(?<![\]☐☒] )\b(urgent|stat|routine|non-urgent|emergent|expedited) "
    r"(?:referral|consult(?:ation)?|request|evaluation|appointment|visit|follow-up)\b"
)
_SIGNED_ON = re.compile(r"(?i)\bsigned\s+(?:by\s+)?(.+?)\s+on\s+(.+)$")


def _misc(layout: PageLayout, flat: FlatText, pno: int) -> list[Candidate]:
    out: list[Candidate] = []
    text = flat.text.replace("\n", " ")
    for m in _REASON_PROSE.finditer(text):
        out += emit(REFERRAL, "reason", _src(flat, pno, m, 1, "prose", 0.6))
        span = _narrative(text, m.end()) if _SALUTATION.search(text, 0, m.start()) else None
        if span is not None:
            words = flat.words(*span)
            out += emit(REFERRAL, "summary", Source(pno, words, "prose", 0.5, "pattern"))
    for m in _AGE_SEX.finditer(text):
        out += emit(PATIENT, "sex", _src(flat, pno, m, 1, "prose", 0.6))
    for m in _URGENCY_PROSE.finditer(text):
        out += emit(REFERRAL, "urgency", _src(flat, pno, m, 1, "prose", 0.6))
    for m in _REFERRAL_TO.finditer(flat.text):
        spec = m.group(1).strip()
        from referral_intake.extraction.lexicon import is_specialty

        if is_specialty(spec):
            out += emit(REFERRED_TO, "specialty", _src(flat, pno, m, 1, "prose", 0.7))
    for _li, line in enumerate(layout.lines):
        first = line.cells[0]
        if (
            len(line.cells) == 1
            and not first.labels
            and line.y0 < 0.4 * layout.page.height
            and not (layout.lines and is_payer(layout.lines[0].cells[0].text))  # a payer's notice date
        ):
            d = nz.parse_date(first.text, kind="recent")
            if d is not None:  # a letter's date line
                out += emit(REFERRAL, "date", Source(pno, list(first.words), "pattern", 0.6, "pattern"))
        signed = _SIGNED_ON.search(first.text)
        if signed:
            nwords = len(signed.group(1).split())
            lead = len(first.text[: signed.start(1)].split())
            words = first.words[lead : lead + nwords]
            out += emit(REFERRING, "name", Source(pno, list(words), "prose", 0.7, "pattern"))
            out += emit(
                REFERRAL,
                "date",
                Source(pno, list(first.words[lead + nwords + 1 :]), "pattern", 0.5, "pattern"),
            )
    return out
