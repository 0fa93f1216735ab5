"""A clearinghouse JSON API adapter (our own small shape, for clearinghouses with a JSON front door).

Request  POST {endpoint}  (HTTP basic auth when a user name is set)
    {"request_id": "<uuid>", "payer_id": "60054", "sender_id": "REFINTAKE", "x12_270": "ISA*00*..."}
Response 200
    {"request_id": "<same uuid>", "status": "ok", "x12_271": "ISA*00*..."}
    {"request_id": "<same uuid>", "status": "error", "error": "payer not connected"}
"""

from __future__ import annotations

import json
import time
import uuid

import httpx

from referral_intake.eligibility.transports.base import post
from referral_intake.errors import PayerUnavailable


class JsonApiClient:
    name = "json"

    def __init__(
        self,
        endpoint: str,
        sender_id: str,
        username: str | None = None,
        password: str | None = None,
        http: httpx.Client | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.sender_id = sender_id
        # None (not httpx's default) when no user name: no Authorization header at all.
        self.auth = httpx.BasicAuth(username, password or "") if username else None
        self.http = http or httpx.Client(follow_redirects=False)

    def check(self, request_270: str, payer_id: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        request_id = str(uuid.uuid4())
        body = {
            "request_id": request_id,
            "payer_id": payer_id,
            "sender_id": self.sender_id,
            "x12_270": request_270,
        }
        resp = post(self.http, self.endpoint, deadline, json=body, auth=self.auth)
        try:
            data = json.loads(resp.content)
        except ValueError as exc:
            raise PayerUnavailable(
                "clearinghouse answer is not JSON; check eligibility.endpoint", reason="bad_envelope"
            ) from exc
        if not isinstance(data, dict) or data.get("request_id") != request_id:
            raise PayerUnavailable("clearinghouse answer is for another request", reason="bad_envelope")
        if data.get("status") != "ok" or not isinstance(data.get("x12_271"), str):
            # The error text comes from the clearinghouse and is not echoed: it may quote the member.
            raise PayerUnavailable(
                "clearinghouse reported an error for this inquiry", reason="clearinghouse_error"
            )
        return str(data["x12_271"])

    def close(self) -> None:
        self.http.close()
