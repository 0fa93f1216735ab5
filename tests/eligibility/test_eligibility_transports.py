"""CORE SOAP/MIME, JSON and offline transports against the local responder: envelopes, auth, timeouts,
retries and the per-payer circuit breaker."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import httpx
import pytest
from lxml import etree

from referral_intake.eligibility.demo import demo_referral
from referral_intake.eligibility.inquiry import inquiry_from_referral
from referral_intake.eligibility.responder import Responder
from referral_intake.eligibility.transports import (
    CircuitBreaker,
    CoreClient,
    JsonApiClient,
    OfflineClient,
    ResilientClient,
)
from referral_intake.eligibility.transports.envelope import (
    CORE_NS,
    REQUEST_270,
    SOAP_NS,
    WSSE_NS,
    CoreMessage,
    EnvelopeError,
    encode_multipart,
    from_mime,
    from_soap,
    to_mime_fields,
    to_soap,
)
from referral_intake.eligibility.x12 import Envelope, build_270, parse_271
from referral_intake.errors import PayerUnavailable


def request_270(member_id: str = "XYZ900100", **kw: Any) -> str:
    ref = demo_referral(member_id=member_id, **kw)
    inquiry = inquiry_from_referral(ref, "84980", "BCBS TX", "1234567893", None, datetime.now().date())
    return build_270(inquiry, Envelope("REFINTAKE", "84980", int(time.time_ns() % 999_999_998) + 1)).text


def test_soap_envelope_has_core_fields_and_username_token() -> None:
    msg = CoreMessage(REQUEST_270, "ISA*...~", "SENDER1", "84980", username="clinic", password="s3cret")
    root = etree.fromstring(to_soap(msg))
    assert root.tag == f"{{{SOAP_NS}}}Envelope"
    token = root.find(f".//{{{WSSE_NS}}}UsernameToken")
    assert token is not None and token.findtext(f"{{{WSSE_NS}}}Username") == "clinic"
    body = root.find(f".//{{{CORE_NS}}}COREEnvelopeRealTimeRequest")
    assert body is not None
    fields = {el.tag: el.text for el in body}
    assert fields["PayloadType"] == "X12_270_Request_005010X279A1" and fields["ProcessingMode"] == "RealTime"
    assert (
        fields["CORERuleVersion"] == "2.2.0"
        and fields["SenderID"] == "SENDER1"
        and fields["ReceiverID"] == "84980"
    )
    assert (
        fields["Payload"] == "ISA*...~"
        and fields["TimeStamp"].endswith("Z")
        and len(fields["PayloadID"]) == 36
    )
    back = from_soap(to_soap(msg))
    assert (back.username, back.password, back.payload) == ("clinic", "s3cret", "ISA*...~")


def test_mime_fields_checksum_and_tampering() -> None:
    msg = CoreMessage(REQUEST_270, "ISA*00~", "S", "R", username="u", password="p")
    fields = to_mime_fields(msg)
    assert list(fields)[:7] == ["PayloadType", "ProcessingMode", "PayloadID", "TimeStamp", "SenderID",
                                "ReceiverID", "CORERuleVersion"]  # fmt: skip
    assert fields["PayloadLength"] == "7" and len(fields["Checksum"]) == 40
    body, ctype = encode_multipart(fields)
    assert from_mime(body, ctype).payload == "ISA*00~"
    with pytest.raises(EnvelopeError, match="Checksum"):
        from_mime(body.replace(b"ISA*00~", b"ISA*01~"), ctype)


def test_soap_reader_does_not_resolve_entities() -> None:
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><r>'
        b"<PayloadType>X12_270_Request_005010X279A1</PayloadType><ProcessingMode>RealTime</ProcessingMode>"
        b"<PayloadID>1</PayloadID><TimeStamp>t</TimeStamp><SenderID>a</SenderID><ReceiverID>b</ReceiverID>"
        b"<CORERuleVersion>2.2.0</CORERuleVersion><Payload>&x;</Payload></r></s:Body></s:Envelope>"
    )
    assert "root:" not in from_soap(evil).payload


@pytest.mark.parametrize("mode", ["soap", "mime"])
def test_core_round_trip(responder: Responder, mode: str) -> None:
    client = CoreClient(f"{responder.url}/core", "REFINTAKE", mode)  # type: ignore[arg-type]
    answer = client.check(request_270(), "84980", timeout=5.0)
    resp = parse_271(answer)
    assert resp.patient is not None and resp.patient.status() == "active"
    assert resp.patient.member_id == "XYZ900100"
    client.close()


def test_json_round_trip_and_its_request_shape(responder: Responder) -> None:
    client = JsonApiClient(f"{responder.url}/json", "REFINTAKE")
    resp = parse_271(client.check(request_270("INACTIVE77"), "84980", timeout=5.0))
    assert resp.patient is not None and resp.patient.status() == "inactive"
    seen: dict[str, Any] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        import json

        seen.update(json.loads(request.content))
        return httpx.Response(200, json={"request_id": "someone-else", "status": "ok", "x12_271": "x"})

    fake = JsonApiClient(
        "http://clearinghouse.invalid/x",
        "REFINTAKE",
        http=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    with pytest.raises(PayerUnavailable) as info:
        fake.check("ISA*270", "60054", timeout=1.0)
    assert info.value.reason == "bad_envelope"  # an answer for another request is never used
    assert set(seen) == {"request_id", "payer_id", "sender_id", "x12_270"} and seen["payer_id"] == "60054"


def test_credentials_are_checked() -> None:
    with Responder(username="clinic", password="right") as r:
        good = CoreClient(f"{r.url}/core", "S", "soap", username="clinic", password="right")
        assert parse_271(good.check(request_270(), "84980", 5.0)).patient is not None
        for mode in ("soap", "mime"):
            bad = CoreClient(f"{r.url}/core", "S", mode, username="clinic", password="wrong")  # type: ignore[arg-type]
            with pytest.raises(PayerUnavailable) as info:
                bad.check(request_270(), "84980", 5.0)
            assert info.value.reason == "unauthorized"
        with pytest.raises(PayerUnavailable):
            JsonApiClient(f"{r.url}/json", "S").check(request_270(), "84980", 5.0)


def test_slow_payer_costs_at_most_the_timeout(responder: Responder) -> None:
    client = ResilientClient(
        CoreClient(f"{responder.url}/core", "S", "soap"), max_attempts=3, backoff_seconds=0.01
    )
    started = time.monotonic()
    with pytest.raises(PayerUnavailable) as info:
        client.check(request_270("SLOW001"), "84980", timeout=0.4)
    elapsed = time.monotonic() - started
    assert info.value.reason == "timeout"
    assert elapsed < 5.0  # bounded by the timeout, not by the payer's 20 s (loose: a correctness bound)


def test_retry_recovers_from_a_flaky_payer(responder: Responder) -> None:
    before = responder.requests
    client = ResilientClient(
        CoreClient(f"{responder.url}/core", "S", "mime"), max_attempts=3, backoff_seconds=0.01
    )
    assert parse_271(client.check(request_270("FLAKY42"), "84980", timeout=5.0)).patient is not None
    assert responder.requests - before == 2  # one 503, one answer


def test_circuit_opens_per_payer_and_skips_the_network(responder: Responder) -> None:
    inner = CoreClient(f"{responder.url}/core", "S", "soap")
    client = ResilientClient(inner, max_attempts=1, breaker_failures=2, breaker_reset_seconds=60)
    for _ in range(2):
        with pytest.raises(PayerUnavailable) as info:
            client.check(request_270("DOWN1"), "84980", timeout=2.0)
        assert info.value.reason == "busy"
    before = responder.requests
    with pytest.raises(PayerUnavailable) as info:
        client.check(request_270("XYZ1"), "84980", timeout=2.0)
    assert info.value.reason == "circuit_open" and responder.requests == before
    # Another payer has its own circuit.
    assert parse_271(client.check(request_270("XYZ1"), "60054", timeout=2.0)).patient is not None


def test_breaker_half_opens_after_reset() -> None:
    b = CircuitBreaker(threshold=2, reset_seconds=10)
    b.failure(0.0)
    assert b.allow(1.0)
    b.failure(1.0)
    assert b.state == "open" and not b.allow(5.0)
    assert b.allow(11.5) and not b.allow(11.6)  # one trial at a time
    b.success()
    assert b.state == "closed" and b.allow(12.0)


def test_unreachable_endpoint_is_unavailable_not_an_exception() -> None:
    client = ResilientClient(CoreClient("http://127.0.0.1:9/core", "S"), max_attempts=2, backoff_seconds=0.01)
    with pytest.raises(PayerUnavailable) as info:
        client.check("ISA", "84980", timeout=2.0)
    assert info.value.reason in ("connection", "timeout")


def test_offline_client_needs_no_network() -> None:
    with pytest.raises(PayerUnavailable) as info:
        OfflineClient().check("ISA", "84980", 1.0)
    assert info.value.reason == "offline"
