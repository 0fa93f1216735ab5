"""The offline client: no network at all; every check is "unknown: offline" (the default transport)."""

from __future__ import annotations

from referral_intake.errors import PayerUnavailable


class OfflineClient:
    name = "offline"

    def check(self, request_270: str, payer_id: str, timeout: float) -> str:
        raise PayerUnavailable(
            "eligibility checks are offline (eligibility.client = offline)", reason="offline"
        )
