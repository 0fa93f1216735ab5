"""Field validation (NPI check digit, impossible dates, normalized forms) and review flags."""

from __future__ import annotations

from datetime import date

import pytest

from referral_intake.review.fields import InvalidValue, field_views, known_path, normalize, npi_valid

TODAY = date(2026, 11, 25)


def test_npi_check_digit_uses_the_80840_prefix() -> None:
    assert npi_valid("1234567893")
    assert not npi_valid("1234567890")
    assert not npi_valid("123456789")


@pytest.mark.parametrize(
    ("path", "raw", "expected"),
    [
        ("patient.date_of_birth", "04/12/1961", "1961-04-12"),
        ("referring_provider.npi", "123-456-7893", "1234567893"),
        ("patient.phone", "+1 (512) 555-0143", "5125550143"),
        ("insurance.0.member_id", "zxq 448-812", "ZXQ448812"),
        ("diagnoses.0.code", "m1711", "M17.11"),
        ("patient.address.postal_code", "78701-1234", "78701"),
        ("urgency", "STAT", "stat"),
        ("patient.sex", "female", "F"),
        ("reason", "  knee pain ", "knee pain"),
        ("reason", "   ", None),
    ],
)
def test_normalizes_to_the_contract_forms(path: str, raw: str, expected: str | None) -> None:
    assert normalize(path, raw, today=TODAY) == expected


@pytest.mark.parametrize(
    ("path", "raw", "message"),
    [
        ("patient.date_of_birth", "1961-02-30", "does not exist"),
        ("patient.date_of_birth", "2030-01-01", "future"),
        ("patient.date_of_birth", "1850-01-01", "125 years"),
        ("referral_date", "13/01/2026", "does not exist"),
        ("referring_provider.npi", "1234567890", "check digit"),
        ("referring_provider.npi", "12345", "10 digits"),
        ("diagnoses.0.code", "knee", "ICD-10"),
        ("patient.address.state", "Texas", "two-letter"),
    ],
)
def test_refuses_impossible_values_with_a_fix(path: str, raw: str, message: str) -> None:
    with pytest.raises(InvalidValue, match=message):
        normalize(path, raw, today=TODAY)


def test_only_contract_paths_are_writable() -> None:
    assert known_path("patient.date_of_birth")
    assert known_path("insurance.1.member_id")
    assert not known_path("patient.ssn_secret")
    assert not known_path("__class__")


def test_low_confidence_and_disagreeing_fields_come_first() -> None:
    extraction = {
        "document": {"sha256": "0" * 64, "page_count": 1},
        "referrals": [
            {
                "patient": {
                    "first_name": {"value": "Avery", "confidence": 0.99},
                    "date_of_birth": {
                        "value": "1961-04-12",
                        "confidence": 0.5,
                        "page": 1,
                        "bbox": [1, 2, 3, 4],
                    },
                },
                "referring_provider": {"npi": {"value": "1234567893", "confidence": 0.99}},
            }
        ],
    }
    views = field_views(extraction, ["disagree:referring_provider.npi"], set(), 0.95)
    assert [v.path for v in views[:2]] == ["patient.date_of_birth", "referring_provider.npi"]
    assert views[0].low_confidence and views[0].bbox == [1, 2, 3, 4] and views[0].page == 1
    assert views[1].disagree
    assert not any(v.flagged for v in views[2:])
    confirmed = field_views(extraction, ["disagree:referring_provider.npi"], {"patient.date_of_birth"}, 0.95)
    assert [v.path for v in confirmed if v.flagged] == ["referring_provider.npi"]
