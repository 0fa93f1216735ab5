"""Every route of the app against a declared role matrix (anonymous included), and PHI routes audited.

A new route without an entry here fails the test: the matrix is the reviewed statement of who may do what.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from starlette.routing import Mount

from referral_intake.accounts.sessions import create_token
from referral_intake.store.tables import AuditEvent

ANON = "anonymous"
ALL = frozenset({"clerk", "supervisor", "admin", "auditor"})
REVIEW = frozenset({"clerk", "supervisor"})
SUP = frozenset({"supervisor"})
ADMIN = frozenset({"admin"})
AUDIT = frozenset({"auditor"})
PUBLIC = ALL | {ANON}

# (method, path) -> (who may, returns PHI, body: form for UI routes / JSON for API routes)
MATRIX: dict[tuple[str, str], tuple[frozenset[str], bool, dict[str, Any] | None]] = {
    ("GET", "/"): (PUBLIC, False, None),
    ("GET", "/login"): (PUBLIC, False, None),
    ("POST", "/login"): (PUBLIC, False, {"username": "x", "password": "y"}),
    ("GET", "/account"): (ALL, False, None),
    ("GET", "/queue"): (REVIEW, True, None),
    ("GET", "/cases/{case_id}"): (REVIEW, True, None),
    ("GET", "/cases/{case_id}/pages/{page_no}.png"): (REVIEW, True, None),
    ("POST", "/cases/{case_id}/fields"): (REVIEW, False, {"path": "reason", "value": "knee pain"}),
    ("POST", "/cases/{case_id}/claim"): (REVIEW, False, {}),
    ("POST", "/cases/{case_id}/release"): (REVIEW, False, {}),
    ("POST", "/cases/{case_id}/assign"): (SUP, False, {"assignee": ""}),
    ("POST", "/cases/{case_id}/match"): (REVIEW, False, {"patient_id": "pt-1001"}),
    ("POST", "/cases/{case_id}/approve"): (SUP, False, {}),
    ("POST", "/cases/{case_id}/reject"): (REVIEW, False, {"reason": ""}),
    ("POST", "/cases/{case_id}/split"): (REVIEW, False, {"pages": "9"}),
    ("POST", "/cases/{case_id}/comments"): (REVIEW, False, {"body": "checked"}),
    ("GET", "/audit"): (AUDIT, False, None),
    ("GET", "/audit.csv"): (AUDIT, False, None),
    ("GET", "/admin/users"): (ADMIN, False, None),
    ("POST", "/admin/users"): (
        ADMIN,
        False,
        {"username": "newbie", "role": "clerk", "password": "long enough password"},
    ),
    ("POST", "/admin/users/{username}/reset"): (ADMIN, False, {}),
    ("POST", "/admin/users/{username}/disable"): (ADMIN, False, {}),
    ("POST", "/admin/tokens"): (ADMIN, False, {"name": "lab", "role": "clerk"}),
    ("POST", "/admin/tokens/{token_id}/revoke"): (ADMIN, False, {}),
    ("GET", "/api/v1/openapi.json"): (PUBLIC, False, None),
    ("GET", "/api/v1/me"): (ALL, False, None),
    ("GET", "/api/v1/cases"): (REVIEW, True, None),
    ("GET", "/api/v1/cases/{case_id}"): (REVIEW, True, None),
    ("GET", "/api/v1/cases/{case_id}/pages/{page_no}.png"): (REVIEW, True, None),
    ("POST", "/api/v1/cases/{case_id}/fields"): (REVIEW, True, {"path": "reason", "value": "knee pain"}),
    ("POST", "/api/v1/cases/{case_id}/claim"): (REVIEW, False, {}),
    ("POST", "/api/v1/cases/{case_id}/release"): (REVIEW, False, {}),
    ("POST", "/api/v1/cases/{case_id}/assign"): (SUP, False, {"assignee": None}),
    ("POST", "/api/v1/cases/{case_id}/match"): (REVIEW, False, {"patient_id": "pt-1001"}),
    ("POST", "/api/v1/cases/{case_id}/approve"): (SUP, False, {}),
    ("POST", "/api/v1/cases/{case_id}/reject"): (REVIEW, False, {"reason": "x", "return_to_sender": False}),
    ("POST", "/api/v1/cases/{case_id}/split"): (REVIEW, False, {"pages": [9]}),
    ("GET", "/api/v1/cases/{case_id}/comments"): (REVIEW, True, None),
    ("POST", "/api/v1/cases/{case_id}/comments"): (REVIEW, False, {"body": "checked"}),
    ("GET", "/api/v1/audit"): (AUDIT, False, None),
    ("GET", "/api/v1/audit.csv"): (AUDIT, False, None),
    ("GET", "/api/v1/users"): (ADMIN, False, None),
    ("POST", "/api/v1/users"): (
        ADMIN,
        False,
        {"username": "newbie2", "role": "clerk", "password": "long enough password"},
    ),
    ("POST", "/api/v1/users/{username}/reset"): (ADMIN, False, {}),
    ("POST", "/api/v1/users/{username}/disable"): (ADMIN, False, {}),
    ("GET", "/api/v1/tokens"): (ADMIN, False, None),
    ("POST", "/api/v1/tokens"): (ADMIN, False, {"name": "lab", "role": "clerk"}),
    ("POST", "/api/v1/tokens/{token_id}/revoke"): (ADMIN, False, {}),
    ("POST", "/logout"): (ALL, False, {}),  # last: it ends the session
}


def _routes(app: Any) -> set[tuple[str, str]]:
    """Every (method, path) the app answers, through included routers (FastAPI keeps them nested)."""
    try:
        from fastapi.routing import iter_route_contexts

        contexts: list[Any] = list(iter_route_contexts(app.routes))
    except ImportError:  # older FastAPI flattens included routers into app.routes
        contexts = list(app.routes)
    out = set()
    for r in contexts:
        original = getattr(r, "original_route", r)
        if isinstance(original, Mount):
            assert r.path == "/static", f"unexpected mount {r.path}"
            continue
        out |= {(m, r.path) for m in getattr(r, "methods", None) or () if m != "HEAD"}
    return out


def _audit_count(web: Any) -> int:
    with web.store.read() as s:
        return int(s.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def test_matrix_covers_every_route(web: Any) -> None:
    assert _routes(web.app) == set(MATRIX)


def test_each_role_gets_exactly_what_the_matrix_allows(web: Any) -> None:
    case_id = web.case(pages=2)
    web.add_user("target", "clerk")
    with web.store.begin() as s:
        token_id = create_token(s, "victim", "clerk", actor="test")[0].id
    anon = web.new_client()
    params = {"case_id": case_id, "page_no": 1, "username": "target", "token_id": token_id}
    for (method, path), (allowed, phi, body) in MATRIX.items():
        url = path.format(**params)
        served = 0
        for who in [*sorted(ALL), ANON]:
            client = anon if who == ANON else web.clients[who]
            headers = {} if who == ANON else {"X-CSRF-Token": web.csrf[who]}
            kwargs: dict[str, Any] = {"headers": headers, "follow_redirects": False}
            if body is not None:
                kwargs["json" if path.startswith("/api/") else "data"] = body
            before = _audit_count(web)
            r = client.request(method, url, **kwargs)
            denied = r.status_code in (401, 403) or (
                r.status_code == 303 and r.headers["location"] == "/login" and path != "/"
            )
            if path == "/logout":  # signing out also lands on /login: tell by the cleared session cookie
                denied = "ri_session=" not in r.headers.get("set-cookie", "")
            if who in allowed:
                assert not denied, f"{who} should be allowed {method} {path}: {r.status_code}"
                assert r.status_code < 500, f"{method} {path} as {who}: {r.status_code}"
                if phi and r.status_code == 200:
                    served += 1
                    assert _audit_count(web) > before, f"{method} {path} returned PHI without an audit event"
            else:
                assert denied, f"{who} should be denied {method} {path}: got {r.status_code}"
                if who == ANON:
                    expected = 401 if path.startswith("/api/") else 303
                    assert r.status_code == expected, f"anonymous {method} {path}: {r.status_code}"
                else:
                    assert r.status_code == 403, f"{who} {method} {path}: {r.status_code}"
        assert served or not phi, f"{method} {path}: no allowed role was served (the PHI audit went untested)"


def test_api_tokens_carry_their_role(web: Any) -> None:
    with web.store.begin() as s:
        _, clerk = create_token(s, "portal", "clerk", actor="test")
        _, auditor = create_token(s, "siem", "auditor", actor="test")
    c = web.new_client()
    assert c.get("/api/v1/cases", headers={"Authorization": f"Bearer {clerk}"}).status_code == 200
    assert c.get("/api/v1/audit", headers={"Authorization": f"Bearer {clerk}"}).status_code == 403
    assert c.get("/api/v1/audit", headers={"Authorization": f"Bearer {auditor}"}).status_code == 200
    assert c.get("/api/v1/cases", headers={"Authorization": "Bearer ri_wrong"}).status_code == 401
    me = c.get("/api/v1/me", headers={"Authorization": f"Bearer {clerk}"}).json()
    assert me["role"] == "clerk" and "case.approve" not in me["permissions"]
