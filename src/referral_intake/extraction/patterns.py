"""Label-free evidence: prose sentences ("I am referring Mrs. Jane Q. Doe, DOB 3/4/1955, for ..."), EHR header
bands ("DOE, JANE  DOB 03/04/1955  MRN 123"), ICD-10 codes anywhere, checkbox urgency and insurance cards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from referral_intake.extraction import normalize as nz
from referral_intake.extraction import validate as va
from referral_intake.extraction.candidates import (
    OCR_ICD_DOTTED,
    Candidate,
    Source,
    diagnosis_codes,
    emit,
    specialty_reading,
)
from referral_intake.extraction.layout import Cell, PageLayout
from referral_intake.extraction.lexicon import (
    INSURANCE,
    PATIENT,
    REFERRAL,
    REFERRED_TO,
    REFERRING,
    is_specialty,
    label_table,
    looks_like_org,
    looks_like_payer,
    norm_label,
)
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
_DATE = (
    r"(\d{1,2}[/\-.]\d{1,2}[/\-.]\d{2,4}|\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2,8}\.?\s\d{1,2},?\s\d{4}"
    r"|\d{1,2}[\s\-/][A-Za-z]{3,9}\.?[\s\-/]\d{4})"  # "28-Jun-1940", "3 March 1961"
)
# A name whose later words may be lower-case particles ("Ana de la Cruz", "Pieter van Houten").
_PARTICLE_NAME = (
    r"((?:[A-Z][A-Za-z'\-]*\.?\s)(?:(?:[A-Z][A-Za-z'\-]*\.?|de|del|della|la|le|van|von|der|den|da|di|du|"
    r"dos|das|bin|ibn|al|el|st\.?)\s){0,4}[A-Z][A-Za-z'\-]+(?:,?\s(?:Jr|Sr|II|III|IV)\.?)?)"
)
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
    # A letter's subject line: "RE:  Beatriz Thi Kowalczyk, born July 23, 1965", "Re: Ana de la Cruz (DOB ...)".
    re.compile(
        r"\b(?:RE|Re|Regarding|Subject)\s*:\s*(?:Patient:?\s+)?"
        + _TITLE
        + "?"
        + _PARTICLE_NAME
        + r"\s*(?:,|\(|\s)\s*(?:DOB|D\.O\.B\.|date of birth|born(?: on)?|birth date)[:\s]*"
        + _DATE
    ),
]
PROSE_AGE_SEX = re.compile(
    r"\b" + _TITLE + "?" + _NAME + r",? (?:is )?an? \d{1,3}[- ]year[- ]old (male|female|man|woman|boy|girl)\b"
)
# "He can be reached at (480) 555-0162", "the patient's cell is 555-..." in a letter: the patient's own phone.
PROSE_PHONE = re.compile(
    r"(?i)\b(?:(?:he|she|they|the patient|patient|pt)\s+(?:can|may|could|should)\s+be\s+(?:reached|contacted|called)"
    # "She is covered by Aetna, member ID W885, and can be reached at 919.555.0155": one subject, two verbs.
    r"|(?:he|she|they|the patient)\s+(?:is|has|was)\b[^.;|\n]{0,120}?\band\s+(?:can|may)\s+be\s+"
    r"(?:best\s+)?(?:reached|contacted|called)"
    r"|(?:you\s+)?(?:can|may)\s+reach\s+(?:him|her|them|the patient)"
    r"|(?:the patient'?s|patient'?s|his|her|their)\s+(?:best\s+)?(?:phone|cell|mobile|home phone|number|"
    r"phone number|contact number)\s+is)\s+(?:by phone\s+)?(?:at\s+|on\s+)?"
    # (the number may wrap after its area code: "(614)" / "555-0166")
    r"((?:\+?1[\s.\-]?)?\(?\d{3}\)?[\s.\-]{0,3}\d{3}[\s.\-]?\d{4})\b"
)
# Languages a US clinic most often arranges interpreters for (Census / LEP data), spelled as a letter names
# them; a letter's "She prefers Tagalog", "a Spanish-speaking family", "needs a Somali interpreter".
LANGUAGES = (
    "Spanish|Mandarin|Cantonese|Chinese|Vietnamese|Tagalog|Filipino|Arabic|French|Haitian Creole|Creole|Korean|"
    "Russian|Portuguese|Cape Verdean Creole|German|Polish|Italian|Japanese|Hindi|Urdu|Bengali|Punjabi|Gujarati|"
    "Farsi|Persian|Dari|Pashto|Somali|Amharic|Tigrinya|Oromo|Swahili|Nepali|Burmese|Karen|Hmong|Khmer|Cambodian|"
    "Lao|Laotian|Thai|Ukrainian|Armenian|Greek|Hebrew|Yiddish|Turkish|Serbian|Croatian|Bosnian|Albanian|"
    "Romanian|Navajo|American Sign Language|ASL|Tamil|Telugu|Malayalam|Marathi|Kurdish|Kinyarwanda|Kirundi|"
    "Yoruba|Igbo|Twi|Wolof|Fula|Mam|K'iche'|Chuukese|Marshallese|Samoan|Tongan|Ilocano|Cebuano|Hakka|"
    "Toishanese|Taiwanese|Dutch|Hungarian|Czech|Slovak|Lithuanian|Rohingya|Uzbek|Tajik|Mixteco|Zapoteco|"
    "Quechua|English"
)
PROSE_LANGUAGE = re.compile(
    r"\b(?:(?:[Hh]e|[Ss]he|[Tt]hey|[Pp]atient|[Ff]amily|[Pp]arents?)\s+(?:prefers|speaks(?: only)?|"
    r"(?:primarily|mainly|mostly) speaks)|(?:preferred|primary) language is|language of preference is)\s+"
    r"(" + LANGUAGES + r")\b"
    r"|\b(" + LANGUAGES + r")(?:[- ]speaking\b|\s+interpreter\b)"
)
_SEX_TITLE = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?\s*$")
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
    out += _contact_pairs(layout, pno)
    out += _ticked_specialty(layout, pno)
    out += _footer(layout, pno)
    out += _order_to_provider(layout, pno)
    out += _person_rows(layout, pno)
    out += _fax_header(layout, pno)
    out += _section_emails(layout, pno)
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
            title = _SEX_TITLE.search(text, 0, m.start(1))
            if title is not None:  # "Mrs. Jane Doe, DOB ...": the courtesy title suggests the patient's sex
                words = flat.words(title.start(1), title.end(1))
                out += emit(PATIENT, "sex", Source(pno, words, "prose", 0.5, "guess"))
    for m in PROSE_AGE_SEX.finditer(text):
        out += emit(PATIENT, "name", _src(flat, pno, m, 1, "prose", 0.55))
    for m in PROSE_PHONE.finditer(text):
        out += emit(PATIENT, "phone", _src(flat, pno, m, 1, "prose", 0.6))
    for m in PROSE_LANGUAGE.finditer(text):
        g = 1 if m.group(1) else 2
        out += emit(PATIENT, "language", _src(flat, pno, m, g, "prose", 0.55))
    for m in NPI_ANY.finditer(text):
        # The NPI's owner is whichever section it sits in; outside any section it is the sender's.
        words = flat.words(m.start(1), m.end(1))
        if not words:
            continue
        li = flat.line_of(m.start(1))
        if li in _order_lines(layout):
            continue  # the consultant's, read with the order line that names them (`_order_to_provider`)
        role = layout.role_at(li, words[0].x0)
        opener = layout.lines[li].cells[0].labels if li < len(layout.lines) else []
        row_role = (
            opener[0].label.role
            if opener and opener[0].start == 0 and opener[0].label.key == "name"
            else None
        )
        if row_role in (REFERRING, REFERRED_TO):
            # "Referred to: Ann Lee, NP   NPI 1234567893": the NPI on a provider's row is that provider's.
            role = row_role
            src = Source(pno, words, "pattern", 0.7, "section")
        elif any(li - 4 <= s <= li for s in _signature_lines(layout)):
            role = REFERRING
            src = Source(pno, words, "pattern", 0.7, "pattern")
        elif role not in (REFERRING, REFERRED_TO):
            role = REFERRING
            src = Source(pno, words, "pattern", 0.4, "guess")
        else:
            src = Source(pno, words, "pattern", 0.7, "section")
        out += emit(role, "npi", src)
    return out


_BANNER_ID = re.compile(r"(?i)\b(DOB|D\.O\.B|MRN|Born|Date of Birth|Patient)\b")


def _band(layout: PageLayout, pno: int) -> list[Candidate]:
    """ "LAST, FIRST" in a line that also carries a DOB or MRN: the patient banner of an EHR printout."""
    out: list[Candidate] = []
    n_lines = len(layout.lines)
    picked = sorted(set(range(min(12, n_lines))) | set(range(max(0, n_lines - 4), n_lines)))
    for li in picked:
        line = layout.lines[li]
        # The banner's identifiers may sit on the line under (or over) the name: "DOE, JANE" / "DOB: ... MRN: ...".
        near = " ".join(layout.lines[j].text for j in (li - 1, li, li + 1) if 0 <= j < n_lines)
        if not re.search(_BANNER_ID, line.text) and not (
            len(line.cells[0].words) <= 5 and not line.cells[0].labels and re.search(_BANNER_ID, near)
        ):
            continue
        for cell in line.cells:
            t = cell.text
            lab = cell.labels[0] if cell.labels and cell.labels[0].start == 0 else None
            if lab is not None and lab.label.role not in (None, PATIENT):
                continue  # "PCP: Szymanski, Lyle PA-C" beside the banner names a provider, not the patient
            if lab is not None and lab.label.key not in ("name", "unknown"):
                continue
            lab_end = lab.end if lab is not None else 0
            words = cell.words[lab_end:]
            cand = " ".join(w.text for w in words)
            head = re.match(
                r"^([A-Z][A-Za-z'\-]+(?:[ \-][A-Z][A-Za-z'\-]+){0,2},\s?[A-Z][A-Za-z'\-]+"
                r"(?:\s(?:[A-Z]\.?|[A-Z][A-Za-z'\-]+)(?=\s|$))?)",
                cand,
            )
            if head is not None and len(head.group(1).split(",")[1].split()) == 2:
                third = head.group(1).split()[-1]
                if len(third) > 1 and norm_label(third) in label_table():  # "DOE, JANE MRN 123"
                    head = re.match(r"^(.*?)\s+\S+$", head.group(1))
            if head is not None and nz.parse_state(head.group(1).split(",")[1].split()[0]):
                head = None  # "Round Rock, TX": a city line, not "LAST, FIRST"
            if head is None or t.count(",") > 2:
                continue
            n = len(head.group(1).split())
            src = Source(pno, words[:n], "band", 0.7 if lab_end == 0 else 0.85, "pattern")
            got = emit(PATIENT, "name", src)
            out += got
            if got:
                out += _band_extras(layout, li, cell, pno)
            rest = words[n:]
            if rest:
                d = nz.DATE_RE.search(" ".join(w.text for w in rest))
                if d and re.search(r"(?i)dob|born|birth", " ".join(w.text for w in rest)):
                    pass  # a labelled DOB in the same cell is found by the label pass
    return out


_EMAIL_WORD = re.compile(r"^[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+$")


def _section_emails(layout: PageLayout, pno: int) -> list[Candidate]:
    """An e-mail address without a label in the patient's section or on the patient's line ("Address: ... |
    Phone: ... | jane.doe@example.com"): the patient's. (A labelled one is read by the label pass.)"""
    out: list[Candidate] = []
    for li, line in enumerate(layout.lines):
        for cell in line.cells:
            sec = layout.section_at(li, cell.x0)
            if sec is None or sec.role != PATIENT or sec.source != "section":
                continue
            labelled = {
                i for sp in cell.labels if sp.label.key == "email" for i in range(sp.end, sp.value_end)
            }
            for i, w in enumerate(cell.words):
                if i not in labelled and _EMAIL_WORD.match(w.text.strip(".,;")):
                    out += emit(PATIENT, "email", Source(pno, [w], "pattern", 0.5, "section"))
    return out


_BANNER_MRN = re.compile(r"(?i)^(?:MRN|MR#)[:#]?$")
_BANNER_ID_VALUE = re.compile(r"^[A-Z]{0,3}[-\s]?\d[\dA-Z\-]{3,15}$")
_STREET_START = re.compile(r"^\d{1,6}[A-Za-z]?\s+[A-Za-z]")


def _band_extras(layout: PageLayout, li: int, name_cell: Cell, pno: int) -> list[Candidate]:
    """The rest of a patient banner ("NGUYEN, Ignacio" / "DOB 07/15/1979 (46 y.o.) Male MRN E744 Ph ..."):
    an "MRN" word mid-line followed by the id (the label pass reads labels opening a cell or after a colon),
    and the patient's street and city lines printed flush right beside the name."""
    out: list[Candidate] = []
    lines = layout.lines
    for lj in range(li, min(len(lines), li + 3)):
        if lj > li and lines[lj].y0 - lines[lj - 1].y1 > layout.line_height:
            break
        words = [w for c in lines[lj].cells for w in c.words]
        for i, w in enumerate(words[:-1]):
            if i > 0 and _BANNER_MRN.match(w.text) and _BANNER_ID_VALUE.match(words[i + 1].text):
                out += emit(PATIENT, "mrn", Source(pno, [words[i + 1]], "band", 0.7, "pattern"))
    # The street beside the name, the city line right under it, nothing over it: the banner's address
    # block (a letterhead's address has the practice's name over it).
    # (A faxed page's tilt may lift the right-hand block a line above the name.)
    for ls in (li - 1, li):
        if ls < 0 or ls + 1 >= len(lines) or lines[ls + 1].y0 - lines[ls].y1 > 0.8 * layout.line_height:
            continue
        for cell in lines[ls].cells:
            if (
                cell is name_cell
                or cell.x0 <= name_cell.x1
                or cell.labels
                or not _STREET_START.match(cell.text)
            ):
                continue
            above = (
                ls > 0
                and any(min(c.x1, cell.x1) > max(c.x0, cell.x0) for c in lines[ls - 1].cells)
                and cell.y0 - lines[ls - 1].y1 < 2 * layout.line_height
            )
            under = [
                c
                for c in lines[ls + 1].cells
                if min(c.x1, cell.x1) > max(c.x0, cell.x0)
                and not c.labels
                and nz.parse_city_state_zip(c.text)
            ]
            if not above and len(under) == 1:
                words = [*cell.words, *under[0].words]
                out += emit(PATIENT, "address", Source(pno, words, "band", 0.55, "pattern"))
    return out


def _codes(layout: PageLayout, flat: FlatText, pno: int) -> list[Candidate]:
    """Dotted ICD-10-CM codes anywhere (checked against the code set) and CPT codes named as such."""
    out: list[Candidate] = []
    for li, line in enumerate(layout.lines):
        for cell in line.cells:
            text = cell.text
            if not va.ICD_DOTTED.search(text) and not (
                min((w.confidence for w in cell.words), default=1.0) < 1.0 and OCR_ICD_DOTTED.search(text)
            ):
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
    r"care|insurance|plan|kaiser|anthem|molina|centene|ambetter|wellcare|oscar|tricare|mutual|benefits?|"
    r"assurance|alliance|life|casualty)\b"
)


