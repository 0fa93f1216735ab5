"""Normalizers: raw text from a page -> the contract's normalized forms (names, dates, sex, phones, addresses).

Each returns None when the text cannot be normalized; plausibility rules (a DOB not in the future nor more
than 130 years ago) live here so every extractor shares them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import phonenumbers
from nameparser import HumanName
from nameparser.config import Constants

from referral_intake.extraction.lexicon import ocr_closest, ocr_fold

# nameparser's default titles and suffixes hold real surnames ("King", "Cap", "Major"); titles and
# credentials are removed here before it runs, so it only needs the generational suffixes.
_NAME_CONSTANTS = Constants(
    titles=[],
    first_name_titles=[],
    suffix_acronyms=[],
    suffix_not_acronyms=["jr", "sr", "ii", "iii", "iv", "v"],
)

CREDENTIALS = frozenset(
    [
        "md",
        "do",
        "np",
        "pa",
        "pa-c",
        "fnp",
        "fnp-c",
        "fnp-bc",
        "dnp",
        "rn",
        "bsn",
        "msn",
        "aprn",
        "cnp",
        "crnp",
        "phd",
        "psyd",
        "mbbs",
        "mbchb",
        "dpm",
        "dc",
        "od",
        "pt",
        "dpt",
        "ot",
        "lcsw",
        "lpc",
        "mph",
        "ms",
        "mba",
        "facp",
        "facc",
        "faap",
        "facs",
        "facog",
        "facep",
        "faafp",
        "frcpc",
        "frcs",
        "dds",
        "dmd",
        "cnm",
        "crna",
        "agnp",
        "anp",
        "pmhnp",
        "ccc-slp",
        "slp",
        "rd",
        "ld",
        "ma",
        "lmft",
        "abpn",
        "faan",
        "scd",
        "mhs",
        "msc",
        # Nurse-practitioner certifications and fellowships seen on letterheads and signatures.
        "cpnp",
        "cpnp-pc",
        "cpnp-ac",
        "pnp",
        "nnp",
        "whnp",
        "whnp-bc",
        "acnp",
        "agacnp",
        "agpcnp",
        "anp-bc",
        "faha",
        "fccp",
        "facg",
        "fasn",
        "facr",
    ]
)
TITLES = frozenset(["dr", "doctor", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "madam"])
NOT_NAME_WORDS = frozenset(
    ["name", "referring", "referred", "patient", "provider", "physician", "member", "subscriber", "insured", "policy", "role", "type", "date", "dob", "phone", "fax", "npi", "address", "insurance", "plan", "hmo", "ppo", "medicare", "medicaid", "first", "last", "middle", "signature", "signed", "to", "from", "re", "attn", "attention", "clinic", "practice", "specialist", "consultant", "pcp", "doctor", "information", "none", "unknown", "n/a", "sheet", "face", "form", "report", "summary", "note", "notes", "request", "order", "details", "demographics", "data", "section", "page", "copy", "card", "cover", "referral", "consult", "consultation", "history", "record", "records", "chart", "visit", "encounter", "admission", "discharge"]
)  # fmt: skip
SUFFIXES = {"jr": "Jr", "sr": "Sr", "ii": "II", "iii": "III", "iv": "IV", "v": "V"}

STATES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA", "colorado": "CO",
    "connecticut": "CT", "delaware": "DE", "district of columbia": "DC", "florida": "FL", "georgia": "GA",
    "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA", "kansas": "KS",
    "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD", "massachusetts": "MA",
    "michigan": "MI", "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT",
    "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM",
    "new york": "NY", "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK",
    "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC", "south dakota": "SD",
    "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA",
    "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY", "puerto rico": "PR", "guam": "GU",
    "virgin islands": "VI", "american samoa": "AS", "northern mariana islands": "MP",
}  # fmt: skip
STATE_CODES = frozenset(STATES.values())

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip


def clean(text: str) -> str:
    """Collapse whitespace and strip separators that labels leave behind (dot leaders: "Phone ....: 555")."""
    t = re.sub(r"\s+", " ", text)
    t = re.sub(r"^[\s.:;,|_\u2026\u00b7]+", "", t)
    return t.strip(" \t:;,|_")


# Abbreviations whose final period is part of the value ("Main St.", "Acme Inc.", "Apt."); after any other
# word a period ending a value is sentence punctuation or a fax speck ("Northside Nephrology.").
_KEEP_PERIOD = frozenset(
    ["st", "ave", "av", "blvd", "rd", "dr", "ln", "ct", "pl", "pkwy", "hwy", "cir", "ter", "trl", "sq", "ste",
     "apt", "bldg", "fl", "rm", "inc", "corp", "co", "ltd", "llc", "pllc", "pc", "assoc", "assn", "bros", "jr",
     "sr", "md", "do", "dds", "phd", "mt", "ft", "hosp", "ctr", "dept", "univ", "intl", "natl", "svcs", "med"]
)  # fmt: skip


def drop_final_period(text: str) -> str:
    """ "Lakeshore Health Plan." -> "Lakeshore Health Plan"; "Acme Inc." and "J." keep their period."""
    t = clean(text).rstrip(";,")
    if not t.endswith(".") or t.endswith(".."):
        return t.rstrip(".") if t.endswith("..") else t
    last = t[:-1].rsplit(" ", 1)[-1]
    if len(last) == 1 or "." in last or last.lower() in _KEEP_PERIOD:
        return t  # an initial ("J."), a dotted abbreviation ("P.C."), a known abbreviation
    return t[:-1]


# ---------------------------------------------------------------- OCR slips

# What a fax + OCR reads in place of a digit, and of a letter. Used only as a second try, when the words as
# read fail a parser or validator and the repaired text passes it (a date, a Luhn-checked NPI, a phone).
_DIGIT_FOR = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "U": "0", "l": "1", "I": "1", "i": "1",
                            "|": "1", "!": "1", "L": "1", "j": "1", "S": "5", "s": "5", "B": "8", "Z": "2",
                            "z": "2", "G": "6", "b": "6", "g": "9", "q": "9", "T": "7"})  # fmt: skip
_LETTER_FOR = str.maketrans({"0": "o", "1": "l", "5": "s", "8": "B", "6": "b", "|": "l", "!": "l"})
_PIECE = re.compile(r"[0-9A-Za-z|!]+")


def ocr_digits(text: str) -> str:
    """ "2l8-555-O124" -> "218-555-0124": in runs of mostly digits, letters OCR reads for digits are put back.

    A run is a word's letters and digits between separators; it is repaired when at least two thirds of it
    are digits, so words ("Suite", "MD") never change. Commas between digit groups become dots
    ("512.555,0169").
    """
    out: list[str] = []
    for tok in text.split(" "):
        digits = sum(c.isdigit() for c in tok)
        alnum = sum(c.isalnum() or c in "|!" for c in tok)
        if digits >= 2 and digits * 3 >= 2 * alnum:
            tok = re.sub(r"(?<=\d),(?=\d)", ".", tok.translate(_DIGIT_FOR))
        out.append(tok)
    return " ".join(out)


def ocr_date_text(text: str) -> str:
    """ "26-0ct-2026" -> "26-oct-2026", "O3/O6/1965" -> "03/06/1965": each piece of a date repaired toward
    what it mostly is (a month name's letters, or digits)."""

    def fix(m: re.Match[str]) -> str:
        piece = m.group(0)
        digits = sum(c.isdigit() for c in piece)
        if digits and digits < len(piece) and len(piece) >= 3 and digits * 2 < len(piece):
            return piece.translate(_LETTER_FOR)  # a month name with a digit in it
        if digits and digits < len(piece):
            return piece.translate(_DIGIT_FOR)
        return piece

    # Specks no date holds ("Jun* 2, 1992", "03/0`6/1965") go first.
    return _PIECE.sub(fix, re.sub(r"[*`'\"~^°]", "", text))


_SPECK_GLUE = re.compile(r"(?<=[a-z]{2})\.(?=[A-Z][a-z])")  # "Oak Hollow.Family Medicine"
_SPECK_SPLIT = re.compile(r"(?<=[a-z]{3})\.(?=[a-z]\b)")  # "Specialist.s"
_SPECK_INNER = re.compile(r"\b([A-Za-z]{4,})\.(?= [A-Z][a-z])")  # "Molina. Healthcare"


def ocr_specks(text: str) -> str:
    """Periods a fax speck puts into a name of several words ("Molina. Healthcare", "Oak Hollow.Family
    Medicine", "Specialist.s") taken out; abbreviations ("St. Luke's", "Assoc. of") keep theirs. For the
    names of practices, payers, plans and specialties read by OCR, which hold no sentence."""
    t = _SPECK_SPLIT.sub("", _SPECK_GLUE.sub(" ", text))
    return _SPECK_INNER.sub(lambda m: m.group(0) if m.group(1).lower() in _KEEP_PERIOD else m.group(1), t)


_NAME_SPECK = re.compile(r"\b([A-Za-z]{3,})\.(?=,?\s+[A-Za-z])")


def ocr_name_specks(text: str) -> str:
    """ "HENRY. RUIZ. DO" -> "HENRY RUIZ DO": a speck read as a period after a word of a person's name;
    titles and abbreviations ("Prof.", "Jr.") keep theirs."""
    keep = TITLES | _KEEP_PERIOD | CREDENTIALS

    return _NAME_SPECK.sub(lambda m: m.group(0) if m.group(1).lower() in keep else m.group(1), text)


def ocr_repair_words(text: str, vocabulary: frozenset[str], edit_len: int = 6) -> tuple[str, bool]:
    """Words of an OCR'd value put back to the vocabulary word they misread ("Stonebridge Cardlology" ->
    "Stonebridge Cardiology"); the flag says whether anything changed. Case follows the word as read."""
    out: list[str] = []
    changed = False
    for tok in text.split(" "):
        core = tok.strip(".,;:()")
        fix = ocr_closest(core, vocabulary, edit_len) if core else None
        if fix is not None:
            fix = fix.upper() if core.isupper() else fix.capitalize() if core[:1].isupper() else fix
            tok = tok.replace(core, fix)
            changed = True
        out.append(tok)
    return " ".join(out), changed


# ---------------------------------------------------------------- names


@dataclass(frozen=True, slots=True)
class Name:
    first: str | None
    middle: str | None
    last: str | None
    suffix: str | None
    credentials: str | None


_AMBIGUOUS_CREDS = frozenset({"ms", "ma", "pa", "do", "ot", "pt", "rd", "ld", "md"})


def _cred_key(tok: str) -> str:
    return tok.strip(".,()").replace(".", "").lower()


def parse_name(text: str) -> Name | None:
    """Split a personal name; titles dropped, credentials (MD, FNP-C...) split off, particles kept in last.

    nameparser handles "LAST, FIRST M" and particles; credentials are removed first because nameparser would
    file them under `suffix`, mixing them with Jr/III which the contract keeps apart.
    """
    raw = clean(re.sub(r"[\"“”]", "", text))
    if " - " in raw:  # "Referral - Jane Doe": the name is the last dash-separated part
        raw = clean(raw.rsplit(" - ", 1)[1])
    raw = re.sub(r"\s*\((?:[^()]*)\)\s*$", "", raw)  # a trailing "(mother)" or "(self)"
    if not raw or len(raw) > 80 or not re.fullmatch(r"[A-Za-z][A-Za-z .,'\-]*", raw):
        return None
    # Tokens with the comma kept as its own token, so "Doe, Jane" and "Jane Doe, MD" both read.
    toks = [t for t in re.split(r"\s+|(,)", raw) if t]
    creds: list[str] = []
    # Credentials sit at the end: peel them off right to left while they look like credentials.
    while toks:
        t = toks[-1]
        key = _cred_key(t)
        if t == ",":
            toks.pop()
            continue
        words_left = sum(1 for x in toks if x != ",")
        if (
            key in CREDENTIALS
            and words_left > 2 - (1 if "," in toks else 0)
            and (key not in _AMBIGUOUS_CREDS or t.isupper() or (len(toks) > 1 and toks[-2] == ","))
        ):
            creds.insert(0, t.strip(".,()").upper().replace(".", "") if key != "phd" else "PhD")
            toks.pop()
            continue
        break
    while toks and _cred_key(toks[0]) in TITLES:
        toks.pop(0)
    body = " ".join(toks).replace(" ,", ",").strip(" ,")
    if not body or not re.search(r"[A-Za-z]", body):
        return None
    if any(t.lower().strip(".,:") in NOT_NAME_WORDS for t in body.split()):
        return None  # "Referring Kenneth Murphy", "Member Name Nakamura": label words, not a name
    hn = HumanName(body, constants=_NAME_CONSTANTS)
    suffix_raw = hn.suffix.replace(".", "").lower()
    suffix = SUFFIXES.get(suffix_raw) if suffix_raw else None
    first = hn.first.strip(".") or None
    last = hn.last.strip(",").rstrip(".") or None
    middle = hn.middle.strip() or None
    if suffix == "V" and middle is None and hn.suffix.strip() in ("V", "V."):
        suffix, middle = None, "V"  # "Ann V Moss" parses as a Roman numeral; a middle initial is likelier
    if middle and len(middle.rstrip(".")) == 1:
        middle = middle.rstrip(".")
    if last is None or first is None:
        return None
    cred_text = ", ".join(dict.fromkeys(creds)) or None
    return Name(first, middle, last, suffix, cred_text)


# ---------------------------------------------------------------- dates

_NUMERIC = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})$")
_MDY_WORDS = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_DMY_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/]*([A-Za-z]{3,9})\.?,?[\s\-/]+(\d{4})$")
_COMPACT = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
DATE_RE = re.compile(
    r"\b(?:\d{1,2}[/\-.]\d{1,2}[/\-.](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{1,2}[\s\-/]*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?[\s\-/]+\d{4})\b",
    re.IGNORECASE,
)


