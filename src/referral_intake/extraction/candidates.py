"""Candidates: one normalized reading of one field from one place on a page, with the evidence behind it.

`emit` turns (role, key, raw words) into candidates on contract paths (`patient.last_name`,
`insurance.0.member_id`, `diagnoses` ...), running the normalizers and validators; reconciliation then
chooses among candidates and confidence scores the choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from referral_intake.extraction import normalize as nz
from referral_intake.extraction import validate as va
from referral_intake.extraction.lexicon import (
    DEFAULT_ROLE,
    INSURANCE,
    INSURANCE2,
    OTHER,
    PATIENT,
    REFERRAL,
    REFERRED_TO,
    REFERRING,
    ROLE_KEYS,
    SPECIALTIES,
    is_payer,
    is_specialty,
    looks_like_org,
    looks_like_payer,
    match_label,
    match_section,
    ocr_closest,
)
from referral_intake.extraction.ocr_vocab import MED_WORDS, address_word
from referral_intake.reading.model import Word

LIST_PATHS = ("diagnoses", "procedures", "medications", "allergies")


@dataclass(slots=True)
class Candidate:
    path: str
    value: Any
    text: str
    page: int
    bbox: tuple[float, float, float, float] | None
    ocr: float  # lowest OCR confidence of the source words (1.0 for a text layer)
    method: str  # inline, right, below, table, block, prose, band, pattern, checkbox, card
    strength: float  # how specific the label (or pattern) is, 0..1
    role_source: str  # label, section, default, guess, pattern
    valid: str  # strong (checksum / code set), shape, none
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. a code's description

    @property
    def key(self) -> str:
        """What "the same value" means for agreement: case-insensitive text of the value."""
        return str(self.value).strip().lower()


def bbox_of(words: list[Word]) -> tuple[float, float, float, float] | None:
    if not words:
        return None
    return (
        min(w.x0 for w in words),
        min(w.y0 for w in words),
        max(w.x1 for w in words),
        max(w.y1 for w in words),
    )


def resolve_role(key: str, label_role: str | None, section_role: str | None) -> tuple[str | None, str]:
    """Whose value this is: the label's own words, else the section (if the key fits it), else the default."""
    if label_role is not None and (label_role == REFERRAL or key in ROLE_KEYS.get(label_role, frozenset())):
        return label_role, "label"
    if section_role is not None and key in ROLE_KEYS.get(section_role, frozenset()):
        return section_role, "section"
    if section_role == OTHER and key not in (
        "mrn",  # a record number is the patient's whoever's block it sits in
        "dob",
        "date",
        "urgency",
        "reason",
        "diagnosis",
        "procedure",
        "auth",
        "summary",
    ):
        return None, "none"  # an emergency contact's phone, a pharmacy's fax: nobody's field here
    if key in DEFAULT_ROLE:
        return DEFAULT_ROLE[key], "default"
    if key in (
        "name",
        "first_name",
        "last_name",
        "middle_name",
        "address",
        "address2",
        "city",
        "state",
        "zip",
        "csz",
        "phone",
    ):
        return PATIENT, "guess"
    if key in ("npi", "fax", "organization"):
        return REFERRING, "guess"
    return None, "none"


_PROVIDER_PREFIX = {REFERRING: "referring_provider", REFERRED_TO: "referred_to"}
_INS_INDEX = {INSURANCE: 0, INSURANCE2: 1}


@dataclass(slots=True)
class Source:
    page: int
    words: list[Word]
    method: str
    strength: float
    role_source: str

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def ocr(self) -> float:
        return min((w.confidence for w in self.words), default=1.0)


# A value read only after putting back characters OCR misread ("O3/O6/1965", "l69818892l") is marked: its
# OCR factor drops to at most this (a checksum confirming the repair, or only the value's shape), so the
# confidence model treats it as doubtful reading; `extra["ocr_repaired"]` says so to the reviewer.
REPAIRED_CHECKED = 0.85
REPAIRED_SHAPE = 0.7

# Words practice, payer and relationship values are made of, to put back letters OCR misread in them
# ("Cardlology", "Rumana", "seif"); names of places and people have no such list and stay as read.
_OCR_ORG_WORDS = frozenset(w for line in SPECIALTIES for w in re.findall(r"[a-z]+", line)) | frozenset(
    ["clinic", "practice", "medical", "medicine", "health", "healthcare", "associates", "center", "centre",
     "group", "physicians", "hospital", "partners", "specialists", "specialty", "institute", "services",
     "care", "family", "community", "regional", "memorial", "university", "surgical", "internal", "primary",
     "pediatric", "children", "womens", "imaging", "laboratory", "network", "consultants", "medicine"]
)  # fmt: skip
_OCR_PAYER_WORDS = _OCR_ORG_WORDS | frozenset(
    ["humana", "aetna", "cigna", "unitedhealthcare", "united", "anthem", "blue", "cross", "shield", "kaiser",
     "permanente", "molina", "centene", "wellcare", "ambetter", "oscar", "tricare", "medicare", "medicaid",
     "highmark", "carefirst", "amerigroup", "caresource", "emblemhealth", "oxford", "geisinger", "mutual",
     "insurance", "plan", "advantage", "choice", "select", "gold", "silver", "bronze"]
)  # fmt: skip
_OCR_RELATIONSHIP_WORDS = frozenset(
    ["self", "spouse", "husband", "wife", "child", "son", "daughter", "dependent", "parent", "mother", "father",
     "guardian", "stepchild", "grandchild", "grandparent", "partner", "employee", "other"]
)  # fmt: skip


def _ocr_words(
    text: str, src: Source, vocabulary: frozenset[str], edit_len: int = 6
) -> tuple[str, float | None]:
    """OCR'd words of a value put back to the vocabulary (`nz.ocr_repair_words`); text-layer words stay."""
    if src.ocr >= 1.0:
        return text, None
    fixed, changed = nz.ocr_repair_words(text, vocabulary, edit_len)
    return fixed, REPAIRED_SHAPE if changed else None


def _mk(
    path: str,
    value: Any,
    src: Source,
    valid: str,
    strength: float | None = None,
    repaired: float | None = None,
    **extra: Any,
) -> Candidate:
    if repaired is not None:
        extra["ocr_repaired"] = True
    return Candidate(
        path,
        value,
        src.text,
        src.page,
        bbox_of(src.words),
        src.ocr if repaired is None else min(src.ocr, repaired),
        src.method,
        src.strength if strength is None else strength,
        src.role_source,
        valid,
        dict(extra),
    )