_PRACTICE_WORDS = re.compile(
    r"(?i)\b(clinic|practice|physicians?|associates|hospital|primary care|family medicine|internal medicine|"
    r"medical (center|group)|health (center|system)|pediatrics|md|do|np|pa-c)\b"
)
_CARD_COPY = re.compile(r"(?i)\b(copy|card|front|back|page|fax|from|to)\b|:")


def _card(layout: PageLayout, pno: int) -> list[Candidate]:
    """A card's payer is its top unlabelled line that reads like a payer (not the copy's title, a fax header or
    the sender's practice); the line right under it naming a plan type (HMO, PPO, Advantage...) is the plan."""
    lines = layout.lines[:6]
    for i, line in enumerate(lines):
        cell = line.cells[0]
        text = cell.text
        if cell.labels or any(ch.isdigit() for ch in text) or _CARD_COPY.search(text):
            continue
        if _PRACTICE_WORDS.search(text) or len(text.split()) > 6:
            continue
        nxt = lines[i + 1].cells[0] if i + 1 < len(lines) else None
        plan = (
            nxt
            if nxt is not None
            and not nxt.labels
            and _PLAN_LINE.search(nxt.text)
            and len(nxt.text.split()) <= 6
            and abs(nxt.x0 - cell.x0) < 8
            else None
        )
        if not (_PAYER_WORDS.search(text) or plan is not None):
            continue
        out = emit(INSURANCE, "payer", Source(pno, list(cell.words), "card", 0.5, "pattern"))
        if out and plan is not None:
            out += emit(INSURANCE, "plan", Source(pno, list(plan.words), "card", 0.5, "pattern"))
        return out
    return []


