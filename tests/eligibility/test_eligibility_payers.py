"""Payer directory: names as written -> payer IDs, unknown and ambiguous names flagged, admin overrides."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from referral_intake.eligibility.payers import PayerDirectory, disable_payer, normalize, save_payer
from referral_intake.store.engine import Store
from referral_intake.store.tables import AuditEvent


@pytest.mark.parametrize(
    ("written", "payer_id"),
    [("BCBS TX", "84980"), ("Blue Cross Blue Shield of Texas", "84980"), ("BlueCross BlueShield of Texas", "84980"),
     ("BCBS of TX PPO", "84980"), ("Aetna", "60054"), ("AETNA HEALTH INC.", "60054"), ("Aetna Helath", "60054"),
     ("UHC", "87726"), ("United Healthcare", "87726"), ("United Health Care", "87726"), ("Medicare Part B", "04412"),
     ("Cigna", "62308"), ("BCBS IL", "00621")],
)  # fmt: skip
def test_names_as_written(written: str, payer_id: str) -> None:
    match = PayerDirectory.shipped().resolve(written)
    assert match.payer_id == payer_id, match


@pytest.mark.parametrize(
    ("written", "why"),
    [("Acme Health Mutual", "unknown"), ("Blue Cross", "ambiguous"), ("BCBS", "ambiguous"),
     ("Medicare Part A", "unknown"), ("Blue Cross Blue Shield of Kansas", "unknown"), ("", "unknown")],
)  # fmt: skip
def test_unknown_and_ambiguous_are_flagged(written: str, why: str) -> None:
    match = PayerDirectory.shipped().resolve(written)
    assert (match.payer_id, match.matched_by, match.known) == (None, why, False)


def test_payer_id_on_the_referral_wins() -> None:
    match = PayerDirectory.shipped().resolve("Aetna", payer_id="87726")
    assert (match.payer_id, match.matched_by) == ("87726", "payer_id")


def test_normalize() -> None:
    assert normalize("BCBS of TX") == "blue cross blue shield texas"
    assert normalize("United Health Care, Inc.") == "unitedhealthcare"


def test_admin_overrides(store: Store) -> None:
    with store.begin() as session:
        save_payer(session, "99999", "Lone Star Health Plan", ["LSHP", "Lone Star"], actor="admin1")
        save_payer(session, "60054", "Aetna", ["Aetna", "Aetna Better Care"], actor="admin1")
        disable_payer(session, "87726", actor="admin1")
    with store.read() as session:
        directory = PayerDirectory.load(session)
        audit = session.execute(
            select(AuditEvent).where(AuditEvent.resource_type == "eligibility_payer")
        ).scalars()
        assert [(a.actor, a.resource_id) for a in audit] == [
            ("admin1", "99999"),
            ("admin1", "60054"),
            ("admin1", "87726"),
        ]
    assert directory.resolve("LSHP").payer_id == "99999"
    assert directory.resolve("Aetna Better Care").payer_id == "60054"
    assert directory.resolve("UHC").payer_id is None  # disabled: referrals naming it are flagged
    assert directory.resolve("Cigna").payer_id == "62308"  # untouched shipped entries remain
    with store.begin() as session:
        save_payer(session, "87726", "UnitedHealthcare", ["UHC"], actor="admin2")  # re-enabled
    with store.read() as session:
        assert PayerDirectory.load(session).resolve("UHC").payer_id == "87726"
