"""Review actions on a real store: claims, edits, match choice, approval gates, rejection, split, history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from referral_intake.errors import ReviewConflict
from referral_intake.review import actions, claims
from referral_intake.review.fields import InvalidValue, get_field, referral_of
from referral_intake.store.base import utcnow
from referral_intake.store.engine import Store
from referral_intake.store.tables import AuditEvent, Case, Outbox

ANN = actions.Ctx("ann", 30)
BOB = actions.Ctx("bob", 30)


def _audits(store: Store, action: str) -> int:
    with store.read() as s:
        return s.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        ).scalar_one()


def test_a_claim_keeps_others_out_until_it_times_out(store: Store, case_id: int) -> None:
    with store.begin() as s:
        claims.claim(s, s.get(Case, case_id), "ann", 30)
    with store.begin() as s, pytest.raises(ReviewConflict, match="being reviewed by ann"):
        actions.set_value(s, s.get(Case, case_id), "reason", "hip pain", BOB)
    with store.begin() as s:  # the claim lapses: bob may take over
        s.get(Case, case_id).claimed_until = utcnow() - timedelta(seconds=1)
    with store.begin() as s:
        actions.set_value(s, s.get(Case, case_id), "reason", "hip pain", BOB)
    with store.read() as s:
        assert s.get(Case, case_id).assignee == "bob"
    with store.begin() as s:  # a supervisor may force a reassignment
        claims.claim(s, s.get(Case, case_id), "sue", 30, force=True)
        assert s.get(Case, case_id).assignee == "sue"


def test_editing_a_field_validates_keeps_the_source_box_and_is_audited(store: Store, case_id: int) -> None:
    with store.begin() as s, pytest.raises(InvalidValue, match="does not exist"):
        actions.set_value(s, s.get(Case, case_id), "patient.date_of_birth", "1961-02-31", ANN)
    before = _audits(store, "update")
    with store.begin() as s:
        case = s.get(Case, case_id)
        assert actions.unresolved_flags(s, case, 0.95) == ["Date of birth"]
        assert actions.set_value(s, case, "patient.date_of_birth", "04/13/1961", ANN) == "1961-04-13"
        assert actions.unresolved_flags(s, case, 0.95) == []
    with store.read() as s:
        case = s.get(Case, case_id)
        f = get_field(referral_of(case.extraction) or {}, "patient.date_of_birth")
        assert f is not None and f["value"] == "1961-04-13" and f["confidence"] == 1.0
        assert f["page"] == 1 and len(f["bbox"]) == 4
    assert _audits(store, "update") == before + 1


def test_approval_needs_flags_resolved_and_a_patient_chosen(store: Store, case_id: int) -> None:
    with store.begin() as s, pytest.raises(ReviewConflict, match="flagged"):
        actions.approve(s, s.get(Case, case_id), ["embedded"], ANN, 0.95)
    with store.begin() as s:
        actions.set_value(s, s.get(Case, case_id), "patient.date_of_birth", "1961-04-12", ANN)
    with store.begin() as s, pytest.raises(ReviewConflict, match="choose the patient"):
        actions.approve(s, s.get(Case, case_id), ["embedded"], ANN, 0.95)
    with store.begin() as s, pytest.raises(ReviewConflict, match="not a candidate"):
        actions.choose_patient(s, s.get(Case, case_id), "pt-9999", ANN)
    with store.begin() as s:
        actions.choose_patient(s, s.get(Case, case_id), "pt-1001", ANN)
        actions.approve(s, s.get(Case, case_id), ["embedded"], ANN, 0.95)
    with store.read() as s:
        case = s.get(Case, case_id)
        assert case.state == "approved" and case.patient_ref == "pt-1001"
        assert case.match["decision"] == "link" and case.match["machine_decision"] == "review"
        assert [o.connector for o in s.execute(select(Outbox)).scalars()] == ["embedded"]
    assert _audits(store, "decide") == 1


def test_reject_needs_a_reason_and_records_it(store: Store, case_id: int) -> None:
    with store.begin() as s, pytest.raises(ReviewConflict, match="reason"):
        actions.reject(s, s.get(Case, case_id), "  ", ANN)
    with store.begin() as s:
        actions.reject(s, s.get(Case, case_id), "no insurance card", ANN, return_to_sender=True)
    with store.read() as s:
        assert s.get(Case, case_id).state == "rejected"
        texts = [h.text for h in actions.history(s, case_id)]
    assert any("return to sender: no insurance card" in t for t in texts)


def test_split_moves_pages_to_a_new_case(store: Store, vault: object) -> None:
    from referral_intake.review.samples import add_review_case

    with store.begin() as s:
        case = add_review_case(s, vault, pages=3)  # type: ignore[arg-type]
        with pytest.raises(ReviewConflict, match="at least one page"):
            actions.split(s, case, [1, 2, 3], ANN)
    with store.begin() as s:
        case = s.get(Case, case.id)
        child = actions.split(s, case, [2, 3], ANN)
        child_id = child.id
    with store.read() as s:
        parent, child = s.get(Case, case.id), s.get(Case, child_id)
        assert parent.pages == [1] and child.pages == [2, 3]
        assert child.parent_case_id == parent.id and child.state == "received"
        assert child.document_id == parent.document_id
        assert any("moved to case" in h.text for h in actions.history(s, parent.id))


def test_comments_and_history_in_order(store: Store, case_id: int) -> None:
    with store.begin() as s:
        case = s.get(Case, case_id)
        actions.add_comment(s, case, "called the office", ANN)
        actions.set_value(s, case, "reason", "left knee pain", ANN)
    with store.read() as s:
        kinds = [h.kind for h in actions.history(s, case_id)]
    assert kinds[0] == "state" and "comment" in kinds and "edit" in kinds and "claim" in kinds


def test_two_reviewers_racing_for_a_case_one_wins(store: Store, case_id: int) -> None:
    import threading

    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def take(who: str) -> None:
        try:
            barrier.wait(timeout=10)  # both start together (SQLite then queues them on its write lock)
            with store.begin() as s:
                claims.claim(s, s.get(Case, case_id), who, 30)
            outcome[who] = "won"
        except ReviewConflict:
            outcome[who] = "refused"

    threads = [threading.Thread(target=take, args=(w,)) for w in ("ann", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcome.values()) == ["refused", "won"]
    with store.read() as s:
        assert s.get(Case, case_id).assignee == next(w for w, o in outcome.items() if o == "won")
