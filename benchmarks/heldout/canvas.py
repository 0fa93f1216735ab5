"""Drawing helpers (PyMuPDF base-14 fonts) and the gold recorder: a layout records a value as it prints it.

Recording at print time keeps the rule "every gold value is printed; nothing unprinted is in gold".
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pymupdf
from people import Addr, Case, Cov, Person, Prov, city_line, fmt_date, fmt_phone, fmt_sex, full_name, icd_desc

FONT_SETS = [
    ("hebo", "helv"),
    ("tibo", "tiro"),
    ("cobo", "cour"),
    ("helv", "tiro"),
    ("hebo", "cour"),
    ("tibo", "helv"),
]
LETTER = (612, 792)


class Gold:
    """Gold of one referral: nested contract JSON built from dotted paths."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {"patient": {}}
        self.pages: set[int] = set()

    def put(self, path: str, value: Any) -> None:
        node: Any = self.data
        parts = path.split(".")
        for i, part in enumerate(parts[:-1]):
            nxt: Any = [] if parts[i + 1].isdigit() else {}
            if isinstance(node, list):
                idx = int(part)
                while len(node) <= idx:
                    node.append({})
                node = node[idx]
            else:
                node = node.setdefault(part, nxt)
        leaf = parts[-1]
        node[leaf] = {"value": value}

    def dx(self, code: str, with_desc: bool) -> None:
        entry: dict[str, Any] = {"code": {"value": code}}
        if with_desc:
            entry["description"] = {"value": icd_desc(code)}
        if all(d["code"]["value"] != code for d in self.data.setdefault("diagnoses", [])):
            self.data["diagnoses"].append(entry)

    def proc(self, code: str) -> None:
        if all(d["code"]["value"] != code for d in self.data.setdefault("procedures", [])):
            self.data["procedures"].append({"code": {"value": code}})

    def listed(self, name: str, value: str) -> None:
        items = self.data.setdefault(name, [])
        if all(v["value"] != value for v in items):
            items.append({"value": value})

    def referral(self) -> dict[str, Any]:
        return {"pages": sorted(self.pages), **self.data}


class Sheet:
    """One page plus the fonts and randomness of the document it belongs to."""

    def __init__(
        self, page: pymupdf.Page, rng: random.Random, fonts: tuple[str, str], gold: Gold | None
    ) -> None:
        self.page, self.rng, self.fonts = page, rng, fonts
        self.gold = gold
        if gold is not None:
            gold.pages.add(int(page.number or 0) + 1)

    def text(
        self, x: float, y: float, s: str, size: float = 10, font: str | None = None, bold: bool = False
    ) -> float:
        """Write `s` with its baseline at y; returns the x just after it."""
        fn = font or (self.fonts[0] if bold else self.fonts[1])
        self.page.insert_text((x, y), s, fontname=fn, fontsize=size)
        return x + pymupdf.get_text_length(s, fontname=fn, fontsize=size)

    def right(self, x1: float, y: float, s: str, size: float = 10, font: str | None = None) -> None:
        fn = font or self.fonts[1]
        self.text(x1 - pymupdf.get_text_length(s, fontname=fn, fontsize=size), y, s, size, fn)

    def wrap(
        self,
        x: float,
        y: float,
        width: float,
        s: str,
        size: float = 10,
        font: str | None = None,
        lead: float = 1.35,
    ) -> float:
        """Word-wrapped paragraph; returns the baseline after the last line."""
        fn = font or self.fonts[1]
        line = ""
        for word in s.split():
            cand = f"{line} {word}".strip()
            if pymupdf.get_text_length(cand, fontname=fn, fontsize=size) > width and line:
                self.page.insert_text((x, y), line, fontname=fn, fontsize=size)
                y += size * lead
                line = word
            else:
                line = cand
        if line:
            self.page.insert_text((x, y), line, fontname=fn, fontsize=size)
            y += size * lead
        return y

    def box(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.8, fill: Any = None) -> None:
        self.page.draw_rect((x0, y0, x1, y1), color=(0, 0, 0), fill=fill, width=width)

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.6) -> None:
        self.page.draw_line((x0, y0), (x1, y1), color=(0, 0, 0), width=width)

    def check(self, x: float, y: float, label: str, on: bool, size: float = 9) -> float:
        """A checkbox drawn as a square with an X when ticked, then its label."""
        self.box(x, y - size + 1, x + size, y + 1)
        if on:
            self.line(x + 1.5, y - size + 2.5, x + size - 1.5, y - 0.5, 1.1)
            self.line(x + 1.5, y - 0.5, x + size - 1.5, y - size + 2.5, 1.1)
        return self.text(x + size + 3, y, label, size)


