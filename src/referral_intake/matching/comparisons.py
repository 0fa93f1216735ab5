"""Comparison levels per attribute, Fellegi-Sunter style: each compares two people and names a level.

Levels are ordered from strongest agreement to "different"; `None` means one side does not know the value
(no evidence either way). The m/u probabilities of each level live in the model (model.py), not here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from nicknames import NickNamer
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from referral_intake.matching.normalize import Person, swapped_dob

_NICKNAMES: NickNamer | None = None


def _nicknamer() -> NickNamer:
    global _NICKNAMES
    if _NICKNAMES is None:
        _NICKNAMES = NickNamer()  # loads the CSV shipped inside the `nicknames` wheel (no network)
    return _NICKNAMES


@lru_cache(maxsize=32768)
def _name_family(name: str) -> frozenset[str]:
    """The name, its canonical forms and its nicknames (Bill -> {bill, william, will, billy, ...})."""
    nn = _nicknamer()
    canon = set(nn.canonicals_of(name)) | {name}
    return frozenset(canon | nn.nicknames_of(name))


@lru_cache(maxsize=65536)
def nickname_equivalent(a: str, b: str) -> bool:
    """Bill ~ William ~ Billy, Peggy ~ Margaret: from the nicknames package's curated list."""
    if not a or not b:
        return False
    nn = _nicknamer()
    if b in _name_family(a) or a in _name_family(b):
        return True
    ca = set(nn.canonicals_of(a)) | {a}
    cb = set(nn.canonicals_of(b)) | {b}
    return bool(ca & cb)


def _close(a: str, b: str) -> bool:
    """One typo: Jaro-Winkler >= 0.92, or one edit (incl. a transposition) on names of 4+ letters."""
    if JaroWinkler.similarity(a, b) >= 0.92:
        return True
    return min(len(a), len(b)) >= 4 and DamerauLevenshtein.distance(a, b) <= 1


def _first_token(name: str) -> str:
    return name.split(" ", 1)[0]


def first_name_level(a: Person, b: Person) -> int | None:
    if not a.first or not b.first:
        return None
    fa, fb = a.first.replace(" ", ""), b.first.replace(" ", "")
    if fa == fb:
        return 0
    if nickname_equivalent(_first_token(a.first), _first_token(b.first)):
        return 1
    if _close(fa, fb):
        return 2
    if JaroWinkler.similarity(fa, fb) >= 0.80:
        return 3
    ta, tb = _first_token(a.first), _first_token(b.first)
    initial = (len(ta) == 1 or len(tb) == 1) and ta[0] == tb[0]
    by_middle = (a.middle and _first_token(a.middle) == tb) or (b.middle and _first_token(b.middle) == ta)
    if initial or by_middle or ta == tb:
        return 4
    if a.last and b.last and _close(fa, b.last.replace(" ", "")) and _close(a.last.replace(" ", ""), fb):
        return 5
    return 6


FIRST_LABELS = (
    "exact",
    "nickname (e.g. Bill/William)",
    "one typo",
    "similar",
    "initial, middle name or first part",
    "first and last name swapped",
    "different",
)


def last_name_level(a: Person, b: Person) -> int | None:
    if not a.last or not b.last:
        return None
    la, lb = a.last.replace(" ", ""), b.last.replace(" ", "")
    if la == lb:
        return 0
    if _close(la, lb):
        return 1
    if JaroWinkler.similarity(la, lb) >= 0.80:
        return 2
    parts_a, parts_b = set(a.last.split(" ")), set(b.last.split(" "))
    shared = {p for p in parts_a & parts_b if len(p) >= 2}
    if shared or (min(len(la), len(lb)) >= 4 and (la in lb or lb in la)):
        return 3
    if a.first and b.first and _close(la, b.first.replace(" ", "")) and _close(a.first.replace(" ", ""), lb):
        return 4
    return 5


LAST_LABELS = (
    "exact",
    "one typo",
    "similar",
    "shares a part (hyphenated or married name)",
    "first and last name swapped",
    "different",
)


def middle_name_level(a: Person, b: Person) -> int | None:
    if not a.middle or not b.middle:
        return None
    ma, mb = _first_token(a.middle), _first_token(b.middle)
    if ma == mb or _close(ma, mb) or nickname_equivalent(ma, mb):
        return 0
    if (len(ma) == 1 or len(mb) == 1) and ma[0] == mb[0]:
        return 1
    return 2


MIDDLE_LABELS = ("same", "initial agrees", "different")


def _digits(d: object) -> str:
    return f"{d:%Y%m%d}"


