"""Retries with backoff inside one deadline, and a circuit breaker per payer, around any EligibilityClient.

Hand-written rather than tenacity/pybreaker: both are sound, but the rule here is unusual (every retry and
every backoff must fit inside the caller's single timeout) and the whole of it is ~80 lines.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import structlog

from referral_intake.eligibility.transports.base import RETRYABLE, EligibilityClient
from referral_intake.errors import PayerUnavailable

log = structlog.get_logger(__name__)


@dataclass
class CircuitBreaker:
    """Closed -> open after `threshold` consecutive failures; after `reset_seconds` one trial (half-open)."""

    threshold: int
    reset_seconds: float
    failures: int = 0
    opened_at: float | None = None
    trial_running: bool = False

    def allow(self, now: float) -> bool:
        if self.opened_at is None:
            return True
        if now - self.opened_at >= self.reset_seconds and not self.trial_running:
            self.trial_running = True
            return True
        return False

    def success(self) -> None:
        self.failures, self.opened_at, self.trial_running = 0, None, False

    def failure(self, now: float) -> None:
        self.failures += 1
        self.trial_running = False
        if self.failures >= self.threshold:
            self.opened_at = now

    @property
    def state(self) -> str:
        return "closed" if self.opened_at is None else "open"


class Breakers:
    """The breakers of a process, one per (transport, payer id)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[str, str], CircuitBreaker] = {}

    def get(self, transport: str, payer_id: str, threshold: int, reset_seconds: float) -> CircuitBreaker:
        with self._lock:
            key = (transport, payer_id)
            if key not in self._items:
                self._items[key] = CircuitBreaker(threshold, reset_seconds)
            return self._items[key]

    def guard(self) -> threading.Lock:
        return self._lock


BREAKERS = Breakers()


class ResilientClient:
    def __init__(
        self,
        inner: EligibilityClient,
        max_attempts: int = 3,
        backoff_seconds: float = 0.25,
        breaker_failures: int = 5,
        breaker_reset_seconds: float = 60.0,
        breakers: Breakers = BREAKERS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_attempts = max(1, max_attempts)
        self.backoff_seconds = backoff_seconds
        self.breaker_failures = breaker_failures
        self.breaker_reset_seconds = breaker_reset_seconds
        self.breakers = breakers
        self.sleep = sleep

    def check(self, request_270: str, payer_id: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        breaker = self.breakers.get(self.name, payer_id, self.breaker_failures, self.breaker_reset_seconds)
        with self.breakers.guard():
            allowed = breaker.allow(time.monotonic())
        if not allowed:
            raise PayerUnavailable(
                "payer circuit open after repeated failures; checks resume shortly", reason="circuit_open"
            )
        last: PayerUnavailable | None = None
        for attempt in range(self.max_attempts):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                answer = self.inner.check(request_270, payer_id, remaining)
            except PayerUnavailable as exc:
                last = exc
                log.info(
                    "eligibility attempt failed",
                    transport=self.name,
                    payer_id=payer_id,
                    attempt=attempt + 1,
                    reason=exc.reason,
                )
                if exc.reason not in RETRYABLE:
                    break
                delay = self.backoff_seconds * (2**attempt) * random.uniform(0.5, 1.0)
                if attempt + 1 >= self.max_attempts or time.monotonic() + delay >= deadline:
                    break
                self.sleep(delay)
                continue
            with self.breakers.guard():
                breaker.success()
            return answer
        with self.breakers.guard():
            breaker.failure(time.monotonic())
        if last is None or (last.reason in RETRYABLE and time.monotonic() >= deadline):
            raise PayerUnavailable("payer timeout: no answer within the configured time", reason="timeout")
        raise last
