"""Session security and UI contracts: headers, cookies, CSRF, idle logoff, sign-in audit, labels, no inline JS."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
from sqlalchemy import select

from referral_intake.accounts.tables import WebSession
from referral_intake.store.tables import AuditEvent
from referral_intake.web.app import CSP


def _actions(web: Any) -> list[str]:
    with web.store.read() as s:
        return [a for (a,) in s.execute(select(AuditEvent.action).order_by(AuditEvent.id))]


def test_strict_headers_everywhere(web: Any) -> None:
    r = web.clients["clerk"].get("/queue")
    assert r.headers["content-security-policy"] == CSP
    for part in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"):
        assert part in CSP
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in r.headers  # plain http: no HSTS
    https = web.new_client(https=True).get("/login")
    assert https.headers["strict-transport-security"].startswith("max-age=")


def test_login_form_labels_and_cookie_flags(tmp_path: Path) -> None:
    from web_harness import PASSWORD, make_harness

    h = make_harness(tmp_path, secure_cookies=True)
    secret = h.add_user("sue", "supervisor")
    c = h.new_client(https=True)
    page = c.get("/login").text
    for label, field in (("Username", "username"), ("Password", "password"), ("Authentication code", "code")):
        assert f'<label for="{field}">{label}</label>' in page
    token = re.search(r'name="login_token" value="([^"]+)"', page)
    assert token is not None
    r = c.post(
        "/login",
        data={
            "username": "sue",
            "password": PASSWORD,
            "code": pyotp.TOTP(secret).now(),
            "login_token": token[1],
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/queue"
    cookie = next(
        v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("__Host-ri_session=")
    )
    flags = cookie.lower()
    assert "httponly" in flags and "secure" in flags and "samesite=strict" in flags and "path=/" in flags
    h.store.dispose()


def test_changes_need_the_csrf_token(web: Any) -> None:
    case_id = web.case()
    c = web.clients["clerk"]
    no_token = c.post(f"/cases/{case_id}/comments", data={"body": "x"}, follow_redirects=False)
    wrong = c.post(
        f"/cases/{case_id}/comments", data={"body": "x", "csrf_token": "nope"}, follow_redirects=False
    )
    assert no_token.status_code == 403 and wrong.status_code == 403
    ok = c.post(
        f"/cases/{case_id}/comments",
        data={"body": "x", "csrf_token": web.csrf["clerk"]},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    api = c.post(f"/api/v1/cases/{case_id}/comments", json={"body": "y"})
    assert api.status_code == 403  # a cookie session on the API needs the header too
    assert (
        c.post(
            f"/api/v1/cases/{case_id}/comments",
            json={"body": "y"},
            headers={"X-CSRF-Token": web.csrf["clerk"]},
        ).status_code
        == 201
    )


def test_failed_and_good_sign_ins_are_audited(web: Any) -> None:
    c = web.new_client()
    token = re.search(r'name="login_token" value="([^"]+)"', c.get("/login").text)
    assert token is not None
    r = c.post(
        "/login",
        data={"username": "clerk", "password": "wrong password!", "code": "123456", "login_token": token[1]},
    )
    assert r.status_code == 401 and "Sign-in failed" in r.text
    assert _actions(web)[-1] == "login_failed"
    r = c.post("/login", data={"username": "clerk", "password": "x", "code": "1", "login_token": "forged"})
    assert r.status_code == 400  # the sign-in form's own CSRF token


def test_idle_sessions_are_signed_out(web: Any) -> None:
    from web_harness import Harness

    h: Harness = web
    h.add_user("idle", "clerk")
    c = h.new_client()
    h.login(c, "idle")
    assert c.get("/queue", follow_redirects=False).status_code == 200
    with h.store.begin() as s:
        from referral_intake.accounts.tables import User

        uid = s.execute(select(User.id).where(User.username == "idle")).scalar_one()
        for row in s.execute(select(WebSession).where(WebSession.user_id == uid)).scalars():
            row.last_seen_at -= timedelta(minutes=h.settings.web.idle_timeout_minutes + 1)
    r = c.get("/queue", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"


def test_pages_have_no_inline_script_or_style(web: Any) -> None:
    case_id = web.case()
    for url in ("/queue", f"/cases/{case_id}", "/login"):
        html = web.clients["supervisor"].get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert " style=" not in html and "<style" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url  # no inline event handlers


def test_queue_rows_link_with_the_case_id_first(web: Any) -> None:
    case_id = web.case(urgency="stat")
    html = web.clients["clerk"].get("/queue").text
    links = re.findall(r'<a href="/cases/(\d+)">([^<]*)</a>', html)
    assert links and all(text.startswith(cid) for cid, text in links)
    assert links[0][0] == str(case_id)  # STAT first
    partial = web.clients["clerk"].get(
        "/queue?sender=zzz", headers={"HX-Request": "true", "HX-Target": "queue-table"}
    )
    assert partial.text.lstrip().startswith('<div id="queue-table">') and "Nothing to review" in partial.text


def test_case_page_flags_first_with_source_boxes(web: Any) -> None:
    case_id = web.case()
    html = web.clients["clerk"].get(f"/cases/{case_id}").text
    forms = re.findall(r'<form class="field([^"]*)"[^>]*data-path="([^"]+)"([^>]*)>', html)
    assert forms[0][1] == "patient.date_of_birth" and "flagged" in forms[0][0]
    assert 'data-page="1"' in forms[0][2] and "data-bbox=" in forms[0][2]
    assert 'id="page-1"' in html and 'id="page-2"' in html
    assert "This patient:" in html and "New patient" in html and "<meter" in html
    assert "Synthetic PPO Gold" in html  # eligibility panel


def test_field_edit_validation_feedback(web: Any) -> None:
    case_id = web.case()
    c, h = web.clients["clerk"], {"X-CSRF-Token": web.csrf["clerk"], "Accept": "application/json"}
    bad = c.post(
        f"/cases/{case_id}/fields", data={"path": "referring_provider.npi", "value": "1234567890"}, headers=h
    )
    assert bad.status_code == 422 and "check digit" in bad.json()["error"]
    bad = c.post(
        f"/cases/{case_id}/fields", data={"path": "patient.date_of_birth", "value": "1961-13-01"}, headers=h
    )
    assert bad.status_code == 422 and "does not exist" in bad.json()["error"]
    ok = c.post(
        f"/cases/{case_id}/fields", data={"path": "patient.date_of_birth", "value": "04/12/1961"}, headers=h
    )
    assert ok.json() == {
        "ok": True,
        "path": "patient.date_of_birth",
        "value": "1961-04-12",
        "flagged_left": 0,
    }


def test_auditor_lists_filters_and_exports_csv(web: Any) -> None:
    c = web.clients["auditor"]
    page = c.get("/audit?action=login").text
    assert "<table" in page and "login" in page
    csv = c.get("/audit.csv?action=login")
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0].startswith("id,at,actor,action") and all(",login," in ln for ln in lines[1:])
    assert _actions(web)[-1] == "export"
    api = c.get("/api/v1/audit?action=export").json()
    assert api and api[0]["action"] == "export" and api[0]["resource_type"] == "audit_log"


def test_admin_adds_a_user_with_qr_enrolment(web: Any) -> None:
    c = web.clients["admin"]
    r = c.post(
        "/admin/users",
        data={
            "username": "newclerk",
            "role": "clerk",
            "password": "a long password 9",
            "csrf_token": web.csrf["admin"],
        },
    )
    assert r.status_code == 200
    assert (
        '<img src="data:image/svg+xml;base64,' in r.text
        and "otpauth://totp/referral-intake:newclerk" in r.text
    )
    assert _actions(web)[-1] == "read" and "admin" in _actions(web)[-3:]
    r = c.post(
        "/admin/users",
        data={
            "username": "newclerk",
            "role": "clerk",
            "password": "a long password 9",
            "csrf_token": web.csrf["admin"],
        },
    )
    assert r.status_code == 400 and "exists already" in r.text