def find_date(text: str, *, kind: str = "any", today: date | None = None) -> date | None:
    """The first plausible date inside a longer value ("Feb 27, 2014 (12 yo F)")."""
    d = parse_date(text, kind=kind, today=today)
    if d is not None:
        return d
    for m in DATE_RE.finditer(text):
        d = parse_date(m.group(0), kind=kind, today=today)
        if d is not None:
            return d
    return None


def parse_date(text: str, *, kind: str = "any", today: date | None = None) -> date | None:
    """Read a US-style date; `kind` "dob" (past, within 130 years) or "recent" (within ~2 years of today).

    Two-digit years go to the century that makes the date plausible for its kind. dateutil was considered but
    guesses silently (it would accept "3" as a day); referral dates must fail loudly instead.
    """
    today = today or date.today()
    t = clean(text).replace(",", ", ").strip()
    t = re.sub(r"\s+", " ", t)
    y: int
    m: int
    d: int
    if mt := _NUMERIC.match(t):
        m, d, y = int(mt.group(1)), int(mt.group(2)), int(mt.group(3))
        if len(mt.group(3)) == 2:
            y = _century(y, kind, today)
    elif mt := _ISO.match(t):
        y, m, d = int(mt.group(1)), int(mt.group(2)), int(mt.group(3))
    elif mt := _MDY_WORDS.match(t):
        mon = MONTHS.get(mt.group(1)[:4].lower().rstrip(".")) or MONTHS.get(mt.group(1)[:3].lower())
        if mon is None:
            return None
        m, d, y = mon, int(mt.group(2)), int(mt.group(3))
    elif mt := _DMY_WORDS.match(t):
        mon = MONTHS.get(mt.group(2)[:3].lower())
        if mon is None:
            return None
        d, m, y = int(mt.group(1)), mon, int(mt.group(3))
    elif mt := _COMPACT.match(t):
        m, d, y = int(mt.group(1)), int(mt.group(2)), int(mt.group(3))
    else:
        return None
    try:
        value = date(y, m, d)
    except ValueError:
        return None
    return value if plausible_date(value, kind, today) else None


