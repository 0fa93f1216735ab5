"""HL7 v2.5.1 connector against hl7apy's MLLP server on loopback: ACKs, errors, retries, duplicates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message

from referral_intake.ehr.hl7_messages import build_messages, to_er7
from referral_intake.ehr.hl7v2 import Hl7Connector
from referral_intake.ehr.protocol import EhrWriter, ExportRequest
from referral_intake.errors import EhrRejected, EhrUnavailable


def connector(listener: Any, sleeps: list[float] | None = None) -> Hl7Connector:
    record = sleeps if sleeps is not None else []
    return Hl7Connector(
        "hl7",
        listener.host,
        listener.port,
        timeout_seconds=2,
        retries=2,
        backoff_seconds=0.5,
        sleep=record.append,
    )


def test_messages_are_strictly_valid_251(make_request: Callable[..., ExportRequest]) -> None:
    a04, i12 = build_messages(make_request(case_id=1), "case-1-hl7")
    for message in (a04, i12):
        parsed = parse_message(to_er7(message), validation_level=VALIDATION_LEVEL.STRICT, find_groups=True)
        parsed.validate()  # raises on a missing required segment or field
    assert a04.msh.msh_9.value == "ADT^A04^ADT_A01" and i12.msh.msh_9.value == "REF^I12^REF_I12"
    assert len(a04.msh.msh_10.value) <= 20
    assert "M17.11^^I10" in to_er7(i12) and "1234567893^NPI" in to_er7(i12)
    [linked] = build_messages(make_request(case_id=1, patient_id="4711"), "case-1-hl7")
    assert linked.msh.msh_9.value == "REF^I12^REF_I12"
    assert "PID|1||4711^^^EHR^PI~" in to_er7(linked)
    parse_message(to_er7(linked), validation_level=VALIDATION_LEVEL.STRICT).validate()


def test_sent_acknowledged_and_resend_is_dropped_by_control_id(
    mllp_listener: Any, make_request: Callable[..., ExportRequest]
) -> None:
    mllp_listener.start()
    conn = connector(mllp_listener)
    assert isinstance(conn, EhrWriter) and conn.health().ok
    first = conn.export(make_request(case_id=2), "case-2-hl7")
    again = conn.export(make_request(case_id=2), "case-2-hl7")
    assert first.detail["acks"] == {c: "AA" for c in first.detail["control_ids"]}
    assert again.detail["control_ids"] == first.detail["control_ids"]  # same MSH-10 on the resend
    assert mllp_listener.receiver.received == 4 and len(mllp_listener.receiver.stored) == 2


@pytest.mark.parametrize(("mode", "permanent"), [("error", False), ("reject", True)])
def test_negative_ack_is_surfaced(
    mllp_listener: Any, make_request: Callable[..., ExportRequest], mode: str, permanent: bool
) -> None:
    mllp_listener.start()
    mllp_listener.receiver.mode = mode
    with pytest.raises(EhrRejected, match="error 207") as err:
        connector(mllp_listener).export(make_request(case_id=3), "case-3-hl7")
    assert err.value.permanent is permanent
    assert "Quillfeather" not in str(err.value)


def test_no_ack_is_retried_with_backoff_then_unavailable(
    mllp_listener: Any, make_request: Callable[..., ExportRequest]
) -> None:
    mllp_listener.start()
    mllp_listener.receiver.mode = "silent"
    sleeps: list[float] = []
    with pytest.raises(EhrUnavailable, match="no ACK after 3 tries"):
        connector(mllp_listener, sleeps).export(make_request(case_id=4), "case-4-hl7")
    assert sleeps == [0.5, 1.0] and mllp_listener.receiver.received == 3


def test_listener_down_is_unavailable(mllp_listener: Any, make_request: Callable[..., ExportRequest]) -> None:
    conn = connector(mllp_listener)
    assert not conn.health().ok
    with pytest.raises(EhrUnavailable):
        conn.export(make_request(case_id=5), "case-5-hl7")