_PLAN_LINE = re.compile(
    r"(?i)\b(hmo|ppo|epo|pos|hdhp|medicare advantage|advantage|medicaid|open access|choice|select|gold|silver|"
    r"bronze|platinum|essential|premier|plus|complete|marketplace|managed care|supplement|snp)\b"
)


_CLOSING = re.compile(
    r"(?i)^(sincerely|regards|kind regards|best regards|warm regards|respectfully|thank you|"
    r"thanks|cordially|best|yours truly|with thanks|electronically signed by|signed)\b"
)


def _credentialed(text: str) -> nz.Name | None:
    if any(ch.isdigit() for ch in text) or len(text.split()) > 7:
        return None
    name = nz.parse_name(text)
    return name if name is not None and name.credentials else None


def _titled(text: str) -> bool:
    """ "Dr. Dennis Garcia" under a closing: the title stands in for credentials."""
    return (
        re.match(r"(?i)(dr|doctor)\.?\s+[A-Z]", text) is not None
        and len(text.split()) <= 5
        and not any(ch.isdigit() for ch in text)
        and nz.parse_name(text) is not None
    )


_ID_LINE = re.compile(
    r"(?i)^(?:NPI|DEA|License|Lic\.?|State license)\b\s*(?:#|No\.?|Number)?\s*[:#]?\s*[A-Z]{0,2}\d{6,10}\b"
)