def _checked_option(words: list[Word]) -> str | None:
    """In "[ ] M [X] F" return the word right after a ticked box (or right before it)."""
    toks = [w.text for w in words]
    for i, t in enumerate(toks):
        if ((va.checkbox_state(t) is True and len(t) > 1) or t in "☒☑✔✓■●▣◉⊠") and i + 1 < len(toks):
            return toks[i + 1]
    return None


_DRAWN_BOXES = frozenset({"☐", "☒"})


def _ticked_words(words: list[Word]) -> str | None:
    """The words after the single ticked box up to the next box; None when no box, or more than one, is ticked."""
    runs: list[list[str]] = []
    cur: list[str] | None = None
    for w in words:
        state = va.checkbox_state(w.text)
        if state is not None:
            cur = [] if state else None
            if cur is not None:
                runs.append(cur)
        elif cur is not None:
            cur.append(w.text)
    return " ".join(runs[0]) if len(runs) == 1 and runs[0] else None


def emit(role: str | None, key: str, src: Source) -> list[Candidate]:
    """Normalize the source words as `key` for `role`; [] when they do not read as that kind of value."""
    text = nz.clean(src.text)
    if not text or role is None:
        return []
    if any(va.checkbox_state(w.text) is not None for w in src.words) and key in (
        "sex",
        "urgency",
        "relationship",
    ):
        opt = _checked_option(src.words)
        if opt is None:
            return []
        text = opt
    elif key in ("specialty", "language") and any(va.checkbox_state(w.text) is not None for w in src.words):
        # "[ ] Cardiology  [X] Nephrology": the words after the one ticked box; an unticked option is no value.
        picked = _ticked_words(src.words)
        if picked is None:
            return []
        text = picked
    elif any(w.text in _DRAWN_BOXES for w in src.words):
        # Reading marks drawn tick boxes with these glyphs; in any other value they are not text.
        text = nz.clean(" ".join(w.text for w in src.words if w.text not in _DRAWN_BOXES))
        if not text:
            return []
    if src.ocr < 1.0 and key in ("organization", "specialty", "payer", "plan", "name"):
        text = nz.ocr_specks(text)
    if src.ocr < 1.0 and key in ("name", "subscriber"):
        text = nz.ocr_name_specks(text)
    if role == PATIENT:
        out = _person("patient", key, text, src)
    elif role in _PROVIDER_PREFIX:
        out = _provider(_PROVIDER_PREFIX[role], key, text, src)
    elif role in _INS_INDEX:
        out = _coverage(f"insurance.{_INS_INDEX[role]}", key, text, src)
    elif role == REFERRAL:
        out = _referral(key, text, src)
    else:
        out = []
    out = cross_kind_check(out, text)
    if src.ocr < 1.0:
        for c in out:
            # "payton" for "Dayton": a proper name OCR read with a small first letter lost a stroke there, and
            # no list can check it; the value stays, as doubtful reading.
            if _field(c.path) in _CAPITALISED and isinstance(c.value, str) and c.value[:1].islower():
                c.ocr = min(c.ocr, REPAIRED_SHAPE)
    return out


_CAPITALISED = frozenset({"first_name", "city", "organization", "payer_name"})


# ---------------------------------------------------------------- cross-kind sanity
#
# A value whose own shape says it is another kind of value (a date read for a plan, a phone number for an
# MRN, a doctor's name for a payer, a caption read for its neighbour's value) comes from a label paired with
# the wrong place on the page: on a layout never seen that pairing may look as sure as a right one, so the
# value itself is checked once here, for every reading method, after the per-field normalizers.

# Fields whose values are words (names, organizations, places, languages) or identifiers.
_WORD_FIELDS = frozenset({"first_name", "last_name", "middle_name", "suffix", "subscriber_name", "payer_name",
                          "plan_name", "organization", "specialty", "city", "preferred_language", "credentials"})  # fmt: skip
_ID_FIELDS = frozenset({"member_id", "group_number", "payer_id", "mrn", "authorization_number"})
_ORG_FIELDS = frozenset({"payer_name", "plan_name", "organization"})
# Captions of fields referral forms carry but the contract does not (the lexicon knows only the ones it
# reads): such a word read as a value means the pairing went wrong ("Preferred Language" over "SSN").
_OTHER_CAPTION = re.compile(
    r"(?i)(ssn|ss ?#|ss number|social security(?: number| no\.?| #)?|soc\.? sec\.?(?: number| no\.?| #)?|"
    r"marital status|marital|race|ethnicity|employer|occupation|religion|signature|emergency contact|"
    r"next of kin|guardian|date|time|age)\s*:?"
)
_SSN_SHAPE = re.compile(r"\d{3}-\d{2}-\d{4}|\*{3}-\*{2}-\d{4}|x{3}-x{2}-\d{4}", re.IGNORECASE)
_PHONE_SHAPE = re.compile(r"(?:\+?1[\s.\-]?)?\(?\d{3}\)?[\s.\-/]?\d{3}[\s.\-]\d{4}")
# "Doe, Jane", "DOE, JANE M": a person written last name first.
_LAST_FIRST = re.compile(r"[A-Z][A-Za-z'\-]+,\s*[A-Z][A-Za-z'\-]+(?:\s+[A-Z]\.?)?")


def _date_shaped(text: str) -> bool:
    """The whole value is a date (with separators or a month word: "03141962" may be an id)."""
    t = nz.clean(text).strip(" .,")
    return nz.DATE_RE.fullmatch(t) is not None and nz.parse_date(t) is not None


def is_caption_text(text: str) -> bool:
    """The whole value is a field caption or section title ("Policyholder Name", "SSN")."""
    t = nz.clean(text).strip(" .:")
    if len(t) <= 2:
        return False  # "MI", "St", "F": initials, states and choices share their letters with labels
    return (
        match_label(t) is not None or match_section(t) is not None or _OTHER_CAPTION.fullmatch(t) is not None
    )


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    # The `nicknames` package (already a dependency of matching) ships a curated list of English given
    # names with their nicknames; it is the only offline given-name list at hand.
    from nicknames import NickNamer

    nn = NickNamer()
    return frozenset(n.lower() for n in (*nn.nickname_lookup, *nn.canonical_lookup))


