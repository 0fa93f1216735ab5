"""A local CAQH CORE responder on loopback: answers 270s with realistic 271s, for tests and the demo.

Endpoints: POST /core (SOAP 1.2 or MIME multipart, told apart by Content-Type), /core/soap, /core/mime,
and /json (the clearinghouse JSON shape of transports/jsonapi.py). The member ID picks the scenario:

    INACTIVE...  coverage inactive (ended last year)
    AAA42...     payer unavailable (AAA 42 at the payer level)
    AAAnn...     rejection nn at the subscriber/dependent level (72 invalid member ID, 75 subscriber not
                 found, 73 invalid name, 71 date of birth mismatch, ...)
    MISMATCH...  active, but the payer knows another first name and date of birth
    SLOW...      answers after `slow_seconds` (default 30 s): a payer timeout
    FLAKY...     every other request gets HTTP 503 (exercises retries)
    DOWN...      always HTTP 503 (exercises the circuit breaker)
    anything else: active, with copay, coinsurance and deductible for each requested service type

Stdlib http.server rather than FastAPI/uvicorn: it starts in a thread in milliseconds inside a test, needs
no event loop, and a threaded server is plenty for loopback traffic.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import structlog

from referral_intake.eligibility.transports.envelope import (
    REQUEST_270,
    RESPONSE_271,
    SOAP_CONTENT_TYPE,
    EnvelopeError,
    encode_multipart,
    from_mime,
    from_soap,
    to_mime_fields,
    to_soap,
)
from referral_intake.eligibility.x12.build271 import build_271, read_270
from referral_intake.errors import X12Error

log = structlog.get_logger(__name__)


class Responder:
    """Run with `with Responder() as r: r.url` (a free port on 127.0.0.1) or `serve_forever()`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        username: str | None = None,
        password: str | None = None,
        slow_seconds: float = 30.0,
    ) -> None:
        self.username = username
        self.password = password
        self.slow_seconds = slow_seconds
        self.stopping = threading.Event()
        self.requests = 0
        self._counter = itertools.count(1)
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), _make_handler(self))
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def answer_270(self, x12_270: str) -> str:
        """The 271 for one 270 (no HTTP); raises X12Error for anything else."""
        with self._lock:
            number = next(self._counter)
        return build_271(read_270(x12_270), number)

    def start(self) -> Responder:
        self._thread = threading.Thread(target=self.server.serve_forever, name="core-responder", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def __enter__(self) -> Responder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def authorized(self, user: str | None, password: str | None) -> bool:
        return self.username is None or (user == self.username and password == self.password)

    def behaviour(self, x12_270: str) -> str:
        """'ok', 'slow' or 'unavailable' for this request, from the member ID."""
        try:
            member = read_270(x12_270).member_id.upper()
        except X12Error:
            return "ok"
        with self._lock:
            self.requests += 1
            self._seen[member] += 1
            seen = self._seen[member]
        if member.startswith("SLOW"):
            return "slow"
        if member.startswith("DOWN") or (member.startswith("FLAKY") and seen % 2 == 1):
            return "unavailable"
        return "ok"


def _make_handler(responder: Responder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = (
            True  # headers and body go out as separate writes: no 40 ms delayed-ACK stall
        )

        def log_message(self, format: str, *args: Any) -> None:
            pass  # request lines can carry nothing useful; keep test output quiet

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # A client that gave up (its timeout) has closed the socket: nothing left to tell it.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def _gate(self, x12_270: str) -> bool:
            """Apply the scenario's transport behaviour; False when the answer was already sent."""
            mode = responder.behaviour(x12_270)
            if mode == "slow":
                responder.stopping.wait(responder.slow_seconds)
            elif mode == "unavailable":
                self._send(503, b"service unavailable", "text/plain")
                return False
            return True

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length)
            ctype = self.headers.get("Content-Type", "")
            path = self.path.rstrip("/")
            try:
                if path == "/json":
                    self._json(data)
                elif path in ("/core", "/core/soap", "/core/mime"):
                    self._core(data, ctype, soap=path == "/core/soap" or "soap+xml" in ctype.lower())
                else:
                    self._send(404, b"not found: POST /core, /core/soap, /core/mime or /json", "text/plain")
            except (EnvelopeError, X12Error, ValueError, KeyError) as exc:
                self._send(400, f"bad request: {type(exc).__name__}".encode(), "text/plain")

        def _core(self, data: bytes, ctype: str, soap: bool) -> None:
            msg = from_soap(data) if soap else from_mime(data, ctype)
            if not responder.authorized(msg.username, msg.password):
                self._send(401, b"unauthorized", "text/plain")
                return
            if msg.payload_type != REQUEST_270:
                reply = msg.reply(
                    RESPONSE_271, "", "PayloadTypeIncorrect", "only X12_270 real-time is served"
                )
            else:
                if not self._gate(msg.payload):
                    return
                reply = msg.reply(RESPONSE_271, responder.answer_270(msg.payload))
            if soap:
                self._send(200, to_soap(reply), SOAP_CONTENT_TYPE)
            else:
                body, content_type = encode_multipart(to_mime_fields(reply))
                self._send(200, body, content_type)

        def _json(self, data: bytes) -> None:
            user = password = None
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            if not responder.authorized(user, password):
                self._send(401, b"unauthorized", "text/plain")
                return
            body = json.loads(data)
            if not self._gate(str(body.get("x12_270", ""))):
                return
            answer = {"request_id": body.get("request_id"), "status": "ok",
                      "x12_271": responder.answer_270(str(body["x12_270"]))}  # fmt: skip
            self._send(200, json.dumps(answer).encode(), "application/json")

    return Handler
