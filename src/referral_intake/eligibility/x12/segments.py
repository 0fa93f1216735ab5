"""X12 tokenizing: delimiters from the ISA header, segments as element lists, and safe element values.

Hand-written (about 60 lines): pyx12 has only 4010 maps for 270/271 and linuxforhealth-x12 needs pydantic 1,
which cannot share this process; an X12 split on known delimiters is small enough to own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from referral_intake.errors import X12Error


@dataclass(frozen=True, slots=True)
class Delimiters:
    element: str = "*"
    repetition: str = "^"
    component: str = ":"
    segment: str = "~"


DEFAULT = Delimiters()


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment: `tag` (e.g. "EB") and its elements; element(1) is the first after the tag."""

    tag: str
    elements: tuple[str, ...]

    def element(self, position: int) -> str:
        """The element at its X12 position (EB01 -> 1); "" when absent."""
        return self.elements[position - 1] if 0 < position <= len(self.elements) else ""


def tokenize(text: str) -> tuple[Delimiters, list[Segment]]:
    """Split an interchange into segments, reading the delimiters from its fixed-width ISA header."""
    start = text.find("ISA")
    if start < 0 or len(text) < start + 106:
        raise X12Error("not an X12 interchange: no ISA header found; give the raw 271 file")
    isa = text[start : start + 106]
    element = isa[3]
    fields = isa.split(element)
    if len(fields) < 17 or len(fields[16]) < 2:
        raise X12Error(
            "malformed ISA header: expected 16 elements; the file is not a complete X12 interchange"
        )
    repetition = fields[11] if len(fields[11]) == 1 and fields[12] >= "00501" else "^"
    delims = Delimiters(
        element=element, repetition=repetition, component=fields[16][0], segment=fields[16][1]
    )
    segments: list[Segment] = []
    for raw in text[start:].split(delims.segment):
        raw = raw.strip("\r\n\t ")
        if not raw:
            continue
        parts = raw.split(element)
        segments.append(Segment(tag=parts[0].upper(), elements=tuple(parts[1:])))
    return delims, segments


_UNSAFE = re.compile(r"[^A-Z0-9 !\"&'()+,\-./;?=%@\[\]_{}\\|<>#$]")


def clean(value: object, max_length: int | None = None) -> str:
    """An element value safe inside our delimiters: upper case, basic character set, trimmed.

    Delimiter characters (* ~ : ^) in names or ids would corrupt the interchange, so they are dropped.
    """
    text = _UNSAFE.sub("", str(value).upper().replace("\n", " ")).strip()
    text = re.sub(r"\s{2,}", " ", text)
    return text[:max_length] if max_length else text


def render(segments: list[list[str]], delims: Delimiters = DEFAULT, newlines: bool = False) -> str:
    """Join segments (tag first), trailing empty elements dropped; `newlines` puts one segment per line."""
    out: list[str] = []
    for seg in segments:
        items = list(seg)
        while len(items) > 1 and items[-1] == "":
            items.pop()
        out.append(delims.element.join(items) + delims.segment)
    return "\n".join(out) + "\n" if newlines else "".join(out)
