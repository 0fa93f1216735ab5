"""Accounts: argon2id hashes, TOTP sign-in (no replay), lockout, address throttling, reset, disable."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from referral_intake.accounts import credentials
from referral_intake.accounts.service import authenticate, create_user, disable_user, get_user, reset_user
from referral_intake.accounts.sessions import start_session
from referral_intake.errors import AccountError
from referral_intake.settings import WebSettings
from referral_intake.store.engine import Store
from referral_intake.store.tables import AuditEvent

PW = "correct horse battery"
CFG = WebSettings(max_failed_logins=3, address_failures_limit=5)


def _secret(uri: str) -> str:
    m = re.search(r"secret=([A-Z2-7]+)", uri)
    assert m is not None
    return m[1]


def _code(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def test_production_hash_cost_is_argon2id_64mib() -> None:
    credentials.set_hash_cost(3, 65536)
    assert credentials.hash_password(PW).startswith("$argon2id$v=19$m=65536,t=3,")


def test_create_user_stores_argon2id_and_returns_an_enrolment_uri(store: Store) -> None:
    with store.begin() as s:
        uri = create_user(s, "ann", "clerk", PW)
        user = get_user(s, "ann")
        assert user is not None and user.password_hash.startswith("$argon2id$")
        assert PW not in user.password_hash
    assert uri.startswith("otpauth://totp/referral-intake:ann?") and "issuer=referral-intake" in uri
    with store.begin() as s:
        with pytest.raises(AccountError, match="exists already"):
            create_user(s, "ann", "clerk", PW)
        with pytest.raises(AccountError, match="unknown role"):
            create_user(s, "bob", "root", PW)
        with pytest.raises(AccountError, match="too short"):
            create_user(s, "bob", "clerk", "short")


def test_sign_in_needs_all_three_factors_and_a_code_works_once(store: Store) -> None:
    with store.begin() as s:
        secret = _secret(create_user(s, "ann", "clerk", PW))
    code = _code(secret)
    with store.begin() as s:
        assert (
            authenticate(s, "ann", PW, "000000" if code != "000000" else "111111", CFG, "10.0.0.1").user
            is None
        )
        assert authenticate(s, "ann", "wrong password!", code, CFG, "10.0.0.1").user is None
        assert authenticate(s, "nobody", PW, code, CFG, "10.0.0.1").user is None
        ok = authenticate(s, "ann", PW, code, CFG, "10.0.0.1")
        assert ok.user is not None and ok.user.failed_logins == 0
        replay = authenticate(s, "ann", PW, code, CFG, "10.0.0.1")
        assert replay.user is None  # the same code cannot sign in twice
    with store.read() as s:
        actions = [a for (a,) in s.execute(select(AuditEvent.action).order_by(AuditEvent.id))]
    assert actions.count("login") == 1 and actions.count("login_failed") == 4


def test_repeated_failures_lock_the_account(store: Store) -> None:
    with store.begin() as s:
        secret = _secret(create_user(s, "ann", "clerk", PW))
        for _ in range(3):
            assert authenticate(s, "ann", "bad password!!", "123456", CFG, None).user is None
        locked = authenticate(s, "ann", PW, _code(secret), CFG, None)
        assert locked.user is None and locked.problem is not None and "locked" in locked.problem
        reset_user(s, "ann", None, new_totp=False)  # an admin unlocks
        assert authenticate(s, "ann", PW, _code(secret), CFG, None).user is not None


def test_an_address_with_many_failures_is_throttled(store: Store) -> None:
    with store.begin() as s:
        secret = _secret(create_user(s, "ann", "clerk", PW))
        for i in range(5):
            authenticate(s, f"guess{i}", "x" * 12, "123456", CFG, "10.9.9.9")
        res = authenticate(s, "ann", PW, _code(secret), CFG, "10.9.9.9")
        assert res.throttled and res.user is None
        assert authenticate(s, "ann", PW, _code(secret), CFG, "10.1.1.1").user is not None


def test_disable_and_reset(store: Store) -> None:
    with store.begin() as s:
        old = _secret(create_user(s, "ann", "clerk", PW))
        disable_user(s, "ann")
        assert authenticate(s, "ann", PW, _code(old), CFG, None).user is None
        new = _secret(reset_user(s, "ann", "another long password", role="supervisor") or "")
        assert new != old
        user = authenticate(s, "ann", "another long password", _code(new), CFG, None).user
        assert user is not None and user.role == "supervisor"
        with pytest.raises(AccountError, match="no user"):
            disable_user(s, "nobody")


def test_totp_allows_one_step_of_drift_only() -> None:
    secret = credentials.new_totp_secret()
    now = time.time()
    assert credentials.totp_step(secret, pyotp.TOTP(secret).at(now - 30), None, now) is not None
    assert credentials.totp_step(secret, pyotp.TOTP(secret).at(now - 120), None, now) is None
    assert credentials.totp_step(secret, "abc", None, now) is None


def test_qr_is_an_svg_of_the_uri() -> None:
    svg = credentials.qr_svg("otpauth://totp/x?secret=ABC")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg


def test_session_expiry_idle_and_absolute(store: Store) -> None:
    from referral_intake.accounts.sessions import resolve_session
    from referral_intake.accounts.tables import WebSession

    with store.begin() as s:
        create_user(s, "ann", "clerk", PW)
        user = get_user(s, "ann")
        assert user is not None
        idle_cookie = start_session(s, user, CFG, None)
        old_cookie = start_session(s, user, CFG, None)
    with store.begin() as s:
        assert resolve_session(s, idle_cookie, CFG) is not None
        rows = {r.id: r for r in s.execute(select(WebSession)).scalars()}
        idle = rows[credentials.token_hash(idle_cookie)]
        idle.last_seen_at -= timedelta(minutes=CFG.idle_timeout_minutes + 1)
        old = rows[credentials.token_hash(old_cookie)]
        old.expires_at -= timedelta(hours=CFG.absolute_session_hours)
    with store.begin() as s:
        assert resolve_session(s, idle_cookie, CFG) is None
        assert resolve_session(s, old_cookie, CFG) is None
        assert resolve_session(s, "made-up", CFG) is None