def _signature_lines(layout: PageLayout) -> list[int]:
    """Lines holding a credentialed name within three lines after a closing ("Sincerely,"), or, without a
    closing, a credentialed name alone on its line over an "NPI 1234567893" line (a signature block)."""
    out: list[int] = []
    for li, line in enumerate(layout.lines):
        cell0 = line.cells[0]
        if (
            li + 1 < len(layout.lines)
            and not cell0.labels
            and _credentialed(cell0.text)
            and _ID_LINE.match(layout.lines[li + 1].cells[0].text)
            and layout.role_at(li, cell0.x0) not in (PATIENT, INSURANCE, REFERRED_TO)
            and not any(_CLOSING.match(layout.lines[k].cells[0].text) for k in range(max(0, li - 3), li))
        ):
            out.append(li)
            continue
        if not _CLOSING.match(cell0.text):
            continue
        for lj in range(li, min(len(layout.lines), li + 4)):
            cell = layout.lines[lj].cells[0]
            text = cell.text
            if lj == li:
                text = _CLOSING.sub("", text).strip(" ,:")
            if text and (_credentialed(text) or _titled(text)):
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
            dear.add(m.group(1).split()[-1].lower().strip(",:;."))  # OCR reads the comma as "." or ";"
    if not dear:
        return out
    signer_lines = set(_signature_lines(layout))
    for li, line in enumerate(layout.lines):
        cell = line.cells[0]
        if cell.labels or cell.text.lower().startswith("dear") or li in signer_lines:
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


_CARD_KEYS = frozenset({"member_id", "group", "payer_id", "plan", "subscriber"})


def _card_like(layout: PageLayout) -> bool:
    """A page of coverage facts (member id, group, payer id) with no provider label: an insurance card."""
    spans = [sp for ln in layout.lines for c in ln.cells for sp in c.labels]
    keys = {sp.label.key for sp in spans}
    if len(keys & _CARD_KEYS) < 2 or keys & {"npi", "reason", "diagnosis"}:
        return False
    # A card's fine print ("PCP copay $25") may read like a provider label; a form's "Referred by:" does not.
    return layout.page.kind == "insurance_card" or not {sp.label.role for sp in spans if sp.colon} & {
        REFERRING,
        REFERRED_TO,
    }


_PHONE_NUM = r"((?:\+?1[\s.\-]?)?\(?\d{3}\)?[\s.\-/]?\d{3}[\s.\-]?\d{4})"
_CONTACT = re.compile(
    r"(?i)(?<![A-Za-z])(tel(?:ephone)?|phone|ph|p|t|office|main|direct|fax|fx|f)\.?\s*(?:#|no\.?)?\s*[:.]?\s*"
    + _PHONE_NUM
    + r"(?!\d)"
)


def _contact_pairs(layout: PageLayout, pno: int) -> list[Candidate]:
    """ "Tel 701-555-0106  Fax 478-555-0108", "P: (208) 555-0154 F: (814) 555-0119": a provider block's
    phone and fax on one line. The label pass reads only the first label of such a run; this reads each
    number with the word before it, for lines in a provider's section or letterhead."""
    out: list[Candidate] = []
    for li, line in enumerate(layout.lines):
        for cell in line.cells:
            text = cell.text
            found = list(_CONTACT.finditer(text))
            lab = label_table().get(norm_label(found[0].group(1))) if len(found) == 1 else None
            if not found or (lab is not None and lab.key in ("phone", "fax")):
                continue  # one number after a phone label: the label pass reads it ("Office 555-..." it does not)
            sec = layout.section_at(li, cell.x0)
            if sec is None or sec.role not in (REFERRING, REFERRED_TO):
                continue
            starts = []
            pos = 0
            for w in cell.words:
                starts.append(pos)
                pos += len(w.text) + 1
            for m in found:
                words = [
                    w
                    for w, st in zip(cell.words, starts, strict=True)
                    if st < m.end(2) and st + len(w.text) > m.start(2)
                ]
                key = "fax" if m.group(1).lower().startswith("f") else "phone"
                src = Source(
                    pno, words, "inline", 0.6, "letterhead" if sec.source == "letterhead" else "section"
                )
                out += emit(sec.role, key, src)
    return out


