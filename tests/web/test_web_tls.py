"""`serve` with a certificate: HTTPS refuses TLS 1.1 and below, speaks TLS 1.2+, and sends HSTS."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from referral_intake.settings import load_settings
from referral_intake.store.engine import Store
from referral_intake.web import create_app
from referral_intake.web.server import uvicorn_config


def _self_signed(dirpath: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = dirpath / "cert.pem", dirpath / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_https_is_tls12_or_newer_with_hsts(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = load_settings(
        data_dir=tmp_path / "var", web={"port": port, "tls_certfile": cert, "tls_keyfile": key}
    )
    store = Store.open(settings)
    server = uvicorn.Server(uvicorn_config(create_app(settings, store), settings, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert server.started
        assert server.config.ssl is not None and server.config.ssl.minimum_version == ssl.TLSVersion.TLSv1_2
        ctx = ssl.create_default_context(cafile=str(cert))
        r = httpx.get(f"https://localhost:{port}/login", verify=ctx)
        assert r.status_code == 200
        assert r.headers["strict-transport-security"].startswith("max-age=")
        assert "__Host-ri_session" not in r.headers.get("set-cookie", "")  # no session before sign-in
        assert "secure" in r.headers["set-cookie"].lower()  # TLS on: cookies are Secure by default
        old = ssl.create_default_context(cafile=str(cert))
        try:
            old.minimum_version = ssl.TLSVersion.TLSv1
            old.maximum_version = ssl.TLSVersion.TLSv1_1
        except ValueError:
            pytest.fail("this OpenSSL cannot offer TLS 1.1 to test the refusal")
        with pytest.raises(ssl.SSLError), socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            old.wrap_socket(raw, server_hostname="localhost")
    finally:
        server.should_exit = True
        thread.join(10)
        store.dispose()
