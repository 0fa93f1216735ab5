"""The EligibilityClient protocol and the HTTP helper every transport shares (deadline, error mapping)."""

from __future__ import annotations

import time
from typing import Any, Protocol

import httpx

from referral_intake.errors import PayerUnavailable

# PayerUnavailable reasons worth another try within the same deadline.
RETRYABLE = frozenset({"connection", "http_5xx", "busy"})


class EligibilityClient(Protocol):
    """Sends one 270 to a payer (directly or through a clearinghouse) and returns the 271 text.

    Raises PayerUnavailable (never anything else for payer trouble) and returns within `timeout` seconds.
    """

    name: str

    def check(self, request_270: str, payer_id: str, timeout: float) -> str: ...


def post(client: httpx.Client, url: str, deadline: float, **kwargs: Any) -> httpx.Response:
    """POST and read the whole answer before `deadline` (time.monotonic()), or raise PayerUnavailable.

    httpx timeouts bound each socket operation, not the total; reading the body in chunks and checking the
    clock stops a payer that trickles bytes from holding a worker past the deadline.
    """
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise PayerUnavailable("payer timeout: no time left for another attempt", reason="timeout")
    try:
        with client.stream("POST", url, timeout=httpx.Timeout(remaining), **kwargs) as resp:
            chunks: list[bytes] = []
            for chunk in resp.iter_bytes():
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise PayerUnavailable("payer timeout while reading the answer", reason="timeout")
            content = b"".join(chunks)
    except httpx.TimeoutException as exc:
        raise PayerUnavailable(
            "payer timeout: no answer within the configured time", reason="timeout"
        ) from exc
    except httpx.TransportError as exc:
        raise PayerUnavailable(
            f"cannot reach the eligibility endpoint ({type(exc).__name__}); check eligibility.endpoint",
            reason="connection",
        ) from exc
    answer = httpx.Response(resp.status_code, headers=resp.headers, content=content, request=resp.request)
    if answer.status_code == 429 or answer.status_code >= 500:
        reason = "busy" if answer.status_code in (429, 503) else "http_5xx"
        raise PayerUnavailable(f"eligibility endpoint answered HTTP {answer.status_code}", reason=reason)
    if answer.status_code in (401, 403):
        raise PayerUnavailable(
            f"eligibility endpoint refused the credentials (HTTP {answer.status_code}); "
            "check eligibility.username/password",
            reason="unauthorized",
        )
    if answer.status_code >= 400:
        raise PayerUnavailable(
            f"eligibility endpoint rejected the request (HTTP {answer.status_code})", reason="http_4xx"
        )
    return answer
