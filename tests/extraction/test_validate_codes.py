"""Validators: NPI Luhn with the 80840 prefix, ICD-10-CM against the real code set, CPT/HCPCS shape, urgency."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral_intake.extraction import validate as va


def _npi_with_check(nine: str) -> str:
    digits = [int(c) for c in "80840" + nine]
    total = 0
    for i, n in enumerate(reversed(digits)):
        if i % 2 == 0:
            n = n * 2 - 9 if n * 2 > 9 else n * 2
        total += n
    return nine + str((10 - total % 10) % 10)


def test_npi_known_values() -> None:
    assert va.npi_valid("1234567893") == "1234567893"  # the CMS example
    assert va.npi_valid("1234567890") is None
    assert va.npi_valid("123456789") is None
    assert va.npi_valid("3234567893") is None  # NPIs start with 1 or 2


@given(st.from_regex(r"[12][0-9]{8}", fullmatch=True), st.integers(1, 9))
def test_npi_check_digit_catches_every_single_digit_error(nine: str, delta: int) -> None:
    npi = _npi_with_check(nine)
    assert va.npi_valid(npi) == npi
    wrong = npi[:9] + str((int(npi[9]) + delta) % 10)
    assert va.npi_valid(wrong) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M17.11", "M17.11"),
        ("m1711", "M17.11"),
        ("E11.9", "E11.9"),
        ("I10", "I10"),
        ("Z99.999", None),
        ("U07.1", "U07.1"),
        ("ABC", None),
    ],
)
def test_icd10_against_code_set(text: str, expected: str | None) -> None:
    assert va.icd10_valid(text) == expected


def test_icd10_billable_and_description() -> None:
    assert va.icd10_valid("M17", billable_only=True) is None
    assert va.icd10_valid("M17.11", billable_only=True) == "M17.11"
    assert "osteoarthritis" in (va.icd10_description("M17.11") or "").lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("99213", "99213"), ("0446T", "0446T"), ("G0444", "G0444"), ("9921", None), ("ABCDE", None)],
)
def test_cpt_hcpcs_shape(text: str, expected: str | None) -> None:
    assert va.cpt_valid(text) == expected


def test_member_id_urgency_and_checkboxes() -> None:
    assert va.member_id_valid("xw-8811 5531") == "XW88115531"
    assert va.member_id_valid("ABCDEF") is None  # no digits: a word, not an id
    assert va.urgency_word("STAT") == "stat"
    assert va.urgency_word("ASAP") == "urgent"
    assert va.urgency_word("Routine.") == "routine"
    assert va.urgency_word("maybe") is None
    assert va.checkbox_state("[X]") is True
    assert va.checkbox_state("☒") is True
    assert va.checkbox_state("[ ]") is False
    assert va.checkbox_state("☐") is False
    assert va.checkbox_state("Urgent") is None
