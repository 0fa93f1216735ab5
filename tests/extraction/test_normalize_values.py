"""Normalizers: names (credentials split off), dates with plausibility, sex, phones, addresses, ids."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral_intake.extraction import normalize as nz

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "first", "middle", "last", "suffix", "creds"),
    [
        ("Dr. Jane Q. van der Berg, MD, FACP", "Jane", "Q", "van der Berg", None, "MD, FACP"),
        ("DOE, JANE Q", "JANE", "Q", "DOE", None, None),
        ("Robert Chen, PA-C", "Robert", None, "Chen", None, "PA-C"),
        ("Maria Garcia-Lopez DO", "Maria", None, "Garcia-Lopez", None, "DO"),
        ("Sam O'Neil III", "Sam", None, "O'Neil", "III", None),
        ("Mrs. Jane Q. Doe", "Jane", "Q", "Doe", None, None),
        ("Alan Ma", "Alan", None, "Ma", None, None),  # a surname that is also a credential stays a surname
        ("Referral - Sarah Deborah Anderson, III", "Sarah", "Deborah", "Anderson", "III", None),
    ],
)
def test_parse_name(
    text: str, first: str, middle: str | None, last: str, suffix: str | None, creds: str | None
) -> None:
    n = nz.parse_name(text)
    assert n is not None
    assert (n.first, n.middle, n.last, n.suffix, n.credentials) == (first, middle, last, suffix, creds)


@pytest.mark.parametrize("text", ["", "12345", "[ ] Urgent [X] Routine", "Phone: 555"])
def test_parse_name_rejects_non_names(text: str) -> None:
    assert nz.parse_name(text) is None


_NAME_PART = st.from_regex(r"[A-Z][a-z]{2,10}", fullmatch=True).filter(
    lambda s: s.lower() not in nz.CREDENTIALS | nz.TITLES and s.lower() not in nz.SUFFIXES
)


@given(_NAME_PART, _NAME_PART)
def test_first_last_round_trip(first: str, last: str) -> None:
    for text in (f"{first} {last}", f"{last}, {first}", f"{first} {last}, MD"):
        n = nz.parse_name(text)
        assert n is not None and (n.first, n.last) == (first, last)


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("3/4/1955", "dob", "1955-03-04"),
        ("03-04-55", "dob", "1955-03-04"),
        ("03/04/20", "dob", "2020-03-04"),
        ("March 4, 1955", "any", "1955-03-04"),
        ("4 Mar 1955", "any", "1955-03-04"),
        ("31-May-1965", "dob", "1965-05-31"),
        ("1955-03-04", "any", "1955-03-04"),
        ("13/13/2000", "any", None),
        ("02/30/2001", "any", None),
    ],
)
def test_parse_date(text: str, kind: str, expected: str | None) -> None:
    d = nz.parse_date(text, kind=kind, today=TODAY)
    assert (d.isoformat() if d else None) == expected


def test_dob_plausibility() -> None:
    assert nz.parse_date("12/01/2026", kind="dob", today=TODAY) is None  # future
    assert nz.parse_date("01/01/1890", kind="dob", today=TODAY) is None  # more than 130 years ago
    assert nz.parse_date("11/24/2026", kind="dob", today=TODAY) is not None
    assert nz.parse_date("01/01/2019", kind="recent", today=TODAY) is None  # a referral dated 8 years ago
    assert nz.find_date("Feb 27, 2014 (12 yo F)", kind="dob", today=TODAY) == date(2014, 2, 27)


@given(st.dates(min_value=TODAY - timedelta(days=365 * 129), max_value=TODAY))
def test_dob_formats_round_trip(d: date) -> None:
    for text in (
        f"{d.month}/{d.day}/{d.year}",
        f"{d.month:02d}-{d.day:02d}-{d.year}",
        d.isoformat(),
        d.strftime("%B %d, %Y"),
        d.strftime("%d %b %Y"),
    ):
        assert nz.parse_date(text, kind="dob", today=TODAY) == d, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("F", "F"), ("female", "F"), ("Male", "M"), ("non-binary", "X"), ("Unknown", "U"), ("Q", None)],
)
def test_parse_sex(text: str, expected: str | None) -> None:
    assert nz.parse_sex(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(512) 555-0143", "5125550143"),
        ("512.555.0143 ext 12", "5125550143"),
        ("+1 512 555 0143", "5125550143"),
        ("+44 20 7946 0958", "+442079460958"),
        ("555-0143", None),
        ("(012) 555-0143", None),
    ],
)
def test_parse_phone(text: str, expected: str | None) -> None:
    assert nz.parse_phone(text) == expected


def test_parse_address_and_city_line() -> None:
    a = nz.parse_address("4501 N. Lamar Blvd, Suite 200, Austin, Texas 78756-1234")
    assert a is not None
    assert (a.line1, a.line2, a.city, a.state, a.postal_code) == (
        "4501 N. Lamar Blvd",
        "Suite 200",
        "Austin",
        "TX",
        "78756",
    )
    assert nz.parse_city_state_zip("San Antonio TX 78201") == ("San Antonio", "TX", "78201")
    assert nz.parse_city_state_zip("2985 E Forest Place, Dayton, OH 45402") is None  # a street is not a city


def test_state_zip_and_ids() -> None:
    assert nz.parse_state("new mexico") == "NM"
    assert nz.parse_state("tx") == "TX"
    assert nz.parse_state("Texass") is None
    assert nz.parse_zip("78701-1234") == "78701"
    assert nz.normalize_id(" xw-5531 88 ") == "XW553188"
