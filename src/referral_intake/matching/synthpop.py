"""A synthetic EHR population with known duplicates, twins and perturbations (tests, default model, bench).

People come from referral_intake.synth.people (invented names, 555-01xx phones). Perturbations are the ones
faxed referrals show: typos, nicknames, transposed day/month, one wrong DOB digit, married names, moves,
and thin records (name, DOB and sex only).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from referral_intake.ehr.protocol import PatientRecord
from referral_intake.synth.people import NICKNAMES, person

PERTURBATIONS = (
    "typo_first",
    "typo_last",
    "nickname",
    "dob_swap",
    "dob_digit",
    "married",
    "moved",
    "no_contact",
)


def _record(pid: str, rng: random.Random) -> PatientRecord:
    p = person(rng)
    a = p.addr
    return PatientRecord(
        id=pid,
        mrn=f"M{rng.randint(10**6, 10**7 - 1)}",
        first_name=p.first,
        middle_name=p.middle,
        last_name=p.last,
        date_of_birth=p.dob,
        sex=p.sex,
        address_line1=a.line1 if a else None,
        address_line2=a.line2 if a else None,
        city=a.city if a else None,
        state=a.state if a else None,
        postal_code=a.zip5 if a else None,
        phone=p.phone,
        email=p.email,
    )


def typo(word: str, rng: random.Random) -> str:
    """One keying error: substitution, deletion, insertion or adjacent transposition (not on the 1st letter)."""
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("sub", "del", "ins", "swap"))
    letter = rng.choice("aeioulnrst")
    if kind == "sub":
        return word[:i] + letter + word[i + 1 :]
    if kind == "del":
        return word[:i] + word[i + 1 :]
    if kind == "ins":
        return word[:i] + letter + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def perturb(rec: PatientRecord, kind: str, rng: random.Random) -> PatientRecord:
    dob = rec.date_of_birth
    if kind == "typo_first" and rec.first_name:
        return replace(rec, first_name=typo(rec.first_name, rng))
    if kind == "typo_last" and rec.last_name:
        return replace(rec, last_name=typo(rec.last_name, rng))
    if kind == "nickname" and rec.first_name in NICKNAMES:
        return replace(rec, first_name=rng.choice(NICKNAMES[rec.first_name]))
    if kind == "dob_swap" and dob and dob.day <= 12 and dob.day != dob.month:
        return replace(rec, date_of_birth=date(dob.year, dob.day, dob.month))
    if kind == "dob_digit" and dob:
        for _ in range(10):
            shifted = dob + timedelta(days=rng.choice((1, 2, 3, -1, -2, -3)))
            if shifted.month == dob.month and shifted.year == dob.year:
                return replace(rec, date_of_birth=shifted)
    if kind == "married" and rec.sex == "F":
        return replace(
            rec, last_name=rng.choice(("Okafor", "Lindqvist", "Whitfield", "Haddad", "Nakamura")), email=None
        )
    if kind == "moved":
        other = _record("x", rng)
        return replace(
            rec,
            address_line1=other.address_line1,
            address_line2=None,
            city=other.city,
            state=other.state,
            postal_code=other.postal_code,
            phone=other.phone,
        )
    if kind == "no_contact":
        return thin(rec)
    return rec


def thin(rec: PatientRecord) -> PatientRecord:
    """Name, DOB and sex only: what a sparse fax cover sheet gives."""
    return PatientRecord(
        id=rec.id,
        first_name=rec.first_name,
        last_name=rec.last_name,
        date_of_birth=rec.date_of_birth,
        sex=rec.sex,
    )


def twin_of(rec: PatientRecord, pid: str, rng: random.Random) -> PatientRecord:
    """Same DOB, surname, address and phone; a different first name (and MRN)."""
    other = _record("x", rng)
    first = other.first_name
    while first == rec.first_name or (first or "")[:1] == (rec.first_name or "")[:1]:
        first = _record("x", rng).first_name
    return replace(
        rec,
        id=pid,
        first_name=first,
        middle_name=other.middle_name,
        sex=other.sex,
        mrn=f"M{rng.randint(10**6, 10**7 - 1)}",
        email=None,
    )


def population(
    n: int, seed: int = 11, duplicate_rate: float = 0.04, twin_rate: float = 0.01
) -> tuple[list[PatientRecord], list[tuple[str, str]]]:
    """`n` distinct charts plus duplicate charts (perturbed copies) and twins; returns charts and true pairs."""
    rng = random.Random(seed)
    charts = [_record(f"E{i:07d}", rng) for i in range(n)]
    pairs: list[tuple[str, str]] = []
    extra: list[PatientRecord] = []
    for i, rec in enumerate(charts):
        if rng.random() < twin_rate:
            extra.append(twin_of(rec, f"T{i:07d}", rng))
        if rng.random() < duplicate_rate:
            dup = rec
            for kind in rng.sample(PERTURBATIONS, rng.choice((1, 1, 2))):
                dup = perturb(dup, kind, rng)
            dup = replace(dup, id=f"D{i:07d}", mrn=f"M{rng.randint(10**6, 10**7 - 1)}")
            extra.append(dup)
            pairs.append((rec.id, dup.id))
    return charts + extra, pairs