_FAX_TO = re.compile(r"(?i)\s*\bTO\s*[:;].*$|(?<=[a-z])TO\s*[:;].*$")
_MONTH = (
    r"(?:JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|APR(?:IL)?|MAY|JUNE?|JULY?|AUG(?:UST)?|SEPT?(?:EMBER)?|"
    r"OCT(?:OBER)?|NOV(?:EMBER)?|DEC(?:EMBER)?)\.?"
)
# Dates as fax machines print them, possibly glued to the number before ("509-555-017723 OCT 2026").
_FAX_DATE = re.compile(
    r"(?i)\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\b" + _MONTH + r"[-\s.]*\w{1,2}[-\s.,]+\w{4}\b"
    r"|\d{1,2}[\s.\-]*" + _MONTH + r"[\s.\-]+\d{4}"
)
_FAX_NOISE = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s*(?:[AP]M)?|\b(?:P|PAGE|Page|PACE|PAG|Pag)\s*[.:,]?\s*[\dOUI]{1,3}"
    r"(?:\s*\.?\s*(?:/|of|OF)\s*[\dOUI]{1,3})?(?![A-Za-z])|(?i:\bFROM\b|\bFAX\b|\b[AP]M\b)"
)
_FAX_EDGE = re.compile(r"(?i)^(?:[a-z]{1,2}|of|pag|page|pace|" + _MONTH + r")$")


def _station_name(text: str) -> str | None:
    """What is left of a fax stamp's sender part once dates, times, counters and numbers are gone."""
    toks = re.sub(r"[^A-Za-z0-9&' .\-]", " ", _FAX_NOISE.sub(" ", text)).split()
    toks = [t for t in toks if not re.fullmatch(r"[\d.\-]+", t)]
    while toks and _FAX_EDGE.match(toks[0].strip(".-")):
        toks = toks[1:]
    while toks and _FAX_EDGE.match(toks[-1].strip(".-")):
        toks = toks[:-1]
    if len(toks) < 2 or any(re.search(r"\d", t) for t in toks):
        return None  # a garbled stamp ("PR1MARY") is no name to keep
    name = re.sub(r"(?<=[A-Za-z]{4})\.(?=\s)", "", " ".join(toks)).strip(" .-'")
    return name if _ORG_WORDS.search(name) else None


def _fax_header(layout: PageLayout, pno: int) -> list[Candidate]:
    """The fax stamp names the sending machine: its number (the sender's fax) and its station name (the
    practice, when it reads as one; "CLINIC" alone says nothing). The recipient's part ("TO: ...") is dropped.
    Weak evidence: a practice sets its station name once, and the page's own letterhead says better."""
    out: list[Candidate] = []
    for line in layout.fax_header:
        words = [w for c in line.cells for w in c.words]
        if not words:
            continue
        box = Word(
            "",
            min(w.x0 for w in words),
            min(w.y0 for w in words),
            max(w.x1 for w in words),
            max(w.y1 for w in words),
            min(w.confidence for w in words),
        )

        def src(value: str, box: Word = box) -> Source:
            # The stamp's words are often glued or split by the fax; the value keeps the line's box.
            word = Word(value, box.x0, box.y0, box.x1, box.y1, box.confidence)
            return Source(pno, [word], "pattern", 0.5, "pattern")

        rest = _FAX_DATE.sub(" ", _FAX_TO.sub("", line.text))
        phone = nz.PHONE_RE.search(rest)
        if phone is not None:
            out += emit(REFERRING, "fax", src(phone.group(0)))
            rest = rest[: phone.start()] + " " + rest[phone.end() :]
        name = _station_name(rest)
        if name is not None:
            out += emit(REFERRING, "organization", src(name))
    return out


def _letterhead(layout: PageLayout, pno: int) -> list[Candidate]:
    """The sender's block at the top: practice name, street, city line (phones are read by their labels)."""
    out: list[Candidate] = []
    if layout.letterhead_end >= 0 and looks_like_payer(layout.lines[0].cells[0].text):
        # A payer's letter (an authorization notice): its letterhead names the insurer, not the referrer.
        cell = layout.lines[0].cells[0]
        return emit(INSURANCE, "payer", Source(pno, list(cell.words), "card", 0.5, "pattern"))
    if _card_like(layout):
        return out  # a copied insurance card heads its page with the plan, not the sender
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
                if layout.page.kind == "demographics":
                    # A face sheet is printed by the registering facility (often a hospital), which need
                    # not be the referring practice: weak, the referral's own pages say better.
                    src = Source(pno, list(cell.words), "block", 0.45, "letterhead")
                out += emit(REFERRING, "organization", src)
            elif nz.parse_city_state_zip(text):
                out += emit(REFERRING, "csz", src)
            elif re.match(r"^\d{1,6}[A-Za-z]?\s+[A-Za-z]", text):
                out += emit(REFERRING, "address", src)
    return out


_AGE_SEX = re.compile(
    r"(?i)\b\d{1,3}\s?(?:yo|y/o|y\.o\.|-year-old|[- ]year[- ]old|yr old|years old|-yr-old|yr-old)\s*,?\s*"
    r"(female|male|woman|man|lady|gentleman|girl|boy|F|M)\b"
)
_REFERRAL_TO = re.compile(
    r"(?i)\b(?:referral|re[fl][ae]rr?[ae]l|refer(?:red|ring)?|consult(?:ation)?)\s+(?:him |her |them |patient )?"
    r"to\s+([A-Za-z/ ]{3,40}?)(?=\s*(?:[.,;:|\n(]|for\b|$))"
)
# "Referral to Urology: Calculus of kidney, please evaluate and treat." (possibly wrapped) up to the sentence's
# end, a column gap or the next labelled line ("Dx: N20.0").
_NEXT_LABEL = r"\n(?=\s*[A-Za-z][\w /#().-]{0,30}:)"
_ORDER_REASON = re.compile(
    r"(?i)\b(?:referral|refer(?:red)?|consult(?:ation)?)\s+to\s+([A-Za-z/ ]{3,40}?)\s*:\s+"
    r"((?:[^.;|\n]|\.(?=\d)|(?!" + _NEXT_LABEL + r")\n){3,200}?)\s*(?:\.(?=\s|$)|;|\||" + _NEXT_LABEL + r"|$)"
)
# "This is an urgent referral", "STAT referral: please see...", "routine follow-up is appropriate"; one space
# apart, so an options row's last word ("... Urgent  STAT") and the next field's label ("Referral Reason") do not.
_URGENCY_PROSE = re.compile(
    r"(?i)(?<![\]☐☒] )\b(urgent|stat|routine|non-urgent|emergent|expedited) "
    r"(?:referral|consult(?:ation)?|request|evaluation|appointment|visit|follow-up)\b"
)
_SIGNED_ON = re.compile(r"(?i)\bsigned\s+(?:by\s+)?(.+?)\s+on\s+(.+)$")


