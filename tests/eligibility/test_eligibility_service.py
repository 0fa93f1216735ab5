"""check_eligibility end to end against the local CORE responder: the result the case stores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from referral_intake.eligibility.demo import demo_referral
from referral_intake.eligibility.records import load_exchange, record_check
from referral_intake.eligibility.responder import Responder
from referral_intake.eligibility.service import check_eligibility
from referral_intake.eligibility.tables import EligibilityExchange
from referral_intake.settings import Settings, load_settings
from referral_intake.store.engine import Store
from referral_intake.store.tables import AuditEvent


def _settings(
    tmp_path: Path, responder: Responder, mode: str = "soap", timeout: float = 5.0, **kw: Any
) -> Settings:
    client = "json" if mode == "json" else "core"
    endpoint = f"{responder.url}/json" if mode == "json" else f"{responder.url}/core"
    elig = {"client": client, "endpoint": endpoint, "core_mode": "mime" if mode == "mime" else "soap",
            "timeout_seconds": timeout, "provider_npi": "1234567893", "backoff_seconds": 0.01, **kw}  # fmt: skip
    return load_settings(data_dir=tmp_path / "var", eligibility=elig)


@pytest.mark.parametrize("mode", ["soap", "mime", "json"])
def test_active_coverage_with_benefits(tmp_path: Path, responder: Responder, mode: str) -> None:
    result = check_eligibility(demo_referral(specialty="Orthopedics"), _settings(tmp_path, responder, mode))
    assert (result.status, result.reason, result.needs_review) == ("active", "coverage active", False)
    assert result.payer.payer_id == "84980" and result.payer.matched_by == "exact"
    assert result.plan_name == "SYNTHETIC GOLD PPO" and result.coverage_start is not None
    assert result.service_types == ["30", "BK"]
    kinds = {(b.kind, b.in_network) for b in result.benefits if b.service_types == ["BK"]}
    assert kinds == {("copay", True), ("copay", False), ("coinsurance", True), ("coinsurance", False),
                     ("deductible", True)}  # fmt: skip
    coins = next(b for b in result.benefits if b.kind == "coinsurance" and b.in_network)
    assert coins.percent == 20.0
    assert result.patient_as_payer_knows is not None and result.patient_as_payer_knows.last_name == "RIVERA"
    assert (
        result.mismatches == []
        and result.raw_271_ref is not None
        and result.raw_271_ref.startswith("sha256:")
    )
    stored = json.loads(result.model_dump_json())
    assert "raw_271" not in stored and "raw_270" not in stored and stored["status"] == "active"


def test_dependent_patient(tmp_path: Path, responder: Responder) -> None:
    ref = demo_referral(relationship="child", subscriber_name="Pat Rivera", subscriber_dob="1960-02-03")
    result = check_eligibility(ref, _settings(tmp_path, responder))
    assert result.status == "active"
    assert result.patient_as_payer_knows is not None and result.patient_as_payer_knows.role == "dependent"
    assert (
        result.subscriber_as_payer_knows is not None and result.subscriber_as_payer_knows.first_name == "PAT"
    )


@pytest.mark.parametrize(
    ("member", "status", "reason"),
    [("INACTIVE5", "inactive", "coverage inactive (ended "),
     ("AAA72A", "unknown", "eligibility unknown: invalid member ID"),
     ("AAA75A", "unknown", "eligibility unknown: subscriber not found"),
     ("AAA42A", "unknown", "eligibility unknown: payer unavailable"),
     ("AAA73A", "unknown", "eligibility unknown: invalid subscriber name")],
)  # fmt: skip
def test_inactive_and_rejections(
    tmp_path: Path, responder: Responder, member: str, status: str, reason: str
) -> None:
    result = check_eligibility(demo_referral(member_id=member), _settings(tmp_path, responder))
    assert result.status == status and result.reason.startswith(reason) and result.needs_review


def test_payer_knows_other_name_and_birth_date(tmp_path: Path, responder: Responder) -> None:
    result = check_eligibility(demo_referral(member_id="MISMATCH7"), _settings(tmp_path, responder))
    assert result.status == "active" and result.needs_review
    assert {m.field for m in result.mismatches} == {"first_name", "date_of_birth"}


def test_payer_timeout_leaves_the_case_moving(tmp_path: Path, responder: Responder) -> None:
    result = check_eligibility(demo_referral(member_id="SLOW9"), _settings(tmp_path, responder, timeout=0.3))
    assert (result.status, result.reason) == ("unknown", "eligibility unknown: payer timeout")
    assert result.duration_ms < 5000  # bounded by the timeout (0.3 s), not the payer (20 s)


def test_outage_never_raises(tmp_path: Path) -> None:
    class Broken:
        name = "broken"

        def check(self, request_270: str, payer_id: str, timeout: float) -> str:
            raise RuntimeError("socket exploded")

    class Garbage:
        name = "garbage"

        def check(self, request_270: str, payer_id: str, timeout: float) -> str:
            return "<html>502 bad gateway</html>"

    settings = load_settings(data_dir=tmp_path, eligibility={"provider_npi": "1234567893"})
    assert check_eligibility(demo_referral(), settings, client=Broken()).reason == (
        "eligibility unknown: eligibility client error"
    )
    assert check_eligibility(demo_referral(), settings, client=Garbage()).reason == (
        "eligibility unknown: the payer's answer is not a readable 271"
    )
    offline = check_eligibility(demo_referral(), settings)  # default transport: offline
    assert offline.status == "unknown" and offline.reason.startswith("eligibility unknown: offline")


@pytest.mark.parametrize(
    ("referral", "reason"),
    [(demo_referral(payer="Acme Health Mutual"), "eligibility unknown: payer not in the payer directory"),
     (demo_referral(payer="Blue Cross"), "eligibility unknown: payer name is ambiguous"),
     (demo_referral(member_id=""), "eligibility unknown: member ID missing on the referral"),
     (demo_referral().model_copy(update={"insurance": []}), "eligibility unknown: no insurance on the referral")],
)  # fmt: skip
def test_referral_problems_are_unknown_with_reason(tmp_path: Path, referral: Any, reason: str) -> None:
    result = check_eligibility(
        referral, load_settings(data_dir=tmp_path, eligibility={"provider_npi": "1234567893"})
    )
    assert (result.status, result.reason) == ("unknown", reason)


def test_record_check_stores_raw_exchange_and_audits(
    store: Store, settings: Settings, responder: Responder
) -> None:
    cfg = settings.model_copy(update={"eligibility": _settings(settings.data_dir, responder).eligibility})
    result = check_eligibility(demo_referral(), cfg)
    with store.begin() as session:
        row = record_check(session, result, case_id=None)
        assert row is not None and row.response_271 == result.raw_271 and row.payer_id == "84980"
        assert record_check(session, result, case_id=None).id == row.id  # idempotent  # type: ignore[union-attr]
    with store.begin() as session:
        assert result.raw_271_ref is not None
        again = load_exchange(session, result.raw_271_ref, actor="reviewer1")
        assert again is not None and again.request_270 == result.raw_270
        assert session.execute(select(EligibilityExchange)).scalars().all() == [again]
        actions = [(a.action, a.resource_type) for a in session.execute(select(AuditEvent)).scalars()]
    assert ("export", "case") in actions and ("create", "eligibility_exchange") in actions
    assert ("read", "eligibility_exchange") in actions


def test_review_panel_rows(tmp_path: Path, responder: Responder) -> None:
    from referral_intake.eligibility.panel import panel_view

    stored = check_eligibility(
        demo_referral(member_id="MISMATCH3"), _settings(tmp_path, responder)
    ).model_dump(mode="json")
    view = panel_view(stored)
    assert view is not None and view["status"] == "active" and view["needs_review"]
    assert view["payer"] == "Blue Cross Blue Shield of Texas (84980)" and view["plan"] == "SYNTHETIC GOLD PPO"
    assert "Copay $40.00 per visit, in network (cardiac)" in view["benefits"]
    assert "Coinsurance 20%, in network (cardiac)" in view["benefits"]
    assert view["mismatches"] == ["payer's first name differs from the referral",
                                  "payer's date of birth differs from the referral"]  # fmt: skip
    rejected = panel_view(
        check_eligibility(demo_referral(member_id="AAA72B"), _settings(tmp_path, responder)).model_dump(
            mode="json"
        )
    )
    assert rejected is not None and rejected["rejections"] == [
        "invalid member ID (AAA 72); correct and resubmit"
    ]
    assert panel_view(None) is None and panel_view({})["status"] == "unknown"  # type: ignore[index]


def test_check_and_record(store: Store, settings: Settings, responder: Responder) -> None:
    from referral_intake.eligibility.records import check_and_record

    cfg = settings.model_copy(update={"eligibility": _settings(settings.data_dir, responder).eligibility})
    stored = check_and_record(demo_referral(), cfg, store, case_id=None)
    assert stored["status"] == "active" and "raw_271" not in stored
    with store.read() as session:
        assert load_exchange(session, stored["raw_271_ref"], actor="reviewer1") is not None


def test_benefit_level_rejection_keeps_status_but_asks_review(tmp_path: Path, responder: Responder) -> None:
    from referral_intake.eligibility.service import interpret
    from referral_intake.eligibility.x12 import parse_271

    result = check_eligibility(demo_referral(), _settings(tmp_path, responder))
    assert result.raw_271 is not None
    resp = parse_271(result.raw_271.replace("EB*L~", "EB*L~AAA*N**33*C~"))
    fields = interpret(demo_referral(), resp, ["30", "BL"], "XYZ900100")
    assert fields["status"] == "active"
    assert fields["reason"] == "coverage active; payer could not answer for some services"
    assert [(r.level, r.code) for r in fields["rejections"]] == [("benefit", "33")]  # type: ignore[attr-defined]


def test_member_id_mismatch_ignores_punctuation() -> None:
    from referral_intake.eligibility.service import PersonAsKnown, find_mismatches

    known = PersonAsKnown(role="subscriber", last_name="RIVERA", first_name="JAMIE", member_id="XYZ-900-100")
    assert find_mismatches(demo_referral(), known, "XYZ900100") == []
    corrected = known.model_copy(update={"member_id": "XYZ900101", "last_name": "RIVERA-SOTO"})
    assert {m.field for m in find_mismatches(demo_referral(), corrected, "XYZ900100")} == {
        "member_id",
        "last_name",
    }


def test_demo_responder_settings(tmp_path: Path) -> None:
    from referral_intake.eligibility.demo import with_demo_responder

    responder, settings = with_demo_responder(load_settings(data_dir=tmp_path))
    try:
        assert (
            settings.eligibility.client == "core" and settings.eligibility.endpoint == f"{responder.url}/core"
        )
        assert check_eligibility(demo_referral(member_id="INACTIVE2"), settings).status == "inactive"
    finally:
        responder.stop()


def test_unwritable_data_dir_is_unknown_not_an_exception(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")  # data_dir under a regular file: the control-number store cannot be created
    settings = load_settings(data_dir=blocker / "var", eligibility={"provider_npi": "1234567893"})
    result = check_eligibility(demo_referral(), settings)
    assert result.status == "unknown" and "control number" in result.reason
