"""A synthetic EHR patient population, and drawing referral patients from it with real-world drift.

Drift is what makes matching hard: typos, nicknames (Bill for William), moves, married-name changes, and
twins who share a birth date and an address.
"""

from __future__ import annotations

import copy
import csv
import random
from dataclasses import dataclass
from pathlib import Path

from referral_intake.ehr.protocol import EHR_CSV_COLUMNS as CSV_COLUMNS
from referral_intake.synth.people import (
    CITIES,
    F_NAMES,
    LAST_NAMES,
    M_NAMES,
    NICKNAMES,
    Person,
    address,
    person,
    phone,
)


@dataclass
class EhrPatient:
    id: str
    mrn: str
    person: Person


def population(seed: int, size: int = 3000) -> list[EhrPatient]:
    """`size` patients; about 2% are twin pairs (same DOB, address and last name, different first names)."""
    rng = random.Random(f"{seed}:ehr")
    out: list[EhrPatient] = []
    while len(out) < size:
        p = person(rng)
        out.append(EhrPatient("", "", p))
        if rng.random() < 0.01 and len(out) < size:  # twins
            twin = copy.deepcopy(p)
            twin.sex = rng.choice("FM")
            pool = F_NAMES if twin.sex == "F" else M_NAMES
            twin.first = rng.choice([n for n in pool if n != p.first and n[0] == p.first[0]] or pool)
            twin.middle = rng.choice(pool) if rng.random() < 0.5 else None
            twin.email = None
            out.append(EhrPatient("", "", twin))
        elif rng.random() < 0.03 and len(out) < size:  # a household member: same address and last name
            other = person(rng)
            other.last, other.addr, other.phone = p.last, p.addr, p.phone
            out.append(EhrPatient("", "", other))
    rng.shuffle(out)
    for i, e in enumerate(out):
        e.id = f"P{i + 1:06d}"
        e.mrn = f"{rng.randint(1, 9)}{rng.randint(0, 9999999):07d}"
    return out


def write_csv(patients: list[EhrPatient], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        for e in patients:
            p, a = e.person, e.person.addr
            w.writerow(
                (
                    e.id,
                    e.mrn,
                    p.first,
                    p.middle or "",
                    p.last,
                    p.dob.isoformat(),
                    p.sex,
                    a.line1 if a else "",
                    (a.line2 or "") if a else "",
                    a.city if a else "",
                    a.state if a else "",
                    a.zip5 if a else "",
                    p.phone or "",
                    p.email or "",
                )
            )


def _typo(rng: random.Random, s: str) -> str:
    if len(s) < 4:
        return s
    i = rng.randint(1, len(s) - 2)
    kind = rng.choice(("swap", "drop", "double", "sub"))
    if kind == "swap":
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    if kind == "drop":
        return s[:i] + s[i + 1 :]
    if kind == "double":
        return s[:i] + s[i] + s[i:]
    return s[:i] + rng.choice("aeiourn") + s[i + 1 :]


def draw(rng: random.Random, patients: list[EhrPatient]) -> tuple[Person, str, list[str]]:
    """An existing patient as a referral would present them: a copy, perhaps drifted from the EHR record."""
    e = rng.choice(patients)
    p = copy.deepcopy(e.person)
    p.mrn = None
    drift: list[str] = []
    if rng.random() < 0.45:
        for kind in rng.sample(("typo", "nickname", "moved", "married", "phone"), rng.choice((1, 1, 2))):
            if kind == "typo":
                if rng.random() < 0.6:
                    p.last = _typo(rng, p.last)
                else:
                    p.first = _typo(rng, p.first)
            elif kind == "nickname" and p.first in NICKNAMES:
                p.first = rng.choice(NICKNAMES[p.first])
            elif kind == "moved":
                city = (
                    rng.choice(CITIES)
                    if rng.random() < 0.3
                    else next((c for c in CITIES if p.addr and c[0] == p.addr.city), rng.choice(CITIES))
                )
                p.addr = address(rng, city)
                p.phone = phone(rng, city[2]) if rng.random() < 0.5 else p.phone
            elif kind == "married" and p.sex == "F":
                p.last = rng.choice(LAST_NAMES)
            elif kind == "phone":
                p.phone = phone(rng)
            else:
                continue
            drift.append(kind)
    return p, e.id, drift