def _century(yy: int, kind: str, today: date) -> int:
    y = 2000 + yy
    if kind == "dob" and y > today.year:
        y -= 100
    return y


def plausible_date(value: date, kind: str, today: date) -> bool:
    if kind == "dob":
        return value <= today and value.year > today.year - 130
    if kind == "recent":
        return abs((value - today).days) <= 3 * 366
    return 1850 < value.year < today.year + 20


# ---------------------------------------------------------------- sex, phone, state, zip, ids

_SEX = {
    "f": "F", "female": "F", "woman": "F", "fem": "F", "m": "M", "male": "M", "man": "M",
    "x": "X", "non-binary": "X", "nonbinary": "X", "other": "X", "nb": "X",
    "u": "U", "unknown": "U", "unk": "U", "not specified": "U", "undisclosed": "U",
    "lady": "F", "gentleman": "M", "girl": "F", "boy": "M", "non binary": "X", "intersex": "X",
    # Courtesy titles, as prose uses them of the patient ("Mrs. Jane Doe, DOB ...").
    "mr": "M", "mrs": "F", "ms": "F", "miss": "F",
}  # fmt: skip


def parse_sex(text: str) -> str | None:
    t = clean(text).lower().strip(".() ")
    return _SEX.get(t)


# Sex words long enough that one OCR slip leaves them recognisable ("Matle", "Femaie"); F/M/X/U are not.
_SEX_WORDS = {"male": "M", "female": "F", "unknown": "U", "nonbinary": "X", "non-binary": "X"}