# "Please see Jane Roe (DOB ...) in your Endocrinology clinic for poorly controlled diabetes." and "could you
# see a 26-year-old man from my panel for shoulder pain.": the request names the patient, then the reason.
_SEE_WHOM = (
    r"(?:him|her|them|the patient|this patient|our (?:mutual )?patient|my patient|"
    r"an? \d{1,3}[- ]year[- ]old\b[^.;|]{0,50}?|(?:(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+)?[A-Z][a-z'\-]+"
    r"(?:\s[A-Z][a-z'\-]*\.?){0,3}(?:\s*\([^)|]{0,40}\))?)"
)
_SEE_FOR = re.compile(
    r"\b(?:[Ss]ee|[Ee]valuate|[Aa]ssess|[Ee]xamine|[Cc]onsult on)\s+"
    + _SEE_WHOM
    + r"(?:\s+(?:in|at) your [A-Za-z/ ]{3,40}?(?:clinic|office|practice|service|department))?"
    + r"\s+for\s+(?:an?\s+)?((?:[^.;|]|\.(?=\d)){3,160}?)\s*(?:\.(?=\s|$)|;|\|)"
)
_DEAR_SERVICE = re.compile(
    r"(?i)\bDear\s+([A-Za-z/ ]{3,40}?)\s+(?:colleagues?|team|clinic|department|service|provider|physician|"
    r"specialist|office)s?\s*[,:.]"
)
_YOUR_CLINIC = re.compile(
    r"(?i)\b(?:in|at|to) your ([A-Za-z/ ]{3,40}?) (?:clinic|office|practice|service|department|team)\b"
)
# "Please schedule at your convenience", "to be seen within 2 weeks", "see him as soon as possible".
_WHEN_PROSE = re.compile(
    r"(?i)\b(?:schedule|scheduled|see|seen|evaluate|evaluated|appointment|consult(?:ation)?)\b[^.;|]{0,50}?"
    r"\b(at (?:your|the patient'?s) convenience|(?:the )?next available(?: appointment)?|as soon as possible|"
    r"asap|urgently|within (?:\d{1,3}|one|two|three|a)(?:\s*(?:-|to)\s*\d{1,3})? (?:hours?|days?|weeks?))"
)


def _prose_sex(flat: FlatText, pno: int, m: re.Match[str]) -> Source:
    """ "45 yo F" / "a 64-year-old female" is clinical shorthand for the patient's sex; "a 64-year-old woman"
    is narrative that may describe someone else in the letter (a relative, a caregiver): a guess."""
    narrative = m.group(1).lower() not in ("f", "m", "female", "male")
    return Source(pno, flat.words(m.start(1), m.end(1)), "prose", 0.6, "guess" if narrative else "pattern")


