"""`demo` prepares a working installation; `serve` answers on its port with the login page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from referral_intake.demo import DEMO_USER, prepare
from referral_intake.services import status_summary
from referral_intake.settings import load_settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_processes_samples_and_creates_login(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "var")
    text = prepare(settings, n=3, seed=4)
    assert f"Username: {DEMO_USER}" in text and "otpauth://" in text
    login = tmp_path / "var" / "demo" / "login.txt"
    assert oct(login.stat().st_mode & 0o777) == "0o600"
    summary = status_summary(settings)
    assert summary["total"] >= 3
    busy = sum(summary["counts"][s] for s in ("received", "read", "extracted", "matched", "verified"))
    assert busy == 0


def test_serve_answers_with_login_page_and_security_headers(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "REFERRAL_INTAKE_DATA_DIR": str(tmp_path / "var")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "referral_intake", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        resp = None
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "serve exited"
            try:
                resp = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert resp is not None, "serve did not answer within 60 s"
        assert resp.status_code == 200
        assert "Username" in resp.text and "Authentication code" in resp.text
        assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
        queue = httpx.get(f"http://127.0.0.1:{port}/", timeout=5, follow_redirects=False)
        assert queue.status_code in (302, 303, 307, 401)  # no session: no patient data
    finally:
        proc.terminate()
        proc.wait(15)