def _person_shaped(text: str) -> str | None:
    """ "strong" for a credentialed or last-name-first person ("Ann Lee, MD", "Doe, Jane"), "weak" for a
    plain two-or-three-word name opening with a known given name ("Jane Doe"); None otherwise."""
    t = nz.clean(text)
    if looks_like_org(t) or looks_like_payer(t) or _PLAN_WORDS.search(t):
        return None
    n = nz.parse_name(t)
    if n is None:
        return None
    if n.credentials or re.match(r"(?i)(dr|doctor)\.?\s", t) or _LAST_FIRST.fullmatch(t):
        return "strong"
    words = t.split()
    if 2 <= len(words) <= 3 and words[0].lower().strip(".") in _given_names():
        return "weak"
    return None


def _field(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def cross_kind_check(cands: list[Candidate], text: str) -> list[Candidate]:
    """Drop candidates whose value reads as another kind of value; a doubtful one keeps a guessed role and
    half its strength, so the confidence model leaves it to review rather than accepting it."""
    out: list[Candidate] = []
    caption = is_caption_text(text)
    for c in cands:
        f = _field(c.path)
        v = str(c.value)
        if f in _WORD_FIELDS or f in _ID_FIELDS:
            if caption and not (f in ("payer_name", "plan_name") and looks_like_payer(text)):
                continue  # "Policyholder Name" read as the value of the caption above it
            if _date_shaped(v) or _date_shaped(text):
                continue  # a date for a name, a plan, a member id
            if _SSN_SHAPE.search(v) or (f not in _ID_FIELDS and _SSN_SHAPE.search(text)):
                continue
        if f in _ID_FIELDS and _PHONE_SHAPE.fullmatch(nz.clean(text).strip(" .")):
            continue  # "(503) 555-0135" is a phone number, not an MRN
        if f in _ORG_FIELDS:
            shaped = _person_shaped(v)
            if shaped == "strong":
                continue  # "Ann Lee, MD" / "Doe, Jane" is a person, not a payer, plan or practice
            if shaped == "weak":
                c.role_source, c.strength = "guess", c.strength * 0.5
        out.append(c)
    return out


def specialty_reading(text: str, ocr: bool) -> bool:
    """Does this text name a specialty, also once OCR's slips are put back ("Orthopedies", "Endoorinology")
    when it comes from a scan? `emit` repairs such a value the same way and marks it repaired."""
    if is_specialty(text):
        return True
    return ocr and is_specialty(nz.ocr_repair_words(text, _OCR_ORG_WORDS)[0])


def _ocr_given_name(first: str | None, src: Source) -> tuple[str | None, float | None]:
    """An OCR'd given name the name list does not know, put back to the one listed name it reads as once
    the letters OCR confuses are folded ("Victorla" -> "Victoria"); no further edit is allowed, since
    people's names are an open set. Names from a text layer, and names the list knows, stay as written."""
    if first is None or src.ocr >= 1.0 or not first.isalpha():
        return first, None
    fix = ocr_closest(first, _given_names(), edit_len=99)
    if fix is None and first.lower() not in _given_names():
        # A "q" not before "u" is a "g" whose tail the fax blurred ("DOUQLAS").
        g = re.sub(r"q(?!u)", "g", first.lower())
        fix = g if g != first.lower() and g in _given_names() else None
    if fix is None:
        return first, None
    return (fix.upper() if first.isupper() else fix.capitalize()), REPAIRED_SHAPE


def _name_parts(prefix: str, text: str, src: Source, with_middle: bool) -> list[Candidate]:
    name = nz.parse_name(text)
    if name is None:
        return []
    first, fix = _ocr_given_name(name.first, src)
    out = [
        _mk(f"{prefix}.first_name", first, src, "shape", repaired=fix),
        _mk(f"{prefix}.last_name", name.last, src, "shape"),
    ]
    if with_middle:
        out.append(_mk(f"{prefix}.middle_name", name.middle, src, "shape"))
        if name.suffix:
            out.append(_mk(f"{prefix}.suffix", name.suffix, src, "shape"))
    elif name.credentials:
        out.append(_mk(f"{prefix}.credentials", name.credentials, src, "shape"))
    return out


def _address(prefix: str, key: str, text: str, src: Source) -> list[Candidate]:
    out: list[Candidate] = []
    if key == "address":
        a = nz.parse_address(text)
        if a is None:
            return []
        fixes: dict[str, float] = {}
        if src.ocr < 1.0:
            a, fixes = _ocr_address(a)
        for part in ("line1", "line2", "city", "state", "postal_code"):
            v = getattr(a, part)
            if v is not None:
                out.append(_mk(f"{prefix}.address.{part}", v, src, "shape", repaired=fixes.get(part)))
    elif key == "address2":
        line2, fix = text, None
        if src.ocr < 1.0 and (word := address_word(text.split(" ", 1)[0])) is not None:
            line2, fix = " ".join([word, *text.split(" ", 1)[1:]]), REPAIRED_CHECKED
        out.append(_mk(f"{prefix}.address.line2", line2, src, "none", repaired=fix))
    elif key == "csz":
        csz = nz.parse_city_state_zip(text)
        if csz:
            city, state, zip_ = csz
            out += [
                _mk(f"{prefix}.address.city", city, src, "shape"),
                _mk(f"{prefix}.address.state", state, src, "strong"),
            ]
            if zip_:
                out.append(_mk(f"{prefix}.address.postal_code", zip_, src, "shape"))
    elif key == "city" and not any(c.isdigit() for c in text):
        out.append(_mk(f"{prefix}.address.city", text.rstrip("."), src, "none"))
    elif key == "state" and (st := nz.parse_state(text)):
        out.append(_mk(f"{prefix}.address.state", st, src, "strong"))
    elif key == "zip" and (z := nz.parse_zip(text)):
        out.append(_mk(f"{prefix}.address.postal_code", z, src, "shape"))
    return out


def _ocr_address(a: nz.ParsedAddress) -> tuple[nz.ParsedAddress, dict[str, float]]:
    """Slips OCR makes in a street line, put back only where the result is checked: a street suffix or unit
    word from the USPS lists ("9471 Lake PI", "Bivd", "ApL 342"), a house number that is digits but for one
    misread letter ("2i75 E Birch St"), a fax speck's colon ("8422 N: Ridge Ct")."""
    fixes: dict[str, float] = {}
    line1, line2 = a.line1, a.line2
    if line1:
        toks = [t.rstrip(":;") if len(t) > 1 else t for t in line1.split(" ")]
        num = toks[0]
        # Inner letters only: "12B" and "100A" are real house numbers with a letter.
        if re.fullmatch(r"\d[0-9A-Za-z|]{0,4}\d", num) and not num.isdigit():
            fixed = nz.ocr_digits(num)
            if fixed.isdigit() and sum(c.isdigit() for c in num) >= len(num) - 1:
                toks[0] = fixed
                fixes["line1"] = REPAIRED_SHAPE
        if len(toks) >= 3 and (word := address_word(toks[-1])) is not None:
            toks[-1] = word
            fixes["line1"] = min(fixes.get("line1", 1.0), REPAIRED_CHECKED)
        line1 = " ".join(toks)
    if line2 and (word := address_word(line2.split(" ", 1)[0])) is not None:
        line2 = " ".join([word, *line2.split(" ", 1)[1:]])
        fixes["line2"] = REPAIRED_CHECKED
    return nz.ParsedAddress(line1, line2, a.city, a.state, a.postal_code), fixes


# A last name with a generational suffix after it ("O'Donnell III", "Castellanos Jr"); not "V", which is as
# often an initial.
_LAST_SUFFIX = re.compile(r"^([A-Za-z][A-Za-z'\- ]*[A-Za-z])\s+(jr|sr|ii|iii|iv)$", re.IGNORECASE)


def _person(prefix: str, key: str, text: str, src: Source) -> list[Candidate]:
    if key == "name":
        return [] if looks_like_org(text) else _name_parts(prefix, text, src, with_middle=True)
    if key in ("first_name", "last_name", "middle_name", "suffix"):
        t = text.strip(".") if key != "suffix" else text.replace(".", "")
        if re.fullmatch(r"[A-Za-z][A-Za-z'\- ]{0,40}", t):
            given, fix = _ocr_given_name(t, src) if key == "first_name" else (t, None)
            t = given or t
            tail = _LAST_SUFFIX.match(t) if key == "last_name" else None
            if tail is not None:
                # "Castellanos Jr" in a last-name box: the generational suffix is a field of its own.
                suffix = nz.SUFFIXES[tail.group(2).lower()]
                return [
                    _mk(f"{prefix}.last_name", tail.group(1), src, "shape"),
                    _mk(f"{prefix}.suffix", suffix, src, "shape"),
                ]
            return [_mk(f"{prefix}.{key}", t, src, "shape", repaired=fix)]
        return []
    if key == "dob":
        d, fix = _date(text, "dob")
        return [_mk(f"{prefix}.date_of_birth", d.isoformat(), src, "strong", repaired=fix)] if d else []
    if key == "sex":
        s = nz.parse_sex(text)
        if s is None and src.ocr < 1.0 and (s := nz.ocr_sex(text)) is not None:
            return [_mk(f"{prefix}.sex", s, src, "strong", repaired=REPAIRED_CHECKED)]  # "Matle", "Femaie"
        return [_mk(f"{prefix}.sex", s, src, "strong")] if s else []
    if key == "phone":
        p, fix = _phone_ocr(text)
        return [_mk(f"{prefix}.phone", p, src, "strong", repaired=fix)] if p else []
    if key == "email":
        m = re.search(r"[\w.+\-]+@[\w\-]+(\.[\w\-]+)+", text)
        return [_mk(f"{prefix}.email", m.group(0).lower(), src, "shape")] if m else []
    if key == "mrn":
        v = nz.normalize_id(text)
        return (
            [_mk(f"{prefix}.mrn", v, src, "shape" if v and any(c.isdigit() for c in v) else "none")]
            if v
            else []
        )
    if key == "language" and re.fullmatch(r"[A-Za-z][A-Za-z \-()]{1,30}", text):
        return [_mk(f"{prefix}.preferred_language", text, src, "none")]
    return _address(prefix, key, text, src)


def _provider(prefix: str, key: str, text: str, src: Source) -> list[Candidate]:
    if key == "name" and looks_like_org(text):
        # "Carolyn Myers, MD, Mesa Vista Gastroenterology", "Priya Amadi, MD - Mesa Verde Health Center",
        # "Dr. Ann Lee, Neurology": a credentialed (or titled) name, then the practice or the specialty.
        cuts = list(_NAME_TAIL_SEP.finditer(text))
        for cut in reversed(cuts):
            person, org = text[: cut.start()].strip(), text[cut.end() :].strip()
            n = nz.parse_name(person) if person else None
            titled = re.match(r"(?i)(dr|doctor)\.?\s", person) is not None  # "Dr. Ann Lee, Lee Clinic"
            if n is None or not (n.credentials or titled) or looks_like_org(person):
                continue
            if is_specialty(org):
                return [
                    *_name_parts(prefix, person, src, with_middle=False),
                    _mk(f"{prefix}.specialty", org, src, "strong"),
                ]
            if looks_like_org(org):
                org, fix = _ocr_words(org, src, _OCR_ORG_WORDS)  # "... Gastroenterology Assoclates"
                return [
                    *_name_parts(prefix, person, src, with_middle=False),
                    _mk(f"{prefix}.organization", org, src, "none", repaired=fix),
                ]
    if key == "name":
        name = None if looks_like_org(text) else nz.parse_name(text)
        if name is None or len(text.split()) > 8:
            # Not a person: a practice ("Austin Orthopedics") stands in the name slot on many cover sheets,
            # or a specialty ("To: Cardiology").
            if key == "name" and not any(ch.isdigit() for ch in text) and src.method in ("inline", "right"):
                if is_specialty(text):
                    return [_mk(f"{prefix}.specialty", text, src, "strong", strength=src.strength * 0.8)]
                org = text.rstrip(" -\u2013\u2014|/,:")
                if looks_like_org(org):  # "Attn: New Patient Referrals" names a desk, not a practice
                    return [_mk(f"{prefix}.organization", org, src, "none", strength=src.strength * 0.5)]
            return []
        return _name_parts(prefix, text, src, with_middle=False)
    if key in ("first_name", "last_name") and re.fullmatch(r"[A-Za-z][A-Za-z'\- ]{0,40}", text):
        t, fix = _ocr_given_name(text.strip("."), src) if key == "first_name" else (text.strip("."), None)
        return [_mk(f"{prefix}.{key}", t, src, "shape", repaired=fix)]
    if key == "credentials" and re.fullmatch(r"[A-Za-z.\-, ]{1,20}", text):
        return [_mk(f"{prefix}.credentials", text.replace(".", "").upper(), src, "shape")]
    if key == "npi":
        v = _npi(text)
        fix = None
        if v is None and (fixed := nz.ocr_digits(text)) != text:
            v, fix = _npi(fixed), REPAIRED_CHECKED  # "l69818892l": the Luhn check confirms the repair
        return [_mk(f"{prefix}.npi", v, src, "strong", repaired=fix)] if v else []
    if key in ("phone", "fax"):
        p, fix = _phone_ocr(text)
        return [_mk(f"{prefix}.{key}", p, src, "strong", repaired=fix)] if p else []
    if key == "phone_fax":
        # "208/555-0122 / 208/555-0137": the phone, then the fax, in the label's order.
        nums = [m.group(0) for m in nz.PHONE_RE.finditer(nz.clean(text))]
        if len(nums) > 2:
            return []
        out = []
        for k, num in zip(("phone", "fax"), nums, strict=False):
            p, fix = _phone_ocr(num)
            if p:
                out.append(_mk(f"{prefix}.{k}", p, src, "strong", repaired=fix))
        return out
    if (
        key == "organization"
        and src.role_source in ("letterhead", "section")
        and _PHONE_SHAPE.fullmatch(re.sub(r"(?i)\s*(?:x|ext\.?)\s*\d{1,5}$", "", text))
    ):
        return _provider(prefix, "phone", text, src)  # "Office 225/555-0139": the office's number
    if key == "organization" and re.match(r"^\d{1,6}[A-Za-z]?\s+\S", text):
        return _address(prefix, "address", text, src)  # "Location: 12 Oak St, ..." is an address
    if key == "specialty" and not is_specialty(text):
        fixed, fix = _ocr_words(text, src, _OCR_ORG_WORDS)
        if fix is not None and is_specialty(fixed):
            return [_mk(f"{prefix}.specialty", nz.drop_final_period(fixed), src, "strong", repaired=fix)]
    if key == "specialty" and is_specialty(text):
        return [_mk(f"{prefix}.specialty", nz.drop_final_period(text), src, "strong")]
    if key in ("organization", "specialty") and not re.search(r"\d{3}", text) and len(text) < 80:
        if key == "specialty":
            return [_mk(f"{prefix}.{key}", text, src, "none")]
        org, fix = _ocr_words(_drop_monogram(nz.drop_final_period(text)), src, _OCR_ORG_WORDS)
        # A practice's name with a practice word ("Clinic", "Associates", "-ology") has the expected shape.
        shape = "shape" if looks_like_org(org) else "none"
        return [_mk(f"{prefix}.organization", org, src, shape, repaired=fix)]
    return _address(prefix, key, text, src)


# Where a person's name ends and their practice (or specialty) begins in one value: a comma, a spaced dash,
# slash or bar, or " at " ("Ann Lee, MD at Lee Clinic").
_NAME_TAIL_SEP = re.compile(r"\s*,\s*|\s+[-–—/|]\s+|\s+at\s+")


def _npi(text: str) -> str | None:
    m = re.search(r"\b\d{10}\b", text.replace("-", "").replace(" ", "")) or re.search(r"\d{10}", text)
    return va.npi_valid(m.group(0)) if m else None


def _phone_ocr(text: str) -> tuple[str | None, float | None]:
    """A phone number, and REPAIRED_SHAPE when it reads only with OCR slips put back ("2l8-555-O124")."""
    p = _phone(text)
    if p is None and (fixed := nz.ocr_digits(text)) != text and (p := _phone(fixed)) is not None:
        return p, REPAIRED_SHAPE
    return p, None


def _date(text: str, kind: str) -> tuple[date | None, float | None]:
    """A date of this kind, and REPAIRED_SHAPE when it reads only with OCR slips put back ("26-0ct-2026")."""
    d = nz.find_date(text, kind=kind)
    if d is None and (fixed := nz.ocr_date_text(text)) != text and (d := nz.find_date(fixed, kind=kind)):
        return d, REPAIRED_SHAPE
    return d, None


def _phone(text: str) -> str | None:
    """The number a phone label gives, also when another unlabelled field follows it on the line
    ("Tel 859-555-0130 NPI 1661995591")."""
    p = nz.parse_phone(text)
    if p is None:
        m = nz.PHONE_RE.match(nz.clean(text))
        p = nz.parse_phone(m.group(0)) if m else None
    return p


def _drop_monogram(text: str) -> str:
    """ "CC Cedar Creek Physicians" -> "Cedar Creek Physicians": a logo's initials read with the name."""
    first, _, rest = text.partition(" ")
    if not (2 <= len(first) <= 4 and first.isalpha() and first.isupper()):
        return text
    initials = "".join(w[0] for w in rest.split() if w[:1].isupper())
    return rest if len(rest.split()) >= 2 and initials.startswith(first) else text


def _credentialed_person(text: str) -> bool:
    n = nz.parse_name(text)
    return n is not None and n.credentials is not None


# A card's or section's own title ("INSURANCE CARD", "Member ID Card") names no payer.
_CARD_TITLE = re.compile(
    r"(?i)\s*((health|medical|insurance|member(ship)?|benefits?|subscriber|identification|id|plan)\s+)*"
    r"(card|information|info|details)\s*"
)


# Words no payer's or plan's name holds: a card copy's own title ("COPY OF INSURANCE CARD - FRONT AND BACK"),
# a sentence ("specialist opinion requested; follow up here in 6 weeks").
_NOT_PAYER = re.compile(
    r"(?i)\b(copy|copies|front|back|card|attached|enclosed|requested|follow|see|page|referral|authorization|"
    r"request|form)\b|[;!?]|^\s*(primary|secondary|tertiary)(\s+(insurance|coverage|payer|plan))?\s*$"
)
# "Anthem Blue Cross - Blue Access PPO   ID XJH903674700": an EHR coverage line ends with the member's id.
_TRAILING_ID = re.compile(
    r"^(?P<head>.+?)\s+(?:member\s+|subscriber\s+|policy\s+)?(?:ID|Id|id)\s*(?:#|No\.?|number)?\s*[:#]?\s*"
    r"(?P<id>[A-Z0-9][A-Z0-9\-]{4,24})$"
)
# Words that mark a plan (product) rather than the payer: "Northwind Mutual / Northwind Silver HMO".
_PLAN_WORDS = re.compile(
    r"(?i)\b(hmo|ppo|epo|pos|hdhp|hsa|medicare advantage|advantage|medicaid|chip|gold|silver|bronze|platinum|"
    r"choice|select|open access|essential|premier|plus|complete|marketplace|exchange|managed care|part [abcd]|"
    r"supplement|medigap|snp|dual|network)\b"
)
_CONNECTORS = frozenset({"of", "and", "&", "the", "for", "de", "-", "/", "+", "by", "in"})
# Who the subscriber is to the patient, in the words forms use (X12 and claim-form terms included).
_RELATIONSHIPS = re.compile(
    r"(?i)\b(self|spouse|husband|wife|child|son|daughter|dependent|parent|mother|father|guardian|"
    r"stepchild|step child|grandchild|grandparent|domestic partner|life partner|partner|employee|other)\b"
)


def reads_as_plan(payer: str, text: str) -> bool:
    """Does `text`, printed right after the payer's value ("Insurance: Medicaid | Medicaid Managed Care"),
    name that payer's plan: a plan-type word or the payer's own name opening it, no digits, a few words."""
    t = nz.clean(text)
    words = t.split()
    if not (1 <= len(words) <= 6) or any(ch.isdigit() for ch in t) or not _name_shaped(t):
        return False
    if _NOT_PAYER.search(t) or is_caption_text(t) or _person_shaped(t) is not None:
        return False
    first = payer.split()[0].lower() if payer.split() else ""
    return _PLAN_WORDS.search(t) is not None or (
        len(first) > 2 and words[0].lower() == first and len(words) > 1
    )


def _name_shaped(text: str) -> bool:
    """A proper name's shape: every word capitalised (or a digit or connector), at most eight words."""
    words = text.replace("/", " / ").split()
    return 0 < len(words) <= 8 and all(
        w[:1].isupper() or w[:1].isdigit() or w.lower() in _CONNECTORS or not w[:1].isalpha() for w in words
    )


def _payer_plan(prefix: str, text: str, src: Source) -> list[Candidate] | None:
    """ "Payer / Plan" in one value (EHR coverage lines): the payer, then a plan-type name after the slash."""
    # A fax may turn the dash into "~" and glue it to the payer ("UnitedHealthcare~ UHC Navigate").
    m = re.fullmatch(r"(.+?)(?:\s+[/|–—~-]|~)\s+(.+)", text)
    if m is None:
        return _payer_repeated(prefix, text, src)
    payer, plan = m.group(1).strip(), m.group(2).strip()
    if (
        # A plan-type word says plan; so does the separator after a well-known payer ("Aetna – Navigate").
        not (_PLAN_WORDS.search(plan) or is_payer(payer))
        or _PLAN_WORDS.search(payer)
        or _NOT_PAYER.search(text)
        or not (_name_shaped(payer) and _name_shaped(plan))
    ):
        return None
    known = is_payer(payer)
    return [
        _mk(f"{prefix}.payer_name", payer, src, "shape" if known else "none"),
        _mk(f"{prefix}.plan_name", plan, src, "none", strength=src.strength * 0.9),
    ]


# Payer names that repeat their own first word ("Blue Cross Blue Shield of Texas").
_TWO_PART_PAYER = re.compile(r"(?i)\bblue cross\b.*\bblue shield\b")


def _payer_repeated(prefix: str, text: str, src: Source) -> list[Candidate] | None:
    """ "Cigna Healthcare Cigna LocalPlus": the payer, then its plan opening with the payer's name again (the
    separator between them lost, as a fax or a copied EHR line does)."""
    words = text.split()
    first = words[0].lower() if words else ""
    at = next((i for i in range(1, len(words)) if words[i].lower() == first), None)
    if len(first) < 3 or at is None or _TWO_PART_PAYER.search(text):
        return None
    payer, plan = " ".join(words[:at]), " ".join(words[at:])
    if not (_name_shaped(payer) and reads_as_plan(payer, plan)) or _PLAN_WORDS.search(payer):
        return None
    return [
        _mk(f"{prefix}.payer_name", payer, src, "shape" if is_payer(payer) else "none"),
        _mk(f"{prefix}.plan_name", plan, src, "none", strength=src.strength * 0.9),
    ]


def _member_id(text: str) -> str | None:
    """A member id: the validator's shape, and neither a phone number nor words ("Member services 800-...")."""
    if re.search(r"\b[a-z]{3,}\b", text) or re.fullmatch(
        r"\(?\d{3}\)?[\s.\-]\d{3}[\s.\-]\d{4}", text.strip()
    ):
        return None
    return va.member_id_valid(text)


def _subscriber(prefix: str, text: str, src: Source) -> list[Candidate]:
    """ "Cyrus Lindqvist (Child)", "Rogers, Joan - Spouse": the name as written, and the relationship it states."""
    out: list[Candidate] = []
    rel = None
    m = re.fullmatch(r"(.+?)\s*(?:\(([^()]*)\)|\s[-–]\s(.+))", text)
    if m is not None:
        tail = m.group(2) or m.group(3) or ""
        r = _RELATIONSHIPS.fullmatch(tail.strip(" ."))
        if r is not None:
            text, rel = m.group(1).strip(), r.group(1)
    if nz.parse_name(text) is None:
        return []
    out.append(_mk(f"{prefix}.subscriber_name", text, src, "shape"))  # as written: the contract's form
    if rel is not None:
        out.append(
            _mk(f"{prefix}.subscriber_relationship", rel.lower(), src, "shape", strength=src.strength * 0.9)
        )
    return out


def _coverage(prefix: str, key: str, text: str, src: Source) -> list[Candidate]:
    if key in ("payer", "plan"):
        text = re.sub(r"^\((.+)\)[,;.]?$", r"\1", text.strip(" ,;"))  # "(Aetna Open Access HMO),"
    if (
        key in ("payer", "plan")
        and (tail := _TRAILING_ID.match(text)) is not None
        and any(ch.isdigit() for ch in tail.group("id"))
    ):
        head = tail.group("head").strip(" ,;|")
        if re.search(r"(?i)\bID\b|(payer|payor|group|grp|tax|npi|provider|claim)$", head):
            return []  # "... ID 83024433145Payer ID 87726": the last id is the payer's, glued by a fax
        weaker = Source(src.page, src.words, src.method, src.strength * 0.9, src.role_source)
        return _coverage(prefix, key, head, src) + _coverage(prefix, "member_id", tail.group("id"), weaker)
    if key == "payer" and (both := _payer_plan(prefix, text, src)) is not None:
        return both
    if (
        key in ("payer", "name", "plan")
        and (key == "plan" or not re.search(r"\d{4}", text))
        and len(text) < 60
        and not _credentialed_person(text)
        and not _CARD_TITLE.fullmatch(text)
        and not _NOT_PAYER.search(text)
        and (_name_shaped(text) or _PLAN_WORDS.search(text) is not None or is_payer(text))
    ):
        path = "plan_name" if key == "plan" else "payer_name"
        value, fix = _ocr_words(nz.drop_final_period(text), src, _OCR_PAYER_WORDS)
        known = path == "payer_name" and is_payer(value)  # a well-known payer's name: the expected shape
        return [
            _mk(
                f"{prefix}.{path}",
                value,
                src,
                "shape" if known else "none",
                repaired=fix,
                strength=src.strength * (0.6 if key == "name" else 1),
            )
        ]
    if key == "payer_id":
        v = nz.normalize_id(text)
        return [_mk(f"{prefix}.payer_id", v, src, "shape")] if v else []
    if key == "member_id":
        v = _member_id(text)
        return [_mk(f"{prefix}.member_id", v, src, "shape")] if v else []
    if key == "group":
        v = nz.normalize_id(text)
        return (
            [_mk(f"{prefix}.group_number", v, src, "shape" if v and any(c.isdigit() for c in v) else "none")]
            if v
            else []
        )
    if key == "subscriber":
        return _subscriber(prefix, text, src)
    if key == "relationship" and re.fullmatch(
        r"(?i)(?:to|of)\s+(?:the\s+)?(?:child|patient|pt|insured|subscriber|policy ?holder|member|guarantor|sponsor)",
        text.strip(" .:"),
    ):
        return []  # "Relationship to child": the rest of a caption the lexicon does not know, not a value
    if key == "relationship" and re.fullmatch(r"[A-Za-z][A-Za-z /\-]{1,20}", text):
        rfix = _ocr_words(text, src, _OCR_RELATIONSHIP_WORDS, 4) if not _RELATIONSHIPS.search(text) else None
        if rfix is not None and rfix[1] is not None:  # "Seif": OCR's reading of "Self"
            return [_mk(f"{prefix}.subscriber_relationship", rfix[0].lower(), src, "shape", repaired=rfix[1])]
        rel_word = _RELATIONSHIPS.search(text)
        if rel_word is not None and len(text.split()) > len(rel_word.group(1).split()):
            return [_mk(f"{prefix}.subscriber_relationship", rel_word.group(1).lower(), src, "none")]
        return [_mk(f"{prefix}.subscriber_relationship", text.lower(), src, "shape" if rel_word else "none")]
    if key == "subscriber_dob":
        d, fix = _date(text, "dob")
        path = f"{prefix}.subscriber_date_of_birth"
        return [_mk(path, d.isoformat(), src, "strong", repaired=fix)] if d else []
    return []


def _referral(key: str, text: str, src: Source) -> list[Candidate]:
    if key == "date":
        d, fix = _date(text, "recent")
        return [_mk("referral_date", d.isoformat(), src, "strong", repaired=fix)] if d else []
    if key == "urgency":
        found = {u for tok in re.split(r"[\s/,|]+", text) if (u := va.urgency_word(tok))}
        # "Routine / Urgent / STAT" with the choice marked by a drawing we cannot see: no value.
        if len(found) == 1 and len(text.split()) <= 3:
            return [_mk("urgency", found.pop(), src, "strong")]
        # "Within 2 weeks", "Next available", "Urgent - within 72 hours": a scheduling window or phrase.
        phrase = va.urgency_phrase(text)
        if phrase is not None and (not found or found == {phrase}):
            return [_mk("urgency", phrase, src, "shape" if not found else "strong")]
        return [_mk("urgency", found.pop(), src, "strong")] if len(found) == 1 else []
    if key in ("reason", "summary"):
        path = "reason" if key == "reason" else "clinical_summary"
        text = text.rstrip(" .;,")
        if key == "reason" and (_person_shaped(text) is not None or _COPY_TO.match(text)):
            return []  # "cc: Dr. Ann Lee; chart": who gets a copy, not why the patient is referred
        return [_mk(path, text, src, "none")] if len(text) > 2 else []
    if key == "auth":
        v = nz.normalize_id(text)
        return [_mk("authorization_number", v, src, "shape")] if v and any(c.isdigit() for c in v) else []
    if key == "diagnosis":
        return diagnosis_codes(text, src)
    if key == "procedure":
        if is_specialty(text):  # "Service Requested: Endocrinology" names a specialty, not a procedure
            return [_mk("referred_to.specialty", text, src, "strong", strength=src.strength * 0.8)]
        if specialty_reading(text, src.ocr < 1.0):  # "Behavloral Health" read from a scan
            fixed, fix = _ocr_words(text, src, _OCR_ORG_WORDS)
            spec = _mk(
                "referred_to.specialty", fixed, src, "strong", strength=src.strength * 0.8, repaired=fix
            )
            return [spec]
        out = []
        for m in re.finditer(r"\b(\d{4}[0-9FT]|[A-V]\d{4})\b", text):
            code = va.cpt_valid(m.group(1))
            if code:
                desc = _description_after(text, m.end())
                out.append(_mk("procedures", code, src, "shape", description=desc))
        return out
    if key == "code":
        # A bare "Code" column or label: the code's own shape says which (dotted ICD-10-CM, 5-digit CPT, or a
        # HCPCS letter + 4 digits that is no ICD-10-CM code).
        if va.ICD_DOTTED.search(text):
            return diagnosis_codes(text, src, dotted_only=True)
        out = []
        for m in re.finditer(r"\b(\d{4}[0-9FT]|[A-V]\d{4})\b", text):
            code = va.cpt_valid(m.group(1))
            if code and not (code[0].isalpha() and va.icd10_valid(code)):
                out.append(
                    _mk("procedures", code, src, "shape", description=_description_after(text, m.end()))
                )
        return out
    if key in ("medications", "allergies"):
        text = _list_sentences(text)
        # On a scan a list's ";" is often read as ":" ("atorvastatin 20 mg nightly: albuterol inhaler").
        sep = r";|\u2022|\n|,(?![^()]*\))" + (r"|(?<=[a-z]):\s" if src.ocr < 1.0 else "")
        # A list printed with bullets or dashes ("- fluoxetine 10 mg daily", "* Latex") or numbered ("1. ..."):
        # the marker is not part of the item.
        items = [_LIST_MARK.sub("", nz.clean(x)).rstrip(" .;,") for x in re.split(sep, text)]
        # "None", "NKDA", "No known drug allergies" state an empty list, not an item.
        items = [x for x in items if len(x) > 1 and not _NONE_ITEM.fullmatch(x)]
        # OCR'd drug, dose and allergy words put back to the words prescriptions are written in ("aspirln 81
        # mg dally" -> "aspirin 81 mg daily"); a word no list knows (a brand, a rare drug) stays as read.
        if src.ocr < 1.0:
            items = [_OCR_GLUED_DOT.sub(" ", x) for x in items]
        readings = [_ocr_words(x, src, MED_WORDS, 7) for x in items]
        return [_mk(key, x, src, "none", repaired=fix) for x, fix in readings]
    return []


_LIST_MARK = re.compile(r"^(?:[-*\u2013\u2022\u00b7\u25aa\u25e6>]+|\(?\d{1,2}[.)])\s+")
# A fax speck read as a period gluing two words of a list item ("metformin 500 mg.BID"); not a decimal.
_OCR_GLUED_DOT = re.compile(r"(?<=[a-z]{2})\.(?=[A-Za-z]{2})")

_COPY_TO = re.compile(r"(?i)^(?:dr\.?\s|doctor\s|patient\b|pt\b|chart\b|file\b|pcp\b|referring\b|[^@\s]+@)")
_SENTENCE_END = re.compile(
    r"(?<=[A-Za-z0-9)\]])(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bSt)(?<!\bNo)(?<!\b[A-Z])\.\s+(?=[A-Z])"
)
# A following sentence that reads as prose ("Routine follow-up is appropriate", "Please call ...") or opens
# with another label ("Allergies: ...") is no longer the list a letter's "Medications:" started.
_PROSE_SENTENCE = re.compile(
    r"(?i)^[\w/ -]{1,30}:|\b(is|are|was|were|please|the|my|your|our|this|we|i|you|has|have|will|should)\b"
)


def _list_sentences(text: str) -> str:
    """Keep the first sentence of a list value and the following ones until prose resumes."""
    parts = _SENTENCE_END.split(text)
    kept = [parts[0]]
    for part in parts[1:]:
        if _PROSE_SENTENCE.search(part):
            break
        kept.append(part)
    return "; ".join(kept)


_NONE_ITEM = re.compile(
    r"(?i)(none|nkda|nka|n/?a|nil|no known (drug )?allergies|no (current |active )?medications|"
    r"none (reported|known)|denies|no allergies)\.?"
)


def _description_after(text: str, end: int) -> str | None:
    rest = text[end:]
    nxt = re.search(r"[;,]\s*(?=[A-Z][0-9]|\d{5})", rest)
    if nxt:
        rest = rest[: nxt.start()]
    rest = nz.clean(rest.strip(" -–:()"))
    rest = rest.strip(" -–:()")
    return rest or None


def diagnosis_codes(text: str, src: Source, *, dotted_only: bool = False) -> list[Candidate]:
    """ICD-10-CM codes in text, each checked against the code set, with the description that follows."""
    out: list[Candidate] = []
    pattern = va.ICD_DOTTED if dotted_only else va.ICD_SHAPE
    for m in pattern.finditer(text):
        code = va.icd10_valid(m.group(0))
        if code:
            # A category code ("M17") is real but rarely what was meant on a referral: shape only.
            valid = "strong" if va.icd10_valid(code, billable_only=True) else "shape"
            out.append(_mk("diagnoses", code, src, valid, description=_description_after(text, m.end())))
    if src.ocr < 1.0:
        out += _repaired_codes(text, src)
    return out


# Thin fax print turns a code's leading letter into a digit ("I48.91" -> "148.91", "E78.5" -> "178.5"). Which
# letters a digit may stand for; a repair is kept only when the code then exists AND the words after it match
# that code's official description, and only one letter does: a lab value or a weight never passes both.
OCR_ICD_DOTTED = re.compile(r"(?<![\w.])([0-9|])([0-9]{2})\.([0-9A-Z]{1,4})\b")
_LETTER_FOR = {"1": "IETL", "|": "I", "0": "OQD", "5": "S", "8": "B", "2": "Z", "6": "G", "4": "A", "7": "T"}


def _repaired_codes(text: str, src: Source) -> list[Candidate]:
    out: list[Candidate] = []
    for m in OCR_ICD_DOTTED.finditer(text):
        after = _description_after(text, m.end())
        if not after:
            continue
        said = set(re.findall(r"[a-z]{3,}", after.lower()))
        fits = []
        for letter in _LETTER_FOR.get(m.group(1), ""):
            code = va.icd10_valid(f"{letter}{m.group(2)}.{m.group(3)}", billable_only=True)
            desc = va.icd10_description(code) if code else None
            official = set(re.findall(r"[a-z]{3,}", desc.lower())) if desc else set()
            if official and len(said & official) >= max(2, (len(official) + 1) // 2):
                fits.append(code)
        if len(fits) == 1:
            out.append(_mk("diagnoses", fits[0], src, "strong", repaired=REPAIRED_CHECKED, description=after))
    return out