def dob_level(a: Person, b: Person) -> int | None:
    if a.dob is None or b.dob is None:
        return None
    if a.dob == b.dob:
        return 0
    if swapped_dob(a.dob) == b.dob:
        return 1
    da, db = _digits(a.dob), _digits(b.dob)
    if sum(x != y for x, y in zip(da, db, strict=True)) == 1:
        return 2
    same = (a.dob.year == b.dob.year) + (a.dob.month == b.dob.month) + (a.dob.day == b.dob.day)
    if same == 2:
        return 3
    return 4


DOB_LABELS = (
    "exact",
    "day and month transposed",
    "one digit differs",
    "two of year/month/day agree",
    "different",
)


def sex_level(a: Person, b: Person) -> int | None:
    if not a.sex or not b.sex:
        return None
    return 0 if a.sex == b.sex else 1


SEX_LABELS = ("same", "different")


def address_level(a: Person, b: Person) -> int | None:
    if a.street and b.street:
        if a.street == b.street:
            return 0
        num_a, num_b = _first_token(a.street), _first_token(b.street)
        if num_a == num_b and JaroWinkler.similarity(a.street, b.street) >= 0.88:
            return 1
    if a.postal and b.postal and a.postal == b.postal:
        return 2
    if a.city and b.city and a.city == b.city and a.state == b.state:
        return 3
    if (a.street and b.street) or (a.postal and b.postal) or (a.city and b.city):
        return 4
    return None


ADDRESS_LABELS = ("same street address", "similar street address", "same ZIP code", "same city", "different")


def phone_level(a: Person, b: Person) -> int | None:
    if not a.phone or not b.phone:
        return None
    if a.phone == b.phone:
        return 0
    if a.phone[-7:] == b.phone[-7:]:
        return 1
    return 2


PHONE_LABELS = ("same", "same number, other area code", "different")


def email_level(a: Person, b: Person) -> int | None:
    if not a.email or not b.email:
        return None
    if a.email == b.email:
        return 0
    # Only the same mailbox name at another domain: addresses built from the name ("mary.smith40@...")
    # look alike for every Mary Smith, so string similarity would count the name twice.
    if a.email.split("@", 1)[0] == b.email.split("@", 1)[0]:
        return 1
    return 2


EMAIL_LABELS = ("same", "same mailbox name, other domain", "different")


def mrn_level(a: Person, b: Person) -> int | None:
    if not a.mrn or not b.mrn:
        return None
    return 0 if a.mrn == b.mrn else 1


MRN_LABELS = ("same", "different (no evidence: another practice's number or a second chart)")


def ssn_level(a: Person, b: Person) -> int | None:
    if not a.ssn or not b.ssn:
        return None
    if a.ssn == b.ssn:
        return 0
    if DamerauLevenshtein.distance(a.ssn, b.ssn) <= 1:
        return 1
    return 2


SSN_LABELS = ("same", "one typo", "different")


@dataclass(frozen=True, slots=True)
class Comparison:
    """One attribute: how to compare it, its level labels, expert prior m values, and levels without evidence."""

    name: str
    labels: tuple[str, ...]
    prior_m: tuple[float, ...]
    level: Callable[[Person, Person], int | None]
    neutral: frozenset[int] = frozenset()


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("first_name", FIRST_LABELS, (0.86, 0.04, 0.04, 0.015, 0.015, 0.01, 0.02), first_name_level),
    Comparison("last_name", LAST_LABELS, (0.86, 0.04, 0.015, 0.02, 0.01, 0.055), last_name_level),
    Comparison("middle_name", MIDDLE_LABELS, (0.85, 0.1, 0.05), middle_name_level),
    Comparison("date_of_birth", DOB_LABELS, (0.92, 0.015, 0.035, 0.015, 0.015), dob_level),
    Comparison("sex", SEX_LABELS, (0.98, 0.02), sex_level),
    Comparison("address", ADDRESS_LABELS, (0.72, 0.05, 0.05, 0.04, 0.14), address_level),
    Comparison("phone", PHONE_LABELS, (0.75, 0.03, 0.22), phone_level),
    Comparison("email", EMAIL_LABELS, (0.8, 0.05, 0.15), email_level),
    Comparison("mrn", MRN_LABELS, (0.5, 0.5), mrn_level, neutral=frozenset({1})),
    Comparison("ssn", SSN_LABELS, (0.94, 0.04, 0.02), ssn_level),
)
BY_NAME = {c.name: c for c in COMPARISONS}


def compare(a: Person, b: Person) -> list[int]:
    """The comparison vector of a pair: one level per attribute, -1 where a side lacks the value."""
    out: list[int] = []
    for c in COMPARISONS:
        level = c.level(a, b)
        out.append(-1 if level is None else level)
    return out