def ocr_sex(text: str) -> str | None:
    """The sex word OCR misread ("Matle", "Maie"): one word alike once the letters OCR confuses are folded,
    allowing one more slip from five letters; None when no word or two words fit."""
    from rapidfuzz.distance import Levenshtein

    t = clean(text).lower().strip(".() ")
    if len(t) < 4 or not re.fullmatch(r"[a-z1|\-]+", t):
        return None
    slips = 0 if len(t) < 5 else 1  # beyond the letters OCR confuses, one more slip in five letters or more
    hits = {v for w, v in _SEX_WORDS.items() if Levenshtein.distance(ocr_fold(t), ocr_fold(w)) <= slips}
    return hits.pop() if len(hits) == 1 else None


def parse_phone(text: str) -> str | None:
    """NANP numbers -> 10 digits; others -> E.164. Extensions are dropped (the contract has no slot)."""
    t = re.sub(r"(?i)\b(ext|x)\.?\s*\d+$", "", clean(text)).strip()
    digits = re.sub(r"\D", "", t)
    if len(digits) < 10 or len(digits) > 15:
        return None
    try:
        num = phonenumbers.parse(t, "US")
    except phonenumbers.NumberParseException:
        return None
    if num.country_code == 1:
        national = str(num.national_number)
        if len(national) != 10 or national[0] in "01" or national[3] in "01":
            return None
        return national
    if not phonenumbers.is_possible_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