# --- recording helpers: format a value, record its normalized form, return the printed text --------------


def rec_date(sh: Sheet, path: str, d: date, dob: bool = False) -> str:
    assert sh.gold is not None
    sh.gold.put(path, d.isoformat())
    return fmt_date(sh.rng, d, dob)


def rec_phone(sh: Sheet, path: str, p: str) -> str:
    assert sh.gold is not None
    sh.gold.put(path, p)
    return fmt_phone(sh.rng, p)


def rec_sex(sh: Sheet, p: Person) -> str:
    assert sh.gold is not None
    sh.gold.put("patient.sex", p.sex)
    return fmt_sex(sh.rng, p.sex)


def rec_name(sh: Sheet, prefix: str, p: Person | Prov, style: str) -> str:
    """Record first/middle/last (and suffix) of a person or provider; returns the printed name."""
    assert sh.gold is not None
    sh.gold.put(f"{prefix}.first_name", p.first)
    sh.gold.put(f"{prefix}.last_name", p.last)
    if isinstance(p, Person):
        if p.middle:
            sh.gold.put(f"{prefix}.middle_name", p.middle)
        if p.suffix:
            sh.gold.put(f"{prefix}.suffix", p.suffix)
    return full_name(p, style)


def rec_prov_name(sh: Sheet, prefix: str, p: Prov, style: str) -> str:
    """'Dr. First Last', 'Last, First MD' or 'First Last, NP'; credentials recorded only when printed."""
    assert sh.gold is not None
    sh.gold.put(f"{prefix}.first_name", p.first)
    sh.gold.put(f"{prefix}.last_name", p.last)
    if style == "dr" and p.cred in ("MD", "DO"):
        return f"Dr. {p.first} {p.last}"
    sh.gold.put(f"{prefix}.credentials", p.cred)
    if style == "last_first":
        return f"{p.last}, {p.first} {p.cred}"
    return f"{p.first} {p.last}, {p.cred}"


def rec_addr(sh: Sheet, prefix: str, a: Addr) -> tuple[str, str]:
    """(street line(s), city line) as printed; records line1/line2/city/state/postal_code."""
    assert sh.gold is not None
    sh.gold.put(f"{prefix}.line1", a.line1)
    street = a.line1
    if a.line2:
        sh.gold.put(f"{prefix}.line2", a.line2)
        street = f"{a.line1}, {a.line2}"
    sh.gold.put(f"{prefix}.city", a.city)
    sh.gold.put(f"{prefix}.state", a.state)
    sh.gold.put(f"{prefix}.postal_code", a.postal_code)
    return street, city_line(sh.rng, a)


def rec_member(sh: Sheet, cov: Cov, i: int = 0) -> str:
    assert sh.gold is not None
    sh.gold.put(f"insurance.{i}.member_id", cov.member_id.replace(" ", "").replace("-", "").upper())
    return cov.member_id


def rec(sh: Sheet, path: str, value: Any, printed: str | None = None) -> str:
    """Record a value printed as is (or as `printed`)."""
    assert sh.gold is not None
    sh.gold.put(path, value)
    return printed if printed is not None else str(value)


def rec_urgency(sh: Sheet, c: Case, words: dict[str, str]) -> str:
    assert sh.gold is not None
    sh.gold.put("urgency", c.urgency)
    return words[c.urgency]


def rec_auth(sh: Sheet, c: Case) -> str:
    assert sh.gold is not None and c.auth is not None
    sh.gold.put("authorization_number", c.auth.replace("-", "").upper())
    return c.auth


def rec_subscriber(sh: Sheet, cov: Cov) -> tuple[str, str] | None:
    """Subscriber name ('First Last') and relationship, when the subscriber is not the patient."""
    if cov.subscriber is None or cov.relationship is None:
        return None
    name = f"{cov.subscriber.first} {cov.subscriber.last}"
    rec(sh, "insurance.0.subscriber_name", name)
    rec(sh, "insurance.0.subscriber_relationship", cov.relationship)
    return name, cov.relationship


class Ctx:
    """The document being built: its pages' kinds, the referrals' gold and the shared randomness."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.doc: pymupdf.Document = pymupdf.open()  # type: ignore[no-untyped-call]  # PyMuPDF ships partial hints
        self.fonts = rng.choice(FONT_SETS)
        self.kinds: list[str] = []
        self.golds: list[Gold] = []

    def new_gold(self) -> Gold:
        g = Gold()
        self.golds.append(g)
        return g

    def page(self, kind: str, gold: Gold | None) -> Sheet:
        w, h = LETTER
        self.kinds.append(kind)
        return Sheet(self.doc.new_page(width=w, height=h), self.rng, self.fonts, gold)
