"""HL7 v2.5.1 connector: ADT^A04 then REF^I12 over MLLP, each acknowledged before the next is sent.

ACK handling: AA/CA = accepted; AE/CE = the receiver failed (surfaced, retried later by the outbox);
AR/CR = rejected (permanent). No ACK (refused, reset, timeout) = resent with backoff here, then
`EhrUnavailable`. Exactly once relies on the receiver: MSH-10 is derived from the idempotency key, so a
resend carries the same control id and the interface engine drops the repeat (its duplicate check).
This connector only writes: an HL7 feed has no patient search.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

import structlog
from hl7apy.core import Message
from hl7apy.parser import parse_message

from referral_intake.ehr.hl7_messages import build_messages, to_er7
from referral_intake.ehr.protocol import ExportRequest, ExportResult, Health
from referral_intake.ehr.values import short_key
from referral_intake.errors import EhrRejected, EhrUnavailable

log = structlog.get_logger(__name__)
START, END = b"\x0b", b"\x1c\x0d"


class NoAck(Exception):
    """The peer closed, refused or timed out before a complete ACK arrived."""


def mllp_exchange(host: str, port: int, er7: str, timeout: float, encoding: str = "utf-8") -> str:
    """Send one framed message and return the framed reply's text.

    Hand-written (about twenty lines): hl7apy ships an MLLP server but no client, and python-hl7's
    client would add a second HL7 library for the framing alone.
    """
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(START + er7.encode(encoding) + END)
            buf = b""
            while not buf.endswith(END):
                chunk = sock.recv(65536)
                if not chunk:
                    raise NoAck("connection closed before a complete ACK")
                buf += chunk
    except OSError as exc:  # refused, reset, timeout
        raise NoAck(type(exc).__name__) from exc
    return buf.removeprefix(START).removesuffix(END).decode(encoding)


class Hl7Connector:
    def __init__(
        self,
        name: str,
        host: str,
        port: int,
        timeout_seconds: float = 10.0,
        retries: int = 3,
        backoff_seconds: float = 1.0,
        encoding: str = "utf-8",
        options: dict[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = name
        self.host = host
        self.port = port
        self.timeout = timeout_seconds
        self.retries = retries
        self.backoff = backoff_seconds
        self.encoding = encoding
        self.options = options or {}
        self.sleep = sleep

    def messages(self, request: ExportRequest, idempotency_key: str) -> list[Message]:
        return build_messages(request, idempotency_key, self.options)

    def export(self, request: ExportRequest, idempotency_key: str) -> ExportResult:
        acks: dict[str, str] = {}
        for message in self.messages(request, idempotency_key):
            message.validate()  # hl7apy STRICT: required segments and fields present
            control = message.msh.msh_10.value
            acks[control] = self._send(to_er7(message), control)
        log.info("ehr.hl7.exported", connector=self.name, case_id=request.case_id, messages=len(acks))
        controls = list(acks)
        return ExportResult(
            patient_id=request.patient_id or f"hl7:{short_key(idempotency_key, 18)}",
            referral_id=controls[-1],
            detail={"control_ids": controls, "acks": acks},
        )

    def _send(self, er7: str, control: str) -> str:
        delay = self.backoff
        for attempt in range(1, self.retries + 2):
            try:
                reply = mllp_exchange(self.host, self.port, er7, self.timeout, self.encoding)
            except NoAck as exc:
                log.warning("ehr.hl7.no_ack", connector=self.name, attempt=attempt, reason=str(exc))
                if attempt > self.retries:
                    raise EhrUnavailable(
                        f"HL7 receiver of connector {self.name!r} sent no ACK after {attempt} tries ({exc})"
                    ) from exc
                self.sleep(delay)
                delay *= 2
                continue
            return self._check_ack(reply, control)
        raise AssertionError("unreachable")

    def _check_ack(self, reply: str, control: str) -> str:
        try:
            ack = parse_message(reply.replace("\n", "\r"), find_groups=False)
            code = str(ack.msa.msa_1.value)
            acked = str(ack.msa.msa_2.value)
        except Exception as exc:  # hl7apy raises several parser errors; none may stop the retry logic
            raise EhrUnavailable(f"HL7 receiver of connector {self.name!r} sent an unreadable ACK") from exc
        if acked != control:
            raise EhrUnavailable(f"HL7 ACK of connector {self.name!r} acknowledges another message")
        if code in ("AA", "CA"):
            return code
        err = _err_code(ack)
        if code in ("AR", "CR"):
            raise EhrRejected(
                f"HL7 receiver of connector {self.name!r} rejected {control} ({code}{err})", permanent=True
            )
        raise EhrRejected(
            f"HL7 receiver of connector {self.name!r} failed to process {control} ({code}{err})"
        )

    def health(self) -> Health:
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout):
                pass
        except OSError as exc:
            return Health(False, f"MLLP listener unreachable ({type(exc).__name__})")
        return Health(True, "MLLP listener accepts connections")


def _err_code(ack: Any) -> str:
    """ERR-3 (HL7 error code) only; MSA-3/ERR-8 text may quote the message (PHI)."""
    try:
        code = ack.err.err_3.value
    except Exception:
        return ""
    return f", error {str(code).split('^')[0]}" if code else ""
