"""Parse untrusted files in a child process with a wall-clock timeout and an address-space limit.

Each calling thread borrows a long-lived child (a fresh interpreter: `python -m` this module, so no locks,
sessions or the caller's __main__ are inherited, unlike multiprocessing's spawn/forkserver which re-import
__main__) that keeps its OCR models warm between documents. A child that times out, runs out of memory or dies is
killed and replaced on the next call; the caller only ever sees UnreadableDocument with a reason.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import resource
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any

import structlog

from referral_intake.errors import UnreadableDocument
from referral_intake.reading.model import ReadDocument
from referral_intake.settings import ReadingSettings

log = structlog.get_logger(__name__)

_START_TIMEOUT = 120.0  # importing PyMuPDF, OpenCV and ONNX Runtime on a busy 2-core machine
_MEMORY_WORDS = ("memory", "malloc", "cannot allocate")


def _set_memory_limit(limit_mb: int) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = limit_mb * 1024 * 1024 if limit_mb > 0 else hard
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _child_env() -> dict[str, str]:
    """The caller's environment, with glibc malloc held to two arenas: every ONNX Runtime thread otherwise
    gets its own arena, and each keeps the freed tensors of the last page resident."""
    env = dict(os.environ)
    env.setdefault("MALLOC_ARENA_MAX", "2")
    return env


def _trim_heap() -> None:
    """Give freed heap pages back to the system between documents (glibc only; a no-op elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _serve(inbox: Connection, conn: Connection) -> None:
    """Child main loop: one request in, one answer out, until the pipe closes."""
    from referral_intake.reading.reader import read_document_inproc

    conn.send(("ready", None, _peak_rss_mb()))
    while True:
        try:
            data, filename, settings = inbox.recv()
        except (EOFError, OSError):
            return
        fatal = False
        try:
            _set_memory_limit(settings.memory_limit_mb)
            doc = read_document_inproc(data, filename, settings)
            answer: tuple[str, Any, float] = ("ok", doc, _peak_rss_mb())
        except UnreadableDocument as exc:
            answer = ("error", (exc.reason, str(exc)), _peak_rss_mb())
        except MemoryError:
            answer, fatal = ("error", ("memory", _memory_message(settings)), _peak_rss_mb()), True
        except Exception as exc:  # a parser bug or a hostile file: report it as unreadable, keep serving
            if any(w in str(exc).lower() for w in _MEMORY_WORDS):
                answer, fatal = ("error", ("memory", _memory_message(settings)), _peak_rss_mb()), True
            else:
                answer = (
                    "error",
                    ("corrupt", f"document could not be parsed ({type(exc).__name__})"),
                    _peak_rss_mb(),
                )
        finally:
            _set_memory_limit(0)
            _trim_heap()
        conn.send(answer)
        if fatal:  # the heap may be in a poor state after an allocation failure; start clean
            return


def _memory_message(settings: ReadingSettings) -> str:
    return (
        f"reading the document needed more than reading.memory_limit_mb ({settings.memory_limit_mb} MB); "
        "raise the limit if the document is genuine"
    )


class SandboxReader:
    """One child process and the pipes to it; not thread-safe (the pool lends each to one thread)."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._out: Connection | None = None  # parent -> child
        self._in: Connection | None = None  # child -> parent
        self.last_peak_rss_mb = 0.0

    def _start(self) -> tuple[subprocess.Popen[bytes], Connection, Connection]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "referral_intake.reading.sandbox"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
            env=_child_env(),
        )
        assert proc.stdin is not None and proc.stdout is not None
        out = Connection(os.dup(proc.stdin.fileno()), readable=False)
        inp = Connection(os.dup(proc.stdout.fileno()), writable=False)
        proc.stdin.close()
        proc.stdout.close()
        self._proc, self._out, self._in = proc, out, inp
        if not inp.poll(_START_TIMEOUT):
            self.stop()
            raise UnreadableDocument("the document reader process did not start in time", reason="timeout")
        try:
            inp.recv()
        except (EOFError, OSError):
            self.stop()
            raise UnreadableDocument(
                "the document reader process failed to start", reason="corrupt"
            ) from None
        return proc, out, inp

    def stop(self) -> None:
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait(5)
        for c in (self._out, self._in):
            if c is not None:
                c.close()
        self._proc = self._out = self._in = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _running(self) -> tuple[subprocess.Popen[bytes], Connection, Connection]:
        if self._proc is not None and self._proc.poll() is None and self._out and self._in:
            return self._proc, self._out, self._in
        self.stop()
        return self._start()

    def read(self, data: bytes, filename: str | None, settings: ReadingSettings) -> ReadDocument:
        proc, out, inp = self._running()
        try:
            out.send((data, filename, settings))
        except (BrokenPipeError, OSError):
            self.stop()
            proc, out, inp = self._start()
            out.send((data, filename, settings))
        if not inp.poll(settings.timeout_seconds):
            self.stop()
            raise UnreadableDocument(
                f"reading took longer than reading.timeout_seconds ({settings.timeout_seconds:g} s)",
                reason="timeout",
            )
        try:
            status, payload, rss = inp.recv()
        except (EOFError, OSError):
            try:
                code = proc.wait(5)
            except subprocess.TimeoutExpired:
                code = None
            self.stop()
            reason = "memory" if code == -9 else "corrupt"
            raise UnreadableDocument(
                f"the reader process died while parsing the document ({reason})", reason=reason
            ) from None
        self.last_peak_rss_mb = float(rss)
        if status == "ok":
            assert isinstance(payload, ReadDocument)
            return payload
        reason, message = payload
        if reason == "memory":
            self.stop()
        raise UnreadableDocument(message, reason=reason)


class _Pool:
    def __init__(self) -> None:
        self._free: list[SandboxReader] = []
        self._all: list[SandboxReader] = []
        self._lock = threading.Lock()

    def acquire(self) -> SandboxReader:
        with self._lock:
            if self._free:
                return self._free.pop()
            reader = SandboxReader()
            self._all.append(reader)
            return reader

    def release(self, reader: SandboxReader) -> None:
        with self._lock:
            self._free.append(reader)

    def pids(self) -> list[int]:
        with self._lock:
            return [r.pid for r in self._all if r.pid is not None]

    def peak_rss_mb(self) -> float:
        with self._lock:
            return max((r.last_peak_rss_mb for r in self._all), default=0.0)

    def shutdown(self) -> None:
        with self._lock:
            for r in self._all:
                r.stop()
            self._free.clear()
            self._all.clear()


_POOL = _Pool()
atexit.register(_POOL.shutdown)


def read_sandboxed(data: bytes, filename: str | None, settings: ReadingSettings) -> ReadDocument:
    reader = _POOL.acquire()
    try:
        return reader.read(data, filename, settings)
    finally:
        _POOL.release(reader)


def worker_pids() -> list[int]:
    """Process ids of the live reader children (for health checks and tests)."""
    return _POOL.pids()


def worker_peak_rss_mb() -> float:
    """Highest resident memory any reader child has reported (MB)."""
    return _POOL.peak_rss_mb()


def shutdown() -> None:
    """Stop every reader child (tests, graceful worker stop)."""
    _POOL.shutdown()


def _child_main() -> None:
    """Entry of the child: requests on stdin, answers on a private copy of stdout; stdout itself goes to
    stderr so that a library printing to it cannot corrupt the answers."""
    answers = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)
    _serve(Connection(0, writable=False), answers)


if __name__ == "__main__":
    _child_main()
