"""The queue: STAT first then oldest, filters, counts, SLA colour, live claims only."""

from __future__ import annotations

from datetime import timedelta

from referral_intake.review.queue import QueueFilter, load_queue, sla_class
from referral_intake.review.samples import add_review_case
from referral_intake.store.base import utcnow
from referral_intake.store.engine import Store
from referral_intake.store.tables import Case
from referral_intake.vault import Vault

SLA = {"stat": 1.0, "urgent": 8.0, "routine": 48.0}


def test_sla_colour_by_urgency() -> None:
    assert sla_class("stat", 0.2, SLA) == "ok"
    assert sla_class("stat", 0.6, SLA) == "warn"
    assert sla_class("stat", 1.5, SLA) == "late"
    assert sla_class("routine", 1.5, SLA) == "ok"


def test_queue_order_filters_and_counts(store: Store, vault: Vault) -> None:
    with store.begin() as s:
        old = add_review_case(
            s, vault, urgency="routine", age=timedelta(hours=30), sender="5125550100", salt="a"
        )
        new = add_review_case(
            s, vault, urgency="routine", age=timedelta(hours=1), sender="5125550199", salt="b"
        )
        stat = add_review_case(
            s, vault, urgency="stat", age=timedelta(minutes=5), sender="5125550100", salt="c"
        )
        urgent = add_review_case(s, vault, urgency="urgent", age=timedelta(hours=6), salt="d")
        done = add_review_case(s, vault, salt="e")
        done.state = "exported"
        old.assignee, old.claimed_until = "ann", utcnow() + timedelta(minutes=10)
        new.assignee, new.claimed_until = "bob", utcnow() - timedelta(minutes=1)  # lapsed claim
        new.review_reasons = ["match_review", "missing:insurance"]
        ids = {"old": old.id, "new": new.id, "stat": stat.id, "urgent": urgent.id}
    with store.read() as s:
        q = load_queue(s, QueueFilter(), SLA)
        assert [r.id for r in q.rows] == [ids["stat"], ids["urgent"], ids["old"], ids["new"]]
        assert q.total == 4 and q.by_state == {"needs_review": 4, "exported": 1}
        assert q.by_urgency == {"stat": 1, "urgent": 1, "routine": 2}
        assert q.rows[0].patient == "Quinlan, Avery"
        assert [r.sla for r in q.rows] == ["ok", "warn", "warn", "ok"]  # 30 h of a 48 h routine SLA
        assert {r.id: r.assignee for r in q.rows}[ids["new"]] is None  # a lapsed claim shows as free

        def ids_of(f: QueueFilter) -> list[int]:
            return [r.id for r in load_queue(s, f, SLA).rows]

        assert ids_of(QueueFilter(sender="550100")) == [ids["stat"], ids["old"]]
        assert ids_of(QueueFilter(min_age_hours=5)) == [ids["urgent"], ids["old"]]
        assert ids_of(QueueFilter(assignee="ann")) == [ids["old"]]
        assert ids["old"] not in ids_of(QueueFilter(assignee="unassigned"))
        assert ids_of(QueueFilter(reason="missing:insurance")) == [ids["new"]]
        assert len(ids_of(QueueFilter(state=None))) == 5
        assert ids_of(QueueFilter(limit=2, offset=1)) == [ids["urgent"], ids["old"]]
        assert s.get(Case, ids["old"]) is not None