# "225/555-0139": an older way of setting off the area code, still printed on letterheads.
PHONE_RE = re.compile(r"(?:\+?1[\s.\-]?)?\(?\b\d{3}\)?[\s.\-/]?\d{3}[\s.\-]?\d{4}\b")


def parse_state(text: str) -> str | None:
    t = clean(text).replace(".", "")
    if t.upper() in STATE_CODES:
        return t.upper()
    return STATES.get(t.lower())


def parse_zip(text: str) -> str | None:
    m = re.fullmatch(r"(\d{5})(?:\s*-\s*\d{4})?", clean(text).rstrip("."))
    return m.group(1) if m else None


def normalize_id(text: str) -> str | None:
    """Member id, group number, MRN, authorization number: upper case, spaces and dashes removed."""
    t = re.sub(r"[\s\-]", "", clean(text)).upper().strip("#.")
    if not t or len(t) > 30 or not re.fullmatch(r"[A-Z0-9*/.]+", t):
        return None
    return t


# ---------------------------------------------------------------- addresses


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    line1: str | None
    line2: str | None
    city: str | None
    state: str | None
    postal_code: str | None


_LINE2_TAGS = ("OccupancyType", "OccupancyIdentifier", "SubaddressType", "SubaddressIdentifier")
_SKIP_TAGS = ("Recipient", "NotAddress")


def parse_address(text: str) -> ParsedAddress | None:
    """Split a one- or two-line US address with usaddress (a CRF tagger), then normalize state and ZIP."""
    import usaddress

    t = clean(text)
    if not t:
        return None
    try:
        tagged = usaddress.parse(t)
    except Exception:  # usaddress raises on odd input; treat as unparseable
        return None
    line1: list[str] = []
    line2: list[str] = []
    city: list[str] = []
    state_words: list[str] = []
    state = zip_ = None
    for tok, tag in tagged:
        tok_c = tok.strip(",;")
        if not tok_c:
            continue
        if tag == "PlaceName":
            city.append(tok_c)
        elif tag == "StateName":
            state_words.append(tok_c)  # "North Dakota" comes as two tokens
            state = parse_state(" ".join(state_words)) or parse_state(tok_c) or state
        elif tag == "ZipCode":
            zip_ = parse_zip(tok_c)
        elif tag in _LINE2_TAGS:
            line2.append(tok_c)
        elif tag in _SKIP_TAGS or tag == "ZipPlus4":
            continue
        else:
            line1.append(tok_c)
    if not (line1 or city):
        return None
    return ParsedAddress(
        drop_final_period(" ".join(line1)) or None,
        drop_final_period(" ".join(line2)) or None,
        " ".join(city).rstrip(".") or None,
        state,
        zip_,
    )


def parse_city_state_zip(text: str) -> tuple[str | None, str | None, str | None] | None:
    """'Austin, TX 78701-1234' -> ('Austin', 'TX', '78701'); the common second line of an address."""
    m = re.fullmatch(
        r"(.+?)[,\s]+([A-Za-z]{2}|[A-Za-z][a-z]+(?: [A-Za-z][a-z]+)?)\.?\s+(\d{5}(?:-\d{4})?)", clean(text)
    )
    if not m or not re.fullmatch(r"[A-Za-z][A-Za-z .'\-]{0,40}", m.group(1).strip()):
        return None
    state = parse_state(m.group(2))
    if state is None:
        return None
    return clean(m.group(1)).rstrip("."), state, parse_zip(m.group(3))


def display_name(text: str) -> str | None:
    """A person's name as "First [Middle] Last [Suffix]" (subscriber names), credentials and titles dropped."""
    n = parse_name(text)
    if n is None:
        return None
    return " ".join(p for p in (n.first, n.middle, n.last, n.suffix) if p)