def _misc(layout: PageLayout, flat: FlatText, pno: int) -> list[Candidate]:
    out: list[Candidate] = []
    text = flat.text.replace("\n", " ")
    reason_spans: list[tuple[int, int]] = []
    for m in _REASON_PROSE.finditer(text):
        out += emit(REFERRAL, "reason", _src(flat, pno, m, 1, "prose", 0.6))
        reason_spans.append(m.span())
        span = _narrative(text, m.end()) if _SALUTATION.search(text, 0, m.start()) else None
        if span is not None:
            words = flat.words(*span)
            out += emit(REFERRAL, "summary", Source(pno, words, "prose", 0.5, "pattern"))
    for m in _SEE_FOR.finditer(text):
        if not any(a < m.end() and m.start() < b for a, b in reason_spans):
            out += emit(REFERRAL, "reason", _src(flat, pno, m, 1, "prose", 0.55))
    ocr = layout.page.text_source == "ocr"  # a scan's specialty words may be misread ("Orthopedies")
    for m in _DEAR_SERVICE.finditer(text):
        if specialty_reading(m.group(1), ocr):  # "Dear Otolaryngology colleague,": the letter goes there
            out += emit(REFERRED_TO, "specialty", _src(flat, pno, m, 1, "prose", 0.65))
    for m in _YOUR_CLINIC.finditer(text):
        if specialty_reading(m.group(1), ocr):
            out += emit(REFERRED_TO, "specialty", _src(flat, pno, m, 1, "prose", 0.65))
    for m in _WHEN_PROSE.finditer(text):
        out += emit(REFERRAL, "urgency", _src(flat, pno, m, 1, "prose", 0.45))
    for m in _AGE_SEX.finditer(text):
        out += emit(PATIENT, "sex", _prose_sex(flat, pno, m))
    for m in _URGENCY_PROSE.finditer(text):
        out += emit(REFERRAL, "urgency", _src(flat, pno, m, 1, "prose", 0.6))
    for m in _REFERRAL_TO.finditer(flat.text):
        spec = m.group(1).strip()
        if specialty_reading(spec, ocr):
            out += emit(REFERRED_TO, "specialty", _src(flat, pno, m, 1, "prose", 0.7))
    for m in _ORDER_REASON.finditer(flat.text):
        # An order line "Referral to Rheumatology: evaluate for RA." names the service, then the reason.
        if specialty_reading(m.group(1).strip(), ocr):
            out += emit(REFERRAL, "reason", _src(flat, pno, m, 2, "prose", 0.6))
    for _li, line in enumerate(layout.lines):
        first = line.cells[0]
        if (
            len(line.cells) == 1
            and not first.labels
            and line.y0 < 0.4 * layout.page.height
            and not (layout.lines and looks_like_payer(layout.lines[0].cells[0].text))  # a payer's notice
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


_SPECIALTY_HEAD = re.compile(
    r"(?i)\b(?:sub-?)?specialt(?:y|ies)\b|\bspeciality\b|\breferr(?:ed|al) to\b|\bconsult(?:ation)? (?:type|requested)\b"
)
_TICK_GLYPHS = "☒☑✔✓■☐□"


def _box_tokens(words: list[Word]) -> list[tuple[bool | None, Word]]:
    """Words as (box state, word): a box glyph is (True/False, glyph), "✔Cardiology" splits into both."""
    out: list[tuple[bool | None, Word]] = []
    for w in words:
        state = va.checkbox_state(w.text)
        if state is None and len(w.text) > 1 and w.text[0] in _TICK_GLYPHS:
            glyph = w.text[0]
            out.append((va.checkbox_state(glyph), Word(glyph, w.x0, w.y0, w.x0, w.y1, w.confidence)))
            out.append((None, Word(w.text[1:], w.x0, w.y0, w.x1, w.y1, w.confidence)))
        else:
            out.append((state, w))
    return out


def _ticked_specialty(layout: PageLayout, pno: int) -> list[Candidate]:
    """ "REFERRED TO (tick one specialty)" / "Subspecialty requested" over rows of tick boxes: the one ticked
    option names the specialty. More than one ticked, or none, says nothing."""
    out: list[Candidate] = []
    lines = layout.lines
    for li, line in enumerate(lines):
        head = line.cells[0]
        if len(line.cells) > 2 or not _SPECIALTY_HEAD.search(head.text) or len(head.words) > 8:
            continue
        if any(va.checkbox_state(t.text) is not None for c in line.cells for t in c.words):
            continue  # the options start on the header's own line: another kind of row
        ticked: list[list[Word]] = []
        prev = line
        for ln in lines[li + 1 : li + 8]:
            if ln.y0 - prev.y1 > 1.6 * layout.line_height:
                break
            toks = _box_tokens([w for c in ln.cells for w in c.words])
            if not toks or toks[0][0] is None:
                break  # a row of options starts with its first box
            cur: list[Word] | None = None
            for state, w in toks:
                if state is not None:
                    cur = [] if state else None
                    if state:
                        ticked.append(cur)  # type: ignore[arg-type]
                elif cur is not None:
                    cur.append(w)
            prev = ln
        options = [o for o in ticked if o]
        if len(ticked) != 1 or len(options) != 1:
            continue
        text = " ".join(w.text for w in options[0])
        if len(options[0]) > 5 or any(ch.isdigit() for ch in text):
            continue
        out += emit(REFERRED_TO, "specialty", Source(pno, options[0], "checkbox", 0.8, "label"))
    return out


def _footer(layout: PageLayout, pno: int) -> list[Candidate]:
    """A practice's footer on its own note or form ("Oak Family Medicine | 12 Oak St, Austin, TX 78701 | Ph ...
    | Fax ..."): one line at the foot of the page giving a practice name and its address beside a phone or
    fax, the sender's like a letterhead (weakly; a letterhead or a labelled block says better)."""
    out: list[Candidate] = []
    if not layout.lines or layout.letterhead_end >= 0 or _card_like(layout):
        return out
    for line in layout.lines[-2:]:
        if line.y0 < 0.85 * layout.page.height or len(line.cells) < 3:
            continue
        keys = {sp.label.key for c in line.cells for sp in c.labels}
        if not keys & {"phone", "fax"}:
            continue
        org = [
            c
            for c in line.cells
            if not c.labels
            and _ORG_WORDS.search(c.text)
            and not any(ch.isdigit() for ch in c.text)
            and not looks_like_payer(c.text)
            and len(c.words) <= 8
        ]
        addr = [c for c in line.cells if not c.labels and re.match(r"^\d{1,6}[A-Za-z]?\s+[A-Za-z]", c.text)]
        if len(org) != 1 or len(addr) != 1 or nz.parse_address(nz.clean(addr[0].text)) is None:
            continue
        out += emit(REFERRING, "organization", Source(pno, list(org[0].words), "block", 0.5, "letterhead"))
        out += emit(REFERRING, "address", Source(pno, list(addr[0].words), "block", 0.5, "letterhead"))
    return out


_ORDER_TO = re.compile(
    r"(?i)\b(?:referral|consult(?:ation)?)\s+(?:(?:placed|sent|made|ordered|requested)\s+)?to\s+"
    r"([A-Za-z/ ]{3,40}?)\s*:\s*"
)
_ORDER_CONTACT = re.compile(
    r"(?i)\b(phone|tel|ph|fax|npi)\b\.?\s*(?:#|no\.?)?\s*[:#]?\s*(\(?\d[\d()./\- ]{8,14}\d)"
)


def _order_blocks(layout: PageLayout) -> list[tuple[int, int, int]]:
    """Lines of a plan's order naming the consultant ("- Referral placed to Dermatology: Ann Lee, MD, Oak Skin
    Institute. Phone ..., fax ... NPI ..."): (first line, last line, char offset of the text after the colon)."""
    out: list[tuple[int, int, int]] = []
    lines = layout.lines
    for li, line in enumerate(lines):
        text = line.cells[0].text
        m = _ORDER_TO.search(text)
        if m is None or not is_specialty(m.group(1).strip()) or len(line.cells) > 1:
            continue
        end = li
        while end + 1 < len(lines):
            nxt = lines[end + 1]
            first = nxt.cells[0]
            if (
                nxt.y0 - lines[end].y1 > 0.8 * layout.line_height
                or first.labels
                or first.text.startswith(("-", "•", "*"))
                or re.match(r"\d+[.)]\s", first.text)
            ):
                break
            end += 1
        out.append((li, end, m.end()))
    return out


def _order_lines(layout: PageLayout) -> set[int]:
    return {k for a, b, _ in _order_blocks(layout) for k in range(a, b + 1)}


def _order_to_provider(layout: PageLayout, pno: int) -> list[Candidate]:
    out: list[Candidate] = []
    for a, b, start in _order_blocks(layout):
        words: list[Word] = []
        spans: list[tuple[int, int]] = []
        pos = 0
        for ln in layout.lines[a : b + 1]:
            for w in ln.cells[0].words:
                words.append(w)
                spans.append((pos, pos + len(w.text)))
                pos += len(w.text) + 1
        text = " ".join(w.text for w in words)

        def pick(
            s: int, e: int, words: list[Word] = words, spans: list[tuple[int, int]] = spans
        ) -> list[Word]:
            return [w for w, (ws, we) in zip(words, spans, strict=True) if ws < e and we > s]

        head = _ORDER_TO.search(text)
        if head is not None:
            src = Source(pno, pick(head.start(1), head.end(1)), "prose", 0.7, "pattern")
            out += emit(REFERRED_TO, "specialty", src)
        # The first sentence after the colon: the consultant (a credentialed name) and maybe the practice.
        stop = re.search(r"(?<!\bDr)(?<!\b[A-Z])\.(?=\s|$)|;", text[start:])
        first = text[start : start + stop.start()] if stop else text[start:]
        parts = [p.strip() for p in first.split(",")]
        for k in range(len(parts), 0, -1):
            person = ", ".join(parts[:k])
            name = nz.parse_name(person)
            if (
                name is None
                or not name.credentials
                or looks_like_org(person)
                or any(c.isdigit() for c in person)
            ):
                continue
            p0 = start + text[start:].index(parts[0])
            out += emit(REFERRED_TO, "name", Source(pno, pick(p0, p0 + len(person)), "prose", 0.6, "pattern"))
            rest = ", ".join(parts[k:])
            if rest and looks_like_org(rest) and not is_specialty(rest) and len(parts) - k == 1:
                r0 = start + text[start:].index(rest, len(person))
                src = Source(pno, pick(r0, r0 + len(rest)), "prose", 0.5, "pattern")
                out += emit(REFERRED_TO, "organization", src)
            break
        for m in _ORDER_CONTACT.finditer(text, start):
            key = "phone" if m.group(1).lower() in ("phone", "tel", "ph") else m.group(1).lower()
            out += emit(REFERRED_TO, key, Source(pno, pick(m.start(2), m.end(2)), "prose", 0.6, "pattern"))
    return out


def _person_rows(layout: PageLayout, pno: int) -> list[Candidate]:
    """ "Referred to: Ann Lee, NP | Gastroenterology | NPI ... | 12 Oak St, Austin, TX 78701": a row opened by a
    provider's name label whose further cells carry no labels of their own; each is read by its shape (a
    specialty, a whole street address, a practice name)."""
    out: list[Candidate] = []
    for line in layout.lines:
        first = line.cells[0]
        labs = first.labels
        if (
            len(line.cells) < 2
            or not labs
            or labs[0].start != 0
            or not labs[0].colon
            or labs[0].label.key != "name"
            or labs[0].label.role not in (REFERRING, REFERRED_TO)
            or len(labs) > 1
        ):
            continue
        role = labs[0].label.role
        # "To: | Dr. Ann Lee" has the label's own value in the next cell; the further cells are the row's.
        rest = line.cells[1:] if labs[0].end < len(first.words) else line.cells[2:]
        for cell in rest:
            if cell.labels or re.match(r"(?i)(dr|doctor)\.?\s", cell.text) or _credentialed(cell.text):
                continue
            text = nz.clean(cell.text)
            src = Source(pno, list(cell.words), "right", 0.6, "section")
            if is_specialty(text):
                out += emit(role, "specialty", src)
            elif re.match(r"^\d{1,6}[A-Za-z]?\s+[A-Za-z]", text):
                parsed = nz.parse_address(text)
                if parsed is not None and parsed.city and parsed.state:
                    out += emit(role, "address", src)
            elif (
                looks_like_org(text)
                and not any(ch.isdigit() for ch in text)
                and len(cell.words) <= 8
                and not looks_like_payer(text)
            ):
                out += emit(role, "organization", Source(pno, list(cell.words), "right", 0.5, "section"))
    return out


_CODED = ("diagnoses", "procedures")


def drop_unticked_options(cands: list[Candidate], layout: PageLayout) -> list[Candidate]:
    """Codes printed as options of a check list ("☐ G47.33 Obstructive sleep apnea  ☒ R06.83 Snoring") count
    only when their box is ticked: the nearest box to the left of the code on its line decides, unless a new
    label (a word ending in ":") starts between them. A code with no box before it is left alone."""
    words = [w for ln in layout.lines for c in ln.cells for w in c.words]
    if not any(va.checkbox_state(w.text) is not None or w.text[:1] in _TICK_GLYPHS for w in words):
        return cands  # no check boxes on the page
    unticked: list[tuple[str, float]] = []  # (code without dot, y of its word)
    for line in layout.lines:
        state: bool | None = None
        for box, w in _box_tokens([w for c in line.cells for w in c.words]):
            if box is not None:
                state = box
            elif w.text.endswith(":"):
                state = None
            elif state is False:
                token = w.text.strip("().,;[]").upper()
                if va.ICD_SHAPE.fullmatch(token) or re.fullmatch(r"\d{5}|[A-V]\d{4}", token):
                    unticked.append((token.replace(".", ""), w.y0))
    if not unticked:
        return cands
    out = []
    for c in cands:
        if c.path in _CODED and c.bbox is not None:
            key = str(c.value).upper().replace(".", "")
            if any(t == key and c.bbox[1] - 3 <= y <= c.bbox[3] for t, y in unticked):
                continue
        out.append(c)
    return out
