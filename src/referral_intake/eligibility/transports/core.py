"""CAQH CORE Phase II real-time clients: SOAP 1.2 (WS-Security UsernameToken) and HTTP MIME multipart."""

from __future__ import annotations

import time
from typing import Literal

import httpx

from referral_intake.eligibility.transports.base import post
from referral_intake.eligibility.transports.envelope import (
    REQUEST_270,
    RESPONSE_271,
    SOAP_CONTENT_TYPE,
    CoreMessage,
    EnvelopeError,
    encode_multipart,
    from_mime,
    from_soap,
    to_mime_fields,
    to_soap,
)
from referral_intake.errors import PayerUnavailable


class CoreClient:
    """One CORE endpoint (a payer or a clearinghouse). `mode` picks the SOAP or the MIME envelope."""

    def __init__(
        self,
        endpoint: str,
        sender_id: str,
        mode: Literal["soap", "mime"] = "soap",
        username: str | None = None,
        password: str | None = None,
        receiver_id: str | None = None,
        http: httpx.Client | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.sender_id = sender_id
        self.mode = mode
        self.username = username
        self.password = password
        self.receiver_id = receiver_id
        self.name = f"core-{mode}"
        self.http = http or httpx.Client(http2=False, follow_redirects=False)

    def check(self, request_270: str, payer_id: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        msg = CoreMessage(
            payload_type=REQUEST_270,
            payload=request_270,
            sender_id=self.sender_id,
            receiver_id=self.receiver_id or payer_id,
            username=self.username,
            password=self.password,
        )
        try:
            if self.mode == "soap":
                resp = post(
                    self.http,
                    self.endpoint,
                    deadline,
                    content=to_soap(msg),
                    headers={"Content-Type": SOAP_CONTENT_TYPE},
                )
                answer = from_soap(resp.content)
            else:
                # One buffer, not httpx's streamed multipart: small writes stall on Nagle + delayed ACK.
                body, content_type = encode_multipart(to_mime_fields(msg))
                resp = post(
                    self.http, self.endpoint, deadline, content=body, headers={"Content-Type": content_type}
                )
                answer = from_mime(resp.content, resp.headers.get("content-type", ""))
        except EnvelopeError as exc:
            raise PayerUnavailable(f"unusable CORE answer: {exc}", reason="bad_envelope") from exc
        if answer.error_code not in (None, "", "Success"):
            reason = "busy" if answer.error_code in ("ServerBusy", "Busy") else "core_error"
            raise PayerUnavailable(f"CORE error {answer.error_code} from the endpoint", reason=reason)
        if answer.payload_id != msg.payload_id:
            raise PayerUnavailable(
                "CORE answer is for another PayloadID; the endpoint mixed up requests", reason="bad_envelope"
            )
        if answer.payload_type != RESPONSE_271:
            raise PayerUnavailable(
                f"CORE answer carries {answer.payload_type}, not a 271", reason="bad_envelope"
            )
        return answer.payload

    def close(self) -> None:
        self.http.close()
